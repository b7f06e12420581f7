"""The trainer's browser view (Solara): ``solara run quartiersim.app`` or ``quartiersim app``.

:func:`Page` is the page Solara serves; :func:`quartiersim.app.server.serve` starts it on
127.0.0.1; ``python -m quartiersim.app --port 8765`` does the same from a shell.
"""

import os
import sys

import solara

from quartiersim.app.classroom.trainer import ClassroomPage
from quartiersim.app.page import Page


@solara.component
def PlainLayout(children: list | None = None) -> None:
    """Solara's layout without its tabs of the routes: each page has its own way to the
    other (the view's "Classroom mode" button, the classroom's "Browser view"). Set on the
    root route only: Solara wraps every page in the root's layout, and a second one would
    nest."""
    solara.AppLayout(children=children or [], navigation=False)


# `solara run quartiersim.app` imports this module while its server starts: prepare that
# server as `quartiersim app` does (host and origin checks, memory of ended sessions freed).
if "solara.server.starlette" in sys.modules and "SOLARA_APP" in os.environ:
    from quartiersim.app.server import prepare_server

    prepare_server()

# Two pages: the view and the trainer's classroom screen. Without explicit routes Solara would
# turn every submodule of this package that holds a component into a page of its own.
routes = [
    solara.Route(path="/", component=Page, label="QuartierSim", layout=PlainLayout),
    solara.Route(path="classroom", component=ClassroomPage, label="Classroom"),
]

__all__ = ["ClassroomPage", "Page", "PlainLayout", "routes"]
