"""What one browser tab is working with: the quarter(s), the chosen settings, their history.

A :class:`Session` owns one :class:`~quartiersim.QuartierModel` — two in compare mode, built
from the same seed and parameters and differing only in strategy — and everything the page
needs to change them: strategy switches, events, parameters, seed, reset. It knows nothing of
Solara, so the same object is driven by the page, by tests and by the benchmark.

Stepping may happen in the page's play thread while a button click arrives in another thread,
so every change and every read of the models goes through :attr:`Session.lock`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from quartiersim import ACTIVITIES, EVENTS, PARAMETERS, ROLES, STRATEGIES, QuartierModel, validate
from quartiersim.parameters import DEFAULTS, SEMINAR, Parameter, check_role_mix, check_seed
from quartiersim.roles import parse_role_mix

DEFAULT_SEED = 1
"""Seed of a fresh page: a trainer who reloads sees the same quarter as in the rehearsal."""

HISTORY_CAPACITY = 256
"""Samples kept per resident for the inspector's helplessness curve (see :class:`Thinned`)."""

PLOT_POINTS = 300
"""Most points drawn per plotted series, however long the run: redraw cost stays flat."""

PRESETS: dict[str, dict[str, int]] = {
    "seminar": dict(SEMINAR.values),
    "realistic": {name: DEFAULTS[name] for name in SEMINAR.values},
}
"""Sizes of the quarter the page offers in one click. *Seminar*: the seminar preset
(:data:`quartiersim.parameters.SEMINAR`, 600 households) that plays fast on any laptop and gives
the two workers about four times the dose of a real area — a model, not a real quarter; the
page starts on it. *Realistic*: the model's defaults, a quarter of real size and staffing
(2,500 households, one per agent, at the seminar quarter's density), as research runs use."""

SKIPPED = ("strategy",)
"""Parameters with their own control (the strategy selector), not a generic one."""


def takes_custom_mix(strategy: str) -> bool:
    """Whether ``strategy`` has no preset and runs on the page's custom mix ('custom')."""
    return strategy in STRATEGIES and STRATEGIES[strategy].shares is None


def tunable_parameters() -> list[Parameter]:
    """The parameters that get a generic control, in declaration order."""
    return [p for p in PARAMETERS.values() if p.tunable and p.name not in SKIPPED]


def thin_indices(length: int, points: int = PLOT_POINTS) -> np.ndarray:
    """At most ``points`` evenly spread indices into a series of ``length``, first and last
    included, so a plot of a long history costs the same as a short one."""
    if length <= points:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, points).round().astype(int))


class Thinned:
    """A bounded history of one value per resident and week.

    Keeps every ``stride``-th week; when ``capacity`` samples are held it drops every second
    one and doubles the stride. Memory and drawing cost stay bounded, and the whole run remains
    visible at a resolution that coarsens as it grows.
    """

    def __init__(self, n: int, capacity: int = HISTORY_CAPACITY) -> None:
        self.capacity = capacity
        self.stride = 1
        self.weeks = np.zeros(capacity, dtype=np.int64)
        self.rows = np.zeros((capacity, n), dtype=np.float32)
        self.count = 0

    def record(self, week: int, values: np.ndarray) -> None:
        if week % self.stride:
            return
        if self.count == self.capacity:
            keep = slice(0, self.count, 2)
            kept = len(range(*keep.indices(self.count)))
            self.weeks[:kept] = self.weeks[keep]
            self.rows[:kept] = self.rows[keep]
            self.count = kept
            self.stride *= 2
            if week % self.stride:
                return
        self.weeks[self.count] = week
        self.rows[self.count] = values
        self.count += 1

    def series(self, resident: int) -> tuple[np.ndarray, np.ndarray]:
        """Weeks and values recorded for one resident (copies)."""
        return self.weeks[: self.count].copy(), self.rows[: self.count, resident].astype(float)


@dataclass(frozen=True)
class Status:
    """Where one quarter stands this week, for the status line."""

    strategy: str
    running: bool  # the project still runs
    exit_week: int  # the last week of the project
    hours: dict[str, float]  # hours spent on each activity this week, all workers together
    budget: float  # hours the workers had this week (0 once they have left)


@dataclass
class Quarter:
    """One running model with its strategy and its residents' recorded helplessness."""

    model: QuartierModel
    strategy: str
    history: Thinned

    def record(self) -> None:
        self.history.record(self.model.steps, self.model.residents.helplessness)


@dataclass(frozen=True)
class Action:
    """Something done to the running quarters at a week: an event triggered (``event``), a
    strategy switched (``strategy`` for quarter A, ``strategy_b``) or the custom mix changed
    (``role_mix``, in the command line's syntax). Replaying the actions of a session on the same
    seed and settings gives the same quarters: that is how a reload or a scenario file brings a
    run back."""

    week: int
    kind: str
    value: str


ACTION_KINDS = ("event", "strategy", "strategy_b", "role_mix")


class Session:
    """The state behind one page: settings chosen in the controls and the running quarter(s).

    Methods that take user input return ``None`` on success or a :class:`Notice` describing
    what was wrong; they never raise for bad input and never lose the running quarter.
    """

    def __init__(self, seed: int = DEFAULT_SEED, **params: Any) -> None:
        self.lock = threading.RLock()
        # The view teaches: it starts on the seminar quarter (small, dense, quick to watch);
        # a real-sized quarter is one change of the size controls away.
        checked = validate(**{**SEMINAR.values, **params})
        #: chosen values of the generic parameters (applied at the next reset)
        self.params: dict[str, Any] = {p.name: checked[p.name] for p in tunable_parameters()}
        self.seed = seed
        self.strategy_a: str = checked["strategy"]
        self.strategy_b: str = "top_down" if self.strategy_a != "top_down" else "empowerment"
        #: hours shares for 'custom' (roles and case work); empowerment's balance to start with
        self.custom_mix: dict[str, float] = {a: (1.0 if a in ROLES else 0.0) for a in ACTIVITIES}
        if checked["role_mix"] is not None:
            self.custom_mix = dict(checked["role_mix"])
        self.compare = False
        #: events the model itself schedules (the ``events`` parameter), applied at reset
        self.scheduled: tuple[tuple[int, str], ...] = tuple(checked["events"])
        #: what was done to the running quarters since the last reset, in order
        self.actions: list[Action] = []
        #: counts changes of the settings made from outside the controls (a preset)
        self.preset_version = 0
        #: counts changes of the models (not of settings): pictures are redrawn when it moves
        self.frame = 0
        self.quarters: list[Quarter] = []
        self.applied: dict[str, Any] = {}
        self.applied_seed = seed
        self.reset()

    # -- reading ----------------------------------------------------------------------------
    @property
    def model(self) -> QuartierModel:
        """The main quarter (A)."""
        return self.quarters[0].model

    @property
    def models(self) -> list[QuartierModel]:
        return [q.model for q in self.quarters]

    @property
    def week(self) -> int:
        return self.model.steps

    @property
    def pending(self) -> bool:
        """Whether parameter or seed changes wait for a reset."""
        return self.params != self.applied or self.seed != self.applied_seed

    def settings(self) -> tuple:
        """What the controls show of this session, as one comparable value: they need to be
        drawn again only when it changes (not when a week passes)."""
        return (
            self.compare,
            self.strategy_a,
            self.strategy_b,
            self.pending,
            tuple(self.custom_mix.values()),
            self.preset_version,
        )

    def strategies(self) -> list[str]:
        return [q.strategy for q in self.quarters]

    def status(self) -> list[Status]:
        """Where each quarter stands this week: strategy, project phase, hours worked."""
        with self.lock:
            out = []
            for q in self.quarters:
                m = q.model
                budget = len(m.workers) * m.hours_per_week if m.project_running else 0.0
                out.append(
                    Status(q.strategy, m.project_running, m.project_weeks, m.hours_spent(), budget)
                )
            return out

    def candidates(self) -> dict[str, list[int]]:
        """Residents of quarter A the inspector offers to pick, by the page's button keys:
        the most helpless, the withdrawn, group members, anyone."""
        with self.lock:
            r = self.model.residents
            return {
                "pick_helpless": [int(np.argmax(r.helplessness))],
                "pick_withdrawn": np.flatnonzero(r.withdrawn).tolist(),
                "pick_member": np.flatnonzero(r.group >= 0).tolist(),
                "pick_random": list(range(r.n)),
            }

    # -- building ---------------------------------------------------------------------------
    def _build(self, strategy: str) -> Quarter:
        role_mix = self.custom_mix if takes_custom_mix(strategy) else None
        model = QuartierModel(
            rng=self.seed,
            strategy=strategy,
            role_mix=role_mix,
            events=self.scheduled,
            **self.params,
        )
        quarter = Quarter(model, strategy, Thinned(model.residents.n))
        quarter.record()
        return quarter

    def reset(self) -> Notice | None:
        """Build the quarter(s) anew at week 0 from the chosen parameters and seed.

        On invalid parameters (e.g. more households than the grid can house) the running
        quarters stay and the problem is returned.
        """
        with self.lock:
            try:
                validate(**self.params)
            except ValueError as e:
                return Notice("invalid_combination", {"detail": str(e)})
            strategies = [self.strategy_a] + ([self.strategy_b] if self.compare else [])
            self.quarters = [self._build(s) for s in strategies]
            self.actions = []
            self.start = {
                "strategy": self.strategy_a,
                "strategy_b": self.strategy_b,
                "role_mix": dict(self.custom_mix),
            }
            self.frame += 1
            self.applied = dict(self.params)
            self.applied_seed = self.seed
        return None

    def choose_preset(self, name: str) -> Notice | None:
        """Choose one of :data:`PRESETS` and restart with it."""
        if name not in PRESETS:
            return Notice("unknown_setting", {"name": name})
        with self.lock:
            self.params.update(PRESETS[name])
            self.preset_version += 1
            return self.reset()

    def set_compare(self, on: bool) -> Notice | None:
        """Compare mode: two quarters, same seed and parameters, strategies A and B.

        Switching it on restarts both at week 0, so they differ in nothing but the strategy;
        switching it off keeps quarter A running.
        """
        with self.lock:
            if on == self.compare:
                return None
            self.compare = on
            if on:
                if self.strategy_b == self.strategy_a:  # a comparison needs two strategies
                    self.strategy_b = "top_down" if self.strategy_a != "top_down" else "empowerment"
                problem = self.reset()
                if problem is not None:
                    self.compare = False
                return problem
            self.quarters = self.quarters[:1]
            self.frame += 1
        return None

    # -- running ----------------------------------------------------------------------------
    def step(self, weeks: int = 1) -> None:
        """Advance every quarter by ``weeks`` weeks, together."""
        with self.lock:
            for _ in range(weeks):
                for q in self.quarters:
                    q.model.step()
                    q.record()
            self.frame += 1

    def trigger(self, event: str) -> Notice | None:
        """Apply an event now, to every quarter (in compare mode both get it, for fairness)."""
        if event not in EVENTS:
            return Notice("unknown_event", {"value": event})
        with self.lock:
            for q in self.quarters:
                q.model.trigger(event)
            self._record("event", event)
            self.frame += 1
        return None

    def _record(self, kind: str, value: str) -> None:
        """Remember an action at this week; a change of the same kind in the same week replaces
        the earlier one (a slider dragged through many values is one change)."""
        action = Action(self.week, kind, value)
        last = self.actions[-1] if self.actions else None
        if kind != "event" and last is not None and (last.week, last.kind) == (action.week, kind):
            self.actions[-1] = action
        else:
            self.actions.append(action)

    def set_strategy(self, which: int, strategy: str) -> Notice | None:
        """Switch quarter ``which`` (0 = A, 1 = B) to ``strategy``, live."""
        if strategy not in STRATEGIES:
            return Notice("unknown_strategy", {"value": strategy})
        with self.lock:
            if which == 0:
                self.strategy_a = strategy
            else:
                self.strategy_b = strategy
            if which < len(self.quarters):
                q = self.quarters[which]
                mix = self.custom_mix if takes_custom_mix(strategy) else None
                q.model.set_strategy(strategy, mix)
                q.strategy = strategy
                self._record("strategy" if which == 0 else "strategy_b", strategy)
                self.frame += 1
        return None

    def set_custom_share(self, activity: str, share: float) -> Notice | None:
        """Set one activity's share of the custom mix; quarters on 'custom' follow live."""
        if activity not in ACTIVITIES:
            return Notice("unknown_activity", {"value": activity})
        try:  # the role mix's own check, as for every other door
            check_role_mix({activity: share})
        except ValueError as e:
            return Notice("bad_share", {"value": share, "message": str(e)})
        if not ACTIVITIES[activity].in_mix:  # no slider for it (the handover)
            return Notice("unknown_activity", {"value": activity})
        if not 0.0 <= float(share) <= 1.0:  # the slider's range
            return Notice("bad_share", {"value": share})
        with self.lock:
            self.custom_mix[activity] = float(share)
            live = [q for q in self.quarters if takes_custom_mix(q.strategy)]
            for q in live:
                q.model.set_strategy(q.strategy, self.custom_mix)
            if live:
                self._record("role_mix", mix_text(self.custom_mix))
                self.frame += 1
        return None

    def apply(self, action: Action) -> Notice | None:
        """Do ``action`` now (its week is where it was recorded; replaying steps there first)."""
        if action.kind == "event":
            return self.trigger(action.value)
        if action.kind in ("strategy", "strategy_b"):
            return self.set_strategy(0 if action.kind == "strategy" else 1, action.value)
        if action.kind == "role_mix":
            try:
                mix = parse_mix(action.value)
            except ValueError as e:
                return Notice(
                    "bad_value", {"name": "role_mix", "value": action.value, "detail": str(e)}
                )
            for activity in self.custom_mix:
                self.custom_mix[activity] = 0.0
            notice = None
            for activity, share in mix.items():
                notice = self.set_custom_share(activity, share) or notice
            return notice
        return Notice("bad_value", {"name": "actions", "value": action.kind, "detail": ""})

    # -- settings that apply at reset -----------------------------------------------------
    def set_param(self, name: str, value: Any) -> Notice | None:
        """Choose a parameter value (text from an input is accepted); applies at reset."""
        spec = PARAMETERS.get(name)
        if spec is None or name not in self.params:
            return Notice("unknown_parameter", {"name": name})
        try:
            # text as every door reads it (a decimal comma too); other values as from Python
            self.params[name] = (
                spec.from_text(value) if isinstance(value, str) else spec.check(value)
            )
        except ValueError as e:
            return Notice(
                "bad_parameter", {"name": name, "value": value, "spec": spec, "message": str(e)}
            )
        return None

    def set_seed(self, text: str | int) -> Notice | None:
        """Choose the seed from user input (text); applies at reset."""
        try:
            seed = check_seed(text)
        except ValueError as e:
            return Notice("bad_seed", {"value": text, "seed": self.seed, "message": str(e)})
        if seed is None:
            return Notice("bad_seed", {"value": text, "seed": self.seed})
        self.seed = seed
        return None

    # -- data for the views -----------------------------------------------------------------
    def series(self, which: int, measure: str) -> tuple[np.ndarray, np.ndarray]:
        """Weeks and values of a measure for quarter ``which``, thinned to plotting size."""
        with self.lock:
            values = self.quarters[which].model.datacollector.model_vars[measure]
            idx = thin_indices(len(values))
            return idx, np.asarray([values[k] for k in idx], dtype=float)


def parse_mix(text: str) -> dict[str, float]:
    """A role mix from the command line's syntax (``door_opener=0.3,dialogue_manager=0.2``),
    checked against the declared activities; ``ValueError`` names what is wrong."""
    raw = parse_role_mix(text)  # the command line's own reader
    normalised = PARAMETERS["role_mix"].check(raw)  # raises for unknown activities or bad shares
    assert normalised is not None
    if max(raw.values()) > 1.0:  # shares as the command line allows them (2, 1): the sliders
        return normalised  # show them as parts of one
    return {a: float(raw.get(a, 0.0)) for a in ACTIVITIES}


def mix_text(mix: dict[str, float]) -> str:
    """A role mix in the command line's syntax: ``door_opener=0.3,dialogue_manager=0.2``
    (activities with a share of zero left out)."""
    return ",".join(f"{a}={share:g}" for a, share in mix.items() if share > 0)


@dataclass(frozen=True)
class Notice:
    """Something the user asked for that could not be done: a key into the page's texts and
    the details to fill in (so the message can be shown in either language)."""

    key: str
    data: dict[str, Any]


def parse_seed(text: str | int) -> int | None:
    """A seed from user input: a whole number in [0, 2**63) (``" 42 "`` works), else ``None``
    (the shared check, :func:`quartiersim.parameters.check_seed`)."""
    try:
        return check_seed(text)
    except ValueError:
        return None
