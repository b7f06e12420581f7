"""The fixed runs behind ``tests/data/reference_runs.parquet`` (see tools/make-reference-runs).

Small quarters, every strategy, a custom mix with scheduled events, and an exit inside the run,
so that every mechanism — roles, case work, groups, the arena, events, the exit — is exercised.
"""

from __future__ import annotations

import pandas as pd

from quartiersim import QuartierModel

QUARTER = {"n_residents": 250, "width": 24, "height": 24, "project_weeks": 40}
STEPS = 60
CASES: dict[str, dict] = {
    "none": {"strategy": "none"},
    "top_down": {"strategy": "top_down"},
    "networking": {"strategy": "networking"},
    "political": {"strategy": "political"},
    "empowerment": {"strategy": "empowerment"},
    "custom_events": {
        "strategy": "custom",
        "role_mix": {"door_opener": 2.0, "conflict_mediator": 1.0, "case_work": 1.0},
        "events": ("5:open_conflict", "12:rent_increase", "20:new_arrivals", "30:funding_cut"),
        "segregation": 0.9,
    },
}
SEED = 20261130


def run_case(name: str) -> pd.DataFrame:
    """One reference run: every measure of every week, with its case name and week."""
    model = QuartierModel(rng=SEED, **QUARTER, **CASES[name])
    for _ in range(STEPS):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe().reset_index(names="week")
    frame.insert(0, "case", name)
    return frame


def reference_frame() -> pd.DataFrame:
    """All reference runs, one after the other."""
    return pd.concat([run_case(name) for name in CASES], ignore_index=True)
