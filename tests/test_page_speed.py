"""What the pages load, and how the benchmark's static host serves them."""

from __future__ import annotations

import gzip
import os
import urllib.error
import urllib.request

from pipeline import page_policy, page_speed, static_host

HEAD = """<html><head>
<link rel="stylesheet" type="text/css" href="../_static/sphinx-design.min.css?v=1" />
<link rel="stylesheet" type="text/css" href="../_static/book.css?v=2" />
<script src="../_static/documentation_options.js?v=3"></script>
<script>DOCUMENTATION_OPTIONS.pagename = 'chapters/01-workforce';</script>
<script src="../_static/doctools.js?v=4"></script>
<script async="async" src="../_static/sphinx-thebe.js?v=5"></script>
<script data-vega-bundle="vega-bundle.js?v=6" defer="defer" src="../_static/book-charts.js?v=7"></script>
<script src="../_static/searchtools.js"></script>
<script src="../_static/language_data.js"></script>
<script src="../searchindex.js"></script>
</head><body><script src="../_static/late.js"></script></body></html>"""


def test_pages_keep_the_search_index_for_the_search_page_and_defer_what_can_wait():
    page = page_speed.lighten(HEAD, "chapters/01-workforce.html")
    assert "searchindex.js" not in page and "searchtools.js" not in page and "language_data.js" not in page
    assert "sphinx-design" not in page and "sphinx-thebe" not in page
    assert '<script src="../_static/documentation_options.js?v=3"></script>' in page  # read while parsing
    assert '<script defer="defer" src="../_static/doctools.js?v=4"></script>' in page
    assert page.count("book-charts.js") == 1 and page.count('defer="defer"') == 2
    assert "DOCUMENTATION_OPTIONS.pagename" in page and "book.css" in page
    assert '<script src="../_static/late.js"></script>' in page  # the body is left alone
    search = page_speed.lighten(HEAD.replace("../", ""), "search.html")
    assert '<script defer="defer" src="searchindex.js"></script>' in search
    assert page_speed.lighten(page, "chapters/01-workforce.html") == page
    options = "const DOCUMENTATION_OPTIONS = {\n    VERSION: '',\n    LANGUAGE: 'en',\n    HAS_SOURCE: true,\n};\n"
    written = page_speed.lighten(HEAD, "chapters/01-workforce.html", {"../_static/documentation_options.js": options}.get)
    assert "documentation_options.js" not in written, "the settings are written into the page"
    assert written.index(options.strip()) < written.index("DOCUMENTATION_OPTIONS.pagename")
    assert page_policy.policy(written, "a page")  # a script the page policy knows


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def test_the_static_host_compresses_caches_and_revalidates(tmp_path):
    (tmp_path / "page.html").write_text("<p>" + "text " * 200 + "</p>", encoding="utf-8")
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "book.css").write_text("p { color: red; }\n" * 50, encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("outside", encoding="utf-8")
    served = []
    with static_host.serve(tmp_path, served=served) as base:
        status, headers, body = _get(f"{base}/page.html", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-cache"
        assert gzip.decompress(body).decode().startswith("<p>text")
        status, headers, _ = _get(f"{base}/_static/book.css?v=1")
        assert status == 200 and "Content-Encoding" not in headers
        assert headers["Cache-Control"] == f"public, max-age={static_host.YEAR}, immutable"
        status, _, body = _get(f"{base}/_static/book.css?v=1", **{"If-None-Match": headers["ETag"]})
        assert status == 304 and body == b""
        assert _get(f"{base}/../secret.txt")[0] == 404
        assert _get(f"{base}/%2e%2e/secret.txt")[0] == 404
    assert served == [("page.html", 200), ("_static/book.css", 200), ("_static/book.css", 304)]


def _site(tmp_path):
    """A built book in miniature: a theme sheet importing another, with a font beside it."""
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "vendor").mkdir()
    (static / "basic.css").write_text("div { margin: 0; background: url(file.png) }\n", encoding="utf-8")
    (static / "file.png").write_bytes(b"png")
    (static / "styles" / "theme.css").write_text('@import "../basic.css";\n', encoding="utf-8")
    (static / "styles" / "icons.css").write_text(
        '@charset "UTF-8";\n@font-face { src: url(../vendor/icons.woff2) } .x { background: url("data:image/svg+xml,a") }\n',
        encoding="utf-8")
    (static / "vendor" / "icons.woff2").write_bytes(b"font")
    (static / "book.css").write_text("p { color: red }\n", encoding="utf-8")
    links = ('<link href="{p}_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
             '<link rel="stylesheet" type="text/css" href="{p}_static/styles/icons.css?v=2" />\n'
             '<link rel="preload" as="script" href="{p}_static/a.js" />\n'
             '<link rel="stylesheet" type="text/css" href="{p}_static/book.css?v=3" />\n')
    (tmp_path / "chapters").mkdir()
    (tmp_path / "intro.html").write_text(f"<html><head>{links.format(p='')}</head><body></body></html>", encoding="utf-8")
    (tmp_path / "chapters" / "one.html").write_text(
        f"<html><head>{links.format(p='../')}</head><body></body></html>", encoding="utf-8")
    return static


def test_each_page_links_one_style_sheet_holding_its_sheets_in_order(tmp_path):
    static = _site(tmp_path)
    page_speed.combine_stylesheets(tmp_path)
    combined = sorted(static.glob("book-styles-*.css"))
    assert len(combined) == 1, "pages at different depths share one file"
    text = combined[0].read_text(encoding="utf-8")
    assert text.index("div { margin: 0;") < text.index("@font-face") < text.index("p { color: red }")
    assert "@import" not in text
    assert text.startswith('@charset "UTF-8";') and text.count("@charset") == 1
    assert "url(file.png)" in text, "an imported sheet's url() is moved from its own folder"
    assert "url(vendor/icons.woff2)" in text and (static / "vendor" / "icons.woff2").is_file()
    assert 'url("data:image/svg+xml,a")' in text
    chapter = (tmp_path / "chapters" / "one.html").read_text(encoding="utf-8")
    assert chapter.count('rel="stylesheet"') == 1 and f'href="../_static/{combined[0].name}"' in chapter
    assert 'rel="preload"' in chapter
    intro = (tmp_path / "intro.html").read_text(encoding="utf-8")
    assert f'href="_static/{combined[0].name}"' in intro


def test_a_changed_sheet_reaches_pages_an_incremental_build_did_not_rewrite(tmp_path):
    static = _site(tmp_path)
    page_speed.combine_stylesheets(tmp_path)
    old = sorted(static.glob("book-styles-*.css"))
    (static / "book.css").write_text("p { color: blue }\n", encoding="utf-8")
    page_speed.combine_stylesheets(tmp_path)  # the pages still link the old combination
    new = sorted(static.glob("book-styles-*.css"))
    assert len(new) == 1 and new != old, "the old combination goes"
    assert "p { color: blue }" in new[0].read_text(encoding="utf-8")
    for page in (tmp_path / "intro.html", tmp_path / "chapters" / "one.html"):
        text = page.read_text(encoding="utf-8")
        assert new[0].name in text and text.count('rel="stylesheet"') == 1


def test_every_text_file_has_a_stable_compressed_copy(tmp_path):
    static = _site(tmp_path)
    (static / "font.woff2").write_bytes(b"\0binary")
    assert page_speed.precompress(tmp_path) == 6
    copy = static / "book.css.gz"
    assert gzip.decompress(copy.read_bytes()) == (static / "book.css").read_bytes()
    assert not (static / "font.woff2.gz").exists()
    first = copy.read_bytes()
    copy.unlink()
    page_speed.precompress(tmp_path)
    assert copy.read_bytes() == first, "no time stamp inside: the same bytes every build"
    assert page_speed.precompress(tmp_path) == 0, "nothing changed, nothing written"
    (static / "book.css").write_text("p { color: green }\n", encoding="utf-8")
    os.utime(static / "book.css", ns=(copy.stat().st_mtime_ns + 10**9,) * 2)
    page_speed.precompress(tmp_path)
    assert gzip.decompress(copy.read_bytes()) == b"p { color: green }\n"
    (static / "basic.css").unlink()
    page_speed.precompress(tmp_path)
    assert not (static / "basic.css.gz").exists(), "a copy of a file that is gone goes too"


def test_the_static_host_serves_the_precompressed_copy(tmp_path):
    (tmp_path / "a.css").write_text("p { color: red }\n", encoding="utf-8")
    marker = gzip.compress(b"from the copy", mtime=0)
    (tmp_path / "a.css.gz").write_bytes(marker)
    with static_host.serve(tmp_path) as base:
        status, headers, body = _get(f"{base}/a.css", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and body == marker
