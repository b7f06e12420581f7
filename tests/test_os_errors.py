"""A full disk and other OS errors (issue 18, case 10): the message names the file, nothing
partial is left behind, and finished runs stay. The errors are real: the commands run in a
process whose files may not grow beyond a limit (RLIMIT_FSIZE), so writing fails with the
operating system's own error as on a full disk."""

import resource
import subprocess
import sys

import pytest
from processes import read, run_files

from quartiersim.cli import main

SWEEP = """\
[experiment]
name = "disk"
steps = 6
replications = 2
seed = 4

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 3

[sweep]
strategy = ["none", "empowerment"]
"""


def run_limited(args: list[str], limit: int) -> subprocess.CompletedProcess:
    """``quartiersim ARGS`` in a process whose files may not grow beyond ``limit`` bytes."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "quartiersim.cli", *args],
        preexec_fn=small_files,
        capture_output=True,
        text=True,
        timeout=300,
    )


pytestmark = pytest.mark.slow  # whole sweeps and reports in processes with a small disk


@pytest.fixture
def experiment_file(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    return path


def leftovers(folder) -> list[str]:
    """Half-written or empty files anywhere below ``folder``."""
    partial = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != "_lock"
        and (p.name.startswith(".tmp-") or not p.stat().st_size)
    ]
    return sorted(str(p.relative_to(folder)) for p in partial)


def test_a_sweep_that_cannot_write_names_the_file_and_leaves_no_partial_run(
    experiment_file, tmp_path
):
    """Case 10: the first run file does not fit. The message names it and says how to resume;
    no half-written file is left; after the disk has room again, the same command completes."""
    out = tmp_path / "results"
    proc = run_limited(["sweep", str(experiment_file), "--out", str(out), "--no-progress"], 20_000)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"error: {out}/runs/" in proc.stderr and ".parquet: File too large" in proc.stderr
    assert "resume with: quartiersim sweep" in proc.stderr
    assert leftovers(out) == []
    assert main(["sweep", str(experiment_file), "--out", str(out), "--processes", "1"]) == 0
    assert read(out)["run_id"].nunique() == 4


def test_a_report_that_cannot_write_names_the_file_and_leaves_no_empty_figure(
    experiment_file, tmp_path
):
    """Case 10: ``report`` used to leave 0-byte PNGs behind on a full disk; now every file of
    the report is complete or absent, and the message names the one that failed."""
    results = tmp_path / "results"
    assert main(["sweep", str(experiment_file), "--out", str(results), "--processes", "1"]) == 0
    report = tmp_path / "report"
    proc = run_limited(["report", str(results), "--out", str(report), "--bootstrap", "200"], 8_000)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"error: {report}/" in proc.stderr and ": File too large" in proc.stderr
    assert leftovers(report) == []
    assert not [p for p in report.glob("*.png") if p.stat().st_size == 0]
    assert len(run_files(results)) == 4  # the results are untouched


def test_a_single_run_that_cannot_be_written_names_the_file(tmp_path):
    out = tmp_path / "run.parquet"
    proc = run_limited(
        [
            "run",
            "--steps",
            "5",
            "--seed",
            "1",
            "--n-residents",
            "60",
            "--width",
            "20",
            "--height",
            "20",
            "--out",
            str(out),
        ],
        5_000,
    )
    assert proc.returncode == 1, proc.stderr
    assert f"error: {out}: File too large" in proc.stderr
    assert not out.exists() and leftovers(tmp_path) == []
