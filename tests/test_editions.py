"""The French edition: its figures, typography and links, and the catalogues that hold its text.

The expected strings are written out by hand (French usage: a thin non-breaking space between
thousands, a decimal comma, a non-breaking space before : and %, a thin one before ; ! ? and
inside « »), not computed by the code under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from pipeline import editions, translations

THIN, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize("english, french", [
    ("266,126", f"266{THIN}126"),
    ("1,234,567.5", f"1{THIN}234{THIN}567,5"),
    ("14.8", "14,8"),
    ("0.25", "0,25"),
    ("-3.25", "-3,25"),
    ("2019", "2019"),          # not grouped in English, not grouped in French: a year stays a year
    ("14903", "14903"),
    ("seven", "seven"),        # words are translated by the catalogue, never by this function
    ("12:30", "12:30"),
    ("2 h 43 min", "2 h 43 min"),
])
def test_a_pasted_figure_is_written_the_french_way(english, french):
    assert editions.french_number(english) == french


def test_french_typography_keeps_marks_on_the_line_of_their_word():
    assert editions.french_typography("Qui ? 14,8 % ; « oui » : non !") == \
        f"Qui{THIN}? 14,8{NBSP}% ;".replace(" ;", f"{THIN};") + f" «{THIN}oui{THIN}»{NBSP}: non{THIN}!"
    assert editions.french_typography("l'étude d'Insee") == "l\u2019étude d\u2019Insee"
    # no space written, none added: addresses, times and ratios stay as they are
    assert editions.french_typography("https://example.org 10:30 3:1") == "https://example.org 10:30 3:1"


def test_a_citation_label_reads_french():
    assert editions.french_citation("Argouarc'h and Picard, 2018") == "Argouarc'h et Picard, 2018"
    assert editions.french_citation("U.S. Department of Labor, n.d.") == "U.S. Department of Labor, s. d."
    office = "U.S. Department of Labor, Wage and Hour Division"
    assert office in editions.names_with_and(), "read from the bibliography"
    assert editions.french_citation(f"{office} and Smith, n.d.", frozenset({office})) == f"{office} et Smith, s. d."


def test_typography_leaves_code_alone():
    document = new_document("test", get_default_settings(Parser))
    Parser().parse("Voici : ``a : b`` fin !", document)
    editions._typeset(None, document, "test")
    paragraph = document[0]
    assert paragraph[0].astext() == f"Voici{NBSP}: "
    assert isinstance(paragraph[1], nodes.literal) and paragraph[1].astext() == "a : b"
    assert paragraph[2].astext() == f" fin{THIN}!"


@pytest.mark.parametrize("language, page, other, address", [
    ("en", "intro", "fr", "fr/intro.html"),
    ("en", "chapters/01-workforce", "fr", "../fr/chapters/01-workforce.html"),
    ("fr", "intro", "en", "../intro.html"),
    ("fr", "chapters/01-workforce", "en", "../../chapters/01-workforce.html"),
])
def test_each_page_links_the_same_page_in_the_other_edition(language, page, other, address):
    assert editions.other_edition(language, page) == (other, address)


def test_the_french_pages_share_the_static_files_that_are_the_same(tmp_path):
    book = tmp_path / "html"
    for folder in ("_static", "fr/_static"):
        (book / folder).mkdir(parents=True)
        (book / folder / "bundle.js").write_text("same")
    (book / "_static" / "translations.js").write_text("English")
    (book / "fr" / "_static" / "translations.js").write_text("French")
    (book / "fr" / "chapters").mkdir()
    page = book / "fr" / "chapters" / "p.html"
    page.write_text('<script src="../_static/bundle.js?v=1"></script><script src="../_static/translations.js">'
                    '</script><link data-combines="../_static/bundle.js ../_static/translations.js">')
    assert editions.share_static(book) == 1
    assert page.read_text() == ('<script src="../../_static/bundle.js?v=1"></script><script src="../_static/'
                                'translations.js"></script><link data-combines="../../_static/bundle.js '
                                '../_static/translations.js">')
    assert not (book / "fr" / "_static" / "bundle.js").exists()
    assert (book / "fr" / "_static" / "translations.js").read_text() == "French"
    before = page.read_text()
    assert editions.share_static(book) == 0 and page.read_text() == before, "a second pass changes nothing"


@pytest.mark.parametrize("english, french, problems", [
    ("{glue:text}`casual:,d` people", "{glue:text}`casual:,d` personnes", []),
    ("{glue:text}`casual:,d` people", "des personnes", ["lost {glue:text}`casual:,d`"]),
    ("{glue:text}`casual:,d` people", "{glue:text}`casual:d` personnes",
     ["lost {glue:text}`casual:,d`", "added {glue:text}`casual:d`"]),
    ("see {ref}`chapter-pay`", "voir {ref}`le chapitre <chapter-pay>`", []),
    ("see {ref}`chapter-pay`", "voir {ref}`le chapitre <chapter-gender>`",
     ["lost {ref}`chapter-pay`", "added {ref}`chapter-gender`"]),
    ("do {term}`micro-work <Micro-work>`", "faire du {term}`microtravail <Microtravail>`", []),
    ("do {term}`micro-work <Micro-work>`", "faire du microtravail", ["lost a {term} role"]),
    ("in 2019, {cite:p}`a2019`", "en 2019, {cite:p}`a2019`", []),
    ("in 2019", "en 2019, soit 14 903 personnes", ["figures typed that the English does not have: 14903"]),
])
def test_a_translation_keeps_its_pasted_values_links_and_citations(english, french, problems):
    assert translations.message_problems(english, french) == problems


def _catalogue(path: Path) -> dict[str, tuple[str, bool]]:
    with open(path, "rb") as handle:
        return {m.id: (m.string, m.fuzzy) for m in read_po(handle) if m.id}


def test_an_english_change_marks_its_translation_outdated_and_an_unchanged_one_is_left_byte_for_byte(tmp_path):
    templates, catalogues = tmp_path / "pot", tmp_path / "po"
    templates.mkdir()
    pot = templates / "page.pot"
    pot.write_text('msgid "The first sentence of the page."\nmsgstr ""\n\nmsgid "A second one."\nmsgstr ""\n')
    assert translations.update(templates, catalogues) == [catalogues / "page.po"]
    po = catalogues / "page.po"
    po.write_text(po.read_text().replace('msgstr ""\n\nmsgid "A second',
                                         'msgstr "La première phrase de la page."\n\nmsgid "A second'))
    translated = po.read_bytes()
    assert translations.update(templates, catalogues) == [] and po.read_bytes() == translated
    pot.write_text('msgid "The first sentence of this page."\nmsgstr ""\n\nmsgid "A second one."\nmsgstr ""\n')
    translations.update(templates, catalogues)
    messages = _catalogue(po)
    assert messages["The first sentence of this page."] == ("La première phrase de la page.", True)
    assert [p.what for p in translations.catalogue_problems(po)] == [
        "outdated (the English changed; fuzzy)", "untranslated"]


def test_every_english_message_has_an_up_to_date_french_translation_that_keeps_its_roles(tmp_path):
    """The drift check: an English sentence added or changed since the French was written, or a
    translation that lost a pasted value, is named here with its catalogue and line."""
    templates = translations.extract(output_work=tmp_path / "gettext")
    translations.write_values_template(templates)
    translations.write_charts_templates(templates)
    translations.write_bibliography_template(templates)
    missing = []
    for template in sorted(templates.rglob("*.pot")):
        catalogue = translations.CATALOGUES / template.relative_to(templates).with_suffix(".po")
        english = {m for m in _catalogue(template)}
        french = _catalogue(catalogue) if catalogue.exists() else {}
        missing += [f"{catalogue.relative_to(translations.ROOT)}: not in the catalogue: {m[:80]!r}"
                    for m in sorted(english - set(french))]
    assert missing == [], "run `python -m pipeline.translations update`, then translate"
    merged = tmp_path / "merged"
    shutil.copytree(translations.CATALOGUES, merged)
    changed = [p.relative_to(merged).as_posix() for p in translations.update(templates, merged)]
    assert changed == [], "the catalogues are not as `pipeline.translations update` writes them"
    problems = [str(p) for path in sorted(translations.CATALOGUES.rglob("*.po"))
                for p in translations.catalogue_problems(path)]
    assert problems == []


def test_a_french_chart_keeps_its_data_and_speaks_french():
    """Words are replaced where the chart shows them, in its data and its expressions alike, the
    figures are untouched, and a category label is wrapped again for its French length."""
    from pipeline import french_charts

    spec = {"title": {"text": "Who is counted", "subtitle": "Share of people"},
            "datasets": {"d": [{"kind": "Registered", "n": 266126, "source": "leludec2019howmany"}]},
            "data": {"name": "d"}, "mark": "bar",
            "encoding": {"y": {"field": "kind", "type": "nominal", "title": "Kind"},
                         "x": {"field": "n", "type": "quantitative", "title": "People"},
                         "color": {"condition": {"test": "datum.kind === 'Registered'", "value": "#0072B2"},
                                   "value": "#6B6B6B"}},
            "usermeta": {"description": "One bar.", "sources": [["leludec2019howmany", None]]}}
    words = {"Who is counted": "Qui est compté", "Share of people": "Part des personnes",
             "Registered": "Inscrits sur au moins une plateforme de microtravail", "Kind": "Type",
             "People": "Nombre de personnes inscrites", "One bar.": "Une barre."}
    french, missing = french_charts.translate_spec(spec, words)
    assert missing == []
    assert french["title"] == {"text": "Qui est compté", "subtitle": "Part des personnes"}
    assert french["datasets"]["d"] == [{"kind": "Inscrits sur au moins une plateforme de microtravail",
                                        "n": 266126, "source": "leludec2019howmany"}]
    assert french["encoding"]["color"]["condition"]["test"] == \
        "datum.kind === 'Inscrits sur au moins une plateforme de microtravail'"
    assert french["encoding"]["x"]["title"] == ["Nombre de", "personnes", "inscrites"], "longer than the English"
    assert "labelExpr" in french["encoding"]["y"]["axis"], "the long French category is wrapped"
    assert french["usermeta"]["description"] == "Une barre."
    assert french["config"]["locale"]["number"]["decimal"] == ","
    _, missing = french_charts.translate_spec(spec, {})
    assert "Who is counted" in missing and "Registered" in missing


def test_a_french_chart_of_rows_grows_for_labels_that_wrap_onto_more_lines():
    from analyses import charts
    from pipeline import french_charts

    labels = ["Registered", "Active"]
    spec = {"datasets": {"d": [{"kind": k, "n": 1} for k in labels]}, "data": {"name": "d"}, "mark": "bar",
            "height": charts.rows_height(labels),
            "encoding": {"y": {"field": "kind", "type": "nominal"}, "x": {"field": "n", "type": "quantitative"}},
            "usermeta": {"description": "Bars.", "sources": [["leludec2019howmany", None]]}}
    long = {"Registered": "Inscrits sur au moins une plateforme de microtravail en France",
            "Active": "Présents au moins une fois par mois sur une plateforme"}
    french, _ = french_charts.translate_spec(spec, long)
    lines = max(len(charts.wrapped_lines(label)) for label in long.values())
    assert lines > 1 and french["height"] == 2 * (charts.LINE_HEIGHT * lines + 6) > spec["height"]
    short, _ = french_charts.translate_spec(spec, {"Registered": "Inscrits", "Active": "Actifs"})
    assert short["height"] == spec["height"], "never shorter than the English"
