"""``python -m quartiersim.validation``: generate the validation report."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from quartiersim.errors import UsageError
from quartiersim.validation.config import COMMAND, load


def _progress() -> Callable[[int, int], None]:
    started = time.time()

    def show(done: int, total: int) -> None:
        elapsed = time.time() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else float("nan")
        print(
            f"\rruns {done}/{total}  {rate * 60:.0f}/min  ~{left / 60:.1f} min left   ",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )

    return show


def build_parser(prog: str = "python -m quartiersim.validation") -> argparse.ArgumentParser:
    """The argument parser of the validation command."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run the validation experiment and write the Markdown report with figures "
        "(known results, calibration, the theory's claims as hypotheses, robustness).",
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the report command (shared with ``quartiersim validate``)."""
    parser.add_argument(
        "--config",
        default="experiments/validation.toml",
        type=Path,
        help="validation experiment file (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        default="docs/validation.md",
        type=Path,
        help="Markdown report to write (default: %(default)s)",
    )
    parser.add_argument(
        "--images",
        default=None,
        type=Path,
        help="folder for the figures (default: images/validation next to --out)",
    )
    parser.add_argument(
        "--processes",
        default=None,
        type=int,
        help="worker processes (default: all cores); results do not depend on it",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="send the runs to the Dask scheduler at tcp://HOST:PORT instead "
        "(needs the 'cluster' extra)",
    )


def run(args: argparse.Namespace, command: str = COMMAND) -> int:
    """Run the report for parsed ``args``; bad input → message on stderr and exit code 2."""
    if args.processes is not None and args.processes < 1:
        print(f"error: --processes={args.processes} is not allowed: expected >= 1", file=sys.stderr)
        return 2
    try:
        cfg = load(args.config)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from quartiersim.validation.report import generate  # heavy: matplotlib, SciPy

    try:
        out = generate(
            cfg,
            args.out,
            images=args.images,
            processes=args.processes,
            progress=_progress(),
            command=command,
            scheduler=args.scheduler,
        )
    except UsageError as e:  # e.g. a scheduler address that is no address, or unreachable
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """python -m quartiersim.validation: generate the report."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
