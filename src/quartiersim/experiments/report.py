"""The report: statistics and figures from a results folder, as Markdown with PNG figures and
tidy tables.

It compares the conditions of one *factor* (the strategy, a variant or a swept parameter)
within each combination of the other swept parameters (the *strata*), at the project's end and
two years after the exit: per condition the mean with its interval; per comparison with a
baseline the mean difference with its interval, Hedges' g with its interval and a test —
*paired* by seed when the experiment used common seeds, independent otherwise — with p-values
Holm-adjusted over each outcome's family; for factorial designs an interaction model; for
sampled designs a scenario discovery. The numbers come from :mod:`.analysis`,
:mod:`.factorial` and :mod:`.scenarios`, the figures from :mod:`.figures`; this module writes.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from quartiersim.errors import UsageError
from quartiersim.experiments import analysis, figures, stats
from quartiersim.experiments.analysis import ALL, Design, Point
from quartiersim.experiments.scenarios import DENSITY
from quartiersim.experiments.storage import ResultStore

DEFAULT_OUTCOMES = analysis.DEFAULT_OUTCOMES
DEFAULT_BASELINES = analysis.DEFAULT_BASELINES

FILES = {
    "report.md": "the report",
    "conditions.csv": "per outcome, point, stratum and condition: n, mean, sd, interval",
    "comparisons.csv": "every comparison with a baseline: difference, g, intervals, p, Holm",
    "outcomes.parquet": "every run's value of every outcome at every point (tidy, long)",
    "seeds.csv": "every run's labels, replication and seed",
    "model.csv": "the interaction model: ANOVA terms and coefficients with intervals",
    "scenarios.csv": "scenario discovery: the PRIM boxes and feature scores",
}


def make_report(
    results: Path | str,
    out: Path | str,
    *,
    outcomes: Sequence[str] | None = None,
    baselines: Sequence[Any] | None = None,
    group_by: str | None = None,
    test: str = "t",
    interval: str = "t",
    n_boot: int = 10_000,
    progress: bool | None = None,
) -> Path:
    """Write ``report.md``, its figures and tables for the results in ``results`` into ``out``;
    returns the path of ``report.md``.

    ``test``: ``t`` or ``rank`` (:data:`~quartiersim.experiments.stats.TESTS`); ``interval``:
    ``t`` or ``bca`` with ``n_boot`` resamples (tables and figures alike); ``progress`` shows a
    progress bar (default: when stderr is a terminal).
    """
    results, out = Path(results), Path(out)
    if test not in stats.TESTS:
        raise UsageError(f"--test {test!r}: expected one of {', '.join(stats.TESTS)}")
    if interval not in stats.INTERVALS:
        raise UsageError(f"--ci {interval!r}: expected one of {', '.join(stats.INTERVALS)}")
    if n_boot < 100:
        raise UsageError(f"--bootstrap {n_boot}: use at least 100 resamples")
    store = ResultStore(results)
    manifest = store.manifest()
    if manifest.get("definition", {}).get("kind") == "optimise":
        raise UsageError(
            f"{results} holds the runs of an optimisation; its front is in "
            f"{results.parent / 'optimise.md'} (and front.csv, trials.csv)"
        )
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
    data = store.read()
    exp = manifest.get("experiment", {})
    labels = [c for c in exp.get("label_columns", []) if c in data.columns]
    d = analysis.design(manifest, data, group_by=group_by, baselines=baselines, outcomes=outcomes)
    if d.factor == ALL:
        labels.append(ALL)
    runs, values, points = analysis.run_values(data, d.outcomes, labels)
    indexed = runs.set_index("run_id")
    by_run = analysis.by_run(values)
    seed = int(exp.get("seed", 0))
    conditions = analysis.condition_table(
        indexed, by_run, d, points, interval=interval, n_boot=n_boot, seed=seed
    )
    comparisons = analysis.comparison_table(
        indexed, by_run, d, points, test=test, interval=interval, n_boot=n_boot, seed=seed
    )

    out.mkdir(parents=True, exist_ok=True)
    sections = []
    models, discoveries = [], []
    bar = tqdm(
        d.outcomes,
        desc="report",
        unit="outcome",
        file=sys.stderr,
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
    )
    for o in bar:
        ts, oc = f"timeseries_{o}.png", f"outcomes_{o}.png"
        figures.timeseries(data, runs, d, o, out / ts)
        figures.outcomes(conditions, indexed, by_run, d, o, points, out / oc, interval)
        fits = _models(indexed, by_run, d, o, points)
        models += [(o, pt, fit) for pt, fit in fits]
        found = _discoveries(indexed, by_run, d, o, points, seed)
        if found:
            sc = f"scenarios_{o}.png"
            figures.scenarios(found, o, out / sc)
        else:
            sc = None
        discoveries += [(o, x) for x in found]
        sections.append(
            _outcome_section(o, d, points, conditions, comparisons, (ts, oc, sc), fits, found)
        )
    bar.close()

    public = [c for c in labels if c != ALL]
    conditions.rename(columns={ALL: "runs"}).to_csv(out / "conditions.csv", index=False)
    comparisons.to_csv(out / "comparisons.csv", index=False)
    analysis.tidy(runs, values, public).to_parquet(out / "outcomes.parquet", index=False)
    runs[["run_id", *public, "replication", "seed"]].to_csv(out / "seeds.csv", index=False)
    if models:
        _model_frame(models).to_csv(out / "model.csv", index=False)
    if discoveries:
        _discovery_frame(discoveries, d).to_csv(out / "scenarios.csv", index=False)

    text = _markdown(
        manifest,
        results,
        data,
        runs,
        d,
        points,
        comparisons,
        test,
        interval,
        n_boot,
        sections,
        bool(models),
        bool(discoveries),
    )
    path = out / "report.md"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Models and scenario discovery per outcome
# ---------------------------------------------------------------------------------------------


def _model_input(
    runs: pd.DataFrame, by_run: pd.DataFrame, d: Design, o: str, pt: Point
) -> pd.DataFrame:
    cols = list(dict.fromkeys([d.factor, *d.strata, *d.ranges, "seed"]))
    frame = runs[cols].copy()
    frame["value"] = by_run[(o, pt.key)].reindex(runs.index).to_numpy()
    return frame.reset_index(drop=True)


def _models(
    runs: pd.DataFrame, by_run: pd.DataFrame, d: Design, o: str, points: Sequence[Point]
) -> list[tuple[Point, Any]]:
    from quartiersim.experiments import factorial

    if len(factorial.factors(d)) < 2:
        return []
    out = []
    for pt in points:
        if (o, pt.key) not in by_run:
            continue
        fit = factorial.fit(_model_input(runs, by_run, d, o, pt), d)
        if fit is not None:
            out.append((pt, fit))
    return out


def _discoveries(
    runs: pd.DataFrame,
    by_run: pd.DataFrame,
    d: Design,
    o: str,
    points: Sequence[Point],
    seed: int,
) -> list[Any]:
    """PRIM and feature scores for every condition against the first baseline, at the last
    point after the exit (what lasts), in each stratum of categorical factors."""
    if not d.ranges or not d.baselines or d.sample is None:
        return []
    from quartiersim.experiments import scenarios

    pt = points[-1] if len(points) < 3 else points[1]
    if (o, pt.key) not in by_run:
        return []
    inputs = list(d.ranges) + [s for s in d.strata if analysis.is_numeric(s)]
    categorical = [s for s in d.strata if not analysis.is_numeric(s)]
    ranges = {r: tuple(d.sample["ranges"][r]) for r in d.ranges}
    for s in inputs[len(d.ranges) :]:
        ranges[s] = (min(d.levels[s]), max(d.levels[s]))
    col = by_run[(o, pt.key)]
    baseline = d.baselines[0]
    out = []
    keys = (
        [()]
        if not categorical
        else sorted(set(runs[categorical].itertuples(index=False, name=None)))
    )
    for key in keys:
        mask = np.ones(len(runs), dtype=bool)
        for s, v in zip(categorical, key, strict=True):
            mask &= (runs[s] == v).to_numpy()
        sub = runs[mask]
        for g in d.groups:
            if g == baseline:
                continue
            table = scenarios.scenario_differences(
                sub, col, d.factor, g, baseline, inputs, d.paired
            )
            if table.empty:
                continue
            found = scenarios.discover(table, inputs, g, baseline, ranges, seed=seed)
            found.stratum = dict(zip(categorical, key, strict=True))
            found.point = pt
            out.append(found)
    return out


def _model_frame(models: list) -> pd.DataFrame:
    rows = []
    for o, pt, fit in models:
        for _, r in fit.anova.iterrows():
            rows.append({"outcome": o, "point": pt.key, "kind": "anova", **r.to_dict()})
        for _, r in fit.coefficients.iterrows():
            rows.append({"outcome": o, "point": pt.key, "kind": "coefficient", **r.to_dict()})
    return pd.DataFrame(rows)


def _discovery_frame(discoveries: list, d: Design) -> pd.DataFrame:
    rows = []
    for o, x in discoveries:
        base = {
            "outcome": o,
            "point": x.point.key,
            **x.stratum,
            d.factor: x.condition,
            "baseline": x.baseline,
            "scenarios": len(x.scenarios),
            "wins": x.wins,
        }
        if x.box is not None:
            for name, (lo, hi) in x.box.limits.items():
                rows.append(
                    {
                        **base,
                        "kind": "box",
                        "parameter": name,
                        "low": lo,
                        "high": hi,
                        "quasi_p": x.box.quasi_p[name],
                        "coverage": x.box.coverage,
                        "density": x.box.density,
                        "mass": x.box.mass,
                    }
                )
        for name, score in x.scores.items():
            rows.append({**base, "kind": "feature_score", "parameter": name, "score": score})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float) and math.isinf(x):
        return "+∞" if x > 0 else "−∞"
    return f"{x:.{digits}f}"


def _signed(x: float, digits: int = 3) -> str:
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "+∞" if x > 0 else "−∞"
    return f"{x:+.{digits}f}"


def _p(x: float) -> str:
    if math.isnan(x):
        return "–"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def _ci(lo: float, hi: float, digits: int = 3) -> str:
    if math.isnan(lo) or math.isnan(hi):
        return "no interval"
    return f"[{_num(lo, digits)}, {_num(hi, digits)}]"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    return figures.fmt_level(v)


def _condition_rows(table: pd.DataFrame, d: Design, o: str, points: Sequence[Point]) -> str:
    titles = {p.key: p.short for p in points}
    head = ["when", *d.strata, d.label, "n", "mean", "95% CI"]
    rows = []
    sub = table[table["outcome"] == o] if not table.empty else table
    notes = False
    for _, r in sub.iterrows():
        ci = _ci(r["ci_low"], r["ci_high"])
        if not math.isfinite(r["ci_low"]) and r["note"]:
            ci = f"– (n < {stats.MIN_N})"
            notes = True
        elif r["note"]:
            ci += " ¹"
        rows.append(
            [
                titles[r["point"]],
                *[_fmt(r[s]) for s in d.strata],
                _fmt(r[d.factor]),
                str(int(r["n"])),
                _num(r["mean"]),
                ci,
            ]
        )
    text = _table(head, rows)
    if notes:
        text += (
            f"\n\n– (n < {stats.MIN_N}): fewer than {stats.MIN_N} runs; no interval is given "
            "because its coverage cannot be trusted with so few (see Methods)."
        )
    if (sub["note"].str.contains("BCa needs", regex=False)).any() if not sub.empty else False:
        text += f"\n\n¹ t interval: the BCa bootstrap needs at least {stats.MIN_N_BCA} runs."
    return text


def _comparison_rows(table: pd.DataFrame, d: Design, o: str, points: Sequence[Point]) -> str:
    sub = table[table["outcome"] == o] if not table.empty else table
    if sub.empty:
        return ""
    titles = {p.key: p.short for p in points}
    m = int(sub["family_size"].iloc[0])
    head = [
        "when",
        *d.strata,
        "comparison",
        "n" + (" pairs" if d.paired else ""),
        "difference [95% CI]",
        "g [95% CI]",
        f"p (Holm, m = {m})",
    ]
    rows = []
    notes: dict[str, int] = {}
    for _, r in sub.iterrows():
        mark = ""
        if r["note"]:
            notes.setdefault(r["note"], len(notes) + 1)
            mark = f" ⁽{notes[r['note']]}⁾"
        diff = _signed(r["difference"])
        if math.isfinite(r["diff_low"]):
            diff += f" [{_signed(r['diff_low'])}, {_signed(r['diff_high'])}]"
        g = _signed(r["g"], 2)
        if math.isfinite(r["g_low"]):
            g += f" [{_signed(r['g_low'], 2)}, {_signed(r['g_high'], 2)}]"
        rows.append(
            [
                titles[r["point"]],
                *[_fmt(r[s]) for s in d.strata],
                f"{_fmt(r[d.factor])} vs {_fmt(r['baseline'])}{mark}",
                str(int(r["n"])),
                diff,
                g,
                f"{_p(r['p_holm'])} (raw {_p(r['p'])})",
            ]
        )
    text = _table(head, rows)
    for note, k in notes.items():
        text += f"\n\n⁽{k}⁾ {note}."
    return text


def _model_text(fits: list) -> str:
    parts = []
    for pt, fit in fits:
        rows = [
            [f"`{r['term']}`", f"{r['df']:g}", _num(r["F"], 2), _p(r["p"]), _num(r["partial_eta2"])]
            for _, r in fit.anova.iterrows()
        ]
        inter = fit.coefficients[fit.coefficients["term"].str.contains(":", regex=False)]
        coef_rows = [
            [
                f"`{r['term']}`",
                _signed(r["estimate"], 4),
                _ci(r["ci_low"], r["ci_high"], 4),
                _p(r["p"]),
            ]
            for _, r in inter.iterrows()
        ]
        text = (
            f"**Interaction model, {pt.short}** (`{fit.formula}`; {fit.n} runs, R² = "
            f"{fit.r2:.2f}):\n\n" + _table(["term", "df", "F", "p", "partial η²"], rows)
        )
        if coef_rows:
            text += "\n\nInteraction coefficients (how much the slope or difference changes):\n\n"
            text += _table(["term", "estimate", "95% CI", "p"], coef_rows)
        if fit.left_out:
            text += (
                f"\n\nLeft out of the model: {', '.join(fit.left_out)} — not run across the "
                "whole design (excluded combinations), so its interactions cannot be estimated."
            )
        parts.append(text)
    return "\n\n".join(parts)


def _discovery_text(found: list, d: Design, image: str | None) -> str:
    parts = []
    if image:
        parts.append(f"![where the conditions win]({image})")
    for x in found:
        where = ", ".join(f"{k}={_fmt(v)}" for k, v in x.stratum.items())
        head = (
            f"**Where `{_fmt(x.condition)}` beats `{_fmt(x.baseline)}`** "
            f"({x.point.short}{', ' + where if where else ''}): wins in {x.wins} of "
            f"{len(x.scenarios)} scenarios."
        )
        text = head
        if x.box is not None:
            rows = [
                [
                    f"`{name}`",
                    f"{_num(lo)} – {_num(hi)}",
                    f"{_num(x.ranges[name][0])} – {_num(x.ranges[name][1])}",
                    _p(x.box.quasi_p[name]),
                ]
                for name, (lo, hi) in x.box.limits.items()
            ]
            text += (
                f" PRIM box: coverage {x.box.coverage:.0%} (of all wins), density "
                f"{x.box.density:.0%} (wins inside the box), {x.box.n} scenarios.\n\n"
                + _table(["parameter", "box", "sampled range", "quasi-p"], rows)
            )
        elif x.note:
            text += f" No PRIM box: {x.note}."
        if len(x.scores):
            text += "\n\nFeature scores (extra trees, share of the explained difference): " + (
                ", ".join(f"`{k}` {v:.2f}" for k, v in x.scores.items())
            )
        parts.append(text)
    return "\n\n".join(parts)


def _outcome_section(
    o: str,
    d: Design,
    points: Sequence[Point],
    conditions: pd.DataFrame,
    comparisons: pd.DataFrame,
    images: tuple[str, str, str | None],
    fits: list,
    found: list,
) -> str:
    ts, oc, sc = images
    lines = [
        f"## {o}",
        "",
        analysis.measure_meaning(o),
        "",
        f"![{o} over time]({ts})",
        "",
        f"![{o} per condition]({oc})",
        "",
        "### Conditions",
        "",
        _condition_rows(conditions, d, o, points),
    ]
    text = _comparison_rows(comparisons, d, o, points)
    if text:
        lines += ["", "### Comparisons", "", text]
    if fits:
        lines += ["", "### Interaction model", "", _model_text(fits)]
    if found:
        lines += ["", "### Scenario discovery", "", _discovery_text(found, d, sc)]
    return "\n".join(lines)


def _design_text(exp: dict[str, Any], d: Design) -> str:
    varied = []
    if exp.get("variants"):
        varied.append(f"variant ({len(exp['variants'])}: {', '.join(exp['variants'])})")
    for name in exp.get("sweep", {}):
        levels = d.levels.get(name, [])
        varied.append(f"{name} ({len(levels)}: {', '.join(_fmt(v) for v in levels)})")
    if not varied:
        text = "a single condition"
    elif len(varied) == 1:
        text = "one factor, " + varied[0]
    else:
        text = "a full factorial of " + " × ".join(varied)
    if d.excluded:
        text += ", less the combinations excluded by `[[exclude]]` (" + "; ".join(d.excluded) + ")"
    if d.sample:
        method = d.sample["method"].replace("_", " ")
        ranges = ", ".join(f"{k} in [{lo:g}, {hi:g}]" for k, (lo, hi) in d.sample["ranges"].items())
        text += (
            f", crossed with {d.sample['points']} parameter sets drawn by {method} sampling "
            f"({ranges})"
        )
    return text


def _markdown(
    manifest: dict[str, Any],
    results: Path,
    data: pd.DataFrame,
    runs: pd.DataFrame,
    d: Design,
    points: Sequence[Point],
    comparisons: pd.DataFrame,
    test: str,
    interval: str,
    n_boot: int,
    sections: list[str],
    with_models: bool,
    with_discovery: bool,
) -> str:
    exp = manifest.get("experiment", {})
    versions = manifest.get("versions", {})
    per_condition = runs.groupby([*d.strata, d.factor], sort=False).size()
    reps = sorted(runs["replication"].unique())
    planned = exp.get("replications", len(reps))
    lines = [f"# Report: {exp.get('name', results.name)}", ""]
    if exp.get("description"):
        lines += [exp["description"].strip(), ""]
    n_text = (
        f"{per_condition.min()}–{per_condition.max()} per condition"
        if per_condition.min() != per_condition.max()
        else f"{per_condition.min()} per condition"
    )
    lines += [
        "## Data",
        "",
        f"- Results: `{results}` ({len(runs)} runs, {len(data)} rows; read them with "
        f'`pandas.read_parquet("{results}")`).',
        f"- Model: quartiersim {versions.get('quartiersim', '?')}, {exp.get('steps', '?')} "
        "weeks per run.",
        f"- Design: {_design_text(exp, d)}.",
        f"- Compared: **{d.label}** ({', '.join(_fmt(g) for g in d.groups)})"
        + (f", within each {', '.join(d.strata)}" if d.strata else "")
        + (f"; baselines {', '.join(_fmt(b) for b in d.baselines)}" if d.baselines else "")
        + ".",
        f"- Replications: {n_text} (replication numbers {reps[0]}–{reps[-1]}; {planned} planned).",
        f"- Seeds: experiment seed {exp.get('seed', '?')}; "
        + (
            "every condition of a replication shares its seed (common random numbers); "
            if exp.get("common_seeds")
            else "every run has a seed of its own; "
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
        _methods(d, points, comparisons, test, interval, n_boot, with_models, with_discovery),
    ]
    lines += [
        "",
        "Files: "
        + ", ".join(
            f"[`{f}`]({f}) ({what})"
            for f, what in FILES.items()
            if f != "report.md"
            and (f != "model.csv" or with_models)
            and (f != "scenarios.csv" or with_discovery)
        )
        + ".",
    ]
    for section in sections:
        lines += ["", section]
    return "\n".join(lines) + "\n"


def _methods(
    d: Design,
    points: Sequence[Point],
    comparisons: pd.DataFrame,
    test: str,
    interval: str,
    n_boot: int,
    with_models: bool,
    with_discovery: bool,
) -> str:
    text = (
        "Each run is reduced to its value " + _and([p.title for p in points]) + "; the exit is "
        "the last week in which the project ran. "
    )
    if interval == "t":
        text += "Per condition: the mean and its t-based 95% confidence interval. "
    else:
        text += (
            f"Per condition: the mean and its BCa bootstrap 95% confidence interval ({n_boot} "
            f"resamples, seeded; the t interval below {stats.MIN_N_BCA} runs, where the "
            "bootstrap undercovers). "
        )
    text += (
        f"No interval is given for fewer than {stats.MIN_N} runs (its coverage would rest on "
        "an assumption of normality the runs cannot show); intervals are clipped to the range "
        "a measure can take. "
    )
    if d.baselines:
        if d.paired:
            text += (
                "The design is **paired**: the experiment used common seeds, so the runs of one "
                "replication share their quarter across conditions, and every comparison uses "
                "the per-seed differences — the mean difference with the t interval of the "
                "differences, and the "
                + ("paired t-test" if test == "t" else "Wilcoxon signed-rank test")
                + ". "
            )
        else:
            text += (
                "The design is **independent**: every run has a seed of its own (no common "
                "seeds), so the conditions are compared as independent samples — the mean "
                "difference with Welch's interval, and "
                + ("Welch's t-test" if test == "t" else "the Mann–Whitney U test")
                + ". "
            )
        text += (
            "Hedges' g standardises the difference by the pooled spread between quarters "
            "(positive: higher than the baseline); its 95% interval is the noncentral-t "
            "interval of the population effect"
            + (" (Algina & Keselman 2003 for paired arms)" if d.paired else "")
            + ". p-values are Holm-adjusted within each outcome over all its comparisons "
            "(every point, stratum and pair of conditions): "
        )
        sizes = (
            comparisons.groupby("outcome", sort=False)["family_size"].first()
            if not comparisons.empty
            else pd.Series(dtype=int)
        )
        text += _and([f"`{o}` {int(m)}" for o, m in sizes.items()]) + " comparisons. "
    if with_models:
        text += (
            "Factorial designs get an interaction model per outcome and point: ordinary least "
            "squares with the compared factor, every other varied factor (numbers as numbers: a "
            "linear dose–response; others as categories against the baseline) and their "
            "interactions with the compared factor"
            + (", blocked by seed (common seeds)" if d.paired else "")
            + "; type II ANOVA and coefficients with 95% intervals (statsmodels). "
        )
    if with_discovery:
        text += (
            "Scenario discovery over the sampled parameters: for each condition against the "
            "first baseline, a scenario is a win where its mean is higher; PRIM finds the box "
            f"of parameter ranges with the most wins at a density of at least {DENSITY:.0%} "
            "(quasi-p "
            "values test each restriction), and extra-trees feature scores rank the parameters "
            "by how much of the difference they explain (EMA Workbench). "
        )
    return text.strip()
