"""Honduras: foreigners who entered the country irregularly, most of them heading north.

Publisher: Honduras' Instituto Nacional de Migración (INM), which counts the foreigners it
registers after they enter without going through a border post ("flujo migratorio
irregular"), almost all of them arriving from Nicaragua on their way to Guatemala, Mexico and
the United States: the step between the Darién and Mexico on the route. INM publishes the
figures on an online dashboard, not as files; we read the machine-readable republication in
the MIT-licensed ``gdidata`` R package, pinned to one commit.

Three tables: the monthly total from January 2014, and from January 2018 the same total by
nationality and by demographic group (men, women, boys, girls). The three agree month by
month in every vintage we have seen, and the parser insists on it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import lazy_loader

from migrationdata import processed, rdata, schemas
from migrationdata.catalog import Column, RemoteFile, Source, Table
from migrationdata.errors import DataError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

GDIDATA_COMMIT = "c9e4cc69cebd91d6cfca5f4107e2406e4de2c6ff"
REPO_RAW = f"https://raw.githubusercontent.com/iom/gdidata/{GDIDATA_COMMIT}/data"
#: INM's "Flujo Migratorio Irregular" dashboard (Power BI), as cited by the republisher
INM_PAGE = (
    "https://app.powerbi.com/view?r=eyJrIjoiODNhMGY4MGUtM2NkMy00YTIzLTlmZTAtNmQxZmJiZDhiZjc1IiwidCI6"
    "ImUxMWQ5NjIwLTRkM2UtNDEwYi05MTUyLWZkMWNmNmNmNzI5YSJ9"
)

TOTAL_FILE = "irreg_honduras.rda"
NAT_FILE = "irreg_honduras_nat.rda"
DMG_FILE = "irreg_honduras_dmg.rda"
FIRST_TOTAL = datetime(2014, 1, 1)
FIRST_DETAIL = datetime(2018, 1, 1)
GROUPS = ("men", "women", "boys", "girls")
#: codes under which the republisher put two of INM's rows in some months (two lines of
#: INM's dashboard mapped to one code); they are added up. Any other repeated month and code is refused as a damaged file.
KNOWN_REPEATS = frozenset(
    {"BEN", "CIV", "FRA", "KGZ", "MLI", "NER", "OOO", "STL", "TJK", "TWN", "TZA", "UZB", "VNM"}
)
#: nationalities INM reports under a name the republisher coded otherwise: the code a story's
#: country means -> the codes that hold its people in this table. INM's "China" is coded TWN
#: (Taiwan) in the republished file: INM's 2023 figure for China, 12,184 (reported on
#: 5 January 2024), is TWN's 12,188 here; its 6,608 to 20 September 2023 lies between TWN's
#: 6,288 to August and 6,858 to September, its 5,438 to 23 July between 4,654 to June and 5,634
#: to July; and CHN has no row in 2022,
#: 2023 or 2024 before November (TWN's rows begin in March 2022). From then on both appear, so a
#: count of China takes both.
AS_REPORTED = {"CHN": ("CHN", "TWN")}

# ----------------------------------------------------------------------------- tables


def _total_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {"month": schemas.month_column(FIRST_TOTAL), "migrants": pa.Column("Int64", pa.Check.ge(0))},
        checks=[schemas.contiguous_months(FIRST_TOTAL)],
        coerce=True,
        strict=True,
    )


def _nat_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_DETAIL),
            "nationality_iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "nationality": pa.Column(str),
            "nationality_es": pa.Column(str),
            "migrants": pa.Column("Int64", pa.Check.ge(0)),
        },
        coerce=True,
        strict=True,
    )


def _dmg_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_DETAIL),
            "group": pa.Column(str, pa.Check.isin(GROUPS)),
            "migrants": pa.Column("Int64", pa.Check.ge(0)),
        },
        checks=[schemas.contiguous_months(FIRST_DETAIL)],
        coerce=True,
        strict=True,
    )


MONTHLY = Table(
    name="honduras_monthly",
    title="Honduras: irregular entries by month",
    description=(
        "Foreigners registered by Honduras' INM after entering the country irregularly, per "
        "month from January 2014. People registered, as INM counts them."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("migrants", "integer", "Foreigners registered after an irregular entry.", "persons"),
    ),
    primary_key=("month",),
    schema=_total_schema,
    files=(TOTAL_FILE,),  # its numbers come from this file alone
)

NATIONALITY = Table(
    name="honduras_monthly_nationality",
    title="Honduras: irregular entries by month and nationality",
    description=(
        "The monthly total by nationality from January 2018; adds up to honduras_monthly "
        "every month. Where the republished file has two rows for one month and code (two of "
        "INM's lines mapped to one code), they are added up. Nationalities with no entry in a "
        "month have no row; April and May 2020, when no one was registered (the border was "
        "closed), have no rows at all (honduras_monthly records them as 0). TWN holds the people "
        "INM reports as China (the republisher's code for INM's line; CHN has no row from 2022 "
        "to October 2024): a count of China is TWN and CHN together."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column(
            "nationality_iso3", "string", "ISO 3166-1 alpha-3 code; OOO other or unspecified, STL stateless."
        ),
        Column("nationality", "string", "Country name in English."),
        Column("nationality_es", "string", "Country name in Spanish."),
        Column("migrants", "integer", "Foreigners registered after an irregular entry.", "persons"),
    ),
    primary_key=("month", "nationality_iso3"),
    schema=_nat_schema,
    files=(NAT_FILE,),  # its numbers come from this file alone
)

DEMOGRAPHICS = Table(
    name="honduras_demographics",
    title="Honduras: irregular entries by demographic group",
    description=(
        "The monthly total by group (men, women, boys, girls) from January 2018; adds up to "
        "honduras_monthly every month."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("group", "string", "men, women, boys or girls."),
        Column("migrants", "integer", "Foreigners registered after an irregular entry.", "persons"),
    ),
    primary_key=("month", "group"),
    schema=_dmg_schema,
    files=(DMG_FILE,),  # its numbers come from this file alone
)

# ----------------------------------------------------------------------------- parsing


def parse_total(path: Path) -> pd.DataFrame:
    file = path.name
    df = rdata.read_frame(path, "irreg_honduras", ["t", "n"])
    df["month"] = rdata.months(df["t"], file)
    df["migrants"] = rdata.whole_counts(df, "n", file)
    dup = df.duplicated("month", keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a month", df[dup].head(10))
    rdata.no_gaps(df["month"], file)
    return df[["month", "migrants"]]


def parse_nationality(path: Path) -> pd.DataFrame:
    file = path.name
    df = rdata.read_frame(path, "irreg_honduras_nat", ["t", "nat", "n"])
    df["month"] = rdata.months(df["t"], file)
    df["nationality_iso3"] = rdata.nationality_codes(df["nat"], file)
    df["migrants"] = rdata.whole_counts(df, "n", file)
    dup = df.duplicated(["month", "nationality_iso3"], keep=False)
    bad = dup & ~df["nationality_iso3"].isin(KNOWN_REPEATS)
    if bad.any():
        raise DataError(file, f"{int(bad.sum())} rows repeat a month and nationality", df[bad].head(10))
    # no gap check here: months with no entry at all (April and May 2020) have no rows;
    # process() checks every other month against the monthly total
    return df.groupby(["month", "nationality_iso3"], as_index=False)["migrants"].sum()


def parse_demographics(path: Path) -> pd.DataFrame:
    file = path.name
    df = rdata.read_frame(path, "irreg_honduras_dmg", ["t", "demog", "n"])
    df["month"] = rdata.months(df["t"], file)
    df["group"] = df["demog"].astype(str).str.strip()
    unknown = ~df["group"].isin(GROUPS)
    if unknown.any():
        raise DataError(file, f"unknown demographic groups; expected {list(GROUPS)}", df[unknown].head(10))
    df["migrants"] = rdata.whole_counts(df, "n", file)
    dup = df.duplicated(["month", "group"], keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a month and group", df[dup].head(10))
    rdata.no_gaps(df["month"], file)
    return df[["month", "group", "migrants"]]


def _agree(total: pd.DataFrame, detail: pd.DataFrame, file: str, what: str) -> None:
    """The detail adds up to the total in every month both cover; the detail covers every
    month of the total from January 2018."""
    tot = total.set_index("month")["migrants"]
    det = detail.groupby("month")["migrants"].sum()
    # a month with no entries at all has no rows in the detail (April and May 2020)
    lacking = tot[(tot.index >= FIRST_DETAIL) & (tot > 0)].index.difference(det.index)
    if len(lacking):
        raise DataError(file, f"no {what} rows for {', '.join(f'{m:%B %Y}' for m in lacking[:12])}")
    beyond = det.index.difference(tot.index)
    if len(beyond):
        # the total is the file that lost something (a download cut short ends early): name it
        raise DataError(
            TOTAL_FILE,
            f"the monthly total has no row for {', '.join(f'{m:%B %Y}' for m in beyond[:12])}, "
            f"which the {what} file ({file}) has",
        )
    diff = (det - tot[det.index]).loc[lambda d: d != 0]
    if len(diff):
        raise DataError(
            file, f"the {what} rows do not add up to the monthly total", diff.head(10).to_frame("difference")
        )


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    total = parse_total(paths[TOTAL_FILE])
    nat = parse_nationality(paths[NAT_FILE])
    dmg = parse_demographics(paths[DMG_FILE])
    if total["month"].min() != FIRST_TOTAL:
        raise DataError(TOTAL_FILE, f"the monthly total should start in {FIRST_TOTAL:%B %Y}")
    _agree(total, nat, NAT_FILE, "nationality")
    _agree(total, dmg, DMG_FILE, "demographic")
    return {
        MONTHLY.name: total,
        NATIONALITY.name: rdata.with_names(nat)[NATIONALITY.column_names],
        DEMOGRAPHICS.name: dmg,
    }


SOURCE = Source(
    id="honduras",
    title="Honduras: irregular entries (INM)",
    publisher="Instituto Nacional de Migración de Honduras (INM)",
    carrier=(
        "gdidata R package (github.com/iom/gdidata, MIT, not affiliated with the publishers), "
        f"a cleaned republication of INM's dashboard figures, read at commit {GDIDATA_COMMIT[:7]}"
    ),
    landing_page=INM_PAGE,
    files=(
        RemoteFile(TOTAL_FILE, f"{REPO_RAW}/{TOTAL_FILE}", "rda", 200_000, "Monthly total from 2014"),
        RemoteFile(NAT_FILE, f"{REPO_RAW}/{NAT_FILE}", "rda", 1_000_000, "By nationality, monthly from 2018"),
        RemoteFile(
            DMG_FILE, f"{REPO_RAW}/{DMG_FILE}", "rda", 200_000, "By demographic group, monthly from 2018"
        ),
    ),
    tables=(MONTHLY, NATIONALITY, DEMOGRAPHICS),
    process=process,
    notes=(
        "INM publishes these figures on its dashboard (the landing page), the official source; "
        f"the project reads the republished R files, pinned to gdidata commit {GDIDATA_COMMIT}. "
        "Annual totals computed from the monthly table: 2022 188,858; 2023 545,043; 2024 374,971."
    ),
)

# ----------------------------------------------------------------------------- loaders


def monthly() -> pd.DataFrame:
    """Irregular entries per month since January 2014: month, migrants."""
    return processed.read(MONTHLY.name)


def annual() -> pd.DataFrame:
    """Irregular entries per calendar year: year, migrants, months, complete."""
    return processed.per_calendar_year(monthly(), ("migrants",))


def monthly_by_nationality() -> pd.DataFrame:
    return processed.read(NATIONALITY.name)


def demographics() -> pd.DataFrame:
    return processed.read(DEMOGRAPHICS.name)


def by_nationality(year: int) -> pd.DataFrame:
    """Entries in ``year`` by nationality, largest first, with each one's share. Nationalities
    are named as INM reports them: the codes in :data:`AS_REPORTED` count as one (TWN's rows
    are INM's China, so they are China here, as in INM's own figures)."""
    df = monthly_by_nationality()
    df = df[df["month"].dt.year == year]
    as_reported = {c: code for code, codes in AS_REPORTED.items() for c in codes}
    df = rdata.with_names(df.assign(nationality_iso3=df["nationality_iso3"].replace(as_reported)))
    out = df.groupby(["nationality_iso3", "nationality", "nationality_es"], as_index=False)["migrants"].sum()
    out["share"] = out["migrants"] / out["migrants"].sum()
    return out.sort_values(["migrants", "nationality_iso3"], ascending=[False, True]).reset_index(drop=True)
