"""Every behavioural or institutional assumption is a declared parameter.

A number in a rule that no study pins down must be visible to calibration and sensitivity
analysis, which only vary declared parameters. The scan below fails when a model module gains
a module-level numeric constant that is not on one of the lists of things that are *not*
assumptions (unit facts, sentinels, definitions of measures, the numerical set-up) or on the
short list of constants that move once ``roles.py``'s rewrite has landed. The other tests show
that parameters moved out of module constants really act on their mechanism.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel
from quartiersim.arena import Claim
from quartiersim.institutions import OWN, Institution
from quartiersim.parameters import DEFAULTS, PARAMETERS
from quartiersim.problems import KIND_INDEX, LATENT, VISIBLE
from quartiersim.residents import BUREAUCRACY, ORGANISING, SPEAKING

MODEL_MODULES = sorted((Path(__file__).parent.parent / "src" / "quartiersim").glob("*.py"))

UNIT_FACTS = {
    "landlord.WEEKS_PER_YEAR": "weeks in a year",
    "model.WEEKS_PER_YEAR": "weeks in a year",
    "knowledge.NEVER": "sentinel: a week long before any run",
    "organisers.NO_TASK": "sentinel: no task",
    "residents.NOT_WAITING": "sentinel: waiting on nothing",
    "residents.PERSONAL": "sentinel: waiting about a burden of one's own",
    "parameters.SEED_LIMIT": "the range of a 64-bit seed",
}
"""Facts of units and sentinel values: nothing about residents or institutions."""

DEFINITIONS = {
    "measures.DEGREE_HALF": "defines the 'ties' part of social capital",
    "measures.STRONG_TIE": "defines which ties count as core ties (core_ties)",
    "arena.RECORD_WEEKS": "defines claims_success and the record of won claims; no rule reads it",
    "model.BURN_IN_WEEKS": "numerical set-up: weeks of encounters before week 0",
    "measures.YEAR_WEEKS": "defines participation_year: the survey's twelve months",
}
"""Constants that define what a measure counts or how a run is set up. Changing one changes
what is reported, not how the quarter behaves (docs/measures.md, 'Definitions, not
assumptions')."""

PENDING: set[str] = set()
"""Assumptions still held as constants; this list only shrinks (it is empty now)."""


def _is_number(node: ast.expr) -> bool:
    """A numeric literal, possibly signed, in arithmetic, or a NumPy array of such."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_number(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left) and _is_number(node.right)
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "array" and node.args:
        values = node.args[0]
        return isinstance(values, ast.List | ast.Tuple) and all(map(_is_number, values.elts))
    return False


def numeric_constants() -> set[str]:
    """``module.NAME`` of every module-level name bound to a number in a model module."""
    found = set()
    for path in MODEL_MODULES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            if not _is_number(value):
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    found.add(f"{path.stem}.{target.id}")
    return found


def test_no_module_constant_holds_an_undeclared_assumption() -> None:
    """A new numeric module constant is either a unit fact or a definition (then add it to a
    list here, with the reason) or an assumption (then declare it in parameters.py)."""
    allowed = set(UNIT_FACTS) | set(DEFINITIONS) | PENDING
    undeclared = sorted(numeric_constants() - allowed)
    assert not undeclared, f"declare these assumptions in quartiersim.parameters: {undeclared}"


def test_the_lists_name_only_constants_that_exist() -> None:
    """The lists do not go stale: a constant that was moved or removed leaves them too."""
    allowed = set(UNIT_FACTS) | set(DEFINITIONS) | PENDING
    assert sorted(allowed - numeric_constants()) == []


def test_the_scan_sees_a_constant_of_each_form() -> None:
    """The scan recognises plain, annotated, signed and array constants (so it can fail)."""
    assert {"measures.DEGREE_HALF", "knowledge.NEVER"} <= numeric_constants()
    assert "parameters.SEED_LIMIT" in numeric_constants()
    # no model module holds an array constant any more: the form is checked on its own
    assert _is_number(ast.parse("np.array([0.2, 0.55, 0.25])", mode="eval").body)


MOVED = [
    "aggravation",
    "notice_rate",
    "return_margin",
    "base_attrition",
    "join_concern",
    "action_rate",
    "action_size",
    "action_turnout",
    "invitation_factor",
    "group_size_scale",
    "compromise_backing",
    "initial_belonging",
    "belonging_rate",
    "membership_belonging",
    "claim_readiness",
    "backing_organised",
    "backing_competence",
    "backing_allies",
    "backing_attention",
    "backing_pressure",
    "backing_access",
    "delegates",
    "escalation_level",
    "publicity_gain",
    "grant_softness",
    "learning_scale",
    "claim_bar",
    "responsiveness_effect",
    "escalation_pressure",
    "ally_chance",
    "ally_loss_rate",
    "rent_severity",
    "festival_guests",
    "festival_reach",
    "min_members",
    "seed_funds",
    "youth_share",
    "elderly_share",
    "walk_radius",
    "find_chance",
    "known_per_festival",
    "unmet_weight",
    "outreach_repeat_weeks",
    "follow_up_weeks",
    "round_table_effect",
    "meeting_side",
    "planning_relief",
    "walk_hours",
    "visit_hours",
    "founding_hours",
    "group_help_hours",
    "festival_hours",
    "advocacy_hours",
    "round_table_hours",
    "translation_hours",
    "dialogue_meeting_hours",
    "case_hours",
    "planning_hours",
    "training_hours",
    "mediation_hours",
    "concern_level",
]


@pytest.mark.parametrize("name", MOVED)
def test_a_moved_assumption_is_declared_with_range_and_source(name: str) -> None:
    """Each has a range containing its default, a source (or the word assumption), and stays
    out of the trainers' sliders while remaining settable from files and the command line."""
    p = PARAMETERS[name]
    assert p.low is not None and p.high is not None and p.low <= p.default <= p.high
    assert p.source and p.meaning_de and p.label.de
    assert not p.tunable
    assert p.check(p.default) == p.default


def quiet(seed: int = 1, **params) -> QuartierModel:
    """A small quarter without workers or problems of its own, nobody withdrawn."""
    calm = {"strategy": "none", "n_problems": 0, "problem_arrival_weeks": 10_000.0}
    m = QuartierModel(rng=seed, **{**SMALL_QUARTER, **calm, **params})
    m.residents.withdrawn[:] = False
    return m


@pytest.mark.parametrize("rate", [0.0, 0.05])
def test_notice_rate_decides_whether_residents_make_problems_public(rate: float) -> None:
    m = quiet(notice_rate=rate)
    m.residents.activated[:, SPEAKING] = 0.8
    m.residents.expect_own[:] = 1.0
    for _ in range(10):
        m.add_problem(KIND_INDEX["litter"], severity=0.6, status=LATENT)
    for _ in range(10):
        m.develop_problems()
    noticed = int(m.problems.visible.sum())
    assert (noticed == 0) if rate == 0.0 else (noticed > 0)


@pytest.mark.parametrize("rate", [0.0, 0.01])
def test_aggravation_is_the_weekly_worsening_of_open_problems(rate: float) -> None:
    m = quiet(aggravation=rate)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE)
    for _ in range(10):
        m.problems.aggravate(m.p["aggravation"])
    assert m.problems.severity[p] == pytest.approx(0.5 + 10 * rate)


def test_without_a_return_margin_withdrawn_residents_return_just_below_the_threshold() -> None:
    m = quiet(withdrawal_threshold=0.6, return_margin=0.0)
    r = m.residents
    r.withdrawn[:2] = True
    r.helplessness[:2] = [0.59, 0.61]
    r.update_withdrawal()
    assert r.withdrawn[:2].tolist() == [False, True]


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_action_rate_zero_means_no_small_actions(rate: float) -> None:
    m = quiet(action_rate=rate)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE)
    m.groups.found(p, np.arange(20))
    for _ in range(10):
        m.groups.act()
    actions = [e for e in m.activity if e.key == "small_action"]
    assert (len(actions) == 0) if rate == 0.0 else (len(actions) >= 5)
    assert all(e.data["present"] <= m.p["action_size"] for e in actions)


def test_action_size_caps_who_meets_at_an_action() -> None:
    m = quiet(action_rate=1.0, action_size=3)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE)
    m.groups.found(p, np.arange(40))
    for _ in range(5):
        m.groups.act()
    present = [e.data["present"] for e in m.activity if e.key == "small_action"]
    assert present and max(present) == 3


def test_a_claims_backing_is_the_declared_weighted_sum() -> None:
    """With one weight at 1 and the others 0 the backing is exactly that part: competence."""
    weights = dict.fromkeys(["organised", "allies", "attention", "pressure", "access"], 0.0) | {
        "competence": 1.0
    }
    m = quiet(**{f"backing_{k}": v for k, v in weights.items()})
    members = np.arange(12)
    r = m.residents
    voice = [ORGANISING, SPEAKING, BUREAUCRACY]
    r.resources[np.ix_(members, voice)] = 0.6
    r.activated[np.ix_(members, voice)] = 0.6
    p = m.add_problem(KIND_INDEX["litter"], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    g = m.groups.found(p, members)
    claim = m.arena.claim_of(g)
    assert claim is not None
    assert claim.backing == pytest.approx(m.groups.competence(members, [SPEAKING, BUREAUCRACY]))
    m.p["claim_readiness"] = 1.0  # no group is that strong: no claim
    assert m.arena.claim_of(g) is None


@pytest.mark.parametrize("delegates", [1, 5])
def test_delegates_are_the_groups_best_speakers_up_to_the_declared_number(delegates: int) -> None:
    m = quiet(delegates=delegates)
    members = np.arange(8)
    m.residents.activated[members, SPEAKING] = np.linspace(0.1, 0.8, 8)
    chosen = m.arena.delegates(members)
    assert sorted(chosen.tolist()) == members[-delegates:].tolist()


def test_grant_softness_sets_how_sharp_a_decision_is() -> None:
    sharp = Institution("office", 0.5, {**DEFAULTS, "grant_softness": 0.005})
    soft = Institution("office", 0.5, {**DEFAULTS, "grant_softness": 1.0})
    bar = sharp.bar(OWN)
    assert sharp.chance(bar + 0.1, OWN) > 0.999 and sharp.chance(bar - 0.1, OWN) < 0.001
    assert 0.45 < soft.chance(bar - 0.1, OWN) < soft.chance(bar + 0.1, OWN) < 0.55


def test_learning_scale_sets_how_much_a_decision_teaches() -> None:
    """The same backing above the bar teaches more when the scale of full evidence is small."""
    moved = {}
    for scale in (0.05, 2.0):
        office = Institution("office", 0.5, {**DEFAULTS, "learning_scale": scale})
        office.learn(OWN, office.bar(OWN) + 0.1)
        moved[scale] = office.responsiveness[OWN] - 0.5
    assert moved[0.05] > moved[2.0] > 0


def test_rent_severity_is_the_rent_problems_least_severity_after_an_increase() -> None:
    m = quiet(rent_severity=0.95, rent_displacement=0.0)
    m.landlord.announce_rent_increase()
    p = m.landlord.rent_problem()
    assert p is not None and m.problems.severity[p] == pytest.approx(0.95)


def test_festival_guests_and_reach_decide_who_comes() -> None:
    m = quiet(festival_guests=5, festival_reach=6.0)
    guests = m.hold_festival(0)
    x, y = m.layout.place_xy[0]
    assert 0 < len(guests) <= 5
    assert (np.hypot(m.home_xy[guests, 0] - x, m.home_xy[guests, 1] - y) <= 6.0).all()
    assert len(quiet(festival_guests=0).hold_festival(0)) == 0


@pytest.mark.parametrize("level", [0.0, 1.0])
def test_join_concern_decides_who_considers_joining(level: float) -> None:
    """With no concern needed anyone tied to members may join; with full concern needed
    almost nobody does (concern reaches 1 only at a problem's centre for its most concerned)."""
    m = quiet(join_concern=level, base_threshold=0.0, threshold_heterogeneity=0.0)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    g = m.groups.found(p, np.arange(10))
    before = len(m.groups.members(g))
    m.groups.recruit()
    joined = len(m.groups.members(g)) - before
    concerned = m.problems.concern[:, p] >= 1.0
    assert (joined > 0) if level == 0.0 else (joined <= int(concerned.sum()))


def test_without_a_responsiveness_effect_every_channel_has_the_same_bar() -> None:
    office = Institution("office", 0.0, {**DEFAULTS, "responsiveness_effect": 0.0})
    office.responsiveness[:] = [0.0, 1.0]
    assert office.bar(0) == office.bar(1) == DEFAULTS["claim_bar"]
    default = Institution("office", 0.0, DEFAULTS)
    default.responsiveness[:] = [0.0, 1.0]
    assert default.bar(1) == pytest.approx(default.bar(0) - DEFAULTS["responsiveness_effect"])


@pytest.mark.parametrize("chance", [0.0, 1.0])
def test_ally_chance_decides_whether_going_public_wins_allies(chance: float) -> None:
    """A strong group refused again and again goes public each time; it wins allies only when
    going public can win them."""
    m = quiet(ally_chance=chance, n_potential_allies=4)
    members = np.arange(15)
    r = m.residents
    voice = [ORGANISING, SPEAKING, BUREAUCRACY]
    r.resources[np.ix_(members, voice)] = 0.9
    r.activated[np.ix_(members, voice)] = 0.9
    p = m.add_problem(KIND_INDEX["litter"], severity=0.6, status=VISIBLE, at=tuple(m.home_xy[0]))
    g = m.groups.found(p, members, funds=1000.0)
    m.arena.administration.responsiveness[:] = 0.0
    m.p["claim_bar"] = 1.5  # out of reach: every claim is refused
    for _ in range(5):
        m.arena.decide(Claim((g.id,), (p,), backing=0.5))
    assert g.refusals == 5
    assert (m.arena.group_allies(g) == 0) if chance == 0.0 else (m.arena.group_allies(g) > 0)


def test_the_sensitivity_analysis_varies_moved_assumptions_over_their_declared_ranges() -> None:
    """Sensitivity analyses accept only declared parameters; the moved assumptions are now
    among them, with their declared ranges as default bounds and integers kept whole."""
    from quartiersim.experiments.sensitivity import parse_sensitivity
    from quartiersim.experiments.source import Source
    from quartiersim.parameters import validate

    factors = ["action_rate", "notice_rate", "delegates", "claim_bar", "base_attrition"]
    text = (
        '[experiment]\nname = "assumptions"\nseed = 1\nsteps = 4\n'
        "[parameters]\nn_residents = 60\nwidth = 12\nheight = 12\n"
        f"[sensitivity]\nparameters = {factors!r}\n".replace("'", '"')
        + 'outcomes = ["participation_year"]\nmethods = ["morris"]\nmorris_trajectories = 4\n'
    )
    plan = parse_sensitivity(*Source.parse(text, "assumptions.toml"))
    for f in factors:
        assert plan.bounds[f] == (PARAMETERS[f].low, PARAMETERS[f].high)
    for cond in plan.points["morris"]:
        checked = validate(**{k: v for k, v in cond.full.items() if k in PARAMETERS})
        assert isinstance(checked["delegates"], int)
        assert len({checked[f] for f in factors}) > 1


def test_the_screening_of_the_moved_assumptions_matches_the_contrast_screening() -> None:
    """experiments/contrasts_assumptions.toml screens moved assumptions only, on the same
    contrasts, outcomes and week as experiments/contrasts.toml, each over bounds inside its
    declared range that contain its default."""
    from quartiersim.experiments.sensitivity import load_sensitivity

    root = Path(__file__).resolve().parents[1] / "experiments"
    moved = load_sensitivity(root / "contrasts_assumptions.toml")
    main = load_sensitivity(root / "contrasts.toml")
    assert set(moved.factors) <= set(MOVED) and len(moved.factors) >= 10
    assert moved.contrasts == main.contrasts and moved.week == main.week
    assert moved.outcomes == main.outcomes
    for f, (lo, hi) in moved.bounds.items():
        p = PARAMETERS[f]
        assert p.low <= lo < p.default < hi <= p.high, f


def test_belonging_moves_at_the_declared_rate_and_membership_raises_its_target() -> None:
    still = quiet(belonging_rate=0.0)
    before = still.residents.belonging.copy()
    still.residents.update_belonging(still.ties.strength())
    assert np.array_equal(still.residents.belonging, before)
    m = quiet(belonging_rate=1.0, membership_belonging=0.4)
    r = m.residents
    r.set_group(np.arange(5), 0)
    r.update_belonging(np.zeros(r.n))  # no ties: the target is 0.15, plus membership
    assert r.belonging[:5] == pytest.approx(0.55) and r.belonging[5:] == pytest.approx(0.15)


def test_initial_belonging_is_the_starting_mean() -> None:
    assert quiet(n_residents=400, initial_belonging=0.8).residents.belonging.mean() > 0.7
    assert (quiet(initial_belonging=0.0).residents.belonging == 0.0).all()


@pytest.mark.parametrize("turnout", [0.0, 1.0])
def test_action_turnout_decides_who_comes_to_an_action(turnout: float) -> None:
    m = quiet(action_rate=1.0, action_turnout=turnout, action_size=100)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE)
    m.groups.found(p, np.arange(10))
    for _ in range(5):
        m.groups.act()
    present = [e.data["present"] for e in m.activity if e.key == "small_action"]
    assert present == [] if turnout == 0.0 else (present and set(present) == {10})


@pytest.mark.parametrize("factor", [0.5, 1.0])
def test_an_invitation_multiplies_the_joining_threshold_by_the_declared_factor(factor) -> None:
    m = quiet(invitation_factor=factor)
    plain = m.groups.thresholds()
    m.invite(np.arange(10))
    invited = m.groups.thresholds()
    assert invited[:10] == pytest.approx(factor * plain[:10])
    assert np.array_equal(invited[10:], plain[10:])


def test_the_size_scale_decides_how_much_a_small_group_can_do() -> None:
    caps = []
    for scale in (1.0, 50.0):
        m = quiet(group_size_scale=scale)
        p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE)
        caps.append(m.groups.capacity(m.groups.found(p, np.arange(4))))
    assert caps[0] > 2 * caps[1] > 0


def test_the_age_shares_are_declared_and_the_adults_are_the_rest() -> None:
    from quartiersim.parameters import validate

    with pytest.raises(ValueError, match="their sum is at most 1"):
        validate(youth_share=0.6, elderly_share=0.5)
    m = quiet(n_residents=400, youth_share=0.0, elderly_share=1.0)
    assert (m.residents.age == 2).all()
    assert (quiet(n_residents=400, youth_share=0.0, elderly_share=0.0).residents.age == 1).all()


def test_seed_funds_and_min_members_decide_a_new_group() -> None:
    m = quiet(seed_funds=1234.0, min_members=5)
    p = m.add_problem(KIND_INDEX["litter"], severity=0.5, status=VISIBLE)
    assert m.groups.found(p, np.arange(6)).funds == 1234.0
    assert m.groups.found_with_help(p, np.arange(10, 14), initiator=10) is None


def test_task_hours_are_read_from_the_parameters_at_run_time() -> None:
    """The hours a task takes (and so the hours a worker may bank) are the run's parameters."""
    from quartiersim import ACTIVITIES

    sensor = ACTIVITIES["problem_sensor"]
    assert sensor.task_limit(DEFAULTS) == DEFAULTS["walk_hours"]
    assert sensor.task_limit({**DEFAULTS, "walk_hours": 7.0}) == 7.0
    assert ACTIVITIES["conflict_mediator"].task_limit({**DEFAULTS, "mediation_hours": 5.0}) == 5.0
    m = quiet(mediation_hours=4.0)
    m.arena.prepare_mediation(1.0, by_worker=True)
    m.arena.prepare_mediation(1.0, by_worker=True)
    assert m.arena.mediation_hours == 8.0 and m.arena.mediations_ready() == 2
