"""The activity log: what workers, groups, the administration and events did, week by week.

Mechanisms record structured entries (a key and its data); :func:`describe` turns an entry into
a sentence in English or German for the browser view's activity feed and the command line.
The sentences of the quarter's own processes (groups, the arena, problems, the project) are
here; each role and each event declares the sentences of its own mechanism
(:data:`quartiersim.roles.ACTIVITIES`, :data:`quartiersim.events.EVENTS`), and
:data:`MESSAGES` shows them all as one table.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from quartiersim.events import EVENTS
from quartiersim.problems import PROBLEM_KINDS
from quartiersim.quarter import PLACE_NAMES
from quartiersim.registry import Text
from quartiersim.roles import ACTIVITIES


@dataclass(frozen=True)
class Entry:
    """One record of the activity log: the week, what happened (``key``, see :data:`MESSAGES`) and
    its details."""

    week: int
    key: str
    data: dict[str, Any] = field(default_factory=dict)


QUARTER_MESSAGES: dict[str, tuple[str, str]] = {
    "group_founded": (
        "Residents founded group {group} about {problem} ({members:member|members}).",
        "Bewohner gründeten Gruppe {group} zu {problem} ({members:Mitglied|Mitglieder}).",
    ),
    "residents_joined": (
        "New members for group {group}: {count}.",
        "Neue Mitglieder für Gruppe {group}: {count}.",
    ),
    "small_action": (
        "Group {group} held a small action with {present:resident|residents}.",
        "Gruppe {group} machte eine kleine Aktion mit {present:Bewohner|Bewohnern}.",
    ),
    "group_dissolved": (
        "Group {group} dissolved ({reason}).",
        "Gruppe {group} löste sich auf ({reason}).",
    ),
    "new_cause": (
        "Group {group} took up {problem}.",
        "Gruppe {group} nahm sich {problem} vor.",
    ),
    "assembly": (
        "Resident assembly: {claims:claim|claims}.",
        "Bewohnerversammlung: {claims:Forderung|Forderungen}.",
    ),
    "conflict_mediated": (
        "The claims of groups {a} and {b} were mediated into a compromise.",
        "Die Forderungen der Gruppen {a} und {b} wurden zu einem Kompromiss vermittelt.",
    ),
    "conflict_open": (
        "Groups {a} and {b} clashed openly; their voice split.",
        "Gruppen {a} und {b} gerieten offen in Konflikt; ihre Stimme spaltete sich.",
    ),
    "claim_granted": (
        "The administration granted a claim: {problems} solved.",
        "Die Verwaltung gab einer Forderung statt: {problems} gelöst.",
    ),
    "claim_refused": (
        "The administration refused group {group}'s claim.",
        "Die Verwaltung lehnte die Forderung von Gruppe {group} ab.",
    ),
    "claim_escalated": (
        "Refused, group {group} went public and kept up the pressure.",
        "Abgelehnt – Gruppe {group} ging an die Öffentlichkeit und erhöhte den Druck.",
    ),
    "ally_won": ("Group {group} won an ally.", "Gruppe {group} gewann einen Verbündeten."),
    "ally_lost": ("Group {group} lost an ally.", "Gruppe {group} verlor einen Verbündeten."),
    "problem_noticed": (
        "Residents made {problem} public.",
        "Bewohner machten {problem} öffentlich.",
    ),
    "problem_arose": ("A new problem arose: {problem}.", "Ein neues Problem: {problem}."),
    "routine_repair": (
        "The administration fixed {problem} on its own routine.",
        "Die Verwaltung behob {problem} im Routinebetrieb.",
    ),
    "event": ("Event: {event}.", "Ereignis: {event}."),
    "households_moved": (
        "{count:household|households} moved away; newcomers without ties moved in.",
        "{count:Haushalt zog|Haushalte zogen} weg; Neuzugezogene ohne Beziehungen zogen ein.",
    ),
    "project_exit": (
        "The project ended; the workers left the quarter.",
        "Das Projekt endete; die Fachkräfte verließen das Quartier.",
    ),
}
"""Sentences of the quarter's own processes (groups, arena, problems, the project), by log key."""


class Messages(Mapping[str, Text]):
    """Every log sentence by key: the quarter's own (:data:`QUARTER_MESSAGES`), then those each
    declared activity and event brings. Live: a role declared later adds its sentences."""

    def _tables(self) -> Iterator[Mapping[str, Any]]:
        yield QUARTER_MESSAGES
        for a in ACTIVITIES.values():
            yield a.messages
        for e in EVENTS.values():
            yield e.messages

    def __getitem__(self, key: str) -> Text:
        for table in self._tables():
            if key in table:
                return Text(*table[key])
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (key for table in self._tables() for key in table)

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables())


MESSAGES = Messages()
"""Every sentence of the log by key (English, German): what :func:`describe` uses."""

REASONS: dict[str, tuple[str, str]] = {
    "attendance": ("falling attendance", "schwindende Teilnahme"),
    "leaderless": ("nobody left to lead it", "niemand mehr, der sie leitet"),
}
"""Why a group dissolved, for people (the log keeps the short key)."""


class _Counted(string.Formatter):
    """``{n:claim|claims}`` → ``1 claim``, ``3 claims``: a count with the noun in the right
    number (English and German both use the singular for exactly one)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return f"{value} {one if value == 1 else many}"
        return super().format_field(value, format_spec)


_COUNTED = _Counted()


def plural_forms(text: str) -> list[tuple[str, str]]:
    """The (singular, plural) pairs a log sentence uses, e.g. ``[("claim", "claims")]``."""
    return [
        tuple(spec.split("|", 1))  # type: ignore[misc]
        for _, _, spec, _ in _COUNTED.parse(text)
        if spec and "|" in spec
    ]


def problem_label(kind: int, lang: str = "en") -> str:
    """A problem kind's name for people: English (``poor lighting``) or German (``schlechte
    Beleuchtung``)."""
    spec = PROBLEM_KINDS[kind]
    return spec.german if lang == "de" else spec.name.replace("_", " ")


def describe(entry: Entry, lang: str = "en", problem_kinds: Any = None) -> str:
    """One log entry as a sentence. ``problem_kinds`` maps problem id to kind for names."""
    text = MESSAGES[entry.key]
    data = dict(entry.data)
    for key in ("problem", "problems"):
        if key in data and problem_kinds is not None:
            ids = data[key] if isinstance(data[key], tuple | list) else (data[key],)
            data[key] = " + ".join(problem_label(problem_kinds[int(p)], lang) for p in ids)
    if entry.key == "event" and data.get("event") in EVENTS:
        data["event"] = EVENTS[data["event"]].label.pick(lang)
    if data.get("place") in PLACE_NAMES:
        data["place"] = PLACE_NAMES[data["place"]][1 if lang == "de" else 0]
    if "worker" in data and lang == "de":
        data["worker"] = data["worker"].replace("worker", "Fachkraft")
    if data.get("reason") in REASONS:
        data["reason"] = REASONS[data["reason"]][1 if lang == "de" else 0]
    return _COUNTED.format(text.pick(lang), **data)
