"""Diagnosis from what the team knows (raumdiagnostische Kompetenz).

Herriger: the professional builds "eine stets aktuelle Wissensbasis" through needs and resource
diagnostics; the deficit view lets residents' resources slip out of sight. Knowledge is built
from contact, never handed to the workers: roles decide on the team's knowledge and on public
state only, readings are noisy, and estimates get better with repeated contact.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_QUARTER

from quartiersim import QuartierModel
from quartiersim.residents import DOMAINS

SMALL = SMALL_QUARTER
ROLES_PY = Path(__file__).resolve().parent.parent / "src" / "quartiersim" / "roles.py"

HIDDEN = {
    "residents",
    "resources",
    "activated",
    "buried",
    "everyday",
    "helplessness",
    "withdrawn",
    "strain",
    "support",
    "self_efficacy",
    "threshold_trait",
    "expect_own",
    "expect_inst",
    "trust",
    "capacity",
    "capacities",
    "competence",
    "adjacency",
    "degree",
    "strength",
}
"""Names through which a role could read residents' hidden state: the residents' arrays, and
the world's functions that compute from them (a group's true capacity, the tie network)."""


def hidden_reads(source: str) -> list[str]:
    """Every attribute access to a hidden name in ``source``, as 'line: name'."""
    return [
        f"{node.lineno}: .{node.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in HIDDEN
    ]


class Guarded:
    """The residents, seen through a guard: reading any attribute from code in the roles or
    workers modules raises; every other module (the world's entry points) reads through."""

    FORBIDDEN = ("quartiersim.roles", "quartiersim.workers")

    def __init__(self, real) -> None:
        object.__setattr__(self, "_real", real)

    def __getattribute__(self, name: str):
        caller = sys._getframe(1).f_globals.get("__name__")
        if caller in Guarded.FORBIDDEN:
            raise AssertionError(f"{caller} read residents.{name}")
        return getattr(object.__getattribute__(self, "_real"), name)

    def __setattr__(self, name: str, value) -> None:
        caller = sys._getframe(1).f_globals.get("__name__")
        if caller in Guarded.FORBIDDEN:
            raise AssertionError(f"{caller} wrote residents.{name}")
        setattr(object.__getattribute__(self, "_real"), name, value)


def test_the_scan_sees_a_role_that_reads_hidden_state() -> None:
    """The scan is not blind: a role that sorts residents by their true resources is caught."""
    bad = "def role(m, w, b):\n    best = m.residents.activated[:, 0].argmax()\n"
    assert sorted(hidden_reads(bad)) == ["2: .activated", "2: .residents"]


def test_role_functions_never_read_residents_hidden_state() -> None:
    """An AST scan of roles.py finds no access to residents' arrays or to functions that
    compute from them; and a run in which the residents are guarded — any read from the roles
    or workers modules raises — goes through every strategy's weeks."""
    assert hidden_reads(ROLES_PY.read_text(encoding="utf-8")) == []
    for strategy in ("empowerment", "networking", "political", "top_down"):
        m = QuartierModel(rng=2, strategy=strategy, **SMALL)
        m.residents = Guarded(m.residents)
        for _ in range(30):
            m.step()
        assert m.measures["worker_hours"] > 0


def test_the_guard_catches_a_role_reading_the_residents() -> None:
    """The guard is not blind either: a read from the roles module raises."""
    m = QuartierModel(rng=2, strategy="none", **SMALL)
    guarded = Guarded(m.residents)
    code = compile("guarded.activated", "<roles>", "eval")
    with pytest.raises(AssertionError, match=r"read residents\.activated"):
        eval(code, {"__name__": "quartiersim.roles", "guarded": guarded})
    assert guarded.activated is m.residents.activated  # read from here: allowed


def worker_log(m: QuartierModel) -> list[tuple]:
    return [
        (e.week, e.key, tuple(sorted(e.data.items()))) for e in m.activity if "worker" in e.data
    ]


def test_worker_decisions_do_not_depend_on_hidden_state_the_team_has_not_observed() -> None:
    """Two quarters that differ only in the hidden resources of residents the team never met
    give identical worker actions: the workers cannot act on what they have not seen."""
    calm = {
        "strategy": "custom",
        "role_mix": {"resource_diagnostician": 1.0, "problem_sensor": 1.0},
        "founding_rate": 0.0,
        "problem_arrival_weeks": 10_000.0,
        **SMALL,
    }
    weeks = 6
    a = QuartierModel(rng=5, **calm)
    for _ in range(weeks):
        a.step()
    never_met = np.flatnonzero(a.knowledge.contacts == 0)
    assert 20 <= len(never_met) < SMALL["n_residents"]

    b = QuartierModel(rng=5, **calm)
    r = b.residents
    # Their true resources change (more buried talent); what is activated stays.
    r.resources[never_met] = r.activated[never_met] + 0.9 * (1.0 - r.activated[never_met])
    for _ in range(weeks):
        b.step()
    assert worker_log(a) == worker_log(b)
    np.testing.assert_array_equal(a.knowledge.contacts, b.knowledge.contacts)


def test_diagnosis_error_shrinks_with_repeated_contact() -> None:
    """Estimates are running means of noisy readings: after k contacts the error is about
    noise / √k (clipping to [0, 1] aside), so sixteen contacts err about a quarter as much."""
    m = QuartierModel(rng=3, strategy="none", diagnosis_noise=0.2, **SMALL)
    r, k = m.residents, m.knowledge
    who = np.arange(SMALL["n_residents"])
    truth = r.activated[who]
    errors = {}
    for contacts in range(1, 17):
        m.get_to_know(who)
        errors[contacts] = np.sqrt(np.mean((k.activated_est[who] - truth) ** 2))
    assert (k.contacts[who] == 16).all()
    assert errors[16] < 0.4 * errors[1]
    assert errors[4] < 0.7 * errors[1]
    assert errors[1] < 0.2 + 0.02  # one reading errs by about the noise, or less (clipping)


def test_at_zero_noise_one_contact_gives_the_true_reading() -> None:
    m = QuartierModel(rng=3, strategy="none", diagnosis_noise=0.0, **SMALL)
    r, k = m.residents, m.knowledge
    who = np.array([3, 7, 11])
    m.get_to_know(who)
    np.testing.assert_array_equal(k.activated_est[who], r.activated[who])
    np.testing.assert_allclose(k.buried_est[who], r.buried[who])
    np.testing.assert_array_equal(k.seen_withdrawn[who], r.withdrawn[who])
    assert k.known[who].all() and k.known.sum() == 3
    assert k.buried_est.shape[1] == len(DOMAINS)


def test_group_capacity_is_known_only_from_sessions_with_the_group() -> None:
    """The organisation helper and the door opener order groups by the team's estimate: a group
    the team never worked with has none; a session gives a reading near the true capacity."""
    m = QuartierModel(rng=4, strategy="none", diagnosis_noise=0.0, **SMALL)
    g = m.groups.found(-1, np.arange(6), funds=500.0)
    assert m.knowledge.capacity_estimate(g.id, unknown=-1.0) == -1.0
    m.knowledge.record_group_session(g.id, m.groups.observe_capacity(g))
    assert m.knowledge.capacity_estimate(g.id, unknown=-1.0) == pytest.approx(m.groups.capacity(g))


def test_newcomers_are_strangers_to_the_team() -> None:
    m = QuartierModel(rng=4, strategy="none", **SMALL)
    m.get_to_know(np.arange(20))
    m.knowledge.offered_week[:20] = 3
    m.replace_residents(np.arange(10))
    k = m.knowledge
    assert not k.known[:10].any() and k.known[10:20].all()
    assert (k.contacts[:10] == 0).all() and (k.offered_week[:10] < 0).all()
