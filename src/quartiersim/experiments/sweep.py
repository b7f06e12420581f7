"""Sweeps: run an experiment's runs into a results folder, skipping the finished ones."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from quartiersim.experiments.executors import Executor, LocalExecutor
from quartiersim.experiments.experiment import Experiment
from quartiersim.experiments.identity import RunSpec
from quartiersim.experiments.runner import RunResult, run_batch
from quartiersim.experiments.storage import ResultStore, experiment_info
from quartiersim.parameters import DEFAULTS

ERROR_LOG = "_errors.log"
"""Where a sweep's failed runs leave their tracebacks (Parquet readers skip ``_`` files)."""

TASK_COST = 30_000
"""Resident-weeks per task when runs are batched (about half a second of work): small runs
are sent to workers in batches so that the cost of sending them stays small."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class SweepOutcome:
    """What a sweep did: runs in total, found finished, run now, and failed."""

    out: Path
    total: int
    skipped: int
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def write_error_log(self) -> Path:
        """The failed runs' tracebacks, in ``_errors.log`` of the results folder."""
        log = self.out / ERROR_LOG
        log.write_text("\n\n".join(f"run {rid}:\n{tb}" for rid, tb in self.failed))
        return log


def batches(runs: Sequence[RunSpec], slots: int, in_process: bool = False) -> list[list[RunSpec]]:
    """Consecutive runs grouped into tasks: one run per task when runs are costly (or run in
    this process), more when they are small, but enough tasks to keep every slot busy."""
    if not runs:
        return []
    if in_process:
        return [[r] for r in runs]
    cost = max(r.params.get("n_residents", DEFAULTS["n_residents"]) * max(r.steps, 1) for r in runs)
    size = max(1, min(math.ceil(len(runs) / (4 * slots)), TASK_COST // cost))
    return [list(runs[i : i + size]) for i in range(0, len(runs), size)]


def execute(
    runs: Sequence[RunSpec],
    store: ResultStore,
    executor: Executor,
    *,
    total: int,
    desc: str,
    progress: bool | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[tuple[str, str]]:
    """Run ``runs`` on ``executor``, storing each as it finishes; returns the failures.

    The progress bar counts all ``total`` runs of the experiment (finished ones included) and
    shows the rate and the time left; ``progress=None`` shows it when stderr is a terminal.
    """
    failures: list[tuple[str, str]] = []
    in_process = isinstance(executor, LocalExecutor) and executor.processes == 1
    tasks = batches(runs, executor.slots, in_process)
    bar = tqdm(
        total=total,
        initial=total - len(runs),
        desc=desc,
        unit="run",
        file=sys.stderr,
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
        smoothing=0.05,
    )
    results = executor.map_unordered(run_batch, tasks)
    try:
        for batch in results:
            for result in batch:
                if result.error is not None:
                    failures.append((result.run_id, result.error))
                else:
                    store.write_run(result.run_id, result.frame)
                if on_result is not None:
                    on_result(result)
                bar.update(1)
    finally:
        results.close()
        bar.close()
    return failures


def run_sweep(
    experiment: Experiment,
    out: Path | str,
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
    log: Callable[[str], None] = _log,
    command: list[str] | None = None,
) -> SweepOutcome:
    """Run every run of ``experiment`` that ``out`` does not hold yet.

    Refuses a folder that holds another experiment's results or is being written by another
    sweep. Interrupting (Ctrl-C, SIGKILL, power cut) loses at most the runs in progress.
    """
    executor = executor or LocalExecutor()
    store = ResultStore(out)
    start = time.perf_counter()
    with store.writing():
        resumed = store.prepare(
            experiment.definition(), experiment.hash(), experiment_info(experiment, command)
        )
        runs = experiment.runs()
        finished = store.finished()
        pending = [r for r in runs if r.run_id not in finished]
        outcome = SweepOutcome(Path(out), total=len(runs), skipped=len(runs) - len(pending))
        conditions = len(experiment.conditions())
        log(
            f"{experiment.name}: {len(runs)} runs ({conditions} conditions × "
            f"{experiment.replications} replications, {experiment.steps} weeks each)"
            + (f"; resuming: {outcome.skipped} finished, {len(pending)} to run" if resumed else "")
            + f"; on {executor.description}"
        )
        outcome.failed = execute(
            pending, store, executor, total=len(runs), desc=experiment.name, progress=progress
        )
    outcome.done = len(pending) - len(outcome.failed)
    outcome.seconds = time.perf_counter() - start
    return outcome
