"""US-Mexico goods trade: TransBorder by mode, Census totals by API, the loaders' figures."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from migrationdata import processed
from migrationdata.catalog import RemoteFile
from migrationdata.errors import DataError
from migrationdata.fetch import fetch_source
from migrationdata.paths import REPO_DIR
from migrationdata.sources import trade

FIXTURES = Path(__file__).parents[1] / "fixtures"
TB = FIXTURES / "trade" / "transborder_small.csv"
EXPORTS = FIXTURES / "trade" / "census_exports_mexico.json"
IMPORTS = FIXTURES / "trade" / "census_imports_mexico.json"
COMMITTED = REPO_DIR / "data" / "processed" / "trade_us_mexico_monthly.csv"


def _table(paths: dict) -> pd.DataFrame:
    return trade.process(paths)[trade.MONTHLY.name].set_index("month")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- fixtures


def test_transborder_sums_every_mode_and_keeps_rail_and_truck():
    df = _table({trade.TRANSBORDER_FILE: TB})
    assert df.index.tolist() == [
        pd.Timestamp("2019-01-01"),
        pd.Timestamp("2019-02-01"),
    ]  # 2018 and Canada out
    jan, feb = df.iloc[0], df.iloc[1]
    assert (jan["exports_usd"], jan["imports_usd"], jan["total_usd"]) == (750, 925, 1675)
    assert (jan["rail_usd"], jan["truck_usd"]) == (300, 1300)
    assert (feb["exports_usd"], feb["imports_usd"], feb["rail_usd"], feb["truck_usd"]) == (
        740,
        960,
        300,
        1330,
    )
    trade.MONTHLY.schema().validate(df.reset_index())


def test_census_totals_replace_transborder_and_rail_waits_for_transborder():
    df = _table(
        {trade.TRANSBORDER_FILE: TB, trade.CENSUS_EXPORTS_FILE: EXPORTS, trade.CENSUS_IMPORTS_FILE: IMPORTS}
    )
    assert df["exports_usd"].tolist() == [752, 741, 760]
    assert df["imports_usd"].tolist() == [925, 960, 980]
    assert df["total_usd"].tolist() == [1677, 1701, 1740]
    assert df["rail_usd"].iloc[:2].tolist() == [300, 300]
    assert pd.isna(df.loc[pd.Timestamp("2019-03-01"), "rail_usd"])  # not published by TransBorder yet


def test_census_array_of_arrays_with_the_repeated_predicate_column():
    df = trade.parse_census(EXPORTS, "ALL_VAL_MO")
    assert df["value"].tolist() == [752, 741, 760]
    assert df["month"].dt.strftime("%Y-%m").tolist() == ["2019-01", "2019-02", "2019-03"]


def test_census_and_transborder_far_apart_is_reported(tmp_path):
    data = json.loads(EXPORTS.read_text())
    data[1][2] = "900"  # 20% above TransBorder's January
    path = _write(tmp_path, trade.CENSUS_EXPORTS_FILE, json.dumps(data))
    with pytest.warns(UserWarning, match="differ by more than 1% in 2019-01"):
        _table(
            {trade.TRANSBORDER_FILE: TB, trade.CENSUS_EXPORTS_FILE: path, trade.CENSUS_IMPORTS_FILE: IMPORTS}
        )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d[1].__setitem__(0, "1220"), "countries other than Mexico"),
        (lambda d: d[1].__setitem__(2, "7.5e2"), "whole dollars"),
        (lambda d: d[1].__setitem__(3, "Jan 2019"), "time must be YYYY-MM"),
        (lambda d: d[0].__setitem__(2, "VAL"), r"\['ALL_VAL_MO'\] are missing"),
        (lambda d: d.append(list(d[1])), "a month appears twice"),
        (lambda d: d[2].pop(), "row 3 has 4 values for 5 fields"),
    ],
)
def test_bad_census_answers_are_refused(tmp_path, edit, message):
    data = json.loads(EXPORTS.read_text())
    edit(data)
    path = _write(tmp_path, "census.json", json.dumps(data))
    with pytest.raises(DataError, match=message):
        trade.parse_census(path, "ALL_VAL_MO")


def test_census_error_page_is_refused(tmp_path):
    path = _write(tmp_path, "census.json", "error: unknown variable 'ALL_VAL_MO'")
    with pytest.raises(DataError, match="not JSON"):
        trade.parse_census(path, "ALL_VAL_MO")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Mexico,Rail,Export,100.0", "Mexico,Railway,Export,100.0", r"unknown modes \['Railway'\]"),
        ("Mexico,Rail,Export,100.0", "Mexico,Rail,Export,-100.0", "whole dollars"),
        ("2019,2,Mexico,Truck,Export", "2019,13,Mexico,Truck,Export", "Month 1 to 12"),
        ("TradeValue", "Value", r"\['TradeValue'\] are missing"),
        (
            "2019,2,Mexico,Rail,Import,210.0",
            "2019,2,Mexico,Rail,Export,210.0",
            "repeat a month, mode and direction",
        ),
    ],
)
def test_bad_transborder_is_refused(tmp_path, old, new, message):
    text = TB.read_text(encoding="utf-8")
    assert old in text
    path = _write(tmp_path, trade.TRANSBORDER_FILE, text.replace(old, new, 1))
    with pytest.raises(DataError, match=message):
        trade.parse_transborder(path)


def test_live_refresh_asks_census_for_mexico_and_stages_both_answers(httpserver, tmp_path):
    httpserver.expect_request("/monthly_trends.csv").respond_with_data(
        TB.read_bytes(), content_type="text/csv"
    )
    seen = {}
    for path, fixture in (("/exports/hs", EXPORTS), ("/imports/hs", IMPORTS)):
        seen[path] = []

        def answer(request, path=path, fixture=fixture):
            from werkzeug import Response

            seen[path].append(request.args.to_dict())
            return Response(fixture.read_bytes(), content_type="application/json")

        httpserver.expect_request(path).respond_with_handler(answer)
    tb = RemoteFile(trade.TRANSBORDER_FILE, httpserver.url_for("/monthly_trends.csv"), "csv", 10_000_000)
    source = replace(
        trade.SOURCE,
        download=partial(
            trade.download_from,
            exports_url=httpserver.url_for("/exports/hs"),
            imports_url=httpserver.url_for("/imports/hs"),
            transborder=tb,
            last_month="2019-03",
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Census and TransBorder agree within 1% here
        report = fetch_source(source, base=tmp_path)
    assert report.status == "updated", report.error
    assert seen["/exports/hs"] == [
        {"get": "CTY_CODE,CTY_NAME,ALL_VAL_MO", "CTY_CODE": "2010", "time": "from 2019-01 to 2019-03"}
    ]
    assert seen["/imports/hs"][0]["get"] == "CTY_CODE,CTY_NAME,GEN_VAL_MO"
    for name in (trade.TRANSBORDER_FILE, trade.CENSUS_EXPORTS_FILE, trade.CENSUS_IMPORTS_FILE):
        assert (tmp_path / "raw" / "trade" / name).exists()
    df = processed.read(trade.MONTHLY.name, tmp_path)
    assert df["total_usd"].tolist() == [1677, 1701, 1740]


# ----------------------------------------------------------------------------- the mirror


@pytest.fixture(scope="module")
def mirror_table(mirror) -> pd.DataFrame:
    return _table({trade.TRANSBORDER_FILE: mirror / "trade" / trade.TRANSBORDER_FILE})


def test_2023_trade_with_mexico_is_798_8_billion(mirror_table):
    y2023 = mirror_table[mirror_table.index.year == 2023]
    assert len(y2023) == 12
    # PROVENANCE: exports $323.23B, imports $475.61B, total $798.83B (Census: $323.2B + $475.6B)
    assert round(y2023["exports_usd"].sum() / 1e9, 2) == 323.23
    assert round(y2023["imports_usd"].sum() / 1e9, 2) == 475.61
    assert round(y2023["total_usd"].sum() / 1e9, 2) == 798.83


def test_monthly_figures_match_the_press_checks(mirror_table):
    def total(month):
        return round(mirror_table.loc[pd.Timestamp(month), "total_usd"] / 1e9, 2)

    assert total("2023-01-01") == 63.94
    assert total("2024-01-01") == 64.52
    assert total("2024-03-01") == 68.46
    assert total("2024-06-01") == 69.93
    assert round(mirror_table.loc["2024-01-01":"2024-06-01", "total_usd"].sum() / 1e9, 2) == 415.38


def test_mirror_table_equals_the_derived_file_in_the_mirror(mirror, mirror_table):
    derived = pd.read_csv(mirror / "trade" / "us_mexico_goods_trade_monthly_2019_2024.csv")
    derived.index = pd.to_datetime(dict(year=derived["year"], month=derived["month"], day=1))
    ours = mirror_table.loc[derived.index]
    assert (ours["exports_usd"] == derived["us_exports_to_mexico_usd"]).all()
    assert (ours["imports_usd"] == derived["us_imports_from_mexico_usd"]).all()
    assert (ours["total_usd"] == derived["total_trade_usd"]).all()
    assert (ours["rail_usd"] == derived["rail_exports_usd"] + derived["rail_imports_usd"]).all()
    assert (ours["truck_usd"] == derived["truck_exports_usd"] + derived["truck_imports_usd"]).all()


def test_fetch_from_the_mirror_reproduces_the_committed_table(mirror, tmp_data):
    report = fetch_source(trade.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    assert (tmp_data / "processed" / COMMITTED.name).read_bytes() == COMMITTED.read_bytes()


# ----------------------------------------------------------------------------- loaders (committed table)


def test_annual_2023():
    y = trade.annual(2023)
    assert (y["exports_usd"], y["imports_usd"], y["total_usd"]) == (
        323_227_913_110,
        475_606_741_986,
        798_834_655_096,
    )
    assert y["months"] == 12 and y["complete"]
    assert round(y["rail_share"], 3) == 0.119  # about one dollar in eight moves by rail
    assert round(y["truck_share"], 3) == 0.702
    with pytest.raises(KeyError, match="no trade figures for 2030"):
        trade.annual(2030)


def test_rail_daily_value_december_2023():
    d = trade.rail_daily_value("2023-12")
    # PROVENANCE: December 2023 rail exports $2.39B, imports $4.82B
    assert d["rail_usd"] == 7_208_156_527
    assert d["days"] == 31
    assert round(d["per_day_usd"] / 1e6, 1) == 232.5
