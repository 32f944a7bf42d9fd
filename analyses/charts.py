"""The book's charts: one Altair theme, a sourced-chart helper and a byte-stable offline renderer.

Importing this module enables both the theme and the renderer, so a chapter only needs
`from analyses import charts` before it draws.

- `theme`: a colour-blind-safe palette (Okabe and Ito), system fonts, charts as wide as the
  text column so they fit a phone screen.
- `sourced(chart, rows, description)`: attaches the source keys of the rows drawn and a text
  description to the chart; the renderer turns them into the caption under the chart and the
  accessible description screen readers announce.
- the `book` renderer writes a figure holding the spec inline, with a chart id derived from
  the spec, so the executed notebooks are identical from one run to the next. The book's own
  script (_static/book-charts.js) draws it with the Vega bundle the book ships itself (see
  pipeline.sphinx_ext): no CDN.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import textwrap
from collections import Counter

import altair as alt
import pandas as pd

from analyses import bib

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@alt.theme.register("book", enable=True)
def theme() -> alt.theme.ThemeConfig:
    """Altair theme of the book: readable at 390 px, palette safe for colour-blind readers."""
    return {
        "width": "container",
        "height": 280,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "range": {"category": PALETTE},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "offset": 10},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 150, "tickCount": 6},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "vertical",
                       "labelLimit": 0},
            "bar": {"color": PALETTE[0]},
            "rule": {"color": "#555555"},
            "text": {"color": "#333333"},
            "line": {"color": PALETTE[0]},
            "point": {"color": PALETTE[0]},
        },
    }


TITLE_WIDTH = 34  # characters per title line that fit a 390 px phone screen


def title(text: str, subtitle: str = "") -> alt.Title:
    """A chart title wrapped into lines short enough for a phone (Vega does not wrap titles)."""
    wrapped = textwrap.wrap(text, TITLE_WIDTH)
    if not subtitle:
        return alt.Title(wrapped)
    return alt.Title(wrapped, subtitle=textwrap.wrap(subtitle, TITLE_WIDTH + 14))


class ChartError(ValueError):
    """A chart lacks what every chart of the book must carry."""


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


def source_pairs(rows: pd.DataFrame) -> list[list[str | None]]:
    """Distinct (source, via) key pairs of a table, in the order the rows give them."""
    if "source" not in rows:
        raise ChartError("the rows drawn have no 'source' column")
    via = rows["via"] if "via" in rows else pd.Series([None] * len(rows), index=rows.index)
    pairs = []
    for source, copy in zip(rows["source"], via):
        pair = [str(source), None if pd.isna(copy) else str(copy)]
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def source_line(pairs: list[list[str | None]]) -> str:
    """'Sources: A (2019); B (2018), reported by C (2019).' from (source, via) key pairs."""
    parts = []
    for source, copy in pairs:
        label = bib.short_labels([source])[0]
        if copy:
            label += f", as reported by {bib.short_labels([copy])[0]}"
        if label not in parts:  # two works of one author and year read alike here
            parts.append(label)
    return ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts) + "."


_occurrences: Counter[str] = Counter()


def render(spec: dict, **_ignored) -> dict[str, str]:
    """Mime bundle for one chart: a figure with the chart, its caption and its description."""
    meta = spec.get("usermeta") or {}
    if not meta.get("description") or not meta.get("sources"):
        raise ChartError("chart drawn without charts.sourced(...): no description or sources")
    spec_json = json.dumps(_json_safe(spec), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           allow_nan=False)
    digest = hashlib.sha256(spec_json.encode("utf-8")).hexdigest()[:16]
    _occurrences[digest] += 1
    count = _occurrences[digest]
    chart_id = f"altair-viz-{digest}" + ("" if count == 1 else f"-{count}")
    title = _title_text(spec)
    description_id = chart_id.replace("altair-viz-", "chart-description-")
    spec_id = chart_id.replace("altair-viz-", "chart-spec-")
    safe_spec = spec_json.replace("</", "<\\/")
    markup = f"""<figure id="{chart_id}" class="book-chart" aria-label="{html.escape(title)}" aria-describedby="{description_id}">
<div class="book-chart-view"></div>
<figcaption class="book-chart-caption"><span class="book-chart-source">{html.escape(source_line(meta['sources']))}</span>
<span id="{description_id}" class="book-chart-description">{html.escape(meta['description'])}</span></figcaption>
<script type="application/json" id="{spec_id}">{safe_spec}</script>
</figure>"""
    return {"text/html": markup, "text/plain": f"<Chart: {title}>"}


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
