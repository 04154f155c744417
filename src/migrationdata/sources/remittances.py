"""Remittances: the money migrants send home to Mexico, and what Mexico sends out.

Publisher: Banco de México (Banxico), in its balance-of-payments statistics on family
remittances ("remesas familiares", SIE cuadro CE81): every month, the dollars that arrive
("ingresos") and leave ("egresos") and the number of transfers; every quarter, the inflows by
the US state they were sent from.

Two ways in, publisher first:

- a live refresh asks Banxico's SIE API for the monthly inflows (series SE27803, millions of
  dollars). The API needs a free token, read from the environment variable ``BANXICO_TOKEN``
  and never written anywhere (it is hidden as REDACTED in every message and absent from the
  manifest); without it the refresh stops with a message saying how to get one;
- the full tables (transfers, outflows, US states) come from a machine-readable
  republication of Banxico's SIE downloads (``lapanquecita/remesas``, MIT), pinned to one
  commit. A mirror refresh reads only these.

When both are read, the API's inflows are compared with the republished ones month by month
(a warning names months more than 0.5% apart), and months the API has beyond the
republication are added with the inflows only.

Dollars are current US dollars, not adjusted for inflation. Banxico revises recent quarters,
so a year's total can differ a little from the figure in its press release.
"""

from __future__ import annotations

import json
import os
import warnings
from datetime import datetime
from pathlib import Path

import lazy_loader

from migrationdata import processed, schemas
from migrationdata.catalog import Column, RemoteFile, Source, Table
from migrationdata.errors import DataError, FetchError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

#: the republication at the commit the mirror copied (2026-07-09): never a moving branch
REMESAS_COMMIT = "7b108a400d5edc2b2166db8ba6f5f5f552f7feb8"
REPO_RAW = f"https://raw.githubusercontent.com/lapanquecita/remesas/{REMESAS_COMMIT}/data"
SIE_PAGE = "https://www.banxico.org.mx/SieInternet/"  # the series are in cuadro CE81
SIE_API = "https://www.banxico.org.mx/SieAPIRest/service/v1/series/{series}/datos"
SIE_SIGNUP_PAGE = "https://www.banxico.org.mx/SieAPIRest/service/v1/token"
ENV_VARIABLE = "BANXICO_TOKEN"
#: SIE series: family remittance inflows, total, millions of US dollars, monthly
SIE_INFLOWS = "SE27803"
SIE_FILE = "sie_se27803.json"
MONTHLY_FILE = "remesas_mensuales.csv"
STATES_FILE = "remesas_usa.csv"
MONTHLY_COLUMNS = ["PERIODO", "ID_FLUJO", "FLUJO", "OPERACIONES", "VALOR_USD"]
STATES_COLUMNS = ["PERIODO", "ID_ESTADO", "ESTADO", "VALOR_USD"]
FLOWS = {1: "Ingresos", 2: "Egresos"}
FIRST_MONTH = datetime(1995, 1, 1)
FIRST_QUARTER = datetime(2013, 1, 1)
#: months further apart than this between the API and the republication deserve a look
AGREEMENT = 0.005
#: the US states, DC and Puerto Rico by postal code; XX is Banxico's "not identified"
US_STATES = {
    "AK": "Alaska", "AL": "Alabama", "AR": "Arkansas", "AZ": "Arizona", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DC": "District of Columbia", "DE": "Delaware",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "IA": "Iowa", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "MA": "Massachusetts", "MD": "Maryland", "ME": "Maine", "MI": "Michigan", "MN": "Minnesota",
    "MO": "Missouri", "MS": "Mississippi", "MT": "Montana", "NC": "North Carolina",
    "ND": "North Dakota", "NE": "Nebraska", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NV": "Nevada", "NY": "New York", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VA": "Virginia", "VT": "Vermont", "WA": "Washington", "WI": "Wisconsin",
    "WV": "West Virginia", "WY": "Wyoming", "XX": "Not identified",
}  # fmt: skip

# ----------------------------------------------------------------------------- tables


def _monthly_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_MONTH),
            "inflows_usd": pa.Column("Int64", pa.Check.gt(0)),
            "inflows_transfers": pa.Column("Int64", pa.Check.gt(0), nullable=True),
            "outflows_usd": pa.Column("Int64", pa.Check.gt(0), nullable=True),
            "outflows_transfers": pa.Column("Int64", pa.Check.gt(0), nullable=True),
        },
        checks=[schemas.contiguous_months(FIRST_MONTH)],
        coerce=True,
        strict=True,
    )


def _states_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "quarter": pa.Column(
                "datetime64[ns]",
                [
                    pa.Check(
                        lambda s: bool(((s.dt.day == 1) & s.dt.month.isin([1, 4, 7, 10])).all()),
                        error="first day of a quarter",
                    ),
                    pa.Check.ge(FIRST_QUARTER),
                ],
            ),
            "state_code": pa.Column(str, pa.Check.isin(list(US_STATES))),
            "state": pa.Column(str),
            "usd": pa.Column("Int64", pa.Check.ge(0)),
        },
        coerce=True,
        strict=True,
    )


MONTHLY = Table(
    name="remittances_monthly",
    title="Family remittances to and from Mexico, by month",
    description=(
        "Remittances received by households in Mexico (inflows) and sent from Mexico "
        "(outflows), in current US dollars, with the number of transfers, per month from "
        "January 1995 (Banxico, balance of payments, SIE cuadro CE81). Outflows are published "
        "from January 2013 and are empty before. A live refresh may add months the "
        "republication has not reached yet, with the inflows only (from SIE series SE27803)."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("inflows_usd", "integer", "Remittances received in Mexico.", "US dollars"),
        Column("inflows_transfers", "integer", "Number of transfers received.", "transfers"),
        Column("outflows_usd", "integer", "Remittances sent from Mexico.", "US dollars"),
        Column("outflows_transfers", "integer", "Number of transfers sent.", "transfers"),
    ),
    primary_key=("month",),
    schema=_monthly_schema,
    files=(MONTHLY_FILE, SIE_FILE),  # the files its numbers come from (Banxico's own, when read live)
)

BY_STATE = Table(
    name="remittances_by_state",
    title="Remittances to Mexico by sending US state, by quarter",
    description=(
        "Inflows of remittances to Mexico by the US state they were sent from, per quarter "
        "from 2013 (Banxico), in current US dollars. XX is Banxico's 'not identified'. The "
        "states add up to about 96% of all inflows: the rest comes from other countries."
    ),
    columns=(
        Column("quarter", "date", "First day of the quarter."),
        Column("state_code", "string", "US postal code (with DC and PR); XX not identified."),
        Column("state", "string", "State name in English."),
        Column("usd", "integer", "Remittances sent to Mexico from the state.", "US dollars"),
    ),
    primary_key=("quarter", "state_code"),
    schema=_states_schema,
    files=(STATES_FILE,),  # the files its numbers come from (Banxico's own, when read live)
)

# ----------------------------------------------------------------------------- parsing


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    file = path.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(file, "the text is not UTF-8 (was the CSV re-saved in another encoding?)") from None
    except Exception as exc:
        raise DataError(file, f"not a readable CSV file ({exc})") from None
    raw.columns = [c.strip().lstrip("\ufeff") for c in raw.columns]
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataError(
            file, f"columns {missing} are missing (found {list(raw.columns)}): the layout changed"
        )
    extra = [c for c in raw.columns if c not in columns]
    if extra:
        warnings.warn(f"{file}: ignoring columns this project does not know: {extra}", stacklevel=3)
    return raw[columns].apply(lambda s: s.str.strip())


def _dates(values: pd.Series, file: str) -> pd.Series:
    out = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = out.isna() | (out.dt.day != 1)
    if bad.any():
        raise DataError(
            file, "PERIODO must be the first day of a month, YYYY-MM-DD", values[bad].head(10).to_frame()
        )
    return out


def _whole(raw: pd.DataFrame, column: str, file: str) -> pd.Series:
    bad = ~raw[column].str.fullmatch(r"\d+")
    if bad.any():
        raise DataError(file, f"{column} must be whole numbers of zero or more", raw[bad].head(10))
    return raw[column].astype("int64")


def parse_monthly(path: Path) -> pd.DataFrame:
    """``remesas_mensuales.csv`` (one row per month and flow) -> one row per month."""
    file = path.name
    raw = _read_csv(path, MONTHLY_COLUMNS)
    raw["month"] = _dates(raw["PERIODO"], file)
    pairs = set(zip(raw["ID_FLUJO"], raw["FLUJO"], strict=True))
    unknown = pairs - {(str(k), v) for k, v in FLOWS.items()}
    if unknown:
        raise DataError(file, f"unknown flows {sorted(unknown)}; expected {FLOWS}")
    raw["transfers"] = _whole(raw, "OPERACIONES", file)
    raw["usd"] = _whole(raw, "VALOR_USD", file)
    dup = raw.duplicated(["month", "ID_FLUJO"], keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a month and flow", raw[dup].head(10))
    inflows = raw[raw["ID_FLUJO"] == "1"].set_index("month")
    outflows = raw[raw["ID_FLUJO"] == "2"].set_index("month")
    if inflows.empty:
        raise DataError(file, "no inflow (Ingresos) rows")
    out = pd.DataFrame({"inflows_usd": inflows["usd"], "inflows_transfers": inflows["transfers"]}).join(
        outflows[["usd", "transfers"]].rename(
            columns={"usd": "outflows_usd", "transfers": "outflows_transfers"}
        ),
        how="outer",
    )
    out = out.reset_index()
    lone = out[out["inflows_usd"].isna()]
    if not lone.empty:
        raise DataError(file, "outflows for months with no inflows", lone.head(10))
    expected = pd.date_range(out["month"].min(), out["month"].max(), freq="MS")
    lost = expected.difference(pd.DatetimeIndex(out["month"]))
    if len(lost):
        raise DataError(file, f"no rows for {', '.join(f'{m:%B %Y}' for m in lost[:12])}, inside the series")
    if not outflows.empty:
        # outflows run without a gap from their first month to the last month
        span = out[out["month"] >= outflows.index.min()]
        lost = span[span["outflows_usd"].isna()]["month"]
        if len(lost):
            raise DataError(
                file, f"no outflow (Egresos) rows for {', '.join(f'{m:%B %Y}' for m in lost[:12])}"
            )
    for col in ("inflows_usd", "inflows_transfers", "outflows_usd", "outflows_transfers"):
        out[col] = out[col].astype("Int64")
    return out.sort_values("month").reset_index(drop=True)


def parse_states(path: Path) -> pd.DataFrame:
    """``remesas_usa.csv`` -> quarter, state_code, state, usd."""
    file = path.name
    raw = _read_csv(path, STATES_COLUMNS)
    raw["quarter"] = _dates(raw["PERIODO"], file)
    off = ~raw["quarter"].dt.month.isin([1, 4, 7, 10])
    if off.any():
        raise DataError(file, "quarterly rows must be dated the first day of a quarter", raw[off].head(10))
    unknown = ~raw["ID_ESTADO"].isin(list(US_STATES))
    if unknown.any():
        raise DataError(
            file,
            f"unknown state codes {sorted(set(raw.loc[unknown, 'ID_ESTADO']))}; expected US postal codes or XX",
            raw[unknown].head(10),
        )
    raw["usd"] = _whole(raw, "VALOR_USD", file)
    dup = raw.duplicated(["quarter", "ID_ESTADO"], keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a quarter and state", raw[dup].head(10))
    quarters = pd.DatetimeIndex(raw["quarter"].unique())
    expected = pd.date_range(quarters.min(), quarters.max(), freq="QS")
    lost = expected.difference(quarters)
    if len(lost):
        raise DataError(
            file, f"no rows for the quarters starting {', '.join(f'{q:%B %Y}' for q in lost[:8])}"
        )
    per = raw.groupby("quarter").size()
    short = per[per != per.max()]
    if len(short):
        raise DataError(file, "some quarters lack states that others have", short.to_frame("states"))
    out = raw.rename(columns={"ID_ESTADO": "state_code"})
    out["state"] = out["state_code"].map(US_STATES)
    return out[BY_STATE.column_names]


def parse_sie(path: Path, series: str = SIE_INFLOWS) -> pd.DataFrame:
    """A Banxico SIE API answer (``{"bmx": {"series": [{"idSerie", "datos": [{"fecha":
    "dd/mm/yyyy", "dato": "1,234.56"}]}]}}``) -> month, value (millions); N/E (not available)
    rows are left out."""
    file = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        found = {s.get("idSerie"): s for s in doc["bmx"]["series"]}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(file, f"not a Banxico SIE API answer ({type(exc).__name__}: {exc})") from None
    if series not in found:
        raise DataError(file, f"the answer has no series {series} (found {sorted(map(str, found))})")
    rows = found[series].get("datos") or []
    if not rows:
        raise DataError(file, f"series {series} has no data")
    df = pd.DataFrame(rows)
    if not {"fecha", "dato"} <= set(df.columns):
        raise DataError(file, f"each data point needs 'fecha' and 'dato' (found {list(df.columns)})")
    df = df[df["dato"].astype(str).str.strip() != "N/E"]
    month = pd.to_datetime(df["fecha"], format="%d/%m/%Y", errors="coerce")
    value = pd.to_numeric(df["dato"].astype(str).str.replace(",", "", regex=False), errors="coerce")
    bad = month.isna() | (month.dt.day != 1) | value.isna() | (value < 0)
    if bad.any():
        raise DataError(
            file, "dates must be dd/mm/yyyy (first of a month) and values numbers", df[bad].head(10)
        )
    out = pd.DataFrame({"month": month, "value": value}).sort_values("month").reset_index(drop=True)
    if out["month"].duplicated().any():
        raise DataError(file, "a month appears twice", out[out["month"].duplicated(keep=False)])
    return out


def _with_sie(monthly: pd.DataFrame, sie: pd.DataFrame) -> pd.DataFrame:
    both = monthly.merge(sie, on="month")
    api_usd = both["value"] * 1_000_000
    far = both[(api_usd - both["inflows_usd"]).abs() > AGREEMENT * both["inflows_usd"]]
    if not far.empty:
        months = ", ".join(f"{m:%Y-%m}" for m in far["month"].head(12))
        warnings.warn(
            f"Banxico's API and the republished table differ by more than {AGREEMENT:.1%} in "
            f"{months}; the table keeps the republished figures: check for a revision.",
            stacklevel=3,
        )
    newer = sie[sie["month"] > monthly["month"].max()]
    if newer.empty:
        return monthly
    extra = pd.DataFrame(
        {"month": newer["month"], "inflows_usd": (newer["value"] * 1_000_000).round().astype("Int64")}
    )
    out = pd.concat([monthly, extra], ignore_index=True)
    for col in ("inflows_transfers", "outflows_usd", "outflows_transfers"):
        out[col] = out[col].astype("Int64")
    return out


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    monthly = parse_monthly(paths[MONTHLY_FILE])
    if SIE_FILE in paths:
        monthly = _with_sie(monthly, parse_sie(paths[SIE_FILE]))
    if monthly["month"].min() != FIRST_MONTH:
        raise DataError(MONTHLY_FILE, f"the monthly series should start in {FIRST_MONTH:%B %Y}")
    return {MONTHLY.name: monthly, BY_STATE.name: parse_states(paths[STATES_FILE])}


# ----------------------------------------------------------------------------- live API


def token() -> str:
    """The SIE token from the environment, or a clear stop."""
    value = os.environ.get(ENV_VARIABLE, "").strip()
    if not value:
        raise FetchError(
            "remittances",
            SIE_API.format(series=SIE_INFLOWS),
            f"expected a Banco de México SIE API token in the environment variable {ENV_VARIABLE}, "
            "but it is not set, so Banxico's own figures cannot be read.",
            f"Get a free token at {SIE_SIGNUP_PAGE}, then `export {ENV_VARIABLE}=<your token>` and run "
            "the refresh again; or refresh from an archive with --mirror DIR|URL. Nothing was "
            "downloaded; the last good data is unchanged.",
        )
    return value


def download_from(
    fetcher, api: str = SIE_API, files: tuple[RemoteFile, ...] | None = None
) -> dict[str, Path]:
    """Banxico's API first (the token checked before anything is downloaded), then the
    republished tables for what the API series does not hold."""
    secret = token()
    url = api.format(series=SIE_INFLOWS)
    # the token travels as a query parameter, which the fetcher hides in every message
    data = fetcher.get_bytes(url, "json", 5_000_000, params={"token": secret})
    paths = {SIE_FILE: fetcher.stage_bytes(SIE_FILE, data, url).path}
    for rf in files or SOURCE.files:
        paths[rf.name] = fetcher.get_file(rf).path
    return paths


def download(fetcher) -> dict[str, Path]:
    return download_from(fetcher)


SOURCE = Source(
    id="remittances",
    title="Family remittances to and from Mexico (Banxico)",
    publisher="Banco de México (Banxico), balance of payments: family remittances",
    carrier=(
        "lapanquecita/remesas (github.com/lapanquecita/remesas, MIT), tables downloaded from "
        f"Banxico's SIE, read at commit {REMESAS_COMMIT[:7]}"
    ),
    landing_page=SIE_PAGE,
    files=(
        RemoteFile(
            MONTHLY_FILE,
            f"{REPO_RAW}/{MONTHLY_FILE}",
            "csv",
            2_000_000,
            "Inflows and outflows by month: dollars and number of transfers",
        ),
        RemoteFile(
            STATES_FILE,
            f"{REPO_RAW}/{STATES_FILE}",
            "csv",
            5_000_000,
            "Inflows by sending US state, quarterly",
        ),
    ),
    tables=(MONTHLY, BY_STATE),
    process=process,
    download=download,
    # a live refresh needs this environment variable (the value is never stored)
    extra={"credential_env": ENV_VARIABLE},
    notes=(
        f"A live refresh reads Banxico's SIE API ({SIE_API.format(series=SIE_INFLOWS)}), which "
        f"needs a free token in the environment variable {ENV_VARIABLE} ({SIE_SIGNUP_PAGE}); the "
        "token is never stored or printed. The transfers, outflows and US states come from the "
        f"republished SIE downloads, pinned to lapanquecita/remesas commit {REMESAS_COMMIT}. "
        "Inflows per year: 2023 $63.32 billion, 2024 $65.02 billion (the record), 2025 $62.47 "
        "billion. Current dollars."
    ),
)

# ----------------------------------------------------------------------------- loaders


def monthly() -> pd.DataFrame:
    """Inflows and outflows per month since January 1995 (US dollars and transfers)."""
    return processed.read(MONTHLY.name)


def annual() -> pd.DataFrame:
    """Per calendar year: inflows_usd, inflows_transfers, outflows_usd, months, complete."""
    return processed.per_calendar_year(
        monthly(), ("inflows_usd",), partial=("inflows_transfers", "outflows_usd")
    )


def record_year() -> int:
    """The complete year with the most inflows."""
    df = annual()
    df = df[df["complete"]]
    return int(df.loc[df["inflows_usd"].idxmax(), "year"])


def by_state() -> pd.DataFrame:
    """Inflows by sending US state and quarter since 2013."""
    return processed.read(BY_STATE.name)
