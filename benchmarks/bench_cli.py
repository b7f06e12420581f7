"""Start-up cost of the command line: imports, ``run --help``, and a one-run call.

    .venv/bin/python benchmarks/bench_cli.py            # default quarter, 260 weeks
    .venv/bin/python benchmarks/bench_cli.py --quick    # 52 weeks, 3 repeats

Goals (issue 14): ``quartiersim run --help`` answers in <= 0.5 s; a one-run call spends < 20%
of its time importing; ``import quartiersim`` (the model) imports neither the browser view's
libraries (Solara, matplotlib, ``mesa.visualization``) nor those of the cluster and the
sensitivity analysis (Dask, SALib).

Method: every measurement is a fresh interpreter (``subprocess``), timed by wall clock, median
of ``repeats``. Import times come from ``python -X importtime``: the sum of the top-level
imports' cumulative times, which also counts imports made later, inside functions. The share of
a one-run call spent importing is that sum over the call's wall time.

Timings depend on the machine and its load (printed); they are never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
SCRIPT = Path(PYTHON).parent / "quartiersim"
HELP_TARGET_S = 0.5
IMPORT_SHARE_TARGET = 0.20
FORBIDDEN = ("solara", "matplotlib", "dask", "distributed", "SALib", "mesa.visualization")
WATCHED = (*FORBIDDEN, "pandas", "scipy", "networkx", "pyarrow", "numba")


def wall(cmd: list[str], repeats: int) -> float:
    """Median wall-clock seconds of ``cmd`` in a fresh process."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def import_seconds(stderr: str) -> tuple[float, dict[str, float]]:
    """Total import time and the top-level imports by cumulative time, from ``-X importtime``."""
    top: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part for part in line[len("import time:") :].split("|"))
        if not name.startswith(" ") or name.startswith("  "):
            continue  # nested: already counted in its parent
        top[name.strip()] = top.get(name.strip(), 0.0) + int(cumulative) / 1e6
    return sum(top.values()), top


def imported_by(module: str) -> tuple[float, list[str]]:
    """Seconds to import ``module`` alone, and which watched packages it pulls in."""
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        f"import {module}\n"
        "d = time.perf_counter() - t\n"
        f"print(d, *[m for m in {WATCHED!r} if m in sys.modules])\n"
    )
    out = subprocess.run([PYTHON, "-c", code], check=True, capture_output=True, text=True)
    seconds, *mods = out.stdout.split()
    return float(seconds), mods


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=260, help="weeks of the one-run call")
    parser.add_argument("--quick", action="store_true", help="52 weeks, 3 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.steps = 3, 52
    print(
        f"command-line start-up — {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; wall clock, median of {args.repeats} fresh processes\n"
    )

    for module in ("mesa", "quartiersim", "quartiersim.cli"):
        samples, mods = [], []
        for _ in range(args.repeats):
            seconds, mods = imported_by(module)
            samples.append(seconds)
        forbidden = [m for m in mods if m in FORBIDDEN]
        print(
            f"import {module:<16} {statistics.median(samples):6.2f} s   pulls in: "
            f"{', '.join(mods) or '-'}"
            + (f"   — FORBIDDEN: {', '.join(forbidden)}" if forbidden else "")
        )

    python_alone = wall([PYTHON, "-c", "pass"], args.repeats)
    help_s = wall([PYTHON, str(SCRIPT), "run", "--help"], args.repeats)
    verdict = "meets" if help_s <= HELP_TARGET_S else "MISSES"
    print(
        f"\nquartiersim run --help   {help_s:6.2f} s   (Python alone {python_alone:.2f} s) — "
        f"{verdict} the goal <= {HELP_TARGET_S} s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.parquet"
        cmd = [PYTHON, "-X", "importtime", str(SCRIPT), "run", "--seed", "1"]
        cmd += ["--steps", str(args.steps), "--out", str(out)]
        start = time.perf_counter()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        total = time.perf_counter() - start
    imports, top = import_seconds(done.stderr)
    share = imports / total
    verdict = "meets" if share < IMPORT_SHARE_TARGET else "MISSES"
    print(
        f"quartiersim run (default quarter, {args.steps} weeks, to Parquet): {total:.2f} s, of "
        f"which imports {imports:.2f} s = {share:.0%} — {verdict} the goal < "
        f"{IMPORT_SHARE_TARGET:.0%}"
    )
    print(
        "  largest top-level imports: "
        + ", ".join(
            f"{name} {seconds:.2f} s"
            for name, seconds in sorted(top.items(), key=lambda kv: -kv[1])[:6]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
