"""The trainer's page: watch, steer and compare strategies live.

Layout: the sidebar holds the controls (run, strategy, events, compare mode, seed and the
model parameters generated from :data:`quartiersim.PARAMETERS`); the main area shows the quarter
map and the network of ties (side by side; in compare mode quarter A beside quarter B), the
measures over time, a resident inspector and the activity feed. Every view carries an explain
panel, and the whole page switches between English and German.

State: one :class:`~quartiersim.app.session.Session` per browser tab holds the models; the page
keeps a ``version`` counter that every change bumps; the pictures are redrawn only when the
models changed (``Session.frame``) or the language, colouring or selection did. Every
component that reads the session takes ``version`` as a prop: reacton skips re-rendering a
component whose props are unchanged, and the session stays the same object while the models
inside it change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import reacton.ipyvuetify as rv
import solara
from matplotlib.figure import Figure

from quartiersim import ACTIVITIES, EVENTS, MEASURES, STRATEGIES
from quartiersim.activity import describe
from quartiersim.app import figures, texts
from quartiersim.app.session import Notice, Session, takes_custom_mix, tunable_parameters
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

FEED_LENGTH = 12
DEFAULT_EXTRA = ("helplessness", "participation", "claims_granted")
"""Measures the plot view shows at first, besides the two composites."""

CSS = """
.qs-figure { width: 100%; height: auto; }
.qs-map-a, .qs-map-b, .qs-network-a, .qs-network-b { max-width: 620px; }
.qs-resident-figure { max-width: 760px; }
.qs-caption { font-size: 12px; color: #666; margin: -6px 0 6px 0; line-height: 1.3; }
.qs-status { font-size: 15px; }
.qs-feed { font-size: 13px; line-height: 1.45; }
.qs-feed .qs-week-tag { color: #888; display: inline-block; min-width: 3.2em; }
.qs-sidebar-heading { font-weight: 600; margin-top: 10px; }
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


def feed_lines(model: Any, lang: str, length: int = FEED_LENGTH) -> list[tuple[int, str]]:
    """The newest ``length`` log entries of ``model`` as (week, sentence), newest first."""
    lines = []
    for entry in reversed(model.activity[-length:]):
        try:
            text = describe(entry, lang, problem_kinds=model.problems.kind)
        except (KeyError, IndexError, ValueError):
            # A log key newer than this view's texts: show it rather than break the feed.
            text = f"{entry.key}: {entry.data}"
        lines.append((entry.week, text))
    return lines


# -- small building blocks ---------------------------------------------------------------------


@solara.component
def Caption(text: str) -> None:
    """A small grey line of text."""
    solara.Text(text, classes=["qs-caption"])


@solara.component
def Explain(view: str, lang: str, more: str = "") -> None:
    """The explain panel of a view: what it shows, how it works, what to notice and try (and
    ``more``, Markdown for what a view needs beyond that)."""
    body = texts.EXPLAIN[view][lang]
    with (
        solara.Details(summary=t("explain", lang)),
        solara.Column(gap="4px", classes=[f"qs-explain-{view}"]),
    ):
        for section in texts.SECTIONS:
            solara.Markdown(f"**{t(section, lang)}.** {body[section]}")
        if more:
            solara.Markdown(more)


def activities_text(lang: str) -> str:
    """What each activity of the workers does, as a Markdown list (from the declarations)."""
    items = [f"- *{a.label.pick(lang)}*: {a.explanation.pick(lang)}" for a in ACTIVITIES.values()]
    return f"**{t('activities', lang)}.**\n\n" + "\n".join(items)


@solara.component
def Picture(make: Callable[[], Any], dependencies: list, css_class: str) -> None:
    """A matplotlib figure as a PNG image, redrawn only when ``dependencies`` change."""
    data = solara.use_memo(lambda: figures.png(make()), dependencies)
    solara.Image(data, width="100%", classes=["qs-figure", css_class])


def strategy_items(lang: str) -> list[dict[str, str]]:
    """The strategy selector's entries in the page's language."""
    return [{"text": STRATEGIES.label(s, lang), "value": s} for s in STRATEGIES]


def describe_strategy(name: str, lang: str) -> str:
    """One sentence on what a strategy does, in the page's language."""
    return STRATEGIES[name].description.pick(lang)


# -- sidebar controls --------------------------------------------------------------------------


@solara.component
def ParameterControl(
    session: Session, spec: Parameter, lang: str, changed: Callable[[], None]
) -> None:
    """One control generated from a parameter's declaration: a slider for a narrow numeric
    range, a checked text field for a wide one, a select for choices, a checkbox for a flag."""
    value = session.params[spec.name]
    text, set_text = solara.use_state(str(value))
    error, set_error = solara.use_state(cast(Notice | None, None))
    label = texts.parameter_label(spec.name, lang)

    def choose(new: Any) -> None:
        notice = session.set_param(spec.name, new)
        set_error(notice)
        changed()

    def typed(new: str) -> None:
        set_text(new)
        choose(new)

    if spec.kind is bool:
        solara.Checkbox(label=label, value=bool(value), on_value=choose)
    elif spec.choices:
        rv.Select(
            label=label, items=list(spec.choices), v_model=value, on_v_model=choose, dense=True
        )
    elif (
        spec.kind is int
        and spec.low is not None
        and spec.high is not None
        and spec.high - spec.low <= 100
    ):
        solara.SliderInt(
            label,
            value=int(value),
            min=int(spec.low),
            max=int(spec.high),
            on_value=choose,
            thumb_label="always",
        )
    elif (
        spec.kind is float
        and spec.low is not None
        and spec.high is not None
        and spec.high - spec.low <= 10
    ):
        solara.SliderFloat(
            label,
            value=float(value),
            min=spec.low,
            max=spec.high,
            step=(spec.high - spec.low) / 100,
            on_value=choose,
            thumb_label="always",
        )
    else:
        solara.InputText(
            label,
            value=text,
            on_value=typed,
            continuous_update=False,
            error=notice_text(error, lang) if error else False,
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
def ParameterPanels(session: Session, lang: str, changed: Callable[[], None]) -> None:
    """The model parameters, generated from the one declaration, grouped as declared."""
    groups: dict[str, list[Parameter]] = {}
    for spec in tunable_parameters():
        groups.setdefault(spec.group, []).append(spec)
    for group, specs in groups.items():
        with (
            solara.Details(summary=GROUPS[group].pick(lang) if group in GROUPS else group),
            solara.Column(gap="2px", classes=[f"qs-params-{group}"]),
        ):
            for spec in specs:
                ParameterControl(session, spec, lang, changed)


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
def CustomMix(session: Session, lang: str, changed: Callable[[], None], version: int) -> None:
    """Sliders for the custom mix: every declared activity (the roles and, for contrast,
    top-down case work)."""
    solara.Text(t("custom_mix", lang), classes=["qs-sidebar-heading"])
    for activity in ACTIVITIES:

        def set_share(share: float, activity: str = activity) -> None:
            session.set_custom_share(activity, share)
            changed()

        solara.SliderFloat(
            ACTIVITIES.label(activity, lang),
            value=session.custom_mix.get(activity, 0.0),
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=set_share,
        )


@solara.component
def Controls(
    session: Session,
    lang: str,
    playing: solara.Reactive[bool],
    looping: bool,
    speed: solara.Reactive[int],
    changed: Callable[[], None],
    report: Callable[[Notice | None], None],
    version: int,
) -> None:
    """The sidebar: run buttons, strategy, compare mode, events, parameters."""

    def guarded(action: Callable[[], Notice | None]) -> None:
        """Run a change of the models; whatever it reports (or raises) becomes the notice.

        A failing model step must leave a message on the page, not a dead page.
        """
        try:
            report(action())
        except Exception as e:
            report(Notice("error", {"detail": f"{type(e).__name__}: {e}"}))
        changed()

    def step() -> None:
        guarded(lambda: session.step(1))

    def play() -> None:
        report(None)
        playing.set(True)

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

    solara.Text(t("run", lang), classes=["qs-sidebar-heading"])
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
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
            on_click=play,
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
    if looping:
        solara.Text(t("playing", lang), classes=["qs-playing", "qs-caption"])
    rv.Select(
        label=t("speed", lang),
        items=list(SPEEDS),
        v_model=speed.value,
        on_v_model=speed.set,
        dense=True,
        class_="qs-speed",
    )

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
        CustomMix(session, lang, changed, version)

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

    solara.Text(t("parameters", lang), classes=["qs-sidebar-heading"])
    Caption(t("parameters_hint", lang))
    Caption(seminar_hint(lang))
    # Parameters and seed change only through these controls themselves (their own state
    # re-renders them), so they take no `version`: stepping does not re-render ~40 controls.
    SeedInput(session, lang, changed)
    ParameterPanels(session, lang, changed)
    if session.pending:
        solara.Warning(t("pending", lang), dense=True, classes=["qs-pending"])
    Explain("controls", lang, more=activities_text(lang))


# -- main area views ---------------------------------------------------------------------------


def status_lines(session: Session, lang: str) -> list[str]:
    """The status line of each quarter: strategy, project phase and how the hours went."""
    rows = session.status()
    lines = []
    for k, q in enumerate(rows):
        prefix = f"{t('quarter', lang, name='AB'[k])}: " if len(rows) > 1 else ""
        state = t("running" if q.running else "ended", lang, exit=q.exit_week)
        line = f"{prefix}{STRATEGIES.label(q.strategy, lang)} — {state}."
        if q.budget > 0:
            spent = ", ".join(
                f"{ACTIVITIES.label(a, lang)} {h:.0f} h" for a, h in q.hours.items() if h > 0
            ) or t("no_hours", lang)
            line += f" {t('hours_week', lang, budget=q.budget)}: {spent}"
        lines.append(line)
    return lines


@solara.component
def Status(session: Session, lang: str, version: int) -> None:
    """The line above the views: week, strategy, project phase, hours worked."""
    with session.lock:
        lines = status_lines(session, lang)
        week = session.week
    with solara.Column(gap="2px", classes=["qs-status"]):
        solara.Text(
            t("week", lang, week=week),
            classes=["qs-week"],
            style={"font-weight": "600", "font-size": "18px"},
        )
        for k, line in enumerate(lines):
            solara.Text(line, classes=[f"qs-status-{'ab'[k]}"])


def quarter_title(session: Session, which: int, lang: str) -> str:
    """In compare mode, which quarter a picture shows and its strategy; else nothing."""
    if len(session.quarters) <= 1:
        return ""
    strategy = STRATEGIES.label(session.strategies()[which], lang)
    return f"{t('quarter', lang, name='AB'[which])}: {strategy}"


@solara.component
def MapView(
    session: Session, which: int, lang: str, colour_by: str, selected: int, version: int
) -> None:
    """The quarter map of one quarter."""
    title = quarter_title(session, which, lang)

    def make() -> Figure:
        with session.lock:
            return figures.draw_map(session.models[which], colour_by, lang, selected, title)

    Picture(make, [session.frame, which, lang, colour_by, selected, title], f"qs-map-{'ab'[which]}")


@solara.component
def NetworkView(session: Session, which: int, lang: str, selected: int, version: int) -> None:
    """The network of ties of one quarter."""
    title = quarter_title(session, which, lang)

    def make() -> Figure:
        with session.lock:
            return figures.draw_network(session.models[which], lang, selected, title)

    Picture(make, [session.frame, which, lang, selected, title], f"qs-network-{'ab'[which]}")


@solara.component
def PlotsView(session: Session, lang: str, version: int) -> None:
    """The measures over time (both quarters in compare mode)."""
    extra, set_extra = solara.use_state(list(DEFAULT_EXTRA))
    items = [{"text": MEASURES.label(m, lang), "value": m} for m in extra_choices()]
    with solara.Card(t("plots", lang), classes=["qs-plots-card"]):
        rv.Select(
            label=t("more_measures", lang),
            items=items,
            v_model=extra,
            on_v_model=set_extra,
            multiple=True,
            chips=True,
            dense=True,
        )
        Picture(
            lambda: figures.draw_plots(session, extra, lang),
            [session.frame, lang, tuple(extra)],
            "qs-plots",
        )
        Explain("plots", lang)


@solara.component
def Inspector(session: Session, lang: str, selected: solara.Reactive[int], version: int) -> None:
    """One resident: resources, helplessness over time, ties and group."""
    error, set_error = solara.use_state(cast(Notice | None, None))
    picker = solara.use_memo(lambda: np.random.default_rng(), [])  # not the model's generator
    with session.lock:
        model = session.model
        n = model.residents.n
        chosen = min(max(selected.value, 0), n - 1)
        profile = model.resident_agents[chosen].profile()
        others = [q.model.resident_agents[chosen].profile() for q in session.quarters[1:]]
        candidates = session.candidates()

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

    def profile_line(p: dict) -> str:
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

    with solara.Card(t("inspector", lang), classes=["qs-inspector"]):
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
                solara.Text(prefix + profile_line(p))
            solara.Text(
                f"{t('resident_efficacy', lang, v=profile['self_efficacy'])} · "
                f"{t('resident_belonging', lang, v=profile['belonging'])} · "
                f"{t('resident_trust', lang, v=profile['trust'])}"
                + (f" ({t('quarter', lang, name='A')})" if others else "")
            )
            solara.Text(ties + (f" ({t('quarter', lang, name='A')})" if others else ""))
        Picture(
            lambda: figures.draw_resident(session, chosen, lang),
            [session.frame, lang, chosen],
            "qs-resident-figure",
        )
        Explain("inspector", lang)


@solara.component
def Feed(session: Session, lang: str, version: int) -> None:
    """The activity feed: what happened in the quarter, newest first."""
    with session.lock:
        columns = [feed_lines(q.model, lang) for q in session.quarters]
    with solara.Card(t("feed", lang), classes=["qs-feed-card"]):
        with solara.Columns([1] * len(columns)):
            for k, lines in enumerate(columns):
                with solara.Column(gap="0px", classes=["qs-feed", f"qs-feed-{'ab'[k]}"]):
                    if len(columns) > 1:
                        solara.Text(t("quarter", lang, name="AB"[k]), style={"font-weight": "600"})
                    if not lines:
                        solara.Text(t("feed_empty", lang))
                    for week, text in lines:
                        with solara.Div():
                            solara.Text(str(week), classes=["qs-week-tag"])
                            solara.Text(text)
        Explain("feed", lang)


# -- the page ----------------------------------------------------------------------------------


@solara.component
def Page(session: Session | None = None) -> None:
    """The whole view. ``session`` lets tests and notebooks pass a prepared quarter."""
    given = session
    session = solara.use_memo(lambda: given if given is not None else Session(), [])
    version, set_version = solara.use_state(0)
    lang = solara.use_reactive("en")
    playing = solara.use_reactive(False)
    looping = solara.use_reactive(False)  # the play loop's thread is still at work
    speed = solara.use_reactive(1)
    colour_by = solara.use_reactive("helplessness")
    selected = solara.use_reactive(0)
    notice = solara.use_reactive(cast(Notice | None, None))  # the latest Notice to show
    failure = solara.use_reactive(cast(str | None, None))  # an unexpected error while playing

    def changed() -> None:
        set_version(lambda v: v + 1)

    def report(n: Notice | None) -> None:
        notice.set(n)

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
        stop = threading.Event()
        threading.Thread(target=play, args=(stop,), daemon=True).start()

        def halt() -> None:  # on Pause, Reset, or when the page goes away
            stop.set()
            drawn.set()  # a closed page draws no more frames: do not wait for one

        return halt

    solara.use_effect(start_playing, [playing.value])

    solara.Style(CSS)
    solara.Title(t("title", lang.value))  # the browser tab and the app bar

    with solara.Sidebar():
        with solara.ToggleButtonsSingle(
            value=lang.value, on_value=lang.set, dense=True, classes=["qs-language"]
        ):
            for code, name in texts.LANGUAGES.items():
                solara.Button(name, value=code, text=True, classes=[f"qs-lang-{code}"])
        Controls(session, lang.value, playing, looping.value, speed, changed, report, version)

    with solara.Column(gap="12px", classes=["qs-main"]):
        Status(session, lang.value, version)
        if notice.value is not None:
            show = solara.Info if notice.value.key == "restarted" else solara.Warning
            show(notice_text(notice.value, lang.value), classes=["qs-notice"])
        if failure.value:
            solara.Error(t("error", lang.value, detail=failure.value), classes=["qs-error"])
        quarters = range(len(session.quarters))
        attribute_items = [
            {"text": texts.pick(v, lang.value), "value": k} for k, v in texts.ATTRIBUTES.items()
        ]

        def colour_select() -> None:
            rv.Select(
                label=t("colour_by", lang.value),
                items=attribute_items,
                v_model=colour_by.value,
                on_v_model=colour_by.set,
                dense=True,
                class_="qs-colour-by",
                style_="max-width: 22em",
            )

        if len(quarters) == 1:
            with solara.Columns([1, 1]):
                with solara.Card(t("map", lang.value), classes=["qs-map-card"]):
                    colour_select()
                    MapView(session, 0, lang.value, colour_by.value, selected.value, version)
                    Explain("map", lang.value)
                with solara.Card(t("network", lang.value), classes=["qs-network-card"]):
                    NetworkView(session, 0, lang.value, selected.value, version)
                    Explain("network", lang.value)
        else:
            with solara.Card(t("map", lang.value), classes=["qs-map-card"]):
                colour_select()
                with solara.Columns([1, 1]):
                    for k in quarters:
                        MapView(session, k, lang.value, colour_by.value, selected.value, version)
                Explain("map", lang.value)
            with solara.Card(t("network", lang.value), classes=["qs-network-card"]):
                with solara.Columns([1, 1]):
                    for k in quarters:
                        NetworkView(session, k, lang.value, selected.value, version)
                Explain("network", lang.value)
        PlotsView(session, lang.value, version)
        with solara.Columns([3, 2]):
            Inspector(session, lang.value, selected, version)
            Feed(session, lang.value, version)
