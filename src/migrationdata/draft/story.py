"""A whole draft: every paragraph's proposals, their figures from the engine, and story.yaml.

The YAML follows the agreed story format (notes/claims-spec.md). Every entry carries
``status: draft``. Items the draft could not place go in a top-level ``unmapped:`` list with
the reason, so nothing is silently skipped. The story's own sentences are not copied into the
file (its licence may not allow it): each entry says which words it rests on in a comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from migrationdata.draft import engine, entities, periods
from migrationdata.draft.context import CAVEAT, Proposal, period_words
from migrationdata.draft.propose import main_period, propose
from migrationdata.draft.sentences import Paragraph, paragraphs

Evaluator = Callable[[dict, "date | None", date], "engine.Evaluation | None"]


#: words a paragraph opens with when it goes on about the figure before it
ANAPHORA = {
    "en": r"\s*(?:that|this|it|which)(?:'s| is| was| marks| represents| means| amounts)\b",
    "es": r"\s*(?:esto|eso|ello|esta cifra|la cifra)\s+(?:es|fue|supone|representa|significa|implica|equivale)\b",
}


@dataclass
class Draft:
    slug: str
    published: date
    language: str
    headline: str
    paragraphs: list[Paragraph]
    proposals: list[Proposal]
    engine: bool  # figures and verdicts were computed
    ids: dict[int, str] = field(default_factory=dict)  # id(proposal) -> entry id

    @property
    def entries(self) -> list[Proposal]:
        return [p for p in self.proposals if p.kind != "unmapped"]

    @property
    def unmapped(self) -> list[Proposal]:
        return [p for p in self.proposals if p.kind == "unmapped"]

    def sentences_with_figures(self) -> int:
        return len({(p.paragraph, p.sentence) for p in self.proposals if p.kind in ("claim", "unmapped")})


def slugify(text: str, limit: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:limit].rstrip("-") or "story"


#: the series of deaths on the way, which a sentence goes on about only with a word of death
DEATHS = "missing-migrants"


def draft_story(
    text: str,
    published: date,
    lang: str,
    slug: str | None = None,
    evaluator: Evaluator | None = engine.evaluate,
) -> Draft:
    """Spot, map and (when the engine is there) evaluate every checkable statement."""
    paras = paragraphs(text, lang)
    headline = paras[0].text if paras else ""
    vocab = entities.vocabulary()
    proposals: list[Proposal] = []
    last = None  # the period the paragraph before ended on
    series = None  # the series the story named last, with the period it went with
    # ... and the last of people on the move (not their deaths): a sentence with no word of
    # death after one about deaths goes on about the crossings ("Venezuelans made up 69% of
    # those who crossed" after "55 migrants died during the crossing")
    route = None
    mode = None  # the kind of crossing the story last said was closed
    institute = None  # whose "INM" the story named with its country (Honduras' or Mexico's)
    listed: dict = {}  # nationalities listed with their counts since a series was last named
    for para in paras:
        if para.boilerplate or para.heading:
            continue  # a site's furniture, or a subhead summing up the paragraphs below it
        # a paragraph's sentences go on speaking of the period last named; a paragraph that
        # opens on "That is down 80% from ..." / "Esto supone ..." goes on from the one before
        opens_on_it = para.sentences and re.match(ANAPHORA[lang], para.sentences[0].text, re.IGNORECASE)
        carry = last if opens_on_it else None
        for sentence in para.sentences:
            found, institute = entities.same_institute(
                entities.mentions(sentence.text, lang, vocab), institute
            )
            named = entities.main_series(found, vocab)
            said = None  # the word the sentence names its series by, when it goes on with the story's
            if series is not None and entities.bare_encounters(found, series[0], sentence.text, lang):
                said = next(m.text for m in found if m.kind == "series")
                found = [m for m in found if m.kind != "series"]
                named = None
            if named is not None:
                listed = {}  # "the remaining" are the rest of the groups listed since
            own = main_period(sentence.text, published, lang)
            # a closure sentence naming no kind of crossing goes on about the last one named
            modes = [m.key for m in found if m.kind == "closure-mode"]
            before = len(proposals)
            goes_on = False
            if named is None and series is not None:
                # a sentence naming no series goes on about the last one, in its period
                carried = route if series[0].key == DEATHS and route is not None else series
                proposals += propose(
                    sentence,
                    published,
                    lang,
                    vocab,
                    carry or carried[1],
                    series_carry=carried[0],
                    carried_words=said,
                    closure_mode=mode,
                    mentions=found,
                    story_period=last,
                    listed=listed,
                    route=route[0].key if route else None,
                )
            else:
                # a sentence naming the story's topic again with no period of its own goes on in
                # the story's ("El número de envíos bajó 14.3% anual" after a paragraph on June's
                # remittances); said so in a caveat
                goes_on = (
                    carry is None
                    and own is None
                    # nor a time the tables do not hold (a span of days, part of a year, the future)
                    and not any(
                        p.kind in ("days", "day", "part", "future")
                        for p in periods.find(sentence.text, published, lang)
                    )
                    and named is not None
                    and series is not None
                    and series[1] is not None
                    and named.topic == series[0].topic
                    and named.key != "closures"
                )
                proposals += propose(
                    sentence,
                    published,
                    lang,
                    vocab,
                    series[1] if goes_on else carry,
                    closure_mode=None if modes else mode,
                    mentions=found,
                    story_period=last,
                    listed=listed,
                    route=route[0].key if route else None,
                    period_carried=goes_on,
                )
            for p in proposals[before:]:
                if (
                    named is not None
                    and goes_on
                    and p.kind == "claim"
                    and p.period == series[1].spec
                    and not p.caveat.startswith(f"{period_words(series[1].spec)}:")  # said already
                ):
                    said = f"No period named: read as {period_words(series[1].spec)}, the period the story last named."
                    p.caveat = " ".join(c for c in (p.caveat, said) if c)
                if p.group and p.kind == "claim":
                    table, column, by, value = p.group
                    codes = listed.setdefault((table, column, by, p.period), [])
                    codes += [c for c in (value if isinstance(value, list) else [value]) if c not in codes]
            mode = modes[0] if modes else mode
            carry = own or carry
            if named is not None:
                # named in a sentence with no period of its own, it goes on in the story's
                series = (named, carry or last)
                if named.key != DEATHS:
                    route = series
        last = carry or last
    draft = Draft(
        slug=slug or slugify(headline),
        published=published,
        language=lang,
        headline=headline,
        paragraphs=paras,
        proposals=proposals,
        engine=False,
    )
    _assign_ids(draft)
    if evaluator is not None:
        for p in draft.entries:
            if p.kind == "not-checkable":
                continue
            _evaluate(draft, p, evaluator)
            if _revised(p):
                _evaluate(draft, p, evaluator)
    return draft


#: a count printed to the unit that the data give within this share: a publisher's revision
REVISION = 0.002


def _evaluate(draft: Draft, p: Proposal, evaluator: Evaluator) -> None:
    entry = {"id": draft.ids[id(p)], **p.entry()}
    pub = evaluator(entry, draft.published, draft.published)
    now = evaluator(entry, None, draft.published)
    if pub is not None or now is not None:
        draft.engine = True
        p.evaluations = {"publication": pub, "now": now}


def _revised(p: Proposal) -> bool:
    """A count printed to the unit (7,181) that the data give a few units off (7,180): CBP and
    the others revise their months. Such a proposal gets a 0.2% tolerance and a caveat giving
    the data's figure, as an editor would write it; True when it was changed."""
    got = [e for e in (p.evaluations or {}).values() if e is not None]
    if p.printed is None or p.tolerance or not any(e.verdict == "not-supported" for e in got):
        return False
    values = [e.value for e in got if isinstance(e.value, (int, float)) and not isinstance(e.value, bool)]
    if not values or any(abs(v - p.printed) > REVISION * p.printed for v in values):
        return False
    shown = " and ".join(sorted({f"{v:,.0f}" for v in values}))
    p.tolerance, p.on_pass = f"{REVISION:.1%}", CAVEAT
    note = (
        f"The data give {shown} where the story printed {p.printed:,.0f}: a revision, checked with a "
        f"tolerance of {REVISION:.1%}."
    )
    p.caveat = f"{p.caveat} {note}".strip()
    return True


def _assign_ids(draft: Draft) -> None:
    seen: set[str] = set()
    for p in draft.entries:
        if p.kind == "not-checkable":
            base = f"p{p.paragraph}-{slugify(p.topic, 20)}-not-checkable"
        else:
            period = slugify(p.period or "", 20)
            base = "-".join(x for x in (p.key, period, p.metric.replace("_", "-")) if x)
        ident, n = base, 2
        while ident in seen:
            ident, n = f"{base}-{n}", n + 1
        seen.add(ident)
        draft.ids[id(p)] = ident


# ------------------------------------------------------------------------------ YAML


VERDICTS = ("supported", "supported-with-caveat", "not-supported", "not-checkable")


def _verdict(p: Proposal) -> dict | None:
    """The proposed verdicts; an entry the engine could not evaluate records none (the comment
    above it says why), so the file still loads."""
    if not p.evaluations:
        return None
    got = {k: v.verdict for k, v in p.evaluations.items() if v is not None}
    return got if got and all(v in VERDICTS for v in got.values()) else None


def _comment(text: str) -> str:
    """Text for a one-line YAML comment: an engine's message or the story's words may hold line
    breaks, and a line after one would be read as YAML, not as part of the comment."""
    return " ".join(str(text).split())


def to_yaml(draft: Draft, outlet: str = "", url: str = "") -> str:
    """story.yaml text: the agreed format, every entry ``status: draft``."""
    head = {
        "headline": draft.headline,
        "outlet": outlet or "(to fill in)",
        "url": url or "unknown: to fill in (the story's address)",
        "published": draft.published,
        "language": draft.language,
    }
    lines = [
        f"# Draft fact-check written by `migrationdata draft` on the story published {draft.published}.",
        "# Every entry is a proposal (status: draft) until a person checks its metric, period and test",
        "# against the story and sets status: confirmed. Paraphrases are the draft's; rewrite them.",
        ""
        if draft.engine
        else "# The claims engine was not installed: no figures or verdicts were computed.",
        yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100).rstrip(),
        "claims:",
    ]
    for p in draft.entries:
        entry = {"id": draft.ids[id(p)], **p.entry()}
        verdict = _verdict(p)
        if verdict:
            entry["verdict"] = verdict
        entry["status"] = "draft"
        lines.append("  " + _comment(f"# ¶{p.paragraph}: rests on {p.words!r}"))
        for when, ev in (p.evaluations or {}).items():
            if ev is not None:
                detail = ev.figure or ev.message
                lines.append("  " + _comment(f"# {when}: {ev.verdict}{' — ' + detail if detail else ''}"))
        dumped = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
        lines += ["  " + line for line in dumped.rstrip().splitlines()]
    if not draft.entries:
        lines[-1] = "claims: []"
    unmapped = [
        {"paragraph": p.paragraph, "words": p.words, "reason": p.reason}
        | ({"test": p.test} if p.test else {})
        for p in draft.unmapped
    ]
    lines.append("# figures and closures the draft could not map to a series and period: map them by hand")
    lines.append(
        yaml.safe_dump({"unmapped": unmapped}, sort_keys=False, allow_unicode=True, width=100).rstrip()
    )
    return "\n".join(line for line in lines if line is not None) + "\n"


def write_yaml(draft: Draft, path: Path, outlet: str = "", url: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(to_yaml(draft, outlet, url), encoding="utf-8")
    tmp.replace(path)
    return path
