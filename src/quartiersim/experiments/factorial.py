"""The interaction model of a factorial design: does the effect of one factor depend on another?

One ordinary least-squares regression per outcome and point (statsmodels), with the compared
factor, every other varied factor (swept or sampled) and the compared factor's interaction with
each of them::

    value ~ C(strategy, Treatment("none")) * (hours_per_week + C(variant)) [+ C(seed)]

Numbers enter as numbers (a slope per unit: a linear dose–response), everything else as
categories with the baseline as reference level, so that a coefficient reads "difference from
the baseline". With common seeds, ``C(seed)`` blocks out the quarter-to-quarter differences (a
randomised block design). The ANOVA table (type II sums of squares) tests each term; the
coefficients come with 95% intervals. statsmodels is imported only here, when a report needs
the model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from quartiersim.experiments.analysis import Design, is_numeric

BLOCK = "seed"


@dataclass
class ModelFit:
    """The fitted interaction model of one outcome at one point."""

    formula: str
    n: int
    anova: pd.DataFrame  # term, df, F, p, partial_eta2
    coefficients: pd.DataFrame  # term, estimate, ci_low, ci_high, p
    r2: float
    left_out: list[str] = field(default_factory=list)  # levels the design cannot estimate


def _term(d: Design, name: str, reference: Any = None) -> str:
    if is_numeric(name):
        return name
    if name == d.factor and reference is not None:
        return f"C({name}, Treatment({reference!r}))"
    return f"C({name})"


def factors(d: Design) -> list[str]:
    """The model's factors: the compared one first, then the strata and the sampled ranges."""
    return ([] if d.factor == "_all" else [d.factor]) + d.strata + d.ranges


def complete_levels(frame: pd.DataFrame, d: Design) -> tuple[pd.DataFrame, list[str]]:
    """Leave out the compared factor's levels that were not run across the whole design (e.g.
    ``none`` at one value of hours only, after ``[[exclude]]``): their interactions cannot be
    estimated. Returns the rows kept and the levels left out."""
    if d.factor == "_all" or not d.strata:
        return frame, []
    grid = d.strata
    full = set(frame[grid].itertuples(index=False, name=None))
    left_out = []
    for level in d.groups:
        at = frame[frame[d.factor] == level]
        if set(at[grid].itertuples(index=False, name=None)) != full:
            left_out.append(level)
    keep = ~frame[d.factor].isin(left_out)
    return frame[keep], [str(x) for x in left_out]


def fit(frame: pd.DataFrame, d: Design, response: str = "value") -> ModelFit | None:
    """Fit the interaction model to ``frame`` (one row per run: the factors, ``seed`` and
    ``response``). None when fewer than two factors were varied or the design leaves too few
    runs to estimate it."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    names = factors(d)
    if len(names) < 2:
        return None
    frame, left_out = complete_levels(frame.dropna(subset=[response]), d)
    present = [g for g in d.groups if g in set(frame[d.factor])]
    if len(present) < 2:
        return None
    # The reference level: the first baseline the model keeps, else the first level.
    reference = next((b for b in d.baselines if b in present), present[0])
    main, others = names[0], names[1:]
    rhs = f"{_term(d, main, reference)} * ({' + '.join(_term(d, o) for o in others)})"
    if d.paired and frame[BLOCK].nunique() > 1:
        rhs += f" + C({BLOCK})"
    formula = f"{response} ~ {rhs}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.ols(formula, data=frame).fit()
        exog = model.model.exog
        if np.linalg.matrix_rank(exog) < exog.shape[1] or model.df_resid < 1:
            return None
        table = sm.stats.anova_lm(model, typ=2)
    resid = float(table.loc["Residual", "sum_sq"])
    anova = pd.DataFrame(
        {
            "term": [_plain(t) for t in table.index if t != "Residual"],
            "df": [float(table.loc[t, "df"]) for t in table.index if t != "Residual"],
            "F": [float(table.loc[t, "F"]) for t in table.index if t != "Residual"],
            "p": [float(table.loc[t, "PR(>F)"]) for t in table.index if t != "Residual"],
            "partial_eta2": [
                float(table.loc[t, "sum_sq"] / (table.loc[t, "sum_sq"] + resid))
                for t in table.index
                if t != "Residual"
            ],
        }
    )
    anova = anova[anova["term"] != BLOCK].reset_index(drop=True)
    ci = model.conf_int(0.05)
    keep = [t for t in model.params.index if not t.startswith(f"C({BLOCK})")]
    coefficients = pd.DataFrame(
        {
            "term": [_plain(t) for t in keep],
            "estimate": [float(model.params[t]) for t in keep],
            "ci_low": [float(ci.loc[t, 0]) for t in keep],
            "ci_high": [float(ci.loc[t, 1]) for t in keep],
            "p": [float(model.pvalues[t]) for t in keep],
        }
    )
    return ModelFit(formula, int(model.nobs), anova, coefficients, float(model.rsquared), left_out)


def _plain(term: str) -> str:
    """``C(strategy, Treatment('none'))[T.empowerment]:hours_per_week`` →
    ``strategy[empowerment]:hours_per_week`` — the model's terms for people."""
    out = []
    for part in term.split(":"):
        if part.startswith("C("):
            name = part[2:].split(",")[0].split(")")[0]
            level = part.split("[", 1)[1].rstrip("]") if "[" in part else ""
            level = level.removeprefix("T.")
            out.append(f"{name}[{level}]" if level else name)
        else:
            out.append(part)
    return ":".join(out)
