"""The validation package: the known results the model must reproduce, pinned; the statistics on
data with known answers; and the report generator end to end on a tiny configuration.

Known results are exact (Granovetter) or statistical with fixed seeds and the tolerance stated in
each test. Strategy rankings are *not* asserted: the report says what emerges.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartiersim.validation import FIGURES, SECTIONS, analysis, from_dict, generate, known
from quartiersim.validation.__main__ import main
from quartiersim.validation.claims import Claim, theory_claims
from quartiersim.validation.runs import make_job, run_all, run_jobs, run_model
from quartiersim.validation.stats import compare, fit_growth, hedges_g, logistic, mean_ci, welch

# Larger than the tests' shared SMALL_QUARTER: the known results are statistical (segregation's
# effect on tie shares, a group's S-shaped take-off) and need more residents to show reliably.
VALIDATION_QUARTER = {"n_residents": 300, "width": 25, "height": 25}


# -- known results -------------------------------------------------------------------------------
def test_granovetter_uniform_thresholds_cascade_to_everyone_and_one_change_stops_it():
    result = known.granovetter()
    assert result["uniform"].final == 100
    assert result["uniform"].curve == list(range(101))  # one more person per round
    assert result["perturbed"].final == 1
    assert result["perturbed"].curve == [0, 1]


@pytest.mark.parametrize("bridge_target", [0.1, 0.5])
def test_unreinforced_bridges_survive_a_year_at_the_burt_calibrated_rate(bridge_target):
    # Tolerance: the exact 95% binomial interval of the observed survival must contain the
    # parameter, and the point estimate must lie within 0.04 of it. Two targets, so the rule is
    # shown to follow the parameter rather than a constant.
    decays = known.tie_decay(11, 2, {**VALIDATION_QUARTER, "bridge_survival_year": bridge_target})
    bridging, bonding = decays["bridging"], decays["bonding"]
    assert bridging.start > 300 and bonding.start > 100
    for d in (bridging, bonding):
        assert d.low <= d.target <= d.high, d
        assert abs(d.observed - d.target) < 0.04, d
    assert bridging.target == bridge_target
    # the survival curve falls week by week, from everyone to the observed share
    assert bridging.curve[0] == 1.0 and np.all(np.diff(bridging.curve) <= 0)
    assert bridging.curve[-1] == pytest.approx(bridging.observed)


def test_segregation_raises_the_bonding_share_and_lowers_bridging_ties():
    # Three seeds, paired: every quarter at segregation 1 has a higher bonding share and fewer
    # bridging ties than the same seed's quarter at segregation 0 (after the burn-in year).
    for seed in (1, 2, 3):
        mixed = run_model(
            seed, 0, {**VALIDATION_QUARTER, "segregation": 0.0, "strategy": "none"}
        ).iloc[0]
        apart = run_model(
            seed, 0, {**VALIDATION_QUARTER, "segregation": 1.0, "strategy": "none"}
        ).iloc[0]

        def share(row):
            return row["bonding_ties"] / (row["bonding_ties"] + row["bridging_ties"])

        assert share(apart) > share(mixed) + 0.05
        assert apart["bridging_ties"] < mixed["bridging_ties"]


def test_a_group_taking_off_grows_in_an_s_shape():
    # Fixed seed, four small quarters under empowerment for 80 weeks; in each, the group that
    # grew most. Most of these take-offs (at least three of four) are fitted clearly better by a
    # logistic than by a saturating or a linear curve (AIC lead >= 2, inflection inside the
    # window), and the strongest of the S-shaped ones with R² >= 0.8. (A group founded by a
    # worker with many members at once can start at its plateau: no cascade to fit.)
    runs = [t for t in known.take_offs(1, 4, 80, VALIDATION_QUARTER) if t.fit is not None]
    s_shaped = [t for t in runs if t.fit.s_shaped]
    assert len(s_shaped) >= 3, [t.fit.aic for t in runs]
    take_off = max(s_shaped, key=lambda t: t.growth)
    assert take_off.growth >= 5
    assert take_off.fit.r2 >= 0.8


def test_take_off_window_centres_on_the_fastest_growth():
    history = [5] * 30 + [6, 9, 14, 18, 20] + [21] * 30
    begin, window = known.take_off_window(history)
    assert len(window) == known.TAKE_OFF_WINDOW
    assert window[0] == 5 and window[-1] == 21
    assert begin == 20  # the fastest 4-week growth starts at week 30; 10 weeks before it


# -- statistics on known answers -----------------------------------------------------------------
def test_mean_ci_matches_the_t_interval():
    est = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    # mean 2.5, sd 1.2910, sem 0.6455, t(0.975, 3) = 3.1824
    assert est.mean == pytest.approx(2.5)
    assert est.low == pytest.approx(2.5 - 3.1824 * 0.6455, abs=1e-3)
    assert est.high == pytest.approx(2.5 + 3.1824 * 0.6455, abs=1e-3)


def test_paired_comparison_uses_per_seed_differences():
    a = np.array([10.0, 20.0, 30.0, 40.0])
    b = a - np.array([1.0, 1.2, 0.8, 1.0])  # same quarters, a shift of about 1
    c = compare(a, b)
    assert c.diff.mean == pytest.approx(1.0)
    assert c.diff.low > 0 and c.direction() == 1
    assert c.p < 0.01
    assert c.effect == pytest.approx(hedges_g(a, b))
    assert c.effect == pytest.approx(
        1.0 / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2) * (1 - 3 / (4 * 8 - 9))
    )


def test_welch_interval_of_independent_samples():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([5.0, 7.0, 9.0])
    d = welch(x, y)
    # var/n: 1/3 and 4/3; se = 1.2910; df = (5/3)^2 / ((1/9)/2 + (16/9)/2) = 2.9412;
    # t(0.975, 2.9412) = 3.2187
    assert d.mean == pytest.approx(-5.0)
    assert d.high - d.mean == pytest.approx(1.2910 * 3.2187, rel=1e-3)
    assert d.mean - d.low == pytest.approx(d.high - d.mean)


@pytest.mark.parametrize(
    ("curve", "s_shaped"),
    [
        (logistic(np.arange(30.0), 5.0, 20.0, 0.8, 12.0), True),
        (3.0 + 0.5 * np.arange(30.0), False),
        (5.0 + 20.0 * (1 - np.exp(-0.3 * np.arange(30.0))), False),
    ],
)
def test_growth_fit_tells_an_s_from_a_line_and_from_saturation(curve, s_shaped):
    noise = np.random.default_rng(0).normal(0, 0.3, len(curve))
    assert fit_growth(curve + noise).s_shaped is s_shaped


# -- runs ----------------------------------------------------------------------------------------
def test_results_do_not_depend_on_the_number_of_processes():
    params = {"n_residents": 60, "width": 10, "height": 10, "project_weeks": 4}
    jobs = [
        make_job("b", s, k, 5, 6, {**params, "strategy": s})
        for s in ("none", "empowerment")
        for k in range(2)
    ]
    one = run_jobs(jobs, processes=1)
    two = run_jobs(jobs, processes=2)
    assert one.equals(two)
    # replication k shares its seed across arms (common random numbers)
    seeds = one.groupby(["arm", "replication"])["seed"].first().unstack()
    assert (seeds.loc["none"] == seeds.loc["empowerment"]).all()
    assert seeds.loc["none", 0] != seeds.loc["none", 1]


def test_every_run_keeps_its_problems_history_and_its_organisers():
    """What the founding lag and the organisers' kind are read from: a problem is taken up by a
    group only after it became visible, never before; the problems table has every problem,
    the organisers table every holder the measure counts at the end."""
    params = {"n_residents": 100, "width": 12, "height": 12, "project_weeks": 20}
    jobs = [
        make_job("b", "empowerment", 0, 5, 40, {**params, "strategy": "empowerment"}),
        make_job(
            "b", "phased", 0, 5, 40, {**params, "strategy": "empowerment", "phase_out_weeks": 10}
        ),
    ]
    table, records = run_all(jobs, processes=1)
    problems, holders = records["problems"], records["organisers"]
    assert set(problems["arm"]) == {"empowerment", "phased"}
    taken = problems[problems["taken_up_week"] >= 0]
    assert len(taken) > 0
    assert (taken["visible_week"] >= 0).all()
    assert (taken["taken_up_week"] >= taken["visible_week"]).all()
    assert (problems["last_week"] == 40).all()
    last = table[table["week"] == 40].set_index("arm")["resident_organisers"]
    counted = holders.groupby("arm").size().reindex(last.index, fill_value=0)
    assert (counted == last).all()


# -- claims and verdicts --------------------------------------------------------------------------
STRATEGIES = ["none", "top_down", "networking", "political", "empowerment"]


def test_every_claim_compares_two_run_strategies_in_a_stated_direction():
    """A claim of the theory is data: two strategies that ran, a measure, a week the report
    looks at, a direction, and an explanation by mechanism for either verdict."""
    claims = theory_claims(STRATEGIES, 26, 156, 260, lambda arm, week, measure: 0.0)
    assert len(claims) >= 14
    assert len({(c.contrast, c.measure) for c in claims}) == len(claims)
    for c in claims:
        assert {c.a, c.b} <= set(STRATEGIES) and c.a != c.b
        assert c.sign in (1, -1)
        assert c.week in (26, 156, 260) and c.since in (None, 156)
        assert c.why_holds.strip() and c.why_not.strip() and c.why_holds != c.why_not


def test_claims_need_the_three_strategies_the_theory_contrasts():
    """Without empowerment, top-down care and the untouched quarter there is nothing to test."""
    assert theory_claims(["top_down", "empowerment"], 26, 156, 260, lambda *_: 0.0) == []


def test_the_strongest_other_strategy_is_the_one_empowerment_must_beat():
    """'Empowerment leads' is tested against whichever other strategy did best, not a fixed one."""

    def mean(arm, week, measure):
        return {"networking": 2.0, "political": 1.0}.get(arm, 0.0)

    claims = theory_claims(STRATEGIES, 26, 156, 260, mean)
    leads = [c for c in claims if c.family.startswith("Empowerment leads (against")]
    assert leads and {c.b for c in leads} == {"networking"}


def synthetic_results(shift: float, noise: float = 0.01) -> analysis.Results:
    """Two arms over 12 replications: arm b's values are arm a's plus ``shift`` (paired)."""
    rng = np.random.default_rng(0)
    base = rng.normal(0.5, 0.1, 12)
    rows = [
        {"block": "comparison", "arm": arm, "week": 5, "replication": k, "helplessness": value}
        for arm, values in (("a", base), ("b", base + shift + rng.normal(0, noise, 12)))
        for k, value in enumerate(values)
    ]
    return analysis.Results(pd.DataFrame(rows))


@pytest.mark.parametrize(
    ("shift", "sign", "verdict"),
    [
        (-0.2, +1, "holds"),
        (-0.2, -1, "does not hold (opposite)"),
        (0.0, +1, "not shown"),
    ],
)
def test_a_verdict_needs_a_significant_difference_in_the_claimed_direction(shift, sign, verdict):
    """holds: significant with the claimed sign; opposite: significant with the other sign;
    not shown: within the noise of the replications."""
    claim = Claim("f", "a beats b", "a − b", "a", "b", "helplessness", 5, sign, "yes", "no")
    (result,) = analysis.evaluate_claims([claim], synthetic_results(shift))
    assert result.verdict == verdict
    assert result.explanation == ("yes" if verdict == "holds" else "no")


# -- the report ----------------------------------------------------------------------------------
TINY = {
    "validation": {"seed": 3, "steps": 16, "early_week": 4},
    "parameters": {"n_residents": 100, "width": 12, "height": 12, "project_weeks": 10},
    "known": {
        "decay_quarters": 1,
        "s_curve_runs": 1,
        "s_curve_weeks": 16,
        "segregation_levels": [0.0, 1.0],
        "segregation_replications": 2,
    },
    "comparison": {"strategies": ["none", "top_down", "empowerment"], "replications": 2},
    "ablation": {"replications": 2},
    "segregation": {"levels": [0.0, 1.0], "strategies": ["none", "empowerment"], "replications": 2},
    "robustness": {
        "samples": 4,
        "replications": 1,
        "ranges": {"base_threshold": [0.4, 0.8], "n_workers": [1, 3]},
    },
    "regions": {
        "learning_rates": [0.0, 0.2],
        "wait_weeks": [0, 8],
        "slices": {"taking_part_weight": [0.0]},
        "slice_cells": [[0.2, 8]],
        "replications": 2,
    },
    "phasing": {
        "weeks": [0, 4],
        "strategies": ["none", "top_down", "empowerment"],
        "replications": 2,
    },
    "off": {
        "parameters": ["expectation_learning_rate", "volunteer_hours"],
        "strategies": ["none", "top_down", "empowerment"],
        "phase_out_weeks": 4,
        "replications": 2,
    },
}


@pytest.mark.slow  # the validation report end to end
def test_report_is_generated_end_to_end_with_sections_and_figures(tmp_path):
    cfg = from_dict(TINY, source="tiny.toml")
    out = generate(cfg, tmp_path / "docs" / "validation.md", processes=1)
    text = out.read_text()
    for section in SECTIONS:
        assert section in text
    for name in FIGURES:
        path = tmp_path / "docs" / "images" / "validation" / name
        assert path.is_file() and path.stat().st_size > 1000, name
        assert f"](images/validation/{name})" in text
    assert "python -m quartiersim.validation" in text  # the command is in the header
    assert "Experiment seed **3**" in text
    # the docs tests run every shell block; the report's own 15-minute command is marked
    assert "<!-- no-test" in text.split("```sh")[-2].splitlines()[-1]
    assert "**What lasts.**" in text and "{cfg." not in text  # no unformatted placeholders
    # every claim gets a verdict, every calibration target a value
    assert len(re.findall(r"\*\*(holds|does not hold \(opposite\)|not shown)\*\*", text)) >= 14
    for measure in ("participation_year", "feel_influential", "core_ties"):
        assert f"| `{measure}` |" in text
    assert "nan" not in text.lower().replace("nan-", "")
    # the sections of "Mechanisms, not labels", computed from their own runs
    for heading in (
        "### 3.5 Where dependency appears",
        "### 3.6 Abrupt against phased exit",
        "### 3.7 Every new parameter off",
    ):
        assert heading in text
    regions = text.split("### 3.5")[1].split("### 3.6")[0]
    rows = [line for line in regions.splitlines() if line.startswith("| grid |")]
    assert len(rows) == 4  # learning rate x wait
    assert len([line for line in regions.splitlines() if "taking_part_weight = 0" in line]) == 1
    assert "**Compared with the predicted regions**" in regions
    assert re.search(r"\*\*(held|refuted|not supported|partly)\*\*", regions)
    phased = text.split("### 3.6")[1].split("### 3.7")[0]
    assert len([line for line in phased.splitlines() if re.match(r"\| \w+ \| 4 \|", line)]) >= 3
    assert "Resident organisers left at week 16" in phased and "P6.8" in phased
    off = text.split("### 3.7")[1].split("## 4.")[0]
    assert "| `expectation_learning_rate` | 0 |" in off and "| `volunteer_hours` | 0 |" in off
    assert "`initial_own_expectation`" in off  # named among those without an off value
    assert "**Week 10**" in off and "**Week 16**" in off
    arena = text.split("### 3.8")[1].split("### 3.9")[0]
    for strategy in TINY["comparison"]["strategies"]:
        assert f"| {strategy} | " in arena
        for week in (4, 10, 16):  # political influence by part, early / exit / after
            assert f"| {strategy} | {week} | " in arena
    diagnosis = text.split("### 3.9")[1].split("### 3.10")[0]
    assert [
        line.split(" | ")[0] for line in diagnosis.splitlines() if line[:4] in ("| 0 ", "| 0.")
    ] == [
        "| 0",
        "| 0.3",
        "| 0.6",
    ]
    assert re.search(r"P3\.1, .*\*\*(held|not supported)\*\*", diagnosis)
    tested = text.split("### 3.10")[1].split("## 4.")[0]
    verdicts = re.findall(r"\| \*\*(held|not supported|refuted)[^|]*\*\* \|", tested)
    assert len(verdicts) >= 20  # every prediction whose strategies ran gets a verdict
    assert "| P1.1 | top_down − empowerment, `helplessness`, week 4 | ≤ 0 |" in tested


def test_config_errors_name_the_file_and_key():
    with pytest.raises(ValueError, match=r"cfg\.toml: unknown key 'replicatons' in \[comparison\]"):
        from_dict({"validation": {"seed": 1}, "comparison": {"replicatons": 3}}, "cfg.toml")
    with pytest.raises(ValueError, match=r"\[comparison\] strategies has 'magic'"):
        from_dict({"validation": {"seed": 1}, "comparison": {"strategies": ["magic"]}}, "c")
    with pytest.raises(ValueError, match=r"\[parameters\] n_residents=-4 is not allowed"):
        from_dict({"validation": {"seed": 1}, "parameters": {"n_residents": -4}}, "c")
    with pytest.raises(ValueError, match=r"\[robustness.ranges\] segregation=1.5"):
        from_dict(
            {"validation": {"seed": 1}, "robustness": {"ranges": {"segregation": [0.0, 1.5]}}}, "c"
        )
    with pytest.raises(ValueError, match=r"\[validation\] seed is required"):
        from_dict({}, "c")


def test_command_line_answers_bad_input_with_a_message_and_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[validation]\nseed = 1\n[comparison]\nreplications = 'many'\n")
    out = tmp_path / "report.md"
    assert main(["--config", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "replications='many'" in err and "Traceback" not in err
    assert not out.exists()
    broken = tmp_path / "broken.toml"
    broken.write_text("[validation\nseed = 1\n")
    assert main(["--config", str(broken), "--out", str(out)]) == 2
    assert "not valid TOML" in capsys.readouterr().err
    assert main(["--config", str(tmp_path / "missing.toml"), "--out", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_quartiersim_validate_is_the_same_command(tmp_path, capsys):
    from quartiersim.cli import main as cli_main

    bad = tmp_path / "bad.toml"
    bad.write_text("[validation]\nseed = 1\n[robustness.ranges]\nsegregation = [0.5, 0.2]\n")
    assert cli_main(["validate", "--config", str(bad), "--out", str(tmp_path / "r.md")]) == 2
    err = capsys.readouterr().err
    assert "segregation=[0.5, 0.2]" in err and "low < high" in err and "Traceback" not in err


def test_a_bad_scheduler_address_is_a_clear_error_before_any_run(tmp_path, capsys):
    cfg_path = Path(__file__).parents[1] / "experiments" / "validation.toml"
    out = tmp_path / "report.md"
    assert main(["--config", str(cfg_path), "--out", str(out), "--scheduler", "no address"]) == 2
    err = capsys.readouterr().err
    assert "--scheduler 'no address'" in err and "tcp://HOST:PORT" in err
    assert "runs 1/" not in err and not out.exists()


def test_the_shipped_experiment_file_is_valid():
    cfg_path = Path(__file__).parents[1] / "experiments" / "validation.toml"
    from quartiersim.validation import load

    cfg = load(cfg_path)
    assert cfg.steps > cfg.during_week >= cfg.early_week
    assert set(cfg.strategies) >= {"none", "top_down", "empowerment"}


# -- the mechanisms' sections: data, design, numbers -----------------------------------------------
ISSUE_12_PARAMETERS = {
    # docs/predictions.md, the parameter tables of sections 1.3, 2.8, 3.2, 5.2 and 6.2
    "taking_part_weight",
    "small_win_size",
    "expectation_learning_rate",
    "observation_weight",
    "initial_own_expectation",
    "initial_institutional_expectation",
    "help_seeking_rate",
    "request_wait_weeks",
    "help_relief",
    "admin_learning_rate",
    "admin_forgetting",
    "diagnosis_noise",
    "landlord_responsiveness",
    "rent_increase_rate",
    "rent_displacement",
    "landlord_repair_rate",
    "phase_out_weeks",
    "training_sessions",
    "volunteer_hours",
}


def test_every_new_parameter_is_off_inside_its_declared_range_or_says_why_it_has_no_off():
    from quartiersim.parameters import PARAMETERS
    from quartiersim.validation.claims import NO_OFF, OFF

    assert set(OFF) | set(NO_OFF) == ISSUE_12_PARAMETERS
    assert not set(OFF) & set(NO_OFF)
    for name, off in OFF.items():
        spec = PARAMETERS[name]
        assert spec.low <= off.value <= spec.high, name
        assert spec.check(off.value) == off.value
        assert off.value != spec.default or off.phased, name  # off is not the default itself
    assert PARAMETERS["phase_out_weeks"].default == 0  # its off is its default


def test_the_mechanisms_sections_reuse_the_default_runs_and_keep_to_their_budget():
    """The cell of the dependency regions at the defaults, the abrupt exit and the defaults'
    column of the parameters-off table are the strategy comparison's own runs; the three
    sections together add at most 900 runs to the shipped report."""
    from quartiersim.validation import load
    from quartiersim.validation.design import build_jobs, robustness_samples

    cfg = load(Path(__file__).parents[1] / "experiments" / "validation.toml")
    jobs = build_jobs(cfg, robustness_samples(cfg))
    mechanisms = ("regions", "phasing", "off", "diagnosis")
    old = {j.key for j in jobs if j.block not in mechanisms}
    new = {j.key for j in jobs if j.block in mechanisms} - old
    assert len(new) <= 900
    comparison = {(j.arm, j.replication): j.key for j in jobs if j.block == "comparison"}
    at_defaults = [
        j
        for j in jobs
        if (j.block == "regions" and dict(j.extra) == {"setting": "grid", "rate": 0.2, "wait": 8})
        or (j.block == "phasing" and dict(j.extra)["phase"] == 0)
        or (j.block == "off" and dict(j.extra)["setting"] == "default")
    ]
    assert at_defaults
    for j in at_defaults:
        assert j.key == comparison[(j.arm, j.replication)], j


def test_the_mechanisms_sections_refuse_what_they_cannot_run():
    base = {"validation": {"seed": 1}, "parameters": {"project_weeks": 50}}
    with pytest.raises(ValueError, match=r"\[phasing\] weeks has 52: expected at most"):
        from_dict(base, "c")  # the default phase-outs reach beyond a 50-week project
    ok = {**base, "phasing": {"weeks": [0, 20]}, "off": {"phase_out_weeks": 20}}
    from_dict(ok, "c")
    with pytest.raises(ValueError, match=r"\[off\] parameters has 'trust'"):
        from_dict({**ok, "off": {"parameters": ["trust"], "phase_out_weeks": 20}}, "c")
    with pytest.raises(ValueError, match=r"expectation_learning_rate=2"):
        from_dict({**ok, "regions": {"learning_rates": [0.1, 2]}}, "c")


def _problems(lags: list[float], seeds: list[int], horizon: int) -> pd.DataFrame:
    """Problems visible in week 101 and taken up ``lag`` weeks later (censored at the end when
    the lag reaches ``horizon``)."""
    rows = []
    for lag, seed in zip(lags, seeds, strict=True):
        taken = -1 if lag >= horizon else int(101 + lag)
        rows.append(
            {
                "visible_week": 101,
                "taken_up_week": taken,
                "solved_week": -1,
                "last_week": 100 + horizon,
                "seed": seed,
            }
        )
    return pd.DataFrame(rows)


def test_the_founding_lag_is_a_kaplan_meier_median_and_a_later_arm_is_found_later():
    """Known answer: in arm b every new problem is taken up after 2 weeks, in arm a after 12 or
    never (censored): a's median is 12, b's 2, the stratified log-rank test finds it, and the
    direction says a is later. Problems visible before the exit do not count."""
    seeds = [k % 6 for k in range(24)]
    a = _problems([12.0] * 16 + [50.0] * 8, seeds, 50)
    b = _problems([2.0] * 24, seeds, 50)
    early = a.assign(visible_week=20, taken_up_week=21)
    c = analysis.lag_contrast(pd.concat([a, early]), b, exit_week=100, horizon=50.0)
    assert c.a.problems == 24 and c.a.events == 16 and c.b.events == 24
    assert c.a.median == pytest.approx(12.0) and c.b.median == pytest.approx(2.0)
    assert c.median_diff == pytest.approx(10.0)
    assert c.p < 0.001 and c.direction() == 1
    # restricted mean of b: 2 weeks at survival 1, then 0
    assert c.b.rmst == pytest.approx(2.0)
    same = analysis.lag_contrast(b, b, exit_week=100, horizon=50.0)
    assert same.direction() == 0


def _prediction_results(shift: float, noise: float) -> analysis.Results:
    """Two strategies over 12 replications at week 5: b = a + ``shift`` + noise (paired)."""
    rng = np.random.default_rng(1)
    base = rng.normal(0.5, 0.1, 12)
    rows = [
        {"block": "comparison", "arm": arm, "week": 5, "replication": k, "helplessness": v}
        for arm, values in (("a", base), ("b", base + shift + rng.normal(0, noise, 12)))
        for k, v in enumerate(values)
    ]
    return analysis.Results(pd.DataFrame(rows))


@pytest.mark.parametrize(
    ("shift", "noise", "expected", "verdict"),
    [
        (-0.2, 0.01, "+", "held"),
        (0.2, 0.01, "+", "refuted"),
        (0.0, 0.01, "+", "not supported"),
        (0.0, 0.001, "0", "held"),
        (0.0, 0.2, "0", "refuted (interval wider than ±0.02)"),
        (-0.2, 0.01, "0", "refuted"),
        (-0.2, 0.01, "≤ 0", "refuted"),
        (0.2, 0.01, "≤ 0", "held"),
        (0.0, 0.2, "≥ 0", "held"),
    ],
)
def test_a_prediction_is_judged_by_the_pre_registered_rules(shift, noise, expected, verdict):
    """docs/predictions.md 0.1: a directional prediction holds when significant in its
    direction; a null holds only when not significant and its interval lies within ±0.02;
    ≤ 0 and ≥ 0 fall only to a significant difference of the other sign."""
    from quartiersim.validation.claims import Prediction

    p = Prediction("P0", "a", "b", "helplessness", 5, expected)
    (t,) = analysis.judge_predictions(_prediction_results(shift, noise), [p], ["a", "b"])
    assert t.verdict == verdict
