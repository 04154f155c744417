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
  The Southwest monthly total of a month comes from the latest release that covers it. The
  cell table takes each month from the most detailed layout that covers it (AOR, then state,
  then Southwest), the latest release of that layout: AOR rows (21 named countries, sectors and
  field offices) are kept even where a later release covers the same month more coarsely. The
  state releases split neither by component nor by area, so their months say so in those
  columns, and the Border Patrol / field operations split comes from the latest release that
  has one. Every value that differs between two releases goes to ``cbp_revisions``.
- A third party's monthly Southwest totals run past CBP's latest release. They are checked
  against CBP's own where both exist, and only the later months are kept, in a table of their
  own marked provisional, with the third party as its publisher: never mixed into CBP's series.
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
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import lazy_loader

from migrationdata import countries, processed, schemas
from migrationdata.catalog import Column, RemoteFile, RevisionPolicy, Source, Table
from migrationdata.errors import DataError, FetchError

# pandas loads on first use: a refresh that finds nothing new never needs it
pd = lazy_loader.load("pandas")

NATIONWIDE_PAGE = "https://www.cbp.gov/newsroom/stats/nationwide-encounters"
SOUTHWEST_PAGE = "https://www.cbp.gov/document/stats/southwest-land-border-encounters"
OHSS_PAGE = "https://ohss.dhs.gov/khsm/cbp-encounters"
CBP_FILES = "https://www.cbp.gov/sites/default/files"
GITHUB_RAW = "https://raw.githubusercontent.com"

FIRST_MONTH = datetime(2019, 10, 1)  # FY2020, the first year of CBP's encounter CSVs
USBP_FIRST_MONTH = datetime(1999, 10, 1)  # FY2000, the first month of the USBP PDF
FIRST_FISCAL_YEAR = 1960
TITLE42_FIRST = datetime(2020, 3, 1)
TITLE42_LAST = datetime(2023, 5, 1)  # the order ended on 11 May 2023
# OHSS's FY2000-FY2001 USBP figures are far below CBP's own (FY2000 by 77,259), so the
# cross-check starts in FY2002; from then on the two agree within a few hundred a month.
OHSS_CHECK_FROM = datetime(2001, 10, 1)

FY_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
MONTH_NUMBER = {abbv: (i + 9) % 12 + 1 for i, abbv in enumerate(FY_MONTHS)}
OHSS_MONTHS = {f"{i + 1:02d} {datetime(2001, n, 1):%B}": n for i, n in enumerate(MONTH_NUMBER.values())}

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
#: the Southwest and state releases have no area breakdown; their rows carry this instead of a sector
ALL_AREAS = "All areas (not broken down)"
#: the state release has no component: its rows carry these instead of USBP/OFO and the type
ALL_COMPONENTS = "Both components (not broken down)"
ALL_TYPES = "Apprehensions and inadmissibles (not broken down)"
#: which layout a month is taken from when several releases cover it: the most detailed first
#: (AOR: sectors, field offices, components, 21 countries; state: nationwide, 21 countries, no
#: component; Southwest: components, five citizenship groups); within a layout, the latest
LAYOUT_PREFERENCE = ("aor", "state", "southwest")
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

#: the files of this snapshot (see SOURCE.files), named once so that each table can say which
#: of them its numbers come from (Table.files); checked against the data in tests/sources/test_cbp.py
SOUTHWEST_AUG_FILE = "sbo-encounters-fy22-fy25-aug.csv"
AOR_MERGED_FILE = "cbp_resp.csv"
STATE_FY20_FY23_FILE = "cbp-nationwide-encounters-fy20-fy23-state.csv"
STATE_MERGED_FILE = "cbp_state.csv"
STATE_FY22_FY25_FILE = "nationwide-encounters-fy22-fy25-state.csv"
STATE_FY23_FY26_NOV_FILE = "nationwide-encounters-fy23-fy26-nov-state.csv"
USBP_HISTORY_FILE = "usbp_monthly_encounters_fy2000-fy2020.csv.gz"
SOUTHWEST_HISTORY_FILE = "southwest_border_apprehensions_1960_2019.csv"

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
            "component": pa.Column(str, pa.Check.isin((*COMPONENTS, ALL_COMPONENTS))),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "area": pa.Column(str, pa.Check.str_length(min_value=1)),
            "demographic": pa.Column(str, pa.Check.isin(sorted(set(DEMOGRAPHICS.values())))),
            "citizenship": pa.Column(str, pa.Check.str_length(min_value=1)),
            "title": pa.Column(str, pa.Check.isin(TITLES)),
            "encounter_type": pa.Column(str, pa.Check.isin((*ENCOUNTER_TYPES, ALL_TYPES))),
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

    def split_adds_up(df: pd.DataFrame) -> pd.Series:
        # usbp + ofo is the total when both come from the same release
        same = df["release"] == df["components_release"]
        return ~same | (df["total"] == df["usbp"] + df["ofo"])

    def split_named(df: pd.DataFrame) -> pd.Series:
        # a split comes with the release it was taken from, and only then
        return df["usbp"].isna() == df["ofo"].isna()

    def release_named(df: pd.DataFrame) -> pd.Series:
        return df["usbp"].isna() == (df["components_release"] == "")

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "usbp": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "ofo": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "total": pa.Column("int64", pa.Check.ge(0)),
            "release": pa.Column(str, pa.Check.str_length(min_value=1)),
            "components_release": pa.Column(str),
        },
        checks=[
            schemas.contiguous_months(FIRST_MONTH),
            pa.Check(split_adds_up, error="total is usbp + ofo when both come from one release"),
            pa.Check(split_named, error="usbp and ofo are both given or both empty"),
            pa.Check(release_named, error="components_release is named exactly when usbp is given"),
        ],
        coerce=True,
        strict=True,
    )


def _provisional_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": schemas.month_column(),
            "total": pa.Column("int64", pa.Check.ge(0)),
            "status": pa.Column(str, pa.Check.isin([PROVISIONAL])),
            "compiled_by": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        checks=[
            pa.Check(
                lambda df: (
                    bool(df.empty)
                    or len(df) == len(pd.date_range(df["month"].min(), df["month"].max(), freq="MS"))
                ),
                error="a month is missing inside the provisional months",
            )
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
            "component": pa.Column(str, pa.Check.isin((*COMPONENTS, ALL_COMPONENTS))),
            "region": pa.Column(str, pa.Check.isin(REGIONS)),
            "key": pa.Column(str, pa.Check.str_length(min_value=1)),
            "old": pa.Column("int64", pa.Check.ge(0)),
            "new": pa.Column("int64", pa.Check.ge(0)),
            "change": pa.Column("int64"),
            "old_release": pa.Column(str, pa.Check.str_length(min_value=1)),
            "new_release": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        checks=[
            pa.Check(lambda df: df["old"] != df["new"], error="a revision changes the value"),
            pa.Check(lambda df: df["change"] == df["new"] - df["old"], error="change is new - old"),
        ],
        coerce=True,
        strict=True,
    )


ENCOUNTERS = Table(
    name="cbp_encounters",
    title="CBP encounters by month, component, area, demographic, citizenship and title",
    description=(
        "Every encounter cell CBP publishes, from October 2019 (FY2020) to the latest month. "
        "Each month comes from the most detailed kind of release that covers it, and among "
        "those from the latest. (1) Months covered by a nationwide area-of-responsibility (AOR) "
        "release: regions Southwest Land Border, Northern Land Border and Other; areas are "
        "Border Patrol sectors and OFO field offices; 21 named countries plus Other. (2) Later "
        "months covered by a nationwide state release (in this snapshot October 2024 to the "
        "latest month): every region and the same 21 countries, but CBP splits these files "
        "neither by component nor by area, so component reads 'Both components (not broken "
        "down)', encounter_type 'Apprehensions and inadmissibles (not broken down)' (Title 42 "
        "rows: Expulsions) and area 'All areas (not broken down)'; the states are summed. For "
        "the Border Patrol / field operations split of those months see cbp_southwest_monthly. "
        "(3) Months published only in the Southwest land border release: Southwest rows only, "
        "area 'All areas (not broken down)', five citizenship values (El Salvador, Guatemala, "
        "Honduras, Mexico, 'Other (grouped)'). Zero cells are kept as CBP printed them; an "
        "absent cell is zero. Title 42 expulsions appear only from March 2020 to May 2023."
    ),
    columns=(
        Column("month", "date", "First day of the calendar month."),
        Column(
            "fiscal_year", "integer", "US federal fiscal year (October to September; Oct 2023 is FY2024)."
        ),
        Column(
            "component",
            "string",
            "U.S. Border Patrol (between ports) or Office of Field Operations (at ports); 'Both "
            "components (not broken down)' for months taken from a state release.",
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
            "Apprehensions (USBP, Title 8), Inadmissibles (OFO, Title 8), Expulsions (Title 42); "
            "'Apprehensions and inadmissibles (not broken down)' for Title 8 rows of a state release.",
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
    # combine_encounters() / encounter_owners(): each month from the latest release of the most
    # detailed layout; the merged AOR releases cover October 2019 - September 2024, the November
    # 2025 state release every later month (the other releases are outranked in every month)
    files=(AOR_MERGED_FILE, STATE_FY23_FY26_NOV_FILE),
)

SOUTHWEST_MONTHLY = Table(
    name="cbp_southwest_monthly",
    title="Southwest land border encounters by month",
    description=(
        "Encounters at the US-Mexico land border by month from October 2019 to the latest month "
        "CBP has published, Border Patrol and Office of Field Operations, Title 8 and Title 42 "
        "together: the figure CBP headlines. The total comes from the latest release that covers "
        "the month, of any kind (so a later release's revision wins; cbp_revisions lists each "
        "change). The split into usbp and ofo comes from the latest release that has one (an "
        "area-of-responsibility or Southwest release; CBP's state releases have none): where that "
        "is an older release than the total's, usbp + ofo is the older total and may differ from "
        "total by a few encounters, and where no release splits the month (in this snapshot "
        "September to November 2025) usbp and ofo are empty. Months after the latest official "
        "release are not here: see cbp_southwest_provisional."
    ),
    columns=(
        Column("month", "date", "First day of the calendar month."),
        Column(
            "usbp",
            "integer",
            "U.S. Border Patrol encounters (apprehensions and Title 42 expulsions); empty where no "
            "release splits the month by component.",
            "encounters",
        ),
        Column(
            "ofo",
            "integer",
            "Office of Field Operations encounters (inadmissibles and Title 42 expulsions); empty "
            "where no release splits the month by component.",
            "encounters",
        ),
        Column("total", "integer", "All Southwest encounters, from the latest release.", "encounters"),
        Column(
            "release",
            "string",
            "File name of the release the total comes from (see manifest.json for its URL).",
        ),
        Column(
            "components_release",
            "string",
            "File name of the release usbp and ofo come from; empty when usbp and ofo are.",
        ),
    ),
    primary_key=("month",),
    schema=_southwest_schema,
    # combine_southwest(): the releases its `release` and `components_release` columns name: totals
    # from the three latest state releases, the usbp / ofo split from the AOR and Southwest ones
    files=(
        AOR_MERGED_FILE,
        STATE_MERGED_FILE,
        STATE_FY22_FY25_FILE,
        STATE_FY23_FY26_NOV_FILE,
        SOUTHWEST_AUG_FILE,
    ),
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
    # combine_usbp_history(): the FY2000-FY2020 PDF's months to September 2019, then the usbp
    # column of cbp_southwest_monthly (its components_release: the AOR and Southwest releases)
    files=(USBP_HISTORY_FILE, AOR_MERGED_FILE, SOUTHWEST_AUG_FILE),
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
    # combine_usbp_annual(): the FY1960-FY2019 sector PDF to FY1999, then complete fiscal years
    # of usbp_southwest_monthly (so its three files too; FY2025 lacks September's split)
    files=(SOUTHWEST_HISTORY_FILE, USBP_HISTORY_FILE, AOR_MERGED_FILE, SOUTHWEST_AUG_FILE),
)

REVISIONS = Table(
    name="cbp_revisions",
    title="Values that changed between CBP releases",
    description=(
        "CBP revises a month in every release until its fiscal year closes, and sometimes after. "
        "This table lists every cell whose value differs between two releases that cover the same "
        "month. Each release is compared, month by month, with the earlier release that shares "
        "the most detail with it (the most recent among equals), so a change is listed once, "
        "between the two releases where it happened. The comparison is made at the detail both "
        "releases share: a state release has no component, so against a Southwest release it is "
        "compared by region, demographic, citizenship (summed to the Southwest release's five "
        "groups) and title, and component reads 'Both components (not broken down)'; the Border "
        "Patrol history PDF is compared with the CSVs on monthly Southwest Border Patrol totals. "
        "A cell absent from a release counts as zero. Example: the final FY2025 release "
        "(nationwide-encounters-fy22-fy25-state.csv) lowered every month of October 2024 - August "
        "2025 from the August 2025 Southwest release (sbo-encounters-fy22-fy25-aug.csv), by 1 to 9 "
        "encounters a month. To total the revisions of a month, sum change over the rows of one "
        "pair of releases (revisions_by_month() does this)."
    ),
    columns=(
        Column("month", "date", "The month whose value changed."),
        Column(
            "component",
            "string",
            "U.S. Border Patrol or Office of Field Operations; 'Both components (not broken down)' "
            "where the comparison cannot split them.",
        ),
        Column("region", "string", "Southwest Land Border, Northern Land Border or Other."),
        Column(
            "key",
            "string",
            "The cell compared, as dimension=value pairs (component, region, area, state, "
            "demographic, citizenship, title, encounter_type: those both releases have).",
        ),
        Column("old", "integer", "Value in the earlier release.", "encounters"),
        Column("new", "integer", "Value in the later release.", "encounters"),
        Column("change", "integer", "new - old (negative: revised down).", "encounters"),
        Column("old_release", "string", "File name of the earlier release (see manifest.json for its URL)."),
        Column("new_release", "string", "File name of the later release."),
    ),
    primary_key=("month", "key", "old_release", "new_release"),
    schema=_revisions_schema,
    # revision_log() and combine_usbp_history(): the two releases its rows compare (old_release,
    # new_release); every other pair of releases, and the PDF against the CSVs, agree cell for cell
    files=(SOUTHWEST_AUG_FILE, STATE_FY22_FY25_FILE),
)

#: marks every row of the third party's months: they are not CBP's own table
PROVISIONAL = "provisional"
DERIVED_FILE = "southwest-monthly-totals-derived-2026-07.json"
DERIVED_REPO = "govnumbers/political-dashboard"
DERIVED_PUBLISHER = f"{DERIVED_REPO} on GitHub (a third party, not CBP; provisional)"
DERIVED_COMPILER = f"{DERIVED_REPO} (third party)"
#: the third party's totals must match CBP's own wherever both exist: within this margin
#: (OHSS's figures rounded to 10 before FY2023, and a month's earlier vintage, stay inside it)
DERIVED_TOLERANCE = 50

PROVISIONAL_MONTHLY = Table(
    name="cbp_southwest_provisional",
    title="PROVISIONAL: Southwest land border encounters after CBP's latest release, summed by a third party",
    description=(
        "Not CBP's table. Monthly Southwest land border encounters for the months after the latest "
        "month in cbp_southwest_monthly, as published by a third party (the GitHub repository "
        "govnumbers/political-dashboard, file data/border_encounters.json), which sums CBP's "
        "Southwest land border release (sbo-encounters CSVs) each month. No official CBP file for "
        "these months is in this snapshot, so treat them as provisional: CBP will publish, and may "
        "revise, them. They are kept apart from CBP's own series and never added to it; a chart or "
        "claim that shows them must say they are provisional and name the third party. The fetch "
        "checks that the third party's totals equal CBP's own, within 50 encounters, in every month "
        "both have (October 2019 on). From October 2022, when it starts summing CBP's CSVs, only "
        "October 2025 differs in this snapshot (11,704 against 11,707 in CBP's November 2025 "
        "release: an earlier vintage); before that it used OHSS's figures rounded to 10. Once a CBP release covers a month, the month leaves this "
        "table (the refresh then reports those rows as removed) and appears in cbp_southwest_monthly."
    ),
    columns=(
        Column("month", "date", "First day of the calendar month."),
        Column(
            "total",
            "integer",
            "Southwest land border encounters (Border Patrol and field operations) as summed by "
            "the third party; no component split.",
            "encounters",
        ),
        Column("status", "string", "Always 'provisional': not yet in an official CBP release here."),
        Column("compiled_by", "string", "Who summed the figures: the third party, not CBP."),
    ),
    primary_key=("month",),
    schema=_provisional_schema,
    publisher=DERIVED_PUBLISHER,
    licence=(
        "not stated in this project's provenance notes: check the compiler's repository before "
        "republishing; the figures it sums are US federal government work (public domain)"
    ),
    files=(DERIVED_FILE,),
    vintage="cbp_provisional",
)

# ----------------------------------------------------------------------------- helpers


def fiscal_year_of(months: pd.Series) -> pd.Series:
    """October-December belong to the next fiscal year."""
    return (months.dt.year + (months.dt.month >= 10)).astype("int64")


def expected_encounter_type(component: pd.Series, title: pd.Series) -> pd.Series:
    out = pd.Series("Inadmissibles", index=component.index, dtype=object)
    out[component == USBP] = "Apprehensions"
    out[component == ALL_COMPONENTS] = ALL_TYPES
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


def per_value(values: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value, not once per row: a CBP release repeats a few
    dozen labels over 50,000 rows, and string methods row by row dominate a refresh."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Series([fn(v) for v in uniques], dtype=object)
    return pd.Series(mapped.to_numpy()[codes], index=values.index, dtype=object)


def parse_counts(values: pd.Series, df: pd.DataFrame, file: str, what: str = "encounter counts") -> pd.Series:
    """Whole numbers of zero or more (thousands commas allowed); anything else is an error."""
    text = per_value(values, lambda v: str(v).strip().replace(",", ""))
    bad = per_value(text, lambda v: re.fullmatch(r"[0-9]+", v) is None).astype(bool)
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

    def year(text) -> str | None:
        m = re.fullmatch(r"(\d{4})(?:\.0)?(?:\s*\(FYTD\))?", str(text).strip())
        return m.group(1) if m else None

    fy_match = per_value(fiscal_year, year)
    bad = fy_match.isna()
    if bad.any():
        raise DataError(
            file, "unreadable fiscal years (expected e.g. 2024 or 2025 (FYTD))", _offending(df, bad)
        )
    number = per_value(month_abbv, lambda v: MONTH_NUMBER.get(str(v).strip().upper()))
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
    def regions(self) -> frozenset[str]:
        return frozenset(self.frame["region"].unique())

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
        raw[col] = per_value(raw[col], lambda v: str(v).strip())
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
    return dims, set(old.regions & new.regions)


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
    old_n = changed["encounters_old"].astype("int64")
    new_n = changed["encounters_new"].astype("int64")
    return pd.DataFrame(
        {
            "month": changed["month"],
            "component": changed["component"] if "component" in dims else ALL_COMPONENTS,
            "region": changed["region"],
            "key": key if len(changed) else pd.Series(dtype=str),
            "old": old_n,
            "new": new_n,
            "change": new_n - old_n,
            "old_release": old.name,
            "new_release": new.name,
        }
    )


REVISION_COLUMNS = REVISIONS.column_names


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
    parts = [p for p in parts if not p.empty]
    if not parts:
        dtypes = {"month": "datetime64[ns]", "old": "int64", "new": "int64", "change": "int64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, str)) for c in REVISION_COLUMNS})
    return pd.concat(parts, ignore_index=True)[REVISION_COLUMNS]


def _as_encounter_rows(rel: Release, month: pd.Timestamp) -> pd.DataFrame:
    """One month of a release in cbp_encounters' columns: what the release does not break
    down (the area; for a state release also the component) gets the 'not broken down' label,
    and a state release's states are summed."""
    rows = rel.frame[rel.frame["month"] == month]
    if rel.layout == "state":
        rows = rows.groupby(["month", "region", "demographic", "citizenship", "title"], as_index=False)[
            "encounters"
        ].sum()
        rows["component"] = ALL_COMPONENTS
        rows["encounter_type"] = expected_encounter_type(rows["component"], rows["title"])
    if rel.layout != "aor":
        rows = rows.assign(area=ALL_AREAS)
    return rows


def encounter_owners(releases: list[Release]) -> dict[pd.Timestamp, Release]:
    """For each month of cbp_encounters, the release it is taken from: the latest release of
    the most detailed layout that covers it (AOR, then state, then Southwest; see
    LAYOUT_PREFERENCE)."""
    ordered = release_order(releases)
    owners = {
        layout: _owner_by_month([r for r in ordered if r.layout == layout]) for layout in LAYOUT_PREFERENCE
    }
    out: dict[pd.Timestamp, Release] = {}
    for month in sorted(set().union(*owners.values())):
        if month < FIRST_MONTH:
            continue
        for layout in LAYOUT_PREFERENCE:
            if month in owners[layout]:
                out[month] = owners[layout][month]
                break
            if owners[layout] and min(owners[layout]) < month < max(owners[layout]):
                # a gap inside a more detailed series is left as a gap, for the schema to
                # refuse, rather than quietly filled from a coarser release
                break
    return out


def combine_encounters(releases: list[Release]) -> pd.DataFrame:
    """cbp_encounters: each month from the release :func:`encounter_owners` picks for it."""
    pieces = [_as_encounter_rows(rel, month) for month, rel in encounter_owners(releases).items()]
    if not pieces:
        raise DataError(
            "cbp", "no area-of-responsibility, state or Southwest release arrived; nothing to build"
        )
    out = pd.concat(pieces, ignore_index=True)
    out["fiscal_year"] = fiscal_year_of(out["month"])
    return out[ENCOUNTERS.column_names]


def combine_southwest(releases: list[Release]) -> tuple[pd.DataFrame, dict[pd.Timestamp, Release]]:
    """cbp_southwest_monthly: each month's total from the latest release that covers it, its
    Border Patrol / field operations split from the latest release that has one. Returns the
    table and, by month, the release the split came from."""
    ordered = [r for r in release_order(releases) if r.layout in LAYOUT_PREFERENCE]
    total_owner = _owner_by_month(ordered, region=SOUTHWEST)
    split_owner = _owner_by_month([r for r in ordered if "component" in r.dims], region=SOUTHWEST)
    # each release summed once by month (and component), then looked up month by month
    southwest = {r.name: r.frame[r.frame["region"] == SOUTHWEST] for r in ordered}
    totals = {name: f.groupby("month")["encounters"].sum() for name, f in southwest.items()}
    splits = {
        r.name: southwest[r.name].groupby(["month", "component"])["encounters"].sum()
        for r in ordered
        if "component" in r.dims
    }
    rows = []
    for month, rel in sorted(total_owner.items()):
        if month < FIRST_MONTH:
            continue
        total = int(totals[rel.name].get(month, 0))
        usbp = ofo = pd.NA
        split_from = ""
        if month in split_owner:
            split_from = split_owner[month].name
            by = splits[split_from]
            usbp, ofo = int(by.get((month, USBP), 0)), int(by.get((month, OFO), 0))
        rows.append((month, usbp, ofo, total, rel.name, split_from))
    out = pd.DataFrame(rows, columns=SOUTHWEST_MONTHLY.column_names)
    out[["usbp", "ofo"]] = out[["usbp", "ofo"]].astype("Int64")
    return out, split_owner


def combine_usbp_history(
    legacy: pd.DataFrame, southwest: pd.DataFrame, owner: dict, legacy_name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The PDF series up to September 2019, CBP's CSVs from October 2019 to the last month a
    release splits by component. Where both exist the CSV wins and any difference is logged as
    a revision of the PDF's figure."""
    csv = southwest.loc[southwest["usbp"].notna(), ["month", "usbp"]].rename(columns={"usbp": "encounters"})
    csv["encounters"] = csv["encounters"].astype("int64")
    both = legacy.merge(csv, on="month", suffixes=("_pdf", "_csv"))
    changed = both[both["encounters_pdf"] != both["encounters_csv"]]
    revisions = pd.DataFrame(
        {
            "month": changed["month"],
            "component": USBP,
            "region": SOUTHWEST,
            "key": f"component={USBP}; region={SOUTHWEST}",
            "old": changed["encounters_pdf"],
            "new": changed["encounters_csv"],
            "change": changed["encounters_csv"] - changed["encounters_pdf"],
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


# ----------------------------------------------------------------------------- the third party's totals


def parse_derived_totals(path: Path) -> pd.DataFrame:
    """The third party's JSON (``series``: a list of ``{"date": "YYYY-MM", "value": n}``) ->
    month, total. Not a CBP file: its figures only ever go to cbp_southwest_provisional."""
    import json

    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            path.name, f"not readable JSON ({exc}); the file may be damaged or truncated"
        ) from None
    series = doc.get("series") if isinstance(doc, dict) else None
    if not isinstance(series, list) or not series:
        found = sorted(doc) if isinstance(doc, dict) else type(doc).__name__
        raise DataError(
            path.name,
            f"expected an object with a non-empty 'series' list of monthly totals; found {found}",
        )
    bad = [
        i
        for i, item in enumerate(series)
        if not (
            isinstance(item, dict)
            and isinstance(item.get("date"), str)
            and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", item["date"])
            and isinstance(item.get("value"), int)
            and not isinstance(item.get("value"), bool)
            and item["value"] >= 0
        )
    ]
    if bad:
        raise DataError(
            path.name,
            f"{len(bad)} entries of 'series' are not {{'date': 'YYYY-MM', 'value': a whole number "
            "of zero or more}",
            "\n".join(f"series[{i}]: {series[i]!r}" for i in bad[:10]),
        )
    df = pd.DataFrame(
        {
            "month": pd.to_datetime([item["date"] + "-01" for item in series]),
            "total": [item["value"] for item in series],
        }
    )
    dup = df["month"].duplicated(keep=False)
    if dup.any():
        raise DataError(path.name, "months appear twice in 'series'", df[dup].to_string(index=False))
    df = df.sort_values("month").reset_index(drop=True)
    holes = pd.date_range(df["month"].min(), df["month"].max(), freq="MS").difference(df["month"])
    if len(holes):
        raise DataError(path.name, f"'series' has no value for {', '.join(f'{m:%B %Y}' for m in holes[:12])}")
    return df


def provisional_months(derived: pd.DataFrame, southwest: pd.DataFrame, file: str) -> pd.DataFrame:
    """cbp_southwest_provisional: the third party's months after CBP's latest, once its totals
    are shown to match CBP's own wherever both exist."""
    both = derived.merge(southwest[["month", "total"]], on="month", suffixes=("_derived", "_cbp"))
    if both.empty:
        raise DataError(file, "no month overlaps CBP's own Southwest series, so its totals cannot be checked")
    gap = (both["total_derived"] - both["total_cbp"]).abs()
    off = gap > DERIVED_TOLERANCE
    if off.any():
        raise DataError(
            file,
            f"the third party's monthly totals differ from CBP's own by more than {DERIVED_TOLERANCE} "
            "encounters; it may no longer sum the same series (check its source notes)",
            both[off].head(10).to_string(index=False),
        )
    after = derived[derived["month"] > southwest["month"].max()].copy()
    after["status"] = PROVISIONAL
    after["compiled_by"] = DERIVED_COMPILER
    return after[PROVISIONAL_MONTHLY.column_names].reset_index(drop=True)


# ----------------------------------------------------------------------------- process


def classify(path: Path) -> str:
    """Which parser a file needs, from its bytes: release, usbp_monthly, southwest_annual, ohss,
    derived (the third party's JSON)."""
    head = path.read_bytes()[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "derived"
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
    """Raw CBP, USBP, OHSS and third-party files -> the six processed tables (pure: no
    network, no writes)."""
    releases: list[Release] = []
    legacy = annual = ohss = derived = None
    names: dict[str, str] = {}
    for name, path in sorted(paths.items()):
        kind = classify(path)
        if kind == "release":
            releases.append(parse_release(path))
        elif kind == "usbp_monthly":
            legacy, names["usbp_monthly"] = parse_usbp_monthly_history(path), name
        elif kind == "southwest_annual":
            annual, names["southwest_annual"] = parse_southwest_annual_history(path), name
        elif kind == "derived":
            derived, names["derived"] = parse_derived_totals(path), name
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
    parts = [p for p in (revision_log(releases), legacy_revisions) if not p.empty]
    log = pd.concat(parts, ignore_index=True) if parts else revision_log([])
    if derived is not None:
        provisional = provisional_months(derived, southwest, names["derived"])
    else:  # live mode without the third party's file: no provisional months, nothing mixed in
        provisional = pd.DataFrame({c: pd.Series(dtype=object) for c in PROVISIONAL_MONTHLY.column_names})
        provisional["month"] = pd.Series(dtype="datetime64[ns]")
        provisional["total"] = pd.Series(dtype="int64")
    return {
        ENCOUNTERS.name: encounters,
        SOUTHWEST_MONTHLY.name: southwest,
        USBP_MONTHLY.name: usbp,
        USBP_ANNUAL.name: usbp_annual,
        REVISIONS.name: log,
        PROVISIONAL_MONTHLY.name: provisional,
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
    for rf in (*HISTORY_FILES, DERIVED):
        files[rf.name] = rf
    return tuple(files.values())


# ----------------------------------------------------------------------------- the source

HISTORY_FILES = (
    RemoteFile(
        USBP_HISTORY_FILE,
        f"{GITHUB_RAW}/UWCHR/cbp/abd1f5749d38a0819668d4ecec1b8d72544084d4/import/output/"
        "usbp_monthly_encounters_fy2000-fy2020.csv.gz",
        "gzip",
        2_000_000,
        "Border Patrol monthly encounters by sector FY2000-FY2020, extracted by UWCHR from CBP's PDF "
        "https://www.cbp.gov/document/stats/us-border-patrol-monthly-encounters-fy-2000-fy-2020 "
        "(pipe-delimited, gzipped)",
    ),
    RemoteFile(
        SOUTHWEST_HISTORY_FILE,
        f"{GITHUB_RAW}/jacobkap/borderpatrol/7a691df9372bc6eecfa584bc80e272a9172a58e6/data/clean/"
        "southwest_border_apprehensions_1960_2019.csv",
        "csv",
        2_000_000,
        "Border Patrol Southwest sector apprehensions FY1960-FY2019, extracted by jacobkap from CBP's "
        "PDF listed at https://www.cbp.gov/newsroom/media-resources/stats",
    ),
)

#: the third party's monthly Southwest totals (provisional months only), pinned by commit
DERIVED = RemoteFile(
    DERIVED_FILE,
    f"{GITHUB_RAW}/govnumbers/political-dashboard/3e23e27d8514b672920b599d1c41081266d7e7fa/data/"
    "border_encounters.json",
    "json",
    5_000_000,
    "NOT CBP: a third party's monthly Southwest land border totals (govnumbers/political-dashboard, "
    "data/border_encounters.json, snapshot of 22 August 2026, data to July 2026), summed from CBP's "
    "Southwest releases; read only for the months after CBP's latest release, as provisional",
)
ICEACTIVITY = f"{GITHUB_RAW}/Spacetime99/ICEActivity/b367697918c1bad962502bad505ca2bde4c83031/assets/data"

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
        "merged), Spacetime99/ICEActivity (the final FY2025 and November 2025 state releases), "
        "UWCHR/cbp and jacobkap/borderpatrol (history extracted from CBP PDFs)"
    ),
    landing_page=NATIONWIDE_PAGE,
    files=(
        RemoteFile(
            SOUTHWEST_AUG_FILE,
            f"{ARILAMSTEIN}/sbo-encounters-fy22-fy25-aug.csv",
            "csv",
            20_000_000,
            f"CBP's Southwest land border encounters FY2022-FY2025 (August 2025 release), as published on "
            f"{SOUTHWEST_PAGE}",
        ),
        RemoteFile(
            AOR_MERGED_FILE,
            f"{TIDYTUESDAY}/2c423bacc57e4632ff8550557e0bc823eefa31ab/data/2024/2024-11-26/cbp_resp.csv",
            "csv",
            60_000_000,
            "CBP's nationwide encounters by area of responsibility, the FY2020-FY2023 (Nov 2023) and "
            "FY2021-FY2024 (Oct 2024) releases merged by tidytuesday, snake_case headers",
        ),
        RemoteFile(
            STATE_FY20_FY23_FILE,
            f"{CBP_FILES}/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-state.csv",
            "csv",
            60_000_000,
            "CBP's nationwide encounters by state, FY2020-FY2023 (November 2023 release)",
        ),
        RemoteFile(
            STATE_MERGED_FILE,
            f"{TIDYTUESDAY}/11251e44b697715e016926751cc689b3310e171e/data/curated/border-patrol/cbp_state.csv",
            "csv",
            60_000_000,
            "CBP's nationwide encounters by state, the Nov 2023 and Oct 2024 releases merged by "
            "tidytuesday, snake_case headers",
        ),
        RemoteFile(
            STATE_FY22_FY25_FILE,
            f"{ICEACTIVITY}/nationwide-encounters-fy22-fy25-state.csv",
            "csv",
            60_000_000,
            f"CBP's nationwide encounters by state, FY2022-FY2025: the final FY2025 release (data to "
            f"September 2025, published November 2025), as listed on {NATIONWIDE_PAGE}",
        ),
        RemoteFile(
            STATE_FY23_FY26_NOV_FILE,
            f"{ICEACTIVITY}/nationwide-encounters-fy23-fy26-nov-state.csv",
            "csv",
            60_000_000,
            f"CBP's nationwide encounters by state, FY2023-FY2026 to date (data to November 2025, "
            f"published December 2025), as listed on {NATIONWIDE_PAGE}",
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
        DERIVED,
    ),
    tables=(ENCOUNTERS, SOUTHWEST_MONTHLY, USBP_MONTHLY, USBP_ANNUAL, REVISIONS, PROVISIONAL_MONTHLY),
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
        "2023 + Oct 2024), the Aug 2025 Southwest release, the final FY2025 state release and the "
        "Nov 2025 state release agree cell for cell wherever they overlap, with one exception: "
        "the final FY2025 release revised October 2024 - August 2025 from the August release, "
        "down by 1 to 9 encounters a month at the Southwest border (35 over the eleven months; "
        "August 2025 from 9,740 to 9,731), all listed in cbp_revisions. The FY2000-FY2020 "
        "Border Patrol PDF agrees with the CSVs on every month of FY2020. From September 2025 "
        "CBP's releases in this snapshot are by state only, without the Border Patrol / field "
        "operations split, so the Border Patrol series (usbp_southwest_monthly) ends in August "
        "2025. CBP's monthly press releases differ "
        "slightly from these final figures because CBP revises a month until its fiscal year "
        "closes: December 2023 was announced as 302,034 Southwest encounters (USBP 249,735, OFO "
        "52,249) against 301,981 (249,740 and 52,241) here; October 2023 240,988 against 240,927; "
        "November 2023 242,418 against 242,399; January 2024 176,205 against 176,195; nationwide, "
        "October 2025 was announced as 30,573 against 30,551 in the November 2025 release, while "
        "September 2025 (26,002) and November 2025 (30,375) match. OHSS's "
        "Border Patrol workbook, rounded to 10, is 77,259 below CBP's own FY2000 figure and 4,298 "
        "below FY2001; this project quotes CBP's. The months after November 2025 are not CBP's: "
        "they are a third party's provisional sums, kept in cbp_southwest_provisional."
    ),
)

# ----------------------------------------------------------------------------- loaders


def encounters() -> pd.DataFrame:
    """Every encounter cell from October 2019: month, fiscal_year, component, region, area,
    demographic, citizenship, title, encounter_type, encounters. Months after the last
    nationwide release are Southwest-only with five citizenship groups (see the data dictionary)."""
    return processed.read(ENCOUNTERS.name)


def southwest_monthly() -> pd.DataFrame:
    """Southwest land border encounters by month from October 2019 to CBP's latest release:
    month, usbp, ofo, total (Title 8 and Title 42, Border Patrol and field operations), release
    and components_release (the files they come from). usbp and ofo are empty for months no
    release splits by component (see the data dictionary)."""
    return processed.read(SOUTHWEST_MONTHLY.name)


def southwest_provisional() -> pd.DataFrame:
    """PROVISIONAL, not CBP's: a third party's monthly Southwest totals for the months after
    CBP's latest release (month, total, status, compiled_by). Show them apart from CBP's series
    (a dashed line, a label), say they are provisional and name who compiled them
    (``compiled_by``); never add them to southwest_monthly()."""
    return processed.read(PROVISIONAL_MONTHLY.name)


def southwest_by_fiscal_year() -> pd.DataFrame:
    """Southwest land border encounters by fiscal year: fiscal_year, usbp, ofo, total, months
    (how many months are published) and complete (all twelve are). usbp and ofo are empty for
    a year in which any month lacks the split, rather than a sum of fewer months."""
    df = southwest_monthly()
    df = df.assign(fiscal_year=fiscal_year_of(df["month"]))
    out = df.groupby("fiscal_year", as_index=False).agg(
        usbp=("usbp", lambda s: s.sum() if s.notna().all() else pd.NA),
        ofo=("ofo", lambda s: s.sum() if s.notna().all() else pd.NA),
        total=("total", "sum"),
        months=("month", "size"),
    )
    out[["usbp", "ofo"]] = out[["usbp", "ofo"]].astype("Int64")
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
    """Values that changed between releases: month, component, region, key, old, new, change,
    old_release, new_release (one row per cell compared; see the data dictionary)."""
    return processed.read(REVISIONS.name)


def revisions_by_month(region: str | None = SOUTHWEST) -> pd.DataFrame:
    """How much each pair of releases moved each month's total, in ``region`` (None: every
    region): month, old_release, new_release, old, new, change, cells (how many cells moved)."""
    df = revisions()
    if region is not None:
        df = df[df["region"] == region]
    return (
        df.groupby(["month", "old_release", "new_release"], as_index=False)
        .agg(old=("old", "sum"), new=("new", "sum"), change=("change", "sum"), cells=("key", "size"))
        .sort_values(["month", "new_release"])
        .reset_index(drop=True)
    )


def detailed_months(df: pd.DataFrame) -> pd.Series:
    """For rows of cbp_encounters, whether their month names countries one by one (from an
    area-of-responsibility or state release) rather than in the Southwest release's five groups."""
    grouped = set(df.loc[df["citizenship"] == GROUPED_OTHER, "month"])
    return ~df["month"].isin(grouped)


def last_month_with_countries(region: str = SOUTHWEST) -> pd.Timestamp:
    """The latest month whose encounters name countries beyond CBP's five Southwest groups
    (the last month of the latest nationwide release). Use it to rank citizenships such as
    Venezuela or Cuba: months only in a Southwest release name only El Salvador, Guatemala,
    Honduras and Mexico."""
    df = encounters()
    if region is not None:
        df = df[df["region"] == region]
    return df.loc[detailed_months(df), "month"].max()


def top_citizenships(
    month, n: int = 10, region: str = SOUTHWEST, include_other: bool = False
) -> pd.DataFrame:
    """The largest citizenships among encounters in one month (``"2023-12"`` or a date), in
    ``region`` (None for nationwide): rank, citizenship, encounters, share of the month's total.

    'Other' rows are left out of the ranking unless ``include_other``; the share is always of
    the whole month. For months after the last nationwide release CBP names only El Salvador,
    Guatemala, Honduras and Mexico (see :func:`last_month_with_countries`)."""
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
        df = southwest_monthly()[["month", column]].dropna().rename(columns={column: "value"})
        df["value"] = df["value"].astype("int64")
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
