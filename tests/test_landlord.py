"""The housing company (Wohnungsunternehmen) as an actor of the arena.

Herriger: the intermediary professional negotiates with "Wohnungsbauträgern ... privaten
Investoren"; the door opener opens access to "Wirtschaft", the dialogue manager moderates with
the "Markt". Rent increases and repairs come from the company; tenants' claims about rent and
disrepair go to it, and it decides them as the administration does, from its own baseline. There
is one quarter-wide rent problem at a time, never stacked draws.
"""

from __future__ import annotations

import numpy as np
from conftest import SMALL_QUARTER
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiersim import QuartierModel
from quartiersim.arena import Claim
from quartiersim.institutions import OWN
from quartiersim.landlord import DISREPAIR, RENT
from quartiersim.problems import ADDRESSEE, KIND_INDEX, LANDLORD, SOLVED, VISIBLE

QUIET = {"problem_arrival_weeks": 10_000.0, "strategy": "none"}


def open_rent_problems(m: QuartierModel) -> int:
    pr = m.problems
    return int(((pr.kind == RENT) & (pr.status != SOLVED)).sum())


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    weeks=st.lists(st.integers(1, 30), max_size=5),
    rate=st.floats(0.0, 4.0),
)
def test_at_most_one_rent_problem_is_open_at_a_time(seed, weeks, rate) -> None:
    """However often the company raises the rent — on its own schedule or by events — there is
    never more than one open rent problem (P5.1)."""
    events = [f"{w}:rent_increase" for w in weeks]
    m = QuartierModel(
        rng=seed, **SMALL_QUARTER, strategy="empowerment", rent_increase_rate=rate, events=events
    )
    for _ in range(32):
        m.step()
        assert open_rent_problems(m) <= 1
        assert m.measures["rent_problem_open"] == open_rent_problems(m)


def test_a_second_rent_increase_raises_the_open_rent_problem(small_model) -> None:
    m = small_model(1, **QUIET)
    m.trigger("rent_increase")
    (p,) = np.flatnonzero(m.problems.kind == RENT)
    m.problems.severity[p] = 0.5
    m.trigger("rent_increase")
    assert open_rent_problems(m) == 1
    assert m.problems.severity[p] == 0.8 and m.problems.status[p] == VISIBLE


def test_rent_pressure_arises_only_from_the_company(small_model) -> None:
    """Rent pressure is not one of the problems that arise by themselves."""
    m = small_model(2, n_problems=40, problem_arrival_weeks=1.0, rent_increase_rate=0.0)
    for _ in range(30):
        m.step()
    assert not (m.problems.kind == RENT).any()
    assert len(m.problems) >= 60


def test_tenant_claims_go_to_the_landlord_and_others_to_the_administration(small_model) -> None:
    """A claim about rent or disrepair is decided by the housing company, any other by the
    administration; each decides at most its own attention's worth of claims."""
    m = small_model(3, **QUIET, n_problems=0, admin_attention=1)
    for kind in ("building_disrepair", "litter"):
        p = m.add_problem(KIND_INDEX[kind], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
        g = m.groups.found(p, np.arange(6) + 10 * p, funds=0.0)
        company = ADDRESSEE[KIND_INDEX[kind]] == LANDLORD
        decider = m.arena.decider(Claim((g.id,), (p,), 0.5))
        assert decider is (m.landlord if company else m.arena.administration)
    granted = []
    m.log = lambda key, **data: granted.append(key)  # type: ignore[method-assign]
    m.landlord.responsiveness[:] = 1.0
    m.arena.administration.responsiveness[:] = 1.0
    for g in m.groups.active:
        g.funds, g.help = 5000.0, 1.0
    m.arena.assembly()
    assert "landlord_granted" in granted and "claim_granted" in granted


def test_the_company_never_acts_when_its_rates_are_zero(small_model) -> None:
    """With no rent increases and no repairs of its own, the company changes nothing: no rent
    problem appears, and disrepair is solved only through tenants' claims (P5.6)."""
    m = small_model(4, strategy="top_down", rent_increase_rate=0.0, landlord_repair_rate=0.0)
    p = m.add_problem(DISREPAIR, severity=0.5, status=VISIBLE, at=tuple(m.home_xy[3]))
    for _ in range(60):
        m.step()
    assert not (m.problems.kind == RENT).any()
    assert not any(e.key == "landlord_repair" for e in m.activity)
    assert not any(e.key == "routine_repair" and e.data["problem"] == p for e in m.activity)


def test_the_company_repairs_disrepair_for_the_tenants_on_its_own_schedule(small_model) -> None:
    m = small_model(5, **QUIET, n_problems=0, landlord_repair_rate=52.0)
    p = m.add_problem(DISREPAIR, severity=0.5, status=VISIBLE, at=tuple(m.home_xy[3]))
    m.step()
    assert m.problems.status[p] == SOLVED and not m.problems.solved_with[p]


def test_a_round_table_goes_to_the_addressee_of_most_groups_causes(small_model) -> None:
    """The dialogue manager moderates with the administration — or with the company, when more
    groups' causes are the company's."""
    m = small_model(
        6,
        strategy="custom",
        role_mix={"dialogue_manager": 1.0},
        founding_rate=0.0,
        landlord_repair_rate=0.0,
    )
    p = m.add_problem(DISREPAIR, severity=0.5, status=VISIBLE, at=tuple(m.home_xy[3]))
    m.groups.found(p, np.arange(5), funds=500.0)
    before = m.landlord.responsiveness.copy(), m.arena.administration.responsiveness.copy()
    m.step()
    assert m.landlord.responsiveness[1] > before[0][1]
    assert m.landlord.responsiveness[OWN] <= before[0][OWN]
    assert m.arena.administration.responsiveness[1] <= before[1][1]


def test_selling_the_company_lowers_its_responsiveness(small_model) -> None:
    m = small_model(7, **QUIET)
    old = m.landlord.baseline
    m.trigger("landlord_sale")
    assert m.landlord.baseline <= old
    assert (m.landlord.responsiveness == m.landlord.baseline).all()
