"""Statistics for comparing conditions: pure functions of arrays, no data frames, no state.

The one statistics module of the package: the report (:mod:`.report`) and the validation
(:mod:`quartiersim.validation`) both use it, so a paired comparison means the same everywhere.

- :class:`Estimate`, :func:`mean_ci` — a mean with its confidence interval (t-based, or BCa
  bootstrap from :data:`MIN_N_BCA` values on), or with a note saying why there is none;
- :func:`difference` — the mean difference of two arms, *paired* (common random numbers: element
  k of both arms ran on the same quarter) or *independent* (Welch);
- :func:`hedges_g`, :func:`effect_ci` — the standardised mean difference and its interval;
- :func:`difference_test` — paired t / Wilcoxon signed-rank, or Welch t / Mann–Whitney U;
- :class:`Comparison`, :func:`compare` — all of these for one pair of arms;
- :func:`holm` — Holm's step-down adjustment for a family of tests;
- :func:`mean_band` — the t band of the mean over time (figures).

Why these intervals (docs/researchers.md has the simulation behind the numbers): the t interval
of the mean covers about 95% from small samples on when the values are roughly normal (means
over hundreds of residents are), while percentile and BCa bootstrap intervals cover only 72–75%
at n = 3, 83% at n = 5 and 89–90% at n = 10, reaching 93% only at n = 30.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

LEVEL = 0.95
"""Confidence level of every interval unless stated otherwise."""

MIN_N = 5
"""Fewest values (or pairs) for which an interval is given. Below it the interval's coverage rests
entirely on normality that so few values cannot show (for a skewed share the t interval covers
83% at n = 3), and its width is mostly the t quantile's tail (t = 12.7, 4.3, 3.2 at n = 2, 3,
4): a number that looks like knowledge and is not. The report prints the mean and a note."""

MIN_N_BCA = 30
"""Fewest values for a BCa bootstrap interval; below it the t interval is used (with a note),
because the bootstrap undercovers in small samples (89% at n = 10; 93% at n = 30)."""

INTERVALS = ("t", "bca")
"""Interval methods: ``t`` (default) or ``bca`` (bias-corrected and accelerated bootstrap)."""

TESTS = ("t", "rank")
"""Tests: ``t`` — Welch's t-test (independent arms) or the paired t-test (paired arms);
``rank`` — the Mann–Whitney U test or the Wilcoxon signed-rank test."""

ArrayLike = Sequence[float] | np.ndarray
Bounds = tuple[float | None, float | None] | None


def _clean(x: ArrayLike) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    return a[np.isfinite(a)]


def _clip(lo: float, hi: float, bounds: Bounds) -> tuple[float, float]:
    if bounds is None:
        return lo, hi
    low, high = bounds
    if low is not None:
        lo, hi = max(lo, low), max(hi, low)
    if high is not None:
        lo, hi = min(lo, high), min(hi, high)
    return lo, hi


def _constant(x: np.ndarray) -> bool:
    # Spread below rounding noise counts as none: a t statistic from it would be noise.
    return len(x) == 0 or float(np.ptp(x)) <= 1e-12 * max(1.0, float(np.abs(x).max()))


# ---------------------------------------------------------------------------------------------
# Means and differences with intervals
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A mean (or mean difference) with its confidence interval over ``n`` values (or pairs).

    ``low``/``high`` are NaN when there is no interval; ``note`` then says why (too few values),
    or says how the interval was made when that differs from what was asked for.
    """

    mean: float
    low: float
    high: float
    n: int
    note: str = ""
    method: str = "t"

    @property
    def has_interval(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    def fmt(self, digits: int = 3) -> str:
        if not self.has_interval:
            return f"{self.mean:.{digits}f}"
        return f"{self.mean:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"

    @property
    def excludes_zero(self) -> bool:
        return self.has_interval and (self.low > 0 or self.high < 0)


def too_few(n: int, min_n: int = MIN_N) -> str:
    """The note for a sample too small for an interval."""
    return f"n = {n} < {min_n}: no interval (below {min_n} values its coverage cannot be trusted)"


def _t_interval(mean: float, se: float, df: float, level: float) -> tuple[float, float]:
    if se == 0.0:
        return mean, mean
    half = float(stats.t.ppf(0.5 + level / 2.0, df)) * se
    return mean - half, mean + half


def _bca(
    samples: tuple[np.ndarray, ...],
    statistic: Callable[..., np.ndarray],
    level: float,
    n_boot: int,
    seed: int,
) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate resamples: NaN bounds, handled below
        res = stats.bootstrap(
            samples,
            statistic,
            n_resamples=n_boot,
            confidence_level=level,
            method="BCa",
            rng=np.random.default_rng(seed),
            vectorized=True,
            axis=-1,
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _method_note(method: str, n: int, min_bca: int) -> tuple[str, str]:
    """The method actually used and the note that says so, when BCa was asked for."""
    if method == "bca" and n < min_bca:
        return "t", f"t interval: BCa needs n >= {min_bca}"
    return method, ""


def mean_ci(
    values: ArrayLike,
    *,
    level: float = LEVEL,
    method: str = "t",
    n_boot: int = 10_000,
    seed: int = 0,
    min_n: int = MIN_N,
    bounds: Bounds = None,
) -> Estimate:
    """Mean of ``values`` and its confidence interval: ``mean ± t(level, n-1) · sd/sqrt(n)``, or
    the BCa bootstrap interval (``method="bca"``, ``n_boot`` resamples, seeded) from
    :data:`MIN_N_BCA` values on. Below ``min_n`` values: no interval, a note. ``bounds``
    (low, high; either may be None) clips the interval to the range the quantity can take."""
    if method not in INTERVALS:
        raise ValueError(f"interval {method!r} is not allowed: expected one of {INTERVALS}")
    x = _clean(values)
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "no values")
    mean = float(x.mean())
    if n < min_n:
        return Estimate(mean, math.nan, math.nan, n, too_few(n, min_n))
    used, note = _method_note(method, n, MIN_N_BCA)
    if _constant(x):
        lo, hi = mean, mean
    elif used == "bca":
        lo, hi = _bca((x,), lambda a, axis: a.mean(axis=axis), level, n_boot, seed)
    else:
        lo, hi = _t_interval(mean, float(x.std(ddof=1)) / math.sqrt(n), n - 1, level)
    lo, hi = _clip(lo, hi, bounds)
    return Estimate(mean, lo, hi, n, note, used)


def difference(
    a: ArrayLike,
    b: ArrayLike,
    *,
    paired: bool,
    level: float = LEVEL,
    method: str = "t",
    n_boot: int = 10_000,
    seed: int = 0,
    min_n: int = MIN_N,
) -> Estimate:
    """``mean(a) - mean(b)`` with its confidence interval.

    Paired (``a[k]`` and ``b[k]`` ran on the same quarter): the interval of the mean of the
    per-pair differences — the quarter-to-quarter spread cancels. Independent: Welch's interval
    (unequal variances), or the two-sample BCa bootstrap. ``n`` is the number of pairs, or the
    smaller arm; below ``min_n``: no interval.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if paired:
        if x.shape != y.shape:
            raise ValueError(f"paired arms differ in length: {len(x)} and {len(y)}")
        keep = np.isfinite(x) & np.isfinite(y)
        return mean_ci(
            x[keep] - y[keep], level=level, method=method, n_boot=n_boot, seed=seed, min_n=min_n
        )
    x, y = _clean(x), _clean(y)
    n = min(len(x), len(y))
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "no values")
    diff = float(x.mean() - y.mean())
    if n < min_n:
        return Estimate(diff, math.nan, math.nan, n, too_few(n, min_n))
    used, note = _method_note(method, n, MIN_N_BCA)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    if va + vb == 0.0:
        return Estimate(diff, diff, diff, n, note, used)
    if used == "bca":
        lo, hi = _bca(
            (x, y),
            lambda p, q, axis: p.mean(axis=axis) - q.mean(axis=axis),
            level,
            n_boot,
            seed,
        )
    else:
        df = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
        lo, hi = _t_interval(diff, math.sqrt(va + vb), df, level)
    return Estimate(diff, lo, hi, n, note, used)


def welch(a: ArrayLike, b: ArrayLike, *, min_n: int = MIN_N) -> Estimate:
    """Difference of means ``a - b`` of two *independent* samples with Welch's interval."""
    return difference(a, b, paired=False, min_n=min_n)


# ---------------------------------------------------------------------------------------------
# Effect sizes
# ---------------------------------------------------------------------------------------------


def _pooled_sd(x: np.ndarray, y: np.ndarray) -> float:
    nx, ny = len(x), len(y)
    return math.sqrt(((nx - 1) * x.var(ddof=1) + (ny - 1) * y.var(ddof=1)) / (nx + ny - 2))


def hedges_g(a: ArrayLike, b: ArrayLike) -> float:
    """Hedges' g of ``a`` against ``b``: ``(mean(a) - mean(b)) / s_pooled · J`` with the
    small-sample correction ``J = 1 - 3 / (4 (n_a + n_b) - 9)``.

    The standardiser is the spread between quarters within an arm, in paired designs too, so
    that g reads the same in both: "how many quarter-to-quarter standard deviations apart".
    Positive when ``a`` is larger. Zero spread in both groups gives 0 for equal means and
    ±inf otherwise; fewer than two values in a group gives NaN.
    """
    x, y = _clean(a), _clean(b)
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return math.nan
    diff = float(x.mean() - y.mean())
    pooled = _pooled_sd(x, y)
    if pooled == 0.0:
        return 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
    return diff / pooled * (1.0 - 3.0 / (4.0 * (nx + ny) - 9.0))


def _noncentrality_interval(t_obs: float, df: float, level: float) -> tuple[float, float]:
    """The noncentrality parameters whose noncentral t distribution puts ``t_obs`` at the
    upper and lower tail quantiles: the exact interval for the noncentrality."""
    tail = (1.0 - level) / 2.0

    def solve(p: float) -> float:
        # cdf(t_obs; nc) falls as nc grows: walk away from t_obs in doubling steps until the
        # sign changes, then bisect. Where the distribution's numerics give out: no answer.
        def f(nc: float) -> float:
            return float(stats.nct.cdf(t_obs, df, nc)) - p

        direction = -1.0 if p > 0.5 else 1.0
        near, step = t_obs, 1.0
        f_near = f(near)
        for _ in range(40):
            far = near + direction * step
            f_far = f(far)
            if not (math.isfinite(f_far) and math.isfinite(f_near)):
                return math.nan
            if f_far * f_near <= 0:
                try:
                    return float(optimize.brentq(f, min(near, far), max(near, far), xtol=1e-8))
                except ValueError:  # the distribution's numerics give out inside the bracket
                    return math.nan
            near, f_near, step = far, f_far, step * 2.0
        return math.nan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return solve(1.0 - tail), solve(tail)


def effect_ci(
    a: ArrayLike, b: ArrayLike, *, paired: bool, level: float = LEVEL, min_n: int = MIN_N
) -> tuple[float, float, str]:
    """Confidence interval of the population standardised difference δ that g estimates, and a
    note when there is none.

    Independent arms: the exact interval (under normality) from the noncentral t distribution
    of the pooled two-sample t statistic (Hedges & Olkin 1985; Steiger & Fouladi 1997). Paired
    arms: the interval of the noncentrality of the paired t statistic, rescaled from the
    spread of the differences to the pooled spread (Algina & Keselman 2003).
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if paired:
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
    else:
        x, y = _clean(x), _clean(y)
    n = min(len(x), len(y))
    if n < min_n:
        return math.nan, math.nan, too_few(n, min_n)
    pooled = _pooled_sd(x, y)
    if pooled == 0.0:
        return math.nan, math.nan, "no spread within the arms: g is not finite"
    if paired:
        d = x - y
        sd_d = float(d.std(ddof=1))
        if sd_d == 0.0:
            return math.nan, math.nan, "every pair differs by the same amount: no interval"
        t_obs = float(d.mean()) / (sd_d / math.sqrt(n))
        lo, hi = _noncentrality_interval(t_obs, n - 1, level)
        scale = sd_d / (math.sqrt(n) * pooled)
    else:
        scale = math.sqrt(1.0 / len(x) + 1.0 / len(y))
        t_obs = float(x.mean() - y.mean()) / pooled / scale
        lo, hi = _noncentrality_interval(t_obs, len(x) + len(y) - 2, level)
    return lo * scale, hi * scale, ""


# ---------------------------------------------------------------------------------------------
# Tests and comparisons
# ---------------------------------------------------------------------------------------------


def difference_test(
    a: ArrayLike, b: ArrayLike, method: str = "t", *, paired: bool = False
) -> float:
    """Two-sided p-value for a difference between ``a`` and ``b``.

    ``t``: Welch's t-test, or the paired t-test on the per-pair differences; ``rank``: the
    Mann–Whitney U test, or the Wilcoxon signed-rank test. Samples without any spread are
    decided exactly (p = 1 for equal values, 0 otherwise), since the t statistic is undefined;
    fewer than two values (pairs) give NaN.
    """
    if method not in TESTS:
        raise ValueError(f"test {method!r} is not allowed: expected one of {', '.join(TESTS)}")
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if paired:
            keep = np.isfinite(x) & np.isfinite(y)
            d = x[keep] - y[keep]
            if len(d) < 2:
                return math.nan
            if _constant(d):
                return 1.0 if np.all(np.abs(d) <= 1e-12) else 0.0
            if method == "t":
                return float(stats.ttest_1samp(d, 0.0).pvalue)
            return float(stats.wilcoxon(d, zero_method="wilcox").pvalue)
        x, y = _clean(x), _clean(y)
        if len(x) < 2 or len(y) < 2:
            return math.nan
        if _constant(np.concatenate([x, y])):
            return 1.0
        if method == "t" and _constant(x) and _constant(y):
            return 0.0
        if method == "t":
            return float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        return float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)


@dataclass(frozen=True)
class Comparison:
    """Arm A against arm B: the mean difference with its interval, Hedges' g with its
    interval, a p-value, and whether the arms were paired."""

    diff: Estimate
    effect: float
    p: float
    paired: bool = True
    effect_low: float = math.nan
    effect_high: float = math.nan
    effect_note: str = ""

    def direction(self) -> int:
        """+1 if A is credibly larger, -1 if credibly smaller, 0 if the CI includes zero."""
        if not self.diff.excludes_zero:
            return 0
        return 1 if self.diff.mean > 0 else -1


def compare(
    a: ArrayLike,
    b: ArrayLike,
    *,
    paired: bool = True,
    test: str = "t",
    level: float = LEVEL,
    method: str = "t",
    n_boot: int = 10_000,
    seed: int = 0,
    min_n: int = MIN_N,
) -> Comparison:
    """Compare ``a`` with ``b``: paired by default (element k of both from the same seed: common
    random numbers), independent with ``paired=False``.

    Hedges' g uses the pooled standard deviation of the two arms in both designs; the interval
    of the difference and the p-value use the per-seed differences when paired.
    """
    diff = difference(
        a, b, paired=paired, level=level, method=method, n_boot=n_boot, seed=seed, min_n=min_n
    )
    p = difference_test(a, b, test, paired=paired)
    lo, hi, note = effect_ci(a, b, paired=paired, level=level, min_n=min_n)
    return Comparison(diff, float(hedges_g(a, b)), p, paired, lo, hi, note)


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


# ---------------------------------------------------------------------------------------------
# Bands over time
# ---------------------------------------------------------------------------------------------


def mean_band(
    values: np.ndarray, *, level: float = LEVEL, min_n: int = MIN_N, bounds: Bounds = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise mean of ``values`` (runs × time) and its t-based confidence band
    ``mean ± t(level, n-1) · sd / sqrt(n)``, clipped to ``bounds``. Columns with fewer than
    ``min_n`` runs get no band (NaN)."""
    v = np.asarray(values, dtype=float)
    n = np.sum(np.isfinite(v), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(v, axis=0)
        sd = np.nanstd(v, axis=0, ddof=1) if v.shape[0] > 1 else np.zeros(v.shape[1])
        half = stats.t.ppf(0.5 + level / 2.0, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= max(min_n, 2), half, np.nan)
    lo, hi = mean - half, mean + half
    if bounds is not None:
        low, high = bounds
        lo = np.clip(lo, low, high)
        hi = np.clip(hi, low, high)
    return mean, lo, hi
