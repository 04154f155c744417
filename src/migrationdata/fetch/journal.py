"""The commit journal (a killed run is finished by the next) and the record of which bytes the
tables were last parsed from (so an unchanged refresh need not parse again)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

from migrationdata import __version__, processed
from migrationdata.catalog import Source
from migrationdata.fetch.http import FileResult
from migrationdata.paths import raw_dir
from migrationdata.store import sha256_file, write_json_atomic

JOURNAL = "COMMIT.json"


def roll_forward(staging: Path) -> None:
    """Finish a journalled commit: move every staged file that is still there into place."""
    journal = staging / JOURNAL
    plan = json.loads(journal.read_text(encoding="utf-8"))
    for move in plan["moves"]:
        src, dst = Path(move["from"]), Path(move["to"])
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    journal.unlink()


def clean_stale_staging(base: Path) -> None:
    """A run killed mid-download leaves its staging folder behind: delete it. A run killed
    mid-commit leaves a journal: finish its commit first (its data had passed every check)."""
    stage_root = raw_dir(base) / ".staging"
    if stage_root.exists():
        for d in stage_root.iterdir():
            pid = d.name.rsplit("-", 2)[-2] if d.name.count("-") >= 2 else ""
            if pid.isdigit() and _pid_alive(int(pid)):
                continue
            if (d / JOURNAL).exists():
                with contextlib.suppress(OSError, ValueError, KeyError):
                    roll_forward(d)
            shutil.rmtree(d, ignore_errors=True)


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
    if not results or any(r.status != "unchanged" or r.restore for r in results):
        return False
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
