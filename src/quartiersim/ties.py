"""Social ties between residents: a weighted, undirected, sparse network.

Ties form through encounters (in the house community, at public places, in joint action),
grow stronger with repeated contact and fade without it. A tie between residents of different
origin or age group is *bridging* (brückenbildend), within a group *bonding* (bindend); bridges
are fragile (Burt 2002: about nine in ten unreinforced bridges are gone after a year).

Storage: one sorted edge list (``i < j``, key ``i * n + j``) with a weight and a "reinforced
this week" flag per tie — the COO form of a sparse matrix. Queries that need neighbourhoods use
a symmetric CSR matrix built from it on demand and cached until the ties change. Every
operation is a handful of NumPy calls whose cost grows with the number of ties.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from quartiersim.residents import origin_age


class Ties:
    """The tie network of ``n`` residents."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.i = np.zeros(0, dtype=np.int64)
        self.j = np.zeros(0, dtype=np.int64)
        self.weight = np.zeros(0)
        self.reinforced = np.zeros(0, dtype=bool)
        self._csr: sp.csr_matrix | None = None

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.weight)

    @property
    def keys(self) -> np.ndarray:
        """One sortable key per tie, ``i * n + j``."""
        return self.i * self.n + self.j

    def adjacency(self) -> sp.csr_matrix:
        """Symmetric ``n`` x ``n`` CSR matrix of tie weights (cached until the ties change)."""
        if self._csr is None:
            rows = np.concatenate([self.i, self.j])
            cols = np.concatenate([self.j, self.i])
            data = np.concatenate([self.weight, self.weight])
            self._csr = sp.csr_matrix((data, (rows, cols)), shape=(self.n, self.n))
        return self._csr

    def degree(self) -> np.ndarray:
        """Number of ties of each resident."""
        return np.bincount(self.i, minlength=self.n) + np.bincount(self.j, minlength=self.n)

    def strength(self) -> np.ndarray:
        """Sum of tie weights of each resident."""
        return np.bincount(self.i, self.weight, self.n) + np.bincount(self.j, self.weight, self.n)

    def bridging(self, origin: np.ndarray, age: np.ndarray) -> np.ndarray:
        """Which ties connect residents of different origin or age group."""
        group = origin_age(origin, age)
        return group[self.i] != group[self.j]

    def weights_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Weight of the tie between ``a[k]`` and ``b[k]`` (0 where there is none)."""
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos, found = self._find(keys)
        out = np.zeros(len(keys))
        out[found] = self.weight[pos[found]]
        return out

    # -- changing ----------------------------------------------------------------------------
    def reinforce(self, a: np.ndarray, b: np.ndarray, gain: float | np.ndarray) -> int:
        """Contact between ``a[k]`` and ``b[k]``: strengthen their tie by ``gain`` or create it.

        Self-pairs are ignored; repeated pairs add up. Returns the number of new ties.
        """
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        gain = np.broadcast_to(np.asarray(gain, dtype=float), a.shape)
        keep = a != b
        if not keep.any():
            return 0
        a, b, gain = a[keep], b[keep], gain[keep]
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        ukeys, inverse = np.unique(keys, return_inverse=True)
        ugain = np.bincount(inverse, gain, len(ukeys))
        pos, found = self._find(ukeys)
        hit = pos[found]
        self.weight[hit] = np.minimum(1.0, self.weight[hit] + ugain[found])
        self.reinforced[hit] = True
        new = ukeys[~found]
        if len(new):
            at = pos[~found]
            self.i = np.insert(self.i, at, new // self.n)
            self.j = np.insert(self.j, at, new % self.n)
            self.weight = np.insert(self.weight, at, np.minimum(1.0, ugain[~found]))
            self.reinforced = np.insert(self.reinforced, at, True)
        self._changed()
        return len(new)

    def weaken(self, a: np.ndarray, b: np.ndarray, factor: float) -> None:
        """Damage existing ties between ``a[k]`` and ``b[k]`` by ``factor`` (0..1) of weight."""
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos, found = self._find(np.unique(keys))
        self.weight[pos[found]] *= 1.0 - factor
        self._changed()

    def decay(
        self,
        rng: np.random.Generator,
        weekly_survival: np.ndarray,
        fade: float,
        tie_min: float,
    ) -> int:
        """One week without contact for every tie not reinforced this week.

        An unreinforced tie dissolves with probability ``1 - weekly_survival`` (per tie) and
        otherwise loses ``fade`` of its weight; ties below ``tie_min`` are forgotten. Clears the
        weekly reinforcement flags. Returns the number of ties lost.
        """
        idle = ~self.reinforced
        self.weight[idle] *= 1.0 - fade
        broken = idle & (rng.random(len(self.weight)) >= weekly_survival)
        keep = ~broken & (self.weight >= tie_min) & (self.weight > 0)  # no weight: no tie
        lost = int(len(keep) - keep.sum())
        if lost:
            self.i, self.j, self.weight = self.i[keep], self.j[keep], self.weight[keep]
        self.reinforced = np.zeros(len(self.weight), dtype=bool)
        self._changed()
        return lost

    def bridge(self, a: np.ndarray, b: np.ndarray, gain: float, rng: np.random.Generator) -> None:
        """Meetings across two sides ``a`` and ``b``: new and stronger ties between them."""
        x, y = self.cross_pairs(a, b, max(len(a), len(b)), rng)
        self.reinforce(x, y, gain)

    def damage_cross_ties(self, a: np.ndarray, b: np.ndarray, factor: float) -> None:
        """Open conflict damages every existing tie between the two sides ``a`` and ``b``."""
        if len(a) == 0 or len(b) == 0:
            return
        x, y = np.meshgrid(a, b, indexing="ij")
        self.weaken(x.ravel(), y.ravel(), factor)

    @staticmethod
    def cross_pairs(
        a: np.ndarray, b: np.ndarray, k: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``k`` random pairs with one resident from ``a`` and one from ``b``."""
        if len(a) == 0 or len(b) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return rng.choice(a, size=k), rng.choice(b, size=k)

    def drop_residents(self, who: np.ndarray) -> None:
        """Remove every tie of the residents ``who`` (they moved away)."""
        gone = np.zeros(self.n, dtype=bool)
        gone[who] = True
        keep = ~(gone[self.i] | gone[self.j])
        self.i, self.j = self.i[keep], self.j[keep]
        self.weight, self.reinforced = self.weight[keep], self.reinforced[keep]
        self._changed()

    def _changed(self) -> None:
        self._csr = None  # the CSR view is rebuilt on the next query

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``keys`` in the sorted edge list, and which of them exist."""
        existing = self.keys
        pos = np.searchsorted(existing, keys)
        found = np.zeros(len(keys), dtype=bool)
        inside = pos < len(existing)
        found[inside] = existing[pos[inside]] == keys[inside]
        return pos, found


def random_pairs(members: np.ndarray, rng: np.random.Generator, rounds: int = 1) -> tuple:
    """Pair up ``members`` at random, ``rounds`` times (a meeting where each talks to others)."""
    a_parts, b_parts = [], []
    for _ in range(rounds):
        if len(members) < 2:
            break
        order = rng.permutation(members)
        half = len(order) // 2
        a_parts.append(order[:half])
        b_parts.append(order[half : 2 * half])
    if not a_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(a_parts), np.concatenate(b_parts)
