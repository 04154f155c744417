"""Charts in the house style, exported the way the graphics desk needs them.

A notebook draws a chart in three steps::

    charts.setup("01-darien-gap", as_of=as_of, output=output)   # once, at the top
    chart = charts.Chart("darien-annual", title=..., subtitle=..., tables=["darien_annual"])
    chart.ax.bar(...)                                             # ordinary matplotlib
    chart.save(data=plotted_frame, alt_text="...")

``Chart`` applies the house style (``house.mplstyle``), sizes the figure in CSS pixels, and
writes the title (the finding), the subtitle (measure and unit), the note line (caveats) and the
source line, which it builds from the processed tables' provenance so it cannot go stale.
``save`` lays the chart out and writes ``<slug>.png`` (2x), ``<slug>.svg`` (live text,
deterministic), ``<slug>.csv`` (the plotted data, for Datawrapper) and ``<slug>.json`` (title,
alt text, source, notes, the tables read with their sha256, and the notebook). A file is
rewritten only when its bytes change, so an unchanged chart keeps its timestamp.

Shapes that recur across the notebooks have a function each: :func:`closure_months` (a port's
monthly count with the closure shaded and its month marked), :func:`ranked_bars` (a ranking
labelled with counts and shares), :func:`monthly_line` and :func:`mark` (a dot and callout on
the value the title cites).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from migrationdata import i18n, paths, processed, store
from migrationdata.catalog import table_owner
from migrationdata.errors import TranslationError

STYLE = paths.PACKAGE_DIR / "house.mplstyle"

#: Export sizes in CSS pixels (width, height); the PNG is written at twice these.
SIZES = {
    "landscape": (850, 638),
    "portrait": (850, 1095),
    "square": (540, 540),
    "mobile": (540, 824),
}


# One inch is 96 CSS pixels, so an SVG written at 72 points per inch is exactly as wide as
# the size says, and a PNG at 192 dpi is exactly twice as wide.
PX_PER_INCH = 96
PNG_SCALE = 2

# Okabe & Ito's colour-blind-safe palette (without its yellow), plus greys for context.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
BLACK = "#000000"
GREY = "#8C8C8C"
LIGHT_GREY = "#D0D0D0"
SHADE = "#EFEFEF"
TEXT = "#222222"
MUTED = "#555555"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)
#: the colour that marks what the title is about (the record, the closure, the share)
HIGHLIGHT = VERMILLION

# Type sizes in points and spacing in CSS pixels.
TITLE_SIZE = 16
SUBTITLE_SIZE = 11.5
FOOT_SIZE = 8.5
PAD_X = 18
PAD_TOP = 16
PAD_BOTTOM = 12
GAP_TITLE = 5
GAP_HEADER = 16
GAP_FOOTER = 12

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MOBILE_SUFFIX = "-mobile"


# ----------------------------------------------------------------------------- words in two languages

#: the language being drawn: the tick formatters and the computed phrases read it
_lang = i18n.DEFAULT
#: every localised text made since the last chart was saved; a chart looks its artists up here
_made: list[Localized] = []


class Localized(str):
    """A text a chart prints, in English (its value as a string, so matplotlib and ``+`` take it
    as is) and in any other edition through :meth:`render`. Made by :func:`t` (a catalog
    template) or by the computed phrases (:func:`change_phrase`, :func:`number_word`,
    :func:`period_words`, :func:`compact`, :func:`country`)."""

    def render(self, lang: str) -> str:  # pragma: no cover - subclasses say how
        raise NotImplementedError


class Msg(Localized):
    """A template from ``locales/<lang>.toml`` (key ``charts.<key>``) with its fields."""

    key: str
    values: dict

    def __new__(cls, key: str, values: dict):
        obj = super().__new__(cls, _fill(key, i18n.DEFAULT, values))
        obj.key, obj.values = key, values
        _made.append(obj)
        return obj

    def render(self, lang: str) -> str:
        return str(self) if lang == i18n.DEFAULT else _fill(self.key, lang, self.values)


class Phrase(Localized):
    """Words computed for each language by ``make(lang)``."""

    def __new__(cls, make):
        obj = super().__new__(cls, make(i18n.DEFAULT))
        obj.make = make
        _made.append(obj)
        return obj

    def render(self, lang: str) -> str:
        return str(self) if lang == i18n.DEFAULT else self.make(lang)


class _When:
    """A date in a template field: ``{month:%B %Y}`` reads ``December 2023`` in English; the
    Spanish template says ``{month:%B de %Y}`` and gets ``diciembre de 2023``."""

    def __init__(self, when, lang: str):
        self.when, self.lang = pd.Timestamp(when), lang

    def __format__(self, spec: str) -> str:
        if self.lang == i18n.DEFAULT or not spec:
            return format(self.when, spec)
        # "^" first: the words start a sentence or a label ("Septiembre: 390,000")
        capital = spec.startswith("^")
        spec = spec.removeprefix("^")
        spec = spec.replace("%B", i18n.date(self.when, self.lang, "month"))
        spec = spec.replace("%b", i18n.date(self.when, self.lang, "month_short"))
        out = self.when.strftime(spec)
        return out[:1].upper() + out[1:] if capital else out


def _value(v, lang: str):
    if hasattr(v, "field"):
        return v.field(lang)
    if isinstance(v, Localized):
        return v.render(lang)
    if isinstance(v, (pd.Timestamp, _dt.date)):
        return _When(v, lang)
    return v


def _fill(key: str, lang: str, values: dict) -> str:
    return i18n.text(f"charts.{key}", lang, **{k: _value(v, lang) for k, v in values.items()})


def t(key: str, **values) -> Msg:
    """The words of ``charts.<key>`` in the catalogs, e.g. ``t("darien-annual.title",
    change=change_phrase(new, old), year=2023, count=520085)``. Numbers are formatted by the
    template (``{count:,}`` is ``520,085`` in both editions), dates too (``{month:%B %Y}`` in
    English, ``{month:%B de %Y}`` in Spanish); computed phrases render in each language."""
    return Msg(key, values)


def localize(text, lang: str) -> str:
    """``text`` in ``lang``: a localised text rendered, a plain string as it is."""
    return text.render(lang) if isinstance(text, Localized) else text


def language() -> str:
    """The language a chart is being drawn in."""
    return _lang


def country(name: str) -> Phrase:
    """A country as the publishers' tables name it in English, in the reader's language
    (``Venezuela``, ``Haiti`` / ``Haití``); a name no code matches stays as it is."""
    from migrationdata import countries

    code = countries.iso3_from_english(str(name))

    def make(lang):
        if lang == "es" and code:
            return countries.spanish_name(code) or str(name)
        return str(name)

    return Phrase(make)


def join_words(items: Sequence, sep: str | None = None) -> Phrase:
    """``A``, ``A and B``, ``A, B and C`` (``y`` in Spanish); with ``sep``, the items that are
    not empty joined by it alone (``"; "``, or ``" "`` for sentences that make one note)."""
    items = [i for i in items if i] if sep is not None else list(items)

    def make(lang):
        words = [localize(i, lang) for i in items]
        if sep is not None or len(words) == 1:
            return (sep or "").join(words)
        conj = i18n.text("charts.common.and", lang)
        return ", ".join(words[:-1]) + f" {conj} " + words[-1]

    return Phrase(make)


def months_words(months: Iterable) -> Phrase:
    """``January 2024, March 2024`` (``enero de 2024, marzo de 2024``)."""
    months = [pd.Timestamp(m) for m in months]
    return Phrase(
        lambda lang: ", ".join(
            f"{m:%B %Y}" if lang == i18n.DEFAULT else i18n.date(m, lang, "month_year") for m in months
        )
    )


# ----------------------------------------------------------------------------- notebook setup


@dataclass
class _Settings:
    notebook: str | None = None
    as_of: pd.Timestamp | None = None
    output: Path | None = None
    langs: tuple[str, ...] | None = None


_settings = _Settings()


def _languages(langs) -> tuple[str, ...] | None:
    if langs is None or langs == "":
        return None
    if isinstance(langs, str):
        langs = [x.strip() for x in langs.split(",") if x.strip()]
    for lang in langs:
        i18n.catalog_path(lang)  # an unknown language is an error naming the editions
    return tuple(lang for lang in i18n.LANGUAGES if lang in langs)


def setup(
    notebook: str,
    as_of: str | None = None,
    output: str | os.PathLike | None = None,
    langs: str | Sequence[str] | None = None,
) -> None:
    """Call once at the top of a notebook, with its papermill parameters.

    ``notebook`` is the notebook's name (``"01-darien-gap"``), recorded in each chart's
    sidecar. ``as_of`` (``YYYY-MM-DD``) keeps only the periods that had ended by that date, so a
    chart can be redrawn as the data stood on the day a story ran. ``output`` is the folder the
    charts go to (default: the repository's ``figures/``, or ``MIGRATIONDATA_FIGURES``).
    ``langs`` (``"en,es"``, ``"es"``) names the editions each chart is drawn in: English goes to
    the output folder, every other language to a folder of its code inside it (``figures/es/``).
    Without it a chart is drawn in every edition its words are in the catalogs for (English
    alone for a chart given plain strings).
    """
    global _lang
    plt.style.use(STYLE)
    _settings.notebook = notebook
    _settings.as_of = pd.Timestamp(as_of) if as_of else None
    _settings.output = Path(output).resolve() if output else None
    _settings.langs = _languages(langs)
    _lang = i18n.DEFAULT
    _made.clear()


def as_of() -> pd.Timestamp | None:
    """The notebook's as-of date, or None when it shows all the data."""
    return _settings.as_of


def output_dir() -> Path:
    return _settings.output or paths.figures_dir()


def _vintage():
    from migrationdata.vintages import Vintage

    return Vintage(as_of().date() if as_of() is not None else None)


def ended_by_as_of(
    df: pd.DataFrame, column: str = "month", period: str = "month", source: str | None = None
) -> pd.DataFrame:
    """The rows that existed on the as-of date (every row when there is none).

    With ``source`` (``"darien"``, ``"cbp"``, ``"bts"``, ``"trade"``) a month counts once its
    publisher had released it (:mod:`migrationdata.vintages`), as in the fact-check; without
    it, once the period had ended. ``period`` is ``"month"`` (``column`` holds the first day of
    each month), ``"year"`` or ``"fiscal_year"`` (``column`` holds the year; US fiscal years end
    on 30 September): a year counts once its last month does.
    """
    cutoff = as_of()
    if cutoff is None:
        return df
    if period == "month":
        last_months = pd.to_datetime(df[column])
    elif period == "year":
        last_months = pd.to_datetime(df[column].astype(int).astype(str) + "-12-01")
    elif period == "fiscal_year":
        last_months = pd.to_datetime(df[column].astype(int).astype(str) + "-09-01")
    else:
        raise ValueError(f"period must be 'month', 'year' or 'fiscal_year', not {period!r}")
    if source is not None:
        return df[_vintage().published_mask(source, last_months)]
    return df[(last_months + pd.offsets.MonthBegin(1) <= cutoff).to_numpy()]


def has_ended(period_start, period: str = "month", source: str | None = None) -> bool:
    """Whether a month (or calendar year) existed on the as-of date; always true without one.
    With ``source``, whether its publisher had released it; without, whether it had ended. A
    chart about December 2023 is not drawn as of 27 December 2023: its figures did not exist."""
    cutoff = as_of()
    if cutoff is None:
        return True
    start = pd.Timestamp(period_start)
    last = start if period == "month" else start + pd.offsets.MonthBegin(11)
    if source is not None:
        return _vintage().published(source, last)
    return last + pd.offsets.MonthBegin(1) <= cutoff


def not_drawn(slug: str, why: str) -> None:
    """Say, in the notebook's output and the build log, why a chart was left out."""
    print(f"{slug}: not drawn as of {as_of():%-d %B %Y}: {why}")
    _made.clear()


class Period(Phrase):
    """A span of months in words (:func:`period_words`). In a Spanish template the field takes
    its preposition as a format spec: ``{period:en}`` gives ``en 2023`` for a whole year and
    ``de enero a noviembre de 2023`` for part of one (``{period:En}`` capitalised)."""

    def field(self, lang: str):
        return _PeriodField(self.render(lang), self.whole_year)


class _PeriodField(str):
    def __new__(cls, text, whole_year):
        obj = super().__new__(cls, text)
        obj.whole_year = whole_year
        return obj

    def __format__(self, spec: str) -> str:
        if spec.lower() == "en":
            out = f"en {self}" if self.whole_year else f"de {self}"
            return out[0].upper() + out[1:] if spec == "En" else out
        return format(str(self), spec)


def period_words(months: pd.Series) -> Period:
    """``2023`` for a whole calendar year of months, else ``January to November 2023``
    (``enero a noviembre de 2023``)."""
    months = pd.to_datetime(months).sort_values()
    first, last = months.iloc[0], months.iloc[-1]

    def make(lang):
        if lang == "en":
            if first.year == last.year and first.month == 1 and last.month == 12:
                return f"{first.year}"
            if first.year == last.year:
                return f"{first:%B} to {last:%B %Y}"
            return f"{first:%B %Y} to {last:%B %Y}"
        if first.year == last.year and first.month == 1 and last.month == 12:
            return f"{first.year}"
        first_w, last_w = i18n.date(first, lang, "month"), i18n.date(last, lang, "month_year")
        if first.year == last.year:
            return i18n.text("charts.common.month_span", lang, first=first_w, last=last_w)
        return i18n.text(
            "charts.common.month_span", lang, first=i18n.date(first, lang, "month_year"), last=last_w
        )

    out = Period(make)
    out.whole_year = first.year == last.year and first.month == 1 and last.month == 12
    return out


# ----------------------------------------------------------------------------- source line


def _short_carrier(carrier: str) -> str:
    # the catalog's carrier text explains itself at length; the chart needs only the name
    return re.split(r"[(,:;]", carrier, maxsplit=1)[0].strip() if carrier else ""


def _date_label(ts: pd.Timestamp, lang: str = i18n.DEFAULT) -> str:
    if lang == i18n.DEFAULT:
        return f"{ts.day} {ts:%b %Y}"
    return i18n.date(ts, lang, "date_short")


def _last_month(table: str) -> pd.Timestamp | None:
    source, spec = table_owner(table)
    dates = [c.name for c in spec.columns if c.type == "date"]
    if not dates:
        return None
    col = pd.to_datetime(pd.read_csv(processed.table_path(table), usecols=[dates[0]])[dates[0]])
    if as_of() is not None:
        col = col[_vintage().published_mask(spec.vintage or source.id, col)]
    return col.max() if not col.empty else None


def latest_period(table: str, lang: str = i18n.DEFAULT) -> str:
    """How far the data behind a table reach, in words: ``Apr 2025`` (its last month), else
    the last month of its source's monthly tables when that month falls in the table's last
    year (an annual table's final year may be a partial one), else ``FY2024`` or ``2024``
    (``abr 2025``, ``año fiscal 2024`` in Spanish)."""
    return _period_label(*_latest(table), lang)


def _period_label(kind: str, when, lang: str) -> str:
    """A table's latest period in an edition's words (shared by the sidecar and source line)."""
    if kind == "month":
        # every edition through i18n (CLDR), so the English "Nov 2025" never follows the locale
        return i18n.date(when, lang, "month_year_short")
    if kind == "fiscal_year":
        return i18n.text("charts.common.fiscal_year", lang, year=when)
    return str(when) if kind else ""


def _latest(table: str) -> tuple[str, object]:
    # read once per table and as-of date: every chart and edition citing the table asks
    return _latest_cached(table, as_of(), processed.table_path(table).stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _latest_cached(table: str, _as_of, _mtime) -> tuple[str, object]:
    source, spec = table_owner(table)
    last = _last_month(table)
    if last is None:
        months = [
            m
            for t in source.tables
            # a table compiled by someone else (a third party's provisional months) says
            # nothing about how far the publisher's own data reach
            if t.name != table and t.publisher == spec.publisher and processed.table_path(t.name).exists()
            for m in [_last_month(t.name)]
            if m is not None
        ]
        last = max(months) if months else None
        own = _last_year(table, spec)
        if last is not None and own is not None and own[1] != _year_of(last, own[0]):
            # the table is another compilation that stops earlier (OHSS's fiscal years end at
            # FY2024 while CBP's monthly releases run on): its own last year, not the months'
            return own
    if last is not None:
        return "month", last
    return _last_year(table, spec) or ("", None)


def _last_year(table: str, spec) -> tuple[str, int] | None:
    for name in ("fiscal_year", "year"):
        if name in spec.column_names:
            years = pd.read_csv(processed.table_path(table), usecols=[name])[name].dropna().astype(int)
            return name, int(years.max())
    return None


def _year_of(month: pd.Timestamp, kind: str) -> int:
    """The (fiscal) year a month falls in: October to December open the next US fiscal year."""
    return month.year + (month.month >= 10) if kind == "fiscal_year" else month.year


def source_line(tables: Sequence[str], credits: Sequence[str] = (), lang: str = i18n.DEFAULT) -> str:
    """``Source: <publisher>, via <carrier> (data to <period>, retrieved <date>)``, one
    entry per publisher, built from ``datapackage.json``; ``credits`` adds the project's own
    compilations (e.g. the hand-curated closures list). In Spanish: ``Fuente: <publisher>, vía
    <carrier> (datos hasta dic 2023, consultado el 5 ene 2024).`` (publishers keep their own
    names)."""
    return _SourceLine(tables, credits).render(lang)


class _SourceLine:
    """The source line's facts, read once, written in each language."""

    def __init__(self, tables: Sequence[str], credits: Sequence = ()):
        self.by_publisher: dict[str, dict] = {}
        for table in tables:
            prov = processed.provenance(table)
            entry = self.by_publisher.setdefault(
                prov["publisher"],
                {
                    "via": _short_carrier(prov.get("carrier") or ""),
                    "tables": [],
                    "retrieved": [],
                    "key": table if i18n.has(f"charts.sources.{table}.publisher") else prov.get("source_id"),
                },
            )
            entry["tables"].append(table)
            entry["retrieved"] += [
                s["retrieved_at"] for s in prov.get("sources", []) if s.get("retrieved_at")
            ]
        self.credits = list(credits)
        self._periods = {t: _latest(t) for e in self.by_publisher.values() for t in e["tables"]}

    def _period(self, table: str, lang: str) -> str:
        return _period_label(*self._periods[table], lang)

    def _sort_key(self, table: str):
        kind, when = self._periods[table]
        if kind == "month":
            return pd.Timestamp(when)
        if kind:
            return pd.Timestamp(f"{when}-01-01")
        return pd.Timestamp.min

    def render(self, lang: str) -> str:
        parts = []
        for publisher, entry in self.by_publisher.items():
            via = i18n.text("common.via", lang)
            name, carrier = publisher, entry["via"]
            if lang != i18n.DEFAULT:
                name, carrier = i18n.source_words(entry["key"], publisher, carrier, lang)
            text = name + (f", {via} {carrier}" if carrier else "")
            details = []
            # the latest period among the tables (months and years compared as dates)
            dated = [t for t in entry["tables"] if self._periods[t][0]]
            if dated:
                latest = max(dated, key=self._sort_key)
                if lang == i18n.DEFAULT:  # as it always was: the labels sorted
                    labels = sorted({self._period(t, lang) for t in dated}, key=_period_sort_key)
                    last = labels[-1]
                else:
                    last = self._period(latest, lang)
                fiscal = self._periods[latest][0] == "fiscal_year"
                key = "common.data_to_fiscal_year" if fiscal else "common.data_to"
                details.append(i18n.text(key, lang, period=last))
            if entry["retrieved"]:
                day = _date_label(pd.Timestamp(max(entry["retrieved"])), lang)
                details.append(i18n.text("common.retrieved", lang, date=day))
            if details:
                text += f" ({', '.join(details)})"
            parts.append(text)
        parts += [localize(c, lang) for c in self.credits]
        if not parts:
            return ""
        label = i18n.text("common.source" if len(parts) == 1 else "common.sources", lang)
        return f"{label}: " + "; ".join(parts) + "."


def _period_sort_key(label: str):
    try:
        return pd.Timestamp(label.removeprefix("FY") if label.startswith("FY") else label)
    except ValueError:
        return pd.Timestamp.min


# ----------------------------------------------------------------------------- number formats


def thousands(x: float) -> str:
    """520085 -> ``520,085``."""
    return f"{x:,.0f}"


def compact(x: float, decimals: int = 0) -> Phrase:
    """520085 -> ``520k`` (``520 mil``); 2475669 -> ``2.5m`` (``2.5 millones``); 7.21e9 ->
    ``7.2bn`` (``7.2 mil millones``); 0 -> ``0``."""
    return Phrase(lambda lang: _compact(x, decimals, lang))


def _compact(x: float, decimals: int = 0, lang: str = i18n.DEFAULT) -> str:
    if lang != i18n.DEFAULT:
        return _compact_es(x, decimals)
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:.{max(decimals, 1) if a < 1e10 else decimals}f}bn".replace(".0bn", "bn")
    if a >= 1e6:
        return f"{x / 1e6:.{max(decimals, 1) if a < 1e7 else decimals}f}m".replace(".0m", "m")
    if a >= 1e3:
        return f"{x / 1e3:.{decimals}f}k"
    return f"{x:.0f}"


def _compact_es(x: float, decimals: int = 0) -> str:
    # Mexican copy: "520 mil", "2.5 millones", "7.2 mil millones" (never "billones")
    a = abs(x)

    def body(v, keep):
        out = f"{v:.{keep}f}"
        return out[:-2] if out.endswith(".0") else out

    if a >= 1e9:
        return f"{body(x / 1e9, max(decimals, 1) if a < 1e10 else decimals)} mil millones"
    if a >= 1e6:
        b = body(x / 1e6, max(decimals, 1) if a < 1e7 else decimals)
        return f"{b} {'millón' if b in ('1', '-1') else 'millones'}"
    if a >= 1e3:
        return f"{x / 1e3:.{decimals}f} mil"
    return f"{x:.0f}"


_NUMBER_WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    # masculine, as the nouns counted here are (días, cruces, puertos); "un" before a noun
    "es": ["cero", "un", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"],
}


def number_word(n: int, capital: bool = False) -> Phrase:
    """3 -> ``three`` (``tres``): style spells out counts under ten."""

    def make(lang):
        text = _NUMBER_WORDS[lang][n] if 0 <= n < 10 else f"{n:,}"
        return text[0].upper() + text[1:] if capital else text

    return Phrase(make)


def change_phrase(new: float, old: float) -> Phrase:
    """How a headline says ``old`` became ``new``: ``more than doubled``, ``rose 40%``,
    ``fell by half``... computed, so a revised figure cannot leave a wrong verb behind. The
    Spanish verb is in the third person plural (``se duplicaron con creces``), as the counts
    it describes are (los cruces, las detenciones, las remesas)."""
    if old <= 0:
        raise ValueError("change_phrase needs a positive starting value")
    return Phrase(lambda lang: _change(new, old, lang))


_CHANGE_ES = {
    "doubled": "se duplicaron",
    "tripled": "se triplicaron",
    "quadrupled": "se cuadruplicaron",
    "more than doubled": "se duplicaron con creces",
    "more than tripled": "se triplicaron con creces",
    "more than quadrupled": "se cuadruplicaron con creces",
    "held steady": "se mantuvieron estables",
    "fell by about half": "cayeron alrededor de la mitad",
}


def _change(new: float, old: float, lang: str) -> str:
    en = _change_en(new, old)
    if lang == i18n.DEFAULT:
        return en
    if en in _CHANGE_ES:
        return _CHANGE_ES[en]
    r = new / old
    if en.startswith("grew"):
        return f"se multiplicaron por {r:.0f}"
    if en.startswith("rose"):
        return f"aumentaron {r - 1:.0%}"
    return f"cayeron {1 - r:.0%}"


def _change_en(new: float, old: float) -> str:
    r = new / old
    if r >= 2:
        whole = int(r)
        word = {2: "doubled", 3: "tripled", 4: "quadrupled"}.get(whole)
        if word is None:
            return f"grew {r:.0f}-fold"
        return f"more than {word}" if r - whole >= 0.05 else word
    if r >= 1.005:
        return f"rose {r - 1:.0%}"
    if r > 0.995:
        return "held steady"
    if 0.45 <= r <= 0.55:
        return "fell by about half"
    return f"fell {1 - r:.0%}"


def number_axis(ax, axis: str = "y", style: str = "comma", prefix: str = "", suffix: str = "") -> None:
    """Tick labels as ``100,000`` (comma), ``100k`` (compact) or ``$5bn`` (prefix/suffix); in
    Spanish ``100 mil`` (compact) and no ``$`` (in Mexico it means pesos; the subtitle names
    the dollars)."""

    def fmt(v, _pos):
        body = thousands(v) if style == "comma" else _compact(v, 0, _lang)
        # in Mexico "$" alone reads as pesos: the Spanish ticks drop it, and the subtitle
        # says the unit (millones / miles de millones de dólares)
        pre = "" if _lang != i18n.DEFAULT and prefix == "$" else prefix
        return f"{'-' if v < 0 else ''}{pre}{body.lstrip('-')}{suffix}" if v else "0"

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(mticker.FuncFormatter(fmt))


@functools.cache
def _month_names(lang: str) -> dict[str, str]:
    return {
        f"{pd.Timestamp(2001, m, 1):%b}": i18n.date(pd.Timestamp(2001, m, 1), lang, "month_short")
        for m in range(1, 13)
    }


class _DateTicks(mdates.ConciseDateFormatter):
    """Matplotlib's concise date ticks, with the month names of the language being drawn."""

    def format_ticks(self, values):
        labels = super().format_ticks(values)
        if _lang == i18n.DEFAULT:
            return labels
        names = _month_names(_lang)
        return [re.sub(r"[A-Z][a-z]{2}", lambda m: names.get(m.group(0), m.group(0)), s) for s in labels]


def mid_month(months):
    """Where to plot a monthly count on a chart that also shades days (a closure): the 15th.

    A month's count covers the whole month, but it is dated the 1st; plotted there, December's
    point would sit before a closure shaded from 18 December. In the middle of its month it
    sits among the days it counts. Takes a month start or a column of them."""
    return pd.to_datetime(months) + pd.Timedelta(days=14)


def date_axis(ax, axis: str = "x", maxticks: int = 8) -> None:
    """Dates as ``Jan 2023 · Apr · Jul``: the year only where it changes (``ene 2023 · abr ·
    jul`` in Spanish)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    formatter = _DateTicks(locator, show_offset=False)
    formatter.formats = ["%Y", "%b", "%d", "%H:%M", "%H:%M", "%S.%f"]
    formatter.zero_formats = ["", "%b\n%Y", "%b\n%d", "%H:%M", "%H:%M", "%S.%f"]
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(locator)
    target.set_major_formatter(formatter)


# ----------------------------------------------------------------------------- direct labels


def label_end(ax, x, y, text: str, color: str = TEXT, dx: float = 6, **kw):
    """A label just right of a line's last point, instead of a legend."""
    kw.setdefault("fontsize", 10)
    kw.setdefault("fontweight", "bold")
    return ax.annotate(
        text,
        (x, y),
        xytext=(dx, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        color=color,
        annotation_clip=False,
        **kw,
    )


def callout(ax, x, y, text: str, dx: float = -40, dy: float = 20, color: str = TEXT, **kw):
    """A note pointing at one value (the record month, the closure), with a thin leader line."""
    kw.setdefault("fontsize", 10)
    kw.setdefault("ha", "right" if dx < 0 else "left")
    kw.setdefault("va", "bottom" if dy >= 0 else "top")
    return ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        color=color,
        arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.8, "shrinkA": 2, "shrinkB": 3},
        annotation_clip=False,
        **kw,
    )


def mark(
    ax, x, y, text: str = "", color: str = HIGHLIGHT, ms: float = 7, dx: float = -40, dy: float = 20, **kw
):
    """A dot on the value the title is about (the record month, the closure month) and, given
    ``text``, a bold :func:`callout` in the same colour; ``dx``, ``dy`` and any other keywords
    (``ha``, ``va``) go to the callout. Returns the callout, if any."""
    ax.plot([x], [y], "o", color=color, ms=ms, zorder=5)
    if not text:
        return None
    kw.setdefault("fontweight", "bold")
    return callout(ax, x, y, text, dx=dx, dy=dy, color=color, **kw)


def bar_labels(ax, bars, labels: Iterable[str], inside: bool = False, color: str = TEXT, **kw):
    """Values written on (or just past) each bar, so no axis is needed to read them."""
    kw.setdefault("fontsize", 10)
    return ax.bar_label(
        bars, labels=list(labels), label_type="center" if inside else "edge", padding=3, color=color, **kw
    )


def _spread(ax, labels: Sequence, min_gap_pt: float) -> None:
    """Move end-of-line labels apart vertically, in points, so none overlaps its neighbour."""
    to_pt = 72 / ax.figure.dpi
    # x plays no part in the height, so a date axis needs no conversion here
    heights = [
        ax.transData.transform((0.0, float(ax.convert_yunits(lab.xy[1]))))[1] * to_pt for lab in labels
    ]
    items = sorted(zip(heights, labels, strict=True), key=lambda i: i[0])
    placed = [y for y, _ in items]
    for _ in range(100):  # push neighbours apart until every gap is wide enough
        moved = False
        for i in range(1, len(placed)):
            gap = placed[i] - placed[i - 1]
            if gap < min_gap_pt - 0.01:
                shift = (min_gap_pt - gap) / 2
                placed[i - 1] -= shift
                placed[i] += shift
                moved = True
        if not moved:
            break
    for (y, lab), y_new in zip(items, placed, strict=True):
        lab.xyann = (lab.xyann[0], y_new - y)


def legend(ax, **kw):
    """A key set in the plot's empty corner, for the charts where labels on the marks would
    collide (stacked bars); prefer :func:`label_end` or :func:`callout` where they fit."""
    kw.setdefault("loc", "upper right")
    kw.setdefault("handlelength", 1.0)
    kw.setdefault("handleheight", 1.0)
    kw.setdefault("fontsize", 10)
    return ax.legend(**kw)


def shade(ax, start, end, label: str = "", color: str = SHADE, label_y: float = 0.98, **kw):
    """A shaded period (Title 42, a closure) with its name at the top of the band."""
    span = ax.axvspan(start, end, color=color, zorder=0, lw=0)
    if label:
        kw.setdefault("fontsize", 9.5)
        kw.setdefault("color", MUTED)
        ax.text(
            start,
            label_y,
            Phrase(lambda lang: " " + localize(label, lang)) if isinstance(label, Localized) else " " + label,
            transform=ax.get_xaxis_transform(),
            ha="left",
            va="top",
            **kw,
        )
    return span


# ----------------------------------------------------------------------------- recurring charts


def monthly_line(ax, months, values, color: str = BLUE, ms: float = 3.5, **kw):
    """A monthly count as a line with a dot per month, each plotted mid-month (:func:`mid_month`)
    so that it lines up with shaded days. A missing month leaves a gap, not a zero."""
    return ax.plot(mid_month(months), pd.Series(values).astype(float), color=color, marker="o", ms=ms, **kw)


def closure_months(
    ax,
    months,
    values,
    closed: Iterable[tuple],
    month,
    value,
    text: str,
    *,
    numbers: str = "comma",
    headroom: float = 1.15,
    **callout_kw,
) -> None:
    """A port's monthly count around a closure: the days the crossing was shut shaded, the count
    as a :func:`monthly_line`, and the closure month marked with its value.

    ``closed`` lists the shaded periods as ``(first day, end)`` or ``(first day, end, label)``.
    ``month`` and ``value`` are the point the title cites and ``text`` its callout; ``dx``,
    ``dy``, ``ha`` and ``va`` go to :func:`callout`. The y axis starts at zero with ``headroom``
    above the highest month, its numbers in the ``numbers`` style of :func:`number_axis`.
    """
    for start, end, *label in closed:
        shade(ax, start, end, label=label[0] if label else "")
    monthly_line(ax, months, values)
    mark(ax, mid_month(month), value, text, **callout_kw)
    ax.set_ylim(0, pd.Series(values).max() * headroom)
    number_axis(ax, style=numbers)
    date_axis(ax)


def ranked_bars(
    ax,
    names,
    counts,
    shares,
    highlight: Iterable[str] = (),
    rest: str | None = None,
    headroom: float = 1.25,
):
    """Horizontal bars in the order given, the first at the top, each labelled with its count
    and share (``328,650  (63.2%)``), so the chart needs no x axis.

    ``highlight`` names the bars the title is about (drawn in HIGHLIGHT) and ``rest`` the
    catch-all row ("All others", light grey); the others are grey. The bars run to at most
    ``1 / headroom`` of the width, leaving room for the labels. Returns the bars.
    """
    names, counts, shares = list(names)[::-1], list(counts)[::-1], list(shares)[::-1]
    highlight = set(highlight)
    colors = [LIGHT_GREY if n == rest else HIGHLIGHT if n in highlight else GREY for n in names]
    # at positions 0, 1, ... with the names as tick labels (as a categorical axis would place
    # them), so that each edition can print the names in its language
    bars = ax.barh(range(len(names)), counts, color=colors, height=0.7)
    ax.set_yticks(range(len(names)), names)
    bar_labels(ax, bars, [f"{c:,}  ({s:.1%})" for c, s in zip(counts, shares, strict=True)])
    ax.grid(False)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max(counts) * headroom)
    return bars


# ----------------------------------------------------------------------------- the chart


_WIDTHS: dict[tuple, float] = {}


def _width(text: str, prop, renderer) -> float:
    # Measuring text with FreeType costs about a millisecond a call, and wrapping measures
    # the same words again and again; a line's width is taken as the sum of its words and
    # spaces (kerning across a space is nil), which keeps a chart's layout well under a second.
    key = (text, hash(prop), renderer.dpi)
    if key not in _WIDTHS:
        _WIDTHS[key] = renderer.get_text_width_height_descent(text, prop, ismath=False)[0]
    return _WIDTHS[key]


def _wrap(text: str, width_px: float, prop, renderer) -> str:
    """Greedy word wrap measured with the real font, so lines never run off the chart."""
    space = _width("x x", prop, renderer) - _width("xx", prop, renderer)
    lines = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            w = _width(word, prop, renderer)
            if line and used + space + w > width_px:
                lines.append(" ".join(line))
                line, used = [word], w
            else:
                used += (space if line else 0.0) + w
                line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


def _balanced_wrap(text: str, width_px: float, prop, renderer) -> str:
    """Wrap into as few lines as greedy wrapping needs, but of even length, so a title never
    ends on a lone word."""
    best = _wrap(text, width_px, prop, renderer)
    n = best.count("\n")
    if n == 0:
        return best
    lo, hi = width_px / (n + 1), width_px
    for _ in range(12):
        mid = (lo + hi) / 2
        candidate = _wrap(text, mid, prop, renderer)
        if candidate.count("\n") == n:
            best, hi = candidate, mid
        else:
            lo = mid
    return best


def _opaque_png(fig, slug: str) -> bytes:
    """The figure as a PNG at twice the screen size, in RGB: the house style paints every chart
    on white, so matplotlib's alpha channel would only repeat 255 for every pixel. Dropping it
    gives the same pixels in a file about a tenth lighter and a third quicker to encode (every
    edition at Pillow's default zlib level, so a partner desk gets files as light as ours)."""
    from PIL import Image

    dpi = PX_PER_INCH * PNG_SCALE
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi)
    data = raw.getbuffer()
    width = int(fig.get_figwidth() * dpi)
    height, rest = divmod(len(data), 4 * width)
    if rest:
        raise RuntimeError(f"chart {slug}: Agg drew {len(data)} bytes, not rows of {width} RGBA pixels")
    image = Image.frombuffer("RGBA", (width, height), data, "raw", "RGBA", 0, 1)
    if np.frombuffer(data, dtype=np.uint8)[3::4].min() != 255:  # the alpha of every pixel
        raise ValueError(
            f"chart {slug}: part of the image is transparent, so it cannot be written as an opaque "
            "PNG. What to do: keep the house style's white figure and savefig facecolor."
        )
    out = io.BytesIO()
    image.convert("RGB").save(out, format="png", dpi=(dpi, dpi))
    return out.getvalue()


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _relpath(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.REPO_DIR).as_posix()
    except ValueError:
        return path.as_posix()


class Chart:
    """One chart: a figure in the house style with its title, subtitle, notes and source.

    ``tables`` names the processed tables the chart's numbers come from (their publishers and
    dates make the source line; their sha256 go in the sidecar). ``inputs`` lists other files
    read, such as the project's hand-curated ``data/closures.csv``, and ``credits`` the words
    the source line gives them. Extra keyword arguments go to ``plt.subplots``; ``chart.ax``
    is the axes (``chart.axes`` when there are several).
    """

    def __init__(
        self,
        slug: str,
        *,
        title: str | Localized,
        subtitle: str | Localized,
        tables: Sequence[str] = (),
        notes: Sequence[str | Localized] | str | Localized = (),
        size: str = "landscape",
        inputs: Sequence[str | os.PathLike] = (),
        credits: Sequence[str] = (),
        nrows: int = 1,
        ncols: int = 1,
        **subplots_kw,
    ):
        if not SLUG.match(slug) or slug.endswith(MOBILE_SUFFIX):
            raise ValueError(
                f"chart slug {slug!r}: use lower-case words joined by hyphens, e.g. darien-annual"
            )
        if size not in SIZES:
            raise ValueError(f"chart size {size!r} is not one of {', '.join(SIZES)}")
        if not title.strip() or not subtitle.strip():
            raise ValueError(f"chart {slug}: a title (the finding) and a subtitle (measure, unit) are needed")
        if not tables and not inputs:
            raise ValueError(f"chart {slug}: name the tables (or input files) its numbers come from")
        if _settings.notebook is None:
            setup("interactive")
        plt.style.use(STYLE)
        self.slug = slug
        self.size = size
        self.width, self.height = SIZES[size]
        self._words = {
            "title": title,
            "subtitle": subtitle,
            "notes": [notes] if isinstance(notes, str) else [n for n in notes if n],
        }
        self.lang = i18n.DEFAULT
        self.title = title.strip()
        self.subtitle = subtitle.strip()
        self.notes = [str(n) for n in self._words["notes"]]
        self.tables = list(tables)
        self.inputs = [Path(p) if Path(p).is_absolute() else paths.REPO_DIR / p for p in inputs]
        self._source = _SourceLine(self.tables, credits)
        self.source = self._source.render(i18n.DEFAULT)
        self.fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(self.width / PX_PER_INCH, self.height / PX_PER_INCH),
            dpi=PX_PER_INCH,
            **subplots_kw,
        )
        self.axes = axes
        self.ax = axes if nrows * ncols == 1 else axes.flat[0]
        self._title = self.fig.text(0, 1, "", fontsize=TITLE_SIZE, fontweight="bold", color=TEXT, va="top")
        self._subtitle = self.fig.text(0, 1, "", fontsize=SUBTITLE_SIZE, color="#444444", va="top")
        self._foot = self.fig.text(0, 0, "", fontsize=FOOT_SIZE, color=MUTED, va="bottom", linespacing=1.35)
        self._apart: list[tuple] = []
        self._texts: list[tuple] = []  # (artist, localised text) set anew for each edition
        self._ticks: list[tuple] = []  # (fixed tick formatter, its English labels)

    def keep_apart(self, labels: Sequence, min_gap: float = 13) -> None:
        """Keep these end-of-line labels (from :func:`label_end`) at least ``min_gap`` points
        apart vertically; applied when the chart is laid out, once the axes have their size."""
        self._apart.append((labels, min_gap, [lab.xyann for lab in labels]))

    # -- editions

    def languages(self) -> tuple[str, ...]:
        """The editions this chart is drawn in (see :func:`setup`)."""
        if _settings.langs is not None:
            return _settings.langs
        words = [self._words["title"], self._words["subtitle"], *self._words["notes"]]
        if all(isinstance(w, Localized) for w in words):
            return i18n.LANGUAGES
        return (i18n.DEFAULT,)

    def _collect_texts(self) -> None:
        """Find the artists that print a localised text: every text in the figure whose
        words are those of a text made (by :func:`t` or a computed phrase) since the last chart,
        and the axes' fixed tick labels (category names)."""
        from matplotlib.text import Text

        known = {str(m): m for m in _made}
        own = {id(self._title), id(self._subtitle), id(self._foot)}
        # (tick labels are made anew by their formatters at each draw; the fixed ones below)
        self._texts = [
            (art, known[art.get_text()])
            for art in self.fig.findobj(Text)
            if id(art) not in own and art.get_text() in known
        ]
        self._known = known
        self._ticks = []
        for a in self.fig.axes:
            for axis in (a.xaxis, a.yaxis):
                labels = _fixed_labels(axis.get_major_formatter())
                if labels is not None:
                    self._ticks.append((labels, dict(labels) if isinstance(labels, dict) else list(labels)))

    def _words_in(self, lang: str) -> None:
        """Set every text of the chart in ``lang``: title, subtitle, notes, source line,
        callouts, labels, legend, category ticks; tick formatters read the language too."""
        global _lang
        w = self._words
        for name in ("title", "subtitle"):
            if lang != i18n.DEFAULT and not isinstance(w[name], Localized):
                raise TranslationError(
                    f"chart {self.slug}: its {name} {str(w[name])!r} is a plain string, so it has no "
                    f"{lang!r} edition. What to do: put the words in src/migrationdata/locales/*.toml "
                    f"under [charts.{self.slug}] and pass charts.t('{self.slug}.{name}', ...)."
                )
        _lang = lang
        self.lang = lang
        self.title = localize(w["title"], lang).strip()
        self.subtitle = localize(w["subtitle"], lang).strip()
        self.notes = [localize(n, lang) for n in w["notes"]]
        self.source = self._source.render(lang)
        for art, text in self._texts:
            art.set_text(text.render(lang))
        known = self._known
        for labels, english in self._ticks:
            for k, s in english.items() if isinstance(english, dict) else enumerate(english):
                labels[k] = known[s].render(lang) if isinstance(s, str) and s in known else s
        for labels, _gap, start in self._apart:
            for lab, xy in zip(labels, start, strict=True):
                lab.xyann = xy

    # -- layout

    def layout(self) -> None:
        """Place the header and footer, wrapped to the width, and fit the axes between them."""
        fig = self.fig
        # Measure at the PNG's resolution: hinted glyphs are a few per cent wider there than
        # at 1x, and a title measured at 1x can run off the 2x image.
        fig.set_dpi(PX_PER_INCH * PNG_SCALE)
        renderer = fig.canvas.get_renderer()
        k = PNG_SCALE
        w, h = self.width * k, self.height * k
        text_w = (self.width - 2 * PAD_X) * k * 0.98

        def place(artist, text, top_px):
            artist.set_text(_balanced_wrap(text, text_w, artist.get_fontproperties(), renderer))
            artist.set_position((PAD_X * k / w, 1 - top_px / h))
            return artist.get_window_extent(renderer).height

        y = PAD_TOP * k
        y += place(self._title, self.title, y) + GAP_TITLE * k
        y += place(self._subtitle, self.subtitle, y)
        header = y + GAP_HEADER * k

        notes = " ".join(n.strip() for n in self.notes)
        note = i18n.text("common.note", self.lang)
        foot_lines = [
            f"{note}: {notes}" if notes and not notes.lower().startswith(note.lower()) else notes,
            self.source,
        ]
        wrapped = [_wrap(t, text_w, self._foot.get_fontproperties(), renderer) for t in foot_lines if t]
        self._foot.set_text("\n".join(wrapped))
        self._foot.set_position((PAD_X * k / w, PAD_BOTTOM * k / h))
        footer = (PAD_BOTTOM + GAP_FOOTER) * k + self._foot.get_window_extent(renderer).height

        # the box the axes, with their tick labels and direct labels, must fill
        box_l, box_r, box_b, box_t = PAD_X * k, w - PAD_X * k, footer, h - header
        left, right, bottom, top = box_l, box_r, box_b, box_t
        axes = list(fig.axes)
        for _ in range(5):
            fig.subplots_adjust(left=left / w, right=right / w, bottom=bottom / h, top=top / h)
            tight = [a.get_tightbbox(renderer) for a in axes]
            inner = [a.get_window_extent(renderer) for a in axes]
            over_l = min(i.x0 for i in inner) - min(t.x0 for t in tight)
            over_r = max(t.x1 for t in tight) - max(i.x1 for i in inner)
            over_b = min(i.y0 for i in inner) - min(t.y0 for t in tight)
            over_t = max(t.y1 for t in tight) - max(i.y1 for i in inner)
            new = (box_l + over_l, box_r - over_r, box_b + over_b, box_t - over_t)
            # labels far outside the axes must not squeeze the plot to nothing: it keeps at
            # least 40% of the box each way, and the labels may then run off the edge
            min_w, min_h = 0.4 * (box_r - box_l), 0.4 * (box_t - box_b)
            if new[1] - new[0] < min_w:
                shrink = (new[1] - new[0] - min_w) / 2
                new = (new[0] + shrink, new[1] - shrink, new[2], new[3])
            if new[3] - new[2] < min_h:
                shrink = (new[3] - new[2] - min_h) / 2
                new = (new[0], new[1], new[2] + shrink, new[3] - shrink)
            if all(abs(a - b) < 1 for a, b in zip(new, (left, right, bottom, top), strict=True)):
                break
            left, right, bottom, top = new
        # the boxes of the last pass hold for the figure as it stands, except those of axes whose
        # end labels are now spread apart
        boxes = dict(zip(map(id, axes), tight, strict=True))
        for labels, gap, _start in self._apart:
            if labels:
                _spread(labels[0].axes, labels, gap)
                boxes.pop(id(labels[0].axes), None)
        self._check_inside(renderer, boxes)

    def _check_inside(self, renderer, boxes: dict | None = None) -> None:
        """No text may run off the image: a label the layout could not fit (a one-line callout
        too long for the mobile width, say) is an error naming the chart, the size, the edition
        and the words, never a clipped chart published. ``boxes`` are the axes' tight boxes
        already measured in this state of the figure (by ``id``), not measured again."""
        fig = self.fig
        w, h = fig.bbox.width, fig.bbox.height
        boxes = boxes or {}

        def off(box) -> bool:
            return box.x0 < -1 or box.y0 < -1 or box.x1 > w + 1 or box.y1 > h + 1

        texts = [t for t in fig.texts if t.get_text().strip()]
        for ax in fig.axes:
            box = boxes.get(id(ax))
            if not off(box if box is not None else ax.get_tightbbox(renderer)):
                continue
            # the culprit among the axes' own words, else its ticks or legend
            texts += [t for t in ax.texts if t.get_visible() and t.get_text().strip()] or [ax]
        for art in texts:
            if off(art.get_window_extent(renderer) if art not in fig.axes else art.get_tightbbox(renderer)):
                words = repr(art.get_text()) if art not in fig.axes else "of the axes (ticks or legend)"
                raise ValueError(
                    f"chart {self.slug} ({self.width}x{self.height} px, {self.lang}): the text {words} "
                    "runs off the image. What to do: shorten it, break it over two lines (\\n in the "
                    "locale), or move it inside the plot."
                )

    # -- export

    def _render(self, alt: str) -> tuple[bytes, bytes]:
        self.layout()
        png = _opaque_png(self.fig, self.slug)
        svg = io.BytesIO()
        self.fig.savefig(
            svg,
            format="svg",
            metadata={"Date": None, "Creator": "migrationdata", "Title": self.title, "Description": alt},
        )
        return png, svg.getvalue()

    def _resize(self, size: str) -> None:
        self.width, self.height = SIZES[size]
        self.fig.set_size_inches(self.width / PX_PER_INCH, self.height / PX_PER_INCH)

    def save(
        self,
        data: pd.DataFrame,
        alt_text: str | Localized,
        output: str | os.PathLike | None = None,
        mobile: bool = True,
    ) -> dict:
        """Lay out and write PNG, SVG, CSV and JSON; returns the sidecar as a dict.

        ``data`` is what the chart plots (one row per point or bar, a column per series),
        written as the CSV a graphics editor pastes into Datawrapper. ``alt_text`` is required:
        one or two sentences saying what the chart shows and its main number. Unless
        ``mobile=False`` (or the chart is already mobile-sized), the same chart is laid out
        again at the mobile size as ``<slug>-mobile.png`` and ``.svg``.

        The chart is drawn once and written in each edition (:meth:`languages`): its texts are
        set in the language, the chart laid out again and rendered; English goes to the output
        folder, Spanish to ``es/`` inside it, under the same file names. The CSV keeps its
        column names in every edition; cells holding a localised text (country names) are
        written in the edition's language. Returns the English sidecar (the first edition's).
        """
        if not isinstance(alt_text, Localized) and not (alt_text or "").strip():
            alt_text = ""
        if not isinstance(data, pd.DataFrame) or data.empty:
            raise ValueError(f"chart {self.slug}: pass the plotted data as a non-empty DataFrame (data=)")
        base = Path(output).resolve() if output else output_dir()
        langs = self.languages()
        self._collect_texts()
        self.mobile = mobile and self.size not in ("mobile", "square")
        editions = []
        try:
            for lang in langs:
                # every text checked before anything is written: a missing key fails first
                alt = localize(alt_text, lang).strip() if alt_text else ""
                self._check_alt(alt)
                self._words_in(lang)
                editions.append((lang, alt))
            for lang, alt in editions:
                self._words_in(lang)
                out = base if lang == i18n.DEFAULT else base / lang
                out.mkdir(parents=True, exist_ok=True)
                blobs = self._blobs(data, alt)
                for name, blob in blobs.items():
                    _write_if_changed(out / name, blob)
                sidecar = json.loads(blobs[f"{self.slug}.json"])
                if lang == langs[0]:
                    first = sidecar
        finally:
            self._words_in(i18n.DEFAULT) if self.lang != i18n.DEFAULT else None
            _made.clear()
        if self.mobile and _shows_figures():
            self.layout()  # the notebook goes on showing the main layout
        _log_save(self.slug, base)
        if not _shows_figures():
            plt.close(self.fig)  # a script or a headless build: free the memory now
        return first

    def _check_alt(self, alt: str) -> None:
        if not alt:
            raise ValueError(
                f"chart {self.slug}: alt text is required. Write one or two sentences saying what "
                "the chart shows and its main number, and pass it as alt_text=."
            )
        if not re.search(r"\d", alt):
            raise ValueError(
                f"chart {self.slug}: the alt text should state the chart's main number; got {alt!r}"
            )

    def _blobs(self, data: pd.DataFrame, alt: str) -> dict[str, bytes]:
        """The chart's files in the current language."""
        png, svg = self._render(alt)
        blobs = {f"{self.slug}.png": png, f"{self.slug}.svg": svg}
        if self.mobile:
            main = self.size
            self._resize("mobile")
            png_m, svg_m = self._render(alt)
            blobs[f"{self.slug}{MOBILE_SUFFIX}.png"] = png_m
            blobs[f"{self.slug}{MOBILE_SUFFIX}.svg"] = svg_m
            self._resize(main)
        # no cell a spreadsheet would run as a formula (store.spreadsheet_csv)
        blobs[f"{self.slug}.csv"] = store.spreadsheet_csv(_localized_frame(data, self.lang, self._known))
        sidecar = self.sidecar(alt)
        blobs[f"{self.slug}.json"] = (json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8"
        )
        return blobs

    def files(self) -> dict[str, str]:
        """The chart's files by kind, as the sidecar lists them (the sidecar is ``<slug>.json``)."""
        out = {ext: f"{self.slug}.{ext}" for ext in ("png", "svg", "csv")}
        if getattr(self, "mobile", False):
            out.update(
                mobile_png=f"{self.slug}{MOBILE_SUFFIX}.png", mobile_svg=f"{self.slug}{MOBILE_SUFFIX}.svg"
            )
        return out

    def sidecar(self, alt: str) -> dict:
        tables = []
        for name in self.tables:
            prov = processed.provenance(name)
            retrieved = sorted(s["retrieved_at"] for s in prov.get("sources", []) if s.get("retrieved_at"))
            tables.append(
                {
                    "name": name,
                    "path": f"data/processed/{name}.csv",
                    "sha256": processed.sha256_of(name),
                    "publisher": prov["publisher"],
                    "retrieved_at": retrieved[-1] if retrieved else None,
                    "data_to": latest_period(name),
                }
            )
        inputs = [
            {"path": _relpath(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in self.inputs
        ]
        notebook = _settings.notebook
        return {
            "slug": self.slug,
            "lang": self.lang,
            "title": self.title,
            "subtitle": self.subtitle,
            "alt_text": alt,
            "source": self.source,
            "notes": self.notes,
            "size": {"name": self.size, "width": SIZES[self.size][0], "height": SIZES[self.size][1]},
            "files": self.files(),
            "tables": tables,
            "inputs": inputs,
            "notebook": f"notebooks/{notebook}.ipynb" if notebook != "interactive" else None,
            "as_of": f"{as_of():%Y-%m-%d}" if as_of() is not None else None,
        }


def _fixed_labels(fmt):
    """The mutable labels behind tick labels given as text (``set_yticks(pos, names)``), or
    None for computed ticks (numbers, dates)."""
    import functools

    if isinstance(fmt, mticker.FixedFormatter):
        return fmt.seq
    func = getattr(fmt, "func", None)
    if isinstance(fmt, mticker.FuncFormatter) and isinstance(func, functools.partial):
        if getattr(func.func, "__name__", "") == "_format_with_dict" and func.args:
            return func.args[0]  # {position: label}, as Axis.set_ticklabels keeps them
    return None


def _localized_frame(data: pd.DataFrame, lang: str, known: dict) -> pd.DataFrame:
    """The plotted data with its text cells that the chart prints localised (country names,
    "All others") in ``lang``; column names stay as they are, a data contract."""
    if lang == i18n.DEFAULT:
        return data
    out = data.copy()

    def cell(v):
        return known[v].render(lang) if isinstance(v, str) and v in known else v

    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(cell)
    return out


def _shows_figures() -> bool:
    """True in a notebook or window that displays figures; false for Agg (scripts, the build)."""
    import matplotlib

    return matplotlib.get_backend().lower() not in ("agg", "svg", "pdf", "ps", "cairo", "template")


def _log_save(slug: str, out: Path) -> None:
    # The build runner sets this to learn, in order, which charts a notebook made.
    log = os.environ.get("MIGRATIONDATA_BUILD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"slug": slug, "output": str(out)}) + "\n")
