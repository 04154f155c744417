"""Reports: per story ``factcheck.md``, ``factcheck.html`` (Jinja2, autoescaped) and
``claimreview.jsonld`` (schema.org ClaimReview, safe inside ``<script>``), an index of every
story, and ``docs/claims.md`` (the ledger format, the metrics, the tests and the verdicts).

Every report is rendered in memory first and written file by file through a temporary file
and a rename, so an interrupted or failing build never leaves a half-written report; a story
that fails to load or to evaluate is listed in the index with its error and the others are
written as usual.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

from migrationdata.claims import numbers
from migrationdata.claims.evaluate import Result, evaluate_story
from migrationdata.claims.metrics import METRICS, describe
from migrationdata.claims.story import Story, StoryError, load_stories
from migrationdata.errors import MigrationDataError, ReportError
from migrationdata.paths import REPO_DIR, figures_dir, manifest_path, reports_dir


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


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

    @property
    def now_label(self) -> str:
        return "now" if self.as_of is None else f"as of {long_date(self.as_of)}"

    def chart(self, slug: str | None) -> str:
        if not slug:
            return ""
        return f"{self.prefix}/{slug}.png" if (self.figures / f"{slug}.png").exists() else ""


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


def _sources_md(sources: list[dict]) -> list[str]:
    lines = []
    for s in sources:
        got = f", retrieved {s['retrieved_at'][:10]}" if s.get("retrieved_at") else ""
        dated = f" ({s['date']})" if s.get("date") else ""
        who = f"{s.get('publisher')}: " if s.get("publisher") and s.get("table") == "closures" else ""
        via = (
            f" — table `{s['table']}`"
            if s.get("table") and s["table"] != "closures"
            else (f" — closure `{s['closure']}`" if s.get("closure") else "")
        )
        lines.append(
            f"  - [{_md(who + (s.get('title') or s.get('url') or ''))}]({s.get('url')}){dated}{got}{via}"
        )
    return lines


def _entry_md(row: Row, view: View, story: Story) -> list[str]:
    r = row.now
    label = ("Context" if r.context else "Claim") + (
        " (draft, not yet verified)" if r.status == "draft" else ""
    )
    out = [
        f'<a id="{r.id}"></a>',
        "",
        f"### {r.id}",
        "",
        f"**{label}** (paragraph {r.paragraph}): {_md(r.claim)}",
        "",
    ]
    if r.quote:
        out += [f"> {_md(r.quote)}", ""]
    verdict = f"**Verdict {view.now_label}: {r.verdict}.**"
    if row.then is not None:
        verdict += f" On publication day ({long_date(story.published)}): {row.then.verdict}."
    for key, res in row.checked:
        verdict += f" On {long_date(date.fromisoformat(key))}: {res.verdict}."
    out += [verdict, ""]
    if r.checkable:
        out.append(f"- **Test:** {_md(r.test)}.")
        through = f" (data through {r.data_through})" if r.data_through else ""
        out.append(f"- **Figure {view.now_label}**{through}: {_md(r.display)}")
        for cond in r.conditions:
            out.append(f"- **And:** {_md(cond)}")
        if row.then is not None and row.then.checkable:
            through = f" (data through {row.then.data_through})" if row.then.data_through else ""
            out.append(f"- **Figure on publication day**{through}: {_md(row.then.display)}")
        elif row.then is not None:
            out.append(f"- **On publication day:** {_md(row.then.note)}")
        out.append(f"- **Why:** {_md(r.note)}")
    else:
        out.append(f"- **Why it cannot be checked:** {_md(r.note)}")
    if r.caveat:
        out.append(f"- **Caveat:** {_md(r.caveat)}")
    if r.sources:
        out.append("- **Sources** (what the metric read):")
        out += _sources_md(r.sources)
    link = view.chart(r.chart)
    if link:
        out += ["", f"![{r.chart}]({link})"]
    return out + [""]


def _story_line(story: Story) -> str:
    when = long_date(story.published)
    if story.url.startswith("http"):
        return f"[{_md(story.headline)}]({story.url}), {_md(story.outlet)}, {when}."
    return f"{_md(story.headline)}, {_md(story.outlet)}, {when} (address: {_md(story.url.removeprefix('unknown: '))})."


def report_markdown(story: Story, rows: list[Row], view: View) -> str:
    today = checked_on()
    c = counts(rows)
    pub = long_date(story.published)
    title = f"# Fact-check{' ' + view.now_label if view.as_of else ''}: {_md(story.headline)}"
    out = [title, ""]
    if view.as_of is not None:
        day = long_date(view.as_of)
        out += [
            f"> **As of {day}: the data as published by that date, not as they stand today.**",
            f"> Every source is cut to what its publisher had released by {day} (today's revised",
            "> values for those months), and the closures ledger to what had been reported.",
            "",
        ]
    out += [
        f"The story: {_story_line(story)}",
        "",
        *([f"Note: {_md(story.notes.strip())}", ""] if story.notes else []),
        "Each statement in the story that data could test, in our words, with the figure that backs",
        f"or refutes it: as it could be checked on publication day ({pub}, with only the figures then",
        f"released) and {view.now_label}. Generated by `migrationdata build` from",
        f"`stories/{story.slug}/story.yaml`; do not edit by hand.",
        "",
        "Verdicts: **supported**, **supported-with-caveat**, **not-supported** (the data contradict it),",
        "**not-checkable** (the data cannot settle it, or had not yet been published). Claims "
        + view.now_label
        + ": "
        + (", ".join(f"{n} {v}" for v, n in sorted(c.items())) or "none")
        + ".",
        "",
        'Figures "then" are today\'s values for the months released by that day: publishers revise',
        "their first releases a little. Paragraphs count the story's blank-line blocks, headline = 1.",
        "",
    ]
    claims = [r for r in rows if not r.now.context]
    context = [r for r in rows if r.now.context]
    extra = [k for k, _ in (claims[0].checked if claims else [])]
    cols = (
        ([] if view.as_of == story.published else [f"then ({pub})"])
        + [long_date(date.fromisoformat(k)) for k in extra]
        + [view.now_label]
    )
    out += ["| claim | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    for row in claims:
        cells = ([row.then.verdict] if row.then is not None else []) + [res.verdict for _, res in row.checked]
        out.append(f"| [{row.now.id}](#{row.now.id}) | " + " | ".join(cells + [row.now.verdict]) + " |")
    out += ["", "## Claims in the story", ""]
    for row in claims:
        out += _entry_md(row, view, story)
    if context:
        out += [
            "## Context",
            "",
            "Figures behind the story's context where it states no number of its own; not counted as claims.",
            "",
        ]
        for row in context:
            out += _entry_md(row, view, story)
    if today:
        out.append(
            f"_Checked against the data as retrieved on {today}"
            + (f", cut to what had been published by {long_date(view.as_of)}._" if view.as_of else "._")
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

STORY_HTML = """<!doctype html>
<html lang="{{ story.language }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fact-check{% if view.as_of %} {{ view.now_label }}{% endif %}: {{ story.headline }}</title>
<style>{{ css }}</style>
<script type="application/ld+json">{{ jsonld }}</script>
</head><body>
<h1>Fact-check{% if view.as_of %} {{ view.now_label }}{% endif %}: {{ story.headline }}</h1>
{% if view.as_of %}<p class="banner" role="note"><strong>As of {{ long_date(view.as_of) }}: the data as published by
that date, not as they stand today.</strong> Every source is cut to what its publisher had released by then.</p>{% endif %}
<p>The story: {% if story.url.startswith('http') %}<a href="{{ story.url }}">{{ story.headline }}</a>{% else %}{{ story.headline }}{% endif %},
{{ story.outlet }}, {{ long_date(story.published) }}.</p>
{% if story.notes %}<p>Note: {{ story.notes }}</p>{% endif %}
<p>Each statement in the story that data could test, in our words, with the figure that backs or refutes it, on
publication day ({{ long_date(story.published) }}) and {{ view.now_label }}. Generated by <code>migrationdata build</code>
from <code>stories/{{ story.slug }}/story.yaml</code>. Claims {{ view.now_label }}:
{% for v, n in counts %}{{ n }} {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>
<table><thead><tr><th>claim</th>{% if show_then %}<th>then ({{ long_date(story.published) }})</th>{% endif %}
{% for k in extra %}<th>{{ k }}</th>{% endfor %}<th>{{ view.now_label }}</th></tr></thead><tbody>
{% for row in claims %}<tr><td><a href="#{{ row.now.id }}">{{ row.now.id }}</a></td>
{% if show_then %}<td class="v-{{ row.then.verdict }}">{{ row.then.verdict }}</td>{% endif %}
{% for k, res in row.checked %}<td class="v-{{ res.verdict }}">{{ res.verdict }}</td>{% endfor %}
<td class="v-{{ row.now.verdict }}">{{ row.now.verdict }}</td></tr>
{% endfor %}</tbody></table>
{% for title, group in sections %}{% if group %}<h2>{{ title }}</h2>
{% for row in group %}{% set r = row.now %}<section id="{{ r.id }}"><h3>{{ r.id }}</h3>
<p><strong>{{ 'Context' if r.context else 'Claim' }}{% if r.status == 'draft' %} (draft, not yet verified){% endif %}</strong> (paragraph {{ r.paragraph }}): {{ r.claim }}</p>
{% if r.quote %}<blockquote>{{ r.quote }}</blockquote>{% endif %}
<p><strong class="v-{{ r.verdict }}">Verdict {{ view.now_label }}: {{ r.verdict }}.</strong>
{% if row.then %} On publication day: {{ row.then.verdict }}.{% endif %}
{% for k, res in row.checked %} On {{ k }}: {{ res.verdict }}.{% endfor %}</p>
<ul>
{% if r.checkable %}<li><strong>Test:</strong> {{ r.test }}</li>
<li><strong>Figure {{ view.now_label }}</strong>{% if r.data_through %} (data through {{ r.data_through }}){% endif %}: {{ r.display }}</li>
{% for c in r.conditions %}<li><strong>And:</strong> {{ c }}</li>{% endfor %}
{% if row.then and row.then.checkable %}<li><strong>Figure on publication day</strong>{% if row.then.data_through %} (data through {{ row.then.data_through }}){% endif %}: {{ row.then.display }}</li>
{% elif row.then %}<li><strong>On publication day:</strong> {{ row.then.note }}</li>{% endif %}
<li><strong>Why:</strong> {{ r.note }}</li>
{% else %}<li><strong>Why it cannot be checked:</strong> {{ r.note }}</li>{% endif %}
{% if r.caveat %}<li><strong>Caveat:</strong> {{ r.caveat }}</li>{% endif %}
{% if r.sources %}<li><strong>Sources</strong> (what the metric read):<ul>
{% for s in r.sources %}<li><a href="{{ s.url }}">{{ s.title or s.url }}</a>{% if s.date %} ({{ s.date }}){% endif %}{% if s.retrieved_at %}, retrieved {{ s.retrieved_at[:10] }}{% endif %}{% if s.closure %} — closure {{ s.closure }}{% elif s.table %} — table {{ s.table }}{% endif %}</li>
{% endfor %}</ul></li>{% endif %}
</ul>
{% set link = view.chart(r.chart) %}{% if link %}<p><img src="{{ link }}" alt="Chart {{ r.chart }}"></p>{% endif %}
</section>
{% endfor %}{% endif %}{% endfor %}
{% if today %}<p><em>Checked against the data as retrieved on {{ today }}.</em></p>{% endif %}
</body></html>
"""

INDEX_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fact-checks{% if as_of %} as of {{ long_date(as_of) }}{% endif %}</title><style>{{ css }}</style></head><body>
<h1>Fact-checks{% if as_of %} as of {{ long_date(as_of) }}{% endif %}</h1>
<p>One report per story in <code>stories/</code>, generated by <code>migrationdata build</code>.</p>
<table><thead><tr><th>published</th><th>story</th><th>outlet</th><th>claims {{ 'now' if not as_of else 'then' }}</th></tr></thead><tbody>
{% for s, c in stories %}<tr><td>{{ s.published }}</td><td><a href="{{ s.slug }}/factcheck.html">{{ s.headline }}</a></td>
<td>{{ s.outlet }}</td><td>{% for v, n in c %}{{ n }} {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}</tbody></table>
{% if errors %}<h2>Stories that could not be checked</h2><ul>{% for e in errors %}<li><pre>{{ e }}</pre></li>{% endfor %}</ul>{% endif %}
</body></html>
"""

_ENV = Environment(
    loader=DictLoader({"story.html": STORY_HTML, "index.html": INDEX_HTML}),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals["long_date"] = long_date


def report_html(story: Story, rows: list[Row], view: View) -> str:
    claims = [r for r in rows if not r.now.context]
    context = [r for r in rows if r.now.context]
    extra = [k for k, _ in (claims[0].checked if claims else [])]
    return _ENV.get_template("story.html").render(
        story=story,
        view=view,
        css=Markup(CSS),  # noqa: S704 - a constant of this module
        counts=sorted(counts(rows).items()),
        claims=claims,
        show_then=view.as_of != story.published,
        extra=extra,
        sections=[("Claims in the story", claims), ("Context", context)],
        today=checked_on(),
        # < > & are escaped by jsonld_text, so the JSON cannot leave its <script>
        jsonld=Markup(jsonld_text(claimreview(story, rows, view.as_of))),  # noqa: S704
    )


# ----------------------------------------------------------------------------- ClaimReview

RATINGS = {
    "supported": (5, "True"),
    "supported-with-caveat": (4, "Mostly true"),
    "not-supported": (1, "False"),
}


def claimreview(story: Story, rows: list[Row], as_of: date | None = None) -> list[dict]:
    """schema.org ClaimReview objects, one per claim with a verdict (not context figures, not
    the ones the data cannot settle). With ``as_of``, each explanation says whose data it rests on."""
    out = []
    lead = f"Data as published by {long_date(as_of)}: " if as_of is not None else ""
    appearance = {
        "@type": "NewsArticle",
        "headline": story.headline,
        "datePublished": story.published.isoformat(),
        "publisher": {"@type": "Organization", "name": story.outlet},
    }
    if story.url.startswith("http"):
        appearance["url"] = story.url
    for row in rows:
        r = row.now
        if r.context or r.status == "draft" or r.verdict not in RATINGS:
            continue
        value, label = RATINGS[r.verdict]
        out.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": f"reports/{story.slug}/factcheck.html#{r.id}",
                "claimReviewed": r.claim,
                "datePublished": checked_on() or story.published.isoformat(),
                "author": {"@type": "Organization", "name": "migrationdata fact-check"},
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": label,
                    "ratingExplanation": f"{lead}{r.display}. {r.caveat}".strip(),
                },
                "itemReviewed": {
                    "@type": "Claim",
                    "datePublished": story.published.isoformat(),
                    "appearance": appearance,
                },
            }
        )
    return out


# ----------------------------------------------------------------------------- writing


def render_story(story: Story, view: View) -> dict[str, bytes]:
    rows = story_rows(story, view.as_of)
    md = report_markdown(story, rows, view)
    return {
        "factcheck.md": md.encode("utf-8"),
        "factcheck.html": report_html(story, rows, view).encode("utf-8"),
        "claimreview.jsonld": (jsonld_text(claimreview(story, rows, view.as_of)) + "\n").encode("utf-8"),
        "checks.json": (
            json.dumps(checks(story, [r.now for r in rows]), indent=1, ensure_ascii=False) + "\n"
        ).encode("utf-8"),
    }, counts(rows)


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
) -> list[Path]:
    """Write ``<folder>/<slug>/factcheck.{md,html}`` and ``claimreview.jsonld`` for every story,
    and ``<folder>/index.html``. A story that cannot be loaded or evaluated is left as it was
    (no half-written report) and named in the index; :class:`ReportError` is raised after the
    others are written."""
    folder = Path(folder or reports_dir())
    figures = Path(figures or figures_dir())
    errors: list[MigrationDataError] = []
    stories = load_stories(root, errors=errors)
    written, listed = [], []
    for story in stories:
        if as_of is not None and story.published > as_of:
            continue  # not yet published on that day: an as-of report cannot know of it
        out = folder / story.slug
        prefix = Path(os.path.relpath(figures.resolve(), out.resolve())).as_posix()
        try:
            files, c = render_story(story, View(as_of, figures, prefix))
        except MigrationDataError as exc:
            errors.append(StoryError(story.path, [("", "", str(exc))]))
            continue
        for name, data in files.items():
            write_atomic(out / name, data)
            written.append(out / name)
        listed.append((story, sorted(c.items())))
    index = _ENV.get_template("index.html").render(
        stories=listed,
        errors=[str(e) for e in errors],
        as_of=as_of,
        css=Markup(CSS),  # noqa: S704 - a constant
    )
    write_atomic(folder / "index.html", index.encode("utf-8"))
    write_atomic(folder / "index.md", index_markdown(listed, errors, as_of).encode("utf-8"))
    written += [folder / "index.html", folder / "index.md"]
    if errors:
        raise ReportError(
            "fact-check reports written for the other stories, but not for these:\n"
            + "\n".join(str(e) for e in errors)
        )
    return written


def index_markdown(listed, errors, as_of: date | None) -> str:
    title = "# Fact-checks" + (f" as of {long_date(as_of)}" if as_of else "")
    out = [
        title,
        "",
        "One report per story in `stories/`, generated by `migrationdata build`; do not edit by hand.",
        "",
        "| published | story | outlet | claims |",
        "| --- | --- | --- | --- |",
    ]
    for s, c in listed:
        tally = ", ".join(f"{n} {v}" for v, n in c)
        out.append(
            f"| {s.published} | [{_md(s.headline)}]({s.slug}/factcheck.md) | {_md(s.outlet)} | {tally} |"
        )
    if errors:
        out += ["", "## Stories that could not be checked", ""] + [f"- {_md(str(e))}" for e in errors]
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
        "is 302,034 and `1,2 millones` is 1.2 million. Each rule:",
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
