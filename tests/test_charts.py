"""Charts: the theme, sourced captions, and a renderer whose output is byte-stable and offline."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from analyses import charts

ROWS = pd.DataFrame({
    "label": ["a", "b"],
    "value": [1, 2],
    "source": ["leludec2019howmany", "casilli2019microtravail"],
    "via": [None, "afp2019premiere"],
})


def _chart(title="Two bars"):
    return charts.sourced(alt.Chart(ROWS, title=title).mark_bar().encode(x="value:Q", y="label:N"),
                          ROWS, "Two bars, b twice as long as a.")


def test_theme_is_enabled_with_colour_blind_safe_palette():
    spec = _chart().to_dict()
    assert spec["config"]["range"]["category"] == charts.PALETTE
    assert spec["width"] == "container"


def test_source_line_names_sources_and_the_copies_read():
    line = charts.source_line(charts.source_pairs(ROWS))
    assert line == ("Sources: Le Ludec et al. (2019); Casilli et al. (2019), "
                    "as reported by Agence France-Presse (2019).")


def test_sourced_requires_a_description_and_sources():
    chart = alt.Chart(ROWS).mark_bar()
    with pytest.raises(charts.ChartError):
        charts.sourced(chart, ROWS, "  ")
    with pytest.raises(charts.ChartError):
        charts.sourced(chart, ROWS.drop(columns="source"), "A description.")


def test_renderer_refuses_unsourced_chart():
    with pytest.raises(charts.ChartError):
        charts.render(alt.Chart(ROWS).mark_bar().to_dict())


def test_renderer_output_is_stable_and_ids_derive_from_the_spec():
    charts._occurrences.clear()
    spec = _chart().to_dict()
    first = charts.render(spec)["text/html"]
    second = charts.render(spec)["text/html"]
    charts._occurrences.clear()
    again = charts.render(spec)["text/html"]
    assert first == again
    chart_id = re.search(r'id="(altair-viz-[0-9a-f]{16})"', first).group(1)
    assert f'id="{chart_id}-2"' in second


def test_rendered_figure_has_caption_description_and_inline_spec():
    charts._occurrences.clear()
    bundle = charts.render(_chart().to_dict())
    markup = bundle["text/html"]
    assert bundle["text/plain"] == "<Chart: Two bars>"
    assert 'aria-label="Two bars"' in markup
    assert "Sources: Le Ludec et al. (2019)" in markup
    assert "Two bars, b twice as long as a." in markup
    spec_text = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', markup, re.S).group(1)
    assert json.loads(spec_text.replace("<\\/", "</"))["description"] == "Two bars, b twice as long as a."


def test_rendered_chart_loads_nothing_from_other_hosts():
    charts._occurrences.clear()
    markup = charts.render(_chart().to_dict())["text/html"]
    assert "<script src" not in markup
    assert "cdn" not in markup.lower()
    assert "requirejs" not in markup


def test_titles_wrap_to_phone_width():
    wrapped = charts.title("A fairly long chart title that would overflow a phone screen",
                           "And a subtitle that is longer still, explaining what the bars show")
    spec = wrapped.to_dict()
    assert all(len(line) <= charts.TITLE_WIDTH for line in spec["text"])
    assert len(spec["text"]) == 2 and len(spec["subtitle"]) == 2


def test_title_text_of_wrapped_title_reads_as_one_line():
    charts._occurrences.clear()
    chart = charts.sourced(alt.Chart(ROWS, title=charts.title("Two bars", "sub")).mark_bar(), ROWS, "d")
    assert charts.render(chart.to_dict())["text/plain"] == "<Chart: Two bars>"


def test_missing_values_become_null_so_the_browser_can_parse_the_spec():
    charts._occurrences.clear()
    rows = ROWS.assign(value=[1.0, float("nan")])
    chart = charts.sourced(alt.Chart(rows).mark_bar().encode(x="value:Q", y="label:N"), rows, "d")
    markup = charts.render(chart.to_dict())["text/html"]
    spec_text = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', markup, re.S).group(1)
    assert "NaN" not in spec_text
    values = json.loads(spec_text)["datasets"]
    assert any(row["value"] is None for rows_ in values.values() for row in rows_)


def test_chart_assets_csv_holds_exactly_the_drawn_data():
    from pipeline import chart_assets

    spec = {"datasets": {"a": [{"x": 1, "y": "p"}, {"x": 2, "y": "q"}]}}
    assert chart_assets.data_csv(spec) == "x,y\n1,p\n2,q\n"
    two = {"datasets": {"a": [{"x": 1}], "b": [{"z": 3}]}}
    assert chart_assets.data_csv(two) == "dataset,x,z\na,1,\nb,,3\n"


def test_prerender_fills_the_cache_the_html_build_reads(tmp_path):
    """Charts rendered while a notebook executes are the very files the HTML build then uses."""
    import json

    from pipeline import chart_assets, notebooks

    notebook = notebooks.executed_path(notebooks.ROOT / "chapters" / "04-regulation.md")
    markup = "".join("".join(o["data"]["text/html"]) if isinstance(o["data"]["text/html"], list)
                     else o["data"]["text/html"]
                     for c in json.loads(notebook.read_text())["cells"] for o in c.get("outputs", [])
                     if "text/html" in o.get("data", {}))
    charts = chart_assets.FIGURE.findall(markup)
    assert charts, "chapter 4 shows charts"
    assert chart_assets.prerender(notebook, tmp_path) == len(charts)
    rendered = sorted((tmp_path / "svg").glob("*.svg"))
    assert len(rendered) == len({json.dumps(chart_assets.spec_of(body), sort_keys=True)
                                 for _, _, body, _ in charts})
    before = {p: p.stat().st_mtime_ns for p in rendered}
    svg = chart_assets.static_svg(chart_assets.spec_of(charts[0][2]), tmp_path)
    assert svg.startswith("<svg") and svg in {p.read_text() for p in rendered}
    assert {p: p.stat().st_mtime_ns for p in rendered} == before, "a cache hit rewrites nothing"
