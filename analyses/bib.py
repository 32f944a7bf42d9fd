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
    try:
        stat = Path(path).stat()
    except OSError as err:
        raise BibError(f"cannot read {Path(path).name}: {err}") from None
    return _parsed(str(path), stat.st_mtime_ns, stat.st_size)


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
    found = entries(path)
    years = _years_of(found)
    seen = dict.fromkeys(k for k in keys_in_order)
    return [f"{_who(found[k])} ({years[k]})" for k in seen]


def _years_of(found: dict) -> dict[str, str]:
    """disambiguated_years of one parsed version of the file (each chart caption asks for it)."""
    cached = _YEARS.get(id(found))
    if cached is None or cached[0] is not found:
        cached = _YEARS[id(found)] = (found, disambiguated_years(found))
    return cached[1]


_YEARS: dict[int, tuple[dict, dict[str, str]]] = {}


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


@lru_cache(maxsize=8192)  # decoding is slow and captions ask for the same names many times
def plain_text(latex: str) -> str:
    """BibTeX field text as a reader sees it: accents decoded, protective braces dropped."""
    return codecs.decode(latex, "ulatex+utf8").replace("{", "").replace("}", "")
