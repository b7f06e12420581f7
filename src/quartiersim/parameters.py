"""The one declaration of every model parameter.

Each :class:`Parameter` carries its name, default, allowed range or choices, unit, meaning and,
where one exists, the source of its default. This table feeds everything that shows or checks a
parameter: :func:`validate` (used by :class:`~quartiersim.model.QuartierModel`), the command
line (``--n-residents``), experiment files, the browser view's controls and the documentation.
Add a parameter here and it appears everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROLES: tuple[str, ...] = (
    "problem_sensor",
    "resource_diagnostician",
    "organisation_helper",
    "door_opener",
    "dialogue_manager",
    "conflict_mediator",
)
"""The six roles of community workers (Herriger): Problemsensor, Ressourcendiagnostiker,
Organisationshelfer, Türöffner, Dialogmanager, Konfliktmediator."""

CASE_WORK = "case_work"
"""Deficit-oriented work *for* residents (stellvertretende Fallbearbeitung, amtliche
Fürsorglichkeit): not one of the six roles, but where a top-down strategy spends its hours."""

ACTIVITIES: tuple[str, ...] = (*ROLES, CASE_WORK)
"""Everything a worker can spend hours on: the six roles plus case work."""


@dataclass(frozen=True)
class Parameter:
    """One model parameter: what it is, what it may be, where its default comes from."""

    name: str
    default: Any
    kind: type  # int, float, str, bool, dict (role mix) or tuple (events)
    meaning: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    source: str = ""
    group: str = "quarter"  # for grouping controls and docs
    tunable: bool = True  # shown as a slider/selector in the browser view

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
            from quartiersim.events import parse_schedule  # late: events imports this module

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


def check_role_mix(value: Any, *, name: str = "role_mix") -> dict[str, float] | None:
    """Validate a role mix: activity name -> non-negative share; normalised to sum 1.

    ``None`` means "the strategy's preset". An all-zero mix means "workers do nothing".
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{name}={value!r} is not allowed: expected a mapping of activities "
            f"({', '.join(ACTIVITIES)}) to shares >= 0"
        )
    mix: dict[str, float] = {}
    for key, share in value.items():
        if key not in ACTIVITIES:
            raise ValueError(
                f"{name} has unknown activity {key!r}: expected one of {', '.join(ACTIVITIES)}"
            )
        if isinstance(share, bool) or not isinstance(share, int | float) or not share >= 0:
            raise ValueError(f"{name}[{key!r}]={share!r} is not allowed: expected a share >= 0")
        mix[key] = float(share)
    total = sum(mix.values())
    return {a: (mix.get(a, 0.0) / total if total > 0 else 0.0) for a in ACTIVITIES}


def _p(name: str, default: Any, kind: type, meaning: str, **kw: Any) -> Parameter:
    return Parameter(name=name, default=default, kind=kind, meaning=meaning, **kw)


STRATEGY_NAMES = ("none", "top_down", "networking", "political", "empowerment", "custom")

_DECLARATION: tuple[Parameter, ...] = (
    # --- the quarter -------------------------------------------------------------------------
    _p(
        "n_residents",
        600,
        int,
        "Resident households in the quarter (one agent may stand for a household).",
        unit="households",
        low=10,
        high=100_000,
        group="quarter",
        source="Soziale Stadt areas have 5,000-20,000 residents; scaled down, one agent per "
        "household (design §3).",
    ),
    _p("width", 40, int, "Width of the quarter's grid.", unit="cells", low=10, high=400),
    _p("height", 40, int, "Height of the quarter's grid.", unit="cells", low=10, high=400),
    _p(
        "segregation",
        0.6,
        float,
        "Residential segregation by origin: 0 mixed, 1 every household "
        "in its origin group's part of the quarter.",
        low=0.0,
        high=1.0,
    ),
    _p(
        "n_origins",
        3,
        int,
        "Number of origin groups (long-established residents and immigrant communities).",
        unit="groups",
        low=1,
        high=6,
    ),
    _p(
        "n_problems",
        8,
        int,
        "Structural problems present at the start (poor lighting, no "
        "youth space, rent pressure, noise, neglected green ...).",
        low=0,
        high=40,
    ),
    _p(
        "problem_arrival_weeks",
        52.0,
        float,
        "Mean weeks between new structural problems appearing in the quarter.",
        unit="weeks",
        low=1.0,
        high=10_000.0,
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
    ),
    _p(
        "initial_helplessness",
        0.4,
        float,
        "Mean learned helplessness at the start (erlernte Hilflosigkeit).",
        low=0.0,
        high=1.0,
        source="Stylised: a disadvantaged quarter where resignation is common (Herriger).",
    ),
    _p(
        "withdrawal_threshold",
        0.7,
        float,
        "Helplessness above which a resident retreats "
        "into resigned privacy (resignative Privatheit): no voluntary encounters.",
        low=0.05,
        high=1.0,
    ),
    _p(
        "initial_activation",
        0.3,
        float,
        "Share of each resident's true resources that is "
        "activated at the start; the rest is buried (verschüttet).",
        low=0.0,
        high=1.0,
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
    ),
    _p(
        "tie_gain",
        0.17,
        float,
        "Tie strength added by one encounter.",
        low=0.0,
        high=1.0,
        group="ties",
        source="Calibrated so that residents have about two strong ties (a core "
        "discussion network of 2.08: McPherson, Smith-Lovin & Brashears 2006).",
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
    ),
    _p(
        "tie_min",
        0.02,
        float,
        "Ties weaker than this are forgotten (pruned).",
        low=0.0,
        high=0.5,
        group="ties",
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
        source="Seligman & Maier 1967; Herriger: learned helplessness.",
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
    ),
    _p(
        "mastery_effect",
        0.25,
        float,
        "Fall of helplessness from one full mastery experience (success through one's own action).",
        low=0.0,
        high=1.0,
        group="helplessness",
    ),
    _p(
        "failure_effect",
        0.1,
        float,
        "Rise of helplessness from one full failure (a refused claim, a collapse).",
        low=0.0,
        high=1.0,
        group="helplessness",
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
    ),
    _p(
        "activation_gain",
        0.3,
        float,
        "Share of the buried gap in a domain activated by one full mastery experience in it.",
        low=0.0,
        high=1.0,
        group="helplessness",
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
        source="Granovetter 1978.",
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
    ),
    _p(
        "threshold_spread",
        0.5,
        float,
        "How strongly helplessness raises and self-efficacy lowers a resident's joining threshold.",
        low=0.0,
        high=2.0,
        group="groups",
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
        source="Difu 2005/06: new problem-focused groups formed in "
        "over 60% of areas after a programme started.",
    ),
    _p(
        "initiator_level",
        0.35,
        float,
        "Activated organising resource a resident needs to start a group without help.",
        low=0.0,
        high=1.0,
        group="groups",
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
        source="Wituk et al. 2002: 76% of disbanded groups ended from falling attendance.",
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
    ),
    _p(
        "admin_responsiveness",
        0.25,
        float,
        "Initial responsiveness of administration and local politics to residents' claims.",
        low=0.0,
        high=1.0,
        group="arena",
        source="Community Life Survey 2018-19: 25% feel able to influence local decisions.",
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
    ),
    # --- community workers and strategy -------------------------------------------------------
    _p(
        "strategy",
        "empowerment",
        str,
        "How the workers spend their time: a preset role mix and working style, or 'custom'.",
        choices=STRATEGY_NAMES,
        group="workers",
    ),
    _p(
        "role_mix",
        None,
        dict,
        "For strategy 'custom' (or to override a preset): hours share per activity.",
        group="workers",
        tunable=False,
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
        source="Soziale Stadt: typically a team of about 2 full-time staff per area.",
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
        source="German full-time week.",
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
    ),
    _p(
        "events",
        (),
        tuple,
        "Events scheduled for this run, as 'week:event' entries.",
        group="events",
        tunable=False,
    ),
)

PARAMETERS: dict[str, Parameter] = {p.name: p for p in _DECLARATION}
"""Every model parameter by name, in declaration order."""

DEFAULTS: dict[str, Any] = {p.name: p.default for p in _DECLARATION}


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
