"""Processed tables: validated, written deterministically, described, read back.

A table is written with its declared columns in order, rows sorted by its primary key, ``\\n``
line endings and ISO dates, so the same input always gives the same bytes. ``datapackage.json``
(a Frictionless descriptor) and the data dictionary ``data/README.md`` are generated from the
source catalog, never written by hand.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from pathlib import Path

import lazy_loader

from migrationdata import closures
from migrationdata.catalog import Source, Table, all_sources, table_owner
from migrationdata.changes import foreign_table
from migrationdata.errors import DataError, LoadError
from migrationdata.paths import data_dir, processed_dir
from migrationdata.store import inert_text, read_manifest, restore_text, write_bytes_atomic
from migrationdata.terms import PROJECT_TERMS, terms_for

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

PANDAS_DTYPES = {"integer": "Int64", "number": "float64", "string": "string", "boolean": "boolean"}


def validate(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    """Check a frame against the table's contract; return it in canonical order."""
    import pandera.errors

    missing = [c for c in table.column_names if c not in df.columns]
    extra = [c for c in df.columns if c not in table.column_names]
    if missing or extra:
        raise DataError(
            f"{table.name}.csv",
            f"columns differ from the contract: missing {missing}, unexpected {extra}",
        )
    df = df[table.column_names]
    dup = df.duplicated(list(table.primary_key), keep=False)
    if dup.any():
        raise DataError(
            f"{table.name}.csv",
            f"{int(dup.sum())} rows repeat the key {list(table.primary_key)}",
            df[dup].head(10).to_string(index=False),
        )
    try:
        df = table.schema().validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10).to_string(index=False)
        raise DataError(f"{table.name}.csv", "the table fails its schema", cases) from None
    return df.sort_values(list(table.primary_key), kind="mergesort").reset_index(drop=True)


def per_calendar_year(
    monthly: pd.DataFrame, counts: tuple[str, ...], partial: tuple[str, ...] = ()
) -> pd.DataFrame:
    """A monthly table (one row a month, in ``month``) summed per calendar year: ``counts``
    as whole numbers, ``partial`` (columns the publisher gives for some months only) left empty
    for a year with none; then ``months`` (how many the year has) and ``complete`` (all 12), so
    that a year in progress is never read as a whole one."""
    g = monthly.groupby(monthly["month"].dt.year)
    out = pd.DataFrame(
        {
            **{c: g[c].sum().astype("int64") for c in counts},
            **{c: g[c].sum(min_count=1) for c in partial},
            "months": g.size(),
        }
    )
    out["complete"] = out["months"] == 12
    out.index.name = "year"
    return out.reset_index()


def render(table: Table, df: pd.DataFrame) -> bytes:
    """The table's canonical CSV bytes. Tables are committed and opened in spreadsheets, so a
    text cell that begins like a formula (a publisher's name or place written ``=HYPERLINK(...)``,
    ``@SUM(...)``, ``+cmd|...``, ``-2+3``) is written with a leading apostrophe and a warning
    naming the table, column and row; numbers are written as numbers, and :func:`read` gives
    back the publisher's text exactly (``store.inert_text``)."""
    df = df.copy()
    for col in table.columns:
        if col.type == "date":
            df[col.name] = pd.to_datetime(df[col.name]).dt.strftime("%Y-%m-%d")
        elif col.type == "string":
            _make_inert(table, df, col.name)
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


#: a text cell that a spreadsheet could run (after any apostrophes), or that holds a CR
_SUSPECT = r"^'*[=+\-@\t\r]|\r"


def _make_inert(table: Table, df: pd.DataFrame, column: str) -> None:
    """Neutralise one text column in place (see :func:`render`), warning about what it changed."""
    text = df[column]
    # decided on the column's distinct values first (a few hundred, against hundreds of
    # thousands of rows in CBP's tables): nearly always none begins like a formula
    distinct = pd.Series(text.dropna().unique(), dtype=object).astype(str)
    if not distinct.str.contains(_SUSPECT, regex=True).any():
        return
    suspect = text.notna() & text.astype(str).str.contains(_SUSPECT, regex=True)
    df[column] = text.map(inert_text, na_action="ignore")
    formula = suspect & df[column].astype(str).str.startswith("'") & (df[column] != text)
    if formula.any():
        n = int(formula.sum())
        first = df.index[formula][0]
        key = ", ".join(f"{k}={df.at[first, k]}" for k in table.primary_key)
        warnings.warn(
            f"{table.name}: {n:,} text cell{'s' if n != 1 else ''} in {column} began like a "
            f"spreadsheet formula (=, +, -, @ or a tab) and {'were' if n != 1 else 'was'} written "
            f"with a leading apostrophe, so that a spreadsheet shows text and runs nothing; for "
            f"example {key}: {text[first]!r}. The loaders read the publisher's text back unchanged. "
            "Check it against the publisher's file: a formula is rarely data.",
            UserWarning,
            stacklevel=2,
        )


def render_tables(source: Source, frames: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    declared = {t.name for t in source.tables}
    if set(frames) != declared:
        raise DataError(
            source.id,
            f"the parser produced tables {sorted(frames)}, the catalog declares {sorted(declared)}",
        )
    return {t.name: render(t, validate(t, frames[t.name])) for t in source.tables}


def table_path(name: str, base: Path | None = None) -> Path:
    return processed_dir(base) / f"{name}.csv"


def write_if_changed(name: str, data: bytes, base: Path | None = None) -> bool:

    path = table_path(name, base)
    if path.exists() and path.read_bytes() == data:
        return False
    write_bytes_atomic(path, data)
    return True


def read(name: str, base: Path | None = None) -> pd.DataFrame:
    """Load a processed table with the types its contract declares. Never downloads."""
    _, table = table_owner(name)
    path = table_path(name, base)
    if not path.exists():
        raise LoadError(
            f"The processed table {path} is missing. Rebuild it with "
            f"`migrationdata fetch` (or `make data`), or restore it from git."
        )
    dtypes = {c.name: PANDAS_DTYPES[c.type] for c in table.columns if c.type in PANDAS_DTYPES}
    dates = [c.name for c in table.columns if c.type == "date"]
    try:
        df = pd.read_csv(
            path,
            dtype=dtypes,
            keep_default_na=False,
            na_values={c.name: [""] for c in table.columns if c.type != "string"},
        )
        if list(df.columns) != table.column_names:
            raise ValueError(f"its columns are {list(df.columns)}, not {table.column_names}")
        for d in dates:
            df[d] = pd.to_datetime(df[d], format="%Y-%m-%d")
        for c in table.columns:
            # the apostrophe render() put before text that begins like a formula
            if (
                c.type == "string"
                and pd.Series(df[c.name].dropna().unique(), dtype=object).str.startswith("'").any()
            ):
                df[c.name] = df[c.name].map(restore_text, na_action="ignore").astype("string")
    except (ValueError, TypeError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        foreign = foreign_table(table, path.read_bytes())
        raise LoadError(
            f"The processed table {path} cannot be read as this project wrote it "
            f"({foreign or str(exc).splitlines()[0][:200]}): it looks edited or re-saved by a "
            f"spreadsheet program. Restore it with `git checkout -- data/processed/{name}.csv` or "
            "rebuild it with `migrationdata fetch --reprocess`; to work on it in Excel, open a copy."
        ) from None
    return df


def sha256_of(name: str, base: Path | None = None) -> str:
    return hashlib.sha256(table_path(name, base).read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- descriptors


def _source_entries(source: Source, manifest: dict, table: Table | None = None) -> list[dict]:
    """The raw files a table is built from: the ones it names (``Table.files``), else every
    file of the source but those a third party's table names. A file stored for the source but
    neither declared nor named by any table (e.g. a release found live under a new name) counts
    for every table of the source's publisher, so that no stored file drops out of provenance."""
    only = table.files if table is not None else ()
    others = {f for t in source.tables if t.publisher for f in t.files}
    named = {f for t in source.tables for f in t.files}
    ours = table is None or not table.publisher
    publisher = (table.publisher if table is not None else "") or source.publisher
    out = []
    for rf in source.files:
        if (only and rf.name not in only) or (not only and rf.name in others):
            continue
        entry = manifest.get("files", {}).get(f"{source.id}/{rf.name}", {})
        item = {"title": f"{publisher}: {rf.name}", "path": rf.url}
        if entry:
            item.update(
                retrieved_at=entry.get("retrieved_at"),
                sha256=entry.get("sha256"),
                mirror=entry.get("mirror"),
            )
        out.append(item)
    # files stored for a source but not declared (e.g. discovered live) still count
    declared = {rf.name for rf in source.files}
    for key, entry in sorted(manifest.get("files", {}).items()):
        sid, _, name = key.partition("/")
        if (
            sid == source.id
            and name not in declared
            and (not only or name in only or (ours and name not in named))
        ):
            out.append(
                {
                    "title": f"{source.publisher}: {name}",
                    "path": entry.get("url"),
                    "retrieved_at": entry.get("retrieved_at"),
                    "sha256": entry.get("sha256"),
                    "mirror": entry.get("mirror"),
                }
            )
    return out


def datapackage(base: Path | None = None) -> dict:

    manifest = read_manifest(base)
    resources = []
    for source in all_sources():
        for table in source.tables:
            path = table_path(table.name, base)
            if not path.exists():
                continue
            data = path.read_bytes()
            resources.append(
                {
                    "name": table.name,
                    "title": table.title,
                    "description": table.description,
                    "path": f"{table.name}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "bytes": len(data),
                    "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                    "rows": data.count(b"\n") - 1,
                    "schema": {
                        "fields": [
                            {
                                "name": c.name,
                                "type": c.type,
                                "description": c.description + (f" Unit: {c.unit}." if c.unit else ""),
                            }
                            for c in table.columns
                        ],
                        "primaryKey": list(table.primary_key),
                        "missingValues": [""],
                    },
                    "sources": _source_entries(source, manifest, table),
                    "licenses": [
                        {"name": "other", "title": table.licence}
                        if table.publisher and table.licence
                        else terms_for(source.id).package_entry()
                    ],
                    "credit": terms_for(source.id).credit,
                    "reuse": terms_for(source.id).reuse,
                    "publisher": table.publisher or source.publisher,
                    "carrier": (table.carrier if table.publisher else source.carrier) or None,
                    "source_id": source.id,
                }
            )
    return {
        "name": "migrationdata",
        "title": "Data behind the US-Mexico migration and trade story (December 2023)",
        "profile": "tabular-data-package",
        # the compilation (tables as this kit shapes them, charts, reports); each resource
        # carries its publisher's own terms, which govern its numbers
        "licenses": [PROJECT_TERMS["charts, reports, closures ledger and story files"].package_entry()],
        "resources": resources,
    }


def write_datapackage(base: Path | None = None) -> None:

    desc = json.dumps(datapackage(base), indent=2, ensure_ascii=False) + "\n"
    path = processed_dir(base) / "datapackage.json"
    if not path.exists() or path.read_text(encoding="utf-8") != desc:
        write_bytes_atomic(path, desc.encode("utf-8"))
    readme = (base or data_dir()) / "README.md"
    text = data_dictionary()
    if not readme.exists() or readme.read_text(encoding="utf-8") != text:
        write_bytes_atomic(readme, text.encode("utf-8"))


def provenance(name: str, base: Path | None = None) -> dict:
    """Where a processed table's numbers came from, read from ``datapackage.json``."""
    path = processed_dir(base) / "datapackage.json"
    if not path.exists():
        raise LoadError(f"{path} is missing; run `migrationdata fetch` to regenerate it.")
    for res in json.loads(path.read_text(encoding="utf-8"))["resources"]:
        if res["name"] == name:
            return res
    raise LoadError(f"{name} is not described in {path}; run `migrationdata fetch`.")


def data_dictionary() -> str:
    """``data/README.md``: every table and column, its meaning, unit and source."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the source catalog (`migrationdata/sources/*.py`) by `migrationdata fetch`;",
        "do not edit by hand. Raw downloads live in `raw/` (not committed); `manifest.json`",
        "records each one's URL, retrieval time and sha256; `processed/` holds the tidy tables",
        "below, described for machines in `processed/datapackage.json`.",
        "",
    ]
    for source in all_sources():
        lines += [
            f"## {source.title} (`{source.id}`)",
            "",
            f"- Publisher: {source.publisher}",
        ]
        if source.carrier:
            lines.append(f"- Carried by: {source.carrier}")
        lines += [
            f"- Landing page: {source.landing_page}",
            f"- Licence or terms: {terms_for(source.id).licence} ({terms_for(source.id).url})",
            f"- Credit: {terms_for(source.id).credit}. Reuse: {terms_for(source.id).reuse}",
        ]
        for rf in source.files:
            lines.append(f"- File `{rf.name}`: {rf.url}")
        if source.notes:
            lines += ["", source.notes.strip()]
        lines.append("")
        for table in source.tables:
            lines += [
                f"### `processed/{table.name}.csv` — {table.title}",
                "",
                table.description.strip(),
                "",
                *(
                    [
                        f"Compiled by: {table.publisher}; not by {source.publisher}."
                        + (f" Licence or terms: {table.licence}." if table.licence else ""),
                        "",
                    ]
                    if table.publisher
                    else []
                ),
                f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.",
                "",
                "| column | type | unit | meaning |",
                "| --- | --- | --- | --- |",
            ]
            for c in table.columns:
                lines.append(f"| `{c.name}` | {c.type} | {c.unit or '—'} | {c.description} |")
            lines.append("")
    lines += _own_data_section()
    return "\n".join(lines).rstrip() + "\n"


def _own_data_section() -> list[str]:
    """The project's hand-kept files, which no fetch produces."""
    doc = (closures.__doc__ or "").split("\n\n", 1)[1].strip()
    doc = doc.replace(":data:`MODES`", ", ".join(f"`{m}`" for m in closures.MODES)).replace("``", "`")
    return [
        "## The project's own data",
        "",
        "### `closures.csv` — closures of US–Mexico crossings, kept by hand",
        "",
        "Every row cites its sources; `migrationdata.closures` checks it on every load",
        f"(columns: {', '.join(f'`{c}`' for c in closures.COLUMNS)}).",
        "",
        doc,
        "",
        "### `../stories/<slug>/story.yaml` — the stories' checkable claims",
        "",
        "One ledger per story (outside `data/`): each claim paraphrased, the metric and test that",
        "check it, and the verdicts recorded for publication day and now; see `docs/claims.md`,",
        "`migrationdata check` and `reports/<slug>/factcheck.md`.",
        "",
    ]
