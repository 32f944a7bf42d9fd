"""The glossary: every term it defines is used, and each chapter links a term on its first use.

A reader who meets "multi-homing" or "transposition" for the first time in a chapter should be
one tap from its meaning: the first use of a glossary term in each chapter must be a
`{term}` role, and a glossary entry that nothing links to is dead weight.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from pipeline import notebooks
from tests.conftest import ROOT

GLOSSARY = ROOT / "glossary.md"
TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<)?([^`<>]+?)>?`")
OTHER_ROLE = re.compile(r"\{(?!term\})[a-z:-]+\}`[^`]*`")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
HEADING = re.compile(r"^#.*$", re.M)
DIRECTIVE_LINE = re.compile(r"^(?::{3,}.*|:[a-z_-]+:.*|\(.+\)=)$", re.M)  # ::: fences and titles, options, targets
LINK_TARGET = re.compile(r"\]\([^)]*\)")
TERM_OR_CODE = re.compile(r"(\{term\}`[^`]*`)|`[^`\n]+`")  # a {term} role, or inline code


def entries(text: str | None = None) -> list[list[str]]:
    """The glossary's entries, each the list of its term lines (a term and its synonyms)."""
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    body = re.search(r"^```\{glossary\}\n(.*?)^```", text, re.S | re.M)
    if body is None:
        raise AssertionError("glossary.md has no ```{glossary} block")
    found, current = [], []
    for line in body.group(1).splitlines():
        if line.startswith(":") and not current:  # directive options
            continue
        if line and not line[0].isspace():
            current.append(line.strip())
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def _pattern(term: str) -> re.Pattern:
    """A term as it is met in prose: whole words, plural allowed; acronyms in capitals only."""
    words = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", term))
    flags = 0 if term.isupper() else re.I
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", flags)


def prose(text: str) -> str:
    """Markdown with code, headings, link targets and roles other than {term} blanked out, keeping
    each character's position (and line)."""
    for pattern in (FENCE, HEADING, DIRECTIVE_LINE, LINK_TARGET, OTHER_ROLE):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return TERM_OR_CODE.sub(lambda m: m.group(0) if m.group(1) else " " * len(m.group(0)), text)


def first_use_problems(text: str, glossary: list[list[str]]) -> list[str]:
    """For each entry used in the text: its first use must be a {term} role pointing to it."""
    problems = []
    text = prose(text)
    roles = [(m.start(), m.end(), m.group(1).strip().lower()) for m in TERM_ROLE.finditer(text)]
    plain = TERM_ROLE.sub(lambda m: " " * len(m.group(0)), text)
    for entry in glossary:
        names = {name.lower() for name in entry}
        linked = [start for start, _, target in roles if target in names]
        uses = [m.start() for name in entry for m in _pattern(name).finditer(plain)]
        if uses and (not linked or min(uses) < min(linked)):
            line = text.count("\n", 0, min(uses)) + 1
            problems.append(f"'{entry[0]}' is used on line {line} before it is linked with {{term}}")
    return problems


def chapter_texts() -> dict[str, str]:
    return {source.name: "\n".join(c.source if c.cell_type == "markdown" else re.sub(r"[^\n]", " ", c.source)
                                   for c in jupytext.read(source).cells)
            for source in notebooks.chapter_sources()}


@pytest.mark.parametrize("chapter", sorted(chapter_texts()))
def test_each_chapter_links_a_glossary_term_on_its_first_use(chapter):
    assert first_use_problems(chapter_texts()[chapter], entries()) == []


def test_every_glossary_entry_is_linked_from_the_book():
    linked = set()
    pages = list(chapter_texts().values()) + [p.read_text(encoding="utf-8") for p in ROOT.glob("*.md")
                                              if p.name not in ("glossary.md", "README.md")]
    for text in pages:
        linked |= {target.strip().lower() for target in TERM_ROLE.findall(text)}
    unused = [entry[0] for entry in entries() if not {name.lower() for name in entry} & linked]
    assert unused == []


def test_the_first_use_check_catches_what_it_is_for():
    glossary = entries("```{glossary}\nMulti-homing\n  Being on several platforms.\n\nSMIC\n  The minimum wage.\n```\n")
    assert glossary == [["Multi-homing"], ["SMIC"]]
    late = "People multi-home. Multi-homing is common, {term}`multi-homing` again."
    assert first_use_problems(late, glossary) == ["'Multi-homing' is used on line 1 before it is linked with {term}"]
    fine = "The {term}`SMIC <SMIC>` and {term}`multi-homing`; the SMIC again, multi-homing again."
    assert first_use_problems(fine, glossary) == []
    assert first_use_problems("## Multi-homing\n\nThe smic word in lower case.", glossary) == []
    assert first_use_problems("```{code-cell}\nmultihoming = 1\n```\nText.", glossary) == []
