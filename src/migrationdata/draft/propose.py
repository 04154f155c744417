"""From a sentence's figures, periods and names to proposed ledger entries.

Each rule below turns one kind of statement into one metric of the agreed vocabulary
(notes/claims-spec.md): counts and money → ``value``; shares → ``share``; "down 42%" and
"doubled" → ``change``; records → ``rank_in_series``; "the largest group" → ``rank``; closures,
their length and dates → ``closure`` and ``closures_in_window``. What a rule cannot place (no
series, no period, a series the kit does not hold) becomes an *unmapped* item with the reason;
statements no table can settle (motives, politics, quotes) become *not-checkable* entries, only
when the sentence holds no figure and clearly is one.

Vague words get the least they can mean, written down here once so an editor sees the rule:
"thousands" is at least 2,000; a "key" crossing carries at least a quarter of the traffic; a
nationality named without a figure is checked as "among the top three".

Time as the story saw it: a record is ranked among the periods up to the month before the story
ran (``through``), or up to the period itself when the story calls an earlier period the record
it beat; a statement in the present tense with no period ("thousands continue north") is the
month the story ran, or the latest month out then (``latest: true``). A record on a table that
starts after the publisher's measure did (CBP's total encounters begin in FY2020) is proposed as
``on_pass: supported-with-caveat`` with the caveat saying since when; so is a closure "for five
days" that lasted five calendar days but fewer days of elapsed time.

This module reads a sentence and sends each figure to its rule. What the rules share lives in
``context`` (the proposal, the sentence, a series' table); who a figure counts in ``groups``;
what a superlative ranks in ``superlatives``; closures in ``closure_rules``; months listed,
growth rates and runs of months in ``month_rules``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from migrationdata.draft import entities, numbers, periods
from migrationdata.draft.closure_rules import closures
from migrationdata.draft.context import (
    CAVEAT,
    MAIN_KINDS,
    Context,
    Proposal,
    country,
    freq_of,
    group_caveat,
    group_params,
    is_base,
    latest_complete,
    month_before,
    nationwide,
    period_words,
    rank_params,
    table_params,
    unmapped,
)
from migrationdata.draft.entities import Mention, Series, Vocabulary, fold
from migrationdata.draft.groups import change_group, nationality_of, people_of, peoples, region_of, remaining
from migrationdata.draft.month_rules import change_run, growth_rate, month_list, month_run
from migrationdata.draft.numbers import Figure
from migrationdata.draft.periods import Period
from migrationdata.draft.sentences import Sentence
from migrationdata.draft.superlatives import (
    at_the_time,
    change_rank,
    rank_windows,
    ranks_changes,
    ranks_places,
    since_after,
    span_records,
)
from migrationdata.draft.trade_rules import trade_rules

#: a nationality the story names with no figure: background on whether it is a large group
GROUP_CONTEXT_TEST = "among the top three"

NOT_CHECKABLE = {
    # (pattern, reason); the first that matches names the reason
    "en": [
        (r"\bmotivat\w*|\bdriven by\b|\bfleeing\b|\bto escape\b|\bin search of\b|\bbetter (?:life|lives|prospects|future)\b",
         "A motive: the counts record who crossed, not why; that needs surveys (UNHCR, IOM)."),
        (r"\belections?\b|\bcampaign\w*|\bvoters?\b|\bpolls?\b|\bcontender\b|\bcandidates?\b",
         "A political judgement: polling, not border statistics, would measure it."),
        (r"\bundisclosed\b|\bnot disclosed\b|\bconfidential\b|\bsecret\b",
         "Undisclosed content: no published data set records it."),
        (r"[“\"][^”\"]+[”\"]", "A quote: who said what needs its own source, not the kit's data."),
        (r"\b(?:said|says|told|announced?|emphasi[sz]ed|stressed|urg(?:ed|ing)|advocated|highlighted|reiterated|"
         r"acknowledged|expressed|called for|pledged|promised|vowed|insisted|argued)\b",
         "A statement of position: the data sets here do not record what officials said or intend."),
    ],
    "es": [
        (r"\bmotivad\w*|\bimpulsad\w* por\b|\bhuyendo\b|\bpara escapar\b|\ben busca de\b|\bmejor(?:es)? (?:vida|futuro|oportunidades)\b",
         "A motive: the counts record who crossed, not why; that needs surveys (UNHCR, IOM)."),
        (r"\belecci\w+|\bcampaña\w*|\bvotantes\b|\bencuestas?\b|\bcandidat\w+",
         "A political judgement: polling, not border statistics, would measure it."),
        (r"\bno (?:se )?(?:revel|divulg|dio a conocer)\w*|\bconfidencial\w*|\bsecret\w*",
         "Undisclosed content: no published data set records it."),
        (r"[“\"«][^”\"»]+[”\"»]", "A quote: who said what needs its own source, not the kit's data."),
        (r"\b(?:dijo|afirmó|anunció|subrayó|destacó|enfatizó|instó|pidió|reiteró|aseguró|señaló|declaró|insistió|prometió)\b",
         "A statement of position: the data sets here do not record what officials said or intend."),
    ],
}  # fmt: skip

GROUP_RANK = {
    "en": r"\b(?:group|nationality|nationalities|largest number|most numerous)\b",
    "es": r"\b(?:grupo|nacionalidad|nacionalidades|más numeros[oa])\b",
}
#: a whole wider than the two areas the kit keeps of IOM's data (the Darién, the US–Mexico
#: border): "the 1,457 deaths across the Americas", "worldwide"
WIDER = {
    # ("the world's deadliest" qualifies a superlative: ranks_places reads it)
    "en": r"\b(?:the americas|latin america|the (?:western )?hemisphere|the continent|the region|"
    r"worldwide|globally|the world(?!'s)|around the world)\b",
    "es": r"\b(?:las americas|america latina|latinoamerica|el continente|la region|el mundo|"
    r"todo el mundo|a nivel mundial)\b",
}
AREA_WORDS = {"en": r"\bborder\b|\bdarien\b", "es": r"\bfrontera\b|\bdarien\b"}


BASE_BETWEEN = {
    # between a change and the period it is measured from: "14% decrease from February 2025",
    # "94% lower than 4,488 a day in March 2024"
    "en": r"\b(?:from|than|compared (?:with|to)|against|over|on|as (?:in|during|on|for))\b",
    "es": r"\b(?:desde|que|frente(?: al?)?|respecto(?: al?)?|comparad[oa] con|con respecto(?: al?)?|en relación con)\b",
}
#: "superan en un 188,6 % a los 188.858 de 2022": what is surpassed, after "a", is the base
SURPASS = {"en": r"(?:exceed|surpass)\w*", "es": r"super(?:a|o)\w*"}
#: a range read as its two ends when a change is measured over it: "fell by half between
#: December 2023 and January 2024" compares the two months, it does not sum them
ENDPOINTS = {"en": r"(?:from|between)\b", "es": r"(?:de|entre|desde)\b"}
#: a figure after a change that gives the level it reached: "…, to about 124,000"
REACHED = {"en": r"\bto\s+$", "es": r"\b(?:a|hasta)\s+$"}
#: a count that is the whole a share was taken of: "63% of the 520,085 people"
WHOLE = {
    "en": r"\bof(?: the| all| all the)?\s+$",
    "es": r"\b(?:de(?: los| las)?|del total de(?: los| las)?)\s+$",
}
#: CBP's encounters by component and region (cbp_encounters) start in October 2019
NATIONWIDE_HISTORY = "CBP publishes encounters by component and region from FY2020 (October 2019) only."
DAILY = {
    "en": r"\b(?:every day|a day|per day|daily|each day)\b",
    "es": r"\b(?:al día|por día|diari[oa]s?|cada día)\b",
}


#: a daily figure given as a peak, not an average: "se llegaron a reportar a diario 10 mil",
#: "as many as 10,000 a day", "peaked at 10,000 a day" (read in the figure's own words and
#: those before it, back to the figure before)
PEAK = {
    "en": r"\b(?:as many as|up to|peak(?:ed|s|ing)?|at (?:its|their|the) (?:peak|height)|topped out|"
    r"reached as (?:many|high) as|some days|on some days)\b",
    "es": r"\blleg\w*\s+a\b|\bhasta\b|\bpicos?\b|\bpunto maximo\b|\bmomento mas algido\b|\balgunos dias\b",
}
#: ...unless the sentence says it is the average ("en promedio", "on average")
AVERAGE = {
    "en": r"\b(?:on average|an average|averag\w+|mean)\b",
    "es": r"\b(?:en promedio|promedi\w+|de media|media diaria)\b",
}
#: an average per item, not a total: "$408 per transfer", "the $375 average", "la remesa
#: promedio fue de 390 dólares" (the words just after the figure, or before it in its clause)
PER_ITEM = {
    "en": (
        r"^\s*(?:(?:per|a|each|for each)\s+(?:transfers?|transactions?|remittances?|shipments?|operations?)|average)\b",
        r"\baverage\s+(?:remittance|transfer|transaction|amount|sum)s?\b(?:[^.;,]|(?<=\d)[.,](?=\d))*$",
    ),
    "es": (
        r"^\s*(?:de )?(?:dolares\s+)?(?:(?:por|en cada)\s+(?:envio|transferencia|operacion|remesa)|(?:en )?promedio)\b",
        # to the end of the clause (a decimal point is not its end: "disminuyó 2.39%, a 409 dólares")
        r"\b(?:(?:remesa|monto|envio)s? promedios?|promedio (?:por|de cada) (?:envio|remesa|operacion))\b"
        r"(?:[^.;]|(?<=\d)\.(?=\d))*$",
    ),
}
PER_ITEM_REASON = (
    "An average per item ({words!r}), not a total, in a series with no count of items to divide by "
    "(value's per_column divides remittances' dollars by their transfers); check it by hand if the "
    "story rests on it."
)
#: "the monthly average of 155,000 over the past four years": a mean over a span said loosely
AVERAGE_OF = {
    "en": r"\b(?:(?:monthly|yearly|annual)\s+)?average\s+of\s*$",
    "es": r"\bpromedio\s+(?:mensual\s+|anual\s+)?de\s*$",
}
AVERAGE_REASON = (
    "An average ({words!r}) over months or years the sentence gives loosely: map it by hand with value "
    "and agg: mean over the months meant (the average of their monthly totals)."
)
PEOPLE_REASON = (
    "{words!r} counts only some of the people ({who}), and the kit's tables for {series} do not "
    "split men, women, boys and girls. Map it by hand to a table that splits them the way the "
    "story does, if the publisher has one (CBP's split families, single adults and children "
    "travelling alone)."
)
#: what happened to the people counted, when it is not the crossing the tables count: "180
#: children had been abandoned", "300 menores fueron rescatados"
PEOPLE_EVENT = {
    "en": r"^\s+(?:(?:had|have|has)\s+)?(?:(?:been|were|was)\s+)?(?P<what>abandoned|rescued|kidnapped|"
    r"trafficked|separated|killed|found dead|reunited|deported|returned|repatriated)\b",
    "es": r"^\s+(?:(?:habían|han|fueron|eran|son|habrían)\s+)?(?:sido\s+)?(?P<what>abandonad[oa]s|rescatad[oa]s|"
    r"secuestrad[oa]s|separad[oa]s|asesinad[oa]s|hallad[oa]s muert[oa]s|reunificad[oa]s|deportad[oa]s|"
    r"retornad[oa]s|repatriad[oa]s)\b",
}
PEOPLE_EVENT_REASON = (
    "{words!r} counts {who} who were {what!r}: an event the kit's tables do not count (they count "
    "{series}). Check it against the source the story names."
)
DAILY_PEAK_REASON = (
    "A daily peak ({words!r}): the tables give monthly totals, so no single day can be checked. What "
    "they can give is the month's daily average (metric value with per: day), which a peak should be "
    "above; map that by hand if the story rests on it."
)
PART_REASON = (
    "{words!r} names no month: which months does the story mean? The tables count months and years; map "
    "it by hand with the month (or months) the story's other paragraphs give."
)
CHANGE_RANK_REASON = (
    "A rank of changes ({words!r}): among groups (which nationality rose most), or of the smallest "
    "change, which no metric ranks (change_rank ranks a period's change among other periods'). Compare "
    "the groups' changes with change, one entry per group, if the story rests on it."
)
REGION_REASON = (
    "A region ({region}), not a nationality: the kit's tables count nationalities, with no grouping by "
    "continent; sum the region's codes by hand (where: with a list) if the story rests on it."
)


# ------------------------------------------------------------------------------ sentences


def propose(
    sentence: Sentence,
    published: date,
    lang: str,
    vocab: Vocabulary | None = None,
    carry: Period | None = None,
    series_carry: Series | None = None,
    closure_mode: str | None = None,
    mentions: list[Mention] | None = None,
    story_period: Period | None = None,
    listed: dict | None = None,
    carried_words: str | None = None,
    route: str | None = None,
    period_carried: bool = False,
) -> list[Proposal]:
    """Every proposal for one sentence (none for a sentence that states nothing checkable).
    ``carry``: the period the paragraph's sentence before spoke of ("In March ... This is a
    14% decrease from February": the change is March's). ``series_carry``: the series the
    story last named, used (with a caveat saying so) when this sentence names none ("Los
    venezolanos fueron la nacionalidad más numerosa, con 266.000 cruces"). ``closure_mode``: the
    kind of crossing the story last said was closed, for a sentence about a closure that names
    none ("The crossings reopened five days later"). ``mentions``: the sentence's
    :func:`entities.mentions`, where the caller has them already. ``story_period``: the period
    the paragraphs before ended on, the later end of a change measured "than in 2021" in a
    sentence that names no other period (with a caveat saying so). ``listed``: the nationalities
    the story listed with their counts before this sentence, (table, column, by, period) ->
    codes, what "the remaining 54,664" leaves out. ``route``: the key of the series of people
    on the move the story named last (its deaths aside), where the deaths it reports happened.
    ``carried_words``: the word the sentence names its series by when the story reads it as its
    own series ("encounters" in a story about Border Patrol), for the caveat. ``period_carried``:
    the sentence names the story's topic again but no period, and ``carry`` is the story's."""
    vocab = vocab or entities.vocabulary()
    text = sentence.text
    found_periods = periods.find(text, published, lang, carry)
    spotted = numbers.spot(text, lang)
    # "the fewest since 1970": the rank took its "since" into its test; that period is the
    # ranking's start, not a period of the sentence
    ranked_since = [
        p
        for p in found_periods
        if p.kind == "since" and any(_holds(f, p) for f in spotted if f.kind == "rank")
    ]
    found_periods = [p for p in found_periods if p not in ranked_since]
    # a wire story's dateline ("Tegucigalpa, 7 ene (EFE).-") holds neither a claim nor its period
    filed = numbers.dateline_end(text)
    found_periods = [p for p in found_periods if p.start >= filed]
    figures = [
        f
        for f in spotted
        if f.start >= filed and not any(f.start < p.end and p.start < f.end for p in found_periods)
    ]
    if mentions is None:
        mentions = entities.mentions(text, lang, vocab)
    ctx = Context(sentence, lang, published, vocab, figures, found_periods, mentions, carry)
    ctx.closure_mode = closure_mode
    ctx.route = route
    ctx.story_period = story_period
    ctx.period_carried = period_carried
    ctx.listed = listed or {}
    series = entities.main_series(ctx.mentions, vocab)
    if series is None and series_carry is not None and figures:
        series, ctx.series_carried = series_carry, True
    out: list[Proposal] = []
    if series is not None and series.key == "closures":
        out += closures(ctx)
        figures = [f for f in ctx.figures if f.kind != "duration"]  # the closure rules used them
        ctx.figures = figures
        if out and not figures:
            return out
        # figures besides the closure's own belong to what else the sentence names
        others = [m for m in ctx.mentions if not (m.kind == "series" and m.key == "closures")]
        series = entities.main_series(others, vocab)
    if series is not None:
        # months listed each with its own figures ("March (down 3.4%), May and July (down 1%)")
        listed_out, used = month_list(ctx, series)
        out += listed_out
        figures = [f for f in figures if id(f) not in used]
        # "the eighth straight month of year-over-year declines": a run of falls to its month
        runs = change_run(ctx, series)
        out += runs
        if runs:
            within = runs[0].spans[0]
            figures = [f for f in figures if not (within[0] <= f.start and f.end <= within[1])]
    if series is not None and series.key == "trade":
        # other partners' figures, and Mexico's rank among all partners: not in the kit's table
        traded_out, used = trade_rules(ctx, figures)
        out += traded_out
        figures = [f for f in figures if id(f) not in used]
    # "the lowest in nine months": the nine months are the rank's window, not a duration
    figures, spans = span_records(text, figures, lang)  # "a 25-year low"
    ctx.figures = [next((f for f in figures if f.start == g.start), g) for g in ctx.figures]
    ctx.windows = {**rank_windows(text, figures, lang), **spans}
    held = {id(w[2]) for w in ctx.windows.values() if w[2] is not None}
    figures = [f for f in figures if id(f) not in held]
    for fig in figures:
        if fig.kind == "count" and re.match(COUNTRIES[lang], fold(text[fig.end :]), re.IGNORECASE):
            if fig.spelled and not fig.qualifier:
                continue  # "the two countries": a word, not a statistic
            out.append(unmapped(ctx, fig, COUNTRIES_REASON))  # "more than thirty countries"
            continue
        if fig.kind == "count" and fig.spelled:
            continue  # "four centres": a word, not a statistic
        if fig.majority and nationality_of(ctx, fig) is None:
            continue  # "most of them crossed at night": no group to weigh
        out.append(_figure(ctx, fig, series))
        if fig.majority and out[-1].kind == "claim" and out[-1].metric == "share":
            out += [p for p in [_largest(ctx, fig, series, out[-1])] if p is not None]
    if ctx.series_carried:
        note = (
            f"The sentence says only {carried_words!r}: read as {series.label}, the series the story named "
            "last (check it is not CBP's total)."
            if carried_words
            else f"The sentence names no series: read as {series.label}, the one the story named last."
        )
        for p in out:
            if p.kind in ("claim", "context"):
                p.caveat = f"{p.caveat} {note}".strip()
    if not figures and not out:
        out += _context(ctx, series)
    if not out:
        nc = _not_checkable(ctx)
        if nc:
            out.append(nc)
    return out


#: series whose tables hold years only: no months to rank a span of them by
YEARLY_ONLY = ("missing-migrants", "closures")


def span_freq(spec: str) -> str | None:
    """How a run of months is ranked against the same months of other years: ``year`` when it
    lies inside one calendar year (January to June), ``fiscal_year`` when inside one US fiscal
    year only (October to March), None when it runs across both."""
    first, last = spec.split("..")
    if not (re.fullmatch(r"\d{4}-\d\d", first) and re.fullmatch(r"\d{4}-\d\d", last)):
        return None
    a, b = date.fromisoformat(f"{first}-01"), date.fromisoformat(f"{last}-01")
    if a.year == b.year:
        return "year"
    return "fiscal_year" if periods.fiscal_year(a) == periods.fiscal_year(b) else None


def _largest(ctx: Context, fig: Figure, series: Series, share: Proposal) -> Proposal | None:
    """Beside "most of them Venezuelans": were they at least the largest group? A majority the
    data deny may be the plurality the writer meant, and the editor weighs the two (context,
    not a claim). None for a people counted over several codes, which no rank takes as one."""
    group_of = nationality_of(ctx, fig)
    group = group_params(series, group_of.key, ctx.vocab) if group_of is not None else None
    if group is None or isinstance(group[1], list):
        return None
    params, value = group
    params = rank_params({**params, "group": value, "period": share.period}, ctx.vocab)
    who = country(group_of.key, ctx.vocab)
    return ctx.proposal(
        "context", share.spans, metric="rank", params=params, test="the highest", topic=share.topic,
        series=share.series, key=share.key, period=share.period,
        claim=f"{who} the largest nationality in {share.series}, {period_words(share.period)}.",
        caveat="Beside the story's \"most of them\": if they were not a majority, whether they were at "
        "least the largest group.",
    )  # fmt: skip


def _not_checkable(ctx: Context) -> Proposal | None:
    for pattern, reason in NOT_CHECKABLE[ctx.lang]:
        m = re.search(pattern, ctx.sentence.text, re.IGNORECASE)
        if m:
            topic = "Politics" if "political" in reason or "position" in reason else (
                "Motives" if "motive" in reason else "Quotes" if "quote" in reason else "Politics"
            )  # fmt: skip
            return ctx.proposal(
                "not-checkable", [(m.start(), m.end())], topic=topic, reason=reason,
                claim=f"(to paraphrase) the story's {topic.lower().rstrip('s')} statement around {m.group(0)!r}.",
            )  # fmt: skip
    return None


#: a level the sentence's figure is set against, with the period it belongs to: "(queda) por
#: debajo de los 545.043 de 2023", "above the 188,858 of 2022", "(fell) from 2.5 million in 2023"
COMPARED_LEVEL = {
    "en": r"\b(?:below|above|under|than|from|compared (?:with|to)|against)\s+(?:the\s+)?[\d.,]+(?:\s+(?:million|billion|thousand))?"
    r"(?:\s+[a-z]+){0,2}\s+(?:of|in|for|during)\s*$",
    "es": r"\b(?:por debajo|por encima|menos|más|inferior(?:es)?|superior(?:es)?)\s+(?:de|a|que)\s+(?:l[oa]s\s+)?[\d.,]+"
    r"(?:\s+(?:mil(?:lones)?))?(?:\s+[a-záéíóúñ]+){0,2}\s+(?:de|en|del|durante)\s*$",
}


#: a record's "since": "la reducción más grande desde octubre de 2009", "the steepest fall since
#: 2009": the period a record runs from, neither the sentence's own nor a change's base
RECORD_SINCE = {
    "en": r"\b(?:largest|biggest|steepest|sharpest|deepest|worst|lowest|highest|fewest|most)\b[^.;]{0,40}\bsince\s*$",
    "es": r"\b(?:mas grande|mayor|menor|peor|mas profund[oa]|mas (?:alt|baj)[oa]|mas significativ[oa])\b"
    r"[^.;]{0,40}\bdesde\s*$",
}


def record_since(sentence: str, p: Period, lang: str) -> bool:
    return bool(re.search(RECORD_SINCE[lang], fold(sentence[max(0, p.start - 60) : p.start]), re.IGNORECASE))


#: the words that make a period the level another is compared with: "more than in March",
#: "más que en marzo" (a Spanish period takes its "que" in: "que en marzo")
COMPARED_WITH = {
    "en": r"\b(?:more|fewer|less|higher|lower)\s+than\s+(?:in\s+|during\s+)?$",
    "es": r"\b(?:mas|menos|mayor|menor)\s+(?:que\s+)?(?:en\s+|durante\s+)?$",
}


def compared_with(sentence: str, p: Period, lang: str) -> bool:
    """Is the period what a figure is said to be more or fewer than ("8,725, more than in
    March", "más que en marzo")? Not a change's base ("up from 8,383 in April"): those are
    the base's own figures."""
    return bool(re.search(COMPARED_WITH[lang], fold(sentence[max(0, p.start - 30) : p.start]), re.IGNORECASE))


def main_period(sentence: str, published: date, lang: str) -> Period | None:
    """The first year, fiscal year, month or range a sentence names (what the next sentence
    of its paragraph may go on speaking of), leaving out the periods of the levels the sentence
    compares its figure with: "La cifra queda por debajo de los 545.043 de 2023" speaks of the
    figure before (the story's year), not of 2023."""
    for p in periods.find(sentence, published, lang):
        before = fold(sentence[max(0, p.start - 60) : p.start])
        if (
            p.kind in MAIN_KINDS
            and not re.search(COMPARED_LEVEL[lang], before, re.IGNORECASE)
            # "son mil 541 más que en marzo": March is what the story's month is set against
            and not compared_with(sentence, p, lang)
            and not record_since(sentence, p, lang)
        ):
            return p
    return None


def _distance(p: Period, fig: Figure) -> int:
    return p.start - fig.end if p.start >= fig.end else fig.start - p.end


def _nearest(candidates: list[Period], fig: Figure, figures: list[Figure] = ()) -> Period | None:
    """The period closest to the figure (the earlier on a tie): "In March 2025, USBP apprehended
    7,181 ... from February 2025 when USBP apprehended 8,346" gives each count its own month.
    A period with another figure between it and this one belongs to that figure first."""

    def between(p: Period) -> bool:
        lo, hi = (p.end, fig.start) if p.end <= fig.start else (fig.end, p.start)
        return any(lo <= f.start and f.end <= hi for f in figures if f is not fig)

    def claimed(p: Period) -> bool:
        # "En enero fueron 5 mil 544 y en febrero 7 mil 35": February is nearer its own figure
        return any(
            f is not fig and f.kind == fig.kind and _distance(p, f) < _distance(p, fig) for f in figures
        )

    return min(
        candidates,
        key=lambda p: (between(p), claimed(p), _distance(p, fig), p.start > fig.start),
        default=None,
    )


def _base_of(ctx: Context, fig: Figure) -> Period | None:
    """The period a change is measured from: the first named after it with "from", "than" or
    "compared with" in between, before the sentence's next change."""
    text = ctx.sentence.text
    stop = min(
        (f.start for f in ctx.figures if f.kind in ("change", "multiple") and f.start > fig.start),
        default=len(text),
    )
    surpassed = re.match(SURPASS[ctx.lang], fold(fig.text), re.IGNORECASE)
    # "ocho veces los 6 mil 672 de 2022", "eight times the 6,672 of 2022": what it is a multiple of
    times = fig.kind == "multiple" and re.search(r"(?:times|veces|doble|triple)$", fig.text, re.IGNORECASE)
    # "twice the number of such encounters in the whole of 2023": the number it is twice of
    # is the next period's, within the clause
    twice_the = fig.kind == "multiple" and re.search(r"\bthe$", fig.text, re.IGNORECASE)
    for p in ctx.periods:
        if p.kind in MAIN_KINDS and fig.end <= p.start < stop and not record_since(text, p, ctx.lang):
            between = fold(text[fig.end : p.start])
            if (
                re.search(BASE_BETWEEN[ctx.lang], between, re.IGNORECASE)
                # a period that takes its "from" in: "down 34% from June"
                or re.match(BASE_BETWEEN[ctx.lang], fold(p.text), re.IGNORECASE)
                or (surpassed and re.match(r"\s+al?\b", between, re.IGNORECASE))
                or (times and re.match(r"\s+(?:the|l[oa]s?|el|de l[oa]s|del)\b", between, re.IGNORECASE))
                or (twice_the and not re.search(r"[.;:,]", between))
            ):
                return p
    return None


#: a period said as the same span a year before: "the same month last year", "el mismo periodo de 2023"
SAME_SPAN = {
    "en": r"\bsame (?:month|period|quarter|time|months|week)\b",
    "es": r"\bmism[oa]s? (?:mes|meses|periodo|lapso|trimestre|semana)\b",
}
#: ...a year before: "the same month last year", "el mismo mes del año pasado"
YEAR_BEFORE = {
    "en": r"\b(?:last year|a year (?:earlier|before|ago)|the year before|the previous year)\b",
    "es": r"\b(?:(?:del |el )?ano (?:pasado|anterior)|un ano antes)\b",
}
#: a period the next words say a change happened in: "in 2023, when they rose 77% from 2022"
WHEN_AFTER = {
    "en": r"\s*,?\s*(?:when|in which)\b[^.;:]*",
    "es": r"\s*,?\s*(?:cuando|en (?:el )?que)\b[^.;:]*",
}


def _when_of(ctx: Context, fig: Figure) -> Period | None:
    """The period just before a change that the sentence says it happened in ("2023, when they
    rose 77% from 2022"), even where it is another figure's base; not one whose "when" clause
    gives a figure of its own ("from November 2023 when agents apprehended 191,000, and a 30%
    increase ...")."""
    text = ctx.sentence.text
    before = [p for p in ctx.periods if p.kind in MAIN_KINDS and p.end <= fig.start]
    for p in reversed(before):
        if any(p.end <= f.start and f.end <= fig.start for f in ctx.figures if f is not fig):
            return None
        if re.fullmatch(WHEN_AFTER[ctx.lang], fold(text[p.end : fig.start]), re.IGNORECASE):
            return p
    return None


def _later(p: Period, than: Period) -> bool:
    """Does ``p`` begin after ``than`` ends (2022 after 2021)?"""
    a, b = periods.month_span(p.spec), periods.month_span(than.spec)
    return a is not None and b is not None and a[0] > b[1]


def _holds(fig: Figure, period: Period) -> bool:
    return fig.start <= period.start and period.end <= fig.end


def _ends(ctx: Context, period: Period | None) -> bool:
    """A two-month range named by its ends ("between December 2023 and January 2024")."""
    return (
        period is not None
        and period.kind == "range"
        and not period.by_days  # "from 1 January to 30 June" is the whole span
        and bool(re.match(ENDPOINTS[ctx.lang], period.text, re.IGNORECASE))
        and period.spec.count("..") == 1
    )


def _follows(ctx: Context, fig: Figure, words: dict, kinds: tuple[str, ...]) -> bool:
    """The figure follows ``words`` ("to", "of the") and a figure of ``kinds`` earlier in the
    sentence."""
    before = ctx.sentence.text[max(0, fig.start - 20) : fig.start]
    return bool(re.search(words[ctx.lang], before, re.IGNORECASE)) and any(
        f.kind in kinds and f.end <= fig.start for f in ctx.figures
    )


#: a count of countries, not of people: "más de treinta países"
COUNTRIES = {
    "en": r"\s+(?:other\s+|different\s+)?(?:countries|nationalities|nations)\b",
    "es": r"\s+(?:otros\s+|distintos\s+|diferentes\s+)?(?:paises|nacionalidades|naciones)\b",
}
COUNTRIES_REASON = (
    "A number of countries (nationalities), not of people: no metric counts the distinct "
    "nationalities in a table; count them by hand if the story rests on it."
)


def _future(ctx: Context) -> Period | None:
    return next((p for p in ctx.periods if p.kind == "future"), None)


def _after(ctx: Context, fig: Figure, kind: str, within: int = 40) -> Period | None:
    """A period of ``kind`` named right after a figure ("the record from the previous year")."""
    for p in ctx.periods:
        if p.kind == kind and 0 <= p.start - fig.end <= within:
            return p
    return None


def _wider_whole(ctx: Context, fig: Figure) -> str | None:
    """For IOM's deaths: the wider whole a figure counts ("the 1,457 deaths across the
    Americas", "worldwide"): named in the figure's own clause (up to the next figure or comma),
    or anywhere in a sentence that names neither of the kit's two areas."""
    text = fold(ctx.sentence.text)  # same length: offsets hold in the sentence
    wider, area = re.compile(WIDER[ctx.lang], re.I), re.compile(AREA_WORDS[ctx.lang], re.I)
    stop = min((f.start for f in ctx.figures if f.start > fig.end), default=len(text))
    comma = re.search(r"[,;]", text[fig.end : stop])
    stop = fig.end + comma.start() if comma else stop
    m = wider.search(text, fig.end, stop)
    if m is None and area.search(text, fig.end, stop):
        return None
    if m is None and not area.search(text):
        m = wider.search(text)
    return ctx.sentence.text[m.start() : m.end()] if m else None


def _daily_peak(ctx: Context, fig: Figure) -> str | None:
    """The words that make a daily figure a peak ("se llegaron a reportar a diario"), or None."""
    text = fold(ctx.sentence.text)
    if re.search(AVERAGE[ctx.lang], text, re.I):
        return None
    daily = re.search(fold(DAILY[ctx.lang]), text, re.I)
    if daily is None:
        return None
    start = max((f.end for f in ctx.figures if f.end <= fig.start), default=0)
    peak = None
    for m in re.finditer(PEAK[ctx.lang], text[start : fig.end], re.I):
        peak = m
    if peak is None:
        return None
    a, b = sorted((start + peak.start(), daily.start()))
    words = ctx.sentence.text[a : max(start + peak.end(), daily.end())]
    return words if len(words) <= 60 else ctx.sentence.text[start + peak.start() : start + peak.end()]


def _rank_words(test: str) -> str:
    """A rank's test in the claim's words: "the highest" -> "was the highest", "among the five
    lowest" -> "was among the five lowest"."""
    return f"was {test}" if test.startswith("among") else test.replace("the ", "was the ")


def _figure(ctx: Context, fig: Figure, series: Series | None) -> Proposal:
    changes = ranks_changes(ctx, fig) if fig.kind == "rank" else None
    if changes and (fig.value != 1 or ctx.of_kind("nationality")):
        # which group rose most, or the smallest rise: no metric ranks those
        return unmapped(ctx, fig, CHANGE_RANK_REASON.format(words=changes))
    region = region_of(ctx, fig)
    if region is not None:
        return unmapped(ctx, fig, REGION_REASON.format(region=region))
    if series is None:
        named = ", ".join(sorted({m.text for m in ctx.mentions})) or "nothing the kit has a name for"
        return unmapped(ctx, fig, f"No series for what this figure counts (the sentence names {named}).")
    if not series.available():
        where = "data/closures.csv" if series.table == "closures" else f"data/processed/{series.table}.csv"
        return unmapped(ctx, fig, f"The kit holds no table for {series.label} yet (expected {where}).")
    if series.key == "closures":
        return unmapped(
            ctx, fig, "A figure about closures the closure rules do not read (only lengths and dates)."
        )
    if series.key == "crossings" and not ctx.of_kind("measure"):
        return unmapped(
            ctx, fig, "Crossings of what? Name the traffic (trucks, trains, pedestrians, vehicles)."
        )
    if series.key == "missing-migrants":
        wider = _wider_whole(ctx, fig)
        if wider:
            return unmapped(
                ctx, fig, f"Counts {wider!r}: the kit keeps IOM's figures for two areas only, the Darién "
                "and the US–Mexico border (data/processed/missing_migrants_annual.csv).",
            )  # fmt: skip
    if fig.kind == "rank":
        places = ranks_places(ctx, fig)
        if places:
            return unmapped(
                ctx, fig, f"Ranks places ({places!r}), not periods: rank_in_series compares a series' own "
                "months or years. Where a table holds those places, map it by hand with metric rank and "
                "`by`; the kit has no table of the world's routes or borders.",
            )  # fmt: skip
    # "264 per day", "4,488 a day on average": the daily average over the period
    daily = bool(re.search(DAILY[ctx.lang], ctx.sentence.text, re.I))
    peak = _daily_peak(ctx, fig) if daily and fig.kind in ("count", "change", "multiple", "vague") else None
    if peak:
        return unmapped(ctx, fig, DAILY_PEAK_REASON.format(words=peak))
    if (
        fig.kind in ("money", "count")
        and not daily
        and re.search(AVERAGE_OF[ctx.lang], fold(ctx.sentence.text[max(0, fig.start - 40) : fig.start]), re.I)
    ):
        return unmapped(ctx, fig, AVERAGE_REASON.format(words=fig.text))
    per_item = None
    if fig.kind in ("money", "count"):
        folded = fold(ctx.sentence.text)
        after, before = PER_ITEM[ctx.lang]
        if re.match(after, folded[fig.end :], re.I) or re.search(
            before, folded[max(0, fig.start - 80) : fig.start], re.I
        ):
            per_item = (series.per_item or None) if fig.kind == "money" else None
            if per_item is None:
                return unmapped(ctx, fig, PER_ITEM_REASON.format(words=fig.text))
    elif fig.kind in ("change", "multiple") and _average_changed(ctx, fig):
        # "la remesa promedio disminuyó 2.39%": the average per transfer changed, not the total
        per_item = series.per_item or None
        if per_item is None:
            return unmapped(ctx, fig, PER_ITEM_REASON.format(words=fig.text))
    # a count before a change is not in the period the change is measured from: "con 222 mil
    # 994, un 131,8% más que en 2022" is the later year's
    bases = (
        set()
        if fig.kind in ("change", "multiple")
        else {
            id(b)
            for f in ctx.figures
            if f.kind in ("change", "multiple") and f.start >= fig.end
            for b in [_base_of(ctx, f)]
            if b is not None
        }
    )
    # a record's "since" is not the figure's period ("bajó 14.3%, la reducción más grande desde
    # octubre de 2009"), except for the record itself
    when = _when_of(ctx, fig)
    own = [
        p
        for p in ctx.periods
        if p.kind in MAIN_KINDS
        and id(p) not in bases
        and (fig.kind == "rank" or p is when or not record_since(ctx.sentence.text, p, ctx.lang))
    ]
    # "8,725 migrants in May, more than in March": March is what May is compared with
    if fig.kind in ("count", "money"):
        own = [p for p in own if not compared_with(ctx.sentence.text, p, ctx.lang)] or own
    main = _nearest(own, fig, ctx.figures)
    # a span of days the tables cannot hold is the figure's own period, not the one before
    spans_days = any(p.kind == "days" for p in ctx.periods)
    before_base = main is None and bool(bases) and ctx.carry is not None and not spans_days
    if before_base:
        main = ctx.carry
    if fig.kind == "rank":
        # "a record 301,981 in December": the record is the figure it stands before, in its period
        held = next(
            (g for g in ctx.figures if g.kind in ("count", "money") and 0 <= g.start - fig.end <= 4), None
        )
        if held is not None:
            main = _nearest([p for p in ctx.periods if p.kind in MAIN_KINDS], held, ctx.figures) or main
    part = next((p for p in ctx.periods if p.kind == "part"), None)
    if main is None and part is not None:
        return unmapped(ctx, fig, PART_REASON.format(words=part.text))
    days = next((p for p in ctx.periods if p.kind == "days"), None)
    if main is None and days is not None:
        return unmapped(
            ctx, fig, f"A span of days ({days.text!r}) that is not whole months: the tables count "
            "months, so no period holds it.",
        )  # fmt: skip
    if main is None and (ctx.series_carried or ctx.period_carried) and not spans_days:
        main = ctx.carry  # what the story last spoke of, the period with the series
    if main is None and _future(ctx) is not None and fig.kind != "rank":
        return unmapped(ctx, fig, f"Speaks of the future ({_future(ctx).text!r}): no data yet.")
    spans = [(fig.start, fig.end)]
    if main is not None and main in ctx.periods:  # a carried period is another sentence's words
        spans.append((main.start, main.end))
    label = series.label
    if nationwide(ctx, series):
        label = label.replace(" at the Southwest border", "").replace("at the Southwest border", "")
        label += ", nationwide (every border)"
    base = dict(topic=series.topic, series=label, key=series.key)
    nationality = ctx.of_kind("nationality")

    if changes:
        return change_rank(ctx, fig, series, main, spans, base, changes)
    if fig.kind == "rank":
        previous_period = _after(ctx, fig, "previous")
        if re.search(GROUP_RANK[ctx.lang], ctx.sentence.text, re.IGNORECASE) and nationality:
            group = group_params(series, nationality[0].key, ctx.vocab)
            spec = main.spec if main else latest_complete(series.freq, ctx.published)
            if group is None:
                return unmapped(
                    ctx, fig, f"{base['series']} has no figures by nationality for {nationality[0].text}."
                )
            params, value = group
            params = rank_params({**params, "group": value, "period": spec}, ctx.vocab)
            who = country(nationality[0].key, ctx.vocab)
            return ctx.proposal(
                "claim", spans + [(nationality[0].start, nationality[0].end)], metric="rank", params=params,
                test=fig.test, caveat=fig.rule, claim=f"{who}: {fig.test} among nationalities, {base['series']}, {period_words(spec)}.",
                period=spec, **base,
            )  # fmt: skip
        window = ctx.windows.get(id(fig))
        carried_window = (
            main is None
            and window is not None
            and ctx.carry is not None
            and freq_of(ctx.carry.spec, "") == window[1]
        )
        if carried_window:  # "It was the lowest in nine months": the month the sentence before named
            main = ctx.carry
        beaten = previous_period is not None and main is not None
        if beaten:  # "doubling the record from the previous year": that year was the record then
            spec = periods.previous(main.spec)
            spans.append((previous_period.start, previous_period.end))
        elif main is not None:
            spec = main.spec
        elif window is not None and window[1] == "year" and entities.first_month(series.table):
            # "cayó a su nivel más bajo en dos años", no period named: the latest month's level,
            # among the months of those years
            spec = latest_complete("month", ctx.published)
        else:
            spec = latest_complete(series.freq, ctx.published)
        spanned = ".." in spec
        if spanned:
            # "the highest first half on record": those months of each year ranked against each
            # other, from the series' monthly table
            freq = span_freq(spec)
            if freq is None or series.key in YEARLY_ONLY:
                return unmapped(
                    ctx, fig, f"A record over {period_words(spec)}: the engine ranks months, years, "
                    "fiscal years and the same months of each year or fiscal year"
                    + (f"; {base['series']} is yearly." if series.key in YEARLY_ONLY else
                       ", not spans that run across years."),
                )  # fmt: skip
            params = {**table_params(series, ctx, fig), "freq": freq, "period": spec}
            began = entities.first_month(params["table"])
            since_year = re.search(r"\bsince (\d{4})\b", fig.test)
            if began and since_year and int(since_year.group(1)) < int(began[:4]):
                return unmapped(
                    ctx, fig, f"{fig.test.capitalize()}: the months of {params['table']} begin in "
                    f"{period_words(began)}, so those months of earlier years are checked by hand.",
                )  # fmt: skip
        else:
            freq, began = freq_of(spec, series.freq), None
            table, column = series.record_source(freq)
            params = {"table": table, "column": column, "freq": freq, "period": spec}
        if series.key == "missing-migrants":  # one area's years, never the two areas added up
            params = {**table_params(series, ctx, fig), "freq": freq, "period": spec}
        history = series.history_caveat(freq)
        span_note = ""
        if spanned and began and not history:
            if series.record_source(freq)[0] != params["table"]:
                # Darién: whole years from 2010 (the yearly table), months from 2020 only
                history = (
                    f"those months are ranked in each year of {params['table']}, which begins in "
                    f"{period_words(began)}; the series' yearly records go back further."
                )
            else:
                span_note = (
                    f"Those months ranked in each year of {params['table']}, from {period_words(began)}."
                )
        if nationwide(ctx, series):
            params = {**table_params(series, ctx, fig), "freq": freq, "period": spec}
            history = NATIONWIDE_HISTORY
        since = next((p for p in ctx.periods if p.kind == "since"), None)
        if since is not None:
            params["since"] = since.spec
            spans.append((since.start, since.end))
        # the record as the story could know it: periods up to the one it beat, or up to the
        # month before it ran (later data are another story); "a record at the time", "then a
        # record": up to the period itself
        then = at_the_time(ctx, fig)
        params["through"] = spec if beaten or then else month_before(ctx.published)
        if window is not None and window[1] == freq and freq in ("month", "year"):
            # "the lowest in nine months": among the nine months ending with it
            n, _, _, end = window
            params["since"] = (
                periods.shift_months(spec, -(n - 1)) if freq == "month" else str(int(spec[:4]) - n + 1)
            )
            params["through"] = spec
            spans.append((fig.end, end))
        elif window is not None and window[1] == "year" and freq == "month":
            # "a 25-year low" said of a month: among the months of the 25 years ending with it
            n, _, _, end = window
            params["since"] = periods.shift_months(spec, -(12 * n - 1))
            params["through"] = spec
            if end > fig.end:
                spans.append((fig.end, end))
        notes = (
            [] if main else [f"No period named: read as the latest complete {freq.replace('_', ' ')} then."]
        )
        test, also = fig.test, []
        if window is None and not beaten and not then:
            # "the lowest since 1970": from FY1971, and FY1970 lower still
            said = re.fullmatch(r"the (lowest|highest)(?: since ((?:19|20)\d\d))?", fig.test)
            if said is not None:
                named = said.group(2) or params.get("since")
                after, also, note = since_after(
                    ctx, named, params, spec, freq, said.group(1), "rank_in_series"
                )
                if after:  # else the test keeps its own "since"
                    params["since"], test = after, f"the {said.group(1)}"
                    notes.append(note)
        if fig.rule:
            notes.append(fig.rule)
        if history:
            notes.append(f"'Record' can only mean since the table began: {history}")
        if span_note:
            notes.append(span_note)
        if carried_window and not ctx.series_carried:
            notes.append(f"{period_words(spec)}: the period of the sentence before.")
        proposal = ctx.proposal(
            "claim", spans, metric="rank_in_series", params=params, test=test, caveat=" ".join(notes),
            on_pass=CAVEAT if history else "",
            claim=f"{base['series']}: {period_words(spec)} {_rank_words(fig.test)} "
            + (
                f"for those months of any {freq.replace('_', ' ')}."
                if spanned
                else f"{freq.replace('_', ' ')}{'s' if fig.test.startswith('among') else ''}."
            ),
            period=spec, **base,
        )  # fmt: skip
        proposal.also = also
        return proposal

    based = _base_of(ctx, fig) if fig.kind in ("multiple", "change") else None
    level = _level_before(ctx, fig) if based is None and fig.kind in ("multiple", "change") else None
    based = based or level
    if based is not None:
        # measured from a named period, to the sentence's other period or the one before it
        bases = {
            id(b)
            for f in ctx.figures
            if f.kind in ("multiple", "change")  # "222,994 migrants from Venezuela in 2023": no base
            for b in [_base_of(ctx, f) or _level_before(ctx, f)]
            if b is not None
        }
        # "the same month last year" is always what something is compared with, never the later side
        others = [
            p
            for p in ctx.periods
            if p.kind in MAIN_KINDS
            and id(p) not in bases
            and not re.search(SAME_SPAN[ctx.lang], fold(p.text), re.I)
        ]
        if when is not None and when is not based:
            others = [when]
        target = _nearest(others, fig, ctx.figures) or ctx.carry
        # the story's period, carried because the sentence names only the base
        carried_far = ctx.period_carried and target is ctx.carry and target not in others
        if target is None and ctx.story_period is not None and _later(ctx.story_period, based):
            target, carried_far = ctx.story_period, True  # "The toll was 8% lower than in 2021"
        if target is None:
            return unmapped(
                ctx, fig, f"A change from {period_words(based.spec)} to when? No later period named."
            )
        spans = [(fig.start, fig.end), (based.start, based.end)]
        if target in others:
            spans.append((target.start, target.end))
        from_spec = based.spec
        if re.search(SAME_SPAN[ctx.lang], fold(based.text), re.I) and re.search(
            YEAR_BEFORE[ctx.lang], fold(based.text), re.I
        ):
            # "the same month last year" is the later side's month, a year before (not the
            # month the sentence named last: "In July ... down 34% from June and less than half
            # the number who crossed in the same month last year" is July 2023)
            from_spec = periods.shift_years(target.spec, -1) or based.spec
        based = replace(based, spec=from_spec)
        params = {**table_params(series, ctx, fig), "from": based.spec, "to": target.spec}
        label = base["series"]
        group = change_group(ctx, fig, series)
        if group is not None:
            params = {**group[0], "from": based.spec, "to": target.spec}
            spans.append((group[1].start, group[1].end))
            label = f"{country(group[1].key, ctx.vocab)} in {label}"
        label += _measured(params, fig, daily, per_item)
        caveat = (
            ""
            if target in others
            else f"{period_words(target.spec)}: the period the story last named (this sentence names "
            "only the one it is measured from)."
            if carried_far
            else f"{period_words(target.spec)}: the period of the sentence before."
        )
        if level is not None and target not in others:
            caveat = (
                f"{period_words(target.spec)}: the period the story spoke of, measured from the level "
                f"this sentence gives for {period_words(based.spec)}."
            )
        return ctx.proposal(
            "claim", spans, metric="change", params=params, test=fig.test, caveat=caveat,
            claim=f"{label}{', daily average' if daily else ''}: {period_words(target.spec)} against "
                  f"{period_words(based.spec)}, {fig.test}.",
            period=target.spec, **base,
        )  # fmt: skip

    difference = _difference(ctx, fig, series, spans, base)
    if difference is not None:
        return difference

    latest = False
    if main is None:
        if fig.kind == "vague":
            # "thousands continue north": the situation when the story ran, i.e. its month, or
            # the latest month out by then
            spec = f"{ctx.published.year}-{ctx.published.month:02d}"
            caveat = "No period named: read as the month the story ran (the latest month out then, if not yet published)."
            latest = True
        else:
            return unmapped(ctx, fig, "Period ambiguous: the sentence names no year, month or relative time.")
    else:
        spec, caveat = main.spec, ""
        if before_base:
            caveat = (
                f"{period_words(spec)}: the period of the sentence before (this sentence names only the "
                "one the change after the figure is measured from)."
            )
        if (
            _ends(ctx, main)
            and fig.kind in ("count", "money")
            and _follows(ctx, fig, REACHED, kinds=("change", "multiple"))
        ):
            spec = main.spec.split("..")[1]  # "fell by half between December and January, to 124,000"

    if fig.kind in ("multiple", "change"):
        prev = _after(ctx, fig, "previous", within=60) or next(
            (p for p in ctx.periods if p.kind == "previous"), None
        )
        # two periods of one kind: the one after "from"/"than"/"compared with" is the base
        pair = [p for p in ctx.periods if p.kind == main.kind] if main else []
        start = periods.previous(spec)
        if len(pair) >= 2:
            based = [p for p in pair if is_base(ctx, p)]
            base_period = based[0] if based else pair[0]  # "from 2022 to 2023": the first
            target = next(p for p in pair if p is not base_period)
            start, spec = base_period.spec, target.spec
            spans.append((base_period.start, base_period.end))
        elif _ends(ctx, main) and prev is None:
            # "de enero a junio ..., 5.59% menos que un año antes": the span against a year before
            start, spec = main.spec.split("..")
        if prev is not None:
            spans.append((prev.start, prev.end))
        params = {**table_params(series, ctx, fig), "from": start, "to": spec}
        label = base["series"]
        group = change_group(ctx, fig, series)
        if group is not None:
            params = {**group[0], "from": start, "to": spec}
            spans.append((group[1].start, group[1].end))
            label = f"{country(group[1].key, ctx.vocab)} in {label}"
        label += _measured(params, fig, daily, per_item)
        return ctx.proposal(
            "claim", spans, metric="change", params=params, test=fig.test, caveat=caveat,
            claim=f"{label}: {period_words(spec)} against {period_words(start)}, {fig.test}.",
            period=spec, **base,
        )  # fmt: skip

    if fig.kind == "percent":
        # men, women or children named beside it come before a people named elsewhere in the
        # sentence ("Venezuelans made up 69%, and about one in five were children")
        people = None if peoples(ctx, fig) else people_of(ctx, fig)
        if people is not None:
            return _unmapped_people(ctx, fig, series, people, base) or _people_share(
                ctx, fig, series, people, spec, spans, caveat, base
            )
        group_of = nationality_of(ctx, fig)
        growth = growth_rate(ctx, fig, series, spec, spans, caveat) if group_of is None else None
        if growth is not None:
            return growth
        if group_of is None and series.key == "crossings":
            port = _port_share(ctx, fig, series, spec, spans, caveat, base)
            if port is not None:
                return port
        if group_of is None:
            return unmapped(ctx, fig, "A share of what? The sentence names no group (nationality) to divide.")
        group = group_params(series, group_of.key, ctx.vocab)
        if group is None:
            return unmapped(ctx, fig, f"{base['series']} has no figures by nationality for {group_of.text}.")
        params, value = group
        by = params.pop("by")
        where = dict(params.pop("where", {}))
        params.update(where={**where, by: value}, period=spec)
        if where:
            params["of"] = where
        who = country(group_of.key, ctx.vocab)
        caveat = " ".join(c for c in (caveat, group_caveat(series, group_of.key, ctx.vocab), fig.rule) if c)
        return ctx.proposal(
            "claim", spans + [(group_of.start, group_of.end)], metric="share", params=params,
            test=fig.test, caveat=caveat, period=spec, tolerance=f"{fig.room:g}" if fig.room else "",
            claim=f"{who}'s share of {base['series']}, {period_words(spec)}: {fig.test}.", **base,
        )  # fmt: skip

    if fig.kind == "duration":
        return unmapped(ctx, fig, f"A duration ({fig.text}) about {base['series']}: no rule measures it.")
    if fig.kind == "money" and not series.column.endswith("usd"):
        return unmapped(ctx, fig, f"An amount of money, but {base['series']} counts people.")
    params = {**table_params(series, ctx, fig), "period": spec}
    # "63% of the 520,085 people": the whole the share was taken of, not the group's count
    whole = _follows(ctx, fig, WHOLE, kinds=("percent",))
    group_of = None if whole else nationality_of(ctx, fig)
    if group_of is None and not whole:
        # "ocho veces los 10 mil de 2022": what a people's change is measured from is theirs too
        changed = [f for f in ctx.figures if f.kind in ("change", "multiple") and f.end <= fig.start]
        of_change = change_group(ctx, changed[-1], series) if changed else None
        group_of = of_change[1] if of_change else None
    # "24.411 niños": the people counted, when no nationality is named beside the figure
    people = None if whole or peoples(ctx, fig) else people_of(ctx, fig)
    if people is not None:
        group_of = None
        left = _unmapped_people(ctx, fig, series, people, base)
        if left is not None:
            return left
    group_listed: tuple = ()  # (table, column, by, value) of the nationality counted
    listed = remaining(ctx, fig, series, spec)
    if listed is not None and group_of is None:
        # "the remaining 54,664": the rest after the groups the story listed with their figures
        if not listed:
            return unmapped(
                ctx, fig, "The remaining after which groups? The story lists no nationalities with "
                f"figures for {base['series']}, {period_words(spec)}, before it.",
            )  # fmt: skip
        (table, column, by), codes = listed
        params = {"table": table, "column": column, "exclude": {by: codes}, "period": spec}
        caveat = " ".join(
            c
            for c in (
                caveat,
                f"The rest after the nationalities the story listed before it ({', '.join(codes)}).",
            )
            if c
        )
    elif group_of is not None:
        group = group_params(series, group_of.key, ctx.vocab)
        if group is not None:
            gp, value = group
            params = {
                "table": gp["table"],
                "column": gp["column"],
                "where": {**gp.get("where", {}), gp["by"]: value},
                "period": spec,
            }
            spans.append((group_of.start, group_of.end))
            caveat = " ".join(c for c in (caveat, group_caveat(series, group_of.key, ctx.vocab)) if c)
            group_listed = (gp["table"], gp["column"], gp["by"], value)
    elif people is not None:
        params = {**_people_params(series, people), "period": spec}
        spans.append((people.start, people.end))
        caveat = " ".join(c for c in (caveat, entities.PEOPLE_ROWS[series.demographics][2]) if c)
    if not group_listed and not listed and not latest and not daily and not per_item and people is None:
        run = month_run(ctx, fig, series, spec, spans, caveat)
        if run is not None:
            return run
    if latest:
        params["latest"] = True
    if daily:
        params["per"] = "day"
    said = fig.test if people is None else f"{fig.test} {entities.PEOPLE_WORDS[people.key]}"
    if per_item:
        params["per_column"] = per_item
        said = f"{fig.test} per transfer on average"
        caveat = " ".join(
            c for c in (caveat, f"An average per transfer: {params['column']} over {per_item}.") if c
        )
    exact = fig.kind == "count" and not fig.qualifier and not daily
    proposal = ctx.proposal(
        "claim", spans, metric="value", params=params, test=fig.test, caveat=caveat, period=spec,
        printed=fig.value if exact else None,
        claim=f"{base['series']}, {period_words(spec)}: {said}.", **base,
    )  # fmt: skip
    proposal.group = group_listed
    return proposal


def _measured(params: dict, fig: Figure, daily: bool, per_item: str | None) -> str:
    """Set how a change is measured (a ratio for "doubled", else percent; daily averages; the
    average per transfer) and return what the claim's label adds for it."""
    params["measure"] = "ratio" if fig.kind == "multiple" else "percent"
    if daily:
        params["per"] = "day"
    if per_item:
        params["per_column"] = per_item
        return ", average per transfer"
    return ""


def _port_share(
    ctx: Context, fig: Figure, series: Series, spec: str, spans: list, caveat: str, base: dict
) -> Proposal | None:
    """One port's share of a kind of crossing along the border ("Laredo handled 51% of all truck
    crossings from Mexico"): the port's crossings over every port's, of the kind the sentence
    names. None when it names no single port, or no kind of crossing to divide."""
    ports = {m.key: m for m in ctx.of_kind("port")}
    measures = ctx.of_kind("measure")
    if len(ports) != 1 or not measures:
        return None
    (port,) = ports.values()
    params = table_params(series, ctx, fig)
    where = params.pop("where", {})
    params.update(where=where, of={k: v for k, v in where.items() if k != "port"}, period=spec)
    spans = [*spans, (port.start, port.end), (measures[0].start, measures[0].end)]
    return ctx.proposal(
        "claim", spans, metric="share", params=params, test=fig.test, caveat=caveat, period=spec,
        claim=f"{port.key}'s share of {measures[0].key.lower()} crossing the border, {period_words(spec)}: {fig.test}.",
        **base,
    )  # fmt: skip


#: a count said as a difference from another period: "son mil 541 más que en marzo", "1,541
#: more than in March"
DIFFERENCE_AFTER = {
    "en": r"\s+(?P<d>more|fewer|less)\s+(?:(?:people|migrants|apprehensions|encounters|crossings)\s+)?than\b",
    "es": r"\s+(?:(?:personas|migrantes|detenciones|aprehensiones|encuentros|cruces)\s+)?(?P<d>mas|menos)\s+que\b",
}


#: a level, then the change it makes: "117 mil 905 detenciones, por lo que la caída es del 93 %"
CONSEQUENCE = {
    "en": r"\b(?:so|so that|which (?:is|was|means|meant|represents|represented|amounts to)|meaning)\b",
    "es": r"\b(?:por lo que|lo que (?:representa|significa|supone|equivale a)|es decir)\b",
}


def _level_before(ctx: Context, fig: Figure) -> Period | None:
    """The period of a level the sentence gives before a change said to follow from it ("In May
    2024 there had been 117,905, so the fall is 93%"), when the story spoke of a later period:
    the change is measured from that level to the story's period. None otherwise."""
    text = ctx.sentence.text
    level = next(
        (
            g
            for g in reversed(ctx.figures)
            if g.kind in ("count", "money")
            and g.end <= fig.start
            and re.search(CONSEQUENCE[ctx.lang], fold(text[g.end : fig.start]), re.IGNORECASE)
        ),
        None,
    )
    if level is None or ctx.story_period is None:
        return None
    held = [p for p in ctx.periods if p.kind in MAIN_KINDS and p.end <= fig.start]
    if len(held) != 1 or not _later(ctx.story_period, held[0]):
        return None
    return held[0]


def _difference(ctx: Context, fig: Figure, series: Series, spans: list, base: dict) -> Proposal | None:
    """A count that is the difference between two periods ("1,541 more than in March"): a
    change measured as a difference, from the period named after it to the sentence's other
    period, else the one the story spoke of. None when the figure is not said so."""
    if fig.kind != "count":
        return None
    text = ctx.sentence.text
    m = re.match(DIFFERENCE_AFTER[ctx.lang], fold(text[fig.end :]), re.IGNORECASE)
    if m is None:
        return None
    after = fig.end + m.start("d")  # Spanish periods take in their "que": "que en marzo"
    based = next(
        (
            p
            for p in ctx.periods
            if p.kind in MAIN_KINDS and after <= p.start and not re.search(r"[.;]", text[after : p.start])
        ),
        None,
    )
    if based is None:
        return None
    others = [p for p in ctx.periods if p.kind in MAIN_KINDS and p is not based]
    target = _nearest(others, fig, ctx.figures) or ctx.carry or ctx.story_period
    if target is None:
        return unmapped(
            ctx, fig, f"A difference from {period_words(based.spec)} to when? No later period named."
        )
    more = m.group("d").lower() in ("more", "mas")  # the sentence is read folded
    # "N fewer than in March": March's count less the later one's is N
    start, end = (based.spec, target.spec) if more else (target.spec, based.spec)
    params = {**table_params(series, ctx, fig), "from": start, "to": end, "measure": "difference"}
    for p in (based, target):
        if p in ctx.periods and (p.start, p.end) not in spans:
            spans = [*spans, (p.start, p.end)]
    caveat = (
        "" if target in ctx.periods else f"{period_words(target.spec)}: the period the story spoke of before."
    )
    said = "more" if more else "fewer"
    return ctx.proposal(
        "claim", spans, metric="change", params=params, test=fig.test, caveat=caveat,
        claim=f"{base['series']}: {fig.test} {said} in {period_words(target.spec)} than in {period_words(based.spec)}.",
        period=target.spec, **base,
    )  # fmt: skip


def _average_changed(ctx: Context, fig: Figure) -> bool:
    """Is the change said of an average per item named just before it, with no other figure
    in between ("the average remittance fell 2.4%", "la remesa promedio disminuyó 2,39 %")?"""
    folded = fold(ctx.sentence.text)
    start = max(0, fig.start - 80)
    m = re.search(PER_ITEM[ctx.lang][1], folded[start : fig.start], re.I)
    return m is not None and not any(
        start + m.start() <= f.start and f.end <= fig.start for f in ctx.figures if f is not fig
    )


def _unmapped_people(
    ctx: Context, fig: Figure, series: Series, people: Mention, base: dict
) -> Proposal | None:
    """Men, women or children the tables cannot count for this figure: people counted for what
    happened to them ("180 children had been abandoned"), or a series with no table by sex and
    age. None when the figure can be mapped."""
    who = entities.PEOPLE_WORDS[people.key]
    event = re.match(PEOPLE_EVENT[ctx.lang], ctx.sentence.text[people.end :], re.IGNORECASE)
    if event and people.start > fig.start:
        words = f"{fig.text} {people.text}"
        return unmapped(
            ctx,
            fig,
            PEOPLE_EVENT_REASON.format(words=words, who=who, what=event["what"], series=base["series"]),
        )
    if not series.demographics:
        return unmapped(ctx, fig, PEOPLE_REASON.format(words=people.text, who=who, series=base["series"]))
    return None


def _people_params(series: Series, people: Mention) -> dict:
    """The table by sex and age's rows for the men, women, boys or girls named."""
    column, rows, _note = entities.PEOPLE_ROWS[series.demographics]
    return {"table": series.demographics, "column": column, "where": rows[people.key]}


def _people_share(
    ctx: Context,
    fig: Figure,
    series: Series,
    people: Mention,
    spec: str,
    spans: list,
    caveat: str,
    base: dict,
) -> Proposal:
    """ "Los niños, niñas y adolescentes fueron el 25,8 %": their share of everyone the
    demographics table counts in the period."""
    who = entities.PEOPLE_WORDS[people.key]
    caveat = " ".join(c for c in (caveat, entities.PEOPLE_ROWS[series.demographics][2], fig.rule) if c)
    return ctx.proposal(
        "claim", spans + [(people.start, people.end)], metric="share",
        params={**_people_params(series, people), "period": spec}, test=fig.test, caveat=caveat,
        period=spec, claim=f"The share of {who} in {base['series']}, {period_words(spec)}: {fig.test}.",
        tolerance=f"{fig.room:g}" if fig.room else "", **base,
    )  # fmt: skip


# ------------------------------------------------------------------------------ a people named with no figure


def _context(ctx: Context, series: Series | None) -> list[Proposal]:
    """A nationality named in a sentence about migrants, with no figure: how large that group
    is, in each series that counts it (background for the editor, not a claim)."""
    nationality = ctx.of_kind("nationality")
    if not nationality or not re.search(entities.MIGRANTS[ctx.lang] + r"|road|camino|journey|travesía|life|vida",
                                        fold(ctx.sentence.text), re.IGNORECASE):  # fmt: skip
        return []
    out = []
    code = nationality[0].key
    for key, freq in (("darien", "year"), ("southwest", "month")):
        candidate = ctx.vocab.series[key]
        group = group_params(candidate, code, ctx.vocab)
        if group is None or not candidate.available():
            continue
        params, value = group
        spec = (
            str(ctx.published.year) if freq == "year" else f"{ctx.published.year}-{ctx.published.month:02d}"
        )
        params = rank_params({**params, "group": value, "period": spec}, ctx.vocab)
        caveat = "The story names the nationality without a figure: background on how large the group is."
        if freq == "month":  # the month the story ran, or the latest month out by then
            params["latest"] = True
            caveat += f" {period_words(spec)}, or the latest month published when the story ran."
        who = country(code, ctx.vocab)
        out.append(
            ctx.proposal(
                "context", [(nationality[0].start, nationality[0].end)], metric="rank", params=params,
                test=GROUP_CONTEXT_TEST, topic="Migrants", series=candidate.label, period=spec, key=candidate.key,
                claim=f"{who} among the three largest nationalities, {candidate.label}, {period_words(spec)}.",
                caveat=caveat,
            )
        )  # fmt: skip
    return out
