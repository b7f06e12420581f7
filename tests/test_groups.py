"""Action groups (Aktionsgruppen): Granovetter's threshold rule, founding, joining, capacity,
small actions, drifting apart.

Granovetter (1978): 100 people with thresholds 0, 1, …, 99 (counted in people) all end up
taking part; raise the single threshold 1 to 2 and only the instigator acts. The rule is a
pure function here and must reproduce that exactly, in people and as shares of one's ties.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel
from quartiersim.groups import threshold_cascade
from quartiersim.outcomes import RESIDENTS, Outcome
from quartiersim.problems import KIND_INDEX, LATENT, VISIBLE
from quartiersim.residents import BUREAUCRACY, ORGANISING, SPEAKING


def model(seed: int = 1, **params) -> QuartierModel:
    quiet = {"strategy": "none", "n_problems": 0, "problem_arrival_weeks": 10_000.0}
    return QuartierModel(rng=seed, **{**SMALL_QUARTER, **quiet, **params})


def graph(n: int, edges: list[tuple[int, int, float]]) -> sp.csr_matrix:
    i, j, w = zip(*edges, strict=True)
    a = sp.coo_matrix((w, (i, j)), shape=(n, n))
    return (a + a.T).tocsr()


# -- Granovetter, exactly --------------------------------------------------------------------------


def test_granovetter_uniform_thresholds_give_a_full_cascade() -> None:
    """Thresholds 0..99 in people: the instigator acts, then one more each round, until all
    100 take part."""
    active = threshold_cascade(np.arange(100))
    assert active.all()


def test_granovetter_raising_one_threshold_stops_the_cascade_at_one_person() -> None:
    """Replace the threshold 1 by 2: nobody follows the instigator."""
    thresholds = np.arange(100)
    thresholds[1] = 2
    active = threshold_cascade(thresholds)
    assert active.sum() == 1
    assert active[0]


def test_cascade_rounds_add_one_person_each_round_on_the_uniform_distribution() -> None:
    for rounds in (1, 5, 37):
        assert threshold_cascade(np.arange(100), rounds=rounds).sum() == rounds


def test_cascade_counts_only_others_and_respects_eligibility() -> None:
    # Threshold 1 in people: one active *other* person is needed; being active oneself is not.
    assert not threshold_cascade(np.array([1.0, 1.0])).any()
    assert threshold_cascade(np.array([1.0, 1.0]), active=np.array([True, False])).all()
    # Who may not join never joins, and the cascade behind them stops.
    blocked = threshold_cascade(np.arange(10), eligible=np.arange(10) != 3)
    assert blocked.tolist() == [True, True, True] + [False] * 7


def test_cascade_on_a_network_with_shares_of_ties_computed_by_hand() -> None:
    """Path 0-1-2-3-4 with a leaf 5 on 2; 0 starts; everyone needs half their ties active.

    1 (ties 0, 2) sees 1/2 and joins; 2 (ties 1, 3, 5) sees 1/3 and stops the cascade.
    Lower 2's threshold to 1/3: 2 joins, then 3 (1/2), 5 (1/1) and finally 4 (1/1)."""
    adjacency = graph(7, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0), (2, 5, 1.0)])
    start = np.zeros(7, dtype=bool)
    start[0] = True
    thresholds = np.full(7, 0.5)
    stopped = threshold_cascade(thresholds, adjacency, start)
    assert np.flatnonzero(stopped).tolist() == [0, 1]

    thresholds[2] = 1 / 3
    full = threshold_cascade(thresholds, adjacency, start)
    assert np.flatnonzero(full).tolist() == [0, 1, 2, 3, 4, 5]  # 6 has no ties: never joins
    assert threshold_cascade(thresholds, adjacency, start, rounds=2).sum() == 3


def test_cascade_on_a_network_weighs_strong_ties_more() -> None:
    """A close friend in the group counts more than an acquaintance outside it."""
    start = np.array([True, False, False])
    thresholds = np.array([0.0, 0.8, 0.8])
    close_in = graph(3, [(0, 1, 0.9), (1, 2, 0.1)])
    assert threshold_cascade(thresholds, close_in, start, rounds=1).tolist() == [
        True,
        True,
        False,
    ]
    close_out = graph(3, [(0, 1, 0.1), (1, 2, 0.9)])
    assert threshold_cascade(thresholds, close_out, start).tolist() == [True, False, False]


def test_a_person_without_ties_never_joins_on_a_network() -> None:
    adjacency = graph(3, [(0, 1, 1.0)])
    active = threshold_cascade(np.zeros(3), adjacency, np.array([True, False, False]))
    assert active.tolist() == [True, True, False]


# -- thresholds of residents -----------------------------------------------------------------------


def test_thresholds_rise_with_helplessness_fall_with_own_expectation_and_invitation() -> None:
    """Resignation raises the threshold; the expectation that one's own action works lowers
    it (collective efficacy); so does a personal invitation."""
    m = model()
    r = m.residents
    base = m.groups.thresholds().copy()
    r.helplessness[:10] = np.minimum(1.0, r.helplessness[:10] + 0.3)
    assert (m.groups.thresholds()[:10] > base[:10]).all()
    r.expect_own[20:30] = np.minimum(1.0, r.expect_own[20:30] + 0.3)
    assert (m.groups.thresholds()[20:30] < base[20:30]).all()
    r.invited[40:50] = True
    assert (m.groups.thresholds()[40:50] < base[40:50]).all()
    assert (m.groups.thresholds() >= 0).all()


# -- founding --------------------------------------------------------------------------------------


def founding_scene(seed: int = 1):
    """A visible problem next to resident 0; nobody can organise (activated organising 0);
    resident 0 and three concerned neighbours are tied; everyone concerned turned to the
    neighbours about it this week."""
    m = model(seed, founding_rate=1.0)
    r = m.residents
    r.withdrawn[:] = False
    r.group[:] = -1
    p = m.add_problem(KIND_INDEX["litter"], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    concerned = np.flatnonzero(m.problems.concern[:, p] >= m.p["concern_level"])
    assert 0 in concerned and len(concerned) >= 4
    friends = concerned[concerned != 0][:3]
    m.ties.reinforce(np.zeros(3, dtype=int), friends, 0.5)
    r.activated[:, ORGANISING] = 0.0
    r.engaged_on[concerned] = p
    return m, p, concerned, friends


def test_residents_who_did_not_turn_to_the_neighbours_found_no_group() -> None:
    """Founding needs a capable resident who turned to the neighbours about the problem this
    week (not to the office, not to nobody)."""
    m, *_ = founding_scene()
    r = m.residents
    r.resources[0, ORGANISING] = r.activated[0, ORGANISING] = 1.0
    r.engaged_on[:] = -1
    m.groups.found_spontaneously()
    assert m.groups.groups == []


def test_without_an_organiser_concerned_residents_found_no_group() -> None:
    m, *_ = founding_scene()
    m.groups.found_spontaneously()
    assert m.groups.groups == []


def test_concern_plus_an_organiser_founds_a_group_on_the_problem() -> None:
    """Founding needs both: residents concerned about a visible problem and one of them with
    enough activated organising capacity. The founders are the organiser's concerned ties."""
    m, p, concerned, friends = founding_scene()
    r = m.residents
    r.resources[0, ORGANISING] = 1.0
    r.activated[0, ORGANISING] = max(m.p["initiator_level"], 0.05)
    m.groups.found_spontaneously()
    assert len(m.groups.active) == 1
    g = m.groups.active[0]
    assert g.problem == p
    members = m.groups.members(g)
    assert 0 in members
    assert set(friends) <= set(members)
    assert set(members) <= set(concerned)
    assert len(members) >= m.p["min_members"]


def test_an_organiser_who_is_not_concerned_founds_nothing() -> None:
    m, p, concerned, _ = founding_scene()
    r = m.residents
    outsider = int(np.flatnonzero(m.problems.concern[:, p] == 0)[0])
    r.resources[outsider, ORGANISING] = 1.0
    r.activated[outsider, ORGANISING] = 1.0
    r.engaged_on[outsider] = p  # even if they spoke to the neighbours about it
    m.ties.reinforce(np.full(3, outsider), concerned[:3], 0.5)
    m.groups.found_spontaneously()
    assert m.groups.groups == []


def test_a_latent_problem_founds_no_group() -> None:
    """Only what is visible can become a cause."""
    m, p, *_ = founding_scene()
    m.problems.status[p] = LATENT
    m.residents.activated[0, ORGANISING] = m.residents.resources[0, ORGANISING] = 1.0
    m.groups.found_spontaneously()
    assert m.groups.groups == []


def test_withdrawn_residents_are_no_founders() -> None:
    m, _, _, friends = founding_scene()
    r = m.residents
    r.resources[0, ORGANISING] = r.activated[0, ORGANISING] = 1.0
    r.withdrawn[friends[0]] = True
    m.groups.found_spontaneously()
    members = m.groups.members(m.groups.active[0])
    assert friends[0] not in members


def test_founding_several_groups_at_once_keeps_every_founder_in_their_group() -> None:
    """Founders of one group are no longer free: another group founded the same week must not
    take them away (each group starts with the founders it was founded with)."""
    m = model(3, founding_rate=1.0, initiator_level=0.0, n_problems=10)
    m.problems.status[:] = VISIBLE
    r = m.residents
    # Each resident turned to the neighbours about one problem, drawn at random.
    about = np.random.default_rng(3).integers(len(m.problems), size=r.n)
    r.engaged_on[:] = about
    m.groups.found_spontaneously()
    founded = [e for e in m.activity if e.key == "group_founded"]
    assert len(founded) >= 3
    for e in founded:
        assert len(m.groups.members(m.groups.groups[e.data["group"]])) == e.data["members"]


# -- joining ---------------------------------------------------------------------------------------


def test_residents_join_through_ties_to_members_and_withdrawn_never_join() -> None:
    """With a tiny threshold, one round of recruiting brings in exactly the free residents who
    have a tie into the group — except the withdrawn, whatever their ties."""
    m = model(threshold_spread=0.0)
    r = m.residents
    r.withdrawn[:] = False
    members = np.arange(5)
    g = m.groups.found(-1, members)
    r.threshold_trait[:] = 1e-9
    withdrawn = np.array([10, 11])
    r.withdrawn[withdrawn] = True
    m.ties.reinforce(np.repeat(members, 2), np.tile(withdrawn, 5), 1.0)
    adjacency = m.ties.adjacency()
    tied = np.flatnonzero(adjacency[:, members].sum(axis=1).A1 > 0)
    expected = sorted(set(tied) - set(members) - set(withdrawn))
    m.groups.recruit()
    assert sorted(set(m.groups.members(g)) - set(members)) == expected
    assert (r.group[withdrawn] == -1).all()


def recruited_group_by_group(m: QuartierModel) -> np.ndarray:
    """The reference for :meth:`ActionGroups.recruit`: one round of :func:`threshold_cascade`
    per active group, oldest group first, each on the whole adjacency matrix; returns every
    resident's group afterwards (the model is not changed)."""
    r, groups = m.residents, m.groups
    group = r.group.copy()
    adjacency = m.ties.adjacency()
    strength = np.asarray(adjacency.sum(axis=1)).ravel()
    thresholds = groups.thresholds()
    free = (group < 0) & ~r.withdrawn
    for g in groups.active:
        cares = (
            m.problems.concern[:, g.problem] >= m.p["join_concern"]
            if g.problem >= 0
            else np.ones(r.n, dtype=bool)
        )
        eligible = cares & free
        if g.problem >= 0:  # who waits on the office about the cause leaves it to the office
            eligible &= r.waiting_on != g.problem
        joined = threshold_cascade(
            thresholds / max(g.momentum, 0.05),
            adjacency,
            group == g.id,
            eligible=eligible,
            rounds=1,
            strength=strength,
        )
        new = np.flatnonzero(joined & eligible)
        group[new] = g.id
        free[new] = False
    return group


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("scale", [0.05, 0.5, 1.0])
def test_recruiting_in_one_pass_equals_the_threshold_rule_group_by_group(seed, scale) -> None:
    """All groups recruit in one pass over the ties; the result must be what the threshold
    rule gives run group by group, oldest first (a resident wanted by several groups joins the
    oldest). Low thresholds make residents qualify for several groups at once."""
    m = model(seed, strategy="empowerment", n_problems=6, founding_rate=0.5, initiator_level=0.2)
    for _ in range(8):
        m.step()
    r = m.residents
    r.threshold_trait *= scale
    rng = np.random.default_rng(seed)
    r.invited[:] = rng.random(r.n) < 0.2
    for g in m.groups.active:
        g.momentum = float(rng.uniform(0.0, 1.0))
    expected = recruited_group_by_group(m)
    before, logged_before = r.group.copy(), len(m.activity)
    m.groups.recruit()
    assert len(m.groups.active) >= 2
    np.testing.assert_array_equal(r.group, expected)
    # One log entry per group that gained members, oldest group first, with the right count.
    gained = np.unique(r.group[r.group != before])
    assert [(e.key, e.data) for e in m.activity[logged_before:]] == [
        (
            "residents_joined",
            {"group": int(g), "count": int(((r.group == g) & (before != g)).sum())},
        )
        for g in gained
    ]


def test_members_of_all_groups_at_once_are_each_groups_members() -> None:
    """The one-pass grouping used by actions and drift lists, for every group ever founded
    (dissolved ones too), exactly the residents active in it, in ascending order."""
    m = model(2, strategy="empowerment", n_problems=6, founding_rate=0.5, initiator_level=0.2)
    for _ in range(30):
        m.step()
    assert len(m.groups.groups) >= 2
    listed = m.groups.members_by_group()
    assert len(listed) == len(m.groups.groups)
    for g, members in zip(m.groups.groups, listed, strict=True):
        np.testing.assert_array_equal(members, m.groups.members(g))


def test_residents_who_do_not_care_about_the_cause_do_not_join() -> None:
    m = model(threshold_spread=0.0)
    r = m.residents
    r.withdrawn[:] = False
    p = m.add_problem(KIND_INDEX["litter"], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    members = np.arange(5)
    g = m.groups.found(p, members)
    r.threshold_trait[:] = 1e-9
    indifferent = np.flatnonzero(m.problems.concern[:, p] == 0)
    indifferent = indifferent[~np.isin(indifferent, members)][:5]
    m.ties.reinforce(members, indifferent, 1.0)
    m.groups.recruit()
    assert not np.isin(indifferent, m.groups.members(g)).any()


# -- capacity, small actions, drift ----------------------------------------------------------------


def test_capacity_grows_with_members_activated_competences() -> None:
    """A group's capacity comes from what its members can do, not only from its size: the
    same members, once their organising, speaking and bureaucratic resources are uncovered
    by mastery, make a more capable group."""
    m = model(activation_gain=1.0)
    members = np.flatnonzero(~m.residents.withdrawn)[:6]
    g = m.groups.found(-1, members, funds=0.0)
    low = m.groups.capacity(g)
    for domain in (ORGANISING, SPEAKING, BUREAUCRACY):
        m.record(Outcome(True, True, RESIDENTS, domain=domain, effort=members))
    high = m.groups.capacity(g)
    assert 0.0 <= low < high <= 1.0


def test_capacity_grows_with_funds_and_help_and_is_zero_without_members() -> None:
    m = model()
    members = np.flatnonzero(~m.residents.withdrawn)[:6]
    g = m.groups.found(-1, members, funds=0.0)
    c0 = m.groups.capacity(g)
    g.funds = 1000.0
    c1 = m.groups.capacity(g)
    g.help = 1.0
    c2 = m.groups.capacity(g)
    assert c0 < c1 < c2 <= 1.0
    m.replace_residents(members)  # all members move away
    assert m.groups.capacity(g) == 0.0


def test_small_actions_bring_members_together_and_give_small_wins() -> None:
    """Clean-ups and street parties: members' ties grow, those present use practical skills
    (mastery), non-members are untouched."""
    m = model(seed=5)
    r = m.residents
    r.withdrawn[:] = False
    members = np.arange(8)
    g = m.groups.found(-1, members, funds=1000.0)
    g.help = 1.0
    h0, act0 = r.helplessness.copy(), r.activated.copy()
    inner0 = m.ties.adjacency()[members][:, members].sum()
    for _ in range(20):
        m.groups.act()
    assert any(e.key == "small_action" for e in m.activity)
    assert m.ties.adjacency()[members][:, members].sum() > inner0
    assert r.helplessness[members].sum() < h0[members].sum()
    assert r.activated[members].sum() > act0[members].sum()
    rest = np.arange(len(members), r.n)
    np.testing.assert_array_equal(r.helplessness[rest], h0[rest])


def test_groups_without_success_lose_members_and_dissolve_freeing_everyone() -> None:
    """Falling attendance ends most groups (Wituk et al. 2002)."""
    m = model(dropout_rate=1.0)
    r = m.residents
    members = np.flatnonzero(~r.withdrawn)[:6]
    g = m.groups.found(-1, members)
    m.arena.ally_of[0] = g.id
    g.momentum = 0.0
    m.groups.drift()
    assert not g.active
    assert (r.group == -1).all()
    assert m.arena.allies == 0
    assert any(e.key == "group_dissolved" for e in m.activity)


def test_members_of_a_successful_group_stay() -> None:
    m = model(dropout_rate=1.0)
    members = np.flatnonzero(~m.residents.withdrawn)[:6]
    g = m.groups.found(-1, members)
    g.momentum = 1.0
    m.residents.activated[members, ORGANISING] = m.residents.resources[members, ORGANISING]
    m.groups.drift()
    assert g.active
    # Only the small base attrition remains: most stay.
    assert len(m.groups.members(g)) >= len(members) - 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_membership_is_consistent_over_a_run(seed: int) -> None:
    """Every member belongs to an active group; inactive groups have no members."""
    m = QuartierModel(rng=seed, **SMALL_QUARTER)
    for _ in range(15):
        m.step()
        active = {g.id for g in m.groups.active}
        assert set(np.unique(m.residents.group[m.residents.group >= 0]).tolist()) <= active


def test_one_groups_capacity_is_its_entry_among_all_groups_capacities() -> None:
    """A session reads one group's capacity from its own members: the same number, to the last
    bit, as the capacities of all groups computed together."""
    m = QuartierModel(rng=4, **{**SMALL_QUARTER, "strategy": "empowerment"})
    seen = 0
    for _ in range(40):
        m.step()
        every = m.groups.capacities()
        for g in m.groups.groups:
            assert m.groups.capacity(g) == every[g.id]
            seen += every[g.id] > 0
    assert seen > 0
