"""The built HTML book: every page present, nothing loaded from other hosts, no hidden leftovers."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from analyses import bib
from pipeline import chart_assets
from tests.conftest import HTML, ROOT, built_pages, edition_root, toc_entries

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


@pytest.mark.parametrize("page", built_pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_every_page_carries_its_page_policy(page):
    """The browser tests open each page with this policy in force (tests/test_browser.py)."""
    head = page.read_text(encoding="utf-8").split("</head>")[0]
    assert 'http-equiv="Content-Security-Policy"' in head, "no page policy"


def test_stylesheets_import_nothing_from_other_hosts():
    for css in (HTML / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"(@import|url\()\s*['\"]?https?://", text), css.name


def test_each_page_links_one_style_sheet_made_of_the_sheets_as_they_were_finally_written():
    """The combined sheet must hold what the theme and myst-nb wrote last (they rewrite
    pygments.css and mystnb.css when the build finishes), every url() in it must resolve, and
    every page must link it alone."""
    from pipeline import page_speed

    combined = set()
    for page in built_pages():
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        sheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*>', head)
        if not sheets and 'http-equiv="Refresh"' in head:
            continue  # index.html, the redirect to the landing page
        assert len(sheets) == 1, f"{page.name} links {len(sheets)} style sheets"
        href = re.search(r'href="([^"?]+)', sheets[0]).group(1)
        parts = re.search(r'data-combines="([^"]+)"', sheets[0]).group(1).split()
        files = [(page.parent / part).resolve() for part in parts]
        sheet = (page.parent / href).resolve()
        # the French pages use the English edition's sheet when it is the same (editions.share_static)
        root = HTML if sheet.parent == (HTML / "_static").resolve() else edition_root(page)
        expected, _ = page_speed.combined_css(root, files)
        assert expected == sheet, f"{page.name}: its sheet is not made of {parts}"
        combined.add(expected)
    assert len(combined) == 1, "every page of both editions shares one combined sheet, fetched once"
    sheet = combined.pop()
    for address in page_speed.URL.findall(sheet.read_text(encoding="utf-8")):
        target = address[1].split("?")[0].split("#")[0]
        if not re.match(r"[a-z]+:", target):
            assert (sheet.parent / target).is_file(), f"url({target}) in {sheet.name} leads nowhere"


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
            tag = re.search(r'<script data-vega-bundle="([^"]*)" defer="defer" src="([^"?]*)', text)
            bundle_path, _, query = tag.group(1).partition("?")
            addresses[page.relative_to(HTML).as_posix()] = ((page.parent / tag.group(2)).parent / bundle_path).resolve(), query
            assert addresses[page.relative_to(HTML).as_posix()][0] == (HTML / "_static" / "vega-bundle.js").resolve()
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
        for name in re.findall(r'<figure id="fig-([a-z0-9-]+)" class="book-chart"', text):
            for suffix in (".csv", ".vl.json", ".svg", ".png", ".html"):
                assert (assets / f"{name}{suffix}").stat().st_size > 0, f"{page.name}: {name}{suffix}"
                assert f'charts/{name}{suffix}"' in text, f"{page.name}: no link to {name}{suffix}"
            assert f"{name}.csv\" download" in text and 'class="book-chart-static"' in text


FIGURE_NUMBER = re.compile(r'<figure id="fig-(?P<name>[a-z0-9-]+)" class="book-chart".*?'
                           r'<a class="book-chart-number" href="(?P<href>[^"]*)">Figure (?P<number>[0-9A-Z]+\.[0-9]+)</a>',
                           re.S)


def book_figures(book: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Each page of a built edition with its figures: (name, number, link)."""
    return {page.relative_to(book).as_posix(): [(m["name"], m["number"], m["href"])
                                                for m in FIGURE_NUMBER.finditer(page.read_text(encoding="utf-8"))]
            for page in sorted(book.rglob("*.html")) if "_static" not in page.parts and "fr" not in
            page.relative_to(book).parts}


def test_figures_are_numbered_in_the_order_of_the_book_and_link_to_themselves():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] + ".html" for part in toc["parts"] for c in part["chapters"]]
    figures = book_figures(HTML)
    shown = sum(len(f) for f in figures.values())
    assert shown >= 29 and all(page in files or page == "intro.html" for page, f in figures.items() if f)
    seen: dict[str, str] = {}
    for page in files:
        for position, (name, number, href) in enumerate(figures.get(page, []), start=1):
            prefix, count = number.split(".")
            chapter = toc["parts"][0]["chapters"]
            expected = str([c["file"] + ".html" for c in chapter].index(page) + 1) if prefix != "A" else "A"
            assert prefix == expected, f"{page}: figure {number} is not numbered in its chapter"
            assert href == f"#fig-{name}", f"{page}: figure {number} does not link to itself"
            assert number not in seen.values(), f"{page}: two figures numbered {number}"
            seen[name] = number
    for prefix in {n.split(".")[0] for n in seen.values()}:
        counts = sorted(int(n.split(".")[1]) for n in seen.values() if n.split(".")[0] == prefix)
        assert counts == list(range(1, len(counts) + 1)), f"figures {prefix}.n skip a number: {counts}"
    for name, number, href in figures["intro.html"]:  # the landing page's copy: its chapter's number
        assert seen[name] == number and href.endswith(f".html#fig-{name}") and (HTML / href.split("#")[0]).exists()


def test_both_editions_number_the_same_figures_alike():
    english = {page: f for page, f in book_figures(HTML).items() if f}
    french = {page: f for page, f in book_figures(HTML / "fr").items() if f}
    assert french == english


# --- The book agrees with itself ----------------------------------------------------------------

WORDS = {w: i for i, w in enumerate(["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])}


def _soup(page):
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def verdicts_stated(soups) -> dict[str, set[str]]:
    """Claim class -> every verdict text stated for it across the pages given."""
    stated: dict[str, set[str]] = {}
    for soup in soups:
        for span in soup.select("span.claim-verdict"):
            claim = next(c for c in span["class"] if c.startswith("claim-") and c != "claim-verdict")
            stated.setdefault(claim, set()).add(span.get_text(strip=True))
    return stated


def summary_parts(sentence: str) -> tuple[int, list[int]]:
    """The total and the counts of a verdict summary: 'Of the 20 ..., seven are ..., six need ...'."""
    total, parts = re.match(r"Of the (\w+) statements[^,]*, (.*)\.$", sentence).groups()
    counts = [int(w) if w.isdigit() else WORDS[w]
              for w in re.findall(r"(?:^|, | and )(\w+) (?:is|are|need|needs|rest|rests)\b", parts)]
    return (int(total) if total.isdigit() else WORDS[total]), counts


def test_the_consistency_checks_catch_what_they_are_for():
    """The verdict of one claim stated two ways on two pages, and a summary whose parts do not add up
    (the landing page once announced twenty claims and counted seventeen)."""
    pages = [BeautifulSoup('<span class="claim-verdict claim-x">needs nuance</span>', "html.parser"),
             BeautifulSoup('<span class="claim-verdict claim-x">not supported by the sources found</span>',
                           "html.parser")]
    assert len(verdicts_stated(pages)["claim-x"]) == 2
    total, counts = summary_parts("Of the 20 statements of the dispatch that the book checks, seven are "
                                  "supported, seven need nuance and three rest on no source we could find.")
    assert sum(counts) != total


def test_each_claim_reads_the_same_verdict_on_every_page():
    """A verdict stated in a chapter and in the ledger comes from data/claims.csv, both times."""
    from analyses import data

    claims = data.load("claims")
    expected = {f"claim-{cid.replace('_', '-')}": verdict for cid, verdict in zip(claims["claim_id"], claims["verdict"])}
    stated = verdicts_stated(_soup(page) for page in built_pages() if edition_root(page) == HTML)
    assert set(stated) == set(expected), "every claim is stated at least in the ledger"
    assert {claim: texts for claim, texts in stated.items() if texts != {expected[claim]}} == {}
    # In French, each English verdict reads one way, on every page that states it.
    french = verdicts_stated(_soup(page) for page in built_pages() if edition_root(page) != HTML)
    assert set(french) == set(expected)
    assert {claim: texts for claim, texts in french.items() if len(texts) != 1} == {}
    readings = {}
    for claim, texts in french.items():
        readings.setdefault(expected[claim], set()).update(texts)
    assert {verdict: texts for verdict, texts in readings.items() if len(texts) != 1} == {}


def test_the_verdict_summary_reads_the_same_everywhere_and_adds_up():
    """The landing page once said 20 claims, then 7 + 7 + 3."""
    from analyses import data

    summaries = {page.name: span.get_text(" ", strip=True) for page in built_pages() if edition_root(page) == HTML
                 for span in _soup(page).select("span.verdict-summary")}
    french = {page.name: span.get_text(" ", strip=True) for page in built_pages() if edition_root(page) != HTML
              for span in _soup(page).select("span.verdict-summary")}
    assert {"intro.html", "95-dispatch-check.html"} <= set(summaries) and set(french) == set(summaries)
    assert len(set(summaries.values())) == 1, summaries
    assert len(set(french.values())) == 1, french
    total, counts = summary_parts(next(iter(summaries.values())))
    assert total == len(data.load("claims"))
    assert sum(counts) == total, counts


COUNT_GRAMMAR = [
    (re.compile(r"(?<![\w.,])0 (of|[a-z]+s)\b"), "a count of zero written as 0"),
    (re.compile(r"(?<![\d.,])1 (?!(?:January|February|March|April|May|June|July|August|September|October"
                r"|November|December)\b)[a-z]+s\b"), "one followed by a plural"),
    (re.compile(r"\b(\d+) of (?:the )?\1\b"), "all of a count written as 'N of N'"),
    (re.compile(r"\b\d{1,2}h\d{2}\b"), "a duration written the French way (2h43)"),
    (re.compile(r"\b(?:these|those|the|all|of) [2-9] (?!(?:dollars|euros|hours|minutes|years|days|weeks|months|points)\b)[a-z]+s\b"), "a small count in figures after an article"),
]


@pytest.mark.parametrize("page", built_pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_counts_read_as_english(page):
    """Sentences built from counts need the grammar of zero, one and all: '0 of the 3 workers',
    '1 rows' and '8 of 8 household types' each once reached the book."""
    soup = _soup(page)
    # Not checked: citations, generated tables, and what the errata quote of earlier editions.
    for hidden in soup.select("script, style, .bibtex-citation, .citation, table.book-generated-table, "
                              ".erratum-before"):
        hidden.decompose()
    text = " ".join(soup.get_text(" ").split())
    found = [f"{why}: '{match.group(0)}'" for pattern, why in COUNT_GRAMMAR for match in pattern.finditer(text)]
    assert found == []


def test_the_errata_page_lists_every_correction_with_the_edition_from_the_repository():
    import subprocess

    from analyses import data
    from pipeline import edition

    text = " ".join(_soup(HTML / "errata.html").get_text(" ").split()).replace("\u2019", "'").replace("\u2018", "'")
    for row in data.load("errata").itertuples():
        assert row.before in text and row.now in text, row.erratum_id
    head = subprocess.run(["git", "log", "-1", "--format=%cs %h"], capture_output=True, text=True,
                          cwd=HTML.parent.parent, check=True).stdout.split()
    day = edition.long_date(__import__("datetime").date.fromisoformat(head[0]))
    assert f"This edition: {day}, built from commit {head[1]}" in text


def test_the_count_grammar_check_catches_what_it_is_for():
    old = ["0 of the dispatch's 3 workers earn above", "0 applies to micro-work", "in 8 of 8 household types",
           "1 rows: 1 read in the primary source", "1 scores are zero", "women spend 2h43 a day",
           "Each of these 6 searches is a row"]
    for sentence in old:
        assert any(pattern.search(sentence) for pattern, _ in COUNT_GRAMMAR), sentence
    for fine in ["none of the three workers earns", "on 1 January 2019", "1.5 hours", "all eight household types",
                 "the 2 December 2026 deadline", "of 5 dollars"]:
        assert not any(pattern.search(fine) for pattern, _ in COUNT_GRAMMAR), fine


def test_the_landing_and_cite_pages_give_the_edition_of_the_commit_built():
    import datetime
    import subprocess

    from pipeline import edition

    head = subprocess.run(["git", "log", "-1", "--format=%cs %h"], capture_output=True, text=True,
                          cwd=HTML.parent.parent, check=True).stdout.split()
    day = datetime.date.fromisoformat(head[0])
    landing = " ".join(_soup(HTML / "intro.html").get_text(" ").split())
    assert f"This edition is dated {edition.long_date(day)}" in landing
    cite = _soup(HTML / "cite.html")
    bibtex = [block.get_text() for block in cite.select("div.highlight-bibtex pre, pre")]
    assert bibtex and all("@@" not in block for block in bibtex)
    assert any(f"year      = {{{day.year}}}" in block and f"edition   = {{{day.isoformat()}}}" in block
               for block in bibtex), bibtex[:1]
    assert head[1] in cite.get_text()


def test_every_page_with_text_describes_itself_for_search_engines_and_link_previews():
    for page in built_pages():
        if page.name in ("search.html", "genindex.html", "index.html"):
            continue
        soup = _soup(page)
        described = soup.select('meta[name="description"]')
        assert len(described) == 1, page.name
        content = described[0]["content"]
        assert 40 < len(content) <= 161, (page.name, content)
        if page.parent.name == "chapters" and page.name.startswith("0"):
            answer = " ".join(soup.select_one("div.admonition.tip p:not(.admonition-title)").get_text().split())
            assert answer.startswith(content.rstrip("\u2026")), page.name


def test_every_pages_download_menu_offers_the_whole_book_and_its_data():
    from pipeline import data_zip, pdf

    for page in built_pages():
        soup = _soup(page)
        menu = soup.select_one(".dropdown-download-buttons")
        if menu is None:  # pages without a source (search, index) have no download menu
            continue
        root = edition_root(page)
        links = {a["href"]: a for a in menu.select("a[href]")}
        for name in (pdf.PDF_NAME, data_zip.ZIP_NAME):
            offered = [href for href in links if href.endswith(name)]
            assert len(offered) == 1, f"{page}: the download menu does not offer {name}"
            target = (page.parent / offered[0]).resolve()
            assert target.is_file(), f"{page}: {offered[0]} does not exist"
            if name == pdf.PDF_NAME:  # the edition's own PDF; the data zip is the same in both
                assert target == (root / "_static" / name).resolve(), f"{page}: another edition's PDF"
