"""A classroom session: students who each steer a community worker, round by round.

A :class:`Classroom` lives in the server's memory under its **join code** (:func:`open_classroom`,
:func:`find`). Students join with the code and a name (:meth:`Classroom.join`) and receive a
secret token that identifies them from then on — a reload or a lost connection brings them back
as the same participant. Students who give the same team name share one worker (a pair or a
team); when the trainer caps the number of teams, or the game has started, a newcomer joins the
smallest team.

Two modes:

- **shared** (:data:`SHARED`): one quarter, one community worker per team. Every worker follows
  its own team's plan; the class sees one world change.
- **competition** (:data:`COMPETITION`): every team gets its own copy of the same quarter (same
  seed and settings), whose workers all follow the team's plan; a leaderboard compares them
  during the project and after the exit.

**Rounds.** A round is ``weeks_per_round`` weeks. Teams submit a plan (:meth:`Classroom.submit`);
the round closes when every team with members has submitted, when the trainer's timer runs
out, or when the trainer closes it. Teams that did not submit keep their last plan. Closing a
round applies every plan to its worker(s) through the worker's own entry points
(``set_role_mix``, ``set_area``), runs the weeks, and records choices and outcomes per team
(:class:`RoundRecord`). When the project's weeks are played the workers leave (the model's exit);
the trainer can then run the quarter(s) on without them to see what lasts.

Rounds close on one worker thread per classroom, so two closings never overlap and a student's
request never waits for the model. Everything that changes is announced to listeners
(:class:`Change`): the students' pages (:mod:`quartiersim.app.classroom.web`) and the trainer's
screen (:mod:`quartiersim.app.classroom.trainer`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from quartiersim import EVENTS, MEASURES, ROLES, validate
from quartiersim.activity import Entry
from quartiersim.app.classroom.choices import (
    Choice,
    Refusal,
    apply_choice,
    even_choice,
    parse_choice,
)
from quartiersim.app.session import PRESETS, Session
from quartiersim.app.texts import LANGUAGES

log = logging.getLogger(__name__)

SHARED, COMPETITION = "shared", "competition"
MODES = (SHARED, COMPETITION)
LOBBY, PLAYING, EXIT, DONE, CLOSED = "lobby", "playing", "exit", "done", "closed"
"""Phases: students gather (``lobby``), rounds are played (``playing``), the project is over and
the workers have left (``exit``), the quarter(s) ran on after the exit (``done``), the session
ended (``closed``)."""

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L) on a projector."""
CODE_LENGTH = 6
"""31**6, about 890 million codes; guessing is slowed further by the join page's limit."""
MAX_NAME = 40
"""Longest name of a participant or team, in characters."""
MAX_TEAMS = 50
"""Most teams (workers, or copies of the quarter): the model's limit on ``n_workers``."""
HEADLINE = ("social_capital", "political_influence")
"""The two outcomes the leaderboard ranks by."""


@dataclass(frozen=True)
class Settings:
    """How a classroom session is played. ``params`` are model parameters (size, project
    length, hours, and in competition mode the workers per quarter); in shared mode the number
    of workers is the number of teams."""

    mode: str = SHARED
    seed: int = 1
    params: dict[str, Any] = field(default_factory=lambda: dict(PRESETS["seminar"]))
    weeks_per_round: int = 13
    round_seconds: int | None = None
    max_teams: int | None = None
    after_exit_weeks: int = 104


def _whole(value: object) -> bool:
    """Whether ``value`` is a whole number (``True`` is not one, though Python says so)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_settings(settings: Settings) -> Settings:
    """``settings`` with its model parameters checked by the model's own :func:`validate`;
    ``ValueError`` names what is wrong."""
    if settings.mode not in MODES:
        raise ValueError(f"mode={settings.mode!r} is not allowed: expected one of {MODES}")
    if not _whole(settings.seed) or settings.seed < 0:
        raise ValueError(f"seed={settings.seed!r} is not allowed: expected a whole number >= 0")
    for name, low, high in (
        ("weeks_per_round", 1, 520),
        ("after_exit_weeks", 0, 2000),
    ):
        value = getattr(settings, name)
        if not _whole(value) or not low <= value <= high:
            raise ValueError(
                f"{name}={value!r} is not allowed: expected a whole number in [{low}, {high}]"
            )
    seconds = settings.round_seconds
    if seconds is not None and (not _whole(seconds) or not 5 <= seconds <= 3600):
        raise ValueError(
            f"round_seconds={seconds!r} is not allowed: expected none or 5 to 3600 seconds"
        )
    cap = settings.max_teams
    if cap is not None and (not _whole(cap) or not 1 <= cap <= MAX_TEAMS):
        raise ValueError(f"max_teams={cap!r} is not allowed: expected none or 1 to {MAX_TEAMS}")
    unknown = set(settings.params) & {"strategy", "role_mix", "events"}
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]} is chosen by the students, not by the settings")
    if validate(**settings.params)["project_weeks"] < 1:
        raise ValueError("project_weeks=0 is not allowed here: a classroom plays the project")
    return settings


@dataclass
class Participant:
    """A student (or one of a pair) in the session."""

    id: int
    name: str
    lang: str
    team: int
    token_hash: str
    connections: int = 0  # open connections of their page (shown to the trainer)


@dataclass
class Team:
    """One worker's team (shared mode) or one copy of the quarter (competition): its members,
    its current plan and what it got back last round."""

    id: int
    name: str
    members: list[int]
    choice: Choice
    chosen_by: str = ""  # who submitted the current plan ("" before the first)
    submitted_round: int = 0  # the round in which the plan was last submitted
    session: Session | None = None  # competition: the team's own quarter
    worker: int = -1  # shared: the team's worker in the shared quarter
    spent: dict[str, float] = field(default_factory=dict)  # hours spent last round
    entries: list[Entry] = field(default_factory=list)  # what its worker(s) did last round


@dataclass(frozen=True)
class RoundRecord:
    """A team's plan in one round and where its quarter stood at the round's end."""

    round: int
    week_from: int
    week_to: int
    after_exit: bool  # the weeks after the project, without workers (no plan applied)
    team: str
    members: tuple[str, ...]
    submitted: bool  # the team chose in this round (else it kept its last plan)
    chosen_by: str
    hours: dict[str, float]
    areas: dict[str, str]
    spent: dict[str, float]
    measures: dict[str, float]


@dataclass(frozen=True)
class Change:
    """Something changed in a classroom: ``kind`` says what (``joined``, ``left``,
    ``submitted``, ``round``, ``phase``, ``timer``, ``lang``, ``settings``, ``event``,
    ``presets``, ``closed``), ``team`` and ``participant`` whom it concerns (``None``: all)."""

    kind: str
    team: int | None = None
    participant: int | None = None


Listener = Callable[[Change], None]


def token_hash(token: str) -> str:
    """What the server keeps of a participant's secret: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def clean_name(text: Any, key: str = "bad_name") -> str:
    """A name as typed, tidied (spaces collapsed) and checked: 1 to :data:`MAX_NAME`
    characters, no control characters; :class:`Refusal` otherwise."""
    if not isinstance(text, str):
        raise Refusal(key, most=MAX_NAME)
    name = " ".join(text.split())
    if not 1 <= len(name) <= MAX_NAME or any(unicodedata.category(c)[0] == "C" for c in name):
        raise Refusal(key, most=MAX_NAME)
    return name


class Classroom:
    """One classroom session (see the module's docstring). Methods that take a student's input
    raise :class:`~quartiersim.app.classroom.choices.Refusal` for bad input and change nothing
    then; the trainer's methods raise ``ValueError`` with a message."""

    def __init__(self, code: str, settings: Settings) -> None:
        self.code = code
        self.settings = check_settings(settings)
        #: every model parameter of the settings, checked (defaults filled in)
        self.model_params: dict[str, Any] = validate(**self.settings.params)
        self.lock = threading.RLock()
        self.phase = LOBBY
        self.round = 1  # the round open for plans; round 1 can be planned in the lobby
        self.participants: dict[int, Participant] = {}
        self.teams: dict[int, Team] = {}
        self.shared: Session | None = None
        self.records: list[RoundRecord] = []
        self.events: list[tuple[int, str]] = []  # events the trainer triggered: (week, name)
        self.deadline: float | None = None  # time.monotonic() when the round closes by itself
        self.started_at = time.time()
        self.presets: Any = None  # the preset strategies on the same seed (debrief.PresetRuns)
        #: counts changes: a page ignores a message older than the one it shows
        self.version = 0
        self._tokens: dict[str, int] = {}
        self._next_id = 1
        self._listeners: list[Listener] = []
        self._timer: threading.Timer | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"classroom-{code}")

    # -- listening --------------------------------------------------------------------------
    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(change)`` after every change; returns a function that stops it."""
        with self.lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self.lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return stop

    def _emit(self, change: Change) -> None:
        with self.lock:
            self.version += 1
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:  # a broken page must not stop the class
                log.exception("classroom %s: a listener failed on %s", self.code, change.kind)

    # -- reading ----------------------------------------------------------------------------
    @property
    def budget(self) -> float:
        """Hours of one worker's week: what a plan divides."""
        return float(self.model_params["hours_per_week"])

    @property
    def project_weeks(self) -> int:
        """The week after which the workers leave."""
        return int(self.model_params["project_weeks"])

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the quarter's grid."""
        return int(self.model_params["width"]), int(self.model_params["height"])

    @property
    def week(self) -> int:
        """The week the quarter(s) have reached (0 before the start)."""
        sessions = self.sessions()
        return sessions[0].week if sessions else 0

    def sessions(self) -> list[Session]:
        """The running quarters: the shared one, or every team's own (in team order)."""
        with self.lock:
            if self.shared is not None:
                return [self.shared]
            return [t.session for t in self.teams.values() if t.session is not None]

    def session_of(self, team: Team) -> Session | None:
        """The quarter a team plays in."""
        return self.shared if self.shared is not None else team.session

    def workers_of(self, team: Team) -> list[Any]:
        """The community worker(s) that follow a team's plan."""
        session = self.session_of(team)
        if session is None:
            return []
        workers = session.model.workers
        if self.shared is not None:
            return [workers[team.worker]] if 0 <= team.worker < len(workers) else []
        return list(workers)

    def active_teams(self) -> list[Team]:
        """Teams with at least one member: the round waits for their plans."""
        with self.lock:
            return [t for t in self.teams.values() if t.members]

    def waiting_for(self) -> list[Team]:
        """Teams with members that have not submitted a plan in the open round."""
        with self.lock:
            return [t for t in self.active_teams() if t.submitted_round < self.round]

    def seconds_left(self) -> float | None:
        """Seconds until the round closes by itself (``None``: no timer)."""
        deadline = self.deadline
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def members(self, team: Team) -> list[str]:
        return [self.participants[p].name for p in team.members if p in self.participants]

    def leaderboard(self) -> list[dict[str, Any]]:
        """Competition: every team's quarter now, at the project's end and after the exit, on
        the headline outcomes, with its rank (1 is best) by each."""
        with self.lock:
            rows: list[dict[str, Any]] = []
            for team in self.teams.values():
                if team.session is None:
                    continue
                row: dict[str, Any] = {"team": team.name, "members": self.members(team)}
                now = team.session.model.measures
                for measure in HEADLINE:
                    row[measure] = float(now[measure])
                    row[f"{measure}_exit"] = self._at_exit(team, measure)
                rows.append(row)
            for column in [f"{m}{suffix}" for m in HEADLINE for suffix in ("", "_exit")]:
                values = [r[column] for r in rows if r[column] is not None]
                for row in rows:  # equal outcomes share a rank (competition ranking)
                    value = row[column]
                    row[f"rank_{column}"] = (
                        None if value is None else 1 + sum(v > value for v in values)
                    )
            return rows

    def _at_exit(self, team: Team, measure: str) -> float | None:
        """A team's outcome in the project's last week, once played."""
        for record in self.records:
            if record.team == team.name and record.week_to == self.project_weeks:
                return record.measures[measure]
        return None

    # -- joining ----------------------------------------------------------------------------
    def join(self, name: Any, lang: str = "en", team: Any = None) -> tuple[Participant, str]:
        """A student joins: returns the participant and their secret token (for the cookie).

        ``team`` (optional) names a team to join or start; without one a student starts a team
        of their own. When the cap is reached or the game has started, no new team is made:
        a named team that exists is joined, otherwise the smallest one.
        """
        name = clean_name(name)
        team_name = clean_name(team, "bad_team") if team not in (None, "") else None
        if lang not in LANGUAGES:
            lang = "en"
        with self.lock:
            if self.phase in (EXIT, DONE, CLOSED):
                raise Refusal("session_over")
            taken = {p.name.casefold() for p in self.participants.values()}
            unique, k = name, 2
            while unique.casefold() in taken:
                unique, k = f"{name} ({k})", k + 1
            chosen = self._team_for(team_name or unique, named=team_name is not None)
            token = secrets.token_urlsafe(24)
            participant = Participant(self._new_id(), unique, lang, chosen.id, token_hash(token))
            self.participants[participant.id] = participant
            self._tokens[participant.token_hash] = participant.id
            chosen.members.append(participant.id)
        self._emit(Change("joined", team=chosen.id, participant=participant.id))
        return participant, token

    def _team_for(self, name: str, named: bool) -> Team:
        existing = {t.name.casefold(): t for t in self.teams.values()}
        if named and name.casefold() in existing:
            return existing[name.casefold()]
        cap = self.settings.max_teams or MAX_TEAMS
        if self.phase == LOBBY and len(self.teams) < cap:
            unique, k = name, 2
            while unique.casefold() in existing:
                unique, k = f"{name} ({k})", k + 1
            team = Team(self._new_id(), unique, [], even_choice(self.budget))
            self.teams[team.id] = team
            return team
        if not self.teams:
            raise Refusal("session_full")
        return min(self.teams.values(), key=lambda t: (len(t.members), t.id))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def participant_for(self, token: str | None) -> Participant | None:
        """The participant holding ``token`` (``None`` for a wrong, removed or missing one)."""
        if not token or len(token) > 200:
            return None
        with self.lock:
            pid = self._tokens.get(token_hash(token))
            return self.participants.get(pid) if pid is not None else None

    def team_of(self, participant: Participant) -> Team:
        return self.teams[participant.team]

    def set_lang(self, participant: Participant, lang: str) -> None:
        if lang not in LANGUAGES:
            raise Refusal("bad_request")
        with self.lock:
            participant.lang = lang
        self._emit(Change("lang", participant=participant.id))

    def connected(self, participant: Participant, delta: int) -> None:
        """A page of ``participant`` opened (+1) or closed (-1) its connection."""
        with self.lock:
            participant.connections = max(0, participant.connections + delta)
        self._emit(Change("connection", team=participant.team, participant=participant.id))

    def remove(self, participant_id: int) -> None:
        """The trainer removes a participant: their token stops working at once. Their team
        keeps its worker and its last plan; an empty team in the lobby disappears."""
        with self.lock:
            participant = self.participants.pop(participant_id, None)
            if participant is None:
                raise ValueError(f"no participant {participant_id} in this session")
            self._tokens.pop(participant.token_hash, None)
            team = self.teams[participant.team]
            team.members.remove(participant_id)
            if not team.members and self.phase == LOBBY:
                del self.teams[team.id]
        self._emit(Change("left", team=participant.team, participant=participant_id))
        self._maybe_close_round()

    # -- the trainer ------------------------------------------------------------------------
    def configure(self, **changes: Any) -> None:
        """Change the settings: anything in the lobby; only the round timer once started."""
        with self.lock:
            if self.phase != LOBBY and set(changes) - {"round_seconds"}:
                raise ValueError("only the round timer can change once the session has started")
            settings = Settings(**{**self.settings.__dict__, **changes})
            self.settings = check_settings(settings)
            self.model_params = validate(**self.settings.params)
            if self.phase == LOBBY and "params" in changes:
                for team in self.teams.values():
                    team.choice = even_choice(self.budget)
            if self.phase == PLAYING and "round_seconds" in changes:
                self._start_timer()
        self._emit(Change("settings"))

    def start(self) -> None:
        """Start the game: build the quarter(s) from the settings and open round 1."""
        with self.lock:
            if self.phase != LOBBY:
                raise ValueError("the session has started already")
            teams = list(self.teams.values())
            if not teams:
                raise ValueError("nobody has joined yet")
            s = self.settings
            if s.mode == SHARED:
                params = {**s.params, "n_workers": len(teams)}
                self.shared = self._session(params)
                for k, team in enumerate(teams):
                    team.worker = k
            else:
                for team in teams:
                    team.session = self._session(dict(s.params))
            self.phase = PLAYING
            self._start_timer()
        self._emit(Change("phase"))
        self._maybe_close_round()

    def _session(self, params: dict[str, Any]) -> Session:
        mix = even_choice(self.budget).mix()
        return Session(seed=self.settings.seed, strategy="custom", role_mix=mix, **params)

    def close_round(self) -> None:
        """The trainer closes the open round now (teams that did not choose keep their plan)."""
        with self.lock:
            if self.phase != PLAYING:
                raise ValueError("no round is open")
            self._request_close(self.round)

    def trigger(self, event: str) -> None:
        """An event strikes every quarter now (every team alike, for fairness)."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}: expected one of {', '.join(EVENTS)}")
        with self.lock:
            if self.phase not in (PLAYING, EXIT):
                raise ValueError("events strike a running quarter: start the session first")
            for session in self.sessions():
                session.trigger(event)
            self.events.append((self.week, event))
        self._emit(Change("event"))

    def run_after_exit(self) -> None:
        """After the project: run the quarter(s) on for ``after_exit_weeks`` weeks without
        workers, and record where each team's quarter ends up."""
        with self.lock:
            if self.phase != EXIT:
                raise ValueError("the project has not ended yet")
        future = self._worker.submit(self._run_after_exit)
        future.result()

    def close(self) -> None:
        """End the session: tokens stop working, the code is free, the quarters are let go."""
        with self.lock:
            if self.phase == CLOSED:
                return
            self.phase = CLOSED
            self._cancel_timer()
            self._tokens.clear()
        _forget(self)
        self._worker.shutdown(wait=False, cancel_futures=True)
        if self.presets is not None:
            self.presets.cancel()
        self._emit(Change("closed"))

    def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until every round closing asked for so far has run (tests and tools use it)."""
        self._worker.submit(lambda: None).result(timeout)

    # -- students ---------------------------------------------------------------------------
    def submit(self, participant: Participant, data: Any) -> Choice:
        """A student submits their team's plan for the open round (also in the lobby, for the
        first round). Raises :class:`Refusal` for a bad plan or when no round is open."""
        with self.lock:
            if self.phase not in (LOBBY, PLAYING):
                raise Refusal("no_round")
            if participant.id not in self.participants:
                raise Refusal("not_joined")
            width, height = self.size
            choice = parse_choice(data, self.budget, width, height)
            team = self.teams[participant.team]
            team.choice = choice
            team.chosen_by = participant.name
            team.submitted_round = self.round
        self._emit(Change("submitted", team=team.id, participant=participant.id))
        self._maybe_close_round()
        return choice

    # -- rounds -----------------------------------------------------------------------------
    def _maybe_close_round(self) -> None:
        with self.lock:
            if self.phase == PLAYING and self.active_teams() and not self.waiting_for():
                self._request_close(self.round)

    def _request_close(self, round_no: int) -> None:
        with contextlib.suppress(RuntimeError):  # the session was closed meanwhile
            self._worker.submit(self._close_round, round_no)

    def _start_timer(self) -> None:
        self._cancel_timer()
        seconds = self.settings.round_seconds
        if self.phase != PLAYING or seconds is None:
            self.deadline = None
        else:
            self.deadline = time.monotonic() + seconds
            self._timer = threading.Timer(seconds, self._request_close, args=(self.round,))
            self._timer.daemon = True
            self._timer.start()
        self._emit(Change("timer"))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.deadline = None

    def _close_round(self, round_no: int) -> None:
        """Apply every team's plan, run the round's weeks, record, open the next round."""
        try:
            with self.lock:
                if self.phase != PLAYING or self.round != round_no:
                    return  # closed already (the timer and the last plan can race)
                self._cancel_timer()
                week = self.week
                weeks = max(1, min(self.settings.weeks_per_round, self.project_weeks - week))
                teams = list(self.teams.values())
                for team in teams:
                    for worker in self.workers_of(team):
                        apply_choice(worker, team.choice)
                self._run(teams, weeks, after_exit=False)
                self.round += 1
                if self.week >= self.project_weeks:
                    self.phase = EXIT
                else:
                    self._start_timer()
                ended = self.phase == EXIT
            self._emit(Change("round"))
            if ended:
                self._emit(Change("phase"))
                self._start_presets()
        except Exception:
            log.exception("classroom %s: closing round %s failed", self.code, round_no)
            raise

    def _run_after_exit(self) -> None:
        with self.lock:
            if self.phase != EXIT:
                return
            teams = list(self.teams.values())
            if self.settings.after_exit_weeks > 0:
                self._run(teams, self.settings.after_exit_weeks, after_exit=True)
            self.phase = DONE
        self._emit(Change("round"))
        self._emit(Change("phase"))

    def _run(self, teams: list[Team], weeks: int, after_exit: bool) -> None:
        """Run every quarter ``weeks`` weeks, keeping what each team's worker(s) did."""
        sessions = self.sessions()
        logged = {id(s): len(s.model.activity) for s in sessions}
        week_from = self.week
        spent = {team.id: dict.fromkeys(ROLES, 0.0) for team in teams}
        for _ in range(weeks):
            for session in sessions:
                session.step(1)
            for team in teams:
                for worker in self.workers_of(team):
                    for activity, hours in worker.spent_week.items():
                        if activity in spent[team.id]:
                            spent[team.id][activity] += hours
        for team in teams:
            quarter = self.session_of(team)
            assert quarter is not None
            names = {w.name for w in self.workers_of(team)}
            new = quarter.model.activity[logged[id(quarter)] :]
            team.entries = [e for e in new if e.data.get("worker") in names]
            team.spent = spent[team.id]
            self.records.append(
                RoundRecord(
                    round=self.round,
                    week_from=week_from,
                    week_to=self.week,
                    after_exit=after_exit,
                    team=team.name,
                    members=tuple(self.members(team)),
                    submitted=not after_exit and team.submitted_round == self.round,
                    chosen_by=team.chosen_by,
                    hours=dict(team.choice.hours),
                    areas=dict(team.choice.areas),
                    spent=dict(team.spent),
                    measures={m: float(quarter.model.measures[m]) for m in MEASURES},
                )
            )

    def _start_presets(self) -> None:
        from quartiersim.app.classroom.debrief import PresetRuns

        with self.lock:
            if self.presets is None:
                self.presets = PresetRuns.start(self, lambda: self._emit(Change("presets")))


# -- the server's classrooms ------------------------------------------------------------------

_classrooms: dict[str, Classroom] = {}
_classrooms_lock = threading.Lock()


def new_code() -> str:
    """A fresh join code (:data:`CODE_LENGTH` characters of :data:`CODE_ALPHABET`)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: Any) -> str:
    """A code as typed (``" abc-123 "``) in its stored form (``ABC123``)."""
    if not isinstance(text, str) or len(text) > 40:
        return ""
    return "".join(c for c in text.upper() if c.isalnum())


def open_classroom(settings: Settings | None = None) -> Classroom:
    """Open a classroom session with a fresh code, kept in this server's memory."""
    settings = check_settings(settings or Settings())
    with _classrooms_lock:
        code = new_code()
        while code in _classrooms:
            code = new_code()
        classroom = Classroom(code, settings)
        _classrooms[code] = classroom
    return classroom


def find(code: Any) -> Classroom | None:
    """The open classroom with this join code, if any."""
    with _classrooms_lock:
        return _classrooms.get(normalise_code(code))


def open_classrooms() -> list[Classroom]:
    """Every classroom session open in this server."""
    with _classrooms_lock:
        return list(_classrooms.values())


def _forget(classroom: Classroom) -> None:
    with _classrooms_lock:
        if _classrooms.get(classroom.code) is classroom:
            del _classrooms[classroom.code]
