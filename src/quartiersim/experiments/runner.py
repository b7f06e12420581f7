"""Running model runs: one :class:`~quartiersim.experiments.identity.RunSpec` → one table of rows.

These functions run inside worker processes (local or on Dask workers), so they take and return
plain, picklable data and never touch the results folder: the coordinating process writes.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from quartiersim.experiments.identity import RunSpec
from quartiersim.experiments.provenance import this_code
from quartiersim.model import QuartierModel

ID_COLUMNS = ("run_id", "replication", "seed", "step")
"""The columns that identify a row: which run, which replication, its seed, which week."""


@dataclass
class RunResult:
    """A finished run: its rows, or the error that stopped it; the code that computed it (a
    code record, :mod:`.provenance`) and the worker it ran on."""

    run_id: str
    frame: pd.DataFrame | None
    error: str | None = None
    seconds: float = 0.0
    code: dict[str, Any] = field(default_factory=dict)
    worker: str = ""


def worker_name() -> str:
    """Where this process runs: a Dask worker's address, else host and process id."""
    if "distributed" in sys.modules:  # only look when Dask is in use, never import it here
        try:
            from distributed import get_worker

            return f"Dask worker {get_worker().address}"
        except (ImportError, ValueError):
            pass
    return f"{socket.gethostname()} (process {os.getpid()})"


def simulate(spec: RunSpec) -> pd.DataFrame:
    """Run one model and return one row per recorded week.

    Columns: ``run_id``, ``replication``, ``seed``, ``step``, the run's labels (variant and
    parameter values) and the measures. Measures are stored as float64 whatever their kind, so
    every file of an experiment has the same schema.
    """
    return rows(spec, run_model(spec))


def run_model(spec: RunSpec) -> QuartierModel:
    """The model of one run, run to its last week (for callers that read more of it than
    the rows of :func:`simulate`)."""
    # Only the recorded weeks and measures are computed (the model's measures only read).
    model = QuartierModel(
        rng=spec.seed,
        collect_weeks=spec.record,
        collect_measures=spec.measures,
        **spec.params,
    )
    for _ in range(spec.steps):
        model.step()
    return model


def rows(spec: RunSpec, model: QuartierModel) -> pd.DataFrame:
    """The rows of :func:`simulate` from the finished ``model`` of ``spec``."""
    data = model.datacollector.get_model_vars_dataframe()
    data.index = model.collected_weeks
    steps = list(spec.record)
    n = len(steps)
    frame = pd.DataFrame(
        {
            "run_id": pd.Series([spec.run_id] * n, dtype="str"),
            "replication": pd.Series([spec.replication] * n, dtype="int64"),
            "seed": pd.Series([spec.seed] * n, dtype="int64"),
            "step": pd.Series(steps, dtype="int64"),
        }
    )
    for name, value in spec.columns.items():
        frame[name] = pd.Series([value] * n, dtype=_dtype(value))
    measured = data.loc[steps, list(spec.measures)].astype("float64").reset_index(drop=True)
    return pd.concat([frame, measured], axis=1)


def _dtype(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "str"


def run_batch(specs: list[RunSpec]) -> list[RunResult]:
    """Run several runs in turn (one task for a worker). A failing run is reported with its
    traceback and does not stop the others."""
    results = []
    code, worker = this_code(), worker_name()
    for spec in specs:
        start = time.perf_counter()
        try:
            frame = simulate(spec)
        except Exception:  # reported to the user with the run's id; the sweep goes on
            results.append(
                RunResult(spec.run_id, None, traceback.format_exc(), code=code, worker=worker)
            )
            continue
        seconds = time.perf_counter() - start
        results.append(RunResult(spec.run_id, frame, None, seconds, code=code, worker=worker))
    return results
