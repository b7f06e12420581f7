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
    """Contact forms and strengthens ties: merge the pairs who met (``met``: sorted unique keys
    ``i * n + j``, ``gain``: what their contacts add) into the sorted edge list.

    A pair with a tie gains weight (at most 1); a pair without one gets a new tie of weight
    ``min(1, gain)``; both count as reinforced this week. One walk along both sorted lists.
    Without new ties the list is changed in place; otherwise new arrays with the new ties in
    their sorted places are returned. Returns ``(keys, i, j, weight, reinforced, new_ties)``.
    """
    e, new_ties = 0, 0
    for k in range(len(met)):  # first walk: strengthen existing ties, count new ones
        while e < len(keys) and keys[e] < met[k]:
            e += 1
        if e < len(keys) and keys[e] == met[k]:
            weight[e] = min(1.0, weight[e] + gain[k])
            reinforced[e] = True
        else:
            new_ties += 1
    if new_ties == 0:
        return keys, i, j, weight, reinforced, 0
    size = len(keys) + new_ties
    keys2 = np.empty(size, dtype=keys.dtype)
    i2 = np.empty(size, dtype=i.dtype)
    j2 = np.empty(size, dtype=j.dtype)
    weight2 = np.empty(size, dtype=weight.dtype)
    reinforced2 = np.empty(size, dtype=reinforced.dtype)
    e, out = 0, 0
    for k in range(len(met) + 1):  # second walk: copy runs of old ties, insert the new ones
        stop = met[k] if k < len(met) else np.iinfo(np.int64).max
        while e < len(keys) and keys[e] < stop:
            keys2[out], i2[out], j2[out] = keys[e], i[e], j[e]
            weight2[out], reinforced2[out] = weight[e], reinforced[e]
            e += 1
            out += 1
        if k == len(met) or (e < len(keys) and keys[e] == stop):
            continue  # an existing tie: copied with the run before the next pair
        keys2[out], i2[out], j2[out] = stop, stop // n, stop % n
        weight2[out], reinforced2[out] = min(1.0, gain[k]), True
        out += 1
    return keys2, i2, j2, weight2, reinforced2, new_ties


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

    Weights change in place. Returns ``(keys, i, j, weight, lost)``: the kept ties (the same
    arrays when none is lost, else new ones in the same order) and how many were lost.
    """
    keep = np.empty(len(weight), dtype=np.bool_)
    remain = 1.0 - fade
    kept = 0
    for e in range(len(weight)):
        broken = False
        if not reinforced[e]:
            weight[e] *= remain
            broken = draws[e] >= survival[e]
        keep[e] = not broken and weight[e] >= tie_min and weight[e] > 0.0  # no weight: no tie
        kept += keep[e]
    lost = len(weight) - kept
    if lost == 0:
        return keys, i, j, weight, 0
    keys2 = np.empty(kept, dtype=keys.dtype)
    i2 = np.empty(kept, dtype=i.dtype)
    j2 = np.empty(kept, dtype=j.dtype)
    weight2 = np.empty(kept, dtype=weight.dtype)
    out = 0
    for e in range(len(weight)):
        if keep[e]:
            keys2[out], i2[out], j2[out], weight2[out] = keys[e], i[e], j[e], weight[e]
            out += 1
    return keys2, i2, j2, weight2, lost
