"""The researcher's toolkit: experiment files, resumable sweeps, statistics and sensitivity.

- :func:`run_single` runs the model once and summarises it or writes it to a file
  (:mod:`.single`);
- :func:`load_experiment` reads and checks an experiment file (:mod:`.experiment`,
  :mod:`.source`; exclusions and sampled designs in :mod:`.designs`; run identities and seeds
  in :mod:`.identity`);
- :func:`run_sweep` runs it into a results folder on local processes or a Dask cluster,
  showing its plan first (:mod:`.plan`) and skipping finished runs (:mod:`.sweep`,
  :mod:`.executors`, :mod:`.storage`); every run file carries its provenance
  (:mod:`.provenance`), and :func:`repair` rebuilds a folder's manifest from them;
- :func:`make_report` writes statistics and figures (:mod:`.report`; the numbers from
  :mod:`.analysis`, :mod:`.stats`, :mod:`.factorial` and :mod:`.scenarios`, the figures from
  :mod:`.figures`);
- :func:`load_sensitivity` / :func:`run_sensitivity`: Morris and Sobol indices with SALib;
- :func:`make_plan` / :func:`run_optimise`: the Pareto front of role mixes with optuna
  (:mod:`.optimise`);
- :class:`UsageError` and the other errors, from :mod:`quartiersim.errors`.

The command line ``quartiersim`` (:mod:`quartiersim.cli`) is a thin layer over these.
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each name lives (a leading dot: in this package). Imported on first use: worker
# processes import this package to run models and should not pay for matplotlib or SALib.
_WHERE = {
    "RunFailed": "quartiersim.errors",
    "SweepStopped": "quartiersim.errors",
    "UsageError": "quartiersim.errors",
    "WorkerDied": "quartiersim.errors",
    "DaskExecutor": ".executors",
    "LocalExecutor": ".executors",
    "make_executor": ".executors",
    "make_report": ".report",
    "load_sensitivity": ".sensitivity",
    "run_sensitivity": ".sensitivity",
    "load_claims": ".claims",
    "run_claims": ".claims",
    "make_plan": ".optimise",
    "run_optimise": ".optimise",
    "Experiment": ".experiment",
    "experiments_dir": ".experiment",
    "load_experiment": ".experiment",
    "RunSpec": ".identity",
    "SingleRun": ".single",
    "run_single": ".single",
    "ResultStore": ".storage",
    "repair": ".storage",
    "run_sweep": ".sweep",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
