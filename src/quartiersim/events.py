"""Events that strike the quarter: triggered live by a trainer or scheduled by an experiment.

One mechanism for both: :meth:`QuartierModel.trigger` applies an event now; the ``events``
parameter (``"104:rent_increase"``) schedules it with Mesa's event list at the end of that week.
Each event changes exactly what its description says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from quartiersim.arena import damage_cross_ties
from quartiersim.problems import KIND_INDEX, VISIBLE

if TYPE_CHECKING:
    from quartiersim.model import QuartierModel


@dataclass(frozen=True)
class Event:
    """An event that strikes the quarter: its name, English and German title and effect, and the
    function that applies it."""

    name: str
    en: str
    de: str
    effect_en: str
    effect_de: str
    apply: Callable[[QuartierModel], None]


def rent_increase(m: QuartierModel) -> None:
    """Rent pressure across the quarter (a new, visible problem) and displacement: 5% of the
    households, the least resourced first in line, move away and are replaced by newcomers."""
    m.add_problem(KIND_INDEX["rent_pressure"], severity=0.8, status=VISIBLE)
    r = m.residents
    k = max(1, int(0.05 * r.n))
    vulnerability = 1.0 - r.activated.mean(axis=1) + 0.01
    leaving = m.rng.choice(r.n, size=k, replace=False, p=vulnerability / vulnerability.sum())
    m.replace_residents(leaving)


def funding_cut(m: QuartierModel) -> None:
    """The project's funding is halved: workers' weekly hours and every group's funds halve."""
    m.hours_per_week *= 0.5
    for g in m.groups.active:
        g.funds *= 0.5


def administration_change(m: QuartierModel) -> None:
    """A new administration: responsiveness is drawn anew around the initial level, and allies
    in local politics (half of all allies, at random) are lost."""
    a = m.arena
    a.baseline = float(np.clip(m.rng.normal(m.p["admin_responsiveness"], 0.15), 0.0, 1.0))
    a.responsiveness = a.baseline
    held = np.flatnonzero(a.ally_of >= 0)
    lost = held[m.rng.random(len(held)) < 0.5]
    a.ally_of[lost] = -1


def open_conflict(m: QuartierModel) -> None:
    """An open conflict: a youth space is demanded where elderly neighbours want quiet. Both
    problems become visible at the same place, and ties between youth and elderly residents
    near it are damaged."""
    x, y = m.random_location()
    m.add_problem(KIND_INDEX["no_youth_space"], severity=0.6, status=VISIBLE, at=(x, y))
    m.add_problem(KIND_INDEX["noise"], severity=0.6, status=VISIBLE, at=(x, y))
    r = m.residents
    near = np.hypot(m.home_xy[:, 0] - x, m.home_xy[:, 1] - y) <= 10.0
    young, old = np.flatnonzero(near & (r.age == 0)), np.flatnonzero(near & (r.age == 2))
    damage_cross_ties(m, young, old, factor=0.5)


def new_arrivals(m: QuartierModel) -> None:
    """Arrival of new residents: 10% of the households, at random, move away and newcomers
    move in — without ties, group or knowledge of the quarter."""
    r = m.residents
    k = max(1, int(0.1 * r.n))
    m.replace_residents(m.rng.choice(r.n, size=k, replace=False))


def early_exit(m: QuartierModel) -> None:
    """The project ends now: the workers leave."""
    m.project_weeks = min(m.project_weeks, m.steps)


EVENTS: dict[str, Event] = {
    e.name: e
    for e in (
        Event(
            "rent_increase",
            "Rent increase",
            "Mieterhöhung",
            "Rent pressure on the whole quarter; 5% of households are displaced.",
            "Mietdruck im ganzen Quartier; 5% der Haushalte werden verdrängt.",
            rent_increase,
        ),
        Event(
            "funding_cut",
            "Funding cut",
            "Mittelkürzung",
            "Workers' hours and groups' funds are halved.",
            "Arbeitsstunden und Gruppenmittel werden halbiert.",
            funding_cut,
        ),
        Event(
            "administration_change",
            "New administration",
            "Neue Verwaltungsspitze",
            "Responsiveness is drawn anew; half of the allies are lost.",
            "Die Offenheit der Verwaltung wird neu bestimmt; die Hälfte der Verbündeten "
            "geht verloren.",
            administration_change,
        ),
        Event(
            "open_conflict",
            "Open conflict",
            "Offener Konflikt",
            "Youth space vs. quiet: two opposed problems, damaged ties between young and old.",
            "Jugendtreff gegen Ruhe: zwei gegensätzliche Probleme, beschädigte Beziehungen "
            "zwischen Jung und Alt.",
            open_conflict,
        ),
        Event(
            "new_arrivals",
            "New residents",
            "Neue Bewohner",
            "10% of households are replaced by newcomers without ties.",
            "10% der Haushalte werden durch Neuzugezogene ohne Beziehungen ersetzt.",
            new_arrivals,
        ),
        Event(
            "early_exit",
            "Early exit",
            "Vorzeitiges Projektende",
            "The project ends now; the workers leave.",
            "Das Projekt endet jetzt; die Fachkräfte gehen.",
            early_exit,
        ),
    )
}


def parse_schedule(value: object, *, name: str = "events") -> tuple[tuple[int, str], ...]:
    """Check an event schedule: ``["104:rent_increase", ...]`` or ``[(104, "rent_increase")]``.

    Returns sorted ``(week, event)`` pairs; raises ``ValueError`` naming the bad entry.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, Iterable):
        raise ValueError(f"{name}={value!r} is not allowed: expected a list of 'week:event'")
    out = []
    for entry in value:
        if isinstance(entry, str):
            week_text, _, event = entry.strip().partition(":")
        elif isinstance(entry, tuple | list) and len(entry) == 2:
            week_text, event = entry
        elif isinstance(entry, dict) and {"week", "event"} <= set(entry):
            week_text, event = entry["week"], entry["event"]
        else:
            raise ValueError(f"{name} entry {entry!r} is not allowed: expected 'week:event'")
        try:
            week = int(week_text)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} entry {entry!r} has no valid week: expected 'week:event' with a whole "
                "number of weeks"
            ) from None
        event = str(event).strip()
        if event not in EVENTS:
            raise ValueError(
                f"{name} entry {entry!r} names unknown event {event!r}: expected one of "
                f"{', '.join(EVENTS)}"
            )
        if week < 1:
            raise ValueError(f"{name} entry {entry!r}: the week must be 1 or later")
        out.append((week, event))
    return tuple(sorted(out))
