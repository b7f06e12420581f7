"""The classroom's own wording, in English and German: the students' pages, the trainer's
screen and every refusal a student can meet.

Names of the model's concepts (roles, measures, events, strategies) are not here: each is
declared with its concept in both languages and read from there, so a seventh role brings its
own label and explanation to the students' pages.
"""

from __future__ import annotations

from typing import Any

from quartiersim.app.texts import LANGUAGES, Pair, pick

__all__ = ["LANGUAGES", "STUDENT", "TRAINER", "t"]

STUDENT: dict[str, Pair] = {
    # joining
    "join_title": ("Join the classroom session", "An der Seminarsitzung teilnehmen"),
    "join_intro": (
        "Enter the code shown on the trainer's screen and your name. You will steer a community "
        "worker in the quarter.",
        "Geben Sie den Code vom Bildschirm der Lehrperson und Ihren Namen ein. Sie steuern eine "
        "Fachkraft der Gemeinwesenarbeit im Quartier.",
    ),
    "code": ("Code", "Code"),
    "name": ("Your name", "Ihr Name"),
    "team": (
        "Team (optional: the same team name joins one worker)",
        "Team (optional: gleicher Teamname, eine gemeinsame Fachkraft)",
    ),
    "language": ("Language", "Sprache"),
    "join": ("Join", "Teilnehmen"),
    "wrong_code": (
        "There is no open session with this code. Check the code on the trainer's screen.",
        "Es gibt keine offene Sitzung mit diesem Code. Prüfen Sie den Code auf dem Bildschirm.",
    ),
    "too_many_tries": (
        "Too many wrong codes from this device. Wait a minute and try again.",
        "Zu viele falsche Codes von diesem Gerät. Bitte eine Minute warten.",
    ),
    "bad_name": (
        "Please enter a name of 1 to {most} characters.",
        "Bitte einen Namen mit 1 bis {most} Zeichen eingeben.",
    ),
    "bad_team": (
        "A team name has 1 to {most} characters (or leave it empty).",
        "Ein Teamname hat 1 bis {most} Zeichen (oder bleibt leer).",
    ),
    "session_over": (
        "This session is over: no one can join any more.",
        "Diese Sitzung ist vorbei: Beitreten ist nicht mehr möglich.",
    ),
    "session_full": ("This session is full.", "Diese Sitzung ist voll."),
    "removed": (
        "You are no longer part of this session (the trainer removed you, or it ended). You "
        "can join again with the code.",
        "Sie sind nicht mehr Teil dieser Sitzung (von der Lehrperson entfernt, oder sie ist "
        "beendet). Mit dem Code können Sie wieder beitreten.",
    ),
    "closed": ("The trainer has ended the session. Thank you!", "Die Sitzung ist beendet. Danke!"),
    # the play page
    "play_title": ("QuartierSim — your worker", "QuartierSim — Ihre Fachkraft"),
    "you_are": ("{name} · {team}", "{name} · {team}"),
    "worker_shared": (
        "You steer {worker} in the shared quarter.",
        "Sie steuern {worker} im gemeinsamen Quartier.",
    ),
    "worker_team": (
        "With {others} you steer {worker} in the shared quarter.",
        "Mit {others} steuern Sie {worker} im gemeinsamen Quartier.",
    ),
    "worker_competition": (
        "Your own copy of the quarter: its {n} workers follow your plan.",
        "Ihre eigene Kopie des Quartiers: Ihre {n} Fachkräfte folgen Ihrem Plan.",
    ),
    "lobby": (
        "Waiting for the trainer to start. You can plan your first round already.",
        "Warten auf den Start. Sie können die erste Runde schon planen.",
    ),
    "round_status": (
        "Round {round} · weeks {first}–{last} · the project ends after week {exit}",
        "Runde {round} · Wochen {first}–{last} · das Projekt endet nach Woche {exit}",
    ),
    "week": ("Week {week}", "Woche {week}"),
    "exit_status": (
        "The project has ended after week {exit}: the workers have left. Watch what lasts.",
        "Das Projekt endete nach Woche {exit}: die Fachkräfte sind gegangen. Was bleibt?",
    ),
    "done_status": (
        "Week {week}: two years after the exit. The trainer shows the debrief.",
        "Woche {week}: zwei Jahre nach dem Projektende. Die Lehrperson zeigt die Auswertung.",
    ),
    "submitted_count": (
        "{count} of {of} teams have chosen",
        "{count} von {of} Teams haben gewählt",
    ),
    "seconds_left": ("{seconds} s left", "noch {seconds} s"),
    "plan": ("Plan your worker's week", "Planen Sie die Woche Ihrer Fachkraft"),
    "plan_hint": (
        "Spread {budget} hours over the roles. Roles that go somewhere can be sent to one "
        "part of the quarter.",
        "Verteilen Sie {budget} Stunden auf die Rollen. Rollen, die unterwegs sind, können in "
        "einen Teil des Quartiers geschickt werden.",
    ),
    "hours_left": ("Hours left: {hours}", "Stunden übrig: {hours}"),
    "hours_unit": ("h", "h"),
    "where": ("where", "wo"),
    "even": ("Split evenly", "Gleich verteilen"),
    "submit": ("Submit plan", "Plan abgeben"),
    "submitted_yours": (
        "Your plan for round {round} is in.",
        "Ihr Plan für Runde {round} ist abgegeben.",
    ),
    "submitted_by": (
        "{name} submitted your team's plan.",
        "{name} hat den Plan Ihres Teams abgegeben.",
    ),
    "not_submitted": (
        "Not submitted yet: if the round ends, your worker keeps its last plan.",
        "Noch nicht abgegeben: Endet die Runde, behält Ihre Fachkraft den letzten Plan.",
    ),
    "your_week": ("What your worker did last round", "Was Ihre Fachkraft in der letzten Runde tat"),
    "nothing_yet": (
        "Nothing yet: the first round has not been played.",
        "Noch nichts: Die erste Runde ist noch nicht gespielt.",
    ),
    "hours_spent": ("Hours spent: {hours}", "Aufgewendete Stunden: {hours}"),
    "no_entries": (
        "Nothing your worker did made the log this round.",
        "Nichts, was Ihre Fachkraft tat, steht in dieser Runde im Protokoll.",
    ),
    "quarter": ("Your quarter now", "Ihr Quartier jetzt"),
    "map_hint": (
        "Dots: residents (green: confident, red: helpless). Rings: problems (grey hidden, red "
        "public, green solved). Squares: workers, yours outlined.",
        "Punkte: Bewohner (grün: zuversichtlich, rot: hilflos). Ringe: Probleme (grau verborgen, "
        "rot öffentlich, grün gelöst). Quadrate: Fachkräfte, Ihre umrandet.",
    ),
    "rank": (
        "Your rank: {sc} of {n} on social capital, {pi} of {n} on political influence.",
        "Ihr Platz: {sc} von {n} beim Sozialkapital, {pi} von {n} beim politischen Einfluss.",
    ),
    "connection_lost": (
        "Connection lost — reconnecting …",
        "Verbindung verloren – neuer Versuch …",
    ),
    "saved": ("Saved.", "Gespeichert."),
    # refusals of a plan
    "bad_request": ("That request was not understood.", "Diese Anfrage wurde nicht verstanden."),
    "unknown_role": ("“{value}” is not a role.", "„{value}“ ist keine Rolle."),
    "bad_hours": (
        "Hours for {role} must be a number of 0 or more (got “{value}”).",
        "Die Stunden für {role} müssen eine Zahl ab 0 sein (erhalten: „{value}“).",
    ),
    "hours_must_add_up": (
        "Plan all {budget:g} hours of the week (you planned {total:g}).",
        "Planen Sie alle {budget:g} Stunden der Woche (geplant: {total:g}).",
    ),
    "not_placed": (
        "{role} does not go to one part of the quarter.",
        "{role} ist nicht in einem Teil des Quartiers unterwegs.",
    ),
    "unknown_district": (
        "“{value}” is not a part of the quarter.",
        "„{value}“ ist kein Teil des Quartiers.",
    ),
    "rejected": (
        "The model refused this plan: {detail}",
        "Das Modell lehnt diesen Plan ab: {detail}",
    ),
    "no_round": (
        "No round is open: the project is over.",
        "Keine Runde ist offen: Das Projekt ist vorbei.",
    ),
    "not_joined": ("You are not part of this session.", "Sie sind nicht Teil dieser Sitzung."),
    "too_large": ("That request is too large.", "Diese Anfrage ist zu groß."),
}
"""Wording of the students' pages (join page, play page, refusals)."""

TRAINER: dict[str, Pair] = {
    "classroom": ("Classroom session", "Seminarsitzung"),
    "classroom_switch": ("Classroom mode", "Seminarmodus"),
    "open_session": ("Open a classroom session", "Seminarsitzung eröffnen"),
    "back_to_view": ("Browser view", "Browseransicht"),
    "join_at": (
        "Students open {address} and enter the code",
        "Studierende öffnen {address} und geben den Code ein",
    ),
    "loopback_only": (
        "This server listens on this computer only: other devices cannot reach it. Start "
        "`quartiersim classroom --lan` to let students join from their own devices.",
        "Dieser Server ist nur auf diesem Rechner erreichbar: andere Geräte erreichen ihn nicht. "
        "Mit `quartiersim classroom --lan` können Studierende von eigenen Geräten beitreten.",
    ),
    "settings": ("Settings", "Einstellungen"),
    "mode": ("Mode", "Modus"),
    "mode_shared": (
        "Shared quarter: one worker per team",
        "Gemeinsames Quartier: eine Fachkraft je Team",
    ),
    "mode_competition": (
        "Competition: a copy of the quarter per team",
        "Wettbewerb: eine Kopie des Quartiers je Team",
    ),
    "weeks_per_round": ("Weeks per round", "Wochen pro Runde"),
    "round_seconds": ("Round timer (seconds, 0: none)", "Rundenzeit (Sekunden, 0: keine)"),
    "max_teams": ("Most teams (0: no cap)", "Höchstens Teams (0: keine Grenze)"),
    "project_weeks": ("Project weeks", "Projektwochen"),
    "seed": ("Seed", "Startwert"),
    "size": ("Quarter", "Quartier"),
    "start": ("Start the game", "Spiel starten"),
    "participants": ("Participants ({n})", "Teilnehmende ({n})"),
    "nobody": ("Nobody has joined yet.", "Noch niemand ist beigetreten."),
    "remove": ("Remove", "Entfernen"),
    "connected": ("online", "online"),
    "offline": ("offline", "offline"),
    "chosen": ("chosen", "gewählt"),
    "waiting": ("waiting", "wartet"),
    "team_col": ("Team", "Team"),
    "members_col": ("Members", "Mitglieder"),
    "plan_col": ("Plan (hours)", "Plan (Stunden)"),
    "where_col": ("Where", "Wo"),
    "state_col": ("This round", "Diese Runde"),
    "round_bar": (
        "Round {round} · week {week} of {exit} · {count} of {of} teams have chosen",
        "Runde {round} · Woche {week} von {exit} · {count} von {of} Teams haben gewählt",
    ),
    "close_round": ("Close the round now", "Runde jetzt beenden"),
    "after_exit": (
        "Run {weeks} weeks after the exit",
        "{weeks} Wochen nach dem Projektende laufen lassen",
    ),
    "exit_reached": (
        "The project has ended: the workers have left the quarter(s).",
        "Das Projekt ist beendet: die Fachkräfte haben das Quartier verlassen.",
    ),
    "leaderboard": ("Leaderboard", "Rangliste"),
    "now": ("now", "jetzt"),
    "at_exit": ("at the exit", "beim Projektende"),
    "debrief": ("Debrief", "Auswertung"),
    "debrief_hint": (
        "Each team's plan (mean hours per week over the project) against its outcomes, and the "
        "preset strategies on the same quarter (same seed, same number of workers, same events).",
        "Der Plan jedes Teams (mittlere Wochenstunden über das Projekt) und seine Ergebnisse, "
        "dazu die vorgegebenen Strategien im selben Quartier (gleicher Startwert, gleich viele "
        "Fachkräfte, gleiche Ereignisse).",
    ),
    "debrief_shared": (
        "In the shared quarter every team's outcome is the class's: compare the plans, and the "
        "class against the presets.",
        "Im gemeinsamen Quartier ist das Ergebnis aller Teams das der Klasse: Vergleichen Sie "
        "die Pläne, und die Klasse mit den Vorgaben.",
    ),
    "presets_running": (
        "The preset strategies are being run …",
        "Die vorgegebenen Strategien laufen …",
    ),
    "presets_later": (
        "The preset strategies are run on the same seed once the project has ended.",
        "Die vorgegebenen Strategien werden nach dem Projektende auf demselben Startwert "
        "gerechnet.",
    ),
    "presets_failed": (
        "The preset runs failed: {detail}",
        "Die Vergleichsläufe sind fehlgeschlagen: {detail}",
    ),
    "name_col": ("Team or strategy", "Team oder Strategie"),
    "export_csv": ("Whole session (CSV)", "Ganze Sitzung (CSV)"),
    "export_parquet": ("Whole session (Parquet)", "Ganze Sitzung (Parquet)"),
    "end_session": ("End the session", "Sitzung beenden"),
    "ended": ("The session has ended.", "Die Sitzung ist beendet."),
    "events": ("Events (strike every quarter)", "Ereignisse (treffen jedes Quartier)"),
    "problem": ("Could not do that: {detail}", "Das ging nicht: {detail}"),
    "team_quarter": ("Quarter of", "Quartier von"),
    "preset": ("preset", "Vorgabe"),
}
"""Wording of the trainer's classroom screen."""

_ALL = {**STUDENT, **TRAINER}


def t(key: str, lang: str, **data: Any) -> str:
    """The text ``key`` in ``lang`` with ``{placeholders}`` filled from ``data``."""
    text = pick(_ALL[key], lang)
    return text.format(**data) if data else text


def student_texts(lang: str) -> dict[str, str]:
    """Every text of the students' pages in ``lang`` (sent to the page once)."""
    return {key: pick(pair, lang) for key, pair in STUDENT.items()}


def language_of(accept_language: str | None) -> str:
    """The page language a browser asks for first (``Accept-Language``), English otherwise."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"
