"""Periods resolved against the publication day, in English and Spanish."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.periods import find, month_span, parse_published, previous
from migrationdata.errors import DraftError

PUBLISHED = date(2023, 12, 28)  # the seed story's day, a Thursday


@pytest.mark.parametrize(
    ("text", "lang", "spec", "kind"),
    [
        ("in 2023", "en", "2023", "year"),
        ("in fiscal 2023", "en", "FY2023", "fiscal_year"),
        ("in fiscal year 2022", "en", "FY2022", "fiscal_year"),
        ("in FY24", "en", "FY2024", "fiscal_year"),
        ("last fiscal year", "en", "FY2023", "fiscal_year"),
        ("in December", "en", "2023-12", "month"),
        ("in March", "en", "2023-03", "month"),
        ("in December 2022", "en", "2022-12", "month"),
        ("last month", "en", "2023-11", "month"),
        ("earlier this month", "en", "2023-12", "month"),
        ("this year", "en", "2023", "year"),
        ("last year", "en", "2022", "year"),
        ("from January to November 2023", "en", "2023-01..2023-11", "range"),
        ("between October and March", "en", "2022-10..2023-03", "range"),
        ("on 18 December 2023", "en", "2023-12-18", "day"),
        ("on Dec. 18", "en", "2023-12-18", "day"),
        ("on Monday", "en", "2023-12-25", "day"),
        ("since 2020", "en", "2020", "since"),
        # the start of a ranking, however hedged, not a period the figure belongs to
        ("since at least fiscal year 2000", "en", "FY2000", "since"),
        ("since FY2000", "en", "FY2000", "since"),
        ("February's tally", "en", "2023-02", "month"),
        ("next year's elections", "en", "", "future"),
        # Spanish
        ("en 2023", "es", "2023", "year"),
        ("en diciembre", "es", "2023-12", "month"),
        ("en marzo de 2022", "es", "2022-03", "month"),
        ("el mes pasado", "es", "2023-11", "month"),
        ("el año pasado", "es", "2022", "year"),
        ("en lo que va del año", "es", "2023", "year"),
        ("en el año fiscal 2023", "es", "FY2023", "fiscal_year"),
        ("de enero a noviembre", "es", "2023-01..2023-11", "range"),
        ("el 18 de diciembre de 2023", "es", "2023-12-18", "day"),
        ("el lunes", "es", "2023-12-25", "day"),
        ("desde 2020", "es", "2020", "since"),
        ("desde al menos el año fiscal 2000", "es", "FY2000", "since"),
        ("el próximo año", "es", "", "future"),
        # parts of a year: a range of its months
        ("in the first half of 2023", "en", "2023-01..2023-06", "range"),
        ("in the second half of 2022", "en", "2022-07..2022-12", "range"),
        ("in the third quarter of 2023", "en", "2023-07..2023-09", "range"),
        ("in Q1 2023", "en", "2023-01..2023-03", "range"),
        ("the first nine months of this year", "en", "2023-01..2023-09", "range"),
        ("the first half of last year", "en", "2022-01..2022-06", "range"),
        ("en el primer semestre de 2023", "es", "2023-01..2023-06", "range"),
        ("en la segunda mitad de 2022", "es", "2022-07..2022-12", "range"),
        ("durante el tercer trimestre del año pasado", "es", "2022-07..2022-09", "range"),
        ("en los primeros cuatro meses de 2023", "es", "2023-01..2023-04", "range"),
    ],
)
def test_periods_in_both_languages(text, lang, spec, kind):
    found = find(text, PUBLISHED, lang)
    assert [(p.spec, p.kind) for p in found] == [(spec, kind)]
    assert text[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    ("text", "lang", "specs"),
    [
        ("from January to April 2023, 98% fewer than in the same period of 2022", "en", ["2023-01..2023-04", "2022-01..2022-04"]),
        ("in November 2023, up 5% on the same month last year", "en", ["2023-11", "2022-11"]),
        ("entre enero y abril de 2023, casi 98% menos que en el mismo periodo de 2022", "es", ["2023-01..2023-04", "2022-01..2022-04"]),
        ("en el primer semestre de 2023, más que en el mismo periodo del año pasado", "es", ["2023-01..2023-06", "2022-01..2022-06"]),
    ],
)  # fmt: skip
def test_the_same_period_repeats_the_months_named_before_it_in_another_year(text, lang, specs):
    assert [p.spec for p in find(text, PUBLISHED, lang)] == specs


def test_the_same_period_with_nothing_before_it_names_no_period():
    assert find("down 5% on the same period of 2022", PUBLISHED, "en") == []


def test_a_month_without_a_year_is_the_latest_one_up_to_publication():
    assert find("in December", date(2024, 3, 5), "en")[0].spec == "2023-12"
    assert find("en diciembre", date(2024, 3, 5), "es")[0].spec == "2023-12"
    assert find("in March", date(2024, 3, 5), "en")[0].spec == "2024-03"


def test_the_previous_year_is_relative_to_the_year_the_sentence_names():
    found = find("in 2023, double the record from the previous year", PUBLISHED, "en")
    assert [(p.spec, p.kind) for p in found] == [("2023", "year"), ("2022", "previous")]
    assert previous("2023") == "2022"
    assert previous("FY2023") == "FY2022"
    assert previous("2023-12") == "2022-12"


def test_may_the_verb_is_not_a_month():
    assert find("numbers may rise in 2024", PUBLISHED, "en")[0].spec == "2024"
    assert len(find("numbers may rise in 2024", PUBLISHED, "en")) == 1


def test_spans():
    assert month_span("FY2023") == (date(2022, 10, 1), date(2023, 9, 30))
    assert month_span("2023-02") == (date(2023, 2, 1), date(2023, 2, 28))


@pytest.mark.parametrize("given", ["2023-12-28", "2023-12-28T09:30:00-06:00", "2023-12-28T15:30Z"])
def test_published_accepts_a_date_or_an_iso_datetime(given):
    assert parse_published(given) == PUBLISHED


@pytest.mark.parametrize("given", ["28/12/2023", "yesterday", "2023-13-01", ""])
def test_a_published_date_that_does_not_parse_says_what_to_give(given):
    with pytest.raises(DraftError, match="YYYY-MM-DD"):
        parse_published(given)


@pytest.mark.parametrize(
    ("text", "lang", "spec", "kind"),
    [
        # read on 5 January 2024: the latest such span up to that day
        ("entre el 1 de enero y el 31 de diciembre", "es", "2023", "year"),
        ("del 1 de enero al 30 de junio de 2023", "es", "2023-01..2023-06", "range"),
        ("entre el 1 y el 30 de noviembre", "es", "2023-11", "month"),
        ("between January 1 and December 31", "en", "2023", "year"),
        ("from 1 January to 31 March 2023", "en", "2023-01..2023-03", "range"),
        # days that are not whole months: no period the monthly tables hold
        ("entre el 1 de enero y el 20 de septiembre", "es", "", "days"),
        ("between January 1 and September 20", "en", "", "days"),
    ],
)
def test_a_span_of_days_is_its_whole_months_or_no_period(text, lang, spec, kind):
    (found,) = find(text, date(2024, 1, 5), lang)
    assert (found.spec, found.kind, found.text) == (spec, kind, text)
