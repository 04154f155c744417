"""The only code in the project that touches the network.

``fetch_source`` runs one source end to end: download (or copy from a mirror) every file into
a staging folder, check the bytes, parse, validate, and only when all of that succeeded move
the files into ``data/raw/<source>/``, write the processed tables and update the manifest.
A failure anywhere leaves the last good raw files, manifest and tables exactly as they were.

The commit itself is journalled: the new raw files, tables and manifest are all written into
the staging folder first, then a ``COMMIT.json`` listing the moves, then the moves. A run
killed between two moves is finished ("rolled forward") by the next run, so the tables and
the manifest never disagree about which download they came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlparse, urlunparse

from migrationdata import __version__
from migrationdata.catalog import RemoteFile, Source, Table
from migrationdata.errors import DataError, FetchError, MigrationDataError
from migrationdata.paths import data_dir as default_data_dir
from migrationdata.paths import manifest_path, processed_dir, raw_dir

USER_AGENT = f"migrationdata/{__version__} (newsroom data kit; python-requests)"
CHUNK = 64 * 1024
PROGRESS_THRESHOLD = 1_000_000  # bytes: show a progress bar above this, on a terminal
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_REDIRECTS = 5
#: kinds whose bytes are already compressed: asking the server to compress them again gains
#: nothing, and a server that labels a .gz file "Content-Encoding: gzip" must not have it
#: silently unpacked (the stored file would no longer be the publisher's bytes).
COMPRESSED_KINDS = ("gzip", "rda", "xlsx", "zip")
HTML_TYPES = ("text/html", "application/xhtml+xml")
NUL = b"\x00"


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
        redact_url(url),
        f"refusing a {parts.scheme or 'schemeless'} URL: only https is fetched from publishers "
        "(plain http only from a mirror on this machine).",
        "Use the publisher's https address, or a local mirror.",
    )


# ----------------------------------------------------------------------------- secrets

#: query parameters whose values are credentials (the Census API's ``key``, tokens...)
SECRET_PARAMS = re.compile(
    r"^\$*(key|api[_-]?key|apikey|app[_-]?token|token|access[_-]?token|secret|client[_-]?secret|password|sig|signature)$",
    re.I,
)
#: environment variables that hold credentials; their values never reach a log or the manifest
SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.I)
REDACTED = "REDACTED"


def redact_url(url: str) -> str:
    """The URL with credential-like query values and any user:password replaced."""
    try:
        parts = urlparse(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(SECRET_PARAMS.match(k) for k, _ in pairs):
            query = urlencode([(k, REDACTED if SECRET_PARAMS.match(k) else v) for k, v in pairs], safe=",:*")
    return urlunparse(parts._replace(netloc=netloc, query=query))


def secrets_from_env() -> set[str]:
    """Values of credential-like environment variables (long enough not to be a word)."""
    return {v for k, v in os.environ.items() if SECRET_ENV.search(k) and len(v) >= 8}


def redact(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """``text`` with every known secret value and credential-like URL parameter hidden."""
    for s in sorted(set(secrets) | secrets_from_env(), key=len, reverse=True):
        if s:
            text = text.replace(s, REDACTED)
            text = text.replace(quote(s, safe=""), REDACTED)
    return re.sub(r"https?://[^\s'\"<>)]+", lambda m: redact_url(m.group(0)), text)


# ----------------------------------------------------------------------------- session


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
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return "the text is UTF-16 encoded (a byte-order mark), where UTF-8 text was expected"
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
    if kind in ("xlsx", "zip"):
        what = "an Excel workbook" if kind == "xlsx" else "a zip archive"
        return None if head[:4] == b"PK\x03\x04" else f"the file is not {what} (no zip signature)"
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


# ----------------------------------------------------------------------------- archives


def safe_extract_zip(archive: Path, dest: Path, max_bytes: int, source: str = "archive") -> list[Path]:
    """Unpack a zip file into ``dest``, refusing members that would land outside it (absolute
    paths, ``..``, drive letters, symlinks) and archives that unpack to more than
    ``max_bytes`` (a zip bomb). Returns the extracted files."""
    import stat
    import zipfile

    dest = Path(dest).resolve()
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise DataError(Path(archive).name, f"not a readable zip archive ({exc})") from None
    out = []
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > max_bytes:
            raise DataError(
                Path(archive).name,
                f"the archive unpacks to {total:,} bytes, over the size guard of {max_bytes:,} bytes",
            )
        for info in infos:
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            mode = info.external_attr >> 16
            target = (dest / pure).resolve()
            if (
                pure.is_absolute()
                or ".." in pure.parts
                or re.match(r"^[A-Za-z]:", name)
                or stat.S_ISLNK(mode)
                or not target.is_relative_to(dest)
            ):
                raise DataError(
                    Path(archive).name,
                    f"[{source}] the archive member {name!r} would be written outside its folder; refusing the archive",
                )
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            out.append(target)
    return out


# ----------------------------------------------------------------------------- manifest


def read_manifest(base: Path | None = None) -> dict:
    path = manifest_path(base)
    if not path.exists():
        return {"files": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def _json_bytes(obj: object) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_json_atomic(path: Path, obj: object) -> None:
    write_bytes_atomic(path, _json_bytes(obj))


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
    path: Path  # where the bytes are now: staging (updated, restore) or data/raw (unchanged)
    entry: dict  # the manifest entry
    #: the bytes are the ones the manifest already records, but data/raw lacks them (a fresh
    #: clone): they are put in place, while the manifest entry, and its retrieved_at, stay
    restore: bool = False

    @property
    def fetched_from(self) -> str:
        """Where the bytes really came from: the publisher, or a mirror of it."""
        final = self.entry.get("final_url") or self.url
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
        return str(self.folder()) if self.is_folder else self.location.rstrip("/")


def _site(host: str) -> str:
    """The registrable part of a host name, roughly: ``www.cbp.gov`` -> ``cbp.gov``,
    ``www.migracion.gob.pa`` -> ``migracion.gob.pa``. IP addresses stand for themselves."""
    host = (host or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    # country domains with a second level (gob.pa, gov.uk, com.mx) keep three labels
    keep = (
        3
        if len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-2] in {"gob", "gov", "com", "co", "org", "ac", "edu", "net"}
        else 2
    )
    return ".".join(labels[-keep:])


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
            "mirror": self.mirror.describe() if self.mirror else None,
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
                return FileResult(rf.name, rf.url, "unchanged", self.raw_path(rf.name), local)
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
                "final_url": self.redact(resp.url),
                "retrieved_at": utcnow(),
                "sha256": sha,
                "bytes": path.stat().st_size,
                "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"),
                "mirror": self.mirror.describe() if self.mirror else None,
            }
            return self._settle(rf.name, rf.url, path, sha, entry, local)
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
        return self._settle(rf.name, rf.url, path, sha, entry, local)

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


# ----------------------------------------------------------------------------- what changed


@dataclass
class TableChange:
    """How a processed table about to be written differs from the one on disk, row by row
    (rows matched by the table's primary key). ``str()`` gives the one-line summary the
    ``fetch`` command prints; periods are months or years, when the key has such a column."""

    table: str
    unit: str  # "month", "day", "year", "fiscal year", or "" when the key has no period
    rows_before: int
    rows_after: int
    first_fetch: bool = False  # no table on disk before: nothing to compare with
    comparable: bool = True  # False when the old table lacks a key column (a schema change)
    added: int = 0
    removed: int = 0
    revised: int = 0  # values (cells) that differ under the same key
    #: periods with no row before / every other period that gained rows
    new_periods: list = field(default_factory=list)
    new_period_rows: int = 0
    other_added_periods: list = field(default_factory=list)
    #: periods with no row left / every other period that lost rows
    gone_periods: list = field(default_factory=list)
    gone_period_rows: int = 0
    other_removed_periods: list = field(default_factory=list)
    revised_periods: list = field(default_factory=list)
    all_periods: list = field(default_factory=list)  # of the new table (for a first fetch)
    removed_examples: list[str] = field(default_factory=list)  # a few keys of removed rows

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        u = self.unit
        if self.first_fetch:
            where = f" ({_span(u, self.all_periods)})" if self.all_periods else ""
            return f"new table, {self.rows_after:,} rows{where}"
        if not self.comparable:
            return (
                f"rebuilt with other key columns, not compared row by row "
                f"({self.rows_before:,} rows before, {self.rows_after:,} now)"
            )
        parts = []
        if self.new_periods:
            n = len(self.new_periods)
            rows = f", {self.new_period_rows:,} rows" if self.new_period_rows != n else ""
            parts.append(f"{_count(n, 'new ' + u)} ({_span(u, self.new_periods, counted=True)}{rows})")
        if self.added > self.new_period_rows:
            parts.append(
                f"{_count(self.added - self.new_period_rows, 'row')} added{_in(u, self.other_added_periods)}"
            )
        if self.gone_periods:
            n = len(self.gone_periods)
            rows = f", {self.gone_period_rows:,} rows" if self.gone_period_rows != n else ""
            parts.append(f"{_count(n, u)} removed ({_span(u, self.gone_periods, counted=True)}{rows})")
        if self.removed > self.gone_period_rows:
            parts.append(
                f"{_count(self.removed - self.gone_period_rows, 'row')} removed"
                f"{_in(u, self.other_removed_periods)}"
            )
        if self.revised:
            parts.append(f"{_count(self.revised, 'value')} revised{_in(u, self.revised_periods)}")
        return "; ".join(parts) or "rewritten, with the same rows and values"

    def loss(self) -> str:
        """Which rows would disappear, for the refusal message."""
        u = self.unit
        what = []
        if self.gone_periods:
            n = len(self.gone_periods)
            what.append(f"every row of {_count(n, u)}, {_span(u, self.gone_periods, counted=True)}")
        other = self.removed - self.gone_period_rows
        if other and u:
            what.append(f"{_count(other, 'row')} in {_span(u, self.other_removed_periods)}")
        if not u and self.removed_examples:
            what.append("for example " + "; ".join(self.removed_examples))
        detail = f" ({'; and '.join(what)})" if what else ""
        return f"{self.removed:,} of the {self.rows_before:,} rows of {self.table}{detail}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _label(unit: str, value) -> str:
    if unit == "month":
        return f"{value:%b %Y}"
    if unit == "day":
        return f"{value:%d %b %Y}"
    if unit == "fiscal year":
        return f"FY{value}"
    return str(value)


def _step(unit: str, value) -> int | None:
    """Periods as consecutive integers, to tell a run of months from scattered ones."""
    if unit == "month":
        return value.year * 12 + value.month
    if unit in ("year", "fiscal year"):
        return int(value)
    return None


def _span(unit: str, periods: list, counted: bool = False) -> str:
    """'Sep 2025', 'Jul–Aug 2025', 'Dec 2024–Feb 2025', 'Jan 2019 and Mar 2020', or for
    scattered periods '5 months between Jan 2019 and Dec 2023' ('between …' when the
    caller has already given the count)."""
    if not periods:
        return ""
    first, last = periods[0], periods[-1]
    if len(periods) == 1:
        return _label(unit, first)
    steps = [_step(unit, p) for p in periods]
    if None not in steps and steps[-1] - steps[0] == len(steps) - 1:
        if unit == "month" and first.year == last.year:
            return f"{first:%b}–{last:%b %Y}"
        return f"{_label(unit, first)}–{_label(unit, last)}"
    if len(periods) == 2:
        return f"{_label(unit, first)} and {_label(unit, last)}"
    between = f"between {_label(unit, first)} and {_label(unit, last)}"
    return between if counted else f"{_count(len(periods), unit)} {between}"


def _in(unit: str, periods: list) -> str:
    return f" in {_span(unit, periods)}" if unit and periods else ""


def _period_column(table: Table) -> tuple[str, str]:
    """The key column that says when (a month or a year), and its unit; ("", "") if none."""
    types = {c.name: c.type for c in table.columns}
    for name in table.primary_key:
        if types.get(name) == "date":
            return name, "month"  # refined to "day" if the values are not firsts of months
    for name in table.primary_key:
        if types.get(name) == "integer" and name.endswith("year"):
            return name, "fiscal year" if name.startswith("fiscal") else "year"
    return "", ""


def _read_as_text(data: bytes):
    """A rendered table with every cell as the exact text written: rendering is canonical, so
    equal text means equal values, and no float or date parsing can blur a difference."""
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)


def compare_tables(table: Table, old: bytes, new: bytes) -> TableChange:
    """What writing ``new`` over ``old`` (both rendered CSV bytes) would change, matching
    rows by the table's primary key. Vectorised (one outer merge): cbp_encounters has 70k rows."""
    import pandas as pd

    new_df = _read_as_text(new)
    col, unit = _period_column(table)

    def periods(values: pd.Series) -> list:
        if not col or values.empty:
            return []
        uniq = values.drop_duplicates()
        if unit in ("month", "day"):
            # an old table edited by hand may hold a stray value: leave it out of the summary
            return sorted(pd.to_datetime(uniq, format="%Y-%m-%d", errors="coerce").dropna())
        return sorted(int(v) for v in uniq if str(v).lstrip("-").isdigit())

    old_rows = old.count(b"\n") - 1 if old else 0
    if old_rows <= 0:  # no table yet (a first fetch) or only a header: nothing can be lost
        change = TableChange(table.name, unit, 0, len(new_df), first_fetch=True, added=len(new_df))
        change.all_periods = periods(new_df[col]) if col in new_df else []
        return _refine_unit(change)
    old_df = _read_as_text(old)
    key = list(table.primary_key)
    if not (set(key) <= set(old_df.columns) and set(key) <= set(new_df.columns)):
        return TableChange(table.name, unit, len(old_df), len(new_df), comparable=False)
    values = [c for c in new_df.columns if c in old_df.columns and c not in key]
    merged = old_df[key + values].merge(
        new_df[key + values], on=key, how="outer", suffixes=("\x00old", "\x00new"), indicator=True
    )
    side = merged["_merge"]
    added = merged[side == "right_only"]
    removed = merged[side == "left_only"]
    both = merged[side == "both"]
    diff = pd.DataFrame({c: both[f"{c}\x00old"] != both[f"{c}\x00new"] for c in values}, index=both.index)
    change = TableChange(
        table.name,
        unit,
        len(old_df),
        len(new_df),
        added=len(added),
        removed=len(removed),
        revised=int(diff.to_numpy().sum()) if values else 0,
    )
    if col:
        old_p = set(old_df[col])
        new_p = set(new_df[col])
        fresh = ~added[col].isin(old_p)
        change.new_periods = periods(added.loc[fresh, col])
        change.new_period_rows = int(fresh.sum())
        change.other_added_periods = periods(added.loc[~fresh, col])
        gone = ~removed[col].isin(new_p)
        change.gone_periods = periods(removed.loc[gone, col])
        change.gone_period_rows = int(gone.sum())
        change.other_removed_periods = periods(removed.loc[~gone, col])
        if values:
            change.revised_periods = periods(both.loc[diff.any(axis=1), col])
    change.removed_examples = [
        ", ".join(f"{k}={row[k]}" for k in key) for _, row in removed.head(3).iterrows()
    ]
    return _refine_unit(change)


def _refine_unit(change: TableChange) -> TableChange:
    """A date key whose values are not all firsts of months is a day, not a month."""
    if change.unit == "month":
        seen = (
            change.all_periods
            + change.new_periods
            + change.other_added_periods
            + change.gone_periods
            + change.other_removed_periods
            + change.revised_periods
        )
        if any(p.day != 1 for p in seen):
            change.unit = "day"
    return change


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
    #: what the parser tolerated but a person should know (e.g. an unexpected extra column)
    warnings: list[str] = field(default_factory=list)
    #: table -> what this fetch changed in it (only tables whose content changed)
    changes: dict[str, TableChange] = field(default_factory=dict)


JOURNAL = "COMMIT.json"


def _roll_forward(staging: Path) -> None:
    """Finish a journalled commit: move every staged file that is still there into place."""
    journal = staging / JOURNAL
    plan = json.loads(journal.read_text(encoding="utf-8"))
    for move in plan["moves"]:
        src, dst = Path(move["from"]), Path(move["to"])
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    journal.unlink()


def _clean_stale_staging(base: Path) -> None:
    """A run killed mid-download leaves its staging folder behind: delete it. A run killed
    mid-commit leaves a journal: finish its commit first (its data had passed every check)."""
    stage_root = raw_dir(base) / ".staging"
    if stage_root.exists():
        for d in stage_root.iterdir():
            pid = d.name.rsplit("-", 2)[-2] if d.name.count("-") >= 2 else ""
            if pid.isdigit() and _pid_alive(int(pid)):
                continue
            if (d / JOURNAL).exists():
                with contextlib.suppress(OSError, ValueError, KeyError):
                    _roll_forward(d)
            shutil.rmtree(d, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _stage_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def _sentence(text: str) -> str:
    """``text`` ending with exactly one full stop (parsers' messages may or may not have one)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _suspects(fetcher: Fetcher) -> list[FileResult]:
    """The files this run brought in new: the likely cause when something looks wrong."""
    return [r for r in fetcher.results if r.status == "updated"]


def _mirror_advice(fetcher: Fetcher) -> str:
    # retrying a mirror only reads the same bad copy again; the message's address names it
    # and the publisher's URL it stands for
    if fetcher.mirror is None:
        return ""
    return (
        " If the mirror's copy (named above) is damaged, repair or replace it, or fetch from "
        "the publisher without --mirror."
    )


def _damaged_or_changed(source: Source, fetcher: Fetcher, hit: FileResult | None) -> str:
    """Advice for a file the parser refused: a damaged download and a changed layout look
    alike from here, and the first is far more common, so it comes first."""
    checked = [hit] if hit else _suspects(fetcher)
    sizes = "; ".join(fetcher.describe_copy(r) for r in checked)
    return (
        "The file may be truncated or damaged, or the publisher may have changed its layout. "
        "If it is damaged: retry the download and compare the file's size and sha256 with its "
        f"manifest entry (`migrationdata sources`){': ' + sizes if sizes else ''}."
        + _mirror_advice(fetcher)
        + f" If the file is whole but its layout changed: compare it with {source.landing_page} "
        f"and update the parser in migrationdata/sources/{source.id}.py. No processed table was "
        "written; the last good data is unchanged."
    )


def _loss_error(source: Source, fetcher: Fetcher, lost: list[TableChange], mirror: str | None) -> FetchError:
    suspects = _suspects(fetcher)
    where = "; ".join(r.fetched_from for r in suspects) or source.landing_page
    command = f"migrationdata fetch {source.id} --allow-loss" + (f" --mirror {mirror}" if mirror else "")
    if suspects:
        sizes = "; ".join(fetcher.describe_copy(r) for r in suspects)
        cause = (
            "A file cut short (at a line boundary it still parses) or an incomplete export "
            "looks exactly like this: compare the file's size and sha256 with its manifest "
            f"entry ({sizes}) and retry the download." + _mirror_advice(fetcher)
        )
    else:
        cause = (
            "No downloaded file changed, so the rows are dropped by the parser in "
            f"migrationdata/sources/{source.id}.py: check that change."
        )
    return FetchError(
        source.id,
        where,
        "expected every row already in the processed tables to be kept, but the new data would "
        "remove " + "; and ".join(c.loss() for c in lost) + ".",
        f"{cause} If the publisher really withdrew these rows, accept the loss with `{command}`. "
        "Nothing was written; the last good data is unchanged.",
    )


def fetch_source(
    source: Source,
    mirror: str | None = None,
    base: Path | None = None,
    session=None,
    progress: bool | None = None,
    allow_loss: bool = False,
) -> SourceReport:
    """Fetch, parse, validate and (only if everything passed) store one source.

    A new release that would remove rows already in a processed table is refused (a file
    cut short at a line boundary parses cleanly and would silently drop every later month)
    unless ``allow_loss`` says the publisher really withdrew them."""
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
        caught: list = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frames = source.process(paths)
                rendered = processed.render_tables(source, frames)
        except DataError as exc:
            hit = next((r for r in fetcher.results if r.name == exc.file), None)
            # a check on a whole table names no file: name this run's new files instead
            named = [hit] if hit else _suspects(fetcher)
            raise FetchError(
                source.id,
                "; ".join(r.fetched_from for r in named) or exc.file,
                "expected the layout and values the parser checks for (columns, counts, keys, months), "
                f"but the data did not pass the checks: {exc.file}: {_sentence(exc.problem)}",
                _damaged_or_changed(source, fetcher, hit)
                # the offending rows come last, after the sentence a reporter acts on
                + (f"\nOffending rows:\n{exc.rows}" if exc.rows is not None and str(exc.rows) else ""),
            ) from exc
        finally:
            # parsers warn (UserWarning) about what they tolerated; the CLI shows it to the reporter
            for w in caught:
                text = f"{w.message}"
                if issubclass(w.category, UserWarning) and text not in report.warnings:
                    report.warnings.append(text)

        # compare each new table with the one on disk before anything is written: rows that
        # would disappear stop the commit here, with the last good data untouched
        changes: dict[str, TableChange] = {}
        for table in source.tables:
            target = processed.table_path(table.name, base)
            old = target.read_bytes() if target.exists() else b""
            if old != rendered[table.name]:
                changes[table.name] = compare_tables(table, old, rendered[table.name])
        lost = [c for c in changes.values() if c.removed]
        if lost and not allow_loss:
            raise _loss_error(source, fetcher, lost, mirror)

        # everything is checked: stage the new tables and manifest beside the new raw files,
        # write the journal, then move everything into place
        manifest = read_manifest(base)
        moves: list[tuple[Path, Path]] = []
        raw_changed = False
        for r in fetcher.results:
            if r.status == "updated" or r.restore:
                moves.append((r.path, fetcher.raw_path(r.name)))
            if r.status == "updated":
                manifest.setdefault("files", {})[fetcher.key(r.name)] = r.entry
                raw_changed = True
        for name in changes:
            staged = staging / "processed" / f"{name}.csv"
            _stage_file(staged, rendered[name])
            moves.append((staged, processed.table_path(name, base)))
        if raw_changed:
            staged = staging / "manifest.json"
            _stage_file(staged, _json_bytes(manifest))
            moves.append((staged, manifest_path(base)))
        if moves:
            plan = {"source": source.id, "moves": [{"from": str(a), "to": str(b)} for a, b in moves]}
            write_bytes_atomic(staging / JOURNAL, _json_bytes(plan))
            _roll_forward(staging)
            for r in fetcher.results:
                if r.status == "updated" or r.restore:
                    r.path = fetcher.raw_path(r.name)
        processed_dir(base).mkdir(parents=True, exist_ok=True)
        processed.write_datapackage(base)
        # restoring the recorded bytes into data/raw is not news; a new file or table is
        report.status = "updated" if raw_changed or changes else "unchanged"
        report.changes = changes
        report.tables = {name: data.count(b"\n") - 1 for name, data in rendered.items()}
        report.rows = sum(report.tables.values())
    except MigrationDataError as exc:
        report.error = fetcher.redact(str(exc))
    except Exception as exc:  # a parser bug: still name the source and keep data intact
        # name what this run downloaded (the suspects), else every file the parser read
        new = [r for r in fetcher.results if r.status == "updated"] or fetcher.results
        where = "; ".join(r.fetched_from for r in new) or source.landing_page
        report.error = fetcher.redact(
            f"[{source.id}] {where}: unexpected {type(exc).__name__} while processing: {_sentence(str(exc))} "
            "What to do: the last good data is unchanged. The file may be damaged or its "
            f"layout changed in a way migrationdata/sources/{source.id}.py does not check yet; "
            "this is a bug in the project: please report it with this message."
        )
    finally:
        # interrupted (Ctrl-C) between the journal and the last move: finish the commit, whose
        # data passed every check, rather than leave tables and manifest disagreeing
        if (staging / JOURNAL).exists():
            with contextlib.suppress(OSError, ValueError, KeyError):
                _roll_forward(staging)
        shutil.rmtree(staging, ignore_errors=True)
        report.files = fetcher.results
        report.seconds = time.monotonic() - t0
    return report
