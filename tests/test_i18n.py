"""The editions' words and number styles (i18n): every catalog matches the English one, a
missing translation is an error naming its key, and numbers and dates read as each locale
writes them."""

from __future__ import annotations

import pandas as pd
import pytest

from migrationdata import i18n
from migrationdata.errors import TranslationError


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_catalog_translates_every_english_key_with_the_same_fields(lang):
    assert i18n.problems(lang) == []


def test_a_missing_key_names_the_key_the_language_and_the_file():
    with pytest.raises(
        TranslationError,
        match=r"no 'es' text for 'charts\.nowhere\.title' in src/migrationdata/locales/es\.toml",
    ):
        i18n.text("charts.nowhere.title", "es")


def test_a_field_the_code_does_not_give_is_named():
    with pytest.raises(TranslationError, match=r"'common\.data_to'.*needs period"):
        i18n.text("common.data_to", "es")


def test_an_unknown_language_is_refused():
    with pytest.raises(TranslationError, match="not one of the editions"):
        i18n.text("common.source", "fr")


def test_problems_reports_missing_keys_and_different_fields(monkeypatch):
    fake = {
        "en": {"a.title": "Crossings in {year}", "a.note": "Note", "b": "x"},
        "es": {"a.title": "Cruces en {año}", "a.note": "", "c": "y"},
    }
    monkeypatch.setattr(i18n, "catalog", lambda lang: fake[lang])
    found = i18n.problems("es")
    assert found == [
        "a.note: missing from es.toml",
        "a.title: fields ['año'] in es.toml, ['year'] in English",
        "b: missing from es.toml",
        "c: in es.toml but not in English",
    ]
    with pytest.raises(TranslationError, match="3 problems|4 problems"):
        i18n.require_complete("es")


def test_templates_are_filled():
    assert i18n.text("common.data_to", "es", period="dic 2023") == "datos hasta dic 2023"
    assert i18n.text("common.retrieved", "en", date="Jan 5, 2024") == "retrieved Jan 5, 2024"


@pytest.mark.parametrize(
    ("lang", "value", "decimals", "expected"),
    [
        ("en", 520085, 0, "520,085"),
        ("es", 520085, 0, "520,085"),
        ("es", 1234567.891, 2, "1,234,567.89"),
        ("en", -4.5, 1, "-4.5"),
    ],
)
def test_numbers(lang, value, decimals, expected):
    assert i18n.number(value, lang, decimals) == expected


def test_shares_and_billions():
    assert i18n.percent(0.632, "es") == "63.2%"
    assert i18n.billions_of_dollars(63.32e9, "en") == "$63.3bn"
    assert i18n.billions_of_dollars(63.32e9, "es") == "63.3 mil millones de dólares"


@pytest.mark.parametrize(
    ("style", "en", "es"),
    [
        ("month", "December", "diciembre"),
        ("month_year", "December 2023", "diciembre de 2023"),
        ("month_year_short", "Dec 2023", "dic 2023"),
        ("date", "December 27, 2023", "27 de diciembre de 2023"),
    ],
)
def test_dates(style, en, es):
    day = pd.Timestamp("2023-12-27")
    assert i18n.date(day, "en", style) == en
    assert i18n.date(day, "es", style) == es


def test_short_spanish_months_carry_no_full_stop():
    assert i18n.date("2023-09-01", "es", "month_year_short") in ("sep 2023", "sept 2023")


def test_a_publisher_is_named_in_spanish_as_the_source_lines_name_it():
    from migrationdata import i18n

    cbp = "U.S. Customs and Border Protection (CBP); DHS Office of Homeland Security Statistics (OHSS)"
    assert i18n.publisher(cbp, "es") == (
        "Oficina de Aduanas y Protección Fronteriza de EU (CBP); Oficina de Estadísticas de Seguridad "
        "Nacional del DHS (OHSS)"
    )
    assert i18n.publisher(cbp, "en") == cbp
    assert i18n.publisher("Banco de México (Banxico), balance of payments: family remittances", "es") == (
        "Banco de México (Banxico), balanza de pagos: remesas familiares"
    )
    # a publisher the catalogs do not hold is not slipped into the Spanish edition in English
    with pytest.raises(
        TranslationError, match=r"publisher = 'A publisher the catalogs do not know'.*es\.toml"
    ):
        i18n.publisher("A publisher the catalogs do not know", "es")
    assert (
        i18n.publisher("A publisher the catalogs do not know", "en") == "A publisher the catalogs do not know"
    )
