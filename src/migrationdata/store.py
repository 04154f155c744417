"""Storage, the one way the project writes a file: hashing, the manifest, atomic writes.

Foundation layer: imports nothing of the project but ``paths`` and ``errors``."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from migrationdata.errors import LoadError
from migrationdata.paths import manifest_path


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(base: Path | None = None) -> dict:
    path = manifest_path(base)
    if not path.exists():
        return {"files": {}}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = "\x00"
    if any(line.startswith(("<<<<<<<", ">>>>>>>", "=======")) for line in text.splitlines()):
        raise LoadError(
            f"{path} holds git conflict markers (<<<<<<< ... >>>>>>>): a merge left both versions "
            "in the file, so no refresh can tell which downloads the tables came from. What to do: "
            "keep one side (`git checkout --theirs data/manifest.json` or `--ours`), or resolve the "
            "markers by hand, then fetch again; nothing was changed."
        )
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise LoadError(
            f"{path} is not valid JSON ({exc}). What to do: restore it with "
            "`git checkout -- data/manifest.json`, then fetch again; nothing was changed."
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
        raise LoadError(
            f'{path} does not hold the project\'s manifest (an object with "files"). What to do: '
            "restore it with `git checkout -- data/manifest.json`, then fetch again; nothing was changed."
        )
    return manifest


def public_url(url: str | None) -> str | None:
    """``url`` as the manifest may keep it: without ``user:password@``, and nothing at all for a
    local address (``file://``, a bare path), which belongs to one machine, not to the project."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])
    return urlunsplit(parts)


def public_entry(entry: dict) -> dict:
    """A manifest entry with nothing private or machine-specific: the publisher's URL, and for
    a mirror only that one was used (its location is of this machine)."""
    out = dict(entry)
    out["url"] = public_url(out.get("url"))
    if out.get("mirror"):
        out["mirror"] = "mirror"
        out["final_url"] = out["url"]
    else:
        out["final_url"] = public_url(out.get("final_url")) or out["url"]
    return out


def json_bytes(obj: object) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_json_atomic(path: Path, obj: object) -> None:
    write_bytes_atomic(path, json_bytes(obj))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; tables are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
