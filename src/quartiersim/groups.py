"""Action groups (Aktionsgruppen): founding, joining by threshold, small actions, drifting apart.

Joining follows Granovetter's (1978) threshold model: a resident joins when the share of their
ties already taking part reaches their threshold. Helplessness raises the threshold, the
expectation that one's own action works lowers it; withdrawn residents never join, and nobody
joins a group about a problem they wait on the office for. :func:`threshold_cascade` is the rule
as a pure function, run to its end; :meth:`ActionGroups.recruit` applies one round of it per
week (the decision itself is :func:`joins`), so a cascade unfolds over weeks (the S-shaped
take-off of a group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from quartiersim.outcomes import NOBODY, RESIDENTS, Outcome
from quartiersim.problems import Problems
from quartiersim.residents import BUREAUCRACY, ORGANISING, PRACTICAL, SPEAKING, Residents
from quartiersim.ties import Ties, random_pairs

if TYPE_CHECKING:  # SciPy's sparse matrices are imported where a matrix is built
    import scipy.sparse as sp

# Still constants because roles.py reads them too; they become parameters with it.


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
        import scipy.sparse as sp

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


def joins(share: np.ndarray, tied: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Granovetter's threshold rule as the model applies it every week: a resident joins a
    group when the weighted ``share`` of their ties that are members reaches their threshold.

    One entry per resident and group they are tied into; ``tied`` counts those ties (at least
    one), for variants of the rule that count people instead of shares.
    """
    return share >= thresholds


@dataclass
class ActionGroup:
    """One action group and the problem it works on."""

    id: int
    problem: int  # -1: a neighbourhood group without a current cause
    founded: int  # week
    funds: float = 0.0  # euros; a new group gets the seed_funds parameter
    momentum: float = 0.5  # recent success, 0..1; decays, feeds staying and recruiting
    help: float = 0.0  # organisational help from workers (decays)
    access: float = 0.0  # access to administration opened by workers (decays)
    attention: float = 0.0  # public attention won by escalation (decays)
    pressure: float = 0.0  # pressure built by refused and escalated claims (decays)
    carried: bool = False  # a worker carries its claim to the next assembly (mediated channel)
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

    def record(self, outcome: Outcome) -> None: ...


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

    def members_by_group(self) -> list[np.ndarray]:
        """Ids of the residents active in each group, indexed by group id, found in one pass
        over the residents (each list ascending, as :meth:`members` gives it)."""
        if not self.groups:
            return []
        group = self.model.residents.group
        inside = np.flatnonzero(group >= 0)
        order = np.argsort(group[inside], kind="stable")
        sizes = np.bincount(group[inside], minlength=len(self.groups))
        return np.split(inside[order], np.cumsum(sizes)[:-1])

    @property
    def membership(self) -> np.ndarray:
        """The group each resident is active in (-1: none) — public: who is in which group is
        no secret in a quarter."""
        return self.model.residents.group

    def observe_capacity(self, group: ActionGroup, capacity: float | None = None) -> float:
        """What a session with ``group`` shows of its capacity: a reading with normal error of
        standard deviation ``diagnosis_noise``, clipped to [0, 1] (an observation of the
        world). ``capacity``: the group's capacity if already computed
        (:meth:`capacity_of`)."""
        m = self.model
        true = self.capacity(group) if capacity is None else capacity
        reading = true + m.rng.normal(0.0, m.p["diagnosis_noise"])
        return float(np.clip(reading, 0.0, 1.0))

    def observe_capacities(self, capacity: np.ndarray) -> np.ndarray:
        """What sessions with several groups show, as :meth:`observe_capacity` group by group:
        each group's own ``capacity`` (:meth:`capacity_of`) read with its own normal error, the
        errors of the week's sessions drawn at once."""
        m = self.model
        reading = capacity + m.rng.normal(0.0, m.p["diagnosis_noise"], len(capacity))
        return np.clip(reading, 0.0, 1.0)

    def by_problem(self, problem: int) -> ActionGroup | None:
        """The active group working on ``problem``, if any."""
        for g in self.groups:
            if g.active and g.problem == problem:
                return g
        return None

    # -- capacity -------------------------------------------------------------------------
    def capacity(self, group: ActionGroup) -> float:
        """What ``group`` can do, in [0, 1] (see :meth:`capacities`), from its own members
        only: the same number, without reading every other group."""
        return float(self._capacities(self.members(group), [group])[0])

    def capacity_of(self, groups: list[ActionGroup], members: list[np.ndarray]) -> np.ndarray:
        """:meth:`capacity` of each of ``groups`` (the groups a worker's sessions of the week
        reach), in one computation over their own members only; ``members``: each group's
        members, ascending, indexed by group id (:meth:`members_by_group`). The same numbers
        as :meth:`capacity` group by group, to the last bit."""
        if not groups:
            return np.zeros(0)
        inside = np.sort(np.concatenate([members[g.id] for g in groups]))
        return self._capacities(inside, groups)

    def capacities(self) -> np.ndarray:
        """What each group can do, in [0, 1], indexed by group id (0 for empty groups).

        Size (saturating), its members' activated competences for collective action
        (organising, speaking, bureaucracy; the best organiser counts as leadership), its
        internal cohesion (tie strength per member), its funds and outside help. Computed for
        all groups at once from the current state.
        """
        return self._capacities(np.flatnonzero(self.model.residents.group >= 0), self.groups)

    def _capacities(self, members: np.ndarray, groups: list[ActionGroup]) -> np.ndarray:
        """:meth:`capacities` of ``groups``, in their order, from ``members`` (ascending:
        every member of each of them)."""
        r, t = self.model.residents, self.model.ties
        n_groups = len(groups)
        ids = np.array([g.id for g in groups], dtype=np.int64)
        local = np.full(len(self.groups), -1, dtype=np.int64)  # group id -> place in ``groups``
        local[ids] = np.arange(n_groups)
        act = r.activated[members]
        gid = local[r.group[members]]
        size = np.bincount(gid, minlength=n_groups)
        safe = np.maximum(size, 1)
        mean_act = (
            np.bincount(gid, act[:, [ORGANISING, SPEAKING, BUREAUCRACY]].mean(axis=1), n_groups)
            / safe
        )
        best_organiser = np.zeros(n_groups)
        np.maximum.at(best_organiser, gid, act[:, ORGANISING])  # leadership
        competence = 0.5 * mean_act + 0.5 * best_organiser
        inner = t.weight_within(r.group, len(self.groups), members)[ids] / safe
        cohesion = inner / (inner + 0.5)
        funds = np.array([g.funds for g in groups])
        help_ = np.minimum(np.array([g.help for g in groups]), 1.0)
        core = 0.5 * competence + 0.3 * cohesion + 0.2 * funds / (funds + 500.0)
        scale = 1.0 - np.exp(-size / self.model.p["group_size_scale"])
        return np.where(size > 0, np.minimum(1.0, scale * core + 0.15 * help_), 0.0)

    def competence(self, members: np.ndarray, domains: list[int]) -> float:
        """Mean activated resources of ``members`` in ``domains``, in [0, 1]."""
        if len(members) == 0:
            return 0.0
        return float(self.model.residents.activated[members][:, domains].mean())

    # -- the weekly processes --------------------------------------------------------------
    def found(
        self,
        problem: int,
        founders: np.ndarray,
        funds: float | None = None,
        initiator: int | None = None,
    ) -> ActionGroup:
        """Start a group on ``problem`` with ``founders`` (the entry point workers use too).

        A founding is an outcome: the ``initiator`` contributed the effort of organising it,
        the other founders took part, the residents concerned by the problem saw it happen.
        ``funds`` defaults to the ``seed_funds`` parameter.
        """
        m = self.model
        if funds is None:
            funds = m.p["seed_funds"]
        g = ActionGroup(id=len(self.groups), problem=problem, founded=m.steps, funds=funds)
        self.groups.append(g)
        m.residents.set_group(founders, g.id)
        m.record(
            Outcome(
                success=True,
                decisive=False,
                source=RESIDENTS,
                domain=ORGANISING,
                effort=np.array([] if initiator is None else [initiator], dtype=np.int64),
                took_part=founders,
                affected=m.problems.affected(problem) if problem >= 0 else NOBODY,
            )
        )
        if problem >= 0:
            m.problems.taken_up(problem, m.steps)
        m.log("group_founded", group=g.id, problem=problem, members=len(founders))
        return g

    def found_with_help(
        self, problem: int, invited: np.ndarray, initiator: int, funds: float | None = None
    ) -> ActionGroup | None:
        """A worker brings ``invited`` residents together around ``problem``, with
        ``initiator`` to lead: those who come (not withdrawn, in no other group) found the
        group, if the initiator comes and at least ``min_members`` do. Returns the group,
        or None when the founding fails."""
        r = self.model.residents
        if r.withdrawn[initiator] or r.group[initiator] >= 0:
            return None
        invited = np.asarray(invited, dtype=np.int64)
        came = invited[~r.withdrawn[invited] & (r.group[invited] < 0)]
        if len(came) < self.model.p["min_members"]:
            return None
        return self.found(problem, came, funds=funds, initiator=initiator)

    def found_spontaneously(self) -> None:
        """Residents who turned to their neighbours about a visible problem this week
        (``Residents.engaged_on``) and can organise start a group on it, with the concerned
        residents they are tied to: for each visible problem without a group and with such a
        resident, with chance ``founding_rate``."""
        m, r = self.model, self.model.residents
        free = (r.group < 0) & ~r.withdrawn
        can_organise = r.activated[:, ORGANISING] >= m.p["initiator_level"]
        capable = free & (r.engaged_on >= 0) & can_organise
        if not capable.any():
            return
        for p in np.unique(r.engaged_on[capable]).tolist():
            if self.by_problem(p) is not None or not m.problems.visible[p]:
                continue
            concerned = free & (m.problems.concern[:, p] >= m.p["concern_level"])
            organisers = np.flatnonzero(capable & concerned & (r.engaged_on == p))
            if len(organisers) == 0 or m.rng.random() >= m.p["founding_rate"]:
                continue
            initiator = int(m.rng.choice(organisers))
            founders = self.founding_circle(initiator, concerned)
            if len(founders) >= m.p["min_members"]:
                self.found(int(p), founders, initiator=initiator)
                free[founders] = False  # founders are taken: no other group gets them

    def founding_circle(self, initiator: int, concerned: np.ndarray) -> np.ndarray:
        """The initiator and the concerned residents they are tied to."""
        friends = self.model.ties.neighbours(initiator)
        friends = friends[concerned[friends]]
        return np.unique(np.append(friends, initiator))

    def thresholds(self) -> np.ndarray:
        """Each resident's joining threshold (share of ties), raised by helplessness and
        lowered by the expectation that one's own action works; times ``invitation_factor``
        for residents personally invited this week."""
        r, p = self.model.residents, self.model.p
        t = r.threshold_trait * (1.0 + p["threshold_spread"] * (r.helplessness - r.expect_own))
        t = np.where(r.invited, p["invitation_factor"] * t, t)
        return np.clip(t, 0.0, None)  # above 1: would not join even if all friends did

    def recruit(self) -> None:
        """One round of the threshold rule for every active group, all groups in one pass.

        A free resident (in no group, not withdrawn, not waiting on the office about the
        group's cause) who cares about a group's cause joins it
        when the weighted share of their ties that are members reaches their threshold divided
        by the group's momentum (people join what seems to work) — the decision is
        :func:`joins`. Groups recruit in the order they were founded: who qualifies for several
        joins the oldest. This is :func:`threshold_cascade` with ``rounds=1`` run group by
        group; the exposure of every free resident to every group is summed over the ties at
        once instead.
        """
        m, r = self.model, self.model.residents
        if not self.active:
            return
        t = m.ties
        n_groups = len(self.groups)
        free = (r.group < 0) & ~r.withdrawn
        # Ties from a free resident to a member: (resident, group, weight), upper part (the
        # resident is i) and lower part (the resident is j), each in the edge list's order.
        gi, gj = r.group[t.i], r.group[t.j]
        up = free[t.i] & (gj >= 0)
        low = free[t.j] & (gi >= 0)
        who = np.concatenate([t.i[up], t.j[low]])
        if len(who) == 0:
            return
        pairs, inverse = np.unique(
            who * n_groups + np.concatenate([gj[up], gi[low]]), return_inverse=True
        )
        n_up = int(up.sum())
        # Summed as the resident's strength is (upper part + lower part), so that a resident
        # whose ties all lead into the group has a share of exactly 1.
        exposure = np.bincount(inverse[:n_up], t.weight[up], len(pairs)) + np.bincount(
            inverse[n_up:], t.weight[low], len(pairs)
        )
        tied = np.bincount(inverse, minlength=len(pairs))
        who, group = pairs // n_groups, pairs % n_groups
        strength = t.strength()[who]
        share = np.divide(exposure, strength, out=np.zeros(len(pairs)), where=strength > 0)
        momentum = np.array([max(g.momentum, 0.05) for g in self.groups])
        cause = np.array([g.problem for g in self.groups])[group]
        cares = np.ones(len(pairs), dtype=bool)
        has_cause = cause >= 0
        concern = m.problems.concern[who[has_cause], cause[has_cause]]
        cares[has_cause] = concern >= m.p["join_concern"]
        # Who waits on the office about the cause leaves it to the office meanwhile.
        cares &= ~has_cause | (r.waiting_on[who] != cause)
        thresholds = self.thresholds()[who] / momentum[group]
        joining = cares & (strength > 0) & joins(share, tied, thresholds)
        who, group = who[joining], group[joining]
        first = np.unique(who, return_index=True)[1]  # pairs are sorted by resident, then group
        who, group = who[first], group[first]
        r.set_group(who, group)
        for g, count in zip(*np.unique(group, return_counts=True), strict=True):
            m.log("residents_joined", group=int(g), count=int(count))

    def act(self) -> None:
        """Small local actions (clean-up, street party, repair day): members meet and win.

        An action is an outcome: the members present contributed effort (practical skills);
        the other members and the residents concerned by the group's problem saw it. The week's
        meetings at all actions renew ties together, after the last action (no action looks at
        ties, and members of different groups never meet here)."""
        m, r = self.model, self.model.residents
        capacities = self.capacities()  # as the week's actions begin
        members_of = self.members_by_group()
        met_a, met_b = [], []
        action_size = m.p["action_size"]
        for g in self.active:
            members = members_of[g.id]
            cap = float(capacities[g.id])
            if m.rng.random() >= m.p["action_rate"] * (0.5 + cap):
                continue
            comes = m.rng.random(len(members)) < m.p["action_turnout"]
            present = members[~r.withdrawn[members] & comes]
            if len(present) > action_size:  # an action is a small circle, not the whole group
                present = m.rng.choice(present, size=action_size, replace=False)
            if len(present) < 2:
                continue
            a, b = random_pairs(present, m.rng, rounds=2)
            met_a.append(a)
            met_b.append(b)
            m.mark_used(present, PRACTICAL)
            m.record(
                Outcome(
                    success=True,
                    decisive=False,
                    source=RESIDENTS,
                    domain=PRACTICAL,
                    effort=present,
                    affected=np.concatenate(
                        [members, m.problems.affected(g.problem) if g.problem >= 0 else NOBODY]
                    ),
                )
            )
            r.belonging[present] = np.minimum(1.0, r.belonging[present] + 0.01)
            if g.problem >= 0:  # a visible small win on the problem itself
                p = g.problem
                m.problems.severity[p] = max(0.05, m.problems.severity[p] - 0.02 * cap)
            g.momentum = min(1.0, g.momentum + 0.1 * cap)
            g.funds = max(0.0, g.funds - 20.0)
            m.log("small_action", group=g.id, present=len(present))
        if met_a:
            m.ties.meet(np.concatenate(met_a), np.concatenate(met_b), m.p["tie_gain"])

    def drift(self) -> None:
        """Members drift away from groups without success; groups without leaders fade."""
        m, r = self.model, self.model.residents
        members_of = self.members_by_group()  # leaving one group changes no other's members
        min_members = m.p["min_members"]
        for g in self.active:
            members = members_of[g.id]
            leaderless = len(members) == 0 or r.activated[members, ORGANISING].max() < (
                0.5 * m.p["initiator_level"]
            )
            rate = m.p["base_attrition"] + m.p["dropout_rate"] * (1.0 - g.momentum) * (
                2.0 if leaderless else 1.0
            )
            rate *= 1.0 - 0.5 * min(g.help, 1.0)  # organisational help keeps meetings going
            leaving = members[(m.rng.random(len(members)) < rate) | r.withdrawn[members]]
            r.set_group(leaving, -1)
            g.momentum *= m.p["momentum_keep"]
            g.help *= 0.9
            g.access *= 0.95
            g.attention *= 0.95
            g.pressure *= 0.98
            g.funds *= 0.995
            remaining = len(members) - len(leaving)
            g.history.append(remaining)
            if remaining < min_members:
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
            if care[best] >= m.p["concern_level"] / 2:
                g.problem = int(candidates[best])
                m.problems.taken_up(g.problem, m.steps)
                m.log("new_cause", group=g.id, problem=g.problem)
