"""Sweeps on a real Dask distributed cluster (scheduler and workers on 127.0.0.1) give the
same results as in one local process."""

import contextlib
import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

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


# -- the documented TLS cluster, on 127.0.0.1 ----------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "researchers.md"


def doc_blocks() -> list[str]:
    """The bash blocks of the cluster section of docs/researchers.md, in order."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Running on a Dask cluster") : text.index("## The report")]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def commands(block: str) -> list[str]:
    """The block's commands, continuation lines joined."""
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_documented_tls_cluster_gives_the_same_results_as_one_process(tmp_path):
    """The real-cluster recipe of the docs, run as written on 127.0.0.1 (only the host names,
    ports, experiment file and results folder are filled in): the certificate command, a TLS
    scheduler and TLS workers, and a sweep through them that gives exactly the local results.
    A client with another cluster's certificate is refused; nothing listens beyond 127.0.0.1."""
    pytest.importorskip("distributed")
    blocks = doc_blocks()
    make_certs = next(b for b in blocks if b.startswith("openssl req"))
    cluster = next(b for b in blocks if "--protocol tls" in b)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-e", "-c", make_certs], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "cluster-key.pem").stat().st_mode & 0o077 == 0

    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    local = tmp_path / "local"
    assert main(["sweep", str(path), "--out", str(local), "--processes", "1", "--no-progress"]) == 0

    scheduler_port, dashboard_port = port(), port()
    filled = [
        line.replace("SCHEDULER-HOST", "127.0.0.1")
        .replace("WORKER-HOST", "127.0.0.1")
        .replace(":8786", f":{scheduler_port}")
        .replace("--port 8786", f"--port {scheduler_port}")
        .replace("127.0.0.1:8787", f"127.0.0.1:{dashboard_port}")
        .replace("experiments/segregation.toml", str(path))
        .replace("results/segregation", str(tmp_path / "tls"))
        for line in commands(cluster)
    ]
    start_scheduler, start_workers, sweep = filled
    assert start_scheduler.startswith("dask scheduler") and start_workers.startswith("dask worker")
    services = []
    try:
        for command in (start_scheduler, start_workers):
            log = (tmp_path / f"{command.split()[1]}.log").open("w")
            services.append(
                subprocess.Popen(
                    shlex.split(command), cwd=tmp_path, env=env, stdout=log, stderr=log
                )
            )
        done = subprocess.run(
            shlex.split(sweep), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert f"on the Dask cluster at tls://127.0.0.1:{scheduler_port}" in done.stderr
        pd.testing.assert_frame_equal(read(tmp_path / "tls"), read(local))

        # Every socket the cluster's processes listen on is on 127.0.0.1.
        listening = listening_addresses([p.pid for p in services])
        assert listening and all(a.startswith("127.0.0.1:") for a in listening), listening

        # Another cluster's certificate does not get in.
        other = tmp_path / "other"
        other.mkdir()
        subprocess.run(["bash", "-e", "-c", make_certs], cwd=other, env=env, check=True)
        intruder = shlex.split(sweep.replace("cluster-", "other/cluster-"))
        intruder[intruder.index("--out") + 1] = str(tmp_path / "intruder")
        refused = subprocess.run(
            [*intruder, "--scheduler-timeout", "5"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode != 0
        assert "cannot reach the Dask scheduler" in refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        for proc in reversed(services):
            proc.terminate()
        for proc in services:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def listening_addresses(pids: list[int]) -> list[str]:
    """The TCP addresses that these processes and their children listen on (from /proc)."""
    family = set(pids)
    for _ in range(3):  # children of children (the nanny's worker processes)
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":\t", 1)
                    for line in status.read_text().splitlines()
                    if ":\t" in line
                )
            except OSError:
                continue
            if int(fields.get("PPid", "0")) in family:
                family.add(int(status.parent.name))
    inodes = set()
    for pid in family:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    addresses = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:  # 0A: LISTEN
                hex_ip, hex_port = parts[1].split(":")
                addresses.append(f"{decode_ip(hex_ip, v6)}:{int(hex_port, 16)}")
    return addresses


def decode_ip(hex_ip: str, v6: bool) -> str:
    raw = bytes.fromhex(hex_ip)
    if not v6:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def test_tls_address_without_certificate_is_a_usage_error(tmp_path, capsys):
    """Connecting to a tls:// scheduler without the cluster's certificate cannot work; the
    command says which options are missing instead of failing inside Dask."""
    pytest.importorskip("distributed")
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    code = main(
        ["sweep", str(path), "--out", str(tmp_path / "out"), "--scheduler", "tls://127.0.0.1:1"]
    )
    assert code == 2
    assert "--tls-ca-file" in capsys.readouterr().err


def test_tls_files_with_a_plain_tcp_address_are_refused(tmp_path, capsys):
    """TLS files with a tcp:// address would silently go unencrypted: refused."""
    pytest.importorskip("distributed")
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    code = main(
        [
            *("sweep", str(path), "--out", str(tmp_path / "out")),
            *("--scheduler", "tcp://127.0.0.1:1", "--tls-ca-file", str(cert)),
            *("--tls-cert", str(cert), "--tls-key", str(cert)),
        ]
    )
    assert code == 2
    assert "need a tls:// address" in capsys.readouterr().err
