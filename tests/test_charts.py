"""The chart kit: sizes, exports, determinism, alt text, source line; and the committed charts.

The figures checked at the bottom were drawn from the committed processed tables; the values
asserted were computed from the mirror and agree with the PROVENANCE.md figures quoted beside
each one.
"""

from __future__ import annotations

import csv
import json
import struct

import pandas as pd
import pytest

from migrationdata import charts, paths, processed

FIGURES = paths.REPO_DIR / "figures"

#: every chart the issue and the fact-check ask for, by slug
EXPECTED_SLUGS = {
    "darien-annual",
    "darien-monthly-2023",
    "darien-nationality-2023",
    "darien-children",
    "southwest-monthly",
    "usbp-monthly-history",
    "usbp-annual-history",
    "citizenship-dec-2023",
    "closures-timeline",
    "lukeville-vehicles",
    "rail-eagle-pass-el-paso",
    "san-ysidro-pedestrians",
    "trade-by-mode",
    "rail-trade-per-day",
    "southwest-2025-provisional-2026",
}


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def kit(tmp_path):
    charts.setup("99-test", output=tmp_path)
    yield tmp_path
    import matplotlib.pyplot as plt

    plt.close("all")


def small_chart(slug="test-chart", size="landscape", title="Darién crossings doubled in 2023"):
    annual = processed.read("darien_annual")
    annual = annual[annual["year"].between(2019, 2023)]
    chart = charts.Chart(
        slug,
        title=title,
        subtitle="People crossing per year",
        tables=["darien_annual"],
        notes=["2020 covers nine months."],
        size=size,
    )
    chart.ax.bar(annual["year"], annual["migrants"], color=charts.HIGHLIGHT)
    return chart, annual[["year", "migrants"]]


# ----------------------------------------------------------------------------- exports


@pytest.mark.parametrize("size", ["landscape", "portrait", "square", "mobile"])
def test_long_titles_wrap_inside_the_figure(kit, size):
    title = "A title long enough that it cannot possibly fit on one line of a mobile chart " * 2
    chart, _ = small_chart(size=size, title=title)
    chart.notes = ["A caveat long enough to need two lines on the narrowest chart we make, " * 3]
    chart.layout()  # what save() does before it exports
    renderer = chart.fig.canvas.get_renderer()
    fig_box = chart.fig.bbox
    for text in chart.fig.texts:
        box = text.get_window_extent(renderer)
        assert fig_box.x0 <= box.x0 and box.x1 <= fig_box.x1, text.get_text()[:40]
        assert fig_box.y0 <= box.y0 and box.y1 <= fig_box.y1, text.get_text()[:40]
    assert chart.fig.texts[0].get_text().count("\n") >= 1
    # the plot sits between the header and the footer
    header_bottom = chart.fig.texts[1].get_window_extent(renderer).y0
    footer_top = chart.fig.texts[2].get_window_extent(renderer).y1
    plot = chart.ax.get_tightbbox(renderer)
    assert footer_top <= plot.y0 and plot.y1 <= header_bottom


@pytest.mark.parametrize("size", ["landscape", "portrait", "square", "mobile"])
def test_png_is_twice_the_css_size_and_mobile_variant_follows(kit, size):
    chart, data = small_chart(size=size)
    side = chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    w, h = charts.SIZES[size]
    assert png_size(kit / "test-chart.png") == (2 * w, 2 * h)
    svg = (kit / "test-chart.svg").read_text(encoding="utf-8")
    assert f'width="{w * 0.75:g}pt"' in svg and f'height="{h * 0.75:g}pt"' in svg
    if size in ("landscape", "portrait"):
        assert side["files"]["mobile_png"] == "test-chart-mobile.png"
        assert png_size(kit / "test-chart-mobile.png") == (1080, 1648)
    else:
        assert "mobile_png" not in side["files"]
        assert not (kit / "test-chart-mobile.png").exists()


def test_png_is_opaque_rgb_with_the_pixels_matplotlib_draws(kit):
    """The PNG drops only the alpha channel: its pixels are those of matplotlib's own RGBA PNG
    of the same figure, at 192 dpi; a figure with see-through parts is refused, not flattened."""
    import io

    import numpy as np
    from PIL import Image

    chart, data = small_chart()
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    ours = Image.open(kit / "test-chart.png")
    assert ours.mode == "RGB" and round(ours.info["dpi"][0]) == 192

    chart, data = small_chart()
    chart.layout()
    theirs = io.BytesIO()
    chart.fig.savefig(theirs, format="png", dpi=192)
    rgba = np.asarray(Image.open(theirs))
    assert rgba.shape[2] == 4 and (rgba[..., 3] == 255).all()
    assert np.array_equal(np.asarray(ours), rgba[..., :3])

    chart, data = small_chart(slug="see-through")
    chart.fig.patch.set_alpha(0.5)
    with pytest.raises(ValueError, match="see-through: part of the image is transparent"):
        chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    assert not (kit / "see-through.png").exists()


def test_svg_keeps_text_as_text_and_rebuilds_byte_for_byte(kit, tmp_path_factory):
    chart, data = small_chart()
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    first = {p.name: p.read_bytes() for p in kit.iterdir()}
    other = tmp_path_factory.mktemp("again")
    chart, data = small_chart()
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.", output=other)
    second = {p.name: p.read_bytes() for p in other.iterdir()}
    assert first == second  # PNG, SVG, CSV and JSON alike
    svg = first["test-chart.svg"].decode("utf-8")
    assert "<text" in svg and "Darién crossings doubled in 2023" in svg
    assert "<dc:date>" not in svg
    assert "<dc:description>Bar chart: 520,085 crossings in 2023.</dc:description>" in svg


def test_unchanged_chart_keeps_its_files_untouched(kit):
    chart, data = small_chart()
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    before = {p.name: p.stat().st_mtime_ns for p in kit.iterdir()}
    chart, data = small_chart()
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    assert {p.name: p.stat().st_mtime_ns for p in kit.iterdir()} == before


@pytest.mark.parametrize("alt", ["", "   ", "A bar chart of crossings."])
def test_saving_without_alt_text_fails_and_writes_nothing(kit, alt):
    chart, data = small_chart()
    with pytest.raises(ValueError, match="alt text"):
        chart.save(data=data, alt_text=alt)
    assert list(kit.iterdir()) == []


def test_a_label_that_runs_off_the_mobile_image_fails_and_writes_nothing(kit):
    chart, data = small_chart()
    callout = "Deportations (dark blue): 3,548 in 2015, 516 in 2024, fewer every year since then"
    chart.ax.annotate(callout, (2020, 200_000), xytext=(2020.5, 250_000), ha="left", fontsize=10)
    # it fits the desktop width: the mobile layout is the one that cannot hold it
    with pytest.raises(
        ValueError, match=r"test-chart \(540x824 px, en\): the text 'Deportations .*' runs off"
    ):
        chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    assert list(kit.iterdir()) == []
    # broken over two lines, it fits
    chart, data = small_chart()
    chart.ax.annotate(callout.replace(": ", ":\n", 1).replace(", f", ",\nf"), (2020, 200_000),
                      xytext=(2020.5, 250_000), ha="left", fontsize=10)  # fmt: skip
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    assert (kit / "test-chart-mobile.png").exists()


def test_csv_is_the_plotted_data(kit):
    chart, data = small_chart()
    chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    rows = list(csv.DictReader((kit / "test-chart.csv").open(encoding="utf-8")))
    assert [r["year"] for r in rows] == ["2019", "2020", "2021", "2022", "2023"]
    # PROVENANCE: 2019 22,102 (annual total); 2023 520,085
    assert rows[0]["migrants"] == "22102" and rows[-1]["migrants"] == "520085"


def test_sidecar_lists_tables_with_checksums_and_the_source_line(kit):
    chart, data = small_chart()
    side = chart.save(data=data, alt_text="Bar chart: 520,085 crossings in 2023.")
    on_disk = json.loads((kit / "test-chart.json").read_text(encoding="utf-8"))
    assert on_disk == side
    assert side["title"] == "Darién crossings doubled in 2023"
    assert side["notes"] == ["2020 covers nine months."]
    assert side["notebook"] == "notebooks/99-test.ipynb"
    (table,) = side["tables"]
    assert table["name"] == "darien_annual"
    assert table["sha256"] == processed.sha256_of("darien_annual")
    assert table["publisher"] == "Servicio Nacional de Migración de Panamá (SNM)"
    # the annual table has no month; the source's monthly tables run to April 2025 (PROVENANCE)
    assert table["data_to"] == "Apr 2025"
    assert side["source"].startswith(
        "Source: Servicio Nacional de Migración de Panamá (SNM), via gdidata R package (data to Apr 2025, retrieved "
    )


def test_source_line_names_each_publisher_once_and_the_projects_own_data():
    line = charts.source_line(
        ["darien_monthly", "darien_annual", "cbp_southwest_monthly"], credits=["the closures ledger"]
    )
    assert line.startswith("Sources: Servicio Nacional de Migración de Panamá (SNM)")
    assert line.count("Servicio Nacional") == 1
    assert "U.S. Customs and Border Protection (CBP)" in line
    assert "data to Nov 2025" in line  # the November 2025 state release
    assert line.endswith("; the closures ledger.")


def test_chart_needs_a_slug_title_and_its_inputs(kit):
    with pytest.raises(ValueError, match="slug"):
        charts.Chart("Bad Slug", title="t", subtitle="s", tables=["darien_annual"])
    with pytest.raises(ValueError, match="slug"):
        charts.Chart("darien-mobile", title="t", subtitle="s", tables=["darien_annual"])
    with pytest.raises(ValueError, match="title"):
        charts.Chart("ok", title=" ", subtitle="s", tables=["darien_annual"])
    with pytest.raises(ValueError, match="tables"):
        charts.Chart("ok", title="t", subtitle="s")
    with pytest.raises(ValueError, match="size"):
        charts.Chart("ok", title="t", subtitle="s", tables=["darien_annual"], size="billboard")


# ----------------------------------------------------------------------------- helpers


def _luminance(hex_colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", [charts.TEXT, charts.MUTED, charts.HIGHLIGHT, charts.BLUE, charts.GREEN])
def test_colours_used_for_labels_are_readable_on_white(colour):
    contrast = 1.05 / (_luminance(colour) + 0.05)
    assert contrast >= 3.0, f"{colour} has contrast {contrast:.2f} on white"


def test_palette_is_okabe_ito_without_yellow():
    assert charts.PALETTE[:4] == ("#0072B2", "#E69F00", "#009E73", "#D55E00")
    assert "#F0E442" not in charts.PALETTE
    import matplotlib.pyplot as plt

    with plt.style.context(charts.STYLE):
        cycle = [c.upper() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [c.upper() for c in charts.PALETTE]


@pytest.mark.parametrize(
    ("new", "old", "phrase"),
    [
        (520_085, 248_284, "more than doubled"),  # Darién 2023 against 2022
        (200, 100, "doubled"),
        (302_203, 520_085, "fell 42%"),  # Darién 2024 against 2023
        (150, 100, "rose 50%"),
        (50, 100, "fell by about half"),
        (100, 100, "held steady"),
        (1_000, 100, "grew 10-fold"),
    ],
)
def test_change_phrase(new, old, phrase):
    assert charts.change_phrase(new, old) == phrase


def test_ended_by_as_of_keeps_only_finished_periods():
    months = pd.DataFrame({"month": pd.to_datetime(["2023-10-01", "2023-11-01", "2023-12-01"])})
    years = pd.DataFrame({"fiscal_year": [2023, 2024], "year": [2022, 2023]})
    try:
        charts.setup("99-test", as_of="2023-12-27")
        assert list(charts.ended_by_as_of(months)["month"].dt.month) == [10, 11]
        assert list(charts.ended_by_as_of(years, "fiscal_year", "fiscal_year")["fiscal_year"]) == [2023]
        assert list(charts.ended_by_as_of(years, "year", "year")["year"]) == [2022]
        assert charts.latest_period("darien_monthly") == "Nov 2023"
    finally:
        charts.setup("99-test")
    assert len(charts.ended_by_as_of(months)) == 3


def test_has_ended_and_period_words():
    try:
        charts.setup("99-test", as_of="2023-12-27")
        assert charts.has_ended("2023-11-01") and not charts.has_ended("2023-12-01")
        assert not charts.has_ended("2023-01-01", period="year")
    finally:
        charts.setup("99-test")
    assert charts.has_ended("2030-01-01")  # no as-of date: everything counts
    months = pd.Series(pd.date_range("2023-01-01", "2023-12-01", freq="MS"))
    assert charts.period_words(months) == "2023"
    assert charts.period_words(months[:-1]) == "January to November 2023"
    assert charts.period_words(pd.Series(pd.to_datetime(["2022-11-01", "2023-02-01"]))) == (
        "November 2022 to February 2023"
    )


def test_number_formats():
    assert charts.thousands(520085) == "520,085"
    assert charts.compact(520085) == "520k"
    assert charts.compact(2475669) == "2.5m"
    assert charts.compact(798.8e9) == "799bn"
    assert charts.compact(7.21e9) == "7.2bn"
    assert charts.number_word(6, capital=True) == "Six"
    assert charts.number_word(12) == "12"


# ----------------------------------------------------------------------------- recurring charts


def _bare_chart(slug="test-shape"):
    return charts.Chart(slug, title="A finding", subtitle="A measure", tables=["darien_annual"])


def test_mark_dots_the_value_and_labels_it_in_the_same_colour(kit):
    ax = _bare_chart().ax
    assert charts.mark(ax, 1, 10) is None  # a dot alone
    note = charts.mark(ax, 2, 20, "Dec 2023: 20", color=charts.MUTED, ms=6, dx=24, dy=8)
    dots = ax.get_lines()
    assert [tuple(d.get_xydata()[0]) for d in dots] == [(1, 10), (2, 20)]
    assert dots[1].get_color() == charts.MUTED and dots[1].get_markersize() == 6
    assert note.get_text() == "Dec 2023: 20" and note.get_color() == charts.MUTED
    assert note.get_fontweight() == "bold" and note.get_ha() == "left"


def test_closure_months_shades_plots_mid_month_and_marks_the_month(kit):
    months = pd.Series(pd.date_range("2023-10-01", "2024-01-01", freq="MS"))
    values = pd.Series([900, 1000, None, 950])  # a missing month stays a gap
    ax = _bare_chart().ax
    charts.closure_months(
        ax,
        months,
        values,
        closed=[
            (pd.Timestamp("2023-11-20"), pd.Timestamp("2023-11-25"), "Closed"),
            ("2023-12-05", "2023-12-06"),
        ],
        month=months[1],
        value=1000,
        text="Nov 2023: 1,000",
        numbers="compact",
    )
    assert len(ax.patches) == 2  # two shaded periods
    assert [t.get_text() for t in ax.texts] == [" Closed", "Nov 2023: 1,000"]
    line, dot = ax.get_lines()
    assert list(pd.to_datetime(line.get_xdata()).day) == [15] * 4
    assert pd.isna(line.get_ydata()[2])
    assert pd.Timestamp(dot.get_xdata()[0]) == pd.Timestamp("2023-11-15")
    assert dot.get_color() == charts.HIGHLIGHT
    assert ax.get_ylim() == (0, pytest.approx(1000 * 1.15))
    assert ax.yaxis.get_major_formatter()(2000, 0) == "2k"


def test_ranked_bars_put_the_first_on_top_and_the_rest_in_light_grey(kit):
    ax = _bare_chart().ax
    bars = charts.ranked_bars(
        ax,
        ["Venezuela", "Ecuador", "All others"],
        [300, 60, 40],
        [0.75, 0.15, 0.1],
        highlight=["Venezuela"],
        rest="All others",
    )
    from matplotlib.colors import to_hex

    assert [to_hex(b.get_facecolor()).upper() for b in bars] == [
        charts.LIGHT_GREY.upper(),
        charts.GREY.upper(),
        charts.HIGHLIGHT.upper(),
    ]
    assert [t.get_text() for t in ax.texts] == ["40  (10.0%)", "60  (15.0%)", "300  (75.0%)"]
    assert ax.get_xlim() == (0, pytest.approx(300 * 1.25))
    assert not ax.xaxis.get_visible()


# ----------------------------------------------------------------------------- committed charts


def _sidecar(slug):
    return json.loads((FIGURES / f"{slug}.json").read_text(encoding="utf-8"))


def _rows(slug):
    return list(csv.DictReader((FIGURES / f"{slug}.csv").open(encoding="utf-8")))


def test_every_chart_is_committed_in_all_formats_with_alt_text():
    # the sidecars (a chart's Vega-Lite spec, <slug>.vl.json, sits beside them)
    committed = {p.stem for p in FIGURES.glob("*.json") if not p.name.endswith(".vl.json")}
    assert EXPECTED_SLUGS <= committed, f"missing: {sorted(EXPECTED_SLUGS - committed)}"
    for slug in sorted(committed):
        side = _sidecar(slug)
        assert side["slug"] == slug
        assert len(side["alt_text"]) > 60 and any(ch.isdigit() for ch in side["alt_text"]), slug
        assert side["source"].startswith(("Source: ", "Sources: ")), slug
        assert side["notebook"] and (paths.REPO_DIR / side["notebook"]).exists(), slug
        for name in list(side["files"].values()) + [f"{slug}.json"]:
            assert (FIGURES / name).stat().st_size > 0, f"{slug}: {name} is missing"
        w, h = side["size"]["width"], side["size"]["height"]
        assert png_size(FIGURES / f"{slug}.png") == (2 * w, 2 * h), slug


def test_committed_charts_were_drawn_from_the_committed_tables():
    for slug in EXPECTED_SLUGS:
        for table in _sidecar(slug)["tables"]:
            assert table["sha256"] == processed.sha256_of(table["name"]), (
                f"figures/{slug} was drawn from an older {table['name']}.csv: run `make figures`"
            )
        for item in _sidecar(slug)["inputs"]:
            import hashlib

            now = hashlib.sha256((paths.REPO_DIR / item["path"]).read_bytes()).hexdigest()
            assert item["sha256"] == now, f"figures/{slug} was drawn from an older {item['path']}"


def test_darien_charts_carry_the_provenance_figures():
    annual = {r["year"]: int(r["migrants"]) for r in _rows("darien-annual")}
    assert annual["2023"] == 520_085 and annual["2022"] == 248_284 and annual["2021"] == 133_726
    assert sum(v for y, v in annual.items() if int(y) <= 2019) == 109_293  # 2010-2019
    assert "2024" not in annual  # the story's range is 2010-2023
    assert _sidecar("darien-annual")["title"].startswith("Darién crossings more than doubled in 2023")
    nat = {r["nationality"]: r for r in _rows("darien-nationality-2023")}
    assert int(nat["Venezuela"]["migrants"]) == 328_650 and nat["Venezuela"]["share"] == "0.6319"
    assert int(nat["Ecuador"]["migrants"]) == 57_250 and int(nat["Haiti"]["migrants"]) == 46_422
    assert sum(int(r["migrants"]) for r in nat.values()) == 520_085
    monthly = {r["month"]: r for r in _rows("darien-monthly-2023")}
    assert monthly["2023-08-01"]["crossings"] == "81946"
    assert monthly["2023-07-01"]["running_total_2023"] == "251758"  # passes 2022's 248,284
    assert monthly["2023-12-01"]["running_total_2023"] == "520085"
    kids = [r for r in _rows("darien-children") if r["month"].startswith("2023")]
    assert sum(int(r["children"]) for r in kids) == 113_180  # 60,360 boys + 52,820 girls


def test_encounter_charts_carry_the_provenance_figures():
    sw = {r["month"]: r for r in _rows("southwest-monthly")}
    assert int(sw["2023-12-01"]["total"]) == 301_981
    assert int(sw["2023-12-01"]["border_patrol"]) == 249_740
    assert int(sw["2023-12-01"]["ports_of_entry"]) == 52_241
    assert sum(int(r["total"]) for m, r in sw.items() if "2022-10-01" <= m <= "2023-09-01") == 2_475_669
    cit = {r["citizenship"]: int(r["encounters"]) for r in _rows("citizenship-dec-2023")}
    assert cit["Mexico"] == 69_041 and cit["Venezuela"] == 57_847 and cit["Guatemala"] == 35_351
    assert sum(cit.values()) == 301_981
    usbp = {r["fiscal_year"]: int(r["apprehensions"]) for r in _rows("usbp-annual-history")}
    assert usbp["1960"] == 21_022 and usbp["2000"] == 1_643_679 and usbp["2019"] == 851_508
    history = {r["month"]: int(r["border_patrol_encounters"]) for r in _rows("usbp-monthly-history")}
    assert history["2023-12-01"] == 249_740 == max(history.values())


def test_provisional_chart_keeps_the_third_partys_months_apart_and_named():
    rows = _rows("southwest-2025-provisional-2026")
    cbp_rows = [r for r in rows if r["status"] == "CBP"]
    prov = [r for r in rows if r["status"] == "provisional"]
    assert cbp_rows[-1]["month"] == "2025-11-01" and int(cbp_rows[-1]["total"]) == 10_960
    assert [r["month"] for r in prov][:1] == ["2025-12-01"] and prov[-1]["month"] == "2026-07-01"
    assert int(prov[-1]["total"]) == 12_730
    assert {r["source"] for r in prov} == {"govnumbers/political-dashboard (third party)"}
    meta = _sidecar("southwest-2025-provisional-2026")
    assert "govnumbers/political-dashboard" in meta["source"]  # the compiler, in the source line
    assert any("provisional" in n and "govnumbers/political-dashboard" in n for n in meta["notes"])
    assert "provisional" in meta["alt_text"] and "10,960" in meta["alt_text"]
    publishers = {t["name"]: t["publisher"] for t in meta["tables"]}
    assert publishers["cbp_southwest_provisional"].startswith("govnumbers/political-dashboard")


def test_crossing_and_trade_charts_carry_the_provenance_figures():
    luke = {r["month"]: r["personal_vehicles"] for r in _rows("lukeville-vehicles")}
    assert (luke["2023-11-01"], luke["2023-12-01"], luke["2024-01-01"]) == ("34361", "3966", "17919")
    rail = {r["month"]: r for r in _rows("rail-eagle-pass-el-paso")}
    assert rail["2023-12-01"]["eagle_pass_trains"] == "237" and rail["2023-12-01"]["el_paso_trains"] == "111"
    assert rail["2023-11-01"]["eagle_pass_trains"] == "215"
    ped = {r["month"]: r["pedestrians"] for r in _rows("san-ysidro-pedestrians")}
    assert ped["2024-01-01"] == ""  # BTS has no January 2024 figure: missing, not zero
    timeline = {r["id"]: r for r in _rows("closures-timeline")}
    assert timeline["eagle-pass-rail-2023-12"]["closed_from"] == "2023-12-18"
    assert timeline["eagle-pass-rail-2023-12"]["reopened_on"] == "2023-12-22"
    assert timeline["lukeville-2023-12"]["reopened_on"] == "2024-01-04"
    trade = [r for r in _rows("trade-by-mode") if r["month"].startswith("2023")]
    assert sum(int(r["total_usd"]) for r in trade) == 798_834_655_096  # $798.83bn, PROVENANCE
    per_day = {r["month"]: r for r in _rows("rail-trade-per-day")}
    assert per_day["2023-12-01"]["rail_usd"] == "7208156527"  # Dec 2023 rail: X $2.39bn + M $4.82bn
    assert per_day["2023-12-01"]["rail_per_day_usd"] == "232521178.0"


def test_an_annual_table_that_stops_earlier_than_its_publishers_months_says_its_own_last_year():
    # OHSS's fiscal years end at FY2024 (1,530,523 apprehensions) while CBP's monthly releases
    # run to November 2025: the annual chart's source line must not claim data to Nov 2025
    assert charts.latest_period("usbp_southwest_annual") == "FY2024"
    assert charts.latest_period("usbp_southwest_annual", "es") == "año fiscal 2024"
    # Panama's yearly table holds 2025's first months: its months say how far that year goes
    assert charts.latest_period("darien_annual") == "Apr 2025"
    assert "data to FY2024" in charts.source_line(["usbp_southwest_annual"])
    assert "(datos hasta el año fiscal 2024," in charts.source_line(["usbp_southwest_annual"], lang="es")
    assert "(datos hasta nov 2025," in charts.source_line(["cbp_southwest_monthly"], lang="es")
