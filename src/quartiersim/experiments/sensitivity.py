"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

A sensitivity file is an experiment file with a ``[sensitivity]`` section instead of
``[sweep]``::

    [experiment]     name, seed, replications (runs per sample point, averaged), common_seeds
    [parameters]     fixed parameters
    [[events]]       scheduled events
    [sensitivity]    parameters (the factors), outcomes, week, methods,
                     morris_trajectories, morris_levels, sobol_samples, second_order,
                     contrasts
    [sensitivity.bounds]  name = [low, high] (default: the parameter's declared range)

With ``contrasts = ["empowerment - networking", "top_down - none"]`` every sample point runs
under each strategy named, on the same seeds, and the analysed output is the *difference*
between the two strategies' outcome at that point: which assumptions decide whether one
strategy beats another, not only how high both are. Morris results then come with their
convergence: the ranking by mu* from the first half of the trajectories against all of them.

The runs go into ``OUT/results`` (a resumable results folder like a sweep's); the indices into
``OUT/morris.csv``, ``OUT/sobol.csv`` and ``OUT/sensitivity.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.errors import UsageError
from quartiersim.experiments.executors import Executor, LocalExecutor
from quartiersim.experiments.experiment import (
    KEEP_CONDITIONS,
    Condition,
    apply_sets,
    changed_from,
    check_condition,
    merge_events,
    parse_header,
)
from quartiersim.experiments.identity import RunSpec, canonical, derive_seed, digest
from quartiersim.experiments.plan import Plan, confirm, estimate
from quartiersim.experiments.provenance import this_code
from quartiersim.experiments.source import (
    Source,
    check_keys,
    check_sections,
    get_bool,
    get_int,
    get_names,
    parse_parameters,
    suggest,
)
from quartiersim.experiments.storage import ResultStore, experiment_info, write_text_atomic
from quartiersim.experiments.sweep import SweepOutcome, _log, run_unfinished, unfinished
from quartiersim.measures import MEASURES
from quartiersim.parameters import DEFAULTS, PARAMETERS
from quartiersim.strategies import STRATEGIES

METHODS = ("morris", "sobol")
SECTIONS = {
    "experiment": "name, seed, replications per sample point",
    "parameters": "fixed model parameters",
    "events": "scheduled events ([[events]] with week and event)",
    "sensitivity": "factors, outcomes, week, methods and sample sizes",
}
KEYS = {
    "parameters": "a list of numeric parameters to vary (the factors)",
    "outcomes": "a list of measure names",
    "week": "the week at which the outcomes are taken (default: [experiment] steps)",
    "methods": "a list of methods: 'morris', 'sobol'",
    "morris_trajectories": "an integer >= 2 (Morris trajectories r)",
    "morris_levels": "an even integer >= 2 (grid levels p)",
    "sobol_samples": "a power of two >= 2 (Saltelli base samples N)",
    "second_order": "true or false (Sobol second-order indices; more runs)",
    "bounds": "a table name = [low, high]",
    "contrasts": "a list of 'strategy - strategy' differences to analyse",
}


@dataclass
class SensitivityPlan:
    """A checked sensitivity analysis: factors with bounds, designs and their runs."""

    name: str
    seed: int
    week: int
    replications: int
    common_seeds: bool
    parameters: dict[str, Any]
    factors: tuple[str, ...]
    bounds: dict[str, tuple[float, float]]
    outcomes: tuple[str, ...]
    methods: tuple[str, ...]
    morris_trajectories: int = 10
    morris_levels: int = 4
    sobol_samples: int = 64
    second_order: bool = False
    contrasts: tuple[tuple[str, str], ...] = ()
    description: str = ""
    source_path: str | None = None
    source_text: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    samples: dict[str, np.ndarray] = field(default_factory=dict)
    points: dict[str, list[Condition]] = field(default_factory=dict)

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem: factor names and bounds."""
        return {
            "num_vars": len(self.factors),
            "names": list(self.factors),
            "bounds": [list(self.bounds[f]) for f in self.factors],
        }

    def design_seed(self, method: str) -> int:
        return derive_seed(self.seed, ["design", method]) % 2**32

    def value(self, factor: str, x: float) -> int | float:
        """A sampled value as the model gets it: integers rounded."""
        return round(x) if PARAMETERS[factor].kind is int else float(x)

    def count_points(self) -> dict[str, int]:
        """Sample points per method, counted before any is drawn."""
        k = len(self.factors)
        counts = {
            "morris": self.morris_trajectories * (k + 1),
            "sobol": self.sobol_samples * ((2 * k + 2) if self.second_order else (k + 2)),
        }
        return {m: counts[m] for m in self.methods}

    def count_runs(self) -> int:
        """Runs of all designs (at most: a point repeated within a design runs once); with
        contrasts every point runs under each of their strategies."""
        return sum(self.count_points().values()) * len(self.arms) * self.replications

    def midpoint(self) -> dict[str, Any]:
        """The parameters at the middle of every factor's range (for timing a run)."""
        return {
            **self.parameters,
            **{f: self.value(f, (lo + hi) / 2) for f, (lo, hi) in self.bounds.items()},
        }

    def make_samples(self, src: Source | None = None) -> None:
        """Draw the designs (seeded) and check every sample point as a model would."""
        if self.samples:
            return
        src = src or Source(self.source_path, self.source_text)
        salib = _salib()
        for method in self.methods:
            if method == "morris":
                x = salib.morris_sample(
                    self.problem,
                    self.morris_trajectories,
                    num_levels=self.morris_levels,
                    seed=self.design_seed(method),
                )
            else:
                x = salib.sobol_sample(
                    self.problem,
                    self.sobol_samples,
                    calc_second_order=self.second_order,
                    seed=self.design_seed(method),
                )
            self.samples[method] = x
            conds = []
            for i, row in enumerate(x):
                params = {
                    **self.parameters,
                    **{f: self.value(f, v) for f, v in zip(self.factors, row, strict=True)},
                }
                full = check_condition(src, params, f"{method} sample {i}")
                conds.append(Condition(None, params, full))
            self.points[method] = conds

    @property
    def arms(self) -> tuple[str | None, ...]:
        """The strategies each sample point runs under (None: as the file fixes it)."""
        if not self.contrasts:
            return (None,)
        return tuple(dict.fromkeys(s for pair in self.contrasts for s in pair))

    def outputs_named(self) -> list[str]:
        """The analysed outputs: the outcomes, or each outcome of each contrast."""
        if not self.contrasts:
            return list(self.outcomes)
        return [f"{o}: {a} - {b}" for a, b in self.contrasts for o in self.outcomes]

    def run_for(self, cond: Condition, replication: int, arm: str | None = None) -> RunSpec:
        if arm is not None:
            cond = Condition(None, {**cond.params, "strategy": arm}, {**cond.full, "strategy": arm})
        identity = {"condition": cond.identity, "replication": replication}
        seed_identity = {"replication": replication} if self.common_seeds else identity
        return RunSpec(
            run_id=f"{digest(cond.identity)[:12]}-r{replication:04d}",
            replication=replication,
            seed=derive_seed(self.seed, seed_identity),
            params=dict(cond.params),
            columns={"strategy": cond.full["strategy"], **{f: cond.full[f] for f in self.factors}},
            steps=self.week,
            record=(self.week,),
            measures=self.outcomes,
            identity=canonical(identity),
        )

    def runs(self) -> list[RunSpec]:
        """Every distinct run of all designs (a point repeated in a design runs once)."""
        unique: dict[str, RunSpec] = {}
        for r in range(self.replications):
            for conds in self.points.values():
                for c in conds:
                    for arm in self.arms:
                        spec = self.run_for(c, r, arm)
                        unique.setdefault(spec.run_id, spec)
        return list(unique.values())

    def definition(self) -> dict[str, Any]:
        return canonical(
            {
                "kind": "sensitivity",
                "seed": self.seed,
                "week": self.week,
                "common_seeds": self.common_seeds,
                "parameters": changed_from(self.parameters, DEFAULTS),
                "factors": list(self.factors),
                "bounds": {f: list(b) for f, b in self.bounds.items()},
                "outcomes": list(self.outcomes),
                "methods": list(self.methods),
                "morris": [self.morris_trajectories, self.morris_levels],
                "sobol": [self.sobol_samples, self.second_order],
                "contrasts": [list(c) for c in self.contrasts],
                "defaults": DEFAULTS,
            }
        )

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "steps": self.week,
            "replications": self.replications,
            "common_seeds": self.common_seeds,
            "parameters": canonical(self.parameters),
            "factors": list(self.factors),
            "bounds": {f: list(b) for f, b in self.bounds.items()},
            "outcomes": list(self.outcomes),
            "methods": list(self.methods),
            "morris_trajectories": self.morris_trajectories,
            "morris_levels": self.morris_levels,
            "sobol_samples": self.sobol_samples,
            "second_order": self.second_order,
            "contrasts": [f"{a} - {b}" for a, b in self.contrasts],
            "label_columns": ["strategy", *self.factors],
        }


class _SALib:
    def __init__(self) -> None:
        try:
            from SALib.analyze import morris as morris_analyze
            from SALib.analyze import sobol as sobol_analyze
            from SALib.sample import morris as morris_sample
            from SALib.sample import sobol as sobol_sample
        except ImportError:
            raise UsageError(
                "sensitivity analysis needs SALib, which is not installed: "
                "pip install 'quartiersim[sensitivity]'"
            ) from None
        self.morris_sample = morris_sample.sample
        self.sobol_sample = sobol_sample.sample
        self.morris_analyze = morris_analyze.analyze
        self.sobol_analyze = sobol_analyze.analyze


def _salib() -> _SALib:
    return _SALib()


def _bounds(src: Source, table: Any, factors: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    section = "sensitivity.bounds"
    if not isinstance(table, dict):
        raise src.error("sensitivity", "bounds", "expected a table name = [low, high]")
    out = {}
    for name, value in table.items():
        if name not in factors:
            raise src.error(
                section,
                name,
                f"{name!r} is not one of the factors in [sensitivity] parameters"
                f"{suggest(name, factors)}",
            )
        p = PARAMETERS[name]
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise src.error(section, name, f"expected [low, high], got {value!r}")
        lo, hi = value
        if not lo < hi:
            raise src.error(section, name, f"low must be below high, got [{lo}, {hi}]")
        for v in (lo, hi):
            try:
                p.check(v)
            except ValueError as e:
                raise src.error(section, name, str(e)) from None
        out[name] = (float(lo), float(hi))
    for f in factors:
        if f not in out:
            p = PARAMETERS[f]
            assert p.low is not None and p.high is not None  # factors are numeric parameters
            out[f] = (float(p.low), float(p.high))
    return out


def _contrasts(
    src: Source, value: Any, parameters: Mapping[str, Any]
) -> tuple[tuple[str, str], ...]:
    """``["empowerment - networking"]`` → ``(("empowerment", "networking"),)``, checked."""
    if value is None:
        return ()
    presets = [n for n, s in STRATEGIES.items() if s.shares is not None]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise src.error(
            "sensitivity",
            "contrasts",
            f"expected a list like ['empowerment - none'], got {value!r}",
        )
    if "strategy" in parameters or "role_mix" in parameters:
        raise src.error(
            "parameters", "strategy", "contrasts set the strategies; remove strategy/role_mix"
        )
    out = []
    for text in value:
        a, sep, b = (part.strip() for part in text.partition(" - "))
        if not sep:
            raise src.error("sensitivity", "contrasts", f"{text!r}: expected 'strategy - strategy'")
        for name in (a, b):
            if name not in presets:
                raise src.error(
                    "sensitivity",
                    "contrasts",
                    f"{text!r}: {name!r} is not a preset strategy{suggest(name, presets)}; "
                    f"allowed: {', '.join(presets)}",
                )
        if a == b:
            raise src.error("sensitivity", "contrasts", f"{text!r} compares a strategy with itself")
        out.append((a, b))
    return tuple(out)


def parse_sensitivity(
    src: Source,
    doc: dict[str, Any],
    *,
    seed: int | None = None,
    sets: Mapping[str, Any] | None = None,
) -> SensitivityPlan:
    """Check a parsed sensitivity file completely, draw its designs and return the plan."""
    if "sensitivity" not in doc:
        raise UsageError(
            f"{src.name}: no [sensitivity] section; an experiment with a [sweep] runs with "
            "`quartiersim sweep`"
        )
    check_sections(src, doc, SECTIONS)
    head = parse_header(src, doc)
    for unused in ("record_every", "measures"):
        if unused in doc["experiment"]:
            raise src.error(
                "experiment",
                unused,
                "not used by a sensitivity analysis: set [sensitivity] outcomes and week",
            )
    parameters = parse_parameters(src, "parameters", doc.get("parameters", {}))
    merge_events(src, doc, parameters, {})
    apply_sets(parameters, {}, {}, sets)

    table = doc["sensitivity"]
    if not isinstance(table, dict):
        raise src.error(None, "sensitivity", "expected a table [sensitivity]")
    check_keys(src, "sensitivity", table, KEYS)
    numeric = [n for n, p in PARAMETERS.items() if p.kind in (int, float)]
    factors = get_names(src, "sensitivity", table, "parameters", numeric, "numeric parameter")
    if not factors or len(factors) < 2:
        raise src.error("sensitivity", "parameters", "list at least two numeric parameters to vary")
    fixed = sorted(set(factors) & set(parameters))
    if fixed:
        raise src.error(
            "sensitivity",
            "parameters",
            f"{fixed[0]} is also fixed in [parameters] (or by --set): keep one",
        )
    outcomes = get_names(src, "sensitivity", table, "outcomes", MEASURES, "measure")
    if not outcomes:
        raise src.error("sensitivity", None, "missing required key 'outcomes'")
    week = get_int(src, "sensitivity", table, "week", head["steps"], low=1)
    methods = get_names(src, "sensitivity", table, "methods", METHODS, "method") or METHODS
    levels = get_int(src, "sensitivity", table, "morris_levels", 4, low=2)
    if levels % 2:
        raise src.error("sensitivity", "morris_levels", f"expected an even number, got {levels}")
    n_sobol = get_int(src, "sensitivity", table, "sobol_samples", 64, low=2)
    if n_sobol & (n_sobol - 1):
        raise src.error(
            "sensitivity",
            "sobol_samples",
            f"expected a power of two (Sobol sequences), got {n_sobol}; "
            f"e.g. {2 ** round(math.log2(n_sobol))}",
        )
    contrasts = _contrasts(src, table.get("contrasts"), parameters)
    plan = SensitivityPlan(
        name=head["name"],
        description=head["description"],
        seed=head["seed"] if seed is None else seed,
        week=week,
        replications=head["replications"],
        common_seeds=get_bool(src, "experiment", doc["experiment"], "common_seeds", True),
        parameters=parameters,
        factors=factors,
        bounds=_bounds(src, table.get("bounds", {}), factors),
        outcomes=outcomes,
        methods=methods,
        morris_trajectories=get_int(src, "sensitivity", table, "morris_trajectories", 10, low=2),
        morris_levels=levels,
        sobol_samples=n_sobol,
        second_order=get_bool(src, "sensitivity", table, "second_order", False),
        contrasts=contrasts,
        source_path=str(src.path) if src.path else None,
        source_text=src.text,
        overrides={k: v for k, v in (("seed", seed), ("set", canonical(dict(sets or {})))) if v},
    )
    if sum(plan.count_points().values()) <= KEEP_CONDITIONS:
        plan.make_samples(src)  # else after its plan is shown and accepted
    return plan


def load_sensitivity(path: Path | str, **overrides: Any) -> SensitivityPlan:
    src, doc = Source.read(path)
    return parse_sensitivity(src, doc, **overrides)


# ---------------------------------------------------------------------------------------------
# Running and analysing
# ---------------------------------------------------------------------------------------------


def plan_sensitivity(plan: SensitivityPlan, store: ResultStore, executor: Executor) -> Plan:
    """The plan of a sensitivity analysis: its runs counted from the sample sizes (before any
    sample is drawn), with a time estimate."""
    total = plan.count_runs()
    sizes = ", ".join(f"{m} {n:,} points" for m, n in plan.count_points().items())
    arms = f" x {len(plan.arms)} strategies" if plan.contrasts else ""
    shape = f"{sizes}{arms}; {plan.replications} replication(s), {plan.week} weeks each"
    result = Plan(plan.name, total, shape, executor.description, total)
    if store.manifest_path.exists() and store.manifest()["definition_hash"] == digest(
        plan.definition()
    ):
        result.to_run = max(total - len(store.finished()), 0)
    if result.to_run:
        params = plan.midpoint()
        result.seconds = estimate(
            params,
            runs=result.to_run,
            steps=plan.week,
            mean_residents=params.get("n_residents", DEFAULTS["n_residents"]),
            slots=executor.slots,
        )
    return result


def run_sensitivity(
    plan: SensitivityPlan,
    out: Path | str,
    executor: Executor | None = None,
    *,
    progress: bool | None = None,
    log: Any = _log,
    command: list[str] | None = None,
    yes: bool = False,
    ask: Any = None,
    allow_mixed: bool = False,
) -> tuple[SweepOutcome, Path | None]:
    """Run the plan's runs into ``OUT/results`` (resumable) and, when all finished, write the
    indices to ``OUT``. Returns the sweep outcome and the path of ``sensitivity.md``.

    Like a sweep, it shows its plan first and starts a large one only with ``yes`` or when
    ``ask`` agrees; it refuses results of other code unless ``allow_mixed``.
    """

    executor = executor or LocalExecutor()
    out = Path(out)
    store = ResultStore(out / "results", log=log)
    shown = plan_sensitivity(plan, store, executor)
    log(shown.text())
    confirm(
        shown,
        yes=yes,
        ask=ask,
        smaller="smaller sobol_samples or morris_trajectories, fewer parameters or replications",
    )
    plan.make_samples()
    code = this_code()
    executor.check_code(code, allow_mixed)
    with store.writing():
        resumed = store.prepare(
            plan.definition(),
            digest(plan.definition()),
            experiment_info(plan, command),
            code=code,
            allow_mixed=allow_mixed,
        )
        runs = plan.runs()
        pending, outcome = unfinished(runs, store, out / "results")
        if resumed:
            log(f"resuming: {outcome.skipped} finished, {len(pending)} to run")
        run_unfinished(
            pending,
            outcome,
            store,
            executor,
            desc=plan.name,
            progress=progress,
            allow_mixed=allow_mixed,
            log=log,
        )
    if outcome.failed:
        return outcome, None
    data, _ = store.read(allow_mixed=allow_mixed)
    tables = analyse(plan, data)
    for method, table in tables.items():
        write_text_atomic(out / f"{method}.csv", table.to_csv(index=False))
    convergence = None
    if "morris" in plan.methods and plan.morris_trajectories >= 4:
        convergence = morris_convergence(plan, data)
        write_text_atomic(out / "morris_convergence.csv", convergence.to_csv(index=False))
    path = out / "sensitivity.md"
    write_text_atomic(path, markdown(plan, tables, convergence))
    return outcome, path


def outputs(plan: SensitivityPlan, data: pd.DataFrame, method: str) -> dict[str, np.ndarray]:
    """Per analysed output: its value at each sample point of ``method`` (mean over the
    replications), in the order of the design. With contrasts, an output is the difference
    of one outcome between two strategies at the same point, on the same seeds."""
    values = data[data["step"] == plan.week].set_index("run_id")

    def at(o: str, arm: str | None) -> np.ndarray:
        y = np.empty(len(plan.points[method]))
        for i, cond in enumerate(plan.points[method]):
            ids = [plan.run_for(cond, r, arm).run_id for r in range(plan.replications)]
            y[i] = float(values.loc[ids, o].mean())
        return y

    if not plan.contrasts:
        return {o: at(o, None) for o in plan.outcomes}
    out = {}
    for a, b in plan.contrasts:
        for o in plan.outcomes:
            out[f"{o}: {a} - {b}"] = at(o, a) - at(o, b)
    return out


def morris_convergence(plan: SensitivityPlan, data: pd.DataFrame) -> pd.DataFrame:
    """mu* of every factor for every output from the first half of the Morris trajectories and
    from all of them, with the rank each gives: rankings that agree show the screening has
    converged; rankings that swap say more trajectories are needed."""
    salib = _salib()
    k = len(plan.factors)
    half = max(plan.morris_trajectories // 2, 2)
    x = plan.samples["morris"]
    frames = []
    for name, y in outputs(plan, data, "morris").items():
        row: dict[str, Any] = {}
        for label, r in (("half", half), ("all", plan.morris_trajectories)):
            n = r * (k + 1)
            res = salib.morris_analyze(
                plan.problem, x[:n], y[:n], num_levels=plan.morris_levels, num_resamples=100
            )
            row[label] = np.asarray(res["mu_star"])
        frame = pd.DataFrame(
            {
                "output": name,
                "parameter": list(plan.factors),
                "trajectories_half": half,
                "mu_star_half": row["half"],
                "mu_star_all": row["all"],
            }
        )
        frame["rank_half"] = frame["mu_star_half"].rank(ascending=False, method="min")
        frame["rank_all"] = frame["mu_star_all"].rank(ascending=False, method="min")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def analyse(plan: SensitivityPlan, data: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Morris (mu, mu*, sigma, mu* confidence) and Sobol (S1, ST with confidence) indices of
    every factor for every outcome, as long tables."""
    salib = _salib()
    tables: dict[str, pd.DataFrame] = {}
    for method in plan.methods:
        frames = []
        for o, y in outputs(plan, data, method).items():
            seed = plan.design_seed(f"{method}-analysis")
            if method == "morris":
                res = salib.morris_analyze(
                    plan.problem, plan.samples[method], y, num_levels=plan.morris_levels, seed=seed
                )
                df = pd.DataFrame(
                    {
                        "parameter": list(plan.factors),
                        "mu": res["mu"],
                        "mu_star": res["mu_star"],
                        "sigma": res["sigma"],
                        "mu_star_conf": res["mu_star_conf"],
                    }
                )
            else:
                res = salib.sobol_analyze(
                    plan.problem, y, calc_second_order=plan.second_order, seed=seed
                )
                df = pd.DataFrame(
                    {
                        "parameter": list(plan.factors),
                        "S1": res["S1"],
                        "S1_conf": res["S1_conf"],
                        "ST": res["ST"],
                        "ST_conf": res["ST_conf"],
                    }
                )
            df.insert(0, "outcome", o)
            frames.append(df)
        tables[method] = pd.concat(frames, ignore_index=True)
    return tables


def markdown(
    plan: SensitivityPlan,
    tables: Mapping[str, pd.DataFrame],
    convergence: pd.DataFrame | None = None,
) -> str:
    lines = [f"# Sensitivity analysis: {plan.name}", ""]
    if plan.description:
        lines += [plan.description.strip(), ""]
    lines += [
        f"Outcomes at week {plan.week}; {plan.replications} run(s) per sample point "
        + (
            "with the same seeds at every point (common random numbers)"
            if plan.common_seeds
            else "with a seed per run"
        )
        + f"; experiment seed {plan.seed}. Fixed parameters: "
        + (", ".join(f"`{k}` = {v!r}" for k, v in plan.parameters.items()) or "none")
        + "; all others at their defaults."
        + (
            " Outputs are **contrasts**: the difference between two strategies' outcome at the "
            "same sample point, on the same seeds ("
            + ", ".join(f"{a} − {b}" for a, b in plan.contrasts)
            + ")."
            if plan.contrasts
            else ""
        ),
        "",
        "| factor | low | high |",
        "|---|---|---|",
        *[f"| `{f}` | {plan.bounds[f][0]:g} | {plan.bounds[f][1]:g} |" for f in plan.factors],
    ]
    if "morris" in tables:
        lines += [
            "",
            "## Morris screening",
            "",
            f"{plan.morris_trajectories} trajectories on a {plan.morris_levels}-level grid. "
            "mu* (mean absolute elementary effect) ranks the factors' influence; sigma large "
            "against mu* means interactions or non-linearity.",
        ]
        for o, t in tables["morris"].groupby("outcome", sort=False):
            lines += [
                "",
                f"### {o}",
                "",
                "| factor | mu* | ±95% | mu | sigma |",
                "|---|---|---|---|---|",
            ]
            for _, r in t.sort_values("mu_star", ascending=False).iterrows():
                lines.append(
                    f"| `{r['parameter']}` | {r['mu_star']:.4f} | "
                    f"{r['mu_star_conf']:.4f} | {r['mu']:.4f} | {r['sigma']:.4f} |"
                )
    if convergence is not None:
        lines += [
            "",
            "### Convergence of the screening",
            "",
            "mu* from the first half of the trajectories against all of them; the ranks agree "
            "where the screening has converged. Rank changes among the top factors mean more "
            "trajectories are needed before reading the order.",
            "",
            "| output | factors in the same rank | largest rank change | top factor (half → all) |",
            "|---|---|---|---|",
        ]
        for o, t in convergence.groupby("output", sort=False):
            same = int((t["rank_half"] == t["rank_all"]).sum())
            change = int((t["rank_half"] - t["rank_all"]).abs().max())
            top_half = t.sort_values("mu_star_half", ascending=False)["parameter"].iloc[0]
            top_all = t.sort_values("mu_star_all", ascending=False)["parameter"].iloc[0]
            lines.append(f"| {o} | {same} of {len(t)} | {change} | `{top_half}` → `{top_all}` |")
    if "sobol" in tables:
        lines += [
            "",
            "## Sobol indices",
            "",
            f"Saltelli design with N = {plan.sobol_samples}. S1: share of the output variance "
            "due to the factor alone; ST: including all its interactions. With few samples the "
            "intervals are wide and small indices may come out slightly negative.",
        ]
        for o, t in tables["sobol"].groupby("outcome", sort=False):
            lines += [
                "",
                f"### {o}",
                "",
                "| factor | ST | ±95% | S1 | ±95% |",
                "|---|---|---|---|---|",
            ]
            for _, r in t.sort_values("ST", ascending=False).iterrows():
                lines.append(
                    f"| `{r['parameter']}` | {r['ST']:.3f} | {r['ST_conf']:.3f} | "
                    f"{r['S1']:.3f} | {r['S1_conf']:.3f} |"
                )
    return "\n".join(lines) + "\n"
