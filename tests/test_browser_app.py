"""The browser view in a real headless Chromium, against a real server started as a trainer
would start it (``quartiersim app --port ...``), without internet.

Only a real browser shows a blank page (missing offline assets) or an empty plot area (a
front-end library mismatch): the Python side looks fine in both cases. Set
``QUARTIERSIM_SCREENSHOT_DIR`` to also keep the screenshots (the README's come from
``tools/screenshot-app``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

START_TIMEOUT = 90.0  # seconds; a server start takes about 3 s on an idle machine
UI_TIMEOUT = 60_000  # milliseconds for anything the page has to compute and draw


def server_command(port: int) -> list[str]:
    """``quartiersim app`` from the same environment as the tests (``python -m
    quartiersim.app`` where the console script is not installed)."""
    script = Path(sys.executable).with_name("quartiersim")
    if script.is_file():
        return [str(script), "app", "--port", str(port)]
    return [sys.executable, "-m", "quartiersim.app", "--port", str(port)]


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Poll the address until the server answers (or has died, or the deadline passed)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)  # polling interval of a readiness check, not synchronisation
    pytest.fail(f"the server did not answer at {url} within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture
def app_url(free_port: int, tmp_path: Path) -> Iterator[str]:
    """The view served on 127.0.0.1 by a subprocess; stopped afterwards."""
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(server_command(free_port), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{free_port}/"
    try:
        wait_until_serving(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert "Traceback" not in output, output


def painted(page: Page, css_class: str) -> None:
    """Wait until the figure ``img.<css_class>`` is decoded and has a size in the page."""
    page.wait_for_function(
        "cls => { const i = document.querySelector('img.' + cls);"
        " return i !== null && i.complete && i.naturalWidth > 100; }",
        arg=css_class,
        timeout=UI_TIMEOUT,
    )


def source(page: Page, css_class: str) -> str:
    return page.locator(f"img.{css_class}").get_attribute("src") or ""


def week(page: Page) -> int:
    return int(re.search(r"\d+", page.locator(".qs-week").inner_text()).group())


def save(page: Page, path: Path) -> None:
    page.screenshot(path=str(path))
    extra = os.environ.get("QUARTIERSIM_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / path.name))


def test_trainer_demonstration_in_a_real_browser(page: Page, app_url: str, tmp_path: Path):
    """Load, step, play, pause, switch strategy, trigger an event, compare, switch language:
    every action changes what the page shows; no script errors; nothing leaves 127.0.0.1."""
    errors: list[str] = []
    failed: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.set_viewport_size({"width": 1500, "height": 2600})
    expect.set_options(timeout=UI_TIMEOUT)

    page.goto(app_url)
    for figure in ("qs-map-a", "qs-network-a", "qs-plots", "qs-resident-figure"):
        painted(page, figure)
    expect(page.locator(".qs-week")).to_have_text("Week 0")

    # Step: one week on, and the map is redrawn.
    map_before, plots_before = source(page, "qs-map-a"), source(page, "qs-plots")
    page.locator(".qs-step").click()
    expect(page.locator(".qs-week")).to_have_text("Week 1")
    expect(page.locator("img.qs-map-a")).not_to_have_attribute("src", map_before)
    expect(page.locator("img.qs-plots")).not_to_have_attribute("src", plots_before)

    # Play runs on by itself; Pause stops it for good (Step works again, exactly one week).
    page.locator(".qs-play").click()
    expect(page.locator(".qs-week")).to_have_text(re.compile(r"Week ([3-9]|\d\d+)"))
    page.locator(".qs-pause").click()
    expect(page.locator(".qs-playing")).to_have_count(0)
    expect(page.locator(".qs-step")).to_be_enabled()
    paused_at = week(page)
    page.locator(".qs-step").click()
    expect(page.locator(".qs-week")).to_have_text(f"Week {paused_at + 1}")

    # Strategy switch: the workers now spend their week on case work.
    expect(page.locator(".qs-status-a")).not_to_contain_text("case work")
    page.locator(".qs-strategy-a").click()
    page.get_by_role("option", name="Top-down care").click()
    page.locator(".qs-step").click()
    expect(page.locator(".qs-week")).to_have_text(f"Week {paused_at + 2}")
    expect(page.locator(".qs-status-a")).to_contain_text("Top-down care")
    expect(page.locator(".qs-status-a")).to_contain_text("case work (top-down)")

    # An event acts on the running quarter: the feed reports it, the hours halve (2 workers
    # of 39 hours by default).
    expect(page.locator(".qs-status-a")).to_contain_text("(of 78 h)")
    page.locator(".qs-event-funding_cut").click()
    expect(page.locator(".qs-feed-a")).to_contain_text("Event: Funding cut.")
    expect(page.locator(".qs-status-a")).to_contain_text("(of 39 h)")

    # Compare mode: two quarters side by side, restarted together, stepped together.
    page.locator(".qs-compare label").click()
    painted(page, "qs-map-b")
    painted(page, "qs-network-b")
    expect(page.locator(".qs-week")).to_have_text("Week 0")
    expect(page.locator(".qs-status-b")).to_contain_text("Empowerment")
    page.locator(".qs-step").click()
    expect(page.locator(".qs-week")).to_have_text("Week 1")
    expect(page.locator(".qs-feed-b")).not_to_contain_text("Nothing yet")
    save(page, tmp_path / "app-compare.png")

    # The whole page in German.
    page.locator(".qs-lang-de").click()
    expect(page.locator(".qs-step")).to_have_text(re.compile("Schritt", re.IGNORECASE))
    expect(page.locator(".qs-week")).to_have_text("Woche 1")
    expect(page.locator(".qs-map-card")).to_contain_text("Quartierskarte")
    save(page, tmp_path / "app-de.png")

    assert (tmp_path / "app-compare.png").stat().st_size > 50_000
    assert errors == [], errors
    assert failed == [], failed
    assert outside == [], f"requests left this machine (the view must work offline): {outside}"
