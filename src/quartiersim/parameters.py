"""The one declaration of every model parameter.

Each :class:`Parameter` carries its name, default, allowed range or choices, unit, meaning and,
where one exists, the source of its default — and its name and meaning for people in English
and German. This table feeds everything that shows or checks a parameter: :func:`validate`
(used by :class:`~quartiersim.model.QuartierModel`), the command line (``--n-residents``),
experiment files, the browser view's controls and the documentation. Add a parameter here and
it appears everywhere.

The parameters that name other declarations are checked against their registries, live: the
``strategy`` against :data:`~quartiersim.strategies.STRATEGIES`, the ``role_mix`` against
:data:`~quartiersim.roles.ACTIVITIES`, the ``events`` schedule against
:data:`~quartiersim.events.EVENTS`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from quartiersim.events import parse_schedule
from quartiersim.registry import Text, as_text
from quartiersim.roles import ACTIVITIES, ROLES, check_role_mix
from quartiersim.strategies import STRATEGIES

__all__ = [
    "ACTIVITIES",
    "DEFAULTS",
    "GROUPS",
    "PARAMETERS",
    "PRESETS",
    "ROLES",
    "SEMINAR",
    "UNITS",
    "Parameter",
    "Preset",
    "check_role_mix",
    "markdown_table",
    "staffing_ratio",
    "validate",
]

GROUPS: dict[str, Text] = {
    "quarter": Text("The quarter", "Das Quartier"),
    "ties": Text("Encounters and ties", "Begegnungen und Beziehungen"),
    "helplessness": Text("Helplessness and resources", "Hilflosigkeit und Ressourcen"),
    "groups": Text("Action groups", "Aktionsgruppen"),
    "arena": Text("Political arena", "Politische Arena"),
    "workers": Text("Community workers", "Fachkräfte"),
    "events": Text("Events", "Ereignisse"),
}
"""The groups parameters are declared in (``Parameter.group``), with their headings."""

UNITS: dict[str, Text] = {
    "households": Text("households", "Haushalte"),
    "cells": Text("cells", "Zellen"),
    "groups": Text("groups", "Gruppen"),
    "weeks": Text("weeks", "Wochen"),
    "encounters/week": Text("encounters/week", "Begegnungen/Woche"),
    "1/week": Text("per week", "pro Woche"),
    "claims": Text("claims", "Forderungen"),
    "actors": Text("actors", "Akteure"),
    "persons": Text("persons", "Personen"),
    "hours": Text("hours", "Stunden"),
}
"""The units parameters are given in, as people read them."""


@dataclass(frozen=True)
class Parameter:
    """One model parameter: what it is, what it may be, where its default comes from."""

    name: str
    default: Any
    kind: type  # int, float, str, bool, dict (role mix) or tuple (events)
    meaning: str
    label: Text  # a short name for people, English and German
    meaning_de: str  # the meaning in German
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: Collection[str] | None = None  # a registry's names, read live
    source: str = ""
    group: str = "quarter"  # for grouping controls and docs
    tunable: bool = True  # shown as a slider/selector in the browser view

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", as_text(self.label))

    @property
    def cli_flag(self) -> str:
        """The command-line flag: ``n_residents`` → ``--n-residents``."""
        return "--" + self.name.replace("_", "-")

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is dict:
            return "a mapping of activities (" + ", ".join(ACTIVITIES) + ") to shares >= 0"
        if self.kind is tuple:
            return "a list of 'week:event' entries"
        if self.kind is bool:
            return "true or false"
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in [{self.low:g}, {self.high:g}]"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ``ValueError``."""
        bad = ValueError(f"{self.name}={value!r} is not allowed: expected {self.allowed()}")
        if self.kind is dict:
            return check_role_mix(value, name=self.name)
        if self.kind is tuple:
            return parse_schedule(value, name=self.name)
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise bad
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise bad
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            # Accept numeric strings from text inputs ("12"), nothing else.
            try:
                value = float(value) if isinstance(value, str) else value
            except ValueError:
                raise bad from None
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise bad
        try:  # NaN, infinity and huge ints fail here; they are bad values, not crashes
            if self.kind is int:
                if float(value) != int(value):
                    raise bad
                value = int(value)
            else:
                value = float(value)
        except (OverflowError, ValueError):
            raise bad from None
        if not (self.low <= value <= self.high):  # also rejects NaN
            raise bad
        return value


def _p(name: str, default: Any, kind: type, meaning: str, **kw: Any) -> Parameter:
    return Parameter(name=name, default=default, kind=kind, meaning=meaning, **kw)


_DECLARATION: tuple[Parameter, ...] = (
    # --- the quarter -------------------------------------------------------------------------
    _p(
        "n_residents",
        2500,
        int,
        "Resident households in the quarter (one agent stands for a household).",
        unit="households",
        low=10,
        high=100_000,
        group="quarter",
        source="Soziale Stadt / Quartiersmanagement areas have about 5,000-20,000 residents; "
        "at about two persons per German household, 2,500 households is a small real area "
        "(docs/theory.md). The seminar preset has 600.",
        label=("Households", "Haushalte"),
        meaning_de="Haushalte im Quartier (ein Agent kann für einen Haushalt stehen).",
    ),
    _p(
        "width",
        80,
        int,
        "Width of the quarter's grid.",
        unit="cells",
        low=10,
        high=400,
        source="Assumption: 80 x 80 cells keep about 0.4 households per cell, as in the "
        "seminar preset's 40 x 40.",
        label=("Width", "Breite"),
        meaning_de="Breite des Quartiersgitters (Zellen).",
    ),
    _p(
        "height",
        80,
        int,
        "Height of the quarter's grid.",
        unit="cells",
        low=10,
        high=400,
        source="Assumption: 80 x 80 cells keep about 0.4 households per cell, as in the "
        "seminar preset's 40 x 40.",
        label=("Height", "Höhe"),
        meaning_de="Höhe des Quartiersgitters (Zellen).",
    ),
    _p(
        "segregation",
        0.6,
        float,
        "Residential segregation by origin: 0 mixed, 1 every household "
        "in its origin group's part of the quarter.",
        low=0.0,
        high=1.0,
        label=("Segregation", "Segregation"),
        meaning_de="Räumliche Trennung nach Herkunft: 0 gemischt, 1 jeder Haushalt im Teil seiner "
        "Herkunftsgruppe.",
    ),
    _p(
        "n_origins",
        3,
        int,
        "Number of origin groups (long-established residents and immigrant communities).",
        unit="groups",
        low=1,
        high=6,
        label=("Origin groups", "Herkunftsgruppen"),
        meaning_de="Zahl der Herkunftsgruppen (Alteingesessene und Zugewanderte).",
    ),
    _p(
        "n_problems",
        8,
        int,
        "Structural problems present at the start (poor lighting, no "
        "youth space, rent pressure, noise, neglected green ...).",
        low=0,
        high=40,
        label=("Problems at start", "Probleme zu Beginn"),
        meaning_de="Strukturelle Probleme zu Beginn (schlechte Beleuchtung, kein Jugendtreff, "
        "Mietdruck, Lärm, verwahrloste Grünflächen …).",
    ),
    _p(
        "problem_arrival_weeks",
        52.0,
        float,
        "Mean weeks between new structural problems appearing in the quarter.",
        unit="weeks",
        low=1.0,
        high=10_000.0,
        label=("Weeks between new problems", "Wochen zwischen neuen Problemen"),
        meaning_de="Mittlere Zahl der Wochen, bis ein neues strukturelles Problem entsteht.",
    ),
    _p(
        "routine_repair_weeks",
        104.0,
        float,
        "Mean weeks until the administration fixes a "
        "visible, non-structural problem on its own routine (without any claim).",
        unit="weeks",
        low=1.0,
        high=100_000.0,
        label=("Weeks until routine repair", "Wochen bis zur Routinereparatur"),
        meaning_de="Mittlere Zahl der Wochen, bis die Verwaltung ein sichtbares, nicht "
        "strukturelles Problem von sich aus behebt (ohne Forderung).",
    ),
    _p(
        "initial_helplessness",
        0.4,
        float,
        "Mean learned helplessness at the start (erlernte Hilflosigkeit).",
        low=0.0,
        high=1.0,
        source="Stylised: a disadvantaged quarter where resignation is common (Herriger).",
        label=("Initial helplessness", "Anfängliche Hilflosigkeit"),
        meaning_de="Mittlere erlernte Hilflosigkeit zu Beginn.",
    ),
    _p(
        "withdrawal_threshold",
        0.7,
        float,
        "Helplessness above which a resident retreats "
        "into resigned privacy (resignative Privatheit): no voluntary encounters.",
        low=0.05,
        high=1.0,
        label=("Withdrawal threshold", "Rückzugsschwelle"),
        meaning_de="Hilflosigkeit, ab der sich jemand in resignative Privatheit zurückzieht: keine "
        "freiwilligen Begegnungen mehr.",
    ),
    _p(
        "initial_activation",
        0.3,
        float,
        "Share of each resident's true resources that is "
        "activated at the start; the rest is buried (verschüttet).",
        low=0.0,
        high=1.0,
        label=("Initial activation", "Anfängliche Aktivierung"),
        meaning_de="Anteil der eigenen Ressourcen, der zu Beginn aktiviert ist; der Rest ist "
        "verschüttet.",
    ),
    # --- encounters and ties ----------------------------------------------------------------
    _p(
        "house_encounters",
        0.8,
        float,
        "Mean encounters per week in one's house community (Hausgemeinschaft).",
        unit="encounters/week",
        low=0.0,
        high=10.0,
        group="ties",
        label=("House encounters per week", "Begegnungen im Haus pro Woche"),
        meaning_de="Mittlere Begegnungen pro Woche in der Hausgemeinschaft.",
    ),
    _p(
        "place_visit_rate",
        0.25,
        float,
        "Weekly probability of visiting a public place "
        "(community centre, playground, square, café).",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="ties",
        label=("Visits to public places", "Besuche öffentlicher Orte"),
        meaning_de="Wöchentliche Wahrscheinlichkeit, einen öffentlichen Ort zu besuchen "
        "(Stadtteilzentrum, Spielplatz, Platz, Café).",
    ),
    _p(
        "tie_gain",
        0.17,
        float,
        "Tie strength added by one encounter.",
        low=0.0,
        high=1.0,
        group="ties",
        source="Assumption; its plausible range comes from history matching against the core "
        "discussion network (McPherson, Smith-Lovin & Brashears 2006: docs/calibration.md).",
        label=("Tie gain per encounter", "Beziehungszuwachs pro Begegnung"),
        meaning_de="Stärke, die eine Begegnung einer Beziehung hinzufügt.",
    ),
    _p(
        "bridging_openness",
        0.5,
        float,
        "Chance that an encounter across age or origin "
        "builds a tie, relative to one within (homophily).",
        low=0.0,
        high=1.0,
        group="ties",
        source="McPherson, Smith-Lovin & Cook 2001 (homophily).",
        label=("Openness across groups", "Offenheit über Gruppen hinweg"),
        meaning_de="Wahrscheinlichkeit, dass eine Begegnung über Alters- oder Herkunftsgrenzen "
        "eine Beziehung stiftet, relativ zu einer innerhalb (Homophilie).",
    ),
    _p(
        "bridge_survival_year",
        0.1,
        float,
        "Share of unreinforced bridging ties still there after one year.",
        low=0.0,
        high=1.0,
        group="ties",
        source="Burt 2002: about nine in ten bridges of one year are gone the next.",
        label=("Bridges surviving a year", "Brücken, die ein Jahr halten"),
        meaning_de="Anteil nicht gepflegter brückenbildender Beziehungen, die nach einem Jahr noch "
        "bestehen.",
    ),
    _p(
        "bond_survival_year",
        0.4,
        float,
        "Share of unreinforced bonding ties still there after one year.",
        low=0.0,
        high=1.0,
        group="ties",
        source="Burt 2000: decay is slower within groups and for close ties.",
        label=("Bonds surviving a year", "Bindungen, die ein Jahr halten"),
        meaning_de="Anteil nicht gepflegter bindender Beziehungen, die nach einem Jahr noch "
        "bestehen.",
    ),
    _p(
        "tie_fade",
        0.02,
        float,
        "Weekly loss of tie strength without contact.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="ties",
        label=("Weekly fading of ties", "Wöchentliches Verblassen"),
        meaning_de="Wöchentlicher Verlust an Beziehungsstärke ohne Kontakt.",
    ),
    _p(
        "tie_min",
        0.02,
        float,
        "Ties weaker than this are forgotten (pruned).",
        low=0.0,
        high=0.5,
        group="ties",
        label=("Weakest remembered tie", "Schwächste erinnerte Beziehung"),
        meaning_de="Beziehungen schwächer als dieser Wert werden vergessen.",
    ),
    # --- learned helplessness and resources ---------------------------------------------------
    _p(
        "problem_stress",
        0.02,
        float,
        "Weekly rise of helplessness from exposure to unsolved, "
        "uncontrollable problems (per unit of strain).",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="helplessness",
        source="Mechanism: Seligman & Maier 1967, Herriger. Value: assumption, range from "
        "history matching (docs/calibration.md).",
        label=("Stress from problems", "Belastung durch Probleme"),
        meaning_de="Wöchentlicher Anstieg der Hilflosigkeit durch ungelöste, unkontrollierbare "
        "Probleme (je Belastungseinheit).",
    ),
    _p(
        "support_relief",
        0.015,
        float,
        "Weekly fall of helplessness from social support along ties (per unit of support).",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="helplessness",
        label=("Relief from support", "Entlastung durch Unterstützung"),
        meaning_de="Wöchentlicher Rückgang der Hilflosigkeit durch soziale Unterstützung über "
        "Beziehungen.",
    ),
    _p(
        "mastery_effect",
        0.25,
        float,
        "Fall of helplessness from one full mastery experience (success through one's own action).",
        low=0.0,
        high=1.0,
        group="helplessness",
        label=("Effect of mastery", "Wirkung von Bewältigung"),
        meaning_de="Rückgang der Hilflosigkeit durch eine volle Bewältigungserfahrung (Erfolg "
        "durch eigenes Handeln).",
    ),
    _p(
        "failure_effect",
        0.1,
        float,
        "Rise of helplessness from one full failure (a refused claim, a collapse).",
        low=0.0,
        high=1.0,
        group="helplessness",
        label=("Effect of failure", "Wirkung von Misserfolg"),
        meaning_de="Anstieg der Hilflosigkeit durch einen vollen Misserfolg (abgelehnte Forderung, "
        "Zerfall).",
    ),
    _p(
        "noncontingency_effect",
        0.08,
        float,
        "Rise of helplessness from one outcome that did "
        "not depend on one's own action (being handled as a case).",
        low=0.0,
        high=1.0,
        group="helplessness",
        source="Seligman: helplessness is learned from non-contingent outcomes, good or bad.",
        label=("Effect of being handled", "Wirkung von Betreuung"),
        meaning_de="Anstieg der Hilflosigkeit durch ein Ergebnis, das nicht vom eigenen Handeln "
        "abhing (als Fall behandelt werden).",
    ),
    _p(
        "activation_gain",
        0.3,
        float,
        "Share of the buried gap in a domain activated by one full mastery experience in it.",
        low=0.0,
        high=1.0,
        group="helplessness",
        label=("Activation by mastery", "Aktivierung durch Bewältigung"),
        meaning_de="Anteil der verschütteten Lücke eines Bereichs, den eine volle "
        "Bewältigungserfahrung darin aktiviert.",
    ),
    _p(
        "resource_disuse",
        0.004,
        float,
        "Weekly loss of activated resources that go unused.",
        unit="1/week",
        low=0.0,
        high=0.2,
        group="helplessness",
        label=("Fading of unused resources", "Verblassen ungenutzter Ressourcen"),
        meaning_de="Wöchentlicher Verlust aktivierter Ressourcen, die ungenutzt bleiben.",
    ),
    # --- collective action --------------------------------------------------------------------
    _p(
        "base_threshold",
        0.6,
        float,
        "Granovetter threshold: share of one's ties already in a "
        "group needed to join, for an average resident.",
        low=0.0,
        high=1.0,
        group="groups",
        source="Mechanism: Granovetter 1978. Value: assumption, range from history matching "
        "(docs/calibration.md).",
        label=("Joining threshold", "Beitrittsschwelle"),
        meaning_de="Granovetter-Schwelle: Anteil der eigenen Beziehungen, die schon in einer "
        "Gruppe sind, ab dem eine durchschnittliche Person beitritt.",
    ),
    _p(
        "threshold_heterogeneity",
        1.0,
        float,
        "Spread of joining thresholds between residents "
        "(standard deviation of the log-threshold): some join early, some never.",
        low=0.0,
        high=3.0,
        group="groups",
        source="Granovetter 1978: outcomes depend on the whole distribution of thresholds.",
        label=("Spread of thresholds", "Streuung der Schwellen"),
        meaning_de="Unterschiede der Beitrittsschwellen zwischen Personen: manche treten früh bei, "
        "manche nie.",
    ),
    _p(
        "threshold_spread",
        0.5,
        float,
        "How strongly helplessness raises and self-efficacy lowers a resident's joining threshold.",
        low=0.0,
        high=2.0,
        group="groups",
        label=("Threshold sensitivity", "Empfindlichkeit der Schwelle"),
        meaning_de="Wie stark Hilflosigkeit die Beitrittsschwelle hebt und Selbstwirksamkeit sie "
        "senkt.",
    ),
    _p(
        "founding_rate",
        0.05,
        float,
        "Weekly chance that residents concerned about a visible "
        "problem start a group when one of them can organise.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="groups",
        source="Assumption, range from history matching (docs/calibration.md). Programme "
        "evaluations report new working groups per area, not a weekly rate (docs/theory.md).",
        label=("Founding rate", "Gründungsrate"),
        meaning_de="Wöchentliche Chance, dass Betroffene eines sichtbaren Problems eine Gruppe "
        "gründen, wenn eine von ihnen organisieren kann.",
    ),
    _p(
        "initiator_level",
        0.35,
        float,
        "Activated organising resource a resident needs to start a group without help.",
        low=0.0,
        high=1.0,
        group="groups",
        label=("Initiator's organising level", "Organisationskraft für Gründung"),
        meaning_de="Aktivierte Organisationsressource, die jemand braucht, um ohne Hilfe eine "
        "Gruppe zu gründen.",
    ),
    _p(
        "dropout_rate",
        0.03,
        float,
        "Weekly chance that a member of a group without recent success drifts away.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="groups",
        source="Assumption, range from history matching (docs/calibration.md). Wituk et al. "
        "2002 say why groups ended (76% falling attendance), not how fast members leave.",
        label=("Drop-out rate", "Ausstiegsrate"),
        meaning_de="Wöchentliche Chance, dass ein Mitglied einer Gruppe ohne jüngeren Erfolg "
        "wegbleibt.",
    ),
    _p(
        "assembly_weeks",
        13,
        int,
        "Weeks between resident assemblies, where claims are bundled and go to the administration.",
        unit="weeks",
        low=1,
        high=104,
        group="arena",
        label=("Weeks between assemblies", "Wochen zwischen Versammlungen"),
        meaning_de="Wochen zwischen Bewohnerversammlungen, auf denen Forderungen gebündelt und an "
        "die Verwaltung gegeben werden.",
    ),
    _p(
        "admin_attention",
        2,
        int,
        "Claims the administration can deal with per assembly.",
        unit="claims",
        low=0,
        high=50,
        group="arena",
        label=("Administration's attention", "Aufmerksamkeit der Verwaltung"),
        meaning_de="Forderungen, mit denen sich die Verwaltung pro Versammlung befassen kann.",
    ),
    _p(
        "admin_responsiveness",
        0.25,
        float,
        "Initial responsiveness of administration and local politics to residents' claims.",
        low=0.0,
        high=1.0,
        group="arena",
        source="Assumption, range from history matching (docs/calibration.md). Residents' "
        "felt influence (Community Life Survey) is a perception, not this administration "
        "property, and is not used for it.",
        label=("Administration's responsiveness", "Offenheit der Verwaltung"),
        meaning_de="Anfängliche Offenheit von Verwaltung und Lokalpolitik für Forderungen der "
        "Bewohner.",
    ),
    _p(
        "n_potential_allies",
        6,
        int,
        "Associations, local politicians and civil-society actors who could become allies.",
        unit="actors",
        low=0,
        high=50,
        group="arena",
        source="Gamson 1975: groups with alliances won more often.",
        label=("Potential allies", "Mögliche Verbündete"),
        meaning_de="Verbände, Lokalpolitiker und zivilgesellschaftliche Akteure, die Verbündete "
        "werden könnten.",
    ),
    # --- community workers and strategy -------------------------------------------------------
    _p(
        "strategy",
        "empowerment",
        str,
        "How the workers spend their time: a preset role mix and working style, or 'custom'.",
        choices=STRATEGIES,
        group="workers",
        label=("Strategy", "Strategie"),
        meaning_de="Wie die Fachkräfte ihre Zeit verbringen: eine vorgegebene Rollenmischung oder "
        "'custom' (eigene Mischung).",
    ),
    _p(
        "role_mix",
        None,
        dict,
        "For strategy 'custom' (or to override a preset): hours share per activity.",
        group="workers",
        tunable=False,
        label=("Role mix", "Rollenmischung"),
        meaning_de="Für die Strategie 'custom' (oder statt einer Vorgabe): Anteil der Stunden je "
        "Tätigkeit.",
    ),
    _p(
        "n_workers",
        2,
        int,
        "Community workers (Quartiersmanagement team).",
        unit="persons",
        low=0,
        high=50,
        group="workers",
        source="Soziale Stadt / Quartiersmanagement: typically a team of about two "
        "full-time staff per area (docs/theory.md).",
        label=("Community workers", "Fachkräfte"),
        meaning_de="Fachkräfte der Gemeinwesenarbeit (Quartiersmanagement-Team).",
    ),
    _p(
        "hours_per_week",
        39.0,
        float,
        "Working hours per worker and week.",
        unit="hours",
        low=0.0,
        high=80.0,
        group="workers",
        source="A German full-time week (39 h in the public-sector agreement TVöD); it "
        "includes the time real teams spend on administration and reporting (docs/theory.md).",
        label=("Hours per week", "Stunden pro Woche"),
        meaning_de="Arbeitsstunden pro Fachkraft und Woche.",
    ),
    _p(
        "project_weeks",
        156,
        int,
        "Length of the funded project; then the workers leave (exit).",
        unit="weeks",
        low=0,
        high=2_000,
        group="workers",
        source="Berlin Quartiersmanagement pilots (1999) were planned for 3 years.",
        label=("Project length", "Projektdauer"),
        meaning_de="Dauer des geförderten Projekts in Wochen; danach gehen die Fachkräfte "
        "(Projektende).",
    ),
    _p(
        "outreach_acceptance",
        0.35,
        float,
        "Chance that an outreach visit is accepted.",
        low=0.0,
        high=1.0,
        group="workers",
        source="Hamburger Hausbesuch reached about 35% of those offered a visit.",
        label=("Outreach accepted", "Angenommene Hausbesuche"),
        meaning_de="Wahrscheinlichkeit, dass ein aufsuchender Besuch angenommen wird.",
    ),
    _p(
        "events",
        (),
        tuple,
        "Events scheduled for this run, as 'week:event' entries.",
        group="events",
        tunable=False,
        label=("Scheduled events", "Geplante Ereignisse"),
        meaning_de="Für diesen Lauf geplante Ereignisse, als Einträge 'Woche:Ereignis'.",
    ),
)

PARAMETERS: dict[str, Parameter] = {p.name: p for p in _DECLARATION}
"""Every model parameter by name, in declaration order."""

DEFAULTS: dict[str, Any] = {p.name: p.default for p in _DECLARATION}


@dataclass(frozen=True)
class Preset:
    """A named set of parameter values that differ from the defaults, for one use."""

    name: str
    values: dict[str, Any]
    label: Text
    meaning: str

    def staffing(self) -> str:
        """The staffing ratio of this preset: households per full-time worker."""
        full = {**DEFAULTS, **self.values}
        return staffing_ratio(full)


def staffing_ratio(params: dict[str, Any]) -> str:
    """Households per full-time (39 h) worker, as people read it: the dose of the programme."""
    fte = params["n_workers"] * params["hours_per_week"] / 39.0
    if fte <= 0:
        return "no workers"
    return f"{params['n_residents'] / fte:,.0f} households per full-time worker"


SEMINAR = Preset(
    "seminar",
    {"n_residents": 600, "width": 40, "height": 40},
    Text("Seminar quarter", "Seminarquartier"),
    "A small, dense quarter for teaching: 600 households on 40 x 40 cells with the same two "
    "full-time workers, so the workers' dose per household is about four times that of a real "
    "area (300 instead of 1,250 households per full-time worker) and effects show within a "
    "session. Not for research claims: use the defaults.",
)
"""The quarter of the browser view, the trainers' guide and the seminar exercises."""

PRESETS: dict[str, Preset] = {p.name: p for p in (SEMINAR,)}
"""Every preset by name; the defaults (a real-sized quarter) need none."""


def validate(**values: Any) -> dict[str, Any]:
    """Return all parameters (defaults filled in), each checked and coerced.

    Raises ``ValueError`` naming the parameter, the bad value and what is allowed.
    """
    unknown = sorted(set(values) - set(PARAMETERS))
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r}: expected one of {', '.join(PARAMETERS)}"
        )
    checked = {name: p.check(values.get(name, p.default)) for name, p in PARAMETERS.items()}
    cells = checked["width"] * checked["height"]
    if checked["n_residents"] > 4 * cells:
        raise ValueError(
            f"n_residents={checked['n_residents']} is not allowed: a {checked['width']}x"
            f"{checked['height']} quarter houses at most {4 * cells} households"
        )
    return checked


def markdown_table() -> str:
    """The parameter declaration as a Markdown table (for the docs)."""
    lines = [
        "| parameter | default | allowed | unit | meaning | source |",
        "|---|---|---|---|---|---|",
    ]
    for p in _DECLARATION:
        lines.append(
            f"| `{p.name}` | `{p.default!r}` | {p.allowed()} | {p.unit} | {p.meaning} | "
            f"{p.source} |"
        )
    return "\n".join(lines)
