"""The fact-check ledger: every checkable statement in the story, tested against the data.

``data/claims.yaml`` lists the claims (paraphrased), the metric that measures each one (a
function registered here with :func:`metric`), the test the figure must pass, and the verdict
recorded twice: for publication day (28 December 2023) and now. ``migrationdata check``
evaluates them and exits 1 when a computed verdict differs from the recorded one, so a data
revision that flips a verdict fails CI and names the claim.

Vintages: ``--as-of DATE`` restricts every source to what its publisher had released by that
date, using each publisher's release lag (and known release dates where PROVENANCE gives
them). The figures are today's revised values for the months then published, not the numbers
as first printed; the report says so.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from migrationdata.errors import MigrationDataError
from migrationdata.paths import data_dir, figures_dir, reports_dir
from migrationdata.vintages import KNOWN_RELEASES, PUBLICATION_DAY, RELEASES, Vintage  # noqa: F401

VERDICTS = ("supported", "supported-with-caveat", "not-supported", "not-checkable")
TEST_KINDS = ("threshold", "ratio", "rank", "date-range", "equals", "none")
OPS = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
}


class ClaimsFileError(MigrationDataError):
    """The claims file itself is wrong: the message points at the entry."""


# ----------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """What a metric measured: the value the test reads, how to print it, and whether the data
    cover the whole period the claim speaks of."""

    value: Any
    display: str
    complete: bool = True
    detail: str = ""
    data_through: str = ""
    closures: tuple[str, ...] = ()  # ledger ids the figure rests on, for the source list


METRICS: dict[str, Callable[..., Figure]] = {}


def metric(name: str):
    def register(fn):
        METRICS[name] = fn
        return fn

    return register


def _fmt(n: float) -> str:
    return f"{int(round(n)):,}"


def _month(ts) -> str:
    return pd.Timestamp(ts).strftime("%B %Y")


# --- Darién ---------------------------------------------------------------------------


def _darien_monthly(v: Vintage) -> pd.DataFrame:
    from migrationdata.sources import darien

    return v.restrict("darien", darien.monthly_totals())


@metric("darien_year_total")
def darien_year_total(v: Vintage, year: int) -> Figure:
    df = _darien_monthly(v)
    df = df[df["month"].dt.year == year].dropna(subset=["migrants"])
    months = len(df)
    total = int(df["migrants"].sum())
    last = df["month"].max() if months else None
    complete = months == 12
    span = (
        "the full year"
        if complete
        else (f"January to {last:%B} only, {months} months published" if months else "no month published yet")
    )
    return Figure(
        value=total,
        display=f"{_fmt(total)} crossings in {year} ({span})",
        complete=complete,
        data_through=_month(last) if last is not None else "",
    )


@metric("darien_growth_vs_record")
def darien_growth_vs_record(v: Vintage, year: int) -> Figure:
    """Ratio of ``year`` to the year before, and whether that earlier year was the record."""
    from migrationdata.sources import darien

    this = darien_year_total(v, year)
    annual = darien.annual().set_index("year")["migrants"]
    before = annual.loc[annual.index < year]
    prev = int(before.loc[year - 1])
    record_year = int(before.idxmax())
    ratio = this.value / prev
    detail = (
        f"{year - 1}: {_fmt(prev)}, the highest year since the series began in 2010"
        if record_year == year - 1
        else f"the record before {year} was {record_year} ({_fmt(before.max())}), not {year - 1}"
    )
    return Figure(
        value=ratio if record_year == year - 1 else 0.0,
        display=f"{year} is {ratio:.2f}× {year - 1} ({_fmt(this.value)} vs {_fmt(prev)})",
        complete=this.complete,
        detail=detail,
        data_through=this.data_through,
    )


@metric("darien_nationality_rank")
def darien_nationality_rank(v: Vintage, year: int, iso3: str) -> Figure:
    from migrationdata.sources import darien

    df = v.restrict("darien", darien.monthly())
    df = df[(df["month"].dt.year == year) & (df["nationality_iso3"] != "")]
    by = df.groupby("nationality_iso3")["migrants"].sum().sort_values(ascending=False)
    rank = int(list(by.index).index(iso3) + 1)
    share = by[iso3] / by.sum()
    months = df["month"].nunique()
    return Figure(
        value=rank,
        display=f"{_fmt(by[iso3])} of {_fmt(by.sum())} crossings in {year} ({share:.1%}), rank {rank}",
        complete=months == 12,
        data_through=_month(df["month"].max()),
    )


@metric("darien_month")
def darien_month(v: Vintage, month: str) -> Figure:
    """Crossings in ``month``; before it was released, the latest month then published."""
    df = _darien_monthly(v).dropna(subset=["migrants"])
    target = pd.Timestamp(month)
    df = df[df["month"] <= target]
    last = df.iloc[-1]
    complete = last["month"] == target
    return Figure(
        value=int(last["migrants"]),
        display=f"{_fmt(last['migrants'])} crossed the Darién in {_month(last['month'])}"
        + ("" if complete else f" (the latest month published; {_month(target)} was not yet out)"),
        complete=complete,
        data_through=_month(last["month"]),
    )


# --- US border encounters -------------------------------------------------------------


@metric("us_southwest_records")
def us_southwest_records(v: Vintage, through: str) -> Figure:
    """Was the situation at the time of the story a record? Rank of the latest complete fiscal
    year up to ``through`` among Southwest encounters (FY2020 on), with the highest month and
    the Border Patrol's like-for-like history (monthly from FY2000, annual from FY1960)."""
    from migrationdata.sources import cbp

    through = pd.Timestamp(through)
    sw = v.restrict("cbp", cbp.southwest_monthly())
    sw = sw[sw["month"] <= through]
    last_month = sw["month"].max()
    sw = sw.assign(fy=cbp.fiscal_year_of(sw["month"]))
    fy_counts = sw.groupby("fy")["month"].nunique()
    full_years = fy_counts[fy_counts == 12].index
    by_fy = sw[sw["fy"].isin(full_years)].groupby("fy")["total"].sum().sort_values(ascending=False)
    latest_fy = int(max(full_years))
    rank_latest_fy = int(list(by_fy.index).index(latest_fy) + 1)
    top_month = sw.loc[sw["total"].idxmax()]

    usbp = v.restrict("cbp", cbp.usbp_history())
    usbp = usbp[usbp["month"] <= through]
    usbp_top = usbp.loc[usbp["encounters"].idxmax()]
    pre = usbp[usbp["month"] < pd.Timestamp("2020-03-01")]
    pre_top = pre.loc[pre["encounters"].idxmax()]
    annual = cbp.usbp_annual()
    annual = annual[annual["fiscal_year"] <= latest_fy]
    a_top = annual.loc[annual["apprehensions"].idxmax()]
    pre_annual = annual[annual["fiscal_year"] < 2020]
    pa_top = pre_annual.loc[pre_annual["apprehensions"].idxmax()]

    detail = (
        f"Highest month of Southwest encounters (from October 2019) up to {_month(last_month)}: "
        f"{_month(top_month['month'])}, {_fmt(top_month['total'])}. "
        f"Border Patrol alone, monthly since October 1999: highest {_month(usbp_top['month'])} "
        f"({_fmt(usbp_top['encounters'])}); before Title 42 the high was {_month(pre_top['month'])} "
        f"({_fmt(pre_top['encounters'])}). Border Patrol by fiscal year since FY1960: highest "
        f"FY{int(a_top['fiscal_year'])} ({_fmt(a_top['apprehensions'])}); before FY2020 the high "
        f"was FY{int(pa_top['fiscal_year'])} ({_fmt(pa_top['apprehensions'])})."
    )
    return Figure(
        value=rank_latest_fy,
        display=(
            f"FY{latest_fy}: {_fmt(by_fy.loc[latest_fy])} Southwest border encounters, the highest "
            f"of {len(by_fy)} complete fiscal years on record; highest month "
            f"{_month(top_month['month'])} ({_fmt(top_month['total'])})"
            if rank_latest_fy == 1
            else f"FY{latest_fy}: {_fmt(by_fy.loc[latest_fy])}, rank {rank_latest_fy} of {len(by_fy)}"
        ),
        detail=detail,
        data_through=_month(last_month),
    )


@metric("us_citizenship_rank")
def us_citizenship_rank(v: Vintage, citizenship: str, month: str) -> Figure:
    """Rank of a citizenship among Southwest encounters in ``month`` (before it was released,
    the latest month then published), among the countries CBP names."""
    from migrationdata.sources import cbp

    target = pd.Timestamp(month)
    enc = v.restrict("cbp", cbp.encounters())
    enc = enc[(enc["region"] == cbp.SOUTHWEST) & (enc["month"] <= target)]
    enc = enc[cbp.detailed_months(enc)]
    used = enc["month"].max()
    top = cbp.top_citizenships(used, n=50)
    names = list(top["citizenship"])
    rank = names.index(citizenship) + 1
    row = top.iloc[rank - 1]
    ahead = ", ".join(names[: rank - 1])
    return Figure(
        value=rank,
        display=f"{_fmt(row['encounters'])} {citizenship} citizens encountered at the Southwest border "
        f"in {_month(used)} ({row['share']:.0%} of the month), rank {rank}"
        + (f" after {ahead}" if ahead else ""),
        complete=used == target,
        data_through=_month(used),
    )


# --- closures --------------------------------------------------------------------------


def _closures(v: Vintage) -> pd.DataFrame:
    """The closures ledger as it could be read on ``v.as_of`` (see
    :func:`migrationdata.closures.as_known_on`, which the closures chart uses too)."""
    from migrationdata import closures

    return closures.as_known_on(v.as_of)


@metric("rail_closure_length")
def rail_closure_length(v: Vintage) -> Figure:
    df = _closures(v)
    rail = df[df["mode"] == "rail"]
    if rail.empty:
        return Figure(value=None, display="no rail closure in the ledger by then", complete=False)
    days = sorted(set(rail["days_closed"].astype(int)))
    hours = rail["hours_closed"].dropna()
    ports = " and ".join(rail["port"])
    used = tuple(rail["id"])
    start, end = rail["closed_from"].min(), rail["reopened_on"].max()
    return Figure(
        value=days[0] if len(days) == 1 else days,
        display=(
            f"{ports} rail bridges: {start:%d %B} to {end:%d %B %Y}, {days[0]} calendar days; "
            f"{hours.min():.0f}–{hours.max():.0f} hours elapsed (about {hours.mean() / 24:.1f} days)"
        ),
        detail="Calendar days count both the day it closed and the day it reopened.",
        closures=used,
    )


@metric("other_ports_closed")
def other_ports_closed(v: Vintage, start: str, end: str) -> Figure:
    df = _closures(v)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    reopened = df["reopened_on"].fillna(pd.Timestamp("2100-01-01"))
    live = df[(df["mode"] != "rail") & (df["closed_from"] <= hi) & (reopened >= lo)]
    items = [
        f"{r.port}, {r.crossing} ({r.mode}) from {r.closed_from:%d %b %Y}, "
        + (
            f"reopened {r.reopened_on:%d %b %Y} ({int(r.days_closed)} calendar days)"
            if pd.notna(r.reopened_on)
            else "still closed then"
        )
        for r in live.itertuples()
    ]
    return Figure(
        value=len(live),
        display=f"{len(live)} other crossings were shut at some point between {lo:%d %b} and {hi:%d %b %Y}: "
        + "; ".join(items),
        closures=tuple(live["id"]),
    )


@metric("rail_closure_start")
def rail_closure_start(v: Vintage) -> Figure:
    df = _closures(v)
    rail = df[df["mode"] == "rail"]
    start = rail["closed_from"].min()
    return Figure(value=start, display=f"rail closures began {start:%d %B %Y}", closures=tuple(rail["id"]))


@metric("rail_ports_share_of_trains")
def rail_ports_share_of_trains(v: Vintage, ports: list[str], year: int) -> Figure:
    from migrationdata import crossings

    months = pd.date_range(f"{year}-01-01", f"{year}-12-01", freq="MS")
    shares = crossings.port_shares(
        "Trains", year, pd.DatetimeIndex([m for m in months if v.published("bts", m)])
    )
    mine = shares[shares["port"].isin(ports)]
    share = mine["share"].sum()
    ranks = ", ".join(f"{r.port} {r.rank}" for r in mine.itertuples())
    return Figure(
        value=share,
        display=(
            f"{' and '.join(ports)} received {share:.0%} of the {_fmt(shares['value'].sum())} trains "
            f"entering the US from Mexico in {year} (ranks {ranks})"
            + ("" if shares.attrs["months"] == 12 else f"; January to {shares.attrs['last_month']:%B} only")
        ),
        complete=shares.attrs["months"] == 12,
        data_through=_month(shares.attrs["last_month"]),
    )


# --- trade -------------------------------------------------------------------------------


@metric("mexico_trade_year")
def mexico_trade_year(v: Vintage, year: int) -> Figure:
    from migrationdata.sources import trade

    df = v.restrict("trade", trade.monthly())
    df = df[df["month"].dt.year == year]
    months = len(df)
    total = df["total_usd"].sum()
    rail = df["rail_usd"].sum()
    last = df["month"].max() if months else None
    display = (
        f"US–Mexico goods trade {year}: ${total / 1e9:,.1f} billion "
        f"(exports ${df['exports_usd'].sum() / 1e9:,.1f}B, imports ${df['imports_usd'].sum() / 1e9:,.1f}B), "
        f"{rail / total:.1%} by rail"
    )
    if months < 12:
        display += f"; January to {last:%B} only"
    dec = pd.Timestamp("2023-12-01")
    daily = trade.rail_daily_value(dec)["per_day_usd"] if v.published("trade", dec) else None
    return Figure(
        value=total,
        display=display,
        complete=months == 12,
        detail=(f"Rail trade in December 2023 averaged ${daily / 1e6:,.0f} million a day." if daily else ""),
        data_through=_month(last) if last is not None else "",
    )


# ----------------------------------------------------------------------------- the ledger


@dataclass
class Claim:
    id: str
    claim: str
    paragraph: int
    quote_topic: str
    metric: str | None
    params: dict
    test: dict
    verdict: dict  # {"publication": ..., "now": ...}
    caveat: str
    tables: list[str]
    chart: str | None = None
    reason: str = ""  # why a claim is not checkable
    on_pass: str = "supported"  # noqa: S105 - a verdict, not a password
    #: a figure that gives the numbers behind the story's context, not a statement the story
    #: makes: reported apart, left out of the verdict counts and of ClaimReview
    context: bool = False


def default_path() -> Path:
    return data_dir() / "claims.yaml"


def load_ledger(path: Path | None = None) -> list[Claim]:
    """Read and check ``claims.yaml``; errors point at the entry."""
    import yaml

    from migrationdata.catalog import table_owner

    path = path or default_path()
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClaimsFileError(f"{path} is missing: restore it from git.") from None
    except yaml.YAMLError as exc:
        raise ClaimsFileError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(entries, dict) or not isinstance(entries.get("claims"), list):
        raise ClaimsFileError(f"{path}: expected a top-level 'claims:' list")
    out, seen = [], set()
    for i, e in enumerate(entries["claims"], start=1):
        where = f"{path.name}, entry {i} ({e.get('id', 'no id') if isinstance(e, dict) else e!r})"
        if not isinstance(e, dict):
            raise ClaimsFileError(f"{where}: each claim must be a mapping")
        for key in ("id", "claim", "paragraph", "verdict", "test"):
            if key not in e:
                raise ClaimsFileError(f"{where}: missing '{key}'")
        if e["id"] in seen:
            raise ClaimsFileError(f"{where}: duplicate id {e['id']!r}")
        seen.add(e["id"])
        verdict = e["verdict"]
        if not isinstance(verdict, dict) or set(verdict) != {"publication", "now"}:
            raise ClaimsFileError(f"{where}: 'verdict' needs exactly 'publication' and 'now'")
        for k, val in verdict.items():
            if val not in VERDICTS:
                raise ClaimsFileError(f"{where}: verdict {k} {val!r} is not one of {', '.join(VERDICTS)}")
        test = e["test"]
        kind = test.get("kind") if isinstance(test, dict) else None
        if kind not in TEST_KINDS:
            raise ClaimsFileError(f"{where}: test kind {kind!r} is not one of {', '.join(TEST_KINDS)}")
        _check_test(where, test)
        checkable = kind != "none"
        if checkable:
            if e.get("metric") not in METRICS:
                raise ClaimsFileError(
                    f"{where}: unknown metric {e.get('metric')!r}; known metrics: {', '.join(sorted(METRICS))}"
                )
            tables = e.get("tables") or []
            if not tables:
                raise ClaimsFileError(
                    f"{where}: a checkable claim must name the tables it uses (its sources)"
                )
            for t in tables:
                if t == "closures":
                    continue
                try:
                    table_owner(t)
                except KeyError:
                    raise ClaimsFileError(f"{where}: unknown table {t!r}") from None
        elif not e.get("reason"):
            raise ClaimsFileError(f"{where}: a claim with no test needs a 'reason' it cannot be checked")
        out.append(
            Claim(
                id=e["id"],
                claim=e["claim"].strip(),
                paragraph=int(e["paragraph"]),
                quote_topic=e.get("topic", ""),
                metric=e.get("metric"),
                params=e.get("params") or {},
                test=test,
                verdict=verdict,
                caveat=(e.get("caveat") or "").strip(),
                tables=list(e.get("tables") or []),
                chart=e.get("chart"),
                reason=(e.get("reason") or "").strip(),
                on_pass=e.get("on_pass", "supported"),
                context=bool(e.get("context", False)),
            )
        )
    return out


def _check_test(where: str, test: dict) -> None:
    kind = test["kind"]
    try:
        if kind == "threshold":
            if test["op"] not in OPS:
                raise ValueError(f"op must be one of {' '.join(OPS)}")
            float(test["value"])
        elif kind == "ratio":
            if float(test["tolerance"]) < 0:
                raise ValueError("tolerance must be zero or more")
            float(test["target"])
        elif kind in ("rank", "equals"):
            test["value"]  # noqa: B018 - presence check
        elif kind == "date-range":
            if date.fromisoformat(str(test["start"])) > date.fromisoformat(str(test["end"])):
                raise ValueError("start is after end")
    except (KeyError, TypeError, ValueError) as exc:
        raise ClaimsFileError(f"{where}: malformed {kind} test {test!r}: {exc}") from None


# ----------------------------------------------------------------------------- evaluation


@dataclass
class Result:
    id: str
    claim: str
    verdict: str
    recorded: str | None
    value: Any
    display: str
    as_of: str
    sources: list[dict]
    note: str
    caveat: str
    chart: str | None
    paragraph: int
    data_through: str = ""
    error: str = ""
    detail: str = ""
    test: dict = field(default_factory=dict)
    context: bool = False
    finding: str = ""  # the note without the test's wording

    @property
    def matches(self) -> bool:
        return self.recorded is None or self.recorded == self.verdict

    def as_json(self) -> dict:
        value = self.value
        if isinstance(value, pd.Timestamp | datetime | date):
            value = pd.Timestamp(value).date().isoformat()
        elif hasattr(value, "item"):
            value = value.item()
        return {
            "id": self.id,
            "claim": self.claim,
            "verdict": self.verdict,
            "recorded_verdict": self.recorded,
            "value": value,
            "figure": self.display,
            "as_of": self.as_of,
            "data_through": self.data_through,
            "sources": self.sources,
            "note": self.note,
            "caveat": self.caveat,
            "chart": self.chart,
            "context": self.context,
            "error": self.error or None,
        }


def _passes(test: dict, value: Any) -> bool:
    kind = test["kind"]
    if value is None:
        return False
    if kind == "threshold":
        return OPS[test["op"]](float(value), float(test["value"]))
    if kind == "ratio":
        return abs(float(value) - float(test["target"])) <= float(test["tolerance"])
    if kind in ("rank", "equals"):
        return value == test["value"]
    if kind == "date-range":
        d = pd.Timestamp(value).date()
        return date.fromisoformat(str(test["start"])) <= d <= date.fromisoformat(str(test["end"]))
    raise ValueError(kind)


def _describe_test(test: dict) -> str:
    if test.get("explain"):
        return str(test["explain"])
    kind = test["kind"]
    if kind == "threshold":
        return (
            f"figure {test['op']} {test['value']:,}"
            if isinstance(test["value"], int)
            else f"figure {test['op']} {test['value']}"
        )
    if kind == "ratio":
        return f"ratio within {test['target']} ± {test['tolerance']}"
    if kind == "rank":
        return f"rank = {test['value']}"
    if kind == "equals":
        return f"figure = {test['value']}"
    if kind == "date-range":
        return f"date between {test['start']} and {test['end']}"
    return "not testable with the data"


def sources_for(
    tables: list[str], closure_ids: tuple[str, ...] = (), as_of: date | None = None
) -> list[dict]:
    """Publisher, URL, retrieval date and checksum for the tables a claim reads."""
    from migrationdata import processed

    out = []
    for t in tables:
        if t == "closures":
            out.extend(_closure_sources(closure_ids, as_of))
            continue
        prov = processed.provenance(t)
        for s in prov.get("sources", []):
            out.append(
                {
                    "table": t,
                    "publisher": prov.get("publisher"),
                    "title": s.get("title"),
                    "url": s.get("path"),
                    "retrieved_at": s.get("retrieved_at"),
                    "sha256": s.get("sha256"),
                }
            )
    seen, unique = set(), []
    for s in out:
        key = (s.get("url"), s.get("title"))
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def _closure_sources(ids: tuple[str, ...], as_of: date | None = None) -> list[dict]:
    """The ledger's own citations for the closures a figure rests on (those published by
    ``as_of`` when given: a report of the reopening on 3 January was not there on 28 December)."""
    from migrationdata import closures

    out = []
    for cid in ids:
        for src in closures.sources(cid):
            if as_of is not None and src.get("date") and pd.Timestamp(src["date"]).date() > as_of:
                continue
            out.append(
                {
                    "table": "closures",
                    "publisher": src.get("publisher"),
                    "title": f"{src.get('title')} ({src.get('publisher')})",
                    "url": src.get("url"),
                    "date": src.get("date"),
                    "retrieved_at": None,
                    "sha256": None,
                }
            )
    return out


def evaluate(claim: Claim, vintage: Vintage) -> Result:
    recorded = None
    if vintage.as_of is None:
        recorded = claim.verdict["now"]
    elif vintage.as_of == PUBLICATION_DAY:
        recorded = claim.verdict["publication"]
    base = dict(
        id=claim.id,
        claim=claim.claim,
        recorded=recorded,
        as_of=vintage.label,
        caveat=claim.caveat,
        chart=claim.chart,
        paragraph=claim.paragraph,
        test=claim.test,
        context=claim.context,
    )
    if claim.test["kind"] == "none":
        return Result(verdict="not-checkable", value=None, display="—", sources=[], note=claim.reason, **base)
    try:
        fig = METRICS[claim.metric](vintage, **claim.params)
        sources = sources_for(claim.tables, fig.closures, vintage.as_of)
    except Exception as exc:  # one broken metric must not stop the others
        return Result(
            verdict="error",
            value=None,
            display="—",
            sources=[],
            note=f"the metric {claim.metric} failed: {type(exc).__name__}: {exc}",
            error=f"{type(exc).__name__}: {exc}",
            **base,
        )
    passed = _passes(claim.test, fig.value)
    if passed:
        verdict = claim.on_pass if fig.complete else "supported-with-caveat"
        note = "" if fig.complete else "Supported by the part of the period published so far."
    elif fig.complete:
        verdict, note = "not-supported", "The data contradict the claim."
    else:
        verdict = "not-checkable"
        note = (
            "The figures published by then did not cover the whole period, and did not yet "
            "show it: the claim rested on figures the publisher had not yet released."
        )
    finding = " ".join(x for x in (note, fig.detail) if x)
    note = " ".join(x for x in (f"Test: {_describe_test(claim.test)}.", finding) if x)
    return Result(
        verdict=verdict,
        value=fig.value,
        display=fig.display,
        sources=sources,
        note=note,
        finding=finding,
        data_through=fig.data_through,
        detail=fig.detail,
        **base,
    )


def evaluate_all(vintage: Vintage, ids: list[str] | None = None, path: Path | None = None) -> list[Result]:
    ledger = load_ledger(path)
    if ids:
        known = {c.id for c in ledger}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ClaimsFileError(f"no claim with id {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        ledger = [c for c in ledger if c.id in ids]
    return [evaluate(c, vintage) for c in ledger]


# ----------------------------------------------------------------------------- CLI


def _parse_as_of(text: str | None) -> Vintage:
    if not text:
        return Vintage(None)
    try:
        return Vintage(date.fromisoformat(text))
    except ValueError:
        raise ClaimsFileError(f"--as-of expects a date like 2023-12-28, not {text!r}") from None


def run_cli(args) -> int:
    vintage = _parse_as_of(args.as_of)
    ledger = Path(args.ledger) if getattr(args, "ledger", None) else None
    results = evaluate_all(vintage, args.claim, ledger)
    if args.json:
        print(json.dumps([r.as_json() for r in results], indent=2, ensure_ascii=False))
    else:
        _print_table(results, vintage)
    bad = [r for r in results if not r.matches]
    if bad:
        for r in bad:
            print(
                f"VERDICT CHANGED: {r.id}: recorded {r.recorded}, computed {r.verdict} "
                f"({r.display}). Update data/claims.yaml only after checking the data.",
                file=sys.stderr,
            )
        return 1
    return 0


def _print_table(results: list[Result], vintage: Vintage) -> None:
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size((120, 20)).columns, 100)
    print(
        f"Fact-check as of {vintage.label}"
        + (" (publication day)" if vintage.as_of == PUBLICATION_DAY else "")
    )
    print()
    for r in results:
        flag = "" if r.matches else f"   <-- recorded {r.recorded}"
        print(f"{r.verdict.upper():<22} {r.id}{flag}")
        for line in textwrap.wrap(r.claim, width - 4):
            print(f"    {line}")
        for line in textwrap.wrap(f"Figure: {r.display}", width - 4):
            print(f"    {line}")
        if r.sources:
            src = "; ".join(sorted({s["publisher"] or s["title"] for s in r.sources}))
            print(f"    Source: {src}")
        if r.error:
            print(f"    ERROR: {r.error}")
        print()
    counts = pd.Series([r.verdict for r in results]).value_counts()
    print(", ".join(f"{n} {v}" for v, n in counts.items()))


# ----------------------------------------------------------------------------- reports


def _report_rows(as_of: date | None = None) -> list[tuple[Result, Result]]:
    """(publication day, now) for each claim; with ``as_of``, "now" is the data as published
    by that date."""
    now = evaluate_all(Vintage(as_of))
    then = {r.id: r for r in evaluate_all(Vintage(PUBLICATION_DAY))}
    return [(then[r.id], r) for r in now]


@dataclass(frozen=True)
class _View:
    """What a report shows: today's data, or the data as published by ``as_of``; and where
    its charts are, relative to the report."""

    as_of: date | None = None
    figures: Path | None = None
    prefix: str = "../figures"

    @property
    def now(self) -> str:
        return "now" if self.as_of is None else f"as of {_long_date(self.as_of)}"

    @property
    def shows_then(self) -> bool:
        # as of publication day, "then" and the as-of view are the same figures
        return self.as_of != PUBLICATION_DAY

    def chart_link(self, slug: str | None) -> str:
        if not slug:
            return ""
        png = (self.figures or figures_dir()) / f"{slug}.png"
        return f"{self.prefix}/{slug}.png" if png.exists() else ""


def _long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _sources_md(sources: list[dict]) -> list[str]:
    lines = []
    for s in sources:
        got = f", retrieved {s['retrieved_at'][:10]}" if s.get("retrieved_at") else ""
        dated = f" ({s['date']})" if s.get("date") else ""
        lines.append(f"  - [{s.get('title') or s.get('url')}]({s.get('url')}){dated}{got}")
    return lines


def checked_on() -> str:
    """The date of the newest data the check read (latest retrieval in the manifest), so the
    report and its ClaimReview dates change only when the data do."""
    from migrationdata.fetch import read_manifest

    stamps = [e.get("retrieved_at") or "" for e in read_manifest().get("files", {}).values()]
    return max(stamps)[:10] if any(stamps) else PUBLICATION_DAY.isoformat()


def _report_entry(then: Result, now: Result, view: _View | None = None) -> list[str]:
    view = view or _View()
    label = "Context" if now.context else "Claim"
    out = [
        f'<a id="{now.id}"></a>',
        "",
        f"### {now.id}",
        "",
        f"**{label}** (paragraph {now.paragraph}): {now.claim}",
        "",
    ]
    verdict = f"**Verdict {view.now}: {now.verdict}.**"
    out += [verdict + (f" On publication day: {then.verdict}." if view.shows_then else ""), ""]
    if now.display != "—":
        out.append(f"- **Test:** {_describe_test(now.test)}.")
        through = f" (data through {now.data_through})" if now.data_through else ""
        out.append(f"- **Figure {view.now}**{through}: {now.display}")
        if view.shows_then:
            through = f" (data through {then.data_through})" if then.data_through else ""
            out.append(f"- **Figure then**{through}: {then.display}")
        if now.finding:
            out.append(f"- **{view.now[0].upper() + view.now[1:]}:** {now.finding}")
        if view.shows_then and then.finding and then.finding != now.finding:
            out.append(f"- **On publication day:** {then.finding}")
    else:
        out.append(f"- **Why it cannot be checked:** {now.note}")
    if now.caveat:
        out.append(f"- **Caveat:** {now.caveat}")
    if now.sources:
        out.append("- **Sources:**")
        out += _sources_md(now.sources)
    link = view.chart_link(now.chart)
    if link:
        out += ["", f"![{now.chart}]({link})"]
    return out + [""]


def as_of_banner(as_of: date, current: str) -> list[str]:
    """The warning at the top of a report written with ``--as-of``, in Markdown: these are
    not today's figures. ``current`` says where today's are."""
    day = _long_date(as_of)
    return [
        f"> **As of {day}: the data as published by that date, not as they stand today.**",
        f"> Every source is cut to what its publisher had released by {day} (today's revised",
        "> values for those months), and the closures ledger to what had been reported; a",
        f"> reopening reported later shows as still closed. {current}",
        "",
    ]


def report_markdown(rows: list[tuple[Result, Result]], view: _View | None = None) -> str:
    view = view or _View()
    today = checked_on()
    claims_rows = [(t, n) for t, n in rows if not n.context]
    context_rows = [(t, n) for t, n in rows if n.context]
    counts = pd.Series([now.verdict for _, now in claims_rows]).value_counts()
    if view.as_of is not None:
        return _as_of_markdown(claims_rows, context_rows, counts, view, today)
    out = [
        "# Fact-check: US–Mexico talks on migration and trade (December 2023)",
        "",
        "Each statement in the story that data could test, paraphrased, with the figure that",
        "backs or refutes it, twice: as it could be checked on publication day (28 December 2023,",
        "with only the figures then released) and with the data as they stand now. Generated by",
        "`migrationdata build` from `data/claims.yaml`; do not edit by hand.",
        "",
        "Verdicts: **supported**, **supported-with-caveat**, **not-supported**, **not-checkable**",
        "(the data cannot settle it, or had not yet been published). Claims now: "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + ".",
        "",
        'Figures "then" are today\'s values for the months that had been released by 28 December',
        "2023: publishers revise their first releases a little. Paragraph numbers count the",
        "blank-line-separated blocks of the story's text, headline and headings included.",
        "",
        "| claim | then (28 Dec 2023) | now |",
        "| --- | --- | --- |",
    ]
    for then, now in claims_rows:
        out.append(f"| [{now.id}](#{now.id}) | {then.verdict} | {now.verdict} |")
    out += ["", "## Claims in the story", ""]
    out += _report_body(claims_rows, context_rows, view)
    out.append(f"_Checked against the data as retrieved on {today}._")
    return "\n".join(out) + "\n"


def _report_body(claims_rows, context_rows, view: _View) -> list[str]:
    out = []
    for then, now in claims_rows:
        out += _report_entry(then, now, view)
    if context_rows:
        out += [
            "## Context",
            "",
            "Figures behind the story's context, where it states no number of its own (the migrant",
            "it quotes, the economic side of the talks). They are not counted as claims above.",
            "",
        ]
        for then, now in context_rows:
            out += _report_entry(then, now, view)
    return out


def _as_of_markdown(claims_rows, context_rows, counts, view: _View, today: str) -> str:
    """The report of an ``--as-of`` build: the banner first, so no one quotes it as today's."""
    day = _long_date(view.as_of)
    out = [
        f"# Fact-check as of {day}: US–Mexico talks on migration and trade (December 2023)",
        "",
        *as_of_banner(
            view.as_of,
            "Today's fact-check is `reports/factcheck.md` in the repository.",
        ),
        "Each statement in the story that data could test, paraphrased, with the figure that",
        f"backs or refutes it as it could be checked on {day}"
        + ("." if not view.shows_then else " and, for comparison, on publication day (28 December 2023)."),
        f"Generated by `migrationdata build --as-of {view.as_of.isoformat()}` from `data/claims.yaml`;",
        "do not edit by hand.",
        "",
        "Verdicts: **supported**, **supported-with-caveat**, **not-supported**, **not-checkable**",
        f"(the data cannot settle it, or had not yet been published). Claims {view.now}: "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + ".",
        "",
    ]
    if view.shows_then:
        out += [f"| claim | then (28 Dec 2023) | {view.now} |", "| --- | --- | --- |"]
        out += [f"| [{n.id}](#{n.id}) | {t.verdict} | {n.verdict} |" for t, n in claims_rows]
    else:
        out += [f"| claim | {view.now} |", "| --- | --- |"]
        out += [f"| [{n.id}](#{n.id}) | {n.verdict} |" for _, n in claims_rows]
    out += ["", "## Claims in the story", ""]
    out += _report_body(claims_rows, context_rows, view)
    out.append(
        f"_Checked against the data as retrieved on {today}, cut to what had been published by {day}._"
    )
    return "\n".join(out) + "\n"


def report_html(markdown_text: str, as_of: date | None = None) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(markdown_text)
    title = "Fact-check: US–Mexico talks (December 2023)"
    if as_of is not None:
        title = f"Fact-check as of {_long_date(as_of)}: US–Mexico talks (December 2023)"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.3rem .6rem;text-align:left}img{max-width:100%;border:1px solid #eee}"
        "h2{margin-top:2.5rem;border-top:1px solid #ddd;padding-top:1rem}"
        # the as-of banner (a blockquote) must not be skimmed past
        + (
            "blockquote{margin:1rem 0;padding:.6rem 1rem;background:#fff4e5;border-left:6px solid #D55E00}"
            if as_of is not None
            else ""
        )
        + "</style></head><body>\n"
        + body
        + "</body></html>\n"
    )


RATINGS = {
    "supported": (5, "True"),
    "supported-with-caveat": (4, "Mostly true"),
    "not-supported": (1, "False"),
    "not-checkable": (0, "Cannot be verified with the data"),
}


def claimreview(rows: list[tuple[Result, Result]], as_of: date | None = None) -> list[dict]:
    """schema.org ClaimReview objects, one per checked claim (not the uncheckable ones). With
    ``as_of``, each explanation starts by saying whose data it rests on, since a CMS shows
    the explanation without the report's banner."""
    out = []
    today = checked_on()
    lead = f"Data as published by {_long_date(as_of)}: " if as_of is not None else ""
    for _, now in rows:
        if now.context or now.verdict not in RATINGS or now.verdict == "not-checkable":
            continue
        value, label = RATINGS[now.verdict]
        out.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": f"reports/factcheck.html#{now.id}",
                "claimReviewed": now.claim,
                "datePublished": today,
                "author": {"@type": "Organization", "name": "migrationdata fact-check"},
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": label,
                    "ratingExplanation": f"{lead}{now.display}. {now.caveat}".strip(),
                },
                "itemReviewed": {
                    "@type": "Claim",
                    "datePublished": "2023-12-28",
                    "appearance": {
                        "@type": "NewsArticle",
                        "headline": "Mexico, U.S. forge 'important agreements' in talks covering migration and trade",
                    },
                },
            }
        )
    return out


def write_reports(
    folder: Path | None = None, as_of: date | None = None, figures: Path | None = None
) -> list[Path]:
    """Write reports/factcheck.md, factcheck.html and claimreview.jsonld.

    ``as_of`` checks the claims with the data as published by that date instead of today's,
    and says so at the top. ``figures`` is the folder of the charts the report links to
    (default: the repository's ``figures/``)."""
    import os

    from migrationdata.fetch import write_bytes_atomic

    folder = Path(folder or reports_dir())
    figures = Path(figures or figures_dir())
    view = _View(as_of, figures, Path(os.path.relpath(figures.resolve(), folder.resolve())).as_posix())
    rows = _report_rows(as_of)
    md = report_markdown(rows, view)
    paths = [folder / "factcheck.md", folder / "factcheck.html", folder / "claimreview.jsonld"]
    write_bytes_atomic(paths[0], md.encode("utf-8"))
    write_bytes_atomic(paths[1], report_html(md, as_of).encode("utf-8"))
    jsonld = json.dumps(claimreview(rows, as_of), indent=2, ensure_ascii=False) + "\n"
    write_bytes_atomic(paths[2], jsonld.encode("utf-8"))
    return paths
