"""The browser view's session (no page): bounded histories, input checks, the server's entry.

Redraw cost must not grow with the length of a run: the plots draw a thinned series and the
inspector keeps a thinned history. These tests pin the bounds down; the cost itself is
measured in ``benchmarks/bench_app.py``.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from quartiersim.app.server import is_loopback, serve
from quartiersim.app.session import (
    PLOT_POINTS,
    Session,
    Thinned,
    parse_seed,
    thin_indices,
)

TINY = {"n_residents": 30, "width": 12, "height": 12}


@pytest.mark.parametrize("length", [1, 2, 299, 300, 301, 1_000, 100_000])
def test_thinned_indices_are_bounded_and_keep_first_and_last(length):
    idx = thin_indices(length)
    assert len(idx) <= PLOT_POINTS
    assert idx[0] == 0 and idx[-1] == length - 1
    assert np.all(np.diff(idx) > 0)
    if length <= PLOT_POINTS:
        assert len(idx) == length


def test_thinned_history_stays_bounded_and_spans_the_whole_run():
    history = Thinned(n=3, capacity=16)
    for week in range(1_000):
        history.record(week, np.full(3, week, dtype=float))
    weeks, values = history.series(resident=1)
    assert len(weeks) <= 16
    assert weeks[0] == 0 and weeks[-1] >= 1_000 - history.stride
    assert np.all(np.diff(weeks) == history.stride)  # evenly spaced after every halving
    assert np.array_equal(values, weeks.astype(float))  # each sample is that week's value


def test_plot_series_stay_bounded_however_long_the_run():
    session = Session(seed=2, **TINY)
    session.step(PLOT_POINTS + 150)
    weeks, values = session.series(0, "social_capital")
    assert len(weeks) == len(values) <= PLOT_POINTS
    assert weeks[0] == 0 and weeks[-1] == session.week
    full = session.model.datacollector.model_vars["social_capital"]
    assert values[-1] == full[-1] and values[0] == full[0]


@pytest.mark.parametrize(
    ("text", "seed"),
    [
        ("7", 7),
        (" 42 ", 42),
        (0, 0),
        ("-3", None),
        ("seven", None),
        ("1.5", None),
        ("", None),
        (True, None),
    ],
)
def test_seeds_are_whole_numbers_from_text(text, seed):
    assert parse_seed(text) == seed


def test_settings_apply_at_reset_and_bad_ones_are_refused():
    session = Session(seed=2, **TINY)
    session.step(3)
    assert session.set_param("n_workers", 4) is None
    assert session.set_param("segregation", "0,8") is None  # a German decimal comma
    assert session.params["segregation"] == pytest.approx(0.8)
    notice = session.set_param("n_workers", 99)
    assert notice.key == "bad_parameter" and session.params["n_workers"] == 4
    assert session.set_param("no_such_thing", 1).key == "unknown_parameter"
    assert session.pending and len(session.model.workers) == 2 and session.week == 3
    assert session.reset() is None
    assert not session.pending and len(session.model.workers) == 4 and session.week == 0


def test_compare_mode_needs_two_different_strategies():
    session = Session(seed=2, **TINY)
    session.set_strategy(0, "top_down")
    session.set_strategy(1, "top_down")
    session.set_compare(True)
    assert session.strategies() == ["top_down", "empowerment"]


def test_serving_refuses_a_port_outside_the_range():
    with pytest.raises(ValueError, match="port=70000"):
        serve(port=70000)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def test_python_m_app_answers_a_bad_port_with_a_message():
    result = subprocess.run(
        [sys.executable, "-m", "quartiersim.app", "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--port 99999: expected a number from 0 to 65535" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fresh_page_starts_on_the_seminar_quarter_unless_told_otherwise():
    """The browser view teaches: it starts on the seminar preset (small, dense, quick to
    watch); a size given explicitly wins over it."""
    from quartiersim.parameters import SEMINAR

    session = Session()
    assert session.model.residents.n == SEMINAR.values["n_residents"]
    assert session.params["width"] == SEMINAR.values["width"]
    other = Session(n_residents=150, width=20, height=20)
    assert other.model.residents.n == 150


def test_the_views_size_presets_are_the_declared_seminar_preset_and_the_research_defaults():
    """One declaration: the view's *seminar* button is SEMINAR, its *realistic* button the
    real-sized defaults research and validation run on."""
    from quartiersim.app.session import PRESETS
    from quartiersim.parameters import DEFAULTS, SEMINAR

    assert PRESETS["seminar"] == SEMINAR.values
    assert PRESETS["realistic"] == {k: DEFAULTS[k] for k in SEMINAR.values}
