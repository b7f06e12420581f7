"""The ``quartiersim`` command line.

Subcommands::

    quartiersim run          one run to a Parquet or CSV file (or a summary on screen)
    quartiersim strategies   a quick look: every strategy on the same few quarters, one table
    quartiersim sweep        an experiment file run in full, resumable, local or on Dask
    quartiersim compare      the headline strategy comparison and its report, one command
    quartiersim report       statistics and figures from a results folder
    quartiersim repair       rebuild a results folder's manifest from its run files
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

import os
import sys
from collections.abc import Sequence

# One BLAS thread unless the caller chose otherwise, set before NumPy loads: a run's matrix
# products are narrow (residents x problems), so further BLAS threads only wait beside it —
# busy, and on the process's CPU time (a district's week took about twice as long with them)
# — and a sweep already runs one process per core. Its workers inherit the setting.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from quartiersim.cli.commands import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    os_error,
)
from quartiersim.cli.parser import build_parser
from quartiersim.errors import UsageError

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quartiersim`` console script; returns the exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        return args.handler(args)
    except UsageError as e:  # bad input (the model's own checks included): nothing ran
        print(f"quartiersim {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as e:  # a full disk, a folder that cannot be written: name the file
        print(f"quartiersim {args.command}: error: {os_error(e)}", file=sys.stderr)
        return EXIT_FAILED
