"""Months listed with their own figures, ranks within a year or over the last N months, records
"at the time", growth rates and runs of months (the remittances trial, February 2025)."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.periods import Period
from migrationdata.draft.propose import propose
from migrationdata.draft.sentences import Sentence
from migrationdata.draft.story import draft_story
from migrationdata.paths import processed_dir

PUBLISHED = date(2025, 2, 10)
REM = {"table": "remittances_monthly", "column": "inflows_usd"}
YEAR_2024 = Period("2024", "year", "2024", 0, 0)
DECEMBER_2024 = Period("2024-12", "month", "December 2024", 0, 0)

pytestmark = pytest.mark.skipif(
    not (processed_dir() / "remittances_monthly.csv").is_file(), reason="no remittances table"
)


def proposals(text, lang="en", carry=None):
    return propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang, carry=carry)


def claims(text, lang="en", carry=None):
    return [(p.metric, p.params, p.test) for p in proposals(text, lang, carry) if p.kind == "claim"]


def unmapped(text, lang="en", carry=None):
    return [p for p in proposals(text, lang, carry) if p.kind == "unmapped"]


def change(a, b, test):
    return ("change", {**REM, "from": a, "to": b, "measure": "percent"}, test)


def rank(period, test, **scope):
    return ("rank_in_series", {**REM, "freq": "month", "period": period, **scope}, test)


def value(period, test):
    return ("value", {**REM, "period": period}, test)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Remittances to Mexico fell from a year earlier in six months of 2024: March (down 3.4%), May and "
            "July (down 1%), September (down 4.6%, the largest decline), October (down 1.6%) and December "
            "(down 4.9%).",
            "en",
        ),
        (
            "Las remesas a México cayeron frente a un año antes en seis meses de 2024: marzo (cayeron 3,4%), "
            "mayo y julio (cayeron 1%), septiembre (cayeron 4,6%), octubre (cayeron 1,6%) y diciembre "
            "(cayeron 4,9%).",
            "es",
        ),
    ],
)
def test_each_month_listed_takes_its_own_change_against_the_same_month_a_year_earlier(text, lang):
    # "the largest decline" said in September's brackets ranks September's change among 2024's
    largest = [
        ("change_rank", {**REM, "freq": "month", "period": "2024-09", "since": "2024-01", "through": "2024-12"},
         "the lowest")
    ] if lang == "en" else []  # fmt: skip
    assert claims(text, lang) == [
        change("2023-03", "2024-03", "down 3.4%"),
        change("2023-05", "2024-05", "down 1%"),
        change("2023-07", "2024-07", "down 1%"),
        change("2023-09", "2024-09", "down 4.6%"),
        *largest,
        change("2023-10", "2024-10", "down 1.6%"),
        change("2023-12", "2024-12", "down 4.9%"),
    ]
    # "six months" counts the months listed: no duration left unmapped
    assert unmapped(text, lang) == []


def test_a_count_of_months_that_is_not_the_list_stays_unmapped():
    text = "Remittances to Mexico fell in six months of 2024: March (down 3.4%) and May (down 1%)."
    assert claims(text) == [
        change("2023-03", "2024-03", "down 3.4%"),
        change("2023-05", "2024-05", "down 1%"),
    ]
    assert [p.test for p in unmapped(text)] == ["6"]


def test_each_amount_takes_its_own_month_and_the_year_s_highest_ranks_within_the_year():
    text = (
        "June was the year's highest month for remittances to Mexico, with US$6.2 billion, followed by "
        "August with US$6.08 billion."
    )
    within = {"since": "2024-01", "through": "2024-12"}
    assert claims(text, carry=YEAR_2024) == [
        value("2024-06", "$6.2 billion"),
        rank("2024-06", "the highest", **within),
        value("2024-08", "$6.08 billion"),
        rank("2024-08", "second-highest", **within),
    ]


def test_a_year_s_highest_month_in_spanish():
    text = (
        "Junio fue el mes más alto del año para las remesas, con 6.200 millones de dólares, seguido de "
        "agosto con 6.080 millones de dólares."
    )
    within = {"since": "2024-01", "through": "2024-12"}
    assert claims(text, "es", carry=YEAR_2024) == [
        value("2024-06", "$6.2 billion"),
        rank("2024-06", "the highest", **within),
        value("2024-08", "$6.08 billion"),
        rank("2024-08", "second-highest", **within),
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "January and February were the lowest for remittances to Mexico, with US$4.57 billion and "
            "US$4.49 billion.",
            "en",
        ),
        (
            "Enero y febrero fueron los más bajos para las remesas, con 4.570 millones de dólares y 4.490 "
            "millones de dólares.",
            "es",
        ),
    ],
)
def test_two_months_the_lowest_are_each_among_the_two_lowest_of_their_year(text, lang):
    within = {"since": "2024-01", "through": "2024-12"}
    got = proposals(text, lang, carry=YEAR_2024)
    assert [(p.metric, p.params, p.test) for p in got if p.kind == "claim"] == [
        value("2024-01", "$4.57 billion"),
        value("2024-02", "$4.49 billion"),
        rank("2024-01", "among the two lowest", **within),
        rank("2024-02", "among the two lowest", **within),
    ]
    assert all("Ranked within 2024" in p.caveat for p in got if p.metric == "rank_in_series")


def test_a_listed_month_ranked_on_record_ranks_every_month():
    text = "June was the highest month on record for remittances to Mexico, with US$6.2 billion."
    assert claims(text, carry=YEAR_2024) == [
        value("2024-06", "$6.2 billion"),
        rank("2024-06", "the highest", through="2025-01"),
    ]


def test_a_listed_rank_the_engine_cannot_split_is_left_unmapped():
    text = "January and February were the second-lowest months for remittances to Mexico."
    assert claims(text, carry=YEAR_2024) == []
    (left,) = unmapped(text, carry=YEAR_2024)
    assert "2 months together" in left.reason


def test_months_with_their_own_prepositions_are_left_to_the_period_rules():
    text = "Remittances to Mexico fell 29% in January from December."
    assert claims(text) == [change("2024-12", "2025-01", "down 29%")]


@pytest.mark.parametrize(
    ("text", "lang", "carry"),
    [
        ("It was the lowest monthly total in nine months for remittances to Mexico.", "en", DECEMBER_2024),
        ("Remittances to Mexico were the lowest in nine months in December 2024.", "en", None),
        ("Fue el monto más bajo de las remesas en nueve meses.", "es", DECEMBER_2024),
        ("Las remesas fueron las más bajas en nueve meses en diciembre de 2024.", "es", None),
    ],
)
def test_the_lowest_in_nine_months_ranks_the_nine_months_ending_with_it(text, lang, carry):
    assert claims(text, lang, carry) == [rank("2024-12", "the lowest", through="2024-12", since="2024-04")]
    assert unmapped(text, lang, carry) == []  # the nine months are the rank's, not a duration


def test_the_lowest_in_nine_months_in_a_story_takes_the_month_before():
    text = (
        "Remittances to Mexico\n\nIn December 2024, Mexico received US$5.2 billion in remittances. It was "
        "the lowest monthly total in nine months."
    )
    draft = draft_story(text, PUBLISHED, "en", evaluator=None)
    ranks = [(p.metric, p.params, p.test) for p in draft.entries if p.metric == "rank_in_series"]
    assert ranks == [rank("2024-12", "the lowest", through="2024-12", since="2024-04")]
    assert draft.unmapped == []


def test_the_highest_in_five_years():
    assert claims("Remittances to Mexico were the highest in five years in 2023.") == [
        (
            "rank_in_series",
            {**REM, "freq": "year", "period": "2023", "through": "2023", "since": "2019"},
            "the highest",
        )
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("That was 2.25% more than the US$63.3 billion of remittances to Mexico in 2023, itself a record at the time.", "en"),
        ("Remittances to Mexico reached US$63.3 billion in 2023, then a record.", "en"),
        ("Las remesas sumaron 63.300 millones de dólares en 2023, entonces un récord.", "es"),
    ],
)  # fmt: skip
def test_a_record_at_the_time_is_ranked_up_to_its_own_period(text, lang):
    ranks = [c for c in claims(text, lang) if c[0] == "rank_in_series"]
    assert ranks == [
        ("rank_in_series", {**REM, "freq": "year", "period": "2023", "through": "2023"}, "the highest")
    ]


def test_a_record_without_at_the_time_is_ranked_up_to_the_month_before_the_story():
    ranks = [c for c in claims("Remittances to Mexico reached a record in 2023.") if c[0] == "rank_in_series"]
    assert ranks[0][1]["through"] == "2025-01"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Remittance growth to Mexico has slowed since 2022: it was 25.9% in 2021 and 12.1% in 2022.", "en"),
        ("El crecimiento de las remesas fue de 25,9% en 2021 y de 12,1% en 2022.", "es"),
    ],
)
def test_a_growth_rate_of_a_year_is_its_change_from_the_year_before(text, lang):
    assert claims(text, lang) == [change("2020", "2021", "up 25.9%"), change("2021", "2022", "up 12.1%")]


def test_a_percentage_without_growth_is_still_a_share_of_what():
    (left,) = unmapped("Remittances to Mexico were 25.9% in 2021.")
    assert left.reason.startswith("A share of what?")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "In December 2024, Mexico received US$5.2 billion in remittances, the fourth month in a row above "
            "US$5 billion.",
            "en",
        ),
        (
            "Remittances to Mexico hit US$5.2 billion in December 2024, the fourth consecutive month above US$5 "
            "billion.",
            "en",
        ),
        (
            "En diciembre de 2024 las remesas sumaron 5.200 millones de dólares, el cuarto mes consecutivo por "
            "encima de 5.000 millones de dólares.",
            "es",
        ),
    ],
)
def test_the_fourth_month_in_a_row_above_a_level_is_the_lowest_of_the_four(text, lang):
    got = [p for p in proposals(text, lang) if p.kind == "claim"]
    assert [(p.metric, p.params, p.test) for p in got] == [
        value("2024-12", "$5.2 billion"),
        ("value", {**REM, "period": "2024-09..2024-12", "agg": "min"}, "more than $5 billion"),
    ]
    assert "fourth month in a row" in got[1].caveat and "August 2024 was not" in got[1].caveat


def test_a_longer_run_reads_the_same_ordinal_words_as_the_engine():
    """The run's ordinal comes from the engine's list of ordinal words (claims.numbers), folded:
    "décimo" is read as it is written, with or without its accent."""
    for text, lang in (
        ("In December 2024, Mexico received US$5.2 billion in remittances, the tenth month in a row above "
         "US$5 billion.", "en"),
        ("En diciembre de 2024 las remesas sumaron 5.200 millones de dólares, el décimo mes consecutivo por "
         "encima de 5.000 millones de dólares.", "es"),
    ):  # fmt: skip
        got = [p for p in proposals(text, lang) if p.kind == "claim"]
        assert (got[1].params["period"], got[1].params["agg"]) == ("2024-03..2024-12", "min"), lang
        assert "'The tenth month in a row'" in got[1].caveat and "February 2024 was not" in got[1].caveat


def test_a_story_with_these_patterns_end_to_end():
    text = (
        "Mexico's remittances in 2024\n\n"
        "Mexico received US$64.7 billion in remittances in 2024, up from US$63.3 billion in 2023, itself a "
        "record at the time.\n\n"
        "Growth in remittances has cooled: it was 25.9% in 2021 and 12.1% in 2022.\n\n"
        "In December 2024, remittances came to US$5.2 billion, the fourth month in a row above US$5 billion. "
        "It was the lowest monthly total in nine months.\n\n"
        "Remittances fell from a year earlier in two months of 2024: March (down 3.4%) and September (down "
        "4.6%).\n\n"
        "June was the year's highest month, with US$6.2 billion, followed by August with US$6.08 billion. "
        "January and February were the lowest, with US$4.57 billion and US$4.49 billion."
    )
    draft = draft_story(text, PUBLISHED, "en", evaluator=None)
    got = [(p.paragraph, p.metric, p.params, p.test) for p in draft.entries]
    within = {"since": "2024-01", "through": "2024-12"}
    assert got == [
        (2, "value", {**REM, "period": "2024"}, "$64.7 billion"),
        (2, "value", {**REM, "period": "2023"}, "$63.3 billion"),
        (2, "rank_in_series", {**REM, "freq": "year", "period": "2023", "through": "2023"}, "the highest"),
        (3, *change("2020", "2021", "up 25.9%")),
        (3, *change("2021", "2022", "up 12.1%")),
        (4, *value("2024-12", "$5.2 billion")),
        (4, "value", {**REM, "period": "2024-09..2024-12", "agg": "min"}, "more than $5 billion"),
        (4, *rank("2024-12", "the lowest", through="2024-12", since="2024-04")),
        (5, *change("2023-03", "2024-03", "down 3.4%")),
        (5, *change("2023-09", "2024-09", "down 4.6%")),
        (6, *value("2024-06", "$6.2 billion")),
        (6, *rank("2024-06", "the highest", **within)),
        (6, *value("2024-08", "$6.08 billion")),
        (6, *rank("2024-08", "second-highest", **within)),
        (6, *value("2024-01", "$4.57 billion")),
        (6, *value("2024-02", "$4.49 billion")),
        (6, *rank("2024-01", "among the two lowest", **within)),
        (6, *rank("2024-02", "among the two lowest", **within)),
    ]
    assert draft.unmapped == []
