"""One rule for agency: every outcome changes residents by what each of them did.

Bandura (1977): one's own performance is the strongest source of efficacy; watching others is a
weaker one, and being told is weaker still. Herriger: residents leave learned helplessness by
taking "Regie und Verantwortung" themselves. So an outcome teaches those who contributed effort
fully, those who took part a little (``taking_part_weight``), and those who only saw it or live
with the problem nothing — whoever records the outcome. No mechanism passes an agency value.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_QUARTER
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiersim import QuartierModel
from quartiersim.groups import ActionGroups
from quartiersim.outcomes import BOTH, INSTITUTION, RESIDENTS, Outcome, apply_outcome
from quartiersim.residents import DOMAINS, ORGANISING, PRACTICAL, SPEAKING

SMALL = SMALL_QUARTER
SRC = Path(__file__).resolve().parent.parent / "src" / "quartiersim"


def model(seed: int = 1, **params) -> QuartierModel:
    return QuartierModel(rng=seed, **{**SMALL, "strategy": "none", **params})


def everyone_but(m: QuartierModel, who) -> np.ndarray:
    mask = np.ones(m.residents.n, dtype=bool)
    mask[np.asarray(who)] = False
    return mask


def test_a_resident_who_only_watched_gains_no_mastery() -> None:
    """Only affected — living with the problem, seeing the repair or the action — is no
    performance: no change in helplessness and no resource activated, for any source and any
    size of outcome."""
    m = model()
    r = m.residents
    watchers = np.arange(30)
    h0, act0 = r.helplessness.copy(), r.activated.copy()
    for source in (RESIDENTS, INSTITUTION, BOTH):
        for decisive in (True, False):
            for success in (True, False):
                m.record(Outcome(success, decisive, source, domain=SPEAKING, affected=watchers))
    np.testing.assert_array_equal(r.helplessness, h0)
    np.testing.assert_array_equal(r.activated, act0)
    assert not r.used.any()


def test_success_with_effort_lowers_helplessness_and_activates_the_domain_used() -> None:
    """Mastery (Bewältigungserfahrung): helplessness falls and part of the buried resource of
    the task's domain is uncovered — for those who acted, and only in that domain."""
    m = model()
    r = m.residents
    doers = np.flatnonzero(r.helplessness > 0.05)[:10]
    h0, act0 = r.helplessness.copy(), r.activated.copy()
    m.record(Outcome(True, True, RESIDENTS, domain=ORGANISING, effort=doers))
    assert (r.helplessness[doers] < h0[doers]).all()
    assert (r.activated[doers, ORGANISING] > act0[doers, ORGANISING]).all()
    assert (r.activated[doers, ORGANISING] <= r.resources[doers, ORGANISING] + 1e-12).all()
    others = [d for d in range(len(DOMAINS)) if d != ORGANISING]
    np.testing.assert_array_equal(r.activated[:, others], act0[:, others])
    rest = everyone_but(m, doers)
    np.testing.assert_array_equal(r.helplessness[rest], h0[rest])
    assert r.used[doers, ORGANISING].all()


def test_failure_hits_only_those_who_acted() -> None:
    """A refused claim, a failed trial: helplessness rises for those who contributed or took
    part, never for bystanders; a failure activates nothing."""
    m = model()
    r = m.residents
    doers, members, bystanders = np.arange(0, 5), np.arange(5, 15), np.arange(15, 60)
    r.helplessness[:60] = 0.4
    h0, act0 = r.helplessness.copy(), r.activated.copy()
    m.record(
        Outcome(
            False,
            True,
            BOTH,
            domain=SPEAKING,
            effort=doers,
            took_part=members,
            affected=bystanders,
        )
    )
    assert (r.helplessness[doers] > h0[doers]).all()
    assert (r.helplessness[members] > h0[members]).all()
    # taking part weighs less than contributing effort
    assert (r.helplessness[members] - 0.4).max() < (r.helplessness[doers] - 0.4).min()
    np.testing.assert_array_equal(r.helplessness[bystanders], h0[bystanders])
    np.testing.assert_array_equal(r.activated, act0)


def test_the_same_outcome_teaches_the_same_whoever_records_it() -> None:
    """A granted claim and a small action with the same involvement and size change residents
    identically: what matters is what residents did, not which mechanism recorded it."""
    a, b = model(seed=3), model(seed=3)
    doers, members = np.arange(4), np.arange(4, 12)
    members_a = np.concatenate([doers, members])
    ga = a.groups.found(-1, members_a, funds=0.0)
    gb = b.groups.found(-1, members_a, funds=0.0)
    assert ga.id == gb.id
    claim = Outcome(True, False, BOTH, domain=PRACTICAL, effort=doers, took_part=members)
    action = Outcome(True, False, RESIDENTS, domain=PRACTICAL, effort=doers, took_part=members)
    a.record(claim)
    b.record(action)
    np.testing.assert_array_equal(a.residents.helplessness, b.residents.helplessness)
    np.testing.assert_array_equal(a.residents.activated, b.residents.activated)


def test_strongest_involvement_counts_once() -> None:
    """A resident named as contributing and as affected learns as a contributor, once."""
    a, b = model(), model()
    who = np.arange(5)
    a.record(Outcome(True, True, RESIDENTS, domain=SPEAKING, effort=who))
    b.record(
        Outcome(
            True,
            True,
            RESIDENTS,
            domain=SPEAKING,
            effort=np.concatenate([who, who]),
            took_part=who,
            affected=who,
        )
    )
    np.testing.assert_array_equal(a.residents.helplessness, b.residents.helplessness)
    np.testing.assert_array_equal(a.residents.activated, b.residents.activated)


def test_at_zero_taking_part_weight_only_effort_counts_and_small_outcomes_need_a_size() -> None:
    """``taking_part_weight`` 0: members who only took part learn nothing; ``small_win_size``
    0: small outcomes teach nothing, decisive ones still do."""
    m = model(taking_part_weight=0.0, small_win_size=0.0)
    r = m.residents
    h0 = r.helplessness.copy()
    m.record(Outcome(True, True, BOTH, domain=SPEAKING, took_part=np.arange(20)))
    m.record(Outcome(True, False, RESIDENTS, domain=SPEAKING, effort=np.arange(20)))
    np.testing.assert_array_equal(r.helplessness, h0)
    m.record(Outcome(True, True, BOTH, domain=SPEAKING, effort=np.arange(20)))
    assert (r.helplessness[:20] <= h0[:20]).all() and r.helplessness[:20].sum() < h0[:20].sum()


@settings(max_examples=60, deadline=None)
@given(
    success=st.booleans(),
    decisive=st.booleans(),
    mastery=st.floats(0, 1),
    failure=st.floats(0, 1),
    gain=st.floats(0, 1),
    part=st.floats(0, 1),
    small=st.floats(0, 1),
    repeat=st.integers(1, 5),
)
def test_outcomes_keep_helplessness_and_resources_in_range(
    success, decisive, mastery, failure, gain, part, small, repeat
) -> None:
    m = model(
        mastery_effect=mastery,
        failure_effect=failure,
        activation_gain=gain,
        taking_part_weight=part,
        small_win_size=small,
    )
    r = m.residents
    for _ in range(repeat):
        apply_outcome(
            r,
            Outcome(success, decisive, BOTH, domain=SPEAKING, effort=np.arange(30), took_part=[31]),
            m.p,
        )
    assert ((r.helplessness >= 0) & (r.helplessness <= 1)).all()
    assert (r.activated <= r.resources + 1e-12).all() and (r.activated >= 0).all()


def test_an_outreach_visit_without_a_trial_changes_no_helplessness_or_resource() -> None:
    """A visit is contact: the resident becomes known and is invited. Only the trial the visit
    opens is an outcome; with the trial taken away, visited residents are exactly as before."""
    m = model(seed=4, initial_helplessness=0.5)
    m.try_out = lambda who, domains, source=RESIDENTS: np.zeros(len(who), dtype=bool)
    m.set_strategy("custom", {"resource_diagnostician": 1.0})
    h0, act0 = m.residents.helplessness.copy(), m.residents.activated.copy()
    m.workers[0].step()
    visited = [e.data["resident"] for e in m.activity if e.key == "outreach_visit"]
    assert visited
    np.testing.assert_array_equal(m.residents.helplessness, h0)
    np.testing.assert_array_equal(m.residents.activated, act0)


def test_a_guided_trial_works_with_the_residents_true_talent() -> None:
    """A space of possibility (Möglichkeitsraum): whether trying out a buried talent works
    depends on the talent, not on the worker — residents with the talent almost always succeed,
    those without it almost never."""
    m = model(seed=6)
    r = m.residents
    gifted, ungifted = np.arange(0, 50), np.arange(50, 100)
    r.resources[gifted, SPEAKING] = 0.99
    r.resources[ungifted, SPEAKING] = 0.01
    r.activated[:100, SPEAKING] = 0.0
    worked = m.try_out(np.arange(100), np.full(100, SPEAKING))
    assert worked[:50].mean() > 0.9 and worked[50:].mean() < 0.1
    assert (r.activated[gifted[worked[:50]], SPEAKING] > 0).all()


AGENCY_WRITES = ("helplessness",)


def test_no_code_passes_an_agency_value() -> None:
    """An AST scan of the model's modules: no function takes or passes an ``agency`` value, and
    helplessness is written only by the one rule (outcomes.py), the weekly drift of everyday
    life and the set-up of residents (residents.py)."""
    offenders = []
    for path in sorted(SRC.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.arg) and node.arg == "agency":
                offenders.append(f"{path.name}:{node.lineno} takes an agency argument")
            if isinstance(node, ast.keyword) and node.arg == "agency":
                offenders.append(f"{path.name}:{node.lineno} passes an agency value")
            if path.name in ("outcomes.py", "residents.py"):
                continue
            targets = []
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                base = t.value if isinstance(t, ast.Subscript) else t
                if isinstance(base, ast.Attribute) and base.attr in AGENCY_WRITES:
                    offenders.append(f"{path.name}:{node.lineno} writes helplessness")
    assert not offenders, offenders


def test_the_scan_catches_a_hand_set_mastery() -> None:
    """The scan above is not blind: code that writes helplessness directly is caught."""
    tree = ast.parse("def f(r, who):\n    r.helplessness[who] -= 0.1\n")
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.AugAssign))
    assert isinstance(node.target, ast.Subscript)
    assert node.target.value.attr == "helplessness"


def test_small_actions_are_outcomes_of_the_members_present() -> None:
    """A group's small action teaches those present (their practical skills), not the members
    who stayed at home or the neighbours who saw it."""
    m = model(seed=5)
    r = m.residents
    r.withdrawn[:] = False
    members = np.arange(8)
    g = m.groups.found(-1, members, funds=1000.0)
    g.help = 1.0
    seen: list[Outcome] = []
    m.record = lambda o: seen.append(o)  # type: ignore[method-assign]
    for _ in range(30):
        ActionGroups.act(m.groups)
    actions = [o for o in seen if o.domain == PRACTICAL]
    assert actions
    for o in actions:
        assert o.success and not o.decisive and o.source == RESIDENTS
        assert set(o.effort) <= set(members) and len(o.took_part) == 0


@pytest.mark.parametrize("granted", [True, False])
def test_a_decided_claim_is_an_outcome_for_delegates_members_and_the_concerned(granted) -> None:
    """The claim's delegates (its best speakers) contributed effort; the other members took
    part; the residents concerned by the problem saw the decision."""
    from quartiersim.arena import Claim
    from quartiersim.problems import KIND_INDEX, VISIBLE

    m = model(seed=2)
    r = m.residents
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE, at=tuple(m.home_xy[0]))
    members = np.arange(8)
    r.activated[members, SPEAKING] = np.linspace(0.1, 0.8, 8)
    r.activated[members, ORGANISING] = 0.0  # no conflict capability: no going public
    g = m.groups.found(p, members, funds=0.0)
    seen: list[Outcome] = []
    m.record = lambda o: seen.append(o)  # type: ignore[method-assign]
    m.arena.administration.responsiveness[:] = 1.0 if granted else 0.0
    m.arena.decide(Claim((g.id,), (p,), backing=1.0 if granted else 0.0))
    (o,) = seen
    assert o.success is granted and o.decisive and o.source == BOTH
    assert sorted(o.effort) == sorted(members[-m.p["delegates"] :])
    assert set(o.took_part) == set(members)
    assert set(o.affected) == set(m.problems.affected(p))


@pytest.mark.parametrize("source", ["residents", "institution", "both"])
def test_trials_at_once_change_residents_as_one_outcome_per_domain_and_result(source):
    from quartiersim import QuartierModel
    from quartiersim.outcomes import Outcome, apply_outcome, apply_trials

    a = QuartierModel(rng=4, n_residents=60, width=10, height=10)
    b = QuartierModel(rng=4, n_residents=60, width=10, height=10)
    rng = np.random.default_rng(0)
    who = rng.permutation(60)[:25]
    domains = rng.integers(0, a.residents.resources.shape[1], len(who))
    worked = rng.random(len(who)) < 0.5
    apply_trials(a.residents, who, domains, worked, source, a.p)
    for d in np.unique(domains):
        for success in (True, False):
            chosen = (domains == d) & (worked == success)
            if chosen.any():
                outcome = Outcome(success, False, source, domain=int(d), effort=who[chosen])
                apply_outcome(b.residents, outcome, b.p)
    for name in ("helplessness", "activated", "used", "expect_own", "expect_inst"):
        assert np.array_equal(getattr(a.residents, name), getattr(b.residents, name)), name
