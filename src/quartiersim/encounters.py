"""Everyday encounters (Alltagsbegegnungen): in the house community and at public places.

Encounters are voluntary: withdrawn residents take no part. An encounter across age or origin
builds a tie only with probability ``bridging_openness`` (homophily); within a group it always
does. Each function returns the pairs ``(a, b)`` who met and took to each other this week.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from quartiersim.quarter import Layout
from quartiersim.residents import Residents


class Quarter(Protocol):
    """What everyday encounters use of the quarter: who lives where, and the dice."""

    residents: Residents
    layout: Layout
    rng: np.random.Generator
    p: dict[str, Any]
    building_of: np.ndarray  # each resident's building
    by_building: np.ndarray  # residents sorted by building
    building_start: np.ndarray  # where each building's residents start in ``by_building``
    building_size: np.ndarray  # residents per building
    nearest_place: np.ndarray  # each resident's nearest public place


def house_community(m: Quarter) -> tuple[np.ndarray, np.ndarray]:
    """Neighbours meeting in the stairwell, the yard, at the door (Hausgemeinschaft)."""
    r, rng = m.residents, m.rng
    out = ~r.withdrawn
    counts = rng.poisson(m.p["house_encounters"], size=r.n) * out
    a = np.repeat(np.arange(r.n), counts)
    b_ = m.building_of[a]
    start, size = m.building_start[b_], m.building_size[b_]
    b = m.by_building[start + (rng.random(len(a)) * size).astype(np.int64)]
    keep = (a != b) & out[b]
    return accept(m, a[keep], b[keep])


def public_places(m: Quarter) -> tuple[np.ndarray, np.ndarray]:
    """Residents visiting public places meet other visitors there, two by two."""
    r, rng = m.residents, m.rng
    visitors = np.flatnonzero(~r.withdrawn & (rng.random(r.n) < m.p["place_visit_rate"]))
    if len(visitors) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # Mostly the nearest place, sometimes another one.
    place = np.where(
        rng.random(len(visitors)) < 0.7,
        m.nearest_place[visitors],
        rng.integers(m.layout.n_places, size=len(visitors)),
    )
    order = np.lexsort((rng.random(len(visitors)), place))
    v, pl = visitors[order], place[order]
    a, b = v[:-1:2], v[1::2]
    same = pl[:-1:2] == pl[1::2]
    return accept(m, a[same], b[same])


def accept(m: Quarter, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep encounters that become ties: all within groups, some across (homophily)."""
    across = m.residents.across(a, b)
    keep = ~across | (m.rng.random(len(a)) < m.p["bridging_openness"])
    return a[keep], b[keep]
