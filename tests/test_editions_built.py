"""The two editions of the built book: the same pages, the same figures, each in its language.

English at the root of _build/html, French under fr/. The figures of a French page are read
back from its text (266 126, 14,8) and compared with the English page's (266,126, 14.8), and each
chart's data with the English chart's: both come from one computation, so they must be equal.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import HTML, built_pages

pytestmark = pytest.mark.built

FR = HTML / "fr"
PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')
SPEC = re.compile(r'<script type="application/json" id="chart-spec-[^"]+">(.*?)</script>', re.S)
ENGLISH_WORDS = {"the", "and", "of", "is", "are", "to", "with", "which", "that", "this", "for", "was",
                 "were", "from", "by", "on", "it", "its", "has", "have", "not", "who", "what", "their"}
FRENCH_WORDS = {"le", "la", "les", "des", "du", "de", "et", "est", "sont", "une", "un", "pour", "que", "qui",
                "dans", "sur", "par", "pas", "ne", "ce", "cette", "au", "aux", "leur", "ou", "en"}


def english_pages() -> list[Path]:
    return [p for p in built_pages() if FR not in p.parents]


def french_twin(page: Path) -> Path:
    return FR / page.relative_to(HTML)


def test_every_page_exists_in_both_editions():
    english = {p.relative_to(HTML) for p in english_pages()}
    french = {p.relative_to(FR) for p in built_pages() if FR in p.parents}
    assert english, "no built book"
    assert sorted(english - french) == [], "pages missing from the French edition"
    assert sorted(french - english) == [], "pages missing from the English edition"


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_each_page_says_its_language_and_links_its_twin(page):
    for this, language, other in ((page, "en", "fr"), (french_twin(page), "fr", "en")):
        text = this.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in text:
            continue  # index.html only sends the reader on to the landing page
        assert re.search(rf'<html[^>]* lang="{language}"', text), f"{this}: lang is not {language}"
        alternate = re.search(rf'<link rel="alternate" hreflang="{other}" href="([^"]+)"', text)
        switch = re.search(rf'<a class="[^"]*book-edition-switch[^"]*" href="([^"]+)" hreflang="{other}"', text)
        assert alternate and switch, f"{this}: no link to the {other} edition"
        twin = (this.parent / switch.group(1)).resolve()
        assert twin == ((french_twin(page) if other == "fr" else page)).resolve(), f"{this}: the switch opens {twin}"


def _figure(text: str, language: str):
    """A pasted figure as a number (None for words): '266,126' and '266 126' are 266126."""
    text = text.strip()
    if language == "en":
        match = re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?", text)
        return float(text.replace(",", "")) if match else None
    match = re.fullmatch(r"-?\d{1,3}(\u202f\d{3})+(,\d+)?|-?\d+(,\d+)?", text)
    return float(text.replace("\u202f", "").replace(",", ".")) if match else None


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_the_french_page_pastes_the_same_figures_in_french_form(page):
    """Every figure pasted into the English page is pasted into the French one, written the
    French way."""
    english = PASTED.findall(page.read_text(encoding="utf-8"))
    french = PASTED.findall(french_twin(page).read_text(encoding="utf-8"))
    english_figures = Counter(f for f in (_figure(t, "en") for t in english) if f is not None)
    french_figures = Counter(f for f in (_figure(t, "fr") for t in french) if f is not None)
    # Read the French way, a figure left in English form would not equal its English twin
    # (266,126 would read as 266.126), and a decimal point is never French.
    assert french_figures == english_figures
    assert [t for t in french if re.search(r"\d\.\d", t)] == [], "figures in English form"


@pytest.mark.parametrize("page", [p for p in english_pages() if 'class="book-chart"' in p.read_text(encoding="utf-8")],
                         ids=lambda p: p.relative_to(HTML).as_posix())
def test_each_french_chart_draws_the_same_data_as_its_english_chart(page):
    english = [json.loads(s.replace("<\\/", "</")) for s in SPEC.findall(page.read_text(encoding="utf-8"))]
    french = [json.loads(s.replace("<\\/", "</")) for s in SPEC.findall(french_twin(page).read_text(encoding="utf-8"))]
    assert len(french) == len(english)
    for en, fr in zip(english, french):
        assert fr["config"]["locale"]["number"]["decimal"] == ","
        for name, rows in en.get("datasets", {}).items():
            numbers = [{k: v for k, v in row.items() if isinstance(v, (int, float))} for row in rows]
            assert [{k: v for k, v in row.items() if isinstance(v, (int, float))}
                    for row in fr["datasets"][name]] == numbers, f"{en.get('title')}: data {name}"
        assert fr["usermeta"]["sources"] == en["usermeta"]["sources"]


class _Text(HTMLParser):
    """The sentences a reader sees in the page's article, without code, citations of works and
    the reference list (titles of works keep their language)."""

    SKIPPED = {"script", "style", "code", "pre", "kbd", "samp"}

    def __init__(self):
        super().__init__()
        self.depth, self.skip, self.inside, self.text = 0, 0, 0, []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if self.inside:
            if tag in self.SKIPPED or "bibliography" in classes or "citation" in classes or "book-chart-source" in classes:
                self.skip += 1 if tag not in ("br", "img", "input") else 0
                self.stack.append(True)
            elif tag not in ("br", "img", "input", "meta", "link", "hr"):
                self.stack.append(False)
        elif tag == "article":
            self.inside, self.stack = 1, []

    def handle_endtag(self, tag):
        if self.inside and tag not in ("br", "img", "input", "meta", "link", "hr"):
            if not self.stack:
                self.inside = 0
            elif self.stack.pop():
                self.skip -= 1

    def handle_data(self, data):
        if self.inside and not self.skip:
            self.text.append(data)


def english_sentences(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.text))
    found = []
    for sentence in re.split(r"(?<=[.!?;:])\s+", text):
        words = re.findall(r"[a-zà-ÿ']+", sentence.lower())
        english = sum(w in ENGLISH_WORDS for w in words)
        if english >= 3 and english > sum(w in FRENCH_WORDS for w in words):
            found.append(sentence.strip()[:120])
    return found


def test_the_english_sentence_detector_finds_what_it_should():
    page = ("<article><p>Le livre compte les inscrits. The study counts people who are registered on a "
            "platform, not workers.</p><pre>the code of the book is not prose</pre>"
            "<p>Voir <span class=\"citation\">The Hidden Work of the Click</span>.</p></article>")
    assert english_sentences(page) == ["The study counts people who are registered on a platform, not workers."]


@pytest.mark.parametrize("page", english_pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_a_french_page_has_no_english_sentence(page):
    assert english_sentences(french_twin(page).read_text(encoding="utf-8")) == []


def test_the_french_glossary_is_in_the_order_of_its_french_terms():
    import unicodedata

    from bs4 import BeautifulSoup

    soup = BeautifulSoup((HTML / "fr" / "glossary.html").read_text("utf-8"), "html.parser")
    # An entry's first term orders it; its other names (Wirk after Foule Factory) follow it.
    firsts = [dt for dt in soup.select("dl.glossary dt")
              if dt.find_previous_sibling(["dt", "dd"]) is None or dt.find_previous_sibling(["dt", "dd"]).name == "dd"]
    words = [dt.get_text().rstrip("#").strip() for dt in firsts]
    assert len(words) >= 20
    bare = ["".join(c for c in unicodedata.normalize("NFD", w) if unicodedata.category(c) != "Mn").lower()
            for w in words]
    assert bare == sorted(bare), [w for w, b, s in zip(words, bare, sorted(bare)) if b != s][:5]


def test_the_french_reproducibility_tables_are_in_french():
    page = (HTML / "fr" / "reproducibility.html").read_text(encoding="utf-8")
    for english in ("Key packages of the build environment", "Chapter notebooks and the inputs", "code cells",
                    "data files read", "input fingerprint"):
        assert english not in page, f"fr/reproducibility.html: '{english}'"
    assert "Principaux paquets" in page and "cellules de code" in page
