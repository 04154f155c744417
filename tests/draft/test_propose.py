"""One sentence at a time: the metric, parameters and test each rule proposes, both languages."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.entities import vocabulary
from migrationdata.draft.propose import main_period, propose
from migrationdata.draft.sentences import Sentence
from migrationdata.paths import processed_dir

PUBLISHED = date(2024, 1, 20)


def proposals(text, lang="en"):
    return propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang)


def claims(text, lang="en"):
    return [(p.metric, p.params, p.test) for p in proposals(text, lang) if p.kind in ("claim", "context")]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Border Patrol agents apprehended 225,000 migrants in December, the highest monthly total on record.",
            "en",
            [
                ("value", {"table": "usbp_southwest_monthly", "column": "encounters", "period": "2023-12"}, "225,000"),
                ("rank_in_series", {"table": "usbp_southwest_monthly", "column": "encounters", "freq": "month",
                                    "period": "2023-12", "through": "2023-12"}, "the highest"),
            ],
        ),
        (
            "La Patrulla Fronteriza detuvo a 250 mil migrantes en diciembre, la cifra más alta de la historia.",
            "es",
            [
                ("value", {"table": "usbp_southwest_monthly", "column": "encounters", "period": "2023-12"}, "250,000"),
                ("rank_in_series", {"table": "usbp_southwest_monthly", "column": "encounters", "freq": "month",
                                    "period": "2023-12", "through": "2023-12"}, "the highest"),
            ],
        ),
        (
            "Encounters at the southwest border fell 29% in January from December.",
            "en",
            [("change", {"table": "cbp_southwest_monthly", "column": "total", "from": "2023-12", "to": "2024-01",
                         "measure": "percent"}, "down 29%")],
        ),
        (
            "Los encuentros en la frontera sur cayeron 29% en enero frente a diciembre.",
            "es",
            [("change", {"table": "cbp_southwest_monthly", "column": "total", "from": "2023-12", "to": "2024-01",
                         "measure": "percent"}, "down 29%")],
        ),
        (
            "In fiscal 2023, CBP recorded 2.48 million encounters at the southern border, up 4% from the previous year.",
            "en",
            [
                ("value", {"table": "cbp_southwest_monthly", "column": "total", "period": "FY2023"}, "2.48 million"),
                ("change", {"table": "cbp_southwest_monthly", "column": "total", "from": "FY2022", "to": "FY2023",
                            "measure": "percent"}, "up 4%"),
            ],
        ),
        (
            "Venezuelans made up 42% of Darién crossings last year.",
            "en",
            [("share", {"table": "darien_monthly", "column": "migrants", "where": {"nationality_iso3": "VEN"},
                        "period": "2023"}, "42%")],
        ),
        (
            "Los venezolanos representaron el 63% de los cruces por el Darién el año pasado.",
            "es",
            [("share", {"table": "darien_monthly", "column": "migrants", "where": {"nationality_iso3": "VEN"},
                        "period": "2023"}, "63%")],
        ),
        (
            "Haitians were the second-largest group at the southern border in December.",
            "en",
            [("rank", {"table": "cbp_encounters", "column": "encounters", "by": "citizenship",
                       "where": {"region": "Southwest Land Border"}, "group": "Haiti", "period": "2023-12",
                       "exclude": {"citizenship": ["Other", "Other (grouped)"]}},
              "second-highest")],
        ),
        (
            "The Tucson sector recorded 80,000 apprehensions in December.",
            "en",
            [("value", {"table": "cbp_encounters", "column": "encounters", "where": {"area": "Tucson Sector"},
                        "period": "2023-12"}, "80,000")],
        ),
        (
            "Trains at Eagle Pass fell 10% in December.",
            "en",
            [("change", {"table": "crossings_us_mexico", "column": "value",
                         "where": {"port": "Eagle Pass", "measure": "Trains"}, "from": "2022-12", "to": "2023-12",
                         "measure": "percent"}, "down 10%")],
        ),
        (
            "El comercio entre México y Estados Unidos sumó 798 mil millones de dólares el año pasado.",
            "es",
            [("value", {"table": "trade_us_mexico_monthly", "column": "total_usd", "period": "2023"}, "$798 billion")],
        ),
        (
            "Trade between the two countries reached about $798 billion in 2023.",  # "two" is not a statistic
            "en",
            [("value", {"table": "trade_us_mexico_monthly", "column": "total_usd", "period": "2023"},
              "about $798 billion")],
        ),
        (
            # money received in Mexico (inflows), 63.32 bn in 2023 by the PROVENANCE totals
            "Remittances to Mexico rose to a record $63.3 billion in 2023.",
            "en",
            [
                ("rank_in_series", {"table": "remittances_monthly", "column": "inflows_usd", "freq": "year",
                                    "period": "2023", "through": "2023-12"}, "the highest"),
                ("value", {"table": "remittances_monthly", "column": "inflows_usd", "period": "2023"},
                 "$63.3 billion"),
            ],
        ),
        (
            "Las remesas sumaron 63.313 millones de dólares en 2023.",
            "es",
            [("value", {"table": "remittances_monthly", "column": "inflows_usd", "period": "2023"},
              "$63.313 billion")],
        ),
        (
            "The Lukeville port of entry was closed on 4 December 2023.",
            "en",
            [
                ("closure", {"id": "lukeville-2023-12", "field": "start"}, "2023-12-04"),
            ],
        ),
    ],
)  # fmt: skip
def test_rules(text, lang, expected):
    assert claims(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        ("About 8,000 trucks cross at Laredo every day.", "en", "Period ambiguous"),
        ("About 8,000 crossed at Laredo in December.", "en", "Crossings of what?"),
        ("The figure was 40% in 2023.", "en", "No series"),
        ("Darién crossings reached 500,000.", "en", "Period ambiguous"),
    ],
)
def test_what_cannot_be_mapped_says_why(text, lang, reason):
    found = proposals(text, lang)
    assert found and all(p.kind == "unmapped" for p in found)
    assert reason in found[0].reason


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        ("Many migrants are motivated by crime and poverty.", "en", "A motive"),
        ("Migration is a central issue in the coming elections.", "en", "A political judgement"),
        ("The details of the agreements remained undisclosed.", "en", "Undisclosed"),
        ("The minister said reopening was a priority.", "en", "A statement of position"),
        ("Muchos migrantes huyendo de la violencia buscan una vida mejor.", "es", "A motive"),
        ("La migración será clave en las elecciones.", "es", "A political judgement"),
        ("«Es una prioridad», afirmó la canciller.", "es", "A quote"),
    ],
)
def test_statements_no_data_can_settle(text, lang, reason):
    found = proposals(text, lang)
    assert [p.kind for p in found] == ["not-checkable"]
    assert found[0].reason.startswith(reason)


def test_records_on_a_table_younger_than_the_measure_carry_a_caveat():
    # total Southwest encounters start in FY2020: "a record" is since then
    sw = proposals("Encounters at the southern border reached a record in fiscal 2023.")
    record = next(p for p in sw if p.metric == "rank_in_series")
    assert (record.params["table"], record.params["through"], record.on_pass) == (
        "cbp_southwest_monthly", "2023-12", "supported-with-caveat",
    )  # fmt: skip
    assert "FY2020" in record.caveat
    # Border Patrol's fiscal years go back to FY1960: the annual table, no caveat
    bp = proposals("Border Patrol apprehensions hit a record in fiscal 2022.")
    record = next(p for p in bp if p.metric == "rank_in_series")
    assert (record.params["table"], record.params["column"], record.on_pass) == (
        "usbp_southwest_annual", "apprehensions", "",
    )  # fmt: skip


def test_the_caveated_series_start_where_the_vocabulary_says():
    # the vocabulary's words about when a table begins, against the tables themselves
    def first_month(table):
        with (processed_dir() / f"{table}.csv").open(encoding="utf-8") as fh:
            next(fh)
            return next(fh)[:7]

    assert first_month("cbp_southwest_monthly") == "2019-10"  # FY2020
    assert first_month("usbp_southwest_monthly") == "1999-10"
    with (processed_dir() / "usbp_southwest_annual.csv").open(encoding="utf-8") as fh:
        assert fh.readlines()[1].startswith("1960,")


def test_each_figure_its_own_period_and_a_change_from_the_period_after_from():
    text = (
        "This was a 14% decrease from November 2023 when agents apprehended 191,000 migrants, "
        "and a 30% increase from December 2022 when they apprehended 157,000."
    )
    carry = main_period(
        "In December 2023, Border Patrol agents apprehended 249,785 migrants.", PUBLISHED, "en"
    )
    found = propose(Sentence(1, 1, text, 0, len(text)), PUBLISHED, "en", carry=carry)
    assert [(p.metric, p.params.get("from"), p.params.get("to") or p.params.get("period"), p.test) for p in found] == [
        ("change", "2023-11", "2023-12", "down 14%"),
        ("value", None, "2023-11", "191,000"),
        ("change", "2022-12", "2023-12", "up 30%"),
        ("value", None, "2022-12", "157,000"),
    ]  # fmt: skip
    # with no sentence before to name the later period, the change says so
    alone = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "en")
    assert alone[0].kind == "unmapped" and "to when?" in alone[0].reason


def test_daily_averages_and_nationwide_figures():
    text = "Border Patrol averaged 2,100 apprehensions per day nationwide in November 2023, 15% lower than in October."
    value, change = proposals(text)
    nationwide = {
        "table": "cbp_encounters",
        "column": "encounters",
        "where": {"component": "U.S. Border Patrol"},
    }
    assert value.params == {**nationwide, "period": "2023-11", "per": "day"} and value.test == "2,100"
    assert change.params == {
        **nationwide,
        "from": "2023-10",
        "to": "2023-11",
        "measure": "percent",
        "per": "day",
    }
    # a nationwide record is ranked on the table that has every border, caveated from FY2020
    record = next(p for p in proposals("Nationwide apprehensions were the lowest on record in November 2023.")
                  if p.metric == "rank_in_series")  # fmt: skip
    assert record.params["table"] == "cbp_encounters" and record.on_pass == "supported-with-caveat"


def test_a_sentence_with_nothing_checkable_gives_nothing():
    assert proposals("The talks took place in Mexico City.") == []
    assert proposals("Las conversaciones fueron en la Ciudad de México.", "es") == []


def test_part_of_a_year_is_a_range_and_a_qualified_fall_compares_it_with_a_year_earlier():
    """'the first half of 2023' is January to June (not a 'half of' share), and 'up more than 50%
    from a year earlier' compares it with January to June 2022, the qualifier kept."""
    text = (
        "Panama counted fewer than 300,000 migrants crossing the Darién jungle in the first half of 2023, "
        "up more than 50% from a year earlier."
    )
    found = proposals(text)
    assert [p.kind for p in found] == ["claim", "claim"]
    value, change = found
    assert (value.metric, value.params["table"], value.params["period"], value.test) == (
        "value",
        "darien_monthly",
        "2023-01..2023-06",
        "fewer than 300,000",
    )
    assert (change.metric, change.params["from"], change.params["to"], change.test) == (
        "change",
        "2022-01..2022-06",
        "2023-01..2023-06",
        "up more than 50%",
    )


def test_a_change_between_two_months_compares_them_and_the_level_reached_is_the_later():
    text = (
        "Border Patrol apprehensions at the southwest border dropped by half between December 2023 "
        "and January 2024, to about 124,000."
    )
    change, value = proposals(text)
    assert (change.metric, change.params["from"], change.params["to"], change.test) == (
        "change",
        "2023-12",
        "2024-01",
        "halved",
    )
    assert (value.metric, value.params["period"], value.test) == ("value", "2024-01", "about 124,000")


def test_as_many_in_one_period_as_in_another_is_measured_from_the_other():
    text = "Border Patrol agents apprehended twice as many migrants in December 2023 as in December 2021."
    (change,) = proposals(text)
    assert (change.params["from"], change.params["to"], change.test) == ("2021-12", "2023-12", "doubled")


def test_the_whole_a_share_was_taken_of_is_not_the_groups_count():
    text = "Venezuelans made up 63% of the 520,085 people who crossed the Darién in 2023."
    found = {p.metric: p for p in proposals(text)}
    assert found["share"].params["where"] == {"nationality_iso3": "VEN"}
    assert found["value"].params == {"table": "darien_monthly", "column": "migrants", "period": "2023"}
    assert found["value"].test == "520,085"


def test_a_record_since_a_year_ranks_from_the_year_after_it():
    # "the fewest since 1970" says FY1970 had fewer: ranked from FY1971, and a second check
    # that FY1970 comes first with it (the annual table begins in FY1960)
    (rank,) = proposals("Border Patrol apprehensions in fiscal year 2023 were the fewest since 1970.")
    assert (rank.metric, rank.test, rank.params["since"]) == ("rank_in_series", "the lowest", "FY1971")
    assert rank.also == [
        {"metric": "rank_in_series", "params": {**rank.params, "since": "FY1970"}, "test": "second-lowest"}
    ]
    assert "fiscal year 1970 was lower" in rank.caveat
    # a month: which month of 2000 is not said, so from January 2001, with a note and no second check
    (rank,) = proposals("Border Patrol apprehensions in December 2023 were the highest since 2000.")
    assert (rank.test, rank.params["since"], rank.also) == ("the highest", "2001-01", [])
    assert "a month of 2000 was higher" in rank.caveat


@pytest.mark.parametrize(
    "text",
    [
        # hedged: where the series begins, not a year that was lower
        "Border Patrol apprehensions in March 2024 were the lowest since at least fiscal year 2000.",
        # a year before the table's months (October 1999): the data cannot say it was lower
        "Border Patrol apprehensions in March 2024 were the lowest since 1998.",
        # a year holding the period: the months since it began
        "Border Patrol apprehensions in March 2024 were the lowest since 2024.",
    ],
)
def test_a_hedged_or_inner_since_starts_the_ranking_there(text):
    (rank,) = proposals(text)
    assert rank.also == [] and "Since" not in rank.caveat
    assert rank.test.startswith("the lowest")


@pytest.mark.parametrize(
    ("text", "test"),
    [
        ("Darién crossings in 2023 saw an increase of 109% from 2022.", "up 109%"),
        ("Darién crossings in 2023 were a rise of 109% on 2022.", "up 109%"),
        ("Darién crossings fell in 2024, a drop of 42% from 2023.", "down 42%"),
    ],
)
def test_a_change_named_by_its_noun(text, test):
    (change,) = proposals(text)
    assert (change.metric, change.test) == ("change", test)


@pytest.mark.parametrize(
    ("text", "lang", "column"),
    [
        ("US-Mexico trade reached $798.8 billion in 2023.", "en", "total_usd"),
        ("About $560 billion of trade crossed the border by truck in 2023.", "en", "truck_usd"),
        ("Rail trade with Mexico was worth $80 billion in 2023.", "en", "rail_usd"),
        ("US exports to Mexico reached $320 billion in 2023.", "en", "exports_usd"),
        ("Mexico's exports to the US reached $475 billion in 2023.", "en", "imports_usd"),
        ("Las exportaciones mexicanas a Estados Unidos sumaron 475 mil millones de dólares en 2023.", "es", "imports_usd"),
        ("El comercio por ferrocarril sumó 80 mil millones de dólares en 2023.", "es", "rail_usd"),
    ],
)  # fmt: skip
def test_trade_by_mode_and_direction_as_the_us_side_records_it(text, lang, column):
    (value,) = proposals(text, lang)
    assert (value.params["table"], value.params["column"], value.params["period"]) == (
        "trade_us_mexico_monthly",
        column,
        "2023",
    )


@pytest.mark.parametrize(
    ("text", "lang", "area"),
    [
        ("At least 686 migrants died at the border in 2022.", "en", "us_mexico_border"),
        ("Al menos 686 migrantes murieron en la frontera en 2022.", "es", "us_mexico_border"),
        ("At least 686 migrants died or went missing in the Darién in 2022.", "en", "darien"),
    ],
)
def test_deaths_are_iom_s_count_for_the_border_or_the_darien(text, lang, area):
    (value,) = proposals(text, lang)
    assert (value.params, value.test) == (
        {
            "table": "missing_migrants_annual",
            "column": "dead_and_missing",
            "where": {"area": area},
            "period": "2022",
        },
        "at least 686",
    )


def test_a_series_the_kit_holds_no_table_for_says_so(monkeypatch):
    from migrationdata.draft import entities

    monkeypatch.setattr(entities.Series, "available", lambda self, root=None: self.key != "missing-migrants")
    (found,) = proposals("At least 686 migrants died at the border in 2022.")
    assert found.kind == "unmapped" and "no table for Deaths and disappearances" in found.reason


def test_irregular_entries_into_honduras_are_inm_honduras_count():
    text = "Honduras registered more than 540,000 irregular entries in 2023, nearly four times as many as in 2022."
    value, change = proposals(text)
    assert (value.params, value.test) == (
        {"table": "honduras_monthly", "column": "migrants", "period": "2023"},
        "more than 540,000",
    )
    assert (change.params["from"], change.params["to"], change.test) == ("2022", "2023", "quadrupled")
    # people from Honduras are a nationality, not Honduras' own count
    assert all(
        p.params.get("table") != "honduras_monthly"
        for p in proposals("Migrants from Honduras crossed the Darién: 20,000 in 2023.")
    )


def test_a_change_against_the_same_month_a_year_before_is_measured_from_it():
    text = (
        "En diciembre de 2023, las remesas sumaron 5 mil 500 millones de dólares, un aumento de 4.5 por "
        "ciento respecto al mismo mes del año anterior."
    )
    value, change = proposals(text, "es")
    assert (value.params["period"], value.test) == ("2023-12", "$5.5 billion")
    assert (change.params["from"], change.params["to"], change.test) == ("2022-12", "2023-12", "up 4.5%")


def test_a_record_figure_is_ranked_in_its_own_period():
    text = "Encounters at the southwest border fell to 176,205 in January 2024, down from a record 301,981 in December."
    rank = next(p for p in proposals(text) if p.metric == "rank_in_series")
    assert (rank.params["period"], rank.test) == ("2023-12", "the highest")


def test_a_fraction_fewer_than_a_month_earlier_is_a_change_from_the_month_before():
    text = "In the San Diego Sector, Border Patrol agents apprehended 17,000 migrants in January, a third fewer than a month earlier."
    change = next(p for p in proposals(text) if p.metric == "change")
    assert (change.params["from"], change.params["to"], change.test) == (
        "2023-12",
        "2024-01",
        "down about 33.3%",
    )


def test_ports_of_entry_processing_migrants_are_cbp_s_field_operations():
    (value,) = proposals("Ports of entry processed about 52,000 migrants in December 2023.")
    assert (value.params["table"], value.params["column"], value.test) == (
        "cbp_southwest_monthly",
        "ofo",
        "about 52,000",
    )


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        (
            "The US-Mexico border was the deadliest land route for migrants in 2022.",
            "en",
            "deadliest land route",
        ),
        ("IOM called it the world's deadliest land crossing in 2022.", "en", "deadliest land crossing"),
        ("La frontera fue la ruta más mortífera del mundo en 2022.", "es", "la ruta más mortífera"),
    ],
)
def test_a_superlative_that_ranks_places_is_not_a_record_of_the_series(text, lang, words):
    (found,) = proposals(text, lang)
    assert found.kind == "unmapped" and found.reason.startswith(f"Ranks places ({words!r}), not periods")


def test_a_record_year_of_deaths_is_ranked_among_the_same_area_s_years():
    text = "The Darién saw its deadliest year on record in 2022, with 147 dead and missing."
    rank, value = proposals(text)
    assert (rank.metric, rank.params, rank.test) == (
        "rank_in_series",
        {
            "table": "missing_migrants_annual",
            "column": "dead_and_missing",
            "where": {"area": "darien"},
            "freq": "year",
            "period": "2022",
            "through": "2023-12",
        },
        "the highest",
    )
    assert (value.params["where"], value.test) == ({"area": "darien"}, "147")
    # "in history" ranks periods too, though a place noun follows the superlative; so does a
    # place after a preposition or a number
    for text in (
        "CBP recorded its lowest southwest border crossings in history in March.",
        "Encounters hit a record high at the border in December.",
    ):
        assert [p.metric for p in proposals(text)] == ["rank_in_series"], text
    text = "Encounters at the southwest border reached a record 301,981 border encounters in December."
    assert [p.metric for p in proposals(text)] == ["rank_in_series", "value"]


@pytest.mark.parametrize(
    ("text", "lang", "whole"),
    [
        ("IOM logged 1,457 deaths and disappearances across the Americas in 2022.", "en", "the Americas"),
        ("La OIM registró 1,457 muertes en todo el continente en 2022.", "es", "el continente"),
    ],
)
def test_deaths_in_a_wider_whole_than_the_kit_s_two_areas_are_not_mapped(text, lang, whole):
    (found,) = proposals(text, lang)
    assert found.kind == "unmapped" and found.reason.startswith(f"Counts {whole!r}: the kit keeps IOM's")


def test_a_border_figure_beside_the_world_s_superlative_is_the_border_s():
    text = "IOM counted 686 migrants dead or missing along the US-Mexico border in 2022, the world's deadliest land crossing."
    value, rank = proposals(text)
    assert (value.kind, value.params["where"], value.test) == ("claim", {"area": "us_mexico_border"}, "686")
    assert rank.kind == "unmapped"


HN = {"table": "honduras_monthly", "column": "migrants"}
HN_NAT = {"table": "honduras_monthly_nationality", "column": "migrants"}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "El Instituto Nacional de Migración (INM) de Honduras contó unos 545.043 migrantes, la mayoría "
            "de ellos venezolanos, que atravesaron el país en 2023.",
            "es",
            [
                ("value", {**HN, "period": "2023"}, "about 545,043"),
                ("share", {**HN_NAT, "where": {"nationality_iso3": "VEN"}, "period": "2023"}, "more than 50%"),
                (
                    "rank",
                    {**HN_NAT, "by": "nationality_iso3", "group": "VEN", "period": "2023", "exclude": {"nationality_iso3": ["OOO"]}},
                    "the highest",
                ),
            ],
        ),
        (
            "Honduras' National Migration Institute counted about 545,043 migrants, most of them Venezuelans, "
            "who crossed the country in 2023.",
            "en",
            [
                ("value", {**HN, "period": "2023"}, "about 545,043"),
                ("share", {**HN_NAT, "where": {"nationality_iso3": "VEN"}, "period": "2023"}, "more than 50%"),
                (
                    "rank",
                    {**HN_NAT, "by": "nationality_iso3", "group": "VEN", "period": "2023", "exclude": {"nationality_iso3": ["OOO"]}},
                    "the highest",
                ),
            ],
        ),
        (
            "Según el INM de Honduras, los que ingresaron entre el 1 de enero y el 31 de diciembre superan en "
            "un 188,6 % a los 188.858 extranjeros contados en 2022.",
            "es",
            [
                ("change", {**HN, "from": "2022", "to": "2023", "measure": "percent"}, "up 188.6%"),
                ("value", {**HN, "period": "2022"}, "188,858"),
            ],
        ),
        (
            "According to the INM of Honduras, those who entered between January 1 and December 31 were "
            "188.6% more than the 188,858 foreigners counted in 2022.",
            "en",
            [
                ("change", {**HN, "from": "2022", "to": "2023", "measure": "percent"}, "up 188.6%"),
                ("value", {**HN, "period": "2022"}, "188,858"),
            ],
        ),
        (
            "Entries that passed through Honduras between January 1 and December 31 were 188.6% higher than "
            "the 188,858 of 2022.",
            "en",
            [
                ("change", {**HN, "from": "2022", "to": "2023", "measure": "percent"}, "up 188.6%"),
                ("value", {**HN, "period": "2022"}, "188,858"),
            ],
        ),
        (
            "In 2023 the INM of Honduras counted Cuba (85,969), Haiti (82,249) and Senegal (8,964).",
            "en",
            [
                ("value", {**HN_NAT, "where": {"nationality_iso3": code}, "period": "2023"}, test)
                for code, test in (("CUB", "85,969"), ("HTI", "82,249"), ("SEN", "8,964"))
            ],
        ),
        (
            "En 2023 cruzaron Honduras 228.889 venezolanos y 46.086 migrantes de Ecuador.",
            "es",
            [
                ("value", {**HN_NAT, "where": {"nationality_iso3": "VEN"}, "period": "2023"}, "228,889"),
                ("value", {**HN_NAT, "where": {"nationality_iso3": "ECU"}, "period": "2023"}, "46,086"),
            ],
        ),
    ],
)  # fmt: skip
def test_inm_honduras_count_its_change_and_its_nationalities(text, lang, expected):
    assert claims(text, lang) == expected


def test_inm_honduras_china_is_both_codes_the_republished_file_uses():
    (china,) = proposals("El INM de Honduras contó 12.184 migrantes de China en 2023.", "es")
    assert (china.params, china.test) == (
        {**HN_NAT, "where": {"nationality_iso3": ["CHN", "TWN"]}, "period": "2023"},
        "12,184",
    )
    assert "coded TWN" in china.caveat


def test_most_of_several_peoples_is_no_share_and_the_total_keeps_no_nationality():
    # "mostly Venezuelans and Ecuadorians" weighs them together: no one group's share to test
    assert claims("Más de 500.000 migrantes cruzaron el Darién en 2023, en su mayoría venezolanos y ecuatorianos.", "es") == [
        ("value", {"table": "darien_monthly", "column": "migrants", "period": "2023"}, "more than 500,000")
    ]  # fmt: skip
    # "most of them" with no people after it is not a statistic
    assert claims("Most of them crossed the Darién at night in 2023.") == []


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        ("El INM de Honduras contó 120.000 migrantes entre el 1 de enero y el 20 de septiembre.", "es", "A span of days"),
        ("Honduras' National Migration Institute counted 120,000 between January 1 and September 20.", "en", "A span of days"),
        ("Los migrantes que cruzaron Honduras en 2023 procedían de más de treinta países.", "es", "A number of countries"),
        ("Migrants who crossed Honduras in 2023 came from 30 countries.", "en", "A number of countries"),
        ("Los 54.664 migrantes restantes cruzaron Honduras en 2023.", "es", "The remaining after which groups?"),
    ],
)  # fmt: skip
def test_what_inm_honduras_figures_cannot_be_mapped_to_says_why(text, lang, reason):
    found = proposals(text, lang)
    assert [p.kind for p in found] == ["unmapped"]
    assert found[0].reason.startswith(reason)


def test_facilities_are_not_a_count_of_migrants():
    text = "El Gobierno habilitó cuatro centros de atención al migrante irregular en Honduras en 2023."
    assert [p for p in proposals(text, "es") if p.kind in ("claim", "unmapped")] == []


MX = {"table": "mexico_irregular_monthly", "column": "events"}


def mx_of(code, **params):
    return {**MX, "where": {"nationality_iso3": code}, **params}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "La migración irregular en México creció un 77% en 2023 frente al año anterior, según cifras "
            "que el gobierno mexicano difundió el viernes.",
            "es",
            [("change", {**MX, "from": "2022", "to": "2023", "measure": "percent"}, "up 77%")],
        ),
        (
            "Irregular migration in Mexico jumped 77% in 2023 from the year before, according to figures "
            "the Mexican government released on Friday.",
            "en",
            [("change", {**MX, "from": "2022", "to": "2023", "measure": "percent"}, "up 77%")],
        ),
        (
            "Según la Unidad de Política Migratoria, 2023 cerró con 782 mil 176 eventos de personas en "
            "situación migratoria irregular, muy por encima de los 441 mil 409 casos de 2022.",
            "es",
            [
                ("value", {**MX, "period": "2023"}, "782,176"),
                ("value", {**MX, "period": "2022"}, "441,409"),
            ],
        ),
        (
            "Mexico's Migration Policy Unit counted 782,176 irregular migrants in 2023, far above the "
            "441,409 of 2022.",
            "en",
            [
                ("value", {**MX, "period": "2023"}, "782,176"),
                ("value", {**MX, "period": "2022"}, "441,409"),
            ],
        ),
        (
            # a nationality in Mexico's table, a change for it, and a multiple of what it was
            "Las autoridades mexicanas contaron 80 mil 120 migrantes de Haití en 2023, ocho veces los "
            "10 mil de 2022.",
            "es",
            [
                ("value", mx_of("HTI", period="2023"), "80,120"),
                ("change", mx_of("HTI", **{"from": "2022", "to": "2023", "measure": "ratio"}), "eight times"),
                ("value", mx_of("HTI", period="2022"), "10,000"),
            ],
        ),
        (
            "Mexican authorities detained 222,994 migrants from Venezuela in 2023, 131.8% more than in 2022.",
            "en",
            [
                ("value", mx_of("VEN", period="2023"), "222,994"),
                ("change", mx_of("VEN", **{"from": "2022", "to": "2023", "measure": "percent"}), "up 131.8%"),
            ],
        ),
    ],
)  # fmt: skip
def test_mexico_s_irregular_migration_count_and_its_nationalities(text, lang, expected):
    assert claims(text, lang) == expected


def test_a_count_before_a_change_is_not_in_the_period_the_change_is_measured_from():
    """ "con 222 mil 994, un 131,8% más que en 2022": the count is the later year's (the one the
    story spoke of before), the change Venezuela's, and the count after "cuando" 2022's."""
    text = (
        "Entre los países sudamericanos, Venezuela tuvo el mayor repunte en México, con 222 mil 994, "
        "un 131,8% más que en 2022, cuando se reportaron 96.197."
    )
    year = main_period("Las autoridades mexicanas contaron 782 mil 176 en 2023.", PUBLISHED, "es")
    series = vocabulary().series["mexico-enforcement"]
    found = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "es", carry=year, series_carry=series)
    assert [(p.kind, p.metric, p.params, p.test) for p in found] == [
        ("unmapped", "", {}, "the highest"),  # "el mayor repunte": a rank of changes
        ("claim", "value", mx_of("VEN", period="2023"), "222,994"),
        ("claim", "change", mx_of("VEN", **{"from": "2022", "to": "2023", "measure": "percent"}), "up 131.8%"),
        ("claim", "value", mx_of("VEN", period="2022"), "96,197"),
    ]  # fmt: skip
    assert found[0].reason.startswith("A rank of changes ('el mayor repunte'")
    assert found[1].caveat.startswith("2023: the period of the sentence before")


@pytest.mark.parametrize(
    ("text", "lang", "tests", "region"),
    [
        (
            "El mayor aumento en México fue el de los migrantes de África, que llegaron a 59.834 en 2023, "
            "más de ocho veces los 6 mil 672 de 2022.",
            "es",
            ["59,834", "more than eight times", "6,672"],
            "Africa",
        ),
        (
            "Arrivals from Africa detained in Mexico reached 59,834 in 2023, more than eight times the 6,672 "
            "of 2022.",
            "en",
            ["59,834", "more than eight times", "6,672"],
            "Africa",
        ),
        (
            "La migración irregular en México desde Sudamérica creció a más del doble, hasta 345 mil 941 "
            "casos en 2023, frente a 159 mil 511 el año anterior.",
            "es",
            ["more than doubled", "345,941", "159,511"],
            "South America",
        ),
        (
            "La migración irregular en México desde Centroamérica y el Caribe subió más de 17% en 2023, en "
            "particular la de Honduras, Guatemala y Haití.",
            "es",
            ["up more than 17%"],
            "Central America and the Caribbean",
        ),
        ("Mexican authorities detained 59,000 Africans in 2023.", "en", ["59,000"], "Africa"),
        ("Las autoridades mexicanas detuvieron a 59 mil asiáticos en 2023.", "es", ["59,000"], "Asia"),
    ],
)  # fmt: skip
def test_a_figure_said_of_a_region_is_not_a_nationality_s_nor_the_total(text, lang, tests, region):
    found = [p for p in proposals(text, lang) if p.kind != "unmapped" or p.test != "the highest"]
    assert [(p.kind, p.test) for p in found] == [("unmapped", t) for t in tests]
    assert all(p.reason.startswith(f"A region ({region}), not a nationality") for p in found)


def test_the_largest_rise_ranks_changes_not_the_total():
    for text, lang in (
        ("El mayor aumento de la migración irregular en México fue el de Venezuela en 2023.", "es"),
        ("Mexico's detentions of Venezuelans saw the highest increase in 2023.", "en"),
    ):
        found = proposals(text, lang)
        assert [(p.kind, p.test) for p in found] == [("unmapped", "the highest")], text
        assert found[0].reason.startswith("A rank of changes")


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("En diciembre se llegaron a reportar a diario 10 mil cruces irregulares hacia Estados Unidos.", "es",
         "llegaron a reportar a diario"),
        ("En diciembre la Patrulla Fronteriza detuvo hasta 10 mil migrantes al día.", "es", "hasta 10 mil migrantes al día"),
        ("Border Patrol recorded as many as 10,000 irregular crossings a day in December.", "en",
         "as many as 10,000 irregular crossings a day"),
        ("Border Patrol apprehensions peaked at 10,000 a day in December.", "en", "peaked at 10,000 a day"),
        ("Border Patrol apprehended up to 10,000 migrants a day in December.", "en", "up to 10,000 migrants a day"),
    ],
)  # fmt: skip
def test_a_daily_peak_is_not_the_daily_average_monthly_tables_give(text, lang, words):
    (found,) = proposals(text, lang)
    assert found.kind == "unmapped"
    assert found.reason.startswith(f"A daily peak ({words!r}): the tables give monthly totals")
    assert "daily average (metric value with per: day)" in found.reason


@pytest.mark.parametrize(
    ("text", "lang", "test"),
    [
        ("En diciembre la Patrulla Fronteriza detuvo en promedio 8 mil migrantes al día.", "es", "8,000"),
        ("Border Patrol apprehended an average of 8,000 migrants a day in December.", "en", "about 8,000"),
    ],
)
def test_a_daily_average_is_still_checked_as_one(text, lang, test):
    assert claims(text, lang) == [
        (
            "value",
            {"table": "usbp_southwest_monthly", "column": "encounters", "period": "2023-12", "per": "day"},
            test,
        )
    ]


USBP = {"table": "usbp_southwest_monthly", "column": "encounters"}


@pytest.mark.parametrize(
    ("text", "lang", "test", "rule"),
    [
        ("In April 2020 Border Patrol recorded about 16,000 apprehensions, among the lowest monthly totals in "
         "decades.", "en", "among the five lowest", True),
        ("In April 2020 Border Patrol recorded about 16,000 apprehensions, one of the lowest months on record.",
         "en", "among the five lowest", True),
        ("In April 2020 Border Patrol recorded about 16,000 apprehensions, one of the three lowest months on "
         "record.", "en", "among the three lowest", False),
        ("En abril de 2020 la Patrulla Fronteriza registró unas 16 mil aprehensiones, una de las cifras más "
         "bajas de la historia.", "es", "among the five lowest", True),
    ],
)  # fmt: skip
def test_among_the_lowest_without_a_number_is_among_the_five_said_as_a_house_rule(text, lang, test, rule):
    got = [p for p in proposals(text, lang) if p.metric == "rank_in_series"]
    assert [(p.params["period"], p.test) for p in got] == [("2020-04", test)]
    assert ("house rule" in got[0].caveat) is rule
    assert got[0].claim.endswith(f"April 2020 was {test} months.")


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("Border Patrol apprehensions reached a record at the end of 2023.", "en", "at the end of 2023"),
        ("Border Patrol apprehended more than 200,000 migrants a month in late 2023.", "en", "late 2023"),
        ("Las aprehensiones de la Patrulla Fronteriza alcanzaron un récord a finales de 2023.", "es",
         "a finales de 2023"),
    ],
)  # fmt: skip
def test_the_end_of_a_year_names_no_month_so_the_figure_is_left_to_the_editor(text, lang, words):
    got = proposals(text, lang)
    assert got and all(p.kind == "unmapped" for p in got)
    assert all(p.reason.startswith(f"{words!r} names no month") for p in got)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("That beat the previous peak of about 224,000 Border Patrol apprehensions in May 2022.", "en"),
        ("Superó el récord anterior de unas 224 mil aprehensiones de la Patrulla Fronteriza, en mayo de 2022.",
         "es"),
    ],
)  # fmt: skip
def test_a_previous_peak_is_ranked_among_the_months_up_to_its_own(text, lang):
    got = [(p.metric, p.params, p.test) for p in proposals(text, lang) if p.metric == "rank_in_series"]
    assert got == [
        (
            "rank_in_series",
            {**USBP, "freq": "month", "period": "2022-05", "through": "2022-05"},
            "the highest",
        )
    ]


def test_a_change_on_a_period_is_measured_from_it():
    """ "up 9.4% on July 2023" (FreightWaves, Laredo's trucks): July 2023 is the base."""
    text = "In July 2024 Laredo handled 258,924 northbound trucks, up 9.4% on July 2023."
    got = [p for p in proposals(text) if p.metric == "change"]
    assert [(p.params["from"], p.params["to"], p.test) for p in got] == [("2023-07", "2024-07", "up 9.4%")]
    assert got[0].params["where"] == {"port": "Laredo", "measure": "Trucks"}


@pytest.mark.parametrize(
    ("text", "lang", "columns"),
    [
        # each figure takes the direction its own clause names; a clause naming none, the one
        # named nearest before it
        (
            "Mexico's exports to the U.S. reached $42.2 billion in December, up 2.8% from a year earlier, "
            "while US exports to Mexico fell 1.5% to $27.7 billion.",
            "en",
            ["imports_usd", "imports_usd", "exports_usd", "exports_usd"],
        ),
        # a contrast opens a clause without a comma
        (
            "Mexico's exports to the U.S. reached $42.2 billion in December while US exports to Mexico "
            "reached $27.7 billion.",
            "en",
            ["imports_usd", "exports_usd"],
        ),
        (
            "Las exportaciones de México a Estados Unidos sumaron 42.2 mil millones de dólares en diciembre, "
            "mientras que las exportaciones estadounidenses a México llegaron a 27.7 mil millones.",
            "es",
            ["imports_usd", "exports_usd"],
        ),
    ],
)  # fmt: skip
def test_a_trade_figure_takes_the_direction_of_its_own_clause(text, lang, columns):
    found = [p for p in proposals(text, lang) if p.kind == "claim"]
    assert [p.params["column"] for p in found] == columns
    assert all(p.params["table"] == "trade_us_mexico_monthly" for p in found)


@pytest.mark.parametrize(
    ("text", "lang", "names", "checked"),
    [
        ("In 2023, US trade with Canada was $382.6 billion and trade with China was $269.2 billion.", "en",
         "Canada and China", []),
        ("Canada ranked second in December at $64.3 billion, with China third at $45.4 billion.", "en",
         "Canada and China", []),
        # Mexico's own figure is checked; Canada's beside it is not
        ("US-Mexico trade reached $798.8 billion in 2023, ahead of Canada's $782 billion.", "en", "Canada",
         ["$798.8 billion"]),
        ("En 2023, el comercio de Estados Unidos con Canadá fue de 782 mil millones de dólares.", "es", "Canada",
         []),
    ],
)  # fmt: skip
def test_another_partners_trade_is_not_checkable_against_mexicos(text, lang, names, checked):
    # a sentence naming no series goes on about trade, the series the story named last
    trade = vocabulary().series["trade"]
    found = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang, series_carry=trade)
    (other,) = [p for p in found if p.kind == "not-checkable"]
    assert other.topic == "Trade"
    assert other.reason.startswith(f"US trade with {names}: the kit's trade table holds only US–Mexico trade")
    assert [p.test for p in found if p.kind == "claim"] == checked
    assert not [p for p in found if p.kind == "unmapped"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mexico has been the top US trading partner for six months in a row, and for 16 of the last 17 months.",
         "en"),
        ("México fue el principal socio comercial de Estados Unidos por sexto mes consecutivo en 2023.", "es"),
    ],
)  # fmt: skip
def test_mexicos_rank_among_all_trading_partners_is_not_checkable(text, lang):
    (rank,) = proposals(text, lang)
    assert (rank.kind, rank.topic) == ("not-checkable", "Trade")
    assert "cannot say which country came first" in rank.reason


@pytest.mark.parametrize(
    ("text", "lang", "period", "freq"),
    [
        ("US-Mexico trade from January to June 2023 was the highest on record for those months.", "en",
         "2023-01..2023-06", "year"),
        ("El comercio entre Estados Unidos y México de enero a junio de 2023 fue el más alto registrado.", "es",
         "2023-01..2023-06", "year"),
        ("US-Mexico trade from October 2022 to March 2023 was the highest on record.", "en",
         "2022-10..2023-03", "fiscal_year"),
    ],
)  # fmt: skip
def test_a_record_over_some_months_ranks_those_months_of_each_year(text, lang, period, freq):
    ranks = [p for p in proposals(text, lang) if p.metric == "rank_in_series"]
    assert [(p.params["period"], p.params["freq"], p.params["table"], p.test) for p in ranks] == [
        (period, freq, "trade_us_mexico_monthly", "the highest")
    ]
    # the kit's trade table starts in 2019: a record is since then, said in the caveat
    assert ranks[0].on_pass == "supported-with-caveat" and "January 2019" in ranks[0].caveat


def test_a_record_over_months_across_two_years_and_fiscal_years_is_left_to_the_editor():
    text = "US-Mexico trade from July 2022 to June 2023 was the highest on record."
    unmapped = [p for p in proposals(text) if p.kind == "unmapped"]
    assert [p.test for p in unmapped] == ["the highest"]
    assert "not spans that run across years" in unmapped[0].reason


def test_a_months_record_since_a_hedged_fiscal_year_ranks_that_month_from_then():
    # CBS News, 1 March 2025, on February's preliminary count (paraphrased)
    text = "February's tally is the lowest monthly number of Border Patrol apprehensions since at least fiscal year 2000."
    (rank,) = propose(Sentence(1, 0, text, 0, len(text)), date(2025, 3, 1), "en")
    assert (rank.metric, rank.test) == ("rank_in_series", "the lowest")
    assert rank.params == {
        "table": "usbp_southwest_monthly", "column": "encounters", "freq": "month", "period": "2025-02",
        "since": "FY2000", "through": "2025-02",
    }  # fmt: skip


def test_a_span_of_years_is_not_checked_as_a_count():
    text = "Border Patrol apprehensions fell in February to a level unseen in at least 25 years."
    found = propose(Sentence(1, 0, text, 0, len(text)), date(2025, 3, 1), "en")
    assert [(p.kind, p.test) for p in found] == [("unmapped", "25")]
    assert found[0].reason.startswith("A duration (at least 25 years)")


def test_a_n_year_low_ranks_the_month_among_the_months_of_those_years():
    text = "Border Patrol apprehensions hit a 25-year low in February."
    (rank,) = propose(Sentence(1, 0, text, 0, len(text)), date(2025, 3, 1), "en")
    assert (rank.metric, rank.test, rank.words) == (
        "rank_in_series",
        "the lowest",
        "25-year low … in February",
    )
    assert (rank.params["period"], rank.params["since"], rank.params["through"]) == (
        "2025-02",
        "2000-03",
        "2025-02",
    )
