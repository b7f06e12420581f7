"""Start the browser view: a Solara server for :func:`quartiersim.app.Page` on this machine.

The view must work in a seminar room without internet. Solara serves its JavaScript and CSS
from a local cache (filled by ``tools/install-solara-assets``, which ``make run`` calls); when
that cache is missing the page would stay blank offline, so :func:`serve` says so up front.
"""

from __future__ import annotations

import ipaddress
import sys
import warnings
from pathlib import Path

APP = "quartiersim.app"
ASSET_PACKAGE = "@widgetti/solara-vuetify-app"
"""The front-end package without which Solara's page stays blank (see the offline notes)."""


def asset_cache() -> Path:
    """Where Solara looks for its front-end packages before asking the public CDN."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def assets_installed() -> bool:
    """Whether Solara's assets are cached locally (needed offline)."""
    scope, name = ASSET_PACKAGE.split("/")
    return any((asset_cache() / scope).glob(f"{name}@*"))


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the view at ``http://host:port`` until interrupted (Ctrl+C), printing the address.

    Runs Solara in production mode (no auto-reload, no development tracebacks in the page),
    without its version check and telemetry, which would reach out to the internet.
    """
    if not 0 <= port <= 65535:
        raise ValueError(f"port={port} is not allowed: expected a number from 0 to 65535")
    from solara.__main__ import run
    from solara.server import settings

    settings.telemetry.mixpanel_enable = False
    # Solara warns on every page load that a plain-http cookie on 127.0.0.1 cannot be
    # samesite=none (which only matters when the page is embedded in a foreign iframe).
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    if not assets_installed():
        print(
            f"warning: Solara's browser assets are not in {asset_cache()}; without internet "
            "the page stays blank. Install them with `make setup` (or "
            "`.venv/bin/python tools/install-solara-assets`).",
            file=sys.stderr,
        )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"QuartierSim view: open http://{shown}:{port} in a browser (Ctrl+C stops it).", flush=True
    )
    run.main(
        args=[
            APP,
            "--host",
            host,
            "--port",
            str(port),
            "--no-open",
            "--production",
            "--no-check-version",
            "--log-level-uvicorn",
            "warning",
        ],
        standalone_mode=False,
    )
