"""QuartierSim: empowerment work in a disadvantaged urban quarter, as an agent-based model.

Public interface: :class:`QuartierModel`, the parameter declaration :data:`PARAMETERS`, and the
registries of the model's concepts, each a read-only mapping by name: the strategy presets
:data:`STRATEGIES`, the workers' :data:`ACTIVITIES` (the six :data:`ROLES` and case work), the
:data:`EVENTS` and the :data:`MEASURES` recorded every week.
"""

from quartiersim.events import EVENTS
from quartiersim.measures import MEASURES
from quartiersim.model import QuartierModel
from quartiersim.parameters import PARAMETERS, validate
from quartiersim.roles import ACTIVITIES, ROLES
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
