"""The metric vocabulary: generic measures over any processed table and the closures ledger.

Each metric is registered in :data:`METRICS` with a pydantic model of its parameters (checked
when a story is loaded), a one-line summary, what its figure is, and an example entry; the
``migrationdata metrics`` listing, ``docs/claims.md`` and the JSON Schema of ``story.yaml``
are generated from these. Every metric reads its tables through a :class:`Reader`, which cuts
each one to what its publisher had released by the as-of date (monthly and annual tables
alike) and records what was read, so that the sources a verdict cites are the ones used.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from migrationdata import closures as closures_ledger
from migrationdata import processed
from migrationdata.catalog import table_owner
from migrationdata.claims.wording import Column, Label, Num, Phrase, Seq, Value, When, Where, count_en
from migrationdata.errors import MetricError, MigrationDataError
from migrationdata.vintages import RELEASES, Vintage


class NotCheckable(MigrationDataError):
    """The data cannot settle the claim on this date (nothing published yet for the period,
    a table that covers only part of the total): the verdict is ``not-checkable``, with this
    message as its reason. ``words`` (or a :class:`Reason` given as the message) says the same
    as a :class:`~migrationdata.claims.wording.Phrase`, for the other editions."""

    def __init__(self, message: str, words: Phrase | None = None) -> None:
        super().__init__(message)
        self.words = words if words is not None else getattr(message, "words", None)


class Reason(str):
    """A reason in English that also carries its :class:`Phrase`."""

    words: Phrase | None = None

    def __new__(cls, text: str, words: Phrase | None = None) -> Reason:
        out = super().__new__(cls, text)
        out.words = words
        return out


# ----------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """What a metric measured.

    ``value`` is what tests read (a number, a date, a bool or a text); ``unit`` says which:
    count, usd, number, percent, percent-change, ratio, difference, rank, date, bool, text.
    ``complete`` is False when the data do not yet cover the whole period the claim speaks of.
    ``extra`` holds the other numbers a test may read (a change's ratio and percent, a rank
    from the bottom and the number of periods ranked). ``words`` (and ``detail_words``) say
    what ``text`` (and ``detail``) say, as a :class:`~migrationdata.claims.wording.Phrase` any
    edition can word from its catalog."""

    value: Any
    text: str
    unit: str = "number"
    complete: bool = True
    data_through: str = ""
    detail: str = ""
    extra: dict = field(default_factory=dict)
    words: Phrase | None = None
    detail_words: Phrase | None = None

    @property
    def display(self) -> str:
        return self.text


# ----------------------------------------------------------------------------- periods

_YEAR = re.compile(r"^(\d{4})$")
_FY = re.compile(r"^FY(\d{4})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A calendar year, a fiscal year, a month, an inclusive range of these, or a day."""

    text: str
    kind: str  # year | fy | month | range | day
    start: pd.Timestamp  # first month
    end: pd.Timestamp  # last month
    day: date | None = None

    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="MS")

    @property
    def label(self) -> str:
        if self.kind == "year":
            return self.text
        if self.kind == "fy":
            return f"fiscal year {self.text[2:]} (October {self.start.year} to September {self.end.year})"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "day":
            return f"{self.day.day} {self.day:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    def years(self) -> list[int]:
        """Calendar years covered exactly (for annual tables)."""
        return list(range(self.start.year, self.end.year + 1))

    def fiscal_years(self) -> list[int]:
        return list(range(self.start.year + 1, self.end.year + 1))

    @property
    def days(self) -> int:
        return int((self.end + pd.offsets.MonthEnd(0) - self.start).days) + 1


def _one(text: str) -> Period:
    t = text.strip()
    if m := _YEAR.match(t):
        y = int(m.group(1))
        return Period(t, "year", pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 1))
    if m := _FY.match(t):
        y = int(m.group(1))
        return Period(f"FY{y}", "fy", pd.Timestamp(y - 1, 10, 1), pd.Timestamp(y, 9, 1))
    if m := _MONTH.match(t):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"{t!r}: month {mo} does not exist")
        return Period(t, "month", pd.Timestamp(y, mo, 1), pd.Timestamp(y, mo, 1))
    if m := _DAY.match(t):
        d = date.fromisoformat(t)
        ts = pd.Timestamp(d.year, d.month, 1)
        return Period(t, "day", ts, ts, d)
    raise ValueError(
        f"{text!r} is not a period: use 2023 (calendar year), FY2023 (Oct 2022-Sep 2023), "
        "2023-12 (a month), 2023-01..2023-11 (a range) or 2023-12-18 (a day)"
    )


def parse_period(value: Any) -> Period:
    """``"2023"``, ``"FY2023"``, ``"2023-12"``, ``"2023-01..2023-11"``, ``"2023-12-18"``."""
    if isinstance(value, Period):
        return value
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value).strip()
    if ".." in text:
        a, b = (p.strip() for p in text.split("..", 1))
        pa, pb = _one(a), _one(b)
        if "day" in (pa.kind, pb.kind):
            raise ValueError(f"{text!r}: a range runs between years, fiscal years or months, not days")
        if pb.end < pa.start:
            raise ValueError(f"{text!r}: the range ends before it starts")
        return Period(text, "range", pa.start, pb.end)
    return _one(text)


def fiscal_year(months: pd.Series) -> pd.Series:
    return months.dt.year + (months.dt.month >= 10).astype(int)


# ----------------------------------------------------------------------------- reading


@lru_cache(maxsize=64)
def _read(name: str, stamp: tuple) -> pd.DataFrame:
    return processed.read(name)


def _table_stamp(name: str) -> tuple:
    path = processed.table_path(name)
    st = path.stat() if path.exists() else None
    return (str(path), st.st_mtime_ns if st else 0, st.st_size if st else 0)


def time_column(name: str) -> str:
    """How a table is dated: ``month`` (monthly), ``year`` (calendar years) or ``fiscal_year``."""
    _, table = table_owner(name)
    cols = table.column_names
    for c in ("month", "year", "fiscal_year"):
        if c in cols:
            return c
    raise MetricError(f"{name} has no month, year or fiscal_year column: the metrics cannot date its rows")


#: columns whose values split a table's total into parts that must all be present for a
#: total to mean what it says (CBP's nationwide files stop earlier than its Southwest ones,
#: so after that month the table holds only Southwest rows). A metric that does not filter
#: on such a column gets ``not-checkable`` for a month that lacks one of its values.
PARTITIONS = {"cbp_encounters": ("region",)}


class Reader:
    """Reads tables and the closures ledger as published by ``vintage.as_of``, and records
    what was read (the tables, the closures) for the sources a verdict cites."""

    def __init__(self, vintage: Vintage | None = None) -> None:
        self.vintage = vintage or Vintage(None)
        self.tables: list[str] = []
        self.closure_ids: list[str] = []

    def _note(self, name: str) -> None:
        if name not in self.tables:
            self.tables.append(name)

    def table(self, name: str) -> pd.DataFrame:
        """The table cut to what had been published by the as-of date."""
        try:
            source, _ = table_owner(name)
        except KeyError:
            raise MetricError(f"no processed table named {name!r}") from None
        df = _read(name, _table_stamp(name))
        self._note(name)
        if self.vintage.as_of is None:
            return df
        if source.id not in RELEASES:
            raise NotCheckable(
                f"{name} comes from {source.id!r}, which has no release model in vintages.py: "
                f"there is no saying what had been published by {self.vintage.as_of}"
            )
        col = time_column(name)
        if col == "month":
            return self.vintage.restrict(source.id, df)
        # annual tables: a year is out once its last month is (December, or September for a
        # US fiscal year)
        last_month = 12 if col == "year" else 9
        years = df[col].astype(int)
        decided = {
            y: self.vintage.published(source.id, pd.Timestamp(y, last_month, 1)) for y in years.unique()
        }
        return df[years.map(decided).astype(bool).to_numpy()]

    def closures(self) -> pd.DataFrame:
        df = closures_ledger.as_known_on(self.vintage.as_of)
        if "closures" not in self.tables:
            self.tables.append("closures")
        return df

    def used_closures(self, ids) -> None:
        for i in ids:
            if i not in self.closure_ids:
                self.closure_ids.append(str(i))

    @property
    def as_of_label(self) -> str:
        a = self.vintage.as_of
        return "today" if a is None else f"{a.day} {a:%B %Y}"

    @property
    def as_of_words(self) -> Phrase:
        a = self.vintage.as_of
        return Phrase("metrics.as_of.today") if a is None else Phrase("metrics.as_of.day", day=When("day", a))


# ----------------------------------------------------------------------------- slicing


def _filter(df: pd.DataFrame, where: dict, exclude: dict, table: str) -> pd.DataFrame:
    for spec, keep in ((where, True), (exclude, False)):
        for col, val in (spec or {}).items():
            if col not in df.columns:
                raise MetricError(f"{table} has no column {col!r}; columns: {', '.join(df.columns)}")
            vals = val if isinstance(val, list) else [val]
            as_text = df[col].astype(str)
            mask = as_text.isin([str(v) for v in vals])
            df = df[mask] if keep else df[~mask]
    return df


def _where_text(where: dict, exclude: dict | None = None) -> str:
    parts = []
    for col, val in (where or {}).items():
        parts.append(f"{col} {' or '.join(map(str, val)) if isinstance(val, list) else val}")
    for col, val in (exclude or {}).items():
        parts.append(f"{col} not {' or '.join(map(str, val)) if isinstance(val, list) else val}")
    return ", ".join(parts)


@dataclass
class Slice:
    rows: pd.DataFrame  # filtered rows within the period
    units: list  # the months (or years) of the period
    present: list  # those the table has (after the vintage cut)
    period: Period
    time: str
    data_through: str

    @property
    def complete(self) -> bool:
        return len(self.present) == len(self.units)

    def coverage(self) -> str:
        if self.complete:
            return ""
        if self.time == "month":
            got = sorted(self.present)
            return f"{len(got)} of {len(self.units)} months published, through {got[-1]:%B %Y}"
        return f"{len(self.present)} of {len(self.units)} years published"

    def coverage_words(self) -> Phrase | None:
        if self.complete:
            return None
        if self.time == "month":
            got = sorted(self.present)
            return Phrase(
                "metrics.coverage.months",
                count=len(got),
                total=len(self.units),
                through=When("month", got[-1]),
            )
        return Phrase("metrics.coverage.years", count=len(self.present), total=len(self.units))


def _units(period: Period, time: str, table: str) -> list:
    if time == "month":
        return list(period.months())
    if period.kind in ("month", "day") or (period.kind == "range" and not _whole_years(period, time)):
        raise MetricError(
            f"{table} is annual (by {time.replace('_', ' ')}); a period of months such as "
            f"{period.text!r} cannot be read from it"
        )
    if time == "year":
        if period.kind == "fy":
            raise MetricError(f"{table} counts calendar years; use a period such as 2023, not {period.text}")
        return period.years()
    if period.kind == "year":
        raise MetricError(f"{table} counts US fiscal years; use a period such as FY2023, not {period.text}")
    return period.fiscal_years()


def _whole_years(period: Period, time: str) -> bool:
    if time == "year":
        return period.start.month == 1 and period.end.month == 12
    return period.start.month == 10 and period.end.month == 9


def take(
    reader: Reader, table: str, column: str, where: dict, exclude: dict, period: Period, latest: bool = False
) -> Slice:
    """The rows of ``table`` in ``period`` (after the vintage cut), which of the period's
    months or years are published, and where the data end."""
    df = reader.table(table)
    time = time_column(table)
    if column not in df.columns:
        raise MetricError(f"{table} has no column {column!r}; columns: {', '.join(df.columns)}")
    valued = df[df[column].notna()]
    key = valued[time]
    last = key.max() if len(key) else None
    through = "" if last is None else (f"{pd.Timestamp(last):%B %Y}" if time == "month" else str(int(last)))
    if latest and period.kind == "month" and time == "month" and not (key == period.start).any():
        earlier = key[key <= period.start]
        if earlier.empty:
            raise NotCheckable(f"{table} has no month published up to {period.label} by {reader.as_of_label}")
        used = pd.Timestamp(earlier.max())
        sl = take(reader, table, column, where, exclude, parse_period(f"{used:%Y-%m}"))
        # the month the claim speaks of is not out yet: the latest one stands in for it
        return Slice(sl.rows, [period.start], [], sl.period, time, sl.data_through)
    units = _units(period, time, table)
    present = sorted(set(key[key.isin(units)].unique()))
    if not present:
        ends = f"; it ends at {through}" if through else "; it has no rows yet"
        raise NotCheckable(
            f"no data yet for {period.label}: {table} as published by {reader.as_of_label} does not cover it{ends}",
            Phrase(
                "metrics.no_data",
                period=When("period", period),
                table=table,
                as_of=reader.as_of_words,
                ends=_ends_words(through, rows=True),
            ),
        )
    rows = _filter(df[df[time].isin(units)], where, exclude, table)
    for col in PARTITIONS.get(table, ()):
        if col in (where or {}) or col in (exclude or {}):
            continue
        every = set(df[col].astype(str).unique())  # distinct values: not row by row
        for unit, part in df[df[time].isin(present)].groupby(time):
            missing = sorted(every - set(part[col].astype(str).unique()))
            if missing:
                when = f"{pd.Timestamp(unit):%B %Y}" if time == "month" else str(unit)
                raise NotCheckable(
                    f"{table} has no rows for {col} {', '.join(missing)} in {when}, so a total over "
                    f"every {col} would be short; the kit's data cannot give that total (filter with "
                    f"where: {{{col}: ...}} for a part it does cover)",
                    _partition_words(table, col, missing, unit, time),
                )
    _check_broken_down(df[df[time].isin(present)], where, time, table)
    return Slice(rows, units, present, period, time, through)


#: how a table marks a row that a publisher did not split by that column (CBP's state
#: releases give "Both components (not broken down)", "All areas (not broken down)")
NOT_BROKEN_DOWN = "(not broken down)"


def _not_broken_down(df: pd.DataFrame, where: dict, time: str, table: str) -> dict[Any, str]:
    """The months (or years) whose rows do not split a column ``where`` filters on a part of
    (component = Border Patrol): unit -> why the part's figure is not in the data there."""
    out: dict[Any, str] = {}
    for col, val in (where or {}).items():
        if col not in df.columns:
            continue
        wanted = {str(v) for v in (val if isinstance(val, list) else [val])}
        text = df[col].astype(str)
        if any(w.endswith(NOT_BROKEN_DOWN) for w in wanted) or not text.str.endswith(NOT_BROKEN_DOWN).any():
            continue
        for unit, part in df.groupby(time):
            values = set(part[col].astype(str))
            lumped = sorted(v for v in values if v.endswith(NOT_BROKEN_DOWN))
            if lumped and not (wanted & values):
                when = f"{pd.Timestamp(unit):%B %Y}" if time == "month" else str(unit)
                out.setdefault(
                    unit,
                    Reason(
                        f"{table} does not break {col} down for {when} (its rows there say "
                        f"{lumped[0]!r}), so the figure for {col} {' or '.join(sorted(wanted))} is not in the data",
                        Phrase(
                            "metrics.not_broken_down",
                            table=table,
                            column=Column(col),
                            when=When("month", unit) if time == "month" else str(unit),
                            lumped=Value(col, lumped[0]),
                            values=Seq([Value(col, x) for x in sorted(wanted)], "metrics.or"),
                        ),
                    ),
                )
    return out


def _check_broken_down(df: pd.DataFrame, where: dict, time: str, table: str) -> None:
    """A filter on a part (component = Border Patrol) in a month whose rows do not split that
    column would read as zero: say the data cannot tell, instead of giving a wrong 0."""
    lumped = _not_broken_down(df, where, time, table)
    if lumped:
        raise NotCheckable(lumped[min(lumped)])


def _ends_words(through: str, rows: bool = False) -> Phrase | None:
    if through:
        return Phrase("metrics.ends_at", through=When("through", through))
    return Phrase("metrics.no_rows") if rows else None


def _partition_words(table: str, col: str, missing: list, unit, time: str) -> Phrase:
    return Phrase(
        "metrics.partition",
        table=table,
        column=Column(col),
        code=col,
        missing=Seq([Value(col, x) for x in missing], "metrics.list_separator"),
        when=When("month", unit) if time == "month" else str(unit),
    )


def _label(table: str, column: str, where: dict, exclude: dict | None = None) -> str:
    w = _where_text(where, exclude)
    return f"{column} in {table}" + (f" ({w})" if w else "")


# ----------------------------------------------------------------------------- parameter models

Scalar = str | int | float | bool
Filter = dict[str, Scalar | list[Scalar]]


def _period_text(v: Any) -> Any:
    if isinstance(v, date | int):
        return str(v) if not isinstance(v, date) else v.isoformat()
    return v


def _check_period(v: Any) -> str:
    parse_period(v)
    return v


PeriodText = Annotated[str, BeforeValidator(lambda v: _check_period(_period_text(v)))]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TableParams(Params):
    table: str = Field(description="a processed table (data/processed/<table>.csv)")
    column: str = Field(description="the numeric column summed")
    where: Filter = Field(
        default_factory=dict, description="keep rows whose columns equal these values (a list: any of them)"
    )
    exclude: Filter = Field(default_factory=dict, description="drop rows whose columns equal these values")

    @model_validator(mode="after")
    def _columns_exist(self):
        try:
            _, t = table_owner(self.table)
        except KeyError:
            from migrationdata.catalog import all_sources

            known = [tb.name for s in all_sources() for tb in s.tables]
            raise ValueError(f"unknown table {self.table!r}; known tables: {', '.join(known)}") from None
        cols = {c.name: c for c in t.columns}
        names = (
            [("column", self.column)]
            + [(f"where.{c}", c) for c in self.where]
            + [(f"exclude.{c}", c) for c in self.exclude]
        )
        for extra in ("by",):
            if getattr(self, extra, None):
                names.append((extra, getattr(self, extra)))
        for key in ("of", "to_where"):
            for c in getattr(self, key, None) or {}:
                names.append((f"{key}.{c}", c))
        for where, c in names:
            if c not in cols:
                raise ValueError(f"{where}: {self.table} has no column {c!r}; its columns: {', '.join(cols)}")
        if cols[self.column].type not in ("integer", "number"):
            numeric = [c for c, v in cols.items() if v.type in ("integer", "number")]
            raise ValueError(
                f"column: {self.column!r} is not numeric; numeric columns of {self.table}: {', '.join(numeric)}"
            )
        return self


class ValueParams(TableParams):
    period: PeriodText = Field(description="2023 | FY2023 | 2023-12 | 2023-01..2023-11")
    agg: Literal["sum", "mean", "max", "min"] = Field(
        "sum",
        description="sum over the period (default), or the mean, max or min of its monthly (or yearly) totals",
    )
    per: Literal["day", "month"] | None = Field(
        None, description="divide the sum by the days (or months) in the period"
    )
    latest: bool = Field(
        False,
        description="for a month not yet published, use the latest month before it (flagged incomplete)",
    )
    per_column: str | None = Field(
        None,
        description="divide the sum by this column's sum over the same rows: an average per item "
        "(inflows_usd per inflows_transfers, the average remittance)",
    )


class ChangeParams(TableParams):
    from_: PeriodText = Field(alias="from", description="the earlier period")
    to: PeriodText = Field(description="the later period")
    measure: Literal["percent", "difference", "ratio"] = Field(
        "percent", description="percent change (default), difference (to minus from) or ratio (to / from)"
    )
    to_where: Filter | None = Field(
        None, description="a different filter for the 'to' side (compare two groups)"
    )
    per: Literal["day", "month"] | None = Field(None, description="compare daily (or monthly) averages")
    per_column: str | None = Field(
        None,
        description="compare each period's sum divided by this column's sum: an average per item "
        "(the average remittance, inflows_usd per inflows_transfers)",
    )

    @model_validator(mode="after")
    def _one_kind_of_average(self):
        if self.per_column and self.per:
            raise ValueError("per_column divides by another column's sum: leave per out")
        return self


class ShareParams(TableParams):
    where: Filter = Field(default_factory=dict, description="the part (required unless within is given)")
    of: Filter = Field(default_factory=dict, description="filter for the total (default: every row)")
    period: PeriodText = Field(description="the period of the total")
    within: PeriodText | None = Field(
        None, description="the part only over this sub-period (e.g. the first three months of a fiscal year)"
    )

    @model_validator(mode="after")
    def _a_part(self):
        if not self.where and not self.within:
            raise ValueError("share needs the part: where (a filter), within (a sub-period) or both")
        if self.within:
            w, p = parse_period(self.within), parse_period(self.period)
            if w.start < p.start or w.end > p.end:
                raise ValueError(f"within: {self.within} is not inside period {self.period}")
        return self


class RankParams(TableParams):
    by: str = Field(description="the grouping column (nationality, port, citizenship, sector...)")
    group: Scalar = Field(description="the group ranked")
    period: PeriodText = Field(description="2023 | FY2023 | 2023-12 | 2023-01..2023-11")
    latest: bool = Field(False, description="for a month not yet published, use the latest month before it")


class RankInSeriesParams(TableParams):
    freq: Literal["month", "year", "fiscal_year"] = Field(
        description="what is ranked: months, years or fiscal years"
    )
    period: PeriodText = Field(
        description="the month, year or fiscal year ranked; with freq year (or fiscal_year), a month or "
        "months inside one year (2024-01..2024-06) rank those months of every year"
    )
    since: PeriodText | None = Field(None, description="rank only periods from this one on")
    through: PeriodText | None = Field(None, description="rank only periods up to this one")


class ChangeRankParams(RankInSeriesParams):
    against: Literal["year_before", "previous"] = Field(
        "year_before",
        description="what each period's change is measured from: the same period a year earlier, or "
        "(freq month) the month before",
    )
    measure: Literal["percent", "difference"] = Field(
        "percent", description="the changes ranked: percent change or difference"
    )


class ChangeMonthsParams(TableParams):
    period: PeriodText = Field(
        description="the months counted (a year, fiscal year or range of months); with consecutive, "
        "the run ends at its last month"
    )
    direction: Literal["fall", "rise"] = Field(description="count the months that fell, or rose")
    against: Literal["year_before", "previous"] = Field(
        "year_before", description="each month against the same month a year earlier, or the month before"
    )
    consecutive: bool = Field(
        False,
        description="count the run of such months ending with the period's last month, however far back "
        "it goes ('the eighth straight month of declines')",
    )


class StreakParams(TableParams):
    by: str = Field(description="the grouping column")
    group: Scalar = Field(description="the group whose run of first places is counted")
    through: PeriodText = Field(description="the last month of the streak (YYYY-MM)")


class FirstTimeParams(TableParams):
    period: PeriodText = Field(description="the month, year or fiscal year compared with all before it")
    freq: Literal["month", "year", "fiscal_year"] | None = Field(
        None, description="default: the period's own kind"
    )
    since: PeriodText | None = Field(None, description="compare only with periods from this one on")


class ClosureParams(Params):
    id: str | None = Field(None, description="a closures ledger row id")
    port: str | None = Field(None, description="the port, as the ledger names it (Eagle Pass)")
    mode: Literal["rail", "vehicle", "pedestrian", "whole port"] | None = Field(
        None, description="what stopped"
    )
    on: date | None = Field(None, description="the closure in force on this day (when a port has several)")
    field: Literal["start", "end", "duration_days", "duration_hours", "mode"] = Field(
        description="start, end (dates), duration_days (calendar days, both ends), duration_hours (elapsed), mode"
    )

    @model_validator(mode="after")
    def _one_selector(self):
        if not (self.id or self.port or self.mode):
            raise ValueError("give the closure's id, or its port (and mode)")
        return self


class WindowParams(Params):
    start: date = Field(description="the window's first day")
    end: date = Field(description="the window's last day (closures overlapping it count)")
    mode: str | list[str] | None = Field(None, description="a mode or a list of modes")
    port: str | None = Field(None, description="only closures at this port")

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError("end is before start")
        modes = [self.mode] if isinstance(self.mode, str) else (self.mode or [])
        bad = [m for m in modes if m not in closures_ledger.MODES]
        if bad:
            raise ValueError(f"mode {bad[0]!r} is not one of {', '.join(closures_ledger.MODES)}")
        return self


# ----------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Metric:
    """A registered metric: call it with a :class:`Reader` and its parameters."""

    name: str
    fn: Callable[..., Figure]
    params: type[Params]
    summary: str
    figure: str
    example: dict

    def __call__(self, reader: Reader, **params) -> Figure:
        model = self.params.model_validate(params)
        return self.fn(reader, model)


METRICS: dict[str, Metric] = {}


def metric(name: str, params: type[Params], summary: str, figure: str, example: dict):
    def register(fn):
        METRICS[name] = Metric(name, fn, params, summary, figure, example)
        return fn

    return register


def _total(sl: Slice, column: str, agg: str = "sum", per: str | None = None) -> float:
    rows = sl.rows
    if agg == "sum":
        v = float(rows[column].sum())
    else:
        by = rows.groupby(sl.time)[column].sum()
        v = float(getattr(by, agg)()) if len(by) else float("nan")
    if per == "day":
        if sl.time != "month":
            raise MetricError("per: day needs a monthly table")
        days = sum(calendar.monthrange(m.year, m.month)[1] for m in sl.present)
        v = v / days
    elif per == "month":
        v = v / len(sl.present)
    return v


def _per_item(sl: Slice, p: ValueParams | ChangeParams) -> float:
    """The period's sum of ``p.column`` over its sum of ``p.per_column``, over the rows holding
    both: the average remittance is the dollars received over the transfers that brought them."""
    if p.per or getattr(p, "agg", "sum") != "sum":
        raise MetricError("per_column divides the period's sum by another column's: leave per and agg out")
    if p.per_column not in sl.rows.columns:
        raise MetricError(f"{p.table} has no column {p.per_column!r}")
    both = sl.rows[[p.column, p.per_column]].dropna()
    items = float(both[p.per_column].sum())
    if items == 0:
        raise NotCheckable(f"no {p.per_column} in {p.table} for {sl.period.label}: nothing to divide by")
    return float(both[p.column].sum()) / items


def _unit(column: str) -> str:
    return "usd" if column.endswith("_usd") else "count"


def _per_words(per: str | None) -> Phrase | None:
    return Phrase(f"metrics.per.{per}") if per else None


def _money(v: float, unit: str) -> str:
    if unit == "usd":
        return f"${v / 1e9:,.1f} billion" if abs(v) >= 1e9 else f"${v:,.0f}"
    return count_en(v)


def _signed_money(v: float, unit: str) -> str:
    """A difference with its sign: +$1.4 billion, -$296,594; a count as +1,441."""
    if unit != "usd":
        return f"{v:+,.0f}"
    return ("-" if v < 0 else "+") + _money(abs(v), unit)


@metric(
    "value",
    ValueParams,
    "The sum of a column over the rows matching `where`, within a period (or its mean, max or min per month, or its daily average).",
    "number (count, or US dollars for *_usd columns)",
    {
        "metric": "value",
        "params": {"table": "darien_monthly", "column": "migrants", "period": "2023"},
        "test": "more than 500,000",
    },
)
def value(reader: Reader, p: ValueParams) -> Figure:
    period = parse_period(p.period)
    sl = take(reader, p.table, p.column, p.where, p.exclude, period, latest=p.latest)
    unit = _unit(p.column)
    if p.per_column:
        v = _per_item(sl, p)
        per = f" per {_label(p.table, p.per_column, {})}"
        per_words: Phrase | None = Phrase("metrics.per.column", column=Label(p.table, p.per_column, {}))
    else:
        v = _total(sl, p.column, p.agg, p.per)
        per = {"day": " a day", "month": " a month", None: ""}[p.per]
        per_words = _per_words(p.per)
    step = "month" if sl.time == "month" else "year"
    how = {"sum": "", "mean": f"average per {step}, ", "max": f"highest {step}, ", "min": f"lowest {step}, "}[
        p.agg
    ]
    text = f"{_money(v, unit)}{per} — {how}{_label(p.table, p.column, p.where, p.exclude)}, {sl.period.label}"
    note = None
    if p.latest and sl.period.start != period.start:
        text += f" (the latest month published; {period.label} was not yet out)"
        note = Phrase("metrics.latest_note", period=When("period", period))
    elif not sl.complete:
        text += f" ({sl.coverage()})"
        note = Phrase("metrics.note", note=sl.coverage_words())
    words = Phrase(
        "metrics.value",
        amount=Num(v, "money", unit=unit),
        per=per_words,
        how=Phrase(f"metrics.how.{p.agg}_{step}") if p.agg != "sum" else None,
        label=Label(p.table, p.column, p.where, p.exclude),
        period=When("period", sl.period),
        note=note,
    )
    fallback = p.latest and sl.period.start != period.start
    # a plain sum of counts only grows as the period's missing months come in
    monotone = (
        p.agg == "sum"
        and p.per is None
        and not p.per_column
        and not fallback
        and bool((sl.rows[p.column].dropna() >= 0).all())
    )
    return Figure(
        v,
        text,
        unit,
        sl.complete and not fallback,
        sl.data_through,
        extra={"monotone": monotone},
        words=words,
    )


@metric(
    "change",
    ChangeParams,
    "The change in a column's sum between two periods (or two filters): percent change, difference or ratio.",
    "number (percent change by default; `extra` holds ratio, percent and difference for tests like 'doubled')",
    {
        "metric": "change",
        "params": {"table": "darien_monthly", "column": "migrants", "from": "2023", "to": "2024"},
        "test": "down 42%",
    },
)
def change(reader: Reader, p: ChangeParams) -> Figure:
    a_per, b_per = parse_period(p.from_), parse_period(p.to)
    a = take(reader, p.table, p.column, p.where, p.exclude, a_per)
    b = take(reader, p.table, p.column, p.to_where if p.to_where is not None else p.where, p.exclude, b_per)
    if p.per_column:
        # the average per item on each side: the average remittance in June 2024 and in June 2025
        va, vb = _per_item(a, p), _per_item(b, p)
        per = f" per {_label(p.table, p.per_column, {})}"
        per_words = Phrase("metrics.per.column", column=Label(p.table, p.per_column, {}))
    else:
        va, vb = _total(a, p.column, per=p.per), _total(b, p.column, per=p.per)
        per = {"day": " a day", "month": " a month", None: ""}[p.per]
        per_words = _per_words(p.per)
    if va == 0:
        raise MetricError(f"the earlier value ({a_per.label}) is zero: no percent change or ratio")
    ratio, diff = vb / va, vb - va
    pct = (ratio - 1) * 100
    v = {"percent": pct, "difference": diff, "ratio": ratio}[p.measure]
    unit = {"percent": "percent-change", "difference": "difference", "ratio": "ratio"}[p.measure]
    money = _unit(p.column)
    text = (
        f"{_money(va, money)}{per} in {a_per.label} → {_money(vb, money)}{per} in {b_per.label}: "
        f"{pct:+.1f}% ({ratio:.2f}×, {_signed_money(diff, money)}) — {_label(p.table, p.column, p.where, p.exclude)}"
    )
    if p.to_where is not None:
        text += f" vs {_where_text(p.to_where)}"
    notes = [s.coverage() for s in (a, b) if not s.complete]
    if notes:
        text += f" ({'; '.join(notes)})"
    words = Phrase(
        "metrics.change",
        from_amount=Num(va, "money", unit=money),
        to_amount=Num(vb, "money", unit=money),
        per=per_words,
        from_period=When("period", a_per),
        to_period=When("period", b_per),
        percent=Num(pct, "signed", 1),
        ratio=Num(ratio, "fixed", 2),
        difference=Num(diff, "signed_money", unit=money),
        label=Label(p.table, p.column, p.where, p.exclude),
        versus=Phrase("metrics.versus", where=Where(p.to_where)) if p.to_where is not None else None,
        note=Phrase(
            "metrics.note",
            note=Seq([s.coverage_words() for s in (a, b) if not s.complete], "metrics.note_separator"),
        )
        if notes
        else None,
    )
    complete = a.complete and b.complete
    through = b.data_through or a.data_through
    return Figure(
        v,
        text,
        unit,
        complete,
        through,
        extra={"ratio": ratio, "percent": pct, "difference": diff, "from": va, "to": vb},
        words=words,
    )


@metric(
    "share",
    ShareParams,
    "The part (rows matching `where`) as a percentage of the total (rows matching `of`) within a period.",
    "number in percent (42.1 = 42.1%)",
    {
        "metric": "share",
        "params": {
            "table": "darien_monthly",
            "column": "migrants",
            "where": {"nationality_iso3": "VEN"},
            "period": "2024",
        },
        "test": "about 69%",
    },
)
def share(reader: Reader, p: ShareParams) -> Figure:
    period = parse_period(p.period)
    total = take(reader, p.table, p.column, p.of, p.exclude, period)
    part_period = parse_period(p.within) if p.within else period
    part = take(reader, p.table, p.column, {**p.of, **p.where}, p.exclude, part_period)
    t, v = _total(total, p.column), _total(part, p.column)
    if t == 0:
        raise MetricError(f"the total ({_label(p.table, p.column, p.of)}) is zero in {period.label}")
    pct = v / t * 100
    text = (
        f"{pct:.1f}% — {count_en(v)} ("
        + ", ".join(x for x in (_where_text(p.where), part_period.label if p.within else "") if x)
        + f") of {count_en(t)} ({_label(p.table, p.column, p.of, p.exclude)}), {period.label}"
    )
    complete = total.complete and part.complete
    if not complete:
        text += f" ({total.coverage() or part.coverage()})"
    words = Phrase(
        "metrics.share",
        percent=Phrase("metrics.percent", amount=Num(pct, "fixed", 1)),
        part=Num(v),
        part_what=Seq(
            [
                x
                for x in (
                    Where(p.where) if p.where else None,
                    When("period", part_period) if p.within else None,
                )
                if x
            ],
            "metrics.list_separator",
        ),
        total=Num(t),
        label=Label(p.table, p.column, p.of, p.exclude),
        period=When("period", period),
        note=None
        if complete
        else Phrase("metrics.note", note=total.coverage_words() or part.coverage_words()),
    )
    return Figure(
        pct, text, "percent", complete, total.data_through, extra={"part": v, "total": t}, words=words
    )


def _ranked(rows: pd.DataFrame, by: str, column: str) -> pd.Series:
    return rows.groupby(by)[column].sum().sort_values(ascending=False, kind="mergesort")


@metric(
    "rank",
    RankParams,
    "The rank of one group (a nationality, port, sector, state...) by its summed column within a period; 1 = largest.",
    "rank (int); `extra` holds the rank from the bottom and the number of groups",
    {
        "metric": "rank",
        "params": {
            "table": "darien_monthly",
            "column": "migrants",
            "by": "nationality_iso3",
            "group": "VEN",
            "period": "2023",
        },
        "test": "the highest",
    },
)
def rank(reader: Reader, p: RankParams) -> Figure:
    period = parse_period(p.period)
    sl = take(reader, p.table, p.column, p.where, p.exclude, period, latest=p.latest)
    by = _ranked(sl.rows, p.by, p.column)
    by.index = by.index.astype(str)
    g = str(p.group)
    if g not in by.index:
        top = ", ".join(list(by.index[:8]))
        raise NotCheckable(f"no {p.by} {g!r} in {p.table} for {sl.period.label}; the largest are: {top}")
    v = by[g]
    r = int((by > v).sum()) + 1
    low = int((by < v).sum()) + 1
    ahead = ", ".join(f"{k} ({count_en(x)})" for k, x in by[by > v].items())
    fallback = p.latest and sl.period.start != period.start
    text = (
        f"{g}: {count_en(v)} of {count_en(by.sum())} ({v / by.sum():.1%}), rank {r} of {len(by)} by {p.by} — "
        f"{_label(p.table, p.column, p.where, p.exclude)}, {sl.period.label}"
    )
    if ahead:
        text += f"; ahead: {ahead}"
    if fallback:
        text += f" (the latest month published; {period.label} was not yet out)"
    elif not sl.complete:
        text += f" ({sl.coverage()})"
    words = Phrase(
        "metrics.rank",
        group=Value(p.by, g),
        amount=Num(v),
        total=Num(by.sum()),
        share=Num(v / by.sum(), "share"),
        rank=r,
        count=len(by),
        by=Column(p.by),
        label=Label(p.table, p.column, p.where, p.exclude),
        period=When("period", sl.period),
        ahead=Phrase(
            "metrics.ahead",
            items=Seq(
                [
                    Phrase("metrics.ahead_item", group=Value(p.by, k), amount=Num(x))
                    for k, x in by[by > v].items()
                ],
                "metrics.list_separator",
            ),
        )
        if ahead
        else None,
        note=Phrase("metrics.latest_note", period=When("period", period))
        if fallback
        else (Phrase("metrics.note", note=sl.coverage_words()) if not sl.complete else None),
    )
    return Figure(
        r,
        text,
        "rank",
        sl.complete and not fallback,
        sl.data_through,
        extra={
            "rank_from_bottom": low,
            "count": len(by),
            "value": float(v),
            "share": float(v / by.sum() * 100),
        },
        words=words,
    )


def _span(period: Period, freq: str) -> tuple[int, ...] | None:
    """The months of the year a year-on-year ranking compares, when ``period`` is a month or
    a run of months inside one calendar year (``freq: year``) or one US fiscal year (``freq:
    fiscal_year``): ``2024-01..2024-06`` ranks January to June of each year against each other
    ("the highest first half on record"), ``2024-06`` ranks the Junes. None for a whole year
    (or fiscal year), and for ``freq: month``."""
    if freq == "month" or period.kind not in ("month", "range"):
        return None
    if period.start.month == 1 and period.end.month == 12 and freq == "year":
        whole = period.start.year == period.end.year
    elif period.start.month == 10 and period.end.month == 9 and freq == "fiscal_year":
        whole = period.end.year == period.start.year + 1
    else:
        whole = False
    if whole:
        return None
    months = period.months()
    if freq == "year":
        if period.start.year != period.end.year:
            raise MetricError(
                f"freq year ranks a calendar year, or months inside one (2024-01..2024-06); "
                f"{period.text!r} runs across years"
            )
    elif fiscal_year(pd.Series([period.start, period.end])).nunique() != 1:
        raise MetricError(
            f"freq fiscal_year ranks a fiscal year, or months inside one (2023-10..2023-12); "
            f"{period.text!r} runs across fiscal years"
        )
    return tuple(int(m.month) for m in months)


def _span_period(key: int, span: tuple[int, ...], freq: str) -> Period:
    """The months ``span`` of year (or fiscal year) ``key`` as a period: 2024, (1..6) ->
    January 2024 to June 2024."""

    def month(m: int) -> str:
        y = key - 1 if freq == "fiscal_year" and m >= 10 else key
        return f"{y}-{m:02d}"

    a, b = month(span[0]), month(span[-1])
    return parse_period(a if a == b else f"{a}..{b}")


def _span_units(span: tuple[int, ...]) -> tuple[str, Phrase]:
    """What a span ranking ranks: "January-to-June periods", "June months"."""
    first, last = pd.Timestamp(2000, span[0], 1), pd.Timestamp(2000, span[-1], 1)
    if len(span) == 1:
        return f"{first:%B} months", Phrase("metrics.units.span_one", month=When("month_name", first))
    return (
        f"{first:%B}-to-{last:%B} periods",
        Phrase("metrics.units.span", start=When("month_name", first), end=When("month_name", last)),
    )


def _series(
    reader: Reader, p, freq: str, span: tuple[int, ...] | None = None
) -> tuple[pd.Series, pd.Series, str, str]:
    """Sums by period of ``freq`` and whether each is complete; the table's time column.
    With ``span`` (months of the year), each year's sum is over those months only, and a
    year is complete when it has them all."""
    df = reader.table(p.table)
    time = time_column(p.table)
    if p.column not in df.columns:
        raise MetricError(f"{p.table} has no column {p.column!r}")
    valued = df[df[p.column].notna()]
    if span is not None:
        if time != "month":
            raise MetricError(
                f"{p.table} is by {time.replace('_', ' ')}: months inside a year can be compared "
                "only in a monthly table"
            )
        valued = valued[valued["month"].dt.month.isin(span)]
    if getattr(p, "through", None) and time == "month":
        # the series as it stood at the end of ``through``: later months do not exist yet
        valued = valued[valued["month"] <= parse_period(p.through).end]
    if valued.empty:
        raise NotCheckable(f"no data yet: {p.table} as published by {reader.as_of_label} has no rows to rank")
    rows = _filter(valued, p.where, p.exclude, p.table)
    if time == "month":
        present = pd.Series(sorted(set(valued["month"])))
        whole = 12 if span is None else len(span)
        if freq == "month":
            key_all, key = present, rows["month"]
            months_per = pd.Series(1, index=present)
            need = 1
        elif freq == "year":
            key_all, key, need = present.dt.year, rows["month"].dt.year, whole
            months_per = present.groupby(key_all.values).size()
        else:
            key_all, key, need = fiscal_year(present), fiscal_year(rows["month"]), whole
            months_per = present.groupby(key_all.values).size()
        if freq == "month":
            complete = pd.Series(True, index=present)
        else:
            complete = months_per == need
        sums = rows.groupby(key.values)[p.column].sum()
        sums = sums.reindex(complete.index, fill_value=0)
        through = f"{present.max():%B %Y}" if len(present) else ""
    else:
        want = "year" if time == "year" else "fiscal_year"
        if freq != want:
            raise MetricError(f"{p.table} is by {time.replace('_', ' ')}; use freq: {want}")
        sums = rows.groupby(rows[time].astype(int))[p.column].sum()
        years = sorted(set(valued[time].astype(int)))
        sums = sums.reindex(years, fill_value=0)
        complete = pd.Series(True, index=years)
        through = str(max(years)) if years else ""
    return sums, complete, time, through


def _short_keys(reader: Reader, p, freq: str, span: tuple[int, ...] | None = None) -> dict[Any, str]:
    """Periods of ``freq`` holding a month that lacks a part of the table (PARTITIONS) the
    metric does not filter on, or that does not break down a column it filters on (CBP's state
    releases lump Border Patrol and ports of entry): their totals would be short or read as 0,
    so they are neither ranked nor compared. Key -> why."""
    if time_column(p.table) != "month":
        return {}
    cols = [c for c in PARTITIONS.get(p.table, ()) if c not in (p.where or {}) and c not in (p.exclude or {})]
    df = reader.table(p.table)
    if span is not None:
        df = df[df["month"].dt.month.isin(span)]
    out: dict[Any, str] = {}
    for month, why in sorted(_not_broken_down(df, p.where, "month", p.table).items()):
        m = pd.Timestamp(month)
        out.setdefault(
            m if freq == "month" else (m.year if freq == "year" else m.year + (m.month >= 10)), why
        )
    for col in cols:
        every = set(df[col].astype(str))
        for month, part in df.groupby("month"):
            missing = sorted(every - set(part[col].astype(str)))
            if missing:
                m = pd.Timestamp(month)
                key = m if freq == "month" else (m.year if freq == "year" else m.year + (m.month >= 10))
                out.setdefault(
                    key,
                    Reason(
                        f"{p.table} has no rows for {col} {', '.join(missing)} in {m:%B %Y}, so a total over "
                        f"every {col} would be short; the kit's data cannot give that total (filter with "
                        f"where: {{{col}: ...}} for a part it does cover)",
                        _partition_words(p.table, col, missing, m, "month"),
                    ),
                )
    return out


def _key_of(period: Period, freq: str) -> Any:
    if freq == "month":
        if period.kind != "month":
            raise MetricError(f"freq month ranks one month; {period.text!r} is not a month (YYYY-MM)")
        return period.start
    if freq == "year":
        if period.kind == "year" or _span(period, freq) is not None:
            return period.start.year
        if period.kind == "range" and period.start.month == 1 and period.end.month == 12:
            if period.start.year == period.end.year:
                return period.start.year
        raise MetricError(
            f"freq year ranks one calendar year (e.g. 2023) or months inside one (2023-01..2023-06); "
            f"{period.text!r} is neither"
        )
    if period.kind == "fy" or _span(period, freq) is not None:
        return period.end.year if period.kind == "fy" else int(fiscal_year(pd.Series([period.start])).iloc[0])
    if period.kind == "range" and period.start.month == 10 and period.end.month == 9:
        if period.end.year == period.start.year + 1:
            return period.end.year
    raise MetricError(
        f"freq fiscal_year ranks one fiscal year (e.g. FY2023) or months inside one (2022-10..2022-12); "
        f"{period.text!r} is neither"
    )


def _key_label(key: Any, freq: str) -> str:
    if freq == "month":
        return f"{pd.Timestamp(key):%B %Y}"
    return f"FY{key}" if freq == "fiscal_year" else str(key)


def _bounds(p, freq: str) -> tuple[Any, Any]:
    lo = hi = None
    if getattr(p, "since", None):
        s = parse_period(p.since)
        lo = (
            s.start
            if freq == "month"
            else (
                s.start.year
                if freq == "year"
                else s.end.year
                if s.kind == "fy"
                else s.start.year + (s.start.month >= 10)
            )
        )
    if getattr(p, "through", None):
        t = parse_period(p.through)
        hi = (
            t.end if freq == "month" else (t.end.year if freq == "year" else t.end.year + (t.end.month >= 10))
        )
    return lo, hi


def _span_labels(span: tuple[int, ...] | None, freq: str):
    """How a ranked key is named, in the English sentence and as a :class:`When`: the year
    (``2024``, ``FY2024``, ``June 2024``) or, for a span, its months (``January 2024 to June
    2024``)."""
    if span is None:
        return (lambda k: _key_label(k, freq)), (lambda k: When("key", k, freq))
    return (lambda k: _span_period(k, span, freq).label), (
        lambda k: When("period", _span_period(k, span, freq))
    )


def _no_data_yet(reader: Reader, table: str, period, through: str | None) -> NotCheckable:
    """The period has no data in the table as published by the reader's date."""
    return NotCheckable(
        f"no data yet for {period.label} in {table} as published by {reader.as_of_label}"
        + (f"; it ends at {through}" if through else ""),
        Phrase(
            "metrics.no_data_in",
            period=When("period", period),
            table=table,
            as_of=reader.as_of_words,
            ends=_ends_words(through),
        ),
    )


def _ranked_period(reader: Reader, p) -> tuple:
    """What a ranking of periods starts from: the span of months (or None), the sums by period
    and whether each is complete, the month the data run to, the key of the period ranked and
    the periods whose totals would be short (key -> why). Raises NotCheckable when the period
    ranked has no data yet, or its total would be short."""
    period = parse_period(p.period)
    span = _span(period, p.freq)
    sums, complete, _time, through = _series(reader, p, p.freq, span)
    key = _key_of(period, p.freq)
    if key not in sums.index:
        raise _no_data_yet(reader, p.table, period, through)
    short = _short_keys(reader, p, p.freq, span)
    if key in short:
        raise NotCheckable(short[key])
    return span, sums, complete, through, key, short


def _ranked_units(span: tuple[int, ...] | None, freq: str) -> tuple[str, Phrase]:
    """What a ranking ranks, in the English sentence and as words: "fiscal years", "June months"."""
    if span is not None:
        return _span_units(span)
    unit = "months" if freq == "month" else ("years" if freq == "year" else "fiscal years")
    return unit, Phrase(f"metrics.units.{freq}")


#: where a ranked period stands, in the English sentence: among levels, or among changes
_PLACE_EN = {
    "series": ("the highest of {n} {unit} from {between}", "the lowest of {n} {unit} from {between}",
               "rank {r} of {n} {unit} from {between} ({low} from the bottom)"),
    "changes": ("the highest change of {n} {unit} from {between}", "the lowest change of {n} {unit} from {between}",
                "rank {r} of the changes of {n} {unit} from {between} ({low} from the bottom)"),
}  # fmt: skip


def _place(ranked: pd.Series, v: float, span: tuple[int, ...] | None, freq: str, kind: str) -> tuple:
    """Where ``v`` stands among ``ranked`` (periods by key): its rank from the top and from the
    bottom, how many, the top and bottom keys, and that place in the English sentence and as
    words (``metrics.<kind>.highest`` / ``lowest`` / ``rank``)."""
    r = int((ranked > v).sum()) + 1
    low = int((ranked < v).sum()) + 1
    n = len(ranked)
    first, last = ranked.index[0], ranked.index[-1]
    unit, units = _ranked_units(span, freq)
    high_en, low_en, rank_en = _PLACE_EN[kind]
    between = f"{_key_label(first, freq)} to {_key_label(last, freq)}"
    ends = dict(count=n, units=units, first=When("key", first, freq), last=When("key", last, freq))
    if r == 1:
        text, place = high_en, Phrase(f"metrics.{kind}.highest", **ends)
    elif low == 1:
        text, place = low_en, Phrase(f"metrics.{kind}.lowest", **ends)
    else:
        text, place = rank_en, Phrase(f"metrics.{kind}.rank", rank=r, from_bottom=low, **ends)
    where = text.format(n=n, unit=unit, between=between, r=r, low=low)
    return r, low, n, ranked.idxmax(), ranked.idxmin(), where, place


@metric(
    "rank_in_series",
    RankInSeriesParams,
    "The rank of one month, year or fiscal year among all those of the same kind in the series "
    "(optionally from `since` and up to `through`): 'the highest', 'a record', 'the lowest since 2020'; "
    "or the same months of every year ('the highest first half on record': freq year, period "
    "2024-01..2024-06). Only complete years (or spans) are ranked against it.",
    "rank (int, 1 = highest); `extra.rank_from_bottom` for 'the lowest'",
    {
        "metric": "rank_in_series",
        "params": {
            "table": "usbp_southwest_monthly",
            "column": "encounters",
            "freq": "month",
            "period": "2025-07",
        },
        "test": "the lowest",
    },
)
def rank_in_series(reader: Reader, p: RankInSeriesParams) -> Figure:
    span, sums, complete, through, key, short = _ranked_period(reader, p)
    lab, when = _span_labels(span, p.freq)
    lo, hi = _bounds(p, p.freq)
    keep = complete.copy()
    keep[key] = True
    idx = [
        k
        for k in sums.index
        if keep[k] and k not in short and (lo is None or k >= lo) and (hi is None or k <= hi)
    ]
    series = sums.loc[idx]
    v = float(sums[key])
    r, low, n, top_k, bot_k, where, place = _place(series, v, span, p.freq, "series")
    money = _unit(p.column)
    text = (
        f"{lab(key)}: {_money(v, money)}, {where} — {_label(p.table, p.column, p.where, p.exclude)}; "
        f"highest {lab(top_k)} ({_money(series[top_k], money)}), lowest {lab(bot_k)} "
        f"({_money(series[bot_k], money)})"
    )
    done = bool(complete.get(key, True))
    if not done:
        text += " (the period ranked is not complete yet)"
    words = Phrase(
        "metrics.rank_in_series",
        key=when(key),
        amount=Num(v, "money", unit=money),
        place=place,
        label=Label(p.table, p.column, p.where, p.exclude),
        top=when(top_k),
        top_amount=Num(series[top_k], "money", unit=money),
        bottom=when(bot_k),
        bottom_amount=Num(series[bot_k], "money", unit=money),
        note=None if done else Phrase("metrics.series.incomplete"),
    )
    return Figure(
        r, text, "rank", done, through, extra={"rank_from_bottom": low, "count": n, "value": v}, words=words
    )


def _base_key(key: Any, freq: str, against: str) -> Any:
    """The period a change is measured from: the year (or fiscal year) before, or for a month
    the same month a year earlier, or with ``against: previous`` the month before."""
    if freq != "month":
        return key - 1
    return pd.Timestamp(key) - pd.DateOffset(months=12 if against == "year_before" else 1)


@metric(
    "change_rank",
    ChangeRankParams,
    "The rank of one period's change among the changes of every period of the same kind in the "
    "series (optionally from `since` and up to `through`): 'the biggest annual fall since 2009', "
    "'the steepest rise on record'. Each month, year or fiscal year is measured against the same "
    "period a year earlier (or, with `against: previous`, a month against the month before); "
    "periods without a complete one to compare with are left out.",
    "rank (int, 1 = the highest change, the biggest rise); `extra.rank_from_bottom` 1 = the biggest "
    "fall; `extra.change` the change",
    {
        "metric": "change_rank",
        "params": {
            "table": "remittances_monthly",
            "column": "inflows_usd",
            "freq": "year",
            "period": "2025",
            "since": "2010",
        },
        "test": "the lowest",
    },
)
def change_rank(reader: Reader, p: ChangeRankParams) -> Figure:
    if p.against == "previous" and p.freq != "month":
        raise MetricError("against: previous measures a month against the month before: use freq month")
    span, sums, complete, through, key, short = _ranked_period(reader, p)
    lab, when = _span_labels(span, p.freq)
    base = _base_key(key, p.freq, p.against)
    if base not in sums.index or not complete.get(base, False) or base in short:
        raise NotCheckable(
            f"{p.table} as published by {reader.as_of_label} has no complete {lab(base)} to measure "
            f"{lab(key)}'s change from"
        )
    lo, hi = _bounds(p, p.freq)
    keep = complete.copy()
    keep[key] = True
    ok = {k for k in sums.index if keep[k] and k not in short}

    def change(k: Any) -> float | None:
        b = _base_key(k, p.freq, p.against)
        if b not in ok or (p.measure == "percent" and sums[b] == 0):
            return None
        diff = float(sums[k] - sums[b])
        return diff / float(sums[b]) * 100 if p.measure == "percent" else diff

    if p.measure == "percent" and sums[base] == 0:
        raise MetricError(f"{lab(base)} is zero in {p.table}: no percent change from it")
    changes = pd.Series(
        {
            k: c
            for k in sums.index
            if k in ok and (lo is None or k >= lo) and (hi is None or k <= hi)
            for c in [change(k)]
            if c is not None
        },
        dtype=float,
    )
    v = float(changes[key])
    r, low, n, top_k, bot_k, where, place = _place(changes, v, span, p.freq, "changes")
    money = _unit(p.column)
    pct = p.measure == "percent"

    def shown(x: float) -> str:
        return f"{x:+.1f}%" if pct else _signed_money(x, money)

    def num(x: float) -> Num:
        return Num(x, "signed", 1) if pct else Num(x, "signed_money", unit=money)

    text = (
        f"{lab(key)}: {shown(v)} against {lab(base)} ({_money(float(sums[key]), money)} against "
        f"{_money(float(sums[base]), money)}), {where} — {_label(p.table, p.column, p.where, p.exclude)}; "
        f"highest {lab(top_k)} ({shown(changes[top_k])}), lowest {lab(bot_k)} ({shown(changes[bot_k])})"
    )
    done = bool(complete.get(key, True))
    if not done:
        text += " (the period ranked is not complete yet)"
    words = Phrase(
        "metrics.change_rank",
        key=when(key),
        change=num(v),
        sign="%" if pct else "",
        base=when(base),
        amount=Num(float(sums[key]), "money", unit=money),
        base_amount=Num(float(sums[base]), "money", unit=money),
        place=place,
        label=Label(p.table, p.column, p.where, p.exclude),
        top=when(top_k),
        top_change=num(changes[top_k]),
        bottom=when(bot_k),
        bottom_change=num(changes[bot_k]),
        note=None if done else Phrase("metrics.series.incomplete"),
    )
    return Figure(
        r,
        text,
        "rank",
        done,
        through,
        extra={"rank_from_bottom": low, "count": n, "change": v, "value": float(sums[key])},
        words=words,
    )


@metric(
    "streak",
    StreakParams,
    "How many months running, ending at `through`, a group ranked first by its summed column "
    "('the busiest sector for five months running').",
    "count of months (int)",
    {
        "metric": "streak",
        "params": {
            "table": "darien_monthly",
            "column": "migrants",
            "by": "nationality_iso3",
            "group": "VEN",
            "through": "2023-12",
        },
        "test": "at least 12",
    },
)
def streak(reader: Reader, p: StreakParams) -> Figure:
    end = parse_period(p.through)
    if end.kind != "month" or time_column(p.table) != "month":
        raise MetricError("streak counts months: a monthly table and through: YYYY-MM")
    df = reader.table(p.table)
    valued = df[df[p.column].notna()]
    if end.start not in set(valued["month"]):
        raise NotCheckable(f"no data yet for {end.label} in {p.table} as published by {reader.as_of_label}")
    rows = _filter(valued[valued["month"] <= end.start], p.where, p.exclude, p.table)
    g = str(p.group)
    count, first = 0, None
    for month in sorted(set(rows["month"]), reverse=True):
        by = _ranked(rows[rows["month"] == month], p.by, p.column)
        by.index = by.index.astype(str)
        if len(by) and by.index[0] == g and (len(by) == 1 or by.iloc[0] > by.iloc[1]):
            count, first = count + 1, month
        else:
            break
    text = (
        f"{g} ranked first by {p.by} for {count} month{'s' if count != 1 else ''} running"
        + (f", {pd.Timestamp(first):%B %Y} to {end.label}" if count else f" (not first in {end.label})")
        + f" — {_label(p.table, p.column, p.where, p.exclude)}"
    )
    words = Phrase(
        "metrics.streak",
        group=Value(p.by, g),
        by=Column(p.by),
        count=count,
        months=Phrase("metrics.units.streak_month" if count == 1 else "metrics.units.streak_months"),
        span=Phrase("metrics.streak_span", first=When("month", first), last=When("period", end))
        if count
        else Phrase("metrics.streak_none", last=When("period", end)),
        label=Label(p.table, p.column, p.where, p.exclude),
    )
    return Figure(count, text, "count", True, f"{valued['month'].max():%B %Y}", words=words)


@metric(
    "change_months",
    ChangeMonthsParams,
    "How many months fell (or rose) against the same month a year earlier (or the month before): "
    "within a period ('growth in just three months of 2025'), or running up to its last month "
    "('the eighth straight month of year-on-year declines').",
    "count of months (int); `extra.months` lists them",
    {
        "metric": "change_months",
        "params": {
            "table": "remittances_monthly",
            "column": "inflows_usd",
            "period": "2025-11",
            "direction": "fall",
            "consecutive": True,
        },
        "test": "8",
    },
)
def change_months(reader: Reader, p: ChangeMonthsParams) -> Figure:
    if time_column(p.table) != "month":
        raise MetricError("change_months counts months: give a monthly table")
    period = parse_period(p.period)
    sums, complete, _time, through = _series(reader, p, "month")
    ok = {k for k in sums.index if complete.get(k, True)}
    wanted = [pd.Timestamp(m) for m in period.months()]
    present = [m for m in wanted if m in ok]
    if not present or (p.consecutive and present[-1] != wanted[-1]):
        raise _no_data_yet(reader, p.table, period, through)

    def moved(m: pd.Timestamp) -> bool | None:
        base = _base_key(m, "month", p.against)
        if base not in ok:
            return None
        diff = float(sums[m] - sums[base])
        return diff < 0 if p.direction == "fall" else diff > 0

    if p.consecutive:
        months, m = [], wanted[-1]
        while m in ok and moved(m):
            months.insert(0, m)
            m = m - pd.DateOffset(months=1)
        if moved(wanted[-1]) is None:
            raise NotCheckable(f"{p.table} has no month to measure {wanted[-1]:%B %Y} against")
        done = True
    else:
        flags = {m: moved(m) for m in present}
        if any(v is None for v in flags.values()):
            first = next(m for m, v in flags.items() if v is None)
            raise NotCheckable(f"{p.table} has no month to measure {first:%B %Y} against")
        months = [m for m, v in flags.items() if v]
        done = len(present) == len(wanted)
    count = len(months)
    did = "fell" if p.direction == "fall" else "rose"
    against = "the same month a year earlier" if p.against == "year_before" else "the month before"
    label = _label(p.table, p.column, p.where, p.exclude)
    listed = ", ".join(f"{m:%B %Y}" for m in months) or "none"
    if p.consecutive:
        span = f", {months[0]:%B %Y} to {months[-1]:%B %Y}" if months else ""
        text = f"{count} month{'s' if count != 1 else ''} running {did} against {against}{span} — {label}"
    else:
        text = f"{count} of {len(present)} months {did} against {against} — {label}, {period.label}: {listed}"
        if not done:
            text += f" (the months published by {reader.as_of_label})"
    words = Phrase(
        "metrics.change_months_run" if p.consecutive else "metrics.change_months",
        count=count,
        total=len(present),
        months_word=Phrase("metrics.units.streak_month" if count == 1 else "metrics.units.streak_months")
        if p.consecutive
        else None,
        did=Phrase(f"metrics.did.{p.direction}"),
        against=Phrase(f"metrics.against.{p.against}"),
        span=Phrase("metrics.streak_span", first=When("month", months[0]), last=When("month", months[-1]))
        if p.consecutive and months
        else None,
        label=Label(p.table, p.column, p.where, p.exclude),
        period=When("period", period),
        months=Seq([When("month", m) for m in months], "metrics.list_separator")
        if months
        else Phrase("metrics.none"),
        note=None if done else Phrase("metrics.published_by", as_of=reader.as_of_words),
    )
    return Figure(
        count, text, "count", done, through, extra={"months": [f"{m:%Y-%m}" for m in months]}, words=words
    )


@metric(
    "first_time",
    FirstTimeParams,
    "Whether the period's value is above every earlier one of the same kind (a first, a record): "
    "'for the first time on record'.",
    "bool",
    {
        "metric": "first_time",
        "params": {"table": "darien_annual", "column": "migrants", "period": "2023"},
        "test": "true",
    },
)
def first_time(reader: Reader, p: FirstTimeParams) -> Figure:
    period = parse_period(p.period)
    freq = p.freq or {"month": "month", "year": "year", "fy": "fiscal_year"}.get(period.kind)
    if freq is None:
        raise MetricError(
            f"first_time compares one month, year or fiscal year, not {period.text!r} "
            "(for months inside a year, give freq: year)"
        )
    span = _span(period, freq)
    sums, complete, time, through = _series(reader, p, freq, span)
    key = _key_of(period, freq)
    lab, when = _span_labels(span, freq)
    if key not in sums.index:
        raise NotCheckable(
            f"no data yet for {period.label} in {p.table} as published by {reader.as_of_label}",
            Phrase(
                "metrics.no_data_in",
                period=When("period", period),
                table=p.table,
                as_of=reader.as_of_words,
                ends=None,
            ),
        )
    short = _short_keys(reader, p, freq, span)
    if key in short:
        raise NotCheckable(short[key])
    lo, _ = _bounds(p, freq)
    earlier = sums[
        [k for k in sums.index if k < key and complete[k] and k not in short and (lo is None or k >= lo)]
    ]
    if earlier.empty:
        raise NotCheckable(f"{p.table} has no period before {period.label} to compare with")
    v = float(sums[key])
    top = earlier.idxmax()
    first = v > float(earlier.max())
    money = _unit(p.column)
    text = (
        f"{lab(key)}: {_money(v, money)}; the highest before was {lab(top)} "
        f"({_money(earlier.max(), money)}), in a series from {lab(earlier.index[0])} — "
        f"{_label(p.table, p.column, p.where, p.exclude)}"
    )
    done = bool(complete.get(key, True))
    words = Phrase(
        "metrics.first_time",
        key=when(key),
        amount=Num(v, "money", unit=money),
        top=when(top),
        top_amount=Num(earlier.max(), "money", unit=money),
        first=when(earlier.index[0]),
        label=Label(p.table, p.column, p.where, p.exclude),
    )
    return Figure(first, text, "bool", done or first, through, words=words)


def _day(ts) -> str:
    ts = pd.Timestamp(ts)
    return f"{ts.day} {ts:%B %Y}"


@metric(
    "closure",
    ClosureParams,
    "One field of a closures-ledger row (by id, or by port and mode, or every closure of a mode in force "
    "`on` a day): start, end, duration in calendar days (both ends counted) or elapsed hours, mode.",
    "date (start, end), number (duration_days, duration_hours) or text (mode)",
    {"metric": "closure", "params": {"id": "eagle-pass-rail-2023-12", "field": "duration_days"}, "test": "5"},
)
def closure(reader: Reader, p: ClosureParams) -> Figure:
    df = reader.closures()
    sel = df
    if p.id:
        sel = sel[sel["id"] == p.id]
    if p.port:
        sel = sel[sel["port"].str.lower() == p.port.lower()]
    if p.mode:
        sel = sel[sel["mode"] == p.mode]
    if p.on:
        on = pd.Timestamp(p.on)
        ends = sel["reopened_on"].fillna(pd.Timestamp.max.normalize())
        sel = sel[(sel["closed_from"] <= on) & (ends >= on)]
    what = p.id or " ".join(x for x in (p.port, p.mode, f"in force on {p.on}" if p.on else "") if x)
    if sel.empty:
        raise NotCheckable(f"no closure {what} in the ledger as known on {reader.as_of_label}")
    reader.used_closures(sel["id"])
    col = {
        "start": "closed_from",
        "end": "reopened_on",
        "duration_days": "days_closed",
        "duration_hours": "hours_closed",
        "mode": "mode",
    }[p.field]
    vals = sel[col]
    if vals.isna().any():
        open_ = ", ".join(sel.loc[vals.isna(), "id"])
        raise NotCheckable(
            f"{open_}: no {p.field.replace('_', ' ')} known on {reader.as_of_label} "
            "(no reopening reported by then)"
        )
    distinct = sorted({str(v) for v in vals})
    if p.field == "duration_hours":
        v = float(vals.mean())
        if vals.max() - vals.min() > 1:
            raise MetricError(
                f"{what}: the closures differ in length ({', '.join(distinct)} hours); give one id"
            )
    elif len(distinct) > 1:
        raise MetricError(
            f"{what} matches closures with different {p.field}: "
            f"{', '.join(f'{i}: {x}' for i, x in zip(sel['id'], vals, strict=True))}; give one id or add on:"
        )
    else:
        v = vals.iloc[0]
    rows = "; ".join(
        f"{r.port}, {r.crossing} ({r.mode}): {_day(r.closed_from)} to "
        + (
            f"{_day(r.reopened_on)}, {int(r.days_closed)} calendar days"
            if pd.notna(r.reopened_on)
            else "still closed"
        )
        + (f", {r.hours_closed:.0f} hours elapsed" if pd.notna(r.hours_closed) else "")
        for r in sel.itertuples()
    )
    row_words = Seq([_closure_row(r) for r in sel.itertuples()], "metrics.list_separator_strong")
    if p.field in ("start", "end"):
        d = pd.Timestamp(v).date()
        words = Phrase(f"metrics.closure.{p.field}", day=When("day", d), rows=row_words)
        return Figure(d, f"{p.field} {_day(d)} — {rows}", "date", words=words)
    if p.field == "mode":
        words = Phrase("metrics.closure.mode", mode=Value("mode", v), rows=row_words)
        return Figure(str(v), f"{v} — {rows}", "text", words=words)
    unit = "days" if p.field == "duration_days" else "hours"
    num = float(v) if p.field == "duration_hours" else int(v)
    shown = f"{num:.0f}" if p.field == "duration_hours" else f"{num}"
    return Figure(
        num,
        f"{shown} {unit} — {rows}",
        "count",
        detail="Calendar days count both the day a crossing closed and the day it reopened.",
        words=Phrase(f"metrics.closure.{unit}", count=shown, rows=row_words),
        detail_words=Phrase("metrics.closure.calendar_days"),
    )


def _closure_row(r) -> Phrase:
    """One closure as the closure metric lists it."""
    hours = (
        Phrase("metrics.closure.hours_elapsed", hours=f"{r.hours_closed:.0f}")
        if pd.notna(r.hours_closed)
        else None
    )
    where = dict(
        port=r.port, crossing=r.crossing, mode=Value("mode", r.mode), start=When("day", r.closed_from)
    )
    if pd.notna(r.reopened_on):
        return Phrase(
            "metrics.closure.row",
            end=When("day", r.reopened_on),
            days=int(r.days_closed),
            hours=hours,
            **where,
        )
    return Phrase("metrics.closure.row_open", hours=hours, **where)


@metric(
    "closures_in_window",
    WindowParams,
    "How many ledger closures overlapped a window of days (optionally of given modes, at a port).",
    "count (int)",
    {
        "metric": "closures_in_window",
        "params": {
            "start": "2023-12-01",
            "end": "2023-12-27",
            "mode": ["vehicle", "pedestrian", "whole port"],
        },
        "test": "at least 1",
    },
)
def closures_in_window(reader: Reader, p: WindowParams) -> Figure:
    df = reader.closures()
    lo, hi = pd.Timestamp(p.start), pd.Timestamp(p.end)
    ends = df["reopened_on"].fillna(pd.Timestamp.max.normalize())
    live = df[(df["closed_from"] <= hi) & (ends >= lo)]
    modes = [p.mode] if isinstance(p.mode, str) else p.mode
    if modes:
        live = live[live["mode"].isin(modes)]
    if p.port:
        live = live[live["port"].str.lower() == p.port.lower()]
    reader.used_closures(live["id"])
    items = "; ".join(
        f"{r.port}, {r.crossing} ({r.mode}) from {_day(r.closed_from)}, "
        + (
            f"reopened {_day(r.reopened_on)} ({int(r.days_closed)} calendar days)"
            if pd.notna(r.reopened_on)
            else "still closed then"
        )
        for r in live.itertuples()
    )
    what = (" " + "/".join(modes) if modes else "") + (f" at {p.port}" if p.port else "")
    text = f"{len(live)}{what} closures in force at some point from {_day(lo)} to {_day(hi)}" + (
        f": {items}" if items else ""
    )
    listed = []
    for r in live.itertuples():
        where = dict(
            port=r.port, crossing=r.crossing, mode=Value("mode", r.mode), start=When("day", r.closed_from)
        )
        if pd.notna(r.reopened_on):
            listed.append(
                Phrase(
                    "metrics.window.item", end=When("day", r.reopened_on), days=int(r.days_closed), **where
                )
            )
        else:
            listed.append(Phrase("metrics.window.item_open", **where))
    words = Phrase(
        "metrics.window.closures",
        count=len(live),
        modes=Phrase("metrics.window.modes", modes=Seq([Value("mode", m) for m in modes], "metrics.slash"))
        if modes
        else None,
        port=Phrase("metrics.window.port", port=p.port) if p.port else None,
        start=When("day", lo),
        end=When("day", hi),
        items=Phrase("metrics.window.items", items=Seq(listed, "metrics.list_separator_strong"))
        if items
        else None,
    )
    return Figure(len(live), text, "count", words=words)


def describe(name: str) -> dict:
    """A metric's documentation: summary, figure, parameters (name, type, required, default,
    description) and an example entry."""
    m = METRICS[name]
    schema = m.params.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    params = []
    for pname, prop in schema.get("properties", {}).items():
        params.append(
            {
                "name": pname,
                "type": _type_text(prop, schema),
                "required": pname in required,
                "default": prop.get("default"),
                "description": prop.get("description", ""),
            }
        )
    return {"name": name, "summary": m.summary, "figure": m.figure, "params": params, "example": m.example}


def _type_text(prop: dict, schema: dict) -> str:
    if "enum" in prop:
        return " | ".join(map(str, prop["enum"]))
    if "anyOf" in prop:
        return " or ".join(_type_text(x, schema) for x in prop["anyOf"] if x.get("type") != "null")
    t = prop.get("type", "")
    if t == "object":
        return "mapping"
    if t == "array":
        return "list"
    if prop.get("format") == "date":
        return "date"
    if "const" in prop:
        return str(prop["const"])
    return t or "any"
