"""Trade sentences the kit's table cannot settle: figures for another US trading partner
("trade with Canada was $382.6 billion") and Mexico's rank among all partners ("the top US
trading partner for six months in a row"). The kit holds US–Mexico trade only (BTS
TransBorder), so both become not-checkable entries that say so, instead of being checked
against Mexico's figures."""

from __future__ import annotations

import re
from functools import cache

import pycountry

from migrationdata.countries import english_name, spanish_name
from migrationdata.draft.context import Context, Proposal, and_list
from migrationdata.draft.entities import fold
from migrationdata.draft.numbers import Figure

#: country names that in English trade copy are more often something else: a US state
#: (Georgia, New Jersey), a commodity (turkey), a first name (Jordan, Chad)
NOT_A_PARTNER = {"GEO", "JEY", "TUR", "JOR", "TCD"}

#: the partner of the kit's own table (the US is a side of every figure a US release gives,
#: "US trade with Canada" included, so only Mexico tells the table's figures apart)
OWN_SIDES = {"en": r"\bmexic(?:o|an)\b", "es": r"\bmexic(?:o|ana?s?|anos?)\b"}

#: Mexico's rank among all the partners of the US: "the top US trading partner", "the largest
#: trading partner of the United States", "principal socio comercial de Estados Unidos"
PARTNER_RANK = {
    "en": r"\b(?:top|largest|biggest|leading|No\. ?1|number[- ]one|first|second|third)\b"
    r"(?:\s+(?:U\.?S\.?|American|goods))?\s+trad(?:ing|e) partner\b",
    "es": r"\b(?:principal|mayor|primer|segundo|tercer)\s+socio\s+comercial\b",
}

REASON = {
    "partner": (
        "US trade with {names}: the kit's trade table holds only US–Mexico trade (BTS "
        "TransBorder); other partners' figures need Census's trade by country, which the kit "
        "does not read."
    ),
    "rank": (
        "A rank among all US trading partners ({words!r}): the kit holds trade with Mexico "
        "only, so it cannot say which country came first in a month."
    ),
}


@cache
def _partner_names(lang: str) -> tuple[tuple[str, str, re.Pattern], ...]:
    """Every country's name in the language, with its English name (the draft's notes are in
    English) and the pattern that finds it; Mexico and the United States left out (the table's
    own two sides)."""
    out = []
    for rec in pycountry.countries:
        code = rec.alpha_3
        if code in ("MEX", "USA") or code in NOT_A_PARTNER:
            continue
        names = {english_name(code), rec.name} if lang == "en" else {spanish_name(code)}
        for name in names:
            if name and len(name) > 3:
                out.append((name, english_name(code), re.compile(rf"\b{re.escape(fold(name))}\b", re.I)))
    # the longer name first: "South Korea" before "Korea"
    return tuple(sorted(out, key=lambda named: -len(named[0])))


def _partners_in(text: str, lang: str) -> list[str]:
    """The other countries a stretch of text names, in English, in the order named."""
    folded = fold(text)
    found, taken = [], []
    for _, english, rx in _partner_names(lang):
        for m in rx.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), english))
    return [name for _, name in sorted(found)]


def partner_of(ctx: Context, fig: Figure) -> str | None:
    """The other trading partner a figure belongs to: named between the figure before it (or the
    sentence's start) and the figure, without Mexico beside it; else, when those words
    name no country at all, named after it before the next figure or comma ("$64.3 billion went
    to Canada")."""
    text = ctx.sentence.text
    before_start = max((f.end for f in ctx.figures if f.end <= fig.start), default=0)
    before = text[before_start : fig.start]
    own = re.compile(OWN_SIDES[ctx.lang], re.IGNORECASE)
    partners = _partners_in(before, ctx.lang)
    if partners:
        return None if own.search(fold(before)) else partners[-1]
    if own.search(fold(before)):
        return None
    stop = min((f.start for f in ctx.figures if f.start >= fig.end), default=len(text))
    after = text[fig.end : stop]
    comma = re.search(r"[,;]", after)
    after = after[: comma.start()] if comma else after
    partners = _partners_in(after, ctx.lang)
    return partners[0] if partners and not own.search(fold(after)) else None


def trade_rules(ctx: Context, figures: list[Figure]) -> tuple[list[Proposal], set[int]]:
    """Not-checkable entries for a trade sentence's figures about other partners and for Mexico's
    rank among them, and the figures they take (id), which no other rule maps."""
    out: list[Proposal] = []
    used: set[int] = set()
    partnered = [
        (f, partner_of(ctx, f)) for f in figures if f.kind in ("money", "percent", "change", "count")
    ]
    partnered = [(f, name) for f, name in partnered if name]
    if partnered:
        names = list(dict.fromkeys(name for _, name in partnered))
        listed = and_list(names)
        out.append(
            ctx.proposal(
                "not-checkable",
                [(f.start, f.end) for f, _ in partnered],
                topic="Trade",
                reason=REASON["partner"].format(names=listed),
                claim=f"(to paraphrase) the story's figures for US trade with {listed}.",
            )  # fmt: skip
        )
        used |= {id(f) for f, _ in partnered}
    rank = re.search(PARTNER_RANK[ctx.lang], ctx.sentence.text, re.IGNORECASE)
    if rank:
        # the run and the count of months it held the rank ("six months in a row", "16 of the
        # last 17 months") are the rank's; amounts of money and changes are checked as usual
        held = [f for f in figures if f.kind in ("duration", "count") and id(f) not in used]
        out.append(
            ctx.proposal(
                "not-checkable",
                [(rank.start(), rank.end())] + [(f.start, f.end) for f in held],
                topic="Trade",
                reason=REASON["rank"].format(words=rank.group(0)),
                claim=f"(to paraphrase) Mexico's rank among US trading partners: {rank.group(0)!r}.",
            )  # fmt: skip
        )
        used |= {id(f) for f in held}
    return out, used
