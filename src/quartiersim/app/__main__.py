"""``python -m quartiersim.app [--host H] [--port P]``: start the browser view."""

from __future__ import annotations

import argparse
import contextlib
import sys

from quartiersim.app.server import is_loopback, serve


def main(argv: list[str] | None = None) -> None:
    """python -m quartiersim.app: start the browser view."""
    parser = argparse.ArgumentParser(
        prog="python -m quartiersim.app", description="Start QuartierSim's browser view."
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port}: expected a number from 0 to 65535")
    if not is_loopback(args.host):
        print(
            f"warning: --host {args.host} makes the view reachable from other machines",
            file=sys.stderr,
        )
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how a trainer stops the view
        serve(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
