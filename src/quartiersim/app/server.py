"""Start the browser view: a Solara server for :func:`quartiersim.app.Page` on this machine.

The view must work in a seminar room without internet. Solara serves its JavaScript and CSS
from a local cache (filled by ``tools/install-solara-assets``, which ``make run`` calls); when
that cache is missing the page would stay blank offline, so :func:`serve` says so up front.

Every server of the view — started by :func:`serve` (``quartiersim app``) or by ``solara run
quartiersim.app`` — is prepared by :func:`prepare_server`: it answers only the right clients
(:mod:`quartiersim.app.guard`) and gives back the memory of sessions that ended.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import sys
import threading
import warnings
from pathlib import Path

from quartiersim.app.guard import is_loopback, protect_running_server

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


__all__ = ["asset_cache", "assets_installed", "is_loopback", "prepare_server", "serve"]

DISCONNECTED_KEPT = "10m"
"""How long a session whose browser vanished without closing the page (a crash, a killed
browser, a dropped network, a laptop put to sleep) is kept for it to reconnect. Solara's
default is 24 hours: every such session — about 50-70 MB, and a playing one still stepping —
stayed that long. A page closed normally ends its session at once. ``SOLARA_KERNEL_CULL_TIMEOUT``
overrides this."""

TRIM_DELAY = 2.0
"""Seconds after a session ended before memory is handed back (after Solara's own collection,
which runs one second after a session closes)."""


def prepare_server() -> None:
    """Make the Solara server running in this process fit for the view (idempotent): guard
    it (:func:`quartiersim.app.guard.protect_running_server`), keep disconnected sessions only
    :data:`DISCONNECTED_KEPT`, and return freed memory to the system when a session ends."""
    from solara.server import settings

    protect_running_server()
    # No "This website runs on Solara" badge over the bottom-right corner of the cards.
    settings.theme.show_banner = False
    if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
        settings.kernel.cull_timeout = DISCONNECTED_KEPT
    _release_memory_when_sessions_end()


_trim_lock = threading.Lock()
_trim_pending = False


def _malloc_trim() -> None:
    """Hand freed heap memory back to the system (glibc only; elsewhere nothing to do).

    Solara serves each browser tab from its own thread, and glibc's malloc gives each thread
    its own arena: what a closed session freed stays in the process's resident memory, so the
    server seemed to grow with every session and never shrink when idle.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).malloc_trim(0)


def _collect_and_trim() -> None:
    global _trim_pending
    with _trim_lock:
        _trim_pending = False
    gc.collect()  # a closed session is a web of reference cycles
    _malloc_trim()


def _schedule_trim() -> None:
    """Collect and trim shortly after a session ended; sessions ending together share one."""
    global _trim_pending
    with _trim_lock:
        if _trim_pending:
            return
        _trim_pending = True
    timer = threading.Timer(TRIM_DELAY, _collect_and_trim)
    timer.daemon = True
    timer.start()


_registered = False


def _release_memory_when_sessions_end() -> None:
    global _registered
    if _registered:
        return
    import solara.lab

    solara.lab.on_kernel_start(lambda: _schedule_trim)
    _registered = True


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the view at ``http://host:port`` until interrupted (Ctrl+C), printing the address.

    Runs Solara in production mode (no auto-reload, no development tracebacks in the page),
    without its version check and telemetry, which would reach out to the internet.
    """
    if not 0 <= port <= 65535:
        raise ValueError(f"port={port} is not allowed: expected a number from 0 to 65535")
    # Solara reads the app's name when its server module is first imported; import it here
    # (as `solara run` would) so the server can be prepared before it starts.
    os.environ["SOLARA_APP"] = APP
    import solara.server.starlette  # noqa: F401
    from solara.__main__ import run
    from solara.server import settings

    prepare_server()
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
