"""Storage, the one way the project writes a file: hashing, the manifest, atomic writes.

Foundation layer: imports nothing of the project but ``paths`` and ``errors``."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
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


# ----------------------------------------------------------------------------- spreadsheets

#: a cell beginning with one of these is run as a formula by Excel, LibreOffice and Google
#: Sheets (OWASP, "CSV injection"): ``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading
    apostrophe (shown as text, not computed). Numbers, and text that is exactly a number
    ("-5", "+1.5e3"), are left alone: a negative number must stay a number."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(value):
        value = "'" + value
    # a bare carriage return is not quoted by the CSV writer (the line ends in \\n), and a
    # spreadsheet would start a new row there, whose first cell could be a formula
    return value.replace("\r\n", "\n").replace("\r", "\n")


def formula_like(value: str) -> bool:
    """True for text a spreadsheet would run as a formula once any leading apostrophes are
    taken off (so that the apostrophe added by :func:`inert_text` can be told from one the
    publisher wrote)."""
    bare = value.lstrip("'")
    # a leading line break too: inert_text turns a leading carriage return into one
    return bare.startswith((*FORMULA_TRIGGERS, "\n")) and not _NUMBER.fullmatch(bare)


def inert_text(value: object) -> object:
    """A processed table's text cell, safe in a spreadsheet and exactly reversible: one more
    leading apostrophe on text that begins like a formula (``=HYPERLINK(...)`` becomes
    ``'=HYPERLINK(...)``; ``'=x``, which a publisher could write, becomes ``''=x``), carriage
    returns made line feeds (a bare CR is not quoted by the CSV writer and would split the row).
    :func:`restore_text` gives back the publisher's text."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + value if formula_like(value) else value


def restore_text(value: object) -> object:
    """The text :func:`inert_text` was given (what a loader hands to the analysis)."""
    if isinstance(value, str) and value.startswith("'") and formula_like(value[1:]):
        return value[1:]
    return value


def spreadsheet_csv(df) -> bytes:
    """``df`` as CSV for a spreadsheet or Datawrapper: UTF-8, ``\\n`` line endings, ISO dates,
    and no cell that a spreadsheet would run as a formula. Numeric columns are written as they
    are; only text cells (in object or string columns, and the column names) are neutralised."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode("utf-8")
