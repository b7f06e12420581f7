"""A quick look at the strategies: a few quarters under each strategy, one small table.

``quartiersim strategies`` runs every strategy (except ``custom``) on the same few quarters
(common seeds: quarter k is the same quarter under every strategy) and prints the social capital
and political influence at the project's end and two years after the exit. Nothing is stored;
for statistics use ``quartiersim compare``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.errors import RunFailed
from quartiersim.experiments.executors import Executor, LocalExecutor
from quartiersim.experiments.experiment import check_condition
from quartiersim.experiments.identity import AFTER_EXIT_WEEKS, RunSpec, column_value, derive_seed
from quartiersim.experiments.runner import run_batch
from quartiersim.experiments.source import Source
from quartiersim.strategies import STRATEGIES

QUICK_OUTCOMES = ("social_capital", "political_influence")
QUICK_STRATEGIES = STRATEGIES.where(lambda s: s.shares is not None, "strategies with a preset")
"""Every strategy with a preset role mix (all but 'custom'), live: a strategy declared later
is in it too."""


def quick_runs(
    strategies: Collection[str], quarters: int, seed: int, steps: int, params: Mapping[str, Any]
) -> tuple[list[RunSpec], tuple[int, int]]:
    """The runs (``quarters`` per strategy) and the two weeks the table shows."""
    src = Source(None, "")
    runs = []
    weeks = (0, 0)
    for strategy in strategies:
        full = check_condition(src, {**params, "strategy": strategy}, f"strategy {strategy!r}")
        exit_week = min(full["project_weeks"], steps)
        weeks = (exit_week, min(exit_week + AFTER_EXIT_WEEKS, steps))
        for q in range(quarters):
            runs.append(
                RunSpec(
                    run_id=f"{strategy}-{q}",
                    replication=q,
                    seed=derive_seed(seed, {"quarter": q}),
                    params={**params, "strategy": strategy},
                    columns={"strategy": column_value("strategy", strategy)},
                    steps=steps,
                    record=tuple(sorted(set(weeks))),
                    measures=QUICK_OUTCOMES,
                )
            )
    return runs, weeks


def compare_strategies(
    strategies: Collection[str] = QUICK_STRATEGIES,
    *,
    quarters: int = 3,
    seed: int = 1,
    steps: int = 260,
    params: Mapping[str, Any] | None = None,
    executor: Executor | None = None,
) -> tuple[pd.DataFrame, tuple[int, int]]:
    """Run the quick comparison; returns one row per run and week, and the two weeks."""
    runs, weeks = quick_runs(strategies, quarters, seed, steps, params or {})
    executor = executor or LocalExecutor()
    frames = []
    results = executor.map_unordered(run_batch, [[r] for r in runs])
    try:
        for batch in results:
            for result in batch:
                if result.error is not None:
                    raise RunFailed(f"run {result.run_id} failed:\n{result.error}")
                frames.append(result.frame)
    finally:
        results.close()
    return pd.concat(frames, ignore_index=True), weeks


def format_table(
    data: pd.DataFrame,
    weeks: tuple[int, int],
    strategies: Collection[str],
    project_weeks: int,
    steps: int,
) -> str:
    """The comparison as a plain-text table: mean (sd) over the quarters."""
    end, after = weeks
    cols = [(o, w) for o in QUICK_OUTCOMES for w in dict.fromkeys((end, after))]
    quarters = data["run_id"].str.rsplit("-", n=1).str[1].nunique()
    exit_text = (
        f"the workers leave after week {project_weeks}"
        if project_weeks < steps
        else "the project runs to the end (no exit)"
    )
    labels = {end: "end", after: "after"}
    legend = "end = the project's end"
    if after != end:
        legend += (
            ", after = two years after the exit"
            if after - end >= AFTER_EXIT_WEEKS
            else ", after = the run's end"
        )
    lines = [
        f"{len(strategies)} strategies × {quarters} quarters (the same quarters for every "
        f"strategy), {steps} weeks; {exit_text}.",
        f"Mean (sd) over the quarters; {legend}.",
        "",
    ]
    width = 17
    per_outcome = width * len(dict.fromkeys((end, after)))
    head1 = f"{'':<13}" + "".join(f"{o:<{per_outcome}}" for o in QUICK_OUTCOMES)
    head2 = f"{'strategy':<13}" + "".join(f"{f'{labels[w]} wk {w}':<{width}}" for _, w in cols)
    lines += [head1.rstrip(), head2.rstrip()]
    for s in strategies:
        sub = data[data["strategy"] == s]
        cells = []
        for o, w in cols:
            x = sub.loc[sub["step"] == w, o].to_numpy()
            sd = np.std(x, ddof=1) if len(x) > 1 else 0.0
            cells.append(f"{x.mean():.3f} ({sd:.3f})")
        lines.append(f"{s:<13}" + "".join(f"{c:<{width}}" for c in cells).rstrip())
    return "\n".join(lines)
