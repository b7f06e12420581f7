"""What each subcommand does: check the input, call the toolkit, say what happened.

The work itself lives in :mod:`quartiersim.experiments` (runs, sweeps, reports, sensitivity),
:mod:`quartiersim.validation` and :mod:`quartiersim.app`; a command parses nothing (that is
:mod:`~quartiersim.cli.parser`) and computes nothing. It returns an exit code: 0 done, 1 runs
failed (finished ones are kept), 2 bad input (nothing ran), 130 interrupted.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quartiersim.cli.flags import given_parameters, given_sets, tls_files
from quartiersim.errors import RunFailed, SweepStopped, UsageError
from quartiersim.experiments.experiment import check_parameters

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def again(args: argparse.Namespace) -> str:
    """The command that was run, to run it again (resume)."""
    return "quartiersim " + shlex.join(getattr(args, "argv", None) or [args.command])


def os_error(e: OSError) -> str:
    """An OS error in words, naming the file: ``results/x.parquet: No space left on device``."""
    what = e.strerror or str(e)
    return f"{e.filename}: {what}" if getattr(e, "filename", None) else what


def _ask() -> Callable[[str], bool] | None:
    """A yes/no question on the terminal, or None when nobody is there to answer."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None

    def ask(question: str) -> bool:
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        try:
            return input().strip().lower() in ("y", "yes")
        except EOFError:
            return False

    return ask


def _stopped(out: Path, args: argparse.Namespace, why: str) -> str:
    return f"{why}; finished runs are saved in {out}; resume with: {again(args)}"


# ---------------------------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """quartiersim run: one run, summarised on screen or written to a file."""
    from quartiersim.experiments.single import check_run_file, new_seed, run_single

    params = given_parameters(args)
    # All input checked before the seed is printed and the run starts.
    check_parameters(params)
    if args.out is not None:
        check_run_file(args.out)
    seed = args.seed
    if seed is None:
        seed = new_seed()
        print(f"seed {seed} (pass --seed {seed} to repeat this run)", file=sys.stderr)
    run = run_single(
        params,
        steps=args.steps,
        seed=seed,
        record_every=args.record_every,
        measures=args.measures,
    )
    if args.out is None:
        print(run.summary())
        return EXIT_OK
    out = run.write(args.out)
    print(
        f"{out}: {len(run.frame)} rows (weeks 0..{args.steps}), {len(run.frame.columns)} "
        f"columns; strategy {run.parameters['strategy']}, seed {seed}",
        file=sys.stderr,
    )
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# sweep, compare
# ---------------------------------------------------------------------------------------------


def _note_events(exp: Any) -> None:
    late = exp.events_after_end()
    if late:
        print(
            f"note: events after the last week ({exp.steps}) never happen: {', '.join(late)}",
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
        outcome = run_sweep(
            exp,
            out,
            executor,
            progress=args.progress,
            yes=args.yes,
            ask=_ask(),
            allow_mixed=args.allow_mixed,
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are saved in {out}; run the same command again "
            "to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except SweepStopped as e:
        print(f"quartiersim {args.command}: {_stopped(out, args, str(e))}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as e:
        why = f"error: {os_error(e)}"
        print(f"quartiersim {args.command}: {_stopped(out, args, why)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.close()
    return _report_outcome(outcome)


def _report_outcome(outcome: Any) -> int:
    out = outcome.out
    if outcome.failed:
        log = outcome.write_error_log()
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
    from quartiersim.experiments.experiment import load_experiment

    exp = load_experiment(
        args.file,
        steps=args.steps,
        replications=args.replications,
        seed=args.seed,
        sets=given_sets(args),
    )
    code = _sweep(exp, Path(args.out), args)
    if code == EXIT_OK:
        print(f"next: quartiersim report {args.out} --out {args.out}-report", file=sys.stderr)
    return code


def cmd_compare(args: argparse.Namespace) -> int:
    """quartiersim compare: the headline strategy comparison and its report."""
    from quartiersim.experiments.experiment import experiments_dir, load_experiment
    from quartiersim.experiments.report import make_report

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
        path,
        steps=args.steps,
        replications=args.replications,
        seed=args.seed,
        sets=given_sets(args),
    )
    out = Path(args.out)
    code = _sweep(exp, out / "results", args)
    if code != EXIT_OK:
        return code
    report = make_report(
        out / "results",
        out / "report",
        test=args.test,
        allow_mixed=args.allow_mixed,
        progress=args.progress,
    )
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
        interval=args.ci,
        n_boot=args.bootstrap,
        allow_mixed=args.allow_mixed,
        progress=args.progress,
    )
    print(f"report: {path}", file=sys.stderr)
    return EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    """quartiersim repair: rebuild a results folder's manifest from its run files."""
    from quartiersim.experiments.storage import repair

    outcome = repair(args.dir, experiment=args.experiment)
    for before, after, why in outcome.set_aside:
        print(f"{before}: {why}; moved to {after}", file=sys.stderr)
    what = f"rebuilt {outcome.manifest}" if outcome.rebuilt else f"{outcome.manifest} was sound"
    print(
        f"{what}: experiment {outcome.name!r}, {outcome.runs} runs"
        + (f" computed by {outcome.codes} different codes" if outcome.codes > 1 else ""),
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """quartiersim sensitivity: Morris screening and Sobol indices (SALib)."""
    from quartiersim.experiments.executors import make_executor
    from quartiersim.experiments.sensitivity import load_sensitivity, run_sensitivity

    plan = load_sensitivity(args.file, seed=args.seed, sets=given_sets(args))
    executor = make_executor(
        args.processes, args.scheduler, args.scheduler_timeout, tls_files(args)
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    results = Path(args.out) / "results"
    try:
        outcome, path = run_sensitivity(
            plan,
            args.out,
            executor,
            progress=args.progress,
            yes=args.yes,
            ask=_ask(),
            allow_mixed=args.allow_mixed,
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are saved in {results}; run "
            "the same command again to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except SweepStopped as e:
        print(f"quartiersim sensitivity: {_stopped(results, args, str(e))}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as e:
        why = f"error: {os_error(e)}"
        print(f"quartiersim sensitivity: {_stopped(results, args, why)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.close()
    if path is None:
        return _report_outcome(outcome)
    print(f"indices: {path} (and morris.csv / sobol.csv next to it)", file=sys.stderr)
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    """quartiersim calibrate: history matching of the unanchored parameters."""
    from quartiersim.experiments.calibration import load_calibration, run_calibration
    from quartiersim.experiments.executors import make_executor

    plan = load_calibration(args.file, seed=args.seed, sets=given_sets(args), quick=args.quick)
    executor = make_executor(
        args.processes, args.scheduler, args.scheduler_timeout, tls_files(args)
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        outcome, path = run_calibration(
            plan, args.out, executor, progress=args.progress, allow_mixed=args.allow_mixed
        )
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
    print(f"calibration: {path} (and points.csv / region.csv next to it)", file=sys.stderr)
    return EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    """quartiersim claims: the strategy contrasts over a region or a grid of points."""
    from quartiersim.experiments.claims import load_claims, run_claims
    from quartiersim.experiments.executors import make_executor

    plan = load_claims(args.file, seed=args.seed, sets=given_sets(args), quick=args.quick)
    executor = make_executor(
        args.processes, args.scheduler, args.scheduler_timeout, tls_files(args)
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        outcome, path = run_claims(
            plan, args.out, executor, progress=args.progress, allow_mixed=args.allow_mixed
        )
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
    print(f"claims: {path} (and claims.csv / claims.png next to it)", file=sys.stderr)
    return EXIT_OK


def cmd_optimise(args: argparse.Namespace) -> int:
    """quartiersim optimise: the Pareto front of role mixes (and hours)."""
    from quartiersim.experiments.executors import make_executor
    from quartiersim.experiments.optimise import format_front, make_plan, run_optimise

    plan = make_plan(
        seed=args.seed,
        steps=args.steps,
        seeds=args.seeds,
        population=args.population,
        generations=args.generations,
        objectives=args.objectives,
        hours=args.hours,
        budget=args.budget,
        resolution=args.resolution,
        sets=given_sets(args),
        sampler=args.sampler,
        robust=args.robust,
        quick=args.quick,
    )
    executor = make_executor(
        args.processes, args.scheduler, args.scheduler_timeout, tls_files(args)
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    results = Path(args.out) / "results"
    try:
        _, front, page = run_optimise(
            plan,
            args.out,
            executor,
            progress=args.progress,
            app_url=args.app_url,
            yes=args.yes,
            ask=_ask(),
            allow_mixed=args.allow_mixed,
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are saved in {results}; run the "
            "same command again to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except (SweepStopped, RunFailed) as e:
        print(f"quartiersim optimise: {_stopped(results, args, str(e))}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as e:
        why = f"error: {os_error(e)}"
        print(f"quartiersim optimise: {_stopped(results, args, why)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
        executor.close()
    print(f"Pareto front ({len(front)} points; figure and tables in {args.out}):")
    print(format_front(plan, front))
    print(f"page: {page}", file=sys.stderr)
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
    full = check_parameters(params)
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


def cmd_classroom(args: argparse.Namespace) -> int:
    """quartiersim classroom: the view with a classroom session open."""
    try:
        from quartiersim.app.classroom import room, web
        from quartiersim.app.server import serve
        from quartiersim.app.session import PRESETS
    except ImportError as e:
        raise UsageError(f"the browser view cannot start: {e}") from None
    host = "127.0.0.1"
    if args.lan is not None:
        host = web.lan_address() if args.lan == "auto" else args.lan
        web.check_listen_address(host, args.port)
    try:
        settings = room.check_settings(
            room.Settings(
                mode=args.mode,
                seed=args.seed,
                params={**PRESETS["seminar"], **given_sets(args)},
                weeks_per_round=args.weeks_per_round,
                round_seconds=args.round_seconds or None,
                max_teams=args.max_teams or None,
                after_exit_weeks=args.after_exit_weeks,
            )
        )
    except ValueError as e:
        raise UsageError(str(e)) from None
    classroom = room.open_classroom(settings)
    web.lock_down()
    shown = f"[{host}]" if ":" in host else host
    banner = (
        f"QuartierSim classroom: join code {classroom.code}\n"
        f"  students open {web.join_address(host, args.port)} and enter the code\n"
        f"  (or {web.join_link(host, args.port, classroom.code)})\n"
        f"  trainer's screen: http://{shown}:{args.port}/classroom (this machine only)\n"
    )
    if args.lan is None:
        banner += "  only this machine can reach it; --lan lets other devices join\n"
    banner += "Ctrl+C stops it."
    serve(host=host, port=args.port, banner=banner)
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
