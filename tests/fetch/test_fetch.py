"""The fetch layer against a loopback HTTP server: download, unchanged, retry, kill, mirrors."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from migrationdata.catalog import RemoteFile, Table
from migrationdata.errors import FetchError
from migrationdata.fetch import Fetcher, Mirror, check_magic, fetch_source, make_session
from migrationdata.sources import darien


def fast_session():
    return make_session(retries=2, backoff=0.01, timeout=(2, 2))


def serve_file(httpserver, path: str, data: bytes, etag: str, log: list):
    """Serve ``data`` with an ETag; answer 304 to a matching If-None-Match."""

    def handler(request):
        log.append(dict(request.headers))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag, "Content-Type": "application/octet-stream"})

    httpserver.expect_request(path).respond_with_handler(handler)


@pytest.fixture
def rda_bytes(mirror):
    return {
        name: (mirror / "darien" / name).read_bytes()
        for name in ("irreg_darien_nat.rda", "irreg_darien_dmg.rda")
    }


def test_first_download_then_unchanged_without_body(httpserver, tmp_data, rda_bytes):
    logs: dict[str, list] = {}
    for name, data in rda_bytes.items():
        logs[name] = []
        serve_file(httpserver, f"/darien/{name}", data, f'"{name}-v1"', logs[name])
    base = httpserver.url_for("/")
    first = fetch_source(darien.SOURCE, mirror=base, base=tmp_data, session=fast_session())
    assert first.status == "updated", first.error
    raw = tmp_data / "raw" / "darien" / "irreg_darien_nat.rda"
    assert raw.read_bytes() == rda_bytes["irreg_darien_nat.rda"]
    manifest = json.loads((tmp_data / "manifest.json").read_text())
    entry = manifest["files"]["darien/irreg_darien_nat.rda"]
    assert entry["sha256"] == hashlib.sha256(rda_bytes["irreg_darien_nat.rda"]).hexdigest()
    assert entry["bytes"] == len(rda_bytes["irreg_darien_nat.rda"])
    assert entry["etag"] == '"irreg_darien_nat.rda-v1"'
    assert entry["url"].startswith("https://")  # the publisher's URL, not the mirror's
    # a mirror stands for the publisher: the manifest says one was used, never where it is
    assert entry["final_url"] == entry["url"] and entry["mirror"] == "mirror"
    assert entry["retrieved_at"].endswith("Z")
    assert (tmp_data / "processed" / "darien_annual.csv").exists()

    second = fetch_source(darien.SOURCE, mirror=base, base=tmp_data, session=fast_session())
    assert second.status == "unchanged", second.error
    # the second request was conditional and the server sent no body
    assert logs["irreg_darien_nat.rda"][-1].get("If-None-Match") == '"irreg_darien_nat.rda-v1"'
    assert all(r.status == "unchanged" for r in second.files)
    assert json.loads((tmp_data / "manifest.json").read_text()) == manifest


def test_503_then_200_succeeds_after_a_retry(httpserver, tmp_data, rda_bytes):
    calls = {"n": 0}

    def flaky(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("busy", status=503, headers={"Retry-After": "0"})
        return Response(rda_bytes["irreg_darien_nat.rda"])

    httpserver.expect_request("/darien/irreg_darien_nat.rda").respond_with_handler(flaky)
    httpserver.expect_request("/darien/irreg_darien_dmg.rda").respond_with_data(
        rda_bytes["irreg_darien_dmg.rda"]
    )
    rep = fetch_source(darien.SOURCE, mirror=httpserver.url_for("/"), base=tmp_data, session=fast_session())
    assert rep.status == "updated", rep.error
    assert calls["n"] == 2


def test_html_error_page_with_200_is_refused(httpserver, tmp_data, mirror):
    fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data)  # last good data
    before = {p: p.read_bytes() for p in tmp_data.rglob("*") if p.is_file()}
    page = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
    httpserver.expect_request("/darien/irreg_darien_nat.rda").respond_with_data(
        page, content_type="text/html"
    )
    rep = fetch_source(darien.SOURCE, mirror=httpserver.url_for("/"), base=tmp_data, session=fast_session())
    assert rep.status == "failed"
    assert "[darien]" in rep.error and "irreg_darien_nat.rda" in rep.error
    assert "HTML" in rep.error and "What to do" in rep.error
    after = {p: p.read_bytes() for p in tmp_data.rglob("*") if p.is_file()}
    assert after == before


def test_killed_download_leaves_no_partial_file(httpserver, tmp_data, mirror):
    """A fetch killed half-way through a download keeps the old file and leaves no fragment."""
    fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data)
    raw = tmp_data / "raw" / "darien" / "irreg_darien_nat.rda"
    old = raw.read_bytes()
    started = threading.Event()

    def trickle(request):
        def body():
            yield b"BZh91AY&SY" + b"x" * 2000
            started.set()
            for _ in range(200):
                time.sleep(0.05)
                yield b"x" * 100

        return Response(body(), headers={"Content-Length": "100000"})

    httpserver.expect_request("/darien/irreg_darien_nat.rda").respond_with_handler(trickle)
    env = dict(os.environ, MIGRATIONDATA_DATA=str(tmp_data), MIGRATIONDATA_RETRIES="0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrationdata", "fetch", "darien", "--mirror", httpserver.url_for("/")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert started.wait(20), "the download never started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert raw.read_bytes() == old
    leftovers = [p.name for p in raw.parent.iterdir() if p.name != raw.name and "dmg" not in p.name]
    assert leftovers == []
    # the next run sweeps the dead run's staging folder
    fetch_source(darien.SOURCE, mirror=str(mirror), base=tmp_data)
    assert not any((tmp_data / "raw" / ".staging").iterdir())


def test_mirror_as_folder_file_url_and_http(httpserver, tmp_path, mirror, rda_bytes, monkeypatch):
    outputs = []
    for name, data in rda_bytes.items():
        httpserver.expect_request(f"/darien/{name}").respond_with_data(data)
    for kind, loc in (
        ("folder", str(mirror)),
        ("file-url", mirror.as_uri()),
        ("http", httpserver.url_for("/")),
    ):
        base = tmp_path / kind
        rep = fetch_source(darien.SOURCE, mirror=loc, base=base, session=fast_session())
        assert rep.status == "updated", (kind, rep.error)
        outputs.append((base / "processed" / "darien_monthly.csv").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_missing_file_in_mirror_names_the_path(tmp_path, tmp_data):
    (tmp_path / "darien").mkdir()
    rep = fetch_source(darien.SOURCE, mirror=str(tmp_path), base=tmp_data)
    assert rep.status == "failed"
    assert "irreg_darien_nat.rda" in rep.error and "mirror has no such file" in rep.error


def test_plain_http_to_a_publisher_is_refused(tmp_path, make_source):
    src = make_source()
    fetcher = Fetcher(src, tmp_path, tmp_path / "stage", session=fast_session())
    with pytest.raises(FetchError, match="only https"):
        fetcher.get_file(RemoteFile("x.csv", "http://example.org/x.csv", "csv", 100))


def test_magic_bytes():
    assert check_magic("rda", b"RDX3\nX\n") is None
    assert check_magic("rda", b"BZh91AY") is None
    assert "not an R data file" in check_magic("rda", b"t,q,nat,n\n")
    assert "HTML" in check_magic("csv", b"  <!doctype html><html>")
    assert check_magic("csv", b"") == "the body is empty"
    assert check_magic("gzip", b"\x1f\x8b\x08") is None
    assert check_magic("xlsx", b"PK\x03\x04") is None


def test_mirror_url_quotes_names_with_spaces():
    m = Mirror("http://127.0.0.1:8000/base/")
    assert m.url_for("cbp", "KHSM Encounters (USBP) fy25m11.xlsx") == (
        "http://127.0.0.1:8000/base/cbp/KHSM%20Encounters%20%28USBP%29%20fy25m11.xlsx"
    )
    assert not m.is_folder
    assert Mirror("file:///tmp/x").folder() == Path("/tmp/x")  # not-a-local-path


def test_user_agent_names_the_project():
    assert make_session().headers["User-Agent"].startswith("migrationdata/")


def test_table_contract_is_declared_for_every_source():
    from migrationdata.catalog import all_sources

    for src in all_sources():
        assert src.publisher and src.landing_page.startswith("https://")
        for rf in src.files:
            assert rf.url.startswith("https://"), rf
        for t in src.tables:
            assert isinstance(t, Table) and set(t.primary_key) <= set(t.column_names)
