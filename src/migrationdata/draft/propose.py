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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from migrationdata.draft import entities, numbers, periods
from migrationdata.draft.entities import Mention, Series, Vocabulary, fold
from migrationdata.draft.numbers import Figure
from migrationdata.draft.periods import Period
from migrationdata.draft.sentences import Sentence
from migrationdata.sources.honduras import AS_REPORTED

#: the least share of a crossing's traffic that makes it "key" (house rule; confirm per story)
KEY_SHARE = "at least 25%"
#: a nationality the story names with no figure: background on whether it is a large group
GROUP_CONTEXT_TEST = "among the top three"
CAVEAT = "supported-with-caveat"

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

KEY = {
    "en": r"\b(?:key|major|main|busiest|vital|crucial)\b",
    "es": r"\b(?:clave|principal(?:es)?|vital(?:es)?|cruciales?)\b",
}
OTHER = {
    "en": r"\bother (?:entry points|ports(?: of entry)?|crossings|bridges)\b",
    "es": r"\botros (?:puntos de entrada|puertos(?: de entrada)?|cruces|puentes)\b",
}
REOPEN = {"en": r"\breopen\w*", "es": r"\breabr\w*|\breapertura"}
GROUP_RANK = {
    "en": r"\b(?:group|nationality|nationalities|largest number|most numerous)\b",
    "es": r"\b(?:grupo|nacionalidad|nacionalidades|más numeros[oa])\b",
}
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
#: a whole wider than the two areas the kit keeps of IOM's data (the Darién, the US–Mexico
#: border): "the 1,457 deaths across the Americas", "worldwide"
WIDER = {
    # ("the world's deadliest" qualifies a superlative: _ranks_places reads it)
    "en": r"\b(?:the americas|latin america|the (?:western )?hemisphere|the continent|the region|"
    r"worldwide|globally|the world(?!'s)|around the world)\b",
    "es": r"\b(?:las americas|america latina|latinoamerica|el continente|la region|el mundo|"
    r"todo el mundo|a nivel mundial)\b",
}
AREA_WORDS = {"en": r"\bborder\b|\bdarien\b", "es": r"\bfrontera\b|\bdarien\b"}


@dataclass
class Proposal:
    """One proposed ledger entry, or one thing the draft could not place."""

    paragraph: int
    sentence: int
    kind: str  # claim | context | not-checkable | unmapped
    spans: list[tuple[int, int]]  # in the sentence: the words it rests on
    words: str  # those words, for the editor
    topic: str = ""
    claim: str = ""  # our paraphrase
    metric: str = ""
    params: dict = field(default_factory=dict)
    test: str = ""
    reason: str = ""  # not-checkable / unmapped: why
    caveat: str = ""
    series: str = ""  # the series' label
    key: str = ""  # the series' key in the vocabulary
    period: str = ""  # the period string
    on_pass: str = ""  # supported-with-caveat when the test passing still needs the caveat
    tolerance: str = ""  # extra room for a number test ("0.2%": a publisher's revision)
    printed: float | None = None  # an exact count as printed (to allow for revisions)
    evaluations: dict = field(default_factory=dict)  # "publication" / "now" -> engine.Evaluation
    group: tuple = ()  # a count of one nationality: (table, column, by, value), for "the remaining"

    def entry(self) -> dict:
        """The claim dict the engine evaluates (and story.yaml holds)."""
        out: dict = {"paragraph": self.paragraph, "topic": self.topic, "claim": self.claim}
        if self.kind == "not-checkable":
            out.update(kind="not-checkable", reason=self.reason)
            return out
        if self.kind == "context":
            out["kind"] = "context"
        out.update(metric=self.metric, params=self.params, test=self.test)
        if self.tolerance:
            out["tolerance"] = self.tolerance
        if self.on_pass:
            out["on_pass"] = self.on_pass
        if self.caveat:
            out["caveat"] = self.caveat
        return out


# ------------------------------------------------------------------------------ helpers


def _period_words(spec: str) -> str:
    if spec.startswith("FY"):
        return f"fiscal year {spec[2:]}"
    if ".." in spec:
        a, b = spec.split("..")
        return f"{_period_words(a)} to {_period_words(b)}"
    if re.fullmatch(r"\d{4}-\d\d", spec):
        return date.fromisoformat(spec + "-01").strftime("%B %Y")
    if re.fullmatch(r"\d{4}-\d\d-\d\d", spec):
        return date.fromisoformat(spec).strftime("%-d %B %Y")
    return spec


def _freq(spec: str, default: str) -> str:
    if spec.startswith("FY"):
        return "fiscal_year"
    if re.fullmatch(r"\d{4}", spec):
        return "year"
    if re.fullmatch(r"\d{4}-\d\d", spec):
        return "month"
    return default


def month_before(published: date) -> str:
    """The last month wholly before the publication day's month (what a story could know)."""
    prev = published.replace(day=1) - timedelta(days=1)
    return f"{prev.year}-{prev.month:02d}"


def latest_complete(freq: str, published: date) -> str:
    """The latest whole period of a frequency before the publication day."""
    if freq == "fiscal_year":
        fy = periods.fiscal_year(published)
        return f"FY{fy - 1}"
    if freq == "month":
        return month_before(published)
    return str(published.year - 1)


BASE_WORDS = {
    "en": r"(?:from|than|compared (?:with|to)|against|over)\s*$",
    "es": r"(?:desde|que|frente(?: al?)?|respecto(?: al?)?|comparad[oa] con|con respecto(?: al?)?|en relación con)\s*$",
}
BASE_BETWEEN = {
    # between a change and the period it is measured from: "14% decrease from February 2025",
    # "94% lower than 4,488 a day in March 2024"
    "en": r"\b(?:from|than|compared (?:with|to)|against|over|as (?:in|during|on|for))\b",
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
NATIONWIDE = {
    "en": r"\bnationwide\b|\bnationally\b|\bacross (?:all|every) borders?\b|\ball (?:US |U\.S\. )?borders\b",
    "es": r"\ba nivel nacional\b|\ben todo el pa[ií]s\b|\ben todas las fronteras\b",
}
#: CBP's encounters by component and region (cbp_encounters) start in October 2019
NATIONWIDE_HISTORY = "CBP publishes encounters by component and region from FY2020 (October 2019) only."
MAIN_KINDS = ("year", "fiscal_year", "month", "range")
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
DAILY_PEAK_REASON = (
    "A daily peak ({words!r}): the tables give monthly totals, so no single day can be checked. What "
    "they can give is the month's daily average (metric value with per: day), which a peak should be "
    "above; map that by hand if the story rests on it."
)
#: "el mayor repunte", "the largest increase": a rank of changes (which group or place rose
#: most), which no metric computes
CHANGE_NOUN = {
    "en": r"\s+(?:\w+\s+)?(?:increase|rise|jump|growth|gain|surge|drop|fall|decline|decrease)s?\b",
    "es": r"\s+(?:aumento|repunte|incremento|alza|crecimiento|subida|salto|caida|descenso|baja|disminucion)\b",
}
CHANGE_RANK_REASON = (
    "A rank of changes ({words!r}: which group rose or fell most), which the engine does not compute: "
    "rank_in_series and rank compare levels, not changes. Compare the groups' changes by hand (metric "
    "change, one entry per group) if the story rests on it."
)
REGION_REASON = (
    "A region ({region}), not a nationality: the kit's tables count nationalities, with no grouping by "
    "continent; sum the region's codes by hand (where: with a list) if the story rests on it."
)


def _is_base(ctx: _Context, p: Period) -> bool:
    """Is this the period a change is measured from ("from December", "than in 2022")?"""
    before = ctx.sentence.text[max(0, p.start - 25) : p.start]
    return bool(
        re.search(BASE_WORDS[ctx.lang], before, re.I)
        or re.match(r"(?:from|than|compared|against|desde|que|frente a|respecto a|comparad)\b", p.text, re.I)
    )


COMPONENTS = {"border-patrol": "U.S. Border Patrol", "ports-of-entry": "Office of Field Operations"}


def _nationwide(ctx: _Context, series: Series) -> bool:
    """CBP's figures for every border, not the Southwest's alone ("nationwide")."""
    return series.key in ("southwest", *COMPONENTS) and bool(
        re.search(NATIONWIDE[ctx.lang], fold(ctx.sentence.text), re.IGNORECASE)
    )


def _table_params(series: Series, ctx: _Context | None = None) -> dict:
    """Table, column and filter for a series, narrowed to the sector, field office, port or
    kind of traffic the sentence names, or widened to every border ("nationwide")."""
    params: dict = {"table": series.table, "column": series.column}
    where = dict(series.where)
    if ctx is not None:
        areas = ctx.of_kind("sector") or ctx.of_kind("field-office")
        if areas and series.key in ("southwest", "border-patrol", "ports-of-entry"):
            params = {"table": "cbp_encounters", "column": "encounters"}
            where = {"area": areas[0].key}
        elif _nationwide(ctx, series):
            params = {"table": "cbp_encounters", "column": "encounters"}
            where = {"component": COMPONENTS[series.key]} if series.key in COMPONENTS else {}
        if series.key == "crossings":
            ports = sorted({m.key for m in ctx.of_kind("port")})
            if ports:
                where["port"] = ports[0] if len(ports) == 1 else ports
            measures = ctx.of_kind("measure")
            if measures:
                where["measure"] = measures[0].key
        if series.key == "trade":
            params["column"] = _trade_column(ctx) or series.column
        if series.key == "missing-migrants":
            where["area"] = "darien" if ctx.has(r"\bdarien\b") else "us_mexico_border"
    if where:
        params["where"] = where
    return params


#: which of the trade table's columns a sentence speaks of, first match wins: a mode of
#: transport, else a direction of trade as the US side (BTS TransBorder) records it, "Mexico's
#: exports" being US imports
TRADE_COLUMNS = {
    "en": [
        (r"\btrucks?\b|\btrucking\b", "truck_usd"),
        (r"\brail\b|\btrains?\b|\brailways?\b", "rail_usd"),
        (r"\b(?:mexico's|mexican) exports\b|\bimports from mexico\b", "imports_usd"),
        (r"\b(?:mexico's|mexican) imports\b|\bexports to mexico\b", "exports_usd"),
        (r"\bexports\b", "exports_usd"),
        (r"\bimports\b", "imports_usd"),
    ],
    "es": [
        (r"\bcamion(?:es)?\b|\bautotransporte\b", "truck_usd"),
        (r"\bferrocarril(?:es)?\b|\btren(?:es)?\b|\bferroviari[oa]s?\b", "rail_usd"),
        (
            r"\bexportaciones (?:mexicanas|de mexico)\b|\bimportaciones (?:\w+ )?(?:desde|de) mexico\b",
            "imports_usd",
        ),
        (r"\bimportaciones (?:mexicanas|de mexico)\b|\bexportaciones (?:\w+ )?a mexico\b", "exports_usd"),
        (r"\bexportaciones\b", "exports_usd"),
        (r"\bimportaciones\b", "imports_usd"),
    ],
}


def _trade_column(ctx: _Context) -> str | None:
    return next((column for pattern, column in TRADE_COLUMNS[ctx.lang] if ctx.has(pattern)), None)


def _group_params(series: Series, code: str, vocab: Vocabulary) -> tuple[dict, str] | None:
    """Table, column, grouping column and group value for one nationality in a series."""
    if series.key == "darien" and code in vocab.darien_nationalities:
        return {"table": "darien_monthly", "column": "migrants", "by": "nationality_iso3"}, code
    if series.key in ("southwest", "border-patrol", "ports-of-entry") and code in vocab.cbp_citizenships:
        where = {"region": "Southwest Land Border"}
        if series.key == "border-patrol":
            where["component"] = "U.S. Border Patrol"
        elif series.key == "ports-of-entry":
            where["component"] = "Office of Field Operations"
        return {"table": "cbp_encounters", "column": "encounters", "by": "citizenship", "where": where}, (
            vocab.cbp_citizenships[code]
        )
    if series.key == "mexico-enforcement" and code in vocab.mexico_nationalities:
        return {"table": "mexico_irregular_monthly", "column": "events", "by": "nationality_iso3"}, code
    if series.key == "honduras":
        # INM's name for a people may sit under other codes in the republished table
        codes = [c for c in AS_REPORTED.get(code, (code,)) if c in vocab.honduras_nationalities]
        if codes:
            table = {"table": "honduras_monthly_nationality", "column": "migrants", "by": "nationality_iso3"}
            return table, codes[0] if len(codes) == 1 else codes
    return None


def _group_caveat(series: Series, code: str, vocab: Vocabulary) -> str:
    """What an editor must know about a people's rows in the series' table."""
    if series.key == "honduras" and len(AS_REPORTED.get(code, ())) > 1:
        codes = AS_REPORTED[code]
        return (
            f"INM's {_country(code, vocab)} is coded {' and '.join(c for c in codes if c != code)} in the "
            f"republished file (gdidata): counted as {' + '.join(codes)}."
        )
    return ""


def _rank_params(params: dict, vocab: Vocabulary) -> dict:
    """A rank of nationalities leaves out the publisher's residual groups ("Other"), which are
    not a nationality and can outnumber the groups the story names."""
    residual = vocab.residual_groups.get((params["table"], params["by"]))
    if residual:
        params = {**params, "exclude": {params["by"]: list(residual)}}
    return params


def _country(code: str, vocab: Vocabulary) -> str:
    return vocab.country_names.get(code, (code, code))[0]


# ------------------------------------------------------------------------------ sentences


@dataclass
class _Context:
    sentence: Sentence
    lang: str
    published: date
    vocab: Vocabulary
    figures: list[Figure]
    periods: list[Period]
    mentions: list[Mention]
    carry: Period | None = None  # the period of the sentence before, in the same paragraph
    story_period: Period | None = None  # the period the paragraphs before ended on
    series_carried: bool = False  # the sentence names no series: the story's last one is used
    closure_mode: str | None = None  # the kind of crossing the story last said was closed
    # nationalities the story listed with their counts: (table, column, by, period) -> codes
    listed: dict = field(default_factory=dict)
    # ranks over the last N months or years: id(rank) -> (N, unit, figure of N, end of the words)
    windows: dict = field(default_factory=dict)

    def has(self, pattern: str) -> re.Match | None:
        return re.search(pattern, fold(self.sentence.text), re.IGNORECASE)

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def proposal(self, kind: str, spans, **kw) -> Proposal:
        spans = [(a, b) for a, b in spans]
        words = " … ".join(self.sentence.text[a:b] for a, b in spans)
        return Proposal(self.sentence.paragraph, self.sentence.index, kind, spans, words, **kw)


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
    codes, what "the remaining 54,664" leaves out."""
    vocab = vocab or entities.vocabulary()
    text = sentence.text
    found_periods = periods.find(text, published, lang)
    spotted = numbers.spot(text, lang)
    # "the fewest since 1970": the rank took its "since" into its test; that period is the
    # ranking's start, not a period of the sentence
    ranked_since = [
        p
        for p in found_periods
        if p.kind == "since" and any(_holds(f, p) for f in spotted if f.kind == "rank")
    ]
    found_periods = [p for p in found_periods if p not in ranked_since]
    figures = [f for f in spotted if not any(f.start < p.end and p.start < f.end for p in found_periods)]
    if mentions is None:
        mentions = entities.mentions(text, lang, vocab)
    ctx = _Context(sentence, lang, published, vocab, figures, found_periods, mentions, carry)
    ctx.closure_mode = closure_mode
    ctx.story_period = story_period
    ctx.listed = listed or {}
    series = entities.main_series(ctx.mentions, vocab)
    if series is None and series_carry is not None and figures:
        series, ctx.series_carried = series_carry, True
    out: list[Proposal] = []
    if series is not None and series.key == "closures":
        out += _closures(ctx)
        figures = [f for f in ctx.figures if f.kind != "duration"]  # the closure rules used them
        ctx.figures = figures
        if out and not figures:
            return out
        # figures besides the closure's own belong to what else the sentence names
        others = [m for m in ctx.mentions if not (m.kind == "series" and m.key == "closures")]
        series = entities.main_series(others, vocab)
    if series is not None:
        # months listed each with its own figures ("March (down 3.4%), May and July (down 1%)")
        listed_out, used = _month_list(ctx, series)
        out += listed_out
        figures = [f for f in figures if id(f) not in used]
    # "the lowest in nine months": the nine months are the rank's window, not a duration
    ctx.windows = rank_windows(text, figures, lang)
    held = {id(w[2]) for w in ctx.windows.values() if w[2] is not None}
    figures = [f for f in figures if id(f) not in held]
    for fig in figures:
        if fig.kind == "count" and re.match(COUNTRIES[lang], fold(text[fig.end :]), re.IGNORECASE):
            if fig.spelled and not fig.qualifier:
                continue  # "the two countries": a word, not a statistic
            out.append(_unmapped(ctx, fig, COUNTRIES_REASON))  # "more than thirty countries"
            continue
        if fig.kind == "count" and fig.spelled:
            continue  # "four centres": a word, not a statistic
        if fig.majority and _nationality_of(ctx, fig) is None:
            continue  # "most of them crossed at night": no group to weigh
        out.append(_figure(ctx, fig, series))
        if fig.majority and out[-1].kind == "claim" and out[-1].metric == "share":
            out += [p for p in [_largest(ctx, fig, series, out[-1])] if p is not None]
    if ctx.series_carried:
        note = f"The sentence names no series: read as {series.label}, the one the story named last."
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


def _largest(ctx: _Context, fig: Figure, series: Series, share: Proposal) -> Proposal | None:
    """Beside "most of them Venezuelans": were they at least the largest group? A majority the
    data deny may be the plurality the writer meant, and the editor weighs the two (context,
    not a claim). None for a people counted over several codes, which no rank takes as one."""
    group_of = _nationality_of(ctx, fig)
    group = _group_params(series, group_of.key, ctx.vocab) if group_of is not None else None
    if group is None or isinstance(group[1], list):
        return None
    params, value = group
    params = _rank_params({**params, "group": value, "period": share.period}, ctx.vocab)
    who = _country(group_of.key, ctx.vocab)
    return ctx.proposal(
        "context", share.spans, metric="rank", params=params, test="the highest", topic=share.topic,
        series=share.series, key=share.key, period=share.period,
        claim=f"{who} the largest nationality in {share.series}, {_period_words(share.period)}.",
        caveat="Beside the story's \"most of them\": if they were not a majority, whether they were at "
        "least the largest group.",
    )  # fmt: skip


def _not_checkable(ctx: _Context) -> Proposal | None:
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


def _main_period(ctx: _Context) -> Period | None:
    for p in ctx.periods:
        if p.kind in MAIN_KINDS:
            return p
    return None


def main_period(sentence: str, published: date, lang: str) -> Period | None:
    """The first year, fiscal year, month or range a sentence names (what the next sentence
    of its paragraph may go on speaking of)."""
    return next((p for p in periods.find(sentence, published, lang) if p.kind in MAIN_KINDS), None)


def _distance(p: Period, fig: Figure) -> int:
    return p.start - fig.end if p.start >= fig.end else fig.start - p.end


def _nearest(candidates: list[Period], fig: Figure, figures: list[Figure] = ()) -> Period | None:
    """The period closest to the figure (the earlier on a tie): "In March 2025, USBP apprehended
    7,181 ... from February 2025 when USBP apprehended 8,346" gives each count its own month.
    A period with another figure between it and this one belongs to that figure first."""

    def between(p: Period) -> bool:
        lo, hi = (p.end, fig.start) if p.end <= fig.start else (fig.end, p.start)
        return any(lo <= f.start and f.end <= hi for f in figures if f is not fig)

    return min(candidates, key=lambda p: (between(p), _distance(p, fig), p.start > fig.start), default=None)


def _base_of(ctx: _Context, fig: Figure) -> Period | None:
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
    for p in ctx.periods:
        if p.kind in MAIN_KINDS and fig.end <= p.start < stop:
            between = fold(text[fig.end : p.start])
            if (
                re.search(BASE_BETWEEN[ctx.lang], between, re.IGNORECASE)
                or (surpassed and re.match(r"\s+al?\b", between, re.IGNORECASE))
                or (times and re.match(r"\s+(?:the|l[oa]s?|el|de l[oa]s|del)\b", between, re.IGNORECASE))
            ):
                return p
    return None


def _later(p: Period, than: Period) -> bool:
    """Does ``p`` begin after ``than`` ends (2022 after 2021)?"""
    a, b = periods.month_span(p.spec), periods.month_span(than.spec)
    return a is not None and b is not None and a[0] > b[1]


def _holds(fig: Figure, period: Period) -> bool:
    return fig.start <= period.start and period.end <= fig.end


def _ends(ctx: _Context, period: Period | None) -> bool:
    """A two-month range named by its ends ("between December 2023 and January 2024")."""
    return (
        period is not None
        and period.kind == "range"
        and not period.by_days  # "from 1 January to 30 June" is the whole span
        and bool(re.match(ENDPOINTS[ctx.lang], period.text, re.IGNORECASE))
        and period.spec.count("..") == 1
    )


def _follows(ctx: _Context, fig: Figure, words: dict, kinds: tuple[str, ...]) -> bool:
    """The figure follows ``words`` ("to", "of the") and a figure of ``kinds`` earlier in the
    sentence."""
    before = ctx.sentence.text[max(0, fig.start - 20) : fig.start]
    return bool(re.search(words[ctx.lang], before, re.IGNORECASE)) and any(
        f.kind in kinds and f.end <= fig.start for f in ctx.figures
    )


#: the words between a nationality and the count that is its own: "Cuba (85.969)", "Cuba: 85,969"
COUNT_AFTER_GROUP = r"\s*[(:]?\s*"
#: ...and between a count (or "most of them") and the nationality after it: "228.889 eran
#: venezolanos", "5,000 Haitians", "3,000 migrants were from Venezuela"
GROUP_AFTER_COUNT = {
    "en": r"\s+(?:(?:migrants|people|of them)\s+)?(?:(?:were|are)\s+)?(?:(?:from|nationals of|citizens of)\s+)?",
    "es": r"\s+(?:(?:migrantes|personas|de ellos)\s+)?(?:(?:eran|son|fueron)\s+)?"
    r"(?:(?:de|procedentes de|originari[oa]s de)\s+)?",
}
#: another people right after the one named: "mostly from Venezuela and Cuba" weighs them together
AND_ANOTHER = {"en": r"\s*(?:,|and|or)\s*", "es": r"\s*(?:,|y|e|o)\s*"}


def _bound(ctx: _Context, fig: Figure, m: Mention) -> bool:
    """Is the nationality the one this figure counts, named right beside it?"""
    text = ctx.sentence.text
    if m.end <= fig.start and re.fullmatch(COUNT_AFTER_GROUP, text[m.end : fig.start]):
        return not fig.majority
    return fig.end <= m.start and bool(
        re.fullmatch(GROUP_AFTER_COUNT[ctx.lang], text[fig.end : m.start], re.I)
    )


def _peoples(ctx: _Context, fig: Figure) -> list[Mention]:
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


def _nationality_of(ctx: _Context, fig: Figure) -> Mention | None:
    """The nationality a figure counts: the one named right beside it, else the sentence's
    first that no other figure holds so (in "545.043 migrantes, la mayoría de ellos
    venezolanos" the Venezuelans are the majority's, not the total's). "Most of them" weighs a
    people named right after it, alone: "mostly Venezuelans and Ecuadorians" weighs them
    together, which no share of one group tests."""
    own = _peoples(ctx, fig)
    if fig.majority:
        # a country named after it, whether the kit reads it as a people or not ("from
        # Venezuela, Ecuador and Haiti"): the list goes on
        goes_on = own and re.match(
            AND_ANOTHER[ctx.lang] + r"(?:(?:from|de)\s+)?[A-ZÁÉÍÓÚ]", ctx.sentence.text[own[-1].end :]
        )
        return own[0] if len(own) == 1 and not goes_on else None
    if own:
        return own[0]
    held = {id(m) for f in ctx.figures if f is not fig for m in _peoples(ctx, f)}
    return next((m for m in ctx.of_kind("nationality") if id(m) not in held), None)


#: the rest after the groups a story listed: "los 54.664 migrantes restantes", "the remaining 54,664"
REMAINING = {
    "en": (r"\b(?:the\s+)?(?:remaining|other|rest of the)\s+$", r"\s+(?:\w+\s+)?remaining\b"),
    "es": (
        r"\b(?:l[oa]s\s+)?(?:otr[oa]s|restantes|demás)\s+$|\bel resto,?\s+(?:de\s+)?$",
        r"\s+(?:\w+\s+)?restantes\b",
    ),
}


def _remaining(ctx: _Context, fig: Figure, series: Series, spec: str) -> tuple | None:
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
        group = _group_params(series, codes[0], ctx.vocab) if period == spec else None
        if group is not None and group[0]["table"] == table:
            return (table, column, by), list(codes)
    return []


#: a count of countries, not of people: "más de treinta países"
COUNTRIES = {
    "en": r"\s+(?:other\s+|different\s+)?(?:countries|nationalities|nations)\b",
    "es": r"\s+(?:otros\s+|distintos\s+|diferentes\s+)?(?:paises|nacionalidades|naciones)\b",
}
COUNTRIES_REASON = (
    "A number of countries (nationalities), not of people: no metric counts the distinct "
    "nationalities in a table; count them by hand if the story rests on it."
)


def _future(ctx: _Context) -> Period | None:
    return next((p for p in ctx.periods if p.kind == "future"), None)


def _after(ctx: _Context, fig: Figure, kind: str, within: int = 40) -> Period | None:
    """A period of ``kind`` named right after a figure ("the record from the previous year")."""
    for p in ctx.periods:
        if p.kind == kind and 0 <= p.start - fig.end <= within:
            return p
    return None


def _ranks_places(ctx: _Context, fig: Figure) -> str | None:
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


def _wider_whole(ctx: _Context, fig: Figure) -> str | None:
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


def _region_of(ctx: _Context, fig: Figure) -> str | None:
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
    if _peoples(ctx, fig):
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
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"


def _daily_peak(ctx: _Context, fig: Figure) -> str | None:
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


def _ranks_changes(ctx: _Context, fig: Figure) -> str | None:
    """ "el mayor repunte", "the largest increase": a rank of changes, not of levels."""
    after = re.match(CHANGE_NOUN[ctx.lang], fold(ctx.sentence.text[fig.end :]), re.I)
    return ctx.sentence.text[fig.start : fig.end + after.end()] if after else None


#: a change said of the whole, not of the people named before it
OVERALL = {"en": r"\b(?:overall|in all|in total|the total)\b", "es": r"\b(?:en total|el total|en conjunto)\b"}


def _change_group(ctx: _Context, fig: Figure, series: Series) -> tuple[dict, Mention] | None:
    """A change said of one people: the only nationality the sentence names, named before the
    change ("Venezuela tuvo el mayor repunte, con 222 mil 994, un 131,8% más que en 2022"), in a
    series with figures by nationality. The table, column and filter, and the mention."""
    peoples = ctx.of_kind("nationality")
    if len(peoples) != 1 or peoples[0].end > fig.start:
        return None
    if re.search(OVERALL[ctx.lang], fold(ctx.sentence.text[peoples[0].end : fig.start]), re.I):
        return None
    group = _group_params(series, peoples[0].key, ctx.vocab)
    if group is None:
        return None
    gp, value = group
    params = {"table": gp["table"], "column": gp["column"], "where": {**gp.get("where", {}), gp["by"]: value}}
    return params, peoples[0]


def _unmapped(ctx: _Context, fig: Figure, reason: str) -> Proposal:
    return ctx.proposal("unmapped", [(fig.start, fig.end)], reason=reason, test=fig.test)


def _figure(ctx: _Context, fig: Figure, series: Series | None) -> Proposal:
    if fig.kind == "rank":
        changes = _ranks_changes(ctx, fig)
        if changes:
            return _unmapped(ctx, fig, CHANGE_RANK_REASON.format(words=changes))
    region = _region_of(ctx, fig)
    if region is not None:
        return _unmapped(ctx, fig, REGION_REASON.format(region=region))
    if series is None:
        named = ", ".join(sorted({m.text for m in ctx.mentions})) or "nothing the kit has a name for"
        return _unmapped(ctx, fig, f"No series for what this figure counts (the sentence names {named}).")
    if not series.available():
        where = "data/closures.csv" if series.table == "closures" else f"data/processed/{series.table}.csv"
        return _unmapped(ctx, fig, f"The kit holds no table for {series.label} yet (expected {where}).")
    if series.key == "closures":
        return _unmapped(
            ctx, fig, "A figure about closures the closure rules do not read (only lengths and dates)."
        )
    if series.key == "crossings" and not ctx.of_kind("measure"):
        return _unmapped(
            ctx, fig, "Crossings of what? Name the traffic (trucks, trains, pedestrians, vehicles)."
        )
    if series.key == "missing-migrants":
        wider = _wider_whole(ctx, fig)
        if wider:
            return _unmapped(
                ctx, fig, f"Counts {wider!r}: the kit keeps IOM's figures for two areas only, the Darién "
                "and the US–Mexico border (data/processed/missing_migrants_annual.csv).",
            )  # fmt: skip
    if fig.kind == "rank":
        places = _ranks_places(ctx, fig)
        if places:
            return _unmapped(
                ctx, fig, f"Ranks places ({places!r}), not periods: rank_in_series compares a series' own "
                "months or years. Where a table holds those places, map it by hand with metric rank and "
                "`by`; the kit has no table of the world's routes or borders.",
            )  # fmt: skip
    # "264 per day", "4,488 a day on average": the daily average over the period
    daily = bool(re.search(DAILY[ctx.lang], ctx.sentence.text, re.I))
    peak = _daily_peak(ctx, fig) if daily and fig.kind in ("count", "change", "multiple", "vague") else None
    if peak:
        return _unmapped(ctx, fig, DAILY_PEAK_REASON.format(words=peak))
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
    main = _nearest([p for p in ctx.periods if p.kind in MAIN_KINDS and id(p) not in bases], fig, ctx.figures)
    before_base = main is None and bool(bases) and ctx.carry is not None
    if before_base:
        main = ctx.carry
    if fig.kind == "rank":
        # "a record 301,981 in December": the record is the figure it stands before, in its period
        held = next(
            (g for g in ctx.figures if g.kind in ("count", "money") and 0 <= g.start - fig.end <= 4), None
        )
        if held is not None:
            main = _nearest([p for p in ctx.periods if p.kind in MAIN_KINDS], held, ctx.figures) or main
    days = next((p for p in ctx.periods if p.kind == "days"), None)
    if main is None and days is not None:
        return _unmapped(
            ctx, fig, f"A span of days ({days.text!r}) that is not whole months: the tables count "
            "months, so no period holds it.",
        )  # fmt: skip
    if main is None and ctx.series_carried:
        main = ctx.carry  # what the story last spoke of, the period with the series
    if main is None and _future(ctx) is not None and fig.kind != "rank":
        return _unmapped(ctx, fig, f"Speaks of the future ({_future(ctx).text!r}): no data yet.")
    spans = [(fig.start, fig.end)]
    if main is not None and main in ctx.periods:  # a carried period is another sentence's words
        spans.append((main.start, main.end))
    label = series.label
    if _nationwide(ctx, series):
        label = label.replace(" at the Southwest border", "").replace("at the Southwest border", "")
        label += ", nationwide (every border)"
    base = dict(topic=series.topic, series=label, key=series.key)
    nationality = ctx.of_kind("nationality")

    if fig.kind == "rank":
        previous_period = _after(ctx, fig, "previous")
        if re.search(GROUP_RANK[ctx.lang], ctx.sentence.text, re.IGNORECASE) and nationality:
            group = _group_params(series, nationality[0].key, ctx.vocab)
            spec = main.spec if main else latest_complete(series.freq, ctx.published)
            if group is None:
                return _unmapped(
                    ctx, fig, f"{base['series']} has no figures by nationality for {nationality[0].text}."
                )
            params, value = group
            params = _rank_params({**params, "group": value, "period": spec}, ctx.vocab)
            who = _country(nationality[0].key, ctx.vocab)
            return ctx.proposal(
                "claim", spans + [(nationality[0].start, nationality[0].end)], metric="rank", params=params,
                test=fig.test, claim=f"{who}: {fig.test} among nationalities, {base['series']}, {_period_words(spec)}.",
                period=spec, **base,
            )  # fmt: skip
        window = ctx.windows.get(id(fig))
        carried_window = (
            main is None
            and window is not None
            and ctx.carry is not None
            and _freq(ctx.carry.spec, "") == window[1]
        )
        if carried_window:  # "It was the lowest in nine months": the month the sentence before named
            main = ctx.carry
        beaten = previous_period is not None and main is not None
        if beaten:  # "doubling the record from the previous year": that year was the record then
            spec = periods.previous(main.spec)
            spans.append((previous_period.start, previous_period.end))
        elif main is not None:
            spec = main.spec
        else:
            spec = latest_complete(series.freq, ctx.published)
        if ".." in spec:
            return _unmapped(
                ctx, fig, f"A record over {_period_words(spec)}: the engine ranks months, years and "
                "fiscal years, not other spans of months.",
            )  # fmt: skip
        freq = _freq(spec, series.freq)
        table, column = series.record_source(freq)
        params = {"table": table, "column": column, "freq": freq, "period": spec}
        if series.key == "missing-migrants":  # one area's years, never the two areas added up
            params = {**_table_params(series, ctx), "freq": freq, "period": spec}
        history = series.history_caveat(freq)
        if _nationwide(ctx, series):
            params = {**_table_params(series, ctx), "freq": freq, "period": spec}
            history = NATIONWIDE_HISTORY
        since = next((p for p in ctx.periods if p.kind == "since"), None)
        if since is not None:
            params["since"] = since.spec
        # the record as the story could know it: periods up to the one it beat, or up to the
        # month before it ran (later data are another story); "a record at the time", "then a
        # record": up to the period itself
        then = _at_the_time(ctx, fig)
        params["through"] = spec if beaten or then else month_before(ctx.published)
        if window is not None and window[1] == freq and freq in ("month", "year"):
            # "the lowest in nine months": among the nine months ending with it
            n, _, _, end = window
            params["since"] = (
                periods.shift_months(spec, -(n - 1)) if freq == "month" else str(int(spec) - n + 1)
            )
            params["through"] = spec
            spans.append((fig.end, end))
        notes = (
            [] if main else [f"No period named: read as the latest complete {freq.replace('_', ' ')} then."]
        )
        if history:
            notes.append(f"'Record' can only mean since the table began: {history}")
        if carried_window and not ctx.series_carried:
            notes.append(f"{_period_words(spec)}: the period of the sentence before.")
        return ctx.proposal(
            "claim", spans, metric="rank_in_series", params=params, test=fig.test, caveat=" ".join(notes),
            on_pass=CAVEAT if history else "",
            claim=f"{base['series']}: {_period_words(spec)} {fig.test.replace('the ', 'was the ')} {freq.replace('_', ' ')}.",
            period=spec, **base,
        )  # fmt: skip

    based = _base_of(ctx, fig) if fig.kind in ("multiple", "change") else None
    if based is not None:
        # measured from a named period, to the sentence's other period or the one before it
        bases = {
            id(b)
            for f in ctx.figures
            if f.kind in ("multiple", "change")  # "222,994 migrants from Venezuela in 2023": no base
            for b in [_base_of(ctx, f)]
            if b is not None
        }
        others = [p for p in ctx.periods if p.kind in MAIN_KINDS and id(p) not in bases]
        target = _nearest(others, fig, ctx.figures) or ctx.carry
        carried_far = False
        if target is None and ctx.story_period is not None and _later(ctx.story_period, based):
            target, carried_far = ctx.story_period, True  # "The toll was 8% lower than in 2021"
        if target is None:
            return _unmapped(
                ctx, fig, f"A change from {_period_words(based.spec)} to when? No later period named."
            )
        spans = [(fig.start, fig.end), (based.start, based.end)]
        if target in others:
            spans.append((target.start, target.end))
        params = {**_table_params(series, ctx), "from": based.spec, "to": target.spec}
        label = base["series"]
        group = _change_group(ctx, fig, series)
        if group is not None:
            params = {**group[0], "from": based.spec, "to": target.spec}
            spans.append((group[1].start, group[1].end))
            label = f"{_country(group[1].key, ctx.vocab)} in {label}"
        params["measure"] = "ratio" if fig.kind == "multiple" else "percent"
        if daily:
            params["per"] = "day"
        caveat = (
            ""
            if target in others
            else f"{_period_words(target.spec)}: the period the story last named (this sentence names "
            "only the one it is measured from)."
            if carried_far
            else f"{_period_words(target.spec)}: the period of the sentence before."
        )
        return ctx.proposal(
            "claim", spans, metric="change", params=params, test=fig.test, caveat=caveat,
            claim=f"{label}{', daily average' if daily else ''}: {_period_words(target.spec)} against "
                  f"{_period_words(based.spec)}, {fig.test}.",
            period=target.spec, **base,
        )  # fmt: skip

    latest = False
    if main is None:
        if fig.kind == "vague":
            # "thousands continue north": the situation when the story ran, i.e. its month, or
            # the latest month out by then
            spec = f"{ctx.published.year}-{ctx.published.month:02d}"
            caveat = "No period named: read as the month the story ran (the latest month out then, if not yet published)."
            latest = True
        else:
            return _unmapped(
                ctx, fig, "Period ambiguous: the sentence names no year, month or relative time."
            )
    else:
        spec, caveat = main.spec, ""
        if before_base:
            caveat = (
                f"{_period_words(spec)}: the period of the sentence before (this sentence names only the "
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
            based = [p for p in pair if _is_base(ctx, p)]
            base_period = based[0] if based else pair[0]  # "from 2022 to 2023": the first
            target = next(p for p in pair if p is not base_period)
            start, spec = base_period.spec, target.spec
            spans.append((base_period.start, base_period.end))
        elif _ends(ctx, main):
            start, spec = main.spec.split("..")
        if prev is not None:
            spans.append((prev.start, prev.end))
        params = {**_table_params(series, ctx), "from": start, "to": spec}
        label = base["series"]
        group = _change_group(ctx, fig, series)
        if group is not None:
            params = {**group[0], "from": start, "to": spec}
            spans.append((group[1].start, group[1].end))
            label = f"{_country(group[1].key, ctx.vocab)} in {label}"
        params["measure"] = "ratio" if fig.kind == "multiple" else "percent"
        if daily:
            params["per"] = "day"
        return ctx.proposal(
            "claim", spans, metric="change", params=params, test=fig.test, caveat=caveat,
            claim=f"{label}: {_period_words(spec)} against {_period_words(start)}, {fig.test}.",
            period=spec, **base,
        )  # fmt: skip

    if fig.kind == "percent":
        group_of = _nationality_of(ctx, fig)
        growth = _growth(ctx, fig, series, spec, spans, caveat) if group_of is None else None
        if growth is not None:
            return growth
        if group_of is None:
            return _unmapped(
                ctx, fig, "A share of what? The sentence names no group (nationality) to divide."
            )
        group = _group_params(series, group_of.key, ctx.vocab)
        if group is None:
            return _unmapped(ctx, fig, f"{base['series']} has no figures by nationality for {group_of.text}.")
        params, value = group
        by = params.pop("by")
        where = dict(params.pop("where", {}))
        params.update(where={**where, by: value}, period=spec)
        if where:
            params["of"] = where
        who = _country(group_of.key, ctx.vocab)
        caveat = " ".join(c for c in (caveat, _group_caveat(series, group_of.key, ctx.vocab)) if c)
        return ctx.proposal(
            "claim", spans + [(group_of.start, group_of.end)], metric="share", params=params,
            test=fig.test, caveat=caveat, period=spec,
            claim=f"{who}'s share of {base['series']}, {_period_words(spec)}: {fig.test}.", **base,
        )  # fmt: skip

    if fig.kind == "duration":
        return _unmapped(ctx, fig, f"A duration ({fig.text}) about {base['series']}: no rule measures it.")
    if fig.kind == "money" and not series.column.endswith("usd"):
        return _unmapped(ctx, fig, f"An amount of money, but {base['series']} counts people.")
    params = {**_table_params(series, ctx), "period": spec}
    # "63% of the 520,085 people": the whole the share was taken of, not the group's count
    whole = _follows(ctx, fig, WHOLE, kinds=("percent",))
    group_of = None if whole else _nationality_of(ctx, fig)
    if group_of is None and not whole:
        # "ocho veces los 10 mil de 2022": what a people's change is measured from is theirs too
        changed = [f for f in ctx.figures if f.kind in ("change", "multiple") and f.end <= fig.start]
        of_change = _change_group(ctx, changed[-1], series) if changed else None
        group_of = of_change[1] if of_change else None
    group_listed: tuple = ()  # (table, column, by, value) of the nationality counted
    listed = _remaining(ctx, fig, series, spec)
    if listed is not None and group_of is None:
        # "the remaining 54,664": the rest after the groups the story listed with their figures
        if not listed:
            return _unmapped(
                ctx, fig, "The remaining after which groups? The story lists no nationalities with "
                f"figures for {base['series']}, {_period_words(spec)}, before it.",
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
        group = _group_params(series, group_of.key, ctx.vocab)
        if group is not None:
            gp, value = group
            params = {
                "table": gp["table"],
                "column": gp["column"],
                "where": {**gp.get("where", {}), gp["by"]: value},
                "period": spec,
            }
            spans.append((group_of.start, group_of.end))
            caveat = " ".join(c for c in (caveat, _group_caveat(series, group_of.key, ctx.vocab)) if c)
            group_listed = (gp["table"], gp["column"], gp["by"], value)
    if not group_listed and not listed and not latest and not daily:
        run = _run(ctx, fig, series, spec, spans, caveat)
        if run is not None:
            return run
    if latest:
        params["latest"] = True
    if daily:
        params["per"] = "day"
    exact = fig.kind == "count" and not fig.qualifier and not daily
    proposal = ctx.proposal(
        "claim", spans, metric="value", params=params, test=fig.test, caveat=caveat, period=spec,
        printed=fig.value if exact else None,
        claim=f"{base['series']}, {_period_words(spec)}: {fig.test}.", **base,
    )  # fmt: skip
    proposal.group = group_listed
    return proposal


# ------------------------------------------------------------------------------ closures


def _window(ctx: _Context) -> tuple[date, date, Period | None]:
    """The days a closure sentence speaks of: its period, cut at the day before publication
    ("earlier this month" read on the 28th is the 1st to the 27th)."""
    main = _main_period(ctx) or next((p for p in ctx.periods if p.kind == "day"), None)
    if main is not None:
        first, last = periods.month_span(main.spec)
        if main.kind == "day" and ctx.has(REOPENED[ctx.lang]):
            first -= timedelta(days=7)  # "reopened on the 23rd": a closure that ended that week
    else:
        first, last = ctx.published - timedelta(days=90), ctx.published
    return first, min(last, ctx.published - timedelta(days=1)), main


REOPENED = {"en": r"\breopen\w*", "es": r"\breabr\w*"}


def _closure_rows(
    ctx: _Context, first: date, last: date, mode: str | None, any_port: bool = False
) -> list[dict]:
    """Closures in the ledger that overlap the window (of one mode, at the ports named)."""
    ports = set() if any_port else {m.key for m in ctx.of_kind("port")}
    return [
        r
        for r in ctx.vocab.closures
        if date.fromisoformat(r["closed_from"]) <= last
        and date.fromisoformat(r["reopened_on"] or "9999-12-31") >= first
        and (not mode or r["mode"] == mode)
        and (not ports or r["port"] in ports)
    ]


def _dates(row: dict) -> tuple[str, str]:
    return row["closed_from"], row["reopened_on"]


def _selector(ctx: _Context, row: dict, mode: str | None) -> dict:
    """How an entry names the closures it speaks of: "the rail closures in force on 18 December"
    (mode and a day) when every closure of that mode in force that day ran over the same days,
    so one figure stands for them all (the engine cites each); the one row's id otherwise."""
    ports = {m.key for m in ctx.of_kind("port")}
    if mode and len(ports) <= 1:
        day = date.fromisoformat(row["closed_from"])
        same_day = _closure_rows(ctx, day, day, mode)
        if len({_dates(r) for r in same_day}) == 1:
            return {**({"port": row["port"]} if ports else {}), "mode": mode, "on": row["closed_from"]}
    return {"id": row["id"]}


def _elapsed_days(rows: list[dict]) -> float | None:
    """Elapsed time of the closures, in days, where the ledger gives both hours (the shortest)."""
    spans = []
    for r in rows:
        if r.get("closed_at") and r.get("reopened_at"):
            start = datetime.fromisoformat(r["closed_at"])
            end = datetime.fromisoformat(r["reopened_at"])
            spans.append((end - start).total_seconds() / 86400)
    return min(spans) if spans else None


def _closures(ctx: _Context) -> list[Proposal]:
    if not entities.vocabulary().series["closures"].available():
        return []
    first, last, main = _window(ctx)
    modes = ctx.of_kind("closure-mode")
    mode = modes[0].key if modes else ctx.closure_mode
    rows = _closure_rows(ctx, first, last, mode)
    verb = next(m for m in ctx.mentions if m.kind == "series" and m.key == "closures")
    base = dict(
        topic="Border closures", series=entities.vocabulary().series["closures"].label, key="closures"
    )
    window_words = f"{first:%-d %B} to {last:%-d %B %Y}"
    out: list[Proposal] = []
    spans = [(verb.start, verb.end)] + ([(main.start, main.end)] if main else [])
    what = f"{mode} closures" if mode else "closures"
    if not rows:
        return [
            ctx.proposal(
                "unmapped", spans, reason=f"No {what} in the closures ledger between {window_words}.", **base
            )
        ]
    if modes:
        spans.append((modes[0].start, modes[0].end))
    first_row = min(rows, key=lambda r: (r["closed_from"], r["id"]))
    together = [r for r in rows if _dates(r) == _dates(first_row)]  # closed over the same days
    selector = _selector(ctx, first_row, mode)
    named = (
        f"the {mode} closures in force on {_period_words(first_row['closed_from'])}"
        if "mode" in selector
        else f"{first_row['crossing']} ({first_row['port']})"
    )
    also_closed = [r["id"] for r in together if r is not first_row]
    same_days = f"Closed over the same days: {', '.join(r['id'] for r in together)}." if also_closed else ""
    # "closed two rail bridges": the number of crossings closed
    counted = next(
        (
            f
            for f in ctx.figures
            if f.kind == "count"
            and re.match(
                r"(?:\s+\w+){0,2}?\s+" + entities.CLOSURE_TARGETS[ctx.lang],
                fold(ctx.sentence.text[f.end :]),
                re.I,
            )
        ),
        None,
    )
    if counted is not None or main is None:
        # how many closed (or, with no time named, that any did in the last three months)
        params = {"start": first.isoformat(), "end": last.isoformat()}
        if mode:
            params["mode"] = mode
        test = "at least 1"
        if counted is not None:
            test = counted.test
            spans.append((counted.start, counted.end))
            ctx.figures = [f for f in ctx.figures if f is not counted]
        out.append(
            ctx.proposal(
                "claim", spans, metric="closures_in_window", params=params, test=test, period=main.spec if main else "",
                claim=f"{test.replace('at least ', 'At least ').capitalize() if counted else 'At least one'} "
                      f"{what.replace('closures', 'crossing')}(s) shut between {window_words}.", **base,
            )
        )  # fmt: skip
    elif main.kind != "day":  # a day named is checked as the start (or end) itself, below
        # "closed ... earlier this month": the closure began within the days the words name
        test = f"between {first:%-d %B %Y} and {last:%-d %B %Y}"
        out.append(
            ctx.proposal(
                "claim", spans, metric="closure", params={**selector, "field": "start"}, test=test,
                period=main.spec, caveat=same_days,
                claim=f"{named[0].upper() + named[1:]} began between {window_words}.", **base,
            )
        )  # fmt: skip
    for fig in ctx.figures:
        if fig.kind != "duration":
            continue
        field_name = {"days": "duration_days", "hours": "duration_hours"}.get(fig.unit)
        if field_name is None:
            continue
        notes = [same_days] if same_days else []
        on_pass = ""
        elapsed = _elapsed_days(together)
        if field_name == "duration_days" and elapsed is not None and round(elapsed) != fig.value:
            # "for five days" read as calendar days, both ends counted, while the clock says less
            on_pass = CAVEAT
            notes.append(
                f"Counted in calendar days, both ends included ({_period_words(first_row['closed_from'])} to "
                f"{_period_words(first_row['reopened_on'])}); in elapsed time about {elapsed:.1f} days."
            )
        out.append(
            ctx.proposal(
                "claim", [(fig.start, fig.end)], metric="closure", params={**selector, "field": field_name},
                test=fig.test, caveat=" ".join(notes), on_pass=on_pass,
                claim=f"{named[0].upper() + named[1:]} lasted {fig.value:g} {fig.unit}.",
                period=main.spec if main else "", **base,
            )
        )  # fmt: skip
    for p in ctx.periods:
        if p.kind != "day":
            continue
        field_name = "end" if ctx.has(REOPEN[ctx.lang]) else "start"
        out.append(
            ctx.proposal(
                "claim", [(p.start, p.end)], metric="closure", params={**selector, "field": field_name},
                test=p.spec, period=p.spec, caveat=same_days,
                claim=f"{named[0].upper() + named[1:]} {'ended' if field_name == 'end' else 'began'} on {_period_words(p.spec)}.",
                **base,
            )
        )  # fmt: skip
    key = ctx.has(KEY[ctx.lang])
    if key and mode == "rail":
        ports = sorted({r["port"] for r in rows})
        year = str(ctx.published.year)
        out.append(
            ctx.proposal(
                "claim", [(key.start(), key.end())], metric="share",
                params={"table": "crossings_us_mexico", "column": "value",
                        "where": {"port": ports, "measure": "Trains"}, "of": {"measure": "Trains"}, "period": year},
                test=KEY_SHARE, period=year, topic="Border closures", series="Border crossings (BTS)", key="crossings",
                claim=f"The closed rail crossings ({', '.join(ports)}) carry a large share of the trains entering from Mexico ({year}).",
                caveat="'Key' read as at least a quarter of the trains (the kit's house rule); trains differ in length.",
            )
        )  # fmt: skip
    other = ctx.has(OTHER[ctx.lang])
    if other:
        rest = sorted({r["mode"] for r in ctx.vocab.closures} - {mode})
        others = [r for r in _closure_rows(ctx, first, last, None) if r["mode"] in rest]
        params = {"start": first.isoformat(), "end": last.isoformat(), "mode": rest}
        out.append(
            ctx.proposal(
                "claim", [(other.start(), other.end())], metric="closures_in_window", params=params,
                test="at least 1", period=main.spec if main else "", **base,
                claim=f"Other crossings ({', '.join(rest)}) were shut between {window_words} as well.",
                caveat=f"In the ledger: {', '.join(r['id'] for r in others)}." if others else "",
            )
        )  # fmt: skip
    return out


# ------------------------------------------------------------------------------ context


def _context(ctx: _Context, series: Series | None) -> list[Proposal]:
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
        group = _group_params(candidate, code, ctx.vocab)
        if group is None or not candidate.available():
            continue
        params, value = group
        spec = (
            str(ctx.published.year) if freq == "year" else f"{ctx.published.year}-{ctx.published.month:02d}"
        )
        params = _rank_params({**params, "group": value, "period": spec}, ctx.vocab)
        caveat = "The story names the nationality without a figure: background on how large the group is."
        if freq == "month":  # the month the story ran, or the latest month out by then
            params["latest"] = True
            caveat += f" {_period_words(spec)}, or the latest month published when the story ran."
        who = _country(code, ctx.vocab)
        out.append(
            ctx.proposal(
                "context", [(nationality[0].start, nationality[0].end)], metric="rank", params=params,
                test=GROUP_CONTEXT_TEST, topic="Migrants", series=candidate.label, period=spec, key=candidate.key,
                claim=f"{who} among the three largest nationalities, {candidate.label}, {_period_words(spec)}.",
                caveat=caveat,
            )
        )  # fmt: skip
    return out


# ------------------------------------------------------------------------------ months listed

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
COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
RANK_PAIR_REASON = (
    "A rank said of {n} months together ({words!r}): the engine tests one period's rank; map each "
    "month by hand."
)


def _list_year(ctx: _Context) -> int | None:
    """The year of months named without one: the sentence's ("in six months of 2024"), else the
    year of the period the story went on from."""
    for p in ctx.periods:
        if p.kind == "year" and not _is_base(ctx, p):
            return int(p.spec)
    for p in (ctx.carry, ctx.story_period):
        if p is not None and re.match(r"\d{4}(?:$|-)", p.spec):
            return int(p.spec[:4])
    return None


def _month_groups(ctx: _Context) -> list[tuple[int, int, list[str]]]:
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


def _month_list(ctx: _Context, series: Series) -> tuple[list[Proposal], set[int]]:
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
                params = {**_table_params(series, ctx), "period": spec}
                out.append(
                    ctx.proposal(
                        "claim", [(fig.start, fig.end), month_span], metric="value", params=params,
                        test=fig.test, period=spec, printed=fig.value if fig.kind == "count" and not fig.qualifier else None,
                        claim=f"{series.label}, {_period_words(spec)}: {fig.test}.", **base,
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
                params = {**_table_params(series, ctx), "from": start, "to": spec, "measure": "percent"}
                out.append(
                    ctx.proposal(
                        "claim", [(fig.start, fig.end), month_span], metric="change", params=params,
                        test=fig.test, period=spec,
                        claim=f"{series.label}: {_period_words(spec)} against {_period_words(start)}, {fig.test}.",
                        **base,
                    )
                )  # fmt: skip
            used.update(id(f) for f in changes)
        rank = ranks[0] if ranks else None
        if rank is not None and _ranks_places(ctx, rank) is None and _ranks_changes(ctx, rank) is None:
            used.add(id(rank))
            test = rank.test
            if len(months) > 1:
                side = {"the highest": "highest", "the lowest": "lowest"}.get(test)
                if side is None or len(months) not in COUNT_WORDS:
                    out.append(_unmapped(ctx, rank, RANK_PAIR_REASON.format(n=len(months), words=rank.text)))
                    previous_rank = None
                    continue
                test = f"among the {COUNT_WORDS[len(months)]} {side}"
            scope = _month_rank_scope(ctx, rank, months[0])
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


def _month_rank_scope(ctx: _Context, rank: Figure, spec: str) -> dict:
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


def _month_rank(ctx: _Context, series: Series, spec: str, test: str, scope: dict, spans) -> Proposal:
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
        claim=f"{series.label}: {_period_words(spec)} {said} {noun}{within}.",
    )  # fmt: skip


# ------------------------------------------------------------------------------ windows, runs, growth

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
#: a percentage that is a growth rate: "growth ... was 25.9% in 2021", "el crecimiento fue de 25,9%"
GROWTH = {"en": r"\bgrowth\b", "es": r"\bcrecimiento\b"}
#: "the fourth month in a row above US$5 billion", "el cuarto mes consecutivo por encima de ..."
RUN_ORDINALS = {
    "en": {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
           "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12},
    "es": {"segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4, "quinto": 5, "sexto": 6, "septimo": 7,
           "octavo": 8, "noveno": 9, "decimo": 10},
}  # fmt: skip
ORDINAL_WORDS = {n: word for word, n in RUN_ORDINALS["en"].items()}
RUN = {
    "en": r"\b(?P<n>\w+)\s+(?:(?:straight|consecutive)\s+month\b|month\s+(?:in\s+a\s+row|running|straight)\b)"
    r"\s*,?\s*(?:with\s+|at\s+)?$",
    "es": r"\b(?P<n>\w+)\s+mes\s+consecutivo\s*,?\s*(?:con\s+|en\s+)?$",
}


def _count_word(word: str, lang: str) -> int | None:
    if word.isdigit():
        return int(word)
    value = numbers.WORD_NUMBERS[lang].get(word.lower())
    return int(value) if value and value >= 1 and value == int(value) else None


def rank_windows(text: str, figures: list[Figure], lang: str) -> dict[int, tuple[int, str, Figure | None]]:
    """For each rank said over the last N months or years ("the lowest in nine months"): N, the
    unit (month | year) and the figure that printed N (consumed by the rank), by id(rank)."""
    folded = fold(text)
    out = {}
    for fig in figures:
        if fig.kind != "rank":
            continue
        m = re.match(RANK_WINDOW[lang], folded[fig.end :], re.I)
        n = _count_word(m.group("n"), lang) if m else None
        if n is None or n < 2:
            continue
        unit = "month" if m.group("u").lower().startswith("m") else "year"
        a = fig.end + m.start("n")
        held = next((f for f in figures if f.start <= a < f.end), None)
        out[id(fig)] = (n, unit, held, fig.end + m.end())
    return out


def _at_the_time(ctx: _Context, fig: Figure) -> bool:
    before, after = AT_THE_TIME[ctx.lang]
    text = fold(ctx.sentence.text)
    return bool(
        re.search(before, text[max(0, fig.start - 25) : fig.start], re.I)
        or re.match(after, text[fig.end : fig.end + 30], re.I)
    )


def _growth(ctx: _Context, fig: Figure, series: Series, spec: str, spans, caveat: str) -> Proposal | None:
    """ "growth was 25.9% in 2021": the change over the year before (a month's, over the same
    month a year earlier), up by the percentage."""
    if not re.search(GROWTH[ctx.lang], fold(ctx.sentence.text[: fig.start]), re.I) or ".." in spec:
        return None
    start = periods.previous(spec)
    if not start:
        return None
    test = f"up {fig.qualifier + ' ' if fig.qualifier else ''}{fig.value:g}%"
    params = {**_table_params(series, ctx), "from": start, "to": spec, "measure": "percent"}
    return ctx.proposal(
        "claim", spans, metric="change", params=params, test=test, caveat=caveat, period=spec,
        topic=series.topic, series=series.label, key=series.key,
        claim=f"{series.label}: growth in {_period_words(spec)} (against {_period_words(start)}), {test}.",
    )  # fmt: skip


def _run(ctx: _Context, fig: Figure, series: Series, spec: str, spans, caveat: str) -> Proposal | None:
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
    params = {**_table_params(series, ctx), "period": f"{first}..{spec}", "agg": agg}
    before = periods.shift_months(first, -1)
    note = (
        f"'The {ORDINAL_WORDS.get(n, f'{n}th')} month in a row': every month from {_period_words(first)} to "
        f"{_period_words(spec)}, tested on the {'lowest' if agg == 'min' else 'highest'} of them. Check by "
        f"hand that {_period_words(before)} was not, for the run to begin where the story says."
    )
    a = max(0, fig.start - 60) + m.start()
    return ctx.proposal(
        "claim", [(a, fig.end), *spans[1:]], metric="value", params=params, test=fig.test,
        caveat=" ".join(c for c in (caveat, note) if c), period=spec,
        topic=series.topic, series=series.label, key=series.key,
        claim=f"{series.label}: every month from {_period_words(first)} to {_period_words(spec)}, {fig.test}.",
    )  # fmt: skip
