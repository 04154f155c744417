"""What a source is: its metadata, the files it publishes, and the tables it feeds.

Every module in ``migrationdata.sources`` declares one :class:`Source`. The fetch layer,
the ``migrationdata sources`` listing, ``datapackage.json`` and the data dictionary in
``data/README.md`` are all built from these declarations, so a source's publisher, URL and
licence are written down once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa


@dataclass(frozen=True)
class RemoteFile:
    """One file a publisher serves.

    ``name`` is the file's name in ``data/raw/<source>/`` and in a mirror
    (``<mirror>/<source>/<name>``); ``url`` is the publisher's official address.
    ``kind`` drives the magic-byte check ("csv", "gzip", "rda", "xlsx", "json", "html").
    """

    name: str
    url: str
    kind: str
    max_bytes: int
    description: str = ""
    #: compressed kinds (gzip, rda, xlsx, zip): the most the file may unpack to (default ten
    #: times ``max_bytes``); checked by streaming before any parser opens the file
    max_unpacked: int = 0

    @property
    def unpacked_limit(self) -> int:
        return self.max_unpacked or 10 * self.max_bytes


@dataclass(frozen=True)
class Column:
    """A column of a processed table, as the data dictionary describes it."""

    name: str
    type: str  # frictionless type: string, integer, number, date, boolean
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A processed table: ``data/processed/<name>.csv``, its schema and its documentation."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    schema: Callable[[], pa.DataFrameSchema]
    #: who compiled this table's numbers, when not the source's publisher (e.g. a third
    #: party's figures that a source carries beside the official ones); with ``carrier``,
    #: ``licence`` and ``files`` it replaces the source's in the provenance. ``files`` alone
    #: (the raw files the table is built from; default: every file of the source) narrows the
    #: provenance of a table made from one of a source's files, so that a report cites only
    #: the file its numbers came from. Every table names its own; a file a refresh stores that
    #: no table names (a release found live under a new name) counts for all of the source's
    #: publisher's tables (see ``processed._source_entries``)
    publisher: str = ""
    carrier: str = ""
    licence: str = ""
    files: tuple[str, ...] = ()
    #: the release lag (a key of ``vintages.RELEASES``) its months follow, when not the source's
    vintage: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class RevisionPolicy:
    """What a normal release of a source may change in its processed tables.

    New periods at the end are always welcome. A value already published may move by at most
    ``recent_tolerance`` (a share of the old value) if its period is within ``recent_months``
    of the table's latest period, and by at most ``settled_tolerance`` before that (0: settled
    periods never move); in a yearly table the latest year may grow as its months arrive (the
    monthly table it is summed from holds those months to the policy). Changes of at most ``min_change`` units in recent periods are noise.
    A value never becomes empty. A new month whose total (or row count) falls below
    ``break_ratio`` of both the median of the six months before it and the month just before,
    or rises above its inverse squared times both, is a break in the series (usually a file cut
    short; a series in steady decline is not one). ``logs`` are tables that
    record events (e.g. revisions found) rather than a series: only the empty-value and
    future-month checks apply to them. ``rule`` says all that in the reporter's words."""

    recent_months: int = 12
    recent_tolerance: float = 0.01
    settled_tolerance: float = 0.001
    min_change: float = 10
    break_ratio: float = 0.5
    logs: tuple[str, ...] = ()
    rule: str = "recent months may move by up to 1%, older ones by up to 0.1%"


class Fetcher(Protocol):
    """What a source module may ask of the fetcher (``migrationdata.fetch.Fetcher`` is the one
    implementation). Declared here so that declarations need not import the network layer."""

    def get_file(self, rf: RemoteFile) -> Any: ...

    def get_bytes(self, url: str, kind: str, max_bytes: int, params: dict | None = None) -> bytes: ...

    def stage_bytes(self, name: str, data: bytes, url: str, final_url: str = "") -> Any: ...


@dataclass(frozen=True)
class Source:
    """A publisher's series, as this project takes it in."""

    id: str
    title: str
    publisher: str
    landing_page: str
    files: tuple[RemoteFile, ...]
    tables: tuple[Table, ...]
    #: raw files (by name) -> processed tables (by table name). Pure: no network, no writes.
    process: Callable[[dict[str, Path]], dict[str, pd.DataFrame]]
    carrier: str = ""  # who republishes the publisher's figures, when we read a copy
    notes: str = ""
    #: live mode only: find the current files (e.g. links on a landing page). With a
    #: mirror the declared ``files`` are read instead.
    discover: Callable[[Fetcher], tuple[RemoteFile, ...]] | None = None
    #: live mode only: a source that is an API rather than files downloads itself
    #: through the fetcher and returns the raw files it stored (staged paths by name).
    download: Callable[[Fetcher], dict[str, Path]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: what a normal release may change (checked on every refresh; see ``changes.py``)
    policy: RevisionPolicy = RevisionPolicy()

    @property
    def mirror_folder(self) -> str:
        """The source's folder in a mirror (``<mirror>/<folder>/<file name>``): its id, unless
        the archive names it otherwise (``extra["mirror_folder"]``, e.g. missing-migrants)."""
        return self.extra.get("mirror_folder", self.id)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"source {self.id!r} has no table {name!r}")


#: Source modules, in the order the catalog lists them. Adding a source: write
#: ``migrationdata/sources/<id>.py`` with a module-level ``SOURCE`` and add its id here.
SOURCE_IDS = ("darien", "cbp", "bts", "trade", "mexico", "honduras", "missing_migrants", "remittances")


def all_sources() -> list[Source]:
    out = []
    for sid in SOURCE_IDS:
        try:
            module = importlib.import_module(f"migrationdata.sources.{sid}")
        except ModuleNotFoundError as exc:
            if exc.name == f"migrationdata.sources.{sid}":
                continue  # not written yet
            raise
        out.append(module.SOURCE)
    return out


def get_source(source_id: str) -> Source:
    for s in all_sources():
        if s.id == source_id:
            return s
    known = ", ".join(s.id for s in all_sources())
    raise KeyError(f"unknown source {source_id!r}; known sources: {known}")


def table_owner(table_name: str) -> tuple[Source, Table]:
    for s in all_sources():
        for t in s.tables:
            if t.name == table_name:
                return s, t
    raise KeyError(f"no source declares a processed table named {table_name!r}")
