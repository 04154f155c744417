"""A loopback HTTP(S) server that serves the mirror's files and misbehaves on request.

Each URL path can be given one :class:`Fault` at a time; every other path is served
correctly (status 200, Content-Length, a plausible Content-Type). Faults are small functions
of (handler, request number, the file's true bytes), so a scenario reads like what a broken
publisher's server does.
"""

from __future__ import annotations

import http.server
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".rda": "application/octet-stream",
    ".gz": "application/gzip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
}

Fault = Callable[["Handler", int, bytes], None]


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultHTTPServer

    def log_message(self, format, *args):  # keep pytest's output clean
        pass

    # -- helpers faults use ------------------------------------------------------------

    def send(self, status: int, body: bytes = b"", headers: dict | None = None, length: int | None = None):
        self.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Type", content_type(self.path))
        headers.setdefault("Connection", "close")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.write(body)

    def write(self, data: bytes) -> bool:
        """Write and count bytes; False once the client has gone away."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            return False
        self.server.bytes_sent += len(data)
        return True

    def ok(self, body: bytes, headers: dict | None = None):
        self.send(200, body, headers)

    @property
    def stopping(self) -> threading.Event:
        return self.server.stopping

    # -- dispatch ----------------------------------------------------------------------

    def do_GET(self):
        path = urlparse(self.path).path
        self.close_connection = True
        srv = self.server
        with srv.lock:
            srv.log.append((path, dict(self.headers)))
            n = srv.counts.get(path, 0) + 1
            srv.counts[path] = n
            fault = srv.faults.get(path)
        # "/moved/..." is where a redirect scenario says the file went: same bytes
        real = path.removeprefix("/moved")
        file = srv.root / unquote(real).lstrip("/")
        body = srv.bodies.get(real)
        if body is None:
            if not file.is_file() or not file.resolve().is_relative_to(srv.root):
                self.send(404, b"not found", {"Content-Type": "text/plain"})
                return
            body = file.read_bytes()
        if fault is None:
            self.ok(body)
        else:
            fault(self, n, body)


class FaultHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, tls: ssl.SSLContext | None = None):
        super().__init__(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.root = Path(root).resolve()
        self.faults: dict[str, Fault] = {}
        self.bodies: dict[str, bytes] = {}  # modified copies of mirror files, by path
        self.counts: dict[str, int] = {}
        self.log: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.bytes_sent = 0
        self.scheme = "https" if tls else "http"

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.bodies.clear()
            self.counts.clear()
            self.log.clear()
            self.bytes_sent = 0


@dataclass
class RunningServer:
    server: FaultHTTPServer
    thread: threading.Thread = field(repr=False)

    @property
    def base(self) -> str:
        return self.server.base

    def url(self, source: str, name: str) -> str:
        from urllib.parse import quote

        return f"{self.base}/{quote(source)}/{quote(name)}"

    def path(self, source: str, name: str) -> str:
        return urlparse(self.url(source, name)).path

    def inject(self, source: str, name: str, fault: Fault) -> None:
        self.server.faults[self.path(source, name)] = fault

    def serve_body(self, source: str, name: str, body: bytes) -> None:
        self.server.bodies[self.path(source, name)] = body

    def requests_for(self, source: str, name: str) -> int:
        return self.server.counts.get(self.path(source, name), 0)

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def start(root: Path, tls: ssl.SSLContext | None = None) -> RunningServer:
    server = FaultHTTPServer(root, tls)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return RunningServer(server, thread)


def dead_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path] | None:
    """A throwaway certificate for 127.0.0.1 (made with the openssl command, never committed)."""
    cert, key = folder / "loopback.crt", folder / "loopback.key"
    try:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return cert, key


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


# ----------------------------------------------------------------------------- faults


def status_then_ok(status: int, times: int, headers: dict | None = None) -> Fault:
    """``status`` for the first ``times`` requests, then the file."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        if n <= times:
            h.send(status, b"temporarily unavailable", {"Content-Type": "text/plain", **(headers or {})})
        else:
            h.ok(body)

    return fault


def always(status: int, headers: dict | None = None, page: bytes = b"error") -> Fault:
    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send(status, page, {"Content-Type": "text/plain", **(headers or {})})

    return fault


def hang() -> Fault:
    """Accept the request and never answer."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        h.stopping.wait(30)

    return fault


def trickle(nbytes: int = 16, every: float = 0.05, started: threading.Event | None = None) -> Fault:
    """Announce the whole file, then send it a few bytes at a time (``started`` is set once
    the first bytes are out)."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type(h.path))
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        for i in range(0, len(body), nbytes):
            if h.stopping.is_set() or not h.write(body[i : i + nbytes]):
                return
            if started is not None:
                started.set()
            time.sleep(every)

    return fault


def html_page(content_type: str = "text/html; charset=utf-8") -> Fault:
    page = (
        b"<!DOCTYPE html>\n<html><head><title>Page not available</title></head>"
        b"<body><h1>We'll be back soon</h1><p>The page you requested is under maintenance.</p>"
        b"</body></html>\n"
    )

    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send(200, page, {"Content-Type": content_type})

    return fault


def empty_body() -> Fault:
    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send(200, b"")

    return fault


def truncated(fraction: float = 0.5) -> Fault:
    """Promise the whole file (Content-Length), send part of it, hang up."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send(200, body[: int(len(body) * fraction)], length=len(body))

    return fault


def replaced(make: Callable[[bytes], bytes], headers: dict | None = None) -> Fault:
    """Serve ``make(true bytes)`` instead of the file, otherwise correctly."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send(200, make(body), headers)

    return fault


def oversize(max_bytes: int, announce: bool) -> Fault:
    """A body ten times the size guard, starting with the true file's first bytes so the
    magic-byte check passes. Streamed lazily: the server stops when the client hangs up."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        total = 10 * max_bytes
        h.send_response(200)
        h.send_header("Content-Type", content_type(h.path))
        h.send_header("Connection", "close")
        if announce:
            h.send_header("Content-Length", str(total))
        else:
            h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        filler = (body * (1 + (1 << 20) // max(1, len(body))))[: 1 << 20]
        sent = 0
        while sent < total and not h.stopping.is_set():
            piece = filler[: min(len(filler), total - sent)]
            data = piece if announce else b"%x\r\n%s\r\n" % (len(piece), piece)
            if not h.write(data):
                return
            sent += len(piece)
        if not announce:
            h.write(b"0\r\n\r\n")

    return fault


def redirect(to: Callable[[Handler], str], status: int = 302) -> Fault:
    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send(status, b"", {"Location": to(h), "Content-Type": "text/plain"})

    return fault


def gzip_on_the_fly() -> Fault:
    """A server that compresses the response as it sends it (Content-Encoding: gzip, chunked),
    as web servers do for text, and misconfigured ones for files already compressed."""

    def fault(h: Handler, n: int, body: bytes) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type(h.path))
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        z = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip wrapper
        step = 1 << 20

        def chunk(piece: bytes) -> bool:
            return not piece or h.write(b"%x\r\n%s\r\n" % (len(piece), piece))

        for i in range(0, len(body), step):
            if not chunk(z.compress(body[i : i + step])):
                return
        if not chunk(z.flush()):
            return
        h.write(b"0\r\n\r\n")

    return fault
