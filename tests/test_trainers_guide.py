"""The trainers' guide matches the screen: every scene of docs/trainers.md is replayed from the
seed and settings its link names, and every statement the guide tells the trainer to point at
is checked against what the model does.

The checks are about mechanisms and directions (a group forms, helplessness in B stays above
A's, ties lose strength), never about exact numbers: when the model's mechanisms change, a
failing check here says which sentence of the guide has gone stale. The guide's English and
German tables must name the same scenes. The real browser walks through the scenes in both
languages in ``test_browser_app.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from quartiersim.app import scenario
from quartiersim.app.session import Session
from quartiersim.problems import KIND_INDEX

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "trainers.md"
LINK = re.compile(r"\[(?:scene|Szene) (\d+)\]\((http://127\.0\.0\.1:8765/\?[^)\s]+)\)")


def scene_links() -> dict[str, dict[int, str]]:
    """The scene links of the guide, by language section and scene number."""
    text = GUIDE.read_text(encoding="utf-8")
    english, german = text.split("## Deutsch", 1)
    return {
        lang: {int(k): url for k, url in LINK.findall(part)}
        for lang, part in (("en", english), ("de", german))
    }


def settings(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def replay(number: int) -> Session:
    """The scene's run, as the page builds it from the link."""
    wanted, problems = scenario.from_query(urlsplit(scene_links()["en"][number]).query)
    assert problems == [], problems
    session, problems = scenario.restore(wanted)
    assert problems == [], problems
    assert session.week == wanted.week
    return session


def log_keys(model, since: int = 0) -> list[str]:
    return [e.key for e in model.activity if e.week >= since]


def data(model):
    return model.datacollector.get_model_vars_dataframe()


def test_both_languages_name_the_same_scenes_with_seed_and_settings():
    """Every scene has a link in both tables, the same but for the language, and each names
    its seed and strategy, so the room sees what the trainer prepared."""
    links = scene_links()
    assert sorted(links["en"]) == sorted(links["de"]) == list(range(1, 8))
    for k, url in links["en"].items():
        german = settings(links["de"][k])
        assert german.pop("lang") == "de"
        assert settings(url) == german, k
        assert {"seed", "strategy", "week"} <= set(settings(url)), k


def test_scene_1_residents_with_resources_some_withdrawn_problems_latent():
    """Residents have resources, many are highly helpless, some have withdrawn; problems are
    latent: nobody has made them public yet."""
    model = replay(1).model
    r = model.residents
    assert (r.resources - r.activated).mean() > 0.1  # buried resources
    assert (r.helplessness > 0.5).mean() > 0.1
    assert r.withdrawn.any()
    assert (model.problems.status == 0).any()  # latent


def test_scene_2_without_intervention_resignation_sustains_itself():
    """A few residents make a problem public and a small group may form, but participation
    stays at a few percent, no claim is granted, and helplessness stays where it was."""
    model = replay(2).model
    d = data(model)
    assert "problem_noticed" in log_keys(model)
    assert d.participation.max() < 0.1
    assert d.claims_granted.iloc[-1] == 0
    assert abs(d.helplessness.iloc[-1] - d.helplessness.iloc[0]) < 0.05
    assert (model.residents.resources - model.residents.activated).mean() > 0.1


def test_scene_3_top_down_relieves_empowerment_activates():
    """B solves problems for the residents at least as fast as A, yet B's helplessness does not
    fall and hardly a group forms; in A groups are founded, participation and influence rise,
    helplessness falls, and the network gains bridging ties."""
    a, b = replay(3).models
    da, db = data(a), data(b)
    assert "solved_for_residents" in log_keys(b)
    assert db.problems_solved.iloc[-1] >= da.problems_solved.iloc[-1]
    assert db.helplessness.iloc[-1] >= db.helplessness.iloc[0] - 0.01
    founded = ("group_founded", "worker_founded_group")
    assert sum(log_keys(a).count(k) for k in founded) > sum(log_keys(b).count(k) for k in founded)
    assert da.participation.iloc[-1] > db.participation.iloc[-1]
    assert da.political_influence.iloc[-1] > da.political_influence.iloc[0]
    assert da.helplessness.iloc[-1] < da.helplessness.iloc[0]
    assert da.bridging_ties.iloc[-1] > db.bridging_ties.iloc[-1]


def young_old_tie_weight(model) -> float:
    r, ties = model.residents, model.ties
    ages = {0, 2}
    a, b = r.age[np.asarray(ties.i)], r.age[np.asarray(ties.j)]
    across = np.array([{x, y} == ages for x, y in zip(a, b, strict=True)], dtype=bool)
    return float(np.asarray(ties.weight)[across].sum())


def test_scene_4_open_conflict_damages_ties_and_is_mediated_in_a():
    """Ties between young and old near the place lose strength at once, in both quarters; in A
    the conflict mediator turns the clash into a compromise, in B nobody mediates."""
    links = scene_links()["en"]
    wanted, _ = scenario.from_query(urlsplit(links[4]).query)
    (conflict,) = [x for x in wanted.actions if x.value == "open_conflict"]
    before = scenario.Scenario(**{**vars(wanted), "actions": [], "week": conflict.week})
    session, _ = scenario.restore(before)
    weights = [young_old_tie_weight(m) for m in session.models]
    session.apply(conflict)
    assert all(young_old_tie_weight(m) < w for m, w in zip(session.models, weights, strict=True))
    session.step(wanted.week - session.week)
    a, b = session.models
    assert "conflict_mediated" in log_keys(a, conflict.week)
    assert "conflict_mediated" not in log_keys(b, conflict.week)


def test_scene_5_rent_increase_displaces_households_and_claims_follow():
    """Households are displaced and newcomers arrive; rent pressure is a visible problem; in A
    claims are granted, refused or escalated after it."""
    session = replay(5)
    wanted, _ = scenario.from_query(urlsplit(scene_links()["en"][5]).query)
    (rent,) = [x for x in wanted.actions if x.value == "rent_increase"]
    a = session.model
    moved = [e for e in a.activity if e.key == "households_moved" and e.week == rent.week]
    assert moved and moved[0].data["count"] > 0
    visible = (a.problems.kind == KIND_INDEX["rent_pressure"]) & (a.problems.status >= 1)
    assert visible.any()
    after = log_keys(a, rent.week)
    assert {"claim_granted", "claim_refused", "claim_escalated"} & set(after)


def test_scene_6_after_the_exit_influence_falls_what_was_learned_stays():
    """After the exit A's political influence and participation fall, but A's helplessness stays
    below B's and A keeps more activated resources."""
    session = replay(6)
    a, b = session.models
    da, db = data(a), data(b)
    exit_week = a.project_weeks
    assert not a.project_running and "project_exit" in log_keys(a)
    assert da.political_influence.iloc[-1] < da.political_influence.iloc[exit_week]
    assert da.participation.iloc[-1] < da.participation.iloc[exit_week]
    assert da.helplessness.iloc[-1] < db.helplessness.iloc[-1]
    assert da.activated_resources.iloc[-1] > db.activated_resources.iloc[-1]


def test_scene_7_political_roles_alone_achieve_less_without_groups():
    """Door opener and dialogue manager alone: fewer groups, less participation and influence
    than the full empowerment mix."""
    a, b = replay(7).models
    assert b.strategy == "custom"
    for measure in ("active_groups", "participation", "political_influence"):
        assert b.measures[measure] < a.measures[measure], measure


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_guide_quotes_the_feed_as_the_page_writes_it(lang):
    """The feed sentences the guide quotes are the ones the page writes, in each language."""
    from quartiersim.activity import MESSAGES

    text = GUIDE.read_text(encoding="utf-8")
    part = text.split("## Deutsch", 1)[0 if lang == "en" else 1]
    quoted = {
        "en": ["mediated into a compromise", "moved away", "Experts solved"],
        "de": ["zu einem Kompromiss vermittelt", "zogen weg", "Fachleute lösten"],
    }[lang]
    sentences = " ".join(getattr(MESSAGES[k], lang) for k in MESSAGES)
    for quote in quoted:
        assert quote in part, quote
        assert quote in sentences.replace("{count:Haushalt zog|Haushalte zogen}", "zogen"), quote
