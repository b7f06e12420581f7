"""From the runs to numbers and verdicts: estimates with intervals, paired comparisons, the
verdict on every claim, and the tables of the report before they become text.

Nothing here writes text or figures (that is :mod:`~quartiersim.validation.report`). Arms are
compared seed by seed (common random numbers, :mod:`~quartiersim.validation.runs`); a verdict
needs a Holm-adjusted p-value below :data:`ALPHA`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats as sps

from quartiersim import ROLES
from quartiersim.validation.claims import CALIBRATION, OUTCOMES, CalibrationTarget, Claim
from quartiersim.validation.config import ValidationConfig
from quartiersim.validation.known import Cascade, TakeOff
from quartiersim.validation.stats import (
    Comparison,
    Estimate,
    GrowthFit,
    compare,
    fit_growth,
    holm,
    mean_ci,
    welch,
)

ALPHA = 0.05
"""Significance level of every verdict, after Holm's correction within a table."""


class Results:
    """The long table of all runs, with the look-ups the analysis needs."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self._index = table.set_index(["block", "arm", "week"]).sort_index()

    def series(self, block: str, arm: str, week: int, measure: str, **labels: Any) -> pd.Series:
        """``measure`` at ``week`` for every replication of an arm (index: replication)."""
        # pandas-stubs cannot type a MultiIndex lookup by a tuple (pandas returns the frame)
        rows = cast(pd.DataFrame, self._index.loc[(block, arm, week)])  # type: ignore[index]
        for k, v in labels.items():
            rows = rows[rows[k] == v]
        return rows.set_index("replication")[measure].sort_index()

    def band(self, block: str, arm: str, measure: str) -> pd.DataFrame:
        """Mean and 95% CI of ``measure`` per week over the replications of an arm."""
        rows = cast(pd.DataFrame, self._index.loc[(block, arm)])  # a frame, as above
        wide = rows.reset_index().pivot(index="week", columns="replication", values=measure)
        out = [mean_ci(wide.loc[w].to_numpy()) for w in wide.index]
        return pd.DataFrame(
            {
                "mean": [e.mean for e in out],
                "low": [e.low for e in out],
                "high": [e.high for e in out],
            },
            index=wide.index,
        )

    def mean(self, arm: str, week: int, measure: str) -> float:
        """Mean of ``measure`` at ``week`` over the replications of a strategy comparison arm."""
        return self.series("comparison", arm, week, measure).mean()


def paired(a: pd.Series, b: pd.Series) -> Comparison:
    """``a`` minus ``b`` over the replications both have (paired by seed)."""
    common = a.index.intersection(b.index)
    return compare(a.loc[common].to_numpy(), b.loc[common].to_numpy())


def estimates(res: Results, strategies: list[str], week: int, measure: str) -> dict[str, Estimate]:
    """Mean [95% CI] of ``measure`` at ``week`` for each strategy of the comparison."""
    return {s: mean_ci(res.series("comparison", s, week, measure).to_numpy()) for s in strategies}


def estimates_frame(est: dict[str, Estimate]) -> pd.DataFrame:
    """Estimates as a table (rows: their keys; columns: mean, low, high) for a figure."""
    return pd.DataFrame(
        {
            "mean": [e.mean for e in est.values()],
            "low": [e.low for e in est.values()],
            "high": [e.high for e in est.values()],
        },
        index=list(est),
    )


# -- section 1: known results ---------------------------------------------------------------------
def granovetter_exact(cascades: dict[str, Cascade]) -> bool:
    """Granovetter's (1978) example exactly: all 100 join; after one change, one."""
    return cascades["uniform"].final == 100 and cascades["perturbed"].final == 1


@dataclass(frozen=True)
class TakeOffSummary:
    """How many of the strongest take-offs are S-shaped, and how steep those are."""

    s_shaped: int
    median_rate: float | None
    """Median logistic growth rate per week of the S-shaped take-offs (None: there are none)."""


def take_off_summary(takes: list[TakeOff]) -> TakeOffSummary:
    rates = [t.fit.rate for t in takes if t.fit is not None and t.fit.s_shaped]
    return TakeOffSummary(len(rates), float(np.median(rates)) if rates else None)


def participation_band(res: Results, cfg: ValidationConfig) -> pd.DataFrame | None:
    """The quarter's participation under empowerment in the first weeks (mean, CI and, with
    enough weeks, the fitted growth curve as column ``fit``)."""
    if "empowerment" not in cfg.strategies:
        return None
    band = res.band("comparison", "empowerment", "participation")
    band = band.loc[: min(cfg.s_curve_weeks, cfg.during_week)]
    if len(band) >= 8:
        band["fit"] = fit_growth(band["mean"].to_numpy()).predicted
    return band


def quarter_growth(band: pd.DataFrame | None) -> GrowthFit | None:
    """The growth curve fitted to the quarter's participation (None: too few weeks)."""
    if band is None or "fit" not in band:
        return None
    return fit_growth(band["mean"].to_numpy())


def with_share(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the share of bonding ties among all ties."""
    total = frame["bonding_ties"] + frame["bridging_ties"]
    return frame.assign(bonding_share=frame["bonding_ties"] / total.where(total > 0))


def neal_series(res: Results, level: float, week: int, measure: str) -> pd.Series:
    """``measure`` (tie counts or the bonding share) of the untouched quarters at segregation
    ``level`` (index: replication)."""
    # pandas-stubs cannot type a MultiIndex lookup by a tuple (pandas returns the frame)
    rows = cast(pd.DataFrame, res._index.loc[("neal", "none", week)])  # type: ignore[index]
    rows = with_share(rows[rows["segregation"] == level])
    return rows.set_index("replication")[measure].sort_index()


def neal_rows(res: Results, cfg: ValidationConfig) -> dict[tuple[float, int], dict[str, Estimate]]:
    """Bonding ties, bridging ties and the bonding share per segregation level and week."""
    out = {}
    for level in cfg.known_segregation_levels:
        for week in (0, cfg.after_week):
            out[(level, week)] = {
                m: mean_ci(neal_series(res, level, week, m).to_numpy())
                for m in ("bonding_ties", "bridging_ties", "bonding_share")
            }
    return out


def neal_summary(res: Results, cfg: ValidationConfig) -> pd.DataFrame:
    """The week-0 rows of :func:`neal_rows` as one table for the figure."""
    rows = {}
    for (level, week), row in neal_rows(res, cfg).items():
        if week == 0:
            rows[level] = {
                (m, s): getattr(e, s) for m, e in row.items() for s in ("mean", "low", "high")
            }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class SegregationTies:
    """Neal (2015): from the lowest to the highest segregation, the change of the bonding
    share and of the number of bridging ties (paired by seed, after the burn-in year)."""

    low: float
    high: float
    bonding_share: Comparison
    bridging_ties: Comparison

    @property
    def verdict(self) -> str:
        """``reproduced`` (more bonding, fewer bridges), ``opposite`` or ``not shown``."""
        bond, bridge = self.bonding_share.direction(), self.bridging_ties.direction()
        if bond == 1 and bridge == -1:
            return "reproduced"
        if bond == -1 or bridge == 1:
            return "opposite"
        return "not shown"


def segregation_ties(res: Results, cfg: ValidationConfig) -> SegregationTies:
    lo, hi = min(cfg.known_segregation_levels), max(cfg.known_segregation_levels)
    bond = paired(*(neal_series(res, s, 0, "bonding_share") for s in (hi, lo)))
    bridge = paired(*(neal_series(res, s, 0, "bridging_ties") for s in (hi, lo)))
    return SegregationTies(lo, hi, bond, bridge)


# -- section 2: calibration -----------------------------------------------------------------------
@dataclass(frozen=True)
class Calibrated:
    """A calibration target and where the quarter without intervention sits."""

    target: CalibrationTarget
    start: Estimate
    """At week 0, after the burn-in year."""
    over: Estimate
    """Each run's mean over weeks 1..steps; the interval is over runs."""

    @property
    def verdict(self) -> str:
        """``in band``, ``below`` or ``above``."""
        lo, hi = self.target.band
        if lo <= self.over.mean <= hi:
            return "in band"
        return "below" if self.over.mean < lo else "above"


def calibration(res: Results) -> list[Calibrated]:
    """Every target of :data:`~quartiersim.validation.claims.CALIBRATION`, measured on the
    comparison's ``none`` arm."""
    table = res.table[(res.table["block"] == "comparison") & (res.table["arm"] == "none")]
    last = int(table["week"].max())
    return [
        Calibrated(
            target,
            mean_ci(table[table["week"] == 0][target.measure].to_numpy()),
            mean_ci(  # a run shorter than the target's window: its last week
                table[table["week"] >= min(target.from_week, last)]
                .groupby("replication")[target.measure]
                .mean()
                .to_numpy()
            ),
        )
        for target in CALIBRATION
    ]


# -- section 3: the claims ------------------------------------------------------------------------
@dataclass(frozen=True)
class Lead:
    """The strategies by their mean at one week, best first, and the leader's paired margin
    over the runner-up (None when only one strategy ran)."""

    order: list[str]
    margin: Comparison | None


def leader(res: Results, strategies: list[str], measure: str, week: int) -> Lead:
    means = {s: res.series("comparison", s, week, measure).mean() for s in strategies}
    order = sorted(means, key=lambda s: -means[s])
    if len(order) == 1:
        return Lead(order, None)
    margin = paired(
        res.series("comparison", order[0], week, measure),
        res.series("comparison", order[1], week, measure),
    )
    return Lead(order, margin)


@dataclass(frozen=True)
class Retention:
    """A strategy's advantage over ``none`` (paired by seed) at the project's end and after
    the exit."""

    strategy: str
    measure: str
    at_end: Estimate
    after_exit: Estimate

    @property
    def kept(self) -> float | None:
        """The advantage after the exit as a share of the advantage at the end (None when there
        was no credible advantage to keep)."""
        if self.at_end.excludes_zero and self.at_end.mean > 0:
            return self.after_exit.mean / self.at_end.mean
        return None


def retention(res: Results, cfg: ValidationConfig) -> list[Retention]:
    out = []
    for s in cfg.strategies:
        if s == "none":
            continue
        for measure in OUTCOMES:
            gain = {
                w: paired(
                    res.series("comparison", s, w, measure),
                    res.series("comparison", "none", w, measure),
                ).diff
                for w in (cfg.during_week, cfg.after_week)
            }
            out.append(Retention(s, measure, gain[cfg.during_week], gain[cfg.after_week]))
    return out


def bands(
    res: Results, strategies: list[str], measures: tuple[str, ...]
) -> dict[str, dict[str, pd.DataFrame]]:
    """Mean and 95% CI per week, per measure and strategy (for the time-series figure)."""
    return {m: {s: res.band("comparison", s, m) for s in strategies} for m in measures}


@dataclass
class ClaimResult:
    """A claim, its paired comparison and its verdict."""

    claim: Claim
    result: Comparison
    p_holm: float = float("nan")

    @property
    def verdict(self) -> str:
        direction = self.result.direction() if self.p_holm < ALPHA else 0
        if direction == self.claim.sign:
            return "holds"
        if direction == -self.claim.sign:
            return "does not hold (opposite)"
        return "not shown"

    @property
    def explanation(self) -> str:
        return self.claim.why_holds if self.verdict == "holds" else self.claim.why_not


def claim_series(res: Results, claim: Claim) -> tuple[pd.Series, pd.Series]:
    """The two arms' values the claim compares (per replication)."""

    def value(arm: str) -> pd.Series:
        v = res.series("comparison", arm, claim.week, claim.measure)
        if claim.since is not None:
            v = v - res.series("comparison", arm, claim.since, claim.measure)
        return v

    return value(claim.a), value(claim.b)


def evaluate_claims(claims: list[Claim], res: Results) -> list[ClaimResult]:
    """Compare every claim, then correct the p-values for multiple comparisons (Holm)."""
    tested = [ClaimResult(c, paired(*claim_series(res, c))) for c in claims]
    adjusted = holm([t.result.p for t in tested]).tolist()
    for t, p in zip(tested, adjusted, strict=True):
        t.p_holm = p
    return tested


@dataclass(frozen=True)
class Ablated:
    """Empowerment minus empowerment without ``role`` (paired by seed)."""

    role: str
    measure: str
    week: int
    comparison: Comparison
    p_holm: float

    @property
    def direction(self) -> int:
        """+1: the role adds value; −1: its hours buy more elsewhere; 0: not shown."""
        return self.comparison.direction() if self.p_holm < ALPHA else 0


def ablation(res: Results, cfg: ValidationConfig) -> list[Ablated]:
    """Every role × outcome × week, Holm-corrected over the whole table."""
    rows: list[tuple[str, str, int, Comparison]] = []
    for role in ROLES:
        for measure in OUTCOMES:
            for week in (cfg.during_week, cfg.after_week):
                full = res.series("ablation", "empowerment", week, measure)
                less = res.series("ablation", f"without {role}", week, measure)
                rows.append((role, measure, week, paired(full, less)))
    adjusted = holm([c.p for *_, c in rows]).tolist()
    return [Ablated(*row, p) for row, p in zip(rows, adjusted, strict=True)]


@dataclass(frozen=True)
class SegregatedComparison:
    """The strategies at one segregation level, outcome and week."""

    level: float
    measure: str
    week: int
    order: list[str]
    """Best first."""
    leader: str
    against: dict[str, Comparison | None]
    """Empowerment minus ``none`` and minus ``top_down`` (None: one of them did not run)."""
    estimates: dict[str, Estimate]


def segregation_comparison(res: Results, cfg: ValidationConfig) -> list[SegregatedComparison]:
    out = []
    for level in cfg.segregation_levels:
        for measure in OUTCOMES:
            for week in (cfg.during_week, cfg.after_week):
                series = {
                    s: res.series("segregation", s, week, measure, segregation=level)
                    for s in cfg.segregation_strategies
                }
                means = {s: x.mean() for s, x in series.items()}
                against = {
                    base: paired(series["empowerment"], series[base])
                    if "empowerment" in series and base in series
                    else None
                    for base in ("none", "top_down")
                }
                out.append(
                    SegregatedComparison(
                        level,
                        measure,
                        week,
                        order=sorted(series, key=lambda s: -series[s].mean()),
                        leader=max(means, key=lambda s: means[s]),
                        against=against,
                        estimates={s: mean_ci(x.to_numpy()) for s, x in series.items()},
                    )
                )
    return out


def advantage_change(res: Results, cfg: ValidationConfig) -> list[tuple[str, int, Estimate]]:
    """How segregation changes empowerment's advantage over ``none``: the advantage at the
    highest level minus at the lowest (Welch 95% CI), per outcome and week. Empty when there is
    one level or the arms did not run."""
    lo, hi = min(cfg.segregation_levels), max(cfg.segregation_levels)
    if not (lo < hi and {"empowerment", "none"} <= set(cfg.segregation_strategies)):
        return []
    out = []
    for measure in OUTCOMES:
        for week in (cfg.during_week, cfg.after_week):
            gain = {}
            for level in (lo, hi):
                e = res.series("segregation", "empowerment", week, measure, segregation=level)
                n = res.series("segregation", "none", week, measure, segregation=level)
                gain[level] = (e - n).dropna().to_numpy()
            out.append((measure, week, welch(gain[hi], gain[lo])))
    return out


# -- section 4: robustness ------------------------------------------------------------------------
@dataclass(frozen=True)
class Robustness:
    """The strategy comparison at every sampled parameter set.

    ``table`` holds the samples and, per outcome key ``measure@week``, the margin of the
    strategy that leads at the default parameters over the best other one (``KEY``), the
    leader at the sample (``KEY_leader``) and whether it differs (``KEY_flipped``)."""

    table: pd.DataFrame
    parameters: list[str]
    outcomes: dict[str, tuple[str, int]]
    default_leader: dict[str, str]

    @property
    def flips(self) -> dict[str, int]:
        return {k: int(self.table[f"{k}_flipped"].sum()) for k in self.outcomes}

    def correlations(self) -> dict[str, dict[str, float | None]]:
        """Spearman rank correlation of each parameter with each margin (None: one of them
        does not vary)."""
        out: dict[str, dict[str, float | None]] = {}
        for n in self.parameters:
            out[n] = {}
            for key in self.outcomes:
                x, y = self.table[n].to_numpy(float), self.table[key].to_numpy(float)
                out[n][key] = (
                    None if np.ptp(x) == 0 or np.ptp(y) == 0 else sps.spearmanr(x, y).statistic
                )
        return out


def robustness(res: Results, cfg: ValidationConfig, samples: pd.DataFrame) -> Robustness:
    outcomes = {f"{m}@{w}": (m, w) for m in OUTCOMES for w in (cfg.during_week, cfg.after_week)}
    default_leader = {
        key: max(cfg.strategies, key=lambda s: res.series("comparison", s, w, m).mean())
        for key, (m, w) in outcomes.items()
    }
    table = samples.copy()
    for key, (m, w) in outcomes.items():
        margins, leaders = [], []
        for i in samples.index:
            means = {
                s: res.series("robustness", s, w, m, sample=int(i)).mean() for s in cfg.strategies
            }
            lead = default_leader[key]
            others = [means[s] for s in cfg.strategies if s != lead]
            margins.append(means[lead] - max(others) if others else 0.0)
            leaders.append(max(means, key=lambda s: means[s]))
        table[key] = margins
        table[f"{key}_leader"] = leaders
        table[f"{key}_flipped"] = [lead != default_leader[key] for lead in leaders]
    return Robustness(table, list(samples.columns), outcomes, default_leader)
