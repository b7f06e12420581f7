"""Statistics for comparing conditions: pure functions of arrays, no data frames, no state.

- :func:`bootstrap_ci` — percentile bootstrap confidence interval of the mean;
- :func:`mean_band` — mean and t-based confidence band of the mean (for time series);
- :func:`hedges_g` — standardised mean difference with the small-sample correction;
- :func:`difference_test` — Welch's t-test or the Mann–Whitney U test (two-sided);
- :func:`holm` — Holm's step-down adjustment of p-values for multiple comparisons.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats

TESTS = ("welch", "mann-whitney")

ArrayLike = Sequence[float] | np.ndarray


def _clean(x: ArrayLike) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    return a[np.isfinite(a)]


def bootstrap_ci(
    x: ArrayLike,
    *,
    level: float = 0.95,
    n_boot: int = 10_000,
    seed: int | np.random.Generator | None = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval for the mean of ``x``: resample ``x`` with replacement
    ``n_boot`` times and take the central ``level`` share of the resampled means.

    Seeded (``seed``) so that a report is reproducible. One value gives a zero-width interval,
    no values gives NaNs.
    """
    a = _clean(x)
    n = len(a)
    if n == 0:
        return (math.nan, math.nan)
    if n == 1 or np.all(a == a[0]):
        return (float(a[0]), float(a[0]))
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    chunk = max(1, 2_000_000 // n)  # bounds memory for large samples
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = a[idx].mean(axis=1)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(means, [tail, 1.0 - tail])
    return (float(lo), float(hi))


def mean_band(
    values: np.ndarray, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise mean of ``values`` (runs × time) and its t-based confidence band
    ``mean ± t(level, n-1) · sd / sqrt(n)``. Columns with one run get a zero-width band."""
    v = np.asarray(values, dtype=float)
    n = np.sum(np.isfinite(v), axis=0)
    mean = np.nanmean(v, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.nanstd(v, axis=0, ddof=1) if v.shape[0] > 1 else np.zeros(v.shape[1])
        half = stats.t.ppf(0.5 + level / 2.0, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n > 1, half, 0.0)
    return mean, mean - half, mean + half


def hedges_g(a: ArrayLike, b: ArrayLike) -> float:
    """Hedges' g of ``a`` against ``b``: ``(mean(a) - mean(b)) / s_pooled · J`` with the
    small-sample correction ``J = 1 - 3 / (4 (n_a + n_b) - 9)``.

    Positive when ``a`` is larger. Zero spread in both groups gives 0 for equal means and
    ±inf otherwise; fewer than two values in a group gives NaN.
    """
    x, y = _clean(a), _clean(b)
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return math.nan
    diff = float(x.mean() - y.mean())
    pooled = math.sqrt(((nx - 1) * x.var(ddof=1) + (ny - 1) * y.var(ddof=1)) / (nx + ny - 2))
    if pooled == 0.0:
        return 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
    return diff / pooled * (1.0 - 3.0 / (4.0 * (nx + ny) - 9.0))


def _constant(x: np.ndarray) -> bool:
    # Spread below rounding noise counts as none: a t statistic from it would be noise.
    return float(np.ptp(x)) <= 1e-12 * max(1.0, float(np.abs(x).max()))


def difference_test(a: ArrayLike, b: ArrayLike, method: str = "welch") -> float:
    """Two-sided p-value for a difference between ``a`` and ``b``: Welch's t-test (unequal
    variances) or the Mann–Whitney U test. For Welch, two samples without any spread are
    decided exactly (p = 1 for equal values, 0 otherwise), since the t statistic is undefined;
    fewer than two values give NaN."""
    if method not in TESTS:
        raise ValueError(f"test {method!r} is not allowed: expected one of {', '.join(TESTS)}")
    x, y = _clean(a), _clean(b)
    if len(x) < 2 or len(y) < 2:
        return math.nan
    if _constant(np.concatenate([x, y])):
        return 1.0
    if method == "welch" and _constant(x) and _constant(y):
        return 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "welch":
            return float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        return float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)


def holm(pvalues: ArrayLike) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error control).

    With the m p-values sorted ascending, the k-th (from 0) is multiplied by ``m - k``; the
    running maximum keeps the order, and values are capped at 1. NaNs stay NaN and do not count
    towards m. Rejecting where the adjusted value is below alpha controls the family-wise error
    rate at alpha.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adjusted = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    out[order] = np.minimum(adjusted, 1.0)
    return out
