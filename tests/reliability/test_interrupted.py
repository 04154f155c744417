"""A fetch killed half-way: during a download, and between two moves of its commit.

Both run ``migrationdata fetch`` as a real process and kill it, because what matters is what a
dead process leaves on disk: no half-written file in place, the last good data untouched, and
a next run that tidies up (deleting a partial download, finishing a journalled commit).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import faultserver as fs
import pytest
import scenarios as sc
from reliability_common import FAST, Row, load_source, snapshot

from migrationdata import fetch
from migrationdata.fetch.journal import clean_stale_staging

pytestmark = pytest.mark.mirror

#: run the CLI, but die (as a SIGKILL would) at the first move of a processed table into
#: place, i.e. after the raw files were moved and before the tables and the manifest were
DIE_MID_COMMIT = """
import os, sys
from migrationdata import cli
real = os.replace
def dying(src, dst, *a, **k):
    if "/.staging/" in str(src) and "/processed/" in str(dst):
        os._exit(9)
    return real(src, dst, *a, **k)
os.replace = dying
sys.exit(cli.main(sys.argv[1:]))
"""


COMMIT_SOURCES = ("darien", "trade")


def staged_files(base: Path) -> list[Path]:
    root = base / "raw" / ".staging"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def env_for(base: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **FAST, "MIGRATIONDATA_DATA": str(base), **extra}
    env.pop("MIGRATIONDATA_MIRROR", None)
    return env


@pytest.mark.parametrize("scenario", sc.INTERRUPTED, ids=[s.id for s in sc.INTERRUPTED])
@pytest.mark.parametrize("source", sc.MATRIX_SOURCES)
def test_interrupted(source, scenario, servers, good_data, ledger, tmp_data):
    load_source(source)
    target = sc.TARGETS.get(source)
    if target is None:
        pytest.skip(f"no fault target declared for {source} yet")
    servers.reset()
    good_data.seed(tmp_data, [source])
    if scenario.id == "killed-mid-commit" and source not in COMMIT_SOURCES:
        pytest.skip(
            "the commit is the same code for every source: it is killed for "
            f"{' and '.join(COMMIT_SOURCES)}, whose fetches are quickest"
        )
    if scenario.id == "killed-mid-transfer":
        killed_mid_transfer(source, scenario, target, servers, good_data, ledger, tmp_data)
    else:
        killed_mid_commit(source, scenario, target, servers, good_data, ledger, tmp_data)


def killed_mid_transfer(source, scenario, target, servers, good_data, ledger, base: Path):
    started = threading.Event()
    size = (good_data.mirror / target.mirror_folder / target.file).stat().st_size
    # slow enough to be caught half-way, whatever the file's size
    servers.http.inject(target.mirror_folder, target.file, fs.trickle(max(64, size // 50), 0.05, started))
    before = snapshot(base)
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrationdata", "fetch", source, "--mirror", servers.http.base],
        env=env_for(base, MIGRATIONDATA_DEADLINE="120"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert started.wait(60), "the download never started"
        time.sleep(0.3)
    finally:
        proc.kill()
        proc.wait(30)
    after = snapshot(base)
    partial = [p for p in staged_files(base) if p.name == target.file]
    got = partial[0].stat().st_size if partial else 0
    clean_stale_staging(base)  # what the next run does first
    swept = not staged_files(base)
    kept = before == after == snapshot(base)
    ledger.add(
        Row(
            source,
            scenario.id,
            scenario.group,
            scenario.what,
            scenario.expect,
            "nothing changed" if kept and partial and swept else "damaged",
            "unchanged" if kept else "changed",
            f"killed part-way through the {size:,}-byte file, its partial copy in the staging "
            "folder; raw file, manifest and tables untouched; the next run deleted the partial copy"
            if partial
            else "the process died before any byte was staged",
        )
    )
    # the partial file may still be empty on disk (write buffers die with the process)
    assert partial and got < size, "the process was not killed mid-transfer"
    assert after == before, "a killed download changed the data folder"
    assert swept, "the next run left the dead run's staging folder behind"


def killed_mid_commit(source, scenario, target, servers, good_data, ledger, base: Path):
    assert target.revision is not None, f"no revision declared for {source}"
    revised = target.revised((good_data.mirror / target.mirror_folder / target.file).read_bytes())
    servers.http.serve_body(target.mirror_folder, target.file, revised)
    old = snapshot(base)
    proc = subprocess.run(
        [sys.executable, "-c", DIE_MID_COMMIT, "fetch", source, "--mirror", servers.http.base],
        env=env_for(base),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 9, f"the process did not die mid-commit: {proc.returncode} {proc.stderr}"
    raw = base / "raw" / source / target.file
    mid = snapshot(base)
    journals = [p for p in staged_files(base) if p.name == fetch.JOURNAL]
    assert len(journals) == 1, "no commit journal was left behind"
    plan = json.loads(journals[0].read_text())
    staged_tables = {
        Path(m["to"]).name: sha(Path(m["from"])) for m in plan["moves"] if "/processed/" in m["to"]
    }
    assert sha(raw) == hashlib.sha256(revised).hexdigest(), "the raw file was not moved before the death"
    assert staged_tables, "the revision changed no table"
    assert all(mid[f"processed/{name}"] == old[f"processed/{name}"] for name in staged_tables)

    clean_stale_staging(base)  # what the next run does first
    manifest = json.loads((base / "manifest.json").read_text())
    entry = manifest["files"][f"{source}/{target.file}"]
    consistent = entry["sha256"] == sha(raw) == hashlib.sha256(revised).hexdigest() and all(
        sha(base / "processed" / name) == digest for name, digest in staged_tables.items()
    )
    ledger.add(
        Row(
            source,
            scenario.id,
            scenario.group,
            scenario.what,
            scenario.expect,
            "rolled forward" if consistent and not staged_files(base) else "inconsistent",
            "new release, consistent" if consistent else "inconsistent",
            f"died after moving the raw file, before {len(staged_tables)} "
            f"table{'s' if len(staged_tables) != 1 else ''} and the manifest; "
            f"the next run finished the commit from its journal ({len(plan['moves'])} moves)",
        )
    )
    assert consistent, "after the next run, raw file, manifest and tables disagree"
    assert not staged_files(base)


def test_ctrl_c_mid_commit_finishes_the_commit(servers, good_data, tmp_data, monkeypatch):
    """Ctrl-C between two moves: the same run completes the journalled commit before exiting."""
    source, target = "darien", sc.TARGETS["darien"]
    servers.reset()
    good_data.seed(tmp_data, [source])
    revised = target.revised((good_data.mirror / target.mirror_folder / target.file).read_bytes())
    servers.http.serve_body(target.mirror_folder, target.file, revised)
    real = os.replace
    interrupted = []

    def ctrl_c_once(src, dst, *a, **k):
        if "/.staging/" in str(src) and "/processed/" in str(dst) and not interrupted:
            interrupted.append(dst)
            raise KeyboardInterrupt
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", ctrl_c_once)
    with pytest.raises(KeyboardInterrupt):
        fetch.fetch_source(load_source(source), mirror=servers.http.base, base=tmp_data)
    monkeypatch.setattr(os, "replace", real)
    assert interrupted, "the commit was never interrupted"
    raw = tmp_data / "raw" / source / target.file
    entry = json.loads((tmp_data / "manifest.json").read_text())["files"][f"{source}/{target.file}"]
    assert sha(raw) == entry["sha256"] == hashlib.sha256(revised).hexdigest()
    assert not staged_files(tmp_data)
    # the tables are the revision's: a new run finds nothing left to do
    again = fetch.fetch_source(load_source(source), mirror=servers.http.base, base=tmp_data)
    assert again.status == "unchanged", again.error
    annual = (tmp_data / "processed" / "darien_annual.csv").read_text()
    assert "2016,30056," in annual  # SNM's 30,055 for 2016 (PROVENANCE), plus the revision's one
