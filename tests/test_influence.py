"""Residents' own political capacity, and an administration that learns which channel
delivers.

Herriger: residents become "Schritt für Schritt ... ein Machtfaktor auf der Bühne der lokalen
Öffentlichkeit" through political capability — organisation, bureaucratic competence, allies,
conflict capability. Opening "Resonanzräume" in the administration is the professional's task.
Arnstein (1969): consultation without a transfer of power is tokenism. So
``political_influence`` measures the residents (organised share, activated competences, allies
they keep, their record of won claims) and the administration's responsiveness is reported
apart, per channel: the residents' own claims, and claims the workers carry.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel
from quartiersim.arena import Claim
from quartiersim.institutions import MEDIATED, OWN
from quartiersim.measures import political_influence_parts
from quartiersim.problems import KIND_INDEX, VISIBLE

ROUND_TABLES_ONLY = {"strategy": "custom", "role_mix": {"dialogue_manager": 1.0}}


def test_round_tables_alone_do_not_raise_political_influence() -> None:
    """A quarter where the workers only hold round tables (and no group forms that they could
    help) has, week by week, exactly the political influence of the same quarter without
    workers; only the administration's responsiveness to the workers rises (P4.1)."""
    quiet = {**SMALL_QUARTER, "founding_rate": 0.0}
    tables = QuartierModel(rng=3, **quiet, **ROUND_TABLES_ONLY)
    nothing = QuartierModel(rng=3, **quiet, strategy="none")
    for _ in range(52):
        tables.step()
        nothing.step()
    a = tables.datacollector.get_model_vars_dataframe()
    b = nothing.datacollector.get_model_vars_dataframe()
    assert (a["worker_hours"].iloc[1:] > 0).all()
    assert a["active_groups"].max() == 0
    np.testing.assert_array_equal(a["political_influence"], b["political_influence"])
    np.testing.assert_array_equal(a["admin_responsiveness"], b["admin_responsiveness"])
    assert a["mediated_responsiveness"].iloc[-1] > b["mediated_responsiveness"].iloc[-1]


def test_political_influence_reads_no_administration_state(small_model) -> None:
    """Turning the administration fully responsive, on both channels, changes no part of the
    residents' political influence."""
    m = small_model(2, strategy="empowerment")
    for _ in range(20):
        m.step()
    before = political_influence_parts(m)
    m.arena.administration.reset(1.0)
    m.arena.translation = 1.0
    assert political_influence_parts(m) == before
    assert set(before) == {"organised", "competence", "allies", "record"}
    assert all(0.0 <= v <= 1.0 for v in before.values())


def test_the_record_counts_won_claims_against_decided_claims_plus_one(small_model) -> None:
    m = small_model(2, strategy="none")
    a = m.arena
    assert a.record() == 0.0
    a.decisions.extend([(0, True), (0, False), (0, True)])
    assert a.record() == pytest.approx(2 / 4)
    assert a.recent_success() == pytest.approx(2 / 3)


def claim_scene(small_model, **params):
    m = small_model(1, strategy="none", n_problems=0, problem_arrival_weeks=10_000.0, **params)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    g = m.groups.found(p, np.arange(6), funds=0.0)
    return m, g, p


@pytest.mark.parametrize("channel", [OWN, MEDIATED])
def test_a_well_backed_claim_teaches_its_channel_to_listen_and_a_weak_one_to_ignore(
    small_model, channel
) -> None:
    """The administration learns which channel delivers: a claim backed far above the bar
    raises that channel's responsiveness, one far below lowers it; the other channel is not
    touched."""
    for backing, rises in ((1.0, True), (0.0, False)):
        m, g, p = claim_scene(small_model)
        admin = m.arena.administration
        before = admin.responsiveness.copy()
        m.arena.decide(Claim((g.id,), (p,), backing=backing, channel=channel))
        assert (admin.responsiveness[channel] > before[channel]) == rises
        assert admin.responsiveness[1 - channel] == before[1 - channel]


def test_channels_never_learn_at_learning_rate_zero_and_forget_toward_the_baseline(
    small_model,
) -> None:
    m, g, p = claim_scene(small_model, admin_learning_rate=0.0)
    admin = m.arena.administration
    m.arena.decide(Claim((g.id,), (p,), backing=1.0, channel=OWN))
    assert (admin.responsiveness == admin.baseline).all()
    m, _, _ = claim_scene(small_model, admin_forgetting=0.2)
    admin = m.arena.administration
    admin.responsiveness[:] = [0.9, 0.1]
    admin.forget()
    expected = np.array([0.9, 0.1]) + 0.2 * (admin.baseline - np.array([0.9, 0.1]))
    np.testing.assert_allclose(admin.responsiveness, expected)


def test_a_claim_a_worker_carried_goes_on_the_mediated_channel(small_model) -> None:
    """The door opener's advocacy carries a group's claim: at the next assembly it reaches the
    administration on the workers' channel; a claim nobody carried, on the residents' own."""
    m, g, _ = claim_scene(small_model)
    g.funds, g.help = 5000.0, 1.0  # ready to claim
    assert m.arena.claim_of(g).channel == OWN
    g.carried = True
    assert m.arena.claim_of(g).channel == MEDIATED
