"""Is a change of the random stream only noise? The headline measures of each strategy before and
after, over several seeds at the seminar size (600 households, 260 weeks).

    PYTHONPATH=src .venv/bin/python benchmarks/noise_check.py --out before.json   # old commit
    PYTHONPATH=src .venv/bin/python benchmarks/noise_check.py --out after.json    # new commit
    .venv/bin/python benchmarks/noise_check.py --compare before.json after.json

An optimisation that draws the workers' random numbers in another order (issue 14) must leave
the distributions of the measures alone. Per strategy, week (156, 260) and measure, Welch's
two-sample t-test of before against after; the p-values of all tests are corrected together
(Holm). A measure that differs beyond noise (Holm-corrected p < 0.05) means a rule changed.
Runs without workers (strategy ``none``) must be identical: their values are compared exactly.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys

MEASURES = (
    "social_capital",
    "political_influence",
    "helplessness",
    "withdrawn_share",
    "activated_resources",
    "self_efficacy",
    "participation",
    "mean_degree",
    "bridging_ties",
    "claims_raised",
    "problems_solved",
    "active_groups",
)
STRATEGIES = ("none", "top_down", "networking", "political", "empowerment")
WEEKS = (156, 260)


def run(
    seeds: int, first_seed: int = 0, strategies: tuple[str, ...] = STRATEGIES
) -> dict[str, dict[str, list[float]]]:
    """strategy -> "measure@week" -> one value per seed."""
    from quartiersim import QuartierModel

    out: dict[str, dict[str, list[float]]] = {}
    for strategy in strategies:
        values: dict[str, list[float]] = {f"{m}@{w}": [] for w in WEEKS for m in MEASURES}
        for seed in range(first_seed, first_seed + seeds):
            model = QuartierModel(rng=seed, strategy=strategy)
            frame = None
            for _ in range(max(WEEKS)):
                model.step()
            frame = model.datacollector.get_model_vars_dataframe()
            for w in WEEKS:
                for m in MEASURES:
                    values[f"{m}@{w}"].append(float(frame[m].iloc[w]))
        out[strategy] = values
    return out


def holm(pvalues: list[float]) -> list[float]:
    """Holm's step-down correction of ``pvalues`` (in their order)."""
    order = sorted(range(len(pvalues)), key=lambda k: pvalues[k])
    adjusted = [1.0] * len(pvalues)
    running = 0.0
    for rank, k in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[k]))
        adjusted[k] = running
    return adjusted


def compare(before: dict, after: dict) -> bool:
    """Print the comparison; return whether everything is within noise."""
    from scipy.stats import ttest_ind

    rows, pvalues = [], []
    same_none = before.get("none") == after.get("none")
    for strategy in [s for s in before if s != "none"]:
        for key, old in before[strategy].items():
            new = after[strategy][key]
            if old == new:
                p = 1.0
            else:
                p = float(ttest_ind(old, new, equal_var=False).pvalue)
                p = 1.0 if math.isnan(p) else p  # both constant
            se = math.sqrt(
                statistics.variance(old) / len(old) + statistics.variance(new) / len(new)
            )
            diff = statistics.mean(new) - statistics.mean(old)
            rows.append((strategy, key, statistics.mean(old), statistics.mean(new), diff, se))
            pvalues.append(p)
    adjusted = holm(pvalues)
    print(
        f"{'strategy':12s} {'measure@week':28s} {'before':>9s} {'after':>9s} "
        f"{'diff/se':>8s} {'p':>6s} {'p_holm':>6s}"
    )
    for (strategy, key, old, new, diff, se), p, q in zip(rows, pvalues, adjusted, strict=True):
        ratio = diff / se if se > 0 else 0.0
        print(f"{strategy:12s} {key:28s} {old:9.4f} {new:9.4f} {ratio:8.2f} {p:6.3f} {q:6.3f}")
    beyond_2se = sum(abs(d) > 2 * s for *_, d, s in rows if s > 0)
    print(
        f"\n{len(rows)} tests; smallest Holm-corrected p = {min(adjusted):.3f}; "
        f"|difference| > 2 standard errors: {beyond_2se} of {len(rows)} "
        f"(about {0.046 * len(rows):.0f} expected by chance)"
    )
    print(f"strategy none identical before and after: {same_none}")
    return same_none and min(adjusted) >= 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="run the strategies and write their measures here")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES))
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.out:
        with open(args.out, "w") as f:
            json.dump(run(args.seeds, args.first_seed, tuple(args.strategies)), f)
    if args.compare:
        with open(args.compare[0]) as f:
            before = json.load(f)
        with open(args.compare[1]) as f:
            after = json.load(f)
        sys.exit(0 if compare(before, after) else 1)


if __name__ == "__main__":
    main()
