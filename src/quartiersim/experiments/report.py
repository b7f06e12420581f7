"""The report: statistics and figures from a results folder, as Markdown with PNG figures.

It compares the conditions of one *factor* (the strategy, a variant, or a swept parameter) at
the project's end and two years after the exit, within each combination of the other swept
parameters (the *strata*): mean with a bootstrap 95% confidence interval, Hedges' g against the
baselines (by default ``none`` and ``top_down``), and a two-sided test whose p-values are
Holm-adjusted over all comparisons of one outcome. Figures show the time series (mean and 95%
band per condition, the exit marked) and the outcomes per condition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from quartiersim.errors import UsageError
from quartiersim.experiments import stats
from quartiersim.experiments.identity import AFTER_EXIT_WEEKS, column_value, derive_seed
from quartiersim.experiments.provenance import code_label
from quartiersim.experiments.storage import (
    ReadNotes,
    ResultStore,
    describe_codes,
    write_atomic,
    write_text_atomic,
)
from quartiersim.measures import MEASURES

DEFAULT_OUTCOMES = (
    "social_capital",
    "political_influence",
    "helplessness",
    "participation",
    "withdrawn_share",
    "activated_resources",
)
DEFAULT_BASELINES = ("none", "top_down")
ALL = "all runs"


@dataclass(frozen=True)
class Point:
    """A moment of each run the report compares: its key, its title and the per-run week."""

    key: str
    title: str
    short: str


# ---------------------------------------------------------------------------------------------
# Reading the results: the design and one row per run
# ---------------------------------------------------------------------------------------------


@dataclass
class Design:
    """What was varied: the compared factor, its groups and baselines, and the strata."""

    factor: str
    groups: list[str]
    baselines: list[str]
    strata: list[str]
    outcomes: list[str]


def _group_order(exp: dict[str, Any], factor: str, present: Sequence[Any]) -> list[Any]:
    if factor == "variant":
        declared = list(exp.get("variants", {}))
    elif factor in exp.get("sweep", {}):
        declared = [column_value(factor, _from_json(factor, v)) for v in exp["sweep"][factor]]
    else:
        declared = []
    ordered = [g for g in declared if g in set(present)]
    return ordered + [g for g in present if g not in ordered]


def _from_json(name: str, value: Any) -> Any:
    """A parameter value as stored in the manifest (JSON) back in its checked form."""
    from quartiersim.parameters import PARAMETERS

    if PARAMETERS[name].kind is tuple:
        return tuple(tuple(v) for v in value)
    return value


def design(
    manifest: dict[str, Any],
    data: pd.DataFrame,
    *,
    group_by: str | None = None,
    baselines: Sequence[str] | None = None,
    outcomes: Sequence[str] | None = None,
) -> Design:
    """Work out what to compare, from the options, else the experiment's [report] section,
    else the defaults. Unknown names are a :class:`UsageError`."""
    exp = manifest.get("experiment", {})
    wanted = exp.get("report", {})
    factors = (["variant"] if exp.get("variants") else []) + list(exp.get("sweep", {}))
    factor = (
        group_by
        or wanted.get("group_by")
        or (
            "variant"
            if "variant" in factors
            else "strategy"
            if "strategy" in factors
            else factors[0]
            if factors
            else None
        )
    )
    if factor is not None and factor not in factors:
        raise UsageError(
            f"--group-by {factor!r}: not varied in this experiment; expected one of "
            f"{', '.join(factors) or '(nothing is varied)'}"
        )
    if factor is None:
        factor = "_all"
        data["_all"] = ALL
    present = list(dict.fromkeys(data[factor].tolist()))
    groups = _group_order(exp, factor, present)

    chosen = list(baselines or wanted.get("baselines") or [])
    for b in chosen:
        if b not in groups:
            raise UsageError(
                f"baseline {b!r} is not a {factor} of these results; expected one of "
                f"{', '.join(map(str, groups))}"
            )
    if not chosen:
        chosen = [b for b in DEFAULT_BASELINES if b in groups] or groups[:1]
    if len(groups) < 2:
        chosen = []

    recorded = [m for m in MEASURES if m in data.columns]
    picked = list(
        outcomes or wanted.get("outcomes") or [m for m in DEFAULT_OUTCOMES if m in recorded]
    )
    for o in picked:
        if o not in recorded:
            raise UsageError(
                f"outcome {o!r} was not recorded in these results; recorded: {', '.join(recorded)}"
            )
    strata = [f for f in factors if f != factor]
    return Design(factor, groups, chosen, strata, picked)


def run_points(
    data: pd.DataFrame, outcomes: Sequence[str], labels: Sequence[str]
) -> tuple[pd.DataFrame, list[Point]]:
    """One row per run: its labels, seed, exit week and each outcome at each point.

    The exit is the last recorded week in which the project ran (``project_running``); a run
    whose project never ended has no exit. Points: the project's end, two years after the exit
    (or the run's end, if sooner), and the run's end when that is later still.
    """
    rows = []
    for run_id, run in data.groupby("run_id", sort=True):
        run = run.sort_values("step")
        steps = run["step"].to_numpy()
        running = run["project_running"].to_numpy() if "project_running" in run else None
        last = int(steps[-1])
        exit_week: float = math.nan
        if running is not None and (running == 0).any() and (running == 1).any():
            exit_week = float(steps[running == 1].max())
        weeks = {
            "end": exit_week if not math.isnan(exit_week) else float(last),
            "after": min(exit_week + AFTER_EXIT_WEEKS, last)
            if not math.isnan(exit_week)
            else math.nan,
            "final": float(last),
        }
        row: dict[str, Any] = {
            "run_id": run_id,
            "replication": int(run["replication"].iloc[0]),
            "seed": int(run["seed"].iloc[0]),
            "exit_week": exit_week,
        }
        row |= {c: run[c].iloc[0] for c in labels}
        for key, week in weeks.items():
            row[f"week_{key}"] = week
            if math.isnan(week):
                continue
            i = int(np.searchsorted(steps, week, side="right")) - 1
            for o in outcomes:
                row[f"{o}@{key}"] = float(run[o].iloc[i])
        rows.append(row)
    points = pd.DataFrame(rows)

    exits = points["exit_week"].dropna()
    out: list[Point] = []
    if exits.empty:
        out.append(
            Point(
                "final",
                f"end of the run (week {_weeks(points['week_final'])}); "
                "the project did not end within the run",
                "end of run",
            )
        )
        return points, out
    out.append(
        Point("end", f"at the project's end (week {_weeks(points['week_end'])})", "project end")
    )
    after = points["week_after"] - points["exit_week"]
    if (after >= AFTER_EXIT_WEEKS).all():
        title, short = (
            f"two years after the exit (week {_weeks(points['week_after'])})",
            "2 years after exit",
        )
    else:
        title = (
            f"after the exit: two years later or at the run's end, if sooner "
            f"(week {_weeks(points['week_after'])})"
        )
        short = "after exit"
    if (after > 0).any():
        out.append(Point("after", title, short))
    if (points["week_final"] > points["week_after"]).any():
        out.append(
            Point("final", f"end of the run (week {_weeks(points['week_final'])})", "end of run")
        )
    return points, out


def save_figure(fig: Figure, path: Path) -> None:
    """Write a figure as PNG in one atomic step: a full disk leaves no half-written image."""
    write_atomic(path, lambda fh: fig.savefig(fh, format="png", dpi=110))


def _weeks(values: pd.Series) -> str:
    v = sorted({int(x) for x in values.dropna()})
    if not v:
        return "–"
    return str(v[0]) if len(v) == 1 else f"{v[0]}–{v[-1]}"


# ---------------------------------------------------------------------------------------------
# Statistics table
# ---------------------------------------------------------------------------------------------


def _strata(
    points: pd.DataFrame, strata: Sequence[str]
) -> list[tuple[tuple[Any, ...], pd.DataFrame]]:
    if not strata:
        return [((), points)]
    # grouped by a list, pandas (>= 2) names every group by a tuple, one key or several
    return list(points.groupby(list(strata), sort=False))


def stratum_label(strata: Sequence[str], key: Sequence[Any]) -> str:
    return ", ".join(f"{s}={_fmt_label(v)}" for s, v in zip(strata, key, strict=True))


def _fmt_label(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v) if v != "" else "(none)"


def summary_table(
    points: pd.DataFrame,
    d: Design,
    point_list: Sequence[Point],
    *,
    test: str = "welch",
    n_boot: int = 10_000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """The statistics of every outcome, point, stratum and group, in long form.

    Columns: outcome, point, the strata, group, n, mean, sd, ci_low, ci_high, and for each
    baseline B: ``g_vs_B`` (Hedges' g of the group against B), ``p_vs_B`` (the test's p-value)
    and ``p_holm_vs_B`` (Holm-adjusted over all comparisons of the same outcome).
    """
    if test not in stats.TESTS:
        raise UsageError(f"--test {test!r}: expected one of {', '.join(stats.TESTS)}")
    rows = []
    for o in d.outcomes:
        for pt in point_list:
            col = f"{o}@{pt.key}"
            for key, sub in _strata(points, d.strata):
                by_group = {
                    g: sub.loc[sub[d.factor] == g, col].dropna().to_numpy() for g in d.groups
                }
                for g in d.groups:
                    x = by_group[g]
                    if len(x) == 0:
                        continue
                    lo, hi = stats.bootstrap_ci(
                        x,
                        level=level,
                        n_boot=n_boot,
                        seed=derive_seed(seed, ["bootstrap", o, pt.key, list(map(str, key)), g]),
                    )
                    row: dict[str, Any] = {
                        "outcome": o,
                        "point": pt.key,
                        **dict(zip(d.strata, key, strict=True)),
                        "group": g,
                        "n": len(x),
                        "mean": float(x.mean()),
                        "sd": float(x.std(ddof=1)) if len(x) > 1 else math.nan,
                        "ci_low": lo,
                        "ci_high": hi,
                    }
                    for b in d.baselines:
                        y = by_group.get(b, np.array([]))
                        same = g == b
                        row[f"g_vs_{b}"] = math.nan if same else stats.hedges_g(x, y)
                        row[f"p_vs_{b}"] = math.nan if same else stats.difference_test(x, y, test)
                    rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty or not d.baselines:
        return table
    # Holm over the distinct comparisons of one outcome: "top_down vs none" and "none vs
    # top_down" are one test, counted once.
    for _, block in table.groupby("outcome", sort=False):
        distinct: dict[tuple[Any, ...], float] = {}
        cells = []
        for i, r in block.iterrows():
            for b in d.baselines:
                p = r[f"p_vs_{b}"]
                if not math.isnan(p):
                    key = (r["point"], *(r[s] for s in d.strata), frozenset((r["group"], b)))
                    distinct.setdefault(key, p)
                    cells.append((i, b, key))
        adjusted = dict(zip(distinct, stats.holm(list(distinct.values())), strict=True))
        for i, b, key in cells:
            table.loc[i, f"p_holm_vs_{b}"] = adjusted[key]
    for b in d.baselines:
        if f"p_holm_vs_{b}" not in table:
            table[f"p_holm_vs_{b}"] = math.nan
    return table


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

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


def _colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def _grid(n: int) -> tuple[int, int]:
    cols = min(3, n)
    return math.ceil(n / cols), cols


def plot_timeseries(
    data: pd.DataFrame, points: pd.DataFrame, d: Design, outcome: str, path: Path
) -> None:
    """Mean and 95% band of ``outcome`` over the weeks, per group, one panel per stratum;
    dashed line: the project's exit."""
    strata = _strata(data, d.strata)
    rows, cols = _grid(len(strata))
    fig = Figure(figsize=(5.2 * cols, 3.4 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, (key, sub) in zip(axes, strata, strict=False):
        for i, g in enumerate(d.groups):
            runs = sub[sub[d.factor] == g]
            if runs.empty:
                continue
            matrix = runs.pivot_table(index="run_id", columns="step", values=outcome)
            mean, lo, hi = stats.mean_band(matrix.to_numpy())
            weeks = matrix.columns.to_numpy()
            ax.plot(weeks, mean, color=_colour(i), lw=1.6, label=f"{g} (n={len(matrix)})")
            ax.fill_between(weeks, lo, hi, color=_colour(i), alpha=0.2, lw=0)
        run_ids = set(sub["run_id"])
        exits = points.loc[points["run_id"].isin(run_ids), "exit_week"].dropna().unique()
        for j, w in enumerate(sorted(exits)):
            ax.axvline(w, color="black", ls="--", lw=1, label="project exit" if j == 0 else None)
        ax.set_title(stratum_label(d.strata, key) if d.strata else "", fontsize=9)
        ax.set_xlabel("week")
        ax.set_ylabel(outcome)
        ax.grid(alpha=0.3)
    for ax in axes[len(strata) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"{outcome}: mean and 95% confidence band of the mean", fontsize=10)
    save_figure(fig, path)


def plot_outcomes(
    points: pd.DataFrame, d: Design, outcome: str, point_list: Sequence[Point], path: Path
) -> None:
    """``outcome`` per group at each point: every run as a dot, the mean with its bootstrap
    95% interval as a bar; with strata, the groups' means across the strata."""
    fig = Figure(figsize=(4.6 * len(point_list), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(point_list), squeeze=False, sharey=True)).ravel()
    strata = _strata(points, d.strata)
    for ax, pt in zip(axes, point_list, strict=True):
        col = f"{outcome}@{pt.key}"
        width = 0.8 / max(1, len(d.groups))
        for i, g in enumerate(d.groups):
            xs, means, los, his = [], [], [], []
            for k, (_, sub) in enumerate(strata):
                x = sub.loc[sub[d.factor] == g, col].dropna().to_numpy()
                if len(x) == 0:
                    continue
                pos = k + (i - (len(d.groups) - 1) / 2) * width if d.strata else i
                scale = width if d.strata else 1.0
                lo, hi = stats.bootstrap_ci(x, n_boot=2000, seed=0)
                xs.append(pos + 0.1 * scale)
                means.append(x.mean())
                los.append(x.mean() - lo)
                his.append(hi - x.mean())
                # Runs to the left of their mean, spread so that equal values stay visible.
                jitter = (np.linspace(-0.1, 0.1, len(x)) - 0.15) * scale
                ax.scatter(pos + jitter, x, s=9, color=_colour(i), alpha=0.5, lw=0)
            if not xs:
                continue
            ax.errorbar(
                xs,
                means,
                yerr=[los, his],
                fmt="o",
                color=_colour(i),
                ms=5,
                capsize=3,
                label=g,
                lw=1.4,
            )
            if d.strata and len(xs) > 1:
                ax.plot(xs, means, color=_colour(i), lw=1, alpha=0.7)
        if d.strata:
            ax.set_xticks(range(len(strata)))
            ax.set_xticklabels(
                [stratum_label(d.strata, k) for k, _ in strata], rotation=30, ha="right", fontsize=7
            )
        else:
            ax.set_xticks(range(len(d.groups)))
            ax.set_xticklabels(d.groups, rotation=30, ha="right", fontsize=8)
        ax.set_title(pt.title, fontsize=9)
        ax.set_ylabel(outcome)
        ax.grid(alpha=0.3, axis="y")
    if d.strata:
        axes[0].legend(fontsize=7)
    fig.suptitle(f"{outcome}: every run (dots), mean and bootstrap 95% interval", fontsize=10)
    save_figure(fig, path)


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _num(x: float | None) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:.3f}"


def _g(x: float) -> str:
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "+∞" if x > 0 else "−∞"
    return f"{x:+.2f}"


def _p(x: float) -> str:
    if math.isnan(x):
        return "–"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def markdown_table(
    table: pd.DataFrame, d: Design, outcome: str, point_list: Sequence[Point]
) -> str:
    head = ["when", *d.strata, d.factor if d.factor != "_all" else "runs", "n", "mean", "95% CI"]
    for b in d.baselines:
        head += [f"g vs {b}", f"p vs {b} (Holm)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    titles = {p.key: p.short for p in point_list}
    sub = table[table["outcome"] == outcome]
    for _, r in sub.iterrows():
        cells = [
            titles[r["point"]],
            *[_fmt_label(r[s]) for s in d.strata],
            str(r["group"]),
            str(int(r["n"])),
            _num(r["mean"]),
            f"[{_num(r['ci_low'])}, {_num(r['ci_high'])}]",
        ]
        for b in d.baselines:
            cells += [_g(r[f"g_vs_{b}"]), _p(r.get(f"p_holm_vs_{b}", math.nan))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def make_report(
    results: Path | str,
    out: Path | str,
    *,
    outcomes: Sequence[str] | None = None,
    baselines: Sequence[str] | None = None,
    group_by: str | None = None,
    test: str = "welch",
    n_boot: int = 10_000,
    allow_mixed: bool = False,
) -> Path:
    """Write ``report.md``, its figures and CSV tables for the results in ``results`` into
    ``out``; returns the path of ``report.md``.

    Only the runs of the manifest's experiment are read; the report lists what it ignored.
    Runs computed by different code are refused unless ``allow_mixed`` (or the sweep was run
    with it); the report then says that its results are mixed.
    """
    results, out = Path(results), Path(out)
    if test not in stats.TESTS:
        raise UsageError(f"--test {test!r}: expected one of {', '.join(stats.TESTS)}")
    if n_boot < 100:
        raise UsageError(f"--bootstrap {n_boot}: use at least 100 resamples")
    store = ResultStore(results)
    manifest = store.manifest()
    if manifest.get("definition", {}).get("kind") == "sensitivity":
        raise UsageError(
            f"{results} holds the runs of a sensitivity analysis; its indices are in "
            f"{results.parent / 'sensitivity.md'} (and morris.csv, sobol.csv)"
        )
    inside = out.resolve() == results.resolve() or results.resolve() in out.resolve().parents
    if inside and not out.name.startswith(("_", ".")):
        raise UsageError(
            f"--out {out}: inside the results folder the report would be read as results; "
            "choose a folder outside it"
        )
    data, notes = store.read(allow_mixed=allow_mixed)
    exp = manifest.get("experiment", {})
    labels = [c for c in exp.get("label_columns", []) if c in data.columns]
    d = design(manifest, data, group_by=group_by, baselines=baselines, outcomes=outcomes)
    if d.factor == "_all":
        labels.append("_all")
    points, point_list = run_points(data, d.outcomes, labels)
    table = summary_table(
        points, d, point_list, test=test, n_boot=n_boot, seed=int(exp.get("seed", 0))
    )

    out.mkdir(parents=True, exist_ok=True)
    figures = {}
    for o in d.outcomes:
        ts, oc = f"timeseries_{o}.png", f"outcomes_{o}.png"
        plot_timeseries(data, points, d, o, out / ts)
        plot_outcomes(points, d, o, point_list, out / oc)
        figures[o] = (ts, oc)
    write_text_atomic(out / "summary.csv", table.to_csv(index=False))
    outcomes_table = points.drop(columns=["_all"], errors="ignore")
    write_text_atomic(out / "outcomes.csv", outcomes_table.to_csv(index=False))
    seeds = points[["run_id", *[c for c in labels if c != "_all"], "replication", "seed"]]
    write_text_atomic(out / "seeds.csv", seeds.to_csv(index=False))

    text = _markdown(manifest, results, data, points, d, point_list, table, figures, test, n_boot)
    text = _add_to_data_section(text, provenance_lines(notes))
    path = out / "report.md"
    write_text_atomic(path, text)
    return path


def _add_to_data_section(text: str, lines: str) -> str:
    """``lines`` at the end of the page's "## Data" section (or as a section of their own)."""
    start = text.find("## Data\n")
    end = text.find("\n## ", start + 1) if start >= 0 else -1
    if end < 0:
        return text + ("\n## Provenance\n\n" + lines if lines else "")
    return text[:end].rstrip("\n") + "\n" + lines + text[end:]


def provenance_lines(notes: ReadNotes) -> str:
    """The report's statements on the code that computed the runs, mixed results and the
    files it ignored (Markdown list items)."""
    lines = []
    if notes.mixed:
        lines.append(
            "- **Mixed results** (allowed with `--allow-mixed`): the runs were computed by "
            "different model code or library versions — "
            + "; ".join(describe_codes(notes.codes))
            + " (see `_manifest.json` and each run file's metadata)."
        )
    elif notes.codes:
        lines.append(f"- Computed by: {code_label(notes.codes[0][0])}.")
    if notes.ignored:
        shown = "; ".join(f"`{name}` ({why})" for name, why in notes.ignored[:10])
        more = f"; and {len(notes.ignored) - 10} more" if len(notes.ignored) > 10 else ""
        lines.append(
            f"- Ignored {len(notes.ignored)} file(s) in the results folder that are not runs "
            f"of this experiment: {shown}{more}."
        )
    return "".join(line + "\n" for line in lines)


def _markdown(
    manifest: dict[str, Any],
    results: Path,
    data: pd.DataFrame,
    points: pd.DataFrame,
    d: Design,
    point_list: Sequence[Point],
    table: pd.DataFrame,
    figures: dict[str, tuple[str, str]],
    test: str,
    n_boot: int,
) -> str:
    exp = manifest.get("experiment", {})
    versions = manifest.get("code", {}).get("versions", {})
    per_condition = points.groupby([*d.strata, d.factor], sort=False).size()
    reps = sorted(points["replication"].unique())
    planned = exp.get("replications", len(reps))
    lines = [f"# Report: {exp.get('name', results.name)}", ""]
    if exp.get("description"):
        lines += [exp["description"].strip(), ""]
    lines += [
        "## Data",
        "",
        f"- Results: `{results}` ({len(points)} runs, {len(data)} rows; read them with "
        f'`pandas.read_parquet("{results}")`).',
        f"- Model: quartiersim {versions.get('quartiersim', '?')}, {exp.get('steps', '?')} "
        "weeks per run.",
        f"- Compared: **{d.factor if d.factor != '_all' else 'all runs together'}** "
        f"({', '.join(map(str, d.groups))})"
        + (f", within each {', '.join(d.strata)}" if d.strata else "")
        + ".",
        f"- Replications: {per_condition.min()}–{per_condition.max()} per condition"
        if per_condition.min() != per_condition.max()
        else f"- Replications: {per_condition.min()} per condition",
        f"  (replication numbers {reps[0]}–{reps[-1]}; {planned} planned).",
        f"- Seeds: experiment seed {exp.get('seed', '?')}; "
        + (
            "every condition of a replication shares its seed (common random numbers); "
            if exp.get("common_seeds")
            else ""
        )
        + "each run's seed is derived from the experiment seed and the run's identity with "
        "NumPy's `SeedSequence` (see `_manifest.json`). Every run's seed is listed in "
        "[`seeds.csv`](seeds.csv) and stored in the column `seed`.",
    ]
    if exp.get("parameters"):
        fixed = ", ".join(f"`{k}` = {v!r}" for k, v in exp["parameters"].items())
        lines.append(f"- Fixed parameters: {fixed}; all others at their defaults.")
    lines += [
        "",
        "## Methods",
        "",
        "Each run is reduced to its value " + _and([p.title for p in point_list]) + ". "
        "The exit is the last week in which the project ran. Per condition: the mean and a "
        f"percentile bootstrap 95% confidence interval ({n_boot} resamples, seeded). "
        "Against each baseline ("
        + (", ".join(f"`{b}`" for b in d.baselines) or "none: a single condition")
        + "): Hedges' g (standardised mean difference, positive = higher than the baseline) "
        "and a two-sided "
        + ("Welch t-test" if test == "welch" else "Mann–Whitney U test")
        + "; p-values are Holm-adjusted over all distinct comparisons of one outcome (every "
        "point, condition and baseline). Time series: mean per week and the t-based 95% band "
        "of the mean; the dashed line marks the exit.",
        "",
        "Per-run values: [`outcomes.csv`](outcomes.csv); all statistics: "
        "[`summary.csv`](summary.csv).",
    ]
    for o in d.outcomes:
        ts, oc = figures[o]
        lines += [
            "",
            f"## {o}",
            "",
            MEASURES[o].meaning if o in MEASURES else "",
            "",
            f"![{o} over time]({ts})",
            "",
            f"![{o} per condition]({oc})",
            "",
            markdown_table(table, d, o, point_list),
        ]
    return "\n".join(lines) + "\n"
