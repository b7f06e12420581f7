"""Claims as regions: the theory's strategy contrasts evaluated over many parameter points, not
one, and reported as the share of points where they hold.

A claims file is an experiment file with a ``[claims]`` section::

    [experiment]     name, seed, steps, replications (paired runs per point and strategy)
    [parameters]     fixed parameters (for every point and strategy)
    [claims]         contrasts = [["empowerment", "none"], ...], outcomes, weeks,
                     region = "data/calibration/region.csv", points (at most this many)
    [claims.grid]    name = [v1, v2, ...]  (instead of region: a phase diagram)

The points come from one of two places. ``region`` names a calibration's ``region.csv`` (the
not-implausible points of :mod:`.calibration`); at most ``points`` of them are used, spread
evenly over the file's rows, each with every calibrated value it lists. ``[claims.grid]`` is a
full grid over a few parameters instead, the rest at their defaults: a phase diagram, for when
no region exists or to see where a claim turns.

Every point runs under every strategy the contrasts name, ``replications`` times, on **paired
seeds**: the seed depends on the replication only, so a contrast compares two strategies on the
same quarters (the same layout, residents and draws until the strategies diverge), at every
point. A contrast *a - b* on an outcome at a week is, per point, the mean over replications of
the paired differences, with a t interval (95%). A point counts as **holding** the claim
"*a* does better than *b*" when that mean is above zero, as **clearly** holding when the whole
interval is, as clearly failing when the whole interval is below zero. The report says in what
share of the points each holds: "holds in X% of the plausible region".

The runs go into ``OUT/results`` like a sweep's (resumable, local processes or a Dask cluster,
provenance in the manifest); the table into ``OUT/claims.csv``, a summary into
``OUT/claims.md`` and the map into ``OUT/claims.png``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.experiments.executors import Executor, LocalExecutor
from quartiersim.experiments.experiment import (
    Condition,
    check_condition,
    parse_listed_head,
)
from quartiersim.experiments.identity import RunSpec, canonical, derive_seed, digest
from quartiersim.experiments.source import (
    Source,
    check_parameter,
    get_int,
    get_names,
)
from quartiersim.experiments.storage import ResultStore, write_text_atomic
from quartiersim.experiments.sweep import SweepOutcome, _log, run_listed
from quartiersim.measures import MEASURES
from quartiersim.parameters import DEFAULTS, PARAMETERS
from quartiersim.strategies import STRATEGIES

SECTIONS = {
    "experiment": "name, seed, steps, replications (paired runs per point and strategy)",
    "parameters": "fixed model parameters",
    "events": "scheduled events ([[events]] with week and event)",
    "claims": "contrasts, outcomes, weeks and where the points come from (region or grid)",
}
KEYS = {
    "contrasts": 'a list of strategy pairs [["empowerment", "none"], ...]: a - b',
    "outcomes": "a list of measure names",
    "weeks": "a list of weeks at which the contrasts are read",
    "region": "a calibration's region.csv (path relative to the working directory)",
    "points": "an integer >= 1: at most this many region points",
    "grid": "a table name = [values]: a phase diagram over these parameters",
}
QUICK = {"replications": 2, "steps": 12, "points": 2, "grid_values": 2}
"""``--quick``: two short paired runs at two points (or a 2 x 2 grid) on a small quarter."""
QUICK_QUARTER = {"n_residents": 150, "width": 20, "height": 20}
LEVEL = 0.95
"""The level of the t interval around a point's mean paired difference."""


@dataclass
class ClaimsPlan:
    """A checked claims file: its points, strategies, contrasts and what is read."""

    name: str
    seed: int
    steps: int
    replications: int
    parameters: dict[str, Any]
    contrasts: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...]
    weeks: tuple[int, ...]
    factors: tuple[str, ...]  # the parameters that differ between points
    values: list[dict[str, Any]]  # per point: its values of the factors
    labels: list[int]  # per point: its id (the region's point number, or the grid's cell)
    kind: str  # "region" or "grid"
    description: str = ""
    source_path: str | None = None
    source_text: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    conditions: dict[tuple[int, str], Condition] = field(default_factory=dict)

    @property
    def strategies(self) -> tuple[str, ...]:
        """The strategies the contrasts need, in the order they first appear."""
        return tuple(dict.fromkeys(s for pair in self.contrasts for s in pair))

    def check_points(self, src: Source) -> None:
        """Check every point under every strategy (a message naming the first bad one)."""
        for k, values in enumerate(self.values):
            for strategy in self.strategies:
                params = {**self.parameters, **values, "strategy": strategy}
                full = check_condition(src, params, f"point {self.labels[k]} ({strategy})")
                self.conditions[k, strategy] = Condition(None, params, full)

    def run_for(self, k: int, strategy: str, replication: int) -> RunSpec:
        cond = self.conditions[k, strategy]
        return RunSpec(
            run_id=f"{digest(cond.identity)[:12]}-r{replication:04d}",
            replication=replication,
            # Paired seeds: the same quarter for every strategy and point, so that a contrast
            # is a difference on the same draws, not of two samples.
            seed=derive_seed(self.seed, {"replication": replication}),
            params=dict(cond.params),
            columns={"strategy": strategy, "point": self.labels[k], **self.values[k]},
            steps=self.steps,
            record=tuple(sorted(set(self.weeks))),
            measures=self.outcomes,
        )

    def runs(self) -> list[RunSpec]:
        return [
            self.run_for(k, s, r)
            for r in range(self.replications)
            for k in range(len(self.values))
            for s in self.strategies
        ]

    def definition(self) -> dict[str, Any]:
        return canonical(
            {
                "kind": "claims",
                "seed": self.seed,
                "steps": self.steps,
                "replications": self.replications,
                "parameters": self.parameters,
                "points": self.values,
                "strategies": list(self.strategies),
                "weeks": list(self.weeks),
                "measures": list(self.outcomes),
                "defaults": DEFAULTS,
            }
        )

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "steps": self.steps,
            "replications": self.replications,
            "common_seeds": True,
            "parameters": canonical(self.parameters),
            "kind": self.kind,
            "factors": list(self.factors),
            "points": len(self.values),
            "contrasts": [list(c) for c in self.contrasts],
            "outcomes": list(self.outcomes),
            "weeks": list(self.weeks),
            "label_columns": ["strategy", "point", *self.factors],
        }


# ---------------------------------------------------------------------------------------------
# Reading a claims file
# ---------------------------------------------------------------------------------------------


def _contrasts(src: Source, table: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    value = table.get("contrasts")
    pairs = value if isinstance(value, list) else None
    if not pairs or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pairs
    ):
        raise src.error(
            "claims", "contrasts", f'expected a list of pairs [["a", "b"], ...], got {value!r}'
        )
    for a, b in pairs:
        for s in (a, b):
            if s not in STRATEGIES:
                raise src.error(
                    "claims",
                    "contrasts",
                    f"unknown strategy {s!r}; allowed: {', '.join(STRATEGIES)}",
                )
        if a == b:
            raise src.error("claims", "contrasts", f"a contrast of {a!r} with itself")
    return tuple((a, b) for a, b in pairs)


def _weeks(src: Source, table: Mapping[str, Any], steps: int) -> tuple[int, ...]:
    value = table.get("weeks")
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(w, int) and not isinstance(w, bool) for w in value)
    ):
        raise src.error("claims", "weeks", f"expected a non-empty list of weeks, got {value!r}")
    for w in value:
        if not 1 <= w <= steps:
            raise src.error("claims", "weeks", f"week {w} is outside the run (1-{steps})")
    return tuple(value)


def _region_points(
    src: Source, table: Mapping[str, Any], limit: int
) -> tuple[tuple[str, ...], list[dict[str, Any]], list[int]]:
    """At most ``limit`` rows of a calibration's region file, spread evenly over its rows (the
    design is a Latin hypercube, so its order carries no pattern), with the parameter values
    each lists."""
    path = Path(str(table["region"]))
    if not path.is_file():
        raise src.error("claims", "region", f"no region file {path}")
    region = pd.read_csv(path)
    factors = tuple(c for c in region.columns if c in PARAMETERS)
    if region.empty or not factors or "point" not in region.columns:
        raise src.error(
            "claims", "region", f"{path}: no not-implausible points with parameter columns"
        )
    take = np.unique(np.linspace(0, len(region) - 1, min(limit, len(region))).round().astype(int))
    rows = region.iloc[take]
    # column by column: a row of mixed columns would turn whole numbers into floats
    values = [
        {f: check_parameter(src, "claims", f, rows[f].iloc[i].item()) for f in factors}
        for i in range(len(rows))
    ]
    return factors, values, [int(p) for p in rows["point"]]


def _grid_points(
    src: Source, grid: Any, quick: bool
) -> tuple[tuple[str, ...], list[dict[str, Any]], list[int]]:
    if not isinstance(grid, dict) or not grid:
        raise src.error("claims", "grid", "expected a table [claims.grid] name = [values]")
    axes = {}
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise src.error("claims.grid", name, f"expected a non-empty list, got {values!r}")
        checked = [check_parameter(src, "claims.grid", name, v) for v in values]
        axes[name] = checked[: QUICK["grid_values"]] if quick else checked
    factors = tuple(axes)
    values = [dict(zip(factors, combo, strict=True)) for combo in itertools.product(*axes.values())]
    return factors, values, list(range(len(values)))


def parse_claims(
    src: Source,
    doc: dict[str, Any],
    *,
    seed: int | None = None,
    sets: Mapping[str, Any] | None = None,
    quick: bool = False,
) -> ClaimsPlan:
    """Check a parsed claims file completely and return the plan (its points checked).
    ``quick`` shrinks it to a few short runs on a small quarter (:data:`QUICK`)."""
    head, parameters, table = parse_listed_head(
        src,
        doc,
        "claims",
        sections=SECTIONS,
        keys=KEYS,
        strategies_from="the contrasts name the strategies",
        quick_quarter=QUICK_QUARTER if quick else None,
        sets=sets,
    )
    steps = QUICK["steps"] if quick else head["steps"]
    outcomes = get_names(src, "claims", table, "outcomes", MEASURES, "measure")
    if outcomes is None:
        raise src.error("claims", None, "missing required key 'outcomes'")
    if ("region" in table) == ("grid" in table):
        raise src.error("claims", None, "give either region (a region.csv) or [claims.grid]")
    if "grid" in table:
        if "points" in table:
            raise src.error("claims", "points", "points counts region points; a grid has its own")
        kind = "grid"
        factors, values, labels = _grid_points(src, table["grid"], quick)
    else:
        kind = "region"
        limit = get_int(src, "claims", table, "points", 24, low=1)
        factors, values, labels = _region_points(src, table, QUICK["points"] if quick else limit)
    clash = sorted(set(factors) & set(parameters))
    if clash:
        raise src.error("parameters", clash[0], f"{clash[0]} differs between the points: remove it")
    plan = ClaimsPlan(
        name=head["name"],
        description=head["description"],
        seed=head["seed"] if seed is None else seed,
        steps=steps,
        replications=QUICK["replications"] if quick else head["replications"],
        parameters=parameters,
        contrasts=_contrasts(src, table),
        outcomes=outcomes,
        # in quick mode the runs are short: the weeks are read at the run's end
        weeks=(steps,) if quick else _weeks(src, table, steps),
        factors=factors,
        values=values,
        labels=labels,
        kind=kind,
        source_path=str(src.path) if src.path else None,
        source_text=src.text,
        overrides={
            k: v
            for k, v in (("seed", seed), ("set", canonical(dict(sets or {}))), ("quick", quick))
            if v
        },
    )
    if plan.replications < 2:
        raise src.error("experiment", "replications", "a paired interval needs 2 or more")
    plan.check_points(src)
    return plan


def load_claims(path: Path | str, **overrides: Any) -> ClaimsPlan:
    src, doc = Source.read(path)
    return parse_claims(src, doc, **overrides)


# ---------------------------------------------------------------------------------------------
# Running and judging
# ---------------------------------------------------------------------------------------------


def run_claims(
    plan: ClaimsPlan,
    out: Path | str,
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
    log: Any = _log,
    command: list[str] | None = None,
    allow_mixed: bool = False,
) -> tuple[SweepOutcome, Path | None]:
    """Run the plan's runs into ``OUT/results`` (resumable) and, when all finished, write
    ``claims.csv``, ``claims.md`` and ``claims.png`` to ``OUT``. Returns the sweep outcome and
    the path of ``claims.md`` (None while runs failed)."""
    executor = executor or LocalExecutor()
    out = Path(out)
    store = ResultStore(out / "results", log=log)
    outcome, data = run_listed(
        plan,
        store,
        executor,
        headline=lambda n: (
            f"{plan.name}: {n} runs ({len(plan.values)} points x "
            f"{len(plan.strategies)} strategies x {plan.replications} paired replications, "
            f"{plan.steps} weeks each)"
        ),
        command=command,
        progress=progress,
        allow_mixed=allow_mixed,
        log=log,
    )
    if data is None:
        return outcome, None
    table = contrasts(plan, data)
    write_text_atomic(out / "claims.csv", table.to_csv(index=False))
    figure(plan, table, out / "claims.png")
    path = out / "claims.md"
    write_text_atomic(path, markdown(plan, table))
    return outcome, path


def paired_values(plan: ClaimsPlan, data: pd.DataFrame, outcome: str, week: int) -> np.ndarray:
    """``outcome`` at ``week``: an array points x strategies x replications."""
    at = data[data["step"] == week].set_index("run_id")[outcome]
    return np.array(
        [
            [
                [at[plan.run_for(k, s, r).run_id] for r in range(plan.replications)]
                for s in plan.strategies
            ]
            for k in range(len(plan.values))
        ]
    )


def contrasts(plan: ClaimsPlan, data: pd.DataFrame) -> pd.DataFrame:
    """One row per point, contrast, outcome and week: the point's values, the mean paired
    difference a - b, its t interval and the verdict (``holds``: mean above zero; ``clearly``:
    the interval above zero, ``-1`` below, 0 across it)."""
    from scipy import stats

    n = plan.replications
    quantile = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1))
    index = {s: i for i, s in enumerate(plan.strategies)}
    rows = []
    for outcome, week in itertools.product(plan.outcomes, plan.weeks):
        values = paired_values(plan, data, outcome, week)
        for a, b in plan.contrasts:
            diff = values[:, index[a], :] - values[:, index[b], :]
            mean = diff.mean(axis=1)
            half = quantile * diff.std(axis=1, ddof=1) / np.sqrt(n)
            for k in range(len(plan.values)):
                low, high = mean[k] - half[k], mean[k] + half[k]
                rows.append(
                    {
                        "point": plan.labels[k],
                        **plan.values[k],
                        "contrast": f"{a} - {b}",
                        "outcome": outcome,
                        "week": week,
                        "difference": mean[k],
                        "low": low,
                        "high": high,
                        "holds": bool(mean[k] > 0),
                        "clearly": int(np.sign(low) if np.sign(low) == np.sign(high) else 0),
                    }
                )
    return pd.DataFrame(rows)


def shares(table: pd.DataFrame) -> pd.DataFrame:
    """Per contrast, outcome and week: in what share of the points the contrast is above zero,
    clearly above and clearly below, and the median difference."""
    keys = ["contrast", "outcome", "week"]
    grouped = table.groupby(keys, sort=False)
    return pd.DataFrame(
        {
            "points": grouped.size(),
            "holds": grouped["holds"].mean(),
            "clearly_holds": grouped["clearly"].agg(lambda c: float((c > 0).mean())),
            "clearly_fails": grouped["clearly"].agg(lambda c: float((c < 0).mean())),
            "median": grouped["difference"].median(),
            "min": grouped["difference"].min(),
            "max": grouped["difference"].max(),
        }
    ).reset_index()


def markdown(plan: ClaimsPlan, table: pd.DataFrame) -> str:
    where = (
        "the not-implausible points of a calibration"
        if plan.kind == "region"
        else "a grid over " + " x ".join(f"`{f}`" for f in plan.factors)
    )
    lines = [f"# Claims as regions: {plan.name}", ""]
    if plan.description:
        lines += [plan.description.strip(), ""]
    lines += [
        f"{len(plan.values)} points ({where}), each under {', '.join(plan.strategies)} with "
        f"{plan.replications} paired replications of {plan.steps} weeks (the same seeds for "
        f"every strategy and point; experiment seed {plan.seed}): "
        f"{len(plan.values) * len(plan.strategies) * plan.replications} runs. A contrast "
        f"*a - b* holds at a point when the mean paired difference is above zero; clearly, when "
        f"its {LEVEL:.0%} t interval is.",
        "",
        "| contrast | outcome | week | holds in | clearly holds in | clearly fails in | "
        "median difference (min – max) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in shares(table).itertuples(index=False):
        lines.append(
            f"| {row.contrast} | `{row.outcome}` | {row.week} | {row.holds:.0%} | "
            f"{row.clearly_holds:.0%} | {row.clearly_fails:.0%} | "
            f"{row.median:+.3g} ({row.min:+.3g} – {row.max:+.3g}) |"
        )
    lines += [
        "",
        f"Of {len(plan.values)} points; per point in `claims.csv`, the map in `claims.png`.",
    ]
    return "\n".join(lines) + "\n"


def figure(plan: ClaimsPlan, table: pd.DataFrame, path: Path) -> None:
    """The map: for a two-parameter grid one heat map per contrast, outcome and week (the mean
    difference in each cell, on one colour scale per outcome, a star where its interval
    excludes zero); otherwise the points'
    differences with their intervals, sorted, per panel."""
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.figure import Figure

    from quartiersim.experiments.figures import save_figure

    panels = list(table.groupby(["outcome", "week", "contrast"], sort=False))
    cols = len(plan.contrasts)
    rows = int(np.ceil(len(panels) / cols))
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    grid = plan.kind == "grid" and len(plan.factors) == 2
    for ax, ((outcome, week, contrast), part) in zip(axes.flat, panels, strict=False):
        ax.set_title(f"{contrast}\n{outcome}, week {week}", fontsize=9)
        if grid:
            x, y = plan.factors
            xs, ys = sorted(part[x].unique()), sorted(part[y].unique())
            cells = (
                part.pivot_table(index=y, columns=x, values="difference")
                .loc[ys, xs]
                .to_numpy(dtype=float)
            )
            # one colour scale per outcome: a contrast of 0.0001 must not look as strong as
            # one of 0.1 in the next panel
            bound = float(table.loc[table["outcome"] == outcome, "difference"].abs().max()) or 1.0
            image = ax.imshow(
                cells,
                origin="lower",
                cmap="RdBu",
                norm=TwoSlopeNorm(0.0, -bound, bound),
                aspect="auto",
            )
            clear = part.pivot_table(index=y, columns=x, values="clearly").loc[ys, xs]
            for (i, j), c in np.ndenumerate(clear.to_numpy()):
                value = float(cells[i, j])
                ax.text(
                    j,
                    i,
                    f"{value:+.2g}" + ("*" if c else ""),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if abs(value) > 0.6 * bound else "black",  # legible on dark
                )
            ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs], fontsize=7)
            ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys], fontsize=7)
            ax.set_xlabel(x, fontsize=8)
            ax.set_ylabel(y, fontsize=8)
            fig.colorbar(image, ax=ax, shrink=0.8)
        else:
            part = part.sort_values("difference")
            order = np.arange(len(part))
            ax.errorbar(
                order,
                part["difference"],
                yerr=[part["difference"] - part["low"], part["high"] - part["difference"]],
                fmt="o",
                ms=3,
                lw=0.8,
            )
            ax.axhline(0.0, color="grey", lw=0.8)
            ax.set_xlabel("points (sorted)", fontsize=8)
            ax.set_ylabel("difference", fontsize=8)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    if grid:
        fig.suptitle("* the 95% paired interval excludes zero", fontsize=8)
    save_figure(fig, path)
