"""The browser view's page, rendered in-process with ``solara.render`` (no browser).

Each test drives the page through its widgets, as a trainer would through the browser, and
checks that the model behind it really changed (not only a label). A small quarter keeps them
quick; the real browser test is ``tests/test_browser_app.py``.
"""

from __future__ import annotations

import html
import re

import ipyvuetify as v
import ipywidgets
import numpy as np
import plotly.graph_objects as go
import pytest
import solara
from conftest import SMALL_QUARTER

from quartiersim import ACTIVITIES, EVENTS, PARAMETERS, STRATEGIES, QuartierModel
from quartiersim.app import Page, figures, texts
from quartiersim.app.session import Session, tunable_parameters
from quartiersim.parameters import GROUPS


@pytest.fixture
def session() -> Session:
    return Session(seed=3, **SMALL_QUARTER)


@pytest.fixture
def view(session: Session):
    """The page with its sidebar (AppLayout), around a small quarter."""
    _, rc = solara.render(solara.AppLayout(children=[Page(session=session)]), handle_error=False)
    yield rc
    rc.close()


# -- helpers -------------------------------------------------------------------------------------


def button(rc, label: str) -> v.Btn:
    return rc.find(v.Btn, children=[label]).widget


def field(rc, widget_class, label: str):
    return rc.find(widget_class, label=label).widget


def slider(rc, css_class: str) -> v.Slider:
    return rc.find(v.Slider, class_=css_class).widget


def figures_shown(rc) -> dict[str, go.FigureWidget]:
    """The page's Plotly figures by the view they draw (``map-a``, ``plots`` ...)."""
    return {w.layout.meta["view"]: w for w in rc.find(go.FigureWidget).widgets}


def figure(rc, view: str) -> go.FigureWidget:
    shown = figures_shown(rc)
    assert view in shown, f"no figure {view!r} on the page, only {sorted(shown)}"
    return shown[view]


def text_of(rc, css_class: str) -> str:
    """The text inside the element with ``css_class`` (its nested elements' included)."""

    def inner(w) -> str:
        children = getattr(w, "children", None) or []
        return "".join(c if isinstance(c, str) else inner(c) for c in children)

    return inner(rc.find(v.Html, class_=css_class).widget)


def widgets(rc):
    """Every widget on the page, depth first."""
    seen: set[int] = set()
    stack = list(rc.find(ipywidgets.Widget).widgets)
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        for name in w.keys:
            value = getattr(w, name)
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                if isinstance(item, dict):  # v_slots
                    item = item.get("children")
                for child in item if isinstance(item, list) else [item]:
                    if isinstance(child, ipywidgets.Widget):
                        stack.append(child)


def all_text(rc) -> str:
    """Every text shown as a widget's content, label, message or HTML (tags removed)."""
    parts = []
    for w in widgets(rc):
        if isinstance(w, go.FigureWidget):
            continue
        parts += [c for c in getattr(w, "children", []) or [] if isinstance(c, str)]
        parts += [m for m in getattr(w, "messages", []) or [] if isinstance(m, str)]
        label = getattr(w, "label", None)
        if isinstance(label, str):
            parts.append(label)
        inner = getattr(w, "unsafe_innerHTML", None)
        if isinstance(inner, str):
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", inner)))
    return "\n".join(parts)


def error_of(widget: v.TextField) -> str | None:
    """The error message a text field shows, if any."""
    return " ".join(widget.messages) if widget.error else None


def type_into(widget: v.TextField, text: str) -> None:
    """Type ``text`` and press Enter (the page's text fields act on Enter or leaving them)."""
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def choose(rc, label: str, value) -> None:
    field(rc, v.Select, label).v_model = value


# -- controls ------------------------------------------------------------------------------------


def test_page_shows_map_plots_inspector_for_a_fresh_quarter(view, session):
    """One quarter: its map, the measures over time and the inspector, each drawn from the
    model (every resident a dot, coloured by helplessness)."""
    assert set(figures_shown(view)) == {"map-a", "plots", "resident"}
    assert text_of(view, "qs-week") == "Week 0"
    dots = figure(view, "map-a").data[figures.RESIDENTS]
    assert len(dots.x) == session.model.residents.n
    assert np.allclose(dots.marker.color, session.model.residents.helplessness)
    assert session.week == 0


def test_step_advances_the_quarter_and_redraws_the_views(view, session):
    """A step changes the model, and every picture follows it: the frame number each figure
    carries is the session's, and the residents' colours are this week's."""
    button(view, "Step").click()
    button(view, "Step").click()
    assert session.week == 2
    assert session.model.steps == 2
    assert text_of(view, "qs-week") == "Week 2"
    for fig in figures_shown(view).values():
        assert fig.layout.meta["frame"] == session.frame
    dots = figure(view, "map-a").data[figures.RESIDENTS]
    assert np.allclose(dots.marker.color, session.model.residents.helplessness)
    curve = figure(view, "plots").data[0]
    assert list(curve.x) == [0, 1, 2]
    assert curve.y[-1] == pytest.approx(session.model.measures["social_capital"], abs=1e-4)


def test_the_network_tab_draws_the_ties_of_the_quarter(view, session):
    """The network view draws the strong ties as lines between the homes of both ends."""
    view.find(v.BtnToggle, class_="qs-picture-tabs").widget.v_model = 1
    net = figure(view, "network-a")
    keep, _ = figures.drawn_ties(session.model)
    segments = np.count_nonzero(np.isnan(np.asarray(net.data[0].x, dtype=float)))
    segments += np.count_nonzero(np.isnan(np.asarray(net.data[1].x, dtype=float)))
    assert segments == len(keep)
    assert len(net.data[figures.NODES].x) == session.model.residents.n


def test_play_runs_on_until_pause_stops_it(view, session):
    week_text = view.find(v.Html, class_="qs-week")
    button(view, "Play").click()
    assert button(view, "Step").disabled and not button(view, "Pause").disabled
    week_text.assert_wait(lambda w: int(w.children[0].split()[1]) >= 3, timeout=60)
    button(view, "Pause").click()
    # Step comes back once the play loop has finished its last frame; then nothing moves
    # by itself any more: one Step is exactly one week.
    view.find(v.Btn, children=["Step"]).assert_wait(lambda b: not b.disabled, timeout=60)
    paused_at = session.week
    button(view, "Step").click()
    assert session.week == paused_at + 1
    # The play thread may still be finishing its last render; the page catches up with it.
    week_text.assert_wait(lambda w: w.children == [f"Week {paused_at + 1}"], timeout=30)
    assert session.week == paused_at + 1


def test_reset_rebuilds_the_quarter_from_the_typed_seed(view, session):
    button(view, "Step").click()
    type_into(field(view, v.TextField, "Seed (whole number)"), " 7 ")
    assert "Changed settings wait for Reset." in all_text(view)
    button(view, "Reset").click()
    assert session.week == 0 and session.applied_seed == 7
    fresh = QuartierModel(rng=7, strategy=session.strategy_a, **session.params)
    assert np.array_equal(session.model.residents.helplessness, fresh.residents.helplessness)
    assert "Changed settings wait for Reset." not in all_text(view)


def test_a_bad_seed_gets_a_message_and_the_quarter_keeps_its_seed(view, session):
    seed_field = field(view, v.TextField, "Seed (whole number)")
    for typed in ("abc", "-1", "1.5", ""):
        type_into(seed_field, typed)
        assert session.seed == 3
        message = f"Seed “{typed}” is not a whole number ≥ 0; the seed stays 3."
        assert error_of(seed_field) == message
    button(view, "Reset").click()  # still works, with the old seed
    assert session.applied_seed == 3 and session.week == 0


def open_parameter_groups(rc) -> None:
    for group in {spec.group for spec in tunable_parameters()}:
        rc.find(v.Btn, children=["▸ " + GROUPS[group].en]).widget.click()


def test_a_control_is_generated_for_every_tunable_parameter(view):
    open_parameter_groups(view)
    for spec in tunable_parameters():
        found = [
            w
            for cls in (v.Slider, v.TextField, v.Select, v.Checkbox)
            for w in view.find(cls, class_=f"qs-param-{spec.name}").widgets
        ]
        assert len(found) == 1, spec.name
        assert texts.parameter_label(spec.name, "en") in all_text(view), spec.name
    # the strategy has its own selector; the non-tunable ones get no generic control
    assert "strategy" not in {p.name for p in tunable_parameters()}
    assert not {p.name for p in tunable_parameters()} & {"role_mix", "events"}


def test_slider_parameters_keep_the_declared_range_and_apply_at_reset(view, session):
    spec = PARAMETERS["n_workers"]
    view.find(v.Btn, children=["▸ " + GROUPS[spec.group].en]).widget.click()
    control = slider(view, "qs-param-n_workers")
    assert (control.min, control.max) == (spec.low, spec.high)
    control.v_model = 3
    assert f"{texts.parameter_label('n_workers', 'en')}: 3" in all_text(view)
    assert session.params["n_workers"] == 3 and len(session.model.workers) == 2
    button(view, "Reset").click()
    assert len(session.model.workers) == 3


def test_an_out_of_range_parameter_is_refused_with_its_allowed_range(view, session):
    open_parameter_groups(view)
    box = field(view, v.TextField, texts.parameter_label("n_residents", "en"))
    for typed in ("5", "lots", "1e9"):
        type_into(box, typed)
        assert session.params["n_residents"] == SMALL_QUARTER["n_residents"]
        assert error_of(box) == (
            f"Households: “{typed}” is not allowed — expected a whole number from 10 to 100000."
        )
    type_into(box, "90")
    assert session.params["n_residents"] == 90 and error_of(box) is None


def test_parameters_that_do_not_fit_together_keep_the_running_quarter(view, session):
    open_parameter_groups(view)
    button(view, "Step").click()
    type_into(field(view, v.TextField, texts.parameter_label("n_residents", "en")), "2000")
    button(view, "Reset").click()  # a 20x20 quarter houses at most 1600 households
    assert session.week == 1 and session.model.residents.n == SMALL_QUARTER["n_residents"]
    assert "These settings do not fit together" in all_text(view)
    assert "n_residents=2000" in all_text(view)


def test_a_failing_step_leaves_a_message_not_a_dead_page(view, session, monkeypatch):
    def broken() -> None:
        raise RuntimeError("the model broke")

    monkeypatch.setattr(session.model, "step", broken)
    button(view, "Step").click()
    assert "Something went wrong: RuntimeError: the model broke" in all_text(view)
    monkeypatch.undo()
    button(view, "Step").click()  # the page still works
    assert session.week == 1
    assert "Something went wrong" not in all_text(view)


# -- strategy ------------------------------------------------------------------------------------


def test_switching_strategy_changes_what_the_workers_do_in_the_running_quarter(view, session):
    button(view, "Step").click()
    choose(view, "Strategy", "top_down")
    assert session.week == 1  # live, no restart
    assert all(w.role_mix == STRATEGIES["top_down"].mix for w in session.model.workers)
    button(view, "Step").click()
    assert sum(w.spent_week["case_work"] for w in session.model.workers) > 0
    assert "case work (top-down)" in text_of(view, "qs-status-a")
    assert STRATEGIES["top_down"].description.en in all_text(view)


def test_custom_strategy_shows_the_role_sliders_and_follows_them_live(view, session):
    assert not view.find(v.Slider, class_="qs-mix-door_opener")
    choose(view, "Strategy", "custom")
    for name, activity in ACTIVITIES.items():  # the six roles and case work, each with its share
        assert view.find(v.Slider, class_=f"qs-mix-{name}")
        share = session.custom_mix[name]
        assert f"{activity.label.en}: {share:.2f}" in all_text(view)
    for name in ACTIVITIES:
        if name != "door_opener":
            slider(view, f"qs-mix-{name}").v_model = 0
    assert all(w.role_mix["door_opener"] == pytest.approx(1.0) for w in session.model.workers)
    button(view, "Step").click()
    spent = {a: sum(w.spent_week[a] for w in session.model.workers) for a in ACTIVITIES}
    assert spent["door_opener"] >= 0 and sum(v for a, v in spent.items() if a != "door_opener") == 0


# -- events --------------------------------------------------------------------------------------


def test_there_is_one_event_button_per_event(view):
    for event in EVENTS.values():
        assert view.find(v.Btn, children=[event.label.en])


def test_event_buttons_act_on_the_running_quarter(view, session):
    button(view, "Step").click()
    hours = session.model.hours_per_week
    button(view, "Funding cut").click()
    assert session.model.hours_per_week == pytest.approx(hours / 2)
    assert session.model.activity[-1].key == "event"
    assert "Event: Funding cut." in all_text(view)

    button(view, "Early exit").click()
    assert session.model.project_weeks == 1  # the workers leave at the end of this week
    button(view, "Step").click()
    assert not session.model.project_running
    assert sum(w.spent_week[a] for w in session.model.workers for a in w.spent_week) == 0
    assert "project ended after week 1" in text_of(view, "qs-status-a")


# -- compare mode --------------------------------------------------------------------------------


def test_compare_mode_runs_two_quarters_with_one_seed_and_two_strategies(view, session):
    button(view, "Step").click()
    field(view, v.Switch, "Compare two strategies").v_model = True
    a, b = session.models
    assert session.week == 0  # both restarted together
    assert session.strategies() == ["empowerment", "top_down"]
    assert np.array_equal(a.residents.helplessness, b.residents.helplessness)
    assert np.array_equal(a.home_xy, b.home_xy)
    assert {"map-a", "map-b"} <= set(figures_shown(view))

    button(view, "Step").click()
    assert a.steps == b.steps == 1
    assert sum(w.spent_week["case_work"] for w in b.workers) > 0
    assert sum(w.spent_week["case_work"] for w in a.workers) == 0

    choose(view, "Strategy (quarter B)", "none")
    assert all(w.role_mix == STRATEGIES["none"].mix for w in b.workers)
    assert a.workers[0].role_mix == STRATEGIES["empowerment"].mix

    button(view, "Rent increase").click()  # events strike both quarters
    assert a.activity[-1].key == b.activity[-1].key == "event"

    field(view, v.Switch, "Compare two strategies").v_model = False
    assert session.models == [a] and "map-b" not in figures_shown(view)


def test_compare_mode_overlays_both_quarters_in_the_plots(view, session):
    """Each measure gets a curve per quarter, A solid and B dashed, from its own model."""
    field(view, v.Switch, "Compare two strategies").v_model = True
    button(view, "Step").click()
    curves = figure(view, "plots").data
    for which, dash in ((0, "solid"), (1, "dash")):
        mine = [c for c in curves if c.meta["quarter"] == which]
        assert mine and all(c.line.dash == dash for c in mine)
        capital = next(c for c in mine if c.meta["measure"] == "social_capital")
        assert capital.y[-1] == pytest.approx(
            session.models[which].measures["social_capital"], abs=1e-4
        )


# -- language ------------------------------------------------------------------------------------


def test_language_switch_translates_the_whole_page(view, session):
    button(view, "Step").click()
    english = all_text(view)
    view.find(v.BtnToggle, class_="qs-language").widget.v_model = 1  # Deutsch
    german = all_text(view)
    for en, de in (
        ("Step", "Schritt"),
        ("Quarter map", "Quartierskarte"),
        ("Funding cut", "Mittelkürzung"),
        ("Resident inspector", "Bewohner im Blick"),
        ("Compare two strategies", "Zwei Strategien vergleichen"),
    ):
        assert en in english and de in german and en not in german
    assert text_of(view, "qs-week") == "Woche 1"
    assert "▸ " + GROUPS[PARAMETERS["n_workers"].group].de in german
    button(view, "Schritt").click()  # the translated controls still work
    assert session.week == 2
    view.find(v.BtnToggle, class_="qs-language").widget.v_model = 0
    assert "Step" in all_text(view)


def test_every_text_exists_in_both_languages():
    """The page's own wording is in both languages; the concepts' names come with their
    declarations (tests/test_registries.py checks those)."""
    for key, (en, de) in texts.UI.items():
        assert en and de, key
    for view, langs in texts.EXPLAIN.items():
        for lang in texts.LANGUAGES:
            assert set(langs[lang]) == set(texts.SECTIONS), (view, lang)


# -- inspector and feed --------------------------------------------------------------------------


def test_the_inspector_picks_residents_and_refuses_unknown_numbers(view, session):
    box = field(view, v.TextField, "Resident number")
    type_into(box, "999")
    last = SMALL_QUARTER["n_residents"] - 1
    assert error_of(box) == f"Resident number “999”: expected a whole number from 0 to {last}."
    button(view, "most helpless").click()
    wanted = int(np.argmax(session.model.residents.helplessness))
    assert field(view, v.TextField, "Resident number").v_model == str(wanted)
    bars = figure(view, "resident").data[0]
    assert np.allclose(bars.x, session.model.residents.activated[wanted], atol=1e-3)
    (ring,) = [s for s in figure(view, "map-a").layout.shapes if s.name == "selected"]
    centre = ((ring.x0 + ring.x1) / 2, (ring.y0 + ring.y1) / 2)
    assert centre == pytest.approx(tuple(figures.positions(session.model)[wanted]))


def test_the_feed_shows_the_latest_log_entries_in_the_chosen_language(view, session):
    button(view, "New residents").click()
    assert "Event: New residents." in all_text(view)
    view.find(v.BtnToggle, class_="qs-language").widget.v_model = 1
    assert "Ereignis: Neue Bewohner." in all_text(view)


def test_quick_step_clicks_each_advance_one_week(view, session):
    """Clicks on Step that follow each other faster than a week is drawn are not lost: ten
    clicks are ten weeks, and the page shows the last one (the real-browser version is in
    tests/test_app_server.py)."""
    step = button(view, "Step")
    for _ in range(10):
        step.click()
    assert session.week == 10
    assert text_of(view, "qs-week") == "Week 10"
