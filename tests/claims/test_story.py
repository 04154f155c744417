"""Story files are checked when loaded: each error names the file, the claim and the field."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from migrationdata.claims import StoryError, load_stories, load_story, stories_dir
from migrationdata.cli import main

SEED = stories_dir() / "us-mexico-talks-2023-12" / "story.yaml"


def seed() -> dict:
    return yaml.safe_load(SEED.read_text().replace("on: 2023-12-20", "'on': 2023-12-20"))


def write(root, slug, data, raw: str | None = None):
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(raw if raw is not None else yaml.safe_dump(data, sort_keys=False))
    return folder / "story.yaml"


def small(n=2) -> dict:
    d = seed()
    d["claims"] = [c for c in d["claims"] if c["id"] in ("darien-2023-half-million", "migrants-motives")][:n]
    return d


def problems_of(path) -> str:
    with pytest.raises(StoryError) as exc:
        load_story(path)
    return str(exc.value)


def test_every_committed_story_loads():
    stories = load_stories()
    assert {s.slug for s in stories} >= {
        "us-mexico-talks-2023-12",
        "darien-2024-reuters",
        "cbp-march-2025-update",
        "border-fy2025-cbs",
    }
    for s in stories:
        assert s.claims and s.published and s.url


@pytest.mark.parametrize(
    ("change", "claim", "field", "message"),
    [
        (
            lambda c: c.update(metric="no_such_metric"),
            "darien-2023-half-million",
            "metric",
            "unknown metric 'no_such_metric'; known metrics: change, change_months, change_rank, closure",
        ),
        (
            lambda c: c["params"].update(colum="migrants"),
            "darien-2023-half-million",
            "params",
            "unknown parameter 'colum' for value; its parameters: table, column, where, exclude, period",
        ),
        (
            lambda c: c["params"].update(period="last year"),
            "darien-2023-half-million",
            "params",
            "is not a period",
        ),
        (
            lambda c: c["params"].update(table="darien"),
            "darien-2023-half-million",
            "params",
            "unknown table 'darien'; known tables: darien_monthly",
        ),
        (
            lambda c: c["params"].update(column="nationality"),
            "darien-2023-half-million",
            "params",
            "'nationality' is not numeric",
        ),
        (lambda c: c["params"].update(per="week"), "darien-2023-half-million", "params", "per"),
        (lambda c: c.update(paragraph="P4"), "darien-2023-half-million", "paragraph", "valid integer"),
        (lambda c: c.update(test="about a lot"), "darien-2023-half-million", "test", "cannot read"),
        (
            lambda c: c.update(test="the highest"),
            "darien-2023-half-million",
            "test",
            "is a rank test, which value cannot take",
        ),
        (lambda c: c.update(test="about 42%"), "darien-2023-half-million", "test", "is a percentage"),
        (
            lambda c: c["verdict"].update(now="true"),
            "darien-2023-half-million",
            "verdict.now",
            "'true' is not allowed",
        ),
        (
            lambda c: c["verdict"].pop("publication"),
            "darien-2023-half-million",
            "verdict",
            "no recorded verdict for publication",
        ),
        (
            # a reporter's new claim: the message says how to see the figure first
            lambda c: c.pop("verdict"),
            "darien-2023-half-million",
            "verdict",
            "a new claim can say status: draft until then",
        ),
        (lambda c: c.update(id="Darien 2023"), "Darien 2023", "id", "should match pattern"),
        (lambda c: c.update(colour="red"), "darien-2023-half-million", "colour", "not a known field"),
    ],
)
def test_bad_claims_name_story_claim_and_field(tmp_path, change, claim, field, message):
    data = small()
    change(data["claims"][0])
    path = write(tmp_path, "demo", data)
    text = problems_of(path)
    assert "demo/story.yaml" in text
    assert f"claim {claim!r}" in text and f"field {field!r}" in text, text
    assert message in text, text
    assert "VERDICT CHANGED" not in text


def test_not_checkable_needs_a_reason(tmp_path):
    data = small()
    data["claims"][1]["reason"] = ""
    assert "needs a reason" in problems_of(write(tmp_path, "demo", data))


def test_duplicate_claim_ids(tmp_path):
    data = small()
    data["claims"].append(copy.deepcopy(data["claims"][0]))
    assert "used twice" in problems_of(write(tmp_path, "demo", data))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d.pop("published"), "published", "required, missing"),
        (lambda d: d.update(published="28/12/2023"), "published", "date"),
        (lambda d: d.update(published="2023-12-28T10:00:00"), "published", "needs its zone"),
        (lambda d: d.update(url="www.example.org"), "url", "should match pattern"),
        (lambda d: d.update(checked=["soon"]), "checked.0", "date"),
        (lambda d: d.update(language="fr"), "language", "'fr' is not allowed"),
    ],
)
def test_bad_story_fields(tmp_path, change, field, message):
    data = small()
    change(data)
    text = problems_of(write(tmp_path, "demo", data))
    assert f"field {field!r}" in text and message in text, text


def test_checked_dates_need_their_verdicts(tmp_path):
    data = small()
    data["checked"] = ["2024-01-31"]
    text = problems_of(write(tmp_path, "demo", data))
    assert "no recorded verdict for 2024-01-31" in text
    for c in data["claims"]:
        c["verdict"]["2024-01-31"] = c["verdict"]["now"]
    story = load_story(write(tmp_path, "demo", data))
    assert [k for k, _ in story.vintages] == ["publication", "2024-01-31", "now"]


def test_published_with_time_and_zone(tmp_path):
    data = small()
    data["published"] = "2023-12-28T07:30:00-06:00"
    story = load_story(write(tmp_path, "demo", data))
    assert (
        story.published.isoformat() == "2023-12-28"
        and story.published_at.utcoffset().total_seconds() == -6 * 3600
    )


def test_paragraphs_and_quotes_are_checked_against_the_text(tmp_path):
    data = small(1)
    data["claims"][0]["paragraph"] = 3
    data["claims"][0]["quote"] = "two million"
    path = write(tmp_path, "demo", data)
    (path.parent / "text.txt").write_text(
        "Headline\n\nFirst paragraph.\n\nMore than half a million crossed.\n"
    )
    assert "not found in paragraph 3" in problems_of(path)
    data["claims"][0]["paragraph"] = 9
    write(tmp_path, "demo", data)
    assert "past the end of text.txt (3 paragraphs)" in problems_of(path)
    data["claims"][0]["paragraph"] = 3
    data["claims"][0]["quote"] = "More than half a million"
    write(tmp_path, "demo", data)
    (path.parent / "text.txt").write_text("Headline\n\nFirst.\n\nMore than half a million crossed.\n")
    assert load_story(path).claims[0].quote == "More than half a million"


def test_unmapped_figures_are_listed_checked_and_counted(tmp_path, capsys):
    data = small()
    data["unmapped"] = [
        {"paragraph": 3, "words": "8,000 trucks", "reason": "A daily figure", "test": "about 8,000"},
        {"paragraph": 2, "words": "a record", "reason": "No series"},
    ]
    path = write(tmp_path, "demo", data)
    (path.parent / "text.txt").write_text("Headline\n\nFirst.\n\nMore than half a million crossed.\n")
    for c in data["claims"]:
        c["paragraph"] = 3
    write(tmp_path, "demo", data)
    story = load_story(path)
    assert story.unmapped[0] == {
        "paragraph": 3, "words": "8,000 trucks", "reason": "A daily figure", "test": "about 8,000"
    }  # fmt: skip
    assert story.unmapped[1] == {"paragraph": 2, "words": "a record", "reason": "No series"}
    main(["check", "--ledger", str(path), "--as-of", "2023-12-28"])
    assert "2 figure(s) listed as unmapped" in capsys.readouterr().out
    data["unmapped"][1]["paragraph"] = 7
    write(tmp_path, "demo", data)
    assert re.search(r"unmapped\[1\].*paragraph.*past the end of text.txt", problems_of(path))
    data["unmapped"][1] = {"paragraph": 2, "words": "a record"}  # no reason
    write(tmp_path, "demo", data)
    assert "reason" in problems_of(path)


def test_cbp_release_quote_is_in_its_stored_text():
    story = load_story(stories_dir() / "cbp-march-2025-update")
    c = story.claim("usbp-sw-march-2025")
    assert c.quote in story.paragraphs[c.paragraph - 1]


def test_yaml_alias_bomb_is_refused(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefgh"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "bomb", None, raw="\n".join(lines) + "\nheadline: x\n")
    text = problems_of(path)
    assert "bomb/story.yaml" in text and "expands to more than" in text


def test_malformed_yaml_and_non_mapping(tmp_path):
    assert "not valid YAML" in problems_of(write(tmp_path, "broken", None, raw="headline: [unclosed\n"))
    assert "expected a mapping" in problems_of(write(tmp_path, "list", None, raw="- 1\n- 2\n"))


def test_on_and_no_stay_words():
    story = load_story(SEED)
    assert story.claim("rail-crossings-closed-five-days").params["on"].isoformat() == "2023-12-20"


def test_one_bad_story_does_not_stop_the_others(tmp_path):
    good = small()
    write(tmp_path, "good-story", good)
    bad = small()
    bad.pop("published")
    write(tmp_path, "bad-story", bad)
    write(tmp_path, "Good-Story", good)  # the same slug, differently cased
    errors: list = []
    stories = load_stories(tmp_path, errors=errors)
    assert [s.slug for s in stories] == ["good-story"]
    text = "\n".join(map(str, errors))
    assert "bad-story/story.yaml" in text and "published" in text
    assert "already used" in text
    with pytest.raises(StoryError):
        load_stories(tmp_path)


def test_check_reports_file_errors_apart_from_verdicts(tmp_path, monkeypatch, capsys):
    good = small()
    write(tmp_path, "good-story", good)
    bad = small()
    bad["claims"][0]["metric"] = "darien_year_total"
    write(tmp_path, "bad-story", bad)
    monkeypatch.setenv("MIGRATIONDATA_STORIES", str(tmp_path))
    assert main(["check", "--all"]) == 1
    out, err = capsys.readouterr()
    assert "== good-story" in out  # still checked
    assert "STORY FILE ERROR" in err and "bad-story/story.yaml" in err and "darien_year_total" in err
    assert "VERDICT CHANGED" not in err
    assert main(["check", "--story", "good-story"]) == 0


def test_the_schema_lists_the_metrics_and_their_parameters():
    from migrationdata.claims import json_schema

    schema = json_schema()
    entry = schema["$defs"]["ClaimEntry"]
    assert "value" in entry["properties"]["metric"]["anyOf"][0]["enum"]
    value_branch = [b for b in entry["allOf"] if b["if"]["properties"]["metric"]["const"] == "value"][0]
    ref = value_branch["then"]["properties"]["params"]["$ref"].split("/")[-1]
    assert {"table", "column", "period", "where"} <= set(schema["$defs"][ref]["properties"])
    assert "published" in schema["required"]
    assert re.match(r"https://json-schema.org", schema["$schema"])
