"""What a new release changes in a processed table: new periods, revised values, rows that
would disappear. Pure pandas on two renderings of one table (tables layer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrationdata.catalog import Table


@dataclass
class TableChange:
    """How a processed table about to be written differs from the one on disk, row by row
    (rows matched by the table's primary key). ``str()`` gives the one-line summary the
    ``fetch`` command prints; periods are months or years, when the key has such a column."""

    table: str
    unit: str  # "month", "day", "year", "fiscal year", or "" when the key has no period
    rows_before: int
    rows_after: int
    first_fetch: bool = False  # no table on disk before: nothing to compare with
    comparable: bool = True  # False when the old table lacks a key column (a schema change)
    added: int = 0
    removed: int = 0
    revised: int = 0  # values (cells) that differ under the same key
    #: periods with no row before / every other period that gained rows
    new_periods: list = field(default_factory=list)
    new_period_rows: int = 0
    other_added_periods: list = field(default_factory=list)
    #: periods with no row left / every other period that lost rows
    gone_periods: list = field(default_factory=list)
    gone_period_rows: int = 0
    other_removed_periods: list = field(default_factory=list)
    revised_periods: list = field(default_factory=list)
    all_periods: list = field(default_factory=list)  # of the new table (for a first fetch)
    removed_examples: list[str] = field(default_factory=list)  # a few keys of removed rows

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        u = self.unit
        if self.first_fetch:
            where = f" ({_span(u, self.all_periods)})" if self.all_periods else ""
            return f"new table, {self.rows_after:,} rows{where}"
        if not self.comparable:
            return (
                f"rebuilt with other key columns, not compared row by row "
                f"({self.rows_before:,} rows before, {self.rows_after:,} now)"
            )
        parts = []
        if self.new_periods:
            n = len(self.new_periods)
            rows = f", {self.new_period_rows:,} rows" if self.new_period_rows != n else ""
            parts.append(f"{_count(n, 'new ' + u)} ({_span(u, self.new_periods, counted=True)}{rows})")
        if self.added > self.new_period_rows:
            parts.append(
                f"{_count(self.added - self.new_period_rows, 'row')} added{_in(u, self.other_added_periods)}"
            )
        if self.gone_periods:
            n = len(self.gone_periods)
            rows = f", {self.gone_period_rows:,} rows" if self.gone_period_rows != n else ""
            parts.append(f"{_count(n, u)} removed ({_span(u, self.gone_periods, counted=True)}{rows})")
        if self.removed > self.gone_period_rows:
            parts.append(
                f"{_count(self.removed - self.gone_period_rows, 'row')} removed"
                f"{_in(u, self.other_removed_periods)}"
            )
        if self.revised:
            parts.append(f"{_count(self.revised, 'value')} revised{_in(u, self.revised_periods)}")
        return "; ".join(parts) or "rewritten, with the same rows and values"

    def loss(self) -> str:
        """Which rows would disappear, for the refusal message."""
        u = self.unit
        what = []
        if self.gone_periods:
            n = len(self.gone_periods)
            what.append(f"every row of {_count(n, u)}, {_span(u, self.gone_periods, counted=True)}")
        other = self.removed - self.gone_period_rows
        if other and u:
            what.append(f"{_count(other, 'row')} in {_span(u, self.other_removed_periods)}")
        if not u and self.removed_examples:
            what.append("for example " + "; ".join(self.removed_examples))
        detail = f" ({'; and '.join(what)})" if what else ""
        return f"{self.removed:,} of the {self.rows_before:,} rows of {self.table}{detail}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _label(unit: str, value) -> str:
    if unit == "month":
        return f"{value:%b %Y}"
    if unit == "day":
        return f"{value:%d %b %Y}"
    if unit == "fiscal year":
        return f"FY{value}"
    return str(value)


def _step(unit: str, value) -> int | None:
    """Periods as consecutive integers, to tell a run of months from scattered ones."""
    if unit == "month":
        return value.year * 12 + value.month
    if unit in ("year", "fiscal year"):
        return int(value)
    return None


def _span(unit: str, periods: list, counted: bool = False) -> str:
    """'Sep 2025', 'Jul–Aug 2025', 'Dec 2024–Feb 2025', 'Jan 2019 and Mar 2020', or for
    scattered periods '5 months between Jan 2019 and Dec 2023' ('between …' when the
    caller has already given the count)."""
    if not periods:
        return ""
    first, last = periods[0], periods[-1]
    if len(periods) == 1:
        return _label(unit, first)
    steps = [_step(unit, p) for p in periods]
    if None not in steps and steps[-1] - steps[0] == len(steps) - 1:
        if unit == "month" and first.year == last.year:
            return f"{first:%b}–{last:%b %Y}"
        return f"{_label(unit, first)}–{_label(unit, last)}"
    if len(periods) == 2:
        return f"{_label(unit, first)} and {_label(unit, last)}"
    between = f"between {_label(unit, first)} and {_label(unit, last)}"
    return between if counted else f"{_count(len(periods), unit)} {between}"


def _in(unit: str, periods: list) -> str:
    return f" in {_span(unit, periods)}" if unit and periods else ""


def _period_column(table: Table) -> tuple[str, str]:
    """The key column that says when (a month or a year), and its unit; ("", "") if none."""
    types = {c.name: c.type for c in table.columns}
    for name in table.primary_key:
        if types.get(name) == "date":
            return name, "month"  # refined to "day" if the values are not firsts of months
    for name in table.primary_key:
        if types.get(name) == "integer" and name.endswith("year"):
            return name, "fiscal year" if name.startswith("fiscal") else "year"
    return "", ""


def _read_as_text(data: bytes):
    """A rendered table with every cell as the exact text written: rendering is canonical, so
    equal text means equal values, and no float or date parsing can blur a difference."""
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)


def compare_tables(table: Table, old: bytes, new: bytes) -> TableChange:
    """What writing ``new`` over ``old`` (both rendered CSV bytes) would change, matching
    rows by the table's primary key. Vectorised (one outer merge): cbp_encounters has 70k rows."""
    import pandas as pd

    new_df = _read_as_text(new)
    col, unit = _period_column(table)

    def periods(values: pd.Series) -> list:
        if not col or values.empty:
            return []
        uniq = values.drop_duplicates()
        if unit in ("month", "day"):
            # an old table edited by hand may hold a stray value: leave it out of the summary
            return sorted(pd.to_datetime(uniq, format="%Y-%m-%d", errors="coerce").dropna())
        return sorted(int(v) for v in uniq if str(v).lstrip("-").isdigit())

    old_rows = old.count(b"\n") - 1 if old else 0
    if old_rows <= 0:  # no table yet (a first fetch) or only a header: nothing can be lost
        change = TableChange(table.name, unit, 0, len(new_df), first_fetch=True, added=len(new_df))
        change.all_periods = periods(new_df[col]) if col in new_df else []
        return _refine_unit(change)
    old_df = _read_as_text(old)
    key = list(table.primary_key)
    if not (set(key) <= set(old_df.columns) and set(key) <= set(new_df.columns)):
        return TableChange(table.name, unit, len(old_df), len(new_df), comparable=False)
    values = [c for c in new_df.columns if c in old_df.columns and c not in key]
    merged = old_df[key + values].merge(
        new_df[key + values], on=key, how="outer", suffixes=("\x00old", "\x00new"), indicator=True
    )
    side = merged["_merge"]
    added = merged[side == "right_only"]
    removed = merged[side == "left_only"]
    both = merged[side == "both"]
    diff = pd.DataFrame({c: both[f"{c}\x00old"] != both[f"{c}\x00new"] for c in values}, index=both.index)
    change = TableChange(
        table.name,
        unit,
        len(old_df),
        len(new_df),
        added=len(added),
        removed=len(removed),
        revised=int(diff.to_numpy().sum()) if values else 0,
    )
    if col:
        old_p = set(old_df[col])
        new_p = set(new_df[col])
        fresh = ~added[col].isin(old_p)
        change.new_periods = periods(added.loc[fresh, col])
        change.new_period_rows = int(fresh.sum())
        change.other_added_periods = periods(added.loc[~fresh, col])
        gone = ~removed[col].isin(new_p)
        change.gone_periods = periods(removed.loc[gone, col])
        change.gone_period_rows = int(gone.sum())
        change.other_removed_periods = periods(removed.loc[~gone, col])
        if values:
            change.revised_periods = periods(both.loc[diff.any(axis=1), col])
    change.removed_examples = [
        ", ".join(f"{k}={row[k]}" for k in key) for _, row in removed.head(3).iterrows()
    ]
    return _refine_unit(change)


def _refine_unit(change: TableChange) -> TableChange:
    """A date key whose values are not all firsts of months is a day, not a month."""
    if change.unit == "month":
        seen = (
            change.all_periods
            + change.new_periods
            + change.other_added_periods
            + change.gone_periods
            + change.other_removed_periods
            + change.revised_periods
        )
        if any(p.day != 1 for p in seen):
            change.unit = "day"
    return change


#: the period column of a table's key and its unit, for other modules (the digest)
period_column = _period_column
