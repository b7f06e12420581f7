"""The validation experiment file (``experiments/validation.toml``): read and checked in full
before any run starts, so a typo costs a message, not ten minutes of compute."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quartiersim.parameters import PARAMETERS, validate
from quartiersim.strategies import STRATEGIES
from quartiersim.validation.claims import OFF

COMMAND = (
    "python -m quartiersim.validation --config experiments/validation.toml --out docs/validation.md"
)
"""The one command that regenerates the report from a clean checkout."""


def presets() -> list[str]:
    """Every strategy with a preset role mix (all but 'custom'): what the report compares
    unless the file says otherwise."""
    return [name for name, s in STRATEGIES.items() if s.shares is not None]


SLICES = {"taking_part_weight": [0.0, 1.0], "observation_weight": [0.0], "help_seeking_rate": [0.0]}
"""The dependency regions' slices (docs/predictions.md 2.9): other values of these parameters at
a few cells of the grid."""

# section -> key -> (type, default); None as default means "required", a function is called
# for the default (so it follows the declarations).
_SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "validation": {
        "name": (str, "validation"),
        "seed": (int, None),
        "steps": (int, 260),
        "early_week": (int, 26),
    },
    "parameters": {},  # any model parameter; checked by quartiersim.validate
    "known": {
        "decay_quarters": (int, 5),
        "s_curve_runs": (int, 4),
        "s_curve_weeks": (int, 104),
        "segregation_levels": (list, [0.0, 0.5, 1.0]),
        "segregation_replications": (int, 10),
    },
    "comparison": {
        "strategies": (list, presets),
        "replications": (int, 20),
    },
    "ablation": {"replications": (int, 12)},
    "segregation": {
        "levels": (list, [0.0, 0.5, 1.0]),
        "strategies": (list, presets),
        "replications": (int, 8),
    },
    "robustness": {
        "samples": (int, 10),
        "replications": (int, 3),
        "ranges": (dict, {}),
    },
    "regions": {
        "learning_rates": (list, [0.0, 0.05, 0.2, 0.5]),
        "wait_weeks": (list, [0, 4, 8, 26]),
        "slices": (dict, lambda: dict(SLICES)),
        "slice_cells": (list, [[0.2, 8], [0.5, 26]]),
        "replications": (int, 8),
    },
    "phasing": {
        "weeks": (list, [0, 26, 52, 104]),
        "strategies": (list, presets),
        "replications": (int, 8),
    },
    "off": {
        "parameters": (list, lambda: list(OFF)),
        "strategies": (list, ["none", "top_down", "networking", "empowerment"]),
        "phase_out_weeks": (int, 52),
        "replications": (int, 6),
        "diagnosis_noise": (list, [0.0, 0.3, 0.6]),
    },
}


@dataclass
class ValidationConfig:
    """Everything the validation report runs: sizes, seeds and the model's base parameters."""

    source: str
    seed: int
    name: str = "validation"
    steps: int = 260
    early_week: int = 26
    parameters: dict[str, Any] = field(default_factory=dict)
    decay_quarters: int = 5
    s_curve_runs: int = 4
    s_curve_weeks: int = 104
    known_segregation_levels: list[float] = field(default_factory=lambda: [0.0, 0.5, 1.0])
    known_segregation_replications: int = 10
    strategies: list[str] = field(default_factory=list)
    replications: int = 20
    ablation_replications: int = 12
    segregation_levels: list[float] = field(default_factory=list)
    segregation_strategies: list[str] = field(default_factory=list)
    segregation_replications: int = 8
    robustness_samples: int = 10
    robustness_replications: int = 3
    robustness_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    learning_rates: list[float] = field(default_factory=lambda: [0.0, 0.05, 0.2, 0.5])
    wait_weeks: list[int] = field(default_factory=lambda: [0, 4, 8, 26])
    slices: dict[str, list[float]] = field(default_factory=lambda: dict(SLICES))
    slice_cells: list[tuple[float, int]] = field(default_factory=lambda: [(0.2, 8), (0.5, 26)])
    region_replications: int = 8
    phasing_weeks: list[int] = field(default_factory=lambda: [0, 26, 52, 104])
    phasing_strategies: list[str] = field(default_factory=list)
    phasing_replications: int = 8
    off_parameters: list[str] = field(default_factory=lambda: list(OFF))
    off_strategies: list[str] = field(default_factory=list)
    off_phase_out_weeks: int = 52
    off_replications: int = 6
    diagnosis_levels: list[float] = field(default_factory=lambda: [0.0, 0.3, 0.6])
    text: str = ""

    @property
    def project_weeks(self) -> int:
        return int(validate(**self.parameters)["project_weeks"])

    @property
    def during_week(self) -> int:
        """The last week of the funded project (the comparison 'during the project')."""
        return min(self.project_weeks, self.steps)

    @property
    def after_week(self) -> int:
        """The last week of the run (two years after the exit with the defaults)."""
        return self.steps


def load(path: str | Path) -> ValidationConfig:
    """Read and check a validation file; ``ValueError`` names the file, key and what is allowed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}: not valid TOML: {e}") from None
    return from_dict(data, source=str(path), text=text)


def _get(data: dict, section: str, key: str, where: str) -> Any:
    kind, default = _SCHEMA[section][key]
    value = data.get(section, {}).get(key, default() if callable(default) else default)
    if value is None:
        raise ValueError(f"{where}: [{section}] {key} is required")
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        name = kind.__name__ if isinstance(kind, type) else "value"
        raise ValueError(f"{where}: [{section}] {key}={value!r} is not allowed: expected {name}")
    return value


def _positive(value: int, label: str, where: str, minimum: int = 1) -> int:
    if value < minimum:
        raise ValueError(f"{where}: {label}={value} is not allowed: expected >= {minimum}")
    return value


def _strategies(values: list, label: str, where: str) -> list[str]:
    allowed = presets()
    for s in values:
        if s not in allowed:
            raise ValueError(
                f"{where}: {label} has {s!r}: expected strategies from {', '.join(allowed)}"
            )
    if not values:
        raise ValueError(f"{where}: {label} is empty: expected at least one strategy")
    return list(values)


def _levels(values: list, label: str, where: str) -> list[float]:
    out = []
    for v in values:
        try:
            out.append(PARAMETERS["segregation"].check(v))
        except ValueError as e:
            raise ValueError(f"{where}: {label}: {e}") from None
    if not out:
        raise ValueError(f"{where}: {label} is empty: expected segregation levels in [0, 1]")
    return out


def _values(values: list, name: str, where: str) -> list[float]:
    """``values`` of parameter ``name``, each checked against its declaration."""
    if name not in PARAMETERS or PARAMETERS[name].kind not in (int, float):
        raise ValueError(f"{where}: {name!r} is not a numeric model parameter")
    out = []
    for v in values:
        try:
            out.append(PARAMETERS[name].check(v))
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
    if not out:
        raise ValueError(f"{where}: no values given for {name}")
    return out


def from_dict(data: dict, source: str = "<dict>", text: str = "") -> ValidationConfig:
    """Build and check a configuration from parsed TOML (or an equivalent dict)."""
    where = source
    for section, body in data.items():
        if section not in _SCHEMA:
            raise ValueError(
                f"{where}: unknown section [{section}]: expected one of {', '.join(_SCHEMA)}"
            )
        if not isinstance(body, dict):
            raise ValueError(f"{where}: [{section}] must be a table")
        if section != "parameters":
            for key in body:
                if key not in _SCHEMA[section]:
                    raise ValueError(
                        f"{where}: unknown key {key!r} in [{section}]: expected one of "
                        f"{', '.join(_SCHEMA[section])}"
                    )
    params = dict(data.get("parameters", {}))
    if "strategy" in params or "role_mix" in params:
        raise ValueError(
            f"{where}: [parameters] must not set strategy or role_mix: the report varies them"
        )
    try:
        checked = validate(**params)
    except ValueError as e:
        raise ValueError(f"{where}: [parameters] {e}") from None
    g = lambda s, k: _get(data, s, k, where)  # noqa: E731
    steps = _positive(g("validation", "steps"), "[validation] steps", where)
    early = _positive(g("validation", "early_week"), "[validation] early_week", where)
    if early > min(steps, checked["project_weeks"]):
        raise ValueError(
            f"{where}: [validation] early_week={early} is not allowed: expected a week within "
            f"the project (<= project_weeks={checked['project_weeks']} and <= steps={steps})"
        )
    ranges: dict[str, tuple[float, float]] = {}
    for name, bounds in g("robustness", "ranges").items():
        if name not in PARAMETERS or PARAMETERS[name].kind not in (int, float):
            numeric = [p.name for p in PARAMETERS.values() if p.kind in (int, float)]
            raise ValueError(
                f"{where}: [robustness.ranges] unknown numeric parameter {name!r}: expected one "
                f"of {', '.join(numeric)}"
            )
        if not (isinstance(bounds, list) and len(bounds) == 2):
            raise ValueError(
                f"{where}: [robustness.ranges] {name}={bounds!r} is not allowed: expected "
                "[low, high]"
            )
        try:
            low, high = (PARAMETERS[name].check(b) for b in bounds)
        except ValueError as e:
            raise ValueError(f"{where}: [robustness.ranges] {e}") from None
        if not low < high:
            raise ValueError(
                f"{where}: [robustness.ranges] {name}={bounds!r} is not allowed: expected "
                "low < high"
            )
        ranges[name] = (float(low), float(high))
    rates = _values(g("regions", "learning_rates"), "expectation_learning_rate", where)
    waits = [int(v) for v in _values(g("regions", "wait_weeks"), "request_wait_weeks", where)]
    slices: dict[str, list[float]] = {}
    for name, values in g("regions", "slices").items():
        if not isinstance(values, list):
            raise ValueError(f"{where}: [regions.slices] {name} must be a list of values")
        slices[name] = _values(values, name, where)
    cells: list[tuple[float, int]] = []
    for cell in g("regions", "slice_cells"):
        if not (isinstance(cell, list) and len(cell) == 2):
            raise ValueError(
                f"{where}: [regions] slice_cells has {cell!r}: expected [learning rate, wait weeks]"
            )
        rate, wait = _values([cell[0]], "expectation_learning_rate", where) + _values(
            [cell[1]], "request_wait_weeks", where
        )
        cells.append((float(rate), int(wait)))
    phasing = [int(v) for v in _values(g("phasing", "weeks"), "phase_out_weeks", where)]
    for w in phasing:
        if w > checked["project_weeks"]:
            raise ValueError(
                f"{where}: [phasing] weeks has {w}: expected at most project_weeks="
                f"{checked['project_weeks']}"
            )
    off = list(g("off", "parameters"))
    for name in off:
        if name not in OFF:
            raise ValueError(
                f"{where}: [off] parameters has {name!r}: expected names from {', '.join(OFF)}"
            )
    off_phase = int(_values([g("off", "phase_out_weeks")], "phase_out_weeks", where)[0])
    if not 0 < off_phase <= checked["project_weeks"]:
        raise ValueError(
            f"{where}: [off] phase_out_weeks={off_phase} is not allowed: expected a phase-out "
            f"within the project (1..{checked['project_weeks']})"
        )
    return ValidationConfig(
        learning_rates=[float(v) for v in rates],
        wait_weeks=waits,
        slices=slices,
        slice_cells=cells,
        region_replications=_positive(
            g("regions", "replications"), "[regions] replications", where, 2
        ),
        phasing_weeks=phasing,
        phasing_strategies=_strategies(g("phasing", "strategies"), "[phasing] strategies", where),
        phasing_replications=_positive(
            g("phasing", "replications"), "[phasing] replications", where, 2
        ),
        off_parameters=off,
        off_strategies=_strategies(g("off", "strategies"), "[off] strategies", where),
        off_phase_out_weeks=off_phase,
        off_replications=_positive(g("off", "replications"), "[off] replications", where, 2),
        diagnosis_levels=[
            float(v) for v in _values(g("off", "diagnosis_noise"), "diagnosis_noise", where)
        ],
        source=source,
        text=text,
        name=g("validation", "name"),
        seed=g("validation", "seed"),
        steps=steps,
        early_week=early,
        parameters=params,
        decay_quarters=_positive(g("known", "decay_quarters"), "[known] decay_quarters", where),
        s_curve_runs=_positive(g("known", "s_curve_runs"), "[known] s_curve_runs", where),
        s_curve_weeks=_positive(g("known", "s_curve_weeks"), "[known] s_curve_weeks", where, 8),
        known_segregation_levels=_levels(
            g("known", "segregation_levels"), "[known] segregation_levels", where
        ),
        known_segregation_replications=_positive(
            g("known", "segregation_replications"), "[known] segregation_replications", where
        ),
        strategies=_strategies(g("comparison", "strategies"), "[comparison] strategies", where),
        replications=_positive(
            g("comparison", "replications"), "[comparison] replications", where, 2
        ),
        ablation_replications=_positive(
            g("ablation", "replications"), "[ablation] replications", where, 2
        ),
        segregation_levels=_levels(g("segregation", "levels"), "[segregation] levels", where),
        segregation_strategies=_strategies(
            g("segregation", "strategies"), "[segregation] strategies", where
        ),
        segregation_replications=_positive(
            g("segregation", "replications"), "[segregation] replications", where, 2
        ),
        robustness_samples=_positive(g("robustness", "samples"), "[robustness] samples", where, 0),
        robustness_replications=_positive(
            g("robustness", "replications"), "[robustness] replications", where
        ),
        robustness_ranges=ranges,
    )
