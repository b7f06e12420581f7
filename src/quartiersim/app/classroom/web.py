"""The students' side of a classroom session: small pages of our own, served by the same
server as the trainer's Solara view — and the gate that keeps other machines to them.

Routes (mounted into Solara's Starlette app by :func:`install`):

- ``GET /join`` — the join form (code, name, optional team, language); ``POST /join`` checks
  the code and the name, sets the participant's secret in a cookie and sends them on to the
  play page. Wrong codes from one device are limited (:data:`MAX_FAILED_JOINS` a minute).
- ``GET /play`` — the play page (plain HTML and ``static/play.js``, no CDN, no framework);
- ``GET /play/state`` — the participant's state as JSON;
- ``POST /play/choice`` — a plan for the open round (JSON); a bad plan gets a message in the
  student's language and changes nothing;
- ``POST /play/lang`` — the student's language;
- ``WS /play/socket`` — pushes the state whenever the classroom changes (a round ends, a
  teammate submits) and the progress of the round (teams chosen, the timer).

Who is who: a participant is known only by the cookie ``quartiersim_student`` (join code and a
random token; the server keeps a hash of the token). No request names a participant, so nobody
can act as another; the trainer's controls exist only in the trainer's Solara page, which no
route here reaches.

**The gate** (:class:`ClassroomGate`): while a classroom session is open (or always, in a
server started by ``quartiersim classroom``), a request from another machine reaches only the
pages above; ``/`` sends it to the join page, anything else — the trainer's view, its
websocket, Solara's internals — is refused. A request is from this machine when it comes from
the address it arrived at (a connection to 127.0.0.1 from 127.0.0.1, or to the LAN address from
that same address). It sits inside :class:`quartiersim.app.guard.HostGuard`, which checks
``Host`` and ``Origin`` first.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from quartiersim import ROLES
from quartiersim.app.classroom import student, texts
from quartiersim.app.classroom.choices import Refusal
from quartiersim.app.classroom.room import (
    CLOSED,
    Change,
    Classroom,
    Participant,
    find,
    normalise_code,
    open_classrooms,
)
from quartiersim.app.guard import Message, Receive, Scope, Send, is_loopback
from quartiersim.app.texts import LANGUAGES

log = logging.getLogger(__name__)

COOKIE = "quartiersim_student"
COOKIE_SECONDS = 12 * 3600
"""How long a student's browser keeps their place: a seminar day."""
MAX_FAILED_JOINS = 10
"""Wrong codes one device may try per :data:`FAILED_JOIN_WINDOW` seconds."""
FAILED_JOIN_WINDOW = 60.0
MAX_FORM = 4_096
MAX_JSON = 16_384
"""Largest request bodies accepted, in bytes (a plan needs a few hundred)."""

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" with a
    # form's POST, which the host guard rightly refuses
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}
"""Sent with every page: only this server's own scripts and styles run, nothing is framed."""

STATIC = {"play.js": "text/javascript", "classroom.css": "text/css"}
"""The files under ``static/`` a browser may ask for."""


# -- who is local -----------------------------------------------------------------------------


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host.split("%")[0].strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_local(scope: Scope) -> bool:
    """Whether a request comes from this machine: its peer address is the address it arrived
    at. A connection from another machine always comes from another address."""
    client, server = scope.get("client"), scope.get("server")
    if not client or not server:
        return False
    mine, theirs = _address(str(server[0])), _address(str(client[0]))
    return mine is not None and mine == theirs


def is_student_path(path: str) -> bool:
    """The paths a student's device may reach."""
    return path in ("/join", "/play") or path.startswith("/play/")


_locked_down = False
_served: tuple[str, int] = ("127.0.0.1", 8765)


def serving_at(host: str, port: int) -> None:
    """Tell the classroom where this server listens (:func:`quartiersim.app.server.serve`
    does), so that the trainer's screen shows the address students open."""
    global _served
    _served = (host, port)


def served_at() -> tuple[str, int]:
    """The address and port this server listens on."""
    return _served


def is_loopback_server() -> bool:
    """Whether only this machine can reach the server (students on other devices cannot)."""
    return is_loopback(_served[0])


def lock_down() -> None:
    """From now on this server shows other machines only the students' pages, whether a
    classroom is open or not (``quartiersim classroom`` does this)."""
    global _locked_down
    _locked_down = True


def gate_closed() -> bool:
    """Whether other machines are kept to the students' pages now."""
    return _locked_down or bool(open_classrooms())


class ClassroomGate:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] not in ("http", "websocket")
            or is_student_path(scope.get("path", ""))
            or not gate_closed()
            or is_local(scope)
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect: refuse the handshake
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope.get("path") == "/" and scope.get("method") in ("GET", "HEAD"):
            response: Response = RedirectResponse("/join", status_code=303)
        else:
            response = Response(
                "QuartierSim classroom: other devices reach only the students' pages; "
                "open /join.\n",
                status_code=403,
                media_type="text/plain",
            )
        await response(scope, receive, send)


# -- cookies and requests ---------------------------------------------------------------------


def authenticate(cookies: dict[str, str]) -> tuple[Classroom, Participant] | None:
    """The classroom and participant a request's cookie belongs to, if it is still valid."""
    value = cookies.get(COOKIE, "")
    code, _, token = value.partition(".")
    classroom = find(code) if code else None
    if classroom is None or classroom.phase == CLOSED:
        return None
    participant = classroom.participant_for(token)
    return None if participant is None else (classroom, participant)


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or ``None`` when it is larger than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=SECURITY_HEADERS)


def refusal_text(refusal: Refusal, lang: str) -> str:
    """A refusal as a sentence in ``lang``, with role names as people read them."""
    data = dict(refusal.data)
    if "role" in data:
        data["role"] = ROLES.label(str(data["role"]), lang)
    try:
        return texts.t(refusal.key, lang, **data)
    except (KeyError, IndexError, ValueError):
        return texts.t("bad_request", lang)


class FailedJoins:
    """Wrong codes per device, to slow down guessing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def blocked(self, who: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = self._seen.get(who)
            while recent and now - recent[0] > FAILED_JOIN_WINDOW:
                recent.popleft()
            return recent is not None and len(recent) >= MAX_FAILED_JOINS

    def failed(self, who: str) -> None:
        with self._lock:
            self._seen.setdefault(who, deque()).append(time.monotonic())


failed_joins = FailedJoins()


# -- pages ------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/play/static/classroom.css"></head>
<body class="{body_class}">{body}</body></html>
"""


def join_page(lang: str, code: str = "", name: str = "", team: str = "", message: str = "") -> str:
    """The join form in ``lang``, filled with what was typed, and a message if any."""

    def t(key: str, **data: Any) -> str:
        return html.escape(texts.t(key, lang, **data))

    options = "".join(
        f'<option value="{c}"{" selected" if c == lang else ""}>{html.escape(n)}</option>'
        for c, n in LANGUAGES.items()
    )
    alert = f'<p class="qs-message" role="alert">{html.escape(message)}</p>' if message else ""
    body = f"""<main class="qs-join">
<h1>{t("join_title")}</h1><p>{t("join_intro")}</p>{alert}
<form method="post" action="/join" autocomplete="off">
<label>{t("code")}<input name="code" value="{html.escape(code)}" required maxlength="12"
 autocapitalize="characters" spellcheck="false" inputmode="text" class="qs-code"></label>
<label>{t("name")}<input name="name" value="{html.escape(name)}" required maxlength="40"
 class="qs-name"></label>
<label>{t("team")}<input name="team" value="{html.escape(team)}" maxlength="40"
 class="qs-team"></label>
<label>{t("language")}<select name="lang" class="qs-lang">{options}</select></label>
<button type="submit" class="qs-join-button">{t("join")}</button>
</form></main>"""
    return PAGE.format(lang=lang, title=t("join_title"), body=body, body_class="qs-join-page")


def play_page(lang: str) -> str:
    """The play page's frame in ``lang``; ``play.js`` fills it from the state."""
    boot = json.dumps({"lang": lang, "texts": texts.student_texts(lang)}).replace("</", "<\\/")
    body = f"""<div id="qs-app" class="qs-app" aria-live="polite"></div>
<script id="qs-boot" type="application/json">{boot}</script>
<script src="/play/static/play.js"></script>"""
    title = html.escape(texts.t("play_title", lang))
    return PAGE.format(lang=lang, title=title, body=body, body_class="qs-play-page")


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


async def join_get(request: Request) -> Response:
    """The join form (a student who has joined already goes on to their page)."""
    found = authenticate(request.cookies)
    if found is not None:
        return RedirectResponse("/play", status_code=303)
    lang = request.query_params.get("lang") or texts.language_of(
        request.headers.get("accept-language")
    )
    lang = lang if lang in LANGUAGES else "en"
    code = normalise_code(request.query_params.get("code", ""))
    message = texts.t("removed", lang) if request.query_params.get("gone") else ""
    return _html(join_page(lang, code=code, message=message))


async def join_post(request: Request) -> Response:
    """Join with code and name: the participant's secret goes into a cookie."""
    body = await read_body(request, MAX_FORM)
    lang = "en"
    if body is None:
        return _html(join_page(lang, message=texts.t("too_large", lang)), 413)
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    lang = form.get("lang", "en") if form.get("lang") in LANGUAGES else "en"
    code, name, team = form.get("code", ""), form.get("name", ""), form.get("team", "")
    who = _client(request)
    if failed_joins.blocked(who):
        return _html(join_page(lang, code, name, team, texts.t("too_many_tries", lang)), 429)
    classroom = find(code)
    if classroom is None or classroom.phase == CLOSED:
        failed_joins.failed(who)
        return _html(join_page(lang, code, name, team, texts.t("wrong_code", lang)), 400)
    try:
        participant, token = await run_in_threadpool(classroom.join, name, lang, team)
    except Refusal as refusal:
        return _html(join_page(lang, code, name, team, refusal_text(refusal, lang)), 400)
    response = RedirectResponse("/play", status_code=303)
    response.set_cookie(
        COOKIE,
        f"{classroom.code}.{token}",
        max_age=COOKIE_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
    )
    log.info("classroom %s: %s joined", classroom.code, participant.name)
    return response


async def play_get(request: Request) -> Response:
    found = authenticate(request.cookies)
    if found is None:
        gone = "?gone=1" if COOKIE in request.cookies else ""
        return RedirectResponse(f"/join{gone}", status_code=303)
    return _html(play_page(found[1].lang))


def _not_joined(request: Request) -> JSONResponse:
    lang = texts.language_of(request.headers.get("accept-language"))
    return _json({"ok": False, "key": "not_joined", "message": texts.t("removed", lang)}, 401)


async def state_get(request: Request) -> Response:
    found = authenticate(request.cookies)
    if found is None:
        return _not_joined(request)
    text = await run_in_threadpool(student.message, *found)
    return Response(text, media_type="application/json", headers=SECURITY_HEADERS)


async def _json_body(request: Request) -> tuple[Any, str | None]:
    body = await read_body(request, MAX_JSON)
    if body is None:
        return None, "too_large"
    try:
        return json.loads(body.decode("utf-8")), None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "bad_request"


async def choice_post(request: Request) -> Response:
    """A plan for the open round; the answer says what was wrong, in the student's language."""
    found = authenticate(request.cookies)
    if found is None:
        return _not_joined(request)
    classroom, participant = found
    data, problem = await _json_body(request)
    lang = participant.lang
    if problem is not None:
        status = 413 if problem == "too_large" else 400
        return _json({"ok": False, "key": problem, "message": texts.t(problem, lang)}, status)
    try:
        await run_in_threadpool(classroom.submit, participant, data)
    except Refusal as refusal:
        message = refusal_text(refusal, lang)
        return _json({"ok": False, "key": refusal.key, "message": message}, 400)
    return _json({"ok": True, "round": classroom.round})


async def lang_post(request: Request) -> Response:
    found = authenticate(request.cookies)
    if found is None:
        return _not_joined(request)
    classroom, participant = found
    data, problem = await _json_body(request)
    lang = data.get("lang") if isinstance(data, dict) else None
    if problem is not None or lang not in LANGUAGES:
        key = problem or "bad_request"
        return _json({"ok": False, "key": key, "message": texts.t(key, participant.lang)}, 400)
    await run_in_threadpool(classroom.set_lang, participant, lang)
    return _json({"ok": True, "lang": lang})


async def static_get(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return Response("Not Found", status_code=404, media_type="text/plain")
    data = (resources.files("quartiersim.app.classroom") / "static" / name).read_bytes()
    return Response(data, media_type=STATIC[name], headers=SECURITY_HEADERS)


# -- pushing changes ----------------------------------------------------------------------------


@dataclass(eq=False)
class Connection:
    """One open websocket of a student's page."""

    participant: int
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)

    def put(self, text: str | None) -> None:
        """Queue a message for this page (from any thread)."""
        with contextlib.suppress(RuntimeError):  # the server's loop has stopped
            self.loop.call_soon_threadsafe(self.queue.put_nowait, text)


class Hub:
    """The open websockets of every classroom, and what each of them is sent on a change.

    A closed round sends every page its new state (made in the thread that closed the round,
    so the server's event loop only sends); a submitted plan sends the team its state and
    everyone the round's progress; a removed participant's pages are told and closed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, dict[int, set[Connection]]] = {}

    def add(self, classroom: Classroom, connection: Connection) -> None:
        with self._lock:
            first = classroom.code not in self._pages
            pages = self._pages.setdefault(classroom.code, {})
            pages.setdefault(connection.participant, set()).add(connection)
        if first:
            classroom.listen(lambda change: self.changed(classroom, change))

    def remove(self, classroom: Classroom, connection: Connection) -> None:
        with self._lock:
            pages = self._pages.get(classroom.code, {})
            pages.get(connection.participant, set()).discard(connection)
            if not pages.get(connection.participant):
                pages.pop(connection.participant, None)

    def connections(self, classroom: Classroom) -> dict[int, list[Connection]]:
        with self._lock:
            return {p: list(c) for p, c in self._pages.get(classroom.code, {}).items()}

    def changed(self, classroom: Classroom, change: Change) -> None:
        """Called by the classroom after every change, in the thread that made it."""
        pages = self.connections(classroom)
        if not pages:
            return
        kind = change.kind
        if kind == "closed":
            text = json.dumps({"type": "closed"})
            for connections in pages.values():
                for c in connections:
                    c.put(text)
                    c.put(None)
            with self._lock:
                self._pages.pop(classroom.code, None)
            return
        if kind == "left" and change.participant in pages:
            for c in pages.pop(change.participant):
                c.put(json.dumps({"type": "removed"}))
                c.put(None)
        if kind in ("round", "phase", "settings", "event"):
            full = set(pages)
        elif kind in ("submitted", "joined", "left"):
            full = {p for p in pages if self._team(classroom, p) == change.team}
        elif kind == "lang":
            full = {p for p in pages if p == change.participant}
        else:
            full = set()
        if kind in ("submitted", "joined", "left", "timer"):
            progress = json.dumps(student.progress(classroom))
            for p, connections in pages.items():
                if p not in full:
                    for c in connections:
                        c.put(progress)
        for p in full:
            participant = classroom.participants.get(p)
            if participant is None:
                continue
            text = student.message(classroom, participant)
            for c in pages[p]:
                c.put(text)

    @staticmethod
    def _team(classroom: Classroom, participant: int) -> int | None:
        found = classroom.participants.get(participant)
        return None if found is None else found.team


hub = Hub()


async def socket(ws: WebSocket) -> None:
    """A student's page listens here for its updates (and tells nothing but that it is
    there)."""
    found = authenticate(ws.cookies)
    if found is None:
        await ws.close(code=1008)  # before accepting: the browser sees a refused handshake
        return
    classroom, participant = found
    await ws.accept()
    connection = Connection(participant.id, asyncio.get_running_loop())
    hub.add(classroom, connection)
    await run_in_threadpool(classroom.connected, participant, +1)
    try:
        await ws.send_text(await run_in_threadpool(student.message, classroom, participant))
        sender = asyncio.create_task(_send_queued(ws, connection))
        receiver = asyncio.create_task(_drain(ws))
        _, pending = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.remove(classroom, connection)
        await run_in_threadpool(classroom.connected, participant, -1)
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close()


async def _send_queued(ws: WebSocket, connection: Connection) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # the page went away
        while True:
            text = await connection.queue.get()
            if text is None:
                return
            await ws.send_text(text)


async def _drain(ws: WebSocket) -> None:
    """Read (and ignore) what the page sends, to notice when it goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            message: Message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return


ROUTES = [
    Route("/join", join_get, methods=["GET", "HEAD"]),
    Route("/join", join_post, methods=["POST"]),
    Route("/play", play_get, methods=["GET", "HEAD"]),
    Route("/play/state", state_get, methods=["GET"]),
    Route("/play/choice", choice_post, methods=["POST"]),
    Route("/play/lang", lang_post, methods=["POST"]),
    Route("/play/static/{name}", static_get, methods=["GET", "HEAD"]),
    WebSocketRoute("/play/socket", socket),
]


def install(app: Any) -> None:
    """Mount the students' routes into the Starlette ``app`` (before Solara's catch-all) and
    put :class:`ClassroomGate` in front of it (once). Call it before the host guard is put in
    front, so that the guard stays outermost."""
    if getattr(app, "_quartiersim_classroom", False):
        return
    app.router.routes[0:0] = ROUTES
    if getattr(app, "middleware_stack", None) is None:
        from starlette.middleware import Middleware

        app.user_middleware.insert(0, Middleware(ClassroomGate))
    else:
        app.middleware_stack = ClassroomGate(app.middleware_stack)
    app._quartiersim_classroom = True


def lan_address() -> str:
    """This machine's address in the local network: the one it would send from towards
    another network (a UDP socket's ``connect`` picks the route and sends nothing).
    :class:`~quartiersim.errors.UsageError` when there is none."""
    import socket

    from quartiersim.errors import UsageError

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: never answered
            address = str(probe.getsockname()[0])
        except OSError:
            address = ""
    if not address or is_loopback(address) or address == "0.0.0.0":
        raise UsageError(
            "--lan: this machine has no address in a local network; name one: --lan ADDRESS"
        )
    return address


def check_listen_address(host: str, port: int) -> None:
    """Make sure the server can listen on ``host``: an address of this machine, the port free;
    :class:`~quartiersim.errors.UsageError` naming what is wrong otherwise."""
    import socket

    from quartiersim.errors import UsageError

    address = _address(host)
    if address is None:
        raise UsageError(f"--lan {host}: expected an IP address of this machine, e.g. 192.168.1.20")
    if address.is_unspecified:
        raise UsageError(
            f"--lan {host}: name the one address students reach (all addresses at once would "
            "also open the view to every network this machine is in)"
        )
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((str(address), port))
        except OSError as e:
            raise UsageError(
                f"--lan {host}: cannot listen on {host} port {port} ({e.strerror}); is it an "
                "address of this machine, and is the port free?"
            ) from None


def join_address(host: str, port: int) -> str:
    """The address students open (with the join path)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/join"


def join_link(host: str, port: int, code: str) -> str:
    """The join address with the code filled in (for a link or a QR code)."""
    return f"{join_address(host, port)}?code={quote(code)}"
