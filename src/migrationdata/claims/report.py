"""Reports: per story ``factcheck.md``, ``factcheck.html`` (Jinja2, autoescaped) and
``claimreview.jsonld`` (schema.org ClaimReview, safe inside ``<script>``), an index of every
story, and ``docs/claims.md`` (the ledger format, the metrics, the tests and the verdicts).

Each report is written in every edition (:data:`migrationdata.i18n.LANGUAGES`): English in
``reports/<slug>/`` and ``reports/index.*``, Spanish (Mexico) in ``reports/<slug>/es/`` and
``reports/es/index.*``. Every word a report prints comes from the message catalogs
(``locales/<lang>.toml``, ``[reports]``) through :class:`Words`; the story's own text (its
claims, caveats and reasons, written in English) is shown in Spanish where the ledger has a
person's rendering (``claim_es``, ``caveat_es``, ``reason_es``) and otherwise in English,
labelled as the original text. A claim is evaluated once; every edition is rendered from the
same results, so the editions cannot disagree on a verdict. The figure's full computation and
its test are worded in each edition from the phrases the metrics and the verdict record
(:mod:`migrationdata.claims.wording`, ``[reports.metrics]``, ``[reports.tests]``); the
Spanish edition gives the test in Spanish, with the English story's own words beside it. The
English pages link to the Spanish edition.

Every report is rendered in memory first and written file by file through a temporary file
and a rename, so an interrupted or failing build never leaves a half-written report; a story
that fails to load or to evaluate is listed in the index with its error and the others are
written as usual. A catalog missing a word stops the edition before anything is written, with
the key named (:class:`TranslationError`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from migrationdata import i18n
from migrationdata.claims import numbers
from migrationdata.claims.evaluate import Result, evaluate_story
from migrationdata.claims.metrics import METRICS, describe
from migrationdata.claims.story import Story, StoryError, load_stories
from migrationdata.claims.wording import render, sentence, words_for_test
from migrationdata.errors import MigrationDataError, ReportError
from migrationdata.paths import PACKAGE_DIR, REPO_DIR, figures_dir, manifest_path, reports_dir

#: the BCP 47 tag each edition's pages and ClaimReview carry
PAGE_LANG = {"en": "en", "es": "es-MX"}


def long_date(d: date, lang: str = "en") -> str:
    """28 December 2023 / 28 de diciembre de 2023."""
    if lang == "en":
        return f"{d.day} {d:%B %Y}"
    return i18n.date(d, lang, "date")


def checked_on() -> str:
    """The date of the newest data read (the latest retrieval in the manifest), so reports
    change only when the data do."""
    path = manifest_path()
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        files = {}
    stamps = [e.get("retrieved_at") or "" for e in files.values()]
    return max(stamps)[:10] if any(stamps) else ""


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def jsonld_text(obj) -> str:
    """JSON that cannot close a ``<script>`` element or open a comment in it."""
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _md(text: str) -> str:
    """Story text inside Markdown: no raw HTML gets through."""
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ----------------------------------------------------------------------------- words

# a report prints the same few dates hundreds of times: each is worded once (Babel is slow)
_long_date = cache(long_date)


@cache
def _iso_date(text: str, lang: str) -> str:
    return long_date(pd.Timestamp(text).date(), lang)


@cache
def _month_year(text: str, lang: str) -> str:
    return i18n.date(pd.Timestamp(text), lang, "month_year")


_MONTH_YEAR = re.compile(r"^[A-Z][a-z]+ \d{4}$")
_FISCAL = re.compile(r"^FY(\d{4})$")


class Words:
    """What one edition prints: the catalog's words (``[reports]``), dates and numbers in its
    style, and the story's text in its language where the ledger has it.

    Each method that gives the story's text returns ``(text, original)``: ``original`` is True
    when the text is the English of the ledger shown in another edition, to be labelled so."""

    def __init__(self, lang: str = i18n.DEFAULT, story: Story | None = None, editions=()):
        self.lang = lang
        self.book = i18n.catalog(lang)
        self.english = lang == "en"
        self.page_lang = PAGE_LANG[lang]
        self.entries = {c.id: c.entry for c in story.claims} if story is not None else {}
        self.story_lang = story.language if story is not None else "en"
        #: the Spanish edition is written beside this one: the English pages link to it
        self.spanish = self.english and "es" in editions

    def _words(self, key: str, fields: dict) -> str:
        """The template for ``reports.<key>``: i18n.text's checks, without its cost on the
        thousands of lookups a report makes when nothing is wrong."""
        words = self.book.get(f"reports.{key}")
        if words is None or not i18n.fields(words) <= fields.keys():
            i18n.text(f"reports.{key}", self.lang, **fields)  # raises, naming the key and file
        return words

    def __call__(self, key: str, **fields) -> str:
        # a sentence ending on a verdict that ends in an ellipsis ("Verdadero, pero…") takes
        # no further full stop
        return self._words(key, fields).format(**fields).replace("….", "…")

    def markup(self, key: str, **fields) -> Markup:
        """The words for HTML: the catalog's text is ours (only &, < and > are escaped, so
        the English reads as it always has); each field is escaped unless it is Markup."""
        words = self._words(key, fields)
        safe = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Markup(Markup(safe).format(**fields).replace("….", "…"))  # noqa: S704 - fields escaped by format

    def common(self, key: str, **fields) -> str:
        return i18n.text(f"common.{key}", self.lang, **fields)

    def source_title(self, source: dict) -> str:
        return _source_title(source, self)

    def outlet(self, story) -> str:
        """The outlet as this edition words it (a story's ``outlet_es`` in Spanish, if given)."""
        return story.outlet_es if not self.english and story.outlet_es else story.outlet

    # -------------------------------------------------------------- dates, verdicts, tallies

    def date(self, d: date) -> str:
        return _long_date(d, self.lang)

    def iso_date(self, text) -> str:
        """A date the report has as ISO text (a retrieval, a checked date): English prints it
        as it is, the other editions in words."""
        if self.english or not text:
            return str(text)
        return _iso_date(str(text), self.lang)

    def index_date(self, d: date) -> str:
        return str(d) if self.english else i18n.date(d, self.lang, "date_short")

    def verdict(self, v: str) -> str:
        return self(f"verdict.{v}")

    def now_label(self, as_of: date | None) -> str:
        return self("now") if as_of is None else self("as_of", date=self.date(as_of))

    def now_label_iso(self, as_of: date | None) -> str:
        """As :meth:`now_label`, the date as the terminal prints it (ISO in English)."""
        return self("now") if as_of is None else self("as_of", date=self.iso_date(as_of.isoformat()))

    def tally(self, items, none: bool = True) -> str:
        out = self("tally_separator").join(
            self("tally_item", count=n, verdict=self.verdict(v)) for v, n in items
        )
        return out or (self("tally_none") if none else "")

    def link(self, slug: str, name: str) -> str:
        """From the edition's index to a story's report in the same edition."""
        return f"{slug}/{name}" if self.english else f"../{slug}/{self.lang}/{name}"

    def html_lang(self, story: Story) -> str:
        return story.language if self.english else self.page_lang

    # -------------------------------------------------------------- the story's words

    def pair(self, english: str) -> tuple[str, bool]:
        return english, not self.english

    def notes(self, story) -> tuple[str, bool]:
        """The story's notes in this edition: a person's Spanish (``notes_es``) where written,
        else the English, flagged as the original text."""
        if not self.english and getattr(story, f"notes_{self.lang}", None):
            return getattr(story, f"notes_{self.lang}").strip(), False
        return self.pair(story.notes.strip())

    def _translated(self, r: Result, field: str, english: str) -> tuple[str, bool]:
        if self.english:
            return english, False
        entry = self.entries.get(r.id)
        own = getattr(entry, f"{field}_{self.lang}", None) if entry is not None else None
        return (own.strip(), False) if own else (english, True)

    def claim(self, r: Result) -> tuple[str, bool]:
        return self._translated(r, "claim", r.claim)

    def caveat(self, r: Result) -> tuple[str, bool]:
        return self._translated(r, "caveat", r.caveat)

    def reason(self, r: Result) -> tuple[str, bool]:
        """Why the verdict: the engine's note in English; in another edition the rule that
        applied in its words (the ledger's reason for a claim data cannot settle)."""
        if self.english:
            return r.note, False
        if r.rule == "not-checkable":
            return self._translated(r, "reason", r.note)
        return self.why(r), False

    def why(self, r: Result) -> str:
        if self.english or not r.rule:
            return r.note
        if r.rule == "not-checkable":
            return self.reason(r)[0]
        return self(f"rule.{r.rule}", test=self.test(r)[0])

    def test(self, r: Result) -> tuple[str, str]:
        """The claim's test in this edition, and the story's own words for it where they are in
        another language ("" when the test shown is the story's own wording)."""
        if self.english or r.test_spec is None or self.story_lang == self.lang:
            return r.test, ""
        shown = self("tests.quoted", test=words_for_test(r.test_spec, self.lang))
        # "5" reads the same in both: the story's own words, said once
        return (r.test, "") if shown == r.test else (shown, r.test)

    @staticmethod
    def span(text: str, lang: str) -> Markup:
        """Words in another language, marked so (screen readers switch voice)."""
        return Markup('<span lang="{}">{}</span>').format(lang, text)

    def computation(self, r: Result) -> str:
        """How the figure was computed and how its test went, in this edition's words."""
        if r.figure is None:
            return ""
        if self.english:
            return f"{r.display}. {r.note}" + "".join(f" {self('and')}: {c}" for c in r.conditions)
        if r.figure.words is None or r.note_words is None:
            raise i18n.TranslationError(
                f"claim {r.id}: its metric gave no words for the {self.lang} edition (Figure.words). "
                "What to do: record them in the metric, as claims/metrics.py does for every metric."
            )
        out = sentence(render(r.figure.words, self.lang, self.story_lang)) + ". "
        out += sentence(render(r.note_words, self.lang, self.story_lang))
        for c in r.condition_words:
            out += f" {self('and')}: " + render(c, self.lang, self.story_lang)
        return out

    def detail(self, r: Result) -> str:
        """The engine's note where the edition's words do not carry it all (a figure that could
        not be computed, a period with no data): in the edition's words where the metric
        recorded them, otherwise in English, labelled (:meth:`detail_in_english`)."""
        if self.english or r.checkable or r.rule in ("", "not-checkable"):
            return ""
        if r.note_words is not None:
            return sentence(render(r.note_words, self.lang, self.story_lang)) + "."
        return r.note

    def detail_in_english(self, r: Result) -> bool:
        return r.note_words is None

    # -------------------------------------------------------------- figures

    def number(self, x: float) -> str:
        x = float(x)
        return i18n.number(x, self.lang, 0 if x.is_integer() else 1)

    def through(self, r: Result) -> str:
        text = r.data_through
        if self.english or not text:
            return text
        if _MONTH_YEAR.match(text):
            return _month_year(text, self.lang)
        fiscal = _FISCAL.match(text)
        return self("fiscal_year", year=fiscal.group(1)) if fiscal else text

    def figure(self, r: Result) -> str:
        """The figure: English gives the metric's own sentence; another edition its headline
        number in its own style (the sentence is shown, in English, as the computation)."""
        if self.english or r.figure is None:
            return r.display
        fig, v = r.figure, r.figure.value
        entry = self.entries.get(r.id)
        field = (entry.params or {}).get("field") if entry is not None and entry.metric == "closure" else None
        if field == "duration_days":
            return self("days", count=self.number(v))
        if field == "duration_hours":
            return self("hours", count=self.number(v))
        unit = fig.unit
        if unit == "usd":
            if abs(v) >= 1e9:
                return i18n.billions_of_dollars(v, self.lang)
            return self("dollars", amount=self.number(v))
        if unit == "percent":
            return i18n.number(v, self.lang, 1) + "%"
        if unit == "percent-change":
            return ("+" if v > 0 else "") + i18n.number(v, self.lang, 1) + "%"
        if unit == "difference":
            return ("+" if v > 0 else "") + self.number(v)
        if unit == "ratio":
            return self("times", ratio=i18n.number(v, self.lang, 2))
        if unit == "rank":
            return self("rank_of", rank=int(v), count=fig.extra.get("count", "?"))
        if unit == "date":
            return self.date(pd.Timestamp(v).date())
        if unit == "bool":
            return self("yes") if v else self("no")
        if isinstance(v, int | float) and not isinstance(v, bool):
            return self.number(v)
        return str(v)


# ----------------------------------------------------------------------------- rows


@dataclass
class Row:
    """One claim in a report: its result for each date shown."""

    now: Result
    then: Result | None  # on publication day (None when the view is that day)
    checked: list[tuple[str, Result]]


@dataclass
class View:
    as_of: date | None
    figures: Path
    prefix: str  # the figures folder relative to the story's report folder
    lang: str = i18n.DEFAULT

    def chart(self, slug: str | None) -> str:
        """The chart's PNG, in the edition's language where it is drawn (figures/<lang>/)."""
        if not slug:
            return ""
        if self.lang != "en" and (self.figures / self.lang / f"{slug}.png").exists():
            return f"{self.prefix}/{self.lang}/{slug}.png"
        return f"{self.prefix}/{slug}.png" if (self.figures / f"{slug}.png").exists() else ""

    def alt_text(self, slug: str) -> str:
        """The edition's own alt text for a chart drawn in its language (its sidecar's
        ``alt_text``), or "" where there is none."""
        if self.lang == "en":
            return ""
        try:
            meta = json.loads((self.figures / self.lang / f"{slug}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ""
        return str(meta.get("alt_text") or "") if isinstance(meta, dict) else ""


def story_rows(story: Story, as_of: date | None = None) -> list[Row]:
    now = evaluate_story(story, as_of)
    then = {r.id: r for r in evaluate_story(story, story.published)} if as_of != story.published else {}
    checked = [
        (d.isoformat(), {r.id: r for r in evaluate_story(story, d)}) for d in story.checked if as_of is None
    ]
    return [Row(r, then.get(r.id), [(k, v[r.id]) for k, v in checked]) for r in now]


def counts(rows: list[Row]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        if not row.now.context:
            out[row.now.verdict] = out.get(row.now.verdict, 0) + 1
    return out


# ----------------------------------------------------------------------------- Markdown


def _source_title(s: dict, w: Words) -> str:
    """A source's title as the edition words it: the publisher's name that opens the title of a
    table's file ("<publisher>: <file>") is the one the charts' source lines use in that language
    (:func:`i18n.publisher`), where the catalogs have it."""
    title = s.get("title") or s.get("url") or ""
    english = s.get("publisher") or ""
    if w.english or s.get("table") == "closures" or not english or not title.startswith(english + ": "):
        return title
    return i18n.publisher(english, w.lang) + title[len(english) :]


def _sources_md(sources: list[dict], w: Words) -> list[str]:
    lines = []
    for s in sources:
        got = (
            ", " + w.common("retrieved", date=w.iso_date(s["retrieved_at"][:10]))
            if s.get("retrieved_at")
            else ""
        )
        dated = f" ({w.iso_date(s['date'])})" if s.get("date") else ""
        who = f"{s.get('publisher')}: " if s.get("publisher") and s.get("table") == "closures" else ""
        via = (
            " — " + w("via_table", table=f"`{s['table']}`")
            if s.get("table") and s["table"] != "closures"
            else (" — " + w("via_closure", closure=f"`{s['closure']}`") if s.get("closure") else "")
        )
        lines.append(f"  - [{_md(who + _source_title(s, w))}]({s.get('url')}){dated}{got}{via}")
    return lines


def _said_md(pair: tuple[str, bool], w: Words) -> str:
    text, original = pair
    return _md(text) + (f" _({w('original_text')})_" if original else "")


def _detail_md(r: Result, w: Words) -> str:
    detail = w.detail(r)
    if not detail:
        return ""
    if w.detail_in_english(r):
        return f" {w('detail_short')} {w('detail_lang')}: {_md(detail)}"
    return f" {w('detail_short')}: {_md(detail)}"


def _entry_md(row: Row, view: View, story: Story, w: Words) -> list[str]:
    r = row.now
    now = w.now_label(view.as_of)
    label = (w("kind_context") if r.context else w("kind_claim")) + (
        " " + w("draft") if r.status == "draft" else ""
    )
    out = [
        f'<a id="{r.id}"></a>',
        "",
        f"### {r.id}",
        "",
        f"**{label}** ({w('paragraph', number=r.paragraph)}): {_said_md(w.claim(r), w)}",
        "",
    ]
    if r.quote:
        out += [f"> {_md(r.quote)}", ""]
    verdict = f"**{w('verdict_line', when=now, verdict=w.verdict(r.verdict))}**"
    if row.then is not None:
        verdict += " " + w("then_line", date=w.date(story.published), verdict=w.verdict(row.then.verdict))
    for key, res in row.checked:
        verdict += " " + w(
            "checked_line", date=w.date(date.fromisoformat(key)), verdict=w.verdict(res.verdict)
        )
    out += [verdict, ""]
    if r.checkable:
        shown, own = w.test(r)
        if w.english:
            test = _md(shown)
        elif own:
            test = f"{_md(shown)} ({w('tests.in_story', test=_md(own))})"
        else:
            test = f"{_md(shown)} ({w('test_words')})"
        out.append(f"- **{w('test')}:** {test}.")
        through = f" ({w('data_through', period=w.through(r))})" if r.data_through else ""
        out.append(f"- **{w('figure', when=now)}**{through}: {_md(w.figure(r))}")
        if w.english:
            for cond in r.conditions:
                out.append(f"- **{w('and')}:** {_md(cond)}")
        if row.then is not None and row.then.checkable:
            t = row.then
            through = f" ({w('data_through', period=w.through(t))})" if t.data_through else ""
            out.append(f"- **{w('figure_then')}**{through}: {_md(w.figure(t))}")
        elif row.then is not None:
            extra = _detail_md(row.then, w)
            out.append(f"- **{w('on_publication_day')}:** {_md(w.why(row.then))}{extra}")
        out.append(f"- **{w('why')}:** {_said_md(w.reason(r), w)}")
    else:
        extra = _detail_md(r, w)
        out.append(f"- **{w('why_not')}:** {_said_md(w.reason(r), w)}{extra}")
    if r.caveat:
        out.append(f"- **{w('caveat')}:** {_said_md(w.caveat(r), w)}")
    if not w.english and r.checkable:
        out.append(f"- **{w('detail')}:** {_md(w.computation(r))}")
    if r.sources:
        out.append(f"- **{w.common('sources')}** {w('sources_what')}:")
        out += _sources_md(r.sources, w)
    link = view.chart(r.chart)
    if link:
        out += ["", f"![{r.chart}]({link})"]
    return out + [""]


def _story_line(story: Story, w: Words) -> str:
    when = w.date(story.published)
    headline = _md(story.headline)  # the story's own headline, in its own language
    outlet = _md(w.outlet(story))
    if story.url.startswith("http"):
        return f"[{headline}]({story.url}), {outlet}, {when}."
    why = story.url.removeprefix("unknown: ")
    if not w.english and story.url_es:
        why = story.url_es.removeprefix("desconocida: ")
    address = w("address", address=_md(why))
    return f"{headline}, {outlet}, {when} ({address})."


def report_markdown(story: Story, rows: list[Row], view: View, w: Words | None = None) -> str:
    w = w or Words(view.lang, story)
    today = checked_on()
    c = counts(rows)
    now = w.now_label(view.as_of)
    pub = w.date(story.published)
    title = f"# {w('title')}{' ' + now if view.as_of else ''}: {_md(story.headline)}"
    out = [title, ""]
    if not w.english:
        out += [f"[{w('english_edition')}](../factcheck.md)", ""]
    elif w.spanish:
        out += [f"[{w('spanish_edition')}](es/factcheck.md)", ""]
    if view.as_of is not None:
        out += [w("md.as_of_banner", date=w.date(view.as_of)), ""]
    out += [
        f"{w('the_story')}: {_story_line(story, w)}",
        "",
        *([f"{w.common('note')}: {_said_md(w.notes(story), w)}", ""] if story.notes else []),
        w("md.intro", published=pub, when=now, slug=story.slug),
        "",
        w(
            "md.legend",
            **{
                v.replace("-", "_"): w.verdict(v)
                for v in ("supported", "supported-with-caveat", "not-supported", "not-checkable")
            },
        )
        + " "
        + w("claims_tally", when=now)
        + " "
        + w.tally(sorted(c.items()))
        + ".",
        "",
        w("md.then_note"),
        "",
    ]
    claims = [r for r in rows if not r.now.context]
    context = [r for r in rows if r.now.context]
    extra = [k for k, _ in (claims[0].checked if claims else [])]
    cols = (
        ([] if view.as_of == story.published else [w("col_then", date=pub)])
        + [w.date(date.fromisoformat(k)) for k in extra]
        + [now]
    )
    out += [f"| {w('col_claim')} | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    for row in claims:
        cells = ([row.then.verdict] if row.then is not None else []) + [res.verdict for _, res in row.checked]
        cells = [w.verdict(v) for v in cells + [row.now.verdict]]
        out.append(f"| [{row.now.id}](#{row.now.id}) | " + " | ".join(cells) + " |")
    out += ["", f"## {w('section_claims')}", ""]
    for row in claims:
        out += _entry_md(row, view, story, w)
    if context:
        out += [f"## {w('section_context')}", "", w("context_intro"), ""]
        for row in context:
            out += _entry_md(row, view, story, w)
    if today:
        out.append(
            f"_{w('checked_against', date=w.iso_date(today))}"
            + (f", {w('cut_to', date=w.date(view.as_of))}._" if view.as_of else "._")
        )
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- HTML

CSS = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}"
    "img{max-width:100%;border:1px solid #eee}h2{margin-top:2.5rem;border-top:1px solid #ddd;padding-top:1rem}"
    ".v-supported{color:#1a7f37}.v-not-supported{color:#b42318}.v-error{color:#b42318;font-weight:bold}"
    ".banner{margin:1rem 0;padding:.6rem 1rem;background:#fff4e5;border-left:6px solid #D55E00}"
    "blockquote{margin:.5rem 0;padding-left:1rem;border-left:3px solid #ccc;color:#555}"
)

_ENV = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _code(text: str) -> Markup:
    return Markup("<code>{}</code>").format(text)


def report_html(story: Story, rows: list[Row], view: View, w: Words | None = None) -> str:
    w = w or Words(view.lang, story)
    claims = [r for r in rows if not r.now.context]
    context = [r for r in rows if r.now.context]
    extra = [k for k, _ in (claims[0].checked if claims else [])]
    return _ENV.get_template("report.html.j2").render(
        story=story,
        view=view,
        w=w,
        t=w.markup,
        code=_code,
        now_label=w.now_label(view.as_of),
        css=Markup(CSS),  # noqa: S704 - a constant of this module
        counts=sorted(counts(rows).items()),
        claims=claims,
        show_then=view.as_of != story.published,
        extra=extra,
        sections=[(w("section_claims"), claims), (w("section_context"), context)],
        today=checked_on(),
        # < > & are escaped by jsonld_text, so the JSON cannot leave its <script>
        jsonld=Markup(jsonld_text(claimreview(story, rows, view.as_of, w))),  # noqa: S704
    )


# ----------------------------------------------------------------------------- ClaimReview

#: schema.org ratingValue of each verdict (its name, alternateName, is in the catalogs)
RATINGS = {"supported": 5, "supported-with-caveat": 4, "not-supported": 1}


def claimreview(
    story: Story, rows: list[Row], as_of: date | None = None, w: Words | None = None
) -> list[dict]:
    """schema.org ClaimReview objects, one per claim with a verdict (not context figures, not
    the ones the data cannot settle). With ``as_of``, each explanation says whose data it rests on.
    In an edition other than English the review says its language (``inLanguage``), names the
    verdict in it and quotes the claim in it where the ledger has it."""
    w = w or Words("en", story)
    out = []
    lead = w("claimreview_lead", date=w.date(as_of)) + " " if as_of is not None else ""
    appearance = {
        "@type": "NewsArticle",
        "headline": story.headline,
        "datePublished": story.published.isoformat(),
        "publisher": {"@type": "Organization", "name": w.outlet(story)},
    }
    if story.url.startswith("http"):
        appearance["url"] = story.url
    folder = f"reports/{story.slug}" + ("" if w.english else f"/{w.lang}")
    for row in rows:
        r = row.now
        if r.context or r.status == "draft" or r.verdict not in RATINGS:
            continue
        if w.english:
            explanation = f"{lead}{r.display}. {r.caveat}".strip()
        else:
            through = f" ({w('data_through', period=w.through(r))})" if r.data_through else ""
            explanation = f"{lead}{w.figure(r)}{through}. {w.caveat(r)[0]}".strip()
        review: dict = {"@context": "https://schema.org", "@type": "ClaimReview"}
        if not w.english:
            review["inLanguage"] = w.page_lang
        review |= {
            "url": f"{folder}/factcheck.html#{r.id}",
            "claimReviewed": w.claim(r)[0],
            "datePublished": checked_on() or story.published.isoformat(),
            "author": {"@type": "Organization", "name": "migrationdata fact-check"},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATINGS[r.verdict],
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": w(f"rating.{r.verdict}"),
                "ratingExplanation": explanation,
            },
            "itemReviewed": {
                "@type": "Claim",
                "datePublished": story.published.isoformat(),
                "appearance": appearance,
            },
        }
        out.append(review)
    return out


# ----------------------------------------------------------------------------- writing


def render_story(
    story: Story, view: View, langs: Sequence[str] = ("en",)
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every file of a story's report, by its path in the story's folder (``factcheck.md``,
    ``es/factcheck.md``...), and the count of each verdict. The claims are evaluated once."""
    rows = story_rows(story, view.as_of)
    files: dict[str, bytes] = {}
    for lang in langs:
        w = Words(lang, story, langs)
        v = View(view.as_of, view.figures, view.prefix if lang == "en" else f"../{view.prefix}", lang)
        sub = "" if lang == "en" else f"{lang}/"
        files[f"{sub}factcheck.md"] = report_markdown(story, rows, v, w).encode("utf-8")
        files[f"{sub}factcheck.html"] = report_html(story, rows, v, w).encode("utf-8")
        files[f"{sub}claimreview.jsonld"] = (
            jsonld_text(claimreview(story, rows, view.as_of, w)) + "\n"
        ).encode("utf-8")
    files["checks.json"] = (
        json.dumps(checks(story, [r.now for r in rows]), indent=1, ensure_ascii=False) + "\n"
    ).encode("utf-8")
    return files, counts(rows)


def checks(story: Story, results: list[Result]) -> dict:
    """The figures and verdicts as computed now, for the refresh digest to compare against
    (``migrationdata alert``): what a later refresh moved is news to the desk."""
    out = []
    for r in results:
        value = r.as_json()["value"]
        out.append(
            {
                "id": r.id,
                "paragraph": r.paragraph,
                "status": r.status,
                "verdict": r.verdict,
                "value": value
                if isinstance(value, bool | int | float | str) or value is None
                else str(value),
                "figure": r.display,
            }
        )
    return {"story": story.slug, "published": story.published.isoformat(), "claims": out}


def write_reports(
    folder: Path | None = None,
    as_of: date | None = None,
    figures: Path | None = None,
    root: Path | None = None,
    langs: Sequence[str] | None = None,
) -> list[Path]:
    """Write ``<folder>/<slug>/factcheck.{md,html}``, ``claimreview.jsonld`` and
    ``checks.json`` for every story, and ``<folder>/index.{html,md}``, in every edition of
    ``langs`` (default: all, :data:`migrationdata.i18n.LANGUAGES`); an edition other than
    English goes to ``<folder>/<slug>/<lang>/`` and ``<folder>/<lang>/index.*``.

    A catalog that lacks a word any edition prints raises :class:`TranslationError`, naming
    every missing key, before anything is written. A story that cannot be loaded or evaluated
    is left as it was (no half-written report) and named in the index; :class:`ReportError` is
    raised after the others are written."""
    folder = Path(folder or reports_dir())
    figures = Path(figures or figures_dir())
    langs = tuple(langs or i18n.LANGUAGES)
    for lang in langs:
        i18n.require_complete(lang, "reports.")
    errors: list[MigrationDataError] = []
    stories = load_stories(root, errors=errors)
    written, listed, rendered = [], [], []
    for story in stories:
        if as_of is not None and story.published > as_of:
            continue  # not yet published on that day: an as-of report cannot know of it
        out = folder / story.slug
        prefix = Path(os.path.relpath(figures.resolve(), out.resolve())).as_posix()
        try:
            files, c = render_story(story, View(as_of, figures, prefix), langs)
        except i18n.TranslationError:
            # the edition, not the story, is at fault (a table's label missing from a
            # catalog): stop before anything is written
            raise
        except MigrationDataError as exc:
            errors.append(StoryError(story.path, [("", "", str(exc))]))
            continue
        rendered.append((out, files))
        listed.append((story, sorted(c.items())))
    for out, files in rendered:
        for name, data in files.items():
            write_atomic(out / name, data)
            written.append(out / name)
    for lang in langs:
        w = Words(lang, editions=langs)
        where = folder if w.english else folder / lang
        index = _ENV.get_template("report-index.html.j2").render(
            stories=listed,
            errors=[str(e) for e in errors],
            as_of=as_of,
            w=w,
            t=w.markup,
            code=_code,
            css=Markup(CSS),  # noqa: S704 - a constant
        )
        write_atomic(where / "index.html", index.encode("utf-8"))
        write_atomic(where / "index.md", index_markdown(listed, errors, as_of, w).encode("utf-8"))
        written += [where / "index.html", where / "index.md"]
    if errors:
        raise ReportError(
            "fact-check reports written for the other stories, but not for these:\n"
            + "\n".join(str(e) for e in errors)
        )
    return written


def index_markdown(listed, errors, as_of: date | None, w: Words | None = None) -> str:
    w = w or Words()
    title = f"# {w('index_title')}" + (f" {w('as_of', date=w.date(as_of))}" if as_of else "")
    cols = [w("col_published"), w("col_story"), w("col_outlet"), w("col_claims")]
    out = [
        title,
        "",
        *([] if w.english else [f"[{w('english_edition')}](../index.md)", ""]),
        *([f"[{w('spanish_edition')}](es/index.md)", ""] if w.spanish else []),
        w("md.index_intro"),
        "",
        "| " + " | ".join(cols) + " |",
        "| --- | --- | --- | --- |",
    ]
    for s, c in listed:
        out.append(
            f"| {w.index_date(s.published)} | [{_md(s.headline)}]({w.link(s.slug, 'factcheck.md')}) "
            f"| {_md(w.outlet(s))} | {w.tally(c, none=False)} |"
        )
    if errors:
        out += ["", f"## {w('index_errors')}", ""] + [f"- {_md(str(e))}" for e in errors]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- docs/claims.md


def _cell(text: str) -> str:
    """Text inside a Markdown table cell: a | would end the cell."""
    return str(text).replace("|", "\\|")


def docs_path() -> Path:
    return REPO_DIR / "docs" / "claims.md"


def docs_markdown() -> str:
    """docs/claims.md: generated from the code (metrics, their parameters, the test rules and
    the verdict rules); ``tests/claims/test_docs.py`` checks it is current."""
    from migrationdata.claims import evaluate as ev

    out = [
        "# Fact-checking a story: the ledger, the metrics, the tests, the verdicts",
        "",
        "Generated by `migrationdata metrics --write-docs` from `src/migrationdata/claims/`; do not edit by hand",
        "(`tests/claims/test_docs.py` fails when it is out of date).",
        "",
        "## The ledger: `stories/<slug>/story.yaml`",
        "",
        "One folder per story. `story.yaml` names the story and lists its claims; `text.txt` (optional)",
        "holds the story's text where its licence allows, so that paragraph numbers and quotes are checked.",
        "Editors that read JSON Schema autocomplete the file from `stories/story.schema.json` (the first",
        "line `# yaml-language-server: $schema=../story.schema.json` points them to it).",
        "",
        "```yaml",
        'headline: "Over 300,000 migrants crossed the Darien Gap in 2024"   # required',
        "outlet: Reuters                    # required",
        "url: https://...                   # required",
        "published: 2025-01-02              # required: a date, or 2025-01-02T18:30:00-05:00",
        "checked: [2025-02-15]              # optional: more dates whose verdicts are recorded",
        "language: en                       # en | es (how numbers in tests are read)",
        "claims:",
        "  - id: darien-2024-over-300000    # lowercase slug, unique in the story",
        "    paragraph: 3                   # blank-line block of text.txt (headline = 1)",
        "    topic: Darién Gap",
        "    claim: More than 300,000 migrants crossed the Darién in 2024.   # our own words",
        "    metric: value",
        '    params: {table: darien_monthly, column: migrants, period: "2024"}',
        "    test: more than 300,000",
        "    verdict: {publication: not-checkable, now: supported, 2025-02-15: supported}",
        "    caveat: December's figure came out on 10 January 2025.",
        "```",
        "",
        "Other fields: `kind` (`claim`, `context` for a figure behind the story's context, or",
        "`not-checkable` with a `reason`), `quote` (the words checked, only where the licence allows),",
        '`tolerance` (extra room for a number test: `50` or `"0.2%"`), `also` (further metric + test',
        "conditions, all of which must pass), `on_pass` (`supported-with-caveat` when the test passing",
        "still needs a caveat), `chart` (a figure slug), `status` (`confirmed` or `draft`), `tables` (optional:",
        "the tables the metric must read; checked against what it reads).",
        "",
        "The Spanish (Mexico) report, `reports/<slug>/es/`, shows `claim_es`, `caveat_es` and `reason_es`",
        "where a claim has them: the claim, caveat and reason rendered in Spanish by a person (never by a",
        "machine). Where one is missing it shows the English, labelled as the original text. A `caveat_es`",
        "or `reason_es` without the English it renders is an error. At the story's level, `outlet_es` words",
        'the outlet in Spanish ("Reescritura web de una nota de Reuters"), `notes_es` the notes, and `url_es`',
        'the reason for an unknown address (`desconocida: …`, beside `url: "unknown: …"`); the headline stays',
        "in its own language.",
        "",
        "Besides `claims:`, a story may list under `unmapped:` the figures no claim checks yet, each with",
        "`paragraph`, `words`, `reason` and optionally `test` (`migrationdata draft` writes them: no series",
        "for what it counts, no period), so that nothing in the story is silently skipped; `check` counts them.",
        "",
        "Everything is checked when the file is loaded: an unknown metric (the known ones are listed), an",
        "unknown or ill-typed parameter (the allowed ones are listed), a table or column that does not",
        "exist, a test the parser cannot read or that cannot apply to the metric's figure, a paragraph",
        "past the end of `text.txt`, a quote not in its paragraph, a missing or extra recorded verdict,",
        "a missing `published`, a bad date. Each error names the file, the claim and the field. Files are",
        "read as safe YAML with a cap on size and on alias expansion; only `true`/`false` are booleans",
        "(`on:` and `NO` stay words).",
        "",
        "## Periods",
        "",
        '`"2023"` a calendar year; `"FY2023"` a US fiscal year (October 2022 to September 2023);',
        '`"2023-12"` a month; `"2023-01..2023-11"` (or `"FY2021..FY2024"`) an inclusive range;',
        '`"2023-12-18"` a day (closures). Annual tables (`darien_annual` by year, `usbp_southwest_annual` by',
        "fiscal year) take whole years of their own kind.",
        "",
        "## As of a date",
        "",
        "Every table a metric reads is cut to what its publisher had released by the as-of date",
        "(`src/migrationdata/vintages.py`: each publisher's release lag, and known release dates); an",
        "annual table's year counts as released with its last month (December, or September for a fiscal",
        "year). The closures ledger is read as it could be on that day (a reopening reported later shows",
        "as still closed). A period with no data yet gives `not-checkable` with the reason; so does a",
        "total over a table that lacks some of its parts in the period (CBP's nationwide rows stop",
        "before its Southwest rows: a nationwide total for a later month cannot be made).",
        "",
        "## Metrics",
        "",
        "`migrationdata metrics` lists the same; `migrationdata metrics --json` for machines.",
        "",
    ]
    for name in METRICS:
        d = describe(name)
        out += [
            f"### `{name}`",
            "",
            d["summary"],
            "",
            f"Figure: {d['figure']}.",
            "",
            "| parameter | type | required | default | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for p in d["params"]:
            default = (
                "" if p["required"] else ("—" if p["default"] in (None, {}, []) else f"`{p['default']}`")
            )
            out.append(
                f"| `{p['name']}` | {_cell(p['type'])} | {'yes' if p['required'] else 'no'} | {default} | "
                f"{_cell(p['description'])} |"
            )
        ex = d["example"]
        out += [
            "",
            "```yaml",
            f"metric: {ex['metric']}",
            f"params: {json.dumps(ex['params'], ensure_ascii=False)}",
            f"test: {ex['test']}",
            "```",
            "",
        ]
    out += [
        "## Tests in newsroom language",
        "",
        "A test is written as the story prints it. Numbers take thousands separators, `%`, `$`, and",
        "million / billion (millones / mil millones, mil). In Spanish stories (`language: es`) `302.034`",
        "is 302,034 and `1,2 millones` is 1.2 million; Mexico's `782 mil 176` is 782,176 and `29 mil 73`",
        '29,073 ("mil", one space and up to three digits) and `64 mil 745 millones` 64,745 million.',
        "Each rule:",
        "",
        "| test | passes when |",
        "| --- | --- |",
    ]
    out += [f"| {_cell(a)} | {_cell(b)} |" for a, b in numbers.RULES]
    out += [
        "",
        "Accepted forms include, in English: " + ", ".join(f"`{x}`" for x in numbers.EXAMPLES_EN) + ";",
        "in Spanish: " + ", ".join(f"`{x}`" for x in numbers.EXAMPLES_ES) + ".",
        "",
        "A test that cannot apply to the figure (a percentage test on a count, a rank test on a sum, a",
        "date test on a number) is an error when the file loads, never a quiet `not-supported`. The",
        "older `{kind: threshold|ratio|rank|equals|date-range}` dicts are still read.",
        "",
        "## Verdicts",
        "",
    ]
    doc = (
        (ev.__doc__ or "").split("The rules (also in ``docs/claims.md``):", 1)[-1].strip().replace("``", "`")
    )
    out += [
        doc,
        "",
        "`migrationdata check` evaluates every story on each recorded date (publication, `checked:`,",
        "now) and exits 1 when a computed verdict differs from the recorded one (`VERDICT CHANGED`), or",
        "when a story file has errors (reported as errors, never as changed verdicts).",
        "",
        "## Worked example",
        "",
        "The seed story's claim that more than half a million people crossed the Darién in 2023",
        "(`stories/us-mexico-talks-2023-12`): on publication day Panama had published January to",
        'November, 495,459 crossings, so "more than 500,000" failed on part of the year:',
        "`not-checkable` (the claim rested on December's figure, not yet released). With December",
        'published the year totals 520,085: `supported`. Its neighbour, "about double the year before,',
        'itself a record", uses `change` with `measure: ratio` and the test `doubled`, and an `also:`',
        "condition, `rank_in_series` on `darien_annual` with the test `the highest`.",
        "",
    ]
    return "\n".join(out)


def write_docs() -> Path:
    path = docs_path()
    write_atomic(path, docs_markdown().encode("utf-8"))
    return path
