"""Pages that do not make a reader on a phone wait for what they do not use.

After Sphinx has written the pages (and before the page policy hashes their scripts), `write_all`
rewrites each page's head:
- the search library and index that the theme loads on every page for a search-as-you-type box
  the book does not enable are kept on the search page only (the index alone is 60 KB);
- the files of extensions the book does not use (sphinx-design's tabs and styles, Thebe) go;
- `documentation_options.js`, which the theme's inline scripts read as the page is parsed, is
  written into the page (a dozen settings): one request fewer before the first paint;
- every other script file is deferred: the text is laid out and painted without waiting for
  them, and they still run in their order, before the document's DOMContentLoaded event.

Then `combine_stylesheets` joins the style sheets a page links (eight, each a request that holds
back the first paint) into one file in `_static/`, named by its content, in the same order, with
their `@import`s inlined and their relative `url()`s rewritten for the new place. Last of all
(after the page policy), `precompress` writes a `.gz` copy beside every text file, for hosts that
serve a precompressed file instead of compressing on each request.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

from pipeline import page_policy

SEARCH_ONLY = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
UNUSED = ("_static/design-tabs.js", "_static/sphinx-design.min.css", "_static/sphinx-thebe.js",
          "_static/sphinx-thebe.css")
READ_WHILE_PARSING = ("_static/documentation_options.js",)
SCRIPT_FILE = re.compile(r'<script(?P<attrs>[^>]*?)\ssrc="(?P<src>[^"]+)"(?P<rest>[^>]*)></script>\n?')
STYLESHEET = re.compile(r'<link[^>]*?href="(?P<href>[^"]+)"[^>]*>\n?')


def _names(address: str, files: tuple[str, ...]) -> bool:
    path = address.split("?", 1)[0]
    return any(path == name or path.endswith("/" + name) for name in files)


def lighten(page: str, name: str, read=None) -> str:
    """The page's markup with the rewrites above; `name` is its path in the book ('search.html'),
    `read(address)` the text of a file the page links (for the script written into the page)."""
    def script(match: re.Match) -> str:
        src, attrs = match.group("src"), match.group("attrs") + match.group("rest")
        if _names(src, UNUSED) or (_names(src, SEARCH_ONLY) and name != "search.html"):
            return ""
        if _names(src, READ_WHILE_PARSING):
            return f"<script>{read(src.split('?', 1)[0]).strip()}</script>\n" if read else match.group(0)
        if re.search(r"\b(defer|async)\b", attrs):
            return match.group(0)
        return f'<script{match.group("attrs")} defer="defer" src="{src}"{match.group("rest")}></script>\n'

    def stylesheet(match: re.Match) -> str:
        return "" if "stylesheet" in match.group(0) and _names(match.group("href"), UNUSED) else match.group(0)

    head_end = page.find("</head>")
    if head_end < 0:
        return page
    head = STYLESHEET.sub(stylesheet, SCRIPT_FILE.sub(script, page[:head_end]))
    return head + page[head_end:]


def write_all(outdir: Path) -> int:
    """Lighten every page of the built book and give it one style sheet; the number of pages."""
    def lighten_page(page: str, name: str) -> str:
        folder = (outdir / name).parent
        return lighten(page, name, lambda address: (folder / address).read_text(encoding="utf-8"))

    count = page_policy.rewrite_pages(outdir, lighten_page)
    combine_stylesheets(outdir)
    return count


LINKED_STYLESHEET = re.compile(r'[ \t]*<link(?=[^>]*\brel="stylesheet")[^>]*?\bhref="(?P<href>[^"]+)"[^>]*>\n?')
IMPORT = re.compile(r'@import\s+(?:url\()?["\']?(?P<href>[^"\')]+)["\']?\)?\s*;')
URL = re.compile(r'url\((?P<quote>["\']?)(?P<href>[^"\')]+)(?P=quote)\)')
CHARSET = re.compile(r'@charset\s+"[^"]*"\s*;')
COMBINED_PREFIX = "book-styles-"


def _stylesheet_text(path: Path, into: Path, seen: set[Path] | None = None) -> str:
    """A style sheet's text with its @imports inlined and its relative url()s made relative to
    the folder `into` that the combined file will sit in."""
    seen = set() if seen is None else seen
    if path in seen:
        return ""
    seen.add(path)
    imported: list[str] = []

    def inline(match: re.Match) -> str:
        # Inlined after this file's own url()s are moved: an imported sheet moves its own.
        imported.append(_stylesheet_text((path.parent / match.group("href")).resolve(), into, seen))
        return f"\0import{len(imported) - 1}\0"

    # @charset is valid only at the very start of a file: the combined file declares it once.
    text = IMPORT.sub(inline, CHARSET.sub("", path.read_text(encoding="utf-8")))

    def moved(match: re.Match) -> str:
        href = match.group("href")
        if re.match(r"[a-z][a-z0-9+.-]*:|/|#", href, re.I):
            return match.group(0)
        address, _, rest = href.partition("?")
        target = os.path.relpath((path.parent / address).resolve(), into)
        return f'url({match.group("quote")}{Path(target).as_posix()}{"?" + rest if rest else ""}{match.group("quote")})'

    return re.sub(r"\0import(\d+)\0", lambda m: imported[int(m.group(1))], URL.sub(moved, text))


def combined_css(outdir: Path, files: list[Path]) -> tuple[Path, str]:
    """Where the style sheet holding `files` in order goes (`_static/`, named by its content),
    and its text."""
    outdir = outdir.resolve()
    static = outdir / "_static"
    text = '@charset "UTF-8";\n' + "".join(f"/* {f.relative_to(outdir).as_posix()} */\n{_stylesheet_text(f, static)}\n"
                                           for f in files)
    return static / f"{COMBINED_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]}.css", text


def combined_stylesheet(outdir: Path, files: list[Path]) -> Path:
    """The combined style sheet of `files`, written if it is not there yet."""
    target, text = combined_css(outdir, files)
    if not target.exists():
        target.write_text(text, encoding="utf-8")
    return target


def combine_stylesheets(outdir: Path) -> int:
    """Give every page one style sheet in place of those its head links; the number of pages.

    The combined link keeps the list it stands for (`data-combines`), so a page Sphinx does not
    rewrite in an incremental build is given the combination of the style sheets as they are
    now, never an older one. Combined files no page links any more are removed.
    """
    used: set[str] = set()

    def combine(page: str, name: str) -> str:
        head_end = page.find("</head>")
        links = [m for m in LINKED_STYLESHEET.finditer(page, 0, head_end)
                 if not re.search(r'\bmedia="(?!all|screen)', m.group(0))]
        hrefs = []
        for match in links:
            combines = re.search(r'\bdata-combines="([^"]*)"', match.group(0))
            hrefs += combines.group(1).split() if combines else [match.group("href").split("?", 1)[0]]
        folder = (outdir / name).parent
        files = [(folder / href).resolve() for href in hrefs]
        if len(files) < 2 or not all(f.is_file() for f in files):
            return page
        combined = combined_stylesheet(outdir, files)
        used.add(combined.name)
        link = (f'<link rel="stylesheet" href="{Path(os.path.relpath(combined, folder.resolve())).as_posix()}" '
                f'data-combines="{" ".join(hrefs)}" />\n')
        head = page[:head_end]
        for match in reversed(links[1:]):
            head = head[:match.start()] + head[match.end():]
        head = head[:links[0].start()] + link + head[links[0].end():]
        return head + page[head_end:]

    count = page_policy.rewrite_pages(outdir, combine)
    for stale in (outdir / "_static").glob(f"{COMBINED_PREFIX}*.css"):
        if stale.name not in used:
            stale.unlink()
    return count


PRECOMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".csv", ".txt", ".xml"}


def precompress(outdir: Path) -> int:
    """Write `name.gz` beside every text file of the built book that changed since its copy was
    made (byte-stable: no time stamp, no name inside); stale copies go. The number written."""
    written = 0
    for gz in outdir.rglob("*.gz"):
        if not gz.with_suffix("").is_file():
            gz.unlink()
    for path in sorted(outdir.rglob("*")):
        if path.suffix not in PRECOMPRESSED or not path.is_file():
            continue
        target = path.with_name(path.name + ".gz")
        if not target.exists() or target.stat().st_mtime_ns < path.stat().st_mtime_ns:
            target.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
            written += 1
    return written
