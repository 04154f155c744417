"""The Spanish (Mexico) edition of the fact-check: the same verdicts as the English one, its
words from the catalog, numbers and dates in es-MX style, the ledger's Spanish renderings (or
the English, labelled), escaping, and a missing word that stops the edition, named."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from story_files import SEED, put, seed_data

from migrationdata import i18n
from migrationdata.claims import load_story, stories_dir, write_reports
from migrationdata.errors import TranslationError

SLUG = SEED.parent.name
VERDICTS = ("supported", "supported-with-caveat", "not-supported", "not-checkable")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    write_reports(out)
    return out


def verdict_table(md: str, labels: dict[str, str]) -> dict[str, list[str]]:
    """claim id -> its verdicts in the summary table, as verdict codes."""
    rows = {}
    for line in md.splitlines():
        m = re.match(r"\| \[([a-z0-9-]+)\]\(#\1\) \| (.*) \|$", line)
        if m:
            rows[m.group(1)] = [labels[c.strip()] for c in m.group(2).split(" | ")]
    return rows


def test_every_story_has_a_spanish_edition_and_index(reports):
    for story in stories_dir().glob("*/story.yaml"):
        for name in ("factcheck.md", "factcheck.html", "claimreview.jsonld"):
            assert (reports / story.parent.name / "es" / name).exists(), (story.parent.name, name)
    index = (reports / "es" / "index.html").read_text()
    assert '<html lang="es-MX">' in index and "<h1>Verificaciones</h1>" in index
    assert f'href="../{SLUG}/es/factcheck.html"' in index and 'href="../index.html" hreflang="en"' in index
    md = (reports / "es" / "index.md").read_text()
    assert f"({'../' + SLUG}/es/factcheck.md)" in md and "| 28 dic 2023 |" in md


def test_spanish_report_gives_the_same_verdicts_as_the_english(reports):
    en = (reports / SLUG / "factcheck.md").read_text()
    es = (reports / SLUG / "es" / "factcheck.md").read_text()
    labels_es = {i18n.text(f"reports.verdict.{v}", "es"): v for v in VERDICTS}
    table_en = verdict_table(en, {v: v for v in VERDICTS})
    table_es = verdict_table(es, labels_es)
    assert table_es == table_en and len(table_en) == 13
    # the counts per verdict, as each edition's summary line prints them
    now = [row[-1] for row in table_en.values()]
    assert {v: now.count(v) for v in set(now)} == {
        "supported": 6,
        "supported-with-caveat": 2,
        "not-checkable": 5,
    }
    assert (
        "Veredictos de las afirmaciones, hoy: No verificable (5); Verdadero (6); Verdadero, pero… (2)." in es
    )
    assert "Claims now: 5 not-checkable, 6 supported, 2 supported-with-caveat." in en
    # the HTML pages mark the same verdicts, in the same order
    classes = [
        re.findall(r'class="v-([a-z-]+)"', (reports / SLUG / sub / "factcheck.html").read_text())
        for sub in ("", "es")
    ]
    assert classes[0] == classes[1]
    # and the ClaimReviews rate the same claims the same, in Spanish words
    rev_en = json.loads((reports / SLUG / "claimreview.jsonld").read_text())
    rev_es = json.loads((reports / SLUG / "es" / "claimreview.jsonld").read_text())
    assert [r["reviewRating"]["ratingValue"] for r in rev_es] == [
        r["reviewRating"]["ratingValue"] for r in rev_en
    ]
    first = rev_es[0]
    assert first["inLanguage"] == "es-MX" and "inLanguage" not in rev_en[0]
    assert first["url"] == f"reports/{SLUG}/es/factcheck.html#darien-2023-half-million"
    assert first["claimReviewed"] == "Más de 500,000 migrantes cruzaron la selva del Darién en 2023."
    assert first["reviewRating"]["alternateName"] == "Verdadero"
    assert first["reviewRating"]["ratingExplanation"].startswith("520,085 (datos hasta ")
    assert {r["reviewRating"]["alternateName"] for r in rev_es} == {"Verdadero", "Verdadero, pero…"}


def test_spanish_numbers_and_dates_come_from_the_data(reports):
    md = (reports / SLUG / "es" / "factcheck.md").read_text()
    entry = md.split("### darien-2023-half-million", 1)[1].split("### ", 1)[0]
    # Panama's 2023 total, and the eleven months out on publication day (PROVENANCE: 520,085)
    assert re.search(r"\*\*Cifra hoy\*\* \(datos hasta [a-z]+ de 20\d\d\): 520,085\n", entry)
    assert "**Cifra el día de la publicación** (datos hasta noviembre de 2023): 495,459" in entry
    assert (
        "**Veredicto hoy: Verdadero.** El día de la publicación (28 de diciembre de 2023): No verificable."
        in entry
    )
    # the closures ledger: the rail bridges closed on 18 December 2023, for five calendar days
    closed = md.split("### closures-earlier-this-month", 1)[1].split("### ", 1)[0]
    assert "**Cifra hoy**: 18 de diciembre de 2023" in closed
    five = md.split("### rail-crossings-closed-five-days", 1)[1].split("### ", 1)[0]
    assert "**Cifra hoy**: 5 días naturales" in five
    assert "**Veredicto hoy: Verdadero, pero…** El día" in five  # no full stop after the ellipsis
    # 2023 goods trade on publication day (January to October): billions as "mil millones"
    trade = md.split("### mexico-trade-stakes", 1)[1].split("### ", 1)[0]
    assert "(datos hasta octubre de 2023): 672.6 mil millones de dólares" in trade
    assert "consultado el 29 de noviembre de 2026 — tabla `darien_monthly`" in md
    html = (reports / SLUG / "es" / "factcheck.html").read_text()
    assert "<th>al publicarse (28 de diciembre de 2023)</th>" in html
    assert "December" not in md.split("## Afirmaciones de la nota")[0]


def test_spanish_renderings_are_used_and_english_is_labelled(reports):
    es = (reports / SLUG / "es" / "factcheck.md").read_text()
    seed = load_story(SEED)
    for claim in seed.claims:
        assert claim.entry.claim_es, f"{claim.id} has no Spanish rendering"
        assert claim.entry.claim_es.strip() in es
        assert claim.entry.claim.strip() not in es
    assert "texto original en inglés" not in es.split("## Afirmaciones de la nota")[1]
    # a story without renderings shows the English, labelled
    other = (reports / "darien-2024-reuters" / "es" / "factcheck.md").read_text()
    assert "_(texto original en inglés)_" in other
    html = (reports / "darien-2024-reuters" / "es" / "factcheck.html").read_text()
    assert '<span lang="en">' in html and '<em class="orig">(texto original en inglés)</em>' in html


def test_spanish_as_of_report_says_so(tmp_path):
    root, out = tmp_path / "stories", tmp_path / "reports"
    put(root, "seed", seed_data())
    write_reports(out, as_of=date(2023, 12, 28), root=root)
    md = (out / "seed" / "es" / "factcheck.md").read_text()
    assert md.startswith("# Verificación al 28 de diciembre de 2023:")
    assert "> **Al 28 de diciembre de 2023: los datos tal como se habían publicado a esa fecha" in md
    assert "Veredicto al 28 de diciembre de 2023: No verificable." in md
    reviews = json.loads((out / "seed" / "es" / "claimreview.jsonld").read_text())
    assert reviews == []  # on that day no claim of these had a verdict to rate
    assert "Verificaciones al 28 de diciembre de 2023" in (out / "es" / "index.html").read_text()


def test_hostile_text_is_escaped_in_the_spanish_page(tmp_path):
    data = seed_data()
    data["headline"] = "Talks </script><script>alert('h')</script> & more"
    data["claims"][0]["claim"] = "<script>alert(1)</script> More than 500,000 crossed"
    data["claims"][0]["caveat_es"] = "Una <b>negrita</b> & <img src=x onerror=alert(2)>"
    data["claims"][1]["claim_es"] = "<script>alert(3)</script> Los motivos"
    root, out = tmp_path / "stories", tmp_path / "reports"
    put(root, "evil", data)
    data["claims"][0].pop("claim_es")  # this one shows the hostile English, labelled
    put(root, "evil-en", data)
    write_reports(out, root=root)
    for slug in ("evil", "evil-en"):
        html = (out / slug / "es" / "factcheck.html").read_text()
        assert "<script>alert" not in html and "<b>negrita</b>" not in html and "<img src=x" not in html
        assert "&lt;b&gt;negrita&lt;/b&gt; &amp; &lt;img src=x" in html
        assert "&lt;script&gt;alert(3)&lt;/script&gt; Los motivos" in html
        script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
        assert "<" not in script and json.loads(script)[0]["inLanguage"] == "es-MX"
        md = (out / slug / "es" / "factcheck.md").read_text()
        assert "<script" not in md and "<b>" not in md
    html = (out / "evil-en" / "es" / "factcheck.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; More than 500,000 crossed</span> <em class" in html


def test_a_missing_spanish_word_stops_the_edition_naming_the_key(tmp_path, monkeypatch):
    real = i18n.catalog

    def without(lang):
        book = real(lang)
        return {k: v for k, v in book.items() if not (lang == "es" and k == "reports.verdict.not-checkable")}

    monkeypatch.setattr(i18n, "catalog", without)
    out = tmp_path / "reports"
    with pytest.raises(
        TranslationError, match=r"reports\.verdict\.not-checkable: missing from es\.toml"
    ) as exc:
        write_reports(out)
    assert "src/migrationdata/locales/es.toml" in str(exc.value)
    assert not out.exists()  # nothing written, in either edition
    write_reports(out, langs=["en"])  # English alone still writes
    assert (out / SLUG / "factcheck.md").exists() and not (out / SLUG / "es").exists()


def test_a_spanish_rendering_needs_the_english_it_renders(tmp_path):
    from migrationdata.claims import StoryError

    data = seed_data()
    data["claims"][0]["caveat"] = ""
    root = tmp_path / "stories"
    put(root, "demo", data)
    with pytest.raises(
        StoryError, match=r"darien-2023-half-million.*caveat_es.*renders caveat, which is empty"
    ):
        load_story(root / "demo" / "story.yaml")
    data = seed_data()
    data["claims"][0]["claim_es"] = ""
    put(root, "demo", data)
    with pytest.raises(StoryError, match=r"claim_es"):
        load_story(root / "demo" / "story.yaml")


def test_check_lists_the_same_verdicts_in_spanish(capsys):
    from migrationdata.cli import main

    runs = {}
    for lang in ("en", "es"):
        assert main(["check", "--story", SLUG, "--lang", lang]) == 0
        runs[lang] = capsys.readouterr().out
    en = re.findall(r"^([A-Z][A-Z, …-]+?) +([a-z0-9-]+)$", runs["en"], re.M)
    es = re.findall(r"^([A-Z][A-ZÁÉÍÓÚ, …-]+?) +([a-z0-9-]+)$", runs["es"], re.M)
    upper = {i18n.text(f"reports.verdict.{v}", "es").upper(): v.upper() for v in VERDICTS}
    assert [(upper[v], i) for v, i in es] == en and len(en) == 2 * 18  # publication day and now
    assert (
        "== us-mexico-talks-2023-12:" in runs["es"]
        and "al 28 de diciembre de 2023 (día de la publicación)" in runs["es"]
    )
    assert (
        "    Más de 500,000 migrantes cruzaron la selva del Darién en 2023.\n    Cifra: 495,459 (datos hasta noviembre de 2023)"
        in runs["es"]
    )
    # a table's publisher in Spanish; a closure's citations named as published (outlets)
    assert (
        "    Fuente: Oficina de Aduanas y Protección Fronteriza de EU (CBP); Oficina de Estadísticas de "
        "Seguridad Nacional del DHS (OHSS)\n" in runs["es"]
    )
    assert (
        "    Fuente: Eagle Pass Business Journal; El Paso Times via Las Cruces Sun-News; KVIA via DFW News; "
        "U.S. Customs and Border Protection\n" in runs["es"]
    )
    assert "Verdadero (11); Verdadero, pero… (2); No verificable (5)" in runs["es"]
    assert "11 supported, 2 supported-with-caveat, 5 not-checkable" in runs["en"]


def test_spanish_page_links_the_spanish_chart_and_its_alt_text(tmp_path):
    root, out, figures = tmp_path / "stories", tmp_path / "reports", tmp_path / "figures"
    put(root, "seed", seed_data(ids=("darien-2023-half-million",)))
    (figures / "es").mkdir(parents=True)
    (figures / "darien-monthly-2023.png").write_bytes(b"png")
    (figures / "es" / "darien-monthly-2023.png").write_bytes(b"png")
    (figures / "es" / "darien-monthly-2023.json").write_text(
        json.dumps({"lang": "es", "alt_text": "Cruces por el Darién <cada mes> en 2023"}), encoding="utf-8"
    )
    write_reports(out, figures=figures, root=root)
    es = (out / "seed" / "es" / "factcheck.html").read_text()
    assert (
        '<img src="../../../figures/es/darien-monthly-2023.png" alt="Cruces por el Darién &lt;cada mes&gt; en 2023">'
        in es
    )
    en = (out / "seed" / "factcheck.html").read_text()
    assert '<img src="../../figures/darien-monthly-2023.png" alt="Chart darien-monthly-2023">' in en
    assert (
        "](../../../figures/es/darien-monthly-2023.png)" in (out / "seed" / "es" / "factcheck.md").read_text()
    )


def test_the_computation_and_the_test_are_in_spanish(reports):
    md = (reports / SLUG / "es" / "factcheck.md").read_text()
    entry = md.split("### darien-2023-half-million", 1)[1].split("### ", 1)[0]
    # the test in Spanish, the story's English words beside it
    assert '- **Prueba:** "más de 500,000" (en la nota, en inglés: "more than 500,000").' in entry
    assert '- **Por qué:** La cifra del periodo completo cumple la prueba "más de 500,000".' in entry
    # Panama's 2023 total (PROVENANCE: 520,085), computed and tested in Spanish
    assert (
        "- **Cómo se calculó la cifra:** 520,085 — migrantes que cruzaron el Darién, por mes "
        '(darien_monthly), 2023. "Más de 500,000": la prueba se cumple: 520,085 está por encima '
        "de 500,000.\n" in entry
    )
    # the doubling and its record condition: 248,284 in 2022, 520,085 in 2023
    doubled = md.split("### darien-2023-doubled-record", 1)[1].split("### ", 1)[0]
    assert "248,284 (2022) → 520,085 (2023): +109.5% (2.09 veces, +271,801)" in doubled
    assert '"Se duplicó": la prueba se cumple: la razón es 2.09; se admite de 1.80 a 2.20.' in doubled
    assert "Además: 2022: 248,284, el más alto de 13 años, de 2010 a 2022" in doubled
    # the rail closures: five calendar days, from the ledger
    five = md.split("### rail-crossings-closed-five-days", 1)[1].split("### ", 1)[0]
    assert "del 18 de diciembre de 2023 al 22 de diciembre de 2023, 5 días naturales" in five
    html = (reports / SLUG / "es" / "factcheck.html").read_text()
    assert (
        "<li><strong>Prueba:</strong> &#34;más de 500,000&#34; (en la nota, en inglés: "
        '<span lang="en">&#34;more than 500,000&#34;</span>)</li>' in html
    )
    assert "<li><strong>Cómo se calculó la cifra:</strong> 520,085 — migrantes que cruzaron" in html


def test_no_english_calculation_sentence_is_left_in_the_spanish_seed_report(reports):
    for name in ("factcheck.md", "factcheck.html"):
        text = (reports / SLUG / "es" / name).read_text()
        for english in (
            " passes:",
            " passes (",
            " is above ",
            " is at least ",
            " rounds to ",
            " from the top",
            " calendar days",
            "(en inglés):",
            "Test &#34;",
            'Test "',
        ):
            assert english not in text, (name, english)
        # the English that stays is the story's own, marked as such
        assert "(en inglés)" not in text.replace("(en la nota, en inglés", "")


def test_english_pages_link_to_the_spanish_edition(reports, tmp_path):
    md = (reports / SLUG / "factcheck.md").read_text()
    assert md.split("\n")[2] == "[Versión en español](es/factcheck.md)"
    html = (reports / SLUG / "factcheck.html").read_text()
    assert '<link rel="alternate" hreflang="es-MX" href="es/factcheck.html">' in html
    assert '<a href="es/factcheck.html" hreflang="es-MX" lang="es-MX">Versión en español</a>' in html
    assert "[Versión en español](es/index.md)" in (reports / "index.md").read_text()
    assert 'href="es/index.html" hreflang="es-MX"' in (reports / "index.html").read_text()
    # an English-only build links to no Spanish page it did not write
    write_reports(tmp_path, langs=["en"])
    assert "Versión en español" not in (tmp_path / SLUG / "factcheck.md").read_text()
    assert "Versión en español" not in (tmp_path / "index.html").read_text()


def test_the_seed_storys_outlet_and_missing_address_are_worded_in_spanish(reports, tmp_path):
    """The Spanish edition names the outlet and why there is no address in Spanish (outlet_es,
    url_es); the headline stays the story's own; the English edition keeps the English."""
    es = (reports / SLUG / "es" / "factcheck.md").read_text()
    line = next(ln for ln in es.splitlines() if ln.startswith("La nota:"))
    assert "Reescritura web de una nota de Reuters (firma: Carina)" in line
    assert "(dirección: el proyecto nunca registró la dirección de la página;" in line
    assert "Mexico, U.S. forge 'important agreements'" in line and "never recorded" not in line
    html = (reports / SLUG / "es" / "factcheck.html").read_text()
    assert "Reescritura web de una nota de Reuters" in html and "Web rewrite" not in html
    assert (
        "<td>Reescritura web de una nota de Reuters (firma: Carina)</td>"
        in (reports / "es" / "index.html").read_text()
    )
    en = (reports / SLUG / "factcheck.md").read_text()
    assert "Web rewrite of a Reuters report (byline: Carina)" in en and "Reescritura" not in en
    # a story with an address has no url_es: both editions link the address
    data = seed_data()
    data["url"] = "https://example.org/story"
    put(tmp_path, "with-an-address", data)
    with pytest.raises(Exception, match="url_es words an unknown address in Spanish"):
        load_story(tmp_path / "with-an-address")


def test_a_storys_notes_in_spanish_replace_the_labelled_english(reports, tmp_path):
    """notes_es, a person's Spanish for the story's notes, is what the Spanish edition prints,
    with no "original text" label; the English edition keeps the notes; notes_es without the
    notes it renders is an error."""
    es = (reports / "honduras-2023-efe-es" / "es" / "factcheck.md").read_text()
    line = next(ln for ln in es.splitlines() if ln.startswith("Nota:"))
    assert line.startswith("Nota: El INM dio el año completo el mismo día") and "texto original" not in line
    en = (reports / "honduras-2023-efe-es" / "factcheck.md").read_text()
    assert "INM gave the whole year on the day the story ran" in en and "El INM dio" not in en
    # a story with notes and no notes_es keeps the English, labelled, in Spanish
    data = seed_data()
    data["notes"] = "Checked against the <b>first</b> release."
    root, out = tmp_path / "stories", tmp_path / "out"
    put(root, "noted", data)
    write_reports(out, root=root)
    html = (out / "noted" / "es" / "factcheck.html").read_text()
    assert 'Nota: <span lang="en">Checked against the &lt;b&gt;first&lt;/b&gt; release.</span>' in html
    data["notes_es"] = "Cotejado con la <b>primera</b> publicación."
    put(root, "noted", data)
    write_reports(out, root=root)
    html = (out / "noted" / "es" / "factcheck.html").read_text()
    assert "<p>Nota: Cotejado con la &lt;b&gt;primera&lt;/b&gt; publicación.</p>" in html
    del data["notes"]
    put(root, "noted", data)
    with pytest.raises(Exception, match="notes_es renders the story's notes in Spanish"):
        load_story(root / "noted")
