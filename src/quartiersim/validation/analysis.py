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
from quartiersim.validation.claims import (
    CALIBRATION,
    DEPENDENCY_SIGN,
    NULL_BAND,
    OUTCOMES,
    CalibrationTarget,
    Claim,
    Headline,
    Prediction,
)
from quartiersim.validation.config import ValidationConfig
from quartiersim.validation.design import region_settings
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

    def __init__(self, table: pd.DataFrame, records: dict[str, pd.DataFrame] | None = None) -> None:
        self.table = table
        #: what each run kept besides its measures (:data:`~.runs.RECORDS`), with job labels
        self.records = records or {}
        self._index = table.set_index(["block", "arm", "week"]).sort_index()

    def kept(self, name: str, block: str, arm: str, **labels: Any) -> pd.DataFrame:
        """The records ``name`` of every replication of an arm (labels as in :meth:`series`)."""
        rows = self.records[name]
        rows = rows[(rows["block"] == block) & (rows["arm"] == arm)]
        for k, v in labels.items():
            rows = rows[rows[k] == v]
        return rows

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


# -- the mechanisms: dependency regions, phased exit, every new parameter off ---------------------
@dataclass(frozen=True)
class Lag:
    """The founding lag after the exit in one arm: for every problem that first became visible
    after the exit, the weeks until a residents' group first took it up (an event), or until
    it was solved for the residents or the run ended (censored) — pooled over the arm's
    replications, with the Kaplan–Meier estimate of statsmodels (``SurvfuncRight``)."""

    problems: int
    events: int
    median: float
    """Kaplan–Meier median in weeks (NaN: not reached — fewer than half the problems were taken
    up within the follow-up)."""
    low: float
    high: float
    rmst: float
    """Restricted mean: the area under the Kaplan–Meier curve up to the follow-up horizon —
    the mean weeks a new problem waited for a group, within the horizon."""


def lag_data(problems: pd.DataFrame, exit_week: int) -> pd.DataFrame:
    """Duration, event and seed of every problem first visible after ``exit_week``."""
    new = problems[problems["visible_week"] > exit_week]
    taken = new["taken_up_week"] >= 0
    solved = new["solved_week"] >= 0
    end = np.where(
        taken, new["taken_up_week"], np.where(solved, new["solved_week"], new["last_week"])
    )
    return pd.DataFrame(
        {
            "duration": (end - new["visible_week"]).to_numpy(dtype=float),
            "event": taken.to_numpy(dtype=int),
            "seed": new["seed"].to_numpy(),
        }
    )


def kaplan_meier(data: pd.DataFrame, horizon: float) -> Lag:
    """:class:`Lag` of ``data`` (from :func:`lag_data`), restricted to ``horizon`` weeks."""
    from statsmodels.duration.survfunc import SurvfuncRight  # heavy: only the report needs it

    if len(data) == 0:
        nan = float("nan")
        return Lag(0, 0, nan, nan, nan, nan)
    events = int(data["event"].sum())
    if events == 0:  # statsmodels needs an event; with none the curve stays at 1
        return Lag(len(data), 0, float("nan"), float("nan"), float("inf"), float(horizon))
    sf = SurvfuncRight(data["duration"].to_numpy(), data["event"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):  # the log-log interval at S = 0 or 1
        low, high = sf.quantile_ci(0.5)
    times = np.concatenate([[0.0], np.minimum(sf.surv_times, horizon), [horizon]])
    probs = np.concatenate([[1.0], sf.surv_prob])
    rmst = float((probs * np.diff(times)).sum())
    return Lag(len(data), events, float(sf.quantile(0.5)), float(low), float(high), rmst)


@dataclass(frozen=True)
class LagContrast:
    """Arm ``a`` against arm ``b`` in the founding lag: both Kaplan–Meier estimates, the
    difference of the medians (NaN when one is not reached) and of the restricted means, and
    the log-rank test stratified by seed (statsmodels ``survdiff``: each quarter compared with
    itself, as every other contrast of the report is paired by seed)."""

    a: Lag
    b: Lag
    p: float

    @property
    def median_diff(self) -> float:
        return self.a.median - self.b.median

    @property
    def rmst_diff(self) -> float:
        return self.a.rmst - self.b.rmst

    def direction(self) -> int:
        """+1: ``a`` takes problems up later (a longer restricted mean), −1 earlier, 0 equal."""
        d = self.rmst_diff
        return 0 if not np.isfinite(d) or d == 0 else int(np.sign(d))


def lag_contrast(a: pd.DataFrame, b: pd.DataFrame, exit_week: int, horizon: float) -> LagContrast:
    """:class:`LagContrast` of the problem records of two arms."""
    from statsmodels.duration.survfunc import survdiff

    da, db = lag_data(a, exit_week), lag_data(b, exit_week)
    p = float("nan")
    both = pd.concat([da.assign(arm=1), db.assign(arm=0)], ignore_index=True)
    if len(da) and len(db) and both["event"].sum() > 0:
        try:
            _, p = survdiff(
                both["duration"].to_numpy(),
                both["event"].to_numpy(),
                both["arm"].to_numpy(),
                strata=both["seed"].to_numpy(),
            )
            p = float(p)
        except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
            p = float("nan")  # no stratum with events in both arms: nothing to compare
    return LagContrast(kaplan_meier(da, horizon), kaplan_meier(db, horizon), p)


@dataclass
class RegionCell:
    """top_down − none at one cell of the dependency regions: (A) the founding lag after the
    exit, (B) participation and (C) helplessness at the last week, with Holm-adjusted p."""

    setting: str
    rate: float
    wait: int
    lag: LagContrast
    participation: Comparison
    helplessness: Comparison
    p_holm: dict[str, float]

    def direction(self, measure: str) -> int:
        """The contrast's sign where it is significant after Holm, else 0."""
        if not self.p_holm[measure] < ALPHA:
            return 0
        if measure == "lag":
            return self.lag.direction()
        return getattr(self, measure).direction()

    def verdict(self, measure: str) -> str:
        """``appears`` (dependency's sign, significant), ``opposite`` or ``not shown``."""
        d = self.direction(measure)
        if d == 0:
            return "not shown"
        return "appears" if d == DEPENDENCY_SIGN[measure] else "opposite"


def regions(res: Results, cfg: ValidationConfig) -> list[RegionCell]:
    """Every cell of the dependency regions, Holm-corrected over the whole table (all cells
    and the three contrasts)."""
    horizon = float(cfg.after_week - cfg.during_week)
    cells = []
    for setting, rate, wait, _ in region_settings(cfg):
        labels = {"setting": setting, "rate": rate, "wait": wait}
        lag = lag_contrast(
            res.kept("problems", "regions", "top_down", **labels),
            res.kept("problems", "regions", "none", **labels),
            cfg.during_week,
            horizon,
        )
        b, c = (
            paired(
                res.series("regions", "top_down", cfg.after_week, m, **labels),
                res.series("regions", "none", cfg.after_week, m, **labels),
            )
            for m in ("participation", "helplessness")
        )
        cells.append(RegionCell(setting, rate, wait, lag, b, c, {}))
    ps = [p for cell in cells for p in (cell.lag.p, cell.participation.p, cell.helplessness.p)]
    adjusted = holm(ps).tolist()
    for i, cell in enumerate(cells):
        cell.p_holm = dict(
            zip(("lag", "participation", "helplessness"), adjusted[3 * i : 3 * i + 3], strict=True)
        )
    return cells


PHASING_MEASURES = (
    "participation",
    "social_capital",
    "political_influence",
    "helplessness",
    "withdrawn_share",
    "admin_responsiveness",
    "waiting_share",
)
"""What the abrupt against the phased exit compares (docs/predictions.md 6.3)."""


@dataclass(frozen=True)
class Phased:
    """Phased minus abrupt exit for one strategy, phase-out length, measure and week."""

    strategy: str
    weeks: int
    measure: str
    week: int
    comparison: Comparison
    p_holm: float

    @property
    def direction(self) -> int:
        return self.comparison.direction() if self.p_holm < ALPHA else 0


def phasing(res: Results, cfg: ValidationConfig) -> list[Phased]:
    """Every strategy x phase-out length (> 0) x measure x week (exit, after), phased minus
    abrupt, paired by seed; Holm over the whole table."""
    rows: list[tuple[str, int, str, int, Comparison]] = []
    for s in cfg.phasing_strategies:
        for weeks in cfg.phasing_weeks:
            if weeks == 0:
                continue
            for measure in PHASING_MEASURES:
                for week in (cfg.during_week, cfg.after_week):
                    rows.append(
                        (
                            s,
                            weeks,
                            measure,
                            week,
                            paired(
                                res.series("phasing", s, week, measure, phase=weeks),
                                res.series("phasing", s, week, measure, phase=0),
                            ),
                        )
                    )
    adjusted = holm([c.p for *_, c in rows]).tolist()
    return [Phased(*row, p) for row, p in zip(rows, adjusted, strict=True)]


def phased_kept(res: Results, cfg: ValidationConfig) -> list[tuple[str, int, Retention]]:
    """Each strategy's advantage over ``none`` at the exit and after it, per phase-out length
    (``none`` with the same phase-out), and the share kept."""
    out: list[tuple[str, int, Retention]] = []
    if "none" not in cfg.phasing_strategies:
        return out
    for s in cfg.phasing_strategies:
        if s == "none":
            continue
        for weeks in cfg.phasing_weeks:
            for measure in ("participation", "social_capital", "political_influence"):
                gain = {
                    w: paired(
                        res.series("phasing", s, w, measure, phase=weeks),
                        res.series("phasing", "none", w, measure, phase=weeks),
                    ).diff
                    for w in (cfg.during_week, cfg.after_week)
                }
                out.append(
                    (s, weeks, Retention(s, measure, gain[cfg.during_week], gain[cfg.after_week]))
                )
    return out


@dataclass(frozen=True)
class Organisers:
    """The resident organisers left at the last week of one strategy and phase-out: their
    number per run (mean [95% CI]), the share who are group members, their mean quality, and
    how many hold each task (summed over the replications)."""

    count: Estimate
    members: float
    quality: float
    tasks: dict[str, int]


def organisers_left(res: Results, cfg: ValidationConfig) -> dict[tuple[str, int], Organisers]:
    out = {}
    for s in cfg.phasing_strategies:
        for weeks in cfg.phasing_weeks:
            count = res.series("phasing", s, cfg.after_week, "resident_organisers", phase=weeks)
            kept = res.kept("organisers", "phasing", s, phase=weeks)
            out[(s, weeks)] = Organisers(
                mean_ci(count.to_numpy()),
                float(kept["group_member"].mean()) if len(kept) else float("nan"),
                float(kept["quality"].mean()) if len(kept) else float("nan"),
                {str(k): int(v) for k, v in kept["task"].value_counts().items()},
            )
    return out


def phased_lag(res: Results, cfg: ValidationConfig, strategy: str, weeks: int) -> LagContrast:
    """The founding lag after the exit, phased (``weeks``) against abrupt, for ``strategy``."""
    return lag_contrast(
        res.kept("problems", "phasing", strategy, phase=weeks),
        res.kept("problems", "phasing", strategy, phase=0),
        cfg.during_week,
        float(cfg.after_week - cfg.during_week),
    )


@dataclass(frozen=True)
class Switched:
    """A headline contrast at one setting of the parameters-off block and one week."""

    setting: str
    headline: Headline
    week: int
    comparison: Comparison
    p_holm: float

    @property
    def direction(self) -> int:
        return self.comparison.direction() if self.p_holm < ALPHA else 0


def parameters_off(
    res: Results, cfg: ValidationConfig, settings: list[str], heads: list[Headline]
) -> list[Switched]:
    """Every headline contrast (whose strategies ran) at the exit and after it, at every
    setting; Holm within each setting (its contrasts at both weeks: one column of the
    table)."""
    weeks = (cfg.during_week, cfg.after_week)
    usable = [h for h in heads if {h.a, h.b} <= set(cfg.off_strategies)]
    out: list[Switched] = []
    for setting in settings:
        rows = [
            (
                h,
                w,
                paired(
                    res.series("off", h.a, w, h.measure, setting=setting),
                    res.series("off", h.b, w, h.measure, setting=setting),
                ),
            )
            for h in usable
            for w in weeks
        ]
        adjusted = holm([c.p for *_, c in rows]).tolist()
        out.extend(
            Switched(setting, h, w, c, p) for (h, w, c), p in zip(rows, adjusted, strict=True)
        )
    return out


def dependency_effect(cell: RegionCell, measure: str) -> float:
    """A cell's contrast signed so that positive means dependency (a later first group, fewer
    residents in groups, more helplessness); the lag by its restricted mean."""
    value = cell.lag.rmst_diff if measure == "lag" else getattr(cell, measure).diff.mean
    return DEPENDENCY_SIGN[measure] * float(value)


@dataclass(frozen=True)
class RegionCheck:
    """A region of docs/predictions.md 2.9, what was predicted there and what the cells say."""

    region: str
    predicted: str
    observed: str
    verdict: str


def _zero(cells: list[RegionCell], measures: tuple[str, ...]) -> tuple[str, list[str]]:
    """Verdict on "no difference" over ``cells``: refuted where any cell shows a significant
    contrast, else held; with the cells that break it."""
    broken = [
        f"{c.setting}, rate {c.rate:g}, wait {c.wait}: {m} {c.verdict(m)}"
        for c in cells
        for m in measures
        if c.verdict(m) != "not shown"
    ]
    return ("refuted" if broken else "held"), broken


def region_checks(
    cells: list[RegionCell], grid: str, default: tuple[float, int]
) -> list[RegionCheck]:
    """The region predictions of docs/predictions.md 2.9, judged on the cells."""
    out: list[RegionCheck] = []
    main = [c for c in cells if c.setting == grid]
    at = {(c.rate, c.wait): c for c in main}

    off = [c for c in main if c.rate == 0]
    verdict, broken = _zero(off, ("lag", "participation", "helplessness"))
    out.append(
        RegionCheck(
            "`expectation_learning_rate` 0 (expectations frozen)",
            "(A), (B), (C) 0 after the exit",
            "; ".join(broken) or f"no significant contrast in {len(off)} cell(s)",
            verdict,
        )
    )
    both = [c for c in main if c.rate == 0 and c.wait == 0]
    verdict, broken = _zero(both, ("lag", "participation", "helplessness"))
    out.append(
        RegionCheck(
            "`expectation_learning_rate` and `request_wait_weeks` both 0",
            "(A), (B), (C) 0",
            "; ".join(broken) or "no significant contrast",
            verdict,
        )
    )
    rates = sorted({c.rate for c in main if c.rate > 0})
    waits = sorted({c.wait for c in main if c.wait > 0})
    rate0, wait0 = default
    if rates and 0 in {c.wait for c in main} and wait0 in waits:
        pairs = [(at[(r, 0)], at[(r, wait0)]) for r in rates if (r, 0) in at and (r, wait0) in at]
        smaller = all(
            dependency_effect(a, m) < dependency_effect(b, m)
            for a, b in pairs
            for m in ("lag", "participation")
        )
        nonzero = any(a.verdict(m) == "appears" for a, _ in pairs for m in ("lag", "participation"))
        verdict = (
            "held" if smaller and nonzero else ("partly" if smaller or nonzero else "not supported")
        )
        out.append(
            RegionCheck(
                "`request_wait_weeks` 0, learning on",
                f"(A) and (B) smaller than at wait {wait0}, but not zero",
                f"smaller than at wait {wait0} at every rate: {'yes' if smaller else 'no'}; "
                f"significant somewhere: {'yes' if nonzero else 'no'}",
                verdict,
            )
        )
    inner = [c for c in main if c.rate > 0 and c.wait > 0]
    if len(inner) >= 4:
        rho = {}
        for m in ("lag", "participation"):
            y = np.array([dependency_effect(c, m) for c in inner])
            rho[m] = tuple(
                (
                    float(sps.spearmanr(np.array([getattr(c, axis) for c in inner]), y).statistic)
                    if np.ptp(y) > 0
                    else float("nan")
                )
                for axis in ("rate", "wait")
            )
        grows = all(r > 0 for pair in rho.values() for r in pair)
        out.append(
            RegionCheck(
                "learning on, waiting on",
                "(A) and (B) grow with the learning rate and with the wait",
                "; ".join(
                    f"({'A' if m == 'lag' else 'B'}) rank correlation with the rate {a:+.2f}, "
                    f"with the wait {b:+.2f}"
                    for m, (a, b) in rho.items()
                ),
                "held" if grows else "not supported",
            )
        )
    top = max(rates) if rates else None
    if top is not None and (top, wait0) in at and (rate0, wait0) in at and top != rate0:
        high, mid = at[(top, wait0)], at[(rate0, wait0)]
        largest = all(dependency_effect(high, "lag") >= dependency_effect(c, "lag") for c in main)
        decays = dependency_effect(high, "participation") < dependency_effect(mid, "participation")
        out.append(
            RegionCheck(
                f"high learning rate ({top:g})",
                f"(A) largest; (B) at week 260 smaller than at rate {rate0:g}",
                f"(A) largest of the grid at wait {wait0}: {'yes' if largest else 'no'}; (B) "
                f"smaller than at rate {rate0:g}: {'yes' if decays else 'no'}",
                "held"
                if largest and decays
                else ("partly" if largest or decays else "not supported"),
            )
        )
    for setting_part, region, predicted, check in (
        ("taking_part_weight = 0", "`taking_part_weight` 0", "(C) 0", "zero"),
        (
            "taking_part_weight = 1",
            "`taking_part_weight` 1, wait ≥ 8, rate ≥ 0.2",
            "(C) may become positive (the only such region; low confidence)",
            "helpless",
        ),
        (
            "observation_weight = 0",
            "`observation_weight` 0",
            "(A) and (B) smaller than at the same cells with the default",
            "smaller",
        ),
        (
            "help_seeking_rate = 0",
            "`help_seeking_rate` 0",
            "(A) undefined (no group founded unaided), (B) 0",
            "undefined",
        ),
    ):
        sliced = [c for c in cells if c.setting == setting_part]
        if not sliced:
            continue
        if check == "zero":
            verdict, broken = _zero(sliced, ("helplessness",))
            observed = "; ".join(broken) or f"(C) not significant in {len(sliced)} cell(s)"
        elif check == "helpless":
            where = [c for c in sliced if c.wait >= 8 and c.rate >= 0.2]
            shown = [c for c in where if c.verdict("helplessness") == "appears"]
            verdict = "held" if shown else "not supported"
            observed = (
                ", ".join(f"rate {c.rate:g}, wait {c.wait}" for c in shown) + ": (C) positive"
                if shown
                else f"(C) not significantly positive in {len(where)} cell(s)"
            )
        elif check == "smaller":
            against = [(c, at.get((c.rate, c.wait))) for c in sliced]
            flags = [
                dependency_effect(c, m) < dependency_effect(d, m)
                for c, d in against
                if d is not None
                for m in ("lag", "participation")
            ]
            verdict = (
                "held" if flags and all(flags) else ("partly" if any(flags) else "not supported")
            )
            observed = f"smaller in {sum(flags)} of {len(flags)} comparisons"
        else:
            events = sum(c.lag.a.events + c.lag.b.events for c in sliced)
            verdict_b, broken = _zero(sliced, ("participation",))
            verdict = "held" if events == 0 and verdict_b == "held" else "refuted"
            observed = f"{events} problems taken up by a group after the exit in both arms; " + (
                "; ".join(broken) or "(B) not significant"
            )
        out.append(RegionCheck(region, predicted, observed, verdict))
    return out


WITH_AND_FOR = (
    "problems_solved_with",
    "problems_solved_for",
    "causes_preempted",
    "admin_responsiveness",
    "mediated_responsiveness",
    "landlord_responsiveness",
)
"""Measures of the arena read per strategy beside the contrasts (docs/predictions.md 9): who
solved the problems, and the institutions' state apart from the residents' influence."""


def arena_state(res: Results, cfg: ValidationConfig) -> dict[str, dict[str, Estimate]]:
    """Per strategy of the comparison: each of :data:`WITH_AND_FOR` at the exit and after it
    (keys ``measure@week``), and the share of weeks the quarter's rent problem was open."""
    out: dict[str, dict[str, Estimate]] = {}
    table = res.table[res.table["block"] == "comparison"]
    for s in cfg.strategies:
        row = {
            f"{m}@{w}": mean_ci(res.series("comparison", s, w, m).to_numpy())
            for m in WITH_AND_FOR
            for w in (cfg.during_week, cfg.after_week)
        }
        weeks = table[(table["arm"] == s) & (table["week"] >= 1)]
        row["rent_open_share"] = mean_ci(
            weeks.groupby("replication")["rent_problem_open"].mean().to_numpy()
        )
        out[s] = row
    return out


@dataclass
class Tested:
    """A pre-registered prediction, its paired comparison and its verdict by the rules of
    docs/predictions.md 0.1 (Holm over the whole table)."""

    prediction: Prediction
    result: Comparison
    p_holm: float = float("nan")

    @property
    def verdict(self) -> str:
        """``held``, ``not supported`` or ``refuted``."""
        e = self.prediction.expected
        d = self.result.direction() if self.p_holm < ALPHA else 0
        if e == "0":
            inside = self.result.diff.low >= -NULL_BAND and self.result.diff.high <= NULL_BAND
            if d != 0:
                return "refuted"
            # section 0.1: a null holds only when its interval is narrow, else it is refuted
            return "held" if inside else "refuted (interval wider than ±0.02)"
        if e in ("≤ 0", "≥ 0"):
            return "refuted" if d == (1 if e == "≤ 0" else -1) else "held"
        sign = 1 if e == "+" else -1
        return "held" if d == sign else ("refuted" if d == -sign else "not supported")


def judge_predictions(res: Results, preds: list[Prediction], strategies: list[str]) -> list[Tested]:
    """Every prediction whose strategies ran, compared seed by seed."""
    out = []
    for p in preds:
        if not {p.a, p.b} <= set(strategies):
            continue
        a = res.series("comparison", p.a, p.week, p.measure)
        b = res.series("comparison", p.b, p.week if p.b_week is None else p.b_week, p.measure)
        if p.since is not None:
            a = a - res.series("comparison", p.a, p.since, p.measure)
            b = b - res.series("comparison", p.b, p.since, p.measure)
        out.append(Tested(p, paired(a, b)))
    adjusted = holm([t.result.p for t in out]).tolist()
    for t, q in zip(out, adjusted, strict=True):
        t.p_holm = q
    return out


INFLUENCE_PARTS = {
    "participation": "organised",
    "influence_competence": "competence",
    "influence_allies": "allies",
    "influence_record": "record",
    "political_influence": "index (mean)",
}
"""The parts of political influence as recorded (measure → part), and the index."""


def influence_parts(
    res: Results, cfg: ValidationConfig
) -> dict[tuple[str, int], dict[str, Estimate]]:
    """Per strategy of the comparison and week (early, exit, after): each part of political
    influence and the index, mean [95% CI]."""
    return {
        (s, w): {m: mean_ci(res.series("comparison", s, w, m).to_numpy()) for m in INFLUENCE_PARTS}
        for s in cfg.strategies
        for w in (cfg.early_week, cfg.during_week, cfg.after_week)
    }


@dataclass(frozen=True)
class Diagnosis:
    """At one level of ``diagnosis_noise``, at the exit: empowerment's activated resources,
    empowerment − none in the two headline outcomes (paired), and the leader of each."""

    noise: float
    activated: Estimate
    gains: dict[str, Comparison]
    leaders: dict[str, str]


def diagnosis(res: Results, cfg: ValidationConfig) -> list[Diagnosis]:
    """Every noise level (empty when empowerment or none did not run)."""
    if not {"empowerment", "none"} <= set(cfg.off_strategies):
        return []
    week = cfg.during_week
    out = []
    for noise in cfg.diagnosis_levels:

        def at(s: str, m: str, noise: float = noise) -> pd.Series:
            return res.series("diagnosis", s, week, m, noise=noise)

        out.append(
            Diagnosis(
                noise,
                mean_ci(at("empowerment", "activated_resources").to_numpy()),
                {m: paired(at("empowerment", m), at("none", m)) for m in OUTCOMES},
                {m: max(cfg.off_strategies, key=lambda s: at(s, m).mean()) for m in OUTCOMES},
            )
        )
    return out
