"""The digest's claims part: a claim whose figure moved or whose verdict flipped since the
committed reports is named with its story and paragraph; nothing else is."""

from __future__ import annotations

import json
import shutil
from datetime import date

from migrationdata import cli, digest
from migrationdata.paths import REPO_DIR

SEED = "us-mexico-talks-2023-12"


def test_the_committed_reports_are_what_the_data_give_now():
    # committed reports and tables agree: nothing has moved
    assert digest.claim_moves(digest.recorded_checks(), digest.current_checks()) == []


def test_a_moved_figure_and_a_flipped_verdict_are_named(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPO_DIR / "reports", reports)
    path = reports / SEED / "checks.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in data["claims"]}
    half = by_id["darien-2023-half-million"]
    assert half["value"] == 520_085 and half["verdict"] == "supported" and half["paragraph"] == 15
    # as if the last build had recorded another figure, and another verdict for the rail claim
    half["value"], half["figure"] = 498_000, "498,000 crossings in 2023"
    rail = by_id["rail-crossings-closed-five-days"]
    rail["verdict"] = "not-supported"
    path.write_text(json.dumps(data), encoding="utf-8")

    moves = digest.claim_moves(digest.recorded_checks(reports), digest.current_checks())
    assert {(m.story, m.claim, m.flipped) for m in moves} == {
        (SEED, "darien-2023-half-million", False),
        (SEED, "rail-crossings-closed-five-days", True),
    }
    d = digest.Digest(date.today(), claims=moves, claims_checked=True)
    page = digest.render(d)
    flips = page.split("## Verdicts that flipped (an editor must look)")[1].split("## Sources")[0]
    assert f"**{SEED}**, paragraph 19, `rail-crossings-closed-five-days`: not-supported → **" in flips
    moved = page.split("## Claims whose figure moved")[1]
    assert f"**{SEED}**, paragraph 15, `darien-2023-half-million`: 498,000 crossings in 2023 → " in moved
    assert "520,085" in moved and "darien-2023-half-million" not in flips


def test_alert_exits_0_when_nothing_moved(capsys):
    assert cli.main(["alert", "--since", "2026-01-01"]) == 0
    page = capsys.readouterr().out
    assert (
        page.startswith("# Data update since 1 January 2026")
        and "## Claims whose figure moved\n\nNone." in page
    )
