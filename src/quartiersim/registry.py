"""Registries: one declaration per concept, from which every list is derived.

A concept of the model — a role, a strategy, an event, a measure — is declared once, beside the
code that makes it work, and added to its :class:`Registry`. The model, the command line, the
browser view, the docs generator and the tests read the registry; none keeps a list of its own.
Adding a seventh role is therefore one declaration (plus its mechanism), and the map's legend,
the status line, the activity feed, the ``--role-mix`` flag and the docs tables follow.

This module depends on nothing else in the package, so every part of it can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple, Protocol


class Text(NamedTuple):
    """A text in English and German (the two languages of the browser view and the docs)."""

    en: str
    de: str

    def pick(self, lang: str) -> str:
        """The German text for ``lang == "de"``, else the English one."""
        return self.de if lang == "de" else self.en


class Declared(Protocol):
    """What a registry holds: something with a name and a label for people."""

    @property
    def name(self) -> str: ...

    @property
    def label(self) -> Text: ...


class Registry[T: Declared](Mapping[str, T]):
    """Declarations of one kind, by name, in the order they were added.

    A read-only mapping for everyone who reads it (``"door_opener" in ACTIVITIES``,
    ``list(MEASURES)``, ``STRATEGIES["none"]``); :meth:`add` and :meth:`remove` are for the
    modules that declare. Iteration order is declaration order, which is also the order in
    which the model runs things (the workers' activities, the measures' columns), so it is part
    of what makes a run reproducible.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._items))  # a copy: adding while iterating does not break a loop

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<{self.kind} registry: {', '.join(self._items)}>"

    __hash__ = object.__hash__  # a registry is one object, not a value

    def add(self, item: T) -> T:
        """Declare ``item``; a second declaration under the same name is an error."""
        if item.name in self._items:
            raise ValueError(f"{self.kind} {item.name!r} is declared twice")
        self._items[item.name] = item
        return item

    def remove(self, name: str) -> T:
        """Withdraw the declaration of ``name`` (for tests and notebooks that add their own)."""
        if name not in self._items:
            raise KeyError(f"no {self.kind} named {name!r}: declared are {', '.join(self)}")
        return self._items.pop(name)

    @contextmanager
    def added(self, item: T) -> Iterator[T]:
        """``with REGISTRY.added(item):`` — ``item`` is declared inside the block only."""
        self.add(item)
        try:
            yield item
        finally:
            self.remove(item.name)

    def label(self, name: str, lang: str) -> str:
        """The label of ``name`` in ``lang``; a name that is not declared shows as itself."""
        item = self._items.get(name)
        return item.label.pick(lang) if item is not None else name.replace("_", " ")

    def where(self, keep: Callable[[T], bool], kind: str = "") -> View[T]:
        """A live view of the declarations for which ``keep`` is true (see :class:`View`)."""
        return View(self, keep, kind or self.kind)


class View[T: Declared](Mapping[str, T]):
    """A live, filtered view of a registry: ``ROLES`` is the activities that are roles.

    Live means it follows the registry: a role declared later is in ``ROLES`` at once.
    """

    def __init__(self, registry: Registry[T], keep: Callable[[T], bool], kind: str) -> None:
        self._registry = registry
        self._keep = keep
        self.kind = kind

    def __getitem__(self, name: str) -> T:
        item = self._registry[name]
        if not self._keep(item):
            raise KeyError(name)
        return item

    def __iter__(self) -> Iterator[str]:
        return (name for name, item in self._registry.items() if self._keep(item))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"<{self.kind}: {', '.join(self)}>"

    __hash__ = object.__hash__

    def label(self, name: str, lang: str) -> str:
        """The label of ``name`` in ``lang`` (see :meth:`Registry.label`)."""
        return self._registry.label(name, lang)


def as_text(value: Any) -> Text:
    """``("en", "de")`` or a :class:`Text` as a :class:`Text` (declarations may use either)."""
    en, de = value
    return Text(en, de)
