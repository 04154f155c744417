"""From trials on stories about the Darién (April 2025: March's 194 crossings, 99% fewer than a
year earlier, "the lowest numbers since the COVID-19 border closures in 2020"; September 2024,
in Spanish: "su nivel más bajo en dos años"): the possessive publisher, a dated event as the
start of a record, the Darién's months ranked on its monthly table (its yearly table, from
2010, holds no months), "the same month last year" after a month named the sentence before,
and a record in N years with no period named."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft import periods
from migrationdata.draft.propose import propose
from migrationdata.draft.sentences import Sentence

PUBLISHED = date(2025, 4, 8)


def proposals(text, lang="en"):
    return propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang)


def test_panama_s_migration_service_is_the_publisher_not_a_people():
    (p,) = proposals(
        "According to figures from Panama's National Migration Service, only 194 migrants crossed the "
        "Darién jungle in March 2025."
    )
    assert p.params == {"table": "darien_monthly", "column": "migrants", "period": "2025-03"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the lowest numbers since the COVID-19 border closures in 2020", "en"),
        ("las cifras más bajas desde el cierre de fronteras por la COVID-19 en 2020", "es"),
    ],
)
def test_a_dated_event_starts_a_record(text, lang):
    (since,) = [p for p in periods.find(text, PUBLISHED, lang) if p.kind == "since"]
    assert since.spec == "2020" and since.text.endswith("2020")


def test_the_darien_s_months_are_ranked_on_its_monthly_table():
    (p,) = proposals(
        "Darién crossings in March 2025 were the lowest since the COVID-19 border closures in 2020."
    )
    # 2020's months of closure were lower (6 in August 2020): from January 2021, with a note
    assert p.metric == "rank_in_series" and p.test == "the lowest"
    assert p.params == {
        "table": "darien_monthly", "column": "migrants", "freq": "month", "period": "2025-03",
        "since": "2021-01", "through": "2025-03",
    }  # fmt: skip
    assert "a month of 2020 was lower" in p.caveat
    assert "since the COVID-19 border closures in 2020" in p.words


def test_a_monthly_average_over_years_said_loosely_is_left_to_the_editor():
    found = proposals(
        "Border Patrol reported only 7,180 apprehensions in March 2025, a record low compared to the "
        "monthly average of 155,000 over the past four years."
    )
    average = [p for p in found if p.test == "155,000"]
    assert [p.kind for p in average] == ["unmapped"]
    assert average[0].reason.startswith("An average ('155,000')")
    # the month's own figures still map
    assert [(p.metric, p.test) for p in found if p.kind == "claim"] == [
        ("value", "7,180"),
        ("rank_in_series", "the lowest"),
    ]


def test_the_same_month_last_year_repeats_the_month_the_sentence_before_named():
    march = periods.find("Only 194 migrants crossed the Darién in March 2025.", PUBLISHED)[0]
    text = (
        "This marks a 99% decrease compared to the same month last year, when nearly 37,000 people "
        "crossed the Darién."
    )
    found = propose(Sentence(1, 1, text, 0, len(text)), PUBLISHED, "en", carry=march)
    assert [
        (p.metric, p.params.get("from"), p.params.get("to"), p.params.get("period"), p.test) for p in found
    ] == [
        ("change", "2024-03", "2025-03", None, "down 99%"),
        ("value", None, None, "2024-03", "nearly 37,000"),
    ]
    # without a month before it, "the same month last year" has nothing to repeat
    assert [p for p in periods.find(text, PUBLISHED) if "same month" in p.text] == []


def test_its_lowest_level_in_two_years_with_no_period_is_the_latest_month():
    # Reuters' Spanish wire of September 2024: "cayó a su nivel más bajo en dos años", the month
    # named only in the next paragraph: August 2024 (16,603), the lowest of the 24 months from
    # September 2022
    text = (
        "El número de migrantes que cruzan la selva del Darién cayó a su nivel más bajo en dos años "
        "después de que Panamá impusiera controles más estrictos."
    )
    (p,) = propose(Sentence(1, 0, text, 0, len(text)), date(2024, 9, 5), "es")
    assert (p.metric, p.test) == ("rank_in_series", "the lowest")
    assert p.params == {
        "table": "darien_monthly", "column": "migrants", "freq": "month", "period": "2024-08",
        "since": "2022-09", "through": "2024-08",
    }  # fmt: skip
    assert "No period named: read as the latest complete month then." in p.caveat
