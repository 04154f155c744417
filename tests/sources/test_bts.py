"""BTS border crossings: the export and the API give one table; quirks and bad input handled.

The live path is tested against a small Socrata look-alike on a loopback server that applies
``$where``, ``$select``, ``$group``, ``$order``, ``$limit`` and ``$offset`` the way the real
API does, fed either by a hand-written fixture or by the mirror's full export.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from werkzeug import Response

from migrationdata import crossings, processed
from migrationdata.errors import DataError
from migrationdata.fetch import fetch_source
from migrationdata.paths import REPO_DIR
from migrationdata.sources import bts

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXPORT = FIXTURES / "bts" / "export_small.csv"
COMMITTED = REPO_DIR / "data" / "processed" / "crossings_us_mexico.csv"


def _process(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bts.process({bts.EXPORT_FILE: path})[bts.CROSSINGS.name]


def _value(df: pd.DataFrame, port: str, month: str, measure: str):
    hit = df[(df["port"] == port) & (df["month"] == pd.Timestamp(month)) & (df["measure"] == measure)]
    assert len(hit) == 1, (port, month, measure, hit)
    return hit["value"].iloc[0]


def _broken(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = EXPORT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / bts.EXPORT_FILE
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- a Socrata look-alike


def api_rows(export: Path) -> pd.DataFrame:
    """The export's rows as the API holds them: snake_case fields, floating timestamps."""
    df = pd.read_csv(export, dtype=str, keep_default_na=False)
    df = df.rename(columns={k: k.lower().replace(" ", "_") for k in df.columns})
    uniq = df["date"].unique()
    iso = pd.to_datetime(pd.Series(uniq), format="%b %Y").dt.strftime("%Y-%m-%dT00:00:00.000")
    df["date"] = df["date"].map(dict(zip(uniq, iso, strict=True)))
    return df.reset_index(drop=True)  # the index stands in for :id


def _apply_where(df: pd.DataFrame, where: str) -> pd.DataFrame:
    for cond in where.split(" AND "):
        if m := re.fullmatch(r"(\w+) = '(.*)'", cond):
            df = df[df[m[1]] == m[2]]
        elif m := re.fullmatch(r"(\w+) >= '(.*)'", cond):
            df = df[pd.to_datetime(df[m[1]]) >= pd.Timestamp(m[2])]
        elif m := re.fullmatch(r"(\w+) in \((.*)\)", cond):
            df = df[df[m[1]].isin(re.findall(r"'((?:[^']|'')*)'", m[2]))]
        else:
            raise AssertionError(f"the look-alike does not understand {cond!r}")
    return df


def _csv(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    frame.to_csv(out, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n")
    return out.getvalue().encode("utf-8")


class SocrataLookAlike:
    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows
        self.requests: list[dict] = []
        self.bytes_served = 0

    def __call__(self, request):
        args = request.args.to_dict()
        self.requests.append(args)
        df = _apply_where(self.rows, args.get("$where", ""))
        if "$group" in args:
            assert args["$select"] == "measure, count(*) AS n"
            out = df.groupby(args["$group"]).size().rename("n").reset_index()
            body = _csv(out.sort_values("measure"))
        else:
            if args.get("$order") != ":id":
                return Response("paging needs a stable $order", status=400)
            limit, offset = int(args.get("$limit", 1000)), int(args.get("$offset", 0))
            fields = args["$select"].split(",")
            body = _csv(df[fields].iloc[offset : offset + limit])
        self.bytes_served += len(body)
        return Response(body, content_type="text/csv; charset=utf-8")


def live_source(httpserver, rows: pd.DataFrame, page_size: int):
    api = SocrataLookAlike(rows)
    httpserver.expect_request("/resource/keg4-3bc2.csv").respond_with_handler(api)
    endpoint = httpserver.url_for("/resource/keg4-3bc2.csv")
    source = replace(bts.SOURCE, download=partial(bts.download_from, endpoint=endpoint, page_size=page_size))
    return source, api


# ----------------------------------------------------------------------------- parsing the export


def test_fixture_export_gives_the_expected_table():
    with pytest.warns(UserWarning, match="dropped 1 rows that repeat"):
        df = bts.process({bts.EXPORT_FILE: EXPORT})[bts.CROSSINGS.name]
    assert list(df.columns) == ["month", "port", "port_code", "state", "measure", "value"]
    # Canada and December 2018 are left out; the repeated row is dropped; a gap is added
    assert len(df) == 15
    assert set(df["port_code"]) == {"2303", "2504", "2602", "2606"}
    assert df["month"].min() == pd.Timestamp("2021-02-01")
    assert _value(df, "Eagle Pass", "2023-12-01", "Personal Vehicles") == 900
    assert pd.isna(_value(df, "San Ysidro", "2024-01-01", "Pedestrians"))  # missing, not zero
    # the known Sasabe conflict (0 and 2,175) is published as missing
    assert pd.isna(_value(df, "Sasabe", "2021-02-01", "Bus Passengers"))
    assert _value(df, "Sasabe", "2021-02-01", "Personal Vehicles") == 40
    bts.CROSSINGS.schema().validate(df)


@pytest.mark.parametrize(
    ("old", "new", "count", "message"),
    [
        (",Trains,200,", ",Freight Trains,200,", 1, r"unknown measure names \['Freight Trains'\]"),
        (",0104,", ",104,", 1, "lost their leading zeros"),
        (",Nov 2023,", ",November 2023,", 1, "cannot be read as a month"),
        (",Nov 2023,", ",2023-11,", 1, "'Dec 2023'"),
        (",Pedestrians,480,", ",Pedestrians,-480,", 1, "whole numbers"),
        (",Pedestrians,480,", ",Pedestrians,4.8e2,", 1, "whole numbers"),
        (",2175,", ",999,", 1, "conflicting values"),
        ("Port Code,", "Port,", 1, r"\['Port Code'\] are missing"),
    ],
)
def test_bad_export_is_refused(tmp_path, old, new, count, message):
    path = _broken(tmp_path, old, new, count)
    with pytest.raises(DataError, match=message):
        _process(path)


def test_an_unexplained_conflict_lists_its_rows(tmp_path):
    text = EXPORT.read_text(encoding="utf-8") + (
        "Lukeville,Arizona,2602,US-Mexico Border,Dec 2023,Personal Vehicles,31,31.880,-112.817,POINT (0 0)\n"
    )
    path = tmp_path / bts.EXPORT_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="1 port/month/measure keys") as exc:
        _process(path)
    assert "Lukeville" in str(exc.value) and "31" in str(exc.value)


def test_a_correction_that_no_longer_applies_is_reported(tmp_path):
    path = _broken(tmp_path, ",Bus Passengers,2175,", ",Bus Passengers,0,")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = bts.process({bts.EXPORT_FILE: path})[bts.CROSSINGS.name]
    assert any("no longer matches the file" in str(w.message) for w in caught)
    assert _value(df, "Sasabe", "2021-02-01", "Bus Passengers") == 0


# ----------------------------------------------------------------------------- the live query


def test_where_clause_filters_border_date_and_measure():
    where = bts.where_clause()
    assert where.startswith("border = 'US-Mexico Border' AND date >= '2019-01-01T00:00:00' AND measure in (")
    assert where.count("'") == 2 * (2 + len(bts.MEASURES))
    params = bts.query_params(offset=20_000, page_size=10_000)
    assert params["$select"] == "port_name,state,port_code,border,date,measure,value"
    assert (params["$order"], params["$limit"], params["$offset"]) == (":id", "10000", "20000")


@pytest.mark.parametrize(("page_size", "pages"), [(4, 5), (5, 4), (100, 1)])
def test_api_pages_give_the_same_table_as_the_export(httpserver, tmp_path, page_size, pages):
    source, api = live_source(httpserver, api_rows(EXPORT), page_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = fetch_source(source, base=tmp_path)
    assert report.status == "updated", report.error
    # one count by measure, then pages at offsets 0, page_size, ... until a short page
    assert api.requests[0]["$group"] == "measure"
    offsets = [int(r["$offset"]) for r in api.requests[1:]]
    assert offsets == [i * page_size for i in range(pages)]
    assert all(r["$limit"] == str(page_size) for r in api.requests[1:])
    staged = tmp_path / "raw" / "bts" / bts.API_FILE
    assert staged.read_text(encoding="utf-8").count("\n") == 1 + 16  # header + every row served
    live = processed.read(bts.CROSSINGS.name, tmp_path)
    pd.testing.assert_frame_equal(live, _process(EXPORT).pipe(_as_stored, tmp_path / "mirror"))


def _as_stored(df: pd.DataFrame, where: Path) -> pd.DataFrame:
    """A frame as the processed table reads it back (sorted, typed)."""
    table = processed.validate(bts.CROSSINGS, df)
    path = where / "processed" / f"{bts.CROSSINGS.name}.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(processed.render(bts.CROSSINGS, table))
    return processed.read(bts.CROSSINGS.name, where)


def test_api_with_an_unknown_measure_fails_and_keeps_the_last_good_table(httpserver, tmp_path):
    source, _ = live_source(httpserver, api_rows(EXPORT), 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fetch_source(source, base=tmp_path).status == "updated"
    table = tmp_path / "processed" / f"{bts.CROSSINGS.name}.csv"
    before = table.read_bytes()
    httpserver.clear()
    rows = api_rows(EXPORT)
    rows.loc[rows["measure"] == "Trains", "measure"] = "Freight Trains"
    source, _ = live_source(httpserver, rows, 100)
    report = fetch_source(source, base=tmp_path)
    assert report.status == "failed"
    assert "measures we do not know" in report.error and "Freight Trains" in report.error
    assert table.read_bytes() == before


def test_export_with_lost_zeros_fails_and_keeps_the_last_good_table(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "bts").mkdir(parents=True)
    (mirror / "bts" / bts.EXPORT_FILE).write_bytes(EXPORT.read_bytes())
    base = tmp_path / "data"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fetch_source(bts.SOURCE, mirror=str(mirror), base=base).status == "updated"
    table = base / "processed" / f"{bts.CROSSINGS.name}.csv"
    before = table.read_bytes()
    _broken(mirror / "bts", ",0104,", ",104,").replace(mirror / "bts" / bts.EXPORT_FILE)
    report = fetch_source(bts.SOURCE, mirror=str(mirror), base=base)
    assert report.status == "failed"
    assert "lost their leading zeros" in report.error
    assert table.read_bytes() == before


# ----------------------------------------------------------------------------- the mirror


@pytest.fixture(scope="module")
def mirror_table(mirror) -> pd.DataFrame:
    return _process(mirror / "bts" / bts.EXPORT_FILE)


def test_mirror_rows_match_provenance(mirror):
    raw = bts.parse_export(mirror / "bts" / bts.EXPORT_FILE)
    # PROVENANCE: 14,267 US-Mexico rows from 2019 on, 28 ports; 12 measures
    assert len(raw) == 14_267
    assert raw["port_code"].nunique() == 28
    assert set(raw["measure"]) == set(bts.MEASURES)


def test_mirror_table_handles_the_known_quirks(mirror_table):
    df = mirror_table
    # 14,267 rows - 6 exact repeats - 1 of the Sasabe pair + 429 months with no row
    assert len(df) == 14_689
    assert int(df["value"].isna().sum()) == 430
    jan = df[(df["month"] == pd.Timestamp("2024-01-01")) & (df["measure"] == "Pedestrians")]
    missing = set(jan.loc[jan["value"].isna(), "port"])
    assert missing == {
        "Andrade",
        "Calexico",
        "Calexico East",
        "Otay Mesa",
        "Rio Grande City",
        "Roma",
        "San Ysidro",
        "Tecate",
    }
    assert _value(df, "Lukeville", "2023-11-01", "Personal Vehicles") == 34_361
    assert _value(df, "Lukeville", "2023-12-01", "Personal Vehicles") == 3_966
    assert _value(df, "Eagle Pass", "2023-12-01", "Trains") == 237
    assert _value(df, "El Paso", "2023-12-01", "Trains") == 111
    assert _value(df, "Eagle Pass", "2023-12-01", "Rail Containers Loaded") == 13_612
    assert _value(df, "El Paso", "2023-12-01", "Rail Containers Empty") == 8_184


def test_fetch_from_the_mirror_reproduces_the_committed_table(mirror, tmp_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = fetch_source(bts.SOURCE, mirror=str(mirror), base=tmp_data)
    assert report.status == "updated", report.error
    rebuilt = tmp_data / "processed" / f"{bts.CROSSINGS.name}.csv"
    assert rebuilt.read_bytes() == COMMITTED.read_bytes()


def test_live_style_query_on_the_mirror_matches_and_is_small(mirror, httpserver, tmp_path, capsys):
    export = mirror / "bts" / bts.EXPORT_FILE
    source, api = live_source(httpserver, api_rows(export), bts.PAGE_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = fetch_source(source, base=tmp_path)
    assert report.status == "updated", report.error
    assert len(api.requests) == 1 + 2  # the measure count, then 10,000 + 4,267 rows
    rebuilt = tmp_path / "processed" / f"{bts.CROSSINGS.name}.csv"
    assert rebuilt.read_bytes() == COMMITTED.read_bytes()
    full = export.stat().st_size
    # the filtered pages are a few percent of the 46 MB export
    assert 1_000_000 < api.bytes_served < 2_000_000
    assert api.bytes_served < full / 20
    with capsys.disabled():
        print(f"\n  BTS live-style query: {api.bytes_served:,} bytes served vs {full:,} for the full export")


# ----------------------------------------------------------------------------- loaders (committed table)


def test_port_series_from_the_committed_table():
    s = crossings.port("Lukeville", "personal vehicles").set_index("month")["value"]
    assert s[pd.Timestamp("2023-11-01")] == 34_361
    assert s[pd.Timestamp("2023-12-01")] == 3_966
    assert s[pd.Timestamp("2024-01-01")] == 17_919
    by_code = crossings.port("2504", "Pedestrians").set_index("month")["value"]
    assert pd.isna(by_code[pd.Timestamp("2024-01-01")])
    with pytest.raises(ValueError, match="unknown measure"):
        crossings.port("Lukeville", "Camels")
    with pytest.raises(ValueError, match="no US-Mexico port 'Toronto'"):
        crossings.port("Toronto", "Trains")


def test_around_lukeville_shows_the_fall():
    a = crossings.around("lukeville-2023-12")
    pv = a[a["measure"] == "Personal Vehicles"].set_index("month")
    dec = pv.loc[pd.Timestamp("2023-12-01")]
    assert dec["value"] == 3_966 and dec["value_before"] == 34_361
    assert dec["month_before_closure"] == pd.Timestamp("2023-11-01")
    assert round(dec["pct_vs_before"], 1) == -88.5
    assert dec["days_closed"] == 28
    assert set(a["measure"]) == {"Personal Vehicles", "Personal Vehicle Passengers", "Pedestrians", "Trucks"}


def test_around_the_rail_closure_shows_hardly_any_monthly_change():
    for closure_id, trains, before, year_earlier in (
        ("eagle-pass-rail-2023-12", 237, 215, 227),
        ("el-paso-rail-2023-12", 111, 114, 109),
    ):
        a = crossings.around(closure_id)
        assert a["month"].unique().tolist() == [pd.Timestamp("2023-12-01")]
        row = a[a["measure"] == "Trains"].iloc[0]
        assert (row["value"], row["value_before"], row["value_year_earlier"]) == (
            trains,
            before,
            year_earlier,
        )
        assert (row["days_closed"], row["days_in_month"]) == (5, 31)
        # five days shut, yet December's train count is within 11% of November's and of a year earlier
        assert abs(row["pct_vs_before"]) < 11 and abs(row["pct_vs_year_earlier"]) < 5
        assert "5 of 31 days in December 2023" in a.attrs["note"]


def test_around_marks_missing_months():
    a = crossings.around("pedwest-2023-12")
    jan = a[a["month"] == pd.Timestamp("2024-01-01")].iloc[0]
    assert pd.isna(jan["value"]) and pd.isna(jan["pct_vs_before"])
    assert "missing, not zero" in a.attrs["note"]
