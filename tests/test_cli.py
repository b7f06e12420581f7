"""The command line: help everywhere, a flag for every parameter, single runs to files, the
quick strategy table, and the browser view's start."""

import sys
import types

import pandas as pd
import pytest
from conftest import SMALL_QUARTER

from quartiersim import MEASURES, PARAMETERS, QuartierModel
from quartiersim.cli import build_parser, main

COMMANDS = ["run", "strategies", "sweep", "compare", "report", "sensitivity", "app"]
# the shared size of quarter, as flags
SMALL_FLAGS = [a for name, v in SMALL_QUARTER.items() for a in (PARAMETERS[name].cli_flag, str(v))]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as info:
        main(([command] if command else []) + ["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: quartiersim")
    if command is None:
        for c in COMMANDS:
            assert c in text


def test_every_parameter_has_a_flag_from_its_declaration(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for p in PARAMETERS.values():
        assert p.cli_flag in text


@pytest.mark.parametrize("name", [n for n, p in PARAMETERS.items() if p.kind in (int, float)])
def test_numeric_flags_take_the_declared_range(name):
    p = PARAMETERS[name]
    parser = build_parser()
    args = parser.parse_args(["run", p.cli_flag, str(p.high)])
    assert getattr(args, f"param_{name}") == p.high
    with pytest.raises(SystemExit):
        parser.parse_args(["run", p.cli_flag, str(p.high + 1)])


def test_role_mix_and_events_flags_parse_into_the_model_values():
    args = build_parser().parse_args(
        [
            "run",
            "--strategy",
            "custom",
            "--role-mix",
            "door_opener=2,dialogue_manager=1",
            "--events",
            "104:rent_increase,12:funding_cut",
        ]
    )
    assert args.param_role_mix["door_opener"] == pytest.approx(2 / 3)
    assert args.param_role_mix["dialogue_manager"] == pytest.approx(1 / 3)
    assert args.param_events == ((12, "funding_cut"), (104, "rent_increase"))


def test_run_writes_the_models_data_to_parquet_and_csv(tmp_path, capsys):
    """The file holds exactly what the model records, for the given parameters and seed."""
    args = [
        "run",
        "--steps",
        "8",
        "--seed",
        "5",
        "--strategy",
        "custom",
        "--role-mix",
        "door_opener=2,dialogue_manager=1",
        "--events",
        "3:open_conflict",
        *SMALL_FLAGS,
    ]
    assert main([*args, "--out", str(tmp_path / "run.parquet")]) == 0
    assert main([*args, "--out", str(tmp_path / "run.csv")]) == 0
    parquet = pd.read_parquet(tmp_path / "run.parquet")
    csv = pd.read_csv(tmp_path / "run.csv")
    assert list(parquet["step"]) == list(range(9))
    assert set(MEASURES) <= set(parquet.columns)
    assert parquet["role_mix"].iloc[0] == "door_opener=0.6667,dialogue_manager=0.3333"
    assert parquet["events"].iloc[0] == "3:open_conflict"
    pd.testing.assert_frame_equal(parquet[list(MEASURES)], csv[list(MEASURES)], check_dtype=False)

    model = QuartierModel(
        rng=5,
        strategy="custom",
        role_mix={"door_opener": 2, "dialogue_manager": 1},
        events=("3:open_conflict",),
        **SMALL_QUARTER,
    )
    for _ in range(8):
        model.step()
    direct = model.datacollector.get_model_vars_dataframe()
    for m in MEASURES:
        assert parquet[m].tolist() == pytest.approx(direct[m].astype(float).tolist()), m


def test_run_without_seed_says_which_seed_it_used(tmp_path, capsys):
    assert main(["run", "--steps", "3", *SMALL_FLAGS, "--out", str(tmp_path / "a.parquet")]) == 0
    err = capsys.readouterr().err
    seed = int(err.split("pass --seed ")[1].split()[0])
    assert (
        main(
            [
                "run",
                "--steps",
                "3",
                *SMALL_FLAGS,
                "--seed",
                str(seed),
                "--out",
                str(tmp_path / "b.parquet"),
            ]
        )
        == 0
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    )


def test_run_without_out_prints_a_summary(capsys):
    assert main(["run", "--steps", "10", "--seed", "2", "--project-weeks", "4", *SMALL_FLAGS]) == 0
    out = capsys.readouterr().out
    assert "start (wk 0)" in out and "exit (wk 4)" in out and "end (wk 10)" in out
    assert any(line.startswith("social_capital") for line in out.splitlines())


def test_record_every_and_measures_select_rows_and_columns(tmp_path):
    out = tmp_path / "run.parquet"
    assert (
        main(
            [
                "run",
                "--steps",
                "10",
                "--seed",
                "1",
                "--record-every",
                "4",
                "--project-weeks",
                "5",
                "--measures",
                "helplessness",
                *SMALL_FLAGS,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    frame = pd.read_parquet(out)
    assert list(frame["step"]) == [0, 4, 5, 8, 10]
    assert "helplessness" in frame and "social_capital" not in frame


def test_a_run_from_python_writes_the_same_file_as_the_run_command(tmp_path, capsys):
    """`quartiersim run` is a thin layer over `run_single`: same rows, same summary."""
    from quartiersim.experiments import run_single

    params = {**SMALL_QUARTER, "project_weeks": 4}
    run = run_single({**params, "strategy": "top_down"}, steps=6, seed=3, record_every=2)
    run.write(tmp_path / "python.parquet")
    flags = [*SMALL_FLAGS, "--project-weeks", "4", "--strategy", "top_down"]
    args = ["run", "--steps", "6", "--seed", "3", "--record-every", "2", *flags]
    assert main([*args, "--out", str(tmp_path / "cli.parquet")]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "python.parquet"), pd.read_parquet(tmp_path / "cli.parquet")
    )
    capsys.readouterr()
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == run.summary()


def test_a_run_from_python_refuses_bad_input_before_running(tmp_path):
    """Bad parameters and a file name that is no result file are UsageErrors naming them."""
    from quartiersim.errors import UsageError
    from quartiersim.experiments import run_single

    with pytest.raises(UsageError, match="segregation=2"):
        run_single({"segregation": 2})
    run = run_single(SMALL_QUARTER, steps=1, seed=1)
    with pytest.raises(UsageError, match=r"\.parquet or \.csv"):
        run.write(tmp_path / "run.txt")
    assert not (tmp_path / "run.txt").exists()


def test_strategies_prints_one_row_per_strategy(capsys):
    """The quick look of issue 4: each strategy on the same quarters, social capital and
    political influence at the project's end and after the exit."""
    code = main(
        [
            "strategies",
            "--quarters",
            "2",
            "--steps",
            "12",
            "--project-weeks",
            "6",
            "--processes",
            "1",
            *SMALL_FLAGS,
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("strategy "))
    rows = {line.split()[0]: line.split()[1:] for line in lines[header + 1 :]}
    assert set(rows) == {"none", "top_down", "networking", "political", "empowerment"}
    assert "social_capital" in out and "political_influence" in out
    assert "end wk 6" in out and "after wk 12" in out
    assert "after = the run's end" in out  # 6 weeks after the exit, not two years
    assert all(len(cells) == 8 for cells in rows.values())  # 4 cells: mean (sd) each


def test_app_starts_the_view_on_localhost(monkeypatch):
    """`quartiersim app` hands host and port to the view's server."""
    calls = []
    fake = types.ModuleType("quartiersim.app.server")
    fake.serve = lambda **kw: calls.append(kw)
    monkeypatch.setitem(sys.modules, "quartiersim.app.server", fake)
    assert main(["app"]) == 0
    assert main(["app", "--port", "9001"]) == 0
    assert calls == [{"host": "127.0.0.1", "port": 8765}, {"host": "127.0.0.1", "port": 9001}]


def test_preset_seminar_starts_from_the_seminar_quarter_and_flags_still_win():
    """`--preset seminar` gives the teaching quarter; a flag given beside it overrides it."""
    from quartiersim.cli.flags import given_parameters
    from quartiersim.parameters import SEMINAR

    parser = build_parser()
    args = parser.parse_args(["run", "--preset", "seminar"])
    assert given_parameters(args) == SEMINAR.values
    args = parser.parse_args(["run", "--preset", "seminar", "--n-residents", "200"])
    assert given_parameters(args)["n_residents"] == 200
    assert given_parameters(parser.parse_args(["run"])) == {}
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "--preset", "lecture"])
