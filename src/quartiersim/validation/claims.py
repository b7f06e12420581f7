"""What the validation report holds the model to, as data: the stylised facts of a quarter
without intervention, and the theory's claims as hypotheses with their contrasts.

A claim says which strategy should differ from which, in which measure, at which week and in
which direction, and carries two explanations by mechanism: why the claim holds in the model,
and why it does not. The report picks one by the verdict the numbers give
(:mod:`~quartiersim.validation.analysis`), never by assumption.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

OUTCOMES = {"social_capital": "social capital", "political_influence": "political influence"}
"""The two headline outcomes of the theory (measure → name in the text)."""


@dataclass(frozen=True)
class CalibrationTarget:
    """A stylised fact the quarter without intervention should sit near."""

    measure: str
    meaning: str
    band: tuple[float, float]
    """The accepted band: this report's tolerance around the fact, stated so a reader can
    disagree with it."""
    target: str
    source: str
    from_week: int = 1
    """The first week averaged: a measure over the last year has its full window only from
    week 53 on."""


CALIBRATION = (
    CalibrationTarget(
        "participation_year",
        "share of residents in an action group at some time in the last 52 weeks",
        (0.04, 0.14),
        "about 8% (civic activism)",
        "Community Life Survey 2019/20 (England): 8% of adults in civic activism (local "
        "decision-making groups, among them housing groups and groups tackling local problems) "
        "in the last 12 months",
        from_week=53,
    ),
    CalibrationTarget(
        "feel_influential",
        "share with self-efficacy ≥ 0.5 (feel able to influence)",
        (0.12, 0.42),
        "about 27%",
        "Community Life Survey 2019/20 (England): 27% agree they can personally influence "
        "decisions affecting their local area",
    ),
    CalibrationTarget(
        "core_ties",
        "strong ties (weight ≥ 0.5) per resident",
        (1.2, 3.0),
        "about 2–3",
        "McPherson, Smith-Lovin & Brashears 2006: core discussion network 2.08 (2004; 2.94 in "
        "1985)",
    ),
)
"""The stylised facts of section 2, each with a two-sided band. None of them is met by a
parameter set to its value: each is a measure the model produces, and the parameters that
drive it are calibrated, not set (``experiments/calibration.toml``, docs/calibration.md)."""


@dataclass(frozen=True)
class Claim:
    """A claim of the theory as a paired comparison: arm ``a`` minus arm ``b`` in ``measure``
    at ``week`` should have ``sign`` (+1 or −1). With ``since``, what is compared is the change
    from week ``since`` to ``week``."""

    family: str
    statement: str
    contrast: str
    a: str
    b: str
    measure: str
    week: int
    sign: int
    why_holds: str
    why_not: str
    since: int | None = None


MeanOf = Callable[[str, int, str], float]
"""``mean(arm, week, measure)``: the mean over the replications of the strategy comparison."""


def theory_claims(
    strategies: Sequence[str], early: int, during: int, after: int, mean: MeanOf
) -> list[Claim]:
    """The theory's claims for a comparison of ``strategies`` (none if it lacks ``none``,
    ``top_down`` or ``empowerment``). ``early``, ``during`` and ``after`` are the weeks looked
    at; ``mean`` picks the strongest other strategy and the evidence some explanations quote."""
    if not {"none", "top_down", "empowerment"} <= set(strategies):
        return []
    out: list[Claim] = []
    lasting_sc = (
        "Ties built in groups, festivals and dialogue meetings are renewed as long as "
        "groups act; bridges that are no longer renewed decay (section 1.2)."
    )
    for measure, title in OUTCOMES.items():
        for week, label in ((during, "during the project"), (after, "after the exit")):
            for base in ("none", "top_down"):
                holds = (
                    "Groups' small actions, festivals and dialogue meetings across origin and "
                    "age groups create and renew ties (bridging ones included), and support "
                    "grows as helplessness falls through what residents do that works."
                    if measure == "social_capital"
                    else "Political influence is the residents' own capacity: more residents "
                    "are organised in groups; trials in spaces of possibility and groups' "
                    "actions activate organising, speaking and bureaucratic competence; groups "
                    "keep the allies the door opener helped them win and build a record of won "
                    "claims. Round tables and the administration's responsiveness are not part "
                    "of it."
                )
                if week == after:
                    holds += (
                        " After the exit part of it remains: groups that have activated "
                        "organisers keep acting and recruiting without the workers."
                    )
                if measure == "social_capital":
                    not_holds = (
                        "Social capital is a composite of the tie network (ties, strength, "
                        "bridging, connectedness, support); everyday encounters in house "
                        "communities and at places sustain most of it whatever the workers do, "
                        "so the strategies' effect is a small shift on a large base. "
                        + (lasting_sc if week == after else "")
                    )
                else:
                    not_holds = (
                        "Political influence is the residents' organised share, activated "
                        "competences, allies kept and record of won claims (last 52 weeks). "
                        "After the exit allies leave groups that lose momentum, unused "
                        "competences fade (`resource_disuse`), and the record only counts the "
                        "last year; what the workers carried on the mediated channel does not "
                        "count at all."
                        if week == after
                        else "Claims need backing above a bar set by the institution's "
                        "responsiveness on their channel; where groups stay small, backing and "
                        "the record stay low, and competences activate only through outcomes "
                        "residents take part in."
                    )
                out.append(
                    Claim(
                        family=f"Empowerment leads on {title}",
                        statement=f"empowerment raises {title} {label}",
                        contrast=f"empowerment − {base}, week {week}",
                        a="empowerment",
                        b=base,
                        measure=measure,
                        week=week,
                        sign=+1,
                        why_holds=holds,
                        why_not=not_holds,
                    )
                )
    others = [s for s in strategies if s not in ("empowerment", "none", "top_down")]
    for measure, title in OUTCOMES.items():
        for week, label in ((during, "during the project"), (after, "after the exit")):
            if not others:
                break
            best = max(others, key=lambda s: mean(s, week, measure))
            if measure == "social_capital" and best == "networking":
                why_not = (
                    "Ties are built by the roles that bring residents together: the "
                    "organisation helper's groups and festivals, the conflict mediator's "
                    "dialogue meetings across origin and age groups, and outreach that draws "
                    "the withdrawn back into encounters. `networking` puts all its hours into "
                    "exactly these roles (`quartiersim.strategies`); empowerment's balanced mix "
                    "spends half of them on problem sensing, door opening and dialogue "
                    "management, which act on the arena rather than on ties."
                )
            elif measure == "political_influence" and best == "political":
                why_not = (
                    "`political` puts all its hours into problem sensing, door opening and "
                    "dialogue management: groups it carries win claims and keep allies, which "
                    "are part of the residents' influence."
                )
            else:
                why_not = (
                    f"`{best}` concentrates its hours on fewer roles; where those roles drive "
                    f"{title} directly, concentration beats balance."
                )
            out.append(
                Claim(
                    family="Empowerment leads (against the strongest other strategy)",
                    statement=f"empowerment leads on {title} {label}",
                    contrast=f"empowerment − {best} (the best other strategy), week {week}",
                    a="empowerment",
                    b=best,
                    measure=measure,
                    week=week,
                    sign=+1,
                    why_holds="The balance matters: groups need members (outreach, organisation "
                    "help) *and* access (door opening, round tables); a single-focus strategy "
                    "supplies one of the two.",
                    why_not=why_not,
                )
            )
    out.append(
        Claim(
            family="Quick relief vs lasting change",
            statement="top-down care gives quick relief: fewer open problems early than without "
            "intervention",
            contrast=f"top_down − none, problems_open, week {early}",
            a="top_down",
            b="none",
            measure="problems_open",
            week=early,
            sign=-1,
            why_holds="Expert planning takes severity off the worst visible problems every week "
            "and solves them for residents (`case_work` in `roles.py`).",
            why_not="Expert planning takes only `planning_relief` of severity off one problem per "
            "session, and structural problems (rent pressure) are out of its reach; within half a "
            "year this solves few problems more than the administration's routine repairs.",
        )
    )
    out.append(
        Claim(
            family="Quick relief vs lasting change",
            statement="top-down care gives quick relief: fewer open problems early than "
            "empowerment",
            contrast=f"top_down − empowerment, problems_open, week {early}",
            a="top_down",
            b="empowerment",
            measure="problems_open",
            week=early,
            sign=-1,
            why_holds="Case work's expert planning takes severity off the worst visible problems "
            "every week and solves them for residents (`case_work` in `roles.py`); empowerment "
            "first has to find problems, found groups and win claims at assemblies every "
            "`assembly_weeks` weeks.",
            why_not="Empowerment's problem sensor makes problems visible and groups win claims at "
            "the assemblies; within the first months this solves problems about as fast as the "
            "experts' planning sessions (each takes only `planning_relief` off a problem).",
        )
    )
    out.append(
        Claim(
            family="Quick relief vs lasting change",
            statement="top-down care relieves helplessness early more than empowerment",
            contrast=f"top_down − empowerment, helplessness, week {early}",
            a="top_down",
            b="empowerment",
            measure="helplessness",
            week=early,
            sign=-1,
            why_holds="Case work answers the office queue at once: strain is taken off "
            "(`help_relief`) and each answered request is a small success for the one who asked; "
            "under empowerment mastery waits until residents do something that works (a visit is "
            "contact, not mastery).",
            why_not="Residents who wait on the office and are answered learn only a small "
            "outcome they took part in, while empowerment's trials in spaces of possibility and "
            "groups' small actions are outcomes of residents' own effort from the first weeks.",
        )
    )
    out.append(
        Claim(
            family="Quick relief vs lasting change",
            statement="empowerment leaves lower helplessness than top-down care after the exit",
            contrast=f"empowerment − top_down, helplessness, week {after}",
            a="empowerment",
            b="top_down",
            measure="helplessness",
            week=after,
            sign=-1,
            why_holds="Outcomes residents bring about with their own effort lower helplessness "
            "and activate resources; activated resources in use do not fade, and groups that "
            "outlive the project keep giving such outcomes.",
            why_not="After the exit both quarters are left to everyday life; problems that case "
            "work solved stay solved and keep strain low, which can match what mastery achieved.",
        )
    )
    out.append(
        Claim(
            family="Quick relief vs lasting change",
            statement="empowerment leaves more activated resources than top-down care after the "
            "exit",
            contrast=f"empowerment − top_down, activated_resources, week {after}",
            a="empowerment",
            b="top_down",
            measure="activated_resources",
            week=after,
            sign=+1,
            why_holds="Trials in spaces of possibility and groups' actions activate part of the "
            "gap in the domain residents used; a case handled for a resident is an outcome they "
            "only took part in, in no domain, so it activates nothing.",
            why_not="Unused activated resources fade back to the everyday level "
            "(`resource_disuse`), so without groups in which residents keep using them the "
            "activation does not last.",
        )
    )
    open_after = {s: mean(s, after, "problems_open") for s in ("top_down", "none")}
    evidence = (
        f"(open problems at week {after}: {open_after['top_down']:.1f} after top-down care, "
        f"{open_after['none']:.1f} without intervention)"
    )
    if open_after["top_down"] < open_after["none"]:
        strain = (
            "Problems that top-down care solved stay solved after the exit, so its quarter is "
            f"*less* strained than the untouched one {evidence}."
        )
    else:
        strain = (
            f"After the exit the two quarters are about equally strained {evidence}, and the "
            "small failures of requests nobody answers after the exit are worn off by the everyday "
            "drift of helplessness (support along ties, `support_relief`)."
        )
    out.append(
        Claim(
            family="Dependency",
            statement="top-down care leaves residents more helpless after the exit than no "
            "intervention",
            contrast=f"top_down − none, helplessness, week {after}",
            a="top_down",
            b="none",
            measure="helplessness",
            week=after,
            sign=+1,
            why_holds="Residents who learned that the office acts keep turning to it after the "
            "exit; nobody answers their requests (small failures for those who asked), and they "
            "have activated no resources of their own.",
            why_not="Dependency is learned as expectations and routes (who one turns to), not "
            "as helplessness: a request nobody answers is a small failure for the one who asked, "
            "weighted by `taking_part_weight`, while a solved problem permanently removes strain "
            f"(and with it the weekly rise of helplessness from `problem_stress`). {strain} The "
            "dependency claims below test it where the theory puts it: trust in institutions, "
            "waiting on the office, participation.",
        )
    )
    out.append(
        Claim(
            family="Dependency",
            statement="after the exit, helplessness rises more under top-down care than without "
            "intervention",
            contrast=f"top_down − none, helplessness week {after} minus week {during}",
            a="top_down",
            b="none",
            measure="helplessness",
            week=after,
            since=during,
            sign=+1,
            why_holds="With the exit the relief from help decays within weeks, the office stops "
            "answering, and residents who learned to wait on it meet requests nobody answers.",
            why_not="The relief from help (`help_relief`) decays within weeks and requests nobody "
            f"answers are small failures for those who asked. {strain} So helplessness does not "
            "rebound more than in the untouched quarter.",
        )
    )
    dependency = (
        (
            "institutional_trust",
            during,
            +1,
            "residents trust more that institutions will act",
            "Answered requests and problems solved for residents teach the institutional "
            "expectation (Bush–Mosteller, the dependence-support script of Baltes & Wahl).",
            "Few residents turn to the office in the first place, and what they observe of "
            "institutions acting is too little to move the mean expectation.",
        ),
        (
            "problems_solved_with",
            during,
            -1,
            "fewer problems are solved *with* residents",
            "Expert planning and case work solve problems *for* residents and pre-empt the "
            "causes groups would have taken up.",
            "Without intervention hardly any problem is solved with residents either: both arms "
            "are near zero.",
        ),
        (
            "participation",
            after,
            -1,
            "fewer residents are active in groups after the exit",
            "Residents who learned that the office acts wait on it instead of turning to their "
            "neighbours, and causes pre-empted by experts leave groups without a problem.",
            "After the exit both quarters follow the same rules; without groups carried over from "
            "the project both have about the same (low) participation.",
        ),
    )
    for measure, week, sign, what, holds, not_holds in dependency:
        label = "after the exit" if week == after else "during the project"
        out.append(
            Claim(
                family="Dependency",
                statement=f"under top-down care {what} than without intervention ({label})",
                contrast=f"top_down − none, {measure}, week {week}",
                a="top_down",
                b="none",
                measure=measure,
                week=week,
                sign=sign,
                why_holds=holds,
                why_not=not_holds,
            )
        )
    if "political" in strategies:
        out.append(
            Claim(
                family="Residents' own influence",
                statement="influence is the residents' own: after the exit empowerment leaves "
                "more of it than the political strategy, whose recognition was the workers'",
                contrast=f"empowerment − political, political_influence, week {after}",
                a="empowerment",
                b="political",
                measure="political_influence",
                week=after,
                sign=+1,
                why_holds="Round tables raise only the workers' (mediated) channel and leave with "
                "them; empowerment also organises residents and activates their competences, "
                "which the residents keep.",
                why_not="The political strategy's groups win claims and allies that count as the "
                "residents' own record and allies; after the exit both fade at the same rate.",
            )
        )
    return out


# -- the mechanisms of "Mechanisms, not labels" (docs/predictions.md) -----------------------------
@dataclass(frozen=True)
class Off:
    """A new parameter's "off" value (docs/predictions.md, the parameter tables of sections
    1.3, 2.8, 3.2, 5.2 and 6.2) and what switching it off means. ``phased``: the mechanism
    acts only in a phased exit, so it is switched off in one."""

    value: float
    meaning: str
    section: str
    phased: bool = False


OFF: dict[str, Off] = {
    "taking_part_weight": Off(0.0, "only effort counts for mastery", "1.3"),
    "small_win_size": Off(0.0, "only decisive outcomes teach", "1.3"),
    "expectation_learning_rate": Off(0.0, "expectations never change", "2.8"),
    "observation_weight": Off(0.0, "only those involved learn", "2.8"),
    "help_seeking_rate": Off(0.0, "nobody seeks help: no self-organisation", "2.8"),
    "request_wait_weeks": Off(0, "nobody waits on the office", "2.8"),
    "help_relief": Off(0.0, "help relieves no strain", "2.8"),
    "admin_learning_rate": Off(0.0, "the channels never learn", "2.8"),
    "admin_forgetting": Off(0.0, "learned responsiveness stays", "2.8"),
    "diagnosis_noise": Off(0.0, "the team reads what it sees exactly", "3.2"),
    "rent_increase_rate": Off(0.0, "the company never raises rents", "5.2"),
    "rent_displacement": Off(0.0, "nobody is displaced by a rent increase", "5.2"),
    "landlord_repair_rate": Off(0.0, "the company never repairs unasked", "5.2"),
    "training_sessions": Off(0, "tasks are handed over untrained", "6.2", phased=True),
    "volunteer_hours": Off(0.0, "trained residents do nothing", "6.2", phased=True),
}
"""Every new parameter with an "off" value, at that value (each lies in its declared range:
tests/test_validation.py checks it against :mod:`quartiersim.parameters`)."""

NO_OFF: dict[str, str] = {
    "initial_own_expectation": "a starting level, pre-registered without an off value (2.8)",
    "initial_institutional_expectation": "a starting level, pre-registered without an off value "
    "(2.8)",
    "landlord_responsiveness": "a level of the company, pre-registered without an off value (5.2)",
    "phase_out_weeks": "off (0, the abrupt exit) is its default; section 3.6 of this report "
    "compares it on",
}
"""The other new parameters, and why they have no "off" to compare."""


@dataclass(frozen=True)
class Headline:
    """A headline contrast of docs/predictions.md section 7: ``a`` − ``b`` in ``measure``, with
    the predicted sign per week as written there (+, −, 0, "≤ 0", "0 or −", · no prediction)."""

    a: str
    b: str
    measure: str
    predicted: dict[int, str]

    @property
    def label(self) -> str:
        return f"{self.a} − {self.b}, `{self.measure}`"


def headlines(early: int, during: int, exit_: int, after: int) -> list[Headline]:
    """Section 7's contrasts between strategies, at the weeks early / during / at the exit /
    two years after (26, 104, 156, 260 with the defaults)."""
    weeks = (early, during, exit_, after)
    rows = (
        ("empowerment", "none", "social_capital", "++++"),
        ("empowerment", "top_down", "social_capital", "++++"),
        ("top_down", "none", "social_capital", "·−−−"),
        ("networking", "empowerment", "social_capital", "++++"),
        ("empowerment", "none", "political_influence", "++++"),
        ("top_down", "none", "political_influence", "·−−0"),
        ("empowerment", "networking", "political_influence", "·++≈"),
        ("empowerment", "none", "helplessness", "0−−−"),
        ("top_down", "empowerment", "helplessness", "≤+++"),
        ("top_down", "none", "helplessness", "−−−0"),
        ("empowerment", "none", "participation", "++++"),
        ("top_down", "none", "participation", "−−−−"),
        ("networking", "empowerment", "participation", "·+++"),
        ("top_down", "none", "institutional_trust", "++++"),
    )
    words = {"≤": "≤ 0", "≈": "0 or −"}
    return [
        Headline(a, b, m, {w: words.get(c, c) for w, c in zip(weeks, signs, strict=True)})
        for a, b, m, signs in rows
    ]


REGION_MEASURES = {
    "lag": "founding lag after the exit (weeks, Kaplan–Meier median)",
    "participation": "participation",
    "helplessness": "helplessness",
}
"""The three contrasts of the dependency regions (docs/predictions.md 2.9): (A), (B), (C)."""

DEPENDENCY_SIGN = {"lag": +1, "participation": -1, "helplessness": +1}
"""The sign of top_down − none in which dependency shows: a later first group, fewer residents
in groups, more helplessness."""


@dataclass(frozen=True)
class Prediction:
    """A pre-registered prediction of docs/predictions.md as a paired contrast of the strategy
    comparison: ``a`` at ``week`` minus ``b`` at ``b_week`` (default: the same week) in
    ``measure`` — with ``since``, the change from week ``since`` — and the expected result:
    "+", "−", "0" (no difference), "≤ 0" or "≥ 0" (the opposite sign would refute it)."""

    number: str
    a: str
    b: str
    measure: str
    week: int
    expected: str
    since: int | None = None
    b_week: int | None = None

    @property
    def contrast(self) -> str:
        change = f", change since week {self.since}" if self.since is not None else ""
        if self.b_week is not None and self.a == self.b:
            return f"{self.a}, `{self.measure}`, week {self.week} − week {self.b_week}"
        return f"{self.a} − {self.b}, `{self.measure}`, week {self.week}{change}"


def predictions(early: int, during: int, exit_: int, after: int) -> list[Prediction]:
    """The predictions of sections 1, 2 and 4 that the strategy comparison can test (early /
    during / at the exit / two years after: weeks 26, 104, 156, 260 with the defaults). The
    regions (2.9) and the phased exit (6.3) are judged in their own sections."""
    P = Prediction
    return [
        P("P1.1", "top_down", "empowerment", "helplessness", early, "≤ 0"),
        P("P1.2", "empowerment", "none", "helplessness", exit_, "−"),
        P("P1.2", "empowerment", "none", "helplessness", after, "−"),
        P("P1.3", "empowerment", "top_down", "activated_resources", after, "+"),
        P("P1.4", "top_down", "none", "helplessness", early, "−"),
        P("P1.4", "top_down", "none", "helplessness", exit_, "−"),
        P("P1.4", "top_down", "none", "helplessness", after, "0"),
        P("P2.1", "top_down", "none", "institutional_trust", during, "+"),
        P("P2.1", "top_down", "none", "institutional_trust", exit_, "+"),
        P("P2.1", "top_down", "none", "waiting_share", during, "+"),
        P("P2.1", "top_down", "none", "waiting_share", exit_, "+"),
        P("P2.1", "top_down", "none", "help_exchanged", during, "−"),
        P("P2.1", "top_down", "none", "help_exchanged", exit_, "−"),
        P("P2.1", "top_down", "none", "participation", during, "−"),
        P("P2.1", "top_down", "none", "participation", exit_, "−"),
        P("P2.1", "top_down", "none", "problems_solved_with", exit_, "−"),
        P("P2.2", "top_down", "none", "own_expectation", exit_, "≥ 0"),
        P("P2.4", "top_down", "top_down", "institutional_trust", after, "−", b_week=exit_),
        P("P2.4", "top_down", "none", "institutional_trust", after, "+"),
        P("P2.5", "top_down", "none", "participation", after, "−"),
        P("P2.6", "top_down", "none", "helplessness", after, "0"),
        P("P2.6", "top_down", "none", "helplessness", after, "+", since=exit_),
        P("P2.7", "top_down", "none", "social_capital", during, "−"),
        P("P2.7", "top_down", "none", "social_capital", exit_, "−"),
        P("P2.8", "empowerment", "none", "own_expectation", exit_, "+"),
        P("P2.8", "empowerment", "none", "own_expectation", after, "+"),
        P("P2.8", "empowerment", "none", "institutional_trust", exit_, "+"),
        P("P2.8", "empowerment", "none", "institutional_trust", after, "0"),
        P("P2.9", "networking", "empowerment", "admin_responsiveness", after, "≥ 0"),
        P("P2.9", "empowerment", "political", "admin_responsiveness", after, "≥ 0"),
        P("P2.9", "political", "none", "admin_responsiveness", after, "≥ 0"),
        P("P4.3", "empowerment", "none", "political_influence", during, "+"),
        P("P4.3", "empowerment", "none", "political_influence", exit_, "+"),
        P("P4.3", "empowerment", "none", "political_influence", after, "+"),
        P("P4.4", "political", "none", "political_influence", exit_, "+"),
        P("P4.4", "political", "none", "political_influence", after, "0"),
        P("P4.5", "empowerment", "networking", "political_influence", after, "≤ 0"),
        P("P4.6", "top_down", "none", "political_influence", exit_, "−"),
        P("P4.6", "top_down", "none", "political_influence", after, "0"),
    ]


NULL_BAND = 0.02
"""docs/predictions.md 0.1: a prediction of no difference holds when the difference is not
significant and its 95% interval lies within ±0.02 (indices in [0, 1])."""
