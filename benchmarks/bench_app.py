"""Cost of one frame of the browser view on the server: a week stepped, every picture brought up
to date, the page rendered again — at the seminar size and at realistic size.

    .venv/bin/python benchmarks/bench_app.py            # seminar and realistic quarter
    .venv/bin/python benchmarks/bench_app.py --quick    # fewer frames
    .venv/bin/python benchmarks/bench_app.py --sizes 600

The page runs in-process (``solara.render``: widgets and all, no browser) around a session of
the given size, run to week ``--history`` first. Timed per frame, median of ``--repeats``:

- ``step``: the model week(s) alone (one quarter, or both in compare mode);
- ``pictures``: the Plotly updates of map, time plots and inspector (what a frame sends);
- ``page``: a Step click in the rendered page, everything included — the server's share of
  click-to-frame. The browser's share (receiving and drawing) is measured by
  ``tests/test_browser_app.py``, which reports click-to-frame and frames per second.

Goals (issue 15): a Step drawn within 0.3 s of the click for one realistic quarter; playing at
5 frames/s (one quarter) and 3 (compare mode). Frames per second here are ``1 / page``: the
upper bound the server allows before the browser's own work.

Timings depend on the machine and its load (printed); they are never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from quartiersim.app import figures
from quartiersim.app.session import PRESETS, Session

GOAL_STEP_S = 0.3
GOAL_FPS = {1: 5.0, 2: 3.0}


def timed(f: Callable[[], object]) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def pictures(session: Session, figs: dict[str, Any]) -> None:
    """Every picture of the page brought up to date, as the page's effects do."""
    for which, model in enumerate(session.models):
        figures.update_map(figs[f"map{which}"], model, selected=0, frame=session.frame)
    figures.update_plots(figs["plots"], session, frame=session.frame)
    figures.update_resident(figs["resident"], session, 0, frame=session.frame)


def measure(size: dict[str, int], compare: bool, history: int, repeats: int) -> dict[str, float]:
    import ipyvuetify as v
    import solara

    from quartiersim.app import Page

    session = Session(**size)
    if compare:
        session.set_compare(True)
    session.step(history)
    quarters = len(session.quarters)
    figs: dict[str, Any] = {
        f"map{k}": figures.map_figure(m, height=400) for k, m in enumerate(session.models)
    }
    figs["plots"] = figures.plots_figure(("helplessness", "participation"), quarters)
    figs["resident"] = figures.resident_figure(quarters)
    pictures(session, figs)  # the first update sends everything; later ones only changes
    steps = [timed(lambda: session.step(1)) for _ in range(repeats)]
    drawn = [timed(lambda: (session.step(1), pictures(session, figs))) for _ in range(repeats)]
    with contextlib.redirect_stdout(io.StringIO()):  # outside a server the app bar prints
        _, rc = solara.render(
            solara.AppLayout(children=[Page(session=session)]), handle_error=False
        )
    button = rc.find(v.Btn, children=["Step"]).widget
    button.click()  # warm-up
    page = [timed(button.click) for _ in range(repeats)]
    rc.close()
    step = statistics.median(steps)
    return {
        "step": step,
        "pictures": max(0.0, statistics.median(drawn) - step),
        "page": statistics.median(page),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 frames per setting")
    parser.add_argument("--repeats", type=int, default=None, help="frames timed per setting")
    parser.add_argument("--history", type=int, default=52, help="weeks run before timing")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=None, help="households (default: the presets)"
    )
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    sizes = (
        [dict(PRESETS["seminar"]), dict(PRESETS["realistic"])]
        if args.sizes is None
        else [
            {
                "n_residents": n,
                "width": max(10, round(40 * (n / 600) ** 0.5)),
                "height": max(10, round(40 * (n / 600) ** 0.5)),
            }
            for n in args.sizes
        ]
    )
    print(
        f"browser view, server side per frame (s, median of {repeats}); "
        f"load average {os.getloadavg()[0]:.1f}; history {args.history} weeks"
    )
    print(f"{'households':>10} {'quarters':>8} {'step':>7} {'pictures':>9} {'page':>7} {'fps':>6}")
    for size in sizes:
        for compare in (False, True):
            r = measure(size, compare, args.history, repeats)
            quarters = 2 if compare else 1
            fps = 1 / r["page"]
            verdict = "ok" if fps >= GOAL_FPS[quarters] else "below goal"
            print(
                f"{size['n_residents']:>10} {quarters:>8} {r['step']:>7.3f} {r['pictures']:>9.3f} "
                f"{r['page']:>7.3f} {fps:>6.1f}  (goal {GOAL_FPS[quarters]:g}/s: {verdict})"
            )
    print(f"goal for a Step, click to drawn frame: <= {GOAL_STEP_S} s (browser included)")


if __name__ == "__main__":
    main()
