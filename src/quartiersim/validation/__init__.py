"""Model credibility: pattern-oriented validation and an honest report of what emerges.

``python -m quartiersim.validation --config experiments/validation.toml --out docs/validation.md``
runs everything in the experiment file and writes the report with its figures:

1. known results reproduced (Granovetter's cascade, Burt's decay of bridges, the S-shaped
   take-off of a group, Neal's segregation and bonding/bridging ties);
2. calibration of the quarter without intervention against stylised facts;
3. the theory's claims as hypotheses with effect sizes and confidence intervals;
4. robustness of the strategy ranking under perturbed parameters.

Modules: :mod:`~quartiersim.validation.config` (the experiment file),
:mod:`~quartiersim.validation.design` (the runs the report needs),
:mod:`~quartiersim.validation.runs` (seeds and the process pool),
:mod:`~quartiersim.validation.known` (the known results),
:mod:`~quartiersim.validation.claims` (the stylised facts and the theory's claims, as data),
:mod:`~quartiersim.validation.analysis` (estimates and verdicts from the results, with
:mod:`~quartiersim.validation.stats`), and :mod:`~quartiersim.validation.report` with
:mod:`~quartiersim.validation.figures` (the Markdown and the figures).
"""

from typing import Any

from quartiersim.validation.config import ValidationConfig, from_dict, load

_FROM_REPORT = ("COMMAND", "FIGURES", "SECTIONS", "generate")


def __getattr__(name: str) -> Any:
    # The report pulls in matplotlib and SciPy's optimisers; load it only when it is used, so
    # `quartiersim --help` and the experiment-file checks stay quick.
    if name in _FROM_REPORT:
        from quartiersim.validation import report

        return getattr(report, name)
    raise AttributeError(f"module 'quartiersim.validation' has no attribute {name!r}")


__all__ = ["COMMAND", "FIGURES", "SECTIONS", "ValidationConfig", "from_dict", "generate", "load"]
