"""Pages that do not make a reader on a phone wait for what they do not use.

After Sphinx has written the pages (and before the page policy hashes their scripts), `write_all`
rewrites each page's head:
- the search library and index that the theme loads on every page for a search-as-you-type box
  the book does not enable are kept on the search page only (the index alone is 60 KB);
- the files of extensions the book does not use (sphinx-design's tabs and styles, Thebe) go;
- every other script file but `documentation_options.js`, which the theme's inline scripts read
  as the page is parsed, is deferred: the text is laid out and painted without waiting for them,
  and they still run in their order, before the document's DOMContentLoaded event.
"""

from __future__ import annotations

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


def lighten(page: str, name: str) -> str:
    """The page's markup with the rewrites above; `name` is its path in the book ('search.html')."""
    def script(match: re.Match) -> str:
        src, attrs = match.group("src"), match.group("attrs") + match.group("rest")
        if _names(src, UNUSED) or (_names(src, SEARCH_ONLY) and name != "search.html"):
            return ""
        if _names(src, READ_WHILE_PARSING) or re.search(r"\b(defer|async)\b", attrs):
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
    """Lighten every page of the built book; the number of pages."""
    return page_policy.rewrite_pages(outdir, lighten)
