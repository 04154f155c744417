"""The refresh digest: what a desk needs to know after an update, in a short Markdown page.

- which sources were updated, and the latest period each now holds;
- the revisions logged since a date that moved a value by more than a threshold (the whole
  list is in ``data/revisions/``; ``migrationdata changes`` reads it);
- every claim, in every story, whose figure moved or whose verdict flipped, with the story and
  paragraph (a flipped verdict is what an editor must see first).

Only what was committed is reported: the revisions come from the log that a committed refresh
wrote, and the claims from a fresh check of the committed tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from migrationdata import processed, revisions
from migrationdata.catalog import Source, all_sources
from migrationdata.changes import period_column
from migrationdata.claims import evaluate_story, load_stories
from migrationdata.claims.report import checks
from migrationdata.paths import reports_dir
from migrationdata.store import read_manifest

#: a revised value is listed when it moved by more than this share of its old value
THRESHOLD = 0.01


@dataclass
class ClaimMove:
    """One claim whose figure or verdict differs from what was recorded."""

    story: str
    claim: str
    paragraph: str
    verdict_before: str
    verdict_now: str
    figure_before: str
    figure_now: str

    @property
    def flipped(self) -> bool:
        return self.verdict_before != self.verdict_now


@dataclass
class Digest:
    since: date | str  # a date, or the ISO timestamp a refresh started at
    updated: list[str] = field(default_factory=list)  # source ids
    failed: dict[str, str] = field(default_factory=dict)  # source id -> message
    latest: dict[str, str] = field(default_factory=dict)  # "source/table" -> latest period
    revisions: list[revisions.Entry] = field(default_factory=list)  # beyond the threshold
    new_cells: int = 0
    revised_cells: int = 0
    claims: list[ClaimMove] = field(default_factory=list)
    claims_checked: bool = False  # False: the stories were not checked, so nothing is said of them

    @property
    def flips(self) -> list[ClaimMove]:
        return [c for c in self.claims if c.flipped]

    @property
    def anything(self) -> bool:
        return bool(self.updated or self.failed or self.new_cells or self.revised_cells or self.claims)


def latest_periods(sources: list[Source] | None = None) -> dict[str, str]:
    """source/table -> the latest month (or year) each processed table holds."""
    out = {}
    for source in sources or all_sources():
        for table in source.tables:
            col, unit = period_column(table)
            path = processed.table_path(table.name)
            if not col or not path.exists():
                continue
            values = pd.read_csv(path, usecols=[col], dtype=str)[col].dropna()
            if values.empty:
                continue
            last = values.max()
            out[f"{source.id}/{table.name}"] = last[:7] if unit == "month" else str(last)
    return out


def recorded_checks(folder: Path | None = None) -> dict[str, dict]:
    """story slug -> the figures and verdicts the last build recorded (reports/<slug>/checks.json)."""
    out = {}
    for path in sorted(Path(folder or reports_dir()).glob("*/checks.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a report being rewritten or damaged: nothing to compare with
        out[data.get("story", path.parent.name)] = data
    return out


def current_checks() -> dict[str, dict]:
    """story slug -> the figures and verdicts computed now, from the committed tables."""
    return {story.slug: checks(story, evaluate_story(story)) for story in load_stories()}


def claim_moves(before: dict[str, dict], after: dict[str, dict]) -> list[ClaimMove]:
    """Every claim whose verdict or figure differs between two sets of checks."""
    moves = []
    for slug, now in sorted(after.items()):
        then = {c["id"]: c for c in before.get(slug, {}).get("claims", [])}
        for c in now.get("claims", []):
            old = then.get(c["id"])
            if old is None or c.get("status") == "draft":
                continue
            if old["verdict"] != c["verdict"] or old["value"] != c["value"]:
                moves.append(
                    ClaimMove(
                        slug,
                        c["id"],
                        str(c.get("paragraph", "")),
                        old["verdict"],
                        c["verdict"],
                        old.get("figure", ""),
                        c.get("figure", ""),
                    )
                )
    return moves


def _moved(entry: revisions.Entry) -> float | None:
    try:
        old, new = float(entry.old_value), float(entry.new_value)
    except ValueError:
        return None
    if old == 0:
        return None if new == 0 else float("inf")
    return abs(new - old) / abs(old)


def collect(since: date | str, threshold: float = THRESHOLD, fetched: dict[str, str] | None = None) -> Digest:
    """The digest's facts since ``since``. ``fetched`` (source -> status or error) comes from a
    refresh just run; without it, a source counts as updated when its manifest says a file was
    retrieved on or after ``since``."""
    d = Digest(since)
    if fetched is not None:
        d.updated = [s for s, status in fetched.items() if status == "updated"]
        d.failed = {s: status for s, status in fetched.items() if status not in ("updated", "unchanged")}
    else:
        files = read_manifest().get("files", {})
        d.updated = sorted(
            {
                key.split("/")[0]
                for key, e in files.items()
                if str(e.get("retrieved_at", ""))[:10] >= since.isoformat()
            }
        )
    d.latest = latest_periods()
    for e in revisions.read(since=since):
        if e.change == "new":
            d.new_cells += 1
        elif e.change in ("revised", "withdrawn"):
            d.revised_cells += 1
            moved = _moved(e)
            if e.change == "withdrawn" or moved is None or moved > threshold:
                d.revisions.append(e)
    return d


def _when(since: date | str) -> str:
    if isinstance(since, str):
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
        return f"{moment:%-d %B %Y, %H:%M} UTC"
    return f"{since:%-d %B %Y}"


def render(d: Digest, limit: int = 25) -> str:
    lines = [f"# Data update since {_when(d.since)}", ""]
    if d.flips:
        lines += ["## Verdicts that flipped (an editor must look)", ""]
        lines += [
            f"- **{c.story}**, paragraph {c.paragraph}, `{c.claim}`: {c.verdict_before} → **{c.verdict_now}** "
            f"(figure {c.figure_before} → {c.figure_now})"
            for c in d.flips
        ]
        lines.append("")
    lines += ["## Sources", ""]
    if not (d.updated or d.failed):
        lines.append("No source published anything new.")
    for s in d.updated:
        lines.append(f"- **{s}**: updated")
    for s, why in d.failed.items():
        lines.append(f"- **{s}**: refresh failed, last good data kept: {why}")
    lines += ["", "Latest period in each table:", ""]
    lines += [f"- `{k}`: {v}" for k, v in sorted(d.latest.items())]
    lines += ["", "## Revisions", ""]
    lines.append(
        f"{d.new_cells:,} new values and {d.revised_cells:,} revised or withdrawn values were logged "
        "(`migrationdata changes` lists them all)."
    )
    if d.revisions:
        lines += ["", f"Moved by more than {THRESHOLD:.0%} (or withdrawn):", ""]
        for e in d.revisions[:limit]:
            lines.append(
                f"- {e.source}/{e.table} {e.key} `{e.column}`: {e.old_value or '(empty)'} → {e.new_value or '(empty)'}"
            )
        if len(d.revisions) > limit:
            lines.append(f"- … and {len(d.revisions) - limit:,} more")
    moved = [c for c in d.claims if not c.flipped]
    lines += ["", "## Claims whose figure moved", ""]
    if not d.claims_checked:
        lines.append("The stories were not checked in this run (`migrationdata check --all` does it).")
    elif not moved:
        lines.append("None." if d.claims or not d.flips else "None beyond the flips above.")
    for c in moved:
        lines.append(
            f"- **{c.story}**, paragraph {c.paragraph}, `{c.claim}`: {c.figure_before} → {c.figure_now} "
            f"(verdict still {c.verdict_now})"
        )
    return "\n".join(lines).rstrip() + "\n"
