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
import errno
import os
import shutil
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from migrationdata import __version__, processed, revisions
from migrationdata.catalog import Source
from migrationdata.changes import TableChange, compare_tables, foreign_table
from migrationdata.errors import DataError, FetchError, MigrationDataError
from migrationdata.fetch.guards import check_staging, check_unpacked
from migrationdata.fetch.http import Fetcher, FileResult, Mirror
from migrationdata.fetch.journal import (
    JOURNAL,
    CommitError,
    check_writable,
    clean_stale_staging,
    commit,
    parsed_from,
    processing_fingerprint,
    record_processed,
    roll_forward,
    stage_file,
    still_processed,
)
from migrationdata.paths import data_dir as default_data_dir
from migrationdata.paths import manifest_path, processed_dir, raw_dir
from migrationdata.store import json_bytes, public_entry, read_manifest, utcnow


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


LOCK_NAME = ".refresh.lock"
#: seconds a refresh waits for another one to finish before giving up
LOCK_WAIT = float(os.environ.get("MIGRATIONDATA_LOCK_WAIT", "0") or 0)


def _lock(source: Source, base: Path):
    """One refresh at a time per data folder: two would each read the manifest, and the one
    that writes last would drop the other's entries."""
    from filelock import FileLock, Timeout

    folder = raw_dir(base)
    path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path), timeout=LOCK_WAIT)
        lock.acquire()
    except Timeout:
        holder = ""
        with contextlib.suppress(OSError):
            holder = (folder / (LOCK_NAME + ".who")).read_text(encoding="utf-8").strip()
        raise FetchError(
            source.id,
            str(path),
            "expected to be the only refresh of this data folder, but another one is running"
            + (f" ({holder})" if holder else "")
            + ". Two at once would each rewrite the manifest and lose the other's update.",
            "Wait for the other `migrationdata fetch` to finish, then run this one again. If no "
            f"other refresh is running (a crashed machine), delete {path}. The last good data is unchanged.",
        ) from None
    except OSError as exc:
        raise _os_error(source, exc, committed=False) from None
    with contextlib.suppress(OSError):
        (folder / (LOCK_NAME + ".who")).write_text(
            f"process {os.getpid()}, fetching {source.id} since {utcnow()}", encoding="utf-8"
        )
    return lock


def _os_error(source: Source, exc: OSError, committed: bool | None, what: str = "") -> FetchError:
    """A file system failure as a reporter's message: which file, what the system said, and
    whether the data folder is as it was (``committed`` None: partly changed)."""
    where = str(getattr(exc, "filename", "") or "") or "the data folder"
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        problem = "the disk is full (no space left on the device)"
        remedy = (
            "Free some space on the disk that holds the data folder (or raise the quota), then fetch again."
        )
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        problem = "the folder is read-only or not ours to write (permission denied)"
        remedy = (
            "Make the data folder and everything in it writable (`chmod -R u+w data`), or point "
            "MIGRATIONDATA_DATA at a folder you may write, then fetch again."
        )
    else:
        problem = f"the system refused ({exc.strerror or exc})"
        remedy = "Check the folder and the disk, then fetch again."
    if committed is False:
        state = " Nothing was written; the last good data is unchanged."
    elif committed is True:
        state = " The new data itself was committed (raw files, tables and manifest agree)."
    else:
        state = (
            " The commit could not be completed nor fully undone: some files in the data folder "
            "are new and some old. Fetch again once the folder is writable: a complete refresh "
            "makes raw files, tables and manifest agree again."
        )
    return FetchError(
        source.id,
        where,
        f"expected to write {what or 'the data folder'}, but {problem}.",
        remedy + state,
    )


def _header_only(path: Path) -> bool:
    """A text file whose only non-blank line is its first (the header)."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    lines = [line for line in head.splitlines() if line.strip()]
    return len(lines) == 1 and len(head) < 65536


def _not_text(fetcher: Fetcher) -> list[str]:
    """The files of this run that are not UTF-8 text (a Latin-1 or Windows export)."""
    out = []
    for r in fetcher.results:
        if r.name.lower().endswith((".csv", ".txt", ".psv", ".json")) and r.path.exists():
            data = r.path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = data[exc.start : exc.start + 1]
                guess = byte.decode("latin-1")
                out.append(f"{r.fetched_from} (byte 0x{byte.hex()} at {exc.start:,}: {guess!r} in Latin-1)")
    return out


def _revision_error(
    source: Source, fetcher: Fetcher, breaches: list, mirror: str | None, allow_loss: bool
) -> FetchError:
    suspects = _suspects(fetcher)
    where = "; ".join(r.fetched_from for r in suspects) or source.landing_page
    shown = [f"  {b}" for b in breaches[:12]]
    if len(breaches) > len(shown):
        shown.append(f"  ... and {len(breaches) - len(shown):,} more")
    command = (
        f'migrationdata fetch {source.id} --accept-revisions "REASON"'
        + (" --allow-loss" if allow_loss else "")
        + (f" --mirror {fetcher.mirror.describe()}" if fetcher.mirror else "")
    )
    sizes = "; ".join(fetcher.describe_copy(r) for r in suspects)
    return FetchError(
        source.id,
        where,
        f"expected only the kind of revisions {source.id}'s publisher makes, but the new data goes "
        f"beyond them in {len(breaches):,} place{'s' if len(breaches) != 1 else ''}:\n"
        + "\n".join(shown)
        + "\n",
        f"The source's revision policy: {source.policy.rule}; a published value is never withdrawn, "
        "no month may come before the publisher could release it, no new month may arrive cut short. "
        "A file cut short or damaged on the way, or a wrong file, looks exactly like this: compare "
        f"it with the publisher's page ({source.landing_page})"
        + (f" and its size and sha256 with the manifest's ({sizes})" if sizes else "")
        + ", and retry the download."
        + _mirror_advice(fetcher)
        + " If the publisher really revised these figures, accept them deliberately with "
        f"`{command}`; the reason is recorded in data/manifest.json. Nothing was written; the "
        "last good data is unchanged.",
    )


def fetch_source(
    source: Source,
    mirror: str | None = None,
    base: Path | None = None,
    session=None,
    progress: bool | None = None,
    allow_loss: bool = False,
    reprocess: bool = False,
    accept_revisions: str | None = None,
) -> SourceReport:
    """Fetch, parse, validate and (only if everything passed) store one source.

    A new release that would remove rows already in a processed table is refused (a file
    cut short at a line boundary parses cleanly and would silently drop every later month)
    unless ``allow_loss`` says the publisher really withdrew them. A release that breaks the
    source's revision policy (``Source.policy``: values emptied or moved beyond the publisher's
    usual revisions, months not yet published, a month cut short) is refused unless
    ``accept_revisions`` gives the reason, which the manifest records.

    One refresh of a data folder runs at a time (a lock in ``data/raw``); the commit is all or
    nothing (``journal.commit``).

    When every file is byte for byte the one the manifest records, the code that parses it
    has not changed and the tables on disk are the ones that code wrote, parsing again could
    only give the same tables: it is skipped (``reprocess`` forces it). The same holds for
    bytes fetched anew (a raw file lost, or downloaded again after a failed transfer) whose
    sha256 the tables were parsed from: the raw file and manifest are put back, the parse is
    skipped."""
    base = base or default_data_dir()
    t0 = time.monotonic()
    report = SourceReport(source.id, "failed")
    try:
        lock = _lock(source, base)
    except MigrationDataError as exc:
        report.error = str(exc)
        report.seconds = time.monotonic() - t0
        return report
    try:
        return _fetch_locked(
            source, mirror, base, session, progress, allow_loss, reprocess, accept_revisions, report, t0
        )
    finally:
        with contextlib.suppress(OSError):
            (raw_dir(base) / (LOCK_NAME + ".who")).unlink()
        lock.release()


def _fetch_locked(
    source, mirror, base, session, progress, allow_loss, reprocess, accept_revisions, report, t0
) -> SourceReport:
    stage_root = raw_dir(base) / ".staging"
    staging = stage_root / f"{source.id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        check_staging(source.id, stage_root, base)
        clean_stale_staging(base)
        stage_root.mkdir(exist_ok=True)
        check_staging(source.id, stage_root, base)
        staging.mkdir()
        mirror_obj = Mirror(mirror) if mirror else None
        fetcher = Fetcher(source, base, staging, mirror_obj, session, progress)
    except MigrationDataError as exc:
        text = str(exc)
        report.error = text if text.startswith(f"[{source.id}]") else f"[{source.id}] {text}"
        shutil.rmtree(staging, ignore_errors=True)
        return report
    except OSError as exc:
        report.error = str(_os_error(source, exc, committed=False, what="the staging folder"))
        shutil.rmtree(staging, ignore_errors=True)
        return report
    committed: bool | None = False
    try:
        if mirror_obj is None and source.download is not None:
            source.download(fetcher)
        else:
            files = source.files
            if mirror_obj is None and source.discover is not None:
                files = source.discover(fetcher)
            for rf in files:
                fetcher.get_file(rf)
        declared = {rf.name: rf for rf in source.files}
        for r in fetcher.results:
            rf = declared.get(r.name)
            kind = rf.kind if rf else ("gzip" if r.name.endswith(".gz") else "")
            if r.status == "updated" or r.restore:
                try:
                    check_unpacked(r.path, kind, rf.unpacked_limit if rf else 200_000_000)
                except DataError as exc:
                    raise FetchError(
                        source.id,
                        r.fetched_from,
                        f"expected a compressed file that unpacks to the publisher's data, but {exc.problem}.",
                        _damaged_or_changed(source, fetcher, r),
                    ) from None
        for r in fetcher.results:
            rf = declared.get(r.name)
            if (
                (r.status == "updated" or r.restore)
                and (rf.kind if rf else "") == "csv"
                and _header_only(r.path)
            ):
                raise FetchError(
                    source.id,
                    r.fetched_from,
                    "expected rows of data, but the file holds its header line and nothing else (a "
                    "header-only release: an export that failed, or a file cut after its first line).",
                    _damaged_or_changed(source, fetcher, r),
                )
        paths = {r.name: r.path for r in fetcher.results}
        fingerprint = processing_fingerprint(source, fetcher.results)
        reuse = not reprocess and parsed_from(source, base, fingerprint)
        if reuse and still_processed(source, base, fingerprint, fetcher.results):
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
                if reuse:
                    # bytes fetched anew that the tables on disk were parsed from: keep them
                    rendered = {
                        t.name: processed.table_path(t.name, base).read_bytes() for t in source.tables
                    }
                else:
                    frames = source.process(paths)
                    rendered = processed.render_tables(source, frames)
        except DataError as exc:
            hit = next((r for r in fetcher.results if r.name == exc.file), None)
            # a check on a whole table names no file: name this run's new files instead; a
            # cross-check that fails on a file this run did not change is caused by one it did
            named = [hit] if hit else _suspects(fetcher)
            if hit is not None and hit.status != "updated":
                named = [*_suspects(fetcher), hit]
                hit = None if len(named) > 1 else hit
            raise FetchError(
                source.id,
                "; ".join(r.fetched_from for r in named) or exc.file,
                "expected the layout and values the parser checks for (columns, counts, keys, months), "
                f"but the data did not pass the checks: {exc.file}: {_sentence(exc.problem)}",
                _damaged_or_changed(source, fetcher, hit)
                # the offending rows come last, after the sentence a reporter acts on
                + (f"\nOffending rows:\n{exc.rows}" if exc.rows is not None and str(exc.rows) else ""),
            ) from exc
        except UnicodeDecodeError as exc:
            latin = _not_text(fetcher)
            raise FetchError(
                source.id,
                "; ".join(latin)
                or "; ".join(r.fetched_from for r in _suspects(fetcher))
                or source.landing_page,
                f"expected UTF-8 text, but the file is in another encoding ({exc.reason} at byte "
                f"{exc.start:,}; often Latin-1 or Windows-1252, as spreadsheet programs save it).",
                "If the publisher changed the encoding, convert the file to UTF-8 or teach the parser "
                f"in migrationdata/sources/{source.id}.py to read it; if it is a mirror's copy, "
                "replace it with the publisher's file. Nothing was written; the last good data is unchanged.",
            ) from None
        finally:
            # parsers warn (UserWarning) about what they tolerated; the CLI shows it to the reporter
            for w in caught:
                text = f"{w.message}"
                if issubclass(w.category, UserWarning) and text not in report.warnings:
                    report.warnings.append(text)

        # compare each new table with the one on disk before anything is written: rows that
        # would disappear, or changes beyond the source's revision policy, stop the commit here
        changes: dict[str, TableChange] = {}
        old_tables: dict[str, bytes] = {}
        for table in source.tables:
            target = processed.table_path(table.name, base)
            old = target.read_bytes() if target.exists() else b""
            if old and old != rendered[table.name]:
                foreign = foreign_table(table, old)
                if foreign:
                    raise FetchError(
                        source.id,
                        str(target),
                        f"expected the processed table this project wrote, but {foreign}: it looks "
                        "re-saved by a spreadsheet program, so the new release cannot be compared with it.",
                        f"Restore it with `git checkout -- data/processed/{table.name}.csv` (or delete "
                        "it: the next fetch rebuilds it without a comparison), then fetch again. To "
                        "work on a table in Excel, open a copy. Nothing was written.",
                    )
            if old != rendered[table.name]:
                changes[table.name] = compare_tables(
                    table, old, rendered[table.name], source.policy, source.id
                )
                old_tables[table.name] = old
        lost = [c for c in changes.values() if c.removed]
        if lost and not allow_loss:
            raise _loss_error(source, fetcher, lost, mirror)
        breaches = [b for c in changes.values() for b in c.breaches]
        if breaches and not (accept_revisions or "").strip():
            raise _revision_error(source, fetcher, breaches, mirror, allow_loss)

        # everything is checked: stage the new tables and manifest beside the new raw files,
        # then commit (journalled, all or nothing)
        manifest = read_manifest(base)
        before = json_bytes(manifest)
        # entries written by older versions may hold a machine's paths or a URL's password
        manifest["files"] = {k: public_entry(e) for k, e in manifest.get("files", {}).items()}
        moves: list[tuple[Path, Path]] = []
        raw_changed = json_bytes(manifest) != before
        for r in fetcher.results:
            if r.status == "updated" or r.restore:
                moves.append((r.path, fetcher.raw_path(r.name)))
            if r.status == "updated":
                entry = public_entry(r.entry)
                if breaches:
                    entry["accepted_revisions"] = accept_revisions.strip()
                manifest.setdefault("files", {})[fetcher.key(r.name)] = entry
                raw_changed = True
        if breaches:
            manifest.setdefault("accepted_revisions", []).append(
                {
                    "source": source.id,
                    "accepted_at": utcnow(),
                    "reason": accept_revisions.strip(),
                    "what": [fetcher.redact(str(b)) for b in breaches[:50]],
                    "count": len(breaches),
                }
            )
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
            log_rows = _revision_rows(source, fetcher, old_tables, rendered, raw_changed)
            log = revisions.log_path(source.id, base)
            staged = staging / "revisions" / log.name
            stage_file(staged, revisions.appended(log, log_rows))
            moves.append((staged, log))
        # datapackage.json and data/README.md are rewritten after the commit: check now
        check_writable({processed_dir(base), base})
        if moves:
            committed = None
            try:
                commit(staging, moves, source.id)
            except CommitError as exc:
                committed = False if exc.undone else None
                raise _os_error(source, exc.cause, committed, "the new files into place") from None
            committed = True
            for r in fetcher.results:
                if r.status == "updated" or r.restore:
                    r.path = fetcher.raw_path(r.name)
        processed.write_datapackage(base)
        record_processed(source, base, fingerprint)
        # restoring the recorded bytes into data/raw is not news; a new file or table is
        report.status = "updated" if raw_changed or changes else "unchanged"
        report.changes = changes
        report.tables = {name: data.count(b"\n") - 1 for name, data in rendered.items()}
        report.rows = sum(report.tables.values())
    except MigrationDataError as exc:
        report.error = fetcher.redact(str(exc))
    except OSError as exc:
        report.error = fetcher.redact(str(_os_error(source, exc, committed)))
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
    if report.status == "failed" and committed is True and not report.error:
        report.status = "updated"
    return report
