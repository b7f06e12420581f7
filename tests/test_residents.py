"""Residents: learned helplessness (erlernte Hilflosigkeit), buried resources, withdrawal into
resigned privacy (resignative Privatheit), support along ties.

The weekly drift of everyday life, each rule pinned here: persisting problems around a resident
feed helplessness; support along ties relieves it; unused resources fade; highly helpless
residents withdraw and then take no part in voluntary encounters. Outcomes — mastery and
failure — are the one rule of tests/test_outcomes.py.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel, encounters
from quartiersim.agents import Resident
from quartiersim.problems import KIND_INDEX, VISIBLE
from quartiersim.residents import (
    AGE_GROUPS,
    DOMAINS,
    SPEAKING,
    over_domains,
)


def model(seed: int = 1, **params) -> QuartierModel:
    return QuartierModel(rng=seed, **{**SMALL_QUARTER, "strategy": "none", **params})


def others(m: QuartierModel, who: np.ndarray) -> np.ndarray:
    mask = np.ones(m.residents.n, dtype=bool)
    mask[who] = False
    return mask


# -- problems feed helplessness -------------------------------------------------------------------


def test_a_persisting_problem_raises_helplessness_of_those_it_affects() -> None:
    """Unsolved problems around a resident are experiences of no control. Same quarter, same
    week after week of everyday life, once with the problem open and once with it solved: the
    affected end more helpless; residents it does not reach end exactly the same."""
    m = model(seed=2, n_problems=0, problem_arrival_weeks=10_000.0)
    target = tuple(m.home_xy[0])
    p = m.add_problem(KIND_INDEX["poor_lighting"], severity=0.8, status=VISIBLE, at=target)
    affected = m.problems.concern[:, p] > 0
    assert 0 < affected.sum() < m.residents.n

    with_problem, without = m, copy.deepcopy(m)
    without.problems.solve(p)
    for _ in range(26):
        with_problem.everyday_life()
        without.everyday_life()
        with_problem.problems.aggravate(m.p["aggravation"])
    h_with, h_without = with_problem.residents.helplessness, without.residents.helplessness
    assert (h_with[affected] >= h_without[affected]).all()
    assert h_with[affected].mean() > h_without[affected].mean() + 0.01
    # Residents outside the problem's reach are touched only through their ties' support,
    # which is a second-order effect; their helplessness differs far less.
    gap_out = np.abs(h_with[~affected] - h_without[~affected]).mean()
    assert gap_out < 0.2 * (h_with[affected] - h_without[affected]).mean()


def test_residents_closer_to_a_problem_carry_more_strain() -> None:
    m = model(n_problems=0, problem_arrival_weeks=10_000.0)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.7, status=VISIBLE, at=tuple(m.home_xy[0]))
    d = np.hypot(*(m.home_xy - m.home_xy[0]).T)
    concern = m.problems.concern[:, p]
    same_age = m.residents.age == m.residents.age[0]
    near, far = same_age & (d <= 1), same_age & (d >= 6)
    if far.any():
        assert concern[near].min() > concern[far].max()
    strain = m.problems.strain()
    assert (strain[concern > 0] > 0).all()
    m.problems.solve(p)
    assert (m.problems.strain() == 0).all()


# -- support ---------------------------------------------------------------------------------------


def test_support_flows_along_ties_and_relieves_helplessness() -> None:
    """Social support (soziale Unterstützung) grows with ties, saturates below 1, and support
    lowers helplessness where there is no strain."""
    m = model(n_problems=0, problem_arrival_weeks=10_000.0)
    r = m.residents
    r.update_support(m.ties)
    assert ((r.support >= 0) & (r.support < 1)).all()
    isolated = m.ties.degree() == 0
    assert (r.support[isolated] == 0).all()
    tied = np.flatnonzero(~isolated)
    assert (r.support[tied] > 0).all()
    h0 = r.helplessness.copy()
    r.weekly_helplessness(np.zeros(r.n))
    assert (r.helplessness[tied] < h0[tied]).all()
    np.testing.assert_array_equal(r.helplessness[isolated], h0[isolated])


# -- resources: use them or lose them -------------------------------------------------------------


def test_unused_uncovered_resources_fade_and_used_ones_stay() -> None:
    m = model()
    r = m.residents
    r.activated[:, SPEAKING] += 0.5 * (r.resources[:, SPEAKING] - r.activated[:, SPEAKING])
    uncovered = r.activated.copy()
    used = np.zeros_like(r.activated, dtype=bool)
    used[: r.n // 2, SPEAKING] = True
    r.used[:] = used
    r.weekly_resources()
    assert not r.used.any(), "a new week of use begins"
    np.testing.assert_array_equal(r.activated[used], uncovered[used])
    faded = ~used[:, SPEAKING]
    assert (r.activated[faded, SPEAKING] < uncovered[faded, SPEAKING]).all()
    assert (r.activated >= 0).all()


# -- withdrawal ------------------------------------------------------------------------------------


def test_withdrawal_above_threshold_and_return_only_well_below_it() -> None:
    """Resignation is easier to enter than to leave (hysteresis)."""
    m = model(withdrawal_threshold=0.6)
    r = m.residents
    r.withdrawn[:] = False
    r.helplessness[:3] = [0.65, 0.55, 0.3]
    r.update_withdrawal()
    assert r.withdrawn[:3].tolist() == [True, False, False]
    margin = m.p["return_margin"]
    r.helplessness[0] = 0.6 - margin / 2  # below the threshold, not below the margin
    r.update_withdrawal()
    assert r.withdrawn[0]
    r.helplessness[0] = 0.6 - 2 * margin
    returned = r.update_withdrawal()
    assert not r.withdrawn[0]
    assert 0 in returned


def test_withdrawn_residents_have_no_voluntary_encounters() -> None:
    """In resigned privacy nobody meets neighbours in the stairwell or visits public places."""
    m = model(
        seed=3,
        withdrawal_threshold=0.4,
        initial_helplessness=0.45,
        house_encounters=4.0,
        place_visit_rate=1.0,
    )
    r = m.residents
    assert 0.2 < r.withdrawn.mean() < 0.8
    withdrawn = np.flatnonzero(r.withdrawn)
    met = 0
    for _ in range(30):
        for a, b in (encounters.house_community(m), encounters.public_places(m)):
            met += len(a)
            assert not np.isin(a, withdrawn).any()
            assert not np.isin(b, withdrawn).any()
    assert met > 0


def test_ties_of_withdrawn_residents_only_fade_in_a_quarter_without_workers() -> None:
    """Over a week without community workers, no tie of a resident withdrawn all week grows and
    none is formed."""
    m = model(seed=4, withdrawal_threshold=0.45, initial_helplessness=0.5)
    for _ in range(5):
        withdrawn = m.residents.withdrawn.copy()
        before = {
            (i, j): w
            for i, j, w in zip(
                m.ties.i.tolist(), m.ties.j.tolist(), m.ties.weight.tolist(), strict=True
            )
        }
        m.step()
        still = withdrawn & m.residents.withdrawn
        for i, j, w in zip(
            m.ties.i.tolist(), m.ties.j.tolist(), m.ties.weight.tolist(), strict=True
        ):
            if still[i] or still[j]:
                assert (i, j) in before
                assert w <= before[(i, j)] + 1e-12


def test_withdrawn_residents_are_in_no_group_at_the_end_of_a_week() -> None:
    """Retreat into private life is also a retreat from one's action group."""
    m = model()
    r = m.residents
    members = np.flatnonzero(~r.withdrawn)[:5]
    m.groups.found(-1, members)
    r.helplessness[members[0]] = 0.99  # will withdraw during this week
    m.step()
    assert r.withdrawn[members[0]]
    assert r.group[members[0]] == -1
    assert not (r.withdrawn & (r.group >= 0)).any()


# -- derived state and newcomers ------------------------------------------------------------------


def test_self_efficacy_falls_with_helplessness_and_rises_with_activation() -> None:
    m = model()
    r = m.residents
    base = r.self_efficacy.copy()
    assert ((base >= 0) & (base <= 1)).all()
    r.helplessness[:10] = np.minimum(1.0, r.helplessness[:10] + 0.2)
    assert (r.self_efficacy[:10] < base[:10]).all()
    r.activated[10:20] = r.resources[10:20]
    assert (r.self_efficacy[10:20] > base[10:20]).all()


def test_newcomers_arrive_without_ties_or_group() -> None:
    m = model()
    r = m.residents
    who = np.array([0, 5, 9])
    m.groups.found(-1, np.array([0, 1, 2, 5]))
    m.replace_residents(who)
    assert (r.group[who] == -1).all()
    assert (m.ties.degree()[who] == 0).all()
    assert not m.knowledge.known[who].any()
    assert (r.activated[who] <= r.resources[who]).all()


def test_agent_profile_reads_the_arrays() -> None:
    m = model()
    agent = m.resident_agents[7]
    assert isinstance(agent, Resident)
    assert tuple(agent.cell.coordinate) == tuple(m.home_xy[7])
    profile = agent.profile()
    r = m.residents
    assert profile["id"] == 7
    assert profile["helplessness"] == pytest.approx(r.helplessness[7])
    assert profile["age_group"] == AGE_GROUPS[r.age[7]]
    assert profile["withdrawn"] == bool(r.withdrawn[7])
    assert set(profile["resources"]) == set(DOMAINS)
    assert len(profile["ties"]) == m.ties.degree()[7]
    assert agent.helplessness == pytest.approx(r.helplessness[7])
    assert 0 <= agent.activated_share <= 1


def test_sums_over_domains_are_numpys_row_sums_to_the_last_bit() -> None:
    """Self-efficacy sums each resident's resources over the domains column by column; the
    result must be NumPy's row sum exactly, for the model's five domains and other counts."""
    rng = np.random.default_rng(11)
    for domains in range(1, 8):
        values = rng.random((500, domains)) * rng.choice([1e-3, 1.0, 1e3], size=(500, 1))
        np.testing.assert_array_equal(over_domains(values), values.sum(axis=1))
