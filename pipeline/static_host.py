"""The built book served as a static host serves it, on 127.0.0.1, for the reader benchmark.

Unlike `http.server`, it compresses text (gzip, or the `.gz` copy next to a file when there is
one), and sends cache headers: pages are revalidated on each visit (`no-cache`, with an ETag, so
an unchanged page costs a 304), the theme's and the book's assets are kept for a year, as a host
does for files whose address changes when they do (Sphinx adds `?v=<digest>` to each).
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline import local_browser

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain", "application/xml", "text/csv"}
YEAR = 31_536_000


def cache_control(path: str) -> str:
    """Pages are revalidated; everything else is immutable for a year."""
    return "no-cache" if path.endswith(".html") or path.endswith("/") else f"public, max-age={YEAR}, immutable"


class StaticHostHandler(http.server.BaseHTTPRequestHandler):
    root: Path
    served: list  # (path, status) of every request answered, for the benchmark's second visits

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        root = self.root.resolve()
        target = (root / relative_path(self.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents or not target.is_file():
            self.send_error(404)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.served.append((relative_path(self.path), 304))
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", cache_control(target.name))
            self.end_headers()
            return
        encoding = None
        if kind in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            ready = target.with_name(target.name + ".gz")
            data = ready.read_bytes() if ready.is_file() else gzip.compress(data, compresslevel=9, mtime=0)
            encoding = "gzip"
        self.served.append((relative_path(self.path), 200))
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache_control(target.name))
        self.send_header("ETag", etag)
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if body:
            self.wfile.write(data)


def relative_path(address: str) -> str:
    return unquote(urlsplit(address).path).lstrip("/")


def serve(directory: Path, port: int = 0, served: list | None = None):
    """Serve a folder as a static host would; a context manager yielding the base URL. `served`,
    if given, receives (path, status) for every file answered."""
    handler = type("Handler", (StaticHostHandler,), {"root": Path(directory), "served": [] if served is None else served})
    return local_browser.serving(handler, port)
