"""Workers die, sweeps go on (issue 18, case 4): with real processes — a local worker killed
with SIGKILL, a Dask worker and a Dask scheduler killed, a Dask cluster left without workers —
the sweep replaces, retries, says what happened in one line and never mixes or loses runs."""

import os
import signal
import time

import pandas as pd
import psutil
import pytest
from processes import (
    cli,
    dask_scheduler,
    dask_worker,
    finish,
    free_port,
    other_code,
    read,
    run_files,
    stop,
    wait_for,
)

from quartiersim.cli import main
from quartiersim.errors import WorkerDied
from quartiersim.experiments.executors import MAX_ATTEMPTS, LocalExecutor

SWEEP = """\
[experiment]
name = "workers-die"
steps = 30
replications = 8
seed = 3

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 15

[sweep]
strategy = ["none", "top_down", "empowerment"]
"""
RUNS = 24


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("workers") / "sweep.toml"
    path.write_text(SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory):
    """The sweep in this process, nothing killed."""
    out = tmp_path_factory.mktemp("reference") / "results"
    args = ["sweep", str(experiment_file), "--out", str(out), "--processes", "1", "--no-progress"]
    assert main(args) == 0
    return read(out)


# -- local worker processes --------------------------------------------------------------------


def busy_worker(coordinator: int) -> psutil.Process:
    """A worker process of the sweep ``coordinator`` that is computing right now (its CPU
    time grows). Workers are started by the fork server, a child of the coordinator."""

    def computing() -> psutil.Process | None:
        workers = [
            p
            for p in psutil.Process(coordinator).children(recursive=True)
            if p.ppid() != coordinator
        ]
        before = {p.pid: sum(p.cpu_times()[:2]) for p in workers}
        time.sleep(0.05)  # a measuring interval, not a synchronisation
        for p in workers:
            if sum(p.cpu_times()[:2]) > before[p.pid]:
                return p
        return None

    found: list[psutil.Process] = []
    wait_for(lambda: bool(found.append(computing()) or found[-1]), 60, "a computing worker")
    return found[-1]


@pytest.mark.slow  # real worker processes killed mid-sweep
def test_a_killed_local_worker_is_replaced_and_its_runs_done_again(
    tmp_path, experiment_file, reference
):
    """Case 4: SIGKILL one of two worker processes mid-sweep. The sweep says which worker died
    and that its runs are done again, ends normally (exit 0) and holds exactly the data of a
    sweep nobody disturbed."""
    out, log = tmp_path / "results", tmp_path / "err.txt"
    proc = cli("sweep", experiment_file, "--out", out, "--processes", "2", log=log)
    try:
        wait_for(lambda: len(run_files(out)) >= 2 or proc.poll() is not None, 180, "stored runs")
        victim = busy_worker(proc.pid)
        victim.kill()
        code, err = finish(proc, log)
    finally:
        stop(proc)
    assert code == 0, err
    assert f"worker process {victim.pid} died (killed by SIGKILL) while running" in err
    assert "a new worker runs them again" in err
    assert "Traceback" not in err
    pd.testing.assert_frame_equal(read(out), reference)


def exit_on_odd(n: int) -> int:
    """A task that kills the worker process running it when ``n`` is odd (as running out of
    memory would), and returns ``n`` otherwise."""
    if n % 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


@pytest.mark.slow  # real worker processes killed mid-sweep
def test_a_task_that_kills_every_worker_fails_after_a_few_tries_and_the_rest_go_on():
    """A run that kills whatever worker runs it does not stop the sweep nor loop forever: it
    is tried MAX_ATTEMPTS times, then reported as lost; the other tasks finish."""
    messages: list[str] = []
    results = list(
        LocalExecutor(2).map_unordered(
            exit_on_odd,
            range(6),
            on_lost=lambda task, why: ("lost", task, why),
            log=messages.append,
        )
    )
    done = sorted(r for r in results if isinstance(r, int))
    lost = sorted(r[1] for r in results if isinstance(r, tuple))
    assert (done, lost) == ([0, 2, 4], [1, 3, 5])
    assert all(f"died {MAX_ATTEMPTS} times" in r[2] for r in results if isinstance(r, tuple))
    assert sum("died (killed by SIGKILL)" in m for m in messages) == 3 * (MAX_ATTEMPTS - 1)
    with pytest.raises(WorkerDied, match=f"died {MAX_ATTEMPTS} times"):
        list(LocalExecutor(2).map_unordered(exit_on_odd, [0, 1], log=messages.append))


def test_tasks_are_handed_out_as_workers_become_free():
    """A sweep of millions of runs must not build its tasks up front: the executor takes the
    next task only when a worker is free."""
    taken = []

    def tasks():
        for n in range(0, 40, 2):
            taken.append(n)
            yield n

    results = LocalExecutor(2).map_unordered(exit_on_odd, tasks())
    first = next(results)
    assert first in taken and len(taken) <= 4
    assert sorted([first, *results]) == list(range(0, 40, 2))


# -- Dask: real scheduler and workers on 127.0.0.1 ---------------------------------------------


@pytest.fixture
def address():
    """A free port for a scheduler of this test (Dask must be installed)."""
    pytest.importorskip("distributed")
    return free_port()


@pytest.mark.cluster
def test_a_killed_dask_worker_loses_no_run(tmp_path, experiment_file, reference, address):
    """Case 4: Dask runs the tasks of a worker killed mid-sweep on the other worker; the sweep
    ends normally with exactly the data of an undisturbed sweep."""
    port = address
    scheduler, first, second = dask_scheduler(port), dask_worker(port), dask_worker(port)
    out, log = tmp_path / "results", tmp_path / "err.txt"
    proc = cli(
        "sweep", experiment_file, "--out", out, "--scheduler", f"tcp://127.0.0.1:{port}", log=log
    )
    try:
        wait_for(lambda: len(run_files(out)) >= 2 or proc.poll() is not None, 180, "stored runs")
        assert proc.poll() is None, log.read_text()
        first.kill()
        code, err = finish(proc, log)
    finally:
        stop(proc, first, second, scheduler)
    assert code == 0, err
    assert "Traceback" not in err
    pd.testing.assert_frame_equal(read(out), reference)


@pytest.mark.cluster
def test_a_lost_dask_scheduler_ends_the_sweep_in_one_line_with_the_resume_command(
    tmp_path, experiment_file, reference, address
):
    """Case 4: killing the scheduler ends the sweep (exit 1) with one line that says what
    happened and the command that resumes — no tracebacks; resuming completes the data."""
    port = address
    scheduler, worker = dask_scheduler(port), dask_worker(port)
    out, log = tmp_path / "results", tmp_path / "err.txt"
    where = f"tcp://127.0.0.1:{port}"
    args = ("sweep", experiment_file, "--out", out, "--scheduler", where, "--no-progress")
    proc = cli(*args, log=log)
    try:
        wait_for(lambda: len(run_files(out)) >= 2 or proc.poll() is not None, 180, "stored runs")
        assert proc.poll() is None, log.read_text()
        scheduler.kill()
        code, err = finish(proc, log, timeout=120)
    finally:
        stop(proc, worker, scheduler)
    assert code == 1, err
    assert "Traceback" not in err
    about = [line for line in err.splitlines() if "scheduler" in line.lower()]
    assert len(about) == 1, err
    assert f"lost the connection to the Dask scheduler at {where}" in about[0]
    assert f"resume with: quartiersim {' '.join(map(str, args))}" in about[0]
    assert len(err.strip().splitlines()) <= 3, err

    resume = ["sweep", str(experiment_file), "--out", str(out), "--processes", "1"]
    assert main([*resume, "--no-progress"]) == 0
    pd.testing.assert_frame_equal(read(out), reference)


@pytest.mark.cluster
def test_a_cluster_without_workers_is_reported_and_the_sweep_goes_on_when_they_return(
    tmp_path, experiment_file, reference, address
):
    """Case 4: when the last worker is gone, the sweep says so after --scheduler-timeout
    seconds instead of waiting in silence, and goes on when a worker joins again."""
    port = address
    scheduler, worker = dask_scheduler(port), dask_worker(port)
    replacement = None
    out, log = tmp_path / "results", tmp_path / "err.txt"
    proc = cli(
        "sweep",
        experiment_file,
        "--out",
        out,
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
        "--scheduler-timeout",
        "2",
        "--no-progress",
        log=log,
    )
    try:
        wait_for(lambda: len(run_files(out)) >= 2 or proc.poll() is not None, 180, "stored runs")
        assert proc.poll() is None, log.read_text()
        worker.kill()
        wait_for(
            lambda: "no Dask workers" in log.read_text() or proc.poll() is not None,
            60,
            "the message about missing workers",
        )
        assert proc.poll() is None, log.read_text()
        replacement = dask_worker(port)
        code, err = finish(proc, log)
    finally:
        stop(proc, worker, scheduler, *([replacement] if replacement else []))
    assert code == 0, err
    assert f"no Dask workers at tcp://127.0.0.1:{port} for 2 s" in err
    assert "the Dask cluster has workers again (1); the sweep goes on" in err
    pd.testing.assert_frame_equal(read(out), reference)


@pytest.mark.cluster
def test_a_dask_worker_running_other_code_is_refused_by_name(tmp_path, experiment_file, address):
    """Case 1 on a cluster: a worker whose QuartierSim differs from this one (an edited model
    file) would compute other numbers; the sweep refuses before running, naming the worker."""
    port = address
    scheduler, worker = dask_scheduler(port), dask_worker(port, env=other_code(tmp_path))
    out, log = tmp_path / "results", tmp_path / "err.txt"
    try:
        code, err = finish(
            cli(
                "sweep",
                experiment_file,
                "--out",
                out,
                "--scheduler",
                f"tcp://127.0.0.1:{port}",
                log=log,
            ),
            log,
        )
    finally:
        stop(worker, scheduler)
    assert code == 2, err
    assert "Dask worker tcp://127.0.0.1:" in err and "runs other code than this machine" in err
    assert "model source" in err and "--allow-mixed" in err
    assert not run_files(out)
