"""Reading an experiment file: its TOML text, and checks whose messages point at a line.

Every check here raises a :class:`~quartiersim.errors.UsageError` that names the file, the line,
the section and the key, and says what is allowed (``experiments.toml, line 12: [sweep]
segregation[1]: ...``). The experiment model (:mod:`.experiment`) and the sensitivity files
(:mod:`.sensitivity`) are built from these checks.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from quartiersim import PARAMETERS
from quartiersim.errors import UsageError

_HEADER = re.compile(r"^\[\[?\s*([^\[\]]+?)\s*\]\]?$")


class Source:
    """An experiment file's text, so that a message can name the file, the line and the key."""

    def __init__(self, path: Path | str | None, text: str) -> None:
        self.path = Path(path) if path is not None else None
        self.text = text
        self.lines = text.splitlines()

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<experiment>"

    @classmethod
    def read(cls, path: Path | str) -> tuple[Source, dict[str, Any]]:
        """Read and parse ``path``; a missing file or malformed TOML is a :class:`UsageError`."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"{path}: no such experiment file") from None
        except IsADirectoryError:
            raise UsageError(f"{path}: is a folder, expected an experiment file (.toml)") from None
        except UnicodeDecodeError as e:
            raise UsageError(f"{path}: not a text file ({e.reason})") from None
        except OSError as e:
            raise UsageError(f"{path}: cannot read ({e.strerror})") from None
        return cls.parse(text, path)

    @classmethod
    def parse(cls, text: str, path: Path | str | None = None) -> tuple[Source, dict[str, Any]]:
        src = cls(path, text)
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            # tomllib's message already ends with "(at line L, column C)".
            raise UsageError(f"{src.name}: malformed TOML: {e}") from None
        return src, doc

    def line_of(self, section: str | None, key: str | None = None, occurrence: int = 0) -> int:
        """Best-effort line number of ``key`` in ``[section]`` (or of the section header)."""
        current: str | None = None
        seen = 0 if section is None else -1  # which table of that name we are in ([[x]] repeats)
        for number, raw in enumerate(self.lines, 1):
            text = raw.split("#", 1)[0].strip()
            header = _HEADER.match(text)
            if header:
                current = re.sub(r"\s+", "", header.group(1)).replace('"', "")
                if current == section:
                    seen += 1
                    if key is None and seen == occurrence:
                        return number
                continue
            if (
                key is not None
                and current == section
                and seen == occurrence
                and re.match(rf'^["\']?{re.escape(key)}["\']?\s*[=.]', text)
            ):
                return number
        return 0

    def where(
        self,
        section: str | None,
        key: str | None = None,
        occurrence: int = 0,
        label: str | None = None,
    ) -> str:
        """``FILE, line N: [section] key`` for the start of a message (``label`` shown instead
        of the key, e.g. ``strategy[1]`` for an element of a list)."""
        line = self.line_of(section, key, occurrence)
        place = f"{self.name}, line {line}" if line else self.name
        what = f"[{section}]" if section else "top level"
        if key is not None:
            what += f" {label or key}"
        return f"{place}: {what}"

    def error(
        self,
        section: str | None,
        key: str | None,
        problem: str,
        occurrence: int = 0,
        label: str | None = None,
    ) -> UsageError:
        return UsageError(f"{self.where(section, key, occurrence, label)}: {problem}")


def suggest(word: str, options: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for a near miss, else ``""``."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "an integer",
        float: "a number",
        str: "a text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def check_keys(
    src: Source, section: str, table: Mapping[str, Any], allowed: Mapping[str, str]
) -> None:
    """Refuse keys not in ``allowed``, suggesting close matches."""
    for key in table:
        if key not in allowed:
            raise src.error(
                section,
                key,
                f"unknown key{suggest(key, allowed)}; allowed keys: {', '.join(allowed)}",
            )


def get_int(
    src: Source, section: str, table: Mapping[str, Any], key: str, default: int | None, *, low: int
) -> int:
    """An integer >= ``low`` from ``table[key]``, or ``default`` (None: required)."""
    if key not in table:
        if default is None:
            raise src.error(section, None, f"missing required key '{key}' ({low} or more)")
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise src.error(
            section, key, f"expected an integer >= {low}, got {value!r} ({_type_name(value)})"
        )
    if value < low:
        raise src.error(section, key, f"expected an integer >= {low}, got {value}")
    return value


def get_text(
    src: Source, section: str, table: Mapping[str, Any], key: str, default: str | None
) -> str:
    if key not in table:
        if default is None:
            raise src.error(section, None, f"missing required key '{key}' (a text)")
        return default
    value = table[key]
    if not isinstance(value, str) or (key == "name" and not value.strip()):
        raise src.error(section, key, f"expected a non-empty text, got {value!r}")
    return value


def get_bool(src: Source, section: str, table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise src.error(section, key, f"expected true or false, got {value!r}")
    return value


def get_names(
    src: Source, section: str, table: Mapping[str, Any], key: str, allowed: Iterable[str], what: str
) -> tuple[str, ...] | None:
    """A non-empty list of names from ``allowed`` (no repeats), or None when absent."""
    if key not in table:
        return None
    value = table[key]
    allowed = list(allowed)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise src.error(section, key, f"expected a non-empty list of {what} names, got {value!r}")
    for v in value:
        if v not in allowed:
            raise src.error(
                section,
                key,
                f"unknown {what} {v!r}{suggest(v, allowed)}; allowed: {', '.join(allowed)}",
            )
    if len(set(value)) != len(value):
        raise src.error(section, key, f"lists a {what} twice: {value!r}")
    return tuple(value)


def check_parameter(
    src: Source, section: str, name: str, value: Any, label: str | None = None
) -> Any:
    """One parameter value checked by its declaration; the message names file, line and key."""
    label = label or name
    if name in ("rng", "seed"):
        raise src.error(
            section,
            name,
            "the seed is not a model parameter here: set [experiment] seed; every run's seed is "
            "derived from it",
        )
    if name not in PARAMETERS:
        raise src.error(
            section,
            name,
            f"unknown parameter{suggest(name, PARAMETERS)}; the parameters are listed by "
            "`quartiersim run --help`",
        )
    try:
        return PARAMETERS[name].check(value)
    except ValueError as e:
        hint = ""
        if isinstance(value, list) and PARAMETERS[name].kind is not tuple and section != "sweep":
            hint = " (to run several values, list them under [sweep])"
        raise src.error(section, name, f"{e}{hint}", label=label) from None


def parse_parameters(src: Source, section: str, table: Any) -> dict[str, Any]:
    """A table of fixed parameters, each checked."""
    if not isinstance(table, dict):
        raise src.error(None, section, f"expected a table [{section}], got {table!r}")
    return {name: check_parameter(src, section, name, value) for name, value in table.items()}


def parse_events(src: Source, entries: Any) -> tuple[tuple[int, str], ...]:
    """The ``[[events]]`` tables: each exactly ``week`` and ``event``."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise src.error(
            None,
            "events",
            'expected [[events]] tables, each with week = N and event = "name"',
        )
    allowed = {"week": "the week (1 or later)", "event": "the event's name"}
    for i, entry in enumerate(entries):
        for key in entry:
            if key not in allowed:
                raise src.error(
                    "events",
                    None,
                    f"entry {i + 1} has unknown key {key!r}{suggest(key, allowed)}; "
                    "allowed keys: week, event",
                    occurrence=i,
                )
        missing = [k for k in allowed if k not in entry]
        if missing:
            raise src.error(
                "events", None, f"entry {i + 1} is missing {' and '.join(missing)}", occurrence=i
            )
        if isinstance(entry["week"], bool) or not isinstance(entry["week"], int):
            raise src.error(
                "events",
                None,
                f"entry {i + 1}: week must be a whole number, got {entry['week']!r}",
                occurrence=i,
            )
        try:
            PARAMETERS["events"].check([entry])
        except ValueError as e:
            raise src.error("events", None, f"entry {i + 1}: {e}", occurrence=i) from None
    return PARAMETERS["events"].check(entries)


def check_sections(src: Source, doc: dict[str, Any], allowed: Mapping[str, str]) -> None:
    for key in doc:
        if key not in allowed:
            listed = ", ".join(f"[{s}]" for s in allowed)
            line = src.line_of(key) or src.line_of(None, key)
            place = f"{src.name}, line {line}" if line else src.name
            raise UsageError(
                f"{place}: unknown section [{key}]{suggest(key, allowed)}; "
                f"allowed sections: {listed}"
            )
