"""Installs are reproducible: constraints.txt pins every package, and the environment the tests
run in is exactly the pinned one (``make`` and CI install with ``-c constraints.txt``)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "constraints.txt"


def pins() -> dict[str, Requirement]:
    """The lock's entries by normalised name."""
    out = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            out[canonicalize_name(requirement.name)] = requirement
    return out


def test_every_dependency_of_the_project_is_pinned():
    """Each package pyproject.toml asks for (with every extra) has exactly one version in the
    lock, and that version is one pyproject.toml allows."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += [Requirement(r) for r in extra if not r.startswith("quartiersim")]
    locked = pins()
    for requirement in wanted:
        pin = locked.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in constraints.txt: run `make lock`"
        (spec,) = pin.specifier
        assert spec.operator == "==", f"{pin} is not an exact pin"
        assert requirement.specifier.contains(spec.version, prereleases=True), (
            f"constraints.txt pins {pin}, outside pyproject.toml's {requirement}: run `make lock`"
        )


def test_the_tested_environment_is_the_locked_one():
    """Every pinned package that applies to this platform and Python is installed at its
    pinned version: what passed here is what `pip install -c constraints.txt` reproduces."""
    wrong = []
    for name, pin in pins().items():
        if pin.marker is not None and not pin.marker.evaluate():
            continue
        (spec,) = pin.specifier
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} (pinned {spec.version}) is not installed")
            continue
        if Version(installed) != Version(spec.version):
            wrong.append(f"{name} {installed} is installed, constraints.txt pins {spec.version}")
    assert not wrong, "reinstall with `make venv` (pip install -c constraints.txt):\n" + "\n".join(
        wrong
    )
