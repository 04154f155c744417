"""Honduras (INM): irregular entries, the step between the Darién and Mexico.

Figures checked against ../shared/data/honduras/PROVENANCE.md (totals computed there from the
same files). Fixtures (tests/fixtures/honduras/) are March - June 2020 of the three files,
re-saved with pyreadr: the months the border closed, when INM registered no one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pyreadr
import pytest

from migrationdata.errors import DataError
from migrationdata.fetch import fetch_source
from migrationdata.paths import REPO_DIR
from migrationdata.sources import honduras

FIXTURES = Path(__file__).parents[1] / "fixtures" / "honduras"
FILES = (honduras.TOTAL_FILE, honduras.NAT_FILE, honduras.DMG_FILE)


def test_annual_totals_match_provenance():
    annual = honduras.annual().set_index("year")
    assert annual.loc[2022, "migrants"] == 188_858
    assert annual.loc[2023, "migrants"] == 545_043
    assert annual.loc[2024, "migrants"] == 374_971
    assert annual.loc[2025, "migrants"] == 16_386
    assert not annual.loc[2025, "complete"] and annual.loc[2025, "months"] == 4
    assert annual.index.min() == 2014 and annual.loc[2014, "complete"]


def test_the_details_add_up_to_the_total_every_month():
    total = honduras.monthly().set_index("month")["migrants"]
    nat = honduras.monthly_by_nationality().groupby("month")["migrants"].sum()
    dem = honduras.demographics().groupby("month")["migrants"].sum()
    since = total[total.index >= honduras.FIRST_DETAIL]
    assert (dem == since).all()
    # April and May 2020: nobody registered, and no nationality rows
    assert since[pd.Timestamp("2020-04-01")] == 0 and since[pd.Timestamp("2020-05-01")] == 0
    assert set(since.index.difference(nat.index)) == {pd.Timestamp("2020-04-01"), pd.Timestamp("2020-05-01")}
    assert (nat == since[nat.index]).all()


def test_2023_by_nationality_adds_up():
    by = honduras.by_nationality(2023)
    assert by["migrants"].sum() == 545_043
    assert by.iloc[0]["nationality_iso3"] == "VEN"
    assert 0 < by.iloc[0]["share"] < 1


def test_inm_s_china_is_coded_twn_by_the_republisher():
    """INM reported 12,184 people from China for 2023 (EFE, 5 January 2024); the republished
    file has them under TWN (12,188, four added by later revisions) and no CHN row from 2022 to
    October 2024, so a count of China takes both codes (honduras.AS_REPORTED)."""
    df = honduras.monthly_by_nationality()
    year = df["month"].dt.year
    assert int(df.loc[(year == 2023) & (df["nationality_iso3"] == "TWN"), "migrants"].sum()) == 12_188
    chn = df[df["nationality_iso3"] == "CHN"]
    assert not ((chn["month"] >= "2022-01-01") & (chn["month"] < "2024-11-01")).any()
    assert honduras.AS_REPORTED["CHN"] == ("CHN", "TWN")
    # the loader a chart reads names them as INM does, seventh in 2023 as in INM's list
    by = honduras.by_nationality(2023)
    assert "TWN" not in set(by["nationality_iso3"]) and by["migrants"].sum() == 545_043
    china = by[by["nationality_iso3"] == "CHN"].iloc[0]
    assert (china["nationality"], china["nationality_es"], china["migrants"]) == ("China", "China", 12_188)
    assert list(by["nationality_iso3"][:8]) == ["VEN", "CUB", "HTI", "ECU", "COL", "GIN", "CHN", "SEN"]


def test_fetch_from_mirror_reproduces_committed_tables(mirror, tmp_data):
    report = fetch_source(honduras.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    for table in honduras.SOURCE.tables:
        fresh = (tmp_data / "processed" / f"{table.name}.csv").read_bytes()
        assert fresh == (REPO_DIR / "data" / "processed" / f"{table.name}.csv").read_bytes(), table.name
    t0 = time.monotonic()  # an unchanged refresh re-reads nothing it need not: under 2 s
    assert fetch_source(honduras.SOURCE, mirror=str(mirror), base=tmp_data).status == "unchanged"
    assert time.monotonic() - t0 < 2.0


def test_urls_are_pinned_to_a_commit():
    for rf in honduras.SOURCE.files:
        assert f"/{honduras.GDIDATA_COMMIT}/" in rf.url


def test_process_on_fixtures_when_the_border_was_closed(monkeypatch):
    # the fixtures start in March 2020; the series' first months are checked elsewhere
    monkeypatch.setattr(honduras, "FIRST_TOTAL", pd.Timestamp("2020-03-01"))
    monkeypatch.setattr(honduras, "FIRST_DETAIL", pd.Timestamp("2020-03-01"))
    tables = honduras.process({f: FIXTURES / f for f in FILES})
    total = tables["honduras_monthly"].set_index("month")["migrants"]
    assert total.tolist() == [1_093, 0, 0, 234]
    nat = tables["honduras_monthly_nationality"]
    assert set(nat["month"].dt.month) == {3, 6}


# --- bad input --------------------------------------------------------------------------


def _rewrite(tmp_path: Path, name: str, edit) -> dict[str, Path]:
    obj = name.removesuffix(".rda")
    df = pyreadr.read_r(str(FIXTURES / name))[obj]
    out = tmp_path / name
    pyreadr.write_rdata(str(out), edit(df.copy()), df_name=obj)
    return {f: (out if f == name else FIXTURES / f) for f in FILES}


@pytest.fixture
def from_march_2020(monkeypatch):
    monkeypatch.setattr(honduras, "FIRST_TOTAL", pd.Timestamp("2020-03-01"))
    monkeypatch.setattr(honduras, "FIRST_DETAIL", pd.Timestamp("2020-03-01"))


def test_html_page_instead_of_rda(tmp_path):
    bad = tmp_path / "irreg_honduras.rda"
    bad.write_bytes(b"<html><head><title>503</title></head></html>")
    with pytest.raises(DataError, match="not a readable R data file"):
        honduras.parse_total(bad)


def test_renamed_column(tmp_path):
    paths = _rewrite(tmp_path, honduras.DMG_FILE, lambda df: df.rename(columns={"demog": "group"}))
    with pytest.raises(DataError, match=r"columns \['demog'\] are missing"):
        honduras.parse_demographics(paths[honduras.DMG_FILE])


def test_unknown_nationality_code(tmp_path):
    def edit(df):
        df.loc[df.index[0], "nat"] = "XYZ"
        return df

    paths = _rewrite(tmp_path, honduras.NAT_FILE, edit)
    with pytest.raises(DataError, match=r"unknown nationality codes \['XYZ'\]"):
        honduras.parse_nationality(paths[honduras.NAT_FILE])


def test_details_that_disagree_with_the_total(tmp_path, from_march_2020):
    def edit(df):
        df.loc[df.index[0], "n"] = df.loc[df.index[0], "n"] + 1
        return df

    paths = _rewrite(tmp_path, honduras.DMG_FILE, edit)
    with pytest.raises(DataError, match="do not add up to the monthly total"):
        honduras.process(paths)


def test_nationality_rows_missing_for_a_month_with_entries(tmp_path, from_march_2020):
    june = float((pd.Timestamp("2020-06-01") - pd.Timestamp("1970-01-01")).days)
    paths = _rewrite(tmp_path, honduras.NAT_FILE, lambda df: df[df["t"] != june])
    with pytest.raises(DataError, match="no nationality rows for June 2020"):
        honduras.process(paths)


def test_month_withdrawn_from_the_total(tmp_path):
    april = float((pd.Timestamp("2020-04-01") - pd.Timestamp("1970-01-01")).days)
    paths = _rewrite(tmp_path, honduras.TOTAL_FILE, lambda df: df[df["t"] != april])
    with pytest.raises(DataError, match="no rows for April 2020"):
        honduras.parse_total(paths[honduras.TOTAL_FILE])
