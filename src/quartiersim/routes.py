"""Residents with a problem choose between the office and their neighbours (Hilfesuche).

Herriger: in networks residents "treten aus dem Schatten einer amtlichen Fürsorglichkeit hinaus
in eigene Verantwortungsrollen", and networks give "emotionale und alltagspraktische
Unterstützung in der Besorgung von Alltagsanliegen". The shadow of official care is a *role*
residents are kept in: they expect the office to act, and wait for it. Each week a burdened
resident who is not withdrawn and waits on nothing considers acting (``help_seeking_rate``):

- with probability *E*\\ :sup:`inst` (their expectation that institutions act) they turn to the
  **office** and wait on it — about the visible problem they care most about, or about a burden
  of their own. While they wait they do not join a group on that problem (the dependence-support
  script, Baltes & Wahl 1996). A request is answered when an institution acts on it (a case
  handled, the problem solved, the regular services), or fails after ``request_wait_weeks``;
- otherwise, with probability *E*\\ :sup:`own` (their expectation that their own action works),
  they turn to the **neighbours**: about a visible problem they are *engaged* this week (and may
  start a group on it); about a burden of their own they ask a tie for help;
- otherwise they do nothing this week (passivity when both expectations are low).

Every answered or failed request and every act of help is an outcome of the one rule
(:mod:`quartiersim.outcomes`), so the two expectations are learned from what happens. Formulas:
``docs/predictions.md`` section 2 and ``docs/odd.md`` (II.2).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from quartiersim.outcomes import INSTITUTION, RESIDENTS, Outcome
from quartiersim.problems import Problems
from quartiersim.residents import CARING, NOT_WAITING, PERSONAL, Residents
from quartiersim.ties import Ties


class Quarter(Protocol):
    """What the routes to help use of the quarter."""

    residents: Residents
    ties: Ties
    problems: Problems
    rng: np.random.Generator
    p: dict[str, Any]
    steps: int

    def record(self, outcome: Outcome) -> None: ...


def seek_help(m: Quarter) -> int:
    """The week's help-seeking: requests are answered or time out, then burdened residents
    choose a route. Returns the acts of help exchanged between neighbours this week."""
    r = m.residents
    r.engaged_on[:] = NOT_WAITING
    close_requests(m)
    burdened = (r.strain >= m.p["concern_level"]) & ~r.withdrawn & (r.waiting_on == NOT_WAITING)
    acting = np.flatnonzero(burdened & (m.rng.random(r.n) < m.p["help_seeking_rate"]))
    if len(acting) == 0:
        return 0
    draw = m.rng.random((2, len(acting)))
    to_office = draw[0] < r.expect_inst[acting]
    office = acting[to_office]
    neighbours = acting[~to_office & (draw[1] < r.expect_own[acting])]
    r.waiting_on[office] = main_concern(m, office)
    r.waiting_since[office] = m.steps
    cause = main_concern(m, neighbours)
    r.engaged_on[neighbours] = np.where(cause >= 0, cause, NOT_WAITING)
    return ask_for_help(m, neighbours)


def main_concern(m: Quarter, who: np.ndarray) -> np.ndarray:
    """For each resident in ``who``: the visible problem that burdens them most (concern ×
    severity), if they care about it (concern ≥ ``concern_level``); else ``PERSONAL``."""
    pr = m.problems
    out = np.full(len(who), PERSONAL)
    visible = np.flatnonzero(pr.visible)
    if len(visible) == 0 or len(who) == 0:
        return out
    concern = pr.concern[np.ix_(who, visible)]
    best = np.argmax(concern * pr.severity[visible], axis=1)
    cares = concern[np.arange(len(who)), best] >= m.p["concern_level"]
    out[cares] = visible[best[cares]]
    return out


def close_requests(m: Quarter) -> None:
    """Requests about a burden of one's own are answered by the regular services at the
    administration's routine rate; requests older than ``request_wait_weeks`` weeks fail."""
    r = m.residents
    personal = np.flatnonzero(r.waiting_on == PERSONAL)
    served = personal[m.rng.random(len(personal)) < 1.0 / m.p["routine_repair_weeks"]]
    answer(m, served, relieve=True)
    waiting = np.flatnonzero(r.waiting_on != NOT_WAITING)
    expired = waiting[m.steps - r.waiting_since[waiting] > m.p["request_wait_weeks"]]
    if len(expired):
        r.waiting_on[expired] = NOT_WAITING
        m.record(Outcome(success=False, decisive=False, source=INSTITUTION, took_part=expired))


def answer(m: Quarter, who: np.ndarray, relieve: bool, source: str = INSTITUTION) -> None:
    """Requests of residents ``who`` are answered: a small outcome they took part in, of an
    institution's making (or the residents', when a resident organiser answered); with
    ``relieve`` (help given to the person) part of their strain is taken off for a while
    (``help_relief``)."""
    who = np.asarray(who, dtype=np.int64)
    if len(who) == 0:
        return
    r = m.residents
    if relieve:
        r.relief[who] += m.p["help_relief"] * r.strain[who]
    r.waiting_on[who] = NOT_WAITING
    m.record(Outcome(success=True, decisive=False, source=source, took_part=who))


def answer_about(m: Quarter, problem: int) -> None:
    """Problem ``problem`` was solved: every request waiting on it is answered."""
    answer(m, np.flatnonzero(m.residents.waiting_on == problem), relieve=False)


def ask_for_help(m: Quarter, askers: np.ndarray) -> int:
    """Residents ``askers`` ask a tie for help. Each picks tie *j* with probability
    proportional to tie weight × *j*'s capacity to help, (1 − *h*\\ :sub:`j`)(0.5 + 0.5 caring
    :sub:`j`), the capacity that support flows with; withdrawn neighbours do not help. Help
    works with that capacity as its chance: it relieves ``help_relief`` of the asker's strain,
    renews the tie (``tie_gain``) and is a small outcome (the helper's effort in caring, the
    asker took part). No tie to ask, or help that fails, is a small failure for the asker.
    Returns the acts of help that worked."""
    if len(askers) == 0:
        return 0
    r, rng = m.residents, m.rng
    capacity = (1.0 - r.helplessness) * (0.5 + 0.5 * r.activated[:, CARING]) * ~r.withdrawn
    indptr, indices, data = m.ties.rows(askers)
    weight = data * capacity[indices]
    row_of = np.repeat(np.arange(len(askers)), np.diff(indptr))
    totals = np.bincount(row_of, weight, len(askers))
    cumulative = np.cumsum(weight)
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    draw = rng.random((2, len(askers)))
    has = totals > 0
    helper = np.full(len(askers), -1)
    if has.any():
        pick = np.searchsorted(cumulative, before[has] + draw[0, has] * totals[has], "right")
        pick = np.minimum(pick, indptr[1:][has] - 1)  # rounding stays inside the row
        helper[has] = indices[pick]
    worked = has & (draw[1] < capacity[np.maximum(helper, 0)])
    helped, helpers = askers[worked], helper[worked]
    if len(helped):
        r.relief[helped] += m.p["help_relief"] * r.strain[helped]
        m.ties.meet(helped, helpers, m.p["tie_gain"])
        m.record(Outcome(True, False, RESIDENTS, domain=CARING, effort=helpers))
        m.record(Outcome(True, False, RESIDENTS, took_part=helped))
    if (~worked).any():
        m.record(Outcome(False, False, RESIDENTS, took_part=askers[~worked]))
    return len(helped)
