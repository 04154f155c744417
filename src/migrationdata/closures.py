"""The closures ledger: which US-Mexico crossings were shut, when, why, and who says so.

``data/closures.csv`` is the project's own data, kept by hand (it is not fetched). One row per
closure of one crossing, with:

- ``id``: a short slug (``eagle-pass-rail-2023-12``) that notebooks and claims refer to;
- ``port``, ``state`` (postal code), ``port_code`` (the four-digit CBP/BTS port code, as text)
  and ``crossing`` (the bridge, gate or line that shut);
- ``mode``: what stopped, one of :data:`MODES`;
- ``closed_from`` / ``reopened_on``: local calendar dates at the crossing; ``reopened_on`` is
  empty while no source gives a reopening;
- ``closed_at`` / ``reopened_at``: the local time with its UTC offset
  (``2023-12-18T08:00-06:00``), only where a source gives the hour, and ``time_zone`` (IANA
  name) so an offset can be checked against daylight saving;
- ``reason``: in our own words;
- ``sources``: one or more ``Title (Publisher; YYYY-MM-DD) https://...`` separated by `` | ``.
  The first reports the closure, the last the reopening; any between corroborate or add
  context. A month (``2023-12``) stands in for the date when the page gives no day.

Two measures of length, because they answer different questions: ``days_closed`` counts
calendar days inclusive (the rail bridges shut on 18 December and reopened on 22 December:
five days, which is how the story counts), ``hours_closed`` the time actually elapsed where
both hours are known (about 100 hours at the rail bridges: four days and a few hours).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lazy_loader

from migrationdata.errors import DataError
from migrationdata.paths import REPO_DIR

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

MODES = ("rail", "vehicle", "pedestrian", "whole port")
STATES = ("AZ", "CA", "NM", "TX")  # the four border states
COLUMNS = [
    "id",
    "port",
    "state",
    "port_code",
    "crossing",
    "mode",
    "closed_from",
    "reopened_on",
    "closed_at",
    "reopened_at",
    "time_zone",
    "reason",
    "sources",
]
SOURCE_SEPARATOR = " | "
# Title (Publisher; 2023-12-22) https://...  -- the publisher may hold commas, not semicolons
_SOURCE_RE = re.compile(
    r"^(?P<title>.+?) \((?P<publisher>[^();]+); (?P<date>\d{4}-\d{2}(?:-\d{2})?)\) (?P<url>\S+)$"
)
_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?[+-]\d{2}:\d{2}$")


def ledger_path() -> Path:
    """The repository's ``data/closures.csv``, or ``MIGRATIONDATA_CLOSURES`` if set.

    Not under ``MIGRATIONDATA_DATA``: that moves the generated tables (tests rebuild them in
    a temporary folder), while the ledger is written by hand and always comes from git."""
    env = os.environ.get("MIGRATIONDATA_CLOSURES")
    return Path(env).resolve() if env else REPO_DIR / "data" / "closures.csv"


# ----------------------------------------------------------------------------- parsing


def parse_sources(text: str, file: str = "closures.csv", row_id: str = "?") -> list[dict]:
    """Split a ``sources`` cell into dicts: title, publisher, date (text), url."""
    entries = [e.strip() for e in str(text).split(SOURCE_SEPARATOR.strip())] if str(text).strip() else []
    entries = [e for e in entries if e]
    if not entries:
        raise DataError(
            file,
            f"closure {row_id!r} has no source. Every row needs at least one "
            "'Title (Publisher; YYYY-MM-DD) https://...' entry.",
        )
    out = []
    for entry in entries:
        m = _SOURCE_RE.match(entry)
        if not m:
            raise DataError(
                file,
                f"closure {row_id!r}: cannot read the source {entry!r}; expected "
                "'Title (Publisher; YYYY-MM-DD) https://...', several separated by ' | '.",
            )
        src = m.groupdict()
        if not src["url"].startswith("https://") or len(src["url"]) <= len("https://x."):
            raise DataError(
                file, f"closure {row_id!r}: the source URL {src['url']!r} is not an https address."
            )
        fmt = "%Y-%m-%d" if len(src["date"]) == 10 else "%Y-%m"
        try:
            datetime.strptime(src["date"], fmt)
        except ValueError:
            raise DataError(
                file, f"closure {row_id!r}: the source date {src['date']!r} is not a real date."
            ) from None
        out.append(src)
    return out


def _parse_date(value: str, column: str, row_id: str, file: str) -> pd.Timestamp | None:
    value = str(value).strip()
    if not value:
        return None
    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError:
        raise DataError(
            file, f"closure {row_id!r}: {column} {value!r} is not a date in the form YYYY-MM-DD."
        ) from None


def _parse_time(value: str, column: str, row: dict, file: str) -> datetime | None:
    """A local time with its UTC offset; the offset must be the zone's on that day."""
    value = str(value).strip()
    if not value:
        return None
    row_id = row["id"]
    if not _TIME_RE.match(value):
        raise DataError(
            file,
            f"closure {row_id!r}: {column} {value!r} must be a local time with its UTC offset, "
            "e.g. 2023-12-18T08:00-06:00.",
        )
    moment = datetime.fromisoformat(value)
    try:
        zone = ZoneInfo(row["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError(
            file,
            f"closure {row_id!r}: time_zone {row['time_zone']!r} is not an IANA zone name "
            f"(e.g. America/Chicago); it is needed to check {column}.",
        ) from None
    expected = moment.astimezone(zone).utcoffset()
    if moment.utcoffset() != expected:
        raise DataError(
            file,
            f"closure {row_id!r}: {column} {value} has offset {moment.utcoffset()}, but "
            f"{row['time_zone']} was at {expected} on that date (daylight saving?).",
        )
    return moment


def read_ledger(path: Path) -> pd.DataFrame:
    """Read and check a closures ledger; return one row per closure with parsed dates,
    ``days_closed`` and ``hours_closed``. Raises :class:`DataError` naming the row."""
    file = path.name
    if not path.exists():
        raise DataError(str(path), "the closures ledger is missing; restore it from git.")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS if c not in raw.columns]
    extra = [c for c in raw.columns if c not in COLUMNS]
    if missing or extra:
        raise DataError(
            file, f"columns differ from the ledger's layout: missing {missing}, unexpected {extra}."
        )
    raw = raw[COLUMNS].apply(lambda s: s.str.strip())
    if raw.empty:
        raise DataError(file, "the ledger has no rows.")
    dup = raw["id"].duplicated(keep=False)
    if dup.any():
        raise DataError(file, "closure ids must be unique", raw.loc[dup, ["id", "port", "closed_from"]])

    records = []
    for row in raw.to_dict("records"):
        row_id = row["id"]
        if not _ID_RE.match(row_id):
            raise DataError(file, f"the id {row_id!r} must be lower-case words joined by hyphens.")
        for col in ("port", "crossing", "reason"):
            if not row[col]:
                raise DataError(file, f"closure {row_id!r} has an empty {col}.")
        if row["mode"] not in MODES:
            raise DataError(
                file, f"closure {row_id!r}: mode {row['mode']!r} is not one of {', '.join(MODES)}."
            )
        if row["state"] not in STATES:
            raise DataError(
                file, f"closure {row_id!r}: state {row['state']!r} is not a border state code {STATES}."
            )
        if not re.fullmatch(r"\d{4}", row["port_code"]):
            raise DataError(
                file,
                f"closure {row_id!r}: port_code {row['port_code']!r} must be the four-digit "
                "CBP port code, as text with any leading zero (e.g. 2303).",
            )
        closed_from = _parse_date(row["closed_from"], "closed_from", row_id, file)
        if closed_from is None:
            raise DataError(file, f"closure {row_id!r} has no closed_from date.")
        reopened_on = _parse_date(row["reopened_on"], "reopened_on", row_id, file)
        if reopened_on is not None and reopened_on < closed_from:
            raise DataError(
                file,
                f"closure {row_id!r} reopens ({reopened_on:%Y-%m-%d}) before it closes "
                f"({closed_from:%Y-%m-%d}); check the two dates.",
            )
        closed_at = _parse_time(row["closed_at"], "closed_at", row, file)
        reopened_at = _parse_time(row["reopened_at"], "reopened_at", row, file)
        if closed_at is not None and closed_at.date() != closed_from.date():
            raise DataError(file, f"closure {row_id!r}: closed_at {row['closed_at']} is not on closed_from.")
        if reopened_at is not None:
            if reopened_on is None or reopened_at.date() != reopened_on.date():
                raise DataError(
                    file, f"closure {row_id!r}: reopened_at {row['reopened_at']} is not on reopened_on."
                )
            if closed_at is not None and reopened_at <= closed_at:
                raise DataError(file, f"closure {row_id!r}: reopened_at is not after closed_at.")
        parse_sources(row["sources"], file, row_id)
        days = (reopened_on - closed_from).days + 1 if reopened_on is not None else pd.NA
        hours = (
            (reopened_at - closed_at).total_seconds() / 3600
            if closed_at is not None and reopened_at is not None
            else float("nan")
        )
        records.append(
            {
                **row,
                "closed_from": closed_from,
                "reopened_on": reopened_on if reopened_on is not None else pd.NaT,
                "days_closed": days,
                "hours_closed": hours,
            }
        )
    df = pd.DataFrame.from_records(records)
    df["closed_from"] = pd.to_datetime(df["closed_from"])
    df["reopened_on"] = pd.to_datetime(df["reopened_on"])
    df["days_closed"] = df["days_closed"].astype("Int64")
    df["hours_closed"] = df["hours_closed"].astype("float64")
    for col in [c for c in COLUMNS if c not in ("closed_from", "reopened_on")]:
        df[col] = df[col].astype("string")
    return df.sort_values(["closed_from", "id"], kind="mergesort").reset_index(drop=True)


# ----------------------------------------------------------------------------- loaders


#: the ledger as last read, by (path, modification time, size): a fact-check reads it once per
#: claim, and a draft many times, while the file changes only when someone edits it
_READ: dict[tuple[str, int, int], pd.DataFrame] = {}


def load(path: Path | None = None) -> pd.DataFrame:
    """Every closure in the ledger, checked, with ``days_closed`` (calendar days, inclusive)
    and ``hours_closed`` (elapsed hours; empty unless both hours are known)."""
    path = Path(path or ledger_path())
    try:
        st = path.stat()
    except OSError:
        return read_ledger(path)  # names the missing file
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _READ:
        _READ.clear()
        _READ[key] = read_ledger(path)
    return _READ[key].copy()


def get(closure_id: str, path: Path | None = None) -> pd.Series:
    """One closure by its id (e.g. ``"eagle-pass-rail-2023-12"``)."""
    df = load(path)
    hit = df[df["id"] == closure_id]
    if hit.empty:
        known = ", ".join(df["id"])
        raise KeyError(f"no closure {closure_id!r} in the ledger; known ids: {known}")
    return hit.iloc[0]


def sources(closure_id: str, path: Path | None = None) -> list[dict]:
    """The sources of one closure: title, publisher, date and url of each, in ledger order."""
    row = get(closure_id, path)
    return parse_sources(row["sources"], "closures.csv", closure_id)


def as_known_on(day: str | date | pd.Timestamp | None = None, path: Path | None = None) -> pd.DataFrame:
    """The ledger as it could be read on ``day`` (None: the whole ledger, as it stands today).

    A closure counts once a source had reported it: its earliest source dated on or before
    ``day`` (a source dated only by month counts from the 1st). A reopening after ``day`` had
    not happened yet, so the closure is open-ended then: ``reopened_on`` and ``reopened_at``
    are empty, and so are ``days_closed`` and ``hours_closed``, which would otherwise give away
    the future. A closure reported ahead of time (an announced suspension) is kept even if it
    had not begun by ``day``; a chart that draws only what had happened filters on
    ``closed_from`` itself.
    """
    df = load(path)
    if day is None:
        return df
    when = pd.Timestamp(day).date()
    keep, reopened = [], []
    for row in df.itertuples():
        dates = [
            pd.Timestamp(s["date"]).date()
            for s in parse_sources(row.sources, "closures.csv", row.id)
            if s.get("date")
        ]
        keep.append(bool(dates) and min(dates) <= when)
        reopened.append(pd.notna(row.reopened_on) and row.reopened_on.date() <= when)
    reopened = pd.Series(reopened, index=df.index)
    df = df.copy()
    df.loc[~reopened, "reopened_on"] = pd.NaT
    df.loc[~reopened, ["days_closed", "hours_closed"]] = pd.NA
    df.loc[~reopened, "reopened_at"] = ""
    return df[keep].reset_index(drop=True)


def active_on(day: str | date | pd.Timestamp, path: Path | None = None) -> pd.DataFrame:
    """Closures in force at some point on ``day`` (local calendar date at the crossing).

    The closing and reopening days both count, as in ``days_closed``. A closure with no
    reopening in the ledger counts as still in force."""
    when = pd.Timestamp(day).normalize()
    df = load(path)
    ends = df["reopened_on"].fillna(pd.Timestamp.max.normalize())
    return df[(df["closed_from"] <= when) & (when <= ends)].reset_index(drop=True)


def _day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}"


def duration(closure_id: str, path: Path | None = None) -> dict:
    """How long a closure lasted, both ways, with a sentence a fact-checker can quote."""
    row = get(closure_id, path)
    days = row["days_closed"]
    hours = row["hours_closed"]
    start, end = row["closed_from"], row["reopened_on"]
    if pd.isna(days):
        summary = f"{row['port']}, {row['crossing']}: closed {_day(start)}; no reopening is recorded."
    else:
        summary = (
            f"{row['port']}, {row['crossing']}: closed {_day(start)}, reopened {_day(end)}; "
            f"{int(days)} calendar days counting both ends"
        )
        if pd.notna(hours):
            d, h = divmod(round(hours), 24)
            summary += f", {hours:.0f} hours elapsed ({d} days {h} hours)"
        summary += "."
    return {
        "id": closure_id,
        "closed_from": start,
        "reopened_on": end,
        "days_closed": None if pd.isna(days) else int(days),
        "hours_closed": None if pd.isna(hours) else float(hours),
        "summary": summary,
    }


def days_closed_in_month(
    closure: pd.Series, month: pd.Timestamp, last_day: pd.Timestamp | None = None
) -> int:
    """Calendar days of ``month`` on which ``closure`` was in force (both ends counted).

    An open-ended closure runs to ``last_day`` (default: the end of ``month``)."""
    month_start = pd.Timestamp(month).to_period("M").to_timestamp()
    month_end = month_start + pd.offsets.MonthEnd(0)
    end = closure["reopened_on"]
    if pd.isna(end):
        end = last_day if last_day is not None else month_end
    first = max(closure["closed_from"], month_start)
    last = min(end, month_end)
    return max((last - first).days + 1, 0)
