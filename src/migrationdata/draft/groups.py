"""Which people a figure counts: the nationality named beside it ("Cuba (85.969)", "228.889
eran venezolanos"), the region it is said of ("59,834 Africans"), the rest after the groups a
story listed ("the remaining 54,664") and the one people a change is said of."""

from __future__ import annotations

import re

from migrationdata.draft.context import Context, and_list, group_params
from migrationdata.draft.entities import Mention, Series, fold
from migrationdata.draft.numbers import Figure

#: the words between a nationality and the count that is its own: "Cuba (85.969)", "Cuba: 85,969",
#: "Hondurans with 144,499", "Guatemalans followed with 209,540", "Cuba con 85.969"
COUNT_AFTER_GROUP = r"\s*(?:[(:]|(?:(?:followed|came next|were next)\s+)?with\b|(?:(?:le\s+)?siguieron\s+|seguidos\s+)?con\b)?\s*"


#: ...and between a count (or "most of them") and the nationality after it: "228.889 eran
#: venezolanos", "5,000 Haitians", "3,000 migrants were from Venezuela"
GROUP_AFTER_COUNT = {
    "en": r"\s+(?:(?:migrants|people|of them)\s+)?(?:(?:were|are)\s+)?(?:(?:from|nationals of|citizens of)\s+)?",
    "es": r"\s+(?:(?:migrantes|personas|de ellos)\s+)?(?:(?:eran|son|fueron)\s+)?"
    r"(?:(?:de|procedentes de|originari[oa]s de)\s+)?",
}


#: another people right after the one named: "mostly from Venezuela and Cuba" weighs them together
AND_ANOTHER = {"en": r"\s*(?:,|and|or)\s*", "es": r"\s*(?:,|y|e|o)\s*"}


def _bound(ctx: Context, fig: Figure, m: Mention) -> bool:
    """Is the nationality the one this figure counts, named right beside it?"""
    text = ctx.sentence.text
    if m.end <= fig.start and re.fullmatch(COUNT_AFTER_GROUP, text[m.end : fig.start]):
        return not fig.majority
    return fig.end <= m.start and bool(
        re.fullmatch(GROUP_AFTER_COUNT[ctx.lang], text[fig.end : m.start], re.I)
    )


def peoples(ctx: Context, fig: Figure) -> list[Mention]:
    """The nationalities a figure is said of, named right beside it: one ("Cuba (85.969)",
    "228.889 eran venezolanos"), or for "most of them" each people listed after it ("en su
    mayoría venezolanos y ecuatorianos")."""
    found = ctx.of_kind("nationality")
    own = next((m for m in found if _bound(ctx, fig, m)), None)
    if own is None or not fig.majority:
        return [own] if own else []
    out, text = [own], ctx.sentence.text
    for n in found:
        if n.start > out[-1].end and re.fullmatch(AND_ANOTHER[ctx.lang], text[out[-1].end : n.start], re.I):
            out.append(n)
    return out


def nationality_of(ctx: Context, fig: Figure) -> Mention | None:
    """The nationality a figure counts: the one named right beside it, else the sentence's
    first that no other figure holds so (in "545.043 migrantes, la mayoría de ellos
    venezolanos" the Venezuelans are the majority's, not the total's). "Most of them" weighs a
    people named right after it, alone: "mostly Venezuelans and Ecuadorians" weighs them
    together, which no share of one group tests."""
    own = peoples(ctx, fig)
    if fig.majority:
        # a country named after it, whether the kit reads it as a people or not ("from
        # Venezuela, Ecuador and Haiti"): the list goes on
        goes_on = own and re.match(
            AND_ANOTHER[ctx.lang] + r"(?:(?:from|de)\s+)?[A-ZÁÉÍÓÚ]", ctx.sentence.text[own[-1].end :]
        )
        return own[0] if len(own) == 1 and not goes_on else None
    if own:
        return own[0]
    held = {id(m) for f in ctx.figures if f is not fig for m in peoples(ctx, f)}
    return next((m for m in ctx.of_kind("nationality") if id(m) not in held), None)


#: between people named before a figure and the figure that is theirs: "Los niños, niñas y
#: adolescentes fueron el 25,8 %", "women made up 40%"
PEOPLE_BEFORE = {
    "en": r"\s+(?:were|are|made up|make up|accounted for|account for|represented|represent)\s+"
    r"(?:about\s+|nearly\s+|some\s+|almost\s+)?(?:the\s+)?",
    "es": r"\s+(?:fueron|eran|son|representaron|representan|sumaron|suman)\s+(?:(?:el|la|un|unos|unas)\s+)?",
}


def people_of(ctx: Context, fig: Figure) -> Mention | None:
    """The men, women, boys or girls a figure counts, named right beside it ("24.411 niños",
    "95,355 were children", "women (83,972)", "los niños, niñas y adolescentes fueron el
    25,8 %"), or a count in brackets restating the share before it ("el 25,8 % (95.355)")."""
    text = ctx.sentence.text
    for m in ctx.of_kind("people"):
        if fig.end <= m.start and re.fullmatch(GROUP_AFTER_COUNT[ctx.lang], text[fig.end : m.start], re.I):
            return m
        if m.end <= fig.start and (
            re.fullmatch(COUNT_AFTER_GROUP, text[m.end : fig.start])
            or re.fullmatch(PEOPLE_BEFORE[ctx.lang], text[m.end : fig.start], re.I)
        ):
            return m
    share = next((f for f in reversed(ctx.figures) if f.end <= fig.start and f.kind == "percent"), None)
    if fig.kind == "count" and share is not None and re.fullmatch(r"\s*\(\s*", text[share.end : fig.start]):
        return people_of(ctx, share)
    return None


#: the rest after the groups a story listed: "los 54.664 migrantes restantes", "the remaining 54,664"
REMAINING = {
    "en": (r"\b(?:the\s+)?(?:remaining|other|rest of the)\s+$", r"\s+(?:\w+\s+)?remaining\b"),
    "es": (
        r"\b(?:l[oa]s\s+)?(?:otr[oa]s|restantes|demás)\s+$|\bel resto,?\s+(?:de\s+)?$",
        r"\s+(?:\w+\s+)?restantes\b",
    ),
}


def remaining(ctx: Context, fig: Figure, series: Series, spec: str) -> tuple | None:
    """For "the remaining N": ((table, column, by), codes) of the nationalities the story listed
    with their counts in this series and period ([] when it listed none); None when the figure
    is not a remainder."""
    before, after = REMAINING[ctx.lang]
    text = fold(ctx.sentence.text)
    if fig.kind != "count" or not (
        re.search(before, text[max(0, fig.start - 30) : fig.start], re.I)
        or re.match(after, text[fig.end :], re.I)
    ):
        return None
    for (table, column, by, period), codes in ctx.listed.items():
        group = group_params(series, codes[0], ctx.vocab) if period == spec else None
        if group is not None and group[0]["table"] == table:
            return (table, column, by), list(codes)
    return []


def region_of(ctx: Context, fig: Figure) -> str | None:
    """The region a figure is said of: named right after it ("59,834 Africans"), or the last of
    the regions and nationalities named before it ("la migración desde Centroamérica y el Caribe
    subió más de 17%, en particular la de Honduras": both regions; but "Entre los países
    sudamericanos, Venezuela tuvo …, con 222 mil 994" is Venezuela's)."""
    regions = ctx.of_kind("region")
    if not regions:
        return None
    text = ctx.sentence.text
    for r in regions:
        if fig.end <= r.start and re.fullmatch(GROUP_AFTER_COUNT[ctx.lang], text[fig.end : r.start], re.I):
            return r.key
    if peoples(ctx, fig):
        return None
    before = sorted(
        (m for m in regions + ctx.of_kind("nationality") if m.end <= fig.start), key=lambda m: m.end
    )
    if not before or before[-1].kind != "region":
        return None
    named = [before[-1]]  # with the regions listed just before it: "Centroamérica y el Caribe"
    for m in reversed(before[:-1]):
        if m.kind != "region" or not re.fullmatch(AND_ANOTHER[ctx.lang], text[m.end : named[0].start], re.I):
            break
        named.insert(0, m)
    keys = [m.key for m in named]
    return and_list(keys)


#: a change said of the whole, not of the people named before it
OVERALL = {"en": r"\b(?:overall|in all|in total|the total)\b", "es": r"\b(?:en total|el total|en conjunto)\b"}


def change_group(ctx: Context, fig: Figure, series: Series) -> tuple[dict, Mention] | None:
    """A change said of one people: the only nationality the sentence names, named before the
    change ("Venezuela tuvo el mayor repunte, con 222 mil 994, un 131,8% más que en 2022"), in a
    series with figures by nationality. The table, column and filter, and the mention."""
    named = ctx.of_kind("nationality")
    if len(named) != 1 or named[0].end > fig.start:
        return None
    if re.search(OVERALL[ctx.lang], fold(ctx.sentence.text[named[0].end : fig.start]), re.I):
        return None
    group = group_params(series, named[0].key, ctx.vocab)
    if group is None:
        return None
    gp, value = group
    params = {"table": gp["table"], "column": gp["column"], "where": {**gp.get("where", {}), gp["by"]: value}}
    return params, named[0]
