"""The browser view's own wording, in English and German, in one place.

Texts are ``(english, german)`` pairs; :func:`t` picks one. The names of the model's concepts —
roles, strategies, events, measures, parameters, age groups, places — are not here: each
is declared with its concept, in both languages (``ACTIVITIES[name].label``,
``STRATEGIES.label(name, lang)``, ``PARAMETERS[name].label`` ...), so a concept added to the
model brings its own translation.
"""

from __future__ import annotations

from typing import Any

from quartiersim.parameters import PARAMETERS, UNITS

LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch"}

Pair = tuple[str, str]


def pick(pair: Pair, lang: str) -> str:
    """The German text for ``lang == "de"``, else the English one."""
    return pair[1] if lang == "de" else pair[0]


def t(key: str, lang: str, **data: Any) -> str:
    """The UI text ``key`` in ``lang``, with ``{placeholders}`` filled from ``data``."""
    text = pick(UI[key], lang)
    return text.format(**data) if data else text


UI: dict[str, Pair] = {
    # page and sidebar
    "title": ("QuartierSim — empowerment in the quarter", "QuartierSim — Empowerment im Quartier"),
    "language": ("Language", "Sprache"),
    "run": ("Run", "Ablauf"),
    "step": ("Step", "Schritt"),
    "play": ("Play", "Start"),
    "pause": ("Pause", "Pause"),
    "reset": ("Reset", "Neu starten"),
    "speed": ("Weeks per frame", "Wochen pro Bild"),
    "playing": ("playing …", "läuft …"),
    "strategy": ("Strategy", "Strategie"),
    "strategy_a": ("Strategy (quarter A)", "Strategie (Quartier A)"),
    "strategy_b": ("Strategy (quarter B)", "Strategie (Quartier B)"),
    "custom_mix": ("Custom mix: share of working hours", "Eigene Mischung: Anteil der Arbeitszeit"),
    "events": ("Events", "Ereignisse"),
    "events_hint": (
        "Strikes the running quarter now (in compare mode: both).",
        "Trifft das laufende Quartier sofort (im Vergleich: beide).",
    ),
    "compare": ("Compare two strategies", "Zwei Strategien vergleichen"),
    "compare_hint": (
        "Two quarters with the same seed and parameters, stepped together. "
        "Switching on restarts both at week 0.",
        "Zwei Quartiere mit gleichem Startwert und gleichen Parametern, die "
        "gemeinsam laufen. Einschalten startet beide neu in Woche 0.",
    ),
    "seed": ("Seed (whole number)", "Startwert (ganze Zahl)"),
    "parameters": ("Model parameters", "Modellparameter"),
    "parameters_hint": (
        "Changes apply when you press Reset.",
        "Änderungen gelten nach „Neu starten“.",
    ),
    "seminar_hint": (
        "The view starts on the seminar quarter: {households} households and {workers} "
        "full-time workers ({ratio} per worker), about four times the dose of a real area. "
        "Research runs use a real-sized quarter ({real_households} households, {real_ratio} "
        "per worker).",
        "Die Ansicht beginnt mit dem Seminarquartier: {households} Haushalte und {workers} "
        "Vollzeit-Fachkräfte ({ratio} je Fachkraft), etwa die vierfache Dosis eines echten "
        "Gebiets. Forschungsläufe nutzen ein Quartier realer Größe ({real_households} "
        "Haushalte, {real_ratio} je Fachkraft).",
    ),
    "pending": (
        "Changed settings wait for Reset.",
        "Geänderte Einstellungen warten auf „Neu starten“.",
    ),
    "presentation": ("Presentation", "Präsentation"),
    "scenario": ("Scenario and downloads", "Szenario und Downloads"),
    "save_scenario": ("Save scenario", "Szenario speichern"),
    "open_scenario": (
        "Open a scenario: drop its file here",
        "Szenario öffnen: Datei hierher ziehen",
    ),
    "download_data": ("Measures per week (CSV)", "Kennzahlen je Woche (CSV)"),
    "download_parquet": ("Measures per week (Parquet)", "Kennzahlen je Woche (Parquet)"),
    "download_log": ("Everything that happened (CSV)", "Alles, was geschah (CSV)"),
    "download_hint": (
        "Pictures: the camera symbol above each figure saves it as PNG. The page's address "
        "holds the whole scenario: copy it to share a prepared comparison.",
        "Bilder: das Kamerasymbol über jeder Grafik speichert sie als PNG. Die Adresse der "
        "Seite enthält das ganze Szenario: kopieren, um einen vorbereiteten Vergleich zu teilen.",
    ),
    "seminar_preset": ("Seminar quarter (small, fast)", "Seminar-Quartier (klein, schnell)"),
    "realistic_preset": ("Realistic quarter", "Realistisches Quartier"),
    "preset": ("Size of the quarter", "Größe des Quartiers"),
    "preset_hint": (
        "Sets households and grid and restarts.",
        "Setzt Haushalte und Gitter und startet neu.",
    ),
    "monitors": ("Headline measures", "Kennzahlen"),
    "quarter_lines": (
        "Quarter A solid, quarter B dashed.",
        "Quartier A durchgezogen, Quartier B gestrichelt.",
    ),
    "restoring": (
        "Restoring the run to week {week} …",
        "Der Lauf wird bis Woche {week} wiederhergestellt …",
    ),
    # status
    "week": ("Week {week}", "Woche {week}"),
    "running": ("project running, exit after week {exit}", "Projekt läuft, Ende nach Woche {exit}"),
    "ended": (
        "project ended after week {exit}: the workers have left",
        "Projekt beendet nach Woche {exit}: die Fachkräfte sind gegangen",
    ),
    "quarter": ("Quarter {name}", "Quartier {name}"),
    "hours_week": (
        "Workers' hours this week (of {budget:.0f} h)",
        "Arbeitsstunden dieser Woche (von {budget:.0f} h)",
    ),
    "no_hours": ("no hours worked", "keine Arbeitsstunden"),
    # views
    "map": ("Quarter map", "Quartierskarte"),
    "network": ("Network of ties", "Beziehungsnetz"),
    "plots": ("Development over time", "Entwicklung über die Zeit"),
    "inspector": ("Resident inspector", "Bewohner im Blick"),
    "feed": ("What happened", "Was geschah"),
    "colour_by": ("Colour residents by", "Bewohner färben nach"),
    "more_measures": ("Also plot", "Außerdem zeigen"),
    "explain": ("Explain this view", "Diese Ansicht erklären"),
    "what": ("What it shows", "Was sie zeigt"),
    "how": ("How it works", "Wie es funktioniert"),
    "notice": ("Things to notice", "Worauf achten"),
    "try": ("Things to try", "Zum Ausprobieren"),
    "activities": ("What the workers can do", "Was die Fachkräfte tun können"),
    # map and network legends
    "street": ("street", "Straße"),
    "building": ("building", "Haus"),
    "place": ("public place", "öffentlicher Ort"),
    "latent": ("latent problem", "verborgenes Problem"),
    "visible": ("visible problem", "sichtbares Problem"),
    "solved": ("solved problem", "gelöstes Problem"),
    "worker": ("worker: {role}", "Fachkraft: {role}"),
    "worker_n": ("worker {n}", "Fachkraft {n}"),
    "workers_left": ("workers have left", "Fachkräfte sind gegangen"),
    "bonding": ("bonding ties ({n})", "bindende Beziehungen ({n})"),
    "bridging": ("bridging ties ({n})", "brückenbildende Beziehungen ({n})"),
    "no_group": ("in no group", "in keiner Gruppe"),
    "group": ("group {id} ({n})", "Gruppe {id} ({n})"),
    "more_groups": ("+{n} more groups", "+{n} weitere Gruppen"),
    "selected": ("inspected resident", "betrachtete Person"),
    "withdrawn_yes": ("withdrawn", "zurückgezogen"),
    "withdrawn_no": ("not withdrawn", "nicht zurückgezogen"),
    "exit_line": ("project exit", "Projektende"),
    "helplessness_scale": (
        "helplessness (0 none … 1 complete)",
        "Hilflosigkeit (0 keine … 1 völlige)",
    ),
    "activated_scale": (
        "share of own resources activated",
        "Anteil aktivierter eigener Ressourcen",
    ),
    "weeks_axis": ("week", "Woche"),
    # inspector
    "resident": ("Resident number", "Nummer der Person"),
    "pick_helpless": ("most helpless", "am hilflosesten"),
    "pick_withdrawn": ("a withdrawn one", "eine zurückgezogene"),
    "pick_member": ("a group member", "ein Gruppenmitglied"),
    "pick_random": ("random", "zufällig"),
    "nobody": ("nobody fits", "niemand passt"),
    "resources": ("Resources: activated and buried", "Ressourcen: aktiviert und verschüttet"),
    "activated": ("activated", "aktiviert"),
    "buried": ("buried", "verschüttet"),
    "helpless_time": ("Helplessness over time", "Hilflosigkeit im Verlauf"),
    "threshold": ("withdrawal threshold", "Rückzugsschwelle"),
    "profile": (
        "{age}, origin group {origin}; {group}; {withdrawn}.",
        "{age}, Herkunftsgruppe {origin}; {group}; {withdrawn}.",
    ),
    "in_group": ("member of group {id}", "Mitglied von Gruppe {id}"),
    "resident_efficacy": ("self-efficacy {v:.2f}", "Selbstwirksamkeit {v:.2f}"),
    "resident_belonging": ("belonging {v:.2f}", "Zugehörigkeit {v:.2f}"),
    "resident_trust": ("trust in institutions {v:.2f}", "Vertrauen in Institutionen {v:.2f}"),
    "ties_line": (
        "{n} ties ({bridging} bridging); strongest with: {strongest}",
        "{n} Beziehungen ({bridging} brückenbildend); am stärksten mit: {strongest}",
    ),
    "no_ties": ("no ties", "keine Beziehungen"),
    # feed
    "routine_activity": (
        "The workers: {activity}, {n} times this week.",
        "Die Fachkräfte: {activity}, {n}-mal in dieser Woche.",
    ),
    "more_like_it": ("(+{n} more like it)", "(+{n} weitere dieser Art)"),
    "feed_moments": ("Moments only", "Nur Wendepunkte"),
    "feed_everything": ("Everything", "Alles"),
    "feed_more": ("Show older lines", "Ältere Zeilen zeigen"),
    "feed_count": ("{shown} of {total} lines", "{shown} von {total} Zeilen"),
    "feed_empty": (
        "Nothing yet — press Step or Play.",
        "Noch nichts — „Schritt“ oder „Start“ drücken.",
    ),
    # messages (bad input)
    "bad_seed": (
        "Seed “{value}” is not a whole number ≥ 0; the seed stays {seed}.",
        "Startwert „{value}“ ist keine ganze Zahl ≥ 0; der Startwert bleibt {seed}.",
    ),
    "bad_parameter": (
        "{label}: “{value}” is not allowed — expected {allowed}.",
        "{label}: „{value}“ ist nicht erlaubt — erwartet: {allowed}.",
    ),
    "invalid_combination": (
        "These settings do not fit together: {detail}. The running quarter is kept.",
        "Diese Einstellungen passen nicht zusammen: {detail}. Das laufende Quartier bleibt.",
    ),
    "unknown_strategy": ("Unknown strategy “{value}”.", "Unbekannte Strategie „{value}“."),
    "unknown_activity": ("Unknown activity “{value}”.", "Unbekannte Tätigkeit „{value}“."),
    "bad_share": (
        "A share must lie between 0 and 1, not {value}.",
        "Ein Anteil muss zwischen 0 und 1 liegen, nicht {value}.",
    ),
    "unknown_parameter": ("Unknown parameter “{name}”.", "Unbekannter Parameter „{name}“."),
    "bad_resident": (
        "Resident number “{value}”: expected a whole number from 0 to {last}.",
        "Nummer „{value}“: erwartet wird eine ganze Zahl von 0 bis {last}.",
    ),
    "error": ("Something went wrong: {detail}", "Etwas ist schiefgegangen: {detail}"),
    "unknown_event": ("Unknown event “{value}”.", "Unbekanntes Ereignis „{value}“."),
    "bad_value": (
        "The setting {name} = “{value}” was not used: {detail}",
        "Die Einstellung {name} = „{value}“ wurde nicht übernommen: {detail}",
    ),
    "bad_action": (
        "The recorded action “{value}” was not used: expected week:kind=value.",
        "Die aufgezeichnete Aktion „{value}“ wurde nicht übernommen: erwartet Woche:Art=Wert.",
    ),
    "unknown_setting": (
        "The address names an unknown setting “{name}”; it was left out.",
        "Die Adresse nennt eine unbekannte Einstellung „{name}“; sie wurde übergangen.",
    ),
    "bad_file": (
        "This file is not a QuartierSim scenario (a JSON file saved by this page).",
        "Diese Datei ist kein QuartierSim-Szenario (eine von dieser Seite gespeicherte "
        "JSON-Datei).",
    ),
    "opened": ("Scenario opened: week {week}.", "Szenario geöffnet: Woche {week}."),
    "allowed_int": (
        "a whole number from {low:g} to {high:g}",
        "eine ganze Zahl von {low:g} bis {high:g}",
    ),
    "allowed_float": ("a number from {low:g} to {high:g}", "eine Zahl von {low:g} bis {high:g}"),
    "allowed_other": ("{allowed}", "{allowed}"),
    "restarted": (
        "Both quarters restarted at week 0 with seed {seed}.",
        "Beide Quartiere starten neu in Woche 0 mit Startwert {seed}.",
    ),
}

# -- what the map can show ----------------------------------------------------------------------

ATTRIBUTES: dict[str, Pair] = {
    "helplessness": ("helplessness", "Hilflosigkeit"),
    "activated": ("activated resources", "aktivierte Ressourcen"),
    "origin": ("origin group", "Herkunftsgruppe"),
    "age": ("age group", "Altersgruppe"),
    "group": ("group membership", "Gruppenmitgliedschaft"),
    "withdrawn": ("withdrawn", "Rückzug"),
}
"""What residents on the map can be coloured by."""


def parameter_label(name: str, lang: str) -> str:
    """Short label of a parameter, with its unit; falls back to the parameter's name."""
    spec = PARAMETERS[name]
    label = spec.label.pick(lang) or name.replace("_", " ")
    unit_text = UNITS[spec.unit].pick(lang) if spec.unit in UNITS else spec.unit
    if spec.unit and unit_text.lower() not in label.lower():  # not "Households (households)"
        label += f" ({unit_text})"
    return label


def parameter_meaning(name: str, lang: str) -> str:
    """What a parameter means, in ``lang`` (the declaration's English or German text)."""
    spec = PARAMETERS[name]
    return spec.meaning_de if lang == "de" and spec.meaning_de else spec.meaning


# -- explain panels (NetLogo's Info tab, per view) -------------------------------------------

EXPLAIN: dict[str, dict[str, dict[str, str]]] = {
    "map": {
        "en": {
            "what": "The quarter from above: streets (white), buildings (beige, each a house "
            "community), public places (green), structural problems (circles: grey dashed = "
            "latent, red = visible, green = solved), residents (dots, coloured by the attribute "
            "you choose) and the community workers (numbered pie charts: how each worker's hours "
            "went this week, one colour per role).",
            "how": "Every week residents meet in their house and at public places, problems "
            "worsen until somebody makes them public, action groups form around visible "
            "problems and raise claims, and the workers spend their hours on the roles of the "
            "strategy. A resident's colour is read from the model's state this week.",
            "notice": "Withdrawn residents (colour by *withdrawn*) cluster around unsolved "
            "problems. Under *empowerment* the colours for *helplessness* turn greener and "
            "*group membership* spreads; under *top-down care* problems disappear quickly but "
            "the residents' colours hardly change.",
            "try": "Colour by *activated resources*, play two years, then switch the strategy. "
            "Trigger a *rent increase* and watch the newcomers (no group, no ties). Raise "
            "*segregation* and reset: origin groups sit in their own strips of the quarter.",
        },
        "de": {
            "what": "Das Quartier von oben: Straßen (weiß), Häuser (beige, jedes eine "
            "Hausgemeinschaft), öffentliche Orte (grün), strukturelle Probleme (Kreise: grau "
            "gestrichelt = verborgen, rot = sichtbar, grün = gelöst), Bewohner (Punkte, gefärbt "
            "nach dem gewählten Merkmal) und die Fachkräfte (nummerierte Tortendiagramme: wie "
            "sich die Stunden jeder Fachkraft diese Woche auf die Rollen verteilten, eine Farbe "
            "je Rolle).",
            "how": "Jede Woche begegnen sich Bewohner im Haus und an öffentlichen Orten, "
            "Probleme verschärfen sich, bis jemand sie öffentlich macht, um sichtbare Probleme "
            "bilden sich Aktionsgruppen und stellen Forderungen, und die Fachkräfte verteilen "
            "ihre Stunden auf die Rollen der Strategie. Die Farbe einer Person ist ihr Zustand "
            "in dieser Woche.",
            "notice": "Zurückgezogene (färben nach *Rückzug*) häufen sich um ungelöste "
            "Probleme. Mit *Empowerment* wird die *Hilflosigkeit* grüner und die "
            "*Gruppenmitgliedschaft* breitet sich aus; mit *Fürsorge von oben* verschwinden "
            "Probleme schnell, die Farben der Bewohner ändern sich aber kaum.",
            "try": "Nach *aktivierten Ressourcen* färben, zwei Jahre laufen lassen, dann die "
            "Strategie wechseln. Eine *Mieterhöhung* auslösen und die Neuzugezogenen "
            "beobachten (keine Gruppe, keine Beziehungen). *Segregation* erhöhen und neu "
            "starten: die Herkunftsgruppen wohnen in eigenen Streifen.",
        },
    },
    "network": {
        "en": {
            "what": "Who is tied to whom. Each dot is a household at its home; each line a "
            "social tie, blue when it is *bonding* (same origin and age group), orange when it "
            "is *bridging* (across origin or age). Dots are coloured by the action group they "
            "belong to; grey dots belong to none.",
            "how": "Encounters create and strengthen ties; ties fade without contact, bridges "
            "much faster than bonds (about nine in ten bridges of a year are gone the next, "
            "Burt). Joint action in a group and mediated dialogue renew them. Line opacity is "
            "tie strength.",
            "notice": "Bonding ties stay short (within the house, within a strip of the "
            "quarter); bridging ties span it. Groups recruit along ties: a coloured cluster "
            "grows where members' friends join (Granovetter's threshold rule).",
            "try": "Trigger an *open conflict* and look for lost orange lines near the "
            "conflict. Compare *networking* with *political*: which keeps more bridges? After "
            "the project exit, watch whether the orange lines survive.",
        },
        "de": {
            "what": "Wer mit wem verbunden ist. Jeder Punkt ist ein Haushalt an seiner Wohnung, "
            "jede Linie eine Beziehung: blau, wenn sie *bindend* ist (gleiche Herkunft und "
            "Altersgruppe), orange, wenn sie *brückenbildend* ist (über Herkunft oder Alter "
            "hinweg). Punkte sind nach Aktionsgruppe gefärbt; graue gehören zu keiner.",
            "how": "Begegnungen stiften und stärken Beziehungen; ohne Kontakt verblassen sie, "
            "Brücken viel schneller als Bindungen (etwa neun von zehn Brücken eines Jahres "
            "sind im nächsten weg, Burt). Gemeinsames Handeln in einer Gruppe und vermittelter "
            "Dialog erneuern sie. Die Deckkraft einer Linie ist ihre Stärke.",
            "notice": "Bindende Beziehungen bleiben kurz (im Haus, im eigenen Streifen des "
            "Quartiers); brückenbildende überspannen es. Gruppen werben über Beziehungen: ein "
            "farbiger Schwarm wächst, wo Bekannte der Mitglieder beitreten "
            "(Schwellenmodell nach Granovetter).",
            "try": "Einen *offenen Konflikt* auslösen und nach verlorenen orangen Linien in "
            "seiner Nähe suchen. *Vernetzung* und *Politikfähigkeit* vergleichen: wo bleiben "
            "mehr Brücken? Nach dem Projektende beobachten, ob die orangen Linien halten.",
        },
    },
    "plots": {
        "en": {
            "what": "The quarter's measures week by week: social capital and political "
            "influence always, plus the measures you choose. The dashed vertical line is the "
            "project exit. In compare mode quarter A is drawn solid, quarter B dashed.",
            "how": "*Social capital* is the mean of five parts of the network (ties, their "
            "strength, bridging, connectedness, support). *Political influence* is the mean "
            "of four parts of the residents' own capacity (organised share, activated "
            "competences, allies they keep, their record of won claims); the administration's "
            "responsiveness is a measure of its own. Both are computed from the state each week "
            "(docs/measures.md). Long runs are thinned to at most 300 points per curve.",
            "notice": "The decisive moment is after the exit: which curves hold, which fall "
            "back? Top-down care solves problems for the residents, but their helplessness "
            "does not fall; see how much of what empowerment built (participation, ties, "
            "influence) outlasts the workers.",
            "try": "Turn on compare mode with *empowerment* against *top-down care*, play past "
            "the exit (week 156), and add *participation* and *claims granted*. Trigger an "
            "*early exit* in year one and see what has not yet grown.",
        },
        "de": {
            "what": "Die Kennzahlen des Quartiers Woche für Woche: Sozialkapital und "
            "politischer Einfluss immer, dazu die gewählten Kennzahlen. Die gestrichelte "
            "senkrechte Linie ist das Projektende. Im Vergleich ist Quartier A durchgezogen, "
            "Quartier B gestrichelt.",
            "how": "*Sozialkapital* ist der Mittelwert aus fünf Teilen des Netzes "
            "(Beziehungen, ihre Stärke, Brücken, Zusammenhang, Unterstützung). *Politischer "
            "Einfluss* ist der Mittelwert aus vier Teilen der eigenen Fähigkeit der Bewohner "
            "(organisierter Anteil, aktivierte Kompetenzen, gehaltene Verbündete, Bilanz "
            "gewonnener Forderungen); die Offenheit der Verwaltung ist ein eigenes Maß. Beide "
            "werden "
            "jede Woche aus dem Zustand berechnet (docs/measures.md). Lange Läufe werden auf "
            "höchstens 300 Punkte je Kurve ausgedünnt.",
            "notice": "Entscheidend ist die Zeit nach dem Projektende: welche Kurven halten, "
            "welche fallen zurück? Fürsorge von oben löst Probleme für die Bewohner, aber ihre "
            "Hilflosigkeit sinkt nicht; sehen Sie, wie viel von dem, was Empowerment aufgebaut "
            "hat (Beteiligung, Beziehungen, Einfluss), die Fachkräfte überdauert.",
            "try": "Vergleich einschalten mit *Empowerment* gegen *Fürsorge von oben*, über das "
            "Projektende (Woche 156) hinaus laufen lassen und *Beteiligung* und *erfüllte "
            "Forderungen* dazunehmen. Im ersten Jahr ein *vorzeitiges Projektende* auslösen "
            "und sehen, was noch nicht gewachsen ist.",
        },
    },
    "inspector": {
        "en": {
            "what": "One resident as a person: which of their competences are activated and "
            "which are buried, how their learned helplessness developed, their ties and their "
            "group. The resident is ringed in black on the map and in the network.",
            "how": "Each resident has five competence domains with a true level; the activated "
            "part grows through mastery experiences in that domain and fades when unused. "
            "Helplessness rises with uncontrollable strain, failures and being handled as a "
            "case, and falls with support and mastery. Above the withdrawal threshold a "
            "resident retreats into private life.",
            "notice": "In compare mode it is the *same* person in both quarters (same seed): "
            "their different lives come only from the workers' strategy.",
            "try": "Pick *a withdrawn one* and follow them under *empowerment* (outreach may "
            "reach them) and under *top-down care*.",
        },
        "de": {
            "what": "Eine Person statt eines Punkts: welche ihrer Fähigkeiten aktiviert und "
            "welche verschüttet sind, wie sich ihre erlernte Hilflosigkeit entwickelt hat, "
            "ihre Beziehungen und ihre Gruppe. Die Person ist auf Karte und Netz schwarz "
            "umkreist.",
            "how": "Jede Person hat fünf Kompetenzbereiche mit einem wahren Niveau; der "
            "aktivierte Teil wächst durch Bewältigungserfahrungen in diesem Bereich und "
            "verblasst ungenutzt. Hilflosigkeit steigt durch unkontrollierbare Belastung, "
            "Misserfolge und das Behandeltwerden als Fall und sinkt durch Unterstützung und "
            "Bewältigung. Über der Rückzugsschwelle zieht sich eine Person ins Private zurück.",
            "notice": "Im Vergleich ist es *dieselbe* Person in beiden Quartieren (gleicher "
            "Startwert): ihr unterschiedliches Leben kommt allein von der Strategie der "
            "Fachkräfte.",
            "try": "*Eine zurückgezogene* wählen und sie unter *Empowerment* (aufsuchende Arbeit "
            "kann sie erreichen) und unter *Fürsorge von oben* verfolgen.",
        },
    },
    "feed": {
        "en": {
            "what": "The most recent entries of the quarter's weekly log: what the workers, the "
            "residents' groups, the administration and events did.",
            "how": "Every mechanism of the model writes what it did into the log; the newest "
            "entries are shown first.",
            "notice": "Under empowerment the workers *help groups organise*, *open doors* and "
            "*bring residents together*; under top-down care they *handle cases* and experts "
            "*solve problems for the residents*.",
            "try": "Trigger an event and find it here; watch for the first group to be founded "
            "and for the first granted claim.",
        },
        "de": {
            "what": "Die neuesten Einträge des wöchentlichen Protokolls: was Fachkräfte, "
            "Bewohnergruppen, Verwaltung und Ereignisse getan haben.",
            "how": "Jeder Mechanismus des Modells schreibt ins Protokoll, was er getan hat; die "
            "neuesten Einträge stehen oben.",
            "notice": "Mit Empowerment *unterstützen* die Fachkräfte *Gruppen*, *öffnen Türen* "
            "und *bringen Menschen zusammen*; mit Fürsorge von oben *bearbeiten sie Fälle* und "
            "Fachleute *lösen Probleme stellvertretend*.",
            "try": "Ein Ereignis auslösen und es hier finden; auf die erste Gruppengründung und "
            "die erste erfüllte Forderung achten.",
        },
    },
    "controls": {
        "en": {
            "what": "How to run the quarter: Step advances one week, Play runs on, Pause "
            "stops, Reset builds the quarter anew with the chosen seed and parameters. The "
            "strategy decides how the workers split their hours over the six roles.",
            "how": "A strategy is nothing but a mix of working hours; the model never reads "
            "the strategy's name. *Custom mix* lets you set the shares yourself. Strategy and "
            "events act on the running quarter at once; parameters and seed apply at Reset.",
            "notice": "The same seed gives the same quarter: reset with seed 1 and you can "
            "repeat a demonstration exactly.",
            "try": "Choose *custom mix* with only the door opener: influence without a base. "
            "Then add the organisation helper.",
        },
        "de": {
            "what": "So läuft das Quartier: „Schritt“ rückt eine Woche vor, „Start“ läuft "
            "weiter, „Pause“ hält an, „Neu starten“ baut das Quartier mit Startwert und "
            "Parametern neu. Die Strategie bestimmt, wie die Fachkräfte ihre Stunden auf die "
            "sechs Rollen verteilen.",
            "how": "Eine Strategie ist nichts als eine Mischung der Arbeitszeit; das Modell "
            "liest nie den Namen der Strategie. Mit *Eigene Mischung* lassen sich die Anteile "
            "selbst setzen. Strategie und Ereignisse wirken sofort auf das laufende Quartier; "
            "Parameter und Startwert gelten nach „Neu starten“.",
            "notice": "Gleicher Startwert, gleiches Quartier: mit Startwert 1 lässt sich eine "
            "Vorführung genau wiederholen.",
            "try": "*Eigene Mischung* nur mit dem Türöffner wählen: Einfluss ohne Basis. Dann "
            "den Organisationshelfer dazunehmen.",
        },
    },
}
SECTIONS: tuple[str, ...] = ("what", "how", "notice", "try")
