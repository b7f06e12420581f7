"""Where a result came from: the model code that computed it and the libraries it ran on.

A run's numbers depend on more than its parameters and seed: on the model's source code and on
the versions of Python and of the libraries that compute or store them. Two runs may be pooled
only when both agree. This module describes the code running in *this* process as a small
mapping (its *code record*)::

    {"source_hash": "5f0c…", "versions": {"python": "3.13.1", "numpy": "2.3.1", …}}

- ``source_hash`` is the SHA-256 of the model's source files (:func:`model_files`: the files a
  run executes — the model core and the run code of :mod:`quartiersim.experiments`, not the
  front ends), so it changes with every edit, installed or in a git checkout, released or not;
- ``versions`` are those of Python and of :data:`LIBRARIES`, and QuartierSim's own.

The git commit of a checkout is recorded beside it (:func:`git_commit`) for the reader; it is
not compared, because an installed package has none and an edited checkout has the old one.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import platform
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent.parent
"""The installed (or checked-out) ``quartiersim`` package folder."""

FRONT_ENDS = ("app", "cli", "experiments", "validation")
"""Subpackages that never run inside a model run; their files are not part of the model code
(an edit to the browser view or the report must not make finished runs foreign)."""

RUN_MODULES = (
    "experiments/__init__.py",
    "experiments/identity.py",
    "experiments/provenance.py",
    "experiments/runner.py",
)
"""The files of :mod:`quartiersim.experiments` a run does execute: how a run becomes rows, how
its seed is derived, and this module (a test checks that the list is complete)."""

LIBRARIES = ("numpy", "scipy", "numba", "pandas", "pyarrow", "mesa")
"""Libraries whose version can change a run's numbers or its stored file: NumPy's and SciPy's
numerics and random generators, Numba (the compiled loops of :mod:`quartiersim.kernels`),
pandas (the data collector's tables), pyarrow (the Parquet files), Mesa (the model
framework)."""


def model_files() -> list[Path]:
    """The model's source files, in a fixed order: every ``.py`` file of the package outside
    :data:`FRONT_ENDS`, plus :data:`RUN_MODULES`."""
    files = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "__pycache__" in rel:
            continue
        if rel.split("/", 1)[0] in FRONT_ENDS and rel not in RUN_MODULES:
            continue
        files.append(path)
    return files


def _hash_files(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        rel = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        # Name and length first, so that moving text between files changes the hash.
        h.update(len(rel).to_bytes(4, "little") + rel + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


@functools.cache
def source_hash() -> str:
    """SHA-256 (hex) of :func:`model_files`, names included."""
    return _hash_files(PACKAGE, model_files())


def library_versions() -> dict[str, str]:
    """Versions of QuartierSim, Python and :data:`LIBRARIES` in this process."""
    from quartiersim import __version__

    versions = {"quartiersim": __version__, "python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@functools.cache
def _code() -> tuple[str, tuple[tuple[str, str], ...]]:
    return source_hash(), tuple(library_versions().items())


def this_code() -> dict[str, Any]:
    """The code record of this process (computed once per process)."""
    digest, versions = _code()
    return {"source_hash": digest, "versions": dict(versions)}


@functools.cache
def git_commit() -> str | None:
    """The git commit of the checkout the package lives in (``+dirty`` when the model's files
    differ from it), or None for an installed package or without git."""
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", "-C", str(PACKAGE), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()

        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--", *map(str, model_files()))
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "") if commit else None


def same_code(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two code records would compute the same numbers."""
    return differences(a, b) == []


def differences(
    there: Mapping[str, Any], now: Mapping[str, Any], names: tuple[str, str] = ("there", "now")
) -> list[str]:
    """What differs between two code records, in words, each value followed by the name of
    its side (``names``): ``model source 1a2b3c4d5e6f there, 9f8e7d6c5b4a now``,
    ``numpy 2.2.0 there, 2.3.1 now``."""
    a, b = names
    out = []
    old, new = there.get("source_hash"), now.get("source_hash")
    if old != new:
        out.append(f"model source {_short(old)} {a}, {_short(new)} {b}")
    old_v = there.get("versions") or {}
    new_v = now.get("versions") or {}
    if not isinstance(old_v, Mapping) or not isinstance(new_v, Mapping):
        return [*out, "library versions unreadable"]
    for name in sorted(set(old_v) | set(new_v), key=_version_order):
        if old_v.get(name) != new_v.get(name):
            out.append(
                f"{name} {old_v.get(name, 'not recorded')} {a}, "
                f"{new_v.get(name, 'not recorded')} {b}"
            )
    return out


def _version_order(name: str) -> tuple[int, str]:
    order = ("quartiersim", "python", *LIBRARIES)
    return (order.index(name) if name in order else len(order), name)


def _short(digest: Any) -> str:
    return str(digest)[:12] if digest else "not recorded"


def code_label(code: Mapping[str, Any]) -> str:
    """A short name for a code record, as the report and messages show it."""
    versions = code.get("versions") or {}
    parts = [f"model source {_short(code.get('source_hash'))}"]
    if isinstance(versions, Mapping):
        parts += [f"{k} {versions[k]}" for k in sorted(versions, key=_version_order)]
    return ", ".join(parts)


def is_code_record(value: Any) -> bool:
    """Whether ``value`` has the shape of a code record."""
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("source_hash"), str)
        and isinstance(value.get("versions"), Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value["versions"].items())
    )
