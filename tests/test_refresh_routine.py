"""The scheduled refresh, end to end: scripts/refresh.sh against a mirror the test prepares
(one new month, then one revised month), on a copy of the committed data. Two refreshes in a
row must leave the right rows in the revision log and say the right things in the digest; the
workflow that runs the script must be a valid GitHub workflow."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrationdata.paths import REPO_DIR

TRADE = "bts_transborder_monthly_trends_1993_2025.csv"


def _mirror_with(mirror: Path, into: Path, trade_text: str) -> Path:
    """A mirror folder: every real file linked, the trade file replaced."""
    for src in mirror.rglob("*"):
        if src.is_file():
            dst = into / src.relative_to(mirror)
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.exists() or dst.is_symlink():
                dst.unlink()
            if src.name == TRADE:
                dst.write_text(trade_text, encoding="utf-8")
            else:
                dst.symlink_to(src)
    return into


def _with_january(text: str, bump: float = 1.0) -> str:
    """The TransBorder file plus January 2026: December 2025's rows again (Mexico's truck
    imports times ``bump``)."""
    lines = text.rstrip("\n").split("\n")
    extra = []
    for row in csv.reader([ln for ln in lines[1:] if ln.startswith("2025,12,")]):
        row[0], row[1] = "2026", "1"
        if row[2] == "Mexico" and row[3] == "Truck" and row[4] == "Import":
            row[5] = f"{round(float(row[5]) * bump)}.0"
        extra.append(",".join(row))
    return "\n".join(lines + extra) + "\n"


def _run(digest: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO_DIR / "scripts" / "refresh.sh"), str(digest), "--no-build"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_two_refreshes_in_a_row_log_and_report_what_changed(mirror, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO_DIR / "data", data, ignore=shutil.ignore_patterns("raw"))
    (data / "raw").mkdir()
    text = (mirror / "trade" / TRADE).read_text(encoding="utf-8")
    env = {
        **os.environ,
        "MIGRATIONDATA_DATA": str(data),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    env.pop("GITHUB_OUTPUT", None)

    # 1. the publisher adds January 2026
    env["MIGRATIONDATA_MIRROR"] = str(_mirror_with(mirror, tmp_path / "m1", _with_january(text)))
    first = _run(tmp_path / "digest1.md", env)
    assert first.returncode == 0, first.stderr[-3000:]
    page = (tmp_path / "digest1.md").read_text(encoding="utf-8")
    assert "- **trade**: updated" in page
    assert "- `trade/trade_us_mexico_monthly`: 2026-01" in page
    assert "- `cbp/cbp_southwest_monthly`:" in page
    log = list(csv.DictReader((data / "revisions" / "trade.csv").open(encoding="utf-8")))
    new = {(r["key"], r["column"]): r["new_value"] for r in log if r["change"] == "new"}
    # January 2026 first printed as December 2025's figures (the prepared mirror copies them)
    assert new[("month=2026-01-01", "imports_usd")] == "42360321615"
    assert new[("month=2026-01-01", "total_usd")] == "70521430770"
    assert not [r for r in log if r["change"] == "revised"]
    assert log[0]["release"].startswith(f"{TRADE}@")

    # 2. the publisher revises January's truck imports up by 2% (within trade's 3% policy)
    env["MIGRATIONDATA_MIRROR"] = str(_mirror_with(mirror, tmp_path / "m2", _with_january(text, 1.02)))
    second = _run(tmp_path / "digest2.md", env)
    assert second.returncode == 0, second.stderr[-3000:]
    page = (tmp_path / "digest2.md").read_text(encoding="utf-8")
    log = list(csv.DictReader((data / "revisions" / "trade.csv").open(encoding="utf-8")))
    revised = {
        (r["key"], r["column"]): (r["old_value"], r["new_value"]) for r in log if r["change"] == "revised"
    }
    truck = 32620722104.0 * 0.02
    old, new = revised[("month=2026-01-01", "imports_usd")]
    assert int(new) - int(old) == pytest.approx(truck, abs=2)
    assert "- **trade**: updated" in page and "revised or withdrawn values were logged" in page
    # imports moved by 1.5%: beyond the digest's 1% threshold, so listed by name; the total (0.9%) not
    assert f"trade/trade_us_mexico_monthly month=2026-01-01 `imports_usd`: {old} → {new}" in page
    assert "`total_usd`" not in page

    # 3. a revision beyond the policy (truck imports +8% more) is refused: log and tables stay as they were
    log_before = (data / "revisions" / "trade.csv").read_bytes()
    table_before = (data / "processed" / "trade_us_mexico_monthly.csv").read_bytes()
    env["MIGRATIONDATA_MIRROR"] = str(_mirror_with(mirror, tmp_path / "m3", _with_january(text, 1.10)))
    third = _run(tmp_path / "digest3.md", env)
    assert third.returncode == 1
    page = (tmp_path / "digest3.md").read_text(encoding="utf-8")
    assert (
        "- **trade**: refresh failed, last good data kept:" in page
        and "beyond the source's tolerance" in page
    )
    assert (data / "revisions" / "trade.csv").read_bytes() == log_before
    assert (data / "processed" / "trade_us_mexico_monthly.csv").read_bytes() == table_before
    # the first print is still the one of the first refresh
    from migrationdata import revisions

    assert (
        revisions.first_prints("trade", "trade_us_mexico_monthly", "imports_usd", base=data)[
            "month=2026-01-01"
        ]
        == old
    )


def test_the_refresh_workflow_is_a_valid_github_workflow():
    workflow = REPO_DIR / ".github" / "workflows" / "refresh.yml"
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = workflow.read_text(encoding="utf-8")
    assert "scripts/refresh.sh" in text and "cron:" in text and "verdict-flip" in text
