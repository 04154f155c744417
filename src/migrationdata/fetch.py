"""The only code in the project that touches the network.

``fetch_source`` runs one source end to end: download (or copy from a mirror) every file into
a staging folder, check the bytes, parse, validate, and only when all of that succeeded move
the files into ``data/raw/<source>/``, write the processed tables and update the manifest.
A failure anywhere leaves the last good raw files, manifest and tables exactly as they were.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from migrationdata import __version__
from migrationdata.catalog import RemoteFile, Source
from migrationdata.errors import DataError, FetchError, MigrationDataError
from migrationdata.paths import data_dir as default_data_dir
from migrationdata.paths import manifest_path, raw_dir

USER_AGENT = f"migrationdata/{__version__} (newsroom data kit; python-requests)"
CHUNK = 64 * 1024
PROGRESS_THRESHOLD = 1_000_000  # bytes: show a progress bar above this, on a terminal
RETRY_STATUSES = (429, 500, 502, 503, 504)


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(source: str, url: str) -> None:
    """Upstream is https only; plain http is allowed for a mirror on this machine."""
    parts = urlparse(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return
    raise FetchError(
        source,
        url,
        f"refusing a {parts.scheme or 'schemeless'} URL: only https is fetched from publishers "
        "(plain http only from a mirror on this machine).",
        "Use the publisher's https address, or a local mirror.",
    )


# ----------------------------------------------------------------------------- session


def make_session(
    retries: int | None = None,
    backoff: float | None = None,
    timeout: tuple[float, float] | None = None,
):
    """A ``requests`` session with the project's User-Agent, timeouts and retries.

    Retries cover connection errors and 429/5xx answers, with exponential backoff, and honour
    ``Retry-After``. ``MIGRATIONDATA_RETRIES``, ``MIGRATIONDATA_BACKOFF`` and
    ``MIGRATIONDATA_TIMEOUT`` (``connect,read`` in seconds) override the defaults.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    if retries is None:
        retries = int(os.environ.get("MIGRATIONDATA_RETRIES", "4"))
    if backoff is None:
        backoff = float(os.environ.get("MIGRATIONDATA_BACKOFF", "1.0"))
    if timeout is None:
        raw = os.environ.get("MIGRATIONDATA_TIMEOUT", "10,60")
        c, _, r = raw.partition(",")
        timeout = (float(c), float(r or c))
    retry = Retry(
        total=retries,
        connect=retries,
        read=1,
        status=retries,
        backoff_factor=backoff,
        backoff_max=60,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.request_timeout = timeout  # read by Fetcher
    return session


# ----------------------------------------------------------------------------- bytes checks

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")


def looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(start.startswith(m) for m in _HTML_MARKERS)


def check_magic(kind: str, head: bytes) -> str | None:
    """Return a description of what is wrong with the first bytes of a file, or None."""
    if not head:
        return "the body is empty"
    if kind == "html":
        return None
    if looks_like_html(head):
        return "an HTML page arrived instead of the data (often an error or login page)"
    if kind == "csv":
        if b"\x00" in head[:4096]:
            return "binary bytes arrived where a text CSV was expected"
        return None
    if kind == "gzip":
        return None if head[:2] == b"\x1f\x8b" else "the file is not gzip-compressed"
    if kind == "rda":
        ok = (
            head[:5] in (b"RDX2\n", b"RDX3\n", b"RDA2\n", b"RDA3\n")
            or head[:2] == b"\x1f\x8b"
            or head[:3] == b"BZh"
            or head[:6] == b"\xfd7zXZ\x00"
        )
        return None if ok else "the file is not an R data file (no RDX/gzip/bzip2/xz signature)"
    if kind == "xlsx":
        return None if head[:4] == b"PK\x03\x04" else "the file is not an Excel workbook (zip)"
    if kind == "json":
        start = head.lstrip()[:1]
        return None if start in (b"[", b"{") else "the body is not JSON"
    return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- manifest


def read_manifest(base: Path | None = None) -> dict:
    path = manifest_path(base)
    if not path.exists():
        return {"files": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_json_atomic(path: Path, obj: object) -> None:
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; tables are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------------- fetcher


@dataclass
class FileResult:
    name: str
    url: str  # the publisher's URL (what the manifest calls the file's origin)
    status: str  # "updated" or "unchanged"
    path: Path  # where the bytes are now: staging (updated) or data/raw (unchanged)
    entry: dict  # the manifest entry


@dataclass
class Mirror:
    """``<mirror>/<source>/<file name>``: a folder, ``file://`` URL or http(s) base URL."""

    location: str

    @property
    def is_folder(self) -> bool:
        return "://" not in self.location or self.location.startswith("file://")

    def folder(self) -> Path:
        loc = self.location
        if loc.startswith("file://"):
            loc = unquote(urlparse(loc).path)
        return Path(loc).expanduser().resolve()

    def url_for(self, source: str, name: str) -> str:
        return f"{self.location.rstrip('/')}/{quote(source)}/{quote(name)}"

    def describe(self) -> str:
        return str(self.folder()) if self.is_folder else self.location.rstrip("/")


class Fetcher:
    """Downloads one source's files into a staging folder, with checks and conditional
    requests. Source modules use it for discovery pages and APIs too."""

    def __init__(
        self,
        source: Source,
        base: Path,
        staging: Path,
        mirror: Mirror | None = None,
        session=None,
        progress: bool | None = None,
    ) -> None:
        self.source = source
        self.base = base
        self.staging = staging
        self.mirror = mirror
        self._session = session
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.manifest = read_manifest(base)
        self.results: list[FileResult] = []

    @property
    def session(self):
        if self._session is None:
            self._session = make_session()
        return self._session

    @property
    def timeout(self) -> tuple[float, float]:
        return getattr(self.session, "request_timeout", (10.0, 60.0))

    def key(self, name: str) -> str:
        return f"{self.source.id}/{name}"

    def raw_path(self, name: str) -> Path:
        return raw_dir(self.base) / self.source.id / name

    def _good_local(self, name: str) -> dict | None:
        """The manifest entry for ``name`` if the raw file on disk still matches it."""
        entry = self.manifest.get("files", {}).get(self.key(name))
        path = self.raw_path(name)
        if entry and path.exists() and sha256_file(path) == entry.get("sha256"):
            return entry
        return None

    # -- public API for source modules -------------------------------------------------

    def get_file(self, rf: RemoteFile) -> FileResult:
        """Fetch one declared file (from the mirror if one is set) into staging."""
        if self.mirror is not None and self.mirror.is_folder:
            result = self._copy_from_folder(rf)
        else:
            url = self.mirror.url_for(self.source.id, rf.name) if self.mirror else rf.url
            result = self._download(rf, url)
        self.results.append(result)
        return result

    def get_bytes(self, url: str, kind: str, max_bytes: int, params: dict | None = None) -> bytes:
        """A small request kept in memory: a landing page to discover links, an API page."""
        check_url(self.source.id, url)
        resp = self._request(url, params=params, headers={}, stream=True)
        try:
            self._check_response(resp, url, kind, max_bytes)
            buf = bytearray()
            for chunk in resp.iter_content(CHUNK):
                buf.extend(chunk)
                if len(buf) > max_bytes:
                    raise FetchError(
                        self.source.id,
                        url,
                        f"the response exceeds the size guard of {max_bytes:,} bytes.",
                        "Check that the URL still serves the expected file; raise the guard in "
                        "the source module only if the publisher's data really grew.",
                    )
        except MigrationDataError:
            raise
        except Exception as exc:  # requests/urllib3 transport errors mid-body
            raise self._transport_error(url, exc) from exc
        finally:
            resp.close()
        problem = check_magic(kind, bytes(buf[:4096]))
        if problem:
            raise FetchError(self.source.id, url, f"expected {kind}, but {problem}.")
        return bytes(buf)

    def stage_bytes(self, name: str, data: bytes, url: str, final_url: str = "") -> FileResult:
        """Record bytes a source assembled itself (e.g. pages of an API) as a raw file."""
        digest = hashlib.sha256(data).hexdigest()
        local = self._good_local(name)
        entry = {
            "url": url,
            "final_url": final_url or url,
            "retrieved_at": utcnow(),
            "sha256": digest,
            "bytes": len(data),
            "etag": None,
            "last_modified": None,
            "mirror": self.mirror.describe() if self.mirror else None,
        }
        if local and local.get("sha256") == digest:
            result = FileResult(name, url, "unchanged", self.raw_path(name), local)
        else:
            path = self.staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            result = FileResult(name, url, "updated", path, entry)
        self.results.append(result)
        return result

    # -- internals ---------------------------------------------------------------------

    def _request(self, url: str, params: dict | None, headers: dict, stream: bool):
        try:
            resp = self.session.get(url, params=params, headers=headers, stream=stream, timeout=self.timeout)
        except Exception as exc:
            raise self._transport_error(url, exc) from exc
        # a redirect may not downgrade to plain http (except between loopback addresses)
        for hop in [*resp.history, resp]:
            try:
                check_url(self.source.id, hop.url)
            except FetchError:
                resp.close()
                raise FetchError(
                    self.source.id,
                    url,
                    f"the server redirected to {hop.url}, which is not https; refusing it.",
                    "Check the publisher's current https address and update the source module.",
                ) from None
        return resp

    def _transport_error(self, url: str, exc: Exception) -> FetchError:
        import requests

        if isinstance(exc, requests.exceptions.ConnectTimeout):
            what = "the server did not accept a connection in time"
        elif isinstance(exc, requests.exceptions.ReadTimeout):
            what = f"the server stopped sending data (read timeout {self.timeout[1]:g} s)"
        elif isinstance(exc, requests.exceptions.ConnectionError):
            cause = str(exc)
            if "IncompleteRead" in cause or "ProtocolError" in cause or "Connection broken" in cause:
                what = "the download was cut short (fewer bytes than announced)"
            elif "timed out" in cause.lower():
                what = f"the server stopped sending data (read timeout {self.timeout[1]:g} s)"
            else:
                what = "could not connect to the server"
        elif isinstance(exc, requests.exceptions.ChunkedEncodingError):
            what = "the download was cut short (the connection broke mid-transfer)"
        else:
            what = f"the request failed ({type(exc).__name__})"
        return FetchError(self.source.id, url, f"{what}: {exc}.")

    def _check_response(self, resp, url: str, kind: str, max_bytes: int) -> None:
        if resp.status_code >= 400:
            if resp.status_code == 404:
                remedy = (
                    "The file has probably moved: open the landing page "
                    f"{self.source.landing_page} and update the URL in the source module."
                )
            elif resp.status_code in RETRY_STATUSES:
                remedy = "The server is overloaded or down; it was retried. Try again later."
            else:
                remedy = ""
            raise FetchError(self.source.id, url, f"the server answered HTTP {resp.status_code}.", remedy)
        ctype = resp.headers.get("Content-Type", "").lower()
        if kind not in ("html",) and "text/html" in ctype:
            raise FetchError(
                self.source.id,
                url,
                f"expected {kind}, but the server sent an HTML page (Content-Type {ctype}).",
            )
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(
                self.source.id,
                url,
                f"the server announces {int(length):,} bytes, over the size guard of {max_bytes:,} bytes.",
                "Check that the URL still serves the expected file; raise the guard in the "
                "source module only if the publisher's data really grew.",
            )

    def _download(self, rf: RemoteFile, url: str) -> FileResult:
        check_url(self.source.id, url)
        local = self._good_local(rf.name)
        headers = {}
        if local:
            if local.get("etag"):
                headers["If-None-Match"] = local["etag"]
            if local.get("last_modified"):
                headers["If-Modified-Since"] = local["last_modified"]
        resp = self._request(url, params=None, headers=headers, stream=True)
        try:
            if resp.status_code == 304 and local:
                return FileResult(rf.name, rf.url, "unchanged", self.raw_path(rf.name), local)
            self._check_response(resp, url, rf.kind, rf.max_bytes)
            path = self.staging / rf.name
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            head = b""
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            bar = None
            if self.progress and (total or 0) > PROGRESS_THRESHOLD:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="B", unit_scale=True, desc=f"{self.source.id}/{rf.name}")
            try:
                with open(path, "wb") as fh:
                    for chunk in resp.iter_content(CHUNK):
                        if len(head) < 4096:
                            head += chunk[: 4096 - len(head)]
                        size += len(chunk)
                        if size > rf.max_bytes:
                            raise FetchError(
                                self.source.id,
                                url,
                                f"the download passed the size guard of {rf.max_bytes:,} bytes.",
                                "Check that the URL still serves the expected file; raise the "
                                "guard in the source module only if the data really grew.",
                            )
                        digest.update(chunk)
                        fh.write(chunk)
                        if bar:
                            bar.update(len(chunk))
            except MigrationDataError:
                raise
            except Exception as exc:
                raise self._transport_error(url, exc) from exc
            finally:
                if bar:
                    bar.close()
            if total is not None and size != total:
                raise FetchError(
                    self.source.id,
                    url,
                    f"the download was cut short: {size:,} of {total:,} announced bytes.",
                )
            problem = check_magic(rf.kind, head)
            if problem:
                raise FetchError(self.source.id, url, f"expected {rf.kind}, but {problem}.")
            sha = digest.hexdigest()
            entry = {
                "url": rf.url,
                "final_url": resp.url,
                "retrieved_at": utcnow(),
                "sha256": sha,
                "bytes": size,
                "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"),
                "mirror": self.mirror.describe() if self.mirror else None,
            }
            if local and local.get("sha256") == sha:
                path.unlink()
                return FileResult(rf.name, rf.url, "unchanged", self.raw_path(rf.name), local)
            return FileResult(rf.name, rf.url, "updated", path, entry)
        finally:
            resp.close()

    def _copy_from_folder(self, rf: RemoteFile) -> FileResult:
        src = self.mirror.folder() / self.source.id / rf.name
        where = str(src)
        if not src.is_file():
            raise FetchError(
                self.source.id,
                where,
                "the mirror has no such file.",
                f"Check the mirror folder (expected layout <mirror>/{self.source.id}/{rf.name}), "
                "or fetch from the publisher without --mirror.",
            )
        size = src.stat().st_size
        if size > rf.max_bytes:
            raise FetchError(
                self.source.id, where, f"{size:,} bytes is over the size guard of {rf.max_bytes:,}."
            )
        with open(src, "rb") as fh:
            problem = check_magic(rf.kind, fh.read(4096))
        if problem:
            raise FetchError(self.source.id, where, f"expected {rf.kind}, but {problem}.")
        sha = sha256_file(src)
        local = self._good_local(rf.name)
        if local and local.get("sha256") == sha:
            return FileResult(rf.name, rf.url, "unchanged", self.raw_path(rf.name), local)
        path = self.staging / rf.name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, path)
        entry = {
            "url": rf.url,
            "final_url": src.as_uri(),
            "retrieved_at": utcnow(),
            "sha256": sha,
            "bytes": size,
            "etag": None,
            "last_modified": None,
            "mirror": self.mirror.describe(),
        }
        return FileResult(rf.name, rf.url, "updated", path, entry)


# ----------------------------------------------------------------------------- pipeline


@dataclass
class SourceReport:
    source: str
    status: str  # updated / unchanged / failed
    rows: int = 0
    seconds: float = 0.0
    error: str = ""
    files: list[FileResult] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)


def _clean_stale_staging(base: Path) -> None:
    """A run killed mid-download leaves its staging folder behind; nothing else used it."""
    stage_root = raw_dir(base) / ".staging"
    if stage_root.exists():
        for d in stage_root.iterdir():
            pid = d.name.rsplit("-", 2)[-2] if d.name.count("-") >= 2 else ""
            if pid.isdigit() and _pid_alive(int(pid)):
                continue
            shutil.rmtree(d, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def fetch_source(
    source: Source,
    mirror: str | None = None,
    base: Path | None = None,
    session=None,
    progress: bool | None = None,
) -> SourceReport:
    """Fetch, parse, validate and (only if everything passed) store one source."""
    from migrationdata import processed

    base = base or default_data_dir()
    t0 = time.monotonic()
    _clean_stale_staging(base)
    staging = raw_dir(base) / ".staging" / f"{source.id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    mirror_obj = Mirror(mirror) if mirror else None
    fetcher = Fetcher(source, base, staging, mirror_obj, session, progress)
    report = SourceReport(source.id, "failed")
    try:
        if mirror_obj is None and source.download is not None:
            source.download(fetcher)
        else:
            files = source.files
            if mirror_obj is None and source.discover is not None:
                files = source.discover(fetcher)
            for rf in files:
                fetcher.get_file(rf)
        paths = {r.name: r.path for r in fetcher.results}
        try:
            frames = source.process(paths)
            rendered = processed.render_tables(source, frames)
        except DataError as exc:
            url = next((r.url for r in fetcher.results if r.name == exc.file), "")
            raise FetchError(
                source.id,
                url or exc.file,
                f"the data did not pass the checks: {exc}",
                "The publisher may have changed the file's layout: compare it with "
                f"{source.landing_page} and update the parser in "
                f"migrationdata/sources/{source.id}.py. The last good data is unchanged.",
            ) from exc
        # everything is checked: commit, raw files first, then tables, then the manifest
        changed = False
        manifest = read_manifest(base)
        for r in fetcher.results:
            if r.status == "updated":
                target = fetcher.raw_path(r.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(r.path, target)
                r.path = target
                manifest.setdefault("files", {})[fetcher.key(r.name)] = r.entry
                changed = True
        for name, data in rendered.items():
            changed |= processed.write_if_changed(name, data, base)
        if changed:
            write_json_atomic(manifest_path(base), manifest)
        processed.write_datapackage(base)
        report.status = "updated" if changed else "unchanged"
        report.tables = {name: data.count(b"\n") - 1 for name, data in rendered.items()}
        report.rows = sum(report.tables.values())
    except MigrationDataError as exc:
        report.error = str(exc)
    except Exception as exc:  # a parser bug: still name the source and keep data intact
        report.error = (
            f"[{source.id}] unexpected {type(exc).__name__} while processing: {exc}. "
            "The last good data is unchanged. This is a bug in the project: please report it "
            "with this message."
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        report.files = fetcher.results
        report.seconds = time.monotonic() - t0
    return report
