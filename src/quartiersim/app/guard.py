"""Who the browser view answers: only pages loaded from the address it serves.

A server on 127.0.0.1 is not private by itself. Two attacks reach it from a page the trainer
merely visits in the same browser:

- **DNS rebinding**: a foreign site makes its own name resolve to 127.0.0.1; the browser then
  talks to the view believing it is that site, and sends ``Host: evil.example``.
- **Cross-site websocket hijacking**: a foreign page opens a websocket to ``ws://127.0.0.1``;
  browsers allow that and send ``Origin: https://evil.example``.

:class:`HostGuard` therefore answers a request only when its ``Host`` header names the server
by the address the connection arrived on (with the port) — or, if that address is a loopback
one, by any loopback name (``127.0.0.1``, ``localhost``, ``[::1]``) — or by this machine's
host name; and when an ``Origin`` header, if sent, is one of those addresses too. Deriving the
addresses from the connection itself covers every ``--host``: the default 127.0.0.1, a LAN
address a trainer names, or 0.0.0.0 (each connection then arrived on one concrete address).
Names a proxy in front of the view uses can be added in ``QUARTIERSIM_ALLOWED_HOSTS``
(comma-separated, e.g. ``quarter.example.org,quarter.example.org:8443``).

Solara's internals page ``/resourcez`` (kernels, threads, memory) is not served at all.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
HIDDEN_PATHS = ("/resourcez",)
"""Paths never served: Solara's internals page shows kernels, threads and memory."""

EXTRA_HOSTS_ENV = "QUARTIERSIM_ALLOWED_HOSTS"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address, IPv6 with or without brackets) is this machine
    only."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(address: str) -> str:
    """An address as it appears in a ``Host`` header: IPv6 in brackets."""
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def extra_hosts() -> tuple[str, ...]:
    """Names configured in ``QUARTIERSIM_ALLOWED_HOSTS`` (lower case)."""
    value = os.environ.get(EXTRA_HOSTS_ENV, "")
    return tuple(name.strip().lower() for name in value.split(",") if name.strip())


def allowed_hosts(server: tuple[str, int | None] | None, extra: tuple[str, ...] = ()) -> set[str]:
    """The ``Host`` header values that name a server listening at ``server`` (the local address
    and port a connection arrived on)."""
    if server is None:  # not a TCP socket (e.g. a Unix socket behind a proxy): names only
        return set(extra)
    address, port = server
    names = {host_name(address).lower(), socket.gethostname().lower()}
    if is_loopback(address):
        names.update(LOOPBACK_NAMES)
    hosts = {f"{name}:{port}" for name in names} if port is not None else set()
    if port in (80, 443, None):  # browsers leave a default port out of Host
        hosts |= names
    return hosts | set(extra)


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def origin_host(origin: str) -> str | None:
    """``http://127.0.0.1:8765`` -> ``127.0.0.1:8765``; ``None`` for anything else (``null``)."""
    for scheme in ("http://", "https://"):
        if origin.startswith(scheme):
            rest = origin[len(scheme) :]
            return rest.lower() if rest and "/" not in rest else None
    return None


def refusal(scope: Scope, extra: tuple[str, ...] = ()) -> tuple[int, str] | None:
    """Why this request must not be answered, as (HTTP status, message); ``None`` if it may."""
    if scope.get("path", "") in HIDDEN_PATHS:
        return 404, "Not Found"
    hosts = allowed_hosts(scope.get("server"), extra)
    host = (header(scope, b"host") or "").lower()
    if host not in hosts:
        return 403, (
            f"QuartierSim: refused a request for host {host or '(none)'!r}: this server answers "
            "only requests addressed to itself (e.g. http://127.0.0.1:PORT)."
        )
    origin = header(scope, b"origin")
    if origin is not None and origin_host(origin) not in hosts:
        return 403, (
            f"QuartierSim: refused a request from the page at {origin!r}: only pages served by "
            "this server may talk to it."
        )
    return None


class HostGuard:
    """ASGI middleware: answers a request only if :func:`refusal` finds nothing against it;
    otherwise a plain-text 403 (404 for hidden paths), and a websocket is refused before it
    opens."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.extra = extra_hosts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = refusal(scope, self.extra)
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        body = (message + "\n").encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        headers.append((b"content-length", str(len(body)).encode()))
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await receive()  # websocket.connect
        if "websocket.http.response" in scope.get("extensions", {}):
            start = {"type": "websocket.http.response.start", "status": status, "headers": headers}
            await send(start)
            await send({"type": "websocket.http.response.body", "body": body})
        else:  # the server answers the handshake with a plain 403
            await send({"type": "websocket.close", "code": 1008})


def protect(app: Any) -> None:
    """Put :class:`HostGuard` in front of the Starlette ``app`` (once). Works before the
    server starts and also after Starlette has built its middleware (Solara imports the page
    module during the server's start-up, when that has happened already)."""
    if getattr(app, "_quartiersim_guarded", False):
        return
    if getattr(app, "middleware_stack", None) is None:
        from starlette.middleware import Middleware

        app.user_middleware.insert(0, Middleware(HostGuard))
    else:
        app.middleware_stack = HostGuard(app.middleware_stack)
    app._quartiersim_guarded = True


def protect_running_server() -> None:
    """Guard Solara's server app if this process runs one (``solara run`` or ``quartiersim
    app``); in a notebook or a test that only renders the page there is none."""
    server = sys.modules.get("solara.server.starlette")
    if server is not None:
        protect(server.app)
