"""What the pages load, and how the benchmark's static host serves them."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

from pipeline import page_speed, static_host

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
