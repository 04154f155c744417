"""The commit journal (a killed run is finished by the next) and the record of which bytes the
tables were last parsed from (so an unchanged refresh need not parse again)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from migrationdata import __version__, processed
from migrationdata.catalog import Source
from migrationdata.fetch.http import FileResult
from migrationdata.paths import raw_dir
from migrationdata.store import json_bytes, sha256_file, write_bytes_atomic, write_json_atomic

JOURNAL = "COMMIT.json"


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(Path(os.path.abspath(folder)))


def roll_forward(staging: Path) -> None:
    """Finish a journalled commit: move every staged file that is still there into place.

    A journal only ever moves files from its own staging folder to the data folder that holds
    it (``<data>/raw/.staging/<run>/``): any other move is not one this project wrote, and the
    journal is ignored."""
    journal = staging / JOURNAL
    base = staging.parent.parent.parent
    plan = json.loads(journal.read_text(encoding="utf-8"))
    moves = [(Path(m["from"]), Path(m["to"])) for m in plan["moves"]]
    if not all(_inside(a, staging) and _inside(b, base) and ".." not in b.parts for a, b in moves):
        journal.unlink()
        return
    for src, dst in moves:
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    journal.unlink()


def clean_stale_staging(base: Path) -> None:
    """A run killed mid-download leaves its staging folder behind: delete it. A run killed
    mid-commit leaves a journal: finish its commit first (its data had passed every check).
    Nothing but real folders inside the staging area is followed or deleted."""
    stage_root = raw_dir(base) / ".staging"
    if stage_root.is_dir() and not stage_root.is_symlink():
        for d in stage_root.iterdir():
            if d.is_symlink() or not d.is_dir():
                with contextlib.suppress(OSError):
                    d.unlink()  # removes the link itself, never what it points to
                continue
            pid = d.name.rsplit("-", 2)[-2] if d.name.count("-") >= 2 else ""
            if pid.isdigit() and _pid_alive(int(pid)):
                continue
            if (d / JOURNAL).exists():
                with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                    roll_forward(d)
            shutil.rmtree(d, ignore_errors=True)


class CommitError(OSError):
    """A commit that could not be completed; ``undone`` says whether every file is back as it was."""

    def __init__(self, cause: OSError, undone: bool, done: list[Path]) -> None:
        super().__init__(cause.errno, cause.strerror, cause.filename)
        self.cause = cause
        self.undone = undone
        self.done = done


def check_writable(folders: set[Path]) -> None:
    """Before the first move: every folder the commit writes into exists and takes a new file
    (a read-only ``data/`` with writable ``raw/`` and ``processed/`` fails here, not half-way)."""
    for folder in sorted(folders):
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)


def commit(staging: Path, moves: list[tuple[Path, Path]], source: str) -> None:
    """Move staged files into place, all or nothing: the folders are checked first; a journal
    lets the next run finish a commit killed half-way; a move that fails (a permission, a full
    disk) puts back every file already replaced (``CommitError.undone`` says if that worked)."""
    check_writable({dst.parent for _, dst in moves} | {staging})
    backups = staging / "previous"
    backups.mkdir(exist_ok=True)
    kept: list[tuple[Path, Path | None]] = []
    for i, (_, dst) in enumerate(moves):
        if dst.exists():
            keep = backups / str(i)
            try:
                os.link(dst, keep)  # the old bytes stay reachable at no cost
            except OSError:
                shutil.copy2(dst, keep)
            kept.append((dst, keep))
        else:
            kept.append((dst, None))
    plan = {"source": source, "moves": [{"from": str(a), "to": str(b)} for a, b in moves]}
    write_bytes_atomic(staging / JOURNAL, json_bytes(plan))
    done: list[int] = []
    try:
        for i, (src, dst) in enumerate(moves):
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
            done.append(i)
    except OSError as exc:
        undone = True
        for i in reversed(done):
            dst, keep = kept[i]
            try:
                if keep is None:
                    dst.unlink()
                else:
                    os.replace(keep, dst)
            except OSError:
                undone = False
        (staging / JOURNAL).unlink(missing_ok=True)
        raise CommitError(exc, undone, [moves[i][1] for i in done]) from exc
    (staging / JOURNAL).unlink()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def stage_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


PROCESSED_STATE = ".processed-state.json"


def processing_fingerprint(source: Source, results: list[FileResult]) -> str:
    """What the source's tables are a function of: the raw bytes (their sha256) and the code
    that parses them (every module of the package, since parsers share schemas and helpers)."""
    h = hashlib.sha256(__version__.encode())
    for r in sorted(results, key=lambda r: r.name):
        h.update(f"{r.name}={r.entry.get('sha256')}\n".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _state_path(base: Path) -> Path:
    # data/raw is never committed: the state describes this machine's copy, not the project
    return raw_dir(base) / PROCESSED_STATE


def _read_state(base: Path) -> dict:
    try:
        state = json.loads(_state_path(base).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def still_processed(source: Source, base: Path, fingerprint: str, results: list[FileResult]) -> bool:
    """Nothing to do: the same bytes, already in place, and the tables parsed from them."""
    if not results or any(r.status != "unchanged" or r.restore for r in results):
        return False
    return parsed_from(source, base, fingerprint)


def parsed_from(source: Source, base: Path, fingerprint: str) -> bool:
    """Whether the tables on disk are the ones this code wrote from exactly these bytes (the
    fingerprint), untouched since: parsing the same bytes again could only give them back,
    even when the bytes were fetched anew (a raw file lost and downloaded again)."""
    recorded = _read_state(base).get(source.id)
    if not isinstance(recorded, dict) or recorded.get("fingerprint") != fingerprint:
        return False
    tables = recorded.get("tables", {})
    for table in source.tables:
        path = processed.table_path(table.name, base)
        if not path.exists() or tables.get(table.name) != sha256_file(path):
            return False
    return True


def record_processed(source: Source, base: Path, fingerprint: str) -> None:
    state = _read_state(base)
    state[source.id] = {
        "fingerprint": fingerprint,
        "tables": {t.name: sha256_file(processed.table_path(t.name, base)) for t in source.tables},
    }
    with contextlib.suppress(OSError):  # only a cache: losing it costs one parse next time
        write_json_atomic(_state_path(base), state)
