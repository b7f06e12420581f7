"""Parallel efficiency of a sweep: the same sweep on 1 process and on 2 processes.

    efficiency = T(1 process) / (2 × T(2 processes))        target: >= 0.85

Both sweeps go through the full path (experiment, seeds, worker processes, Parquet files in a
results folder), and must give identical results. Run from the repository root:

    .venv/bin/python benchmarks/bench_sweep.py [--runs 40] [--steps 260] [--residents 600]

40 runs of the default quarter (the headline comparison has 150): the fixed cost of starting the
workers (one import of the model, about a second) then weighs as it would in a real sweep. The
machine should be otherwise idle: other work on the two cores shows up as lost efficiency (the
share of a core the baseline got and the load average are printed for that reason).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from quartiersim.experiments.executors import LocalExecutor
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.source import Source
from quartiersim.experiments.sweep import run_sweep

TARGET = 0.85


def experiment(runs: int, steps: int, residents: int):
    side = max(20, int((residents / 0.4) ** 0.5))  # the default density: 600 on 40 × 40
    text = f"""
[experiment]
name = "bench"
steps = {steps}
replications = {runs // 2}
seed = 1
[parameters]
n_residents = {residents}
width = {side}
height = {side}
[sweep]
strategy = ["none", "empowerment"]
"""
    src, doc = Source.parse(text, "bench.toml")
    return parse_experiment(src, doc)


def timed_sweep(exp, processes: int, folder: Path) -> tuple[float, float]:
    """Wall time of the sweep, and the CPU time this process used meanwhile."""
    cpu = time.process_time()
    start = time.perf_counter()
    outcome = run_sweep(exp, folder, LocalExecutor(processes), progress=False, log=lambda _: None)
    assert not outcome.failed, outcome.failed[0][1]
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--steps", type=int, default=260)
    parser.add_argument("--residents", type=int, default=600)
    args = parser.parse_args()
    exp = experiment(args.runs, args.steps, args.residents)
    with tempfile.TemporaryDirectory() as tmp:
        one, one_cpu = timed_sweep(exp, 1, Path(tmp) / "one")
        two, _ = timed_sweep(exp, 2, Path(tmp) / "two")
        same = (
            pd.read_parquet(Path(tmp) / "one")
            .sort_values(["run_id", "step"])
            .reset_index(drop=True)
            .equals(
                pd.read_parquet(Path(tmp) / "two")
                .sort_values(["run_id", "step"])
                .reset_index(drop=True)
            )
        )
    runs = len(exp.runs())
    efficiency = one / (2 * two)
    print(f"sweep: {runs} runs × {args.steps} weeks × {args.residents} households")
    print(f"1 process:   {one:7.1f} s  ({one / runs:.2f} s per run)")
    print(f"2 processes: {two:7.1f} s")
    print(
        f"parallel efficiency on 2 processes: {efficiency:.2f} (target >= {TARGET}) "
        f"{'OK' if efficiency >= TARGET else 'BELOW TARGET'}"
    )
    print(f"identical results: {'yes' if same else 'NO'}")
    # On 1 process the runs use this process only: CPU time / wall time shows how much of a
    # core it got. Well below 1, other work competed for the cores and the efficiency above
    # says more about the machine than about the sweep.
    share = one_cpu / one
    print(
        f"share of a core the 1-process sweep got: {share:.2f}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        + ("" if share > 0.9 else " (busy machine: repeat on an idle one)")
    )


if __name__ == "__main__":
    main()
