"""The political arena: claims, resident assemblies, conflicts, the administration and allies.

Every ``assembly_weeks`` weeks a resident assembly (Bewohnerversammlung) bundles the claims of
the action groups. Claims about opposed problems **conflict** (a youth space vs. quiet for the
elderly): a mediated conflict becomes one compromise claim with the backing of both; an
unmediated one splits the voice (each claim loses half its backing) and damages the ties across
the two groups. Each claim goes to its problem's addressee — the **administration**, or the
**housing company** for rent and disrepair (:mod:`quartiersim.landlord`). Each has limited
attention (it decides at most ``admin_attention`` claims, the best backed first) and a
responsiveness per channel — the residents' own, and the one the workers carry claims on —
that sets how much backing a claim needs and that it learns from what arrives
(:mod:`quartiersim.institutions`). A decided claim
is an outcome (:mod:`quartiersim.outcomes`): the group's delegates spoke for it, the other
members took part, the residents concerned saw it. A granted
claim solves its problem; a refused one is a failure for those who raised it — and a group that
is conflict-capable (Konfliktfähigkeit) then goes public: a small outcome of its own that builds
pressure for the next round and may win allies.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from quartiersim.groups import ActionGroup, ActionGroups
from quartiersim.institutions import MEDIATED, OWN, Institution
from quartiersim.outcomes import BOTH, NOBODY, RESIDENTS, Outcome
from quartiersim.problems import ADDRESSEE, ADDRESSEES, ADMINISTRATION, LANDLORD, OPPOSING, Problems
from quartiersim.residents import BUREAUCRACY, ORGANISING, SPEAKING, Residents
from quartiersim.ties import Ties

RECORD_WEEKS = 52
"""Decisions on residents' claims of this many weeks make up their record of won claims: part
of the definition of two measures (``claims_success``, the record in political influence), read
by no rule of the model, so not a behavioural assumption."""


@dataclass
class Claim:
    """A demand to the administration (Forderung) about one or two problems."""

    groups: tuple[int, ...]
    problems: tuple[int, ...]
    backing: float
    mediated: bool = False  # a compromise of two claims, mediated
    channel: int = OWN  # OWN: the residents' own; MEDIATED: carried by a worker


class Quarter(Protocol):
    """What the political arena uses of the quarter."""

    residents: Residents
    ties: Ties
    problems: Problems
    groups: ActionGroups
    landlord: Institution
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int

    @property
    def project_running(self) -> bool: ...

    def log(self, key: str, **data: Any) -> None: ...

    def mark_used(self, who: np.ndarray, domain: int) -> None: ...

    def record(self, outcome: Outcome) -> None: ...

    def problem_solved(self, p: int, with_residents: bool) -> None: ...


class Arena:
    """Administration, allies and the assembly cycle."""

    def __init__(self, model: Quarter) -> None:
        self.model = model
        p = model.p
        self.administration = Institution("administration", p["baseline_responsiveness"], p)
        #: ally id -> group id it supports (-1 free); allies belong to the quarter's politics
        self.ally_of = np.full(p["n_potential_allies"], -1)
        #: decisions on residents' claims of the last RECORD_WEEKS weeks: (week, granted)
        self.decisions: deque[tuple[int, bool]] = deque()
        self.claims_raised = 0
        self.claims_granted = 0
        self.conflicts_open = 0
        self.conflicts_mediated = 0
        self.mediation_hours = 0.0  # prepared by the conflict mediator for coming conflicts
        #: mediations prepared by resident mediators (a handed-over task): their quality each
        self.resident_mediations: list[float] = []
        self.translation = 0.0  # dialogue manager's help in phrasing claims (decays)

    # -- measures ---------------------------------------------------------------------------
    @property
    def allies(self) -> int:
        """Allies currently supporting some group."""
        return int((self.ally_of >= 0).sum())

    def recent_success(self) -> float:
        """Share of claims granted among the decisions on residents' claims of the last year."""
        if not self.decisions:
            return 0.0
        return sum(g for _, g in self.decisions) / len(self.decisions)

    def record(self) -> float:
        """The residents' record of won claims: claims granted in the last year / (claims
        decided + 1) — the +1 keeps one lucky grant from counting as a perfect record."""
        return sum(g for _, g in self.decisions) / (len(self.decisions) + 1.0)

    def group_allies(self, g: ActionGroup) -> int:
        """Allies currently supporting group ``g``."""
        return int((self.ally_of == g.id).sum())

    # -- weekly -----------------------------------------------------------------------------
    def weekly(self) -> None:
        """The arena's week: the institutions forget a little of what they learned, old
        decisions leave the record, allies of fading groups leave, and every ``assembly_weeks``
        an assembly is held."""
        m = self.model
        self.administration.forget()
        m.landlord.forget()
        self.translation *= 0.95
        while self.decisions and self.decisions[0][0] <= m.steps - RECORD_WEEKS:
            self.decisions.popleft()
        self.lose_allies_of_fading_groups()
        if m.steps % m.p["assembly_weeks"] == 0:
            self.assembly()

    def assembly(self) -> None:
        """A resident assembly: collect claims, resolve conflicts, let the administration decide."""
        m = self.model
        claims = [c for g in m.groups.active if (c := self.claim_of(g)) is not None]
        if not claims:
            return
        self.claims_raised += len(claims)
        m.log("assembly", claims=len(claims))
        claims = self.resolve_conflicts(claims)
        claims.sort(key=lambda c: c.backing, reverse=True)
        for addressee in (ADMINISTRATION, LANDLORD):  # each decides its own claims
            theirs = [c for c in claims if self.addressee(c) == addressee]
            for claim in theirs[: m.p["admin_attention"]]:
                self.decide(claim)
        for g in m.groups.active:  # what workers carried goes with this assembly's claims
            g.carried = False

    def addressee(self, claim: Claim) -> int:
        """Whom a claim goes to: the addressee of its (first) problem — opposed problems share
        one."""
        return int(ADDRESSEE[self.model.problems.kind[claim.problems[0]]])

    def decider(self, claim: Claim) -> Institution:
        """The institution that decides ``claim``: the administration or the housing company."""
        return self.model.landlord if self.addressee(claim) == LANDLORD else self.administration

    def claim_of(self, g: ActionGroup) -> Claim | None:
        """A group with a visible cause and enough capacity raises a claim; its backing."""
        m = self.model
        if g.problem < 0 or not m.problems.visible[g.problem]:
            return None
        members = m.groups.members(g)
        cap = m.groups.capacity(g)
        if cap < m.p["claim_readiness"]:
            return None
        affected = max(5.0, 0.25 * len(m.problems.affected(g.problem)))
        organised = min(1.0, len(members) / affected)
        competence = m.groups.competence(members, [SPEAKING, BUREAUCRACY])
        allies = min(1.0, self.group_allies(g) / 2.0)
        attention = min(1.0, g.attention + m.problems.attention[g.problem])
        p = m.p
        backing = (
            p["backing_organised"] * organised
            + p["backing_competence"] * competence
            + p["backing_allies"] * allies
            + p["backing_attention"] * attention
            + p["backing_pressure"] * min(1.0, g.pressure)
            + p["backing_access"] * min(1.0, g.access + self.translation)
        )
        channel = MEDIATED if g.carried else OWN
        return Claim(groups=(g.id,), problems=(g.problem,), backing=backing, channel=channel)

    def resolve_conflicts(self, claims: list[Claim]) -> list[Claim]:
        """Pair up claims on opposed problems; mediate or split each pair."""
        m = self.model
        kinds = m.problems.kind
        out: list[Claim] = []
        pending = list(claims)
        while pending:
            c = pending.pop(0)
            rival = next(
                (d for d in pending if OPPOSING[kinds[c.problems[0]]] == kinds[d.problems[0]]),
                None,
            )
            if rival is None:
                out.append(c)
                continue
            pending.remove(rival)
            out.extend(self.conflict(c, rival))
        return out

    def conflict(self, a: Claim, b: Claim) -> list[Claim]:
        """Two opposed claims meet. Mediated: one compromise claim with both backings.
        Unmediated: the voice splits and ties across the two groups suffer."""
        m = self.model
        ga, gb = (m.groups.groups[c.groups[0]] for c in (a, b))
        ma, mb = m.groups.members(ga), m.groups.members(gb)
        if self.mediate(ma, mb):
            self.conflicts_mediated += 1
            m.log("conflict_mediated", a=ga.id, b=gb.id)
            m.ties.bridge(ma, mb, m.p["tie_gain"], m.rng)
            backing = min(1.0, m.p["compromise_backing"] * (a.backing + b.backing))
            channel = max(a.channel, b.channel)  # carried if either was
            compromise = Claim(a.groups + b.groups, a.problems + b.problems, backing, True, channel)
            return [compromise]
        self.conflicts_open += 1
        m.log("conflict_open", a=ga.id, b=gb.id)
        m.ties.damage_cross_ties(ma, mb, factor=0.5)
        for g in (ga, gb):
            g.momentum *= 0.7
        a.backing /= 2
        b.backing /= 2
        return [a, b]

    def mediations_ready(self) -> int:
        """Mediations prepared for coming conflicts (by workers and by resident mediators)."""
        return int(self.mediation_hours // self.model.p["mediation_hours"]) + len(
            self.resident_mediations
        )

    def prepare_mediation(self, quality: float, by_worker: bool) -> None:
        """A mediator prepares one mediation: a worker banks the hours it takes; a resident
        mediator brings the quality of their own speaking."""
        if by_worker:
            self.mediation_hours += self.model.p["mediation_hours"]
        else:
            self.resident_mediations.append(quality)

    def mediate(self, ma: np.ndarray, mb: np.ndarray) -> bool:
        """A conflict is mediated by a worker's banked hours (while the project runs), by a
        resident mediator with a chance of their quality (after the exit too), or by the
        residents themselves when ties across the two groups and speaking competence allow
        it."""
        m = self.model
        if m.project_running and self.mediation_hours >= m.p["mediation_hours"]:
            self.mediation_hours -= m.p["mediation_hours"]
            return True
        if self.resident_mediations:
            quality = self.resident_mediations.pop(0)
            if m.rng.random() < quality:
                return True
        if len(ma) == 0 or len(mb) == 0:
            return False
        cross = m.ties.weight_across(ma, mb) / np.sqrt(len(ma) * len(mb))
        speak = m.residents.activated[np.concatenate([ma, mb]), SPEAKING].max()
        return bool(m.rng.random() < min(1.0, cross) * speak)

    def decide(self, claim: Claim) -> None:
        """The administration decides one claim: grant or refuse, then the groups react, and
        the administration learns whether that channel delivered.

        The decision is an outcome for the groups' delegates (effort), their other members
        (took part) and the residents concerned by the claim's problems (affected)."""
        m = self.model
        decider = self.decider(claim)
        by = ADDRESSEES[self.addressee(claim)]
        chance = decider.chance(claim.backing, claim.channel)
        granted = bool(m.rng.random() < chance)
        self.decisions.append((m.steps, granted))
        groups = [m.groups.groups[i] for i in claim.groups]
        members = np.concatenate([m.groups.members(g) for g in groups])
        delegates = np.concatenate([self.delegates(m.groups.members(g)) for g in groups])
        concerned = np.concatenate([m.problems.affected(p) for p in claim.problems])
        m.record(
            Outcome(
                success=granted,
                decisive=True,
                source=BOTH,
                domain=SPEAKING,
                effort=delegates,
                took_part=members,
                affected=concerned,
            )
        )
        m.mark_used(delegates, SPEAKING)
        if granted:
            self.claims_granted += 1
            decider.learn(claim.channel, claim.backing)
            for p in claim.problems:
                m.problem_solved(p, with_residents=True)
            for g in groups:
                g.wins += 1
                g.momentum = 1.0
                g.pressure = 0.0
                m.groups.adopt_new_cause(g)
            if by == "landlord":
                m.log("landlord_granted", groups=claim.groups, problems=claim.problems)
            else:
                m.log("claim_granted", groups=claim.groups, problems=claim.problems)
            return
        publicity = 0.0
        for g in groups:
            g.refusals += 1
            gm = m.groups.members(g)
            if self.conflict_capable(g, gm):
                g.attention = min(1.0, g.attention + m.p["publicity_gain"])
                g.pressure = min(1.0, g.pressure + m.p["escalation_pressure"])
                speakers = self.delegates(gm)
                m.record(  # going public: a small outcome that worked
                    Outcome(
                        success=True,
                        decisive=False,
                        source=RESIDENTS,
                        domain=SPEAKING,
                        effort=speakers,
                        took_part=gm,
                        affected=m.problems.affected(g.problem) if g.problem >= 0 else NOBODY,
                    )
                )
                m.mark_used(speakers, SPEAKING)
                publicity += m.p["publicity_gain"]
                self.try_win_ally(g, chance=m.p["ally_chance"])
                m.log("claim_escalated", group=g.id, by=by)
            else:
                g.momentum *= 0.5
                if by == "landlord":
                    m.log("landlord_refused", group=g.id)
                else:
                    m.log("claim_refused", group=g.id)
        decider.learn(claim.channel, claim.backing, publicity)

    def delegates(self, members: np.ndarray) -> np.ndarray:
        """The members who speak for their group's claim: its best speakers (up to
        ``delegates``), chosen by the group from what its members can do."""
        speaking = self.model.residents.activated[members, SPEAKING]
        return members[np.argsort(-speaking, kind="stable")[: self.model.p["delegates"]]]

    def conflict_capable(self, g: ActionGroup, members: np.ndarray) -> bool:
        """Able to go public: speaking competence, helped by allies (Konfliktfähigkeit)."""
        if len(members) == 0:
            return False
        speak = self.model.groups.competence(members, [SPEAKING, ORGANISING])
        return speak + 0.1 * self.group_allies(g) >= self.model.p["escalation_level"]

    # -- allies -----------------------------------------------------------------------------
    def try_win_ally(self, g: ActionGroup, chance: float, capacity: float | None = None) -> bool:
        """A free ally joins a credible group with ``chance`` scaled by its credibility.
        ``capacity``: the group's capacity if already computed
        (:meth:`~quartiersim.groups.ActionGroups.capacity_of`)."""
        m = self.model
        free = np.flatnonzero(self.ally_of < 0)
        if len(free) == 0:
            return False
        draw = m.rng.random()
        if draw >= chance:  # no chance at all this time: no need to judge credibility
            return False
        if capacity is None:
            capacity = m.groups.capacity(g)
        credibility = capacity * (1.0 + 0.5 * min(g.wins, 2))
        if draw < chance * min(1.0, credibility):
            ally = int(m.rng.choice(free))
            self.ally_of[ally] = g.id
            m.log("ally_won", group=g.id, ally=ally)
            return True
        return False

    def lose_allies_of_fading_groups(self) -> None:
        """Allies walk away from groups that have lost momentum."""
        m = self.model
        for ally in np.flatnonzero(self.ally_of >= 0):
            g = m.groups.groups[self.ally_of[ally]]
            if m.rng.random() < m.p["ally_loss_rate"] * (1.0 - g.momentum):
                self.ally_of[ally] = -1
                m.log("ally_lost", group=g.id, ally=int(ally))

    def release_allies(self, g: ActionGroup) -> None:
        """Group ``g`` has dissolved: its allies are free again."""
        self.ally_of[self.ally_of == g.id] = -1
