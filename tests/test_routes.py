"""Dependency as learning: two expectations, the office or the neighbours, with or for.

Herriger: residents step "aus dem Schatten einer amtlichen Fürsorglichkeit" into roles of their
own; networks give everyday support. Baltes & Wahl (1996): dependent behaviour is learned when it
is reliably answered. Macy & Flache (2002): propensities are learned from outcomes by the
Bush–Mosteller rule. Each resident expects that their own action works (``expect_own``) and that
institutions will act (``expect_inst``); a burdened resident turns to the office, to the
neighbours, or to nobody, by those expectations; waiting on the office pre-empts own action on
that problem; help between neighbours renews ties; experts' solutions are logged apart from
solutions won with residents.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_QUARTER
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiersim import QuartierModel, routes
from quartiersim.outcomes import BOTH, INSTITUTION, RESIDENTS, Outcome, apply_outcome
from quartiersim.problems import KIND_INDEX, SOLVED, VISIBLE
from quartiersim.residents import CARING, NOT_WAITING, PERSONAL

SMALL = SMALL_QUARTER
QUIET = {"n_problems": 0, "problem_arrival_weeks": 10_000.0, "strategy": "none"}


def model(seed: int = 1, **params) -> QuartierModel:
    return QuartierModel(rng=seed, **{**SMALL, **QUIET, **params})


# -- the expectations ---------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    start=st.floats(0, 1),
    success=st.booleans(),
    decisive=st.booleans(),
    rate=st.floats(0, 1),
    small=st.floats(0, 1),
    seen=st.floats(0, 1),
    involved=st.booleans(),
)
def test_bush_mosteller_update_stays_in_the_unit_interval_and_moves_toward_the_outcome(
    start, success, decisive, rate, small, seen, involved
) -> None:
    """A success moves an expectation toward 1, a failure toward 0, by at most the learning
    rate of the remaining way; it never leaves [0, 1]."""
    m = model(expectation_learning_rate=rate, small_win_size=small, observation_weight=seen)
    r = m.residents
    r.expect_own[:] = start
    who = np.arange(10)
    o = Outcome(
        success, decisive, RESIDENTS, **({"effort": who} if involved else {"affected": who})
    )
    apply_outcome(r, o, m.p)
    e = r.expect_own[who]
    assert ((e >= 0) & (e <= 1)).all()
    if success:
        assert (e >= start - 1e-12).all() and (e - start <= rate * (1 - start) + 1e-12).all()
    else:
        assert (e <= start + 1e-12).all() and (start - e <= rate * start + 1e-12).all()


def test_expectations_never_change_at_learning_rate_zero() -> None:
    """With ``expectation_learning_rate`` 0 nothing is learned: after a year of a working
    quarter, every resident's expectations are what they were."""
    m = QuartierModel(rng=2, strategy="empowerment", expectation_learning_rate=0.0, **SMALL)
    own, inst = m.residents.expect_own.copy(), m.residents.expect_inst.copy()
    for _ in range(52):
        m.step()
    np.testing.assert_array_equal(m.residents.expect_own, own)
    np.testing.assert_array_equal(m.residents.expect_inst, inst)


def test_institutional_outcomes_teach_only_the_institutional_expectation() -> None:
    """Who brought an outcome about decides what it teaches: an institution's outcome only
    "institutions will act", residents' own only "our own action works", a claim both."""
    for source, own_moves, inst_moves in (
        (INSTITUTION, False, True),
        (RESIDENTS, True, False),
        (BOTH, True, True),
    ):
        m = model()
        r = m.residents
        own, inst = r.expect_own.copy(), r.expect_inst.copy()
        m.record(Outcome(True, True, source, took_part=np.arange(20)))
        assert (r.expect_own[:20] > own[:20]).all() == own_moves
        assert (r.expect_inst[:20] > inst[:20]).all() == inst_moves
        np.testing.assert_array_equal(r.expect_own[20:], own[20:])


def test_bystanders_learn_less_than_those_involved_and_nothing_at_zero_observation() -> None:
    m = model()
    r = m.residents
    r.expect_inst[:] = 0.3
    m.record(Outcome(True, True, INSTITUTION, took_part=[0], affected=[1]))
    assert r.expect_inst[0] > r.expect_inst[1] > 0.3
    m = model(observation_weight=0.0)
    m.residents.expect_inst[:] = 0.3
    m.record(Outcome(True, True, INSTITUTION, affected=[1]))
    assert m.residents.expect_inst[1] == 0.3


# -- the routes to help -------------------------------------------------------------------------


def burdened_quarter(seed: int = 1, **params) -> tuple[QuartierModel, int]:
    """A quarter with one visible problem that burdens everyone near its centre."""
    m = model(seed=seed, **params)
    p = m.add_problem(KIND_INDEX["litter"], severity=1.0, status=VISIBLE, at=tuple(m.home_xy[0]))
    m.residents.strain[:] = m.problems.strain()
    return m, p


def test_residents_expecting_institutions_to_act_go_to_the_office_and_others_to_neighbours() -> (
    None
):
    """All burdened residents act this week: with *E*\\ :sup:`inst` 1 every one waits on the
    office about the problem; with *E*\\ :sup:`inst` 0 and *E*\\ :sup:`own` 1 every one turns to
    the neighbours (engaged on the problem); with both 0 nobody does anything."""
    for inst, own in ((1.0, 0.0), (0.0, 1.0), (0.0, 0.0)):
        m, p = burdened_quarter(help_seeking_rate=1.0)
        r = m.residents
        r.expect_inst[:], r.expect_own[:] = inst, own
        burdened = (r.strain >= 0.3) & ~r.withdrawn
        assert burdened.sum() >= 10
        routes.seek_help(m)
        waiting = r.waiting_on != NOT_WAITING
        engaged = r.engaged_on == p
        assert (waiting == (burdened & (inst == 1))).all()
        assert (engaged == (burdened & (own == 1))).all()
        assert (r.waiting_on[waiting] == p).all()


def test_residents_waiting_on_the_office_do_not_join_a_group_on_that_problem() -> None:
    """Office first: who waits on the office about a problem leaves it to the office and joins
    no group about it, however many of their friends are in it; the same residents, not
    waiting, join."""
    joined = {}
    for waiting in (True, False):
        m, p = burdened_quarter(seed=3)
        r = m.residents
        r.withdrawn[:] = False
        members = np.arange(0, 60, 2)
        g = m.groups.found(p, members, funds=1000.0)
        g.momentum = 1.0
        r.threshold_trait[:] = 0.0  # anyone with a tie to a member would join
        others = np.setdiff1d(np.flatnonzero(m.problems.concern[:, p] >= 0.5), members)
        if waiting:
            r.waiting_on[others] = p
        m.groups.recruit()
        joined[waiting] = int((r.group[others] == g.id).sum())
    assert joined[True] == 0
    assert joined[False] > 0


def test_an_unanswered_request_fails_after_request_wait_weeks() -> None:
    """A request nobody answers ends after ``request_wait_weeks`` weeks as a failure for the
    resident who asked: a small lesson that the office does not act."""
    m = model(request_wait_weeks=4, routine_repair_weeks=100_000.0)
    r = m.residents
    r.waiting_on[:10] = PERSONAL
    r.waiting_since[:10] = 0
    inst0, h0 = r.expect_inst.copy(), r.helplessness.copy()
    for week in range(1, 6):
        m.steps = week
        routes.close_requests(m)
        assert (r.waiting_on[:10] == PERSONAL).all() == (week <= 4)
    assert (r.waiting_on[:10] == NOT_WAITING).all()
    assert (r.expect_inst[:10] < inst0[:10]).all()
    assert (r.helplessness[:10] >= h0[:10]).all()
    np.testing.assert_array_equal(r.expect_inst[10:], inst0[10:])


def test_nobody_waits_beyond_the_week_of_asking_when_request_wait_weeks_is_zero() -> None:
    m = QuartierModel(rng=4, strategy="none", request_wait_weeks=0, **SMALL)
    for _ in range(30):
        m.step()
        r = m.residents
        waiting = r.waiting_on != NOT_WAITING
        assert (r.waiting_since[waiting] == m.steps).all()


def test_help_exchanged_renews_the_tie_between_helper_and_asker() -> None:
    """Networks give everyday support: an asker picks a tie, and help that works relieves the
    asker's strain and strengthens exactly that tie."""
    m, _ = burdened_quarter(seed=5)
    r = m.residents
    r.helplessness[:] = 0.0
    r.resources[:, CARING] = 1.0
    r.activated[:, :] = r.resources  # everyone is a fully capable helper: help always works
    r.withdrawn[:] = False
    askers = np.flatnonzero((m.ties.degree() > 0) & (r.strain > 0))[:15]
    before = m.ties.adjacency().copy()
    relief0 = r.relief.copy()
    helped = routes.ask_for_help(m, askers)
    assert helped == len(askers)
    after = m.ties.adjacency()
    grown = (after - before).tocoo()
    grew = grown.data > 0
    pairs = {(min(i, j), max(i, j)) for i, j in zip(grown.row[grew], grown.col[grew], strict=True)}
    assert len(pairs) <= len(askers)
    for i in askers:
        assert any(i in pair for pair in pairs)
        assert r.relief[i] > relief0[i]
    for i, j in pairs:  # every strengthened tie existed and has an asker at one end
        assert before[i, j] > 0 and (i in askers or j in askers)


def test_an_asker_without_ties_gets_no_help_and_learns_from_it() -> None:
    m, _ = burdened_quarter(seed=5)
    r = m.residents
    lonely = np.flatnonzero(m.ties.degree() == 0)
    if len(lonely) == 0:
        m.ties.drop_residents(np.array([0]))
        lonely = np.array([0])
    own0 = r.expect_own.copy()
    assert routes.ask_for_help(m, lonely[:1]) == 0
    assert r.expect_own[lonely[0]] < own0[lonely[0]]


def test_case_work_serves_only_residents_who_came_to_the_office() -> None:
    """Case handling answers the office queue, the longest-waiting first; nobody who did not
    ask is handled."""
    m = QuartierModel(rng=6, strategy="top_down", **SMALL)
    for _ in range(20):
        queue = set(m.office_queue().tolist())
        before = len(m.activity)
        m.step()
        handled = {e.data["resident"] for e in m.activity[before:] if e.key == "case_handled"}
        asked_now = {
            int(i) for i in np.flatnonzero(m.residents.waiting_since == m.steps)
        }  # requests of this week count too
        assert handled <= queue | asked_now
    assert any(e.key == "case_handled" for e in m.activity)


def test_the_office_queue_is_served_longest_waiting_first() -> None:
    m = model()
    r = m.residents
    r.waiting_on[[5, 6, 7]] = PERSONAL
    r.waiting_since[[5, 6, 7]] = [9, 2, 4]
    assert m.office_queue().tolist() == [6, 7, 5]


# -- with or for ---------------------------------------------------------------------------------


def test_problems_solved_for_residents_are_logged_apart_from_those_solved_with_them() -> None:
    """A granted claim solves a problem *with* residents; routine repair and expert planning
    solve it *for* them. Both are counted, never together."""
    from quartiersim.arena import Claim

    m, p = burdened_quarter()
    q = m.add_problem(KIND_INDEX["noise"], severity=0.5, status=VISIBLE, at=tuple(m.home_xy[5]))
    g = m.groups.found(p, np.arange(6), funds=0.0)
    m.arena.administration.responsiveness[:] = 1.0
    m.arena.decide(Claim((g.id,), (p,), backing=1.0))
    m.solve_for_residents(q)
    assert m.problems.status[p] == m.problems.status[q] == SOLVED
    assert m.problems.solved_with[p] and not m.problems.solved_with[q]
    import quartiersim.measures as measures

    values = measures.compute(m)
    assert values["problems_solved_with"] == 1
    assert values["problems_solved_for"] == 1
    assert values["problems_solved"] == 2


def test_an_expert_solution_preempts_the_cause_of_the_group_working_on_it() -> None:
    """When experts solve a group's problem for the residents, the group loses its cause: a
    cause pre-empted. Requests waiting on the problem are answered."""
    m, p = burdened_quarter()
    r = m.residents
    g = m.groups.found(p, np.arange(6), funds=0.0)
    r.waiting_on[[10, 11]] = p
    inst0 = r.expect_inst.copy()
    m.solve_for_residents(p)
    assert g.problem != p
    assert m.causes_preempted == 1
    assert (r.waiting_on[[10, 11]] == NOT_WAITING).all()
    assert (r.expect_inst[[10, 11]] > inst0[[10, 11]]).all()


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_help_seeking_rate_zero_means_nobody_turns_anywhere(rate) -> None:
    m = QuartierModel(rng=7, strategy="none", help_seeking_rate=rate, **SMALL)
    for _ in range(20):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    acted = (df["waiting_share"] > 0).any() or (df["help_exchanged"] > 0).any()
    assert acted == (rate > 0)
