"""The report: its numbers on results with known answers (paired and independent designs,
ordered numeric factors, the interaction model, scenario discovery), its files and pages, and a
real small sweep end to end."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from quartiersim.cli import main
from quartiersim.experiments import analysis, stats
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.report import make_report
from quartiersim.experiments.source import Source
from quartiersim.experiments.storage import ResultStore, experiment_info

HEAD = """\
[experiment]
name = "known"
steps = 4
replications = {replications}
seed = 42
measures = ["social_capital", "helplessness"]
common_seeds = {common}

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 2
"""


def write_results(path, text, at_exit, gain=lambda run: 0.0):
    """A results folder written by hand: social_capital rises to ``at_exit(run)`` at the exit
    (week 2) and moves by ``gain(run)`` by week 4; helplessness = 0.5 - social_capital / 2."""
    src, doc = Source.parse(text, "known.toml")
    exp = parse_experiment(src, doc)
    store = ResultStore(path)
    with store.writing():
        store.prepare(exp.definition(), exp.hash(), experiment_info(exp, []))
    for run in exp.runs():
        steps = np.arange(5)
        top, more = at_exit(run), gain(run)
        social = np.where(steps <= 2, top * steps / 2, top + more * (steps - 2) / 2)
        frame = pd.DataFrame(
            {
                "run_id": run.run_id,
                "replication": run.replication,
                "seed": run.seed,
                "step": steps,
                **run.columns,
                "social_capital": social,
                "helplessness": 0.5 - social / 2,
                "project_running": (steps <= 2).astype(float),
            }
        )
        store.write_run(run, frame)
    return path, exp


STRATEGIES = '\n[sweep]\nstrategy = ["none", "top_down", "empowerment"]\n'
# Per strategy and replication (5 replications): the quarters differ a lot from seed to seed
# (QUARTER), each strategy adds its own small, steady amount (SHIFT) plus a little noise.
QUARTER = np.array([0.10, 0.40, 0.25, 0.55, 0.30])
NOISE = {
    "none": np.array([0.000, 0.004, -0.003, 0.002, -0.001]),
    "top_down": np.array([0.003, -0.002, 0.001, -0.004, 0.002]),
    "empowerment": np.array([-0.002, 0.001, 0.003, -0.001, 0.004]),
    "networking": np.array([0.001, -0.003, 0.002, 0.000, -0.002]),
}
SHIFT = {"none": 0.0, "top_down": 0.02, "empowerment": 0.05}


def value(run):
    s = run.columns["strategy"]
    return QUARTER[run.replication] + SHIFT[s] + NOISE[s][run.replication]


def arm(s):
    return QUARTER + SHIFT[s] + NOISE[s]


@pytest.fixture(scope="module", params=[True, False], ids=["paired", "independent"])
def known(request, tmp_path_factory):
    """One report per design, shared by the tests that read it."""
    tmp_path = tmp_path_factory.mktemp("known")
    text = HEAD.format(replications=5, common=str(request.param).lower()) + STRATEGIES
    results, exp = write_results(tmp_path / "results", text, value, lambda r: 0.01)
    make_report(results, tmp_path / "report", n_boot=500, progress=False)
    return request.param, tmp_path / "report", exp


def test_comparisons_are_paired_with_common_seeds_and_independent_without(known):
    """Common seeds make every condition of a replication run on the same quarter: the report
    then compares per seed (paired t-test, the interval of the per-seed differences); without
    them it compares independent samples (Welch). The quarter-to-quarter spread hides the
    small steady gain from the independent comparison, not from the paired one."""
    paired, report, _ = known
    table = pd.read_csv(report / "comparisons.csv")
    row = table[
        (table["outcome"] == "social_capital")
        & (table["point"] == "end")
        & (table["strategy"] == "empowerment")
        & (table["baseline"] == "none")
    ].iloc[0]
    a, b = arm("empowerment"), arm("none")
    assert row["difference"] == pytest.approx(0.05 + (NOISE["empowerment"] - NOISE["none"]).mean())
    if paired:
        assert row["design"] == "paired" and row["test"] == "paired t"
        assert row["p"] == pytest.approx(sps.ttest_rel(a, b).pvalue)
        d = a - b
        half = sps.t.ppf(0.975, 4) * d.std(ddof=1) / math.sqrt(5)
        assert row["diff_low"] == pytest.approx(d.mean() - half)
        assert row["diff_high"] == pytest.approx(d.mean() + half)
        assert row["p"] < 0.001 and row["diff_low"] > 0
    else:
        assert row["design"] == "independent" and row["test"] == "Welch t"
        assert row["p"] == pytest.approx(sps.ttest_ind(a, b, equal_var=False).pvalue)
        assert row["p"] > 0.3 and row["diff_low"] < 0
    assert row["g"] == pytest.approx(stats.hedges_g(a, b))
    assert row["g_low"] < row["g"] < row["g_high"]


def test_holm_family_is_every_comparison_of_an_outcome_and_its_size_is_reported(known):
    """Three conditions, baselines none and top_down: empowerment vs none, top_down vs none,
    empowerment vs top_down — each once — at two points: a family of 6 per outcome."""
    _, report, _ = known
    table = pd.read_csv(report / "comparisons.csv")
    sc = table[table["outcome"] == "social_capital"]
    assert len(sc) == 6 and set(sc["family_size"]) == {6}
    pairs = set(zip(sc["strategy"], sc["baseline"], strict=True))
    assert pairs == {("top_down", "none"), ("empowerment", "none"), ("empowerment", "top_down")}
    np.testing.assert_allclose(sc["p_holm"], stats.holm(sc["p"].to_numpy()))
    md = (report / "report.md").read_text()
    assert "p (Holm, m = 6)" in md
    assert "`social_capital` 6" in md and "`helplessness` 6" in md


def test_report_page_states_design_pairing_and_methods(known):
    paired, report, exp = known
    md = (report / "report.md").read_text()
    assert "Replications: 5 per condition" in md
    assert "one factor, strategy (3: none, top_down, empowerment)" in md
    assert ("**paired**" in md) is paired and ("**independent**" in md) is not paired
    assert "t-based 95% confidence interval" in md
    assert f"fewer than {stats.MIN_N} runs" in md
    assert "| project end | empowerment | 5 |" in md
    seeds = pd.read_csv(report / "seeds.csv")
    assert dict(zip(seeds["run_id"], seeds["seed"], strict=True)) == {
        r.run_id: r.seed for r in exp.runs()
    }
    for name in ("timeseries_social_capital.png", "outcomes_helplessness.png"):
        assert (report / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({name})" in md


def test_outcomes_are_a_tidy_long_table_with_an_integer_exit_week(known):
    _, report, _ = known
    long = pd.read_parquet(report / "outcomes.parquet")
    labels = ["n_residents", "width", "height", "strategy", "project_weeks"]
    head = ["run_id", "replication", "seed", *labels, "exit_week"]
    assert list(long.columns) == [*head, "point", "week", "measure", "value"]
    assert not any("@" in c for c in long.columns)
    assert pd.api.types.is_integer_dtype(long["exit_week"]) and set(long["exit_week"]) == {2}
    assert set(long["point"]) == {"end", "after"} and set(long["week"]) == {2, 4}
    assert set(long["measure"]) == {"social_capital", "helplessness"}
    assert len(long) == 15 * 2 * 2
    one = long[(long["strategy"] == "empowerment") & (long["replication"] == 0)]
    sc = one[(one["measure"] == "social_capital") & (one["point"] == "after")]["value"]
    assert sc.item() == pytest.approx(QUARTER[0] + 0.05 + NOISE["empowerment"][0] + 0.01)
    conditions = pd.read_csv(report / "conditions.csv")
    assert "strategy" in conditions and "group" not in conditions


def test_below_the_minimum_n_the_report_gives_no_interval_and_says_why(tmp_path):
    """Three replications (< MIN_N): means, no intervals, and a note under the table; the
    figure draws the mean without an error bar."""
    text = HEAD.format(replications=3, common="true") + STRATEGIES
    results, _ = write_results(tmp_path / "results", text, value)
    md = make_report(results, tmp_path / "r", n_boot=500, progress=False).read_text()
    table = pd.read_csv(tmp_path / "r" / "conditions.csv")
    assert table["ci_low"].isna().all() and table["ci_high"].isna().all()
    assert table["note"].str.contains("n = 3 < 5").all()
    assert "– (n < 5)" in md and "no interval is given" in md
    comparisons = pd.read_csv(tmp_path / "r" / "comparisons.csv")
    assert comparisons["diff_low"].isna().all() and comparisons["g_low"].isna().all()
    assert comparisons["p"].notna().all()  # a test still has an answer at n = 3


def test_intervals_are_clipped_to_the_measure_range(tmp_path, monkeypatch):
    """Where the measures' declaration gives a range (``low``/``high``), intervals stop at it:
    a share near zero gets no negative lower bound."""
    ranged = {
        name: SimpleNamespace(meaning=str(meaning), low=0.0, high=1.0)
        for name, meaning in analysis.MEASURES.items()
    }
    monkeypatch.setattr(analysis, "MEASURES", ranged)
    near_zero = {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.02, 4: 0.0}
    text = HEAD.format(replications=5, common="true") + STRATEGIES
    results, _ = write_results(tmp_path / "results", text, lambda r: near_zero[r.replication])
    make_report(results, tmp_path / "r", n_boot=500, progress=False)
    table = pd.read_csv(tmp_path / "r" / "conditions.csv")
    raw = stats.mean_ci(list(near_zero.values()))
    assert raw.low < 0
    assert (table["ci_low"] >= 0).all() and (table["ci_low"] == 0).any()


DOSE = (
    HEAD.format(replications=5, common="true")
    + """
[sweep]
strategy = ["none", "empowerment"]
hours_per_week = [39, 10, 20]
"""
)
# social capital: a linear dose of hours that only empowerment work turns into gains.
SLOPE = {"none": 0.0, "networking": 0.001, "empowerment": 0.004}


def dose(run):
    s, h = run.columns["strategy"], run.columns["hours_per_week"]
    return 0.2 + SLOPE[s] * h + QUARTER[run.replication] / 10 + NOISE[s][run.replication]


def test_numeric_factors_are_ordered_numbers_and_baselines_are_parsed_by_type(tmp_path):
    """hours_per_week listed as 39, 10, 20: strata and groups come out as 10, 20, 39 (not in
    hash order), and ``--baselines 10`` names the level 10.0 of a numeric factor."""
    results, _ = write_results(tmp_path / "results", DOSE, dose)
    make_report(results, tmp_path / "a", n_boot=500, progress=False)
    table = pd.read_csv(tmp_path / "a" / "conditions.csv")
    first = table[(table["outcome"] == "social_capital") & (table["point"] == "end")]
    assert list(first["hours_per_week"]) == [10.0, 10.0, 20.0, 20.0, 39.0, 39.0]
    assert list(first["strategy"]) == ["none", "empowerment"] * 3
    assert list(first["mean"].iloc[1::2]) == sorted(first["mean"].iloc[1::2])

    code = main(
        [
            "report",
            str(results),
            "--out",
            str(tmp_path / "b"),
            "--group-by",
            "hours_per_week",
            "--baselines",
            "10",
            "--bootstrap",
            "200",
            "--no-progress",
        ]
    )
    assert code == 0
    comparisons = pd.read_csv(tmp_path / "b" / "comparisons.csv")
    assert set(comparisons["baseline"]) == {10.0}
    assert list(comparisons[comparisons["point"] == "end"]["hours_per_week"].unique()) == [20, 39]
    assert (
        main(
            [
                "report",
                str(results),
                "--out",
                str(tmp_path / "c"),
                "--group-by",
                "hours_per_week",
                "--baselines",
                "15",
            ]
        )
        == 2
    )


def test_interaction_model_recovers_a_planted_interaction(tmp_path):
    """Hours raise social capital by 0.004 per hour under empowerment and not at all without
    workers: the model's strategy × hours coefficient is 0.004 with an interval that excludes
    zero, and the ANOVA finds the interaction."""
    results, _ = write_results(tmp_path / "results", DOSE, dose)
    md = make_report(results, tmp_path / "r", n_boot=500, progress=False).read_text()
    model = pd.read_csv(tmp_path / "r" / "model.csv")
    mine = model[(model["outcome"] == "social_capital") & (model["point"] == "end")]
    inter = mine[mine["term"] == "strategy[empowerment]:hours_per_week"].iloc[0]
    assert inter["estimate"] == pytest.approx(0.004, abs=0.0005)
    assert 0 < inter["ci_low"] < 0.004 < inter["ci_high"]
    anova = mine[(mine["kind"] == "anova") & (mine["term"] == "strategy:hours_per_week")]
    assert anova["p"].item() < 0.001
    assert "### Interaction model" in md and "C(seed)" in md


def test_interaction_model_finds_none_where_none_was_planted(tmp_path):
    def parallel(run):
        s, h = run.columns["strategy"], run.columns["hours_per_week"]
        return 0.2 + 0.002 * h + (0.05 if s == "empowerment" else 0) + NOISE[s][run.replication]

    results, _ = write_results(tmp_path / "results", DOSE, parallel)
    make_report(results, tmp_path / "r", n_boot=500, progress=False)
    model = pd.read_csv(tmp_path / "r" / "model.csv")
    inter = model[
        (model["outcome"] == "social_capital")
        & (model["point"] == "end")
        & (model["term"] == "strategy[empowerment]:hours_per_week")
    ].iloc[0]
    assert inter["ci_low"] < 0 < inter["ci_high"]


def test_excluded_levels_are_left_out_of_the_model_and_said_so(tmp_path):
    """`none` only at 10 hours: its interaction with hours cannot be estimated; the model is fit
    on the other levels and the page names what it left out."""
    text = DOSE.replace('"none", "empowerment"', '"none", "networking", "empowerment"') + (
        '\n[[exclude]]\nstrategy = "none"\nhours_per_week = [20, 39]\n'
    )
    results, _ = write_results(tmp_path / "results", text, dose)
    md = make_report(results, tmp_path / "r", n_boot=500, progress=False).read_text()
    assert "Left out of the model: none" in md
    assert "less the combinations excluded by `[[exclude]]`" in md
    model = pd.read_csv(tmp_path / "r" / "model.csv")
    assert "strategy[empowerment]:hours_per_week" in set(model["term"])


SAMPLED = (
    HEAD.format(replications=1, common="true")
    + """
[sweep]
strategy = ["none", "empowerment"]

[sample]
method = "latin_hypercube"
points = 80

[sample.ranges]
segregation = [0.0, 1.0]
outreach_acceptance = [0.0, 1.0]
baseline_responsiveness = [0.0, 1.0]
"""
)


@pytest.mark.slow  # 160 result files and the EMA Workbench's import
def test_prim_recovers_a_planted_region_where_a_strategy_wins(tmp_path):
    """Empowerment beats no intervention only where segregation > 0.6 and outreach is accepted
    less than 0.4 of the time (a region planted in synthetic results): the PRIM box restricts
    exactly those two parameters to about those limits, and the feature scores rank the third,
    irrelevant one last."""

    def planted(run):
        c = run.params
        win = c["segregation"] > 0.6 and c["outreach_acceptance"] < 0.4
        return 0.3 + (0.05 if win else -0.05) * (run.columns["strategy"] == "empowerment")

    results, _ = write_results(tmp_path / "results", SAMPLED, planted)
    md = make_report(
        results, tmp_path / "r", outcomes=["social_capital"], n_boot=500, progress=False
    ).read_text()
    found = pd.read_csv(tmp_path / "r" / "scenarios.csv")
    box = found[(found["kind"] == "box") & (found["point"] == "after")].set_index("parameter")
    assert set(box.index) == {"segregation", "outreach_acceptance"}
    assert 0.55 <= box.loc["segregation", "low"] <= 0.7 and box.loc["segregation", "high"] > 0.9
    assert box.loc["outreach_acceptance", "low"] < 0.1
    assert 0.3 <= box.loc["outreach_acceptance", "high"] <= 0.45
    assert (box["density"] >= 0.8).all() and (box["coverage"] >= 0.8).all()
    scores = found[found["kind"] == "feature_score"].set_index("parameter")["score"]
    assert scores.idxmin() == "baseline_responsiveness"
    assert "### Scenario discovery" in md and "scenarios_social_capital.png" in md
    assert (tmp_path / "r" / "scenarios_social_capital.png").exists()


def test_report_help_shows_percent_signs_and_the_new_options(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    assert "95%%" not in text and "95%" in text
    for option in ("--ci", "--test", "--bootstrap", "--progress"):
        assert option in text


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
common_seeds = true

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 6

[sweep]
segregation = [0.8, 0.2]
strategy = ["none", "empowerment"]
""")
    results, report = tmp_path / "results", tmp_path / "report"
    assert (
        main(["sweep", str(path), "--out", str(results), "--processes", "1", "--no-progress"]) == 0
    )
    assert main(["report", str(results), "--out", str(report), "--no-progress"]) == 0
    table = pd.read_csv(report / "conditions.csv")
    assert list(dict.fromkeys(zip(table["segregation"], table["strategy"], strict=True))) == [
        (0.2, "none"),
        (0.2, "empowerment"),
        (0.8, "none"),
        (0.8, "empowerment"),
    ]
    assert set(table["point"]) == {"end", "after"}
    md = (report / "report.md").read_text()
    assert "within each segregation" in md
    assert "| project end | 0.8 | empowerment | 2 |" in md
    assert "### Interaction model" in md
    for o in ("social_capital", "political_influence", "helplessness", "participation"):
        assert (report / f"timeseries_{o}.png").exists()
    assert len(pd.read_parquet(results)) == 8 * 7  # weeks 0, 2, ..., 12


def test_heavy_libraries_are_imported_only_by_what_uses_them():
    """`import quartiersim` (and the command line, and the report module itself) load neither
    statsmodels nor the EMA Workbench nor optuna: worker processes and the browser view do not
    pay for them."""
    import subprocess
    import sys

    code = (
        "import sys, quartiersim, quartiersim.cli, quartiersim.experiments.report, "
        "quartiersim.experiments.optimise, quartiersim.experiments.factorial, "
        "quartiersim.experiments.scenarios\n"
        "heavy = [m for m in ('statsmodels', 'ema_workbench', 'optuna', 'sklearn', 'SALib') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_variants_that_set_different_strategies_are_still_paired_by_seed(tmp_path):
    """Variants come with their own strategy and role mix; with common seeds their runs of one
    replication share the quarter all the same, so every comparison has all its pairs."""
    text = HEAD.format(replications=5, common="true") + (
        '\n[variants.none]\nstrategy = "none"\n'
        '\n[variants.doors]\nstrategy = "custom"\nrole_mix = { door_opener = 1 }\n'
    )
    shift = {"none": 0.0, "custom": 0.03}
    results, _ = write_results(
        tmp_path / "results",
        text,
        lambda r: QUARTER[r.replication] + shift[r.columns["strategy"]],
    )
    make_report(results, tmp_path / "r", n_boot=500, progress=False)
    table = pd.read_csv(tmp_path / "r" / "comparisons.csv")
    assert set(table["variant"]) == {"doors"} and set(table["baseline"]) == {"none"}
    assert (table["n"] == 5).all() and (table["design"] == "paired").all()
    row = table[(table["outcome"] == "social_capital") & (table["point"] == "end")].iloc[0]
    assert row["difference"] == pytest.approx(0.03)
