"""Nothing lost, nothing mixed: every run file proves where it came from, a run counts as
finished only when its file verifies, and results of other code, other experiments or damaged
files are never pooled silently (issue 18, cases 1-3, 8 and 9)."""

import json
import pickle
import re
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from processes import cli, finish, other_code, read, run_files

from quartiersim import PARAMETERS
from quartiersim.cli import main
from quartiersim.errors import SweepStopped, UsageError
from quartiersim.experiments.executors import LocalExecutor
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.identity import digest
from quartiersim.experiments.optimise import make_plan
from quartiersim.experiments.provenance import model_files, source_hash, this_code
from quartiersim.experiments.sensitivity import parse_sensitivity
from quartiersim.experiments.source import Source
from quartiersim.experiments.storage import ResultStore, check_manifest
from quartiersim.experiments.sweep import admit_result, run_sweep

SWEEP = """\
[experiment]
name = "provenance"
steps = 6
replications = 3
seed = 5

[parameters]
n_residents = 60
width = 20
height = 20
project_weeks = 3

[sweep]
strategy = ["none", "empowerment"]
"""
RUNS = 6
REPORT_OPTIONS = ("--bootstrap", "200", "--outcomes", "social_capital")


def quiet(*_: object) -> None:
    pass


def sweep(path, out, *extra: str) -> int:
    return main(
        ["sweep", str(path), "--out", str(out), "--processes", "1", "--no-progress", *extra]
    )


@pytest.fixture
def experiment_file(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished sweep, to copy and damage."""
    folder = tmp_path_factory.mktemp("finished")
    (folder / "sweep.toml").write_text(SWEEP)
    assert sweep(folder / "sweep.toml", folder / "results") == 0
    return folder / "results"


@pytest.fixture
def results(finished, tmp_path):
    shutil.copytree(finished, tmp_path / "results")
    return tmp_path / "results"


def manifest_of(folder):
    return json.loads((folder / "_manifest.json").read_text())


# -- provenance --------------------------------------------------------------------------------


def test_every_run_file_carries_experiment_run_code_and_library_versions(finished):
    """A run file alone says which experiment and run it is, which model source computed it
    (a hash of the source files) and on which Python, NumPy, SciPy, Numba, pandas,
    pyarrow and Mesa."""
    manifest = manifest_of(finished)
    for path in run_files(finished):
        meta = json.loads(pq.read_schema(path).metadata[b"quartiersim"])
        assert meta["run_id"] == path.stem
        assert meta["definition_hash"] == manifest["definition_hash"]
        assert meta["identity"]["replication"] == meta["replication"]
        assert meta["identity"]["condition"]["parameters"]["n_residents"] == 60
        assert meta["code"]["source_hash"] == source_hash()
        assert set(meta["code"]["versions"]) >= {
            "quartiersim",
            "python",
            "numpy",
            "scipy",
            "numba",
            "pandas",
            "pyarrow",
            "mesa",
        }
    assert manifest["code"] == this_code()


@pytest.mark.slow  # a second QuartierSim in its own process, or a whole report
def test_the_source_hash_covers_every_module_a_run_executes():
    """The model code is what a run imports: a fresh process that runs one model may load no
    module of QuartierSim whose file is left out of the hash."""
    script = (
        "import sys\n"
        "from quartiersim.experiments.identity import RunSpec\n"
        "from quartiersim.experiments.runner import run_batch\n"
        "spec = RunSpec('x', 0, 1, {'n_residents': 60, 'width': 20, 'height': 20}, {}, 2,"
        " (0, 1, 2), ('social_capital',))\n"
        "assert run_batch([spec])[0].error is None\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'quartiersim'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    loaded = {p for p in out.split()}
    hashed = {str(p) for p in model_files()}
    assert loaded and loaded <= hashed


# -- case 1: results of other code are not mixed -----------------------------------------------


@pytest.fixture(scope="module")
def started_by_other_code(tmp_path_factory):
    """One replication of the sweep, run by a copy of QuartierSim with an edited model file."""
    tmp = tmp_path_factory.mktemp("other-code")
    (tmp / "sweep.toml").write_text(SWEEP)
    out, log = tmp / "results", tmp / "err.txt"
    code, err = finish(
        cli(
            "sweep",
            tmp / "sweep.toml",
            "--out",
            out,
            "--replications",
            "1",
            log=log,
            env=other_code(tmp),
        ),
        log,
    )
    assert code == 0, err
    return out


@pytest.mark.slow  # a second QuartierSim in its own process, or a whole report
def test_resuming_after_a_code_change_is_refused_naming_what_differs(
    started_by_other_code, experiment_file, tmp_path
):
    """Case 1: a sweep started by one version of the model code and resumed by another is
    refused (exit 2, nothing run), naming the differing source hash and the two ways on."""
    out, log = tmp_path / "results", tmp_path / "err.txt"
    shutil.copytree(started_by_other_code, out)
    stored = {p.name: p.stat().st_mtime_ns for p in run_files(out)}

    code, err = finish(cli("sweep", experiment_file, "--out", out, log=log), log)
    assert code == 2
    assert "computed by other code" in err and "model source" in err
    assert "choose a new folder" in err and "--allow-mixed" in err
    assert {p.name: p.stat().st_mtime_ns for p in run_files(out)} == stored


@pytest.mark.slow  # a second QuartierSim in its own process, or a whole report
def test_allow_mixed_adds_the_runs_and_the_report_says_the_results_are_mixed(
    started_by_other_code, experiment_file, tmp_path
):
    out = tmp_path / "results"
    shutil.copytree(started_by_other_code, out)
    report = ["report", str(out), "--out", str(tmp_path / "report"), *REPORT_OPTIONS]
    assert sweep(experiment_file, out, "--allow-mixed") == 0
    manifest = manifest_of(out)
    assert manifest["allow_mixed"] and len(manifest["codes"]) == 2
    assert main(report) == 0
    text = (tmp_path / "report" / "report.md").read_text()
    assert "**Mixed results**" in text
    assert "2 runs: model source" in text and "4 runs: model source" in text


def test_edited_library_versions_in_the_manifest_refuse_the_resume(results, experiment_file):
    """Case 1: versions written into the manifest by hand do not match this installation."""
    manifest = manifest_of(results)
    manifest["code"]["versions"]["numpy"] = "1.21.0"
    manifest["codes"] = [manifest["code"]]
    (results / "_manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UsageError, match=r"numpy 1\.21\.0 there, .* now"):
        run_sweep(parse_experiment(*Source.parse(SWEEP)), results, LocalExecutor(1), log=quiet)


def test_run_files_of_other_code_are_not_counted_even_if_the_manifest_says_otherwise(results):
    """A manifest edited to claim this code cannot make runs of other code count: each run
    file's own record is checked, and runs that fail are set aside and run again."""
    path = run_files(results)[0]
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"quartiersim"])
    meta["code"]["source_hash"] = "0" * 64
    table = table.replace_schema_metadata(
        {**table.schema.metadata, b"quartiersim": json.dumps(meta).encode()}
    )
    pq.write_table(table, path)
    messages = []
    outcome = run_sweep(
        parse_experiment(*Source.parse(SWEEP)),
        results,
        LocalExecutor(1),
        log=messages.append,
        progress=False,
    )
    assert (outcome.skipped, outcome.done) == (RUNS - 1, 1)
    assert any("computed by other code" in m and "moved to" in m for m in messages)
    assert (results / "_set_aside" / path.name).exists()


# -- case 2: a damaged run file does not count as finished -------------------------------------


def test_a_truncated_run_file_is_set_aside_and_its_run_done_again(
    results, finished, experiment_file, capsys
):
    """Case 2: a run file cut short (a full disk, a copy broken off) counts as not finished:
    it is moved to _set_aside/ with a message and its run is done again, to the same data."""
    victim = run_files(results)[2]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    assert sweep(experiment_file, results) == 0
    err = capsys.readouterr().err
    assert f"{victim}: unreadable: damaged or cut short" in err
    assert "its run is done again" in err
    assert f"resuming: {RUNS - 1} finished, 1 to run" in err
    assert (results / "_set_aside" / victim.name).exists()
    pd.testing.assert_frame_equal(read(results), read(finished))


@pytest.mark.slow  # a second QuartierSim in its own process, or a whole report
def test_report_reads_around_a_damaged_file_and_says_what_it_ignored(results, tmp_path):
    """Case 2: ``report`` on a folder with a damaged run file and a stray file gives a report
    of the sound runs and names both, instead of a pyarrow traceback."""
    victim = run_files(results)[0]
    victim.write_bytes(b"PAR1 not really")
    (results / "runs" / "notes.parquet").write_bytes(b"my own notes")
    out = tmp_path / "report"
    assert main(["report", str(results), "--out", str(out), *REPORT_OPTIONS]) == 0
    text = (out / "report.md").read_text()
    assert "Ignored 2 file(s)" in text
    assert f"`runs/{victim.name}` (unreadable" in text
    assert "`runs/notes.parquet` (not a run file" in text
    assert pd.read_csv(out / "seeds.csv")["run_id"].nunique() == RUNS - 1


# -- case 3: the report reads only the manifest's runs -----------------------------------------


@pytest.mark.slow  # a second QuartierSim in its own process, or a whole report
def test_report_ignores_runs_of_another_experiment(results, tmp_path):
    """Case 3: a run of another experiment copied into runs/ is neither pooled into a
    condition nor shown as one: the report names it as ignored."""
    other = tmp_path / "other"
    text = SWEEP.replace('["none", "empowerment"]', '["political"]').replace("seed = 5", "seed = 9")
    path = tmp_path / "other.toml"
    path.write_text(text)
    assert sweep(path, other, "--replications", "1") == 0
    foreign = run_files(other)[0]
    shutil.copy(foreign, results / "runs" / foreign.name)
    out = tmp_path / "report"
    assert main(["report", str(results), "--out", str(out), *REPORT_OPTIONS]) == 0
    reported = pd.read_csv(out / "seeds.csv")  # one row per run the report read
    assert set(reported["strategy"]) == {"none", "empowerment"}
    assert len(reported) == RUNS
    assert f"`runs/{foreign.name}` (a run of another experiment)" in (out / "report.md").read_text()


def test_a_resumed_sweep_sets_foreign_files_aside(results, experiment_file):
    """A stray file in runs/ would be pooled by ``pandas.read_parquet(DIR)``: the next sweep
    moves it out of the way, so the folder reads as the experiment's runs again."""
    (results / "runs" / "stray.parquet").write_bytes(b"not a run")
    messages = []
    run_sweep(
        parse_experiment(*Source.parse(SWEEP)), results, LocalExecutor(1), log=messages.append
    )
    assert not (results / "runs" / "stray.parquet").exists()
    assert (results / "_set_aside" / "stray.parquet").exists()
    assert any("stray.parquet: not a run file" in m for m in messages)
    assert read(results)["run_id"].nunique() == RUNS


# -- case 8: the manifest lost or damaged ------------------------------------------------------


def test_a_deleted_manifest_strands_no_finished_runs(results, experiment_file, capsys):
    """Case 8: without _manifest.json the report says how to get it back; `repair` rebuilds it
    from the run files, and a sweep of the same experiment simply resumes."""
    original = manifest_of(results)
    (results / "_manifest.json").unlink()
    assert main(["report", str(results), "--out", str(results.parent / "r")]) == 2
    assert f"quartiersim repair {results}" in capsys.readouterr().err

    assert main(["repair", str(results)]) == 0
    assert f"rebuilt {results / '_manifest.json'}: experiment 'provenance', {RUNS} runs" in (
        capsys.readouterr().err
    )
    rebuilt = manifest_of(results)
    for key in ("definition_hash", "definition", "experiment", "code", "source"):
        assert rebuilt[key] == original[key]

    (results / "_manifest.json").unlink()
    outcome = run_sweep(
        parse_experiment(*Source.parse(SWEEP)), results, LocalExecutor(1), log=quiet
    )
    assert (outcome.skipped, outcome.done) == (RUNS, 0)
    assert manifest_of(results)["definition_hash"] == original["definition_hash"]


def test_repair_sets_aside_damaged_files_and_runs_of_other_experiments(results, tmp_path):
    other = tmp_path / "other"
    path = tmp_path / "other.toml"
    path.write_text(SWEEP.replace("n_residents = 60", "n_residents = 61"))
    assert sweep(path, other, "--replications", "1") == 0
    own = run_files(results)
    shutil.copy(run_files(other)[0], results / "runs")
    own[-1].write_bytes(b"broken")
    assert main(["repair", str(results)]) == 0
    aside = sorted(p.name for p in (results / "_set_aside").iterdir())
    assert len(aside) == 2
    assert len(run_files(results)) == RUNS - 1


def test_repair_asks_which_experiment_when_the_files_hold_several(results, tmp_path, capsys):
    other = tmp_path / "other"
    path = tmp_path / "other.toml"
    path.write_text(
        SWEEP.replace("n_residents = 60", "n_residents = 61").replace('"provenance"', '"second"')
    )
    assert sweep(path, other) == 0
    for p in run_files(other):
        shutil.copy(p, results / "runs")
    (results / "_manifest.json").unlink()
    assert main(["repair", str(results)]) == 2
    assert "choose one with --experiment" in capsys.readouterr().err
    assert main(["repair", str(results), "--experiment", "second"]) == 0
    assert manifest_of(results)["experiment"]["name"] == "second"
    assert len(run_files(results)) == RUNS


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2, 3]",
        '{"format": 2, "versions": "numpy"}',
        '{"format": 2, "definition_hash": 5}',
        "not json at all",
        "",
    ],
)
def test_a_malformed_manifest_gives_a_clear_message(results, text, capsys):
    """Case 8: a damaged manifest is answered with one line naming the file and `repair`, by
    report and sweep alike (exit 2, no traceback)."""
    (results / "_manifest.json").write_text(text)
    for args in (
        ["report", str(results), "--out", str(results.parent / "r")],
        ["sweep", str(results.parent / "missing.toml"), "--out", str(results)],
    ):
        code = main(args)
        err = capsys.readouterr().err
        assert code == 2, err
        assert "Traceback" not in err
    assert main(["report", str(results), "--out", str(results.parent / "r")]) == 2
    err = capsys.readouterr().err
    assert "malformed manifest" in err and f"quartiersim repair {results}" in err
    assert main(["repair", str(results)]) == 0
    assert (results / "_set_aside" / "_manifest.json").read_text() == text  # kept, not lost
    assert manifest_of(results)["experiment"]["name"] == "provenance"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
manifest_keys = st.sampled_from(
    ["format", "definition_hash", "definition", "experiment", "code", "codes", "versions"]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(manifest_keys, json_values) | json_values)
def test_any_malformed_manifest_is_a_usage_error_never_a_crash(tmp_path_factory, data):
    """Case 8, for every shape: whatever JSON the manifest holds, reading it either gives a
    manifest or a :class:`UsageError` that names the file."""
    where = tmp_path_factory.getbasetemp() / "results" / "_manifest.json"
    try:
        check_manifest(data, where)
    except UsageError as e:
        assert str(where) in str(e) or str(where.parent) in str(e)


# -- case 9: no false refusals -----------------------------------------------------------------


def test_an_explicit_default_and_a_reordered_sweep_list_resume_the_same_runs(results):
    """Case 9: writing a default value out (segregation = 0.6) or listing the sweep in another
    order describes the same experiment: the sweep resumes with nothing to run."""
    same = SWEEP.replace("project_weeks = 3", "project_weeks = 3\nsegregation = 0.6").replace(
        '["none", "empowerment"]', '["empowerment", "none"]'
    )
    outcome = run_sweep(parse_experiment(*Source.parse(same)), results, LocalExecutor(1), log=quiet)
    assert (outcome.skipped, outcome.done) == (RUNS, 0)


def test_explicit_defaults_and_reordered_sets_describe_the_same_runs_of_every_kind():
    """Case 9 beyond the plain grid: an exclusion's values and tables in another order, a
    default written out in a sensitivity analysis's [parameters] or in the optimiser's --set,
    describe the same runs (the same definition hash, so the folder resumes); a value that is
    not the default does not."""
    grid = SWEEP.replace('["none", "empowerment"]', '["none", "political", "empowerment"]')
    grid += "hours_per_week = [10, 20, 39]\n"
    one = '[[exclude]]\nstrategy = "none"\nhours_per_week = [20, 39]\n'
    two = '[[exclude]]\nstrategy = "political"\nhours_per_week = 39\n'
    turned = '[[exclude]]\nhours_per_week = [39, 20]\nstrategy = ["none"]\n'
    first = parse_experiment(*Source.parse(grid + one + two))
    second = parse_experiment(*Source.parse(grid + two + turned))
    assert first.hash() == second.hash()
    assert [r.run_id for r in first.runs()] == [r.run_id for r in second.runs()]

    sensitivity = (
        '[experiment]\nname = "s"\nseed = 3\nsteps = 4\n\n[parameters]\nn_residents = 60\n'
        "{extra}\n[sensitivity]\n"
        'parameters = ["initial_helplessness", "n_workers"]\noutcomes = ["social_capital"]\n'
    )
    plain, explicit, other = (
        parse_sensitivity(*Source.parse(sensitivity.format(extra=extra)))
        for extra in ("", "segregation = 0.6", "segregation = 0.5")
    )
    assert digest(plain.definition()) == digest(explicit.definition())
    assert digest(plain.definition()) != digest(other.definition())

    default_workers = PARAMETERS["n_workers"].default
    quick = make_plan(quick=True)
    assert make_plan(quick=True, sets={"n_workers": default_workers}).definition() == (
        quick.definition()
    )
    assert make_plan(quick=True, sets={"n_workers": 1}).definition() != quick.definition()


def test_a_different_experiment_is_refused_with_every_difference_in_full(results):
    """Case 9: the refusal names each differing value in full, never cut off by "..."."""
    strategies = '["none", "empowerment", "networking", "political", "top_down"]'
    other = SWEEP.replace('["none", "empowerment"]', strategies).replace(
        "n_residents = 60", "n_residents = 61"
    )
    with pytest.raises(UsageError) as refused:
        run_sweep(parse_experiment(*Source.parse(other)), results, LocalExecutor(1), log=quiet)
    message = str(refused.value)
    assert "..." not in message
    assert 'sweep.strategy: ["empowerment", "none"] there, ["empowerment", "networking", ' in (
        message
    )
    assert "parameters.n_residents: 60 there, 61 now" in message


@pytest.mark.slow  # a second QuartierSim in its own process, or a whole report
def test_a_result_of_other_code_is_not_stored_unless_mixing_is_allowed(
    results, experiment_file, tmp_path
):
    """Case 1, mid-sweep: a result that comes back computed by other code (a Dask worker that
    joined later with another QuartierSim) stops the sweep, naming the worker, and is not
    stored; with --allow-mixed the folder records the second code."""
    spec = parse_experiment(*Source.parse(SWEEP)).runs()[0]
    computed = tmp_path / "result.pickle"
    script = (
        "import pickle, sys\n"
        "from quartiersim.experiments.runner import run_batch\n"
        f"spec = pickle.loads({pickle.dumps(spec)!r})\n"
        f"open({str(computed)!r}, 'wb').write(pickle.dumps(run_batch([spec])[0]))\n"
    )
    env = other_code(tmp_path)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300)
    result = pickle.loads(computed.read_bytes())
    assert result.code["source_hash"] != source_hash()

    store = ResultStore(results)
    with store.writing():
        store.manifest()
        with pytest.raises(SweepStopped, match=f"{re.escape(result.worker)} computed run"):
            admit_result(store, result, allow_mixed=False, log=quiet)
        assert len(manifest_of(results)["codes"]) == 1
        admit_result(store, result, allow_mixed=True, log=quiet)
    assert manifest_of(results)["codes"][1] == result.code
    assert manifest_of(results)["allow_mixed"] is True
