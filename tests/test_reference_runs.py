"""Same seed, same data: the model reproduces the stored reference runs exactly.

A refactor or an optimisation must not change what the model does. When a change of the model
is intended, regenerate the data with ``tools/make-reference-runs`` in the same commit and say
why in its message.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reference_runs import CASES, run_case

STORED = Path(__file__).parent / "data" / "reference_runs.parquet"


@pytest.fixture(scope="module")
def stored() -> pd.DataFrame:
    return pd.read_parquet(STORED)


@pytest.mark.parametrize("case", list(CASES))
def test_model_reproduces_the_reference_run(stored: pd.DataFrame, case: str) -> None:
    """Every measure of every week equals the stored run of the same seed and parameters."""
    expected = stored[stored["case"] == case].reset_index(drop=True)
    actual = run_case(case)
    assert list(actual.columns) == list(expected.columns), "the measures changed"
    assert len(actual) == len(expected)
    for column in expected.columns:
        if column == "case":
            continue
        np.testing.assert_allclose(
            actual[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=1e-12,
            atol=1e-12,
            err_msg=f"{case}: {column} differs from the reference run",
        )
