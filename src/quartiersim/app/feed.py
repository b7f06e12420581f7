"""The activity feed: the moments a trainer talks about, and the routine summed up.

The model's log (:mod:`quartiersim.activity`) records everything, ~20 entries a week in a busy
quarter. The feed reads it week by week: a **moment** — a group founded or dissolved, a claim
granted, refused or escalated, a conflict mediated or left open, households displaced, an
event, the project's exit, a problem made public by residents or solved for them by experts —
stands on its own line and is highlighted; **routine** of one kind
in one week (the workers' case work, outreach visits, small actions) becomes one line ("the
workers: case work 12 times this week"). The whole run is kept; the page shows the newest
lines and can export all of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from quartiersim import ACTIVITIES
from quartiersim.activity import Entry, describe
from quartiersim.app.texts import t

MOMENTS = frozenset(
    {
        "group_founded",
        "worker_founded_group",
        "group_dissolved",
        "claim_granted",
        "claim_refused",
        "claim_escalated",
        "conflict_mediated",
        "conflict_open",
        "households_moved",
        "ally_won",
        "ally_lost",
        "event",
        "project_exit",
        "problem_noticed",  # residents themselves made a problem public
        "solved_for_residents",  # experts solved a problem for them (top-down care)
    }
)
"""Log keys a trainer points at: each is shown on its own line, highlighted."""


@dataclass(frozen=True)
class Line:
    """One line of the feed: its week, its text, whether it is a moment, and the log key."""

    week: int
    text: str
    moment: bool
    key: str


def _activity_of() -> dict[str, str]:
    """Which declared activity writes each log key (for the routine summaries)."""
    return {key: name for name, a in ACTIVITIES.items() for key in a.messages}


def sentence(entry: Entry, lang: str, problem_kinds: Any = None) -> str:
    """One log entry as a sentence; a key newer than the texts is shown rather than lost."""
    try:
        return describe(entry, lang, problem_kinds=problem_kinds)
    except (KeyError, IndexError, ValueError):
        return f"{entry.key}: {entry.data}"


def lines(
    entries: Iterable[Entry], lang: str, problem_kinds: Any = None, moments_only: bool = False
) -> list[Line]:
    """The feed of ``entries`` (in log order), oldest first: moments one by one, routine of
    one kind and week summed up in one line."""
    owner = _activity_of()
    out: list[Line] = []
    week_entries: list[Entry] = []

    def flush() -> None:
        start = len(out)
        groups: dict[str, list[Entry]] = {}
        for e in week_entries:
            if e.key in MOMENTS:
                out.append(Line(e.week, sentence(e, lang, problem_kinds), True, e.key))
            elif not moments_only:
                if e.key not in groups:
                    groups[e.key] = []
                    out.append(Line(e.week, "", False, e.key))  # placeholder, keeps order
                groups[e.key].append(e)
        for k in range(start, len(out)):
            line = out[k]
            if line.text or line.moment or line.key not in groups:
                continue
            same = groups.pop(line.key)
            if len(same) == 1:
                text = sentence(same[0], lang, problem_kinds)
            elif line.key in owner:
                text = t(
                    "routine_activity",
                    lang,
                    activity=ACTIVITIES.label(owner[line.key], lang),
                    n=len(same),
                )
            else:
                text = (
                    sentence(same[0], lang, problem_kinds)
                    + " "
                    + t("more_like_it", lang, n=len(same) - 1)
                )
            out[k] = Line(line.week, text, False, line.key)
        week_entries.clear()

    week = None
    for entry in entries:
        if entry.week != week:
            flush()
            week = entry.week
        week_entries.append(entry)
    flush()
    return out


def feed_lines(model: Any, lang: str, moments_only: bool = False) -> list[Line]:
    """The whole feed of ``model``'s run, oldest first."""
    return lines(model.activity, lang, model.problems.kind, moments_only)


def to_csv(model: Any, lang: str) -> str:
    """The whole log of a run as CSV: week, kind, moment or not, sentence (one row per entry,
    nothing summed up)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["week", "key", "moment", "text"])
    for entry in model.activity:
        writer.writerow(
            [
                entry.week,
                entry.key,
                entry.key in MOMENTS,
                sentence(entry, lang, model.problems.kind),
            ]
        )
    return buffer.getvalue()
