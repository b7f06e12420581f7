"""One declaration per concept, and every front-end list derived from it.

Roles, strategies, events and measures are each declared once (``quartiersim.ACTIVITIES``,
``STRATEGIES``, ``EVENTS``, ``MEASURES``), with their names and explanations in English and
German. These tests hold the declarations complete, hold every list a front-end shows (the
browser view, the command line, the experiments, the validation report) to the registries,
and pin the registry's own behaviour.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import matplotlib.colors
import pytest

import quartiersim
from quartiersim import ACTIVITIES, EVENTS, MEASURES, PARAMETERS, ROLES, STRATEGIES
from quartiersim.activity import MESSAGES, QUARTER_MESSAGES
from quartiersim.app import figures, page, texts
from quartiersim.parameters import DEFAULTS, GROUPS, UNITS
from quartiersim.quarter import PLACE_KINDS, PLACE_NAMES
from quartiersim.registry import Registry, Text
from quartiersim.residents import AGE_GROUPS, AGE_LABELS, DOMAIN_LABELS, DOMAINS

PACKAGE = Path(quartiersim.__file__).parent
REGISTRIES = {"activity": ACTIVITIES, "strategy": STRATEGIES, "event": EVENTS, "measure": MEASURES}


def both(text: Text) -> bool:
    return bool(text.en.strip()) and bool(text.de.strip())


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# -- every declaration is complete, in both languages -------------------------------------------


@pytest.mark.parametrize("name", list(ACTIVITIES))
def test_every_activity_is_declared_completely(name: str) -> None:
    a = ACTIVITIES[name]
    assert a.name == name and callable(a.act) and a.german
    assert both(a.label) and both(a.explanation)
    assert a.task_limit(DEFAULTS) > 0
    assert matplotlib.colors.is_color_like(a.colour)


def test_activities_have_distinct_colours_on_the_map() -> None:
    colours = [matplotlib.colors.to_hex(a.colour) for a in ACTIVITIES.values()]
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_every_strategy_is_declared_completely(name: str) -> None:
    s = STRATEGIES[name]
    assert s.name == name and both(s.label) and both(s.description)
    assert matplotlib.colors.is_color_like(s.colour)
    assert s.shares is None or set(s.shares) <= set(ACTIVITIES)


@pytest.mark.parametrize("name", list(EVENTS))
def test_every_event_is_declared_completely(name: str) -> None:
    e = EVENTS[name]
    assert e.name == name and callable(e.apply) and both(e.label) and both(e.effect)


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_measure_is_declared_completely(name: str) -> None:
    m = MEASURES[name]
    assert m.name == name and callable(m.compute) and m.meaning and m.unit
    assert both(m.label)
    assert m.high is None or m.low < m.high


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_every_parameter_has_a_label_and_meaning_in_both_languages(name: str) -> None:
    p = PARAMETERS[name]
    assert both(p.label) and p.meaning and p.meaning_de
    assert p.group in GROUPS
    assert not p.unit or p.unit in UNITS


def test_names_of_age_groups_domains_and_places_exist_in_both_languages() -> None:
    assert list(AGE_LABELS) == list(AGE_GROUPS) and all(map(both, AGE_LABELS.values()))
    assert list(DOMAIN_LABELS) == list(DOMAINS) and all(map(both, DOMAIN_LABELS.values()))
    assert list(PLACE_NAMES) == list(PLACE_KINDS) and all(
        map(both, map(Text._make, PLACE_NAMES.values()))
    )


# -- the activity log ----------------------------------------------------------------------------


def test_log_keys_are_declared_once() -> None:
    """A log key belongs to one place: the quarter's own processes, one activity or one event."""
    tables = [QUARTER_MESSAGES, *(a.messages for a in ACTIVITIES.values())]
    tables += [e.messages for e in EVENTS.values()]
    keys = [key for table in tables for key in table]
    assert len(keys) == len(set(keys))
    assert sorted(MESSAGES) == sorted(keys)


@pytest.mark.parametrize("key", list(MESSAGES))
def test_every_log_sentence_has_the_same_blanks_in_both_languages(key: str) -> None:
    text = MESSAGES[key]
    assert both(text) and fields(text.en) == fields(text.de)


def logged_keys() -> set[str]:
    """Every key the core's mechanisms write into the log (``x.log("key", ...)``)."""
    keys = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "log"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(node.args[0].value)
    return keys


def test_every_key_a_mechanism_logs_has_its_sentence() -> None:
    """The feed never falls back to a raw key: each ``log("...")`` of the model has a sentence,
    and no sentence waits for a key nobody writes."""
    written = logged_keys()
    assert {"problem_found", "group_founded", "event"} <= written  # the scan sees them
    assert written == set(MESSAGES)


# -- the front-ends derive their lists -----------------------------------------------------------


def concept_tables(module) -> list[str]:
    """Module-level dicts of ``module`` keyed by the names of some registry's concepts."""
    found = []
    for attr, value in vars(module).items():
        if not isinstance(value, dict) or attr.startswith("__"):
            continue
        for kind, registry in REGISTRIES.items():
            if len(set(value) & set(registry)) >= 2:
                found.append(f"{module.__name__}.{attr} (keyed by {kind} names)")
    return found


@pytest.mark.parametrize("module", [texts, figures, page], ids=lambda m: m.__name__)
def test_the_browser_view_keeps_no_table_of_concepts(module) -> None:
    """Labels, colours and choices of roles, strategies, events and measures come from their
    declarations; the browser view keeps no copy."""
    assert concept_tables(module) == []


def test_the_browser_view_offers_what_is_declared() -> None:
    assert page.extra_choices() == [m for m in MEASURES if m not in figures.ALWAYS_PLOTTED]
    assert set(figures.ALWAYS_PLOTTED) <= set(MEASURES)
    assert set(page.DEFAULT_EXTRA) <= set(page.extra_choices())
    for lang in texts.LANGUAGES:
        items = page.strategy_items(lang)
        assert [i["value"] for i in items] == list(STRATEGIES)
        assert [i["text"] for i in items] == [s.label.pick(lang) for s in STRATEGIES.values()]
        described = page.activities_text(lang)
        assert all(a.explanation.pick(lang) in described for a in ACTIVITIES.values())


def test_plots_use_the_declared_range_of_a_measure() -> None:
    """Shares, means and indices in [0, 1] are drawn on that fixed scale; counts are not."""
    assert MEASURES["participation"].unit_interval
    assert not MEASURES["claims_granted"].unit_interval


def test_the_parameters_check_against_the_registries_live() -> None:
    assert PARAMETERS["strategy"].choices is STRATEGIES
    assert all(a in PARAMETERS["role_mix"].allowed() for a in ACTIVITIES)


def test_the_command_line_and_experiments_name_only_declared_concepts() -> None:
    from quartiersim.experiments.quick import QUICK_STRATEGIES
    from quartiersim.experiments.report import DEFAULT_BASELINES
    from quartiersim.experiments.single import SUMMARY_MEASURES

    presets = [name for name, s in STRATEGIES.items() if s.shares is not None]
    assert list(QUICK_STRATEGIES) == presets
    assert set(SUMMARY_MEASURES) <= set(MEASURES)
    assert set(DEFAULT_BASELINES) <= set(STRATEGIES)


def test_the_validation_report_compares_the_declared_strategies_in_their_colours() -> None:
    from quartiersim.validation import config
    from quartiersim.validation.figures import strategy_colour

    assert config.presets() == [name for name, s in STRATEGIES.items() if s.shares is not None]
    assert all(strategy_colour(name) == s.colour for name, s in STRATEGIES.items())


def test_roles_are_the_activities_declared_as_roles() -> None:
    assert list(ROLES) == [name for name, a in ACTIVITIES.items() if a.role]
    assert "door_opener" in ROLES and "case_work" not in ROLES


# -- the registry itself -------------------------------------------------------------------------


class Thing:
    def __init__(self, name: str) -> None:
        self.name = name
        self.label = Text(name.upper(), name.title())


def test_a_registry_refuses_a_second_declaration_of_a_name() -> None:
    things: Registry[Thing] = Registry("thing")
    things.add(Thing("a"))
    with pytest.raises(ValueError, match="thing 'a' is declared twice"):
        things.add(Thing("a"))
    with pytest.raises(KeyError, match="no thing named 'b'"):
        things.remove("b")


def test_a_registry_keeps_declaration_order_and_labels_unknown_names_as_themselves() -> None:
    things: Registry[Thing] = Registry("thing")
    for name in ("c", "a", "b"):
        things.add(Thing(name))
    assert list(things) == ["c", "a", "b"]
    assert things.label("a", "de") == "A" and things.label("a", "en") == "A"
    assert things.label("not_there", "en") == "not there"


def test_a_declaration_added_for_a_block_is_gone_after_it_even_on_error() -> None:
    things: Registry[Thing] = Registry("thing")
    with pytest.raises(RuntimeError), things.added(Thing("temporary")):
        assert "temporary" in things
        raise RuntimeError
    assert "temporary" not in things and len(things) == 0


def test_a_view_follows_its_registry() -> None:
    things: Registry[Thing] = Registry("thing")
    short = things.where(lambda t: len(t.name) == 1, "short things")
    things.add(Thing("a"))
    things.add(Thing("long"))
    assert list(short) == ["a"] and "long" not in short and len(short) == 1
    with pytest.raises(KeyError):
        short["long"]
    things.add(Thing("b"))
    assert list(short) == ["a", "b"]
