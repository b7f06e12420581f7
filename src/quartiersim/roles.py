"""The roles of community workers, each a mechanism with a cost in hours — and their one
declaration.

Every mechanism here receives the quarter, the worker and a :class:`Budget` of hours for the role
this week. It acts through the world's entry points (a visit at a door, a trial, a founding, a
festival, a meeting, the arena), paying for each task from the budget. Workers decide on what
their team knows (:class:`~quartiersim.knowledge.TeamKnowledge`: whom it has met, what it has
read of their resources, the burden it has walked past, how capable it found each group) and on
public state (visible problems, group membership, addresses, origin and age) — never on
residents' hidden state: no role reads the residents' arrays (a test scans this module and runs
the model with those arrays guarded). A visit, coaching, a festival or a meeting is *contact*;
what changes residents is an outcome they take part in (:mod:`quartiersim.outcomes`).

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

from quartiersim.arena import Arena
from quartiersim.groups import ActionGroups
from quartiersim.institutions import MEDIATED, OWN, Institution
from quartiersim.knowledge import TeamKnowledge
from quartiersim.outcomes import RESIDENTS, Outcome
from quartiersim.problems import (
    ADDRESSEE,
    ADMINISTRATION,
    LANDLORD,
    OPPOSING,
    STRUCTURAL,
    Problems,
)
from quartiersim.quarter import Area, Layout
from quartiersim.registry import Registry, Text, View, as_text
from quartiersim.residents import BUREAUCRACY, DOMAINS, ORGANISING, SPEAKING
from quartiersim.values import finite_number, number, show, show_number

# Hours one task takes are declared parameters (group "workers"): walk_hours, visit_hours, ...
HANDOVER = "handover"  # the activity of a phased exit; it takes its share by the phase-out
# Preparing one mediation takes mediation_hours: the hours banked are the hours it takes.
# The other assumptions of the roles are declared parameters (m.p), group "workers".


class Quarter(Protocol):
    """What the roles use of the quarter: the team's knowledge, public state, and the world's
    entry points. Residents' hidden state is not part of it."""

    knowledge: TeamKnowledge
    problems: Problems
    groups: ActionGroups
    arena: Arena
    landlord: Institution
    layout: Layout
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int
    home_xy: np.ndarray  # each resident's home cell (addresses are public)
    building_of: np.ndarray  # each resident's building
    origin: np.ndarray  # each resident's origin group (visible)
    age: np.ndarray  # each resident's age group (visible)

    def log(self, key: str, **data: Any) -> None: ...

    def mark_used(self, who: np.ndarray, domain: int) -> None: ...

    def random_location(self) -> tuple[int, int]: ...

    def solve_for_residents(self, p: int) -> None: ...

    def record(self, outcome: Outcome) -> None: ...

    def try_out(
        self, who: np.ndarray, domains: np.ndarray, source: str = RESIDENTS
    ) -> np.ndarray: ...

    def open_door(self, visited: np.ndarray, quality: float = 1.0) -> np.ndarray: ...

    def get_to_know(self, who: np.ndarray) -> None: ...

    def homes_near(self, x: float, y: float, radius: float) -> np.ndarray: ...

    def invite(self, who: np.ndarray) -> None: ...

    def hold_festival(self, place: int, quality: float = 1.0) -> np.ndarray: ...

    def meet_across(self, side_a: np.ndarray, side_b: np.ndarray) -> np.ndarray: ...

    def meetings_across(
        self, sides_a: list[np.ndarray], sides_b: list[np.ndarray]
    ) -> list[np.ndarray]: ...

    def office_queue(self) -> np.ndarray: ...

    def handle_case(self, i: int, by: Worker) -> None: ...

    def pursue_request(self, i: int) -> bool: ...

    def pursue_requests(self, who: np.ndarray) -> np.ndarray: ...

    def trainee(self, task: str) -> int | None: ...

    def organisers_and_trainees(self) -> np.ndarray: ...

    def successors_needed(self, task: str) -> int: ...

    def train(self, i: int, task: str) -> None: ...


class Worker(Protocol):
    """What a role uses of whoever does it — a community worker, or a resident organiser who
    took the task over: a name for the log, the quality of their work (1 for a professional,
    the resident's activated competence in the task's domain otherwise), whether they are a
    professional (expert planning needs one), and where they go."""

    name: str
    quality: float
    professional: bool

    def move_to(self, x: int, y: int) -> None: ...


@dataclass
class Budget:
    """Hours available to one role this week; tasks are paid for in full or not at all. A role
    that goes somewhere spends them in ``area`` if the worker was sent to one (``None``: the
    whole quarter)."""

    hours: float
    spent: float = 0.0
    area: Area | None = None

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
    #: hours, or the name of the parameter holding them; unspent hours up to this carry over
    #: to the next week (:meth:`task_limit`)
    longest_task: float | str
    colour: str  # on the map, in the legend and in figures
    messages: Mapping[str, Text] = field(default_factory=dict)  # log key -> sentence
    #: the competence domain in which a resident does this task once it is handed over to them
    #: (a phased exit); None: it cannot be handed over
    handed_over_in: str | None = None
    #: handing it over introduces the resident to the institutions (the workers' recognition on
    #: the mediated channel passes to the residents' own, by the holder's competence)
    hands_over_recognition: bool = False
    #: chosen by a role mix (False: the activity takes its hours otherwise — the handover, by
    #: the phase-out)
    in_mix: bool = True
    placed: bool = False  # goes to places in the quarter: can be sent to an area (Budget.area)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", as_text(self.label))
        object.__setattr__(self, "explanation", as_text(self.explanation))
        object.__setattr__(self, "messages", {k: as_text(v) for k, v in self.messages.items()})
        if isinstance(self.longest_task, str):
            if not self.longest_task:
                raise ValueError(f"activity {self.name!r}: longest_task names no parameter")
        elif self.longest_task <= 0:
            raise ValueError(f"activity {self.name!r}: longest_task must be > 0 hours")
        if self.handed_over_in is not None and self.handed_over_in not in DOMAINS:
            raise ValueError(
                f"activity {self.name!r}: handed_over_in={self.handed_over_in!r} is not a "
                f"competence domain: expected one of {', '.join(DOMAINS)}"
            )

    def task_limit(self, p: Mapping[str, Any]) -> float:
        """Hours of the longest task with the parameters ``p`` (read at run time when
        :attr:`longest_task` names a parameter)."""
        if isinstance(self.longest_task, str):
            return float(p[self.longest_task])
        return self.longest_task

    @property
    def handover_domain(self) -> int | None:
        """Index of :attr:`handed_over_in` in ``DOMAINS`` (None: not handed over)."""
        return None if self.handed_over_in is None else DOMAINS.index(self.handed_over_in)


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
    longest_task: float | str,
    colour: str,
    messages: Mapping[str, tuple[str, str]] | None = None,
    name: str | None = None,
    handed_over_in: str | None = None,
    hands_over_recognition: bool = False,
    in_mix: bool = True,
    placed: bool = False,
) -> Callable[[Mechanism], Mechanism]:
    """Declare the decorated function as an activity (``role=True``: a role of the theory).

    ``label``, ``explanation`` and each of ``messages`` are (English, German) pairs; a message
    is the sentence for a log key the mechanism writes, with ``{placeholders}`` for its data.
    ``name`` defaults to the function's name. ``handed_over_in`` names the competence domain
    in which residents do the task once it is handed over to them (None: it cannot be).
    ``placed=True`` declares that the mechanism goes to places in the quarter and respects
    the area a worker is sent to (``budget.area``).
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
                handed_over_in=handed_over_in,
                hands_over_recognition=hands_over_recognition,
                in_mix=in_mix,
                placed=placed,
            )
        )
        return act

    return declare


def parse_role_mix(text: str, *, name: str = "role_mix") -> dict[str, Any]:
    """A role mix written as text — ``door_opener=2,dialogue_manager=1`` on the command line or
    in the browser view's address — as the mapping a Python caller would pass
    (``{"door_opener": 2, "dialogue_manager": 1}``).

    Only the form is read here; the shares are checked by :func:`check_role_mix`, so that a bad
    share gets the same message whichever door it came through."""
    mix: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        activity, sep, share = part.partition("=")
        if not sep:
            raise ValueError(
                f"{name} {text!r}: expected activity=share pairs separated by commas, e.g. "
                f"door_opener=2,dialogue_manager=1 (activities: {', '.join(ACTIVITIES)})"
            )
        value = number(share)  # the number a Python caller would have passed; else the text
        mix[activity.strip()] = share.strip() if value is None else value
    if not mix:
        raise ValueError(
            f"{name} is empty: expected activity=share pairs, e.g. door_opener=2,dialogue_manager=1"
        )
    return mix


def check_role_mix(value: Any, *, name: str = "role_mix") -> dict[str, float] | None:
    """Validate a role mix: activity name -> non-negative share; normalised to sum 1.

    ``None`` means "the strategy's preset". An all-zero mix means "workers do nothing".
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{name}={show(value)} is not allowed: expected a mapping of activities "
            f"({', '.join(ACTIVITIES)}) to shares >= 0"
        )
    mix: dict[str, float] = {}
    for key, share in value.items():
        if key not in ACTIVITIES:
            raise ValueError(
                f"{name} has unknown activity {show(key)}: expected one of {', '.join(ACTIVITIES)}"
            )
        amount = finite_number(share)
        # A share of infinity would leave every other activity 0 hours: not a share.
        if amount is None or amount < 0:
            raise ValueError(
                f"{name}[{show(key)}]={show_number(share)} is not allowed: expected a finite "
                "share >= 0"
            )
        if not ACTIVITIES[key].in_mix and amount:
            raise ValueError(
                f"{name}[{show(key)}] is not allowed: this activity is not chosen by a role mix "
                "(the handover takes its share of the hours in a phased exit: set "
                "phase_out_weeks instead)"
            )
        mix[key] = float(amount)
    total = sum(mix.values())
    return {a: (mix.get(a, 0.0) / total if total > 0 else 0.0) for a in ACTIVITIES}


@activity(
    role=True,
    german="Problemsensor",
    handed_over_in="speaking",
    label=("problem sensor", "Problemsensor"),
    explanation=(
        "Walks the quarter, finds latent structural problems and makes them public; reports "
        "which buildings are burdened (small-scale social reporting).",
        "Geht durch das Quartier, entdeckt verborgene strukturelle Probleme und macht sie "
        "öffentlich; meldet, welche Häuser belastet sind (kleinräumige Sozialberichterstattung).",
    ),
    longest_task="walk_hours",
    colour="#e41a1c",
    placed=True,
    messages={
        "problem_found": (
            "{worker} found {problem} and made it public.",
            "{worker} entdeckte {problem} und machte es öffentlich.",
        ),
    },
)
def problem_sensor(m: Quarter, w: Worker, budget: Budget) -> None:
    """Walks the quarter, finds latent problems and makes them public; reports the burden
    of the buildings passed (small-scale social reporting, kleinräumige Sozialberichterstattung)
    from public signs: the visible problems around them and who lives there. A worker
    sent to an area walks there."""
    pr, k = m.problems, m.knowledge
    while budget.take(m.p["walk_hours"]):
        x, y = m.random_location() if budget.area is None else budget.area.random_cell(m.rng)
        w.move_to(x, y)
        for p in pr.reveal_near(x, y, m.p["walk_radius"], m.p["find_chance"] * w.quality, m.rng):
            pr.attention[p] = min(1.0, pr.attention[p] + 0.3)
            m.log("problem_found", problem=int(p), worker=w.name)
        reported = np.flatnonzero(pr.near(x, y, m.p["walk_radius"]) & pr.visible)
        pr.attention[reported] = np.minimum(1.0, pr.attention[reported] + 0.05)
        homes = m.homes_near(x, y, m.p["walk_radius"])
        if len(homes) == 0:
            continue
        visible = np.flatnonzero(pr.visible)
        signs = pr.concern[np.ix_(homes, visible)] @ pr.severity[visible]
        buildings, where = np.unique(m.building_of[homes], return_inverse=True)
        k.need[buildings] = np.bincount(where, signs) / np.bincount(where)


@activity(
    role=True,
    german="Ressourcendiagnostiker",
    handed_over_in="caring",
    label=("resource diagnostician", "Ressourcendiagnostiker"),
    explanation=(
        "Visits residents at home, the withdrawn too, uncovers buried talents and offers a "
        "first chance to use them (a space of possibility).",
        "Besucht Bewohner zu Hause, auch die Zurückgezogenen, entdeckt verschüttete Fähigkeiten "
        "und bietet eine erste Gelegenheit, sie zu nutzen (Möglichkeitsraum).",
    ),
    longest_task="visit_hours",
    colour="#377eb8",
    placed=True,
    messages={
        "outreach_visit": (
            "{worker} visited resident {resident} at home.",
            "{worker} besuchte Bewohner {resident} zu Hause.",
        ),
    },
)
def resource_diagnostician(m: Quarter, w: Worker, budget: Budget) -> None:
    """Outreach: visits residents at home, reaching the withdrawn too; diagnoses a buried
    resource and offers a small task to try it out (a space of possibility, Möglichkeitsraum).
    A worker sent to an area knocks only on doors there."""
    k = m.knowledge
    since = m.steps - k.offered_week
    # New doors every half year; residents the team has seen withdrawn, every month
    # (relationship work, Beziehungsarbeit).
    due = (since >= m.p["outreach_repeat_weeks"]) | (
        k.known & k.seen_withdrawn & (since >= m.p["follow_up_weeks"])
    )
    if budget.area is not None:
        due &= budget.area.contains(m.home_xy)
    candidates = np.flatnonzero(due)
    visits = 0
    while visits < len(candidates) and budget.take(m.p["visit_hours"]):
        visits += 1
    if visits == 0:
        return
    # Where walks showed burden, go there first; and to those the team has not met yet.
    weights = k.need[m.building_of[candidates]] + m.p["unmet_weight"] * ~k.known[candidates] + 0.05
    visited = m.rng.choice(candidates, size=visits, replace=False, p=weights / weights.sum())
    k.offered_week[visited] = m.steps
    w.move_to(*m.home_xy[visited[-1]])
    accepted = m.open_door(visited, w.quality)
    m.get_to_know(accepted)  # the diagnosis: a reading of each one's resources
    # The trial goes where the team *thinks* most is buried: a wrong estimate wastes it.
    m.try_out(accepted, np.argmax(k.buried_est[accepted], axis=1))
    m.invite(accepted)
    for i, withdrawn in zip(accepted.tolist(), k.seen_withdrawn[accepted].tolist(), strict=True):
        m.log("outreach_visit", resident=i, withdrawn=withdrawn, worker=w.name)


@activity(
    role=True,
    german="Organisationshelfer",
    handed_over_in="organising",
    label=("organisation helper", "Organisationshelfer"),
    explanation=(
        "Start-up, financial and organisational help: founds groups with residents who share a "
        "concern, supports existing groups and organises neighbourhood parties.",
        "Gründungs-, Finanz- und Organisationshilfe: gründet Gruppen mit Bewohnern, die ein "
        "Anliegen teilen, unterstützt bestehende Gruppen und organisiert Nachbarschaftsfeste.",
    ),
    longest_task="founding_hours",
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
    """Start-up, financial and organisational help: found groups with residents the team knows,
    support existing groups (the weakest, as the team judges them, first), and organise
    encounters where residents with shared concerns meet."""
    pr, k = m.problems, m.knowledge
    free = (m.groups.membership < 0) & ~k.seen_withdrawn
    for p in np.flatnonzero(pr.visible).tolist():
        if m.groups.by_problem(p) is not None:
            continue
        affected = pr.affected(p)  # concern >= concern_level
        others = affected[free[affected]]  # the concerned who are free
        known = others[k.known[others]]
        if len(known) == 0 or len(others) < m.p["min_members"]:
            continue
        if not budget.take(m.p["founding_hours"]):
            return
        initiator = int(known[np.argmax(k.activated_est[known, ORGANISING])])
        concerned = np.zeros(len(free), dtype=bool)
        concerned[others] = True
        circle = m.groups.founding_circle(initiator, concerned)
        extra = m.rng.choice(others, size=min(len(others), m.p["min_members"]), replace=False)
        # a resident organiser reaches fewer of those the team knows than a professional
        invited = np.unique(np.concatenate([circle, known[: max(1, round(5 * w.quality))], extra]))
        w.move_to(*m.home_xy[initiator])
        m.invite(others)
        g = m.groups.found_with_help(p, invited, initiator, funds=m.p["seed_funds"])
        if g is None:  # the initiator or too many of the invited did not come
            continue
        founders = m.groups.members(g)
        free[founders] = False  # founders are taken: no other group gets them
        m.mark_used(founders, ORGANISING)
        m.get_to_know(founders)
        m.log("worker_founded_group", group=g.id, worker=w.name)
    estimate = {g.id: k.capacity_estimate(g.id, unknown=0.0) for g in m.groups.active}
    helped = []
    for g in sorted(m.groups.active, key=lambda g: estimate[g.id]):  # the weakest first
        if not budget.take(m.p["group_help_hours"]):
            break
        helped.append(g)
        g.help = min(1.0, g.help + 0.5 * w.quality)
        g.funds += 100.0 * w.quality  # the project's fund, or a neighbourhood fund later
    if helped:  # the week's sessions at once: each coaches two of its group's members
        members = m.groups.members_by_group()
        coached = np.concatenate(pick_from_each([members[g.id] for g in helped], 2, m.rng))
        m.mark_used(coached, ORGANISING)
        m.get_to_know(coached)  # a resident is in one group: nobody is coached twice
        shown = m.groups.observe_capacities(m.groups.capacity_of(helped, members))
        for g, reading in zip(helped, shown.tolist(), strict=True):
            k.record_group_session(g.id, reading)
            m.log("group_helped", group=g.id, worker=w.name)
    if len(helped) < len(estimate):  # the hours ran out before every group had its session
        return
    if budget.take(m.p["festival_hours"]):  # at most one party a week: guests need to be found
        festival(m, w)


def pick_from_each(pools: list[np.ndarray], k: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Up to ``k`` residents drawn at random without replacement from each of ``pools``, all
    pools at once: each member gets a random key, and the ``k`` smallest keys of each pool are
    drawn (each subset of ``k`` equally likely, as ``rng.choice(pool, k, replace=False)``)."""
    sizes = np.array([len(p) for p in pools], dtype=np.int64)
    pool = np.repeat(np.arange(len(pools)), sizes)
    order = np.lexsort((rng.random(len(pool)), pool))  # by pool, then by key
    rank = np.arange(len(pool)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    drawn = order[rank < k]
    everyone = np.concatenate(pools) if pools else np.zeros(0, dtype=np.int64)
    return np.split(everyone[drawn], np.cumsum(np.minimum(sizes, k))[:-1])


def festival(m: Quarter, w: Worker) -> None:
    """An encounter at a public place: neighbours of all ages and origins meet, and the worker
    gets to know a few guests — the team's knowledge grows beyond home visits."""
    place = int(m.rng.integers(m.layout.n_places))
    w.move_to(*m.layout.place_xy[place])
    guests = m.hold_festival(place, w.quality)
    m.get_to_know(
        m.rng.choice(guests, size=min(m.p["known_per_festival"], len(guests)), replace=False)
    )
    m.log("festival", guests=len(guests), place=m.layout.place_kind[place], worker=w.name)


@activity(
    role=True,
    german="Türöffner",
    handed_over_in="bureaucracy",
    hands_over_recognition=True,
    label=("door opener", "Türöffner"),
    explanation=(
        "Advice and advocacy: opens doors to administration, politics and business, coaches "
        "groups in dealing with the authorities and wins allies for them.",
        "Beratung und Fürsprache: öffnet Türen zu Verwaltung, Politik und Wirtschaft, schult "
        "Gruppen im Umgang mit Behörden und gewinnt Verbündete für sie.",
    ),
    longest_task="advocacy_hours",
    colour="#984ea3",
    messages={
        "door_opened": (
            "{worker} opened doors to the administration for group {group}.",
            "{worker} öffnete Gruppe {group} Türen zur Verwaltung.",
        ),
    },
)
def door_opener(m: Quarter, w: Worker, budget: Budget) -> None:
    """Advice and advocacy: access to administration, politics and business for the groups the
    team judges strongest, coaching in dealing with the authorities, bringing allies to groups;
    and residents the team knows pursue their own concerns with coaching."""
    k = m.knowledge
    estimate = {g.id: k.capacity_estimate(g.id, unknown=0.0) for g in m.groups.active}
    working = [g for g in m.groups.active if g.problem >= 0]
    coached_groups = []
    for g in sorted(working, key=lambda g: -estimate[g.id]):  # the strongest first
        if not budget.take(m.p["advocacy_hours"]):
            break
        coached_groups.append(g)
    if coached_groups:  # the week's sessions at once: each coaches three of its members
        members = m.groups.members_by_group()
        picked = pick_from_each([members[g.id] for g in coached_groups], 3, m.rng)
        coached = np.concatenate(picked)
        m.mark_used(coached, BUREAUCRACY)
        m.get_to_know(coached)  # a resident is in one group: nobody is coached twice
        # A session's reading and an ally's judgement read the group's own capacity (access
        # and allies are not part of it).
        capacity = m.groups.capacity_of(coached_groups, members)
        shown = m.groups.observe_capacities(capacity)
        for g, own, reading in zip(coached_groups, capacity.tolist(), shown.tolist(), strict=True):
            g.access = min(1.0, g.access + 0.4 * w.quality)
            # A worker carries the claim (the mediated channel); a resident organiser coaches
            # the group to bring it on its own channel.
            g.carried = g.carried or w.professional
            k.record_group_session(g.id, reading)
            m.arena.try_win_ally(g, chance=0.05 * w.quality, capacity=own)
            m.log("door_opened", group=g.id, worker=w.name)
    if len(coached_groups) < len(working):  # the hours ran out before every group's session
        return
    # Individual advocacy: residents the team knows who wait on the office pursue their
    # request themselves, coached — the longest-waiting first.
    queue = m.office_queue()
    queue = queue[k.known[queue] & ~k.seen_withdrawn[queue]]
    pursued = 0
    while pursued < len(queue) and budget.take(m.p["visit_hours"]):
        pursued += 1
    if pursued:  # each pursues their own request: all at once
        m.pursue_requests(queue[:pursued])


@activity(
    role=True,
    german="Dialogmanager",
    handed_over_in="speaking",
    hands_over_recognition=True,
    label=("dialogue manager", "Dialogmanager"),
    explanation=(
        "Moderates between everyday life, administration, institutions and market: round "
        "tables win the workers the administration's ear, and claims are put into its language.",
        "Moderiert zwischen Lebenswelt, Verwaltung, Institutionen und Markt: runde Tische "
        "verschaffen den Fachkräften Gehör bei der Verwaltung, Forderungen werden in ihre "
        "Sprache übersetzt.",
    ),
    longest_task="round_table_hours",
    colour="#ff7f00",
    messages={
        "round_table": (
            "{worker} moderated a round table with the {partner}.",
            "{worker} moderierte einen runden Tisch mit {partner}.",
        ),
    },
)
def dialogue_manager(m: Quarter, w: Worker, budget: Budget) -> None:
    """Moderates between lifeworld, administration, institutions and market: round tables win
    the workers recognition in the administration (its responsiveness on the mediated channel,
    the claims workers carry — not the residents' own), and claims are translated into its
    language and carried there."""
    a = m.arena
    working = [g for g in m.groups.active if g.problem >= 0]
    if budget.take(m.p["round_table_hours"]):  # one round table a week: institutions move slowly
        # With whom: the administration, or the housing company when more groups' causes are
        # the company's (rent, disrepair).
        addressed = np.bincount(
            [int(ADDRESSEE[m.problems.kind[g.problem]]) for g in working], minlength=2
        )
        partner = (
            m.landlord if addressed[LANDLORD] > addressed[ADMINISTRATION] else a.administration
        )
        # a worker's round table is the workers' recognition; a resident's, the residents'
        partner.recognise(
            m.p["round_table_effect"] * w.quality, MEDIATED if w.professional else OWN
        )
        a.translation = min(1.0, a.translation + 0.1 * w.quality)
        m.log("round_table", groups=len(working), worker=w.name, partner=partner.name)
    for g in working:  # translating claims into the administration's language, group by group
        if not budget.take(m.p["translation_hours"]):
            return
        g.access = min(1.0, g.access + 0.15 * w.quality)
        g.carried = g.carried or w.professional


@activity(
    role=True,
    german="Konfliktmediator",
    handed_over_in="speaking",
    label=("conflict mediator", "Konfliktmediator"),
    explanation=(
        "Mediates conflicts between resident groups into compromises and brings residents of "
        "different origins and ages together in dialogue meetings.",
        "Vermittelt Konflikte zwischen Bewohnergruppen zu Kompromissen und bringt Bewohner "
        "unterschiedlicher Herkunft und Generation in Dialogtreffen zusammen.",
    ),
    longest_task="mediation_hours",
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
    arena = m.arena
    causes = {int(m.problems.kind[g.problem]) for g in m.groups.active if g.problem >= 0}
    rivals = any(OPPOSING[k] in causes for k in causes)  # opposed claims are coming
    if rivals and arena.mediations_ready() < 2 and budget.take(m.p["mediation_hours"]):
        arena.prepare_mediation(w.quality, by_worker=w.professional)
    # Meetings bring one origin group together with the others (across age groups where the
    # quarter has one origin only); who comes is up to the invited.
    label = m.origin if len(m.origin) and (m.origin != m.origin[0]).any() else m.age
    meetings = 0
    while budget.take(m.p["dialogue_meeting_hours"]):
        meetings += 1
    if meetings == 0:
        return
    sides: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # found for the groups drawn only
    invited = max(1, round(m.p["meeting_side"] * w.quality))
    invited_a: list[np.ndarray] = []
    invited_b: list[np.ndarray] = []
    for v in label[m.rng.integers(len(label), size=meetings)].tolist():
        if v not in sides:
            same = label == v
            sides[v] = np.flatnonzero(same), np.flatnonzero(~same)
        side_a, side_b = sides[v]
        if len(side_b) == 0:  # one group only: nobody to meet across; this meeting's
            # hours are lost, the later ones not taken
            budget.spent -= m.p["dialogue_meeting_hours"] * (meetings - len(invited_a) - 1)
            break
        invited_a.append(m.rng.choice(side_a, size=min(invited, len(side_a)), replace=False))
        invited_b.append(m.rng.choice(side_b, size=min(invited, len(side_b)), replace=False))
    met = m.meetings_across(invited_a, invited_b)
    for came in met:
        m.log("dialogue_meeting", residents=len(came), worker=w.name)
    if met:  # practice in speaking up: the resources stay in use
        m.mark_used(np.concatenate(met), SPEAKING)


@activity(
    role=False,
    german="stellvertretende Fallbearbeitung",
    handed_over_in="bureaucracy",
    label=("case work (top-down)", "Fallarbeit (von oben)"),
    explanation=(
        "Top-down care, not one of the roles: experts handle residents' cases and solve "
        "problems for them. Quick relief, without the residents' own action.",
        "Fürsorge von oben, keine der Rollen: Fachleute bearbeiten Fälle und lösen Probleme "
        "stellvertretend. Schnelle Entlastung, ohne eigenes Handeln der Bewohner.",
    ),
    longest_task="planning_hours",
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
    """Deficit-oriented care: experts solve problems *for* residents and handle the cases of
    those who wait on the office. Quick visible relief; the residents' own action plays no part
    in the outcome."""
    pr = m.problems
    turn = 0
    while True:
        turn += 1
        if turn % 2:  # case handling: the office queue, the longest-waiting first
            queue = m.office_queue()
            if len(queue) == 0:
                if not w.professional:
                    return
                continue
            if not budget.take(m.p["case_hours"]):
                return
            i = int(queue[0])
            m.handle_case(i, w)
            m.get_to_know(np.array([i]))  # the one who handles a case meets the resident
            m.log("case_handled", resident=i, worker=w.name)
        elif not w.professional:  # planning needs a professional's budget and authority
            continue
        else:  # expert planning on the worst known problem
            if not budget.take(m.p["planning_hours"]):
                return
            visible = np.flatnonzero(pr.visible & ~STRUCTURAL[pr.kind])
            if len(visible) == 0:  # experts survey the quarter themselves
                x, y = m.random_location()
                pr.reveal_near(x, y, m.p["walk_radius"], 1.0, m.rng)
                continue
            p = int(visible[np.argmax(pr.severity[visible])])
            w.move_to(pr.x[p], pr.y[p])
            pr.severity[p] = max(0.0, pr.severity[p] - m.p["planning_relief"])
            if pr.severity[p] <= 0.1:
                m.solve_for_residents(p)
                m.log("solved_for_residents", problem=p, worker=w.name)


@activity(
    role=False,
    german="Übergabe (Verstetigung)",
    label=("handover", "Übergabe"),
    explanation=(
        "In a phased exit, not one of the roles: workers train residents to do the tasks the "
        "team did, one training session at a time, and hand the tasks over to them.",
        "Beim gestuften Ausstieg, keine der Rollen: die Fachkräfte lernen Bewohner in den "
        "Aufgaben an, die das Team erledigt hat, Sitzung für Sitzung, und übergeben sie ihnen.",
    ),
    longest_task="training_hours",
    colour="#999999",
    name=HANDOVER,
    in_mix=False,
    messages={
        "trained": (
            "{worker} trained resident {resident} in a task of the {task}.",
            "{worker} lernte Bewohner {resident} in einer Aufgabe der Rolle {task} an.",
        ),
        "task_handed_over": (
            "Resident {resident} took over a task of the {task}.",
            "Bewohner {resident} übernahm eine Aufgabe der Rolle {task}.",
        ),
        "task_given_up": (
            "Resident {resident} withdrew and gave up their task of the {task}.",
            "Bewohner {resident} zog sich zurück und gab die Aufgabe der Rolle {task} auf.",
        ),
        "task_dropped": (
            "Resident {resident} stopped doing their task of the {task}: it had not worked "
            "for them lately.",
            "Bewohner {resident} hörte mit der Aufgabe der Rolle {task} auf: sie hatte zuletzt "
            "nicht geklappt.",
        ),
    },
)
def handover(m: Quarter, w: Worker, budget: Budget) -> None:
    """Verstetigung: workers hand over the tasks the team did to residents. A task is drawn in
    proportion to the hours the team spent on it during the project, among the tasks that can
    be handed over (expert planning cannot) and still need successors — as many residents as
    it takes to cover the team's weekly hours on it with their volunteer hours. Its successor is
    the resident in training for it, or else the known, not withdrawn resident the team
    estimates most competent in the task's domain, group members first. A training session is
    a guided task of the successor's own (the world decides whether it works); after
    ``training_sessions`` sessions they hold the task."""
    k = m.knowledge
    tasks = [
        a
        for a, hours in k.hours_by_activity.items()
        if hours > 0 and a in ACTIVITIES and ACTIVITIES[a].handed_over_in is not None
    ]
    while True:
        tasks = [a for a in tasks if m.trainee(a) is not None or m.successors_needed(a) > 0]
        if not tasks:
            return  # nothing left to hand over: the hours stay unspent
        weights = np.array([k.hours_by_activity[a] for a in tasks])
        task = tasks[int(m.rng.choice(len(tasks), p=weights / weights.sum()))]
        successor = m.trainee(task)
        if successor is None:
            domain = ACTIVITIES[task].handover_domain
            free = k.known & ~k.seen_withdrawn & ~m.organisers_and_trainees()
            candidates = np.flatnonzero(free)
            if len(candidates) == 0:
                return
            in_group = m.groups.membership[candidates] >= 0  # group members first
            score = k.activated_est[candidates, domain] + in_group
            successor = int(candidates[np.argmax(score)])
        if not budget.take(m.p["training_hours"]):
            return
        w.move_to(*m.home_xy[successor])
        m.train(successor, task)
        m.log("trained", resident=successor, task=task, worker=w.name)
