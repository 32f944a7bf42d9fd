"""The French edition's text: message catalogues in locale/fr/LC_MESSAGES/, one per page.

The English pages are the only source of the book's structure, code and figures. Sphinx's
gettext builder extracts each paragraph, heading, list item and table cell of the built English
pages as a message (MyST source, roles included); the French catalogue gives each its French
text, and the French edition is built from the same executed notebooks with `language: fr`.

    python -m pipeline.translations update   # extract the English messages, merge into the .po
    python -m pipeline.translations check    # what is untranslated, outdated or broken, by file

`update` keeps every translation whose English is unchanged, marks one whose English changed
as fuzzy (an outdated translation the French build does not use), and adds new messages empty.
`check` exits non-zero naming each such message, and each translation whose roles differ from
its English: a pasted value, a cross-reference or a citation must survive translation, or the
French page would lose a figure or a link (Sphinx also refuses translations whose references
differ in number).
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGE = "fr"
CATALOGUES = LOCALE / LANGUAGE / "LC_MESSAGES"
GETTEXT_WORK = ROOT / "_build" / ".gettext"  # the gettext build's own folder, apart from the HTML's
ROLE = re.compile(r"\{([a-z][a-z0-9:_-]*)\}`([^`]*)`")
KEPT_VERBATIM = ("glue", "glue:text", "glue:any", "cite:p", "cite:t", "cite:ps", "cite:ts", "edition", "eq")
LABELLED = ("ref", "doc", "numref")  # the text may change, the target in <...> may not
NUMBER = re.compile(r"\d+")
# A fixed header, so that an update that changes no message leaves the file byte for byte.
HEADER = b'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@dataclass(frozen=True)
class Problem:
    catalogue: str
    line: int
    english: str
    what: str

    def __str__(self) -> str:
        start = self.english if len(self.english) <= 90 else self.english[:87] + "..."
        return f"{self.catalogue}:{self.line}: {self.what}: {start!r}"


def roles(text: str) -> Counter:
    """The roles a message carries, each with what must survive translation: the whole content
    of a pasted value or a citation, the target of a cross-reference, only the kind of a term."""
    found: Counter = Counter()
    for name, content in ROLE.findall(text):
        if name in KEPT_VERBATIM:
            found[(name, content)] += 1
        elif name in LABELLED:
            target = re.search(r"<([^<>]+)>\s*$", content)
            found[(name, (target.group(1) if target else content).strip())] += 1
        else:
            found[(name, "")] += 1
    return found


# Digit groups: a comma in English (2,676), a space in French (2 676), where the comma is decimal.
DIGIT_GROUP = {"en": re.compile(r"(?<=\d),(?=\d{3}(?!\d))"),
               "fr": re.compile(r"(?<=\d)[\u202f\u00a0 ](?=\d{3}(?!\d))")}


def _numbers_outside_roles(text: str, language: str) -> Counter:
    """The figures a text types, by value: 2,676 in English and 2 676 in French are one figure,
    02 and 2 too (a date), and 1er is 1."""
    text = DIGIT_GROUP[language].sub("", ROLE.sub(" ", re.sub(r"\]\([^)]*\)", "]", text)))
    return Counter(str(int(n)) for n in NUMBER.findall(text))


def message_problems(english: str, french: str) -> list[str]:
    """What is wrong with one translation: roles lost, changed or added; a figure typed that the
    English does not have (figures come from the computation, never from the translator)."""
    found = []
    before, after = roles(english), roles(french)
    for role, target in sorted((before - after).keys()):
        found.append(f"lost {{{role}}}`{target}`" if target else f"lost a {{{role}}} role")
    for role, target in sorted((after - before).keys()):
        found.append(f"added {{{role}}}`{target}`" if target else f"added a {{{role}}} role")
    typed = _numbers_outside_roles(french, "fr") - _numbers_outside_roles(english, "en")
    if typed:
        found.append("figures typed that the English does not have: " + ", ".join(sorted(typed)))
    return found


def catalogue_problems(path: Path) -> list[Problem]:
    """Every message of one catalogue that the French edition cannot use as it stands."""
    name = path.relative_to(CATALOGUES).as_posix() if path.is_relative_to(CATALOGUES) else path.name
    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        line = message.lineno or 0
        english = message.id if isinstance(message.id, str) else message.id[0]
        french = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        if not french:
            found.append(Problem(name, line, english, "untranslated"))
        elif message.fuzzy:
            found.append(Problem(name, line, english, "outdated (the English changed; fuzzy)"))
        else:
            found.extend(Problem(name, line, english, what) for what in message_problems(english, french))
    return found


def extract(root: Path = ROOT, output_work: Path = GETTEXT_WORK) -> Path:
    """The English book's messages as templates (.pot), one per page, by Sphinx's gettext builder."""
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "custom",
               "--custom-builder", "gettext", "--path-output", str(output_work)]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"translations: extracting the English messages failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return output_work / "_build" / "gettext"


VALUES = "values"  # the catalogue of the words the notebooks paste into sentences


def glued_words(root: Path = ROOT) -> dict[str, list[str]]:
    """Every value in words that an executed chapter glues for the prose ('30 September 2026',
    'three of the eight household types'), with the keys that glue it: the French build pastes
    its translation (figures, even glued as text, are formatted, never translated)."""
    from ast import literal_eval

    from pipeline import editions, notebooks

    words: dict[str, list[str]] = {}
    for source in notebooks.chapter_sources():
        notebook = notebooks.executed_path(source)
        for key, data in editions.glued_outputs(notebook).items():
            if set(data) - {"text/plain"}:
                continue  # Markdown, a chart: pasted as their own messages or figures
            try:
                value = literal_eval(data.get("text/plain", ""))
            except (SyntaxError, ValueError):
                continue
            if isinstance(value, str) and value.strip() and not editions.ENGLISH_NUMBER.fullmatch(value.strip()):
                words.setdefault(value, []).append(f"{notebook.relative_to(root).as_posix()}::{key}")
    return words


CHARTS = "charts"  # the catalogue of the words the charts show
BIBLIOGRAPHY = "bibliography"  # the catalogue of the words that describe the works cited


def translated_words(catalogues: Path = CATALOGUES, name: str = VALUES) -> dict[str, str]:
    """The French of each message of a catalogue (the glued values, the charts' words) that has
    an up-to-date translation."""
    path = catalogues / f"{name}.po"
    if not path.exists():
        return {}
    return dict(_translated(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _translated(path: str, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    """One version of a catalogue, read once (every page with charts asks for them all)."""
    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    return tuple((m.id, m.string) for m in catalogue if m.id and m.string and not m.fuzzy)


def _write_template(target: Path, messages: dict[str, list[str]]) -> Path:
    """A message template of `messages` (English text -> where it is, written as comments)."""
    template = Catalog(project="Paid by the click")
    for text, where in messages.items():
        template.add(text, auto_comments=where)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        write_po(handle, template, width=0, omit_header=True)
    return target


def write_values_template(templates: Path, root: Path = ROOT) -> Path:
    """The glued words as a message template, each with the keys that paste it as a comment."""
    return _write_template(templates / f"{VALUES}.pot", dict(sorted(glued_words(root).items())))


def chart_words(notebook: Path, root: Path = ROOT) -> dict[str, list[str]]:
    """Every piece of text the charts of an executed chapter show, with the charts that show it."""
    from analyses import charts
    from pipeline import chart_assets, editions, french_charts

    words: dict[str, list[str]] = {}
    for spec in chart_assets.notebook_specs(notebook):
        where = charts._title_text(spec)
        for word in french_charts.words_of(spec):
            if not editions.ENGLISH_NUMBER.fullmatch(word.strip()) and where not in words.setdefault(word, []):
                words[word].append(where)
    return words


def write_charts_templates(templates: Path, root: Path = ROOT) -> list[Path]:
    """The words of each chapter's charts as a message template (charts/<chapter>.pot), each
    with the titles of the charts that show it as a comment."""
    from pipeline import notebooks

    written = []
    for source in notebooks.chapter_sources():
        words = chart_words(notebooks.executed_path(source), root)
        if not words:
            continue
        written.append(_write_template(templates / CHARTS / f"{source.stem}.pot", words))
    return written


def chart_translations(catalogues: Path = CATALOGUES) -> dict[str, str]:
    """The French of every chart word that has an up-to-date translation, all chapters together."""
    found: dict[str, str] = {}
    for path in sorted((catalogues / CHARTS).glob("*.po")):
        found.update(translated_words(catalogues / CHARTS, path.stem))
    return found


def write_bibliography_template(templates: Path, root: Path = ROOT) -> Path:
    """The descriptions of the works cited as a message template, with the keys that hold each."""
    from analyses import bib
    from pipeline import editions

    return _write_template(templates / f"{BIBLIOGRAPHY}.pot",
                           editions.bibliography_words(bib.entries(root / "references.bib")))


def update(templates: Path, catalogues: Path = CATALOGUES) -> list[Path]:
    """Merge each template into its French catalogue (created if missing); returns what changed."""
    changed = []
    for template_path in sorted(templates.rglob("*.pot")):
        relative = template_path.relative_to(templates).with_suffix(".po")
        target = catalogues / relative
        with open(template_path, "rb") as handle:
            template = read_po(handle)
        if target.exists():
            with open(target, "rb") as handle:
                catalogue = read_po(handle, locale=LANGUAGE)
            catalogue.update(template, update_header_comment=False)
        else:
            catalogue = Catalog(locale=LANGUAGE, project="Paid by the click", fuzzy=False)
            for message in template:
                if message.id:
                    catalogue.add(message.id, "", locations=message.locations,
                                  auto_comments=message.auto_comments)
        before = target.read_bytes() if target.exists() else b""
        target.parent.mkdir(parents=True, exist_ok=True)
        body = io.BytesIO()
        write_po(body, catalogue, width=0, omit_header=True, include_previous=True, no_location=True,
                 ignore_obsolete=True)  # what the English no longer says goes
        written = HEADER + body.getvalue()
        if written != before:
            target.write_bytes(written)
            changed.append(target)
    return changed


def _merged(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merged(base.get(key) or {}, value) if isinstance(value, dict) else value
    return merged


def edition_config(root: Path = ROOT, language: str = LANGUAGE) -> Path:
    """The configuration of an edition in another language: the book's _config.yml, with what
    locale/<language>/book.yml says differently, and Sphinx told the language. Written under
    _build/ for `jupyter-book build --config`."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    own = yaml.safe_load((root / "locale" / language / "book.yml").read_text(encoding="utf-8")) or {}
    config = _merged(config, own)
    config = _merged(config, {"sphinx": {"config": {"language": language}}})
    target = root / "_build" / ".cache" / f"config-{language}.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "check"])
    parser.add_argument("catalogues", nargs="*", type=Path, help="check these .po files only")
    args = parser.parse_args(argv)
    if args.command == "update":
        templates = extract()
        write_values_template(templates)
        write_charts_templates(templates)
        write_bibliography_template(templates)
        for path in update(templates):
            print(f"  updated {path.relative_to(ROOT)}")
        return 0
    paths = args.catalogues or sorted(CATALOGUES.rglob("*.po"))
    problems = [problem for path in paths for problem in catalogue_problems(path)]
    for problem in problems:
        print(problem)
    counts = Counter(p.catalogue for p in problems)
    for name, count in sorted(counts.items()):
        print(f"  {name}: {count} message(s) to mend", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
