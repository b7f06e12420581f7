"""The view's pictures, drawn in the browser by Plotly (WebGL for the residents and ties).

Each picture is a ``plotly.graph_objects.FigureWidget`` made once by a ``*_figure`` function
and brought up to date every frame by the matching ``update_*`` function. An update assigns
only the data that moves (colours, positions of problems and workers, curves); Plotly's widget
sends the browser only what differs from what it has, as a *restyle* or *relayout* message —
not a new picture. The figures know nothing of Solara, so the page, a classroom view, the
tests and the benchmark use the same functions.

Plotly's JavaScript ships inside its Python package (an anywidget bundle), so the page needs no
CDN and works offline. Why Plotly and how fast it is: ``benchmarks/bench_app.py`` and
``docs/architecture.md``.

Sizes: what a frame sends grows with the residents (one colour each) and with the drawn ties
(at most :data:`NETWORK_MAX_TIES`), never with the weeks run; the time plots draw at most
:data:`~quartiersim.app.session.PLOT_POINTS` points per curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from traitlets import observe

from quartiersim import ACTIVITIES, EVENTS, MEASURES
from quartiersim.app import texts
from quartiersim.app.texts import t
from quartiersim.problems import LATENT, SOLVED, VISIBLE
from quartiersim.quarter import PLACE_NAMES
from quartiersim.residents import AGE_GROUPS, AGE_LABELS, DOMAIN_LABELS, DOMAINS, ORIGIN_LABEL

FONT_SIZE = 14
"""Smallest text in a figure, in CSS pixels: readable from the back of a seminar room."""

STREET, BUILDING_A, BUILDING_B, PLACE = "#ffffff", "#efe4cc", "#e6d6b5", "#cde8c3"
ORIGIN_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d")
AGE_COLOURS = ("#66c2a5", "#8da0cb", "#fc8d62")
NO_GROUP = "#c8c8c8"
# Saturated colours that stay apart from the ties' blue and orange in the network view.
GROUP_COLOURS = (
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#e377c2",
    "#17becf",
    "#8c564b",
    "#bcbd22",
    "#1a1a6e",
    "#006d2c",
    "#7f7f7f",
)
WITHDRAWN_COLOURS = ("#9ecae1", "#b2182b")  # not withdrawn, withdrawn
BONDING, BRIDGING = "#3182bd", "#f28e2b"
PROBLEM_STYLE = {  # status -> (marker symbol, fill, line colour)
    LATENT: ("circle-open", "#666666", "#666666"),
    VISIBLE: ("circle", "rgba(227,52,47,0.55)", "#8b0000"),
    SOLVED: ("circle", "rgba(56,161,105,0.5)", "#1c5b34"),
}
MEASURE_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
)
QUARTER_DASH = ("solid", "dash")  # quarter A solid, quarter B dashed
ALWAYS_PLOTTED = ("social_capital", "political_influence")
"""The two composites the plot view always shows; every other measure can be added to it."""
SCALES = {"helplessness": "RdYlGn_r", "activated": "Viridis"}
"""Residents' attributes drawn on a colour scale (0..1); the others are categories."""

NETWORK_MIN_WEIGHT = 0.2
"""Ties weaker than this are not drawn: the many fleeting acquaintances would hide the network
that carries support (and cost the browser most of its work)."""
NETWORK_MAX_TIES = 4000
"""At most this many ties are drawn, the strongest first, so a frame stays small in a quarter
of thousands of households."""

PLOT_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,  # follow the page's width (see quartiersim.app.page.FollowWidth)
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""Plotly's tool bar: the camera button downloads the picture as a PNG (drawn by the browser)."""


def _base(height: int, name: str) -> dict[str, Any]:
    return {
        "height": height,
        "autosize": True,
        "margin": {"l": 8, "r": 8, "t": 34, "b": 8},
        "font": {"size": FONT_SIZE},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "meta": {"frame": -1, "view": name},
        "uirevision": name,  # zoom and pan survive updates
    }


class FigureWidget(go.FigureWidget):
    """Plotly's figure widget, told not to take the browser's defaults back into Python.

    After each update the browser reports the defaults it filled in; Plotly 7.1 merges them
    into the figure and fails on NumPy arrays ("truth value of an array is ambiguous"). The
    view sets every property it relies on, so the report only marks the update as done.
    """

    @observe("_js2py_traceDeltas")
    def _handler_js2py_traceDeltas(self, change: dict) -> None:
        if change["new"]:
            self._trace_edit_in_process = False
            if not self._layout_edit_in_process:
                while self._waiting_edit_callbacks:
                    self._waiting_edit_callbacks.pop()()
        self._js2py_traceDeltas = None


def restyle(fig: go.FigureWidget, trace: int, props: dict[str, Any]) -> None:
    """Set properties of one trace (dotted paths, e.g. ``marker.color``) in one message.

    One trace per message: in a batch that changes several traces, Plotly 7.1 sends ``null``
    for every property one trace sets and another does not — which erases that property in
    the browser (the residents lost their positions whenever a problem moved)."""
    with fig.batch_update():
        target = fig.data[trace]
        for path, value in props.items():
            target[path] = value


def relayout(fig: go.FigureWidget, props: dict[str, Any]) -> None:
    """Set layout properties (dotted paths) in one message."""
    with fig.batch_update():
        for path, value in props.items():
            fig.layout[path] = value


def _widget(fig: go.Figure, filename: str) -> go.FigureWidget:
    widget = FigureWidget(fig)
    widget._config = {
        **PLOT_CONFIG,
        "toImageButtonOptions": {**PLOT_CONFIG["toImageButtonOptions"], "filename": filename},
    }
    return widget


def jitter(n: int) -> np.ndarray:
    """A fixed small offset per resident, so households sharing a dwelling do not hide each
    other (the same offsets every week: dots do not dance)."""
    k = np.arange(n)
    return np.column_stack([(k * 0.618034) % 1.0, (k * 0.754878) % 1.0]) * 0.6 - 0.3


def positions(model: Any) -> np.ndarray:
    return model.home_xy + jitter(len(model.home_xy))


# -- colours and legends --------------------------------------------------------------------


def resident_colours(model: Any, colour_by: str, lang: str) -> tuple[np.ndarray, list]:
    """Colours of all residents for ``colour_by`` (a key of :data:`texts.ATTRIBUTES`) and the
    legend: values in [0, 1] on the attribute's scale (legend ``[]``), or one colour per
    resident and the legend's ``(colour, text)`` items."""
    r = model.residents
    if colour_by == "helplessness":
        return r.helplessness, []
    if colour_by == "activated":
        return r.activated.sum(axis=1) / r.resources.sum(axis=1), []
    if colour_by == "origin":
        palette = np.array(ORIGIN_COLOURS)
        items = [
            (ORIGIN_COLOURS[k % len(ORIGIN_COLOURS)], ORIGIN_LABEL.pick(lang).format(k=k))
            for k in range(model.p["n_origins"])
        ]
        return palette[r.origin % len(palette)], items
    if colour_by == "age":
        items = [(AGE_COLOURS[k], AGE_LABELS[name].pick(lang)) for k, name in enumerate(AGE_GROUPS)]
        return np.array(AGE_COLOURS)[r.age], items
    if colour_by == "group":
        return group_colours(model, lang)
    if colour_by == "withdrawn":
        items = [
            (WITHDRAWN_COLOURS[0], t("withdrawn_no", lang)),
            (WITHDRAWN_COLOURS[1], t("withdrawn_yes", lang)),
        ]
        return np.array(WITHDRAWN_COLOURS)[r.withdrawn.astype(int)], items
    raise ValueError(f"colour_by={colour_by!r}: expected one of {', '.join(texts.ATTRIBUTES)}")


def group_colours(model: Any, lang: str, most: int = 6) -> tuple[np.ndarray, list]:
    """A colour per resident by action group (grey: none) and legend items for the largest
    ``most`` groups."""
    r = model.residents
    member = r.group >= 0
    colours = np.full(r.n, NO_GROUP, dtype=object)
    colours[member] = np.array(GROUP_COLOURS, dtype=object)[r.group[member] % len(GROUP_COLOURS)]
    ids, sizes = np.unique(r.group[member], return_counts=True)
    order = np.argsort(-sizes, kind="stable")
    items: list = [
        (GROUP_COLOURS[g % len(GROUP_COLOURS)], t("group", lang, id=int(g), n=int(s)))
        for g, s in zip(ids[order][:most], sizes[order][:most], strict=True)
    ]
    if len(ids) > most:
        items.append((None, t("more_groups", lang, n=len(ids) - most)))
    items.append((NO_GROUP, t("no_group", lang)))
    return colours.astype(str), items


def map_legend(model: Any, colour_by: str, lang: str) -> list[tuple[str | None, str]]:
    """The map's legend as (colour, text) items, shown by the page as text below the map:
    problems, workers, then the residents' colours."""
    items: list[tuple[str | None, str]] = [
        ("#999999", t("latent", lang)),
        ("#e3342f", t("visible", lang)),
        ("#38a169", t("solved", lang)),
    ]
    if model.workers and not model.project_running:
        items.append(("#ffffff", t("workers_left", lang)))
    else:
        # every activity of the week: a worker's square shows the largest, its hover all
        shown = {a for w in model.workers for a, h in w.spent_week.items() if h > 0}
        shown |= {main_activity(w) for w in model.workers}
        items += [
            (ACTIVITIES[a].colour, t("worker", lang, role=ACTIVITIES.label(a, lang)))
            for a in ACTIVITIES
            if a in shown
        ]
    _, residents = resident_colours(model, colour_by, lang)
    return items + residents


def main_activity(worker: Any) -> str:
    """The activity a worker spent most hours on this week (its largest share before the first
    week)."""
    spent = {a: h for a, h in worker.spent_week.items() if h > 0}
    shares = spent or {a: s for a, s in worker.role_mix.items() if s > 0}
    if not shares:
        return ""
    return max(shares, key=lambda a: shares[a])


# -- the quarter map ------------------------------------------------------------------------

BACKGROUND, PROBLEMS, RESIDENTS, WORKERS, SELECTED, PLACES = range(6)
"""Trace order of the map."""


def map_figure(
    model: Any, lang: str = "en", height: int = 440, name: str = "map"
) -> go.FigureWidget:
    """The quarter map of ``model``: streets, buildings and places drawn once; problems,
    residents, workers and the inspected resident as traces that :func:`update_map` changes."""
    lay = model.layout
    code = np.where(lay.building >= 0, 1 + lay.building % 2, 0)
    code = np.where(lay.place >= 0, 3, code)
    colours = [STREET, BUILDING_A, BUILDING_B, PLACE]
    # A discrete scale: code k (0..3) fills the band [k/4, (k+1)/4] with its colour.
    scale = [[(k + e) / 4, c] for k, c in enumerate(colours) for e in (0, 1)]
    xy = positions(model)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=code.T.tolist(),
            zmin=-0.5,
            zmax=3.5,
            colorscale=scale,
            showscale=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers", hoverinfo="text", name="problems"))
    fig.add_trace(
        go.Scattergl(
            # Lists, not arrays: the widget's first state does not carry NumPy's binary form.
            x=xy[:, 0].round(2).tolist(),
            y=xy[:, 1].round(2).tolist(),
            mode="markers",
            # smaller dots in a bigger quarter, so 5,000 households stay apart
            marker={
                "size": max(2.5, min(7.0, 260 / lay.width)),
                "line": {"width": 0.4 if lay.width <= 60 else 0, "color": "#333333"},
            },
            hovertemplate="#%{pointNumber}: %{marker.color:.2f}<extra></extra>",
            name="residents",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers+text",
            marker={"symbol": "square", "size": 20, "line": {"width": 1.5, "color": "black"}},
            textfont={"size": FONT_SIZE, "color": "white"},
            hoverinfo="text",
            name="workers",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers",
            marker={"symbol": "circle-open", "size": 20, "line": {"width": 3}, "color": "black"},
            hoverinfo="skip",
            name="selected",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=lay.place_xy[:, 0].tolist(),
            y=lay.place_xy[:, 1].tolist(),
            mode="text",
            text=[texts.pick(PLACE_NAMES[k], lang) for k in lay.place_kind],
            textfont={"size": FONT_SIZE, "color": "#1f4f1f"},
            hoverinfo="skip",
            name="places",
        )
    )
    fig.update_layout(
        **_base(height, name),
        xaxis={"visible": False, "range": [-0.5, lay.width - 0.5], "constrain": "domain"},
        yaxis={
            "visible": False,
            "range": [-0.5, lay.height - 0.5],
            "scaleanchor": "x",
            "constrain": "domain",
        },
    )
    return _widget(fig, "quartiersim-map")


def update_map(
    fig: go.FigureWidget,
    model: Any,
    colour_by: str = "helplessness",
    lang: str = "en",
    selected: int | None = None,
    title: str = "",
    frame: int = 0,
) -> None:
    """Bring the map up to date: only what changed travels to the browser."""
    pr = model.problems
    styles = [PROBLEM_STYLE[int(s)] for s in pr.status]
    values, _ = resident_colours(model, colour_by, lang)
    scale = SCALES.get(colour_by)
    xy = positions(model)
    workers = [] if not model.project_running else list(model.workers)
    here: dict[Any, int] = {}
    wx, wy, wc, wt = [], [], [], []
    for k, w in enumerate(workers):
        x, y = w.cell.coordinate
        offset = here.get(w.cell, 0)  # workers on one cell side by side
        here[w.cell] = offset + 1
        wx.append(x + 2.4 * offset)
        wy.append(y)
        activity = main_activity(w)
        wc.append(ACTIVITIES[activity].colour if activity else "#ffffff")
        hours = ", ".join(
            f"{ACTIVITIES.label(a, lang)} {h:.0f} h" for a, h in w.spent_week.items() if h > 0
        )
        wt.append(f"{t('worker_n', lang, n=k + 1)}: {hours or t('no_hours', lang)}")
    residents: dict[str, Any] = {"marker.color": values}
    if len(fig.data[RESIDENTS].x) != len(xy):  # a quarter of another size: positions anew
        residents["x"], residents["y"] = xy[:, 0].round(2).tolist(), xy[:, 1].round(2).tolist()
    if scale:
        residents.update({"marker.colorscale": scale, "marker.cmin": 0, "marker.cmax": 1})
        residents["hovertemplate"] = "#%{pointNumber}: %{marker.color:.2f}<extra></extra>"
    else:
        residents["hovertemplate"] = "#%{pointNumber}<extra></extra>"
    # Problems, the inspected resident and the workers are shapes and annotations of the
    # layout: a frame is then one message and one redraw in the browser (one per trace
    # would redraw the 5,000 residents several times per frame).
    shapes = []
    for p in range(len(pr.x)):
        symbol, fill, line = styles[p]
        r = 0.5 + 1.1 * float(pr.severity[p])
        shapes.append(
            {
                "type": "circle",
                "xref": "x",
                "yref": "y",
                "x0": float(pr.x[p]) - r,
                "x1": float(pr.x[p]) + r,
                "y0": float(pr.y[p]) - r,
                "y1": float(pr.y[p]) + r,
                "fillcolor": "rgba(0,0,0,0)" if symbol == "circle-open" else fill,
                "line": {
                    "color": line,
                    "width": 2,
                    "dash": "dot" if symbol == "circle-open" else "solid",
                },
                "layer": "above",
            }
        )
    if selected is not None and 0 <= selected < len(xy):
        x, y = float(xy[selected, 0]), float(xy[selected, 1])
        shapes.append(
            {
                "type": "circle",
                "xref": "x",
                "yref": "y",
                "x0": x - 0.9,
                "x1": x + 0.9,
                "y0": y - 0.9,
                "y1": y + 0.9,
                "line": {"color": "black", "width": 3},
                "layer": "above",
                "name": "selected",
            }
        )
    notes = [
        {
            "x": x,
            "y": y,
            "xref": "x",
            "yref": "y",
            "text": f"<b>{k + 1}</b>",
            "showarrow": False,
            "bgcolor": colour,
            "bordercolor": "black",
            "borderwidth": 1.5,
            "borderpad": 3,
            "font": {"size": FONT_SIZE, "color": "white"},
            "hovertext": hover,
            "name": "worker",
        }
        for k, (x, y, colour, hover) in enumerate(zip(wx, wy, wc, wt, strict=True))
    ]
    restyle(
        fig, PLACES, {"text": [texts.pick(PLACE_NAMES[k], lang) for k in model.layout.place_kind]}
    )
    # One batch that touches one trace: one message, one redraw (see :func:`restyle`).
    with fig.batch_update():
        dots = fig.data[RESIDENTS]
        for path, value in residents.items():
            dots[path] = value
        fig.layout.shapes = shapes
        fig.layout.annotations = notes
        fig.layout.title = {"text": title, "font": {"size": FONT_SIZE + 1}, "x": 0.5}
        fig.layout.meta = {"frame": frame, "view": fig.layout.meta["view"]}


def problem_hover(model: Any, lang: str) -> list[str]:
    """What each problem is and where it stands, for the map's legend and tests."""
    return [
        f"{problem_name(model, i, lang)} ({t(STATUS_KEYS[int(s)], lang)})"
        for i, s in enumerate(model.problems.status)
    ]


STATUS_KEYS = {LATENT: "latent", VISIBLE: "visible", SOLVED: "solved"}


def problem_name(model: Any, p: int, lang: str) -> str:
    from quartiersim.activity import problem_label

    return problem_label(int(model.problems.kind[p]), lang)


# -- the network of ties --------------------------------------------------------------------

BONDING_LINES, BRIDGING_LINES, NODES, NODE_SELECTED = range(4)


def network_figure(model: Any, height: int = 440, name: str = "network") -> go.FigureWidget:
    """The ties between residents at their homes: bonding blue, bridging orange, residents
    coloured by action group; :func:`update_network` fills it."""
    lay = model.layout
    fig = go.Figure()
    for colour, kind in ((BONDING, "bonding"), (BRIDGING, "bridging")):
        fig.add_trace(
            go.Scattergl(
                x=[],
                y=[],
                mode="lines",
                line={"color": colour, "width": 1.2},
                opacity=0.55,
                hoverinfo="skip",
                name=kind,
            )
        )
    xy = positions(model)
    fig.add_trace(
        go.Scattergl(
            x=xy[:, 0].round(2).tolist(),
            y=xy[:, 1].round(2).tolist(),
            mode="markers",
            marker={"size": 5},
            hovertemplate="#%{pointNumber}<extra></extra>",
            name="residents",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="markers",
            marker={"symbol": "circle-open", "size": 20, "line": {"width": 3}, "color": "black"},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        **{**_base(height, name), "plot_bgcolor": "#fbfbfb"},
        xaxis={"visible": False, "range": [-0.5, lay.width - 0.5], "constrain": "domain"},
        yaxis={
            "visible": False,
            "range": [-0.5, lay.height - 0.5],
            "scaleanchor": "x",
            "constrain": "domain",
        },
    )
    return _widget(fig, "quartiersim-network")


def drawn_ties(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ties the network view draws (the strongest, at least
    :data:`NETWORK_MIN_WEIGHT`, at most :data:`NETWORK_MAX_TIES`) and whether each bridges."""
    r, ties = model.residents, model.ties
    weight = np.asarray(ties.weight)
    keep = np.flatnonzero(weight >= NETWORK_MIN_WEIGHT)
    if len(keep) > NETWORK_MAX_TIES:
        keep = keep[np.argsort(-weight[keep], kind="stable")[:NETWORK_MAX_TIES]]
    bridging = np.asarray(ties.bridging(r.origin, r.age))[keep]
    return keep, bridging


def _segments(xy: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line segments i-j as one x and one y array, each segment ended by a gap (NaN)."""
    x = np.column_stack([xy[i, 0], xy[j, 0], np.full(len(i), np.nan)]).ravel()
    y = np.column_stack([xy[i, 1], xy[j, 1], np.full(len(i), np.nan)]).ravel()
    return x.round(2), y.round(2)


def network_counts(model: Any) -> tuple[int, int]:
    """All bonding and bridging ties of the quarter (drawn or not), for the legend."""
    r = model.residents
    bridging = int(np.asarray(model.ties.bridging(r.origin, r.age)).sum())
    return len(model.ties) - bridging, bridging


def update_network(
    fig: go.FigureWidget,
    model: Any,
    lang: str = "en",
    selected: int | None = None,
    title: str = "",
    frame: int = 0,
) -> None:
    """Bring the network up to date (only the drawn ties and the group colours travel)."""
    xy = positions(model)
    keep, bridging = drawn_ties(model)
    i, j = np.asarray(model.ties.i)[keep], np.asarray(model.ties.j)[keep]
    colours, _ = group_colours(model, lang)
    for trace, mask in ((BONDING_LINES, ~bridging), (BRIDGING_LINES, bridging)):
        x, y = _segments(xy, i[mask], j[mask])
        restyle(fig, trace, {"x": x, "y": y})
    nodes: dict[str, Any] = {"marker.color": colours}
    if len(fig.data[NODES].x) != len(xy):
        nodes["x"], nodes["y"] = xy[:, 0].round(2).tolist(), xy[:, 1].round(2).tolist()
    restyle(fig, NODES, nodes)
    if selected is not None and 0 <= selected < len(xy):
        restyle(fig, NODE_SELECTED, {"x": [float(xy[selected, 0])], "y": [float(xy[selected, 1])]})
    else:
        restyle(fig, NODE_SELECTED, {"x": [], "y": []})
    relayout(
        fig,
        {
            "title": {"text": title, "font": {"size": FONT_SIZE + 1}, "x": 0.5},
            "meta": {"frame": frame, "view": fig.layout.meta["view"]},
        },
    )


def network_legend(model: Any, lang: str) -> list[tuple[str | None, str]]:
    bonding, bridging = network_counts(model)
    _, groups = group_colours(model, lang)
    return [
        (BONDING, t("bonding", lang, n=bonding)),
        (BRIDGING, t("bridging", lang, n=bridging)),
        *groups,
    ]


# -- measures over time ---------------------------------------------------------------------


def plotted(extra: Sequence[str]) -> tuple[list[str], list[str]]:
    """The measures the plot view shows, split into its two panels: shares and indices on the
    fixed 0..1 scale, counts on their own axis below."""
    measures = [*ALWAYS_PLOTTED, *[m for m in extra if m not in ALWAYS_PLOTTED and m in MEASURES]]
    shares = [m for m in measures if MEASURES[m].unit_interval]
    counts = [m for m in measures if not MEASURES[m].unit_interval]
    return shares, counts


def plots_figure(
    extra: Sequence[str], quarters: int = 1, height: int = 440, lang: str = "en"
) -> go.FigureWidget:
    """The measures over time: one line per measure and quarter (A solid, B dashed), shares
    and indices above, counts below; :func:`update_plots` fills in the data."""
    shares, counts = plotted(extra)
    rows = 2 if counts else 1
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.62, 0.38] if rows == 2 else None,
    )
    for row, measures in ((1, shares), (2, counts)):
        for k, measure in enumerate(measures):
            colour = MEASURE_COLOURS[(k if row == 1 else len(shares) + k) % len(MEASURE_COLOURS)]
            for which in range(quarters):
                fig.add_trace(
                    go.Scatter(
                        x=[],
                        y=[],
                        mode="lines",
                        line={"color": colour, "width": 2.5, "dash": QUARTER_DASH[which]},
                        name=MEASURES.label(measure, lang)
                        + (f" ({'AB'[which]})" if quarters > 1 else ""),
                        meta={"measure": measure, "quarter": which},
                        hovertemplate="%{y:.3~f}",
                        showlegend=which == 0,
                        legendgroup=measure,
                    ),
                    row=row,
                    col=1,
                )
    fig.update_layout(
        **_base(height, "plots"),
        hovermode="x unified",
    )
    fig.update_layout(margin={"l": 48, "r": 12, "t": 16, "b": 40})
    fig.update_yaxes(range=[0, 1], row=1, col=1, gridcolor="#e5e5e5", tickfont={"size": FONT_SIZE})
    if rows == 2:
        fig.update_yaxes(
            rangemode="tozero", row=2, col=1, gridcolor="#e5e5e5", tickfont={"size": FONT_SIZE}
        )
    fig.update_xaxes(gridcolor="#e5e5e5", tickfont={"size": FONT_SIZE}, rangemode="tozero")
    return _widget(fig, "quartiersim-measures")


def plots_legend(extra: Sequence[str], lang: str) -> list[tuple[str | None, str]]:
    """The time plots' legend as (colour, text) items, shown by the page as text below the
    plot (a legend inside the figure would take the room of the curves on a projector)."""
    shares, counts = plotted(extra)
    return [
        (MEASURE_COLOURS[k % len(MEASURE_COLOURS)], MEASURES.label(m, lang))
        for k, m in enumerate([*shares, *counts])
    ]


def markers(session: Any) -> list[tuple[int, str, str]]:
    """Weeks to mark on the time plots: every event (from quarter A's log) and the project exit
    of each quarter, as (week, kind, label key or event name)."""
    marks: list[tuple[int, str, str]] = []
    with session.lock:
        for entry in session.model.activity:
            if entry.key == "event":
                marks.append((entry.week, "event", entry.data.get("event", "")))
        exits = sorted({q.model.project_weeks for q in session.quarters})
    marks += [(week, "exit", "exit_line") for week in exits]
    return marks


def update_plots(
    fig: go.FigureWidget,
    session: Any,
    lang: str = "en",
    frame: int = 0,
) -> None:
    """Bring the time plots up to date: the new points of each curve, the x range, the marks
    for events and the exit, the names in ``lang``."""
    with session.lock:
        weeks = session.week
        series = {
            (trace.meta["measure"], trace.meta["quarter"]): session.series(
                trace.meta["quarter"], trace.meta["measure"]
            )
            for trace in fig.data
            if trace.meta["quarter"] < len(session.quarters)
        }
    right = max(52, -(-max(weeks, 1) // 52) * 52)
    marks = markers(session)
    shapes, notes = [], []
    for week, kind, what in marks:
        if week > right:
            continue
        exit_mark = kind == "exit"
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": week,
                "x1": week,
                "y0": 0,
                "y1": 1,
                "line": {
                    "color": "#444444" if exit_mark else "#b2182b",
                    "width": 1.5,
                    "dash": "dot" if exit_mark else "dashdot",
                },
            }
        )
        label = (
            t(what, lang)
            if exit_mark
            else EVENTS[what].label.pick(lang)
            if what in EVENTS
            else what
        )
        notes.append(
            {
                "x": week,
                "y": 0,
                "xref": "x",
                "yref": "paper",
                "text": label,
                "showarrow": False,
                "textangle": -90,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"size": FONT_SIZE - 1, "color": "#444444" if exit_mark else "#b2182b"},
            }
        )
    for k, trace in enumerate(fig.data):
        key = (trace.meta["measure"], trace.meta["quarter"])
        if key in series:
            x, y = series[key]
            restyle(fig, k, {"x": x, "y": y.round(4)})
    axis = {"text": t("weeks_axis", lang), "font": {"size": FONT_SIZE}}
    layout: dict[str, Any] = {"xaxis.range": [0, right], "shapes": shapes, "annotations": notes}
    if "xaxis2" in fig.layout and fig.layout.xaxis2 is not None:
        layout.update({"xaxis2.range": [0, right], "xaxis2.title": axis})
    else:
        layout["xaxis.title"] = axis
    layout["meta"] = {"frame": frame, "view": "plots"}
    relayout(fig, layout)


# -- one resident ---------------------------------------------------------------------------


def resident_figure(quarters: int = 1, height: int = 300) -> go.FigureWidget:
    """One resident: activated and buried resources per domain (bars; per quarter in compare
    mode) and helplessness over time (a line per quarter)."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.2)
    for which in range(quarters):
        for colour, kind in (("#2b8cbe", "activated"), ("#d9d9d9", "buried")):
            fig.add_trace(
                go.Bar(
                    x=[],
                    y=[],
                    orientation="h",
                    marker={"color": colour, "pattern": {"shape": "/" if which else ""}},
                    meta={"kind": kind, "quarter": which},
                    hovertemplate="%{x:.2f}<extra></extra>",
                    offsetgroup=str(which),
                ),
                row=1,
                col=1,
            )
    for which in range(quarters):
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="lines",
                line={"color": "#b2182b", "width": 2.5, "dash": QUARTER_DASH[which]},
                meta={"kind": "helplessness", "quarter": which},
                hovertemplate="%{y:.2f}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    fig.update_layout(**_base(height, "resident"), barmode="relative")
    fig.update_layout(margin={"l": 8, "r": 12, "t": 40, "b": 40})
    fig.update_xaxes(range=[0, 1], row=1, col=1, tickfont={"size": FONT_SIZE})
    fig.update_yaxes(autorange="reversed", row=1, col=1, tickfont={"size": FONT_SIZE})
    fig.update_yaxes(range=[0, 1], row=1, col=2, tickfont={"size": FONT_SIZE})
    fig.update_xaxes(rangemode="tozero", row=1, col=2, tickfont={"size": FONT_SIZE})
    return _widget(fig, "quartiersim-resident")


def update_resident(
    fig: go.FigureWidget, session: Any, resident: int, lang: str = "en", frame: int = 0
) -> None:
    """Bring the inspector's figure up to date for ``resident``."""
    domains = [DOMAIN_LABELS[d].pick(lang) for d in DOMAINS]
    with session.lock:
        rows = []
        for q in session.quarters:
            r = q.model.residents
            weeks, values = q.history.series(resident)
            if weeks[-1:].tolist() != [q.model.steps]:
                weeks = np.append(weeks, q.model.steps)
                values = np.append(values, r.helplessness[resident])
            rows.append((r.activated[resident].copy(), r.resources[resident].copy(), weeks, values))
        threshold = float(session.model.p["withdrawal_threshold"])
    for k, trace in enumerate(fig.data):
        which = trace.meta["quarter"]
        if which >= len(rows):
            continue
        act, res, weeks, values = rows[which]
        if trace.meta["kind"] == "activated":
            restyle(fig, k, {"x": act.round(3), "y": domains, "name": t("activated", lang)})
        elif trace.meta["kind"] == "buried":
            restyle(fig, k, {"x": (res - act).round(3), "y": domains, "name": t("buried", lang)})
        else:
            restyle(fig, k, {"x": weeks, "y": values.round(3)})
    note = {
        "xref": "paper",
        "yref": "paper",
        "y": 1.0,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": FONT_SIZE},
    }
    relayout(
        fig,
        {
            "annotations": [
                {**note, "text": t("resources", lang), "x": 0.2},
                {**note, "text": t("helpless_time", lang), "x": 0.8},
            ],
            "shapes": [
                {
                    "type": "line",
                    "xref": "x2 domain",
                    "yref": "y2",
                    "x0": 0,
                    "x1": 1,
                    "y0": threshold,
                    "y1": threshold,
                    "line": {"color": "#555555", "dash": "dot", "width": 1.5},
                }
            ],
            "meta": {"frame": frame, "view": fig.layout.meta["view"]},
        },
    )
