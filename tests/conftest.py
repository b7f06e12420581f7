"""Shared pytest fixtures for QuartierSim.

Add your fixtures in their own clearly marked section. Do not name a fixture `page`: that is
pytest-playwright's browser page (a parameter of that name becomes a browser test).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quartiersim import QuartierModel

# ---------------------------------------------------------------------------------------------
# Model section: one size of quarter for the tests
# ---------------------------------------------------------------------------------------------

SMALL_QUARTER: dict[str, Any] = {"n_residents": 150, "width": 20, "height": 20}
"""The quarter the tests build unless a test is about size: 150 households on a 20 x 20 grid —
a few dozen weeks take well under a second, yet problems, ties, action groups and assemblies all
happen. Import it (``from conftest import SMALL_QUARTER``) where a test needs the numbers."""

ModelFactory = Callable[..., QuartierModel]


@pytest.fixture
def small_model() -> ModelFactory:
    """Build a quarter of the shared size: ``small_model(seed=1, **params)``; ``params``
    override SMALL_QUARTER and the declared defaults."""

    def make(seed: int = 1, **params: Any) -> QuartierModel:
        return QuartierModel(rng=seed, **{**SMALL_QUARTER, **params})

    return make


@pytest.fixture
def paired_runs() -> Callable[..., tuple[QuartierModel, QuartierModel]]:
    """The same quarter twice, alike in everything but one setting, both run ``weeks`` weeks:
    ``paired_runs({"strategy": "top_down"}, {"strategy": "none"}, weeks=10, seed=1, **shared)``.

    Both start from the same seed, so the quarter, its residents and the dice drawn before the
    two settings make a difference are the same (common random numbers): what differs between
    the pair afterwards is what the setting did."""

    def run(
        one: dict[str, Any], other: dict[str, Any], weeks: int = 0, seed: int = 1, **shared: Any
    ) -> tuple[QuartierModel, QuartierModel]:
        pair = (
            QuartierModel(rng=seed, **{**SMALL_QUARTER, **shared, **one}),
            QuartierModel(rng=seed, **{**SMALL_QUARTER, **shared, **other}),
        )
        for model in pair:
            for _ in range(weeks):
                model.step()
        return pair

    return run


# ---------------------------------------------------------------------------------------------
# Set-up / CI section: real browser and ports
# ---------------------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    """Solara's pytest plugin (a kernel context per test, in which ``solara.render`` of an
    ``AppLayout`` places the app bar's controls) ships inside solara itself but is announced
    only by the separate package pytest-ipywidgets, which the lock no longer installs:
    register it here unless that package already did."""
    import solara.test.pytest_plugin as solara_plugin

    if not config.pluginmanager.is_registered(solara_plugin):
        config.pluginmanager.register(solara_plugin, "solara")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser or cluster test is slow by its nature: `make test-fast` (-m "not slow") leaves
    it out even where its author forgot the mark, and needs neither Chromium nor Dask."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("cluster"):
            item.add_marker(pytest.mark.slow)


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
