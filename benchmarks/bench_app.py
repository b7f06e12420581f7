"""Cost of one frame of the browser view: one week stepped plus every view redrawn.

    .venv/bin/python benchmarks/bench_app.py            # history 10, 100, 500, 1,000 weeks
    .venv/bin/python benchmarks/bench_app.py --quick    # 10 and 260 weeks, fewer repeats

For the default quarter (600 households) the benchmark runs the quarter to a given history
length without drawing, then times frames: one week stepped, then the map, the network, the
plots and the resident inspector drawn to PNG exactly as the page does, plus the whole page's
re-render through ``solara.render`` (widgets and all, no browser). Reported per frame: the
median over ``repeats`` frames, in milliseconds.

What must hold (issue 5): the frame cost does not grow with the history length: the plots
draw at most ``PLOT_POINTS`` points per curve and the inspector's history is thinned, so the
frame at 1,000 weeks costs about what it costs at 10 (target ratio <= 1.25). Compare mode
(two quarters) is reported at the longest history.

Timings depend on the machine and its load (printed); they are never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from quartiersim.app import figures
from quartiersim.app.session import PLOT_POINTS, Session

HISTORIES = (10, 100, 500, 1_000)
QUICK_HISTORIES = (10, 260)
TARGET_GROWTH = 1.25


def timed(f: Callable[[], object]) -> float:
    start = time.perf_counter()
    f()
    return (time.perf_counter() - start) * 1000.0


def frame_parts(session: Session) -> dict[str, float]:
    """Milliseconds of one frame, part by part (what the page does after a step)."""
    parts = {"step": timed(lambda: session.step(1))}
    for which, model in enumerate(session.models):
        tag = "" if which == 0 else " B"
        parts["map" + tag] = timed(lambda m=model: figures.png(figures.draw_map(m, selected=0)))
        parts["network" + tag] = timed(
            lambda m=model: figures.png(figures.draw_network(m, selected=0))
        )
    parts["plots"] = timed(lambda: figures.png(figures.draw_plots(session)))
    parts["inspector"] = timed(lambda: figures.png(figures.draw_resident(session, 0)))
    return parts


def page_frame(session: Session, repeats: int) -> float:
    """Median milliseconds of a Step click in the rendered page (model, figures, widgets)."""
    import ipyvuetify as v
    import solara

    from quartiersim.app import Page

    _, rc = solara.render(solara.AppLayout(children=[Page(session=session)]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # warm-up
    times = [timed(step.click) for _ in range(repeats)]
    rc.close()
    return statistics.median(times)


def measure(history: int, repeats: int, compare: bool = False) -> dict[str, float]:
    session = Session()
    if compare:
        session.set_compare(True)
    session.step(history)
    frame_parts(session)  # warm-up: fonts, caches
    runs = [frame_parts(session) for _ in range(repeats)]
    result = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    result["frame"] = statistics.median(sum(r.values()) for r in runs)
    result["page"] = page_frame(session, repeats)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two history lengths, 3 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="frames timed per setting")
    args = parser.parse_args()
    histories = QUICK_HISTORIES if args.quick else HISTORIES
    repeats = args.repeats or (3 if args.quick else 7)

    print(
        f"browser view, default quarter (600 households); load average "
        f"{os.getloadavg()[0]:.1f}; plots thinned to {PLOT_POINTS} points per curve"
    )
    header = (
        f"{'weeks run':>10} {'step':>7} {'map':>7} {'network':>8} {'plots':>7} "
        f"{'inspector':>10} {'frame':>8} {'page':>8}   (ms, median of {repeats})"
    )
    print(header)
    frames = {}
    for history in histories:
        r = measure(history, repeats)
        frames[history] = r["frame"]
        print(
            f"{history:>10} {r['step']:>7.1f} {r['map']:>7.1f} {r['network']:>8.1f} "
            f"{r['plots']:>7.1f} {r['inspector']:>10.1f} {r['frame']:>8.1f} "
            f"{r['page']:>8.1f}"
        )
    r = measure(histories[-1], repeats, compare=True)
    print(
        f"{histories[-1]:>10} compare mode (two quarters): frame {r['frame']:.1f} ms, "
        f"page {r['page']:.1f} ms"
    )

    growth = frames[histories[-1]] / frames[histories[0]]
    verdict = "ok" if growth <= TARGET_GROWTH else "ABOVE TARGET"
    print(
        f"frame cost at {histories[-1]} weeks / at {histories[0]} weeks: {growth:.2f} "
        f"(target <= {TARGET_GROWTH}: {verdict})"
    )
    print(
        f"playing at one week per frame: about {1000 / frames[histories[0]]:.1f} frames/s "
        "before the browser's own work"
    )


if __name__ == "__main__":
    main()
