"""Files written next to each chart of the built book, its number, and its reuse links.

After Sphinx has written the pages, every chart figure (the output of analyses.charts, whose
id is `fig-<name>`, the name the chapter gives it) gets, under that name
- `_static/charts/<name>.csv`: exactly the data the chart draws (its inline datasets);
- `_static/charts/<name>.vl.json`: its Vega-Lite specification;
- `_static/charts/<name>.svg`: a static rendering by vl-convert, shown when printing and to
  readers without JavaScript, hidden once the interactive chart is drawn;
- `_static/charts/<name>.png`: the same at twice the pixels, for slides and link previews;
- `_static/charts/<name>.html`: the chart alone, drawn offline, with a snippet to embed it;
and its caption gains its number ("Figure 3.2", a link to the figure itself) and links to all
five. The names never depend on the chart's data or style, so links and downloads survive a
new edition. Rewriting a page is idempotent.

Numbers follow the table of contents (`figure_prefixes`): the chapters of the first part are
1, 2, 3...; the figures of every later part (the appendices) are A.1, A.2... in order. A page
outside those parts (the landing page) that shows a chapter's figure gives that figure's number
and links to it in its chapter.

The page scripts load one Vega bundle, built offline by vl-convert. Bundle and SVGs are kept
in a content-addressed cache (`_build/.cache/`), keyed by the spec and the package versions, so
`make book` can produce them while the notebooks execute, off the HTML build's critical path.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import textwrap
from collections import Counter
from importlib import metadata
from pathlib import Path

CHARTS_DIR = "_static/charts"
CACHE_DIR = Path("_build") / ".cache"  # relative to the book's root
STATIC_WIDTH = 640  # pixels: charts sized to the container are drawn this wide when static
# vl-convert lays the image out with the metrics of the first font it finds, and the reader's
# browser draws its text: naming a wide font first, which vl-convert has here, leaves room for
# the text in any narrower font the reader's machine may substitute.
STATIC_FONT = "DejaVu Sans, Verdana"
# Widest average character of a title and a subtitle, in ems, for wrapping the static image's title
# (the page measures its own): bold and regular sans-serif, with a margin.
TITLE_CHAR_EM = 0.66
SUBTITLE_CHAR_EM = 0.6
FIGURE = re.compile(
    r'(<figure id="fig-(?P<name>[a-z0-9-]+)" class="book-chart"[^>]*>)(?P<body>.*?)(</figure>)', re.S)
NUMBER = re.compile(r'<a class="book-chart-number" href="[^"]*">[^<]*</a>')
SPEC = re.compile(r'<script type="application/json" id="chart-spec-[^"]+">(?P<spec>.*?)</script>', re.S)
DONE_MARKER = 'class="book-chart-static"'


def spec_of(figure_body: str) -> dict:
    """The Vega-Lite spec embedded in a chart figure."""
    return specs_in(figure_body)[0]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell a spreadsheet would run as a formula (=, +, -, @ first) prefixed with an
    apostrophe, which spreadsheets show as text; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def data_csv(spec: dict) -> str:
    """The chart's inline data as CSV, safe to open in a spreadsheet; several datasets are stacked
    with a `dataset` column."""
    datasets = spec.get("datasets", {})
    rows = []
    for name, records in datasets.items():
        rows += [({"dataset": name} if len(datasets) > 1 else {})
                 | {key: spreadsheet_safe(value) for key, value in record.items()} for record in records]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _write_once(path: Path, make_text) -> str:
    """The cached text at `path`, made and written (atomically, for concurrent builders) if absent."""
    return _write_bytes_once(path, lambda: make_text().encode("utf-8")).decode("utf-8")


def _write_bytes_once(path: Path, make_bytes) -> bytes:
    """The cached file at `path`, made and written (atomically, for concurrent builders) if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(make_bytes())
        partial.replace(path)
    return path.read_bytes()


def static_spec(spec: dict) -> dict:
    """The spec drawn at STATIC_WIDTH pixels, its title wrapped to that width as the page would."""
    fixed = dict(spec)
    if fixed.get("width") == "container":
        fixed["width"] = STATIC_WIDTH
    config = fixed.get("config") or {}
    fixed["config"] = dict(config, font=f"{STATIC_FONT}, {config['font']}" if config.get("font") else STATIC_FONT)
    title = fixed.get("title")
    if title:
        title = dict(title) if isinstance(title, dict) else {"text": title}
        style = (fixed.get("config") or {}).get("title", {})
        title["text"] = _wrapped(title["text"], STATIC_WIDTH / (TITLE_CHAR_EM * style.get("fontSize", 13)))
        if title.get("subtitle"):
            title["subtitle"] = _wrapped(title["subtitle"],
                                         STATIC_WIDTH / (SUBTITLE_CHAR_EM * style.get("subtitleFontSize", 12)))
        fixed["title"] = title
    return fixed


def _wrapped(text, characters: float) -> list[str]:
    """Lines of at most `characters`, none of a single word after the first (as the page wraps:
    Vega takes a title line that is exactly "if" for a signal name)."""
    lines = textwrap.wrap(" ".join(text) if isinstance(text, list) else str(text), int(characters))
    for i in range(len(lines) - 1, 0, -1):
        if " " not in lines[i]:
            previous = lines[i - 1].split(" ")
            if len(previous) > 1:
                lines[i], lines[i - 1] = f"{previous.pop()} {lines[i]}", " ".join(previous)
            else:
                lines[i - 1] += f" {lines.pop(i)}"
    return lines


def _static_key(fixed: dict) -> str:
    text = json.dumps(fixed, sort_keys=True) + metadata.version("vl-convert-python")
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def static_svg(spec: dict, cache: Path) -> str:
    """SVG of the chart at a fixed width, cached by spec and vl-convert version."""
    import vl_convert

    fixed = static_spec(spec)
    return _write_once(cache / "svg" / f"{_static_key(fixed)}.svg", lambda: vl_convert.vegalite_to_svg(fixed))


PNG_SCALE = 2  # pixels per CSS pixel: sharp on a slide or a high-density screen


def static_png(spec: dict, cache: Path) -> bytes:
    """PNG of the static chart at PNG_SCALE, on a white ground, cached like the SVG."""
    import vl_convert

    fixed = static_spec(spec)
    fixed["background"] = "#FFFFFF"
    return _write_bytes_once(cache / "png" / f"{_static_key(fixed)}.png",
                             lambda: vl_convert.vegalite_to_png(fixed, scale=PNG_SCALE))


def vega_bundle(cache: Path) -> str:
    """Vega + Vega-Lite + Vega-Embed as one classic script defining window.vegaEmbed.

    vl-convert builds it offline, for the Vega-Lite version Altair writes its specs in. The
    bundle is wrapped in a function so its top-level names do not leak into the page.
    """
    versions = f"{metadata.version('vl-convert-python')}-{metadata.version('altair')}"
    name = f"vega-bundle-{hashlib.sha256(versions.encode()).hexdigest()[:12]}.js"

    def build() -> str:
        import vl_convert
        from altair.utils._importers import vl_version_for_vl_convert

        code = vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;",
                                            vl_version=vl_version_for_vl_convert())
        return "(function () {\n" + code + "\n})();\n"

    return _write_once(cache / name, build)


def specs_in(markup: str) -> list[dict]:
    """Every Vega-Lite spec embedded in a page or an output's HTML."""
    return [json.loads(text.replace("<\\/", "</")) for text in SPEC.findall(markup)]


def notebook_specs(notebook_path: Path) -> list[dict]:
    """The specs of every chart an executed notebook's outputs show, in order."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    specs = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            specs += specs_in(markup if isinstance(markup, str) else "".join(markup))
    return specs


def prerender(notebook_path: Path, cache: Path) -> int:
    """Render into the cache the static SVG and PNG of every chart a notebook shows; returns the count."""
    specs = notebook_specs(notebook_path)
    for spec in specs:
        static_svg(spec, cache)
        static_png(spec, cache)
    return len(specs)


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


WORDS = {  # what the caption and the chart's own page say, in each edition's language
    "en": {"figure": "Figure", "link": "Link to this figure", "reuse": "Reuse this figure:",
           "csv": "data (CSV)", "spec": "Vega-Lite specification (JSON)", "svg": "image (SVG)",
           "png": "image (PNG)", "alone": "the chart alone, to embed", "from": "From",
           "embed": "To show this chart on another page, paste this code there:",
           "printed": "Printed with the book's own values: on the web, this chart's controls let you change "
                      "its assumptions.",
           "licence": "Text and data under the Creative Commons Attribution 4.0 licence: credit the book and "
                      "the sources named above."},
    "fr": {"figure": "Figure", "link": "Lien vers cette figure", "reuse": "Réutiliser cette figure\u00a0:",
           "csv": "données (CSV)", "spec": "spécification Vega-Lite (JSON)", "svg": "image (SVG)",
           "png": "image (PNG)", "alone": "le graphique seul, à intégrer", "from": "Extrait de",
           "embed": "Pour montrer ce graphique sur une autre page, collez-y ce code\u00a0:",
           "printed": "Imprimé avec les valeurs retenues par le livre\u00a0: sur le web, les commandes de ce "
                      "graphique permettent d’en changer les hypothèses.",
           "licence": "Texte et données sous licence Creative Commons Attribution 4.0\u00a0: citez le livre et "
                      "les sources nommées ci-dessus."},
}


def process_page(page: Path, outdir: Path, cache: Path, language: str = "en") -> bool:
    """Write the assets of every chart on one page and link them in; True if the page changed."""
    text = page.read_text(encoding="utf-8")
    if 'class="book-chart"' not in text or DONE_MARKER in text:
        return False
    assets = outdir / CHARTS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    prefix = Path(os.path.relpath(assets, page.parent)).as_posix()
    words = WORDS.get(language, WORDS["en"])

    def rewrite(match: re.Match) -> str:
        name, body = match.group("name"), match.group("body")
        spec = spec_of(body)
        (assets / f"{name}.csv").write_text(data_csv(spec), encoding="utf-8")
        (assets / f"{name}.vl.json").write_text(json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False),
                                                encoding="utf-8")
        (assets / f"{name}.svg").write_text(static_svg(spec, cache), encoding="utf-8")
        (assets / f"{name}.png").write_bytes(static_png(spec, cache))
        image = (f'<img class="book-chart-static" src="{prefix}/{name}.svg" '
                 f'alt="{html.escape(_title(spec))}" width="{STATIC_WIDTH}">')
        number = f'<a class="book-chart-number" href="#fig-{name}">{words["figure"]}</a>'
        links = (f'<span class="book-chart-downloads">{words["reuse"]} '
                 f'<a href="{prefix}/{name}.csv" download>{words["csv"]}</a> · '
                 f'<a href="{prefix}/{name}.vl.json" download>{words["spec"]}</a> · '
                 f'<a href="{prefix}/{name}.svg" download>{words["svg"]}</a> · '
                 f'<a href="{prefix}/{name}.png" download>{words["png"]}</a> · '
                 f'<span class="book-chart-alone"><a href="{prefix}/{name}.html">{words["alone"]}</a> · </span>'
                 f'<a href="#fig-{name}" class="book-chart-link">{words["link"]}</a></span>')
        body = body.replace('<div class="book-chart-view"></div>', f'<div class="book-chart-view"></div>\n{image}', 1)
        body = body.replace('<figcaption class="book-chart-caption">',
                            f'<figcaption class="book-chart-caption">{number} ', 1)
        if _has_controls(spec):  # shown in print only, where the sliders and switches are not
            links = f'<span class="book-chart-print-note">{words["printed"]}</span>\n{links}'
        body = body.replace("</figcaption>", f"\n{links}</figcaption>", 1)
        return match.group(1) + body + match.group(4)

    page.write_text(FIGURE.sub(rewrite, text), encoding="utf-8")
    return True


def _has_controls(spec) -> bool:
    """Whether a chart has controls bound to its parameters (sliders, switches)."""
    if isinstance(spec, dict):
        return any(isinstance(p, dict) and p.get("bind") for p in spec.get("params", [])) or \
            any(_has_controls(value) for value in spec.values())
    return isinstance(spec, list) and any(_has_controls(item) for item in spec)


class NumberingError(Exception):
    """Two pages number the same figure, or a page shows a figure no chapter numbers."""


def figure_prefixes(toc: dict) -> dict[str, str]:
    """Each page of the table of contents (`chapters/01-workforce.html`) with the prefix of its
    figures' numbers: the chapters of the first part count 1, 2, 3...; every later part's pages
    share the prefix A (appendices). The landing page has none."""
    prefixes = {}
    for position, part in enumerate(toc.get("parts", [])):
        for number, chapter in enumerate(part.get("chapters", []), start=1):
            prefixes[f"{chapter['file']}.html"] = str(number) if position == 0 else "A"
    return prefixes


def figure_numbers(outdir: Path, prefixes: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each figure's name with its number ("3.2") and the page that numbers it, in the order of
    `prefixes` (the table of contents) and, within a page, the order of its figures."""
    numbers: dict[str, tuple[str, str]] = {}
    counts: Counter[str] = Counter()
    for page, prefix in prefixes.items():
        path = outdir / page
        if not path.exists():
            continue
        for match in FIGURE.finditer(path.read_text(encoding="utf-8")):
            name = match.group("name")
            if name in numbers:
                raise NumberingError(f"{page}: figure 'fig-{name}' is already numbered on {numbers[name][1]}; "
                                     f"give each chart of the book its own name")
            counts[prefix] += 1
            numbers[name] = (f"{prefix}.{counts[prefix]}", page)
    return numbers


def number_figures(outdir: Path, numbers: dict[str, tuple[str, str]], language: str = "en") -> None:
    """Write each figure's number and its link into every page that shows it, and the chart's own
    page; idempotent, so a page an incremental build kept gets its current number."""
    words = WORDS.get(language, WORDS["en"])
    for page in _pages(outdir):
        text = page.read_text(encoding="utf-8")
        if 'class="book-chart"' not in text:
            continue
        here = page.relative_to(outdir).as_posix()

        def numbered(match: re.Match) -> str:
            name = match.group("name")
            if name not in numbers:
                raise NumberingError(f"{here}: figure 'fig-{name}' is in no chapter or appendix, so it has no number")
            number, home = numbers[name]
            address = f"#fig-{name}" if home == here else f"{os.path.relpath(outdir / home, page.parent)}#fig-{name}"
            label = f'<a class="book-chart-number" href="{address}">{words["figure"]} {number}</a>'
            figure = match.group(1) + NUMBER.sub(lambda _: label, match.group("body"), count=1) + match.group(4)
            if home == here:
                svg = (outdir / CHARTS_DIR / f"{name}.svg").read_text(encoding="utf-8")
                standalone = chart_page(figure, name, number, home, _page_title(text), language, svg_height(svg))
                _write_if_changed(outdir / CHARTS_DIR / f"{name}.html", standalone)
            return figure

        updated = FIGURE.sub(numbered, text)
        if updated != text:
            page.write_text(updated, encoding="utf-8")


def svg_height(svg: str) -> int:
    """The height in pixels an SVG's root element declares."""
    return round(float(re.search(r'<svg[^>]*?\sheight="([0-9.]+)', svg).group(1)))


def _page_title(page_text: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page_text, re.S)
    return html.unescape(match.group(1)).strip() if match else ""


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


CHART_PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                     "connect-src 'self'; base-uri 'none'; form-action 'none'")


RELATIVE_LINK = re.compile(r'(?P<attr>\b(?:src|href)=")(?P<path>[^"#:?]*)(?P<rest>[#?][^"]*)?"')


CAPTION_HEIGHT = 360  # pixels the embedded page gives the caption and the sliders below the chart


def chart_page(figure: str, name: str, number: str, home: str, page_title: str, language: str,
               chart_height: int) -> str:
    """The chart alone, for embedding in another page (an iframe): the book's figure with its
    caption, drawn by the book's own script and bundle, offline, under a strict page policy.
    `home` is the page that numbers it (`chapters/03-pay-poverty.html`), whose links the figure
    carries; the embed code below it gets the page's own address when it is read (book-charts.js)."""
    words = WORDS.get(language, WORDS["en"])
    title = f"{words['figure']} {number}. {_title(spec_of(figure))}"
    here = Path(CHARTS_DIR)

    def moved(match: re.Match) -> str:  # a link of the home page, written from _static/charts/
        path, rest = match.group("path"), match.group("rest") or ""
        target = Path(os.path.normpath(Path(home).parent / path)) if path else Path(home)
        return f'{match.group("attr")}{Path(os.path.relpath(target, here)).as_posix()}{rest}"'

    figure = RELATIVE_LINK.sub(moved, figure)
    to_root = Path(os.path.relpath(".", here)).as_posix()
    snippet = html.escape(f'<iframe src="{name}.html" title="{title}" width="680" '
                          f'height="{chart_height + CAPTION_HEIGHT}" '
                          f'style="border:0;max-width:100%"></iframe>')
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CHART_PAGE_POLICY}">
<title>{html.escape(title)} — {html.escape(page_title)}</title>
<link rel="icon" href="{to_root}/_static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{to_root}/_static/book.css">
<link rel="stylesheet" href="{to_root}/_static/book-chart-page.css">
<script defer src="{to_root}/_static/book-charts.js" data-vega-bundle="vega-bundle.js"></script>
</head>
<body class="book-chart-page">
<main>
{figure}
<p class="book-chart-home">{words['from']} <a href="{to_root}/{home}#fig-{name}">{html.escape(page_title)}</a>. {words['licence']}</p>
<div class="book-chart-embed"><label for="embed-{name}">{words['embed']}</label>
<textarea id="embed-{name}" readonly rows="3" data-embed-snippet>{snippet}</textarea></div>
</main>
</body>
</html>
"""


def _pages(outdir: Path) -> list[Path]:
    return [p for p in sorted(outdir.rglob("*.html")) if "_static" not in p.parts]


def write_all(outdir: Path, cache: Path, language: str = "en", prefixes: dict[str, str] | None = None) -> int:
    """Process every page of the built book, number its figures (by `prefixes`, see
    figure_prefixes), drop assets of charts no page shows any more.

    Returns the number of pages rewritten.
    """
    pages = _pages(outdir)
    rewritten = sum(process_page(page, outdir, cache, language) for page in pages)
    number_figures(outdir, figure_numbers(outdir, prefixes or {}), language)
    shown = {m.group("name") for page in pages for m in FIGURE.finditer(page.read_text(encoding="utf-8"))}
    for asset in (outdir / CHARTS_DIR).iterdir() if (outdir / CHARTS_DIR).exists() else []:
        if asset.name.split(".")[0] not in shown:
            asset.unlink()
    return rewritten
