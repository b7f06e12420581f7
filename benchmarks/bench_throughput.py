"""What a study costs: sweep throughput at realistic size, and the headline comparison's wall time.

    .venv/bin/python benchmarks/bench_throughput.py            # 6 realistic runs, full comparison
    .venv/bin/python benchmarks/bench_throughput.py --quick    # 2 realistic runs, 10 of 150 runs

Two numbers (issue 14) that say how long the studies of the calibration and the sensitivity
analysis take:

1. **Sweep throughput**: runs per core-hour of the realistic quarter (5,000 households, two
   workers, 116 x 116 cells, 260 weeks, the default project of 156 weeks), half of them with
   the workers' strategy ``empowerment``, half without workers (``none``). The runs go through
   the sweep's own path (experiment, seeds, runs, Parquet files in a results folder) on one
   process, in this process, so that its CPU time is the runs' cost (the model's imports are
   paid before; a worker process pays them once, about a second, for all its runs).
2. **The headline comparison**: ``quartiersim compare`` as a user types it (150 runs of the
   default quarter, five strategies, then the report with its figures), in a fresh process, on
   every core of this machine. Wall-clock time from the command to the finished report.

Timings depend on the machine and its load (printed with them); they are never asserted in
tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One BLAS thread, as the command line runs a sweep (see quartiersim.cli): set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from quartiersim.experiments.executors import LocalExecutor
from quartiersim.experiments.experiment import Experiment, parse_experiment
from quartiersim.experiments.source import Source
from quartiersim.experiments.sweep import run_sweep

SCRIPT = Path(sys.executable).parent / "quartiersim"
REALISTIC_HOUSEHOLDS = 5_000
REALISTIC_SIDE = 116  # the default density: 600 households on 40 x 40 cells
HEADLINE_RUNS = 150


def realistic_experiment(runs: int, steps: int) -> Experiment:
    """``runs`` runs of the realistic quarter, half with empowerment, half without workers."""
    text = f"""
[experiment]
name = "throughput"
steps = {steps}
replications = {max(1, runs // 2)}
seed = 1
[parameters]
n_residents = {REALISTIC_HOUSEHOLDS}
width = {REALISTIC_SIDE}
height = {REALISTIC_SIDE}
[sweep]
strategy = ["none", "empowerment"]
"""
    src, doc = Source.parse(text, "throughput.toml")
    return parse_experiment(src, doc)


def sweep_throughput(runs: int, steps: int) -> tuple[int, float, float]:
    """Runs done, their CPU seconds and wall seconds, on one process (this one)."""
    exp = realistic_experiment(runs, steps)
    with tempfile.TemporaryDirectory() as tmp:
        cpu, wall = time.process_time(), time.perf_counter()
        outcome = run_sweep(
            exp, Path(tmp) / "results", LocalExecutor(1), progress=False, log=lambda _: None
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if outcome.failed:
        raise SystemExit(f"a run failed: {outcome.failed[0][1]}")
    return len(exp.runs()), cpu, wall


def headline_comparison(replications: int | None) -> tuple[int, float]:
    """Runs and wall seconds of ``quartiersim compare`` (sweep and report) in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, str(SCRIPT), "compare", "--out", str(Path(tmp) / "compare")]
        cmd += ["--no-progress"]
        if replications is not None:
            cmd += ["--replications", str(replications)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - start
    runs = HEADLINE_RUNS if replications is None else 5 * replications
    return runs, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6, help="realistic runs (default 6)")
    parser.add_argument("--steps", type=int, default=260, help="weeks per realistic run")
    parser.add_argument(
        "--quick", action="store_true", help="2 realistic runs; 10 of the comparison's 150"
    )
    parser.add_argument("--no-headline", action="store_true", help="skip the comparison")
    args = parser.parse_args(argv)
    replications = None
    if args.quick:
        args.runs, replications = 2, 2
    print(
        f"study throughput — Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n"
    )
    runs, cpu, wall = sweep_throughput(args.runs, args.steps)
    per_run = cpu / runs
    print(
        f"sweep at realistic size ({REALISTIC_HOUSEHOLDS:,} households, "
        f"{REALISTIC_SIDE}x{REALISTIC_SIDE}, {args.steps} weeks; none and empowerment), "
        f"{runs} runs on one process: {per_run:.2f} s CPU per run (wall {wall / runs:.2f} s) "
        f"= {3600 / per_run:,.0f} runs per core-hour"
    )
    if not args.no_headline:
        runs, seconds = headline_comparison(replications)
        scope = "" if replications is None else f" (quick: {runs} of {HEADLINE_RUNS} runs)"
        print(
            f"headline comparison (quartiersim compare: {runs} runs of the default quarter, "
            f"then the report), {os.cpu_count()} processes: {seconds:.1f} s wall{scope}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
