"""The one door to the claims engine (issue 14): evaluate a proposed entry.

The engine's ``migrationdata.claims.evaluate_entry`` computes a claim dict's figure and verdict.
Until it is on this branch, :func:`evaluate` returns None and the draft says, entry by entry,
that no figure was computed. Everything else in :mod:`migrationdata.draft` works without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from migrationdata.errors import MigrationDataError

try:  # the engine's public function, per the agreed interface (notes/claims-spec.md)
    from migrationdata.claims import evaluate_entry as _evaluate_entry
    from migrationdata.claims.story import read_yaml as _read_yaml
except ImportError:  # not merged yet: drafts are written without figures
    _evaluate_entry = _read_yaml = None


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
    if _read_yaml is not None:
        return _read_yaml(Path(path)) or {}
    text = Path(path).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_WordsLoader) or {}  # noqa: S506 - a SafeLoader subclass


class _WordsLoader(yaml.SafeLoader):
    """Safe YAML with only true/false as booleans (the engine's rule), for when it is absent."""


_WordsLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WordsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


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
