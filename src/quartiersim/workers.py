"""Community workers (Quartiersmanagerinnen, Gemeinwesenarbeiter): bridge-builders with a
weekly time budget split across the roles by a role mix."""

from __future__ import annotations

from typing import Any, Protocol

import mesa
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

from quartiersim import roles
from quartiersim.quarter import Area, check_area
from quartiersim.roles import ACTIVITIES, Budget, check_role_mix


class Quarter(roles.Quarter, Protocol):
    """What workers use of the quarter: what the roles use, the grid they walk and the hours
    of a working week."""

    grid: OrthogonalMooreGrid
    hours_per_week: float
    handover_share: float


class CommunityWorker(CellAgent):
    """A community worker who moves through the quarter and spends hours on roles."""

    def __init__(self, model: mesa.Model, cell: Any, number: int, mix: dict[str, float]) -> None:
        super().__init__(model)
        self.cell = cell
        self.name = f"worker {number + 1}"
        self.role_mix = dict(mix)
        #: the part of the quarter each role that goes somewhere is sent to (none: everywhere)
        self.areas: dict[str, Area] = {}
        #: hours left over from tasks that did not fit into last week (at most one task's worth)
        self.banked = dict.fromkeys(ACTIVITIES, 0.0)
        self.spent_week = dict.fromkeys(ACTIVITIES, 0.0)
        self.spent_total = 0.0
        self.budget_total = 0.0
        #: a professional works at full quality and can do expert planning
        self.quality = 1.0
        self.professional = True

    @property
    def quarter(self) -> Quarter:
        """The quarter this worker works in: the Mesa model, seen through what workers use."""
        return self.model

    def set_role_mix(self, mix: dict[str, float]) -> None:
        """Change how this worker splits its hours (shares are normalised)."""
        checked = check_role_mix(mix)
        assert checked is not None
        self.role_mix = checked

    def set_area(self, activity: str, area: Any) -> None:
        """Send this worker's ``activity`` to a part of the quarter (an :class:`Area` or
        ``x0, y0, x1, y1``); ``None`` sends it across the whole quarter again. Only activities
        declared ``placed`` go somewhere; anything else raises ``ValueError``."""
        if activity not in ACTIVITIES:
            raise ValueError(
                f"unknown activity {activity!r}: expected one of {', '.join(ACTIVITIES)}"
            )
        if not ACTIVITIES[activity].placed:
            placed = ", ".join(a for a, spec in ACTIVITIES.items() if spec.placed)
            raise ValueError(
                f"{activity!r} does not go to one part of the quarter: only {placed} can be "
                "sent to an area"
            )
        p = self.quarter.p
        checked = check_area(area, p["width"], p["height"], name=f"area for {activity}")
        if checked is None:
            self.areas.pop(activity, None)
        else:
            self.areas[activity] = checked

    @property
    def main_role(self) -> str | None:
        """The activity this worker spends most time on, if any."""
        share, role = max((s, a) for a, s in self.role_mix.items())
        return role if share > 0 else None

    def move_to(self, x: int, y: int) -> None:
        """Go to cell (x, y) (where the worker is drawn on the map)."""
        self.cell = self.quarter.grid[(int(x), int(y))]

    def step(self) -> None:
        """One working week: each activity gets its share of the hours (plus what was banked).
        In a phased exit the handover takes its growing share and the role mix the rest."""
        hours = self.quarter.hours_per_week
        self.budget_total += hours
        handing_over = self.quarter.handover_share
        for name, activity in ACTIVITIES.items():
            if not activity.in_mix:  # the handover: its share comes from the phase-out
                share = handing_over
            else:
                share = self.role_mix.get(name, 0.0) * (1.0 - handing_over)
            available = share * hours + self.banked.get(name, 0.0) if share > 0 else 0.0
            budget = Budget(available, area=self.areas.get(name))
            if available > 0:
                activity.act(self.quarter, self, budget)
            self.spent_week[name] = budget.spent
            # Unspent hours carry over, but only up to one task: idle time is not hoarded.
            leftover = available - budget.spent
            self.banked[name] = min(leftover, activity.task_limit(self.quarter.p))
        self.spent_total += sum(self.spent_week.values())
        self.quarter.knowledge.record_hours(self.spent_week)
