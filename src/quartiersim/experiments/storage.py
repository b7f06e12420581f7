"""The results folder: one Parquet file per finished run, a manifest, verified resume.

Layout of a results folder ``DIR``::

    DIR/_manifest.json          what was run: the experiment, its definition and hash, and the
                                code (model source hash, library versions) that ran it
    DIR/_lock                   held while a sweep writes (released when the process dies)
    DIR/runs/<run_id>.parquet   one file per finished run, one row per recorded week
    DIR/_set_aside/             files found broken or foreign, moved out of the way

``pandas.read_parquet(DIR)`` reads all runs as one table: Parquet readers skip files and
folders whose names start with ``_`` or ``.``, which is why the manifest, the lock, the files
set aside and the half-written files (``runs/.tmp-*``) are named that way.

**Every run file proves where it came from.** Its Parquet metadata (key ``quartiersim``) holds
the run's identity (id, replication, seed, parameters), the experiment's definition hash, the
code record of the process that computed it (:mod:`.provenance`) and the experiment itself, so
that the manifest can be rebuilt from the run files alone (:func:`repair`).

**A run counts as finished only if its file verifies**: it reads back completely (Parquet page
checksums included), its metadata name the run its file name says and the experiment of the
manifest, and it was computed by code the manifest accepts. A file that fails is moved to
``_set_aside/`` with a message, and its run is redone.

Every file is written to a temporary name and renamed into place (an atomic step), so a file
is either complete or absent, whatever stopped the process; a failed write (a full disk) names
the file and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from quartiersim.errors import UsageError
from quartiersim.experiments.provenance import (
    code_label,
    differences,
    git_commit,
    is_code_record,
    same_code,
    this_code,
)

if sys.platform == "win32":  # no advisory locks; a second writer is then not detected
    fcntl = None
else:
    import fcntl

MANIFEST = "_manifest.json"
LOCK = "_lock"
RUNS = "runs"
SET_ASIDE = "_set_aside"
TMP_PREFIX = ".tmp-"
FORMAT = 2
META_KEY = b"quartiersim"
EXPERIMENT_KEY = b"quartiersim.experiment"
RUN_ID = re.compile(r"^[0-9a-f]{12}-r\d{4,}$")
MANIFEST_KEYS = ("definition_hash", "definition", "experiment", "code", "codes")
"""The parts of a manifest every run file carries, so that :func:`repair` can rebuild it."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_atomic(path: Path, write: Callable[[Any], Any]) -> None:
    """Write ``path`` through ``write(file)`` on a temporary file that is renamed into place.

    An OS error (a full disk, a read-only folder) is raised as an ``OSError`` that names
    ``path``; the temporary file is removed, so nothing partial is left.
    """
    path = Path(path)
    tmp = path.parent / f"{TMP_PREFIX}{path.name}-{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError) and e.errno is not None:
            raise OSError(e.errno, e.strerror, str(path)) from None
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """:func:`write_atomic` for a text file (UTF-8)."""
    write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))


# ---------------------------------------------------------------------------------------------
# Run files
# ---------------------------------------------------------------------------------------------


@dataclass
class RunFile:
    """What a run file says about itself, and what is wrong with it (``problem``)."""

    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    rows: int = 0
    problem: str | None = None

    @property
    def run_id(self) -> str:
        return self.path.name.removesuffix(".parquet")

    @property
    def code(self) -> dict[str, Any]:
        return self.meta.get("code", {})


def run_metadata(
    spec: Any, rows: int, definition_hash: str, code: Mapping[str, Any], worker: str
) -> dict[str, Any]:
    """The provenance a run file carries (metadata key ``quartiersim``)."""
    return {
        "format": FORMAT,
        "run_id": spec.run_id,
        "replication": spec.replication,
        "seed": spec.seed,
        "identity": spec.identity,
        "rows": rows,
        "definition_hash": definition_hash,
        "code": dict(code),
        "git_commit": git_commit() if same_code(code, this_code()) else None,
        "worker": worker,
        "written": _now(),
    }


def write_run_file(
    path: Path, frame: pd.DataFrame, meta: Mapping[str, Any], experiment: Mapping[str, Any]
) -> None:
    """Write one run's rows with its provenance into ``path`` (atomically, with page
    checksums so that a damaged file is found when read back)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(
        {
            **(table.schema.metadata or {}),
            META_KEY: json.dumps(meta, sort_keys=True).encode(),
            EXPERIMENT_KEY: json.dumps(experiment, sort_keys=True).encode(),
        }
    )
    write_atomic(path, lambda fh: pq.write_table(table, fh, write_page_checksum=True))


def read_run_file(path: Path, *, with_data: bool = False) -> tuple[RunFile, pd.DataFrame | None]:
    """Read a run file back completely and check that it describes itself consistently.

    Returns the :class:`RunFile` (``problem`` set when the file is unreadable, truncated,
    damaged, not a run file of QuartierSim, or names another run) and, when asked and sound,
    its rows.
    """
    import pyarrow.parquet as pq

    info = RunFile(path)
    if not RUN_ID.match(info.run_id) or path.suffix != ".parquet":
        info.problem = "not a run file (its name is not a run id)"
        return info, None
    try:
        table = pq.read_table(path, page_checksum_verification=True)
    except Exception as e:  # pyarrow raises several types for damaged files
        first = str(e).split(". ")[0].strip()
        info.problem = f"unreadable: damaged or cut short ({first})"
        return info, None
    raw = (table.schema.metadata or {}).get(META_KEY)
    try:
        meta = json.loads(raw) if raw else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        info.problem = "carries no QuartierSim provenance (written by something else?)"
        return info, None
    info.meta, info.rows = meta, table.num_rows
    if meta.get("run_id") != info.run_id:
        info.problem = f"holds run {meta.get('run_id')!r}, not the run its name says"
    elif meta.get("rows") != table.num_rows:
        info.problem = f"has {table.num_rows} rows, its metadata say {meta.get('rows')}"
    elif not is_code_record(meta.get("code")) or not isinstance(meta.get("definition_hash"), str):
        info.problem = "its provenance is incomplete"
    elif "run_id" in table.column_names and set(table.column("run_id").to_pylist()) != {
        info.run_id
    }:
        info.problem = "its rows belong to another run"
    if info.problem or not with_data:
        return info, None
    return info, table.to_pandas()


def experiment_of(path: Path) -> dict[str, Any] | None:
    """The experiment part of the manifest a run file carries (for :func:`repair`)."""
    import pyarrow.parquet as pq

    try:
        raw = (pq.read_schema(path).metadata or {}).get(EXPERIMENT_KEY)
        data = json.loads(raw) if raw else None
    except Exception:
        return None
    return data if isinstance(data, dict) else None


# ---------------------------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------------------------


def check_manifest(data: Any, where: Path) -> dict[str, Any]:
    """The manifest if it has the expected shape, else a :class:`UsageError` that says what is
    wrong and how to rebuild it."""
    repair_hint = f"`quartiersim repair {where.parent}` rebuilds it from the run files"
    if not isinstance(data, dict):
        raise UsageError(
            f"{where}: malformed manifest (expected a JSON object, found "
            f"{type(data).__name__}); {repair_hint}"
        )
    fmt = data.get("format")
    if fmt == 1:
        raise UsageError(
            f"{where.parent} was written by an earlier QuartierSim whose run files carry no "
            "provenance, so new runs cannot be proven to match them; choose a new folder "
            f"(the old runs stay readable with pandas.read_parquet('{where.parent}'))"
        )
    expected = {
        "format": (int, "a number"),
        "definition_hash": (str, "a text"),
        "definition": (dict, "an object"),
        "experiment": (dict, "an object"),
        "code": (dict, "an object"),
        "codes": (list, "a list"),
    }
    for key, (kind, what) in expected.items():
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            found = "nothing" if key not in data else type(data[key]).__name__
            raise UsageError(
                f"{where}: malformed manifest ({key!r} should be {what}, found {found}); "
                f"{repair_hint}"
            )
    if fmt != FORMAT:
        raise UsageError(
            f"{where}: manifest format {fmt} is not known to this QuartierSim (it writes "
            f"format {FORMAT}); {repair_hint}"
        )
    if not all(is_code_record(c) for c in [data["code"], *data["codes"]]):
        raise UsageError(f"{where}: malformed manifest (a code record is broken); {repair_hint}")
    return data


def accepts(manifest: Mapping[str, Any], code: Mapping[str, Any]) -> bool:
    """Whether runs computed by ``code`` belong in the folder of ``manifest``."""
    return any(same_code(c, code) for c in manifest.get("codes", []))


def _code_refusal(root: Path, there: Mapping[str, Any], now: Mapping[str, Any], who: str) -> str:
    what = "; ".join(differences(there, now))
    return (
        f"{root} holds runs computed by other code than {who} ({what}); runs of different "
        "code are not mixed: choose a new folder, or pass --allow-mixed to add these runs "
        "anyway (the report then says that the results are mixed)"
    )


@dataclass
class ReadNotes:
    """What reading a results folder found besides the runs it read."""

    runs: int = 0
    ignored: list[tuple[str, str]] = field(default_factory=list)
    codes: list[tuple[dict[str, Any], int]] = field(default_factory=list)

    @property
    def mixed(self) -> bool:
        return len(self.codes) > 1


class ResultStore:
    """A results folder (see the module docstring)."""

    def __init__(self, root: Path | str, log: Callable[[str], None] = _log) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.manifest_path = self.root / MANIFEST
        self.log = log
        self._manifest: dict[str, Any] | None = None

    # -- reading --------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """The manifest; a :class:`UsageError` if this is not a results folder or the manifest
        is missing or malformed."""
        if not self.root.is_dir():
            raise UsageError(f"{self.root}: no such results folder")
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if self.run_files():
                raise UsageError(
                    f"{self.root}: the manifest ({MANIFEST}) is missing but run files are "
                    f"there; `quartiersim repair {self.root}` rebuilds it from them"
                ) from None
            raise UsageError(
                f"{self.root}: not a QuartierSim results folder (no {MANIFEST}); "
                "`quartiersim sweep FILE --out DIR` makes one"
            ) from None
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"{self.manifest_path}: cannot read the manifest ({e})") from None
        try:
            data = json.loads(text)
        except ValueError as e:
            raise UsageError(
                f"{self.manifest_path}: malformed manifest ({e}); `quartiersim repair "
                f"{self.root}` rebuilds it from the run files"
            ) from None
        self._manifest = check_manifest(data, self.manifest_path)
        return self._manifest

    def run_files(self) -> list[Path]:
        """Every file in ``runs/`` except half-written ones, sorted by name."""
        if not self.runs_dir.is_dir():
            return []
        return sorted(p for p in self.runs_dir.iterdir() if not p.name.startswith(TMP_PREFIX))

    def finished(self) -> set[str]:
        """Ids of the runs whose files are there (not verified: see :meth:`verify`)."""
        return {
            p.name.removesuffix(".parquet")
            for p in self.run_files()
            if p.suffix == ".parquet" and RUN_ID.match(p.name.removesuffix(".parquet"))
        }

    def problem_of(self, run: RunFile, manifest: Mapping[str, Any]) -> str | None:
        """Why a (readable) run file does not belong to the folder's experiment, or None."""
        if run.problem:
            return run.problem
        if run.meta.get("definition_hash") != manifest["definition_hash"]:
            return "a run of another experiment"
        if not accepts(manifest, run.code):
            first = manifest["codes"][0] if manifest["codes"] else manifest["code"]
            return "computed by other code (" + "; ".join(differences(first, run.code)) + ")"
        return None

    def read(self, *, allow_mixed: bool = False) -> tuple[pd.DataFrame, ReadNotes]:
        """The manifest's runs as one table, sorted by run and week, and what else was found.

        Only run files that verify and belong to the manifest's experiment are read; others
        (stray files, runs of another experiment, damaged files) are listed in the notes and
        left where they are. Runs of several code records are refused unless the manifest
        allows it or ``allow_mixed``.
        """
        manifest = self.manifest()
        notes = ReadNotes()
        frames = []
        codes: dict[str, tuple[dict[str, Any], int]] = {}
        for path in self.run_files():
            run, frame = read_run_file(path, with_data=True)
            problem = run.problem
            if problem is None and run.meta.get("definition_hash") != manifest["definition_hash"]:
                problem = "a run of another experiment"
            if problem is not None or frame is None:
                notes.ignored.append((f"{RUNS}/{path.name}", problem or "unreadable"))
                continue
            key = json.dumps(run.code, sort_keys=True)
            seen = codes.get(key, (run.code, 0))
            codes[key] = (seen[0], seen[1] + 1)
            frames.append(frame)
        notes.codes = sorted(codes.values(), key=lambda c: -c[1])
        notes.runs = len(frames)
        if not frames:
            raise UsageError(
                f"{self.root}: no finished runs of this experiment yet"
                + (f" ({len(notes.ignored)} other files ignored)" if notes.ignored else "")
            )
        if notes.mixed and not (allow_mixed or manifest.get("allow_mixed")):
            (a, na), (b, nb) = notes.codes[0], notes.codes[1]
            raise UsageError(
                f"{self.root} holds runs computed by different code ({na} runs: "
                f"{code_label(a)}; {nb} runs: {code_label(b)}; differing: "
                + "; ".join(differences(a, b))
                + "); pass --allow-mixed to report them together (the report then says so), "
                "or rerun the experiment into a new folder"
            )
        frame = pd.concat(frames, ignore_index=True)
        frame = frame.sort_values(["run_id", "step"], kind="stable").reset_index(drop=True)
        return frame, notes

    # -- writing --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder's lock: a second sweep into the same folder is refused, not mixed.
        The operating system releases the lock when the process ends, however it ends."""
        self._refuse_other_files()
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
        self,
        definition: dict[str, Any],
        definition_hash: str,
        info: dict[str, Any],
        *,
        code: Mapping[str, Any] | None = None,
        allow_mixed: bool = False,
    ) -> bool:
        """Make the folder ready for a sweep with this definition, run by ``code`` (default:
        this process's code).

        A new or empty folder gets a manifest. A folder of the same experiment and code is
        resumed (returns True). A folder whose manifest was lost gets it back from its run
        files when they are runs of this experiment. Anything else is refused with a message
        naming what differs and how to go on. Call inside :meth:`writing`.
        """
        code = dict(code or this_code())
        existing = self._existing_manifest()
        now = _now()
        resumed = True
        if existing is None:
            existing = self._adopt_orphans(definition_hash)
            resumed = existing is not None
        if existing is None:
            manifest = {
                "format": FORMAT,
                "definition_hash": definition_hash,
                "created": now,
                "updated": now,
                "code": code,
                "codes": [code],
                "allow_mixed": False,
                "git_commit": git_commit(),
                **info,
                "definition": definition,
            }
        else:
            self._check_same(existing, definition, definition_hash)
            manifest = {**existing, **info, "updated": now}
            if not accepts(existing, code):
                if not allow_mixed:
                    raise UsageError(_code_refusal(self.root, existing["code"], code, "this one"))
                manifest["codes"] = [*existing["codes"], code]
                manifest["allow_mixed"] = True
                self.log(
                    f"note: {self.root} now mixes runs of different code (--allow-mixed): "
                    + "; ".join(differences(existing["code"], code))
                )
            old = existing.get("experiment", {}).get("replications", 0)
            new = info.get("experiment", {}).get("replications", 0)
            if isinstance(old, int) and old > new:  # keep the largest number asked for
                manifest["experiment"] = {**info["experiment"], "replications": old}
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.runs_dir.glob(f"{TMP_PREFIX}*"):
            stale.unlink(missing_ok=True)  # left by a killed run; we hold the lock
        self._write_manifest(manifest)
        return resumed

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=False)
        write_text_atomic(self.manifest_path, text)
        self._manifest = manifest

    def _refuse_other_files(self) -> None:
        """A folder that is neither empty nor a results folder is not written into."""
        if not self.root.is_dir() or self.manifest_path.exists():
            return
        others = [
            p.name
            for p in self.root.iterdir()
            if p.name not in (LOCK, RUNS, SET_ASIDE) and not p.name.startswith(".")
        ]
        if others:
            raise UsageError(
                f"{self.root}: the folder is not empty and holds no QuartierSim results "
                f"(found {', '.join(sorted(others)[:3])}); choose a new folder"
            )

    def _existing_manifest(self) -> dict[str, Any] | None:
        if self.manifest_path.exists():
            return self.manifest()
        return None

    def _adopt_orphans(self, definition_hash: str) -> dict[str, Any] | None:
        """Run files without a manifest: if they are runs of this experiment, the manifest
        they carry is put back (see :func:`repair`); if not, the folder is refused."""
        files = self.run_files()
        if not files:
            return None
        found = _group_by_experiment(files)
        if definition_hash not in found.experiments:
            names = ", ".join(
                f"{e.get('experiment', {}).get('name', '?')!r} ({n} runs)"
                for e, n in found.experiments.values()
            )
            raise UsageError(
                f"{self.root}: no manifest, and its run files are not runs of this experiment"
                + (f" (they are of {names})" if names else " (none of them is readable)")
                + f"; choose a new folder, or `quartiersim repair {self.root}` to rebuild the "
                "manifest of the runs that are there"
            )
        manifest = _manifest_from(found, definition_hash)
        self.log(
            f"note: {self.root} had no manifest; rebuilt it from "
            f"{found.experiments[definition_hash][1]} run files of this experiment"
        )
        return manifest

    def _check_same(
        self, existing: dict[str, Any], definition: dict[str, Any], definition_hash: str
    ) -> None:
        if existing.get("definition_hash") == definition_hash:
            return
        old = existing.get("definition", {})
        differ = definition_differences(old, definition)
        shown = "; ".join(differ[:8]) + (
            f"; and {len(differ) - 8} more differences" if len(differ) > 8 else ""
        )
        name = existing.get("experiment", {}).get("name", "?")
        raise UsageError(
            f"{self.root} holds results of a different experiment ({name!r}; {shown}); "
            "choose a new folder or run the original experiment to resume it"
        )

    def verify(self) -> set[str]:
        """Check every run file (see the module docstring); move those that fail to
        ``_set_aside/`` with a message. Returns the ids of the runs that verified. Call inside
        :meth:`writing`, after :meth:`prepare`."""
        manifest = self._manifest or self.manifest()
        finished = set()
        for path in self.run_files():
            run, _ = read_run_file(path)
            problem = self.problem_of(run, manifest)
            if problem is None:
                finished.add(run.run_id)
                continue
            moved = self.set_aside(path)
            redo = "; its run is done again" if RUN_ID.match(run.run_id) else ""
            self.log(f"{path}: {problem}; moved to {moved}{redo}")
        return finished

    def set_aside(self, path: Path) -> Path:
        """Move ``path`` into ``_set_aside/`` (never overwriting); returns where it went."""
        folder = self.root / SET_ASIDE
        folder.mkdir(exist_ok=True)
        target = folder / path.name
        n = 1
        while target.exists():
            target = folder / f"{path.name}.{n}"
            n += 1
        os.replace(path, target)
        return target

    def accepts_code(self, code: Mapping[str, Any]) -> bool:
        """Whether runs computed by ``code`` belong in this folder (see :func:`accepts`)."""
        return accepts(self._manifest or self.manifest(), code)

    def add_code(self, code: Mapping[str, Any]) -> None:
        """Let runs of ``code`` into the folder beside those of its other code (what
        ``--allow-mixed`` does); the manifest records it. Call inside :meth:`writing`."""
        manifest = self._manifest or self.manifest()
        if accepts(manifest, code):
            return
        self._write_manifest(
            {**manifest, "codes": [*manifest["codes"], dict(code)], "allow_mixed": True}
        )

    def manifest_core(self) -> dict[str, Any]:
        """What every run file carries of the manifest (see :data:`MANIFEST_KEYS`)."""
        manifest = self._manifest or self.manifest()
        return {k: manifest[k] for k in (*MANIFEST_KEYS, "source", "seeds") if k in manifest}

    def write_run(
        self,
        spec: Any,
        frame: pd.DataFrame,
        *,
        code: Mapping[str, Any] | None = None,
        worker: str = "this process",
    ) -> Path:
        """Store one finished run atomically, with its provenance."""
        manifest = self._manifest or self.manifest()
        code = dict(code or this_code())
        path = self.runs_dir / f"{spec.run_id}.parquet"
        meta = run_metadata(spec, len(frame), manifest["definition_hash"], code, worker)
        write_run_file(path, frame, meta, self.manifest_core())
        return path


def definition_differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Every place where two definitions differ, as ``path: OLD there, NEW now`` (values in
    full, never cut off)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new)):
            path = f"{where}.{key}" if where else str(key)
            if key not in old:
                out.append(f"{path}: not set there, {_json(new[key])} now")
            elif key not in new:
                out.append(f"{path}: {_json(old[key])} there, not set now")
            else:
                out += definition_differences(old[key], new[key], path)
        return out
    if old != new:
        return [f"{where or 'definition'}: {_json(old)} there, {_json(new)} now"]
    return []


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


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


# ---------------------------------------------------------------------------------------------
# Repair: the manifest rebuilt from the run files
# ---------------------------------------------------------------------------------------------


@dataclass
class _Found:
    experiments: dict[str, tuple[dict[str, Any], int]] = field(default_factory=dict)
    codes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    broken: list[tuple[Path, str]] = field(default_factory=list)
    files: dict[str, list[Path]] = field(default_factory=dict)


def _group_by_experiment(files: list[Path]) -> _Found:
    found = _Found()
    for path in files:
        run, _ = read_run_file(path)
        if run.problem:
            found.broken.append((path, run.problem))
            continue
        key = run.meta["definition_hash"]
        experiment = found.experiments.get(key, (None, 0))[0] or experiment_of(path)
        if experiment is None or experiment.get("definition_hash") != key:
            found.broken.append((path, "the experiment it carries is missing or damaged"))
            continue
        found.experiments[key] = (experiment, found.experiments.get(key, (None, 0))[1] + 1)
        codes = found.codes.setdefault(key, [])
        if not any(same_code(c, run.code) for c in codes):
            codes.append(run.code)
        found.files.setdefault(key, []).append(path)
    return found


def _manifest_from(found: _Found, key: str) -> dict[str, Any]:
    experiment, _ = found.experiments[key]
    codes = found.codes[key]
    now = _now()
    return {
        "format": FORMAT,
        "definition_hash": key,
        "created": now,
        "updated": now,
        "rebuilt": f"from the run files on {now}",
        **{k: v for k, v in experiment.items() if k not in ("definition_hash", "codes")},
        "code": codes[0],
        "codes": codes,
        "allow_mixed": False,
        "git_commit": None,
        "command": [],
    }


@dataclass
class RepairOutcome:
    """What :func:`repair` did."""

    manifest: Path
    runs: int
    name: str
    set_aside: list[tuple[Path, Path, str]] = field(default_factory=list)
    codes: int = 1
    rebuilt: bool = True


def repair(root: Path | str, *, experiment: str | None = None) -> RepairOutcome:
    """Rebuild the manifest of ``root`` from its run files; move files that are damaged or
    belong to another experiment to ``_set_aside/``.

    The experiment is the one of the existing manifest if it is readable, else the one the run
    files carry; when they carry several, ``experiment`` (a prefix of a definition hash, or an
    experiment name) chooses.
    """
    store = ResultStore(root)
    if not store.root.is_dir():
        raise UsageError(f"{store.root}: no such results folder")
    with store.writing():
        files = store.run_files()
        found = _group_by_experiment(files)
        current: dict[str, Any] | None = None
        with contextlib.suppress(UsageError):
            current = store.manifest() if store.manifest_path.exists() else None
        if experiment is not None:
            keys = [
                k
                for k, (e, _) in found.experiments.items()
                if k.startswith(experiment) or e.get("experiment", {}).get("name") == experiment
            ]
        elif current is not None and current["definition_hash"] in found.experiments:
            keys = [current["definition_hash"]]
        else:
            keys = list(found.experiments)
        if len(keys) != 1:
            listed = "; ".join(
                f"{k[:12]}: {e.get('experiment', {}).get('name', '?')!r}, {n} runs"
                for k, (e, n) in found.experiments.items()
            )
            if not found.experiments:
                raise UsageError(
                    f"{store.root}: no readable run files to rebuild a manifest from"
                    + (f" ({len(found.broken)} damaged)" if found.broken else "")
                )
            raise UsageError(
                f"{store.root} holds runs of {len(found.experiments)} experiments ({listed}); "
                "choose one with --experiment HASH_OR_NAME"
                if experiment is None
                else f"--experiment {experiment!r} names none (or several) of the experiments "
                f"in {store.root} ({listed})"
            )
        key = keys[0]
        outcome = RepairOutcome(
            store.manifest_path,
            runs=found.experiments[key][1],
            name=str(found.experiments[key][0].get("experiment", {}).get("name", "?")),
            codes=len(found.codes[key]),
        )
        for path, problem in found.broken:
            outcome.set_aside.append((path, store.set_aside(path), problem))
        for other, paths in found.files.items():
            if other != key:
                for path in paths:
                    moved = store.set_aside(path)
                    outcome.set_aside.append((path, moved, "a run of another experiment"))
        if current is not None and current["definition_hash"] == key:
            manifest = {**current, "codes": current["codes"]}
            for code in found.codes[key]:
                if not accepts(manifest, code):
                    manifest["codes"] = [*manifest["codes"], code]
            outcome.rebuilt = False
            if len(manifest["codes"]) == len(current["codes"]):
                outcome.codes = len(manifest["codes"])
                return outcome
        else:
            manifest = _manifest_from(found, key)
            if store.manifest_path.exists():
                store.set_aside(store.manifest_path)
        outcome.codes = len(manifest["codes"])
        store._write_manifest(manifest)
        return outcome


def describe_codes(codes: list[tuple[dict[str, Any], int]]) -> list[str]:
    """``N runs: model source …, numpy …`` per code record, naming only what differs between
    them (all of it when there is one), for messages and the report."""
    if len(codes) == 1:
        code, n = codes[0]
        return [f"{n} runs: {code_label(code)}"]
    labels = [code_label(c).split(", ") for c, _ in codes]
    shared = set.intersection(*(set(parts) for parts in labels))
    return [
        f"{n} runs: " + ", ".join(p for p in parts if p not in shared)
        for parts, (_, n) in zip(labels, codes, strict=True)
    ]
