"""The trainer's page: watch, steer and compare strategies live, on one projector screen.

Layout (fits 1280×720 without scrolling for the parts a room looks at): a status line with the
week and the strategies, number tiles for the headline measures, then the quarter map (with the
network of ties as a second tab; in compare mode quarter A beside quarter B) beside the
measures over time. Below: the resident inspector and the feed of moments. The sidebar holds
the controls; the *Presentation* switch hides it and keeps a compact run bar.

State: one :class:`~quartiersim.app.session.Session` per browser tab holds the models; every
change bumps the session's ``frame``. The pictures are Plotly figures made once per quarter
(:mod:`quartiersim.app.figures`) and brought up to date in effects, so a frame sends the
browser only what moved. The page's address always holds the scenario
(:mod:`quartiersim.app.scenario`): a reload replays the run, a link opens a prepared one.

Every component that reads the session takes ``frame`` (or ``version``) as a prop: reacton
skips re-rendering a component whose props are unchanged, and the session stays the same
object while the models inside it change. The components take the session and plain values,
so another page (a classroom view) can reuse them.
"""

from __future__ import annotations

import html
import io
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import ipyvuetify as v
import numpy as np
import reacton.ipyvuetify as rv
import solara
import traitlets

from quartiersim import ACTIVITIES, EVENTS, MEASURES, STRATEGIES
from quartiersim.app import feed, figures, scenario, texts
from quartiersim.app.classroom.texts import t as classroom_t
from quartiersim.app.session import (
    PRESETS,
    Notice,
    Session,
    takes_custom_mix,
    tunable_parameters,
)
from quartiersim.app.texts import t
from quartiersim.parameters import DEFAULTS, GROUPS, SEMINAR, Parameter
from quartiersim.residents import AGE_LABELS

SPEEDS = (1, 4, 13, 52)
"""Weeks per frame while playing: a week, a month, a quarter, a year."""

FRAME_GAP = 0.05
"""Seconds the play loop yields between frames, so clicks (Pause!) get through at once."""

FRAME_TIMEOUT = 30.0
"""Seconds the play loop waits for a frame to be drawn before it steps on regardless (a
browser tab that went away does not render)."""

BELOW_FOLD_EVERY = 1.0
"""Seconds between updates of the inspector and the feed while playing: they sit below the
projector's first screen, and redrawing them every frame would halve the frame rate."""

FEED_SHOWN = 60
"""Feed lines shown at first (newest first); "show older lines" adds as many again."""

DEFAULT_EXTRA = ("helplessness", "participation", "claims_granted")
"""Measures the plot view shows at first, besides the two composites."""

MONITORS = (
    "social_capital",
    "political_influence",
    "helplessness",
    "participation",
    "active_groups",
    "problems_solved",
)
"""The headline measures shown as number tiles above the pictures."""

FIGURE_HEIGHT = {1: 400, 2: 330}
"""Height of the map and the plots in pixels, by number of quarters: with the status line
and the tiles they fill a 1280×720 screen."""

CSS = """
.qs-caption { font-size: 14px; color: #555; margin: 0 0 6px 0; line-height: 1.35; }
.qs-status { font-size: 15px; line-height: 1.35; }
.qs-status .qs-hours { color: #555; font-size: 14px; }
.qs-status > div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.qs-week { font-weight: 600; font-size: 20px; margin-right: 16px; }
.qs-tiles { display: flex; flex-wrap: nowrap; gap: 6px; }
.qs-tile { border: 1px solid #ddd; border-radius: 6px; padding: 1px 8px; flex: 1 1 0;
  min-width: 0; background: #fafafa; }
.qs-tile .qs-tile-label { font-size: 14px; color: #444; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
/* The sidebar: narrower than Solara's 400 px, so the pictures get the room. */
.v-navigation-drawer { min-width: 300px !important; width: 300px !important; }
.v-navigation-drawer .v-input__slot, .v-navigation-drawer .v-label { font-size: 14px; }
.qs-main { padding-top: 0 !important; }
.solara-content-main > .col { padding-top: 4px; }
.qs-tile .qs-tile-value { font-size: 20px; font-weight: 600; }
.qs-tile .qs-tile-b { color: #666; font-weight: 500; }
.qs-legend { font-size: 14px; line-height: 1.5; }
.qs-legend .qs-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 6px;
  border: 1px solid #555; margin: 0 4px 0 10px; vertical-align: -1px; }
.qs-feed { font-size: 15px; line-height: 1.45; max-height: 420px; overflow-y: auto;
  word-break: normal; overflow-wrap: break-word; hyphens: auto; }
.qs-feed .qs-week-tag { color: #888; display: inline-block; min-width: 3.2em; }
.qs-feed .qs-moment { font-weight: 600; border-left: 4px solid #b2182b; padding-left: 6px;
  margin: 2px 0; }
.qs-feed .qs-routine { color: #333; padding-left: 10px; }
.qs-sidebar-heading { font-weight: 600; margin-top: 10px; font-size: 15px; }
.qs-slider-label { font-size: 14px; margin-bottom: -14px; }
.qs-main .v-card__title { font-size: 17px; padding: 6px 12px; }
.qs-main .v-card__text, .qs-main .v-card { font-size: 15px; }
.qs-explain { font-size: 15px; }
"""


def extra_choices() -> list[str]:
    """The measures the plot view offers besides the two composites it always shows: every
    declared measure, in declaration order."""
    return [m for m in MEASURES if m not in figures.ALWAYS_PLOTTED]


def notice_text(notice: Notice, lang: str) -> str:
    """A :class:`Notice` as a sentence in ``lang``."""
    data = dict(notice.data)
    if notice.key == "bad_parameter":
        spec: Parameter = data.pop("spec")
        data["label"] = texts.parameter_label(spec.name, lang)
        data["allowed"] = allowed_text(spec, lang)
    return t(notice.key, lang, **data)


def allowed_text(spec: Parameter, lang: str) -> str:
    """What a parameter allows, in the page's language."""
    if spec.choices is None and spec.kind in (int, float):
        key = "allowed_int" if spec.kind is int else "allowed_float"
        return t(key, lang, low=spec.low, high=spec.high)
    return t("allowed_other", lang, allowed=spec.allowed())


def strategy_items(lang: str) -> list[dict[str, str]]:
    """The strategy selector's entries in the page's language."""
    return [{"text": STRATEGIES.label(s, lang), "value": s} for s in STRATEGIES]


def describe_strategy(name: str, lang: str) -> str:
    """One sentence on what a strategy does, in the page's language."""
    return STRATEGIES[name].description.pick(lang)


def activities_text(lang: str) -> str:
    """What each activity of the workers does, as a Markdown list (from the declarations)."""
    items = [f"- *{a.label.pick(lang)}*: {a.explanation.pick(lang)}" for a in ACTIVITIES.values()]
    return f"**{t('activities', lang)}.**\n\n" + "\n".join(items)


def markdown_html(text: str) -> str:
    """Markdown as HTML, rendered here: Solara's Markdown component loads a diagram library
    (mermaid) from a public CDN on every page, which a seminar room without internet cannot
    reach."""
    import markdown  # type: ignore[import-untyped]

    return str(markdown.markdown(text))


# -- small building blocks ---------------------------------------------------------------------


@solara.component
def Caption(text: str) -> None:
    """A small grey line of text."""
    solara.Text(text, classes=["qs-caption"])


@solara.component
def Html(text: str, classes: list[str] | None = None) -> None:
    """Markdown shown as HTML (see :func:`markdown_html`)."""
    html = solara.use_memo(lambda: markdown_html(text), [text])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=classes or [])


@solara.component
def Fold(summary: str, content: Callable[[], None], css_class: str = "") -> None:
    """A heading that opens and closes a section. A closed section is not rendered at all: the
    page's many explanations and parameter groups cost nothing while nobody reads them."""
    opened, set_opened = solara.use_state(False)
    solara.Button(
        ("▾ " if opened else "▸ ") + summary,
        on_click=lambda: set_opened(not opened),
        text=True,
        small=True,
        classes=["qs-fold", css_class],
        style={"text-transform": "none", "justify-content": "flex-start"},
    )
    if opened:
        with solara.Column(gap="2px", classes=[f"{css_class}-body"] if css_class else []):
            content()


@solara.component
def Explain(view: str, lang: str, more: str = "") -> None:
    """The explain panel of a view: what it shows, how it works, what to notice and try (and
    ``more``, Markdown for what a view needs beyond that)."""
    body = texts.EXPLAIN[view][lang]

    def content() -> None:
        text = "\n\n".join(f"**{t(section, lang)}.** {body[section]}" for section in texts.SECTIONS)
        Html(text + ("\n\n" + more if more else ""), classes=["qs-explain", f"qs-explain-{view}"])

    Fold(t("explain", lang), content, f"qs-explain-toggle-{view}")


@solara.component
def Legend(items: list, css_class: str) -> None:
    """A legend as text: a coloured dot and a label per item."""
    parts = []
    for colour, text in items:
        swatch = f'<span class="qs-swatch" style="background:{colour}"></span>' if colour else " "
        parts.append(f"<span>{swatch}{text}</span>")
    solara.HTML(tag="div", unsafe_innerHTML=" ".join(parts), classes=["qs-legend", css_class])


class FollowWidth(v.VuetifyTemplate):
    """Tells the figures when the page's main area changes width (the sidebar appears or goes,
    the window is resized): Plotly sizes a figure to its box only when it is drawn and on a
    window resize, so a figure drawn while the page was still being laid out would keep a
    wrong width and be cut off."""

    template = traitlets.Unicode(
        """<template><span style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    const main = document.querySelector('.qs-main') || document.body;
    let width = 0;
    this.observer = new ResizeObserver(entries => {
      const now = Math.round(entries[0].contentRect.width);
      if (now !== width) { width = now; window.dispatchEvent(new Event('resize')); }
    });
    this.observer.observe(main);
  },
  destroyed() { if (this.observer) { this.observer.disconnect(); } },
};
</script>"""
    ).tag(sync=True)


class Holder:
    """A figure passed by identity: Plotly figures compare by content, which would be slow and
    would hide a new figure with the same content."""

    def __init__(self, fig: Any) -> None:
        self.fig = fig


@solara.component
def FigureBox(holder: Holder) -> None:
    """Shows a Plotly figure widget and never re-renders for the same one: the widget's view in
    the browser must stay where it is, or updates reach a view that is gone."""
    rv.Html(tag="div", children=[holder.fig], class_="qs-figure")


# -- sidebar controls --------------------------------------------------------------------------


@solara.component
def LabelledSlider(
    label: str,
    value: float,
    on_value: Callable[[Any], None],
    low: float,
    high: float,
    step: float | None = None,
    integer: bool = False,
    css_class: str = "",
) -> None:
    """A slider with its label and current value on a line of their own above the track: a
    value bubble would cover the caption, and a long German label would squeeze the track."""
    shown = f"{int(value)}" if integer else f"{value:.2f}"
    solara.Text(f"{label}: {shown}", classes=["qs-slider-label", f"{css_class}-label"])
    rv.Slider(
        v_model=int(value) if integer else float(value),
        on_v_model=on_value,
        min=int(low) if integer else low,
        max=int(high) if integer else high,
        step=1 if integer or step is None else step,
        hide_details=True,
        class_=css_class,
    )


@solara.component
def ParameterControl(
    session: Session, spec: Parameter, lang: str, changed: Callable[[], None]
) -> None:
    """One control generated from a parameter's declaration: a slider for a narrow numeric
    range, a checked text field for a wide one, a select for choices, a checkbox for a flag."""
    value, set_value = solara.use_state(session.params[spec.name])
    text, set_text = solara.use_state(str(value))
    error, set_error = solara.use_state(cast(Notice | None, None))
    label = texts.parameter_label(spec.name, lang)
    current = session.params[spec.name]
    if current != value:  # changed from elsewhere (a preset, a scenario): follow it
        set_value(current)
        set_text(str(current))

    def choose(new: Any) -> None:
        notice = session.set_param(spec.name, new)
        set_error(notice)
        if notice is None:
            set_value(session.params[spec.name])
        changed()

    def typed(new: str) -> None:
        set_text(new)
        choose(new)

    css = f"qs-param-{spec.name}"
    if spec.kind is bool:
        with solara.Div(classes=[css]):
            solara.Checkbox(label=label, value=bool(current), on_value=choose)
    elif spec.choices:
        rv.Select(
            label=label,
            items=list(spec.choices),
            v_model=current,
            on_v_model=choose,
            dense=True,
            class_=css,
        )
    elif (
        spec.kind is int
        and spec.low is not None
        and spec.high is not None
        and spec.high - spec.low <= 100
    ):
        LabelledSlider(label, current, choose, spec.low, spec.high, integer=True, css_class=css)
    elif (
        spec.kind is float
        and spec.low is not None
        and spec.high is not None
        and spec.high - spec.low <= 10
    ):
        step = (spec.high - spec.low) / 100
        LabelledSlider(label, current, choose, spec.low, spec.high, step=step, css_class=css)
    else:
        solara.InputText(
            label,
            value=text,
            on_value=typed,
            continuous_update=False,
            error=notice_text(error, lang) if error else False,
            classes=[css],
        )
    Caption(texts.parameter_meaning(spec.name, lang))


def seminar_hint(lang: str) -> str:
    """Names the seminar preset the view starts on, with its staffing against a real area."""
    seminar = {**DEFAULTS, **SEMINAR.values}
    return t(
        "seminar_hint",
        lang,
        households=seminar["n_residents"],
        workers=seminar["n_workers"],
        ratio=round(seminar["n_residents"] / seminar["n_workers"]),
        real_households=DEFAULTS["n_residents"],
        real_ratio=round(DEFAULTS["n_residents"] / DEFAULTS["n_workers"]),
    )


@solara.component
def ParameterPanels(session: Session, lang: str, changed: Callable[[], None], version: int) -> None:
    """The model parameters, generated from the one declaration, grouped as declared."""
    groups: dict[str, list[Parameter]] = {}
    for spec in tunable_parameters():
        groups.setdefault(spec.group, []).append(spec)
    for group, specs in groups.items():

        def content(specs: list[Parameter] = specs) -> None:
            for spec in specs:
                ParameterControl(session, spec, lang, changed)

        summary = GROUPS[group].pick(lang) if group in GROUPS else group
        Fold(summary, content, f"qs-params-{group}")


@solara.component
def SeedInput(session: Session, lang: str, changed: Callable[[], None]) -> None:
    """The seed as text; a bad seed leaves a message, not a crash."""
    text, set_text = solara.use_state(str(session.seed))
    error, set_error = solara.use_state(cast(Notice | None, None))

    def typed(new: str) -> None:
        set_text(new)
        set_error(session.set_seed(new))
        changed()

    solara.InputText(
        t("seed", lang),
        value=text,
        on_value=typed,
        continuous_update=False,
        error=notice_text(error, lang) if error else False,
        classes=["qs-seed"],
    )


@solara.component
def CustomMix(session: Session, lang: str, changed: Callable[[], None], settings: tuple) -> None:
    """Sliders for the custom mix: every declared activity (the roles and, for contrast,
    top-down case work), each with its share shown."""
    solara.Text(t("custom_mix", lang), classes=["qs-sidebar-heading"])
    for activity in [a for a, declared in ACTIVITIES.items() if declared.in_mix]:

        def set_share(share: float, activity: str = activity) -> None:
            session.set_custom_share(activity, share)
            changed()

        LabelledSlider(
            ACTIVITIES.label(activity, lang),
            session.custom_mix.get(activity, 0.0),
            set_share,
            0.0,
            1.0,
            step=0.05,
            css_class=f"qs-mix-{activity}",
        )


@solara.component
def RunButtons(
    lang: str,
    playing: solara.Reactive[bool],
    looping: bool,
    step: Callable[[], None],
    reset: Callable[[], None],
    speed: solara.Reactive[int],
) -> None:
    """Step, Play, Pause, Reset and the speed: in the sidebar and in presentation mode.

    One column around everything, whether the "playing" line shows or not: the buttons stay
    the same widgets while play starts and stops."""
    with (
        solara.Column(gap="2px", classes=["qs-run"]),
        solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}),
    ):
        # Step waits until the play loop has really stopped (its last frame included).
        solara.Button(
            t("step", lang),
            on_click=step,
            disabled=playing.value or looping,
            color="primary",
            classes=["qs-step"],
        )
        solara.Button(
            t("play", lang),
            on_click=lambda: playing.set(True),
            disabled=playing.value,
            color="primary",
            classes=["qs-play"],
        )
        solara.Button(
            t("pause", lang),
            on_click=lambda: playing.set(False),
            disabled=not playing.value,
            color="primary",
            classes=["qs-pause"],
        )
        solara.Button(t("reset", lang), on_click=reset, outlined=True, classes=["qs-reset"])
        rv.Select(
            label=t("speed", lang),
            items=list(SPEEDS),
            v_model=speed.value,
            on_v_model=speed.set,
            dense=True,
            class_="qs-speed",
            style_="max-width: 9em",
        )
        if looping:
            solara.Text(t("playing", lang), classes=["qs-playing", "qs-caption"])


@solara.component
def ScenarioPanel(session: Session, lang: str, open_scenario: Callable[[bytes], None]) -> None:
    """Save and open the scenario, download the run's data."""

    def scenario_file() -> bytes:
        return scenario.to_json(scenario.capture(session, lang)).encode()

    def measures_frame() -> Any:
        with session.lock:
            frames = []
            for k, q in enumerate(session.quarters):
                data = q.model.datacollector.get_model_vars_dataframe().copy()
                data.insert(0, "week", np.arange(len(data)))
                data.insert(0, "strategy", q.strategy)
                data.insert(0, "quarter", "AB"[k])
                frames.append(data)
        import pandas as pd

        return pd.concat(frames, ignore_index=True)

    def csv_data() -> bytes:
        return measures_frame().to_csv(index=False).encode()

    def parquet_data() -> bytes:
        buffer = io.BytesIO()
        measures_frame().to_parquet(buffer, index=False)
        return buffer.getvalue()

    def log_data() -> bytes:
        with session.lock:
            return feed.to_csv(session.model, lang).encode()

    def content() -> None:
        with solara.Column(gap="6px", classes=["qs-scenario"]):
            for label, data, name, css in (
                ("save_scenario", scenario_file, "quartiersim-scenario.json", "qs-save"),
                ("download_data", csv_data, "quartiersim-measures.csv", "qs-download-csv"),
                (
                    "download_parquet",
                    parquet_data,
                    "quartiersim-measures.parquet",
                    "qs-download-parquet",
                ),
                ("download_log", log_data, "quartiersim-log.csv", "qs-download-log"),
            ):
                with solara.FileDownload(data, filename=name):
                    solara.Button(t(label, lang), small=True, outlined=True, classes=[css])
            solara.FileDrop(
                label=t("open_scenario", lang),
                on_file=lambda f: open_scenario(f["data"]),
                lazy=False,
            )
            Caption(t("download_hint", lang))

    Fold(t("scenario", lang), content, "qs-scenario-toggle")


@solara.component
def Controls(
    session: Session,
    lang: str,
    playing: solara.Reactive[bool],
    looping: bool,
    speed: solara.Reactive[int],
    guarded: Callable[[Callable[[], Notice | None]], None],
    changed: Callable[[], None],
    open_scenario: Callable[[bytes], None],
    settings: tuple,
) -> None:
    """The sidebar: run buttons, strategy, compare mode, events, parameters, scenario.

    ``settings`` holds what the sidebar shows of the session (strategies, compare mode, the
    custom mix, pending changes): the sidebar re-renders when they change, not every week."""

    def step() -> None:
        guarded(lambda: session.step(1))

    def reset() -> None:
        playing.set(False)
        guarded(session.reset)

    def choose_strategy(which: int) -> Callable[[str], None]:
        return lambda name: guarded(lambda: session.set_strategy(which, name))

    def set_compare(on: bool) -> None:
        playing.set(False)

        def switch() -> Notice | None:
            notice = session.set_compare(on)
            return notice or (Notice("restarted", {"seed": session.seed}) if on else None)

        guarded(switch)

    def trigger(name: str) -> Callable[[], None]:
        return lambda: guarded(lambda: session.trigger(name))

    def preset(name: str) -> None:
        playing.set(False)
        guarded(lambda: session.choose_preset(name))

    solara.Text(t("run", lang), classes=["qs-sidebar-heading"])
    RunButtons(lang, playing, looping, step, reset, speed)

    label = t("strategy_a", lang) if session.compare else t("strategy", lang)
    rv.Select(
        label=label,
        items=strategy_items(lang),
        v_model=session.strategy_a,
        on_v_model=choose_strategy(0),
        class_="qs-strategy-a",
    )
    Caption(describe_strategy(session.strategy_a, lang))
    solara.Switch(
        label=t("compare", lang),
        value=session.compare,
        on_value=set_compare,
        classes=["qs-compare"],
    )
    if session.compare:
        rv.Select(
            label=t("strategy_b", lang),
            items=strategy_items(lang),
            v_model=session.strategy_b,
            on_v_model=choose_strategy(1),
            class_="qs-strategy-b",
        )
        Caption(describe_strategy(session.strategy_b, lang))
    else:
        Caption(t("compare_hint", lang))
    in_use = (session.strategy_a, session.strategy_b) if session.compare else (session.strategy_a,)
    if any(takes_custom_mix(s) for s in in_use):
        CustomMix(session, lang, changed, settings)

    solara.Text(t("events", lang), classes=["qs-sidebar-heading"])
    Caption(t("events_hint", lang))
    with solara.Column(gap="4px"):
        for name, event in EVENTS.items():
            with solara.Tooltip(event.effect.pick(lang)):
                solara.Button(
                    event.label.pick(lang),
                    on_click=trigger(name),
                    small=True,
                    outlined=True,
                    classes=[f"qs-event-{name}"],
                )

    solara.Text(t("preset", lang), classes=["qs-sidebar-heading"])
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        for name in PRESETS:
            solara.Button(
                t(f"{name}_preset", lang),
                on_click=lambda name=name: preset(name),
                small=True,
                outlined=True,
                classes=[f"qs-preset-{name}"],
            )
    Caption(t("preset_hint", lang))

    solara.Text(t("parameters", lang), classes=["qs-sidebar-heading"])
    Caption(t("parameters_hint", lang))
    Caption(seminar_hint(lang))
    # Parameters and seed change only through these controls (their own state re-renders
    # them) or a preset (which bumps ``version``): stepping does not re-render ~40 controls.
    SeedInput(session, lang, changed)
    ParameterPanels(session, lang, changed, session.preset_version)
    if session.pending:
        solara.Warning(t("pending", lang), dense=True, classes=["qs-pending"])
    ScenarioPanel(session, lang, open_scenario)
    Explain("controls", lang, more=activities_text(lang))


# -- main area views ---------------------------------------------------------------------------


def status_lines(session: Session, lang: str) -> list[tuple[str, str]]:
    """The status of each quarter: strategy and project phase, and how the hours went."""
    rows = session.status()
    lines = []
    for k, q in enumerate(rows):
        prefix = f"{t('quarter', lang, name='AB'[k])}: " if len(rows) > 1 else ""
        state = t("running" if q.running else "ended", lang, exit=q.exit_week)
        line = f"{prefix}{STRATEGIES.label(q.strategy, lang)} — {state}."
        hours = ""
        if q.budget > 0:
            spent = ", ".join(
                f"{ACTIVITIES.label(a, lang)} {h:.0f} h" for a, h in q.hours.items() if h > 0
            ) or t("no_hours", lang)
            hours = f"{t('hours_week', lang, budget=q.budget)}: {spent}"
        lines.append((line, hours))
    return lines


@solara.component
def Status(session: Session, lang: str, frame: int) -> None:
    """The line above the views: week, strategy, project phase, hours worked."""
    with session.lock:
        lines = status_lines(session, lang)
        week = session.week
    with solara.Column(gap="0px", classes=["qs-status"]):
        for k, (line, hours) in enumerate(lines):
            with solara.Div(classes=[f"qs-status-{'ab'[k]}"]):
                if k == 0:
                    solara.Text(t("week", lang, week=week), classes=["qs-week"])
                solara.Text(line + " ")
                solara.Text(hours, classes=["qs-hours"])


def monitor_value(measure: str, value: float) -> str:
    return f"{value:.2f}" if MEASURES[measure].unit_interval else f"{value:.0f}"


@solara.component
def Monitors(session: Session, lang: str, frame: int) -> None:
    """Number tiles for the headline measures (quarter A, and B beside it in compare mode)."""
    with session.lock:
        values = [q.model.measures for q in session.quarters]
    with solara.Div(classes=["qs-tiles"]):
        for measure in MONITORS:
            with solara.Div(classes=["qs-tile", f"qs-tile-{measure}"]):
                solara.Div(children=[MEASURES.label(measure, lang)], classes=["qs-tile-label"])
                shown = [monitor_value(measure, v[measure]) for v in values]
                with solara.Div(classes=["qs-tile-value"]):
                    solara.Text(shown[0], classes=["qs-tile-a"])
                    if len(shown) > 1:
                        solara.Text(f" | {shown[1]}", classes=["qs-tile-b"])


def quarter_title(session: Session, which: int, lang: str) -> str:
    """In compare mode, which quarter a picture shows and its strategy; else nothing."""
    if len(session.quarters) <= 1:
        return ""
    strategy = STRATEGIES.label(session.strategies()[which], lang)
    return f"{t('quarter', lang, name='AB'[which])}: {strategy}"


@solara.component
def MapView(
    session: Session,
    which: int,
    lang: str,
    colour_by: str,
    selected: solara.Reactive[int],
    frame: int,
    height: int,
) -> None:
    """The quarter map of one quarter; a click on a resident opens them in the inspector."""
    model = session.models[which]
    title = quarter_title(session, which, lang)

    def make() -> Holder:
        fig = figures.map_figure(model, lang, height, name=f"map-{'ab'[which]}")

        def clicked(trace: Any, points: Any, state: Any) -> None:
            if points.point_inds:
                selected.set(int(points.point_inds[0]))

        fig.data[figures.RESIDENTS].on_click(clicked)
        return Holder(fig)

    holder = solara.use_memo(make, [model, height])

    def update() -> None:
        with session.lock:
            figures.update_map(
                holder.fig, model, colour_by, lang, selected.value, title, session.frame
            )

    solara.use_effect(update, [holder, frame, colour_by, lang, selected.value, title])
    FigureBox(holder)
    with session.lock:
        items = figures.map_legend(model, colour_by, lang)
    Legend(items, f"qs-map-legend-{'ab'[which]}")


@solara.component
def NetworkView(
    session: Session, which: int, lang: str, selected: int, frame: int, height: int
) -> None:
    """The network of ties of one quarter."""
    model = session.models[which]
    title = quarter_title(session, which, lang)
    holder = solara.use_memo(
        lambda: Holder(figures.network_figure(model, height, name=f"network-{'ab'[which]}")),
        [model, height],
    )

    def update() -> None:
        with session.lock:
            figures.update_network(holder.fig, model, lang, selected, title, session.frame)

    solara.use_effect(update, [holder, frame, lang, selected, title])
    FigureBox(holder)
    with session.lock:
        items = figures.network_legend(model, lang)
    Legend(items, f"qs-network-legend-{'ab'[which]}")


@solara.component
def PictureCard(
    session: Session,
    lang: str,
    colour_by: solara.Reactive[str],
    selected: solara.Reactive[int],
    frame: int,
) -> None:
    """The map (or the network, as a second tab) of every quarter."""
    tab, set_tab = solara.use_state(0)
    quarters = range(len(session.quarters))
    height = FIGURE_HEIGHT[len(quarters)]
    attribute_items = [
        {"text": texts.pick(v, lang), "value": k} for k, v in texts.ATTRIBUTES.items()
    ]
    with solara.Card(classes=["qs-map-card"], margin=0):
        with solara.Row(gap="8px", style={"align-items": "center"}):
            with rv.BtnToggle(
                v_model=tab,
                on_v_model=set_tab,
                mandatory=True,
                dense=True,
                class_="qs-picture-tabs",
            ):
                rv.Btn(children=[t("map", lang)], class_="qs-tab-map", small=True)
                rv.Btn(children=[t("network", lang)], class_="qs-tab-network", small=True)
            if tab == 0:
                rv.Select(
                    label=t("colour_by", lang),
                    items=attribute_items,
                    v_model=colour_by.value,
                    on_v_model=colour_by.set,
                    dense=True,
                    hide_details=True,
                    class_="qs-colour-by",
                    style_="max-width: 16em",
                )
        with solara.Columns([1] * len(quarters), gutters_dense=True):
            for k in quarters:
                with solara.Div(classes=[f"qs-{'map' if tab == 0 else 'network'}-{'ab'[k]}"]):
                    if tab == 0:
                        MapView(session, k, lang, colour_by.value, selected, frame, height)
                    else:
                        NetworkView(session, k, lang, selected.value, frame, height)
        Explain("map" if tab == 0 else "network", lang)


@solara.component
def PlotsView(session: Session, lang: str, frame: int, height: int) -> None:
    """The measures over time (both quarters in compare mode), events and the exit marked."""
    extra, set_extra = solara.use_state(list(DEFAULT_EXTRA))
    quarters = len(session.quarters)
    holder = solara.use_memo(
        lambda: Holder(figures.plots_figure(extra, quarters, height, lang)),
        [tuple(extra), quarters, height, lang],
    )

    def update() -> None:
        figures.update_plots(holder.fig, session, lang, session.frame)

    solara.use_effect(update, [holder, frame, lang])
    items = [{"text": MEASURES.label(m, lang), "value": m} for m in extra_choices()]
    with solara.Card(classes=["qs-plots-card"], margin=0):
        rv.Select(
            label=t("more_measures", lang),
            items=items,
            v_model=extra,
            on_v_model=set_extra,
            multiple=True,
            chips=True,
            small_chips=True,
            dense=True,
            hide_details=True,
            class_="qs-more-measures",
        )
        with solara.Div(classes=["qs-plots"]):
            FigureBox(holder)
        Legend(figures.plots_legend(extra, lang), "qs-plots-legend")
        if quarters > 1:
            Caption(t("quarter_lines", lang))
        Explain("plots", lang)


def profile_line(p: dict, lang: str) -> str:
    group = t("in_group", lang, id=p["group"]) if p["group"] >= 0 else t("no_group", lang)
    withdrawn = t("withdrawn_yes" if p["withdrawn"] else "withdrawn_no", lang)
    return t(
        "profile",
        lang,
        age=AGE_LABELS[p["age_group"]].pick(lang),
        origin=p["origin"],
        group=group,
        withdrawn=withdrawn,
    )


@solara.component
def Inspector(session: Session, lang: str, selected: solara.Reactive[int], frame: int) -> None:
    """One resident: resources, helplessness over time, ties and group."""
    error, set_error = solara.use_state(cast(Notice | None, None))
    picker = solara.use_memo(lambda: np.random.default_rng(), [])  # not the model's generator
    quarters = len(session.quarters)
    holder = solara.use_memo(lambda: Holder(figures.resident_figure(quarters)), [quarters])
    with session.lock:
        model = session.model
        n = model.residents.n
        chosen = min(max(selected.value, 0), n - 1)
        profile = model.resident_agents[chosen].profile()
        others = [q.model.resident_agents[chosen].profile() for q in session.quarters[1:]]
        candidates = session.candidates()

    def update() -> None:
        figures.update_resident(holder.fig, session, chosen, lang, session.frame)

    solara.use_effect(update, [holder, frame, lang, chosen])

    def typed(text: str) -> None:
        try:
            value = int(text.strip())
        except ValueError:
            value = -1
        if not 0 <= value < n:
            set_error(Notice("bad_resident", {"value": text, "last": n - 1}))
            return
        set_error(None)
        selected.set(value)

    def pick(key: str) -> Callable[[], None]:
        def choose() -> None:
            options = candidates[key]
            if options:
                set_error(None)
                selected.set(int(picker.choice(options)))
            else:
                set_error(Notice("nobody", {}))

        return choose

    with solara.Card(t("inspector", lang), classes=["qs-inspector"], margin=0):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.InputText(
                t("resident", lang),
                value=str(chosen),
                on_value=typed,
                continuous_update=False,
                classes=["qs-resident"],
                style={"max-width": "11em"},
                error=notice_text(error, lang) if error else False,
            )
            for key in candidates:
                solara.Button(
                    t(key, lang),
                    on_click=pick(key),
                    small=True,
                    text=True,
                    classes=[f"qs-{key.replace('_', '-')}"],
                )
        strongest = sorted(profile["ties"].items(), key=lambda kv: -kv[1])[:4]
        ties = (
            t(
                "ties_line",
                lang,
                n=len(profile["ties"]),
                bridging=len(profile["bridging"]),
                strongest=", ".join(f"#{j} ({w:.2f})" for j, w in strongest),
            )
            if profile["ties"]
            else t("no_ties", lang)
        )
        with solara.Column(gap="2px", classes=["qs-profile"]):
            for k, p in enumerate([profile, *others]):
                prefix = f"{t('quarter', lang, name='AB'[k])}: " if others else ""
                solara.Text(prefix + profile_line(p, lang))
            solara.Text(
                f"{t('resident_efficacy', lang, v=profile['self_efficacy'])} · "
                f"{t('resident_belonging', lang, v=profile['belonging'])} · "
                f"{t('resident_trust', lang, v=profile['trust'])}"
                + (f" ({t('quarter', lang, name='A')})" if others else "")
            )
            solara.Text(ties + (f" ({t('quarter', lang, name='A')})" if others else ""))
        with solara.Div(classes=["qs-resident-figure"]):
            FigureBox(holder)
        Explain("inspector", lang)


class FeedCache:
    """The feed lines of one model, kept between frames: the lines of finished weeks are made
    once; only the current week's are made again (an event can still join it)."""

    def __init__(self, model: Any, lang: str, moments_only: bool) -> None:
        self.model, self.lang, self.moments_only = model, lang, moments_only
        self.done: list[feed.Line] = []
        self.done_entries = 0

    def lines(self) -> list[feed.Line]:
        log = self.model.activity
        week = self.model.steps
        end = self.done_entries
        while end < len(log) and log[end].week < week:
            end += 1
        if end > self.done_entries:
            self.done += feed.lines(
                log[self.done_entries : end],
                self.lang,
                self.model.problems.kind,
                self.moments_only,
            )
            self.done_entries = end
        return self.done + feed.lines(
            log[end:], self.lang, self.model.problems.kind, self.moments_only
        )


@solara.component
def FeedColumn(session: Session, which: int, lang: str, moments_only: bool, frame: int) -> None:
    """The feed of one quarter, newest first, with older lines on request."""
    shown, set_shown = solara.use_state(FEED_SHOWN)
    model = session.models[which]
    cache = solara.use_memo(
        lambda: FeedCache(model, lang, moments_only), [model, lang, moments_only]
    )
    with session.lock:
        lines = cache.lines()
    with solara.Column(gap="0px", classes=["qs-feed", f"qs-feed-{'ab'[which]}"]):
        if len(session.quarters) > 1:
            solara.Text(quarter_title(session, which, lang), style={"font-weight": "600"})
        if not lines:
            solara.Text(t("feed_empty", lang))
        # One block of HTML rather than a widget per line: a long run renders in one piece.
        solara.HTML(
            tag="div",
            unsafe_innerHTML="".join(
                f'<div class="{"qs-moment" if line.moment else "qs-routine"} qs-key-{line.key}">'
                f'<span class="qs-week-tag">{line.week}</span> {html.escape(line.text)}</div>'
                for line in reversed(lines[-shown:])
            ),
            classes=["qs-feed-lines"],
        )
        if len(lines) > shown:
            Caption(t("feed_count", lang, shown=shown, total=len(lines)))
            solara.Button(
                t("feed_more", lang),
                on_click=lambda: set_shown(shown + FEED_SHOWN),
                small=True,
                text=True,
                classes=["qs-feed-more"],
            )


@solara.component
def Feed(session: Session, lang: str, frame: int) -> None:
    """The activity feed: moments highlighted, routine summed up, filterable."""
    moments_only, set_moments_only = solara.use_state(False)
    with solara.Card(t("feed", lang), classes=["qs-feed-card"], margin=0):
        with rv.BtnToggle(
            v_model=1 if moments_only else 0,
            on_v_model=lambda v: set_moments_only(v == 1),
            mandatory=True,
            dense=True,
            class_="qs-feed-filter",
        ):
            rv.Btn(children=[t("feed_everything", lang)], small=True, class_="qs-feed-all")
            rv.Btn(children=[t("feed_moments", lang)], small=True, class_="qs-feed-moments")
        with solara.Columns([1] * len(session.quarters)):
            for k in range(len(session.quarters)):
                FeedColumn(session, k, lang, moments_only, frame)
        Explain("feed", lang)


# -- the page ----------------------------------------------------------------------------------


@solara.component
def Page(session: Session | None = None) -> None:
    """The whole view. ``session`` lets tests and notebooks pass a prepared quarter; without
    one, the page's address (a link, a reload) says which scenario to bring back."""
    router = solara.use_router()
    given = session

    def first() -> tuple[Session, str, list[Notice]]:
        if given is not None:
            return given, "en", []
        wanted, notices = scenario.from_query(router.search or "")
        fresh = Session()
        if wanted == scenario.Scenario():
            return fresh, wanted.lang, notices
        restored, more = scenario.restore(wanted, fresh)
        return restored, wanted.lang, notices + more

    session, first_lang, first_notices = solara.use_memo(first, [])
    version, set_version = solara.use_state(0)
    lang = solara.use_reactive(first_lang)
    playing = solara.use_reactive(False)
    looping = solara.use_reactive(False)  # the play loop's thread is still at work
    speed = solara.use_reactive(1)
    colour_by = solara.use_reactive("helplessness")
    selected = solara.use_reactive(0)
    presenting = solara.use_reactive(False)
    notices = solara.use_reactive(first_notices)  # what to tell the trainer, as Notices
    failure = solara.use_reactive(cast(str | None, None))  # an unexpected error while playing

    def callbacks() -> tuple[Callable, ...]:
        """The page's callbacks, made once: the same functions on every render, so components
        that take them are not drawn again for a new closure."""

        def changed() -> None:
            set_version(lambda v: v + 1)

        def guarded(action: Callable[[], Notice | None]) -> None:
            """Run a change of the models; whatever it reports (or raises) becomes the notice.

            A failing model step must leave a message on the page, not a dead page.
            """
            try:
                notice = action()
                notices.set([notice] if notice is not None else [])
            except Exception as e:
                notices.set([Notice("error", {"detail": f"{type(e).__name__}: {e}"})])
            changed()

        def open_scenario(data: bytes) -> None:
            playing.set(False)
            wanted, problems = scenario.from_json(data)
            if problems:
                notices.set(problems)
                return
            _, more = scenario.restore(wanted, session)
            lang.set(wanted.lang)
            notices.set(more or [Notice("opened", {"week": session.week})])
            changed()

        def step() -> None:
            guarded(lambda: session.step(1))

        def reset() -> None:
            playing.set(False)
            guarded(session.reset)

        return changed, guarded, open_scenario, step, reset

    changed, guarded, open_scenario, step, reset = solara.use_memo(callbacks, [])

    # The play loop steps only once the previous frame has been drawn: stepping faster than
    # the page renders would change state during every render pass (reacton gives up), and
    # frames nobody sees are wasted work.
    drawn = solara.use_memo(threading.Event, [])
    solara.use_effect(drawn.set, [version])  # effects run after the render is committed

    def play(stop: threading.Event) -> None:
        looping.set(True)
        try:
            while playing.value and not stop.is_set():
                drawn.clear()
                session.step(speed.value)
                changed()
                drawn.wait(timeout=FRAME_TIMEOUT)
                stop.wait(FRAME_GAP)
        except Exception as e:  # a model bug must not kill the page silently
            failure.set(f"{type(e).__name__}: {e}")
            playing.set(False)
        finally:
            looping.set(False)  # the thread's last touch of the page

    def start_playing() -> Callable[[], None] | None:
        # A plain thread rather than solara.use_thread: that one renders once more after
        # the loop has ended, racing with the next click (a Step right after Pause).
        if not playing.value:
            return None
        notices.set([])
        stop = threading.Event()
        threading.Thread(target=play, args=(stop,), daemon=True).start()

        def halt() -> None:  # on Pause, Reset, or when the page goes away
            stop.set()
            drawn.set()  # a closed page draws no more frames: do not wait for one

        return halt

    solara.use_effect(start_playing, [playing.value])

    # The address holds the scenario whenever the page rests, so a reload brings it back.
    def keep_address() -> None:
        if given is not None or looping.value:
            return
        query = scenario.to_query(scenario.capture(session, lang.value))
        if query != (router.search or ""):
            router.push("/?" + query if query else "/")

    solara.use_effect(keep_address, [version, lang.value, looping.value])

    solara.Style(CSS)
    solara.Title(t("title", lang.value))  # the browser tab and the app bar

    frame = session.frame
    with solara.AppBar():
        with solara.ToggleButtonsSingle(
            value=lang.value, on_value=lang.set, dense=True, classes=["qs-language"]
        ):
            for code, name in texts.LANGUAGES.items():
                solara.Button(name, value=code, text=True, classes=[f"qs-lang-{code}"])
        solara.Switch(
            label=t("presentation", lang.value),
            value=presenting.value,
            on_value=presenting.set,
            classes=["qs-presentation"],
            style={"margin": "0 0 0 16px"},
        )
        # a plain link (the classroom is a page of its own): solara.Link would need the router
        # of a served page, which a page rendered in a notebook or a test does not have
        rv.Btn(
            href="/classroom",
            text=True,
            dark=True,
            class_="qs-classroom-switch",
            style_="margin: 0 0 0 16px",
            children=[classroom_t("classroom_switch", lang.value)],
        )
    if not presenting.value:
        with solara.Sidebar():
            Controls(
                session,
                lang.value,
                playing,
                looping.value,
                speed,
                guarded,
                changed,
                open_scenario,
                session.settings(),
            )

    quarters = len(session.quarters)
    height = FIGURE_HEIGHT[quarters]
    below = solara.use_ref((frame, 0.0))  # the frame the inspector and the feed last showed
    now = time.monotonic()
    if not looping.value or now - below.current[1] >= BELOW_FOLD_EVERY:
        below.current = (frame, now)
    below_frame = below.current[0]
    with solara.Column(gap="6px", classes=["qs-main"]):
        FollowWidth.element()
        Status(session, lang.value, frame)
        if presenting.value:
            RunButtons(lang.value, playing, looping.value, step, reset, speed)
        Monitors(session, lang.value, frame)
        for notice in notices.value:
            show = solara.Info if notice.key in ("restarted", "opened") else solara.Warning
            show(notice_text(notice, lang.value), classes=["qs-notice"], dense=True)
        if failure.value:
            solara.Error(t("error", lang.value, detail=failure.value), classes=["qs-error"])
        with solara.Columns([quarters, 1.3] if quarters > 1 else [1, 1.15], gutters_dense=True):
            PictureCard(session, lang.value, colour_by, selected, frame)
            PlotsView(session, lang.value, frame, height)
        with solara.Columns([3, 2], gutters_dense=True):
            Inspector(session, lang.value, selected, below_frame)
            Feed(session, lang.value, below_frame)
