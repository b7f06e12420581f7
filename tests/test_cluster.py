"""Sweeps on a real Dask distributed cluster (scheduler and workers on 127.0.0.1) give the
same results as in one local process."""

import subprocess
import sys

import pandas as pd
import pytest

from quartiersim.cli import main

pytestmark = pytest.mark.cluster

SWEEP = """\
[experiment]
name = "on-dask"
steps = 15
replications = 4
seed = 11

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 8

[sweep]
strategy = ["none", "top_down", "empowerment"]
"""


def read(folder) -> pd.DataFrame:
    return pd.read_parquet(folder).sort_values(["run_id", "step"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes with one thread each; everything listens on 127.0.0.1 only."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        host="127.0.0.1",
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        dashboard_address="127.0.0.1:0",
        worker_dashboard_address="127.0.0.1:0",
    ) as c:
        yield c


def test_dask_cluster_gives_the_same_results_as_one_process(tmp_path, cluster):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    local = tmp_path / "local"
    assert main(["sweep", str(path), "--out", str(local), "--processes", "1", "--no-progress"]) == 0

    address = cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    assert all(w.startswith("tcp://127.0.0.1:") for w in cluster.scheduler_info["workers"])
    on_dask = tmp_path / "dask"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "quartiersim.cli",
            "sweep",
            str(path),
            "--out",
            str(on_dask),
            "--scheduler",
            address,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"on the Dask cluster at {address} (2 workers, 2 threads)" in proc.stderr
    pd.testing.assert_frame_equal(read(on_dask), read(local))


def test_dask_sweep_resumes_a_folder_started_locally(tmp_path, cluster):
    """Executors are interchangeable within one results folder: runs stored locally are
    skipped on the cluster, and the completed folder equals an uninterrupted local sweep."""
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    mixed = tmp_path / "mixed"
    assert (
        main(
            [
                "sweep",
                str(path),
                "--out",
                str(mixed),
                "--processes",
                "1",
                "--replications",
                "2",
                "--no-progress",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "sweep",
                str(path),
                "--out",
                str(mixed),
                "--scheduler",
                cluster.scheduler_address,
                "--no-progress",
            ]
        )
        == 0
    )
    local = tmp_path / "local"
    assert main(["sweep", str(path), "--out", str(local), "--processes", "1", "--no-progress"]) == 0
    pd.testing.assert_frame_equal(read(mixed), read(local))
