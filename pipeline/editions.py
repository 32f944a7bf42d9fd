"""The book's two editions, English at the root and French under fr/, built from the same pages.

The French edition is Sphinx's own translation of the English pages (message catalogues in
locale/fr/, pipeline/translations.py), from the same executed notebooks: no figure is computed
twice. What this module adds to the French build, and to both:
- every figure pasted into the prose (`{glue:text}`) in French conventions: 266 126, 14,8;
- French typography: non-breaking spaces before : ; ! ? % and inside « »;
- on every page, a link to the same page in the other edition, and `hreflang` alternates;
- the bibliography's descriptions of works (bibliography.po) and its joins in French.
"""

from __future__ import annotations

import os
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.numbers import format_decimal
from docutils import nodes
from sphinx.application import Sphinx

LANGUAGES = {"en": "English", "fr": "Français"}
FOLDERS = {"en": "", "fr": "fr/"}  # where each edition's pages are, from the published book's root

ENGLISH_NUMBER = re.compile(r"(?P<sign>-?)(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<decimals>\d+))?")
NARROW_NBSP, NBSP = "\u202f", "\u00a0"


def french_number(text: str) -> str:
    """A figure as English formatting wrote it ('266,126', '14.8', '-3.25', '2019'), as French
    writes it: thin non-breaking spaces between thousands, a decimal comma. Grouping is kept only
    where the English grouped, so a year stays 2019. Anything else is returned unchanged."""
    match = ENGLISH_NUMBER.fullmatch(text.strip())
    if not match:
        return text
    decimals = match.group("decimals") or ""
    grouped = "," in match.group("whole")
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * len(decimals) if decimals else "")
    value = Decimal(match.group("sign") + match.group("whole").replace(",", "") + ("." + decimals if decimals else ""))
    return format_decimal(value, format=pattern, locale="fr_FR", group_separator=True)


# Before : and % a non-breaking space; before ; ! ? and » and after « a thin one (French usage).
_BEFORE_COLON_OR_PERCENT = re.compile(r"[ \u00a0\u202f]+(?=[:%])")
_BEFORE_TALL_MARKS = re.compile(r"[ \u00a0\u202f]+(?=[;!?»])")
_AFTER_OPENING_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")


def french_typography(text: str) -> str:
    """Text with French spacing and apostrophes: 'Qui ? 14,8 %' keeps the space before ? and %
    from breaking onto the next line, l'étude is written l’étude. Only spaces already written are
    changed, so addresses and times (https://..., 10:30) are left alone."""
    text = text.replace("'", "\u2019")  # the French apostrophe (Sphinx's quotes are off in French)
    text = _BEFORE_COLON_OR_PERCENT.sub(NBSP, text)
    text = _BEFORE_TALL_MARKS.sub(NARROW_NBSP, text)
    return _AFTER_OPENING_GUILLEMET.sub("«" + NARROW_NBSP, text)


_LITERAL = (nodes.literal, nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.comment)


def french_citation(label: str, names: frozenset[str] = frozenset()) -> str:
    """A citation's label in French: 'Argouarc'h and Picard, 2018' -> 'Argouarc'h et Picard, 2018',
    'n.d.' -> 's. d.'; an author's own name keeps its 'and' ('Wage and Hour Division'): `names`.
    The works' own titles, in the reference list, keep their language."""
    kept = {f"\0{i}\0": name for i, name in enumerate(sorted(n for n in names if n in label))}
    for mark, name in kept.items():
        label = label.replace(name, mark)
    label = label.replace(" and ", " et ").replace("n.d.", "s. d.")
    for mark, name in kept.items():
        label = label.replace(mark, name)
    return label


@lru_cache(maxsize=1)
def names_with_and() -> frozenset[str]:
    """Authors of the bibliography whose name holds an 'and' (an institution, in braces)."""
    from analyses import bib

    names = (" ".join(str(part) for part in person.rich_last_names)
             for entry in bib.entries().values() for person in entry.persons.get("author", []))
    return frozenset(name for name in names if " and " in name)


def build_language(config) -> str:
    """The edition a build makes: Sphinx's language, English when it is not one of the book's."""
    return config.language if config.language in LANGUAGES else "en"


def _catalogues(app: Sphinx) -> Path:
    """Where this edition's message catalogues are."""
    return Path(app.srcdir) / "locale" / app.config.language / "LC_MESSAGES"


def french_sort_key(term: str) -> str:
    """A French term as a dictionary orders it: accents and capitals aside."""
    return "".join(c for c in unicodedata.normalize("NFD", term) if not unicodedata.combining(c)).casefold()


def _glossary_in_french_order(doctree) -> None:
    """The glossary's terms in the order of their French words (the English page orders them by
    its own)."""
    from sphinx import addnodes

    for glossary in doctree.findall(addnodes.glossary):
        for listing in glossary.findall(nodes.definition_list):
            items = list(listing.children)
            listing.children = sorted(items, key=lambda item: french_sort_key(item.next_node(nodes.term).astext()))


def _typeset(app: Sphinx, doctree, docname: str) -> None:
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or any(isinstance(a, _LITERAL) for a in _ancestors(parent)):
            continue
        typeset = french_typography(text.astext())
        if any("bibtex-citation" in a.get("classes", []) for a in _ancestors(parent) if isinstance(a, nodes.Element)):
            typeset = french_citation(typeset, names_with_and())
        if typeset != text.astext():
            parent.replace(text, nodes.Text(typeset))


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def _paste_figures_in_french(app: Sphinx) -> None:
    """myst-nb formats every pasted value with one function; the French build wraps it. And a
    translated paragraph is parsed again on its own, without the notebook it belongs to: a value
    it pastes from its own page is then read from that page's executed notebook."""
    from myst_nb.core.variables import VariableOutput
    from myst_nb.ext.glue import crossref, roles
    from myst_nb.ext.glue.utils import RetrievalError

    from pipeline import translations

    english = roles.format_plain_text
    from_its_notebook = roles.retrieve_glue_data
    words = translations.translated_words(_catalogues(app))

    def in_french(text: str, fmt_spec: str) -> str:
        pasted = english(text, fmt_spec)
        # a value in words pastes its translation (until it has one, the English stays and
        # `pipeline.translations check` names it); a figure is written the French way
        return words.get(pasted, french_number(pasted))

    def retrieve(document, key: str):
        if "nb_renderer" in document:
            return from_its_notebook(document, key)
        env = document.settings.env
        outputs = glued_outputs(Path(env.doc2path(env.docname)))
        if key not in outputs:
            raise RetrievalError(f"No key {key!r} found in glue data for this document.")
        return VariableOutput(data=outputs[key], metadata={}, nb_renderer=None, vtype="glue")

    roles.format_plain_text = crossref.format_plain_text = in_french
    roles.retrieve_glue_data = retrieve


_GLUED: dict[Path, tuple[int, dict]] = {}


def glued_outputs(notebook: Path) -> dict[str, dict]:
    """Each value a notebook glued, by name (pipeline.notebooks.glued_outputs), read once per
    version of the file: every translated message that pastes a value asks."""
    from pipeline import notebooks

    version = notebook.stat().st_mtime_ns
    if notebook not in _GLUED or _GLUED[notebook][0] != version:
        _GLUED[notebook] = (version, notebooks.glued_outputs(notebooks.read(notebook)))
    return _GLUED[notebook][1]


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")


def french_date(day) -> str:
    """1er décembre 2026, 2 décembre 2026."""
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def _charts_in_french(app: Sphinx, doctree, docname: str) -> None:
    """Each chart figure of the page, from the same spec and data, with its words in French."""
    from pipeline import french_charts

    words = french_charts.chapter_words(_catalogues(app), Path(docname).name)
    for raw in list(doctree.findall(nodes.raw)):
        markup = raw.astext()
        if 'class="book-chart"' not in markup:
            continue
        french, _ = french_charts.french_figure(markup, words)
        raw.parent.replace(raw, nodes.raw(french, french, format=raw.get("format", "html")))


def other_edition(language: str, pagename: str) -> tuple[str, str]:
    """The other edition's language and the address of the same page in it, relative to this one."""
    other = "fr" if language == "en" else "en"
    depth = pagename.count("/") + (1 if FOLDERS[language] else 0)
    return other, "../" * depth + FOLDERS[other] + pagename + ".html"


def other_edition_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{other-edition}`Payés au clic`: a link to this page in the other edition, named in the
    other edition's language (the landing page says the other edition exists)."""
    env = inliner.document.settings.env
    other, href = other_edition(build_language(env.config), env.docname)
    link = nodes.reference(rawtext, text, refuri=href)
    # docutils writes a class language-xx as the element's lang attribute
    return [nodes.inline(rawtext, "", link, classes=[f"language-{other}"])], []


def _link_the_other_edition(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    language = build_language(app.config)
    other, href = other_edition(language, pagename)
    context["book_other_edition"] = {"lang": other, "href": href, "label": LANGUAGES[other]}
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{language}" href="{pagename.rsplit("/", 1)[-1]}.html">'
        f'\n<link rel="alternate" hreflang="{other}" href="{href}">')


STATIC_REFERENCE = re.compile(r"""(?P<quote>["'(\s])(?P<path>(?:\.\./)*_static/[^"'()?#\s]+)""")


def share_static(book: Path, folder: str = "fr") -> int:
    """Point the pages of the edition in `folder` at the book's root `_static/` for every file
    that is the same in both, and drop their copies: a reader who switches editions fetches
    nothing twice, and the published book does not hold the Vega bundle twice. Files that
    differ (the search language, the theme's French strings) stay the edition's own. Returns
    the number of files shared."""
    edition = book / folder
    static, shared_static = edition / "_static", book / "_static"
    same = {path.relative_to(static).as_posix() for path in static.rglob("*")
            if path.is_file() and (shared_static / path.relative_to(static)).is_file()
            and (shared_static / path.relative_to(static)).read_bytes() == path.read_bytes()}

    def shared(match: re.Match, page: Path) -> str:
        target = (page.parent / match.group("path")).resolve()
        if not target.is_relative_to(static.resolve()):
            return match.group(0)
        relative = target.relative_to(static.resolve()).as_posix()
        if relative not in same:
            return match.group(0)
        address = os.path.relpath(shared_static / relative, page.parent)
        return match.group("quote") + Path(address).as_posix()

    for page in edition.rglob("*.html"):  # the pages, and each chart's own page in _static/charts/
        text = page.read_text(encoding="utf-8")
        rewritten = STATIC_REFERENCE.sub(lambda m: shared(m, page), text)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    for relative in same:
        (static / relative).unlink()
    for directory in sorted((d for d in static.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()
    return len(same)


TRANSLATIONS_CALL = re.compile(r"^\s*Documentation\.addTranslations\((?P<catalogue>\{.*\})\);?\s*$", re.S)


def translations_without_eval(outdir: Path) -> bool:
    """Sphinx's _static/translations.js hands its catalogue to doctools.js, which compiles the
    plural rule with `new Function`: the page policy forbids that (no 'unsafe-eval'). The file
    is written again to set the same messages and rule as plain code. True if it was rewritten."""
    import json

    path = outdir / "_static" / "translations.js"
    match = TRANSLATIONS_CALL.match(path.read_text(encoding="utf-8")) if path.exists() else None
    if not match:
        return False
    catalogue = json.loads(match.group("catalogue"))
    rule = catalogue.get("plural_expr") or "n == 1 ? 0 : 1"
    if not re.fullmatch(r"[n0-9\s=!<>&|?:%()+-]+", rule):
        raise ValueError(f"translations.js: an unexpected plural rule {rule!r}")
    path.write_text(
        "// Sphinx's catalogue for this edition, set without compiling code at run time (pipeline/editions.py).\n"
        f"Object.assign(Documentation.TRANSLATIONS, {json.dumps(catalogue.get('messages', {}), ensure_ascii=False)});\n"
        f"Documentation.PLURAL_EXPR = (n) => ({rule});\n"
        f"Documentation.LOCALE = {json.dumps(catalogue.get('locale', ''))};\n", encoding="utf-8")
    return True


def _depend_on_pasted_words(app: Sphinx, docname: str, source: list[str]) -> None:
    """Sphinx knows a page depends on its own catalogue; the words it pastes, the words of its
    charts and of the works it cites live in catalogues of their own, so a change there must
    rewrite the page too."""
    catalogues = _catalogues(app)
    own = [catalogues / "values.po", catalogues / "bibliography.po"]
    for path in own + sorted((catalogues / "charts").glob("*.po")):
        if path.exists():
            app.env.note_dependency(str(path))


BIBLIOGRAPHY_FIELDS = ("howpublished", "note", "type")  # descriptions in words, translated in bibliography.po


def bibliography_words(entries) -> dict[str, list[str]]:
    """The words of the bibliography's entries that describe a work rather than name it
    ('AFP dispatch, June 2019', 'Published 19 November 2019'), decoded from LaTeX, with the
    keys that hold each. Titles, authors and institutions keep their own language."""
    from analyses import bib

    words: dict[str, list[str]] = {}
    for key, entry in sorted(entries.items()):
        for field in BIBLIOGRAPHY_FIELDS:
            if entry.fields.get(field):
                words.setdefault(bib.decoded_latex(entry.fields[field]), []).append(f"{key}: {field}")
    return words


def _bibliography_in_french(app: Sphinx) -> None:
    """The entries' descriptive fields in French, in this build's copy of the bibliography only.
    Each is set from the English file's own value, never from what an earlier build set: the
    parsed bibliography is kept between builds, and a changed translation must replace the old."""
    from analyses import bib
    from pipeline import translations

    words = translations.translated_words(_catalogues(app), translations.BIBLIOGRAPHY)
    english = bib.entries(Path(app.srcdir) / "references.bib")
    for key, entry in app.env.get_domain("cite").bibdata.data.entries.items():
        if key not in english:
            continue
        for field in BIBLIOGRAPHY_FIELDS:
            if english[key].fields.get(field):
                text = english[key].fields[field]
                entry.fields[field] = words.get(bib.decoded_latex(text), text)
        if entry.type == "techreport" and not english[key].fields.get("type"):
            entry.fields["type"] = "Rapport technique"  # what the style would print in English


def _french_style():
    """pybtex's plain style with French joins between authors (A, B et C) and 'URL :'."""
    from pybtex.style.formatting.plain import Style
    from pybtex.style.template import href, names, sentence, words

    class FrenchStyle(Style):
        def format_names(self, role, as_sentence=True):
            joined = names(role, sep=", ", sep2=" et ", last_sep=" et ")
            return sentence[joined] if as_sentence else joined

        def format_url(self, e):
            from pybtex.style.template import field

            url = field("url", raw=True)
            return words["URL\u00a0:", href(url)[url]]

    return FrenchStyle


def _default_settings_once() -> None:
    """MyST builds a scratch document, with docutils' default settings made afresh (an option
    parser of some seventy options), for every text it renders, even when it is handed a
    document: its renderer's `options.get("document", make_document())` evaluates the default
    each time. A French build renders each of its two thousand messages that way, which took
    5 of its 16 s. The defaults are made once and copied instead."""
    import copy

    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser as RSTParser
    from docutils.utils import new_document
    from myst_parser.mdit_to_docutils import base

    made: dict = {}

    def make_document(source_path="notset", parser_cls=RSTParser):
        if parser_cls not in made:
            made[parser_cls] = get_default_settings(parser_cls)
        return new_document(source_path, settings=copy.copy(made[parser_cls]))

    base.make_document = make_document


def _one_markdown_parser_for_messages() -> None:
    """Sphinx parses each translated message as a document of its own, and MyST builds a new
    Markdown parser, plugins and renderer, for each: two thousand times in a French build. A
    message (never a whole page, never a parse started inside another) reuses one parser per
    configuration; the renderer sets its per-document state up again on every render."""
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
    from myst_parser.parsers import sphinx_ as myst_sphinx
    from myst_parser.parsers.mdit import create_md_parser

    each_time = myst_sphinx.MystParser.parse
    made: dict[int, tuple] = {}
    rendering: list[bool] = []

    def parse(self, inputstring: str, document) -> None:
        config = document.settings.env.myst_config
        if rendering or inputstring.startswith("---") or not document.current_source.endswith("<translated>"):
            return each_time(self, inputstring, document)
        if id(config) not in made or made[id(config)][0] is not config:
            made[id(config)] = (config, create_md_parser(config, SphinxRenderer))
        parser = made[id(config)][1]
        rendering.append(True)
        try:
            parser.options["document"] = document
            parser.render(inputstring)
        finally:
            parser.options.pop("document", None)
            rendering.pop()

    myst_sphinx.MystParser.parse = parse


def setup(app: Sphinx) -> None:
    """Called from the book's extension: what every edition does, and what the French one adds."""
    from pybtex.plugin import register_plugin

    _default_settings_once()
    register_plugin("pybtex.style.formatting", "book_french", _french_style())
    app.connect("builder-inited", lambda app: app.config.language == "fr" and _bibliography_in_french(app),
                priority=650)  # after sphinxcontrib-bibtex reads the file (and the years are lettered)
    app.connect("source-read", lambda app, docname, source: app.config.language == "fr"
                and _depend_on_pasted_words(app, docname, source))
    app.connect("html-page-context", _link_the_other_edition)
    app.add_role("other-edition", other_edition_role)
    app.connect("builder-inited", lambda app: app.config.language == "fr" and _paste_figures_in_french(app))
    app.connect("builder-inited", lambda app: app.config.language == "fr" and _one_markdown_parser_for_messages())
    app.connect("doctree-resolved", lambda app, doctree, docname: app.config.language == "fr"
                and (_charts_in_french(app, doctree, docname), _typeset(app, doctree, docname),
                     _glossary_in_french_order(doctree)))
