"""The HTTP client: one ``requests`` session with the project's timeouts and retry policy, and
the ``Fetcher`` that downloads (or copies from a mirror) one source's files into staging."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlparse

from migrationdata import __version__
from migrationdata.catalog import RemoteFile, Source
from migrationdata.errors import FetchError, MigrationDataError
from migrationdata.fetch.guards import (
    CHUNK,
    SECRET_PARAMS,
    _site,
    check_magic,
    check_name,
    check_url,
    is_loopback,
    redact,
    redact_url,
)
from migrationdata.paths import raw_dir
from migrationdata.store import read_manifest, sha256_file, utcnow

USER_AGENT = f"migrationdata/{__version__} (newsroom data kit; python-requests)"
PROGRESS_THRESHOLD = 1_000_000  # bytes: show a progress bar above this, on a terminal
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_REDIRECTS = 5
#: kinds whose bytes are already compressed: asking the server to compress them again gains
#: nothing, and a server that labels a .gz file "Content-Encoding: gzip" must not have it
#: silently unpacked (the stored file would no longer be the publisher's bytes).
COMPRESSED_KINDS = ("gzip", "rda", "xlsx", "zip")
HTML_TYPES = ("text/html", "application/xhtml+xml")
NUL = b"\x00"
#: errors of this machine's disk, not of the network
LOCAL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG)


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise FetchError(
            "settings",
            name,
            f"expected a number of seconds or a count, but {name}={raw!r}.",
            f"Fix or unset {name}.",
        ) from None


def make_session(
    retries: int | None = None,
    backoff: float | None = None,
    timeout: tuple[float, float] | None = None,
):
    """A ``requests`` session with the project's User-Agent, timeouts and retry policy.

    Connection errors are retried by urllib3; 429/5xx answers are retried by the
    :class:`Fetcher` itself (with exponential backoff, honouring ``Retry-After`` up to
    ``MIGRATIONDATA_MAX_WAIT`` seconds), because it must decide, not urllib3, when a
    server's "come back in an hour" means giving up now with a clear message.
    Environment overrides: ``MIGRATIONDATA_RETRIES``, ``MIGRATIONDATA_BACKOFF``,
    ``MIGRATIONDATA_TIMEOUT`` (``connect,read`` in seconds), ``MIGRATIONDATA_DEADLINE``
    (longest a single file may take, in seconds) and ``MIGRATIONDATA_MAX_WAIT``.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    if retries is None:
        retries = int(_env_number("MIGRATIONDATA_RETRIES", 4))
    if backoff is None:
        backoff = _env_number("MIGRATIONDATA_BACKOFF", 1.0)
    if timeout is None:
        raw = os.environ.get("MIGRATIONDATA_TIMEOUT", "10,60")
        c, _, r = raw.partition(",")
        try:
            timeout = (float(c), float(r or c))
        except ValueError:
            raise FetchError(
                "settings",
                "MIGRATIONDATA_TIMEOUT",
                f"expected 'connect,read' seconds such as '10,60', but got {raw!r}.",
                "Fix or unset MIGRATIONDATA_TIMEOUT.",
            ) from None
    # transport-level retries only: status codes are the Fetcher's business (see above)
    retry = Retry(
        total=retries,
        connect=retries,
        read=1,
        status=0,
        redirect=0,
        backoff_factor=backoff,
        backoff_max=60,
        status_forcelist=(),
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
        raise_on_redirect=False,
        respect_retry_after_header=False,  # urllib3 would sleep up to 6 hours on its own
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    # read by Fetcher
    session.request_timeout = timeout
    session.status_retries = retries
    session.backoff = backoff
    session.deadline = _env_number("MIGRATIONDATA_DEADLINE", 900.0)
    session.max_wait = _env_number("MIGRATIONDATA_MAX_WAIT", 120.0)
    return session


@dataclass
class FileResult:
    name: str
    url: str  # the publisher's URL (what the manifest calls the file's origin)
    status: str  # "updated" or "unchanged"
    path: Path  # where the bytes are now: staging (updated, restore) or data/raw (unchanged)
    entry: dict  # the manifest entry
    #: the bytes are the ones the manifest already records, but data/raw lacks them (a fresh
    #: clone): they are put in place, while the manifest entry, and its retrieved_at, stay
    restore: bool = False
    #: where the bytes really came from this time (a mirror's path or URL, credentials
    #: hidden), for messages only: the manifest never stores a machine's paths
    origin: str = ""

    @property
    def fetched_from(self) -> str:
        """Where the bytes really came from: the publisher, or a mirror of it."""
        final = self.origin or self.entry.get("final_url") or self.url
        return self.url if final == self.url else f"{final} (mirror of {self.url})"


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
        """Where the mirror is, for messages (credentials hidden)."""
        return str(self.folder()) if self.is_folder else redact_url(self.location.rstrip("/"))

    #: what the manifest says of a mirror: only that one was used, never where it is (an
    #: absolute path or a loopback URL is of this machine, not of the project)
    RECORD = "mirror"


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
        #: credential values seen in request parameters: hidden from messages and manifest
        self.secrets: set[str] = set()

    @property
    def session(self):
        if self._session is None:
            self._session = make_session()
        return self._session

    @property
    def timeout(self) -> tuple[float, float]:
        return getattr(self.session, "request_timeout", (10.0, 60.0))

    def _policy(self, name: str, default: float) -> float:
        return getattr(self.session, name, default)

    def key(self, name: str) -> str:
        return f"{self.source.id}/{name}"

    def raw_path(self, name: str) -> Path:
        return raw_dir(self.base) / self.source.id / name

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)

    def _good_local(self, name: str) -> dict | None:
        """The manifest entry for ``name`` if the raw file on disk still matches it."""
        entry = self.manifest.get("files", {}).get(self.key(name))
        path = self.raw_path(name)
        if entry and path.exists() and sha256_file(path) == entry.get("sha256"):
            return entry
        return None

    def _settle(
        self, name: str, url: str, staged: Path, sha: str, entry: dict, local: dict | None
    ) -> FileResult:
        """What freshly staged bytes amount to. Bytes the manifest already records (same
        sha256) are "unchanged" and keep their manifest entry, retrieved_at included: a fetch
        of the same file must not look like a new release. If data/raw lacks them (a fresh
        clone), they are still put in place for processing to read."""
        recorded = self.manifest.get("files", {}).get(self.key(name))
        if recorded and recorded.get("sha256") == sha:
            if local and local.get("sha256") == sha:
                staged.unlink(missing_ok=True)
                return FileResult(name, url, "unchanged", self.raw_path(name), local)
            return FileResult(name, url, "unchanged", staged, recorded, restore=True)
        return FileResult(name, url, "updated", staged, entry)

    def _other_route(self) -> str:
        """Where else the same file can come from: the publisher when a mirror failed, a
        mirror when the publisher did."""
        if self.mirror is not None:
            return "fetch from the publisher without --mirror"
        return "fetch from a mirror with --mirror DIR|URL"

    def _error(self, url: str, problem: str, remedy: str = "") -> FetchError:
        if not remedy and self.mirror is not None:
            # the generic advice ("fetch from a mirror") makes no sense when a mirror failed
            remedy = (
                "Try again later; if it keeps failing, the mirror's copy is bad: repair or replace "
                f"it, or {self._other_route()}. The last good data is unchanged."
            )
        return FetchError(self.source.id, self.redact(url), self.redact(problem), remedy)

    # -- public API for source modules -------------------------------------------------

    def get_file(self, rf: RemoteFile) -> FileResult:
        """Fetch one declared file (from the mirror if one is set) into staging."""
        check_name(self.source.id, rf.name, rf.url)
        if self.mirror is not None and self.mirror.is_folder:
            result = self._copy_from_folder(rf)
        else:
            url = self.mirror.url_for(self.source.mirror_folder, rf.name) if self.mirror else rf.url
            result = self._download(rf, url)
        self.results.append(result)
        return result

    def get_bytes(self, url: str, kind: str, max_bytes: int, params: dict | None = None) -> bytes:
        """A small request kept in memory: a landing page to discover links, an API page.

        Credentials (e.g. an API key read from the environment) go in ``params``; their
        values are hidden from every message and never stored."""
        for k, v in (params or {}).items():
            if SECRET_PARAMS.match(str(k)) and v:
                self.secrets.add(str(v))
        check_url(self.source.id, url)
        resp = self._request(url, params=params, headers={}, kind=kind)
        buf = bytearray()
        try:
            self._check_response(resp, url, kind, max_bytes)
            self._read_body(resp, url, kind, max_bytes, buf.extend)
        finally:
            resp.close()
        if kind in COMPRESSED_KINDS and _content_encoded(resp):
            with tempfile.TemporaryDirectory(dir=self.staging) as tmp:
                body = Path(tmp) / "body"
                body.write_bytes(buf)
                self._unwrap(body, resp, url, kind, max_bytes)
                buf = bytearray(body.read_bytes())
        problem = check_magic(kind, bytes(buf[:4096]))
        if problem:
            raise self._error(url, f"expected {kind}, but {problem}.")
        return bytes(buf)

    def stage_bytes(self, name: str, data: bytes, url: str, final_url: str = "") -> FileResult:
        """Record bytes a source assembled itself (e.g. pages of an API) as a raw file."""
        check_name(self.source.id, name, url)
        digest = hashlib.sha256(data).hexdigest()
        local = self._good_local(name)
        entry = {
            "url": self.redact(url),
            "final_url": self.redact(final_url or url),
            "retrieved_at": utcnow(),
            "sha256": digest,
            "bytes": len(data),
            "etag": None,
            "last_modified": None,
            "mirror": Mirror.RECORD if self.mirror else None,
        }
        if local and local.get("sha256") == digest:
            result = FileResult(name, entry["url"], "unchanged", self.raw_path(name), local)
        else:
            path = self.staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            result = self._settle(name, entry["url"], path, digest, entry, local)
        self.results.append(result)
        return result

    # -- internals ---------------------------------------------------------------------

    def _check_redirect(self, origin: str, here: str, there: str) -> None:
        """Follow a redirect only to https (never from https down to http, not even on this
        machine) and only within the publisher's own site, or to a host the source lists in
        ``extra["redirect_hosts"]``: a file that moved to another site must be looked at
        by a person before the project trusts it."""
        to = urlparse(there)
        reason = ""
        if urlparse(here).scheme == "https" and to.scheme != "https":
            reason = "from https down to plain http"
        elif to.scheme not in ("https", "http") or (to.scheme == "http" and not is_loopback(to.hostname)):
            reason = "to an address that is not https"
        else:
            allowed = {_site(urlparse(origin).hostname or "")}
            allowed |= {_site(h) for h in self.source.extra.get("redirect_hosts", ())}
            if _site(to.hostname or "") not in allowed:
                reason = f"to another host ({to.hostname}, not {urlparse(origin).hostname})"
        if reason:
            raise self._error(
                origin,
                f"expected the file itself, but the server redirected {reason}: {there}. Refused.",
                "If the publisher really moved the file, check the new address in a browser and "
                f"update the URL in migrationdata/sources/{self.source.id}.py. The last good data "
                "is unchanged.",
            )

    def _request(self, url: str, params: dict | None, headers: dict, kind: str = ""):
        """GET ``url``, following redirects by the project's rules and retrying 429/5xx."""
        headers = dict(headers)
        if kind in COMPRESSED_KINDS:
            headers["Accept-Encoding"] = "identity"
        retries = int(self._policy("status_retries", 4))
        backoff = float(self._policy("backoff", 1.0))
        max_wait = float(self._policy("max_wait", 120.0))
        attempt = 0
        current, current_params, hops = url, params, 0
        while True:
            try:
                resp = self.session.get(
                    current,
                    params=current_params,
                    headers=headers,
                    stream=True,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except Exception as exc:
                raise self._transport_error(current, exc) from exc
            if resp.is_redirect:
                there = urljoin(resp.url, resp.headers["Location"])
                resp.close()
                self._check_redirect(url, resp.url, there)
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise self._error(
                        url, f"expected the file, but the server redirected more than {MAX_REDIRECTS} times."
                    )
                current, current_params = there, None
                continue
            if resp.status_code in RETRY_STATUSES and attempt < retries:
                wait = min(backoff * (2**attempt), 60.0)
                asked = _retry_after(resp.headers.get("Retry-After"))
                if asked is not None:
                    if asked > max_wait:
                        return resp  # the server asks for more patience than a refresh has
                    wait = max(wait, asked)
                resp.close()
                time.sleep(wait)
                attempt += 1
                continue
            resp.attempts = attempt + 1
            return resp

    def _transport_error(self, url: str, exc: Exception) -> FetchError:
        import requests
        import urllib3.exceptions as u3

        cause = str(exc)
        timeout_hint = (
            "The server is slow or stuck: try again later, or allow more time with "
            "MIGRATIONDATA_TIMEOUT=connect,read (seconds). The last good data is unchanged."
        )
        remedy = ""
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            what = "the server did not accept a connection in time"
            remedy = timeout_hint
        elif isinstance(exc, requests.exceptions.ReadTimeout | u3.ReadTimeoutError):
            what = f"the server stopped sending data (read timeout {self.timeout[1]:g} s)"
            remedy = timeout_hint
        elif isinstance(exc, u3.ProtocolError | requests.exceptions.ChunkedEncodingError) or (
            "IncompleteRead" in cause or "Connection broken" in cause
        ):
            what = "the download was cut short (the connection broke before the whole file arrived)"
        elif isinstance(exc, u3.DecodeError | requests.exceptions.ContentDecodingError):
            what = "the server's compressed body could not be decoded"
        elif isinstance(exc, requests.exceptions.ConnectionError | u3.NewConnectionError):
            if "timed out" in cause.lower():
                what = f"the server stopped sending data (read timeout {self.timeout[1]:g} s)"
                remedy = timeout_hint
            elif "refused" in cause.lower():
                what = "the server refused the connection (nothing is listening at that address)"
                remedy = (
                    f"The site may be down: try again later, or {self._other_route()}. "
                    "The last good data is unchanged."
                )
            else:
                what = "could not connect to the server"
        else:
            what = f"the request failed ({type(exc).__name__})"
        return self._error(url, f"expected the file, but {what} (details: {cause}).", remedy)

    def _check_response(self, resp, url: str, kind: str, max_bytes: int) -> None:
        # redirects were followed in _request: any 3xx left here (a 304 we did not ask for,
        # a redirect without a Location) is as unusable as an error
        if resp.status_code >= 300 or resp.status_code == 204:
            code = resp.status_code
            reason = f"HTTP {code}{' ' + resp.reason if resp.reason else ''}"
            tries = getattr(resp, "attempts", 1)
            asked = _retry_after(resp.headers.get("Retry-After"))
            if code == 404 or code == 410:
                remedy = (
                    "The file has probably moved: open the landing page "
                    f"{self.source.landing_page} and update the URL in "
                    f"migrationdata/sources/{self.source.id}.py. The last good data is unchanged."
                )
            elif code in RETRY_STATUSES and asked is not None and asked > self._policy("max_wait", 120.0):
                remedy = (
                    f"The server asks to wait {asked:,.0f} s before trying again (Retry-After); "
                    "try again after that. The last good data is unchanged."
                )
            elif code == 429:
                remedy = (
                    f"The publisher is limiting how often we may download (asked {tries} times). "
                    "Wait a few minutes and try again. The last good data is unchanged."
                )
            elif code in RETRY_STATUSES:
                remedy = (
                    f"The server is overloaded or down (asked {tries} times). Try again later, or "
                    f"{self._other_route()}. The last good data is unchanged."
                )
            else:
                remedy = ""
            raise self._error(url, f"expected the file, but the server answered {reason}.", remedy)
        ctype = resp.headers.get("Content-Type", "").lower()
        if kind != "html" and any(t in ctype for t in HTML_TYPES):
            raise self._error(
                url,
                f"expected {kind}, but the server sent an HTML page (Content-Type {ctype}), "
                "usually an error or login page.",
            )
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise self._error(
                url,
                f"expected at most {max_bytes:,} bytes (the size guard), but the server announces "
                f"{int(length):,} bytes.",
                "Check that the URL still serves the expected file; raise the guard in the "
                "source module only if the publisher's data really grew. The last good data is unchanged.",
            )

    def _read_body(self, resp, url: str, kind: str, max_bytes: int, write, bar=None) -> tuple[int, bytes]:
        """Stream the body into ``write`` with the size guard, the per-file deadline and
        the early byte checks. Returns (bytes written, first bytes).

        Text is decoded from any Content-Encoding as it streams. Files that are compressed
        already (gzip, R data, Excel) are kept exactly as sent; :meth:`_unwrap` decides
        afterwards whether a Content-Encoding layer must come off."""
        import urllib3

        wrapped = kind in COMPRESSED_KINDS and _content_encoded(resp)
        decode = kind not in COMPRESSED_KINDS
        deadline = time.monotonic() + float(self._policy("deadline", 900.0))
        size = 0
        head = b""
        raw = resp.raw
        try:
            while True:
                # read1 returns whatever one socket read gave, so a server trickling a byte at
                # a time cannot keep us inside a single read past the deadline
                chunk = raw.read1(CHUNK, decode_content=decode)
                if not chunk:
                    break
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                    problem = check_magic(kind, head) if len(head) >= 512 and not wrapped else None
                    if problem:
                        raise self._error(url, f"expected {kind}, but {problem}.")
                if kind == "csv" and NUL in chunk:
                    raise self._error(
                        url,
                        f"expected a text CSV, but binary bytes arrived at byte {size + chunk.index(NUL):,}.",
                    )
                size += len(chunk)
                if size > max_bytes:
                    raise self._error(
                        url,
                        f"expected at most {max_bytes:,} bytes (the size guard), but the download "
                        f"passed {size:,} bytes.",
                        "Check that the URL still serves the expected file; raise the guard in the "
                        "source module only if the data really grew. The last good data is unchanged.",
                    )
                write(chunk)
                if bar:
                    bar.update(len(chunk))
                if time.monotonic() > deadline:
                    raise self._error(
                        url,
                        f"expected the file within {self._policy('deadline', 900.0):g} s, but only "
                        f"{size:,} bytes arrived in that time (the server is trickling the data).",
                        "Try again later, or allow more time with MIGRATIONDATA_DEADLINE=seconds. "
                        "The last good data is unchanged.",
                    )
        except MigrationDataError:
            raise
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if getattr(exc, "errno", None) in LOCAL_ERRNOS and not isinstance(
                exc, urllib3.exceptions.HTTPError
            ):
                raise  # writing here failed (a full disk, a read-only folder), not the network
            raise self._transport_error(url, exc) from exc
        wire = raw.tell()
        total = resp.headers.get("Content-Length")
        if total and total.isdigit() and wire != int(total):
            raise self._error(
                url, f"expected {int(total):,} bytes, but the download was cut short at {wire:,} bytes."
            )
        return size, head

    def _unwrap(self, data_path: Path, resp, url: str, kind: str, max_bytes: int) -> None:
        """A compressed file sent with Content-Encoding: either the server compressed it on
        the fly (take the layer off) or it merely labels a .gz file that way (keep it).
        Tell them apart by whether what is inside looks like the expected file."""
        import zlib

        if not (kind in COMPRESSED_KINDS and _content_encoded(resp)):
            return
        inner = data_path.with_name(data_path.name + ".inner")
        dec = zlib.decompressobj(wbits=47)  # gzip or zlib header
        size = 0
        try:
            with open(data_path, "rb") as src, open(inner, "wb") as dst:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    out = dec.decompress(chunk, max_bytes + 1 - size)
                    while True:
                        size += len(out)
                        if size > max_bytes:
                            raise self._error(
                                url,
                                f"expected at most {max_bytes:,} bytes (the size guard), but the "
                                "compressed body unpacks to more.",
                            )
                        dst.write(out)
                        if not dec.unconsumed_tail:
                            break
                        out = dec.decompress(dec.unconsumed_tail, max_bytes + 1 - size)
            with open(inner, "rb") as fh:
                inside_ok = check_magic(kind, fh.read(4096)) is None
        except zlib.error:
            inside_ok = False
        if inside_ok:
            os.replace(inner, data_path)
        else:
            inner.unlink(missing_ok=True)

    def _download(self, rf: RemoteFile, url: str) -> FileResult:
        check_url(self.source.id, url)
        local = self._good_local(rf.name)
        headers = {}
        if local:
            if local.get("etag"):
                headers["If-None-Match"] = local["etag"]
            if local.get("last_modified"):
                headers["If-Modified-Since"] = local["last_modified"]
        resp = self._request(url, params=None, headers=headers, kind=rf.kind)
        try:
            if resp.status_code == 304 and local:
                origin = self.redact(url) if self.mirror else ""
                return FileResult(rf.name, rf.url, "unchanged", self.raw_path(rf.name), local, origin=origin)
            self._check_response(resp, url, rf.kind, rf.max_bytes)
            path = self.staging / rf.name
            path.parent.mkdir(parents=True, exist_ok=True)
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            bar = None
            if self.progress and (total or 0) > PROGRESS_THRESHOLD:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="B", unit_scale=True, desc=f"{self.source.id}/{rf.name}")
            try:
                with open(path, "wb") as fh:
                    self._read_body(resp, url, rf.kind, rf.max_bytes, fh.write, bar)
                    fh.flush()
                    os.fsync(fh.fileno())
            finally:
                if bar:
                    bar.close()
            self._unwrap(path, resp, url, rf.kind, rf.max_bytes)
            with open(path, "rb") as fh:
                problem = check_magic(rf.kind, fh.read(4096))
            if problem:
                raise self._error(url, f"expected {rf.kind}, but {problem}.")
            sha = sha256_file(path)
            entry = {
                "url": self.redact(rf.url),
                # a mirror stands for the publisher's URL; only a publisher's redirect is kept
                "final_url": self.redact(rf.url if self.mirror else resp.url),
                "retrieved_at": utcnow(),
                "sha256": sha,
                "bytes": path.stat().st_size,
                "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"),
                "mirror": Mirror.RECORD if self.mirror else None,
            }
            result = self._settle(rf.name, rf.url, path, sha, entry, local)
            result.origin = self.redact(resp.url) if self.mirror else ""
            return result
        finally:
            resp.close()

    def _copy_from_folder(self, rf: RemoteFile) -> FileResult:
        src = self.mirror.folder() / self.source.mirror_folder / rf.name
        where = str(src)
        if not src.is_file():
            raise FetchError(
                self.source.id,
                where,
                "the mirror has no such file.",
                f"Check the mirror folder (expected layout <mirror>/{self.source.mirror_folder}/{rf.name}), "
                "or fetch from the publisher without --mirror.",
            )
        size = src.stat().st_size
        if size > rf.max_bytes:
            raise FetchError(
                self.source.id,
                f"{where} (mirror of {self.redact(rf.url)})",
                f"expected at most {rf.max_bytes:,} bytes (the size guard), but the file has {size:,}.",
                self._bad_mirror_copy(src, rf),
            )
        with open(src, "rb") as fh:
            problem = check_magic(rf.kind, fh.read(4096))
        if problem:
            raise FetchError(
                self.source.id,
                f"{where} (mirror of {self.redact(rf.url)})",
                f"expected {rf.kind}, but {problem}.",
                self._bad_mirror_copy(src, rf),
            )
        sha = sha256_file(src)
        local = self._good_local(rf.name)
        if local and local.get("sha256") == sha:
            return FileResult(
                rf.name, rf.url, "unchanged", self.raw_path(rf.name), local, origin=src.as_uri()
            )
        path = self.staging / rf.name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, path)
        entry = {
            "url": self.redact(rf.url),
            "final_url": self.redact(rf.url),
            "retrieved_at": utcnow(),
            "sha256": sha,
            "bytes": size,
            "etag": None,
            "last_modified": None,
            "mirror": Mirror.RECORD,
        }
        result = self._settle(rf.name, rf.url, path, sha, entry, local)
        result.origin = src.as_uri()
        return result

    def _bad_mirror_copy(self, src: Path, rf: RemoteFile) -> str:
        # retrying cannot help: the mirror folder holds the same bad bytes until someone fixes it
        return (
            f"The mirror's copy is not the publisher's file: repair or replace {src} with a good "
            f"copy of {self.redact(rf.url)}, or fetch from the publisher without --mirror. "
            "The last good data is unchanged."
        )

    def describe_copy(self, result: FileResult) -> str:
        """The fetched file's size and sha256 beside the manifest's last good copy, so a
        truncated or damaged download shows at a glance."""
        now = result.entry
        text = (
            f"{result.name} as fetched: {now.get('bytes', 0):,} bytes, sha256 {str(now.get('sha256'))[:16]}"
        )
        before = self.manifest.get("files", {}).get(self.key(result.name))
        if result.status != "updated":
            return text + " (the same bytes as the manifest's entry)"
        if before:
            return (
                text + f"; the manifest's last good copy: {before.get('bytes', 0):,} bytes, "
                f"sha256 {str(before.get('sha256'))[:16]}"
            )
        return text + "; the manifest records no earlier copy"


def _content_encoded(resp) -> bool:
    return resp.headers.get("Content-Encoding", "").strip().lower() not in ("", "identity")


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
