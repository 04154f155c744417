"""The revision log: two refreshes in a row leave the right rows, a failed one leaves none, a
log edited by hand is refused with its line, and `migrationdata changes` reads it back."""

from __future__ import annotations

import csv
import json

from test_refresh import DEMO, months, publish, rows, snapshot

from migrationdata import cli, revisions
from migrationdata.fetch import fetch_source


def log_rows(base) -> list[dict]:
    with revisions.log_path("demo", base).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_first_fetch_is_a_baseline_not_every_cell(demo, tmp_data):
    logged = log_rows(tmp_data)
    assert [(r["table"], r["change"], r["new_value"]) for r in logged] == [
        ("demo_detail", "baseline", "24 rows"),
        ("demo_monthly", "baseline", "12 rows"),
    ]
    assert logged[0]["release"].startswith("series.csv@")


def test_a_new_month_and_a_revision_are_logged_cell_by_cell(demo, tmp_data, capsys):
    # a second release: January revised (a +5 on group a), and January 2025 added
    publish(demo, rows(months("2024-01-01", 13), bump={("2024-01-01", "a"): 5}))
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "updated", rep.error
    logged = [r for r in log_rows(tmp_data) if r["change"] != "baseline"]
    revised = [
        (r["table"], r["key"], r["column"], r["old_value"], r["new_value"])
        for r in logged
        if r["change"] == "revised"
    ]
    # month 0: a = 0, b = 1 -> a = 5; monthly total 1 -> 6
    assert sorted(revised) == [
        ("demo_detail", "month=2024-01-01; group=a", "value", "0", "5"),
        ("demo_monthly", "month=2024-01-01", "value", "1", "6"),
    ]
    new = [(r["table"], r["key"], r["new_value"]) for r in logged if r["change"] == "new"]
    # the 13th month: a = 120, b = 121, total 241: the first print of each
    assert sorted(new) == [
        ("demo_detail", "month=2025-01-01; group=a", "120"),
        ("demo_detail", "month=2025-01-01; group=b", "121"),
        ("demo_monthly", "month=2025-01-01", "241"),
    ]
    assert revisions.first_prints("demo", "demo_monthly", "value", base=tmp_data) == {
        "month=2025-01-01": "241"
    }

    # a third release revises the new month again: its first print stays 241
    publish(demo, rows(months("2024-01-01", 13), bump={("2024-01-01", "a"): 5, ("2025-01-01", "b"): -21}))
    assert fetch_source(DEMO, mirror=str(demo), base=tmp_data).status == "updated"
    assert revisions.first_prints("demo", "demo_monthly", "value", base=tmp_data) == {
        "month=2025-01-01": "241"
    }
    last = [r for r in log_rows(tmp_data) if r["change"] == "revised"][-1]
    assert (last["key"], last["old_value"], last["new_value"]) == ("month=2025-01-01", "241", "220")

    # tmp_data already points MIGRATIONDATA_DATA at this folder
    capsys.readouterr()
    assert cli.main(["changes", "--source", "demo", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {e["change"] for e in entries} == {"baseline", "new", "revised"}
    assert cli.main(["changes", "--source", "demo"]) == 0
    text = capsys.readouterr().out
    assert "demo/demo_monthly: 1 revised" in text and "month=2025-01-01  value: 241 -> 220" in text


def test_a_refused_refresh_leaves_the_log_untouched(demo, tmp_data):
    good = snapshot(tmp_data)
    publish(demo, rows(months("2024-01-01", 6)))  # half the months gone: refused
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "failed"
    assert snapshot(tmp_data) == good


def test_a_log_edited_by_hand_is_named_with_its_line(demo, tmp_data):
    log = revisions.log_path("demo", tmp_data)
    log.write_text(log.read_text(encoding="utf-8") + "oops,this is not a log row\n", encoding="utf-8")
    good = snapshot(tmp_data)
    publish(demo, rows(months("2024-01-01", 13)))
    rep = fetch_source(DEMO, mirror=str(demo), base=tmp_data)
    assert rep.status == "failed"
    assert "line 4 of" in rep.error and "does not parse" in rep.error and "git checkout" in rep.error
    assert snapshot(tmp_data) == good


def test_the_digest_lists_updates_and_the_revisions_that_moved(demo, tmp_data):
    from datetime import date

    from migrationdata import digest

    publish(demo, rows(months("2024-01-01", 13), bump={("2024-01-01", "a"): 5, ("2024-02-01", "b"): 0}))
    assert fetch_source(DEMO, mirror=str(demo), base=tmp_data).status == "updated"
    d = digest.collect(
        date.today(), fetched={"demo": "updated", "cbp": "unchanged", "bts": "the server said 503"}
    )
    assert d.updated == ["demo"] and d.failed == {"bts": "the server said 503"}
    assert (d.new_cells, d.revised_cells) == (3, 2)
    assert sorted((e.key, e.old_value, e.new_value) for e in d.revisions) == [
        ("month=2024-01-01", "1", "6"),
        ("month=2024-01-01; group=a", "0", "5"),
    ]
    page = digest.render(d)
    assert page.startswith(f"# Data update since {date.today():%-d %B %Y}")
    assert (
        "- **demo**: updated" in page and "refresh failed, last good data kept: the server said 503" in page
    )
    assert "3 new values and 2 revised or withdrawn values were logged" in page
    assert "demo/demo_monthly month=2024-01-01 `value`: 1 → 6" in page
