"""From a results folder to the report's numbers: the design, each run's values at the moments
that matter, and the tables per condition and per comparison. No text, no figures (those are
:mod:`.report` and :mod:`.figures`).

- :func:`design` — what was compared (the *factor*: strategy, variant or a swept parameter), its
  levels in order (numbers as numbers), the baselines, the *strata* (the other swept factors,
  compared within), the sampled ranges, and whether the design is *paired* (common seeds);
- :func:`run_values` — every run reduced to its value of each outcome at the project's end, two
  years after the exit and the run's end: a tidy long table (``measure``, ``point``, ``week``,
  ``value``);
- :func:`condition_table`, :func:`comparison_table` — the statistics of :mod:`.stats` for every
  outcome, point, stratum and condition, and for every comparison with a baseline, with Holm's
  adjustment over each outcome's family of comparisons.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.errors import UsageError
from quartiersim.experiments import stats
from quartiersim.experiments.designs import DESIGN_POINT
from quartiersim.experiments.experiment import match_level
from quartiersim.experiments.identity import AFTER_EXIT_WEEKS, column_value, derive_seed
from quartiersim.measures import MEASURES
from quartiersim.parameters import PARAMETERS

DEFAULT_OUTCOMES = (
    "social_capital",
    "political_influence",
    "helplessness",
    "participation",
    "withdrawn_share",
    "activated_resources",
)
DEFAULT_BASELINES = ("none", "top_down")
ALL = "_all"
"""The factor's name when nothing was varied: every run in one group."""


# ---------------------------------------------------------------------------------------------
# Measures: meaning and range, read through the public table
# ---------------------------------------------------------------------------------------------


def measure_meaning(name: str) -> str:
    """The measure's meaning: the text of :data:`quartiersim.MEASURES` (or its ``meaning``)."""
    entry = MEASURES.get(name)
    if entry is None:
        return ""
    return entry if isinstance(entry, str) else str(getattr(entry, "meaning", ""))


def measure_bounds(name: str) -> tuple[float | None, float | None] | None:
    """The range a measure can take, ``(low, high)`` with None for an open end, from its
    declaration in :data:`quartiersim.MEASURES` (``low``/``high``); None where the declaration
    gives no range (then intervals are not clipped)."""
    entry = MEASURES.get(name)
    low, high = getattr(entry, "low", None), getattr(entry, "high", None)
    if low is None and high is None:
        return None
    return (low, high)


# ---------------------------------------------------------------------------------------------
# The design
# ---------------------------------------------------------------------------------------------


def is_numeric(name: str) -> bool:
    """Whether a factor's levels are numbers (an int or float parameter)."""
    return name in PARAMETERS and PARAMETERS[name].kind in (int, float)


@dataclass(frozen=True)
class Point:
    """A moment of each run the report compares: its key, its title and a short name."""

    key: str
    title: str
    short: str


@dataclass
class Design:
    """What was varied and how the report compares it."""

    factor: str
    groups: list[Any]
    baselines: list[Any]
    strata: list[str]
    levels: dict[str, list[Any]]
    outcomes: list[str]
    paired: bool
    pair_on: list[str]
    ranges: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    sample: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return "all runs" if self.factor == ALL else self.factor

    def strata_keys(self, frame: pd.DataFrame) -> list[tuple[Any, ...]]:
        """The combinations of the strata present in ``frame``, in the levels' order."""
        if not self.strata:
            return [()]
        present = set(frame[self.strata].itertuples(index=False, name=None))
        return [
            k for k in itertools.product(*(self.levels[s] for s in self.strata)) if k in present
        ]

    def stratum(self, frame: pd.DataFrame, key: Sequence[Any]) -> pd.DataFrame:
        mask = np.ones(len(frame), dtype=bool)
        for s, v in zip(self.strata, key, strict=True):
            mask &= (frame[s] == v).to_numpy()
        return frame[mask]

    def pairs(self) -> list[tuple[Any, Any]]:
        """(condition, baseline) for every comparison, each unordered pair once."""
        out = []
        for j, b in enumerate(self.baselines):
            for g in self.groups:
                if g == b or (g in self.baselines and self.baselines.index(g) < j):
                    continue
                out.append((g, b))
        return out


def _from_json(name: str, value: Any) -> Any:
    """A parameter value as stored in the manifest (JSON), as its result column shows it."""
    if PARAMETERS[name].kind is tuple:
        value = tuple(tuple(v) for v in value)
    return column_value(name, PARAMETERS[name].check(value))


def _levels(exp: dict[str, Any], name: str, present: Sequence[Any]) -> list[Any]:
    """The levels of a factor in order: numbers ascending, variants and other values in the
    order the experiment file declares them (only those present)."""
    present = list(dict.fromkeys(present))
    if is_numeric(name):
        return sorted(present)
    if name == "variant":
        declared = list(exp.get("variants", {}))
    elif name in exp.get("sweep", {}):
        declared = [_from_json(name, v) for v in exp["sweep"][name]]
    else:
        declared = []
    ordered = [g for g in declared if g in set(present)]
    return ordered + [g for g in present if g not in ordered]


def design(
    manifest: dict[str, Any],
    data: pd.DataFrame,
    *,
    group_by: str | None = None,
    baselines: Sequence[Any] | None = None,
    outcomes: Sequence[str] | None = None,
) -> Design:
    """Work out what to compare, from the options, else the experiment's [report] section,
    else the defaults. Unknown names are a :class:`UsageError`."""
    exp = manifest.get("experiment", {})
    wanted = exp.get("report", {})
    factors = (["variant"] if exp.get("variants") else []) + list(exp.get("sweep", {}))
    sample = exp.get("sample") or None
    ranges = list((sample or {}).get("ranges", {}))
    factor = group_by or wanted.get("group_by")
    if factor is None:
        factor = next(
            (f for f in ("variant", "strategy") if f in factors), factors[0] if factors else None
        )
    if factor is not None and factor not in factors:
        raise UsageError(
            f"--group-by {factor!r}: not varied in this experiment; expected one of "
            f"{', '.join(factors) or '(nothing is varied)'}"
            + (" (sampled parameters are analysed in the scenario discovery)" if ranges else "")
        )
    if factor is None:
        factor = ALL
        data[ALL] = "all runs"
    strata = [f for f in factors if f != factor]
    levels = {f: _levels(exp, f, data[f].tolist()) for f in [factor, *strata]}
    groups = levels[factor]

    chosen: list[Any] = []
    for b in baselines or wanted.get("baselines") or []:
        level = match_level(b, groups)
        if level is None:
            raise UsageError(
                f"baseline {b!r} is not a {factor} of these results; expected one of "
                f"{', '.join(map(str, groups))}"
            )
        chosen.append(level)
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
    # A pair is two runs on the same quarter: the same seed, in the same stratum and (sampled
    # designs) at the same point. Labels that come with the compared condition (the strategy
    # a variant sets, its role mix) must not be asked to match.
    pair_on = ["seed", *strata] + ([DESIGN_POINT] if DESIGN_POINT in data.columns else [])
    excluded = []
    for x in exp.get("exclude") or []:
        excluded.append(
            " and ".join(f"{k} in {v}" if len(v) > 1 else f"{k} = {v[0]}" for k, v in x.items())
        )
    return Design(
        factor=factor,
        groups=groups,
        baselines=chosen,
        strata=strata,
        levels=levels,
        outcomes=picked,
        paired=bool(exp.get("common_seeds")),
        pair_on=pair_on,
        ranges=[r for r in ranges if r in data.columns],
        excluded=excluded,
        sample=sample,
    )


# ---------------------------------------------------------------------------------------------
# Each run's values at the points
# ---------------------------------------------------------------------------------------------


def _weeks(values: pd.Series) -> str:
    v = sorted({int(x) for x in values.dropna()})
    if not v:
        return "–"
    return str(v[0]) if len(v) == 1 else f"{v[0]}–{v[-1]}"


def run_values(
    data: pd.DataFrame, outcomes: Sequence[str], labels: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[Point]]:
    """Every run at the moments the report compares.

    Returns ``runs`` (one row per run: ``run_id``, ``replication``, ``seed``, the labels,
    ``exit_week`` — an integer, missing when the project never ended — and the week of each
    point), ``values`` (tidy: one row per run, point and outcome, with ``week`` and
    ``value``) and the points. The exit is the last recorded week in which the project ran
    (``project_running``). Points: the project's end, two years after the exit (or the run's
    end, if sooner), and the run's end when that is later still; a run whose project never
    ended is taken at its end.
    """
    rows, long = [], []
    for run_id, run in data.groupby("run_id", sort=True):
        run = run.sort_values("step")
        steps = run["step"].to_numpy()
        running = run["project_running"].to_numpy() if "project_running" in run else None
        last = int(steps[-1])
        exit_week: int | None = None
        if running is not None and (running == 0).any() and (running == 1).any():
            exit_week = int(steps[running == 1].max())
        weeks: dict[str, int | None] = {
            "end": exit_week if exit_week is not None else last,
            "after": min(exit_week + AFTER_EXIT_WEEKS, last) if exit_week is not None else None,
            "final": last,
        }
        row: dict[str, Any] = {
            "run_id": run_id,
            "replication": int(run["replication"].iloc[0]),
            "seed": int(run["seed"].iloc[0]),
        }
        row |= {c: run[c].iloc[0] for c in labels}
        row["exit_week"] = exit_week
        for key, week in weeks.items():
            row[f"week_{key}"] = week
            if week is None:
                continue
            i = int(np.searchsorted(steps, week, side="right")) - 1
            for o in outcomes:
                long.append((run_id, key, int(steps[i]), o, float(run[o].iloc[i])))
        rows.append(row)
    runs = pd.DataFrame(rows)
    for c in ("exit_week", "week_end", "week_after", "week_final"):
        runs[c] = runs[c].astype("Int64")
    values = pd.DataFrame(long, columns=["run_id", "point", "week", "measure", "value"])

    exits = runs["exit_week"].dropna()
    out: list[Point] = []
    if exits.empty:
        out.append(
            Point(
                "final",
                f"end of the run (week {_weeks(runs['week_final'])}); "
                "the project did not end within the run",
                "end of run",
            )
        )
    else:
        out.append(
            Point("end", f"at the project's end (week {_weeks(runs['week_end'])})", "project end")
        )
        after = runs["week_after"] - runs["exit_week"]
        if (after.dropna() >= AFTER_EXIT_WEEKS).all():
            title, short = (
                f"two years after the exit (week {_weeks(runs['week_after'])})",
                "2 years after exit",
            )
        else:
            title = (
                f"after the exit: two years later or at the run's end, if sooner "
                f"(week {_weeks(runs['week_after'])})"
            )
            short = "after exit"
        if (after.dropna() > 0).any():
            out.append(Point("after", title, short))
        if (runs["week_final"] > runs["week_after"]).any():
            out.append(
                Point("final", f"end of the run (week {_weeks(runs['week_final'])})", "end of run")
            )
    keys = {p.key for p in out}
    values = values[values["point"].isin(keys)].reset_index(drop=True)
    return runs, values, out


def tidy(runs: pd.DataFrame, values: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """The long table of ``outcomes.parquet``: run identity, labels, exit week, point, week,
    measure, value."""
    head = ["run_id", "replication", "seed", *labels, "exit_week"]
    out = values.merge(runs[head], on="run_id", how="left")
    return out[[*head, "point", "week", "measure", "value"]]


def by_run(values: pd.DataFrame) -> pd.DataFrame:
    """The values as one row per run (index ``run_id``) and one column per (measure, point)."""
    return values.pivot_table(index="run_id", columns=["measure", "point"], values="value")


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def condition_table(
    runs: pd.DataFrame,
    values: pd.DataFrame,
    d: Design,
    points: Sequence[Point],
    *,
    interval: str = "t",
    n_boot: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Per outcome, point, stratum and condition: ``n``, ``mean``, ``sd`` and the interval
    (``ci_low``, ``ci_high``, clipped to the measure's range; none below
    :data:`~quartiersim.experiments.stats.MIN_N` runs, ``note`` says why).

    ``runs`` is indexed by ``run_id`` (see :func:`run_values`), ``values`` by :func:`by_run`.
    """
    rows = []
    for o in d.outcomes:
        bounds = measure_bounds(o)
        for pt in points:
            if (o, pt.key) not in values:
                continue
            col = values[(o, pt.key)]
            for key in d.strata_keys(runs):
                sub = d.stratum(runs, key)
                for g in d.groups:
                    x = col.reindex(sub.index[sub[d.factor] == g]).dropna().to_numpy()
                    if len(x) == 0:
                        continue
                    est = stats.mean_ci(
                        x,
                        method=interval,
                        n_boot=n_boot,
                        seed=derive_seed(
                            seed, ["interval", o, pt.key, list(map(str, key)), str(g)]
                        ),
                        bounds=bounds,
                    )
                    rows.append(
                        {
                            "outcome": o,
                            "point": pt.key,
                            **dict(zip(d.strata, key, strict=True)),
                            d.factor: g,
                            "n": est.n,
                            "mean": est.mean,
                            "sd": float(x.std(ddof=1)) if len(x) > 1 else math.nan,
                            "ci_low": est.low,
                            "ci_high": est.high,
                            "interval": est.method if est.has_interval else "",
                            "note": est.note,
                        }
                    )
    return pd.DataFrame(rows)


def comparison_table(
    runs: pd.DataFrame,
    values: pd.DataFrame,
    d: Design,
    points: Sequence[Point],
    *,
    test: str = "t",
    interval: str = "t",
    n_boot: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Every condition against every baseline, per outcome, point and stratum.

    Paired designs (common seeds) pair the runs of the same seed (and, in sampled designs, the
    same point); independent designs compare the two arms as samples. Columns: ``design``,
    ``n`` (pairs, or the smaller arm), ``difference`` with ``diff_low``/``diff_high``, Hedges'
    ``g`` with ``g_low``/``g_high``, ``test``, ``p`` and ``p_holm`` — Holm-adjusted over all
    comparisons of the same outcome (every point, stratum and pair of conditions; the family's
    size is ``family_size``) — and a ``note``.
    """
    if test not in stats.TESTS:
        raise UsageError(f"--test {test!r}: expected one of {', '.join(stats.TESTS)}")
    rows = []
    for o in d.outcomes:
        for pt in points:
            if (o, pt.key) not in values:
                continue
            col = values[(o, pt.key)]
            for key in d.strata_keys(runs):
                sub = d.stratum(runs, key)
                for g, b in d.pairs():
                    a_rows, b_rows = sub[sub[d.factor] == g], sub[sub[d.factor] == b]
                    if a_rows.empty or b_rows.empty:
                        continue
                    note = ""
                    if d.paired:
                        xa = _keyed(col, a_rows, d.pair_on)
                        xb = _keyed(col, b_rows, d.pair_on)
                        common = xa.index.intersection(xb.index)
                        dropped = len(xa) + len(xb) - 2 * len(common)
                        if dropped:
                            note = f"{dropped} runs without a partner of the same seed left out"
                        x, y = xa.loc[common].to_numpy(), xb.loc[common].to_numpy()
                    else:
                        x = col.reindex(a_rows.index).to_numpy()
                        y = col.reindex(b_rows.index).to_numpy()
                    c = stats.compare(
                        x,
                        y,
                        paired=d.paired,
                        test=test,
                        method=interval,
                        n_boot=n_boot,
                        seed=derive_seed(
                            seed, ["difference", o, pt.key, list(map(str, key)), str(g), str(b)]
                        ),
                    )
                    notes = [n for n in (note, c.diff.note, c.effect_note) if n]
                    rows.append(
                        {
                            "outcome": o,
                            "point": pt.key,
                            **dict(zip(d.strata, key, strict=True)),
                            d.factor: g,
                            "baseline": b,
                            "design": "paired" if d.paired else "independent",
                            "n": c.diff.n,
                            "difference": c.diff.mean,
                            "diff_low": c.diff.low,
                            "diff_high": c.diff.high,
                            "g": c.effect,
                            "g_low": c.effect_low,
                            "g_high": c.effect_high,
                            "test": _test_name(test, d.paired),
                            "p": c.p,
                            "note": "; ".join(dict.fromkeys(notes)),
                        }
                    )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["p_holm"] = math.nan
    out["family_size"] = 0
    for _, block in out.groupby("outcome", sort=False):
        p = block["p"].to_numpy(dtype=float)
        out.loc[block.index, "p_holm"] = stats.holm(p)
        out.loc[block.index, "family_size"] = int(np.isfinite(p).sum())
    order = [c for c in out.columns if c not in ("note",)] + ["note"]
    return out[order]


def _keyed(col: pd.Series, rows: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """The values of ``rows`` indexed by what pairs them (the seed and the other labels)."""
    return pd.Series(
        col.reindex(rows.index).to_numpy(), index=pd.MultiIndex.from_frame(rows[list(keys)])
    )


def _test_name(test: str, paired: bool) -> str:
    return {
        ("t", True): "paired t",
        ("t", False): "Welch t",
        ("rank", True): "Wilcoxon signed-rank",
        ("rank", False): "Mann-Whitney U",
    }[(test, paired)]
