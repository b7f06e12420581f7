"""``participation_year``: who took part in an action group in the last 52 weeks — the model's
quantity for the Community Life Survey's civic activism 'in the last 12 months'."""

from __future__ import annotations

import numpy as np
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel
from quartiersim.knowledge import NEVER
from quartiersim.measures import YEAR_WEEKS
from quartiersim.problems import KIND_INDEX, VISIBLE


def quiet(seed: int = 1, **params) -> QuartierModel:
    """A quarter where nobody founds or joins a group by themselves."""
    calm = {"strategy": "none", "n_problems": 0, "problem_arrival_weeks": 10_000.0}
    return QuartierModel(rng=seed, **{**SMALL_QUARTER, **calm, "founding_rate": 0.0, **params})


def test_nobody_has_taken_part_in_a_quarter_without_groups() -> None:
    m = quiet()
    assert (m.residents.took_part_week == NEVER).all()
    assert m.measures["participation_year"] == 0.0


def test_taking_part_30_weeks_ago_counts_and_60_weeks_ago_does_not() -> None:
    m = quiet()
    for _ in range(70):
        m.step()
    r = m.residents
    r.took_part_week[:] = NEVER
    r.took_part_week[0] = m.steps - 30
    r.took_part_week[1] = m.steps - 60
    r.took_part_week[2] = m.steps - (YEAR_WEEKS - 1)  # the oldest week of the window
    r.took_part_week[3] = m.steps - YEAR_WEEKS  # just outside it
    assert r.took_part_within(YEAR_WEEKS, m.steps)[:4].tolist() == [True, False, True, False]
    m._measures = None  # the state was changed by hand: compute the measures again
    assert m.measures["participation_year"] == 2 / r.n


def test_a_member_who_left_counts_for_a_year_after_the_last_week_in_the_group() -> None:
    m = quiet(action_rate=0.0)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE, at=tuple(m.home_xy[0]))
    members = np.arange(6)
    m.residents.withdrawn[members] = False
    g = m.groups.found(p, members)
    m.step()
    left = m.steps  # their last week in the group
    m.groups.dissolve(g, reason="test")
    seen = []
    while m.steps < left + YEAR_WEEKS + 2:
        m.step()
        seen.append((m.steps, bool(m.residents.took_part_within(YEAR_WEEKS, m.steps)[0])))
    counted = [week for week, counts in seen if counts]
    assert counted and max(counted) == left + YEAR_WEEKS - 1
    assert m.residents.group[0] < 0 and m.measures["participation"] == 0.0


def test_a_founder_whose_group_dissolved_in_its_first_week_took_part() -> None:
    """Taking part is any membership during the week, not only at its end."""
    m = quiet()
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE, at=tuple(m.home_xy[0]))
    g = m.groups.found(p, np.arange(4))
    m.groups.dissolve(g, reason="test")
    m.residents.note_taking_part(m.steps)
    assert m.residents.took_part_within(1, m.steps)[:4].all()
    assert not m.residents.took_part_within(1, m.steps)[4:].any()


def test_newcomers_bring_no_record_of_taking_part() -> None:
    m = quiet()
    m.residents.took_part_week[:10] = m.steps
    m.replace_residents(np.arange(5))
    assert (m.residents.took_part_week[:5] == NEVER).all()
    assert (m.residents.took_part_week[5:10] == m.steps).all()


def test_the_year_measure_is_at_least_the_weekly_one_and_a_share_over_a_run() -> None:
    m = QuartierModel(rng=3, **SMALL_QUARTER, strategy="empowerment")
    for _ in range(40):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert (
        (df["participation_year"] >= df["participation"]) & (df["participation_year"] <= 1)
    ).all()
    assert df["participation_year"].iloc[-1] > 0  # groups formed under empowerment
