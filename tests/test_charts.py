"""Charts: the theme, sourced captions, and a renderer whose output is byte-stable and offline."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from analyses import charts
from tests.conftest import ROOT

ROWS = pd.DataFrame({
    "label": ["a", "b"],
    "value": [1, 2],
    "source": ["leludec2019howmany", "casilli2019microtravail"],
    "via": [None, "afp2019premiere"],
})


def _chart(title="Two bars", rows=ROWS):
    return charts.sourced(alt.Chart(rows, title=title).mark_bar().encode(x="value:Q", y="label:N"),
                          rows, "Two bars, b twice as long as a.").properties(name="two-bars")


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance, written out here independently of the code under test."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_theme_is_enabled_with_the_palette_and_container_width():
    spec = _chart().to_dict()
    assert spec["config"]["range"]["category"] == [c.light for c in charts.CATEGORY]
    assert spec["width"] == "container"


@pytest.mark.parametrize("colour", charts.SWAPPED[:-1], ids=lambda c: c.light)
def test_every_colour_has_graphic_contrast_on_its_page(colour):
    """3:1 is WCAG's minimum for graphics; the palette aims at text's 4.5:1 so marks read easily."""
    assert _contrast(colour.light, charts.PAGE_BACKGROUND["light"]) >= 4.5
    assert _contrast(colour.dark, charts.PAGE_BACKGROUND["dark"]) >= 4.5


def test_the_dark_page_colour_is_the_themes():
    css = (ROOT / ".venv").glob("lib/python*/site-packages/pydata_sphinx_theme/theme/pydata_sphinx_theme/"
                                "static/styles/pydata-sphinx-theme.css")
    text = next(css).read_text(encoding="utf-8")
    assert f"--pst-color-background:{charts.PAGE_BACKGROUND['dark'].lower()}" in text.lower()


def test_category_colours_are_distinct_in_both_modes():
    for mode in ("light", "dark"):
        colours = [getattr(c, mode).lower() for c in charts.CATEGORY]
        assert len(set(colours)) == len(colours)


def test_colour_scale_gives_each_value_its_own_colour():
    scale = charts.colour_scale(["2021", "2022", "2023", "2022"]).to_dict()
    assert scale["domain"] == ["2021", "2022", "2023"]
    assert len(set(scale["range"])) == 3
    with pytest.raises(charts.ChartError):
        charts.colour_scale(["a", "b", "c"], (charts.BLUE, charts.GREEN))


def test_renderer_lists_the_dark_twins_of_the_colours_a_chart_uses():
    markup = charts.render(_chart().to_dict())["text/html"]
    spec = json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', markup, re.S)
                      .group(1).replace("<\\/", "</"))
    assert spec["usermeta"]["darkColours"][charts.BLUE.light] == charts.BLUE.dark
    assert spec["usermeta"]["darkColours"][charts.INK.light] == charts.INK.dark


def test_source_line_names_sources_and_the_copies_read():
    line = charts.source_line(charts.source_pairs(ROWS))
    assert line == ("Sources: Le Ludec et al. (2019b); Casilli et al. (2019), "
                    "as reported by Agence France-Presse (2019b).")


def test_sourced_requires_a_description_and_sources():
    chart = alt.Chart(ROWS).mark_bar()
    with pytest.raises(charts.ChartError):
        charts.sourced(chart, ROWS, "  ")
    with pytest.raises(charts.ChartError):
        charts.sourced(chart, ROWS.drop(columns="source"), "A description.")


def test_renderer_refuses_unsourced_chart():
    with pytest.raises(charts.ChartError):
        charts.render(alt.Chart(ROWS).mark_bar().to_dict())


def test_renderer_output_is_stable_and_the_id_is_the_name_the_chapter_gives():
    spec = _chart().to_dict()
    first = charts.render(spec)["text/html"]
    assert first == charts.render(spec)["text/html"]
    assert '<figure id="fig-two-bars"' in first and 'id="chart-spec-two-bars"' in first
    restyled = _chart(title="Two other bars", rows=ROWS.assign(value=ROWS["value"] * 10)).to_dict()
    changed = charts.render(restyled)["text/html"]
    assert changed != first and '<figure id="fig-two-bars"' in changed


@pytest.mark.parametrize("name", [None, "", "Two bars", "two_bars", "-two", "two--bars"])
def test_renderer_refuses_a_chart_without_a_lasting_name(name):
    spec = _chart().to_dict()
    spec.pop("name")
    if name is not None:
        spec["name"] = name
    with pytest.raises(charts.ChartError, match="needs a name"):
        charts.render(spec)


def test_rendered_figure_has_caption_description_and_inline_spec():
    bundle = charts.render(_chart().to_dict())
    markup = bundle["text/html"]
    assert bundle["text/plain"] == "<Chart: Two bars>"
    assert 'aria-label="Two bars"' in markup
    assert "Sources: Le Ludec et al. (2019b)" in markup
    assert "Two bars, b twice as long as a." in markup
    spec_text = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', markup, re.S).group(1)
    assert json.loads(spec_text.replace("<\\/", "</"))["description"] == "Two bars, b twice as long as a."


def test_rendered_chart_loads_nothing_from_other_hosts():
    markup = charts.render(_chart().to_dict())["text/html"]
    assert "<script src" not in markup
    assert "cdn" not in markup.lower()
    assert "requirejs" not in markup


def test_titles_are_plain_strings_for_the_page_to_wrap():
    spec = charts.title("A fairly long chart title that would overflow a phone screen",
                        "And a subtitle that is longer still, explaining what the bars show").to_dict()
    assert spec["text"] == "A fairly long chart title that would overflow a phone screen"
    assert isinstance(spec["subtitle"], str)


def test_static_titles_never_leave_a_word_alone_on_a_line():
    """Vega fails on a title line that is exactly "if" (the growth chart's title once did)."""
    from pipeline import chart_assets

    title = "What each growth rate would compound to, if it held"
    for characters in range(8, 60):
        lines = chart_assets._wrapped(title, characters)
        assert " ".join(lines) == title
        assert all(" " in line for line in lines[1:]), (characters, lines)


def test_static_image_title_is_wrapped_to_its_width():
    from pipeline import chart_assets

    spec = _chart(title="word " * 40).to_dict()
    lines = chart_assets.static_spec(spec)["title"]["text"]
    assert len(lines) > 1 and all(len(line) * chart_assets.TITLE_CHAR_EM * 15 <= chart_assets.STATIC_WIDTH
                                  for line in lines)


def test_title_text_of_wrapped_title_reads_as_one_line():
    chart = charts.sourced(alt.Chart(ROWS, title=charts.title("Two bars", "sub")).mark_bar(), ROWS, "d")
    chart = chart.properties(name="two-bars")
    assert charts.render(chart.to_dict())["text/plain"] == "<Chart: Two bars>"


def test_missing_values_become_null_so_the_browser_can_parse_the_spec():
    rows = ROWS.assign(value=[1.0, float("nan")])
    chart = charts.sourced(alt.Chart(rows).mark_bar().encode(x="value:Q", y="label:N"), rows, "d")
    markup = charts.render(chart.properties(name="with-gaps").to_dict())["text/html"]
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


# --- The rules the renderer enforces, each shown failing on a chart broken on purpose ----------

BARS = pd.DataFrame({"year": ["2016", "2016", "2017"], "threshold": ["50 %", "60 %", "60 %"],
                     "rate": [8.0, 14.0, 14.2], "source": "insee2018niveaux2016", "via": None})


def _problems(chart) -> list[str]:
    return charts.problems(charts.sourced(chart, BARS, "d").to_dict())


def test_bars_of_different_groups_may_not_stack_into_a_total_by_default():
    stacked = alt.Chart(BARS).mark_bar().encode(x="year:N", y="rate:Q", color="threshold:N")
    assert any("would stack" in p for p in _problems(stacked))
    side_by_side = stacked.encode(xOffset="threshold:N")
    assert _problems(side_by_side) == []
    asked_for = alt.Chart(BARS).mark_bar().encode(x="year:N", y=alt.Y("rate:Q", stack="zero"), color="threshold:N")
    assert _problems(asked_for) == []


def test_bars_on_a_log_scale_are_refused():
    chart = alt.Chart(BARS).mark_bar().encode(y="year:N", x=alt.X("rate:Q", scale=alt.Scale(type="log")))
    assert any("log scale" in p for p in _problems(chart))
    zero = BARS.assign(rate=[0.0, 1.0, 2.0])
    dots = alt.Chart(zero).mark_point().encode(y="year:N", x=alt.X("rate:Q", scale=alt.Scale(type="log")))
    assert any("includes zero" in p for p in charts.problems(charts.sourced(dots, zero, "d").to_dict()))


def test_a_colour_range_shorter_than_its_domain_is_refused():
    """Fairwork's three rating years once shared a range of two colours."""
    chart = alt.Chart(BARS.assign(year=["2021", "2022", "2023"])).mark_point().encode(
        x="rate:Q", color=alt.Color("year:N", scale=alt.Scale(range=[charts.ORANGE.light, charts.BLUE.light])))
    assert any("share 2 colours" in p for p in _problems(chart))


def test_lines_across_categorical_years_are_refused():
    chart = alt.Chart(BARS).mark_line().encode(x="year:O", y="rate:Q")
    assert any("categorical x axis" in p for p in _problems(chart))


def test_cut_labels_and_step_heights_are_refused():
    chart = alt.Chart(BARS).mark_bar().encode(y=alt.Y("year:N", axis=alt.Axis(labelLimit=90)), x="rate:Q")
    assert any("ellipsis" in p for p in _problems(chart))
    assert any("steps" in p for p in _problems(chart.properties(height=alt.Step(20))))


def test_the_renderer_stops_a_broken_chart_naming_it_and_the_rule():
    broken = charts.sourced(alt.Chart(BARS, title="Poor by which line?").mark_bar().encode(
        x="year:N", y="rate:Q", color="threshold:N"), BARS, "d").properties(name="poverty-lines")
    with pytest.raises(charts.ChartError, match=r"(?s)Poor by which line\?.*would stack"):
        charts.render(broken.to_dict())


def test_long_labels_are_wrapped_and_centred_on_their_tick():
    rows = BARS.assign(year=["A label far longer than a phone allows", "Short", "Short"])
    spec = charts.with_wrapped_labels(charts.sourced(
        alt.Chart(rows).mark_bar().encode(y="year:N", x="rate:Q", color="year:N"), rows, "d").to_dict())
    axis, legend = spec["encoding"]["y"]["axis"], spec["encoding"]["color"]["legend"]
    assert '["A label far longer", "than a phone allows"]' in axis["labelExpr"]
    assert axis["labelOffset"]["condition"][0]["value"] == -charts.LABEL_LINE / 2
    assert "labelExpr" in legend and "labelOffset" not in legend
    short = charts.with_wrapped_labels(alt.Chart(BARS).mark_bar().encode(y="year:N", x="rate:Q").to_dict())
    assert "axis" not in short["encoding"]["y"]


def test_rows_are_tall_enough_for_their_wrapped_labels():
    assert charts.rows_height(["a", "b"], per_row=30) == 60
    three_lines = "one two three four five six seven eight nine ten eleven"
    assert charts.rows_height([three_lines], per_row=30) == 3 * charts.LINE_HEIGHT + 6


def test_count_axis_formats_each_tick_on_its_own():
    """d3's tick formatter gives every tick of a 0-15M axis the M prefix: '0M'. Formatting each
    value on its own gives '0'."""
    assert charts.count_axis("Persons").to_dict()["labelExpr"] == "format(datum.value, '~s')"


def test_chart_downloads_are_safe_to_open_in_a_spreadsheet():
    from pipeline import chart_assets

    spec = {"datasets": {"a": [{"label": "=HYPERLINK(\"http://x\")", "n": -3}, {"label": "+1", "n": 2},
                               {"label": "-cmd", "n": 0}, {"label": "@SUM(A1)", "n": 1}, {"label": "fine", "n": 1}]}}
    rows = list(__import__("csv").DictReader(__import__("io").StringIO(chart_assets.data_csv(spec))))
    assert [r["label"][0] for r in rows[:4]] == ["'"] * 4
    assert rows[4]["label"] == "fine" and rows[0]["n"] == "-3", "numbers are left as they are"


@pytest.mark.built  # run after the build: before it, in the unit stage, it had nothing to read
def test_every_published_chart_csv_is_safe_to_open_in_a_spreadsheet():
    """The chart CSVs of the built book, whatever their origin (data, computed labels)."""
    import csv

    from pipeline import chart_assets
    from tests.conftest import HTML

    files = sorted((HTML / "_static" / "charts").glob("*.csv"))
    assert files, "no chart downloads in the built book: run `make book`"
    for path in files:
        for row in csv.reader(path.open(encoding="utf-8")):
            for cell in row:
                try:
                    float(cell)
                    continue
                except ValueError:
                    pass
                assert not cell.startswith(chart_assets.FORMULA_STARTS), (path.name, cell)


def test_a_long_source_line_names_the_main_works_and_opens_onto_all():
    pairs = [["leludec2019howmany", None]] * 1 + [["casilli2019microtravail", "afp2019premiere"],
                                                 ["berg2018ilo", None], ["ilo2021weso", None],
                                                 ["toxtli2021invisible", None], ["perrigo2023openai", None]]
    line = charts.source_line(pairs, charts.MAIN_SOURCES)
    assert line.endswith("Berg et al. (2018); and three more sources.")
    markup = charts.source_markup(pairs)
    assert "All six sources of this chart" in markup and markup.count("<li>") == 6
    assert "Perrigo (2023)" in markup.split("<details", 1)[1]
    # four works are named in full: "and one more source" would save nothing
    assert "more" not in charts.source_line(pairs[:4], charts.MAIN_SOURCES)
    assert "<details" not in charts.source_markup(pairs[:4])


def test_the_works_behind_most_rows_lead_the_source_line():
    rows = pd.DataFrame({"source": ["berg2018ilo", "ilo2021weso", "ilo2021weso"], "via": [None, None, None]})
    assert charts.source_pairs(rows) == [["ilo2021weso", None], ["berg2018ilo", None]]
