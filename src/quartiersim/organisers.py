"""Resident organisers: residents who took over a task of the team (Verstetigung).

Herriger: residents step "aus dem Schatten einer amtlichen Fürsorglichkeit hinaus in eigene
Verantwortungsrollen" and take "Regie und Verantwortung" for their quarter; the organisation
helper's *Anschubhilfe* is start-up help, temporary by its name. Programme practice hands tasks
over before the exit (Berlin's transition phase: coordination and networking tasks handed to
residents and local institutions; Neukölln's *Stadtteilmütter*, residents trained to make
outreach visits). In a phased exit (``phase_out_weeks``) workers train residents in the tasks
the team did (:func:`quartiersim.roles.handover`); after ``training_sessions`` sessions a
resident holds the task and does it every week for ``volunteer_hours``, with the role's own code,
at the quality of their *activated* competence in the task's domain — also after the exit. A
holder drops out as group members do: each week with chance ``dropout_rate`` × (1 − their recent
success), the share of their own recent outcomes that worked (``momentum_keep``); a holder who
withdraws into resigned privacy or moves away gives the task up too. Nobody replaces them once
the team has left. Formulas: ``docs/predictions.md`` 6.1 (and its addendum of 8 December 2026)
and ``docs/odd.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from quartiersim.groups import ActionGroup
from quartiersim.institutions import MEDIATED, OWN
from quartiersim.outcomes import RESIDENTS, Outcome
from quartiersim.residents import BUREAUCRACY, SPEAKING, Residents
from quartiersim.roles import ACTIVITIES, Budget
from quartiersim.roles import Quarter as RolesQuarter


class Quarter(RolesQuarter, Protocol):
    """What resident organisers use of the quarter: what the roles use, the residents who hold
    tasks, the institutions they are introduced to, and the world's guided tasks."""

    organisers: ResidentOrganisers
    residents: Residents
    p: dict[str, Any]


NO_TASK = -1

NO_RECORD: float = ActionGroup.momentum
"""The recent success of a holder who took a task over untrained (``training_sessions`` 0):
what a newly founded group starts with as its momentum (``groups.ActionGroup``)."""


@dataclass
class ResidentOrganiser:
    """A resident doing a handed-over task: what a role uses of whoever does it. ``quality`` is
    the resident's activated competence in the task's domain; a resident is no professional."""

    name: str
    quality: float
    professional: bool = False

    def move_to(self, x: int, y: int) -> None:
        """A resident organiser works from home: where they go is not drawn on the map."""


class ResidentOrganisers:
    """Which residents hold or are being trained in which task (one task each at most)."""

    def __init__(self, n: int, keep: float) -> None:
        #: what a holder's recent success keeps of itself at each of their outcomes: the memory
        #: of a group's momentum (``momentum_keep``; the group members' rule, section 6.1), so
        #: one holder's success counts as long as a group's
        self.keep = keep
        #: the tasks that can be handed over, in a fixed order (index = task number)
        self.tasks: tuple[str, ...] = tuple(
            name for name, a in ACTIVITIES.items() if a.handed_over_in is not None
        )
        #: task each resident holds (NO_TASK: none)
        self.task = np.full(n, NO_TASK, dtype=np.int64)
        #: task each resident is being trained in, and the sessions they had
        self.training = np.full(n, NO_TASK, dtype=np.int64)
        self.sessions = np.zeros(n, dtype=np.int64)
        #: training sessions that worked, of the task being trained in
        self.worked = np.zeros(n, dtype=np.int64)
        #: each holder's recent success, 0..1: the weighted share of their own outcomes that
        #: worked (their training sessions, then their performances of the task)
        self.recent = np.zeros(n)

    def holders(self) -> np.ndarray:
        """Residents holding a task."""
        return np.flatnonzero(self.task != NO_TASK)

    def busy(self) -> np.ndarray:
        """Per resident: holds a task or is being trained in one."""
        return (self.task != NO_TASK) | (self.training != NO_TASK)

    def trainee(self, task: str) -> int | None:
        """The resident in training for ``task`` (the first, if several), or None."""
        found = np.flatnonzero(self.training == self.tasks.index(task))
        return int(found[0]) if len(found) else None

    def forget(self, who: np.ndarray) -> None:
        """Residents ``who`` moved away: their tasks and training go with them."""
        self.task[who] = NO_TASK
        self.training[who] = NO_TASK
        self.sessions[who] = 0
        self.worked[who] = 0
        self.recent[who] = 0.0

    def performed(self, i: int, worked: bool) -> None:
        """Holder ``i`` did their task this week and it ``worked`` or not: their recent success
        moves toward it (an exponentially weighted share, :attr:`keep`)."""
        self.recent[i] = self.keep * self.recent[i] + (1.0 - self.keep) * float(worked)


def train(m: Quarter, i: int, task: str) -> None:
    """One training session of resident ``i`` in ``task``: a guided task of their own in the
    task's domain (:meth:`QuartierModel.try_out`: the world decides whether it works). After
    ``training_sessions`` sessions they hold the task; handing over a task that carries the
    workers' recognition introduces them to the institutions (:func:`introduce`)."""
    o = m.organisers
    activity = ACTIVITIES[task]
    domain = activity.handover_domain
    assert domain is not None, f"{task} cannot be handed over"
    number = o.tasks.index(task)
    if o.training[i] != number:
        o.training[i] = number
        o.sessions[i] = 0
        o.worked[i] = 0
    if m.p["training_sessions"] > 0:  # 0: the task is handed over untrained, at this meeting
        worked = m.try_out(np.array([i]), np.array([domain]))
        o.sessions[i] += 1
        o.worked[i] += int(worked.sum())
    if o.sessions[i] >= m.p["training_sessions"]:
        o.task[i] = number
        # A new holder's record is what they know of the task so far: their training (without
        # any, a new group's momentum).
        o.recent[i] = o.worked[i] / o.sessions[i] if o.sessions[i] else NO_RECORD
        o.training[i] = NO_TASK
        o.sessions[i] = 0
        o.worked[i] = 0
        m.log("task_handed_over", resident=i, task=task)
        if activity.hands_over_recognition:
            introduce(m, i)


def introduce(m: Quarter, i: int) -> None:
    """The workers introduce resident organiser ``i`` to the administration and the housing
    company (the contact person in the office): each institution's responsiveness on the
    residents' own channel moves toward its mediated one by ``q``, the resident's activated
    mean of speaking and bureaucracy — recognition passes as far as the resident can hold it."""
    q = float(m.residents.activated[i, [SPEAKING, BUREAUCRACY]].mean())
    for institution in (m.arena.administration, m.landlord):
        r = institution.responsiveness
        r[OWN] += q * max(0.0, float(r[MEDIATED] - r[OWN]))


def drop_out(m: Quarter, holders: np.ndarray) -> np.ndarray:
    """Holders who stop this week as group members do: each with chance ``dropout_rate`` ×
    (1 − recent success) — a task that has not worked for them lately is given up, one that
    keeps working is kept. Returns who stopped (their task is gone: nobody is named in their
    place, and after the exit nobody can be)."""
    o = m.organisers
    chance = m.p["dropout_rate"] * (1.0 - o.recent[holders])
    stopped = holders[m.rng.random(len(holders)) < chance]
    for i in stopped.tolist():
        m.log("task_dropped", resident=i, task=o.tasks[int(o.task[i])])
    o.task[stopped] = NO_TASK
    return stopped


def work(m: Quarter) -> None:
    """The resident organisers' week (during and after the project): holders who withdrew give
    the task up, others may drop out (:func:`drop_out`); each remaining holder does their task
    for ``volunteer_hours`` with the role's code, at the quality of their activated competence
    in its domain; doing it is a small outcome of their own effort that works with chance =
    that quality, and it moves their recent success."""
    o = m.organisers
    holders = o.holders()
    if len(holders) == 0:
        return
    gave_up = holders[m.residents.withdrawn[holders]]
    for i in gave_up.tolist():
        m.log("task_given_up", resident=i, task=o.tasks[int(o.task[i])])
    o.task[gave_up] = NO_TASK
    staying = holders[~m.residents.withdrawn[holders]]
    staying = np.setdiff1d(staying, drop_out(m, staying), assume_unique=True)
    for i in staying.tolist():  # a loop over a few holders
        task = o.tasks[int(o.task[i])]
        activity = ACTIVITIES[task]
        domain = activity.handover_domain
        assert domain is not None
        quality = float(m.residents.activated[i, domain])
        budget = Budget(m.p["volunteer_hours"])
        activity.act(m, ResidentOrganiser(f"resident {i}", quality), budget)
        if budget.spent > 0:
            m.residents.used[i, domain] = True
            worked = bool(m.rng.random() < quality)
            m.record(Outcome(worked, False, RESIDENTS, domain=domain, effort=np.array([i])))
            o.performed(i, worked)
