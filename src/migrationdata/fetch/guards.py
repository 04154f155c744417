"""Guards on what comes from the network: https only, credentials hidden, HTML error pages
and wrong file types recognised, archives that cannot escape their folder."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, quote, urlencode, urlparse, urlunparse

from migrationdata.errors import DataError, FetchError

CHUNK = 64 * 1024  # bytes read or written at a time


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


def check_name(source: str, name: str, url: str) -> str:
    """A file name from the network (a landing page's link) as a plain base name, or a refusal:
    a name that is a path (``../``, ``/``, a drive letter), hidden, or holds control characters
    could write outside ``data/raw/<source>/``."""
    bad = (
        not name
        or name in (".", "..")
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
        or len(name.encode("utf-8")) > 255
    )
    if bad:
        raise FetchError(
            source,
            redact_url(url),
            f"expected a plain file name for the download, but the link gives {name!r}, which is a "
            "path or a hidden or malformed name (it could write outside data/raw). Refused.",
            f"Check the link on the publisher's page by hand; if it is genuine, declare the file "
            f"with a plain name in migrationdata/sources/{source}.py. The last good data is unchanged.",
        )
    return name


def check_staging(source: str, folder: Path, base: Path) -> None:
    """The staging folder must be a real folder inside the data folder: a symbolic link there
    would let a refresh write, or delete, files anywhere."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        what = "a symbolic link" if folder.is_symlink() else "not a folder"
        raise FetchError(
            source,
            str(folder),
            f"expected the staging folder to be a real folder inside the data folder, but it is {what}. "
            "Refused: a refresh writes and deletes files there.",
            f"Remove it (`rm {folder}`; the project creates it again as a real folder) and fetch "
            "again. The last good data is unchanged.",
        )
    if folder.exists() and not folder.resolve().is_relative_to(Path(base).resolve()):
        raise FetchError(
            source,
            str(folder),
            f"expected the staging folder inside the data folder {base}, but it resolves to "
            f"{folder.resolve()}. Refused.",
            "Make data/raw a real folder inside the data folder, then fetch again. The last good data "
            "is unchanged.",
        )


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


def check_unpacked(path: Path, kind: str, limit: int) -> None:
    """Refuse a compressed file (gzip, R data, zip, Excel) that unpacks to more than ``limit``
    bytes, by streaming it: memory stays at one block whatever the file holds (a few kilobytes
    of zeros can unpack to gigabytes)."""
    import bz2
    import gzip
    import lzma
    import zipfile
    import zlib

    name = Path(path).name
    if kind in ("xlsx", "zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                # a member is never read past its declared size, so the sum is the bound
                total = sum(i.file_size for i in zf.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise DataError(
                name, f"not a readable zip archive ({exc}); it may be damaged or truncated"
            ) from None
        if total > limit:
            raise DataError(
                name,
                f"the archive unpacks to {total:,} bytes, over the size guard of {limit:,} bytes "
                "(a compression bomb, or not the expected file)",
            )
        return
    if kind not in ("gzip", "rda"):
        return
    with open(path, "rb") as fh:
        head = fh.read(6)
    if head[:2] == b"\x1f\x8b":
        opener, what = gzip.open, "gzip"
    elif head[:3] == b"BZh":
        opener, what = bz2.open, "bzip2"
    elif head[:6] == b"\xfd7zXZ\x00":
        opener, what = lzma.open, "xz"
    else:
        return  # not compressed: its size was checked as it arrived
    size = 0
    try:
        with opener(path, "rb") as fh:
            while chunk := fh.read(CHUNK * 16):
                size += len(chunk)
                if size > limit:
                    raise DataError(
                        name,
                        f"the {what}-compressed file unpacks to more than {limit:,} bytes, over the "
                        "size guard (a compression bomb, or not the expected file); stopped reading",
                    )
    except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise DataError(name, f"not a readable {what} file ({exc}); it may be damaged or truncated") from None


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
