"""Guards on the prose: no typed numbers, and every glue key defined is used and vice versa.

A number in the text must come from a computation (`{glue:text}`), so that it cannot drift
from the data. The only numerals allowed in prose are years, dates and the legal references
of an explicit short list.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from pipeline import notebooks
from tests import readability
from tests.conftest import ROOT, toc_entries

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
LEGAL_REFERENCES = [  # the explicit allowlist: identifiers of texts, not quantities
    r"\(EU\) 2024/2831", r"2008/104/EC", r"No\. 193", r"2019-794 DC", r"[Aa]rticles? \d+(\(\d+\))?",
    r"[Aa]rticles \d+, \d+ and \d+", r"R\. 351-9", r"L\. 7342-9",
    r"SHA-256",  # the name of a standard checksum, not a quantity
    r"(CC BY|Attribution) 4\.0",  # the name of the text licence
]
STRIP = [
    re.compile(r"^```.*?^```", re.S | re.M),     # fenced code and directives
    re.compile(r"^\(.+?\)=\s*$", re.M),          # MyST target labels
    re.compile(r"^:[a-z_-]+:.*$", re.M),         # directive options
    re.compile(r"^\s*\d+\.\s", re.M),             # ordered-list markers
    re.compile(r"\{[a-z:-]+\}`[^`]*`"),          # roles: glue, cite, ref
    re.compile(r"`[^`]*`"),                      # inline code
    re.compile(r"\$[^$]*\$"),                    # math
    re.compile(r"\]\([^)]*\)"),                  # link targets
    re.compile(r"<!--.*?-->", re.S),             # comments
]
NUMERAL = re.compile(r"\d[\d,.]*\d|\d")


def toc_files() -> list[Path]:
    """The source file of every page in the table of contents."""
    return [ROOT / f"{entry}.md" for entry in toc_entries()]


def prose_pages() -> list[tuple[Path, str]]:
    """(file, markdown text) of every page: plain pages, and the markdown cells of chapters."""
    pages = []
    for source in toc_files():
        if source in notebooks.chapter_sources():
            cells = jupytext.read(source).cells
            text = "\n\n".join(c.source for c in cells if c.cell_type == "markdown")
        else:
            text = source.read_text(encoding="utf-8")
        pages.append((source, text))
    return pages


def allowed(text: str, start: int, end: int) -> bool:
    number = text[start:end]
    if re.fullmatch(r"(19|20)\d\d", number):                             # a year
        return True
    after, before = text[end:end + 12], text[max(0, start - 30):start]
    if re.match(rf"\s+({MONTHS})\b", after) and re.fullmatch(r"\d{1,2}", number):   # a date: 7 June
        return True
    for pattern in LEGAL_REFERENCES:
        for match in re.finditer(pattern, text[max(0, start - 40):end + 40]):
            offset = max(0, start - 40)
            if match.start() + offset <= start and end <= match.end() + offset:
                return True
    return False


def typed_numbers(text: str) -> list[tuple[int, str]]:
    """(line, numeral) of each number written in the prose that is not allowed."""
    cleaned = text
    for pattern in STRIP:  # blank out what is not prose, keeping line numbers
        cleaned = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), cleaned)
    found = []
    for match in NUMERAL.finditer(cleaned):
        if not allowed(cleaned, match.start(), match.end()):
            line = cleaned.count("\n", 0, match.start()) + 1
            found.append((line, match.group(0)))
    return found


@pytest.mark.parametrize("page", [p for p, _ in prose_pages()], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_typed_numbers_in_prose(page):
    text = dict(prose_pages())[page]
    offenders = typed_numbers(text)
    where = page.relative_to(ROOT).as_posix()
    assert offenders == [], "typed numbers (glue them from a computation): " + ", ".join(
        f"{where} line {line}: '{number}'" for line, number in offenders)


def test_the_guard_catches_what_it_should():
    text = "In 2019 the rate was 22% on 7 June, under Article 29(1) of Directive (EU) 2024/2831."
    assert typed_numbers(text) == [(1, "22")]
    assert typed_numbers("A {glue:text}`x:.1f`% share and `code 12` and [link](page-3.ipynb)") == []
    assert typed_numbers("```{code-cell}\nx = 5\n```\nfive") == []


GLUE_USE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+?)`")
GLUE_DIRECTIVE = re.compile(r"^```\{glue(?::[a-z]+)?\}\s+(\S+)\n((?::[a-z-]+:.*\n)*)", re.M)
GLUE_DOC = re.compile(r"^:doc:\s*(\S+)", re.M)


def defined_keys() -> dict[str, set[str]]:
    """Glue keys each executed notebook defines, by notebook stem."""
    keys = {}
    for source in notebooks.chapter_sources():
        notebook = notebooks.read(notebooks.executed_path(source))
        keys[source.stem] = {o.get("metadata", {}).get("scrapbook", {}).get("name")
                             for c in notebook.cells for o in c.get("outputs", [])} - {None}
    return keys


def used_keys() -> dict[str, set[str]]:
    """Glue keys each notebook's values are pasted under, anywhere in the book."""
    used: dict[str, set[str]] = {s.stem: set() for s in notebooks.chapter_sources()}
    for page, text in prose_pages():
        for role in GLUE_USE.findall(text):
            target = role.rsplit(":", 1)[0] if "::" not in role else role
            if "::" in target:
                path, key = target.split("::", 1)
                used[Path(path).stem].add(key.split(":")[0])
            else:
                used[page.stem].add(role.split(":")[0])
        for key, options in GLUE_DIRECTIVE.findall(text):
            doc = GLUE_DOC.search(options)
            used[Path(doc.group(1)).stem if doc else page.stem].add(key)
    # glue:md directives live in the chapters' markdown, which prose_pages() already reads
    return used


def test_every_pasted_glue_key_is_defined():
    defined, used = defined_keys(), used_keys()
    missing = {stem: sorted(keys - defined.get(stem, set())) for stem, keys in used.items()}
    assert {stem: keys for stem, keys in missing.items() if keys} == {}


def test_every_defined_glue_key_is_used():
    defined, used = defined_keys(), used_keys()
    unused = {stem: sorted(keys - used.get(stem, set())) for stem, keys in defined.items()}
    assert {stem: keys for stem, keys in unused.items() if keys} == {}, "glue keys defined but never used"


UNCLOSED_ROLE = re.compile(r"\{([a-z][a-z0-9_-]*(?::[a-z0-9_-]+)*)(?![}a-z0-9:_-])")


def unclosed_roles(text: str) -> list[tuple[int, str]]:
    """(line, text) of each role or directive name missing its closing brace: MyST shows it as
    plain text, the strict build does not warn, and the value never reaches the page."""
    fenced = STRIP[0]  # code blocks, where braces are code (a BibTeX entry, say)
    text = fenced.sub(lambda m: "\n" * m.group().count("\n"), text)
    return [(text.count("\n", 0, m.start()) + 1, text[m.start():m.end() + 20].splitlines()[0])
            for m in UNCLOSED_ROLE.finditer(text)]


def test_the_unclosed_role_guard_catches_what_it_should():
    assert unclosed_roles("it is {glue:text`x:.0f` euros") == [(1, "{glue:text`x:.0f` euros")]
    assert unclosed_roles("it is {glue:text}`x:.0f` euros, {cite}`key`\n```{glue:md} t\n```") == []
    assert unclosed_roles("```bibtex\n@book{key,\n  title = {T}\n}\n```\n{cite`key`") == [(6, "{cite`key`")]


@pytest.mark.parametrize("page", toc_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_role_is_closed(page):
    text = dict(prose_pages())[page]
    assert unclosed_roles(text) == [], f"{page.relative_to(ROOT)}: a role lacks its closing brace"


@pytest.mark.parametrize("page", toc_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_paragraphs_and_sentences_are_short_enough_to_read(page):
    """No paragraph over about 120 words and no sentence over about 40 (tests/readability.py)."""
    assert readability.too_long(page) == []


def test_the_length_check_reports_file_line_and_length(tmp_path):
    long_sentence = "Word " + " ".join(["word"] * 44) + "."
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nA short one. " + long_sentence + "\n\n```{code-cell} ipython3\n"
                    + " ".join(["code"] * 200) + "\n```\n\n" + "Short. " * 130 + "\n", encoding="utf-8")
    assert readability.too_long(page) == [
        'page.md line 3: sentence of 45 words: "' + long_sentence[:60] + '..."',
        "page.md line 9: paragraph of 130 words"]
    roles = "{glue:text}`casual:,d` people {cite:p}`leludec2019howmany`, et al. said. No. 193 stands."
    assert readability.sentences(readability._as_read(roles)) == [
        "Value people (Author, 2019), et al. said.", "No. 193 stands."]


CHAPTERS = sorted((ROOT / "chapters").glob("0[1-9]-*.md"))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_ends_on_what_the_data_support_and_its_own_limits(chapter):
    """The same ending everywhere: the claims table, then the limits of that chapter alone; the
    limits shared by all (secondary readings, pages read in part) are on the data appendix."""
    text = chapter.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings[-2:] == ["What the data support", "Limits"]
    support = text[text.index("## What the data support"):text.index("## Limits")]
    assert re.search(r"support_table\(", support) and "```{glue:md}" in support
    limits = text[text.index("## Limits"):]
    assert "data-limits" in limits
    assert not re.search(r"^- \*\*Secondary", limits, re.M), "say secondary readings once, on the data page"
