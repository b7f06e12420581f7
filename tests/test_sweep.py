"""Sweeps: results as Parquet readable as one table, resume after any interruption (SIGKILL
included), and the same results whatever the number of processes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from quartiersim import MEASURES, QuartierModel, __version__
from quartiersim.cli import main
from quartiersim.experiments.executors import LocalExecutor
from quartiersim.experiments.experiment import load_experiment, parse_experiment
from quartiersim.experiments.source import Source
from quartiersim.experiments.storage import ResultStore
from quartiersim.experiments.sweep import batch_size, batches, run_sweep

# 2 strategies × 12 replications of a small quarter: long enough to be killed midway.
SWEEP = """\
[experiment]
name = "kill-me"
steps = 30
replications = 12
seed = 7

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 15

[sweep]
strategy = ["none", "empowerment"]
"""
RUNS = 24


def cli(*args: object, log: Path, **kw) -> subprocess.Popen:
    """The command in its own process; stderr goes to ``log`` (a file, not a pipe: a killed
    process's workers could otherwise hold the pipe open and hang the reader)."""
    with open(log, "w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "quartiersim.cli", *map(str, args)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            **kw,
        )


def finish(proc: subprocess.Popen, log: Path, timeout: float = 300) -> tuple[int, str]:
    proc.wait(timeout=timeout)
    return proc.returncode, log.read_text()


def read(folder: Path) -> pd.DataFrame:
    frame = pd.read_parquet(folder)
    return frame.sort_values(["run_id", "step"]).reset_index(drop=True)


def run_files(folder: Path) -> list[Path]:
    runs = folder / "runs"
    return sorted(runs.glob("*.parquet")) if runs.is_dir() else []


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "sweep.toml"
    path.write_text(SWEEP)
    return path


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> pd.DataFrame:
    """The sweep run without interruption, in this process."""
    out = tmp_path_factory.mktemp("reference") / "results"
    assert (
        main(
            ["sweep", str(experiment_file), "--out", str(out), "--processes", "1", "--no-progress"]
        )
        == 0
    )
    return read(out)


def test_results_read_as_one_table_with_pandas(reference, experiment_file):
    """One row per run and recorded week, with run_id, replication, seed, step, the swept and
    fixed parameters and every measure."""
    assert len(reference) == RUNS * 31
    assert reference["run_id"].nunique() == RUNS
    for column in (
        "run_id",
        "replication",
        "seed",
        "step",
        "strategy",
        "n_residents",
        "project_weeks",
        *MEASURES,
    ):
        assert column in reference.columns
    assert set(reference["strategy"]) == {"none", "empowerment"}
    assert sorted(reference["replication"].unique()) == list(range(12))
    assert reference.groupby("run_id")["seed"].nunique().eq(1).all()


def test_a_stored_run_equals_the_model_run_directly(reference):
    """The row data are the model's own: same parameters and seed, same measures."""
    row = reference[(reference["strategy"] == "empowerment") & (reference["replication"] == 3)]
    model = QuartierModel(
        rng=int(row["seed"].iloc[0]),
        n_residents=60,
        width=20,
        height=20,
        project_weeks=15,
        strategy="empowerment",
    )
    for _ in range(30):
        model.step()
    direct = model.datacollector.get_model_vars_dataframe()
    for m in ("social_capital", "political_influence", "claims_raised"):
        assert row[m].tolist() == pytest.approx(direct[m].astype(float).tolist())


def test_manifest_records_the_experiment(tmp_path, experiment_file):
    out = tmp_path / "results"
    exp = load_experiment(experiment_file, replications=1)
    run_sweep(exp, out, LocalExecutor(1), progress=False, log=lambda _: None)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["source"]["text"] == SWEEP
    assert manifest["code"]["versions"]["quartiersim"] == __version__
    assert manifest["definition_hash"] == exp.hash()
    assert manifest["experiment"]["seed"] == 7


def test_running_again_skips_finished_runs(tmp_path, experiment_file):
    out = tmp_path / "results"
    exp = load_experiment(experiment_file, replications=2)
    first = run_sweep(exp, out, LocalExecutor(1), progress=False, log=lambda _: None)
    assert (first.done, first.skipped) == (4, 0)
    stamps = {p.name: p.stat().st_mtime_ns for p in run_files(out)}
    again = run_sweep(exp, out, LocalExecutor(1), progress=False, log=lambda _: None)
    assert (again.done, again.skipped) == (0, 4)
    assert {p.name: p.stat().st_mtime_ns for p in run_files(out)} == stamps


def test_more_replications_add_to_the_same_folder(tmp_path, experiment_file, reference):
    out = tmp_path / "results"
    for n in (2, 3):
        run_sweep(
            load_experiment(experiment_file, replications=n),
            out,
            LocalExecutor(1),
            progress=False,
            log=lambda _: None,
        )
    extended = read(out)
    expected = reference[reference["replication"] < 3].reset_index(drop=True)
    pd.testing.assert_frame_equal(extended, expected)


def test_leftovers_of_a_killed_write_are_ignored_and_cleaned(tmp_path, experiment_file):
    out = tmp_path / "results"
    exp = load_experiment(experiment_file, replications=1)
    run_sweep(exp, out, LocalExecutor(1), progress=False, log=lambda _: None)
    half = out / "runs" / ".tmp-abc-r0000.parquet-999"
    half.write_bytes(b"PAR1 half a file")
    assert len(read(out)) == 2 * 31  # readers skip it
    run_sweep(exp, out, LocalExecutor(1), progress=False, log=lambda _: None)
    assert not half.exists()


def test_a_second_sweep_into_the_same_folder_is_refused_while_the_first_runs(
    tmp_path, experiment_file
):
    out = tmp_path / "results"
    store = ResultStore(out)
    exp = load_experiment(experiment_file, replications=1)
    with store.writing():
        code = main(["sweep", str(experiment_file), "--out", str(out), "--replications", "1"])
    assert code == 2
    run_sweep(exp, out, LocalExecutor(1), progress=False, log=lambda _: None)
    assert len(run_files(out)) == 2


def test_small_runs_are_batched_costly_ones_are_not():
    src, doc = Source.parse(SWEEP)
    exp = parse_experiment(src, doc)
    small = exp.runs()
    cost = exp.max_residents() * exp.steps
    assert batch_size(len(small), cost, 2, in_process=True) == 1
    tasks = list(batches(iter(small), batch_size(len(small), cost, 2)))
    assert 1 < len(tasks) < len(small)
    assert [r for b in tasks for r in b] == small
    costly = parse_experiment(src, doc, steps=260, sets={"n_residents": 1600})
    assert batch_size(costly.count_runs(), costly.max_residents() * costly.steps, 2) == 1


def wait_for(condition, timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds (never a fixed sleep as synchronisation)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


@pytest.mark.slow  # a real sweep, killed and resumed, against the reference sweep
def test_sweep_killed_with_sigkill_resumes_to_identical_results(
    tmp_path, experiment_file, reference
):
    """SIGKILL the coordinating process after some runs are stored: its worker processes end by
    themselves, and running the same command again completes the sweep with exactly the data
    of an uninterrupted sweep."""
    out, log = tmp_path / "results", tmp_path / "stderr.txt"
    args = ("sweep", experiment_file, "--out", out, "--processes", "2")
    proc = cli(*args, log=log)
    workers: list[psutil.Process] = []
    try:
        wait_for(
            lambda: len(run_files(out)) >= 4 or proc.poll() is not None,
            180,
            "the first stored runs",
        )
        workers = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        stored = len(run_files(out))
        assert 4 <= stored < RUNS, "the sweep must be killed midway"
        _, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive, "orphaned worker processes must end when the coordinator is killed"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # only if the assertion above failed: leave no orphans behind
            if w.is_running():
                w.kill()

    code, err = finish(cli(*args, log=log), log)
    assert code == 0, err
    assert f"resuming: {stored} finished, {RUNS - stored} to run" in err
    pd.testing.assert_frame_equal(read(out), reference)


@pytest.mark.slow  # the same sweep on one and on two worker processes
def test_one_and_two_processes_give_identical_results(tmp_path, experiment_file, reference):
    out, log = tmp_path / "results", tmp_path / "stderr.txt"
    code, err = finish(
        cli("sweep", experiment_file, "--out", out, "--processes", "2", log=log), log
    )
    assert code == 0, err
    assert "on 2 processes" in err
    pd.testing.assert_frame_equal(read(out), reference)


def test_interrupt_keeps_finished_runs_and_says_how_to_resume(tmp_path, experiment_file):
    """Ctrl-C (SIGINT to the process group) stops the sweep with exit code 130; the stored runs
    stay and the message says how to resume."""
    out, log = tmp_path / "results", tmp_path / "stderr.txt"
    proc = cli(
        "sweep", experiment_file, "--out", out, "--processes", "2", log=log, start_new_session=True
    )
    try:
        wait_for(
            lambda: len(run_files(out)) >= 2 or proc.poll() is not None,
            180,
            "the first stored runs",
        )
        os.killpg(proc.pid, signal.SIGINT)
        code, err = finish(proc, log, timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert code == 130
    assert "run the same command again to resume" in err
    assert "Traceback" not in err
    assert 2 <= len(run_files(out)) < RUNS
