"""The housing company (Wohnungsunternehmen): an actor of the arena.

Herriger: the intermediary professional needs "Verhandlungsgeschick in der Zusammenarbeit mit
Wohnungsbauträgern, Architekten, Stadtplanern, privaten Investoren"; the door opener opens
access to "lokaler Verwaltung, Politik und Wirtschaft", the dialogue manager moderates between
lifeworld, administration, institutions "und Markt" — and the resource perspective does not lose
sight of "die ›harte Wirklichkeit‹" of deprived quarters. One company owns the quarter's rented
dwellings (a simplification). Rent increases and repairs come from it, one quarter-wide rent
problem at a time; tenants' claims about rent and building disrepair go to it, and it decides
them as the administration does (an :class:`~quartiersim.institutions.Institution` with two
channels that learns), from its own, lower baseline (``landlord_responsiveness``).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from quartiersim.institutions import Institution
from quartiersim.problems import KIND_INDEX, LATENT, SOLVED, VISIBLE, Problems
from quartiersim.residents import Residents

WEEKS_PER_YEAR = 52
RENT = KIND_INDEX["rent_pressure"]
DISREPAIR = KIND_INDEX["building_disrepair"]


class Quarter(Protocol):
    """What the housing company uses of the quarter."""

    residents: Residents
    problems: Problems
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int

    def add_problem(
        self,
        kind: int,
        severity: float | None = None,
        status: int = LATENT,
        at: tuple[int, int] | None = None,
    ) -> int: ...

    def replace_residents(self, who: np.ndarray) -> None: ...

    def solve_for_residents(self, p: int) -> None: ...

    def random_location(self) -> tuple[int, int]: ...

    def log(self, key: str, **data: Any) -> None: ...


class Landlord(Institution):
    """The housing company: it raises rents and repairs buildings on its own schedule, and it
    decides tenants' claims."""

    def __init__(self, model: Quarter) -> None:
        super().__init__("housing company", model.p["landlord_responsiveness"], model.p)
        self.model = model

    def rent_problem(self) -> int | None:
        """The open rent problem, if there is one (there is at most one)."""
        pr = self.model.problems
        open_rent = np.flatnonzero((pr.kind == RENT) & (pr.status != SOLVED))
        return int(open_rent[0]) if len(open_rent) else None

    def weekly(self) -> None:
        """The company's week: now and then a rent increase (``rent_increase_rate`` a year);
        each visible disrepair problem repaired for the tenants with chance
        ``landlord_repair_rate`` / 52."""
        m = self.model
        if m.rng.random() < m.p["rent_increase_rate"] / WEEKS_PER_YEAR:
            self.announce_rent_increase()
        pr = m.problems
        disrepair = np.flatnonzero(pr.visible & (pr.kind == DISREPAIR))
        if len(disrepair) == 0:
            return
        chance = m.p["landlord_repair_rate"] / WEEKS_PER_YEAR
        for p in disrepair[m.rng.random(len(disrepair)) < chance].tolist():
            m.solve_for_residents(p)
            m.log("landlord_repair", problem=p)

    def announce_rent_increase(self) -> None:
        """A rent increase: the quarter's rent problem becomes (or stays) visible with severity
        at least 0.8 — never a second one — and ``rent_displacement`` of the households, the
        least resourced first in line, move away and are replaced by newcomers."""
        m = self.model
        pr = m.problems
        severity = m.p["rent_severity"]
        p = self.rent_problem()
        if p is None:
            p = m.add_problem(RENT, severity=severity, status=VISIBLE, at=m.random_location())
        else:
            pr.severity[p] = max(pr.severity[p], severity)
            pr.status[p] = VISIBLE
        r = m.residents
        k = round(m.p["rent_displacement"] * r.n)
        if k > 0:
            vulnerability = 1.0 - r.activated.mean(axis=1) + 0.01
            leaving = m.rng.choice(
                r.n, size=k, replace=False, p=vulnerability / vulnerability.sum()
            )
            m.replace_residents(leaving)
        m.log("rent_increase_announced", problem=p, displaced=k)
