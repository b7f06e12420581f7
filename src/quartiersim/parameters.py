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

import numpy as np

from quartiersim.events import parse_schedule
from quartiersim.registry import Text, as_text
from quartiersim.roles import ACTIVITIES, ROLES, check_role_mix, parse_role_mix
from quartiersim.strategies import STRATEGIES
from quartiersim.values import number, show, show_number, whole_number

__all__ = [
    "ACTIVITIES",
    "DEFAULTS",
    "GROUPS",
    "PARAMETERS",
    "PRESETS",
    "ROLES",
    "SEED_LIMIT",
    "SEMINAR",
    "UNITS",
    "Parameter",
    "Preset",
    "check_role_mix",
    "check_seed",
    "markdown_table",
    "staffing_ratio",
    "validate",
]

GROUPS: dict[str, Text] = {
    "quarter": Text("The quarter", "Das Quartier"),
    "ties": Text("Encounters and ties", "Begegnungen und Beziehungen"),
    "helplessness": Text("Helplessness and resources", "Hilflosigkeit und Ressourcen"),
    "groups": Text("Action groups", "Aktionsgruppen"),
    "routes": Text("Expectations and help", "Erwartungen und Hilfe"),
    "arena": Text("Political arena", "Politische Arena"),
    "landlord": Text("Housing company", "Wohnungsunternehmen"),
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
    "1/year": Text("per year", "pro Jahr"),
    "claims": Text("claims", "Forderungen"),
    "actors": Text("actors", "Akteure"),
    "persons": Text("persons", "Personen"),
    "hours": Text("hours", "Stunden"),
    "resource units": Text("resource units", "Ressourceneinheiten"),
    "sessions": Text("sessions", "Termine"),
    "euros": Text("euros", "Euro"),
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

    def from_text(self, text: str) -> Any:
        """The value written as text — a command-line flag, the browser view's address, an
        input of the view — read and checked by :meth:`check`: a number as a number (a decimal
        comma read as a point), a role mix as ``activity=share`` pairs
        (:func:`~quartiersim.roles.parse_role_mix`), an event schedule as ``week:event``
        entries, a flag as true or false. Every door that takes text reads it here, so the same
        text gets the same value, or the same message, at every door."""
        text = text.strip()
        if self.kind is dict:
            return self.check(parse_role_mix(text, name=self.name))
        if self.kind is bool:
            lowered = text.lower()
            if lowered in ("true", "false", "1", "0", "yes", "no"):
                return self.check(lowered in ("true", "1", "yes"))
            raise ValueError(f"{self.name}={text!r} is not allowed: expected {self.allowed()}")
        if self.kind is float and number(text) is None:
            text = text.replace(",", ".")
        return self.check(text)

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ``ValueError``.

        Numbers may come as Python or NumPy integers and floats or as text (``"12"``); an
        integer parameter takes whole numbers only (``20`` or ``20.0``, not ``20.5``).
        """
        bad = ValueError(f"{self.name}={show(value)} is not allowed: expected {self.allowed()}")
        if self.kind is dict:
            return check_role_mix(value, name=self.name)
        if self.kind is tuple:
            return parse_schedule(value, name=self.name)
        if self.kind is bool:
            if isinstance(value, bool | np.bool_):
                return bool(value)
            raise bad
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise bad
            return str(value)
        bad = ValueError(
            f"{self.name}={show_number(value)} is not allowed: expected {self.allowed()}"
        )
        checked = whole_number(value) if self.kind is int else number(value)
        if checked is None:
            raise bad
        try:
            checked = self.kind(checked)
        except OverflowError:  # an integer beyond any float: out of range
            raise bad from None
        if not (self.low <= checked <= self.high):  # also rejects NaN
            raise bad
        return checked


SEED_LIMIT = 2**63
"""Seeds are whole numbers in [0, 2**63): every seed fits the ``seed`` column of a result file
(a signed 64-bit integer), and :func:`~quartiersim.experiments.identity.derive_seed` draws
from the same range."""


def check_seed(value: Any) -> int | None:
    """The seed of a run from any door (``QuartierModel(rng=...)``, ``--seed``, an experiment
    file's ``seed``, the browser view's seed input): a whole number in [0, 2**63), or None for
    a fresh random seed. A ``ValueError`` with the same message for a bad value everywhere."""
    if value is None:
        return None
    seed = whole_number(value)
    if seed is None or not 0 <= seed < SEED_LIMIT:
        raise ValueError(
            f"seed={show_number(value)} is not allowed: expected a whole number in [0, 2**63)"
        )
    return seed


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
        "Structural problems present at the start (poor lighting, no youth space, noise, "
        "neglected green, building disrepair ...; rent pressure only comes from the housing "
        "company).",
        low=0,
        high=40,
        label=("Problems at start", "Probleme zu Beginn"),
        meaning_de="Strukturelle Probleme zu Beginn (schlechte Beleuchtung, kein Jugendtreff, "
        "Lärm, verwahrloste Grünflächen, Instandhaltungsstau …; Mietdruck kommt nur vom "
        "Wohnungsunternehmen).",
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
        "aggravation",
        0.002,
        float,
        "Weekly worsening of an open problem's severity while nobody solves it (Verschärfung).",
        unit="1/week",
        low=0.0,
        high=0.1,
        group="quarter",
        tunable=False,
        source="Assumption: from a mean severity of 0.5 an open problem reaches the worst "
        "severity in about five years.",
        label=("Worsening of open problems", "Verschärfung offener Probleme"),
        meaning_de="Wöchentliche Zunahme der Schwere eines offenen Problems, solange niemand es "
        "löst (Verschärfung).",
    ),
    _p(
        "notice_rate",
        0.004,
        float,
        "Weekly chance, per unit of concern voiced by residents (speaking competence times "
        "concern), that a latent problem becomes public: 1 - exp(-rate x voice). 0: only "
        "workers and events make problems visible.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="quarter",
        tunable=False,
        source="Assumption.",
        label=("Problems made public", "Öffentlichmachen von Problemen"),
        meaning_de="Wöchentliche Chance je Einheit von Bewohnern geäußerter Betroffenheit "
        "(Artikulationsfähigkeit mal Betroffenheit), dass ein latentes Problem öffentlich wird. "
        "0: nur Fachkräfte und Ereignisse machen Probleme sichtbar.",
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
        "return_margin",
        0.1,
        float,
        "How far below the withdrawal threshold helplessness must fall before a withdrawn "
        "resident returns (hysteresis: resignation is easier to enter than to leave). 0: "
        "residents return as soon as they are below the threshold.",
        low=0.0,
        high=1.0,
        group="quarter",
        tunable=False,
        source="Assumption; the asymmetry follows Herriger's account of resigned privacy as a "
        "state that stabilises itself, its size is not measured.",
        label=("Margin for returning", "Abstand für die Rückkehr"),
        meaning_de="Wie weit die Hilflosigkeit unter die Rückzugsschwelle sinken muss, bevor "
        "eine zurückgezogene Person zurückkehrt (Hysterese: in die resignative Privatheit gerät "
        "man leichter, als man sie verlässt). 0: Rückkehr, sobald sie unter der Schwelle liegt.",
    ),
    _p(
        "initial_belonging",
        0.35,
        float,
        "Mean belonging to the quarter at the start (Zugehörigkeit, 0..1; beta-distributed "
        "around it).",
        low=0.0,
        high=1.0,
        group="quarter",
        tunable=False,
        source="Assumption. The Community Life Survey's 62% who feel they belong strongly is a "
        "share above a threshold, not a mean, and is not used for it (docs/theory.md).",
        label=("Initial belonging", "Anfängliche Zugehörigkeit"),
        meaning_de="Mittlere Zugehörigkeit zum Quartier zu Beginn (0..1; betaverteilt darum).",
    ),
    _p(
        "belonging_rate",
        0.02,
        float,
        "Weekly share of the way each resident's belonging moves toward what their ties and "
        "group membership support (the withdrawn toward 0.1). 0: belonging never changes "
        "except at festivals and actions.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="quarter",
        tunable=False,
        source="Assumption.",
        label=("Change of belonging", "Wandel der Zugehörigkeit"),
        meaning_de="Wöchentlicher Anteil des Wegs, den die Zugehörigkeit jeder Person zu dem "
        "Niveau zurücklegt, das ihre Beziehungen und ihre Gruppenmitgliedschaft tragen "
        "(Zurückgezogene: 0,1). 0: Zugehörigkeit ändert sich nur bei Festen und Aktionen.",
    ),
    _p(
        "membership_belonging",
        0.3,
        float,
        "How much being a member of an action group adds to the belonging a resident's "
        "everyday life supports (0.15 plus up to 0.45 from ties).",
        low=0.0,
        high=0.4,
        group="quarter",
        tunable=False,
        source="Assumption.",
        label=("Belonging from membership", "Zugehörigkeit durch Mitgliedschaft"),
        meaning_de="Wie viel die Mitgliedschaft in einer Aktionsgruppe zu der Zugehörigkeit "
        "hinzufügt, die der Alltag einer Person trägt (0,15 plus bis zu 0,45 durch "
        "Beziehungen).",
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
        "Fall of helplessness (share of it) from one decisive success to which one contributed "
        "effort (a mastery experience).",
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
        "Rise of helplessness (share of the way to 1) from one decisive failure to which one "
        "contributed effort (a refused claim).",
        low=0.0,
        high=1.0,
        group="helplessness",
        label=("Effect of failure", "Wirkung von Misserfolg"),
        meaning_de="Anstieg der Hilflosigkeit durch einen vollen Misserfolg (abgelehnte Forderung, "
        "Zerfall).",
    ),
    _p(
        "taking_part_weight",
        0.5,
        float,
        "How much residents who took part in an outcome (were there, asked, were members) learn "
        "from it, as a share of what those who contributed effort learn; the only affected "
        "learn nothing. 0: only effort counts.",
        low=0.0,
        high=1.0,
        group="helplessness",
        source="Assumption; Bandura 1977: one's own performance is the strongest source of "
        "efficacy, watching others a weaker one; taking part lies between.",
        label=("Learning from taking part", "Lernen durch Dabeisein"),
        meaning_de="Wie viel Bewohner aus einem Ergebnis lernen, an dem sie teilnahmen (dabei "
        "waren, fragten, Mitglied waren), als Anteil dessen, was die lernen, die selbst etwas "
        "beitrugen; bloß Betroffene lernen nichts. 0: nur eigener Beitrag zählt.",
    ),
    _p(
        "small_win_size",
        0.1,
        float,
        "Weight of a small outcome (an action, a trial, help, a founding, a request answered) "
        "against a decisive one (a claim decided, a problem solved). 0: only decisive outcomes "
        "teach.",
        low=0.0,
        high=1.0,
        group="helplessness",
        source="Assumption; the earlier model's base strength of a small action (0.1).",
        label=("Weight of small outcomes", "Gewicht kleiner Ergebnisse"),
        meaning_de="Gewicht eines kleinen Ergebnisses (eine Aktion, ein Versuch, Hilfe, eine "
        "Gründung, eine beantwortete Anfrage) gegenüber einem entscheidenden (eine entschiedene "
        "Forderung, ein gelöstes Problem). 0: nur entscheidende Ergebnisse lehren.",
    ),
    _p(
        "activation_gain",
        0.3,
        float,
        "Share of the buried gap in a domain activated by one decisive success in it to which "
        "one contributed effort.",
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
    # --- expectations and routes to help -----------------------------------------------------
    _p(
        "expectation_learning_rate",
        0.2,
        float,
        "How far one outcome moves the expectation it teaches ('our own action works' or "
        "'institutions will act'), as a share of the way to 1 (success) or 0 (failure) "
        "(Bush-Mosteller). 0: expectations never change.",
        low=0.0,
        high=1.0,
        group="routes",
        source="Assumption; the Bush-Mosteller learning rate (Macy & Flache 2002); the dynamics "
        "depend strongly on it (Izquierdo, Izquierdo & Gotts 2008), so it is swept.",
        label=("Learning rate of expectations", "Lernrate der Erwartungen"),
        meaning_de="Wie weit ein Ergebnis die Erwartung verschiebt, die es lehrt ('eigenes "
        "Handeln wirkt' oder 'Institutionen handeln'), als Anteil des Wegs zu 1 (Erfolg) oder 0 "
        "(Misserfolg) (Bush-Mosteller). 0: Erwartungen ändern sich nie.",
    ),
    _p(
        "observation_weight",
        0.3,
        float,
        "How much residents who only saw an outcome (affected, bystanders) learn from it for "
        "their expectations, as a share of what those involved learn. 0: only the involved "
        "learn.",
        low=0.0,
        high=1.0,
        group="routes",
        source="Assumption; vicarious experience is a weaker source of expectations than one's "
        "own (Bandura 1977).",
        label=("Learning from watching", "Lernen durch Zusehen"),
        meaning_de="Wie viel Bewohner, die ein Ergebnis nur sahen (Betroffene, Zuschauer), für "
        "ihre Erwartungen daraus lernen, als Anteil dessen, was Beteiligte lernen. 0: nur "
        "Beteiligte lernen.",
    ),
    _p(
        "initial_own_expectation",
        0.3,
        float,
        "Mean expectation at the start that one's own (and one's neighbours') action works.",
        low=0.0,
        high=1.0,
        group="routes",
        source="Assumption; for calibration: the Community Life Survey's 'can influence local "
        "decisions' (25-27%) is a share agreeing, comparable with the share whose expectation "
        "is at least 0.5, not with the mean.",
        label=("Initial own expectation", "Anfängliche Erwartung an eigenes Handeln"),
        meaning_de="Mittlere Erwartung zu Beginn, dass das eigene Handeln (und das der Nachbarn) "
        "wirkt.",
    ),
    _p(
        "initial_institutional_expectation",
        0.3,
        float,
        "Mean expectation at the start that institutions (the office, the administration, the "
        "housing company) will act: the residents' trust in institutions.",
        low=0.0,
        high=1.0,
        group="routes",
        source="Assumption; the earlier model's initial mean trust in institutions (0.3).",
        label=("Initial trust in institutions", "Anfängliches Vertrauen in Institutionen"),
        meaning_de="Mittlere Erwartung zu Beginn, dass Institutionen (Amt, Verwaltung, "
        "Wohnungsunternehmen) handeln: das Vertrauen in Institutionen.",
    ),
    _p(
        "help_seeking_rate",
        0.1,
        float,
        "Weekly chance that a burdened resident (strain at least the concern level, not "
        "withdrawn, not waiting) does something about it: turns to the office, or to the "
        "neighbours. 0: nobody acts unaided — a quarter without self-organisation, not the "
        "dependency mechanism switched off.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="routes",
        source="Assumption; context, not a target: in a South London survey 40% of people with a "
        "common mental disorder had sought formal and 34% only informal help (Brown et al. "
        "2014).",
        label=("Seeking help", "Hilfesuche"),
        meaning_de="Wöchentliche Chance, dass eine belastete Person (Belastung mindestens auf "
        "Betroffenheitsniveau, nicht zurückgezogen, nicht wartend) etwas unternimmt: sich ans Amt "
        "oder an die Nachbarn wendet. 0: niemand handelt aus eigenem Antrieb.",
    ),
    _p(
        "request_wait_weeks",
        8,
        int,
        "Weeks a resident waits on the office after asking before the request counts as "
        "unanswered (a failure); meanwhile they leave that problem to the office and join no "
        "group on it. 0: requests last only the week they are made — nobody waits.",
        unit="weeks",
        low=0,
        high=52,
        group="routes",
        source="Assumption; 'office first' carries the shadow of official care (amtliche "
        "Fürsorglichkeit, Herriger) and the dependence-support script (Baltes & Wahl 1996).",
        label=("Weeks waiting on the office", "Wochen Warten aufs Amt"),
        meaning_de="Wochen, die jemand nach einer Anfrage aufs Amt wartet, bevor sie als "
        "unbeantwortet gilt (ein Misserfolg); solange überlässt er das Problem dem Amt und tritt "
        "keiner Gruppe dazu bei. 0: Anfragen gelten nur in der Woche, in der sie gestellt werden.",
    ),
    _p(
        "help_relief",
        0.5,
        float,
        "Share of a resident's strain taken off (for a while, fading 10% a week) by help: a "
        "case handled, a neighbour's help, a request settled. 0: help relieves nothing.",
        low=0.0,
        high=1.0,
        group="routes",
        source="The earlier model's case-relief constant (0.5), now one value for help by "
        "workers, offices and neighbours.",
        label=("Relief from help", "Entlastung durch Hilfe"),
        meaning_de="Anteil der Belastung, den Hilfe (eine bearbeitete Anfrage, "
        "Nachbarschaftshilfe) für eine Weile abnimmt (schwindet um 10% pro Woche). 0: Hilfe "
        "entlastet nicht.",
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
        1.0,
        float,
        "Chance that a resident who turned to the neighbours about a visible problem this week "
        "and can organise (see initiator_level) starts a group on it with the concerned "
        "residents they are tied to, per problem and week.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="groups",
        source="Assumption: set once so that the quarter without intervention founds groups "
        "as close as it can to the earlier model's number (predictions.md 2.2); range for "
        "history matching in docs/calibration.md. Programme evaluations report new working "
        "groups per area, not a weekly rate (docs/theory.md).",
        label=("Founding rate", "Gründungsrate"),
        meaning_de="Chance, dass jemand, der sich diese Woche wegen eines sichtbaren Problems an "
        "die Nachbarn wandte und organisieren kann, mit den Betroffenen, die er kennt, eine "
        "Gruppe dazu gründet (je Problem und Woche).",
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
        "Weekly chance that a member of a group without recent success drifts away (and a "
        "resident organiser whose task has not worked for them lately gives it up).",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="groups",
        source="Assumption, range from history matching (docs/calibration.md). Wituk et al. "
        "2002 say why groups ended (76% falling attendance), not how fast members leave.",
        label=("Drop-out rate", "Ausstiegsrate"),
        meaning_de="Wöchentliche Chance, dass ein Mitglied einer Gruppe ohne jüngeren Erfolg "
        "wegbleibt (und eine Bewohnerin, deren übernommene Aufgabe zuletzt nicht klappte, sie "
        "aufgibt).",
    ),
    _p(
        "momentum_keep",
        0.97,
        float,
        "Share of a group's momentum (its recent success) kept from one week to the next, and "
        "of a resident organiser's recent success at each of their outcomes: how long a win "
        "is remembered. A group's joining threshold is divided by its momentum.",
        low=0.0,
        high=1.0,
        group="groups",
        tunable=False,
        source="Assumption (a memory of about 33 weeks); docs/calibration.md shows that it "
        "sets how far a group without wins stops recruiting.",
        label=("Memory of success", "Gedächtnis für Erfolge"),
        meaning_de="Anteil des Schwungs einer Gruppe (ihres jüngeren Erfolgs), der von einer "
        "Woche zur nächsten bleibt, und des jüngeren Erfolgs einer Bewohnerin bei jeder "
        "übernommenen Aufgabe: wie lange ein Erfolg in Erinnerung bleibt. Die Beitrittsschwelle "
        "einer Gruppe wird durch ihren Schwung geteilt.",
    ),
    _p(
        "base_attrition",
        0.004,
        float,
        "Weekly chance that a member leaves a group for reasons of their own (moving, work, "
        "care), whatever the group's success; drop-out for lack of success comes on top.",
        unit="1/week",
        low=0.0,
        high=0.1,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Leaving for own reasons", "Ausscheiden aus eigenen Gründen"),
        meaning_de="Wöchentliche Chance, dass ein Mitglied eine Gruppe aus eigenen Gründen "
        "verlässt (Umzug, Arbeit, Sorgeaufgaben), unabhängig vom Erfolg der Gruppe; das "
        "Wegbleiben mangels Erfolg kommt hinzu.",
    ),
    _p(
        "join_concern",
        0.5,
        float,
        "Concern about a group's cause a resident needs to consider joining it (the threshold "
        "rule decides whether they do).",
        low=0.0,
        high=1.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Concern needed to join", "Betroffenheit für den Beitritt"),
        meaning_de="Betroffenheit vom Anliegen einer Gruppe, ab der jemand einen Beitritt "
        "erwägt (ob er beitritt, entscheidet die Schwellenregel).",
    ),
    _p(
        "action_rate",
        0.25,
        float,
        "Weekly chance of a small action (clean-up, street party, repair day) for a group of "
        "capacity 0.5; it scales with 0.5 + capacity. 0: groups never act on their own.",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Small actions per week", "Kleine Aktionen pro Woche"),
        meaning_de="Wöchentliche Chance einer kleinen Aktion (Aufräumaktion, Straßenfest, "
        "Reparaturtag) für eine Gruppe der Stärke 0,5; sie wächst mit 0,5 + Stärke. 0: Gruppen "
        "werden nie von sich aus aktiv.",
    ),
    _p(
        "action_size",
        12,
        int,
        "Most members taking part in one small action: an action is a small circle, not the "
        "whole group.",
        unit="persons",
        low=2,
        high=200,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Members at an action", "Mitglieder bei einer Aktion"),
        meaning_de="Höchstzahl der Mitglieder, die an einer kleinen Aktion teilnehmen: eine "
        "Aktion ist ein kleiner Kreis, nicht die ganze Gruppe.",
    ),
    _p(
        "action_turnout",
        0.7,
        float,
        "Chance that a member (not withdrawn) comes to one of their group's small actions.",
        low=0.0,
        high=1.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Turnout at an action", "Beteiligung an einer Aktion"),
        meaning_de="Chance, dass ein Mitglied (nicht zurückgezogen) zu einer kleinen Aktion "
        "seiner Gruppe kommt.",
    ),
    _p(
        "invitation_factor",
        0.75,
        float,
        "Factor on the joining threshold of a resident personally invited this week (an "
        "outreach visit, a festival, being asked at a founding). 1: invitations make no "
        "difference.",
        low=0.0,
        high=1.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Effect of an invitation", "Wirkung einer Einladung"),
        meaning_de="Faktor auf die Beitrittsschwelle einer Person, die diese Woche persönlich "
        "eingeladen wurde (Hausbesuch, Fest, bei einer Gründung angesprochen). 1: Einladungen "
        "ändern nichts.",
    ),
    _p(
        "group_size_scale",
        8.0,
        float,
        "Members at which a group reaches 63% of what its competence, cohesion and funds allow "
        "(capacity grows with 1 - exp(-members / scale)): how much size matters.",
        unit="persons",
        low=1.0,
        high=200.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Size that counts", "Maßgebliche Gruppengröße"),
        meaning_de="Mitgliederzahl, bei der eine Gruppe 63% dessen erreicht, was Kompetenz, "
        "Zusammenhalt und Mittel erlauben (die Stärke wächst mit 1 - exp(-Mitglieder / Maß)): "
        "wie sehr die Größe zählt.",
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
        "baseline_responsiveness",
        0.25,
        float,
        "The administration's responsiveness to residents' claims at the start, on both "
        "channels (residents' own, carried by workers), and the level it forgets back to.",
        low=0.0,
        high=1.0,
        group="arena",
        source="Assumption, range from history matching (docs/calibration.md). Residents' "
        "felt influence (Community Life Survey) is a perception, not this administration "
        "property, and is not used for it.",
        label=("Administration's responsiveness", "Offenheit der Verwaltung"),
        meaning_de="Offenheit der Verwaltung für Forderungen der Bewohner zu Beginn, auf beiden "
        "Wegen (eigene, von Fachkräften getragene), und das Niveau, zu dem sie zurückkehrt.",
    ),
    _p(
        "admin_learning_rate",
        0.1,
        float,
        "How far one decision moves an institution's responsiveness on that channel: up when "
        "the claim was well backed (or a refusal was made public), down when it was poorly "
        "backed (Bush-Mosteller). 0: channels never learn.",
        low=0.0,
        high=1.0,
        group="arena",
        source="Assumption; replaces the earlier fixed rise of responsiveness per granted "
        "claim (0.01).",
        label=("Administration's learning", "Lernen der Verwaltung"),
        meaning_de="Wie weit eine Entscheidung die Offenheit einer Institution auf diesem Weg "
        "verschiebt: nach oben bei gut begründeter Forderung (oder öffentlich gemachter "
        "Ablehnung), nach unten bei schwach begründeter (Bush-Mosteller). 0: kein Lernen.",
    ),
    _p(
        "admin_forgetting",
        0.01,
        float,
        "Weekly share of the way an institution's responsiveness returns to its baseline on each "
        "channel: what it learned fades. 0: learned responsiveness stays.",
        unit="1/week",
        low=0.0,
        high=0.2,
        group="arena",
        source="The earlier model's constant drift of responsiveness (0.01), now declared.",
        label=("Administration's forgetting", "Vergessen der Verwaltung"),
        meaning_de="Wöchentlicher Anteil des Wegs, den die Offenheit einer Institution auf jedem "
        "Weg zu ihrem Grundniveau zurückgeht. 0: Gelerntes bleibt.",
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
    _p(
        "claim_readiness",
        0.12,
        float,
        "Capacity a group with a visible cause needs to raise a claim at an assembly.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Capacity to raise a claim", "Stärke für eine Forderung"),
        meaning_de="Stärke, die eine Gruppe mit sichtbarem Anliegen braucht, um auf einer "
        "Versammlung eine Forderung zu stellen.",
    ),
    _p(
        "backing_organised",
        0.35,
        float,
        "Weight in a claim's backing of how organised the concerned are (members per quarter "
        "of the residents affected, at most 1).",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption; the six backing weights sum to 1.1, and the order (organisation "
        "first) follows Herriger's emphasis on organised, representative voice.",
        label=("Backing: organisation", "Gewicht: Organisation"),
        meaning_de="Gewicht im Rückhalt einer Forderung dafür, wie organisiert die Betroffenen "
        "sind (Mitglieder je Viertel der Betroffenen, höchstens 1).",
    ),
    _p(
        "backing_competence",
        0.25,
        float,
        "Weight in a claim's backing of its group's activated speaking and bureaucratic "
        "competence.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Backing: competence", "Gewicht: Kompetenz"),
        meaning_de="Gewicht im Rückhalt einer Forderung für die aktivierte Artikulations- und "
        "Behördenkompetenz ihrer Gruppe.",
    ),
    _p(
        "backing_allies",
        0.15,
        float,
        "Weight in a claim's backing of its group's allies (two allies count fully).",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption; that allies help is Gamson 1975, how much is not measured.",
        label=("Backing: allies", "Gewicht: Verbündete"),
        meaning_de="Gewicht im Rückhalt einer Forderung für die Verbündeten ihrer Gruppe (zwei "
        "Verbündete zählen voll).",
    ),
    _p(
        "backing_attention",
        0.15,
        float,
        "Weight in a claim's backing of the public attention its group and problem have won.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Backing: attention", "Gewicht: Öffentlichkeit"),
        meaning_de="Gewicht im Rückhalt einer Forderung für die öffentliche Aufmerksamkeit, die "
        "Gruppe und Problem gewonnen haben.",
    ),
    _p(
        "backing_pressure",
        0.1,
        float,
        "Weight in a claim's backing of the pressure built by its group's earlier refused and "
        "escalated claims.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Backing: pressure", "Gewicht: Druck"),
        meaning_de="Gewicht im Rückhalt einer Forderung für den Druck, den frühere abgelehnte "
        "und öffentlich gemachte Forderungen der Gruppe aufgebaut haben.",
    ),
    _p(
        "backing_access",
        0.1,
        float,
        "Weight in a claim's backing of the access to the administration workers opened for "
        "its group and of their help in phrasing claims.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Backing: access", "Gewicht: Zugang"),
        meaning_de="Gewicht im Rückhalt einer Forderung für den Zugang zur Verwaltung, den "
        "Fachkräfte der Gruppe geöffnet haben, und für ihre Hilfe beim Formulieren.",
    ),
    _p(
        "delegates",
        3,
        int,
        "Members who speak for a group's claim (its best speakers): they contribute the effort "
        "of the decision, the other members take part.",
        unit="persons",
        low=1,
        high=50,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Delegates per claim", "Sprecher je Forderung"),
        meaning_de="Mitglieder, die für die Forderung ihrer Gruppe sprechen (ihre besten "
        "Sprecher): sie tragen die Entscheidung mit eigenem Einsatz, die übrigen sind dabei.",
    ),
    _p(
        "escalation_level",
        0.35,
        float,
        "Speaking and organising competence of a group (plus 0.1 per ally) from which it is "
        "conflict-capable (Konfliktfähigkeit): after a refusal it goes public instead of giving "
        "up.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Conflict capability", "Konfliktfähigkeit"),
        meaning_de="Artikulations- und Organisationskompetenz einer Gruppe (plus 0,1 je "
        "Verbündetem), ab der sie konfliktfähig ist: nach einer Ablehnung geht sie an die "
        "Öffentlichkeit, statt aufzugeben.",
    ),
    _p(
        "publicity_gain",
        0.3,
        float,
        "Public attention a group gains by going public after a refusal; it also counts as "
        "evidence to the institution that refusing had a cost.",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Attention from going public", "Aufmerksamkeit durch Öffentlichkeit"),
        meaning_de="Öffentliche Aufmerksamkeit, die eine Gruppe gewinnt, wenn sie nach einer "
        "Ablehnung an die Öffentlichkeit geht; sie zählt für die Institution auch als Beleg, "
        "dass die Ablehnung etwas kostete.",
    ),
    _p(
        "grant_softness",
        0.06,
        float,
        "How soft an institution's decision is around its bar: the chance of a grant is "
        "1 / (1 + exp(-(backing - bar) / softness)). Small: claims above the bar are granted, "
        "below it refused, almost surely.",
        low=0.005,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Softness of decisions", "Unschärfe der Entscheidungen"),
        meaning_de="Wie unscharf eine Institution um ihre Schwelle entscheidet: die Chance einer "
        "Bewilligung ist 1 / (1 + exp(-(Rückhalt - Schwelle) / Unschärfe)). Klein: über der "
        "Schwelle fast sicher bewilligt, darunter fast sicher abgelehnt.",
    ),
    _p(
        "learning_scale",
        0.5,
        float,
        "How far a claim's backing must lie above (below) the bar to count as full evidence for "
        "(against) engaging that channel when an institution learns from its decision.",
        low=0.05,
        high=2.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Scale of institutional learning", "Maßstab des Lernens der Institutionen"),
        meaning_de="Wie weit der Rückhalt einer Forderung über (unter) der Schwelle liegen muss, "
        "damit eine Institution ihn beim Lernen aus der Entscheidung als vollen Beleg für "
        "(gegen) diesen Weg wertet.",
    ),
    _p(
        "claim_bar",
        0.75,
        float,
        "Backing a claim needs for an even chance at an institution with no responsiveness on "
        "its channel: the bar is claim_bar - responsiveness_effect x responsiveness.",
        low=0.0,
        high=1.5,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Bar for a claim", "Hürde für eine Forderung"),
        meaning_de="Rückhalt, den eine Forderung bei einer Institution ohne Offenheit auf ihrem "
        "Weg für eine gleiche Chance braucht: die Hürde ist claim_bar - responsiveness_effect "
        "mal Offenheit.",
    ),
    _p(
        "responsiveness_effect",
        0.5,
        float,
        "How far full responsiveness on a channel lowers the bar a claim on it must clear. 0: "
        "responsiveness makes no difference to decisions.",
        low=0.0,
        high=1.5,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Effect of responsiveness", "Wirkung der Offenheit"),
        meaning_de="Wie weit volle Offenheit auf einem Weg die Hürde senkt, die eine Forderung "
        "darauf nehmen muss. 0: Offenheit ändert an den Entscheidungen nichts.",
    ),
    _p(
        "escalation_pressure",
        0.35,
        float,
        "Pressure a group builds for the next round by going public after a refusal (it counts "
        "in the backing of its next claims, see backing_pressure).",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Pressure from going public", "Druck durch Öffentlichkeit"),
        meaning_de="Druck, den eine Gruppe für die nächste Runde aufbaut, wenn sie nach einer "
        "Ablehnung an die Öffentlichkeit geht (er zählt im Rückhalt ihrer nächsten "
        "Forderungen, siehe backing_pressure).",
    ),
    _p(
        "ally_chance",
        0.3,
        float,
        "Chance that a group going public after a refusal wins a free ally, times its "
        "credibility (capacity, raised by earlier wins).",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption; that alliances come with conflict and help groups win is Gamson "
        "1975, the chance is not measured.",
        label=("Winning an ally", "Verbündete gewinnen"),
        meaning_de="Chance, dass eine Gruppe, die nach einer Ablehnung an die Öffentlichkeit "
        "geht, einen freien Verbündeten gewinnt, mal ihrer Glaubwürdigkeit (Stärke, erhöht "
        "durch frühere Erfolge).",
    ),
    _p(
        "ally_loss_rate",
        0.02,
        float,
        "Weekly chance that an ally leaves a group without momentum (times 1 - momentum).",
        unit="1/week",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Losing allies", "Verbündete verlieren"),
        meaning_de="Wöchentliche Chance, dass ein Verbündeter eine Gruppe ohne Schwung verlässt "
        "(mal 1 - Schwung).",
    ),
    _p(
        "compromise_backing",
        0.9,
        float,
        "Backing of a mediated compromise as a share of the two claims' backings together (at "
        "most 1).",
        low=0.0,
        high=1.0,
        group="arena",
        tunable=False,
        source="Assumption.",
        label=("Backing of a compromise", "Rückhalt eines Kompromisses"),
        meaning_de="Rückhalt eines vermittelten Kompromisses als Anteil des Rückhalts beider "
        "Forderungen zusammen (höchstens 1).",
    ),
    # --- the housing company ------------------------------------------------------------------
    _p(
        "landlord_responsiveness",
        0.15,
        float,
        "The housing company's responsiveness to tenants' claims at the start, on both channels, "
        "and the level it forgets back to (it learns per channel as the administration does).",
        low=0.0,
        high=1.0,
        group="landlord",
        source="Assumption, below the administration's: tenants' campaigns against large "
        "housing companies win 'häufig nur kleine' successes, by negotiation and public "
        "pressure, without a guarantee (MieterEcho 2017; Berliner Mieterverein 2014).",
        label=("Company's responsiveness", "Offenheit des Wohnungsunternehmens"),
        meaning_de="Offenheit des Wohnungsunternehmens für Forderungen der Mieter zu Beginn, auf "
        "beiden Wegen, und das Niveau, zu dem sie zurückkehrt (es lernt je Weg wie die "
        "Verwaltung).",
    ),
    _p(
        "rent_increase_rate",
        0.33,
        float,
        "Rent increases the housing company announces a year on its own schedule; each makes "
        "the quarter's one rent problem visible (severity at least rent_severity) and displaces "
        "rent_displacement of the households. 0: the company never raises rents by itself.",
        unit="1/year",
        low=0.0,
        high=4.0,
        group="landlord",
        source="Assumption; context: a modernisation levy can be passed on to rents regardless "
        "of the local rent index (Deutschlandfunk).",
        label=("Rent increases per year", "Mieterhöhungen pro Jahr"),
        meaning_de="Mieterhöhungen, die das Wohnungsunternehmen pro Jahr von sich aus ankündigt; "
        "jede macht das eine Mietproblem des Quartiers sichtbar (Schwere mindestens "
        "rent_severity) und verdrängt den Anteil rent_displacement der Haushalte. 0: nie von "
        "sich aus.",
    ),
    _p(
        "rent_displacement",
        0.05,
        float,
        "Share of the households displaced by one rent increase, the least resourced first; "
        "newcomers move into their dwellings. 0: nobody is displaced.",
        low=0.0,
        high=0.5,
        group="landlord",
        source="The earlier rent-increase event's constant (5%); an assumption.",
        label=("Displaced by a rent increase", "Verdrängt durch Mieterhöhung"),
        meaning_de="Anteil der Haushalte, den eine Mieterhöhung verdrängt, die mit den "
        "geringsten Ressourcen zuerst; Neuzugezogene ziehen ein. 0: niemand wird verdrängt.",
    ),
    _p(
        "rent_severity",
        0.8,
        float,
        "Severity the quarter's rent problem has at least after a rent increase is announced.",
        low=0.0,
        high=1.0,
        group="landlord",
        tunable=False,
        source="Assumption: a rent increase burdens tenants more than most local problems (their "
        "severity starts between 0.3 and 0.7).",
        label=("Severity of a rent increase", "Schwere einer Mieterhöhung"),
        meaning_de="Schwere, die das Mietproblem des Quartiers nach einer angekündigten "
        "Mieterhöhung mindestens hat.",
    ),
    _p(
        "landlord_repair_rate",
        0.5,
        float,
        "Repairs the housing company makes, unasked, per visible disrepair problem and year "
        "(solved for the tenants). 0: it repairs only when a tenants' claim is granted.",
        unit="1/year",
        low=0.0,
        high=52.0,
        group="landlord",
        source="Assumption.",
        label=("Repairs per year", "Reparaturen pro Jahr"),
        meaning_de="Reparaturen, die das Wohnungsunternehmen ungefragt je sichtbarem "
        "Instandhaltungsproblem und Jahr ausführt (für die Mieter gelöst). 0: nur auf eine "
        "bewilligte Forderung hin.",
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
        "phase_out_weeks",
        0,
        int,
        "Last weeks of the project in which the workers hand tasks over to residents "
        "(Verstetigung): in the t-th of them a share t / phase_out_weeks of their hours goes to "
        "training residents in the tasks the team did, the rest to the role mix; the total "
        "hours stay those of the project. 0: an abrupt exit.",
        unit="weeks",
        low=0,
        high=2_000,
        group="workers",
        source="Berlin's two-year transition phase (Überleitungsphase) for leaving "
        "Quartiersmanagement areas (Planergemeinschaft, Studie zur Verstetigung); default 0 "
        "(abrupt) until the calibration sets project length and phase-out together.",
        label=("Phase-out", "Ausstiegsphase"),
        meaning_de="Letzte Projektwochen, in denen die Fachkräfte Aufgaben an Bewohner übergeben "
        "(Verstetigung): in der t-ten davon geht der Anteil t / phase_out_weeks ihrer Stunden in "
        "das Anlernen, der Rest in den Rollenmix. 0: abrupter Ausstieg.",
    ),
    _p(
        "training_sessions",
        4,
        int,
        "Training sessions after which a resident holds a handed-over task (0: handed over "
        "untrained, at the first meeting).",
        unit="sessions",
        low=0,
        high=52,
        group="workers",
        source="Assumption; context: Neukölln's Stadtteilmütter are trained for half a year "
        "(Bezirksamt Neukölln).",
        label=("Training sessions", "Anlerntermine"),
        meaning_de="Anlerntermine, nach denen eine Bewohnerin eine übergebene Aufgabe übernimmt "
        "(0: ohne Anlernen, beim ersten Treffen).",
    ),
    _p(
        "volunteer_hours",
        3.0,
        float,
        "Hours a week a resident organiser spends on the task they took over, at the quality of "
        "their activated competence in its domain. 0: trained residents do nothing (and none "
        "are trained).",
        unit="hours",
        low=0.0,
        high=20.0,
        group="workers",
        source="Assumption.",
        label=("Volunteer hours", "Ehrenamtliche Stunden"),
        meaning_de="Wochenstunden, die eine Bewohnerin für ihre übernommene Aufgabe aufwendet, "
        "in der Qualität ihrer aktivierten Kompetenz. 0: niemand wird angelernt.",
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
        "festival_guests",
        20,
        int,
        "Residents who come to a neighbourhood party a worker organises, at most (times the "
        "organiser's competence for a resident organiser).",
        unit="persons",
        low=0,
        high=1_000,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Guests at a party", "Gäste bei einem Fest"),
        meaning_de="Höchstzahl der Bewohner, die zu einem Nachbarschaftsfest kommen, das eine "
        "Fachkraft ausrichtet (bei einer Bewohnerin mal ihrer Kompetenz).",
    ),
    _p(
        "festival_reach",
        10.0,
        float,
        "Distance from the public place within which residents come to a neighbourhood party.",
        unit="cells",
        low=0.0,
        high=600.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Reach of a party", "Einzugsbereich eines Fests"),
        meaning_de="Entfernung vom öffentlichen Ort, aus der Bewohner zu einem "
        "Nachbarschaftsfest kommen.",
    ),
    _p(
        "min_members",
        3,
        int,
        "Fewest members a residents' group needs: with fewer it is not founded, and it "
        "dissolves when its members drop below this.",
        unit="persons",
        low=2,
        high=20,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Smallest group", "Kleinste Gruppe"),
        meaning_de="Mindestzahl der Mitglieder einer Bewohnergruppe: mit weniger wird sie nicht "
        "gegründet, und sie löst sich auf, wenn ihre Mitglieder darunter fallen.",
    ),
    _p(
        "seed_funds",
        300.0,
        float,
        "Money a new group gets from the project's fund (Verfügungsfonds) when it is founded.",
        unit="euros",
        low=0.0,
        high=5000.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Start-up money of a group", "Startgeld einer Gruppe"),
        meaning_de="Geld, das eine neue Gruppe bei ihrer Gründung aus dem Verfügungsfonds des "
        "Projekts erhält.",
    ),
    _p(
        "youth_share",
        0.2,
        float,
        "Share of residents in the youngest age group; the adults are the rest after the young "
        "and the elderly (youth_share + elderly_share at most 1).",
        low=0.0,
        high=1.0,
        group="quarter",
        tunable=False,
        source="Assumption.",
        label=("Share of young residents", "Anteil junger Bewohner"),
        meaning_de="Anteil der Bewohner in der jüngsten Altersgruppe; die Erwachsenen sind der "
        "Rest nach den Jungen und den Älteren (youth_share + elderly_share höchstens 1).",
    ),
    _p(
        "elderly_share",
        0.25,
        float,
        "Share of residents in the oldest age group (youth_share + elderly_share at most 1).",
        low=0.0,
        high=1.0,
        group="quarter",
        tunable=False,
        source="Assumption.",
        label=("Share of elderly residents", "Anteil älterer Bewohner"),
        meaning_de="Anteil der Bewohner in der ältesten Altersgruppe (youth_share + "
        "elderly_share höchstens 1).",
    ),
    _p(
        "walk_radius",
        8.0,
        float,
        "Distance around a worker's walk through the quarter (Stadtteilbegehung) within which "
        "latent problems can be found and residents met; expert planning reveals the problems "
        "within it.",
        unit="cells",
        low=1.0,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Reach of a walk", "Reichweite einer Begehung"),
        meaning_de="Entfernung um eine Stadtteilbegehung, in der latente Probleme gefunden und "
        "Bewohner getroffen werden können; fachliche Planung deckt die Probleme darin auf.",
    ),
    _p(
        "find_chance",
        0.6,
        float,
        "Chance that a walk past a latent problem finds it (times the worker's quality).",
        low=0.0,
        high=1.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Chance to find a problem", "Chance, ein Problem zu finden"),
        meaning_de="Chance, dass eine Stadtteilbegehung ein latentes Problem in ihrer Nähe "
        "findet (mal der Qualität der Fachkraft).",
    ),
    _p(
        "known_per_festival",
        4,
        int,
        "Guests a worker gets to know at one neighbourhood party.",
        unit="persons",
        low=0,
        high=50,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Acquaintances per party", "Neue Bekanntschaften pro Fest"),
        meaning_de="Gäste, die eine Fachkraft bei einem Nachbarschaftsfest kennenlernt.",
    ),
    _p(
        "unmet_weight",
        0.5,
        float,
        "Extra weight outreach (aufsuchende Arbeit) gives residents the team has not met yet, "
        "added to their building's need when choosing whom to visit.",
        low=0.0,
        high=1.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Weight of the unmet", "Gewicht der noch nicht Erreichten"),
        meaning_de="Zusätzliches Gewicht, das die aufsuchende Arbeit Bewohnern gibt, die das "
        "Team noch nicht kennt, zum Bedarf ihres Hauses hinzu, bei der Wahl der Besuche.",
    ),
    _p(
        "outreach_repeat_weeks",
        26,
        int,
        "Weeks after which a resident who declined an outreach visit is offered one again.",
        unit="weeks",
        low=1,
        high=260,
        group="workers",
        tunable=False,
        source="Assumption (half a year).",
        label=("Repeat of a declined visit", "Wiederholung eines abgelehnten Besuchs"),
        meaning_de="Wochen, nach denen einem Bewohner, der einen aufsuchenden Besuch abgelehnt "
        "hat, erneut einer angeboten wird.",
    ),
    _p(
        "follow_up_weeks",
        4,
        int,
        "Weeks after which a known withdrawn resident is visited again.",
        unit="weeks",
        low=1,
        high=52,
        group="workers",
        tunable=False,
        source="Assumption (a month).",
        label=("Follow-up of the withdrawn", "Nachgehen bei Zurückgezogenen"),
        meaning_de="Wochen, nach denen eine bekannte zurückgezogene Bewohnerin erneut besucht "
        "wird.",
    ),
    _p(
        "round_table_effect",
        0.003,
        float,
        "Share of the way to 1 that one round table between residents and the administration "
        "moves the administration's recognition of the channel it mediates (times the worker's "
        "quality).",
        low=0.0,
        high=0.05,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Effect of a round table", "Wirkung eines runden Tischs"),
        meaning_de="Anteil des Wegs bis 1, um den ein runder Tisch zwischen Bewohnern und "
        "Verwaltung deren Anerkennung des vermittelten Kanals bewegt (mal der Qualität der "
        "Fachkraft).",
    ),
    _p(
        "meeting_side",
        8,
        int,
        "Residents invited per side of a dialogue meeting across origin and age groups (times "
        "the worker's quality; the withdrawn stay away).",
        unit="persons",
        low=1,
        high=50,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Invited per side of a dialogue", "Eingeladene je Seite eines Dialogs"),
        meaning_de="Bewohner, die je Seite zu einem Dialogtreffen über Herkunfts- und "
        "Altersgruppen hinweg eingeladen werden (mal der Qualität der Fachkraft; "
        "Zurückgezogene bleiben fern).",
    ),
    _p(
        "planning_relief",
        0.01,
        float,
        "Severity one session of expert planning takes off a problem.",
        low=0.0,
        high=0.1,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Relief by planning", "Entlastung durch Planung"),
        meaning_de="Schwere, die eine Sitzung fachlicher Planung einem Problem nimmt.",
    ),
    _p(
        "walk_hours",
        4.0,
        float,
        "Worker hours one task takes: a worker's walk through part of the quarter "
        "(Stadtteilbegehung).",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a walk", "Stunden einer Begehung"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: eine Stadtteilbegehung durch "
        "einen Teil des Quartiers.",
    ),
    _p(
        "visit_hours",
        2.0,
        float,
        "Worker hours one task takes: an outreach visit (aufsuchende Arbeit), accepted or not.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a visit", "Stunden eines Besuchs"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: ein aufsuchender Besuch, "
        "angenommen oder nicht.",
    ),
    _p(
        "founding_hours",
        8.0,
        float,
        "Worker hours one task takes: bringing concerned residents together to start a group.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a founding", "Stunden einer Gründung"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: betroffene Bewohner "
        "zusammenbringen, um eine Gruppe zu gründen.",
    ),
    _p(
        "group_help_hours",
        3.0,
        float,
        "Worker hours one task takes: a session of organisational help with one group.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of group help", "Stunden der Gruppenhilfe"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: eine Sitzung "
        "organisatorischer Hilfe für eine Gruppe.",
    ),
    _p(
        "festival_hours",
        10.0,
        float,
        "Worker hours one task takes: organising an encounter: a street party, a neighbourhood "
        "breakfast.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a party", "Stunden eines Fests"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: eine Begegnung organisieren: "
        "ein Straßenfest, ein Nachbarschaftsfrühstück.",
    ),
    _p(
        "advocacy_hours",
        4.0,
        float,
        "Worker hours one task takes: coaching and door opening for one group.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of door opening", "Stunden des Türöffnens"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: Coaching und Türöffnen für "
        "eine Gruppe.",
    ),
    _p(
        "round_table_hours",
        6.0,
        float,
        "Worker hours one task takes: a round table between residents and the administration (or "
        "the housing company).",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a round table", "Stunden eines runden Tischs"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: ein runder Tisch zwischen "
        "Bewohnern und Verwaltung (oder Wohnungsunternehmen).",
    ),
    _p(
        "translation_hours",
        3.0,
        float,
        "Worker hours one task takes: helping one group phrase its claim for the administration "
        "(translation).",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of translation", "Stunden der Übersetzung"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: einer Gruppe helfen, ihr "
        "Anliegen für die Verwaltung zu formulieren (Übersetzung).",
    ),
    _p(
        "dialogue_meeting_hours",
        3.0,
        float,
        "Worker hours one task takes: a dialogue meeting across origin and age groups.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a dialogue meeting", "Stunden eines Dialogtreffens"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: ein Dialogtreffen über "
        "Herkunfts- und Altersgruppen hinweg.",
    ),
    _p(
        "case_hours",
        3.0,
        float,
        "Worker hours one task takes: handling one resident's case (case work).",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a case", "Stunden eines Falls"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: die Bearbeitung des Falls "
        "einer Bewohnerin (Einzelfallhilfe).",
    ),
    _p(
        "planning_hours",
        6.0,
        float,
        "Worker hours one task takes: expert planning on one problem.",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of planning", "Stunden der Planung"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: fachliche Planung zu einem "
        "Problem.",
    ),
    _p(
        "training_hours",
        3.0,
        float,
        "Worker hours one task takes: one training session: a resident does a task with the "
        "worker (handover).",
        unit="hours",
        low=0.5,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of training", "Stunden einer Anleitung"),
        meaning_de="Arbeitsstunden einer Fachkraft für eine Aufgabe: eine Anleitung: eine "
        "Bewohnerin erledigt eine Aufgabe mit der Fachkraft (Übergabe).",
    ),
    _p(
        "mediation_hours",
        8.0,
        float,
        "Worker hours preparing one mediation takes; the conflict mediator banks them and the "
        "arena spends them when opposed claims meet.",
        unit="hours",
        low=1.0,
        high=40.0,
        group="workers",
        tunable=False,
        source="Assumption.",
        label=("Hours of a mediation", "Stunden einer Mediation"),
        meaning_de="Arbeitsstunden einer Fachkraft für die Vorbereitung einer Mediation; der "
        "Konfliktmediator spart sie an, und die Arena verbraucht sie, wenn gegensätzliche "
        "Anliegen aufeinandertreffen.",
    ),
    _p(
        "concern_level",
        0.3,
        float,
        "Concern from which a resident counts as affected by a problem (founding and joining "
        "circles, claims' affected residents, help-seeking about it); a resident whose strain "
        "reaches it counts as burdened and may seek help. A group takes up a new cause its "
        "members care about on average at least half as much.",
        low=0.0,
        high=1.0,
        group="groups",
        tunable=False,
        source="Assumption.",
        label=("Level of concern", "Schwelle der Betroffenheit"),
        meaning_de="Betroffenheit, ab der eine Bewohnerin als von einem Problem betroffen gilt "
        "(Gründungs- und Beitrittskreise, die Betroffenen eines Anliegens, Hilfesuche deswegen); "
        "eine Bewohnerin, deren Belastung sie erreicht, gilt als belastet und kann Hilfe suchen. "
        "Eine Gruppe greift ein neues Anliegen auf, wenn ihre Mitglieder im Mittel mindestens "
        "halb so stark davon betroffen sind.",
    ),
    _p(
        "diagnosis_noise",
        0.3,
        float,
        "Error of one reading the team takes of a resident's resources or a group's capacity at "
        "a contact (standard deviation); estimates average the readings, so the error shrinks "
        "with repeated contact. 0: the team knows exactly what it has seen.",
        unit="resource units",
        low=0.0,
        high=1.0,
        group="workers",
        source="Assumption; Herriger: social-space diagnostics build 'eine stets aktuelle "
        "Wissensbasis' from contact, they are not given.",
        label=("Diagnosis error", "Diagnosefehler"),
        meaning_de="Fehler einer Einschätzung, die das Team bei einem Kontakt von den Ressourcen "
        "einer Person oder der Stärke einer Gruppe gewinnt (Standardabweichung); Schätzungen "
        "mitteln die Einschätzungen, der Fehler sinkt mit wiederholtem Kontakt. 0: das Team "
        "weiß genau, was es gesehen hat.",
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
    unknown = sorted(set(values) - set(PARAMETERS), key=str)
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r}: expected one of {', '.join(PARAMETERS)}"
        )
    checked = {name: p.check(values.get(name, p.default)) for name, p in PARAMETERS.items()}
    if checked["phase_out_weeks"] > checked["project_weeks"]:
        raise ValueError(
            f"phase_out_weeks={checked['phase_out_weeks']} is not allowed: the phase-out is the "
            f"last part of the project, at most project_weeks={checked['project_weeks']}"
        )
    if checked["youth_share"] + checked["elderly_share"] > 1.0:
        raise ValueError(
            f"youth_share={checked['youth_share']} and elderly_share={checked['elderly_share']} "
            "are not allowed together: the adults are the rest, so their sum is at most 1"
        )
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
