"""The revision policy on the committed tables (real figures), and the messages that replace
tracebacks: a table re-saved by Excel, a conflicted manifest, a hostile file name, a symlinked
staging folder, a full disk, an as-of date before any data."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import pytest

from migrationdata import cli, processed
from migrationdata.catalog import get_source
from migrationdata.changes import compare_tables, foreign_table
from migrationdata.errors import FetchError, LoadError
from migrationdata.fetch import check_name, check_staging
from migrationdata.fetch.guards import check_unpacked
from migrationdata.fetch.refresh import _os_error
from migrationdata.paths import REPO_DIR
from migrationdata.store import public_entry, read_manifest

TODAY = date(2026, 11, 30)


def committed(name: str) -> bytes:
    return (REPO_DIR / "data" / "processed" / f"{name}.csv").read_bytes()


def edit(data: bytes, find: str, replace: str) -> bytes:
    text = data.decode()
    assert text.count(find) == 1, find
    return text.replace(find, replace).encode()


def check(source: str, table: str, new: bytes):
    src = get_source(source)
    return compare_tables(src.table(table), committed(table), new, src.policy, source, TODAY)


def test_the_issue_example_trade_cut_inside_its_last_month_is_refused():
    # PROVENANCE (trade): December 2025, $70.5bn both ways; a file cut inside that month
    # leaves exports and imports of a few modes only
    old = committed("trade_us_mexico_monthly")
    assert b"2025-12-01,28161109155,42360321615,70521430770,6985956871,51476069277" in old
    new = edit(
        old,
        "2025-12-01,28161109155,42360321615,70521430770,6985956871,51476069277",
        "2025-12-01,4383625934,2073596460,6457222394,,",
    )
    change = check("trade", "trade_us_mexico_monthly", new)
    assert change.revised == 5 and not change.removed
    kinds = {(b.column, b.kind) for b in change.breaches}
    assert ("total_usd", "revised beyond the source's tolerance") in kinds
    assert ("rail_usd", "value withdrawn (now empty)") in kinds
    text = "\n".join(map(str, change.breaches))
    assert "70521430770 -> 6457222394" in text and "-90.8%" in text


def test_a_normal_revision_passes_and_a_tenfold_one_does_not():
    old = committed("cbp_southwest_monthly")
    # December 2023: 301,981 (PROVENANCE); CBP's press release said 302,034 (+0.02%)
    assert b"2023-12-01,249740,52241,301981" in old
    src = get_source("cbp")
    # the latest month (November 2025) comes from a state release: a total, no split
    latest = old.decode().strip().splitlines()[-1]
    month, usbp, ofo, total, *rest = latest.split(",")
    assert (month, usbp, ofo) == ("2025-11-01", "", "")
    small = edit(
        old, latest, ",".join([month, usbp, ofo, str(int(total) + 5), *rest])
    )  # an open fiscal year: fine
    assert (
        compare_tables(src.table("cbp_southwest_monthly"), old, small, src.policy, "cbp", TODAY).breaches
        == []
    )
    closed = edit(old, "2023-12-01,249740,52241,301981", "2023-12-01,249793,52241,302034")
    moved = compare_tables(src.table("cbp_southwest_monthly"), old, closed, src.policy, "cbp", TODAY)
    assert {b.column for b in moved.breaches} == {"usbp", "total"}  # FY2024 is closed: no move at all
    tenfold = edit(old, "2023-12-01,249740,52241,301981", "2023-12-01,2497400,52241,2549641")
    assert len(check("cbp", "cbp_southwest_monthly", tenfold).breaches) == 2


def test_darien_value_withdrawn_and_months_not_yet_published():
    old = committed("darien_monthly").decode()
    lines = old.strip().splitlines()
    venezuela_aug = next(x for x in lines if x.startswith("2023-08-01,VEN,"))
    withdrawn = old.replace(venezuela_aug, venezuela_aug.rsplit(",", 1)[0] + ",").encode()
    change = check("darien", "darien_monthly", withdrawn)
    assert [b.kind for b in change.breaches] == ["value withdrawn (now empty)"]
    assert change.breaches[0].old == venezuela_aug.rsplit(",", 1)[1]
    # a month the publisher cannot have released: December 2026 is released about 10 January 2027
    future = (old + "2026-12-01,VEN,Venezuela,Venezuela,100\n").encode()
    kinds = [b.kind for b in check("darien", "darien_monthly", future).breaches]
    assert "not yet published" in kinds
    # November 2026 was released on 10 December 2026: not by 30 November either; October was
    october = (old + "2026-10-01,VEN,Venezuela,Venezuela,100\n").encode()
    assert "not yet published" not in [b.kind for b in check("darien", "darien_monthly", october).breaches]


def test_a_new_month_with_a_third_of_its_rows_is_incomplete():
    old = committed("crossings_us_mexico").decode()
    lines = old.strip().splitlines()
    header, rows = lines[0], lines[1:]
    months = sorted({r.split(",")[0] for r in rows})
    latest = months[-1]
    kept = [r for r in rows if r.split(",")[0] != latest]
    cut = [r for r in rows if r.split(",")[0] == latest][::3]
    previous = "\n".join([header, *kept]) + "\n"
    new = "\n".join([header, *kept, *cut]) + "\n"
    src = get_source("bts")
    table = src.table("crossings_us_mexico")
    change = compare_tables(table, previous.encode(), new.encode(), src.policy, "bts", TODAY)
    assert any(b.kind == "month incomplete" for b in change.breaches), change.breaches
    whole = "\n".join([header, *rows]) + "\n"
    assert compare_tables(table, previous.encode(), whole.encode(), src.policy, "bts", TODAY).breaches == []


def test_a_table_resaved_by_excel_is_named_not_parsed(tmp_data):
    table = get_source("trade").table("trade_us_mexico_monthly")
    data = committed("trade_us_mexico_monthly")
    assert foreign_table(table, data) == ""
    assert "byte-order mark" in foreign_table(table, b"\xef\xbb\xbf" + data)
    assert "CRLF" in foreign_table(table, data.replace(b"\n", b"\r\n"))
    assert "12/1/2025" in foreign_table(table, data.replace(b"2025-12-01", b"12/1/2025"))
    # a column the code added since the table was written is a schema change, not a spreadsheet
    older = b"\n".join(line.rsplit(b",", 1)[0] for line in data.split(b"\n"))
    assert older != data and foreign_table(table, older) == ""
    (tmp_data / "processed" / "trade_us_mexico_monthly.csv").write_bytes(
        data.replace(b"2025-12-01", b"12/1/2025")
    )
    with pytest.raises(
        LoadError, match=r"12/1/2025.*git checkout -- data/processed/trade_us_mexico_monthly.csv"
    ):
        processed.read("trade_us_mexico_monthly", tmp_data)


def test_a_conflicted_manifest_is_a_message(tmp_data):
    (tmp_data / "manifest.json").write_text('{\n<<<<<<< HEAD\n  "files": {}\n=======\n>>>>>>> x\n}\n')
    with pytest.raises(LoadError, match="conflict markers.*git checkout --theirs"):
        read_manifest(tmp_data)
    (tmp_data / "manifest.json").write_text('{"files": ')
    with pytest.raises(LoadError, match="not valid JSON"):
        read_manifest(tmp_data)


@pytest.mark.parametrize("name", ["../../evil.csv", "..", ".hidden", "a/b.csv", "C:evil", "x\x00.csv", ""])
def test_names_from_the_network_must_be_plain(name):
    with pytest.raises(FetchError, match="plain file name"):
        check_name("cbp", name, "https://www.cbp.gov/x")


def test_plain_names_pass():
    assert (
        check_name("cbp", "KHSM Encounters (USBP) fy25m11.xlsx", "u") == "KHSM Encounters (USBP) fy25m11.xlsx"
    )


def test_the_staging_folder_must_be_real_and_inside(tmp_path):
    base = tmp_path / "data"
    (base / "raw").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (base / "raw" / ".staging").symlink_to(elsewhere)
    with pytest.raises(FetchError, match="symbolic link"):
        check_staging("cbp", base / "raw" / ".staging", base)
    (base / "raw" / ".staging").unlink()
    (base / "raw" / ".staging").mkdir()
    check_staging("cbp", base / "raw" / ".staging", base)


def test_a_full_disk_and_a_read_only_folder_are_sentences():
    src = get_source("darien")
    full = str(_os_error(src, OSError(errno.ENOSPC, "No space left on device", "/x/y"), committed=False))
    assert full.startswith("[darien] /x/y:") and "disk is full" in full and "unchanged" in full
    ro = str(_os_error(src, PermissionError(errno.EACCES, "Permission denied", "/x"), committed=None))
    assert "read-only" in ro and "some files in the data folder are new and some old" in ro


def test_compressed_files_are_capped_while_streaming(tmp_path):
    import gzip

    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        for _ in range(40):
            fh.write(b"\0" * (1 << 20))
    assert bomb.stat().st_size < 100_000
    from migrationdata.errors import DataError

    with pytest.raises(DataError, match="unpacks to more than 10,000,000 bytes"):
        check_unpacked(bomb, "gzip", 10_000_000)
    check_unpacked(bomb, "gzip", 50_000_000)
    # the real R data files of the mirror are far below their guard
    mirror = Path(__import__("os").environ.get("MIGRATIONDATA_MIRROR", REPO_DIR.parent / "shared" / "data"))
    rda = mirror / "darien" / "irreg_darien_nat.rda"
    if rda.exists():
        check_unpacked(rda, "rda", get_source("darien").files[0].unpacked_limit)


def test_manifest_entries_keep_nothing_of_this_machine():
    entry = {
        "url": "https://user:secret@example.org/x.csv",  # not-a-local-path
        "final_url": "file:///work/shared/data/x/x.csv",  # not-a-local-path
        "mirror": "/work/shared/data",  # not-a-local-path
    }
    clean = public_entry(entry)
    assert clean == {
        "url": "https://example.org/x.csv",
        "final_url": "https://example.org/x.csv",
        "mirror": "mirror",
    }
    assert (
        public_entry({"url": "https://a.gov/x", "final_url": "https://b.a.gov/x", "mirror": None})[
            "final_url"
        ]
        == "https://b.a.gov/x"
    )


def test_check_as_of_before_any_data_is_a_message(capsys):
    # the earliest month the kit holds is Banxico's January 1995 remittances
    assert cli.main(["check", "--as-of", "1994-06-01"]) == 2
    err = capsys.readouterr().err
    assert "before any data" in err and "1995-01, remittances" in err and "Traceback" not in err


def test_a_commit_that_fails_half_way_is_undone(tmp_path, monkeypatch):
    """The journal's second line of defence: a move that fails after others succeeded (a
    permission or the disk, past the check) puts every replaced file back."""
    import os

    from migrationdata.fetch.journal import JOURNAL, CommitError, commit

    base = tmp_path / "data"
    staging = base / "raw" / ".staging" / "demo-1-abc"
    staging.mkdir(parents=True)
    targets = [base / "raw" / "demo" / "a.csv", base / "processed" / "a.csv", base / "manifest.json"]
    for i, t in enumerate(targets):
        t.parent.mkdir(parents=True, exist_ok=True)
        t.write_text(f"old {i}\n")
        (staging / f"new{i}").write_text(f"new {i}\n")
    moves = [(staging / f"new{i}", t) for i, t in enumerate(targets)]
    real = os.replace

    def fail_on_manifest(src, dst, *a, **k):
        if str(dst).endswith("manifest.json"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", fail_on_manifest)
    with pytest.raises(CommitError) as info:
        commit(staging, moves, "demo")
    monkeypatch.setattr(os, "replace", real)
    assert info.value.undone and len(info.value.done) == 2
    assert [t.read_text() for t in targets] == ["old 0\n", "old 1\n", "old 2\n"]
    assert not (staging / JOURNAL).exists()


def test_new_months_that_give_a_total_only_are_not_a_break():
    """CBP's state releases give September–November 2025 as totals, with no Border Patrol and
    ports-of-entry split: empty columns in new months are unpublished, not a fall to zero."""
    src = get_source("cbp")
    table = src.table("cbp_southwest_monthly")
    new = committed("cbp_southwest_monthly")
    lines = new.decode().strip().split("\n")
    assert [ln.split(",")[:3] for ln in lines[-3:]] == [
        ["2025-09-01", "", ""],
        ["2025-10-01", "", ""],
        ["2025-11-01", "", ""],
    ]
    previous = ("\n".join(lines[:-3]) + "\n").encode()
    change = compare_tables(table, previous, new, src.policy, "cbp", TODAY)
    assert change.breaches == [] and change.new_periods[-1].strftime("%Y-%m") == "2025-11"
    # a month whose total does fall to a tenth is still a break
    fallen = new.replace(b"2025-11-01,,,10960", b"2025-11-01,,,1096")
    assert [b.kind for b in compare_tables(table, previous, fallen, src.policy, "cbp", TODAY).breaches] == [
        "break in the series' total"
    ]


def without_month(name: str, month: str) -> bytes:
    """The committed table as the release before ``month`` had it (that month's rows left out)."""
    lines = committed(name).decode().split("\n")
    return "\n".join(ln for ln in lines if not ln.startswith(month)).encode()


def test_a_series_in_steady_decline_is_not_a_break_but_a_sudden_fall_is():
    # Honduras, 2025: 8,341, 3,427, 2,502, then April 2,116, far below the six-month median
    # (11,168) but 85% of March: the route emptying month by month, not a file cut short
    assert committed("honduras_monthly").endswith(b"2025-03-01,2502\n2025-04-01,2116\n")
    src = get_source("honduras")
    table = src.table("honduras_monthly")
    previous = without_month("honduras_monthly", "2025-04-01")
    change = compare_tables(table, previous, committed("honduras_monthly"), src.policy, "honduras", TODAY)
    assert change.new_periods and change.breaches == []
    # Darién: 194 crossings in March 2025, 73 in April (-62% in a month): a break to confirm
    src = get_source("darien")
    previous = without_month("darien_monthly", "2025-04-01")
    change = compare_tables(
        src.table("darien_monthly"), previous, committed("darien_monthly"), src.policy, "darien", TODAY
    )
    [brk] = change.breaches
    assert brk.kind == "break in the series' total" and brk.where == "2025-04-01"
    assert "total 73 against a median of 3,539" in brk.note and "194 in Mar 2025" in brk.note


def test_a_yearly_tables_year_in_progress_may_grow_but_closed_years_may_not():
    # IOM, US-Mexico border, 2025: 28 dead and missing in January-February (16 + 12), 45 once
    # March and April are in; the incidents table holds those months to the policy
    src = get_source("missing_migrants")
    table = src.table("missing_migrants_annual")
    new = committed("missing_migrants_annual")
    row = "2025,us_mexico_border,45,44,0,0,False,January to April only"
    earlier = edit(new, row, "2025,us_mexico_border,28,28,0,0,False,January to February only")
    change = compare_tables(table, earlier, new, src.policy, "missing_migrants", TODAY)
    assert change.revised == 3 and change.breaches == []
    # 2024 is closed: the same growth there is beyond the tolerance
    moved = edit(new, "2024,us_mexico_border,565,527,", "2024,us_mexico_border,600,527,")
    [brk] = compare_tables(table, new, moved, src.policy, "missing_migrants", TODAY).breaches
    assert (brk.where, brk.column, brk.old, brk.new) == (
        "2024, us_mexico_border",
        "dead_and_missing",
        "565",
        "600",
    )
