"""Cost of one simulated week per resident, against Mesa's own Boltzmann wealth example.

    .venv/bin/python benchmarks/bench_model.py            # 250, 1,000, 4,000, 16,000 residents
    .venv/bin/python benchmarks/bench_model.py --quick    # 250 and 1,000 only, fewer repeats

For each size the quarter's grid is scaled so that the density of households matches the
default quarter (600 households on 40 x 40 cells): side = ceil(40 * sqrt(n / 600)). Mesa's
Boltzmann wealth model runs with the same number of agents in the same process, on a grid
with about one agent per cell (its own default: 100 agents on 10 x 10).

Method: build the model (not timed), run warm-up steps, then time ``steps`` steps ``repeats``
times with ``time.perf_counter``; report the median per step divided by the number of agents.
The ratio is QuartierSim's cost per resident-step over Boltzmann's cost per agent-step.
Target (issue 2): ratio <= 1.0 at 1,000 residents, and a cost per resident-step that stays
about flat across sizes (linear growth of the cost per week).

Timings depend on the machine and its load: they are printed, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import mesa
from mesa.examples.basic.boltzmann_wealth_model.model import (
    BoltzmannScenario,
    BoltzmannWealth,
)

from quartiersim import QuartierModel

SIZES = (250, 1_000, 4_000, 16_000)
TARGET_SIZE = 1_000
TARGET_RATIO = 1.0


def quarter_side(n: int) -> int:
    """Grid side with the default quarter's household density (600 on 40 x 40)."""
    return math.ceil(40 * math.sqrt(n / 600))


def make_quartier(n: int, seed: int, strategy: str) -> QuartierModel:
    side = quarter_side(n)
    return QuartierModel(rng=seed, n_residents=n, width=side, height=side, strategy=strategy)


def make_boltzmann(n: int, seed: int) -> BoltzmannWealth:
    side = math.ceil(math.sqrt(n))
    return BoltzmannWealth(scenario=BoltzmannScenario(n=n, width=side, height=side, rng=seed))


def cost_per_agent_step(
    build: Callable[[], Any], n: int, *, warmup: int, steps: int, repeats: int
) -> float:
    """Median over ``repeats`` of (seconds for ``steps`` steps) / (steps * n)."""
    model = build()
    for _ in range(warmup):
        model.step()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        samples.append((time.perf_counter() - start) / (steps * n))
    return statistics.median(samples)


def steps_for(n: int, budget_agent_steps: int, low: int = 3, high: int = 40) -> int:
    """Enough steps per repeat for a measurable time, fewer for big quarters."""
    return max(low, min(high, budget_agent_steps // n))


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
    parser.add_argument("--quick", action="store_true", help="250 and 1,000 residents, 3 repeats")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats = [250, 1_000], 3
    if any(n < 10 for n in args.sizes) or args.repeats < 1 or args.warmup < 0:
        parser.error("sizes must be >= 10, repeats >= 1 and warmup >= 0")

    print(
        f"QuartierSim vs Mesa Boltzmann wealth — Python {platform.python_version()}, "
        f"Mesa {mesa.__version__}, {platform.machine()}"
    )
    print(
        f"strategy={args.strategy}, median of {args.repeats} repeats after "
        f"{args.warmup} warm-up steps; costs in microseconds per agent-step\n"
    )
    header = (
        f"{'residents':>9} {'grid':>9} {'steps':>5} {'quartier':>10} "
        f"{'boltzmann':>10} {'ratio':>7} {'week (ms)':>10}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for n in args.sizes:
        steps = steps_for(n, 40_000)
        ours = cost_per_agent_step(
            lambda n=n: make_quartier(n, args.seed, args.strategy),
            n,
            warmup=args.warmup,
            steps=steps,
            repeats=args.repeats,
        )
        theirs = cost_per_agent_step(
            lambda n=n: make_boltzmann(n, args.seed),
            n,
            warmup=args.warmup,
            steps=steps,
            repeats=args.repeats,
        )
        side = quarter_side(n)
        row = {
            "residents": n,
            "grid": f"{side}x{side}",
            "steps": steps,
            "quartier_us": ours * 1e6,
            "boltzmann_us": theirs * 1e6,
            "ratio": ours / theirs,
            "week_ms": ours * n * 1e3,
        }
        rows.append(row)
        print(
            f"{n:>9,} {row['grid']:>9} {steps:>5} {row['quartier_us']:>10.2f} "
            f"{row['boltzmann_us']:>10.2f} {row['ratio']:>7.2f} {row['week_ms']:>10.1f}",
            flush=True,
        )

    print()
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        growth = last["quartier_us"] / first["quartier_us"]
        print(
            f"cost per resident-step from {first['residents']:,} to {last['residents']:,} "
            f"residents changes by a factor {growth:.2f} (1.0 = exactly linear cost per week)"
        )
    target = next((r for r in rows if r["residents"] == TARGET_SIZE), None)
    if target is not None:
        verdict = "meets" if target["ratio"] <= TARGET_RATIO else "MISSES"
        print(
            f"ratio at {TARGET_SIZE:,} residents: {target['ratio']:.2f} — {verdict} the "
            f"target <= {TARGET_RATIO}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {"strategy": args.strategy, "repeats": args.repeats, "rows": rows}, f, indent=2
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
