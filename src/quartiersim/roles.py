"""The roles of community workers, each a mechanism with a cost in hours — and their one
declaration.

Every mechanism here receives the quarter, the worker and a :class:`Budget` of hours for the role
this week. It acts through the same entry points the residents' own actions use (ties,
``experience``, groups, the arena), paying for each task from the budget. Workers act on their
team's own diagnosis of the quarter — what the problem sensor has walked and reported, who
outreach visits have got to know — never on hidden state they could not see.

Roles (Herriger): Problemsensor, Ressourcendiagnostiker, Organisationshelfer, Türöffner,
Dialogmanager, Konfliktmediator; plus case work (stellvertretende Fallbearbeitung), the
deficit-oriented alternative that a top-down strategy pays for with the same hours.

**Adding a role** is one declaration beside its mechanism: write the function and put
``@activity(role=True, ...)`` above it (name, German term, longest task, colour, labels,
explanation and log sentences, in English and German). The model, the map and its legend, the
status line, the activity feed, the command line's ``--role-mix`` and the docs tables all read
:data:`ACTIVITIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from quartiersim.arena import MEDIATION_HOURS, Arena
from quartiersim.groups import MIN_MEMBERS, SEED_FUNDS, ActionGroups
from quartiersim.problems import CONCERN_LEVEL, LATENT, OPPOSING, STRUCTURAL, VISIBLE, Problems
from quartiersim.quarter import Layout
from quartiersim.registry import Registry, Text, View, as_text
from quartiersim.residents import BUREAUCRACY, ORGANISING, SPEAKING, Residents
from quartiersim.ties import Ties, random_pairs

# Hours one task takes (documented in docs/odd.md, "Submodels: community workers").
WALK_HOURS = 4.0  # a walk through part of the quarter (Stadtteilbegehung)
VISIT_HOURS = 2.0  # an outreach visit, accepted or not (aufsuchende Arbeit)
FOUNDING_HOURS = 8.0  # bringing concerned residents together to start a group
GROUP_HELP_HOURS = 3.0  # a session of organisational help with one group
FESTIVAL_HOURS = 10.0  # organising an encounter: street party, neighbourhood breakfast
ADVOCACY_HOURS = 4.0  # coaching and door opening for one group
ROUND_TABLE_HOURS = 6.0  # a round table between residents and the administration
ROUND_TABLE_EFFECT = 0.003  # share of the way to full responsiveness one round table moves
TRANSLATION_HOURS = 3.0  # helping one group phrase its claim for the administration
DIALOGUE_MEETING_HOURS = 3.0  # a meeting across origin and age groups
CASE_HOURS = 3.0  # handling one resident's case
PLANNING_HOURS = 6.0  # expert planning on one problem
PLANNING_RELIEF = 0.01  # severity one planning session takes off a problem
# Preparing one mediation is arena.MEDIATION_HOURS: the hours banked are the hours it takes.

WALK_RADIUS = 8.0
KNOWN_PER_FESTIVAL = 4  # guests a worker gets to know at a party
OUTREACH_REPEAT_WEEKS = 26  # a declined visit is offered again after half a year
FOLLOW_UP_WEEKS = 4  # known withdrawn residents are visited again after a month


class Quarter(Protocol):
    """What the roles use of the quarter: its state, the team's knowledge and the entry points
    that residents' own actions use too."""

    residents: Residents
    problems: Problems
    groups: ActionGroups
    arena: Arena
    ties: Ties
    layout: Layout
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int
    home_xy: np.ndarray  # each resident's home cell
    building_of: np.ndarray  # each resident's building
    team_need: np.ndarray  # burden per building, as the team has learned it from walks
    offered_week: np.ndarray  # when each resident was last offered a visit

    def log(self, key: str, **data: Any) -> None: ...

    def mark_used(self, who: np.ndarray, domain: int) -> None: ...

    def random_location(self) -> tuple[int, int]: ...

    def solve_for_residents(self, p: int) -> None: ...


class Worker(Protocol):
    """What a role uses of the worker doing it: a name for the log, and where they go."""

    name: str

    def move_to(self, x: int, y: int) -> None: ...


@dataclass
class Budget:
    """Hours available to one role this week; tasks are paid for in full or not at all."""

    hours: float
    spent: float = 0.0

    def take(self, cost: float) -> bool:
        """Pay ``cost`` hours if they are left; return whether the task can be done."""
        if self.hours - self.spent + 1e-9 < cost:
            return False
        self.spent += cost
        return True


Mechanism = Callable[[Quarter, Worker, Budget], None]


@dataclass(frozen=True)
class Activity:
    """Something a community worker spends hours on: one of Herriger's roles (``role``), or
    top-down case work, the alternative the theory argues against. Everything the model and
    its front-ends need to know about it, declared once."""

    name: str
    act: Mechanism  # the mechanism: what an hour of this activity does to the quarter
    role: bool  # one of the roles of the theory (False: the top-down alternative)
    german: str  # the theory's term
    label: Text  # its name for people, English and German
    explanation: Text  # one or two sentences for trainers and students
    longest_task: float  # hours; unspent hours up to this carry over to the next week
    colour: str  # on the map, in the legend and in figures
    messages: Mapping[str, Text] = field(default_factory=dict)  # log key -> sentence

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", as_text(self.label))
        object.__setattr__(self, "explanation", as_text(self.explanation))
        object.__setattr__(self, "messages", {k: as_text(v) for k, v in self.messages.items()})
        if self.longest_task <= 0:
            raise ValueError(f"activity {self.name!r}: longest_task must be > 0 hours")


ACTIVITIES: Registry[Activity] = Registry("activity")
"""Everything a worker can spend hours on, by name, in declaration order: the roles and case
work. The order is the order in which a worker's week runs them."""

ROLES: View[Activity] = ACTIVITIES.where(lambda a: a.role, "roles")
"""The roles of community workers (Herriger): the activities declared with ``role=True``."""


def activity(
    *,
    role: bool,
    german: str,
    label: tuple[str, str],
    explanation: tuple[str, str],
    longest_task: float,
    colour: str,
    messages: Mapping[str, tuple[str, str]] | None = None,
    name: str | None = None,
) -> Callable[[Mechanism], Mechanism]:
    """Declare the decorated function as an activity (``role=True``: a role of the theory).

    ``label``, ``explanation`` and each of ``messages`` are (English, German) pairs; a message
    is the sentence for a log key the mechanism writes, with ``{placeholders}`` for its data.
    ``name`` defaults to the function's name.
    """

    def declare(act: Mechanism) -> Mechanism:
        ACTIVITIES.add(
            Activity(
                name=name or act.__name__,
                act=act,
                role=role,
                german=german,
                label=Text(*label),
                explanation=Text(*explanation),
                longest_task=longest_task,
                colour=colour,
                messages={key: Text(*text) for key, text in (messages or {}).items()},
            )
        )
        return act

    return declare


def check_role_mix(value: Any, *, name: str = "role_mix") -> dict[str, float] | None:
    """Validate a role mix: activity name -> non-negative share; normalised to sum 1.

    ``None`` means "the strategy's preset". An all-zero mix means "workers do nothing".
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{name}={value!r} is not allowed: expected a mapping of activities "
            f"({', '.join(ACTIVITIES)}) to shares >= 0"
        )
    mix: dict[str, float] = {}
    for key, share in value.items():
        if key not in ACTIVITIES:
            raise ValueError(
                f"{name} has unknown activity {key!r}: expected one of {', '.join(ACTIVITIES)}"
            )
        if isinstance(share, bool) or not isinstance(share, int | float) or not share >= 0:
            raise ValueError(f"{name}[{key!r}]={share!r} is not allowed: expected a share >= 0")
        mix[key] = float(share)
    total = sum(mix.values())
    return {a: (mix.get(a, 0.0) / total if total > 0 else 0.0) for a in ACTIVITIES}


@activity(
    role=True,
    german="Problemsensor",
    label=("problem sensor", "Problemsensor"),
    explanation=(
        "Walks the quarter, finds latent structural problems and makes them public; reports "
        "which buildings are burdened (small-scale social reporting).",
        "Geht durch das Quartier, entdeckt verborgene strukturelle Probleme und macht sie "
        "öffentlich; meldet, welche Häuser belastet sind (kleinräumige Sozialberichterstattung).",
    ),
    longest_task=WALK_HOURS,
    colour="#e41a1c",
    messages={
        "problem_found": (
            "{worker} found {problem} and made it public.",
            "{worker} entdeckte {problem} und machte es öffentlich.",
        ),
    },
)
def problem_sensor(m: Quarter, w: Worker, budget: Budget) -> None:
    """Walks the quarter, finds latent problems and makes them public; reports the burden
    of the buildings passed (small-scale social reporting, kleinräumige Sozialberichterstattung).
    """
    pr, r = m.problems, m.residents
    while budget.take(WALK_HOURS):
        x, y = m.random_location()
        w.move_to(x, y)
        near = np.hypot(pr.x - x, pr.y - y) <= WALK_RADIUS
        found = np.flatnonzero(near & (pr.status == LATENT) & (m.rng.random(len(pr)) < 0.6))
        for p in found:
            pr.status[p] = VISIBLE
            pr.attention[p] = min(1.0, pr.attention[p] + 0.3)
            m.log("problem_found", problem=int(p), worker=w.name)
        reported = np.flatnonzero(near & (pr.status == VISIBLE))
        pr.attention[reported] = np.minimum(1.0, pr.attention[reported] + 0.05)
        homes = np.hypot(m.home_xy[:, 0] - x, m.home_xy[:, 1] - y) <= WALK_RADIUS
        buildings = m.building_of[homes]
        m.team_need[buildings] = r.strain[homes].mean() if homes.any() else 0.0


@activity(
    role=True,
    german="Ressourcendiagnostiker",
    label=("resource diagnostician", "Ressourcendiagnostiker"),
    explanation=(
        "Visits residents at home, the withdrawn too, uncovers buried talents and offers a "
        "first chance to use them (a space of possibility).",
        "Besucht Bewohner zu Hause, auch die Zurückgezogenen, entdeckt verschüttete Fähigkeiten "
        "und bietet eine erste Gelegenheit, sie zu nutzen (Möglichkeitsraum).",
    ),
    longest_task=VISIT_HOURS,
    colour="#377eb8",
    messages={
        "outreach_visit": (
            "{worker} visited resident {resident} at home.",
            "{worker} besuchte Bewohner {resident} zu Hause.",
        ),
    },
)
def resource_diagnostician(m: Quarter, w: Worker, budget: Budget) -> None:
    """Outreach: visits residents at home, reaching the withdrawn too; uncovers a buried
    resource and offers a small chance to use it (a space of possibility, Möglichkeitsraum)."""
    r = m.residents
    since = m.steps - m.offered_week
    # New doors every half year; residents the team knows to have withdrawn, every month
    # (relationship work, Beziehungsarbeit).
    due = (since >= OUTREACH_REPEAT_WEEKS) | (r.known & r.withdrawn & (since >= FOLLOW_UP_WEEKS))
    candidates = np.flatnonzero(due)
    visits = 0
    while visits < len(candidates) and budget.take(VISIT_HOURS):
        visits += 1
    if visits == 0:
        return
    # Where the team knows of burden or isolation, go there first: neighbours tell who is
    # never seen.
    isolation = 1.0 / (1.0 + m.ties.degree()[candidates])
    weights = m.team_need[m.building_of[candidates]] + isolation + 0.05
    visited = m.rng.choice(candidates, size=visits, replace=False, p=weights / weights.sum())
    m.offered_week[visited] = m.steps
    w.move_to(*m.home_xy[visited[-1]])
    # Known residents open the door again; strangers accept at the observed rate.
    accepted = visited[r.known[visited] | (m.rng.random(visits) < m.p["outreach_acceptance"])]
    was_withdrawn = r.withdrawn[accepted].tolist()
    r.known[accepted] = True
    diagnosed = np.argmax(r.buried[accepted], axis=1)  # the most buried resource of each
    for domain in np.unique(diagnosed):  # a loop over the five domains, not over residents
        who = accepted[diagnosed == domain]
        r.uncover(who, int(domain), 0.5 * m.p["activation_gain"])
        r.mastery(who, strength=0.5, domain=int(domain))
        m.mark_used(who, int(domain))
    r.invited[accepted] = True
    for i, withdrawn in zip(accepted.tolist(), was_withdrawn, strict=True):
        m.log("outreach_visit", resident=i, withdrawn=withdrawn, worker=w.name)


@activity(
    role=True,
    german="Organisationshelfer",
    label=("organisation helper", "Organisationshelfer"),
    explanation=(
        "Start-up, financial and organisational help: founds groups with residents who share a "
        "concern, supports existing groups and organises neighbourhood parties.",
        "Gründungs-, Finanz- und Organisationshilfe: gründet Gruppen mit Bewohnern, die ein "
        "Anliegen teilen, unterstützt bestehende Gruppen und organisiert Nachbarschaftsfeste.",
    ),
    longest_task=FOUNDING_HOURS,
    colour="#4daf4a",
    messages={
        "worker_founded_group": (
            "{worker} helped start group {group}.",
            "{worker} half bei der Gründung von Gruppe {group}.",
        ),
        "group_helped": (
            "{worker} helped group {group} organise.",
            "{worker} unterstützte Gruppe {group} bei der Organisation.",
        ),
        "festival": (
            "{worker} organised a neighbourhood party at the {place} ({guests:guest|guests}).",
            "{worker} organisierte ein Nachbarschaftsfest ({place}, {guests:Gast|Gäste}).",
        ),
    },
)
def organisation_helper(m: Quarter, w: Worker, budget: Budget) -> None:
    """Start-up, financial and organisational help: found groups with known residents, support
    existing groups, and organise encounters where residents with shared concerns meet."""
    r, pr = m.residents, m.problems
    free = (r.group < 0) & ~r.withdrawn
    for p in np.flatnonzero(pr.visible).tolist():
        if m.groups.by_problem(p) is not None:
            continue
        concerned = free & (pr.concern[:, p] >= CONCERN_LEVEL)
        known = np.flatnonzero(concerned & r.known)
        if len(known) == 0 or concerned.sum() < MIN_MEMBERS:
            continue
        if not budget.take(FOUNDING_HOURS):
            return
        initiator = int(known[np.argmax(r.resources[known, ORGANISING])])
        circle = m.groups.founding_circle(initiator, concerned)
        others = np.flatnonzero(concerned)
        extra = m.rng.choice(others, size=min(len(others), MIN_MEMBERS), replace=False)
        founders = np.unique(np.concatenate([circle, known[:5], extra]))
        w.move_to(*m.home_xy[initiator])
        g = m.groups.found(p, founders, funds=SEED_FUNDS)
        free[founders] = False  # founders are taken: no other group gets them
        r.mastery([initiator], strength=0.5, domain=ORGANISING)
        m.mark_used(founders, ORGANISING)
        r.invited[concerned] = True
        m.log("worker_founded_group", group=g.id, worker=w.name)
    capacities = m.groups.capacities()
    for g in sorted(m.groups.active, key=lambda g: capacities[g.id]):  # the weakest first
        if not budget.take(GROUP_HELP_HOURS):
            return
        members = m.groups.members(g)
        g.help = min(1.0, g.help + 0.5)
        g.funds += 100.0
        coached = m.rng.choice(members, size=min(2, len(members)), replace=False)
        r.mastery(coached, strength=0.3, domain=ORGANISING)
        m.mark_used(coached, ORGANISING)
        m.log("group_helped", group=g.id, worker=w.name)
    if budget.take(FESTIVAL_HOURS):  # at most one party a week: guests need to be found
        festival(m, w)


def festival(m: Quarter, w: Worker) -> None:
    """An encounter at a public place: neighbours of all ages and origins meet."""
    r = m.residents
    place = int(m.rng.integers(m.layout.n_places))
    x, y = m.layout.place_xy[place]
    w.move_to(x, y)
    near = np.flatnonzero(
        ~r.withdrawn & (np.hypot(m.home_xy[:, 0] - x, m.home_xy[:, 1] - y) <= 10.0)
    )
    guests = m.rng.choice(near, size=min(20, len(near)), replace=False)
    a, b = random_pairs(guests, m.rng, rounds=2)
    # A mixed format, so no homophily filter; but a party meeting is brief: half a tie's gain.
    m.ties.reinforce(a, b, 0.5 * m.p["tie_gain"])
    r.invited[guests] = True
    # The worker gets to know a few guests: the team's diagnosis grows beyond home visits.
    r.known[m.rng.choice(guests, size=min(KNOWN_PER_FESTIVAL, len(guests)), replace=False)] = True
    r.belonging[guests] = np.minimum(1.0, r.belonging[guests] + 0.02)
    m.log("festival", guests=len(guests), place=m.layout.place_kind[place], worker=w.name)


@activity(
    role=True,
    german="Türöffner",
    label=("door opener", "Türöffner"),
    explanation=(
        "Advice and advocacy: opens doors to administration, politics and business, coaches "
        "groups in dealing with the authorities and wins allies for them.",
        "Beratung und Fürsprache: öffnet Türen zu Verwaltung, Politik und Wirtschaft, schult "
        "Gruppen im Umgang mit Behörden und gewinnt Verbündete für sie.",
    ),
    longest_task=ADVOCACY_HOURS,
    colour="#984ea3",
    messages={
        "door_opened": (
            "{worker} opened doors to the administration for group {group}.",
            "{worker} öffnete Gruppe {group} Türen zur Verwaltung.",
        ),
    },
)
def door_opener(m: Quarter, w: Worker, budget: Budget) -> None:
    """Advice and advocacy: access to administration, politics and business, coaching of
    bureaucratic competence, and bringing allies to groups."""
    r = m.residents
    capacities = m.groups.capacities()
    for g in sorted(m.groups.active, key=lambda g: -capacities[g.id]):  # the strongest first
        if g.problem < 0:
            continue
        if not budget.take(ADVOCACY_HOURS):
            return
        members = m.groups.members(g)
        g.access = min(1.0, g.access + 0.4)
        coached = m.rng.choice(members, size=min(3, len(members)), replace=False)
        r.mastery(coached, strength=0.3, domain=BUREAUCRACY)
        m.mark_used(coached, BUREAUCRACY)
        r.adjust_trust(members, +0.01)
        m.arena.try_win_ally(g, chance=0.05)
        m.log("door_opened", group=g.id, worker=w.name)
    known = np.flatnonzero(r.known & ~r.withdrawn)
    while len(known) and budget.take(VISIT_HOURS):  # individual advocacy with known residents
        i = int(m.rng.choice(known))
        r.mastery([i], strength=0.2, domain=BUREAUCRACY)
        r.adjust_trust([i], +0.03)


@activity(
    role=True,
    german="Dialogmanager",
    label=("dialogue manager", "Dialogmanager"),
    explanation=(
        "Moderates between everyday life, administration, institutions and market: round "
        "tables raise the administration's responsiveness, and claims are put into its language.",
        "Moderiert zwischen Lebenswelt, Verwaltung, Institutionen und Markt: runde Tische "
        "erhöhen die Offenheit der Verwaltung, Forderungen werden in ihre Sprache übersetzt.",
    ),
    longest_task=ROUND_TABLE_HOURS,
    colour="#ff7f00",
    messages={
        "round_table": (
            "{worker} moderated a round table with the administration.",
            "{worker} moderierte einen runden Tisch mit der Verwaltung.",
        ),
    },
)
def dialogue_manager(m: Quarter, w: Worker, budget: Budget) -> None:
    """Moderates between lifeworld, administration, institutions and market: round tables raise
    the administration's responsiveness, translate claims, and build residents' trust."""
    a, r = m.arena, m.residents
    working = [g for g in m.groups.active if g.problem >= 0]
    if budget.take(ROUND_TABLE_HOURS):  # one round table a week: institutions move slowly
        a.responsiveness += ROUND_TABLE_EFFECT * (1.0 - a.responsiveness)
        a.translation = min(1.0, a.translation + 0.1)
        for g in working:
            r.adjust_trust(m.groups.members(g), +0.02)
        m.log("round_table", groups=len(working), worker=w.name)
    for g in working:  # translating claims into the administration's language, group by group
        if not budget.take(TRANSLATION_HOURS):
            return
        g.access = min(1.0, g.access + 0.15)


@activity(
    role=True,
    german="Konfliktmediator",
    label=("conflict mediator", "Konfliktmediator"),
    explanation=(
        "Mediates conflicts between resident groups into compromises and brings residents of "
        "different origins and ages together in dialogue meetings.",
        "Vermittelt Konflikte zwischen Bewohnergruppen zu Kompromissen und bringt Bewohner "
        "unterschiedlicher Herkunft und Generation in Dialogtreffen zusammen.",
    ),
    longest_task=MEDIATION_HOURS,
    colour="#a65628",
    messages={
        "dialogue_meeting": (
            "{worker} brought {residents:resident|residents} of different backgrounds together.",
            "{worker} brachte {residents:Bewohner|Bewohner} unterschiedlicher Herkunft zusammen.",
        ),
    },
)
def conflict_mediator(m: Quarter, w: Worker, budget: Budget) -> None:
    """Mediates conflicts between resident groups into compromises (hours banked for the next
    assembly) and repairs ties across origin and age groups in dialogue meetings."""
    r, arena = m.residents, m.arena
    causes = {int(m.problems.kind[g.problem]) for g in m.groups.active if g.problem >= 0}
    rivals = any(OPPOSING[k] in causes for k in causes)  # opposed claims are coming
    if rivals and arena.mediation_hours < 2 * MEDIATION_HOURS and budget.take(MEDIATION_HOURS):
        arena.mediation_hours += MEDIATION_HOURS
    present = np.flatnonzero(~r.withdrawn)
    if len(present) < 2:
        return
    # Meetings bring one origin group together with the others (across age groups where the
    # quarter has one origin only).
    label = r.origin[present] if len(np.unique(r.origin[present])) > 1 else r.age[present]
    sides = {int(v): (present[label == v], present[label != v]) for v in np.unique(label)}
    pairs_a, pairs_b, met = [], [], []
    while budget.take(DIALOGUE_MEETING_HOURS):
        side_a, side_b = sides[int(label[m.rng.integers(len(present))])]
        if len(side_b) == 0:
            break
        side_a = m.rng.choice(side_a, size=min(8, len(side_a)), replace=False)
        side_b = m.rng.choice(side_b, size=min(8, len(side_b)), replace=False)
        a, b = m.ties.cross_pairs(side_a, side_b, max(len(side_a), len(side_b)), m.rng)
        pairs_a.append(a)
        pairs_b.append(b)
        met.append(np.concatenate([side_a, side_b]))
        m.log("dialogue_meeting", residents=len(side_a) + len(side_b), worker=w.name)
    if met:  # the week's meetings: new ties across, and practice in speaking up
        m.ties.reinforce(np.concatenate(pairs_a), np.concatenate(pairs_b), m.p["tie_gain"])
        everyone = np.concatenate(met)
        r.mastery(everyone, strength=0.15, domain=SPEAKING)
        m.mark_used(everyone, SPEAKING)


@activity(
    role=False,
    german="stellvertretende Fallbearbeitung",
    label=("case work (top-down)", "Fallarbeit (von oben)"),
    explanation=(
        "Top-down care, not one of the roles: experts handle residents' cases and solve "
        "problems for them. Quick relief, without the residents' own action.",
        "Fürsorge von oben, keine der Rollen: Fachleute bearbeiten Fälle und lösen Probleme "
        "stellvertretend. Schnelle Entlastung, ohne eigenes Handeln der Bewohner.",
    ),
    longest_task=PLANNING_HOURS,
    colour="#404040",
    messages={
        "case_handled": (
            "{worker} handled resident {resident}'s case.",
            "{worker} bearbeitete den Fall von Bewohner {resident}.",
        ),
        "solved_for_residents": (
            "Experts solved {problem} for the residents.",
            "Fachleute lösten {problem} stellvertretend für die Bewohner.",
        ),
    },
)
def case_work(m: Quarter, w: Worker, budget: Budget) -> None:
    """Deficit-oriented care: experts solve problems *for* residents and handle them as cases.
    Quick visible relief; the residents' own action plays no part in the outcome."""
    r, pr = m.residents, m.problems
    turn = 0
    while True:
        turn += 1
        if turn % 2:  # individual case handling: the most burdened come to the office
            if not budget.take(CASE_HOURS):
                return
            burdened = np.flatnonzero(r.strain > 0)
            if len(burdened) == 0:
                continue
            weights = r.strain[burdened]
            i = int(m.rng.choice(burdened, p=weights / weights.sum()))
            r.case_relief[i] += 0.5 * r.strain[i]
            r.handled_as_case([i], strength=1.0)
            r.adjust_trust([i], +0.03)
            m.log("case_handled", resident=i, worker=w.name)
        else:  # expert planning on the worst known problem
            if not budget.take(PLANNING_HOURS):
                return
            visible = np.flatnonzero(pr.visible & ~STRUCTURAL[pr.kind])
            if len(visible) == 0:  # experts survey the quarter themselves
                x, y = m.random_location()
                near = np.hypot(pr.x - x, pr.y - y) <= WALK_RADIUS
                pr.status[near & (pr.status == LATENT)] = VISIBLE
                continue
            p = int(visible[np.argmax(pr.severity[visible])])
            w.move_to(pr.x[p], pr.y[p])
            pr.severity[p] = max(0.0, pr.severity[p] - PLANNING_RELIEF)
            if pr.severity[p] <= 0.1:
                m.solve_for_residents(p)
                m.log("solved_for_residents", problem=p, worker=w.name)
