"""Social ties between residents: a weighted, undirected, sparse network.

Ties form through encounters (in the house community, at public places, in joint action),
grow stronger with repeated contact and fade without it. A tie between residents of different
origin or age group is *bridging* (brückenbildend), within a group *bonding* (bindend); bridges
are fragile (Burt 2002: about nine in ten unreinforced bridges are gone after a year).

Storage: one sorted edge list (``i < j``, key ``i * n + j``) with a weight and a "reinforced
this week" flag per tie — the COO form of a sparse matrix. Every weekly query is answered from
the list itself, never from a rebuilt matrix: sums along ties and components by small compiled
loops over it (:mod:`quartiersim.kernels`), neighbourhoods by a search in it. Contacts are
merged into it, and fading ties dropped from it, in one compiled walk each; contacts wait until
the network is next read (:meth:`Ties.meet`), so that the meetings of a week in a row cost one
merge and every reader sees each contact as merged when it happened. Sorted by key, the
list is also the upper triangle of the adjacency matrix in CSR form (:meth:`Ties.upper`); the
full symmetric matrix is built only for callers who ask for it (:meth:`Ties.adjacency`). The
cost of every operation grows with the number of ties.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from quartiersim.residents import origin_age

if TYPE_CHECKING:  # imported where a matrix is built: the weekly rules need none
    import scipy.sparse as sp


def _kernels() -> ModuleType:
    """The compiled loops, imported on first use: importing Numba takes a few tenths of a
    second that ``import quartiersim`` alone should not pay."""
    from quartiersim import kernels

    return kernels


class Ties:
    """The tie network of ``n`` residents."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._i = np.zeros(0, dtype=np.int64)
        self._j = np.zeros(0, dtype=np.int64)
        self._weight = np.zeros(0)
        self._reinforced = np.zeros(0, dtype=bool)
        self._keys = np.zeros(0, dtype=np.int64)
        # Contacts not yet merged into the list (see :meth:`meet`): pairs and what each adds.
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        # Views of the list as sparse matrices. The upper triangle shares the weight array, so
        # it stays valid while ties only change weight (in place); the symmetric matrix holds
        # copies and is dropped on every change.
        self._upper: sp.csr_matrix | None = None
        self._csr: sp.csr_matrix | None = None
        self._degree: np.ndarray | None = None  # each resident's number of ties, once asked

    # -- reading ----------------------------------------------------------------------------
    # Every read goes through these views, which first merge the contacts still pending: a
    # reader sees the network as if each contact had been merged when it happened.
    @property
    def i(self) -> np.ndarray:
        """The lower end of each tie."""
        self._merge_pending()
        return self._i

    @property
    def j(self) -> np.ndarray:
        """The higher end of each tie."""
        self._merge_pending()
        return self._j

    @property
    def weight(self) -> np.ndarray:
        """Each tie's weight, in (0, 1]."""
        self._merge_pending()
        return self._weight

    @property
    def reinforced(self) -> np.ndarray:
        """Whether each tie had contact this week."""
        self._merge_pending()
        return self._reinforced

    def __len__(self) -> int:
        return len(self.weight)

    @property
    def keys(self) -> np.ndarray:
        """One sortable key per tie, ``i * n + j`` (ascending: the list's order)."""
        self._merge_pending()
        return self._keys

    def upper(self) -> sp.csr_matrix:
        """The upper triangle of the adjacency matrix (row ``i``, column ``j > i``, tie weight)
        as CSR — the sorted edge list itself, with row pointers (cached until the ties change).
        Its transpose is the lower triangle, so ``upper + upper.T`` is the whole network."""
        self._merge_pending()  # the cached views are of the merged list
        if self._upper is None:
            import scipy.sparse as sp

            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.i, minlength=self.n), out=indptr[1:])
            self._upper = sp.csr_matrix((self.weight, self.j, indptr), shape=(self.n, self.n))
        return self._upper

    def adjacency(self) -> sp.csr_matrix:
        """Symmetric ``n`` x ``n`` CSR matrix of tie weights (cached until the ties change).

        For callers who need the whole matrix (inspection, tests); the weekly rules use
        :meth:`neighbour_sum`, :meth:`neighbours` and :meth:`largest_component` instead.
        """
        self._merge_pending()  # the cached views are of the merged list
        if self._csr is None:
            upper = self.upper()
            self._csr = (upper + upper.T).tocsr()
        return self._csr

    def neighbour_sum(self, values: np.ndarray) -> np.ndarray:
        """For each resident, the sum over their ties of tie weight times the other's value
        (the adjacency matrix times ``values``): what flows to each along their ties."""
        values = np.asarray(values, dtype=float)
        return _kernels().along_ties(self.i, self.j, self.weight, values, self.n)

    def rows(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ties of residents ``who`` (each at most once) as the rows of the symmetric
        adjacency matrix in CSR form, ``indptr, indices, data`` — ``adjacency()[who]``, in one
        compiled walk over the list instead of building the whole matrix."""
        row_of = np.full(self.n, -1, dtype=np.int64)
        row_of[who] = np.arange(len(who))
        return _kernels().rows_of(self.i, self.j, self.weight, row_of, len(who))

    def neighbours(self, who: int) -> np.ndarray:
        """The residents tied to ``who``, ascending."""
        lo, hi = np.searchsorted(self.keys, [who * self.n, (who + 1) * self.n])
        return np.concatenate([self.i[self.j == who], self.j[lo:hi]])

    def degree(self) -> np.ndarray:
        """Number of ties of each resident (kept until ties are added or removed: a change of
        weight changes no one's number of ties). A read-only array."""
        self._merge_pending()  # the cached views are of the merged list
        if self._degree is None:
            degree = np.bincount(self.i, minlength=self.n) + np.bincount(self.j, minlength=self.n)
            degree.flags.writeable = False  # shared by every caller until the next change
            self._degree = degree
        return self._degree

    def strength(self) -> np.ndarray:
        """Sum of tie weights of each resident (ties to higher ids first, then to lower ids),
        in one compiled walk over the list."""
        return _kernels().tie_strength(self.i, self.j, self.weight, self.n)

    def weight_within(
        self, label: np.ndarray, n_labels: int, labelled: np.ndarray | None = None
    ) -> np.ndarray:
        """Per label, the total weight of the ties joining two residents of that label (-1: no
        label) — for example the ties inside each action group, whatever their number.

        Read from the labelled residents' ties to higher ids only (each tie inside a label is
        one of them), in the list's order. ``labelled``: the residents to read (ascending,
        every resident of each of their labels), when only some labels are wanted — the
        others get 0.
        """
        if labelled is None:
            labelled = np.flatnonzero(label >= 0)
        start = np.searchsorted(self.keys, labelled * self.n)
        stop = np.searchsorted(self.keys, (labelled + 1) * self.n)
        count = stop - start
        # The positions of all those ties: each labelled resident's run of the list in turn.
        first = np.repeat(start - np.cumsum(count) + count, count)
        ties = first + np.arange(int(count.sum()))
        own, other = label[self.i[ties]], label[self.j[ties]]
        inside = own == other
        return np.bincount(own[inside], self.weight[ties[inside]], n_labels)

    def largest_component(self) -> int:
        """Number of residents in the largest connected part of the network (1 without ties)."""
        return int(_kernels().largest_component(self.i, self.j, self.n))

    def weight_across(self, a: np.ndarray, b: np.ndarray) -> float:
        """Total weight of the ties joining a resident of ``a`` with one of ``b`` (disjoint)."""
        in_a = np.zeros(self.n, dtype=bool)
        in_b = np.zeros(self.n, dtype=bool)
        in_a[a] = True
        in_b[b] = True
        across = (in_a[self.i] & in_b[self.j]) | (in_b[self.i] & in_a[self.j])
        return float(self.weight[across].sum())

    def bridging(self, origin: np.ndarray, age: np.ndarray) -> np.ndarray:
        """Which ties connect residents of different origin or age group."""
        return _kernels().across_groups(self.i, self.j, origin_age(origin, age))

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
        self._merge_pending()
        self.meet(a, b, gain)
        return self._merge_pending()

    def meet(self, a: np.ndarray, b: np.ndarray, gain: float | np.ndarray) -> None:
        """Contact between ``a[k]`` and ``b[k]``, as :meth:`reinforce`, merged into the list
        when it is next read: the contacts of several meetings in a row then cost one merge
        (one copy of the list) instead of one each, with the same ties and weights."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        gain = np.broadcast_to(np.asarray(gain, dtype=float), a.shape)
        keep = a != b
        if not keep.any():
            return
        a, b, gain = a[keep], b[keep], gain[keep]
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        met, inverse = np.unique(keys, return_inverse=True)
        self._pending.append((met, np.bincount(inverse, gain, len(met))))  # repeats add up

    def _merge_pending(self) -> int:
        """Merge the pending contacts, meeting after meeting; returns the number of new ties."""
        if not self._pending:
            return 0
        if len(self._pending) == 1:
            met, gain = self._pending[0]
        else:  # one sorted list; a pair met in several meetings keeps their order
            met = np.concatenate([m for m, _ in self._pending])
            gain = np.concatenate([g for _, g in self._pending])
            order = np.argsort(met, kind="stable")
            met, gain = met[order], gain[order]
        self._pending = []
        *arrays, new = _kernels().add_contacts(
            self._keys, self._i, self._j, self._weight, self._reinforced, met, gain, self.n
        )
        if new:
            self._keys, self._i, self._j, self._weight, self._reinforced = arrays
            self._restructured()
        self._changed()
        return int(new)

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
        draws = rng.random(len(self.weight))
        survival = np.asarray(weekly_survival, dtype=float)
        if survival.ndim == 0:
            survival = np.full(len(draws), float(survival))
        *arrays, lost = _kernels().week_without_contact(
            self.keys, self.i, self.j, self.weight, self.reinforced, draws, survival, fade, tie_min
        )
        if lost:
            self._keys, self._i, self._j, self._weight = arrays
            self._restructured()
        self._reinforced = np.zeros(len(self._weight), dtype=bool)
        self._changed()
        return int(lost)

    def bridge(self, a: np.ndarray, b: np.ndarray, gain: float, rng: np.random.Generator) -> None:
        """Meetings across two sides ``a`` and ``b``: new and stronger ties between them."""
        x, y = self.cross_pairs(a, b, max(len(a), len(b)), rng)
        self.meet(x, y, gain)

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
        self._i, self._j, self._keys = self._i[keep], self._j[keep], self._keys[keep]
        self._weight, self._reinforced = self._weight[keep], self._reinforced[keep]
        self._restructured()
        self._changed()

    def _changed(self) -> None:
        """Weights changed (in place): the symmetric matrix is rebuilt on the next query."""
        self._csr = None

    def _restructured(self) -> None:
        """Ties were added or removed (new arrays): every matrix view is rebuilt when needed."""
        self._upper = self._csr = self._degree = None

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
