"""What the reliability suite's conftest and test modules share (a module of its own, so
test files need not import a conftest by name)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

#: fast but real: two retries, short timeouts (the trickle scenario shortens the deadline)
FAST = {
    "MIGRATIONDATA_RETRIES": "2",
    "MIGRATIONDATA_BACKOFF": "0.02",
    "MIGRATIONDATA_TIMEOUT": "1,0.5",
    "MIGRATIONDATA_DEADLINE": "20",
    "MIGRATIONDATA_MAX_WAIT": "5",
}


def load_source(source_id: str):
    """The source's module, or a skip while its author is still writing it."""
    from migrationdata.catalog import get_source

    try:
        return get_source(source_id)
    except KeyError:
        pytest.skip(f"migrationdata/sources/{source_id}.py is not there yet")


def snapshot(base: Path) -> dict[str, str]:
    """sha256 of every file under the data folder except the staging area, the parse cache
    (a record of which bytes the tables were last parsed from, not data) and the refresh lock."""
    out = {}
    for p in sorted(base.rglob("*")):
        rel = p.relative_to(base).as_posix()
        if (
            p.is_file()
            and not rel.startswith("raw/.staging/")
            and rel != "raw/.processed-state.json"
            and not rel.startswith("raw/.refresh.lock")
        ):
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@dataclass
class Row:
    source: str
    scenario: str
    group: str
    what: str
    expected: str
    outcome: str  # what happened: refused / recovered / accepted / tolerated / skipped / ...
    kept: str  # "unchanged" when every file under the data folder kept its bytes
    detail: str
    passed: bool | None = None
