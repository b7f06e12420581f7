"""The six roles of community workers, each a mechanism with a cost in hours (Herriger).

Each role's local effect is pinned against the same quarter (same seed, same set-up) without
that role — a paired run in which the workers spend nothing. And the working time is
conserved: no worker ever spends more hours than its budget, carried-over hours included; with
no intervention, or after the project's exit, no hours are spent at all.
"""

from __future__ import annotations

import ast
import copy

import numpy as np
import pytest
from conftest import SMALL_QUARTER

from quartiersim import ACTIVITIES, ROLES, STRATEGIES, QuartierModel
from quartiersim.parameters import DEFAULTS
from quartiersim.problems import KIND_INDEX, LATENT, VISIBLE
from quartiersim.residents import BUREAUCRACY, ORGANISING, PERSONAL, SPEAKING
from quartiersim.roles import Budget, case_work, door_opener, resource_diagnostician

# A calm quarter: no new problems, no routine repairs, no assembly within the tests' horizon
# unless a test asks for one — so that the only difference between the paired runs is the role.
CALM = {
    "problem_arrival_weeks": 10_000.0,
    "routine_repair_weeks": 100_000.0,
    "assembly_weeks": 104,
}


def pair(role: str, seed: int = 1, setup=None, **params) -> tuple[QuartierModel, QuartierModel]:
    """The same quarter twice: workers doing only ``role``, and workers doing nothing."""
    base = {**SMALL_QUARTER, **CALM, **params}
    with_role = QuartierModel(rng=seed, strategy="custom", role_mix={role: 1.0}, **base)
    without = QuartierModel(rng=seed, strategy="custom", role_mix={role: 0.0}, **base)
    for m in (with_role, without):
        if setup is not None:
            setup(m)
    return with_role, without


def run(models, weeks: int) -> None:
    for m in models:
        for _ in range(weeks):
            m.step()


def seed_groups(m: QuartierModel, n_groups: int = 4, size: int = 6) -> None:
    """Make the first problems visible and found a group on each (deterministic: no dice)."""
    r, pr = m.residents, m.problems
    taken = np.zeros(r.n, dtype=bool)
    for p in range(n_groups):
        pr.status[p] = VISIBLE
        order = np.argsort(-pr.concern[:, p], kind="stable")
        members = [i for i in order if not taken[i] and not r.withdrawn[i]][:size]
        taken[members] = True
        g = m.groups.found(p, np.array(members))
        g.momentum = 1.0


def test_every_activity_has_a_mechanism() -> None:
    """Herriger's six roles, plus case work — the top-down alternative, which is no role — and
    the handover of a phased exit (Verstetigung), which is no role either."""
    assert all(callable(a.act) and a.task_limit(DEFAULTS) > 0 for a in ACTIVITIES.values())
    assert set(ROLES) < set(ACTIVITIES)
    assert len(ROLES) == 6
    assert [a for a in ACTIVITIES if a not in ROLES] == ["case_work", "handover"]


# -- each role against the same quarter without it -------------------------------------------------


def test_outreach_raises_activated_resources_of_the_visited() -> None:
    """Resource diagnostics (Ressourcendiagnostiker): home visits uncover buried resources and
    offer a first chance to use them."""
    a, b = pair("resource_diagnostician", n_problems=0)
    run((a, b), 4)
    visited = np.unique([e.data["resident"] for e in a.activity if e.key == "outreach_visit"])
    assert len(visited) >= 10
    assert a.residents.activated[visited].sum() > b.residents.activated[visited].sum()
    assert a.measures["activated_resources"] > b.measures["activated_resources"]
    assert not any(e.key == "outreach_visit" for e in b.activity)


def test_outreach_reaches_withdrawn_residents() -> None:
    """Only outreach reaches those in resigned privacy: visits are accepted by withdrawn
    residents too, and lower their helplessness."""
    a, b = pair("resource_diagnostician", seed=2, initial_helplessness=0.65)
    assert a.residents.withdrawn.sum() >= 20
    withdrawn0 = a.residents.withdrawn.copy()
    run((a, b), 6)
    reached = np.unique(
        [
            e.data["resident"]
            for e in a.activity
            if e.key == "outreach_visit" and e.data["withdrawn"]
        ]
    )
    assert len(reached) >= 3
    assert withdrawn0[reached].all()
    assert a.residents.helplessness[reached].mean() < b.residents.helplessness[reached].mean()


def test_door_opener_opens_access_and_wins_allies() -> None:
    """Türöffner: advocacy gives groups access to the administration and brings allies. An
    ally joins with a small chance per session (5% times the group's credibility), so the
    quarters of three seeds are pooled."""
    won = 0
    for seed in (1, 2, 3):
        a, b = pair("door_opener", seed=seed, n_workers=4, hours_per_week=60.0, setup=seed_groups)
        run((a, b), 26)
        assert b.measures["allies"] == 0
        won += a.measures["allies"]
        assert any(g.access > 0 for g in a.groups.active)
        assert all(g.access == 0 for g in b.groups.groups)
        assert any(e.key == "door_opened" for e in a.activity)
    assert won > 0


def test_door_opener_coaching_of_groups_is_contact_not_mastery() -> None:
    """Coaching a group opens access; it is no performance of the members, so it changes
    nobody's helplessness or resources by itself (one rule for agency)."""
    m = QuartierModel(rng=1, strategy="none", **SMALL_QUARTER, **CALM)
    seed_groups(m)
    h0, act0 = m.residents.helplessness.copy(), m.residents.activated.copy()
    door_opener(m, m.workers[0], Budget(16.0))
    assert any(g.access > 0 for g in m.groups.active)
    np.testing.assert_array_equal(m.residents.helplessness, h0)
    np.testing.assert_array_equal(m.residents.activated, act0)


def test_dialogue_manager_wins_the_workers_recognition_not_the_residents() -> None:
    """Dialogmanager: round tables move the administration, slowly — on the channel the
    workers carry claims on; its responsiveness to the residents' own claims is untouched."""
    a, b = pair("dialogue_manager", setup=seed_groups)
    r0 = a.arena.administration.responsiveness.copy()
    run((a, b), 8)
    assert a.measures["mediated_responsiveness"] > r0[1]
    assert a.measures["mediated_responsiveness"] > b.measures["mediated_responsiveness"]
    assert a.measures["admin_responsiveness"] <= r0[0]
    assert any(e.key == "round_table" for e in a.activity)


def rival_groups(m: QuartierModel) -> None:
    """Two capable groups with opposed causes in opposite corners of the quarter (so that they
    share no ties and cannot mediate by themselves)."""
    r = m.residents
    r.withdrawn[:] = False
    corners = {"no_youth_space": (0, 0), "noise": (m.p["width"] - 1, m.p["height"] - 1)}
    for kind, corner in corners.items():
        p = m.add_problem(KIND_INDEX[kind], severity=0.7, status=VISIBLE, at=corner)
        d = np.hypot(*(m.home_xy - np.array(corner)).T)
        members = np.argsort(d, kind="stable")[:8]
        r.group[members[np.isin(members, np.flatnonzero(r.group >= 0))]] = -1
        for dom in (ORGANISING, SPEAKING, BUREAUCRACY):
            r.resources[members, dom] = np.maximum(r.resources[members, dom], 0.6)
            r.activated[members, dom] = 0.6
        g = m.groups.found(p, members, funds=3000.0)
        g.momentum = 1.0


def test_conflict_mediator_turns_conflicts_into_compromises() -> None:
    """Konfliktmediator: at the assembly, the rival claims become one compromise; without the
    mediator, the same conflict stays open."""
    a, b = pair("conflict_mediator", setup=rival_groups, n_problems=0, assembly_weeks=4)
    run((a, b), 4)
    assert a.arena.claims_raised >= 2 and b.arena.claims_raised >= 2
    assert a.measures["conflicts_mediated"] >= 1
    assert a.measures["conflicts_open"] == 0
    assert b.measures["conflicts_open"] >= 1
    assert b.measures["conflicts_mediated"] == 0


def test_conflict_mediator_builds_ties_across_origin_and_age() -> None:
    a, b = pair("conflict_mediator", n_problems=0)
    run((a, b), 4)
    assert a.measures["bridging_ties"] > b.measures["bridging_ties"]
    assert any(e.key == "dialogue_meeting" for e in a.activity)


def test_problem_sensor_makes_latent_problems_visible() -> None:
    """Problemsensor: walks the quarter and reports what residents have not (yet) voiced."""
    a, b = pair("problem_sensor", n_problems=20)
    assert (a.problems.status == LATENT).all()
    run((a, b), 2)
    assert a.measures["problems_visible"] > b.measures["problems_visible"]
    found = {e.data["problem"] for e in a.activity if e.key == "problem_found"}
    assert len(found) >= 5
    assert (a.problems.status[sorted(found)] != LATENT).all()


def visible_problems_known_residents(m: QuartierModel) -> None:
    m.problems.status[:] = VISIBLE
    m.get_to_know(np.arange(m.residents.n))


def test_organisation_helper_founds_groups_with_residents_it_knows() -> None:
    """Organisationshelfer: brings residents with a shared concern together; groups arise
    where, without help, none would (spontaneous founding switched off in both runs)."""
    a, b = pair(
        "organisation_helper",
        n_problems=6,
        founding_rate=0.0,
        setup=visible_problems_known_residents,
    )
    run((a, b), 2)
    assert a.measures["active_groups"] > b.measures["active_groups"] == 0
    assert any(e.key == "worker_founded_group" for e in a.activity)


def test_organisation_helper_supports_existing_groups() -> None:
    a, b = pair("organisation_helper", founding_rate=0.0, setup=seed_groups)
    funds0 = {g.id: g.funds for g in a.groups.groups}
    a.step()
    b.step()
    helped = [g for g in a.groups.active if g.help > 0]
    assert helped
    assert all(g.funds > funds0[g.id] * 0.99 for g in helped)
    assert all(g.help == 0 for g in b.groups.groups)


def test_case_work_relieves_strain_and_activates_nothing(small_model) -> None:
    """Case handling (stellvertretende Fallbearbeitung): relief for the handled residents and
    no activation; the resident who asked took part in a small outcome (the request was
    answered) and learns no more than that."""
    m = small_model(3, strategy="none", **CALM)
    m.residents.strain[:] = m.problems.strain()
    assert m.residents.strain.max() > 0
    asked = np.flatnonzero(m.residents.strain > 0)[:8]
    m.residents.waiting_on[asked] = PERSONAL  # they came to the office
    handled, untouched = copy.deepcopy(m), m
    case_work(handled, handled.workers[0], Budget(30.0))
    who = np.unique([e.data["resident"] for e in handled.activity if e.key == "case_handled"])
    assert len(who) >= 1
    rh, ru = handled.residents, untouched.residents
    assert set(who) <= set(asked)
    assert (rh.relief[who] > 0).all()
    np.testing.assert_array_equal(rh.activated, ru.activated)
    assert (rh.helplessness[who] <= ru.helplessness[who]).all()
    assert rh.helplessness[who].sum() < ru.helplessness[who].sum()
    others = np.setdiff1d(np.arange(rh.n), who)
    np.testing.assert_array_equal(rh.helplessness[others], ru.helplessness[others])


def test_outreach_visit_pays_for_itself_from_the_budget_only(small_model) -> None:
    m = small_model(3, strategy="none", **CALM)
    budget = Budget(5.0)
    resource_diagnostician(m, m.workers[0], budget)
    assert budget.spent <= budget.hours
    assert Budget(1.0).take(2.0) is False


# -- the working time is conserved -----------------------------------------------------------------


MIXES = [pytest.param(None, s, id=s) for s in STRATEGIES if s != "custom"] + [
    pytest.param({"door_opener": 1, "conflict_mediator": 2, "case_work": 1}, "custom", id="custom")
]


@pytest.mark.parametrize(("mix", "strategy"), MIXES)
def test_hours_spent_never_exceed_the_budget(mix, strategy, small_model) -> None:
    """Each week, each activity spends at most its share of the week's hours plus what was
    carried over from last week; over the run, no worker spends more than it was given."""
    m = small_model(4, strategy=strategy, role_mix=mix, project_weeks=20)
    for week in range(1, 25):
        carried = [dict(w.banked) for w in m.workers]
        m.step()
        total = 0.0
        for w, bank in zip(m.workers, carried, strict=True):
            for activity, spent in w.spent_week.items():
                assert spent >= 0
                allowed = w.role_mix[activity] * m.hours_per_week + bank[activity]
                assert spent <= allowed + 1e-9, (week, activity, spent, allowed)
            assert sum(w.spent_week.values()) <= m.hours_per_week + sum(bank.values()) + 1e-9
            assert w.spent_total <= w.budget_total + 1e-9
            total += sum(w.spent_week.values())
        assert m.measures["worker_hours"] == pytest.approx(total)
        if week > 20:
            assert total == 0
    spent = m.datacollector.get_model_vars_dataframe()["worker_hours"].sum()
    assert (spent == 0) == (strategy == "none")


def test_no_intervention_spends_no_hours(small_model) -> None:
    m = small_model(5, strategy="none")
    for _ in range(10):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert (df["worker_hours"] == 0).all()
    assert all(w.spent_total == 0 for w in m.workers)
    assert not any(e.data.get("worker") for e in m.activity)


def test_after_the_exit_week_no_hours_are_spent(small_model) -> None:
    """The project's exit: the workers leave; what remains is what the residents built."""
    m = small_model(6, strategy="empowerment", project_weeks=3)
    for _ in range(8):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert (df.loc[1:3, "worker_hours"] > 0).all()
    assert (df.loc[4:, "worker_hours"] == 0).all()
    assert df["project_running"].tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert not any(e.data.get("worker") for e in m.activity if e.week > 3)
    assert [e.week for e in m.activity if e.key == "project_exit"] == [4]


def test_no_workers_means_no_hours(small_model) -> None:
    m = small_model(5, strategy="empowerment", n_workers=0)
    m.step()
    assert m.measures["worker_hours"] == 0


# -- role mixes per worker -------------------------------------------------------------------------


def test_each_worker_follows_its_own_role_mix(small_model) -> None:
    """A classroom mode steers one worker per student: a mix set for one worker changes only
    that worker's work."""
    m = small_model(7, strategy="political")
    m.workers[0].set_role_mix({"resource_diagnostician": 1.0})
    for _ in range(3):
        m.step()
        w0, w1 = m.workers
        assert set(a for a, h in w0.spent_week.items() if h > 0) <= {"resource_diagnostician"}
        mix1 = {a for a, s in STRATEGIES["political"].mix.items() if s > 0}
        assert set(a for a, h in w1.spent_week.items() if h > 0) <= mix1
    assert m.workers[0].main_role == "resource_diagnostician"


def test_set_strategy_during_a_run_changes_every_workers_mix(small_model) -> None:
    m = small_model(7, strategy="none")
    m.step()
    assert m.measures["worker_hours"] == 0
    m.set_strategy("networking")
    m.step()
    assert m.measures["worker_hours"] > 0
    for w in m.workers:
        assert w.role_mix == STRATEGIES["networking"].mix
    m.set_strategy("custom", role_mix={"dialogue_manager": 1})
    assert all(w.main_role == "dialogue_manager" for w in m.workers)


def test_workers_are_mesa_agents_that_move_through_the_quarter(small_model) -> None:
    m = small_model(8, strategy="empowerment")
    start = [w.cell.coordinate for w in m.workers]
    for _ in range(3):
        m.step()
    assert [w.cell.coordinate for w in m.workers] != start
    for w in m.workers:
        x, y = w.cell.coordinate
        assert 0 <= x < m.p["width"] and 0 <= y < m.p["height"]


# -- no label decides an effect --------------------------------------------------------------------


def _activity_literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and node.value in ACTIVITIES:
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [v for e in node.elts for v in _activity_literals(e)]
    return []


def activity_decisions(source: str, filename: str) -> list[str]:
    """Places in ``source`` where code decides something on an activity's name (a role's
    label): comparisons with or membership in activity-name literals, ``match`` cases and
    lookups keyed by them, or any comparison with a ``.name`` attribute."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        literals: list[str] = []
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            literals = [v for o in operands for v in _activity_literals(o)]
            if any(isinstance(o, ast.Attribute) and o.attr == "name" for o in operands):
                found.append(f"{filename}:{node.lineno}: compares a name")
        elif isinstance(node, ast.MatchValue):
            literals = _activity_literals(node.value)
        elif isinstance(node, ast.Subscript):
            literals = _activity_literals(node.slice)
        found += [f"{filename}:{node.lineno}: decides on activity {v!r}" for v in literals]
    return found


def test_the_scan_catches_decisions_on_an_activitys_name() -> None:
    """The scanner itself must not be a test that cannot fail."""
    bad = [
        'if task == "resource_diagnostician":\n    mastery = 0.5\n',
        'agency = 1.0 if name in ("door_opener", "dialogue_manager") else 0.0\n',
        'effect = {"case_work": 0.0}["case_work"]\n',
        "if activity.name == task:\n    pass\n",
    ]
    for source in bad:
        assert activity_decisions(source, "<bad>"), source
    assert not activity_decisions('if key == "attendance":\n    pass\n', "<fine>")


def test_no_mechanism_is_handed_a_label_that_decides_its_effect() -> None:
    """Outcomes emerge from what happens, not from what an action is called: no model module
    decides on an activity's (a role's) name — what a role does to residents follows from the
    world's entry points and the one rule for outcomes, and what a handed-over task is done with
    from its declared domain. (Strategy names: tests/test_strategies.py; hand-set agency values:
    tests/test_outcomes.py.)"""
    from test_strategies import MODEL_MODULES

    assert any(p.name == "roles.py" for p in MODEL_MODULES)
    mechanisms = [p for p in MODEL_MODULES if p.name != "registry.py"]  # declares, no effect
    found = [hit for path in mechanisms for hit in activity_decisions(path.read_text(), path.name)]
    assert found == []


def test_pick_from_each_draws_distinct_members_of_each_pool_only():
    from quartiersim.roles import pick_from_each

    rng = np.random.default_rng(3)
    pools = [
        np.array([4, 7, 9, 12]),
        np.array([1]),
        np.array([], dtype=np.int64),
        np.arange(20, 30),
    ]
    seen = set()
    for _ in range(200):
        drawn = pick_from_each(pools, 2, rng)
        assert [len(d) for d in drawn] == [2, 1, 0, 2]
        for d, pool in zip(drawn, pools, strict=True):
            assert len(set(d.tolist())) == len(d) and set(d.tolist()) <= set(pool.tolist())
        seen.add(tuple(sorted(drawn[0].tolist())))
    assert len(seen) == 6  # every pair of the first pool comes up


def test_meetings_across_pair_residents_across_the_sides_of_their_own_meeting():
    m = QuartierModel(rng=2, **SMALL_QUARTER)
    m.residents.withdrawn[:] = False
    m.residents.withdrawn[5] = True
    sides_a = [np.array([0, 1, 2]), np.array([10, 11])]
    sides_b = [np.array([3, 4, 5]), np.array([12, 13, 14, 15])]
    a, b = np.triu_indices(16, 1)
    before = m.ties.weights_between(a, b)
    came = m.meetings_across(sides_a, sides_b)
    assert [sorted(c.tolist()) for c in came] == [[0, 1, 2, 3, 4], [10, 11, 12, 13, 14, 15]]
    changed = {
        (int(i), int(j))
        for i, j, old, new in zip(a, b, before, m.ties.weights_between(a, b), strict=True)
        if new != old
    }
    allowed = {(i, j) for i in (0, 1, 2) for j in (3, 4)}
    allowed |= {(i, j) for i in (10, 11) for j in (12, 13, 14, 15)}
    assert changed and changed <= allowed
