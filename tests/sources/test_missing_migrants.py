"""Deaths and disappearances on the route (IOM Missing Migrants Project).

Figures checked against ../shared/data/missing-migrants/PROVENANCE.md: every incident IOM
places in Panama, all row types added once, gives 147 (2022), 93 (2023) and 172 (2024) dead and
missing. The US-Mexico border figure for 2022 is close to the 686 IOM announced in September
2023 (its own route label, which the republished file lacks; our definition is geographic).
The fixture (tests/fixtures/missing_migrants/iom_mmp.rda) holds the first incident of every
month (so the months run without a gap) and the rows the area rules must classify.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr
import pytest

from migrationdata.errors import DataError
from migrationdata.fetch import fetch_source
from migrationdata.paths import REPO_DIR
from migrationdata.sources import missing_migrants as mm

FIXTURE = Path(__file__).parents[1] / "fixtures" / "missing_migrants" / "iom_mmp.rda"


# --- the committed tables, through the loaders --------------------------------------------


def test_panama_totals_match_provenance():
    inc = mm.incidents()
    pan = inc[inc["country_iso3"] == "PAN"].groupby(inc["date"].dt.year)["dead_and_missing"].sum()
    assert (pan[2022], pan[2023], pan[2024]) == (147, 93, 172)


def test_darien_and_border_by_year():
    assert mm.year_total(2022, mm.DARIEN) == 147
    # February 2023: a bus carrying migrants from the Darién crashed in Chiriquí, western
    # Panama; on the route, in Panama, but not in the Darién
    assert mm.year_total(2023, mm.DARIEN) == 52
    assert mm.year_total(2024, mm.DARIEN) == 177  # 172 in Panama plus the Colombian side
    assert mm.year_total(2022, mm.BORDER) == 680
    assert abs(mm.year_total(2022, mm.BORDER) - 686) <= 10
    assert mm.year_total(2023, mm.BORDER) == 724
    annual = mm.annual().set_index(["year", "area"])
    assert not annual.loc[(2025, mm.BORDER), "complete"]
    assert annual.loc[(2025, mm.BORDER), "coverage"] == "January to April only"
    with pytest.raises(KeyError, match="areas"):
        mm.year_total(2023, "mediterranean")


def test_annual_table_adds_every_row_once():
    inc = mm.incidents()
    inc = inc[inc["area"] != ""]
    sums = inc.groupby([inc["date"].dt.year, "area"])["dead_and_missing"].sum()
    annual = mm.annual().set_index(["year", "area"])
    for (year, area), total in sums.items():
        assert annual.loc[(year, area), "dead_and_missing"] == total
    assert annual["split_rows"].sum() == inc["incident_type"].str.contains("Split").sum()
    assert annual["cumulative_rows"].sum() == (inc["incident_type"] == "Cumulative Incident").sum()
    assert annual["rows"].sum() == len(inc)


def test_areas_follow_their_definitions():
    inc = mm.incidents()
    chiriqui = inc[inc["location"].str.contains("Gualaca") & (inc["date"].dt.year == 2023)]
    assert not chiriqui.empty and (chiriqui["area"] == "").all()
    brooks = inc[inc["location"].str.contains("Brooks County")]
    assert len(brooks) > 20 and (brooks["area"] == mm.BORDER).all()
    trailer = inc[inc["location"].str.contains("Cassin & Quintana")]  # San Antonio, June 2022
    assert trailer["dead_and_missing"].item() == 53 and trailer["area"].item() == ""
    # boats off Florida (the Florida Mountains of New Mexico, near the line, are another matter)
    florida = inc[inc["location"].str.contains("Florida") & (inc["longitude"] > -88)]
    assert len(florida) > 10 and (florida["area"] == "").all()
    darien = inc[inc["area"] == mm.DARIEN]
    assert set(darien["country_iso3"]) == {"PAN", "COL"}
    border = inc[inc["area"] == mm.BORDER]
    assert set(border["country_iso3"]) == {"USA", "MEX"}


def test_distance_to_the_boundary():
    places = {  # (lon, lat) -> km from the line
        "Ciudad Juárez": (-106.44, 31.74),
        "Tijuana": (-117.04, 32.52),
        "Falfurrias checkpoint, Texas": (-98.14, 27.23),
        "Monterrey": (-100.31, 25.67),  # within 161 km: the zone is wide
        "Hermosillo": (-110.96, 29.07),
        "San Antonio": (-98.49, 29.42),
    }
    km = dict(zip(places, mm.km_to_boundary(*np.array(list(places.values())).T), strict=True))
    assert km["Ciudad Juárez"] < 10 and km["Tijuana"] < 10
    assert 100 < km["Falfurrias checkpoint, Texas"] < mm.BORDER_KM
    assert 140 < km["Monterrey"] < mm.BORDER_KM
    assert km["Hermosillo"] > mm.BORDER_KM and km["San Antonio"] > mm.BORDER_KM


def test_every_nationality_code_is_known_and_named():
    inc = mm.incidents()
    assert inc["nationalities"].str.fullmatch(r"[A-Z]{3}(,[A-Z]{3})*").all()
    assert "UNK" in set(inc["nationalities"].str.split(",").explode())
    assert inc["country"].notna().all() and not inc["location"].str.contains("<p>").any()


# --- the mirror, through the real fetch and parsers -------------------------------------


def test_fetch_from_mirror_reproduces_committed_tables(mirror, tmp_data):
    # the archive's folder is missing-migrants, the source id missing_migrants
    assert (mirror / mm.SOURCE.mirror_folder / mm.FILE).is_file()
    report = fetch_source(mm.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    for table in mm.SOURCE.tables:
        fresh = (tmp_data / "processed" / f"{table.name}.csv").read_bytes()
        assert fresh == (REPO_DIR / "data" / "processed" / f"{table.name}.csv").read_bytes(), table.name
    t0 = time.monotonic()  # an unchanged refresh re-reads nothing it need not: under 2 s
    assert fetch_source(mm.SOURCE, mirror=str(mirror), base=tmp_data).status == "unchanged"
    assert time.monotonic() - t0 < 2.0


def test_parse_reads_the_whole_world(mirror):
    world = mm.parse(mirror / "missing-migrants" / mm.FILE)
    assert len(world) == 19_669  # PROVENANCE row count
    assert world["month"].min() == pd.Timestamp("2014-01-01")


def test_fixture_through_process():
    tables = mm.process({mm.FILE: FIXTURE})
    annual = tables["missing_migrants_annual"].set_index(["year", "area"])
    # the 2023 rows of the fixture in Panama: 93 in the country, 51 of them in the Darién box
    # (the full file adds one death on the Colombian side: 52)
    assert annual.loc[(2023, mm.DARIEN), "dead_and_missing"] == 51
    inc = tables["missing_migrants_incidents"]
    pan = inc[(inc["country_iso3"] == "PAN") & (inc["date"].dt.year == 2023)]
    assert pan["dead_and_missing"].sum() == 93  # every 2023 Panama row is in the fixture
    assert (pan["incident_type"] == "Incident,Split Incident").any()
    # two identical rows in the fixture (same date, place, count): two incidents, both kept
    raw = pyreadr.read_r(str(FIXTURE))["iom_mmp"]
    assert raw.duplicated().sum() == 1 and len(inc) == len(mm.on_the_route(mm.parse(FIXTURE)))
    same = inc.drop(columns="seq").duplicated(keep=False)
    assert same.sum() == 2


# --- bad input --------------------------------------------------------------------------


def _rewrite(tmp_path: Path, edit) -> Path:
    df = pyreadr.read_r(str(FIXTURE))["iom_mmp"]
    out = tmp_path / mm.FILE
    pyreadr.write_rdata(str(out), edit(df.copy()), df_name="iom_mmp")
    return out


def test_html_page_instead_of_rda(tmp_path):
    bad = tmp_path / mm.FILE
    bad.write_text("<!DOCTYPE html><title>Missing Migrants Project</title>")
    with pytest.raises(DataError, match="not a readable R data file"):
        mm.parse(bad)


def test_renamed_column(tmp_path):
    bad = _rewrite(tmp_path, lambda df: df.rename(columns={"dead": "deaths"}))
    with pytest.raises(DataError, match=r"columns \['dead'\] are missing"):
        mm.parse(bad)


def test_unknown_nationality_code_in_a_list(tmp_path):
    def edit(df):
        df.loc[df.index[0], "nat"] = "GTM,ZZZ"
        return df

    with pytest.raises(DataError, match=r"unknown nationality codes \['ZZZ'\]"):
        mm.parse(_rewrite(tmp_path, edit))


def test_unknown_incident_type(tmp_path):
    def edit(df):
        df.loc[df.index[0], "type"] = "Estimated Incident"
        return df

    with pytest.raises(DataError, match="unknown incident types.*methodology"):
        mm.parse(_rewrite(tmp_path, edit))


def test_month_without_any_incident(tmp_path):
    june = float((pd.Timestamp("2016-06-01") - pd.Timestamp("1970-01-01")).days)
    with pytest.raises(DataError, match="no incidents anywhere in the world for June 2016"):
        mm.parse(_rewrite(tmp_path, lambda df: df[df["m"] != june]))


def test_fractional_dead(tmp_path):
    def edit(df):
        df.loc[df.index[0], "dead"] = 1.5
        return df

    with pytest.raises(DataError, match="whole numbers"):
        mm.parse(_rewrite(tmp_path, edit))
