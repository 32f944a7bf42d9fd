"""Sphinx extension of the book: offline charts, honest rebuilds, reproducibility tables, errata.

- Ships the Vega, Vega-Lite and Vega-Embed bundle that vl-convert builds offline into
  `_static/`, and loads it only on pages that hold a chart: the book requests nothing from
  any other host. Next to each chart it writes the chart's data (CSV), its specification and
  a static SVG for print and for readers without JavaScript (pipeline.chart_assets).
- Records each notebook a page pastes glue from (`{glue:text}` with `path::key`) as a
  dependency, so an incremental build never shows stale numbers.
- Looks pybtex's output backends up once per build instead of once per citation, and gives works
  that would cite alike (same authors, same year) a letter after their year.
- Drops the duplicate sphinx-thebe script that Sphinx 7.4 adds (a console error on every page).
- Directives `execution-table` and `package-versions` for the Reproducibility page, computed
  at build time from the notebooks' metadata and the installed packages; `errata` for the
  Errata page and the role `edition` (the edition's date and commit), both read from the
  repository (pipeline.edition).
- The How to cite page's citations (`book-citations`: APA, Chicago, BibTeX), the RIS and CSL-JSON
  files, and on every page the `citation_*` and Open Graph tags (pipeline.citation); the link to
  a file the build writes (`book-file`: the PDF, the data zip).
- On the search page, summaries of results taken from the page's text (_static/book-search.js).
- A Content-Security-Policy on every page (pipeline.page_policy): only the book's own files and
  the inline scripts the theme and Sphinx are known to write may run.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import platform
import re
import shutil
import sys
import time
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging

from pipeline import (chart_assets, citation, data_zip, edition, editions, french_charts, notebooks, page_policy,
                      page_speed, pdf)

logger = logging.getLogger(__name__)
BUNDLE_NAME = "vega-bundle.js"
CHARTS_SCRIPT = "book-charts.js"  # the book's own drawing script, in _static/ at the book's root
SEARCH_SCRIPT = "book-search.js"  # search summaries from the article's text (see the file)
CHART_MARKER = 'class="book-chart"'
CROSS_GLUE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]*?\.ipynb)::")
KEY_PACKAGES = ("jupyter-book", "sphinx", "myst-nb", "sphinx-book-theme", "sphinxcontrib-bibtex",
                "pandas", "numpy", "altair", "vl-convert-python", "jupytext", "papermill", "nbval",
                "nbclient", "ipykernel")


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    _sync_static(app)
    _remove_stale_pages(app)
    editions.translations_without_eval(Path(app.outdir))
    toc, language = _book_toc(app), editions.build_language(app.config)
    chart_assets.write_all(Path(app.outdir), Path(app.srcdir) / chart_assets.CACHE_DIR, language,
                           chart_assets.figure_prefixes(toc))
    data_zip.write(Path(app.outdir) / "_static" / data_zip.ZIP_NAME, Path(app.srcdir))
    _write_citation_files(app)
    page_speed.write_all(Path(app.outdir))
    page_policy.write_all(Path(app.outdir))
    if app.config.book_pdf:
        started = time.perf_counter()
        pdf.write_edition(Path(app.outdir), Path(app.srcdir), language, toc, app.config.html_title, app.config.author)
        logger.info(f"pdf: printed in {time.perf_counter() - started:.1f} s")
    page_speed.precompress(Path(app.outdir))


# Pages written without a source: Sphinx's search and indexes, and sphinx-external-toc's
# index.html, a redirect to the root page written only when missing.
SPHINX_PAGES = {"search", "genindex", "py-modindex", "index"}


def _remove_stale_pages(app: Sphinx) -> list[str]:
    """Delete the pages (and their copied sources) of documents that are no longer in the book.

    The HTML build is incremental: a page whose source was removed or excluded stays in the output
    folder and would be published with it."""
    outdir = Path(app.outdir)
    removed = []
    for page in sorted(outdir.rglob("*.html")):
        relative = page.relative_to(outdir)
        if relative.parts[0] in ("_static", "_images", "_sources"):
            continue
        docname = relative.with_suffix("").as_posix()
        if docname not in app.env.found_docs and docname not in SPHINX_PAGES:
            page.unlink()
            for copied in (outdir / "_sources" / relative.parent).glob(relative.stem + ".*"):
                copied.unlink()
            removed.append(docname)
    for folder in sorted((p for p in outdir.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _sync_static(app: Sphinx) -> None:
    """Copy the book's own static files: Sphinx skips copying when no page is out of date."""
    target = Path(app.outdir) / "_static"
    for entry in app.config.html_static_path:
        folder = Path(app.confdir) / entry
        for source in (p for p in folder.rglob("*") if p.is_file()):
            destination = target / source.relative_to(folder)
            if not destination.exists() or destination.read_bytes() != source.read_bytes():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


def _write_bundle(app: Sphinx) -> None:
    """Put the Vega bundle in the output before any page is written.

    Sphinx adds a checksum query (`?v=`) to a script's address only if the file is already in
    the output when the page is written: written later, the first build's pages and those
    rewritten afterwards would name the bundle differently, and browsers would fetch it twice.
    """
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / BUNDLE_NAME
    bundle = chart_assets.vega_bundle(Path(app.srcdir) / chart_assets.CACHE_DIR).encode("utf-8")
    if not target.exists() or target.read_bytes() != bundle:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bundle)
    app.env.book_bundle_digest = hashlib.sha256(bundle).hexdigest()[:16]


DESCRIPTION_CHARS = 160  # what search engines show of a page's description


def page_description(doctree) -> str:
    """The page's first paragraph (a chapter's one-sentence answer), cut at a word near 160
    characters: the description search engines and link previews show."""
    for paragraph in doctree.findall(nodes.paragraph):
        text = " ".join(paragraph.astext().split())
        if len(text) > 40:
            if len(text) <= DESCRIPTION_CHARS:
                return text
            return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return ""


def _page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    description = page_description(doctree) if doctree is not None else ""
    if description:
        context["metatags"] = context.get("metatags", "") + (
            f'\n<meta name="description" content="{html.escape(description)}">')
    if doctree is not None:
        context["metatags"] += _citation_tags(app, pagename, context, description)
    _offer_the_book_in_the_download_menu(app, context)
    body = context.get("body", "")
    if CHART_MARKER in body:
        # The drawing script is deferred, so it never holds up the text, and it fetches the Vega
        # bundle only when a chart nears the screen: the page names the bundle, with a digest in
        # its address so a host may keep it for a year.
        app.add_js_file(CHARTS_SCRIPT, priority=210, loading_method="defer",
                        **{"data-vega-bundle": f"{BUNDLE_NAME}?v={app.env.book_bundle_digest}"})
    if pagename == "search":
        app.add_js_file(SEARCH_SCRIPT, priority=900)  # after Sphinx's searchtools.js
    scripts = context.get("script_files", [])
    seen, kept = set(), []
    for script in scripts:
        # Jupyter Book registers every script of _static/ on every page, the drawing script
        # included: only the registration above, with its attributes, may stay.
        if str(script.filename or "").endswith(CHARTS_SCRIPT) and "data-vega-bundle" not in script.attributes:
            continue
        if str(script.filename or "").endswith(SEARCH_SCRIPT) and pagename != "search":
            continue
        # The same inline script may be registered with filename None and with "".
        key = (script.filename or "", str(script.attributes.get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept  # in place: the builder and other extensions hold the same list


OUTPUT_DIGESTS = chart_assets.CACHE_DIR / "notebook-outputs"  # one file per executed notebook


def outputs_digest_path(srcdir: Path, notebook: Path) -> Path:
    """The file a page depends on when it shows a notebook's results: it changes only when the
    notebook's code, outputs or execution record do, not when its prose does."""
    name = Path(notebook).resolve().relative_to(Path(srcdir).resolve()).as_posix().replace("/", "__")
    return Path(srcdir) / OUTPUT_DIGESTS / (name + ".sha256")


def _write_output_digests(app: Sphinx) -> None:
    # Pages that paste another notebook's glue, and the execution table, depend on these files
    # rather than on the notebooks: a prose edit re-reads its own page only.
    srcdir = Path(app.srcdir)
    for executed in sorted(srcdir.rglob("*.ipynb")):
        if notebooks.NOT_BOOK_FOLDERS & set(executed.relative_to(srcdir).parts):
            continue
        notebook = notebooks.read(executed)
        results = [[cell.source, cell.get("outputs", [])] for cell in notebook.cells if cell.cell_type == "code"]
        text = hashlib.sha256(json.dumps([results, notebooks.recorded(notebook)], sort_keys=True)
                              .encode()).hexdigest()
        target = outputs_digest_path(srcdir, executed)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def _note_glue_sources(app: Sphinx, docname: str, source: list[str]) -> None:
    # Paths in a glue role are relative to the page that pastes the value.
    folder = Path(app.env.doc2path(docname)).parent
    for path in set(CROSS_GLUE.findall(source[0])):
        app.env.note_dependency(str(outputs_digest_path(Path(app.srcdir), (folder / path).resolve())))


TABLE_WORDS = {  # the Reproducibility page's generated tables, in each edition's language
    "en": {"execution header": ["notebook", "code cells", "data files read", "input fingerprint"],
           "execution title": "Chapter notebooks and the inputs their outputs depend on",
           "none": "none", "not executed": "not executed",
           "packages header": ["package", "version"], "packages title": "Key packages of the build environment"},
    "fr": {"execution header": ["notebook", "cellules de code", "fichiers de données lus", "empreinte des entrées"],
           "execution title": "Les notebooks des chapitres et les entrées dont dépendent leurs résultats",
           "none": "aucun", "not executed": "non exécuté",
           "packages header": ["paquet", "version"], "packages title": "Principaux paquets de l’environnement de construction"},
}


class ExecutionTableDirective(Directive):
    """A table of every chapter notebook: what it reads and the fingerprint of its inputs."""

    def run(self):
        env = self.state.document.settings.env
        words = TABLE_WORDS[editions.build_language(env.config)]
        srcdir = Path(env.srcdir)
        rows = []
        for source in notebooks.chapter_sources(srcdir / "chapters"):  # the book being built
            executed = notebooks.executed_path(source)
            env.note_dependency(str(outputs_digest_path(srcdir, executed)))
            notebook = notebooks.read(executed)
            book = notebooks.recorded(notebook)
            code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
            rows.append([
                executed.relative_to(srcdir).as_posix(),
                str(code_cells),
                ", ".join(Path(r).name for r in book.get("reads", [])) or words["none"],
                book.get("fingerprint", words["not executed"])[:12],
            ])
        return [_table(words["execution header"], rows, words["execution title"])]


class PackageVersionsDirective(Directive):
    """The versions of the key packages the book was built with."""

    def run(self):
        words = TABLE_WORDS[editions.build_language(self.state.document.settings.env.config)]
        rows = [["python", platform.python_version()]]
        rows += [[name, metadata.version(name)] for name in KEY_PACKAGES]
        return [_table(words["packages header"], rows, words["packages title"])]


class ErrataDirective(Directive):
    """The corrections of data/errata.csv of one kind (the directive's argument), each with what
    the book said before, what it says now, why, and the edition it applies from."""

    required_arguments = 1

    def run(self):
        from analyses import data, text

        env = self.state.document.settings.env
        env.note_dependency(str(edition.ROOT / edition.ERRATA))
        rows = data.load("errata")
        rows = rows[rows["kind"] == self.arguments[0]]
        published = edition.first_published()
        this = edition.current()
        lines = []
        for row in rows.itertuples():
            since = published.get(row.erratum_id, this.date)
            cite = text.Trusted("the book's own presentation" if row.evidence == "assessment" else
                                text.cite(row.source) + (f", as reported by {text.cite(row.via, 't')}"
                                                         if isinstance(row.via, str) else ""))
            page = text.Trusted(f"{{doc}}`/{row.page}`")  # the descriptor restricts page to a path
            verb = "added in" if row.kind == "addition" else "corrected from"
            lines += text.myst("**{where}** ({page}), {verb} the edition of {since}\n"
                               ": *Before:* [{before}]{{.erratum-before}}\n: *Now:* {now}\n: *Why:* {why} ({cite})\n",
                               where=row.where, page=page, verb=verb, since=edition.long_date(since), before=row.before,
                               now=row.now, why=row.why, cite=cite).split("\n")
        container = nodes.container(classes=["book-errata"])
        self.state.nested_parse(StringList(lines, source="data/errata.csv"), self.content_offset, container)
        return [container]


class book_citations(nodes.General, nodes.Element):
    """Where the How to cite page lists the book's citations: filled once every page is read."""


class BookCitationsDirective(Directive):
    """The book and each chapter of the first part, cited in APA, Chicago and BibTeX, with the
    edition's date and commit (pipeline.citation), and links to the RIS and CSL-JSON files."""

    def run(self):
        return [book_citations()]


CITE_WORDS = {
    "en": {"book": "The book", "chapter": "Chapter {number}. {title}", "apa": "APA", "chicago": "Chicago",
           "bibtex": "BibTeX", "files": "For reference managers, all of them at once: ",
           "ris": "RIS file", "csl": "CSL-JSON file", "and": " or "},
    "fr": {"book": "Le livre", "chapter": "Chapitre {number}. {title}", "apa": "APA", "chicago": "Chicago",
           "bibtex": "BibTeX", "files": "Pour les gestionnaires de références, toutes à la fois\u00a0: ",
           "ris": "fichier RIS", "csl": "fichier CSL-JSON", "and": " ou "},
}


def _book_toc(app: Sphinx) -> dict:
    """The table of contents, read once per build."""
    if not hasattr(app, "book_toc"):
        app.book_toc = yaml.safe_load((Path(app.srcdir) / "_toc.yml").read_text(encoding="utf-8"))
    return app.book_toc


def _citable_works(app: Sphinx) -> dict[str | None, citation.Work]:
    """The book (under None) and each chapter of the table of contents' first part (under its
    page), with their titles as this edition gives them; made once per build, when every page has
    been read (the first page written asks for them)."""
    if not hasattr(app, "book_citable_works"):
        app.book_citable_works = _works_of_this_edition(app)
    return app.book_citable_works


def _works_of_this_edition(app: Sphinx) -> dict[str | None, citation.Work]:
    language = editions.build_language(app.config)
    whole = citation.current_book(language, app.config.html_title, app.config.author, Path(app.srcdir))
    if app.config.html_baseurl:  # a file a reader downloads can only name the book's public address
        whole = replace(whole, url=_address(app, ""), pdf_url=_address(app, f"_static/{pdf.PDF_NAME}"))
    works: dict[str | None, citation.Work] = {None: whole}
    for number, docname in enumerate(_chapter_files(app), start=1):
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        works[docname] = replace(citation.chapter(whole, citation.chapter_key(docname), title, str(number)),
                                 url=_address(app, f"{docname}.html") if app.config.html_baseurl else None)
    return works


def _address(app: Sphinx, path: str) -> str:
    """A file of the edition: absolute when the book's address is known (BOOK_BASE_URL), else
    relative to the edition's root."""
    return app.config.html_baseurl.rstrip("/") + "/" + path if app.config.html_baseurl else path


DOWNLOAD_WORDS = {  # the download menu's entries for the whole book, in each edition's language
    "en": {"pdf": "Book (.pdf)", "pdf_tip": "Download the whole book as a PDF",
           "zip": "Data (.zip)", "zip_tip": "Download the book's data package"},
    "fr": {"pdf": "Livre (.pdf)", "pdf_tip": "Télécharger le livre entier en PDF",
           "zip": "Données (.zip)", "zip_tip": "Télécharger le paquet de données du livre"},
}


def _offer_the_book_in_the_download_menu(app: Sphinx, context: dict) -> None:
    """The header's download menu (sphinx-book-theme) offers this page's sources and prints this
    page; the whole book's PDF and its data come first."""
    words = DOWNLOAD_WORDS[editions.build_language(app.config)]
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"][:0] = [
                {"type": "link", "url": context["pathto"](f"_static/{pdf.PDF_NAME}", 1), "text": words["pdf"],
                 "tooltip": words["pdf_tip"], "icon": "fas fa-book", "label": "download-book-pdf-button"},
                {"type": "link", "url": context["pathto"](f"_static/{data_zip.ZIP_NAME}", 1), "text": words["zip"],
                 "tooltip": words["zip_tip"], "icon": "fas fa-table", "label": "download-data-zip-button"}]


def _citation_tags(app: Sphinx, pagename: str, context: dict, description: str) -> str:
    """The page's citation and preview tags: a chapter cites itself in the book, any other page
    the book; the preview image is the book's summary chart (book_preview_figure)."""
    works = _citable_works(app)
    work = works.get(pagename, works[None])
    depth = "../" * pagename.count("/")
    figure = app.config.book_preview_figure
    image = _address(app, f"{chart_assets.CHARTS_DIR}/{figure}.png") if app.config.html_baseurl else \
        f"{depth}{chart_assets.CHARTS_DIR}/{figure}.png"
    pdf_address = work.pdf_url if app.config.html_baseurl else f"{depth}_static/{pdf.PDF_NAME}"
    page_title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", ""))).strip()
    return citation.meta_tags(replace(work, pdf_url=pdf_address), page_title, description,
                              _address(app, f"{pagename}.html") if app.config.html_baseurl else None, image,
                              _chart_title(Path(app.srcdir), figure, editions.build_language(app.config)),
                              app.config.html_title, "book" if pagename == app.config.root_doc else "article")


def _chapter_files(app: Sphinx) -> list[str]:
    return [entry["file"] for entry in _book_toc(app)["parts"][0]["chapters"]]


@functools.lru_cache(maxsize=None)
def _chart_title(srcdir: Path, name: str, language: str) -> str:
    """The title of the chart a chapter names `name`, in the edition's language."""
    for notebook in sorted((srcdir / "chapters").glob("*.ipynb")):
        for spec in chart_assets.notebook_specs(notebook):
            if spec.get("name") == name:
                if language != "en":
                    words = french_charts.chapter_words(srcdir / "locale" / language / "LC_MESSAGES", notebook.stem)
                    spec = french_charts.translate_spec(spec, words)[0]
                return chart_assets._title(spec)
    raise ValueError(f"book_preview_figure: no chapter shows a chart named {name!r}")


def _fill_citations(app: Sphinx, doctree, docname: str) -> None:
    for placeholder in list(doctree.findall(book_citations)):
        words = CITE_WORDS[editions.build_language(app.config)]
        filled = []
        for work in _citable_works(app).values():
            heading = words["book"] if not work.container else words["chapter"].format(number=work.chapter,
                                                                                       title=work.title)
            filled.append(nodes.rubric(heading, heading))
            listing = nodes.definition_list(classes=["book-citations"])
            for style, markup in (("apa", citation.apa(work)), ("chicago", citation.chicago(work))):
                item = nodes.definition_list_item()
                item += nodes.term(words[style], words[style])
                item += nodes.definition("", nodes.paragraph("", "", nodes.raw("", markup, format="html")))
                listing += item
            filled.append(listing)
            block = citation.bibtex(work)
            filled.append(nodes.literal_block(block, block, language="bibtex"))
        depth = "../" * docname.count("/")
        files = nodes.paragraph()
        files += nodes.Text(words["files"])
        files += nodes.reference("", words["ris"], refuri=f"{depth}_static/{citation.RIS_NAME}")
        files += nodes.Text(words["and"])
        files += nodes.reference("", words["csl"], refuri=f"{depth}_static/{citation.CSL_NAME}")
        files += nodes.Text(".")
        filled.append(files)
        placeholder.replace_self(filled)


def _write_citation_files(app: Sphinx) -> None:
    works = list(_citable_works(app).values())
    static = Path(app.outdir) / "_static"
    (static / citation.RIS_NAME).write_text(citation.ris(works), encoding="utf-8", newline="")
    (static / citation.CSL_NAME).write_text(citation.csl_json(works), encoding="utf-8")


def _base_address_from_environment(app: Sphinx, config) -> None:
    """BOOK_BASE_URL, the address the book is published at (the Pages workflow sets it), makes
    the citation and preview tags absolute; the French edition is under fr/."""
    base = os.environ.get("BOOK_BASE_URL", "").strip()
    if base:
        config.html_baseurl = base.rstrip("/") + "/" + ("fr/" if editions.build_language(config) == "fr" else "")


def _edition_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{edition}`date` (1 December 2026), {edition}`commit` (its short hash), {edition}`full`."""
    this = edition.current()
    if inliner.document.settings.env.config.language == "fr":
        day = editions.french_date(this.date)
        values = {"date": day, "commit": this.commit,
                  "full": f"{day}, construite à partir du commit {this.commit}"
                          + (" avec des modifications pas encore enregistrées" if this.modified else "")}
    else:
        values = {"date": edition.long_date(this.date), "commit": this.commit,
                  "full": f"{edition.long_date(this.date)}, built from commit {this.commit}"
                          + (" with changes not yet committed" if this.modified else "")}
    if text not in values:
        message = inliner.reporter.error(f"edition role: {text!r} is not one of {sorted(values)}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.Text(values[text])], []


BOOK_FILES = {data_zip.ZIP_NAME, pdf.PDF_NAME}  # files the build writes into each edition's _static/, for download
BOOK_FILE = re.compile(r"^(?P<text>.+?)\s*<(?P<file>[^<>]+)>$", re.S)


def _book_file_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{book-file}`the data package <paid-by-the-click-data.zip>`: a link to a file the build
    writes into the edition's `_static/` (BOOK_FILES), which Sphinx cannot know as a source."""
    match = BOOK_FILE.match(text)
    if not match or match.group("file") not in BOOK_FILES:
        message = inliner.reporter.error(f"book-file role: {text!r} is not 'text <file>' with a file of "
                                         f"{sorted(BOOK_FILES)}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    depth = inliner.document.settings.env.docname.count("/")
    address = "../" * depth + "_static/" + match.group("file")
    return [nodes.reference(rawtext, match.group("text"), refuri=address, classes=["book-file"])], []


def _table(header: list[str], rows: list[list[str]], title: str) -> nodes.table:
    table = nodes.table(classes=["book-generated-table"])
    table += nodes.title(text=title)
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row)
    return table


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


class _CitationListMixin:
    """Bibliography entries as list items of their role="list" container.

    Docutils gives each entry the role doc-biblioentry, which ARIA 1.2 no longer counts as a
    list item, so axe-core reports the list as lacking its required children (critical).
    """

    def visit_citation(self, node):
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _fix_translator(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    base = app.registry.get_translator_class(app.builder) or app.builder.default_translator_class
    fixed = type("BookHTMLTranslator", (_CitationListMixin, base), {})
    app.set_translator(app.builder.name, fixed, override=True)


def _look_up_bibtex_backends_once(app: Sphinx) -> None:
    """Register pybtex's output backends at run time so each is looked up once.

    sphinxcontrib-bibtex asks pybtex for the plaintext backend for every citation, and pybtex
    answers by scanning the entry points of every installed package (~10 ms each, about 3 s of
    a build with 280 citations); run-time registrations are checked first.
    """
    import pybtex.plugin

    for name in ("plaintext", "docutils"):
        backend = pybtex.plugin.find_plugin("pybtex.backends", name)
        pybtex.plugin.register_plugin("pybtex.backends", name, backend, force=True)


def _decode_latex_once(app: Sphinx) -> None:
    """Decode each LaTeX string of the bibliography once per process, not once per build.

    sphinxcontrib-bibtex formats every cited entry again on every build, and most of that time
    goes to latexcodec turning the same field texts into Unicode (about 0.4 s of each rebuild
    in `make preview`, which forks its rebuilds from a process that has decoded them). The parse
    that follows still makes new objects each time; only the pure text decoding is kept, in
    analyses.bib's cache.
    """
    from pybtex import richtext
    from pybtex.markup import LaTeXParser

    from analyses import bib

    if getattr(richtext.Text.from_latex, "decodes_once", False):
        return

    def from_latex(cls, latex):
        return LaTeXParser(bib.decoded_latex(latex)).parse()

    from_latex.decodes_once = True
    richtext.Text.from_latex = classmethod(from_latex)


def _disambiguate_citation_years(app: Sphinx) -> None:
    """Give works that would cite alike a letter after their year: [Le Ludec et al., 2019a, 2019b].

    sphinxcontrib-bibtex's author-year style prints the year field as it stands, so two works of
    one author and year read identically; the years come from analyses.bib, as in chart captions.
    """
    from analyses import bib

    found = app.env.get_domain("cite").bibdata.data.entries
    for key, year in bib.disambiguated_years(found).items():
        found[key].fields["year"] = year


def _digest_of_this_extension(app: Sphinx, config) -> None:
    # A changed extension, or a new edition, changes these config values, which makes Sphinx
    # rebuild every page instead of keeping pages written by the previous version.
    config.book_extension_digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    config.book_edition = edition.current().fingerprint()


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_extension_digest", "", "env")
    app.add_config_value("book_edition", "", "env")
    app.add_config_value("book_pdf", True, "")  # make preview turns it off
    app.add_config_value("book_preview_figure", "", "env")  # the chart a shared link previews
    app.connect("config-inited", _digest_of_this_extension)
    app.connect("config-inited", _base_address_from_environment)
    app.connect("builder-inited", _fix_translator, priority=900)  # after the theme's own translator
    app.connect("builder-inited", _look_up_bibtex_backends_once)
    app.connect("builder-inited", _decode_latex_once)
    app.connect("builder-inited", _disambiguate_citation_years, priority=600)  # after sphinxcontrib-bibtex reads
    app.connect("builder-inited", _write_bundle)
    app.connect("builder-inited", _write_output_digests)
    app.connect("source-read", _note_glue_sources)
    app.connect("html-page-context", _page_assets, priority=900)  # after the themes' handlers
    # Last: the theme and myst-nb write style sheets (pygments.css, mystnb.css) when the build
    # finishes, and the pages' combined style sheet must be made of what they wrote.
    app.connect("build-finished", _finish, priority=900)
    app.add_directive("execution-table", ExecutionTableDirective)
    app.add_directive("package-versions", PackageVersionsDirective)
    app.add_directive("errata", ErrataDirective)
    app.add_directive("book-citations", BookCitationsDirective)
    app.add_node(book_citations)
    app.connect("doctree-resolved", _fill_citations)
    app.add_role("edition", _edition_role)
    app.add_role("book-file", _book_file_role)
    editions.setup(app)
    # A change to this extension, to the citations or to the French edition's code changes what
    # every page is given: env_version makes Sphinx read and write every page again, instead of keeping pages
    # written by the old code.
    code = b"".join(Path(module.__file__).read_bytes()
                    for module in (sys.modules[__name__], citation, editions, french_charts))
    env_version = int(hashlib.sha256(code).hexdigest()[:8], 16)
    return {"version": "1.0", "env_version": env_version, "parallel_read_safe": True, "parallel_write_safe": True}
