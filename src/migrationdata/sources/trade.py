"""Trade at stake: US goods trade with Mexico by month, and how much of it moves by rail and truck.

Publisher of the committed table: the Bureau of Transportation Statistics' TransBorder
Freight Data, which BTS compiles from the Census Bureau's trade records (goods, Census basis,
nominal dollars, not seasonally adjusted), totals and modes alike. We read TransBorder's monthly
totals by country, mode and direction as republished by the University of North Texas
(``monthly_trends.csv`` of the BTS-TransBorder-Dashboard repository), and sum all modes to
get exports and imports; PROVENANCE in the mirror shows these sums equal the Census figures
reported at the time (2023: exports $323.2 billion, imports $475.6 billion).

Live refreshes also ask the Census international trade API for the monthly totals
(``ALL_VAL_MO`` for exports, ``GEN_VAL_MO`` for general imports, country code 2010 = Mexico)
and use them for exports and imports; rail and truck still come from TransBorder, and are
empty for months TransBorder has not reached yet.

Caveats: October 2020 is missing from BTS's raw TransBorder files; the republisher derived it
as the year's total minus the other months. Census revises past months, so annual totals
differ slightly between vintages. Rail and truck values are for every US-Mexico crossing, not
one port.
"""

from __future__ import annotations

import json
import os
import warnings
from datetime import UTC, datetime
from pathlib import Path

import lazy_loader

from migrationdata import processed, schemas
from migrationdata.catalog import Column, RemoteFile, RevisionPolicy, Source, Table
from migrationdata.errors import DataError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

TRANSBORDER_FILE = "bts_transborder_monthly_trends_1993_2025.csv"
# pinned to the repository commit the mirror copied (PROVENANCE), never the moving main branch
TRANSBORDER_URL = (
    "https://raw.githubusercontent.com/unt-clscm/BTS-TransBorder-Dashboard/7d83337048390e11fa01d4800ccde9e231f653ff/"
    "03-Processed-Data/csv/monthly_trends.csv"
)
CENSUS_EXPORTS_URL = "https://api.census.gov/data/timeseries/intltrade/exports/hs"
CENSUS_IMPORTS_URL = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
CENSUS_EXPORTS_FILE = "census_exports_mexico.json"
CENSUS_IMPORTS_FILE = "census_imports_mexico.json"
MEXICO = "2010"  # Census country code
FIRST_MONTH = datetime(2019, 1, 1)
MODES = (
    "Air",
    "Vessel",
    "Truck",
    "Rail",
    "Pipeline",
    "Mail (U.S. Postal Service)",
    "Foreign Trade Zones (FTZs)",
    "Other/Unknown",
)
TRANSBORDER_COLUMNS = ["Year", "Month", "Country", "Mode", "TradeType", "TradeValue"]
# TransBorder and Census totals for a month may differ a little between vintages; more than
# this is worth a look before publishing
AGREEMENT = 0.01

# ----------------------------------------------------------------------------- schema


def _trade_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_MONTH),
            "exports_usd": pa.Column("Int64", pa.Check.gt(0)),
            "imports_usd": pa.Column("Int64", pa.Check.gt(0)),
            "total_usd": pa.Column("Int64", pa.Check.gt(0)),
            "rail_usd": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "truck_usd": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        },
        checks=[
            pa.Check(
                lambda df: df["total_usd"] == df["exports_usd"] + df["imports_usd"],
                error="total_usd is exports_usd plus imports_usd",
            ),
            pa.Check(
                lambda df: (df["rail_usd"].fillna(0) + df["truck_usd"].fillna(0)) <= df["total_usd"],
                error="rail and truck together cannot exceed the total",
            ),
        ],
        coerce=True,
        strict=True,
    )


MONTHLY = Table(
    name="trade_us_mexico_monthly",
    title="US goods trade with Mexico by month, with rail and truck",
    description=(
        "US exports to and imports from Mexico (goods, Census basis, nominal US dollars, not "
        "seasonally adjusted) by month from January 2019; total is exports plus imports. "
        "rail_usd and truck_usd are the value of that trade (both directions) carried by rail "
        "and by truck across the land border, from BTS TransBorder Freight Data; empty where "
        "TransBorder has not published the month yet. October 2020 was derived by the "
        "republisher from the annual total, as BTS's raw file for that month is missing."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("exports_usd", "integer", "US exports to Mexico.", "US dollars"),
        Column("imports_usd", "integer", "US general imports from Mexico.", "US dollars"),
        Column("total_usd", "integer", "Exports plus imports.", "US dollars"),
        Column("rail_usd", "integer", "Trade both ways carried by rail.", "US dollars"),
        Column("truck_usd", "integer", "Trade both ways carried by truck.", "US dollars"),
    ),
    primary_key=("month",),
    schema=_trade_schema,
    # process(): TransBorder's file; with Census's two files for the totals when read live
    files=(TRANSBORDER_FILE, CENSUS_EXPORTS_FILE, CENSUS_IMPORTS_FILE),
)

# ----------------------------------------------------------------------------- parsing


def parse_transborder(path: Path) -> pd.DataFrame:
    """TransBorder monthly trends -> month, exports_usd, imports_usd, rail_usd, truck_usd
    (Mexico, from January 2019)."""
    file = path.name
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except Exception as exc:
        raise DataError(file, f"not a readable CSV file ({exc}).") from None
    missing = [c for c in TRANSBORDER_COLUMNS if c not in header]
    if missing:
        raise DataError(file, f"columns {missing} are missing (found {list(header)}): the layout changed.")
    extra = [c for c in header if c not in (*TRANSBORDER_COLUMNS, "Weight", "WeightLb")]
    if extra:
        warnings.warn(f"{file}: ignoring columns this project does not know: {extra}", stacklevel=2)
    raw = pd.read_csv(
        path, usecols=TRANSBORDER_COLUMNS, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    raw = raw.apply(lambda s: s.str.strip())
    for col, allowed in (("Country", {"Canada", "Mexico"}), ("TradeType", {"Export", "Import"})):
        unknown = sorted(set(raw[col]) - allowed)
        if unknown:
            raise DataError(file, f"unknown {col} values {unknown}; expected {sorted(allowed)}.")
    ym = raw[["Year", "Month"]].apply(pd.to_numeric, errors="coerce")
    bad = ym.isna().any(axis=1) | ~ym["Month"].between(1, 12)
    if bad.any():
        raise DataError(file, "Year and Month must be numbers (Month 1 to 12)", raw[bad].head(10).to_string())
    raw["month"] = pd.to_datetime(
        {"year": ym["Year"].astype(int), "month": ym["Month"].astype(int), "day": 1}
    )
    mx = raw[(raw["Country"] == "Mexico") & (raw["month"] >= FIRST_MONTH)].copy()
    if mx.empty:
        raise DataError(file, f"no Mexico rows from {FIRST_MONTH:%B %Y} on.")
    unknown = sorted(set(mx["Mode"]) - set(MODES))
    if unknown:
        raise DataError(file, f"unknown modes {unknown}; expected {list(MODES)}.")
    value = pd.to_numeric(mx["TradeValue"], errors="coerce")
    bad = value.isna() | (value < 0) | (value % 1 != 0)
    if bad.any():
        raise DataError(
            file, "trade values must be whole dollars of zero or more", mx[bad].head(10).to_string()
        )
    mx["usd"] = value.astype("int64")
    dup = mx.duplicated(["month", "Mode", "TradeType"], keep=False)
    if dup.any():
        raise DataError(file, "rows repeat a month, mode and direction", mx[dup].head(10).to_string())

    by_dir = mx.pivot_table(index="month", columns="TradeType", values="usd", aggfunc="sum")
    if by_dir.isna().any().any() or set(by_dir.columns) != {"Export", "Import"}:
        raise DataError(file, "some months lack exports or imports", by_dir[by_dir.isna().any(axis=1)])
    out = pd.DataFrame(
        {
            "exports_usd": by_dir["Export"].astype("int64"),
            "imports_usd": by_dir["Import"].astype("int64"),
        }
    )
    for mode, col in (("Rail", "rail_usd"), ("Truck", "truck_usd")):
        out[col] = mx[mx["Mode"] == mode].groupby("month")["usd"].sum().astype("Int64")
    out = out.reset_index()
    expected = pd.date_range(FIRST_MONTH, out["month"].max(), freq="MS")
    gaps = expected.difference(pd.DatetimeIndex(out["month"]))
    if len(gaps):
        raise DataError(file, f"months missing from the series: {', '.join(f'{m:%Y-%m}' for m in gaps)}.")
    return out


def parse_census(path: Path, value_field: str) -> pd.DataFrame:
    """A Census international trade API answer (a JSON array of arrays, the first one the
    header) -> month, value. Values are whole dollars sent as text."""
    file = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(file, f"not JSON ({exc}).") from None
    if not isinstance(data, list) or len(data) < 2 or not all(isinstance(r, list) for r in data):
        raise DataError(file, "expected a JSON array of arrays: a header row and at least one data row.")
    header = data[0]
    needed = ["CTY_CODE", value_field, "time"]
    missing = [f for f in needed if f not in header]
    if missing:
        raise DataError(file, f"fields {missing} are missing from the header {header}.")
    # the API repeats a predicate that is also requested (CTY_CODE); the first copy will do
    pos = {f: header.index(f) for f in needed}
    rows = []
    for i, r in enumerate(data[1:], start=2):
        if len(r) != len(header):
            raise DataError(file, f"row {i} has {len(r)} values for {len(header)} fields: {r}")
        rows.append({f: str(r[p]) for f, p in pos.items()})
    df = pd.DataFrame(rows)
    other = df[df["CTY_CODE"] != MEXICO]
    if not other.empty:
        raise DataError(file, f"rows for countries other than Mexico ({MEXICO})", other.head(10).to_string())
    month = pd.to_datetime(df["time"], format="%Y-%m", errors="coerce")
    if month.isna().any():
        raise DataError(file, "time must be YYYY-MM", df[month.isna()].head(10).to_string())
    bad = ~df[value_field].str.fullmatch(r"\d+")
    if bad.any():
        raise DataError(file, f"{value_field} must be whole dollars", df[bad].head(10).to_string())
    out = pd.DataFrame({"month": month, "value": df[value_field].astype("int64")})
    if out["month"].duplicated().any():
        raise DataError(file, "a month appears twice", out[out["month"].duplicated(keep=False)].to_string())
    return out.sort_values("month").reset_index(drop=True)


def _with_census(tb: pd.DataFrame, exports: pd.DataFrame, imports: pd.DataFrame) -> pd.DataFrame:
    totals = exports.rename(columns={"value": "exports_usd"}).merge(
        imports.rename(columns={"value": "imports_usd"}), on="month", how="outer"
    )
    lacking = totals[totals.isna().any(axis=1)]
    if not lacking.empty:
        raise DataError(
            CENSUS_EXPORTS_FILE, "the Census answers for exports and imports cover different months", lacking
        )
    totals = totals[totals["month"] >= FIRST_MONTH]
    both = totals.merge(tb, on="month", suffixes=("", "_tb"))
    for col in ("exports_usd", "imports_usd"):
        gap = (both[col] - both[f"{col}_tb"]).abs() / both[col]
        far = both[gap > AGREEMENT]
        if not far.empty:
            months = ", ".join(f"{m:%Y-%m}" for m in far["month"].head(12))
            warnings.warn(
                f"Census and TransBorder {col.split('_')[0]} differ by more than "
                f"{AGREEMENT:.0%} in {months}; the table uses Census. Check for a revision.",
                stacklevel=3,
            )
    out = totals.merge(tb[["month", "rail_usd", "truck_usd"]], on="month", how="left")
    for col in ("exports_usd", "imports_usd"):
        out[col] = out[col].astype("int64")
    return out


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    if TRANSBORDER_FILE not in paths:
        raise DataError("trade", f"expected {TRANSBORDER_FILE}, got {sorted(paths)}")
    df = parse_transborder(paths[TRANSBORDER_FILE])
    if CENSUS_EXPORTS_FILE in paths or CENSUS_IMPORTS_FILE in paths:
        df = _with_census(
            df,
            parse_census(paths[CENSUS_EXPORTS_FILE], "ALL_VAL_MO"),
            parse_census(paths[CENSUS_IMPORTS_FILE], "GEN_VAL_MO"),
        )
    df["total_usd"] = df["exports_usd"] + df["imports_usd"]
    for col in ("exports_usd", "imports_usd", "total_usd", "rail_usd", "truck_usd"):
        df[col] = df[col].astype("Int64")
    return {MONTHLY.name: df[MONTHLY.column_names]}


# ----------------------------------------------------------------------------- live API


def census_params(value_field: str, last_month: str | None = None) -> dict[str, str]:
    """One request per direction: every month from January 2019 for Mexico."""
    last_month = last_month or datetime.now(UTC).strftime("%Y-%m")
    params = {
        "get": f"CTY_CODE,CTY_NAME,{value_field}",
        "CTY_CODE": MEXICO,
        "time": f"from {FIRST_MONTH:%Y-%m} to {last_month}",
    }
    key = os.environ.get("MIGRATIONDATA_CENSUS_KEY")
    if key:  # without one the API allows 500 requests a day, plenty for a refresh
        params["key"] = key
    return params


def download_from(
    fetcher,
    exports_url: str = CENSUS_EXPORTS_URL,
    imports_url: str = CENSUS_IMPORTS_URL,
    transborder: RemoteFile | None = None,
    last_month: str | None = None,
) -> dict[str, Path]:
    """TransBorder's file for the modes, then the Census totals, each staged as a raw file."""
    from urllib.parse import urlencode

    paths = {}
    result = fetcher.get_file(transborder or SOURCE.files[0])
    paths[result.name] = result.path
    for url, field, name in (
        (exports_url, "ALL_VAL_MO", CENSUS_EXPORTS_FILE),
        (imports_url, "GEN_VAL_MO", CENSUS_IMPORTS_FILE),
    ):
        params = census_params(field, last_month)
        data = fetcher.get_bytes(url, "json", 2_000_000, params=params)
        public = {k: v for k, v in params.items() if k != "key"}  # never store the key
        paths[name] = fetcher.stage_bytes(name, data, f"{url}?{urlencode(public)}").path
    return paths


def download(fetcher) -> dict[str, Path]:
    return download_from(fetcher)


SOURCE = Source(
    id="trade",
    title="US goods trade with Mexico, by month and mode",
    # The committed totals are TransBorder sums over the modes; only a live refresh takes them
    # from the Census API (see ``notes``), so BTS is the publisher the charts must credit.
    publisher="Bureau of Transportation Statistics, TransBorder Freight Data (from Census Bureau trade records)",
    carrier=(
        "BTS-TransBorder-Dashboard (github.com/unt-clscm/BTS-TransBorder-Dashboard, University of "
        "North Texas), monthly totals compiled from BTS's raw TransBorder files"
    ),
    landing_page="https://www.census.gov/foreign-trade/balance/c2010.html",
    files=(
        RemoteFile(
            TRANSBORDER_FILE,
            TRANSBORDER_URL,
            "csv",
            10_000_000,
            "TransBorder freight by month, country (Canada, Mexico), mode and direction, from April 1993",
        ),
    ),
    tables=(MONTHLY,),
    process=process,
    download=download,
    # Census revises the last two years each June (the annual revision), by about 1%
    policy=RevisionPolicy(
        recent_months=30,
        recent_tolerance=0.03,
        settled_tolerance=0.005,
        min_change=1_000_000,
        rule="Census revises the last two to three years by up to 3% (June's annual revision); "
        "older months by at most 0.5%; changes under $1 million are rounding",
    ),
    notes=(
        "Mirror refreshes sum TransBorder's modes for the totals; live refreshes take the totals "
        "from the Census international trade API ("
        + CENSUS_EXPORTS_URL
        + ", "
        + CENSUS_IMPORTS_URL
        + "). BTS's raw TransBorder files are at "
        "https://www.bts.gov/topics/transborder-raw-data."
    ),
)

# ----------------------------------------------------------------------------- loaders


def monthly() -> pd.DataFrame:
    """Exports, imports, total, rail and truck by month since January 2019 (US dollars)."""
    return processed.read(MONTHLY.name)


def annual_table() -> pd.DataFrame:
    """One row per calendar year: the sums, rail and truck shares, and how many months."""
    df = monthly()
    df["year"] = df["month"].dt.year
    g = df.groupby("year")
    out = g[["exports_usd", "imports_usd", "total_usd"]].sum()
    for col in ("rail_usd", "truck_usd"):
        out[col] = g[col].sum(min_count=1)
        # a share is only meaningful when the mode is known for every month of the year
        out.loc[g[col].count() != g.size(), col] = pd.NA
    out["rail_share"] = out["rail_usd"].astype("Float64") / out["total_usd"]
    out["truck_share"] = out["truck_usd"].astype("Float64") / out["total_usd"]
    out["months"] = g.size()
    out["complete"] = out["months"] == 12
    return out.reset_index()


def annual(year: int) -> dict:
    """One year's trade: exports_usd, imports_usd, total_usd, rail_usd, truck_usd, rail_share,
    truck_share, months, complete. Raises if the year is not in the table."""
    table = annual_table().set_index("year")
    if year not in table.index:
        raise KeyError(
            f"no trade figures for {year}; the table covers {table.index.min()}-{table.index.max()}"
        )
    row = table.loc[year]

    def plain(v):
        if pd.isna(v):
            return None
        return float(v) if isinstance(v, float) else int(v)

    out = {"year": year}
    for col in ("exports_usd", "imports_usd", "total_usd", "rail_usd", "truck_usd", "months"):
        out[col] = plain(row[col])
    for col in ("rail_share", "truck_share"):
        out[col] = None if pd.isna(row[col]) else float(row[col])
    out["complete"] = bool(row["complete"])
    return out


def rail_daily_value(month: str | pd.Timestamp) -> dict:
    """Average value of rail trade per day in ``month`` ("2023-12"): all US-Mexico rail
    crossings, both directions, divided by the days in the month. What a day of closed rail
    bridges puts on hold, as an order of magnitude: the table does not split rail by port."""
    when = pd.Timestamp(month).to_period("M").to_timestamp()
    df = monthly().set_index("month")
    if when not in df.index or pd.isna(df.loc[when, "rail_usd"]):
        raise KeyError(f"no rail trade figure for {when:%B %Y}")
    rail = int(df.loc[when, "rail_usd"])
    days = when.days_in_month
    return {"month": when, "rail_usd": rail, "days": days, "per_day_usd": rail / days}
