"""A concept added in one place reaches everything (docs/architecture.md, issue "one registry per
concept").

The fixture declares, at test time and in one place each, a seventh role (a media coach, as in
exercise 5 of docs/students.md), a new measure (isolation, exercise 6), a new strategy that uses
the new role, and a new event (a plant closure, exercise 4) — and withdraws them afterwards.
Nothing else is edited. The tests then check that the model, the browser view's pictures and
texts, the command line, experiment files and reports, the validation settings and the docs
generator all know them, in English and German.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_QUARTER

from quartiersim import ACTIVITIES, EVENTS, MEASURES, ROLES, STRATEGIES, QuartierModel
from quartiersim.activity import describe
from quartiersim.app import feed, figures, page
from quartiersim.app.session import Session
from quartiersim.cli import main
from quartiersim.events import event
from quartiersim.measures import Snapshot, measure
from quartiersim.outcomes import INSTITUTION, Outcome
from quartiersim.parameters import PARAMETERS, markdown_table
from quartiersim.residents import ADULT, SPEAKING
from quartiersim.roles import Budget, Quarter, Worker, activity
from quartiersim.strategies import Strategy

ROOT = Path(__file__).resolve().parent.parent
MEDIA_HOURS = 4.0
PINK = "#f781bf"


def media_coach(m: Quarter, w: Worker, budget: Budget) -> None:
    """Public relations (Öffentlichkeitsarbeit): groups learn to present their cause."""
    for g in m.groups.active:
        if g.problem < 0 or not budget.take(MEDIA_HOURS):
            continue
        g.attention = min(1.0, g.attention + 0.3)
        members = m.groups.members(g)
        coached = m.rng.choice(members, size=min(2, len(members)), replace=False)
        m.mark_used(coached, SPEAKING)
        m.log("media_coached", group=g.id, worker=w.name)


def isolated_share(s: Snapshot) -> float:
    """Share of residents without any tie (Vereinzelung)."""
    return float((s.ties.degree() == 0).mean())


def plant_closure(m) -> None:
    """A plant closes: 10% of the adult residents lose their jobs (uncontrollable failure)."""
    r = m.residents
    adults = np.flatnonzero(r.age == ADULT)
    laid_off = m.rng.choice(adults, size=max(1, int(0.1 * r.n)), replace=False)
    m.record(Outcome(success=False, decisive=True, source=INSTITUTION, effort=laid_off))


@pytest.fixture
def extended() -> Iterator[None]:
    """A seventh role, a new measure, a new strategy and a new event — each declared in one
    place, exactly as a student would in roles.py, measures.py, strategies.py and events.py —
    and withdrawn again after the test."""
    activity(
        role=True,
        german="Medienberater",
        label=("media coach", "Medienberater"),
        explanation=(
            "Coaches groups in presenting their cause to the press.",
            "Berät Gruppen darin, ihr Anliegen in der Presse darzustellen.",
        ),
        longest_task=MEDIA_HOURS,
        colour=PINK,
        messages={
            "media_coached": (
                "{worker} coached group {group} for the press.",
                "{worker} bereitete Gruppe {group} auf die Presse vor.",
            ),
        },
    )(media_coach)
    measure(label=("isolated", "vereinzelt"), unit="share", high=1)(isolated_share)
    STRATEGIES.add(
        Strategy(
            "media_work",
            {"media_coach": 1.0, "organisation_helper": 1.0},
            ("Media work", "Medienarbeit"),
            ("Organising groups and coaching them for the press.", "Gruppen und Presse."),
            colour="#17becf",
        )
    )
    event(
        label=("Plant closure", "Werksschließung"),
        effect=("10% of adults lose their jobs.", "10% der Erwachsenen verlieren ihre Arbeit."),
    )(plant_closure)
    try:
        yield
    finally:
        ACTIVITIES.remove("media_coach")
        MEASURES.remove("isolated_share")
        STRATEGIES.remove("media_work")
        EVENTS.remove("plant_closure")


def run(weeks: int = 30, **params) -> QuartierModel:
    # Enough problems that some become visible and groups with a cause form within the weeks.
    quarter = {**SMALL_QUARTER, "n_problems": 20, "strategy": "media_work"}
    m = QuartierModel(rng=3, **{**quarter, **params})
    for _ in range(weeks):
        m.step()
    return m


# -- the model ---------------------------------------------------------------------------------


def test_the_new_role_and_strategy_run_in_the_model(extended) -> None:
    """The seventh role is a role, runs under the new strategy and under a custom mix, and
    writes its sentences into the log; the presets do not change (their mixes are written
    out)."""
    assert "media_coach" in ROLES and len(ROLES) == 7
    m = run()
    spent = sum(e.key == "media_coached" for e in m.activity)
    assert spent > 0
    custom = run(strategy="custom", role_mix={"media_coach": 1.0, "organisation_helper": 1.0})
    assert [e for e in custom.activity if e.key != "event"] == [
        e for e in m.activity if e.key != "event"
    ], "custom with the preset's mix must behave exactly like the preset"
    empowerment = STRATEGIES["empowerment"].mix
    assert empowerment["media_coach"] == 0.0
    assert sorted(a for a, s in empowerment.items() if s > 0) == sorted(
        set(ROLES) - {"media_coach"}
    )


def test_the_new_measure_is_collected_and_the_new_event_fires(extended) -> None:
    """The data collector records the new measure every week; the new event can be scheduled
    and triggered, and is logged by its label."""
    m = run(weeks=6, events=("3:plant_closure",))
    data = m.datacollector.get_model_vars_dataframe()
    assert list(data.columns) == list(MEASURES) and data.columns[-1] == "isolated_share"
    expected = float((m.ties.degree() == 0).mean())
    assert data["isolated_share"].iloc[-1] == pytest.approx(expected)
    fired = [e for e in m.activity if e.key == "event"]
    assert [(e.week, e.data["event"]) for e in fired] == [(3, "plant_closure")]
    assert describe(fired[0], "en") == "Event: Plant closure."
    assert describe(fired[0], "de") == "Ereignis: Werksschließung."


# -- the browser view -------------------------------------------------------------------------


@pytest.fixture
def session(extended) -> Session:
    s = Session(seed=3, **SMALL_QUARTER, n_problems=20, strategy="media_work")
    s.step(30)
    # The media coach works only for groups with a cause; go on to a week in which it did, so
    # the status line has its hours to count whatever the random stream brought before.
    for _ in range(104):
        if any(e.key == "media_coached" and e.week == s.model.steps for e in s.model.activity):
            break
        s.step(1)
    else:
        pytest.fail("the media coach found no group with a cause in two years")
    return s


@pytest.mark.parametrize(("lang", "text"), [("en", "worker: media coach"), ("de", "Medienberater")])
def test_the_map_draws_the_new_role_and_names_it_in_the_legend(session, lang, text) -> None:
    """Workers are drawn in the declared colour; the legend names the role in both languages."""
    fig = figures.map_figure(session.model, lang=lang)
    figures.update_map(fig, session.model, lang=lang)
    legend = figures.map_legend(session.model, "helplessness", lang)
    assert any(colour == PINK and text in entry for colour, entry in legend), legend
    hovers = [note.hovertext for note in fig.layout.annotations if note.name == "worker"]
    assert any(text.split(": ")[-1] in hover for hover in hovers)


def test_the_status_line_and_feed_speak_of_the_new_role(session) -> None:
    """The status line counts the new role's hours; the feed tells what it did."""
    en, de = (" ".join(page.status_lines(session, lang)[0]) for lang in ("en", "de"))
    assert en.startswith("Media work — project running") and "media coach" in en
    assert de.startswith("Medienarbeit — Projekt läuft") and "Medienberater" in de
    # a role's log sentences are routine: one line each, or summed up by the role's name
    lines = [line.text for line in feed.feed_lines(session.model, "en")]
    assert any(
        ("coached group" in text and "for the press" in text) or "media coach" in text
        for text in lines
    )
    raw = [describe(e, "de") for e in session.model.activity if e.key == "media_coached"]
    assert any("auf die Presse vor" in text for text in raw)


def test_the_controls_and_plots_offer_the_new_strategy_measure_and_role(session) -> None:
    """The strategy selector, the plot's measure list, the custom-mix sliders and the explain
    panel are generated from the declarations; the plot titles the new measure and puts it on
    the 0–1 scale of a share."""
    assert {"text": "Medienarbeit", "value": "media_work"} in page.strategy_items("de")
    assert page.describe_strategy("media_work", "en").startswith("Organising groups")
    assert "isolated_share" in page.extra_choices()
    assert "media_coach" in session.custom_mix
    assert "Berät Gruppen" in page.activities_text("de")
    shares, _ = figures.plotted(["isolated_share"])
    assert "isolated_share" in shares  # a share: on the plot's 0..1 panel
    fig = figures.plots_figure(["isolated_share"], lang="de")
    figures.update_plots(fig, session, lang="de")
    (curve,) = [c for c in fig.data if c.meta["measure"] == "isolated_share"]
    assert curve.name == "vereinzelt" and curve.yaxis == "y"
    assert "vereinzelt" in [text for _, text in figures.plots_legend(["isolated_share"], "de")]


# -- the command line, experiment files, reports, validation --------------------------------


def test_the_command_line_takes_the_new_role_strategy_measure_and_event(
    extended, tmp_path, capsys
) -> None:
    """``--role-mix media_coach=...``, ``--strategy media_work``, ``--measures isolated_share``
    and ``--events 2:plant_closure`` work, and the help lists them."""
    common = ["--steps", "4", "--seed", "1", "--n-residents", "120", "--width", "20"]
    common += ["--height", "20", "--events", "2:plant_closure"]
    out = tmp_path / "custom.csv"
    mix = ["--strategy", "custom", "--role-mix", "media_coach=1,organisation_helper=1"]
    assert main(["run", *common, *mix, "--measures", "isolated_share", "--out", str(out)]) == 0
    assert "isolated_share" in pd.read_csv(out).columns
    assert main(["run", *common, "--strategy", "media_work", "--out", str(out)]) == 0
    assert {"isolated_share", "participation"} <= set(pd.read_csv(out).columns)
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "media_work" in help_text and "media_coach" in help_text


def test_experiment_files_and_reports_know_the_new_measure_and_strategy(extended, tmp_path):
    """An experiment file may sweep the new strategy and record the new measure; the report
    states the measure's meaning from its declaration."""
    from quartiersim.experiments import load_experiment, make_report, run_sweep
    from quartiersim.experiments.executors import LocalExecutor

    toml = tmp_path / "media.toml"
    toml.write_text(
        '[experiment]\nname = "media"\nseed = 5\nsteps = 6\nreplications = 2\n'
        'measures = ["isolated_share", "participation"]\n'
        "[parameters]\nn_residents = 120\nwidth = 20\nheight = 20\n"
        '[sweep]\nstrategy = ["none", "media_work"]\n'
        '[[events]]\nweek = 3\nevent = "plant_closure"\n',
        encoding="utf-8",
    )
    experiment = load_experiment(toml)
    results = tmp_path / "results"
    outcome = run_sweep(experiment, results, LocalExecutor(processes=1), progress=False)
    assert not outcome.failed
    report = make_report(results, tmp_path / "report", outcomes=["isolated_share"], n_boot=200)
    assert MEASURES["isolated_share"].meaning in report.read_text(encoding="utf-8")


def test_validation_settings_and_figures_follow_the_strategies(extended) -> None:
    """The validation report compares every preset strategy unless told otherwise, each in its
    declared colour."""
    from quartiersim.validation import config
    from quartiersim.validation.figures import strategy_colour

    assert "media_work" in config.presets()
    assert strategy_colour("media_work") == "#17becf"
    cfg = config.from_dict({"validation": {"seed": 1}})
    assert cfg.strategies == config.presets()


# -- the docs --------------------------------------------------------------------------------


def docs_generator():
    path = ROOT / "tools" / "gen-parameter-docs"
    loader = importlib.machinery.SourceFileLoader("gen_parameter_docs", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_docs_generator_writes_the_new_concepts_into_the_tables(extended) -> None:
    """The docs tables (odd.md, researchers.md, README) and the parameter docs list the new
    role, strategy, event and measure."""
    gen = docs_generator()
    role = "| `media_coach` | Medienberater | yes | `test_extending.media_coach` | 4 h |"
    assert role in gen.activity_table()
    strategy = (
        "| `media_work` | Media work / Medienarbeit | media coach 50%, organisation helper 50%"
    )
    assert strategy in gen.strategy_table()
    assert "| `plant_closure` | Plant closure / Werksschließung |" in gen.event_table()
    measure = "| `isolated_share` | Share of residents without any tie (Vereinzelung). | share"
    assert measure in gen.measure_table()
    assert "| `isolated_share` |" in gen.short_measure_table()
    parameters = markdown_table()
    assert "'media_work'" in parameters and "media_coach" in parameters
    assert "media_coach" in PARAMETERS["role_mix"].allowed()
    pages = gen.pages()
    assert "media_coach" in pages[ROOT / "docs" / "odd.md"]
    assert "isolated_share" in pages[ROOT / "docs" / "researchers.md"]


def test_withdrawing_the_declarations_leaves_the_registries_as_they_were() -> None:
    """Outside the fixture the package is the one in the repository (the fixture cleans up)."""
    assert "media_coach" not in ACTIVITIES and len(ROLES) == 6
    assert "isolated_share" not in MEASURES
    assert "media_work" not in STRATEGIES and "plant_closure" not in EVENTS
