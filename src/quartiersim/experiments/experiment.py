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
import math
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

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
    get_seed,
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
    "seed": "a whole number in [0, 2**63) (every run's seed is derived from it)",
    "record_every": "an integer >= 1 (record the measures every N weeks)",
    "measures": "a list of measure names (see quartiersim.MEASURES)",
    "common_seeds": "true or false (same seeds for every condition of a replication)",
}

REPORT_KEYS: dict[str, str] = {
    "baselines": 'a list of conditions to compare against (e.g. ["none", "top_down"])',
    "outcomes": "a list of measure names for the tables and figures",
    "group_by": "'variant' or a swept parameter (the factor compared in the tables)",
}

KEEP_CONDITIONS = 10_000
"""Up to this many conditions are built and checked when the file is read, and kept; a larger
sweep builds each condition when its runs are due (checking them all first in a pass that keeps
none), so that its memory does not grow with its size."""

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


def changed_from(values: Mapping[str, Any], reference: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the entries equal to ``reference`` (canonically): in a definition, a
    parameter written out at its default is the same as one left out."""
    return {k: v for k, v in values.items() if canonical_json(v) != canonical_json(reference[k])}


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
    checked: bool = False
    _conditions: list[Condition] | None = field(default=None, repr=False)
    _sampled: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

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

    def count_conditions(self) -> int:
        """How many conditions there are, without building them (an exclusion is matched
        against each combination of the grid, a cheap pass that checks nothing)."""
        points = len(self._point_rows()[1]) if self.sample is not None else 1
        if not self.exclude:
            grid = max(len(self.variants), 1) * math.prod(len(v) for v in self.sweep.values())
        else:
            grid = sum(1 for _ in self._grid())
        return grid * points

    def count_runs(self) -> int:
        """How many runs there are, without building them."""
        return self.count_conditions() * self.replications

    def mean_residents(self) -> float:
        """The mean ``n_residents`` over the conditions (for estimating the cost)."""
        if self.sample is not None and "n_residents" in self.sample.ranges:
            return sum(self.sample.ranges["n_residents"]) / 2
        if "n_residents" in self.sweep:
            values = self.sweep["n_residents"]
            return sum(values) / len(values)
        base = self.parameters.get("n_residents", DEFAULTS["n_residents"])
        per_variant = [v.get("n_residents", base) for v in self.variants.values()] or [base]
        return sum(per_variant) / len(per_variant)

    def max_residents(self) -> int:
        """The largest ``n_residents`` of any condition."""
        if self.sample is not None and "n_residents" in self.sample.ranges:
            return int(self.sample.ranges["n_residents"][1])
        if "n_residents" in self.sweep:
            return max(self.sweep["n_residents"])
        base = self.parameters.get("n_residents", DEFAULTS["n_residents"])
        return max([v.get("n_residents", base) for v in self.variants.values()] or [base])

    def _grid(self) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """The variants × the full factorial of the sweep, less the excluded combinations:
        (variant, the parameters they set), unchecked."""
        keys = list(self.sweep)
        variants: list[tuple[str | None, dict[str, Any]]] = list(self.variants.items())
        for variant, vparams in variants or [(None, {})]:
            for combo in itertools.product(*(self.sweep[k] for k in keys)):
                params = {**self.parameters, **vparams, **dict(zip(keys, combo, strict=True))}
                if not any(x.matches(variant, params) for x in self.exclude):
                    yield variant, params

    def _point_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The sampled points (rows) and the numbers of those that run, in order: each point
        once, since integer ranges may round two draws to the same values and a repeated point
        would only repeat its runs. Kept as arrays, so that a large sample is counted cheaply."""
        assert self.sample is not None
        if self._sampled is None:
            rows = self.sample.array(self.seed)
            _, first = np.unique(rows, axis=0, return_index=True)
            self._sampled = (rows, np.sort(first))
        return self._sampled

    def _points(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """The sampled points that run, with their numbers (see :meth:`_point_rows`)."""
        assert self.sample is not None
        rows, numbers = self._point_rows()
        for index in numbers.tolist():
            yield index, self.sample.point(rows[index])

    def iter_conditions(self, src: Source | None = None) -> Iterator[Condition]:
        """Every combination, one at a time: variants (if any) × the full factorial of the
        sweep, less the excluded ones, × the sampled points (if any), each checked as a whole
        (a :class:`UsageError` naming the combination)."""
        if self._conditions is not None:
            yield from self._conditions
            return
        src = src or Source(self.source_path, self.source_text)
        swept_keys = list(self.sweep)
        empty = True
        for variant, grid_params in self._grid():
            points: Iterable[tuple[int | None, dict[str, Any] | None]] = (
                self._points() if self.sample is not None else [(None, None)]
            )
            for index, point in points:
                params = {**grid_params, **(point or {})}
                label = (
                    ", ".join(
                        ([f"variant {variant!r}"] if variant else [])
                        + [f"{k}={column_value(k, grid_params[k])!r}" for k in swept_keys]
                        + ([f"design point {index}"] if index is not None else [])
                    )
                    or "[parameters]"
                )
                empty = False
                yield Condition(variant, params, check_condition(src, params, label), index)
        if empty:
            raise UsageError(f"{src.name}: every condition is excluded by [[exclude]]")

    def conditions(self, src: Source | None = None) -> list[Condition]:
        """Every combination as a list (kept when there are few; see :meth:`iter_conditions`)."""
        if self._conditions is not None:
            return self._conditions
        out = list(self.iter_conditions(src))
        if len(out) <= KEEP_CONDITIONS:
            self._conditions = out
        return out

    def check_conditions(self, src: Source | None = None) -> None:
        """Check every combination (a :class:`UsageError` naming the first bad one); a large
        sweep is checked in a pass that keeps none of them, so memory stays flat."""
        if self.checked:
            return
        if self.count_conditions() <= KEEP_CONDITIONS:
            self.conditions(src)
        else:
            for _ in self.iter_conditions(src):
                pass
        self.checked = True

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
            identity=canonical(identity),
        )

    def iter_runs(self) -> Iterator[RunSpec]:
        """All runs, one at a time, replication by replication, so that a partial sweep is
        balanced; nothing is kept, so a sweep of millions of runs needs no more memory."""
        for r in range(self.replications):
            for c in self.iter_conditions():
                yield self.run_for(c, r)

    def runs(self) -> list[RunSpec]:
        """All runs as a list (for small experiments; sweeps use :meth:`iter_runs`)."""
        return list(self.iter_runs())

    # -- identity of the whole experiment ----------------------------------------------------
    def definition(self) -> dict[str, Any]:
        """Everything that decides the data of a run (not the name or how many replications):
        two experiments with the same definition may share a results folder.

        Written so that equal experiments have equal definitions: a parameter set to its
        default is the same as one left out (also in a variant, against the value it would
        otherwise have), and the order of a sweep list or of an exclusion does not matter.
        """
        base = {**DEFAULTS, **self.parameters}
        return canonical(
            {
                "kind": "sweep",
                "steps": self.steps,
                "seed": self.seed,
                "record_every": self.record_every,
                "measures": list(self.recorded_measures),
                "common_seeds": self.common_seeds,
                "parameters": changed_from(self.parameters, DEFAULTS),
                "sweep": {
                    k: sorted((canonical(v) for v in values), key=canonical_json)
                    for k, values in self.sweep.items()
                },
                "variants": {k: changed_from(v, base) for k, v in self.variants.items()},
                "defaults": DEFAULTS,
                # Only when used: the definitions (and hashes) of grid experiments stay as
                # they were, so their results folders still resume.
                # An exclusion matches a set of values: their order, and the order of the
                # tables, change nothing.
                **(
                    {
                        "exclude": sorted(
                            (
                                {k: sorted(v, key=canonical_json) for k, v in x.describe().items()}
                                for x in self.exclude
                            ),
                            key=canonical_json,
                        )
                    }
                    if self.exclude
                    else {}
                ),
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
        schedules = [self.parameters.get("events", ())]
        schedules += list(self.sweep.get("events", ()))
        schedules += [v.get("events", ()) for v in self.variants.values()]
        late = {f"{w}:{e}" for events in schedules for w, e in events if w > self.steps}
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
        "seed": get_seed(src, "experiment", table, "seed"),
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


def parse_listed_head(
    src: Source,
    doc: dict[str, Any],
    section: str,
    *,
    sections: Mapping[str, str],
    keys: Mapping[str, str],
    strategies_from: str,
    quick_quarter: Mapping[str, Any] | None,
    sets: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The part every file of a plan that lists its runs (calibration, claims) shares: its own
    ``[section]`` checked, the header, the fixed [parameters] (no strategy: ``strategies_from``
    says what names them), events, the small quarter of a quick run and ``--set``. Returns the
    header, the parameters and the section's table."""
    if section not in doc:
        raise UsageError(f"{src.name}: no [{section}] section")
    check_sections(src, doc, sections)
    head = parse_header(src, doc)
    parameters = parse_parameters(src, "parameters", doc.get("parameters", {}))
    if "strategy" in parameters:
        raise src.error("parameters", "strategy", f"{strategies_from}; remove it")
    merge_events(src, doc, parameters, {})
    if quick_quarter is not None:
        parameters = {**parameters, **quick_quarter}
    apply_sets(parameters, {}, {}, sets)
    table = doc[section]
    if not isinstance(table, dict):
        raise src.error(None, section, f"expected a table [{section}]")
    check_keys(src, section, table, keys)
    return head, parameters, table


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

    # Every condition constructible, before anything runs; a sweep too large to check here
    # is checked by the sweep after its plan is shown (and accepted).
    if exp.count_conditions() <= KEEP_CONDITIONS:
        exp.check_conditions(src)
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
