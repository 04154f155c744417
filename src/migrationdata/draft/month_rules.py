"""Months named one after another, each with its own figures ("March (down 3.4%), May and July
(down 1%)"; "June was the year's highest month, followed by August"), a growth rate ("growth was
25.9% in 2021") and a run of months ("the fourth month in a row above US$5 billion")."""

from __future__ import annotations

import re

from migrationdata.claims.numbers import ORDINAL_WORDS
from migrationdata.draft import periods
from migrationdata.draft.context import (
    Context,
    Proposal,
    is_base,
    month_before,
    period_words,
    table_params,
    unmapped,
)
from migrationdata.draft.entities import Series, first_month, fold
from migrationdata.draft.numbers import ENGLISH_COUNT, ENGLISH_ORDINAL, WORD_NUMBERS, Figure
from migrationdata.draft.superlatives import TIME_RANK, fall_or_rise, ranks_changes, ranks_places

#: months named bare, one after another, each with its own figures: "March (down 3.4%), May and
#: July (down 1%)", "June was the year's highest month, with US$6.2 billion, followed by August
#: with US$6.08 billion". English capitalises its months ("may rise" is a verb); a group opens
#: the sentence or follows punctuation, "and" or "followed by", and is followed by its figures
_EN_MONTHS = "|".join(m.capitalize() for m in periods.MONTHS["en"])


_ES_MONTHS = "|".join(periods.MONTHS["es"] + ["setiembre"])


MONTH_GROUP = {
    "en": re.compile(
        rf"(?:^|(?<=[:;,(])\s*|\b(?:and|then)\s+|\b(?:[Ff]ollowed by)\s+)"
        rf"(?P<g>(?:{_EN_MONTHS})(?:\s*(?:,\s*and|,|and)\s+(?:{_EN_MONTHS}))*)\b"
        r"(?=\s*\(|\s+(?:with|was|were|had|saw|received|brought|came)\b|\s*[,;:])"
    ),
    "es": re.compile(
        rf"(?:^|(?<=[:;,(])\s*|\b(?:[yYeE]|luego)\s+|\b(?:[Ss]eguid[oa]s?\s+(?:de|por))\s+)"
        rf"(?P<g>(?:{_ES_MONTHS})(?:\s*(?:,\s*y|,|y|e)\s+(?:{_ES_MONTHS}))*)\b"
        r"(?=\s*\(|\s+(?:con|fue|fueron|tuvo|tuvieron|registro|registraron|recibio|sumo)\b|\s*[,;:])",
        re.IGNORECASE,
    ),
}


#: "followed by August": the next in the same ranking
FOLLOWED = {"en": r"\bfollowed by\s+$", "es": r"\bseguid[oa]s?\s+(?:de|por)\s+$"}


#: the rank of a month said within its year: "the year's highest month", "el mes más alto del año"
YEAR_SCOPE = {
    "en": r"\b(?:the|this|that) year's\b|\b(?:of|in) the year\b|\b(?:of|in) (?:19|20)\d\d\b|\b(?:19|20)\d\d's\b",
    "es": r"\bdel ano\b|\bde(?:l)? (?:ano )?(?:19|20)\d\d\b|\ben el ano\b",
}


RANK_PAIR_REASON = (
    "A rank said of {n} months together ({words!r}): the engine tests one period's rank; map each "
    "month by hand."
)


def _list_year(ctx: Context) -> int | None:
    """The year of months named without one: the sentence's ("in six months of 2024"), else the
    year of the period the story went on from."""
    for p in ctx.periods:
        if p.kind == "year" and not is_base(ctx, p):
            return int(p.spec)
    for p in (ctx.carry, ctx.story_period):
        if p is not None and re.match(r"\d{4}(?:$|-)", p.spec):
            return int(p.spec[:4])
    return None


def _month_groups(ctx: Context) -> list[tuple[int, int, list[str]]]:
    """The groups of bare months a sentence lists: (start, end, months as YYYY-MM)."""
    text = fold(ctx.sentence.text) if ctx.lang == "es" else ctx.sentence.text
    year = _list_year(ctx)
    groups = []
    for m in MONTH_GROUP[ctx.lang].finditer(text):
        a, b = m.span("g")
        inside = [p for p in ctx.periods if p.start < b and a < p.end]
        if any(not (p.kind == "month" and p.relative) for p in inside):
            continue  # "in March 2024", "from January to March": the period rules read them
        specs = []
        for word in re.findall(r"\w+", m.group("g")):
            number = periods._month_number(word, ctx.lang)
            if number is None:
                continue  # "and", "y"
            y = year if year is not None else periods.latest_month(number, ctx.published)
            specs.append(f"{y}-{number:02d}")
        groups.append((a, b, specs))
    return groups


def month_list(ctx: Context, series: Series) -> tuple[list[Proposal], set[int]]:
    """Months listed each with its own figures: a change is that month's against the same month
    a year earlier ("March (down 3.4%)"; "May and July (down 1%)" gives both months the change);
    amounts go to the months in order ("January and February ..., with US$4.57 billion and
    US$4.49 billion"); a rank said of a month ranks it within its year ("the year's highest
    month"), the next month "followed by" is the second. The proposals, and the figures used."""
    if series.key in ("closures", "crossings", "missing-migrants") or not series.available():
        return [], set()
    groups = _month_groups(ctx)
    if not groups:
        return [], set()
    text = ctx.sentence.text
    base = dict(topic=series.topic, series=series.label, key=series.key)
    out: list[Proposal] = []
    used: set[int] = set()
    previous_rank: tuple[str, dict] | None = None  # the test and scope of the group before
    for i, (a, b, months) in enumerate(groups):
        stop = groups[i + 1][0] if i + 1 < len(groups) else len(text)
        own = [f for f in ctx.figures if b <= f.start < stop]
        amounts = [f for f in own if f.kind in ("money", "count") and not f.spelled]
        changes = [f for f in own if f.kind == "change"]
        ranks = [f for f in own if f.kind == "rank"]
        month_span = (a, b)
        if len(amounts) == len(months) or (len(amounts) == 1 and len(months) == 1):
            for spec, fig in zip(months, amounts, strict=False):
                if fig.kind == "money" and not series.column.endswith("usd"):
                    continue
                params = {**table_params(series, ctx, fig), "period": spec}
                out.append(
                    ctx.proposal(
                        "claim", [(fig.start, fig.end), month_span], metric="value", params=params,
                        test=fig.test, period=spec, printed=fig.value if fig.kind == "count" and not fig.qualifier else None,
                        claim=f"{series.label}, {period_words(spec)}: {fig.test}.", **base,
                    )
                )  # fmt: skip
                used.add(id(fig))
        if changes and (len(changes) == len(months) or len(changes) == 1):
            pairs = (
                zip(months, changes, strict=True)
                if len(changes) == len(months)
                else ((s, changes[0]) for s in months)
            )
            for spec, fig in pairs:
                start = periods.previous(spec)
                params = {**table_params(series, ctx, fig), "from": start, "to": spec, "measure": "percent"}
                out.append(
                    ctx.proposal(
                        "claim", [(fig.start, fig.end), month_span], metric="change", params=params,
                        test=fig.test, period=spec,
                        claim=f"{series.label}: {period_words(spec)} against {period_words(start)}, {fig.test}.",
                        **base,
                    )
                )  # fmt: skip
            used.update(id(f) for f in changes)
        rank = ranks[0] if ranks else None
        changed = ranks_changes(ctx, rank) if rank is not None else None
        if changed and rank.value == 1 and len(months) == 1 and ranks_places(ctx, rank) is None:
            # "September (down 4.6%, the largest decline)": its change against a year earlier,
            # ranked among its year's months'
            used.add(id(rank))
            scope = _month_rank_scope(ctx, rank, months[0])
            side = fall_or_rise(ctx, changed)
            out.append(
                _month_change_rank(ctx, series, months[0], side, scope, [(rank.start, rank.end), month_span])
            )
            previous_rank = None
        elif rank is not None and ranks_places(ctx, rank) is None and changed is None:
            used.add(id(rank))
            test = rank.test
            if len(months) > 1:
                side = {"the highest": "highest", "the lowest": "lowest"}.get(test)
                if side is None or len(months) not in ENGLISH_COUNT:
                    out.append(unmapped(ctx, rank, RANK_PAIR_REASON.format(n=len(months), words=rank.text)))
                    previous_rank = None
                    continue
                test = f"among the {ENGLISH_COUNT[len(months)]} {side}"
            scope = _month_rank_scope(ctx, rank, months[0])
            if rank.rule:
                scope["caveat"] = " ".join(c for c in (scope.get("caveat", ""), rank.rule) if c)
            for spec in months:
                out.append(_month_rank(ctx, series, spec, test, scope, [(rank.start, rank.end), month_span]))
            previous_rank = (test, scope) if len(months) == 1 else None
        elif (
            previous_rank is not None
            and len(months) == 1
            and re.search(FOLLOWED[ctx.lang], fold(text[:a]), re.I)
        ):
            # "June was the year's highest month ..., followed by August": August the second
            test, scope = previous_rank
            nxt = {"the highest": "second-highest", "the lowest": "second-lowest"}.get(test)
            if nxt:
                follow = re.search(FOLLOWED[ctx.lang], fold(text[:a]), re.I)
                out.append(_month_rank(ctx, series, months[0], nxt, scope, [(follow.start(), b)]))
            previous_rank = None
        else:
            previous_rank = None
    if not out:
        return [], set()
    # the months' own words are no longer periods for the sentence's other figures
    ctx.periods = [p for p in ctx.periods if not any(p.start < b and a < p.end for a, b, _ in groups)]
    # "in six months of 2024: March (...), ...": the number of months the list names
    listed = sum(len(g[2]) for g in groups)
    for f in ctx.figures:
        if f.kind == "duration" and f.unit == "months" and f.value == listed and f.end <= groups[0][0]:
            used.add(id(f))
    return out, used


def _month_rank_scope(ctx: Context, rank: Figure, spec: str) -> dict:
    """Which months a listed month is ranked among: its year's ("the year's highest month", or
    a month named without its year), or every month up to the month before the story ran when
    the words rank it in history ("the highest on record")."""
    text = fold(ctx.sentence.text)
    if re.search(TIME_RANK[ctx.lang], text[rank.end : rank.end + 60], re.I) and not re.search(
        YEAR_SCOPE[ctx.lang], text, re.I
    ):
        since = next((p for p in ctx.periods if p.kind == "since"), None)
        return {**({"since": since.spec} if since else {}), "through": month_before(ctx.published)}
    year = spec[:4]
    last = min(f"{year}-12", month_before(ctx.published))
    scope = {"since": f"{year}-01", "through": last}
    if not re.search(YEAR_SCOPE[ctx.lang], text, re.I):
        scope["caveat"] = f"Ranked within {year}: the month is named without its year, as one of that year's."
    return scope


def _month_rank(ctx: Context, series: Series, spec: str, test: str, scope: dict, spans) -> Proposal:
    table, column = series.record_source("month")
    scope = dict(scope)
    caveat = scope.pop("caveat", "")
    params = {"table": table, "column": column, "freq": "month", "period": spec, **scope}
    within = f" of {spec[:4]}" if scope.get("since", "").startswith(spec[:4]) else ""
    said = f"was {test}" if test.startswith(("the ", "among")) else f"was the {test}"
    noun = "months" if test.startswith("among") else "month"
    return ctx.proposal(
        "claim", spans, metric="rank_in_series", params=params, test=test, caveat=caveat, period=spec,
        topic=series.topic, series=series.label, key=series.key,
        claim=f"{series.label}: {period_words(spec)} {said} {noun}{within}.",
    )  # fmt: skip


def _month_change_rank(ctx: Context, series: Series, spec: str, side: str, scope: dict, spans) -> Proposal:
    table, column = series.record_source("month")
    scope = dict(scope)
    notes = [scope.pop("caveat", ""), "Each month against the same month a year earlier."]
    params = {"table": table, "column": column, "freq": "month", "period": spec, **scope}
    within = f" of {spec[:4]}" if scope.get("since", "").startswith(spec[:4]) else ""
    what = "the deepest fall" if side == "lowest" else "the largest rise"
    return ctx.proposal(
        "claim", spans, metric="change_rank", params=params, test=f"the {side}", caveat=" ".join(n for n in notes if n),
        period=spec, topic=series.topic, series=series.label, key=series.key,
        claim=f"{series.label}: {period_words(spec)} against a year earlier, {what} of the months{within}.",
    )  # fmt: skip


#: a percentage that is a growth rate: "growth ... was 25.9% in 2021", "el crecimiento fue de 25,9%"
GROWTH = {"en": r"\bgrowth\b", "es": r"\bcrecimiento\b"}


#: "the fourth month in a row above US$5 billion", "el cuarto mes consecutivo por encima de ..."
RUN_ORDINALS = {lang: {fold(word): n for word, n in words.items()} for lang, words in ORDINAL_WORDS.items()}


RUN = {
    "en": r"\b(?P<n>\w+)\s+(?:(?:straight|consecutive)\s+month\b|month\s+(?:in\s+a\s+row|running|straight)\b)"
    r"\s*,?\s*(?:with\s+|at\s+)?$",
    "es": r"\b(?P<n>\w+)\s+mes\s+consecutivo\s*,?\s*(?:con\s+|en\s+)?$",
}


def growth_rate(ctx: Context, fig: Figure, series: Series, spec: str, spans, caveat: str) -> Proposal | None:
    """ "growth was 25.9% in 2021": the change over the year before (a month's, over the same
    month a year earlier), up by the percentage."""
    if not re.search(GROWTH[ctx.lang], fold(ctx.sentence.text[: fig.start]), re.I) or ".." in spec:
        return None
    start = periods.previous(spec)
    if not start:
        return None
    test = f"up {fig.qualifier + ' ' if fig.qualifier else ''}{fig.value:g}%"
    params = {**table_params(series, ctx, fig), "from": start, "to": spec, "measure": "percent"}
    return ctx.proposal(
        "claim", spans, metric="change", params=params, test=test, caveat=caveat, period=spec,
        topic=series.topic, series=series.label, key=series.key,
        claim=f"{series.label}: growth in {period_words(spec)} (against {period_words(start)}), {test}.",
    )  # fmt: skip


def month_run(ctx: Context, fig: Figure, series: Series, spec: str, spans, caveat: str) -> Proposal | None:
    """ "the fourth month in a row above US$5 billion": every month of the run above the level,
    tested on the lowest of them (the highest, for a run below it)."""
    if fig.qualifier not in ("more than", "at least", "fewer than", "at most"):
        return None
    if not re.fullmatch(r"\d{4}-\d\d", spec):
        return None
    text = fold(ctx.sentence.text)
    m = re.search(RUN[ctx.lang], text[max(0, fig.start - 60) : fig.start], re.I)
    n = RUN_ORDINALS[ctx.lang].get(m.group("n").lower()) if m else None
    if n is None:
        return None
    first = periods.shift_months(spec, -(n - 1))
    agg = "min" if fig.qualifier in ("more than", "at least") else "max"
    params = {**table_params(series, ctx, fig), "period": f"{first}..{spec}", "agg": agg}
    before = periods.shift_months(first, -1)
    note = (
        f"'The {ENGLISH_ORDINAL.get(n, f'{n}th')} month in a row': every month from {period_words(first)} to "
        f"{period_words(spec)}, tested on the {'lowest' if agg == 'min' else 'highest'} of them. Check by "
        f"hand that {period_words(before)} was not, for the run to begin where the story says."
    )
    a = max(0, fig.start - 60) + m.start()
    return ctx.proposal(
        "claim", [(a, fig.end), *spans[1:]], metric="value", params=params, test=fig.test,
        caveat=" ".join(c for c in (caveat, note) if c), period=spec,
        topic=series.topic, series=series.label, key=series.key,
        claim=f"{series.label}: every month from {period_words(first)} to {period_words(spec)}, {fig.test}.",
    )  # fmt: skip


#: "the eighth straight month of year-over-year declines", "eight consecutive months of
#: declining remittances", "su octavo mes consecutivo de caídas anuales"
CHANGE_RUN = {
    "en": r"\b(?P<n>\w+)\s+(?:straight|consecutive)\s+months?\s+of\s+(?:(?:year-over-year|year-on-year|annual|yearly)\s+)?"
    r"(?P<noun>declines?|falls?|drops?|decreases?|declining|falling|increases?|rises?|gains?|growth|rising|growing)\b",
    "es": r"\b(?P<n>\w+)\s+mes(?:es)?\s+consecutivos?\s+(?:de|con)\s+(?P<noun>caidas?|bajas?|descensos?|"
    r"disminuciones|aumentos?|alzas?|incrementos?|crecimiento)\b",
}


def change_run(ctx: Context, series: Series) -> list[Proposal]:
    """ "November marked the eighth straight month of year-over-year declines": how many months
    running, to the sentence's month, fell (or rose) against the same month a year earlier."""
    text = fold(ctx.sentence.text)
    m = re.search(CHANGE_RUN[ctx.lang], text, re.I)
    if m is None or not series.available() or first_month(series.table) is None:
        return []
    word = m.group("n").lower()
    n = RUN_ORDINALS[ctx.lang].get(word) or WORD_NUMBERS[ctx.lang].get(word)
    n = n or (int(word) if word.isdigit() else None)
    month = next((p for p in ctx.periods if p.kind == "month" and re.fullmatch(r"\d{4}-\d\d", p.spec)), None)
    month = month or (
        ctx.carry if ctx.carry is not None and re.fullmatch(r"\d{4}-\d\d", ctx.carry.spec) else None
    )
    if not isinstance(n, int) or n < 2 or month is None:
        return []
    falls = fall_or_rise(ctx, m.group("noun")) == "lowest"
    spec = month.spec
    params = {
        "table": series.table, "column": series.column, "period": spec,
        "direction": "fall" if falls else "rise", "consecutive": True,
    }  # fmt: skip
    spans = [(m.start(), m.end())] + ([(month.start, month.end)] if month in ctx.periods else [])
    what = "fell" if falls else "rose"
    return [
        ctx.proposal(
            "claim", spans, metric="change_months", params=params, test=str(n), period=spec,
            topic=series.topic, series=series.label, key=series.key,
            caveat="Each month against the same month a year earlier; the run is counted back from "
            f"{period_words(spec)} for as long as it lasts, so {n} means it began {n} months before.",
            claim=f"{series.label}: {n} months running to {period_words(spec)} {what} against a year earlier.",
        )
    ]  # fmt: skip
