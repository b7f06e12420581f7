"""Designs beyond the full grid: combinations left out, and parameter values sampled over ranges.

Two sections of an experiment file (``docs/researchers.md`` has the reference)::

    [[exclude]]           combinations of the sweep (and variants) that make no sense
    strategy = "none"     e.g. no intervention at 20 or 39 hours: the same runs as at 10
    hours_per_week = [20, 39]

    [sample]              a space-filling design over ranges, crossed with the sweep
    method = "latin_hypercube"      # or "monte_carlo"
    points = 40
    [sample.ranges]
    segregation = [0.0, 1.0]
    outreach_acceptance = [0.2, 0.5]

A sampled point is nothing but a set of parameter values: each of its runs has the identity
and seed any run with those values would have (:mod:`.identity`), so sampled experiments are
resumable, seeded and cluster-ready like a grid. The points are drawn with SciPy's
:mod:`scipy.stats.qmc` from a seed derived from the experiment seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from quartiersim.experiments.identity import canonical, canonical_json, derive_seed
from quartiersim.experiments.source import Source, check_keys, check_parameter, get_int, suggest
from quartiersim.parameters import PARAMETERS

METHODS: dict[str, str] = {
    "latin_hypercube": "Latin hypercube: every range cut into `points` equal strata, each "
    "stratum of each parameter sampled once (McKay, Beckman & Conover 1979)",
    "monte_carlo": "Monte Carlo: independent uniform draws",
}

SAMPLE_KEYS: dict[str, str] = {
    "method": "'latin_hypercube' or 'monte_carlo'",
    "points": "an integer >= 2 (parameter sets drawn)",
    "ranges": "a table name = [low, high] of numeric parameters",
}

DESIGN_POINT = "design_point"
"""The result column that numbers a sampled point (0, 1, ...): runs of different conditions at
the same point share the sampled values."""


@dataclass(frozen=True)
class Sample:
    """A sampled design: ``points`` parameter sets drawn over ``ranges`` by ``method``."""

    method: str
    points: int
    ranges: dict[str, tuple[float, float]]

    def values(self, experiment_seed: int) -> list[dict[str, Any]]:
        """The drawn parameter sets, in order; integer parameters rounded."""
        from scipy.stats import qmc

        rng = np.random.default_rng(derive_seed(experiment_seed, ["sample", self.method]))
        names = list(self.ranges)
        if self.method == "latin_hypercube":
            unit = qmc.LatinHypercube(d=len(names), rng=rng).random(self.points)
        else:
            unit = rng.random((self.points, len(names)))
        low = np.array([self.ranges[n][0] for n in names])
        high = np.array([self.ranges[n][1] for n in names])
        scaled = low + unit * (high - low)
        out = []
        for row in scaled:
            point = {}
            for name, x in zip(names, row, strict=True):
                point[name] = round(float(x)) if PARAMETERS[name].kind is int else float(x)
            out.append(point)
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "points": self.points,
            "ranges": {k: list(v) for k, v in self.ranges.items()},
        }


@dataclass(frozen=True)
class Exclusion:
    """One ``[[exclude]]`` table: a condition is left out when each key's value is one of the
    listed ones."""

    values: dict[str, tuple[Any, ...]]

    def matches(self, variant: str | None, params: Mapping[str, Any]) -> bool:
        for key, allowed in self.values.items():
            value = variant if key == "variant" else params.get(key)
            if canonical_json(value) not in {canonical_json(v) for v in allowed}:
                return False
        return True

    def describe(self) -> dict[str, Any]:
        return {k: canonical(list(v)) for k, v in self.values.items()}

    def text(self) -> str:
        parts = []
        for k, v in self.values.items():
            shown = ", ".join(str(canonical(x)) for x in v)
            parts.append(f"{k} = {shown}" if len(v) == 1 else f"{k} in {{{shown}}}")
        return " and ".join(parts)


def parse_sample(
    src: Source,
    doc: dict[str, Any],
    fixed: Mapping[str, Any],
    varied: set[str],
    overridden: set[str] | None = None,
) -> Sample | None:
    """The ``[sample]`` section, checked: ranges of numeric parameters that are neither fixed
    nor swept nor set by a variant. A range whose parameter ``--set`` fixes (``overridden``) is
    dropped; with none left, there is no sample."""
    if "sample" not in doc:
        return None
    table = doc["sample"]
    if not isinstance(table, dict):
        raise src.error(None, "sample", "expected a table [sample]")
    check_keys(src, "sample", table, SAMPLE_KEYS)
    method = table.get("method", "latin_hypercube")
    if method not in METHODS:
        raise src.error(
            "sample",
            "method",
            f"unknown method {method!r}{suggest(str(method), METHODS)}; allowed: "
            + ", ".join(METHODS),
        )
    points = get_int(src, "sample", table, "points", None, low=2)
    ranges_table = table.get("ranges")
    if not isinstance(ranges_table, dict) or not ranges_table:
        raise src.error(
            "sample", None, "missing [sample.ranges]: at least one name = [low, high] to sample"
        )
    ranges: dict[str, tuple[float, float]] = {}
    section = "sample.ranges"
    for name, value in ranges_table.items():
        if name not in PARAMETERS:
            raise src.error(section, name, f"unknown parameter{suggest(name, PARAMETERS)}")
        if PARAMETERS[name].kind not in (int, float):
            raise src.error(
                section,
                name,
                f"{name} is not numeric: sample numbers, and sweep other values in [sweep]",
            )
        if name in (overridden or ()):
            continue
        if name in fixed or name in varied:
            raise src.error(
                section,
                name,
                f"{name} is also fixed in [parameters] or varied by [sweep] or a variant: keep one",
            )
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise src.error(section, name, f"expected [low, high], got {value!r}")
        lo, hi = (check_parameter(src, section, name, v) for v in value)
        if not lo < hi:
            raise src.error(section, name, f"low must be below high, got [{lo}, {hi}]")
        ranges[name] = (float(lo), float(hi))
    return Sample(method, points, ranges) if ranges else None


def parse_exclusions(
    src: Source, doc: dict[str, Any], levels: Mapping[str, tuple[Any, ...]]
) -> tuple[Exclusion, ...]:
    """The ``[[exclude]]`` tables, checked: keys are varied factors (``variant`` or a swept
    parameter), values are levels they take."""
    if "exclude" not in doc:
        return ()
    tables = doc["exclude"]
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise src.error(
            "exclude", None, 'expected [[exclude]] tables, e.g. strategy = "none" with a list'
        )
    out = []
    for i, table in enumerate(tables):
        if not table:
            raise src.error("exclude", None, f"[[exclude]] number {i + 1} is empty")
        values: dict[str, tuple[Any, ...]] = {}
        for key, raw in table.items():
            if key not in levels:
                raise src.error(
                    "exclude",
                    key,
                    f"{key!r} is not varied in this experiment{suggest(key, levels)}: exclude "
                    f"by {', '.join(levels) or '(nothing is varied)'}",
                    occurrence=i,
                )
            items = raw if isinstance(raw, list) else [raw]
            checked = []
            for item in items:
                value = item if key == "variant" else check_parameter(src, "exclude", key, item)
                if canonical_json(value) not in {canonical_json(v) for v in levels[key]}:
                    shown = ", ".join(repr(canonical(v)) for v in levels[key])
                    raise src.error(
                        "exclude",
                        key,
                        f"{canonical(value)!r} is not one of the values of {key} ({shown})",
                        occurrence=i,
                    )
                checked.append(value)
            values[key] = tuple(checked)
        out.append(Exclusion(values))
    return tuple(out)
