"""US border encounters: CBP's monthly releases and the Border Patrol's history.

Publisher: U.S. Customs and Border Protection (CBP), with the DHS Office of Homeland Security
Statistics (OHSS) for a cross-check. "Encounters" are Border Patrol (USBP) Title 8
apprehensions, plus Office of Field Operations (OFO) Title 8 inadmissibles, plus Title 42
expulsions by either (March 2020 to May 2023).

What arrives, and the traps this module absorbs so that no notebook has to:

- CBP's releases are CSVs in three layouts: nationwide by area of responsibility (AOR: Border
  Patrol sector or OFO field office), nationwide by state (no component), and the Southwest
  land border release (``sbo-``), which groups citizenship into five values. The same layouts
  also circulate with snake_case headers (tidytuesday's merge of two AOR releases).
- Months are ``OCT`` … ``SEP`` of a fiscal year that may read ``2025 (FYTD)``; October to
  December belong to the previous calendar year.
- Each release covers about four fiscal years, so releases overlap and may revise a month.
  For each month the latest release wins at its own level of detail, but detail is never lost
  to a coarser release: AOR rows (21 named countries, sectors and field offices) are kept
  even where a later Southwest release covers the same month with five citizenship groups.
  Every value that differs between two releases goes to ``cbp_revisions``.
- Border Patrol history: monthly FY2000-FY2020 from CBP's PDF (as extracted by UWCHR,
  pipe-delimited and gzipped) and annual Southwest apprehensions FY1960-FY2019 (as extracted
  by jacobkap). From March 2020 the PDF counts Title 8 plus Title 42, as the CSVs do, so the
  monthly series joins the CSVs like for like; the overlap (FY2020) is compared cell by cell.
- The OHSS workbook (USBP only, every cell rounded to 10, header ``Fiscal\\nYear``, months
  such as ``03 December``) is read only to cross-check the Border Patrol series.
"""

from __future__ import annotations

import gzip
import io
import re
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pandas as pd

from migrationdata import countries, processed, schemas
from migrationdata.catalog import Column, RemoteFile, RevisionPolicy, Source, Table
from migrationdata.errors import DataError, FetchError

NATIONWIDE_PAGE = "https://www.cbp.gov/newsroom/stats/nationwide-encounters"
SOUTHWEST_PAGE = "https://www.cbp.gov/document/stats/southwest-land-border-encounters"
OHSS_PAGE = "https://ohss.dhs.gov/khsm/cbp-encounters"
CBP_FILES = "https://www.cbp.gov/sites/default/files"
GITHUB_RAW = "https://raw.githubusercontent.com"

FIRST_MONTH = pd.Timestamp("2019-10-01")  # FY2020, the first year of CBP's encounter CSVs
USBP_FIRST_MONTH = pd.Timestamp("1999-10-01")  # FY2000, the first month of the USBP PDF
FIRST_FISCAL_YEAR = 1960
TITLE42_FIRST = pd.Timestamp("2020-03-01")
TITLE42_LAST = pd.Timestamp("2023-05-01")  # the order ended on 11 May 2023
# OHSS's FY2000-FY2001 USBP figures are far below CBP's own (FY2000 by 77,259), so the
# cross-check starts in FY2002; from then on the two agree within a few hundred a month.
OHSS_CHECK_FROM = pd.Timestamp("2001-10-01")

FY_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
MONTH_NUMBER = {abbv: (i + 9) % 12 + 1 for i, abbv in enumerate(FY_MONTHS)}
OHSS_MONTHS = {f"{i + 1:02d} {pd.Timestamp(2001, n, 1):%B}": n for i, n in enumerate(MONTH_NUMBER.values())}

USBP = "U.S. Border Patrol"
OFO = "Office of Field Operations"
COMPONENTS = (USBP, OFO)
SOUTHWEST = "Southwest Land Border"
REGIONS = (SOUTHWEST, "Northern Land Border", "Other")
TITLES = ("Title 8", "Title 42")
ENCOUNTER_TYPES = ("Apprehensions", "Inadmissibles", "Expulsions")
#: CBP's labels -> ours. The nationwide files renamed UAC to "UC / Single Minors"; same group.
DEMOGRAPHICS = {
    "Single Adults": "Single adults",
    "FMUA": "Individuals in family units",
    "UAC": "Unaccompanied children",
    "UC / Single Minors": "Unaccompanied children",
    "Accompanied Minors": "Accompanied minors",
}
#: the Southwest release has no area breakdown; its rows carry this instead of a sector
ALL_AREAS = "All areas (not broken down)"
OTHER = "Other"  # the AOR and state files' OTHER: every country not named in the file
#: the Southwest release's "Other": every country but El Salvador, Guatemala, Honduras, Mexico
GROUPED_OTHER = "Other (grouped)"
#: CBP spellings that a country-name lookup does not resolve
CITIZENSHIP_CODES = {"CHINA, PEOPLES REPUBLIC OF": "CHN", "MYANMAR (BURMA)": "MMR"}

#: the columns of each CBP layout, after headers are reduced to snake_case
#: columns CBP's files carry that no table uses (not worth a warning)
UNUSED_COLUMNS = ("month_grouping", "aor_abbv")
LAYOUTS = {
    "aor": (
        "fiscal_year",
        "month_abbv",
        "component",
        "land_border_region",
        "area_of_responsibility",
        "demographic",
        "citizenship",
        "title_of_authority",
        "encounter_type",
        "encounter_count",
    ),
    "state": (
        "fiscal_year",
        "month_abbv",
        "land_border_region",
        "state",
        "demographic",
        "citizenship",
        "title_of_authority",
        "encounter_count",
    ),
    "southwest": (
        "fiscal_year",
        "month_abbv",
        "component",
        "demographic",
        "citizenship_grouping",
        "title_of_authority",
        "encounter_type",
        "encounter_count",
    ),
}
#: the dimensions each layout describes, in the order a revision's key names them
DIMENSIONS = {
    "aor": ("component", "region", "area", "demographic", "citizenship", "title", "encounter_type"),
    "state": ("region", "state", "demographic", "citizenship", "title"),
    "southwest": ("component", "region", "demographic", "citizenship", "title", "encounter_type"),
}
KEY_ORDER = ("component", "region", "area", "state", "demographic", "citizenship", "title", "encounter_type")

#: CBP's file names: sbo-encounters-fy22-fy25[-aug].csv, nationwide-encounters-fy22-fy25[-aug]-aor.csv
SOUTHWEST_NAME = re.compile(r"sbo-encounters-fy(\d\d)-fy(\d\d)(?:-([a-z]{3}))?\.csv", re.IGNORECASE)
NATIONWIDE_NAME = re.compile(
    r"nationwide-encounters-fy(\d\d)-fy(\d\d)(?:-([a-z]{3}))?-(aor|state)\.csv", re.IGNORECASE
)
OHSS_NAME = re.compile(r".*usbp.*\.xlsx", re.IGNORECASE)

# ----------------------------------------------------------------------------- schemas


def _encounters_schema():
    import pandera.pandas as pa

    def fiscal_year_matches(df: pd.DataFrame) -> pd.Series:
        return df["fiscal_year"] == fiscal_year_of(df["month"])

    def type_matches(df: pd.DataFrame) -> pd.Series:
        return df["encounter_type"] == expected_encounter_type(df["component"], df["title"])

    def title42_in_force(df: pd.DataFrame) -> pd.Series:
        return (df["title"] != "Title 42") | df["month"].between(TITLE42_FIRST, TITLE42_LAST)

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "fiscal_year": pa.Column("int64", pa.Check.ge(2020)),
            "component": pa.Column(str, pa.Check.isin(COMPONENTS)),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "area": pa.Column(str, pa.Check.str_length(min_value=1)),
            "demographic": pa.Column(str, pa.Check.isin(sorted(set(DEMOGRAPHICS.values())))),
            "citizenship": pa.Column(str, pa.Check.str_length(min_value=1)),
            "title": pa.Column(str, pa.Check.isin(TITLES)),
            "encounter_type": pa.Column(str, pa.Check.isin(ENCOUNTER_TYPES)),
            "encounters": pa.Column("int64", pa.Check.ge(0)),
        },
        checks=[
            schemas.contiguous_months(FIRST_MONTH),
            pa.Check(fiscal_year_matches, error="fiscal_year does not match the month"),
            pa.Check(type_matches, error="encounter_type does not match component and title"),
            pa.Check(title42_in_force, error="Title 42 rows outside March 2020 - May 2023"),
        ],
        coerce=True,
        strict=True,
    )


def _southwest_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "usbp": pa.Column("int64", pa.Check.ge(0)),
            "ofo": pa.Column("int64", pa.Check.ge(0)),
            "total": pa.Column("int64", pa.Check.ge(0)),
        },
        checks=[
            schemas.contiguous_months(FIRST_MONTH),
            pa.Check(lambda df: df["total"] == df["usbp"] + df["ofo"], error="total is usbp + ofo"),
        ],
        coerce=True,
        strict=True,
    )


def _usbp_monthly_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "encounters": pa.Column("int64", pa.Check.ge(0)),
        },
        checks=[schemas.contiguous_months(USBP_FIRST_MONTH)],
        coerce=True,
        strict=True,
    )


def _usbp_annual_schema():
    import pandera.pandas as pa

    def contiguous(df: pd.DataFrame) -> bool:
        years = sorted(df["fiscal_year"])
        return bool(years) and years == list(range(FIRST_FISCAL_YEAR, years[-1] + 1))

    return pa.DataFrameSchema(
        {
            "fiscal_year": pa.Column("int64", pa.Check.ge(FIRST_FISCAL_YEAR)),
            "apprehensions": pa.Column("int64", pa.Check.ge(0)),
        },
        checks=[pa.Check(contiguous, error="a fiscal year from 1960 on is missing")],
        coerce=True,
        strict=True,
    )


def _revisions_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "key": pa.Column(str, pa.Check.str_length(min_value=1)),
            "old": pa.Column("int64", pa.Check.ge(0)),
            "new": pa.Column("int64", pa.Check.ge(0)),
            "old_release": pa.Column(str),
            "new_release": pa.Column(str),
        },
        checks=[pa.Check(lambda df: df["old"] != df["new"], error="a revision changes the value")],
        coerce=True,
        strict=True,
    )


ENCOUNTERS = Table(
    name="cbp_encounters",
    title="CBP encounters by month, component, area, demographic, citizenship and title",
    description=(
        "Every encounter cell CBP publishes, nationwide, from October 2019 (FY2020) to the latest "
        "month. Months covered by a nationwide area-of-responsibility release come from the "
        "latest such release: regions Southwest Land Border, Northern Land Border and Other, "
        "areas are Border Patrol sectors and OFO field offices, 21 named countries plus Other. "
        "Months published only in the Southwest land border release (after the last AOR "
        "release) hold Southwest rows only, with area 'All areas (not broken down)' and five "
        "citizenship values: El Salvador, Guatemala, Honduras, Mexico and 'Other (grouped)'. "
        "Zero cells are kept as CBP printed them; an absent cell is zero. Title 42 expulsions "
        "appear only from March 2020 to May 2023."
    ),
    columns=(
        Column("month", "date", "First day of the calendar month."),
        Column(
            "fiscal_year", "integer", "US federal fiscal year (October to September; Oct 2023 is FY2024)."
        ),
        Column(
            "component",
            "string",
            "U.S. Border Patrol (between ports) or Office of Field Operations (at ports).",
        ),
        Column(
            "region",
            "string",
            "Southwest Land Border, Northern Land Border or Other (airports, seaports, coastal sectors, preclearance).",
        ),
        Column(
            "area",
            "string",
            "Border Patrol sector or OFO field office; 'All areas (not broken down)' where CBP gives none.",
        ),
        Column(
            "demographic",
            "string",
            "Single adults; Individuals in family units (CBP's FMUA); Unaccompanied children "
            "(CBP's UAC, later 'UC / Single Minors'); Accompanied minors.",
        ),
        Column(
            "citizenship",
            "string",
            "Country of citizenship, one English name per country; Other = countries the file does "
            "not name; Other (grouped) = all but El Salvador, Guatemala, Honduras and Mexico.",
        ),
        Column("title", "string", "Title 8 (immigration law) or Title 42 (public-health expulsions)."),
        Column(
            "encounter_type",
            "string",
            "Apprehensions (USBP, Title 8), Inadmissibles (OFO, Title 8), Expulsions (Title 42).",
        ),
        Column("encounters", "integer", "Encounters (events, not unique people).", "encounters"),
    ),
    primary_key=(
        "month",
        "component",
        "region",
        "area",
        "demographic",
        "citizenship",
        "title",
        "encounter_type",
    ),
    schema=_encounters_schema,
)

SOUTHWEST_MONTHLY = Table(
    name="cbp_southwest_monthly",
    title="Southwest land border encounters by month",
    description=(
        "Encounters at the US-Mexico land border by month from October 2019, Border Patrol and "
        "Office of Field Operations, Title 8 and Title 42 together: the figure CBP headlines. "
        "Each month comes from the latest release that covers it (the Southwest release when "
        "it does); if a later release revised a month, this table has the revised figure and "
        "cbp_revisions lists the change."
    ),
    columns=(
        Column("month", "date", "First day of the calendar month."),
        Column(
            "usbp",
            "integer",
            "U.S. Border Patrol encounters (apprehensions and Title 42 expulsions).",
            "encounters",
        ),
        Column(
            "ofo",
            "integer",
            "Office of Field Operations encounters (inadmissibles and Title 42 expulsions).",
            "encounters",
        ),
        Column("total", "integer", "usbp + ofo.", "encounters"),
    ),
    primary_key=("month",),
    schema=_southwest_schema,
)

USBP_MONTHLY = Table(
    name="usbp_southwest_monthly",
    title="Border Patrol Southwest border encounters by month since October 1999",
    description=(
        "Border Patrol only (no OFO), Southwest border, monthly from October 1999 (FY2000). "
        "October 1999 - September 2019 from CBP's 'U.S. Border Patrol Monthly Encounters FY2000-"
        "FY2020' PDF (as extracted by UWCHR); from October 2019 from CBP's encounter CSVs. Both "
        "count Title 8 apprehensions plus, from March 2020, Title 42 expulsions, and they agree "
        "on every month of FY2020, so the series is like for like across the change of source. "
        "Before FY2020 CBP called these 'apprehensions'."
    ),
    columns=(
        Column("month", "date", "First day of the calendar month."),
        Column(
            "encounters",
            "integer",
            "Border Patrol apprehensions and Title 42 expulsions, Southwest border.",
            "encounters",
        ),
    ),
    primary_key=("month",),
    schema=_usbp_monthly_schema,
)

USBP_ANNUAL = Table(
    name="usbp_southwest_annual",
    title="Border Patrol Southwest border apprehensions by fiscal year since FY1960",
    description=(
        "Border Patrol only, Southwest border, by fiscal year (October to September) from FY1960 "
        "to the latest complete year. FY1960-FY1999 from CBP's 'Southwest Border Sector "
        "Apprehensions (FY1960-FY2019)' PDF (as extracted by jacobkap); from FY2000 the sum of "
        "usbp_southwest_monthly, which the PDF matches for every year FY2000-FY2019. FY2020-FY2023 "
        "include Title 42 expulsions."
    ),
    columns=(
        Column("fiscal_year", "integer", "US federal fiscal year (FY2000 = Oct 1999 - Sep 2000)."),
        Column(
            "apprehensions",
            "integer",
            "Apprehensions (from March 2020 also Title 42 expulsions).",
            "encounters",
        ),
    ),
    primary_key=("fiscal_year",),
    schema=_usbp_annual_schema,
)

REVISIONS = Table(
    name="cbp_revisions",
    title="Values that changed between CBP releases",
    description=(
        "Every cell whose value differs between two releases that cover the same month, "
        "compared at the detail both share (a nationwide release is summed to the Southwest "
        "release's five citizenship groups before the two are compared; the USBP history PDF is "
        "compared with the CSVs on monthly Southwest totals). A cell absent from a release counts "
        "as zero. Empty when no release revised another."
    ),
    columns=(
        Column("month", "date", "The month whose value changed."),
        Column("key", "string", "The cell, as dimension=value pairs."),
        Column("old", "integer", "Value in the earlier release.", "encounters"),
        Column("new", "integer", "Value in the later release.", "encounters"),
        Column("old_release", "string", "File name of the earlier release (see manifest.json for its URL)."),
        Column("new_release", "string", "File name of the later release."),
    ),
    primary_key=("month", "key", "old_release", "new_release"),
    schema=_revisions_schema,
)

# ----------------------------------------------------------------------------- helpers


def fiscal_year_of(months: pd.Series) -> pd.Series:
    """October-December belong to the next fiscal year."""
    return (months.dt.year + (months.dt.month >= 10)).astype("int64")


def expected_encounter_type(component: pd.Series, title: pd.Series) -> pd.Series:
    out = pd.Series("Inadmissibles", index=component.index, dtype=object)
    out[component == USBP] = "Apprehensions"
    out[title == "Title 42"] = "Expulsions"
    return out


def snake(name: str) -> str:
    """``Month (abbv)`` -> ``month_abbv``; ``Fiscal\\nYear`` -> ``fiscal_year``: one spelling for
    CBP's headers and the snake_case copies of them."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def citizenship_name(value: str, file: str) -> str:
    """CBP's upper-case country names -> one English name per country."""
    value = " ".join(value.split())
    if value.upper() == "OTHER":
        return OTHER
    code = CITIZENSHIP_CODES.get(value.upper()) or countries.iso3_from_english(value)
    name = countries.english_name(code) if code else None
    if name is None:
        warnings.warn(
            f"{file}: citizenship {value!r} is not a known country; kept in title case", stacklevel=2
        )
        return value.title()
    return name


def _offending(df: pd.DataFrame, mask: pd.Series, columns: list[str] | None = None) -> str:
    """The first offending rows with their line numbers in the file."""
    rows = df.loc[mask, columns or [c for c in df.columns if c != "line"]].head(10).copy()
    rows.insert(0, "line", df.loc[mask, "line"].head(10))
    return rows.to_string(index=False)


def parse_counts(values: pd.Series, df: pd.DataFrame, file: str, what: str = "encounter counts") -> pd.Series:
    """Whole numbers of zero or more (thousands commas allowed); anything else is an error."""
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    bad = ~text.str.fullmatch(r"\d+")
    if bad.any():
        raise DataError(
            file,
            f"{int(bad.sum())} {what} are negative, empty or not whole numbers",
            _offending(df, bad),
        )
    return text.astype("int64")


def months_from_fiscal(
    fiscal_year: pd.Series, month_abbv: pd.Series, df: pd.DataFrame, file: str
) -> pd.Series:
    """``2024 (FYTD)`` + ``DEC`` -> 2023-12-01."""
    fy_text = fiscal_year.astype(str).str.strip()
    fy_match = fy_text.str.extract(r"^(\d{4})(?:\.0)?(?:\s*\(FYTD\))?$", expand=False)
    bad = fy_match.isna()
    if bad.any():
        raise DataError(
            file, "unreadable fiscal years (expected e.g. 2024 or 2025 (FYTD))", _offending(df, bad)
        )
    abbv = month_abbv.astype(str).str.strip().str.upper()
    number = abbv.map(MONTH_NUMBER)
    bad = number.isna()
    if bad.any():
        raise DataError(file, f"unknown months (expected {', '.join(FY_MONTHS)})", _offending(df, bad))
    fy = fy_match.astype("int64")
    number = number.astype("int64")
    year = fy - (number >= 10).astype("int64")
    return pd.to_datetime(pd.DataFrame({"year": year, "month": number, "day": 1}))


def _unknown(df: pd.DataFrame, column: str, known, file: str, label: str) -> None:
    bad = ~df[column].isin(list(known))
    if bad.any():
        found = sorted(df.loc[bad, column].unique())
        raise DataError(
            file, f"unknown {label} {found}; expected one of {sorted(known)}", _offending(df, bad)
        )


def _read_text_table(path: Path, sep: str = ",") -> pd.DataFrame:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:  # a damaged or cut-off download
            raise DataError(
                path.name, f"not a readable gzip file ({exc}); it may be damaged or truncated"
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel exports from Windows desks
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DataError(path.name, f"not a readable {sep!r}-separated table ({exc})") from None
    df["line"] = range(2, len(df) + 2)  # line 1 is the header
    return df


# ----------------------------------------------------------------------------- CBP releases


@dataclass
class Release:
    """One CBP file of encounters, tidied: which layout it is and the months it covers."""

    name: str
    layout: str  # aor, state or southwest
    frame: pd.DataFrame  # month, the layout's DIMENSIONS, encounters

    @property
    def dims(self) -> tuple[str, ...]:
        return DIMENSIONS[self.layout]

    @property
    def through(self) -> pd.Timestamp:
        return self.frame["month"].max()

    @property
    def named_citizenships(self) -> frozenset[str] | None:
        """The countries a grouped release names; None when every country is named."""
        if self.layout != "southwest":
            return None
        return frozenset(set(self.frame["citizenship"]) - {GROUPED_OTHER})


def detect_layout(columns: list[str], file: str) -> str:
    cols = set(columns)
    if "area_of_responsibility" in cols:
        layout = "aor"
    elif "citizenship_grouping" in cols:
        layout = "southwest"
    elif "state" in cols:
        layout = "state"
    else:
        raise DataError(
            file,
            "the columns match none of CBP's encounter layouts (expected an 'Area of "
            "Responsibility', 'State' or 'Citizenship Grouping' column next to 'Fiscal Year', "
            f"'Month (abbv)' and 'Encounter Count'); found {columns}. CBP may have renamed them",
        )
    missing = [c for c in LAYOUTS[layout] if c not in cols]
    if missing:
        raise DataError(
            file,
            f"the {layout} layout lacks columns {missing} (found {columns}); a column was renamed "
            "or dropped: update LAYOUTS in migrationdata/sources/cbp.py if CBP changed the file",
        )
    return layout


def tidy_release(raw: pd.DataFrame, file: str) -> Release:
    """A CBP encounters frame (official or snake_case headers, all text) -> a :class:`Release`."""
    raw = raw.rename(columns={c: snake(c) for c in raw.columns if c != "line"})
    if "line" not in raw.columns:
        raw["line"] = range(2, len(raw) + 2)
    layout = detect_layout([c for c in raw.columns if c != "line"], file)
    extra = [c for c in raw.columns if c not in (*LAYOUTS[layout], *UNUSED_COLUMNS, "line")]
    if extra:
        warnings.warn(f"{file}: ignoring columns this project does not know: {extra}", stacklevel=2)
    raw = raw.copy()
    for col in LAYOUTS[layout]:
        raw[col] = raw[col].astype(str).str.strip()
    out = pd.DataFrame({"line": raw["line"]})
    out["month"] = months_from_fiscal(raw["fiscal_year"], raw["month_abbv"], raw, file)
    out["encounters"] = parse_counts(raw["encounter_count"], raw, file)
    # a release covers a run of months: a hole inside it is a damaged file, which an older
    # release would otherwise quietly fill
    months = pd.DatetimeIndex(out["month"].unique())
    holes = pd.date_range(months.min(), months.max(), freq="MS").difference(months)
    if len(holes):
        raise DataError(
            file,
            f"no rows for {', '.join(f'{m:%B %Y}' for m in holes[:12])}, inside the months the "
            f"release covers ({months.min():%B %Y} to {months.max():%B %Y})",
        )

    _unknown(raw, "demographic", DEMOGRAPHICS, file, "demographics")
    out["demographic"] = raw["demographic"].map(DEMOGRAPHICS)
    _unknown(raw, "title_of_authority", TITLES, file, "titles of authority")
    out["title"] = raw["title_of_authority"]
    if layout == "southwest":
        out["region"] = SOUTHWEST
        names = {
            v: GROUPED_OTHER if v.upper() == "OTHER" else citizenship_name(v, file)
            for v in raw["citizenship_grouping"].unique()
        }
        out["citizenship"] = raw["citizenship_grouping"].map(names)
    else:
        _unknown(raw, "land_border_region", REGIONS, file, "land border regions")
        out["region"] = raw["land_border_region"]
        names = {v: citizenship_name(v, file) for v in raw["citizenship"].unique()}
        out["citizenship"] = raw["citizenship"].map(names)
    if layout in ("aor", "southwest"):
        _unknown(raw, "component", COMPONENTS, file, "components")
        out["component"] = raw["component"]
        _unknown(raw, "encounter_type", ENCOUNTER_TYPES, file, "encounter types")
        out["encounter_type"] = raw["encounter_type"]
        wrong = out["encounter_type"] != expected_encounter_type(out["component"], out["title"])
        if wrong.any():
            raise DataError(
                file,
                "encounter types contradict component and title (USBP Title 8 = Apprehensions, "
                "OFO Title 8 = Inadmissibles, Title 42 = Expulsions)",
                _offending(raw, wrong),
            )
    if layout == "aor":
        out["area"] = raw["area_of_responsibility"]
        empty = out["area"] == ""
        if empty.any():
            raise DataError(file, "rows without an area of responsibility", _offending(raw, empty))
    if layout == "state":
        out["state"] = raw["state"]

    dims = list(DIMENSIONS[layout])
    dup = out.duplicated(["month", *dims], keep=False)
    if dup.any():
        raise DataError(
            file,
            f"{int(dup.sum())} rows repeat a month and cell ({', '.join(dims)}); a release must "
            "give each cell once",
            _offending(raw, dup),
        )
    return Release(file, layout, out[["month", *dims, "encounters"]].reset_index(drop=True))


def parse_release(path: Path) -> Release:
    """Read one CBP encounters file: CSV (any of the three layouts) or an R data copy."""
    if path.suffix.lower() in (".rda", ".rdata"):
        import pyreadr

        try:
            objects = pyreadr.read_r(str(path))
        except Exception as exc:  # pyreadr raises its own error type on bad bytes
            raise DataError(path.name, f"not a readable R data file ({exc})") from None
        frame = next(iter(objects.values()))
        # R stores the counts as doubles: 3.0 must read as the whole number 3
        text = frame.apply(
            lambda col: col.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        )
        return tidy_release(text, path.name)
    return tidy_release(_read_text_table(path), path.name)


# ----------------------------------------------------------------------------- history files


def parse_usbp_monthly_history(path: Path) -> pd.DataFrame:
    """UWCHR's pipe-delimited extraction of CBP's FY2000-FY2020 PDF -> month, encounters."""
    raw = _read_text_table(path, sep="|")
    raw.columns = [snake(c) if c != "line" else c for c in raw.columns]
    needed = ["month", "fy", "southwest_border"]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise DataError(path.name, f"columns {missing} are missing (found {list(raw.columns)})")
    number = parse_counts(raw["month"], raw, path.name, "month numbers")
    bad = ~number.between(1, 12)
    if bad.any():
        raise DataError(path.name, "month numbers must be 1 to 12", _offending(raw, bad))
    fy = parse_counts(raw["fy"], raw, path.name, "fiscal years")
    counts = parse_counts(raw["southwest_border"], raw, path.name)
    sectors = [
        "big_bend", "del_rio", "el_centro", "el_paso", "laredo", "rio_grande_valley", "san_diego", "tucson", "yuma",
    ]  # fmt: skip
    if all(s in raw.columns for s in sectors):
        # the PDF's Southwest total must be the sum of its nine sectors: catches a shifted column
        by_sector = sum(parse_counts(raw[s], raw, path.name) for s in sectors)
        off = by_sector != counts
        if off.any():
            raise DataError(
                path.name, "the Southwest total differs from the sum of its sectors", _offending(raw, off)
            )
    month = pd.to_datetime(pd.DataFrame({"year": fy - (number >= 10), "month": number, "day": 1}))
    out = pd.DataFrame({"month": month, "encounters": counts, "line": raw["line"]})
    dup = out.duplicated("month", keep=False)
    if dup.any():
        raise DataError(path.name, "months appear twice", _offending(raw, dup))
    return out[["month", "encounters"]].sort_values("month").reset_index(drop=True)


def parse_southwest_annual_history(path: Path) -> pd.DataFrame:
    """jacobkap's extraction of CBP's FY1960-FY2019 sector PDF -> fiscal_year, apprehensions
    (the 'southwest border' rows, checked against the sum of the nine sectors)."""
    raw = _read_text_table(path)
    raw.columns = [snake(c) if c != "line" else c for c in raw.columns]
    missing = [c for c in ("sector", "fiscal_year", "total_apprehensions") if c not in raw.columns]
    if missing:
        raise DataError(path.name, f"columns {missing} are missing (found {list(raw.columns)})")
    raw["fiscal_year"] = parse_counts(raw["fiscal_year"], raw, path.name, "fiscal years")
    raw["n"] = parse_counts(raw["total_apprehensions"], raw, path.name, "apprehension counts")
    raw["sector"] = raw["sector"].str.strip().str.lower()
    dup = raw.duplicated(["sector", "fiscal_year"], keep=False)
    if dup.any():
        raise DataError(path.name, "a sector and fiscal year appear twice", _offending(raw, dup))
    is_total = raw["sector"] == "southwest border"
    total = raw[is_total].set_index("fiscal_year")["n"]
    if total.empty:
        raise DataError(path.name, "no 'southwest border' total rows")
    sectors = raw[~is_total].groupby("fiscal_year")["n"].sum()
    off = sectors.reindex(total.index).fillna(-1) != total
    if off.any():
        raise DataError(
            path.name,
            "the Southwest total differs from the sum of its sectors",
            pd.DataFrame({"total": total[off], "sum_of_sectors": sectors.reindex(total.index)[off]}),
        )
    return total.rename("apprehensions").rename_axis("fiscal_year").reset_index().sort_values("fiscal_year")


def parse_ohss_workbook(path: Path, sheet: str = "Monthly Region") -> pd.DataFrame:
    """One sheet of the OHSS KHSM workbook -> fiscal_year, month (a date), its dimension
    columns in snake_case, quantity. Counts are rounded to 10 by OHSS."""
    try:
        raw = pd.read_excel(path, sheet_name=sheet, dtype=str, engine_kwargs={"read_only": True})
    except ValueError as exc:
        raise DataError(path.name, f"no readable sheet {sheet!r} ({exc})") from None
    except Exception as exc:  # openpyxl raises zipfile/KeyError flavours on damaged files
        raise DataError(path.name, f"not a readable Excel workbook ({exc})") from None
    raw.columns = [snake(c) for c in raw.columns]  # 'Fiscal\nYear' -> fiscal_year
    raw["line"] = range(2, len(raw) + 2)
    missing = [c for c in ("fiscal_year", "month", "quantity") if c not in raw.columns]
    if missing:
        raise DataError(path.name, f"sheet {sheet!r} lacks columns {missing} (found {list(raw.columns)})")
    raw = raw.fillna("")
    fy = parse_counts(raw["fiscal_year"].str.replace(r"\.0$", "", regex=True), raw, path.name, "fiscal years")
    label = raw["month"].str.strip().map(lambda v: " ".join(v.split()))
    number = label.map(OHSS_MONTHS)
    bad = number.isna()
    if bad.any():
        raise DataError(
            path.name, "unknown months (expected '01 October' … '12 September')", _offending(raw, bad)
        )
    number = number.astype("int64")
    out = raw.drop(columns=["fiscal_year", "month", "quantity", "line"])
    out.insert(
        0, "month", pd.to_datetime(pd.DataFrame({"year": fy - (number >= 10), "month": number, "day": 1}))
    )
    out.insert(0, "fiscal_year", fy)
    out["quantity"] = parse_counts(raw["quantity"].str.replace(r"\.0$", "", regex=True), raw, path.name)
    return out


# ----------------------------------------------------------------------------- combining


def _owner_by_month(releases: list[Release], region: str | None = None) -> dict[pd.Timestamp, Release]:
    """For each month, the latest release that has rows for it (in ``region`` if given)."""
    owner: dict[pd.Timestamp, Release] = {}
    for rel in releases:  # oldest first, so later releases overwrite
        frame = rel.frame if region is None else rel.frame[rel.frame["region"] == region]
        for month in frame["month"].unique():
            owner[pd.Timestamp(month)] = rel
    return owner


def _coarsen(rel: Release, dims: list[str], regions: set[str], named: frozenset[str] | None) -> pd.DataFrame:
    df = rel.frame[rel.frame["region"].isin(regions)] if "region" in dims else rel.frame
    df = df.copy()
    if named is not None and "citizenship" in dims:
        df["citizenship"] = df["citizenship"].where(df["citizenship"].isin(named), GROUPED_OTHER)
    return df.groupby(["month", *dims], as_index=False)["encounters"].sum()


def _common(old: Release, new: Release) -> tuple[list[str], set[str]]:
    """The dimensions and regions two releases share."""
    dims = [d for d in KEY_ORDER if d in old.dims and d in new.dims]
    return dims, set(old.frame["region"]) & set(new.frame["region"])


def _months(rel: Release, regions: set[str]) -> set[pd.Timestamp]:
    return {pd.Timestamp(m) for m in rel.frame.loc[rel.frame["region"].isin(regions), "month"].unique()}


def compare_releases(old: Release, new: Release, months: set[pd.Timestamp] | None = None) -> pd.DataFrame:
    """Cells that differ between two releases, at the detail both share, in the months both
    cover (or in ``months``)."""
    dims, regions = _common(old, new)
    named_sets = [s for s in (old.named_citizenships, new.named_citizenships) if s is not None]
    named = frozenset.intersection(*named_sets) if named_sets else None
    a = _coarsen(old, dims, regions, named)
    b = _coarsen(new, dims, regions, named)
    if months is None:
        months = set(a["month"]) & set(b["month"])
    a, b = a[a["month"].isin(months)], b[b["month"].isin(months)]
    both = a.merge(b, on=["month", *dims], how="outer", suffixes=("_old", "_new"))
    both[["encounters_old", "encounters_new"]] = both[["encounters_old", "encounters_new"]].fillna(0)
    changed = both[both["encounters_old"] != both["encounters_new"]]
    key = changed[dims].astype(str).apply(lambda r: "; ".join(f"{d}={r[d]}" for d in dims), axis=1)
    return pd.DataFrame(
        {
            "month": changed["month"],
            "key": key if len(changed) else pd.Series(dtype=str),
            "old": changed["encounters_old"].astype("int64"),
            "new": changed["encounters_new"].astype("int64"),
            "old_release": old.name,
            "new_release": new.name,
        }
    )


def release_order(releases: list[Release]) -> list[Release]:
    """Oldest first: by the last month a release covers, then by name for a stable order."""
    return sorted(releases, key=lambda r: (r.through, r.name))


def revision_log(releases: list[Release]) -> pd.DataFrame:
    """Every value that changed from one release to the next. Each release is compared, month
    by month, with the earlier release that shares the most detail with it for that month (the
    most recent, among equals), so a change is logged once, where it happened."""
    ordered = release_order(releases)
    parts = []
    for i, new in enumerate(ordered):
        best: dict[pd.Timestamp, tuple[tuple[int, int], Release]] = {}
        for j, old in enumerate(ordered[:i]):
            dims, regions = _common(old, new)
            rank = (len(dims), j)
            for month in _months(old, regions) & _months(new, regions):
                if month not in best or rank > best[month][0]:
                    best[month] = (rank, old)
        by_old: dict[str, tuple[Release, set[pd.Timestamp]]] = {}
        for month, (_, old) in best.items():
            by_old.setdefault(old.name, (old, set()))[1].add(month)
        parts += [compare_releases(old, new, months) for old, months in by_old.values()]
    columns = ["month", "key", "old", "new", "old_release", "new_release"]
    parts = [p for p in parts if not p.empty]
    if not parts:
        dtypes = {"month": "datetime64[ns]", "old": "int64", "new": "int64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, str)) for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def combine_encounters(releases: list[Release]) -> pd.DataFrame:
    """cbp_encounters: the latest AOR release for each month it covers; after the last AOR month,
    the latest Southwest release."""
    ordered = release_order(releases)
    detailed = _owner_by_month([r for r in ordered if r.layout == "aor"])
    coarse = _owner_by_month([r for r in ordered if r.layout == "southwest"])
    last_detailed = max(detailed) if detailed else None
    pieces = []
    for month in sorted(set(detailed) | set(coarse)):
        if month < FIRST_MONTH:
            continue
        if month in detailed:
            rel = detailed[month]
        elif last_detailed is not None and month < last_detailed:
            # a gap inside the AOR series is left as a gap, for the schema to refuse
            continue
        else:
            rel = coarse[month]
        rows = rel.frame[rel.frame["month"] == month]
        if rel.layout == "southwest":
            rows = rows.assign(area=ALL_AREAS)
        pieces.append(rows)
    if not pieces:
        raise DataError("cbp", "no area-of-responsibility or Southwest release arrived; nothing to build")
    out = pd.concat(pieces, ignore_index=True)
    out["fiscal_year"] = fiscal_year_of(out["month"])
    return out[ENCOUNTERS.column_names]


def combine_southwest(releases: list[Release]) -> tuple[pd.DataFrame, dict[pd.Timestamp, Release]]:
    """cbp_southwest_monthly from the latest release with components for each month."""
    owner = _owner_by_month(
        [r for r in release_order(releases) if r.layout in ("aor", "southwest")], region=SOUTHWEST
    )
    rows = []
    for month, rel in sorted(owner.items()):
        if month < FIRST_MONTH:
            continue
        f = rel.frame
        f = f[(f["month"] == month) & (f["region"] == SOUTHWEST)]
        by = f.groupby("component")["encounters"].sum()
        usbp, ofo = int(by.get(USBP, 0)), int(by.get(OFO, 0))
        rows.append((month, usbp, ofo, usbp + ofo))
    return pd.DataFrame(rows, columns=["month", "usbp", "ofo", "total"]), owner


def combine_usbp_history(
    legacy: pd.DataFrame, southwest: pd.DataFrame, owner: dict, legacy_name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The PDF series up to September 2019, CBP's CSVs from October 2019. Where both exist the
    CSV wins and any difference is logged as a revision of the PDF's figure."""
    csv = southwest[["month", "usbp"]].rename(columns={"usbp": "encounters"})
    both = legacy.merge(csv, on="month", suffixes=("_pdf", "_csv"))
    changed = both[both["encounters_pdf"] != both["encounters_csv"]]
    revisions = pd.DataFrame(
        {
            "month": changed["month"],
            "key": f"component={USBP}; region={SOUTHWEST}",
            "old": changed["encounters_pdf"],
            "new": changed["encounters_csv"],
            "old_release": legacy_name,
            "new_release": [owner[pd.Timestamp(m)].name for m in changed["month"]],
        }
    )
    series = pd.concat([legacy[legacy["month"] < csv["month"].min()], csv], ignore_index=True)
    return series, revisions


def combine_usbp_annual(history: pd.DataFrame, monthly: pd.DataFrame, history_name: str) -> pd.DataFrame:
    """FY1960-FY1999 from the annual PDF; FY2000 on from complete years of the monthly series,
    after checking that the two PDFs agree where they overlap."""
    by_fy = monthly.assign(fiscal_year=fiscal_year_of(monthly["month"])).groupby("fiscal_year")["encounters"]
    complete = by_fy.sum()[by_fy.size() == 12]
    overlap = history.set_index("fiscal_year")["apprehensions"].reindex(complete.index).dropna()
    off = overlap != complete[overlap.index]
    if off.any():
        raise DataError(
            history_name,
            "the annual Southwest totals disagree with the sum of the monthly series",
            pd.DataFrame({"annual": overlap[off], "sum_of_months": complete[overlap.index][off]}),
        )
    first_monthly = complete.index.min()
    early = history[history["fiscal_year"] < first_monthly]
    late = complete.rename("apprehensions").rename_axis("fiscal_year").reset_index()
    return pd.concat([early, late], ignore_index=True)


def check_against_ohss(usbp: pd.DataFrame, ohss: pd.DataFrame, file: str) -> None:
    """OHSS rounds to 10 and revises a little; a gap of more than 2% (or 50) in any month
    from FY2002 means a month was misread, not revised."""
    sw = ohss[ohss["region"].str.strip() == SOUTHWEST] if "region" in ohss.columns else ohss
    both = usbp.merge(sw[["month", "quantity"]], on="month")
    both = both[both["month"] >= OHSS_CHECK_FROM]
    if both.empty:
        raise DataError(file, "no Southwest month in the OHSS workbook overlaps CBP's Border Patrol series")
    gap = (both["quantity"] - both["encounters"]).abs()
    off = gap > (both["encounters"] * 0.02).clip(lower=50)
    if off.any():
        raise DataError(
            file,
            "OHSS's Border Patrol Southwest counts differ from CBP's by more than 2% (or 50); "
            "a month or column was probably misread",
            both[off].head(10).to_string(index=False),
        )


# ----------------------------------------------------------------------------- process


def classify(path: Path) -> str:
    """Which parser a file needs, from its bytes: release, usbp_monthly, southwest_annual, ohss."""
    head = path.read_bytes()[:4096]
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
                first = fh.readline()
        except (OSError, EOFError, zlib.error) as exc:  # a damaged or cut-off download
            raise DataError(
                path.name, f"not a readable gzip file ({exc}); it may be damaged or truncated"
            ) from None
        return "usbp_monthly" if "|" in first else "release"
    if head[:4] == b"PK\x03\x04":
        return "ohss"
    if path.suffix.lower() in (".rda", ".rdata"):
        return "release"
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0] if head else ""
    header = {snake(c) for c in first.split(",")}
    if {"sector", "total_apprehensions"} <= header:
        return "southwest_annual"
    return "release"


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """Raw CBP, USBP and OHSS files -> the five processed tables (pure: no network, no writes)."""
    releases: list[Release] = []
    legacy = annual = ohss = None
    names: dict[str, str] = {}
    for name, path in sorted(paths.items()):
        kind = classify(path)
        if kind == "release":
            releases.append(parse_release(path))
        elif kind == "usbp_monthly":
            legacy, names["usbp_monthly"] = parse_usbp_monthly_history(path), name
        elif kind == "southwest_annual":
            annual, names["southwest_annual"] = parse_southwest_annual_history(path), name
        else:
            ohss, names["ohss"] = parse_ohss_workbook(path), name
    for kind, what in (
        ("usbp_monthly", "the Border Patrol monthly history (FY2000-FY2020)"),
        ("southwest_annual", "the Southwest sector apprehensions history (FY1960-FY2019)"),
    ):
        if kind not in names:
            raise DataError("cbp", f"{what} did not arrive; the fetch needs it to build the history tables")

    encounters = combine_encounters(releases)
    southwest, owner = combine_southwest(releases)
    usbp, legacy_revisions = combine_usbp_history(legacy, southwest, owner, names["usbp_monthly"])
    usbp_annual = combine_usbp_annual(annual, usbp, names["southwest_annual"])
    if ohss is not None:
        check_against_ohss(usbp, ohss, names["ohss"])
    log = pd.concat([revision_log(releases), legacy_revisions], ignore_index=True)
    return {
        ENCOUNTERS.name: encounters,
        SOUTHWEST_MONTHLY.name: southwest,
        USBP_MONTHLY.name: usbp,
        USBP_ANNUAL.name: usbp_annual,
        REVISIONS.name: log,
    }


# ----------------------------------------------------------------------------- discovery


def _links(html: str, base_url: str) -> list[str]:
    hrefs = re.findall(r"""href\s*=\s*["']([^"']+)["']""", html, flags=re.IGNORECASE)
    return [urljoin(base_url, h.strip()) for h in hrefs]


def _file_name(url: str) -> str:
    return unquote(urlparse(url).path.rsplit("/", 1)[-1])


def _release_rank(match: re.Match) -> tuple[int, int]:
    """fy22-fy25-aug sorts before fy22-fy25 (the year closed) before fy23-fy26-oct."""
    end = int(match.group(2))
    mon = match.group(3)
    position = FY_MONTHS.index(mon.upper()) if mon and mon.upper() in FY_MONTHS else 12
    return end, position


def find_release_links(html: str, base_url: str) -> dict[str, str]:
    """The newest CBP release of each kind linked from a landing page: ``southwest``, ``aor``,
    ``state`` -> URL. Kinds the page does not link are absent."""
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for url in _links(html, base_url):
        name = _file_name(url)
        if m := SOUTHWEST_NAME.fullmatch(name):
            kind = "southwest"
        elif m := NATIONWIDE_NAME.fullmatch(name):
            kind = m.group(4).lower()
        else:
            continue
        rank = _release_rank(m)
        if kind not in best or rank > best[kind][0]:
            best[kind] = (rank, url)
    return {kind: url for kind, (_, url) in best.items()}


def find_ohss_link(html: str, base_url: str) -> str | None:
    """The Border Patrol encounters workbook linked from the OHSS KHSM page."""
    found = [u for u in _links(html, base_url) if OHSS_NAME.fullmatch(_file_name(u))]
    return found[-1] if found else None


#: older nationwide AOR releases, no longer linked from the landing page, which hold FY2020-FY2021
ARCHIVED_RELEASES = (
    RemoteFile(
        "nationwide-encounters-fy20-fy23-aor.csv",
        f"{CBP_FILES}/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor.csv",
        "csv",
        60_000_000,
        "Nationwide encounters by area of responsibility, FY2020-FY2023 (November 2023 release)",
    ),
    RemoteFile(
        "nationwide-encounters-fy21-fy24-aor.csv",
        f"{CBP_FILES}/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
        "csv",
        60_000_000,
        "Nationwide encounters by area of responsibility, FY2021-FY2024 (October 2024 release)",
    ),
)


def discover(fetcher) -> tuple[RemoteFile, ...]:
    """Live mode: the current releases linked from CBP's two landing pages and the OHSS workbook
    from its page, plus the archived AOR releases and the fixed history files."""
    pages = {}
    for page in (NATIONWIDE_PAGE, SOUTHWEST_PAGE):
        html = fetcher.get_bytes(page, "html", 5_000_000).decode("utf-8", errors="replace")
        pages.update({k: v for k, v in find_release_links(html, page).items() if k not in pages})
    for kind, page in (("aor", NATIONWIDE_PAGE), ("southwest", SOUTHWEST_PAGE)):
        if kind not in pages:
            raise FetchError(
                "cbp",
                page,
                f"the page links no file named like "
                f"{'sbo-encounters-fyNN-fyNN[-mon].csv' if kind == 'southwest' else 'nationwide-encounters-fyNN-fyNN[-mon]-aor.csv'}.",
                "CBP may have renamed its files: open the page, then update the patterns in "
                "migrationdata/sources/cbp.py, or fetch from a mirror with --mirror.",
            )
    files = {rf.name: rf for rf in ARCHIVED_RELEASES}
    for kind, url in sorted(pages.items()):
        name = _file_name(url)
        files[name] = RemoteFile(name, url, "csv", 60_000_000, f"current CBP release ({kind})")
    ohss_html = fetcher.get_bytes(OHSS_PAGE, "html", 5_000_000).decode("utf-8", errors="replace")
    ohss_url = find_ohss_link(ohss_html, OHSS_PAGE)
    if ohss_url is None:
        raise FetchError(
            "cbp",
            OHSS_PAGE,
            "the page links no Border Patrol encounters workbook (an .xlsx named with USBP).",
            "OHSS may have moved it: open the page and update OHSS_NAME in "
            "migrationdata/sources/cbp.py, or fetch from a mirror with --mirror.",
        )
    name = _file_name(ohss_url)
    files[name] = RemoteFile(
        name, ohss_url, "xlsx", 20_000_000, "OHSS KHSM Border Patrol encounters workbook"
    )
    for rf in HISTORY_FILES:
        files[rf.name] = rf
    return tuple(files.values())


# ----------------------------------------------------------------------------- the source

HISTORY_FILES = (
    RemoteFile(
        "usbp_monthly_encounters_fy2000-fy2020.csv.gz",
        f"{GITHUB_RAW}/UWCHR/cbp/abd1f5749d38a0819668d4ecec1b8d72544084d4/import/output/"
        "usbp_monthly_encounters_fy2000-fy2020.csv.gz",
        "gzip",
        2_000_000,
        "Border Patrol monthly encounters by sector FY2000-FY2020, extracted by UWCHR from CBP's PDF "
        "https://www.cbp.gov/document/stats/us-border-patrol-monthly-encounters-fy-2000-fy-2020 "
        "(pipe-delimited, gzipped)",
    ),
    RemoteFile(
        "southwest_border_apprehensions_1960_2019.csv",
        f"{GITHUB_RAW}/jacobkap/borderpatrol/7a691df9372bc6eecfa584bc80e272a9172a58e6/data/clean/"
        "southwest_border_apprehensions_1960_2019.csv",
        "csv",
        2_000_000,
        "Border Patrol Southwest sector apprehensions FY1960-FY2019, extracted by jacobkap from CBP's "
        "PDF listed at https://www.cbp.gov/newsroom/media-resources/stats",
    ),
)

ARILAMSTEIN = (
    f"{GITHUB_RAW}/arilamstein/immigration_enforcement/c438a05ab47df903f7270a44f86ae038ecb57bc4/"
    "immigration_enforcement/borderpatrol"
)
TIDYTUESDAY = f"{GITHUB_RAW}/rfordatascience/tidytuesday"

SOURCE = Source(
    id="cbp",
    title="US border encounters (CBP) and Border Patrol apprehensions since 1960",
    publisher="U.S. Customs and Border Protection (CBP); DHS Office of Homeland Security Statistics (OHSS)",
    carrier=(
        "copies committed to public GitHub repositories: arilamstein/immigration_enforcement "
        "(Southwest release, OHSS workbook), rfordatascience/tidytuesday (AOR and state releases "
        "merged), UWCHR/cbp and jacobkap/borderpatrol (history extracted from CBP PDFs)"
    ),
    landing_page=NATIONWIDE_PAGE,
    licence="US federal government work (public domain, 17 U.S.C. 105)",
    files=(
        RemoteFile(
            "sbo-encounters-fy22-fy25-aug.csv",
            f"{ARILAMSTEIN}/sbo-encounters-fy22-fy25-aug.csv",
            "csv",
            20_000_000,
            f"CBP's Southwest land border encounters FY2022-FY2025 (August 2025 release), as published on "
            f"{SOUTHWEST_PAGE}",
        ),
        RemoteFile(
            "cbp_resp.csv",
            f"{TIDYTUESDAY}/2c423bacc57e4632ff8550557e0bc823eefa31ab/data/2024/2024-11-26/cbp_resp.csv",
            "csv",
            60_000_000,
            "CBP's nationwide encounters by area of responsibility, the FY2020-FY2023 (Nov 2023) and "
            "FY2021-FY2024 (Oct 2024) releases merged by tidytuesday, snake_case headers",
        ),
        RemoteFile(
            "cbp-nationwide-encounters-fy20-fy23-state.csv",
            f"{CBP_FILES}/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-state.csv",
            "csv",
            60_000_000,
            "CBP's nationwide encounters by state, FY2020-FY2023 (November 2023 release)",
        ),
        RemoteFile(
            "cbp_state.csv",
            f"{TIDYTUESDAY}/11251e44b697715e016926751cc689b3310e171e/data/curated/border-patrol/cbp_state.csv",
            "csv",
            60_000_000,
            "CBP's nationwide encounters by state, the Nov 2023 and Oct 2024 releases merged by "
            "tidytuesday, snake_case headers",
        ),
        *HISTORY_FILES,
        RemoteFile(
            "KHSM Encounters (USBP) fy25m11.xlsx",
            f"{ARILAMSTEIN}/KHSM%20Encounters%20(USBP)%20fy25m11.xlsx",
            "xlsx",
            20_000_000,
            f"OHSS Key Homeland Security Metrics: Border Patrol encounters FY2000 - November 2024, "
            f"rounded to 10 ({OHSS_PAGE}); read only to cross-check the Border Patrol series",
        ),
    ),
    tables=(ENCOUNTERS, SOUTHWEST_MONTHLY, USBP_MONTHLY, USBP_ANNUAL, REVISIONS),
    process=process,
    discover=discover,
    # CBP revises a month until its fiscal year closes, by well under 1% (PROVENANCE: December
    # 2023 moved 0.02% between the press release and the final figure); closed years never move
    policy=RevisionPolicy(
        recent_months=14,
        recent_tolerance=0.01,
        settled_tolerance=0.0,
        logs=("cbp_revisions",),
        rule="CBP revises months of an open fiscal year by under 1%; closed fiscal years never move",
    ),
    notes=(
        "Releases compared: the Nov 2023 state release, the merged AOR and state releases (Nov "
        "2023 + Oct 2024) and the Aug 2025 Southwest release agree cell for cell wherever they "
        "overlap, and the FY2000-FY2020 Border Patrol PDF agrees with the CSVs on every month of "
        "FY2020: cbp_revisions is empty for this snapshot. CBP's monthly press releases differ "
        "slightly from these final figures because CBP revises a month until its fiscal year "
        "closes: December 2023 was announced as 302,034 Southwest encounters (USBP 249,735, OFO "
        "52,249) against 301,981 (249,740 and 52,241) here; October 2023 240,988 against 240,927; "
        "November 2023 242,418 against 242,399; January 2024 176,205 against 176,195. OHSS's "
        "Border Patrol workbook, rounded to 10, is 77,259 below CBP's own FY2000 figure and 4,298 "
        "below FY2001; this project quotes CBP's."
    ),
)

# ----------------------------------------------------------------------------- loaders


def encounters() -> pd.DataFrame:
    """Every encounter cell from October 2019: month, fiscal_year, component, region, area,
    demographic, citizenship, title, encounter_type, encounters. Months after the last
    nationwide release are Southwest-only with five citizenship groups (see the data dictionary)."""
    return processed.read(ENCOUNTERS.name)


def southwest_monthly() -> pd.DataFrame:
    """Southwest land border encounters by month from October 2019: month, usbp, ofo, total
    (Title 8 and Title 42, Border Patrol and field operations)."""
    return processed.read(SOUTHWEST_MONTHLY.name)


def southwest_by_fiscal_year() -> pd.DataFrame:
    """Southwest land border encounters by fiscal year: fiscal_year, usbp, ofo, total, months
    (how many months are published) and complete (all twelve are)."""
    df = southwest_monthly()
    df = df.assign(fiscal_year=fiscal_year_of(df["month"]))
    out = df.groupby("fiscal_year", as_index=False).agg(
        usbp=("usbp", "sum"), ofo=("ofo", "sum"), total=("total", "sum"), months=("month", "size")
    )
    out["complete"] = out["months"] == 12
    return out


def usbp_history() -> pd.DataFrame:
    """Border Patrol encounters at the Southwest border by month since October 1999 (FY2000):
    month, encounters. One like-for-like series across CBP's change of source in 2020."""
    return processed.read(USBP_MONTHLY.name)


def usbp_annual() -> pd.DataFrame:
    """Border Patrol Southwest apprehensions by fiscal year since FY1960 (complete years only):
    fiscal_year, apprehensions. FY2020-FY2023 include Title 42 expulsions."""
    return processed.read(USBP_ANNUAL.name)


def revisions() -> pd.DataFrame:
    """Values that changed between releases: month, key, old, new, old_release, new_release."""
    return processed.read(REVISIONS.name)


def last_month_with_countries(region: str = SOUTHWEST) -> pd.Timestamp:
    """The latest month whose encounters name countries beyond CBP's five Southwest groups
    (the last month of the latest nationwide release). Use it to rank citizenships such as
    Venezuela or Cuba: later months only name El Salvador, Guatemala, Honduras and Mexico."""
    df = encounters()
    df = df[(df["area"] != ALL_AREAS) & ((df["region"] == region) if region is not None else True)]
    return df["month"].max()


def top_citizenships(
    month, n: int = 10, region: str = SOUTHWEST, include_other: bool = False
) -> pd.DataFrame:
    """The largest citizenships among encounters in one month (``"2023-12"`` or a date), in
    ``region`` (None for nationwide): rank, citizenship, encounters, share of the month's total.

    'Other' rows are left out of the ranking unless ``include_other``; the share is always of
    the whole month. For months after the last nationwide release CBP names only El Salvador,
    Guatemala, Honduras and Mexico."""
    month = pd.Timestamp(month).to_period("M").to_timestamp()
    df = encounters()
    df = df[df["month"] == month]
    if region is not None:
        df = df[df["region"] == region]
    if df.empty:
        raise ValueError(f"cbp_encounters has no rows for {month:%B %Y} in region {region!r}")
    total = int(df["encounters"].sum())
    by = df.groupby("citizenship", as_index=False)["encounters"].sum()
    if not include_other:
        by = by[~by["citizenship"].isin([OTHER, GROUPED_OTHER])]
    by = by.sort_values(["encounters", "citizenship"], ascending=[False, True]).head(n).reset_index(drop=True)
    by["share"] = by["encounters"] / total
    by.insert(0, "rank", range(1, len(by) + 1))
    return by


RECORD_SERIES = {
    "southwest": "Southwest land border encounters by month (USBP + OFO), from October 2019",
    "southwest_usbp": "Border Patrol Southwest encounters by month, from October 2019",
    "southwest_ofo": "Office of Field Operations Southwest encounters by month, from October 2019",
    "southwest_annual": "Southwest land border encounters by complete fiscal year, from FY2020",
    "usbp": "Border Patrol Southwest encounters by month, from October 1999",
    "usbp_annual": "Border Patrol Southwest apprehensions by complete fiscal year, from FY1960",
}


def records(series: str = "southwest", n: int | None = 10) -> pd.DataFrame:
    """The highest months (or fiscal years) of a series, highest first, with their rank (ties
    share a rank): rank, month or fiscal_year, value. Series: ``southwest``,
    ``southwest_usbp``, ``southwest_ofo``, ``southwest_annual``, ``usbp``, ``usbp_annual``;
    ``n=None`` ranks every period."""
    if series in ("southwest", "southwest_usbp", "southwest_ofo"):
        column = {"southwest": "total", "southwest_usbp": "usbp", "southwest_ofo": "ofo"}[series]
        df = southwest_monthly()[["month", column]].rename(columns={column: "value"})
    elif series == "southwest_annual":
        df = southwest_by_fiscal_year()
        df = df[df["complete"]][["fiscal_year", "total"]].rename(columns={"total": "value"})
    elif series == "usbp":
        df = usbp_history().rename(columns={"encounters": "value"})
    elif series == "usbp_annual":
        df = usbp_annual().rename(columns={"apprehensions": "value"})
    else:
        known = "\n".join(f"  {k}: {v}" for k, v in RECORD_SERIES.items())
        raise ValueError(f"unknown series {series!r}; choose one of:\n{known}")
    period = df.columns[0]
    df = df.sort_values(["value", period], ascending=[False, True]).reset_index(drop=True)
    df.insert(0, "rank", df["value"].rank(method="min", ascending=False).astype("int64"))
    return df if n is None else df.head(n)
