"""The plan of a sweep, shown before it starts: how many runs, and about how long they take.

The runs are counted, not built (an experiment of a million runs is a number here, not a
list), and the time is estimated from a quick timing of one model on this machine: setting up
the quarter and two weeks, scaled by the number of households and weeks of the runs to do and
divided among the executor's workers, plus what starting a worker costs (loading the compiled
code, timed on a small quarter). A plan above :data:`LARGE_RUNS` runs or
:data:`LARGE_SECONDS` of work is *large*: it starts only when confirmed (``--yes``, or a "y"
typed at the question on a terminal).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from quartiersim.errors import UsageError

LARGE_RUNS = 10_000
"""More runs than this need a confirmation."""
LARGE_SECONDS = 24 * 3600.0
"""More estimated work than this (a day on the executor's workers) needs a confirmation."""
TIMED_WEEKS = 2


@dataclass
class Plan:
    """What a sweep is about to do."""

    name: str
    total: int
    shape: str
    where: str
    to_run: int
    seconds: float | None = None

    @property
    def large(self) -> bool:
        return self.to_run > LARGE_RUNS or (self.seconds or 0.0) > LARGE_SECONDS

    def text(self) -> str:
        """One line: ``NAME: 150 runs (5 conditions × 30 replications, 260 weeks each) on 2
        processes on this machine; about 25 min (timed here)``."""
        line = f"{self.name}: {self.total:,} runs ({self.shape}) on {self.where}"
        if self.to_run != self.total:
            line += f"; {self.total - self.to_run:,} stored already"
        if self.seconds is not None and self.to_run:
            line += f"; about {duration(self.seconds)} (timed on this machine)"
        return line


def duration(seconds: float) -> str:
    """``40 s``, ``25 min``, ``3.2 h``, ``4.5 days``."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def time_model(
    params: Mapping[str, Any], weeks: int = TIMED_WEEKS
) -> tuple[float, float, float, int]:
    """Seconds to start (a small quarter's first week: loading compiled code, once per
    process), to set up a quarter with ``params`` and per week of it, and its households."""
    from quartiersim.model import QuartierModel

    start = time.perf_counter()
    QuartierModel(rng=0, n_residents=10, width=10, height=10).step()
    startup = time.perf_counter() - start
    start = time.perf_counter()
    model = QuartierModel(rng=0, **params)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(weeks):
        model.step()
    per_week = (time.perf_counter() - start) / max(weeks, 1)
    return startup, setup, per_week, int(model.p["n_residents"])


def estimate(
    params: Mapping[str, Any], *, runs: int, steps: int, mean_residents: float, slots: int
) -> float:
    """Seconds of wall time for ``runs`` runs of ``steps`` weeks with ``mean_residents``
    households on average, on ``slots`` workers, from a quick timing of ``params``."""
    if runs <= 0:
        return 0.0
    startup, setup, per_week, timed = time_model(params, min(TIMED_WEEKS, max(steps, 1)))
    per_run = (setup + steps * per_week) * mean_residents / max(timed, 1)
    # Every worker process starts once (in parallel); the first one here has started already.
    return startup + runs * per_run / max(min(slots, runs), 1)


def confirm(
    plan: Plan,
    *,
    yes: bool,
    ask: Callable[[str], bool] | None,
    smaller: str,
) -> None:
    """Go on with ``plan`` unless it is large and neither ``yes`` nor ``ask`` (a question on a
    terminal) agrees; then a :class:`UsageError` that names ``--yes`` and how to make the
    plan smaller (``smaller``)."""
    if not plan.large or yes:
        return
    size = f"{plan.to_run:,} runs" + (
        f", about {duration(plan.seconds)}" if plan.seconds is not None else ""
    )
    if ask is not None:
        if ask(f"{plan.name}: {size}. Start?"):
            return
        raise UsageError(f"{plan.name}: not started ({size})")
    raise UsageError(
        f"{plan.name}: {size} — more than {LARGE_RUNS:,} runs or a day of work; pass --yes to "
        f"start it anyway, or make it smaller ({smaller})"
    )
