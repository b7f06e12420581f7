"""Looking around a place reads the homes nearby from an index: the same residents as measuring
every home's distance, and who is affected by a problem follows concern when newcomers move in.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiersim import QuartierModel
from quartiersim.quarter import HomeIndex


@settings(max_examples=100, deadline=None)
@given(
    width=st.integers(1, 40),
    height=st.integers(1, 40),
    homes=st.integers(0, 300),
    x=st.floats(-10, 50, allow_nan=False),
    y=st.floats(-10, 50, allow_nan=False),
    radius=st.floats(0, 30, allow_nan=False),
    seed=st.integers(0, 2**16),
)
def test_homes_near_a_place_are_those_within_the_radius(width, height, homes, x, y, radius, seed):
    """The index finds exactly the homes whose distance to (x, y) is at most the radius, in
    ascending order, wherever the place lies (outside the quarter too)."""
    rng = np.random.default_rng(seed)
    xy = np.column_stack([rng.integers(width, size=homes), rng.integers(height, size=homes)])
    expected = np.flatnonzero(np.hypot(xy[:, 0] - x, xy[:, 1] - y) <= radius)
    np.testing.assert_array_equal(HomeIndex(xy, height).near(x, y, radius), expected)


def test_residents_affected_by_a_problem_follow_concern_when_newcomers_move_in():
    """Who is affected is read from concern; newcomers' concern replaces the old residents'."""
    m = QuartierModel(rng=3, n_residents=300, width=24, height=24)
    pr = m.problems
    for p in range(len(pr)):
        pr.affected(p)  # kept from now on
    m.replace_residents(np.arange(0, 300, 2))
    for p in range(len(pr)):
        np.testing.assert_array_equal(pr.affected(p), np.flatnonzero(pr.concern[:, p] >= 0.3))
