"""The quarter as a Mesa model: set-up and the weekly schedule.

One step is one week. The schedule, in order:

1. **problems** develop: new ones arise, open ones worsen, residents make latent ones public;
   the **housing company** may raise the rent and repairs some buildings;
2. **residents seek help**: requests to the office are answered or time out; burdened residents
   turn to the office, to their neighbours or to nobody, by what they expect;
3. **community workers** work (while the project runs): each splits its hours over the roles
   (in a phased exit a growing share goes to handing tasks over to residents); then the
   **resident organisers** who took tasks over do them (during the project and after it);
4. **everyday encounters** in house communities and at public places form and renew ties;
5. **action groups** are founded, recruit by the threshold rule, act, and drift apart;
6. the **political arena**: allies come and go; every few weeks a resident assembly sends
   claims to the administration;
7. **residents**: support along ties, helplessness from strain and support, unused resources
   fade, withdrawal into or out of resigned privacy, belonging drifts;
8. **ties** not renewed this week fade, bridges fastest;
9. the week's **measures** are collected.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Sequence
from typing import Any

import mesa
import numpy as np
from mesa.datacollection import DataCollector
from mesa.discrete_space import OrthogonalMooreGrid
from scipy.spatial import cKDTree

from quartiersim import encounters, measures, organisers, routes
from quartiersim.activity import Entry
from quartiersim.agents import Resident
from quartiersim.arena import Arena
from quartiersim.events import EVENTS
from quartiersim.groups import ActionGroups
from quartiersim.knowledge import Reading, TeamKnowledge
from quartiersim.landlord import Landlord
from quartiersim.organisers import ResidentOrganisers
from quartiersim.outcomes import BOTH, INSTITUTION, RESIDENTS, Outcome, apply_outcome, apply_trials
from quartiersim.parameters import check_seed, validate
from quartiersim.problems import ADDRESSEE, ADMINISTRATION, ARISING, LATENT, STRUCTURAL, Problems
from quartiersim.quarter import HomeIndex, build_layout, place_households
from quartiersim.residents import (
    BUREAUCRACY,
    DOMAINS,
    NOT_WAITING,
    SPEAKING,
    Residents,
    origin_shares,
)
from quartiersim.strategies import role_mix_for
from quartiersim.ties import Ties, random_pairs
from quartiersim.workers import CommunityWorker

BURN_IN_WEEKS = 52
"""Weeks of everyday encounters run before week 0, so the quarter starts with the tie network
its residents' daily life sustains rather than with nobody knowing anybody."""
WEEKS_PER_YEAR = 52


def _measure(name: str, model: QuartierModel) -> float:
    return model.collected[name]


class QuartierModel(mesa.Model):
    """A disadvantaged urban quarter, its residents, their groups and the community workers.

    Every parameter of :data:`quartiersim.PARAMETERS` is a keyword argument with a default;
    ``rng`` (a whole number in [0, 2**63) or a ``numpy.random.Generator``; ``seed`` is accepted
    as another name for it) makes a run reproducible. Invalid parameters and seeds raise
    ``ValueError`` naming the parameter, the value and what is allowed — the same checks and
    messages as the command line, experiment files and the browser view.

    By default every measure is computed and collected every week (``model.measures``, the
    ``datacollector``). A run that keeps only some weeks or some measures says so:
    ``collect_weeks`` (week numbers) and ``collect_measures`` (names of :data:`MEASURES`) limit
    what the data collector records, and measures no one collects are not computed —
    ``model.measures`` is then computed when it is read. Measures only read the state, so
    what is collected is the same either way.
    """

    def __init__(
        self,
        *,
        rng: Any = None,
        seed: int | None = None,
        collect_weeks: Collection[int] | None = None,
        collect_measures: Sequence[str] | None = None,
        **params: Any,
    ) -> None:
        if seed is not None:
            if rng is not None:
                raise ValueError("give either rng or seed, not both")
            rng = seed
        generator = np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
        if not isinstance(rng, generator):
            rng = check_seed(rng)  # the same check as every other door
        p = validate(**params)
        mix = role_mix_for(p["strategy"], p["role_mix"])
        super().__init__(rng=rng)
        self.p = p
        self.strategy: str = p["strategy"]
        self.project_weeks: int = p["project_weeks"]
        self.hours_per_week: float = p["hours_per_week"]
        self.activity: list[Entry] = []

        self.layout = build_layout(p["width"], p["height"], self.rng)
        self.grid = OrthogonalMooreGrid(
            (p["width"], p["height"]), torus=False, capacity=None, random=self.random
        )

        # Residents: hot state in arrays, one Mesa agent each for space and inspection.
        n = p["n_residents"]
        self.residents = Residents(n, p["n_origins"], self.rng, p)
        home = place_households(
            self.layout,
            self.residents.origin,
            origin_shares(p["n_origins"]),
            p["segregation"],
            self.rng,
        )
        self.home_xy = self.layout.dwellings[home]
        self.building_of = self.layout.building[self.home_xy[:, 0], self.home_xy[:, 1]]
        self.homes = HomeIndex(self.home_xy, p["height"])
        self.by_building = np.argsort(self.building_of, kind="stable")
        n_buildings = self.layout.n_buildings
        self.building_size = np.bincount(self.building_of, minlength=n_buildings)
        self.building_start = np.concatenate([[0], np.cumsum(self.building_size)[:-1]])
        _, self.nearest_place = cKDTree(self.layout.place_xy).query(self.home_xy)
        self.resident_agents = [
            Resident(self, i, self.grid[tuple(xy)]) for i, xy in enumerate(self.home_xy.tolist())
        ]

        # Public faces of the residents (origin and age are visible; the arrays are shared).
        self.origin, self.age = self.residents.origin, self.residents.age
        # What the community workers' team has learned: nothing yet.
        self.knowledge = TeamKnowledge(n, len(DOMAINS), n_buildings)

        self.ties = Ties(n)
        self.problems = Problems(n, p["concern_level"])
        #: acts of help between neighbours this week; causes of groups pre-empted by experts
        self.help_exchanged = 0
        self.causes_preempted = 0
        for _ in range(p["n_problems"]):
            self.add_problem(int(self.rng.choice(ARISING)))
        self.groups = ActionGroups(self)
        #: residents who took over (or are being trained in) a task of the team
        self.organisers = ResidentOrganisers(n, self.p["momentum_keep"])
        self.landlord = Landlord(self)
        self.arena = Arena(self)

        centre = self.layout.place_xy[0] if self.layout.n_places else (0, 0)
        self.workers: list[CommunityWorker] = [
            CommunityWorker(self, self.grid[tuple(int(c) for c in centre)], k, mix)
            for k in range(p["n_workers"])
        ]

        self._burn_in()
        self._scheduled = [functools.partial(self.trigger, e) for _, e in p["events"]]
        for (week, _), fire in zip(p["events"], self._scheduled, strict=True):
            self.schedule_event(fire, at=week)

        self._collect_weeks = None if collect_weeks is None else frozenset(collect_weeks)
        if collect_measures is not None:
            unknown = [name for name in collect_measures if name not in measures.MEASURES]
            if unknown:
                raise ValueError(
                    f"collect_measures: unknown measure {unknown[0]!r}; measures: "
                    f"{', '.join(measures.MEASURES)}"
                )
        self._collect_measures = None if collect_measures is None else tuple(collect_measures)
        #: the weeks the data collector recorded (its rows), and the values of the last one
        self.collected_weeks: list[int] = []
        self.collected: dict[str, float] = {}
        self._measures: dict[str, float] | None = None
        self.datacollector = DataCollector(
            model_reporters={
                name: functools.partial(_measure, name)
                for name in (self._collect_measures or measures.MEASURES)
            }
        )
        self._end_of_week()

    # -- the week -----------------------------------------------------------------------------
    def step(self) -> None:
        """One week in the quarter (see the module docstring for the order)."""
        if self.steps == self.project_weeks + 1 and self.workers:
            self.log("project_exit")
        self.develop_problems()
        self.landlord.weekly()
        self.help_exchanged = routes.seek_help(self)
        if self.project_running:
            for w in self.random.sample(self.workers, len(self.workers)):
                w.step()
        else:
            for w in self.workers:
                w.spent_week = dict.fromkeys(w.spent_week, 0.0)
        organisers.work(self)
        self.everyday_encounters()
        self.groups.found_spontaneously()
        self.groups.recruit()
        self.groups.act()
        self.groups.drift()
        self.arena.weekly()
        self.everyday_life()
        self.ties.decay(self.rng, self.weekly_tie_survival(), self.p["tie_fade"], self.p["tie_min"])
        self.problems.note_visible(self.steps)
        self._end_of_week()

    def _end_of_week(self) -> None:
        """The week's measures: computed and collected every week, or — when the run keeps
        only some weeks or measures — only those collected (the rest when read). Who took part
        in a group this week is noted first: a measure of the last year reads it."""
        self.residents.note_taking_part(self.steps)
        self._measures = None
        if self._collect_weeks is not None and self.steps not in self._collect_weeks:
            return
        if self._collect_measures is None:
            self._measures = self.collected = measures.compute(self)
        else:
            self.collected = measures.compute(self, self._collect_measures)
        self.collected_weeks.append(self.steps)
        self.datacollector.collect(self)

    @property
    def measures(self) -> dict[str, float]:
        """Every measure of :data:`~quartiersim.measures.MEASURES` for the end of this week
        (after an event: for the state the event left)."""
        if self._measures is None:
            self._measures = measures.compute(self)
        return self._measures

    @property
    def project_running(self) -> bool:
        """Whether the funded project (and with it the workers) is active this week."""
        return self.steps <= self.project_weeks

    @property
    def handover_share(self) -> float:
        """Share of each worker's hours that goes to handing tasks over this week: in the last
        ``phase_out_weeks`` of the project it grows linearly, t / ``phase_out_weeks`` in the
        t-th week of the phase-out; 0 before, after the project and in an abrupt exit."""
        weeks = self.p["phase_out_weeks"]
        if weeks == 0 or not self.project_running:
            return 0.0
        t = self.steps - (self.project_weeks - weeks)
        return min(1.0, t / weeks) if t > 0 else 0.0

    def hours_spent(self) -> dict[str, float]:
        """Hours the workers spent on each activity this week, all workers together."""
        hours: dict[str, float] = {}
        for w in self.workers:
            for activity, h in w.spent_week.items():
                hours[activity] = hours.get(activity, 0.0) + h
        return hours

    def develop_problems(self) -> None:
        """Problems develop: one may arise, open ones worsen, routine problems are repaired,
        residents who can speak up make latent ones visible."""
        pr = self.problems
        if self.rng.random() < 1.0 / self.p["problem_arrival_weeks"]:
            new = self.add_problem(int(self.rng.choice(ARISING)))
            self.log("problem_arose", problem=new)
        pr.aggravate(self.p["aggravation"])
        # The administration's routine covers its own problems; the company's are the company's.
        routine = pr.visible & ~STRUCTURAL[pr.kind] & (ADDRESSEE[pr.kind] == ADMINISTRATION)
        repaired = routine & (self.rng.random(len(pr)) < 1.0 / self.p["routine_repair_weeks"])
        for p in np.flatnonzero(repaired):
            self.solve_for_residents(int(p))
            self.log("routine_repair", problem=int(p))
        r = self.residents
        # One speaks up when either route seems worth it: one's own action or the office.
        worth_it = 1.0 - (1.0 - r.expect_own) * (1.0 - r.expect_inst)
        voice = r.activated[:, SPEAKING] * worth_it * ~r.withdrawn
        for p in pr.notice(voice, self.rng, self.p["notice_rate"]):
            self.log("problem_noticed", problem=int(p))

    def everyday_encounters(self) -> None:
        """Encounters in house communities and at public places form and renew ties."""
        house_a, house_b = encounters.house_community(self)
        place_a, place_b = encounters.public_places(self)
        self.ties.meet(
            np.concatenate([house_a, place_a]),
            np.concatenate([house_b, place_b]),
            self.p["tie_gain"],
        )

    def everyday_life(self) -> None:
        """Residents' week: support along ties, helplessness, resources, withdrawal,
        belonging."""
        r = self.residents
        r.update_support(self.ties)
        r.weekly_helplessness(self.problems.strain())
        r.weekly_resources()
        r.update_withdrawal()
        r.update_belonging(self.ties.strength())
        r.invited[:] = False

    def weekly_tie_survival(self) -> np.ndarray:
        """Per tie: the weekly chance that an unreinforced tie survives (Burt-calibrated)."""
        r = self.residents
        bridging = self.ties.bridging(r.origin, r.age)
        bridge = self.p["bridge_survival_year"] ** (1.0 / WEEKS_PER_YEAR)
        bond = self.p["bond_survival_year"] ** (1.0 / WEEKS_PER_YEAR)
        return np.where(bridging, bridge, bond)

    def _burn_in(self) -> None:
        for _ in range(BURN_IN_WEEKS):
            self.everyday_encounters()
            self.ties.decay(
                self.rng, self.weekly_tie_survival(), self.p["tie_fade"], self.p["tie_min"]
            )
        self.residents.update_support(self.ties)

    # -- entry points used by mechanisms, events and the browser view ---------------------------
    def log(self, key: str, **data: Any) -> None:
        """Record an entry in the activity log (see :mod:`quartiersim.activity`)."""
        self.activity.append(Entry(self.steps, key, data))

    def mark_used(self, who: np.ndarray, domain: int) -> None:
        """Residents ``who`` used their resources in ``domain`` this week (so they do not fade)."""
        self.residents.used[who, domain] = True

    def record(self, outcome: Outcome) -> None:
        """An outcome happened: it changes the residents it touches by the one rule
        (:func:`quartiersim.outcomes.apply_outcome`)."""
        apply_outcome(self.residents, outcome, self.p)

    def try_out(self, who: np.ndarray, domains: np.ndarray, source: str = RESIDENTS) -> np.ndarray:
        """Residents ``who`` each do a small task in domain ``domains[k]`` with a worker's
        guidance (a space of possibility, *Möglichkeitsraum*; or a concern pursued with
        coaching). Guidance lets the talent show: the task works with chance = the resident's
        true level in the domain. Each is a small outcome of the resident's own effort.
        Returns which tasks worked."""
        who = np.asarray(who, dtype=np.int64)
        domains = np.asarray(domains, dtype=np.int64)
        worked = self.rng.random(len(who)) < self.residents.resources[who, domains]
        self.residents.used[who, domains] = True
        if len(who) < 2 or (np.diff(np.sort(who)) > 0).all():  # each resident once
            apply_trials(self.residents, who, domains, worked, source, self.p)
            return worked
        for d in np.unique(domains):  # a loop over the five domains, not over residents
            for success in (True, False):
                chosen = (domains == d) & (worked == success)
                if chosen.any():
                    self.record(Outcome(success, False, source, domain=int(d), effort=who[chosen]))
        return worked

    def open_door(self, visited: np.ndarray, quality: float = 1.0) -> np.ndarray:
        """Residents ``visited`` are offered an outreach visit: those who know the team open the
        door again, strangers with chance ``outreach_acceptance`` × ``quality`` (a resident
        organiser's caring competence; 1 for a worker). Returns who let them in."""
        visited = np.asarray(visited, dtype=np.int64)
        opens = self.knowledge.known[visited] | (
            self.rng.random(len(visited)) < self.p["outreach_acceptance"] * quality
        )
        return visited[opens]

    def get_to_know(self, who: np.ndarray) -> None:
        """The team meets residents ``who``: what it sees (a noisy reading of their resources,
        whether they have withdrawn) goes into its knowledge."""
        who = np.unique(np.asarray(who, dtype=np.int64))
        if len(who) == 0:
            return
        buried, activated, withdrawn = self.residents.observe(
            who, self.rng, self.p["diagnosis_noise"]
        )
        self.knowledge.record_contact(Reading(who, buried, activated, withdrawn))

    def homes_near(self, x: float, y: float, radius: float) -> np.ndarray:
        """The residents living within ``radius`` cells of (x, y), ascending (addresses are
        public)."""
        return self.homes.near(x, y, radius)

    def invite(self, who: np.ndarray) -> None:
        """Residents ``who`` are personally invited: this week their joining threshold is
        lower."""
        self.residents.invited[np.asarray(who, dtype=np.int64)] = True

    def hold_festival(self, place: int, quality: float = 1.0) -> np.ndarray:
        """A neighbourhood party at public place ``place``: up to ``festival_guests`` ×
        ``quality`` (the organiser's competence; 1 for a worker) residents living near it who
        are not withdrawn come, meet across all groups (half a tie's gain: a party meeting is
        brief), feel they belong a little more and are invited. Returns the guests."""
        r = self.residents
        x, y = self.layout.place_xy[place]
        near = self.homes_near(x, y, self.p["festival_reach"])
        near = near[~r.withdrawn[near]]
        size = min(round(self.p["festival_guests"] * quality), len(near))
        guests = self.rng.choice(near, size=size, replace=False)
        a, b = random_pairs(guests, self.rng, rounds=2)
        self.ties.meet(a, b, 0.5 * self.p["tie_gain"])
        r.invited[guests] = True
        r.belonging[guests] = np.minimum(1.0, r.belonging[guests] + 0.02)
        return guests

    def meet_across(self, side_a: np.ndarray, side_b: np.ndarray) -> np.ndarray:
        """A meeting of invited residents from two sides (origin or age groups): those who come
        (not withdrawn) talk across the sides and form or renew ties. Returns who came."""
        return self.meetings_across([side_a], [side_b])[0]

    def meetings_across(
        self, sides_a: list[np.ndarray], sides_b: list[np.ndarray]
    ) -> list[np.ndarray]:
        """Several meetings across sides (:meth:`meet_across`), meeting ``k`` between
        ``sides_a[k]`` and ``sides_b[k]``, held at once: in each, those who come form as many
        pairs across its sides as its larger side has, each partner drawn at random from their
        side (as :meth:`Ties.cross_pairs`). Returns who came to each meeting."""
        r = self.residents
        came_a = [a[~r.withdrawn[a]] for a in sides_a]
        came_b = [b[~r.withdrawn[b]] for b in sides_b]
        n_a = np.array([len(a) for a in came_a], dtype=np.int64)
        n_b = np.array([len(b) for b in came_b], dtype=np.int64)
        pairs = np.where((n_a > 0) & (n_b > 0), np.maximum(n_a, n_b), 0)
        if pairs.sum() > 0:
            meeting = np.repeat(np.arange(len(pairs)), pairs)
            start_a = np.cumsum(n_a) - n_a
            start_b = np.cumsum(n_b) - n_b
            pick_a = (self.rng.random(len(meeting)) * n_a[meeting]).astype(np.int64)
            pick_b = (self.rng.random(len(meeting)) * n_b[meeting]).astype(np.int64)
            a = np.concatenate(came_a)[start_a[meeting] + pick_a]
            b = np.concatenate(came_b)[start_b[meeting] + pick_b]
            self.ties.meet(a, b, self.p["tie_gain"])
        return [np.concatenate([a, b]) for a, b in zip(came_a, came_b, strict=True)]

    def office_queue(self) -> np.ndarray:
        """Residents waiting on the office, the longest-waiting first."""
        r = self.residents
        waiting = np.flatnonzero(r.waiting_on != NOT_WAITING)
        return waiting[np.argsort(r.waiting_since[waiting], kind="stable")]

    def handle_case(self, i: int, by: Any) -> None:
        """Resident ``i``'s request is handled: part of their strain is taken off for a while
        (``help_relief``); for them a small outcome they took part in — the request was
        answered. By a professional it is the office's answer (it teaches that institutions
        act); by a resident organiser who took case handling over it is a neighbour's help (it
        teaches that residents' own action works)."""
        if by.professional:
            routes.answer(self, np.array([i]), relieve=True)
        else:
            routes.answer(self, np.array([i]), relieve=True, source=RESIDENTS)

    def pursue_request(self, i: int) -> bool:
        """Resident ``i`` pursues their request with the authorities themselves, coached by the
        door opener: a guided task in bureaucracy (:meth:`try_out`), residents' and the
        office's outcome at once. If it works, the request is settled and part of their strain
        is taken off. Returns whether it worked."""
        return bool(self.pursue_requests(np.array([i]))[0])

    def pursue_requests(self, who: np.ndarray) -> np.ndarray:
        """Residents ``who`` (distinct) each pursue their request as in :meth:`pursue_request`,
        all at once: each one's own guided task and outcome. Returns whose worked."""
        who = np.asarray(who, dtype=np.int64)
        worked = self.try_out(who, np.full(len(who), BUREAUCRACY), source=BOTH)
        r, settled = self.residents, who[worked]
        r.relief[settled] += self.p["help_relief"] * r.strain[settled]
        r.waiting_on[settled] = NOT_WAITING
        return worked

    def trainee(self, task: str) -> int | None:
        """The resident being trained in ``task`` (a phased exit), if any."""
        return self.organisers.trainee(task)

    def organisers_and_trainees(self) -> np.ndarray:
        """Per resident: holds a handed-over task or is being trained in one (public: the
        team knows whom it trains)."""
        return self.organisers.busy()

    def successors_needed(self, task: str) -> int:
        """How many more residents ``task`` needs: as many as it takes to cover the team's
        mean weekly hours on it during the project with ``volunteer_hours`` each, less those
        who hold it or are being trained in it (none when volunteers give no hours)."""
        volunteer = self.p["volunteer_hours"]
        if volunteer <= 0:
            return 0
        weekly = self.knowledge.hours_by_activity.get(task, 0.0) / max(1, self.steps)
        o = self.organisers
        number = o.tasks.index(task)
        taken = int(np.count_nonzero(o.task == number) + np.count_nonzero(o.training == number))
        return max(0, math.ceil(weekly / volunteer - 1e-9) - taken)

    def train(self, i: int, task: str) -> None:
        """One training session of resident ``i`` in ``task`` (:func:`organisers.train`)."""
        organisers.train(self, i, task)

    def random_location(self) -> tuple[int, int]:
        """A random cell of the quarter, as (x, y)."""
        return int(self.rng.integers(self.p["width"])), int(self.rng.integers(self.p["height"]))

    def add_problem(
        self,
        kind: int,
        severity: float | None = None,
        status: int = LATENT,
        at: tuple[int, int] | None = None,
    ) -> int:
        """A structural problem of ``kind`` at ``at`` (default: a random dwelling)."""
        if at is None:
            at = tuple(self.layout.dwellings[self.rng.integers(len(self.layout.dwellings))])
        if severity is None:
            severity = float(self.rng.uniform(0.3, 0.7))
        return self.problems.add(
            kind, at[0], at[1], severity, self.home_xy, self.residents.age, status
        )

    def solve_for_residents(self, p: int) -> None:
        """Problem ``p`` is solved *for* the residents, by experts or administrative routine:
        its strain is gone; those affected took no part in the outcome, so it teaches them
        nothing about their own action — only, by what they saw, that institutions act. A group
        working on it loses its cause (a cause pre-empted)."""
        affected = self.problems.affected(p)
        self.problem_solved(p, with_residents=False)
        self.record(Outcome(success=True, decisive=True, source=INSTITUTION, affected=affected))
        if (g := self.groups.by_problem(p)) is not None:
            self.causes_preempted += 1
            self.groups.adopt_new_cause(g)

    def problem_solved(self, p: int, with_residents: bool) -> None:
        """Problem ``p`` is solved, *with* residents (someone contributed effort to the
        outcome that solved it) or *for* them; requests waiting on it are answered."""
        self.problems.solve(p, with_residents=with_residents, week=self.steps)
        routes.answer_about(self, p)

    def replace_residents(self, who: np.ndarray) -> None:
        """Households ``who`` move away; newcomers move into their dwellings."""
        who = np.unique(who)
        self.log("households_moved", count=len(who))
        self.residents.replace(who, self.rng, self.p["n_origins"])
        self.ties.drop_residents(who)
        self.problems.recompute_concern(who, self.home_xy, self.residents.age)
        self.knowledge.forget(who)
        self.organisers.forget(who)

    def trigger(self, event: str) -> None:
        """Apply an event now (see :data:`quartiersim.events.EVENTS`)."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}: expected one of {', '.join(EVENTS)}")
        EVENTS[event].apply(self)
        self.log("event", event=event)
        self._measures = measures.compute(self)

    def set_strategy(self, strategy: str, role_mix: dict[str, float] | None = None) -> None:
        """Switch every worker to a strategy's role mix (or to ``role_mix``)."""
        checked = validate(**{**self._public_params(), "strategy": strategy, "role_mix": role_mix})
        mix = role_mix_for(checked["strategy"], checked["role_mix"])
        self.strategy = strategy
        for w in self.workers:
            w.set_role_mix(mix)

    def _public_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.p.items() if k not in ("strategy", "role_mix")}
