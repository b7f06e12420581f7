"""QuartierSim: empowerment work in a disadvantaged urban quarter, as an agent-based model.

Public interface: :class:`QuartierModel`, the parameter declaration :data:`PARAMETERS`, and the
registries of the model's concepts, each a read-only mapping by name: the strategy presets
:data:`STRATEGIES`, the workers' :data:`ACTIVITIES` (the six :data:`ROLES` and case work), the
:data:`EVENTS` and the :data:`MEASURES` recorded every week.

The names are loaded on first use, so that ``import quartiersim`` — and with it every command
line call, even ``quartiersim run --help`` — does not pay for Mesa and the model until it needs
them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOME = {
    "ACTIVITIES": "quartiersim.roles",
    "EVENTS": "quartiersim.events",
    "MEASURES": "quartiersim.measures",
    "PARAMETERS": "quartiersim.parameters",
    "ROLES": "quartiersim.roles",
    "STRATEGIES": "quartiersim.strategies",
    "QuartierModel": "quartiersim.model",
    "validate": "quartiersim.parameters",
}

__all__ = [
    "ACTIVITIES",
    "EVENTS",
    "MEASURES",
    "PARAMETERS",
    "ROLES",
    "STRATEGIES",
    "QuartierModel",
    "__version__",
    "validate",
]

if TYPE_CHECKING:
    from quartiersim.events import EVENTS
    from quartiersim.measures import MEASURES
    from quartiersim.model import QuartierModel
    from quartiersim.parameters import PARAMETERS, validate
    from quartiersim.roles import ACTIVITIES, ROLES
    from quartiersim.strategies import STRATEGIES


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'quartiersim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
