"""Processed tables: described by a valid Data Package, documented, read back with types."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from migrationdata import processed
from migrationdata.catalog import all_sources
from migrationdata.paths import REPO_DIR

PROCESSED = REPO_DIR / "data" / "processed"


def test_datapackage_describes_every_committed_table():
    desc = json.loads((PROCESSED / "datapackage.json").read_text())
    names = {r["name"] for r in desc["resources"]}
    on_disk = {p.stem for p in PROCESSED.glob("*.csv")}
    assert names == on_disk
    for res in desc["resources"]:
        data = (PROCESSED / res["path"]).read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), res["name"]
        assert res["bytes"] == len(data)
        assert res["rows"] == data.count(b"\n") - 1
        assert res["sources"] and all(s["path"].startswith("https://") for s in res["sources"])
        assert all(s.get("sha256") for s in res["sources"]), f"{res['name']}: a source never retrieved"


def test_a_table_made_from_one_file_cites_that_file_only():
    """Mexico's and Honduras' tables each come from one of their source's files: the data
    package (and every report citing them) names that file, not its neighbours."""
    desc = json.loads((PROCESSED / "datapackage.json").read_text())
    files = {r["name"]: [s["title"].rsplit(": ", 1)[1] for s in r["sources"]] for r in desc["resources"]}
    assert files["mexico_irregular_monthly"] == ["irreg_mexico_nat.rda"]
    assert files["mexico_returns_monthly"] == ["irreg_mexico_exp.rda"]
    assert files["honduras_monthly"] == ["irreg_honduras.rda"]
    assert files["honduras_monthly_nationality"] == ["irreg_honduras_nat.rda"]
    assert files["remittances_monthly"] == ["remesas_mensuales.csv"]
    assert files["remittances_by_state"] == ["remesas_usa.csv"]
    # the Darién's nationality file feeds three tables; its demographic file, the fourth (each
    # only cross-checks the other)
    for name in ("darien_monthly", "darien_annual", "darien_annual_nationality"):
        assert files[name] == ["irreg_darien_nat.rda"], name
    assert files["darien_demographics"] == ["irreg_darien_dmg.rda"]
    # sources of one file: that file
    assert files["crossings_us_mexico"] == ["Border_Crossing_Entry_Data.csv"]
    assert files["trade_us_mexico_monthly"] == ["bts_transborder_monthly_trends_1993_2025.csv"]
    assert files["missing_migrants_incidents"] == files["missing_migrants_annual"] == ["iom_mmp.rda"]
    # a file read live (Banxico's own API, stored but not declared) is cited by the table it feeds
    from migrationdata.sources import remittances

    live = {
        "files": {"remittances/sie_se27803.json": {"url": "https://www.banxico.org.mx/x", "sha256": "ab"}}
    }
    monthly = processed._source_entries(remittances.SOURCE, live, remittances.MONTHLY)
    by_state = processed._source_entries(remittances.SOURCE, live, remittances.BY_STATE)
    assert [e["title"].rsplit(": ", 1)[1] for e in monthly] == ["remesas_mensuales.csv", "sie_se27803.json"]
    assert [e["title"].rsplit(": ", 1)[1] for e in by_state] == ["remesas_usa.csv"]


def test_cbp_tables_cite_the_releases_and_history_files_they_combine():
    """CBP's tables combine several releases and history files, each a different set (which
    release feeds which month is checked against the data in tests/sources/test_cbp.py); the
    OHSS workbook (a cross-check only) and the November 2023 state release (superseded in
    every month, revised nowhere) feed none of them."""
    desc = json.loads((PROCESSED / "datapackage.json").read_text())
    files = {r["name"]: {s["title"].rsplit(": ", 1)[1] for s in r["sources"]} for r in desc["resources"]}
    aor, aug = "cbp_resp.csv", "sbo-encounters-fy22-fy25-aug.csv"
    fy25, nov = "nationwide-encounters-fy22-fy25-state.csv", "nationwide-encounters-fy23-fy26-nov-state.csv"
    pdf_monthly = "usbp_monthly_encounters_fy2000-fy2020.csv.gz"
    assert files["cbp_encounters"] == {aor, nov}
    assert files["cbp_southwest_monthly"] == {aor, "cbp_state.csv", fy25, nov, aug}
    assert files["usbp_southwest_monthly"] == {pdf_monthly, aor, aug}
    assert files["usbp_southwest_annual"] == {
        "southwest_border_apprehensions_1960_2019.csv",
        pdf_monthly,
        aor,
        aug,
    }
    assert files["cbp_revisions"] == {aug, fy25}
    assert files["cbp_southwest_provisional"] == {"southwest-monthly-totals-derived-2026-07.json"}
    cited = set().union(*(f for name, f in files.items() if name.startswith(("cbp_", "usbp_"))))
    assert "cbp-nationwide-encounters-fy20-fy23-state.csv" not in cited
    assert not any(f.endswith(".xlsx") for f in cited)


def test_every_table_names_the_files_it_is_built_from():
    """No table falls back to citing every file of its source: each names its own, among its
    source's declared files or the files a live refresh stores under a fixed name."""
    from migrationdata.sources import bts, remittances, trade

    live = {bts.API_FILE, trade.CENSUS_EXPORTS_FILE, trade.CENSUS_IMPORTS_FILE, remittances.SIE_FILE}
    for source in all_sources():
        declared = {rf.name for rf in source.files}
        for table in source.tables:
            assert table.files, f"{table.name} names no files"
            assert set(table.files) <= declared | live, table.name


def test_provenance_of_undeclared_and_missing_files():
    """How a table's sources are chosen when files are missing or undeclared: a table without
    ``files`` cites every file of its source but a third party's; a declared file never
    retrieved is still cited (without checksum); a stored file the source does not declare
    counts for the table naming it, or, when no table names it (a release found live under a
    new name), for every table of the source's publisher, never for a third party's table."""
    from migrationdata.catalog import RemoteFile, Source, Table

    def table(name, **kw):
        return Table(name, name, "", (), (), schema=lambda: None, **kw)

    a, b = table("a", files=("one.csv",)), table("b", files=("two.csv", "named_live.json"))
    whole, theirs = table("whole"), table("theirs", publisher="Someone else", files=("third.json",))
    src = Source(
        id="s",
        title="S",
        publisher="P",
        landing_page="https://example.org",
        files=tuple(
            RemoteFile(n, f"https://example.org/{n}", "csv", 1) for n in ("one.csv", "two.csv", "third.json")
        ),
        tables=(a, b, whole, theirs),
        process=lambda paths: {},
    )
    stored = {"url": "https://example.org/x", "sha256": "ab", "retrieved_at": "2026-01-01T00:00:00Z"}
    manifest = {
        "files": {
            "s/one.csv": stored,
            "s/third.json": stored,
            "s/named_live.json": stored,
            "s/found_live.csv": stored,
            "other/found_live.csv": stored,
        }
    }

    def cited(t):
        return [e["title"].rsplit(": ", 1)[1] for e in processed._source_entries(src, manifest, t)]

    assert cited(a) == ["one.csv", "found_live.csv"]
    assert cited(b) == ["two.csv", "found_live.csv", "named_live.json"]
    assert cited(whole) == ["one.csv", "two.csv", "found_live.csv", "named_live.json"]
    assert cited(theirs) == ["third.json"]
    # two.csv was never retrieved: cited, with nothing to vouch for its bytes
    entry = next(e for e in processed._source_entries(src, manifest, b) if e["title"].endswith("two.csv"))
    assert entry["path"] == "https://example.org/two.csv" and "sha256" not in entry


def test_datapackage_is_valid_frictionless():
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(PROCESSED / "datapackage.json")).validate()
    errors = [e.message for task in report.tasks for e in task.errors][:5]
    assert report.valid, errors


def test_data_dictionary_is_up_to_date():
    assert (REPO_DIR / "data" / "README.md").read_text() == processed.data_dictionary()


def test_tables_are_written_deterministically():
    for src in all_sources():
        for table in src.tables:
            path = PROCESSED / f"{table.name}.csv"
            if not path.exists():
                continue
            data = path.read_bytes()
            assert b"\r\n" not in data
            df = processed.read(table.name)
            assert list(df.columns) == table.column_names
            # re-rendering what we read gives the same bytes
            assert processed.render(table, processed.validate(table, df)) == data, table.name


def test_a_table_that_breaks_its_contract_is_refused():
    from migrationdata.errors import DataError
    from migrationdata.sources import darien

    df = darien.annual()
    with pytest.raises(DataError, match="schema"):
        processed.validate(darien.ANNUAL, df.assign(migrants=-df["migrants"]))
    with pytest.raises(DataError, match="repeat the key"):
        processed.validate(darien.ANNUAL, pd.concat([df, df.head(1)]))
    with pytest.raises(DataError, match="columns differ"):
        processed.validate(darien.ANNUAL, df.rename(columns={"migrants": "people"}))
