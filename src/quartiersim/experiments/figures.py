"""The report's figures: time series, outcomes per condition (dose–response curves where a factor
is a number), and the scenario-discovery and Pareto-front plots.

Drawn on :class:`matplotlib.figure.Figure` objects (no pyplot state), so reports can be written
from threads and worker processes. Panels that are compared share their axes; intervals and
bands are the ones of the tables (:mod:`.analysis`), clipped to the measure's range.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from quartiersim.experiments import stats
from quartiersim.experiments.analysis import Design, Point, is_numeric, measure_bounds

COLOURS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#1f78b4",
    "#b2df8a",
)


def colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def fmt_level(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v) if v != "" else "(none)"


def stratum_label(strata: Sequence[str], key: Sequence[Any]) -> str:
    return ", ".join(f"{s}={fmt_level(v)}" for s, v in zip(strata, key, strict=True))


def _grid(n: int) -> tuple[int, int]:
    cols = min(3, n)
    return math.ceil(n / cols), cols


def _limit(ax: Any, outcome: str) -> None:
    """Keep the axis inside the measure's range (a share never shows below 0)."""
    bounds = measure_bounds(outcome)
    if bounds is None:
        return
    low, high = ax.get_ylim()
    lo = low if bounds[0] is None else max(low, bounds[0] - 0.02 * (high - low))
    hi = high if bounds[1] is None else min(high, bounds[1] + 0.02 * (high - low))
    ax.set_ylim(lo, hi)


def timeseries(data: pd.DataFrame, runs: pd.DataFrame, d: Design, outcome: str, path: Path) -> None:
    """Mean and 95% band of ``outcome`` over the weeks per condition, a panel per stratum
    (shared axes); dashed line: the project's exit. No band where fewer than
    :data:`~quartiersim.experiments.stats.MIN_N` runs are behind the mean."""
    keys = d.strata_keys(data)
    rows, cols = _grid(len(keys))
    fig = Figure(figsize=(5.2 * cols, 3.4 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)).ravel()
    bounds = measure_bounds(outcome)
    thin = False
    for ax, key in zip(axes, keys, strict=False):
        sub = d.stratum(data, key)
        for i, g in enumerate(d.groups):
            chosen = sub[sub[d.factor] == g]
            if chosen.empty:
                continue
            matrix = chosen.pivot_table(index="run_id", columns="step", values=outcome)
            mean, lo, hi = stats.mean_band(matrix.to_numpy(), bounds=bounds)
            weeks = matrix.columns.to_numpy()
            n = len(matrix)
            label = f"{fmt_level(g)} (n={n})"
            ax.plot(weeks, mean, color=colour(i), lw=1.6, label=label)
            if n >= stats.MIN_N:
                ax.fill_between(weeks, lo, hi, color=colour(i), alpha=0.2, lw=0)
            else:
                thin = True
        exits = runs.loc[runs["run_id"].isin(set(sub["run_id"])), "exit_week"].dropna().unique()
        for j, w in enumerate(sorted(exits)):
            ax.axvline(w, color="black", ls="--", lw=1, label="project exit" if j == 0 else None)
        ax.set_title(stratum_label(d.strata, key) if d.strata else "", fontsize=9)
        ax.set_xlabel("week")
        ax.set_ylabel(outcome)
        ax.grid(alpha=0.3)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    _limit(axes[0], outcome)
    axes[0].legend(fontsize=7, loc="best")
    title = f"{outcome}: mean and 95% confidence band of the mean"
    if thin:
        title += f" (no band with fewer than {stats.MIN_N} runs)"
    fig.suptitle(title, fontsize=10)
    fig.savefig(path, dpi=110)


def _x_axis(d: Design) -> str | None:
    """The numeric factor drawn as the x-axis (a dose–response curve): the compared factor when
    it is a number, else the first numeric stratum; None: conditions side by side."""
    if d.factor in d.levels and is_numeric(d.factor):
        return d.factor
    return next((s for s in d.strata if is_numeric(s)), None)


def outcomes(
    table: pd.DataFrame,
    runs: pd.DataFrame,
    values: pd.DataFrame,
    d: Design,
    outcome: str,
    points: Sequence[Point],
    path: Path,
    interval: str,
) -> None:
    """``outcome`` at each point (a panel each, shared y-axis): every run as a dot, the mean and
    its interval from the table (``table``: :func:`~.analysis.condition_table`).

    Where a factor is a number, it is the x-axis on its own scale and the means are joined
    by lines — a dose–response curve per condition (or per stratum); otherwise the conditions
    stand side by side, grouped by stratum, with no lines between them.
    """
    x_name = _x_axis(d)
    fig = Figure(figsize=(4.8 * len(points), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(points), squeeze=False, sharey=True)).ravel()
    mine = table[table["outcome"] == outcome] if not table.empty else table
    for ax, pt in zip(axes, points, strict=True):
        rows = mine[mine["point"] == pt.key] if not mine.empty else mine
        col = values.get((outcome, pt.key), None)
        if x_name is None:
            _categorical(ax, rows, runs, col, d)
        else:
            _dose_response(ax, rows, runs, col, d, x_name)
        ax.set_title(pt.title, fontsize=9)
        ax.set_ylabel(outcome)
        ax.grid(alpha=0.3, axis="y")
    _limit(axes[0], outcome)
    label = "t" if interval == "t" else "BCa bootstrap"
    fig.suptitle(
        f"{outcome}: every run (dots), mean and {label} 95% interval "
        f"(none with fewer than {stats.MIN_N} runs)",
        fontsize=10,
    )
    fig.savefig(path, dpi=110)


def _errorbar(ax: Any, xs: list, rows: list, c: str, label: str | None, line: bool) -> None:
    means = np.array([r["mean"] for r in rows], dtype=float)
    lo = np.array([r["ci_low"] for r in rows], dtype=float)
    hi = np.array([r["ci_high"] for r in rows], dtype=float)
    has = np.isfinite(lo) & np.isfinite(hi)
    xs_arr = np.asarray(xs, dtype=float)
    if has.any():
        ax.errorbar(
            xs_arr[has],
            means[has],
            yerr=[means[has] - lo[has], hi[has] - means[has]],
            fmt="o",
            color=c,
            ms=5,
            capsize=3,
            lw=1.4,
        )
    if (~has).any():  # no interval: an open marker says so
        ax.plot(xs_arr[~has], means[~has], "o", mfc="white", color=c, ms=5)
    ax.plot(xs_arr, means, "-" if line else "none", color=c, lw=1.2, alpha=0.8, label=label)


def _dots(ax: Any, xs: float, x: np.ndarray, c: str, spread: float) -> None:
    jitter = np.linspace(-spread, spread, len(x)) if len(x) > 1 else np.zeros(1)
    ax.scatter(xs + jitter, x, s=9, color=c, alpha=0.45, lw=0)


def _rows(rows: pd.DataFrame, d: Design, g: Any, key: Sequence[Any]) -> dict | None:
    if rows.empty:
        return None
    mask = rows[d.factor] == g
    for s, v in zip(d.strata, key, strict=True):
        mask &= rows[s] == v
    hit = rows[mask]
    return None if hit.empty else hit.iloc[0].to_dict()


def _run_values(
    col: pd.Series | None, runs: pd.DataFrame, d: Design, g: Any, key: Sequence[Any]
) -> np.ndarray:
    if col is None:
        return np.array([])
    sub = d.stratum(runs, key)
    return col.reindex(sub.index[sub[d.factor] == g]).dropna().to_numpy()


def _categorical(
    ax: Any, rows: pd.DataFrame, runs: pd.DataFrame, col: pd.Series | None, d: Design
) -> None:
    keys = d.strata_keys(runs)
    width = 0.8 / max(1, len(d.groups))
    for i, g in enumerate(d.groups):
        xs, found = [], []
        for k, key in enumerate(keys):
            r = _rows(rows, d, g, key)
            if r is None:
                continue
            pos = k + (i - (len(d.groups) - 1) / 2) * width if d.strata else i
            scale = width if d.strata else 1.0
            _dots(ax, pos - 0.15 * scale, _run_values(col, runs, d, g, key), colour(i), 0.1 * scale)
            xs.append(pos + 0.1 * scale)
            found.append(r)
        if found:
            _errorbar(ax, xs, found, colour(i), fmt_level(g), line=False)
    if d.strata:
        ax.set_xticks(range(len(keys)))
        ax.set_xticklabels(
            [stratum_label(d.strata, k) for k in keys], rotation=30, ha="right", fontsize=7
        )
        ax.legend(fontsize=7)
    else:
        ax.set_xticks(range(len(d.groups)))
        ax.set_xticklabels([fmt_level(g) for g in d.groups], rotation=30, ha="right", fontsize=8)


def _dose_response(
    ax: Any,
    rows: pd.DataFrame,
    runs: pd.DataFrame,
    col: pd.Series | None,
    d: Design,
    x_name: str,
) -> None:
    """Numeric x: one curve per line (the conditions, or the strata when the factor is x)."""
    levels = d.levels[x_name]
    span = (max(levels) - min(levels)) if len(levels) > 1 else 1.0
    spread = 0.012 * span
    others = [s for s in d.strata if s != x_name]
    other_keys = (
        [()] if not others else sorted(set(runs[others].itertuples(index=False, name=None)))
    )
    lines: list[tuple[Any, tuple[Any, ...]]]  # (condition or None, other strata)
    if x_name == d.factor:
        lines = [(None, k) for k in other_keys]
    else:
        lines = [(g, k) for g in d.groups for k in other_keys]
    for i, (g, okey) in enumerate(lines):
        xs, found = [], []
        for x in levels:
            full_key = _full_key(d, x_name, x, others, okey)
            group = x if x_name == d.factor else g
            r = _rows(rows, d, group, full_key)
            if r is None:
                continue
            offset = (i - (len(lines) - 1) / 2) * spread
            _dots(
                ax,
                x + offset - spread,
                _run_values(col, runs, d, group, full_key),
                colour(i),
                spread / 2,
            )
            xs.append(x + offset)
            found.append(r)
        if found:
            label = ", ".join(
                ([fmt_level(g)] if g is not None else [])
                + ([stratum_label(others, okey)] if others else [])
            )
            _errorbar(ax, xs, found, colour(i), label or None, line=True)
    ax.set_xlabel(x_name)
    ax.set_xticks(levels)
    ax.set_xticklabels([fmt_level(v) for v in levels], fontsize=8)
    if len(lines) > 1 or lines[0][0] is not None:
        ax.legend(fontsize=7)


def _full_key(
    d: Design, x_name: str, x: Any, others: list[str], okey: Sequence[Any]
) -> tuple[Any, ...]:
    values = dict(zip(others, okey, strict=True))
    if x_name != d.factor:
        values[x_name] = x
    return tuple(values[s] for s in d.strata)


def scenarios(found: Sequence[Any], outcome: str, path: Path) -> None:
    """Scenario discovery: each sampled scenario over the two most telling parameters (the
    PRIM box's, else the highest feature scores), filled where the condition wins, with the
    PRIM box drawn; a panel per condition compared."""
    n = len(found)
    rows, cols = _grid(n)
    fig = Figure(figsize=(4.4 * cols, 3.8 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, x in zip(axes, found, strict=False):
        table = x.scenarios
        names = list(x.box.limits) if x.box is not None else []
        names += [s for s in x.scores.index if s not in names]
        names += [s for s in x.ranges if s not in names]
        xn = names[0]
        yn = names[1] if len(names) > 1 else None
        ys = table[yn] if yn else np.zeros(len(table))
        win = table["win"].to_numpy(dtype=bool)
        ax.scatter(table[xn][win], np.asarray(ys)[win], s=18, color=COLOURS[0], label="wins")
        ax.scatter(
            table[xn][~win],
            np.asarray(ys)[~win],
            s=18,
            facecolor="white",
            edgecolor=COLOURS[1],
            label="does not win",
        )
        if x.box is not None:
            lo_x, hi_x = x.box.limits.get(xn, x.ranges[xn])
            if yn:
                lo_y, hi_y = x.box.limits.get(yn, x.ranges[yn])
            else:
                lo_y, hi_y = -0.5, 0.5
            ax.add_patch(
                Rectangle(
                    (lo_x, lo_y),
                    hi_x - lo_x,
                    hi_y - lo_y,
                    fill=False,
                    lw=1.5,
                    edgecolor="black",
                    label="PRIM box",
                )
            )
        ax.set_xlim(*x.ranges[xn])
        ax.set_xlabel(xn)
        if yn:
            ax.set_ylim(*x.ranges[yn])
            ax.set_ylabel(yn)
        else:
            ax.set_yticks([])
        ax.set_title(f"{fmt_level(x.condition)} vs {fmt_level(x.baseline)}", fontsize=9)
        ax.legend(fontsize=7, loc="best")
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.suptitle(
        f"{outcome}: where each condition beats the baseline (scenario discovery)", fontsize=10
    )
    fig.savefig(path, dpi=110)
