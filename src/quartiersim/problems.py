"""Structural problems of the quarter (strukturelle Problemlagen).

A problem sits at a location, affects the residents within its radius to a degree that depends
on their age group (their *concern*), worsens slowly while open, and is **latent** until someone
makes it visible: residents who can speak up, or the problem sensor. Only visible problems can
become the cause of an action group and a claim. Some kinds oppose each other: what one age group
wants, another resents (a youth space vs. quiet for the elderly). Each kind has an addressee: the
administration, or the housing company (rent pressure and building disrepair); claims about a
problem go to its addressee.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LATENT, VISIBLE, SOLVED = 0, 1, 2
STATUS_NAMES = ("latent", "visible", "solved")


@dataclass(frozen=True)
class ProblemKind:
    """A kind of structural problem (strukturelle Problemlage): who cares how much, how far it
    reaches, which kind it opposes, whether only politics can fix it."""

    name: str
    german: str
    concern_by_age: tuple[float, float, float]  # youth, adult, elderly
    radius: float  # cells; rent pressure reaches the whole quarter
    opposes: str | None = None
    structural: bool = False  # beyond what local planning can fix; only politics can
    addressee: str = "administration"  # who can solve it, and whom claims about it go to
    arises: bool = True  # arises by itself (False: only an actor brings it about)


PROBLEM_KINDS: tuple[ProblemKind, ...] = (
    ProblemKind("poor_lighting", "schlechte Beleuchtung", (0.6, 0.8, 1.0), 7),
    ProblemKind("no_youth_space", "kein Jugendtreff", (1.0, 0.5, 0.1), 12, "noise"),
    ProblemKind("noise", "Lärm", (0.1, 0.6, 1.0), 7, "no_youth_space"),
    ProblemKind(
        "rent_pressure",
        "Mietdruck",
        (0.5, 1.0, 0.9),
        1e9,
        structural=True,
        addressee="landlord",
        arises=False,  # only the housing company raises rents
    ),
    ProblemKind("neglected_green", "verwahrloste Grünfläche", (0.6, 0.8, 0.7), 9, "parking"),
    ProblemKind("parking", "Parkplatznot", (0.1, 1.0, 0.5), 9, "neglected_green"),
    ProblemKind("traffic_danger", "gefährlicher Verkehr", (0.7, 1.0, 0.8), 8),
    ProblemKind("litter", "Müll und Verschmutzung", (0.5, 0.8, 0.9), 6),
    ProblemKind(
        "building_disrepair",
        "Instandhaltungsstau",
        (0.6, 0.9, 1.0),
        3,  # damp, a broken lift, a dark stairwell: one building and its neighbours
        addressee="landlord",
    ),
)
KIND_INDEX = {k.name: i for i, k in enumerate(PROBLEM_KINDS)}
OPPOSING = np.array([KIND_INDEX[k.opposes] if k.opposes else -1 for k in PROBLEM_KINDS], dtype=int)
STRUCTURAL = np.array([k.structural for k in PROBLEM_KINDS])
ADDRESSEES = ("administration", "landlord")
"""Who a problem kind is addressed to: the administration, or the housing company."""
ADMINISTRATION, LANDLORD = range(len(ADDRESSEES))
ADDRESSEE = np.array([ADDRESSEES.index(k.addressee) for k in PROBLEM_KINDS])
"""Each problem kind's addressee (an index into ADDRESSEES)."""
ARISING = np.array([i for i, k in enumerate(PROBLEM_KINDS) if k.arises])
"""The kinds of problem that arise by themselves (rent pressure only comes from the company)."""
# Still a constant because roles.py reads it too; it becomes a parameter with it.


class Problems:
    """All problems of the quarter as arrays (index = problem id; problems are never removed)."""

    def __init__(self, n_residents: int, concern_level: float = 0.3) -> None:
        #: concern from which a resident counts as affected by a problem (the parameter
        #: ``concern_level``; the default here is its declared default)
        self.concern_level = concern_level
        self.kind = np.zeros(0, dtype=int)
        self.x = np.zeros(0, dtype=int)
        self.y = np.zeros(0, dtype=int)
        self.severity = np.zeros(0)
        self.status = np.zeros(0, dtype=int)
        self.attention = np.zeros(0)  # public attention (Öffentlichkeit), decays
        self.solved_with = np.zeros(0, dtype=bool)  # solved *with* residents (else *for* them)
        self.solved_week = np.zeros(0, dtype=np.int64)  # week solved (-1 while open)
        # The history the validation's founding lag reads: the week by whose end a problem was
        # first visible, and the week a residents' group first took it up (-1: not yet).
        self.visible_week = np.zeros(0, dtype=np.int64)
        self.taken_up_week = np.zeros(0, dtype=np.int64)
        self.concern = np.zeros((n_residents, 0))  # resident x problem
        # Who is affected by each problem, once asked: concern changes only when a problem
        # arises (a new column) or newcomers move in (dropped then).
        self._affected: dict[int, np.ndarray] = {}
        # The latent problems' columns of concern, kept while the same problems stay latent.
        self._latent_concern: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def open(self) -> np.ndarray:
        """Problems not solved (latent or visible)."""
        return self.status != SOLVED

    @property
    def visible(self) -> np.ndarray:
        """Problems that are publicly visible and not solved."""
        return self.status == VISIBLE

    def add(
        self,
        kind: int,
        x: int,
        y: int,
        severity: float,
        home_xy: np.ndarray,
        age: np.ndarray,
        status: int = LATENT,
    ) -> int:
        """A new problem at (x, y). Returns its id."""
        spec = PROBLEM_KINDS[kind]
        self.kind = np.append(self.kind, kind)
        self.x = np.append(self.x, x)
        self.y = np.append(self.y, y)
        self.severity = np.append(self.severity, severity)
        self.status = np.append(self.status, status)
        self.attention = np.append(self.attention, 0.0)
        self.solved_with = np.append(self.solved_with, False)
        self.solved_week = np.append(self.solved_week, -1)
        self.visible_week = np.append(self.visible_week, -1)
        self.taken_up_week = np.append(self.taken_up_week, -1)
        column = concern_for(spec, x, y, home_xy, age)
        self.concern = np.column_stack([self.concern, column])
        self._latent_concern = None
        return len(self.kind) - 1

    def recompute_concern(self, who: np.ndarray, home_xy: np.ndarray, age: np.ndarray) -> None:
        """Concern of residents ``who`` (new arrivals) for every problem."""
        self._affected.clear()
        self._latent_concern = None
        for p, kind in enumerate(self.kind):  # a loop over problems, not residents
            spec = PROBLEM_KINDS[kind]
            self.concern[who, p] = concern_for(spec, self.x[p], self.y[p], home_xy[who], age[who])

    def strain(self) -> np.ndarray:
        """Burden of each resident from all open problems (latent ones hurt too)."""
        return self.concern @ np.where(self.open, self.severity, 0.0)

    def aggravate(self, rate: float) -> None:
        """A week passes: open problems worsen by ``rate`` (Verschärfung), public attention
        fades."""
        open_ = self.open
        self.severity[open_] = np.minimum(1.0, self.severity[open_] + rate)
        self.attention *= 0.95

    def notice(self, voice: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
        """Latent problems become visible through residents who voice them.

        ``voice`` is each resident's capacity to speak up (0 for the withdrawn); each latent
        problem becomes visible with chance 1 - exp(-``rate`` x voiced concern). Returns the
        ids of problems that became visible.
        """
        latent = np.flatnonzero(self.status == LATENT)
        if len(latent) == 0:
            return latent
        kept = self._latent_concern
        if kept is None or not np.array_equal(kept[0], latent):
            kept = self._latent_concern = latent, self.concern[:, latent]
        pressure = voice @ kept[1]
        chance = 1.0 - np.exp(-rate * pressure)
        found = latent[rng.random(len(latent)) < chance]
        self.status[found] = VISIBLE
        return found

    def near(self, x: float, y: float, radius: float) -> np.ndarray:
        """Which problems lie within ``radius`` cells of (x, y)."""
        return np.hypot(self.x - x, self.y - y) <= radius

    def reveal_near(
        self, x: float, y: float, radius: float, chance: float, rng: np.random.Generator
    ) -> np.ndarray:
        """Someone looks around (x, y): each latent problem within ``radius`` is found with
        ``chance`` and becomes visible. Returns the ids found."""
        found = np.flatnonzero(
            self.near(x, y, radius) & (self.status == LATENT) & (rng.random(len(self)) < chance)
        )
        self.status[found] = VISIBLE
        return found

    def solve(self, p: int, with_residents: bool = False, week: int = -1) -> None:
        """Problem ``p`` is solved in ``week`` — *with* residents (someone contributed effort to
        the outcome that solved it: a granted claim) or *for* them (routine, experts)."""
        self.status[p] = SOLVED
        self.severity[p] = 0.0
        self.solved_with[p] = with_residents
        self.solved_week[p] = week

    def note_visible(self, week: int) -> None:
        """End of ``week``: problems that are (or were) public and had no week of first
        visibility get this one — however they became visible (voiced, found on a walk,
        announced by the company)."""
        self.visible_week[(self.status != LATENT) & (self.visible_week < 0)] = week

    def taken_up(self, p: int, week: int) -> None:
        """A residents' group took problem ``p`` up in ``week`` (founded on it, or adopted it
        as its new cause); only the first time counts."""
        if self.taken_up_week[p] < 0:
            self.taken_up_week[p] = week

    def affected(self, p: int, level: float | None = None) -> np.ndarray:
        """Residents concerned about problem ``p`` at least to ``level``, ascending (a read-only
        array, kept until concern changes, at the concern level, the default)."""
        if level is None:
            level = self.concern_level
        if level != self.concern_level:
            return np.flatnonzero(self.concern[:, p] >= level)
        who = self._affected.get(p)
        if who is None:
            who = np.flatnonzero(self.concern[:, p] >= level)
            who.flags.writeable = False  # shared by every caller until concern changes
            self._affected[p] = who
        return who


def concern_for(
    spec: ProblemKind, x: float, y: float, home_xy: np.ndarray, age: np.ndarray
) -> np.ndarray:
    """How much residents at ``home_xy`` of age group ``age`` care about a problem at (x, y)."""
    d = np.hypot(home_xy[:, 0] - x, home_xy[:, 1] - y)
    nearness = np.clip(1.0 - d / spec.radius, 0.0, 1.0) if spec.radius < 1e8 else 1.0
    nearness = np.sqrt(nearness)  # concern stays high across most of the radius
    return np.asarray(spec.concern_by_age)[age] * nearness
