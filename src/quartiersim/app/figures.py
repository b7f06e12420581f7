"""The view's pictures, drawn with matplotlib (Agg) from a model's current state.

Plain functions from a model (or a :class:`~quartiersim.app.session.Session`) to a
``matplotlib.figure.Figure``, so the page, the tests and the benchmark draw the same thing.
Figures are built without pyplot (no global state, safe in the server's threads) and rendered
to PNG, which any browser shows without extra JavaScript.

Cost: the map and the network grow with residents and ties, never with the weeks run; the time
plots draw at most :data:`~quartiersim.app.session.PLOT_POINTS` points per curve.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # the server has no display; must precede any pyplot import elsewhere

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from quartiersim import ACTIVITIES, MEASURES, STRATEGIES
from quartiersim.app import texts
from quartiersim.app.session import Session
from quartiersim.app.texts import t
from quartiersim.model import QuartierModel
from quartiersim.problems import LATENT, SOLVED, VISIBLE
from quartiersim.quarter import PLACE_NAMES
from quartiersim.residents import AGE_GROUPS, AGE_LABELS, DOMAIN_LABELS, DOMAINS, ORIGIN_LABEL

DPI = 100

STREET, BUILDING_A, BUILDING_B, PLACE = "#ffffff", "#efe4cc", "#e6d6b5", "#cde8c3"
ORIGIN_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d")
AGE_COLOURS = ("#66c2a5", "#8da0cb", "#fc8d62")
NO_GROUP = "#c8c8c8"
# Saturated colours that stay apart from the ties' light blue and orange in the network view.
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
QUARTER_STYLES = ("-", "--")  # quarter A solid, quarter B dashed
ALWAYS_PLOTTED = ("social_capital", "political_influence")
"""The two composites the plot view always shows; every other measure can be added to it."""


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    # Fast compression: on localhost a few more bytes cost less than the encoder's time.
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


@functools.cache
def rgba(colours: tuple[str, ...] | list[str]) -> np.ndarray:
    """A palette as an (n, 4) float array: indexing it is much cheaper for matplotlib than a
    list of colour names per resident."""
    return matplotlib.colors.to_rgba_array(list(colours))


def jitter(n: int) -> np.ndarray:
    """A fixed small offset per resident, so households sharing a dwelling do not hide each
    other (the same offsets every week: dots do not dance)."""
    k = np.arange(n)
    return np.column_stack([(k * 0.618034) % 1.0, (k * 0.754878) % 1.0]) * 0.6 - 0.3


def positions(model: QuartierModel) -> np.ndarray:
    return model.home_xy + jitter(len(model.home_xy))


def _background(ax: Axes, model: QuartierModel, lang: str) -> None:
    """Streets, buildings (two alternating shades, so neighbouring houses stay apart) and
    public places with their names."""
    lay = model.layout
    code = np.where(lay.building >= 0, 1 + lay.building % 2, 0)
    code = np.where(lay.place >= 0, 3, code)
    cmap = ListedColormap([STREET, BUILDING_A, BUILDING_B, PLACE])
    ax.imshow(
        code.T,
        origin="lower",
        cmap=cmap,
        vmin=0,
        vmax=3,
        interpolation="nearest",
        extent=(-0.5, lay.width - 0.5, -0.5, lay.height - 0.5),
    )
    for (x, y), kind in zip(lay.place_xy, lay.place_kind, strict=True):
        ax.text(
            x,
            y,
            texts.pick(PLACE_NAMES[kind], lang),
            ha="center",
            va="center",
            fontsize=7,
            color="#1f4f1f",
            weight="bold",
            zorder=4,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
        )
    ax.set_xlim(-0.5, lay.width - 0.5)
    ax.set_ylim(-0.5, lay.height - 0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")


def resident_colours(
    model: QuartierModel, colour_by: str, lang: str
) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Colours of all residents for ``colour_by`` (a key of :data:`texts.ATTRIBUTES`) and the
    legend: either ``("scale", cmap, label)`` or ``("items", [(colour, text), ...])``."""
    r = model.residents
    if colour_by == "helplessness":
        return r.helplessness, ("scale", "RdYlGn_r", t("helplessness_scale", lang))
    if colour_by == "activated":
        share = r.activated.sum(axis=1) / r.resources.sum(axis=1)
        return share, ("scale", "viridis", t("activated_scale", lang))
    if colour_by == "origin":
        colours = rgba(ORIGIN_COLOURS)[r.origin % len(ORIGIN_COLOURS)]
        items = [
            (
                ORIGIN_COLOURS[k % len(ORIGIN_COLOURS)],
                ORIGIN_LABEL.pick(lang).format(k=k),
            )
            for k in range(model.p["n_origins"])
        ]
        return colours, ("items", items)
    if colour_by == "age":
        colours = rgba(AGE_COLOURS)[r.age]
        items = [(AGE_COLOURS[k], AGE_LABELS[name].pick(lang)) for k, name in enumerate(AGE_GROUPS)]
        return colours, ("items", items)
    if colour_by == "group":
        colours, group_items = group_colours(model, lang)
        return colours, ("items", group_items)
    if colour_by == "withdrawn":
        colours = rgba(WITHDRAWN_COLOURS)[r.withdrawn.astype(int)]
        items = [
            (WITHDRAWN_COLOURS[0], t("withdrawn_no", lang)),
            (WITHDRAWN_COLOURS[1], t("withdrawn_yes", lang)),
        ]
        return colours, ("items", items)
    raise ValueError(f"colour_by={colour_by!r}: expected one of {', '.join(texts.ATTRIBUTES)}")


def group_colours(
    model: QuartierModel, lang: str, most: int = 6
) -> tuple[np.ndarray, list[tuple[str | None, str]]]:
    """A colour per resident by action group (grey: none) and legend items for the largest
    ``most`` groups."""
    r = model.residents
    member = r.group >= 0
    colours = np.tile(rgba((NO_GROUP,)), (r.n, 1))
    colours[member] = rgba(GROUP_COLOURS)[r.group[member] % len(GROUP_COLOURS)]
    ids, sizes = np.unique(r.group[member], return_counts=True)
    order = np.argsort(-sizes, kind="stable")
    items: list[tuple[str | None, str]] = [
        (GROUP_COLOURS[g % len(GROUP_COLOURS)], t("group", lang, id=int(g), n=int(s)))
        for g, s in zip(ids[order][:most], sizes[order][:most], strict=True)
    ]
    if len(ids) > most:
        items.append((None, t("more_groups", lang, n=len(ids) - most)))
    items.append((NO_GROUP, t("no_group", lang)))
    return colours, items


PLAN_INCHES = 4.7  # the square plan of the quarter
MAP_LEGEND_INCHES = 1.75  # colour bar and up to 7 legend rows
NETWORK_LEGEND_INCHES = 1.05  # up to 5 legend rows


def _square_figure(title: str, below: float) -> tuple[Figure, Axes]:
    """A figure with a square plan of the quarter on top and ``below`` inches for legends."""
    top = 0.35 if title else 0.1
    height = PLAN_INCHES + below + top
    fig = Figure(figsize=(5.6, height), dpi=DPI)
    ax = fig.add_axes((0.03, below / height, 0.94, PLAN_INCHES / height))
    return fig, ax


def _legend_below(fig: Figure, handles: list, ncol: int = 2, top: float = 0.235) -> None:
    if handles:
        fig.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, top),
            ncol=ncol,
            fontsize=7.5,
            frameon=False,
            handletextpad=0.4,
            columnspacing=1.0,
        )


def _dot(colour: str | None, text: str, marker: str = "o", size: float = 6, **kw: Any) -> Line2D:
    if colour is None:  # a text-only legend line
        return Line2D([], [], linestyle="", marker="", label=text)
    return Line2D(
        [],
        [],
        marker=marker,
        linestyle="",
        markerfacecolor=colour,
        markeredgecolor=kw.pop("edge", "#555555"),
        markersize=size,
        label=text,
        **kw,
    )


def draw_map(
    model: QuartierModel,
    colour_by: str = "helplessness",
    lang: str = "en",
    selected: int | None = None,
    title: str = "",
) -> Figure:
    """The quarter map: layout, problems, residents coloured by ``colour_by``, workers."""
    fig, ax = _square_figure(title, below=MAP_LEGEND_INCHES)
    _background(ax, model, lang)
    if title:
        ax.set_title(title, fontsize=10)

    pr = model.problems
    sizes = 60 + 220 * pr.severity
    styles: list[tuple[int, dict[str, Any]]] = [
        (LATENT, dict(facecolors="none", edgecolors="#666666", linestyles="--", linewidths=1.4)),
        (VISIBLE, dict(facecolors="#e3342f", edgecolors="#8b0000", alpha=0.55, linewidths=1.2)),
        (SOLVED, dict(facecolors="#38a169", edgecolors="#1c5b34", alpha=0.5, linewidths=1.0)),
    ]
    for status, style in styles:
        at = pr.status == status
        if at.any():
            s = sizes[at] if status != SOLVED else 50
            ax.scatter(pr.x[at], pr.y[at], s=s, marker="o", zorder=2, **style)

    colours, legend = resident_colours(model, colour_by, lang)
    xy = positions(model)
    handles: list = []
    if legend[0] == "scale":
        dots = ax.scatter(
            xy[:, 0],
            xy[:, 1],
            c=colours,
            cmap=legend[1],
            vmin=0,
            vmax=1,
            s=9,
            linewidths=0.2,
            edgecolors="#333333",
            zorder=3,
        )
        height = fig.get_figheight()
        cax = fig.add_axes((0.2, (MAP_LEGEND_INCHES - 0.3) / height, 0.6, 0.12 / height))
        bar = fig.colorbar(dots, cax=cax, orientation="horizontal")
        bar.set_label(legend[2], fontsize=8)
        bar.ax.tick_params(labelsize=7)
    else:
        ax.scatter(
            xy[:, 0], xy[:, 1], c=colours, s=9, linewidths=0.2, edgecolors="#333333", zorder=3
        )
        handles += [_dot(c, text) for c, text in legend[1]]

    if selected is not None and 0 <= selected < len(xy):
        x, y = xy[selected]
        ax.scatter(x, y, s=140, facecolors="none", edgecolors="black", linewidths=2, zorder=5)

    roles_seen = _draw_workers(ax, model) if model.project_running else []
    problem_handles = [
        _dot("none", t("latent", lang), size=8, edge="#666666"),
        _dot("#f08a87", t("visible", lang), size=8, edge="#8b0000"),
        _dot("#9fd0b2", t("solved", lang), size=6, edge="#1c5b34"),
    ]
    worker_handles = [
        _dot(
            ACTIVITIES[role].colour,
            t("worker", lang, role=ACTIVITIES.label(role, lang)),
            size=8,
            edge="black",
        )
        for role in roles_seen
    ]
    if model.workers and not model.project_running:
        worker_handles = [_dot("#ffffff", t("workers_left", lang), size=8, edge="#999999")]
    if selected is not None:
        worker_handles.append(_dot("none", t("selected", lang), size=9, edge="black"))
    below = MAP_LEGEND_INCHES - (0.75 if legend[0] == "scale" else 0.05)
    _legend_below(
        fig, problem_handles + worker_handles + handles, ncol=3, top=below / fig.get_figheight()
    )
    return fig


def _draw_workers(ax: Axes, model: QuartierModel) -> list[str]:
    """Each worker as a small pie of how its hours went this week (its role mix before the
    first week), numbered; returns the activities shown, for the legend."""
    from matplotlib.patches import Wedge

    shown: dict[str, None] = {}
    for k, w in enumerate(model.workers):
        spent = {a: h for a, h in w.spent_week.items() if h > 0}
        shares = spent or {a: s for a, s in w.role_mix.items() if s > 0}
        x, y = w.cell.coordinate
        here = [j for j, o in enumerate(model.workers) if o.cell is w.cell]
        x += 2.4 * here.index(k)  # workers on one cell side by side, not on top of each other
        total = sum(shares.values())
        start = 90.0
        for activity, share in shares.items():
            sweep = 360.0 * share / total
            ax.add_patch(
                Wedge(
                    (x, y),
                    1.1,
                    start,
                    start + sweep,
                    facecolor=ACTIVITIES[activity].colour,
                    edgecolor="black",
                    linewidth=0.6,
                    zorder=6,
                )
            )
            start += sweep
            shown[activity] = None
        if not shares:  # no hours at all (strategy 'none'): an empty circle
            ax.add_patch(
                Wedge(
                    (x, y),
                    1.1,
                    0,
                    360,
                    facecolor="white",
                    edgecolor="black",
                    linewidth=0.8,
                    zorder=6,
                )
            )
        ax.text(
            x,
            y - 1.3,
            str(k + 1),
            ha="center",
            va="top",
            fontsize=7,
            weight="bold",
            zorder=7,
            path_effects=[patheffects.withStroke(linewidth=2, foreground="white")],
        )
    return [a for a in ACTIVITIES if a in shown]


def draw_network(
    model: QuartierModel, lang: str = "en", selected: int | None = None, title: str = ""
) -> Figure:
    """Ties between residents at their homes: bonding blue, bridging orange; action groups
    as node colours."""
    fig, ax = _square_figure(title, below=NETWORK_LEGEND_INCHES)
    lay = model.layout
    ax.set_facecolor("#fbfbfb")
    ax.set_xlim(-0.5, lay.width - 0.5)
    ax.set_ylim(-0.5, lay.height - 0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=10)

    r, ties = model.residents, model.ties
    xy = positions(model)
    bridging = ties.bridging(r.origin, r.age)
    segments = np.stack([xy[ties.i], xy[ties.j]], axis=1)
    # Weak ties faint and thin, strong ones clear: the many fleeting acquaintances must not
    # hide the network that carries support.
    alpha = 0.04 + 0.66 * ties.weight
    widths = 0.3 + 1.2 * ties.weight
    for mask, colour in ((~bridging, BONDING), (bridging, BRIDGING)):
        rgba = np.tile(matplotlib.colors.to_rgba(colour), (int(mask.sum()), 1))
        rgba[:, 3] = alpha[mask]
        ax.add_collection(
            LineCollection(segments[mask], colors=rgba, linewidths=widths[mask], zorder=1)
        )

    colours, items = group_colours(model, lang)
    member = r.group >= 0
    ax.scatter(xy[~member, 0], xy[~member, 1], c=colours[~member], s=7, linewidths=0, zorder=2)
    ax.scatter(
        xy[member, 0],
        xy[member, 1],
        c=colours[member],
        s=16,
        linewidths=0.3,
        edgecolors="#222222",
        zorder=3,
    )
    if selected is not None and 0 <= selected < len(xy):
        x, y = xy[selected]
        ax.scatter(x, y, s=140, facecolors="none", edgecolors="black", linewidths=2, zorder=5)
    n_bridging = int(bridging.sum())
    handles = [
        Line2D([], [], color=BONDING, lw=2, label=t("bonding", lang, n=len(ties) - n_bridging)),
        Line2D([], [], color=BRIDGING, lw=2, label=t("bridging", lang, n=n_bridging)),
    ] + [_dot(c, text) for c, text in items]
    _legend_below(fig, handles, ncol=2, top=(NETWORK_LEGEND_INCHES - 0.05) / fig.get_figheight())
    return fig


def draw_plots(
    session: Session,
    extra: Sequence[str] = ("helplessness", "participation", "claims_granted"),
    lang: str = "en",
) -> Figure:
    """Measures over time for every quarter of the session: social capital and political
    influence always, then ``extra``; quarter A solid, B dashed; the project exit marked."""
    measures = [*ALWAYS_PLOTTED, *[m for m in extra if m not in ALWAYS_PLOTTED]]
    ncols = 3 if len(measures) > 4 else 2
    nrows = -(-len(measures) // ncols)
    fig = Figure(figsize=(11, 1.1 + 2.1 * nrows), dpi=DPI)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    with session.lock:
        weeks = session.week
        exits = [q.model.project_weeks for q in session.quarters]
        names = [STRATEGIES.label(s, lang) for s in session.strategies()]
    right = max(52, -(-max(weeks, 1) // 52) * 52)
    for k, (ax, measure) in enumerate(zip(axes.flat, measures, strict=False)):
        colour = MEASURE_COLOURS[k % len(MEASURE_COLOURS)]
        for which, style in enumerate(QUARTER_STYLES[: len(names)]):
            x, y = session.series(which, measure)
            ax.plot(x, y, style, color=colour, lw=1.8)
        ax.set_title(MEASURES.label(measure, lang), fontsize=9.5)
        ax.tick_params(labelsize=7.5)
        ax.grid(alpha=0.3)
        ax.set_xlim(0, right)
        for e in sorted(set(exits)):
            if e <= right:
                ax.axvline(e, color="#444444", ls=":", lw=1.2)
        if measure in MEASURES and MEASURES[measure].unit_interval:
            ax.set_ylim(0, 1)
        else:  # counts: from zero, whole numbers, a visible range even while all are zero
            ax.set_ylim(bottom=0, top=max(1.0, ax.get_ylim()[1]))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes.flat[len(measures) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(t("weeks_axis", lang), fontsize=8)
    handles = [
        Line2D(
            [],
            [],
            color="#333333",
            ls=style,
            label=f"{t('quarter', lang, name='AB'[w])}: {name}" if len(names) > 1 else name,
        )
        for w, (style, name) in enumerate(zip(QUARTER_STYLES, names, strict=False))
    ]
    handles.append(Line2D([], [], color="#444444", ls=":", label=t("exit_line", lang)))
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=8.5, frameon=False)
    fig.subplots_adjust(
        left=0.05,
        right=0.99,
        top=1 - 0.55 / fig.get_figheight(),
        bottom=0.45 / fig.get_figheight() + 0.02,
        hspace=0.45,
        wspace=0.18,
    )
    return fig


def draw_resident(session: Session, resident: int, lang: str = "en") -> Figure:
    """One resident: activated vs buried resources per domain, and helplessness over time
    (both quarters in compare mode — the same person under two strategies)."""
    fig = Figure(figsize=(7.2, 2.8), dpi=DPI)
    res_ax, time_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    with session.lock:
        rows = []
        for q in session.quarters:
            r = q.model.residents
            weeks, values = q.history.series(resident)
            if weeks[-1:].tolist() != [q.model.steps]:
                weeks = np.append(weeks, q.model.steps)
                values = np.append(values, r.helplessness[resident])
            rows.append((r.activated[resident].copy(), r.resources[resident].copy(), weeks, values))
        threshold = session.model.p["withdrawal_threshold"]
    y = np.arange(len(DOMAINS))
    height = 0.8 / len(rows)
    for which, (act, res, _, _) in enumerate(rows):
        offset = (which - (len(rows) - 1) / 2) * height
        res_ax.barh(
            y + offset,
            act,
            height=height * 0.9,
            color="#2b8cbe",
            label=t("activated", lang) if which == 0 else None,
            hatch="//" if which else None,
            edgecolor="white",
        )
        res_ax.barh(
            y + offset,
            res - act,
            left=act,
            height=height * 0.9,
            color="#d9d9d9",
            label=t("buried", lang) if which == 0 else None,
            hatch="//" if which else None,
            edgecolor="white",
        )
    res_ax.set_yticks(y, [DOMAIN_LABELS[d].pick(lang) for d in DOMAINS], fontsize=7.5)
    res_ax.set_xlim(0, 1)
    res_ax.invert_yaxis()
    res_ax.tick_params(labelsize=7)
    res_ax.set_title(t("resources", lang), fontsize=9)
    res_ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    for which, (_, _, weeks, values) in enumerate(rows):
        time_ax.plot(
            weeks,
            values,
            QUARTER_STYLES[which],
            color="#b2182b",
            lw=1.6,
            label=t("quarter", lang, name="AB"[which]) if len(rows) > 1 else None,
        )
    time_ax.axhline(threshold, color="#555555", ls=":", lw=1, label=t("threshold", lang))
    time_ax.set_ylim(0, 1)
    time_ax.set_xlim(left=0)
    time_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    time_ax.tick_params(labelsize=7)
    time_ax.set_title(t("helpless_time", lang), fontsize=9)
    time_ax.set_xlabel(t("weeks_axis", lang), fontsize=7.5)
    time_ax.legend(fontsize=7, frameon=False, loc="upper right")
    fig.subplots_adjust(left=0.2, right=0.98, top=0.9, bottom=0.2, wspace=0.3)
    return fig
