"""Classroom mode against a real server started as a trainer starts it (``quartiersim
classroom``): a trainer and three students in real Chromium contexts, and thirty simulated
students over HTTP and websockets on 127.0.0.1.

Times are reported (how long after a round's end each student's screen had the new state),
never asserted: speed lives in ``benchmarks/``. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import websockets
from playwright.sync_api import expect
from test_browser_app import OUTBOUND_GUARD, Watch, wait_until_serving

pytestmark = pytest.mark.browser

UI_TIMEOUT = 60_000
SMALL = ["--set", "n_residents=150", "--set", "width=20", "--set", "height=20"]


class Classroom:
    """A running classroom server: its address, join code and log."""

    def __init__(self, base: str, code: str, log: Path) -> None:
        self.base, self.code, self.log = base, code, log


def start(
    port: int, tmp_path: Path, *flags: str, host: str = "127.0.0.1"
) -> tuple[subprocess.Popen, Classroom]:
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir(exist_ok=True)
    (guard_dir / "sitecustomize.py").write_text(OUTBOUND_GUARD)
    env = dict(os.environ, QUARTIERSIM_OUTBOUND_LOG=str(tmp_path / "outbound.log"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(guard_dir), env.get("PYTHONPATH")]))
    script = Path(sys.executable).with_name("quartiersim")
    command = [str(script), "classroom", "--port", str(port), *SMALL, *flags]
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://{host}:{port}"
    wait_until_serving(base + "/join", proc, log)
    found = re.search(r"join code ([A-Z0-9]+)", log.read_text())
    assert found, log.read_text()
    return proc, Classroom(base, found.group(1), log)


@pytest.fixture
def classroom_server(free_port: int, tmp_path: Path, request) -> Iterator[Classroom]:
    """``quartiersim classroom`` on 127.0.0.1 with the flags of the test's ``flags`` mark."""
    mark = request.node.get_closest_marker("flags")
    flags = mark.args if mark else ()
    host = flags[flags.index("--lan") + 1] if "--lan" in flags else "127.0.0.1"
    proc, served = start(free_port, tmp_path, *flags, host=host)
    try:
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = served.log.read_text()
    assert "Traceback" not in output, output
    outbound = tmp_path / "outbound.log"
    assert not outbound.exists(), (
        f"the server tried to reach another machine: {outbound.read_text()}"
    )


def join(context, base: str, code: str, name: str, lang: str):
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/join?code={code}")
    page.fill(".qs-name", name)
    page.select_option(".qs-lang", lang)
    page.click(".qs-join-button")
    expect(page.locator(".qs-who")).to_contain_text(name, timeout=UI_TIMEOUT)
    return page, watch


@pytest.mark.flags(
    "--weeks-per-round", "13", "--set", "project_weeks=26", "--after-exit-weeks", "13"
)
def test_a_trainer_and_three_students_play_rounds_to_the_debrief_and_export(
    browser, classroom_server, tmp_path
):
    """The whole session in real browsers: three students join, each steers a worker (one
    sends the problem sensor to a district, one reloads and is still the same worker), the
    trainer removes one, the project ends, the quarter runs on after the exit, and the debrief
    and the export show the students' choices and outcomes."""
    s = classroom_server
    trainer_context = browser.new_context(
        viewport={"width": 1280, "height": 720}, accept_downloads=True
    )
    trainer = trainer_context.new_page()
    trainer_watch = Watch(trainer)
    trainer.goto(s.base + "/")  # the browser view; its switch leads to the classroom
    trainer.click(".qs-classroom-switch", timeout=UI_TIMEOUT)
    expect(trainer.locator(".qs-code")).to_have_text(s.code, timeout=UI_TIMEOUT)

    students = []
    for name, lang in (("Ann", "en"), ("Ben", "en"), ("Cem", "de")):
        context = browser.new_context(viewport={"width": 400, "height": 800})
        students.append(join(context, s.base, s.code, name, lang))
    (ann, _), (ben, _), (cem, _) = students
    expect(trainer.locator(".qs-participant")).to_have_count(3, timeout=UI_TIMEOUT)
    expect(cem.locator(".qs-status")).to_contain_text("Warten", timeout=UI_TIMEOUT)  # German

    trainer.click(".qs-start")
    expect(trainer.locator(".qs-round-bar")).to_contain_text("0 of 3", timeout=UI_TIMEOUT)
    # Ann: everything into the problem sensor, sent to the north-west
    for _ in range(3):
        ann.click(".qs-minus-door_opener")
        ann.click(".qs-plus-problem_sensor")
    ann.select_option(".qs-where-problem_sensor", "nw")
    ann.click(".qs-submit")
    expect(ann.locator(".qs-chosen")).to_contain_text("round 1", timeout=UI_TIMEOUT)
    expect(trainer.locator(".qs-round-bar")).to_contain_text("1 of 3", timeout=UI_TIMEOUT)
    # Ben reloads before choosing: he is still Ben, steering the same worker
    ben.reload()
    expect(ben.locator(".qs-who")).to_contain_text("Ben", timeout=UI_TIMEOUT)
    ben.click(".qs-submit")
    cem.click(".qs-submit")
    submitted = time.monotonic()
    waits = []
    for page, _ in students:
        expect(page.locator("body")).to_have_attribute("data-round", "2", timeout=UI_TIMEOUT)
        waits.append(time.monotonic() - submitted)
    expect(ann.locator(".qs-week")).to_contain_text("worker 1", timeout=UI_TIMEOUT)
    expect(trainer.locator(".qs-round-bar")).to_contain_text("Round 2", timeout=UI_TIMEOUT)

    # The trainer removes Cem; the round then waits for Ann and Ben only
    trainer.locator(".qs-participant", has_text="Cem").locator(".qs-remove").click()
    expect(cem.locator(".qs-gone")).to_be_visible(timeout=UI_TIMEOUT)
    ann.click(".qs-submit")
    ben.click(".qs-submit")
    for page in (ann, ben):
        expect(page.locator("body")).to_have_attribute("data-phase", "exit", timeout=UI_TIMEOUT)
    trainer.click(".qs-after-exit")
    expect(ann.locator("body")).to_have_attribute("data-phase", "done", timeout=UI_TIMEOUT)
    expect(trainer.locator(".qs-presets-running")).to_have_count(0, timeout=300_000)
    table = trainer.locator(".qs-debrief")
    expect(table).to_contain_text("Ann", timeout=UI_TIMEOUT)
    expect(table).to_contain_text("preset")
    with trainer.expect_download(timeout=UI_TIMEOUT) as download:
        trainer.click(".qs-export-csv")
    path = tmp_path / "session.csv"
    download.value.save_as(path)
    frame = pd.read_csv(path)
    teams = frame[(frame["kind"] == "team") & ~frame["after_exit"]]
    ann_rows = teams[teams["team"] == "Ann"]
    assert (ann_rows["area_problem_sensor"] == "nw").all()
    assert (ann_rows["hours_problem_sensor"] > ann_rows["hours_door_opener"]).all()
    assert set(teams["team"]) == {"Ann", "Ben", "Cem"}
    print(
        f"\n[classroom, 3 browsers] round end to every student's screen: "
        f"{', '.join(f'{w:.2f}' for w in waits)} s"
    )
    for _, watch in students:
        watch.check()
    trainer_watch.check()


def http_join(base: str, code: str, name: str) -> str:
    """Join as a browser would (form POST); returns the cookie header for the student."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = urllib.parse.urlencode({"code": code, "name": name, "lang": "en"}).encode()
    request = urllib.request.Request(base + "/join", data=body, method="POST")
    with opener.open(request, timeout=60) as response:
        assert response.status == 200 and response.url.endswith("/play")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


async def student(base: str, cookie: str, rounds: int) -> list[tuple[int, float, float]]:
    """A simulated student: listens on the websocket, submits a plan each round; returns per
    round (round, when its plan was sent, when the next round's state arrived)."""
    ws_url = base.replace("http://", "ws://") + "/play/socket"
    noted: list[tuple[int, float, float]] = []
    async with websockets.connect(
        ws_url, additional_headers={"Cookie": cookie, "Origin": base}, max_size=None
    ) as ws:
        state = json.loads(await asyncio.wait_for(ws.recv(), 60))
        for _ in range(rounds):
            while state["phase"] != "playing":  # the trainer has not pressed Start yet
                message = json.loads(await asyncio.wait_for(ws.recv(), 120))
                state = message if message.get("type") == "state" else state
            hours = {role["name"]: 0.0 for role in state["roles"]}
            hours[state["roles"][0]["name"]] = state["budget"]
            sent = time.monotonic()
            await asyncio.to_thread(post_choice, base, cookie, {"hours": hours})
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if message.get("type") == "state" and message["round"] > state["round"]:
                    noted.append((state["round"], sent, time.monotonic()))
                    state = message
                    break
    return noted


def post_choice(base: str, cookie: str, data: dict) -> None:
    request = urllib.request.Request(
        base + "/play/choice",
        data=json.dumps(data).encode(),
        headers={"Cookie": cookie, "Content-Type": "application/json", "Origin": base},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.loads(response.read())["ok"]


@pytest.mark.flags("--weeks-per-round", "1", "--set", "project_weeks=10")
def test_thirty_students_get_each_rounds_state_over_their_websockets(browser, classroom_server):
    """Thirty simulated students (HTTP join, websocket, a plan per round) on rounds of one
    week, and the trainer's screen in Chromium: every student receives every round's new
    state. The time from the round's end (the last plan sent) to each student's new state is
    reported, not asserted."""
    s = classroom_server
    students = 30
    cookies = [http_join(s.base, s.code, f"Student {k}") for k in range(students)]
    trainer = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(s.base + "/classroom")
    expect(trainer.locator(".qs-participant")).to_have_count(students, timeout=UI_TIMEOUT)
    trainer.click(".qs-start")
    expect(trainer.locator(".qs-round-bar")).to_be_visible(timeout=UI_TIMEOUT)
    rounds = 3

    async def play() -> list[list[tuple[int, float, float]]]:
        return await asyncio.gather(*(student(s.base, c, rounds) for c in cookies))

    with ThreadPoolExecutor(1) as pool:  # its own event loop, beside Playwright's
        results = pool.submit(asyncio.run, asyncio.wait_for(play(), 600)).result()
    assert len(results) == students and all(len(r) == rounds for r in results)
    waits = []
    for round_no in range(1, rounds + 1):
        noted = [n for r in results for n in r if n[0] == round_no]
        end = max(sent for _, sent, _ in noted)  # the round ended with the last plan
        waits += [max(0.0, arrived - end) for _, _, arrived in noted]
    expect(trainer.locator(".qs-round-bar")).to_contain_text(f"Round {rounds + 1}")
    print(
        f"\n[classroom, {students} clients] round end to each student's new state: median "
        f"{statistics.median(waits):.3f} s, max {max(waits):.3f} s, n={len(waits)}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def lan_address() -> str | None:
    """An address of this machine in a network other than loopback, if it has one."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # picks the route; sends nothing
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


LAN = lan_address()


def status(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.skipif(LAN is None, reason="this machine has no address outside loopback")
@pytest.mark.flags("--lan", LAN or "")
def test_on_a_lan_address_students_join_and_the_host_guard_still_refuses_foreign_pages(
    classroom_server,
):
    """``--lan ADDRESS``: the server listens on that address and answers requests addressed
    to it (students' devices), while the guard still refuses a foreign Host (DNS rebinding)
    and a foreign Origin (a page of another site); nothing listens on loopback then."""
    s = classroom_server
    assert s.base == f"http://{LAN}:{s.base.rsplit(':', 1)[1]}"
    assert "students open " + s.base + "/join" in s.log.read_text()
    assert status(s.base + "/join") == 200
    form = urllib.parse.urlencode({"code": s.code, "name": "Ann"}).encode()
    assert status(s.base + "/join", {"Host": "evil.example"}) == 403
    assert status(s.base + "/join", {"Origin": "http://evil.example"}, form) == 403
    port = s.base.rsplit(":", 1)[1]
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/join", timeout=10)
