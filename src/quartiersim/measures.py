"""What is measured: the quarter's state in numbers, every week.

Every measure is computed from the current state — never accumulated on the side — except the
explicit counters of the arena (claims raised and granted so far). The two composites are the
means of named parts, each in [0, 1], so that a reader can see what moved them
(:func:`social_capital_parts`, :func:`political_influence_parts`). Formulas and reasons:
``docs/measures.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from quartiersim.problems import SOLVED

if TYPE_CHECKING:
    from quartiersim.model import QuartierModel

DEGREE_HALF = 3.0
"""Ties at which the 'ties' part of social capital is one half: about the size of a core
discussion network (McPherson, Smith-Lovin & Brashears 2006: 2.08)."""

STRONG_TIE = 0.5
"""Weight from which a tie counts as part of one's core network."""

MEASURES: dict[str, str] = {
    "social_capital": "Composite index in [0, 1] of the resident network: ties, strength, "
    "bridging, connectedness, support (mean of five parts).",
    "political_influence": "Composite index in [0, 1]: organised share, claims granted in the "
    "last year, allies won, the administration's responsiveness (mean of four parts).",
    "helplessness": "Mean learned helplessness (erlernte Hilflosigkeit), 0..1.",
    "withdrawn_share": "Share of residents in resigned privacy (resignative Privatheit).",
    "activated_resources": "Share of all hidden resources that is activated.",
    "self_efficacy": "Mean self-efficacy (Selbstwirksamkeit), 0..1.",
    "feel_influential": "Share of residents with self-efficacy of at least 0.5: they feel able "
    "to influence what happens around them.",
    "participation": "Share of residents active in an action group.",
    "bonding_ties": "Ties within the same origin and age group.",
    "bridging_ties": "Ties across origin or age groups.",
    "mean_degree": "Mean number of ties per resident.",
    "core_ties": "Mean number of strong ties (weight >= 0.5) per resident: the core network.",
    "mean_tie_strength": "Mean weight of existing ties, 0..1.",
    "largest_component": "Share of residents in the largest connected part of the network.",
    "support": "Mean social support received along ties, 0..1.",
    "belonging": "Mean belonging to the quarter, 0..1.",
    "claims_raised": "Claims raised at resident assemblies so far.",
    "claims_granted": "Claims granted by the administration so far.",
    "claims_success": "Share of the administration's decisions of the last 52 weeks that "
    "granted the claim.",
    "problems_open": "Structural problems not (yet) solved, latent or visible.",
    "problems_visible": "Open problems that are publicly visible.",
    "problems_solved": "Problems solved so far.",
    "allies": "Allies (associations, politicians, civil society) currently supporting groups.",
    "responsiveness": "The administration's responsiveness to residents' claims, 0..1.",
    "institutional_trust": "Mean trust in institutions, 0..1.",
    "voice_equality": "1 − Gini of participation rates across origin groups (1: equal voice).",
    "active_groups": "Action groups currently active.",
    "conflicts_open": "Conflicts between claims left unmediated so far.",
    "conflicts_mediated": "Conflicts turned into compromises so far.",
    "worker_hours": "Hours the community workers spent this week.",
    "project_running": "1 while the funded project runs, 0 after the exit.",
}
"""Every measure the model records each week, with its meaning (the data dictionary)."""


def social_capital_parts(m: QuartierModel, bridging: np.ndarray | None = None) -> dict[str, float]:
    """The five parts of social capital, each in [0, 1] (see ``docs/measures.md``).

    ``bridging`` (which ties are bridging) may be passed in when the caller has it already.
    """
    r, t = m.residents, m.ties
    degree = 2.0 * len(t) / r.n
    if bridging is None:
        bridging = t.bridging(r.origin, r.age)
    # Bridging relative to what random mixing would give: 1 means no homophily at all.
    cell = r.origin * 3 + r.age
    shares = np.bincount(cell) / r.n
    expected = 1.0 - float((shares**2).sum())
    bridging_part = min(1.0, bridging.mean() / expected) if len(t) and expected > 0 else 0.0
    return {
        "ties": degree / (degree + DEGREE_HALF),
        "strength": float(t.weight.mean()) if len(t) else 0.0,
        "bridging": float(bridging_part),
        "connectedness": largest_component_share(m),
        "support": float(r.support.mean()),
    }


def political_influence_parts(m: QuartierModel) -> dict[str, float]:
    """The four parts of political influence, each in [0, 1] (see ``docs/measures.md``)."""
    a = m.arena
    potential = len(a.ally_of)
    return {
        "organised": participation(m),
        "success": a.recent_success(),
        "allies": a.allies / potential if potential else 0.0,
        "access": float(a.responsiveness),
    }


def participation(m: QuartierModel) -> float:
    """Share of residents active in an action group."""
    return float((m.residents.group >= 0).mean())


def largest_component_share(m: QuartierModel) -> float:
    """Share of residents in the largest connected part of the tie network."""
    return m.ties.largest_component() / m.residents.n


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: all equal); 0 when all are zero."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0 or values.sum() == 0:
        return 0.0
    diffs = np.abs(values[:, None] - values[None, :]).sum()
    return float(diffs / (2.0 * len(values) ** 2 * values.mean()))


def voice_equality(m: QuartierModel) -> float:
    """1 − Gini of the participation rates of the origin groups (1: equal voice)."""
    r = m.residents
    counts = np.bincount(r.origin, minlength=m.p["n_origins"])
    active = np.bincount(r.origin, weights=r.group >= 0, minlength=m.p["n_origins"])
    rates = np.divide(active, counts, out=np.zeros(len(counts)), where=counts > 0)
    return 1.0 - gini(rates[counts > 0])


def compute(m: QuartierModel) -> dict[str, float]:
    """All measures of :data:`MEASURES` for the model's current state."""
    r, t, a, pr = m.residents, m.ties, m.arena, m.problems
    is_bridging = t.bridging(r.origin, r.age)
    sc = social_capital_parts(m, is_bridging)
    pi = political_influence_parts(m)
    bridging = int(is_bridging.sum())
    efficacy = r.self_efficacy
    return {
        "social_capital": float(np.mean(list(sc.values()))),
        "political_influence": float(np.mean(list(pi.values()))),
        "helplessness": float(r.helplessness.mean()),
        "withdrawn_share": float(r.withdrawn.mean()),
        "activated_resources": float(r.activated.sum() / r.resources.sum()),
        "self_efficacy": float(efficacy.mean()),
        "feel_influential": float((efficacy >= 0.5).mean()),
        "participation": pi["organised"],
        "bonding_ties": len(t) - bridging,
        "bridging_ties": bridging,
        "mean_degree": 2.0 * len(t) / r.n,
        "core_ties": 2.0 * float((t.weight >= STRONG_TIE).sum()) / r.n,
        "mean_tie_strength": sc["strength"],
        "largest_component": sc["connectedness"],
        "support": sc["support"],
        "belonging": float(r.belonging.mean()),
        "claims_raised": a.claims_raised,
        "claims_granted": a.claims_granted,
        "claims_success": pi["success"],
        "problems_open": int(pr.open.sum()),
        "problems_visible": int(pr.visible.sum()),
        "problems_solved": int((pr.status == SOLVED).sum()),
        "allies": a.allies,
        "responsiveness": pi["access"],
        "institutional_trust": float(r.trust.mean()),
        "voice_equality": voice_equality(m),
        "active_groups": len(m.groups.active),
        "conflicts_open": a.conflicts_open,
        "conflicts_mediated": a.conflicts_mediated,
        "worker_hours": float(sum(sum(w.spent_week.values()) for w in m.workers)),
        "project_running": int(m.project_running),
    }
