"""Claims as regions (``quartiersim claims``): the strategy contrasts at many parameter points —
a calibration's region or a grid — on paired seeds, with the share of points where each holds;
the runs are stored and resumed like a sweep's."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartiersim.cli import main
from quartiersim.errors import UsageError
from quartiersim.experiments.claims import contrasts, load_claims, parse_claims, shares
from quartiersim.experiments.source import Source

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "experiments" / "phase_diagram.toml"

GRID = """\
[experiment]
name = "tiny-phase-diagram"
seed = 3
steps = 6
replications = 2

[parameters]
n_residents = 60
width = 12
height = 12

[claims]
contrasts = [["empowerment", "none"], ["top_down", "none"]]
outcomes = ["social_capital"]
weeks = [3, 6]

[claims.grid]
problem_stress = [0.01, 0.04]
support_relief = [0.005, 0.03]
"""


def region_file(tmp_path: Path, rows: int) -> Path:
    """A region.csv as the calibration writes it: point ids, parameter columns (one of them
    whole numbers) and columns that are no parameters."""
    path = tmp_path / "region.csv"
    pd.DataFrame(
        {
            "point": np.arange(rows) * 7,
            "problem_stress": np.linspace(0.01, 0.04, rows),
            "n_problems": np.arange(rows) + 2,
            "civic activism_mean": np.full(rows, 0.08),
            "not_implausible": True,
        }
    ).to_csv(path, index=False)
    return path


def region_text(path: Path, points: int) -> str:
    head, _ = GRID.split("[claims.grid]")
    return head.replace("weeks = [3, 6]", f'weeks = [3, 6]\nregion = "{path}"\npoints = {points}')


def plan_of(text: str):
    return parse_claims(Source("claims.toml", text), tomllib.loads(text))


def test_a_grid_claims_file_writes_the_contrasts_per_cell_and_resumes(tmp_path, capsys):
    """Every cell of the grid gets a row per contrast, outcome and week; the summary's shares
    are those of the rows; a second call reruns nothing."""
    path = tmp_path / "pd.toml"
    path.write_text(GRID)
    out = tmp_path / "out"
    args = ["claims", str(path), "--out", str(out), "--processes", "1", "--no-progress"]
    assert main(args) == 0
    table = pd.read_csv(out / "claims.csv")
    assert len(table) == 4 * 2 * 1 * 2  # cells x contrasts x outcomes x weeks
    assert set(table["week"]) == {3, 6}
    assert (table["low"] <= table["difference"]).all()
    assert (table["difference"] <= table["high"]).all()
    assert (table["holds"] == (table["difference"] > 0)).all()
    summary = shares(table)
    text = (out / "claims.md").read_text()
    for row in summary.itertuples(index=False):
        assert f"| {row.contrast} | `{row.outcome}` | {row.week} | {row.holds:.0%} |" in text
    assert (out / "claims.png").stat().st_size > 0
    manifest = json.loads((out / "results" / "_manifest.json").read_text())
    assert manifest["experiment"]["name"] == "tiny-phase-diagram"
    runs = 4 * 3 * 2  # cells x strategies (empowerment, none, top_down) x replications
    assert len(list((out / "results" / "runs").glob("*.parquet"))) == runs
    capsys.readouterr()
    assert main(args) == 0
    assert f"resuming: {runs} finished" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_csv(out / "claims.csv"), table)


def test_seeds_are_paired_across_strategies_and_points_not_replications():
    """A contrast compares strategies on the same quarters: the seed depends on the
    replication only."""
    plan = plan_of(GRID)
    seeds = {
        r: {plan.run_for(k, s, r).seed for k in range(len(plan.values)) for s in plan.strategies}
        for r in range(plan.replications)
    }
    assert all(len(s) == 1 for s in seeds.values())
    assert seeds[0] != seeds[1]
    ids = [run.run_id for run in plan.runs()]
    assert len(set(ids)) == len(ids)


def test_the_contrast_is_the_mean_paired_difference_with_its_verdict():
    """Built from known run values: a difference of +1 on every pair clearly holds, one of -1
    clearly fails, one of +1 and -3 is negative and not clear; two close positive pairs are
    clear (the t interval with one degree of freedom is wide, but their spread is small)."""
    plan = plan_of(GRID)
    gaps = {0: (1.0, 1.0), 1: (-1.0, -1.0), 2: (1.0, -3.0), 3: (0.5, 0.52)}
    rows = []
    for k in range(len(plan.values)):
        for s in plan.strategies:
            for r in range(plan.replications):
                value = gaps[k][r] if s == "empowerment" else 0.0
                for week in plan.weeks:
                    run = plan.run_for(k, s, r)
                    rows.append({"run_id": run.run_id, "step": week, "social_capital": value})
    table = contrasts(plan, pd.DataFrame(rows))
    mine = table[(table["contrast"] == "empowerment - none") & (table["week"] == 6)]
    assert mine["difference"].tolist() == pytest.approx([1.0, -1.0, -1.0, 0.51])
    assert mine["clearly"].tolist() == [1, -1, 0, 1]
    assert mine["holds"].tolist() == [True, False, False, True]
    zero = table[table["contrast"] == "top_down - none"]
    assert (zero["difference"] == 0).all() and not zero["holds"].any()
    summary = shares(table)
    first = summary[(summary["contrast"] == "empowerment - none") & (summary["week"] == 6)]
    assert first["holds"].item() == 0.5 and first["clearly_fails"].item() == 0.25


def test_region_points_come_from_the_calibration_spread_evenly_and_keep_their_types(tmp_path):
    """At most ``points`` rows of the region file, its first and last among them, with every
    parameter column it lists (whole numbers stay whole) and nothing else."""
    path = region_file(tmp_path, rows=9)
    plan = plan_of(region_text(path, points=3))
    assert plan.kind == "region"
    assert plan.factors == ("problem_stress", "n_problems")
    assert plan.labels == [0, 28, 56]
    assert [v["n_problems"] for v in plan.values] == [2, 6, 10]
    assert all(isinstance(v["n_problems"], int) for v in plan.values)
    everything = plan_of(region_text(path, points=50))
    assert len(everything.values) == 9


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('["top_down", "none"]', '["top_down", "nobody"]'), "unknown strategy 'nobody'"),
        (('["top_down", "none"]', '["none", "none"]'), "with itself"),
        (("weeks = [3, 6]", "weeks = [3, 7]"), "outside the run"),
        (("replications = 2", "replications = 1"), "2 or more"),
        (("[claims]\n", '[claims]\nregion = "r.csv"\n'), "either region"),
        (("problem_stress = [0.01, 0.04]", "problem_stress = [0.01, 4.0]"), "problem_stress"),
        (("n_residents = 60", "n_residents = 60\nproblem_stress = 0.02"), "differs between"),
    ],
)
def test_a_bad_claims_file_names_what_is_wrong(change, message):
    old, new = change
    with pytest.raises(UsageError, match=message):
        plan_of(GRID.replace(old, new, 1))


def test_the_shipped_phase_diagram_is_valid_and_its_quick_mode_is_small():
    """The shipped file names the headline contrasts over problem_stress x support_relief,
    each axis through the default; --quick is a few short runs on a small quarter."""
    plan = load_claims(SHIPPED)
    assert plan.factors == ("problem_stress", "support_relief")
    assert ("empowerment", "none") in plan.contrasts and plan.replications >= 2
    from quartiersim.parameters import DEFAULTS

    for f in plan.factors:
        assert DEFAULTS[f] in {v[f] for v in plan.values}
    quick = load_claims(SHIPPED, quick=True)
    assert len(quick.runs()) <= 40 and quick.steps <= 12
    assert quick.parameters["n_residents"] <= 200


def test_the_shipped_region_claims_take_the_shipped_region_with_its_values(monkeypatch):
    """experiments/claims_region.toml reads the shipped calibration's region: every point it
    runs is a not-implausible point, with the values the calibration gave it."""
    monkeypatch.chdir(ROOT)  # the file names the region relative to the repository's top
    plan = load_claims(ROOT / "experiments" / "claims_region.toml")
    region = pd.read_csv(ROOT / "data" / "calibration" / "region.csv").set_index("point")
    assert plan.kind == "region" and 0 < len(plan.values) <= 20
    assert set(plan.labels) <= set(region.index)
    for label, values in zip(plan.labels, plan.values, strict=True):
        for name, value in values.items():
            assert value == pytest.approx(region.loc[label, name])
