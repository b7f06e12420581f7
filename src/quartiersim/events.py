"""Events that strike the quarter: triggered live by a trainer or scheduled by an experiment.

One mechanism for both: :meth:`QuartierModel.trigger` applies an event now; the ``events``
parameter (``"104:rent_increase"``) schedules it with Mesa's event list at the end of that week.
Each event changes exactly what its description says.

**Adding an event** is one declaration beside its function: ``@event(label=..., effect=...)``
(English and German). The browser view's buttons, the activity feed, the ``events`` parameter
(command line, experiment files) and the docs tables read :data:`EVENTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from quartiersim.arena import Arena
from quartiersim.groups import ActionGroups
from quartiersim.landlord import Landlord
from quartiersim.problems import KIND_INDEX, LATENT, VISIBLE
from quartiersim.registry import Registry, Text, as_text
from quartiersim.residents import Residents
from quartiersim.ties import Ties
from quartiersim.values import show, whole_number


class Quarter(Protocol):
    """What events use of the quarter: its state, and the entry points that change it."""

    residents: Residents
    ties: Ties
    groups: ActionGroups
    arena: Arena
    landlord: Landlord
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int
    home_xy: np.ndarray  # each resident's home cell
    hours_per_week: float  # of each worker
    project_weeks: int  # the funded project's length

    def add_problem(
        self,
        kind: int,
        severity: float | None = None,
        status: int = LATENT,
        at: tuple[int, int] | None = None,
    ) -> int: ...

    def random_location(self) -> tuple[int, int]: ...

    def replace_residents(self, who: np.ndarray) -> None: ...


@dataclass(frozen=True)
class Event:
    """An event that strikes the quarter: its name, its title and effect for people (English
    and German), the function that applies it, and any log sentences that function writes."""

    name: str
    apply: Callable[[Quarter], None]
    label: Text
    effect: Text
    messages: Mapping[str, Text] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", as_text(self.label))
        object.__setattr__(self, "effect", as_text(self.effect))
        object.__setattr__(self, "messages", {k: as_text(v) for k, v in self.messages.items()})


EVENTS: Registry[Event] = Registry("event")
"""Every event by name, in declaration order (the order of the browser view's buttons)."""


def event(
    *,
    label: tuple[str, str],
    effect: tuple[str, str],
    messages: Mapping[str, tuple[str, str]] | None = None,
    name: str | None = None,
) -> Callable[[Callable[[Quarter], None]], Callable[[Quarter], None]]:
    """Declare the decorated function as an event: ``label`` (a short title) and ``effect``
    (one sentence) are (English, German) pairs; ``name`` defaults to the function's name."""

    def declare(apply: Callable[[Quarter], None]) -> Callable[[Quarter], None]:
        EVENTS.add(
            Event(
                name=name or apply.__name__,
                apply=apply,
                label=Text(*label),
                effect=Text(*effect),
                messages={key: Text(*text) for key, text in (messages or {}).items()},
            )
        )
        return apply

    return declare


@event(
    label=("Rent increase", "Mieterhöhung"),
    effect=(
        "The housing company raises the rent: rent pressure on the whole quarter (one visible "
        "problem, severity at least 0.8 — never a second one); rent_displacement of the "
        "households, the least resourced first, move away and are replaced by newcomers.",
        "Das Wohnungsunternehmen erhöht die Miete: Mietdruck im ganzen Quartier (ein sichtbares "
        "Problem, Schwere mindestens 0,8 — nie ein zweites); der Anteil rent_displacement der "
        "Haushalte, die mit den geringsten Ressourcen zuerst, zieht weg und wird durch "
        "Neuzugezogene ersetzt.",
    ),
)
def rent_increase(m: Quarter) -> None:
    """The housing company announces a rent increase now (the same announcement it makes on its
    own schedule): one quarter-wide rent problem at a time, and displacement."""
    m.landlord.announce_rent_increase()


@event(
    label=("Company sold", "Verkauf an Investor"),
    effect=(
        "The housing company is sold to an investor: its responsiveness to tenants is drawn "
        "anew, lower (a share between 0 and 1 of what it was), on both channels.",
        "Das Wohnungsunternehmen wird an einen Investor verkauft: seine Offenheit für Mieter wird "
        "neu bestimmt, niedriger (ein Anteil zwischen 0 und 1 des bisherigen), auf beiden Wegen.",
    ),
)
def landlord_sale(m: Quarter) -> None:
    """The company is sold to an investor: its responsiveness is drawn anew, lower — the
    analogue of a new administration."""
    m.landlord.reset(float(m.landlord.baseline * m.rng.random()))


@event(
    label=("Funding cut", "Mittelkürzung"),
    effect=(
        "Workers' hours and groups' funds are halved.",
        "Arbeitsstunden und Gruppenmittel werden halbiert.",
    ),
)
def funding_cut(m: Quarter) -> None:
    """The project's funding is halved: workers' weekly hours and every group's funds halve."""
    m.hours_per_week *= 0.5
    for g in m.groups.active:
        g.funds *= 0.5


@event(
    label=("New administration", "Neue Verwaltungsspitze"),
    effect=(
        "The administration's responsiveness is drawn anew around its initial level, on both "
        "channels (what it learned is gone); half of the allies (those in local politics) are "
        "lost.",
        "Die Offenheit der Verwaltung wird um ihren Anfangswert neu bestimmt, auf beiden Wegen "
        "(was sie gelernt hat, ist weg); die Hälfte der Verbündeten (die aus der Lokalpolitik) "
        "geht verloren.",
    ),
)
def administration_change(m: Quarter) -> None:
    """A new administration: responsiveness is drawn anew around the initial level, and allies
    in local politics (half of all allies, at random) are lost."""
    a = m.arena
    drawn = m.rng.normal(m.p["baseline_responsiveness"], 0.15)
    a.administration.reset(float(np.clip(drawn, 0.0, 1.0)))
    held = np.flatnonzero(a.ally_of >= 0)
    lost = held[m.rng.random(len(held)) < 0.5]
    a.ally_of[lost] = -1


@event(
    label=("Open conflict", "Offener Konflikt"),
    effect=(
        "Youth space vs. quiet: two opposed problems appear at one place; ties between young "
        "and old nearby lose half their strength.",
        "Jugendtreff gegen Ruhe: zwei gegensätzliche Probleme an einem Ort; Beziehungen "
        "zwischen Jung und Alt in der Nähe verlieren die Hälfte ihrer Stärke.",
    ),
)
def open_conflict(m: Quarter) -> None:
    """An open conflict: a youth space is demanded where elderly neighbours want quiet. Both
    problems become visible at the same place, and ties between youth and elderly residents
    near it are damaged."""
    x, y = m.random_location()
    m.add_problem(KIND_INDEX["no_youth_space"], severity=0.6, status=VISIBLE, at=(x, y))
    m.add_problem(KIND_INDEX["noise"], severity=0.6, status=VISIBLE, at=(x, y))
    r = m.residents
    near = np.hypot(m.home_xy[:, 0] - x, m.home_xy[:, 1] - y) <= 10.0
    young, old = np.flatnonzero(near & (r.age == 0)), np.flatnonzero(near & (r.age == 2))
    m.ties.damage_cross_ties(young, old, factor=0.5)


@event(
    label=("New residents", "Neue Bewohner"),
    effect=(
        "10% of households are replaced by newcomers without ties or group.",
        "10% der Haushalte werden durch Neuzugezogene ohne Beziehungen und Gruppe ersetzt.",
    ),
)
def new_arrivals(m: Quarter) -> None:
    """Arrival of new residents: 10% of the households, at random, move away and newcomers
    move in — without ties, group or knowledge of the quarter."""
    r = m.residents
    k = max(1, int(0.1 * r.n))
    m.replace_residents(m.rng.choice(r.n, size=k, replace=False))


@event(
    label=("Early exit", "Vorzeitiges Projektende"),
    effect=(
        "The project ends now; the workers leave.",
        "Das Projekt endet jetzt; die Fachkräfte gehen.",
    ),
)
def early_exit(m: Quarter) -> None:
    """The project ends now: the workers leave."""
    m.project_weeks = min(m.project_weeks, m.steps)


def parse_schedule(value: object, *, name: str = "events") -> tuple[tuple[int, str], ...]:
    """Check an event schedule: ``["104:rent_increase", ...]`` or ``[(104, "rent_increase")]``.

    Returns sorted ``(week, event)`` pairs; raises ``ValueError`` naming the bad entry.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise ValueError(
            f"{name}={show(value)} is not allowed: expected a list of 'week:event' entries"
        )
    out = []
    for entry in value:
        week_text: object  # as written: text, a number of any kind, or something else
        event: object
        if isinstance(entry, str):
            week_text, _, event = entry.strip().partition(":")
        elif isinstance(entry, tuple | list) and len(entry) == 2:
            week_text, event = entry
        elif isinstance(entry, Mapping) and {"week", "event"} <= set(entry):
            week_text, event = entry["week"], entry["event"]
        else:
            raise ValueError(f"{name} entry {show(entry)} is not allowed: expected 'week:event'")
        event = str(event).strip()
        # Shown as 'week:event' however it was written, so every door gives the same message.
        week_shown = week_text.strip() if isinstance(week_text, str) else show(week_text)
        label = repr(f"{week_shown}:{event}")
        week = whole_number(week_text)
        if week is None:
            raise ValueError(
                f"{name} entry {label} has no valid week: expected a whole number of weeks, "
                "1 or later"
            )
        if event not in EVENTS:
            raise ValueError(
                f"{name} entry {label} names unknown event {event!r}: expected one of "
                f"{', '.join(EVENTS)}"
            )
        if week < 1:
            raise ValueError(f"{name} entry {label}: the week must be 1 or later")
        out.append((week, event))
    return tuple(sorted(out))
