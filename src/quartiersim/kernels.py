"""Compiled inner loops of the tie network (Numba).

Loops over every tie that NumPy cannot express without building a sparse matrix first or
copying the whole list several times. Each kernel is a plain loop over the sorted edge list of
:class:`quartiersim.ties.Ties` (``i < j``, ascending key ``i * n + j``), names the rule of the
model it serves, and is tested against a NumPy/SciPy reference in ``tests/test_kernels.py``.
``cache=True`` keeps the compiled code next to this file, so only the first run after a change
compiles.

This module is imported on first use (see :mod:`quartiersim.ties`), so that ``import
quartiersim`` does not pay for importing Numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def along_ties(i: np.ndarray, j: np.ndarray, w: np.ndarray, x: np.ndarray, n: int) -> np.ndarray:
    """What flows to each resident along their ties: ``sum over ties of weight * x[other]``
    (the adjacency matrix times ``x``) — social support, exposure to a group.

    The edge list is sorted by ``(i, j)``, so each resident's ties to lower ids come before
    those to higher ids, in ascending order: the sum runs in the order of the symmetric CSR
    matrix's row, and gives the same number to the last bit.
    """
    out = np.zeros(n)
    for e in range(len(w)):
        out[i[e]] += w[e] * x[j[e]]
        out[j[e]] += w[e] * x[i[e]]
    return out


@njit(cache=True)
def largest_component(i: np.ndarray, j: np.ndarray, n: int) -> int:
    """Residents in the largest connected part of the tie network (Zusammenhang): union-find
    over the ties, joining the smaller part to the larger, with path halving."""
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    largest = 1 if n > 0 else 0
    for e in range(len(i)):
        a = i[e]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        b = j[e]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a == b:
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        largest = max(largest, size[a])
    return largest


@njit(cache=True)
def across_groups(i: np.ndarray, j: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per tie, whether its two residents belong to different groups (``group[i] !=
    group[j]``) — for origin-and-age groups: whether the tie bridges (brückenbildend) or
    bonds. One walk over the list, without gathering both ends into arrays first."""
    out = np.empty(len(i), dtype=np.bool_)
    for e in range(len(i)):
        out[e] = group[i[e]] != group[j[e]]
    return out


@njit(cache=True)
def add_contacts(
    keys: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    reinforced: np.ndarray,
    met: np.ndarray,
    gain: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Contact forms and strengthens ties: merge the pairs who met (``met``: sorted keys
    ``i * n + j``, ``gain``: what their contact adds) into the sorted edge list.

    A pair with a tie gains weight (at most 1); a pair without one gets a new tie of weight
    ``min(1, gain)``; both count as reinforced this week. A pair may appear more than once —
    the contacts of several meetings, in the order they happened: each adds in turn, as if
    merged one meeting after the other. Each pair is found by binary search, so a few
    contacts cost little in a big network. Without new ties the list is changed in place;
    otherwise new arrays with the new ties in their sorted places are returned (the runs of
    old ties between them copied as blocks). Returns ``(keys, i, j, weight, reinforced,
    new_ties)``.
    """
    pos = np.searchsorted(keys, met)
    new_ties = 0
    for k in range(len(met)):  # strengthen existing ties, count new ones
        e = pos[k]
        if e < len(keys) and keys[e] == met[k]:
            weight[e] = min(1.0, weight[e] + gain[k])
            reinforced[e] = True
        elif k == 0 or met[k] != met[k - 1]:
            new_ties += 1
    if new_ties == 0:
        return keys, i, j, weight, reinforced, 0
    size = len(keys) + new_ties
    keys2 = np.empty(size, dtype=keys.dtype)
    i2 = np.empty(size, dtype=i.dtype)
    j2 = np.empty(size, dtype=j.dtype)
    weight2 = np.empty(size, dtype=weight.dtype)
    reinforced2 = np.empty(size, dtype=reinforced.dtype)
    src, out, k = 0, 0, 0
    while True:  # copy the run of old ties before each new one, insert it
        e = pos[k] if k < len(met) else len(keys)
        if k < len(met) and e < len(keys) and keys[e] == met[k]:
            k += 1
            continue  # an existing tie: copied with the run before the next new one
        run = e - src
        keys2[out : out + run] = keys[src:e]
        i2[out : out + run] = i[src:e]
        j2[out : out + run] = j[src:e]
        weight2[out : out + run] = weight[src:e]
        reinforced2[out : out + run] = reinforced[src:e]
        out += run
        src = e
        if k == len(met):
            break
        w = min(1.0, gain[k])  # the new tie, and what later contacts of the pair add to it
        key = met[k]
        k += 1
        while k < len(met) and met[k] == key:
            w = min(1.0, w + gain[k])
            k += 1
        keys2[out], i2[out], j2[out] = key, key // n, key % n
        weight2[out], reinforced2[out] = w, True
        out += 1
    return keys2, i2, j2, weight2, reinforced2, new_ties


@njit(cache=True)
def tie_strength(i: np.ndarray, j: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """Each resident's tie strength, the sum of the weights of their ties (Beziehungsstärke):
    the ties to higher ids summed in the list's order, then those to lower ids, and the two
    sums added — NumPy's two weighted ``bincount`` calls to the last bit, in one walk."""
    upper = np.zeros(n)
    lower = np.zeros(n)
    for e in range(len(w)):
        upper[i[e]] += w[e]
        lower[j[e]] += w[e]
    return upper + lower


@njit(cache=True)
def week_without_contact(
    keys: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    reinforced: np.ndarray,
    draws: np.ndarray,
    survival: np.ndarray,
    fade: float,
    tie_min: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Ties fade without contact: every tie not reinforced this week loses ``fade`` of its
    weight and breaks when its uniform draw reaches its weekly ``survival`` chance; ties below
    ``tie_min`` or without weight are forgotten.

    The list is compacted in place (each kept tie moves forward over the lost ones, in the
    same order), so a big network is not copied every week. Returns ``(keys, i, j, weight,
    lost)``: the kept ties — the first entries of the same arrays — and how many were lost.
    """
    remain = 1.0 - fade
    kept = 0
    for e in range(len(weight)):
        broken = False
        if not reinforced[e]:
            weight[e] *= remain
            broken = draws[e] >= survival[e]
        if not broken and weight[e] >= tie_min and weight[e] > 0.0:  # no weight: no tie
            keys[kept], i[kept], j[kept], weight[kept] = keys[e], i[e], j[e], weight[e]
            kept += 1
    return keys[:kept], i[:kept], j[:kept], weight[:kept], len(weight) - kept


@njit(cache=True)
def rows_of(
    i: np.ndarray, j: np.ndarray, w: np.ndarray, row_of: np.ndarray, rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ties of some residents, whom to ask for help (``row_of``: each resident's row, -1
    for the others; no resident in two rows): per row, the other end of each tie with weight,
    ascending — the rows of the symmetric adjacency matrix in CSR form (``indptr, indices,
    data``), read from the edge list without building the matrix. A tie without weight is no
    entry, as in the matrix.

    For a fixed resident the list holds the ties to lower ids (as ``j``) in ascending ``i``
    and those to higher ids (as ``i``) in ascending ``j``: the lower ones go first.
    """
    lower = np.zeros(rows, dtype=np.int64)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    for e in range(len(w)):
        if w[e] == 0.0:
            continue
        a, b = row_of[i[e]], row_of[j[e]]
        if a >= 0:
            indptr[a + 1] += 1
        if b >= 0:
            indptr[b + 1] += 1
            lower[b] += 1
    for r in range(rows):
        indptr[r + 1] += indptr[r]
    at_lower = indptr[:-1].copy()
    at_upper = indptr[:-1] + lower
    indices = np.empty(indptr[rows], dtype=np.int64)
    data = np.empty(indptr[rows])
    for e in range(len(w)):
        if w[e] == 0.0:
            continue
        a, b = row_of[i[e]], row_of[j[e]]
        if a >= 0:
            indices[at_upper[a]], data[at_upper[a]] = j[e], w[e]
            at_upper[a] += 1
        if b >= 0:
            indices[at_lower[b]], data[at_lower[b]] = i[e], w[e]
            at_lower[b] += 1
    return indptr, indices, data
