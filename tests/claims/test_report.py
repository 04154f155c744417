"""Per-story reports (Markdown, HTML, ClaimReview JSON-LD), the index, escaping, and no
half-written report when a story is broken."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from story_files import put, seed_data

from migrationdata.claims import stories_dir, write_reports
from migrationdata.claims.report import ReportError, jsonld_text


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    paths = write_reports(out)
    return out, paths


def test_every_story_gets_its_three_files_and_the_index(reports):
    out, paths = reports
    for slug in (
        "us-mexico-talks-2023-12",
        "darien-2024-reuters",
        "cbp-march-2025-update",
        "border-fy2025-cbs",
    ):
        for name in ("factcheck.md", "factcheck.html", "claimreview.jsonld"):
            assert (out / slug / name).exists(), (slug, name)
    index = (out / "index.html").read_text()
    assert 'href="darien-2024-reuters/factcheck.html"' in index and "Reuters" in index
    assert (
        "[CBP releases March 2025 monthly update](cbp-march-2025-update/factcheck.md)"
        in (out / "index.md").read_text()
    )
    # per story md, html, jsonld and checks, and md, html and jsonld in Spanish; both indexes
    assert len(paths) == len(list(stories_dir().glob("*/story.yaml"))) * 7 + 4


def test_seed_report_then_and_now(reports):
    out, _ = reports
    md = (out / "us-mexico-talks-2023-12" / "factcheck.md").read_text()
    assert "### darien-2023-half-million" in md and "495,459" in md and "520,085" in md
    assert "then (28 December 2023)" in md
    assert md.index("## Context") > md.index("### darien-2023-half-million")
    assert md.index("### mexico-trade-stakes") > md.index("## Context")
    assert "table `darien_monthly`" in md
    html = (out / "us-mexico-talks-2023-12" / "factcheck.html").read_text()
    assert html.startswith("<!doctype html>") and '<section id="us-record-migration">' in html
    assert "Mexico, U.S. forge" in html  # the headline comes from story.yaml


def test_story_with_a_checked_date_shows_its_column(reports):
    out, _ = reports
    md = (out / "darien-2024-reuters" / "factcheck.md").read_text()
    assert "| claim | then (2 January 2025) | 15 January 2025 | now |" in md
    assert (
        "| [darien-2024-over-300000](#darien-2024-over-300000) | not-checkable | supported | supported |"
        in md
    )


def test_claimreview_comes_from_the_story(reports):
    out, _ = reports
    reviews = json.loads((out / "darien-2024-reuters" / "claimreview.jsonld").read_text())
    assert reviews and all(r["@type"] == "ClaimReview" for r in reviews)
    item = reviews[0]["itemReviewed"]
    assert item["datePublished"] == "2025-01-02"
    assert item["appearance"]["url"].startswith("https://www.nbcnews.com/")
    assert item["appearance"]["headline"].startswith("Over 300,000 migrants")
    assert reviews[0]["url"].startswith("reports/darien-2024-reuters/factcheck.html#")
    # context figures and claims the data cannot settle get no rating
    ids = {r["url"].split("#")[1] for r in reviews}
    assert "darien-2024-venezuelans-largest-group" not in ids and "panama-deportation-flights" not in ids
    for r in reviews:
        assert 1 <= r["reviewRating"]["ratingValue"] <= 5 and date.fromisoformat(r["datePublished"])


def test_story_text_is_escaped_and_jsonld_cannot_leave_its_script(tmp_path):
    data = seed_data()
    data["headline"] = "Talks </script><script>alert('h')</script> & more"
    data["claims"][0]["claim"] = "<img src=x onerror=alert(1)> More than 500,000 crossed"
    data["claims"][0]["caveat"] = "A <b>bold</b> caveat"
    root = tmp_path / "stories"
    put(root, "evil", data)
    out = tmp_path / "reports"
    write_reports(out, root=root)
    html = (out / "evil" / "factcheck.html").read_text()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>bold</b>" not in html
    assert "<script>alert" not in html
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and json.loads(script)[0]["itemReviewed"]["appearance"]["headline"].startswith(
        "Talks </script>"
    )
    md = (out / "evil" / "factcheck.md").read_text()
    assert "<img" not in md and "&lt;img" in md
    jsonld = (out / "evil" / "claimreview.jsonld").read_text()
    assert "</script>" not in jsonld and json.loads(jsonld)


def test_jsonld_text_escapes_markup():
    assert jsonld_text({"a": "</script><!--"}) == '{\n  "a": "\\u003c/script\\u003e\\u003c!--"\n}'


def test_a_broken_story_leaves_its_old_report_and_the_others_are_written(tmp_path):
    root, out = tmp_path / "stories", tmp_path / "reports"
    put(root, "good-story", seed_data())
    bad = seed_data()
    put(root, "bad-story", bad)
    write_reports(out, root=root)
    before = (out / "bad-story" / "factcheck.md").read_bytes()
    bad.pop("published")
    put(root, "bad-story", bad)
    (root / "bomb").mkdir()
    (root / "bomb" / "story.yaml").write_text(
        "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
        + "\n".join(
            f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]" for p, n in zip("abcdefg", "bcdefgh", strict=True)
        )
        + "\n"
    )
    with pytest.raises(ReportError) as exc:
        write_reports(out, root=root)
    assert "bad-story/story.yaml" in str(exc.value) and "published" in str(exc.value)
    assert "bomb/story.yaml" in str(exc.value)
    assert (out / "bad-story" / "factcheck.md").read_bytes() == before  # untouched, not half-written
    assert (out / "good-story" / "factcheck.html").exists()
    assert "bad-story" in (out / "index.html").read_text()
    assert not list(out.rglob("*.tmp"))


def test_as_of_report_says_so(tmp_path):
    root, out = tmp_path / "stories", tmp_path / "reports"
    put(root, "seed", seed_data())
    later = seed_data()
    later["published"] = date(2025, 1, 2)
    put(root, "later", later)
    write_reports(out, as_of=date(2024, 1, 31), root=root)
    assert not (out / "later").exists()  # not yet published on 31 January 2024
    md = (out / "seed" / "factcheck.md").read_text()
    assert md.startswith("# Fact-check as of 31 January 2024:")
    assert "> **As of 31 January 2024: the data as published by that date" in md
    reviews = json.loads((out / "seed" / "claimreview.jsonld").read_text())
    assert reviews[0]["reviewRating"]["ratingExplanation"].startswith("Data as published by 31 January 2024:")
