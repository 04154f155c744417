"""How a figure was computed and how its test went, in words, in any edition.

A metric, besides its English sentence (``Figure.text``), records what it said as a
:class:`Phrase`: a catalog key (``reports.metrics.value``...) and typed fields (a count, a
percent change, a period, a month, a table's column, a filter, a data value, further phrases).
:func:`render` words a phrase in one edition from the catalogs, so the Spanish fact-check's
"how the figure was computed" is written in Spanish by the same code path that the English
sentence follows: ``tests/claims/test_wording.py`` renders every claim of every story in
English from these phrases and checks it reads exactly as ``Figure.text`` and the verdict's note.

Numbers are formatted as the English sentences format them in English, and through
:func:`migrationdata.i18n.number` (and ``i18n.date``, ``i18n.billions_of_dollars``) in the
other editions. A table's column and a filter's values are named in the edition's words from
``[reports.tables.<table>]``, ``[reports.columns]`` and ``[reports.values.<column>]``
(country codes and CBP's country names through :mod:`migrationdata.countries`); a label the
catalog lacks is a :class:`~migrationdata.errors.TranslationError` naming the key, never the
English shown in its place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from migrationdata import countries, i18n
from migrationdata.errors import TranslationError

ROOT = "reports."


class Phrase:
    """A sentence (or part of one) in the catalog: ``reports.<key>`` with typed fields."""

    __slots__ = ("fields", "key")

    def __init__(self, key: str, /, **fields: Any) -> None:
        self.key = key
        self.fields = fields

    def __repr__(self) -> str:
        return f"Phrase({self.key!r}, {self.fields!r})"


@dataclass(frozen=True)
class Seq:
    """Phrases (or other fields) one after the other, joined by ``sep`` (a catalog key under
    ``reports.`` or "" for nothing between them)."""

    items: tuple
    sep: str = ""

    def __init__(self, items, sep: str = "") -> None:
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "sep", sep)


@dataclass(frozen=True)
class Num:
    """A number in one of the styles the English sentences print:

    - ``count``: 520,085 (whole, or one decimal under 100), as :func:`count_en`;
    - ``money``: a count, or for ``*_usd`` columns ``$798.8 billion`` / ``$1,234``;
    - ``test``: as :func:`tested_number_en` (the test's own figures: 798.83 billion, 38.64, 0.05);
    - ``fixed``: ``decimals`` places (2.09), ``signed``: with its sign (+109.5, -217,882);
    - ``signed_money``: a difference with its sign, in dollars for ``*_usd`` columns (+$1.4
      billion), else as ``signed``;
    - ``share``: a fraction as a percentage with one decimal (0.632 -> 63.2%);
    - ``g``: as Python's ``{:g}`` (9.5, 10), ``signed_g``: ``{:+g}`` (+42)."""

    value: float
    style: str = "count"
    decimals: int = 0
    unit: str = ""  # money: "usd" or "count"


@dataclass(frozen=True)
class When:
    """A date or period: ``month`` (a timestamp), ``day`` (a date), ``period`` (a
    ``metrics.Period``), ``key`` (a ranked month, year or fiscal year of ``freq``),
    ``iso`` (a date the English prints in ISO form), ``month_name`` (a month without its
    year: June / junio)."""

    kind: str
    value: Any
    freq: str = ""


@dataclass(frozen=True)
class Label:
    """A table's column with its filters: "migrants in darien_monthly (nationality_iso3 VEN)"."""

    table: str
    column: str
    where: dict = field(default_factory=dict)
    exclude: dict = field(default_factory=dict)

    def __init__(self, table, column, where=None, exclude=None) -> None:
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "where", dict(where or {}))
        object.__setattr__(self, "exclude", dict(exclude or {}))


@dataclass(frozen=True)
class Where:
    """Filters alone: "nationality_iso3 VEN, citizenship not Other"."""

    where: dict
    exclude: dict = field(default_factory=dict)

    def __init__(self, where, exclude=None) -> None:
        object.__setattr__(self, "where", dict(where or {}))
        object.__setattr__(self, "exclude", dict(exclude or {}))


@dataclass(frozen=True)
class Column:
    """A grouping or filter column's name ("nationality_iso3" / "nacionalidad")."""

    name: str


@dataclass(frozen=True)
class Value:
    """A value of a table's column (a group, a filter value, a closure's mode)."""

    column: str
    value: Any


# ----------------------------------------------------------------------------- rendering


def _words(key: str, lang: str, /, **fields) -> str:
    return i18n.text(ROOT + key, lang, **fields)


def render(thing: Any, lang: str, story_lang: str = "en") -> str:
    """``thing`` (a :class:`Phrase`, :class:`Seq`, :class:`Num`, :class:`When`,
    :class:`Label`, :class:`Where`, :class:`Column`, :class:`Value`, a parsed test, text) in
    ``lang``; a test is quoted in the story's own words where the story is in ``lang``."""
    if isinstance(thing, Phrase):
        return _words(thing.key, lang, **{k: render(v, lang, story_lang) for k, v in thing.fields.items()})
    if isinstance(thing, Seq):
        sep = _words(thing.sep, lang) if thing.sep else ""
        return sep.join(render(x, lang, story_lang) for x in thing.items)
    if hasattr(thing, "describe") and hasattr(thing, "kind"):  # a numbers.Test
        return quoted(thing, lang, own=story_lang == lang)
    if isinstance(thing, Num):
        return number(thing, lang)
    if isinstance(thing, When):
        return when(thing, lang)
    if isinstance(thing, Label):
        return label(thing, lang)
    if isinstance(thing, Where):
        return where(thing.where, thing.exclude, lang)
    if isinstance(thing, Column):
        return column(thing.name, lang)
    if isinstance(thing, Value):
        return value(thing.column, thing.value, lang)
    if thing is None:
        return ""
    return str(thing)


def sentence(text: str) -> str:
    """A sentence starts with a capital, after any opening quote."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch not in "\"'«“¿¡ ":
            return text
    return text


# ----------------------------------------------------------------------------- numbers


def count_en(v: float) -> str:
    """A figure as the English sentences write it: whole, or one decimal under 100."""
    if v is None or pd.isna(v):
        return "—"
    if float(v).is_integer() or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def tested_number_en(v: float) -> str:
    """A test's own figure as the English writes it: 798.83 billion, 38.64, 0.05."""
    if abs(v) >= 1e9:
        return f"{v / 1e9:,.2f} billion".replace(".00 billion", " billion")
    if abs(v) >= 1000 or float(v).is_integer():
        return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 1000 else f"{v:,.2f}"
    return f"{v:,.3g}" if abs(v) < 1 else f"{v:,.2f}".rstrip("0").rstrip(".")


def _decimals_of_g(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _local(v: float, lang: str, decimals: int) -> str:
    sign = "-" if v < 0 else ""
    return sign + i18n.number(abs(v), lang, decimals)


def number(n: Num, lang: str) -> str:
    v, style = n.value, n.style
    en = lang == "en"
    if style == "count":
        if v is None or pd.isna(v):
            return "—"
        if en:
            return count_en(v)
        return _local(v, lang, 0 if float(v).is_integer() or abs(v) >= 100 else 1)
    if style == "money":
        if n.unit != "usd":
            return number(Num(v), lang)
        if en:
            return f"${v / 1e9:,.1f} billion" if abs(v) >= 1e9 else f"${v:,.0f}"
        if abs(v) >= 1e9:
            return i18n.billions_of_dollars(v, lang)
        return _words("dollars", lang, amount=_local(v, lang, 0))
    if style == "signed_money":
        if n.unit != "usd":
            return number(Num(v, "signed", 0), lang)
        return ("-" if v < 0 else "+") + number(Num(abs(v), "money", unit="usd"), lang)
    if style == "test":
        if en:
            return tested_number_en(v)
        if abs(v) >= 1e9:
            body = f"{v / 1e9:,.2f}".replace(".00", "")
            return _words(
                "tests.billions", lang, amount=_local(v / 1e9, lang, _decimals_of_g(body.replace(",", "")))
            )
        text = tested_number_en(v)
        return _local(v, lang, _decimals_of_g(text.replace(",", "")))
    if style in ("fixed", "signed"):
        if en:
            return f"{v:+,.{n.decimals}f}" if style == "signed" else f"{v:,.{n.decimals}f}"
        body = _local(v, lang, n.decimals)
        return ("+" + body) if style == "signed" and v >= 0 else body
    if style == "share":
        if en:
            return f"{v:.1%}"
        return _local(v * 100, lang, 1) + "%"
    if style in ("g", "signed_g"):
        text = f"{v:+g}" if style == "signed_g" else f"{v:g}"
        if en or "e" in text:
            return text
        body = _local(v, lang, _decimals_of_g(text))
        return ("+" + body) if style == "signed_g" and v >= 0 else body
    raise ValueError(f"number style {style!r}")


# ----------------------------------------------------------------------------- dates


def _month(ts, lang: str) -> str:
    ts = pd.Timestamp(ts)
    return f"{ts:%B %Y}" if lang == "en" else i18n.date(ts, lang, "month_year")


def _day(d, lang: str) -> str:
    d = pd.Timestamp(d)
    return f"{d.day} {d:%B %Y}" if lang == "en" else i18n.date(d, lang, "date")


def period(p, lang: str) -> str:
    """A ``metrics.Period`` as ``Period.label`` words it, in ``lang``."""
    if p.kind == "year":
        return p.text
    if p.kind == "fy":
        return _words(
            "metrics.period.fiscal_year",
            lang,
            year=p.text[2:],
            start=_month(p.start, lang),
            end=_month(p.end, lang),
        )
    if p.kind == "month":
        return _month(p.start, lang)
    if p.kind == "day":
        return _day(p.day, lang)
    return _words("metrics.period.range", lang, start=_month(p.start, lang), end=_month(p.end, lang))


def key_label(key, freq: str, lang: str) -> str:
    if freq == "month":
        return _month(key, lang)
    if freq == "fiscal_year":
        return _words("metrics.period.fy", lang, year=str(key))
    return str(key)


def when(w: When, lang: str) -> str:
    if w.kind == "month":
        return _month(w.value, lang)
    if w.kind == "day":
        return _day(w.value, lang)
    if w.kind == "iso":
        d = w.value if isinstance(w.value, date) else pd.Timestamp(w.value).date()
        return d.isoformat() if lang == "en" else _day(d, lang)
    if w.kind == "period":
        return period(w.value, lang)
    if w.kind == "key":
        return key_label(w.value, w.freq, lang)
    if w.kind == "month_name":
        ts = pd.Timestamp(w.value)
        return f"{ts:%B}" if lang == "en" else i18n.date(ts, lang, "month")
    if w.kind == "through":
        # Figure.data_through: "December 2023" or a year
        text = str(w.value)
        if lang == "en" or not text or text.isdigit():
            return text
        return _month(pd.Timestamp(text), lang)
    raise ValueError(f"date kind {w.kind!r}")


# ----------------------------------------------------------------------------- tables


def _required(key: str, lang: str, english: str) -> str:
    """A label from the catalog, in every edition (the English names the table and column)."""
    book = i18n.catalog(lang)
    if ROOT + key in book:
        return book[ROOT + key]
    where = i18n.catalog_path(lang).relative_to(i18n.paths.REPO_DIR).as_posix()
    raise TranslationError(
        f"no {lang!r} label for {ROOT + key!r} in {where}. What to do: add it there, and to every "
        f"catalog (the English reads {english!r}); a figure is never explained with a name in "
        "another language in its place."
    )


def column(name: str, lang: str) -> str:
    """A filter or grouping column's name: ``[reports.columns]``."""
    return _required(f"columns.{name}", lang, name)


def series(table: str, col: str, lang: str) -> str:
    """What a table's column counts: ``[reports.tables.<table>]``."""
    return _required(f"tables.{table}.{col}", lang, f"{col} in {table}")


def value(col: str, v: Any, lang: str) -> str:
    """A value of a column: a country by its name in ``lang`` (ISO-3 codes, CBP's English
    country names), others from ``[reports.values.<column>]``."""
    text = str(v)
    if lang == "en" or col == "port":  # a port is a place's name, the same in every edition
        return text
    if col.endswith("iso3"):
        name = countries.spanish_name(text) if lang == "es" else None
        if name:
            return name
    if col in ("citizenship", "nationality"):
        iso3 = countries.iso3_from_english(text)
        name = countries.spanish_name(iso3) if iso3 and lang == "es" else None
        if name:
            return name
    return _required(f"values.{col}.{text}", lang, text)


def _values(col: str, val: Any, lang: str) -> str:
    vals = val if isinstance(val, list) else [val]
    return _words("metrics.or", lang).join(value(col, x, lang) for x in vals)


def where(where_: dict, exclude: dict | None, lang: str) -> str:
    parts = [
        _words("metrics.where_is", lang, column=column(c, lang), values=_values(c, v, lang))
        for c, v in (where_ or {}).items()
    ]
    parts += [
        _words("metrics.where_not", lang, column=column(c, lang), values=_values(c, v, lang))
        for c, v in (exclude or {}).items()
    ]
    return _words("metrics.list_separator", lang).join(parts)


def label(lb: Label, lang: str) -> str:
    w = where(lb.where, lb.exclude, lang)
    what = series(lb.table, lb.column, lang)
    return what + (_words("metrics.filtered", lang, where=w) if w else "")


# ----------------------------------------------------------------------------- tests


def _decimals(precision: float, scale: float = 1.0) -> int:
    p = (precision or 1.0) / scale
    return max(0, -math.floor(math.log10(p) + 1e-9)) if p < 1 else 0


def quantity(v: float, precision: float, unit: str, lang: str) -> str:
    """A test's number as a story would print it in ``lang``: 500,000, 42%, 2.2 millones,
    750 mil millones de dólares."""
    if unit == "%":
        return _local(v, lang, _decimals(precision)) + "%"
    if unit == "$":
        if abs(v) >= 1e9:
            return i18n.billions_of_dollars(v, lang, _decimals(precision, 1e9))
        return _words("dollars", lang, amount=_local(v, lang, _decimals(precision)))
    if abs(v) >= 1e6 and precision >= 1e4:
        return _words("tests.millions", lang, amount=_local(v / 1e6, lang, _decimals(precision, 1e6)))
    return _local(v, lang, _decimals(precision))


_OPS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq"}
_RATIOS = {2.0: "x2", 3.0: "x3", 4.0: "x4", 0.5: "half"}


def words_for_test(t, lang: str) -> str:
    """A parsed test (``numbers.Test``) as a story in ``lang`` would print it: "more than
    500,000" is "más de 500,000", "doubled" is "se duplicó", "the highest" "el más alto"."""
    say = "tests.say."

    def q(v=None, precision=None):
        return quantity(
            float(t.value if v is None else v), t.precision if precision is None else precision, t.unit, lang
        )

    if t.kind == "threshold":
        return _words(say + _OPS[t.op], lang, amount=q())
    if t.kind == "equals":
        return q()
    if t.kind == "approx":
        if t.mode == "tolerance":
            return _words(
                say + "tolerance", lang, amount=q(), tolerance=number(Num(t.tolerance or 0, "test"), lang)
            )
        return _words(say + t.mode.replace("-", "_"), lang, amount=q())
    if t.kind == "rank":
        side = "high" if t.side == "high" else "low"
        if t.within:
            out = _words(f"{say}rank_{side}_within", lang, n=str(t.n))
        elif t.n == 1:
            # "a record", "a record low": the story's own figure of speech, kept
            record = "record" in str(t.text).lower() or "récord" in str(t.text).lower()
            out = _words(f"{say}{'record' if record else 'rank'}_{side}", lang)
        else:
            out = _words(f"{say}rank_{side}_nth", lang, n=str(t.n))
        if t.since:
            out += _words(say + "since", lang, period=_since(t.since, lang))
        return out
    if t.kind == "change":
        if t.measure == "ratio":
            name = _RATIOS.get(float(t.value))
            if t.mode == ">":
                return _words(say + "ratio_more", lang, ratio=number(Num(t.value, "g"), lang))
            if t.mode == "nearly":  # "nearly doubled", "casi se triplicó"
                if name in ("x2", "x3"):
                    return _words(say + name + "_nearly", lang)
                return _words(say + "ratio_nearly", lang, ratio=number(Num(t.value, "g"), lang))
            if name:
                return _words(say + name, lang)
            return _words(say + "ratio", lang, ratio=number(Num(t.value, "g"), lang))
        pct = _local(abs(t.value), lang, _decimals(t.precision)) + "%"
        direction = "down" if t.value < 0 else "up"
        if t.mode in _OPS:
            amount = _words(say + _OPS[t.mode], lang, amount=pct)
        elif t.mode in ("about", "nearly"):
            amount = _words(say + t.mode, lang, amount=pct)
        else:
            amount = pct
        return _words(say + direction, lang, amount=amount)
    if t.kind == "date":
        if t.lo is not None and t.hi is not None:
            if t.lo == t.hi:
                return _day(t.lo, lang)
            return _words(say + "between", lang, start=_day(t.lo, lang), end=_day(t.hi, lang))
        strict = t.extra.get("strict", False)
        if t.hi is not None:
            return _words(say + ("before" if strict else "by"), lang, date=_day(t.hi, lang))
        return _words(say + ("after" if strict else "from"), lang, date=_day(t.lo, lang))
    if t.kind == "bool":
        return _words(say + ("true" if t.value else "false"), lang)
    if t.kind == "text":
        return _words(say + "is", lang, value=value("mode", t.value, lang))
    raise ValueError(f"test kind {t.kind!r}")


def _since(text: str, lang: str) -> str:
    if text.upper().startswith("FY"):
        return key_label(text[2:], "fiscal_year", lang)
    if len(text) == 7:
        return _month(pd.Timestamp(text + "-01"), lang)
    return text


def quoted(t, lang: str, own: bool = False) -> str:
    """The test as the verdict's sentences quote it: ``"more than 500,000"``; ``own``: the
    story was written in ``lang``, so its own words are quoted."""
    if lang == "en" or own:
        return t.describe()
    return _words("tests.quoted", lang, test=words_for_test(t, lang))
