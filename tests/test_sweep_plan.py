"""Plan before running (issue 18, case 5): a sweep or a sensitivity analysis counts its runs
without building them, shows the plan with a time estimate, and starts a large one only when
told so (``--yes``) — before it uses memory or time."""

import tracemalloc

import pytest

from quartiersim import QuartierModel
from quartiersim.cli import main
from quartiersim.errors import UsageError
from quartiersim.experiments import plan as plan_module
from quartiersim.experiments.executors import LocalExecutor
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.sensitivity import parse_sensitivity
from quartiersim.experiments.source import Source
from quartiersim.experiments.sweep import run_sweep

HEAD = """\
[experiment]
name = "huge"
seed = 1
steps = 20
replications = {replications}

[parameters]
n_residents = 60
width = 20
height = 20
"""

MANY_CONDITIONS = (
    HEAD.format(replications=1)
    + "\n[sweep]\n"
    + "\n".join(
        f"{name} = [{', '.join(f'{v / 10:.1f}' for v in range(10))}]"
        for name in (
            "segregation",
            "outreach_acceptance",
            "initial_helplessness",
            "bridging_openness",
            "activation_gain",
            "mastery_effect",
        )
    )
)


@pytest.fixture(autouse=True, scope="module")
def loaded_model():
    """The model imported and run once before memory is traced: loading Numba and compiled
    code is a one-off cost of the process, not of a plan."""
    QuartierModel(rng=0, n_residents=10, width=10, height=10).step()


def peak_memory(action) -> tuple[object, int]:
    """What ``action()`` returns (or raises) and the peak of memory Python allocated."""
    tracemalloc.start()
    try:
        try:
            result = action()
        except Exception as e:  # returned for the caller to check
            result = e
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_million_runs_are_refused_without_yes_before_anything_is_built(tmp_path, capsys):
    """Case 5: a sweep of 10⁶ runs prints its plan at once and refuses to start without
    --yes (naming it), having built none of the runs: memory stays flat, nothing is written."""
    path = tmp_path / "huge.toml"
    path.write_text(HEAD.format(replications=500_000) + '[sweep]\nstrategy = ["none", "political"]')
    out = tmp_path / "results"
    code, peak = peak_memory(lambda: main(["sweep", str(path), "--out", str(out)]))
    err = capsys.readouterr().err
    assert code == 2, err
    assert "huge: 1,000,000 runs (2 conditions × 500,000 replications, 20 weeks each)" in err
    assert "about" in err and "(timed on this machine)" in err
    assert "pass --yes to start it anyway" in err
    assert peak < 30e6
    assert not out.exists()


def test_a_million_conditions_are_counted_not_built_when_the_file_is_read(tmp_path, capsys):
    """Case 5 with 10⁶ combinations of six swept parameters: reading the file and showing the
    plan build no condition; the refusal comes before any check of all combinations."""
    exp, peak = peak_memory(lambda: parse_experiment(*Source.parse(MANY_CONDITIONS)))
    assert exp.count_runs() == 10**6
    assert not exp.checked and peak < 30e6
    refused, peak = peak_memory(
        lambda: run_sweep(exp, tmp_path / "results", LocalExecutor(1), log=print)
    )
    assert isinstance(refused, UsageError) and "--yes" in str(refused)
    assert "1,000,000 conditions × 1 replications" in capsys.readouterr().out
    assert peak < 30e6


def test_a_huge_sampled_design_is_counted_not_built(tmp_path):
    """Case 5 for designs beyond the grid: 100,000 Latin-hypercube points crossed with three
    strategies, less an excluded one, are counted from the drawn array (each point once); no
    condition is built, memory stays small, and the plan is refused without --yes."""
    text = (
        HEAD.format(replications=1)
        + '\n[sweep]\nstrategy = ["none", "political", "empowerment"]\n'
        + 'n_workers = [1, 2]\n\n[[exclude]]\nstrategy = "none"\nn_workers = 2\n'
        + "\n[sample]\npoints = 100000\n\n[sample.ranges]\n"
        + "segregation = [0.0, 1.0]\nn_origins = [2, 4]\n"
    )
    exp, peak = peak_memory(lambda: parse_experiment(*Source.parse(text)))
    assert exp.count_runs() == 5 * 100_000  # n_origins is rounded, segregation never repeats
    assert not exp.checked and peak < 30e6
    refused, peak = peak_memory(
        lambda: run_sweep(exp, tmp_path / "results", LocalExecutor(1), log=lambda _: None)
    )
    assert isinstance(refused, UsageError) and "--yes" in str(refused)
    assert peak < 30e6
    assert not (tmp_path / "results").exists()


def test_a_huge_sobol_sample_is_refused_without_yes_before_it_is_drawn(tmp_path, capsys):
    """Case 5 for sensitivity analysis: 2²⁰ Sobol samples are counted from the sample size;
    the plan names --yes and no sample point is drawn."""
    text = HEAD.format(replications=1) + (
        "\n[sensitivity]\n"
        'parameters = ["segregation", "outreach_acceptance"]\n'
        'outcomes = ["social_capital"]\n'
        'methods = ["sobol"]\n'
        f"sobol_samples = {2**20}\n"
    )
    path = tmp_path / "sobol.toml"
    path.write_text(text)
    code, peak = peak_memory(
        lambda: main(["sensitivity", str(path), "--out", str(tmp_path / "out")])
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "huge: 4,194,304 runs (sobol 4,194,304 points" in err
    assert "pass --yes" in err
    assert peak < 30e6
    plan = parse_sensitivity(*Source.parse(text))
    assert plan.samples == {}


def test_a_small_sweep_starts_without_a_question(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text(HEAD.format(replications=2) + '[sweep]\nstrategy = ["none"]')
    assert main(["sweep", str(path), "--out", str(tmp_path / "r"), "--processes", "1"]) == 0
    assert "huge: 2 runs (1 conditions × 2 replications, 20 weeks each)" in (
        capsys.readouterr().err
    )


def test_a_large_plan_runs_with_yes_or_when_the_question_is_answered_yes(tmp_path, monkeypatch):
    """With --yes (or "y" typed at the question on a terminal) a large plan starts; "no"
    starts nothing. The limit is lowered here so that a large plan stays quick to run."""
    monkeypatch.setattr(plan_module, "LARGE_RUNS", 2)
    exp = parse_experiment(*Source.parse(HEAD.format(replications=3)))
    exp.steps = 2
    questions = []

    def no(question: str) -> bool:
        questions.append(question)
        return False

    with pytest.raises(UsageError, match="not started"):
        run_sweep(exp, tmp_path / "a", LocalExecutor(1), ask=no, log=print)
    assert questions and "3 runs" in questions[0]
    assert not (tmp_path / "a").exists()
    outcome = run_sweep(exp, tmp_path / "b", LocalExecutor(1), ask=lambda q: True, log=print)
    assert outcome.done == 3
    outcome = run_sweep(exp, tmp_path / "c", LocalExecutor(1), yes=True, log=print)
    assert outcome.done == 3
