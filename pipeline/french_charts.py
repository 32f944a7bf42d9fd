"""Each chart of the French edition: the English chart's own specification and data, its words
in French (locale/fr/LC_MESSAGES/charts.po) and its figures written the French way.

Nothing is computed again: the spec the English page embeds is translated word for word where
it shows words (titles, axis and legend titles, tooltip names, slider and option labels, the
categories drawn, the text description), its number and date formats are given the French locale
(14,8 ; 1 000 ; décembre), long category labels are wrapped again for their French length, and
the caption's source line is written in French. The data values the chart draws are unchanged.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from analyses import bib, charts
from pipeline.editions import FRENCH_MONTHS

# d3's French conventions, which Vega applies to every number and date it formats.
FRENCH_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"],
               "percent": "\u202f%"},
    "time": {"dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["", ""],
             "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
             "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
             "months": list(FRENCH_MONTHS),
             "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                             "nov.", "déc."]},
}
WORD_KEYS = {"title", "subtitle", "description", "name", "labels", "text"}  # keys whose strings are shown
SHOWN_TYPES = {"nominal", "ordinal"}
GENERATED_WRAP = re.compile(r'(?:datum\.label === "(?:[^"\\]|\\.)*" \? \[.*?\] : )+datum\.label', re.S)
_FRENCH_NUMBERS = ("zéro", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")


def shown_fields(spec: dict) -> set[str]:
    """The data fields whose values the chart writes out: categories on an axis, in a legend or
    a tooltip, and text marks."""
    fields = set()

    def visit(value) -> None:
        if isinstance(value, dict):
            if value.get("type") in SHOWN_TYPES and isinstance(value.get("field"), str):
                fields.add(value["field"])
            for key, item in value.items():
                if key == "text" and isinstance(item, dict) and isinstance(item.get("field"), str):
                    fields.add(item["field"])
                if key != "datasets":
                    visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(spec)
    return fields


def words_of(spec: dict) -> list[str]:
    """Every piece of text a chart shows a reader, in order of first appearance."""
    found: list[str] = []

    def add(text) -> None:
        for piece in text if isinstance(text, list) else [text]:
            if isinstance(piece, str) and piece.strip() and piece not in found:
                found.append(piece)

    def visit(value, key=None) -> None:
        if isinstance(value, dict):
            for child, item in value.items():
                if child in ("datasets", "usermeta", "$schema", "config", "data"):
                    continue
                # a parameter's own name is an identifier; the name a control shows is under bind
                shown = child in WORD_KEYS and (child != "name" or key == "bind")
                if (shown or (child == "value" and key == "text")) and not isinstance(item, dict):
                    add(item)
                visit(item, child)
        elif isinstance(value, list):
            for item in value:
                visit(item, key)

    visit(spec)
    add(spec.get("usermeta", {}).get("description"))
    for expression in _expressions(spec, ("calculate",)):
        # the labels an expression writes ('People registered'), not the values it compares ('women')
        add([word for match in QUOTED.finditer(expression)
             if re.search(r"[A-Z]|[a-z] [a-z]", word := match.group(1) or match.group(2) or "")])
    fields = shown_fields(spec)
    for definition in _shown_definitions(spec):
        scale = definition.get("scale") or {}
        add([v for v in scale.get("domain", []) if isinstance(v, str)] if isinstance(scale.get("domain"), list) else [])
        add([v for v in definition.get("sort", []) if isinstance(v, str)] if isinstance(definition.get("sort"), list) else [])
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            for field in sorted(fields):  # one order in every run: the catalogue stays byte-stable
                add(row.get(field))
    return found


QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


def _expressions(value, keys: tuple[str, ...]):
    """Every expression string the spec holds under one of `keys`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                yield item
            elif key != "datasets":
                yield from _expressions(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item, keys)


def _shown_definitions(value):
    """Every channel definition that writes its categories out (nominal or ordinal)."""
    if isinstance(value, dict):
        if value.get("type") in SHOWN_TYPES:
            yield value
        for key, item in value.items():
            if key != "datasets":
                yield from _shown_definitions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _shown_definitions(item)


def _replace_words(value, words: dict[str, str], key=None):
    if isinstance(value, str):
        return words.get(value, value)
    if isinstance(value, list):
        return [_replace_words(item, words, key) for item in value]
    if isinstance(value, dict):
        return {k: (v if k in ("$schema", "usermeta", "field") or (isinstance(v, str) and k in ("format", "type"))
                    else _replace_words(v, words, k)) for k, v in value.items()}
    return value


def _quoted(word: str) -> list[str]:
    return [json.dumps(word), "'" + word.replace("'", "\\'") + "'"]


def translate_spec(spec: dict, words: dict[str, str]) -> tuple[dict, list[str]]:
    """The French spec and the words it shows that have no translation yet (left in English).

    A word is replaced wherever the spec holds it: in the data it draws, in a scale's domain, a
    sort order, a title, and quoted inside an expression (a filter, a condition), so the chart
    still matches its own data."""
    from pipeline.editions import french_typography

    missing = [w for w in words_of(spec) if w not in words]
    # French spacing in the chart's words too: a label never wraps before its ':' or '%'
    translated = {k: french_typography(v) for k, v in words.items() if french_typography(v) != k}
    french = dict(spec)
    meta = dict(french.pop("usermeta", {}))
    french = _replace_words(french, translated)

    def expressions(value):
        if isinstance(value, dict):
            return {k: (_translate_expression(v, translated) if isinstance(v, str) and k in ("test", "expr", "filter",
                                                                                            "calculate", "labelExpr")
                        else expressions(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [expressions(v) for v in value]
        return value

    french = _with_guide_titles_wrapped(spec, _unwrapped(expressions(french)))
    if meta.get("description"):
        meta["description"] = translated.get(meta["description"], meta["description"])
    french["usermeta"] = meta
    french["config"] = dict(french.get("config", {}), locale=FRENCH_LOCALE)
    return charts.with_wrapped_labels(_tall_enough_for_its_labels(french)), missing


def _tall_enough_for_its_labels(spec: dict) -> dict:
    """A chart of rows made taller where its French labels wrap onto more lines than the English
    ones it was sized for (charts.rows_height); never shorter."""
    height = spec.get("height")
    rows_views = [view for view in [spec, *spec.get("layer", [])]
                  if isinstance(view.get("encoding", {}).get("y"), dict)
                  and view["encoding"]["y"].get("type") == "nominal" and "field" in view["encoding"]["y"]]
    fields = {view["encoding"]["y"]["field"] for view in rows_views}
    if not isinstance(height, (int, float)) or len(fields) != 1:
        return spec
    field = fields.pop()
    # The labels of the rows drawn: the data of the views that put the field on the y axis.
    names = {(view.get("data") or spec.get("data") or {}).get("name") for view in rows_views}
    labels = [row[field] for name in names for row in spec.get("datasets", {}).get(name, [])
              if row.get(field) is not None]
    if not labels:
        return spec
    needed = charts.rows_height(labels, per_row=0)  # as tall as the labels need, whatever the English step
    return spec if needed <= height else dict(spec, height=needed)


def _with_guide_titles_wrapped(english, french, path=()):
    """An axis title the French made longer than the English is drawn on several lines, none
    longer than the English title (the English one fits its chart on a phone)."""
    if isinstance(english, dict) and isinstance(french, dict):
        out = {}
        for key, value in french.items():
            was = english.get(key)
            # axes only: Vega-Lite draws a legend's title from a list as one line with commas
            in_guide = bool(path) and (path[-1] == "axis" or (len(path) >= 2 and path[-2] == "encoding"
                                                              and path[-1] in charts.AXIS_CHANNELS))
            if key == "title" and in_guide and isinstance(value, str) and isinstance(was, str) and len(value) > len(was):
                lines = charts.wrapped_lines(value, max(len(was), 16))
                out[key] = lines if len(lines) > 1 else value
            else:
                out[key] = _with_guide_titles_wrapped(was, value, path + (key,))
        return out
    if isinstance(english, list) and isinstance(french, list) and len(english) == len(french):
        return [_with_guide_titles_wrapped(e, f, path) for e, f in zip(english, french)]
    return french


def _translate_expression(expression: str, words: dict[str, str]) -> str:
    for english, french in words.items():
        for quoted, replacement in zip(_quoted(english), _quoted(french)):
            expression = expression.replace(quoted, replacement)
    return expression


def _unwrapped(spec):
    """The spec without the label wrapping the renderer added for the English labels."""
    if isinstance(spec, list):
        return [_unwrapped(item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    result = {}
    for key, value in spec.items():
        if key in ("axis", "legend") and isinstance(value, dict) and GENERATED_WRAP.fullmatch(str(value.get("labelExpr", ""))):
            value = {k: v for k, v in value.items() if k not in ("labelExpr", "labelOffset")}
        result[key] = _unwrapped(value)
    return result


def source_label(source: str, copy: str | None) -> str:
    label = bib.short_labels([source])[0]
    return _french_label(label) + (f", cité par {_french_label(bib.short_labels([copy])[0])}" if copy else "")


def _french_label(label: str) -> str:
    """'Argouarc'h and Picard (n.d.)' as French writes it: 'Argouarc'h et Picard (s. d.)'; an
    institution keeps its own name ('Wage and Hour Division')."""
    from pipeline import editions

    return editions.french_citation(label, editions.names_with_and())


def source_line(pairs: list[list[str | None]], limit: int | None = None) -> str:
    """'Sources : A (2019) ; B (2018), cité par C (2019).' the French twin of charts.source_line."""
    parts = [source_label(source, copy) for source, copy in pairs]
    shown = parts if limit is None or len(parts) <= limit + 1 else parts[:limit]
    rest = len(parts) - len(shown)
    more = "une autre source" if rest == 1 else f"{_number(rest)} autres sources"
    listed = " ; ".join(shown) + (f" ; et {more}" if rest else "")
    return ("Source : " if len(parts) == 1 else "Sources : ") + listed + "."


def _number(n: int) -> str:
    return _FRENCH_NUMBERS[n] if 0 <= n < len(_FRENCH_NUMBERS) else str(n)


def source_markup(pairs: list[list[str | None]]) -> str:
    return charts.source_markup(pairs, source_line, source_label,
                                lambda n: f"Les {_number(n)} sources de ce graphique")


FIGURE = re.compile(r'(?P<open><figure id="(?P<id>fig-[^"]+)" class="book-chart" aria-label=")(?P<label>[^"]*)'
                    r'(?P<middle>".*?<figcaption class="book-chart-caption">)(?P<sources>.*?)'
                    r'(?P<description><span id="chart-description-[^"]+" class="book-chart-description">)(?P<text>.*?)'
                    r'(?P<spec></span></figcaption>\s*<script type="application/json" id="chart-spec-[^"]+">)(?P<json>.*?)'
                    r'(?P<close></script>\s*</figure>)', re.S)


def french_figure(markup: str, words: dict[str, str]) -> tuple[str, list[str]]:
    """A chart figure of the English page, in French; and the words left untranslated."""
    missing: list[str] = []

    def one(match: re.Match) -> str:
        spec = json.loads(match.group("json").replace("<\\/", "</"))
        french, lacking = translate_spec(spec, words)
        missing.extend(lacking)
        meta = french["usermeta"]
        spec_json = json.dumps(french, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return (match.group("open") + html.escape(charts._title_text(french)) + match.group("middle")
                + source_markup(meta["sources"]) + "\n" + match.group("description")
                + html.escape(meta["description"]) + match.group("spec") + spec_json.replace("</", "<\\/")
                + match.group("close"))

    return FIGURE.sub(one, markup), missing


def chapter_words(catalogues: Path, chapter: str) -> dict[str, str]:
    """The French words for the charts of one page: its own catalogue first (the same English
    word may read differently in its charts), then every other chapter's."""
    from pipeline import translations

    return {**translations.chart_translations(catalogues),
            **translations.translated_words(catalogues / translations.CHARTS, chapter)}


def prerender(notebook: Path, cache: Path, catalogues: Path) -> int:
    """Render into the cache the static SVG and PNG of every chart of a chapter as the French build will
    draw it, while the chapters execute (one per core) rather than in the French build; returns
    the count."""
    from pipeline import chart_assets

    words = chapter_words(catalogues, notebook.stem)
    specs = chart_assets.notebook_specs(notebook)
    for spec in specs:
        french = translate_spec(spec, words)[0]
        chart_assets.static_svg(french, cache)
        chart_assets.static_png(french, cache)
    return len(specs)
