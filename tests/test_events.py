"""Events: each changes what its description says, and nothing else; a scheduled event is the
same as a trainer's live trigger at that point.

"Nothing else" is checked against a full snapshot of the quarter taken just before the event:
residents' arrays, ties, problems, groups, the arena, the workers' hours and the random number
generator's state (an event that silently draws random numbers would shift everything after it).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from quartiersim import EVENTS, QuartierModel
from quartiersim.problems import KIND_INDEX, OPPOSING, VISIBLE
from quartiersim.residents import ELDERLY, YOUTH

SMALL = {"n_residents": 160, "width": 20, "height": 20}


def quarter(seed: int = 1, weeks: int = 6, **params) -> QuartierModel:
    m = QuartierModel(rng=seed, **{**SMALL, **params})
    for _ in range(weeks):
        m.step()
    return m


def snapshot(m: QuartierModel) -> dict[str, Any]:
    """Everything an event could touch, copied."""
    r, t, pr, a = m.residents, m.ties, m.problems, m.arena
    shot: dict[str, Any] = {
        f"residents.{k}": v.copy() for k, v in vars(r).items() if isinstance(v, np.ndarray)
    }
    shot |= {
        "ties": {
            (i, j): w for i, j, w in zip(t.i.tolist(), t.j.tolist(), t.weight.tolist(), strict=True)
        },
        "problems.kind": pr.kind.copy(),
        "problems.status": pr.status.copy(),
        "problems.severity": pr.severity.copy(),
        "problems.concern": pr.concern.copy(),
        "groups": [(g.id, g.active, g.problem, g.funds, g.momentum) for g in m.groups.groups],
        "arena.responsiveness": a.responsiveness,
        "arena.baseline": a.baseline,
        "arena.ally_of": a.ally_of.copy(),
        "hours_per_week": m.hours_per_week,
        "project_weeks": m.project_weeks,
        "rng": copy.deepcopy(m.rng.bit_generator.state),
    }
    return shot


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    out = set()
    for key, old in before.items():
        new = after[key]
        if isinstance(old, np.ndarray):
            same = old.shape == new.shape and np.array_equal(old, new)
        else:
            same = old == new
        if not same:
            out.add(key)
    return out


def trigger(m: QuartierModel, event: str) -> tuple[dict[str, Any], dict[str, Any]]:
    before = snapshot(m)
    m.trigger(event)
    return before, snapshot(m)


# -- each event does what it says, and nothing else ------------------------------------------------


def test_funding_cut_halves_hours_and_group_funds_and_nothing_else() -> None:
    m = quarter(strategy="empowerment")
    assert m.groups.active, "the test needs active groups"
    before, after = trigger(m, "funding_cut")
    assert changed(before, after) == {"hours_per_week", "groups"}
    assert after["hours_per_week"] == pytest.approx(before["hours_per_week"] / 2)
    for (gid, active, problem, funds, momentum), new in zip(
        before["groups"], after["groups"], strict=True
    ):
        expected = funds / 2 if active else funds
        assert new == (gid, active, problem, pytest.approx(expected), momentum)


def test_after_a_funding_cut_workers_spend_at_most_half_the_hours() -> None:
    m = quarter(strategy="empowerment", weeks=2)
    m.trigger("funding_cut")
    for _ in range(3):
        carried = [sum(w.banked.values()) for w in m.workers]
        m.step()
        for w, bank in zip(m.workers, carried, strict=True):
            assert sum(w.spent_week.values()) <= m.p["hours_per_week"] / 2 + bank + 1e-9


def test_early_exit_ends_the_project_now_and_changes_nothing_else() -> None:
    m = quarter(strategy="empowerment", weeks=4)
    before, after = trigger(m, "early_exit")
    assert changed(before, after) == {"project_weeks"}
    assert after["project_weeks"] == 4
    m.step()
    assert not m.project_running
    assert m.measures["worker_hours"] == 0
    assert m.measures["project_running"] == 0


def test_early_exit_after_the_project_has_ended_changes_nothing() -> None:
    m = quarter(strategy="empowerment", weeks=4, project_weeks=2)
    before, after = trigger(m, "early_exit")
    assert changed(before, after) == set()


def test_administration_change_redraws_responsiveness_and_loses_allies_only() -> None:
    m = quarter(strategy="political")
    assert m.groups.groups, "the test needs a group to hold allies"
    m.arena.ally_of[:4] = m.groups.groups[0].id
    before, after = trigger(m, "administration_change")
    assert changed(before, after) <= {
        "arena.responsiveness",
        "arena.baseline",
        "arena.ally_of",
        "rng",
    }
    assert after["arena.responsiveness"] == after["arena.baseline"]
    assert 0 <= after["arena.baseline"] <= 1
    kept = after["arena.ally_of"] >= 0
    # Allies can only be lost, never won or moved to another group.
    np.testing.assert_array_equal(after["arena.ally_of"][kept], before["arena.ally_of"][kept])


def test_open_conflict_adds_two_opposed_visible_problems_and_damages_young_old_ties() -> None:
    m = quarter(strategy="none")
    n_problems = len(m.problems)
    before, after = trigger(m, "open_conflict")
    assert changed(before, after) <= {
        "ties",
        "problems.kind",
        "problems.status",
        "problems.severity",
        "problems.concern",
        "rng",
    }
    pr = m.problems
    new = np.arange(n_problems, len(pr))
    assert len(new) == 2
    kinds = pr.kind[new].tolist()
    assert sorted(kinds) == sorted([KIND_INDEX["no_youth_space"], KIND_INDEX["noise"]])
    assert OPPOSING[kinds[0]] == kinds[1]
    assert (pr.status[new] == VISIBLE).all()
    assert pr.x[new[0]] == pr.x[new[1]] and pr.y[new[0]] == pr.y[new[1]]
    np.testing.assert_array_equal(after["problems.status"][:n_problems], before["problems.status"])
    # Ties: same set; only ties between youth and elderly can be weaker, none stronger.
    assert after["ties"].keys() == before["ties"].keys()
    age = m.residents.age
    for (i, j), w in after["ties"].items():
        if w != before["ties"][(i, j)]:
            assert {age[i], age[j]} == {YOUTH, ELDERLY}
            assert w < before["ties"][(i, j)]


def test_open_conflict_damages_youth_elderly_ties_near_it() -> None:
    m = quarter(strategy="none", weeks=0, segregation=0.0)
    r = m.residents
    youth, elderly = np.flatnonzero(r.age == YOUTH), np.flatnonzero(r.age == ELDERLY)
    x, y = np.meshgrid(youth, elderly, indexing="ij")
    m.ties.reinforce(x.ravel(), y.ravel(), 0.5)  # everyone young knows everyone old
    before, after = trigger(m, "open_conflict")
    weakened = [k for k, w in after["ties"].items() if w < before["ties"][k]]
    assert weakened


@pytest.mark.parametrize(("event", "share"), [("rent_increase", 0.05), ("new_arrivals", 0.1)])
def test_moving_households_are_replaced_and_everyone_else_is_untouched(event, share) -> None:
    """Displacement and arrival: a share of the households moves out, newcomers move in without
    ties or group; the others keep their state and the ties among them."""
    m = quarter(strategy="empowerment")
    r = m.residents
    before, after = trigger(m, event)
    moved = np.flatnonzero((before["residents.resources"] != r.resources).any(axis=1))
    assert len(moved) == max(1, int(share * r.n))
    stay = np.ones(r.n, dtype=bool)
    stay[moved] = False
    for key, old in before.items():
        if key.startswith("residents."):
            np.testing.assert_array_equal(after[key][stay], old[stay], err_msg=key)
    assert (r.group[moved] == -1).all()
    assert (m.ties.degree()[moved] == 0).all()
    assert not r.known[moved].any()
    kept = {k: w for k, w in before["ties"].items() if stay[k[0]] and stay[k[1]]}
    assert after["ties"] == kept
    assert after["hours_per_week"] == before["hours_per_week"]
    assert after["arena.ally_of"].tolist() == before["arena.ally_of"].tolist()


def test_rent_increase_adds_visible_rent_pressure_on_the_whole_quarter() -> None:
    m = quarter(strategy="none")
    n_problems = len(m.problems)
    m.trigger("rent_increase")
    assert len(m.problems) == n_problems + 1
    p = n_problems
    assert m.problems.kind[p] == KIND_INDEX["rent_pressure"]
    assert m.problems.status[p] == VISIBLE
    assert (m.problems.concern[:, p] > 0).all()


@pytest.mark.parametrize("event", list(EVENTS))
def test_every_event_is_logged_and_documented(event: str) -> None:
    e = EVENTS[event]
    assert e.name == event and all(e.label) and all(e.effect)
    m = quarter(weeks=1)
    m.trigger(event)
    assert m.activity[-1].key == "event"
    assert m.activity[-1].data == {"event": event}
    assert m.activity[-1].week == 1


def test_unknown_event_is_refused_by_name() -> None:
    m = quarter(weeks=0)
    with pytest.raises(ValueError, match="meteor_strike"):
        m.trigger("meteor_strike")


# -- scheduled == live -----------------------------------------------------------------------------


@pytest.mark.parametrize("event", list(EVENTS))
def test_scheduled_event_fires_at_its_week_exactly_like_a_live_trigger(event: str) -> None:
    """``events=("3:funding_cut",)`` fires at the end of week 3: the run's data is identical to
    pressing the event's button after week 3."""
    scheduled = QuartierModel(rng=4, events=(f"3:{event}",), **SMALL)
    live = QuartierModel(rng=4, **SMALL)
    for week in range(1, 7):
        scheduled.step()
        live.step()
        if week == 3:
            live.trigger(event)
    pd.testing.assert_frame_equal(
        scheduled.datacollector.get_model_vars_dataframe(),
        live.datacollector.get_model_vars_dataframe(),
    )
    assert scheduled.activity == live.activity
    assert [e.week for e in scheduled.activity if e.key == "event"] == [3]


def test_scheduled_event_changes_the_run_from_its_week_on() -> None:
    base = QuartierModel(rng=4, **SMALL)
    cut = QuartierModel(rng=4, events=("3:funding_cut",), **SMALL)
    for _ in range(6):
        base.step()
        cut.step()
    a = base.datacollector.get_model_vars_dataframe()
    b = cut.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(a.loc[:3], b.loc[:3])
    assert b.loc[4:, "worker_hours"].sum() < a.loc[4:, "worker_hours"].sum()
