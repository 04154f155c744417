"""A refresh with real consequences: rows that would vanish, what changed, same bytes, advice.

Most tests use a two-table demo source read from a tiny CSV in a temporary mirror folder, so
they run in milliseconds; a few use the trade source and the committed CBP table to show the
same on real data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from werkzeug.wrappers import Response

from migrationdata import catalog, cli, processed
from migrationdata.catalog import Column, RemoteFile, Source, Table
from migrationdata.errors import DataError
from migrationdata.fetch import compare_tables, fetch_source, make_session
from migrationdata.paths import REPO_DIR
from migrationdata.sources import darien, trade

FILE = "series.csv"
URL = "https://example.org/stats/series.csv"


def _schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {"month": pa.Column("datetime64[ns]"), "value": pa.Column("Int64", pa.Check.ge(0))}
    )


def _detail_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "month": pa.Column("datetime64[ns]"),
            "group": pa.Column(str),
            "value": pa.Column("Int64", pa.Check.ge(0)),
        }
    )


MONTHLY = Table(
    "demo_monthly",
    "Demo, by month",
    "A month's total.",
    (Column("month", "date", "month"), Column("value", "integer", "total")),
    ("month",),
    _schema,
)
DETAIL = Table(
    "demo_detail",
    "Demo, by month and group",
    "A month's count by group.",
    (Column("month", "date", "month"), Column("group", "string", "group"), Column("value", "integer", "n")),
    ("month", "group"),
    _detail_schema,
)


def _process(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    path = paths[FILE]
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        # the demo's own check on a file cut mid-line; the message ends with a full stop, as
        # many parsers' messages do (fetch must not add a second one)
        raise DataError(path.name, "the last line is incomplete.")
    df = pd.read_csv(path, dtype={"group": "string"})
    df["month"] = pd.to_datetime(df["month"])
    df["value"] = df["value"].astype("Int64")
    total = df.groupby("month", as_index=False)["value"].sum()
    return {"demo_monthly": total, "demo_detail": df}


DEMO = Source(
    id="demo",
    title="Demo series",
    publisher="Demo Statistics Office",
    landing_page="https://example.org/stats",
    files=(RemoteFile(FILE, URL, "csv", 100_000),),
    tables=(DETAIL, MONTHLY),
    process=_process,
)


def rows(months: list[str], groups=("a", "b"), bump: dict | None = None) -> str:
    """The demo file: ``month,group,value`` for each month and group."""
    bump = bump or {}
    out = ["month,group,value"]
    for i, m in enumerate(months):
        for j, g in enumerate(groups):
            out.append(f"{m},{g},{10 * i + j + bump.get((m, g), 0)}")
    return "\n".join(out) + "\n"


def months(first: str, n: int) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in pd.date_range(first, periods=n, freq="MS")]


YEAR = months("2024-01-01", 12)


def publish(mirror: Path, text: str) -> None:
    (mirror / "demo").mkdir(parents=True, exist_ok=True)
    (mirror / "demo" / FILE).write_text(text, encoding="utf-8")


def snapshot(base: Path) -> dict[str, str]:
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(base.rglob("*"))
        if p.is_file() and ".staging" not in p.parts and not p.name.startswith(".refresh.lock")
    }


# ----------------------------------------------------------------------------- 1. no silent loss


def test_a_release_cut_at_a_line_boundary_is_refused(demo, tmp_data):
    good = snapshot(tmp_data)
    publish(demo, rows(YEAR[:8]))  # parses cleanly: only the last four months are gone
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "failed"
    msg = rep.error
    assert msg.startswith("[demo]") and FILE in msg and URL in msg
    assert "4 of the 12 rows of demo_monthly" in msg
    assert "every row of 4 months, Sep–Dec 2024" in msg
    assert "8 of the 24 rows of demo_detail" in msg
    # what to do: check the copy (its size beside the manifest's), or accept a withdrawal
    assert "cut short" in msg and "manifest" in msg and "bytes" in msg
    assert f"migrationdata fetch demo --allow-loss --mirror {demo}" in msg
    assert ".." not in msg
    assert snapshot(tmp_data) == good, "a refused release changed the data folder"


def test_allow_loss_accepts_a_withdrawal_and_says_so(demo, tmp_data):
    publish(demo, rows(YEAR[:8]))
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data, allow_loss=True)
    assert rep.status == "updated", rep.error
    assert str(rep.changes["demo_monthly"]) == "4 months removed (Sep–Dec 2024)"
    assert str(rep.changes["demo_detail"]) == "4 months removed (Sep–Dec 2024, 8 rows)"
    assert processed.table_path("demo_monthly", tmp_data).read_text().count("\n") == 1 + 8


def test_rows_lost_inside_months_are_refused_too(demo, tmp_data):
    text = rows(YEAR).replace("2024-03-01,b,21\n", "")  # one group gone from one month
    publish(demo, text)
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "failed"
    assert "1 of the 24 rows of demo_detail (1 row in Mar 2024)" in rep.error


def test_a_first_fetch_or_an_empty_table_is_never_a_loss(tmp_path, tmp_data):
    mirror = tmp_path / "mirror"
    publish(mirror, rows(YEAR))
    processed.table_path("demo_monthly", tmp_data).write_bytes(b"")  # empty: no rows to lose
    processed.table_path("demo_detail", tmp_data).write_text("month,group,value\n")  # header only
    rep = fetch_source(DEMO, mirror=str(mirror), base=tmp_data)
    assert rep.status == "updated", rep.error
    assert str(rep.changes["demo_monthly"]) == "new table, 12 rows (Jan–Dec 2024)"


def test_a_truncated_trade_file_is_refused_and_names_the_months(mirror, tmp_path, tmp_data):
    rep = fetch_source(trade.SOURCE, mirror=str(mirror), base=tmp_data)
    assert rep.status == "updated", rep.error
    good = snapshot(tmp_data)
    cut = tmp_path / "cut"
    (cut / "trade").mkdir(parents=True)
    name = "bts_transborder_monthly_trends_1993_2025.csv"
    lines = (mirror / "trade" / name).read_bytes().splitlines(keepends=True)
    (cut / "trade" / name).write_bytes(b"".join(lines[:9500]))  # ends inside November 2023
    rep = fetch_source(trade.SOURCE, mirror=str(cut), base=tmp_data)
    assert rep.status == "failed"
    assert name in rep.error and "25 of the 84 rows of trade_us_mexico_monthly" in rep.error
    assert "Dec 2023–Dec 2025" in rep.error and "--allow-loss" in rep.error
    assert snapshot(tmp_data) == good


def test_comparing_the_largest_table_is_fast():
    """cbp_encounters (70k rows, an eight-column key) without its last month."""
    _, table = catalog.table_owner("cbp_encounters")
    old = (REPO_DIR / "data" / "processed" / "cbp_encounters.csv").read_bytes()
    last = old.rstrip(b"\n").rsplit(b"\n", 1)[1][:10]  # sorted by key: month comes first
    new = b"".join(line for line in old.splitlines(keepends=True) if not line.startswith(last))
    t0 = time.monotonic()
    change = compare_tables(table, old, new)
    assert time.monotonic() - t0 < 2.0
    month = pd.Timestamp(last.decode())
    assert change.removed == old.count(last) and change.added == change.revised == 0
    assert change.gone_periods == [month]
    assert f"every row of 1 month, {month:%b %Y}" in change.loss()


# ----------------------------------------------------------------------------- 2. what changed


def test_changes_list_new_months_and_revised_values(demo, tmp_data):
    publish(demo, rows([*YEAR, "2025-01-01"], bump={("2024-07-01", "a"): 5, ("2024-08-01", "b"): 1}))
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "updated", rep.error
    assert str(rep.changes["demo_monthly"]) == "1 new month (Jan 2025); 2 values revised in Jul–Aug 2024"
    assert str(rep.changes["demo_detail"]) == (
        "1 new month (Jan 2025, 2 rows); 2 values revised in Jul–Aug 2024"
    )


def test_rows_added_inside_existing_months_and_unchanged_tables(demo, tmp_data):
    # a new group in two months: the detail table gains rows, the monthly totals change
    text = rows(YEAR) + "2024-02-01,c,0\n2024-05-01,c,0\n"
    publish(demo, text)
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "updated", rep.error
    assert str(rep.changes["demo_detail"]) == "2 rows added in Feb 2024 and May 2024"
    assert "demo_monthly" not in rep.changes  # zeros: the totals are the same, nothing to say


def test_the_fetch_command_prints_what_changed(demo, tmp_data, monkeypatch, capsys):
    monkeypatch.setattr(catalog, "get_source", lambda sid: DEMO)
    publish(demo, rows([*YEAR, "2025-01-01"], bump={("2024-12-01", "a"): 3}))
    assert cli.main(["fetch", "demo", "--mirror", str(demo)]) == 0
    out = capsys.readouterr().out
    assert "What changed:" in out
    assert "  demo_monthly: 1 new month (Jan 2025); 1 value revised in Dec 2024" in out
    # nothing new: the status says so and no table is listed
    assert cli.main(["fetch", "demo", "--mirror", str(demo)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^demo\s+unchanged", out, re.M) and "What changed" not in out


def test_the_fetch_command_takes_allow_loss(demo, tmp_data, monkeypatch, capsys):
    monkeypatch.setattr(catalog, "get_source", lambda sid: DEMO)
    publish(demo, rows(YEAR[:-1]))
    assert cli.main(["fetch", "demo", "--mirror", str(demo)]) == 1
    assert "--allow-loss" in capsys.readouterr().err
    assert cli.main(["fetch", "demo", "--mirror", str(demo), "--allow-loss"]) == 0
    assert "  demo_monthly: 1 month removed (Dec 2024)" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 3. same bytes


def fresh_clone(base: Path) -> None:
    """What a clone has: the committed manifest and tables, no raw files."""
    for p in sorted((base / "raw").rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()


def test_same_bytes_in_a_fresh_clone_keep_the_manifest(demo, tmp_data):
    manifest = (tmp_data / "manifest.json").read_bytes()
    tables = snapshot(tmp_data / "processed")
    fresh_clone(tmp_data)
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "unchanged", rep.error
    assert [r.status for r in rep.files] == ["unchanged"]
    assert rep.changes == {}
    assert (tmp_data / "manifest.json").read_bytes() == manifest  # retrieved_at not restamped
    assert snapshot(tmp_data / "processed") == tables
    raw = tmp_data / "raw" / "demo" / FILE
    assert raw.read_bytes() == (demo / "demo" / FILE).read_bytes()  # placed for processing
    assert rep.files[0].path == raw


def test_same_bytes_over_http_keep_the_manifest(httpserver, tmp_data):
    body = rows(YEAR).encode()
    httpserver.expect_request(f"/demo/{FILE}").respond_with_handler(lambda request: Response(body))
    session = make_session(retries=0, backoff=0.01, timeout=(2, 2))
    base = httpserver.url_for("/")
    assert fetch_source(DEMO, mirror=base, base=tmp_data, session=session).status == "updated"
    manifest = (tmp_data / "manifest.json").read_bytes()
    fresh_clone(tmp_data)
    rep = fetch_source(DEMO, mirror=base, base=tmp_data, session=session)
    assert rep.status == "unchanged", rep.error
    assert (tmp_data / "manifest.json").read_bytes() == manifest
    assert (tmp_data / "raw" / "demo" / FILE).read_bytes() == body


def test_a_real_source_in_a_fresh_clone_is_unchanged(mirror, tmp_data):
    assert fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data).status == "updated"
    before = snapshot(tmp_data)
    fresh_clone(tmp_data)
    rep = fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data)
    assert rep.status == "unchanged", rep.error
    assert snapshot(tmp_data) == before
    entry = json.loads((tmp_data / "manifest.json").read_text())["files"]["darien/irreg_darien_nat.rda"]
    assert (
        entry["sha256"]
        == hashlib.sha256((mirror / "darien" / "irreg_darien_nat.rda").read_bytes()).hexdigest()
    )


def test_a_refresh_that_finds_nothing_new_never_loads_pandas(mirror, tmp_data):
    """The command a cron job runs every morning: when every file is the same, the tables are
    not parsed again, so pandas (over a second to import) is never loaded; the modules that
    declare the sources hold it behind a lazy proxy until a parser touches it."""
    assert fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data).status == "updated"
    assert fetch_source(trade.SOURCE, mirror=str(mirror), base=tmp_data).status == "updated"

    def refresh(*extra: str) -> str:
        probe = (
            "import sys\n"
            "from migrationdata.cli import main\n"
            f"code = main(['fetch', 'darien', 'trade', '--mirror', {str(mirror)!r}, *{extra!r}])\n"
            "print(code, 'pandas loaded' if 'pandas.core.frame' in sys.modules else 'no pandas')\n"
        )
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    out = refresh()
    assert out.count(" unchanged ") == 2 and out.endswith("0 no pandas\n"), out
    # a raw file lost from the folder is fetched again; the same bytes still need no parsing
    (tmp_data / "raw" / "trade" / trade.SOURCE.files[0].name).unlink()
    out = refresh()
    assert out.count(" unchanged ") == 2 and out.endswith("0 no pandas\n"), out
    # parsing again (as after a parser fix) loads it as usual
    assert refresh("--reprocess").endswith("0 pandas loaded\n")


# ----------------------------------------------------------------------------- 4. advice


def test_a_bad_file_in_a_folder_mirror_names_the_copy_and_the_publisher(tmp_path, tmp_data, mirror):
    bad = tmp_path / "mirror" / "darien"
    bad.mkdir(parents=True)
    (bad / "irreg_darien_dmg.rda").write_bytes((mirror / "darien" / "irreg_darien_dmg.rda").read_bytes())
    (bad / "irreg_darien_nat.rda").write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    rep = fetch_source(darien.SOURCE, mirror=str(bad.parent), base=tmp_data)
    assert rep.status == "failed"
    rf = next(f for f in darien.SOURCE.files if f.name == "irreg_darien_nat.rda")
    problem, _, advice = rep.error.partition(" What to do: ")
    assert str(bad / rf.name) in problem and rf.url in problem and "HTML" in problem
    assert "repair or replace" in advice and str(bad / rf.name) in advice and rf.url in advice
    assert "without --mirror" in advice and "fetch from a mirror" not in advice


def test_a_file_cut_mid_line_may_be_damaged_or_changed(demo, tmp_data):
    good = snapshot(tmp_data)
    whole = rows([*YEAR, "2025-01-01"])
    publish(demo, whole[: len(whole) - 4])  # the download stopped inside the last line
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "failed"
    problem, _, advice = rep.error.partition(" What to do: ")
    assert "the last line is incomplete." in problem and ".." not in rep.error
    assert "truncated or damaged" in advice and "layout changed" in advice
    assert "retry the download" in advice and "sha256" in advice
    # the copy's size beside the last good one's, from the manifest
    old = json.loads((tmp_data / "manifest.json").read_text())["files"][f"demo/{FILE}"]
    assert f"{len(whole) - 4:,} bytes" in advice and f"{old['bytes']:,} bytes" in advice
    assert "repair or replace" in advice and "migrationdata/sources/demo.py" in advice
    assert snapshot(tmp_data) == good


def test_parser_messages_get_exactly_one_full_stop(tmp_path, tmp_data):
    def fails(paths):
        raise DataError(FILE, "months missing from the series: 2023-06.")

    mirror = tmp_path / "mirror"
    publish(mirror, rows(YEAR))
    source = dataclasses.replace(DEMO, process=fails)
    rep = fetch_source(source, mirror=str(mirror), base=tmp_data)
    assert "months missing from the series: 2023-06. What to do:" in rep.error
    assert ".." not in rep.error


# ----------------------------------------------------------------------------- unchanged bytes


def _counting(calls: list[str]) -> Source:
    def process(paths):
        calls.append("parsed")
        return _process(paths)

    return dataclasses.replace(DEMO, process=process)


def test_same_bytes_same_code_and_same_tables_skip_the_parse(demo, tmp_data):
    calls: list[str] = []
    source = _counting(calls)
    before = snapshot(tmp_data)
    rep = fetch_source(source, mirror=str(demo), base=tmp_data)
    assert rep.status == "unchanged" and rep.tables == {"demo_detail": 24, "demo_monthly": 12}
    assert calls == [], "unchanged bytes were parsed again"
    assert snapshot(tmp_data) == before

    # --reprocess parses anyway, and finds nothing to change
    rep = fetch_source(source, mirror=str(demo), base=tmp_data, reprocess=True)
    assert rep.status == "unchanged" and calls == ["parsed"]


def test_a_table_edited_by_hand_or_new_bytes_are_parsed_again(demo, tmp_data):
    calls: list[str] = []
    source = _counting(calls)
    table = tmp_data / "processed" / "demo_monthly.csv"
    good = table.read_bytes()
    table.write_bytes(good.replace(b"2024-02-01,21\n", b"2024-02-01,22\n"))
    assert table.read_bytes() != good
    rep = fetch_source(source, mirror=str(demo), base=tmp_data)
    # the table no longer matches what the parse wrote: parsed, and the good table put back
    assert calls == ["parsed"] and rep.status == "updated" and table.read_bytes() == good

    publish(demo, rows(months("2024-01-01", 13)))
    rep = fetch_source(source, mirror=str(demo), base=tmp_data)
    assert calls == ["parsed", "parsed"] and rep.status == "updated" and rep.tables["demo_monthly"] == 13


def test_a_lost_raw_file_fetched_anew_is_put_back_without_a_parse(demo, tmp_data):
    calls: list[str] = []
    source = _counting(calls)
    tables = {p.name: p.read_bytes() for p in (tmp_data / "processed").glob("demo_*.csv")}
    raw = tmp_data / "raw" / "demo" / FILE
    good = raw.read_bytes()
    manifest = json.loads((tmp_data / "manifest.json").read_text())
    entry = manifest["files"].pop(f"demo/{FILE}")
    (tmp_data / "manifest.json").write_text(json.dumps(manifest))
    raw.unlink()
    rep = fetch_source(source, mirror=str(demo), base=tmp_data)
    # the same bytes as the tables were parsed from: back in place, recorded, not parsed
    assert rep.status == "updated" and calls == [], rep.error
    assert raw.read_bytes() == good
    back = json.loads((tmp_data / "manifest.json").read_text())["files"][f"demo/{FILE}"]
    assert back["sha256"] == entry["sha256"] == hashlib.sha256(good).hexdigest()
    assert {p.name: p.read_bytes() for p in (tmp_data / "processed").glob("demo_*.csv")} == tables
    assert rep.tables == {"demo_detail": 24, "demo_monthly": 12}

    # other bytes under the same name are parsed
    raw.unlink()
    publish(demo, rows(months("2024-01-01", 13)))
    rep = fetch_source(source, mirror=str(demo), base=tmp_data)
    assert calls == ["parsed"] and rep.status == "updated" and rep.tables["demo_monthly"] == 13
