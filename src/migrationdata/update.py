"""``migrationdata update``: the scheduled refresh in one command.

Refresh every source (a failed one keeps its last good data), redraw the charts and reports
from what was committed, check every story, and write the digest (``digest.py``): what was
updated, what the publishers revised, and which claims moved or flipped. The scheduled workflow
(``.github/workflows/refresh.yml``) runs it through ``scripts/refresh.sh``; a data editor runs
the same script by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from migrationdata import digest
from migrationdata.catalog import all_sources
from migrationdata.fetch import fetch_source
from migrationdata.store import utcnow, write_bytes_atomic


def run(
    mirror: str | None = None,
    digest_path: Path | None = None,
    build: bool = True,
    output: Path | None = None,
    progress=print,
) -> tuple[int, digest.Digest]:
    """Refresh, rebuild, check; write the digest. Exit status 1 when a source failed."""
    started = utcnow()
    before = digest.recorded_checks()  # what the reports said before this refresh
    fetched: dict[str, str] = {}
    for source in all_sources():
        progress(f"refreshing {source.id} ...")
        rep = fetch_source(source, mirror=mirror)
        fetched[source.id] = rep.error if rep.status == "failed" else rep.status
        if rep.status == "failed":
            progress(f"  FAILED: {rep.error}")
        elif rep.changes:
            for name, change in rep.changes.items():
                progress(f"  {name}: {change}")
    if build:
        from migrationdata import build as runner

        runner.build(output=output, progress=progress)
    d = digest.collect(started, fetched=fetched)
    d.claims = digest.claim_moves(before, digest.current_checks())
    d.claims_checked = True
    text = digest.render(d)
    if digest_path is not None:
        write_bytes_atomic(Path(digest_path), text.encode("utf-8"))
        progress(f"digest written to {digest_path}")
    else:
        sys.stdout.write(text)
    return (1 if d.failed else 0), d
