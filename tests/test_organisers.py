"""A phased exit (Verstetigung) and the resident organisers who take tasks over.

Herriger: residents step "aus dem Schatten einer amtlichen Fürsorglichkeit hinaus in eigene
Verantwortungsrollen"; the organisation helper's help is *Anschubhilfe*, temporary by its name.
In the last ``phase_out_weeks`` of the project workers train residents in the tasks the team did;
trained residents go on doing them, at the quality of their own activated competence, after the
workers left (``docs/predictions.md`` section 6).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_QUARTER
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiersim import QuartierModel
from quartiersim.arena import Claim
from quartiersim.institutions import MEDIATED, OWN
from quartiersim.organisers import NO_TASK, ResidentOrganiser, introduce, work
from quartiersim.residents import BUREAUCRACY, SPEAKING
from quartiersim.roles import ACTIVITIES, Budget, case_work, check_role_mix, resource_diagnostician

PROJECT = {**SMALL_QUARTER, "project_weeks": 30}


def run(weeks: int, seed: int = 3, **params) -> QuartierModel:
    m = QuartierModel(rng=seed, **{**PROJECT, **params})
    for _ in range(weeks):
        m.step()
    return m


def measures(m: QuartierModel):
    return m.datacollector.get_model_vars_dataframe()


def held_tasks(m: QuartierModel) -> set[str]:
    o = m.organisers
    return {o.tasks[int(t)] for t in o.task if t != NO_TASK}


# -- the phase-out ---------------------------------------------------------------------------------


def test_phase_out_changes_nothing_without_workers() -> None:
    """Without a team nothing is handed over: the untouched quarter with and without a
    phase-out is the same quarter, week by week (P6.1)."""
    abrupt = run(50, strategy="none")
    phased = run(50, strategy="none", phase_out_weeks=20)
    np.testing.assert_array_equal(measures(abrupt).to_numpy(), measures(phased).to_numpy())


def test_zero_phase_out_is_the_abrupt_exit() -> None:
    """With ``phase_out_weeks`` 0 the workers spend every hour on their role mix until the last
    project week, and nobody is trained."""
    m = run(40, strategy="empowerment")
    assert not any(e.key in ("trained", "task_handed_over") for e in m.activity)
    assert measures(m)["resident_organisers"].max() == 0


@settings(max_examples=8, deadline=None)
@given(weeks=st.integers(1, 30), project=st.integers(30, 60))
def test_handover_share_rises_linearly_over_the_phase_out(weeks: int, project: int) -> None:
    """In the t-th week of the phase-out a share t / phase_out_weeks of the hours goes to the
    handover; before it, nothing; after the project there are no workers' hours at all."""
    m = QuartierModel(rng=1, **{**SMALL_QUARTER, "project_weeks": project}, phase_out_weeks=weeks)
    start = project - weeks
    for week in (0, start, start + 1, project - 1, project, project + 1):
        m.steps = week
        expected = min(1.0, (week - start) / weeks) if start < week <= project else 0.0
        assert m.handover_share == pytest.approx(expected)


def test_abrupt_and_phased_exit_give_the_workers_the_same_hours() -> None:
    """The phase-out is part of the project, not extra time: the workers' total budget is the
    same, so the comparison of abrupt and phased exit is fair."""
    abrupt = run(40, strategy="empowerment")
    phased = run(40, strategy="empowerment", phase_out_weeks=15)
    assert [w.budget_total for w in abrupt.workers] == [w.budget_total for w in phased.workers]
    hours = sum(w.spent_week.get("handover", 0.0) for w in phased.workers)
    assert hours == 0.0  # after the exit nobody trains
    trained = [e for e in phased.activity if e.key == "trained"]
    assert trained and all(30 - 15 < e.week <= 30 for e in trained)


def test_only_tasks_the_team_did_are_handed_over() -> None:
    """What is handed over follows from what the team did: top-down care hands over case
    handling only, and empowerment hands over only its roles."""
    top_down = run(31, strategy="top_down", phase_out_weeks=15)
    assert held_tasks(top_down) == {"case_work"}
    empowerment = run(31, strategy="empowerment", phase_out_weeks=15)
    assert held_tasks(empowerment) and held_tasks(empowerment) <= {
        name for name, a in ACTIVITIES.items() if a.role
    }


def test_resident_organisers_keep_working_after_the_exit() -> None:
    """Trained residents go on doing their task when the workers have left: their tasks still
    show in the activity log after the project."""
    m = run(45, strategy="empowerment", phase_out_weeks=15)
    assert measures(m)["resident_organisers"].iloc[-1] > 0
    after = {e.data.get("worker") for e in m.activity if e.week > 30 and "worker" in e.data}
    assert any(str(who).startswith("resident") for who in after)


def test_handover_is_not_part_of_a_role_mix() -> None:
    """The handover takes its share by the phase-out; a mix that asks for it is refused with a
    message that names the parameter to use."""
    with pytest.raises(ValueError, match="phase_out_weeks"):
        check_role_mix({"handover": 1.0, "door_opener": 1.0})


def test_a_phase_out_longer_than_the_project_is_refused() -> None:
    with pytest.raises(ValueError, match="phase_out_weeks=40 is not allowed"):
        QuartierModel(rng=1, **SMALL_QUARTER, project_weeks=30, phase_out_weeks=40)


# -- resident organisers at their own quality ------------------------------------------------------


def test_a_resident_organiser_works_at_the_quality_of_their_activated_competence() -> None:
    """A resident making outreach visits opens strangers' doors as often as their caring
    competence allows: at quality 0 no stranger lets them in, at quality 1 as many as a
    worker's visits."""
    m = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none", outreach_acceptance=1.0)
    strangers = np.arange(40)
    assert len(m.open_door(strangers, quality=0.0)) == 0
    assert len(m.open_door(strangers, quality=1.0)) == len(strangers)
    a = m.hold_festival(0, quality=0.25)
    b = m.hold_festival(0, quality=1.0)
    assert len(a) < len(b)


def test_expert_planning_is_never_handed_over() -> None:
    """A resident organiser doing case work answers the office queue but never plans on a
    problem: expert planning needs a professional's budget and authority."""
    m = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none")
    pr = m.problems
    pr.status[:] = 1  # every problem visible: planning would have work
    severity = pr.severity.copy()
    case_work(m, ResidentOrganiser("resident 0", 1.0), Budget(30.0))
    np.testing.assert_array_equal(pr.severity, severity)
    assert not any(e.key == "solved_for_residents" for e in m.activity)


def test_a_case_a_resident_organiser_handles_teaches_own_action_not_the_office() -> None:
    """Answered by a neighbour who took case handling over, a request teaches the asker that
    residents' own action works; answered by a professional, that institutions act (P6.5)."""
    by_resident = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none")
    by_worker = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none")
    i = 7
    for m in (by_resident, by_worker):
        m.residents.waiting_on[i] = -2
        m.residents.waiting_since[i] = 0
    before_own = by_resident.residents.expect_own[i]
    before_inst = by_resident.residents.expect_inst[i]
    by_resident.handle_case(i, ResidentOrganiser("resident 3", 0.8))
    by_worker.handle_case(i, by_worker.workers[0] if by_worker.workers else _professional())
    assert by_resident.residents.expect_own[i] > before_own
    assert by_resident.residents.expect_inst[i] == before_inst
    assert by_worker.residents.expect_inst[i] > before_inst
    assert by_worker.residents.expect_own[i] == before_own


def _professional() -> ResidentOrganiser:
    return ResidentOrganiser("worker", 1.0, professional=True)


def test_a_holder_who_withdraws_gives_the_task_up() -> None:
    """A resident organiser who withdraws into resigned privacy stops doing the task, and
    nobody is named in their place after the exit."""
    m = run(31, strategy="empowerment", phase_out_weeks=15)
    holders = m.organisers.holders()
    assert len(holders) > 0
    m.residents.withdrawn[holders[0]] = True
    work(m)
    assert m.organisers.task[holders[0]] == NO_TASK
    assert any(e.key == "task_given_up" for e in m.activity)


def test_a_resident_door_opener_brings_claims_on_the_residents_own_channel() -> None:
    """A worker carries a group's claim on the mediated channel; a resident organiser coaches
    the group to bring it on its own."""
    m = run(20, strategy="none", seed=4)
    pr = m.problems
    p = int(np.flatnonzero(pr.status >= 0)[0])
    pr.status[p] = 1
    g = m.groups.found(p, np.arange(10, 18))
    g.momentum = 1.0
    door_opener = ACTIVITIES["door_opener"].act
    door_opener(m, ResidentOrganiser("resident 1", 1.0), Budget(10.0))
    assert not g.carried
    door_opener(m, _professional(), Budget(10.0))
    assert g.carried


def test_handing_over_the_workers_recognition_passes_as_far_as_the_resident_can_hold_it() -> None:
    """Introduced to the office by the workers, a resident organiser lifts the residents' own
    channel toward the workers' by their speaking and bureaucratic competence: nothing at
    competence 0, all the way at 1."""
    for competence, expected_share in ((0.0, 0.0), (1.0, 1.0), (0.5, 0.5)):
        m = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none")
        admin = m.arena.administration
        admin.responsiveness[:] = (0.2, 0.6)
        m.residents.activated[5, [SPEAKING, BUREAUCRACY]] = competence
        introduce(m, 5)
        assert admin.responsiveness[OWN] == pytest.approx(0.2 + expected_share * 0.4)
        assert admin.responsiveness[MEDIATED] == pytest.approx(0.6)


# -- resident mediators ----------------------------------------------------------------------------


def rival_claims(m: QuartierModel) -> tuple[Claim, Claim]:
    from test_arena import rivals

    (ga, pa, _), (gb, pb, _) = rivals(m)
    return Claim((ga.id,), (pa,), 0.3), Claim((gb.id,), (pb,), 0.25)


@pytest.mark.parametrize(("quality", "mediated"), [(0.0, False), (1.0, True)])
def test_a_resident_mediator_settles_a_conflict_with_the_chance_of_their_quality(
    quality: float, mediated: bool
) -> None:
    """Interessenvermittlung by a resident who took mediation over: a prepared mediation
    settles the conflict with chance = the mediator's speaking competence, also after the exit,
    and is used up either way."""
    from test_arena import model

    m = model()
    ca, cb = rival_claims(m)
    m.residents.activated[:, SPEAKING] = 0.0  # nobody could mediate unprepared
    m.arena.mediation_hours = 0.0
    m.steps = m.project_weeks + 10  # after the exit
    m.arena.prepare_mediation(quality, by_worker=False)
    assert m.arena.mediations_ready() == 1
    out = m.arena.conflict(ca, cb)
    assert (len(out) == 1) == mediated
    assert m.arena.mediations_ready() == 0


def test_a_workers_banked_mediation_lapses_with_the_exit_but_a_residents_does_not() -> None:
    """The workers' hours leave with them; a resident mediator stays in the quarter."""
    from test_arena import model

    m = model()
    m.arena.prepare_mediation(1.0, by_worker=True)
    m.arena.prepare_mediation(1.0, by_worker=False)
    assert m.arena.mediations_ready() == 2
    m.residents.activated[:, SPEAKING] = 0.0
    m.steps = m.project_weeks + 1
    ca, cb = rival_claims(m)
    assert len(m.arena.conflict(ca, cb)) == 1  # the resident's mediation
    assert m.arena.resident_mediations == []


def test_the_resource_diagnostician_visits_with_a_residents_caring_competence() -> None:
    """The same role code done by a resident organiser: with no caring competence nobody they
    do not know yet lets them in, so they get to know nobody new."""
    m = run(5, strategy="none", outreach_acceptance=1.0)
    known = m.knowledge.known.copy()
    resource_diagnostician(m, ResidentOrganiser("resident 2", 0.0), Budget(20.0))
    np.testing.assert_array_equal(m.knowledge.known, known)
    resource_diagnostician(m, ResidentOrganiser("resident 2", 1.0), Budget(20.0))
    assert m.knowledge.known.sum() > known.sum()


# -- dropping out ----------------------------------------------------------------------------------


def _holders(n: int, recent: float, **params) -> QuartierModel:
    """A quarter in which residents 0..n-1 hold the first task with recent success ``recent``
    (and are not withdrawn), to watch the drop-out rule alone."""
    m = QuartierModel(rng=5, **{**SMALL_QUARTER, "strategy": "none", **params})
    who = np.arange(n)
    m.residents.withdrawn[who] = False
    m.organisers.task[who] = 0
    m.organisers.recent[who] = recent
    return m


def test_a_holder_without_recent_success_drops_out_at_the_declared_rate() -> None:
    """Holders whose task has not worked for them lately stop with weekly chance
    ``dropout_rate``, as members of a group without momentum do (section 6.1). One draw per
    holder: the count who stopped is binomial; the interval is three binomial sds."""
    from quartiersim.organisers import drop_out

    n, rate = 120, 0.25
    m = _holders(n, recent=0.0, dropout_rate=rate)
    stopped = drop_out(m, m.organisers.holders())
    sd = np.sqrt(n * rate * (1 - rate))
    assert abs(len(stopped) - n * rate) < 3 * sd
    assert (m.organisers.task[stopped] == NO_TASK).all()
    assert sum(e.key == "task_dropped" for e in m.activity) == len(stopped)
    # half the recent success, half the chance
    m = _holders(n, recent=0.5, dropout_rate=2 * rate)
    stopped = drop_out(m, m.organisers.holders())
    assert abs(len(stopped) - n * rate) < 3 * sd


def test_a_holder_with_full_recent_success_never_drops_out() -> None:
    m = _holders(60, recent=1.0, dropout_rate=1.0)
    for _ in range(20):
        assert len(drop_out_all(m)) == 0
    assert (m.organisers.task[:60] == 0).all()


def test_nobody_drops_out_at_dropout_rate_zero() -> None:
    m = _holders(60, recent=0.0, dropout_rate=0.0)
    for _ in range(20):
        assert len(drop_out_all(m)) == 0


def drop_out_all(m: QuartierModel) -> np.ndarray:
    from quartiersim.organisers import drop_out

    return drop_out(m, m.organisers.holders())


def test_recent_success_is_the_share_of_the_holders_own_outcomes_that_worked() -> None:
    """A new holder's recent success is the share of their training sessions that worked; each
    performance then moves it toward 1 (worked) or 0 (did not), with a group's memory."""
    m = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none", training_sessions=4)
    o = m.organisers
    i, task = 5, o.tasks[0]
    domain = ACTIVITIES[task].handover_domain
    m.residents.resources[i, domain] = 1.0  # guided tasks work with the true level: always
    for _ in range(4):
        m.train(i, task)
    assert o.task[i] == 0 and o.recent[i] == pytest.approx(1.0)
    o.performed(i, False)
    assert o.recent[i] == pytest.approx(m.p["momentum_keep"])
    m.residents.resources[i, domain] = 0.0  # never works
    j = 6
    m.residents.resources[j, domain] = 0.0
    for _ in range(4):
        m.train(j, task)
    assert o.recent[j] == 0.0


def test_after_the_exit_holders_who_stop_are_not_replaced() -> None:
    """With a high drop-out rate and no success the resident organisers of a phased exit are
    gone soon after the exit; nobody takes their tasks over, and without drop-out they stay."""
    kept = run(60, strategy="empowerment", phase_out_weeks=15, dropout_rate=0.0)
    lost = run(60, strategy="empowerment", phase_out_weeks=15, dropout_rate=1.0)
    at_exit = measures(lost)["resident_organisers"].iloc[30]
    assert measures(kept)["resident_organisers"].iloc[-1] > 0
    after = measures(lost)["resident_organisers"].iloc[31:].to_numpy()
    assert (np.diff(after) <= 0).all()  # after the exit the count never rises again
    assert after[-1] < max(at_exit, 1)


def test_with_no_training_sessions_a_task_is_handed_over_untrained_at_once() -> None:
    """``training_sessions`` 0 is the handover without training: the successor holds the task
    at the first meeting, without a guided session, and starts with a new group's momentum as
    their record."""
    from quartiersim.organisers import NO_RECORD

    m = QuartierModel(rng=2, **SMALL_QUARTER, strategy="none", training_sessions=0)
    o = m.organisers
    before = m.rng.bit_generator.state
    m.train(5, o.tasks[0])
    assert o.task[5] == 0 and o.training[5] == NO_TASK
    assert o.recent[5] == NO_RECORD
    assert m.rng.bit_generator.state == before  # no guided task was tried
