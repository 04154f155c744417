"""Closures of crossings: that one happened in the days a sentence names, how long it lasted
("for five days"), the day it began or ended, whether the crossings closed were key ones (the
house rule: at least a quarter of the trains) and whether other crossings were shut too. Each is
read against the closures ledger (data/closures.csv)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from migrationdata.draft import entities, periods
from migrationdata.draft.context import CAVEAT, Context, Proposal, main_period_of, period_words
from migrationdata.draft.entities import fold
from migrationdata.draft.periods import Period

#: the least share of a crossing's traffic that makes it "key" (house rule; confirm per story)
KEY_SHARE = "at least 25%"


KEY = {
    "en": r"\b(?:key|major|main|busiest|vital|crucial)\b",
    "es": r"\b(?:clave|principal(?:es)?|vital(?:es)?|cruciales?)\b",
}


OTHER = {
    "en": r"\bother (?:entry points|ports(?: of entry)?|crossings|bridges)\b",
    "es": r"\botros (?:puntos de entrada|puertos(?: de entrada)?|cruces|puentes)\b",
}


REOPEN = {"en": r"\breopen\w*", "es": r"\breabr\w*|\breapertura"}


def _window(ctx: Context) -> tuple[date, date, Period | None]:
    """The days a closure sentence speaks of: its period, cut at the day before publication
    ("earlier this month" read on the 28th is the 1st to the 27th)."""
    main = main_period_of(ctx) or next((p for p in ctx.periods if p.kind == "day"), None)
    if main is not None:
        first, last = periods.month_span(main.spec)
        if main.kind == "day" and ctx.has(REOPEN[ctx.lang]):
            first -= timedelta(days=7)  # "reopened on the 23rd": a closure that ended that week
    else:
        first, last = ctx.published - timedelta(days=90), ctx.published
    return first, min(last, ctx.published - timedelta(days=1)), main


def _closure_rows(
    ctx: Context, first: date, last: date, mode: str | None, any_port: bool = False
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


def _selector(ctx: Context, row: dict, mode: str | None) -> dict:
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


def closures(ctx: Context) -> list[Proposal]:
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
        f"the {mode} closures in force on {period_words(first_row['closed_from'])}"
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
                f"Counted in calendar days, both ends included ({period_words(first_row['closed_from'])} to "
                f"{period_words(first_row['reopened_on'])}); in elapsed time about {elapsed:.1f} days."
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
                claim=f"{named[0].upper() + named[1:]} {'ended' if field_name == 'end' else 'began'} on {period_words(p.spec)}.",
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
