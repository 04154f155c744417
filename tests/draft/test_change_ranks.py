"""A superlative of a change ("the biggest annual decline in 16 years", "the biggest fall since
2009", "la mayor caída anual desde 2009") proposed as change_rank, checked by the engine on
Banxico's series; an average per transfer as dollars over transfers, never read as a total."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft import engine
from migrationdata.draft.propose import propose
from migrationdata.draft.sentences import Sentence
from migrationdata.draft.story import draft_story

PUBLISHED = date(2026, 2, 3)  # Mexico News Daily's story on Banxico's 2025
REM = {"table": "remittances_monthly", "column": "inflows_usd", "freq": "year", "period": "2025"}


def proposals(text, lang="en"):
    return propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang)


def ranked(text, lang="en"):
    return [p for p in proposals(text, lang) if p.metric == "change_rank"]


def test_a_decline_in_n_years_ranks_the_n_years_ending_with_it():
    (p,) = ranked("Remittances to Mexico dropped 4.6% in 2025, the biggest annual decline in 16 years.")
    assert p.params == {**REM, "since": "2010", "through": "2025"}
    assert p.test == "the lowest" and p.words == "biggest annual decline … 2025 … in 16 years"
    assert not p.also


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Remittances to Mexico declined by 4.6% in 2025, marking the biggest fall since 2009.", "en"),
        ("Las remesas a México registraron en 2025 la mayor caída anual desde 2009.", "es"),
    ],
)
def test_since_a_year_ranks_from_the_year_after_and_checks_that_year_was_deeper(text, lang):
    (p,) = ranked(text, lang)
    assert p.params == {**REM, "since": "2010", "through": "2026-01"}
    assert p.test == "the lowest"
    assert p.also == [
        {
            "metric": "change_rank",
            "params": {**REM, "since": "2009", "through": "2026-01"},
            "test": "second-lowest",
        }
    ]
    assert "2009's change was deeper" in p.caveat, p.caveat


def test_a_rise_is_the_highest_change():
    (p,) = ranked("Remittances to Mexico rose 25.9% in 2021, the largest increase since 2003.")
    assert p.test == "the highest" and p.params["since"] == "2004"
    assert p.also[0]["test"] == "second-highest"


def test_a_group_s_rise_or_the_smallest_change_stays_with_the_editor():
    found = proposals("Guatemalans saw the largest increase in Border Patrol encounters in 2023.")
    assert [p.kind for p in found if p.test == "the highest"] == ["unmapped"]


@pytest.mark.parametrize(
    ("text", "lang", "period", "test"),
    [
        ("The average remittance sent in December 2025 was $408 per transfer.", "en", "2025-12", "$408"),
        ("That was more than the $375 average recorded in December 2024 for remittances.", "en", "2024-12", "$375"),
        ("La remesa promedio de diciembre de 2025 fue de 402 dólares.", "es", "2025-12", "$402"),
    ],
)  # fmt: skip
def test_an_average_remittance_is_dollars_over_transfers(text, lang, period, test):
    (p,) = proposals(text, lang)
    assert (p.kind, p.metric, p.test) == ("claim", "value", test)
    assert p.params == {
        "table": "remittances_monthly",
        "column": "inflows_usd",
        "period": period,
        "per_column": "inflows_transfers",
    }


def test_an_average_per_item_with_no_count_of_items_is_not_a_total():
    (p,) = proposals("US-Mexico trade averaged $1.2 million per shipment in 2023.")
    assert p.kind == "unmapped" and p.reason.startswith("An average per item ('$1.2 million')")


def test_a_total_beside_an_average_is_still_a_total():
    found = proposals(
        "In December 2025, remittances to Mexico totaled $5.3 billion, 1.9% more than a year earlier."
    )
    assert [(p.metric, p.test) for p in found if p.kind == "claim"] == [
        ("value", "$5.3 billion"),
        ("change", "up 1.9%"),
    ]


@pytest.mark.skipif(not engine.available(), reason="needs the claims engine")
def test_the_engine_confirms_2025_the_deepest_fall_since_2009():
    text = (
        "Remittances dropped 4.6% in 2025, the biggest annual decline in 16 years\n\n"
        "Remittances to Mexico declined by 4.6% in 2025, to US $61.8 billion, marking the biggest fall "
        "since 2009."
    )
    draft = draft_story(text, PUBLISHED, "en")
    ranks = [p for p in draft.entries if p.metric == "change_rank"]
    assert [p.paragraph for p in ranks] == [1, 2]
    for p in ranks:
        # Banxico's 2025: -3.9% against 2024 as the series stands (-4.6% first printed), the
        # deepest yearly fall of the 16 from 2010; 2009's -15.5% deeper still
        assert p.evaluations["now"].verdict == "supported"
        assert "2025: -3.9% against 2024" in p.evaluations["now"].figure
        assert "the lowest change of 16 years from 2010 to 2025" in p.evaluations["now"].figure


@pytest.mark.parametrize(
    ("text", "published", "params", "second"),
    [
        # "since" a few words after the superlative
        (
            "Remittances to Mexico fell 3.9% in 2025, the biggest fall in remittances since 2009.",
            date(2026, 2, 3),
            {**REM, "since": "2010", "through": "2026-01"},
            "2009",
        ),
        # a month's change "in 16 years": among the months of those 16 years
        (
            "Remittances to Mexico plunged 16.2% in June 2025, the steepest monthly drop in 16 years.",
            date(2025, 7, 3),
            {**REM, "freq": "month", "period": "2025-06", "since": "2009-07", "through": "2025-06"},
            None,
        ),
        (
            "Remittances to Mexico plunged 16.2% in June 2025, the steepest drop in nine months.",
            date(2025, 7, 3),
            {**REM, "freq": "month", "period": "2025-06", "since": "2024-10", "through": "2025-06"},
            None,
        ),
    ],
)
def test_where_the_ranking_of_changes_starts(text, published, params, second):
    (p,) = [
        p for p in propose(Sentence(1, 0, text, 0, len(text)), published, "en") if p.metric == "change_rank"
    ]
    assert p.params == params and p.test == "the lowest"
    assert [a["params"]["since"] for a in p.also] == ([second] if second else [])


def test_the_draft_page_shows_the_second_check():
    from migrationdata.draft.report import render

    text = "Remittances to Mexico declined by 4.6% in 2025, marking the biggest fall since 2009."
    page = render(draft_story(text, PUBLISHED, "en", evaluator=None))
    assert "<dt>and</dt><dd>since: 2009, test second-lowest</dd>" in page


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Remittances to Mexico reached $5.125 billion in November 2025, down 5.7% from a year "
            "earlier, marking eight consecutive months of year-over-year declines.",
            "en",
        ),
        ("November 2025 marked the eighth straight month of declining remittances to Mexico.", "en"),
        (
            "Las remesas a México sumaron 5,125 millones de dólares en noviembre de 2025, su octavo mes "
            "consecutivo de caídas anuales.",
            "es",
        ),
    ],
)
def test_a_run_of_falls_is_counted_back_from_its_month(text, lang):
    found = propose(Sentence(1, 0, text, 0, len(text)), date(2026, 1, 5), lang)
    (run,) = [p for p in found if p.metric == "change_months"]
    assert run.params == {
        "table": "remittances_monthly", "column": "inflows_usd", "period": "2025-11",
        "direction": "fall", "consecutive": True,
    }  # fmt: skip
    assert run.test == "8"
    # the number of the run is not a count of remittances
    assert not [p for p in found if p.test == "8" and p.metric != "change_months"]
