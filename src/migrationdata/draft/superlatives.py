"""What a superlative ranks: places or periods ("the world's deadliest route", "the deadliest
year"), changes or levels ("the largest increase"), over how many months or years ("the lowest
in nine months"), and whether it was a record as things stood then ("a record at the time")."""

from __future__ import annotations

import re

from migrationdata.draft import numbers
from migrationdata.draft.context import Context
from migrationdata.draft.entities import fold
from migrationdata.draft.numbers import Figure

#: a superlative that ranks places, not periods: "the world's deadliest land route", "the
#: busiest crossing", "la ruta más mortífera del mundo" (a place noun in or just after the
#: rank, or the world just before or after it)
PLACE_NOUN = {
    "en": r"(?:routes?|crossings?|borders?|corridors?|passages?|regions?|countr(?:y|ies)|ports?|frontiers?)\b",
    "es": r"(?:rutas?|cruces?|fronteras?|corredores?|regi[oó]n(?:es)?|pa[ií]s(?:es)?|puertos?|garitas?)\b",
}


#: ...unless the words after it rank periods: "the lowest southwest border crossings in history"
TIME_RANK = {
    "en": r"\b(?:in (?:\w+ )?history|on record|ever|since|all[- ]time)\b",
    "es": r"\b(?:de (?:la|su) historia|registrad[oa]s?|desde|jam[aá]s|nunca)\b",
}


WORLD = {
    "en": r"\b(?:world'?s?|worldwide|globally|on earth|planet'?s?)\b",
    "es": r"\b(?:del mundo|en el mundo|mundial(?:es)?|a nivel mundial|del planeta)\b",
}


#: "el mayor repunte", "the largest increase": a rank of changes (which group or place rose
#: most), which no metric computes
CHANGE_NOUN = {
    "en": r"\s+(?:\w+\s+)?(?:increase|rise|jump|growth|gain|surge|drop|fall|decline|decrease)s?\b",
    "es": r"\s+(?:aumento|repunte|incremento|alza|crecimiento|subida|salto|caida|descenso|baja|disminucion)\b",
}


def ranks_places(ctx: Context, fig: Figure) -> str | None:
    """The words that make a superlative rank places ("the world's deadliest land route",
    "the busiest crossing"), or None when it ranks periods ("the deadliest year")."""
    text = fold(ctx.sentence.text)
    noun = PLACE_NOUN[ctx.lang]
    # English puts the noun after the superlative ("deadliest land route"); Spanish before it,
    # inside the rank's words ("la ruta más mortífera"), or right after ("el mayor cruce")
    # up to two words before the noun, neither a number ("a record 301,981 border encounters")
    # nor a preposition or article ("a record high at the border" ranks months)
    word = r"(?!(?:at|in|on|of|for|to|the|a|an|along|across|from|into|by|with|near|en|de|del|la|el|los|las)\b)[^\W\d_]+\s+"
    after = re.match(rf"\s*(?:{word}){{0,2}}?{noun}", text[fig.end :], re.I)
    inside = ctx.lang == "es" and re.search(rf"\b{noun}", fold(fig.text), re.I)
    world = re.search(WORLD[ctx.lang], text[max(0, fig.start - 25) : fig.end + 40], re.I)
    if world is None and re.search(TIME_RANK[ctx.lang], text[fig.end : fig.end + 60], re.I):
        return None
    if after or inside or world:
        return ctx.sentence.text[fig.start : fig.end + (after.end() if after else 0)]
    return None


def ranks_changes(ctx: Context, fig: Figure) -> str | None:
    """ "el mayor repunte", "the largest increase": a rank of changes, not of levels."""
    after = re.match(CHANGE_NOUN[ctx.lang], fold(ctx.sentence.text[fig.end :]), re.I)
    return ctx.sentence.text[fig.start : fig.end + after.end()] if after else None


#: a record over the last N months or years: "the lowest monthly total in nine months", "el
#: más bajo en nueve meses" (up to three words between the rank and "in")
RANK_WINDOW = {
    "en": r"^(?:\s+(?!in\b)[^\W\d]+){0,3}?\s+in\s+(?:the\s+)?(?:(?:last|past)\s+)?"
    r"(?P<n>\d+|[a-z]+)\s+(?P<u>months?|years?)\b",
    "es": r"^(?:\s+(?!en\b)[^\W\d]+){0,3}?\s+en\s+(?:(?:los\s+)?ultimos\s+)?"
    r"(?P<n>\d+|[a-z]+)\s+(?P<u>mes(?:es)?|anos?)\b",
}


#: a record as it stood then: "itself a record at the time", "then a record", "entonces un récord"
AT_THE_TIME = {
    "en": (r"\b(?:then|the then)[- ]?\s*$", r"^\s*(?:at the time|back then|until then|at that time)\b"),
    "es": (
        r"\b(?:entonces|hasta entonces)\s+(?:(?:un|una|el|la)\s+)?$",
        r"^\s*(?:en (?:ese|aquel) momento|hasta entonces|en su momento|entonces)\b",
    ),
}


def rank_windows(text: str, figures: list[Figure], lang: str) -> dict[int, tuple[int, str, Figure | None]]:
    """For each rank said over the last N months or years ("the lowest in nine months"): N, the
    unit (month | year) and the figure that printed N (consumed by the rank), by id(rank)."""
    folded = fold(text)
    out = {}
    for fig in figures:
        if fig.kind != "rank":
            continue
        m = re.match(RANK_WINDOW[lang], folded[fig.end :], re.I)
        n = numbers.count_word(m.group("n"), lang) if m else None
        if n is None or n < 2:
            continue
        unit = "month" if m.group("u").lower().startswith("m") else "year"
        a = fig.end + m.start("n")
        held = next((f for f in figures if f.start <= a < f.end), None)
        out[id(fig)] = (n, unit, held, fig.end + m.end())
    return out


def span_records(text: str, figures: list[Figure], lang: str) -> tuple[list[Figure], dict]:
    """ "a 25-year low", "a three-month high": a record over the last N years or months, its span
    said before it (English; Spanish says "el más bajo en 25 años", which rank_windows reads). The
    span's duration becomes a rank, with its window as rank_windows gives one: (N, unit, None,
    end)."""
    if lang != "en":
        return figures, {}
    out, windows = [], {}
    for fig in figures:
        m = re.match(r"(?:\s+record)?\s+(?P<dir>low|high)s?\b", text[fig.end :], re.I)
        if fig.kind != "duration" or fig.unit not in ("years", "months") or m is None or not fig.value:
            out.append(fig)
            continue
        low = m.group("dir").lower() == "low"
        rank = Figure(
            kind="rank", text=text[fig.start : fig.end + m.end()], start=fig.start, end=fig.end + m.end(),
            value=1, test="the lowest" if low else "the highest",
        )  # fmt: skip
        windows[id(rank)] = (int(fig.value), fig.unit[:-1], None, rank.end)
        out.append(rank)
    return out, windows


#: "the previous peak", "the prior record", "el récord anterior": the record as it stood when set
PREVIOUS_RECORD = {
    "en": r"(?:(?:the|a|its)\s+)?(?:previous|prior|former)\b",
    "es": r"(?:(?:el|su)\s+)?(?:anterior\b|\w+\s+anterior\b)",
}


def at_the_time(ctx: Context, fig: Figure) -> bool:
    """A record as things stood then ("a record at the time", "the previous peak"): ranked among
    the periods up to its own."""
    before, after = AT_THE_TIME[ctx.lang]
    text = fold(ctx.sentence.text)
    return bool(
        re.search(before, text[max(0, fig.start - 25) : fig.start], re.I)
        or re.match(after, text[fig.end : fig.end + 30], re.I)
        or re.match(PREVIOUS_RECORD[ctx.lang], fold(fig.text), re.I)
    )
