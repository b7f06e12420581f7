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


CALIBRATION = (
    CalibrationTarget(
        "participation",
        "share of residents active in an action group",
        (0.02, 0.14),
        "about 8% (civic activism)",
        "Community Life Survey 2019/20 (England): 8% of adults in civic activism (local "
        "decision-making groups, among them housing groups and groups tackling local problems) "
        "in the last 12 months",
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
                    "grows as helplessness falls through mastery experiences."
                    if measure == "social_capital"
                    else "More residents are organised in groups; outreach and organisation help "
                    "activate the competences that back a claim; the door opener wins allies "
                    "and access, the dialogue manager raises the administration's "
                    "responsiveness, so more claims are granted."
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
                        "Political influence is organised share, recent claim success (last 52 "
                        "weeks), allies and the administration's responsiveness. After the exit "
                        "responsiveness drifts back to its baseline (`RESPONSIVENESS_DRIFT` in "
                        "`arena.py`), allies leave groups that lose momentum, and the success "
                        "record only counts the last year, so influence that was carried by the "
                        "workers' door opening and round tables fades."
                        if week == after
                        else "The arena's decision rule needs backing above a bar set by "
                        "responsiveness; where groups stay small, backing stays low."
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
                    "dialogue management, which act directly on access, allies and the "
                    "administration's responsiveness."
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
            why_not="Expert planning takes only `PLANNING_RELIEF` of severity off one problem per "
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
            "experts' planning sessions (each takes only `PLANNING_RELIEF` off a problem).",
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
            why_holds="Case relief takes strain off the most burdened at once.",
            why_not="In the model relief delivered *for* residents also raises helplessness "
            "through non-contingency (`noncontingency_effect`, Seligman), while outreach visits "
            "and small actions under empowerment are mastery experiences from the first weeks; "
            "the net early effect of case work is therefore small.",
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
            why_holds="Mastery lowers helplessness and activates resources; activated resources in "
            "use do not fade, and groups that outlive the project keep giving mastery experiences.",
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
            why_holds="Outreach uncovers buried resources and every mastery experience activates "
            "part of the gap; case work activates nothing (agency 0 in `Residents.experience`).",
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
            "small non-contingent increments left by case handling are worn off by the "
            "everyday drift of helplessness (support along ties, `support_relief`)."
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
            why_holds="Being handled as a case is a non-contingent outcome and teaches "
            "helplessness (`handled_as_case`); when the case relief ends with the exit, "
            "residents are left with that lesson and no activated resources of their own.",
            why_not="In the model the dependency channel is weak next to the relief channel: a "
            "solved problem permanently removes strain (and with it the weekly rise of "
            "helplessness from `problem_stress`), while the non-contingency effect is a one-off "
            f"increment per case (`noncontingency_effect`). {strain} The theory's dependency works "
            "through more than helplessness (lost initiative, institutions expected to act); the "
            "model represents it only as non-contingent relief.",
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
            why_holds="With the exit the case relief (`case_relief`) decays within weeks and the "
            "strain returns in full to residents who learned that others solve their problems.",
            why_not="With the exit the non-contingent 'lessons' of case handling stop (each one "
            "raised helplessness a little, `noncontingency_effect`) and the case relief "
            f"(`case_relief`) decays within weeks. {strain} So helplessness does not rebound more "
            "than in the untouched quarter.",
        )
    )
    return out
