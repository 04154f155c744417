"""Border crossings: inbound traffic at each US-Mexico port, by month and kind of traffic.

Publisher: the Bureau of Transportation Statistics (BTS), "Border Crossing Entry Data"
(Socrata dataset ``keg4-3bc2``), compiled from CBP counts. Every figure is a count of
northbound crossings into the United States in a month, for the whole port (all its bridges
and gates together), for one of twelve measures (trains, trucks, pedestrians...).

Two ways in, one table out:

- **Mirror** (``--mirror``): the full export of every port on both borders since 1996
  (``Border_Crossing_Entry_Data.csv``, about 46 MB), filtered here to the US-Mexico border
  from January 2019.
- **Live**: the Socrata API with the filter applied on the server (``$where`` on border,
  date and measure, ``$select`` of the fields we keep, pages of ``$limit`` rows ordered by
  ``:id``), so a refresh downloads a megabyte or two, not the whole export.

Both are parsed into the same raw frame and tidied by the same code, so they give the same
``crossings_us_mexico`` table. Quirks handled (see ``bts/PROVENANCE.md`` in the mirror): rows
repeated with the same value are reported and dropped; a key with two different values is an
error unless :data:`CORRECTIONS` explains it; a month with no row inside a port's series (for
instance January 2024 pedestrians at San Ysidro and six other ports) becomes a row with an
empty value: missing, never zero.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import lazy_loader

from migrationdata import processed, schemas
from migrationdata.catalog import Column, RemoteFile, RevisionPolicy, Source, Table
from migrationdata.errors import DataError, FetchError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

LANDING_PAGE = "https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2/about_data"
EXPORT_URL = "https://data.bts.gov/api/views/keg4-3bc2/rows.csv?accessType=DOWNLOAD"
API_URL = "https://data.bts.gov/resource/keg4-3bc2.csv"
EXPORT_FILE = "Border_Crossing_Entry_Data.csv"
API_FILE = "crossings_us_mexico_api.csv"

BORDER = "US-Mexico Border"
FIRST_MONTH = datetime(2019, 1, 1)
MEASURES = (
    "Bus Passengers",
    "Buses",
    "Pedestrians",
    "Personal Vehicle Passengers",
    "Personal Vehicles",
    "Rail Containers Empty",
    "Rail Containers Loaded",
    "Train Passengers",
    "Trains",
    "Truck Containers Empty",
    "Truck Containers Loaded",
    "Trucks",
)
#: export columns no table uses (not worth a warning)
UNUSED_COLUMNS = ("Latitude", "Longitude", "Point")
#: export column -> our name. The API's field names are the snake_case of these.
EXPORT_COLUMNS = {
    "Port Name": "port",
    "State": "state",
    "Port Code": "port_code",
    "Border": "border",
    "Date": "date",
    "Measure": "measure",
    "Value": "value",
}
API_FIELDS = {
    "port_name": "port",
    "state": "state",
    "port_code": "port_code",
    "border": "border",
    "date": "date",
    "measure": "measure",
    "value": "value",
}
EXPORT_DATE_FORMAT = "%b %Y"  # "Dec 2023"
API_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"  # "2023-12-01T00:00:00.000", a floating timestamp
PAGE_SIZE = 10_000  # rows per API page; 2.0 endpoints allow up to 50,000
PAGE_MAX_BYTES = 5_000_000
MAX_PAGES = 200


@dataclass(frozen=True)
class Correction:
    """A known conflict in the publisher's file and what we publish instead.

    ``expect`` is the set of values the file holds for the key: the correction applies only
    while the file holds exactly those, so once BTS fixes the row it is not silently reapplied
    (the fetch warns that the correction can go)."""

    port_code: str
    month: str  # YYYY-MM
    measure: str
    expect: tuple[int, ...]
    value: int | None  # None: publish the month as missing
    reason: str


CORRECTIONS = (
    Correction(
        port_code="2606",
        month="2021-02",
        measure="Bus Passengers",
        expect=(0, 2175),
        value=None,
        reason=(
            "Sasabe, February 2021: the file has two Bus Passengers rows, 0 and 2,175, and no "
            "Buses row. Sasabe reports no bus traffic in earlier years, and 2,175 is close to "
            "that month's personal-vehicle count, so neither value can be trusted: missing."
        ),
    ),
)

# ----------------------------------------------------------------------------- schema


def _crossings_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_MONTH),
            "port": pa.Column(str, pa.Check.str_length(min_value=1)),
            "port_code": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
            "state": pa.Column(str, pa.Check.str_length(min_value=1)),
            "measure": pa.Column(str, pa.Check.isin(MEASURES)),
            "value": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        },
        coerce=True,
        strict=True,
    )


CROSSINGS = Table(
    name="crossings_us_mexico",
    title="Inbound crossings at US-Mexico ports by month and measure",
    description=(
        "Northbound crossings into the US at each port of entry on the Mexican border, by "
        "month from January 2019, for each of BTS's twelve measures (trains, rail containers, "
        "trucks, personal vehicles and their passengers, buses, pedestrians...). Counts are for "
        "the whole port, all its crossings together. A month inside a port's series for which "
        "BTS published no row has an empty value: missing, not zero (e.g. January 2024 "
        "pedestrians at San Ysidro). Rows the publisher repeats are dropped; a conflicting "
        "pair is resolved only by a documented correction (Sasabe bus passengers, February "
        "2021: missing)."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("port", "string", "Port of entry, as BTS names it."),
        Column("port_code", "string", "CBP four-digit port code, as text (keeps leading zeros)."),
        Column("state", "string", "US state, as BTS names it."),
        Column("measure", "string", "What was counted, in BTS's words (e.g. Trains, Pedestrians)."),
        Column(
            "value",
            "integer",
            "Inbound crossings in the month; empty where BTS published no figure.",
            "crossings (vehicles, containers or people, per measure)",
        ),
    ),
    primary_key=("port_code", "measure", "month"),
    schema=_crossings_schema,
    files=(EXPORT_FILE, API_FILE),  # process(): the full export (mirror), or the API's rows (live)
)

# ----------------------------------------------------------------------------- parsing


def _read_csv_checked(path: Path, columns: dict[str, str], what: str) -> pd.DataFrame:
    """Read only the columns we use, all as text, after checking the header has them."""
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except Exception as exc:
        raise DataError(path.name, f"not a readable CSV file ({exc}).") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(
            path.name,
            f"the {what} should have columns {list(columns)}; {missing} are missing "
            f"(found {list(header)}). The publisher may have renamed them.",
        )
    extra = [c for c in header if c not in columns and c not in UNUSED_COLUMNS]
    if extra:
        warnings.warn(f"{path.name}: ignoring columns this project does not know: {extra}", stacklevel=2)
    df = pd.read_csv(
        path,
        usecols=list(columns),
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    return df.rename(columns=columns)


def parse_export(path: Path) -> pd.DataFrame:
    """The full CSV export (both borders, every month) -> the raw frame, US-Mexico from 2019."""
    df = _read_csv_checked(path, EXPORT_COLUMNS, "BTS export")
    return _select(df, path.name, EXPORT_DATE_FORMAT, "Dec 2023")


def parse_api(path: Path) -> pd.DataFrame:
    """Pages of the Socrata API, assembled by :func:`download` -> the raw frame."""
    df = _read_csv_checked(path, API_FIELDS, "assembled API response")
    return _select(df, path.name, API_DATE_FORMAT, "2023-12-01T00:00:00.000")


def _check_port_codes(df: pd.DataFrame, file: str) -> None:
    # checked on the distinct codes (a hundred or so), not on each of the file's rows
    uniq = pd.Series(df["port_code"].unique(), dtype=df["port_code"].dtype)
    wrong = uniq[~uniq.str.strip().str.fullmatch(r"\d{4}")]
    if wrong.empty:
        return
    bad = df["port_code"].isin(wrong)
    codes = df.loc[bad, "port_code"].str.strip()
    sample = df.loc[bad, ["port", "port_code", "date", "measure"]]
    for col in ("port", "port_code", "measure"):
        sample[col] = sample[col].str.strip()
    sample = sample.drop_duplicates("port_code").head(10)
    if codes.str.fullmatch(r"\d{1,3}").all():
        problem = (
            f"{int(bad.sum()):,} port codes have fewer than four digits: they lost their leading "
            "zeros (0104 became 104), which happens when the file passes through a spreadsheet. "
            "Fetch the original file again."
        )
    else:
        problem = f"{int(bad.sum()):,} port codes are not four digits."
    raise DataError(file, problem, sample.to_string(index=False))


def _parse_months(dates: pd.Series, file: str, fmt: str, example: str) -> pd.Series:
    uniq = pd.Series(dates.unique())
    parsed = pd.to_datetime(uniq, format=fmt, errors="coerce")
    bad = uniq[parsed.isna()]
    if len(bad):
        raise DataError(
            file,
            f"{len(bad)} date values cannot be read as a month (expected the form {example!r}).",
            ", ".join(repr(v) for v in bad.head(10)),
        )
    parsed = parsed.dt.to_period("M").dt.to_timestamp()
    return dates.map(dict(zip(uniq, parsed, strict=True)))


def _select(df: pd.DataFrame, file: str, date_format: str, example: str) -> pd.DataFrame:
    """Check the whole file's codes and dates, keep US-Mexico rows from 2019, check them."""
    # the whole file's codes and dates are checked on their distinct values; the text of the
    # rows kept (a few percent of the file) is stripped after the selection
    _check_port_codes(df, file)
    month = _parse_months(df["date"], file, date_format, example)
    border = df["border"]
    ours = border.isin([b for b in border.unique() if b.strip() == BORDER])
    keep = ours & (month >= FIRST_MONTH)
    df = df[keep].copy()
    df["month"] = month[keep]
    for col in ("port", "state", "port_code", "border", "measure", "value"):
        df[col] = df[col].str.strip()
    if df.empty:
        raise DataError(
            file, f"no {BORDER} rows from {FIRST_MONTH:%B %Y} on; the file is not what we expect."
        )
    unknown = sorted(set(df["measure"]) - set(MEASURES))
    if unknown:
        raise DataError(
            file,
            f"unknown measure names {unknown}; expected only {list(MEASURES)}. BTS may have "
            "renamed a measure: add it to MEASURES in migrationdata/sources/bts.py once checked.",
        )
    bad = ~df["value"].str.fullmatch(r"\d+")
    if bad.any():
        raise DataError(
            file,
            "counts must be whole numbers of zero or more",
            df.loc[bad, ["port", "date", "measure", "value"]].head(10).to_string(index=False),
        )
    df["value"] = df["value"].astype("int64")
    return df[["month", "port", "port_code", "state", "measure", "value"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- tidy


def _resolve_duplicates(df: pd.DataFrame, file: str) -> pd.DataFrame:
    key = ["port_code", "month", "measure"]
    exact = df.duplicated([*key, "value"], keep="first")
    if exact.any():
        repeated = df[exact]
        listing = ", ".join(
            f"{r.port} {r.month:%Y-%m} {r.measure}" for r in repeated.head(10).itertuples(index=False)
        )
        warnings.warn(
            f"{file}: dropped {int(exact.sum())} rows that repeat another row exactly ({listing}).",
            stacklevel=3,
        )
        df = df[~exact]
    conflict = df.duplicated(key, keep=False)
    fixes = {(c.port_code, pd.Timestamp(c.month + "-01"), c.measure): c for c in CORRECTIONS}
    used = set()
    unexplained = []
    resolved = []
    for k, grp in df[conflict].groupby(key, sort=True):
        fix = fixes.get(k)
        values = tuple(sorted(grp["value"]))
        if fix is None or tuple(sorted(fix.expect)) != values:
            unexplained.append(grp)
            continue
        used.add(k)
        row = grp.iloc[[0]].copy()
        row["value"] = pd.array([fix.value], dtype="Int64")
        resolved.append(row)
    if unexplained:
        rows = pd.concat(unexplained)
        raise DataError(
            file,
            f"{len(unexplained)} port/month/measure keys have conflicting values. Check them "
            "with BTS; if one value is right, record it in CORRECTIONS in "
            "migrationdata/sources/bts.py with the values the file holds.",
            rows.to_string(index=False),
        )
    for k, fix in fixes.items():
        if k not in used:
            warnings.warn(
                f"{file}: the correction for port {fix.port_code}, {fix.month}, {fix.measure} "
                f"no longer matches the file (expected the values {fix.expect}); BTS may have "
                "fixed it. Check and remove it from CORRECTIONS.",
                stacklevel=3,
            )
    out = df[~conflict].copy()
    out["value"] = out["value"].astype("Int64")
    return pd.concat([out, *resolved], ignore_index=True) if resolved else out


def _fill_gaps(df: pd.DataFrame) -> pd.DataFrame:
    """A month with no row inside a series (between its first and last month) is missing."""
    spans = df.groupby(["port_code", "measure"])["month"].agg(["min", "max"])
    # one range of months for the whole file, sliced per series (not a range per series)
    every = pd.date_range(spans["min"].min(), spans["max"].max(), freq="MS")
    first = every.searchsorted(spans["min"])
    last = every.searchsorted(spans["max"], side="right")
    full = pd.MultiIndex.from_tuples(
        [
            (code, measure, m)
            for (code, measure), lo, hi in zip(spans.index, first, last, strict=True)
            for m in every[lo:hi]
        ],
        names=["port_code", "measure", "month"],
    )
    have = pd.MultiIndex.from_frame(df[["port_code", "measure", "month"]])
    gaps = full.difference(have).to_frame(index=False)
    if gaps.empty:
        return df
    gaps["value"] = pd.array([pd.NA] * len(gaps), dtype="Int64")
    return pd.concat([df, gaps], ignore_index=True)


def tidy(raw: pd.DataFrame, file: str) -> dict[str, pd.DataFrame]:
    # single ports have gaps (filled as missing below), but a month with no row from any port,
    # while ports report the months either side of it, is a file that lost rows
    months = pd.DatetimeIndex(raw["month"].unique())
    holes = pd.date_range(months.min(), months.max(), freq="MS").difference(months)
    if len(holes):
        have = set(zip(raw["port_code"], raw["measure"], raw["month"], strict=True))
        series = {(p, m) for p, m, _ in have}
        step = pd.DateOffset(months=1)
        lost = [
            h for h in holes if any((p, m, h - step) in have and (p, m, h + step) in have for p, m in series)
        ]
        if lost:
            raise DataError(file, f"no {BORDER} rows at all for {', '.join(f'{m:%B %Y}' for m in lost[:12])}")
    df = _resolve_duplicates(raw, file)
    # a port's name and state as BTS gives them in its latest month
    latest = df.sort_values("month").groupby("port_code")[["port", "state"]].last()
    df = _fill_gaps(df.drop(columns=["port", "state"]))
    df = df.join(latest, on="port_code")
    df["value"] = df["value"].astype("Int64")
    cols = [c.name for c in CROSSINGS.columns]
    return {CROSSINGS.name: df[cols]}


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    if EXPORT_FILE in paths:
        return tidy(parse_export(paths[EXPORT_FILE]), EXPORT_FILE)
    if API_FILE in paths:
        return tidy(parse_api(paths[API_FILE]), API_FILE)
    raise DataError(
        "bts", f"expected {EXPORT_FILE} (export or mirror) or {API_FILE} (API), got {sorted(paths)}"
    )


# ----------------------------------------------------------------------------- live API


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def where_clause() -> str:
    """The server-side filter: our border, our months, the measures we know."""
    measures = ", ".join(_quote(m) for m in MEASURES)
    return (
        f"border = {_quote(BORDER)} AND date >= {_quote(FIRST_MONTH.strftime('%Y-%m-%dT00:00:00'))} "
        f"AND measure in ({measures})"
    )


def query_params(offset: int, page_size: int = PAGE_SIZE) -> dict[str, str]:
    """Parameters of one page of the filtered query."""
    return {
        "$select": ",".join(API_FIELDS),
        "$where": where_clause(),
        "$order": ":id",
        "$limit": str(page_size),
        "$offset": str(offset),
    }


def measures_params() -> dict[str, str]:
    """A one-line-per-measure count of our border's rows, with no measure filter: it shows a
    renamed or new measure that the paged query would silently leave out, and how many rows
    the pages should add up to."""
    since = FIRST_MONTH.strftime("%Y-%m-%dT00:00:00")
    return {
        "$select": "measure, count(*) AS n",
        "$where": f"border = {_quote(BORDER)} AND date >= {_quote(since)}",
        "$group": "measure",
        "$order": "measure",
    }


def _token(params: dict[str, str]) -> dict[str, str]:
    token = os.environ.get("MIGRATIONDATA_SOCRATA_TOKEN")
    return {**params, "$$app_token": token} if token else params


def _rows(data: bytes, url: str) -> tuple[list[str], list[list[str]]]:
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FetchError("bts", url, f"the API sent something that is not CSV text ({exc}).") from None
    if not rows:
        raise FetchError("bts", url, "the API sent an empty body, not even a header.")
    return rows[0], rows[1:]


def download_from(fetcher, endpoint: str = API_URL, page_size: int = PAGE_SIZE) -> dict[str, Path]:
    """Page through the filtered query and stage the pages as one CSV (:data:`API_FILE`)."""
    head, counts = _rows(
        fetcher.get_bytes(endpoint, "csv", 100_000, params=_token(measures_params())), endpoint
    )
    if head[:2] != ["measure", "n"]:
        raise FetchError("bts", endpoint, f"the measure count came back with columns {head}, not measure, n.")
    found = {row[0]: int(row[1]) for row in counts if len(row) >= 2 and row[1].isdigit()}
    unknown = sorted(set(found) - set(MEASURES))
    if unknown:
        raise FetchError(
            "bts",
            endpoint,
            f"BTS lists measures we do not know for the US-Mexico border: {unknown} "
            f"(known: {list(MEASURES)}).",
            "A measure may have been renamed: check the data dictionary on the landing page and "
            "update MEASURES in migrationdata/sources/bts.py. The last good data is unchanged.",
        )
    expected_rows = sum(found.values())

    header: list[str] | None = None
    body: list[list[str]] = []
    for page in range(MAX_PAGES):
        params = query_params(page * page_size, page_size)
        head, rows = _rows(
            fetcher.get_bytes(endpoint, "csv", PAGE_MAX_BYTES, params=_token(params)), endpoint
        )
        if header is None:
            header = head
            if header != list(API_FIELDS):
                raise FetchError(
                    "bts", endpoint, f"the API answered with fields {header}, expected {list(API_FIELDS)}."
                )
        elif head != header:
            raise FetchError("bts", endpoint, f"page {page + 1} has fields {head}, page 1 had {header}.")
        if len(rows) > page_size:
            raise FetchError(
                "bts",
                endpoint,
                f"page {page + 1} has {len(rows):,} rows, more than the $limit of {page_size:,}.",
            )
        body.extend(rows)
        if len(rows) < page_size:
            break
    else:
        raise FetchError("bts", endpoint, f"still receiving full pages after {MAX_PAGES} requests; stopping.")
    if len(body) != expected_rows:
        raise FetchError(
            "bts",
            endpoint,
            f"the pages hold {len(body):,} rows but the count query announced {expected_rows:,}; "
            "the dataset may have changed during the download.",
            "Run the fetch again. The last good data is unchanged.",
        )
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    query = {k: v for k, v in query_params(0, page_size).items() if k not in ("$limit", "$offset")}
    url = f"{endpoint}?{urlencode(query)}"
    result = fetcher.stage_bytes(API_FILE, out.getvalue().encode("utf-8"), url)
    return {API_FILE: result.path}


def download(fetcher) -> dict[str, Path]:
    return download_from(fetcher, API_URL, PAGE_SIZE)


SOURCE = Source(
    id="bts",
    title="Border crossings at US-Mexico ports of entry",
    publisher="Bureau of Transportation Statistics (BTS), from U.S. Customs and Border Protection counts",
    landing_page=LANDING_PAGE,
    files=(
        RemoteFile(
            EXPORT_FILE,
            EXPORT_URL,
            "csv",
            150_000_000,
            "Full export: inbound crossings at every US land port, both borders, monthly since 1996",
        ),
    ),
    tables=(CROSSINGS,),
    process=process,
    download=download,
    policy=RevisionPolicy(
        recent_months=12,
        recent_tolerance=0.02,
        settled_tolerance=0.001,
        rule="BTS may revise the last year of port counts by up to 2%; older months by at most 0.1%",
    ),
    notes=(
        "Live refreshes query the Socrata API (" + API_URL + ") for the US-Mexico rows since "
        "January 2019 only; a mirror holds the full export, filtered locally. Counts are "
        "monthly and cover a whole port, so a closure of a few days or of one bridge is diluted: "
        "the rail bridges at Eagle Pass and El Paso were shut for five days in December 2023 "
        "and the monthly train counts barely move, because held trains crossed after the "
        "reopening."
    ),
)

# ----------------------------------------------------------------------------- loaders


def us_mexico() -> pd.DataFrame:
    """Every port, measure and month since January 2019 (missing months: value empty)."""
    return processed.read(CROSSINGS.name)
