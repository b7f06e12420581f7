"""The results folder: one Parquet file per finished run, a manifest, and resume.

Layout of a results folder ``DIR``::

    DIR/_manifest.json          what was run: experiment file, version, definition hash
    DIR/_lock                   held while a sweep writes (released when the process dies)
    DIR/runs/<run_id>.parquet   one file per finished run, one row per recorded week

``pandas.read_parquet(DIR)`` reads all runs as one table: Parquet readers skip files and
folders whose names start with ``_`` or ``.``, which is why the manifest, the lock and the
half-written files (``runs/.tmp-*``) are named that way.

Every run file is written to a temporary name and renamed into place (an atomic step), so a
run file is either complete or absent, whatever stopped the process. Running the same sweep
again skips the runs whose files exist.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from quartiersim import __version__

if sys.platform == "win32":  # no advisory locks; a second writer is then not detected
    fcntl = None
else:
    import fcntl
from quartiersim.errors import UsageError

MANIFEST = "_manifest.json"
LOCK = "_lock"
RUNS = "runs"
TMP_PREFIX = ".tmp-"
FORMAT = 1


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _versions() -> dict[str, str]:
    import mesa
    import numpy

    return {
        "quartiersim": __version__,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
    }


def write_atomic(path: Path, write: Any) -> None:
    """Write ``path`` through ``write(file)`` on a temporary file that is renamed into place."""
    tmp = path.parent / f"{TMP_PREFIX}{path.name}-{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class ResultStore:
    """A results folder (see the module docstring)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.manifest_path = self.root / MANIFEST

    # -- reading --------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """The manifest; a :class:`UsageError` if this is not a results folder."""
        if not self.root.is_dir():
            raise UsageError(f"{self.root}: no such results folder")
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(
                f"{self.root}: not a QuartierSim results folder (no {MANIFEST}); "
                "`quartiersim sweep FILE --out DIR` makes one"
            ) from None
        except (OSError, ValueError) as e:
            raise UsageError(f"{self.manifest_path}: unreadable manifest ({e})") from None

    def finished(self) -> set[str]:
        """Ids of the runs whose files are complete."""
        if not self.runs_dir.is_dir():
            return set()
        return {
            p.name.removesuffix(".parquet")
            for p in self.runs_dir.iterdir()
            if p.suffix == ".parquet" and not p.name.startswith((".", "_"))
        }

    def read(self) -> pd.DataFrame:
        """All finished runs as one table, sorted by run and week."""
        self.manifest()
        if not self.finished():
            raise UsageError(f"{self.root}: no finished runs yet")
        frame = pd.read_parquet(self.root)
        return frame.sort_values(["run_id", "step"], kind="stable").reset_index(drop=True)

    # -- writing --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder's lock: a second sweep into the same folder is refused, not mixed.
        The operating system releases the lock when the process ends, however it ends."""
        self._existing_manifest()  # refuse a folder of other files before adding our lock
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a+") as fh:
            if sys.platform == "win32":  # fcntl is None
                yield
                return
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(
                    f"{self.root}: another sweep is writing to this folder right now"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def prepare(
        self, definition: dict[str, Any], definition_hash: str, info: dict[str, Any]
    ) -> bool:
        """Make the folder ready for a sweep with this definition.

        A new or empty folder gets a manifest. A folder from the same experiment (same
        definition hash and package version) is resumed: returns True. Anything else is refused
        with a message naming what differs. Call inside :meth:`writing`.
        """
        existing = self._existing_manifest()
        now = _now()
        if existing is None:
            manifest = {
                "format": FORMAT,
                "definition_hash": definition_hash,
                "created": now,
                "updated": now,
                "versions": _versions(),
                **info,
                "definition": definition,
            }
            resumed = False
        else:
            self._check_same(existing, definition, definition_hash)
            manifest = {**existing, **info, "updated": now}
            old = existing.get("experiment", {}).get("replications", 0)
            new = info.get("experiment", {}).get("replications", 0)
            if old > new:  # keep the largest number of replications asked for
                manifest["experiment"] = {**info["experiment"], "replications": old}
            resumed = True
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.runs_dir.glob(f"{TMP_PREFIX}*"):
            stale.unlink(missing_ok=True)  # left by a killed run; we hold the lock
        write_atomic(
            self.manifest_path,
            lambda fh: fh.write(json.dumps(manifest, indent=2, sort_keys=False).encode()),
        )
        return resumed

    def _existing_manifest(self) -> dict[str, Any] | None:
        if self.manifest_path.exists():
            return self.manifest()
        others = (
            [
                p.name
                for p in self.root.iterdir()
                if p.name not in (LOCK, RUNS) and not p.name.startswith(".")
            ]
            if self.root.is_dir()
            else []
        )
        if others or self.finished():
            raise UsageError(
                f"{self.root}: the folder is not empty and holds no QuartierSim results "
                f"(found {', '.join(sorted(others)[:3]) or 'run files'}); choose a new folder"
            )
        return None

    def _check_same(
        self, existing: dict[str, Any], definition: dict[str, Any], definition_hash: str
    ) -> None:
        version = existing.get("versions", {}).get("quartiersim")
        if version != __version__:
            raise UsageError(
                f"{self.root} holds results of quartiersim {version}, this is {__version__}: "
                "runs of different model versions are not mixed; choose a new folder"
            )
        if existing.get("definition_hash") == definition_hash:
            return
        old = existing.get("definition", {})
        differ = [k for k in sorted(set(old) | set(definition)) if old.get(k) != definition.get(k)]
        details = "; ".join(
            f"{k}: {_short(old.get(k))} there, {_short(definition.get(k))} now" for k in differ[:3]
        )
        name = existing.get("experiment", {}).get("name", "?")
        raise UsageError(
            f"{self.root} holds results of a different experiment ({name!r}; {details}); "
            "choose a new folder or run the original experiment to resume it"
        )

    def write_run(self, run_id: str, frame: pd.DataFrame) -> Path:
        """Store one finished run atomically."""
        path = self.runs_dir / f"{run_id}.parquet"
        write_atomic(path, lambda fh: frame.to_parquet(fh, index=False))
        return path


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, sort_keys=True) if value is not None else "nothing"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def experiment_info(experiment: Any, command: list[str] | None = None) -> dict[str, Any]:
    """What the manifest says about a sweep besides its definition: the experiment as written
    (file and content), the command line, and the seeds scheme."""
    return {
        "experiment": experiment.describe(),
        "source": {
            "path": experiment.source_path,
            "text": experiment.source_text,
            "overrides": experiment.overrides,
        },
        "command": command if command is not None else sys.argv,
        "seeds": (
            "each run's seed is numpy.random.SeedSequence(seed, spawn_key=K) where K is taken "
            "from the SHA-256 of the run's identity (its full parameter set and variant, and "
            "its replication; with common_seeds only the replication); the seed is stored in "
            "the column `seed`"
        ),
    }
