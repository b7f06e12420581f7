"""Action groups (Aktionsgruppen): founding, joining by threshold, small actions, drifting apart.

Joining follows Granovetter's (1978) threshold model: a resident joins when the share of their
ties already taking part reaches their threshold. Helplessness raises the threshold,
self-efficacy lowers it; withdrawn residents never join. :func:`threshold_cascade` is the rule
as a pure function; :meth:`ActionGroups.recruit` applies one round of it per week, so a cascade
unfolds over weeks (the S-shaped take-off of a group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from quartiersim.problems import CONCERN_LEVEL, Problems
from quartiersim.residents import BUREAUCRACY, ORGANISING, PRACTICAL, SPEAKING, Residents
from quartiersim.ties import Ties, random_pairs

MIN_MEMBERS = 3
JOIN_CONCERN = 0.5  # concern needed to consider joining a group about it
ACTION_RATE = 0.25  # weekly chance of a small action for a group of average capacity
ACTION_SIZE = 12  # residents taking part in one small action
BASE_ATTRITION = 0.004  # weekly: members leave for reasons of their own (moving, work, care)
SEED_FUNDS = 300.0  # euros a new group gets from the project's fund (Verfügungsfonds)


def threshold_cascade(
    thresholds: np.ndarray,
    adjacency: sp.spmatrix | np.ndarray | None = None,
    active: np.ndarray | None = None,
    *,
    eligible: np.ndarray | None = None,
    rounds: int | None = None,
    strength: np.ndarray | None = None,
) -> np.ndarray:
    """Granovetter's threshold model, run to its end (or for ``rounds`` rounds).

    Without ``adjacency`` everyone sees everyone and ``thresholds`` count *people*: a person
    joins when at least that many others are active. With an adjacency matrix (weights allowed)
    ``thresholds`` are *shares*: a person joins when the weighted share of their ties that is
    active reaches it; a person without ties never joins this way. ``eligible`` (default all)
    marks who may join at all; ``strength`` (the adjacency's row sums) may be passed in when
    the rule runs many times on one network. Returns the boolean active vector.
    """
    thresholds = np.asarray(thresholds, dtype=float)
    n = len(thresholds)
    active = np.zeros(n, dtype=bool) if active is None else np.asarray(active, dtype=bool).copy()
    eligible = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    if adjacency is not None:
        # scipy-stubs declare spmatrix as a mixin that csr_matrix() does not take; SciPy does
        adjacency = sp.csr_matrix(adjacency)  # type: ignore[arg-type]
        if strength is None:
            strength = np.asarray(adjacency.sum(axis=1)).ravel()
    step = 0
    while rounds is None or step < rounds:
        if adjacency is None:
            seen = active.sum() - active  # the others who are active
            joins = eligible & ~active & (seen >= thresholds)
        else:
            assert strength is not None  # set above whenever there is an adjacency
            exposure = adjacency @ active.astype(float)
            share = np.divide(exposure, strength, out=np.zeros(n), where=strength > 0)
            joins = eligible & ~active & (strength > 0) & (share >= thresholds)
        if not joins.any():
            break
        active |= joins
        step += 1
    return active


@dataclass
class ActionGroup:
    """One action group and the problem it works on."""

    id: int
    problem: int  # -1: a neighbourhood group without a current cause
    founded: int  # week
    funds: float = SEED_FUNDS
    momentum: float = 0.5  # recent success, 0..1; decays, feeds staying and recruiting
    help: float = 0.0  # organisational help from workers (decays)
    access: float = 0.0  # access to administration opened by workers (decays)
    attention: float = 0.0  # public attention won by escalation (decays)
    pressure: float = 0.0  # pressure built by refused and escalated claims (decays)
    wins: int = 0
    refusals: int = 0
    active: bool = True
    history: list[int] = field(default_factory=list)  # member counts, weekly


class Allies(Protocol):
    """What groups need of the political arena: a dissolved group's allies are set free."""

    def release_allies(self, g: ActionGroup) -> None: ...


class Quarter(Protocol):
    """What action groups use of the quarter."""

    residents: Residents
    ties: Ties
    problems: Problems
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int

    @property
    def arena(self) -> Allies: ...

    def log(self, key: str, **data: Any) -> None: ...

    def mark_used(self, who: np.ndarray, domain: int) -> None: ...


class ActionGroups:
    """All action groups of the quarter."""

    def __init__(self, model: Quarter) -> None:
        self.model = model
        self.groups: list[ActionGroup] = []

    @property
    def active(self) -> list[ActionGroup]:
        """The groups that have not dissolved."""
        return [g for g in self.groups if g.active]

    def members(self, group: ActionGroup) -> np.ndarray:
        """Ids of the residents active in ``group``."""
        return np.flatnonzero(self.model.residents.group == group.id)

    def by_problem(self, problem: int) -> ActionGroup | None:
        """The active group working on ``problem``, if any."""
        for g in self.groups:
            if g.active and g.problem == problem:
                return g
        return None

    # -- capacity -------------------------------------------------------------------------
    def capacity(self, group: ActionGroup) -> float:
        """What ``group`` can do, in [0, 1] (see :meth:`capacities`)."""
        return float(self.capacities()[group.id])

    def capacities(self) -> np.ndarray:
        """What each group can do, in [0, 1], indexed by group id (0 for empty groups).

        Size (saturating), its members' activated competences for collective action
        (organising, speaking, bureaucracy; the best organiser counts as leadership), its
        internal cohesion (tie strength per member), its funds and outside help. Computed for
        all groups at once from the current state.
        """
        r, t = self.model.residents, self.model.ties
        n_groups = len(self.groups)
        inside = r.group >= 0
        act = r.activated[inside]
        gid = r.group[inside]
        size = np.bincount(gid, minlength=n_groups)
        safe = np.maximum(size, 1)
        mean_act = (
            np.bincount(gid, act[:, [ORGANISING, SPEAKING, BUREAUCRACY]].mean(axis=1), n_groups)
            / safe
        )
        best_organiser = np.zeros(n_groups)
        np.maximum.at(best_organiser, gid, act[:, ORGANISING])  # leadership
        competence = 0.5 * mean_act + 0.5 * best_organiser
        gi, gj = r.group[t.i], r.group[t.j]
        same = (gi == gj) & (gi >= 0)
        inner = np.bincount(gi[same], t.weight[same], n_groups) / safe
        cohesion = inner / (inner + 0.5)
        funds = np.array([g.funds for g in self.groups])
        help_ = np.minimum(np.array([g.help for g in self.groups]), 1.0)
        core = 0.5 * competence + 0.3 * cohesion + 0.2 * funds / (funds + 500.0)
        scale = 1.0 - np.exp(-size / 8.0)
        return np.where(size > 0, np.minimum(1.0, scale * core + 0.15 * help_), 0.0)

    def competence(self, members: np.ndarray, domains: list[int]) -> float:
        """Mean activated resources of ``members`` in ``domains``, in [0, 1]."""
        if len(members) == 0:
            return 0.0
        return float(self.model.residents.activated[members][:, domains].mean())

    # -- the weekly processes --------------------------------------------------------------
    def found(self, problem: int, founders: np.ndarray, funds: float = SEED_FUNDS) -> ActionGroup:
        """Start a group on ``problem`` with ``founders`` (the entry point workers use too)."""
        m = self.model
        g = ActionGroup(id=len(self.groups), problem=problem, founded=m.steps, funds=funds)
        self.groups.append(g)
        m.residents.set_group(founders, g.id)
        m.log("group_founded", group=g.id, problem=problem, members=len(founders))
        return g

    def found_spontaneously(self) -> None:
        """Concerned residents with an organiser among them start groups on visible problems."""
        m, r = self.model, self.model.residents
        free = (r.group < 0) & ~r.withdrawn
        for p in np.flatnonzero(m.problems.visible).tolist():
            if self.by_problem(p) is not None or m.rng.random() >= m.p["founding_rate"]:
                continue
            concerned = free & (m.problems.concern[:, p] >= CONCERN_LEVEL)
            organisers = np.flatnonzero(
                concerned & (r.activated[:, ORGANISING] >= m.p["initiator_level"])
            )
            if len(organisers) == 0:
                continue
            founders = self.founding_circle(int(m.rng.choice(organisers)), concerned)
            if len(founders) >= MIN_MEMBERS:
                self.found(p, founders)
                free[founders] = False  # founders are taken: no other group gets them

    def founding_circle(self, initiator: int, concerned: np.ndarray) -> np.ndarray:
        """The initiator and the concerned residents they are tied to."""
        row = self.model.ties.adjacency()[initiator]
        friends = row.indices[concerned[row.indices]]
        return np.unique(np.append(friends, initiator))

    def thresholds(self) -> np.ndarray:
        """Each resident's joining threshold (share of ties), raised by helplessness and
        lowered by self-efficacy; a quarter lower for residents personally invited this week."""
        r, p = self.model.residents, self.model.p
        t = r.threshold_trait * (1.0 + p["threshold_spread"] * (r.helplessness - r.self_efficacy))
        t = np.where(r.invited, 0.75 * t, t)
        return np.clip(t, 0.0, None)  # above 1: would not join even if all friends did

    def recruit(self) -> None:
        """One round of the threshold rule for every active group."""
        m, r = self.model, self.model.residents
        adjacency = m.ties.adjacency()
        strength = np.asarray(adjacency.sum(axis=1)).ravel()
        thresholds = self.thresholds()
        free = (r.group < 0) & ~r.withdrawn
        active = self.active
        causes = [g.problem for g in active if g.problem >= 0]
        cares_about = m.problems.concern[:, causes] >= JOIN_CONCERN  # one column per cause
        column = 0
        for g in active:
            if g.problem >= 0:
                cares = cares_about[:, column]
                column += 1
            else:
                cares = np.ones(r.n, dtype=bool)
            eligible = cares & free
            if not eligible.any():
                continue
            # People join what seems to work: a group's pull fades with its momentum.
            joined = threshold_cascade(
                thresholds / max(g.momentum, 0.05),
                adjacency,
                r.group == g.id,
                eligible=eligible,
                rounds=1,
                strength=strength,
            )
            new = np.flatnonzero(joined & eligible)
            if len(new):
                r.set_group(new, g.id)
                free[new] = False
                m.log("residents_joined", group=g.id, count=len(new))

    def act(self) -> None:
        """Small local actions (clean-up, street party, repair day): members meet and win."""
        m, r = self.model, self.model.residents
        capacities = self.capacities()  # as the week's actions begin
        for g in self.active:
            members = self.members(g)
            cap = float(capacities[g.id])
            if m.rng.random() >= ACTION_RATE * (0.5 + cap):
                continue
            present = members[~r.withdrawn[members] & (m.rng.random(len(members)) < 0.7)]
            if len(present) > ACTION_SIZE:  # an action is a small circle, not the whole group
                present = m.rng.choice(present, size=ACTION_SIZE, replace=False)
            if len(present) < 2:
                continue
            a, b = random_pairs(present, m.rng, rounds=2)
            m.ties.reinforce(a, b, m.p["tie_gain"])
            m.mark_used(present, PRACTICAL)
            r.mastery(present, strength=0.1 * (0.5 + cap), domain=PRACTICAL)
            r.belonging[present] = np.minimum(1.0, r.belonging[present] + 0.01)
            if g.problem >= 0:  # a visible small win on the problem itself
                p = g.problem
                m.problems.severity[p] = max(0.05, m.problems.severity[p] - 0.02 * cap)
            g.momentum = min(1.0, g.momentum + 0.1 * cap)
            g.funds = max(0.0, g.funds - 20.0)
            m.log("small_action", group=g.id, present=len(present))

    def drift(self) -> None:
        """Members drift away from groups without success; groups without leaders fade."""
        m, r = self.model, self.model.residents
        for g in self.active:
            members = self.members(g)
            leaderless = len(members) == 0 or r.activated[members, ORGANISING].max() < (
                0.5 * m.p["initiator_level"]
            )
            rate = BASE_ATTRITION + m.p["dropout_rate"] * (1.0 - g.momentum) * (
                2.0 if leaderless else 1.0
            )
            rate *= 1.0 - 0.5 * min(g.help, 1.0)  # organisational help keeps meetings going
            leaving = members[(m.rng.random(len(members)) < rate) | r.withdrawn[members]]
            r.set_group(leaving, -1)
            g.momentum *= 0.97
            g.help *= 0.9
            g.access *= 0.95
            g.attention *= 0.95
            g.pressure *= 0.98
            g.funds *= 0.995
            remaining = len(members) - len(leaving)
            g.history.append(remaining)
            if remaining < MIN_MEMBERS:
                self.dissolve(g, reason="leaderless" if leaderless else "attendance")

    def dissolve(self, g: ActionGroup, reason: str) -> None:
        """End group ``g`` (too few members): members are free, allies leave."""
        m = self.model
        g.active = False
        m.residents.set_group(m.residents.group == g.id, -1)
        m.arena.release_allies(g)
        m.log("group_dissolved", group=g.id, reason=reason)

    def adopt_new_cause(self, g: ActionGroup) -> None:
        """After a win, a group takes up the visible problem its members care most about."""
        m = self.model
        members = self.members(g)
        g.problem = -1
        candidates = [
            p for p in np.flatnonzero(m.problems.visible).tolist() if self.by_problem(p) is None
        ]
        if candidates and len(members):
            care = m.problems.concern[np.ix_(members, candidates)].mean(axis=0)
            best = int(np.argmax(care))
            if care[best] >= CONCERN_LEVEL / 2:
                g.problem = int(candidates[best])
                m.log("new_cause", group=g.id, problem=g.problem)
