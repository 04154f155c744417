"""From a trial on a Spanish story about June 2025's remittances (Banxico's figures as first
printed: $5,201 million, down 16.21% year on year; 12.71 million transfers, down 14.30%, the
largest fall since October 2009; the average remittance down 2.39% to $409; the second quarter
down 11.14%; January to June $29,576 million, 5.59% less than a year before). What the trial
fixed:

- "retrocedieron" is a fall;
- "De enero a junio de 2025 ..., 5.59% menos que un año antes" compares the span with the same
  months a year before, not January with June;
- "la reducción más grande desde octubre de 2009" is a record's start: neither the sentence's
  period nor the change's base, while "desde septiembre de 2012, cuando retrocedieron 19.62%"
  is the fall's own month;
- "el número de envíos" counts the transfers (``inflows_transfers``), and "la remesa promedio
  disminuyó 2.39%" is a change of the average per transfer (``change`` with ``per_column``);
- a sentence naming the story's topic again with no period of its own goes on in the story's,
  with a caveat saying so.

The text is a paraphrase; the figures are the story's.
"""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.story import draft_story

PUBLISHED = date(2025, 8, 1)

STORY = """Remesas registran su peor caída en casi 13 años

En junio de 2025, las remesas que recibió México cayeron 16.21% anual, su mayor desplome en 12 años y nueve meses, según el Banco de México (Banxico).

Los ingresos sumaron 5 mil 201 millones de dólares. Una caída más profunda no se veía desde septiembre de 2012, cuando retrocedieron 19.62%.

El número de envíos bajó 14.30% anual, a 12.71 millones de operaciones, la reducción más grande desde octubre de 2009.

La remesa promedio disminuyó 2.39%, a 409 dólares.

En el segundo trimestre de 2025 las remesas bajaron 11.14% anual, a 15 mil 322 millones de dólares.

De enero a junio de 2025 sumaron 29 mil 576 millones de dólares, 5.59% menos que un año antes, la primera contracción en 12 años para un primer semestre.
"""

DOLLARS = {"table": "remittances_monthly", "column": "inflows_usd"}
TRANSFERS = {"table": "remittances_monthly", "column": "inflows_transfers"}
AVERAGE = {**DOLLARS, "per_column": "inflows_transfers"}


def _by_test(evaluator=None):
    draft = draft_story(STORY, PUBLISHED, "es", evaluator=evaluator)
    claims = {p.test: p for p in draft.proposals if p.kind == "claim"}
    return claims, draft.unmapped


def test_every_figure_of_the_story_is_mapped_to_its_series_and_months():
    claims, unmapped = _by_test()
    expected = {
        "down 16.21%": ("change", {**DOLLARS, "from": "2024-06", "to": "2025-06", "measure": "percent"}),
        "$5.201 billion": ("value", {**DOLLARS, "period": "2025-06"}),
        "down 19.62%": ("change", {**DOLLARS, "from": "2011-09", "to": "2012-09", "measure": "percent"}),
        "down 14.3%": ("change", {**TRANSFERS, "from": "2024-06", "to": "2025-06", "measure": "percent"}),
        "12.71 million": ("value", {**TRANSFERS, "period": "2025-06"}),
        "down 2.39%": ("change", {**AVERAGE, "from": "2024-06", "to": "2025-06", "measure": "percent"}),
        "$409": ("value", {**AVERAGE, "period": "2025-06"}),
        "down 11.14%": (
            "change",
            {**DOLLARS, "from": "2024-04..2024-06", "to": "2025-04..2025-06", "measure": "percent"},
        ),
        "$15.322 billion": ("value", {**DOLLARS, "period": "2025-04..2025-06"}),
        "$29.576 billion": ("value", {**DOLLARS, "period": "2025-01..2025-06"}),
        "down 5.59%": (
            "change",
            {**DOLLARS, "from": "2024-01..2024-06", "to": "2025-01..2025-06", "measure": "percent"},
        ),
    }
    assert {t: (p.metric, p.params) for t, p in claims.items()} == expected
    # the paragraphs naming the topic again with no period say whose period they took
    for test in ("down 14.3%", "12.71 million", "down 2.39%", "$409"):
        assert "No period named: read as June 2025" in claims[test].caveat, test
    # what is left to the editor: durations and the headline's "casi 13 años"
    assert sorted(p.words for p in unmapped) == ["12 años", "12 años", "casi 13 años", "nueve meses"]


@pytest.mark.mirror
def test_banxico_revised_june_after_the_story_ran():
    from migrationdata.draft import engine

    claims, _ = _by_test(engine.evaluate)
    # June 2025 now: $5,253,491,820 over 12,927,222 transfers (first printed $5,201 million and
    # 12.71 million): the first print's figures no longer hold
    transfers = claims["12.71 million"].evaluations["now"]
    assert transfers.verdict == "not-supported" and transfers.figure.startswith("12,927,222")
    average = claims["down 2.39%"].evaluations["now"]
    assert average.verdict == "not-supported"
    assert average.figure.startswith("$418 per inflows_transfers in remittances_monthly in June 2024 → $406")
    # the quarter's fall against the same quarter of 2024: -10.6% on today's figures
    assert "-10.6%" in claims["down 11.14%"].evaluations["now"].figure
