"""The quarter as a Mesa model: set-up and the weekly schedule.

One step is one week. The schedule, in order:

1. **problems** develop: new ones arise, open ones worsen, residents make latent ones public;
2. **community workers** work (while the project runs): each splits its hours over the roles;
3. **everyday encounters** in house communities and at public places form and renew ties;
4. **action groups** are founded, recruit by the threshold rule, act, and drift apart;
5. the **political arena**: allies come and go; every few weeks a resident assembly sends
   claims to the administration;
6. **residents**: support along ties, helplessness from strain and support, unused resources
   fade, withdrawal into or out of resigned privacy, belonging and trust drift;
7. **ties** not renewed this week fade, bridges fastest;
8. the week's **measures** are collected.
"""

from __future__ import annotations

import functools
from typing import Any

import mesa
import numpy as np
from mesa.datacollection import DataCollector
from mesa.discrete_space import OrthogonalMooreGrid
from scipy.spatial import cKDTree

from quartiersim import encounters, measures
from quartiersim.activity import Entry
from quartiersim.arena import Arena
from quartiersim.events import EVENTS
from quartiersim.groups import ActionGroups
from quartiersim.parameters import validate
from quartiersim.problems import LATENT, PROBLEM_KINDS, STRUCTURAL, Problems
from quartiersim.quarter import build_layout, place_households
from quartiersim.residents import DOMAINS, SPEAKING, Resident, Residents, origin_shares
from quartiersim.strategies import role_mix_for
from quartiersim.ties import Ties
from quartiersim.workers import CommunityWorker

BURN_IN_WEEKS = 52
"""Weeks of everyday encounters run before week 0, so the quarter starts with the tie network
its residents' daily life sustains rather than with nobody knowing anybody."""
WEEKS_PER_YEAR = 52


def _measure(name: str, model: QuartierModel) -> float:
    return model.measures[name]


class QuartierModel(mesa.Model):
    """A disadvantaged urban quarter, its residents, their groups and the community workers.

    Every parameter of :data:`quartiersim.PARAMETERS` is a keyword argument with a default;
    ``rng`` (an int seed or a ``numpy.random.Generator``; ``seed`` is accepted as another name
    for it) makes a run reproducible. Invalid parameters raise ``ValueError`` naming the
    parameter, the value and what is allowed.
    """

    def __init__(self, *, rng: Any = None, seed: int | None = None, **params: Any) -> None:
        if seed is not None:
            if rng is not None:
                raise ValueError("give either rng or seed, not both")
            rng = seed
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
        self.by_building = np.argsort(self.building_of, kind="stable")
        n_buildings = self.layout.n_buildings
        self.building_size = np.bincount(self.building_of, minlength=n_buildings)
        self.building_start = np.concatenate([[0], np.cumsum(self.building_size)[:-1]])
        _, self.nearest_place = cKDTree(self.layout.place_xy).query(self.home_xy)
        self.resident_agents = [
            Resident(self, i, self.grid[tuple(xy)]) for i, xy in enumerate(self.home_xy.tolist())
        ]

        # What the community workers' team has learned: burden per building (from walks) and
        # when each resident was last offered a visit.
        self.team_need = np.zeros(n_buildings)
        self.offered_week = np.full(n, -(10**6))
        self._used = np.zeros((n, len(DOMAINS)), dtype=bool)

        self.ties = Ties(n)
        self.problems = Problems(n)
        for _ in range(p["n_problems"]):
            self.add_problem(int(self.rng.integers(len(PROBLEM_KINDS))))
        self.groups = ActionGroups(self)
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

        self.datacollector = DataCollector(
            model_reporters={name: functools.partial(_measure, name) for name in measures.MEASURES}
        )
        self.measures = measures.compute(self)
        self.datacollector.collect(self)

    # -- the week -----------------------------------------------------------------------------
    def step(self) -> None:
        """One week in the quarter (see the module docstring for the order)."""
        if self.steps == self.project_weeks + 1 and self.workers:
            self.log("project_exit")
        self.develop_problems()
        if self.project_running:
            for w in self.random.sample(self.workers, len(self.workers)):
                w.step()
        else:
            for w in self.workers:
                w.spent_week = dict.fromkeys(w.spent_week, 0.0)
        self.everyday_encounters()
        self.groups.found_spontaneously()
        self.groups.recruit()
        self.groups.act()
        self.groups.drift()
        self.arena.weekly()
        self.everyday_life()
        self.ties.decay(self.rng, self.weekly_tie_survival(), self.p["tie_fade"], self.p["tie_min"])
        self.measures = measures.compute(self)
        self.datacollector.collect(self)

    @property
    def project_running(self) -> bool:
        """Whether the funded project (and with it the workers) is active this week."""
        return self.steps <= self.project_weeks

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
            new = self.add_problem(int(self.rng.integers(len(PROBLEM_KINDS))))
            self.log("problem_arose", problem=new)
        pr.aggravate()
        routine = pr.visible & ~STRUCTURAL[pr.kind]
        repaired = routine & (self.rng.random(len(pr)) < 1.0 / self.p["routine_repair_weeks"])
        for p in np.flatnonzero(repaired):
            self.solve_for_residents(int(p))
            self.log("routine_repair", problem=int(p))
        voice = self.residents.activated[:, SPEAKING] * ~self.residents.withdrawn
        for p in pr.notice(voice, self.rng):
            self.log("problem_noticed", problem=int(p))

    def everyday_encounters(self) -> None:
        """Encounters in house communities and at public places form and renew ties."""
        house_a, house_b = encounters.house_community(self)
        place_a, place_b = encounters.public_places(self)
        self.ties.reinforce(
            np.concatenate([house_a, place_a]),
            np.concatenate([house_b, place_b]),
            self.p["tie_gain"],
        )

    def everyday_life(self) -> None:
        """Residents' week: support along ties, helplessness, resources, withdrawal, belonging,
        trust."""
        r = self.residents
        r.update_support(self.ties)
        r.weekly_helplessness(self.problems.strain())
        r.weekly_resources(self._used)
        r.update_withdrawal()
        r.update_belonging(self.ties.strength())
        r.drift_trust(baseline=0.2 + 0.5 * self.arena.responsiveness)
        r.invited[:] = False
        self._used[:] = False

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
        self._used[who, domain] = True

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
        relief for those affected, but an outcome that did not depend on their action."""
        affected = self.problems.affected(p)
        self.problems.solve(p)
        self.residents.handled_as_case(affected, strength=0.5)
        self.residents.adjust_trust(affected, +0.05)
        if (g := self.groups.by_problem(p)) is not None:
            self.groups.adopt_new_cause(g)

    def replace_residents(self, who: np.ndarray) -> None:
        """Households ``who`` move away; newcomers move into their dwellings."""
        who = np.unique(who)
        self.log("households_moved", count=len(who))
        self.residents.replace(who, self.rng, self.p["n_origins"])
        self.ties.drop_residents(who)
        self.problems.recompute_concern(who, self.home_xy, self.residents.age)
        self.offered_week[who] = -(10**6)

    def trigger(self, event: str) -> None:
        """Apply an event now (see :data:`quartiersim.events.EVENTS`)."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}: expected one of {', '.join(EVENTS)}")
        EVENTS[event].apply(self)
        self.log("event", event=event)
        self.measures = measures.compute(self)

    def set_strategy(self, strategy: str, role_mix: dict[str, float] | None = None) -> None:
        """Switch every worker to a strategy's role mix (or to ``role_mix``)."""
        checked = validate(**{**self._public_params(), "strategy": strategy, "role_mix": role_mix})
        mix = role_mix_for(checked["strategy"], checked["role_mix"])
        self.strategy = strategy
        for w in self.workers:
            w.set_role_mix(mix)

    def _public_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.p.items() if k not in ("strategy", "role_mix")}
