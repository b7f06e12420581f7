"""The trainer's browser view (Solara): ``solara run quartiersim.app`` or ``quartiersim app``.

:func:`Page` is the page Solara serves; :func:`quartiersim.app.server.serve` starts it on
127.0.0.1; ``python -m quartiersim.app --port 8765`` does the same from a shell.
"""

import os
import sys

import solara

from quartiersim.app.page import Page

# One page. Without explicit routes Solara would turn every submodule of this package that
# holds a component into a page of its own (with tabs in the app bar).
routes = [solara.Route(path="/", component=Page, label="QuartierSim")]

# `solara run quartiersim.app` imports this module while its server starts: prepare that
# server as `quartiersim app` does (host and origin checks, memory of ended sessions freed).
if "solara.server.starlette" in sys.modules and "SOLARA_APP" in os.environ:
    from quartiersim.app.server import prepare_server

    prepare_server()

__all__ = ["Page", "routes"]
