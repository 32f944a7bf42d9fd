"""A Content-Security-Policy on every page: only the book's own files, and the inline scripts the
theme and Sphinx are known to write, may run.

After Sphinx has written the pages, `write_all` puts a `<meta http-equiv="Content-Security-Policy">`
at the top of each page's head (a static host needs no server header for it). Scripts and styles
come from the book's own files ('self'); the few inline scripts and event handlers of the theme and
of Sphinx are allowed by the SHA-256 of their exact text, and only if they are among those the book
knows (KNOWN_SCRIPTS, KNOWN_HANDLERS): any other inline script or handler on a page stops the build,
naming the page. Chart specifications are JSON data in `<script type="application/json">`, which
browsers never run. Nothing may be fetched from another host (connect-src 'self'), no plugin or
frame may load.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

META_ID = "book-page-policy"
# The inline scripts the theme (pydata-sphinx-theme, sphinx-book-theme), Sphinx, sphinx-togglebutton
# and sphinx-thebe write into pages: matched whole, after trimming spaces.
KNOWN_SCRIPTS = [re.compile(p, re.S) for p in (
    r'document\.documentElement\.dataset\.mode = localStorage\.getItem\("mode"\) \|\| "auto";\s*'
    r'document\.documentElement\.dataset\.theme = localStorage\.getItem\("theme"\) \|\| "auto";',
    r"let toggleHintShow = '(Click to show|Cliquez pour afficher)';",  # English and French editions
    r"let toggleHintHide = '(Click to hide|Cliquez pour masquer)';",
    r"let toggleOpenOnPrint = 'true';",
    r"var togglebuttonSelector = '\.toggle, \.admonition\.dropdown';",
    r'const THEBE_JS_URL = "[^"]*"; const thebe_selector = "[^"]*"; const thebe_selector_input = "[^"]*"; '
    r'const thebe_selector_output = "[^"]*"',
    r"DOCUMENTATION_OPTIONS\.pagename = '[a-z0-9_/-]+';",
    # Sphinx's documentation_options.js, which pipeline.page_speed writes into each page.
    r"const DOCUMENTATION_OPTIONS = \{(?:\s*[A-Z_]+: (?:'[^'<\\]*'|true|false),)*\s*\};",
    r"DOCUMENTATION_OPTIONS\.search_as_you_type = (?:true|false);",
    r"kernelName = '[a-z0-9]+'",
    r'// Activate the search field on page load\s*let searchInput = document\.querySelector\("form\.bd-search input"\);'
    r'\s*if \(searchInput\) \{\s*searchInput\.focus\(\);\s*searchInput\.select\(\);'
    r'\s*console\.log\("\[PST\]: Set focus on search field\."\);\s*\}',
)]
KNOWN_HANDLERS = {"window.print()", "toggleFullScreen()"}  # the toolbar's print and full-screen buttons
# The style attributes Sphinx writes into the general index (genindex.html), allowed by hash.
KNOWN_STYLE_ATTRIBUTES = {"width: 100%", "width: 33%; vertical-align: top;"}
EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}

SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
STYLE = re.compile(r"<style[^>]*>(?P<body>.*?)</style>", re.S)
STYLE_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^>]*?\sstyle=(?:"([^"]*)"|'([^']*)')""")
HANDLER = re.compile(r"""\s(on[a-z]+)=(?:"([^"]*)"|'([^']*)')""")
TYPE = re.compile(r"""\btype=["']([^"']*)["']""")
HEAD_START = re.compile(r"<head[^>]*>\s*(<meta charset=[^>]*>)?", re.I)
OLD_META = re.compile(rf'\n?<meta id="{META_ID}"[^>]*>\n?')


class PagePolicyError(RuntimeError):
    """A page holds an inline script, handler or style attribute the book does not know."""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_scripts(page: str) -> list[str]:
    """The exact text of every inline script a browser would run."""
    found = []
    for match in SCRIPT.finditer(page):
        kind = TYPE.search(match.group("attrs"))
        if "src=" not in match.group("attrs") and (kind.group(1) if kind else "") in EXECUTABLE:
            found.append(match.group("body"))
    return found


def handlers(page: str) -> list[str]:
    """The code of every event-handler attribute (onclick=...), as the browser decodes it."""
    tags = re.findall(r"<[a-zA-Z][^>]*>", SCRIPT.sub("", page))
    return [html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for tag in tags for m in HANDLER.finditer(tag)]


def style_attributes(page: str) -> list[str]:
    """The value of every style attribute of the page's elements, as the browser decodes it."""
    return [html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
            for m in STYLE_ATTRIBUTE.finditer(SCRIPT.sub("", page))]


def policy(page: str, where: str = "page") -> str:
    """The page's Content-Security-Policy; PagePolicyError for an inline script or handler the
    book does not know."""
    scripts = inline_scripts(page)
    unknown = [s.strip()[:80] for s in scripts if not any(p.fullmatch(s.strip()) for p in KNOWN_SCRIPTS)]
    unknown += [f"on...={h}" for h in handlers(page) if h not in KNOWN_HANDLERS]
    unknown += [f"style={s}" for s in style_attributes(page) if s not in KNOWN_STYLE_ATTRIBUTES]
    if unknown:
        raise PagePolicyError(f"{where}: inline script(s) the book does not know, which its page policy "
                              f"would block: {unknown}")
    script_hashes = sorted({_hash(s) for s in scripts} | {_hash(h) for h in handlers(page)})
    style_hashes = sorted({_hash(m.group("body")) for m in STYLE.finditer(page)})
    attribute_hashes = sorted({_hash(s) for s in style_attributes(page)})
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' 'unsafe-hashes' 'report-sample' " + " ".join(script_hashes),
        "style-src 'self' " + " ".join(style_hashes + (["'unsafe-hashes'"] + attribute_hashes if attribute_hashes else [])),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ])


def apply(page: str, where: str = "page") -> str:
    """The page with its policy as the first element of its head (replacing an earlier one)."""
    page = OLD_META.sub("", page)
    meta = f'<meta id="{META_ID}" http-equiv="Content-Security-Policy" content="{html.escape(policy(page, where))}">\n'
    match = HEAD_START.search(page)
    if not match:  # a bare redirect page: the policy goes first
        return meta + page
    return page[:match.end()] + "\n" + meta + page[match.end():]


def rewrite_pages(outdir: Path, rewrite) -> int:
    """Apply `rewrite(markup, path in the book)` to every page of the built book, writing back
    only what changed; the number of pages."""
    pages = [p for p in sorted(outdir.rglob("*.html")) if "_static" not in p.parts]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        updated = rewrite(text, page.relative_to(outdir).as_posix())
        if updated != text:
            page.write_text(updated, encoding="utf-8")
    return len(pages)


def write_all(outdir: Path) -> int:
    """Give every page of the built book its policy; the number of pages."""
    return rewrite_pages(outdir, apply)
