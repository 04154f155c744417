"""What a superlative ranks: places or periods ("the world's deadliest route", "the deadliest
year"), changes or levels ("the largest increase"), over how many months or years ("the lowest
in nine months"), and whether it was a record as things stood then ("a record at the time")."""

from __future__ import annotations

import re

from migrationdata.draft import entities, numbers, periods
from migrationdata.draft.context import (
    CAVEAT,
    Context,
    Proposal,
    freq_of,
    latest_complete,
    month_before,
    period_words,
    unmapped,
)
from migrationdata.draft.entities import Series, fold
from migrationdata.draft.numbers import Figure
from migrationdata.draft.periods import Period

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


#: "el mayor repunte", "the largest increase": a rank of changes, of periods (change_rank) or
#: of groups (which no metric computes)
CHANGE_NOUN = {
    "en": r"\s+(?:\w+\s+)?(?:increase|rise|jump|growth|gain|surge|drop|fall|decline|decrease|contraction"
    r"|plunge|slump)s?\b",
    "es": r"\s+(?:aumento|repunte|incremento|alza|crecimiento|subida|salto|caida|descenso|baja|disminucion"
    r"|contraccion)\b",
}
#: the change nouns that are falls: "the biggest fall" is the lowest change
FALL_NOUN = {
    "en": r"\b(?:drop|fall|declin|decreas|contraction|plung|slump)",
    "es": r"\b(?:caida|descenso|baja|disminuci|contraccion)",
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
    """ "el mayor repunte", "the largest increase", "the biggest annual fall": a rank of changes,
    not of levels (the noun just after the rank, or inside it)."""
    if re.search(numbers.CHANGE_SUPERLATIVE[ctx.lang], fig.text, re.I):
        return re.sub(r"\s+(?:since|desde)\s+\d{4}$", "", fig.text)
    after = re.match(CHANGE_NOUN[ctx.lang], fold(ctx.sentence.text[fig.end :]), re.I)
    return ctx.sentence.text[fig.start : fig.end + after.end()] if after else None


def fall_or_rise(ctx: Context, words: str) -> str:
    """The side a superlative of a change ranks: "lowest" for a fall ("the biggest decline" is
    the lowest change), "highest" for a rise."""
    return "lowest" if re.search(FALL_NOUN[ctx.lang], fold(words), re.I) else "highest"


def change_rank(
    ctx: Context, fig: Figure, series: Series, main: Period | None, spans: list, base: dict, words: str
) -> Proposal:
    """ "the biggest annual fall since 2009", "the steepest drop in 16 years", "la mayor caída
    anual desde 2009": the period's change (against the same period a year earlier) ranked
    among the series' other periods'. "Since 2009" says 2009's change was at least as big, so
    the ranking starts the period after it, and a second check ranks 2009 in (second-lowest);
    "in 16 years" ranks the 16 periods ending with it."""
    spec = main.spec if main else latest_complete(series.freq, ctx.published)
    if ".." in spec:
        return unmapped(
            ctx, fig, f"A rank of changes over {period_words(spec)} ({words!r}): map it by hand with "
            "change_rank (months inside one year rank those months of each year).",
        )  # fmt: skip
    freq = freq_of(spec, series.freq)
    table, column = series.record_source(freq)
    params: dict = {"table": table, "column": column, "freq": freq, "period": spec}
    side = fall_or_rise(ctx, words)
    falls = side == "lowest"
    what = "the deepest fall" if falls else "the largest rise"
    notes = []
    also: list[dict] = []
    window = ctx.windows.get(id(fig))
    # "the biggest fall since 2009", or "the biggest fall in remittances since 2009"
    said = re.search(r"since (\d{4})$", fig.test)
    elsewhere = next((p for p in ctx.periods if p.kind == "since"), None)
    since = said.group(1) if said else (re.sub(r"\D", "", elsewhere.spec)[:4] if elsewhere else None)
    unit = freq.replace("_", " ")
    if window is not None:
        # "the biggest decline in 16 years": among the 16 periods ending with it (a month: the
        # months of those 16 years)
        n, wunit, _, end = window
        months = n if wunit == "month" else 12 * n
        if freq == "month":
            first = periods.shift_months(spec, -(months - 1))
        else:
            first = periods.shift_years(spec, -(n - 1)) if wunit == "year" else None
        if first is None:
            return unmapped(
                ctx, fig, f"A rank of {unit}s' changes over {n} months ({words!r}): map it by hand."
            )
        params.update(since=first, through=spec)
        gap = ctx.sentence.text[fig.end : end]
        if gap.strip():
            spans.append((end - len(gap.lstrip()), end))
        when = f"in {n} {wunit}s"
    elif since is not None:
        if elsewhere is not None and not said:
            spans.append((elsewhere.start, elsewhere.end))
        params.update(since=since, through=month_before(ctx.published))
        after, also, note = since_after(
            ctx, since, params, spec, freq, side, "change_rank", "change", "deeper" if falls else "larger"
        )
        params["since"] = after or since
        notes += [note] if note else []
        when = f"since {since}"
    else:
        params["through"] = month_before(ctx.published)
        when = "on record"
        history = series.history_caveat(freq)
        if history:
            notes.append(f"'On record' can only mean since the table began: {history}")
    if freq == "month":
        notes.append(
            "Each month against the same month a year earlier; if the story means the month before, "
            "set against: previous."
        )
    proposal = ctx.proposal(
        "claim", spans, metric="change_rank", params=params, test=f"the {side}", caveat=" ".join(notes),
        on_pass=CAVEAT if any(n.startswith("'On record'") for n in notes) else "",
        claim=f"{base['series']}: {period_words(spec)} against a year earlier, {what} {when}.",
        period=spec, **base,
    )  # fmt: skip
    proposal.also = also
    return proposal


#: "since at least fiscal year 2000", "since records began in 2010": the series' start, not a
#: year that was lower
HEDGED_SINCE = {
    "en": r"\bsince at least\b|\brecords? (?:began|begin|start)|\bsince (?:the )?(?:data|records|series) (?:began|start)",
    "es": r"\bdesde (?:al|por lo) menos\b|\bdesde que (?:hay|existen|se tienen|inici[oa]n?) (?:los )?(?:registros?|datos)"
    r"|\bdesde el inicio de (?:los )?registros?",
}


def since_after(
    ctx: Context,
    named: str | None,
    params: dict,
    spec: str,
    freq: str,
    side: str,
    metric: str,
    what: str = "",
    more: str = "",
) -> tuple[str | None, list[dict], str]:
    """A record "since 1970" says 1970 was at least as low (or high): the ranking in ``params``
    should start the period after it, with a second check (for ``also``) that ranks 1970 in,
    where the period ranked must come second. Nothing changes when the story hedges ("since at
    least fiscal year 2000": where the series begins), when the year named holds the period
    ("the lowest since 2024" of a month of 2024) or comes before the table (the data cannot say
    it was lower: the ranking starts where they do), or for a rank that is not a record. For
    months the year's month is unknown: from January of the year after, with a note.

    Returns (the ``since`` to rank from, or None to leave it as it was; the second checks; the
    note for the editor). ``what`` names what was lower ("change": "2009's change was deeper")."""
    year = re.fullmatch(r"(?:FY)?(\d{4})", str(named or ""))
    if (
        year is None
        or side not in ("lowest", "highest")
        or re.search(HEDGED_SINCE[ctx.lang], fold(ctx.sentence.text), re.I)
        or int(year.group(1)) >= int(re.sub(r"\D", "", spec)[:4])
        or int(year.group(1)) < (entities.first_year(params["table"]) or 0)
    ):
        return None, [], ""
    y = int(year.group(1))
    more = more or {"lowest": "lower", "highest": "higher"}[side]
    if freq == "month":
        had = f"had a {more} {what}" if what else f"was {more}"
        return (
            f"{y + 1}-01",
            [],
            (
                f"'Since {y}' says a month of {y} {had}: ranked from January {y + 1}; check which month "
                "the story means."
            ),
        )
    named = f"FY{y}" if freq == "fiscal_year" else str(y)
    check = {"metric": metric, "params": {**params, "since": named}, "test": f"second-{side}"}
    subject = f"{period_words(named)}'s {what}" if what else period_words(named)
    return (
        f"FY{y + 1}" if freq == "fiscal_year" else str(y + 1),
        [check],
        (
            f"'Since {y}' says {subject} was {more}: ranked from the {freq.replace('_', ' ')} after it, "
            "and (second check) with it."
        ),
    )


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
