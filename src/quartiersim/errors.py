"""The errors QuartierSim raises on purpose, in one place.

- :class:`UsageError` — bad user input (a file, a flag, a folder): the command line prints the
  message and exits with code 2; nothing ran.
- :class:`WorkerDied` — a worker process ended without returning its runs (again and again:
  a sweep replaces a lost worker and runs its task again first).
- :class:`SweepStopped` — a sweep had to stop for a reason outside its runs (the Dask
  scheduler was lost); its finished runs are kept and the same command resumes it.
- :class:`RunFailed` — a model run raised an error where no results folder keeps the others.

Invalid model parameters raise plain ``ValueError`` (see :func:`quartiersim.validate`), which
:class:`UsageError` subclasses: to a user both mean "fix the input".
"""

from __future__ import annotations


class UsageError(ValueError):
    """Bad user input, with a message that names what is wrong and what is allowed.

    The command line prints the message (no traceback) and exits with code 2. It subclasses
    ``ValueError`` because the model raises ``ValueError`` for bad parameter values, and both
    mean the same to a user: nothing ran, fix the input.
    """


class WorkerDied(RuntimeError):
    """A worker process ended without returning its task (killed, out of memory)."""


class SweepStopped(RuntimeError):
    """A sweep stopped before its end for a reason outside its runs (the connection to the
    Dask scheduler was lost). Finished runs are stored; running the same command resumes."""


class RunFailed(RuntimeError):
    """A model run raised an error; the message carries the run's id and its traceback.

    Sweeps record failed runs and go on (``_errors.log`` in the results folder); only the quick
    strategy table, which stores nothing, stops at the first failure.
    """
