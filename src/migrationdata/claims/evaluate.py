"""Verdicts: a claim's metric run on the data as published by a date, its test applied.

The rules (also in ``docs/claims.md``):

- the test passes on data that cover the whole period → the claim's ``on_pass`` verdict
  (``supported`` unless the ledger says ``supported-with-caveat``);
- it passes on part of the period (a year not over, a month not yet published) →
  ``supported-with-caveat``;
- it fails on the whole period → ``not-supported``, with the figure;
- it fails on part of the period → ``not-checkable``: the rest could still change it;
- no data yet for the period, or a table that cannot give the total → ``not-checkable`` with
  the reason;
- the metric breaks, or the test cannot apply to its figure → ``error``, with the message:
  a fault in the ledger or the code, never reported as a changed verdict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from migrationdata import closures as closures_ledger
from migrationdata import processed
from migrationdata.claims.metrics import METRICS, Figure, MetricError, NotCheckable, Reader
from migrationdata.claims.numbers import Test, TestTypeError, check_words, upper_bound
from migrationdata.claims.story import Claim, ClaimEntry, Story, StoryError, StoryFile, _check_claim
from migrationdata.claims.wording import Phrase, Seq
from migrationdata.errors import MigrationDataError
from migrationdata.vintages import Vintage


@dataclass
class Result:
    """One claim evaluated as of one date."""

    id: str
    claim: str
    verdict: str  # supported | supported-with-caveat | not-supported | not-checkable | error
    recorded: str | None
    as_of: date | None
    figure: Figure | None
    sources: list[dict]
    note: str = ""  # why: the rule applied, the reason it cannot be checked, the error
    caveat: str = ""
    paragraph: int = 0
    topic: str = ""
    chart: str | None = None
    context: bool = False
    test: str = ""
    error: str = ""
    tables: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    quote: str | None = None
    status: str = "confirmed"  # draft: proposed, not yet verified by a person
    #: which verdict rule applied, for the editions that word the note themselves: passes,
    #: passes-part, fails, fails-past, fails-part, no-data, not-checkable (kind) or error
    rule: str = ""
    #: the claim's parsed test, and ``note`` and ``conditions`` as phrases any edition words
    #: from its catalog (:mod:`migrationdata.claims.wording`); None where the note is not the
    #: engine's verdict sentence (an error, a claim the data cannot settle)
    test_spec: Test | None = None
    note_words: Seq | None = None
    condition_words: list = field(default_factory=list)

    @property
    def matches(self) -> bool:
        # a draft's verdict is a proposal: it is shown, never failed on
        return self.status == "draft" or self.recorded is None or self.recorded == self.verdict

    @property
    def value(self) -> Any:
        return None if self.figure is None else self.figure.value

    @property
    def display(self) -> str:
        return "—" if self.figure is None else self.figure.text

    @property
    def data_through(self) -> str:
        return "" if self.figure is None else self.figure.data_through

    @property
    def checkable(self) -> bool:
        return self.figure is not None

    def as_json(self) -> dict:
        value = self.value
        if isinstance(value, pd.Timestamp | datetime | date):
            value = pd.Timestamp(value).date().isoformat()
        elif hasattr(value, "item"):
            value = value.item()
        fig = self.figure
        return {
            "id": self.id,
            "claim": self.claim,
            "verdict": self.verdict,
            "recorded_verdict": self.recorded,
            "as_of": self.as_of.isoformat() if self.as_of else "now",
            "value": value,
            "unit": fig.unit if fig else None,
            "figure": self.display,
            "complete": fig.complete if fig else None,
            "data_through": self.data_through,
            "extra": {
                k: (v.item() if hasattr(v, "item") else v) for k, v in (fig.extra if fig else {}).items()
            },
            "test": self.test,
            "note": self.note,
            "caveat": self.caveat,
            "sources": self.sources,
            "tables": self.tables,
            "chart": self.chart,
            "context": self.context,
            "status": self.status,
            "error": self.error or None,
        }


# ----------------------------------------------------------------------------- sources


def sources_for(tables: list[str], closure_ids: list[str] = (), as_of: date | None = None) -> list[dict]:
    """Publisher, URL, retrieval date and checksum of each table read, and the ledger's own
    citations for each closure read (those published by ``as_of``)."""
    out = []
    for t in tables:
        if t == "closures":
            for cid in closure_ids:
                for src in closures_ledger.sources(cid):
                    if as_of is not None and src.get("date") and pd.Timestamp(src["date"]).date() > as_of:
                        continue
                    out.append(
                        {
                            "table": "closures",
                            "closure": cid,
                            "publisher": src.get("publisher"),
                            "title": src.get("title"),
                            "url": src.get("url"),
                            "date": src.get("date"),
                            "retrieved_at": None,
                            "sha256": None,
                        }
                    )
            continue
        prov = processed.provenance(t)
        for s in prov.get("sources", []):
            out.append(
                {
                    "table": t,
                    "publisher": prov.get("publisher"),
                    "title": s.get("title"),
                    "url": s.get("path"),
                    "date": None,
                    "retrieved_at": s.get("retrieved_at"),
                    "sha256": s.get("sha256"),
                }
            )
    seen, unique = set(), []
    for s in out:
        key = (s["table"], s.get("url"), s.get("title"))
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


# ----------------------------------------------------------------------------- evaluation


def _run(
    reader: Reader, metric: str, params: dict, test, since_ok: bool = True
) -> tuple[Figure, bool, str, Phrase]:
    params = dict(params)
    if test.since:
        if params.get("since") not in (None, test.since):
            raise MetricError(f"the test says since {test.since} but params.since is {params['since']}")
        params["since"] = test.since
    fig = METRICS[metric](reader, **params)
    ok, how, words = check_words(test, fig)
    return fig, ok, how, words


def _already_past(claim: Claim, fig: Figure) -> bool:
    """A partial sum already above what the test allows: later months can only add to it."""
    bound = upper_bound(claim.test)
    return (
        bool(fig.extra.get("monotone"))
        and not fig.complete
        and bound is not None
        and float(fig.value) > bound
    )


def evaluate_claim(claim: Claim, as_of: date | None, recorded: str | None = None) -> Result:
    """Evaluate one loaded claim on the data as published by ``as_of`` (None: today's)."""
    e = claim.entry
    base = dict(
        id=e.id,
        claim=e.claim.strip(),
        recorded=recorded,
        as_of=as_of,
        caveat=e.caveat.strip(),
        paragraph=e.paragraph,
        topic=e.topic,
        chart=e.chart,
        context=claim.is_context,
        quote=e.quote,
        status=e.status,
    )
    if not claim.checkable:
        return Result(
            verdict="not-checkable",
            figure=None,
            sources=[],
            note=e.reason.strip(),
            rule="not-checkable",
            **base,
        )
    base["test"] = claim.test.describe()
    base["test_spec"] = claim.test
    reader = Reader(Vintage(as_of))
    try:
        fig, ok, how, how_words = _run(reader, e.metric, claim.params, claim.test)
        complete = fig.complete
        refuted = not ok and _already_past(claim, fig)
        # the test a failing verdict names: the claim's own, else the first condition that fails
        # (a passing main test must not be reported as the one that failed)
        failed = None if ok else (claim.test, how, how_words)
        conditions, condition_words = [], []
        for metric, params, test in claim.also:
            cfig, cok, chow, cwords = _run(reader, metric, params, test)
            if not cok and failed is None:
                failed = (test, chow, cwords)
            conditions.append(
                f"{cfig.text} — test {test.describe()}: {'passes' if cok else 'fails'} ({chow})"
            )
            condition_words.append(
                Phrase(
                    "tests.note.condition",
                    figure=cfig.words,
                    test=test,
                    result=Phrase("tests.note.passes_short" if cok else "tests.note.fails_short"),
                    how=cwords,
                )
            )
            ok = ok and cok
            complete = complete and cfig.complete
        if e.tables is not None and sorted(set(e.tables)) != sorted(set(reader.tables)):
            raise MetricError(
                f"tables: lists {', '.join(e.tables)}, but the metric read "
                f"{', '.join(reader.tables)}; correct the list (or drop it: sources are cited from what is read)"
            )
        sources = sources_for(reader.tables, reader.closure_ids, as_of)
    except NotCheckable as exc:
        return Result(
            verdict="not-checkable",
            figure=None,
            sources=sources_for(reader.tables, reader.closure_ids, as_of) if reader.tables else [],
            note=str(exc),
            tables=list(reader.tables),
            rule="no-data",
            note_words=Seq([exc.words]) if exc.words is not None else None,
            **base,
        )
    except (MetricError, TestTypeError) as exc:
        return Result(
            verdict="error", figure=None, sources=[], note=str(exc), error=str(exc), rule="error", **base
        )
    except MigrationDataError as exc:
        return Result(
            verdict="error", figure=None, sources=[], note=str(exc), error=str(exc), rule="error", **base
        )
    except Exception as exc:  # one broken metric must not stop the others
        msg = f"the metric {e.metric} failed: {type(exc).__name__}: {exc}"
        return Result(verdict="error", figure=None, sources=[], note=msg, error=msg, rule="error", **base)
    said = dict(test=claim.test, how=how_words)
    if failed is not None:
        test_failed, how, said = failed[0], failed[1], dict(test=failed[0], how=failed[2])
    else:
        test_failed = claim.test
    if ok:
        rule = "passes" if complete else "passes-part"
        verdict = e.on_pass if complete else "supported-with-caveat"
        note = f"Test {claim.test.describe()} passes: {how}." + (
            "" if complete else " Supported by the part of the period published so far."
        )
        words = [Phrase("tests.note.passes", **said)] + ([] if complete else [Phrase("tests.note.part")])
    elif complete or refuted:
        rule = "fails" if complete else "fails-past"
        verdict = "not-supported"
        note = f"The data contradict the claim: test {test_failed.describe()} fails ({how})."
        words = [Phrase("tests.note.fails", **said)]
        if not complete:
            note += " The months published so far already exceed it, and later months can only add."
            words.append(Phrase("tests.note.past"))
    else:
        rule = "fails-part"
        verdict = "not-checkable"
        note = (
            f"Test {test_failed.describe()} fails on the figures published so far ({how}), which do not "
            "cover the whole period: the claim rested on figures not yet released."
        )
        words = [Phrase("tests.note.fails_part", **said)]
    if fig.detail:
        note += " " + fig.detail
        words.append(Phrase("tests.note.detail", detail=fig.detail_words))
    return Result(
        verdict=verdict,
        figure=fig,
        sources=sources,
        note=note,
        tables=list(reader.tables),
        conditions=conditions,
        rule=rule,
        note_words=Seq(words),
        condition_words=condition_words,
        **base,
    )


def evaluate_entry(
    entry: dict, as_of: date | None, published: date | None = None, lang: str = "en"
) -> Result:
    """Evaluate one claim given as a dict (as in story.yaml), without a file. Verdicts need not
    be recorded; a problem with the entry raises :class:`StoryError` naming the field."""
    entry = dict(entry)
    entry.setdefault("verdict", {"publication": "not-checkable", "now": "not-checkable"})
    entry.setdefault("paragraph", 1)
    entry.setdefault("claim", entry.get("id", "claim"))
    entry.setdefault("id", "claim")
    published = published or date.today()
    from pydantic import ValidationError

    from migrationdata.claims.story import _pydantic_problems

    try:
        e = ClaimEntry.model_validate(entry)
    except ValidationError as exc:
        raise StoryError("<entry>", _pydantic_problems(exc, {"claims": [entry]})) from None
    sf = StoryFile.model_construct(checked=[], language=lang, published=published, claims=[])
    claim, problems = _check_claim(e, lang, sf, None)
    if problems:
        raise StoryError("<entry>", problems)
    return evaluate_claim(claim, as_of)


def evaluate_story(story: Story, as_of: date | None = None, ids: list[str] | None = None) -> list[Result]:
    claims = story.claims
    if ids:
        known = {c.id for c in claims}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise StoryError(
                story.path, [(u, "id", f"no such claim; known: {', '.join(sorted(known))}") for u in unknown]
            )
        claims = [c for c in claims if c.id in ids]
    key = story.recorded_key(as_of)
    return [evaluate_claim(c, as_of, c.entry.verdict.get(key) if key else None) for c in claims]


def results_json(story: Story, results: list[Result]) -> dict:
    return {
        "story": story.slug,
        "headline": story.headline,
        "outlet": story.outlet,
        "url": story.url,
        "published": story.published.isoformat(),
        "claims": [r.as_json() for r in results],
    }


def dumps(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)
