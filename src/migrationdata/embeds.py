"""Interactive embeds: every chart as a Vega-Lite spec and a self-contained HTML page.

For each chart a notebook saved (``<slug>.json`` sidecar and ``<slug>.csv``, the plotted
data), :func:`write_embeds` writes, beside them:

- ``<slug>.vl.json``, the Vega-Lite spec, data inline (committed);
- ``<slug>.embed.html``, a page that draws it with the Vega libraries inlined, so it works
  offline and inside a CMS's iframe (a build product, git-ignored: each is about 0.9 MB).

What an embed shows comes from three places, none of them a notebook:

- the *declaration* of its slug in :data:`EMBEDS` below: which columns it plots, as what mark,
  in which of the house colours (read from ``charts.py``), and what the highlight colour
  marks (the record, the closure month: what the title is about);
- the *sidecar* (title, subtitle, alt text, notes, source line) and the *CSV* (the numbers),
  in whichever language the sidecar says (``"lang"``: ``en`` or ``es``);
- the *message catalog*, ``[embeds.<slug>]`` in ``locales/<lang>.toml``, for the words the
  embed adds (series names, tooltip labels), and :mod:`migrationdata.i18n` for numbers and
  dates, so a tooltip writes ``301,981`` and ``diciembre de 2023`` as the reports do.

Every tooltip value is formatted here, in Python, and travels in the data as text, so the
browser shows exactly what the reports print. The page also carries the alt text and the
data as an HTML table, for a reader without JavaScript.

The Vega, Vega-Lite and Vega-Embed libraries come from ``vl-convert-python``'s bundle, made
once per installed version and kept in the build's state folder. A chart whose inputs, the
code and the bundle are unchanged is not written again.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import json
import math
import os
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from migrationdata import i18n, paths
from migrationdata.errors import EmbedError

TEMPLATE = paths.PACKAGE_DIR / "templates" / "embed.html"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
SPEC_SUFFIX = ".vl.json"
PAGE_SUFFIX = ".embed.html"
#: the Vega-Lite version the bundle is made for (vl-convert ships several)
VL_VERSION = "6.4"

# ----------------------------------------------------------------------------- the colours


@cache
def palette() -> dict[str, str]:
    """The house colours, read from ``charts.py`` (``BLUE = "#0072B2"``, ``HIGHLIGHT =
    VERMILLION``...) without importing it: charts imports matplotlib, which the build's own
    process never needs."""
    tree = ast.parse((paths.PACKAGE_DIR / "charts.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
            if (
                isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and value.value.startswith("#")
            ):
                found[name] = value.value
            elif isinstance(value, ast.Name) and value.id in found:
                found[name] = found[value.id]
    return found


def colour(name: str) -> str:
    """A house colour by its name in charts.py (``"HIGHLIGHT"``), or a literal ``#rrggbb``."""
    if name.startswith("#"):
        return name
    try:
        return palette()[name]
    except KeyError:
        raise EmbedError(
            f"no colour {name!r} in charts.py; the house colours are {', '.join(palette())}."
        ) from None


# ----------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Series:
    """One plotted column: its CSV ``column``, its house ``colour``, how its values are
    written (``fmt``, see :func:`formatted`) and divided for the axis (``scale``: 1e9 plots
    dollars as billions). Its name in the key and tooltips is ``[embeds.<slug>] <column>``."""

    column: str
    colour: str = "BLUE"
    fmt: str = "count"
    scale: float = 1
    dashed: bool = False
    label: str = ""  # its catalog key, when not the column's name

    @property
    def name(self) -> str:
        return self.label or self.column


@dataclass(frozen=True)
class Band:
    """A shaded span of dates (Title 42, a closure): ``start`` and ``end`` as ISO dates, or
    ``closure``, an id in the closures ledger (``data/closures.csv``), which gives both.
    ``label`` is a catalog key under ``embeds.<slug>``; ``record_year`` shades the complete
    calendar year with the largest total of the first series; ``split_rest`` the months of a
    split line's second (dashed) series, from mid-month before the first to mid-month after
    the last."""

    start: str = ""
    end: str = ""
    closure: str = ""
    label: str = ""
    colour: str = "SHADE"
    record_year: bool = False
    split_rest: bool = False


@dataclass(frozen=True)
class Mark:
    """A dot in a colour on one point of a series, and its label (``Dec 2023: 301,981``):
    ``at`` is ``"max"`` (the series' highest), ``"last"``, ``"max_before:YYYY-MM-DD"`` or an
    x value (``"2023-12-01"``). ``series`` is the column, the first series when empty."""

    at: str
    series: str = ""
    colour: str = "HIGHLIGHT"
    label: bool = True


@dataclass(frozen=True)
class Rule:
    """A reference line: ``x`` (a date) or ``y_sum_of_year`` (the total of the first series
    over a calendar year, drawn across), with its label (a catalog key under ``embeds.<slug>``,
    filled with ``{value}`` and ``{year}``)."""

    label: str
    x: str = ""
    y_sum_of_year: int = 0


@dataclass(frozen=True)
class Panel:
    """One view. ``kind`` is ``bar`` (vertical), ``hbar`` (horizontal, the first row at the
    top), ``line``, ``area`` (stacked) or ``gantt`` (spans from ``x`` to ``x2`` per ``y``).
    ``x`` is the CSV column along the bottom and ``x_fmt`` how a tooltip writes it (``month``,
    ``year``, ``fiscal_year``, ``text``); several series are ``stacked`` (the first at the
    bottom, as in the static chart; the key lists them from the top) or side by side.

    Bar colours: each row is ``series[0].colour`` unless ``highlight`` picks it (the
    HIGHLIGHT colour), ``alt`` picks it (``alt_colour``) or it is the ``rest`` row (the
    "all others" bar, light grey). A rule is a tuple: ``("last",)``, ``("first", n)``,
    ``("max",)``, ``("x", value)``, ``("year", 2023)``, ``("true", column)`` or
    ``("contains", column, text)``."""

    kind: str
    x: str
    series: tuple[Series, ...]
    x_fmt: str = "month"
    title: str = ""
    stacked: bool = False
    highlight: tuple = ()
    alt: tuple = ()
    alt_colour: str = "BLUE"
    rest: bool = False
    extra: tuple[Series, ...] = ()  # columns shown in the tooltip and table, not plotted
    bands: tuple[Band, ...] = ()
    marks: tuple[Mark, ...] = ()
    rules: tuple[Rule, ...] = ()
    split: str = ""  # line: a column whose first value is the main series, any other the dashed one
    x2: str = ""  # gantt: the column where a span ends (its last day, drawn whole)
    window: tuple[str, str] = ()  # gantt: the dates shown
    height: int = 0


@dataclass(frozen=True)
class Embed:
    panels: tuple[Panel, ...]
    key: bool = True  # a key of the series above the chart (when there are several)


TALKS_MONTH = "2023-12-01"  # the month of the US-Mexico talks the seed story reports
TALKS_DAY = "2023-12-27"
#: Title 42 expulsions ran from 20 March 2020 to 11 May 2023 (as notebook 02 shades them)
TITLE_42 = Band(start="2020-03-20", end="2023-05-11", label="title_42")

EMBEDS: dict[str, Embed] = {
    # 01 Darién
    "darien-annual": Embed(
        (
            Panel(
                "bar",
                "year",
                (Series("migrants", "GREY"),),
                x_fmt="year",
                highlight=("last",),
                extra=(Series("months_reported", fmt="count"),),
            ),
        )
    ),
    "darien-monthly-2023": Embed(
        (
            Panel(
                "bar",
                "month",
                (Series("crossings", "GREY"),),
                title="panel_monthly",
                highlight=("year", 2023),
                marks=(Mark("max", colour="TEXT"),),
                height=220,
            ),
            Panel(
                "line",
                "month",
                (Series("running_total_2023", "HIGHLIGHT"),),
                title="panel_running",
                rules=(Rule("all_of_year", y_sum_of_year=2022),),
                marks=(Mark("last"),),
                height=220,
            ),
        ),
        key=False,
    ),
    "darien-nationality-2023": Embed(
        (
            Panel(
                "hbar",
                "nationality",
                (Series("migrants", "GREY"),),
                x_fmt="text",
                highlight=("first", 1),
                rest=True,
                extra=(Series("share", fmt="share"),),
            ),
        )
    ),
    "darien-children": Embed(
        (
            Panel(
                "bar",
                "month",
                (Series("adults", "LIGHT_GREY"), Series("children", "BLUE")),
                stacked=True,
            ),
        )
    ),
    # 02 border encounters
    "southwest-monthly": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("total", "BLUE"), Series("border_patrol", "GREY")),
                extra=(Series("ports_of_entry"),),
                bands=(TITLE_42,),
                marks=(Mark("max"),),
            ),
        )
    ),
    "southwest-2025-provisional-2026": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("total", "BLUE"), Series("provisional", "SKY", dashed=True)),
                split="status",
                extra=(Series("source", fmt="text"),),
                bands=(Band(split_rest=True, label="provisional_band"),),
                marks=(Mark("x:2024-01-01", colour="BLUE"), Mark("last_of_first")),
            ),
        )
    ),
    "usbp-monthly-history": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("border_patrol_encounters", "BLUE"),),
                bands=(TITLE_42,),
                marks=(Mark("max"), Mark("max_before:2020-03-01", colour="MUTED")),
            ),
        )
    ),
    "usbp-annual-history": Embed(
        (
            Panel(
                "bar",
                "fiscal_year",
                (Series("apprehensions", "GREY"),),
                x_fmt="fiscal_year",
                highlight=("max",),
                alt=("true", "title_42"),
                alt_colour="BLUE",
            ),
        )
    ),
    "citizenship-dec-2023": Embed(
        (
            Panel(
                "hbar",
                "citizenship",
                (Series("encounters", "GREY"),),
                x_fmt="text",
                highlight=("first", 2),
                rest=True,
                extra=(Series("share", fmt="share"),),
            ),
        )
    ),
    # 03 closures and crossings
    "closures-timeline": Embed(
        (
            Panel(
                "gantt",
                "closed_from",
                (Series("days_closed", "BLUE"),),
                x2="reopened_on",
                x_fmt="date",
                highlight=("contains", "id", "-rail-"),
                window=("2023-11-01", "2024-01-31"),
                rules=(Rule("talks", x=TALKS_DAY),),
                extra=(
                    Series("crossing", fmt="text"),
                    Series("port", fmt="text"),
                    Series("mode", fmt="text"),
                    Series("reopened_on", fmt="date"),
                    Series("hours_closed"),
                ),
            ),
        )
    ),
    "lukeville-vehicles": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("personal_vehicles", "BLUE"),),
                bands=(Band(closure="lukeville-2023-12", label="closed"),),
                marks=(Mark(f"x:{TALKS_MONTH}"),),
            ),
        )
    ),
    "rail-eagle-pass-el-paso": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("eagle_pass_trains", "BLUE"), Series("el_paso_trains", "GREEN")),
                bands=(Band(closure="eagle-pass-rail-2023-12", label="closed", colour="#F6D5C0"),),
                marks=(
                    Mark(f"x:{TALKS_MONTH}"),
                    Mark(f"x:{TALKS_MONTH}", series="el_paso_trains", label=False),
                ),
            ),
        )
    ),
    "san-ysidro-pedestrians": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("pedestrians", "BLUE"),),
                bands=(
                    Band(closure="pedwest-2023-09", label="closed"),
                    Band(closure="pedwest-2023-12"),
                ),
                marks=(Mark(f"x:{TALKS_MONTH}"),),
            ),
        )
    ),
    # 04 trade
    "trade-by-mode": Embed(
        (
            Panel(
                "area",
                "month",
                (
                    Series("truck_usd", "BLUE", fmt="usd", scale=1e9),
                    Series("rail_usd", "HIGHLIGHT", fmt="usd", scale=1e9),
                    Series("other_usd", "LIGHT_GREY", fmt="usd", scale=1e9),
                ),
                stacked=True,
                extra=(Series("total_usd", fmt="usd"),),
            ),
        )
    ),
    "rail-trade-per-day": Embed(
        (
            Panel(
                "bar",
                "month",
                (Series("rail_per_day_usd", "GREY", fmt="usd", scale=1e6),),
                highlight=("x", TALKS_MONTH),
                extra=(Series("rail_usd", fmt="usd"), Series("days")),
            ),
        )
    ),
    # 05 the route
    "route-one-picture": Embed(
        tuple(
            Panel(
                "line",
                "month",
                (Series(column, colour_name, label=label),),
                title=label,
                rules=(Rule("talks_month" if label == "darien" else "", x=TALKS_MONTH),),
                marks=(Mark(f"x:{TALKS_MONTH}", colour=colour_name), Mark("last", colour=colour_name)),
                height=150,
            )
            for column, label, colour_name in (
                ("Darién crossings into Panama", "darien", "ORANGE"),
                ("Irregular entries into Honduras", "honduras", "GREEN"),
                ("Mexico: foreigners in an irregular situation (events)", "mexico", "VERMILLION"),
                ("US Southwest border encounters (events)", "cbp", "BLUE"),
            )
        ),
        key=False,
    ),
    "mexico-enforcement-talks": Embed(
        (
            Panel(
                "hbar",
                "nationality",
                (Series("before", "GREY"), Series("after", "HIGHLIGHT")),
                x_fmt="text",
                extra=(Series("change", fmt="change"),),
                height=420,
            ),
        )
    ),
    "mexico-returns": Embed(
        (
            Panel(
                "bar",
                "year",
                (Series("assisted_return", "SKY"), Series("deportation", "BLUE")),
                x_fmt="year",
                stacked=True,
                extra=(Series("total"),),
                marks=(Mark("last", series="total"),),
            ),
        )
    ),
    "route-deaths": Embed(
        (
            Panel(
                "bar",
                "year",
                (Series("border_dead_and_missing", "BLUE"), Series("darien_dead_and_missing", "ORANGE")),
                x_fmt="year",
                marks=(Mark("max", series="darien_dead_and_missing", colour="ORANGE"),),
            ),
        )
    ),
    "remittances-monthly": Embed(
        (
            Panel(
                "line",
                "month",
                (Series("inflows_usd", "BLUE", fmt="usd", scale=1e9),),
                extra=(Series("inflows_transfers"),),
                bands=(Band(record_year=True, label="record_year", colour="#FBE3D6"),),
                marks=(Mark("max"),),
            ),
        )
    ),
}


def declaration(slug: str) -> Embed:
    try:
        return EMBEDS[slug]
    except KeyError:
        raise EmbedError(
            f"chart {slug!r} has no embed declaration. What to do: add one to EMBEDS in "
            "src/migrationdata/embeds.py (its mark, columns and colours) and its words under "
            f"[embeds.{slug}] in every locales/<lang>.toml."
        ) from None


def catalog_keys(slug: str) -> list[str]:
    """The catalog keys an embed needs (under ``embeds.<slug>``), so a test can check each
    edition has them all."""
    keys: list[str] = []

    def add(name: str) -> None:
        if name and _key(slug, name) not in keys:
            keys.append(_key(slug, name))

    for p in declaration(slug).panels:
        add(p.x)
        add(p.title)
        add(p.split)
        for s in (*p.series, *p.extra):
            add(s.name)
        for b in p.bands:
            add(b.label)
        for r in p.rules:
            add(r.label)
    return keys


def _key(slug: str, name: str) -> str:
    # a column name may hold spaces or a colon (route-one-picture's are its series' names)
    return f"embeds.{slug}." + "".join(
        c if (c.isascii() and c.isalnum()) or c in "-_" else "_" for c in name.lower()
    )


# ----------------------------------------------------------------------------- formatting


def formatted(value, fmt: str, lang: str) -> str:
    """A value as the edition writes it: ``count`` (301,981), ``share`` (0.632 -> 63.2%),
    ``change`` (+34.5%), ``usd`` ($7.50bn / $241.9m; 7.50 mil millones de dólares), ``month``
    (December 2023 / diciembre de 2023), ``date``, ``year``, ``fiscal_year`` or ``text``."""
    if value is None or value == "":
        return ""
    if fmt == "text":
        return str(value)
    if fmt == "year":
        return str(int(float(value)))
    if fmt == "fiscal_year":
        return i18n.text("embeds.page.fiscal_year", lang, year=str(int(float(value))))
    if fmt in ("month", "month_short", "date"):
        day = dt.date.fromisoformat(str(value)[:10])
        style = {"month": "month_year", "month_short": "month_year_short", "date": "date"}[fmt]
        return i18n.date(day, lang, style)
    x = float(value)
    if fmt == "count":
        return i18n.number(x, lang, 0 if x == int(x) else 1)
    if fmt == "share":
        return i18n.percent(x, lang, 1)
    if fmt == "change":
        return ("+" if x > 0 else "") + i18n.percent(x, lang, 1)
    if fmt == "usd":
        if abs(x) >= 1e9:
            return i18n.billions_of_dollars(x, lang, 2)
        return i18n.text("embeds.page.millions_of_dollars", lang, amount=i18n.number(x / 1e6, lang, 1))
    raise EmbedError(f"unknown number format {fmt!r} in an embed declaration")


def _number(text: str) -> float | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        x = float(text)
    except ValueError:
        return None
    return None if math.isnan(x) else x


def _truthy(text: str) -> bool:
    return str(text).strip().lower() in ("true", "1", "yes", "sí", "si", "verdadero")


# ----------------------------------------------------------------------------- reading a chart


@dataclass
class Chart:
    slug: str
    meta: dict
    rows: list[dict]
    lang: str
    folder: Path
    words: Callable[[str], str] = field(repr=False, default=lambda k: k)


def read_chart(folder: Path, slug: str) -> Chart:
    side, table = folder / f"{slug}.json", folder / f"{slug}.csv"
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
        with open(table, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise EmbedError(f"{_shown(side)}: the chart's sidecar or CSV cannot be read ({exc}).") from None
    lang = meta.get("lang") or i18n.DEFAULT
    chart = Chart(slug, meta, rows, lang, folder)
    chart.words = lambda name: i18n.text(_key(slug, name), lang)
    return chart


def _shown(path: Path) -> str:
    path = Path(path)
    return path.relative_to(paths.REPO_DIR).as_posix() if path.is_relative_to(paths.REPO_DIR) else str(path)


def _need(chart: Chart, columns: Iterable[str]) -> None:
    have = set(chart.rows[0]) if chart.rows else set()
    missing = [c for c in columns if c and c not in have]
    if missing:
        raise EmbedError(
            f"{_shown(chart.folder / (chart.slug + '.csv'))}: no column {', '.join(map(repr, missing))}, which "
            f"the embed declaration of {chart.slug!r} plots (the CSV has {', '.join(sorted(have))}). What to "
            "do: keep the CSV's column names (they are the data contract) or update the declaration in "
            "src/migrationdata/embeds.py."
        )


# ----------------------------------------------------------------------------- rules


def _picked(rule: tuple, rows: list[dict], p: Panel) -> list[bool]:
    n = len(rows)
    if not rule:
        return [False] * n
    what = rule[0]
    first = p.series[0].column
    values = [_number(r.get(first)) for r in rows]
    if what == "last":
        return [i == n - 1 for i in range(n)]
    if what == "first":
        return [i < rule[1] for i in range(n)]
    if what == "max":
        top = max((v for v in values if v is not None), default=None)
        return [v is not None and v == top for v in values]
    if what == "x":
        return [r[p.x][:10] == rule[1] for r in rows]
    if what == "year":
        return [r[p.x][:4] == str(rule[1]) for r in rows]
    if what == "true":
        return [_truthy(r.get(rule[1], "")) for r in rows]
    if what == "contains":
        return [rule[2] in r.get(rule[1], "") for r in rows]
    raise EmbedError(f"unknown highlight rule {rule!r} in an embed declaration")


def _mark_row(mark: Mark, points: list[dict]) -> dict | None:
    """The point (of one series) a :class:`Mark` sits on."""
    points = [pt for pt in points if pt["value"] is not None]
    if not points:
        return None
    at = mark.at
    if at == "max":
        return max(points, key=lambda pt: pt["value"])
    if at in ("last", "last_of_first"):
        return points[-1]
    if at.startswith("max_before:"):
        before = [pt for pt in points if pt["x"] < at.split(":", 1)[1]]
        return max(before, key=lambda pt: pt["value"]) if before else None
    if at.startswith("x:"):
        return next((pt for pt in points if pt["x"][:10] == at[2:]), None)
    raise EmbedError(f"unknown mark position {at!r} in an embed declaration")


# ----------------------------------------------------------------------------- the spec


def _x_encoding(p: Panel, lang: str, axis: bool = True) -> dict:
    if p.x_fmt in ("month", "date"):
        enc = {"field": "x", "type": "temporal", "title": None}
        if p.kind == "bar":
            enc["timeUnit"] = "yearmonth"
        elif p.kind in ("line", "area"):
            enc["timeUnit"] = "yearmonth"
            enc["bandPosition"] = 0.5  # mid-month, as the static charts plot a monthly count
        enc["axis"] = (
            {"labelFlush": True, "labelOverlap": True, "labelBound": True, "tickCount": 6, "grid": False}
            if axis
            else None
        )
        return enc
    # years (and fiscal years) are categories: one band each, labels thinned to fit
    return {
        "field": "x",
        "type": "ordinal",
        "title": None,
        "axis": {"labelOverlap": "greedy", "labelAngle": 0, "labelFlush": False, "ticks": False}
        if axis
        else None,
    }


def _y_axis(p: Panel, lang: str = i18n.DEFAULT) -> dict:
    s = p.series[0]
    fmt = ",.0f" if s.scale == 1 else ",.1~f"
    # as the static charts do: in Mexico "$" alone reads as pesos, so the Spanish edition's
    # ticks carry no "$" and the subtitle says the unit (millones / miles de millones de dólares)
    prefix = "$" if s.fmt == "usd" and lang == i18n.DEFAULT else ""
    return {
        "title": None,
        "format": fmt,
        "tickCount": 5,
        "labelExpr": f"'{prefix}' + datum.label" if prefix else None,
        "domain": False,
        "ticks": False,
    }


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


TIP = {"expr": "datum.tip"}


def _panel_spec(chart: Chart, p: Panel, lang: str) -> tuple[dict, list[dict]]:
    """One view's layers and its data rows."""
    _need(
        chart,
        [p.x, p.x2, p.split, *(s.column for s in p.series if not p.split), *(s.column for s in p.extra)],
    )
    rows = chart.rows
    words = chart.words
    x_label = words(p.x)
    series = list(p.series)
    pos = "x" if p.kind != "hbar" else "y"

    def tip(r: dict, values: dict[str, str]) -> dict:
        out = {x_label: formatted(r[p.x], p.x_fmt, lang)}
        out.update(values)
        for e in p.extra:
            text = formatted(r.get(e.column), e.fmt, lang)
            if text:
                out[words(e.name)] = text
        return out

    data: list[dict] = []
    layers: list[dict] = []
    if p.kind == "gantt":
        picked = _picked(p.highlight, rows, p)
        lo, hi = p.window
        after = (dt.date.fromisoformat(hi) + dt.timedelta(days=1)).isoformat()
        for r, hit in zip(rows, picked, strict=True):
            end = (r.get(p.x2) or "")[:10] or hi
            last = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()
            values = {words(series[0].name): formatted(r.get(series[0].column), "count", lang)}
            data.append(
                {
                    # drawn within the window, as the static chart is; the tooltip gives the dates
                    "x": _local(max(r[p.x][:10], lo)),
                    "x2": _local(min(last, after)),
                    "y": " · ".join(v for v in (r.get("port"), r.get("mode")) if v) or r.get("id"),
                    "fill": colour("HIGHLIGHT" if hit else series[0].colour),
                    "tip": tip(r, values),
                }
            )
        layers.append(
            {
                "mark": {"type": "bar", "clip": True, "cornerRadius": 1, "tooltip": TIP},
                "encoding": {
                    "x": {
                        "field": "x",
                        "type": "temporal",
                        "title": None,
                        "axis": {
                            "labelFlush": True,
                            "labelOverlap": True,
                            "labelBound": True,
                            "tickCount": 4,
                        },
                    },
                    "x2": {"field": "x2"},
                    "y": {
                        "field": "y",
                        "type": "nominal",
                        "title": None,
                        "sort": None,
                        "axis": {"labelLimit": 0, "ticks": False},
                    },
                    "color": {"field": "fill", "type": "nominal", "scale": None, "legend": None},
                },
            }
        )
        for rule in p.rules:
            layers += _x_rule(rule, words, lang)
        return {"layer": layers}, data

    if p.kind in ("bar", "hbar"):
        picked = _picked(p.highlight, rows, p)
        alt = _picked(p.alt, rows, p)
        n = len(rows)
        for i, r in enumerate(rows):
            values = {words(s.name): formatted(r.get(s.column), s.fmt, lang) for s in series}
            t = tip(r, values)
            for s in series:
                v = _number(r.get(s.column))
                if v is None:
                    continue
                if len(series) == 1:
                    c = (
                        "HIGHLIGHT"
                        if picked[i]
                        else "LIGHT_GREY"
                        if p.rest and i == n - 1
                        else p.alt_colour
                        if alt[i]
                        else s.colour
                    )
                else:
                    c = s.colour
                data.append(
                    {
                        "x": _local(r[p.x]) if p.x_fmt == "month" else r[p.x],
                        "series": words(s.name),
                        "order": series.index(s),
                        "value": v / s.scale,
                        "fill": colour(c),
                        "tip": t,
                    }
                )
        value_enc = {
            "field": "value",
            "type": "quantitative",
            "title": None,
            "axis": _clean(_y_axis(p, lang)),
        }
        if p.kind == "hbar":  # numbers along the bottom: as many as fit the width
            value_enc["axis"]["tickCount"] = {"expr": "ceil(width / 110)"}
        if not p.stacked:
            value_enc["stack"] = None
        enc = {
            pos: _x_encoding(p, lang)
            if p.kind == "bar"
            else {
                "field": "x",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": {"ticks": False, "labelLimit": {"expr": "width < 420 ? 120 : 220"}},
            },
            ("y" if pos == "x" else "x"): value_enc,
            "color": {"field": "fill", "type": "nominal", "scale": None, "legend": None},
            "order": {"field": "order"},
        }
        if len(series) > 1 and not p.stacked:
            enc[f"{pos}Offset"] = {
                "field": "series",
                "type": "nominal",
                "sort": [words(s.name) for s in series],
            }
        layers.append({"mark": {"type": "bar", "tooltip": TIP}, "encoding": enc})
        layers += _marks(p, lang, rows)
        return {"layer": layers}, data

    # lines and areas
    if p.split:
        # one column of values, split by a status column: the first status is the main series,
        # the others the dashed one, which starts at the main series' last point
        main, other = series[0], series[1]
        first_status = rows[0][p.split] if rows else ""
        for i, r in enumerate(rows):
            is_main = r[p.split] == first_status
            v = _number(r.get(main.column))
            label = words(main.name if is_main else other.name)
            t = tip(r, {label: formatted(v, main.fmt, lang)})
            s = main if is_main else other
            data.append({"x": _local(r[p.x]), "series": words(s.name), "value": v, "tip": t})
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if is_main and nxt is not None and nxt[p.split] != first_status:
                data.append(
                    {"x": _local(r[p.x]), "series": words(other.name), "value": v, "tip": t, "bridge": True}
                )
    else:
        for r in rows:
            values = {words(s.name): formatted(r.get(s.column), s.fmt, lang) for s in series}
            values = {k: v for k, v in values.items() if v}
            t = tip(r, values)
            for k, s in enumerate(series):
                v = _number(r.get(s.column))
                data.append(
                    {
                        "x": _local(r[p.x]),
                        "series": words(s.name),
                        "order": k,
                        "value": None if v is None else v / s.scale,
                        "tip": t,
                    }
                )
    domain = [words(s.name) for s in series]
    rng = [colour(s.colour) for s in series]
    x_enc = _x_encoding(p, lang)
    for band in p.bands:
        layers += _band(chart, band, words, lang)
    for rule in p.rules:
        layers += _x_rule(rule, words, lang) if rule.x else _y_rule(chart, p, rule, words, lang)
    value_enc = {"field": "value", "type": "quantitative", "title": None, "axis": _clean(_y_axis(p, lang))}
    if p.kind == "area":
        value_enc["stack"] = "zero"
        layers.append(
            {
                "mark": {"type": "area", "tooltip": TIP, "invalid": "break-paths-show-path-domains"},
                "encoding": {
                    "x": x_enc,
                    "y": value_enc,
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": domain, "range": rng},
                        "legend": None,
                    },
                    "order": {"field": "order"},
                },
            }
        )
    else:
        value_enc["stack"] = None
        dash = {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": domain, "range": [[5, 3] if s.dashed else [1, 0] for s in series]},
            "legend": None,
        }
        layers.append(
            {
                "mark": {"type": "line", "strokeWidth": 2, "invalid": "break-paths-show-path-domains"},
                "encoding": {
                    "x": x_enc,
                    "y": value_enc,
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": domain, "range": rng},
                        "legend": None,
                    },
                    "strokeDash": dash,
                    "detail": {"field": "series"},
                },
            }
        )
    layers += _marks(p, lang, rows)
    # the points a reader hovers, on top: invisible, but they catch the pointer and carry the
    # tooltip (the month's every series)
    layers.append(
        {
            "transform": [{"filter": "isValid(datum.value) && !datum.bridge"}],
            "mark": {"type": "point", "filled": True, "size": 90, "opacity": 0, "tooltip": TIP},
            "encoding": {
                "x": x_enc,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": None,
                    "stack": "zero" if p.kind == "area" else None,
                },
            },
        }
    )
    return {"layer": layers}, data


def _marks(p: Panel, lang: str, rows: list[dict]) -> list[dict]:
    """The dots (and labels) on the values the title is about."""
    out = []
    x_enc = _x_encoding(p, lang)
    for m in p.marks:
        col = m.series or p.series[0].column
        scale = next((s.scale for s in (*p.series, *p.extra) if s.column == col), 1)
        fmt = next((s.fmt for s in (*p.series, *p.extra) if s.column == col), "count")
        if p.split:
            first_status = rows[0][p.split] if rows else ""
            pick = [r for r in rows if m.at != "last_of_first" or r[p.split] == first_status]
        else:
            pick = rows
        points = [
            {
                "x": r[p.x][:10] if p.x_fmt in ("month", "date") else r[p.x],
                "value": _number(r.get(col)),
                "row": r,
            }
            for r in pick
        ]
        pt = _mark_row(m, points)
        if pt is None:
            continue
        r = pt["row"]
        if p.kind == "bar" and p.stacked:
            # a stacked bar's label sits on its top: the sum of the stacked series
            top = sum(_number(r.get(s.column)) or 0 for s in p.series) / p.series[0].scale
        else:
            top = pt["value"] / scale
        when = formatted(r[p.x], "month_short" if p.x_fmt == "month" else p.x_fmt, lang)
        text = f"{when}: {formatted(pt['value'], fmt, lang)}" if m.label else ""
        xs = [pp["x"] for pp in points]
        right_half = xs.index(pt["x"]) > len(xs) * 0.55
        datum = {
            "x": _local(pt["x"]) if p.x_fmt in ("month", "date") else pt["x"],
            "value": top,
            "label": text,
        }
        enc_x = dict(x_enc)
        layer = {
            "data": {"values": [datum]},
            "layer": [
                {
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "size": 55,
                        "color": colour(m.colour),
                        "opacity": 1,
                    },
                    "encoding": {"x": enc_x, "y": {"field": "value", "type": "quantitative", "title": None}},
                }
                if p.kind != "bar"
                else {
                    "mark": {"type": "point", "filled": True, "size": 0, "opacity": 0},
                    "encoding": {"x": enc_x, "y": {"field": "value", "type": "quantitative", "title": None}},
                },
            ],
        }
        if text:
            for halo in (True, False):  # a white outline first, so the label reads over a line
                look = {"stroke": "white", "strokeWidth": 4, "strokeJoin": "round"} if halo else {}
                layer["layer"].append(
                    {
                        "mark": {
                            "type": "text",
                            "align": "right" if right_half else "left",
                            "dx": -7 if right_half else 7,
                            "dy": -10,
                            "fontWeight": "bold",
                            "fontSize": 12,
                            "color": colour(m.colour),
                            **look,
                        },
                        "encoding": {
                            "x": enc_x,
                            "y": {"field": "value", "type": "quantitative", "title": None},
                            "text": {"field": "label"},
                        },
                    }
                )
        out.append(layer)
    return out


def _band(chart: Chart, band: Band, words, lang: str) -> list[dict]:
    start, end = band.start, band.end
    if band.closure:
        start, end = _closure(chart, band.closure)
        if not start:
            return []
        end = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat() if end else ""
    if band.split_rest:
        p = declaration(chart.slug).panels[0]
        first_status = chart.rows[0][p.split] if chart.rows else ""
        rest = [r[p.x][:10] for r in chart.rows if r[p.split] != first_status]
        if not rest:
            return []
        half = dt.timedelta(days=15)
        start = (dt.date.fromisoformat(min(rest)) - half).isoformat()
        end = (dt.date.fromisoformat(max(rest)) + dt.timedelta(days=14) + half).isoformat()
    if band.record_year:
        p = declaration(chart.slug).panels[0]
        col = p.series[0].column
        years: dict[str, list[float]] = {}
        for r in chart.rows:
            v = _number(r.get(col))
            if v is not None:
                years.setdefault(r[p.x][:4], []).append(v)
        full = {y: sum(v) for y, v in years.items() if len(v) == 12}
        if not full:
            return []
        year = max(full, key=full.get)
        start, end = f"{year}-01-01", f"{int(year) + 1}-01-01"
        label = i18n.text(
            _key(chart.slug, band.label), lang, year=year, value=formatted(full[year], "usd", lang)
        )
    else:
        label = words(band.label) if band.label else ""
    if not end:
        end = max(r[declaration(chart.slug).panels[0].x][:10] for r in chart.rows)
    datum = {"start": _local(start), "end": _local(end), "label": label}
    layers = [
        {
            "data": {"values": [datum]},
            "mark": {"type": "rect", "color": colour(band.colour), "opacity": 1},
            "encoding": {"x": {"field": "start", "type": "temporal"}, "x2": {"field": "end"}},
        }
    ]
    if label:
        # in the right half of the chart the label ends where the band ends, so it stays
        # inside the chart at any width; a record year's sits at the bottom, clear of the peak
        xs = [r[declaration(chart.slug).panels[0].x][:10] for r in chart.rows]
        first, last = dt.date.fromisoformat(min(xs)), dt.date.fromisoformat(max(xs))
        at = (dt.date.fromisoformat(start[:10]) - first).days / max(1, (last - first).days)
        right = at > 0.5
        layers.append(
            {
                "data": {"values": [datum]},
                "mark": {
                    "type": "text",
                    "align": "right" if right else "left",
                    "baseline": "bottom" if band.record_year else "top",
                    "dx": -3 if right else 3,
                    "y": {"expr": "height - 4"} if band.record_year else 3,
                    "fontSize": 11,
                    "color": colour("HIGHLIGHT" if band.record_year else "MUTED"),
                    "fontWeight": "bold" if band.record_year else "normal",
                },
                "encoding": {
                    "x": {"field": "end" if right else "start", "type": "temporal"},
                    "text": {"field": "label"},
                },
            }
        )
    return layers


def _local(iso: str) -> str:
    """A date as the browser reads it in the reader's own time zone: ``2023-12-01T00:00``.
    (A bare ``2023-12-01`` is read as midnight UTC, which is still November in Mexico City,
    and the chart would put December's count under November.)"""
    return str(iso)[:10] + "T00:00"


def _x_rule(rule: Rule, words, lang: str) -> list[dict]:
    """A dashed vertical line on a date, its label just above the plot, ending at the line."""
    x = {"field": "at", "type": "temporal"}
    datum = {"at": _local(rule.x), "label": words(rule.label) if rule.label else ""}
    out = [
        {
            "data": {"values": [datum]},
            "mark": {"type": "rule", "color": colour("MUTED"), "strokeDash": [4, 3]},
            "encoding": {"x": x},
        },
    ]
    if rule.label:
        out.append(
            {
                "data": {"values": [datum]},
                "mark": {
                    "type": "text",
                    "align": "right",
                    "baseline": "bottom",
                    "dx": 4,
                    "y": -3,
                    "fontSize": 11,
                    "color": colour("MUTED"),
                },
                "encoding": {"x": x, "text": {"field": "label"}},
            }
        )
    return out


def _y_rule(chart: Chart, p: Panel, rule: Rule, words, lang: str) -> list[dict]:
    year = str(rule.y_sum_of_year)
    # the year's total comes from the first panel (the monthly counts) when this one is a running total
    col = declaration(chart.slug).panels[0].series[0].column
    vals = [_number(r.get(col)) for r in chart.rows if r[p.x][:4] == year]
    vals = [v for v in vals if v is not None]
    if not vals:
        return []
    total = sum(vals)
    label = i18n.text(_key(chart.slug, rule.label), lang, year=year, value=formatted(total, "count", lang))
    datum = {"value": total, "label": label}
    return [
        {
            "data": {"values": [datum]},
            "mark": {"type": "rule", "color": colour("MUTED"), "strokeDash": [4, 3]},
            "encoding": {"y": {"field": "value", "type": "quantitative", "title": None}},
        },
        {
            "data": {"values": [datum]},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "x": 2,
                "dy": -3,
                "fontSize": 11,
                "color": colour("MUTED"),
            },
            "encoding": {
                "y": {"field": "value", "type": "quantitative", "title": None},
                "text": {"field": "label"},
            },
        },
    ]


@cache
def _ledger(path: str) -> dict[str, tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["id"]: (r["closed_from"], r["reopened_on"]) for r in csv.DictReader(fh)}


def _closure(chart: Chart, closure_id: str) -> tuple[str, str]:
    """A closure's first day and reopening day, from the ledger the chart's sidecar says it
    read (``inputs``), else the repository's."""
    ledger = paths.REPO_DIR / "data" / "closures.csv"
    for item in chart.meta.get("inputs", []):
        if isinstance(item, dict) and str(item.get("path", "")).endswith("closures.csv"):
            candidate = Path(item["path"])
            ledger = candidate if candidate.is_absolute() else paths.REPO_DIR / candidate
    env = os.environ.get("MIGRATIONDATA_CLOSURES")
    if env:
        ledger = Path(env)
    try:
        return _ledger(str(ledger)).get(closure_id, ("", ""))
    except OSError:
        return ("", "")


def spec(chart: Chart) -> dict:
    """The chart's Vega-Lite spec: data inline, every tooltip already written out."""
    decl = declaration(chart.slug)
    lang = chart.lang
    meta = chart.meta
    views, datasets = [], []
    for i, p in enumerate(decl.panels):
        view, data = _panel_spec(chart, p, lang)
        name = f"panel{i}"
        view = {"data": {"name": name}, **view}
        if p.title:
            view["title"] = {
                "text": chart.words(p.title),
                "anchor": "start",
                "fontSize": 13,
                "color": colour("TEXT"),
            }
        height = p.height or (420 if p.kind == "hbar" and len(p.series) > 1 else 320)
        views.append({"height": height, **view})
        datasets.append((name, data))
    top = {
        "$schema": SCHEMA,
        "description": meta.get("alt_text", ""),
        "title": {
            "text": textwrap.wrap(meta.get("title", ""), 60),
            "subtitle": textwrap.wrap(meta.get("subtitle", ""), 80),
            "anchor": "start",
        },
        "datasets": {name: data for name, data in datasets},
        "usermeta": {
            "slug": chart.slug,
            "lang": lang,
            "notes": meta.get("notes", []),
            "source": meta.get("source", ""),
            "key": [
                {"label": chart.words(s.name), "colour": colour(s.colour), "dashed": s.dashed}
                for s in (decl.panels[0].series[::-1] if decl.panels[0].stacked else decl.panels[0].series)
            ]
            if decl.key and len(decl.panels[0].series) > 1
            else [],
        },
        "config": CONFIG,
    }
    if len(views) == 1:
        top.update(views[0])
        top["width"] = "container"
        top["autosize"] = {"type": "fit-x", "contains": "padding"}
        top["padding"] = {"left": 2, "right": 8, "top": 4, "bottom": 2}  # room for a label's last pixel
    else:
        for v in views:
            v["width"] = 600  # the page draws each panel on its own, as wide as its column
        top["vconcat"] = views
        top["spacing"] = 24
    return top


CONFIG = {
    "font": 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif',
    "background": "white",
    "view": {"stroke": None},
    "axis": {
        "labelColor": "#555555",
        "labelFontSize": 11,
        "gridColor": "#e6e6e6",
        "domainColor": "#888888",
        "tickColor": "#888888",
    },
    "title": {"fontSize": 16, "subtitleFontSize": 12, "subtitleColor": "#444444", "color": "#222222"},
    "bar": {"continuousBandSize": 3},
}


# ----------------------------------------------------------------------------- the table


def table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """The plotted data as the edition writes it: one row per CSV row, the columns the embed
    shows (its x, its series, the tooltip's extra columns)."""
    decl = declaration(chart.slug)
    cols: list[tuple[str, str, str]] = []  # column, format, catalog name
    have = set(chart.rows[0]) if chart.rows else set()
    for p in decl.panels:
        if p.x not in [c for c, _, _ in cols]:
            cols.append((p.x, p.x_fmt, p.x))
        for s in (*p.series, *p.extra):
            if s.column in have and s.column not in [c for c, _, _ in cols]:
                cols.append((s.column, s.fmt, s.name))
    if decl.panels[0].split:
        cols.append((decl.panels[0].split, "text", decl.panels[0].split))
    head = [chart.words(n) if n and i18n.has(_key(chart.slug, n), chart.lang) else c for c, _, n in cols]
    body = [[formatted(r.get(c), f, chart.lang) for c, f, _ in cols] for r in chart.rows]
    return head, body


# ----------------------------------------------------------------------------- the page


def format_locales(lang: str) -> tuple[dict, dict]:
    """d3's number and time locales for the edition (axis ticks), from Babel's CLDR data, as
    i18n writes them."""
    from babel import Locale
    from babel.dates import get_month_names

    loc = Locale.parse(i18n.LOCALES[lang])
    symbols = loc.number_symbols.get("latn", loc.number_symbols) if hasattr(loc, "number_symbols") else {}
    numbers = {
        "decimal": symbols.get("decimal", "."),
        "thousands": symbols.get("group", ","),
        "grouping": [3],
        "currency": ["$", ""],
    }
    months = [get_month_names("wide", locale=loc)[i] for i in range(1, 13)]
    short = [get_month_names("abbreviated", locale=loc)[i].rstrip(".") for i in range(1, 13)]
    times = {
        "dateTime": "%x, %X",
        "date": "%d/%m/%Y" if lang != "en" else "%-m/%-d/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": [loc.days["format"]["wide"][i] for i in (6, 0, 1, 2, 3, 4, 5)],
        "shortDays": [loc.days["format"]["abbreviated"][i] for i in (6, 0, 1, 2, 3, 4, 5)],
        "months": months,
        "shortMonths": short,
    }
    return numbers, times


def bundle(cache_dir: Path) -> str:
    """Vega, Vega-Lite and Vega-Embed in one script, made by vl-convert once per installed
    version and kept in ``cache_dir``."""
    try:
        import vl_convert as vlc
    except ImportError:
        raise EmbedError(
            "vl-convert-python is not installed, so the embeds cannot inline the Vega libraries. "
            "What to do: run `make setup` (it is in pyproject.toml)."
        ) from None
    version = f"{vlc.get_vega_version()}-{VL_VERSION}-{vlc.get_vega_embed_version()}"
    path = cache_dir / f"vega-bundle-{version}.js"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    text = vlc.javascript_bundle(vl_version=VL_VERSION)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return text


def _script_json(value) -> str:
    """JSON safe inside a <script> element: no "</script>" can close it early."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


@cache
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(TEMPLATE.name)


def page(chart: Chart, vl: dict, js: str) -> str:
    """The self-contained HTML page (``templates/embed.html``)."""
    from markupsafe import Markup

    lang = chart.lang
    numbers, times = format_locales(lang)
    head, body = table(chart)
    meta = chart.meta
    words = {k: i18n.text(f"embeds.page.{k}", lang) for k in PAGE_WORDS}
    notes = [n for n in meta.get("notes", []) if n]
    return _template().render(
        lang=lang,
        slug=chart.slug,
        title=meta.get("title", ""),
        subtitle=meta.get("subtitle", ""),
        alt=meta.get("alt_text", ""),
        notes=notes,
        source=meta.get("source", ""),
        key=vl["usermeta"]["key"],
        head=head,
        rows=body,
        words=words,
        # inlined as they are: the bundle is vl-convert's, the JSON escaped by _script_json
        library=Markup(js.replace("</script", "<\\/script")),  # noqa: S704 (vl-convert's bundle, script-safe)
        spec=Markup(_script_json(vl)),  # noqa: S704 (JSON with every "<" escaped)
        options=Markup(  # noqa: S704 (JSON with every "<" escaped)
            _script_json(
                {
                    "actions": False,
                    "renderer": "svg",
                    "formatLocale": numbers,
                    "timeFormatLocale": times,
                    "tooltip": {"theme": "light", "anchor": "mark"},
                }
            )
        ),
    )


PAGE_WORDS = ("note", "data_table", "no_script", "chart_label")


# ----------------------------------------------------------------------------- the build step


def charts_in(folder: Path) -> list[str]:
    """The slugs of the charts in a folder: each ``<slug>.json`` sidecar with its CSV."""
    out = []
    for side in sorted(folder.glob("*.json")):
        if side.name.endswith(SPEC_SUFFIX) or not (folder / f"{side.stem}.csv").exists():
            continue
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(meta, dict) and meta.get("slug") == side.stem and "alt_text" in meta:
            out.append(side.stem)
    return out


def _code_key() -> str:
    h = hashlib.sha256()
    for p in (Path(__file__), TEMPLATE, paths.PACKAGE_DIR / "charts.py", paths.PACKAGE_DIR / "i18n.py"):
        h.update(p.read_bytes())
    for lang in i18n.LANGUAGES:
        h.update(i18n.catalog_path(lang).read_bytes())
    return h.hexdigest()


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_embeds(
    figures: Path,
    state: dict | None = None,
    cache_dir: Path | None = None,
    say=None,
    force: bool = False,
    static_only: bool = False,
) -> dict[str, list[str]]:
    """Write ``<slug>.vl.json`` and ``<slug>.embed.html`` for every chart in ``figures`` that
    has a declaration; remove the embeds of charts no longer there. Returns
    ``{"written": [...], "unchanged": [...], "undeclared": [...], "removed": [...]}``.

    ``state`` (the build's) remembers each chart's inputs, so an unchanged chart costs one
    hash of its sidecar and CSV, and nothing heavy is imported; ``force`` makes them all again.
    ``static_only`` (``build --no-embeds``) writes none: the embeds of a chart that changed
    since they were made are removed instead, so that no page shows an interactive version
    that no longer matches its static chart (the next build with embeds writes them again)."""
    say = say or (lambda _m: None)
    cache_dir = cache_dir or paths.REPO_DIR / ".build-state" / "vega"
    figures = Path(figures)
    out: dict[str, list[str]] = {"written": [], "unchanged": [], "undeclared": [], "removed": []}
    if not figures.is_dir():
        return out
    slugs = charts_in(figures)
    memory = (
        (state if state is not None else {}).setdefault("embeds", {}).setdefault(str(figures.resolve()), {})
    )
    code = None
    js = None
    for slug in slugs:
        if slug not in EMBEDS:
            out["undeclared"].append(slug)
            continue
        spec_path, page_path = figures / f"{slug}{SPEC_SUFFIX}", figures / f"{slug}{PAGE_SUFFIX}"
        h = hashlib.sha256()
        for p in (figures / f"{slug}.json", figures / f"{slug}.csv"):
            h.update(p.read_bytes())
        code = code or _code_key()
        key = hashlib.sha256((h.hexdigest() + code).encode()).hexdigest()
        made = [_digest(spec_path), _digest(page_path)]
        entry = memory.get(slug)
        if static_only:
            if entry and entry.get("key") == key and entry.get("outputs") == made and None not in made:
                out["unchanged"].append(slug)
            elif (
                not entry
                and made[0]
                and spec_path.read_text(encoding="utf-8") == _spec_text(read_chart(figures, slug))
            ):
                # no record of it (a fresh clone, whose pages are not committed; a cleared
                # .build-state): the spec on disk is the one this chart gives, so it stands
                out["unchanged"].append(slug)
            else:
                spec_path.unlink(missing_ok=True)
                page_path.unlink(missing_ok=True)
                memory.pop(slug, None)
                out["removed"].append(slug)
            continue
        if (
            not force
            and entry
            and entry.get("key") == key
            and entry.get("outputs") == made
            and None not in made
        ):
            out["unchanged"].append(slug)
            continue
        chart = read_chart(figures, slug)
        vl = spec(chart)
        js = js if js is not None else bundle(cache_dir)
        _write_if_changed(spec_path, _spec_text(chart, vl))
        _write_if_changed(page_path, page(chart, vl, js))
        memory[slug] = {"key": key, "outputs": [_digest(spec_path), _digest(page_path)]}
        out["written"].append(slug)
    # the embeds of a chart that is gone
    for stale in list(figures.glob(f"*{SPEC_SUFFIX}")) + list(figures.glob(f"*{PAGE_SUFFIX}")):
        slug = stale.name.removesuffix(SPEC_SUFFIX).removesuffix(PAGE_SUFFIX)
        if slug not in slugs or slug not in EMBEDS:
            stale.unlink(missing_ok=True)
            memory.pop(slug, None)
    if out["undeclared"]:
        say(
            f"embeds: no declaration for {', '.join(out['undeclared'])} in src/migrationdata/embeds.py: "
            "static charts only"
        )
    return out


def _spec_text(chart, vl: dict | None = None) -> str:
    """A chart's Vega-Lite spec as ``<slug>.vl.json`` holds it."""
    return json.dumps(vl if vl is not None else spec(chart), ensure_ascii=False, indent=1) + "\n"


def _digest(path: Path) -> str | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"
