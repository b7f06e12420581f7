"""Experiment files: what they mean, the runs they make, and the seeds of those runs."""

from pathlib import Path

import pytest

from quartiersim import PARAMETERS
from quartiersim.errors import UsageError
from quartiersim.experiments.experiment import load_experiment, parse_experiment, parse_set
from quartiersim.experiments.identity import AFTER_EXIT_WEEKS, record_steps
from quartiersim.experiments.sensitivity import load_sensitivity
from quartiersim.experiments.source import Source

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"

# the tests' shared SMALL_QUARTER (conftest.py), as an experiment file
SMALL_EXPERIMENT = """
[experiment]
name = "small"
steps = 20
replications = 3
seed = 42

[parameters]
n_residents = 150
width = 20
height = 20
project_weeks = 10

[sweep]
strategy = {strategies}
segregation = [0.2, 0.8]
"""


def experiment(text: str, **overrides):
    src, doc = Source.parse(text, "test.toml")
    return parse_experiment(src, doc, **overrides)


def small(strategies='["none", "empowerment"]', **overrides):
    return experiment(SMALL_EXPERIMENT.format(strategies=strategies), **overrides)


@pytest.mark.parametrize(
    "name", ["compare_strategies", "sustainability", "role_ablation", "segregation"]
)
def test_shipped_experiment_files_are_valid(name):
    exp = load_experiment(EXPERIMENTS / f"{name}.toml")
    assert exp.name == name
    assert exp.runs()


def test_shipped_compare_strategies_is_the_headline_experiment():
    """Issue 6: the five strategies, 30 replications, 260 weeks."""
    exp = load_experiment(EXPERIMENTS / "compare_strategies.toml")
    assert exp.steps == 260 and exp.replications == 30
    assert set(exp.sweep["strategy"]) == {
        "none",
        "top_down",
        "networking",
        "political",
        "empowerment",
    }


def test_shipped_role_ablation_leaves_out_each_role_once():
    exp = load_experiment(EXPERIMENTS / "role_ablation.toml")
    from quartiersim import ROLES

    left_out = set()
    for name, params in exp.variants.items():
        if name.startswith("without_"):
            mix = params["role_mix"]
            missing = [r for r in ROLES if mix[r] == 0]
            assert len(missing) == 1 and name == f"without_{missing[0]}"
            left_out.add(missing[0])
    assert left_out == set(ROLES)


def test_shipped_sensitivity_file_is_valid():
    plan = load_sensitivity(EXPERIMENTS / "sensitivity.toml")
    assert set(plan.methods) == {"morris", "sobol"}
    for f in plan.factors:
        low, high = plan.bounds[f]
        assert PARAMETERS[f].low <= low < high <= PARAMETERS[f].high


def test_sweep_is_a_full_factorial_and_runs_go_replication_by_replication():
    exp = small('["none", "top_down", "empowerment"]')
    runs = exp.runs()
    assert len(exp.conditions()) == 3 * 2
    assert len(runs) == 3 * 2 * 3
    assert len({r.run_id for r in runs}) == len(runs)
    assert [r.replication for r in runs[:6]] == [0] * 6  # balanced when interrupted
    combos = {(r.columns["strategy"], r.columns["segregation"]) for r in runs}
    assert len(combos) == 6


def test_seed_depends_on_the_runs_identity_not_on_its_position():
    """Reordering the sweep lists changes the order of runs, not any run's id or seed."""
    a = {r.run_id: r.seed for r in small('["none", "empowerment"]').runs()}
    b_exp = experiment(
        SMALL_EXPERIMENT.format(strategies='["empowerment", "none"]').replace(
            "[0.2, 0.8]", "[0.8, 0.2]"
        )
    )
    b = {r.run_id: r.seed for r in b_exp.runs()}
    assert a == b
    assert [r.run_id for r in small().runs()] != [r.run_id for r in b_exp.runs()]
    assert len(set(a.values())) == len(a)  # every run its own seed


def test_seed_follows_the_experiment_seed():
    a = {r.run_id: r.seed for r in small().runs()}
    b = {r.run_id: r.seed for r in small(seed=43).runs()}
    assert a.keys() == b.keys()
    assert not set(a.values()) & set(b.values())


def test_more_replications_keep_the_seeds_of_the_first():
    few = {r.run_id: r.seed for r in small(replications=2).runs()}
    more = {r.run_id: r.seed for r in small(replications=5).runs()}
    assert few.items() <= more.items()


def test_common_seeds_give_every_condition_of_a_replication_the_same_quarter():
    exp = experiment(
        SMALL_EXPERIMENT.format(strategies='["none", "empowerment"]').replace(
            "seed = 42", "seed = 42\ncommon_seeds = true"
        )
    )
    by_rep: dict[int, set[int]] = {}
    for r in exp.runs():
        by_rep.setdefault(r.replication, set()).add(r.seed)
    assert all(len(s) == 1 for s in by_rep.values())
    assert len({next(iter(s)) for s in by_rep.values()}) == 3


def test_hash_ignores_name_and_replications_but_not_what_decides_the_data():
    base = small()
    assert small(replications=7).hash() == base.hash()
    assert (
        experiment(
            SMALL_EXPERIMENT.format(strategies='["none", "empowerment"]').replace(
                '"small"', '"renamed"'
            )
        ).hash()
        == base.hash()
    )
    assert small(steps=21).hash() != base.hash()
    assert small(seed=1).hash() != base.hash()
    assert small(sets={"n_residents": 70}).hash() != base.hash()


def test_set_fixes_a_parameter_even_a_swept_one():
    exp = small(sets={"segregation": 0.5, "n_residents": 80})
    assert "segregation" not in exp.sweep
    assert {c.full["segregation"] for c in exp.conditions()} == {0.5}
    assert {c.full["n_residents"] for c in exp.conditions()} == {80}
    assert parse_set("strategy=none") == ("strategy", "none")
    assert parse_set("role-mix={door_opener = 1}") == ("role_mix", {"door_opener": 1})
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_set("n_residents")


def test_variants_cross_the_sweep_and_override_fixed_parameters():
    exp = experiment("""
[experiment]
name = "v"
seed = 1
[parameters]
strategy = "empowerment"
n_residents = 60
width = 20
height = 20
[variants.full]
[variants.door_only]
strategy = "custom"
role_mix = {door_opener = 1}
[sweep]
segregation = [0.1, 0.9]
""")
    conds = exp.conditions()
    assert [(c.variant, c.full["segregation"]) for c in conds] == [
        ("full", 0.1),
        ("full", 0.9),
        ("door_only", 0.1),
        ("door_only", 0.9),
    ]
    assert conds[2].full["strategy"] == "custom"
    assert conds[2].full["role_mix"]["door_opener"] == 1.0
    run = exp.run_for(conds[2], 0)
    assert run.columns["variant"] == "door_only"
    assert run.columns["role_mix"] == "door_opener=1"
    assert exp.group_factor() == "variant"
    assert list(exp.describe()["variants"]) == ["full", "door_only"]  # the file's order


def test_events_tables_schedule_events_in_every_run():
    exp = experiment(
        SMALL_EXPERIMENT.format(strategies='["none"]')
        + """
[[events]]
week = 12
event = "funding_cut"

[[events]]
week = 5
event = "open_conflict"
"""
    )
    for c in exp.conditions():
        assert c.full["events"] == ((5, "open_conflict"), (12, "funding_cut"))
    assert exp.runs()[0].columns["events"] == "5:open_conflict,12:funding_cut"


def test_recorded_weeks_include_the_exit_and_two_years_after():
    weeks = record_steps(300, 7, 156)
    assert {0, 7, 154, 156, 156 + AFTER_EXIT_WEEKS, 300} <= set(weeks)
    assert 155 not in weeks
    assert record_steps(20, 1, 156) == tuple(range(21))


def test_project_running_is_always_recorded():
    exp = experiment(
        SMALL_EXPERIMENT.format(strategies='["none"]').replace(
            "seed = 42", 'seed = 42\nmeasures = ["social_capital"]'
        )
    )
    assert exp.runs()[0].measures == ("social_capital", "project_running")


def test_message_names_file_line_and_key():
    text = SMALL_EXPERIMENT.format(strategies='["none", "empowerment"]').replace(
        "n_residents = 150", "n_residnts = 150"
    )
    with pytest.raises(UsageError) as info:
        experiment(text)
    message = str(info.value)
    line = text.splitlines().index("n_residnts = 150") + 1
    assert f"test.toml, line {line}: [parameters] n_residnts" in message
    assert "did you mean 'n_residents'" in message
