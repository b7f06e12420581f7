"""Cost of one simulated week per resident, against Mesa's own Boltzmann wealth example.

    .venv/bin/python benchmarks/bench_model.py            # everything (a few minutes)
    .venv/bin/python benchmarks/bench_model.py --quick    # 1,000 and 10,000 residents, no district
    .venv/bin/python benchmarks/bench_model.py --sizes 1000 --no-realistic --no-district

Three parts, each with its goal (issue 14):

1. **Cost per resident-week** at 1,000 / 10,000 / 50,000 residents as a ratio against Mesa's
   Boltzmann wealth model with as many agents, measured in the same process. Goal: ratio
   <= 0.5 at 1,000 residents (the workers' fixed weekly cost weighs most there), <= 0.1 at
   10,000 and 50,000.
2. **A realistic quarter**: 5,000 households, two workers, 260 weeks. Goal: the 260 weeks take
   <= 1 s of CPU time on one core (building the quarter is reported separately).
3. **A district**: 100,000 residents, in a fresh process so that its peak memory is its own.
   Goal: a week <= 100 ms, peak memory <= 2 GiB.

The quarter's grid is scaled so that households are as dense as in the default quarter (600 on
40 x 40 cells): side = ceil(40 * sqrt(n / 600)), at most 400 (the largest grid allowed). In
parts 1 and 3 the workers' project outlasts the timed weeks, so every timed week includes their
tasks; the realistic run keeps the default project (156 weeks of 260).
Boltzmann runs on a grid with about one agent per cell (its own default: 100 agents on 10 x 10).

Method: both models are built (not timed) and warmed up; then blocks of steps of the two models
alternate, ``repeats`` times, so that a change in the machine's load hits both alike. Times are
the CPU time of this process (``time.process_time``): on a shared machine other jobs slow a
process down less in CPU time than in wall-clock time. Reported: the median cost per
agent-step of each model and the median of the per-repeat ratios.

Timings depend on the machine and its load: they are printed, never asserted in tests.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

# One BLAS thread, as the command line runs the model (see quartiersim.cli): set before NumPy
# loads; idle BLAS threads would wait busily beside the model and count in its CPU time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import mesa
from mesa.examples.basic.boltzmann_wealth_model.model import (
    BoltzmannScenario,
    BoltzmannWealth,
)

from quartiersim import QuartierModel

SIZES = (1_000, 10_000, 50_000)
TARGET_RATIO = {1_000: 0.5, 10_000: 0.1, 50_000: 0.1}
REALISTIC_HOUSEHOLDS = 5_000
REALISTIC_WEEKS = 260
REALISTIC_TARGET_S = 1.0
DISTRICT_RESIDENTS = 100_000
DISTRICT_WEEKS = 10
DISTRICT_TARGET_MS = 100.0
DISTRICT_TARGET_GIB = 2.0


def quarter_side(n: int) -> int:
    """Grid side with the default quarter's household density (600 on 40 x 40), at most the
    largest grid allowed (400: a district of 100,000 is then about 1.7 times as dense)."""
    return min(400, math.ceil(40 * math.sqrt(n / 600)))


def make_quartier(n: int, seed: int, strategy: str, **params: Any) -> QuartierModel:
    side = quarter_side(n)
    return QuartierModel(
        rng=seed, n_residents=n, width=side, height=side, strategy=strategy, **params
    )


# The ratio and the district time weeks with the workers at work (their project outlasts the
# timed weeks), the costlier half of a run; the realistic run keeps the default project length.
WORKING = {"project_weeks": 2_000}


def make_boltzmann(n: int, seed: int) -> BoltzmannWealth:
    side = math.ceil(math.sqrt(n))
    return BoltzmannWealth(scenario=BoltzmannScenario(n=n, width=side, height=side, rng=seed))


def timed_steps(model: Any, steps: int) -> float:
    """CPU seconds for ``steps`` steps of ``model``."""
    start = time.process_time()
    for _ in range(steps):
        model.step()
    return time.process_time() - start


def compare(
    build_ours: Callable[[], Any],
    build_theirs: Callable[[], Any],
    n: int,
    *,
    warmup: int,
    steps: int,
    repeats: int,
) -> tuple[float, float, float]:
    """Median cost per agent-step of both models and the median of the per-repeat ratios,
    timing blocks of ``steps`` steps of the two models in turn."""
    ours, theirs = build_ours(), build_theirs()
    timed_steps(ours, warmup)
    timed_steps(theirs, warmup)
    cost_ours, cost_theirs, ratios = [], [], []
    for _ in range(repeats):
        a = timed_steps(ours, steps) / (steps * n)
        b = timed_steps(theirs, steps) / (steps * n)
        cost_ours.append(a)
        cost_theirs.append(b)
        ratios.append(a / b)
    return statistics.median(cost_ours), statistics.median(cost_theirs), statistics.median(ratios)


def steps_for(n: int, budget_agent_steps: int, low: int = 3, high: int = 40) -> int:
    """Enough steps per repeat for a measurable time, fewer for big quarters."""
    return max(low, min(high, budget_agent_steps // n))


def realistic_run(seed: int, strategy: str, weeks: int) -> dict[str, float]:
    """Build the realistic quarter and run it ``weeks`` weeks; CPU seconds of both."""
    gc.collect()  # the big quarters before are garbage now: not this build's cost
    start = time.process_time()
    model = make_quartier(REALISTIC_HOUSEHOLDS, seed, strategy)
    built = time.process_time() - start
    run = timed_steps(model, weeks)
    return {"build_s": built, "weeks": weeks, "run_s": run}


def district_run(seed: int, strategy: str, weeks: int) -> dict[str, float]:
    """Build a district of 100,000 residents, run ``weeks`` weeks; week time and peak memory.

    Meant for a fresh process (``--district-child``): the peak resident set size then belongs
    to this run alone (imports included, as a user would see it).
    """
    start = time.process_time()
    model = make_quartier(DISTRICT_RESIDENTS, seed, strategy, **WORKING)
    built = time.process_time() - start
    timed_steps(model, 2)  # warm-up
    weeks_ms = [timed_steps(model, 1) * 1e3 for _ in range(weeks)]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "build_s": built,
        "week_ms": statistics.median(weeks_ms),
        "peak_gib": peak_kib / 2**20,
        "ties": len(model.ties),
    }


def district_in_fresh_process(seed: int, strategy: str, weeks: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--district-child", "--seed", str(seed)]
    cmd += ["--strategy", strategy, "--district-weeks", str(weeks)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(SIZES),
        help="numbers of residents (default: %(default)s)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per size")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument(
        "--strategy",
        default="empowerment",
        help="the workers' strategy in the quarter (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick", action="store_true", help="1,000 and 10,000 residents, 3 repeats, no district"
    )
    parser.add_argument("--no-realistic", action="store_true", help="skip the realistic run")
    parser.add_argument("--no-district", action="store_true", help="skip the 100,000 run")
    parser.add_argument("--district-weeks", type=int, default=DISTRICT_WEEKS)
    parser.add_argument("--district-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.district_child:
        print(json.dumps(district_run(args.seed, args.strategy, args.district_weeks)))
        return 0
    if args.quick:
        args.sizes, args.repeats, args.no_district = [1_000, 10_000], 3, True
    if any(n < 10 for n in args.sizes) or args.repeats < 1 or args.warmup < 0:
        parser.error("sizes must be >= 10, repeats >= 1 and warmup >= 0")

    print(
        f"QuartierSim vs Mesa Boltzmann wealth — Python {platform.python_version()}, "
        f"Mesa {mesa.__version__}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"strategy={args.strategy}, median of {args.repeats} repeats after "
        f"{args.warmup} warm-up steps; CPU microseconds per agent-step\n"
    )
    header = (
        f"{'residents':>9} {'grid':>9} {'steps':>5} {'quartier':>10} "
        f"{'boltzmann':>10} {'ratio':>7} {'goal':>6} {'week (ms)':>10}"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, Any] = {"strategy": args.strategy, "repeats": args.repeats, "rows": []}
    rows = results["rows"]
    for n in args.sizes:
        steps = steps_for(n, 40_000)
        ours, theirs, ratio = compare(
            lambda n=n: make_quartier(n, args.seed, args.strategy, **WORKING),
            lambda n=n: make_boltzmann(n, args.seed),
            n,
            warmup=args.warmup,
            steps=steps,
            repeats=args.repeats,
        )
        side = quarter_side(n)
        goal = TARGET_RATIO.get(n)
        row = {
            "residents": n,
            "grid": f"{side}x{side}",
            "steps": steps,
            "quartier_us": ours * 1e6,
            "boltzmann_us": theirs * 1e6,
            "ratio": ratio,
            "goal": goal,
            "week_ms": ours * n * 1e3,
        }
        rows.append(row)
        goal_text = f"{goal:.1f}" if goal is not None else "-"
        print(
            f"{n:>9,} {row['grid']:>9} {steps:>5} {row['quartier_us']:>10.2f} "
            f"{row['boltzmann_us']:>10.2f} {ratio:>7.3f} {goal_text:>6} "
            f"{row['week_ms']:>10.1f}",
            flush=True,
        )
    print()
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        growth = last["quartier_us"] / first["quartier_us"]
        print(
            f"cost per resident-week from {first['residents']:,} to {last['residents']:,} "
            f"residents changes by a factor {growth:.2f} (1.0 = exactly linear cost per week)"
        )
    for row in rows:
        if row["goal"] is not None:
            print(
                f"ratio at {row['residents']:,} residents: {row['ratio']:.3f} — "
                f"{verdict(row['ratio'] <= row['goal'])} the goal <= {row['goal']}"
            )

    if not args.no_realistic:
        weeks = 52 if args.quick else REALISTIC_WEEKS
        real = realistic_run(args.seed, args.strategy, weeks)
        results["realistic"] = real
        per_260 = real["run_s"] * REALISTIC_WEEKS / weeks
        print(
            f"\nrealistic quarter ({REALISTIC_HOUSEHOLDS:,} households, "
            f"{quarter_side(REALISTIC_HOUSEHOLDS)}x{quarter_side(REALISTIC_HOUSEHOLDS)}): "
            f"built in {real['build_s']:.2f} s, {weeks} weeks in {real['run_s']:.2f} s CPU"
            + ("" if weeks == REALISTIC_WEEKS else f" (260 weeks: ~{per_260:.2f} s)")
            + f" — {verdict(per_260 <= REALISTIC_TARGET_S)} the goal <= "
            f"{REALISTIC_TARGET_S:.0f} s for 260 weeks"
        )

    if not args.no_district:
        d = district_in_fresh_process(args.seed, args.strategy, args.district_weeks)
        results["district"] = d
        print(
            f"\ndistrict ({DISTRICT_RESIDENTS:,} residents, {d['ties']:,} ties, fresh process): "
            f"built in {d['build_s']:.1f} s, a week {d['week_ms']:.0f} ms CPU — "
            f"{verdict(d['week_ms'] <= DISTRICT_TARGET_MS)} the goal <= "
            f"{DISTRICT_TARGET_MS:.0f} ms; peak memory {d['peak_gib']:.2f} GiB — "
            f"{verdict(d['peak_gib'] <= DISTRICT_TARGET_GIB)} the goal <= "
            f"{DISTRICT_TARGET_GIB:.0f} GiB"
        )

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
