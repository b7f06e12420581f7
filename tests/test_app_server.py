"""The browser view's server answers only the right clients, and gives back what ended sessions
held.

Real servers on 127.0.0.1: ``quartiersim app`` and ``solara run quartiersim.app`` as
subprocesses, spoken to with real HTTP and websocket requests; the memory test runs Solara's
server in this process so that it can count the objects the sessions left behind.
"""

from __future__ import annotations

import gc
import http.client
import socket
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from quartiersim.app import guard

START_TIMEOUT = 90.0  # seconds; a server start takes about 3 s on an idle machine
UI_TIMEOUT = 60_000  # milliseconds for anything the page has to compute and draw
BIN = Path(sys.executable).parent

# -- the rules, without a server ---------------------------------------------------------------


def test_loopback_server_accepts_its_loopback_names_only():
    """A server reached on 127.0.0.1 is addressed as 127.0.0.1, localhost or [::1] with its
    port; any other name is what DNS rebinding would send."""
    hosts = guard.allowed_hosts(("127.0.0.1", 8765))
    assert {"127.0.0.1:8765", "localhost:8765", "[::1]:8765"} <= hosts
    assert "evil.example:8765" not in hosts
    assert "127.0.0.1:9999" not in hosts
    assert "localhost" not in hosts  # without the port it is another origin


def test_lan_address_is_accepted_only_for_connections_that_arrived_on_it():
    """With --host 0.0.0.0 or a LAN address, the address a connection arrived on names the
    server; loopback names do not, since the connection did not come through loopback."""
    hosts = guard.allowed_hosts(("192.168.1.20", 8765))
    assert "192.168.1.20:8765" in hosts
    assert "127.0.0.1:8765" not in hosts
    assert "[fe80::1]:8765" in guard.allowed_hosts(("fe80::1", 8765))


def test_names_for_a_proxy_come_from_the_environment(monkeypatch):
    """QUARTIERSIM_ALLOWED_HOSTS adds the names a reverse proxy forwards."""
    monkeypatch.setenv(guard.EXTRA_HOSTS_ENV, " Quarter.Example.org , other.example:8443")
    extra = guard.extra_hosts()
    assert extra == ("quarter.example.org", "other.example:8443")
    assert "quarter.example.org" in guard.allowed_hosts(("127.0.0.1", 8765), extra)


def test_origin_must_be_a_page_of_this_server():
    """A websocket from a foreign page carries that page's Origin; it is refused, while the
    view's own page (the same host and port) passes."""
    scope = {
        "type": "websocket",
        "path": "/jupyter/api/kernels/k/channels",
        "server": ("127.0.0.1", 8765),
        "headers": [(b"host", b"127.0.0.1:8765"), (b"origin", b"http://localhost:8765")],
    }
    assert guard.refusal(scope) is None
    for origin in (b"https://evil.example", b"null", b"http://127.0.0.1:8766"):
        scope["headers"] = [(b"host", b"127.0.0.1:8765"), (b"origin", origin)]
        assert guard.refusal(scope)[0] == 403


# -- real servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COMMANDS = {
    "quartiersim app": lambda port: [str(BIN / "quartiersim"), "app", "--port", str(port)],
    "solara run": lambda port: [
        str(BIN / "solara"),
        *("run", "quartiersim.app", "--host", "127.0.0.1", "--port", str(port)),
        *("--production", "--no-open", "--no-check-version"),
    ],
}


def request(port: int, path: str = "/", headers: dict | None = None) -> tuple[int, str]:
    """A GET to 127.0.0.1:port with exactly these headers (Host included, if given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=headers is not None and "Host" in headers)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture(scope="module", params=list(COMMANDS))
def served(request, tmp_path_factory) -> Iterator[int]:
    """A view started as a user starts it, on 127.0.0.1; yields its port."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(COMMANDS[request.param](port), stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if request_ok(port):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer within {START_TIMEOUT} s:\n{log.read_text()}")
            time.sleep(0.1)  # polling interval of a readiness check, not synchronisation
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "Traceback" not in log.read_text()


def request_ok(port: int) -> bool:
    return request(port)[0] == 200


def test_page_is_served_to_its_own_addresses(served):
    """A browser that typed 127.0.0.1 or localhost (with the port) gets the page."""
    for host in (f"127.0.0.1:{served}", f"localhost:{served}"):
        status, body = request(served, headers={"Host": host})
        assert status == 200, (host, body[:200])
        assert "<html" in body.lower()


def test_dns_rebinding_request_is_refused(served):
    """A foreign page that rebound its name to 127.0.0.1 sends its own name as Host: it
    gets a 403 with a message, not the page."""
    status, body = request(served, headers={"Host": f"evil.example:{served}"})
    assert status == 403
    assert "refused" in body and "<html" not in body.lower()


def test_cross_site_request_is_refused(served):
    """A request that a foreign page makes (Origin names that page) is refused."""
    status, _ = request(served, headers={"Host": f"127.0.0.1:{served}", "Origin": "http://x.test"})
    assert status == 403


def test_solara_internals_page_is_not_served(served):
    """/resourcez would show kernels, threads and memory to anyone: it does not exist."""
    status, body = request(served, "/resourcez", headers={"Host": f"127.0.0.1:{served}"})
    assert status == 404
    assert "kernel" not in body.lower()


def websocket(port: int, origin: str, host: str | None = None):
    """Open the view's kernel websocket on 127.0.0.1:port as a browser would (``host``: the
    name in the URL, hence in the Host header)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    url = f"ws://{host or f'127.0.0.1:{port}'}/jupyter/api/kernels/k-test/channels?session_id=p"
    return connect(url, sock=sock, origin=origin, open_timeout=30)


def test_websocket_from_the_views_own_page_opens(served):
    with websocket(served, origin=f"http://127.0.0.1:{served}") as ws:
        assert ws.protocol.state.name == "OPEN"


def test_cross_site_websocket_is_refused(served):
    """Browsers let any page open a websocket to 127.0.0.1; the Origin gives it away."""
    with pytest.raises(InvalidStatus) as refused:
        websocket(served, origin="https://evil.example")
    assert refused.value.response.status_code == 403
    assert b"refused" in refused.value.response.body


def test_rebound_websocket_is_refused(served):
    """DNS rebinding: the page and the websocket both name the foreign site."""
    with pytest.raises(InvalidStatus) as refused:
        websocket(served, origin=f"http://evil.example:{served}", host=f"evil.example:{served}")
    assert refused.value.response.status_code == 403


# -- step clicks in a real browser -------------------------------------------------------------


@pytest.mark.browser
def test_quick_step_clicks_in_a_real_browser_all_count(page, served):
    """Eight clicks on Step 50 ms apart — faster than a week is drawn — give eight weeks: the
    clicks wait their turn instead of being dropped."""
    from playwright.sync_api import expect

    page.goto(f"http://127.0.0.1:{served}/")
    expect(page.locator(".qs-week")).to_have_text("Week 0", timeout=UI_TIMEOUT)
    page.wait_for_function(
        "() => { const g = document.querySelector('.qs-map-a .js-plotly-plot');"
        " return g && g.layout && g.layout.meta && g.layout.meta.frame >= 0; }",
        timeout=UI_TIMEOUT,
    )
    page.evaluate(
        "n => { for (let k = 0; k < n; k++)"
        " setTimeout(() => document.querySelector('.qs-step').click(), 50 * k); }",
        8,
    )
    expect(page.locator(".qs-week")).to_have_text("Week 8", timeout=UI_TIMEOUT)


# -- memory of ended sessions ------------------------------------------------------------------


@pytest.fixture
def view_in_process(monkeypatch) -> Iterator[str]:
    """Solara's server with the view, in this process (so its objects can be counted), prepared
    as ``quartiersim app`` prepares it; yields the page's address."""
    import solara.server.app as solara_app
    from solara.server import settings
    from solara.server.starlette import ServerStarlette

    from quartiersim.app.server import prepare_server

    monkeypatch.setattr(settings.kernel, "cull_timeout", settings.kernel.cull_timeout)
    monkeypatch.setattr(settings.main, "mode", "production")  # no reload of closed pages
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    previous = solara_app.apps.get("__default__")
    app = solara_app.AppScript("quartiersim.app")
    app.init()
    solara_app.apps["__default__"] = app
    server = ServerStarlette(port=free_port(), host="127.0.0.1")
    server.serve_threaded()
    server.wait_until_serving()
    prepare_server()
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.stop_serving()
        app.close()
        if previous is not None:
            solara_app.apps["__default__"] = previous
        else:
            del solara_app.apps["__default__"]


@pytest.mark.browser
def test_ended_sessions_leave_no_quarters_behind(view_in_process, browser, monkeypatch):
    """Tabs closed normally and tabs that vanished (browser killed, network gone: the page's
    goodbye never arrives; one of them was playing) — once their sessions end, none of their
    Session or QuartierModel objects is still reachable.

    Solara keeps a vanished tab's session for it to reconnect, 24 hours by default; the server
    keeps it only DISCONNECTED_KEPT (at most an hour), shortened here to a second.
    """
    import solara.server.kernel_context as kernel_context
    import solara.util
    from playwright.sync_api import expect
    from solara.server import settings

    from quartiersim.app import page as page_module
    from quartiersim.app import server
    from quartiersim.app.session import Session

    assert solara.util.parse_timedelta(settings.kernel.cull_timeout) <= 3600
    monkeypatch.setattr(server, "DISCONNECTED_KEPT", "1s")
    server.prepare_server()
    assert settings.kernel.cull_timeout == "1s"

    created: list[tuple[str, weakref.ref]] = []

    class Recorded(Session):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            created.append(("Session", weakref.ref(self)))

        def _build(self, strategy):
            quarter = super()._build(strategy)
            created.append(("QuartierModel", weakref.ref(quarter.model)))
            return quarter

    monkeypatch.setattr(page_module, "Session", Recorded)
    before = set(kernel_context.contexts)
    ended: dict[str, object] = {}  # kernel id -> its closed_event (not the context itself: a
    # closed context object may still point at its page's objects)
    for how in ("closed", "closed", "vanished", "vanished-playing"):
        context = browser.new_context()
        tab = context.new_page()
        if how.startswith("vanished"):
            tab.route("**/_solara/api/close/**", lambda route: route.abort())
        tab.goto(view_in_process)
        expect(tab.locator(".qs-week")).to_have_text("Week 0", timeout=UI_TIMEOUT)
        ended.update(
            {
                key: c.closed_event
                for key, c in list(kernel_context.contexts.items())
                if key not in ended and key not in before
            }
        )
        tab.locator(".qs-step").click()
        expect(tab.locator(".qs-week")).to_have_text("Week 1", timeout=UI_TIMEOUT)
        if how.endswith("playing"):
            tab.locator(".qs-play").click()
            expect(tab.locator(".qs-week")).not_to_have_text("Week 1", timeout=UI_TIMEOUT)
        context.close()

    assert len(ended) == 4
    for event in ended.values():
        assert event.wait(60), "a session was not ended"
    assert [kind for kind, _ in created].count("Session") == 4
    assert [kind for kind, _ in created].count("QuartierModel") >= 4
    deadline = time.monotonic() + 60
    while any(r() is not None for _, r in created) and time.monotonic() < deadline:
        gc.collect()  # a play thread may still be finishing its last week
        time.sleep(0.2)
    left = [kind for kind, r in created if r() is not None]
    assert not left, f"still reachable after their sessions ended: {left}"
