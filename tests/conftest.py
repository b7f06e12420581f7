"""Shared pytest fixtures for QuartierSim.

Add your fixtures in their own clearly marked section. Do not name a fixture `page`: that is
pytest-playwright's browser page (a parameter of that name becomes a browser test).
"""

import os
import socket
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------------
# Set-up / CI section: real browser and ports
# ---------------------------------------------------------------------------------------------

# Debian's Chromium (`make browser` installs it). We never use `playwright install`: it downloads
# a browser build, which our machines cannot fetch. QUARTIERSIM_CHROMIUM points elsewhere, e.g.
# to a Chrome on a developer's Mac.
CHROMIUM = Path(os.environ.get("QUARTIERSIM_CHROMIUM", "/usr/bin/chromium"))

# --no-sandbox: we run as root (CI), where Chromium's sandbox refuses to start.
# --disable-gpu: no GPU or display here.
# The rest stop Chromium from phoning home at start-up (sync, component updates, QUIC probes);
# on a machine without internet those connections fail loudly and slow the start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Playwright's Chromium from CHROMIUM for the browser tests.

    Extends pytest-playwright's fixture of the same name, so its options (--headed, --slowmo)
    still apply. Browser tests fail, rather than skip, when Chromium is missing: a skipped
    browser test would hide exactly the breakage (a blank page, an empty plot) it is there for.
    """
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; run `make browser` "
            "(installs Debian's chromium via apt) or set QUARTIERSIM_CHROMIUM."
        )
    headless = browser_type_launch_args.get("headless", True)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": (["--headless"] if headless else []) + CHROMIUM_ARGS,
    }


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it via port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# End of set-up / CI section
# ---------------------------------------------------------------------------------------------
