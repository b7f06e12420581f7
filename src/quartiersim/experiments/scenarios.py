"""Scenario discovery: in which parameter region does a strategy win, or fail?

For a sampled design (``[sample]`` in the experiment file), each sampled point is a scenario: a
set of values of the uncertain parameters. For a condition and a baseline, a scenario is a
*win* when the condition's outcome exceeds the baseline's there (mean over the replications,
the runs of one seed paired when seeds are common). Then:

- **PRIM** (the Patient Rule Induction Method; Friedman & Fisher 1999, as scenario discovery:
  Bryant & Lempert 2010) peels the parameter space down to a box — ranges of a few parameters —
  in which wins are dense (*density*: the share of scenarios in the box that are wins), while
  keeping as many of all wins as it can (*coverage*). The box chosen is the one with the
  highest coverage whose density reaches :data:`DENSITY`; the quasi-p value of each restricted
  parameter tests whether restricting it matters (a one-sided binomial test);
- **feature scores** (extra trees; Jaxa-Rozen & Kwakkel 2018) rank the parameters by how much
  they explain the size of the difference, wins or not.

Both come from the EMA Workbench (``ema_workbench``, extra ``discovery``), imported only here.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.errors import UsageError

DENSITY = 0.8
"""Least share of wins in a PRIM box (Bryant & Lempert's usual choice)."""

MIN_SCENARIOS = 10
"""Fewest sampled points for scenario discovery: PRIM peels 5% at a time."""


def _ema() -> Any:
    try:
        with warnings.catch_warnings():
            # It announces optional parallel back-ends (ipyparallel) it does not find.
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import feature_scoring, prim
    except ImportError:
        raise UsageError(
            "scenario discovery needs the EMA Workbench, which is not installed: "
            "pip install 'quartiersim[discovery]'"
        ) from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim, feature_scoring


@dataclass
class Box:
    """A PRIM box: the restricted parameters' ranges and how well the box describes the wins."""

    limits: dict[str, tuple[float, float]]  # restricted parameters only
    quasi_p: dict[str, float]
    coverage: float
    density: float
    mass: float
    n: int


@dataclass
class Discovery:
    """Where a condition beats a baseline, over the sampled scenarios."""

    condition: Any
    baseline: Any
    scenarios: pd.DataFrame  # the parameters, the difference, win
    wins: int
    box: Box | None
    scores: pd.Series  # feature score per parameter, highest first
    ranges: dict[str, tuple[float, float]]
    note: str = ""
    stratum: dict[str, Any] = field(default_factory=dict)  # values of the categorical strata
    point: Any = None  # the moment of the runs compared (:class:`~.analysis.Point`)


def scenario_differences(
    runs: pd.DataFrame,
    col: pd.Series,
    factor: str,
    condition: Any,
    baseline: Any,
    inputs: list[str],
    paired: bool,
) -> pd.DataFrame:
    """One row per scenario (a distinct set of ``inputs`` values): the inputs and
    ``difference``, the condition's mean minus the baseline's (paired by seed when ``paired``)."""
    frame = runs[[factor, "seed", *inputs]].copy()
    frame["value"] = col.reindex(runs.index).to_numpy()
    frame = frame.dropna(subset=["value"])
    a = frame[frame[factor] == condition]
    b = frame[frame[factor] == baseline]
    if paired:
        merged = a.merge(b, on=["seed", *inputs], suffixes=("_a", "_b"))
        merged["difference"] = merged["value_a"] - merged["value_b"]
        out = merged.groupby(inputs, sort=True)["difference"].mean().reset_index()
    else:
        ma = a.groupby(inputs)["value"].mean()
        mb = b.groupby(inputs)["value"].mean()
        out = (ma - mb).dropna().rename("difference").reset_index()
    out["win"] = out["difference"] > 0
    return out


def discover(
    scenarios: pd.DataFrame,
    inputs: list[str],
    condition: Any,
    baseline: Any,
    ranges: dict[str, tuple[float, float]],
    *,
    seed: int = 0,
) -> Discovery:
    """PRIM box of the wins and feature scores of the difference, for ``scenarios`` (from
    :func:`scenario_differences`)."""
    prim, feature_scoring = _ema()
    x = scenarios[inputs].astype(float).reset_index(drop=True)
    win = scenarios["win"].to_numpy(dtype=bool)
    wins = int(win.sum())
    note = ""
    scores = pd.Series(dtype=float)
    box = None
    if len(scenarios) < MIN_SCENARIOS:
        note = f"{len(scenarios)} scenarios: scenario discovery needs at least {MIN_SCENARIOS}"
        return Discovery(condition, baseline, scenarios, wins, None, scores, ranges, note)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, _ = feature_scoring.get_ex_feature_scores(
            x,
            scenarios["difference"].to_numpy(dtype=float),
            mode=feature_scoring.RuleInductionType.REGRESSION,
            random_state=seed % 2**32,
        )
        scores = table.iloc[:, 0].astype(float).sort_values(ascending=False)
        if wins == 0:
            note = "wins in no scenario"
        elif wins == len(scenarios):
            note = "wins in every scenario"
        else:
            box = _box(prim, x, win, ranges)
            if box is None:
                note = f"no box reaches a density of {DENSITY:.0%}"
    return Discovery(condition, baseline, scenarios, wins, box, scores, ranges, note)


def _box(prim: Any, x: pd.DataFrame, win: np.ndarray, ranges: dict) -> Box | None:
    found = prim.Prim(x, win, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05).find_box()
    if found is None:
        return None
    trajectory = found.peeling_trajectory
    dense = trajectory[trajectory["density"] >= DENSITY]
    if dense.empty:
        return None
    i = int(dense.sort_values(["coverage", "density"], ascending=False).index[0])
    stats, limits = found.inspect(i, style="data")[0]
    restricted: dict[str, tuple[float, float]] = {}
    quasi_p: dict[str, float] = {}
    for name, row in limits.iterrows():
        values = row.to_numpy()
        lo, hi = float(values[0]), float(values[1])
        restricted[str(name)] = (lo, hi)
        qps = [float(v) for v in values[2:] if np.isfinite(v)]
        quasi_p[str(name)] = min(qps) if qps else float("nan")
    return Box(
        restricted,
        quasi_p,
        float(stats["coverage"]),
        float(stats["density"]),
        float(stats["mass"]),
        int(stats["n"]),
    )


def inside(box: Box, frame: pd.DataFrame) -> np.ndarray:
    """Which rows of ``frame`` lie inside ``box``."""
    mask = np.ones(len(frame), dtype=bool)
    for name, (lo, hi) in box.limits.items():
        mask &= (frame[name] >= lo).to_numpy() & (frame[name] <= hi).to_numpy()
    return mask
