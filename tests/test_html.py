"""The built HTML book: every page present, nothing loaded from other hosts, no hidden leftovers."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from analyses import bib
from pipeline import chart_assets
from tests.conftest import HTML, built_pages, toc_entries

pytestmark = pytest.mark.built

LOCAL_HOSTS = {"127.0.0.1", "localhost"}




@pytest.fixture(scope="module", autouse=True)
def built():
    if not (HTML / "index.html").exists():
        pytest.fail("no built book in _build/html: run `make book` (make test builds it first)")


def test_every_toc_entry_has_a_page():
    for entry in toc_entries():
        assert (HTML / f"{entry}.html").exists(), entry


def _external(url: str | None) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https", "") and bool(parsed.netloc) and parsed.hostname not in LOCAL_HOSTS


@pytest.mark.parametrize("page", built_pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_page_loads_nothing_from_other_hosts(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    loaded = [tag.get("src") for tag in soup.find_all(["script", "img", "iframe", "audio", "video", "source", "embed"])]
    loaded += [tag.get("href") for tag in soup.find_all("link") if set(tag.get("rel", [])) - {"canonical", "next", "prev", "index", "search"}]
    loaded += [tag.get("data") for tag in soup.find_all("object")]
    offenders = [url for url in loaded if _external(url)]
    assert offenders == []


def test_stylesheets_import_nothing_from_other_hosts():
    for css in (HTML / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"(@import|url\()\s*['\"]?https?://", text), css.name


def test_vega_bundle_only_on_pages_with_charts():
    assert (HTML / "_static" / "vega-bundle.js").stat().st_size > 100_000
    for page in built_pages():
        text = page.read_text(encoding="utf-8")
        has_chart = 'class="book-chart"' in text
        assert ("vega-bundle.js" in text) == has_chart, page.name


def test_injected_parameters_never_show():
    for page in built_pages():
        assert "injected-parameters" not in page.read_text(encoding="utf-8"), page.name


def test_references_page_lists_every_entry():
    text = (HTML / "references.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert len(soup.select("div.citation")) == len(bib.keys())


def test_reproducibility_page_has_computed_tables():
    text = (HTML / "reproducibility.html").read_text(encoding="utf-8")
    assert "90-about-the-data.ipynb" in text
    assert "jupyter-book" in text and "altair" in text


PAGE_BUDGET_BYTES = 400 * 1024  # a chapter page's own HTML
CHART_ROWS_BUDGET = 1_000       # data rows a chart may embed: aggregated data, not raw records


def test_chapter_pages_stay_within_the_page_weight_budget():
    for page in sorted((HTML / "chapters").glob("*.html")):
        assert page.stat().st_size <= PAGE_BUDGET_BYTES, f"{page.name}: {page.stat().st_size} bytes"


def test_vega_bundle_is_one_shared_cacheable_file():
    bundle = (HTML / "_static" / "vega-bundle.js").stat().st_size
    addresses = {}
    for page in built_pages():
        text = page.read_text(encoding="utf-8")
        if 'class="book-chart"' in text:
            assert text.count('vega-bundle.js') == 1, page.name
            assert len(text.encode("utf-8")) < bundle, f"{page.name}: the bundle must not be inlined"
            src = re.search(r'<script src="([^"]*vega-bundle\.js[^"]*)"', text).group(1)
            path, _, query = src.partition("?")
            addresses[page.relative_to(HTML).as_posix()] = ((page.parent / path).resolve(), query)
    # One address (cache-busting query included) on every page, or browsers fetch it again.
    assert len(set(addresses.values())) == 1, addresses


def test_pages_leave_out_the_themes_font_awesome_script():
    # 1.5 MB that only registers custom icons; the book has none (see the browser test of icons)
    for page in built_pages():
        assert "fontawesome.js" not in page.read_text(encoding="utf-8"), page.name


def test_charts_embed_aggregated_data_not_raw_rows():
    for page in built_pages():
        for spec in chart_assets.specs_in(page.read_text(encoding="utf-8")):
            rows = sum(len(records) for records in spec.get("datasets", {}).values())
            assert rows <= CHART_ROWS_BUDGET, f"{page.name}: a chart embeds {rows} rows"


def test_every_chart_has_its_downloads_and_static_image():
    assets = HTML / "_static" / "charts"
    for page in built_pages():
        text = page.read_text(encoding="utf-8")
        for chart_id in re.findall(r'<figure id="(altair-viz-[0-9a-f-]+)" class="book-chart"', text):
            for suffix in (".csv", ".vl.json", ".svg"):
                assert (assets / f"{chart_id}{suffix}").stat().st_size > 0, f"{page.name}: {chart_id}{suffix}"
            assert f"{chart_id}.csv\" download" in text and 'class="book-chart-static"' in text
