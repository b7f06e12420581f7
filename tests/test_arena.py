"""The political arena: resident assemblies, conflicting claims, the administration, allies.

Pinned mechanisms (design §2): a mediated conflict becomes one compromise claim backed by both
groups; an unmediated one splits the voice and damages ties across the groups; a granted claim
solves its problem and gives members mastery; a refusal feeds helplessness — unless the group
is conflict-capable (konfliktfähig) and escalates, which builds pressure for the next round;
allies are won by credible groups and lost when groups fade.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel
from quartiersim.arena import Claim
from quartiersim.problems import KIND_INDEX, SOLVED, VISIBLE
from quartiersim.residents import BUREAUCRACY, ORGANISING, SPEAKING

VOICE = [ORGANISING, SPEAKING, BUREAUCRACY]


def model(seed: int = 1, **params) -> QuartierModel:
    quiet = {"strategy": "none", "n_problems": 0, "problem_arrival_weeks": 10_000.0}
    m = QuartierModel(rng=seed, **{**SMALL_QUARTER, **quiet, **params})
    m.residents.withdrawn[:] = False
    return m


def group_on(m: QuartierModel, kind: str, members: np.ndarray, voice: float = 0.5):
    """A group of ``members`` working on a new visible problem of ``kind``; its members'
    activated organising, speaking and bureaucracy set to ``voice``."""
    r = m.residents
    p = m.add_problem(KIND_INDEX[kind], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    r.resources[np.ix_(members, VOICE)] = np.maximum(r.resources[np.ix_(members, VOICE)], voice)
    r.activated[np.ix_(members, VOICE)] = voice
    g = m.groups.found(p, members)
    return g, p


def rivals(m: QuartierModel, voice: float = 0.5):
    """Two groups with opposed causes: a youth space vs. quiet for the elderly, with ties
    within each group and across the two."""
    a, b = np.arange(0, 6), np.arange(6, 12)
    ga, pa = group_on(m, "no_youth_space", a, voice)
    gb, pb = group_on(m, "noise", b, voice)
    for side in (a, b):
        x, y = np.triu_indices(len(side), 1)
        m.ties.reinforce(side[x], side[y], 0.5)
    x, y = np.meshgrid(a, b, indexing="ij")
    m.ties.reinforce(x.ravel(), y.ravel(), 0.4)
    return (ga, pa, a), (gb, pb, b)


def cross_weight(m: QuartierModel, a: np.ndarray, b: np.ndarray) -> float:
    return float(m.ties.adjacency()[a][:, b].sum())


def inner_weight(m: QuartierModel, a: np.ndarray) -> float:
    return float(m.ties.adjacency()[a][:, a].sum())


# -- conflicts -------------------------------------------------------------------------------------


def test_mediation_turns_two_conflicting_claims_into_one_with_combined_backing() -> None:
    """Interest mediation (Interessenvermittlung): one compromise claim carrying both groups,
    both problems, and more backing than either claim alone; the mediator's banked hours pay."""
    m = model()
    (ga, pa, a), (gb, pb, b) = rivals(m)
    m.arena.mediation_hours = m.p["mediation_hours"]
    ca = Claim(groups=(ga.id,), problems=(pa,), backing=0.3)
    cb = Claim(groups=(gb.id,), problems=(pb,), backing=0.25)
    cross0 = cross_weight(m, a, b)
    out = m.arena.conflict(ca, cb)
    assert len(out) == 1
    claim = out[0]
    assert claim.mediated
    assert set(claim.groups) == {ga.id, gb.id}
    assert set(claim.problems) == {pa, pb}
    assert max(0.3, 0.25) < claim.backing <= 1.0
    assert m.arena.mediation_hours == pytest.approx(0.0)
    assert m.arena.conflicts_mediated == 1 and m.arena.conflicts_open == 0
    assert cross_weight(m, a, b) >= cross0  # meeting across the divide repairs ties


def test_unmediated_conflict_splits_the_voice_and_damages_ties_across_the_groups() -> None:
    m = model()
    (ga, pa, a), (gb, pb, b) = rivals(m)
    m.residents.activated[:, SPEAKING] = 0.0  # nobody who could mediate among the residents
    m.arena.mediation_hours = 0.0
    ca = Claim(groups=(ga.id,), problems=(pa,), backing=0.3)
    cb = Claim(groups=(gb.id,), problems=(pb,), backing=0.25)
    cross0, inner_a, inner_b = cross_weight(m, a, b), inner_weight(m, a), inner_weight(m, b)
    across0 = m.ties.adjacency()[a][:, b].toarray()
    out = m.arena.conflict(ca, cb)
    assert len(out) == 2
    assert [c.groups for c in out] == [(ga.id,), (gb.id,)]
    assert out[0].backing < 0.3 and out[1].backing < 0.25
    assert not any(c.mediated for c in out)
    assert cross_weight(m, a, b) < cross0
    across = m.ties.adjacency()[a][:, b].toarray()
    np.testing.assert_allclose(across, 0.5 * across0)  # every tie across loses half
    assert inner_weight(m, a) == pytest.approx(inner_a)  # ties within are not
    assert inner_weight(m, b) == pytest.approx(inner_b)
    assert m.arena.conflicts_open == 1 and m.arena.conflicts_mediated == 0


def test_residents_with_strong_ties_across_can_mediate_themselves() -> None:
    """Organisational capability of residents: close ties across both groups and someone who
    can speak up settle the conflict without a worker."""
    m = model()
    (ga, pa, a), (gb, pb, b) = rivals(m, voice=1.0)
    x, y = np.meshgrid(a, b, indexing="ij")
    m.ties.reinforce(x.ravel(), y.ravel(), 1.0)
    m.arena.mediation_hours = 0.0
    out = m.arena.conflict(Claim((ga.id,), (pa,), 0.3), Claim((gb.id,), (pb,), 0.3))
    assert len(out) == 1 and out[0].mediated


def test_only_claims_on_opposed_problems_conflict() -> None:
    m = model()
    (ga, pa, _), (gb, pb, _) = rivals(m)
    gc, pc = group_on(m, "litter", np.arange(20, 26))
    m.arena.mediation_hours = 2 * m.p["mediation_hours"]
    claims = [Claim((ga.id,), (pa,), 0.3), Claim((gc.id,), (pc,), 0.3), Claim((gb.id,), (pb,), 0.3)]
    out = m.arena.resolve_conflicts(claims)
    assert sorted(len(c.groups) for c in out) == [1, 2]
    assert m.arena.conflicts_mediated == 1
    m2 = model()
    (ga, pa, _), _ = rivals(m2)
    gc, pc = group_on(m2, "litter", np.arange(20, 26))
    assert (
        len(m2.arena.resolve_conflicts([Claim((ga.id,), (pa,), 0.3), Claim((gc.id,), (pc,), 0.3)]))
        == 2
    )
    assert m2.arena.conflicts_open == m2.arena.conflicts_mediated == 0


# -- the administration decides --------------------------------------------------------------------


def test_granted_claim_solves_the_problem_and_lowers_members_helplessness() -> None:
    """A full-backed claim before a fully responsive administration is granted: the problem is
    solved, members gain mastery (less helplessness) and trust; residents who took no part are
    not touched."""
    m = model()
    members = np.arange(6)
    g, p = group_on(m, "litter", members)
    r = m.residents
    r.helplessness[members] = 0.5
    h0, trust0 = r.helplessness.copy(), r.expect_inst.copy()
    m.arena.administration.responsiveness[:] = 1.0
    m.arena.decide(Claim((g.id,), (p,), backing=1.0))
    assert m.problems.status[p] == SOLVED
    assert (r.helplessness[members] < h0[members]).all()
    assert (r.expect_inst[members] > trust0[members]).all()  # the administration acted
    np.testing.assert_array_equal(r.helplessness[6:], h0[6:])  # the concerned only saw it
    assert m.arena.claims_granted == 1
    assert g.wins == 1
    assert m.arena.recent_success() == 1.0


def test_refused_claim_raises_helplessness_of_a_group_that_cannot_fight() -> None:
    """A group without the voice to go public experiences the refusal as loss of control."""
    m = model()
    members = np.arange(6)
    g, p = group_on(m, "litter", members, voice=0.0)
    r = m.residents
    r.helplessness[members] = 0.5
    h0, trust0 = r.helplessness.copy(), r.expect_inst.copy()
    m.arena.administration.responsiveness[:] = 0.0
    m.arena.decide(Claim((g.id,), (p,), backing=0.0))
    assert m.problems.status[p] == VISIBLE
    assert (r.helplessness[members] > h0[members]).all()
    assert (r.expect_inst[members] < trust0[members]).all()  # the administration refused
    assert g.refusals == 1
    assert g.pressure == 0.0
    assert m.arena.claims_granted == 0
    assert any(e.key == "claim_refused" for e in m.activity)


def test_refused_conflict_capable_group_escalates_and_builds_pressure() -> None:
    """Conflict capability (Konfliktfähigkeit): the refusal is a failure for the group too, but
    it makes the refusal public — attention and pressure rise, and going public is a small
    success of its own, so the group ends less helpless than one that could not fight."""
    m = model()
    members = np.arange(6)
    g, p = group_on(m, "litter", members, voice=1.0)
    r = m.residents
    r.helplessness[members] = 0.5
    weak = model()
    gw, pw = group_on(weak, "litter", members, voice=0.0)
    weak.residents.helplessness[members] = 0.5
    m.arena.administration.responsiveness[:] = 0.0
    weak.arena.administration.responsiveness[:] = 0.0
    m.arena.decide(Claim((g.id,), (p,), backing=0.0))
    weak.arena.decide(Claim((gw.id,), (pw,), backing=0.0))
    assert m.problems.status[p] == VISIBLE
    assert g.pressure > 0 and g.attention > 0
    assert gw.pressure == 0
    assert r.helplessness[members].mean() < weak.residents.helplessness[members].mean()
    assert any(e.key == "claim_escalated" for e in m.activity)


def test_pressure_and_attention_raise_the_backing_of_the_next_claim() -> None:
    m = model()
    g, _ = group_on(m, "litter", np.arange(8), voice=0.6)
    g.help = 1.0
    base = m.arena.claim_of(g)
    assert base is not None
    g.pressure = 1.0
    pressed = m.arena.claim_of(g)
    g.attention = 1.0
    public = m.arena.claim_of(g)
    assert base.backing < pressed.backing < public.backing


def test_no_claim_without_a_visible_cause() -> None:
    m = model()
    g, p = group_on(m, "litter", np.arange(8), voice=0.6)
    g.help = 1.0
    m.problems.status[p] = SOLVED
    assert m.arena.claim_of(g) is None


@pytest.mark.parametrize("attention", [0, 2])
def test_the_administration_decides_at_most_its_attention_per_assembly(attention: int) -> None:
    m = model(admin_attention=attention)
    for k, kind in enumerate(["litter", "poor_lighting", "traffic_danger", "parking"]):
        g, _ = group_on(m, kind, np.arange(8 * k, 8 * k + 8), voice=0.6)
        g.help = 1.0
    m.arena.assembly()
    assert m.arena.claims_raised == 4
    assert len(m.arena.decisions) == attention


def test_assemblies_happen_every_assembly_weeks() -> None:
    m = model(assembly_weeks=3)
    g, _ = group_on(m, "litter", np.arange(8), voice=0.6)
    g.help = 1.0
    raised = []
    for _ in range(7):
        m.step()
        raised.append(m.arena.claims_raised)
    assert raised[0] == raised[1] == 0
    assert raised[2] >= 1  # week 3


# -- allies ----------------------------------------------------------------------------------------


def credible(m: QuartierModel):
    members = np.arange(10)
    g, _ = group_on(m, "litter", members, voice=1.0)
    x, y = np.triu_indices(len(members), 1)
    m.ties.reinforce(members[x], members[y], 1.0)
    g.funds, g.help, g.wins = 10_000.0, 1.0, 2
    return g


def test_a_credible_group_wins_allies_until_none_are_free() -> None:
    m = model(n_potential_allies=3)
    g = credible(m)
    assert m.groups.capacity(g) >= 0.5
    assert [m.arena.try_win_ally(g, chance=1.0) for _ in range(4)] == [True, True, True, False]
    assert m.arena.allies == 3
    assert (m.arena.ally_of == g.id).all()


def test_without_any_chance_no_ally_is_won() -> None:
    m = model()
    g = credible(m)
    assert not any(m.arena.try_win_ally(g, chance=0.0) for _ in range(50))
    assert m.arena.allies == 0


def test_allies_leave_fading_groups_and_stay_with_successful_ones() -> None:
    m = model(n_potential_allies=4)
    fading, strong = credible(m), group_on(m, "parking", np.arange(20, 26), voice=1.0)[0]
    m.arena.ally_of[:] = [fading.id, fading.id, strong.id, strong.id]
    fading.momentum, strong.momentum = 0.0, 1.0
    for _ in range(600):
        m.arena.lose_allies_of_fading_groups()
    assert m.arena.group_allies(fading) == 0
    assert m.arena.group_allies(strong) == 2
    assert any(e.key == "ally_lost" for e in m.activity)


def test_allies_are_released_when_their_group_dissolves() -> None:
    m = model()
    g = credible(m)
    m.arena.ally_of[:2] = g.id
    m.groups.dissolve(g, reason="attendance")
    assert m.arena.allies == 0


def test_allies_count_in_political_influence() -> None:
    m = model(n_potential_allies=4)
    g = credible(m)
    m.arena.ally_of[:2] = g.id
    m.step()
    assert m.measures["allies"] == m.arena.allies
    assert 0 <= m.measures["political_influence"] <= 1
