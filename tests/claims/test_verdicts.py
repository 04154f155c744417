"""Recorded verdicts: the seed story's, then and now, unchanged by the move to the generic
engine; every story passes `migrationdata check --all`; a flipped verdict fails, by name."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import yaml

from migrationdata.claims import evaluate_entry, evaluate_story, load_story, stories_dir
from migrationdata.cli import main

SEED = stories_dir() / "us-mexico-talks-2023-12"
PUBLICATION = date(2023, 12, 28)

#: the verdicts the seed story had before the engine was rewritten (data/claims.yaml)
SEED_VERDICTS = {
    "darien-2023-half-million": ("not-checkable", "supported"),
    "darien-2023-doubled-record": ("supported-with-caveat", "supported"),
    "us-record-migration": ("supported-with-caveat", "supported-with-caveat"),
    "rail-crossings-closed-five-days": ("supported-with-caveat", "supported-with-caveat"),
    "closed-rail-crossings-are-key": ("supported-with-caveat", "supported"),
    "other-entry-points-shuttered": ("supported", "supported"),
    "closures-earlier-this-month": ("supported", "supported"),
    "venezuelans-among-darien-crossers": ("supported-with-caveat", "supported"),
    "venezuelans-at-us-border": ("supported-with-caveat", "supported"),
    "migrants-continue-north": ("supported-with-caveat", "supported"),
    "mexico-trade-stakes": ("not-checkable", "supported"),
    # context added with the Mexico data (issue 15): December 2023 and the six months after
    "mexico-enforcement-dec-2023": ("not-checkable", "supported"),
    "mexico-enforcement-after-talks": ("not-checkable", "supported"),
    "migrants-motives": ("not-checkable", "not-checkable"),
    "migration-election-issue": ("not-checkable", "not-checkable"),
    "agreements-undisclosed": ("not-checkable", "not-checkable"),
    "barcena-reopening-priority": ("not-checkable", "not-checkable"),
    "amlo-poverty-investment": ("not-checkable", "not-checkable"),
}


@pytest.fixture(scope="module")
def seed():
    story = load_story(SEED)
    return (
        story,
        {r.id: r for r in evaluate_story(story, PUBLICATION)},
        {r.id: r for r in evaluate_story(story, None)},
    )


def test_seed_ids_and_verdicts_then_and_now_are_unchanged(seed):
    story, then, now = seed
    assert [c.id for c in story.claims] == list(SEED_VERDICTS)
    assert story.published == PUBLICATION
    for cid, (v_then, v_now) in SEED_VERDICTS.items():
        assert (then[cid].verdict, now[cid].verdict) == (v_then, v_now), cid
        assert then[cid].matches and now[cid].matches


def test_seed_figures_then_and_now(seed):
    _, then, now = seed
    assert (
        then["darien-2023-half-million"].value == 495_459 and now["darien-2023-half-million"].value == 520_085
    )
    assert now["darien-2023-doubled-record"].value == pytest.approx(520_085 / 248_284)
    assert (
        "2022: 248,284" in now["darien-2023-doubled-record"].conditions[0]
        or "248,284" in (now["darien-2023-doubled-record"].conditions[0])
    )
    us = now["us-record-migration"]
    assert us.value == 1 and "FY2023: 2,475,669" in us.display and "of 4 fiscal years" in us.display
    assert then["venezuelans-at-us-border"].data_through == "November 2023"
    assert "57,847" in now["venezuelans-at-us-border"].display
    assert round(now["mexico-trade-stakes"].value / 1e9, 1) == 798.8
    assert round(then["mexico-trade-stakes"].value / 1e9, 1) == 672.6
    assert now["closed-rail-crossings-are-key"].value == pytest.approx(4_162 / 10_772 * 100)
    assert then["migrants-continue-north"].value == 37_231


def test_seed_needs_no_story_specific_metric():
    text = (SEED / "story.yaml").read_text()
    used = set(re.findall(r"^\s+metric: (\w+)", text, re.M))
    assert used <= {"value", "change", "share", "rank", "rank_in_series", "closure", "closures_in_window"}


def test_paraphrases_are_our_own_words(mirror):
    """No claim copies a run of eight words from the seed story."""
    article = re.findall(r"[a-z0-9']+", (mirror.parent / "article" / "article.txt").read_text().lower())
    runs = {" ".join(article[i : i + 8]) for i in range(len(article) - 7)}
    for c in load_story(SEED).claims:
        words = re.findall(r"[a-z0-9']+", c.claim.lower())
        for i in range(len(words) - 7):
            assert " ".join(words[i : i + 8]) not in runs, c.id


def test_check_all_passes_with_the_recorded_verdicts(capsys):
    assert main(["check", "--all"]) == 0
    out = capsys.readouterr().out
    for slug in (
        "us-mexico-talks-2023-12",
        "darien-2024-reuters",
        "cbp-march-2025-update",
        "border-fy2025-cbs",
    ):
        assert f"== {slug}:" in out
    assert "(publication day)" in out and "as of 2025-01-15" in out


def test_check_one_story_as_of_its_publication(capsys):
    assert main(["check", "--story", "darien-2024-reuters", "--as-of", "2025-01-02"]) == 0
    out = capsys.readouterr().out
    assert "297,354" in out and "as of 2025-01-02 (publication day)" in out


def test_other_stories_counts():
    """The stories besides the seed: at least 25 checkable claims, all written in YAML alone."""
    checkable = 0
    for slug in ("darien-2024-reuters", "cbp-march-2025-update", "border-fy2025-cbs"):
        story = load_story(stories_dir() / slug)
        for r in evaluate_story(story, None):
            if not r.context and r.verdict not in ("not-checkable", "error"):
                checkable += 1
    assert checkable >= 25


def test_flipped_verdict_exits_1_and_names_the_claim(tmp_path, capsys):
    data = yaml.safe_load((SEED / "story.yaml").read_text().replace("on: 2023-12-20", "'on': 2023-12-20"))
    data["claims"] = [
        c for c in data["claims"] if c["id"] in ("darien-2023-half-million", "migrants-motives")
    ]
    folder = tmp_path / "seed-copy"
    folder.mkdir()
    path = folder / "story.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", "--ledger", str(path)]) == 0
    data["claims"][0]["verdict"]["now"] = "not-supported"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", "--ledger", str(path)]) == 1
    err = capsys.readouterr().err
    assert "VERDICT CHANGED: seed-copy/darien-2023-half-million (now): recorded not-supported" in err
    # the publication-day view is compared with its own recorded verdict
    assert main(["check", "--ledger", str(path), "--as-of", "2023-12-28"]) == 0


def test_a_metric_that_raises_is_an_error_and_the_others_still_run(tmp_path, monkeypatch, capsys):
    from migrationdata.claims import metrics

    def broken(reader, p):
        raise RuntimeError("table unreadable")

    monkeypatch.setitem(
        metrics.METRICS,
        "share",
        metrics.METRICS["share"].__class__("share", broken, metrics.ShareParams, "", "", {}),
    )
    story = load_story(SEED)
    results = {r.id: r for r in evaluate_story(story, None)}
    assert results["closed-rail-crossings-are-key"].verdict == "error"
    assert "table unreadable" in results["closed-rail-crossings-are-key"].error
    assert results["darien-2023-half-million"].verdict == "supported"
    assert main(["check", "--story", "us-mexico-talks-2023-12"]) == 1
    err = capsys.readouterr().err
    assert "CLAIM ERROR: us-mexico-talks-2023-12/closed-rail-crossings-are-key" in err
    assert "VERDICT CHANGED" not in err


def test_json_output(capsys):
    assert (
        main(["check", "--story", "us-mexico-talks-2023-12", "--claim", "darien-2023-half-million", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [d["as_of"] for d in data] == ["as of 2023-12-28 (publication day)", "now"]
    item = data[-1]["claims"][0]
    assert item["value"] == 520_085 and item["unit"] == "count" and item["complete"] is True
    src = item["sources"][0]
    assert src["table"] == "darien_monthly" and src["url"].startswith("https://") and src["sha256"]


def test_evaluate_entry_api():
    r = evaluate_entry(
        {
            "metric": "value",
            "params": {"table": "darien_monthly", "column": "migrants", "period": "2023"},
            "test": "more than 500,000",
        },
        as_of=date(2024, 2, 1),
    )
    assert r.verdict == "supported" and r.figure.value == 520_085 and r.figure.text and r.sources
    from migrationdata.claims import StoryError

    with pytest.raises(StoryError, match="unknown metric 'darien_year_total'"):
        evaluate_entry({"metric": "darien_year_total", "params": {"year": 2023}, "test": "more than 1"}, None)


def test_metrics_listing(capsys):
    assert main(["metrics"]) == 0
    out = capsys.readouterr().out
    assert "rank_in_series:" in out and "- since (" in out and "example: metric: value" in out
    assert main(["metrics", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    value = next(i for i in items if i["name"] == "value")
    assert {p["name"] for p in value["params"]} >= {"table", "column", "where", "period", "agg", "per"}
    assert value["example"]["test"] == "more than 500,000"


def test_draft_claims_are_shown_not_failed_on(tmp_path, capsys):
    """A drafted entry (status: draft, e.g. from the draft-from-text generator) may omit its
    verdicts; its proposed verdict is printed, never failed on, and it gets no ClaimReview."""
    data = yaml.safe_load((SEED / "story.yaml").read_text().replace("on: 2023-12-20", "'on': 2023-12-20"))
    data["claims"] = [c for c in data["claims"] if c["id"] == "darien-2023-half-million"]
    draft = dict(data["claims"][0], id="draft-one", status="draft", verdict={"now": "not-supported"})
    bare = dict(data["claims"][0], id="draft-two", status="draft")
    bare.pop("verdict")
    data["claims"] += [draft, bare]
    folder = tmp_path / "drafted"
    folder.mkdir()
    (folder / "story.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", "--ledger", str(folder / "story.yaml")]) == 0
    out = capsys.readouterr().out
    assert "[draft, proposed not-supported: not yet verified]" in out and "draft-two" in out
    from migrationdata.claims.report import claimreview, story_rows

    story = load_story(folder)
    ids = {r["url"].split("#")[1] for r in claimreview(story, story_rows(story))}
    assert ids == {"darien-2023-half-million"}


def test_spanish_story_is_read_in_spanish_and_the_data_contradict_one_figure():
    story = load_story(stories_dir() / "darien-2024-efe-es")
    assert story.language == "es"
    results = {r.id: r for r in evaluate_story(story, None)}
    assert results["venezuelans-70-percent"].value == pytest.approx(206_905 / 297_354 * 100)
    boys = results["boys-24411-by-mid-december"]
    assert boys.verdict == "not-supported" and boys.value == 33_970
    assert results["girls-30027-by-mid-december"].value == 29_677


def test_seed_mexico_context_figures(seed):
    """Checked by hand against data/processed/mexico_irregular_monthly.csv: December 2023 sums
    to 94,816 events; June-November 2023 to 499,414 and January-June 2024 to 710,343."""
    _, then, now = seed
    assert now["mexico-enforcement-dec-2023"].value == 94_816
    assert now["mexico-enforcement-after-talks"].value == pytest.approx((710_343 / 499_414 - 1) * 100)
    # on publication day UPM's bulletins ended at October 2023
    assert then["mexico-enforcement-dec-2023"].verdict == "not-checkable"


def test_a_failing_condition_is_the_test_the_verdict_names():
    """When the claim's own test passes and an ``also:`` condition fails, the verdict's note
    names the condition, not the passing test as if it had failed ("more than $5 billion fails
    (5.26 billion is above 5 billion)" was printed before)."""
    r = evaluate_entry(
        {
            "metric": "value",
            "params": {
                "table": "remittances_monthly",
                "column": "inflows_usd",
                "period": "2024-09..2024-12",
                "agg": "min",
            },
            "test": "more than $5 billion",
            "also": [
                {
                    "metric": "value",
                    "params": {"table": "remittances_monthly", "column": "inflows_usd", "period": "2024-08"},
                    "test": "under $5 billion",
                }
            ],
        },
        None,
    )
    assert r.verdict == "not-supported"
    assert r.note.startswith(
        'The data contradict the claim: test "under $5 billion" fails (6.11 billion is not below'
    )
    assert "more than $5 billion" not in r.note
