"""The page an editor reads: the story with every spotted figure marked and its verdict beside it.

Rendered from ``templates/draft.html.j2`` by Jinja2 with autoescaping on: the story's text is
data, never markup. Each mark links to its card in the margin (the proposed metric, period,
test, the figure then and now, the reason when it could not be mapped).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from migrationdata.draft.context import Proposal
from migrationdata.draft.story import Draft
from migrationdata.paths import PACKAGE_DIR

CATEGORIES = {
    # category: (label for the editor, the order a mark takes when two overlap)
    "contradicted": ("contradicted", 0),
    "error": ("engine error", 1),
    "unmapped": ("unmapped", 2),
    "proposed": ("proposed, not evaluated", 3),
    "supported": ("supported", 4),
    "not-checkable": ("not checkable", 5),
}


def category(p: Proposal) -> str:
    if p.kind in ("unmapped", "not-checkable"):
        return p.kind
    ev = (p.evaluations or {}).get("now") or (p.evaluations or {}).get("publication")
    if ev is None:
        return "proposed"
    return {
        "supported": "supported",
        "supported-with-caveat": "supported",
        "not-supported": "contradicted",
        "not-checkable": "not-checkable",
    }.get(ev.verdict, "error")


@dataclass
class Segment:
    text: str
    category: str = ""
    refs: tuple[str, ...] = ()  # card anchors


def _segments(draft: Draft, number: int, refs: dict[int, str]) -> list[Segment]:
    """The paragraph's text cut into plain and marked runs."""
    para = draft.paragraphs[number - 1]
    marks: list[tuple[int, int, str, str]] = []  # start, end, category, anchor
    for p in draft.proposals:
        if p.paragraph != number:
            continue
        sentence = para.sentences[p.sentence]
        for a, b in p.spans:
            marks.append((sentence.start + a, sentence.start + b, category(p), refs[id(p)]))
    cuts = sorted({0, len(para.text)} | {m[0] for m in marks} | {m[1] for m in marks})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m[0] <= a and b <= m[1]]
        if not covering:
            out.append(Segment(para.text[a:b]))
            continue
        cat = min((m[2] for m in covering), key=lambda c: CATEGORIES[c][1])
        anchors = tuple(dict.fromkeys(m[3] for m in covering))
        if out and out[-1].category == cat and out[-1].refs == anchors:
            out[-1].text += para.text[a:b]
        else:
            out.append(Segment(para.text[a:b], cat, anchors))
    return out


def _label(p: Proposal) -> str:
    """The card's verdict as an editor says it: a supported claim that needs its caveat says so."""
    label = CATEGORIES[category(p)][0]
    ev = (p.evaluations or {}).get("now") or (p.evaluations or {}).get("publication")
    return label + ", with caveat" if ev is not None and ev.verdict == "supported-with-caveat" else label


def _card(p: Proposal, ref: str, ident: str) -> dict:
    evs = p.evaluations or {}

    def show(ev):
        if ev is None:
            return None
        return {"verdict": ev.verdict, "figure": ev.figure or ev.message}

    return {
        "ref": ref,
        "id": ident,
        "category": category(p),
        "label": _label(p),
        "kind": p.kind,
        "words": p.words,
        "claim": p.claim,
        "series": p.series,
        "metric": p.metric,
        "params": ", ".join(f"{k}: {v}" for k, v in p.params.items()),
        "test": p.test + (f" (tolerance {p.tolerance})" if p.tolerance else ""),
        # a second check, by what it changes: "since: 2009, test second-lowest"
        "also": [
            ", ".join(
                [f"{k}: {v}" for k, v in a["params"].items() if p.params.get(k) != v]
                + ([f"metric {a['metric']}"] if a["metric"] != p.metric else [])
                + [f"test {a['test']}"]
            )
            for a in p.also
        ],
        "reason": p.reason,
        "caveat": p.caveat,
        "publication": show(evs.get("publication")),
        "now": show(evs.get("now")),
    }


def render(draft: Draft, engine_note: str = "") -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    refs = {id(p): f"f{n}" for n, p in enumerate(draft.proposals, start=1)}
    counts = {c: 0 for c in CATEGORIES}
    for p in draft.proposals:
        counts[category(p)] += 1
    paragraphs = []
    for para in draft.paragraphs:
        cards = [
            _card(p, refs[id(p)], draft.ids.get(id(p), ""))
            for p in draft.proposals
            if p.paragraph == para.number
        ]
        paragraphs.append(
            {
                "number": para.number,
                "heading": para.heading or para.number == 1,
                "furniture": para.boilerplate,
                "segments": _segments(draft, para.number, refs),
                "cards": cards,
            }
        )
    return env.get_template("draft.html.j2").render(
        draft=draft,
        paragraphs=paragraphs,
        counts=counts,
        labels={c: v[0] for c, v in CATEGORIES.items()},
        engine_note=engine_note,
        sentences_with_figures=draft.sentences_with_figures(),
    )


def write_html(draft: Draft, path: Path, engine_note: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(render(draft, engine_note), encoding="utf-8")
    tmp.replace(path)
    return path
