"""``python -m quartiersim.app [--host H] [--port P]``: start the browser view."""

from __future__ import annotations

import argparse
import contextlib

from quartiersim.app.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m quartiersim.app",
                                     description="Start QuartierSim's browser view.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port}: expected a number from 0 to 65535")
    with contextlib.suppress(KeyboardInterrupt):
        serve(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
