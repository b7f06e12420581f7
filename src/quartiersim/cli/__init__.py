"""The ``quartiersim`` command line.

Subcommands::

    quartiersim run          one run to a Parquet or CSV file (or a summary on screen)
    quartiersim strategies   a quick look: every strategy on the same few quarters, one table
    quartiersim sweep        an experiment file run in full, resumable, local or on Dask
    quartiersim compare      the headline strategy comparison and its report, one command
    quartiersim report       statistics and figures from a results folder
    quartiersim sensitivity  Morris screening and Sobol indices (SALib)
    quartiersim optimise     the Pareto front of role mixes (optuna)
    quartiersim app          the browser view
    quartiersim validate     the validation report (docs/validation.md)

Every model parameter is a flag generated from :data:`quartiersim.PARAMETERS`
(``n_residents`` → ``--n-residents``). Bad input is answered with a message naming what is wrong
and what is allowed, exit code 2, and no traceback; nothing runs.

The command line only parses, calls and prints: :mod:`~quartiersim.cli.flags` (flags derived from
the parameter declaration), :mod:`~quartiersim.cli.parser` (the subcommands and their options)
and :mod:`~quartiersim.cli.commands` (what each subcommand calls). The work is done by
:mod:`quartiersim.experiments`, :mod:`quartiersim.validation` and :mod:`quartiersim.app`, which
can be used from Python as well.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from quartiersim.cli.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from quartiersim.cli.parser import build_parser
from quartiersim.errors import UsageError

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


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
