"""Interactive embeds: every committed chart has a declaration and catalog words in every
edition; specs carry the sidecar's words, the house colours and tooltips written as the
edition writes numbers and dates; a Spanish sidecar gives a Spanish embed; the build step is
incremental and removes the embeds of charts that are gone."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from migrationdata import embeds, gallery, i18n, paths
from migrationdata.errors import EmbedError

FIGURES = paths.REPO_DIR / "figures"
COMMITTED = [m["slug"] for m in gallery.sidecars(FIGURES)]


def _charts_folder(tmp_path: Path, slugs=None) -> Path:
    out = tmp_path / "figures"
    out.mkdir()
    for slug in slugs or COMMITTED:
        for ext in ("json", "csv", "png"):
            shutil.copy(FIGURES / f"{slug}.{ext}", out / f"{slug}.{ext}")
    return out


def _tips(spec: dict) -> list[dict]:
    return [row["tip"] for rows in spec["datasets"].values() for row in rows if "tip" in row]


def test_every_committed_chart_has_a_declaration():
    assert len(COMMITTED) >= 20
    undeclared = [slug for slug in COMMITTED if slug not in embeds.EMBEDS]
    assert not undeclared, (
        f"no embed declaration for {', '.join(undeclared)}: add one to EMBEDS in src/migrationdata/embeds.py"
    )


def test_an_undeclared_chart_is_an_error_that_names_it():
    with pytest.raises(EmbedError, match="'a-new-chart' has no embed declaration.*embeds.py"):
        embeds.declaration("a-new-chart")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_embed_has_its_words_in_every_edition(lang):
    missing = [
        key
        for slug in embeds.EMBEDS
        for key in embeds.catalog_keys(slug)
        + [f"embeds.page.{w}" for w in embeds.PAGE_WORDS]
        + ["embeds.page.fiscal_year", "embeds.page.millions_of_dollars"]
        if not i18n.has(key, lang)
    ]
    assert not missing, f"missing from locales/{lang}.toml: {missing}"
    assert not i18n.problems(lang, "embeds."), i18n.problems(lang, "embeds.")
    assert not i18n.problems(lang, "gallery."), i18n.problems(lang, "gallery.")


def test_the_palette_is_the_static_charts_palette():
    charts = pytest.importorskip("migrationdata.charts")
    for name in ("BLUE", "ORANGE", "GREEN", "VERMILLION", "SKY", "GREY", "LIGHT_GREY", "HIGHLIGHT", "MUTED"):
        assert embeds.colour(name) == getattr(charts, name), name
    assert embeds.colour("HIGHLIGHT") == "#D55E00"


def test_every_committed_spec_is_the_one_the_build_writes(tmp_path):
    """figures/<slug>.vl.json is committed: it must be what the code makes from the committed
    sidecar and CSV (and say what the sidecar says)."""
    folder = _charts_folder(tmp_path)
    made = embeds.write_embeds(folder)
    assert sorted(made["written"]) == sorted(COMMITTED) and not made["undeclared"]
    for slug in COMMITTED:
        fresh = (folder / f"{slug}.vl.json").read_text(encoding="utf-8")
        committed = FIGURES / f"{slug}.vl.json"
        assert committed.exists(), f"figures/{slug}.vl.json is not committed: run `make figures`"
        assert committed.read_text(encoding="utf-8") == fresh, (
            f"figures/{slug}.vl.json differs from what the code makes: run `make figures`"
        )
        spec = json.loads(fresh)
        side = json.loads((FIGURES / f"{slug}.json").read_text(encoding="utf-8"))
        assert spec["description"] == side["alt_text"]
        assert " ".join(spec["title"]["text"]) == side["title"]
        assert spec["usermeta"]["source"] == side["source"] and spec["usermeta"]["notes"] == side["notes"]
        assert spec["$schema"].endswith("/v6.json")
        page = (folder / f"{slug}.embed.html").read_text(encoding="utf-8")
        assert "vegaEmbed" in page and "http://" not in page.split("<script>", 1)[0]


def test_a_record_and_its_colour_in_the_specs():
    """Spot checks against the CSVs (and PROVENANCE's figures): the highlighted bar is the
    record, and its tooltip gives the exact figure."""
    spec = json.loads((FIGURES / "darien-annual.vl.json").read_text(encoding="utf-8"))
    bars = spec["datasets"]["panel0"]
    red = [b for b in bars if b["fill"] == "#D55E00"]
    assert [b["x"] for b in red] == ["2023"] and red[0]["value"] == 520085
    assert red[0]["tip"] == {"Year": "2023", "Crossings": "520,085", "Months reported": "12"}
    assert {b["fill"] for b in bars if b["x"] != "2023"} == {"#8C8C8C"}
    # the month the border peaked: 301,981 encounters in December 2023
    spec = json.loads((FIGURES / "southwest-monthly.vl.json").read_text(encoding="utf-8"))
    dec = [t for t in _tips(spec) if t["Month"] == "December 2023"]
    assert dec and dec[0]["All encounters"] == "301,981" and dec[0]["Border Patrol"] == "249,740"
    labels = json.dumps(spec)
    assert "Dec 2023: 301,981" in labels
    # the rail bridges, the title's subject, in the highlight colour; the other closures in blue
    spec = json.loads((FIGURES / "closures-timeline.vl.json").read_text(encoding="utf-8"))
    rows = spec["datasets"]["panel0"]
    assert {r["y"] for r in rows if r["fill"] == "#D55E00"} == {"Eagle Pass · rail", "El Paso · rail"}
    # money is written as money
    spec = json.loads((FIGURES / "rail-trade-per-day.vl.json").read_text(encoding="utf-8"))
    dec = next(t for t in _tips(spec) if t["Month"] == "December 2023")
    assert dec["Rail trade in the month"] == "$7.21bn" and dec["Days in the month"] == "31"


def test_a_spanish_sidecar_gives_a_spanish_embed(tmp_path):
    """The same code on the Spanish edition's folder: words from es.toml, numbers and months
    as Mexico writes them, the sidecar's Spanish title."""
    es = tmp_path / "es"
    es.mkdir()
    for slug in ("southwest-monthly", "usbp-annual-history", "remittances-monthly"):
        side = json.loads((FIGURES / f"{slug}.json").read_text(encoding="utf-8"))
        side.update(
            lang="es", title=f"Título en español de {slug}", alt_text="Gráfica de líneas <de prueba>."
        )
        (es / f"{slug}.json").write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")
        shutil.copy(FIGURES / f"{slug}.csv", es / f"{slug}.csv")
    embeds.write_embeds(es)
    spec = json.loads((es / "southwest-monthly.vl.json").read_text(encoding="utf-8"))
    assert spec["usermeta"]["lang"] == "es" and spec["title"]["text"] == [
        "Título en español de southwest-monthly"
    ]
    dec = next(t for t in _tips(spec) if t["Mes"] == "diciembre de 2023")
    assert dec == {
        "Mes": "diciembre de 2023",
        "Todos los encuentros": "301,981",
        "Patrulla Fronteriza": "249,740",
        "Puertos de entrada": "52,241",
    }
    assert "dic 2023: 301,981" in json.dumps(spec, ensure_ascii=False)
    assert "Título 42" in json.dumps(spec, ensure_ascii=False)
    fy = json.loads((es / "usbp-annual-history.vl.json").read_text(encoding="utf-8"))
    assert any(t == {"Año fiscal": "año fiscal 2022", "Detenciones": "2,206,436"} for t in _tips(fy))
    money = json.loads((es / "remittances-monthly.vl.json").read_text(encoding="utf-8"))
    june = next(t for t in _tips(money) if t["Mes"] == "junio de 2024")
    assert june["Remesas recibidas"].endswith("mil millones de dólares") and "billones" not in json.dumps(
        money
    )
    page = (es / "southwest-monthly.embed.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "Los datos de esta gráfica" in page
    # the alt text is escaped in the page, and the data table is there without JavaScript
    assert "Gráfica de líneas &lt;de prueba&gt;." in page
    assert '<th scope="row">diciembre de 2023</th><td>301,981</td>' in page
    assert '"months":["enero"' in page  # axis months in Spanish


def test_a_chart_whose_csv_lost_a_column_is_an_error_naming_it(tmp_path):
    folder = _charts_folder(tmp_path, ["darien-annual"])
    rows = list(csv.DictReader((folder / "darien-annual.csv").open(encoding="utf-8")))
    with (folder / "darien-annual.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["year", "people"])
        w.writeheader()
        w.writerows({"year": r["year"], "people": r["migrants"]} for r in rows)
    with pytest.raises(EmbedError, match=r"darien-annual.csv: no column 'migrants'.*data contract"):
        embeds.write_embeds(folder)


def test_the_step_is_incremental_and_removes_what_is_gone(tmp_path):
    folder = _charts_folder(tmp_path, ["darien-annual", "route-deaths"])
    (folder / "new-chart.json").write_text(
        json.dumps({"slug": "new-chart", "title": "t", "subtitle": "s", "alt_text": "a"}), encoding="utf-8"
    )
    (folder / "new-chart.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    said: list[str] = []
    state: dict = {}
    first = embeds.write_embeds(folder, state, say=said.append)
    assert sorted(first["written"]) == ["darien-annual", "route-deaths"]
    assert first["undeclared"] == ["new-chart"] and "new-chart" in said[0]
    stamp = (folder / "route-deaths.embed.html").stat().st_mtime_ns
    again = embeds.write_embeds(folder, state)
    assert again["written"] == [] and sorted(again["unchanged"]) == ["darien-annual", "route-deaths"]
    assert (folder / "route-deaths.embed.html").stat().st_mtime_ns == stamp
    for ext in ("json", "csv", "png"):
        (folder / f"route-deaths.{ext}").unlink()
    embeds.write_embeds(folder, state)
    assert not list(folder.glob("route-deaths.*"))
    assert (folder / "darien-annual.vl.json").exists()


def test_a_static_only_build_removes_the_embeds_a_changed_chart_has_outgrown(tmp_path):
    """build --no-embeds writes no embed; the one of a chart drawn anew since (its CSV has one
    more row) is removed, so the gallery cannot show it beside a static chart it no longer
    matches; an unchanged chart keeps its embed, and the next build with embeds makes it again."""
    folder = _charts_folder(tmp_path, ["darien-annual", "route-deaths"])
    state: dict = {}
    embeds.write_embeds(folder, state)
    kept = (folder / "darien-annual.embed.html").stat().st_mtime_ns
    with (folder / "route-deaths.csv").open("a", encoding="utf-8") as f:
        f.write((folder / "route-deaths.csv").read_text(encoding="utf-8").splitlines()[-1] + "\n")
    static = embeds.write_embeds(folder, state, static_only=True)
    assert static["written"] == [] and static["removed"] == ["route-deaths"]
    assert static["unchanged"] == ["darien-annual"]
    assert (
        not (folder / "route-deaths.vl.json").exists() and not (folder / "route-deaths.embed.html").exists()
    )
    assert (folder / "darien-annual.embed.html").stat().st_mtime_ns == kept
    page = gallery.write_gallery(folder, state)
    assert "route-deaths.embed.html" not in page.read_text(encoding="utf-8")
    assert "darien-annual.embed.html" in page.read_text(encoding="utf-8")
    assert embeds.write_embeds(folder, state)["written"] == ["route-deaths"]
    # with no record (a fresh clone, a cleared build state), an embed whose spec is the one its
    # chart gives stands, and one whose spec is not is removed
    spec = folder / "darien-annual.vl.json"
    spec.write_text(spec.read_text(encoding="utf-8").replace('"Darién', '"Old words'), encoding="utf-8")
    (folder / "route-deaths.embed.html").unlink()  # pages are not committed: a fresh clone has none
    fresh = embeds.write_embeds(folder, {}, static_only=True)
    assert fresh["unchanged"] == ["route-deaths"] and fresh["removed"] == ["darien-annual"]
    assert (folder / "route-deaths.vl.json").exists() and not (folder / "darien-annual.vl.json").exists()


def test_the_spanish_gallery_links_the_english_one_and_back(tmp_path):
    folder = _charts_folder(tmp_path, ["darien-annual"])
    es = folder / "es"
    es.mkdir()
    side = json.loads((FIGURES / "darien-annual.json").read_text(encoding="utf-8"))
    side.update(lang="es", title="Los cruces del Darién se duplicaron con creces en 2023")
    (es / "darien-annual.json").write_text(json.dumps(side, ensure_ascii=False), encoding="utf-8")
    for ext in ("csv", "png"):
        shutil.copy(FIGURES / f"darien-annual.{ext}", es / f"darien-annual.{ext}")
    for f in (folder, es):
        embeds.write_embeds(f)
        gallery.write_gallery(f)
    en_page = (folder / "index.html").read_text(encoding="utf-8")
    es_page = (es / "index.html").read_text(encoding="utf-8")
    assert '<a href="es/index.html" hreflang="es" lang="es">Versión en español</a>' in en_page
    assert '<a href="../index.html" hreflang="en" lang="en">English version</a>' in es_page
    assert '<html lang="es">' in es_page and "<h1>Gráficas</h1>" in es_page
    assert 'src="darien-annual.embed.html"' in es_page and 'href="darien-annual.vl.json"' in es_page
    assert "Los cruces del Darién se duplicaron" in es_page
    assert (
        (es / "index.md")
        .read_text(encoding="utf-8")
        .startswith("# Gráficas\n\n[English version](../index.md)")
    )


def test_dollar_ticks_follow_the_static_charts_rule_in_each_edition():
    """The English embeds of dollar series put "$" on their ticks; the Spanish ones do not (in
    Mexico "$" alone reads as pesos: the static Spanish charts drop it, the subtitle names the
    dollars), as the committed specs show."""
    for slug in ("remittances-monthly", "trade-by-mode", "rail-trade-per-day"):
        en = (FIGURES / f"{slug}.vl.json").read_text(encoding="utf-8")
        es = (FIGURES / "es" / f"{slug}.vl.json").read_text(encoding="utf-8")
        assert '"labelExpr": "\'$\' + datum.label"' in en, slug
        assert "'$'" not in es and "dólares" in es, slug
