"""Every page of the built book in real headless Chromium, served on 127.0.0.1 with no network.

Each chart must be drawn (an SVG or canvas of marks inside its container), the console must
stay free of errors, and no request may leave 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.built

HTML = ROOT / "_build" / "html"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHARTS_DRAWN = """() => [...document.querySelectorAll('[id^="altair-viz-"]')]
    .every(el => el.querySelector('svg.marks, canvas.marks'))"""


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pages() -> list[str]:
    found = sorted(p for p in HTML.rglob("*.html") if not {"_static", "_sources"} & set(p.parts))
    return [p.relative_to(HTML).as_posix() for p in found]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        reason = "Chromium is not installed (Debian package 'chromium'; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("page_path", pages())
def test_page_renders_offline_without_errors(browser, server, page_path):
    context = browser.new_context()
    page = context.new_page()
    problems, outside = [], []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("response", lambda resp: problems.append(f"HTTP {resp.status}: {resp.url}")
            if resp.status >= 400 else None)
    page.goto(f"{server}/{page_path}", wait_until="load")
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    charts = page.locator('[id^="altair-viz-"]').count()
    if 'class="book-chart"' in (HTML / page_path).read_text(encoding="utf-8"):
        assert charts > 0
    context.close()
    assert outside == [], "requests to other hosts"
    assert problems == []
