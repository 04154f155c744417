"""From a trial on a story of the Darién's first nine months of 2024 (Newsroom Panama, 30
September 2024: 259,712 crossings between January and September 25, 35% fewer than a year
before; July's 20,519 down 34% from June; August 19% below July and five times fewer than
August 2023). What the trial fixed:

- "down 34% from June" is measured from June (a period that takes its "from" in), to the
  sentence's July, not from June 2023 to June 2024;
- "the same month last year" is what a change is compared with, never its later side, and is
  the later side's month a year before ("In July ... less than half the number who crossed in
  the same month last year": July 2023, not June's);
- "less than half" / "menos de la mitad" is a ratio below 0.5 (a new test in the engine);
- "five times fewer" is a fifth (a ratio of 0.2: the engine's test language reads it so), not
  five times as many;
- "between January and September 25" / "entre enero y el 25 de septiembre" is a span of days
  (from the first of January), which no monthly table holds: its figures are left to the
  editor, not given the months before.

The text is a paraphrase; the figures are the story's.
"""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.claims.numbers import parse_test
from migrationdata.draft.story import draft_story

PUBLISHED = date(2024, 9, 30)

STORY = """Migrant crossings through Panama's Darien Gap down 35%

Crossings through the Darien Gap are down by more than a third in the first nine months of the year, a Panamanian border official said on Thursday.

Between January and September 25, 259,712 migrants reached Panama through the Darien, 35% fewer than in the same period of 2023.

Last year a record 520,000 migrants, most of them Venezuelans, crossed the Darien.

In July, 20,519 migrants crossed the Darien, down 34% from June and less than half the number who crossed in the same month last year.

In August there were 19% fewer crossings than in the previous month, and five times fewer than in the same month of 2023.
"""

DARIEN = {"table": "darien_monthly", "column": "migrants"}


def _draft(evaluator=None):
    draft = draft_story(STORY, PUBLISHED, "en", evaluator=evaluator)
    return {p.test: p for p in draft.proposals if p.kind == "claim"}, draft.unmapped


def test_each_change_is_measured_from_the_month_it_names():
    claims, _ = _draft()
    assert claims["down 34%"].params == {**DARIEN, "from": "2024-06", "to": "2024-07", "measure": "percent"}
    assert claims["down 19%"].params == {**DARIEN, "from": "2024-07", "to": "2024-08", "measure": "percent"}
    assert claims["five times fewer"].params == {
        **DARIEN,
        "from": "2023-08",
        "to": "2024-08",
        "measure": "ratio",
    }
    assert claims["20,519"].params == {**DARIEN, "period": "2024-07"}
    # "less than half the number who crossed in the same month last year": July against July 2023
    assert claims["less than half"].params == {
        **DARIEN,
        "from": "2023-07",
        "to": "2024-07",
        "measure": "ratio",
    }


def test_a_span_of_days_is_left_to_the_editor():
    _, unmapped = _draft()
    days = [p for p in unmapped if "span of days" in p.reason]
    assert sorted(p.test for p in days) == ["259,712", "down 35%"]
    assert "'Between January and September 25'" in days[0].reason


@pytest.mark.parametrize(
    ("text", "lang", "kind", "spec"),
    [
        ("Between January and September 25, 259,712 migrants crossed.", "en", "days", ""),
        ("Entre enero y el 25 de septiembre cruzaron 259.712 migrantes.", "es", "days", ""),
        # from the first of a month to the last of another: whole months
        ("Entre enero y el 30 de septiembre de 2024 cruzaron 263.296.", "es", "range", "2024-01..2024-09"),
        ("Between January and September 30, 2024, 263,296 crossed.", "en", "range", "2024-01..2024-09"),
    ],
)
def test_a_span_from_a_month_to_a_day(text, lang, kind, spec):
    from migrationdata.draft import periods

    (p,) = periods.find(text, PUBLISHED, lang)
    assert (p.kind, p.spec) == (kind, spec)


def test_n_times_fewer_is_a_fraction_in_the_test_language():
    test = parse_test("five times fewer")
    assert (test.measure, test.value, test.mode) == ("ratio", pytest.approx(0.2), "multiple")
    assert parse_test("cinco veces menos", "es").value == pytest.approx(0.2)
    with pytest.raises(Exception, match="N times fewer"):
        parse_test("nearly five times fewer")
    half = parse_test("less than half")
    assert (half.measure, half.value, half.op) == ("ratio", 0.5, "<")
    assert parse_test("menos de la mitad", "es").op == "<"


@pytest.mark.mirror
def test_panama_s_months_bear_the_story_out():
    from migrationdata.draft import engine

    claims, _ = _draft(engine.evaluate)
    # June 31,049 -> July 20,519 (-33.9%); July -> August 16,603 (-19.1%); August 2023 81,946 (0.20x)
    # July 2023 55,387 -> July 2024 20,519: 0.37, less than half
    for test in ("down 34%", "down 19%", "five times fewer", "20,519", "less than half"):
        assert claims[test].evaluations["now"].verdict == "supported", test
    assert "(0.20×" in claims["five times fewer"].evaluations["now"].figure
