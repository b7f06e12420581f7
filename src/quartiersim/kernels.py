"""Compiled inner loops of the tie network (Numba).

Loops over every tie that NumPy cannot express without building a sparse matrix first. Each
kernel is a plain loop over the sorted edge list of :class:`quartiersim.ties.Ties` (``i < j``,
ascending key ``i * n + j``), names the rule of the model it serves, and is tested against a
NumPy/SciPy reference in ``tests/test_kernels.py``. ``cache=True`` keeps the compiled code
next to this file, so only the first run after a change compiles.

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
