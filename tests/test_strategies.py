"""Strategies are nothing but default role mixes.

"Outcomes are emergent. No code may special-case a strategy's result" (design §2). Two checks
hold the model to that: a scan of the model's code for any decision on a strategy's name, and a
behavioural twin — ``custom`` with a preset's role mix must produce exactly the preset's data.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import SMALL_QUARTER

import quartiersim
from quartiersim import ACTIVITIES, ROLES, STRATEGIES, QuartierModel

PRESETS = [name for name, s in STRATEGIES.items() if s.mix is not None]
CASE_WORK = "case_work"

PACKAGE = Path(quartiersim.__file__).parent
# Where a strategy's name may legitimately appear: its declaration, the parameter table, and
# the package's front page. Everything else here is the model and must not care (the front ends
# that show names to people live in sub-packages: cli/, app/, experiments/, validation/).
ALLOWED = {"strategies.py", "parameters.py", "__init__.py"}
MODEL_MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name not in ALLOWED)


# -- the presets -----------------------------------------------------------------------------------


def test_strategy_names_are_the_designed_ones() -> None:
    assert list(STRATEGIES) == [
        "none",
        "top_down",
        "networking",
        "political",
        "empowerment",
        "custom",
    ]
    for name, s in STRATEGIES.items():
        assert s.name == name
        assert all(s.label) and all(s.description)


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_a_share_for_every_activity(name: str) -> None:
    mix = STRATEGIES[name].mix
    assert set(mix) == set(ACTIVITIES)
    assert all(share >= 0 for share in mix.values())
    total = math.fsum(mix.values())
    assert total == pytest.approx(0.0 if name == "none" else 1.0)


def test_presets_spend_time_as_the_theory_describes() -> None:
    """top_down: only case work; networking: embedding roles; political: political roles;
    empowerment: all six roles, balanced; custom: whatever ``role_mix`` says."""
    used = {n: {a for a, s in STRATEGIES[n].mix.items() if s > 0} for n in PRESETS}
    assert used["none"] == set()
    assert used["top_down"] == {CASE_WORK}
    assert used["networking"] == {
        "resource_diagnostician",
        "organisation_helper",
        "conflict_mediator",
    }
    assert used["political"] == {"problem_sensor", "door_opener", "dialogue_manager"}
    assert used["empowerment"] == set(ROLES)
    shares = {STRATEGIES["empowerment"].mix[r] for r in ROLES}
    assert max(shares) == pytest.approx(min(shares))
    assert STRATEGIES["custom"].mix is None


# -- the behavioural twin --------------------------------------------------------------------------


def weeks_of(m: QuartierModel, weeks: int = 8) -> pd.DataFrame:
    for _ in range(weeks):
        m.step()
    return data(m)


def data(m: QuartierModel) -> pd.DataFrame:
    return m.datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize("name", PRESETS)
def test_custom_with_a_presets_mix_gives_the_presets_data(name: str, paired_runs) -> None:
    """If any code looked at the strategy's *name*, ``custom`` with the very same role mix
    would behave differently from the preset."""
    preset, twin = paired_runs(
        {"strategy": name},
        {"strategy": "custom", "role_mix": STRATEGIES[name].mix},
        weeks=8,
        seed=9,
    )
    pd.testing.assert_frame_equal(data(preset), data(twin))


def test_an_explicit_role_mix_overrides_the_preset(paired_runs) -> None:
    mix = {"door_opener": 1.0, "case_work": 1.0}
    a, b = paired_runs(
        {"strategy": "political"}, {"strategy": "custom"}, weeks=5, seed=9, role_mix=mix
    )
    pd.testing.assert_frame_equal(data(a), data(b))


def test_switching_strategy_live_equals_a_preset_from_the_switch_on() -> None:
    """``set_strategy`` changes only the workers' role mixes: switching at week 0 is the same
    as starting with that strategy."""
    switched = QuartierModel(rng=9, strategy="none", **SMALL_QUARTER)
    switched.set_strategy("networking")
    pd.testing.assert_frame_equal(
        weeks_of(switched, 5),
        weeks_of(QuartierModel(rng=9, strategy="networking", **SMALL_QUARTER), 5),
    )


# -- the code scan ---------------------------------------------------------------------------------


def _strategy_literals(node: ast.AST) -> list[str]:
    """Strategy names written as string literals in ``node`` (alone or in a tuple/list/set)."""
    if isinstance(node, ast.Constant) and node.value in STRATEGIES:
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [v for e in node.elts for v in _strategy_literals(e)]
    return []


def strategy_decisions(source: str, filename: str) -> list[str]:
    """Places in ``source`` where code decides something on a strategy's name: comparisons with
    or membership in strategy-name literals, ``match`` cases on them, lookups keyed by them, and
    any read of a ``.strategy`` attribute or ``["strategy"]`` entry other than to turn the
    name into a role mix (``role_mix_for``) or to store it."""
    tree = ast.parse(source, filename)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []

    def where(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                for name in _strategy_literals(operand):
                    where(node, f"compares with strategy name {name!r}")
        elif isinstance(node, ast.MatchValue):
            for name in _strategy_literals(node.value):
                where(node, f"matches strategy name {name!r}")
        elif isinstance(node, ast.Subscript):
            for name in _strategy_literals(node.slice):
                where(node, f"looks up by strategy name {name!r}")
        reads_strategy = (isinstance(node, ast.Attribute) and node.attr == "strategy") or (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value == "strategy"
        )
        if reads_strategy and isinstance(node.ctx, ast.Load):
            parent = parents.get(node)
            into_mix = (
                isinstance(parent, ast.Call)
                and getattr(parent.func, "id", getattr(parent.func, "attr", None)) == "role_mix_for"
            )
            stored = isinstance(parent, ast.Assign | ast.AnnAssign)
            if not (into_mix or stored):
                where(node, "reads the strategy")
    return found


def test_the_scan_catches_decisions_on_a_strategy_name() -> None:
    """The scanner itself must not be a test that cannot fail."""
    bad = [
        'if model.strategy == "top_down":\n    x = 1\n',
        'x = 1 if p["strategy"] in ("networking", "empowerment") else 0\n',
        'match s:\n    case "political":\n        pass\n',
        'bonus = {"empowerment": 2.0}["empowerment"]\n',
        "effect = helplessness * (2 if self.model.strategy else 1)\n",
    ]
    for source in bad:
        assert strategy_decisions(source, "<bad>"), source
    fine = [
        'self.strategy: str = p["strategy"]\n',
        'mix = role_mix_for(p["strategy"], p["role_mix"])\n',
        'if reason == "attendance":\n    pass\n',
    ]
    for source in fine:
        assert not strategy_decisions(source, "<fine>"), source


def test_no_model_code_decides_on_a_strategy_name() -> None:
    assert any(p.name == "model.py" for p in MODEL_MODULES)
    assert any(p.name == "roles.py" for p in MODEL_MODULES)
    found = [
        hit for path in MODEL_MODULES for hit in strategy_decisions(path.read_text(), path.name)
    ]
    assert found == []
