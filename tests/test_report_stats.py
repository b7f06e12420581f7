"""The report's statistics on data with known answers."""

import math

import numpy as np
import pytest
from scipy import stats as sps

from quartiersim.experiments import stats


def test_hedges_g_on_a_hand_computed_example():
    """[4, 5, 6] vs [1, 2, 3]: mean difference 3, pooled sd 1, correction J = 1 - 3/15 = 0.8,
    so g = 2.4; swapping the groups flips the sign."""
    assert stats.hedges_g([4, 5, 6], [1, 2, 3]) == pytest.approx(2.4)
    assert stats.hedges_g([1, 2, 3], [4, 5, 6]) == pytest.approx(-2.4)


def test_hedges_g_recovers_a_known_standardised_difference():
    """Two large normal samples whose means differ by half a standard deviation: g ≈ 0.5."""
    rng = np.random.default_rng(1)
    a = rng.normal(10.5, 2.0, 4000)
    b = rng.normal(10.0, 2.0, 4000)
    assert stats.hedges_g(a, b) == pytest.approx(0.25, abs=0.05)
    a = rng.normal(1.0, 2.0, 4000)
    b = rng.normal(0.0, 2.0, 4000)
    assert stats.hedges_g(a, b) == pytest.approx(0.5, abs=0.05)


def test_hedges_g_without_spread():
    assert stats.hedges_g([1, 1, 1], [1, 1, 1]) == 0.0
    assert stats.hedges_g([2, 2, 2], [1, 1, 1]) == math.inf
    assert math.isnan(stats.hedges_g([1], [1, 2]))


def test_welch_test_on_a_hand_computed_example():
    """[1, 2, 3] vs [4, 5, 6]: t = -3 / sqrt(1/3 + 1/3) = -3.674 with 4 degrees of freedom,
    two-sided p = 0.0213 (t-table)."""
    assert stats.difference_test([1, 2, 3], [4, 5, 6], "t") == pytest.approx(0.0213, abs=1e-4)


def test_mann_whitney_on_a_fully_separated_example():
    """Three values all below three others: U = 0, exact two-sided p = 2 / C(6, 3) = 0.1."""
    assert stats.difference_test([1, 2, 3], [4, 5, 6], "rank") == pytest.approx(0.1)


@pytest.mark.parametrize("method", stats.TESTS)
def test_tests_detect_a_real_difference(method):
    rng = np.random.default_rng(2)
    a, b = rng.normal(0.0, 1.0, 500), rng.normal(0.5, 1.0, 500)
    assert stats.difference_test(a, b, method) < 1e-6


def test_welch_test_keeps_its_false_positive_rate_without_a_difference():
    """Under the null hypothesis (same distribution, unequal n) about 5% of p-values fall below
    0.05."""
    rng = np.random.default_rng(3)
    p = [stats.difference_test(rng.normal(0, 1, 12), rng.normal(0, 3, 25)) for _ in range(1000)]
    assert 0.03 < np.mean(np.array(p) < 0.05) < 0.07


def test_samples_without_spread_are_decided_exactly():
    assert stats.difference_test([0.2, 0.2, 0.2], [0.2, 0.2, 0.2]) == 1.0
    assert stats.difference_test([0.2, 0.2, 0.2], [0.3, 0.3, 0.3]) == 0.0
    assert math.isnan(stats.difference_test([1.0], [1.0, 2.0]))
    with pytest.raises(ValueError, match="one of"):
        stats.difference_test([1, 2], [3, 4], "chi2")


def test_bca_interval_matches_the_normal_theory_width_for_a_large_sample():
    """For n = 2000 the BCa bootstrap interval is close to mean ± 1.96 sd/sqrt(n)."""
    x = np.random.default_rng(5).normal(0.0, 1.0, 2000)
    est = stats.mean_ci(x, method="bca", n_boot=4000, seed=1)
    half = 1.96 * x.std(ddof=1) / math.sqrt(len(x))
    assert est.method == "bca" and not est.note
    assert est.low == pytest.approx(x.mean() - half, abs=0.01)
    assert est.high == pytest.approx(x.mean() + half, abs=0.01)


def test_bca_is_seeded_and_falls_back_to_t_in_small_samples_with_a_note():
    """Below MIN_N_BCA values the bootstrap undercovers: the t interval is given, and says so."""
    x = np.random.default_rng(8).normal(0.3, 0.1, 40)
    assert stats.mean_ci(x, method="bca", seed=7) == stats.mean_ci(x, method="bca", seed=7)
    small = stats.mean_ci(x[:12], method="bca")
    assert small.method == "t" and "BCa needs n >= 30" in small.note
    assert (small.low, small.high) == (
        stats.mean_ci(x[:12]).low,
        stats.mean_ci(x[:12]).high,
    )


def test_below_the_minimum_n_there_is_no_interval_but_a_note():
    """n = 1 used to print a zero-width "95% CI"; now fewer than MIN_N values give the mean, no
    interval, and a note that says why."""
    for n in range(1, stats.MIN_N):
        est = stats.mean_ci(np.arange(n, dtype=float))
        assert not est.has_interval and math.isnan(est.low) and math.isnan(est.high)
        assert f"n = {n} < {stats.MIN_N}" in est.note
    assert stats.mean_ci(np.arange(float(stats.MIN_N))).has_interval
    assert stats.mean_ci([0.3] * 6).fmt() == "0.300 [0.300, 0.300]"
    assert stats.mean_ci([]).n == 0
    lo, hi, note = stats.effect_ci([1, 2, 3], [2, 3, 4], paired=True)
    assert math.isnan(lo) and math.isnan(hi) and "n = 3 < 5" in note


def test_intervals_are_clipped_to_the_range_of_the_measure():
    """A share near 0 cannot have a negative lower bound: the interval stops at the range."""
    x = [0.0, 0.0, 0.01, 0.0, 0.2, 0.0]
    raw = stats.mean_ci(x)
    clipped = stats.mean_ci(x, bounds=(0.0, 1.0))
    assert raw.low < 0 and clipped.low == 0.0 and clipped.high == raw.high
    _, lo, _ = stats.mean_band(np.array([x, x]).T, bounds=(0.0, 1.0))
    assert np.all(lo[np.isfinite(lo)] >= 0.0)


# Coverage with a known truth. Each check draws R data sets of n = 10 from a normal distribution
# (the values a quarter's measures take over seeds are means over hundreds of residents) and
# counts how often the interval contains the true value. With R = 2000 and true coverage 0.95
# the observed share has a standard error of sqrt(0.95 · 0.05 / 2000) = 0.0049: the lower limit
# 0.93 lies 4 standard errors below 0.95 (a correct interval fails with probability < 1e-4), and
# an interval that covers 91.5% — the normal (z) interval at n = 10, or the percentile/BCa
# bootstrap (about 90%) — lies 3 standard errors below the limit and fails with probability
# 0.999. The upper limit 0.97 (4 standard errors above) catches intervals that are too wide.
R, N = 2000, 10


def coverage(low: np.ndarray, high: np.ndarray, truth: float) -> float:
    return float(np.mean((low <= truth) & (truth <= high)))


def test_the_t_interval_covers_the_true_mean_at_n_10():
    rng = np.random.default_rng(11)
    data = rng.normal(0.3, 0.1, (R, N))
    est = [stats.mean_ci(x) for x in data]
    share = coverage(np.array([e.low for e in est]), np.array([e.high for e in est]), 0.3)
    assert 0.93 <= share <= 0.97, share


def test_the_coverage_check_fails_a_too_narrow_interval():
    """The same data with the normal quantile 1.96 instead of t(0.975, 9) = 2.26 (a classic
    small-sample error): the check above would reject it."""
    rng = np.random.default_rng(11)
    data = rng.normal(0.3, 0.1, (R, N))
    half = 1.96 * data.std(axis=1, ddof=1) / math.sqrt(N)
    share = coverage(data.mean(axis=1) - half, data.mean(axis=1) + half, 0.3)
    assert share < 0.93, share


def test_the_paired_difference_interval_covers_the_true_effect_at_n_10():
    """Pairs from the same quarter (correlation 0.8 between arms, true difference 0.05): the
    interval of the per-seed differences covers 0.05 as often as promised, and is much narrower
    than Welch's interval that ignores the pairing."""
    rng = np.random.default_rng(12)
    quarter = rng.normal(0.3, 0.1, (R, N))
    noise = 0.1 * math.sqrt(1 - 0.8**2)
    a = 0.8 * quarter + 0.2 * 0.3 + 0.05 + rng.normal(0, noise, (R, N))
    b = 0.8 * quarter + 0.2 * 0.3 + rng.normal(0, noise, (R, N))
    paired = [stats.difference(x, y, paired=True) for x, y in zip(a, b, strict=True)]
    share = coverage(np.array([e.low for e in paired]), np.array([e.high for e in paired]), 0.05)
    assert 0.93 <= share <= 0.97, share
    independent = [
        stats.difference(x, y, paired=False) for x, y in zip(a[:200], b[:200], strict=True)
    ]
    width = np.mean([e.high - e.low for e in paired[:200]])
    assert width < 0.75 * np.mean([e.high - e.low for e in independent])


@pytest.mark.parametrize("paired", [False, True])
def test_the_interval_of_g_covers_the_true_standardised_difference(paired):
    """δ = 0.8 at n = 10 (paired arms correlated 0.7): the noncentral-t interval covers δ in about
    95% of 600 data sets (standard error 0.009: limits 0.92 and 0.98 are 3 standard errors
    away)."""
    rng = np.random.default_rng(13)
    hits = 0
    for _ in range(600):
        if paired:
            z = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.7], [0.7, 1.0]], N)
            a, b = z[:, 0] + 0.8, z[:, 1]
        else:
            a, b = rng.normal(0.8, 1.0, N), rng.normal(0.0, 1.0, N)
        lo, hi, _ = stats.effect_ci(a, b, paired=paired)
        hits += lo <= 0.8 <= hi
    assert 0.92 <= hits / 600 <= 0.98


def test_paired_tests_use_the_per_seed_differences():
    """Quarters that differ a lot from seed to seed, and a small, steady gain of the same seed's
    quarter: the paired t-test finds it (it is the t-test of the differences); Welch's test,
    blind to the pairing, does not."""
    quarters = np.array([0.1, 0.5, 0.3, 0.8, 0.2, 0.6, 0.4, 0.7])
    gain = 0.02 + np.array([0.001, -0.002, 0.0, 0.002, -0.001, 0.001, 0.0, -0.001])
    a, b = quarters + gain, quarters
    p_paired = stats.difference_test(a, b, "t", paired=True)
    assert p_paired == pytest.approx(sps.ttest_rel(a, b).pvalue)
    assert p_paired < 1e-6
    assert stats.difference_test(a, b, "t", paired=False) > 0.5
    assert stats.difference_test(a, b, "rank", paired=True) == pytest.approx(
        sps.wilcoxon(a - b).pvalue
    )
    c = stats.compare(a, b, paired=True)
    assert c.paired and c.diff.mean == pytest.approx(gain.mean()) and c.diff.low > 0
    assert c.effect == pytest.approx(stats.hedges_g(a, b))
    assert c.effect_low > 0


def test_holm_on_known_p_values():
    """Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; the running
    maximum makes the last 0.06; results go back to the input order."""
    adjusted = stats.holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_skips_nans():
    adjusted = stats.holm([0.5, np.nan, 0.6])
    assert adjusted[0] == 1.0 and adjusted[2] == 1.0 and math.isnan(adjusted[1])
    np.testing.assert_allclose(stats.holm([0.01, np.nan]), [0.01, np.nan])


def test_holm_controls_the_family_wise_error_rate():
    """Ten true null hypotheses, many times: the chance of any rejection at 0.05 stays at or
    below about 5% (uncorrected it would be about 40%)."""
    rng = np.random.default_rng(6)
    p = rng.uniform(size=(4000, 10))
    any_rejected = np.array([(stats.holm(row) < 0.05).any() for row in p])
    assert any_rejected.mean() < 0.06
    assert (p < 0.05).any(axis=1).mean() > 0.35


def test_mean_band_is_the_t_interval_of_each_column():
    values = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0], [4.0, 10.0], [5.0, 10.0]])
    mean, lo, hi = stats.mean_band(values)
    half = sps.t.ppf(0.975, 4) * math.sqrt(2.5) / math.sqrt(5)
    np.testing.assert_allclose(mean, [3.0, 10.0])
    np.testing.assert_allclose(lo, [3.0 - half, 10.0])
    np.testing.assert_allclose(hi, [3.0 + half, 10.0])


def test_mean_band_has_no_band_below_the_minimum_n():
    mean, lo, hi = stats.mean_band(np.array([[4.0, 5.0], [5.0, 6.0]]))
    np.testing.assert_allclose(mean, [4.5, 5.5])
    assert np.isnan(lo).all() and np.isnan(hi).all()
