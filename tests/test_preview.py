"""`make preview` (pipeline.preview): what a rebuild looks at, the reload script put into each
page, and, in Chromium, a page of the built book reloading by itself under its own
Content-Security-Policy when a file is saved."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path

import pytest

from pipeline import notebooks, preview
from tests.conftest import HTML


def _asgi_get(app, path: str) -> tuple[dict, bytes]:
    """Call an ASGI app with one GET; its response headers and body."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [], "scheme": "http", "server": ("127.0.0.1", 80), "root_path": "", "http_version": "1.1"}
    asyncio.run(app(scope, receive, send))
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


def _static_app(files: dict[str, tuple[str, bytes]]):
    """An ASGI app answering each path with its (content type, body), in two body messages."""
    async def app(scope, receive, send):
        kind, body = files[scope["path"]]
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode()),
                                (b"etag", b'"x"')]})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})
    return app


def test_every_page_gets_the_reload_script_and_nothing_else_changes():
    page = b"<html><head></head><body><p>text</p></body></html>"
    style = b"body { color: black } /* </body> */"
    app = preview.ReloadScriptInjector(_static_app({"/a.html": ("text/html; charset=utf-8", page),
                                                    "/b.css": ("text/css", style)}))
    headers, body = _asgi_get(app, "/a.html")
    assert body == page.replace(b"</body>", b'<script src="/_preview/reload.js"></script></body>')
    assert headers["content-length"] == str(len(body))
    assert "etag" not in headers, "the page served differs from the file: its ETag would lie"
    headers, body = _asgi_get(app, "/b.css")
    assert body == style and headers["content-length"] == str(len(style))


def test_a_prose_edit_checks_only_its_chapter_and_any_other_change_checks_all():
    sources = notebooks.chapter_sources()
    assert preview.chapters_to_check([sources[1]]) == [sources[1]]
    assert preview.chapters_to_check([sources[2], sources[0]]) == [sources[0], sources[2]]
    for other in (notebooks.ROOT / "data" / "labour_force.csv", notebooks.ROOT / "analyses" / "charts.py",
                  notebooks.ROOT / "references.bib"):
        assert preview.chapters_to_check([sources[0], other]) == sources
    assert preview.chapters_to_check([]) == sources  # the first build


@pytest.mark.parametrize("path, ignored", [
    ("chapters/01-workforce.md", False), ("intro.md", False), ("data/hourly_pay.csv", False),
    ("analyses/charts.py", False), ("_static/book.css", False),
    ("chapters/01-workforce.ipynb", True), ("_build/preview/html/intro.html", True), (".git/index", True),
    ("analyses/__pycache__/charts.cpython-311.pyc", True), ("chapters/.01-workforce.md.swp", True)])
def test_the_watcher_ignores_what_the_build_writes_itself(path, ignored):
    from sphinx_autobuild.filter import IgnoreFilter

    assert IgnoreFilter([], preview.IGNORED)(str(notebooks.ROOT / path)) is ignored


def record_rebuild(changed_paths) -> None:
    """A stand-in for the rebuild: says which files it was given (runs in a forked process)."""
    for path in changed_paths:
        if path.suffix == ".md":
            (path.parent / "rebuilt.txt").write_text(path.name, encoding="utf-8")


@pytest.mark.browser
def test_a_saved_file_reloads_the_open_page_under_its_page_policy(tmp_path):
    """The page keeps its Content-Security-Policy: the reload script and its socket are the
    page's own host, so the policy lets them run, and a save reloads the page."""
    import uvicorn

    from pipeline.local_browser import chromium, chromium_path, free_port

    if chromium_path() is None or not (HTML / "chapters" / "04-regulation.html").exists():
        pytest.skip("needs Chromium and the built book")
    site, watched = tmp_path / "html", tmp_path / "book"
    shutil.copytree(HTML, site)
    watched.mkdir()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(preview.create_app(site, watched, on_change=record_rebuild),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        with chromium() as browser:
            page = browser.new_page()
            violations = []
            page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
            page.goto(f"http://127.0.0.1:{port}/chapters/04-regulation.html", wait_until="load")
            assert 'http-equiv="Content-Security-Policy"' in page.content()
            page.evaluate("() => { window.__beforeSave = true; }")
            page.wait_for_timeout(500)  # the socket opens
            (watched / "chapter.md").write_text("A sentence.\n", encoding="utf-8")
            page.wait_for_function("() => window.__beforeSave === undefined", timeout=15_000, polling=50)
            page.wait_for_load_state("load")
            assert (watched / "rebuilt.txt").read_text(encoding="utf-8") == "chapter.md"
            assert violations == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)
