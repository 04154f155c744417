"""Darién Gap: the story's sharpest numbers, from Panama's SNM tables.

Figures checked against ../shared/data/darien/PROVENANCE.md (independent reports quoted there).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from migrationdata.errors import DataError
from migrationdata.fetch import fetch_source
from migrationdata.sources import darien

FIXTURES = Path(__file__).parents[1] / "fixtures" / "darien"


# --- the committed tables, through the loaders --------------------------------------------


def test_annual_totals_match_snm_and_press():
    annual = darien.annual().set_index("year")
    assert annual.loc[2021, "migrants"] == 133_726
    assert annual.loc[2022, "migrants"] == 248_284
    assert annual.loc[2023, "migrants"] == 520_085
    assert annual.loc[2024, "migrants"] == 302_203
    assert annual.loc[2016, "migrants"] == 30_055
    assert annual.loc[2010:2019, "migrants"].sum() == 109_293


def test_partial_years_are_never_full_years():
    annual = darien.annual().set_index("year")
    assert annual.loc[2023, "complete"] and annual.loc[2023, "months_reported"] == 12
    # 2020: April, May and July were never published
    assert not annual.loc[2020, "complete"]
    assert annual.loc[2020, "months_reported"] == 9
    assert "April, May, July" in annual.loc[2020, "coverage"]
    # the last year in the data is partial (Jan-Apr 2025 in this vintage)
    last = annual.index.max()
    assert not annual.loc[last, "complete"]
    # annual-only years say so
    assert pd.isna(annual.loc[2015, "months_reported"])
    assert "annual total" in annual.loc[2015, "coverage"]


def test_missing_months_are_missing_not_zero():
    totals = darien.monthly_totals().set_index("month")["migrants"]
    for m in ("2020-04-01", "2020-05-01", "2020-07-01"):
        assert pd.isna(totals.loc[pd.Timestamp(m)])
    assert totals.loc[pd.Timestamp("2020-06-01")] >= 0
    assert totals.loc[pd.Timestamp("2023-08-01")] == 81_946


def test_venezuela_share_2023():
    nat = darien.by_nationality(2023)
    top = nat.iloc[0]
    assert top["nationality_iso3"] == "VEN"
    assert top["nationality"] == "Venezuela"
    assert top["nationality_es"] == "Venezuela"
    assert top["migrants"] == 328_650
    assert round(top["share"] * 100, 1) == 63.2
    assert list(nat["nationality_iso3"][:4]) == ["VEN", "ECU", "HTI", "CHN"]
    assert list(nat["migrants"][1:4]) == [57_250, 46_422, 25_565]


def test_half_million_passed_only_in_december_2023():
    cum = darien.cumulative(2023).set_index("month")["cumulative"]
    assert cum.loc[pd.Timestamp("2023-11-01")] == 495_459
    assert cum.loc[pd.Timestamp("2023-12-01")] == 520_085
    assert darien.month_passing(2023, 500_000) == pd.Timestamp("2023-12-01")


def test_children_2023():
    kids = darien.children(2023)
    assert (kids["boys"], kids["girls"], kids["minors"]) == (60_360, 52_820, 113_180)
    assert round(kids["share"] * 100, 1) == 21.8
    with pytest.raises(ValueError, match="2023"):
        darien.children(2022)


def test_non_iso_codes_are_named():
    by_year = darien.annual_by_nationality()
    names = by_year.drop_duplicates("nationality_iso3").set_index("nationality_iso3")
    assert names.loc["OOO", "nationality"] == "Other or unspecified"
    assert names.loc["XKX", "nationality"] == "Kosovo"
    assert names.loc["TIB", "nationality"] == "Tibet"
    assert not names["nationality"].str.startswith("Unrecognised").any()
    # the nationality detail of the annual-only years is kept, and adds up
    totals = by_year.groupby("year")["migrants"].sum()
    annual = darien.annual().set_index("year")["migrants"]
    assert (totals == annual.loc[totals.index]).all()
    assert by_year.query("year == 2016 and nationality_iso3 == 'CUB'")["migrants"].item() > 0


# --- the mirror, through the real fetch and parsers -------------------------------------


def test_fetch_from_mirror_reproduces_committed_tables(mirror, tmp_data):
    report = fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    committed = Path(darien.__file__).resolve().parents[3] / "data" / "processed"
    for table in darien.SOURCE.tables:
        fresh = (tmp_data / "processed" / f"{table.name}.csv").read_bytes()
        assert fresh == (committed / f"{table.name}.csv").read_bytes(), table.name
    again = fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data)
    assert again.status == "unchanged"


def test_parsers_read_the_rda_files_themselves(mirror):
    nat = darien.parse_nationality(mirror / "darien" / "irreg_darien_nat.rda")
    assert len(nat) == 2_387  # PROVENANCE row count
    assert nat.loc[nat["t"].dt.year == 2023, "n"].sum() == 520_085
    dmg = darien.parse_demographics(mirror / "darien" / "irreg_darien_dmg.rda")
    assert len(dmg) == 160


def test_each_table_declares_the_file_its_numbers_come_from(mirror):
    """tidy() reads the demographic file only to cross-check the nationality file's monthly
    totals: without it, the three nationality tables come out the same (so they cite the
    nationality file alone), and the demographic table is that file's rows, whatever the
    nationality file holds (so it cites the demographic file alone)."""
    nat = darien.parse_nationality(mirror / "darien" / darien.NAT_FILE)
    dmg = darien.parse_demographics(mirror / "darien" / darien.DMG_FILE)
    full = darien.tidy(nat.copy(), dmg.copy())
    without_dmg = darien.tidy(nat.copy(), dmg.iloc[:0].copy())
    for table in (darien.MONTHLY, darien.ANNUAL, darien.ANNUAL_NATIONALITY):
        pd.testing.assert_frame_equal(full[table.name], without_dmg[table.name])
        assert table.files == (darien.NAT_FILE,), table.name
    # the nationality file's months outside the demographic file's: no cross-check, same table
    before = nat[nat["t"] < dmg["t"].min()].copy()
    alone = darien.tidy(before, dmg.copy())[darien.DEMOGRAPHICS.name]
    pd.testing.assert_frame_equal(full[darien.DEMOGRAPHICS.name], alone)
    assert darien.DEMOGRAPHICS.files == (darien.DMG_FILE,)


# --- bad input --------------------------------------------------------------------------


def test_truncated_rda_is_a_clear_error(mirror, tmp_path):
    data = (mirror / "darien" / "irreg_darien_nat.rda").read_bytes()
    bad = tmp_path / "irreg_darien_nat.rda"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="irreg_darien_nat.rda.*(readable|truncated)"):
        darien.parse_nationality(bad)


def test_not_an_r_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "irreg_darien_nat.rda"
    bad.write_text("t,q,nat,n\n1,1,VEN,3\n")
    with pytest.raises(DataError, match="R data file"):
        darien.parse_nationality(bad)


def _frame(**overrides):
    base = {"t": [19358.0, 19358.0], "q": [19358.0, 19358.0], "nat": ["VEN", "ECU"], "n": [5.0, 7.0]}
    base.update(overrides)
    return pd.DataFrame(base)


def test_negative_count_rejected(monkeypatch, tmp_path):
    monkeypatch.setattr(darien, "read_rda", lambda *a, **k: _frame(n=[5.0, -7.0]))
    with pytest.raises(DataError, match="whole numbers"):
        darien.parse_nationality(tmp_path / "irreg_darien_nat.rda")


def test_duplicate_month_nationality_rejected(monkeypatch, tmp_path):
    monkeypatch.setattr(darien, "read_rda", lambda *a, **k: _frame(nat=["VEN", "VEN"]))
    with pytest.raises(DataError, match="repeat"):
        darien.parse_nationality(tmp_path / "irreg_darien_nat.rda")


def test_unknown_code_is_reported_not_dropped():
    nat = pd.DataFrame(
        {"t": pd.to_datetime(["2023-01-01", "2023-01-01"]), "nat": ["VEN", "QQQ"], "n": [5, 7]}
    )
    dmg = pd.DataFrame({"t": pd.to_datetime(["2023-01-01"]), "demog": ["men"], "n": [12]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = darien.tidy(nat, dmg)
    assert any("QQQ" in str(w.message) for w in caught)
    monthly = tables["darien_monthly"].set_index("nationality_iso3")
    assert monthly.loc["QQQ", "nationality"] == "Unrecognised code QQQ"
    assert monthly.loc["QQQ", "migrants"] == 7


# --- Panama's open-data portal CSV layout ----------------------------------------------


def test_portal_csv_layout():
    data = (FIXTURES / "portal_por_pais_2022.csv").read_bytes()
    assert b"\xa1" in data  # written in the DOS code page, as the portal serves it
    df = darien.parse_portal_csv(data, 2022, "portal_por_pais_2022.csv")
    by = df.groupby("nationality_iso3")["migrants"].sum()
    assert by["VEN"] == 150_327
    assert by["HTI"] == 22_435
    assert by["TJK"] == 195
    assert set(df["nationality_es"]) >= {"Haití", "Perú", "Venezuela", "Tayikistán"}
    tajik = df[df["nationality_iso3"] == "TJK"].set_index("month")["migrants"]
    assert (tajik == 0).sum() == 2  # "-" means zero
    assert len(df) == 12 * 5


def test_portal_csv_total_mismatch_is_an_error():
    data = (FIXTURES / "portal_por_pais_2022.csv").read_bytes().replace(b"150,327", b"150,328")
    with pytest.raises(DataError, match="Total says 150,328"):
        darien.parse_portal_csv(data, 2022, "portal.csv")
