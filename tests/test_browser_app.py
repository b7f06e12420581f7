"""The browser view in a real headless Chromium, against a real server started as a trainer
would start it (``quartiersim app --port ...``), on a projector-sized window, without internet.

Only a real browser shows a blank page (missing offline assets), an empty plot area (a
front-end library mismatch) or a picture that never updates: the Python side looks fine in all
three cases. The server runs with every attempt to reach another machine recorded and refused
(``sitecustomize`` below), and the browser's requests are recorded too: a test fails on any
that leaves 127.0.0.1.

Real-browser tests are expensive, so each test walks through many checks in one session. They
report how long things took (click to drawn frame, frames per second while playing, language
switch, event to feed) and never assert a time: speed lives in ``benchmarks/bench_app.py``.
Set ``QUARTIERSIM_SCREENSHOT_DIR`` to keep the screenshots.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from quartiersim.activity import MESSAGES, plural_forms
from quartiersim.app import texts

pytestmark = pytest.mark.browser

START_TIMEOUT = 90.0  # seconds; a server start takes about 3 s on an idle machine
UI_TIMEOUT = 60_000  # milliseconds for anything the page has to compute and draw
VIEWPORT = {"width": 1280, "height": 720}  # a projector

# Records and refuses every connection the server process tries to open to another machine
# (and every name it tries to look up), before the view is even imported.
OUTBOUND_GUARD = """
import ipaddress, os, socket

_log = os.environ["QUARTIERSIM_OUTBOUND_LOG"]


def _local(host):
    host = str(host).strip("[]")
    if host in ("localhost", "", "0.0.0.0", "::"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what):
    with open(_log, "a") as out:
        out.write(what + "\\n")
    raise OSError(f"outbound connection refused in tests: {what}")


_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
)


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local(host if isinstance(host, str) else host.decode()):
        _refuse(f"lookup {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
    connect, connect_ex, getaddrinfo
)
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Chromium as the shared fixture launches it, with WebGL drawn in software: the
    residents and ties are WebGL, and a headless machine has no GPU."""
    return {
        **browser_type_launch_args,
        "args": [*browser_type_launch_args.get("args", []), "--enable-unsafe-swiftshader"],
    }


def server_command(port: int) -> list[str]:
    """``quartiersim app`` from the same environment as the tests."""
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


class Served:
    """A running view: its address, its log and the record of its outbound attempts."""

    def __init__(self, url: str, log: Path, outbound: Path) -> None:
        self.url, self.log, self.outbound = url, log, outbound

    def outbound_attempts(self) -> list[str]:
        return self.outbound.read_text().splitlines() if self.outbound.exists() else []


@pytest.fixture
def served(free_port: int, tmp_path: Path) -> Iterator[Served]:
    """The view served on 127.0.0.1 by a subprocess whose every attempt to reach another
    machine is refused and recorded; stopped afterwards."""
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(OUTBOUND_GUARD)
    outbound = tmp_path / "outbound.log"
    env = dict(os.environ, QUARTIERSIM_OUTBOUND_LOG=str(outbound))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(guard_dir), env.get("PYTHONPATH")]))
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            server_command(free_port), stdout=out, stderr=subprocess.STDOUT, env=env
        )
    url = f"http://127.0.0.1:{free_port}/"
    try:
        wait_until_serving(url, proc, log)
        yield Served(url, log, outbound)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert "Traceback" not in output, output
    assert not Served(url, log, outbound).outbound_attempts(), (
        "the server tried to reach another machine (the view must work offline): "
        f"{outbound.read_text()}"
    )


class Watch:
    """What the page did: script errors, failed and outside requests, and timings."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        self.timings: dict[str, list[float]] = {}
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "request",
            lambda r: (
                self.outside.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                else None
            ),
        )

    def time(self, name: str, seconds: float) -> None:
        self.timings.setdefault(name, []).append(seconds)

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.failed == [], self.failed
        assert self.outside == [], f"requests left this machine: {self.outside}"

    def report(self, title: str) -> None:
        """Print the timings (seconds): reported, never asserted."""
        lines = [f"\n[{title}] load average {os.getloadavg()[0]:.1f}"]
        for name, values in self.timings.items():
            lines.append(
                f"  {name}: median {statistics.median(values):.3f} s, max {max(values):.3f} s, "
                f"n={len(values)}"
            )
        print("\n".join(lines))
        record = os.environ.get("QUARTIERSIM_TIMINGS")
        if record:
            with open(record, "a") as out:
                out.write(json.dumps({"test": title, **self.timings}) + "\n")


# -- reading the page ----------------------------------------------------------------------

FRAME = (
    "view => { const g = document.querySelector('.qs-' + view + ' .js-plotly-plot');"
    " return g && g.layout && g.layout.meta ? g.layout.meta.frame : -1 }"
)


def frame(page: Page, view: str) -> int:
    return page.evaluate(FRAME, view)


def drawn(page: Page, view: str, after: int = -1) -> None:
    """Wait until the browser has drawn a frame of ``view`` newer than ``after``."""
    page.wait_for_function(
        "([view, after]) => { const g = document.querySelector('.qs-' + view + ' .js-plotly-plot');"
        " return g && g.layout && g.layout.meta && g.layout.meta.frame > after }",
        arg=[view, after],
        timeout=UI_TIMEOUT,
    )


def week(page: Page) -> int:
    return int(re.search(r"\d+", page.locator(".qs-week").inner_text()).group())


def click_to_frame(page: Page, watch: Watch, selector: str, name: str, views=("map-a",)) -> None:
    """Click and time until every view in ``views`` shows the new frame."""
    before = {v: frame(page, v) for v in views}
    start = time.monotonic()
    page.locator(selector).first.click()
    for v in views:
        drawn(page, v, before[v])
    watch.time(name, time.monotonic() - start)


def play_rate(page: Page, watch: Watch, name: str, seconds: float = 5.0) -> None:
    """Play for a while and count the frames the browser drew (the map's frame numbers)."""
    page.locator(".qs-play").first.click()
    expect(page.locator(".qs-week")).not_to_have_text(f"Week {week(page)}")
    first, start = frame(page, "map-a"), time.monotonic()
    page.wait_for_timeout(seconds * 1000)  # the measuring window, not synchronisation
    frames = frame(page, "map-a") - first
    watch.time(name, frames / (time.monotonic() - start))
    page.locator(".qs-pause").first.click()
    expect(page.locator(".qs-playing")).to_have_count(0)
    expect(page.locator(".qs-step").first).to_be_enabled()


def save(page: Page, path: Path) -> None:
    page.screenshot(path=str(path))
    extra = os.environ.get("QUARTIERSIM_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(extra) / path.name))


def inside_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= VIEWPORT["height"]
        and box["x"] + box["width"] <= VIEWPORT["width"]
    )


def smallest_figure_text(page: Page) -> float:
    """The smallest font size (CSS px) of any text in the figures."""
    return page.evaluate(
        "() => Math.min(...Array.from(document.querySelectorAll('.js-plotly-plot text'))"
        ".filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize)))"
    )


def english_only_words() -> set[str]:
    """Words of the page's English catalogue that its German catalogue does not use."""

    def words(lang: int) -> set[str]:
        found: set[str] = set()
        for pair in texts.UI.values():
            found |= set(re.findall(r"[A-Za-zÄÖÜäöüß]{4,}", re.sub(r"\{[^}]*\}", "", pair[lang])))
        for view in texts.EXPLAIN.values():
            for body in view["en" if lang == 0 else "de"].values():
                found |= set(re.findall(r"[A-Za-zÄÖÜäöüß]{4,}", body))
        return found

    return {w for w in words(0) - words(1) if w.lower() not in {x.lower() for x in words(1)}}


def german_mistakes(text: str) -> list[str]:
    """English words from the English catalogue and plural mistakes ("1 Forderungen") in a
    German page's text."""
    english = english_only_words()
    found = sorted({w for w in re.findall(r"[A-Za-zÄÖÜäöüß]{4,}", text) if w in english})
    plurals = {
        many for key in MESSAGES for one, many in plural_forms(MESSAGES[key].de) if one != many
    }
    found += [m.group() for m in re.finditer(r"(?<![\d.,])1 (\w+)", text) if m.group(1) in plurals]
    return found


# -- the tests -----------------------------------------------------------------------------


def test_a_seminar_on_one_projector_screen(page: Page, served: Served, tmp_path: Path):
    """One quarter at 1280×720, as a trainer uses it: everything the room looks at on one
    screen, readable text, a Step drawn and timed, Play timed, a strategy switch and a reset
    shown at once, an event in the feed and on the time plot, a resident clicked on the map,
    values on hover, a reload that keeps the run, and the whole page in German without English
    words or plural mistakes. No script error; nothing leaves 127.0.0.1, from the browser or
    the server."""
    watch = Watch(page)
    page.set_viewport_size(VIEWPORT)
    expect.set_options(timeout=UI_TIMEOUT)
    start = time.monotonic()
    page.goto(served.url)
    drawn(page, "map-a")
    drawn(page, "plots")
    watch.time("load to first map", time.monotonic() - start)
    expect(page.locator(".qs-week")).to_have_text("Week 0")

    # One screen: status, number tiles, map and plots without scrolling; no Solara badge.
    for selector in (
        ".qs-week",
        ".qs-tiles",
        ".qs-map-a .js-plotly-plot",
        ".qs-plots .js-plotly-plot",
    ):
        assert inside_screen(page, selector), f"{selector} is not on the first screen"
    expect(page.get_by_text("This website runs on")).to_have_count(0)
    assert smallest_figure_text(page) >= 14
    dots = page.evaluate(
        "() => document.querySelector('.qs-map-a .js-plotly-plot').data[2].x.length"
    )
    assert dots > 100  # every household is drawn

    # Step: timed from the click until the browser has drawn the new map.
    for _ in range(5):
        click_to_frame(page, watch, ".qs-step", "step: click to drawn map")
    expect(page.locator(".qs-week")).to_have_text("Week 5")
    play_rate(page, watch, "play: frames per second (one quarter)")

    # A strategy switch and a reset show at once in the status line.
    page.locator(".qs-strategy-a").click()
    start = time.monotonic()
    page.get_by_role("option", name="Top-down care").click()
    expect(page.locator(".qs-status-a")).to_contain_text("Top-down care")
    watch.time("strategy switch to status", time.monotonic() - start)

    # An event: it reaches the feed as a highlighted moment and is marked on the time plot.
    start = time.monotonic()
    page.locator(".qs-event-rent_increase").click()
    expect(page.locator(".qs-feed-a .qs-moment").first).to_contain_text("Event: Rent increase.")
    watch.time("event to feed", time.monotonic() - start)
    expect(page.locator(".qs-feed-a")).to_contain_text("moved away")
    drawn(page, "plots", frame(page, "plots") - 1)
    expect(
        page.locator(".qs-plots .annotation-text").filter(has_text="Rent increase")
    ).to_have_count(1)

    # Hover on the plot shows values; a click on a resident opens them in the inspector.
    plot = page.locator(".qs-plots .js-plotly-plot .nsewdrag").first.bounding_box()
    page.mouse.move(plot["x"] + plot["width"] * 0.02, plot["y"] + plot["height"] * 0.5)
    hover = page.locator(".qs-plots .hoverlayer").locator(".legend, .hovertext")
    expect(hover.first).to_be_visible()
    target = page.evaluate(
        """() => { const g = document.querySelector('.qs-map-a .js-plotly-plot');
        const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis, r = g.getBoundingClientRect();
        const k = 17, t = g.data[2];
        return [k, r.left + xa._offset + xa.l2p(t.x[k]), r.top + ya._offset + ya.l2p(t.y[k])]; }"""
    )
    page.mouse.click(target[1], target[2])
    expect(page.locator(".qs-resident input")).to_have_value(str(target[0]))
    save(page, tmp_path / "app-en.png")

    # A reload keeps the run: week, strategy and the event are in the address.
    at = week(page)
    assert f"week={at}" in page.url and "rent_increase" in page.url
    page.reload()
    drawn(page, "map-a")
    expect(page.locator(".qs-week")).to_have_text(f"Week {at}")
    expect(page.locator(".qs-status-a")).to_contain_text("Top-down care")

    # Reset: the status says week 0 at once.
    page.locator(".qs-reset").first.click()
    expect(page.locator(".qs-week")).to_have_text("Week 0")
    click_to_frame(page, watch, ".qs-step", "step: click to drawn map")

    # The whole page in German: no English words from the catalogue, no "1 Forderungen".
    start = time.monotonic()
    page.locator(".qs-lang-de").click()
    expect(page.locator(".qs-week")).to_have_text("Woche 1")
    drawn(page, "plots", frame(page, "plots") - 1)
    expect(page.locator(".qs-plots")).to_contain_text("Woche")
    watch.time("language switch", time.monotonic() - start)
    for _ in range(12):
        page.locator(".qs-step").first.click()
    expect(page.locator(".qs-week")).to_have_text("Woche 13")
    page.locator(".qs-explain-toggle-map").click()
    mistakes = german_mistakes(page.locator("body").inner_text())
    assert mistakes == [], f"English or wrong plurals on the German page: {mistakes}"
    save(page, tmp_path / "app-de.png")

    watch.report("one quarter, seminar size")
    watch.check()


def test_a_prepared_comparison_opened_from_a_link(page: Page, served: Served, tmp_path: Path):
    """A link in the command line's syntax opens a prepared comparison in German at week 8;
    a bad value in it gives a message on the page, not a dead page. Compare mode is timed
    (Step, Play); the scenario is saved, and the run's data and a picture are downloaded."""
    watch = Watch(page)
    page.set_viewport_size(VIEWPORT)
    expect.set_options(timeout=UI_TIMEOUT)
    query = (
        "seed=4&strategy=custom&role_mix=door_opener=0.3,dialogue_manager=0.2"
        "&hours_per_week=30&compare=top_down&week=8&lang=de&segregation=7"
    )
    page.goto(served.url + "?" + query)
    drawn(page, "map-b")
    expect(page.locator(".qs-week")).to_have_text("Woche 8")
    expect(page.locator(".qs-status-a")).to_contain_text("Eigene Mischung")
    expect(page.locator(".qs-status-b")).to_contain_text("Fürsorge von oben")
    expect(page.locator(".qs-status-a")).to_contain_text("von 60 h")  # 2 workers x 30 h
    expect(page.locator(".qs-mix-door_opener-label")).to_contain_text("0.30")
    expect(page.locator(".qs-notice")).to_contain_text("segregation")
    for selector in (
        ".qs-map-a .js-plotly-plot",
        ".qs-map-b .js-plotly-plot",
        ".qs-plots .js-plotly-plot",
    ):
        assert inside_screen(page, selector), f"{selector} is not on the first screen"

    for _ in range(4):
        click_to_frame(
            page, watch, ".qs-step", "compare step: click to drawn maps", ("map-a", "map-b")
        )
    play_rate(page, watch, "play: frames per second (compare mode)")
    save(page, tmp_path / "app-compare.png")

    # The scenario file holds the same as the address and opens the same run.
    page.locator(".qs-scenario-toggle").click()
    with page.expect_download() as saved:
        page.locator(".qs-save").click()
    document = json.loads(Path(saved.value.path()).read_text())
    assert document["settings"]["compare"] == "top_down"
    assert document["settings"]["role_mix"] == "door_opener=0.3,dialogue_manager=0.2"
    assert int(document["settings"]["week"]) == week(page)
    with page.expect_download() as data:
        page.locator(".qs-download-csv").click()
    rows = Path(data.value.path()).read_text().splitlines()
    assert rows[0].startswith("quarter,strategy,week,social_capital")
    assert len(rows) == 1 + 2 * (week(page) + 1)  # both quarters, weeks 0..now
    page.locator(".qs-plots .js-plotly-plot").hover()  # the tool bar shows on hover
    with page.expect_download() as picture:
        page.locator(".qs-plots .modebar-btn[data-title*='png' i]").first.click()
    assert Path(picture.value.path()).read_bytes()[:4] == b"\x89PNG"

    watch.report("compare mode, seminar size")
    watch.check()


def test_the_trainers_guide_walked_through_in_both_languages(page: Page, served: Served):
    """Every scene of docs/trainers.md opened from its link in German, then switched to
    English: the page shows what the guide tells the trainer to point at, in each language
    (the model's side of each statement is checked in tests/test_trainers_guide.py)."""
    from test_trainers_guide import scene_links

    watch = Watch(page)
    page.set_viewport_size(VIEWPORT)
    expect.set_options(timeout=UI_TIMEOUT)
    # (selector, German text, English text) the guide points at in each scene
    points = {
        1: [(".qs-map-legend-a", "verborgenes Problem", "latent problem")],
        2: [(".qs-feed-a", "öffentlich", "public")],
        3: [
            (".qs-feed-b", "Fachleute lösten", "Experts solved"),
            (".qs-feed-a", "gründeten", "founded"),
        ],
        4: [
            (".qs-feed-a", "zu einem Kompromiss vermittelt", "mediated into a compromise"),
            (".qs-plots", "Offener Konflikt", "Open conflict"),
        ],
        5: [
            (".qs-feed-a", "zogen weg", "moved away"),
            (".qs-plots", "Mieterhöhung", "Rent increase"),
        ],
        6: [
            (".qs-status-a", "Projekt beendet", "project ended"),
            (".qs-plots", "Projektende", "project exit"),
        ],
        7: [(".qs-status-b", "Eigene Mischung", "Custom mix")],
    }
    links = scene_links()["de"]
    assert sorted(links) == sorted(points)
    for number, url in sorted(links.items()):
        start = time.monotonic()
        page.goto(url.replace("http://127.0.0.1:8765/", served.url))
        drawn(page, "map-a")
        watch.time("scene opened from its link", time.monotonic() - start)
        wanted = int(re.search(r"week=(\d+)", url).group(1))
        expect(page.locator(".qs-week")).to_have_text(f"Woche {wanted}")
        page.locator(".qs-feed-moments").click()
        for selector, german, _ in points[number]:
            expect(page.locator(selector).first).to_contain_text(german)
        page.locator(".qs-lang-en").click()
        expect(page.locator(".qs-week")).to_have_text(f"Week {wanted}")
        for selector, _, english in points[number]:
            expect(page.locator(selector).first).to_contain_text(english)

    watch.report("the trainers' guide, both languages")
    watch.check()
