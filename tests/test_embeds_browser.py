"""The gallery and the embeds, checked in a browser (headless Chromium through Playwright,
never its own browser download: Debian's /usr/bin/chromium, which .ci/run installs).

The pages are made from the committed charts into a temporary folder (the embeds' pages are
build products, not committed), then opened from file:// as a reader would open them, at
phone and desktop widths and in Mexico City's time zone: no console error or warning, no
request outside the page's own files, a tooltip with the exact figure on hover, and no text
running out of its box. Screenshots go to ``MIGRATIONDATA_SCREENSHOTS`` when it is set."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from migrationdata import embeds, gallery, i18n, paths

FIGURES = paths.REPO_DIR / "figures"
SPANISH = FIGURES / "es"
#: three embeds of three kinds: a line (the record month), bars (the record year), ranked bars
CHECKED = {
    "southwest-monthly": {"en": ("December 2023", "301,981"), "es": ("diciembre de 2023", "301,981")},
    "darien-annual": {"en": ("2023", "520,085"), "es": ("2023", "520,085")},
    "darien-nationality-2023": {"en": ("63.2%", "328,650"), "es": ("63.2%", "328,650")},
}
HIGHLIGHT = embeds.colour("HIGHLIGHT").lower()
WIDTHS = (320, 1200)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI") or os.environ.get("MIGRATIONDATA_REQUIRE_MIRROR"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return exe


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The committed charts, their embeds and galleries, in a folder of their own: the Spanish
    edition when the repository has one (then it is the one checked), else the English."""
    root = tmp_path_factory.mktemp("site")
    out = root / "figures"
    editions = [(FIGURES, out)] + ([(SPANISH, out / "es")] if SPANISH.is_dir() else [])
    for src, dst in editions:
        dst.mkdir(parents=True)
        for p in src.iterdir():
            if p.is_file() and not p.name.endswith(".embed.html"):
                shutil.copy(p, dst / p.name)
    for _, dst in editions:  # Spanish first would not know the English is there: English first
        embeds.write_embeds(dst)
        gallery.write_gallery(dst)
    folder = editions[-1][1]
    lang = gallery.edition(gallery.sidecars(folder))
    if SPANISH.is_dir():
        assert lang == "es", 'figures/es/ holds charts whose sidecars do not say "lang": "es"'
    return {"folder": folder, "lang": lang}


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        yield b
        b.close()


class Watched:
    """A page with every console message, page error and request recorded."""

    def __init__(self, browser, width: int, height: int = 900):
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, timezone_id="America/Mexico_City", locale="es-MX"
        )
        self.page = self.context.new_page()
        self.messages: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def outside(self) -> list[str]:
        """Requests for anything but the page's own files."""
        return [u for u in self.requests if not u.startswith(("file://", "data:", "about:", "blob:"))]

    def problems(self) -> list[str]:
        return [m for m in self.messages if m.split(":", 1)[0] in ("error", "warning", "pageerror")]

    def close(self):
        self.context.close()


def _shoot(page, name: str) -> None:
    where = os.environ.get("MIGRATIONDATA_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


OVERFLOW = """() => {
  const doc = document.documentElement;
  const out = [];
  if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const svg of document.querySelectorAll('#vis svg')) {
    const box = svg.getBoundingClientRect();
    const holder = svg.closest('.view').getBoundingClientRect();
    if (box.right > holder.right + 1) out.push(`chart ${box.right} > ${holder.right}`);
    for (const t of svg.querySelectorAll('text')) {
      // a label Vega hides (one that would overlap another or run past the axis) is drawn transparent
      if (!t.textContent.trim() || t.closest('[opacity="0"]') || getComputedStyle(t).opacity === '0') continue;
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        out.push(`text "${t.textContent}" at ${Math.round(r.left)}-${Math.round(r.right)} outside ${Math.round(box.left)}-${Math.round(box.right)}`);
      }
    }
  }
  for (const el of document.querySelectorAll('h1, .sub, footer p, .key li, h2.panel')) {
    if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName} "${el.textContent.slice(0, 40)}" overflows`);
  }
  return out;
}"""


@pytest.mark.parametrize("slug", sorted(CHECKED))
def test_an_embed_draws_offline_with_tooltips_and_nothing_clipped(site, browser, slug):
    folder, lang = site["folder"], site["lang"]
    page_file = folder / f"{slug}.embed.html"
    when, figure = CHECKED[slug][lang]
    for width in WIDTHS:
        w = Watched(browser, width)
        try:
            page = w.page
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-rendered]", timeout=20_000)
            assert page.get_attribute("body", "data-error") is None
            assert not w.problems(), f"{slug} at {width}px: {w.problems()}"
            assert not w.outside(), f"{slug} at {width}px asked the network for {w.outside()}"
            assert page.evaluate(OVERFLOW) == [], f"{slug} at {width}px: text clipped or overflowing"
            # the chart fills its column: as wide as the page, less the page's padding
            svg_width = page.evaluate("document.querySelector('#vis svg').getBoundingClientRect().width")
            assert width - 40 <= svg_width <= width, (slug, width, svg_width)
            # hover the mark in the highlight colour: the tooltip gives the exact figure
            marks = page.locator(f'#vis svg path[fill="{HIGHLIGHT}" i]')
            assert marks.count() >= 1, f"{slug}: nothing drawn in the highlight colour {HIGHLIGHT}"
            marks.first.hover(force=True)
            tip = page.locator("#vg-tooltip-element")
            tip.wait_for(state="visible", timeout=5_000)
            text = tip.inner_text()
            assert figure in text and when in text, f"{slug} at {width}px: tooltip reads {text!r}"
            box = tip.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
                f"{slug} at {width}px: tooltip off the page"
            )
            _shoot(page, f"{slug}-{lang}-{width}")
        finally:
            w.close()


def test_an_embed_reads_without_javascript(site, browser):
    """The alt text and the data table are there for a reader without JavaScript."""
    folder = site["folder"]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 900})
    try:
        page = context.new_page()
        page.goto((folder / "darien-annual.embed.html").as_uri())
        side = json.loads((folder / "darien-annual.json").read_text(encoding="utf-8"))
        assert (
            side["alt_text"] in page.locator("noscript, .alt").first.inner_text()
            or side["alt_text"] in page.content()
        )
        assert page.locator("#vis svg").count() == 0
        page.locator("details.data summary").click()
        rows = page.locator("details.data tbody tr")
        assert (
            rows.count() == len((folder / "darien-annual.csv").read_text(encoding="utf-8").splitlines()) - 1
        )
        assert "520,085" in rows.last.inner_text()
    finally:
        context.close()


def test_the_gallery_shows_static_and_interactive_side_by_side(site, browser):
    folder, lang = site["folder"], site["lang"]
    metas = gallery.sidecars(folder)
    w = Watched(browser, 1200, 1400)
    try:
        page = w.page
        page.goto((folder / "index.html").as_uri())
        page.wait_for_function("document.body.dataset.images !== undefined")
        assert page.get_attribute("body", "data-images") == str(len(metas))
        assert page.get_attribute("body", "data-embeds") == str(len(metas))
        assert page.get_attribute("html", "lang") == lang
        # the first chart's embed draws in its iframe, which takes the embed's height
        page.wait_for_selector("iframe[data-sized]", timeout=20_000)
        frame = page.frame_locator("iframe[data-slug]").first
        frame.locator("body[data-rendered]").wait_for(timeout=20_000)
        first = page.locator("article.chart").first
        static, interactive = first.locator("figure.static"), first.locator("figure.interactive")
        s_box, i_box = static.bounding_box(), interactive.bounding_box()
        assert abs(s_box["y"] - i_box["y"]) < 2 and i_box["x"] > s_box["x"] + s_box["width"] - 1, (
            "not side by side"
        )
        # each edition links the other (an English gallery alone links nothing)
        other = i18n.text("gallery.other_language", lang)
        assert page.get_by_text(other).count() == (1 if SPANISH.is_dir() else 0)
        # down the page, chart by chart: each one's lazy image and iframe load once it is in
        # view, and the next is scrolled to when its embed has drawn and reported its height
        for article in page.locator("article.chart").all():
            article.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete", arg=article.locator("img").element_handle(), timeout=20_000
            )
            if article.locator("iframe").count():
                article.locator("iframe[data-sized]").wait_for(timeout=20_000)
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)"
        )
        assert broken == [], f"images that did not load: {broken}"
        sized = page.evaluate("document.querySelectorAll('iframe[data-sized]').length")
        assert sized == len(metas), f"{sized} of {len(metas)} embeds drew and reported their height"
        assert not w.problems(), w.problems()
        assert not w.outside(), f"the gallery asked the network for {w.outside()}"
        _shoot(page, f"gallery-{lang}-1200")
    finally:
        w.close()
    # on a phone the two stack, and nothing runs off the side
    w = Watched(browser, 320, 900)
    try:
        w.page.goto((folder / "index.html").as_uri())
        wide = w.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert wide[0] <= wide[1] + 1, f"the gallery is wider than a phone: {wide}"
    finally:
        w.close()


def test_the_spanish_gallery_is_checked_once_there_is_one(site):
    """Once figures/es/ exists, the checks above run on the Spanish edition."""
    if SPANISH.is_dir():
        assert site["lang"] == "es" and site["folder"].name == "es"
    else:
        assert site["lang"] == "en"


def test_the_committed_english_gallery_shows_every_image(browser):
    """The committed English gallery (figures/index.html) as the repository holds it: every PNG
    loads (the page counts them and the broken ones), and the first 2,400 px of it, drawn at
    1,400 px wide, hold the charts: many colours, the highlight colour among them. Opened in
    the module's browser (one start of Chromium for every browser check here)."""
    import io

    import matplotlib.image as mpimg
    import numpy as np

    charts = [p for p in FIGURES.glob("*.json") if not p.name.endswith(".vl.json")]
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    try:
        page = context.new_page()
        page.goto((FIGURES / "index.html").as_uri())
        page.wait_for_function("document.body.dataset.brokenImages !== undefined", timeout=30_000)
        assert page.get_attribute("body", "data-broken-images") == "0", "an image in the gallery did not load"
        assert page.get_attribute("body", "data-images") == str(len(charts))
        pixels = mpimg.imread(io.BytesIO(page.screenshot()), format="png")[..., :3]
    finally:
        context.close()
    assert pixels.shape[:2] == (2400, 1400)
    # the charts drew: many colours, and the highlight colour (vermillion) among them
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 500
    r, g, b = (pixels[..., i] * 255 for i in range(3))
    vermillion = (abs(r - 0xD5) < 12) & (abs(g - 0x5E) < 12) & (b < 20)
    assert vermillion.sum() > 500
