"""The book as a PDF, one per edition (`_static/paid-by-the-click.pdf` in each): the published
pages, put together in the order of the table of contents and printed by Debian's Chromium.

Why this route and not LaTeX: the pages already carry everything the PDF must show, and only
there: the numbered figures with their static SVG images and sources (pipeline.chart_assets),
the French edition's words, the pasted figures, the print style sheet the browser tests check.
Sphinx's LaTeX builder would receive none of the charts (they are HTML outputs), and Debian's TeX
would add a second typesetter to keep right. The README gives the measurements.

`write_edition` runs as each edition's Sphinx build finishes (pipeline.sphinx_ext), after its pages
are final, so the two editions print at once and a failed print fails the build, leaving the
published book as it was:
1. `document`: one HTML file of the edition's pages (their `<article>`), after a title page
   (title, authors, edition and date, licence) and a table of contents with a list of figures.
   Each page's ids get the page's name in front (`p-03-pay-poverty--fig-hourly-pay`), and links
   between pages become links inside the document, so every cross-reference of the book works
   in the PDF; links to files the PDF cannot hold (downloads) lose their address.
2. Chromium prints it (A4, page numbers in the footer), once to learn on which page each chapter,
   section and figure falls, and again with those pages in the contents. The pages the last
   printing found are tried first: after a small edit, one printing is often enough.
3. pypdf adds bookmarks (each page of the book and its sections) and sets the PDF's language,
   date and identifier from the edition, so the same book gives the same bytes. A PDF is kept in `_build/.cache/pdf/`, keyed by the document and every file it
   shows: an edition that did not change is not printed again.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PDF_NAME = "paid-by-the-click.pdf"
DOCUMENT_NAME = "_print-book.html"  # written into the edition's folder while it is printed
CACHE = Path("_build") / ".cache" / "pdf"
PRINTINGS = 4  # at most: the first learns the pages, the next prints them in the contents
ARTICLE = re.compile(r'<article class="bd-article">(?P<body>.*?)</article>', re.S)
TITLE = re.compile(r"<h1>(?P<title>.*?)<a class=\"headerlink\"", re.S)
ATTRIBUTE = re.compile(r'(?P<name>\s(?:id|href|src))="(?P<value>[^"]*)"')
TAG = re.compile(r"<[^>]+>")
STATIC_IMAGE = re.compile(r'<img class="book-chart-static" src="(?P<src>[^"]+)" alt="(?P<alt>[^"]*)" width="(?P<width>\d+)">')
# CSS pixels of a chart's static image that fit on an A4 page with its caption (259 mm of text height
# is 979 pixels); a taller image is shrunk up to SHRINK_AT, and beyond that cut into slices, each
# cut made between two lines of the chart's text (its labels), never through one.
PAGE_IMAGE_HEIGHT = 820
SHRINK_AT = 1100
SLICE_HEIGHT = 930  # a slice needs no room for the caption, which follows the last one
TRANSLATE = re.compile(r"translate\(\s*([-0-9.e]+)[ ,]+([-0-9.e]+)\s*\)")


@dataclass(frozen=True)
class Words:
    """What the PDF's own pages say, in the edition's language."""

    language: str
    subtitle: str
    edition: str      # "English edition of {date}, built from commit {commit}"
    contents: str
    figures: str
    page: str         # footer: "{title} · page {n} of {total}"
    modified: str     # after the commit, when the files differ from it
    licence: str
    online: str


WORDS = {
    "en": Words(language="en", subtitle="Online micro-work in data",
                edition="English edition of {date}, built from commit {commit}",
                contents="Contents", figures="Figures", page="page {page} of {total}",
                modified=" with changes not yet committed",
                licence="Text and data under the Creative Commons Attribution 4.0 licence (CC BY 4.0); code "
                        "under the MIT licence. Figures quoted from other works remain their authors'.",
                online="This PDF prints the book's web edition: there, every chart is interactive and offers "
                       "its data, and every figure is computed from the data package."),
    "fr": Words(language="fr", subtitle="Le microtravail en ligne, en données",
                edition="Édition française du {date}, construite à partir du commit {commit}",
                contents="Sommaire", figures="Figures", page="page {page} sur {total}",
                modified=" avec des modifications pas encore enregistrées",
                licence="Texte et données sous licence Creative Commons Attribution 4.0 (CC BY 4.0)\u00a0; code "
                        "sous licence MIT. Les chiffres cités d’autres travaux restent ceux de leurs auteurs.",
                online="Ce PDF imprime l’édition web du livre\u00a0: chaque graphique y est interactif et donne "
                       "ses données, et chaque chiffre y est calculé à partir du paquet de données."),
}


def book_pages(toc: dict) -> list[str]:
    """The book's pages in reading order: the landing page, then each chapter and appendix."""
    return [f"{toc['root']}.html"] + [f"{c['file']}.html" for part in toc.get("parts", []) for c in part["chapters"]]


def _anchor(page: str) -> str:
    return "p-" + re.sub(r"[^a-z0-9]+", "-", Path(page).with_suffix("").as_posix().split("/")[-1].lower())


def _text(markup: str) -> str:
    return " ".join(html.unescape(TAG.sub("", markup)).split())


def _retarget(article: str, page: str, pages: set[str]) -> str:
    """The article's ids and links, made unique and internal to the one document."""
    prefix = _anchor(page)
    folder = Path(page).parent

    def one(match: re.Match) -> str:
        name, value = match.group("name"), match.group("value")
        if name.endswith("id"):
            return f'{name}="{prefix}--{value}"'
        if re.match(r"^[a-z][a-z0-9+.-]*:", value) or value.startswith("//"):
            return match.group(0)  # another site: the PDF links to it as the page does
        path, _, fragment = value.partition("#")
        target = os.path.normpath(folder / path).replace(os.sep, "/") if path else page
        if target in pages:
            return f'{name}="#{_anchor(target) + ("--" + fragment if fragment else "")}"'
        if name.endswith("src"):
            return f'{name}="{target}"'  # an image of the book: relative to the edition's folder
        return ""  # a download or a page the PDF does not hold: the text stays, without a link

    return ATTRIBUTE.sub(one, article)


@dataclass
class Assembled:
    """The edition's pages as parts of one document: their articles (ids and links retargeted),
    each page's anchor, title and sections, and the figures in the order they are numbered."""

    stylesheet: str = ""
    articles: list[str] = field(default_factory=list)
    pages: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    figures: list[tuple[str, str, str]] = field(default_factory=list)


SECTION = re.compile(r'(?P<open><section id="(?P<id>[^"]+)">\s*(?:<span id="[^"]*"></span>\s*)*)<h2>'
                     r'(?P<title>.*?)(?=<a class="headerlink")', re.S)
CHART = re.compile(r'<figure id="(?P<id>[^"]+)" class="book-chart" aria-label="(?P<label>[^"]*)".*?'
                   r'<a class="book-chart-number" href="#(?P<home>[^"]*)">(?P<number>[^<]*)</a>', re.S)


def text_extents(svg: str) -> list[tuple[float, float]]:
    """The vertical extent, in the image's pixels, of every text of a Vega SVG (a label of one or
    more lines, a title), with the translations of its groups added up."""
    import xml.etree.ElementTree as ElementTree

    extents = []

    def walk(node, offset: float) -> None:
        transform = node.get("transform", "")
        moved = TRANSLATE.search(transform)
        y = offset + (float(moved.group(2)) if moved else 0.0)
        if node.tag.endswith("}text"):
            size = float(re.sub(r"[^0-9.]", "", node.get("font-size", "12")) or 12)
            lines = [child for child in node if child.tag.endswith("}tspan")]
            below = sum(float(line.get("dy", "0") or 0) for line in lines[1:])
            if "rotate" in transform:  # an axis title turned on its side: as tall as it is long
                half = len("".join(node.itertext())) * size * 0.3
                extents.append((y - half, y + half))
            else:
                extents.append((y - size, y + below + size * 0.3))
        for child in node:
            walk(child, y)

    walk(ElementTree.fromstring(svg), 0.0)
    return sorted(extents)


def slice_tops(height: int, extents: list[tuple[float, float]], page: int = SLICE_HEIGHT) -> list[float]:
    """Where each slice of an image taller than a page begins: as low as a page allows, at the
    middle of a gap between two texts (at least half a page down), or a page down if none."""
    merged: list[list[float]] = []
    for top, bottom in extents:
        if merged and top <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    gaps = [(a[1] + b[0]) / 2 for a, b in zip(merged, merged[1:])]
    tops = [0.0]
    while tops[-1] + page < height:
        fitting = [gap for gap in gaps if tops[-1] + page / 2 < gap <= tops[-1] + page]
        tops.append(max(fitting) if fitting else tops[-1] + page)
    return tops


def _fitted(image: re.Match, edition_dir: Path) -> str:
    """A chart's static image made to fit the printed page: as it is, shrunk, or in slices."""
    from pipeline.chart_assets import svg_height

    svg = (edition_dir / image.group("src")).read_text(encoding="utf-8")
    height = svg_height(svg)
    if height <= PAGE_IMAGE_HEIGHT:
        return image.group(0)
    if height <= SHRINK_AT:
        return image.group(0).replace(">", f' style="height:{PAGE_IMAGE_HEIGHT}px;width:auto">')
    tops = slice_tops(height, text_extents(svg))
    slices = [f'<div class="book-pdf-slice" style="height:{bottom - top:.2f}px">'
              f'<img src="{image.group("src")}" alt="{image.group("alt") if top == 0 else ""}" '
              f'width="{image.group("width")}" style="margin-top:-{top:.2f}px"></div>'
              for top, bottom in zip(tops, tops[1:] + [height])]
    return f'<div class="book-chart-static">{"".join(slices)}</div>'


def assemble(edition_dir: Path, pages: list[str]) -> Assembled:
    """Read the edition's pages and retarget them into one document."""
    book = Assembled()
    for page in pages:
        text = (edition_dir / page).read_text(encoding="utf-8")
        if not book.stylesheet:
            link = re.search(r'<link rel="stylesheet" href="(?P<href>[^"]*book-styles-[^"]*)"', text)
            book.stylesheet = os.path.normpath(Path(page).parent / link.group("href")).replace(os.sep, "/")
        article = ARTICLE.search(text).group("body")
        heading = TITLE.search(article)
        title = _text(heading.group("title") if heading else re.search(r"<title>(.*?)</title>", text).group(1))
        anchor = _anchor(page)
        retargeted = STATIC_IMAGE.sub(lambda m: _fitted(m, edition_dir), _retarget(article, page, set(pages)))
        sections: list[tuple[str, str]] = []

        def heading_anchor(match: re.Match) -> str:
            # The contents point at the heading, not at its section: a heading kept with the text
            # after it may start a page after its section does.
            sections.append((f"{match.group('id')}--heading", _text(match.group("title"))))
            return f'{match.group("open")}<h2 id="{match.group("id")}--heading">{match.group("title")}'

        retargeted = SECTION.sub(heading_anchor, retargeted)
        book.pages.append((anchor, title, sections))
        book.figures += [(m.group("id"), m.group("number"), html.unescape(m.group("label")))
                         for m in CHART.finditer(retargeted)
                         if m.group("id") == m.group("home")]  # where it is numbered, not its copies
        book.articles.append(f'<section class="book-pdf-page" id="{anchor}">\n{retargeted}\n</section>')
    return book


def document(book: Assembled, title: str, subtitle: str, authors: str, words: Words, date: str, commit: str,
             numbers: dict[str, int] | None = None) -> str:
    """The edition as one HTML document for print. `numbers` gives the PDF page of each anchor
    (pages and figures), known after a first printing."""
    numbers = numbers or {}

    def entry(anchor: str, label: str) -> str:
        return (f'<li><a href="#{anchor}"><span class="book-pdf-entry">{html.escape(label)}</span>'
                f'<span class="book-pdf-leader"></span><span class="book-pdf-number">{numbers.get(anchor, "")}'
                f'</span></a></li>')

    toc = "\n".join(entry(anchor, label) + (
        '\n<li><ol class="book-pdf-sections">' + "".join(entry(section, name) for section, name in sections)
        + "</ol></li>" if sections else "") for anchor, label, sections in book.pages)
    figure_list = "\n".join(entry(anchor, f"{number}. {label}") for anchor, number, label in book.figures)
    articles = "\n".join(book.articles)
    return f"""<!DOCTYPE html>
<html lang="{words.language}" data-theme="light" data-mode="light">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{book.stylesheet}">
<link rel="stylesheet" href="_static/book-pdf.css">
</head>
<body class="book-pdf">
<section class="book-pdf-title">
<h1>{html.escape(title)}</h1>
<p class="book-pdf-subtitle">{html.escape(subtitle)}</p>
<p class="book-pdf-authors">{html.escape(authors)}</p>
<p class="book-pdf-edition">{html.escape(words.edition.format(date=date, commit=commit))}</p>
<p class="book-pdf-note">{html.escape(words.online)}</p>
<p class="book-pdf-licence">{html.escape(words.licence)}</p>
</section>
<nav class="book-pdf-contents">
<h2>{words.contents}</h2>
<ol>
{toc}
</ol>
<h2>{words.figures}</h2>
<ol class="book-pdf-figures">
{figure_list}
</ol>
</nav>
<div class="bd-content">
{articles}
</div>
</body>
</html>
"""


def _footer(title: str, words: Words) -> str:
    text = html.escape(title) + " · " + words.page.format(page='<span class="pageNumber"></span>',
                                                           total='<span class="totalPages"></span>')
    # Chromium draws the footer apart from the page, with no style sheet: its style is inline.
    return f'<div style="width:100%;font:8px sans-serif;color:#555;text-align:center">{text}</div>'


def _print(browser, document_path: Path, title: str, words: Words) -> bytes:
    context = browser.new_context()
    try:
        # Nothing from another host: the document is the book's own files.
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else route.abort())
        page = context.new_page()
        page.goto(document_path.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        # Every font and image in place before printing: a glyph or chart still loading would
        # make one printing differ from the next.
        page.wait_for_function("document.fonts.status === 'loaded' && [...document.images].every(i => i.complete)")
        return page.pdf(format="A4", margin={"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"},
                        display_header_footer=True, header_template="<div></div>",
                        footer_template=_footer(title, words), tagged=True,
                        print_background=False)
    finally:
        context.close()


def anchor_pages(pdf: bytes) -> dict[str, int]:
    """The PDF page (from 1) of each chapter and figure of the document, read from its links'
    destinations: the contents link to every anchor it lists."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = {}
    for name, destination in reader.named_destinations.items():
        pages[name.lstrip("/")] = reader.get_destination_page_number(destination) + 1
    return pages


def _finished(pdf: bytes, book: Assembled, numbers: dict[str, int], date: str, commit: str, title: str,
              authors: str, language: str) -> bytes:
    """The printed PDF with bookmarks (each page of the book, and its sections), its language,
    and its metadata and identifier set from the edition, not the moment of printing."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for anchor, page_title, sections in book.pages:
        if anchor not in numbers:
            continue
        parent = writer.add_outline_item(page_title, numbers[anchor] - 1)
        for section, section_title in sections:
            if section in numbers:
                writer.add_outline_item(section_title, numbers[section] - 1, parent=parent)
    stamp = "D:" + date.replace("-", "") + "000000Z"
    writer.metadata = {"/Title": title, "/Author": authors, "/Creator": "Paid by the click (pipeline/pdf.py)",
                       "/Producer": "Chromium, pypdf", "/CreationDate": stamp, "/ModDate": stamp}
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    writer.page_mode = "/UseOutlines"
    identifier = hashlib.md5(f"{title} {date} {commit}".encode()).digest()
    writer._ID = ArrayObject([ByteStringObject(identifier), ByteStringObject(identifier)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _digest(text: str, edition_dir: Path) -> str:
    """Of the document and of every local file it shows."""
    digest = hashlib.sha256(text.encode("utf-8"))
    for address in sorted(set(re.findall(r'(?:src|href)="([^"#:]+)"', text))):
        path = (edition_dir / address).resolve()
        if path.is_file():
            digest.update(address.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def write(edition_dir: Path, root: Path, language: str, toc: dict, title: str, authors: str, browser) -> Path:
    """Print the edition in `edition_dir` to `_static/PDF_NAME` in it; returns the PDF's path."""
    from pipeline import edition, editions

    words = WORDS[language]
    this = edition.current(root)
    date = editions.french_date(this.date) if language == "fr" else edition.long_date(this.date)
    book = assemble(edition_dir, book_pages(toc))
    built_from = this.commit + (words.modified if this.modified else "")  # as the pages say it
    first = document(book, title, words.subtitle, authors, words, date, built_from)
    cached = root / CACHE / f"{language}-{_digest(first, edition_dir)}.pdf"
    if not cached.exists():
        path = edition_dir / DOCUMENT_NAME
        # The pages the last printing found: after a small edit they are often still right, and
        # one printing is enough.
        last = root / CACHE / f"{language}-pages.json"
        numbers: dict[str, int] = json.loads(last.read_text(encoding="utf-8")) if last.exists() else {}
        try:
            path.write_text(document(book, title, words.subtitle, authors, words, date, built_from, numbers),
                            encoding="utf-8")
            printed = _print(browser, path, title, words)
            for _ in range(PRINTINGS):  # until the contents give the pages they are printed with
                if anchor_pages(printed) == numbers:
                    break
                numbers = anchor_pages(printed)
                path.write_text(document(book, title, words.subtitle, authors, words, date, built_from, numbers),
                                encoding="utf-8")
                printed = _print(browser, path, title, words)
            else:
                raise RuntimeError(f"{language} PDF: its page numbers still moved after {PRINTINGS} printings")
            pdf = _finished(printed, book, numbers, this.date.isoformat(), this.commit, title, authors, language)
        finally:
            path.unlink(missing_ok=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        last.write_text(json.dumps(numbers, sort_keys=True), encoding="utf-8")
        partial = cached.with_name(cached.name + f".{os.getpid()}.partial")
        partial.write_bytes(pdf)
        partial.replace(cached)
    target = edition_dir / "_static" / PDF_NAME
    target.write_bytes(cached.read_bytes())
    return target


def write_edition(edition_dir: Path, root: Path, language: str, toc: dict, title: str, authors: str) -> Path:
    """The PDF of one edition, just built into `edition_dir` (called as Sphinx finishes, so the two
    editions print at once, each in its own build)."""
    from pipeline.local_browser import chromium, chromium_path

    if chromium_path() is None:
        raise RuntimeError("the PDF of the book is printed by Chromium, which is not installed "
                           "(Debian package 'chromium'; .ci/run installs it)")
    with chromium() as browser:
        return write(edition_dir, root, language, toc, title, authors, browser)
