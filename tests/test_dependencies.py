"""What the project declares is what it uses: every package that ``src/quartiersim`` imports is a
declared dependency, every declared dependency is imported (or pyproject.toml says on its line
why it is needed without an import), and the version has one home."""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import quartiersim

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "src" / "quartiersim"
# A dependency line that ends in this comment is needed without an import of its own
NOT_IMPORTED = re.compile(r'^\s*"([A-Za-z0-9_.\-]+)[^"]*",\s*#\s*not imported here', re.MULTILINE)


def project() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def imported_modules() -> set[str]:
    """Top-level names of the third-party modules the package imports anywhere (lazy imports
    inside functions included)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"quartiersim", "__future__"}


@functools.cache
def module_owners() -> dict[str, list[str]]:
    return metadata.packages_distributions()  # reads every installed package's file list


def distributions_of(module: str) -> set[str]:
    """The installed distributions that provide ``module``."""
    return {canonicalize_name(d) for d in module_owners().get(module, [])}


def provided_by(distribution: str) -> set[str]:
    """``distribution`` and, if it ships no module of its own (a meta-package such as solara),
    the distributions it requires."""
    provided = {distribution}
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:  # not installed: test_install.py says so
        return provided
    if not any(f.suffix == ".py" for f in dist.files or []):
        provided |= {
            canonicalize_name(Requirement(r).name)
            for r in dist.requires or []
            if "extra ==" not in r
        }
    return provided


def test_every_package_the_code_imports_is_declared():
    """A package imported by the code but only present because another one pulls it in breaks
    the day that other one drops it: the code's own imports are declared (the optional ones in
    an extra)."""
    p = project()
    declared = names(p["dependencies"])
    for extra, requirements in p["optional-dependencies"].items():
        if extra != "test":
            declared |= names(requirements)
    available = set().union(*(provided_by(d) for d in declared))
    undeclared = {
        module: sorted(distributions_of(module))
        for module in imported_modules()
        if not distributions_of(module) & available
    }
    assert not undeclared, f"imported by src/quartiersim but not declared: {undeclared}"


def test_every_declared_dependency_is_imported_or_says_why_not():
    """A dependency nothing imports is dead weight in every install, unless it is needed in
    another way; pyproject.toml then says so on its line ("# not imported here: ...")."""
    text = PYPROJECT.read_text(encoding="utf-8")
    excused = {canonicalize_name(n) for n in NOT_IMPORTED.findall(text)}
    p = project()
    declared = names(p["dependencies"])
    for extra, requirements in p["optional-dependencies"].items():
        if extra != "test":
            declared |= names(requirements)
    used = set().union(*(distributions_of(m) for m in imported_modules()))
    unused = sorted(d for d in declared - excused if not provided_by(d) & used)
    assert not unused, f"declared in pyproject.toml but imported by nothing in src: {unused}"
    needless = sorted(excused & used)
    assert not needless, f"marked 'not imported here' but imported after all: {needless}"


def test_the_version_has_one_home():
    """pyproject.toml reads the version from ``quartiersim.__version__``, so the installed
    package, the command line, result manifests and reports all name the same one."""
    assert "version" in project()["dynamic"]
    assert metadata.version("quartiersim") == quartiersim.__version__, (
        "the installed metadata is stale: reinstall with `make venv`"
    )
