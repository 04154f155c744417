"""The editor's page in headless Chromium: every mark drawn, linked to its card, coloured by verdict."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from migrationdata.draft import engine
from migrationdata.draft.report import write_html
from migrationdata.draft.story import draft_story


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return exe


def _args(exe: str, profile: Path) -> list[str]:
    return [
        exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={profile}", "--virtual-time-budget=10000",
    ]  # fmt: skip


class StandIn:
    """Stand-in verdicts (the engine is issue 14's): changes contradicted, the rest supported."""

    def __call__(self, entry, as_of, published):
        verdict = "not-supported" if entry["metric"] == "change" else "supported"
        return engine.Evaluation(verdict, f"stand-in figure for {entry['id']}", 1)


def test_the_draft_page_renders_with_every_mark_linked_and_coloured(seed_text, tmp_path):
    exe = _chromium()
    draft = draft_story(seed_text.read_text(encoding="utf-8"), date(2023, 12, 28), "en", evaluator=StandIn())
    page = write_html(draft, tmp_path / "draft.html")
    html = page.read_text(encoding="utf-8")
    dom = subprocess.run(
        [*_args(exe, tmp_path / "p1"), "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    marks = len(re.findall(r"<mark ", html))
    assert marks >= len(draft.proposals) - 2  # overlapping marks merge
    assert f'data-marks="{marks}"' in dom
    assert f'data-cards="{len(draft.proposals)}"' in dom
    assert 'data-broken-links="0"' in dom
    assert "contradicted: 1" in dom and "not checkable: 10" in dom

    shot = tmp_path / "draft.png"
    subprocess.run(
        [*_args(exe, tmp_path / "p2"), "--window-size=1280,2600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    import matplotlib.image as mpimg

    pixels = (mpimg.imread(shot)[..., :3] * 255).round()
    assert pixels.shape[:2] == (2600, 1280)

    def area(hex_colour: str) -> int:
        rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
        return int((abs(pixels - rgb).max(axis=-1) <= 2).sum())

    # marks and badges painted in each verdict's colour: supported, contradicted, not checkable
    assert area("#d3efd9") > 500
    assert area("#fbd5d2") > 200
    assert area("#ececec") > 500
