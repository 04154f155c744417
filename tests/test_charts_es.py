"""The Spanish (Mexico) edition of the charts: every chart drawn in both languages from one
drawing, the words from the message catalogs, Spanish numbers and dates, and a missing
translation failing with the key named. Values checked against the committed data (Darién
2023: 520,085 people, SNM via gdidata; CBP Southwest encounters, December 2023: 301,981;
US–Mexico goods trade 2023: $798.8 billion, BTS TransBorder)."""

from __future__ import annotations

import json
import re

import matplotlib
import pandas as pd
import pytest

from migrationdata import charts, i18n, paths
from migrationdata.errors import TranslationError

matplotlib.use("Agg")

FIGURES = paths.REPO_DIR / "figures"
SPANISH = FIGURES / "es"
SLUGS = sorted(
    p.stem for p in FIGURES.glob("*.json") if not p.name.endswith(".vl.json")
)  # not the embeds' specs
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b"
)


def sidecar(slug: str, folder=SPANISH) -> dict:
    return json.loads((folder / f"{slug}.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- the committed editions


def test_there_are_twenty_charts():
    assert len(SLUGS) == 20


@pytest.mark.parametrize("slug", SLUGS)
def test_every_chart_has_a_spanish_edition_with_the_same_files(slug):
    en, es = sidecar(slug, FIGURES), sidecar(slug)
    assert (en["lang"], es["lang"]) == ("en", "es")
    assert es["files"] == en["files"]
    for name in es["files"].values():
        assert (SPANISH / name).stat().st_size > 0, f"figures/es/{name} is missing"
    # the words are Spanish; the data and their provenance are the same
    for field in ("title", "subtitle", "alt_text", "source"):
        assert es[field] != en[field], f"{slug}: the Spanish {field} is the English one"
        assert not ENGLISH_MONTHS.search(es[field]), f"{slug}: an English month in the Spanish {field}"
        assert "billones" not in es[field] and "billion" not in es[field]
    assert es["tables"] == en["tables"] and es["inputs"] == en["inputs"]
    assert es["source"].startswith(("Fuente: ", "Fuentes: "))
    for note in es["notes"]:
        assert not ENGLISH_MONTHS.search(note), f"{slug}: an English month in a Spanish note"
    # the CSV is a data contract: the same columns in both editions
    header = (FIGURES / f"{slug}.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (SPANISH / f"{slug}.csv").read_text(encoding="utf-8").splitlines()[0] == header
    assert re.search(r"\d", es["alt_text"])


def test_spanish_titles_carry_the_numbers_and_dates_in_mexican_style():
    assert sidecar("darien-annual")["title"] == (
        "Los cruces por el Darién se duplicaron con creces en 2023, a un récord de 520,085"
    )
    title = sidecar("southwest-monthly")["title"]
    assert title.startswith("Diciembre de 2023 fue el mes con más encuentros") and title.endswith("301,981")
    assert "octubre de 2019" in title
    assert "798.8 mil millones de dólares en 2023" in sidecar("trade-by-mode")["title"]
    assert "el 20 de diciembre de 2023" in sidecar("closures-timeline")["title"]
    assert sidecar("closures-timeline")["title"].startswith("Seis cruces fronterizos")
    assert sidecar("darien-children")["title"] == (
        "El 22% de quienes cruzaron el Darién en 2023 eran menores de edad: 113,180"
    )
    source = sidecar("darien-annual")["source"]
    assert re.fullmatch(
        r"Fuente: Servicio Nacional de Migración de Panamá \(SNM\), vía el paquete de R gdidata "
        r"\(datos hasta [a-z]{3,4} \d{4}, consultado el \d{1,2} [a-z]{3,4} \d{4}\)\.",
        source,
    ), source


def test_spanish_csv_cells_name_countries_in_spanish():
    rows = (SPANISH / "darien-nationality-2023.csv").read_text(encoding="utf-8")
    assert "Haití," in rows and "Otras 26 nacionalidades," in rows
    assert "Haiti," in (FIGURES / "darien-nationality-2023.csv").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- phrases


def test_computed_phrases_in_spanish():
    assert charts.change_phrase(520_085, 248_284).render("es") == "se duplicaron con creces"
    assert charts.change_phrase(302_203, 520_085).render("es") == "cayeron 42%"
    assert charts.change_phrase(150, 100).render("es") == "aumentaron 50%"
    assert charts.change_phrase(1_000, 100).render("es") == "se multiplicaron por 10"
    assert charts.number_word(5).render("es") == "cinco"
    assert charts.number_word(6, capital=True).render("es") == "Seis"
    assert charts.compact(520_085).render("es") == "520 mil"
    assert charts.compact(2_475_669).render("es") == "2.5 millones"
    assert charts.compact(1_000_000).render("es") == "1 millón"
    assert charts.compact(7.21e9).render("es") == "7.2 mil millones"
    months = pd.Series(pd.date_range("2023-01-01", "2023-11-01", freq="MS"))
    assert charts.period_words(months).render("es") == "enero a noviembre de 2023"
    assert format(charts.period_words(months).field("es"), "en") == "de enero a noviembre de 2023"
    year = charts.period_words(pd.Series(pd.date_range("2023-01-01", "2023-12-01", freq="MS")))
    assert format(year.field("es"), "En") == "En 2023"
    t = charts.t("southwest-monthly.note_split", month=pd.Timestamp("2025-08-01"))
    assert t == "The Border Patrol line ends in August 2025: CBP's later releases do not split it out."
    assert t.render("es").startswith("La línea de la Patrulla Fronteriza termina en agosto de 2025")
    assert charts.t("common.month_count", month=pd.Timestamp("2023-12-01"), count=301981).render("es") == (
        "Dic 2023: 301,981"
    )
    assert charts.country("Haiti").render("es") == "Haití"


# ----------------------------------------------------------------------------- drawing both editions


@pytest.fixture
def kit(tmp_path):
    charts.setup("99-test", output=tmp_path)
    yield tmp_path
    charts.setup("99-test")


def _dated_chart(title):
    chart = charts.Chart(
        "test-editions", title=title, subtitle=charts.t("darien-annual.subtitle"), tables=["darien_monthly"]
    )
    months = pd.date_range("2023-01-01", "2023-12-01", freq="MS")
    chart.ax.plot(months, range(12))
    charts.callout(chart.ax, months[-1], 11, charts.t("common.month_count", month=months[-1], count=11))
    charts.date_axis(chart.ax)
    charts.number_axis(chart.ax, style="compact")
    return chart


def test_one_drawing_is_written_in_each_language(kit):
    chart = _dated_chart(charts.t("darien-monthly-2023.title_plain", year=2023))
    chart.save(
        data=pd.DataFrame({"x": [1]}), alt_text=charts.t("darien-annual.note_after", year=2024, count=3)
    )
    en = (kit / "test-editions.svg").read_text(encoding="utf-8")
    es = (kit / "es" / "test-editions.svg").read_text(encoding="utf-8")
    assert "Darién crossings in 2023, month by month" in en and "Dec 2023: 11" in en
    assert "Cruces por el Darién en 2023, mes a mes" in es and "Dic 2023: 11" in es
    # the date ticks name the months in each language
    assert re.search(r">Apr<|>Jul<", en) and re.search(r">abr<|>jul<", es)
    assert "Fuente: Servicio Nacional de Migración de Panamá" in es
    assert sidecar("test-editions", kit / "es")["alt_text"] == "En 2024 la cifra fue de 3."


def test_a_missing_spanish_text_fails_naming_the_key_and_writes_nothing(kit, monkeypatch):
    original = i18n.catalog

    def without(lang):
        book = dict(original(lang))
        if lang == "es":
            book.pop("charts.common.month_count")
        return book

    monkeypatch.setattr(i18n, "catalog", without)
    chart = _dated_chart(charts.t("darien-monthly-2023.title_plain", year=2023))
    with pytest.raises(TranslationError, match=r"'charts\.common\.month_count'.*locales/es\.toml"):
        chart.save(
            data=pd.DataFrame({"x": [1]}), alt_text=charts.t("darien-annual.note_after", year=2024, count=3)
        )
    assert not list(kit.rglob("test-editions*"))


def test_a_chart_of_plain_strings_has_no_spanish_edition(kit):
    charts.setup("99-test", output=kit, langs="es")
    chart = charts.Chart("test-plain", title="A finding", subtitle="A measure", tables=["darien_annual"])
    chart.ax.plot([1, 2], [3, 4])
    with pytest.raises(TranslationError, match=r"test-plain.*plain string.*\[charts\.test-plain\]"):
        chart.save(data=pd.DataFrame({"x": [1]}), alt_text="A line from 3 to 4.")


def test_the_spanish_gallery_names_publishers_and_months_in_spanish():
    """The data-as-of table of figures/es/ names each publisher as the Spanish source lines do and
    writes months in Spanish; the English gallery keeps the data package's words."""
    from migrationdata import gallery

    es = {t["table"]: t for t in gallery.data_as_of(gallery.sidecars(SPANISH), "es")}
    assert es["cbp_southwest_monthly"]["publisher"].startswith(
        "Oficina de Aduanas y Protección Fronteriza de EU"
    )
    assert es["cbp_southwest_monthly"]["data_to"] == "nov 2025"
    assert es["usbp_southwest_monthly"]["data_to"] == "ago 2025"
    assert (
        es["remittances_monthly"]["publisher"]
        == "Banco de México (Banxico), balanza de pagos: remesas familiares"
    )
    assert not any(ENGLISH_MONTHS.search(t["data_to"]) for t in es.values())
    page = (SPANISH / "index.md").read_text(encoding="utf-8")
    assert (
        "| `trade_us_mexico_monthly` | Oficina de Estadísticas de Transporte de EU" in page
        and "| dic 2025 |" in page
    )
    en = {t["table"]: t for t in gallery.data_as_of(gallery.sidecars(FIGURES))}
    assert en["cbp_southwest_monthly"]["publisher"].startswith("U.S. Customs and Border Protection")
    assert en["cbp_southwest_monthly"]["data_to"] == "Nov 2025"


def test_the_gallery_reads_the_sidecars_english_month_whatever_the_locale(monkeypatch):
    """The sidecar's "Nov 2025" is read by name, not by strptime's locale-bound %b: a process
    whose time locale is Spanish still writes the Spanish month (simulated here by a strptime
    that knows no English month names)."""
    import datetime as dt

    from migrationdata import gallery

    class NoEnglish(dt.datetime):
        @classmethod
        def strptime(cls, *_args):
            raise ValueError("unconverted month name")

    monkeypatch.setattr(gallery.dt, "datetime", NoEnglish)
    assert gallery._period_in("Nov 2025", "es") == "nov 2025"
    assert gallery._period_in("Aug 2025", "es") == "ago 2025"
    assert (
        gallery._period_in("FY2025", "es") == "año fiscal 2025"
        and gallery._period_in("Nov 2025", "en") == "Nov 2025"
    )
