"""What a new release changes in a processed table: new periods, revised values, rows that
would disappear, and whatever breaks the source's revision policy (values emptied or moved
beyond the publisher's usual revisions, months not yet published, a month cut short). Pure
pandas on two renderings of one table (tables layer)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from migrationdata.catalog import RevisionPolicy, Table
from migrationdata.vintages import RELEASES, Vintage


@dataclass(frozen=True)
class Breach:
    """One cell or period a new release changes beyond the source's revision policy."""

    table: str
    kind: str  # emptied / beyond tolerance / not yet published / incomplete month / break
    where: str  # the row's key, or the period
    column: str = ""
    old: str = ""
    new: str = ""
    note: str = ""

    def __str__(self) -> str:
        col = f" {self.column}" if self.column else ""
        values = f": {self.old or '(empty)'} -> {self.new or '(empty)'}" if (self.old or self.new) else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.table} [{self.where}]{col}{values}: {self.kind}{note}"


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
    #: what this change does beyond the source's revision policy (empty: a normal release)
    breaches: list[Breach] = field(default_factory=list)

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


def period_column(table: Table) -> tuple[str, str]:
    """The key column that says when (a month or a year), and its unit; ("", "") if none."""
    types = {c.name: c.type for c in table.columns}
    for name in table.primary_key:
        if types.get(name) == "date":
            return name, "month"  # refined to "day" if the values are not firsts of months
    for name in table.primary_key:
        if types.get(name) == "integer" and name.endswith("year"):
            return name, "fiscal year" if name.startswith("fiscal") else "year"
    return "", ""


def read_as_text(data: bytes):
    """A rendered table with every cell as the exact text written: rendering is canonical, so
    equal text means equal values, and no float or date parsing can blur a difference."""
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)


def compare_tables(
    table: Table,
    old: bytes,
    new: bytes,
    policy: RevisionPolicy | None = None,
    source: str = "",
    today: date | None = None,
) -> TableChange:
    """What writing ``new`` over ``old`` (both rendered CSV bytes) would change, matching
    rows by the table's primary key. Vectorised (one outer merge): cbp_encounters has 70k rows.

    With a ``policy``, ``breaches`` lists what the release does beyond it (``source`` names
    the publisher's release lag in ``vintages``; ``today`` defaults to the real date)."""
    import pandas as pd

    new_df = read_as_text(new)
    col, unit = period_column(table)

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
        change = _refine_unit(change)
        if policy is not None and col in new_df:
            change.breaches = _future(table, change.unit, new_df, col, source, today)
        return change
    old_df = read_as_text(old)
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
    change = _refine_unit(change)
    if policy is not None:
        change.breaches = _breaches(
            table, change.unit, col, key, values, old_df, new_df, both, diff, added, policy, source, today
        )
    return change


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


# ----------------------------------------------------------------------------- revision policy


def foreign_table(table: Table, data: bytes) -> str:
    """What shows that a processed table's bytes were not written by this project (a spreadsheet
    program re-saved it), or "" if they look like ours: UTF-8 without a byte-order mark, ``\\n``
    line endings, ISO dates."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "it starts with a byte-order mark"
    if b"\r\n" in data[:65536]:
        return "it has Windows line endings (CRLF)"
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return "it is not UTF-8 text"
    # a header with other columns is a table written by another version of the project's code
    # (a column added or dropped): compare_tables compares the columns both have, so it is not
    # mistaken for a spreadsheet's work; dates are found by name in the file's own header
    header = lines[0].split(",")
    date_names = {c.name for c in table.columns if c.type == "date"}
    dates = [i for i, name in enumerate(header) if name in date_names]
    for line in lines[1:]:
        if not line or '"' in line:
            continue
        cells = line.split(",")
        for i in dates:
            if i < len(cells) and cells[i] and not _ISO_DATE.fullmatch(cells[i]):
                return f"its dates are written like {cells[i]!r}, not YYYY-MM-DD"
    return ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _measures(table: Table) -> list[str]:
    """The columns that count something (numeric, with a unit): what revisions are measured on."""
    return [
        c.name
        for c in table.columns
        if c.type in ("integer", "number") and c.unit and c.name not in table.primary_key
    ]


def _period_start(unit: str, values):
    """Each period as the date it starts (a fiscal year starts the October before)."""
    import pandas as pd

    if unit in ("month", "day"):
        return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    years = pd.to_numeric(values, errors="coerce")
    if unit == "fiscal year":
        return pd.to_datetime({"year": years - 1, "month": 10, "day": 1}, errors="coerce")
    return pd.to_datetime({"year": years, "month": 1, "day": 1}, errors="coerce")


def _share(x: float) -> str:
    """A relative change in words: +84.4%, or +0.0020% when it is tiny."""
    return f"{x:+.1%}" if abs(x) >= 0.001 else f"{x * 100:+.2g}%"


def _key_text(row, key: list[str]) -> str:
    return ", ".join(str(row[k]) for k in key)


def _future(table: Table, unit: str, df, col: str, source: str, today: date | None) -> list[Breach]:
    """Periods in ``df`` that the publisher could not have released by ``today``."""
    import pandas as pd

    if not col or df.empty:
        return []
    today = today or date.today()
    starts = _period_start(unit, df[col].drop_duplicates())
    out = []
    for text, start in zip(df[col].drop_duplicates(), starts, strict=True):
        if pd.isna(start):
            continue
        if unit in ("month", "day") and source in RELEASES:
            month = pd.Timestamp(start).replace(day=1)
            released = Vintage().released_on(source, month)
            rule = RELEASES[source].rule
        elif unit in ("month", "day"):
            released = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
            rule = "after the month ends"
        else:
            released = pd.Timestamp(start).date()  # a year in progress may be reported, not a later one
            rule = "a year cannot be reported before it begins"
        if released > today:
            out.append(
                Breach(
                    table.name,
                    "not yet published",
                    str(text),
                    note=f"the publisher releases it {rule}, i.e. on {released:%d %b %Y}, after today "
                    f"({today:%d %b %Y}): a wrong date or a wrong file",
                )
            )
    return out


def _breaches(table, unit, col, key, values, old_df, new_df, both, diff, added, policy, source, today):
    import pandas as pd

    out: list[Breach] = []
    flagged: set[tuple[str, str]] = set()  # (period, column) already listed cell by cell
    measures = [c for c in _measures(table) if c in values]
    # 1. a published value withdrawn: the row is still there but the cell became empty
    for c in values:
        emptied = both[(both[f"{c}\x00old"] != "") & (both[f"{c}\x00new"] == "")]
        for _, row in emptied.iterrows():
            flagged.add((row[col] if col else "", c))
            out.append(
                Breach(
                    table.name, "value withdrawn (now empty)", _key_text(row, key), c, row[f"{c}\x00old"], ""
                )
            )
    # 2. months the publisher cannot have released yet (only the rows this release adds)
    out += _future(table, unit, added, col, source, today)
    if table.name in policy.logs:
        return out
    # 3. values moved beyond the publisher's usual revisions
    # a yearly table's latest year grows as its months arrive (a year in progress, summed from
    # a monthly table that is held to the policy month by month): only earlier years must hold
    open_year = None
    if unit in ("year", "fiscal year") and col:
        years = [v for v in old_df[col] if str(v).lstrip("-").isdigit()]
        open_year = max(years, key=int) if years else None
    if measures and len(both):
        latest = _period_start(unit, old_df[col]).max() if col else None
        starts = _period_start(unit, both[col]) if col else None
        for c in measures:
            changed = both[diff[c]] if c in diff else both.iloc[0:0]
            if open_year is not None:
                changed = changed[changed[col] != open_year]
            if changed.empty:
                continue
            o = pd.to_numeric(changed[f"{c}\x00old"], errors="coerce")
            n = pd.to_numeric(changed[f"{c}\x00new"], errors="coerce")
            delta = (n - o).abs()
            if col and latest is not None and not pd.isna(latest):
                recent = starts.loc[changed.index] >= latest - pd.DateOffset(months=policy.recent_months)
            else:
                recent = pd.Series(True, index=changed.index)
            tol = recent.map({True: policy.recent_tolerance, False: policy.settled_tolerance})
            floor = recent.map({True: policy.min_change, False: 0.0})
            beyond = (delta > tol * o.abs()) & (delta > floor) & n.notna() & o.notna()
            for i in changed.index[beyond.to_numpy()]:
                flagged.add((changed.at[i, col] if col else "", c))
                share = _share((n[i] - o[i]) / o[i]) if o[i] else "from zero"
                window = "a recent period" if recent[i] else "a settled period"
                out.append(
                    Breach(
                        table.name,
                        "revised beyond the source's tolerance",
                        _key_text(changed.loc[i], key),
                        c,
                        changed.at[i, f"{c}\x00old"],
                        changed.at[i, f"{c}\x00new"],
                        f"{share}, in {window}; allowed {tol[i]:.1%}",
                    )
                )
    # 4. a new month cut short, or a break in the series' total (monthly tables only: a year
    #    in progress is legitimately small)
    if unit == "month" and col:
        # only months this release brings for the first time: a month already published is
        # held to the revision tolerance cell by cell, whatever its level
        touched = set(added[col]) - set(old_df[col])
        out += _series_breaks(table, col, new_df, touched, measures, policy, flagged)
    return out


def _month_label(period: str) -> str:
    """'2025-03-01' -> 'Mar 2025' (a period as the table writes it)."""
    try:
        return f"{date.fromisoformat(period):%b %Y}"
    except ValueError:
        return period


def _series_breaks(table, col, new_df, touched, measures, policy, flagged) -> list[Breach]:
    """A changed month with far fewer rows, or a far smaller (or larger) total, than both the
    median of the six months before it and the month just before: what a file cut short inside
    its last month looks like. Both, because a series in steady decline (the route's flows in
    2025: Honduras 3,427, 2,502, 2,116 a month) sits far below its six-month median without any
    month being cut; a sudden fall from one month to the next is still a break to confirm."""
    import pandas as pd

    if not touched:
        return []
    numbers = new_df[measures].apply(pd.to_numeric, errors="coerce") if measures else None
    grouped = new_df.assign(**({} if numbers is None else {m: numbers[m] for m in measures})).groupby(
        col, sort=True
    )
    rows = grouped.size()
    # min_count: a month whose column is empty throughout has no total (not published), not 0
    totals = grouped[measures].sum(min_count=1) if measures else None
    order = list(rows.index)
    out = []
    for period in sorted(touched):
        if period not in rows.index:
            continue
        i = order.index(period)
        before = order[max(0, i - 6) : i]
        if len(before) < 3:
            continue
        typical = rows.loc[before].median()
        last = rows.loc[before[-1]]
        if rows[period] < policy.break_ratio * min(typical, last):
            out.append(
                Breach(
                    table.name,
                    "month incomplete",
                    str(period),
                    note=f"{rows[period]:,} rows against a median of {typical:,.0f} in the months before "
                    f"and {last:,} in {_month_label(before[-1])} (a file cut short inside its last month "
                    "looks like this)",
                )
            )
        for m in measures:
            if (period, m) in flagged:
                continue  # its cells are listed already, old and new values
            median = totals.loc[before, m].median()
            value = totals.at[period, m]
            if pd.isna(value):
                continue  # the publisher gives no figure for this column that month (a total only)
            # the month before, where it has a figure (else the median stands for it)
            last = totals.at[before[-1], m]
            last = median if pd.isna(last) else last
            low, high = min(median, last), max(median, last)
            if median > 0 and not (policy.break_ratio * low <= value <= high / policy.break_ratio**2):
                out.append(
                    Breach(
                        table.name,
                        "break in the series' total",
                        str(period),
                        m,
                        note=f"total {value:,.0f} against a median of {median:,.0f} in the six months before "
                        f"and {last:,.0f} in {_month_label(before[-1])}",
                    )
                )
    return out
