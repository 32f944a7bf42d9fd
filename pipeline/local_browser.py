"""The built book served on 127.0.0.1 and a headless Chromium to open it: shared by the
browser tests and the benchmark's first-visit weights."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import socket
import threading
from pathlib import Path

# Chromium with nothing of its own to fetch: every request it makes comes from the page.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(handler, port: int = 0):
    """Run an HTTP request handler on 127.0.0.1 (a free port unless given); yields the base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def serve(directory: Path):
    """Serve a folder as `http.server` does; a context manager yielding the base URL."""
    return serving(functools.partial(_QuietHandler, directory=str(directory)))


# Charts are drawn as they near the screen (_static/book-charts.js): this draws them all, and is
# true once every one is drawn.
ALL_CHARTS_DRAWN = """() => { if (window.bookCharts) { window.bookCharts.drawAll(); }
    return [...document.querySelectorAll('figure.book-chart')].every(f => f.bookChart); }"""


def draw_all_charts(page, timeout: float = 15_000) -> None:
    """Draw every chart of an open page and wait until each is drawn."""
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=timeout, polling=50)


@contextlib.contextmanager
def chromium():
    """A headless Chromium launched through Playwright with CHROMIUM_FLAGS."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
