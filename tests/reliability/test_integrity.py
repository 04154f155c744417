"""The data folder misbehaves, another run holds it, or a name tries to escape it: for every
source, a new and valid release is served (one count revised), so that only the fault can stop
the refresh; the refresh must fail with a message naming the file and what to do, and every
file under the data folder must keep its bytes (the same before/after proof as test_faults.py).

The tests run as root on the shared machine, where permission bits stop nobody, so a read-only
folder and a full disk are simulated: every call that creates, replaces or writes a file in the
chosen folder fails with the error the system would give (EACCES, ENOSPC).
"""

from __future__ import annotations

import builtins
import dataclasses
import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import scenarios as sc
from reliability_common import FAST, Row, load_source, snapshot

pytestmark = pytest.mark.mirror


class Denied:
    """Make writes into paths matching ``hit`` fail with ``code`` (in this process)."""

    def __init__(self, monkeypatch, hit, code: int) -> None:
        self.hit = hit
        self.code = code
        self.tripped: list[str] = []
        real_open, real_os_open = builtins.open, os.open
        real = {name: getattr(os, name) for name in ("replace", "rename", "link", "unlink", "mkdir")}

        def fail(path) -> None:
            self.tripped.append(str(path))
            raise OSError(self.code, os.strerror(self.code), str(path))

        def writes(mode: str) -> bool:
            return any(c in mode for c in "wax+")

        def guarded_open(file, mode="r", *a, **k):
            if isinstance(file, str | os.PathLike) and writes(mode) and self.hit(Path(file)):
                fail(file)
            return real_open(file, mode, *a, **k)

        def guarded_os_open(path, flags, *a, **k):
            if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and self.hit(Path(path)):
                fail(path)
            return real_os_open(path, flags, *a, **k)

        def guarded(name):
            def call(*args, **kwargs):
                paths = [Path(p) for p in args[:2] if isinstance(p, str | os.PathLike)]
                # a move or link writes at its destination; unlink and mkdir at their path
                target = paths[-1] if name in ("replace", "rename", "link") else paths[0]
                if self.hit(target):
                    fail(target)
                return real[name](*args, **kwargs)

            return call

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        for name in real:
            monkeypatch.setattr(os, name, guarded(name))


def directly_in(folder: Path):
    folder = Path(os.path.abspath(folder))
    return lambda p: Path(os.path.abspath(p)).parent == folder


def staged(where: str, name: str = ""):
    """Paths in a run's staging folder: ``where`` "" for the folder itself, or a subfolder."""

    def hit(p: Path) -> bool:
        parts = Path(os.path.abspath(p)).parts
        if ".staging" not in parts:
            return False
        rest = parts[parts.index(".staging") + 2 :]  # after <run>
        if where == "processed":
            return len(rest) >= 2 and rest[0] == "processed"
        return len(rest) == 1 and (not name or rest[0].startswith(name))

    return hit


@pytest.mark.parametrize("scenario", sc.INTEGRITY, ids=[s.id for s in sc.INTEGRITY])
@pytest.mark.parametrize("source", sc.MATRIX_SOURCES)
def test_integrity(source, scenario, servers, good_data, ledger, tmp_data, capsys, tmp_path):
    src = load_source(source)
    target = sc.TARGETS.get(source)
    if target is None:
        pytest.skip(f"no fault target declared for {source} yet")
    # the faults are patched on their own, and undone before anything is checked
    monkeypatch = pytest.MonkeyPatch()
    for k, v in FAST.items():
        monkeypatch.setenv(k, v)
    servers.reset()
    good_data.seed(tmp_data, [source])
    base = tmp_data
    mirror = servers.http.base
    true = (good_data.mirror / target.mirror_folder / target.file).read_bytes()
    servers.http.serve_body(target.mirror_folder, target.file, target.revised(true))
    outside = tmp_path / "outside"
    (outside / f"{source}-1-deadbeef").mkdir(parents=True)
    (outside / "keep.txt").write_text("not the project's\n")
    outside_before = sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*"))
    holder = None
    before = snapshot(base)
    sid = scenario.id
    if sid == "lock-held":
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; from filelock import FileLock; "
                "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(120)",
                str(base / "raw" / ".refresh.lock"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout.readline().strip() == "held"
    elif sid == "data-folder-read-only":
        Denied(monkeypatch, directly_in(base), errno.EACCES)
    elif sid == "processed-read-only":
        Denied(monkeypatch, directly_in(base / "processed"), errno.EACCES)
    elif sid == "disk-full-download":
        Denied(monkeypatch, staged("", target.file), errno.ENOSPC)
    elif sid == "disk-full-commit":
        Denied(monkeypatch, staged("processed"), errno.ENOSPC)
    elif sid == "staging-symlink":
        (base / "raw" / ".staging").symlink_to(outside, target_is_directory=True)
        before = snapshot(base)
    elif sid == "hostile-file-name":
        from urllib.parse import unquote

        # what cbp's discovery makes of a link to .../..%2F..%2F<file>: the name decodes to a path
        evil = unquote("..%2F..%2F" + target.file)
        files = tuple(dataclasses.replace(f, name=evil) if f.name == target.file else f for f in src.files)
        hostile = dataclasses.replace(src, files=files)
        monkeypatch.setattr("migrationdata.catalog.get_source", lambda s: hostile if s == source else None)
    elif sid == "manifest-conflict":
        text = (base / "manifest.json").read_text(encoding="utf-8").splitlines(keepends=True)
        cut = len(text) // 2
        conflicted = text[:cut] + ["<<<<<<< HEAD\n", text[cut], "=======\n", text[cut], ">>>>>>> other\n"]
        (base / "manifest.json").write_text(
            "".join(conflicted[: cut + 5] + text[cut + 1 :]), encoding="utf-8"
        )
        before = snapshot(base)
    elif sid == "table-resaved-by-excel":
        # the first table with a date column (a month, or an incident's day)
        table, when = next((t, c.name) for t in src.tables for c in t.columns if c.type == "date")
        path = base / "processed" / f"{table.name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        i = table.column_names.index(when)

        def us_date(line: str) -> str:
            cells = line.split(",")
            if len(cells) > i and cells[i][:4].isdigit():
                y, m, d = cells[i].split("-")
                cells[i] = f"{int(m)}/{int(d)}/{y}"
            return ",".join(cells)

        path.write_bytes(
            ("\ufeff" + "\r\n".join([lines[0]] + [us_date(x) for x in lines[1:]]) + "\r\n").encode()
        )
        before = snapshot(base)
    else:  # pragma: no cover - a scenario without a fault
        raise AssertionError(sid)

    from migrationdata import cli

    capsys.readouterr()
    try:
        code = cli.main(["fetch", source, "--mirror", mirror])
    finally:
        if holder is not None:
            holder.kill()
            holder.wait(10)
        monkeypatch.undo()
    out, err = capsys.readouterr()
    after = snapshot(base)
    message = " ".join(line.strip() for line in err.splitlines() if line.strip())
    failed = f"[{source}]" in message and "What to do:" in message
    kept = "unchanged" if after == before else "changed"
    outside_after = sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*"))
    outcome = "refused" if code == 1 and failed and "unexpected" not in message else f"exit {code}"
    body = message.split("FAILED: ", 1)[-1] if "FAILED: " in message else message
    body = body.split(" What to do:")[0].split(" 1 source(s) failed")[0]
    detail = re.sub(rf"^\[{source}\] .*?: expected", "expected", body.replace(mirror, "<mirror>"))
    detail = detail.replace(str(outside), "<outside>").replace(str(base), "<data>")
    detail = detail if len(detail) <= 220 else detail[:217] + "..."
    ledger.add(Row(source, sid, scenario.group, scenario.what, scenario.expect, outcome, kept, detail))

    assert code == 1, (out, err)
    assert failed, err
    assert "unexpected" not in message and "Traceback" not in err, err
    assert re.search(scenario.says, message), f"{scenario.says!r} not in {message}"
    assert after == before, sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))
    assert outside_after == outside_before, "a file outside the data folder was written or deleted"
    for escaped in (base / target.file, base / "raw" / target.file, base.parent / target.file):
        assert not escaped.exists(), f"{escaped} was written outside data/raw/{source}/"
    if sid not in ("staging-symlink",):
        staging = base / "raw" / ".staging"
        assert not staging.exists() or not any(staging.iterdir()), "a staging folder was left behind"
    if sid in ("data-folder-read-only", "processed-read-only", "disk-full-commit", "disk-full-download"):
        assert "unchanged" in message, message  # and it says so
    if sid == "manifest-conflict":
        assert "manifest.json" in message and "git checkout" in message
    if sid == "table-resaved-by-excel":
        assert "byte-order mark" in message and "git checkout" in message
    if sid == "lock-held":
        # once the other run is gone, the same command goes through
        capsys.readouterr()
        assert cli.main(["fetch", source, "--mirror", mirror]) == 0
        entry = json.loads((base / "manifest.json").read_text())["files"][f"{source}/{target.file}"]
        assert entry["mirror"] == "mirror" and "127.0.0.1" not in json.dumps(entry)
