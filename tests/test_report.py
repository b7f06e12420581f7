"""The report: its numbers on results with known answers, and its pages and figures on a real
small sweep."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from quartiersim.cli import main
from quartiersim.experiments import stats
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.report import make_report
from quartiersim.experiments.source import Source
from quartiersim.experiments.storage import ResultStore, experiment_info

KNOWN = """\
[experiment]
name = "known"
steps = 4
replications = 3
seed = 42
measures = ["social_capital", "helplessness"]

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 2

[sweep]
strategy = ["none", "top_down", "empowerment"]
"""

# social_capital at the exit (week 2) per strategy and replication; two years after the exit
# is the run's end (week 4), where empowerment has gained 0.05 and the others stayed.
AT_EXIT = {"none": [0.1, 0.2, 0.3], "top_down": [0.2, 0.3, 0.4], "empowerment": [0.4, 0.5, 0.6]}
GAIN = {"none": 0.0, "top_down": 0.0, "empowerment": 0.05}


@pytest.fixture
def known_results(tmp_path):
    """A results folder written by hand: the report must find exactly these numbers."""
    src, doc = Source.parse(KNOWN, "known.toml")
    exp = parse_experiment(src, doc)
    store = ResultStore(tmp_path / "results")
    with store.writing():
        store.prepare(exp.definition(), exp.hash(), experiment_info(exp, []))
    for run in exp.runs():
        s, r = run.columns["strategy"], run.replication
        steps = np.arange(5)
        at_exit = AT_EXIT[s][r]
        social = np.where(steps <= 2, at_exit * steps / 2, at_exit + GAIN[s] * (steps - 2) / 2)
        frame = pd.DataFrame(
            {
                "run_id": run.run_id,
                "replication": r,
                "seed": run.seed,
                "step": steps,
                **run.columns,
                "social_capital": social,
                "helplessness": 0.5 - social / 2,
                "project_running": (steps <= 2).astype(float),
            }
        )
        store.write_run(run, frame)
    return tmp_path / "results", exp


def test_report_statistics_on_known_values(known_results, tmp_path):
    results, _ = known_results
    make_report(results, tmp_path / "report", n_boot=2000)
    table = pd.read_csv(tmp_path / "report" / "summary.csv")
    sc = table[table["outcome"] == "social_capital"].set_index(["point", "group"])

    assert set(sc.index.get_level_values("point")) == {"end", "after"}
    assert sc.loc[("end", "empowerment"), "mean"] == pytest.approx(0.5)
    assert sc.loc[("after", "empowerment"), "mean"] == pytest.approx(0.55)
    assert sc.loc[("end", "none"), "n"] == 3
    # [0.4, 0.5, 0.6] vs [0.1, 0.2, 0.3]: difference 0.3, pooled sd 0.1, J = 0.8 → g = 2.4
    assert sc.loc[("end", "empowerment"), "g_vs_none"] == pytest.approx(2.4)
    assert sc.loc[("end", "top_down"), "g_vs_none"] == pytest.approx(0.8)
    assert sc.loc[("end", "empowerment"), "g_vs_top_down"] == pytest.approx(1.6)
    assert math.isnan(sc.loc[("end", "none"), "g_vs_none"])
    # Welch p-values, then Holm over the six distinct comparisons of this outcome
    raw = {}
    for point, gain in (("end", 0.0), ("after", 0.05)):
        emp = np.array(AT_EXIT["empowerment"]) + gain
        raw[(point, "empowerment", "none")] = sps.ttest_ind(
            emp, AT_EXIT["none"], equal_var=False
        ).pvalue
        raw[(point, "empowerment", "top_down")] = sps.ttest_ind(
            emp, AT_EXIT["top_down"], equal_var=False
        ).pvalue
        raw[(point, "top_down", "none")] = sps.ttest_ind(
            AT_EXIT["top_down"], AT_EXIT["none"], equal_var=False
        ).pvalue
    adjusted = dict(zip(raw, stats.holm(list(raw.values())), strict=True))
    for (point, group, base), p in raw.items():
        assert sc.loc[(point, group), f"p_vs_{base}"] == pytest.approx(p)
        assert sc.loc[(point, group), f"p_holm_vs_{base}"] == pytest.approx(
            adjusted[(point, group, base)]
        )
    # the same test seen from the other side is the same adjusted value
    assert sc.loc[("end", "none"), "p_holm_vs_top_down"] == pytest.approx(
        sc.loc[("end", "top_down"), "p_holm_vs_none"]
    )
    # bootstrap interval: inside the range of the data, around the mean
    lo, hi = sc.loc[("end", "empowerment"), ["ci_low", "ci_high"]]
    assert 0.4 <= lo < 0.5 < hi <= 0.6


def test_report_pages_state_replications_and_seeds(known_results, tmp_path):
    results, exp = known_results
    md = make_report(results, tmp_path / "report", n_boot=500).read_text()
    assert "Replications: 3 per condition" in md
    assert "experiment seed 42" in md
    assert "at the project's end (week 2)" in md and "week 4" in md
    assert "| project end | empowerment | 3 | 0.500 |" in md
    assert "+2.40" in md
    seeds = pd.read_csv(tmp_path / "report" / "seeds.csv")
    assert dict(zip(seeds["run_id"], seeds["seed"], strict=True)) == {
        r.run_id: r.seed for r in exp.runs()
    }
    for name in ("timeseries_social_capital.png", "outcomes_helplessness.png"):
        assert (tmp_path / "report" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({name})" in md


def test_report_options_choose_outcomes_baselines_and_test(known_results, tmp_path):
    results, _ = known_results
    make_report(
        results,
        tmp_path / "r",
        outcomes=["helplessness"],
        baselines=["top_down"],
        test="mann-whitney",
        n_boot=500,
    )
    table = pd.read_csv(tmp_path / "r" / "summary.csv")
    assert set(table["outcome"]) == {"helplessness"}
    assert "p_vs_top_down" in table and "p_vs_none" not in table
    row = table[(table["point"] == "end") & (table["group"] == "none")].iloc[0]
    # helplessness = 0.5 - social_capital / 2: [0.45, 0.4, 0.35] (none) against
    # [0.4, 0.35, 0.3] (top_down), compared by the Mann-Whitney U test
    assert row["p_vs_top_down"] == pytest.approx(
        sps.mannwhitneyu([0.45, 0.4, 0.35], [0.4, 0.35, 0.3], alternative="two-sided").pvalue
    )


@pytest.mark.slow  # a real sweep on worker processes, then the whole report
def test_report_on_a_real_sweep_with_strata(tmp_path):
    """A strategy × segregation sweep: the strategies are compared within each segregation
    level; the command writes the page, figures and tables."""
    path = tmp_path / "exp.toml"
    path.write_text("""\
[experiment]
name = "strata"
steps = 12
replications = 2
seed = 5
record_every = 2

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 6

[sweep]
segregation = [0.2, 0.8]
strategy = ["none", "empowerment"]
""")
    results, report = tmp_path / "results", tmp_path / "report"
    assert (
        main(["sweep", str(path), "--out", str(results), "--processes", "1", "--no-progress"]) == 0
    )
    assert main(["report", str(results), "--out", str(report), "--bootstrap", "500"]) == 0
    table = pd.read_csv(report / "summary.csv")
    assert set(zip(table["segregation"], table["group"], strict=True)) == {
        (0.2, "none"),
        (0.2, "empowerment"),
        (0.8, "none"),
        (0.8, "empowerment"),
    }
    assert set(table["point"]) == {"end", "after"}
    md = (report / "report.md").read_text()
    assert "within each segregation" in md
    assert "| project end | 0.8 | empowerment | 2 |" in md
    for o in ("social_capital", "political_influence", "helplessness", "participation"):
        assert (report / f"timeseries_{o}.png").exists()
    assert len(pd.read_parquet(results)) == 8 * 7  # weeks 0, 2, ..., 12
