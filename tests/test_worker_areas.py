"""Workers sent to one part of the quarter (social-space orientation, Sozialraumorientierung).

A worker can send each role that goes somewhere — the problem sensor's walks, outreach visits,
and any role declared ``placed`` — to an area of the quarter
(:meth:`quartiersim.workers.CommunityWorker.set_area`). The role then works there only; without
an area it works across the whole quarter exactly as before (the reference runs replay
unchanged). Nothing looks at which strategy or role it is: the area travels in the role's
:class:`~quartiersim.roles.Budget`, and a role reads it or not.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_QUARTER
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiersim import ACTIVITIES, QuartierModel
from quartiersim.quarter import Area, check_area
from quartiersim.roles import Activity, Budget, Quarter, Worker

NORTH_EAST = Area(10, 10, 20, 20)  # the upper right quarter of a 20 x 20 grid


def workers_doing(role: str, seed: int = 1, **params) -> QuartierModel:
    """A small quarter whose workers spend all their hours on ``role``."""
    return QuartierModel(
        rng=seed, strategy="custom", role_mix={role: 1.0}, **{**SMALL_QUARTER, **params}
    )


def distance_to(area: Area, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance from points to the nearest cell of ``area``."""
    dx = np.maximum(0, np.maximum(area.x0 - x, x - (area.x1 - 1)))
    dy = np.maximum(0, np.maximum(area.y0 - y, y - (area.y1 - 1)))
    return np.hypot(dx, dy)


def test_problem_sensor_sent_to_an_area_walks_there_and_finds_problems_near_it() -> None:
    """Small-scale social reporting where the worker was sent: every walk ends in the area,
    and every problem the walks make public lies within a walk's reach of it."""
    m = workers_doing("problem_sensor", n_problems=12)
    for w in m.workers:
        w.set_area("problem_sensor", NORTH_EAST)
    positions = []
    for _ in range(8):
        m.step()
        positions += [w.cell.coordinate for w in m.workers]
    assert NORTH_EAST.contains(np.array(positions)).all()
    found = [e.data["problem"] for e in m.activity if e.key == "problem_found"]
    assert found, "the walks found nothing: the test quarter needs latent problems in reach"
    pr = m.problems
    assert (distance_to(NORTH_EAST, pr.x[found], pr.y[found]) <= m.p["walk_radius"]).all()


def test_problem_sensor_without_an_area_walks_across_the_whole_quarter() -> None:
    """The contrast: the same workers, not sent anywhere, also end walks outside that area."""
    m = workers_doing("problem_sensor", n_problems=12)
    positions = []
    for _ in range(8):
        m.step()
        positions += [w.cell.coordinate for w in m.workers]
    assert not NORTH_EAST.contains(np.array(positions)).all()


def test_outreach_sent_to_an_area_knocks_only_on_doors_there() -> None:
    """Outreach (aufsuchende Arbeit) in one part of the quarter: every resident offered a visit
    lives in the area; residents elsewhere are never offered one."""
    m = workers_doing("resource_diagnostician")
    for w in m.workers:
        w.set_area("resource_diagnostician", NORTH_EAST)
    before = m.knowledge.offered_week.copy()
    for _ in range(6):
        m.step()
    inside = NORTH_EAST.contains(m.home_xy)
    offered = m.knowledge.offered_week != before
    assert offered.any()
    assert not (offered & ~inside).any()
    visited = [e.data["resident"] for e in m.activity if e.key == "outreach_visit"]
    assert visited and inside[visited].all()


def test_a_role_sent_back_to_the_whole_quarter_works_as_if_never_sent() -> None:
    """``set_area(role, None)`` undoes an area: the run is the same as one without it, week for
    week (the area changes nothing but where the role goes)."""
    sent_back = workers_doing("problem_sensor")
    never = workers_doing("problem_sensor")
    for w in sent_back.workers:
        w.set_area("problem_sensor", (0, 0, 5, 5))
        w.set_area("problem_sensor", None)
    for _ in range(6):
        sent_back.step()
        never.step()
    assert sent_back.measures == never.measures


def test_each_worker_goes_where_it_was_sent() -> None:
    """Two workers, two areas: the problem sensor of each ends its walks in its own area."""
    m = workers_doing("problem_sensor")
    areas = [Area(0, 0, 10, 10), NORTH_EAST]
    for w, area in zip(m.workers, areas, strict=True):
        w.set_area("problem_sensor", area)
    for _ in range(4):
        m.step()
        for w, area in zip(m.workers, areas, strict=True):
            assert area.contains(np.array([w.cell.coordinate])).all()


@pytest.mark.parametrize(
    ("activity", "area", "message"),
    [
        ("door_opener", (0, 0, 5, 5), "does not go to one part of the quarter"),
        ("case_work", (0, 0, 5, 5), "does not go to one part of the quarter"),
        ("street_party", (0, 0, 5, 5), "unknown activity 'street_party'"),
        ("problem_sensor", (0, 0, 21, 5), "0 <= x0 < x1 <= 20"),
        ("problem_sensor", (5, 5, 5, 8), "0 <= x0 < x1 <= 20"),
        ("problem_sensor", (-1, 0, 5, 5), "is not allowed"),
        ("problem_sensor", (0, 0, 5), "is not allowed"),
        ("problem_sensor", (0, 0, 5.5, 5), "is not allowed"),
        ("problem_sensor", "north", "is not allowed"),
        ("problem_sensor", 7, "is not allowed"),
        ("problem_sensor", (True, 0, 5, 5), "is not allowed"),
    ],
)
def test_a_bad_area_is_refused_with_a_message_naming_it(
    small_model, activity, area, message
) -> None:
    """Only a role that goes somewhere takes an area, and only cells of the quarter; the
    message names what was wrong and what is allowed, and the worker keeps its old areas."""
    m = small_model()
    worker = m.workers[0]
    worker.set_area("problem_sensor", NORTH_EAST)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        worker.set_area(activity, area)
    assert worker.areas == {"problem_sensor": NORTH_EAST}


def test_the_roles_that_go_somewhere_are_declared_so() -> None:
    """The walk and the home visit go to places; organising, advocacy, dialogue, mediation and
    case work work with groups and institutions, wherever they are."""
    assert [a for a, spec in ACTIVITIES.items() if spec.placed] == [
        "problem_sensor",
        "resource_diagnostician",
    ]


def test_a_new_role_declared_placed_receives_its_area(small_model) -> None:
    """A seventh role that goes somewhere needs nothing but ``placed=True`` in its declaration:
    its mechanism finds the worker's area in its budget (no code names the role)."""
    seen: list[Area | None] = []

    def street_work(m: Quarter, w: Worker, budget: Budget) -> None:
        seen.append(budget.area)
        budget.take(budget.hours)

    declared = Activity(
        name="street_work",
        act=street_work,
        role=True,
        german="Straßensozialarbeit",
        label=("street work", "Straßensozialarbeit"),
        explanation=("Meets people in the street.", "Trifft Menschen auf der Straße."),
        longest_task=2.0,
        colour="#000000",
        placed=True,
    )
    with ACTIVITIES.added(declared):
        m = small_model(strategy="custom", role_mix={"street_work": 1.0}, n_workers=1)
        m.step()
        m.workers[0].set_area("street_work", NORTH_EAST)
        m.step()
    assert seen == [None, NORTH_EAST]


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(10, 60),
    height=st.integers(10, 60),
    corners=st.tuples(*[st.floats(0, 1)] * 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_an_area_draws_only_its_own_cells(width, height, corners, seed) -> None:
    """Whatever area of whatever quarter: a checked area lies inside the grid, every cell drawn
    from it lies in it, and ``contains`` agrees with its bounds."""
    a, b, c, d = corners
    x0, x1 = sorted((int(a * width), int(b * width)))
    y0, y1 = sorted((int(c * height), int(d * height)))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    if x1 > width or y1 > height:
        with pytest.raises(ValueError):
            check_area((x0, y0, x1, y1), width, height)
        return
    area = check_area((x0, y0, x1, y1), width, height)
    assert area is not None
    rng = np.random.default_rng(seed)
    cells = np.array([area.random_cell(rng) for _ in range(20)])
    assert area.contains(cells).all()
    assert (cells >= [x0, y0]).all() and (cells < [x1, y1]).all()
    grid = np.argwhere(np.ones((width, height), dtype=bool))
    assert area.contains(grid).sum() == (x1 - x0) * (y1 - y0)
