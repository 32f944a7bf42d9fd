"""How the book and its chapters are cited, in the formats people and software read, from one
description of the book: `CITATION.cff` (title, authors, licence, keywords, abstract), the
edition (the commit's date and hash) and each edition's own title.

- `apa`, `chicago`, `bibtex`: the citations the How to cite page shows (the `book-citations`
  directive of pipeline.sphinx_ext), for the book and for each chapter;
- `ris`, `csl_json`: the same works for reference managers, written into each edition's
  `_static/` as `paid-by-the-click.ris` and `paid-by-the-click.csl.json`;
- `meta_tags`: the `citation_*` tags Zotero and Google Scholar read, and the description and
  Open Graph tags of a shared link's preview, for every page.

`.zenodo.json` repeats the description for the archive a release deposits; tests/test_citation.py
checks that both files and the built pages agree.
"""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from pipeline import edition as book_edition

ROOT = Path(__file__).resolve().parent.parent
RIS_NAME = "paid-by-the-click.ris"
CSL_NAME = "paid-by-the-click.csl.json"
BOOK_KEY = "microworkbook"
# The French edition's title after its colon: CITATION.cff gives the English one.
SUBTITLES = {"fr": "le microtravail en ligne, en données"}
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


@dataclass(frozen=True)
class Work:
    """The book, or one of its chapters (with its `chapter` number and the book as `container`)."""

    key: str
    title: str
    authors: tuple[str, ...]
    day: datetime.date
    commit: str
    language: str
    container: str | None = None
    chapter: str | None = None
    url: str | None = None
    pdf_url: str | None = None


def description(root: Path = ROOT) -> dict:
    """CITATION.cff, read."""
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def book(language: str, day: datetime.date, commit: str, root: Path = ROOT, title: str | None = None,
         authors: str | None = None) -> Work:
    """The book as the edition in `language` names it: CITATION.cff's title and authors, or the
    edition's own (`title` before the colon, `authors` as one name) with its subtitle."""
    cff = description(root)
    full = cff["title"] if title is None else f"{title}{_colon(language)}{SUBTITLES.get(language, '')}"
    names = tuple(a["name"] for a in cff["authors"]) if authors is None else (authors,)
    return Work(BOOK_KEY, full, names, day, commit, language)


def chapter(whole: Work, key: str, title: str, number: str) -> Work:
    return replace(whole, key=key, title=title, container=whole.title, chapter=number)


def _colon(language: str) -> str:
    return "\u00a0: " if language == "fr" else ": "


def _english_date(day: datetime.date) -> str:
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def _edition_label(work: Work) -> str:
    if work.language == "fr":
        from pipeline.editions import french_date

        return f"édition du {french_date(work.day)}"
    return f"edition of {_english_date(work.day)}"


def _sentence_case_after_colon(title: str) -> str:
    """APA's rule: the first word after a colon takes a capital."""
    head, colon, tail = title.partition(": ")
    return f"{head}{colon}{tail[:1].upper()}{tail[1:]}" if colon else title


SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
               "per", "the", "to", "via", "vs", "with"}


def headline_case(title: str) -> str:
    """Chicago's headline style: every word capitalised but articles, conjunctions and
    prepositions, which stay lower case unless they open or close the title or follow a colon;
    each part of a hyphenated word is capitalised."""
    words = title.split(" ")

    def capital(word: str) -> str:
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))

    out = []
    for index, word in enumerate(words):
        bare = word.strip("\"'()?!.,:;").lower()
        opens = index == 0 or out[-1].endswith(":")
        closes = index == len(words) - 1
        out.append(word if bare in SMALL_WORDS and not (opens or closes) else capital(word))
    return " ".join(out)


def _closed(title: str) -> str:
    """A title ended by a full stop, unless it ends with its own mark."""
    return title if title.endswith(("?", "!", ".")) else title + "."


def apa(work: Work) -> str:
    """APA (7th edition) reference, as HTML (the book's title in italics)."""
    authors = ", ".join(work.authors)
    edition = _edition_label(work)
    edition = edition[:1].upper() + edition[1:]
    link = f" {html.escape(work.url)}" if work.url else ""
    if work.container:
        within = "Dans" if work.language == "fr" else "In"
        chapter = "chapitre" if work.language == "fr" else "chapter"
        return (f"{html.escape(authors)}. ({work.day.year}). {html.escape(_closed(work.title))} {within} "
                f"<em>{html.escape(_apa_title(work.container, work.language))}</em> "
                f"({html.escape(edition)}, {chapter} {work.chapter}).{link}")
    return (f"{html.escape(authors)}. ({work.day.year}). <em>{html.escape(_apa_title(work.title, work.language))}"
            f"</em> ({html.escape(edition)}).{link}")


def _apa_title(title: str, language: str) -> str:
    return title if language == "fr" else _sentence_case_after_colon(title)


def chicago(work: Work) -> str:
    """Chicago (17th edition, bibliography) entry, as HTML; English titles in headline style."""
    authors = ", ".join(work.authors)
    title = (lambda text: text) if work.language == "fr" else headline_case
    edition = _edition_label(work)
    edition = edition[:1].upper() + edition[1:]
    link = f" {html.escape(work.url)}." if work.url else ""
    if work.container:
        if work.language == "fr":
            return (f"{html.escape(authors)}. « {html.escape(work.title)} ». Dans <em>{html.escape(work.container)}"
                    f"</em>, chapitre {work.chapter}. {html.escape(edition)}. {work.day.year}.{link}")
        return (f"{html.escape(authors)}. “{html.escape(_closed(title(work.title)))}” Chapter {work.chapter} in "
                f"<em>{html.escape(title(work.container))}</em>. {html.escape(edition)}. {work.day.year}.{link}")
    return (f"{html.escape(authors)}. <em>{html.escape(title(work.title))}</em>. {html.escape(edition)}. "
            f"{work.day.year}.{link}")


def bibtex(work: Work) -> str:
    """A BibTeX entry: @book, or @incollection for a chapter."""
    fields = [("author", "{" + " and ".join("{" + name + "}" for name in work.authors) + "}"),
              ("title", "{" + work.title + "}")]
    if work.container:
        fields += [("booktitle", "{" + work.container + "}"), ("chapter", "{" + work.chapter + "}")]
    fields += [("year", "{" + str(work.day.year) + "}"), ("edition", "{" + work.day.isoformat() + "}"),
               ("language", "{" + {"en": "english", "fr": "french"}[work.language] + "}")]
    if work.url:
        fields.append(("url", "{" + work.url + "}"))
    fields.append(("note", "{Commit " + work.commit + ". Text and data: CC BY 4.0; code: MIT}"))
    body = ",\n".join(f"  {name:<9} = {value}" for name, value in fields)
    return f"@{'incollection' if work.container else 'book'}{{{work.key},\n{body}\n}}"


def ris(works: list[Work]) -> str:
    """The works as RIS records (BOOK and CHAP), for reference managers."""
    records = []
    for work in works:
        lines = [("TY", "CHAP" if work.container else "BOOK")]
        lines += [("AU", name) for name in work.authors]
        lines.append(("TI", work.title))
        if work.container:
            lines += [("T2", work.container), ("SE", work.chapter)]
        lines += [("PY", str(work.day.year)), ("DA", work.day.strftime("%Y/%m/%d")),
                  ("ET", _edition_label(work)), ("LA", work.language)]
        if work.url:
            lines.append(("UR", work.url))
        if work.pdf_url:
            lines.append(("L1", work.pdf_url))
        lines += [("N1", f"Commit {work.commit}"), ("ID", work.key), ("ER", "")]
        records.append("\r\n".join(f"{tag}  - {value}" for tag, value in lines))  # "ER  - " ends a record
    return "\r\n".join(records) + "\r\n"


def csl_json(works: list[Work]) -> str:
    """The works as CSL-JSON items (book and chapter), for reference managers."""
    items = []
    for work in works:
        item = {"id": work.key, "type": "chapter" if work.container else "book", "title": work.title,
                "author": [{"literal": name} for name in work.authors],
                "issued": {"date-parts": [[work.day.year, work.day.month, work.day.day]]},
                "edition": _edition_label(work), "language": work.language, "note": f"Commit {work.commit}"}
        if work.container:
            item |= {"container-title": work.container, "chapter-number": work.chapter}
        if work.url:
            item["URL"] = work.url
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def meta_tags(work: Work, page_title: str, description: str, page_url: str | None, image: str | None,
              image_alt: str, site: str, kind: str) -> str:
    """The `<meta>` tags of one page: `citation_*` for the work the page is (the book, or a
    chapter in it), then the description and the Open Graph tags of a link's preview."""
    tags: list[tuple[str, str, str]] = [("name", "citation_title", work.title)]
    tags += [("name", "citation_author", name) for name in work.authors]
    tags += [("name", "citation_publication_date", work.day.strftime("%Y/%m/%d")),
             ("name", "citation_edition", _edition_label(work)),
             ("name", "citation_language", work.language)]
    if work.container:
        tags += [("name", "citation_inbook_title", work.container)]
    if work.pdf_url:
        tags.append(("name", "citation_pdf_url", work.pdf_url))
    tags += [("property", "og:type", kind), ("property", "og:title", page_title),
             ("property", "og:site_name", site), ("property", "og:locale",
                                                   {"en": "en_GB", "fr": "fr_FR"}[work.language])]
    if description:
        tags.append(("property", "og:description", description))
    if page_url:
        tags.append(("property", "og:url", page_url))
    if image:
        tags += [("property", "og:image", image), ("property", "og:image:alt", image_alt),
                 ("name", "twitter:card", "summary_large_image")]
    return "".join(f'\n<meta {attribute}="{name}" content="{html.escape(value)}">' for attribute, name, value in tags)


def chapter_key(docname: str) -> str:
    """`chapters/03-pay-poverty` -> microworkbook_pay: the keys the cite page has always given."""
    return f"{BOOK_KEY}_{re.sub(r'^[0-9]+-', '', Path(docname).name).split('-')[0]}"


def current_book(language: str, title: str, authors: str, root: Path = ROOT) -> Work:
    """The book of the edition being built, in `language`."""
    this = book_edition.current(root)
    if language == "en":
        return book("en", this.date, this.commit, root)
    return book(language, this.date, this.commit, root, title=title, authors=authors)
