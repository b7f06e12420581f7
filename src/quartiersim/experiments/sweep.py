"""Sweeps: run an experiment's runs into a results folder, skipping the finished ones.

A sweep first shows its plan (:mod:`.plan`: runs counted, time estimated) and starts a large
one only when confirmed. It then holds the folder's lock, checks that the folder holds this
experiment computed by this code (:mod:`.storage`, :mod:`.provenance`), verifies the stored
runs, and hands the missing ones to the executor, one batch at a time: the runs are generated
as they are due, so memory does not grow with the size of the sweep. Each result is stored as
it comes in, with the provenance of the worker that computed it.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from quartiersim.errors import SweepStopped
from quartiersim.experiments.executors import Executor, LocalExecutor
from quartiersim.experiments.experiment import Experiment
from quartiersim.experiments.identity import RunSpec, digest
from quartiersim.experiments.plan import Plan, confirm, estimate
from quartiersim.experiments.provenance import differences, this_code
from quartiersim.experiments.runner import RunResult, run_batch
from quartiersim.experiments.storage import ResultStore, experiment_info, write_text_atomic
from quartiersim.parameters import DEFAULTS

if TYPE_CHECKING:  # pandas is imported where results are read
    import pandas as pd

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
        write_text_atomic(log, "\n\n".join(f"run {rid}:\n{tb}" for rid, tb in self.failed))
        return log


def batch_size(count: int, cost: float, slots: int, in_process: bool = False) -> int:
    """Runs per task: one when runs are costly (``cost`` resident-weeks each) or run in this
    process, more when they are small, but enough tasks to keep every slot busy."""
    if in_process or count <= 0:
        return 1
    return max(1, min(math.ceil(count / (4 * slots)), int(TASK_COST // max(cost, 1))))


def batches(runs: Iterable[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    """Consecutive runs grouped into tasks of ``size`` runs, as they come."""
    batch: list[RunSpec] = []
    for run in runs:
        batch.append(run)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_cost(runs: Sequence[RunSpec]) -> float:
    """The largest cost (households × weeks) among ``runs``."""
    return max(
        (r.params.get("n_residents", DEFAULTS["n_residents"]) * max(r.steps, 1) for r in runs),
        default=1,
    )


def execute(
    runs: Iterable[RunSpec],
    count: int,
    store: ResultStore,
    executor: Executor,
    *,
    total: int,
    desc: str,
    cost: float,
    progress: bool | None = None,
    allow_mixed: bool = False,
    log: Callable[[str], None] = _log,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[tuple[str, str]]:
    """Run the ``count`` runs of ``runs`` on ``executor``, storing each as it finishes with the
    provenance of the worker that ran it; returns the failures.

    A result computed by other code than the folder accepts stops the sweep (it is not stored)
    unless ``allow_mixed``. The progress bar counts all ``total`` runs of the experiment
    (finished ones included) and shows the rate and the time left; ``progress=None`` shows it
    when stderr is a terminal.
    """
    failures: list[tuple[str, str]] = []
    in_process = isinstance(executor, LocalExecutor) and executor.processes == 1
    size = batch_size(count, cost, executor.slots, in_process)
    specs: dict[str, RunSpec] = {}  # the runs handed out and not back yet

    def tasks() -> Iterator[list[RunSpec]]:
        for batch in batches(runs, size):
            specs.update((r.run_id, r) for r in batch)
            yield batch

    def lost(task: list[RunSpec], reason: str) -> list[RunResult]:
        return [RunResult(r.run_id, None, f"{reason}\n") for r in task]

    bar = tqdm(
        total=total,
        initial=total - count,
        desc=desc,
        unit="run",
        file=sys.stderr,
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
        smoothing=0.05,
    )
    results = executor.map_unordered(run_batch, tasks(), on_lost=lost, log=log)
    try:
        for batch in results:
            for result in batch:
                spec = specs.pop(result.run_id)
                if result.error is not None:
                    failures.append((result.run_id, result.error))
                else:
                    admit_result(store, result, allow_mixed, log)
                    store.write_run(spec, result.frame, code=result.code, worker=result.worker)
                if on_result is not None:
                    on_result(result)
                bar.update(1)
    finally:
        results.close()
        bar.close()
    return failures


def unfinished(
    runs: Sequence[RunSpec], store: ResultStore, out: Path
) -> tuple[list[RunSpec], SweepOutcome]:
    """The runs of a plan listed in full that the folder has not verified as finished, and the
    outcome that counts them (for the plans that list their runs: sensitivity, calibration)."""
    finished = store.verify()
    pending = [r for r in runs if r.run_id not in finished]
    return pending, SweepOutcome(out, total=len(runs), skipped=len(runs) - len(pending))


def run_unfinished(
    pending: list[RunSpec],
    outcome: SweepOutcome,
    store: ResultStore,
    executor: Executor,
    *,
    desc: str,
    progress: bool | None,
    allow_mixed: bool,
    log: Callable[[str], None],
) -> None:
    """Run the ``pending`` runs :func:`unfinished` found, recording in ``outcome`` what was done
    and what failed."""
    outcome.failed = execute(
        pending,
        len(pending),
        store,
        executor,
        total=outcome.total,
        desc=desc,
        cost=run_cost(pending),
        progress=progress,
        allow_mixed=allow_mixed,
        log=log,
    )
    outcome.done = len(pending) - len(outcome.failed)


def run_listed(
    plan: Any,
    store: ResultStore,
    executor: Executor,
    *,
    headline: Callable[[int], str],
    command: list[str] | None,
    progress: bool | None,
    allow_mixed: bool,
    log: Callable[[str], None],
) -> tuple[SweepOutcome, pd.DataFrame | None]:
    """Run a plan that lists its runs in full (calibration, claims) into ``store`` as every
    sweep does: this code checked against the folder's, the stored runs verified, the rest run.
    ``headline(n)`` describes the plan's ``n`` runs in the log. Returns the outcome and the
    folder's data, or None while runs failed."""
    code = this_code()
    executor.check_code(code, allow_mixed)
    with store.writing():
        definition = plan.definition()
        resumed = store.prepare(
            definition,
            digest(definition),
            experiment_info(plan, command),
            code=code,
            allow_mixed=allow_mixed,
        )
        runs = plan.runs()
        pending, outcome = unfinished(runs, store, store.root)
        log(
            headline(len(runs))
            + (f"; resuming: {outcome.skipped} finished" if resumed else "")
            + f"; on {executor.description}"
        )
        run_unfinished(
            pending,
            outcome,
            store,
            executor,
            desc=plan.name,
            progress=progress,
            allow_mixed=allow_mixed,
            log=log,
        )
    if outcome.failed:
        return outcome, None
    data, _ = store.read(allow_mixed=allow_mixed)
    return outcome, data


def admit_result(
    store: ResultStore, result: RunResult, allow_mixed: bool, log: Callable[[str], None]
) -> None:
    """Refuse (:class:`SweepStopped`) a result of other code than the folder's, unless mixing
    is allowed: then the folder's manifest records the new code."""
    if store.accepts_code(result.code):
        return
    names = ("in the folder", "on the worker")
    what = "; ".join(differences(store.manifest()["code"], result.code, names))
    if not allow_mixed:
        raise SweepStopped(
            f"{result.worker} computed run {result.run_id} with other code than this folder's "
            f"({what}); the run was not stored. Install the same QuartierSim and libraries on "
            "every worker, or pass --allow-mixed"
        )
    store.add_code(result.code)
    log(f"note: {result.worker} runs other code ({what}); mixed in (--allow-mixed)")


def plan_sweep(experiment: Experiment, store: ResultStore, executor: Executor) -> Plan:
    """The plan of ``experiment`` into ``store``: counted, with a time estimate."""
    total = experiment.count_runs()
    to_run = total
    # Stored runs counted by their names, before they are verified: enough for the plan.
    if store.manifest_path.exists() and store.manifest()["definition_hash"] == experiment.hash():
        to_run = max(total - _finished_count(store.finished(), experiment.replications), 0)
    conditions = experiment.count_conditions()
    shape = (
        f"{conditions:,} conditions × {experiment.replications:,} replications, "
        f"{experiment.steps} weeks each"
    )
    plan = Plan(experiment.name, total, shape, executor.description, to_run)
    if to_run:
        first = next(experiment.iter_conditions())
        plan.seconds = estimate(
            first.params,
            runs=to_run,
            steps=experiment.steps,
            mean_residents=experiment.mean_residents(),
            slots=executor.slots,
        )
    return plan


def _finished_count(finished: set[str], replications: int) -> int:
    """Finished runs among the first ``replications`` (ids end in ``-rNNNN``)."""
    return sum(1 for rid in finished if int(rid.rsplit("-r", 1)[1]) < replications)


def run_sweep(
    experiment: Experiment,
    out: Path | str,
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
    log: Callable[[str], None] = _log,
    command: list[str] | None = None,
    yes: bool = False,
    ask: Callable[[str], bool] | None = None,
    allow_mixed: bool = False,
) -> SweepOutcome:
    """Run every run of ``experiment`` that ``out`` does not hold yet.

    Shows the plan first; a large plan starts only with ``yes`` or when ``ask(question)``
    agrees. Refuses a folder that holds another experiment's results, results of other code
    (unless ``allow_mixed``), or is being written by another sweep. Stored runs that do not
    verify are set aside and run again. Interrupting (Ctrl-C, SIGKILL, power cut) loses at most
    the runs in progress.
    """
    executor = executor or LocalExecutor()
    store = ResultStore(out, log=log)
    start = time.perf_counter()
    plan = plan_sweep(experiment, store, executor)
    log(plan.text())
    confirm(
        plan,
        yes=yes,
        ask=ask,
        smaller="fewer --replications, fewer --steps or fewer values in [sweep]",
    )
    if not experiment.checked:
        log(f"checking {experiment.count_conditions():,} conditions ...")
        experiment.check_conditions()
    code = this_code()
    executor.check_code(code, allow_mixed)
    with store.writing():
        resumed = store.prepare(
            experiment.definition(),
            experiment.hash(),
            experiment_info(experiment, command),
            code=code,
            allow_mixed=allow_mixed,
        )
        finished = store.verify()
        total = plan.total
        skipped = _finished_count(finished, experiment.replications)
        count = total - skipped
        outcome = SweepOutcome(Path(out), total=total, skipped=skipped)
        if resumed:
            log(f"resuming: {skipped} finished, {count} to run")
        pending = (r for r in experiment.iter_runs() if r.run_id not in finished)
        outcome.failed = execute(
            pending,
            count,
            store,
            executor,
            total=total,
            desc=experiment.name,
            cost=experiment.max_residents() * experiment.steps,
            progress=progress,
            allow_mixed=allow_mixed,
            log=log,
        )
    outcome.done = count - len(outcome.failed)
    outcome.seconds = time.perf_counter() - start
    return outcome
