"""The runs the validation report needs: the strategy comparison, the role ablation, the
segregation quarters, the robustness samples, the dependency regions, the abrupt against the
phased exit and every new parameter off, as jobs for :func:`~.runs.run_all`.

Replication *k* of every arm shares its seed (common random numbers, see :mod:`.runs`), so arms
are compared quarter by quarter.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd
from scipy.stats import qmc

from quartiersim import PARAMETERS, ROLES, STRATEGIES
from quartiersim.validation.claims import OFF
from quartiersim.validation.config import ValidationConfig
from quartiersim.validation.runs import Job, make_job


def without(role: str) -> dict[str, float]:
    """Empowerment's mix with one role's share set to zero: what the ablation compares against."""
    shares = STRATEGIES["empowerment"].shares
    assert shares is not None  # a preset, not 'custom'
    return {activity: (0.0 if activity == role else share) for activity, share in shares.items()}


def arm(base: dict[str, Any], strategy: str, **overrides: Any) -> dict[str, Any]:
    """The parameters of an arm: ``base`` with ``strategy`` and ``overrides``, leaving out an
    override that only restates a default ``base`` does not change — so an arm at the defaults
    is the very run of the strategy comparison (equal parameters and seed run once)."""
    out = {**base, "strategy": strategy}
    for name, value in overrides.items():
        spec = PARAMETERS[name]
        value = int(value) if spec.kind is int else float(value)
        if name in base or value != spec.default:
            out[name] = value
    return out


GRID = "grid"
"""The setting label of the dependency regions' main grid (the slices are labelled by their
parameter and value)."""


def slice_label(name: str, value: float) -> str:
    return f"{name} = {value:g}"


def region_settings(cfg: ValidationConfig) -> list[tuple[str, float, int, dict[str, Any]]]:
    """Every cell of the dependency regions: (setting, learning rate, wait, overrides) — the
    grid of learning rate x wait, then each slice value at each of the slice cells."""
    out: list[tuple[str, float, int, dict[str, Any]]] = []
    for rate in cfg.learning_rates:
        for wait in cfg.wait_weeks:
            out.append((GRID, rate, wait, {}))
    for name, values in cfg.slices.items():
        for value in values:
            for rate, wait in cfg.slice_cells:
                out.append((slice_label(name, value), rate, wait, {name: value}))
    return out


DEFAULT = "default"
PHASED = "phase-out"
"""Setting labels of the parameters-off block: the defaults, and the phased exit that is the
context of a mechanism acting only in a phase-out."""


def off_settings(cfg: ValidationConfig) -> list[tuple[str, dict[str, Any]]]:
    """The columns of the parameters-off table: the defaults, each parameter off, and for the
    mechanisms of a phased exit the phase-out itself and the parameter off in it."""
    out: list[tuple[str, dict[str, Any]]] = [(DEFAULT, {})]
    phase = {"phase_out_weeks": cfg.off_phase_out_weeks}
    phased = [n for n in cfg.off_parameters if OFF[n].phased]
    for name in cfg.off_parameters:
        if not OFF[name].phased:
            out.append((name, {name: OFF[name].value}))
    if phased:
        out.append((f"{PHASED} {cfg.off_phase_out_weeks}", phase))
        for name in phased:
            out.append((name, {**phase, name: OFF[name].value}))
    return out


def robustness_samples(cfg: ValidationConfig) -> pd.DataFrame:
    """Latin hypercube sample of the perturbed parameters (rows = samples)."""
    names = list(cfg.robustness_ranges)
    if not names or cfg.robustness_samples == 0:
        return pd.DataFrame(columns=names)
    unit = qmc.LatinHypercube(d=len(names), seed=cfg.seed).random(cfg.robustness_samples)
    low = np.array([cfg.robustness_ranges[n][0] for n in names])
    high = np.array([cfg.robustness_ranges[n][1] for n in names])
    values = qmc.scale(unit, low, high)
    frame = pd.DataFrame(values, columns=names)
    for n in names:
        if PARAMETERS[n].kind is int:
            frame[n] = frame[n].round().astype(int)
        else:
            frame[n] = frame[n].round(4)
    return frame


def build_jobs(cfg: ValidationConfig, samples: pd.DataFrame) -> list[Job]:
    """Every model run of the report (runs with equal parameters and seed are run once)."""
    base = dict(cfg.parameters)
    jobs: list[Job] = []
    for s in cfg.strategies:
        for k in range(cfg.replications):
            jobs.append(make_job("comparison", s, k, cfg.seed, cfg.steps, {**base, "strategy": s}))
    for k in range(cfg.ablation_replications):
        jobs.append(
            make_job(
                "ablation",
                "empowerment",
                k,
                cfg.seed,
                cfg.steps,
                {**base, "strategy": "empowerment"},
            )
        )
        for role in ROLES:
            jobs.append(
                make_job(
                    "ablation",
                    f"without {role}",
                    k,
                    cfg.seed,
                    cfg.steps,
                    {**base, "strategy": "custom", "role_mix": without(role)},
                )
            )
    for level in cfg.known_segregation_levels:
        for k in range(cfg.known_segregation_replications):
            jobs.append(
                make_job(
                    "neal",
                    "none",
                    k,
                    cfg.seed,
                    cfg.steps,
                    {**base, "strategy": "none", "segregation": level},
                    segregation=level,
                )
            )
    for level in cfg.segregation_levels:
        for s in cfg.segregation_strategies:
            for k in range(cfg.segregation_replications):
                jobs.append(
                    make_job(
                        "segregation",
                        s,
                        k,
                        cfg.seed,
                        cfg.steps,
                        {**base, "strategy": s, "segregation": level},
                        segregation=level,
                    )
                )
    for setting, rate, wait, overrides in region_settings(cfg):
        for s in ("top_down", "none"):
            params = arm(
                base, s, expectation_learning_rate=rate, request_wait_weeks=wait, **overrides
            )
            for k in range(cfg.region_replications):
                jobs.append(
                    make_job(
                        "regions",
                        s,
                        k,
                        cfg.seed,
                        cfg.steps,
                        params,
                        setting=setting,
                        rate=rate,
                        wait=wait,
                    )
                )
    for weeks in cfg.phasing_weeks:
        for s in cfg.phasing_strategies:
            params = arm(base, s, phase_out_weeks=weeks)
            for k in range(cfg.phasing_replications):
                jobs.append(make_job("phasing", s, k, cfg.seed, cfg.steps, params, phase=weeks))
    for setting, overrides in off_settings(cfg):
        for s in cfg.off_strategies:
            params = arm(base, s, **overrides)
            for k in range(cfg.off_replications):
                jobs.append(make_job("off", s, k, cfg.seed, cfg.steps, params, setting=setting))
    # The diagnosis at several noise levels (docs/predictions.md 3.3): the parameters-off
    # block's strategies and replications, so noise 0 and the default are the same runs.
    for noise in cfg.diagnosis_levels:
        for s in cfg.off_strategies:
            params = arm(base, s, diagnosis_noise=noise)
            for k in range(cfg.off_replications):
                jobs.append(make_job("diagnosis", s, k, cfg.seed, cfg.steps, params, noise=noise))
    for i, row in samples.iterrows():
        values = {
            str(n): (int(v) if PARAMETERS[str(n)].kind is int else float(v)) for n, v in row.items()
        }
        for s in cfg.strategies:
            for k in range(cfg.robustness_replications):
                jobs.append(
                    make_job(
                        "robustness",
                        s,
                        k,
                        cfg.seed,
                        cfg.steps,
                        {**base, **values, "strategy": s},
                        sample=int(cast(int, i)),  # samples has a RangeIndex
                    )
                )
    return jobs
