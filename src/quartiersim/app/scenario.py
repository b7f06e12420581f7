"""A scenario: everything needed to bring a run of the view back — seed, parameters,
strategies, the custom mix, language, the week reached and what was done on the way.

The same information travels three ways:

- **the page's address** (:func:`to_query`, :func:`from_query`): query parameters named after
  the model parameters, with values in the command line's syntax
  (``?seed=3&strategy=custom&role_mix=door_opener=0.3,dialogue_manager=0.2&hours_per_week=30``),
  plus ``lang``, ``compare`` (quarter B's strategy), ``week`` (run forward to that week) and
  ``actions`` (what was done during the run, e.g. ``12:event=rent_increase;52:strategy=none``).
  The page keeps its address up to date, so a reload brings the run back, and a link opens a
  prepared comparison;
- **a scenario file** (:func:`to_json`, :func:`from_json`): the same in JSON, saved and opened
  from the page;
- **a session** (:func:`capture`, :func:`restore`): the running quarters.

Values are checked by the same declarations as everywhere else; a bad value becomes a
:class:`~quartiersim.app.session.Notice` naming it, and the rest of the scenario still applies.
Bringing a run back replays it: the model is reproducible, so the same seed, settings and
actions give the same quarters, week for week.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from quartiersim import PARAMETERS
from quartiersim.app.session import (
    ACTION_KINDS,
    Action,
    Notice,
    Session,
    mix_text,
    parse_mix,
    tunable_parameters,
)
from quartiersim.app.texts import LANGUAGES
from quartiersim.parameters import SEMINAR, check_seed

FORMAT = "quartiersim-scenario"
VERSION = 1
MAX_WEEK = 5200
"""The furthest a scenario may run forward (100 years): a typo must not keep a page busy."""
PAGE_KEYS = ("seed", "lang", "compare", "week", "actions")
"""Query parameters that are not model parameters."""


@dataclass
class Scenario:
    """What a run of the view is made of; every field has the value of a fresh page."""

    seed: int = 1
    params: dict[str, Any] = field(default_factory=dict)  # model parameters that differ
    strategy: str = "empowerment"
    compare: str | None = None  # quarter B's strategy, or None for one quarter
    role_mix: dict[str, float] | None = None  # the custom mix, when it was changed
    lang: str = "en"
    week: int = 0
    actions: list[Action] = field(default_factory=list)


# -- from and to a session -----------------------------------------------------------------


def capture(session: Session, lang: str) -> Scenario:
    """The scenario of a running session: its settings as of the last reset, what was done
    since, and the week it has reached."""
    with session.lock:
        start = getattr(session, "start", {})
        defaults = {p.name: page_default(p.name) for p in tunable_parameters()}
        params = {k: v for k, v in session.applied.items() if defaults.get(k) != v}
        if session.scheduled:
            params["events"] = session.scheduled
        initial_mix = start.get("role_mix", session.custom_mix)
        fresh = {a: (1.0 if a in _roles() else 0.0) for a in initial_mix}
        return Scenario(
            seed=session.applied_seed,
            params=params,
            strategy=start.get("strategy", session.strategy_a),
            compare=start.get("strategy_b", session.strategy_b) if session.compare else None,
            role_mix=None if initial_mix == fresh else dict(initial_mix),
            lang=lang,
            week=session.week,
            actions=list(session.actions),
        )


def _roles() -> Any:
    from quartiersim import ROLES

    return ROLES


def page_default(name: str) -> Any:
    """A parameter's value on a fresh page: the seminar preset's, else the declared default.
    A scenario names only what differs from it, so a link without a size opens the seminar
    quarter the trainers' guide was written on."""
    return SEMINAR.values.get(name, PARAMETERS[name].default)


def restore(scenario: Scenario, session: Session | None = None) -> tuple[Session, list[Notice]]:
    """A session that has run ``scenario``: built from its settings, its actions replayed at
    their weeks, stepped to its week. Returns the notices of whatever could not be applied."""
    notices: list[Notice] = []
    session = session or Session()
    with session.lock:
        session.seed = scenario.seed
        for spec in tunable_parameters():
            session.params[spec.name] = scenario.params.get(spec.name, page_default(spec.name))
        session.scheduled = tuple(scenario.params.get("events", ()))
        session.strategy_a = scenario.strategy
        if scenario.role_mix is not None:
            session.custom_mix = {
                a: float(scenario.role_mix.get(a, 0.0)) for a in session.custom_mix
            }
        session.compare = scenario.compare is not None
        if scenario.compare is not None:
            session.strategy_b = scenario.compare
        problem = session.reset()
        if problem is not None:
            notices.append(problem)
        for action in sorted(scenario.actions, key=lambda a: a.week):
            if action.week > session.week:
                session.step(action.week - session.week)
            notice = session.apply(action)
            if notice is not None:
                notices.append(notice)
        if scenario.week > session.week:
            session.step(scenario.week - session.week)
    return session, notices


# -- the page's address --------------------------------------------------------------------


def _text(value: Any) -> str:
    """A parameter value in the command line's syntax."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return mix_text(value)
    if isinstance(value, tuple | list):
        return ",".join(f"{w}:{e}" for w, e in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def actions_text(actions: list[Action]) -> str:
    """``12:event=rent_increase;52:strategy=none``."""
    return ";".join(f"{a.week}:{a.kind}={a.value}" for a in actions)


def to_query(scenario: Scenario) -> str:
    """The scenario as the query string of the page's address (without ``?``); settings that
    have their default are left out."""
    fresh = Scenario()
    items: list[tuple[str, str]] = []
    if scenario.seed != fresh.seed:
        items.append(("seed", str(scenario.seed)))
    if scenario.strategy != fresh.strategy:
        items.append(("strategy", scenario.strategy))
    if scenario.role_mix is not None:
        items.append(("role_mix", mix_text(scenario.role_mix)))
    items += [(name, _text(value)) for name, value in scenario.params.items()]
    if scenario.lang != fresh.lang:
        items.append(("lang", scenario.lang))
    if scenario.compare is not None:
        items.append(("compare", scenario.compare))
    if scenario.week:
        items.append(("week", str(scenario.week)))
    if scenario.actions:
        items.append(("actions", actions_text(scenario.actions)))
    return urlencode(items, safe=",:=;", quote_via=quote)


def _parameter(name: str, text: str) -> Any:
    """A model parameter's value from its text in the command line's syntax, read and checked
    as the command line reads it (:meth:`~quartiersim.parameters.Parameter.from_text`), so a
    bad value gets the same message (a ``ValueError``) as there."""
    if PARAMETERS[name].kind is dict:
        return parse_mix(text)  # the same reader and check, kept in the sliders' terms
    return PARAMETERS[name].from_text(text)


def parse_actions(text: str) -> tuple[list[Action], list[Notice]]:
    actions, notices = [], []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        week_text, _, rest = part.partition(":")
        kind, _, value = rest.partition("=")
        try:
            week = int(week_text)
            if not 0 <= week <= MAX_WEEK or kind not in ACTION_KINDS or not value:
                raise ValueError
        except ValueError:
            notices.append(Notice("bad_action", {"value": part}))
            continue
        actions.append(Action(week, kind, value))
    return actions, notices


def from_items(items: list[tuple[str, str]]) -> tuple[Scenario, list[Notice]]:
    """A scenario from (name, text) pairs — a query string's or a form's; every bad or unknown
    one becomes a notice and is left out."""
    scenario, notices = Scenario(), []
    for name, text in items:
        try:
            if name == "seed":
                seed = check_seed(text.strip())  # the seed's own check, as at every door
                assert seed is not None  # (None is a fresh seed: never read from text)
                scenario.seed = seed
            elif name == "lang":
                if text not in LANGUAGES:
                    raise ValueError(f"lang={text!r}: expected one of {', '.join(LANGUAGES)}")
                scenario.lang = text
            elif name in ("strategy", "compare"):  # quarter B's strategy is a strategy too
                setattr(scenario, name, PARAMETERS["strategy"].from_text(text))
            elif name == "week":
                week = int(text)
                if not 0 <= week <= MAX_WEEK:
                    raise ValueError(f"week={text!r}: expected a whole number from 0 to {MAX_WEEK}")
                scenario.week = week
            elif name == "actions":
                actions, bad = parse_actions(text)
                scenario.actions += actions
                notices += bad
            elif name == "role_mix":
                scenario.role_mix = _parameter(name, text)
            elif name in PARAMETERS and (PARAMETERS[name].tunable or name == "events"):
                scenario.params[name] = _parameter(name, text)
            else:
                notices.append(Notice("unknown_setting", {"name": name}))
        except ValueError as e:
            notices.append(Notice("bad_value", {"name": name, "value": text, "detail": str(e)}))
    return scenario, notices


def from_query(query: str) -> tuple[Scenario, list[Notice]]:
    """A scenario from the page's query string (with or without ``?``)."""
    return from_items(parse_qsl(query.lstrip("?"), keep_blank_values=True))


# -- the scenario file ---------------------------------------------------------------------


def to_json(scenario: Scenario) -> str:
    """The scenario file: JSON, the same names and value syntax as the page's address."""
    settings = dict(parse_qsl(to_query(scenario), keep_blank_values=True))
    settings.pop("actions", None)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "settings": settings,
        "actions": [{"week": a.week, "kind": a.kind, "value": a.value} for a in scenario.actions],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def from_json(text: str | bytes) -> tuple[Scenario, list[Notice]]:
    """A scenario from a scenario file; a file that is not one gives a notice and the fresh
    page's scenario."""
    try:
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError
        settings = document.get("settings", {})
        actions = document.get("actions", [])
        if not isinstance(settings, dict) or not isinstance(actions, list):
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        return Scenario(), [Notice("bad_file", {})]
    items = [(str(k), str(v)) for k, v in settings.items()]
    joined = ";".join(
        f"{a.get('week')}:{a.get('kind')}={a.get('value')}" for a in actions if isinstance(a, dict)
    )
    if joined:
        items.append(("actions", joined))
    return from_items(items)
