"""Sensitivity analysis: the designs, the mapping of runs back to sample points (checked on a
function with known indices), and a tiny real analysis through the command line."""

import numpy as np
import pandas as pd
import pytest

from quartiersim.cli import main
from quartiersim.experiments.sensitivity import analyse, parse_sensitivity
from quartiersim.experiments.source import Source

PLAN = """\
[experiment]
name = "tiny"
seed = 3
steps = 6

[parameters]
n_residents = 60
width = 20
height = 20

[sensitivity]
parameters = ["segregation", "initial_helplessness", "n_workers"]
outcomes = ["social_capital", "helplessness"]
morris_trajectories = {r}
sobol_samples = {n}

[sensitivity.bounds]
n_workers = [0, 4]
"""


def plan(r=4, n=8, **kw):
    src, doc = Source.parse(PLAN.format(r=r, n=n), "tiny.toml")
    return parse_sensitivity(src, doc, **kw)


def test_designs_have_the_salib_sizes_and_respect_bounds_and_kinds():
    p = plan(r=4, n=8)
    assert p.samples["morris"].shape == (4 * (3 + 1), 3)
    assert p.samples["sobol"].shape == (8 * (3 + 2), 3)
    for conds in p.points.values():
        for c in conds:
            assert isinstance(c.full["n_workers"], int) and 0 <= c.full["n_workers"] <= 4
            assert 0.0 <= c.full["segregation"] <= 1.0
    assert plan().samples["sobol"].tolist() == p.samples["sobol"].tolist()  # seeded
    assert plan(seed=4).samples["sobol"].tolist() != p.samples["sobol"].tolist()


def test_common_seeds_are_the_default_for_sensitivity():
    seeds = {r.seed for r in plan().runs()}
    assert len(seeds) == 1


def test_indices_recover_a_known_function():
    """Feed the analysis outputs computed from the sample points themselves:
    social_capital = 3·segregation (only segregation matters), helplessness = 2·helplessness +
    0.25·n_workers. Morris and Sobol must find these effects, which they only do if every run is
    mapped back to its own sample point."""
    p = plan(r=6, n=64)
    rows = []
    for conds in p.points.values():
        for c in conds:
            spec = p.run_for(c, 0)
            rows.append(
                {
                    "run_id": spec.run_id,
                    "step": p.week,
                    "social_capital": 3 * c.full["segregation"],
                    "helplessness": 2 * c.full["initial_helplessness"] + 0.25 * c.full["n_workers"],
                }
            )
    data = pd.DataFrame(rows).drop_duplicates("run_id")
    tables = analyse(p, data)
    morris = tables["morris"].set_index(["outcome", "parameter"])
    assert morris.loc[("social_capital", "segregation"), "mu_star"] == pytest.approx(3.0)
    assert morris.loc[("social_capital", "n_workers"), "mu_star"] == pytest.approx(0.0)
    assert morris.loc[("helplessness", "initial_helplessness"), "mu"] == pytest.approx(2.0)
    sobol = tables["sobol"].set_index(["outcome", "parameter"])
    assert sobol.loc[("social_capital", "segregation"), "ST"] == pytest.approx(1.0, abs=0.1)
    assert abs(sobol.loc[("social_capital", "initial_helplessness"), "ST"]) < 0.05
    # Var(2·U[0,1]) = 1/3; n_workers rounded from U[0,4] takes 0..4 with variance 1.5, so
    # Var(0.25·n) = 0.094: shares 0.78 and 0.22 of the variance
    st = sobol.loc["helplessness", "ST"]
    assert st["initial_helplessness"] == pytest.approx(0.78, abs=0.1)
    assert st["n_workers"] == pytest.approx(0.22, abs=0.1)
    assert abs(st["segregation"]) < 0.05


def test_sensitivity_command_writes_indices_and_resumes(tmp_path, capsys):
    path = tmp_path / "tiny.toml"
    path.write_text(PLAN.format(r=2, n=2))
    out = tmp_path / "out"
    assert (
        main(["sensitivity", str(path), "--out", str(out), "--processes", "1", "--no-progress"])
        == 0
    )
    morris = pd.read_csv(out / "morris.csv")
    sobol = pd.read_csv(out / "sobol.csv")
    assert len(morris) == len(sobol) == 3 * 2  # factors × outcomes
    assert np.isfinite(morris["mu_star"]).all()
    md = (out / "sensitivity.md").read_text()
    assert "## Morris screening" in md and "## Sobol indices" in md and "`n_workers`" in md
    runs = pd.read_parquet(out / "results")
    assert set(runs["step"]) == {6}
    capsys.readouterr()
    assert (
        main(["sensitivity", str(path), "--out", str(out), "--processes", "1", "--no-progress"])
        == 0
    )
    assert "resuming" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_csv(out / "morris.csv"), morris)


def contrast_plan(contrasts='["empowerment - none"]', r=4, n=8):
    text = PLAN.format(r=r, n=n).replace("sobol_samples", f"contrasts = {contrasts}\nsobol_samples")
    src, doc = Source.parse(text, "tiny.toml")
    return parse_sensitivity(src, doc)


def test_a_contrast_is_the_difference_of_two_strategies_at_the_same_point_and_seeds():
    """With contrasts every sample point runs under both strategies on the same seeds, and the
    analysed output is their difference: feed outputs where only segregation matters for
    empowerment and only n_workers for none, and the contrast's indices must show both —
    with opposite signs — and nothing of initial_helplessness."""
    p = contrast_plan(r=6)
    assert p.arms == ("empowerment", "none")
    runs = p.runs()
    assert len(runs) == 2 * len({r.run_id for r in plan(r=6).runs()})
    assert p.count_runs() >= len(runs)  # the plan shown before running counts both arms
    assert p.count_runs() == 2 * plan(r=6).count_runs()
    assert len({r.seed for r in runs}) == 1  # common random numbers across points and arms
    rows = []
    for conds in p.points.values():
        for c in conds:
            for arm in p.arms:
                spec = p.run_for(c, 0, arm)
                assert spec.params["strategy"] == arm
                value = (
                    3 * c.full["segregation"] if arm == "empowerment" else 0.5 * c.full["n_workers"]
                )
                rows.append(
                    {
                        "run_id": spec.run_id,
                        "step": p.week,
                        "social_capital": value,
                        "helplessness": c.full["initial_helplessness"] * (arm == "none"),
                    }
                )
    data = pd.DataFrame(rows).drop_duplicates("run_id")
    morris = analyse(p, data)["morris"].set_index(["outcome", "parameter"])
    name = "social_capital: empowerment - none"
    assert morris.loc[(name, "segregation"), "mu"] == pytest.approx(3.0)
    # elementary effects are per unit of the scaled range: 0.5 a worker over 0..4 workers
    assert morris.loc[(name, "n_workers"), "mu"] == pytest.approx(-2.0, abs=0.5)
    assert morris.loc[(name, "initial_helplessness"), "mu_star"] == pytest.approx(0.0)
    assert p.outputs_named() == [name, "helplessness: empowerment - none"]


@pytest.mark.parametrize(
    ("contrasts", "message"),
    [
        ('["empowerment-none"]', "expected 'strategy - strategy'"),
        ('["empowerment - nonne"]', "did you mean 'none'"),
        ('["none - none"]', "with itself"),
        ('"empowerment - none"', "expected a list"),
    ],
)
def test_bad_contrasts_are_named(contrasts, message):
    from quartiersim.errors import UsageError

    with pytest.raises(UsageError, match=message):
        contrast_plan(contrasts)


def test_contrast_command_writes_indices_of_the_difference_and_their_convergence(tmp_path):
    path = tmp_path / "tiny.toml"
    text = PLAN.format(r=4, n=2).replace(
        "sobol_samples", 'contrasts = ["top_down - none"]\nmethods = ["morris"]\nsobol_samples'
    )
    path.write_text(text)
    out = tmp_path / "out"
    args = ["sensitivity", str(path), "--out", str(out), "--processes", "1", "--no-progress"]
    assert main(args) == 0
    morris = pd.read_csv(out / "morris.csv")
    assert set(morris["outcome"]) == {
        "social_capital: top_down - none",
        "helplessness: top_down - none",
    }
    convergence = pd.read_csv(out / "morris_convergence.csv")
    assert set(convergence["parameter"]) == {"segregation", "initial_helplessness", "n_workers"}
    assert (convergence["trajectories_half"] == 2).all()
    md = (out / "sensitivity.md").read_text()
    assert "contrasts" in md and "Convergence of the screening" in md


def test_the_shipped_contrast_screening_and_its_data_agree():
    """experiments/contrasts.toml is valid, contrasts four strategies, and the shipped result
    (data/sensitivity/contrasts) covers its factors and every contrast of every outcome."""
    from pathlib import Path

    from quartiersim.experiments.sensitivity import load_sensitivity

    root = Path(__file__).resolve().parents[1]
    p = load_sensitivity(root / "experiments" / "contrasts.toml")
    assert set(p.arms) == {"empowerment", "networking", "none", "top_down"}
    shipped = pd.read_csv(root / "data" / "sensitivity" / "contrasts" / "morris.csv")
    assert set(shipped["parameter"]) == set(p.factors)
    assert set(shipped["outcome"]) == set(p.outputs_named())
    assert np.isfinite(shipped["mu_star"]).all()
