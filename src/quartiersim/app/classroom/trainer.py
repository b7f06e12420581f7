"""The trainer's classroom screen (Solara, at ``/classroom`` of the view): the join code and the
address, the participants and every team's plan, the round, the quarter, events, the
leaderboard, the debrief and the export.

It shows the classroom open in this server (``quartiersim classroom`` opens one at start; the
button here opens one from the browser view). It listens to the classroom's changes, so a
student's join or plan shows at once. Other machines never reach this page: the gate of
:mod:`quartiersim.app.classroom.web` keeps them to the students' pages.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from quartiersim import EVENTS, MEASURES, ROLES
from quartiersim.app import figures
from quartiersim.app.classroom import debrief, room, texts, web
from quartiersim.app.classroom.choices import Refusal, district_label, placed_roles
from quartiersim.app.classroom.room import (
    COMPETITION,
    DONE,
    EXIT,
    LOBBY,
    MODES,
    PLAYING,
    SHARED,
    Classroom,
)
from quartiersim.app.classroom.student import SHOWN_MEASURES, value_text
from quartiersim.app.texts import LANGUAGES

MAP_HEIGHT = 420

CSS = """
.qs-code { font-size: 44px; font-weight: 700; letter-spacing: 6px; font-family: monospace; }
.qs-join-at { font-size: 18px; }
.qs-classroom table { border-collapse: collapse; font-size: 15px; }
.qs-classroom td, .qs-classroom th { border-bottom: 1px solid #ddd; padding: 2px 8px;
  text-align: left; vertical-align: top; }
.qs-round-bar { font-size: 18px; font-weight: 600; }
.qs-chosen { color: #1b7d33; } .qs-waiting { color: #b05a00; }
.qs-tiles { display: flex; flex-wrap: wrap; gap: 6px; }
.qs-tile { border: 1px solid #ddd; border-radius: 6px; padding: 1px 8px; background: #fafafa; }
.qs-tile-label { font-size: 14px; color: #444; } .qs-tile-value { font-size: 20px; }
"""


def t(key: str, lang: str, **data: Any) -> str:
    return texts.t(key, lang, **data)


def current() -> Classroom | None:
    """The classroom open in this server (the newest, if several)."""
    rooms = room.open_classrooms()
    return rooms[-1] if rooms else None


def plan_text(classroom: Classroom, team: room.Team, lang: str) -> str:
    """A team's plan as hours per role, the unplanned roles left out."""
    parts = [
        f"{ROLES.label(r, lang)} {h:g}"
        for r, h in team.choice.hours.items()
        if h > 0 and r in ROLES
    ]
    return ", ".join(parts) or "—"


def where_text(team: room.Team, lang: str) -> str:
    parts = [
        f"{ROLES.label(r, lang)}: {district_label(team.choice.areas[r], lang)}"
        for r in placed_roles()
        if r in team.choice.areas
    ]
    return ", ".join(parts) or district_label("all", lang)


def table(header: list[str], rows: list[list[str]], css: str) -> str:
    """An HTML table of texts (escaped here)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@solara.component
def Heading(text: str) -> None:
    """A heading (not solara.Markdown: that one loads a diagram library from a public CDN)."""
    solara.HTML(tag="h3", unsafe_innerHTML=html.escape(text), classes=["qs-heading"])


@solara.component
def Tiles(session: Any, lang: str, frame: int) -> None:
    with session.lock:
        values = {m: float(session.model.measures[m]) for m in SHOWN_MEASURES}
    with solara.Div(classes=["qs-tiles"]):
        for m in SHOWN_MEASURES:
            with solara.Div(classes=["qs-tile", f"qs-tile-{m}"]):
                solara.Div(children=[MEASURES.label(m, lang)], classes=["qs-tile-label"])
                solara.Div(children=[value_text(m, values[m])], classes=["qs-tile-value"])


@solara.component
def QuarterMap(session: Any, lang: str, frame: int) -> None:
    """The map of one quarter (the browser view's own figure, updated in place)."""
    from quartiersim.app.page import FigureBox, Holder

    model = session.model
    holder = solara.use_memo(lambda: Holder(figures.map_figure(model, lang, MAP_HEIGHT)), [model])

    def update() -> None:
        with session.lock:
            figures.update_map(holder.fig, model, "helplessness", lang, None, "", session.frame)

    solara.use_effect(update, [holder, frame, lang])
    FigureBox(holder)


@solara.component
def Settings(
    classroom: Classroom, lang: str, act: Callable[[Callable[[], Any]], None], version: int
) -> None:
    """The session's settings, changeable in the lobby."""
    s = classroom.settings
    labels = {SHARED: t("mode_shared", lang), COMPETITION: t("mode_competition", lang)}
    solara.Select(
        label=t("mode", lang),
        values=[labels[m] for m in MODES],
        value=labels[s.mode],
        on_value=lambda v: act(
            lambda: classroom.configure(mode=next(m for m in MODES if labels[m] == v))
        ),
        classes=["qs-mode"],
    )
    with solara.Row():
        solara.InputInt(
            t("weeks_per_round", lang),
            value=s.weeks_per_round,
            on_value=lambda v: act(lambda: classroom.configure(weeks_per_round=v)),
            classes=["qs-weeks-per-round"],
        )
        solara.InputInt(
            t("project_weeks", lang),
            value=classroom.project_weeks,
            on_value=lambda v: act(
                lambda: classroom.configure(params={**s.params, "project_weeks": v})
            ),
            classes=["qs-project-weeks"],
        )
        solara.InputInt(
            t("round_seconds", lang),
            value=s.round_seconds or 0,
            on_value=lambda v: act(lambda: classroom.configure(round_seconds=v or None)),
            classes=["qs-round-seconds"],
        )
        solara.InputInt(
            t("max_teams", lang),
            value=s.max_teams or 0,
            on_value=lambda v: act(lambda: classroom.configure(max_teams=v or None)),
            classes=["qs-max-teams"],
        )
        solara.InputInt(
            t("seed", lang),
            value=s.seed,
            on_value=lambda v: act(lambda: classroom.configure(seed=v)),
            classes=["qs-seed"],
        )


@solara.component
def Participants(
    classroom: Classroom, lang: str, act: Callable[[Callable[[], Any]], None], version: int
) -> None:
    """Every participant: team, connection, and a button to remove them."""
    with classroom.lock:
        people = sorted(classroom.participants.values(), key=lambda p: (p.team, p.id))
        teams = {k: team.name for k, team in classroom.teams.items()}
    Heading(t("participants", lang, n=len(people)))
    if not people:
        solara.Text(t("nobody", lang), classes=["qs-nobody"])
    for p in people:
        with solara.Row(classes=["qs-participant"], style={"align-items": "center"}):
            online = t("connected" if p.connections else "offline", lang)
            solara.Text(f"{p.name} · {teams.get(p.team, '?')} · {online}")
            solara.Button(
                t("remove", lang),
                on_click=lambda pid=p.id: act(lambda: classroom.remove(pid)),
                small=True,
                text=True,
                classes=[f"qs-remove-{p.id}", "qs-remove"],
            )


def teams_table(classroom: Classroom, lang: str) -> str:
    with classroom.lock:
        rows = [
            [
                team.name,
                ", ".join(classroom.members(team)) or "—",
                plan_text(classroom, team, lang),
                where_text(team, lang),
                t("chosen" if team.submitted_round == classroom.round else "waiting", lang),
            ]
            for team in classroom.teams.values()
        ]
    header = ["team_col", "members_col", "plan_col", "where_col", "state_col"]
    return table([t(h, lang) for h in header], rows, "qs-teams")


def leaderboard_table(classroom: Classroom, lang: str) -> str:
    rows = classroom.leaderboard()
    out = []
    for row in rows:
        out.append(
            [
                row["team"],
                ", ".join(row["members"]),
                *(
                    f"{number(row[m + suffix])} (#{row['rank_' + m + suffix] or '—'})"
                    for m in room.HEADLINE
                    for suffix in ("", "_exit")
                ),
            ]
        )
    header = [t("team_col", lang), t("members_col", lang)] + [
        f"{MEASURES.label(m, lang)} ({t(w, lang)})"
        for m in room.HEADLINE
        for w in ("now", "at_exit")
    ]
    return table(header, out, "qs-leaderboard")


def debrief_table(classroom: Classroom, lang: str) -> str:
    rows = debrief.debrief_rows(classroom)
    out = []
    for row in rows:
        name = row["name"]
        if row["kind"] == "preset":
            from quartiersim import STRATEGIES

            name = f"{STRATEGIES.label(name, lang)} ({t('preset', lang)})"
        hours = ", ".join(
            f"{ROLES.label(a, lang) if a in ROLES else a} {h:.1f}"
            for a, h in row["hours"].items()
            if h > 0.05
        )
        out.append(
            [
                name,
                row["members"],
                hours or "—",
                *(number(row[f"{m}_{w}"]) for m in debrief.OUTCOMES for w in ("exit", "end")),
            ]
        )
    header = [t("name_col", lang), t("members_col", lang), t("plan_col", lang)] + [
        f"{MEASURES.label(m, lang)} ({t(w, lang)})"
        for m in debrief.OUTCOMES
        for w in ("at_exit", "now")
    ]
    return table(header, out, "qs-debrief-table")


@solara.component
def ClassroomPage() -> None:
    """The trainer's screen (see the module's docstring)."""
    router = solara.use_router()
    first_lang = "de" if "lang=de" in (router.search or "") else "en"
    lang = solara.use_reactive(first_lang)
    tick, set_tick = solara.use_state(0)
    problem = solara.use_reactive("")
    classroom = current()
    code = classroom.code if classroom is not None else None

    def follow() -> Callable[[], None] | None:
        if classroom is None:
            return None
        # The classroom changes in other threads (a student's request, the round's worker):
        # they only raise a flag. The page's own thread (started here, so it carries the
        # page's context, which a render needs) redraws when the flag is up, and once a
        # second while the round's timer runs; a burst of joins costs one redraw.
        changed = threading.Event()
        stop = threading.Event()
        stop_listening = classroom.listen(lambda change: changed.set())

        def redraw() -> None:
            while not stop.is_set():
                changed.wait(1.0)
                if stop.is_set():
                    return
                if changed.is_set() or classroom.deadline is not None:
                    changed.clear()
                    set_tick(lambda k: k + 1)

        threading.Thread(target=redraw, daemon=True).start()

        def halt() -> None:
            stop_listening()
            stop.set()
            changed.set()

        return halt

    solara.use_effect(follow, [code])

    def act(action: Callable[[], Any]) -> None:
        try:
            action()
            problem.set("")
        except (ValueError, Refusal) as e:
            problem.set(t("problem", lang.value, detail=str(e)))
        set_tick(lambda k: k + 1)

    solara.Style(CSS)
    solara.Title(t("classroom", lang.value))
    with solara.AppBar():
        with solara.ToggleButtonsSingle(value=lang.value, on_value=lang.set, dense=True):
            for key, name in LANGUAGES.items():
                solara.Button(name, value=key, text=True, classes=[f"qs-lang-{key}"])
        rv.Btn(
            href="/",
            text=True,
            dark=True,
            class_="qs-back-to-view",
            children=[t("back_to_view", lang.value)],
        )
    with solara.Column(classes=["qs-classroom"], gap="8px"):
        if problem.value:
            solara.Warning(problem.value, classes=["qs-problem"], dense=True)
        if classroom is None:
            solara.Button(
                t("open_session", lang.value),
                on_click=lambda: act(room.open_classroom),
                color="primary",
                classes=["qs-open-session"],
            )
            solara.Text(t("ended", lang.value) if code is None else "")
            return
        OpenSession(classroom, lang.value, act, tick)


@solara.component
def OpenSession(
    classroom: Classroom, lang: str, act: Callable[[Callable[[], Any]], None], version: int
) -> None:
    """One open classroom: who is there, the round, the quarter, and at the end the debrief."""
    phase = classroom.phase
    address = web.join_address(*web.served_at())
    with solara.Row(style={"align-items": "baseline"}):
        solara.Text(classroom.code, classes=["qs-code"])
        solara.Text(t("join_at", lang, address=address), classes=["qs-join-at"])
    if web.is_loopback_server():
        solara.Text(t("loopback_only", lang), classes=["qs-loopback"])
    if phase == LOBBY:
        Settings(classroom, lang, act, version)
        solara.Button(
            t("start", lang),
            on_click=lambda: act(classroom.start),
            color="primary",
            classes=["qs-start"],
        )
    else:
        with classroom.lock:
            teams = classroom.active_teams()
            chosen = len(teams) - len(classroom.waiting_for())
        bar = t(
            "round_bar",
            lang,
            round=classroom.round,
            week=classroom.week,
            exit=classroom.project_weeks,
            count=chosen,
            of=len(teams),
        )
        left = classroom.seconds_left()
        if left is not None and phase == PLAYING:
            bar += " · " + texts.t("seconds_left", lang, seconds=round(left))
        solara.Text(bar, classes=["qs-round-bar"])
    with solara.Row():
        if phase == PLAYING:
            solara.Button(
                t("close_round", lang),
                on_click=lambda: act(classroom.close_round),
                classes=["qs-close-round"],
            )
            solara.InputInt(
                t("round_seconds", lang),
                value=classroom.settings.round_seconds or 0,
                on_value=lambda v: act(lambda: classroom.configure(round_seconds=v or None)),
                classes=["qs-round-seconds"],
            )
        if phase == EXIT:
            solara.Text(t("exit_reached", lang))
            solara.Button(
                t("after_exit", lang, weeks=classroom.settings.after_exit_weeks),
                on_click=lambda: act(classroom.run_after_exit),
                color="primary",
                classes=["qs-after-exit"],
            )
    if phase in (PLAYING, EXIT):
        with solara.Row(classes=["qs-events"]):
            solara.Text(t("events", lang))
            for name in EVENTS:
                solara.Button(
                    EVENTS.label(name, lang),
                    on_click=lambda n=name: act(lambda: classroom.trigger(n)),
                    small=True,
                    classes=[f"qs-event-{name}"],
                )
    with solara.Columns([3, 2]):
        with solara.Column():
            solara.HTML(tag="div", unsafe_innerHTML=teams_table(classroom, lang))
            Participants(classroom, lang, act, version)
        with solara.Column():
            sessions = classroom.sessions()
            if sessions:
                Tiles(sessions[0], lang, sessions[0].frame)
                QuarterMap(sessions[0], lang, sessions[0].frame)
    if classroom.settings.mode == COMPETITION and phase != LOBBY:
        Heading(t("leaderboard", lang))
        solara.HTML(tag="div", unsafe_innerHTML=leaderboard_table(classroom, lang))
    if phase in (EXIT, DONE):
        Debrief(classroom, lang, version)
    solara.Button(
        t("end_session", lang),
        on_click=lambda: act(classroom.close),
        text=True,
        classes=["qs-end-session"],
    )


@solara.component
def Debrief(classroom: Classroom, lang: str, version: int) -> None:
    """Plans against outcomes, the presets on the same seed, and the export. ``version``
    counts the classroom's changes (the classroom itself is the same object throughout)."""
    Heading(t("debrief", lang))
    solara.Text(t("debrief_hint", lang))
    if classroom.settings.mode == SHARED:
        solara.Text(t("debrief_shared", lang))
    presets = classroom.presets
    if presets is None or not presets.ready:
        solara.Text(t("presets_running", lang), classes=["qs-presets-running"])
    elif presets.error:
        solara.Error(t("presets_failed", lang, detail=presets.error))
    solara.HTML(tag="div", unsafe_innerHTML=debrief_table(classroom, lang), classes=["qs-debrief"])
    stamp = f"quartiersim-classroom-{classroom.code}"
    with solara.Row():
        with solara.FileDownload(lambda: debrief.csv_bytes(classroom), filename=f"{stamp}.csv"):
            solara.Button(t("export_csv", lang), outlined=True, classes=["qs-export-csv"])
        with solara.FileDownload(
            lambda: debrief.parquet_bytes(classroom), filename=f"{stamp}.parquet"
        ):
            solara.Button(t("export_parquet", lang), outlined=True, classes=["qs-export-parquet"])
