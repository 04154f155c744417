"""From a trial on a Spanish wire story of CBP's May 2025 figures (El Informador, 17 June 2025:
Border Patrol apprehended 8,725 people between the ports in May, up from 8,383 in April and
1,541 more than March's record low of 7,184; 117,905 in May 2024, a fall of 93%; CBP's
encounters nationwide about 952 a day, 2% fewer than in April). What the trial fixed:

- "mil 541" alone is 1,541 (Mexico writes "8 mil 725"; a bare "mil" is one thousand, and
  "mil millones de dólares" a billion, no longer "at least 2 million");
- a count said as a difference ("mil 541 más que en marzo", "1,541 more migrants than in
  March") is a ``change`` measured as a ``difference``, from the period after it to the one the
  story spoke of;
- "la caída es del 93 %", "la reducción fue de 93%", "the drop was 93%" are changes, not shares;
- a count said to be more than another month's ("8,725, more than in March") is its own month's.

- a level, then the change that follows from it ("En mayo de 2024 se habían reportado 117 mil
  905 detenciones, por lo que la caída es del 93 %") is measured from the level's month to the
  story's (May 2024 -> May 2025: -92.6%), and "más que en marzo" does not make March the
  story's month.
The text is a paraphrase; the figures are the story's.
"""

from __future__ import annotations

from datetime import date

import pytest

from migrationdata.draft.numbers import spot
from migrationdata.draft.propose import propose
from migrationdata.draft.sentences import Sentence
from migrationdata.draft.story import draft_story

PUBLISHED = date(2025, 6, 17)

STORY = """EU no liberó a migrantes detenidos en mayo pese a un leve aumento de cruces

Durante mayo, la Patrulla Fronteriza detuvo a 8 mil 725 personas que cruzaron sin documentos entre los puertos de entrada, un leve aumento frente a los 8 mil 383 detenidos en abril.

Son mil 541 más que en marzo, cuando se registró un mínimo histórico de 7 mil 184 aprehensiones en esa frontera.

En mayo de 2024 se habían reportado 117 mil 905 detenciones, por lo que la caída es del 93 %.

Los encuentros de la CBP en todo el país, incluidos los puertos de entrada, promediaron unos 952 al día en mayo, 2% menos que en abril de 2025.
"""

USBP = {"table": "usbp_southwest_monthly", "column": "encounters"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Son mil 541 más que en marzo.", 1541),
        ("detuvo a 8 mil 725 personas", 8725),
        ("unos mil 200 millones de dólares", 1.2e9),
        ("sumaron 64 mil 745 millones de dólares", 64.745e9),
        # "mil" said alone is a thousand: "mil millones" a (US) billion
        ("recibió mil millones de dólares", 1e9),
        ("más de mil migrantes", 1000),
    ],
)
def test_mexican_thousands_with_and_without_a_number_before_mil(text, value):
    (fig,) = spot(text, "es")
    assert fig.value == value


@pytest.mark.parametrize(
    "text",
    [
        "por lo que la caída es del 93 %.",
        "la reducción fue de 93%.",
        "lo que representa una reducción del 93 %.",
    ],
)
def test_a_fall_said_with_is_or_was_is_a_change(text):
    (fig,) = spot(text, "es")
    assert (fig.kind, fig.test) == ("change", "down 93%")
    (fig,) = spot("The drop was 93%.", "en")
    assert (fig.kind, fig.test) == ("change", "down 93%")
    # a share said with "were" stays a share
    assert [f.kind for f in spot("Venezuelans were 69% of the total.", "en")] == ["percent"]


def test_a_count_said_as_a_difference_from_another_month():
    draft = draft_story(STORY, PUBLISHED, "es", evaluator=None)
    claims = {p.test: p for p in draft.proposals if p.kind == "claim"}
    diff = claims["1,541"]
    assert diff.metric == "change"
    assert diff.params == {**USBP, "from": "2025-03", "to": "2025-05", "measure": "difference"}
    assert "May 2025: the period the story spoke of before." in diff.caveat
    # the same in English, in one sentence naming both months; and "fewer" the other way round
    text = "In May 2025 Border Patrol apprehended 1,541 more migrants than in March 2025."
    (p,) = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "en")
    assert p.params == {**USBP, "from": "2025-03", "to": "2025-05", "measure": "difference"}
    text = "In May 2025 Border Patrol apprehended 340 fewer migrants than in April 2025."
    (p,) = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "en")
    assert p.params == {**USBP, "from": "2025-05", "to": "2025-04", "measure": "difference"}
    assert claims["down 93%"].params == {**USBP, "from": "2024-05", "to": "2025-05", "measure": "percent"}
    assert "measured from the level this sentence gives for May 2024" in claims["down 93%"].caveat
    # the same in English: "..., so the fall is 93%"
    text = "In May 2024 Border Patrol had apprehended 117,905 migrants, so the fall is 93%."
    story = f"Border Patrol in May 2025\n\nIn May 2025 Border Patrol apprehended 8,725 migrants.\n\n{text}\n"
    english = {
        p.test: p for p in draft_story(story, PUBLISHED, "en", evaluator=None).proposals if p.kind == "claim"
    }
    assert english["down 93%"].params == {**USBP, "from": "2024-05", "to": "2025-05", "measure": "percent"}
    assert not draft.unmapped


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("In May 2025 Border Patrol apprehended 8,725 migrants, more than in March 2025.", "en"),
        ("En mayo la Patrulla Fronteriza detuvo a 8 mil 725 personas, más que en marzo.", "es"),
    ],
)
def test_a_count_said_to_be_more_than_another_month_s_is_its_own_month_s(text, lang):
    (p,) = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang)
    assert p.params == {**USBP, "period": "2025-05"}
    # a change's base keeps its own count: "up from 8,383 in April"
    text = "Border Patrol apprehended 8,725 migrants in May 2025, up from 8,383 in April 2025."
    periods = {
        p.test: p.params.get("period") for p in propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, "en")
    }
    assert periods == {"8,725": "2025-05", "8,383": "2025-04"}


@pytest.mark.mirror
def test_the_difference_moves_with_march_s_revision():
    from migrationdata.draft import engine

    draft = draft_story(STORY, PUBLISHED, "es", evaluator=engine.evaluate)
    claims = {p.test: p for p in draft.proposals if p.kind == "claim"}
    # March 2025 is 7,180 in today's table (the story printed 7,184), May 8,725: 1,545 more
    now = claims["1,541"].evaluations["now"]
    assert now.verdict == "not-supported" and now.value == 1545
    assert claims["7,184"].evaluations["now"].verdict == "supported-with-caveat"
    # May 2024 117,905 -> May 2025 8,725: -92.6%, a fall of 93%
    assert claims["down 93%"].evaluations["now"].verdict == "supported"
