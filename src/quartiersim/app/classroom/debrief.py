"""The debrief: the students' plans against their outcomes, and against the preset strategies
run on the same seed — and the export of the whole session.

**Presets on the same seed.** When the project's weeks are played, :class:`PresetRuns` runs
every strategy with a preset (:data:`quartiersim.experiments.quick.QUICK_STRATEGIES`) on the
class's seed and settings, with as many workers as a class quarter had and the events the
trainer triggered at the same weeks — the same quarter the students started from, under the
textbook mixes. The runs go to worker processes through the researchers' toolkit
(:func:`quartiersim.experiments.runner.run_batch`), so the server stays responsive.

**Export.** :func:`session_frame` is one table of the whole session: a row per team and round
(the plan — hours per activity, districts — who chose it, the hours actually spent, and every
measure of the team's quarter at the round's end) and a row per preset strategy at the same
weeks. CSV and Parquet (:func:`csv_bytes`, :func:`parquet_bytes`).
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from quartiersim import ACTIVITIES, MEASURES, STRATEGIES, validate
from quartiersim.app.classroom.choices import placed_roles

if TYPE_CHECKING:
    from quartiersim.app.classroom.room import Classroom, RoundRecord

log = logging.getLogger(__name__)

OUTCOMES = ("social_capital", "political_influence", "helplessness", "participation")
"""The outcomes the debrief table shows (the export has every measure)."""


def preset_strategies() -> list[str]:
    """The strategies with a preset mix, in declaration order (live: a new one joins)."""
    from quartiersim.experiments.quick import QUICK_STRATEGIES

    return list(QUICK_STRATEGIES)


def workers_per_quarter(classroom: Classroom) -> int:
    """How many workers one of the class's quarters has: one per team in the shared quarter,
    the settings' number in each copy of a competition."""
    sessions = classroom.sessions()
    if sessions:
        return len(sessions[0].model.workers)
    return int(validate(**classroom.settings.params)["n_workers"])


class PresetRuns:
    """The preset strategies on the class's seed and settings, running in worker processes.

    ``frame`` is ``None`` while they run, then one row per strategy and recorded week (columns
    ``strategy``, ``step`` and every measure); ``error`` says what went wrong, if anything."""

    def __init__(self, seed: int, params: dict[str, Any], weeks: tuple[int, ...]) -> None:
        self.seed, self.params, self.weeks = seed, params, weeks
        self.frame: pd.DataFrame | None = None
        self.error: str | None = None
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, classroom: Classroom, done: Callable[[], None]) -> PresetRuns:
        """Start the runs for ``classroom`` (its weeks so far and after the exit) in the
        background; ``done()`` is called when they have finished or failed."""
        with classroom.lock:
            params = dict(classroom.settings.params)
            params["n_workers"] = workers_per_quarter(classroom)
            if classroom.events:
                params["events"] = tuple(classroom.events)
            end = classroom.project_weeks + classroom.settings.after_exit_weeks
            weeks = {r.week_to for r in classroom.records} | {0, classroom.project_weeks, end}
        runs = cls(classroom.settings.seed, params, tuple(sorted(weeks)))
        runs._thread = threading.Thread(target=runs._run, args=(done,), daemon=True)
        runs._thread.start()
        return runs

    @property
    def ready(self) -> bool:
        return self.frame is not None or self.error is not None

    def cancel(self) -> None:
        self._cancelled.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the runs are done (for tests and the command line); ``True`` if so."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def _run(self, done: Callable[[], None]) -> None:
        from quartiersim.experiments.executors import LocalExecutor
        from quartiersim.experiments.identity import RunSpec
        from quartiersim.experiments.runner import run_batch

        specs = [
            RunSpec(
                run_id=strategy,
                replication=0,
                seed=self.seed,
                params={**self.params, "strategy": strategy},
                columns={"strategy": strategy},
                steps=max(self.weeks),
                record=self.weeks,
                measures=tuple(MEASURES),
            )
            for strategy in preset_strategies()
        ]
        frames = []
        try:
            results = LocalExecutor(processes=min(2, len(specs))).map_unordered(
                run_batch, [[spec] for spec in specs]
            )
            try:
                for batch in results:
                    if self._cancelled.is_set():
                        return
                    for result in batch:
                        if result.error is not None:
                            raise RuntimeError(f"preset {result.run_id} failed:\n{result.error}")
                        frames.append(result.frame)
            finally:
                results.close()
            order = {name: k for k, name in enumerate(preset_strategies())}
            frame = pd.concat(frames, ignore_index=True)
            frame = frame.sort_values(
                ["strategy", "step"], key=lambda c: c.map(order) if c.name == "strategy" else c
            )
            self.frame = frame.reset_index(drop=True)
        except Exception as e:  # shown to the trainer; the class goes on
            log.exception("the preset runs failed")
            self.error = f"{type(e).__name__}: {e}"
        finally:
            if not self._cancelled.is_set():
                done()

    def at(self, strategy: str, week: int) -> dict[str, float] | None:
        """The measures of ``strategy``'s quarter at ``week`` (``None`` if not run or recorded)."""
        if self.frame is None:
            return None
        rows = self.frame[(self.frame["strategy"] == strategy) & (self.frame["step"] == week)]
        if rows.empty:
            return None
        return {m: float(rows.iloc[0][m]) for m in MEASURES}


def preset_hours(strategy: str, budget: float) -> dict[str, float]:
    """A preset's mix as hours of one worker's week, per activity."""
    mix = STRATEGIES[strategy].mix or {}
    return {a: budget * share for a, share in mix.items()}


def mean_hours(records: list[RoundRecord]) -> dict[str, float]:
    """A team's plans over the project, as hours per activity, weighted by the weeks each plan
    ran."""
    weeks = sum(r.week_to - r.week_from for r in records)
    if weeks == 0:
        return {}
    return {
        a: sum(r.hours.get(a, 0.0) * (r.week_to - r.week_from) for r in records) / weeks
        for a in ACTIVITIES
    }


def debrief_rows(classroom: Classroom) -> list[dict[str, Any]]:
    """One row per team and per preset: mean hours per activity over the project, and the
    outcomes at the project's end (``*_exit``) and at the latest week played (``*_end``).

    In shared mode every team played in the same quarter: the outcomes are the class's, and the
    rows differ only in the plans."""
    with classroom.lock:
        exit_week = classroom.project_weeks
        played = [r for r in classroom.records if not r.after_exit]
        last_week = max((r.week_to for r in classroom.records), default=0)
        rows: list[dict[str, Any]] = []
        for team in classroom.teams.values():
            mine = [r for r in played if r.team == team.name]
            if not mine:
                continue
            row: dict[str, Any] = {
                "kind": "team",
                "name": team.name,
                "members": ", ".join(classroom.members(team)) or "—",
                "hours": mean_hours(mine),
            }
            ends = {r.week_to: r for r in classroom.records if r.team == team.name}
            for suffix, week in (("exit", exit_week), ("end", last_week)):
                record = ends.get(week)
                for m in OUTCOMES:
                    row[f"{m}_{suffix}"] = record.measures[m] if record is not None else None
            rows.append(row)
        presets = classroom.presets
        budget = classroom.budget
    for strategy in preset_strategies():
        row = {
            "kind": "preset",
            "name": strategy,
            "members": "",
            "hours": preset_hours(strategy, budget),
        }
        for suffix, week in (("exit", exit_week), ("end", last_week)):
            values = presets.at(strategy, week) if presets is not None else None
            for m in OUTCOMES:
                row[f"{m}_{suffix}"] = values[m] if values is not None else None
        rows.append(row)
    return rows


def session_frame(classroom: Classroom) -> pd.DataFrame:
    """The whole session as one table: a row per team and round, and a row per preset
    strategy at the same weeks (see the module's docstring)."""
    with classroom.lock:
        records = list(classroom.records)
        settings = classroom.settings
        presets = classroom.presets
        budget = classroom.budget
    placed = placed_roles()
    rows: list[dict[str, Any]] = []
    for r in records:
        row: dict[str, Any] = {
            "kind": "team",
            "team": r.team,
            "members": "; ".join(r.members),
            "round": r.round,
            "week_from": r.week_from,
            "week_to": r.week_to,
            "after_exit": r.after_exit,
            "submitted": r.submitted,
            "chosen_by": r.chosen_by,
        }
        row.update({f"hours_{a}": float(r.hours.get(a, 0.0)) for a in ACTIVITIES})
        row.update({f"area_{a}": r.areas.get(a, "all") for a in placed})
        row.update({f"spent_{a}": float(r.spent.get(a, 0.0)) for a in ACTIVITIES})
        row.update({m: r.measures[m] for m in MEASURES})
        rows.append(row)
    if presets is not None and presets.frame is not None:
        weeks = sorted({(r.round, r.week_from, r.week_to, r.after_exit) for r in records})
        for strategy in preset_strategies():
            hours = preset_hours(strategy, budget)
            for round_no, week_from, week_to, after_exit in weeks:
                values = presets.at(strategy, week_to)
                if values is None:
                    continue
                row = {
                    "kind": "preset",
                    "team": strategy,
                    "members": "",
                    "round": round_no,
                    "week_from": week_from,
                    "week_to": week_to,
                    "after_exit": after_exit,
                    "submitted": False,
                    "chosen_by": "",
                }
                row.update({f"hours_{a}": float(hours.get(a, 0.0)) for a in ACTIVITIES})
                row.update({f"area_{a}": "all" for a in placed})
                row.update({f"spent_{a}": float("nan") for a in ACTIVITIES})
                row.update(values)
                rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame.insert(0, "seed", settings.seed)
    frame.insert(0, "mode", settings.mode)
    return frame


def csv_bytes(classroom: Classroom) -> bytes:
    """The session table as CSV (UTF-8)."""
    return session_frame(classroom).to_csv(index=False).encode()


def parquet_bytes(classroom: Classroom) -> bytes:
    """The session table as Parquet."""
    buffer = io.BytesIO()
    session_frame(classroom).to_parquet(buffer, index=False)
    return buffer.getvalue()
