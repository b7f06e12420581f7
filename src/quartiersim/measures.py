"""What is measured: the quarter's state in numbers, every week — each measure declared once.

Every measure is computed from the current state — never accumulated on the side — except the
explicit counters of the arena (claims raised and granted so far). The two composites are the
means of named parts, each in [0, 1], so that a reader can see what moved them
(:func:`social_capital_parts`, :func:`political_influence_parts`). Formulas and reasons:
``docs/measures.md``.

**Adding a measure** is one function with ``@measure(label=..., unit=..., high=...)`` above it:
it receives the week's :class:`Snapshot` and returns a number; its docstring is its meaning in
the data dictionary. The model's data collector, the command line's ``--measures``, experiment
files and reports, the browser view's plots and the docs tables read :data:`MEASURES`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from quartiersim.arena import Arena
from quartiersim.groups import ActionGroups
from quartiersim.institutions import MEDIATED, OWN
from quartiersim.landlord import Landlord
from quartiersim.organisers import ResidentOrganisers
from quartiersim.problems import SOLVED, Problems
from quartiersim.registry import Registry, Text, as_text
from quartiersim.residents import BUREAUCRACY, NOT_WAITING, ORGANISING, SPEAKING, Residents
from quartiersim.ties import Ties

DEGREE_HALF = 3.0
"""Ties at which the 'ties' part of social capital is one half: about the size of a core
discussion network (McPherson, Smith-Lovin & Brashears 2006: 2.08)."""

STRONG_TIE = 0.5
"""Weight from which a tie counts as part of one's core network."""

YEAR_WEEKS = 52
"""The window of ``participation_year``: the survey's 'in the last 12 months' in weeks."""


class Working(Protocol):
    """What the measures read of a community worker: the hours spent this week."""

    spent_week: dict[str, float]


class Quarter(Protocol):
    """What the measures read of the quarter."""

    residents: Residents
    ties: Ties
    problems: Problems
    groups: ActionGroups
    arena: Arena
    p: dict[str, Any]
    steps: int

    help_exchanged: int
    causes_preempted: int
    landlord: Landlord
    organisers: ResidentOrganisers

    @property
    def workers(self) -> Sequence[Working]: ...

    @property
    def project_running(self) -> bool: ...


class Snapshot:
    """The quarter's state at the end of a week, as the measures read it.

    What several measures share — which ties bridge, the parts of the two composites,
    self-efficacy — is computed once per week, when a measure first asks for it.
    """

    def __init__(self, model: Quarter) -> None:
        self.model = model
        self.residents = model.residents
        self.ties = model.ties
        self.problems = model.problems
        self.arena = model.arena

    @cached_property
    def bridging(self) -> np.ndarray:
        """Per tie: whether it bridges origin or age groups."""
        return self.ties.bridging(self.residents.origin, self.residents.age)

    @cached_property
    def bridging_count(self) -> int:
        """How many ties bridge origin or age groups."""
        return int(self.bridging.sum())

    @cached_property
    def social_capital_parts(self) -> dict[str, float]:
        """The five parts of social capital (see :func:`social_capital_parts`)."""
        return social_capital_parts(self.model, self.bridging)

    @cached_property
    def political_influence_parts(self) -> dict[str, float]:
        """The four parts of political influence (see :func:`political_influence_parts`)."""
        return political_influence_parts(self.model)

    @cached_property
    def self_efficacy(self) -> np.ndarray:
        """Each resident's self-efficacy."""
        return self.residents.self_efficacy


@dataclass(frozen=True)
class Measure:
    """A measure the model records every week: what it means, its unit and range, how it is
    computed from a :class:`Snapshot`, and its name for people (English and German)."""

    name: str
    compute: Callable[[Snapshot], float]
    meaning: str  # one sentence: the data dictionary's entry
    label: Text
    unit: str  # "share", "mean", "index", "ties", "hours", ...
    low: float = 0.0
    high: float | None = 1.0  # None: no upper bound (a count)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", as_text(self.label))

    @property
    def unit_interval(self) -> bool:
        """Whether the measure lies in [0, 1] (a share, a mean or an index): plotted on that
        fixed scale, so curves of different runs compare."""
        return self.low == 0 and self.high == 1

    def range_text(self) -> str:
        """The range for people: ``[0, 1]`` or ``≥ 0``."""
        return f"[{self.low:g}, {self.high:g}]" if self.high is not None else f"≥ {self.low:g}"


MEASURES: Registry[Measure] = Registry("measure")
"""Every measure the model records each week, by name, in declaration order (the columns of
the data): the data dictionary."""


def measure(
    *,
    label: tuple[str, str],
    unit: str,
    high: float | None,
    low: float = 0.0,
    name: str | None = None,
) -> Callable[[Callable[[Snapshot], float]], Callable[[Snapshot], float]]:
    """Declare the decorated function as a measure. Its docstring is the measure's meaning;
    ``label`` is its (English, German) name for people; ``high=None`` marks a count without an
    upper bound. ``name`` defaults to the function's name."""

    def declare(compute: Callable[[Snapshot], float]) -> Callable[[Snapshot], float]:
        meaning = " ".join(inspect.cleandoc(compute.__doc__ or "").split())
        MEASURES.add(
            Measure(
                name=name or compute.__name__,
                compute=compute,
                meaning=meaning,
                label=Text(*label),
                unit=unit,
                low=low,
                high=high,
            )
        )
        return compute

    return declare


def compute(m: Quarter, names: Sequence[str] | None = None) -> dict[str, float]:
    """The measures ``names`` (default: all of :data:`MEASURES`, in their order) for the
    quarter's current state. Parts shared by several measures are computed once, and only
    if a measure asked for needs them."""
    snapshot = Snapshot(m)
    if names is None:
        return {name: spec.compute(snapshot) for name, spec in MEASURES.items()}
    return {name: MEASURES[name].compute(snapshot) for name in names}


# -- the parts of the composites, and helpers ------------------------------------------------


def social_capital_parts(m: Quarter, bridging: np.ndarray | None = None) -> dict[str, float]:
    """The five parts of social capital, each in [0, 1] (see ``docs/measures.md``).

    ``bridging`` (which ties are bridging) may be passed in when the caller has it already.
    """
    r, t = m.residents, m.ties
    degree = 2.0 * len(t) / r.n
    if bridging is None:
        bridging = t.bridging(r.origin, r.age)
    # Bridging relative to what random mixing would give: 1 means no homophily at all.
    shares = np.bincount(r.origin_age) / r.n
    expected = 1.0 - float((shares**2).sum())
    bridging_part = min(1.0, bridging.mean() / expected) if len(t) and expected > 0 else 0.0
    return {
        "ties": degree / (degree + DEGREE_HALF),
        "strength": float(t.weight.mean()) if len(t) else 0.0,
        "bridging": float(bridging_part),
        "connectedness": largest_component_share(m),
        "support": float(r.support.mean()),
    }


def political_influence_parts(m: Quarter) -> dict[str, float]:
    """The four parts of the residents' political influence, each in [0, 1] — all properties
    of the residents, none of the administration's state (see ``docs/measures.md``)."""
    a, r = m.arena, m.residents
    potential = len(a.ally_of)
    capability = [ORGANISING, SPEAKING, BUREAUCRACY]
    possible = float(r.resources[:, capability].sum())
    return {
        "organised": float((r.group >= 0).mean()),
        "competence": float(r.activated[:, capability].sum()) / possible if possible else 0.0,
        "allies": a.allies / potential if potential else 0.0,
        "record": a.record(),
    }


def largest_component_share(m: Quarter) -> float:
    """Share of residents in the largest connected part of the tie network."""
    return m.ties.largest_component() / m.residents.n


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: all equal); 0 when all are zero."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0 or values.sum() == 0:
        return 0.0
    diffs = np.abs(values[:, None] - values[None, :]).sum()
    return float(diffs / (2.0 * len(values) ** 2 * values.mean()))


# -- the measures, in the order of the data's columns ------------------------------------------


@measure(label=("social capital", "Sozialkapital"), unit="index", high=1)
def social_capital(s: Snapshot) -> float:
    """Composite index in [0, 1] of the resident network: ties, strength, bridging, connectedness,
    support (mean of five parts)."""
    return float(np.mean(list(s.social_capital_parts.values())))


@measure(label=("political influence", "politischer Einfluss"), unit="index", high=1)
def political_influence(s: Snapshot) -> float:
    """Composite index in [0, 1] of the residents' own political capacity: organised share,
    activated competences for politics, allies they keep, their record of won claims (mean of
    four parts); the administration's state is reported apart."""
    return float(np.mean(list(s.political_influence_parts.values())))


@measure(label=("helplessness", "Hilflosigkeit"), unit="mean", high=1)
def helplessness(s: Snapshot) -> float:
    """Mean learned helplessness (erlernte Hilflosigkeit), 0..1."""
    return float(s.residents.helplessness.mean())


@measure(label=("withdrawn share", "Anteil Zurückgezogener"), unit="share", high=1)
def withdrawn_share(s: Snapshot) -> float:
    """Share of residents in resigned privacy (resignative Privatheit)."""
    return float(s.residents.withdrawn.mean())


@measure(label=("activated resources", "aktivierte Ressourcen"), unit="share", high=1)
def activated_resources(s: Snapshot) -> float:
    """Share of all hidden resources that is activated."""
    r = s.residents
    return float(r.activated.sum() / r.resources.sum())


@measure(label=("self-efficacy", "Selbstwirksamkeit"), unit="mean", high=1)
def self_efficacy(s: Snapshot) -> float:
    """Mean self-efficacy (Selbstwirksamkeit), 0..1."""
    return float(s.self_efficacy.mean())


@measure(label=("feel influential", "fühlen sich einflussreich"), unit="share", high=1)
def feel_influential(s: Snapshot) -> float:
    """Share of residents with self-efficacy of at least 0.5: they feel able to influence what
    happens around them."""
    return float((s.self_efficacy >= 0.5).mean())


@measure(label=("participation", "Beteiligung"), unit="share", high=1)
def participation(s: Snapshot) -> float:
    """Share of residents active in an action group."""
    return s.political_influence_parts["organised"]


@measure(
    label=("participation in the last year", "Beteiligung im letzten Jahr"), unit="share", high=1
)
def participation_year(s: Snapshot) -> float:
    """Share of residents who were members of an action group at some time in the last 52
    weeks (this week included): the quantity held against the survey's civic activism 'in the
    last 12 months'."""
    return float(s.residents.took_part_within(YEAR_WEEKS, s.model.steps).mean())


@measure(label=("bonding ties", "bindende Beziehungen"), unit="ties", high=None)
def bonding_ties(s: Snapshot) -> float:
    """Ties within the same origin and age group."""
    return len(s.ties) - s.bridging_count


@measure(label=("bridging ties", "brückenbildende Beziehungen"), unit="ties", high=None)
def bridging_ties(s: Snapshot) -> float:
    """Ties across origin or age groups."""
    return s.bridging_count


@measure(label=("ties per resident", "Beziehungen pro Person"), unit="ties per resident", high=None)
def mean_degree(s: Snapshot) -> float:
    """Mean number of ties per resident."""
    return 2.0 * len(s.ties) / s.residents.n


@measure(
    label=("strong ties per resident", "starke Beziehungen pro Person"),
    unit="ties per resident",
    high=None,
)
def core_ties(s: Snapshot) -> float:
    """Mean number of strong ties (weight >= 0.5) per resident: the core network."""
    return 2.0 * float((s.ties.weight >= STRONG_TIE).sum()) / s.residents.n


@measure(label=("tie strength", "Beziehungsstärke"), unit="mean", high=1)
def mean_tie_strength(s: Snapshot) -> float:
    """Mean weight of existing ties, 0..1."""
    return s.social_capital_parts["strength"]


@measure(label=("largest connected part", "größter verbundener Teil"), unit="share", high=1)
def largest_component(s: Snapshot) -> float:
    """Share of residents in the largest connected part of the network."""
    return s.social_capital_parts["connectedness"]


@measure(label=("social support", "soziale Unterstützung"), unit="mean", high=1)
def support(s: Snapshot) -> float:
    """Mean social support received along ties, 0..1."""
    return s.social_capital_parts["support"]


@measure(label=("belonging", "Zugehörigkeit"), unit="mean", high=1)
def belonging(s: Snapshot) -> float:
    """Mean belonging to the quarter, 0..1."""
    return float(s.residents.belonging.mean())


@measure(label=("claims raised", "gestellte Forderungen"), unit="claims", high=None)
def claims_raised(s: Snapshot) -> float:
    """Claims raised at resident assemblies so far."""
    return s.arena.claims_raised


@measure(label=("claims granted", "erfüllte Forderungen"), unit="claims", high=None)
def claims_granted(s: Snapshot) -> float:
    """Claims granted by the administration so far."""
    return s.arena.claims_granted


@measure(label=("claims success (last year)", "Erfolgsquote (letztes Jahr)"), unit="share", high=1)
def claims_success(s: Snapshot) -> float:
    """Share of the decisions on residents' claims of the last 52 weeks that granted the
    claim."""
    return s.arena.recent_success()


@measure(label=("open problems", "offene Probleme"), unit="problems", high=None)
def problems_open(s: Snapshot) -> float:
    """Structural problems not (yet) solved, latent or visible."""
    return int(s.problems.open.sum())


@measure(label=("visible problems", "sichtbare Probleme"), unit="problems", high=None)
def problems_visible(s: Snapshot) -> float:
    """Open problems that are publicly visible."""
    return int(s.problems.visible.sum())


@measure(label=("problems solved", "gelöste Probleme"), unit="problems", high=None)
def problems_solved(s: Snapshot) -> float:
    """Problems solved so far."""
    return int((s.problems.status == SOLVED).sum())


@measure(label=("allies", "Verbündete"), unit="allies", high=None)
def allies(s: Snapshot) -> float:
    """Allies (associations, politicians, civil society) currently supporting groups."""
    return s.arena.allies


@measure(
    label=("administration's responsiveness", "Offenheit der Verwaltung"), unit="index", high=1
)
def admin_responsiveness(s: Snapshot) -> float:
    """The administration's responsiveness to residents' own claims, 0..1 (their own channel):
    the administration's state, not the residents' influence."""
    return float(s.arena.administration.responsiveness[OWN])


@measure(
    label=("responsiveness to the workers", "Offenheit für die Fachkräfte"), unit="index", high=1
)
def mediated_responsiveness(s: Snapshot) -> float:
    """The administration's responsiveness to claims the community workers carry, 0..1 (the
    mediated channel): the recognition round tables win belongs to the workers."""
    return float(s.arena.administration.responsiveness[MEDIATED])


@measure(
    label=("housing company's responsiveness", "Offenheit des Wohnungsunternehmens"),
    unit="index",
    high=1,
)
def landlord_responsiveness(s: Snapshot) -> float:
    """The housing company's responsiveness to tenants' own claims, 0..1 (their own channel)."""
    return float(s.model.landlord.responsiveness[OWN])


@measure(label=("rent problem open", "Mietproblem offen"), unit="flag", high=1)
def rent_problem_open(s: Snapshot) -> float:
    """1 while the quarter's rent problem is open (the company raised the rent and no claim
    has withdrawn the increase), else 0. There is never more than one."""
    return float(s.model.landlord.rent_problem() is not None)


@measure(
    label=("resident organisers", "Bewohner mit übernommenen Aufgaben"),
    unit="residents",
    high=None,
)
def resident_organisers(s: Snapshot) -> float:
    """Residents who hold a task handed over to them in a phased exit (Verstetigung) and have
    not withdrawn: they go on doing it after the workers left."""
    m = s.model
    holders = m.organisers.holders()
    return float(np.count_nonzero(~m.residents.withdrawn[holders]))


@measure(label=("trust in institutions", "Vertrauen in Institutionen"), unit="mean", high=1)
def institutional_trust(s: Snapshot) -> float:
    """Mean expectation that institutions (the office, the administration, the housing company)
    will act, 0..1: trust in institutions, learned from what they did."""
    return float(s.residents.expect_inst.mean())


@measure(
    label=("equal voice across origins", "gleiche Stimme aller Herkünfte"), unit="index", high=1
)
def voice_equality(s: Snapshot) -> float:
    """1 − Gini of participation rates across origin groups (1: equal voice)."""
    r = s.residents
    n_origins = s.model.p["n_origins"]
    counts = np.bincount(r.origin, minlength=n_origins)
    active = np.bincount(r.origin, weights=r.group >= 0, minlength=n_origins)
    rates = np.divide(active, counts, out=np.zeros(len(counts)), where=counts > 0)
    return 1.0 - gini(rates[counts > 0])


@measure(label=("active groups", "aktive Gruppen"), unit="groups", high=None)
def active_groups(s: Snapshot) -> float:
    """Action groups currently active."""
    return len(s.model.groups.active)


@measure(label=("open conflicts", "offene Konflikte"), unit="conflicts", high=None)
def conflicts_open(s: Snapshot) -> float:
    """Conflicts between claims left unmediated so far."""
    return s.arena.conflicts_open


@measure(label=("mediated conflicts", "vermittelte Konflikte"), unit="conflicts", high=None)
def conflicts_mediated(s: Snapshot) -> float:
    """Conflicts turned into compromises so far."""
    return s.arena.conflicts_mediated


@measure(label=("workers' hours", "Arbeitsstunden"), unit="hours", high=None)
def worker_hours(s: Snapshot) -> float:
    """Hours the community workers spent this week."""
    return float(sum(sum(w.spent_week.values()) for w in s.model.workers))


@measure(label=("project running", "Projekt läuft"), unit="flag", high=1)
def project_running(s: Snapshot) -> float:
    """1 while the funded project runs, 0 after the exit."""
    return int(s.model.project_running)


# -- dependency: expectations, routes to help, solutions with or for residents ----------------


@measure(label=("own expectation", "Erwartung an eigenes Handeln"), unit="mean", high=1)
def own_expectation(s: Snapshot) -> float:
    """Mean expectation that one's own and one's neighbours' action works, 0..1 (collective
    efficacy), learned from outcomes residents brought about."""
    return float(s.residents.expect_own.mean())


@measure(label=("waiting on the office", "warten aufs Amt"), unit="share", high=1)
def waiting_share(s: Snapshot) -> float:
    """Share of residents waiting on the office about a problem or a burden of their own."""
    return float((s.residents.waiting_on != NOT_WAITING).mean())


@measure(label=("help between neighbours", "Nachbarschaftshilfe"), unit="acts", high=None)
def help_exchanged(s: Snapshot) -> float:
    """Acts of help between neighbours this week that worked (a resident asked a tie and was
    helped)."""
    return float(s.model.help_exchanged)


@measure(
    label=("problems solved with residents", "mit Bewohnern gelöst"), unit="problems", high=None
)
def problems_solved_with(s: Snapshot) -> float:
    """Problems solved so far *with* residents: by an outcome to which residents contributed
    effort (a granted claim)."""
    return int(((s.problems.status == SOLVED) & s.problems.solved_with).sum())


@measure(label=("problems solved for residents", "für Bewohner gelöst"), unit="problems", high=None)
def problems_solved_for(s: Snapshot) -> float:
    """Problems solved so far *for* residents: by routine repair or expert planning, without
    their action."""
    return int(((s.problems.status == SOLVED) & ~s.problems.solved_with).sum())


@measure(label=("causes pre-empted", "vorweggenommene Anliegen"), unit="groups", high=None)
def causes_preempted(s: Snapshot) -> float:
    """Times so far a problem was solved for residents while a group of theirs worked on it:
    the group lost its cause to the experts."""
    return float(s.model.causes_preempted)


# The parts of political influence besides the organised share (which is `participation`), so
# a reader can see what carries the index (docs/predictions.md 9).
@measure(label=("influence: competence", "Einfluss: Kompetenz"), unit="share", high=1)
def influence_competence(s: Snapshot) -> float:
    """Part of political influence: activated organising, speaking and bureaucratic
    competence as a share of residents' true levels in them."""
    return s.political_influence_parts["competence"]


@measure(label=("influence: allies", "Einfluss: Verbündete"), unit="share", high=1)
def influence_allies(s: Snapshot) -> float:
    """Part of political influence: allies currently supporting resident groups, as a share
    of the potential allies."""
    return s.political_influence_parts["allies"]


@measure(label=("influence: record", "Einfluss: Erfolgsbilanz"), unit="share", high=1)
def influence_record(s: Snapshot) -> float:
    """Part of political influence: claims won by resident groups in the last 52 weeks over
    the claims decided plus one."""
    return s.political_influence_parts["record"]
