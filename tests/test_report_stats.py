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
    assert stats.difference_test([1, 2, 3], [4, 5, 6], "welch") == pytest.approx(0.0213, abs=1e-4)


def test_mann_whitney_on_a_fully_separated_example():
    """Three values all below three others: U = 0, exact two-sided p = 2 / C(6, 3) = 0.1."""
    assert stats.difference_test([1, 2, 3], [4, 5, 6], "mann-whitney") == pytest.approx(0.1)


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


def test_bootstrap_interval_covers_the_true_mean_about_95_percent_of_the_time():
    """500 samples of 40 from N(3, 2): the percentile bootstrap interval contains 3 in about
    95% of them (a little less at this n is expected from the percentile method)."""
    rng = np.random.default_rng(4)
    hits = 0
    for i in range(500):
        lo, hi = stats.bootstrap_ci(rng.normal(3.0, 2.0, 40), n_boot=2000, seed=i)
        hits += lo <= 3.0 <= hi
    assert 0.90 <= hits / 500 <= 0.98


def test_bootstrap_interval_matches_the_normal_theory_width_for_a_large_sample():
    """For n = 2000 the interval is close to mean ± 1.96 sd/sqrt(n)."""
    x = np.random.default_rng(5).normal(0.0, 1.0, 2000)
    lo, hi = stats.bootstrap_ci(x, n_boot=4000, seed=1)
    half = 1.96 * x.std(ddof=1) / math.sqrt(len(x))
    assert lo == pytest.approx(x.mean() - half, abs=0.01)
    assert hi == pytest.approx(x.mean() + half, abs=0.01)


def test_bootstrap_is_seeded_and_handles_degenerate_samples():
    x = [0.1, 0.4, 0.35, 0.2, 0.5]
    assert stats.bootstrap_ci(x, seed=7) == stats.bootstrap_ci(x, seed=7)
    assert stats.bootstrap_ci([0.3, 0.3, 0.3]) == (0.3, 0.3)
    assert stats.bootstrap_ci([0.3]) == (0.3, 0.3)
    assert all(math.isnan(v) for v in stats.bootstrap_ci([]))


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
    values = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0]])
    mean, lo, hi = stats.mean_band(values)
    half = sps.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    np.testing.assert_allclose(mean, [2.0, 10.0])
    np.testing.assert_allclose(lo, [2.0 - half, 10.0])
    np.testing.assert_allclose(hi, [2.0 + half, 10.0])
    mean, lo, hi = stats.mean_band(np.array([[4.0, 5.0]]))
    np.testing.assert_allclose([mean, lo, hi], [[4.0, 5.0]] * 3)
