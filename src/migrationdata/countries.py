"""Country names for nationality and citizenship codes, in English and Spanish.

Built on pycountry (ISO 3166 with its translations). Publishers use a few codes outside the
standard, and ISO's formal names are not what a reporter prints, so both are listed here
explicitly, in one place.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache

import pycountry

#: codes that are not ISO 3166-1 alpha-3 but appear in the publishers' tables
NON_ISO = {
    "OOO": ("Other or unspecified", "Otros o no especificado"),
    "STL": ("Stateless", "Apátrida"),  # UNHCR's code, used by Mexico's and Honduras' tables
    "TIB": ("Tibet", "Tíbet"),
    "UNK": ("Unknown", "Desconocida"),  # IOM's Missing Migrants Project: origin not known
    "XKX": ("Kosovo", "Kosovo"),
}

#: ISO names too formal for print, in the short form news copy uses
SHORT_NAMES = {
    "BOL": "Bolivia",
    "COD": "DR Congo",
    "COG": "Congo",
    "CZE": "Czech Republic",
    "FSM": "Micronesia",
    "IRN": "Iran",
    "KOR": "South Korea",
    "LAO": "Laos",
    "MDA": "Moldova",
    "PRK": "North Korea",
    "PSE": "Palestine",
    "RUS": "Russia",
    "SYR": "Syria",
    "TUR": "Turkey",
    "TWN": "Taiwan",
    "TZA": "Tanzania",
    "VEN": "Venezuela",
    "VNM": "Vietnam",
}


@cache
def _spanish() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)


def english_name(iso3: str) -> str | None:
    """Short English name for an ISO-3 (or known non-ISO) code; None if unknown."""
    if iso3 in NON_ISO:
        return NON_ISO[iso3][0]
    if iso3 in SHORT_NAMES:
        return SHORT_NAMES[iso3]
    rec = pycountry.countries.get(alpha_3=iso3)
    if rec is None:
        return None
    return getattr(rec, "common_name", None) or rec.name


def spanish_name(iso3: str) -> str | None:
    """Spanish name (ISO 3166 translation, formal suffix dropped); None if unknown."""
    if iso3 in NON_ISO:
        return NON_ISO[iso3][1]
    rec = pycountry.countries.get(alpha_3=iso3)
    if rec is None:
        return None
    name = _spanish().gettext(rec.name)
    # "Venezuela, República Bolivariana de" -> "Venezuela"
    return name.split(", ")[0] if iso3 not in ("COD",) else "República Democrática del Congo"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace(".", " ").split())


@cache
def _spanish_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for rec in pycountry.countries:
        full = _spanish().gettext(rec.name)
        index[_fold(full)] = rec.alpha_3
        index[_fold(full.split(", ")[0])] = rec.alpha_3
    for code, (_, es) in NON_ISO.items():
        index[_fold(es)] = code
    # spellings seen in Panama's tables that differ from ISO's translation
    index.update(
        {
            "otros": "OOO",
            "otros paises": "OOO",
            "republica dominicana": "DOM",
            "republica popular china": "CHN",
            "rep popular china": "CHN",
            "republica del congo": "COG",
            "rep dem del congo": "COD",
            "camerun": "CMR",
            "tibet": "TIB",
            "kosovo": "XKX",
        }
    )
    return index


def iso3_from_spanish(name: str) -> str | None:
    """ISO-3 code for a Spanish country name as Panama's tables print it; None if unknown."""
    return _spanish_index().get(_fold(name))


@cache
def _english_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for rec in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            val = getattr(rec, attr, None)
            if val:
                index[_fold(val)] = rec.alpha_3
    for code, name in SHORT_NAMES.items():
        index[_fold(name)] = code
    for code, (en, _) in NON_ISO.items():
        index[_fold(en)] = code
    return index


def iso3_from_english(name: str) -> str | None:
    """ISO-3 code for an English country name (ISO, common or short form); None if unknown."""
    return _english_index().get(_fold(name))
