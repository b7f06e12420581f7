"""QuartierSim: empowerment work in a disadvantaged urban quarter, as an agent-based model.

Public interface: :class:`QuartierModel`, the parameter declaration :data:`PARAMETERS`, the
strategy presets :data:`STRATEGIES`, the six :data:`ROLES`, the :data:`EVENTS` and the
:data:`MEASURES` recorded every week.
"""

from quartiersim.events import EVENTS
from quartiersim.measures import MEASURES
from quartiersim.model import QuartierModel
from quartiersim.parameters import ACTIVITIES, PARAMETERS, ROLES, validate
from quartiersim.strategies import STRATEGIES

__version__ = "0.1.0"

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
