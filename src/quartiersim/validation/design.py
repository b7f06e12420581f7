"""The runs the validation report needs: the strategy comparison, the role ablation, the
segregation quarters and the robustness samples, as jobs for :func:`~.runs.run_jobs`.

Replication *k* of every arm shares its seed (common random numbers, see :mod:`.runs`), so arms
are compared quarter by quarter.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd
from scipy.stats import qmc

from quartiersim import PARAMETERS, ROLES, STRATEGIES
from quartiersim.validation.config import ValidationConfig
from quartiersim.validation.runs import Job, make_job


def without(role: str) -> dict[str, float]:
    """Empowerment's mix with one role's share set to zero: what the ablation compares against."""
    shares = STRATEGIES["empowerment"].shares
    assert shares is not None  # a preset, not 'custom'
    return {activity: (0.0 if activity == role else share) for activity, share in shares.items()}


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
