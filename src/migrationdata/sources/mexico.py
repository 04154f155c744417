"""Mexico's enforcement: foreigners found in an irregular situation, and the people Mexico returned.

Publisher: the Unidad de Política Migratoria (UPM) of Mexico's Secretaría de Gobernación, in
its monthly "Boletines Estadísticos", chapter 3: cuadro 3.1.1 (foreigners presented to the
Instituto Nacional de Migración, INM, or channelled to DIF shelters, by nationality), cuadro
3.1.3 (the same by sex and age) and cuadro 3.2.4 (returns: deportations and assisted returns,
by nationality). UPM posts one workbook or PDF per year; we read the machine-readable
republication of those tables in the MIT-licensed ``gdidata`` R package, pinned to one commit.

These are **events**, not people: one person detained twice counts twice. Say "detentions"
or "events", never "migrants", when quoting them.

The monthly and the annual bulletins are revised separately, and the by-nationality and the
by-sex-and-age tables do not agree for 2024 (1,231,320 against 1,230,126 events; UPM's annual
bulletin says 1,234,698). We keep each table as published and say which one a figure comes
from; nothing is forced to agree.
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

#: gdidata's repository at the commit the mirror copied (2025-06-19): never a moving branch
GDIDATA_COMMIT = "c9e4cc69cebd91d6cfca5f4107e2406e4de2c6ff"
REPO_RAW = f"https://raw.githubusercontent.com/iom/gdidata/{GDIDATA_COMMIT}/data"
UPM_BULLETINS = "https://portales.segob.gob.mx/es/PoliticaMigratoria/Boletines_Estadisticos"

NAT_FILE = "irreg_mexico_nat.rda"
DMG_FILE = "irreg_mexico_dmg.rda"
EXP_FILE = "irreg_mexico_exp.rda"
FIRST_IRREGULAR = datetime(2018, 1, 1)
FIRST_RETURNS = datetime(2015, 1, 1)
SEXES = ("male", "female")
AGES = ("18+", "12-17", "under 12, accompanied", "under 12, unaccompanied")
RETURN_TYPES = ("deportation", "assisted return", "assisted return of children")
#: codes under which the republisher put two of UPM's rows in some months (each a different
#: line of UPM's table mapped to the same country); those rows are added up. Any other
#: repeated month and code is refused as a damaged file.
KNOWN_REPEATS = frozenset({"FRA", "GIN"})
#: UPM's annual bulletin for 2024 (presentados 986,314 + canalizados 248,384), as quoted in
#: the mirror's PROVENANCE: the monthly tables add up to slightly less
UPM_ANNUAL_2024 = 1_234_698

# ----------------------------------------------------------------------------- tables


def _nat_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_IRREGULAR),
            "nationality_iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "nationality": pa.Column(str),
            "nationality_es": pa.Column(str),
            "events": pa.Column("Int64", pa.Check.ge(0)),
        },
        checks=[schemas.contiguous_months(FIRST_IRREGULAR)],
        coerce=True,
        strict=True,
    )


def _dmg_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_IRREGULAR),
            "sex": pa.Column(str, pa.Check.isin(SEXES)),
            "age_group": pa.Column(str, pa.Check.isin(AGES)),
            "events": pa.Column("Int64", pa.Check.ge(0)),
        },
        checks=[schemas.contiguous_months(FIRST_IRREGULAR)],
        coerce=True,
        strict=True,
    )


def _returns_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_RETURNS),
            "nationality_iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "nationality": pa.Column(str),
            "nationality_es": pa.Column(str),
            "return_type": pa.Column(str, pa.Check.isin(RETURN_TYPES)),
            "events": pa.Column("Int64", pa.Check.ge(0)),
        },
        checks=[schemas.contiguous_months(FIRST_RETURNS)],
        coerce=True,
        strict=True,
    )


IRREGULAR = Table(
    name="mexico_irregular_monthly",
    title="Mexico: events of foreigners in an irregular situation, by month and nationality",
    description=(
        "Foreigners presented to Mexico's INM (an administrative migration procedure opened "
        "because they could not show a regular status) or channelled to DIF shelters, by month "
        "and nationality, from January 2018 (UPM bulletin, cuadro 3.1.1). EVENTS, not people: a "
        "person detained twice counts twice. Where the republished file has two rows for one "
        "month and code (France and Guinea in some months: two of UPM's lines mapped to one "
        "code), they are added up. Nationalities with no event in a month have no row."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("nationality_iso3", "string", "ISO 3166-1 alpha-3 code; STL stateless."),
        Column("nationality", "string", "Country name in English."),
        Column("nationality_es", "string", "Country name in Spanish."),
        Column("events", "integer", "Events of foreigners in an irregular situation.", "events"),
    ),
    primary_key=("month", "nationality_iso3"),
    schema=_nat_schema,
    files=(NAT_FILE,),  # its numbers come from this file alone
)

DEMOGRAPHICS = Table(
    name="mexico_irregular_demographics",
    title="Mexico: events of foreigners in an irregular situation, by sex and age",
    description=(
        "The same events by sex and age group, from January 2018 (UPM bulletin, cuadro 3.1.3). "
        "Revised separately from the nationality table: the two differ by a few hundred events "
        "a month in 2024 (1,230,126 events for the year here, 1,231,320 by nationality)."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("sex", "string", "male or female."),
        Column(
            "age_group",
            "string",
            "18+, 12-17, 'under 12, accompanied' or 'under 12, unaccompanied'.",
        ),
        Column("events", "integer", "Events of foreigners in an irregular situation.", "events"),
    ),
    primary_key=("month", "sex", "age_group"),
    schema=_dmg_schema,
    files=(DMG_FILE,),  # its numbers come from this file alone
)

RETURNS = Table(
    name="mexico_returns_monthly",
    title="Mexico: returns of foreigners, by month, nationality and type",
    description=(
        "Foreigners Mexico returned to their countries, by month, nationality and type, from "
        "January 2015 (UPM bulletin, cuadro 3.2.4): deportations, assisted returns, and assisted "
        "returns of children (minors returned under the protocol for children). Events, not "
        "people. Combinations with no event in a month have no row."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("nationality_iso3", "string", "ISO 3166-1 alpha-3 code."),
        Column("nationality", "string", "Country name in English."),
        Column("nationality_es", "string", "Country name in Spanish."),
        Column("return_type", "string", "deportation, 'assisted return' or 'assisted return of children'."),
        Column("events", "integer", "Returns.", "events"),
    ),
    primary_key=("month", "nationality_iso3", "return_type"),
    schema=_returns_schema,
    files=(EXP_FILE,),  # its numbers come from this file alone
)

# ----------------------------------------------------------------------------- parsing


def parse_nationality(path: Path) -> pd.DataFrame:
    """``irreg_mexico_nat.rda`` -> month, nationality_iso3, events (repeats of the known codes summed)."""
    file = path.name
    df = rdata.read_frame(path, "irreg_mexico_nat", ["t", "nat", "n"])
    df["month"] = rdata.months(df["t"], file)
    df["nationality_iso3"] = rdata.nationality_codes(df["nat"], file)
    df["events"] = rdata.whole_counts(df, "n", file)
    dup = df.duplicated(["month", "nationality_iso3"], keep=False)
    bad = dup & ~df["nationality_iso3"].isin(KNOWN_REPEATS)
    if bad.any():
        raise DataError(file, f"{int(bad.sum())} rows repeat a month and nationality", df[bad].head(10))
    rdata.no_gaps(df["month"], file)
    return df.groupby(["month", "nationality_iso3"], as_index=False)["events"].sum()


def parse_demographics(path: Path) -> pd.DataFrame:
    """``irreg_mexico_dmg.rda`` -> month, sex, age_group, events: every sex and age every month."""
    file = path.name
    df = rdata.read_frame(path, "irreg_mexico_dmg", ["t", "sex", "age", "n"])
    df["month"] = rdata.months(df["t"], file)
    df["sex"] = df["sex"].astype(str)
    df["age_group"] = df["age"].astype(str)
    for col, allowed in (("sex", SEXES), ("age_group", AGES)):
        unknown = ~df[col].isin(allowed)
        if unknown.any():
            raise DataError(file, f"unknown {col} values; expected {list(allowed)}", df[unknown].head(10))
    df["events"] = rdata.whole_counts(df, "n", file)
    keys = ["month", "sex", "age_group"]
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a month, sex and age", df[dup].head(10))
    per_month = df.groupby("month").size()
    short = per_month[per_month != len(SEXES) * len(AGES)]
    if len(short):
        raise DataError(
            file, "each month must have a row for every sex and age group", short.to_frame("rows")
        )
    rdata.no_gaps(df["month"], file)
    return df[keys + ["events"]]


def parse_returns(path: Path) -> pd.DataFrame:
    """``irreg_mexico_exp.rda`` -> month, nationality_iso3, return_type, events."""
    file = path.name
    df = rdata.read_frame(path, "irreg_mexico_exp", ["t", "nat", "type", "n"])
    df["month"] = rdata.months(df["t"], file)
    df["nationality_iso3"] = rdata.nationality_codes(df["nat"], file)
    df["return_type"] = df["type"].astype(str).str.strip()
    unknown = ~df["return_type"].isin(RETURN_TYPES)
    if unknown.any():
        raise DataError(file, f"unknown return types; expected {list(RETURN_TYPES)}", df[unknown].head(10))
    df["events"] = rdata.whole_counts(df, "n", file)
    keys = ["month", "nationality_iso3", "return_type"]
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a month, nationality and type", df[dup].head(10))
    rdata.no_gaps(df["month"], file)
    return df[keys + ["events"]]


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    nat = parse_nationality(paths[NAT_FILE])
    dmg = parse_demographics(paths[DMG_FILE])
    ret = parse_returns(paths[EXP_FILE])
    if nat["month"].min() != FIRST_IRREGULAR or dmg["month"].min() != FIRST_IRREGULAR:
        raise DataError(NAT_FILE, f"the irregular-situation tables should start in {FIRST_IRREGULAR:%B %Y}")
    if ret["month"].min() != FIRST_RETURNS:
        raise DataError(EXP_FILE, f"the returns table should start in {FIRST_RETURNS:%B %Y}")
    return {
        IRREGULAR.name: rdata.with_names(nat)[IRREGULAR.column_names],
        DEMOGRAPHICS.name: dmg,
        RETURNS.name: rdata.with_names(ret)[RETURNS.column_names],
    }


SOURCE = Source(
    id="mexico",
    title="Mexico: foreigners in an irregular situation and returns (UPM)",
    publisher="Unidad de Política Migratoria, Secretaría de Gobernación (UPM, Mexico)",
    carrier=(
        "gdidata R package (github.com/iom/gdidata, MIT, not affiliated with the publishers), "
        f"a cleaned republication of UPM's bulletin tables, read at commit {GDIDATA_COMMIT[:7]}"
    ),
    landing_page=UPM_BULLETINS,
    files=(
        RemoteFile(
            NAT_FILE, f"{REPO_RAW}/{NAT_FILE}", "rda", 1_000_000, "Events by nationality, monthly from 2018"
        ),
        RemoteFile(
            DMG_FILE, f"{REPO_RAW}/{DMG_FILE}", "rda", 500_000, "Events by sex and age, monthly from 2018"
        ),
        RemoteFile(
            EXP_FILE,
            f"{REPO_RAW}/{EXP_FILE}",
            "rda",
            1_000_000,
            "Returns by nationality and type, monthly from 2015",
        ),
    ),
    tables=(IRREGULAR, DEMOGRAPHICS, RETURNS),
    process=process,
    notes=(
        "UPM's own files are yearly workbooks and PDFs at the landing page (the official "
        "source, cuadros 3.1.1, 3.1.3 and 3.2.4); the project reads the republished R files, "
        f"pinned to gdidata commit {GDIDATA_COMMIT}. Counts are events, not people. UPM's "
        f"annual bulletin for 2024 gives {UPM_ANNUAL_2024:,} events (986,314 presented plus "
        "248,384 channelled); the monthly tables add up to 1,231,320 by nationality and "
        "1,230,126 by sex and age: quote the table a figure comes from."
    ),
)

# ----------------------------------------------------------------------------- loaders


def monthly() -> pd.DataFrame:
    """Events by month and nationality since January 2018."""
    return processed.read(IRREGULAR.name)


def monthly_totals() -> pd.DataFrame:
    """One row per month: month, events (all nationalities)."""
    out = monthly().groupby("month", as_index=False)["events"].sum()
    out["events"] = out["events"].astype("int64")
    return out


def annual() -> pd.DataFrame:
    """Events per calendar year (by-nationality table): year, events, months, complete."""
    return processed.per_calendar_year(monthly_totals(), ("events",))


def demographics() -> pd.DataFrame:
    """Events by month, sex and age group since January 2018."""
    return processed.read(DEMOGRAPHICS.name)


def returns() -> pd.DataFrame:
    """Returns by month, nationality and type since January 2015."""
    return processed.read(RETURNS.name)


def returns_annual() -> pd.DataFrame:
    """Returns per year by type: year, deportation, assisted_return (adults and children
    together), total, months, complete."""
    df = returns()
    df["year"] = df["month"].dt.year
    df["kind"] = df["return_type"].where(df["return_type"] == "deportation", "assisted_return")
    out = df.pivot_table(index="year", columns="kind", values="events", aggfunc="sum", fill_value=0)
    out = out.reindex(columns=["deportation", "assisted_return"], fill_value=0).astype("int64")
    out["total"] = out.sum(axis=1)
    out["months"] = df.groupby("year")["month"].nunique()
    out["complete"] = out["months"] == 12
    out.columns.name = None
    return out.reset_index()


def by_nationality(start: str, end: str) -> pd.DataFrame:
    """Events from ``start`` to ``end`` (inclusive months, "2023-01"), by nationality, largest
    first, with each one's share."""
    df = monthly()
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    df = df[(df["month"] >= lo) & (df["month"] <= hi)]
    out = df.groupby(["nationality_iso3", "nationality", "nationality_es"], as_index=False)["events"].sum()
    out["share"] = out["events"] / out["events"].sum()
    return out.sort_values(["events", "nationality_iso3"], ascending=[False, True]).reset_index(drop=True)
