"""What a student decides each round: how their worker's week is split over the roles, and where
the roles that go somewhere are sent — checked before anything reaches the model.

A choice is **hours per role** (every role of :data:`quartiersim.ROLES`, so a seventh role
appears by itself; top-down case work is not offered: students play community workers) that
add up to the worker's week, and for each role declared ``placed`` a **district** of the quarter
(or the whole quarter). Districts are the quarter cut into three by three parts, named by the
compass; :func:`district_area` turns one into the model's :class:`~quartiersim.quarter.Area`.

:func:`parse_choice` reads a choice from a student's request. Its own checks give messages a
student understands, in their language (:class:`Refusal`); the model's checks
(:func:`quartiersim.roles.check_role_mix`, :func:`quartiersim.quarter.check_area`) have the
last word on every value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quartiersim import ACTIVITIES, ROLES
from quartiersim.quarter import Area, check_area
from quartiersim.roles import check_role_mix

WHOLE = "all"
"""The district key of the whole quarter (no area)."""

DISTRICTS: dict[str, tuple[tuple[int, int], tuple[str, str]]] = {
    WHOLE: ((-1, -1), ("whole quarter", "ganzes Quartier")),
    "nw": ((0, 2), ("north-west", "Nordwesten")),
    "n": ((1, 2), ("north", "Norden")),
    "ne": ((2, 2), ("north-east", "Nordosten")),
    "w": ((0, 1), ("west", "Westen")),
    "c": ((1, 1), ("centre", "Mitte")),
    "e": ((2, 1), ("east", "Osten")),
    "sw": ((0, 0), ("south-west", "Südwesten")),
    "s": ((1, 0), ("south", "Süden")),
    "se": ((2, 0), ("south-east", "Südosten")),
}
"""District key -> (column, row) of the three-by-three cut (row 0 is the south: on the map,
north is up) and its name in English and German."""

HOURS_TOLERANCE = 0.5
"""How far the planned hours may miss the week (sliders move in half hours)."""

MAX_HOURS_TEXT = 40
"""Longest text accepted for an hours value (a number needs far fewer characters)."""


def district_label(key: str, lang: str) -> str:
    """A district's name for people."""
    names = DISTRICTS[key][1]
    return names[1] if lang == "de" else names[0]


def district_area(key: str, width: int, height: int) -> Area | None:
    """The cells of district ``key`` in a ``width`` x ``height`` quarter (``None``: the whole
    quarter), checked by the model's own :func:`~quartiersim.quarter.check_area`."""
    if key not in DISTRICTS:
        raise ValueError(f"district {key!r} is not known: expected one of {', '.join(DISTRICTS)}")
    (column, row), _ = DISTRICTS[key]
    if key == WHOLE:
        return None
    xs = [round(width * k / 3) for k in range(4)]
    ys = [round(height * k / 3) for k in range(4)]
    return check_area((xs[column], ys[row], xs[column + 1], ys[row + 1]), width, height)


def placed_roles() -> list[str]:
    """The roles that go somewhere and can be sent to a district (declared ``placed``)."""
    return [name for name, spec in ROLES.items() if spec.placed]


@dataclass(frozen=True)
class Choice:
    """One team's plan for its worker(s): hours per role in one week, and the district each
    role that goes somewhere is sent to (roles not named work across the whole quarter)."""

    hours: Mapping[str, float]
    areas: Mapping[str, str] = field(default_factory=dict)

    def mix(self) -> dict[str, float]:
        """The plan as the model's role mix (shares of the hours over every activity)."""
        mix = check_role_mix({a: float(self.hours.get(a, 0.0)) for a in ACTIVITIES})
        assert mix is not None
        return mix

    def total(self) -> float:
        return float(sum(self.hours.values()))


def even_choice(budget: float) -> Choice:
    """The plan a team starts with: the week split evenly over the roles, everywhere."""
    share = budget / len(ROLES) if len(ROLES) else 0.0
    return Choice({role: share for role in ROLES})


class Refusal(ValueError):
    """A request that cannot be done (a choice, a name, a join): ``key`` names the problem for
    the texts (:mod:`quartiersim.app.classroom.texts`), in the asker's language; ``data`` fills
    it in."""

    def __init__(self, key: str, **data: Any) -> None:
        super().__init__(f"{key}: {data}")
        self.key = key
        self.data = data


def _number(value: Any) -> float | None:
    """A finite number from JSON (or a short numeric text), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > MAX_HOURS_TEXT:
            return None
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_choice(data: Any, budget: float, width: int, height: int) -> Choice:
    """A student's choice from a request body (``{"hours": {role: h}, "areas": {role:
    district}}``), checked: known roles, hours that are numbers >= 0 and add up to the week
    (``budget`` hours) or to nothing, districts that exist and roles that can be sent there.
    Raises :class:`Refusal`; the model's checks run last."""
    if not isinstance(data, Mapping) or set(data) - {"hours", "areas"}:
        raise Refusal("bad_request")
    raw_hours = data.get("hours", {})
    raw_areas = data.get("areas", {}) or {}
    if not isinstance(raw_hours, Mapping) or not isinstance(raw_areas, Mapping):
        raise Refusal("bad_request")
    hours: dict[str, float] = {}
    for role, value in raw_hours.items():
        if role not in ROLES:
            raise Refusal("unknown_role", value=str(role)[:40])
        number = _number(value)
        if number is None or number < 0:
            raise Refusal("bad_hours", role=role, value=str(value)[:40])
        hours[role] = number
    total = sum(hours.values())
    if total > 0 and abs(total - budget) > HOURS_TOLERANCE:
        raise Refusal("hours_must_add_up", total=total, budget=budget)
    areas: dict[str, str] = {}
    placed = placed_roles()
    for role, key in raw_areas.items():
        if role not in ROLES:
            raise Refusal("unknown_role", value=str(role)[:40])
        if role not in placed:
            raise Refusal("not_placed", role=role)
        if not isinstance(key, str) or key not in DISTRICTS:
            raise Refusal("unknown_district", value=str(key)[:40])
        if key != WHOLE:
            areas[role] = key
    choice = Choice({role: hours.get(role, 0.0) for role in ROLES}, areas)
    try:  # the model's own checks have the last word
        choice.mix()
        for key in areas.values():
            district_area(key, width, height)
    except ValueError as e:
        raise Refusal("rejected", detail=str(e)) from None
    return choice


def apply_choice(worker: Any, choice: Choice) -> None:
    """Give a community worker this plan: its role mix and, for every role that goes somewhere,
    its district (or the whole quarter) — through the worker's own entry points."""
    worker.set_role_mix(choice.mix())
    width, height = worker.quarter.p["width"], worker.quarter.p["height"]
    for role in placed_roles():
        worker.set_area(role, district_area(choice.areas.get(role, WHOLE), width, height))
