"""The compiled loops of the tie network agree with plain NumPy/SciPy on any network.

Each kernel in :mod:`quartiersim.kernels` has a reference here written with the libraries
(a sparse matrix product, SciPy's connected components); Hypothesis draws the networks.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from quartiersim import kernels
from quartiersim.ties import Ties


@st.composite
def networks(draw) -> Ties:
    """A tie network of up to 300 residents with random weights, as contact would make it
    (pairs may repeat and meet themselves; repeated contact adds up)."""
    n = draw(st.integers(1, 300))
    contacts = draw(st.integers(0, 8 * n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    t = Ties(n)
    t.reinforce(
        rng.integers(n, size=contacts), rng.integers(n, size=contacts), rng.random(contacts)
    )
    return t


@settings(max_examples=80, deadline=None)
@given(t=networks(), seed=st.integers(0, 2**16))
def test_flow_along_ties_is_the_adjacency_matrix_times_the_values_to_the_last_bit(t, seed):
    """Support and exposure flow along ties: the kernel sums each resident's ties in the order
    of the symmetric CSR matrix's row, so it gives SciPy's product exactly."""
    x = np.random.default_rng(seed).random(t.n)
    rows = np.concatenate([t.i, t.j])
    cols = np.concatenate([t.j, t.i])
    adjacency = sp.csr_matrix(
        (np.concatenate([t.weight, t.weight]), (rows, cols)), shape=(t.n, t.n)
    )
    np.testing.assert_array_equal(kernels.along_ties(t.i, t.j, t.weight, x, t.n), adjacency @ x)


@settings(max_examples=80, deadline=None)
@given(t=networks())
def test_largest_component_is_the_largest_connected_part(t):
    """Connectedness: the union-find kernel finds the same largest part as SciPy's
    connected components (one resident when nobody is tied)."""
    upper = sp.csr_matrix((t.weight, (t.i, t.j)), shape=(t.n, t.n))
    _, labels = connected_components(upper, directed=False)
    assert kernels.largest_component(t.i, t.j, t.n) == np.bincount(labels).max()


@settings(max_examples=80, deadline=None)
@given(t=networks())
def test_tie_strength_is_numpys_sum_of_weights_to_the_last_bit(t):
    """Tie strength is the sum of each resident's tie weights: the one-walk kernel adds in
    the order of NumPy's two weighted counts (ties to higher ids, then to lower ids), so the
    sums agree exactly."""
    expected = np.bincount(t.i, t.weight, t.n) + np.bincount(t.j, t.weight, t.n)
    np.testing.assert_array_equal(kernels.tie_strength(t.i, t.j, t.weight, t.n), expected)


@settings(max_examples=80, deadline=None)
@given(t=networks(), groups=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_ties_across_groups_are_those_whose_ends_differ(t, groups, seed):
    """A tie bridges when its two residents are in different groups: the kernel marks exactly
    the ties NumPy's comparison of both ends marks."""
    group = np.random.default_rng(seed).integers(groups, size=t.n)
    np.testing.assert_array_equal(kernels.across_groups(t.i, t.j, group), group[t.i] != group[t.j])


def contacts_with_numpy(t: Ties, met: np.ndarray, gain: np.ndarray) -> tuple:
    """The reference for :func:`kernels.add_contacts`: find the pairs in the sorted list,
    strengthen the ties found, insert the others where they belong (``np.insert``)."""
    keys, weight, reinforced = t.keys.copy(), t.weight.copy(), t.reinforced.copy()
    pos = np.searchsorted(keys, met)
    found = np.zeros(len(met), dtype=bool)
    inside = pos < len(keys)
    found[inside] = keys[pos[inside]] == met[inside]
    weight[pos[found]] = np.minimum(1.0, weight[pos[found]] + gain[found])
    reinforced[pos[found]] = True
    at, new = pos[~found], met[~found]
    return (
        np.insert(keys, at, new),
        np.insert(t.i, at, new // t.n),
        np.insert(t.j, at, new % t.n),
        np.insert(weight, at, np.minimum(1.0, gain[~found])),
        np.insert(reinforced, at, True),
        len(new),
    )


@settings(max_examples=80, deadline=None)
@given(t=networks(), contacts=st.integers(0, 400), seed=st.integers(0, 2**16))
def test_adding_contacts_strengthens_found_ties_and_inserts_new_ones_in_order(t, contacts, seed):
    """Contact forms and strengthens ties: the merge (binary search, runs copied as blocks)
    gives exactly what searching and inserting with NumPy gives — the same sorted list,
    weights, flags and count of new ties."""
    rng = np.random.default_rng(seed)
    t.reinforced[:] = rng.random(len(t)) < 0.5
    a, b = rng.integers(t.n, size=contacts), rng.integers(t.n, size=contacts)
    keep = a != b
    met = np.unique(np.minimum(a, b)[keep] * t.n + np.maximum(a, b)[keep])
    gain = rng.uniform(0.0, 0.8, size=len(met))
    expected = contacts_with_numpy(t, met, gain)
    actual = kernels.add_contacts(
        t.keys.copy(), t.i, t.j, t.weight.copy(), t.reinforced.copy(), met, gain, t.n
    )
    assert actual[5] == expected[5]
    for got, want in zip(actual[:5], expected[:5], strict=True):
        np.testing.assert_array_equal(got, want)


def week_without_contact_with_numpy(t: Ties, draws, survival, fade, tie_min) -> tuple:
    """The reference for :func:`kernels.week_without_contact`, in NumPy: idle ties fade and
    break by their draws; too weak or weightless ties are dropped."""
    weight = t.weight.copy()
    idle = ~t.reinforced
    weight[idle] *= 1.0 - fade
    broken = idle & (draws >= survival)
    keep = ~broken & (weight >= tie_min) & (weight > 0)
    return t.keys[keep], t.i[keep], t.j[keep], weight[keep], int(len(keep) - keep.sum())


@settings(max_examples=80, deadline=None)
@given(
    t=networks(),
    seed=st.integers(0, 2**16),
    fade=st.sampled_from([0.0, 0.02, 0.5, 1.0]),
    tie_min=st.sampled_from([0.0, 0.02, 0.3]),
)
def test_a_week_without_contact_fades_and_breaks_exactly_the_idle_ties(t, seed, fade, tie_min):
    """Ties fade without contact: the kernel keeps, weakens and drops exactly the ties the
    NumPy rule does, and leaves reinforced ties untouched."""
    rng = np.random.default_rng(seed)
    t.reinforced[:] = rng.random(len(t)) < 0.4
    draws, survival = rng.random(len(t)), rng.uniform(0.0, 1.0, size=len(t))
    expected = week_without_contact_with_numpy(t, draws, survival, fade, tie_min)
    actual = kernels.week_without_contact(
        t.keys.copy(),
        t.i.copy(),
        t.j.copy(),
        t.weight.copy(),
        t.reinforced,
        draws,
        survival,
        fade,
        tie_min,
    )
    assert actual[4] == expected[4]
    for got, want in zip(actual[:4], expected[:4], strict=True):
        np.testing.assert_array_equal(got, want)


@settings(max_examples=80, deadline=None)
@given(t=networks(), seed=st.integers(0, 2**16), share=st.floats(0.0, 1.0))
def test_rows_of_residents_are_the_rows_of_the_adjacency_matrix(t, seed, share):
    """Whom a resident can ask: the kernel reads each chosen resident's ties from the list in
    the order of the symmetric CSR matrix's row, weights and all, rows in the order asked (a
    tie without weight is no entry there either)."""
    rng = np.random.default_rng(seed)
    t.weight[rng.random(len(t)) < 0.1] = 0.0
    t._changed()
    who = rng.permutation(t.n)[: int(share * t.n)]
    expected = t.adjacency()[who]
    indptr, indices, data = t.rows(who)
    np.testing.assert_array_equal(indptr, expected.indptr)
    np.testing.assert_array_equal(indices, expected.indices)
    np.testing.assert_array_equal(data, expected.data)


@settings(max_examples=80, deadline=None)
@given(t=networks(), meetings=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_contacts_of_several_meetings_merged_at_once_equal_merging_them_in_turn(t, meetings, seed):
    """Contacts wait until the network is read: the contacts of several meetings merged in one
    walk (a pair may repeat) leave the same list, weights and flags as merging one meeting
    after the other, to the last bit."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(meetings):
        size = int(rng.integers(0, 60))
        a, b = rng.integers(t.n, size=size), rng.integers(t.n, size=size)
        batches.append((a, b, rng.uniform(0.0, 0.8, size=size)))
    in_turn = Ties(t.n)
    in_turn.reinforce(t.i, t.j, t.weight)
    at_once = Ties(t.n)
    at_once.reinforce(t.i, t.j, t.weight)
    for a, b, gain in batches:
        in_turn.reinforce(a, b, gain)
        at_once.meet(a, b, gain)
    for name in ("keys", "i", "j", "weight", "reinforced"):
        np.testing.assert_array_equal(getattr(at_once, name), getattr(in_turn, name))
