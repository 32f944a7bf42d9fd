"""How long the book's paragraphs and sentences are, as a reader meets them, by file and line.

Words are counted in the Markdown source as they will read: a glued value or a role counts as
one word, a citation `{cite:p}` as the two or three words it prints, code and directives not at
all. A list item is a paragraph of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MAX_PARAGRAPH_WORDS = 120
MAX_SENTENCE_WORDS = 40

ROLE = re.compile(r"\{(?P<name>[a-z:-]+)\}`(?P<body>[^`]*)`")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")  # [text]{.class}: the text is what reads
ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|et al|No|Art|St|Dr|Mr|Mrs|vs|cf|U\.S|p|pp|n\.d)\.$")


@dataclass(frozen=True)
class Paragraph:
    line: int
    text: str


def _as_read(text: str) -> str:
    """The paragraph's words as printed: roles become a word or two, links their text."""
    def role(match: re.Match) -> str:
        name = match.group("name")
        if name.startswith("cite"):
            return "Author 2019" if name.endswith(":t") or name == "cite" else "(Author, 2019)"
        if name.startswith("glue"):
            return "Value"  # capitalised: a glued value may open a sentence
        body = match.group("body")
        return re.sub(r"\s*<[^>]*>$", "", body) or "ref"
    text = ROLE.sub(role, text)
    text = LINK.sub(r"\1", text)
    text = SPAN.sub(r"\1", text)
    return re.sub(r"[*_`]", "", text)


def paragraphs(source: str) -> list[Paragraph]:
    """The prose paragraphs of a MyST page with the line each starts on: code cells, directives'
    fences and options, headings, tables, targets and comments left out."""
    found: list[Paragraph] = []
    block: list[str] = []
    start = 0
    in_code = False
    lines = source.splitlines()

    def close() -> None:
        nonlocal block
        if block:
            found.append(Paragraph(start, _as_read(" ".join(s.strip() for s in block))))
        block = []

    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("```"):  # code cells, glue and other ``` directives: not prose
            close()
            in_code = not in_code
            continue
        if in_code:
            continue
        if (not stripped or stripped.startswith(("#", "|", ":::", "<!--", "+++")) or re.match(r"^\(.+\)=$", stripped)
                or re.match(r"^:[a-z_-]+:", stripped) or stripped.startswith("---")):
            close()
            continue
        if re.match(r"^(\s*[-*]|\s*\d+\.)\s", line):
            close()
        if not block:
            start = number
        block.append(re.sub(r"^(\s*[-*]|\s*\d+\.)\s", "", line))
    close()
    return found


def words(text: str) -> int:
    return len(re.findall(r"[\w'’%.,-]*\w[\w'’%-]*", text))


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, not split after an abbreviation or inside a number."""
    parts, current = [], ""
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", text):
        current = f"{current} {piece}".strip()
        if not ABBREVIATIONS.search(current):
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def too_long(path: Path) -> list[str]:
    """Each paragraph over MAX_PARAGRAPH_WORDS and sentence over MAX_SENTENCE_WORDS, as
    'file line N: paragraph of W words' or '...: sentence of W words: "opening..."'."""
    reports = []
    for paragraph in paragraphs(path.read_text(encoding="utf-8")):
        n = words(paragraph.text)
        if n > MAX_PARAGRAPH_WORDS:
            reports.append(f"{path.name} line {paragraph.line}: paragraph of {n} words")
        for sentence in sentences(paragraph.text):
            n = words(sentence)
            if n > MAX_SENTENCE_WORDS:
                reports.append(f"{path.name} line {paragraph.line}: sentence of {n} words: \"{sentence[:60]}...\"")
    return reports
