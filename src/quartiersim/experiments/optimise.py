"""Optimal role mixes: the Pareto front of role mixes (and weekly hours) between two or more
outcomes — by default social capital and political influence — robust over several quarters.

A *candidate* is a role mix (each of the six roles gets a whole-number weight 0..``resolution``;
the mix is the weights' shares, rounded to three decimals) and the workers' weekly hours, within
a budget of staff hours. Each candidate runs on the same ``seeds`` quarters (common random
numbers: candidates are compared on the same quarters) and is scored by the mean (or the worst)
of each outcome over them at the run's last week. A multi-objective sampler of optuna — NSGA-II
(Deb et al. 2002) by default, TPE on request — proposes a *generation* of candidates at a time,
which run in parallel on the executor of a sweep; the front is the set of candidates no other
candidate beats in every outcome. On a toy objective with a known front, NSGA-II with 24 × 20
candidates found it from every seed tried, TPE with 12 × 10 from some seeds only (tests and
docs/researchers.md).

Runs go into a results folder (``OUT/results``) like a sweep's, by the same verified path: a
candidate's run has the identity and seed any run with its parameters would have and its file
carries its provenance; stored runs count only when they verify, results of other code are
refused unless ``--allow-mixed``, and a large search is shown as a plan that starts only when
confirmed (``--yes``). The sampler is seeded, so running the same command again replays the
same candidates from the stored runs and continues where it stopped (``--generations`` may
grow). Each point of the front can be replayed in the browser view
through a URL whose query names the model's parameters.

optuna is imported only here, when ``quartiersim optimise`` runs.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from quartiersim.errors import UsageError
from quartiersim.experiments.identity import (
    RunSpec,
    canonical,
    column_value,
    derive_seed,
    digest,
)
from quartiersim.parameters import DEFAULTS, PARAMETERS, SEMINAR
from quartiersim.roles import ROLES

SAMPLERS = ("nsga2", "tpe")
ROBUST = ("mean", "worst")
APP_URL = "http://127.0.0.1:8765/"
"""Where `quartiersim app` serves the browser view by default."""

QUICK: dict[str, Any] = {
    "steps": 52,
    "seeds": 2,
    "population": 8,
    "generations": 3,
    "parameters": {"n_residents": 150, "width": 20, "height": 20, "project_weeks": 26},
}
"""``--quick``: a look in a few minutes — a seminar-size quarter, one year (half a year of
project work), two quarters per candidate, three generations of eight candidates."""


# ---------------------------------------------------------------------------------------------
# What is searched, and what is scored
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Objective:
    """An outcome to maximise (or, with ``minimise``, to minimise) at the run's last week."""

    measure: str
    minimise: bool = False

    @property
    def direction(self) -> str:
        return "minimize" if self.minimise else "maximize"

    def text(self) -> str:
        return f"{self.measure}:min" if self.minimise else self.measure


def parse_objectives(text: str | Sequence[str]) -> tuple[Objective, ...]:
    """``social_capital,helplessness:min`` → the objectives (at least two, measures known)."""
    from quartiersim import MEASURES

    parts = text.split(",") if isinstance(text, str) else list(text)
    out = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        name, _, how = part.partition(":")
        if name not in MEASURES:
            raise UsageError(
                f"--objectives: unknown measure {name!r}; measures: {', '.join(MEASURES)}"
            )
        if how not in ("", "max", "min"):
            raise UsageError(f"--objectives {part!r}: append :min to minimise, :max to maximise")
        out.append(Objective(name, how == "min"))
    if len(out) < 2 or len({o.measure for o in out}) != len(out):
        raise UsageError("--objectives: name at least two different measures for a Pareto front")
    return tuple(out)


@dataclass(frozen=True)
class Candidate:
    """A role mix (shares of the six roles, three decimals; zero shares left out) and the
    workers' weekly hours."""

    mix: tuple[tuple[str, float], ...]
    hours: float

    @property
    def role_mix(self) -> dict[str, float]:
        return dict(self.mix)

    def parameters(self) -> dict[str, Any]:
        return {"strategy": "custom", "role_mix": self.role_mix, "hours_per_week": self.hours}

    def mix_text(self) -> str:
        """``door_opener=0.4,dialogue_manager=0.6``: the role mix in the command line's syntax."""
        return ",".join(f"{role}={share:g}" for role, share in self.mix)


def mix_from_weights(weights: Sequence[int], roles: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """Whole-number weights → the shares, rounded to three decimals (what the model runs)."""
    total = sum(weights)
    if total == 0:  # no weight at all: an even mix (the model would otherwise do nothing)
        weights, total = [1] * len(roles), len(roles)
    return tuple((r, round(w / total, 3)) for r, w in zip(roles, weights, strict=True) if w > 0)


@dataclass(frozen=True)
class Space:
    """Where candidates are searched: the roles' weights 0..``resolution`` and the hours."""

    roles: tuple[str, ...]
    hours: tuple[float, float]
    resolution: int = 4
    hours_step: float = 1.0

    def propose(self, trial: Any) -> Candidate:
        weights = [trial.suggest_int(r, 0, self.resolution) for r in self.roles]
        low, high = self.hours
        if high > low:
            top = low + math.floor((high - low) / self.hours_step) * self.hours_step
            hours = float(trial.suggest_float("hours_per_week", low, top, step=self.hours_step))
        else:
            hours = float(low)
        return Candidate(mix_from_weights(weights, self.roles), hours)

    def describe(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "hours": list(self.hours),
            "resolution": self.resolution,
            "hours_step": self.hours_step,
        }


# ---------------------------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------------------------


@dataclass
class Evaluated:
    """A candidate and its scores: the robust value of each objective, and per objective the
    values over the quarters."""

    candidate: Candidate
    generation: int
    scores: tuple[float, ...]
    values: tuple[tuple[float, ...], ...] = ()


@dataclass
class Search:
    """All evaluated candidates, in order, and the Pareto front among them."""

    objectives: tuple[Objective, ...]
    evaluated: list[Evaluated] = field(default_factory=list)

    def front(self) -> list[Evaluated]:
        """The candidates no other beats in every objective (each distinct candidate once),
        ordered by the first objective."""
        unique: dict[Candidate, Evaluated] = {}
        for e in self.evaluated:
            unique.setdefault(e.candidate, e)
        points = list(unique.values())
        sign = np.array([-1.0 if o.minimise else 1.0 for o in self.objectives])
        scores = np.array([e.scores for e in points], dtype=float) * sign
        keep = []
        for i, s in enumerate(scores):
            dominated = np.any(np.all(scores >= s, axis=1) & np.any(scores > s, axis=1))
            if not dominated and np.all(np.isfinite(s)):
                keep.append(points[i])
        return sorted(keep, key=lambda e: -e.scores[0] * sign[0])


Evaluate = Callable[[list[Candidate], int], list[tuple[tuple[float, ...], tuple]]]
"""Scores a generation: candidates and the generation's number → per candidate the robust
scores and the per-quarter values."""


def search(
    space: Space,
    objectives: Sequence[Objective],
    evaluate: Evaluate,
    *,
    population: int,
    generations: int,
    seed: int,
    sampler: str = "nsga2",
    on_generation: Callable[[int, Search], None] | None = None,
) -> Search:
    """Run the multi-objective search with optuna's ask-and-tell interface: each generation
    asks ``population`` candidates, ``evaluate`` scores them together (in parallel), and the
    scores are told back in order, so the search is the same however the runs are scheduled."""
    optuna = _optuna()
    if sampler == "tpe":
        chosen = optuna.samplers.TPESampler(
            seed=seed % 2**32,
            multivariate=True,
            constant_liar=True,  # a generation is asked before any of it is told
            n_startup_trials=population,
        )
    elif sampler == "nsga2":
        chosen = optuna.samplers.NSGAIISampler(population_size=population, seed=seed % 2**32)
    else:
        raise UsageError(f"--sampler {sampler!r}: expected one of {', '.join(SAMPLERS)}")
    study = optuna.create_study(directions=[o.direction for o in objectives], sampler=chosen)
    result = Search(tuple(objectives))
    for generation in range(generations):
        trials = [study.ask() for _ in range(population)]
        candidates = [space.propose(t) for t in trials]
        scored = evaluate(candidates, generation)
        for trial, candidate, (scores, values) in zip(trials, candidates, scored, strict=True):
            if all(math.isfinite(s) for s in scores):
                study.tell(trial, list(scores))
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            result.evaluated.append(Evaluated(candidate, generation, tuple(scores), values))
        if on_generation is not None:
            on_generation(generation, result)
    return result


def _optuna() -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import optuna
    except ImportError:
        raise UsageError(
            "quartiersim optimise needs optuna, which is not installed: "
            "pip install 'quartiersim[optimise]'"
        ) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


# ---------------------------------------------------------------------------------------------
# The model as the objective: runs, stored and resumable
# ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """A checked optimisation of role mixes on the model."""

    seed: int
    steps: int
    seeds: int
    population: int
    generations: int
    objectives: tuple[Objective, ...]
    space: Space
    parameters: dict[str, Any]
    sampler: str = "nsga2"
    robust: str = "mean"
    budget: float | None = None

    def quarter_seeds(self) -> list[int]:
        """The quarters every candidate runs on (common random numbers)."""
        return [derive_seed(self.seed, {"replication": k}) for k in range(self.seeds)]

    def run_for(self, candidate: Candidate, k: int) -> RunSpec:
        from quartiersim.experiments.experiment import check_parameters

        params = {**self.parameters, **candidate.parameters()}
        full = check_parameters(params)
        identity = {"variant": None, "parameters": canonical(full)}
        return RunSpec(
            identity=canonical({"condition": identity, "replication": k}),
            run_id=f"{digest(identity)[:12]}-r{k:04d}",
            replication=k,
            seed=derive_seed(self.seed, {"replication": k}),
            params=params,
            columns={
                "strategy": "custom",
                "role_mix": column_value("role_mix", full["role_mix"]),
                "hours_per_week": full["hours_per_week"],
            },
            steps=self.steps,
            record=(self.steps,),
            measures=tuple(dict.fromkeys(o.measure for o in self.objectives)),
        )

    def definition(self) -> dict[str, Any]:
        """What decides the runs and the search (not how many generations: more generations
        continue the same search; a parameter set to its default is one left out)."""
        from quartiersim.experiments.experiment import changed_from

        return canonical(
            {
                "kind": "optimise",
                "seed": self.seed,
                "steps": self.steps,
                "seeds": self.seeds,
                "population": self.population,
                "objectives": [o.text() for o in self.objectives],
                "space": self.space.describe(),
                "parameters": changed_from(self.parameters, DEFAULTS),
                "sampler": self.sampler,
                "robust": self.robust,
                "defaults": DEFAULTS,
            }
        )

    def describe(self) -> dict[str, Any]:
        return {
            "name": "optimise",
            "seed": self.seed,
            "steps": self.steps,
            "replications": self.seeds,
            "common_seeds": True,
            "population": self.population,
            "generations": self.generations,
            "objectives": [o.text() for o in self.objectives],
            "space": self.space.describe(),
            "budget": self.budget,
            "parameters": canonical(self.parameters),
            "sampler": self.sampler,
            "robust": self.robust,
            "label_columns": ["strategy", "role_mix", "hours_per_week"],
        }

    def score(self, values: np.ndarray) -> tuple[float, ...]:
        """The robust score of each objective from its values over the quarters (rows)."""
        out = []
        for j, o in enumerate(self.objectives):
            column = values[:, j]
            if self.robust == "mean":
                out.append(float(column.mean()))
            else:  # the worst quarter: lowest where higher is better
                out.append(float(column.max() if o.minimise else column.min()))
        return tuple(out)


def make_plan(
    *,
    seed: int = 1,
    steps: int | None = None,
    seeds: int | None = None,
    population: int | None = None,
    generations: int | None = None,
    objectives: str | Sequence[str] = "social_capital,political_influence",
    hours: tuple[float, float] | None = None,
    budget: float | None = None,
    resolution: int = 4,
    sets: Mapping[str, Any] | None = None,
    sampler: str = "nsga2",
    robust: str = "mean",
    quick: bool = False,
) -> Plan:
    """Check the settings and return the :class:`Plan`. ``quick`` fills what is not given from
    :data:`QUICK`; ``budget`` (staff hours per week, all workers together) caps the hours."""
    from quartiersim.experiments.experiment import check_parameters

    base = QUICK if quick else {}
    parameters = {**(base.get("parameters", {}) if quick else {}), **dict(sets or {})}
    for taken in ("strategy", "role_mix", "hours_per_week"):
        if taken in parameters:
            raise UsageError(
                f"--set {taken}: the optimiser chooses the role mix and the hours itself "
                "(use --hours for their range)"
            )
    for name, value in list(parameters.items()):
        if name not in PARAMETERS:
            raise UsageError(f"--set {name}=...: unknown parameter")
        try:
            parameters[name] = PARAMETERS[name].check(value)
        except ValueError as e:
            raise UsageError(f"--set {name}: {e}") from None
    full = check_parameters({**parameters, "strategy": "empowerment"})
    if robust not in ROBUST:
        raise UsageError(f"--robust {robust!r}: expected one of {', '.join(ROBUST)}")
    if resolution < 1:
        raise UsageError(f"--resolution {resolution}: expected an integer >= 1")
    spec = PARAMETERS["hours_per_week"]
    low, high = hours if hours is not None else (10.0, float(spec.default))
    for h in (low, high):
        try:
            spec.check(h)
        except ValueError as e:
            raise UsageError(f"--hours: {e}") from None
    if low > high:
        raise UsageError(f"--hours {low:g}:{high:g}: the low end must not be above the high end")
    if budget is not None:
        workers = full["n_workers"]
        if workers == 0:
            raise UsageError("--budget: with n_workers = 0 there are no hours to spend")
        cap = budget / workers
        if cap < low:
            raise UsageError(
                f"--budget {budget:g}: {workers} workers at the lowest --hours ({low:g}) already "
                f"need {workers * low:g} hours a week"
            )
        high = min(high, cap)
    return Plan(
        seed=seed,
        steps=steps or base.get("steps", 260),
        seeds=seeds or base.get("seeds", 3),
        population=population or base.get("population", 24),
        generations=generations or base.get("generations", 20),
        objectives=parse_objectives(objectives),
        space=Space(tuple(ROLES), (float(low), float(high)), resolution),
        parameters=parameters,
        sampler=sampler,
        robust=robust,
        budget=budget,
    )


def model_evaluator(
    plan: Plan,
    store: Any,
    executor: Any,
    progress: bool | None,
    *,
    finished: set[str] | None = None,
    allow_mixed: bool = False,
    log: Callable[[str], None] | None = None,
) -> Evaluate:
    """Score candidates by running the model: the runs of ``store`` that verified
    (``finished``, from :meth:`~.storage.ResultStore.verify`) are read, the others run on
    ``executor`` and are stored as they finish, each with its provenance; a result of other
    code than the folder's stops the search unless ``allow_mixed``."""
    from quartiersim.errors import RunFailed
    from quartiersim.experiments.sweep import execute, run_cost

    known: dict[str, dict[str, float]] = {}
    if finished:
        frame, _ = store.read(allow_mixed=allow_mixed)
        last = frame[frame["step"] == plan.steps]
        measures = [o.measure for o in plan.objectives]
        for run_id, row in last.set_index("run_id")[measures].iterrows():
            known[str(run_id)] = row.to_dict()

    def keep(result: Any) -> None:
        if result.frame is not None:
            row = result.frame[result.frame["step"] == plan.steps].iloc[0]
            known[result.run_id] = {o.measure: float(row[o.measure]) for o in plan.objectives}

    def evaluate(candidates: list[Candidate], generation: int) -> list:
        specs = {c: [plan.run_for(c, k) for k in range(plan.seeds)] for c in candidates}
        pending: dict[str, RunSpec] = {}
        for runs in specs.values():
            for r in runs:
                if r.run_id not in known:
                    pending.setdefault(r.run_id, r)
        if pending:
            runs = list(pending.values())
            failed = execute(
                runs,
                len(runs),
                store,
                executor,
                total=len(runs),
                desc=f"generation {generation + 1}/{plan.generations}",
                cost=run_cost(runs),
                progress=progress,
                allow_mixed=allow_mixed,
                on_result=keep,
                **({"log": log} if log is not None else {}),
            )
            if failed:
                rid, tb = failed[0]
                raise RunFailed(
                    f"{len(failed)} runs failed (first: {rid}: {tb.strip().splitlines()[-1]}); "
                    "finished runs are stored: run the same command again to continue"
                )
        out = []
        for c in candidates:
            values = np.array(
                [[known[r.run_id][o.measure] for o in plan.objectives] for r in specs[c]]
            )
            out.append((plan.score(values), tuple(map(tuple, values.T))))
        return out

    return evaluate


# ---------------------------------------------------------------------------------------------
# Results: tables, the front's figure, replay URLs
# ---------------------------------------------------------------------------------------------


def replay_url(
    plan: Plan, candidate: Candidate, base: str = APP_URL, seed: int | None = None
) -> str:
    """The browser view's URL that replays ``candidate`` on the first quarter it ran on: query
    parameters named after the model's parameters, values in the command line's syntax."""
    query: dict[str, str] = {
        "seed": str(plan.quarter_seeds()[0] if seed is None else seed),
        "strategy": "custom",
        "role_mix": candidate.mix_text(),
        "hours_per_week": f"{candidate.hours:g}",
    }
    # The view starts on the seminar quarter: name the quarter's size so the replay runs on
    # the quarter the candidate ran on.
    for name in SEMINAR.values:
        query[name] = cli_text(name, plan.parameters.get(name, DEFAULTS[name]))
    for name, value in plan.parameters.items():
        query[name] = cli_text(name, value)
    return base.rstrip("/") + "/?" + urlencode(query, safe=",=:")


def cli_text(name: str, value: Any) -> str:
    """A parameter value as the command line writes it (``--role-mix``, ``--events``, ...)."""
    if PARAMETERS[name].kind in (dict, tuple):
        return str(column_value(name, value))
    if isinstance(value, float):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)


def tables(plan: Plan, result: Search, base: str = APP_URL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``trials`` (every evaluated candidate) and ``front`` (the Pareto points, numbered from
    1, with their replay URLs)."""
    front = result.front()
    on_front = {e.candidate for e in front}

    def row(e: Evaluated) -> dict[str, Any]:
        r: dict[str, Any] = {"generation": e.generation}
        shares = e.candidate.role_mix
        r |= {f"share_{role}": shares.get(role, 0.0) for role in plan.space.roles}
        r["hours_per_week"] = e.candidate.hours
        r["staff_hours"] = e.candidate.hours * _workers(plan)
        for j, o in enumerate(plan.objectives):
            r[o.measure] = e.scores[j]
            values = e.values[j] if e.values else ()
            if len(values) > 1:
                r[f"{o.measure}_sd"] = float(np.std(values, ddof=1))
        return r

    trials = pd.DataFrame(
        [{**row(e), "on_front": e.candidate in on_front} for e in result.evaluated]
    )
    points = []
    for i, e in enumerate(front, 1):
        points.append(
            {
                "point": i,
                **row(e),
                "role_mix": e.candidate.mix_text(),
                "url": replay_url(plan, e.candidate, base),
            }
        )
    return trials, pd.DataFrame(points)


def _workers(plan: Plan) -> int:
    return int(plan.parameters.get("n_workers", DEFAULTS["n_workers"]))


def plot_front(plan: Plan, trials: pd.DataFrame, front: pd.DataFrame, path: Path) -> None:
    """Every candidate (grey) and the Pareto front (numbered) over the first two objectives."""
    from matplotlib.figure import Figure

    from quartiersim.experiments.figures import save_figure

    x, y = plan.objectives[0].measure, plan.objectives[1].measure
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.subplots()
    ax.scatter(trials[x], trials[y], s=14, color="#bbbbbb", label="candidates")
    if not front.empty:
        ordered = front.sort_values(x)
        ax.plot(ordered[x], ordered[y], "-o", color="#d95f02", ms=6, lw=1.4, label="Pareto front")
        for _, r in front.iterrows():
            ax.annotate(
                str(int(r["point"])),
                (r[x], r[y]),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=8,
            )
    robust = "mean" if plan.robust == "mean" else "worst"
    ax.set_xlabel(f"{x} ({robust} over {plan.seeds} quarters, week {plan.steps})")
    ax.set_ylabel(f"{y} ({robust} over {plan.seeds} quarters)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.suptitle("Role mixes: the Pareto front", fontsize=10)
    save_figure(fig, path)


def format_front(plan: Plan, front: pd.DataFrame) -> str:
    """The front as text for the terminal: each point's scores, role mix, hours and URL."""
    lines = []
    for _, r in front.iterrows():
        scores = ", ".join(f"{o.measure} {r[o.measure]:.3f}" for o in plan.objectives)
        mix = ", ".join(
            f"{role} {r[f'share_{role}']:.0%}"
            for role in plan.space.roles
            if r[f"share_{role}"] > 0
        )
        lines.append(
            f"{int(r['point'])}. {scores}\n   role mix: {mix}; {r['hours_per_week']:g} hours per "
            f"worker and week\n   replay: {r['url']}"
        )
    return "\n".join(lines)


def markdown(plan: Plan, front: pd.DataFrame, n_trials: int) -> str:
    head = ["point", *[o.measure for o in plan.objectives], "role mix", "hours", "replay"]
    lines = [
        "# Optimal role mixes",
        "",
        f"{n_trials} candidates ({plan.generations} generations of {plan.population}, sampler "
        f"{plan.sampler}), each on the same {plan.seeds} quarters (seed {plan.seed}), "
        f"{plan.steps} weeks; scored by the {plan.robust} over the quarters at week "
        f"{plan.steps}. Hours per worker in [{plan.space.hours[0]:g}, {plan.space.hours[1]:g}]"
        + (f" (budget {plan.budget:g} staff hours a week)" if plan.budget is not None else "")
        + ".",
        "",
        "![the Pareto front](front.png)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for _, r in front.iterrows():
        mix = ", ".join(
            f"{role} {r[f'share_{role}']:.0%}"
            for role in plan.space.roles
            if r[f"share_{role}"] > 0
        )
        lines.append(
            "| "
            + " | ".join(
                [
                    str(int(r["point"])),
                    *[f"{r[o.measure]:.3f}" for o in plan.objectives],
                    mix,
                    f"{r['hours_per_week']:g}",
                    f"[open]({r['url']})",
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def plan_optimise(plan: Plan, store: Any, executor: Any) -> Any:
    """The plan of a search into ``store``, shown before it starts (:mod:`.plan`): its runs at
    most (candidates that repeat run once), those stored already, and a time estimate."""
    from quartiersim.experiments.plan import Plan as RunPlan
    from quartiersim.experiments.plan import estimate

    total = plan.population * plan.generations * plan.seeds
    shape = (
        f"at most {plan.generations} generations × {plan.population} candidates × "
        f"{plan.seeds} quarters, {plan.steps} weeks each"
    )
    shown = RunPlan("optimise", total, shape, executor.description, total)
    if store.manifest_path.exists() and store.manifest()["definition_hash"] == digest(
        plan.definition()
    ):
        shown.to_run = max(total - len(store.finished()), 0)
    if shown.to_run:
        params = {**plan.parameters, "strategy": "empowerment"}
        shown.seconds = estimate(
            params,
            runs=shown.to_run,
            steps=plan.steps,
            mean_residents=params.get("n_residents", DEFAULTS["n_residents"]),
            slots=executor.slots,
        )
    return shown


def run_optimise(
    plan: Plan,
    out: Path | str,
    executor: Any = None,
    *,
    progress: bool | None = None,
    app_url: str = APP_URL,
    log: Callable[[str], None] | None = None,
    command: list[str] | None = None,
    yes: bool = False,
    ask: Callable[[str], bool] | None = None,
    allow_mixed: bool = False,
) -> tuple[Search, pd.DataFrame, Path]:
    """Run the search on the model into ``out`` (runs in ``out/results``; ``trials.csv``,
    ``front.csv``, ``front.png``, ``optimise.md``); returns the search, the front and the
    page's path.

    Like a sweep, it shows its plan first and starts a large one only with ``yes`` or when
    ``ask`` agrees; stored runs are verified (broken or foreign files are set aside and run
    again) and results of other code are refused unless ``allow_mixed``.
    """
    from quartiersim.experiments.executors import LocalExecutor
    from quartiersim.experiments.plan import confirm
    from quartiersim.experiments.provenance import this_code
    from quartiersim.experiments.storage import ResultStore, write_text_atomic

    out = Path(out)
    executor = executor or LocalExecutor()
    say = log or (lambda m: print(m, file=sys.stderr, flush=True))
    store = ResultStore(out / "results", log=say)
    shown = plan_optimise(plan, store, executor)
    say(shown.text())
    confirm(
        shown,
        yes=yes,
        ask=ask,
        smaller="fewer --generations, a smaller --population or fewer --seeds",
    )
    code = this_code()
    executor.check_code(code, allow_mixed)
    with store.writing():
        resumed = store.prepare(
            plan.definition(),
            digest(plan.definition()),
            {
                "experiment": plan.describe(),
                "source": {"path": None, "text": "", "overrides": {}},
                "command": command if command is not None else sys.argv,
            },
            code=code,
            allow_mixed=allow_mixed,
        )
        finished = store.verify()
        if resumed:
            say(f"resuming from {len(finished)} stored runs")
        evaluate = model_evaluator(
            plan,
            store,
            executor,
            progress,
            finished=finished,
            allow_mixed=allow_mixed,
            log=say,
        )
        result = search(
            plan.space,
            plan.objectives,
            evaluate,
            population=plan.population,
            generations=plan.generations,
            seed=derive_seed(plan.seed, ["optimise", plan.sampler]),
            sampler=plan.sampler,
        )
    trials, front = tables(plan, result, app_url)
    write_text_atomic(out / "trials.csv", trials.to_csv(index=False))
    write_text_atomic(out / "front.csv", front.to_csv(index=False))
    plot_front(plan, trials, front, out / "front.png")
    page = out / "optimise.md"
    write_text_atomic(page, markdown(plan, front, len(trials)))
    return result, front, page
