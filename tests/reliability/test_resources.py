"""Bounded resources: the largest sources refresh within a memory budget, and a compressed file
that unpacks to a gigabyte is refused after reading no more than its guard, in constant memory.

Each runs in a fresh process, whose peak resident memory (``VmHWM`` in /proc/self/status, which
starts afresh at exec; ``ru_maxrss`` would carry over the memory of the test process that forked it)
is what is measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import scenarios as sc

pytestmark = pytest.mark.mirror

#: peak memory of a whole refresh from the mirror folder, in MB. Measured on the shared machine
#: (November 2026): bts 130 MB (the 46 MB export, every port since 1996), cbp 182 MB (eleven
#: files, 70,000 rows out); the budget leaves room for pandas versions, not for a regression
#: that holds the file several times over.
BUDGET_MB = {"bts": 500, "cbp": 600}

FETCH = """
import json, resource, sys
from migrationdata.catalog import get_source
from migrationdata.fetch import fetch_source
rep = fetch_source(get_source(sys.argv[1]), mirror=sys.argv[2])
peak = int(next(ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))) // 1024
print(json.dumps({"status": rep.status, "error": rep.error, "rows": rep.rows, "peak_mb": peak}))
"""

BOMB = """
import gzip, json, resource, sys, time
from migrationdata.errors import DataError
from migrationdata.fetch import check_unpacked
before = int(next(ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))) // 1024
t0 = time.monotonic()
try:
    check_unpacked(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    outcome = "accepted"
except DataError as exc:
    outcome = str(exc)
peak = int(next(ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))) // 1024
print(json.dumps({"outcome": outcome, "grew_mb": peak - before, "seconds": time.monotonic() - t0}))
"""


def run(code: str, *args: str, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("source", sorted(BUDGET_MB))
def test_the_largest_sources_refresh_within_their_memory_budget(source, mirror, tmp_data):
    got = run(FETCH, source, str(mirror), env={"MIGRATIONDATA_DATA": str(tmp_data)})
    assert got["status"] == "updated", got["error"]
    assert got["rows"] > 10_000  # the real tables, not a stub
    assert got["peak_mb"] < BUDGET_MB[source], f"{source} peaked at {got['peak_mb']} MB"


@pytest.mark.parametrize("kind", ["gzip", "rda"])
def test_a_gigabyte_bomb_is_refused_in_constant_memory(kind, tmp_path):
    bomb = tmp_path / f"bomb.{kind}"
    bomb.write_bytes(sc.gzip_bomb(1 << 30))  # 1 GiB of zeros in about a megabyte
    assert bomb.stat().st_size < 2_000_000
    got = run(BOMB, str(bomb), kind, "20000000")
    assert "unpacks to more than 20,000,000 bytes" in got["outcome"], got
    assert got["grew_mb"] < 50, got  # one block at a time, never the whole
    assert got["seconds"] < 10, got  # stopped at the guard, not after the gigabyte
