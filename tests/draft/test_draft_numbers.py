"""Figure spotting, English and Spanish: what is a figure, its value and the engine's test."""

from __future__ import annotations

import pytest

from migrationdata.draft.numbers import parse_digits, spot


def only(text: str, lang: str = "en"):
    figures = spot(text, lang)
    assert len(figures) == 1, [(f.kind, f.text) for f in figures]
    return figures[0]


@pytest.mark.parametrize(
    ("text", "lang", "kind", "value", "test", "words"),
    [
        (
            "over half a million migrants crossed",
            "en",
            "count",
            500_000,
            "more than 500,000",
            "over half a million",
        ),
        (
            "nearly 2.5 million encounters",
            "en",
            "count",
            2_500_000,
            "nearly 2.5 million",
            "nearly 2.5 million",
        ),
        ("at least 300,000 people", "en", "count", 300_000, "at least 300,000", "at least 300,000"),
        ("some 302,034 crossings", "en", "count", 302_034, "about 302,034", "some 302,034"),
        ("fewer than 55,000 in January", "en", "count", 55_000, "fewer than 55,000", "fewer than 55,000"),
        ("trade of $798.8 billion", "en", "money", 798.8e9, "$798.8 billion", "$798.8 billion"),
        ("roughly $1.2bn in goods", "en", "money", 1.2e9, "about $1.2 billion", "roughly $1.2bn"),
        ("69% were Venezuelan", "en", "percent", 69, "69%", "69%"),
        ("about 42 percent of them", "en", "percent", 42, "about 42%", "about 42 percent"),
        ("encounters fell 42% in January", "en", "change", 42, "down 42%", "fell 42%"),
        ("apprehensions rose by 12 per cent", "en", "change", 12, "up 12%", "rose by 12 per cent"),
        ("crossings doubled", "en", "multiple", 2, "doubled", "doubled"),
        ("the flow was halved", "en", "multiple", 0.5, "halved", "halved"),
        (
            "the second-highest month on record",
            "en",
            "rank",
            2,
            "second-highest",
            "second-highest month on record",
        ),
        ("a record-high influx", "en", "rank", 1, "the highest", "a record-high"),
        ("the lowest since 2020", "en", "rank", -1, "the lowest since 2020", "the lowest since 2020"),
        ("thousands of migrants", "en", "vague", 2000, "at least 2,000", "thousands"),
        ("closed for five days", "en", "duration", 5, "5", "five days"),
        ("a 10-hour barrage", "en", "duration", 10, "10", "10-hour"),
        ("half of the migrants", "en", "percent", 50, "about 50%", "half of"),
        # Spanish
        (
            "más de medio millón de migrantes",
            "es",
            "count",
            500_000,
            "more than 500,000",
            "más de medio millón",
        ),
        ("más de 500 mil personas", "es", "count", 500_000, "more than 500,000", "más de 500 mil"),
        ("casi 55 mil venezolanos", "es", "count", 55_000, "nearly 55,000", "casi 55 mil"),
        ("1,2 millones de encuentros", "es", "count", 1_200_000, "1.2 million", "1,2 millones"),
        ("unos 302.034 cruces", "es", "count", 302_034, "about 302,034", "unos 302.034"),
        (
            "63.313 millones de dólares",
            "es",
            "money",
            63_313e6,
            "$63.313 billion",
            "63.313 millones de dólares",
        ),
        (
            "798,8 mil millones de dólares",
            "es",
            "money",
            798.8e9,
            "$798.8 billion",
            "798,8 mil millones de dólares",
        ),
        ("cerca de 42% del total", "es", "percent", 42, "about 42%", "cerca de 42%"),
        ("los encuentros cayeron un 42%", "es", "change", 42, "down 42%", "cayeron un 42%"),
        ("la cifra se duplicó", "es", "multiple", 2, "doubled", "se duplicó"),
        ("el más alto de la serie", "es", "rank", 1, "the highest", "el más alto"),
        (
            "la segunda más alta de la historia",
            "es",
            "rank",
            2,
            "second-highest",
            "segunda más alta de la historia",
        ),
        ("miles de migrantes", "es", "vague", 2000, "at least 2,000", "miles"),
        ("cerrado durante cinco días", "es", "duration", 5, "5", "cinco días"),
        # a span of years is how long, not how many ("a level unseen in at least 25 years")
        ("unseen in at least 25 years", "en", "duration", 25, "25", "at least 25 years"),
        ("a 25-year low", "en", "duration", 25, "25", "25-year"),
        ("cayeron a un nivel no visto en 25 años", "es", "duration", 25, "25", "25 años"),
    ],
)
def test_figures_are_spotted_with_their_value_and_test(text, lang, kind, value, test, words):
    fig = only(text, lang)
    assert (fig.kind, fig.test, fig.text) == (kind, test, words)
    assert fig.value == pytest.approx(value)
    assert text[fig.start : fig.end] == fig.text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("In 2023 the talks began.", "en"),  # a year is a period, not a count
        ("Title 42 expulsions ended.", "en"),  # a name
        ("Eagle Pass Bridge 1 reopened.", "en"),
        ("He served during his tenure.", "en"),  # "ten" inside a word
        ("The 2023-2024 season.", "en"),
        ("Los migrantes llegaron en 2023.", "es"),
    ],
)
def test_years_names_and_words_are_not_figures(text, lang):
    assert spot(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "test", "words"),
    [
        # a qualifier between the direction and the percentage stays in the test
        (
            "crossings were down more than 95% from a year earlier",
            "en",
            "down more than 95%",
            "down more than 95%",
        ),
        ("arrests fell nearly 40% in a year", "en", "down nearly 40%", "fell nearly 40%"),
        ("exports rose about 12%", "en", "up about 12%", "rose about 12%"),
        ("los cruces cayeron más de 95%", "es", "down more than 95%", "cayeron más de 95%"),
    ],
)
def test_a_qualified_change_is_a_change_with_its_qualifier(text, lang, test, words):
    fig = only(text, lang)
    assert (fig.kind, fig.test, fig.text) == ("change", test, words)


@pytest.mark.parametrize(
    ("text", "test", "words"),
    [
        ("the lowest monthly figure on record", "the lowest", "the lowest"),
        ("the highest monthly total on record", "the highest", "highest"),
        ("a record low of crossings", "the lowest", "a record low"),
        ("crossings hit an all-time low", "the lowest", "all-time low"),
        ("the deadliest year on record", "the highest", "deadliest"),
    ],
)
def test_on_record_qualifies_the_superlative_beside_it(text, test, words):
    """'on record' says since when the ranking runs, not a second rank; a record low is a low."""
    figs = [f for f in spot(text) if f.kind == "rank"]
    assert [(f.test, f.text) for f in figs] == [(test, words)]


@pytest.mark.parametrize(
    ("digits", "value"),
    [
        # Spain
        ("300.500", 300_500),
        ("1.234.567", 1_234_567),
        ("4,6", 4.6),
        ("1.234,5", 1_234.5),
        ("1,25", 1.25),
        # Mexico, the partner desk's style
        ("2,904", 2_904),
        ("1,234,567", 1_234_567),
        ("4.6", 4.6),
        ("1,234.5", 1_234.5),
        ("61,791", 61_791),
    ],
)
def test_spanish_digits_read_as_spain_or_mexico_writes_them(digits, value):
    assert parse_digits(digits, "es") == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "kind", "test"),
    [
        ("Las remesas sumaron 61,791 millones de dólares en 2025", "money", "$61.791 billion"),
        ("una caída de 4.6% frente al año anterior", "change", "down 4.6%"),
        ("un aumento del 12,5% en un año", "change", "up 12.5%"),
        ("apenas 2,904 migrantes cruzaron la selva", "count", "2,904"),
        ("la cifra mensual más baja de su historia", "rank", "the lowest"),
        ("México recibió 64 mil 745 millones de dólares por remesas", "money", "$64.745 billion"),
        ("sumaron 5 mil 300 millones de dólares", "money", "$5.3 billion"),
    ],
)
def test_a_mexican_story_reads_as_mexico_writes(text, kind, test):
    fig = only(text, "es")
    assert (fig.kind, fig.test) == (kind, test)


@pytest.mark.parametrize(
    ("text", "lang", "test"),
    [
        ("more than double the year before", "en", "more than doubled"),
        ("more than tripled in a year", "en", "more than tripled"),
        ("más del doble que el año anterior", "es", "more than doubled"),
        ("nearly four times as many", "en", "quadrupled"),
        ("nearly twice as many as in 2022", "en", "nearly doubled"),
        ("casi el doble que en 2022", "es", "nearly doubled"),
    ],
)
def test_more_than_double_is_its_own_test(text, lang, test):
    fig = only(text, lang)
    assert (fig.kind, fig.test) == ("multiple", test)


@pytest.mark.parametrize(
    ("text", "lang", "test"),
    [
        ("a third fewer than a month earlier", "en", "down about 33.3%"),
        ("a quarter more than in 2022", "en", "up about 25%"),
        ("encounters dropped by more than half", "en", "down more than 50%"),
        ("un tercio menos que en diciembre", "es", "down about 33.3%"),
        ("los cruces cayeron más de la mitad", "es", "down more than 50%"),
    ],
)
def test_a_change_given_as_a_fraction(text, lang, test):
    fig = only(text, lang)
    assert (fig.kind, fig.test) == ("change", test)


def test_several_figures_in_one_sentence_keep_their_order_and_do_not_overlap():
    figs = spot("Crossings fell 42% to 55,000 in January, the lowest since 2020, and 69% were Venezuelan.")
    assert [f.kind for f in figs] == ["change", "count", "rank", "percent"]
    assert all(a.end <= b.start for a, b in zip(figs, figs[1:]))


def test_digits_follow_each_languages_separators():
    assert parse_digits("1,234.5", "en") == 1234.5
    assert parse_digits("1.234,5", "es") == 1234.5
    assert parse_digits("1\u00a0234", "es") == 1234


@pytest.mark.parametrize(
    ("text", "lang", "test", "words"),
    [
        ("superan en un 188,6 % a los 188.858 de 2022", "es", "up 188.6%", "superan en un 188,6 %"),
        ("were 188.6% more than the 188,858 of 2022", "en", "up 188.6%", "188.6%"),
        ("were 188.6% higher than in 2022", "en", "up 188.6%", "188.6%"),
    ],
)
def test_surpassing_by_a_percentage_is_a_rise(text, lang, test, words):
    change = spot(text, lang)[0]
    assert (change.kind, change.test, change.text) == ("change", test, words)
    # "superan los 500.000" is still a qualifier ("more than"), not a rise
    assert only("superan los 500.000 migrantes", "es").test == "more than 500,000"


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("545.043 migrantes, la mayoría de ellos venezolanos", "es", "la mayoría de ellos"),
        ("500,000 migrants, most of them Venezuelans", "en", "most of them"),
        ("500,000 migrants, mostly from Venezuela", "en", "mostly"),
    ],
)
def test_most_of_them_is_more_than_half(text, lang, words):
    majority = [f for f in spot(text, lang) if f.majority]
    assert [(f.kind, f.test, f.text) for f in majority] == [("percent", "more than 50%", words)]


@pytest.mark.parametrize(
    ("text", "tests"),
    [
        # Mexico's "N mil M" is one number, N*1000 + M
        ("el año pasado cerró con 782 mil 176 eventos", ["782,176"]),
        ("muy por encima de los 441 mil 409 casos de 2022", ["441,409"]),
        ("más de 441 mil 409 personas", ["more than 441,409"]),
        ("los 6 mil 672 de 2022", ["6,672"]),
        # ...but not a list, a year after "mil", or a scale word after the three digits
        ("unos 5 mil, 176 personas", ["about 5,000", "176"]),
        ("10 mil 2023", ["10,000"]),
        ("México recibió 64 mil 745 millones de dólares", ["$64.745 billion"]),
        ("más de 500 mil migrantes", ["more than 500,000"]),
        ("10 mil cruces", ["10,000"]),
    ],
)
def test_mexican_thousands_are_one_figure(text, tests):
    assert [f.test for f in spot(text, "es")] == tests


@pytest.mark.parametrize(
    ("text", "lang", "test", "words"),
    [
        ("más de ocho veces los 6 mil 672 de 2022", "es", "more than eight times", "más de ocho veces"),
        ("ocho veces los de 2022", "es", "eight times", "ocho veces"),
        ("more than eight times the 6,672 of 2022", "en", "more than eight times", "more than eight times"),
        ("nearly five times as many", "en", "nearly five times", "nearly five times"),
    ],
)
def test_multiples_past_four_are_times(text, lang, test, words):
    fig = next(f for f in spot(text, lang) if f.kind == "multiple")
    assert (fig.test, fig.text) == (test, words)


def test_hasta_after_a_change_is_the_level_reached_not_a_ceiling():
    figs = spot("creció a más del doble, hasta 345 mil 941 casos en 2023", "es")
    assert [(f.kind, f.text, f.test) for f in figs] == [
        ("multiple", "más del doble", "more than doubled"),
        ("count", "345 mil 941", "345,941"),
    ]
    assert only("se esperan hasta 10 mil personas", "es").test == "at most 10,000"


@pytest.mark.parametrize(
    ("text", "lang", "test"),
    [
        ("Migración irregular en México saltó un 77% en 2023", "es", "up 77%"),
        ("Irregular migration leapt 77% in 2023", "en", "up 77%"),
    ],
)
def test_a_jump_is_a_rise(text, lang, test):
    fig = only(text, lang)
    assert (fig.kind, fig.test) == ("change", test)


@pytest.mark.parametrize(
    ("text", "value", "test"),
    [
        ("US-Mexico trade hit $415B in the first half", 415e9, "$415 billion"),
        ("remittances came to US$64.7B", 64.7e9, "$64.7 billion"),
        ("trade reached $415.4bn", 415.4e9, "$415.4 billion"),
    ],
)
def test_a_headline_s_b_after_a_dollar_sign_is_billions(text, value, test):
    fig = only(text)
    assert (fig.kind, fig.value, fig.test) == ("money", value, test)


def test_a_b_after_a_number_without_a_currency_is_a_label():
    assert [(f.kind, f.text) for f in spot("Figure 3b shows that 5,000 people crossed", "en")] == [
        ("count", "5,000")
    ]


def test_added_up_to_is_a_total_not_a_ceiling():
    fig = only("US-Mexico trade added up to $415.4 billion in the first half")
    assert (fig.text, fig.test) == ("$415.4 billion", "$415.4 billion")
    assert only("as many as up to 10,000 a day crossed").test == "at most 10,000"
