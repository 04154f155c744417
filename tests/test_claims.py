"""The fact-check ledger: validation, verdicts then and now, the exit-code guard, reports."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import yaml

from migrationdata import claims
from migrationdata.cli import main
from migrationdata.paths import REPO_DIR

LEDGER = REPO_DIR / "data" / "claims.yaml"
THEN = claims.Vintage(claims.PUBLICATION_DAY)
NOW = claims.Vintage(None)


def _entries():
    return yaml.safe_load(LEDGER.read_text())["claims"]


def _write(tmp_path, entries):
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump({"claims": entries}, sort_keys=False))
    return path


def _by_id(entries, *ids):
    return [e for e in entries if e["id"] in ids]


# --- the ledger as committed ---------------------------------------------------------------


def test_required_claims_are_in_the_ledger():
    ids = {c.id for c in claims.load_ledger()}
    assert {
        "darien-2023-half-million",
        "darien-2023-doubled-record",
        "us-record-migration",
        "rail-crossings-closed-five-days",
        "other-entry-points-shuttered",
        "closures-earlier-this-month",
        "venezuelans-among-darien-crossers",
        "mexico-trade-stakes",
        "migrants-motives",
        "migration-election-issue",
        "agreements-undisclosed",
    } <= ids


def test_paraphrases_are_our_own_words(mirror):
    """No claim copies a run of eight words from the story."""
    article = re.findall(r"[a-z0-9']+", (mirror.parent / "article" / "article.txt").read_text().lower())
    runs = {" ".join(article[i : i + 8]) for i in range(len(article) - 7)}
    for c in claims.load_ledger():
        words = re.findall(r"[a-z0-9']+", c.claim.lower())
        for i in range(len(words) - 7):
            assert " ".join(words[i : i + 8]) not in runs, c.id


def test_check_passes_now_and_on_publication_day(capsys):
    assert main(["check"]) == 0
    assert main(["check", "--as-of", "2023-12-28"]) == 0
    out = capsys.readouterr().out
    assert "publication day" in out


# --- figures, then and now ---------------------------------------------------------------


def _result(cid, vintage):
    return claims.evaluate_all(vintage, [cid])[0]


def test_half_million_rested_on_unreleased_december_counts():
    then = _result("darien-2023-half-million", THEN)
    assert then.value == 495_459 and then.verdict == "not-checkable"
    assert then.data_through == "November 2023"
    now = _result("darien-2023-half-million", NOW)
    assert now.value == 520_085 and now.verdict == "supported"


def test_doubling_of_the_record():
    now = _result("darien-2023-doubled-record", NOW)
    assert round(now.value, 3) == round(520_085 / 248_284, 3)
    assert "2022: 248,284" in now.detail
    then = _result("darien-2023-doubled-record", THEN)
    assert round(then.value, 2) == round(495_459 / 248_284, 2)
    assert then.verdict == "supported-with-caveat"


def test_venezuelans_share():
    now = _result("venezuelans-among-darien-crossers", NOW)
    assert now.value == 1 and "328,650" in now.display and "63.2%" in now.display


def test_vintage_release_model():
    assert THEN.published("darien", __import__("pandas").Timestamp("2023-11-01"))
    assert not THEN.published("darien", __import__("pandas").Timestamp("2023-12-01"))
    # CBP's December 2023 figures came out on 26 January 2024
    dec = __import__("pandas").Timestamp("2023-12-01")
    assert THEN.released_on("cbp", dec) == date(2024, 1, 26)
    assert not claims.Vintage(date(2024, 1, 25)).published("cbp", dec)
    assert claims.Vintage(date(2024, 1, 26)).published("cbp", dec)


# --- the guard: a flipped verdict fails ----------------------------------------------------


def test_flipped_verdict_exits_1(tmp_path, capsys):
    entries = _by_id(_entries(), "darien-2023-half-million", "migrants-motives")
    path = _write(tmp_path, entries)
    assert main(["check", "--ledger", str(path)]) == 0
    entries[0]["verdict"]["now"] = "not-supported"
    _write(tmp_path, entries)
    assert main(["check", "--ledger", str(path)]) == 1
    err = capsys.readouterr().err
    assert "darien-2023-half-million" in err and "recorded not-supported" in err
    # the publication-day view is compared with its own recorded verdict
    assert main(["check", "--ledger", str(path), "--as-of", "2023-12-28"]) == 0


def test_json_output(capsys):
    assert main(["check", "--json", "--claim", "darien-2023-half-million"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1
    item = data[0]
    assert {"id", "claim", "verdict", "value", "as_of", "sources", "note"} <= set(item)
    assert item["value"] == 520_085 and item["as_of"] == "now"
    src = item["sources"][0]
    assert src["url"].startswith("https://") and src["retrieved_at"] and src["sha256"]


# --- bad claims files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e[0].update(metric="no_such_metric"), "unknown metric 'no_such_metric'"),
        (lambda e: e[0]["test"].update(op="about"), "malformed threshold test"),
        (lambda e: e[0]["test"].update(value="lots"), "malformed threshold test"),
        (lambda e: e.append(dict(e[0])), "duplicate id 'darien-2023-half-million'"),
        (lambda e: e[0].update(tables=[]), "must name the tables"),
        (lambda e: e[0]["verdict"].update(now="true"), "verdict now 'true'"),
        (lambda e: e[1].pop("reason"), "needs a 'reason'"),
    ],
)
def test_bad_entries_point_at_the_entry(tmp_path, change, message):
    entries = _by_id(_entries(), "darien-2023-half-million", "migrants-motives")
    change(entries)
    path = _write(tmp_path, entries)
    with pytest.raises(claims.ClaimsFileError, match=re.escape(message)) as exc:
        claims.load_ledger(path)
    assert "entry" in str(exc.value)


def test_a_failing_metric_is_reported_and_the_others_still_run(tmp_path, monkeypatch, capsys):
    def broken(v, year):
        raise RuntimeError("table unreadable")

    monkeypatch.setitem(claims.METRICS, "darien_year_total", broken)
    entries = _by_id(_entries(), "darien-2023-half-million", "darien-2023-doubled-record")
    entries[1]["metric"] = "darien_nationality_rank"
    entries[1]["params"] = {"year": 2023, "iso3": "VEN"}
    entries[1]["test"] = {"kind": "rank", "value": 1}
    entries[1]["verdict"] = {"publication": "supported-with-caveat", "now": "supported"}
    path = _write(tmp_path, entries)
    results = claims.evaluate_all(NOW, path=path)
    assert results[0].verdict == "error" and "table unreadable" in results[0].error
    assert results[1].verdict == "supported"
    assert main(["check", "--ledger", str(path)]) == 1


# --- reports ---------------------------------------------------------------------------------


def test_reports_and_claimreview(tmp_path):
    paths = claims.write_reports(tmp_path)
    md = (tmp_path / "factcheck.md").read_text()
    assert "### darien-2023-half-million" in md and "495,459" in md and "520,085" in md
    # context figures are reported apart and not counted as the story's claims
    assert md.index("## Context") > md.index("### darien-2023-half-million")
    assert md.index("### mexico-trade-stakes") > md.index("## Context")
    html = (tmp_path / "factcheck.html").read_text()
    assert html.startswith("<!doctype html>") and "<table>" in html
    assert '<a id="us-record-migration"></a>' in html
    reviews = json.loads((tmp_path / "claimreview.jsonld").read_text())
    assert {p.name for p in paths} == {"factcheck.md", "factcheck.html", "claimreview.jsonld"}
    checkable = [c for c in claims.load_ledger() if c.test["kind"] != "none" and not c.context]
    assert len(reviews) == len(checkable)
    for r in reviews:
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert r["claimReviewed"] and date.fromisoformat(r["datePublished"])
        assert r["author"]["@type"] == "Organization"
        rating = r["reviewRating"]
        assert rating["@type"] == "Rating" and 1 <= rating["ratingValue"] <= 5
        assert rating["alternateName"]
        assert r["itemReviewed"]["@type"] == "Claim"


def test_us_record_then_and_now():
    now = _result("us-record-migration", NOW)
    assert now.value == 1 and now.verdict == "supported-with-caveat"
    assert "FY2023: 2,475,669" in now.display and "December 2023 (301,981)" in now.display
    assert "December 2023 (249,740)" in now.detail and "March 2000 (220,063)" in now.detail
    assert "FY1960" in now.detail
    then = _result("us-record-migration", THEN)
    # the December record was not out on 28 December: the highest month then was September
    assert "September 2023 (269,735)" in then.display and then.data_through == "November 2023"


def test_rail_closure_five_calendar_days_about_100_hours():
    r = _result("rail-crossings-closed-five-days", NOW)
    assert r.value == 5 and r.verdict == "supported-with-caveat"
    assert "100–101 hours" in r.display and "Eagle Pass and El Paso" in r.display
    assert all(s["url"].startswith("https://") for s in r.sources)


def test_other_ports_then_still_closed_now_reopened():
    now = _result("other-entry-points-shuttered", NOW)
    assert now.value == 4
    for port in ("Lukeville", "Morley Gate", "Eagle Pass International Bridge 1", "PedWest"):
        assert port in now.display
    assert "reopened 04 Jan 2024" in now.display
    then = _result("other-entry-points-shuttered", THEN)
    assert then.value == 4 and "04 Jan" not in then.display and "still closed then" in then.display


def test_closed_rail_bridges_carry_a_large_share_of_trains():
    r = _result("closed-rail-crossings-are-key", NOW)
    assert 0.35 < r.value < 0.45
    assert "Eagle Pass 2" in r.display and "El Paso 3" in r.display


def test_venezuelans_at_us_border_december_2023():
    now = _result("venezuelans-at-us-border", NOW)
    assert now.value == 2 and "57,847" in now.display and "Mexico" in now.display
    then = _result("venezuelans-at-us-border", THEN)
    assert then.data_through == "November 2023"


def test_trade_stakes_then_and_now():
    now = _result("mexico-trade-stakes", NOW)
    assert round(now.value / 1e9, 1) == 798.8
    assert "exports $323.2B" in now.display and "imports $475.6B" in now.display
    assert "$233 million a day" in now.detail
    then = _result("mexico-trade-stakes", THEN)
    assert then.verdict == "not-checkable" and "January to October only" in then.display
