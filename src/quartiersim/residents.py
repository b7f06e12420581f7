"""Residents (Bewohnerinnen und Bewohner): their state and the rules that change it.

The hot state of all residents lives in NumPy arrays in :class:`Residents`, owned by the model;
a :class:`Resident` Mesa agent per household is the interface for space, portrayal and
inspection and reads those arrays. Every rule here acts on all residents (or an index array of
them) at once.

The two levers on learned helplessness (*erlernte Hilflosigkeit*) are :meth:`Residents.experience`
with its two faces, *mastery* (success through one's own action) and *failure*; the third face,
an outcome that did not depend on one's own action (being handled as a case), raises
helplessness too — Seligman's point that non-contingency, not only bad luck, teaches
helplessness.
"""

from __future__ import annotations

from typing import Any, Protocol

import mesa
import numpy as np
import numpy.typing as npt
from mesa.discrete_space import CellAgent

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
AGE_SHARES = np.array([0.2, 0.55, 0.25])
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


RETURN_MARGIN = 0.1
"""Withdrawal has hysteresis: a withdrawn resident returns only when helplessness falls this far
below the withdrawal threshold (resignation is easier to enter than to leave)."""


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
        self.age = rng.choice(len(AGE_GROUPS), size=n, p=AGE_SHARES)
        #: true level of each competence domain (what could be), and the activated part of it
        self.resources = rng.beta(2.0, 2.0, size=(n, len(DOMAINS)))
        activation = np.clip(rng.normal(params["initial_activation"], 0.1, size=(n, 1)), 0, 1)
        self.activated = self.resources * activation
        #: what everyday life keeps in use without any project: activation does not fade below
        self.everyday = self.activated.copy()
        mean_h = params["initial_helplessness"]
        self.helplessness = _beta_with_mean(rng, mean_h, 6.0, n)
        self.withdrawn = self.helplessness > params["withdrawal_threshold"]
        #: belonging to the quarter (Zugehörigkeit) and trust in institutions, both in [0, 1]
        self.belonging = _beta_with_mean(rng, 0.35, 8.0, n)
        self.trust = _beta_with_mean(rng, 0.3, 8.0, n)
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
        #: relief from being handled as a case: strain taken off for a while (decays)
        self.case_relief = np.zeros(n)
        #: known to the community workers through an outreach visit (their diagnosis)
        self.known = np.zeros(n, dtype=bool)
        #: lowered joining threshold after an invitation (outreach, encounter), this week only
        self.invited = np.zeros(n, dtype=bool)

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
    def experience(
        self,
        who: npt.ArrayLike,
        success: bool,
        agency: float,
        strength: float = 1.0,
        domain: int | None = None,
    ) -> None:
        """An outcome experienced by residents ``who``.

        ``agency`` in [0, 1] is how far the outcome came from their own action. A success with
        agency is *mastery*: helplessness falls and the resources used in ``domain`` are
        activated. The non-contingent part of any outcome (``1 - agency``) raises helplessness a
        little — relief delivered for someone teaches that one's own action does not matter. A
        failure raises helplessness.
        """
        who = np.unique(np.asarray(who, dtype=np.int64))
        if len(who) == 0:
            return
        p = self.params
        h = self.helplessness[who]
        if success:
            h = h - p["mastery_effect"] * strength * agency * h
            if domain is not None and agency > 0:
                gap = self.resources[who, domain] - self.activated[who, domain]
                self.activated[who, domain] += p["activation_gain"] * strength * agency * gap
        else:
            h = h + p["failure_effect"] * strength * (1.0 - h)
        h = h + p["noncontingency_effect"] * strength * (1.0 - agency) * (1.0 - h)
        self.helplessness[who] = np.clip(h, 0.0, 1.0)

    def set_group(self, who: np.ndarray, group: int) -> None:
        """Residents ``who`` become active in ``group`` (-1: in none)."""
        self.group[who] = group

    def uncover(self, who: np.ndarray, domain: int, share: float) -> None:
        """Activate ``share`` of the buried part of resource ``domain`` (a diagnosis made it
        visible to them)."""
        gap = self.resources[who, domain] - self.activated[who, domain]
        self.activated[who, domain] += share * gap

    def mastery(self, who: npt.ArrayLike, strength: float = 1.0, domain: int | None = None) -> None:
        """Success through one's own action (Bewältigungserfahrung)."""
        self.experience(who, success=True, agency=1.0, strength=strength, domain=domain)

    def failure(self, who: npt.ArrayLike, strength: float = 1.0) -> None:
        """Uncontrollable failure (Kontrollverlust): a refusal, a collapse."""
        self.experience(who, success=False, agency=0.0, strength=strength)

    def handled_as_case(self, who: npt.ArrayLike, strength: float = 1.0) -> None:
        """Relief delivered *for* residents without their own action (amtliche Fürsorglichkeit)."""
        self.experience(who, success=True, agency=0.0, strength=strength)

    def adjust_trust(self, who: npt.ArrayLike, delta: float) -> None:
        """Change the trust in institutions of residents ``who`` by ``delta`` (kept in [0, 1])."""
        who = np.unique(np.asarray(who, dtype=np.int64))
        self.trust[who] = np.clip(self.trust[who] + delta, 0.0, 1.0)

    # -- the weekly rules ---------------------------------------------------------------------
    def update_support(self, ties: TieSums) -> None:
        """Support flowing along ties: tie weight times the other's capacity to help."""
        capacity = (1.0 - self.helplessness) * (0.5 + 0.5 * self.activated[:, CARING])
        raw = ties.neighbour_sum(capacity)
        self.support = raw / (raw + 1.0)  # saturating: the first supporters matter most

    def weekly_helplessness(self, strain: np.ndarray) -> None:
        """Everyday drift: open problems around one feed helplessness, support relieves it."""
        p = self.params
        self.case_relief *= 0.9
        self.strain = np.clip(strain - self.case_relief, 0.0, None)
        burden = self.strain / (self.strain + 1.0)
        h = self.helplessness
        h += p["problem_stress"] * burden * (1.0 - self.support) * (1.0 - h)
        h -= p["support_relief"] * self.support * h
        np.clip(h, 0.0, 1.0, out=h)

    def weekly_resources(self, used: np.ndarray) -> None:
        """Activated resources that go unused fade back to the everyday level (use it or lose
        it): what was uncovered is buried again if nobody uses it."""
        fade = self.params["resource_disuse"] * (self.activated - self.everyday)
        self.activated -= np.where(used, 0.0, np.maximum(fade, 0.0))

    def update_withdrawal(self) -> np.ndarray:
        """Retreat into resigned privacy above the threshold; return below it (hysteresis).
        Who retreats also leaves their action group.

        Returns the residents who returned this week.
        """
        threshold = self.params["withdrawal_threshold"]
        entering = ~self.withdrawn & (self.helplessness > threshold)
        leaving = self.withdrawn & (self.helplessness < threshold - RETURN_MARGIN)
        self.withdrawn = (self.withdrawn | entering) & ~leaving
        self.set_group(entering, -1)
        return np.flatnonzero(leaving)

    def update_belonging(self, strength: np.ndarray) -> None:
        """Belonging follows one's ties and group membership, slowly."""
        target = 0.15 + 0.45 * strength / (strength + 1.0) + 0.3 * (self.group >= 0)
        target = np.where(self.withdrawn, 0.1, target)
        self.belonging += 0.02 * (target - self.belonging)

    def drift_trust(self, baseline: float) -> None:
        """Trust in institutions slowly returns to what the administration's conduct justifies."""
        self.trust += 0.005 * (baseline - self.trust)

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
            "trust",
            "threshold_trait",
            "group",
            "strain",
            "support",
            "case_relief",
            "known",
            "invited",
        ):
            getattr(self, name)[who] = getattr(fresh, name)


def _beta_with_mean(
    rng: np.random.Generator, mean: float, concentration: float, n: int
) -> np.ndarray:
    """Beta-distributed values in [0, 1] with the given mean (degenerate at 0 or 1)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, float(mean))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=n)


class Resident(CellAgent):
    """One household on its home cell; its state is a row of :class:`Residents`."""

    def __init__(self, model: mesa.Model, index: int, cell: Any) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def state(self) -> Residents:
        """The arrays of all residents; this resident is row :attr:`index`."""
        return self.model.residents

    @property
    def helplessness(self) -> float:
        """Learned helplessness (erlernte Hilflosigkeit), 0..1."""
        return float(self.state.helplessness[self.index])

    @property
    def withdrawn(self) -> bool:
        """Whether this resident has withdrawn into resigned privacy (resignative Privatheit)."""
        return bool(self.state.withdrawn[self.index])

    @property
    def origin(self) -> int:
        """Origin group (0 = long-established)."""
        return int(self.state.origin[self.index])

    @property
    def age_group(self) -> str:
        """``youth``, ``adult`` or ``elderly``."""
        return AGE_GROUPS[self.state.age[self.index]]

    @property
    def group(self) -> int:
        """Id of the action group this resident is active in, -1 for none."""
        return int(self.state.group[self.index])

    @property
    def activated_share(self) -> float:
        """Share of this resident's resources that is activated."""
        s, i = self.state, self.index
        return float(s.activated[i].sum() / s.resources[i].sum())

    @property
    def self_efficacy(self) -> float:
        """Self-efficacy (Selbstwirksamkeit), 0..1."""
        return float(self.state.self_efficacy[self.index])

    def profile(self) -> dict[str, Any]:
        """Everything about this resident, for the inspector; ``bridging`` lists the residents
        this one has a bridging tie to."""
        s, i = self.state, self.index
        ties = self.model.ties.adjacency()[i]
        others = ties.indices
        return {
            "id": i,
            "origin": int(s.origin[i]),
            "age_group": AGE_GROUPS[s.age[i]],
            "helplessness": float(s.helplessness[i]),
            "self_efficacy": float(s.self_efficacy[i]),
            "withdrawn": bool(s.withdrawn[i]),
            "belonging": float(s.belonging[i]),
            "trust": float(s.trust[i]),
            "group": int(s.group[i]),
            "resources": dict(zip(DOMAINS, s.resources[i].round(3).tolist(), strict=True)),
            "activated": dict(zip(DOMAINS, s.activated[i].round(3).tolist(), strict=True)),
            "ties": dict(zip(others.tolist(), ties.data.round(3).tolist(), strict=True)),
            "bridging": others[s.across(np.full(len(others), i), others)].tolist(),
        }
