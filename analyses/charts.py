"""The book's charts: one shared vocabulary, a sourced-chart helper and a byte-stable offline renderer.

Importing this module enables the theme and the renderer, so a chapter only needs
`from analyses import charts` before it draws. The vocabulary makes the right chart the default:

- colours: every colour is a `Colour` pair, one for the light page and one for the dark page,
  each with at least 3:1 contrast against its page (WCAG's rule for graphics); the page swaps
  them when the reader changes mode. `colour_scale(domain)` gives one distinct colour per value.
- long category labels on axes and in legends are wrapped onto several lines by the renderer
  instead of being cut with an ellipsis; titles are plain strings that the page wraps to the
  width it has (`title`); counts read 200k or 1.2M, never 0M (`count_axis`).
- `rows_height(labels)`: a chart's height from its rows, tall enough for wrapped labels.
- `sourced(chart, rows, description)`: attaches the source keys of the rows drawn and a text
  description; the renderer turns them into the caption and the accessible description.
- the `book` renderer refuses a chart that breaks a rule of the vocabulary (`problems`): a log
  scale over zero, bars that would stack into a total nobody asked for, fewer colours than
  values, years spaced like categories, labels cut short, a chart without a name. It writes a
  figure holding the spec inline. Its id is the name the chapter gives the chart
  (`chart.properties(name="circles")` makes `fig-circles`): the figure's address and its
  downloads' names stay the same when its data or style change. The
  book's own script (_static/book-charts.js) draws it with the Vega bundle the book ships itself
  (see pipeline.sphinx_ext): no CDN.
"""

from __future__ import annotations

import html
import json
import math
import re
import textwrap
from collections import Counter
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analyses import bib
from analyses.text import count as count_of, number as number_word

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
PAGE_BACKGROUND = {"light": "#FFFFFF", "dark": "#14181E"}  # the theme's --pst-color-background
MIN_GRAPHIC_CONTRAST = 3.0  # WCAG 2.1, success criterion 1.4.11 (non-text contrast)


@dataclass(frozen=True)
class Colour:
    """One colour of the book in both page modes: `light` on the white page, `dark` on the dark one."""

    light: str
    dark: str


# Hues of Okabe and Ito's colour-blind-safe palette, darkened for the white page and lightened for
# the dark one until each has at least 4.5:1 contrast there (tests/test_charts.py measures them).
BLUE = Colour("#0072B2", "#4EA5E6")
VERMILLION = Colour("#C85200", "#F08A4B")
GREEN = Colour("#00845F", "#2DB88C")
PURPLE = Colour("#B0508A", "#DA95BE")
ORANGE = Colour("#936300", "#E3A21A")
GREY = Colour("#6B6B6B", "#A3A3A3")
CATEGORY = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, GREY)  # default order for categories
INK = Colour("#333333", "#E6E6E6")     # titles and text marks
MUTED = Colour("#555555", "#C4C4C4")   # axis labels, subtitles, reference rules
GRID = Colour("#DDDDDD", "#3A3F47")    # gridlines and axis lines: decoration, not content
SWAPPED = (*CATEGORY, INK, MUTED, GRID)  # the colours the page swaps in dark mode

LABEL_CHARS = 22    # characters per line of a wrapped axis label
LEGEND_CHARS = 28   # characters per line of a wrapped legend label (legends have the plot's width)
LABEL_LINE = 14     # pixels between the lines of a wrapped 12-pixel label (Vega: font size + 2)
LINE_HEIGHT = 15    # pixels a row needs per line of its label
ROW_STEP = 30       # pixels per row of a bar or dot chart with one-line labels


@alt.theme.register("book", enable=True)
def theme() -> alt.theme.ThemeConfig:
    """Altair theme of the book: readable at 390 px, colours from the palette, nothing truncated."""
    return {
        "width": "container",
        "height": 280,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "range": {"category": [c.light for c in CATEGORY]},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "offset": 10,
                      "color": INK.light, "subtitleColor": MUTED.light},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0, "titleLimit": 0, "tickCount": 6,
                     "labelColor": MUTED.light, "titleColor": INK.light, "gridColor": GRID.light,
                     "domainColor": MUTED.light, "tickColor": MUTED.light},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "vertical",
                       "labelLimit": 0, "titleLimit": 0, "labelColor": MUTED.light, "titleColor": INK.light,
                       "symbolBaseFillColor": MUTED.light, "symbolBaseStrokeColor": MUTED.light,
                       "layout": {"bottom": {"anchor": "start", "direction": "vertical", "margin": 8}}},
            "bar": {"color": BLUE.light},
            "rule": {"color": MUTED.light},
            "text": {"color": INK.light},
            "line": {"color": BLUE.light},
            # Vega-Lite draws points at 0.7 opacity, which pales them below 3:1 contrast.
            "point": {"color": BLUE.light, "opacity": 1},
            "circle": {"opacity": 1},
            "square": {"opacity": 1},
        },
    }


class ChartError(ValueError):
    """A chart lacks what every chart of the book must carry, or breaks a rule of the vocabulary."""


def title(text: str, subtitle: str = "") -> alt.Title:
    """A chart title; the page wraps it to the width it is drawn at (Vega does not wrap titles)."""
    return alt.Title(text, subtitle=subtitle) if subtitle else alt.Title(text)


def colour_scale(domain, colours: tuple[Colour, ...] | list[Colour] | None = None) -> alt.Scale:
    """An ordinal colour scale giving each value of `domain` its own colour, in the given order."""
    values = list(dict.fromkeys(str(v) for v in domain))
    palette = list(colours) if colours is not None else list(CATEGORY)
    if len(palette) < len(values):
        raise ChartError(f"{len(values)} values to colour but only {len(palette)} colours: {values}")
    return alt.Scale(domain=values, range=[c.light for c in palette[:len(values)]])


def wrapped_lines(label: str, width: int = LABEL_CHARS) -> list[str]:
    """A label broken into lines of at most `width` characters, words kept whole."""
    return textwrap.wrap(str(label), width) or [str(label)]


def wrap_expression(labels, width: int = LABEL_CHARS) -> str:
    """A Vega expression drawing each label longer than `width` characters on several lines."""
    expression = "datum.label"
    for label in reversed(list(dict.fromkeys(str(v) for v in labels))):
        lines = wrapped_lines(label, width)
        if len(lines) > 1:
            expression = f"datum.label === {json.dumps(label)} ? {json.dumps(lines)} : {expression}"
    return expression


def count_axis(title: str, **options) -> alt.Axis:
    """An axis of counts labelled 0, 200k, 1.2M: each tick formatted on its own, so never '0M'."""
    return alt.Axis(title=title, labelExpr="format(datum.value, '~s')", **options)


def reference_labels(rows: pd.DataFrame, x: str, text: str, domain_max: float) -> alt.LayerChart:
    """Names of vertical reference lines at `x`, written above the plot one per line, so that they
    overlap neither the marks nor each other: to the right of their line in the left half of an
    axis running from zero to `domain_max`, to its left in the right half."""
    placed = rows.reset_index(drop=True).assign(label_y=[-6 - LINE_HEIGHT * i for i in range(len(rows))])
    left = placed[x] < domain_max / 2
    return alt.layer(*[
        alt.Chart(part).mark_text(align=align, dx=dx, fontSize=11, baseline="bottom").encode(
            x=f"{x}:Q", y=alt.Y("label_y:Q", scale=None), text=f"{text}:N")
        for part, align, dx in ((placed[left], "left", 3), (placed[~left], "right", -3)) if len(part)])


def spread(values, within: float) -> list[float]:
    """Offsets that move apart, around the centre of their row, values closer than `within` to
    their neighbour (marks that would cover each other): 0 for a value alone, -0.5 and 0.5 for a
    pair, -1, 0 and 1 for three. Returned in the order of `values`; use as a yOffset."""
    values = [float(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: values[i])
    clusters: list[list[int]] = []
    for i in order:
        if clusters and values[i] - values[clusters[-1][-1]] < within:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    offsets = [0.0] * len(values)
    for cluster in clusters:
        for rank, i in enumerate(cluster):
            offsets[i] = rank - (len(cluster) - 1) / 2
    return offsets


def rows_height(labels, per_row: int = ROW_STEP) -> int:
    """Height in pixels of a chart with one row per label, each tall enough for its label as the
    renderer wraps it."""
    labels = list(dict.fromkeys(str(v) for v in labels))
    lines = max((len(wrapped_lines(label)) for label in labels), default=1)
    return len(labels) * max(per_row, LINE_HEIGHT * lines + 6)


def sourced(chart: alt.TopLevelMixin, rows: pd.DataFrame, description: str) -> alt.TopLevelMixin:
    """Attach the sources of `rows` (their `source` and `via` keys) and a text description.

    The description is what a screen reader announces instead of the picture: say what the
    chart shows and what it finds, in a sentence or two.
    """
    if not description or not description.strip():
        raise ChartError("every chart needs a text description for readers who cannot see it")
    pairs = source_pairs(rows)
    if not pairs:
        raise ChartError("every chart needs the source keys of the rows it draws")
    text = description.strip()
    # Vega also writes the spec's description into the SVG's accessible label.
    return chart.properties(description=text, usermeta={"sources": pairs, "description": text})


MAIN_SOURCES = 3  # works named in a chart's source line; the others are behind "and N more"


def source_pairs(rows: pd.DataFrame) -> list[list[str | None]]:
    """Distinct (source, via) key pairs of a table, the pair behind most rows first (ties in the
    order the rows give them): the main sources lead the chart's source line."""
    if "source" not in rows:
        raise ChartError("the rows drawn have no 'source' column")
    via = rows["via"] if "via" in rows else pd.Series([None] * len(rows), index=rows.index)
    pairs: list[list[str | None]] = []
    counts: Counter[tuple] = Counter()
    for source, copy in zip(rows["source"], via):
        pair = [str(source), None if pd.isna(copy) else str(copy)]
        counts[tuple(pair)] += 1
        if pair not in pairs:
            pairs.append(pair)
    return sorted(pairs, key=lambda pair: -counts[tuple(pair)])


def _source_label(source: str, copy: str | None) -> str:
    label = bib.short_labels([source])[0]
    return label + (f", as reported by {bib.short_labels([copy])[0]}" if copy else "")


def source_line(pairs: list[list[str | None]], limit: int | None = None) -> str:
    """'Sources: A (2019); B (2018), as reported by C (2019).' from (source, via) key pairs; with
    a `limit`, the first `limit` works and 'and N more'."""
    parts = [_source_label(source, copy) for source, copy in pairs]
    shown = parts if limit is None or len(parts) <= limit + 1 else parts[:limit]
    rest = len(parts) - len(shown)
    listed = "; ".join(shown) + (f"; and {count_of(rest, 'more source', 'more sources')}" if rest else "")
    return ("Source: " if len(parts) == 1 else "Sources: ") + listed + "."


def source_markup(pairs: list[list[str | None]], line=None, label=None, all_sources=None) -> str:
    """The caption's source line: the main works, and the full list in a disclosure the reader
    can open when there are more (shown in full in print). The French edition passes its own
    `line`, `label` and `all_sources` words (pipeline/french_charts.py)."""
    line, label = line or source_line, label or _source_label
    all_sources = all_sources or (lambda n: f"All {number_word(n)} sources of this chart")
    short = html.escape(line(pairs, MAIN_SOURCES))
    if len(pairs) <= MAIN_SOURCES + 1:
        return f'<span class="book-chart-source">{short}</span>'
    full = "".join(f"<li>{html.escape(label(source, copy))}</li>" for source, copy in pairs)
    return (f'<span class="book-chart-source book-chart-source-short">{short}</span>'
            f'<span class="book-chart-source book-chart-source-print">{html.escape(line(pairs))}</span>'
            f'<details class="book-chart-sources"><summary>{all_sources(len(pairs))}'
            f'</summary><ul>{full}</ul></details>')


# --- Rules every chart must keep, checked before it is drawn -------------------------------------

LENGTH_MARKS = {"bar", "area", "rect"}
CATEGORICAL = {"nominal", "ordinal"}
COLOUR_CHANNELS = ("color", "fill", "stroke")


def problems(spec: dict) -> list[str]:
    """What in a Vega-Lite spec breaks a rule of the book's charts, one sentence per problem."""
    found = []
    datasets = spec.get("datasets", {})
    for mark, encoding, rows in _views(spec, datasets):
        found += _log_scale_problems(mark, encoding, rows)
        found += _colour_problems(encoding, rows)
        found += _stack_problems(mark, encoding, rows)
        if mark in {"line", "trail"} and encoding.get("x", {}).get("type") in CATEGORICAL:
            found.append(f"a {mark} on a categorical x axis spaces its points like categories, "
                         "whatever the gaps between them: use a quantitative or temporal axis")
    found += _size_and_label_problems(spec)
    return found


def _views(spec: dict, datasets: dict, inherited_data=None, inherited_encoding=None):
    """(mark type, encoding, data rows) of every single view of a spec, layers included."""
    data = spec.get("data", inherited_data)
    encoding = {**(inherited_encoding or {}), **spec.get("encoding", {})}
    if "mark" in spec:
        mark = spec["mark"]["type"] if isinstance(spec["mark"], dict) else spec["mark"]
        rows = datasets.get(data.get("name"), []) if isinstance(data, dict) else []
        yield mark, encoding, rows
    for layer in spec.get("layer", []):
        yield from _views(layer, datasets, data, encoding)


def _values(rows: list[dict], field: str | None) -> list:
    return [row[field] for row in rows if field in row] if field else []


def _log_scale_problems(mark: str, encoding: dict, rows: list[dict]) -> list[str]:
    found = []
    for channel in ("x", "y"):
        definition = encoding.get(channel) or {}
        scale = definition.get("scale") or {}
        if scale.get("type") != "log":
            continue
        if mark in LENGTH_MARKS:
            found.append(f"{mark}s on a log scale ({channel}) start at zero, which a log scale cannot draw")
        domain = scale.get("domain")
        values = _values(rows, definition.get("field")) + (domain if isinstance(domain, list) else [])
        if any(v is not None and v <= 0 for v in values):
            found.append(f"the log scale of {channel} includes zero or a negative value")
    return found


def _colour_problems(encoding: dict, rows: list[dict]) -> list[str]:
    found = []
    for channel in COLOUR_CHANNELS:
        definition = encoding.get(channel) or {}
        if definition.get("type") not in CATEGORICAL or "field" not in definition:
            continue
        scale = definition.get("scale") or {}
        domain = scale.get("domain") if isinstance(scale.get("domain"), list) else None
        values = domain or list(dict.fromkeys(_values(rows, definition["field"])))
        colours = scale.get("range") if isinstance(scale.get("range"), list) else [c.light for c in CATEGORY]
        if len(set(colours[:len(values)])) < len(values):
            found.append(f"{len(values)} values of {definition['field']} share "
                         f"{len(set(colours[:len(values)]))} colours: give each its own (charts.colour_scale)")
    return found


def _stack_problems(mark: str, encoding: dict, rows: list[dict]) -> list[str]:
    if mark not in LENGTH_MARKS - {"rect"}:
        return []
    for channel, band in (("x", "y"), ("y", "x")):
        length = encoding.get(channel, {})
        if length.get("type") != "quantitative" or "stack" in length:
            continue
        band_field = encoding.get(band, {}).get("field")
        offsets = [encoding.get(f"{band}Offset", {}).get("field")]
        groups = [encoding.get(c, {}).get("field") for c in (*COLOUR_CHANNELS, "opacity", "detail")]
        keys = [band_field, *(f for f in offsets if f)]
        if not any(groups) or not rows:
            continue
        bands = Counter(tuple(row.get(k) for k in keys) for row in rows)
        if any(count > 1 for count in bands.values()):
            return [f"several bars share a band of {band_field} and would stack into a total: put them "
                    f"side by side with {band}Offset, or say stack='zero' if the total means something"]
    return []


def _size_and_label_problems(spec: dict) -> list[str]:
    found = []
    for key in ("width", "height"):
        if isinstance(spec.get(key), dict) and "step" in spec[key]:
            found.append(f"a {key} given in steps drops the page's fit-to-width sizing (Vega-Lite warns): "
                         "use charts.rows_height")

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("labelLimit", "titleLimit") and item not in (0, None):
                    found.append(f"{path}: {key} {item} cuts labels with an ellipsis; wrap them instead")
                elif key != "datasets":
                    walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for item in value:
                walk(item, path)

    walk(spec, "")
    return found


# --- Defaults the renderer applies ------------------------------------------------------------

AXIS_CHANNELS = ("x", "y")
LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "opacity", "fillOpacity", "strokeDash", "size")


def with_wrapped_labels(spec: dict) -> dict:
    """The spec with every long category label on an axis or in a legend wrapped onto several lines,
    centred on its tick (unless the chart already says how to write its labels): nothing is cut
    with an ellipsis, so no chart module needs to think about label lengths."""
    spec = json.loads(json.dumps(spec))
    datasets = spec.get("datasets", {})

    def visit(view: dict, data) -> None:
        data = view.get("data", data)
        rows = datasets.get(data.get("name"), []) if isinstance(data, dict) else []
        for channel, definition in view.get("encoding", {}).items():
            if not isinstance(definition, dict) or definition.get("type") not in CATEGORICAL:
                continue
            guide = "axis" if channel in AXIS_CHANNELS else "legend" if channel in LEGEND_CHANNELS else None
            if guide is None or (guide in definition and definition[guide] is None):
                continue
            scale = definition.get("scale") or {}
            values = scale.get("domain") if isinstance(scale.get("domain"), list) else _values(rows, definition.get("field"))
            values = list(dict.fromkeys(str(v) for v in values))
            width = LABEL_CHARS if guide == "axis" else LEGEND_CHARS
            options = dict(definition.get(guide) or {})
            if "labelExpr" in options or not any(len(v) > width for v in values):
                continue
            options["labelExpr"] = wrap_expression(values, width)
            if channel == "y":  # a wrapped label starts at its tick: lift it by half its extra lines
                options["labelOffset"] = _offsets(values, width)
            definition[guide] = options
        for layer in view.get("layer", []):
            visit(layer, data)

    visit(spec, None)
    return spec


def _offsets(labels: list[str], width: int) -> dict:
    conditions = [{"test": f"datum.label === {json.dumps(label)}", "value": -(lines - 1) * LABEL_LINE / 2}
                  for label in labels if (lines := len(wrapped_lines(label, width))) > 1]
    return {"condition": conditions, "value": 0}


# --- The renderer -----------------------------------------------------------------------------

NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # a chart's name: its address, lowercase words and hyphens


def dark_colours(spec_json: str) -> dict[str, str]:
    """The light colours a spec uses, each with the colour the page draws instead in dark mode."""
    return {c.light: c.dark for c in SWAPPED if f'"{c.light}"' in spec_json}


def render(spec: dict, **_ignored) -> dict[str, str]:
    """Mime bundle for one chart: a figure with the chart, its caption and its description.

    A chart that breaks a rule of the vocabulary stops the notebook here, naming the chart and
    the rule; long labels are wrapped (with_wrapped_labels).
    """
    meta = spec.get("usermeta") or {}
    if not meta.get("description") or not meta.get("sources"):
        raise ChartError("chart drawn without charts.sourced(...): no description or sources")
    if not NAME.fullmatch(str(spec.get("name", ""))):
        raise ChartError(f"chart '{_title_text(spec)}' needs a name, its lasting address, given where the chapter "
                         f"shows it: .properties(name=\"lowercase-words\") (got {spec.get('name')!r})")
    found = problems(spec)
    if found:
        raise ChartError(f"chart '{_title_text(spec)}' breaks the book's chart rules:\n- " + "\n- ".join(found))
    return figure(with_wrapped_labels(_json_safe(spec)))


def figure(spec: dict) -> dict[str, str]:
    """The chart's figure as the page receives it, without the checks and defaults of `render`
    (tests use it to put deliberately broken charts into a page)."""
    meta = spec["usermeta"]
    spec = dict(spec, usermeta=dict(meta, darkColours=dark_colours(json.dumps(spec))))
    spec_json = json.dumps(_json_safe(spec), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           allow_nan=False)
    chart_id = f"fig-{spec['name']}"
    title_text = _title_text(spec)
    description_id = f"chart-description-{spec['name']}"
    spec_id = f"chart-spec-{spec['name']}"
    safe_spec = spec_json.replace("</", "<\\/")
    markup = f"""<figure id="{chart_id}" class="book-chart" aria-label="{html.escape(title_text)}" aria-describedby="{description_id}">
<div class="book-chart-view"></div>
<figcaption class="book-chart-caption">{source_markup(meta['sources'])}
<span id="{description_id}" class="book-chart-description">{html.escape(meta['description'])}</span></figcaption>
<script type="application/json" id="{spec_id}">{safe_spec}</script>
</figure>"""
    return {"text/html": markup, "text/plain": f"<Chart: {title_text}>"}


def _json_safe(value):
    """The spec with missing values (NaN) as null: JSON has no NaN and the browser rejects it."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _title_text(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(title)
    return str(title) or "Chart"


alt.renderers.register("book", render)
alt.renderers.enable("book")
