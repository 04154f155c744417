"""Darién Gap: people who crossed from Colombia into Panama through the jungle.

Publisher: Panama's Servicio Nacional de Migración (SNM), which publishes monthly PDFs only.
We read a machine-readable republication of SNM's tables: the R data files of the MIT-licensed
``gdidata`` package, read with a real R-data reader (pyreadr). Panama's open-data portal has
published the same tables as CSV (2022); :func:`parse_portal_csv` reads that layout so a
reporter can load the official CSVs when they appear.

What the files hold: annual totals by nationality for 2010-2019 (one row per year, dated
1 January), monthly totals by nationality from January 2020, and monthly totals by
demographic group from January 2021 (men and women; from 2023 also boys and girls). April,
May and July 2020 have no rows at all: the border was closed and no figure was published.
We record those months as missing, never as zero.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import datetime
from pathlib import Path

import lazy_loader

from migrationdata import countries, processed, rdata, schemas
from migrationdata.catalog import Column, RemoteFile, RevisionPolicy, Source, Table
from migrationdata.errors import DataError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

# pinned to the commit the mirror copied (PROVENANCE), never the moving main branch
REPO_RAW = "https://raw.githubusercontent.com/iom/gdidata/c9e4cc69cebd91d6cfca5f4107e2406e4de2c6ff/data"
NAT_FILE = "irreg_darien_nat.rda"
DMG_FILE = "irreg_darien_dmg.rda"
FIRST_MONTHLY = datetime(2020, 1, 1)
#: months SNM never published (the 2020 border closure): missing, never zero
UNPUBLISHED_MONTHS = ("2020-04-01", "2020-05-01", "2020-07-01")

# ----------------------------------------------------------------------------- schemas


def _monthly_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(FIRST_MONTHLY),
            "nationality_iso3": pa.Column(str, pa.Check.str_matches(r"^([A-Z]{3})?$")),
            "nationality": pa.Column(str),
            "nationality_es": pa.Column(str),
            "migrants": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        },
        coerce=True,
        strict=True,
    )


def _annual_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "year": pa.Column("Int64", pa.Check.ge(2010)),
            "migrants": pa.Column("Int64", pa.Check.ge(0)),
            "months_reported": pa.Column("Int64", pa.Check.in_range(0, 12), nullable=True),
            "complete": pa.Column(bool),
            "coverage": pa.Column(str),
        },
        coerce=True,
        strict=True,
    )


def _demographics_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "group": pa.Column(str, pa.Check.isin(["men", "women", "boys", "girls"])),
            "migrants": pa.Column("Int64", pa.Check.ge(0)),
        },
        coerce=True,
        strict=True,
    )


MONTHLY = Table(
    name="darien_monthly",
    title="Darién Gap crossings by month and nationality",
    description=(
        "People registered by Panama after crossing the Darién from Colombia, by month and "
        "nationality, from January 2020. Read from SNM's tables as republished in the gdidata "
        "R package; codes mapped to names with pycountry. Months with no published figure "
        "(April, May and July 2020) appear as one row with an empty nationality_iso3 and an "
        "empty migrants value: missing, not zero."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column(
            "nationality_iso3",
            "string",
            "ISO 3166-1 alpha-3 code; OOO other or unspecified, TIB Tibet, XKX Kosovo; "
            "empty on the row that marks an unpublished month.",
        ),
        Column("nationality", "string", "Country name in English."),
        Column("nationality_es", "string", "Country name in Spanish."),
        Column("migrants", "integer", "People who crossed; empty where no figure was published.", "persons"),
    ),
    primary_key=("month", "nationality_iso3"),
    schema=_monthly_schema,
    files=(NAT_FILE,),  # tidy(): its numbers come from this file alone (dmg only cross-checks them)
)

ANNUAL = Table(
    name="darien_annual",
    title="Darién Gap crossings by year",
    description=(
        "Total crossings per calendar year from 2010. 2010-2019 are SNM's annual totals "
        "(no monthly detail: months_reported is empty); from 2020 the sum of the published "
        "months. `complete` is false when any month is missing or the year is not over, so a "
        "partial year is never read as a full one."
    ),
    columns=(
        Column("year", "integer", "Calendar year."),
        Column("migrants", "integer", "People who crossed in the year (published months only).", "persons"),
        Column(
            "months_reported",
            "integer",
            "Months with a published figure; empty for the annual-only years 2010-2019.",
            "months",
        ),
        Column("complete", "boolean", "True when the figure covers the whole year."),
        Column("coverage", "string", "What the figure covers, in words."),
    ),
    primary_key=("year",),
    schema=_annual_schema,
    files=(NAT_FILE,),  # tidy(): the file's annual rows to 2019, then its months summed
)

ANNUAL_NATIONALITY = Table(
    name="darien_annual_nationality",
    title="Darién Gap crossings by year and nationality",
    description=(
        "Crossings per calendar year and nationality from 2010: SNM's annual rows for "
        "2010-2019 (the only nationality detail for those years) and the sum of published "
        "months from 2020. Partial years are flagged in darien_annual."
    ),
    columns=(
        Column("year", "integer", "Calendar year."),
        Column("nationality_iso3", "string", "ISO 3166-1 alpha-3 code (OOO, TIB, XKX as in darien_monthly)."),
        Column("nationality", "string", "Country name in English."),
        Column("nationality_es", "string", "Country name in Spanish."),
        Column("migrants", "integer", "People who crossed in the year.", "persons"),
    ),
    primary_key=("year", "nationality_iso3"),
    schema=lambda: _annual_nationality_schema(),
    files=(NAT_FILE,),  # tidy(): its numbers come from this file alone
)


def _annual_nationality_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "year": pa.Column("Int64", pa.Check.ge(2010)),
            "nationality_iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "nationality": pa.Column(str),
            "nationality_es": pa.Column(str),
            "migrants": pa.Column("Int64", pa.Check.ge(0)),
        },
        coerce=True,
        strict=True,
    )


DEMOGRAPHICS = Table(
    name="darien_demographics",
    title="Darién Gap crossings by demographic group",
    description=(
        "Monthly crossings by group from January 2021. In 2021-2022 SNM split only men and "
        "women, with minors counted inside those two groups; from 2023 boys and girls are "
        "separate groups and men/women are adults."
    ),
    columns=(
        Column("month", "date", "First day of the month."),
        Column("group", "string", "men, women, boys or girls."),
        Column("migrants", "integer", "People who crossed.", "persons"),
    ),
    primary_key=("month", "group"),
    schema=_demographics_schema,
    files=(DMG_FILE,),  # tidy(): its numbers come from this file alone (nat only cross-checks them)
)

# ----------------------------------------------------------------------------- parsing

MONTHS_ES = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]


def read_rda(path: Path, expected_object: str, columns: list[str]) -> pd.DataFrame:
    """Read one data frame from an R data file and check its columns (the shared checked reader)."""
    return rdata.read_frame(path, expected_object, columns)


def _counts(df: pd.DataFrame, file: str, keys: list[str]) -> pd.DataFrame:
    """Dates from R day numbers; counts as non-negative whole numbers; keys unique."""
    for col in ("t", "q"):
        df[col] = pd.to_datetime(df[col], unit="D", origin="unix")
    # a republisher's export can turn counts into text ("1,234"): not a number, not a count
    n = df["n"] if pd.api.types.is_numeric_dtype(df["n"]) else pd.to_numeric(df["n"], errors="coerce")
    bad = n.isna() | (n < 0) | (n % 1 != 0)
    if bad.any():
        raise DataError(file, "counts must be whole numbers of zero or more", df[bad].head(10))
    df["n"] = n.astype("int64")
    notfirst = df["t"].dt.day != 1
    if notfirst.any():
        raise DataError(file, "dates must be the first day of a month", df[notfirst].head(10))
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        raise DataError(file, f"{int(dup.sum())} rows repeat a {'/'.join(keys)} pair", df[dup].head(10))
    return df


def parse_nationality(path: Path) -> pd.DataFrame:
    """``irreg_darien_nat.rda`` -> t (date), nat, n."""
    df = read_rda(path, "irreg_darien_nat", ["t", "q", "nat", "n"])
    df["nat"] = df["nat"].astype(str).str.strip()
    malformed = ~df["nat"].str.fullmatch(r"[A-Z]{3}")
    if malformed.any():
        raise DataError(path.name, "nationality codes must be three capital letters", df[malformed].head(10))
    return _counts(df, path.name, ["t", "nat"])


def parse_demographics(path: Path) -> pd.DataFrame:
    df = read_rda(path, "irreg_darien_dmg", ["t", "q", "demog", "n"])
    unknown = ~df["demog"].isin(["men", "women", "boys", "girls"])
    if unknown.any():
        raise DataError(path.name, "unknown demographic groups", df[unknown].head(10))
    return _counts(df, path.name, ["t", "demog"])


def parse_portal_csv(data: bytes, year: int, file: str = "portal.csv") -> pd.DataFrame:
    """Panama's open-data portal layout: a title line, then ``País, Ene … Dic, Total``, with
    ``-`` for zero, thousands commas, in a DOS code page. Returns month, nationality_iso3,
    nationality_es, migrants; checks each row's months against its Total."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp850")  # the portal's files: 0xA1 is í, 0xA3 is ú
    lines = text.splitlines()
    if len(lines) < 3:
        raise DataError(file, "too short: expected a title line, a header and rows")
    raw = pd.read_csv(io.StringIO("\n".join(lines[1:])), dtype=str, keep_default_na=False)
    raw.columns = [c.strip() for c in raw.columns]
    label = raw.columns[0]
    months = [c for c in raw.columns[1:] if c.strip(".").lower()[:3] in MONTHS_ES]
    if len(months) != 12 or "Total" not in raw.columns:
        raise DataError(file, f"expected columns País, Ene … Dic, Total; found {list(raw.columns)}")

    def number(v: str) -> int:
        v = v.strip()
        if v in ("", "-", "–"):
            return 0
        if not re.fullmatch(r"\d{1,3}(,\d{3})*|\d+", v):
            raise DataError(file, f"not a count: {v!r}")
        return int(v.replace(",", ""))

    raw = raw[~raw[label].str.strip().str.lower().isin(["total", "total general", ""])]
    out = []
    for _, row in raw.iterrows():
        name = row[label].strip()
        counts = [number(row[m]) for m in months]
        total = number(row["Total"])
        if sum(counts) != total:
            raise DataError(file, f"{name}: the months add to {sum(counts):,}, Total says {total:,}")
        code = countries.iso3_from_spanish(name)
        if code is None:
            warnings.warn(f"{file}: unknown country name {name!r}, kept with an empty code", stacklevel=2)
        for i, n in enumerate(counts):
            out.append((pd.Timestamp(year=year, month=i + 1, day=1), code or "", name, n))
    return pd.DataFrame(out, columns=["month", "nationality_iso3", "nationality_es", "migrants"])


# ----------------------------------------------------------------------------- tidy tables


def _names(codes: pd.Series, file: str) -> tuple[pd.Series, pd.Series]:
    uniq = sorted(set(codes) - {""})
    en = {c: countries.english_name(c) for c in uniq}
    unknown = [c for c, n in en.items() if n is None]
    if unknown:
        # reported, not dropped: the rows stay with a name that says what is wrong
        warnings.warn(
            f"{file}: nationality codes not in ISO 3166 or the known extras: "
            f"{unknown}; kept as 'Unrecognised code …'",
            stacklevel=2,
        )
    en = {c: n or f"Unrecognised code {c}" for c, n in en.items()}
    es = {c: countries.spanish_name(c) or f"Código no reconocido {c}" for c in uniq}
    en[""] = "(no figure published)"
    es[""] = "(sin cifra publicada)"
    return codes.map(en), codes.map(es)


def tidy(nat: pd.DataFrame, dmg: pd.DataFrame) -> dict[str, pd.DataFrame]:
    annual_only = nat[nat["t"] < FIRST_MONTHLY]
    if not (annual_only["t"].dt.month == 1).all():
        raise DataError("irreg_darien_nat.rda", "rows before 2020 should be annual (dated 1 January)")
    monthly = nat[nat["t"] >= FIRST_MONTHLY].rename(
        columns={"t": "month", "nat": "nationality_iso3", "n": "migrants"}
    )[["month", "nationality_iso3", "migrants"]]
    last = monthly["month"].max()
    all_months = pd.date_range(FIRST_MONTHLY, last, freq="MS")
    missing = all_months.difference(pd.DatetimeIndex(monthly["month"].unique()))
    # only the 2020 border-closure months were never published; any other gap is a file that
    # lost rows, and would otherwise become a silent "missing" month in the tables
    lost = missing[missing > monthly["month"].min()].difference(pd.DatetimeIndex(UNPUBLISHED_MONTHS))
    if len(lost):
        raise DataError(
            "irreg_darien_nat.rda",
            f"no rows for {', '.join(f'{m:%B %Y}' for m in lost)}, inside the monthly series "
            "(only April, May and July 2020 were never published)",
        )
    gap_rows = pd.DataFrame({"month": missing, "nationality_iso3": "", "migrants": pd.NA})
    monthly = pd.concat([monthly, gap_rows], ignore_index=True)
    monthly["migrants"] = monthly["migrants"].astype("Int64")
    monthly["nationality"], monthly["nationality_es"] = _names(
        monthly["nationality_iso3"], "irreg_darien_nat.rda"
    )

    years = []
    for year, n in annual_only.groupby(annual_only["t"].dt.year)["n"].sum().items():
        years.append((year, n, pd.NA, True, "annual total (no monthly detail published)"))
    published = monthly.dropna(subset=["migrants"])
    for year, grp in published.groupby(published["month"].dt.year):
        months = sorted(grp["month"].dt.month.unique())
        gaps = [m for m in range(1, 13) if m not in months]
        if not gaps:
            coverage = "all 12 months"
        elif gaps == list(range(months[-1] + 1, 13)) and year == last.year:
            coverage = f"partial year: January to {pd.Timestamp(year=year, month=months[-1], day=1):%B}"
        else:
            names = ", ".join(f"{pd.Timestamp(year=year, month=m, day=1):%B}" for m in gaps)
            coverage = f"{len(months)} of 12 months; no figure published for {names}"
        years.append((year, int(grp["migrants"].sum()), len(months), not gaps, coverage))
    annual = pd.DataFrame(years, columns=["year", "migrants", "months_reported", "complete", "coverage"])

    dem = dmg.rename(columns={"t": "month", "demog": "group", "n": "migrants"})[
        ["month", "group", "migrants"]
    ]
    # the two files must agree month by month where both exist
    nat_tot = published.groupby("month")["migrants"].sum()
    dem_tot = dem.groupby("month")["migrants"].sum()
    both = nat_tot.index.intersection(dem_tot.index)
    diff = nat_tot[both] - dem_tot[both]
    if (diff != 0).any():
        raise DataError(
            "irreg_darien_dmg.rda",
            "monthly totals differ from the nationality file",
            diff[diff != 0].head(10),
        )
    early = annual_only.assign(year=annual_only["t"].dt.year)[["year", "nat", "n"]].rename(
        columns={"nat": "nationality_iso3", "n": "migrants"}
    )
    late = (
        published.assign(year=published["month"].dt.year)
        .groupby(["year", "nationality_iso3"], as_index=False)["migrants"]
        .sum()
    )
    by_nat = pd.concat([early, late], ignore_index=True)
    by_nat["migrants"] = by_nat["migrants"].astype("int64")
    by_nat["nationality"], by_nat["nationality_es"] = _names(
        by_nat["nationality_iso3"], "irreg_darien_nat.rda"
    )
    return {
        "darien_monthly": monthly,
        "darien_annual": annual,
        "darien_annual_nationality": by_nat,
        "darien_demographics": dem,
    }


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    return tidy(parse_nationality(paths[NAT_FILE]), parse_demographics(paths[DMG_FILE]))


SOURCE = Source(
    id="darien",
    title="Darién Gap irregular crossings into Panama",
    publisher="Servicio Nacional de Migración de Panamá (SNM)",
    carrier="gdidata R package (github.com/iom/gdidata), a cleaned republication of SNM's tables",
    landing_page="https://www.migracion.gob.pa/estadisticas/",
    files=(
        RemoteFile(
            NAT_FILE,
            f"{REPO_RAW}/{NAT_FILE}",
            "rda",
            2_000_000,
            "Crossings by nationality: annual 2010-2019, monthly from 2020",
        ),
        RemoteFile(
            DMG_FILE,
            f"{REPO_RAW}/{DMG_FILE}",
            "rda",
            500_000,
            "Crossings by demographic group, monthly from 2021",
        ),
    ),
    tables=(MONTHLY, ANNUAL, ANNUAL_NATIONALITY, DEMOGRAPHICS),
    process=process,
    # SNM corrects its latest months when late reports from the jungle posts arrive
    policy=RevisionPolicy(
        recent_months=3,
        recent_tolerance=0.05,
        settled_tolerance=0.001,
        rule="SNM may correct its last three months by up to 5%; older figures by at most 0.1%",
    ),
    notes=(
        "SNM publishes PDFs only. Panama's security ministry (Minseg) quotes slightly different "
        "figures in the press (2022: 248,283 against SNM's 248,284; Venezuelans in 2023: 328,667 "
        "against 328,650); this project uses SNM's. SNM's 2020 total (6,465) is lower than the "
        "8,594 reported at the time: the figure was revised or comes from a different table."
    ),
)

# ----------------------------------------------------------------------------- loaders


def monthly() -> pd.DataFrame:
    """Crossings by month and nationality (unpublished months: one row, migrants missing)."""
    return processed.read("darien_monthly")


def monthly_totals() -> pd.DataFrame:
    """One row per month: month, migrants (missing where no figure was published)."""
    df = monthly()
    out = df.groupby("month", as_index=False)["migrants"].sum(min_count=1)
    out["migrants"] = out["migrants"].astype("Int64")
    return out


def annual() -> pd.DataFrame:
    """Crossings per year since 2010, with how many months each figure covers."""
    return processed.read("darien_annual")


def annual_by_nationality() -> pd.DataFrame:
    """Crossings by year and nationality since 2010 (the only detail for 2010-2019)."""
    return processed.read("darien_annual_nationality")


def demographics() -> pd.DataFrame:
    return processed.read("darien_demographics")


def year_total(year: int) -> int:
    row = annual().set_index("year").loc[year]
    return int(row["migrants"])


def by_nationality(year: int) -> pd.DataFrame:
    """Crossings in ``year`` by nationality, largest first, with each one's share."""
    df = monthly()
    df = df[(df["month"].dt.year == year) & (df["nationality_iso3"] != "")]
    out = df.groupby(["nationality_iso3", "nationality", "nationality_es"], as_index=False)["migrants"].sum()
    out["share"] = out["migrants"] / out["migrants"].sum()
    return out.sort_values(["migrants", "nationality_iso3"], ascending=[False, True]).reset_index(drop=True)


def children(year: int) -> dict:
    """Minors (boys + girls) in ``year``; raises for years before 2023, when SNM counted minors
    inside the men and women groups."""
    df = demographics()
    df = df[df["month"].dt.year == year]
    groups = set(df["group"])
    if not {"boys", "girls"} <= groups:
        raise ValueError(
            f"SNM's tables have no separate count of minors for {year} "
            "(boys and girls are published from 2023)."
        )
    by = df.groupby("group")["migrants"].sum()
    total = int(by.sum())
    minors = int(by["boys"] + by["girls"])
    return {
        "year": year,
        "boys": int(by["boys"]),
        "girls": int(by["girls"]),
        "minors": minors,
        "total": total,
        "share": minors / total,
    }


def cumulative(year: int) -> pd.DataFrame:
    """Running total by month within ``year``: month, migrants, cumulative."""
    df = monthly_totals()
    df = df[df["month"].dt.year == year].copy()
    df["cumulative"] = df["migrants"].cumsum()
    return df.reset_index(drop=True)


def month_passing(year: int, threshold: int) -> pd.Timestamp | None:
    """The first month whose running total for ``year`` exceeds ``threshold`` (None if never)."""
    df = cumulative(year)
    over = df[df["cumulative"] > threshold]
    return None if over.empty else over["month"].iloc[0]
