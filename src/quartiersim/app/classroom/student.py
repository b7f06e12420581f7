"""What a student's page shows, as data: their team and worker, the open round, their plan,
what their worker did last round, their quarter's measures and a small map.

:func:`state` is everything for one participant, in their language; :func:`progress` is the
small update every page gets while a round fills (how many teams have chosen, the timer). Both
are plain JSON; the page (``static/play.js``) only draws them.

The map of a quarter is the same for every student who plays in it: :func:`map_json` encodes it
once per quarter and frame, and every student's message reuses the text — thirty students in
one quarter cost one encoding, not thirty.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any

import numpy as np

from quartiersim import MEASURES, ROLES
from quartiersim.app.classroom import texts
from quartiersim.app.classroom.choices import DISTRICTS, district_area, district_label
from quartiersim.app.classroom.room import (
    COMPETITION,
    DONE,
    EXIT,
    LOBBY,
    Classroom,
    Participant,
)
from quartiersim.app.feed import sentence
from quartiersim.app.session import Session
from quartiersim.app.texts import t as view_t
from quartiersim.problems import LATENT, SOLVED, VISIBLE

SHOWN_MEASURES = (
    "social_capital",
    "political_influence",
    "helplessness",
    "participation",
    "active_groups",
    "problems_solved",
)
"""The measures a student's page shows (the trainer's number tiles)."""

MAX_LINES = 40
"""Most log lines of their worker a student gets per round (the newest)."""

PROBLEM_STATUS = {LATENT: 0, VISIBLE: 1, SOLVED: 2}


def worker_label(index: int, lang: str) -> str:
    return view_t("worker_n", lang, n=index + 1)


def round_weeks(classroom: Classroom) -> tuple[int, int]:
    """First and last week of the open round."""
    first = classroom.week + 1
    return first, min(classroom.week + classroom.settings.weeks_per_round, classroom.project_weeks)


def progress(classroom: Classroom) -> dict[str, Any]:
    """What every page needs while a round fills: teams chosen, teams in all, seconds left."""
    with classroom.lock:
        teams = classroom.active_teams()
        waiting = classroom.waiting_for()
        left = classroom.seconds_left()
        return {
            "type": "progress",
            "version": classroom.version,
            "round": classroom.round,
            "submitted": len(teams) - len(waiting),
            "of": len(teams),
            "seconds_left": None if left is None else round(left),
        }


def value_text(measure: str, value: float) -> str:
    return f"{value:.2f}" if MEASURES[measure].unit_interval else f"{value:.0f}"


def state(classroom: Classroom, participant: Participant) -> dict[str, Any]:
    """Everything a participant's page shows, in their language (without the map: see
    :func:`message`)."""
    lang = participant.lang
    with classroom.lock:
        team = classroom.team_of(participant)
        session = classroom.session_of(team)
        others = [n for n in classroom.members(team) if n != participant.name]
        phase = classroom.phase
        first, last = round_weeks(classroom)
        if classroom.settings.mode == COMPETITION:
            workers = len(session.model.workers) if session is not None else 0
            role_line = texts.t("worker_competition", lang, n=workers or "?")
        elif others:
            role_line = texts.t(
                "worker_team",
                lang,
                others=", ".join(others),
                worker=worker_label(max(team.worker, 0), lang),
            )
        else:
            role_line = texts.t(
                "worker_shared", lang, worker=worker_label(max(team.worker, 0), lang)
            )
        if phase == LOBBY:
            status = texts.t("lobby", lang)
        elif phase == EXIT:
            status = texts.t("exit_status", lang, exit=classroom.project_weeks)
        elif phase == DONE:
            status = texts.t("done_status", lang, week=classroom.week)
        else:
            status = texts.t(
                "round_status",
                lang,
                round=classroom.round,
                first=first,
                last=last,
                exit=classroom.project_weeks,
            )
        width, height = classroom.size
        out: dict[str, Any] = {
            "type": "state",
            "lang": lang,
            "name": participant.name,
            "team": team.name,
            "members": classroom.members(team),
            "role_line": role_line,
            "mode": classroom.settings.mode,
            "phase": phase,
            "status": status,
            "round": classroom.round,
            "week": classroom.week,
            "budget": classroom.budget,
            "open": phase in ("lobby", "playing"),
            "roles": [
                {
                    "name": name,
                    "label": spec.label.pick(lang),
                    "explanation": spec.explanation.pick(lang),
                    "colour": spec.colour,
                    "placed": spec.placed,
                }
                for name, spec in ROLES.items()
            ],
            "districts": [
                {"key": key, "label": district_label(key, lang), "box": _box(key, width, height)}
                for key in DISTRICTS
            ],
            "choice": {"hours": dict(team.choice.hours), "areas": dict(team.choice.areas)},
            "chosen": team.submitted_round == classroom.round,
            "chosen_by": team.chosen_by,
            "played": bool(team.spent),
            "spent": {r: round(team.spent.get(r, 0.0), 1) for r in ROLES},
            "lines": _lines(team.entries, lang, session),
            "measures": _measures(classroom, team.name, session, lang),
            "rank": _rank(classroom, team.name),
            **{k: v for k, v in progress(classroom).items() if k != "type"},
        }
        return out


def _box(key: str, width: int, height: int) -> list[int] | None:
    area = district_area(key, width, height)
    return None if area is None else [area.x0, area.y0, area.x1, area.y1]


def _lines(entries: list[Any], lang: str, session: Session | None) -> list[str]:
    if session is None:
        return []
    kinds = session.model.problems.kind
    return [f"{e.week}: {sentence(e, lang, kinds)}" for e in entries[-MAX_LINES:]]


def _measures(
    classroom: Classroom, team: str, session: Session | None, lang: str
) -> list[dict[str, Any]]:
    if session is None:
        return []
    now = session.model.measures
    mine = [r for r in classroom.records if r.team == team]
    before = mine[-2].measures if len(mine) >= 2 else None
    out = []
    for m in SHOWN_MEASURES:
        change = None if before is None else float(now[m]) - before[m]
        out.append(
            {
                "name": m,
                "label": MEASURES.label(m, lang),
                "value": value_text(m, float(now[m])),
                "change": None if change is None else round(change, 3),
            }
        )
    return out


def _rank(classroom: Classroom, team: str) -> dict[str, int] | None:
    if classroom.settings.mode != COMPETITION or classroom.phase == LOBBY:
        return None
    rows = classroom.leaderboard()
    for row in rows:
        if row["team"] == team:
            return {
                "social_capital": row["rank_social_capital"],
                "political_influence": row["rank_political_influence"],
                "of": len(rows),
            }
    return None


# -- the map ----------------------------------------------------------------------------------

_maps: weakref.WeakKeyDictionary[Session, tuple[int, str]] = weakref.WeakKeyDictionary()
_maps_lock = threading.Lock()


def map_json(session: Session) -> str:
    """The quarter's map as JSON text, made once per frame: grid size, the cells (``0`` street,
    ``1``/``2`` buildings, ``3`` public places), every household's home cell, helplessness per
    household in ten steps (a digit each), problems (x, y, 0 latent / 1 visible / 2 solved)
    and the workers (x, y, colour of what they did most)."""
    from quartiersim.app.figures import main_activity

    with _maps_lock:
        cached = _maps.get(session)
        if cached is not None and cached[0] == session.frame:
            return cached[1]
    with session.lock:
        model = session.model
        lay = model.layout
        code = np.where(lay.building >= 0, 1 + lay.building % 2, 0)
        code = np.where(lay.place >= 0, 3, code)
        levels = np.clip((model.residents.helplessness * 10).astype(int), 0, 9)
        pr = model.problems
        problems = [
            [int(x), int(y), PROBLEM_STATUS.get(int(s), 0)]
            for x, y, s in zip(pr.x, pr.y, pr.status, strict=True)
        ]
        workers = []
        for w in model.workers:
            activity = main_activity(w)
            colour = ROLES[activity].colour if activity in ROLES else "#404040"
            x, y = w.cell.coordinate
            workers.append([int(x), int(y), colour if model.project_running else "#ffffff"])
        data = {
            "width": int(lay.width),
            "height": int(lay.height),
            # column by column from the south: cells[x * height + y]
            "cells": "".join(map(str, code.ravel().tolist())),
            "homes": model.home_xy.ravel().tolist(),
            "helpless": "".join(map(str, levels.tolist())),
            "problems": problems,
            "workers": workers,
        }
        text = json.dumps(data, separators=(",", ":"))
        frame = session.frame
    with _maps_lock:
        _maps[session] = (frame, text)
    return text


def message(classroom: Classroom, participant: Participant) -> str:
    """A participant's full state as the text of one websocket message (map included)."""
    data = state(classroom, participant)
    with classroom.lock:
        team = classroom.team_of(participant)
        session = classroom.session_of(team)
        mine = [] if classroom.shared is None else [team.worker]
    data["my_workers"] = mine
    body = json.dumps(data, separators=(",", ":"))
    if session is None:
        return body[:-1] + ',"map":null}'
    return body[:-1] + ',"map":' + map_json(session) + "}"
