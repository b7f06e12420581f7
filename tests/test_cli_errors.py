"""Bad input to the command line: a clear message naming what is wrong, exit code 2, no
traceback, and no run started."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quartiersim.cli import main

GOOD = """\
[experiment]
name = "small"
steps = 5
replications = 2
seed = 42

[parameters]
n_residents = 60
width = 20
height = 20

[sweep]
strategy = ["none", "empowerment"]
"""


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# (id, file text, extra arguments, fragments the message must contain)
FILE_CASES = [
    ("malformed-toml", edit("steps = 5", "steps = = 5"), [], ["malformed TOML", "line 3"]),
    (
        "unknown-section",
        GOOD + "\n[sweeep]\nsegregation = [0.1]\n",
        [],
        ["unknown section [sweeep]", "did you mean 'sweep'", "line 15"],
    ),
    (
        "unknown-experiment-key",
        edit("replications = 2", "replicatons = 2"),
        [],
        ["line 4", "[experiment] replicatons", "did you mean 'replications'", "allowed keys"],
    ),
    ("missing-seed", edit("seed = 42\n", ""), [], ["[experiment]", "missing required key 'seed'"]),
    (
        "steps-wrong-type",
        edit("steps = 5", 'steps = "5"'),
        [],
        ["line 3", "[experiment] steps", "expected an integer >= 1", "a text"],
    ),
    (
        "replications-zero",
        edit("replications = 2", "replications = 0"),
        [],
        ["[experiment] replications", "expected an integer >= 1, got 0"],
    ),
    (
        "unknown-parameter",
        edit("n_residents = 60", "n_residnts = 60"),
        [],
        ["line 8", "[parameters] n_residnts", "unknown parameter", "did you mean 'n_residents'"],
    ),
    (
        "bad-value",
        edit("width = 20", "width = 20\nsegregation = 1.5"),
        [],
        ["line 10", "[parameters] segregation", "segregation=1.5 is not allowed", "[0, 1]"],
    ),
    (
        "bool-for-number",
        edit("width = 20", "width = true"),
        [],
        ["[parameters] width", "width=True is not allowed", "an integer in [10, 400]"],
    ),
    (
        "list-in-parameters",
        edit("height = 20", 'height = 20\nstrategy = ["none"]'),
        [],
        ["[parameters] strategy", "list them under [sweep]"],
    ),
    (
        "seed-as-parameter",
        edit("height = 20", "height = 20\nrng = 3"),
        [],
        ["[parameters] rng", "set [experiment] seed"],
    ),
    (
        "bad-sweep-value",
        edit('["none", "empowerment"]', '["none", "nonee"]'),
        [],
        ["line 13", "[sweep] strategy[1]", "strategy='nonee' is not allowed", "'top_down'"],
    ),
    (
        "sweep-not-a-list",
        edit('["none", "empowerment"]', '"none"'),
        [],
        ["[sweep] strategy", "expected a non-empty list"],
    ),
    (
        "sweep-repeats",
        edit('["none", "empowerment"]', '["none", "none"]'),
        [],
        ["[sweep] strategy", "same value twice"],
    ),
    (
        "fixed-and-swept",
        edit("height = 20", 'height = 20\nstrategy = "none"'),
        [],
        ["[sweep] strategy", "both fixed in [parameters] and swept"],
    ),
    (
        "unknown-event",
        GOOD + '\n[[events]]\nweek = 3\nevent = "flood"\n',
        [],
        ["[events]", "entry 1", "unknown event 'flood'", "rent_increase"],
    ),
    (
        "event-week-text",
        GOOD + '\n[[events]]\nweek = "three"\nevent = "funding_cut"\n',
        [],
        ["[events]", "entry 1", "has no valid week: expected a whole number of weeks"],
    ),
    (
        "event-extra-key",
        GOOD + '\n[[events]]\nweek = 3\nevent = "funding_cut"\nwhen = 4\n',
        [],
        ["[events]", "unknown key 'when'"],
    ),
    (
        "unknown-activity",
        edit('strategy = ["none", "empowerment"]', 'strategy = ["custom"]')
        + "\n[variants.x]\nrole_mix = {door_openr = 1}\n",
        [],
        ["[variants.x] role_mix", "unknown activity 'door_openr'"],
    ),
    (
        "custom-without-mix",
        edit('["none", "empowerment"]', '["custom"]'),
        [],
        ["strategy='custom'", "needs role_mix"],
    ),
    (
        "residents-do-not-fit",
        edit("n_residents = 60", "n_residents = 5000"),
        [],
        ["n_residents=5000", "houses at most 1600"],
    ),
    (
        "unknown-measure",
        edit("seed = 42", 'seed = 42\nmeasures = ["social_capitol"]'),
        [],
        [
            "[experiment] measures",
            "unknown measure 'social_capitol'",
            "did you mean 'social_capital'",
        ],
    ),
    (
        "unknown-baseline",
        GOOD + '\n[report]\nbaselines = ["nobody"]\n',
        [],
        ["[report] baselines", "unknown strategy 'nobody'", "allowed: none, empowerment"],
    ),
    (
        "group-by-not-varied",
        GOOD + '\n[report]\ngroup_by = "segregation"\n',
        [],
        ["[report] group_by", "not varied", "'strategy'"],
    ),
    (
        "sensitivity-file-to-sweep",
        GOOD.replace("[sweep]", "[sensitivity]"),
        [],
        ["sensitivity-analysis file", "quartiersim sensitivity"],
    ),
    (
        "unknown-set",
        GOOD,
        ["--set", "n_residnts=70"],
        ["--set n_residnts", "unknown parameter", "did you mean 'n_residents'"],
    ),
    (
        "bad-set-value",
        GOOD,
        ["--set", "segregation=2"],
        ["--set segregation", "segregation=2 is not allowed"],
    ),
    ("bad-processes", GOOD, ["--processes", "0"], ["--processes", "expected an integer >= 1"]),
    (
        "processes-and-scheduler",
        GOOD,
        ["--processes", "2", "--scheduler", "tcp://127.0.0.1:1"],
        ["not allowed with argument"],
    ),
    (
        "bad-scheduler-address",
        GOOD,
        ["--scheduler", "http://nowhere"],
        ["--scheduler 'http://nowhere'", "tcp://HOST:PORT"],
    ),
]


def run_cli(capsys, args):
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def run_cli_exit(capsys, args):
    """main() returns a code; argparse errors leave through SystemExit."""
    try:
        return run_cli(capsys, args)
    except SystemExit as e:
        return e.code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "extra", "fragments"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_bad_experiment_file_is_refused_before_any_run(tmp_path, capsys, text, extra, fragments):
    path = tmp_path / "exp.toml"
    path.write_text(text)
    out = tmp_path / "out"
    code, err = run_cli_exit(capsys, ["sweep", path, "--out", out, *extra])
    assert code == 2
    for fragment in fragments:
        assert fragment in err
    if not any(a.startswith("--") and a in ("--processes", "--scheduler") for a in extra):
        assert "exp.toml" in err or "--set" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_experiment_file(tmp_path, capsys):
    code, err = run_cli(capsys, ["sweep", tmp_path / "nope.toml", "--out", tmp_path / "out"])
    assert code == 2 and "nope.toml: no such experiment file" in err
    assert not (tmp_path / "out").exists()


def test_unreachable_scheduler_is_reported_without_starting_runs(tmp_path, capsys, free_port):
    path = tmp_path / "exp.toml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    code, err = run_cli(
        capsys,
        [
            "sweep",
            path,
            "--out",
            out,
            "--scheduler",
            f"tcp://127.0.0.1:{free_port}",
            "--scheduler-timeout",
            "2",
        ],
    )
    assert code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{free_port}" in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("module", "args", "fragment"),
    [
        (
            "distributed",
            ["--scheduler", "tcp://127.0.0.1:8786"],
            "pip install 'quartiersim[cluster]'",
        ),
        ("SALib", None, "pip install 'quartiersim[sensitivity]'"),
    ],
)
def test_missing_optional_extra_is_named(tmp_path, capsys, monkeypatch, module, args, fragment):
    """Without Dask (or SALib) installed, the command says which extra to install."""
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    out = tmp_path / "out"
    if args is None:
        path = tmp_path / "sens.toml"
        path.write_text(SENSITIVITY)
        code, err = run_cli(capsys, ["sensitivity", path, "--out", out])
    else:
        path = tmp_path / "exp.toml"
        path.write_text(GOOD)
        code, err = run_cli(capsys, ["sweep", path, "--out", out, *args])
    assert code == 2 and fragment in err and "Traceback" not in err
    assert not out.exists()


def test_report_refuses_a_sensitivity_folder(tmp_path, capsys):
    path = tmp_path / "sens.toml"
    path.write_text(SENSITIVITY)
    out = tmp_path / "out"
    assert (
        run_cli(capsys, ["sensitivity", path, "--out", out, "--processes", "1", "--no-progress"])[0]
        == 0
    )
    code, err = run_cli(capsys, ["report", out / "results", "--out", tmp_path / "report"])
    assert code == 2 and "holds the runs of a sensitivity analysis" in err


def test_folder_of_another_experiment_is_refused(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    assert run_cli(capsys, ["sweep", path, "--out", out, "--processes", "1"])[0] == 0
    before = sorted(p.name for p in (out / "runs").iterdir())
    path.write_text(edit("width = 20", "width = 21"))
    code, err = run_cli(capsys, ["sweep", path, "--out", out, "--processes", "1"])
    assert code == 2
    assert "holds results of a different experiment ('small'" in err
    assert "parameters" in err and "choose a new folder" in err
    assert sorted(p.name for p in (out / "runs").iterdir()) == before


def test_folder_with_other_files_is_refused(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, err = run_cli(capsys, ["sweep", path, "--out", out])
    assert code == 2 and "not empty and holds no QuartierSim results" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


REPORT_CASES = [
    ("not-results", lambda d: d.parent, [], ["not a QuartierSim results folder"]),
    ("missing", lambda d: d / "nothing", [], ["no such results folder"]),
    ("bad-group-by", lambda d: d, ["--group-by", "segregation"], ["not varied", "strategy"]),
    (
        "bad-baseline",
        lambda d: d,
        ["--baselines", "nobody"],
        ["baseline 'nobody' is not a strategy", "empowerment"],
    ),
    (
        "bad-outcome",
        lambda d: d,
        ["--outcomes", "social_capitol"],
        ["unknown measure 'social_capitol'"],
    ),
    ("bad-test", lambda d: d, ["--test", "chi2"], ["invalid choice: 'chi2'"]),
    ("out-inside-results", lambda d: d, ["--out-inside"], ["inside the results folder"]),
]


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-errors")
    path = root / "exp.toml"
    path.write_text(GOOD)
    assert (
        main(
            [
                "sweep",
                str(path),
                "--out",
                str(root / "results"),
                "--processes",
                "1",
                "--replications",
                "1",
                "--no-progress",
            ]
        )
        == 0
    )
    return root / "results"


@pytest.mark.parametrize(
    ("where", "extra", "fragments"), [c[1:] for c in REPORT_CASES], ids=[c[0] for c in REPORT_CASES]
)
def test_bad_report_input(results_dir, tmp_path, capsys, where, extra, fragments):
    out = tmp_path / "report"
    if extra == ["--out-inside"]:
        out, extra = results_dir / "report", []
    code, err = run_cli_exit(capsys, ["report", where(results_dir), "--out", out, *extra])
    assert code == 2
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err
    assert not out.exists()


SENSITIVITY = """\
[experiment]
name = "s"
seed = 1
steps = 5

[parameters]
n_residents = 60
width = 20
height = 20

[sensitivity]
parameters = ["segregation", "initial_helplessness"]
outcomes = ["social_capital"]
morris_trajectories = 2
sobol_samples = 4
"""

SENSITIVITY_CASES = [
    (
        "not-power-of-two",
        ("sobol_samples = 4", "sobol_samples = 10"),
        ["[sensitivity] sobol_samples", "power of two"],
    ),
    (
        "not-numeric",
        ('"segregation", "initial_helplessness"', '"segregation", "strategy"'),
        ["[sensitivity] parameters", "unknown numeric parameter 'strategy'"],
    ),
    (
        "one-factor",
        ('"segregation", "initial_helplessness"', '"segregation"'),
        ["at least two numeric parameters"],
    ),
    (
        "bounds-outside",
        ("sobol_samples = 4", "sobol_samples = 4\n[sensitivity.bounds]\nsegregation = [0.2, 1.5]"),
        ["[sensitivity.bounds] segregation", "segregation=1.5 is not allowed"],
    ),
    (
        "bounds-reversed",
        ("sobol_samples = 4", "sobol_samples = 4\n[sensitivity.bounds]\nsegregation = [0.8, 0.2]"),
        ["[sensitivity.bounds] segregation", "low must be below high"],
    ),
    (
        "unknown-key",
        ("sobol_samples = 4", "sobol_sample = 4"),
        ["[sensitivity] sobol_sample", "did you mean 'sobol_samples'"],
    ),
    (
        "factor-also-fixed",
        ("height = 20", "height = 20\nsegregation = 0.3"),
        ["segregation is also fixed"],
    ),
    (
        "odd-levels",
        ("sobol_samples = 4", "sobol_samples = 4\nmorris_levels = 3"),
        ["morris_levels", "even number"],
    ),
    ("sweep-file", ("[sensitivity]", "[sweep]\n[sensitivity_]"), ["no [sensitivity] section"]),
]


@pytest.mark.parametrize(
    ("change", "fragments"),
    [c[1:] for c in SENSITIVITY_CASES],
    ids=[c[0] for c in SENSITIVITY_CASES],
)
def test_bad_sensitivity_file(tmp_path, capsys, change, fragments):
    old, new = change
    assert old in SENSITIVITY
    path = tmp_path / "sens.toml"
    path.write_text(SENSITIVITY.replace(old, new, 1))
    out = tmp_path / "out"
    code, err = run_cli(capsys, ["sensitivity", path, "--out", out])
    assert code == 2
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ["run", "--n-residents", "5"],
            ["--n-residents", "n_residents=5 is not allowed", "[10, 100000]"],
        ),
        (["run", "--segregation", "lots"], ["segregation='lots' is not allowed"]),
        (["run", "--strategy", "nonee"], ["strategy='nonee' is not allowed", "'empowerment'"]),
        (["run", "--strategy", "custom"], ["needs role_mix"]),
        (["run", "--role-mix", "door_opener"], ["--role-mix", "activity=share pairs"]),
        (["run", "--role-mix", "door_openr=1"], ["unknown activity 'door_openr'"]),
        (["run", "--events", "5:flood"], ["unknown event 'flood'"]),
        (["run", "--events", "0:funding_cut"], ["1 or later"]),
        (["run", "--steps", "0"], ["--steps", "expected an integer >= 1"]),
        (["run", "--out", "x.txt", "--steps", "1"], ["--out x.txt", ".parquet or .csv"]),
        (["run", "--measures", "social"], ["unknown measure 'social'"]),
        (
            ["run", "--n-residents", "900", "--width", "10", "--height", "10"],
            ["n_residents=900", "houses at most 400"],
        ),
        (["strategies", "--strategies", "none,nonsense"], ["unknown strategy 'nonsense'"]),
        (["app", "--port", "70000"], ["port number 1..65535"]),
        (["nonsense"], ["invalid choice: 'nonsense'"]),
    ],
)
def test_bad_flags(tmp_path, capsys, args, fragments):
    code, err = run_cli_exit(capsys, args)
    assert code == 2
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize("case", ["malformed-toml", "unknown-parameter"])
def test_the_installed_command_prints_no_traceback(tmp_path, case):
    """The same through a real process: stderr holds the message only."""
    text = dict((c[0], c[1]) for c in FILE_CASES)[case]
    path = tmp_path / "exp.toml"
    path.write_text(text)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "quartiersim.cli",
            "sweep",
            str(path),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("quartiersim sweep: error: ")
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not Path(tmp_path / "out").exists()
