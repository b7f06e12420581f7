"""Strategies: named presets of how community workers split their hours.

A strategy is nothing but a default role mix. What follows from it follows only from what the
workers do through the role mechanisms in :mod:`quartiersim.roles`; no code reads a strategy's
name to decide an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from quartiersim.parameters import ACTIVITIES, CASE_WORK, ROLES, check_role_mix


@dataclass(frozen=True)
class Strategy:
    """A strategy: a named role mix (``None`` for 'custom') with English and German descriptions."""

    name: str
    mix: dict[str, float] | None  # None: 'custom', the mix comes from the role_mix parameter
    en: str
    de: str


def _mix(**shares: float) -> dict[str, float]:
    mix = check_role_mix(shares)
    assert mix is not None
    return mix


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy(
            "none",
            dict.fromkeys(ACTIVITIES, 0.0),
            "No intervention: the counterfactual quarter without community work.",
            "Keine Intervention: das Quartier ohne Gemeinwesenarbeit (Vergleichsfall).",
        ),
        Strategy(
            "top_down",
            _mix(**{CASE_WORK: 1.0}),
            "Deficit-oriented care: the same hours spent solving problems for residents "
            "(case handling, expert planning).",
            "Defizitorientierte Fürsorge: dieselben Stunden für stellvertretende "
            "Problemlösung (Fallbearbeitung, Expertenplanung).",
        ),
        Strategy(
            "networking",
            _mix(resource_diagnostician=0.35, organisation_helper=0.4, conflict_mediator=0.25),
            "Networking and embedding: resource diagnostics, organisation help, mediation.",
            "Vernetzung und soziale Unterstützung: Ressourcendiagnose, Organisationshilfe, "
            "Konfliktvermittlung.",
        ),
        Strategy(
            "political",
            _mix(problem_sensor=0.3, door_opener=0.4, dialogue_manager=0.3),
            "Political capability: problem sensing, door opening, dialogue management.",
            "Politikfähigkeit: Problemsensorik, Türöffnen, Dialogmanagement.",
        ),
        Strategy(
            "empowerment",
            _mix(**dict.fromkeys(ROLES, 1.0)),
            "Empowerment: all six roles, balanced.",
            "Empowerment: alle sechs Rollen, ausgewogen.",
        ),
        Strategy(
            "custom",
            None,
            "Any role mix (set role_mix).",
            "Beliebige Rollenmischung (role_mix).",
        ),
    )
}


def role_mix_for(strategy: str, role_mix: dict[str, float] | None) -> dict[str, float]:
    """The effective mix: an explicit ``role_mix`` wins; else the strategy's preset."""
    if role_mix is not None:
        return dict(role_mix)
    preset = STRATEGIES[strategy].mix
    if preset is None:
        raise ValueError(
            "strategy='custom' needs role_mix: a mapping of activities "
            f"({', '.join(ACTIVITIES)}) to shares"
        )
    return dict(preset)
