"""The refresh pipeline: ``fetch_source`` runs one source end to end.

Download (or copy from a mirror) every file into a staging folder, check the bytes, parse,
validate, and only when all of that succeeded move the files into ``data/raw/<source>/``,
write the processed tables and update the manifest. A failure anywhere leaves the last good
raw files, manifest and tables exactly as they were.

The commit itself is journalled (``journal.py``): the new raw files, tables and manifest are
all written into the staging folder first, then a ``COMMIT.json`` listing the moves, then the
moves. A run killed between two moves is finished ("rolled forward") by the next run, so the
tables and the manifest never disagree about which download they came from.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from migrationdata import __version__, processed, revisions
from migrationdata.catalog import Source
from migrationdata.changes import TableChange, compare_tables
from migrationdata.errors import DataError, FetchError, MigrationDataError
from migrationdata.fetch.http import Fetcher, FileResult, Mirror
from migrationdata.fetch.journal import (
    JOURNAL,
    clean_stale_staging,
    processing_fingerprint,
    record_processed,
    roll_forward,
    stage_file,
    still_processed,
)
from migrationdata.paths import data_dir as default_data_dir
from migrationdata.paths import manifest_path, processed_dir, raw_dir
from migrationdata.store import json_bytes, read_manifest, utcnow, write_bytes_atomic


@dataclass
class SourceReport:
    source: str
    status: str  # updated / unchanged / failed
    rows: int = 0
    seconds: float = 0.0
    error: str = ""
    files: list[FileResult] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    #: what the parser tolerated but a person should know (e.g. an unexpected extra column)
    warnings: list[str] = field(default_factory=list)
    #: table -> what this fetch changed in it (only tables whose content changed)
    changes: dict[str, TableChange] = field(default_factory=dict)


def _revision_rows(
    source: Source, fetcher: Fetcher, before: dict[str, bytes], rendered: dict[str, bytes], raw_changed: bool
) -> list[dict]:
    """Cell by cell, what this commit adds to, revises in or withdraws from each table."""
    new_files = [r for r in fetcher.results if r.status == "updated"] or fetcher.results
    release = "; ".join(f"{r.name}@{str(r.entry.get('sha256'))[:12]}" for r in new_files)
    if not raw_changed:
        # same bytes, other tables: the project's code changed, not the publisher's figures
        release = f"reprocessed by migrationdata {__version__}: {release}"
    stamps = [r.entry.get("retrieved_at") for r in new_files if r.entry.get("retrieved_at")]
    retrieved = max(stamps) if raw_changed and stamps else utcnow()
    rows: list[dict] = []
    for name, old in before.items():
        rows += revisions.cell_changes(source.table(name), old, rendered[name], retrieved, release)
    return rows


def _sentence(text: str) -> str:
    """``text`` ending with exactly one full stop (parsers' messages may or may not have one)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _suspects(fetcher: Fetcher) -> list[FileResult]:
    """The files this run brought in new: the likely cause when something looks wrong."""
    return [r for r in fetcher.results if r.status == "updated"]


def _mirror_advice(fetcher: Fetcher) -> str:
    # retrying a mirror only reads the same bad copy again; the message's address names it
    # and the publisher's URL it stands for
    if fetcher.mirror is None:
        return ""
    return (
        " If the mirror's copy (named above) is damaged, repair or replace it, or fetch from "
        "the publisher without --mirror."
    )


def _damaged_or_changed(source: Source, fetcher: Fetcher, hit: FileResult | None) -> str:
    """Advice for a file the parser refused: a damaged download and a changed layout look
    alike from here, and the first is far more common, so it comes first."""
    checked = [hit] if hit else _suspects(fetcher)
    sizes = "; ".join(fetcher.describe_copy(r) for r in checked)
    return (
        "The file may be truncated or damaged, or the publisher may have changed its layout. "
        "If it is damaged: retry the download and compare the file's size and sha256 with its "
        f"manifest entry (`migrationdata sources`){': ' + sizes if sizes else ''}."
        + _mirror_advice(fetcher)
        + f" If the file is whole but its layout changed: compare it with {source.landing_page} "
        f"and update the parser in migrationdata/sources/{source.id}.py. No processed table was "
        "written; the last good data is unchanged."
    )


def _loss_error(source: Source, fetcher: Fetcher, lost: list[TableChange], mirror: str | None) -> FetchError:
    suspects = _suspects(fetcher)
    where = "; ".join(r.fetched_from for r in suspects) or source.landing_page
    command = f"migrationdata fetch {source.id} --allow-loss" + (f" --mirror {mirror}" if mirror else "")
    if suspects:
        sizes = "; ".join(fetcher.describe_copy(r) for r in suspects)
        cause = (
            "A file cut short (at a line boundary it still parses) or an incomplete export "
            "looks exactly like this: compare the file's size and sha256 with its manifest "
            f"entry ({sizes}) and retry the download." + _mirror_advice(fetcher)
        )
    else:
        cause = (
            "No downloaded file changed, so the rows are dropped by the parser in "
            f"migrationdata/sources/{source.id}.py: check that change."
        )
    return FetchError(
        source.id,
        where,
        "expected every row already in the processed tables to be kept, but the new data would "
        "remove " + "; and ".join(c.loss() for c in lost) + ".",
        f"{cause} If the publisher really withdrew these rows, accept the loss with `{command}`. "
        "Nothing was written; the last good data is unchanged.",
    )


def fetch_source(
    source: Source,
    mirror: str | None = None,
    base: Path | None = None,
    session=None,
    progress: bool | None = None,
    allow_loss: bool = False,
    reprocess: bool = False,
) -> SourceReport:
    """Fetch, parse, validate and (only if everything passed) store one source.

    A new release that would remove rows already in a processed table is refused (a file
    cut short at a line boundary parses cleanly and would silently drop every later month)
    unless ``allow_loss`` says the publisher really withdrew them.

    When every file is byte for byte the one the manifest records, the code that parses it
    has not changed and the tables on disk are the ones that code wrote, parsing again could
    only give the same tables: it is skipped (``reprocess`` forces it)."""
    base = base or default_data_dir()
    t0 = time.monotonic()
    clean_stale_staging(base)
    staging = raw_dir(base) / ".staging" / f"{source.id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    mirror_obj = Mirror(mirror) if mirror else None
    fetcher = Fetcher(source, base, staging, mirror_obj, session, progress)
    report = SourceReport(source.id, "failed")
    try:
        if mirror_obj is None and source.download is not None:
            source.download(fetcher)
        else:
            files = source.files
            if mirror_obj is None and source.discover is not None:
                files = source.discover(fetcher)
            for rf in files:
                fetcher.get_file(rf)
        paths = {r.name: r.path for r in fetcher.results}
        fingerprint = processing_fingerprint(source, fetcher.results)
        if not reprocess and still_processed(source, base, fingerprint, fetcher.results):
            report.status = "unchanged"
            report.tables = {
                t.name: processed.table_path(t.name, base).read_bytes().count(b"\n") - 1
                for t in source.tables
            }
            report.rows = sum(report.tables.values())
            return report
        caught: list = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frames = source.process(paths)
                rendered = processed.render_tables(source, frames)
        except DataError as exc:
            hit = next((r for r in fetcher.results if r.name == exc.file), None)
            # a check on a whole table names no file: name this run's new files instead
            named = [hit] if hit else _suspects(fetcher)
            raise FetchError(
                source.id,
                "; ".join(r.fetched_from for r in named) or exc.file,
                "expected the layout and values the parser checks for (columns, counts, keys, months), "
                f"but the data did not pass the checks: {exc.file}: {_sentence(exc.problem)}",
                _damaged_or_changed(source, fetcher, hit)
                # the offending rows come last, after the sentence a reporter acts on
                + (f"\nOffending rows:\n{exc.rows}" if exc.rows is not None and str(exc.rows) else ""),
            ) from exc
        finally:
            # parsers warn (UserWarning) about what they tolerated; the CLI shows it to the reporter
            for w in caught:
                text = f"{w.message}"
                if issubclass(w.category, UserWarning) and text not in report.warnings:
                    report.warnings.append(text)

        # compare each new table with the one on disk before anything is written: rows that
        # would disappear stop the commit here, with the last good data untouched
        changes: dict[str, TableChange] = {}
        before: dict[str, bytes] = {}
        for table in source.tables:
            target = processed.table_path(table.name, base)
            old = target.read_bytes() if target.exists() else b""
            if old != rendered[table.name]:
                changes[table.name] = compare_tables(table, old, rendered[table.name])
                before[table.name] = old
        lost = [c for c in changes.values() if c.removed]
        if lost and not allow_loss:
            raise _loss_error(source, fetcher, lost, mirror)

        # everything is checked: stage the new tables and manifest beside the new raw files,
        # write the journal, then move everything into place
        manifest = read_manifest(base)
        moves: list[tuple[Path, Path]] = []
        raw_changed = False
        for r in fetcher.results:
            if r.status == "updated" or r.restore:
                moves.append((r.path, fetcher.raw_path(r.name)))
            if r.status == "updated":
                manifest.setdefault("files", {})[fetcher.key(r.name)] = r.entry
                raw_changed = True
        for name in changes:
            staged = staging / "processed" / f"{name}.csv"
            stage_file(staged, rendered[name])
            moves.append((staged, processed.table_path(name, base)))
        if raw_changed:
            staged = staging / "manifest.json"
            stage_file(staged, json_bytes(manifest))
            moves.append((staged, manifest_path(base)))
        if changes:
            # the revision log grows in the same journalled commit as the tables it describes
            log_rows = _revision_rows(source, fetcher, before, rendered, raw_changed)
            log = revisions.log_path(source.id, base)
            staged = staging / "revisions" / log.name
            stage_file(staged, revisions.appended(log, log_rows))
            moves.append((staged, log))
        if moves:
            plan = {"source": source.id, "moves": [{"from": str(a), "to": str(b)} for a, b in moves]}
            write_bytes_atomic(staging / JOURNAL, json_bytes(plan))
            roll_forward(staging)
            for r in fetcher.results:
                if r.status == "updated" or r.restore:
                    r.path = fetcher.raw_path(r.name)
        processed_dir(base).mkdir(parents=True, exist_ok=True)
        processed.write_datapackage(base)
        record_processed(source, base, fingerprint)
        # restoring the recorded bytes into data/raw is not news; a new file or table is
        report.status = "updated" if raw_changed or changes else "unchanged"
        report.changes = changes
        report.tables = {name: data.count(b"\n") - 1 for name, data in rendered.items()}
        report.rows = sum(report.tables.values())
    except MigrationDataError as exc:
        report.error = fetcher.redact(str(exc))
    except Exception as exc:  # a parser bug: still name the source and keep data intact
        # name what this run downloaded (the suspects), else every file the parser read
        new = [r for r in fetcher.results if r.status == "updated"] or fetcher.results
        where = "; ".join(r.fetched_from for r in new) or source.landing_page
        report.error = fetcher.redact(
            f"[{source.id}] {where}: unexpected {type(exc).__name__} while processing: {_sentence(str(exc))} "
            "What to do: the last good data is unchanged. The file may be damaged or its "
            f"layout changed in a way migrationdata/sources/{source.id}.py does not check yet; "
            "this is a bug in the project: please report it with this message."
        )
    finally:
        # interrupted (Ctrl-C) between the journal and the last move: finish the commit, whose
        # data passed every check, rather than leave tables and manifest disagreeing
        if (staging / JOURNAL).exists():
            with contextlib.suppress(OSError, ValueError, KeyError):
                roll_forward(staging)
        shutil.rmtree(staging, ignore_errors=True)
        report.files = fetcher.results
        report.seconds = time.monotonic() - t0
    return report
