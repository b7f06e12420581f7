"""Designs beyond the full grid: combinations left out ([[exclude]]) and parameter sets sampled
over ranges ([sample]: Latin hypercube, Monte Carlo), with the same run identities, seeds and
resumable sweeps as a grid."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from quartiersim import validate
from quartiersim.errors import UsageError
from quartiersim.experiments.designs import DESIGN_POINT
from quartiersim.experiments.executors import LocalExecutor
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.identity import derive_seed, digest
from quartiersim.experiments.source import Source
from quartiersim.experiments.sweep import run_sweep

HEAD = """
[experiment]
name = "dose"
steps = 4
replications = 2
seed = 7
common_seeds = true

[parameters]
n_residents = 60
width = 12
height = 12
project_weeks = 2
"""

DOSE = (
    HEAD
    + """
[sweep]
strategy = ["none", "networking", "empowerment"]
hours_per_week = [10, 20, 39]
"""
)

EXCLUDE = """
[[exclude]]
strategy = "none"
hours_per_week = [20, 39]
"""


def parse(text: str, **overrides):
    src, doc = Source.parse(text, "exp.toml")
    return parse_experiment(src, doc, **overrides)


def test_excluded_combinations_are_not_run_and_the_rest_keep_their_runs():
    """`none` at 20 and 39 hours runs the same quarter as at 10 hours (no worker acts): the
    exclusion drops those two conditions and changes no other run's identity or seed."""
    full = parse(DOSE)
    cut = parse(DOSE + EXCLUDE)
    assert len(full.conditions()) == 9 and len(cut.conditions()) == 7
    left = {(c.full["strategy"], c.full["hours_per_week"]) for c in cut.conditions()}
    assert ("none", 10.0) in left and ("none", 20.0) not in left and ("none", 39.0) not in left
    assert ("empowerment", 39.0) in left
    kept = {(r.run_id, r.seed) for r in cut.runs()}
    assert kept < {(r.run_id, r.seed) for r in full.runs()}
    assert len(kept) == 7 * 2
    assert cut.definition()["exclude"] == [{"hours_per_week": [20.0, 39.0], "strategy": ["none"]}]


def test_a_grid_experiment_keeps_its_run_identities_and_definition():
    """What existing results folders rely on: a run's id is the digest of its condition and its
    seed comes from the replication (common seeds) — the new sections add nothing to a grid."""
    exp = parse(DOSE)
    definition = exp.definition()
    assert "exclude" not in definition and "sample" not in definition
    for run in exp.runs():
        params = dict(run.params)
        identity = {"variant": None, "parameters": validate(**params)}
        expected = {k: list(v) if isinstance(v, tuple) else v for k, v in identity.items()}
        assert run.run_id == f"{digest(expected)[:12]}-r{run.replication:04d}"
        assert run.seed == derive_seed(7, {"replication": run.replication})
        assert DESIGN_POINT not in run.columns


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "[[exclude]]\nsegregation = 0.5\n",
            r"line \d+: \[exclude\] segregation: 'segregation' is "
            r"not varied",
        ),
        (
            '[[exclude]]\nstrategy = "political"\n',
            r"'political' is not one of the values of "
            r"strategy",
        ),
        ("[[exclude]]\nhours_per_week = 15\n", r"15.0 is not one of the values of hours_per_week"),
        ("[[exclude]]\n", r"\[\[exclude\]\] number 1 is empty"),
        (
            '[[exclude]]\nstrategy = ["none", "networking", "empowerment"]\n',
            r"every condition is excluded",
        ),
    ],
)
def test_bad_exclusions_are_refused_with_the_file_and_what_is_wrong(table, message):
    with pytest.raises(UsageError, match=message):
        parse(DOSE + table)


SAMPLED = (
    HEAD
    + """
[sweep]
strategy = ["networking", "empowerment"]

[sample]
method = "{method}"
points = {points}

[sample.ranges]
segregation = [0.1, 0.9]
n_workers = [1, 4]
"""
)


def test_latin_hypercube_puts_one_point_in_each_stratum_of_every_range():
    """McKay et al. (1979): with 20 points each range is cut into 20 equal strata and every
    stratum holds exactly one point — the property that makes the design space-filling."""
    exp = parse(SAMPLED.format(method="latin_hypercube", points=20))
    conds = [c for c in exp.conditions() if c.full["strategy"] == "networking"]
    seg = np.array([c.full["segregation"] for c in conds])
    assert len(conds) == 20
    assert sorted(np.floor((seg - 0.1) / 0.8 * 20).astype(int)) == list(range(20))
    workers = {c.full["n_workers"] for c in conds}
    assert workers <= {1, 2, 3, 4} and len(workers) == 4  # integers, rounded, all reached


def test_sampled_points_are_crossed_with_the_sweep_and_seeded():
    """Both strategies run at the same points (so they are compared on the same parameter
    sets); the points follow from the experiment seed."""
    exp = parse(SAMPLED.format(method="latin_hypercube", points=6))
    by_point: dict[int, set] = {}
    for c in exp.conditions():
        by_point.setdefault(c.point, set()).add((c.full["segregation"], c.full["n_workers"]))
    assert sorted(by_point) == list(range(6))
    assert all(len(values) == 1 for values in by_point.values())
    assert len(exp.conditions()) == 12
    again = parse(SAMPLED.format(method="latin_hypercube", points=6))
    assert [r.run_id for r in again.runs()] == [r.run_id for r in exp.runs()]
    other = parse(SAMPLED.format(method="latin_hypercube", points=6), seed=8)
    assert {r.run_id for r in other.runs()}.isdisjoint({r.run_id for r in exp.runs()})
    run = exp.runs()[0]
    assert run.columns[DESIGN_POINT] == 0 and "segregation" in run.columns
    assert exp.definition()["sample"]["method"] == "latin_hypercube"


def test_monte_carlo_draws_are_uniform_over_the_range():
    """400 independent draws: a Kolmogorov–Smirnov test does not reject uniformity on
    [0.1, 0.9] (seeded, so the check is exact), and the values are not stratified."""
    exp = parse(
        SAMPLED.format(method="monte_carlo", points=400).replace(
            'strategy = ["networking", "empowerment"]', 'strategy = ["networking"]'
        )
    )
    seg = np.array([c.full["segregation"] for c in exp.conditions()])
    assert len(seg) == 400 and seg.min() >= 0.1 and seg.max() <= 0.9
    assert sps.kstest(seg, sps.uniform(0.1, 0.8).cdf).pvalue > 0.01


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("segregation = [0.1, 0.9]", "strategy = [0.1, 0.9]"), "strategy is not numeric"),
        (("segregation = [0.1, 0.9]", "segregation = [0.9, 0.1]"), "low must be below high"),
        (("segregation = [0.1, 0.9]", "segregation = [0.1, 1.9]"), r"segregation=1.9 is not"),
        (("segregation = [0.1, 0.9]", "segregation = 0.5"), r"expected \[low, high\]"),
        (('method = "latin_hypercube"', 'method = "latin"'), "unknown method 'latin'"),
        (("points = 5", "points = 1"), r"points: expected an integer >= 2"),
        (("n_workers = [1, 4]", "project_weeks = [1, 4]"), "project_weeks is also fixed"),
    ],
)
def test_bad_sample_sections_are_refused(change, message):
    text = SAMPLED.format(method="latin_hypercube", points=5).replace(*change)
    with pytest.raises(UsageError, match=message):
        parse(text)


def test_set_fixes_a_sampled_parameter_instead_of_sampling_it():
    exp = parse(SAMPLED.format(method="latin_hypercube", points=4), sets={"n_workers": 2})
    assert set(exp.sample.ranges) == {"segregation"}
    assert {c.full["n_workers"] for c in exp.conditions()} == {2}


@pytest.mark.slow  # a whole (small) sweep of the real model
def test_a_sampled_sweep_runs_into_a_results_folder_and_resumes(tmp_path):
    """The runs of a sampled design are ordinary runs: stored, readable as one table with the
    design point and sampled values as columns, and skipped when run again."""
    exp = parse(SAMPLED.format(method="latin_hypercube", points=3))
    outcome = run_sweep(exp, tmp_path / "r", LocalExecutor(1), progress=False, log=lambda m: None)
    assert outcome.total == 12 and not outcome.failed
    data = pd.read_parquet(tmp_path / "r")
    assert set(data[DESIGN_POINT]) == {0, 1, 2}
    assert data.groupby(DESIGN_POINT)["segregation"].nunique().eq(1).all()
    again = run_sweep(exp, tmp_path / "r", LocalExecutor(1), progress=False, log=lambda m: None)
    assert again.skipped == 12 and again.done == 0
