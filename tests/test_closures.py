"""The closures ledger: every row sourced, dates in order, lengths counted both ways."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from migrationdata import closures
from migrationdata.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "closures" / "closures_small.csv"


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return closures.load()


def _broken(tmp_path, old: str, new: str, source=SMALL):
    text = source.read_text(encoding="utf-8")
    assert old in text, "the fixture changed: fix the test"
    path = tmp_path / "closures.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the committed ledger


def test_every_closure_keeps_at_least_one_https_source(ledger):
    assert len(ledger) == 8
    for closure_id in ledger["id"]:
        found = closures.sources(closure_id)
        assert found, closure_id
        for src in found:
            assert src["url"].startswith("https://"), (closure_id, src)
            assert src["title"] and src["publisher"] and src["date"][:2] == "20"


def test_the_rail_closure_is_five_calendar_days_but_about_100_hours(ledger):
    rail = ledger.set_index("id").loc[["eagle-pass-rail-2023-12", "el-paso-rail-2023-12"]]
    assert rail["days_closed"].tolist() == [5, 5]
    # 08:00 CST Dec 18 to 13:00 CST Dec 22 (2 p.m. Eastern); El Paso is on Mountain time
    assert rail["hours_closed"].tolist() == [101.0, 100.0]
    summary = closures.duration("eagle-pass-rail-2023-12")["summary"]
    assert "5 calendar days" in summary and "101 hours" in summary and "4 days 5 hours" in summary


def test_lengths_of_the_other_closures(ledger):
    by_id = ledger.set_index("id")
    assert by_id.loc["eagle-pass-bridge-1-2023-11", "days_closed"] == 39
    assert by_id.loc["eagle-pass-bridge-1-2023-11", "hours_closed"] == 904.0
    assert by_id.loc["pedwest-2023-12", "hours_closed"] == 624.0
    assert by_id.loc["lukeville-2023-12", "days_closed"] == 32
    # no source gives the hour Lukeville shut, so no elapsed time is claimed
    assert math.isnan(by_id.loc["lukeville-2023-12", "hours_closed"])
    assert closures.duration("lukeville-2023-12")["hours_closed"] is None


def test_active_on_matches_cbps_list_of_22_december():
    # CBP, 22 Dec 2023: rail resumes; Bridge 1 vehicles, PedWest, Lukeville and Morley Gate
    # remain suspended. The rail bridges count on the 22nd (they reopened that afternoon).
    still = {"eagle-pass-bridge-1-2023-11", "lukeville-2023-12", "pedwest-2023-12", "morley-gate-2023-09"}
    rail = {"eagle-pass-rail-2023-12", "el-paso-rail-2023-12"}
    assert set(closures.active_on("2023-12-22")["id"]) == still | rail
    assert set(closures.active_on("2023-12-23")["id"]) == still
    assert set(closures.active_on(pd.Timestamp("2024-01-04"))["id"]) == still
    assert closures.active_on("2024-01-05").empty


def test_times_carry_their_zone(ledger):
    row = ledger.set_index("id").loc["el-paso-rail-2023-12"]
    assert row["time_zone"] == "America/Denver"
    assert row["reopened_at"] == "2023-12-22T12:00-07:00"


def test_days_closed_in_month(ledger):
    row = ledger.set_index("id").loc["eagle-pass-bridge-1-2023-11"]
    row["id"] = "eagle-pass-bridge-1-2023-11"
    assert closures.days_closed_in_month(row, pd.Timestamp("2023-11-01")) == 4
    assert closures.days_closed_in_month(row, pd.Timestamp("2023-12-01")) == 31
    assert closures.days_closed_in_month(row, pd.Timestamp("2024-01-01")) == 4
    assert closures.days_closed_in_month(row, pd.Timestamp("2024-02-01")) == 0


def test_unknown_id_names_the_known_ones():
    with pytest.raises(KeyError, match="lukeville-2023-12"):
        closures.get("no-such-closure")


# ----------------------------------------------------------------------------- the checks, on a fixture


def test_small_ledger_loads_with_an_open_ended_closure():
    df = closures.load(SMALL)
    assert df["id"].tolist() == ["rail-test", "gate-test"]
    gate = df.iloc[1]
    assert pd.isna(gate["reopened_on"]) and pd.isna(gate["days_closed"])
    assert closures.active_on("2030-01-01", SMALL)["id"].tolist() == ["gate-test"]
    assert closures.sources("gate-test", SMALL)[0]["date"] == "2024-03"


def test_a_closure_that_loses_its_sources_is_refused(tmp_path):
    path = _broken(tmp_path, "Gate shut (Test Herald; 2024-03) https://example.org/gate", "")
    with pytest.raises(DataError, match="'gate-test' has no source"):
        closures.load(path)


def test_the_committed_ledger_fails_if_a_row_loses_its_source(tmp_path):
    df = pd.read_csv(closures.ledger_path(), dtype=str, keep_default_na=False)
    df.loc[df["id"] == "lukeville-2023-12", "sources"] = ""
    path = tmp_path / "closures.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="lukeville-2023-12"):
        closures.load(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2023-12-22,2023-12-18T", "2023-12-17,2023-12-18T", "reopens .2023-12-17. before it closes"),
        (",rail,", ",railway,", "mode 'railway' is not one of"),
        ("https://example.org/shut", "http://example.org/shut", "not an https address"),
        ("(Test Herald; 2024-03)", "(Test Herald)", "cannot read the source"),
        ("2023-12-18T08:00-06:00", "2023-12-18T08:00-05:00", "daylight saving"),
        ("2023-12-18T08:00-06:00", "2023-12-18 08:00", "UTC offset"),
        ("2023-12-22T13:00-06:00", "2023-12-23T13:00-06:00", "not on reopened_on"),
        (",2604,", ",604,", "four-digit"),
        ("2024-03-01,,", "2024-13-01,,", "not a date"),
        ("America/Phoenix", "Arizona/Nogales", None),
        ("gate-test", "rail-test", "ids must be unique"),
    ],
)
def test_bad_rows_are_refused_with_a_clear_message(tmp_path, old, new, message):
    path = _broken(tmp_path, old, new)
    if message is None:
        # a zone is only checked where there is a time to check it against
        assert len(closures.load(path)) == 2
        return
    with pytest.raises(DataError, match=message):
        closures.load(path)


def test_an_unknown_zone_is_refused_where_a_time_needs_it(tmp_path):
    path = _broken(tmp_path, "America/Chicago", "Texas/Eagle_Pass")
    with pytest.raises(DataError, match="not an IANA zone"):
        closures.load(path)
