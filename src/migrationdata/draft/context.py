"""What every drafting rule shares: the proposal it makes, the sentence it reads (its figures,
periods and names), and how a series, a nationality or a period becomes the table, column,
filter and words of a ledger entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from migrationdata.draft import periods
from migrationdata.draft.entities import Mention, Series, Vocabulary, fold
from migrationdata.draft.numbers import Figure
from migrationdata.draft.periods import Period
from migrationdata.draft.sentences import Sentence
from migrationdata.sources.honduras import AS_REPORTED

CAVEAT = "supported-with-caveat"


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
    also: list = field(default_factory=list)  # further checks the claim needs ({metric, params, test})

    def entry(self) -> dict:
        """The claim dict the engine evaluates (and story.yaml holds)."""
        out: dict = {"paragraph": self.paragraph, "topic": self.topic, "claim": self.claim}
        if self.kind == "not-checkable":
            out.update(kind="not-checkable", reason=self.reason)
            return out
        if self.kind == "context":
            out["kind"] = "context"
        out.update(metric=self.metric, params=self.params, test=self.test)
        if self.also:
            out["also"] = self.also
        if self.tolerance:
            out["tolerance"] = self.tolerance
        if self.on_pass:
            out["on_pass"] = self.on_pass
        if self.caveat:
            out["caveat"] = self.caveat
        return out


def period_words(spec: str) -> str:
    if spec.startswith("FY"):
        return f"fiscal year {spec[2:]}"
    if ".." in spec:
        a, b = spec.split("..")
        return f"{period_words(a)} to {period_words(b)}"
    if re.fullmatch(r"\d{4}-\d\d", spec):
        return date.fromisoformat(spec + "-01").strftime("%B %Y")
    if re.fullmatch(r"\d{4}-\d\d-\d\d", spec):
        return date.fromisoformat(spec).strftime("%-d %B %Y")
    return spec


def freq_of(spec: str, default: str) -> str:
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


NATIONWIDE = {
    "en": r"\bnationwide\b|\bnationally\b|\bacross (?:all|every) borders?\b|\ball (?:US |U\.S\. )?borders\b",
    "es": r"\ba nivel nacional\b|\ben todo el pa[ií]s\b|\ben todas las fronteras\b",
}


MAIN_KINDS = ("year", "fiscal_year", "month", "range")


def is_base(ctx: Context, p: Period) -> bool:
    """Is this the period a change is measured from ("from December", "than in 2022")?"""
    before = ctx.sentence.text[max(0, p.start - 25) : p.start]
    return bool(
        re.search(BASE_WORDS[ctx.lang], before, re.I)
        or re.match(r"(?:from|than|compared|against|desde|que|frente a|respecto a|comparad)\b", p.text, re.I)
    )


COMPONENTS = {"border-patrol": "U.S. Border Patrol", "ports-of-entry": "Office of Field Operations"}


def nationwide(ctx: Context, series: Series) -> bool:
    """CBP's figures for every border, not the Southwest's alone ("nationwide")."""
    return series.key in ("southwest", *COMPONENTS) and bool(
        re.search(NATIONWIDE[ctx.lang], fold(ctx.sentence.text), re.IGNORECASE)
    )


def table_params(series: Series, ctx: Context | None = None, fig: Figure | None = None) -> dict:
    """Table, column and filter for a series, narrowed to the sector, field office, port or
    kind of traffic the sentence names, or widened to every border ("nationwide"); for trade,
    the column the figure's own clause names (see :func:`trade_column`)."""
    params: dict = {"table": series.table, "column": series.column}
    where = dict(series.where)
    if ctx is not None:
        areas = ctx.of_kind("sector") or ctx.of_kind("field-office")
        if areas and series.key in ("southwest", "border-patrol", "ports-of-entry"):
            params = {"table": "cbp_encounters", "column": "encounters"}
            where = {"area": areas[0].key}
        elif nationwide(ctx, series):
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
            params["column"] = trade_column(ctx, fig) or series.column
        if series.key == "missing-migrants":
            # the Darién's when the sentence names it, or names no border in a story that
            # follows the Darién's crossings ("55 migrants died during the crossing")
            darien = ctx.has(r"\bdarien\b") or (
                ctx.route == "darien" and not ctx.has(r"\bborder\b|\bfrontera\b")
            )
            where["area"] = "darien" if darien else "us_mexico_border"
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


def trade_column(ctx: Context, fig: Figure | None = None) -> str | None:
    """The trade column a figure speaks of: the one its own clause names (from the last comma,
    semicolon or "while" before it to the next after it), else the one named nearest before it
    ("Mexico's exports reached $42.2 billion, up 2.8%": the 2.8% is imports too), else the
    sentence's first. Without a figure, the sentence's first."""
    text = fold(ctx.sentence.text)

    def first_in(a: int, b: int) -> str | None:
        return next(
            (column for pattern, column in TRADE_COLUMNS[ctx.lang] if re.search(pattern, text[a:b], re.I)),
            None,
        )

    if fig is not None:
        cuts = [m.start() for m in re.finditer(CLAUSE_CUT[ctx.lang], text, re.I)]
        end = min((c for c in cuts if c >= fig.end), default=len(text))
        # the figure's clause, then each clause before it, nearest first
        for start in sorted({0, *(c for c in cuts if c <= fig.start)}, reverse=True):
            named = first_in(start, end)
            if named:
                return named
            end = start
    return first_in(0, len(text))


#: where a clause of a trade sentence ends: a comma, semicolon or colon, or a contrast
CLAUSE_CUT = {
    "en": r"[,;:]|\b(?:while|whereas|but)\b",
    "es": r"[,;:]|\b(?:mientras(?: que)?|pero|en tanto que)\b",
}


def group_params(series: Series, code: str, vocab: Vocabulary) -> tuple[dict, str] | None:
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


def group_caveat(series: Series, code: str, vocab: Vocabulary) -> str:
    """What an editor must know about a people's rows in the series' table."""
    if series.key == "honduras" and len(AS_REPORTED.get(code, ())) > 1:
        codes = AS_REPORTED[code]
        return (
            f"INM's {country(code, vocab)} is coded {' and '.join(c for c in codes if c != code)} in the "
            f"republished file (gdidata): counted as {' + '.join(codes)}."
        )
    return ""


def rank_params(params: dict, vocab: Vocabulary) -> dict:
    """A rank of nationalities leaves out the publisher's residual groups ("Other"), which are
    not a nationality and can outnumber the groups the story names."""
    residual = vocab.residual_groups.get((params["table"], params["by"]))
    if residual:
        params = {**params, "exclude": {params["by"]: list(residual)}}
    return params


def country(code: str, vocab: Vocabulary) -> str:
    return vocab.country_names.get(code, (code, code))[0]


@dataclass
class Context:
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
    period_carried: bool = False  # it names the story's topic but no period: the story's is used
    closure_mode: str | None = None  # the kind of crossing the story last said was closed
    route: str | None = None  # the series of people on the move the story named last (not its deaths)
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


def main_period_of(ctx: Context) -> Period | None:
    for p in ctx.periods:
        if p.kind in MAIN_KINDS:
            return p
    return None


def and_list(items: list[str]) -> str:
    """ "Canada", "Canada and China", "Canada, China and Japan": names as an editor's note lists them."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def unmapped(ctx: Context, fig: Figure, reason: str) -> Proposal:
    return ctx.proposal("unmapped", [(fig.start, fig.end)], reason=reason, test=fig.test)
