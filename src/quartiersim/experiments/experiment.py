"""Experiment files: what to run, checked completely before anything runs.

An experiment file is TOML with these sections (``docs/researchers.md`` has the full reference)::

    [experiment]          name, seed, steps, replications, record_every, measures, common_seeds
    [parameters]          fixed model parameters (names from quartiersim.PARAMETERS)
    [sweep]               lists of values; every combination is run (full factorial)
    [variants.NAME]       named parameter sets, crossed with the sweep
    [[exclude]]           combinations of the sweep and variants left out
    [sample]              parameter sets sampled over ranges (Latin hypercube, Monte Carlo),
                          crossed with the sweep (:mod:`.designs`)
    [[events]]            week = 104, event = "rent_increase" (scheduled in every run)
    [report]              baselines, outcomes, group_by (defaults for `quartiersim report`)

A *run* is one condition (a combination of parameter values) and one replication; what makes
its identity and its seed is in :mod:`.identity`, the checks that name a file's line in
:mod:`.source`.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quartiersim import MEASURES, PARAMETERS, validate
from quartiersim.errors import UsageError
from quartiersim.experiments.designs import (
    DESIGN_POINT,
    Exclusion,
    Sample,
    parse_exclusions,
    parse_sample,
)
from quartiersim.experiments.identity import (
    RunSpec,
    canonical,
    canonical_json,
    column_value,
    derive_seed,
    digest,
    record_steps,
)
from quartiersim.experiments.source import (
    Source,
    check_keys,
    check_parameter,
    check_sections,
    get_bool,
    get_int,
    get_names,
    get_text,
    parse_events,
    parse_parameters,
    suggest,
)
from quartiersim.parameters import DEFAULTS
from quartiersim.strategies import role_mix_for

DEFAULT_STEPS = 260
"""Weeks per run unless an experiment says otherwise: five years."""
ALWAYS_RECORDED = ("project_running",)
"""Measures recorded whatever ``measures`` says: the report needs them to find the exit."""

SECTIONS: dict[str, str] = {
    "experiment": "name, seed, steps, replications and what to record",
    "parameters": "fixed model parameters",
    "sweep": "lists of parameter values, run in every combination",
    "variants": "named parameter sets ([variants.NAME])",
    "exclude": "combinations left out ([[exclude]] with values of swept parameters)",
    "sample": "parameter sets sampled over ranges ([sample] method, points, [sample.ranges])",
    "events": "scheduled events ([[events]] with week and event)",
    "report": "defaults for the report (baselines, outcomes, group_by)",
}

EXPERIMENT_KEYS: dict[str, str] = {
    "name": "a text naming the experiment",
    "description": "a text saying what the experiment asks",
    "steps": "an integer >= 1 (weeks per run)",
    "replications": "an integer >= 1 (runs per condition)",
    "seed": "an integer >= 0 (every run's seed is derived from it)",
    "record_every": "an integer >= 1 (record the measures every N weeks)",
    "measures": "a list of measure names (see quartiersim.MEASURES)",
    "common_seeds": "true or false (same seeds for every condition of a replication)",
}

REPORT_KEYS: dict[str, str] = {
    "baselines": 'a list of conditions to compare against (e.g. ["none", "top_down"])',
    "outcomes": "a list of measure names for the tables and figures",
    "group_by": "'variant' or a swept parameter (the factor compared in the tables)",
}

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Condition:
    """One combination of parameter values (and variant); runs are its replications."""

    variant: str | None
    params: dict[str, Any]  # the values the experiment sets (checked)
    full: dict[str, Any]  # all parameters, defaults filled in (checked)
    point: int | None = None  # the sampled point (a label, not part of the identity)

    @property
    def identity(self) -> dict[str, Any]:
        return {"variant": self.variant, "parameters": canonical(self.full)}


def check_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """All parameters of one run together (e.g. residents fit the quarter; 'custom' has a role
    mix); returns the full parameter set, defaults filled in. A :class:`UsageError` otherwise."""
    try:
        full = validate(**params)
        role_mix_for(full["strategy"], full["role_mix"])
    except ValueError as e:
        raise UsageError(str(e)) from None
    return full


def check_condition(src: Source, cond_params: dict[str, Any], label: str) -> dict[str, Any]:
    """:func:`check_parameters` for one condition of a file; the message names the file and
    the condition."""
    try:
        return check_parameters(cond_params)
    except UsageError as e:
        raise UsageError(f"{src.name}: {label}: {e}") from None


@dataclass
class ReportSettings:
    baselines: tuple[str, ...] | None = None
    outcomes: tuple[str, ...] | None = None
    group_by: str | None = None


@dataclass
class Experiment:
    """A checked experiment: every value valid, every condition constructible."""

    name: str
    seed: int
    steps: int = DEFAULT_STEPS
    replications: int = 1
    description: str = ""
    record_every: int = 1
    measures: tuple[str, ...] = field(default_factory=lambda: tuple(MEASURES))
    common_seeds: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)
    sweep: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    exclude: tuple[Exclusion, ...] = ()
    sample: Sample | None = None
    report: ReportSettings = field(default_factory=ReportSettings)
    source_path: str | None = None
    source_text: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    _conditions: list[Condition] | None = field(default=None, repr=False)

    # -- what runs ----------------------------------------------------------------------------
    @property
    def parameter_columns(self) -> tuple[str, ...]:
        """Parameters stored as columns: every one the experiment sets, plus ``strategy``."""
        named = {"strategy", *self.parameters, *self.sweep}
        if self.sample is not None:
            named |= set(self.sample.ranges)
        for v in self.variants.values():
            named |= set(v)
        return tuple(p for p in PARAMETERS if p in named)

    @property
    def label_columns(self) -> tuple[str, ...]:
        point = (DESIGN_POINT,) if self.sample is not None else ()
        return (("variant",) if self.variants else ()) + self.parameter_columns + point

    @property
    def recorded_measures(self) -> tuple[str, ...]:
        return self.measures + tuple(m for m in ALWAYS_RECORDED if m not in self.measures)

    def conditions(self, src: Source | None = None) -> list[Condition]:
        """Every combination: variants (if any) × the full factorial of the sweep, less the
        excluded ones, × the sampled points (if any; a point that repeats another runs once)."""
        if self._conditions is not None:
            return self._conditions
        src = src or Source(self.source_path, self.source_text)
        keys = list(self.sweep)
        points: list[dict[str, Any] | None] = (
            list(self.sample.values(self.seed)) if self.sample is not None else [None]
        )
        out = []
        seen: set[str] = set()
        variants: list[tuple[str | None, dict[str, Any]]] = list(self.variants.items())
        for variant, vparams in variants or [(None, {})]:
            for combo in itertools.product(*(self.sweep[k] for k in keys)):
                swept = dict(zip(keys, combo, strict=True))
                if any(
                    x.matches(variant, {**self.parameters, **vparams, **swept})
                    for x in self.exclude
                ):
                    continue
                for index, point in enumerate(points):
                    params = {**self.parameters, **vparams, **swept, **(point or {})}
                    label = (
                        ", ".join(
                            ([f"variant {variant!r}"] if variant else [])
                            + [f"{k}={column_value(k, v)!r}" for k, v in swept.items()]
                            + ([f"design point {index}"] if point is not None else [])
                        )
                        or "[parameters]"
                    )
                    cond = Condition(
                        variant,
                        params,
                        check_condition(src, params, label),
                        None if point is None else index,
                    )
                    key = digest(cond.identity)
                    if key in seen:  # integer ranges: two draws may round to the same values
                        continue
                    seen.add(key)
                    out.append(cond)
        if not out:
            raise UsageError(f"{src.name}: every condition is excluded by [[exclude]]")
        self._conditions = out
        return out

    def run_for(self, cond: Condition, replication: int) -> RunSpec:
        identity = {"condition": cond.identity, "replication": replication}
        seed_identity = {"replication": replication} if self.common_seeds else identity
        columns: dict[str, Any] = {"variant": cond.variant} if self.variants else {}
        columns |= {k: column_value(k, cond.full[k]) for k in self.parameter_columns}
        if self.sample is not None:
            columns[DESIGN_POINT] = cond.point
        return RunSpec(
            run_id=f"{digest(cond.identity)[:12]}-r{replication:04d}",
            replication=replication,
            seed=derive_seed(self.seed, seed_identity),
            params=dict(cond.params),
            columns=columns,
            steps=self.steps,
            record=record_steps(self.steps, self.record_every, cond.full["project_weeks"]),
            measures=self.recorded_measures,
        )

    def runs(self) -> list[RunSpec]:
        """All runs, replication by replication, so that a partial sweep is balanced."""
        conds = self.conditions()
        return [self.run_for(c, r) for r in range(self.replications) for c in conds]

    # -- identity of the whole experiment ----------------------------------------------------
    def definition(self) -> dict[str, Any]:
        """Everything that decides the data of a run (not the name or how many replications):
        two experiments with the same definition may share a results folder."""
        return canonical(
            {
                "kind": "sweep",
                "steps": self.steps,
                "seed": self.seed,
                "record_every": self.record_every,
                "measures": list(self.recorded_measures),
                "common_seeds": self.common_seeds,
                "parameters": self.parameters,
                "sweep": self.sweep,
                "variants": self.variants,
                "defaults": DEFAULTS,
                # Only when used: the definitions (and hashes) of grid experiments stay as
                # they were, so their results folders still resume.
                **({"exclude": [x.describe() for x in self.exclude]} if self.exclude else {}),
                **({"sample": self.sample.describe()} if self.sample else {}),
            }
        )

    def hash(self) -> str:
        return digest(self.definition())

    def describe(self) -> dict[str, Any]:
        """The experiment as JSON-ready data (stored in the manifest, read by the report)."""
        return {
            "name": self.name,
            "description": self.description,
            "steps": self.steps,
            "replications": self.replications,
            "seed": self.seed,
            "record_every": self.record_every,
            "measures": list(self.recorded_measures),
            "common_seeds": self.common_seeds,
            # In the file's order (canonical() would sort): the report lists conditions so.
            "parameters": {k: canonical(v) for k, v in self.parameters.items()},
            "sweep": {k: canonical(v) for k, v in self.sweep.items()},
            "variants": {k: canonical(v) for k, v in self.variants.items()},
            "exclude": [x.describe() for x in self.exclude],
            "sample": self.sample.describe() if self.sample else None,
            "label_columns": list(self.label_columns),
            "report": {
                "baselines": canonical(list(self.report.baselines or [])),
                "outcomes": list(self.report.outcomes or []),
                "group_by": self.report.group_by,
            },
        }

    def group_factor(self) -> str | None:
        """The factor the report compares: ``group_by``, else the variants, else a swept
        ``strategy``, else the first swept parameter (None: a single condition)."""
        if self.report.group_by:
            return self.report.group_by
        if self.variants:
            return "variant"
        if "strategy" in self.sweep:
            return "strategy"
        return next(iter(self.sweep), None)

    def group_values(self, factor: str) -> list[Any]:
        if factor == "variant":
            return list(self.variants)
        return [column_value(factor, v) for v in self.sweep.get(factor, ())]

    def events_after_end(self) -> list[str]:
        """Scheduled events (``week:event``) later than the last week: they never happen."""
        late: set[str] = set()
        for cond in self.conditions():
            late |= {f"{w}:{e}" for w, e in cond.full["events"] if w > self.steps}
        return sorted(late)


def parse_header(
    src: Source, doc: dict[str, Any], extra: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The ``[experiment]`` table, checked; ``extra`` allows more keys (for other file kinds)."""
    if "experiment" not in doc:
        raise UsageError(f"{src.name}: missing [experiment] section (with at least name and seed)")
    table = doc["experiment"]
    if not isinstance(table, dict):
        raise src.error(None, "experiment", "expected a table [experiment]")
    allowed = {**EXPERIMENT_KEYS, **(extra or {})}
    check_keys(src, "experiment", table, allowed)
    measures = get_names(src, "experiment", table, "measures", MEASURES, "measure")
    return {
        "name": get_text(src, "experiment", table, "name", None),
        "description": get_text(src, "experiment", table, "description", ""),
        "seed": get_int(src, "experiment", table, "seed", None, low=0),
        "steps": get_int(src, "experiment", table, "steps", DEFAULT_STEPS, low=1),
        "replications": get_int(src, "experiment", table, "replications", 1, low=1),
        "record_every": get_int(src, "experiment", table, "record_every", 1, low=1),
        "measures": measures or tuple(MEASURES),
        "common_seeds": get_bool(src, "experiment", table, "common_seeds", False),
    }


def merge_events(
    src: Source, doc: dict[str, Any], parameters: dict[str, Any], sweep: Mapping[str, Any]
) -> None:
    """Put ``[[events]]`` into the fixed parameters (one way to schedule events per file)."""
    if "events" not in doc:
        return
    if "events" in parameters or "events" in sweep:
        raise src.error(
            "events",
            None,
            "events are scheduled twice: use either [[events]] tables or an events list under "
            "[parameters]/[sweep], not both",
        )
    parameters["events"] = parse_events(src, doc["events"])


def parse_set(text: str) -> tuple[str, Any]:
    """``--set name=value``: the value is read as TOML (``0.5``, ``"x"``, ``[1, 2]``,
    ``{door_opener = 1}``), or taken as plain text when it is not TOML (``strategy=none``)."""
    name, sep, raw = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name:
        raise UsageError(f"--set {text!r}: expected NAME=VALUE, e.g. --set n_residents=200")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return name, value


def apply_sets(
    experiment_params: dict[str, Any],
    sweep: dict[str, Any],
    variants: dict[str, dict[str, Any]],
    sets: Mapping[str, Any] | None,
) -> None:
    """``--set name=value`` fixes a parameter for every run: it replaces the [parameters] value,
    a [sweep] list and any variant's value."""
    for name, value in (sets or {}).items():
        if name not in PARAMETERS:
            raise UsageError(
                f"--set {name}=...: unknown parameter{suggest(name, PARAMETERS)}; the parameters "
                "are listed by `quartiersim run --help`"
            )
        try:
            experiment_params[name] = PARAMETERS[name].check(value)
        except ValueError as e:
            raise UsageError(f"--set {name}: {e}") from None
        sweep.pop(name, None)
        for v in variants.values():
            v.pop(name, None)


def parse_experiment(
    src: Source,
    doc: dict[str, Any],
    *,
    steps: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    sets: Mapping[str, Any] | None = None,
) -> Experiment:
    """Check a parsed experiment file completely and return the :class:`Experiment`.

    ``steps``, ``replications``, ``seed`` and ``sets`` (``--set``) override the file.
    """
    if "sensitivity" in doc:
        raise UsageError(
            f"{src.name}: this is a sensitivity-analysis file ([sensitivity]); run it with "
            "`quartiersim sensitivity`"
        )
    check_sections(src, doc, SECTIONS)
    head = parse_header(src, doc)
    parameters = parse_parameters(src, "parameters", doc.get("parameters", {}))

    sweep: dict[str, tuple[Any, ...]] = {}
    table = doc.get("sweep", {})
    if not isinstance(table, dict):
        raise src.error(None, "sweep", "expected a table [sweep] of value lists")
    for name, values in table.items():
        if name in parameters:
            raise src.error(
                "sweep",
                name,
                f"{name} is both fixed in [parameters] and swept in [sweep]: keep one",
            )
        if not isinstance(values, list) or not values:
            raise src.error("sweep", name, f"expected a non-empty list of values, got {values!r}")
        checked = tuple(
            check_parameter(src, "sweep", name, v, f"{name}[{i}]") for i, v in enumerate(values)
        )
        if len({canonical_json(v) for v in checked}) != len(checked):
            raise src.error("sweep", name, f"lists the same value twice: {values!r}")
        sweep[name] = checked

    variants: dict[str, dict[str, Any]] = {}
    table = doc.get("variants", {})
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise src.error(
            None, "variants", "expected named tables [variants.NAME] of parameter values"
        )
    for vname, vtable in table.items():
        if not _NAME.match(vname):
            raise src.error(
                f"variants.{vname}",
                None,
                "a variant's name may use letters, digits, '_', '-' and '.'",
            )
        vparams = parse_parameters(src, f"variants.{vname}", vtable)
        clash = sorted(set(vparams) & set(sweep))
        if clash:
            raise src.error(
                f"variants.{vname}",
                clash[0],
                f"{clash[0]} is swept in [sweep] and set by a variant: keep one",
            )
        variants[vname] = vparams

    levels: dict[str, tuple[Any, ...]] = {"variant": tuple(variants)} if variants else {}
    levels |= sweep
    exclude = parse_exclusions(src, doc, levels)
    merge_events(src, doc, parameters, sweep)
    apply_sets(parameters, sweep, variants, sets)
    varied = set(sweep) | {k for v in variants.values() for k in v}
    sample = parse_sample(src, doc, parameters, varied, overridden=set(sets or {}))

    report = ReportSettings()
    table = doc.get("report", {})
    if not isinstance(table, dict):
        raise src.error(None, "report", "expected a table [report]")
    check_keys(src, "report", table, REPORT_KEYS)

    exp = Experiment(
        name=head["name"],
        description=head["description"],
        seed=head["seed"] if seed is None else seed,
        steps=head["steps"] if steps is None else steps,
        replications=head["replications"] if replications is None else replications,
        record_every=head["record_every"],
        measures=head["measures"],
        common_seeds=head["common_seeds"],
        parameters=parameters,
        sweep=sweep,
        variants=variants,
        exclude=exclude,
        sample=sample,
        report=report,
        source_path=str(src.path) if src.path else None,
        source_text=src.text,
        overrides={
            k: v
            for k, v in (
                ("steps", steps),
                ("replications", replications),
                ("seed", seed),
                ("set", canonical(dict(sets)) if sets else None),
            )
            if v is not None
        },
    )

    factors = (["variant"] if variants else []) + list(sweep)
    if "group_by" in table:
        group_by = table["group_by"]
        if group_by not in factors:
            raise src.error(
                "report",
                "group_by",
                f"{group_by!r} is not varied in this experiment: expected one of "
                f"{', '.join(repr(f) for f in factors) or '(nothing is varied)'}",
            )
        report.group_by = group_by
    report.outcomes = get_names(
        src, "report", table, "outcomes", exp.recorded_measures, "recorded measure"
    )
    factor = exp.group_factor()
    if "baselines" in table:
        if factor is None:
            raise src.error("report", "baselines", "nothing is varied, so there is no baseline")
        report.baselines = parse_baselines(
            src, table["baselines"], factor, exp.group_values(factor)
        )

    # Every condition constructible, before anything runs.
    exp.conditions(src)
    return exp


def parse_baselines(src: Source, value: Any, factor: str, levels: list[Any]) -> tuple[Any, ...]:
    """``[report] baselines``: values of the compared factor — numbers for a numeric factor
    (``[10]`` or ``["10"]`` for ``hours_per_week``), names otherwise."""
    if not isinstance(value, list) or not value:
        raise src.error("report", "baselines", f"expected a non-empty list, got {value!r}")
    out = []
    for v in value:
        match = match_level(v, levels)
        if match is None:
            names = [str(canonical(x)) for x in levels]
            raise src.error(
                "report",
                "baselines",
                f"unknown {factor} {v!r}{suggest(str(v), names)}; allowed: {', '.join(names)}",
            )
        if match in out:
            raise src.error("report", "baselines", f"lists {v!r} twice")
        out.append(match)
    return tuple(out)


def match_level(value: Any, levels: list[Any]) -> Any:
    """The level of a factor that ``value`` names (a number given as text matches a numeric
    level: ``"10"`` and ``10.0`` name the level 10.0), or None."""
    for level in levels:
        if value == level and type(value) is not bool:
            return level
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        for level in levels:
            if isinstance(level, int | float) and not isinstance(level, bool) and level == number:
                return level
    return None


def load_experiment(path: Path | str, **overrides: Any) -> Experiment:
    """Read, check and return the experiment in ``path`` (see :func:`parse_experiment`)."""
    src, doc = Source.read(path)
    return parse_experiment(src, doc, **overrides)


def experiments_dir() -> Path | None:
    """The shipped ``experiments/`` folder: in the working directory, or next to the source
    tree of an editable install (None: neither has it)."""
    here = Path(__file__).resolve()
    for candidate in (Path.cwd() / "experiments", here.parents[3] / "experiments"):
        if (candidate / "compare_strategies.toml").is_file():
            return candidate
    return None
