"""The bibliography: labels for captions, and no entry that nothing cites."""

from __future__ import annotations

import re

from analyses import bib, data
from tests.conftest import ROOT


def test_labels_follow_author_year():
    assert bib.short_labels(["leludec2019howmany"]) == ["Le Ludec et al. (2019b)"]
    assert bib.short_labels(["insee2019portrait", "insee2019portrait"]) == ["Insee (2019)"]
    assert bib.short_labels(["afp2019premiere"]) == ["Agence France-Presse (2019b)"]


def test_works_that_would_cite_alike_get_a_letter_after_their_year():
    """The same first authors and year: 'Le Ludec et al., 2019a' and '2019b', lettered by title."""
    years = bib.disambiguated_years(bib.entries())
    assert (years["leludec2019combien"], years["leludec2019howmany"]) == ("2019a", "2019b")
    assert years["kassi2021howmany"] == "2021"
    labels = bib.short_labels(sorted(bib.keys()))
    assert len(labels) == len(set(labels)), "two works read alike in captions"


def test_every_entry_names_its_authors_or_the_organisation_behind_it():
    """Without one, the citation shows the title where the author belongs."""
    nameless = [key for key, entry in bib.entries().items()
                if not (entry.persons.get("author") or entry.persons.get("editor"))]
    assert nameless == []


def test_the_disambiguation_letter_is_not_counted_twice():
    entry = bib.entries()["leludec2019howmany"]
    assert bib.base_year(entry) == "2019"


def test_latex_accents_are_decoded():
    assert bib.plain_text("K{\\\"a}ssi") == "Kässi"
    assert bib.plain_text("{\\'E}conomie") == "Économie"


def _cited_in_prose() -> set[str]:
    pages = [p for p in ROOT.glob("*.md") if p.name != "README.md"] + list(ROOT.glob("chapters/*.md"))
    keys = set()
    for page in pages:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", page.read_text(encoding="utf-8")):
            keys.update(k.strip() for k in group.split(","))
    return keys


def test_every_bibliography_entry_is_used():
    used = _cited_in_prose()
    for res in data.package()["resources"]:
        frame = data.load(res["name"])
        used |= set(frame["source"]) | set(frame["via"].dropna())
    assert bib.keys() - used == set()


def test_every_citation_in_prose_exists():
    assert _cited_in_prose() - bib.keys() == set()


def test_decoding_each_latex_text_once_gives_what_pybtex_gives(monkeypatch):
    """pipeline.sphinx_ext keeps decoded LaTeX between builds: the rich text must be the same."""
    from pybtex import richtext

    from pipeline import sphinx_ext

    texts = [value for entry in bib.entries().values() for value in entry.fields.values()]
    texts += [name for entry in bib.entries().values() for people in entry.persons.values()
              for person in people for name in person.last_names]
    before = [repr(richtext.Text.from_latex(text)) for text in texts]
    monkeypatch.setattr(richtext.Text, "from_latex", richtext.Text.__dict__["from_latex"])  # restored afterwards
    sphinx_ext._decode_latex_once(None)
    assert richtext.Text.from_latex.decodes_once
    assert [repr(richtext.Text.from_latex(text)) for text in texts] == before
    assert [repr(richtext.Text.from_latex(text)) for text in texts] == before, "and again, from the cache"
