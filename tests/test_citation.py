"""Citation that people and software read (pipeline.citation): the formats, the files for
reference managers, the tags of every page, and CITATION.cff and .zenodo.json agreeing with them."""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from pipeline import citation, edition, pdf
from tests.conftest import HTML, ROOT, built_pages

DAY = datetime.date(2026, 12, 1)
BOOK = citation.book("en", DAY, "abc1234", ROOT)
CHAPTER = citation.chapter(BOOK, "microworkbook_workforce", "How many click workers?", "1")
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
ZENODO = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))


def test_headline_case_keeps_small_words_low_but_first_last_and_after_a_colon():
    assert citation.headline_case("Paid by the click: online micro-work in data") == \
        "Paid by the Click: Online Micro-Work in Data"
    assert citation.headline_case("What could regulation do?") == "What Could Regulation Do?"
    assert citation.headline_case("the work of the few") == "The Work of the Few"


def test_apa_cites_the_book_and_a_chapter_in_it():
    assert citation.apa(BOOK) == ("The micro-work book authors. (2026). <em>Paid by the click: Online micro-work "
                                  "in data</em> (Edition of 1 December 2026).")
    assert citation.apa(CHAPTER) == ("The micro-work book authors. (2026). How many click workers? In <em>Paid by "
                                     "the click: Online micro-work in data</em> (Edition of 1 December 2026, "
                                     "chapter 1).")


def test_a_chapter_title_without_its_own_mark_ends_with_a_full_stop():
    plain = citation.chapter(BOOK, "microworkbook_pay", "Paid by the click: pay and poverty", "3")
    assert "pay and poverty. In <em>" in citation.apa(plain)
    assert "“Paid by the Click: Pay and Poverty.” Chapter 3 in" in citation.chicago(plain)


def test_chicago_cites_the_book_and_a_chapter_in_it():
    assert citation.chicago(BOOK) == ("The micro-work book authors. <em>Paid by the Click: Online Micro-Work in "
                                      "Data</em>. Edition of 1 December 2026. 2026.")
    assert citation.chicago(CHAPTER) == ("The micro-work book authors. “How Many Click Workers?” Chapter 1 in "
                                         "<em>Paid by the Click: Online Micro-Work in Data</em>. Edition of 1 "
                                         "December 2026. 2026.")


def test_the_french_edition_cites_in_french():
    french = citation.book("fr", DAY, "abc1234", ROOT, title="Payés au clic",
                           authors="Les auteurs du livre sur le microtravail")
    chapter = citation.chapter(french, "microworkbook_workforce", "Combien de travailleurs du clic ?", "1")
    assert french.title == "Payés au clic\u00a0: le microtravail en ligne, en données"
    assert "(Édition du 1er décembre 2026, chapitre 1)" in citation.apa(chapter)
    assert "« Combien de travailleurs du clic ? ». Dans <em>Payés au clic" in citation.chicago(chapter)
    assert ", chapitre 1. Édition du 1er décembre 2026. 2026." in citation.chicago(chapter)


def test_bibtex_entries_parse_and_carry_the_edition():
    from pybtex.database import parse_string

    entries = parse_string(citation.bibtex(BOOK) + "\n" + citation.bibtex(CHAPTER), "bibtex").entries
    assert entries["microworkbook"].type == "book"
    assert entries["microworkbook"].fields["edition"] == "2026-12-01"
    assert entries["microworkbook_workforce"].type == "incollection"
    assert entries["microworkbook_workforce"].fields["booktitle"] == CFF["title"]


def _ris_records(text: str) -> list[dict[str, list[str]]]:
    """RIS read as its specification writes it: 'XX  - value' lines, a record ending at ER."""
    records, record = [], {}
    for line in text.split("\r\n"):
        if not line:
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - ?(.*)", line)
        assert match, f"not an RIS line: {line!r}"
        if match.group(1) == "ER":
            records.append(record)
            record = {}
        else:
            record.setdefault(match.group(1), []).append(match.group(2))
    assert record == {}, "the last record has no ER line"
    return records


def test_ris_records_a_book_and_its_chapters():
    records = _ris_records(citation.ris([BOOK, CHAPTER]))
    assert [r["TY"] for r in records] == [["BOOK"], ["CHAP"]]
    assert records[1]["T2"] == [CFF["title"]] and records[1]["TI"] == ["How many click workers?"]
    assert records[0]["DA"] == ["2026/12/01"]


def test_csl_json_items_are_a_book_and_a_chapter():
    items = json.loads(citation.csl_json([BOOK, CHAPTER]))
    assert [item["type"] for item in items] == ["book", "chapter"]
    assert items[0]["issued"] == {"date-parts": [[2026, 12, 1]]}
    assert items[1]["container-title"] == CFF["title"] and items[1]["chapter-number"] == "1"


def test_citation_cff_and_zenodo_describe_the_same_book():
    assert {"cff-version", "message", "title", "authors"} <= set(CFF)
    assert CFF["preferred-citation"]["type"] == "book"
    assert CFF["preferred-citation"]["title"] == CFF["title"] == ZENODO["title"]
    names = [author["name"] for author in CFF["authors"]]
    assert [a["name"] for a in CFF["preferred-citation"]["authors"]] == names == [c["name"] for c in ZENODO["creators"]]
    assert ZENODO["license"].upper() in [licence.upper() for licence in CFF["license"]]
    assert ZENODO["keywords"] == CFF["keywords"] == CFF["preferred-citation"]["keywords"]
    assert ZENODO["description"] == " ".join(CFF["abstract"].split())
    assert ZENODO["upload_type"] == "publication" and ZENODO["publication_type"] == "book"


# --- The built book -------------------------------------------------------------------------------

def _tags(page) -> dict[str, list[str]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    tags: dict[str, list[str]] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("name") or meta.get("property")
        if key:
            tags.setdefault(key, []).append(meta.get("content", ""))
    return tags


def _edition_of(page) -> str:
    return "fr" if page.relative_to(HTML).parts[0] == "fr" else "en"


def _french_authors() -> str:
    return yaml.safe_load((ROOT / "locale" / "fr" / "book.yml").read_text(encoding="utf-8"))["author"]


@pytest.mark.built
def test_every_page_carries_the_tags_reference_managers_and_previews_read():
    this = edition.current(ROOT)
    pages = [p for p in built_pages() if p.name not in ("search.html", "genindex.html", "index.html")]
    assert len(pages) >= 24
    for page in pages:
        tags = _tags(page)
        language = _edition_of(page)
        assert tags["citation_author"] == ([a["name"] for a in CFF["authors"]] if language == "en"
                                           else [_french_authors()]), page
        assert tags["citation_publication_date"] == [this.date.strftime("%Y/%m/%d")], page
        assert tags["citation_language"] == [language], page
        root = HTML if language == "en" else HTML / "fr"
        assert (page.parent / tags["citation_pdf_url"][0]).resolve() == (root / "_static" / pdf.PDF_NAME).resolve()
        assert (page.parent / tags["og:image"][0]).resolve().is_file(), page
        assert tags.get("og:description") == tags.get("description"), page
        chapter = "citation_inbook_title" in tags
        book_title = tags["citation_inbook_title"][0] if chapter else tags["citation_title"][0]
        assert book_title == (CFF["title"] if language == "en" else
                              citation.book("fr", this.date, this.commit, ROOT, "Payés au clic", "x").title), page
        if chapter:  # the chapter's title as its page heads it, without the chapter's number
            heading = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1")
            for extra in heading.select(".section-number, .headerlink"):
                extra.decompose()
            assert tags["citation_title"] == [heading.get_text().strip()], page


@pytest.mark.built
def test_the_preview_image_is_the_landing_pages_summary_chart():
    for root in (HTML, HTML / "fr"):
        landing = (root / "intro.html").read_text(encoding="utf-8")
        tags = _tags(root / "intro.html")
        name = re.search(r"charts/([a-z0-9-]+)\.png", tags["og:image"][0]).group(1)
        label = re.search(rf'<figure id="fig-{name}" class="book-chart" aria-label="([^"]*)"', landing)
        assert label, f"{root}: the preview chart is not on the landing page"
        assert tags["og:image:alt"] == [html.unescape(label.group(1))]
        assert tags["og:type"] == ["book"]


@pytest.mark.built
def test_the_cite_page_gives_every_work_in_every_format_and_the_files_agree():
    for root in (HTML, HTML / "fr"):
        page = (root / "cite.html").read_text(encoding="utf-8")
        records = _ris_records((root / "_static" / citation.RIS_NAME).read_bytes().decode("utf-8"))
        items = json.loads((root / "_static" / citation.CSL_NAME).read_text(encoding="utf-8"))
        assert [r["TI"][0] for r in records] == [item["title"] for item in items]
        assert len(items) == 5 and [item["type"] for item in items] == ["book"] + ["chapter"] * 4
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
        for item in items:
            assert text.count(f"{{{item['id']},") == 1, f"{root}: no BibTeX entry for {item['id']}"
            assert " ".join(item["title"].split()) in text, f"{root}: {item['title']} is not cited"
        assert text.count("APA") >= 5 and text.count("Chicago") >= 5
        for name in (citation.RIS_NAME, citation.CSL_NAME, pdf.PDF_NAME):
            assert f'_static/{name}"' in page, f"{root}: the cite page does not link {name}"
