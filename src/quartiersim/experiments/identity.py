"""What a run *is*: canonical values, digests, derived seeds, and the :class:`RunSpec` that
carries a run to a worker.

A run's seed is derived from the experiment seed and the run's identity (its parameters and
replication), never from its position in a list, so results do not depend on the order of runs,
the number of processes or the executor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from quartiersim import PARAMETERS

AFTER_EXIT_WEEKS = 104
"""The report's "after the exit" point: two years after the workers left (or the run's end)."""


def canonical(value: Any) -> Any:
    """A JSON-ready form of a checked parameter value, the same for equal values."""
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def derive_seed(experiment_seed: int, identity: Any) -> int:
    """The run's seed: NumPy's ``SeedSequence(experiment_seed, spawn_key=...)`` with the spawn
    key taken from a hash of the run's identity, so it depends on *what* the run is, not on
    *when* or *where* it runs. An integer in [0, 2**63)."""
    key = hashlib.sha256(canonical_json(identity).encode()).digest()
    spawn_key = tuple(int.from_bytes(key[i : i + 4], "little") for i in range(0, 16, 4))
    state = np.random.SeedSequence(experiment_seed, spawn_key=spawn_key).generate_state(
        1, dtype=np.uint64
    )
    return int(state[0] >> np.uint64(1))


def column_value(name: str, value: Any) -> Any:
    """A parameter value as stored in a result column: numbers and texts as they are; a role
    mix as ``"door_opener=0.5,dialogue_manager=0.5"`` (non-zero shares, "" for the strategy's
    preset); an event schedule as ``"104:rent_increase,120:funding_cut"``."""
    kind = PARAMETERS[name].kind
    if kind is dict:
        if value is None:
            return ""
        return ",".join(f"{k}={v:.4g}" for k, v in value.items() if v > 0)
    if kind is tuple:
        return ",".join(f"{week}:{event}" for week, event in value)
    return value


def record_steps(steps: int, every: int, project_weeks: int) -> tuple[int, ...]:
    """Weeks whose measures are kept: week 0, every ``every`` weeks, the last week, and the
    weeks the report looks at (the exit and two years after it)."""
    weeks = set(range(0, steps + 1, every)) | {steps}
    weeks |= {w for w in (project_weeks, project_weeks + AFTER_EXIT_WEEKS) if w <= steps}
    return tuple(sorted(weeks))


@dataclass(frozen=True)
class RunSpec:
    """One model run: everything a worker process needs, and nothing it could get wrong.

    ``params`` go to :class:`~quartiersim.QuartierModel` as keywords, ``seed`` as ``rng``;
    ``columns`` are the labels stored with every row (variant and parameter values);
    ``identity`` is what the run *is* (its condition and replication, canonical), stored in its
    file's provenance.
    """

    run_id: str
    replication: int
    seed: int
    params: dict[str, Any]
    columns: dict[str, Any]
    steps: int
    record: tuple[int, ...]
    measures: tuple[str, ...]
    identity: dict[str, Any] | None = None
