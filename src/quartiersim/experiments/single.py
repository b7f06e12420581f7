"""One model run: run it, summarise it on screen, write it to a file.

What ``quartiersim run`` does, callable from Python::

    from quartiersim.experiments import run_single

    run = run_single({"strategy": "empowerment", "n_residents": 200}, steps=52, seed=1)
    print(run.summary())
    run.write("run.parquet")  # one row per week, one column per measure

The rows are those of a sweep's result files (:func:`~quartiersim.experiments.runner.simulate`):
``run_id``, ``replication``, ``seed``, ``step``, the parameters that were set (and
``strategy``) and the measures.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from quartiersim import MEASURES, PARAMETERS
from quartiersim.errors import UsageError
from quartiersim.experiments.experiment import ALWAYS_RECORDED, DEFAULT_STEPS, check_parameters
from quartiersim.experiments.identity import RunSpec, column_value, record_steps
from quartiersim.experiments.runner import simulate
from quartiersim.experiments.storage import write_atomic

SUMMARY_MEASURES = (
    "social_capital",
    "political_influence",
    "helplessness",
    "participation",
    "withdrawn_share",
    "activated_resources",
)
"""The measures a run's summary shows."""

FILE_SUFFIXES = (".parquet", ".pq", ".csv")
"""File kinds a run can be written to (Parquet or CSV, by the name's ending)."""


def new_seed() -> int:
    """A fresh random seed in [0, 2**63), for a run whose seed nobody chose (print it: it
    repeats the run)."""
    return secrets.randbits(63)


def check_run_file(path: Path | str) -> Path:
    """``path`` if a run can be written there (.parquet or .csv), else a :class:`UsageError`."""
    if Path(path).suffix.lower() not in FILE_SUFFIXES:
        raise UsageError(f"--out {path}: expected a file name ending in .parquet or .csv")
    return Path(path)


@dataclass
class SingleRun:
    """A finished run: its rows (one per recorded week), all its parameters and its seed."""

    frame: pd.DataFrame
    parameters: dict[str, Any]
    seed: int
    steps: int

    def summary(self) -> str:
        """The main measures at the start, at the exit of the workers and at the end."""
        exit_week = self.parameters["project_weeks"]
        steps = self.steps
        weeks = [0] + ([exit_week] if 0 < exit_week < steps else []) + [steps]
        names = {0: "start", exit_week: "exit", steps: "end"}
        head = f"{'measure':<22}" + "".join(f"{names[w] + f' (wk {w})':>16}" for w in weeks)
        lines = [
            f"strategy {self.parameters['strategy']}, seed {self.seed}, {steps} weeks, "
            f"{self.parameters['n_residents']} households",
            head,
        ]
        by_step = self.frame.set_index("step")
        for m in SUMMARY_MEASURES:
            if m in by_step:
                lines.append(f"{m:<22}" + "".join(f"{by_step.loc[w, m]:>16.3f}" for w in weeks))
        return "\n".join(lines)

    def write(self, path: Path | str) -> Path:
        """Write the rows to ``path`` (.parquet or .csv) in one atomic step; returns the path."""
        out = check_run_file(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            write_atomic(out, lambda fh: fh.write(self.frame.to_csv(index=False).encode()))
        else:
            write_atomic(out, lambda fh: self.frame.to_parquet(fh, index=False))
        return out


def run_single(
    params: Mapping[str, Any] | None = None,
    *,
    steps: int = DEFAULT_STEPS,
    seed: int | None = None,
    record_every: int = 1,
    measures: Sequence[str] | None = None,
) -> SingleRun:
    """Run the model once with ``params`` (unset ones keep their defaults) for ``steps`` weeks.

    ``seed`` None draws a fresh one (kept in the result); ``record_every`` keeps every N-th week
    (plus the exit and the last week); ``measures`` limits the columns (default: all). Bad
    parameters are a :class:`UsageError` naming them; nothing runs.
    """
    params = dict(params or {})
    full = check_parameters(params)
    seed = new_seed() if seed is None else seed
    measures = tuple(measures or MEASURES)
    measures += tuple(m for m in ALWAYS_RECORDED if m not in measures)
    spec = RunSpec(
        run_id="run",
        replication=0,
        seed=seed,
        params=params,
        columns={k: column_value(k, full[k]) for k in PARAMETERS if k in params or k == "strategy"},
        steps=steps,
        record=record_steps(steps, record_every, full["project_weeks"]),
        measures=measures,
    )
    return SingleRun(simulate(spec), full, seed, steps)
