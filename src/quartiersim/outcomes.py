"""Outcomes and the one rule for agency (Bewältigung und Misserfolg).

Everything that happens in the quarter and can succeed or fail — a group's small action, a
claim decided, a problem repaired, a request answered, help between neighbours, a talent tried
out — is an :class:`Outcome`: who contributed effort, who took part, who was only affected,
whether it worked, how much it weighs, in which competence domain, and who brought it about.
Every mechanism records its outcomes this way and hands them to :func:`apply_outcome`, the one
place where an outcome changes residents. No mechanism passes an agency value or a strength of
its own: what an outcome does to a resident follows from what that resident did (Bandura 1977:
one's own performance is the strongest source of efficacy; watching others is a weaker one).

- Residents who **contributed effort** learn with full weight, those who **took part** (were
  there, asked, were members) with ``taking_part_weight``: a success lowers their helplessness
  and activates part of the buried resource of the task's domain (mastery), a failure raises
  their helplessness.
- Residents who were **only affected** (they live with the problem, they saw it happen) gain no
  mastery and suffer no failure from it; their burden changes through the problem itself.
- A **decisive** outcome (a claim decided, a problem solved) weighs 1, a **small** one (an
  action, a trial, help, a founding, a request answered) ``small_win_size``.
- Everyone the outcome touches also updates an **expectation** (Bush–Mosteller, as in Macy &
  Flache 2002), whoever brought the outcome about: outcomes residents brought about teach
  "our own action works" (``expect_own``), outcomes of institutions "institutions will act"
  (``expect_inst``), a claim decided by an institution both. Those involved learn fully, those
  only affected with ``observation_weight`` (vicarious learning).

Formulas and sources: ``docs/predictions.md`` (section 1) and ``docs/odd.md`` (II.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quartiersim.residents import Residents

RESIDENTS = "residents"
"""Source of an outcome residents brought about themselves (a group's action, help given)."""
INSTITUTION = "institution"
"""Source of an outcome an institution brought about for residents (a repair, a case handled)."""
BOTH = "both"
"""Source of an outcome residents asked for and an institution decided (a claim)."""
SOURCES = (RESIDENTS, INSTITUTION, BOTH)

AFFECTED, TOOK_PART, EFFORT = 0, 1, 2
"""Involvement of a resident in an outcome, from least to most."""

NOBODY = np.zeros(0, dtype=np.int64)
"""No residents: an empty list of ids."""


def _ids(who: Any) -> np.ndarray:
    return np.asarray(who, dtype=np.int64).ravel()


@dataclass(frozen=True)
class Outcome:
    """Something that happened and worked or did not: the record a mechanism builds.

    ``effort``, ``took_part`` and ``affected`` are resident ids; a resident named in several
    lists counts with their strongest involvement. ``domain`` is the competence domain the task
    used (None: none). ``source`` says who brought it about (:data:`RESIDENTS`,
    :data:`INSTITUTION` or :data:`BOTH`).
    """

    success: bool
    decisive: bool
    source: str
    domain: int | None = None
    effort: np.ndarray = field(default_factory=lambda: NOBODY)
    took_part: np.ndarray = field(default_factory=lambda: NOBODY)
    affected: np.ndarray = field(default_factory=lambda: NOBODY)

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"outcome source {self.source!r}: expected one of {SOURCES}")
        for name in ("effort", "took_part", "affected"):
            object.__setattr__(self, name, _ids(getattr(self, name)))

    def involvement(self) -> tuple[np.ndarray, np.ndarray]:
        """Every resident the outcome touches, once, with their strongest involvement
        (:data:`EFFORT`, :data:`TOOK_PART` or :data:`AFFECTED`)."""
        lists = ((self.effort, EFFORT), (self.took_part, TOOK_PART), (self.affected, AFFECTED))
        named = [(ids, level) for ids, level in lists if len(ids)]
        if len(named) == 1:  # one list: already once each and in order, unless it repeats
            ids, one_level = named[0]
            if (ids[1:] > ids[:-1]).all():
                return ids, np.full(len(ids), one_level)
        who = np.concatenate([self.effort, self.took_part, self.affected])
        level = np.concatenate(
            [
                np.full(len(self.effort), EFFORT),
                np.full(len(self.took_part), TOOK_PART),
                np.full(len(self.affected), AFFECTED),
            ]
        )
        if len(who) == 0:
            return who, level
        order = np.lexsort((-level, who))  # by resident, the strongest involvement first
        who, level = who[order], level[order]
        first = np.ones(len(who), dtype=bool)
        first[1:] = who[1:] != who[:-1]
        return who[first], level[first]


def apply_outcome(residents: Residents, outcome: Outcome, params: Mapping[str, Any]) -> None:
    """The one rule: change the residents ``outcome`` touches, by what each of them did.

    For those who contributed effort (weight 1) or took part (weight ``taking_part_weight``),
    with size *z* (1 decisive, ``small_win_size`` small): a success lowers helplessness by
    ``mastery_effect`` · *z* · weight · *h* and activates ``activation_gain`` · *z* · weight of
    the buried gap in the domain; a failure raises helplessness by ``failure_effect`` · *z* ·
    weight · (1 − *h*). Residents only affected are left alone.

    Then the expectations: with stimulus *x* = ±*z* · λ (λ = 1 for the involved,
    ``observation_weight`` for the affected) and learning rate *l* =
    ``expectation_learning_rate``, an expectation *E* of the outcome's source moves to
    *E* + *l* · *x* · (1 − *E*) after a success and *E* + *l* · *x* · *E* after a failure.
    """
    who, level = outcome.involvement()
    if len(who) == 0:
        return
    size = 1.0 if outcome.decisive else params["small_win_size"]
    learn_expectations(residents, outcome, who, level, size, params)
    weight = np.array([0.0, params["taking_part_weight"], 1.0])[level]
    acting = weight > 0
    i, w = who[acting], size * weight[acting]
    if len(i) == 0:
        return
    r = residents
    h = r.helplessness[i]
    if outcome.success:
        h = h - params["mastery_effect"] * w * h
        if outcome.domain is not None:
            d = outcome.domain
            gap = r.resources[i, d] - r.activated[i, d]
            r.activated[i, d] += params["activation_gain"] * w * gap
            r.used[i, d] = True
    else:
        h = h + params["failure_effect"] * w * (1.0 - h)
    r.helplessness[i] = np.clip(h, 0.0, 1.0)


def learn_expectations(
    residents: Residents,
    outcome: Outcome,
    who: np.ndarray,
    level: np.ndarray,
    size: float,
    params: Mapping[str, Any],
) -> None:
    """The Bush–Mosteller update of the expectations the outcome's source teaches, for
    residents ``who`` with involvement ``level`` (see :func:`apply_outcome`)."""
    rate = params["expectation_learning_rate"]
    if rate == 0 or size == 0:
        return
    lam = np.array([params["observation_weight"], 1.0, 1.0])[level]
    step = rate * size * lam  # the stimulus times the learning rate, in [0, 1]
    arrays = {
        RESIDENTS: (residents.expect_own,),
        INSTITUTION: (residents.expect_inst,),
        BOTH: (residents.expect_own, residents.expect_inst),
    }[outcome.source]
    for e in arrays:
        old = e[who]
        e[who] = old + step * (1.0 - old) if outcome.success else old - step * old


def apply_trials(
    residents: Residents,
    who: np.ndarray,
    domains: np.ndarray,
    worked: np.ndarray,
    source: str,
    params: Mapping[str, Any],
) -> None:
    """The one rule (:func:`apply_outcome`) for small tasks residents ``who`` (distinct) each did
    with their own effort, ``who[k]`` in domain ``domains[k]``, which worked where ``worked[k]``:
    one small outcome per resident, all at once — the same numbers as one outcome per domain
    and result applied in turn (no resident is touched twice)."""
    if len(who) == 0:
        return
    r, size = residents, params["small_win_size"]
    rate = params["expectation_learning_rate"]
    if rate != 0 and size != 0:  # everyone contributed effort: lambda = 1
        step = rate * size * np.ones(len(who))
        arrays = {
            RESIDENTS: (r.expect_own,),
            INSTITUTION: (r.expect_inst,),
            BOTH: (r.expect_own, r.expect_inst),
        }[source]
        for e in arrays:
            old = e[who]
            e[who] = np.where(worked, old + step * (1.0 - old), old - step * old)
    w = size * np.ones(len(who))  # effort: weight 1
    h = r.helplessness[who]
    h = np.where(
        worked, h - params["mastery_effect"] * w * h, h + params["failure_effect"] * w * (1.0 - h)
    )
    i, d, wi = who[worked], domains[worked], w[worked]
    gap = r.resources[i, d] - r.activated[i, d]
    r.activated[i, d] += params["activation_gain"] * wi * gap
    r.used[i, d] = True
    r.helplessness[who] = np.clip(h, 0.0, 1.0)
