"""The validation's statistics: intervals, paired differences and effect sizes from the
toolkit's one statistics module (:mod:`quartiersim.experiments.stats`), plus what only the
validation needs — exact binomial intervals and the logistic fit of a growth curve.

All intervals are two-sided 95% unless stated. Replications of different arms that share a seed
are *paired* (common random numbers: the same quarter, the same residents, the same burn-in), so
differences between arms use the per-seed differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from quartiersim.experiments import stats as toolkit
from quartiersim.experiments.stats import LEVEL, Comparison, Estimate, hedges_g, holm

__all__ = [
    "Comparison",
    "Estimate",
    "GrowthFit",
    "binomial_ci",
    "compare",
    "fit_growth",
    "hedges_g",
    "holm",
    "logistic",
    "mean_ci",
    "welch",
]

MIN_N = 2
"""Fewest replications for an interval in the validation report. Lower than the toolkit's
:data:`quartiersim.experiments.stats.MIN_N` so that the published verdicts keep their meaning;
the validation's arms have 10-30 replications except the robustness check (3 per point)."""


def mean_ci(values: np.ndarray) -> Estimate:
    """Mean and t-based 95% confidence interval (no interval below :data:`MIN_N` values)."""
    return toolkit.mean_ci(values, min_n=MIN_N)


def compare(a: np.ndarray, b: np.ndarray) -> Comparison:
    """Paired comparison of ``a`` and ``b`` (same length, element k from the same seed): the
    per-seed differences give the interval and the paired t-test; Hedges' g uses the pooled
    standard deviation of the two arms ("how many quarter-to-quarter standard deviations")."""
    return toolkit.compare(a, b, paired=True, min_n=MIN_N)


def welch(a: np.ndarray, b: np.ndarray) -> Estimate:
    """Difference of means ``a - b`` of two *independent* samples with Welch's 95% interval."""
    return toolkit.welch(a, b, min_n=MIN_N)


def binomial_ci(successes: int, trials: int) -> tuple[float, float]:
    """Exact (Clopper–Pearson) 95% interval of a proportion."""
    if trials == 0:
        return float("nan"), float("nan")
    ci = stats.binomtest(int(successes), int(trials)).proportion_ci(LEVEL, method="exact")
    return float(ci.low), float(ci.high)


@dataclass(frozen=True)
class GrowthFit:
    """How a growth curve y(t) is described by three shapes (least squares).

    ``logistic``: base + K / (1 + exp(-r (t - t0))) — the S: slow start, take-off, saturation.
    ``saturating``: base + K (1 - exp(-r t)) — fast from the start, then saturation (no slow
    start). ``linear``: a + b t. AIC compares them (lower is better; a difference above 2 is a
    clear preference). ``t0`` is the logistic inflection, the week of fastest growth.
    """

    t0: float
    rate: float
    base: float
    height: float
    r2: float
    aic: dict[str, float]
    predicted: np.ndarray

    @property
    def best(self) -> str:
        return min(self.aic, key=lambda k: self.aic[k])

    @property
    def s_shaped(self) -> bool:
        """Logistic clearly best, with the inflection inside the window (a visible slow start
        before it and saturation after it)."""
        others = [v for k, v in self.aic.items() if k != "logistic"]
        n = len(self.predicted)
        return bool(
            self.aic["logistic"] + 2.0 <= min(others) and 1.0 <= self.t0 <= n - 2 and self.rate > 0
        )


def _aic(residuals: np.ndarray, k: int) -> float:
    n = len(residuals)
    rss = max(float((residuals**2).sum()), 1e-12)
    return n * np.log(rss / n) + 2 * k


def logistic(t: np.ndarray, base: float, height: float, rate: float, t0: float) -> np.ndarray:
    return base + height / (1.0 + np.exp(-np.clip(rate * (t - t0), -60, 60)))


def fit_growth(y: np.ndarray) -> GrowthFit:
    """Fit the three shapes of :class:`GrowthFit` to ``y`` observed at t = 0, 1, 2, ..."""
    y = np.asarray(y, dtype=float)
    t = np.arange(len(y), dtype=float)
    lo, hi = float(y.min()), float(y.max())
    span = max(hi - lo, 1e-9)
    best_log: tuple[float, np.ndarray] | None = None
    for t0_guess in np.linspace(0, len(y) - 1, 7):  # several starts: least squares is local
        for rate_guess in (0.3, 1.0, 3.0):
            try:
                params, _ = optimize.curve_fit(
                    logistic,
                    t,
                    y,
                    p0=[lo, span, rate_guess, t0_guess],
                    bounds=([lo - span, 0, 1e-3, -len(y)], [hi, 3 * span, 20.0, 2 * len(y)]),
                    maxfev=5000,
                )
            except (RuntimeError, ValueError):
                continue
            rss = float(((logistic(t, *params) - y) ** 2).sum())
            if best_log is None or rss < best_log[0]:
                best_log = (rss, params)
    params = np.array([lo, 0.0, 0.001, 0.0]) if best_log is None else best_log[1]
    pred = logistic(t, *params)

    def saturating(t: np.ndarray, base: float, height: float, rate: float) -> np.ndarray:
        return base + height * (1.0 - np.exp(-rate * t))

    try:
        sat, _ = optimize.curve_fit(
            saturating,
            t,
            y,
            p0=[lo, span, 0.2],
            bounds=([lo - span, 0, 1e-4], [hi, 3 * span, 20]),
            maxfev=5000,
        )
        sat_res = saturating(t, *sat) - y
    except (RuntimeError, ValueError):
        sat_res = y - y.mean()
    lin = np.polyfit(t, y, 1)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(((pred - y) ** 2).sum()) / ss_tot if ss_tot > 0 else 1.0
    return GrowthFit(
        t0=float(params[3]),
        rate=float(params[2]),
        base=float(params[0]),
        height=float(params[1]),
        r2=r2,
        aic={
            "logistic": _aic(pred - y, 4),
            "saturating": _aic(sat_res, 3),
            "linear": _aic(np.polyval(lin, t) - y, 2),
        },
        predicted=pred,
    )
