"""Files written next to each chart of the built book: its data, its spec and a static image.

After Sphinx has written the pages, every chart figure (the output of analyses.charts) gets
- `_static/charts/<id>.csv`: exactly the data the chart draws (its inline datasets);
- `_static/charts/<id>.vl.json`: its Vega-Lite specification;
- `_static/charts/<id>.svg`: a static rendering by vl-convert, shown when printing and to
  readers without JavaScript, hidden once the interactive chart is drawn;
and its caption gains links to download the first two. Rewriting a page is idempotent.

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
    r'(<figure id="(?P<id>altair-viz-[0-9a-f-]+)" class="book-chart"[^>]*>)(?P<body>.*?)(</figure>)', re.S)
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
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(make_text(), encoding="utf-8")
        partial.replace(path)
    return path.read_text(encoding="utf-8")


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


def static_svg(spec: dict, cache: Path) -> str:
    """SVG of the chart at a fixed width, cached by spec and vl-convert version."""
    import vl_convert

    fixed = static_spec(spec)
    key = hashlib.sha256((json.dumps(fixed, sort_keys=True) + metadata.version("vl-convert-python")).encode())
    return _write_once(cache / "svg" / f"{key.hexdigest()[:24]}.svg", lambda: vl_convert.vegalite_to_svg(fixed))


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
    """Render into the cache the static SVG of every chart a notebook shows; returns the count."""
    specs = notebook_specs(notebook_path)
    for spec in specs:
        static_svg(spec, cache)
    return len(specs)


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


DOWNLOAD_WORDS = {  # the sentence under each chart, in each edition's language
    "en": ("Download the ", "data (CSV)", " or the ", "chart specification (Vega-Lite JSON)"),
    "fr": ("Télécharger les ", "données (CSV)", " ou la ", "spécification du graphique (JSON Vega-Lite)"),
}


def process_page(page: Path, outdir: Path, cache: Path, language: str = "en") -> bool:
    """Write the assets of every chart on one page and link them in; True if the page changed."""
    text = page.read_text(encoding="utf-8")
    if 'class="book-chart"' not in text or DONE_MARKER in text:
        return False
    assets = outdir / CHARTS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    prefix = Path(os.path.relpath(assets, page.parent)).as_posix()

    def rewrite(match: re.Match) -> str:
        chart_id, body = match.group("id"), match.group("body")
        spec = spec_of(body)
        (assets / f"{chart_id}.csv").write_text(data_csv(spec), encoding="utf-8")
        (assets / f"{chart_id}.vl.json").write_text(json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False),
                                                   encoding="utf-8")
        (assets / f"{chart_id}.svg").write_text(static_svg(spec, cache), encoding="utf-8")
        image = (f'<img class="book-chart-static" src="{prefix}/{chart_id}.svg" '
                 f'alt="{html.escape(_title(spec))}" width="{STATIC_WIDTH}">')
        words = DOWNLOAD_WORDS.get(language, DOWNLOAD_WORDS["en"])
        links = (f'<span class="book-chart-downloads">{words[0]}'
                 f'<a href="{prefix}/{chart_id}.csv" download>{words[1]}</a>{words[2]}'
                 f'<a href="{prefix}/{chart_id}.vl.json" download>{words[3]}</a>.</span>')
        body = body.replace('<div class="book-chart-view"></div>', f'<div class="book-chart-view"></div>\n{image}', 1)
        body = body.replace("</figcaption>", f"\n{links}</figcaption>", 1)
        return match.group(1) + body + match.group(4)

    page.write_text(FIGURE.sub(rewrite, text), encoding="utf-8")
    return True


def write_all(outdir: Path, cache: Path, language: str = "en") -> int:
    """Process every page of the built book, drop assets of charts no page shows any more.

    Returns the number of pages rewritten.
    """
    pages = [p for p in sorted(outdir.rglob("*.html")) if "_static" not in p.parts]
    rewritten = sum(process_page(page, outdir, cache, language) for page in pages)
    shown = {m.group("id") for page in pages for m in FIGURE.finditer(page.read_text(encoding="utf-8"))}
    for asset in (outdir / CHARTS_DIR).glob("altair-viz-*") if (outdir / CHARTS_DIR).exists() else []:
        if asset.name.split(".")[0] not in shown:
            asset.unlink()
    return rewritten
