"""The PDF of each edition (pipeline.pdf), read back with pypdf: every page of the book and every
figure is in it, the contents give the pages they are printed on, the charts are vector images,
and its pages are rendered to PNG under _build/screenshots/pdf/ to be looked at."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from pipeline import chart_assets, edition, pdf
from tests.conftest import HTML, ROOT
from tests.test_html import book_figures

SHOTS = ROOT / "_build" / "screenshots" / "pdf"
EDITIONS = {"en": HTML, "fr": HTML / "fr"}
pytestmark = pytest.mark.built
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    """Text as pypdf extracts it, with ligatures and line breaks undone, for comparisons."""
    for ligature, letters in {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                              "\u00a0": " ", "\u202f": " "}.items():
        text = text.replace(ligature, letters)
    return " ".join(text.replace("\u2019", "'").split())


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def printed(request):
    folder = EDITIONS[request.param]
    path = folder / "_static" / pdf.PDF_NAME
    assert path.exists(), f"no PDF of the {request.param} edition: make book prints it"
    reader = PdfReader(path)
    return request.param, folder, reader, [_flat(page.extract_text()) for page in reader.pages]


def contents_entries(reader) -> dict[str, int]:
    """Each entry of the PDF's contents and list of figures with the page it gives, read from the
    printed text: a line ending in a number (a title that wraps is joined to its next line)."""
    entries, pending = {}, ""
    for page in reader.pages[1:8]:
        for line in page.extract_text().splitlines():
            line = _flat(f"{pending} {line}")
            if re.search(r" · page \d+ (of|sur) \d+$", line):
                pending = ""
                continue
            entry = re.fullmatch(r"(?P<label>.*\S) (?P<page>\d+)", line)
            if entry:
                entries[entry.group("label")] = int(entry.group("page"))
                pending = ""
            elif line not in ("Contents", "Figures", "Sommaire"):
                pending = line
    return entries


def _titles(folder) -> list[str]:
    """Each page's title as the edition's built page gives it (its <h1>)."""
    titles = []
    for page in pdf.book_pages(TOC):
        heading = pdf.TITLE.search(pdf.ARTICLE.search((folder / page).read_text(encoding="utf-8")).group("body"))
        titles.append(_flat(pdf._text(heading.group("title"))))
    return titles


def test_the_pdf_holds_every_page_of_the_book_where_its_contents_say(printed):
    language, folder, reader, pages = printed
    assert 60 <= len(pages) <= 400, f"{len(pages)} pages"
    entries = contents_entries(reader)
    for title in _titles(folder):
        assert title in entries, f"{language}: '{title}' is not in the contents"
        number = entries[title]
        assert title in pages[number - 1], f"{language}: '{title}' is not on page {number}, as the contents say"


def test_every_section_is_listed_at_the_page_its_heading_is_printed_on(printed):
    language, folder, reader, pages = printed
    entries = contents_entries(reader)
    sections = [name for _, _, found in pdf.assemble(folder, pdf.book_pages(TOC)).pages for _, name in found]
    assert len(sections) >= 40
    for name in sections:
        title = _flat(name)
        assert title in entries, f"{language}: section '{title}' is not in the contents"
        assert title in pages[entries[title] - 1], f"{language}: '{title}' is not on page {entries[title]}"


def test_every_figure_is_printed_with_its_number_and_listed_at_its_page(printed):
    language, folder, reader, pages = printed
    figures = [figure for page in pdf.book_pages(TOC)[1:] for figure in book_figures(folder).get(page, [])]
    assert len(figures) >= 28
    entries = contents_entries(reader)
    titles = {name: html.unescape(title) for page in pdf.book_pages(TOC)
              for name, title in re.findall(r'<figure id="fig-([a-z0-9-]+)" class="book-chart" aria-label="([^"]*)"',
                                            (folder / page).read_text(encoding="utf-8"))}
    for name, number, _ in figures:
        title = titles[name]
        listed = [page for label, page in entries.items() if label.startswith(f"Figure {number}. ")]
        assert len(listed) == 1, f"{language}: Figure {number} ({name}) is not once in the list of figures"
        page = listed[0]
        # The chart's title (drawn at the top of its image) is on that page; its numbered caption,
        # under the image, there or on one of the next pages for a chart printed in slices.
        assert _flat(title)[:25] in pages[page - 1], f"{language}: Figure {number} does not start on page {page}"
        assert any(f"Figure {number}" in text for text in pages[page - 1:page + 3]), \
            f"{language}: the caption of Figure {number} is not near page {page}"
        spec = json.loads((folder / "_static" / "charts" / f"{name}.vl.json").read_text(encoding="utf-8"))
        if chart_assets._has_controls(spec):  # its sliders are not in print: the note says so
            note = _flat(chart_assets.WORDS[language]["printed"])[:40]
            assert any(note in text for text in pages[page - 1:page + 3]), f"{language}: Figure {number}'s note"


def test_the_charts_are_vector_drawings_with_their_words_as_text(printed):
    language, folder, reader, pages = printed
    assert sum(len(page.images) for page in reader.pages) == 0, "a chart was printed as a raster image"
    # A static chart's own words (its title, drawn in the SVG) are text in the PDF, not pixels.
    body = " ".join(pages[6:])
    chapter = (folder / "chapters" / "03-pay-poverty.html").read_text(encoding="utf-8")
    for name, number, _ in book_figures(folder)["chapters/03-pay-poverty.html"]:
        title = re.search(rf'<figure id="fig-{name}" class="book-chart" aria-label="([^"]*)"', chapter).group(1)
        assert _flat(html.unescape(title))[:30] in body, f"{language}: the title of Figure {number}"


def test_the_pdf_names_its_edition_language_and_date(printed):
    language, folder, reader, pages = printed
    this = edition.current(ROOT)
    assert reader.metadata["/CreationDate"].startswith("D:" + this.date.strftime("%Y%m%d"))
    assert reader.trailer["/Root"]["/Lang"] == language
    assert this.commit in pages[0]
    assert ("English edition" if language == "en" else "Édition française") in pages[0]
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[:1] == _titles(folder)[:1] and len(bookmarks) == len(pdf.book_pages(TOC))


def test_the_pdfs_pages_are_rendered_to_be_looked_at(printed):
    """Every page to PNG (pypdfium2): the images under _build/screenshots/pdf/ are what a reader
    prints; a page that fails to render fails here."""
    import pypdfium2

    language, folder, reader, pages = printed
    target = SHOTS / language
    target.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(folder / "_static" / pdf.PDF_NAME)
    for index in range(len(document)):
        image = document[index].render(scale=0.75).to_pil()
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255)), f"page {index + 1} is blank"
        image.save(target / f"page-{index + 1:03d}.png", compress_level=1)


def test_the_same_document_prints_to_the_same_bytes(tmp_path):
    """Chromium prints a document alike each time, and the PDF's date and identifier come from the
    edition: the same book gives the same PDF."""
    from pipeline.local_browser import chromium, chromium_path

    if chromium_path() is None:
        pytest.fail("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    # A copy of the English edition: the other tests read the published book meanwhile.
    copy = tmp_path / "book"
    shutil.copytree(HTML, copy, ignore=lambda folder, names: ["fr"] if Path(folder) == HTML else [])
    book = pdf.assemble(copy, pdf.book_pages(TOC)[:2])
    path = copy / pdf.DOCUMENT_NAME
    path.write_text(pdf.document(book, "T", "S", "A", pdf.WORDS["en"], "1 December 2026", "abc1234"), "utf-8")
    with chromium() as browser:
        twice = [pdf._finished(pdf._print(browser, path, "T", pdf.WORDS["en"]), book, {}, "2026-12-01",
                               "abc1234", "T", "A", "en") for _ in range(2)]
    assert twice[0] == twice[1]
    assert PdfReader(io.BytesIO(twice[0])).metadata["/CreationDate"] == "D:20261201000000Z"
