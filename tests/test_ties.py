"""Social ties: contact forms and strengthens them, their absence lets them fade — bridges
fastest (Burt 2002) — and the network measures agree with networkx on the same ties.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from conftest import SMALL_QUARTER
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from quartiersim import QuartierModel
from quartiersim.measures import social_capital_parts
from quartiersim.ties import Ties


def graph_of(m: QuartierModel) -> nx.Graph:
    """The tie network as a networkx graph, built independently from the edge list."""
    g = nx.Graph()
    g.add_nodes_from(range(m.residents.n))
    for i, j, w in zip(m.ties.i.tolist(), m.ties.j.tolist(), m.ties.weight.tolist(), strict=True):
        assert not g.has_edge(i, j), "duplicate tie"
        g.add_edge(i, j, weight=w)
    return g


# -- contact forms ties ---------------------------------------------------------------------------


def test_contact_creates_a_tie_and_repeated_contact_strengthens_it() -> None:
    t = Ties(5)
    assert t.reinforce(np.array([0]), np.array([3]), 0.2) == 1
    assert t.weights_between(np.array([0, 3]), np.array([3, 0])) == pytest.approx([0.2, 0.2])
    assert t.reinforce(np.array([3]), np.array([0]), 0.2) == 0  # same tie, other direction
    assert len(t) == 1
    assert t.weights_between(np.array([0]), np.array([3]))[0] == pytest.approx(0.4)


def test_repeated_pairs_in_one_week_add_up_and_weight_is_capped_at_one() -> None:
    t = Ties(4)
    t.reinforce(np.array([1, 2, 1]), np.array([2, 1, 2]), 0.3)
    assert len(t) == 1
    assert t.weight[0] == pytest.approx(0.9)
    t.reinforce(np.array([1]), np.array([2]), 0.5)
    assert t.weight[0] == 1.0


def test_meeting_oneself_forms_no_tie() -> None:
    t = Ties(4)
    assert t.reinforce(np.array([2, 2]), np.array([2, 3]), 0.1) == 1
    assert (t.i != t.j).all()
    assert len(t) == 1


def test_adjacency_is_symmetric_and_matches_degree_and_strength() -> None:
    rng = np.random.default_rng(0)
    t = Ties(30)
    t.reinforce(rng.integers(30, size=200), rng.integers(30, size=200), 0.1)
    a = t.adjacency()
    assert (a != a.T).nnz == 0
    assert a.diagonal().sum() == 0
    np.testing.assert_array_equal(np.diff(a.indptr), t.degree())
    np.testing.assert_allclose(np.asarray(a.sum(axis=1)).ravel(), t.strength())
    assert (t.i < t.j).all()
    assert (np.diff(t.keys) > 0).all()  # sorted, no duplicates


def dense_of(t: Ties) -> np.ndarray:
    """The tie network as a dense symmetric matrix, built tie by tie from the edge list."""
    dense = np.zeros((t.n, t.n))
    for i, j, w in zip(t.i.tolist(), t.j.tolist(), t.weight.tolist(), strict=True):
        dense[i, j] = dense[j, i] = w
    return dense


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 25),
    pairs=st.lists(st.tuples(st.integers(0, 24), st.integers(0, 24)), max_size=80),
    drop=st.lists(st.integers(0, 24), max_size=3),
    seed=st.integers(0, 2**16),
)
def test_queries_along_ties_agree_with_the_dense_adjacency_matrix(n, pairs, drop, seed) -> None:
    """Whatever the network (built by contact, thinned by moves and decay), what flows along
    ties, who is tied to whom, the weight across two sets and inside labelled groups, and the
    upper triangle all agree with the plain adjacency matrix."""
    rng = np.random.default_rng(seed)
    t = Ties(n)
    a = np.array([p[0] % n for p in pairs], dtype=np.int64)
    b = np.array([p[1] % n for p in pairs], dtype=np.int64)
    t.reinforce(a, b, rng.uniform(0.05, 0.6, size=len(a)))
    t.drop_residents(np.array([d % n for d in drop], dtype=np.int64))
    t.reinforced[:] = rng.random(len(t)) < 0.5
    t.decay(rng, np.full(len(t), 0.8), fade=0.1, tie_min=0.02)
    dense = dense_of(t)
    values = rng.random(n)
    np.testing.assert_allclose(t.neighbour_sum(values), dense @ values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(t.strength(), dense.sum(axis=1), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(t.degree(), (dense > 0).sum(axis=1))
    for who in range(n):
        np.testing.assert_array_equal(t.neighbours(who), np.flatnonzero(dense[who]))
    np.testing.assert_array_equal(t.upper().toarray(), np.triu(dense))
    np.testing.assert_array_equal(t.adjacency().toarray(), dense)
    side = rng.permutation(n)
    left, right = side[: n // 2], side[n // 2 :]
    assert t.weight_across(left, right) == pytest.approx(dense[np.ix_(left, right)].sum())
    label = rng.integers(-1, 4, size=n)
    inside = [np.triu(dense)[np.ix_(label == k, label == k)].sum() for k in range(4)]
    np.testing.assert_allclose(t.weight_within(label, 4), inside, rtol=1e-12, atol=1e-15)


def test_everyday_contact_forms_the_network_and_without_it_there_is_none(small_model) -> None:
    """Ties come from encounters: with no encounters in house communities or at places (and
    no workers), nobody knows anybody; with house encounters only, every tie joins neighbours
    in the same building."""
    quiet = small_model(3, strategy="none", house_encounters=0.0, place_visit_rate=0.0)
    for _ in range(4):
        quiet.step()
    assert len(quiet.ties) == 0

    house = small_model(3, strategy="none", place_visit_rate=0.0)
    assert len(house.ties) > 0
    for _ in range(4):
        house.step()
    b = house.building_of
    assert (b[house.ties.i] == b[house.ties.j]).all()


def test_everyday_encounters_renew_the_ties_of_those_who_meet(small_model) -> None:
    m = small_model(4, strategy="none")
    before = len(m.ties)
    m.ties.reinforced[:] = False
    m.everyday_encounters()
    assert m.ties.reinforced.any()
    assert len(m.ties) >= before


# -- no contact: decay at the calibrated rate ---------------------------------------------------


def unreinforced_survival(m: QuartierModel, bridging: bool, n_ties: int, weeks: int) -> float:
    """Share of ``n_ties`` fresh ties of one kind (bridging or bonding) that survive ``weeks``
    weeks without any contact, under the model's own weekly survival chances."""
    r = m.residents
    rng = np.random.default_rng(123)
    i = rng.integers(r.n, size=20 * n_ties)
    j = rng.integers(r.n, size=20 * n_ties)
    across = (r.origin[i] != r.origin[j]) | (r.age[i] != r.age[j])
    kind = (across == bridging) & (i != j)
    keys = np.unique(np.minimum(i, j)[kind] * r.n + np.maximum(i, j)[kind])
    keys = rng.permutation(keys)[:n_ties]
    assert len(keys) == n_ties
    m.ties = Ties(r.n)
    m.ties.reinforce(keys // r.n, keys % r.n, 1.0)
    assert (m.ties.bridging(r.origin, r.age) == bridging).all()
    for _ in range(weeks):
        m.ties.reinforced[:] = False  # nobody meets
        m.ties.decay(m.rng, m.weekly_tie_survival(), fade=0.0, tie_min=m.p["tie_min"])
    return len(m.ties) / n_ties


@pytest.mark.parametrize(
    ("bridging", "parameter", "value"),
    [
        (True, "bridge_survival_year", None),
        (False, "bond_survival_year", None),
        (True, "bridge_survival_year", 0.5),
        (False, "bond_survival_year", 0.25),
    ],
)
def test_unreinforced_ties_survive_a_year_at_the_calibrated_share(
    bridging: bool, parameter: str, value: float | None
) -> None:
    """Burt (2002): about nine in ten unreinforced bridges are gone after a year; bonds last
    longer. Over 52 weeks without contact (and without weight loss), the surviving share must
    match the parameter (default or set) within four binomial standard deviations."""
    n_ties = 2000
    params = {} if value is None else {parameter: value}
    m = QuartierModel(rng=5, strategy="none", n_residents=400, width=30, height=30, **params)
    p = m.p[parameter]
    share = unreinforced_survival(m, bridging, n_ties, weeks=52)
    sd = np.sqrt(p * (1 - p) / n_ties)
    assert abs(share - p) <= 4 * sd, (share, p)


def test_bridges_fade_faster_than_bonds() -> None:
    m = QuartierModel(rng=6, strategy="none", n_residents=400, width=30, height=30)
    bridges = unreinforced_survival(m, True, 1000, weeks=26)
    bonds = unreinforced_survival(m, False, 1000, weeks=26)
    assert bridges < bonds


def test_reinforced_ties_do_not_decay_and_idle_ones_lose_weight() -> None:
    t = Ties(4)
    t.reinforce(np.array([0, 2]), np.array([1, 3]), 0.5)
    t.reinforced[:] = [True, False]
    lost = t.decay(np.random.default_rng(0), np.ones(2), fade=0.1, tie_min=0.0)
    assert lost == 0
    assert t.weight.tolist() == pytest.approx([0.5, 0.45])
    assert not t.reinforced.any()  # flags are cleared for the next week


def test_only_unrenewed_ties_break_when_survival_is_zero() -> None:
    t = Ties(4)
    t.reinforce(np.array([0, 2]), np.array([1, 3]), 0.5)
    t.reinforced[:] = [True, False]
    t.decay(np.random.default_rng(0), np.zeros(2), fade=0.0, tie_min=0.0)
    assert list(zip(t.i.tolist(), t.j.tolist(), strict=True)) == [(0, 1)]


def test_ties_weaker_than_the_minimum_are_forgotten() -> None:
    t = Ties(4)
    t.reinforce(np.array([0, 2]), np.array([1, 3]), np.array([0.05, 0.5]))
    t.reinforced[:] = False
    t.decay(np.random.default_rng(0), np.ones(2), fade=0.0, tie_min=0.1)
    assert list(zip(t.i.tolist(), t.j.tolist(), strict=True)) == [(2, 3)]


def test_a_tie_without_weight_is_no_tie_even_without_a_minimum() -> None:
    t = Ties(4)
    t.reinforce(np.array([0, 1]), np.array([1, 2]), np.array([0.0, 0.3]))
    t.reinforced[:] = False
    t.decay(np.random.default_rng(0), np.ones(len(t)), fade=1.0, tie_min=0.0)
    assert len(t) == 0


def test_moving_away_removes_every_tie_of_the_households() -> None:
    t = Ties(6)
    t.reinforce(np.array([0, 1, 2, 3]), np.array([1, 2, 3, 4]), 0.3)
    t.drop_residents(np.array([2]))
    assert 2 not in set(t.i.tolist()) | set(t.j.tolist())
    assert len(t) == 2
    assert t.adjacency()[2].nnz == 0


def test_weaken_damages_only_the_named_ties() -> None:
    t = Ties(5)
    t.reinforce(np.array([0, 1, 2]), np.array([1, 2, 3]), 0.4)
    t.weaken(np.array([2, 4]), np.array([1, 0]), 0.5)  # (4, 0) does not exist: no tie made
    assert len(t) == 3
    assert t.weights_between(np.array([0, 1, 2]), np.array([1, 2, 3])) == pytest.approx(
        [0.4, 0.2, 0.4]
    )


# -- network measures against networkx ------------------------------------------------------------


@pytest.fixture(scope="module")
def quarter() -> QuartierModel:
    m = QuartierModel(rng=8, strategy="empowerment", **SMALL_QUARTER)
    for _ in range(6):
        m.step()
    return m


def test_degree_and_strength_match_networkx(quarter: QuartierModel) -> None:
    g = graph_of(quarter)
    assert g.number_of_edges() == len(quarter.ties)
    np.testing.assert_array_equal(quarter.ties.degree(), [g.degree(v) for v in range(g.order())])
    np.testing.assert_allclose(
        quarter.ties.strength(), [g.degree(v, weight="weight") for v in range(g.order())]
    )
    expected = nx.to_scipy_sparse_array(g, nodelist=range(g.order()), weight="weight")
    assert abs(quarter.ties.adjacency() - expected).max() == pytest.approx(0.0)


def test_mean_degree_is_twice_the_ties_per_resident(quarter: QuartierModel) -> None:
    g = graph_of(quarter)
    mean_degree = sum(d for _, d in g.degree()) / g.order()
    assert quarter.measures["mean_degree"] == pytest.approx(mean_degree)
    assert quarter.measures["mean_degree"] == pytest.approx(
        2 * g.number_of_edges() / quarter.residents.n
    )


def test_bridging_and_bonding_split_matches_networkx(quarter: QuartierModel) -> None:
    """A tie is bridging when it joins residents of different origin or age group."""
    r = quarter.residents
    g = graph_of(quarter)
    bridging = sum(1 for u, v in g.edges() if r.origin[u] != r.origin[v] or r.age[u] != r.age[v])
    assert quarter.measures["bridging_ties"] == bridging
    assert quarter.measures["bonding_ties"] == g.number_of_edges() - bridging
    assert quarter.measures["bridging_ties"] + quarter.measures["bonding_ties"] == len(quarter.ties)


def test_components_match_networkx(quarter: QuartierModel) -> None:
    g = graph_of(quarter)
    sizes = sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    n_components, labels = connected_components(quarter.ties.adjacency(), directed=False)
    assert n_components == len(sizes)
    assert sorted(np.bincount(labels).tolist(), reverse=True) == sizes
    assert quarter.measures["largest_component"] == pytest.approx(sizes[0] / g.order())
    assert social_capital_parts(quarter)["connectedness"] == pytest.approx(sizes[0] / g.order())


def test_without_ties_the_largest_component_is_one_resident(small_model) -> None:
    m = small_model(3, strategy="none", house_encounters=0.0, place_visit_rate=0.0)
    assert m.measures["largest_component"] == pytest.approx(1 / m.residents.n)
    assert m.measures["mean_degree"] == 0
