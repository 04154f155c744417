"""Mexico's enforcement (UPM): events of foreigners in an irregular situation, and returns.

Figures checked against ../shared/data/mexico/PROVENANCE.md (totals computed there from the
same files) and UPM's annual bulletin for 2024 as PROVENANCE quotes it (1,234,698 events).
Fixtures (tests/fixtures/mexico/) are November 2023 - January 2024 of the three files, re-saved
with pyreadr.
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
from migrationdata.sources import mexico

FIXTURES = Path(__file__).parents[1] / "fixtures" / "mexico"


# --- the committed tables, through the loaders --------------------------------------------


def test_annual_events_match_provenance():
    annual = mexico.annual().set_index("year")
    assert annual.loc[2022, "events"] == 441_409
    assert annual.loc[2023, "events"] == 778_907
    assert annual.loc[2024, "events"] == 1_231_320
    assert annual.loc[2025, "events"] == 108_489
    assert annual.loc[2024, "complete"] and not annual.loc[2025, "complete"]
    assert annual.loc[2025, "months"] == 4  # January to April 2025


def test_2024_against_upm_annual_bulletin():
    # the monthly tables and the annual bulletin are revised separately: close, not equal
    by_nat = mexico.annual().set_index("year").loc[2024, "events"]
    dem = mexico.demographics()
    by_sex_age = int(dem.loc[dem["month"].dt.year == 2024, "events"].sum())
    assert by_sex_age == 1_230_126
    for figure in (by_nat, by_sex_age):
        assert figure != mexico.UPM_ANNUAL_2024
        assert abs(figure - mexico.UPM_ANNUAL_2024) / mexico.UPM_ANNUAL_2024 < 0.005


def test_sex_and_age_add_up_to_nationality_outside_2024():
    nat = mexico.monthly_totals().set_index("month")["events"]
    dem = mexico.demographics().groupby("month")["events"].sum()
    diff = (dem - nat).loc[lambda s: s != 0]
    assert set(diff.index.year) == {2024}  # only 2024 was revised apart


def test_returns_by_year_and_type():
    ret = mexico.returns_annual().set_index("year")
    assert ret.loc[2023, "total"] == 54_728
    assert ret.loc[2024, "total"] == 20_834
    # deportations are a small part: most returns are "assisted" (adults and children)
    assert ret.loc[2023, "deportation"] == 3_626
    assert ret.loc[2023, "assisted_return"] == 43_437 + 7_665
    assert (ret["deportation"] + ret["assisted_return"] == ret["total"]).all()
    assert ret.index.min() == 2015 and not ret.loc[2025, "complete"]


def test_venezuelans_lead_in_december_2023_and_2024():
    dec = mexico.by_nationality("2023-12", "2023-12")
    assert list(dec["nationality_iso3"][:3]) == ["VEN", "HND", "ECU"]
    assert dec.iloc[0]["events"] == 28_132
    year = mexico.by_nationality("2024-01", "2024-12")
    assert year.iloc[0]["nationality"] == "Venezuela" and year.iloc[0]["events"] == 361_203


def test_stateless_code_is_named():
    names = mexico.monthly().drop_duplicates("nationality_iso3").set_index("nationality_iso3")
    assert names.loc["STL", "nationality"] == "Stateless"
    assert names.loc["STL", "nationality_es"] == "Apátrida"


# --- the mirror, through the real fetch and parsers -------------------------------------


def test_fetch_from_mirror_reproduces_committed_tables(mirror, tmp_data):
    report = fetch_source(mexico.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    for table in mexico.SOURCE.tables:
        fresh = (tmp_data / "processed" / f"{table.name}.csv").read_bytes()
        assert fresh == (REPO_DIR / "data" / "processed" / f"{table.name}.csv").read_bytes(), table.name
    t0 = time.monotonic()
    again = fetch_source(mexico.SOURCE, mirror=str(mirror), base=tmp_data)
    assert again.status == "unchanged" and time.monotonic() - t0 < 2.0


def test_urls_are_pinned_to_a_commit():
    for rf in mexico.SOURCE.files:
        assert f"/{mexico.GDIDATA_COMMIT}/" in rf.url and "/main/" not in rf.url
    assert mexico.SOURCE.landing_page.startswith("https://portales.segob.gob.mx/")


def test_parsers_on_fixtures():
    nat = mexico.parse_nationality(FIXTURES / "irreg_mexico_nat.rda")
    # Guinea appears twice in each month of the fixture (two of UPM's lines on one code): added up
    gin = nat[nat["nationality_iso3"] == "GIN"].set_index("month")["events"]
    assert gin[pd.Timestamp("2023-11-01")] == 1_946 + 5
    assert nat.groupby("month")["events"].sum().tolist() == [97_204, 94_816, 113_347]
    dmg = mexico.parse_demographics(FIXTURES / "irreg_mexico_dmg.rda")
    assert len(dmg) == 3 * 8
    ret = mexico.parse_returns(FIXTURES / "irreg_mexico_exp.rda")
    assert set(ret["return_type"]) <= set(mexico.RETURN_TYPES)


# --- bad input --------------------------------------------------------------------------


def _rewrite(tmp_path: Path, name: str, edit) -> Path:
    obj = name.removesuffix(".rda")
    df = pyreadr.read_r(str(FIXTURES / name))[obj]
    out = tmp_path / name
    pyreadr.write_rdata(str(out), edit(df.copy()), df_name=obj)
    return out


def test_html_page_instead_of_rda(tmp_path):
    bad = tmp_path / "irreg_mexico_nat.rda"
    bad.write_text("<!doctype html><html><body>Mantenimiento</body></html>")
    with pytest.raises(DataError, match="irreg_mexico_nat.rda: not a readable R data file"):
        mexico.parse_nationality(bad)


def test_truncated_rda(tmp_path):
    data = (FIXTURES / "irreg_mexico_exp.rda").read_bytes()
    bad = tmp_path / "irreg_mexico_exp.rda"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated"):
        mexico.parse_returns(bad)


def test_renamed_column(tmp_path):
    bad = _rewrite(tmp_path, "irreg_mexico_nat.rda", lambda df: df.rename(columns={"n": "count"}))
    with pytest.raises(DataError, match=r"columns \['n'\] are missing"):
        mexico.parse_nationality(bad)


def test_unknown_nationality_code(tmp_path):
    def edit(df):
        df.loc[df.index[0], "nat"] = "QQQ"
        return df

    bad = _rewrite(tmp_path, "irreg_mexico_exp.rda", edit)
    with pytest.raises(DataError, match=r"unknown nationality codes \['QQQ'\]"):
        mexico.parse_returns(bad)


def test_a_name_where_a_code_should_be(tmp_path):
    def edit(df):
        df.loc[df.index[0], "nat"] = "Venezuela"
        return df

    bad = _rewrite(tmp_path, "irreg_mexico_nat.rda", edit)
    with pytest.raises(DataError, match="three capital letters"):
        mexico.parse_nationality(bad)


def test_repeated_row_outside_the_known_repeats(tmp_path):
    def edit(df):
        return pd.concat([df, df[df["nat"] == "VEN"].head(1)], ignore_index=True)

    bad = _rewrite(tmp_path, "irreg_mexico_nat.rda", edit)
    with pytest.raises(DataError, match="repeat a month and nationality"):
        mexico.parse_nationality(bad)


def test_month_withdrawn_from_the_middle(tmp_path):
    dec = float((pd.Timestamp("2023-12-01") - pd.Timestamp("1970-01-01")).days)
    bad = _rewrite(tmp_path, "irreg_mexico_dmg.rda", lambda df: df[df["t"] != dec])
    with pytest.raises(DataError, match="no rows for December 2023"):
        mexico.parse_demographics(bad)


def test_unknown_age_group(tmp_path):
    def edit(df):
        df["age"] = df["age"].astype(str)
        df.loc[df.index[0], "age"] = "0-11"
        return df

    bad = _rewrite(tmp_path, "irreg_mexico_dmg.rda", edit)
    with pytest.raises(DataError, match="unknown age_group"):
        mexico.parse_demographics(bad)
