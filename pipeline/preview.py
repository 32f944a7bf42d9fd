"""`make preview`: the book on http://127.0.0.1:PORT, rebuilt when a file is saved, the open
page reloaded when the rebuild is done.

sphinx-autobuild, the ecosystem's tool, provides the watcher and the reload socket
(`sphinx_autobuild.server.RebuildServer`); its command line is not used as it stands, because:
- the book is not built by `sphinx-build` alone: a chapter's text source (`chapters/*.md`)
  must first reach its executed notebook, executing it only when its code or inputs changed
  (`pipeline.build.update_notebooks`, the same step as `make book`);
- its reload snippet is an inline script, which the book's Content-Security-Policy blocks; the
  preview adds a same-origin script instead, served at RELOAD_SCRIPT and never written into
  the book.

Each rebuild runs in a process forked from this one (RebuildServer's pool), which has Sphinx,
Jupyter Book and the book's extension already imported and its objects frozen for the garbage
collector; Sphinx keeps its environment in `_build/preview/`: a prose edit re-reads one page. The preview is never strict (a warning is
printed, the page still shows) and never touches `_build/html`, the published book.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline import notebooks

ROOT = notebooks.ROOT
PREVIEW_DIR = ROOT / "_build" / "preview"
HTML_DIR = PREVIEW_DIR / "html"
RELOAD_SCRIPT = "/_preview/reload.js"
RELOAD_SOCKET = "/websocket-reload"  # the path RebuildServer is mounted on
RELOAD_JS = (
    "// make preview: reload this page when the book has been rebuilt.\n"
    "(() => {\n"
    "  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';\n"
    f"  const socket = new WebSocket(scheme + location.host + '{RELOAD_SOCKET}');\n"
    "  socket.onmessage = () => location.reload();\n"
    "})();\n"
)
# Written by the build itself (executed notebooks, the build's output and caches) or by tools
# (editors' backups and swap files): a change there is not an author's edit.
IGNORED = [rf".*/{re.escape(folder)}/.*" for folder in sorted(notebooks.NOT_BOOK_FOLDERS)] + [
    r".*/chapters/[^/]*\.ipynb", r".*~$", r".*\.sw.$"]


def rebuild(changed_paths: Sequence[Path] = ()) -> bool:
    """Bring the chapters up to date, then build the HTML preview incrementally; True on success."""
    from pipeline import build

    started = time.perf_counter()
    if changed_paths:
        print("changed: " + ", ".join(build.display_path(Path(p)) for p in changed_paths[:5]), flush=True)
    with build.one_build_at_a_time():
        outcomes = build.update_notebooks(chapters_to_check(changed_paths))
        failed = [o for o in outcomes if o.action == "failed"]
        for outcome in failed:
            print(outcome.line(), file=sys.stderr, flush=True)
        ok = build_pages() and not failed
    print(f"preview {'rebuilt' if ok else 'rebuilt with errors'} in {time.perf_counter() - started:.1f} s",
          flush=True)
    return ok


def chapters_to_check(changed_paths: Sequence[Path]) -> list[Path]:
    """The chapters a change may have put out of date: only the edited ones when nothing but
    chapter text sources changed, otherwise all (a table, a module or the bibliography may be
    read by any chapter; pipeline.build decides by fingerprint which to execute)."""
    sources = notebooks.chapter_sources()
    changed = {Path(p).resolve() for p in changed_paths}
    if changed and changed <= {s.resolve() for s in sources}:
        return [s for s in sources if s.resolve() in changed]
    return sources


def build_pages() -> bool:
    """Sphinx's incremental HTML build of the book into HTML_DIR, warnings printed, not fatal."""
    from jupyter_book.sphinx import build_sphinx

    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        # As `jupyter-book build -n` calls it (pipeline.build), without -W.
        result = build_sphinx(ROOT, HTML_DIR, noconfig=True, path_config=str(ROOT / "_config.yml"),
                              confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(),
                                             "latex_individualpages": False, "nitpicky": True,
                                             "book_pdf": False},  # printed by make book, not on every save
                              doctreedir=PREVIEW_DIR / ".doctrees", keep_going=True, quiet=True)
    for line in log.getvalue().splitlines():
        if "WARNING" in line or "ERROR" in line:
            print(f"  {line}", flush=True)
    if isinstance(result, BaseException) or result:
        print(f"  the HTML build failed: {result}", file=sys.stderr, flush=True)
        return False
    return True


class ReloadScriptInjector:
    """ASGI middleware: every HTML page served gets `<script src=RELOAD_SCRIPT>` before </body>."""

    TAG = f'<script src="{RELOAD_SCRIPT}"></script>'.encode()

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        html = False
        body = bytearray()
        start = None

        async def wrapped(message) -> None:
            nonlocal html, start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                html = headers.get(b"content-type", b"").startswith(b"text/html")
                if not html:
                    await send(message)
                else:
                    start = message
                return
            if not html:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            page = bytes(body).replace(b"</body>", self.TAG + b"</body>", 1)
            headers = [(k, v) for k, v in start["headers"] if k not in (b"content-length", b"etag")]
            await send({**start, "headers": headers + [(b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, wrapped)


def create_app(html_dir: Path = HTML_DIR, root: Path = ROOT, on_change=rebuild):
    """The preview's web application: the pages, the reload script, and the reload socket that
    fires after `on_change(changed_paths)` (run in a forked process) for each change under `root`."""
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    watcher = RebuildServer([root], IgnoreFilter([], IGNORED), change_callback=on_change)

    async def reload_script(_request):
        return Response(RELOAD_JS, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    html_dir.mkdir(parents=True, exist_ok=True)
    return Starlette(
        routes=[Route(RELOAD_SCRIPT, reload_script), WebSocketRoute(RELOAD_SOCKET, watcher),
                Mount("/", app=StaticFiles(directory=html_dir, html=True))],
        middleware=[Middleware(ReloadScriptInjector)],
        lifespan=watcher.lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    import uvicorn

    # Imported here, once: each rebuild is forked from this process with them loaded.
    import jupyter_book.sphinx  # noqa: F401
    import myst_nb  # noqa: F401
    import sphinx.application  # noqa: F401

    rebuild()
    # Each rebuild is a fork of this process: frozen, its objects are never scanned by the
    # child's garbage collector, which would otherwise copy most of this process's memory page by
    # page (a prose edit took 2.3-2.9 s to rebuild without this, 1.7-1.9 s with it).
    gc.collect()
    gc.freeze()
    print(f"preview on http://127.0.0.1:{args.port}/ (Ctrl+C stops it); the published book in "
          "_build/html is not touched", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(create_app(), host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
