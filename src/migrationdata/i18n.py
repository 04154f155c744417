"""The reader's language: the words every chart, embed and report prints, and how numbers and
dates are written, in English (United States) and Spanish (Mexico).

Words live in one message catalog per language, ``locales/<lang>.toml``. A key is dotted
(``charts.darien-annual.title``) and its value a template whose fields are named in braces
(``"Crossings {change} in {year}"``). The caller formats each field with the functions below,
so a template holds words and no code, and a translator sees every sentence whole.

A key missing from a catalog, or a translation whose fields differ from the English, is an
error naming the key, the language and the file: an edition is never published half
translated. Nothing is translated by machine at run time; every Spanish sentence was written.

Number and date styles follow the CLDR data that Babel ships for each locale:

- English (``en_US``): ``1,234,567``, ``63.2%``, ``December 2023``, ``Dec 2023``, ``$63.3bn``.
- Spanish (``es_MX``): ``1,234,567`` (Mexico's press, INEGI and Banxico group thousands with
  commas and use a decimal point, as CLDR's es-MX does), ``63.2%``, months in lower
  case (``diciembre de 2023``, ``dic 2023``), and billions as ``mil millones``
  (``63.3 mil millones de dólares``), never ``billones``, which in Spanish means 10¹².
"""

from __future__ import annotations

import datetime as _dt
import re
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal

from migrationdata import paths
from migrationdata.errors import TranslationError

#: the editions, English first: English is the reference every other catalog must match
LANGUAGES = ("en", "es")
DEFAULT = "en"
LOCALES = {"en": "en_US", "es": "es_MX"}
CATALOG_DIR = paths.PACKAGE_DIR / "locales"


def catalog_path(lang: str) -> Path:
    return CATALOG_DIR / f"{_checked(lang)}.toml"


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise TranslationError(
            f"language {lang!r} is not one of the editions ({', '.join(LANGUAGES)}). What to do: "
            "use one of those, or add locales/<lang>.toml and the language to i18n.LANGUAGES."
        )
    return lang


def _flatten(table: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every key of a language's catalog with its template."""
    path = catalog_path(lang)
    try:
        with open(path, "rb") as fh:
            return _flatten(tomllib.load(fh))
    except FileNotFoundError:
        raise TranslationError(
            f"no message catalog for {lang!r}: {path.relative_to(paths.REPO_DIR).as_posix()} is missing."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise TranslationError(
            f"{path.relative_to(paths.REPO_DIR).as_posix()} is not valid TOML: {exc}. What to do: "
            "fix the line it names (a quote left open is the usual cause)."
        ) from None


def fields(template: str) -> set[str]:
    """The named fields of a template: ``{count}`` and ``{count:,}`` both give ``count``."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(key: str, lang: str = DEFAULT, /, **values) -> str:
    """The template for ``key`` in ``lang``, its fields filled with ``values``."""
    book = catalog(_checked(lang))
    where = catalog_path(lang).relative_to(paths.REPO_DIR).as_posix()
    if key not in book:
        raise TranslationError(
            f"no {lang!r} text for {key!r} in {where}. What to do: add the key there"
            + (
                f" (the English reads {catalog(DEFAULT)[key]!r})"
                if lang != DEFAULT and key in catalog(DEFAULT)
                else ""
            )
            + "."
        )
    template = book[key]
    missing = fields(template) - set(values)
    if missing:
        raise TranslationError(
            f"{key!r} in {where} needs {', '.join(sorted(missing))}, which the code did not give. "
            "What to do: pass them, or take them out of the template in every language."
        )
    return template.format(**values)


def has(key: str, lang: str = DEFAULT) -> bool:
    return key in catalog(_checked(lang))


def publisher(english: str, lang: str = DEFAULT) -> str:
    """A publisher's name in ``lang``: the ``[charts.sources.*]`` entry whose English reads as
    the data package names it (``U.S. Customs and Border Protection (CBP); …``), in ``lang``. A
    name the catalogs do not hold is an error, as in the charts' source lines: an edition does
    not mix in an untranslated publisher."""
    if lang == DEFAULT or not english:
        return english
    for key, words in catalog(DEFAULT).items():
        if key.startswith("charts.sources.") and key.endswith(".publisher") and words == english:
            return text(key, lang)
    raise TranslationError(
        f"no [charts.sources.*] entry in locales/{DEFAULT}.toml has publisher = {english!r}, so the "
        f"{lang!r} edition cannot name it. What to do: add the source's publisher (and 'via', if "
        f"any) under [charts.sources.<source>] in {DEFAULT}.toml and its translation in {lang}.toml."
    )


def source_words(key: str | None, publisher_en: str, via_en: str, lang: str) -> tuple[str, str]:
    """A publisher's name and carrier in ``lang``, from ``[charts.sources.<source or table>]``
    (the charts' source lines, which know the source; :func:`publisher` serves pages that know
    only the English name).
    The English entry there must read as the data package does: a publisher renamed in the
    catalog of sources makes its translation stale, and that is an error, not a silent mix."""
    out = []
    for field, english in (("publisher", publisher_en), ("via", via_en)):
        name = f"charts.sources.{key}.{field}"
        if not english:
            out.append("")
            continue
        if has(name) and text(name) != english:
            raise TranslationError(
                f"{name!r} in locales/en.toml reads {text(name)!r} but the data package now says "
                f"{english!r}. What to do: update the key in en.toml and its translation in {lang}.toml."
            )
        out.append(text(name, lang))  # a missing key is an error naming it
    return out[0], out[1]


def problems(lang: str, prefix: str = "") -> list[str]:
    """What keeps ``lang``'s catalog from matching the English one (under ``prefix``): keys
    missing or left empty, keys English does not have, and fields that differ."""
    ref, book = catalog(DEFAULT), catalog(_checked(lang))
    out = []
    for key in sorted(k for k in ref if k.startswith(prefix)):
        if not book.get(key, "").strip():
            out.append(f"{key}: missing from {lang}.toml")
        elif fields(book[key]) != fields(ref[key]):
            out.append(
                f"{key}: fields {sorted(fields(book[key]))} in {lang}.toml, {sorted(fields(ref[key]))} in English"
            )
    out += [
        f"{k}: in {lang}.toml but not in English"
        for k in sorted(book)
        if k.startswith(prefix) and k not in ref
    ]
    return out


def require_complete(lang: str, prefix: str = "") -> None:
    """Raise, naming every key, unless ``lang`` translates everything English has."""
    found = problems(lang, prefix)
    if found:
        raise TranslationError(
            f"the {lang} edition is not fully translated ({len(found)} problem"
            f"{'s' if len(found) != 1 else ''} in {catalog_path(lang).relative_to(paths.REPO_DIR).as_posix()}):\n  "
            + "\n  ".join(found)
        )


# ----------------------------------------------------------------------------- numbers


def number(x: float, lang: str = DEFAULT, decimals: int = 0) -> str:
    """520085 -> ``520,085`` in both editions (see the module's note on Mexican style)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=LOCALES[_checked(lang)])


def percent(share: float, lang: str = DEFAULT, decimals: int = 1) -> str:
    """0.632 -> ``63.2%`` (a share, not a percentage, goes in)."""
    return number(share * 100, lang, decimals) + "%"


def billions_of_dollars(x: float, lang: str = DEFAULT, decimals: int = 1) -> str:
    """63.32e9 -> ``$63.3bn`` / ``63.3 mil millones de dólares``."""
    body = number(x / 1e9, lang, decimals)
    return f"${body}bn" if lang == "en" else f"{body} mil millones de dólares"


# ----------------------------------------------------------------------------- dates

_PATTERNS = {
    # (English, Spanish) CLDR patterns
    "month": ("MMMM", "MMMM"),
    "month_short": ("MMM", "MMM"),
    "month_year": ("MMMM y", "MMMM 'de' y"),
    "month_year_short": ("MMM y", "MMM y"),
    "date": ("MMMM d, y", "d 'de' MMMM 'de' y"),
    "date_short": ("d MMM y", "d MMM y"),
}


def date(when, lang: str = DEFAULT, style: str = "date") -> str:
    """A date in words: ``style`` is ``month`` (December / diciembre), ``month_short``,
    ``month_year`` (December 2023 / diciembre de 2023), ``month_year_short`` (Dec 2023 /
    dic 2023), ``date`` (December 27, 2023 / 27 de diciembre de 2023) or ``date_short``."""
    if style not in _PATTERNS:
        raise ValueError(f"date style {style!r} is not one of {', '.join(_PATTERNS)}")
    pattern = _PATTERNS[style][LANGUAGES.index(_checked(lang))]
    if isinstance(when, _dt.datetime):
        day = when.date()
    elif isinstance(when, _dt.date):
        day = when
    else:  # a string or a numpy date: pandas reads them all (imported only then, as it is slow)
        import pandas as pd

        day = pd.Timestamp(when).date()
    out = format_date(day, pattern, locale=LOCALES[lang])
    # CLDR abbreviates some Spanish months with a full stop ("sept."); charts want none
    return re.sub(r"(?<=[a-z])\.(?= |$)", "", out) if lang == "es" and "short" in style else out
