"""The argument parser: the ``quartiersim`` command, its subcommands and their options.

Model parameters become flags through :mod:`~quartiersim.cli.flags`; each subcommand's handler is
a function of :mod:`~quartiersim.cli.commands`. Errors name the problem and point to
``--help`` (exit code 2).
"""

from __future__ import annotations

import argparse

from quartiersim import __version__
from quartiersim.cli.commands import (
    EXIT_USAGE,
    cmd_app,
    cmd_calibrate,
    cmd_claims,
    cmd_classroom,
    cmd_compare,
    cmd_optimise,
    cmd_repair,
    cmd_report,
    cmd_run,
    cmd_sensitivity,
    cmd_strategies,
    cmd_sweep,
    cmd_validate,
)
from quartiersim.cli.flags import (
    add_executor_flags,
    add_override_flags,
    add_parameter_flags,
    add_safety_flags,
    hours_range,
    int_at_least,
    measure_list,
    name_list,
    port_number,
    positive_number,
    seed_value,
)
from quartiersim.experiments.experiment import DEFAULT_STEPS
from quartiersim.experiments.stats import INTERVALS, MIN_N, MIN_N_BCA, TESTS


def add_test_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--test",
        choices=TESTS,
        default="t",
        help="significance test: t (default; paired t-test with common seeds, else Welch's) or "
        "rank (Wilcoxon signed-rank with common seeds, else Mann-Whitney U)",
    )


class _Parser(argparse.ArgumentParser):
    """Errors name the problem and point to --help, without the long usage line (the run
    command has a flag for every model parameter)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(see `{self.prog} --help`)\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the quartiersim command and its subcommands."""
    parser = _Parser(
        prog="quartiersim",
        description="QuartierSim: empowerment work in a disadvantaged urban quarter, as an "
        "agent-based model. Run `quartiersim COMMAND --help` for a command's options.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"quartiersim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "run",
        help="one run to a Parquet or CSV file (or a summary on screen)",
        formatter_class=_Formatter,
        description="Run the model once. Without --out, print a summary of the main measures "
        "at the start, the exit and the end.",
        epilog="examples:\n"
        "  quartiersim run --strategy empowerment --steps 52 --seed 1\n"
        "  quartiersim run --strategy custom --role-mix door_opener=2,dialogue_manager=1 "
        "--out run.parquet\n"
        "  quartiersim run --events 104:rent_increase,120:funding_cut --out run.csv",
    )
    p.add_argument(
        "--steps",
        type=int_at_least(1),
        default=DEFAULT_STEPS,
        metavar="WEEKS",
        help=f"weeks to run (default {DEFAULT_STEPS})",
    )
    p.add_argument(
        "--seed",
        "--rng",
        dest="seed",
        type=seed_value,
        metavar="SEED",
        help="random seed (default: a random one, printed)",
    )
    p.add_argument(
        "--out", metavar="FILE", help="write one row per week to FILE (.parquet or .csv)"
    )
    p.add_argument(
        "--record-every",
        type=int_at_least(1),
        default=1,
        metavar="WEEKS",
        help="keep every N-th week (plus the exit and the last week; default 1)",
    )
    p.add_argument(
        "--measures",
        type=measure_list,
        metavar="LIST",
        help="measures to keep, separated by commas (default: all)",
    )
    add_parameter_flags(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "strategies",
        formatter_class=_Formatter,
        help="quick look: every strategy on the same few quarters, one table",
        description="Run every strategy (none, top_down, networking, political, empowerment) "
        "on the same few quarters and print social capital and political influence at the "
        "project's end and two years after the exit (mean and sd over the quarters). Nothing "
        "is stored; `quartiersim compare` does the full comparison with statistics.",
        epilog="examples:\n  quartiersim strategies\n"
        "  quartiersim strategies --quarters 2 --steps 60 --project-weeks 30 --n-residents 200",
    )
    p.add_argument(
        "--quarters",
        type=int_at_least(1),
        default=3,
        metavar="N",
        help="quarters (seeds) per strategy (default 3)",
    )
    p.add_argument(
        "--seed",
        type=seed_value,
        default=1,
        metavar="SEED",
        help="seed from which the quarters' seeds are derived (default 1)",
    )
    p.add_argument(
        "--steps",
        type=int_at_least(1),
        default=DEFAULT_STEPS,
        metavar="WEEKS",
        help=f"weeks per run (default {DEFAULT_STEPS})",
    )
    p.add_argument(
        "--strategies",
        type=name_list,
        metavar="LIST",
        help="strategies to compare, separated by commas (default: all presets)",
    )
    p.add_argument(
        "--processes",
        type=int_at_least(1),
        metavar="N",
        help="worker processes (default: one per core)",
    )
    add_parameter_flags(p, exclude=("strategy", "role_mix"))
    p.set_defaults(handler=cmd_strategies)

    p = sub.add_parser(
        "sweep",
        formatter_class=_Formatter,
        help="run an experiment file in full (resumable; local cores or a Dask cluster)",
        description="Run every run of an experiment file into the results folder OUT: one "
        "Parquet file per run, readable as one table with pandas.read_parquet(OUT). Running "
        "the same command again resumes: finished runs are skipped. The file is checked "
        "completely before anything runs.",
        epilog="examples:\n"
        "  quartiersim sweep experiments/segregation.toml --out results/segregation\n"
        "  quartiersim sweep experiments/segregation.toml --out /tmp/seg --replications 2 "
        "--steps 20\n"
        "  quartiersim sweep experiments/segregation.toml --out results/segregation "
        "--scheduler tcp://127.0.0.1:8786",
    )
    p.add_argument("file", metavar="FILE", help="experiment file (TOML)")
    p.add_argument("--out", required=True, metavar="DIR", help="results folder")
    add_executor_flags(p)
    add_safety_flags(p)
    add_override_flags(p)
    p.set_defaults(handler=cmd_sweep)

    p = sub.add_parser(
        "compare",
        formatter_class=_Formatter,
        help="the headline comparison of the strategies, with its report",
        description="Run experiments/compare_strategies.toml (the five strategies, 30 "
        "replications, 260 weeks) into OUT/results and write its report to OUT/report. "
        "Resumable like sweep.",
        epilog="examples:\n  quartiersim compare\n"
        "  quartiersim compare --replications 2 --steps 20 --out /tmp/quick-compare",
    )
    p.add_argument(
        "--experiment",
        metavar="FILE",
        help="experiment file (default: experiments/compare_strategies.toml)",
    )
    p.add_argument(
        "--out",
        default="results/compare_strategies",
        metavar="DIR",
        help="folder for results/ and report/ (default results/compare_strategies)",
    )
    add_test_flag(p)
    add_executor_flags(p)
    add_safety_flags(p)
    add_override_flags(p)
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser(
        "report",
        formatter_class=_Formatter,
        help="statistics and figures from a results folder",
        description="Write REPORT_DIR/report.md with figures (time series with 95% bands and "
        "the exit marked; outcomes per condition, as dose-response curves where a factor is a "
        "number) and tables: per condition the mean and its 95% CI (none below "
        f"{MIN_N} runs); against each baseline the mean difference and Hedges' g with 95% CIs "
        "and a test — paired by seed when the experiment used common seeds — Holm-adjusted "
        "per outcome; an interaction model for factorial designs; scenario discovery for "
        "sampled designs. Tables: conditions.csv, comparisons.csv, outcomes.parquet (tidy), "
        "seeds.csv, model.csv, scenarios.csv.",
        epilog="example:\n  quartiersim report results/compare_strategies/results --out "
        "results/compare_strategies/report",
    )
    p.add_argument("dir", metavar="DIR", help="results folder (from sweep or compare)")
    p.add_argument("--out", required=True, metavar="REPORT_DIR", help="folder for the report")
    p.add_argument(
        "--outcomes",
        type=measure_list,
        metavar="LIST",
        help="measures to report, separated by commas (default: the experiment's "
        "[report] outcomes, else social_capital, political_influence, helplessness, "
        "participation, withdrawn_share, activated_resources)",
    )
    p.add_argument(
        "--baselines",
        type=name_list,
        metavar="LIST",
        help="conditions to compare against (default: [report] baselines, else none and top_down)",
    )
    p.add_argument(
        "--group-by",
        metavar="FACTOR",
        help="the factor to compare: 'variant' or a swept parameter (default: "
        "variant, else strategy)",
    )
    add_test_flag(p)
    p.add_argument(
        "--ci",
        choices=INTERVALS,
        default="t",
        help="confidence intervals: t (default) or bca — the BCa bootstrap, used from "
        f"{MIN_N_BCA} runs on (below it undercovers; the t interval is given instead)",
    )
    p.add_argument(
        "--bootstrap",
        type=int_at_least(100),
        default=10_000,
        metavar="N",
        help="bootstrap resamples for --ci bca, in tables and figures (default 10000)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: when on a terminal)",
    )
    p.add_argument(
        "--allow-mixed",
        action="store_true",
        help="report runs computed by different model code or library versions together "
        "(refused by default; the report states it)",
    )
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser(
        "repair",
        formatter_class=_Formatter,
        help="rebuild a results folder's manifest from its run files",
        description="Rebuild DIR/_manifest.json from the provenance every run file carries "
        "(after the manifest was deleted or damaged); move damaged files and runs of other "
        "experiments to DIR/_set_aside/.",
        epilog="example:\n  quartiersim repair results/segregation",
    )
    p.add_argument("dir", metavar="DIR", help="results folder")
    p.add_argument(
        "--experiment",
        metavar="HASH_OR_NAME",
        help="when the run files are of several experiments: the one to keep (its name, or "
        "the start of its definition hash)",
    )
    p.set_defaults(handler=cmd_repair)

    p = sub.add_parser(
        "sensitivity",
        formatter_class=_Formatter,
        help="global sensitivity analysis: Morris screening and Sobol indices (SALib)",
        description="Run the designs of a sensitivity file into OUT/results (resumable) and "
        "write the indices to OUT/morris.csv, OUT/sobol.csv and OUT/sensitivity.md.",
        epilog="example:\n  quartiersim sensitivity experiments/sensitivity.toml --out "
        "results/sensitivity",
    )
    p.add_argument("file", metavar="FILE", help="sensitivity file (TOML with [sensitivity])")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_executor_flags(p)
    add_safety_flags(p)
    add_override_flags(p, steps=False, replications=False)
    p.set_defaults(handler=cmd_sensitivity)

    p = sub.add_parser(
        "calibrate",
        formatter_class=_Formatter,
        help="history matching: the region of the unanchored parameters that reproduces the "
        "known patterns, checked on held-out ones",
        description="Run a Latin-hypercube design over the [calibration] parameters into "
        "OUT/results (resumable, like sweep), judge every point by its implausibility for each "
        "pattern and write OUT/points.csv, OUT/region.csv (the not-implausible points) and "
        "OUT/calibration.md (with the held-out patterns checked out of sample).",
        epilog="examples:\n"
        "  quartiersim calibrate experiments/calibration.toml --out results/calibration\n"
        "  quartiersim calibrate experiments/calibration.toml --out /tmp/cal --quick",
    )
    p.add_argument("file", metavar="FILE", help="calibration file (TOML with [calibration])")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a few short runs on a small quarter (6 points, 1 replication, 30 weeks): checks "
        "the file and the machinery, not the model",
    )
    add_executor_flags(p)
    add_override_flags(p, steps=False, replications=False)
    p.add_argument(
        "--allow-mixed",
        action="store_true",
        help="keep runs computed by different model code or library versions in one folder "
        "(refused by default)",
    )
    p.set_defaults(handler=cmd_calibrate)

    p = sub.add_parser(
        "claims",
        formatter_class=_Formatter,
        help="claims as regions: the strategy contrasts over a calibration's plausible region "
        "or a grid of parameters (a phase diagram), on paired seeds",
        description="Run every point of a claims file (the not-implausible points of a "
        "calibration's region.csv, or a [claims.grid]) under the strategies its contrasts name, "
        "on the same seeds, into OUT/results (resumable, like sweep), and write OUT/claims.csv "
        "(per point the mean paired difference and its 95% interval), OUT/claims.md (in what "
        "share of the points each contrast holds) and OUT/claims.png (the map).",
        epilog="examples:\n"
        "  quartiersim claims experiments/phase_diagram.toml --out results/phase-diagram\n"
        "  quartiersim claims experiments/phase_diagram.toml --out /tmp/pd --quick",
    )
    p.add_argument("file", metavar="FILE", help="claims file (TOML with [claims])")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a few short runs on a small quarter (2 points or a 2 x 2 grid, 2 paired "
        "replications, 12 weeks): checks the file and the machinery, not the model",
    )
    add_executor_flags(p)
    add_override_flags(p, steps=False, replications=False)
    p.add_argument(
        "--allow-mixed",
        action="store_true",
        help="keep runs computed by different model code or library versions in one folder "
        "(refused by default)",
    )
    p.set_defaults(handler=cmd_claims)

    p = sub.add_parser(
        "optimise",
        formatter_class=_Formatter,
        help="the Pareto front of role mixes (and hours) between social capital and political "
        "influence",
        description="Search the role mix (each role's weight 0..RESOLUTION) and the hours per "
        "worker that maximise two or more outcomes at the run's last week, each candidate on the "
        "same quarters (--seeds), with optuna's multi-objective NSGA-II (or TPE) sampler. Prints "
        "every point of the Pareto front with its role mix, hours and a URL that replays it in "
        "the browser view; writes OUT/front.csv, OUT/trials.csv, OUT/front.png, OUT/optimise.md "
        "and the runs to OUT/results (running the same command again continues from them).",
        epilog="examples:\n"
        "  quartiersim optimise --quick --out results/optimise-quick\n"
        "  quartiersim optimise --out results/optimise --hours 10:39 --budget 60 --seeds 5\n"
        "  quartiersim optimise --out results/opt --objectives social_capital,helplessness:min",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--objectives",
        default="social_capital,political_influence",
        metavar="LIST",
        help="measures to maximise (NAME:min to minimise), at least two, separated by commas "
        "(default social_capital,political_influence)",
    )
    p.add_argument(
        "--hours",
        type=hours_range,
        metavar="LOW:HIGH",
        help="range of hours per worker and week to search, or one value to fix them "
        "(default 10:39)",
    )
    p.add_argument(
        "--budget",
        type=positive_number,
        metavar="HOURS",
        help="staff hours per week, all workers together: caps the hours at BUDGET / n_workers",
    )
    p.add_argument(
        "--seeds",
        type=int_at_least(1),
        metavar="K",
        help="quarters every candidate runs on, the same for all (default 3; --quick 2)",
    )
    p.add_argument(
        "--robust",
        choices=("mean", "worst"),
        default="mean",
        help="score over the quarters: the mean (default) or the worst quarter",
    )
    p.add_argument(
        "--steps",
        type=int_at_least(1),
        metavar="WEEKS",
        help=f"weeks per run; outcomes at the last week (default {DEFAULT_STEPS}; --quick 52)",
    )
    p.add_argument(
        "--population",
        type=int_at_least(2),
        metavar="N",
        help="candidates per generation, run in parallel (default 24; --quick 8)",
    )
    p.add_argument(
        "--generations",
        type=int_at_least(1),
        metavar="N",
        help="generations; more continue a finished search (default 20; --quick 3)",
    )
    p.add_argument(
        "--resolution",
        type=int_at_least(1),
        default=4,
        metavar="N",
        help="each role's weight is a whole number 0..N; the mix is the weights' shares "
        "(default 4)",
    )
    p.add_argument(
        "--sampler",
        choices=("nsga2", "tpe"),
        default="nsga2",
        help="optuna's multi-objective sampler: nsga2 (default) or tpe",
    )
    p.add_argument("--seed", type=seed_value, default=1, metavar="SEED", help="seed (default 1)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a look in minutes: 150 households on 20x20, 52 weeks (26 of project), 2 quarters, "
        "3 generations of 8 (explicit options win)",
    )
    p.add_argument(
        "--app-url",
        default="http://127.0.0.1:8765/",
        metavar="URL",
        help="the browser view's address for the replay URLs (default http://127.0.0.1:8765/)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fix a model parameter for every run (read as TOML), e.g. --set n_workers=3; "
        "repeatable",
    )
    add_executor_flags(p)
    add_safety_flags(p)
    p.set_defaults(handler=cmd_optimise)

    p = sub.add_parser(
        "app",
        formatter_class=_Formatter,
        help="the browser view",
        description="Start the browser view (Solara) on this machine.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p.add_argument("--port", type=port_number, default=8765, help="port (default 8765)")
    p.add_argument(
        "--open",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="open the view in the default browser once it is up (default: no)",
    )
    p.set_defaults(handler=cmd_app)

    p = sub.add_parser(
        "classroom",
        formatter_class=_Formatter,
        help="a classroom session: every student steers a community worker",
        description="Start the browser view with a classroom session open: it prints the join "
        "code, the address students open and the trainer's screen. Without --lan only this "
        "machine can reach it; with --lan, other devices reach the students' pages (and nothing "
        "else).",
        epilog="example:\n  quartiersim classroom --lan --weeks-per-round 13 --round-seconds 120",
    )
    p.add_argument("--port", type=port_number, default=8765, help="port (default 8765)")
    p.add_argument(
        "--lan",
        nargs="?",
        const="auto",
        default=None,
        metavar="ADDRESS",
        help="listen on this machine's address in the local network (or the ADDRESS given), "
        "so that students join from their own devices; default: this machine only",
    )
    p.add_argument(
        "--mode",
        choices=("shared", "competition"),
        default="shared",
        help="shared: one quarter, a worker per team; competition: a copy of the quarter per "
        "team (default shared)",
    )
    p.add_argument("--seed", type=int_at_least(0, "a seed"), default=1, help="seed (default 1)")
    p.add_argument(
        "--weeks-per-round",
        type=int_at_least(1, "a number of weeks"),
        default=13,
        help="weeks played per round (default 13)",
    )
    p.add_argument(
        "--round-seconds",
        type=int_at_least(0, "a number of seconds"),
        default=0,
        help="the round closes after this many seconds (default 0: when every team has chosen "
        "or the trainer closes it)",
    )
    p.add_argument(
        "--max-teams",
        type=int_at_least(0, "a number of teams"),
        default=0,
        help="cap on teams (workers, or quarters in competition); later students join the "
        "smallest team (default 0: no cap)",
    )
    p.add_argument(
        "--after-exit-weeks",
        type=int_at_least(0, "a number of weeks"),
        default=104,
        help="weeks the quarter runs on after the workers have left (default 104)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a model parameter of the session's quarter (read as TOML), e.g. --set "
        "project_weeks=104; repeatable",
    )
    p.set_defaults(handler=cmd_classroom)

    p = sub.add_parser(
        "validate",
        formatter_class=_Formatter,
        help="the validation report: known results, calibration, claims tested, robustness",
        description="Run the validation experiment file and write the Markdown report with its "
        "figures (docs/validation.md, docs/images/validation/).",
        epilog="example:\n  quartiersim validate --config experiments/validation.toml "
        "--out docs/validation.md",
    )
    from quartiersim.validation.__main__ import add_arguments as add_validation_arguments

    add_validation_arguments(p)
    p.set_defaults(handler=cmd_validate)
    return parser
