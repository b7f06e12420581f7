"""Residents (Bewohnerinnen und Bewohner): their state and the rules that change it.

The hot state of all residents lives in NumPy arrays in :class:`Residents`, owned by the model;
a :class:`~quartiersim.agents.Resident` Mesa agent per household is the interface for space,
portrayal and inspection and reads those arrays. Every rule here acts on all residents (or an
index array of them) at once.

What residents do and what happens to them changes them through two channels only: the weekly
drift of everyday life here (strain from open problems, support along ties, use it or lose it),
and outcomes — every success or failure of something residents did, recorded by the mechanism
that produced it and applied by the one rule of :func:`quartiersim.outcomes.apply_outcome`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from quartiersim.knowledge import NEVER
from quartiersim.registry import Text


class TieSums(Protocol):
    """What support needs from the ties: a sum along each resident's ties."""

    def neighbour_sum(self, values: np.ndarray) -> np.ndarray: ...


DOMAINS: tuple[str, ...] = ("organising", "speaking", "practical", "bureaucracy", "caring")
"""Competence domains of hidden resources: organising, speaking up (sich artikulieren),
practical skills, language/bureaucracy (Behördenkompetenz), caring for others."""
ORGANISING, SPEAKING, PRACTICAL, BUREAUCRACY, CARING = range(len(DOMAINS))
DOMAIN_LABELS: dict[str, Text] = {
    "organising": Text("organising", "Organisieren"),
    "speaking": Text("speaking up", "sich äußern"),
    "practical": Text("practical skills", "praktisches Können"),
    "bureaucracy": Text("language / bureaucracy", "Sprache / Behörden"),
    "caring": Text("caring", "Fürsorge"),
}
"""Each competence domain's name for people, in English and German."""

AGE_GROUPS: tuple[str, ...] = ("youth", "adult", "elderly")
YOUTH, ADULT, ELDERLY = range(len(AGE_GROUPS))
AGE_LABELS: dict[str, Text] = {
    "youth": Text("youth", "Jugendliche"),
    "adult": Text("adult", "Erwachsene"),
    "elderly": Text("elderly", "Ältere"),
}
"""Each age group's name for people, in English and German."""

ORIGIN_LABEL = Text("origin {k}", "Herkunft {k}")
"""An origin group's name for people (``k`` is its number; 0 = long-established)."""


def origin_age(origin: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Each resident's origin-and-age group as one number. Residents in different ones are
    *across* groups: a tie between them bridges (brückenbildend), within one it bonds
    (bindend). The one place that says what "across origin or age" means."""
    return np.asarray(origin) * len(AGE_GROUPS) + np.asarray(age)


NOT_WAITING = -1
"""``Residents.waiting_on`` of a resident who waits on nothing."""
PERSONAL = -2
"""``Residents.waiting_on`` of a resident who waits on the office about a burden of their own
(no visible problem)."""


def over_domains(values: np.ndarray) -> np.ndarray:
    """Each resident's sum over the competence domains (the rows of ``values``).

    Added column by column, in the order ``sum(axis=1)`` adds a short row, so the numbers are
    the same; NumPy's row-wise sum of five columns is several times slower.
    """
    total = values[:, 0].copy()
    for domain in range(1, values.shape[1]):
        total += values[:, domain]
    return total


def origin_shares(n_origins: int) -> np.ndarray:
    """Population shares of origin groups: half long-established, the rest split evenly."""
    if n_origins == 1:
        return np.ones(1)
    rest = np.full(n_origins - 1, 0.5 / (n_origins - 1))
    return np.concatenate([[0.5], rest])


class Residents:
    """All residents' state as arrays (index = resident id)."""

    def __init__(self, n: int, n_origins: int, rng: np.random.Generator, params: dict) -> None:
        self.n = n
        self.params = params
        self.origin = rng.choice(n_origins, size=n, p=origin_shares(n_origins))
        youth, elderly = params["youth_share"], params["elderly_share"]
        age_shares = np.array([youth, 1.0 - youth - elderly, elderly])
        self.age = rng.choice(len(AGE_GROUPS), size=n, p=age_shares)
        #: true level of each competence domain (what could be), and the activated part of it
        self.resources = rng.beta(2.0, 2.0, size=(n, len(DOMAINS)))
        activation = np.clip(rng.normal(params["initial_activation"], 0.1, size=(n, 1)), 0, 1)
        self.activated = self.resources * activation
        #: what everyday life keeps in use without any project: activation does not fade below
        self.everyday = self.activated.copy()
        mean_h = params["initial_helplessness"]
        self.helplessness = _beta_with_mean(rng, mean_h, 6.0, n)
        self.withdrawn = self.helplessness > params["withdrawal_threshold"]
        #: belonging to the quarter (Zugehörigkeit), in [0, 1]
        self.belonging = _beta_with_mean(rng, params["initial_belonging"], 8.0, n)
        #: two expectations learned from outcomes, in [0, 1]: "our own action works" and
        #: "institutions will act" (the second is the residents' trust in institutions)
        self.expect_own = _beta_with_mean(rng, params["initial_own_expectation"], 8.0, n)
        self.expect_inst = _beta_with_mean(rng, params["initial_institutional_expectation"], 8.0, n)
        #: personal joining threshold before helplessness and self-efficacy (Granovetter):
        #: log-normal around the base threshold, so a few join early and some almost never
        self.threshold_trait = params["base_threshold"] * np.exp(
            rng.normal(0.0, params["threshold_heterogeneity"], size=n)
        )
        #: action group a resident is active in, -1 for none
        self.group = np.full(n, -1)
        #: burden of open problems around a resident, and social support along ties (this week)
        self.strain = np.zeros(n)
        self.support = np.zeros(n)
        #: strain taken off for a while by help — a case handled, a neighbour's help (decays)
        self.relief = np.zeros(n)
        #: the problem a resident waits on the office about (PERSONAL: a burden of their own;
        #: NOT_WAITING), and the week they asked
        self.waiting_on = np.full(n, NOT_WAITING)
        self.waiting_since = np.zeros(n, dtype=np.int64)
        #: the visible problem a resident turned to the neighbours about this week (may start a
        #: group on it); NOT_WAITING for none
        self.engaged_on = np.full(n, NOT_WAITING)
        #: lowered joining threshold after an invitation (outreach, encounter), this week only
        self.invited = np.zeros(n, dtype=bool)
        #: competence domains each resident used this week (used resources do not fade)
        self.used = np.zeros((n, len(DOMAINS)), dtype=bool)
        #: the last week a resident was a member of an action group (NEVER: not since moving
        #: in), and whether they joined one this week — so a founder whose group dissolved in
        #: the week it was founded still took part (see :meth:`note_taking_part`)
        self.took_part_week = np.full(n, NEVER, dtype=np.int64)
        self.joined_this_week = np.zeros(n, dtype=bool)

    # -- derived ------------------------------------------------------------------------------
    @property
    def self_efficacy(self) -> np.ndarray:
        """Perceived control (Selbstwirksamkeit): low helplessness, and much of one's own
        resources in use."""
        share = over_domains(self.activated) / np.maximum(over_domains(self.resources), 1e-9)
        return (1.0 - self.helplessness) * (0.5 + 0.5 * share)

    @property
    def origin_age(self) -> np.ndarray:
        """Each resident's origin-and-age group as one number (see :func:`origin_age`)."""
        return origin_age(self.origin, self.age)

    def across(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether residents ``a[k]`` and ``b[k]`` differ in origin or age group."""
        group = self.origin_age
        return group[a] != group[b]

    @property
    def buried(self) -> np.ndarray:
        """The part of each resource that is there but unused (verschüttete Ressourcen)."""
        return self.resources - self.activated

    # -- the levers ---------------------------------------------------------------------------
    def observe(
        self, who: np.ndarray, rng: np.random.Generator, noise: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What a contact shows of residents ``who`` (an observation of the world, not a
        worker's reading of the arrays): a reading of each one's buried and activated resource
        per domain, each with normal error of standard deviation ``noise`` and clipped to
        [0, 1], and whether they have withdrawn (that is seen at once)."""
        shape = (len(who), len(DOMAINS))
        buried = self.resources[who] - self.activated[who] + rng.normal(0.0, noise, shape)
        activated = self.activated[who] + rng.normal(0.0, noise, shape)
        return np.clip(buried, 0.0, 1.0), np.clip(activated, 0.0, 1.0), self.withdrawn[who]

    def set_group(self, who: np.ndarray, group: int | np.ndarray) -> None:
        """Residents ``who`` become active in ``group`` (-1: in none; one group for all or one
        per resident)."""
        self.group[who] = group
        self.joined_this_week[who] |= np.asarray(group) >= 0

    def note_taking_part(self, week: int) -> None:
        """The week ends: who was a member of an action group at any time in it (still one,
        or joined and left again) took part in ``week``."""
        took_part = self.joined_this_week | (self.group >= 0)
        self.took_part_week[took_part] = week
        self.joined_this_week[:] = False

    def took_part_within(self, weeks: int, now: int) -> np.ndarray:
        """Per resident: whether they were a member of an action group in one of the last
        ``weeks`` weeks up to week ``now`` (``now`` included)."""
        return self.took_part_week > now - weeks

    # -- the weekly rules ---------------------------------------------------------------------
    def update_support(self, ties: TieSums) -> None:
        """Support flowing along ties: tie weight times the other's capacity to help."""
        capacity = (1.0 - self.helplessness) * (0.5 + 0.5 * self.activated[:, CARING])
        raw = ties.neighbour_sum(capacity)
        self.support = raw / (raw + 1.0)  # saturating: the first supporters matter most

    def weekly_helplessness(self, strain: np.ndarray) -> None:
        """Everyday drift: open problems around one feed helplessness, support relieves it."""
        p = self.params
        self.relief *= 0.9
        self.strain = np.clip(strain - self.relief, 0.0, None)
        burden = self.strain / (self.strain + 1.0)
        h = self.helplessness
        h += p["problem_stress"] * burden * (1.0 - self.support) * (1.0 - h)
        h -= p["support_relief"] * self.support * h
        np.clip(h, 0.0, 1.0, out=h)

    def weekly_resources(self) -> None:
        """Activated resources that go unused fade back to the everyday level (use it or lose
        it): what was uncovered is buried again if nobody uses it. Starts a new week of use.

        Computed in one scratch array (the same numbers as ``disuse * (activated - everyday)``
        clipped at 0 and left out where used): the arrays are residents x domains, large in
        a district."""
        fade = np.subtract(self.activated, self.everyday)
        fade *= self.params["resource_disuse"]
        np.maximum(fade, 0.0, out=fade)
        fade[self.used] = 0.0
        self.activated -= fade
        self.used[:] = False

    def update_withdrawal(self) -> np.ndarray:
        """Retreat into resigned privacy above the threshold; return below it (hysteresis).
        Who retreats also leaves their action group.

        Returns the residents who returned this week.
        """
        threshold = self.params["withdrawal_threshold"]
        entering = ~self.withdrawn & (self.helplessness > threshold)
        leaving = self.withdrawn & (self.helplessness < threshold - self.params["return_margin"])
        self.withdrawn = (self.withdrawn | entering) & ~leaving
        self.set_group(entering, -1)
        return np.flatnonzero(leaving)

    def update_belonging(self, strength: np.ndarray) -> None:
        """Belonging follows one's ties and group membership, slowly."""
        p = self.params
        member = p["membership_belonging"] * (self.group >= 0)
        target = 0.15 + 0.45 * strength / (strength + 1.0) + member
        target = np.where(self.withdrawn, 0.1, target)
        self.belonging += p["belonging_rate"] * (target - self.belonging)

    def replace(self, who: np.ndarray, rng: np.random.Generator, n_origins: int) -> None:
        """New households move into the dwellings of ``who``: fresh state, no ties, no group."""
        k = len(who)
        fresh = Residents(k, n_origins, rng, self.params)
        for name in (
            "origin",
            "age",
            "resources",
            "activated",
            "everyday",
            "helplessness",
            "withdrawn",
            "belonging",
            "expect_own",
            "expect_inst",
            "threshold_trait",
            "group",
            "strain",
            "support",
            "relief",
            "waiting_on",
            "waiting_since",
            "engaged_on",
            "invited",
            "used",
            "took_part_week",
            "joined_this_week",
        ):
            getattr(self, name)[who] = getattr(fresh, name)


def _beta_with_mean(
    rng: np.random.Generator, mean: float, concentration: float, n: int
) -> np.ndarray:
    """Beta-distributed values in [0, 1] with the given mean (degenerate at 0 or 1)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, float(mean))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=n)
