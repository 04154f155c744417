"""From a trial on a wire story about Honduras (EFE, 7 January 2025: 369,258 irregular entries
in 2024, 32.2% fewer than 2023's 545,043, then the nationalities "of that total"): the
dateline's day is not a claim, a sentence that sets the story's figure against other years'
levels ("por debajo de los 545.043 de 2023") does not move the story to those years, and a
series named in such a sentence goes on in the story's year. Men, women, boys and girls
("los niños, niñas y adolescentes fueron el 25,8 % (95.355)") are counted on the series' table
by sex and age, where the kit has one (the Darién's, Honduras' and Mexico's), and left to the
editor where it has none. The text below is a paraphrase; the figures are the story's."""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.entities import mentions
from migrationdata.draft.numbers import dateline_end
from migrationdata.draft.propose import main_period, propose
from migrationdata.draft.sentences import Sentence
from migrationdata.draft.story import draft_story

PUBLISHED = date(2025, 1, 7)

STORY = """Honduras contó 369.258 migrantes irregulares en 2024, 32,2% menos que en 2023

Tegucigalpa, 7 ene (EFE).- El Instituto Nacional de Migración (INM) de Honduras informó que 369.258 migrantes irregulares entraron al país en 2024, un 32,2 % menos que en 2023.

La cifra queda por debajo de los 545.043 de 2023, pero por encima de los 188.858 de 2022, según el INM.

De ese total, 187.331 eran venezolanos; les siguen los cubanos (60.007) y los haitianos (16.823).

Los niños, niñas y adolescentes fueron el 25,8 % (95.355) del total.

Entre los migrantes hubo 175.526 hombres y 98.377 mujeres.
"""


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("Tegucigalpa, 7 ene (EFE).- El INM informó", "Tegucigalpa, 7 ene (EFE).-"),
        ("MEXICO CITY, Dec 27 (Reuters) - Mexico said", "MEXICO CITY, Dec 27 (Reuters) -"),
        (
            "Ciudad de México, 3 de febrero de 2026 (AP) — Las remesas",
            "Ciudad de México, 3 de febrero de 2026 (AP) —",
        ),
        ("WASHINGTON, Jan. 7, 2025 (AP) — The", "WASHINGTON, Jan. 7, 2025 (AP) —"),
        # a sentence that merely begins with a place and a date is not a dateline
        ("In 2024, 369,258 migrants entered (INM) - a fall", ""),
        ("Encuentros, 7 ene (EFE) sin guion", ""),
    ],
)
def test_a_wire_dateline_is_where_and_when_the_story_was_filed(text, dateline):
    assert text[: dateline_end(text)] == dateline


def test_a_level_the_figure_is_set_against_is_not_the_sentence_s_period():
    said = "La cifra queda por debajo de los 545.043 de 2023, pero por encima de los 188.858 de 2022."
    assert main_period(said, PUBLISHED, "es") is None
    said = "The figure is below the 545,043 of 2023 but above the 188,858 of 2022."
    assert main_period(said, PUBLISHED, "en") is None
    # a period of the sentence's own still counts, before or after such a level
    said = "En 2024 la cifra quedó por debajo de los 545.043 de 2023."
    assert main_period(said, PUBLISHED, "es").spec == "2024"
    assert main_period("Encounters fell 30% from 2023 to 2024.", PUBLISHED, "en").spec == "2023"


def test_the_honduras_wire_story_keeps_its_year_through_the_comparison():
    draft = draft_story(STORY, PUBLISHED, "es", evaluator=None)
    claims = [p for p in draft.proposals if p.kind == "claim"]
    by_test = {p.test: p for p in claims}
    # the dateline's "7" is not a count
    assert "7" not in by_test
    assert by_test["369,258"].params["period"] == "2024"
    assert by_test["545,043"].params["period"] == "2023"
    assert by_test["188,858"].params["period"] == "2022"
    # "of that total": the nationalities are 2024's, not the last year the comparison named
    for test, code in (("187,331", "VEN"), ("60,007", "CUB"), ("16,823", "HTI")):
        p = by_test[test]
        assert p.params == {
            "table": "honduras_monthly_nationality",
            "column": "migrants",
            "where": {"nationality_iso3": code},
            "period": "2024",
        }, (test, p.params)


def test_men_women_and_children_are_counted_on_the_table_by_sex_and_age():
    draft = draft_story(STORY, PUBLISHED, "es", evaluator=None)
    by_test = {p.test: p for p in draft.proposals if p.kind == "claim"}
    table = {"table": "honduras_demographics", "column": "migrants", "period": "2024"}
    children = {**table, "where": {"group": ["boys", "girls"]}}
    assert by_test["25.8%"].metric == "share" and by_test["25.8%"].params == children
    # the count in brackets restates the share: the children's too
    assert by_test["95,355"].metric == "value" and by_test["95,355"].params == children
    assert by_test["175,526"].params == {**table, "where": {"group": "men"}}
    assert by_test["98,377"].params == {**table, "where": {"group": "women"}}
    assert "175,526 men" in by_test["175,526"].claim


def test_boys_and_girls_listed_apart_and_a_series_with_no_such_table():
    text = "En 2024 cruzaron el Darién 152.139 hombres, 83.972 mujeres, 24.411 niños y 30.027 niñas."
    found = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "es")
    groups = {p.test: p.params.get("where", {}).get("group") for p in found if p.kind == "claim"}
    assert groups == {"152,139": "men", "83,972": "women", "24,411": "boys", "30,027": "girls"}
    assert {p.params["table"] for p in found} == {"darien_demographics"}
    # Spanish "niños" alone is the children of both sexes
    assert [m.key for m in mentions("Cruzaron 95.355 niños.", "es") if m.kind == "people"] == ["boys+girls"]
    # "menores" as "smaller" is nobody
    assert not [m for m in mentions("Cifras menores a las de 2023.", "es") if m.kind == "people"]
    # CBP's tables split families, single adults and children travelling alone, not sexes
    text = "Border Patrol apprehended 5,000 children at the southwest border in March 2024."
    (p,) = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "en")
    assert p.kind == "unmapped" and "do not split men, women, boys and girls" in p.reason


def test_mexico_s_table_splits_sex_by_age_band():
    text = "En 2023, el Instituto Nacional de Migración de México detuvo a 113.000 menores de edad y 190.000 mujeres."
    found = {p.test: p for p in propose(Sentence(1, 0, text, 0, len(text)), date(2024, 2, 17), "es")}
    minors = ["12-17", "under 12, accompanied", "under 12, unaccompanied"]
    assert found["113,000"].params == {
        "table": "mexico_irregular_demographics",
        "column": "events",
        "where": {"age_group": minors},
        "period": "2023",
    }
    assert found["190,000"].params["where"] == {"sex": "female", "age_group": "18+"}
    assert "men and women are read as 18 and over" in found["190,000"].caveat
