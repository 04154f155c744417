"""From a trial on a wire story about the Darién (AFP, 2 January 2025: crossings fell 41% in
2024, to 302,203 from 520,085; at least 55 migrants died on the way; Venezuelans were 69% of
those who crossed, and about one in five were children). Deaths reported in a story that
follows the Darién's crossings are the Darién's in IOM's data, not the US border's; a sentence
with no word of death after them goes on about the crossings; "one in five" is a share with room
for what still reads so; and the children are counted on the Darién's table by sex and age, not
given the nationality named elsewhere in the sentence. The text is a paraphrase; the figures
are the story's."""

from __future__ import annotations

from datetime import date

from migrationdata.draft.numbers import spot
from migrationdata.draft.story import draft_story

PUBLISHED = date(2025, 1, 2)

STORY = """Panama says Darien jungle crossings fell 41% in 2024

PANAMA CITY, Jan 2 (AFP) - The number of US-bound migrants crossing the Darien jungle fell 41 percent in 2024, to about 302,000, Panama's president told Congress on Thursday.

According to Panama's immigration authorities, 302,203 people crossed the Darien in 2024, against 520,085 in 2023.

The president said that at least 55 migrants had died during the crossing in 2024.

Venezuelans made up 69% of those who crossed, and about one in five were children.
"""


def _claims():
    draft = draft_story(STORY, PUBLISHED, "en", evaluator=None)
    return {p.test: p for p in draft.proposals if p.kind == "claim"}


def test_deaths_in_a_story_about_the_darien_are_the_darien_s():
    deaths = _claims()["at least 55"]
    assert deaths.params == {
        "table": "missing_migrants_annual",
        "column": "dead_and_missing",
        "where": {"area": "darien"},
        "period": "2024",
    }


def test_after_the_deaths_a_sentence_with_no_word_of_death_goes_on_about_the_crossings():
    share = _claims()["69%"]
    assert share.metric == "share"
    assert share.params == {
        "table": "darien_monthly",
        "column": "migrants",
        "where": {"nationality_iso3": "VEN"},
        "period": "2024",
    }


def test_one_in_five_children_is_their_share_with_room_for_what_still_reads_so():
    (fig,) = spot("about one in five were children", "en")
    assert (fig.kind, fig.value, fig.test, fig.room) == ("percent", 20.0, "about 20%", 2.2)
    (fig,) = spot("uno de cada cuatro eran niños", "es")
    assert (fig.value, fig.test, fig.room) == (25.0, "about 25%", 3.6)
    children = _claims()["about 20%"]
    assert children.metric == "share" and children.tolerance == "2.2"
    # the children named beside it, not the Venezuelans named earlier in the sentence
    assert children.params == {
        "table": "darien_demographics",
        "column": "migrants",
        "where": {"group": ["boys", "girls"]},
        "period": "2024",
    }
    assert "one in 4.5 to one in 5.5" in children.caveat


def test_children_abandoned_or_rescued_are_an_event_no_table_counts():
    from migrationdata.draft.propose import propose
    from migrationdata.draft.sentences import Sentence

    found = {}
    for text, lang in (
        (
            "The president said at least 55 migrants had died and 180 children had been abandoned in 2024.",
            "en",
        ),
        ("En 2024, 300 menores de edad fueron rescatados en el Darién.", "es"),
    ):
        found[lang] = propose(Sentence(1, 0, text, 0, len(text)), PUBLISHED, lang)
        (event,) = [p for p in found[lang] if p.kind == "unmapped"]
        assert "an event the kit's tables do not count" in event.reason, event.reason
    # the deaths beside the abandoned children are still a claim
    assert [p.test for p in found["en"] if p.kind == "claim"] == ["at least 55"]
