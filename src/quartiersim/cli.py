"""The ``quartiersim`` command line.

Subcommands::

    quartiersim run          one run to a Parquet or CSV file (or a summary on screen)
    quartiersim strategies   a quick look: every strategy on the same few quarters, one table
    quartiersim sweep        an experiment file run in full, resumable, local or on Dask
    quartiersim compare      the headline strategy comparison and its report, one command
    quartiersim report       statistics and figures from a results folder
    quartiersim sensitivity  Morris screening and Sobol indices (SALib)
    quartiersim app          the browser view
    quartiersim validate     the validation report (docs/validation.md)

Every model parameter is a flag generated from :data:`quartiersim.PARAMETERS`
(``n_residents`` → ``--n-residents``). Bad input is answered with a message naming what is wrong
and what is allowed, exit code 2, and no traceback; nothing runs.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quartiersim import __version__
from quartiersim.experiments.errors import UsageError
from quartiersim.measures import MEASURES
from quartiersim.parameters import ACTIVITIES, PARAMETERS, Parameter, validate

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_STEPS = 260


# ---------------------------------------------------------------------------------------------
# Argument types
# ---------------------------------------------------------------------------------------------


def _int_at_least(low: int, what: str = "an integer"):
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {what} >= {low}, got {value}")
        return value

    convert.__name__ = f"integer >= {low}"
    return convert


def _port(text: str) -> int:
    value = _int_at_least(1, "a port number")(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 1..65535, got {value}")
    return value


def parse_role_mix(text: str) -> dict[str, float]:
    """``door_opener=2,dialogue_manager=1`` → ``{"door_opener": 2.0, "dialogue_manager": 1.0}``."""
    mix: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, share = part.partition("=")
        try:
            if not sep:
                raise ValueError
            mix[name.strip()] = float(share)
        except ValueError:
            raise ValueError(
                f"role_mix {text!r}: expected activity=share pairs separated by commas, e.g. "
                f"door_opener=2,dialogue_manager=1 (activities: {', '.join(ACTIVITIES)})"
            ) from None
    if not mix:
        raise ValueError(
            "role_mix is empty: expected activity=share pairs, e.g. "
            "door_opener=2,dialogue_manager=1"
        )
    return mix


def _number(text: str) -> Any:
    """``"12"`` → 12, ``"0.5"`` → 0.5, anything else unchanged (the check then names it)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return (
        int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value
    )


def _parameter_type(p: Parameter):
    def convert(text: str) -> Any:
        try:
            value: Any = text
            if p.kind is dict:
                value = parse_role_mix(text)
            elif p.kind in (int, float):
                value = _number(text)
            return p.check(value)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    convert.__name__ = p.name
    return convert


def _measure_list(text: str) -> tuple[str, ...]:
    from quartiersim.experiments.spec import suggest

    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for n in names:
        if n not in MEASURES:
            raise argparse.ArgumentTypeError(
                f"unknown measure {n!r}{suggest(n, MEASURES)}; measures: {', '.join(MEASURES)}"
            )
    if not names:
        raise argparse.ArgumentTypeError("expected measure names separated by commas")
    return names


def _name_list(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("expected names separated by commas")
    return names


# ---------------------------------------------------------------------------------------------
# Shared flags
# ---------------------------------------------------------------------------------------------


def _help_text(p: Parameter) -> str:
    if p.kind is dict:
        allowed = (
            "activity=share pairs, e.g. door_opener=2,dialogue_manager=1 (activities: "
            + ", ".join(ACTIVITIES)
            + ")"
        )
        default = "the strategy's preset"
    elif p.kind is tuple:
        allowed = "week:event entries separated by commas, e.g. 104:rent_increase,120:funding_cut"
        default = "none"
    else:
        allowed = p.allowed()
        default = repr(p.default) if p.kind is str else f"{p.default}"
    unit = f" ({p.unit})" if p.unit else ""
    return f"{p.meaning}{unit} Allowed: {allowed}. Default: {default}.".replace("%", "%%")


def add_parameter_flags(parser: argparse.ArgumentParser, exclude: Sequence[str] = ()) -> None:
    """One flag per model parameter, generated from the declaration."""
    group = parser.add_argument_group(
        "model parameters",
        "every parameter of quartiersim.PARAMETERS; unset ones keep their defaults",
    )
    for p in PARAMETERS.values():
        if p.name in exclude:
            continue
        kwargs: dict[str, Any] = {"dest": f"param_{p.name}", "default": None, "help": _help_text(p)}
        if p.kind is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = _parameter_type(p)
            kwargs["metavar"] = (
                "{" + ",".join(p.choices) + "}"
                if p.choices
                else "MIX"
                if p.kind is dict
                else "SCHEDULE"
                if p.kind is tuple
                else "N"
                if p.kind is int
                else "X"
            )
        group.add_argument(p.cli_flag, **kwargs)


def given_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The model parameters set on the command line (checked values)."""
    return {
        name: value
        for name in PARAMETERS
        if (value := getattr(args, f"param_{name}", None)) is not None
    }


def _check_parameters(params: dict[str, Any]) -> dict[str, Any]:
    from quartiersim.strategies import role_mix_for

    try:
        full = validate(**params)
        role_mix_for(full["strategy"], full["role_mix"])
    except ValueError as e:
        raise UsageError(str(e)) from None
    return full


def add_executor_flags(parser: argparse.ArgumentParser) -> None:
    """Add --processes and --scheduler (where the runs go)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--processes",
        type=_int_at_least(1),
        metavar="N",
        help="worker processes on this machine (default: one per core)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster: the scheduler's address, tcp://HOST:PORT "
        "or tls://HOST:PORT (needs the 'cluster' extra)",
    )
    for flag, what in (
        ("--tls-ca-file", "the cluster's certificate authority"),
        ("--tls-cert", "this machine's certificate"),
        ("--tls-key", "the certificate's private key"),
    ):
        parser.add_argument(
            flag, metavar="FILE", help=f"with --scheduler tls://...: {what} (PEM file)"
        )
    parser.add_argument(
        "--scheduler-timeout",
        type=_int_at_least(1),
        default=30,
        metavar="SECONDS",
        help="with --scheduler: how long to wait for the scheduler and its first worker "
        "(default 30)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar with rate and time left (default: when on a terminal)",
    )


def tls_files(args: argparse.Namespace) -> Any:
    """The --tls-* files given on the command line (see quartiersim.experiments.cluster)."""
    from quartiersim.experiments.cluster import TLSFiles

    return TLSFiles(args.tls_ca_file, args.tls_cert, args.tls_key)


def add_override_flags(
    parser: argparse.ArgumentParser, *, steps: bool = True, replications: bool = True
) -> None:
    """Add --steps, --replications and --seed overrides of an experiment file."""
    group = parser.add_argument_group("overrides of the experiment file")
    if steps:
        group.add_argument(
            "--steps",
            type=_int_at_least(1),
            metavar="WEEKS",
            help="weeks per run instead of [experiment] steps",
        )
    if replications:
        group.add_argument(
            "--replications",
            type=_int_at_least(1),
            metavar="N",
            help="runs per condition instead of [experiment] replications",
        )
    group.add_argument(
        "--seed",
        type=_int_at_least(0),
        metavar="SEED",
        help="experiment seed instead of [experiment] seed",
    )
    group.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fix a model parameter for every run (replaces its [parameters] value, [sweep] "
        "list or variant value); the value is read as TOML, e.g. --set n_residents=200 "
        "--set strategy=none; repeatable",
    )


def _sets(args: argparse.Namespace) -> dict[str, Any]:
    from quartiersim.experiments.spec import parse_set

    return dict(parse_set(s) for s in args.set)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


# ---------------------------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------------------------

SUMMARY_MEASURES = (
    "social_capital",
    "political_influence",
    "helplessness",
    "participation",
    "withdrawn_share",
    "activated_resources",
)


def cmd_run(args: argparse.Namespace) -> int:
    """quartiersim run: one run, summarised on screen or written to a file."""
    from quartiersim.experiments.runner import simulate
    from quartiersim.experiments.spec import RunSpec, column_value, record_steps
    from quartiersim.experiments.storage import write_atomic

    params = given_parameters(args)
    full = _check_parameters(params)
    if args.out is not None and Path(args.out).suffix.lower() not in (".parquet", ".pq", ".csv"):
        raise UsageError(f"--out {args.out}: expected a file name ending in .parquet or .csv")
    seed = args.seed
    if seed is None:
        seed = secrets.randbits(63)
        print(f"seed {seed} (pass --seed {seed} to repeat this run)", file=sys.stderr)
    measures = args.measures or tuple(MEASURES)
    if "project_running" not in measures:
        measures = (*measures, "project_running")
    spec = RunSpec(
        run_id="run",
        replication=0,
        seed=seed,
        params=params,
        columns={k: column_value(k, full[k]) for k in PARAMETERS if k in params or k == "strategy"},
        steps=args.steps,
        record=record_steps(args.steps, args.record_every, full["project_weeks"]),
        measures=measures,
    )
    frame = simulate(spec)
    if args.out is None:
        print(_run_summary(frame, full, args.steps, seed))
        return EXIT_OK
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        write_atomic(out, lambda fh: fh.write(frame.to_csv(index=False).encode()))
    else:
        write_atomic(out, lambda fh: frame.to_parquet(fh, index=False))
    print(
        f"{out}: {len(frame)} rows (weeks 0..{args.steps}), {len(frame.columns)} columns; "
        f"strategy {full['strategy']}, seed {seed}",
        file=sys.stderr,
    )
    return EXIT_OK


def _run_summary(frame: Any, full: dict[str, Any], steps: int, seed: int) -> str:
    exit_week = full["project_weeks"]
    weeks = [0] + ([exit_week] if 0 < exit_week < steps else []) + [steps]
    names = {0: "start", exit_week: "exit", steps: "end"}
    head = f"{'measure':<22}" + "".join(f"{names[w] + f' (wk {w})':>16}" for w in weeks)
    lines = [
        f"strategy {full['strategy']}, seed {seed}, {steps} weeks, "
        f"{full['n_residents']} households",
        head,
    ]
    by_step = frame.set_index("step")
    for m in SUMMARY_MEASURES:
        if m in by_step:
            lines.append(f"{m:<22}" + "".join(f"{by_step.loc[w, m]:>16.3f}" for w in weeks))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# sweep, compare
# ---------------------------------------------------------------------------------------------


def _note_events(exp: Any) -> None:
    late = set()
    for cond in exp.conditions():
        late |= {f"{w}:{e}" for w, e in cond.full["events"] if w > exp.steps}
    if late:
        print(
            f"note: events after the last week ({exp.steps}) never happen: "
            f"{', '.join(sorted(late))}",
            file=sys.stderr,
        )


def _sweep(exp: Any, out: Path, args: argparse.Namespace) -> int:
    """Run ``exp`` into ``out``; prints what happened; returns the exit code."""
    from quartiersim.experiments.executors import make_executor
    from quartiersim.experiments.sweep import run_sweep

    _note_events(exp)
    executor = make_executor(
        args.processes, args.scheduler, args.scheduler_timeout, tls_files(args)
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        outcome = run_sweep(exp, out, executor, progress=args.progress)
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are saved in {out}; run the same command again "
            "to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.close()
    return _report_outcome(outcome)


def _report_outcome(outcome: Any) -> int:
    out = outcome.out
    if outcome.failed:
        log = out / "_errors.log"
        log.write_text("\n\n".join(f"run {rid}:\n{tb}" for rid, tb in outcome.failed))
        rid, tb = outcome.failed[0]
        last = tb.strip().splitlines()[-1]
        print(
            f"{len(outcome.failed)} of {outcome.total} runs failed (first: {rid}: {last}); "
            f"tracebacks in {log}; finished runs are saved, run the same command again to "
            "retry the failed ones",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(
        f"{out}: {outcome.total} runs complete ({outcome.done} run now, {outcome.skipped} "
        f"already there) in {outcome.seconds:.1f} s; read them with "
        f'pandas.read_parquet("{out}")',
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    """quartiersim sweep: an experiment file run in full (resumes a folder)."""
    from quartiersim.experiments.spec import load_experiment

    exp = load_experiment(
        args.file,
        steps=args.steps,
        replications=args.replications,
        seed=args.seed,
        sets=_sets(args),
    )
    code = _sweep(exp, Path(args.out), args)
    if code == EXIT_OK:
        print(f"next: quartiersim report {args.out} --out {args.out}-report", file=sys.stderr)
    return code


def experiments_dir() -> Path | None:
    """The shipped ``experiments/`` folder: in the working directory, or next to the source
    tree of an editable install."""
    here = Path(__file__).resolve()
    for candidate in (Path.cwd() / "experiments", here.parents[2] / "experiments"):
        if (candidate / "compare_strategies.toml").is_file():
            return candidate
    return None


def cmd_compare(args: argparse.Namespace) -> int:
    """quartiersim compare: the headline strategy comparison and its report."""
    from quartiersim.experiments.report import make_report
    from quartiersim.experiments.spec import load_experiment

    path = args.experiment
    if path is None:
        folder = experiments_dir()
        if folder is None:
            raise UsageError(
                "cannot find experiments/compare_strategies.toml (looked in the working "
                "folder and next to the package); pass --experiment FILE"
            )
        path = folder / "compare_strategies.toml"
    exp = load_experiment(
        path, steps=args.steps, replications=args.replications, seed=args.seed, sets=_sets(args)
    )
    out = Path(args.out)
    code = _sweep(exp, out / "results", args)
    if code != EXIT_OK:
        return code
    report = make_report(out / "results", out / "report", test=args.test)
    print(f"report: {report}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# report, sensitivity, strategies, app
# ---------------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """quartiersim report: statistics and figures from a results folder."""
    from quartiersim.experiments.report import make_report

    path = make_report(
        args.dir,
        args.out,
        outcomes=args.outcomes,
        baselines=args.baselines,
        group_by=args.group_by,
        test=args.test,
        n_boot=args.bootstrap,
    )
    print(f"report: {path}", file=sys.stderr)
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """quartiersim sensitivity: Morris screening and Sobol indices (SALib)."""
    from quartiersim.experiments.executors import make_executor
    from quartiersim.experiments.sensitivity import load_sensitivity, run_sensitivity

    plan = load_sensitivity(args.file, seed=args.seed, sets=_sets(args))
    executor = make_executor(
        args.processes, args.scheduler, args.scheduler_timeout, tls_files(args)
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        outcome, path = run_sensitivity(plan, args.out, executor, progress=args.progress)
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are saved in {Path(args.out) / 'results'}; run "
            "the same command again to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.close()
    if path is None:
        return _report_outcome(outcome)
    print(f"indices: {path} (and morris.csv / sobol.csv next to it)", file=sys.stderr)
    return EXIT_OK


def cmd_strategies(args: argparse.Namespace) -> int:
    """quartiersim strategies: a quick table of every strategy over a few seeds."""
    from quartiersim.experiments.executors import LocalExecutor
    from quartiersim.experiments.quick import QUICK_STRATEGIES, compare_strategies, format_table

    strategies = args.strategies or QUICK_STRATEGIES
    for s in strategies:
        if s not in QUICK_STRATEGIES:
            raise UsageError(
                f"--strategies: unknown strategy {s!r}; expected some of "
                f"{', '.join(QUICK_STRATEGIES)}"
            )
    params = given_parameters(args)
    full = _check_parameters(params)
    data, weeks = compare_strategies(
        strategies,
        quarters=args.quarters,
        seed=args.seed,
        steps=args.steps,
        params=params,
        executor=LocalExecutor(args.processes),
    )
    print(format_table(data, weeks, strategies, full["project_weeks"], args.steps))
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """quartiersim app: start the browser view on this machine."""
    try:
        from quartiersim.app.server import serve
    except ImportError as e:
        raise UsageError(f"the browser view cannot start: {e}") from None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: --host {args.host} makes the view reachable from other machines",
            file=sys.stderr,
        )
    if args.open:
        _open_when_ready(args.host, args.port)
    serve(host=args.host, port=args.port)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """quartiersim validate: generate the validation report."""
    from quartiersim.validation.__main__ import run

    return run(args, command=f"quartiersim validate --config {args.config} --out {args.out}")


def _open_when_ready(host: str, port: int) -> None:
    """Open the browser once the server accepts connections (in a background thread)."""
    import socket
    import threading
    import time
    import webbrowser

    def wait_and_open() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, port), timeout=1):
                    webbrowser.open(f"http://{host}:{port}/")
                    return
            except OSError:
                time.sleep(0.3)

    threading.Thread(target=wait_and_open, daemon=True).start()


# ---------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------


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
        type=_int_at_least(1),
        default=DEFAULT_STEPS,
        metavar="WEEKS",
        help=f"weeks to run (default {DEFAULT_STEPS})",
    )
    p.add_argument(
        "--seed",
        "--rng",
        dest="seed",
        type=_int_at_least(0),
        metavar="SEED",
        help="random seed (default: a random one, printed)",
    )
    p.add_argument(
        "--out", metavar="FILE", help="write one row per week to FILE (.parquet or .csv)"
    )
    p.add_argument(
        "--record-every",
        type=_int_at_least(1),
        default=1,
        metavar="WEEKS",
        help="keep every N-th week (plus the exit and the last week; default 1)",
    )
    p.add_argument(
        "--measures",
        type=_measure_list,
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
        type=_int_at_least(1),
        default=3,
        metavar="N",
        help="quarters (seeds) per strategy (default 3)",
    )
    p.add_argument(
        "--seed",
        type=_int_at_least(0),
        default=1,
        metavar="SEED",
        help="seed from which the quarters' seeds are derived (default 1)",
    )
    p.add_argument(
        "--steps",
        type=_int_at_least(1),
        default=DEFAULT_STEPS,
        metavar="WEEKS",
        help=f"weeks per run (default {DEFAULT_STEPS})",
    )
    p.add_argument(
        "--strategies",
        type=_name_list,
        metavar="LIST",
        help="strategies to compare, separated by commas (default: all presets)",
    )
    p.add_argument(
        "--processes",
        type=_int_at_least(1),
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
    p.add_argument(
        "--test",
        choices=("welch", "mann-whitney"),
        default="welch",
        help="significance test (default welch)",
    )
    add_executor_flags(p)
    add_override_flags(p)
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser(
        "report",
        formatter_class=_Formatter,
        help="statistics and figures from a results folder",
        description="Write REPORT_DIR/report.md with figures (time series with 95%% bands and "
        "the exit marked; outcomes per condition) and tables (mean, bootstrap 95%% CI, Hedges' "
        "g against the baselines, Holm-adjusted tests), plus summary.csv, outcomes.csv and "
        "seeds.csv.",
        epilog="example:\n  quartiersim report results/compare_strategies/results --out "
        "results/compare_strategies/report",
    )
    p.add_argument("dir", metavar="DIR", help="results folder (from sweep or compare)")
    p.add_argument("--out", required=True, metavar="REPORT_DIR", help="folder for the report")
    p.add_argument(
        "--outcomes",
        type=_measure_list,
        metavar="LIST",
        help="measures to report, separated by commas (default: the experiment's "
        "[report] outcomes, else social_capital, political_influence, helplessness, "
        "participation, withdrawn_share, activated_resources)",
    )
    p.add_argument(
        "--baselines",
        type=_name_list,
        metavar="LIST",
        help="conditions to compare against (default: [report] baselines, else none and top_down)",
    )
    p.add_argument(
        "--group-by",
        metavar="FACTOR",
        help="the factor to compare: 'variant' or a swept parameter (default: "
        "variant, else strategy)",
    )
    p.add_argument(
        "--test",
        choices=("welch", "mann-whitney"),
        default="welch",
        help="significance test (default welch)",
    )
    p.add_argument(
        "--bootstrap",
        type=_int_at_least(100),
        default=10_000,
        metavar="N",
        help="bootstrap resamples for the confidence intervals (default 10000)",
    )
    p.set_defaults(handler=cmd_report)

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
    add_override_flags(p, steps=False, replications=False)
    p.set_defaults(handler=cmd_sensitivity)

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
    p.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    p.add_argument(
        "--open",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="open the view in the default browser once it is up (default: no)",
    )
    p.set_defaults(handler=cmd_app)

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quartiersim`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as e:  # bad input (the model's own checks included): nothing ran
        print(f"quartiersim {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as e:
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        print(f"quartiersim {args.command}: error:{where}: {e.strerror or e}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
