"""The layers of the code hold (docs/architecture.md).

The model's core — every module directly in ``src/quartiersim/`` — never imports a front-end
(the browser view, the command line, the experiments toolkit, the validation report); no
submodel imports ``quartiersim.model``, not even for type hints; and the core's modules import
each other without a cycle. Checked twice: by what ``import quartiersim`` really loads, and by
reading every ``import`` statement of the core (including those under ``TYPE_CHECKING`` and
inside functions).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import quartiersim

PACKAGE = Path(quartiersim.__file__).parent
FRONT_ENDS = ("app", "experiments", "validation", "cli")
CORE = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in FRONT_ENDS and p.stem != "__main__")
# Who may import the model: the package's front door (quartiersim.QuartierModel).
MAY_IMPORT_MODEL = {"__init__", "model"}


def imported_modules(path: Path) -> set[str]:
    """Every ``quartiersim...`` module that ``path`` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from quartiersim import roles" imports the module quartiersim.roles
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.add("quartiersim." + (node.module or ""))
    modules = {name for name in found if name == "quartiersim" or name.startswith("quartiersim.")}
    # Keep names that are modules of the package (drop "quartiersim.QuartierModel" etc.).
    return {
        name
        for name in modules
        if name == "quartiersim"
        or (PACKAGE / (name.split(".", 1)[1].replace(".", "/") + ".py")).exists()
        or (PACKAGE / name.split(".", 1)[1].replace(".", "/")).is_dir()
    }


def is_front_end(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in FRONT_ENDS


def test_the_scan_sees_imports_of_every_kind(tmp_path: Path) -> None:
    """The scanner finds plain, from-, relative, late and TYPE_CHECKING imports (a test that
    cannot fail would prove nothing)."""
    source = tmp_path / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import quartiersim.app\n"
        "from quartiersim import cli\n"
        "from .experiments import spec\n"
        "if TYPE_CHECKING:\n"
        "    from quartiersim.model import QuartierModel\n"
        "def later():\n"
        "    from quartiersim.validation import report\n",
        encoding="utf-8",
    )
    found = imported_modules(source)
    assert {"quartiersim.app", "quartiersim.cli", "quartiersim.experiments"} <= found
    assert {"quartiersim.model", "quartiersim.validation.report"} <= found


def test_importing_the_package_loads_no_front_end() -> None:
    """The model and its declarations, loaded through the package, load none of the
    front-ends."""
    code = (
        "import json, sys\n"
        "from quartiersim import ACTIVITIES, EVENTS, MEASURES, PARAMETERS, STRATEGIES\n"
        "from quartiersim import QuartierModel\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('quartiersim'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(result.stdout)
    assert "quartiersim.model" in loaded and "quartiersim.roles" in loaded
    assert [m for m in loaded if is_front_end(m)] == []


def test_importing_the_package_alone_loads_neither_the_model_nor_mesa() -> None:
    """``import quartiersim`` is cheap: the model, Mesa and pandas load on first use, so a
    command line call that only prints its version or help does not wait for them."""
    code = "import json, sys\nimport quartiersim\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(result.stdout))
    assert not {"quartiersim.model", "mesa", "pandas"} & loaded
    assert sys.modules["quartiersim"].QuartierModel.__name__ == "QuartierModel"


@pytest.mark.parametrize(("chosen", "expected"), [(None, "1"), ("2", "2")])
def test_the_command_line_runs_blas_on_one_thread_unless_told_otherwise(chosen, expected) -> None:
    """A command line call runs one model per process (a sweep one process per core): NumPy
    loads with one BLAS thread, unless the caller's environment chose a number."""
    code = (
        "import os\nimport quartiersim.cli\nimport numpy\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if chosen is not None:
        env["OPENBLAS_NUM_THREADS"] = chosen
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    assert result.stdout.strip() == expected


HEAVY = (
    "mesa",
    "scipy",
    "pandas",
    "pyarrow",
    "networkx",
    "numba",
    "matplotlib",
    "solara",
    "plotly",
    "dask",
    "distributed",
    "SALib",
    "statsmodels",
    "optuna",
)
"""Libraries that take tenths of a second each to import, none of which the command line's
help needs."""


def test_the_command_line_help_loads_no_heavy_library() -> None:
    """``quartiersim run --help`` builds every flag from the parameter declaration and the
    registries (roles, strategies, events, measures) without Mesa, SciPy, pandas, Numba or any
    front-end library: the declarations do not need the model's machinery, so the help
    answers at once."""
    code = (
        "import json, sys\n"
        "from quartiersim.cli import main\n"
        "try:\n"
        "    main(['run', '--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "--n-residents" in result.stdout and "--role-mix" in result.stdout
    loaded = {m.split(".")[0] for m in json.loads(result.stderr.strip().splitlines()[-1])}
    assert sorted(set(HEAVY) & loaded) == []


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_never_imports_a_front_end(path: Path) -> None:
    """No module of the core names the app, the experiments, the validation or the CLI."""
    assert sorted(m for m in imported_modules(path) if is_front_end(m)) == []


@pytest.mark.parametrize(
    "path", [p for p in CORE if p.stem not in MAY_IMPORT_MODEL], ids=lambda p: p.name
)
def test_no_submodel_imports_the_model(path: Path) -> None:
    """Submodels state what they use of the quarter as a Protocol; none imports the model."""
    assert "quartiersim.model" not in imported_modules(path)


def test_the_core_has_no_import_cycle() -> None:
    """The core's modules form a directed acyclic graph (the package's ``__init__``, which
    only gathers the public names, aside)."""
    graph = {
        f"quartiersim.{p.stem}": {
            m for m in imported_modules(p) if m != "quartiersim" and not is_front_end(m)
        }
        for p in CORE
        if p.stem != "__init__"
    }
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            cycle = " -> ".join((*path[path.index(module) :], module))
            pytest.fail(f"import cycle: {cycle}")
        if module in done:
            return
        for child in graph.get(module, ()):
            visit(child, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
