"""Running the validation's model runs: seeds, jobs, and a process pool.

Each run's seed comes from the experiment seed and the replication number alone
(``numpy.random.SeedSequence([seed, 0, replication])``), so replication *k* of every arm starts
from the same quarter (common random numbers: arms are compared seed by seed) and results do not
depend on the order or the number of processes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.model import QuartierModel

STREAMS = {"runs": 0, "decay": 1, "s_curve": 2}
"""Independent seed streams: the main runs, the tie-decay measurement, the take-off runs."""


def replication_seed(seed: int, replication: int, stream: str = "runs") -> int:
    """The model seed of ``replication`` in ``stream`` (shared by all arms of that stream):
    ``SeedSequence([seed, stream number, replication])``."""
    ss = np.random.SeedSequence([seed, STREAMS[stream], replication])
    return int(ss.generate_state(1)[0])


@dataclass(frozen=True)
class Job:
    """One model run: an arm label, its parameters, a replication and how long to run."""

    block: str
    arm: str
    replication: int
    seed: int
    steps: int
    params: tuple[tuple[str, Any], ...]
    extra: tuple[tuple[str, Any], ...] = field(default=())  # labels for the table (not params)

    @property
    def key(self) -> tuple:
        """Identity of the run itself: equal keys give identical data, so they run once."""
        return (self.seed, self.steps, _freeze(dict(self.params)))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def make_job(block: str, arm: str, replication: int, seed: int, steps: int,
             params: dict[str, Any], **extra: Any) -> Job:
    return Job(block, arm, replication, replication_seed(seed, replication), steps,
               tuple(sorted(params.items())), tuple(sorted(extra.items())))


def run_model(seed: int, steps: int, params: dict[str, Any]) -> pd.DataFrame:
    """One run; every week's measures (row 0 = the state before the first week)."""
    model = QuartierModel(rng=seed, **params)
    for _ in range(steps):
        model.step()
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df.index.name = "week"
    return df


def _run_key(key: tuple) -> pd.DataFrame:
    seed, steps, frozen = key
    params = {k: (dict(v) if k == "role_mix" and v is not None else v) for k, v in frozen}
    return run_model(seed, steps, params)


def run_jobs(
    jobs: Iterable[Job],
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run all ``jobs`` (each distinct run once) and return one long table: a row per job and
    week with ``block``, ``arm``, ``replication``, ``seed``, ``week``, the extra labels and
    every measure."""
    jobs = list(jobs)
    keys = list(dict.fromkeys(j.key for j in jobs))
    processes = processes or os.cpu_count() or 1
    results: dict[tuple, pd.DataFrame] = {}
    if processes == 1 or len(keys) <= 1:
        for n, key in enumerate(keys, 1):
            results[key] = _run_key(key)
            if progress:
                progress(n, len(keys))
    else:
        # Longest runs first (the workers' strategies cost most), so no process idles at the end.
        order = sorted(keys, key=lambda k: -k[1])
        # "spawn": fresh interpreters, safe even when the caller has threads (fork is not).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            for n, (key, df) in enumerate(zip(order, pool.map(_run_key, order), strict=True), 1):
                results[key] = df
                if progress:
                    progress(n, len(keys))
    frames = []
    for j in jobs:
        df = results[j.key].reset_index()
        labels = {"block": j.block, "arm": j.arm, "replication": j.replication, "seed": j.seed,
                  **dict(j.extra)}
        frames.append(df.assign(**labels))
    table = pd.concat(frames, ignore_index=True)
    extra = list(dict.fromkeys(k for j in jobs for k, _ in j.extra))
    first = ["block", "arm", "replication", "seed", *extra, "week"]
    return table[first + [c for c in table.columns if c not in first]]
