"""The chart gallery: ``figures/index.md`` (rendered by the repository host) and
``figures/index.html`` (open in a browser), one entry per chart sidecar; the Spanish edition's
in ``figures/es/``, each page linking the other.

The page is ``templates/gallery.html`` (Jinja2, every value escaped), with its style and
script in ``templates/gallery.css`` and ``templates/gallery.js`` beside it. It shows each
chart's static PNG and, beside it, its interactive embed (``<slug>.embed.html``, in an
iframe the page sizes to the embed's height). Its words come from ``[gallery]`` in the
edition's message catalog (``locales/<lang>.toml``). An as-of gallery says at the top which
date its charts show. The gallery is rewritten only when a sidecar, the report link, the date
or a template changed, and Jinja2 is imported only then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
from pathlib import Path

from migrationdata import i18n, paths

TEMPLATES = paths.PACKAGE_DIR / "templates"
TEMPLATE_FILES = ("gallery.html", "gallery.css", "gallery.js")
#: the folder of each edition's charts, inside the English one
EDITION_DIR = {"es": "es"}
SPEC_SUFFIX, PAGE_SUFFIX = ".vl.json", ".embed.html"  # as migrationdata.embeds writes them


def sidecars(figures: Path, state: dict | None = None) -> list[dict]:
    """Every chart's sidecar in ``figures``, grouped by notebook in the order it drew them."""
    order = {}
    for entry in (state or {}).get("notebooks", {}).values():
        for i, slug in enumerate(entry.get("charts", [])):
            order[slug] = i
    metas = []
    for side in figures.glob("*.json"):
        if side.name.endswith(SPEC_SUFFIX):
            continue  # an embed's Vega-Lite spec (data inline), not a sidecar
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(meta, dict) and meta.get("slug") == side.stem and "alt_text" in meta:
            metas.append(meta)
    metas.sort(key=lambda m: (m.get("notebook") or "~", order.get(m["slug"], 999), m["slug"]))
    return metas


def long_date(text: str, lang: str = "en") -> str:
    """``2023-12-28`` as ``28 December 2023`` (``28 de diciembre de 2023``)."""
    d = dt.date.fromisoformat(text)
    return f"{d.day} {d:%B %Y}" if lang == "en" else i18n.date(d, lang, "date")


def words(lang: str) -> dict[str, str]:
    """The gallery's words in an edition (``[gallery]`` in its catalog), those with fields
    left as templates."""
    prefix = "gallery."
    return {k[len(prefix) :]: v for k, v in i18n.catalog(lang).items() if k.startswith(prefix)}


def as_of_notice(as_of: str, lang: str = "en") -> tuple[str, str]:
    """What an as-of gallery says first (a headline, then the detail): these charts are not
    today's data."""
    day = long_date(as_of, lang)
    return (
        i18n.text("gallery.as_of_head", lang, date=day),
        i18n.text("gallery.as_of_detail", lang, date=day),
    )


def edition(metas: list[dict]) -> str:
    """The language of a folder of charts, as their sidecars say (English when they do not)."""
    langs = {m.get("lang") or i18n.DEFAULT for m in metas}
    return langs.pop() if len(langs) == 1 else i18n.DEFAULT


def data_as_of(metas: list[dict], lang: str = i18n.DEFAULT) -> list[dict]:
    """Each processed table the charts read: its publisher, the latest period it holds and when
    it was retrieved (from the sidecars, so the gallery says what its charts were drawn from).
    The sidecars keep the data package's words ("U.S. Customs and Border Protection", "Nov
    2025"); in another edition the publisher is named as the charts' source lines name it and
    the month is written in that language."""
    seen: dict[str, dict] = {}
    for m in metas:
        for t in m.get("tables", []):
            if isinstance(t, dict) and t.get("name") and t["name"] not in seen:
                seen[t["name"]] = {
                    "table": t["name"],
                    "publisher": i18n.publisher(t.get("publisher", ""), lang),
                    "data_to": _period_in(t.get("data_to", ""), lang),
                    "retrieved": str(t.get("retrieved_at", ""))[:10],
                }
    return [seen[k] for k in sorted(seen)]


def _period_in(label: str, lang: str) -> str:
    """A sidecar's "Nov 2025" as the edition writes a month ("nov 2025"), and "FY2024" as it
    writes a fiscal year ("año fiscal 2024", as the chart's source line does); calendar years
    read the same in every edition."""
    if lang == i18n.DEFAULT or not label:
        return label
    fiscal = re.fullmatch(r"FY(\d{4})", label.strip())
    if fiscal:
        return i18n.text("charts.common.fiscal_year", lang, year=int(fiscal.group(1)))
    # read back with the English names i18n wrote it with (charts.latest_period), not with
    # strptime's %b, which follows the process's locale (a machine set to es_MX reads no "Nov")
    name, _, year = label.strip().partition(" ")
    english = {i18n.date(dt.date(2001, m, 1), i18n.DEFAULT, "month_short"): m for m in range(1, 13)}
    if name not in english or not year.isdigit():
        return label
    return i18n.date(dt.date(int(year), english[name], 1), lang, "month_year_short")


def _strip_label(source: str) -> str:
    """The source line without its label (``Source: ``, ``Fuentes: ``...), which the gallery
    prints itself."""
    labels = tuple(
        f"{i18n.text(k, lang)}: " for lang in i18n.LANGUAGES for k in ("common.source", "common.sources")
    )
    return source.split(": ", 1)[1] if source.startswith(labels) else source


def _md_escape(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def _chart_entry(m: dict, figures: Path | None) -> dict:
    """What the gallery shows of one chart: its words, sizes and files (the embed's only where
    its spec is there)."""
    s = m["slug"]
    size = m.get("size", {})
    has_spec = figures is not None and (figures / f"{s}{SPEC_SUFFIX}").exists()
    return {
        "slug": s,
        "title": m["title"],
        "subtitle": m["subtitle"],
        "alt": m["alt_text"],
        "source": _strip_label(m["source"]),
        "notes": m.get("notes", []),
        "width": size.get("width", 850),
        "height": size.get("height", 638),
        "mobile": m.get("files", {}).get("mobile_png"),
        "spec": f"{s}{SPEC_SUFFIX}" if has_spec else None,
        "embed": f"{s}{PAGE_SUFFIX}" if has_spec else None,
    }


def gallery_markdown(
    metas: list[dict],
    report: str | None = None,
    as_of: str | None = None,
    repo: str = "..",
    revisions: str | None = None,
    lang: str = "en",
    other: str | None = None,
    figures: Path | None = None,
) -> str:
    """The gallery as Markdown. ``repo`` is the repository's root relative to the gallery,
    for the links to the notebooks; ``other`` the other edition's gallery, if any."""
    w = words(lang)
    command = f"migrationdata build --as-of {as_of}" if as_of else "migrationdata build"
    heading = w["heading_as_of"].format(date=long_date(as_of, lang)) if as_of else w["heading"]
    lines = [f"# {heading}", ""]
    if as_of:
        head, detail = as_of_notice(as_of, lang)
        lines += [f"> **{head}** {detail}", ""]
    if other:
        lines += [f"[{w['other_language']}]({other}.md)", ""]
    lines += [w["intro"].format(command=f"`{command}`") + " " + w["count"].format(count=len(metas)), ""]
    if any(_chart_entry(m, figures)["spec"] for m in metas):
        lines += [w["interactive_missing"], ""]
    if report:
        link = f"[{w['reports_link']}]({report}.md)"
        lines += [w["reports"].format(link=link), ""]
    tables = data_as_of(metas, lang)
    if tables:
        lines += [
            f"## {w['data_as_of']}",
            "",
            f"| {w['table']} | {w['publisher']} | {w['data_to']} | {w['retrieved']} |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{t['table']}` | {t['publisher']} | {t['data_to']} | {t['retrieved']} |" for t in tables
        ]
        lines.append("")
        if revisions:
            link = f"[{w['revisions_link']}]({revisions})"
            lines += [w["revisions"].format(link=link, command="`migrationdata changes`"), ""]
    notebook = None
    for m in metas:
        if m.get("notebook") != notebook:
            notebook = m.get("notebook")
            name = Path(notebook).stem if notebook else w["other_charts"]
            lines += [f"## {name}", ""]
            if notebook:
                lines += [
                    f"{w['notebook']}: [`{notebook}`]({repo}/{notebook}) ({w['reviewed_as']} "
                    f"[`.py`]({repo}/{notebook[:-6]}.py))",
                    "",
                ]
        c = _chart_entry(m, figures)
        s = c["slug"]
        files = f"[PNG]({s}.png) · [SVG]({s}.svg) · [CSV]({s}.csv) · [JSON]({s}.json)"
        if c["spec"]:
            files += f" · [{w['spec']}]({c['spec']}) · [{w['embed']}]({c['embed']})"
        lines += [
            f"### {m['title']}",
            "",
            f"![{_md_escape(m['alt_text'])}]({s}.png)",
            "",
            f"*{m['subtitle']}*",
            "",
            f"- **{w['alt_text']}:** {m['alt_text']}",
            f"- **{w['source']}:** {_strip_label(m['source'])}",
        ]
        for note in m.get("notes", []):
            lines.append(f"- **{w['note']}:** {note}")
        lines += [f"- **{w['files']}:** {files} · slug `{s}`", ""]
    return "\n".join(lines).rstrip() + "\n"


class _Escaped(str):
    """Text already escaped: Jinja2's autoescape leaves it as it is."""

    def __html__(self) -> str:
        return self


def _environment():
    import jinja2

    def escape(value):
        # every value is escaped with html.escape's entities (&quot;, &#x27;), as the gallery
        # has always been written; autoescape then passes it through unchanged
        return value if hasattr(value, "__html__") else _Escaped(html.escape(str(value)))

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=escape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def gallery_html(
    metas: list[dict],
    report: str | None = None,
    as_of: str | None = None,
    repo: str = "..",
    revisions: str | None = None,
    lang: str = "en",
    other: str | None = None,
    figures: Path | None = None,
) -> str:
    """The gallery as a page (``templates/gallery.html``)."""
    w = words(lang)
    groups: dict[str | None, list[dict]] = {}
    for m in metas:
        groups.setdefault(m.get("notebook"), []).append(_chart_entry(m, figures))
    command = f"migrationdata build --as-of {as_of}" if as_of else "migrationdata build"
    return (
        _environment()
        .get_template("gallery.html")
        .render(
            lang=lang,
            w=w,
            heading=w["heading_as_of"].format(date=long_date(as_of, lang)) if as_of else w["heading"],
            intro=w["intro"].split("{command}"),
            command=command,
            notice=as_of_notice(as_of, lang) if as_of else None,
            count=w["count"].format(count=len(metas)),
            interactive_missing=w["interactive_missing"].replace("`", ""),
            report=report,
            reports=w["reports"].split("{link}"),
            repo=repo,
            tables=data_as_of(metas, lang),
            revisions=revisions,
            # "What each refresh revised: the {link} ({command})." around the link and the command
            revisions_words=[
                w["revisions"].split("{link}")[0],
                *w["revisions"].split("{link}")[1].split("{command}"),
            ],
            other=other,
            groups=[
                {"name": Path(nb).stem if nb else w["other_charts"], "notebook": nb, "charts": charts}
                for nb, charts in groups.items()
            ],
        )
    )


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def write_gallery(
    figures: Path, state: dict | None = None, as_of: str | None = None, reports: Path | None = None
) -> Path:
    """Write ``index.md`` and ``index.html`` in ``figures``; returns the page's path.

    ``as_of`` puts a notice at the top: the charts show the data as published by that date.
    ``reports`` is the fact-check report's folder, linked when it sits beside ``figures``.
    ``state`` (the build's) orders each notebook's charts as it drew them, and remembers what
    the gallery was made from, so an unchanged gallery is not rendered again."""
    figures.mkdir(parents=True, exist_ok=True)
    metas = sidecars(figures, state)
    lang = edition(metas)
    # the Spanish gallery sits in figures/es/, one folder down from the English one
    base = figures.parent if lang != i18n.DEFAULT and figures.name == EDITION_DIR.get(lang) else figures
    other = None
    if lang != i18n.DEFAULT:
        other = "../index"
    elif any((figures / d / "index.html").exists() or (figures / d).is_dir() for d in EDITION_DIR.values()):
        other = f"{EDITION_DIR['es']}/index"
    report = None
    reports = reports or paths.reports_dir()
    up = "../" * (2 if base is not figures else 1)
    if base.parent == reports.parent:  # links only where the two folders sit side by side
        if lang != i18n.DEFAULT and (reports / lang / "index.html").exists():
            report = f"{up}{reports.name}/{lang}/index"
        elif (reports / "index.html").exists():
            report = f"{up}{reports.name}/index"
    # Notebook links climb to the repository from wherever the gallery is (figures/ or
    # build/as-of-DATE/figures/); a folder outside the repository is linked as if it sat
    # beside notebooks/, as figures/ does.
    root = paths.REPO_DIR.resolve()
    where = figures.resolve()
    outside = "../.." if base is not figures else ".."
    repo = Path(os.path.relpath(root, where)).as_posix() if where.is_relative_to(root) else outside
    # the revision log is linked from the repository's own gallery (figures/ beside data/), not
    # from an as-of build, which shows the data as they stood before those revisions
    log = paths.data_dir() / "revisions"
    revisions = None
    if as_of is None and log.is_dir() and base.resolve().parent == paths.data_dir().resolve().parent:
        revisions = Path(os.path.relpath(log.resolve(), where)).as_posix() + "/"
    pages = (figures / "index.md", figures / "index.html")
    specs = sorted(p.name for p in figures.glob(f"*{SPEC_SUFFIX}"))
    h = hashlib.sha256(
        json.dumps([metas, report, as_of, repo, revisions, lang, other, specs], sort_keys=True).encode()
    )
    h.update(Path(__file__).read_bytes())  # this code, as the pages' words and layout come from it
    for name in TEMPLATE_FILES:
        h.update((TEMPLATES / name).read_bytes())
    h.update(i18n.catalog_path(lang).read_bytes())
    key = h.hexdigest()
    made = {str(p): _sha(p) for p in pages}
    slot = "gallery" if lang == i18n.DEFAULT else f"gallery-{lang}"
    previous = (state or {}).get(slot, {})
    if previous.get("key") == key and previous.get("outputs") == made:
        return pages[1]
    args = (metas, report, as_of, repo, revisions, lang, other, figures)
    for path, text in zip(pages, (gallery_markdown(*args), gallery_html(*args)), strict=True):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    if state is not None:
        state[slot] = {"key": key, "outputs": {str(p): _sha(p) for p in pages}}
    return pages[1]
