"""The one door to the claims engine (issue 14): evaluate a proposed entry.

The engine's ``migrationdata.claims.evaluate_entry`` computes a claim dict's figure and verdict.
Where it is switched off (a test sets ``_evaluate_entry`` to None), :func:`evaluate` returns None
and the draft says, entry by entry, that no figure was computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from migrationdata.claims import evaluate_entry as _evaluate_entry
from migrationdata.claims.story import read_yaml
from migrationdata.errors import MigrationDataError


@dataclass
class Evaluation:
    verdict: str  # supported | supported-with-caveat | not-supported | not-checkable | error
    figure: str  # as printed for an editor
    value: Any = None
    message: str = ""  # why the engine could not evaluate it


def available() -> bool:
    return _evaluate_entry is not None


def read_ledger(path: Path) -> dict:
    """A story.yaml as the engine reads it (``on:`` is a word, not YAML 1.1's true)."""
    return read_yaml(Path(path)) or {}


def evaluate(entry: dict, as_of: date | None, published: date) -> Evaluation | None:
    """The engine's figure and verdict for one proposed entry as of a day (None: today);
    None when the engine is not installed."""
    if _evaluate_entry is None:
        return None
    try:
        result = _evaluate_entry(entry, as_of=as_of, published=published)
    except (MigrationDataError, KeyError, ValueError, TypeError) as exc:
        # a proposal the engine refuses is still shown to the editor, with the engine's words
        return Evaluation("error", "", None, str(exc) or type(exc).__name__)
    figure = getattr(result, "figure", None)
    verdict = str(result.verdict)
    return Evaluation(
        verdict=verdict,
        figure=str(getattr(figure, "text", "") or ""),
        value=getattr(figure, "value", None),
        # why there is no figure (no data yet, a total the tables cannot make), for the editor
        message=str(getattr(result, "note", "") or "") if verdict in ("not-checkable", "error") else "",
    )
