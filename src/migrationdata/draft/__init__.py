"""``migrationdata draft``: from a story's text to a proposed fact-check ledger.

Reads a story (plain text or Markdown), spots every sentence that states something the kit's
data can test, names the series and period, proposes the metric, parameters and test of the
agreed vocabulary (issue 14), and, when the claims engine is installed, the figure and a
verdict. Deterministic and offline: rules, vocabularies and the data's own names.

Modules: :mod:`sentences` (paragraphs, sentences, input checks), :mod:`numbers` (figures),
:mod:`periods` (time), :mod:`entities` (series, ports, sectors, nationalities), :mod:`propose`
(the rules), :mod:`engine` (the one call into the claims engine), :mod:`story` (the draft and
its story.yaml), :mod:`report` (the HTML page).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from migrationdata.draft.periods import parse_published
from migrationdata.draft.report import render, write_html
from migrationdata.draft.sentences import detect_language, read_story
from migrationdata.draft.story import Draft, draft_story, slugify, to_yaml, write_yaml
from migrationdata.errors import DraftError
from migrationdata.paths import REPO_DIR

__all__ = [
    "Draft",
    "draft_file",
    "draft_story",
    "render",
    "run_cli",
    "to_yaml",
    "write_html",
    "write_yaml",
]

ENGINE_MISSING = (
    "The claims engine (migrationdata.claims.evaluate_entry) is not installed in this copy of the "
    "kit: entries are proposed without figures or verdicts."
)


def draft_file(path: Path, published: str, slug: str | None = None, language: str | None = None) -> Draft:
    """Read, check and draft one story file; a :class:`DraftError` for anything unusable."""
    when = parse_published(published)
    text = read_story(Path(path))
    lang = language or detect_language(text, str(path))
    if lang not in ("en", "es"):
        raise DraftError(f"--language {lang!r}: draft reads English (en) or Spanish (es).")
    return draft_story(text, when, lang, slug=slugify(slug) if slug else None)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        text = path.read_text(encoding="utf-8", errors="replace")
        # entries, not comments (a draft's header says how to set status: confirmed); an entry
        # with no status is confirmed
        statuses = re.findall(r"^[ \t-]*status:\s*(\w+)", text, re.MULTILINE)
        entries = len(re.findall(r"^[ \t]*- id:", text, re.MULTILINE))
        ours = "written by `migrationdata draft`" in text
        if any(s != "draft" for s in statuses) or entries > len(statuses) or not (entries or ours):
            raise DraftError(
                f"{path} already holds a ledger with confirmed entries; draft will not overwrite it. "
                "Write the draft elsewhere with --out, or pass --force."
            )


def run_cli(args) -> int:
    draft = draft_file(args.text_file, args.published, args.slug, args.language)
    out = Path(args.out) if args.out else REPO_DIR / "stories" / draft.slug / "story.yaml"
    _refuse_overwrite(out, args.force)
    write_yaml(draft, out, outlet=args.outlet or "", url=args.url or "")
    print(f"draft: {out}")
    if args.html:
        write_html(draft, Path(args.html), "" if draft.engine else ENGINE_MISSING)
        print(f"page:  {args.html}")
    kinds = [p.kind for p in draft.proposals]
    print(
        f"{draft.sentences_with_figures()} sentences with figures; {kinds.count('claim')} claims, "
        f"{kinds.count('context')} context, {kinds.count('not-checkable')} not checkable, "
        f"{kinds.count('unmapped')} unmapped."
    )
    if not draft.engine:
        print(ENGINE_MISSING, file=sys.stderr)
    return 0
