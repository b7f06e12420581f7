"""Known results the model must reproduce (pattern-oriented validation, Grimm et al. 2005).

Each function measures one pattern with the model's own rules and returns plain numbers; the
report turns them into text and figures, the tests pin them.

- :func:`granovetter` — Granovetter's (1978) riot example, with the joining rule itself
  (:func:`quartiersim.groups.threshold_cascade`);
- :func:`tie_decay` — Burt's (2002) decay of unreinforced bridges, with the model's weekly decay
  (:meth:`quartiersim.ties.Ties.decay` and :meth:`QuartierModel.weekly_tie_survival`);
- :func:`take_offs` — the S-shaped growth of a group that takes off, in full model runs;
- segregation and bonding/bridging ties (Neal 2015) is measured from ordinary runs in
  :mod:`quartiersim.validation.report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from quartiersim.groups import threshold_cascade
from quartiersim.model import WEEKS_PER_YEAR, QuartierModel
from quartiersim.validation.runs import replication_seed
from quartiersim.validation.stats import GrowthFit, binomial_ci, fit_growth


@dataclass(frozen=True)
class Cascade:
    """A threshold cascade: final size and the number active after each round."""

    final: int
    curve: list[int]


def cascade_curve(thresholds: np.ndarray) -> Cascade:
    """Run the joining rule round by round (everyone sees everyone) until nobody joins."""
    active = np.zeros(len(thresholds), dtype=bool)
    curve = [0]
    while True:
        nxt = threshold_cascade(thresholds, active=active, rounds=1)
        if nxt.sum() == active.sum():
            break
        active = nxt
        curve.append(int(active.sum()))
    final = threshold_cascade(thresholds)  # the rule run to its end in one call
    assert int(final.sum()) == curve[-1]
    return Cascade(int(final.sum()), curve)


def granovetter(n: int = 100) -> dict[str, Cascade]:
    """Granovetter's example: thresholds 0, 1, ..., n-1 give a full cascade; replacing the one
    person with threshold 1 by a person with threshold 2 stops it after the first person."""
    uniform = np.arange(n, dtype=float)
    perturbed = uniform.copy()
    perturbed[1] = 2.0
    return {"uniform": cascade_curve(uniform), "perturbed": cascade_curve(perturbed)}


@dataclass(frozen=True)
class Decay:
    """Survival of unreinforced ties over one year, for bridging and bonding ties."""

    kind: str  # "bridging" or "bonding"
    target: float  # the parameter: share surviving one year
    start: int  # ties at week 0
    survived: int  # ties left after 52 weeks
    curve: np.ndarray  # share surviving after each week 0..52
    expected: float  # what the rule implies: target x share strong enough not to fade out
    low: float
    high: float

    @property
    def observed(self) -> float:
        return self.survived / self.start if self.start else float("nan")


def tie_decay(seed: int, quarters: int, params: dict[str, Any]) -> dict[str, Decay]:
    """Build ``quarters`` quarters (the ties their everyday life sustains after the burn-in),
    then let a year pass with no contact at all: only the model's decay rule acts.

    Counts bridging and bonding ties that survive 52 weeks. ``expected`` accounts for the
    second way the rule loses a tie: its weight fades by ``tie_fade`` a week and ties below
    ``tie_min`` are forgotten, so very weak ties can vanish even when the dice spare them.
    """
    kinds = {"bridging": "bridge_survival_year", "bonding": "bond_survival_year"}
    start = dict.fromkeys(kinds, 0)
    alive = {k: np.zeros(WEEKS_PER_YEAR + 1) for k in kinds}
    expected_sum = dict.fromkeys(kinds, 0.0)
    p: dict[str, Any] = {}
    for q in range(quarters):
        m = QuartierModel(rng=replication_seed(seed, q, "decay"), **{**params, "strategy": "none"})
        p = m.p
        r, t = m.residents, m.ties
        bridging0 = t.bridging(r.origin, r.age)
        keys0 = t.keys.copy()
        faded = t.weight * (1.0 - p["tie_fade"]) ** WEEKS_PER_YEAR
        strong_enough = faded >= p["tie_min"]
        masks = {"bridging": bridging0, "bonding": ~bridging0}
        for k, mask in masks.items():
            start[k] += int(mask.sum())
            expected_sum[k] += p[kinds[k]] * float(strong_enough[mask].sum())
            alive[k][0] += mask.sum()
        for week in range(1, WEEKS_PER_YEAR + 1):
            t.decay(m.rng, m.weekly_tie_survival(), p["tie_fade"], p["tie_min"])
            present = np.isin(keys0, t.keys)
            for k, mask in masks.items():
                alive[k][week] += (present & mask).sum()
    out = {}
    for k, param in kinds.items():
        survived = int(alive[k][-1])
        low, high = binomial_ci(survived, start[k])
        out[k] = Decay(
            kind=k,
            target=float(p[param]),
            start=start[k],
            survived=survived,
            curve=alive[k] / max(start[k], 1),
            expected=expected_sum[k] / max(start[k], 1),
            low=low,
            high=high,
        )
    return out


@dataclass(frozen=True)
class TakeOff:
    """The strongest take-off of one run: a group's weekly membership around its fastest
    growth, and how well three growth shapes describe it."""

    run: int
    seed: int
    group: int
    founded: int
    start_week: int  # model week of the window's first point
    members: np.ndarray
    fit: GrowthFit | None  # None: no group grew in this run

    @property
    def growth(self) -> int:
        return int(self.members.max() - self.members[0]) if len(self.members) else 0


TAKE_OFF_WINDOW = 26
"""Weeks in the window around a group's fastest growth (a fixed rule, so no window is picked
to look good): 10 weeks before the fastest 4-week growth starts, the rest after it."""


def take_off_window(history: list[int] | np.ndarray) -> tuple[int, np.ndarray]:
    """The :data:`TAKE_OFF_WINDOW` weeks of ``history`` around its fastest 4-week growth."""
    h = np.asarray(history, dtype=float)
    if len(h) <= TAKE_OFF_WINDOW:
        return 0, h
    growth = h[4:] - h[:-4]
    fastest = int(np.argmax(growth))
    begin = int(np.clip(fastest - 10, 0, len(h) - TAKE_OFF_WINDOW))
    return begin, h[begin : begin + TAKE_OFF_WINDOW]


def take_offs(
    seed: int, runs: int, weeks: int, params: dict[str, Any], strategy: str = "empowerment"
) -> list[TakeOff]:
    """In each of ``runs`` runs, the group that grew most, its take-off window and fits."""
    out = []
    for run in range(runs):
        run_seed = replication_seed(seed, run, "s_curve")
        m = QuartierModel(rng=run_seed, **{**params, "strategy": strategy})
        for _ in range(weeks):
            m.step()
        best, best_growth = None, 0.0
        for g in m.groups.groups:
            if len(g.history) < 5:
                continue
            _, window = take_off_window(g.history)
            growth = float(window.max() - window[0])
            if growth > best_growth:
                best, best_growth = g, growth
        if best is None:
            out.append(TakeOff(run, run_seed, -1, -1, 0, np.zeros(0), None))
            continue
        begin, window = take_off_window(best.history)
        # history[k] is the membership at the end of week founded + k
        out.append(
            TakeOff(
                run,
                run_seed,
                best.id,
                best.founded,
                best.founded + begin,
                window,
                fit_growth(window),
            )
        )
    return out
