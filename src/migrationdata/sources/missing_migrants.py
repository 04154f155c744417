"""Deaths and disappearances on the route: IOM's Missing Migrants Project.

Publisher: the International Organization for Migration (IOM), whose Missing Migrants Project
records every incident in which people died or went missing while migrating, worldwide, from
official records (medical examiners, coast guards), media and NGOs. IOM offers its database
for download at its downloads page; we read the republication of that download in the
MIT-licensed ``gdidata`` R package, pinned to one commit. Figures are minimums: many deaths on
these routes are never found or never reported.

**How rows add up (IOM's rules, so nothing is counted twice).** Each row of IOM's database
carries only its own dead and missing:

- an *Incident* row is one event;
- a *Split Incident* row is one part of an event that IOM recorded in several rows (for
  example one row per country, cause of death or group of nationalities); the parts together
  make the event, so every part is added once and there is no separate "whole" row to add;
- a *Cumulative Incident* row stands for deaths reported together over a period (remains a
  medical examiner or rescue service found over weeks, with no date for each), which appear in
  no other row;
- a few rows are typed "Incident,Split Incident" (a part of a split event): added once like
  any split row.

So the total for a place and year is the sum of ``dead_and_missing`` over every row, once,
which is how IOM's own totals are built. Rows that look identical are *not* removed: the
republished file has no incident ID, and separate incidents can share a date, a place label
and coordinates (two bodies found the same day in the same sector).

**Where.** Two areas of the route, each defined by the incident's country and coordinates:

- *in the Darién*: incidents in Panama or Colombia inside the box 7.0° to 9.0° N,
  78.6° to 76.6° W: Panama's Darién province and the Emberá and Guna territories the trail
  crosses, and the Colombian side of the gap with the Gulf of Urabá boat crossings from Turbo,
  Necoclí, Acandí and Capurganá. Incidents elsewhere in Panama (a hospital in Panama City,
  the Chiriquí highlands, the Caribbean off Colón) are not counted as the Darién.
- *at the US–Mexico border*: incidents in the United States or Mexico within 100 miles
  (161 km) of the international boundary, measured to a line of 27 points that follows the
  boundary to within a few kilometres. 100 miles is the zone in which US Border Patrol works
  inland (its "reasonable distance", 8 CFR 287.1): it takes in the ranches around the
  Falfurrias checkpoint in Brooks County, Texas, where many of the border's dead are found,
  and leaves out deaths far inside either country (the truck found in San Antonio in June
  2022, a train in Veracruz, the boats off Florida). The same distance is used on the Mexican
  side. Coordinates are IOM's; a few rows have coordinates that contradict their location
  text (for example "Yuma County, Arizona" placed far away) and fall outside the area.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import lazy_loader

from migrationdata import countries, processed, rdata
from migrationdata.catalog import Column, RemoteFile, Source, Table
from migrationdata.errors import DataError

# pandas and numpy load on first use: a refresh that finds nothing new never needs them
np = lazy_loader.load("numpy")
pd = lazy_loader.load("pandas")

GDIDATA_COMMIT = "c9e4cc69cebd91d6cfca5f4107e2406e4de2c6ff"
REPO_RAW = f"https://raw.githubusercontent.com/iom/gdidata/{GDIDATA_COMMIT}/data"
IOM_DOWNLOADS = "https://missingmigrants.iom.int/downloads"
FILE = "iom_mmp.rda"
COLUMNS = ["t", "m", "type", "route", "geo", "dead", "cause", "surv", "nat", "location", "lon", "lat"]
FIRST_MONTH = datetime(2014, 1, 1)
#: IOM's incident types (the combined one marks a part of a split event)
INCIDENT_TYPES = ("Incident", "Split Incident", "Cumulative Incident", "Incident,Split Incident")
ROUTE = "Central American Route"
#: countries of the route from Colombia to the United States: incidents there are kept
#: whatever IOM's route label says
ROUTE_COUNTRIES = ("COL", "PAN", "CRI", "NIC", "HND", "SLV", "GTM", "BLZ", "MEX", "USA")

DARIEN = "darien"
BORDER = "us_mexico_border"
AREAS = (DARIEN, BORDER)
AREA_LABELS = {DARIEN: "the Darién", BORDER: "the US–Mexico border"}
DARIEN_BOX = {"lat": (7.0, 9.0), "lon": (-78.6, -76.6)}
DARIEN_COUNTRIES = ("PAN", "COL")
BORDER_KM = 160.9  # 100 miles
BORDER_COUNTRIES = ("USA", "MEX")
#: the US–Mexico boundary, west to east (longitude, latitude): the land line from the
#: Pacific to the Colorado River and on to the Rio Grande at El Paso, then the river to the Gulf
BOUNDARY = (
    (-117.124, 32.534),  # Pacific, Tijuana / San Diego
    (-114.719, 32.718),  # Colorado River, Yuma
    (-114.813, 32.494),  # San Luis Río Colorado
    (-111.075, 31.332),  # Nogales
    (-108.208, 31.332),  # New Mexico bootheel, south-west corner
    (-108.208, 31.784),
    (-106.528, 31.784),  # the Rio Grande above El Paso
    (-106.450, 31.750),  # El Paso / Ciudad Juárez
    (-106.000, 31.400),
    (-105.000, 30.680),  # Fort Hancock reach
    (-104.370, 29.560),  # Presidio / Ojinaga
    (-103.780, 29.260),  # Lajitas
    (-103.600, 29.170),  # Santa Elena Canyon
    (-103.150, 28.970),  # Big Bend, southernmost
    (-102.950, 29.180),  # Boquillas
    (-102.400, 29.770),
    (-101.560, 29.800),  # Langtry
    (-100.900, 29.360),  # Del Rio / Ciudad Acuña
    (-100.500, 28.710),  # Eagle Pass / Piedras Negras
    (-99.900, 27.900),
    (-99.510, 27.500),  # Laredo / Nuevo Laredo
    (-99.020, 26.400),  # Roma / Ciudad Miguel Alemán
    (-98.300, 26.060),  # McAllen / Reynosa
    (-97.870, 26.060),  # Progreso
    (-97.500, 25.880),  # Brownsville / Matamoros
    (-97.300, 25.950),
    (-97.146, 25.956),  # mouth of the Rio Grande
)

# ----------------------------------------------------------------------------- tables


def _incidents_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "date": pa.Column("datetime64[ns]", pa.Check.ge(FIRST_MONTH)),
            "seq": pa.Column("Int64", pa.Check.ge(1)),
            "incident_type": pa.Column(str, pa.Check.isin(INCIDENT_TYPES)),
            "route": pa.Column(str),
            "country_iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "country": pa.Column(str),
            "area": pa.Column(str, pa.Check.isin(("", *AREAS))),
            "dead_and_missing": pa.Column("Int64", pa.Check.ge(0)),
            "survivors": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "cause": pa.Column(str),
            "nationalities": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}(,[A-Z]{3})*$")),
            "location": pa.Column(str),
            "latitude": pa.Column(float, pa.Check.in_range(-90, 90)),
            "longitude": pa.Column(float, pa.Check.in_range(-180, 180)),
        },
        coerce=True,
        strict=True,
    )


def _annual_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "year": pa.Column("Int64", pa.Check.ge(2014)),
            "area": pa.Column(str, pa.Check.isin(AREAS)),
            "dead_and_missing": pa.Column("Int64", pa.Check.ge(0)),
            "rows": pa.Column("Int64", pa.Check.ge(0)),
            "split_rows": pa.Column("Int64", pa.Check.ge(0)),
            "cumulative_rows": pa.Column("Int64", pa.Check.ge(0)),
            "complete": pa.Column(bool),
            "coverage": pa.Column(str),
        },
        coerce=True,
        strict=True,
    )


INCIDENTS = Table(
    name="missing_migrants_incidents",
    title="Deaths and disappearances on the route from Colombia to the United States, by incident",
    description=(
        "One row per row of IOM's Missing Migrants Project database for incidents on the "
        "Central American Route or in a country of the route (Colombia to the United States), "
        "from January 2014. Each row carries only its own dead and missing: add every row once "
        "(split rows are parts of one event, cumulative rows are deaths reported together over "
        "a period; see the source notes). `area` marks the incidents in the Darién and at the "
        "US–Mexico border as defined in the source notes. Figures are minimums."
    ),
    columns=(
        Column("date", "date", "Date of the incident (for cumulative rows, the date IOM gives them)."),
        Column(
            "seq", "integer", "Order of the row among the rows of the same date in IOM's file (1, 2, ...)."
        ),
        Column(
            "incident_type",
            "string",
            "Incident, Split Incident, Cumulative Incident or 'Incident,Split Incident'.",
        ),
        Column("route", "string", "IOM's migration route."),
        Column("country_iso3", "string", "Country of the incident, ISO 3166-1 alpha-3."),
        Column("country", "string", "Country of the incident, in English."),
        Column("area", "string", "darien, us_mexico_border, or empty (elsewhere on the route)."),
        Column("dead_and_missing", "integer", "People dead or missing in this row.", "persons"),
        Column("survivors", "integer", "Survivors, where IOM knows them; empty otherwise.", "persons"),
        Column("cause", "string", "IOM's cause of death (several joined by commas)."),
        Column("nationalities", "string", "Countries of origin, ISO-3 codes joined by commas; UNK unknown."),
        Column("location", "string", "IOM's description of the place."),
        Column("latitude", "number", "Latitude of the incident.", "degrees"),
        Column("longitude", "number", "Longitude of the incident.", "degrees"),
    ),
    primary_key=("date", "seq"),
    schema=_incidents_schema,
    files=(FILE,),  # process(): its numbers come from this file alone
)

ANNUAL = Table(
    name="missing_migrants_annual",
    title="Deaths and disappearances in the Darién and at the US–Mexico border, by year",
    description=(
        "Dead and missing per calendar year in the two areas (definitions in the source "
        "notes), every row of IOM's database added once; 0 where IOM recorded no incident. "
        "`complete` is false for the year the data stop in."
    ),
    columns=(
        Column("year", "integer", "Calendar year of the incident."),
        Column("area", "string", "darien or us_mexico_border."),
        Column("dead_and_missing", "integer", "People dead or missing.", "persons"),
        Column("rows", "integer", "Rows of IOM's database added up.", "rows"),
        Column("split_rows", "integer", "Of which parts of split incidents.", "rows"),
        Column("cumulative_rows", "integer", "Of which cumulative incidents.", "rows"),
        Column("complete", "boolean", "True when the data cover the whole year."),
        Column("coverage", "string", "What the figure covers, in words."),
    ),
    primary_key=("year", "area"),
    schema=_annual_schema,
    files=(FILE,),  # process(): the incidents, and the file's latest month
)

# ----------------------------------------------------------------------------- geography


def _km_xy(lon: np.ndarray, lat: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Kilometres on a plane tangent at latitude ``lat0``: accurate to well under 1% over the
    few hundred kilometres that matter here."""
    return lon * 111.32 * np.cos(np.radians(lat0)), lat * 110.57


def km_to_boundary(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Distance in km from each point to the nearest segment of :data:`BOUNDARY`."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    b = np.array(BOUNDARY)
    lat0 = 30.0  # the border's middle latitude
    px, py = _km_xy(lon, lat, lat0)
    ax, ay = _km_xy(b[:-1, 0], b[:-1, 1], lat0)
    bx, by = _km_xy(b[1:, 0], b[1:, 1], lat0)
    dx, dy = bx - ax, by - ay
    # each point against each segment: the projection clipped to the segment
    t = ((px[:, None] - ax) * dx + (py[:, None] - ay) * dy) / (dx * dx + dy * dy)
    t = np.clip(t, 0.0, 1.0)
    cx, cy = ax + t * dx, ay + t * dy
    return np.sqrt((px[:, None] - cx) ** 2 + (py[:, None] - cy) ** 2).min(axis=1)


def area_of(country: pd.Series, lon: pd.Series, lat: pd.Series) -> pd.Series:
    """darien, us_mexico_border or "" for each incident (definitions in the module notes)."""
    box = DARIEN_BOX
    darien = country.isin(DARIEN_COUNTRIES) & lat.between(*box["lat"]) & lon.between(*box["lon"])
    near = country.isin(BORDER_COUNTRIES).to_numpy()
    border = np.zeros(len(country), dtype=bool)
    if near.any():
        border[near] = km_to_boundary(lon.to_numpy()[near], lat.to_numpy()[near]) <= BORDER_KM
    out = pd.Series("", index=country.index)
    out[darien.to_numpy()] = DARIEN
    out[border] = BORDER
    return out


# ----------------------------------------------------------------------------- parsing

_TAGS = re.compile(r"<[^>]+>")


def _clean_text(s: pd.Series) -> pd.Series:
    # IOM's location field sometimes carries HTML paragraph tags and line breaks
    return s.astype(str).str.replace(_TAGS, " ", regex=True).str.split().str.join(" ")


def parse(path: Path) -> pd.DataFrame:
    """``iom_mmp.rda`` -> every incident worldwide, checked: dates, types, codes, counts,
    coordinates, and no month without any incident between the first and the last."""
    file = path.name
    df = rdata.read_frame(path, "iom_mmp", COLUMNS)
    df["date"] = pd.to_datetime(df["t"], errors="coerce")
    df["month"] = (
        pd.to_datetime(df["m"], unit="D", origin="unix", errors="coerce")
        if pd.api.types.is_numeric_dtype(df["m"])
        else pd.to_datetime(df["m"], errors="coerce")
    )
    bad = (
        df["date"].isna()
        | df["month"].isna()
        | (df["date"].dt.to_period("M") != df["month"].dt.to_period("M"))
    )
    if bad.any():
        raise DataError(
            file, "each incident needs a date and the month it falls in", df.loc[bad, ["t", "m"]].head(10)
        )
    df["incident_type"] = df["type"].astype(str).str.strip()
    unknown = ~df["incident_type"].isin(INCIDENT_TYPES)
    if unknown.any():
        raise DataError(
            file,
            f"unknown incident types {sorted(set(df.loc[unknown, 'incident_type']))}; expected "
            f"{list(INCIDENT_TYPES)}: read IOM's methodology before adding one, it decides how rows add up",
        )
    df["country_iso3"] = rdata.nationality_codes(df["geo"], file)
    nat = df["nat"].astype("string").str.replace(" ", "", regex=False)
    codes = nat.str.split(",").explode()
    rdata.nationality_codes(codes, file)
    df["nationalities"] = nat.astype(str)
    df["dead_and_missing"] = rdata.whole_counts(df, "dead", file)
    surv = (
        df["surv"]
        if pd.api.types.is_numeric_dtype(df["surv"])
        else pd.to_numeric(df["surv"], errors="coerce")
    )
    bad = surv.notna() & (surv % 1 != 0)
    if bad.any():
        raise DataError(file, "survivors must be whole numbers", df[bad].head(10))
    # five rows far from this route (Indonesia, the Canaries) carry negative survivor counts
    # in this vintage, an artefact of the copy: read as unknown, the dead are unaffected
    df["survivors"] = surv.where(surv >= 0).astype("Int64")
    for col in ("lon", "lat"):
        if not pd.api.types.is_numeric_dtype(df[col]):
            raise DataError(file, f"{col}: coordinates must be numbers", df[[col]].head(10))
    bad = df["lat"].isna() | df["lon"].isna() | ~df["lat"].between(-90, 90) | ~df["lon"].between(-180, 180)
    if bad.any():
        raise DataError(file, "every incident needs coordinates on the globe", df.loc[bad, COLUMNS].head(10))
    df["route"] = df["route"].astype(str).str.strip()
    df["cause"] = df["cause"].astype(str).str.strip()
    df["location"] = _clean_text(df["location"])
    rdata.no_gaps(df["month"], file, "incidents anywhere in the world")
    if df["month"].min() != FIRST_MONTH:
        raise DataError(
            file,
            f"IOM's database starts in {FIRST_MONTH:%B %Y}; this file starts in {df['month'].min():%B %Y}",
        )
    # rows of one date keep IOM's order: the key (date, seq) is stable while IOM appends
    df["seq"] = df.groupby("date").cumcount() + 1
    return df


def on_the_route(df: pd.DataFrame) -> pd.DataFrame:
    """The incidents the project keeps, with their area and country name."""
    keep = (df["route"] == ROUTE) | df["country_iso3"].isin(ROUTE_COUNTRIES)
    out = df[keep].copy()
    out["area"] = area_of(out["country_iso3"], out["lon"], out["lat"])
    out["country"] = out["country_iso3"].map(countries.english_name)
    out["latitude"] = out["lat"].astype(float).round(6)
    out["longitude"] = out["lon"].astype(float).round(6)
    return out[INCIDENTS.column_names].reset_index(drop=True)


def annual_by_area(incidents: pd.DataFrame, last_month: pd.Timestamp) -> pd.DataFrame:
    """Dead and missing per year and area, every row added once (IOM's rule)."""
    df = incidents[incidents["area"] != ""].assign(year=incidents["date"].dt.year)
    df = df.assign(
        split=df["incident_type"].str.contains("Split"),
        cumulative=df["incident_type"] == "Cumulative Incident",
    )
    rows = []
    for year in range(FIRST_MONTH.year, last_month.year + 1):
        complete = year < last_month.year or last_month.month == 12
        coverage = "the whole year" if complete else f"January to {last_month:%B} only"
        for area in AREAS:
            grp = df[(df["year"] == year) & (df["area"] == area)]
            rows.append(
                (
                    year,
                    area,
                    int(grp["dead_and_missing"].sum()),
                    len(grp),
                    int(grp["split"].sum()),
                    int(grp["cumulative"].sum()),
                    complete,
                    coverage,
                )
            )
    return pd.DataFrame(rows, columns=ANNUAL.column_names)


def process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    world = parse(paths[FILE])
    incidents = on_the_route(world)
    return {
        INCIDENTS.name: incidents,
        ANNUAL.name: annual_by_area(incidents, world["month"].max()),
    }


SOURCE = Source(
    id="missing_migrants",
    title="Migrant deaths and disappearances (IOM Missing Migrants Project)",
    publisher="International Organization for Migration (IOM), Missing Migrants Project",
    carrier=(
        "gdidata R package (github.com/iom/gdidata, MIT, not affiliated with or endorsed by IOM), "
        f"a cleaned copy of IOM's download, read at commit {GDIDATA_COMMIT[:7]}"
    ),
    landing_page=IOM_DOWNLOADS,
    files=(
        RemoteFile(
            FILE,
            f"{REPO_RAW}/{FILE}",
            "rda",
            5_000_000,
            "Every recorded incident worldwide from January 2014",
        ),
    ),
    tables=(INCIDENTS, ANNUAL),
    process=process,
    # the archive's folder name (a Python module cannot have a hyphen)
    extra={"mirror_folder": "missing-migrants"},
    notes=(
        "IOM's own database is offered at the landing page (the official source); the project "
        f"reads the republished R file, pinned to gdidata commit {GDIDATA_COMMIT}, and keeps the "
        "incidents on the route from Colombia to the United States. Rows add up once each: "
        "split rows are parts of one incident, cumulative rows group deaths reported together, "
        "and no row repeats another's dead. 'In the Darién' means an incident in Panama or "
        "Colombia inside 7.0-9.0° N, 78.6-76.6° W (the Darién province and the Emberá and Guna "
        "territories on the trail, and the Colombian side down to the Gulf of Urabá crossings); "
        "'at the US–Mexico border' means an incident in the United States or Mexico within "
        "100 miles (161 km) of the boundary, the zone where US Border Patrol works inland "
        "(8 CFR 287.1), which takes in the Falfurrias checkpoint area in Brooks County, Texas. "
        "Counts are minimums. "
        "For comparison, every incident IOM places in Panama, wherever in the country: 2022 147, "
        "2023 93, 2024 172 dead and missing."
    ),
)

# ----------------------------------------------------------------------------- loaders


def incidents() -> pd.DataFrame:
    """Every incident on the route since January 2014, with its area."""
    return processed.read(INCIDENTS.name)


def annual() -> pd.DataFrame:
    """Dead and missing per year in the Darién and at the US–Mexico border."""
    return processed.read(ANNUAL.name)


def year_total(year: int, area: str) -> int:
    """Dead and missing in ``area`` (darien or us_mexico_border) in ``year``."""
    if area not in AREAS:
        raise KeyError(f"unknown area {area!r}; the areas are {list(AREAS)}")
    df = annual().set_index(["year", "area"])
    return int(df.loc[(year, area), "dead_and_missing"])
