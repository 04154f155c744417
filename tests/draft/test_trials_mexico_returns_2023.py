"""From a trial on a Spanish story of Mexico's deportations (La Jornada, 16 May 2023: INM
returned 21,758 people in the first quarter of 2023 against 29,073 a year before, down 25.2%;
January 5,544, February 7,035, March 9,179). What the trial fixed:

- the people Mexico returned are a series of their own (UPM's deportations and assisted
  returns, ``mexico_returns_monthly``), no longer read as the count of people detained;
- "29 mil 73" and "7 mil 35" are 29,073 and 7,035 (the press writes what is below the thousand
  without zeros), not 29,000 and 73;
- "En enero fueron 5 mil 544 y en febrero 7 mil 35": a month right before its own figure is
  that figure's, not the one before it.

UPM's returns table gives other counts (26,366 for the quarter, 6,236 / 9,055 / 11,075 by month),
so the draft finds the story's figures not supported: an editor checks which table the story
used. The text is a paraphrase; the figures are the story's.
"""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft import entities
from migrationdata.draft.story import draft_story

PUBLISHED = date(2023, 5, 16)

STORY = """Deportaciones desde México cayeron 25% en el primer trimestre

Según la Unidad de Política Migratoria, las deportaciones de enero a marzo de 2023 bajaron 25.2 por ciento frente al mismo periodo de 2022.

En el primer trimestre de 2023 el Instituto Nacional de Migración (INM) devolvió a sus países de origen a 21 mil 758 personas, frente a 29 mil 73 en el mismo periodo del año pasado.

En enero fueron 5 mil 544 y en febrero 7 mil 35.
"""

RETURNS = {"table": "mexico_returns_monthly", "column": "events"}


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("las deportaciones bajaron, según la Unidad de Política Migratoria", "es", "mexico-returns"),
        ("el INM devolvió a sus países de origen a 21 mil 758 personas", "es", "mexico-returns"),
        ("Mexico deported 20,000 migrants in 2023", "en", "mexico-returns"),
        ("Mexico detained 780,000 migrants in 2023", "en", "mexico-enforcement"),
        ("detenidos en México en 2023", "es", "mexico-enforcement"),
    ],
)
def test_returns_and_detentions_are_two_counts(text, lang, key):
    assert entities.main_series(entities.mentions(text, lang)).key == key


def test_the_quarter_and_its_months_are_the_returns_table_s():
    draft = draft_story(STORY, PUBLISHED, "es", evaluator=None)
    claims = {p.test: p for p in draft.proposals if p.kind == "claim"}
    assert claims["down 25.2%"].params == {
        **RETURNS,
        "from": "2022-01..2022-03",
        "to": "2023-01..2023-03",
        "measure": "percent",
    }
    assert claims["21,758"].params == {**RETURNS, "period": "2023-01..2023-03"}
    assert claims["29,073"].params == {**RETURNS, "period": "2022-01..2022-03"}
    assert claims["5,544"].params == {**RETURNS, "period": "2023-01"}
    assert claims["7,035"].params == {**RETURNS, "period": "2023-02"}


@pytest.mark.mirror
def test_upm_s_returns_table_counts_otherwise():
    from migrationdata.draft import engine

    draft = draft_story(STORY, PUBLISHED, "es", evaluator=engine.evaluate)
    claims = {p.test: p for p in draft.proposals if p.kind == "claim"}
    quarter = claims["21,758"].evaluations["now"]
    assert quarter.verdict == "not-supported" and quarter.figure.startswith("26,366")
    assert claims["down 25.2%"].evaluations["now"].figure.startswith("32,671 in January 2022 to March 2022")
