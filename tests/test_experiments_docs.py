"""docs/researchers.md keeps up with the code: every key of an experiment file, every command
and every measure of the result files is documented there."""

from pathlib import Path

import pytest

from quartiersim import MEASURES
from quartiersim.experiments import claims, designs, experiment, sensitivity

PAGE = Path(__file__).resolve().parents[1] / "docs" / "researchers.md"
TEXT = PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", list(experiment.EXPERIMENT_KEYS))
def test_every_experiment_key_is_documented(key):
    assert f"`[experiment] {key}`" in TEXT


@pytest.mark.parametrize("key", [k for k in claims.KEYS if k != "grid"])
def test_every_claims_key_is_documented(key):
    assert f"| `{key}` |" in TEXT
    assert "`[claims.grid] NAME`" in TEXT


@pytest.mark.parametrize("key", list(experiment.REPORT_KEYS))
def test_every_report_key_is_documented(key):
    assert f"`[report] {key}`" in TEXT


@pytest.mark.parametrize("key", [k for k in sensitivity.KEYS if k != "bounds"])
def test_every_sensitivity_key_is_documented(key):
    assert f"| `{key}` |" in TEXT
    assert "`[sensitivity.bounds] NAME`" in TEXT


@pytest.mark.parametrize("section", list(experiment.SECTIONS))
def test_every_section_is_documented(section):
    assert f"[{section}" in TEXT


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_measure_is_in_the_data_dictionary(name):
    assert f"| `{name}` | {MEASURES[name].meaning} |" in TEXT


@pytest.mark.parametrize(
    "command",
    ["run", "strategies", "sweep", "compare", "report", "sensitivity", "optimise", "claims"],
)
def test_every_research_command_is_shown(command):
    assert f"\nquartiersim {command}" in TEXT


@pytest.mark.parametrize("key", [k for k in designs.SAMPLE_KEYS if k != "ranges"])
def test_every_sample_key_is_documented(key):
    assert f"`[sample] {key}`" in TEXT
    assert "`[sample.ranges] NAME`" in TEXT and "`[[exclude]] NAME`" in TEXT


@pytest.mark.parametrize("method", list(designs.METHODS))
def test_every_sampling_method_is_documented(method):
    assert f"`{method}`" in TEXT
