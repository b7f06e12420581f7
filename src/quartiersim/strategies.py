"""Strategies: named presets of how community workers split their hours.

A strategy is nothing but a default role mix. What follows from it follows only from what the
workers do through the role mechanisms in :mod:`quartiersim.roles`; no code reads a strategy's
name to decide an outcome. Each mix is written out in full, so a preset does not change when
a role is added: a new role joins a strategy only when someone writes it into its mix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quartiersim.registry import Registry, Text, as_text
from quartiersim.roles import ACTIVITIES, check_role_mix


@dataclass(frozen=True)
class Strategy:
    """A strategy: a named role mix (``shares``; ``None`` for 'custom', whose mix comes from the
    ``role_mix`` parameter), its name and description for people, and its colour in figures."""

    name: str
    shares: Mapping[str, float] | None  # activity -> share of the hours (normalised on use)
    label: Text
    description: Text
    colour: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", as_text(self.label))
        object.__setattr__(self, "description", as_text(self.description))
        check_role_mix(self.shares, name=f"strategy {self.name!r}")

    @property
    def mix(self) -> dict[str, float] | None:
        """The normalised role mix over every declared activity (``None`` for 'custom')."""
        return check_role_mix(self.shares)


STRATEGIES: Registry[Strategy] = Registry("strategy")
"""The strategy presets by name, in declaration order (the order the front-ends show)."""

STRATEGIES.add(
    Strategy(
        "none",
        {},
        Text("No intervention", "Keine Intervention"),
        Text(
            "No intervention: the counterfactual quarter without community work.",
            "Keine Intervention: das Quartier ohne Gemeinwesenarbeit (Vergleichsfall).",
        ),
        colour="#7f7f7f",
    )
)
STRATEGIES.add(
    Strategy(
        "top_down",
        {"case_work": 1.0},
        Text("Top-down care", "Fürsorge von oben"),
        Text(
            "Deficit-oriented care: the same hours spent solving problems for residents "
            "(case handling, expert planning).",
            "Defizitorientierte Fürsorge: dieselben Stunden für stellvertretende "
            "Problemlösung (Fallbearbeitung, Expertenplanung).",
        ),
        colour="#d62728",
    )
)
STRATEGIES.add(
    Strategy(
        "networking",
        {"resource_diagnostician": 0.35, "organisation_helper": 0.4, "conflict_mediator": 0.25},
        Text("Networking", "Vernetzung"),
        Text(
            "Networking and embedding: resource diagnostics, organisation help, mediation.",
            "Vernetzung und soziale Unterstützung: Ressourcendiagnose, Organisationshilfe, "
            "Konfliktvermittlung.",
        ),
        colour="#2ca02c",
    )
)
STRATEGIES.add(
    Strategy(
        "political",
        {"problem_sensor": 0.3, "door_opener": 0.4, "dialogue_manager": 0.3},
        Text("Political capability", "Politikfähigkeit"),
        Text(
            "Political capability: problem sensing, door opening, dialogue management.",
            "Politikfähigkeit: Problemsensorik, Türöffnen, Dialogmanagement.",
        ),
        colour="#9467bd",
    )
)
STRATEGIES.add(
    Strategy(
        "empowerment",
        {
            "problem_sensor": 1.0,
            "resource_diagnostician": 1.0,
            "organisation_helper": 1.0,
            "door_opener": 1.0,
            "dialogue_manager": 1.0,
            "conflict_mediator": 1.0,
        },
        Text("Empowerment", "Empowerment"),
        Text(
            "Empowerment: all six roles, balanced.",
            "Empowerment: alle sechs Rollen, ausgewogen.",
        ),
        colour="#1f77b4",
    )
)
STRATEGIES.add(
    Strategy(
        "custom",
        None,
        Text("Custom mix", "Eigene Mischung"),
        Text("Any role mix (set role_mix).", "Beliebige Rollenmischung (role_mix)."),
        colour="#8c564b",
    )
)


def role_mix_for(strategy: str, role_mix: dict[str, float] | None) -> dict[str, float]:
    """The effective mix: an explicit ``role_mix`` wins; else the strategy's preset."""
    if role_mix is not None:
        return dict(role_mix)
    preset = STRATEGIES[strategy].mix
    if preset is None:
        raise ValueError(
            f"strategy={strategy!r} needs role_mix: a mapping of activities "
            f"({', '.join(ACTIVITIES)}) to shares"
        )
    return dict(preset)
