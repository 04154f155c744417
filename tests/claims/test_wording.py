"""The phrases the metrics and the verdicts record (claims/wording.py): worded in English from
the catalog they read exactly as the engine's English sentences, for every claim of every story;
worded in Spanish they leave no English behind; a label the catalog lacks stops, named."""

from __future__ import annotations

import pytest

from migrationdata import i18n
from migrationdata.claims import load_stories
from migrationdata.claims.evaluate import evaluate_story
from migrationdata.claims.numbers import parse_test
from migrationdata.claims.wording import Label, Phrase, render, sentence, words_for_test
from migrationdata.errors import TranslationError

#: words of the engine's English sentences that have no business in the Spanish edition
ENGLISH = (
    " passes",
    " fails",
    " is above ",
    " is at least ",
    " rounds to ",
    " from the top",
    " from the bottom",
    " calendar days",
    " months published",
    " as published by ",
    "the highest",
    "the lowest",
    " in darien",
    " in usbp",
    " in cbp",
    " of 12 ",
)


@pytest.fixture(scope="module")
def results():
    out = []
    for story in load_stories():
        for as_of in (None, story.published):
            out += [(story, r) for r in evaluate_story(story, as_of)]
    return out


def test_english_phrases_read_exactly_as_the_engine_sentences(results):
    checked = notes = 0
    for story, r in results:
        assert r.verdict != "error", (story.slug, r.id, r.note)
        if r.figure is None:
            if r.note_words is not None:  # a period with no data yet, a table that cannot tell
                assert render(r.note_words, "en", story.language) == r.note, (story.slug, r.id)
                notes += 1
            continue
        assert render(r.figure.words, "en", story.language) == r.figure.text, (story.slug, r.id)
        assert render(r.note_words, "en", story.language) == r.note, (story.slug, r.id)
        assert [render(c, "en", story.language) for c in r.condition_words] == r.conditions
        checked += 1
    # every story's checkable claims, on publication day and now; and the no-data reasons
    assert checked >= 90 and notes >= 5


def test_spanish_phrases_leave_no_english_sentence(results):
    for story, r in results:
        if r.figure is None:
            continue
        said = " ".join(
            [render(r.figure.words, "es", story.language), render(r.note_words, "es", story.language)]
            + [render(c, "es", story.language) for c in r.condition_words]
        )
        left = [w for w in ENGLISH if w in said]
        # an English story's test is quoted in Spanish too ("the highest" -> "el más alto")
        assert not left, (story.slug, r.id, left, said)


def test_the_seed_darien_claim_in_spanish():
    story = next(s for s in load_stories() if s.slug == "us-mexico-talks-2023-12")
    r = next(x for x in evaluate_story(story) if x.id == "darien-2023-half-million")
    assert r.value == 520_085  # Panama's SNM, 2023 (PROVENANCE: 520,085)
    assert render(r.figure.words, "es") == (
        "520,085 — migrantes que cruzaron el Darién, por mes (darien_monthly), 2023"
    )
    assert sentence(render(r.note_words, "es")) == (
        '"Más de 500,000": la prueba se cumple: 520,085 está por encima de 500,000.'
    )
    # on publication day: January to November only, 495,459, and the year not over
    then = next(x for x in evaluate_story(story, story.published) if x.id == "darien-2023-half-million")
    assert render(then.figure.words, "es") == (
        "495,459 — migrantes que cruzaron el Darién, por mes (darien_monthly), 2023 "
        "(11 de 12 meses publicados, hasta noviembre de 2023)"
    )
    assert sentence(render(then.note_words, "es")).startswith(
        'La prueba "más de 500,000" no se cumple con las cifras publicadas hasta ahora '
        "(495,459 no está por encima de 500,000)"
    )


@pytest.mark.parametrize(
    "test, spanish",
    [
        ("more than 500,000", "más de 500,000"),
        ("at least 2,000", "al menos 2,000"),
        ("fewer than 9,000", "menos de 9,000"),
        ("about 209,000", "cerca de 209,000"),
        ("some 69%", "cerca de 69%"),
        ("nearly 238,000", "casi 238,000"),
        ("2.2 million", "2.2 millones"),
        ("at least $750 billion", "al menos 750 mil millones de dólares"),
        ("the highest", "el más alto"),
        ("a record low", "un mínimo histórico"),
        ("a record", "un récord"),
        ("the lowest since 2020", "el más bajo desde 2020"),
        ("among the top three", "entre los 3 primeros"),
        ("doubled", "se duplicó"),
        ("halved", "se redujo a la mitad"),
        ("down 42%", "bajó 42%"),
        ("up 12%", "subió 12%"),
        ("18 December 2023", "18 de diciembre de 2023"),
        (
            "between 1 December 2023 and 27 December 2023",
            "entre el 1 de diciembre de 2023 y el 27 de diciembre de 2023",
        ),
        ("true", "verdadero"),
    ],
)
def test_a_test_in_spanish_words(test, spanish):
    assert words_for_test(parse_test(test), "es") == spanish


def test_a_missing_table_label_stops_naming_the_key(monkeypatch):
    real = i18n.catalog
    key = "reports.tables.darien_monthly.migrants"

    def without(lang):
        return {k: v for k, v in real(lang).items() if k != key or lang == "en"}

    monkeypatch.setattr(i18n, "catalog", without)
    phrase = Phrase(
        "metrics.value",
        amount="1",
        per="",
        how="",
        label=Label("darien_monthly", "migrants"),
        period="2023",
        note="",
    )
    assert render(phrase, "en") == "1 — migrants in darien_monthly, 2023"
    with pytest.raises(TranslationError, match=r"'reports\.tables\.darien_monthly\.migrants'") as exc:
        render(phrase, "es")
    assert "src/migrationdata/locales/es.toml" in str(exc.value)
    # and the edition's completeness check names it before any report is written
    assert f"{key}: missing from es.toml" in i18n.problems("es", "reports.")


def test_a_filter_value_without_a_spanish_word_stops_naming_the_key():
    label = Label("cbp_encounters", "encounters", {"component": "Air and Marine Operations"})
    with pytest.raises(TranslationError, match=r"reports\.values\.component\.Air and Marine Operations"):
        render(label, "es")
    # country codes and CBP's country names are named by the countries module
    assert render(Label("darien_monthly", "migrants", {"nationality_iso3": "HTI"}), "es").endswith(
        "(nacionalidad: Haití)"
    )
    assert render(Label("cbp_encounters", "encounters", None, {"citizenship": "Mexico"}), "es").endswith(
        "(nacionalidad: excepto México)"
    )


def test_a_label_missing_from_every_catalog_stops_the_reports_before_any_is_written(tmp_path, monkeypatch):
    from migrationdata.claims import write_reports

    real = i18n.catalog
    key = "reports.tables.darien_annual.migrants"

    def without(lang):
        return {k: v for k, v in real(lang).items() if k != key}

    monkeypatch.setattr(i18n, "catalog", without)
    out = tmp_path / "reports"
    with pytest.raises(TranslationError, match=r"'reports\.tables\.darien_annual\.migrants'"):
        write_reports(out)
    assert not out.exists()
