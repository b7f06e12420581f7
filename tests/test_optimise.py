"""`quartiersim optimise`: the search finds a known Pareto front on a toy objective, runs on the
real model in quick mode and resumes from its stored runs, and every point it prints can be
replayed from its URL with the model's own parameter checks."""

import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pandas as pd
import pytest

from quartiersim import PARAMETERS, ROLES
from quartiersim.cli import main
from quartiersim.cli.flags import _parameter_type
from quartiersim.errors import UsageError
from quartiersim.experiments.optimise import (
    Candidate,
    Evaluated,
    Objective,
    Search,
    Space,
    make_plan,
    mix_from_weights,
    search,
)
from quartiersim.experiments.runner import simulate
from quartiersim.parameters import validate
from quartiersim.roles import check_role_mix

TOY = (Objective("door_opening"), Objective("dialogue"))


def toy(candidates, generation):
    """Two objectives with a known front: the door opener's share and the dialogue manager's
    share, each times the hours (of at most 40). Every mix of those two roles alone at 40 hours
    is Pareto-optimal (the front f1 + f2 = 1); any other role or fewer hours is dominated."""
    out = []
    for c in candidates:
        mix = c.role_mix
        scale = c.hours / 40.0
        out.append(
            ((mix.get("door_opener", 0) * scale, mix.get("dialogue_manager", 0) * scale), ())
        )
    return out


@pytest.mark.parametrize(
    ("sampler", "population", "generations"), [("nsga2", 24, 20), ("tpe", 12, 10)]
)
def test_the_search_recovers_a_known_front_on_a_toy_objective(sampler, population, generations):
    """Every point found lies near the true front (the two roles at least 90% of the mix, at
    36 hours or more), and the front reaches both ends. The first generation — random
    candidates — is far from it: the check can fail."""
    space = Space(tuple(ROLES), (10.0, 40.0))
    result = search(
        space, TOY, toy, population=population, generations=generations, seed=3, sampler=sampler
    )
    front = np.array([e.scores for e in result.front()])
    assert len(result.evaluated) == population * generations
    assert front.sum(axis=1).min() >= 0.9
    assert min(e.candidate.hours for e in result.front()) >= 36
    assert front[:, 0].max() >= 0.75 and front[:, 1].max() >= 0.75
    start = np.array([e.scores for e in Search(TOY, result.evaluated[:population]).front()])
    assert start.sum(axis=1).min() < 0.9


def test_the_search_is_reproducible_from_its_seed():
    space = Space(tuple(ROLES), (10.0, 40.0))
    runs = [search(space, TOY, toy, population=8, generations=3, seed=5) for _ in range(2)]
    assert [e.candidate for e in runs[0].evaluated] == [e.candidate for e in runs[1].evaluated]


def test_the_front_keeps_exactly_the_candidates_nothing_beats():
    """(0.5, 0.5) and (0.9, 0.1) are not beaten; (0.4, 0.4) is beaten by (0.5, 0.5); a repeat
    of a point counts once; with the second objective minimised the order of merit turns."""
    a = Candidate((("door_opener", 1.0),), 39.0)
    b = Candidate((("dialogue_manager", 1.0),), 39.0)
    c = Candidate((("problem_sensor", 1.0),), 39.0)
    points = [Evaluated(a, 0, (0.5, 0.5)), Evaluated(b, 0, (0.9, 0.1)), Evaluated(c, 0, (0.4, 0.4))]
    points.append(Evaluated(a, 1, (0.5, 0.5)))
    assert [e.candidate for e in Search(TOY, points).front()] == [b, a]
    turned = (Objective("x"), Objective("y", minimise=True))
    assert [e.candidate for e in Search(turned, points).front()] == [b]


def test_weights_become_shares_that_the_model_runs_as_written():
    mix = mix_from_weights([0, 1, 0, 2, 0, 0], list(ROLES))
    assert mix == (("resource_diagnostician", 0.333), ("door_opener", 0.667))
    assert mix_from_weights([0] * 6, list(ROLES)) == tuple((r, 0.167) for r in ROLES)
    assert Candidate(mix, 20.0).mix_text() == "resource_diagnostician=0.333,door_opener=0.667"


def test_the_budget_caps_the_hours_and_bad_settings_are_refused():
    plan = make_plan(budget=50, sets={"n_workers": 2}, hours=(10, 39))
    assert plan.space.hours == (10.0, 25.0)
    for kwargs, message in [
        ({"budget": 10, "hours": (10, 39)}, "already need 20 hours"),
        ({"sets": {"strategy": "none"}}, "chooses the role mix"),
        ({"objectives": "social_capital"}, "at least two"),
        ({"objectives": "social_capital,magic"}, "unknown measure 'magic'"),
        ({"hours": (30, 10)}, "must not be above"),
        ({"hours": (10, 100)}, "hours_per_week=100"),
    ]:
        with pytest.raises(UsageError, match=message):
            make_plan(**kwargs)


QUICK = [
    "--quick",
    "--population",
    "4",
    "--generations",
    "2",
    "--steps",
    "12",
    "--set",
    "n_residents=60",
    "--set",
    "width=12",
    "--set",
    "height=12",
    "--set",
    "project_weeks=6",
    "--processes",
    "1",
    "--no-progress",
]


@pytest.mark.slow  # two small searches on the real model
def test_optimise_runs_on_the_real_model_in_quick_mode_and_resumes(tmp_path, capsys):
    out = tmp_path / "opt"
    assert main(["optimise", "--out", str(out), *QUICK]) == 0
    printed = capsys.readouterr().out
    front = pd.read_csv(out / "front.csv")
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 8 and 1 <= len(front) <= 8 and trials["on_front"].sum() >= len(front)
    assert (out / "front.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "replay: http://127.0.0.1:8765/?seed=" in printed
    for _, row in front.iterrows():
        assert f"{int(row['point'])}. social_capital {row['social_capital']:.3f}" in printed
        shares = sum(row[f"share_{r}"] for r in ROLES)
        assert shares == pytest.approx(1.0, abs=0.01)
    stored = len(list((out / "results" / "runs").glob("*.parquet")))
    assert stored <= 8 * 2
    # the same command again: the same front from the stored runs, nothing run again
    assert main(["optimise", "--out", str(out), *QUICK]) == 0
    assert "resuming" in capsys.readouterr().err
    assert len(list((out / "results" / "runs").glob("*.parquet"))) == stored
    pd.testing.assert_frame_equal(pd.read_csv(out / "front.csv"), front)


@pytest.mark.slow  # a small search on the real model
def test_every_printed_url_replays_its_point_with_the_models_own_checks(tmp_path, capsys):
    """Each URL's query names model parameters with values in the command line's syntax: they
    pass the model's validation, give the point's role mix and hours, and — run with the URL's
    seed — reproduce the stored run of that point on its first quarter exactly."""
    out = tmp_path / "opt"
    assert main(["optimise", "--out", str(out), *QUICK]) == 0
    urls = re.findall(r"replay: (\S+)", capsys.readouterr().out)
    front = pd.read_csv(out / "front.csv")
    stored = pd.read_parquet(out / "results")
    assert len(urls) == len(front) >= 1
    for url, (_, point) in zip(urls, front.iterrows(), strict=True):
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:8765", "/")
        query = dict(parse_qsl(parts.query))
        seed = int(query.pop("seed"))
        values = {name: _parameter_type(PARAMETERS[name])(text) for name, text in query.items()}
        full = validate(**values)
        assert full["strategy"] == "custom"
        assert full["hours_per_week"] == point["hours_per_week"]
        expected = check_role_mix({r: point[f"share_{r}"] for r in ROLES if point[f"share_{r}"]})
        assert full["role_mix"] == pytest.approx(expected, abs=1e-12)
        assert query["role_mix"] == point["role_mix"]
        assert {"n_residents": 60, "width": 12, "height": 12, "project_weeks": 6}.items() <= (
            {k: full[k] for k in ("n_residents", "width", "height", "project_weeks")}.items()
        )
    # replay the first point from its URL alone and compare with its stored run
    query = dict(parse_qsl(urlsplit(urls[0]).query))
    seed = int(query.pop("seed"))
    values = {name: _parameter_type(PARAMETERS[name])(text) for name, text in query.items()}
    replay = simulate(_spec(seed, values, steps=12)).set_index("step")
    run = stored[(stored["seed"] == seed) & (stored["role_mix"] == _column(values["role_mix"]))]
    run = run[run["hours_per_week"] == values["hours_per_week"]]
    assert len(run) == 1
    for measure in ("social_capital", "political_influence"):
        assert replay.loc[12, measure] == run[measure].item()


def _column(mix):
    from quartiersim.experiments.identity import column_value

    return column_value("role_mix", mix)


def _spec(seed, values, steps):
    from quartiersim.experiments.identity import RunSpec

    return RunSpec(
        run_id="replay",
        replication=0,
        seed=seed,
        params=values,
        columns={},
        steps=steps,
        record=(steps,),
        measures=("social_capital", "political_influence"),
    )


def test_the_command_answers_bad_input_with_a_message(tmp_path, capsys):
    assert main(["optimise", "--out", str(tmp_path / "x"), "--budget", "5", "--quick"]) == 2
    assert "--budget 5" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["optimise", "--out", str(tmp_path / "x"), "--hours", "ten"])
    assert e.value.code == 2
    assert "expected LOW:HIGH hours" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
