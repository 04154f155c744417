"""The revision log: every value a committed refresh added, revised or withdrew, kept for good.

A refresh prints what changed and the tables then hold only the latest figures; but "CBP
revised December down by 53" is itself news, and a desk that printed a figure must be able to
say what the publisher first printed. So every committed refresh appends, cell by cell, to
``data/revisions/<source>.csv`` (committed):

``retrieved_at, table, key, column, change, old_value, new_value, release``

- ``change`` is ``new`` (a row the table did not have: its first-printed value), ``revised``
  (same key, another value), or ``withdrawn`` (a row or value the publisher took back, logged
  only when the refresh was accepted with ``--allow-loss``);
- ``key`` names the row by its primary key (``month=2023-12-01; component=USBP``);
- ``release`` names the raw files the new values came from, with the first 12 characters of
  their sha256, so each row points at the bytes in ``data/manifest.json``.

The log starts with the first refresh after a table exists: a table's first fetch is its
baseline and is recorded as one ``baseline`` row, not cell by cell. Values are compared as the
text the table holds, so a change in a float's last digit is a change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from migrationdata.catalog import Table
from migrationdata.changes import read_as_text
from migrationdata.errors import DataError
from migrationdata.paths import data_dir

COLUMNS = ("retrieved_at", "table", "key", "column", "change", "old_value", "new_value", "release")
CHANGES = ("baseline", "new", "revised", "withdrawn")


def revisions_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "revisions"


def log_path(source_id: str, base: Path | None = None) -> Path:
    return revisions_dir(base) / f"{source_id}.csv"


def cell_changes(table: Table, old: bytes, new: bytes, retrieved_at: str, release: str) -> list[dict]:
    """The log rows for writing ``new`` over ``old`` (rendered CSV bytes of ``table``)."""
    import pandas as pd

    new_df = read_as_text(new)
    base = {"retrieved_at": retrieved_at, "table": table.name, "release": release}
    if not old or old.count(b"\n") <= 1:
        return [
            {
                **base,
                "key": "*",
                "column": "*",
                "change": "baseline",
                "old_value": "",
                "new_value": f"{len(new_df)} rows",
            }
        ]
    old_df = read_as_text(old)
    key = list(table.primary_key)
    if not (set(key) <= set(old_df.columns) and set(key) <= set(new_df.columns)):
        return [
            {
                **base,
                "key": "*",
                "column": "*",
                "change": "baseline",
                "old_value": f"{len(old_df)} rows",
                "new_value": f"{len(new_df)} rows (new key columns: not compared cell by cell)",
            }
        ]
    values = [c for c in new_df.columns if c not in key]
    shared = [c for c in values if c in old_df.columns]
    merged = old_df[key + shared].merge(
        new_df[key + values], on=key, how="outer", suffixes=("\x00old", "\x00new"), indicator=True
    )
    label = pd.Series("", index=merged.index, dtype=object)
    for n, k in enumerate(key):
        label = label + ("; " if n else "") + f"{k}=" + merged[k].astype(str)
    merged["key"] = label
    side = merged["_merge"]
    parts = []

    def frame(sub, column, change, old, new_):
        return pd.DataFrame(
            {"key": sub["key"], "column": column, "change": change, "old_value": old, "new_value": new_}
        )

    added = merged[side == "right_only"]
    removed = merged[side == "left_only"]
    both = merged[side == "both"]
    for c in values:
        after = added[f"{c}\x00new"] if c in shared else added[c]
        parts.append(frame(added, c, "new", "", after))
    for c in shared:
        parts.append(frame(removed, c, "withdrawn", removed[f"{c}\x00old"], ""))
        before, after = both[f"{c}\x00old"].fillna(""), both[f"{c}\x00new"].fillna("")
        moved = both[before != after]
        b, a = before[before != after], after[before != after]
        parts.append(frame(moved, c, a.map(lambda v: "withdrawn" if v == "" else "revised"), b, a))
    if not parts:
        return []
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if out is None:
        return []
    order = {c: i for i, c in enumerate(values)}
    out["_col"] = out["column"].map(order)
    out = out.sort_values(["key", "_col", "change"], kind="stable").drop(columns="_col")
    return [{**base, **r} for r in out.to_dict("records")]


def render(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    for row in rows:
        w.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue().encode("utf-8")


def header() -> bytes:
    return (",".join(COLUMNS) + "\n").encode("utf-8")


def check_log(path: Path, data: bytes | None = None) -> None:
    """Refuse a log that no longer parses (edited by hand), naming the line."""
    data = path.read_bytes() if data is None else data
    text = data.decode("utf-8", errors="strict") if data else ""
    lines = text.splitlines()
    if not lines:
        return
    if tuple(next(csv.reader([lines[0]]))) != COLUMNS:
        raise DataError(
            path.name,
            f"line 1 of {path} should be the header {','.join(COLUMNS)}; restore it from git "
            "(git checkout -- data/revisions/) before refreshing.",
        )
    for n, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if n == 1:
            continue
        if len(fields) != len(COLUMNS) or fields[4] not in CHANGES:
            raise DataError(
                path.name,
                f"line {n} of {path} does not parse ({len(fields)} fields, change {fields[4] if len(fields) > 4 else '?'!r}); "
                "the log is written only by `migrationdata fetch`: restore it from git "
                "(git checkout -- data/revisions/) before refreshing.",
            )


def appended(path: Path, rows: list[dict]) -> bytes:
    """The log's new bytes: what it holds (checked) plus ``rows``."""
    if path.exists():
        data = path.read_bytes()
        check_log(path, data)
        if data and not data.endswith(b"\n"):
            data += b"\n"
    else:
        data = b""
    return (data or header()) + render(rows)


@dataclass(frozen=True)
class Entry:
    source: str
    retrieved_at: str
    table: str
    key: str
    column: str
    change: str
    old_value: str
    new_value: str
    release: str


def read(
    source_id: str | None = None, since: date | str | None = None, base: Path | None = None
) -> list[Entry]:
    """Every logged change (of one source; retrieved on or after ``since``, a date or an ISO
    timestamp such as ``2026-11-30T09:00:00Z``), oldest first."""
    since_text = since.isoformat() if isinstance(since, date) else since
    folder = revisions_dir(base)
    paths = [log_path(source_id, base)] if source_id else sorted(folder.glob("*.csv"))
    out: list[Entry] = []
    for path in paths:
        if not path.exists():
            continue
        check_log(path)
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if since_text and row["retrieved_at"] < since_text:
                    continue
                out.append(Entry(path.stem, **{c: row[c] for c in COLUMNS}))
    return sorted(out, key=lambda e: (e.retrieved_at, e.source, e.table, e.key, e.column))


def first_prints(source_id: str, table: str, column: str, base: Path | None = None) -> dict[str, str]:
    """key -> the value first printed for it, for every row added since the log began."""
    out: dict[str, str] = {}
    for e in read(source_id, base=base):
        if e.table == table and e.column == column and e.change == "new" and e.key not in out:
            out[e.key] = e.new_value
    return out
