"""Figures of the validation report (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from quartiersim.strategies import STRATEGIES

if TYPE_CHECKING:
    from quartiersim.validation.known import Cascade, Decay, TakeOff


def strategy_colour(strategy: str, default: str | None = None) -> str | None:
    """A strategy's colour in every figure (declared with the strategy)."""
    return STRATEGIES[strategy].colour if strategy in STRATEGIES else default


def _save(fig: plt.Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})  # no version stamp: stable files
    plt.close(fig)


def granovetter(cascades: dict[str, Cascade], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    labels = {"uniform": "thresholds 0, 1, ..., 99", "perturbed": "threshold 1 replaced by 2"}
    for key, c in cascades.items():
        ax.step(range(len(c.curve)), c.curve, where="post", label=f"{labels[key]} → {c.final}")
    ax.set_xlabel("round of the joining rule")
    ax.set_ylabel("people taking part")
    ax.set_title("Granovetter's threshold cascade")
    ax.legend()
    _save(fig, path)


def tie_decay(decays: dict[str, Decay], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    weeks = np.arange(len(next(iter(decays.values())).curve))
    for key, d in decays.items():
        line = ax.plot(weeks, d.curve, label=f"{key} ties (n = {d.start})")[0]
        ax.plot(
            weeks,
            d.target ** (weeks / 52),
            ls="--",
            color=line.get_color(),
            label=f"{key}: target {d.target:g} per year, geometric",
        )
    ax.set_yscale("log")
    ax.set_xlabel("weeks without contact")
    ax.set_ylabel("share of ties still there")
    ax.set_title("Decay of unreinforced ties (Burt 2002)")
    ax.legend(fontsize=8)
    _save(fig, path)


def take_offs(items: list[TakeOff], participation: pd.DataFrame | None, path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax = axes[0]
    for t in items:
        if t.fit is None:
            continue
        weeks = np.arange(len(t.members))
        line = ax.plot(
            weeks, t.members, marker="o", ms=3, lw=0, label=f"run {t.run}: group {t.group}"
        )[0]
        ax.plot(weeks, t.fit.predicted, color=line.get_color())
    ax.set_xlabel("week of the take-off window")
    ax.set_ylabel("members")
    ax.set_title("Groups taking off (dots) and logistic fits (lines)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    ax = axes[1]
    if participation is not None and len(participation):
        weeks = participation.index.to_numpy()
        ax.plot(weeks, participation["mean"], color=strategy_colour("empowerment"))
        ax.fill_between(
            weeks,
            participation["low"],
            participation["high"],
            alpha=0.25,
            color=strategy_colour("empowerment"),
        )
        if "fit" in participation:
            ax.plot(weeks, participation["fit"], ls="--", color="black", label="logistic fit")
            ax.legend(fontsize=8)
    ax.set_xlabel("week")
    ax.set_ylabel("participation (share of residents)")
    ax.set_title("Quarter participation, empowerment (mean, 95% CI)")
    _save(fig, path)


def segregation_ties(summary: pd.DataFrame, path: Path) -> None:
    """``summary``: index segregation level, columns (measure, stat) with mean/low/high."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    levels = summary.index.to_numpy()
    for ax, cols, title in (
        (axes[0], ["bonding_ties", "bridging_ties"], "ties in the quarter"),
        (axes[1], ["bonding_share"], "share of ties that bond"),
    ):
        for c in cols:
            mean, low, high = (summary[(c, s)].to_numpy() for s in ("mean", "low", "high"))
            ax.errorbar(
                levels,
                mean,
                yerr=[mean - low, high - mean],
                marker="o",
                capsize=3,
                label=c.replace("_", " "),
            )
        ax.set_xlabel("segregation")
        ax.set_title(title)
        ax.legend(fontsize=8)
    _save(fig, path)


def time_series(bands: dict[str, dict[str, pd.DataFrame]], exit_week: int, path: Path) -> None:
    """``bands[measure][strategy]``: frame indexed by week with mean, low, high."""
    measures = list(bands)
    cols = 2
    rows = (len(measures) + 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.2 * rows), squeeze=False)
    for ax, measure in zip(axes.ravel(), measures, strict=False):
        for strategy, b in bands[measure].items():
            colour = strategy_colour(strategy)
            ax.plot(b.index, b["mean"], label=strategy, color=colour)
            ax.fill_between(b.index, b["low"], b["high"], alpha=0.2, color=colour)
        ax.axvline(exit_week, color="black", ls=":", lw=1)
        ax.set_title(measure.replace("_", " "))
        ax.set_xlabel("week (dotted: the workers' exit)")
    for ax in axes.ravel()[len(measures) :]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=8)
    _save(fig, path)


def interval_panels(
    panels: dict[str, pd.DataFrame], path: Path, xlabel: str, zero_line: bool = False
) -> None:
    """One panel per title: rows are labels, columns mean/low/high (horizontal intervals)."""
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(4.2 * len(panels), 0.45 * max(len(p) for p in panels.values()) + 1.4),
        squeeze=False,
    )
    for ax, (title, frame) in zip(axes[0], panels.items(), strict=True):
        y = np.arange(len(frame))
        mean, low, high = (frame[c].to_numpy() for c in ("mean", "low", "high"))
        colours = [strategy_colour(str(i).split(" ")[0], "#1f77b4") for i in frame.index]
        ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="none", ecolor="black", capsize=3)
        ax.scatter(mean, y, c=colours, zorder=3)
        if zero_line:
            ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, [str(i).replace("_", " ") for i in frame.index])
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes[0][1:]:
        ax.set_yticklabels([])
    _save(fig, path)


def segregation_comparison(frame: pd.DataFrame, measure_titles: dict[str, str], path: Path) -> None:
    """``frame``: columns segregation, strategy, measure, mean, low, high."""
    fig, axes = plt.subplots(
        1, len(measure_titles), figsize=(4.5 * len(measure_titles), 3.5), squeeze=False
    )
    for ax, (measure, title) in zip(axes[0], measure_titles.items(), strict=True):
        part = frame[frame["measure"] == measure]
        for strategy, g in part.groupby("strategy", sort=False):
            g = g.sort_values("segregation")
            ax.errorbar(
                g["segregation"],
                g["mean"],
                yerr=[g["mean"] - g["low"], g["high"] - g["mean"]],
                marker="o",
                capsize=3,
                label=strategy,
                color=strategy_colour(str(strategy)),
            )
        ax.set_xlabel("segregation")
        ax.set_title(title, fontsize=10)
    axes[0][0].legend(fontsize=8)
    _save(fig, path)


def robustness(
    frame: pd.DataFrame, params: list[str], outcomes: dict[str, str], path: Path
) -> None:
    """``frame``: one row per sample with the parameter values, for each outcome column its
    margin (default leader minus best other) and ``<outcome>_flipped``."""
    fig, axes = plt.subplots(
        len(outcomes), len(params), figsize=(2.8 * len(params), 2.4 * len(outcomes)), squeeze=False
    )
    for row, (outcome, label) in enumerate(outcomes.items()):
        colours = np.where(frame[f"{outcome}_flipped"], "#d62728", "#1f77b4")
        for col, p in enumerate(params):
            ax = axes[row, col]
            ax.scatter(frame[p], frame[outcome], c=colours, s=18)
            ax.axhline(0, color="black", lw=0.8)
            if row == len(outcomes) - 1:
                ax.set_xlabel(p, fontsize=8)
            if col == 0:
                ax.set_ylabel(label, fontsize=7)
            ax.tick_params(labelsize=7)
    fig.suptitle(
        "Margin of the default leader over the best other strategy per sample "
        "(red: another strategy leads)",
        fontsize=9,
    )
    _save(fig, path)


def _ink(shade: float) -> str:
    """Text colour that stays readable on a cell of the diverging map at ``shade`` in [-1, 1]."""
    return "white" if abs(shade) > 0.6 else "black"


def region_maps(
    maps: dict[str, pd.DataFrame], marks: dict[str, pd.DataFrame], path: Path, note: str
) -> None:
    """One heat map per contrast: ``maps[title]`` a frame (rows: learning rate, columns: wait
    weeks) of top_down − none; ``marks[title]`` the same shape with "▲" (dependency appears),
    "▽" (the opposite) or "" (not shown). Blank cells are undefined."""
    fig, axes = plt.subplots(1, len(maps), figsize=(4.4 * len(maps), 3.8), squeeze=False)
    for ax, (title, frame) in zip(axes[0], maps.items(), strict=True):
        values = frame.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        bound = float(np.abs(finite).max()) if len(finite) and np.abs(finite).max() > 0 else 1.0
        image = ax.imshow(values, cmap="RdBu_r", vmin=-bound, vmax=bound, origin="lower")
        for (i, j), v in np.ndenumerate(values):
            mark = marks[title].iloc[i, j]
            text = "n.r." if not np.isfinite(v) else f"{v:+.3g}"
            ax.text(
                j,
                i,
                f"{text}\n{mark!s}",
                ha="center",
                va="center",
                fontsize=8,
                color=_ink(v / bound if np.isfinite(v) else 0.0),
            )
        ax.set_xticks(range(frame.shape[1]), [str(c) for c in frame.columns])
        ax.set_yticks(range(frame.shape[0]), [f"{r:g}" for r in frame.index])
        ax.set_xlabel("request_wait_weeks")
        ax.set_ylabel("expectation_learning_rate")
        ax.set_title(title, fontsize=9)
        fig.colorbar(image, ax=ax, shrink=0.8)
    fig.suptitle(note, fontsize=8)
    _save(fig, path)


def phased_exit(frame: pd.DataFrame, titles: dict[str, str], path: Path) -> None:
    """``frame``: columns strategy, phase, measure, week, mean, low, high; one panel per
    measure, phase-out length on x, a line per strategy (solid: after the exit, dashed: at the
    exit)."""
    fig, axes = plt.subplots(1, len(titles), figsize=(4.2 * len(titles), 3.6), squeeze=False)
    weeks = sorted(frame["week"].unique())
    for ax, (measure, title) in zip(axes[0], titles.items(), strict=True):
        part = frame[frame["measure"] == measure]
        for (strategy, week), g in part.groupby(["strategy", "week"], sort=False):
            g = g.sort_values("phase")
            ax.errorbar(
                g["phase"],
                g["mean"],
                yerr=[g["mean"] - g["low"], g["high"] - g["mean"]],
                marker="o",
                ms=3,
                capsize=2,
                ls="-" if week == weeks[-1] else "--",
                color=strategy_colour(str(strategy)),
                label=f"{strategy}, week {week}",
            )
        ax.set_xlabel("phase_out_weeks")
        ax.set_title(title, fontsize=10)
    axes[0][0].legend(fontsize=6)
    _save(fig, path)


def parameters_off(frame: pd.DataFrame, marks: pd.DataFrame, path: Path) -> None:
    """``frame``: rows a headline contrast at a week, columns the settings (the defaults first),
    cells the mean difference; colour is each row scaled by its largest magnitude, so rows of
    different measures can be read side by side; ``marks`` as in :func:`region_maps`."""
    values = frame.to_numpy(dtype=float)
    scale = np.nanmax(np.abs(values), axis=1, keepdims=True)
    scale[~(scale > 0)] = 1.0
    fig, ax = plt.subplots(
        figsize=(max(8.0, 4.0 + 0.8 * frame.shape[1]), 1.2 + 0.32 * frame.shape[0])
    )
    scaled = values / scale
    ax.imshow(scaled, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        ax.text(
            j,
            i,
            f"{v:+.2f}{marks.iloc[i, j]!s}",
            ha="center",
            va="center",
            fontsize=6,
            color=_ink(float(scaled[i, j])),
        )
    ax.set_xticks(range(frame.shape[1]), list(frame.columns), rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(frame.shape[0]), list(frame.index), fontsize=7)
    ax.set_title(
        "Headline contrasts with each new parameter off\n(▲▼: significant after Holm; colour "
        "scaled per row)",
        fontsize=8,
    )
    _save(fig, path)
