"""Running the validation's model runs: seeds, jobs, and the toolkit's executors.

Each run's seed comes from the experiment seed and the replication number alone
(``numpy.random.SeedSequence([seed, 0, replication])``), so replication *k* of every arm starts
from the same quarter (common random numbers: arms are compared seed by seed) and results do not
depend on the order or the number of processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.experiments import runner
from quartiersim.experiments.executors import make_executor
from quartiersim.experiments.identity import RunSpec
from quartiersim.measures import MEASURES
from quartiersim.model import QuartierModel
from quartiersim.roles import ACTIVITIES

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


def make_job(
    block: str,
    arm: str,
    replication: int,
    seed: int,
    steps: int,
    params: dict[str, Any],
    **extra: Any,
) -> Job:
    return Job(
        block,
        arm,
        replication,
        replication_seed(seed, replication),
        steps,
        tuple(sorted(params.items())),
        tuple(sorted(extra.items())),
    )


def run_model(seed: int, steps: int, params: dict[str, Any]) -> pd.DataFrame:
    """One run in this process; every week's measures (row 0 = the state before week 1)."""
    model = QuartierModel(rng=seed, **params)
    for _ in range(steps):
        model.step()
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df.index.name = "week"
    return df


def _spec(key: tuple) -> RunSpec:
    """The toolkit's task for one distinct run (every week, every measure recorded)."""
    seed, steps, frozen = key
    params = {k: (dict(v) if k == "role_mix" and v is not None else v) for k, v in frozen}
    run_id = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
    return RunSpec(
        run_id=run_id,
        replication=0,
        seed=seed,
        params=params,
        columns={},
        steps=steps,
        record=tuple(range(steps + 1)),
        measures=tuple(MEASURES),
    )


def problem_records(model: QuartierModel) -> pd.DataFrame:
    """Every problem of a finished run: its kind, the week by whose end it was first
    visible, the week a residents' group first took it up and the week it was solved (-1:
    never) — what the founding lag after the exit is read from."""
    pr = model.problems
    return pd.DataFrame(
        {
            "problem": np.arange(len(pr), dtype=np.int64),
            "kind": pr.kind.astype(np.int64),
            "visible_week": pr.visible_week.astype(np.int64),
            "taken_up_week": pr.taken_up_week.astype(np.int64),
            "solved_week": pr.solved_week.astype(np.int64),
            "last_week": np.full(len(pr), model.steps, dtype=np.int64),
        }
    )


def organiser_records(model: QuartierModel) -> pd.DataFrame:
    """The resident organisers who hold a task at the end of a run and have not withdrawn
    (as the measure ``resident_organisers`` counts them): their task, whether they are in a
    group, and their quality (activated competence in the task's domain)."""
    o, r = model.organisers, model.residents
    holders = o.holders()
    holders = holders[~r.withdrawn[holders]]
    tasks = [o.tasks[int(t)] for t in o.task[holders]]
    domains = np.array([ACTIVITIES[t].handover_domain for t in tasks], dtype=np.int64)
    return pd.DataFrame(
        {
            "resident": holders.astype(np.int64),
            "task": pd.Series(tasks, dtype="str"),
            "group_member": r.group[holders] >= 0,
            "quality": r.activated[holders, domains] if len(holders) else np.zeros(0),
        }
    )


RECORDS = {"problems": problem_records, "organisers": organiser_records}
"""What the validation keeps of each finished run besides its weekly measures."""


def _simulate(spec: RunSpec) -> tuple[str, pd.DataFrame, dict[str, pd.DataFrame]]:
    model = runner.run_model(spec)
    return (
        spec.run_id,
        runner.rows(spec, model),
        {name: record(model) for name, record in RECORDS.items()},
    )


def run_jobs(
    jobs: Iterable[Job],
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run all ``jobs`` (each distinct run once) and return one long table: a row per job and
    week with ``block``, ``arm``, ``replication``, ``seed``, ``week``, the extra labels and
    every measure (:func:`run_all` also gives what each run kept besides, :data:`RECORDS`)."""
    return run_all(jobs, processes, progress, scheduler)[0]


def run_all(
    jobs: Iterable[Job],
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Run all ``jobs`` (each distinct run once): the long table of :func:`run_jobs`, and for
    each of :data:`RECORDS` one table of every job's records with the job's labels.

    The runs go through the researcher's toolkit (:mod:`quartiersim.experiments`): local worker
    processes (``processes``, default all cores) or a Dask cluster (``scheduler``,
    ``tcp://HOST:PORT``). The seed is part of each task, so results do not depend on where or
    in which order the runs ran.
    """
    jobs = list(jobs)
    specs = {key: _spec(key) for key in dict.fromkeys(j.key for j in jobs)}
    by_id = {spec.run_id: key for key, spec in specs.items()}
    results: dict[tuple, pd.DataFrame] = {}
    kept: dict[tuple, dict[str, pd.DataFrame]] = {}
    executor = make_executor(processes, scheduler)
    try:
        done = executor.map_unordered(_simulate, list(specs.values()))
        for n, (run_id, frame, of_run) in enumerate(done, 1):
            frame = frame.drop(columns=["run_id", "replication", "seed"])
            results[by_id[run_id]] = frame.rename(columns={"step": "week"})
            kept[by_id[run_id]] = of_run
            if progress:
                progress(n, len(specs))
    finally:
        executor.close()
    frames = []
    records: dict[str, list[pd.DataFrame]] = {name: [] for name in RECORDS}
    for j in jobs:
        labels = {
            "block": j.block,
            "arm": j.arm,
            "replication": j.replication,
            "seed": j.seed,
            **dict(j.extra),
        }
        frames.append(results[j.key].assign(**labels))
        for name in RECORDS:
            records[name].append(kept[j.key][name].assign(**labels))
    table = pd.concat(frames, ignore_index=True)
    extra = list(dict.fromkeys(k for j in jobs for k, _ in j.extra))
    first = ["block", "arm", "replication", "seed", *extra, "week"]
    table = table[first + [c for c in table.columns if c not in first]]
    return table, {name: pd.concat(parts, ignore_index=True) for name, parts in records.items()}
