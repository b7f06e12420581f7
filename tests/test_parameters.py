"""The one parameter declaration checks every value it is given.

Every bad value — out of range, of the wrong type, not one of the choices — must raise a
``ValueError`` that names the parameter, repeats the bad value and says what is allowed, so a
user of any entry point (Python, command line, experiment file, browser) learns what to fix.
The cases are generated from :data:`quartiersim.PARAMETERS`, so a new parameter is covered the
moment it is declared.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import SMALL_QUARTER

from quartiersim import ACTIVITIES, EVENTS, PARAMETERS, STRATEGIES, QuartierModel, validate
from quartiersim.events import parse_schedule
from quartiersim.parameters import DEFAULTS, markdown_table
from quartiersim.values import show_number

NUMERIC = [p for p in PARAMETERS.values() if p.kind in (int, float)]
INTEGER = [p for p in NUMERIC if p.kind is int]
CHOICE = [p for p in PARAMETERS.values() if p.choices]


def _ids(params: list) -> list[str]:
    return [p.name for p in params]


def _assert_names(err: pytest.ExceptionInfo, name: str, value: Any, allowed: str) -> None:
    text = str(err.value)
    assert name in text, text
    # Text that reads as a number is shown as that number ("inf" as inf), from every door.
    assert show_number(value) in text, text
    assert allowed in text, text


# -- the declaration itself ---------------------------------------------------------------------


def test_every_default_is_allowed_by_its_own_declaration() -> None:
    """A declaration that rejects its own default would make the model unusable."""
    checked = validate()
    for name, p in PARAMETERS.items():
        assert checked[name] == p.check(p.default)
        if p.kind in (int, float):
            assert p.low <= p.default <= p.high, name
        if p.choices:
            assert p.default in p.choices, name
    assert checked == validate(**DEFAULTS)


def test_design_parameter_names_exist_with_cli_flags() -> None:
    """The names the CLI, experiment files and the browser view rely on (design §4)."""
    for name in (
        "n_residents",
        "width",
        "height",
        "segregation",
        "n_workers",
        "hours_per_week",
        "strategy",
        "role_mix",
        "project_weeks",
    ):
        assert name in PARAMETERS
        assert PARAMETERS[name].cli_flag == "--" + name.replace("_", "-")
    assert set(PARAMETERS["strategy"].choices) == set(STRATEGIES)


def test_markdown_table_lists_every_parameter_once() -> None:
    table = markdown_table()
    for name in PARAMETERS:
        assert table.count(f"| `{name}` |") == 1, name


# -- bad values: each names parameter, value and the allowed range --------------------------------


@pytest.mark.parametrize("p", NUMERIC, ids=_ids(NUMERIC))
def test_value_below_range_is_refused_with_name_value_and_range(p) -> None:
    value = p.low - 1
    with pytest.raises(ValueError) as err:
        validate(**{p.name: value})
    _assert_names(err, p.name, value, p.allowed())
    assert f"{p.low:g}" in str(err.value) and f"{p.high:g}" in str(err.value)


@pytest.mark.parametrize("p", NUMERIC, ids=_ids(NUMERIC))
def test_value_above_range_is_refused_with_name_value_and_range(p) -> None:
    value = p.high + 1
    with pytest.raises(ValueError) as err:
        validate(**{p.name: value})
    _assert_names(err, p.name, value, p.allowed())


@pytest.mark.parametrize(
    "value", ["many", None, [1], {"a": 1}, True, float("nan"), float("inf"), "inf", "nan", 10**400]
)
@pytest.mark.parametrize("p", NUMERIC, ids=_ids(NUMERIC))
def test_number_of_wrong_type_or_not_finite_is_refused_with_name(p, value) -> None:
    """Text, lists, booleans and non-finite numbers are no numbers (and never a traceback from
    deep inside the model)."""
    with pytest.raises(ValueError) as err:
        validate(**{p.name: value})
    _assert_names(err, p.name, value, p.allowed())


@pytest.mark.parametrize("p", INTEGER, ids=_ids(INTEGER))
def test_whole_number_parameter_refuses_fractions(p) -> None:
    value = p.low + 0.5
    with pytest.raises(ValueError) as err:
        validate(**{p.name: value})
    _assert_names(err, p.name, value, p.allowed())


@pytest.mark.parametrize("p", NUMERIC, ids=_ids(NUMERIC))
def test_numeric_text_and_whole_floats_are_coerced(p) -> None:
    """Text inputs deliver "12"; YAML may deliver 12.0 for an integer: both mean 12."""
    value = p.high
    assert p.check(str(value)) == value
    assert type(p.check(str(value))) is p.kind
    assert type(p.check(float(value))) is p.kind


@pytest.mark.parametrize("p", CHOICE, ids=_ids(CHOICE))
@pytest.mark.parametrize("value", ["no_such_choice", 3, None])
def test_bad_choice_is_refused_with_the_choices(p, value) -> None:
    with pytest.raises(ValueError) as err:
        validate(**{p.name: value})
    _assert_names(err, p.name, value, p.allowed())
    for choice in p.choices:
        assert repr(choice) in str(err.value)


def test_unknown_parameter_is_named() -> None:
    with pytest.raises(ValueError, match="unknown parameter 'n_residentz'"):
        validate(n_residentz=100)
    with pytest.raises(ValueError, match="n_residentz"):
        QuartierModel(rng=1, n_residentz=100)


def test_model_refuses_bad_value_before_building_anything() -> None:
    with pytest.raises(ValueError, match=r"segregation=1\.5 is not allowed"):
        QuartierModel(rng=1, segregation=1.5)


def test_more_households_than_the_grid_can_house_is_refused() -> None:
    with pytest.raises(ValueError) as err:
        validate(n_residents=2000, width=10, height=10)
    assert "n_residents=2000" in str(err.value)


# -- role mix and strategy ------------------------------------------------------------------------


def test_custom_strategy_without_role_mix_is_refused() -> None:
    with pytest.raises(ValueError, match=r"custom.*role_mix"):
        QuartierModel(rng=1, strategy="custom", **SMALL_QUARTER)


@pytest.mark.parametrize(
    ("mix", "named"),
    [
        ({"astrology": 1.0}, "astrology"),
        ({"door_opener": -1.0}, "door_opener"),
        ({"door_opener": "much"}, "door_opener"),
        ({"door_opener": True}, "door_opener"),
        ({"door_opener": float("nan")}, "door_opener"),
        ("door_opener", "role_mix"),
        ([("door_opener", 1.0)], "role_mix"),
    ],
)
def test_bad_role_mix_is_refused_naming_the_entry(mix, named) -> None:
    with pytest.raises(ValueError) as err:
        validate(strategy="custom", role_mix=mix)
    assert "role_mix" in str(err.value)
    assert named in str(err.value)


def test_role_mix_is_normalised_over_all_activities() -> None:
    mix = validate(strategy="custom", role_mix={"door_opener": 3, "problem_sensor": 1})["role_mix"]
    assert set(mix) == set(ACTIVITIES)
    assert mix["door_opener"] == pytest.approx(0.75)
    assert mix["problem_sensor"] == pytest.approx(0.25)
    assert math.fsum(mix.values()) == pytest.approx(1.0)
    zero = validate(strategy="custom", role_mix={"door_opener": 0})["role_mix"]
    assert set(zero.values()) == {0.0}


def test_set_strategy_refuses_bad_names_and_custom_without_mix() -> None:
    m = QuartierModel(rng=1, **SMALL_QUARTER)
    with pytest.raises(ValueError, match="strategy='nonsense'"):
        m.set_strategy("nonsense")
    with pytest.raises(ValueError, match="role_mix"):
        m.set_strategy("custom")


# -- the events schedule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "named"),
    [
        (("x:funding_cut",), "x:funding_cut"),
        (("5:meteor_strike",), "meteor_strike"),
        (("0:funding_cut",), "0:funding_cut"),
        (("-3:funding_cut",), "-3:funding_cut"),
        (((5, "meteor_strike"),), "meteor_strike"),
        ((5,), "5"),
        (5, "events"),
        ((("5", "funding_cut", "extra"),), "extra"),
    ],
)
def test_bad_events_schedule_is_refused_naming_the_entry(schedule, named) -> None:
    with pytest.raises(ValueError) as err:
        validate(events=schedule)
    assert "events" in str(err.value)
    assert named in str(err.value)


def test_events_schedule_accepts_text_and_pairs_and_sorts_by_week() -> None:
    assert parse_schedule("9:early_exit, 5:funding_cut") == (
        (5, "funding_cut"),
        (9, "early_exit"),
    )
    assert parse_schedule([(9, "early_exit"), "5:funding_cut"]) == (
        (5, "funding_cut"),
        (9, "early_exit"),
    )
    assert validate(events=[f"1:{e}" for e in EVENTS])["events"] == tuple(
        sorted((1, e) for e in EVENTS)
    )


# -- the quarter's size: real by default, a seminar preset for teaching -------------------------


def test_the_default_quarter_has_the_staffing_of_a_real_area_and_the_seminar_preset_more() -> None:
    """Real neighbourhood-management teams of about two full-time staff serve areas of 5,000 and
    more residents (about 2,500 households and more): the defaults, used for research, have that
    dose; the seminar preset is smaller and denser, and says how much denser."""
    from quartiersim.parameters import PRESETS, SEMINAR, staffing_ratio

    real = validate()
    fte = real["n_workers"] * real["hours_per_week"] / 39.0
    assert 1_000 <= real["n_residents"] / fte <= 10_000
    seminar = validate(**SEMINAR.values)  # fits its own grid
    assert seminar["n_residents"] < real["n_residents"]
    assert seminar["n_workers"] == real["n_workers"]
    assert SEMINAR.staffing() == staffing_ratio(seminar) != staffing_ratio(real)
    assert "households per full-time worker" in SEMINAR.staffing()
    assert set(PRESETS) == {"seminar"} and all(
        set(p.values) <= set(PARAMETERS) for p in PRESETS.values()
    )
    assert staffing_ratio({**real, "n_workers": 0}) == "no workers"
