"""How a draft measures up to a confirmed ledger: spotted, mapped to the right series and period,
same verdict. Used by ``benchmarks/bench_draft.py`` and the seed-story test.

A confirmed entry is *spotted* when the draft has anything at its paragraph; *mapped* when a
draft entry at that paragraph uses the same kind of metric on one of the entry's tables for the
same period (for closures: the same field, or the same modes; each draft entry answers for one
confirmed entry at most); *matched* when, mapped, the engine gives it the confirmed entry's
figure and verdict on the publication day and now. Ledgers in the agreed
story format name their table and period in ``params``; the first ledger (data/claims.yaml)
used story-specific metrics, translated below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from migrationdata.draft import engine
from migrationdata.draft.context import Proposal
from migrationdata.draft.periods import fiscal_year
from migrationdata.draft.story import Draft

# the first ledger's metrics: the agreed metrics that measure the same thing
LEGACY_METRICS = {
    "darien_year_total": {"value"},
    "darien_growth_vs_record": {"change", "rank_in_series"},
    "us_southwest_records": {"rank_in_series"},
    "rail_closure_length": {"closure"},
    "rail_ports_share_of_trains": {"share"},
    "other_ports_closed": {"closures_in_window"},
    "rail_closure_start": {"closures_in_window", "closure"},
    "darien_nationality_rank": {"rank"},
    "us_citizenship_rank": {"rank"},
    "darien_month": {"value"},
    "mexico_trade_year": {"value"},
}
CLOSURE_METRICS = {"closure", "closures_in_window"}


@dataclass
class Expected:
    id: str
    paragraph: int
    checkable: bool
    metrics: set[str]
    tables: set[str]
    period: str | None  # None: any
    verdict: dict = field(default_factory=dict)
    field: str | None = None  # closure: start, end, duration_days...
    modes: frozenset | None = None  # closures_in_window: the modes counted


def _month(value) -> str:
    return str(value)[:7]


def expected(entry: dict) -> Expected:
    """What a draft must propose to match one confirmed entry."""
    params = entry.get("params") or {}
    test = entry.get("test")
    checkable = bool(entry.get("metric")) and not (isinstance(test, dict) and test.get("kind") == "none")
    checkable = checkable and entry.get("kind") != "not-checkable"
    # context entries are the desk's background figures, where the story prints no number of its
    # own: counted as confirmed (and spotted by paragraph), but the mapping target is the claims
    checkable = checkable and entry.get("kind") != "context"
    metric = entry.get("metric", "")
    if metric in LEGACY_METRICS:
        metrics = LEGACY_METRICS[metric]
        tables = {("closures" if t == "closures" else t) for t in entry.get("tables", [])}
        if "year" in params:
            period = str(params["year"])
        elif "month" in params:
            period = _month(params["month"])
        elif metric == "us_southwest_records":
            through = str(params["through"])
            # the latest complete fiscal year up to that month
            period = f"FY{fiscal_year(date.fromisoformat(through[:10])) - 1}"
        elif "start" in params:
            period = _month(params["start"])
        elif isinstance(test, dict) and test.get("start"):
            period = _month(test["start"])
        else:
            period = None
    else:
        metrics = {metric}
        tables = {"closures"} if metric in CLOSURE_METRICS else {params.get("table", "")}
        period = (
            params.get("period")
            or params.get("to")
            or (_month(params["start"]) if "start" in params else None)
        )
        period = str(period) if period else None
    return Expected(
        field=params.get("field"),
        modes=_modes(params),
        id=entry.get("id", ""),
        paragraph=int(entry.get("paragraph", 0)),
        checkable=checkable,
        metrics=metrics,
        tables=tables,
        period=period,
        verdict=entry.get("verdict") or {},
    )


def _modes(params: dict) -> frozenset | None:
    mode = params.get("mode")
    if mode is None:
        return None
    return frozenset([mode] if isinstance(mode, str) else mode)


def _table(p: Proposal) -> str:
    return "closures" if p.metric in CLOSURE_METRICS else p.params.get("table", "")


def _period(p: Proposal) -> str:
    if p.metric in CLOSURE_METRICS and "start" in p.params:
        return _month(p.params["start"])
    return str(p.params.get("period") or p.params.get("to") or p.period or "")


def _matches(p: Proposal, exp: Expected) -> bool:
    if p.kind not in ("claim", "context") or p.paragraph != exp.paragraph:
        return False
    if p.metric not in exp.metrics or _table(p) not in exp.tables:
        return False
    if p.metric == "closure" and exp.field and p.params.get("field") != exp.field:
        return False
    if p.metric == "closures_in_window" and exp.modes is not None and _modes(p.params) != exp.modes:
        return False
    if exp.period is None or p.metric == "closure":
        return True
    return _period(p) == exp.period


@dataclass
class Score:
    confirmed: int = 0
    checkable: int = 0
    spotted: int = 0
    mapped: int = 0
    same_verdict: int = 0
    verdicts_compared: int = 0
    same_figure: int = 0
    figures_compared: int = 0  # only confirmed entries in the agreed format can be evaluated
    matched: int = 0  # mapped, with the confirmed figure and verdict on both days
    missed: list[str] = field(default_factory=list)  # not spotted
    unmapped: list[str] = field(default_factory=list)  # spotted, no matching entry
    different: list[str] = field(default_factory=list)  # mapped, other verdict
    other_figure: list[str] = field(default_factory=list)  # mapped, same verdict, other figure


AGREED_METRICS = {"value", "change", "share", "rank", "rank_in_series", "streak", "first_time", "closure",
                  "closures_in_window"}  # fmt: skip


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def score(draft: Draft, ledger: list[dict], evaluator=None) -> Score:
    """Compare a draft with a confirmed ledger; with the engine's ``evaluator``, also the
    figure today of each mapped entry against the confirmed entry's own."""
    out = Score()
    used: set[int] = set()
    paragraphs = {p.paragraph for p in draft.proposals}
    for entry in ledger:
        exp = expected(entry)
        out.confirmed += 1
        if exp.paragraph in paragraphs:
            out.spotted += 1
        else:
            out.missed.append(exp.id)
        if not exp.checkable:
            continue
        out.checkable += 1
        match = next((p for p in draft.proposals if id(p) not in used and _matches(p, exp)), None)
        if match is None:
            out.unmapped.append(exp.id)
            continue
        used.add(id(match))
        out.mapped += 1
        same_figure = same_verdict = False
        evaluations = match.evaluations or {}
        if evaluator is not None and evaluations and entry.get("metric") in AGREED_METRICS:
            # the figure on the publication day and now, as the engine gives the confirmed entry
            days = {"publication": draft.published, "now": None}
            pairs = [(evaluator(entry, day, draft.published), evaluations.get(k)) for k, day in days.items()]
            if all(c is not None and d is not None for c, d in pairs):
                out.figures_compared += 1
                same_figure = all(_same(c.value, d.value) for c, d in pairs)
                out.same_figure += same_figure
        if evaluations and exp.verdict:
            out.verdicts_compared += 1
            got = {k: (v.verdict if v else "error") for k, v in evaluations.items()}
            same_verdict = all(got.get(k) == v for k, v in exp.verdict.items() if k in got)
            out.same_verdict += same_verdict
            if not same_verdict:
                out.different.append(exp.id)
        if same_figure and same_verdict:
            out.matched += 1
        elif evaluator is not None and same_verdict:
            out.other_figure.append(exp.id)
    return out


def load_ledger(path: Path) -> list[dict]:
    return list(engine.read_ledger(Path(path)).get("claims") or [])
