"""The book's bibliography: which keys exist, and short author-year labels for chart captions."""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import latexcodec  # noqa: F401  (registers the 'ulatex' codec)

from pybtex.database import parse_file
from pybtex.scanner import PybtexError

ROOT = Path(__file__).resolve().parent.parent
BIB_FILE = ROOT / "references.bib"


class BibError(Exception):
    """references.bib cannot be read."""


def entries(path: Path = BIB_FILE) -> dict:
    """Entries of the bibliography by key (parsed once per version of the file)."""
    return _parsed(*_version(path))


def _version(path: Path) -> tuple[str, int, int]:
    """What the caches below are keyed by: the file and the version of it on disk."""
    try:
        stat = Path(path).stat()
    except OSError as err:
        raise BibError(f"cannot read {Path(path).name}: {err}") from None
    return str(path), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int, size: int) -> dict:
    try:
        return dict(parse_file(path, bib_format="bibtex").entries)
    except (OSError, PybtexError) as err:
        raise BibError(f"cannot read {Path(path).name}: {err}") from None


def keys(path: Path = BIB_FILE) -> frozenset[str]:
    """Every citation key of the bibliography."""
    return frozenset(entries(path))


def short_labels(keys_in_order: list[str], path: Path = BIB_FILE) -> list[str]:
    """Labels for several keys, first occurrence order, duplicates dropped: 'Le Ludec et al. (2019a)'."""
    version = _version(path)
    found, years = _parsed(*version), _years(*version)
    seen = dict.fromkeys(k for k in keys_in_order)
    return [f"{_who(found[k])} ({years[k]})" for k in seen]


@lru_cache(maxsize=4)
def _years(path: str, mtime_ns: int, size: int) -> dict[str, str]:
    """disambiguated_years of one version of the file (every chart caption asks for it)."""
    return disambiguated_years(_parsed(path, mtime_ns, size))


def disambiguated_years(found: dict) -> dict[str, str]:
    """The year of each entry as citations print it, with a, b, ... added where two works would
    otherwise read alike ('Le Ludec et al., 2019a' and '2019b'), lettered in the order of their
    titles. The book's captions and its citations (pipeline.sphinx_ext) both use it."""
    groups = defaultdict(list)
    for key, entry in found.items():
        groups[(_who(entry), base_year(entry))].append(key)
    years = {}
    for (_, year), keys in groups.items():
        if len(keys) == 1:
            years[keys[0]] = year
            continue
        ordered = sorted(keys, key=lambda k: (plain_text(found[k].fields.get("title", "")).lower(), k))
        for index, key in enumerate(ordered):
            years[key] = year + "abcdefghijklmnopqrstuvwxyz"[index]
    return years


def base_year(entry) -> str:
    """The entry's year without a disambiguating letter a citation style may have added."""
    return re.sub(r"(?<=\d)[a-z]$", "", str(entry.fields.get("year", "n.d.")))


def _who(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        names = [plain_text(entry.fields.get("howpublished", entry.fields.get("title", "?")))]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _surname(person) -> str:
    return plain_text(" ".join(person.prelast_names + person.last_names))


def plain_text(latex: str) -> str:
    """BibTeX field text as a reader sees it: accents decoded, protective braces dropped."""
    return decoded_latex(latex).replace("{", "").replace("}", "")


@lru_cache(maxsize=None)
def decoded_latex(latex: str) -> str:
    """LaTeX text in Unicode, decoded once per text: decoding is slow, and captions and citations
    ask for the same names and titles again and again (pipeline.sphinx_ext uses it too)."""
    return codecs.decode(latex, "ulatex")
