"""CBP encounters: parsers on small hand-written releases, release merging and the revision log,
link discovery on a loopback server, and the published figures rebuilt from the mirror."""

from __future__ import annotations

import gzip
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from migrationdata import processed
from migrationdata.errors import DataError, FetchError
from migrationdata.fetch import Fetcher, fetch_source, make_session
from migrationdata.paths import REPO_DIR
from migrationdata.sources import cbp

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cbp"
TABLES = [t.name for t in cbp.SOURCE.tables]


def release(name: str) -> cbp.Release:
    return cbp.parse_release(FIXTURES / name)


def rows(df: pd.DataFrame, **where) -> pd.DataFrame:
    for col, val in where.items():
        df = df[df[col] == (pd.Timestamp(val) if col == "month" else val)]
    return df


# ----------------------------------------------------------------------------- parsing


def test_official_and_snake_case_headers_read_alike():
    official, snake = release("aor_official.csv"), release("aor_snake.csv")
    assert official.layout == snake.layout == "aor"
    # the two files share October: the same cells once the headers are reduced
    oct_official = rows(official.frame, month="2023-10-01").reset_index(drop=True)
    oct_snake = rows(snake.frame, month="2023-10-01").reset_index(drop=True)
    pd.testing.assert_frame_equal(oct_official, oct_snake)
    # FY2024 OCT is October 2023; names in title case, one per country
    assert set(official.frame["citizenship"]) == {
        "Mexico",
        "Venezuela",
        "China",
        "Other",
        "Guatemala",
        "Myanmar",
    }
    assert official.through == pd.Timestamp("2023-12-01")
    minors = rows(official.frame, citizenship="Guatemala")
    assert minors["demographic"].tolist() == ["Unaccompanied children"]  # was "UC / Single Minors"
    assert minors["month"].tolist() == [pd.Timestamp("2023-11-01")]


def test_southwest_release_with_fytd_suffix_and_grouped_citizenship():
    sw = release("sbo_official.csv")
    assert sw.layout == "southwest"
    assert sorted(sw.frame["month"].unique()) == list(pd.date_range("2023-10-01", "2024-02-01", freq="MS"))
    assert set(sw.frame["region"]) == {cbp.SOUTHWEST}
    assert set(sw.frame["citizenship"]) == {"Mexico", "Guatemala", "Honduras", cbp.GROUPED_OTHER}
    assert sw.named_citizenships == {"Mexico", "Guatemala", "Honduras"}
    assert rows(sw.frame, citizenship="Guatemala")["demographic"].tolist() == ["Unaccompanied children"]
    assert int(sw.frame["encounters"].sum()) == 418


def test_state_release_has_no_component():
    st = release("state_official.csv")
    assert st.layout == "state"
    assert "component" not in st.frame.columns
    assert rows(st.frame, state="TX")["month"].tolist() == [pd.Timestamp("2023-09-01")]
    assert rows(st.frame, state="ME")["citizenship"].tolist() == ["Canada"]


def test_fiscal_months_map_to_calendar_months():
    df = pd.DataFrame(
        {"fy": ["2024", "2024 (FYTD)", "2025 (FYTD)", "2024"], "m": ["OCT", "DEC", "JAN", "SEP"]}
    )
    df["line"] = range(2, 6)
    months = cbp.months_from_fiscal(df["fy"], df["m"], df, "x.csv")
    assert [f"{m:%Y-%m}" for m in months] == ["2023-10", "2023-12", "2025-01", "2024-09"]


# ----------------------------------------------------------------------------- merging


def test_latest_release_wins_but_detail_survives():
    older, newer, southwest = (
        release("aor_official.csv"),
        release("aor_snake.csv"),
        release("sbo_official.csv"),
    )
    enc = cbp.combine_encounters([southwest, newer, older])  # order given does not matter
    # November: the newer AOR release revised Mexico from 90 to 95
    assert rows(enc, month="2023-11-01", citizenship="Mexico")["encounters"].tolist() == [95]
    # December: the newer release dropped the Myanmar cell, so it is gone
    assert rows(enc, month="2023-12-01", citizenship="Myanmar").empty
    # January: the Southwest release is newer and says 33, but only in five groups; the AOR
    # detail (Venezuelans in the El Paso sector) is kept
    jan = rows(enc, month="2024-01-01")
    assert set(jan["citizenship"]) == {"Venezuela", "Mexico"}
    assert rows(jan, citizenship="Venezuela")[["area", "encounters"]].values.tolist() == [
        ["El Paso Sector", 30]
    ]
    # February exists only in the Southwest release: its rows, with no area breakdown
    feb = rows(enc, month="2024-02-01")
    assert set(feb["area"]) == {cbp.ALL_AREAS}
    assert sorted(feb["encounters"].tolist()) == [4, 50]
    assert sorted(enc["month"].unique()) == list(pd.date_range("2023-10-01", "2024-02-01", freq="MS"))
    assert enc["fiscal_year"].unique().tolist() == [2024]


def test_southwest_monthly_takes_the_latest_release():
    releases = [release("aor_official.csv"), release("aor_snake.csv"), release("sbo_official.csv")]
    sw, owner = cbp.combine_southwest(releases)
    sw = sw.set_index("month")
    # usbp, ofo, total (the revised figure), and the release each comes from
    assert sw.loc["2024-01-01"].tolist() == [33, 20, 53, "sbo_official.csv", "sbo_official.csv"]
    assert sw.loc["2023-10-01", ["usbp", "ofo", "total"]].tolist() == [140, 7, 147]  # not Northern
    assert {r.name for r in owner.values()} == {"sbo_official.csv"}


def test_revision_log_lists_each_change_once():
    log = cbp.revision_log(
        [release("sbo_official.csv"), release("aor_official.csv"), release("aor_snake.csv")]
    )
    got = sorted(
        (f"{r.month:%Y-%m}", r.key, r.old, r.new, r.old_release, r.new_release) for r in log.itertuples()
    )
    aor_key = (
        "component=U.S. Border Patrol; region=Southwest Land Border; area=El Paso Sector; "
        "demographic={}; citizenship={}; title=Title 8; encounter_type=Apprehensions"
    )
    assert got == [
        (
            "2023-11",
            aor_key.format("Single adults", "Mexico").replace("El Paso Sector", "Rio Grande Valley Sector"),
            90,
            95,
            "aor_official.csv",
            "aor_snake.csv",
        ),
        ("2023-12", aor_key.format("Single adults", "Myanmar"), 2, 0, "aor_official.csv", "aor_snake.csv"),
        (
            "2024-01",
            "component=U.S. Border Patrol; region=Southwest Land Border; demographic=Individuals in "
            "family units; citizenship=Other (grouped); title=Title 8; encounter_type=Apprehensions",
            30,
            33,
            "aor_snake.csv",
            "sbo_official.csv",
        ),
    ]
    # validated as a processed table
    assert len(processed.validate(cbp.REVISIONS, log)) == 3


def test_state_release_fills_the_months_after_the_aor_and_beats_the_southwest_release():
    releases = [
        release("aor_official.csv"),
        release("aor_snake.csv"),
        release("sbo_official.csv"),
        release("state_newer.csv"),  # CRLF line ends, as CBP's state files come
    ]
    enc = cbp.combine_encounters(releases)
    # January: the AOR detail survives the later, coarser releases
    jan = rows(enc, month="2024-01-01")
    assert set(jan["component"]) <= set(cbp.COMPONENTS) and cbp.ALL_AREAS not in set(jan["area"])
    # February: the state release is newer and names countries, so it wins over the
    # Southwest release; what it does not split says so
    feb = rows(enc, month="2024-02-01")
    assert set(feb["component"]) == {cbp.ALL_COMPONENTS}
    assert set(feb["encounter_type"]) == {cbp.ALL_TYPES}
    assert set(feb["area"]) == {cbp.ALL_AREAS}
    got = sorted(zip(feb["region"], feb["citizenship"], feb["encounters"], strict=True))
    assert got == [
        ("Northern Land Border", "Canada", 6),
        (cbp.SOUTHWEST, "Honduras", 4),
        (cbp.SOUTHWEST, "Mexico", 51),  # TX 48 + NM 3: the states are summed
    ]
    # March exists only in the state release; the Other region (Florida) is kept
    mar = rows(enc, month="2024-03-01")
    assert sorted(mar["citizenship"]) == ["Guatemala", "Haiti", "India"]
    assert rows(mar, citizenship="Guatemala")["demographic"].tolist() == ["Unaccompanied children"]
    # the table's contract accepts the not-broken-down labels (shifted to start in Oct 2019)
    early = enc.assign(month=enc["month"] - pd.DateOffset(years=4))
    early["fiscal_year"] = cbp.fiscal_year_of(early["month"])
    assert len(processed.validate(cbp.ENCOUNTERS, early)) == len(enc)


def test_southwest_total_from_the_latest_release_split_from_the_latest_that_has_one():
    releases = [release("aor_official.csv"), release("sbo_official.csv"), release("state_newer.csv")]
    sw, _ = cbp.combine_southwest(releases)
    sw = sw.set_index("month")
    feb = sw.loc["2024-02-01"]
    # total 55 from the state release; usbp 50 + ofo 4 = 54 from the Southwest release
    assert (feb["total"], feb["usbp"], feb["ofo"]) == (55, 50, 4)
    assert (feb["release"], feb["components_release"]) == ("state_newer.csv", "sbo_official.csv")
    mar = sw.loc["2024-03-01"]
    assert mar["total"] == 20 and pd.isna(mar["usbp"]) and pd.isna(mar["ofo"])
    assert mar["components_release"] == ""
    shifted = sw.reset_index().assign(month=lambda d: d["month"] - pd.DateOffset(years=4))
    assert len(processed.validate(cbp.SOUTHWEST_MONTHLY, shifted)) == 6
    # a split that does not add up to a total from the same release is refused
    bad = shifted.copy()
    bad.loc[0, "usbp"] = bad.loc[0, "usbp"] + 1
    with pytest.raises(DataError, match="fails its schema"):
        processed.validate(cbp.SOUTHWEST_MONTHLY, bad)


def test_revision_against_a_release_without_components():
    log = cbp.revision_log([release("sbo_official.csv"), release("state_newer.csv")])
    assert len(log) == 1
    row = log.iloc[0]
    assert row["month"] == pd.Timestamp("2024-02-01")
    assert row["component"] == cbp.ALL_COMPONENTS and row["region"] == cbp.SOUTHWEST
    assert row["key"] == (
        "region=Southwest Land Border; demographic=Single adults; citizenship=Mexico; title=Title 8"
    )
    assert (row["old"], row["new"], row["change"]) == (50, 51, 1)
    assert (row["old_release"], row["new_release"]) == ("sbo_official.csv", "state_newer.csv")
    assert len(processed.validate(cbp.REVISIONS, log)) == 1


# ----------------------------------------------------------------------------- the third party's totals


def official_southwest() -> pd.DataFrame:
    releases = [release("aor_official.csv"), release("sbo_official.csv"), release("state_newer.csv")]
    return cbp.combine_southwest(releases)[0]


def test_derived_totals_keep_only_the_months_after_cbps_latest():
    path = FIXTURES / "derived_small.json"
    assert cbp.classify(path) == "derived"
    derived = cbp.parse_derived_totals(path)
    assert len(derived) == 8 and derived["total"].iloc[-1] == 31
    prov = cbp.provisional_months(derived, official_southwest(), path.name)
    # March 2024 is CBP's latest month: only April and May are the third party's
    assert prov["month"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-05-01")]
    assert prov["total"].tolist() == [25, 31]
    assert set(prov["status"]) == {cbp.PROVISIONAL}
    assert set(prov["compiled_by"]) == {cbp.DERIVED_COMPILER}
    assert len(processed.validate(cbp.PROVISIONAL_MONTHLY, prov)) == 2


def test_derived_totals_that_disagree_with_cbp_are_refused(tmp_path):
    # February is 54 against CBP's 55 (an earlier vintage: tolerated); 155 is not
    path = write_variant(tmp_path, "derived_small.json", '"value": 54', '"value": 155')
    derived = cbp.parse_derived_totals(path)
    with pytest.raises(DataError, match="differ from CBP's own by more than 50") as err:
        cbp.provisional_months(derived, official_southwest(), path.name)
    assert err.value.file == "derived_small.json" and "155" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"value": 25', '"value": "25"', r"not \{'date': 'YYYY-MM'"),
        ('"value": 25', '"value": -25', r"not \{'date': 'YYYY-MM'"),
        ('"date": "2024-04"', '"date": "April 2024"', r"series\[6\]"),
        ('{"date": "2024-03", "value": 20},', "", "no value for March 2024"),
        ('"series"', '"data"', "non-empty 'series'"),
        ('"value": 31}', '"value": 31', "not readable JSON"),
    ],
)
def test_bad_derived_file_is_refused_with_what_was_wrong(tmp_path, old, new, message):
    path = write_variant(tmp_path, "derived_small.json", old, new)
    with pytest.raises(DataError, match=message) as err:
        cbp.parse_derived_totals(path)
    assert err.value.file == "derived_small.json"


# ----------------------------------------------------------------------------- bad input


def write_variant(tmp_path: Path, source: str, old: str, new: str, name: str | None = None) -> Path:
    text = (FIXTURES / source).read_text()
    assert old in text
    path = tmp_path / (name or source)
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [
        ("Encounter Count", "Encounters", r"lacks columns \['encounter_count'\]", None),
        (
            "Single Adults,Mexico,Title 8,Apprehensions,50",
            "Single Adults,Mexico,Title 8,Apprehensions,-50",
            "negative",
            "10",
        ),
        (
            "Single Adults,Mexico,Title 8,Apprehensions,50",
            "Single Adults,Mexico,Title 8,Apprehensions,n/a",
            "not whole",
            "10",
        ),
        ("FYTD,FEB,U.S. Border Patrol", "FYTD,FEBR,U.S. Border Patrol", "unknown months", "10"),
        ("2024 (FYTD),FYTD,FEB,U.S. Border Patrol", "FY24,FYTD,FEB,U.S. Border Patrol", "fiscal years", "10"),
        ("FMUA,Honduras", "Family Units,Honduras", "unknown demographics", "11"),
        (
            "JAN,Office of Field Operations,Single Adults,Mexico",
            "JAN,U.S. Border Patrol,Single Adults,Mexico",
            "contradict",
            "9",
        ),
        (
            "JAN,U.S. Border Patrol,FMUA,Other,Title 8,Apprehensions,33",
            "DEC,U.S. Border Patrol,FMUA,Other,Title 8,Apprehensions,33",
            "repeat a month",
            "8",
        ),
    ],
)
def test_bad_release_is_refused_with_file_and_rows(tmp_path, old, new, message, line):
    path = write_variant(tmp_path, "sbo_official.csv", old, new)
    with pytest.raises(DataError, match=message) as err:
        cbp.parse_release(path)
    assert err.value.file == "sbo_official.csv"
    if line:  # the offending row, by its line number in the file
        assert re.search(rf"\n\s*{line}\s", str(err.value)), str(err.value)


def test_unknown_layout_is_refused(tmp_path):
    path = write_variant(tmp_path, "aor_official.csv", "Area of Responsibility", "Sector or Office")
    with pytest.raises(DataError, match="none of CBP's encounter layouts"):
        cbp.parse_release(path)


def test_unknown_region_is_refused(tmp_path):
    path = write_variant(tmp_path, "aor_snake.csv", "Northern Land Border", "Northern Border")
    with pytest.raises(DataError, match=r"unknown land border regions \['Northern Border'\]"):
        cbp.parse_release(path)


def test_a_gap_in_months_fails_the_schema():
    enc = cbp.combine_encounters([release("sbo_official.csv")])
    enc = enc.assign(month=enc["month"] + pd.DateOffset(years=-4))  # so the table starts in Oct 2019
    enc["fiscal_year"] = cbp.fiscal_year_of(enc["month"])
    assert len(processed.validate(cbp.ENCOUNTERS, enc)) == 10
    with pytest.raises(DataError, match="October 2019 on has no rows"):
        processed.validate(cbp.ENCOUNTERS, enc[enc["month"] != pd.Timestamp("2019-12-01")])


# ----------------------------------------------------------------------------- history files


def test_usbp_monthly_history_is_pipe_delimited_gzip(tmp_path):
    path = tmp_path / "usbp.csv.gz"
    path.write_bytes(gzip.compress((FIXTURES / "usbp_monthly_small.psv").read_bytes()))
    assert cbp.classify(path) == "usbp_monthly"
    df = cbp.parse_usbp_monthly_history(path)
    assert df.values.tolist() == [[pd.Timestamp("1999-10-01"), 45], [pd.Timestamp("2000-03-01"), 450]]
    # a shifted column: the Southwest total no longer adds up from its sectors
    text = (FIXTURES / "usbp_monthly_small.psv").read_text().replace("|450|460|", "|451|460|")
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(DataError, match="sum of its sectors"):
        cbp.parse_usbp_monthly_history(path)


def test_southwest_annual_history_checks_its_sectors(tmp_path):
    path = FIXTURES / "southwest_annual_small.csv"
    assert cbp.classify(path) == "southwest_annual"
    assert cbp.parse_southwest_annual_history(path).values.tolist() == [[1960, 750], [1961, 1000]]
    bad = write_variant(tmp_path, "southwest_annual_small.csv", "yuma,1960,250", "yuma,1960,260")
    with pytest.raises(DataError, match="sum of its sectors"):
        cbp.parse_southwest_annual_history(bad)


def write_ohss(path: Path, months: list[str]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Monthly Region"
    ws.append(["Fiscal\nYear", "Month", "Region", "Quantity"])
    for i, month in enumerate(months):
        ws.append([2024, month, "Southwest Land Border", 1000 + 10 * i])
    wb.save(path)


def test_ohss_workbook_header_with_newline_and_numbered_months(tmp_path):
    path = tmp_path / "KHSM Encounters (USBP) test.xlsx"
    write_ohss(path, ["01 October", "03 December", "04 January"])
    assert cbp.classify(path) == "ohss"
    df = cbp.parse_ohss_workbook(path)
    assert list(df.columns) == ["fiscal_year", "month", "region", "quantity"]
    assert [f"{m:%Y-%m}" for m in df["month"]] == ["2023-10", "2023-12", "2024-01"]
    assert df["quantity"].tolist() == [1000, 1010, 1020]
    write_ohss(path, ["01 October", "03 Dec"])
    with pytest.raises(DataError, match="unknown months") as err:
        cbp.parse_ohss_workbook(path)
    assert "03 Dec" in str(err.value)


# ----------------------------------------------------------------------------- discovery


def test_release_links_found_by_file_name_pattern():
    page = "https://www.cbp.gov/newsroom/stats/nationwide-encounters"
    links = cbp.find_release_links((FIXTURES / "nationwide_page.html").read_text(), page)
    assert links == {
        "aor": "https://www.cbp.gov/sites/default/files/2025-09/nationwide-encounters-fy22-fy25-aug-aor.csv",
        "state": "https://www.cbp.gov/sites/default/files/2025-09/nationwide-encounters-fy22-fy25-aug-state.csv",
    }
    links = cbp.find_release_links((FIXTURES / "southwest_page.html").read_text(), page)
    assert links == {
        "southwest": "https://www.cbp.gov/sites/default/files/2025-09/sbo-encounters-fy22-fy25-aug.csv"
    }
    ohss = cbp.find_ohss_link(
        (FIXTURES / "ohss_page.html").read_text(), "https://ohss.dhs.gov/khsm/cbp-encounters"
    )
    assert (
        ohss
        == "https://ohss.dhs.gov/sites/default/files/2025-09/KHSM%20Encounters%20%28USBP%29%20fy25m11.xlsx"
    )


@pytest.fixture
def pages(httpserver, monkeypatch):
    for const, name in (
        ("NATIONWIDE_PAGE", "nationwide_page.html"),
        ("SOUTHWEST_PAGE", "southwest_page.html"),
        ("OHSS_PAGE", "ohss_page.html"),
    ):
        path = f"/{name}"
        httpserver.expect_request(path).respond_with_data(
            (FIXTURES / name).read_bytes(), content_type="text/html; charset=utf-8"
        )
        monkeypatch.setattr(cbp, const, httpserver.url_for(path))
    return httpserver


def test_discover_on_a_loopback_server(pages, tmp_path):
    session = make_session(retries=0, backoff=0, timeout=(2, 2))
    fetcher = Fetcher(cbp.SOURCE, tmp_path, tmp_path / "staging", session=session, progress=False)
    files = {rf.name: rf for rf in cbp.discover(fetcher)}
    base = pages.url_for("/").rstrip("/")
    assert (
        files["sbo-encounters-fy22-fy25-aug.csv"].url
        == f"{base}/sites/default/files/2025-09/sbo-encounters-fy22-fy25-aug.csv"
    )
    assert files["nationwide-encounters-fy22-fy25-aug-aor.csv"].kind == "csv"
    assert "nationwide-encounters-fy22-fy25-aug-state.csv" in files
    assert files["KHSM Encounters (USBP) fy25m11.xlsx"].kind == "xlsx"
    # the archived releases that hold FY2020-FY2021, and the history files
    assert {"nationwide-encounters-fy20-fy23-aor.csv", "nationwide-encounters-fy21-fy24-aor.csv"} <= set(
        files
    )
    assert {
        "usbp_monthly_encounters_fy2000-fy2020.csv.gz",
        "southwest_border_apprehensions_1960_2019.csv",
    } <= set(files)
    assert files[cbp.DERIVED_FILE].kind == "json"  # the third party's totals, pinned by commit
    assert "/3e23e27d8514b672920b599d1c41081266d7e7fa/" in files[cbp.DERIVED_FILE].url
    assert len(files) == 9


def test_discover_fails_clearly_when_cbp_renames_its_files(httpserver, monkeypatch, tmp_path):
    httpserver.expect_request("/empty").respond_with_data(
        "<html><body>moved</body></html>", content_type="text/html"
    )
    for const in ("NATIONWIDE_PAGE", "SOUTHWEST_PAGE", "OHSS_PAGE"):
        monkeypatch.setattr(cbp, const, httpserver.url_for("/empty"))
    session = make_session(retries=0, backoff=0, timeout=(2, 2))
    fetcher = Fetcher(cbp.SOURCE, tmp_path, tmp_path / "staging", session=session, progress=False)
    with pytest.raises(FetchError, match=r"nationwide-encounters-fyNN-fyNN\[-mon\]-aor\.csv"):
        cbp.discover(fetcher)


# ----------------------------------------------------------------------------- the mirror


@pytest.fixture(scope="module")
def built(mirror, tmp_path_factory):
    """The five tables rebuilt from the mirror into a temporary data folder."""
    base = tmp_path_factory.mktemp("cbp") / "data"
    report = fetch_source(cbp.SOURCE, mirror=str(mirror), base=base, progress=False)
    assert report.status == "updated", report.error
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MIGRATIONDATA_DATA", str(base))
        yield base


def test_southwest_figures_match_cbp(built):
    by_fy = cbp.southwest_by_fiscal_year().set_index("fiscal_year")
    assert by_fy.loc[2022, "total"] == 2_378_944
    assert by_fy.loc[2023, "total"] == 2_475_669
    assert by_fy.loc[2024, "total"] == 2_135_005
    assert (by_fy.loc[2024, "usbp"], by_fy.loc[2024, "ofo"]) == (1_530_523, 604_482)
    # FY2025 closed: the final release's twelve months (the August release had 432,059 for
    # October - August; the final one revised those eleven months down by 35)
    assert by_fy.loc[2025, "complete"] and by_fy.loc[2025, "total"] == 443_671
    assert pd.isna(by_fy.loc[2025, "usbp"])  # September 2025 has no split: no partial sum
    assert (by_fy.loc[2026, "months"], by_fy.loc[2026, "total"]) == (2, 22_667)
    sw = cbp.southwest_monthly().set_index("month")
    dec = sw.loc["2023-12-01"]
    assert (dec["total"], dec["usbp"], dec["ofo"]) == (301_981, 249_740, 52_241)


def test_southwest_runs_to_november_2025_with_the_latest_release(built):
    sw = cbp.southwest_monthly().set_index("month")
    assert sw.index[0] == pd.Timestamp("2019-10-01") and sw.index[-1] == pd.Timestamp("2025-11-01")
    assert sw.loc["2025-09-01":, "total"].tolist() == [11_647, 11_707, 10_960]  # PROVENANCE
    nov = "nationwide-encounters-fy23-fy26-nov-state.csv"
    assert set(sw.loc["2022-10-01":, "release"]) == {nov}  # the latest release covers FY2023 on
    # August 2025: the final release's 9,731 (the August release said 9,740); the split still
    # comes from the August release, the latest that has one, so it adds up to the old total
    aug = sw.loc["2025-08-01"]
    assert (aug["total"], aug["usbp"], aug["ofo"]) == (9_731, 6_321, 3_419)
    assert aug["components_release"] == "sbo-encounters-fy22-fy25-aug.csv"
    # September - November 2025 are in state releases only: no Border Patrol / OFO split
    assert sw.loc["2025-09-01":, ["usbp", "ofo"]].isna().all().all()
    assert (sw.loc["2025-09-01":, "components_release"] == "").all()
    # the Border Patrol's own series stops where the split does
    assert cbp.usbp_history()["month"].max() == pd.Timestamp("2025-08-01")


def test_nationwide_months_match_cbps_press_releases(built):
    enc = cbp.encounters()
    by_month = enc.groupby("month")["encounters"].sum()
    # CBP's monthly updates of 24 October and 16 December 2025 printed these nationwide totals;
    # October 2025 was announced as 30,573 and revised to 30,551 in the November release
    assert by_month.loc["2025-09-01"] == 26_002
    assert by_month.loc["2025-10-01"] == 30_551
    assert by_month.loc["2025-11-01"] == 30_375


def test_encounters_add_up_to_the_southwest_totals_every_month(built):
    enc = cbp.encounters()
    sw = enc[enc["region"] == cbp.SOUTHWEST].groupby("month")["encounters"].sum()
    total = cbp.southwest_monthly().set_index("month")["total"]
    pd.testing.assert_series_equal(sw, total, check_names=False, check_dtype=False)


def test_revisions_between_the_august_and_the_final_fy2025_release(built):
    log = cbp.revisions()
    aug, final = "sbo-encounters-fy22-fy25-aug.csv", "nationwide-encounters-fy22-fy25-state.csv"
    # the only revisions in this snapshot: every other pair of releases agrees cell for cell
    assert set(zip(log["old_release"], log["new_release"], strict=True)) == {(aug, final)}
    assert len(log) == 29 and log["change"].sum() == -35
    assert set(log["component"]) == {cbp.ALL_COMPONENTS}  # a state release has no component
    by_month = cbp.revisions_by_month().set_index("month")
    assert by_month["change"].tolist() == [-5, -3, -4, -3, -4, -1, -1, -1, -2, -2, -9]
    assert by_month.index[0] == pd.Timestamp("2024-10-01") and by_month.index[-1] == pd.Timestamp(
        "2025-08-01"
    )
    cells = log.set_index(["month", "key"])
    key = "region=Southwest Land Border; demographic={}; citizenship={}; title=Title 8"
    # checked by hand in the two files: USBP 3,713 + OFO 2,619 in August; AZ 1,203 + CA 1,465
    # + NM 453 + TX 3,203 in the final release
    mexico = cells.loc[(pd.Timestamp("2025-08-01"), key.format("Single adults", "Mexico"))]
    assert (mexico["old"], mexico["new"], mexico["change"]) == (6_332, 6_324, -8)
    # October 2024, families from Honduras: USBP 1,168 + OFO 2,210 -> 3,377
    honduras = cells.loc[(pd.Timestamp("2024-10-01"), key.format("Individuals in family units", "Honduras"))]
    assert (honduras["old"], honduras["new"]) == (3_378, 3_377)
    # revised up, too: accompanied Mexican minors in August 2025
    minors = cells.loc[(pd.Timestamp("2025-08-01"), key.format("Accompanied minors", "Mexico"))]
    assert (minors["old"], minors["new"]) == (62, 64)


def test_provisional_months_stay_apart_from_cbps_series(built):
    prov = cbp.southwest_provisional()
    assert prov["month"].tolist() == list(pd.date_range("2025-12-01", "2026-07-01", freq="MS"))
    assert set(prov["status"]) == {"provisional"}
    assert set(prov["compiled_by"]) == {"govnumbers/political-dashboard (third party)"}
    by_month = prov.set_index("month")["total"]
    # PROVENANCE: January 2026 9,729, June 12,907, July 12,730
    assert (by_month.loc["2026-01-01"], by_month.loc["2026-06-01"], by_month.loc["2026-07-01"]) == (
        9_729,
        12_907,
        12_730,
    )
    assert by_month.loc["2025-12-01"] == 9_992
    # never in CBP's own tables
    assert cbp.southwest_monthly()["month"].max() < prov["month"].min()
    assert cbp.encounters()["month"].max() < prov["month"].min()
    # and its provenance names the third party, not CBP; CBP's tables do not list its file
    meta = processed.provenance(cbp.PROVISIONAL_MONTHLY.name, built)
    assert meta["publisher"].startswith("govnumbers/political-dashboard") and "CBP" not in meta[
        "publisher"
    ].replace("not CBP", "")
    assert [s["title"].split(": ")[-1] for s in meta["sources"]] == [cbp.DERIVED_FILE]
    cbp_meta = processed.provenance(cbp.SOUTHWEST_MONTHLY.name, built)
    assert cbp.DERIVED_FILE not in {s["title"].split(": ")[-1] for s in cbp_meta["sources"]}


def test_december_2023_is_the_record(built):
    top = cbp.records("southwest", 3)
    assert top["month"].iloc[0] == pd.Timestamp("2023-12-01") and top["value"].iloc[0] == 301_981
    assert top["rank"].tolist() == [1, 2, 3]
    usbp = cbp.records("usbp", None).set_index("month")
    assert usbp.loc["2023-12-01", "rank"] == 1
    # March 2000 was the Border Patrol's high before 2022; May and December 2022 passed it too
    assert usbp.loc["2000-03-01", "value"] == 220_063 and usbp.loc["2000-03-01", "rank"] == 4
    assert cbp.records("southwest_annual", 1)["fiscal_year"].tolist() == [2023]


def test_venezuelans_in_december_2023_survive_the_coarser_release(built):
    top = cbp.top_citizenships("2023-12", 5)
    assert top["citizenship"].tolist() == ["Mexico", "Venezuela", "Guatemala", "Honduras", "Colombia"]
    assert top["encounters"].tolist() == [69_041, 57_847, 35_351, 20_949, 18_690]
    assert top["share"].iloc[1] == pytest.approx(57_847 / 301_981)
    # the state releases name the same 21 countries through November 2025 (before them, months
    # after September 2024 had only the Southwest release's five groups)
    assert cbp.last_month_with_countries() == pd.Timestamp("2025-11-01")
    aug = cbp.top_citizenships("2025-08", 5)
    assert aug["citizenship"].tolist() == ["Mexico", "Guatemala", "Honduras", "Venezuela", "El Salvador"]
    assert aug["encounters"].tolist() == [7_648, 518, 447, 192, 128]
    nov = cbp.top_citizenships("2025-11", 3)
    assert nov["encounters"].tolist() == [8_327, 913, 465]


def test_encounters_table_nationwide_and_by_demographic(built):
    enc = cbp.encounters()
    by_fy = enc.groupby("fiscal_year")["encounters"].sum()
    # nationwide: AOR releases through FY2024, then the state releases
    assert by_fy.loc[2023] == 3_201_144 and by_fy.loc[2024] == 2_901_142
    assert by_fy.loc[2025] == 691_906 and by_fy.loc[2026] == 60_926
    dec = rows(enc, month="2023-12-01", region=cbp.SOUTHWEST).groupby("demographic")["encounters"].sum()
    assert dec.to_dict() == {
        "Accompanied minors": 140,
        "Individuals in family units": 123_498,
        "Single adults": 164_881,
        "Unaccompanied children": 13_462,
    }
    t42 = enc[enc["title"] == "Title 42"]["month"]
    assert (t42.min(), t42.max()) == (pd.Timestamp("2020-03-01"), pd.Timestamp("2023-05-01"))
    assert enc["month"].min() == pd.Timestamp("2019-10-01") and enc["month"].max() == pd.Timestamp(
        "2025-11-01"
    )
    # months from a state release say what CBP did not break down
    fy25 = enc[enc["fiscal_year"] == 2025]
    assert set(fy25["component"]) == {cbp.ALL_COMPONENTS} and set(fy25["area"]) == {cbp.ALL_AREAS}
    assert set(fy25["encounter_type"]) == {cbp.ALL_TYPES}


def test_border_patrol_history(built):
    monthly = cbp.usbp_history().set_index("month")["encounters"]
    assert monthly.index[0] == pd.Timestamp("1999-10-01") and len(monthly) == 311
    assert monthly.loc["1999-10-01"] == 91_410
    annual = cbp.usbp_annual().set_index("fiscal_year")["apprehensions"]
    assert annual.index[0] == 1960 and annual.index[-1] == 2024
    assert annual.loc[1960] == 21_022 and annual.loc[2000] == 1_643_679 and annual.loc[2019] == 851_508
    assert annual.loc[2022] == 2_206_436  # the CSVs' USBP total for FY2022


def test_rebuild_equals_the_committed_tables(built):
    for name in TABLES:
        committed = REPO_DIR / "data" / "processed" / f"{name}.csv"
        assert (built / "processed" / f"{name}.csv").read_bytes() == committed.read_bytes(), name


def test_each_table_cites_the_files_its_numbers_come_from(built, mirror):
    """Table.files, checked against the data: the releases process() actually took each month
    from (encounter_owners; the release columns of cbp_southwest_monthly; the pairs in
    cbp_revisions), and the history files behind the Border Patrol series. A file only read to
    cross-check (the OHSS workbook; the state releases a later one supersedes) is cited by none."""
    releases = [
        cbp.parse_release(mirror / "cbp" / rf.name)
        for rf in cbp.SOURCE.files
        if cbp.classify(mirror / "cbp" / rf.name) == "release"
    ]
    encounters = {rel.name for rel in cbp.encounter_owners(releases).values()}
    assert set(cbp.ENCOUNTERS.files) == encounters == {cbp.AOR_MERGED_FILE, cbp.STATE_FY23_FY26_NOV_FILE}

    sw = cbp.southwest_monthly()
    from_sw = (set(sw["release"]) | set(sw["components_release"])) - {""}
    assert set(cbp.SOUTHWEST_MONTHLY.files) == from_sw

    usbp = cbp.usbp_history()
    split = sw.set_index("month")["components_release"]
    csv_months = usbp.loc[usbp["month"] >= cbp.FIRST_MONTH, "month"]
    from_usbp = {cbp.USBP_HISTORY_FILE} | set(split[csv_months])
    assert set(cbp.USBP_MONTHLY.files) == from_usbp
    assert from_usbp == {cbp.USBP_HISTORY_FILE, cbp.AOR_MERGED_FILE, cbp.SOUTHWEST_AUG_FILE}

    annual = cbp.usbp_annual()
    years = set(annual["fiscal_year"])
    month_fy = cbp.fiscal_year_of(usbp["month"])
    from_annual = {cbp.SOUTHWEST_HISTORY_FILE} if min(years) < 2000 else set()
    from_annual |= {cbp.USBP_HISTORY_FILE} if years & set(range(2000, 2020)) else set()
    from_annual |= set(split[usbp.loc[month_fy.isin(years) & (usbp["month"] >= cbp.FIRST_MONTH), "month"]])
    assert set(cbp.USBP_ANNUAL.files) == from_annual

    log = cbp.revisions()
    assert set(cbp.REVISIONS.files) == set(log["old_release"]) | set(log["new_release"])
    assert cbp.PROVISIONAL_MONTHLY.files == (cbp.DERIVED_FILE,)

    # every name a table cites is a file of the source
    declared = {rf.name for rf in cbp.SOURCE.files}
    assert all(set(t.files) <= declared for t in cbp.SOURCE.tables)


def test_r_data_copy_reads_like_the_csv(mirror):
    from_rda = cbp.parse_release(mirror / "cbp" / "cbp_resp.rda")
    from_csv = cbp.parse_release(mirror / "cbp" / "cbp_resp.csv")
    pd.testing.assert_frame_equal(from_rda.frame, from_csv.frame)


def test_a_broken_release_leaves_the_last_good_tables(built, mirror, tmp_path):
    bad_mirror = tmp_path / "mirror" / "cbp"
    bad_mirror.mkdir(parents=True)
    for rf in cbp.SOURCE.files:
        os.symlink(mirror / "cbp" / rf.name, bad_mirror / rf.name)
    name = "sbo-encounters-fy22-fy25-aug.csv"
    (bad_mirror / name).unlink()
    lines = (mirror / "cbp" / name).read_text().splitlines(keepends=True)
    lines[5] = lines[5].rsplit(",", 1)[0] + ",-7\n"
    (bad_mirror / name).write_text("".join(lines))
    base = tmp_path / "data"
    shutil.copytree(built, base, symlinks=True)
    before = {t: (base / "processed" / f"{t}.csv").read_bytes() for t in TABLES}
    report = fetch_source(cbp.SOURCE, mirror=str(bad_mirror.parent), base=base, progress=False)
    assert report.status == "failed"
    assert name in report.error and "negative" in report.error
    assert re.search(r"\n\s*6\s+2022\s", report.error), report.error
    assert {t: (base / "processed" / f"{t}.csv").read_bytes() for t in TABLES} == before


# ----------------------------------------------------------------------------- release dates


def test_newer_months_follow_their_known_release_dates():
    from datetime import date

    from migrationdata.vintages import Vintage

    sep, oct_, nov = (pd.Timestamp(m) for m in ("2025-09-01", "2025-10-01", "2025-11-01"))
    # September 2025 came out on 24 October 2025, later than CBP's usual lag would say
    assert not Vintage(date(2025, 10, 23)).published("cbp", sep)
    assert Vintage(date(2025, 10, 24)).published("cbp", sep)
    assert Vintage(None).released_on("cbp", oct_) == date(2025, 11, 15)
    assert Vintage(None).released_on("cbp", nov) == date(2025, 12, 16)
    # the third party's months follow their own lag; July 2026 was in the 22 August snapshot
    prov = Vintage(date(2026, 8, 21))
    assert prov.released_on("cbp_provisional", pd.Timestamp("2026-07-01")) == date(2026, 8, 22)
    assert not prov.published("cbp_provisional", pd.Timestamp("2026-07-01"))
    assert prov.published("cbp_provisional", pd.Timestamp("2026-06-01"))
    assert cbp.PROVISIONAL_MONTHLY.vintage == "cbp_provisional"


def test_a_damaged_third_party_file_leaves_the_last_good_tables(built, mirror, tmp_path):
    bad_mirror = tmp_path / "mirror" / "cbp"
    bad_mirror.mkdir(parents=True)
    for rf in cbp.SOURCE.files:
        if rf.name != cbp.DERIVED_FILE:
            os.symlink(mirror / "cbp" / rf.name, bad_mirror / rf.name)
    text = (mirror / "cbp" / cbp.DERIVED_FILE).read_text()
    (bad_mirror / cbp.DERIVED_FILE).write_text(text[: len(text) // 2])  # cut short
    base = tmp_path / "data"
    shutil.copytree(built, base, symlinks=True)
    before = {t: (base / "processed" / f"{t}.csv").read_bytes() for t in TABLES}
    report = fetch_source(cbp.SOURCE, mirror=str(bad_mirror.parent), base=base, progress=False)
    assert report.status == "failed"
    assert cbp.DERIVED_FILE in report.error and "not readable JSON" in report.error
    assert {t: (base / "processed" / f"{t}.csv").read_bytes() for t in TABLES} == before
