"""History matching (``quartiersim calibrate``): points are ruled out by their implausibility
for the fitted patterns only; the held-out patterns are checked on the region afterwards; the
runs are stored and resumed like a sweep's, on local processes or a Dask cluster."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartiersim.cli import main
from quartiersim.errors import UsageError
from quartiersim.experiments.calibration import (
    Pattern,
    implausibility,
    load_calibration,
    parse_calibration,
)
from quartiersim.experiments.source import Source

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "experiments" / "calibration.toml"

SMALL = """\
[experiment]
name = "tiny-calibration"
seed = 5
steps = 12
replications = 2

[parameters]
n_residents = 60
width = 12
height = 12

[calibration]
parameters = ["tie_gain", "problem_stress"]
samples = 5

[calibration.bounds]
tie_gain = [0.05, 0.4]
problem_stress = [0.005, 0.05]

[[patterns]]
name = "core network"
measure = "core_ties"
weeks = [1, 12]
target = 2.0
band = [1.0, 3.0]
source = "a test figure"
compares = "ties against ties"

[[patterns]]
name = "efficacy"
measure = "feel_influential"
target = 0.3
band = [0.1, 0.5]
held_out = true
source = "a test figure"
compares = "a share against a share"
"""


def pattern(band: tuple[float, float] = (1.0, 3.0), target: float = 2.0) -> Pattern:
    return Pattern("p", "core_ties", "none", (1, 10), target, band, False, "s", "c")


def test_implausibility_is_the_distance_from_the_figure_in_units_of_band_and_run_spread():
    """A model mean at the edge of the band, with runs that agree exactly, sits at the cut-off;
    the same mean with spread between runs is less implausible (the runs cannot place it as
    precisely); a mean on the figure is not implausible at all."""
    p = pattern()
    exact = np.array([[3.0, 3.0], [2.0, 2.0], [5.0, 5.0]])
    mean, imp = implausibility(p, exact, cutoff=3.0)
    assert mean.tolist() == [3.0, 2.0, 5.0]
    assert imp[0] == pytest.approx(3.0) and imp[1] == 0.0 and imp[2] == pytest.approx(9.0)
    noisy = np.array([[2.5, 3.5]])
    _, imp_noisy = implausibility(p, noisy, cutoff=3.0)
    assert imp_noisy[0] < imp[0]


def test_a_tighter_band_rules_out_more():
    """The band is the tolerance: halving it doubles the implausibility of the same miss."""
    values = np.array([[2.6, 2.6]])
    _, wide = implausibility(pattern((1.0, 3.0)), values, 3.0)
    _, tight = implausibility(pattern((1.5, 2.5)), values, 3.0)
    assert tight[0] == pytest.approx(2 * wide[0])


def test_quick_calibration_writes_points_region_and_resumes_without_rerunning(tmp_path, capsys):
    """The region holds exactly the points within the cut-off for every fitted pattern — the
    held-out one never rules a point out — and a second call reruns nothing."""
    path = tmp_path / "cal.toml"
    path.write_text(SMALL)
    out = tmp_path / "out"
    args = ["calibrate", str(path), "--out", str(out), "--processes", "1", "--no-progress"]
    assert main(args) == 0
    points = pd.read_csv(out / "points.csv")
    region = pd.read_csv(out / "region.csv")
    assert len(points) == 5
    fitted = points["core network_implausibility"] <= 3.0
    assert points["not_implausible"].tolist() == fitted.tolist()
    assert region["point"].tolist() == points.loc[fitted, "point"].tolist()
    assert points["core network_runs_in_band"].between(0, 1).all()
    text = (out / "calibration.md").read_text()
    assert "held out" in text and "not implausible" in text
    manifest = json.loads((out / "results" / "_manifest.json").read_text())
    assert manifest["experiment"]["name"] == "tiny-calibration"
    assert "tie_gain" in manifest["experiment"]["factors"]
    assert len(list((out / "results" / "runs").glob("*.parquet"))) == 10
    capsys.readouterr()
    assert main(args) == 0
    assert "resuming: 10 finished" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_csv(out / "points.csv"), points)


def test_the_shipped_calibration_file_is_valid_and_its_quick_mode_is_small():
    """The shipped file parses; every fitted target sits inside its two-sided band; no
    parameter is calibrated against a figure it is set to (the patterns are measures, the
    factors parameters); --quick shrinks it to a few short runs on a small quarter."""
    plan = load_calibration(SHIPPED)
    assert plan.samples >= 100 and plan.replications >= 2
    assert any(p.held_out for p in plan.patterns) and not all(p.held_out for p in plan.patterns)
    for p in plan.patterns:
        assert p.band[0] < p.target < p.band[1]
    assert "baseline_responsiveness" in plan.factors
    quick = load_calibration(SHIPPED, quick=True)
    assert len(quick.runs()) <= 10 and quick.steps <= 30
    assert quick.parameters["n_residents"] <= 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("band = [1.0, 3.0]", "band = [2.5, 3.0]"), "outside"),
        (('measure = "core_ties"', 'measure = "core_tie"'), "did you mean 'core_ties'"),
        (("held_out = true", "held_out = 1"), "true or false"),
        (('parameters = ["tie_gain"', 'parameters = ["tie_gains"'), "unknown numeric parameter"),
        (("samples = 5", "samples = 1"), ">= 2"),
        (('name = "core network"', 'name = "efficacy"'), "share a name"),
    ],
)
def test_a_bad_calibration_file_names_what_is_wrong(change, message):
    old, new = change
    text = SMALL.replace(old, new, 1)
    src = Source("cal.toml", text)
    import tomllib

    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_calibration(src, tomllib.loads(text))


def test_every_pattern_held_out_leaves_nothing_to_fit():
    import tomllib

    text = SMALL.replace('compares = "ties against ties"', 'compares = "x"\nheld_out = true')
    with pytest.raises(UsageError, match="none is left to fit"):
        parse_calibration(Source("cal.toml", text), tomllib.loads(text))


@pytest.mark.cluster
def test_calibration_on_a_dask_cluster_gives_the_same_points_as_one_process(tmp_path):
    """Calibration runs go through the sweep's executors: on a real Dask cluster (scheduler and
    workers on 127.0.0.1) the judged points equal those of one local process."""
    distributed = pytest.importorskip("distributed")
    path = tmp_path / "cal.toml"
    path.write_text(SMALL)
    local = tmp_path / "local"
    assert main(["calibrate", str(path), "--out", str(local), "--processes", "1"]) == 0
    with distributed.LocalCluster(
        host="127.0.0.1",
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        dashboard_address="127.0.0.1:0",
        worker_dashboard_address="127.0.0.1:0",
    ) as cluster:
        on_dask = tmp_path / "dask"
        args = ["calibrate", str(path), "--out", str(on_dask)]
        assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    pd.testing.assert_frame_equal(
        pd.read_csv(on_dask / "points.csv"), pd.read_csv(local / "points.csv")
    )


def test_survey_shares_of_the_last_year_are_held_against_a_measure_of_the_last_year():
    """The Community Life Survey counts civic activism over twelve months: the calibration
    pattern and the validation report's target both compare it with ``participation_year``
    (members at some time in the last 52 weeks), averaged only over weeks whose window is full,
    never with the weekly ``participation``."""
    from quartiersim.validation.claims import CALIBRATION

    (civic,) = [p for p in load_calibration(SHIPPED).patterns if p.name == "civic activism"]
    assert civic.measure == "participation_year" and min(civic.weeks) > 52
    (target,) = [t for t in CALIBRATION if "civic activism" in t.target]
    assert target.measure == "participation_year" and target.from_week > 52
    assert target.band == civic.band
