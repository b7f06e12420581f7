"""Helpers for tests that run the command line, Dask schedulers and workers as real processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import quartiersim

BIN = Path(sys.executable).parent


def cli(*args: object, log: Path, env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
    """``quartiersim ARGS`` in its own process; stderr goes to ``log`` (a file, not a pipe: a
    killed process's workers could otherwise hold the pipe open and hang the reader)."""
    with open(log, "w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "quartiersim.cli", *map(str, args)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            **kw,
        )


def finish(proc: subprocess.Popen, log: Path, timeout: float = 300) -> tuple[int, str]:
    proc.wait(timeout=timeout)
    return proc.returncode, log.read_text()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds (never a fixed sleep as synchronisation)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


def read(folder: Path) -> pd.DataFrame:
    """A results folder as pandas reads it, sorted by run and week."""
    frame = pd.read_parquet(folder)
    return frame.sort_values(["run_id", "step"]).reset_index(drop=True)


def run_files(folder: Path) -> list[Path]:
    runs = folder / "runs"
    return sorted(runs.glob("*.parquet")) if runs.is_dir() else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def other_code(tmp: Path) -> dict[str, str]:
    """An environment in which Python imports a copy of QuartierSim whose model source differs
    from this one by one comment: real other code, as after an edit."""
    package = Path(quartiersim.__file__).parent
    copy = tmp / "other-code"
    shutil.copytree(package, copy / "quartiersim", ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / "quartiersim" / "ties.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit after the first runs\n")
    return {**os.environ, "PYTHONPATH": str(copy)}


def dask_scheduler(port: int) -> subprocess.Popen:
    """A Dask scheduler on 127.0.0.1 only, without dashboard."""
    return subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def dask_worker(port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """One Dask worker process with one thread and no nanny (killing it loses it for good)."""
    return subprocess.Popen(
        [
            BIN / "dask",
            "worker",
            f"tcp://127.0.0.1:{port}",
            "--host",
            "127.0.0.1",
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def stop(*procs: subprocess.Popen) -> None:
    """End processes this test started (by their handles), and reap them."""
    for p in procs:
        if p.poll() is None:
            p.kill()
    for p in procs:
        p.wait(timeout=30)
