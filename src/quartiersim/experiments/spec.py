"""Experiment files: what to run, checked completely before anything runs.

An experiment file is TOML with these sections (``docs/researchers.md`` has the full reference)::

    [experiment]          name, seed, steps, replications, record_every, measures, common_seeds
    [parameters]          fixed model parameters (names from quartiersim.PARAMETERS)
    [sweep]               lists of values; every combination is run (full factorial)
    [variants.NAME]       named parameter sets, crossed with the sweep
    [[events]]            week = 104, event = "rent_increase" (scheduled in every run)
    [report]              baselines, outcomes, group_by (defaults for `quartiersim report`)

A *run* is one condition (a combination of parameter values) and one replication. Its seed is
derived from the experiment seed and the run's identity, never from its position in a list, so
results do not depend on the order of runs, the number of processes or the executor.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from quartiersim.errors import UsageError
from quartiersim.measures import MEASURES
from quartiersim.parameters import DEFAULTS, PARAMETERS, validate
from quartiersim.strategies import role_mix_for

AFTER_EXIT_WEEKS = 104
"""The report's "after the exit" point: two years after the workers left (or the run's end)."""

DEFAULT_STEPS = 260
ALWAYS_RECORDED = ("project_running",)
"""Measures recorded whatever ``measures`` says: the report needs them to find the exit."""

SECTIONS: dict[str, str] = {
    "experiment": "name, seed, steps, replications and what to record",
    "parameters": "fixed model parameters",
    "sweep": "lists of parameter values, run in every combination",
    "variants": "named parameter sets ([variants.NAME])",
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
_HEADER = re.compile(r"^\[\[?\s*([^\[\]]+?)\s*\]\]?$")


# ---------------------------------------------------------------------------------------------
# Reading a file, and messages that point at a line
# ---------------------------------------------------------------------------------------------


class Source:
    """An experiment file's text, so that a message can name the file, the line and the key."""

    def __init__(self, path: Path | str | None, text: str) -> None:
        self.path = Path(path) if path is not None else None
        self.text = text
        self.lines = text.splitlines()

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<experiment>"

    @classmethod
    def read(cls, path: Path | str) -> tuple[Source, dict[str, Any]]:
        """Read and parse ``path``; a missing file or malformed TOML is a :class:`UsageError`."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"{path}: no such experiment file") from None
        except IsADirectoryError:
            raise UsageError(f"{path}: is a folder, expected an experiment file (.toml)") from None
        except UnicodeDecodeError as e:
            raise UsageError(f"{path}: not a text file ({e.reason})") from None
        except OSError as e:
            raise UsageError(f"{path}: cannot read ({e.strerror})") from None
        return cls.parse(text, path)

    @classmethod
    def parse(cls, text: str, path: Path | str | None = None) -> tuple[Source, dict[str, Any]]:
        src = cls(path, text)
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            # tomllib's message already ends with "(at line L, column C)".
            raise UsageError(f"{src.name}: malformed TOML: {e}") from None
        return src, doc

    def line_of(self, section: str | None, key: str | None = None, occurrence: int = 0) -> int:
        """Best-effort line number of ``key`` in ``[section]`` (or of the section header)."""
        current: str | None = None
        seen = -1
        for number, raw in enumerate(self.lines, 1):
            text = raw.split("#", 1)[0].strip()
            header = _HEADER.match(text)
            if header:
                current = re.sub(r"\s+", "", header.group(1)).replace('"', "")
                if key is None and current == section:
                    seen += 1
                    if seen == occurrence:
                        return number
                continue
            if (
                key is not None
                and current == section
                and re.match(rf'^["\']?{re.escape(key)}["\']?\s*[=.]', text)
            ):
                return number
        return 0

    def where(
        self,
        section: str | None,
        key: str | None = None,
        occurrence: int = 0,
        label: str | None = None,
    ) -> str:
        """``FILE, line N: [section] key`` for the start of a message (``label`` shown instead
        of the key, e.g. ``strategy[1]`` for an element of a list)."""
        line = self.line_of(section, key, occurrence)
        place = f"{self.name}, line {line}" if line else self.name
        what = f"[{section}]" if section else "top level"
        if key is not None:
            what += f" {label or key}"
        return f"{place}: {what}"

    def error(
        self,
        section: str | None,
        key: str | None,
        problem: str,
        occurrence: int = 0,
        label: str | None = None,
    ) -> UsageError:
        return UsageError(f"{self.where(section, key, occurrence, label)}: {problem}")


def suggest(word: str, options: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for a near miss, else ``""``."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "an integer",
        float: "a number",
        str: "a text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def check_keys(src: Source, section: str, table: Mapping[str, Any], allowed: Mapping[str, str]):
    """Refuse keys not in ``allowed``, suggesting close matches."""
    for key in table:
        if key not in allowed:
            raise src.error(
                section,
                key,
                f"unknown key{suggest(key, allowed)}; allowed keys: {', '.join(allowed)}",
            )


def get_int(
    src: Source, section: str, table: Mapping[str, Any], key: str, default: int | None, *, low: int
) -> int:
    """An integer >= ``low`` from ``table[key]``, or ``default`` (None: required)."""
    if key not in table:
        if default is None:
            raise src.error(section, None, f"missing required key '{key}' ({low} or more)")
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise src.error(
            section, key, f"expected an integer >= {low}, got {value!r} ({_type_name(value)})"
        )
    if value < low:
        raise src.error(section, key, f"expected an integer >= {low}, got {value}")
    return value


def get_text(
    src: Source, section: str, table: Mapping[str, Any], key: str, default: str | None
) -> str:
    if key not in table:
        if default is None:
            raise src.error(section, None, f"missing required key '{key}' (a text)")
        return default
    value = table[key]
    if not isinstance(value, str) or (key == "name" and not value.strip()):
        raise src.error(section, key, f"expected a non-empty text, got {value!r}")
    return value


def get_bool(src: Source, section: str, table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise src.error(section, key, f"expected true or false, got {value!r}")
    return value


def get_names(
    src: Source, section: str, table: Mapping[str, Any], key: str, allowed: Iterable[str], what: str
) -> tuple[str, ...] | None:
    """A non-empty list of names from ``allowed`` (no repeats), or None when absent."""
    if key not in table:
        return None
    value = table[key]
    allowed = list(allowed)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise src.error(section, key, f"expected a non-empty list of {what} names, got {value!r}")
    for v in value:
        if v not in allowed:
            raise src.error(
                section,
                key,
                f"unknown {what} {v!r}{suggest(v, allowed)}; allowed: {', '.join(allowed)}",
            )
    if len(set(value)) != len(value):
        raise src.error(section, key, f"lists a {what} twice: {value!r}")
    return tuple(value)


def check_parameter(src: Source, section: str, name: str, value: Any, label: str | None = None):
    """One parameter value checked by its declaration; the message names file, line and key."""
    label = label or name
    if name in ("rng", "seed"):
        raise src.error(
            section,
            name,
            "the seed is not a model parameter here: set [experiment] seed; every run's seed is "
            "derived from it",
        )
    if name not in PARAMETERS:
        raise src.error(
            section,
            name,
            f"unknown parameter{suggest(name, PARAMETERS)}; the parameters are listed by "
            "`quartiersim run --help`",
        )
    try:
        return PARAMETERS[name].check(value)
    except ValueError as e:
        hint = ""
        if isinstance(value, list) and PARAMETERS[name].kind is not tuple and section != "sweep":
            hint = " (to run several values, list them under [sweep])"
        raise src.error(section, name, f"{e}{hint}", label=label) from None


def parse_parameters(src: Source, section: str, table: Any) -> dict[str, Any]:
    """A table of fixed parameters, each checked."""
    if not isinstance(table, dict):
        raise src.error(None, section, f"expected a table [{section}], got {table!r}")
    return {name: check_parameter(src, section, name, value) for name, value in table.items()}


def parse_events(src: Source, entries: Any) -> tuple[tuple[int, str], ...]:
    """The ``[[events]]`` tables: each exactly ``week`` and ``event``."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise src.error(
            None,
            "events",
            'expected [[events]] tables, each with week = N and event = "name"',
        )
    allowed = {"week": "the week (1 or later)", "event": "the event's name"}
    for i, entry in enumerate(entries):
        for key in entry:
            if key not in allowed:
                raise src.error(
                    "events",
                    None,
                    f"entry {i + 1} has unknown key {key!r}{suggest(key, allowed)}; "
                    "allowed keys: week, event",
                    occurrence=i,
                )
        missing = [k for k in allowed if k not in entry]
        if missing:
            raise src.error(
                "events", None, f"entry {i + 1} is missing {' and '.join(missing)}", occurrence=i
            )
        if isinstance(entry["week"], bool) or not isinstance(entry["week"], int):
            raise src.error(
                "events",
                None,
                f"entry {i + 1}: week must be a whole number, got {entry['week']!r}",
                occurrence=i,
            )
        try:
            PARAMETERS["events"].check([entry])
        except ValueError as e:
            raise src.error("events", None, f"entry {i + 1}: {e}", occurrence=i) from None
    return PARAMETERS["events"].check(entries)


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


# ---------------------------------------------------------------------------------------------
# Canonical values, identities and seeds
# ---------------------------------------------------------------------------------------------


def canonical(value: Any) -> Any:
    """A JSON-ready form of a checked parameter value, the same for equal values."""
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def derive_seed(experiment_seed: int, identity: Any) -> int:
    """The run's seed: NumPy's ``SeedSequence(experiment_seed, spawn_key=...)`` with the spawn
    key taken from a hash of the run's identity, so it depends on *what* the run is, not on
    *when* or *where* it runs. An integer in [0, 2**63)."""
    key = hashlib.sha256(canonical_json(identity).encode()).digest()
    spawn_key = tuple(int.from_bytes(key[i : i + 4], "little") for i in range(0, 16, 4))
    state = np.random.SeedSequence(experiment_seed, spawn_key=spawn_key).generate_state(
        1, dtype=np.uint64
    )
    return int(state[0] >> np.uint64(1))


def column_value(name: str, value: Any) -> Any:
    """A parameter value as stored in a result column: numbers and texts as they are; a role
    mix as ``"door_opener=0.5,dialogue_manager=0.5"`` (non-zero shares, "" for the strategy's
    preset); an event schedule as ``"104:rent_increase,120:funding_cut"``."""
    kind = PARAMETERS[name].kind
    if kind is dict:
        if value is None:
            return ""
        return ",".join(f"{k}={v:.4g}" for k, v in value.items() if v > 0)
    if kind is tuple:
        return ",".join(f"{week}:{event}" for week, event in value)
    return value


def record_steps(steps: int, every: int, project_weeks: int) -> tuple[int, ...]:
    """Weeks whose measures are kept: week 0, every ``every`` weeks, the last week, and the
    weeks the report looks at (the exit and two years after it)."""
    weeks = set(range(0, steps + 1, every)) | {steps}
    weeks |= {w for w in (project_weeks, project_weeks + AFTER_EXIT_WEEKS) if w <= steps}
    return tuple(sorted(weeks))


@dataclass(frozen=True)
class RunSpec:
    """One model run: everything a worker process needs, and nothing it could get wrong.

    ``params`` go to :class:`~quartiersim.QuartierModel` as keywords, ``seed`` as ``rng``;
    ``columns`` are the labels stored with every row (variant and parameter values).
    """

    run_id: str
    replication: int
    seed: int
    params: dict[str, Any]
    columns: dict[str, Any]
    steps: int
    record: tuple[int, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """One combination of parameter values (and variant); runs are its replications."""

    variant: str | None
    params: dict[str, Any]  # the values the experiment sets (checked)
    full: dict[str, Any]  # all parameters, defaults filled in (checked)

    @property
    def identity(self) -> dict[str, Any]:
        return {"variant": self.variant, "parameters": canonical(self.full)}


def check_condition(src: Source, cond_params: dict[str, Any], label: str) -> dict[str, Any]:
    """All parameters of one condition together (e.g. residents fit the quarter; 'custom' has a
    role mix); returns the full parameter set."""
    try:
        full = validate(**cond_params)
        role_mix_for(full["strategy"], full["role_mix"])
    except ValueError as e:
        raise UsageError(f"{src.name}: {label}: {e}") from None
    return full


# ---------------------------------------------------------------------------------------------
# The experiment
# ---------------------------------------------------------------------------------------------


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
    measures: tuple[str, ...] = tuple(MEASURES)
    common_seeds: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)
    sweep: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
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
        for v in self.variants.values():
            named |= set(v)
        return tuple(p for p in PARAMETERS if p in named)

    @property
    def label_columns(self) -> tuple[str, ...]:
        return (("variant",) if self.variants else ()) + self.parameter_columns

    @property
    def recorded_measures(self) -> tuple[str, ...]:
        return self.measures + tuple(m for m in ALWAYS_RECORDED if m not in self.measures)

    def conditions(self, src: Source | None = None) -> list[Condition]:
        """Every combination: variants (if any) × the full factorial of the sweep."""
        if self._conditions is not None:
            return self._conditions
        src = src or Source(self.source_path, self.source_text)
        keys = list(self.sweep)
        out = []
        for variant, vparams in list(self.variants.items()) or [(None, {})]:
            for combo in itertools.product(*(self.sweep[k] for k in keys)):
                swept = dict(zip(keys, combo, strict=True))
                params = {**self.parameters, **vparams, **swept}
                label = (
                    ", ".join(
                        ([f"variant {variant!r}"] if variant else [])
                        + [f"{k}={column_value(k, v)!r}" for k, v in swept.items()]
                    )
                    or "[parameters]"
                )
                out.append(Condition(variant, params, check_condition(src, params, label)))
        self._conditions = out
        return out

    def run_for(self, cond: Condition, replication: int) -> RunSpec:
        identity = {"condition": cond.identity, "replication": replication}
        seed_identity = {"replication": replication} if self.common_seeds else identity
        columns: dict[str, Any] = {"variant": cond.variant} if self.variants else {}
        columns |= {k: column_value(k, cond.full[k]) for k in self.parameter_columns}
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
            "label_columns": list(self.label_columns),
            "report": {
                "baselines": list(self.report.baselines or []),
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

    def group_values(self, factor: str) -> list[str]:
        if factor == "variant":
            return list(self.variants)
        return [column_value(factor, v) for v in self.sweep.get(factor, ())]


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


def check_sections(src: Source, doc: dict[str, Any], allowed: Mapping[str, str]) -> None:
    for key in doc:
        if key not in allowed:
            listed = ", ".join(f"[{s}]" for s in allowed)
            line = src.line_of(key) or src.line_of(None, key)
            place = f"{src.name}, line {line}" if line else src.name
            raise UsageError(
                f"{place}: unknown section [{key}]{suggest(key, allowed)}; "
                f"allowed sections: {listed}"
            )


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

    merge_events(src, doc, parameters, sweep)
    apply_sets(parameters, sweep, variants, sets)

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
        report.baselines = get_names(
            src, "report", table, "baselines", exp.group_values(factor), f"{factor}"
        )

    # Every condition constructible, before anything runs.
    exp.conditions(src)
    return exp


def load_experiment(path: Path | str, **overrides: Any) -> Experiment:
    """Read, check and return the experiment in ``path`` (see :func:`parse_experiment`)."""
    src, doc = Source.read(path)
    return parse_experiment(src, doc, **overrides)
