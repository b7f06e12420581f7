"""History matching: the region of the unanchored parameters where the quarter reproduces what
is known about real quarters, and a check of that region on patterns it was not fitted to.

A calibration file is an experiment file with a ``[calibration]`` section and ``[[patterns]]``::

    [experiment]     name, seed, steps, replications (runs per design point), common_seeds
    [parameters]     fixed parameters (for all strategies)
    [calibration]    parameters (the unanchored ones), samples, cutoff
    [calibration.bounds]  name = [low, high] (default: the parameter's declared range)
    [[patterns]]     name, measure, strategy, weeks = [first, last], target, band = [low, high],
                     held_out, source, compares

A **pattern** is a figure from the literature and the model quantity it can honestly be held
against: the mean of ``measure`` over ``weeks`` of each run under ``strategy``. Its ``band`` is
two-sided: the tolerance around the figure for observation error and model discrepancy
together, read as ``cutoff`` standard deviations each side. The **implausibility** of a design
point for a pattern is the distance of the model's mean from the figure in units of that
tolerance and of the runs' own spread (Craig et al. 1997; Vernon, Goldstein & Bower 2010)::

    I = |target - mean| / sqrt(((high - low) / (2 cutoff))**2 + var_runs / replications)

A point is **not implausible** when ``I <= cutoff`` for every pattern that is not held out. The
held-out patterns are then checked on the not-implausible points only: out of sample.

The design is a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`, seeded from the
experiment seed) over the bounds. A run takes about a second, so the model itself is evaluated
at every point (no emulator). The runs go into ``OUT/results`` like a sweep's (resumable, on
local processes or a Dask cluster, with the manifest's provenance); the points with their
implausibilities into ``OUT/points.csv``, the not-implausible region into ``OUT/region.csv``
and a summary into ``OUT/calibration.md``.
"""

from __future__ import annotations

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
    check_keys,
    get_bool,
    get_int,
    get_names,
    get_text,
    suggest,
)
from quartiersim.experiments.storage import ResultStore, write_text_atomic
from quartiersim.experiments.sweep import SweepOutcome, _log, run_listed
from quartiersim.measures import MEASURES
from quartiersim.parameters import DEFAULTS, PARAMETERS
from quartiersim.strategies import STRATEGIES

SECTIONS = {
    "experiment": "name, seed, steps, replications per design point",
    "parameters": "fixed model parameters",
    "events": "scheduled events ([[events]] with week and event)",
    "calibration": "the unanchored parameters, samples, cutoff and bounds",
    "patterns": "the patterns ([[patterns]] with name, measure, strategy, weeks, target, band)",
}
KEYS = {
    "parameters": "a list of numeric parameters to calibrate",
    "samples": "an integer >= 2 (Latin hypercube points)",
    "cutoff": "a number > 0 (implausibility cut-off; 3 by Pukelsheim's three-sigma rule)",
    "bounds": "a table name = [low, high]",
}
PATTERN_KEYS = {
    "name": "a short name",
    "measure": "a measure name",
    "strategy": "the strategy the runs use (default 'none')",
    "weeks": "[first, last] weeks whose mean is compared (default: all weeks from 1)",
    "target": "the figure from the source",
    "band": "[low, high]: the two-sided tolerance around the figure",
    "held_out": "true: checked out of sample, not used to rule points out",
    "source": "where the figure comes from",
    "compares": "what the source measures and why the model quantity can be held against it",
}
QUICK = {"samples": 6, "replications": 1, "steps": 30}
"""``--quick``: a few short runs on a small quarter, to check a file and the machinery."""
QUICK_QUARTER = {"n_residents": 150, "width": 20, "height": 20}


@dataclass(frozen=True)
class Pattern:
    """A figure from the literature and the model quantity it is held against."""

    name: str
    measure: str
    strategy: str
    weeks: tuple[int, int]
    target: float
    band: tuple[float, float]
    held_out: bool
    source: str
    compares: str

    def tolerance(self, cutoff: float) -> float:
        """The standard deviation the band stands for (its half-width is ``cutoff`` of them)."""
        return (self.band[1] - self.band[0]) / (2 * cutoff)


@dataclass
class CalibrationPlan:
    """A checked calibration: the unanchored parameters, their design and the patterns."""

    name: str
    seed: int
    steps: int
    replications: int
    common_seeds: bool
    parameters: dict[str, Any]
    factors: tuple[str, ...]
    bounds: dict[str, tuple[float, float]]
    samples: int
    cutoff: float
    patterns: tuple[Pattern, ...]
    description: str = ""
    source_path: str | None = None
    source_text: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    design: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    points: dict[str, list[Condition]] = field(default_factory=dict)

    @property
    def strategies(self) -> tuple[str, ...]:
        """The strategies the patterns need runs of, in the order they first appear."""
        return tuple(dict.fromkeys(p.strategy for p in self.patterns))

    def value(self, factor: str, x: float) -> int | float:
        return round(x) if PARAMETERS[factor].kind is int else float(x)

    def make_design(self, src: Source) -> None:
        """Draw the Latin hypercube (seeded) and check every point under every strategy."""
        from scipy.stats import qmc

        seed = derive_seed(self.seed, ["design", "latin-hypercube"]) % 2**32
        unit = qmc.LatinHypercube(d=len(self.factors), seed=seed).random(self.samples)
        low = [self.bounds[f][0] for f in self.factors]
        high = [self.bounds[f][1] for f in self.factors]
        self.design = qmc.scale(unit, low, high)
        for strategy in self.strategies:
            conds = []
            for i, row in enumerate(self.design):
                params = {
                    **self.parameters,
                    "strategy": strategy,
                    **{f: self.value(f, v) for f, v in zip(self.factors, row, strict=True)},
                }
                full = check_condition(src, params, f"design point {i} ({strategy})")
                conds.append(Condition(None, params, full))
            self.points[strategy] = conds

    def run_for(self, strategy: str, point: int, replication: int) -> RunSpec:
        cond = self.points[strategy][point]
        identity = {"condition": cond.identity, "replication": replication}
        seed_identity = {"replication": replication} if self.common_seeds else identity
        return RunSpec(
            run_id=f"{digest(cond.identity)[:12]}-r{replication:04d}",
            replication=replication,
            seed=derive_seed(self.seed, seed_identity),
            params=dict(cond.params),
            columns={
                "strategy": strategy,
                "point": point,
                **{f: cond.full[f] for f in self.factors},
            },
            steps=self.steps,
            record=tuple(range(self.steps + 1)),
            measures=tuple(dict.fromkeys(p.measure for p in self.patterns)),
        )

    def runs(self) -> list[RunSpec]:
        return [
            self.run_for(s, i, r)
            for r in range(self.replications)
            for s in self.strategies
            for i in range(self.samples)
        ]

    def definition(self) -> dict[str, Any]:
        return canonical(
            {
                "kind": "calibration",
                "seed": self.seed,
                "steps": self.steps,
                "replications": self.replications,
                "common_seeds": self.common_seeds,
                "parameters": self.parameters,
                "factors": list(self.factors),
                "bounds": {f: list(b) for f, b in self.bounds.items()},
                "samples": self.samples,
                "strategies": list(self.strategies),
                "measures": sorted({p.measure for p in self.patterns}),
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
            "common_seeds": self.common_seeds,
            "parameters": canonical(self.parameters),
            "factors": list(self.factors),
            "bounds": {f: list(b) for f, b in self.bounds.items()},
            "samples": self.samples,
            "cutoff": self.cutoff,
            "patterns": [p.name for p in self.patterns],
            "label_columns": ["strategy", "point", *self.factors],
        }


# ---------------------------------------------------------------------------------------------
# Reading a calibration file
# ---------------------------------------------------------------------------------------------


def _number(src: Source, section: str, table: Mapping[str, Any], key: str, i: int) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise src.error(section, key, f"expected a number, got {value!r}", i)
    return float(value)


def _pair(src: Source, section: str, table: Mapping[str, Any], key: str, i: int = 0) -> list:
    value = table[key]
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise src.error(section, key, f"expected [low, high], got {value!r}", i)
    if not value[0] < value[1]:
        raise src.error(section, key, f"low must be below high, got {value!r}", i)
    return value


def _bounds(src: Source, table: Any, factors: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    section = "calibration.bounds"
    if not isinstance(table, dict):
        raise src.error("calibration", "bounds", "expected a table name = [low, high]")
    out = {}
    for name in table:
        if name not in factors:
            raise src.error(
                section,
                name,
                f"{name!r} is not one of the parameters in [calibration] parameters"
                f"{suggest(name, factors)}",
            )
        lo, hi = _pair(src, section, table, name)
        for v in (lo, hi):
            try:
                PARAMETERS[name].check(v)
            except ValueError as e:
                raise src.error(section, name, str(e)) from None
        out[name] = (float(lo), float(hi))
    for f in factors:
        if f not in out:
            p = PARAMETERS[f]
            assert p.low is not None and p.high is not None  # factors are numeric parameters
            out[f] = (float(p.low), float(p.high))
    return out


def _patterns(src: Source, doc: dict[str, Any], steps: int) -> tuple[Pattern, ...]:
    tables = doc.get("patterns")
    if not isinstance(tables, list) or not tables:
        raise src.error(None, "patterns", "expected at least one [[patterns]] table")
    out = []
    for i, t in enumerate(tables):
        if not isinstance(t, dict):
            raise src.error(None, "patterns", "expected [[patterns]] tables", i)
        check_keys(src, "patterns", t, PATTERN_KEYS)
        for key in ("name", "measure", "target", "band", "source", "compares"):
            if key not in t:
                raise src.error("patterns", None, f"missing required key '{key}'", i)
        measure = t["measure"]
        if measure not in MEASURES:
            raise src.error(
                "patterns", "measure", f"unknown measure {measure!r}{suggest(measure, MEASURES)}", i
            )
        strategy = t.get("strategy", "none")
        if strategy not in STRATEGIES or STRATEGIES[strategy].shares is None:
            raise src.error(
                "patterns",
                "strategy",
                f"expected a preset strategy ({', '.join(n for n, s in STRATEGIES.items() if s.shares is not None)}), got {strategy!r}",  # noqa: E501
                i,
            )
        first, last = t.get("weeks", [1, steps])
        if not (isinstance(first, int) and isinstance(last, int) and 0 <= first <= last):
            raise src.error(
                "patterns", "weeks", f"expected [first, last] weeks, got {t['weeks']}", i
            )
        target = _number(src, "patterns", t, "target", i)
        lo, hi = _pair(src, "patterns", t, "band", i)
        if not lo <= target <= hi:
            raise src.error("patterns", "band", f"the target {target:g} lies outside {[lo, hi]}", i)
        held_out = t.get("held_out", False)
        if not isinstance(held_out, bool):
            raise src.error("patterns", "held_out", f"expected true or false, got {held_out!r}", i)
        out.append(
            Pattern(
                name=get_text(src, "patterns", t, "name", None),
                measure=measure,
                strategy=strategy,
                weeks=(min(first, steps), min(last, steps)),  # a shortened run: its end
                target=target,
                band=(float(lo), float(hi)),
                held_out=held_out,
                source=get_text(src, "patterns", t, "source", None),
                compares=get_text(src, "patterns", t, "compares", None),
            )
        )
    names = [p.name for p in out]
    if len(set(names)) != len(names):
        raise src.error(None, "patterns", f"two patterns share a name: {names}")
    if all(p.held_out for p in out):
        raise src.error(None, "patterns", "every pattern is held out: none is left to fit")
    return tuple(out)


def parse_calibration(
    src: Source,
    doc: dict[str, Any],
    *,
    seed: int | None = None,
    sets: Mapping[str, Any] | None = None,
    quick: bool = False,
) -> CalibrationPlan:
    """Check a parsed calibration file completely, draw its design and return the plan.
    ``quick`` shrinks it to a few short runs on a small quarter (:data:`QUICK`)."""
    head, parameters, table = parse_listed_head(
        src,
        doc,
        "calibration",
        sections=SECTIONS,
        keys=KEYS,
        strategies_from="each pattern names its strategy",
        quick_quarter=QUICK_QUARTER if quick else None,
        sets=sets,
    )
    numeric = [n for n, p in PARAMETERS.items() if p.kind in (int, float)]
    factors = get_names(src, "calibration", table, "parameters", numeric, "numeric parameter")
    if not factors:
        raise src.error("calibration", None, "missing required key 'parameters'")
    fixed = sorted(set(factors) & set(parameters))
    if fixed:
        raise src.error(
            "calibration", "parameters", f"{fixed[0]} is also fixed in [parameters]: keep one"
        )
    cutoff = _number(src, "calibration", table, "cutoff", 0) if "cutoff" in table else 3.0
    if not cutoff > 0:
        raise src.error("calibration", "cutoff", f"expected a number > 0, got {cutoff}")
    steps = QUICK["steps"] if quick else head["steps"]
    plan = CalibrationPlan(
        name=head["name"],
        description=head["description"],
        seed=head["seed"] if seed is None else seed,
        steps=steps,
        replications=QUICK["replications"] if quick else head["replications"],
        common_seeds=get_bool(src, "experiment", doc["experiment"], "common_seeds", True),
        parameters=parameters,
        factors=factors,
        bounds=_bounds(src, table.get("bounds", {}), factors),
        samples=QUICK["samples"]
        if quick
        else get_int(src, "calibration", table, "samples", 64, low=2),
        cutoff=cutoff,
        patterns=_patterns(src, doc, steps),
        source_path=str(src.path) if src.path else None,
        source_text=src.text,
        overrides={
            k: v
            for k, v in (("seed", seed), ("set", canonical(dict(sets or {}))), ("quick", quick))
            if v
        },
    )
    plan.make_design(src)
    return plan


def load_calibration(path: Path | str, **overrides: Any) -> CalibrationPlan:
    src, doc = Source.read(path)
    return parse_calibration(src, doc, **overrides)


# ---------------------------------------------------------------------------------------------
# Running and judging
# ---------------------------------------------------------------------------------------------


def run_calibration(
    plan: CalibrationPlan,
    out: Path | str,
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
    log: Any = _log,
    command: list[str] | None = None,
    allow_mixed: bool = False,
) -> tuple[SweepOutcome, Path | None]:
    """Run the plan's runs into ``OUT/results`` (resumable) and, when all finished, write
    ``points.csv``, ``region.csv`` and ``calibration.md`` to ``OUT``. Returns the sweep outcome
    and the path of ``calibration.md`` (None while runs failed).

    Like every sweep, the runs are stored with their provenance and verified before a resume;
    results of other code are refused unless ``allow_mixed``."""

    executor = executor or LocalExecutor()
    out = Path(out)
    store = ResultStore(out / "results", log=log)
    outcome, data = run_listed(
        plan,
        store,
        executor,
        headline=lambda n: (
            f"{plan.name}: {n} runs ({plan.samples} points x "
            f"{len(plan.strategies)} strategies x {plan.replications} replication(s), "
            f"{plan.steps} weeks each)"
        ),
        command=command,
        progress=progress,
        allow_mixed=allow_mixed,
        log=log,
    )
    if data is None:
        return outcome, None
    points = judge(plan, data)
    write_text_atomic(out / "points.csv", points.to_csv(index=False))
    write_text_atomic(out / "region.csv", points[points["not_implausible"]].to_csv(index=False))
    path = out / "calibration.md"
    write_text_atomic(path, markdown(plan, points))
    return outcome, path


def pattern_values(plan: CalibrationPlan, data: pd.DataFrame, pattern: Pattern) -> np.ndarray:
    """Per design point and replication: the run's mean of the pattern's measure over its
    weeks (an array samples x replications)."""
    first, last = pattern.weeks
    window = data[(data["step"] >= first) & (data["step"] <= last)]
    means = window.groupby("run_id")[pattern.measure].mean()
    return np.array(
        [
            [means[plan.run_for(pattern.strategy, i, r).run_id] for r in range(plan.replications)]
            for i in range(plan.samples)
        ]
    )


def implausibility(
    pattern: Pattern, values: np.ndarray, cutoff: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per point: the model's mean over replications and its implausibility for ``pattern``."""
    mean = values.mean(axis=1)
    n = values.shape[1]
    var_runs = values.var(axis=1, ddof=1) / n if n > 1 else np.zeros(len(mean))
    scale = np.sqrt(pattern.tolerance(cutoff) ** 2 + var_runs)
    return mean, np.abs(pattern.target - mean) / scale


def judge(plan: CalibrationPlan, data: pd.DataFrame) -> pd.DataFrame:
    """One row per design point: its parameter values, per pattern the model's mean, the
    implausibility and the share of runs inside the band; whether the point is not implausible
    (every fitted pattern within the cut-off) and whether the held-out patterns are met too."""
    table = pd.DataFrame(plan.design, columns=list(plan.factors))
    for f in plan.factors:
        table[f] = [plan.value(f, v) for v in table[f]]
    table.insert(0, "point", range(plan.samples))
    fitted = np.ones(plan.samples, dtype=bool)
    held = np.ones(plan.samples, dtype=bool)
    for p in plan.patterns:
        values = pattern_values(plan, data, p)
        mean, imp = implausibility(p, values, plan.cutoff)
        table[f"{p.name}_mean"] = mean
        table[f"{p.name}_implausibility"] = imp
        table[f"{p.name}_runs_in_band"] = ((values >= p.band[0]) & (values <= p.band[1])).mean(1)
        if p.held_out:
            held &= imp <= plan.cutoff
        else:
            fitted &= imp <= plan.cutoff
    table["not_implausible"] = fitted
    table["held_out_met"] = held
    return table


def markdown(plan: CalibrationPlan, points: pd.DataFrame) -> str:
    region = points[points["not_implausible"]]
    n, k = len(points), len(region)
    lines = [f"# Calibration: {plan.name}", ""]
    if plan.description:
        lines += [plan.description.strip(), ""]
    lines += [
        f"History matching over {len(plan.factors)} parameters: {plan.samples} Latin-hypercube "
        f"points, {plan.replications} run(s) of {plan.steps} weeks per point and strategy "
        + ("on the same seeds at every point" if plan.common_seeds else "with a seed per run")
        + f"; experiment seed {plan.seed}; implausibility cut-off {plan.cutoff:g}. Fixed: "
        + (", ".join(f"`{k}` = {v!r}" for k, v in plan.parameters.items()) or "none")
        + "; all others at their defaults.",
        "",
        "## Patterns",
        "",
        "| pattern | measure (strategy, weeks) | target | band | role | source |",
        "|---|---|---|---|---|---|",
    ]
    for p in plan.patterns:
        lines.append(
            f"| {p.name} | `{p.measure}` ({p.strategy}, {p.weeks[0]}–{p.weeks[1]}) | "
            f"{p.target:g} | {p.band[0]:g}–{p.band[1]:g} | "
            f"{'held out' if p.held_out else 'fitted'} | {p.source} |"
        )
    lines += [
        "",
        "## The not-implausible region",
        "",
        f"**{k} of {n}** points ({k / n:.0%}) are not implausible for every fitted pattern.",
        "",
        "| parameter | searched | not-implausible points: min – max (median) |",
        "|---|---|---|",
    ]
    for f in plan.factors:
        lo, hi = plan.bounds[f]
        if k:
            col = region[f]
            span = f"{col.min():.4g} – {col.max():.4g} ({col.median():.4g})"
        else:
            span = "–"
        lines.append(f"| `{f}` | {lo:g} – {hi:g} | {span} |")
    lines += ["", "## Per pattern", ""]
    lines += [
        "| pattern | role | points within the cut-off | runs inside the band (all points) |",
        "|---|---|---|---|",
    ]
    for p in plan.patterns:
        ok = points[f"{p.name}_implausibility"] <= plan.cutoff
        lines.append(
            f"| {p.name} | {'held out' if p.held_out else 'fitted'} | {int(ok.sum())} of {n} | "
            f"{points[f'{p.name}_runs_in_band'].mean():.0%} |"
        )
    held = [p for p in plan.patterns if p.held_out]
    if held:
        lines += ["", "## Held-out patterns, out of sample", ""]
        if k:
            met = int(region["held_out_met"].sum())
            lines.append(
                f"Of the {k} not-implausible points, **{met}** ({met / k:.0%}) also meet every "
                "held-out pattern within the cut-off:"
            )
            for p in held:
                imp = region[f"{p.name}_implausibility"]
                lines.append(
                    f"- {p.name}: {int((imp <= plan.cutoff).sum())} of {k}; model mean "
                    f"{region[f'{p.name}_mean'].min():.3g} – {region[f'{p.name}_mean'].max():.3g}"
                    f" against {p.target:g} (band {p.band[0]:g}–{p.band[1]:g})"
                )
        else:
            lines.append("No point is left to check them on.")
    return "\n".join(lines) + "\n"
