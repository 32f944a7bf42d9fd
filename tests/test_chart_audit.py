"""The checks that see what a reader sees, shown failing on charts broken on purpose.

Each chart below carries one defect that once reached (or could reach) the book: bars on a log
scale that include zero and draw nothing, a colour range shorter than its domain, black marks
on the dark page, labels cut with an ellipsis, a legend running off a phone screen, marks on
top of each other, labels overlapping, bars outside their plot. They go into a scratch page
through the book's own figure markup, drawing script, styles and static images, without the
renderer's rules (analyses.charts.figure), and tests/chart_audit.js must name each defect; a
healthy chart beside them must pass.
"""

from __future__ import annotations

import re
import shutil

import altair as alt
import pandas as pd
import pytest

from analyses import charts
from pipeline import chart_assets
from pipeline.local_browser import chromium, chromium_path, draw_all_charts, serve
from tests import chart_audit
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

ROWS = pd.DataFrame({"label": ["Levy per person", "Average income", "Poverty line"],
                     "euros": [55.0, 252.0, 12750.0], "year": ["2021", "2022", "2023"],
                     "source": "afp2019levif", "via": None})
LONG = "A legend label long enough to run off a phone screen when nothing wraps it"


def _spec(chart: alt.TopLevelMixin, title: str) -> dict:
    name = "-".join(re.findall(r"[a-z0-9]+", title.lower()))
    return charts.sourced(chart.properties(title=title, name=name), ROWS, f"{title}, broken on purpose.").to_dict()


BROKEN = {
    "log scale over zero": (
        alt.Chart(ROWS).mark_bar().encode(y="label:N", x=alt.X("euros:Q", scale=alt.Scale(type="log"))),
        "draws no visible mark"),
    "two colours for three years": (
        alt.Chart(ROWS).mark_point(filled=True, size=80).encode(
            y="label:N", x="euros:Q",
            color=alt.Color("year:N", scale=alt.Scale(range=[charts.ORANGE.light, charts.BLUE.light]))),
        "has 3 values but 2 colours"),
    "black marks": (
        alt.Chart(ROWS).mark_point(filled=True, size=80, color="#000000").encode(y="label:N", x="euros:Q"),
        "contrast"),
    "cut labels": (
        alt.Chart(ROWS).mark_bar().encode(y=alt.Y("label:N", axis=alt.Axis(labelLimit=40)), x="euros:Q"),
        "cut with an ellipsis"),
    "legend off the edge": (
        alt.Chart(ROWS.assign(kind=[LONG, LONG + " again", LONG + " once more"])).mark_point(filled=True).encode(
            y="label:N", x="euros:Q", color=alt.Color("kind:N", legend=alt.Legend(labelLimit=0))),
        "runs off the chart's edge"),
    "marks on top of each other": (
        alt.Chart(ROWS.assign(euros=100.0, label="same")).mark_point(filled=True, size=80).encode(
            y="label:N", x="euros:Q"),
        "on top of each other"),
    "labels overlapping": (
        alt.layer(alt.Chart(ROWS).mark_bar().encode(y="label:N", x="euros:Q"),
                  alt.Chart(ROWS).mark_text(fontSize=14).encode(x=alt.value(60), y=alt.value(20),
                                                                text="label:N")),
        "overlap"),
    "legend taken away by another channel": (
        alt.Chart(ROWS).mark_point(size=80, strokeWidth=2).encode(
            y="label:N", x="euros:Q", color=alt.Color("year:N", title="Year"),
            fill=alt.condition("datum.euros > 100", alt.Color("year:N", legend=None), alt.value("transparent"))),
        "asks for a legend of year"),
    "axis line through a two-line label": (
        alt.Chart(ROWS).mark_point(filled=True, size=80).encode(
            y="euros:Q", x=alt.X("label:N", axis=alt.Axis(orient="top", labelAngle=0,
                                                           labelExpr="split(datum.label, ' ')"))),
        "axis line runs through the label"),
    "bars outside the plot": (
        alt.Chart(ROWS).mark_bar().encode(y="label:N", x=alt.X("euros:Q", scale=alt.Scale(domain=[20000, 30000]))),
        "draws no visible mark inside the plot area"),
}
WHERE = {"black marks": ["dark"], "legend off the edge": ["phone"]}


@pytest.fixture(scope="module")
def scratch_book(tmp_path_factory):
    """A page holding the broken charts and a healthy one, with the book's scripts and styles."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    folder = tmp_path_factory.mktemp("audit")
    (folder / "vega-bundle.js").write_text(chart_assets.vega_bundle(ROOT / chart_assets.CACHE_DIR), encoding="utf-8")
    for name in ("book-charts.js", "book.css"):
        shutil.copy(ROOT / "_static" / name, folder / name)
    ids = {}
    figures = []
    for title, (chart, _) in BROKEN.items():
        markup = charts.figure(_spec(chart, title))["text/html"]
        ids[title] = markup.split('id="', 1)[1].split('"', 1)[0]
        figures.append(markup)
    healthy = charts.render(_spec(alt.Chart(ROWS).mark_bar().encode(
        y="label:N", x=alt.X("euros:Q", axis=charts.count_axis("Euros a year"))), "healthy"))["text/html"]
    ids["healthy"] = healthy.split('id="', 1)[1].split('"', 1)[0]
    figures.append(healthy)
    for scheme in charts.PAGE_BACKGROUND:
        page = folder / f"{scheme}.html"
        page.write_text(f"""<!doctype html><html lang="en" data-theme="{scheme}"><head><meta charset="utf-8">
<link rel="stylesheet" href="book.css"><style>body {{ background: {charts.PAGE_BACKGROUND[scheme]};
margin: 16px; }}</style><script src="vega-bundle.js"></script><script src="book-charts.js"></script></head>
<body><main>{''.join(figures)}</main></body></html>""", encoding="utf-8")
        chart_assets.process_page(page, folder, ROOT / chart_assets.CACHE_DIR)
    title = "What each growth rate would compound to, if it held"
    narrow = charts.render(_spec(alt.Chart(ROWS).mark_bar().encode(y="label:N", x="euros:Q"), title))["text/html"]
    (folder / "narrow.html").write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="book.css"><script src="vega-bundle.js"></script><script src="book-charts.js"></script>
</head><body><main style="width: 0; overflow: hidden">{narrow}</main></body></html>""", encoding="utf-8")
    with serve(folder) as url, chromium() as browser:
        yield url, browser, ids


def _audit(scratch_book, scheme: str, width: int, static: bool = False):
    url, browser, ids = scratch_book
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    warnings = []
    page.on("console", lambda msg: warnings.append(msg.text) if msg.type in ("warning", "error") else None)
    try:
        page.goto(f"{url}/{scheme}.html")
        draw_all_charts(page)
        report = chart_audit.static_problems(page) if static else chart_audit.live_problems(page)
    finally:
        context.close()
    return {title: report[chart_id] for title, chart_id in ids.items()}, warnings


@pytest.fixture(scope="module")
def reports(scratch_book):
    return {
        ("light", "desktop"): _audit(scratch_book, "light", 1000),
        ("dark", "desktop"): _audit(scratch_book, "dark", 1000),
        ("light", "phone"): _audit(scratch_book, "light", 390),
        ("static", "desktop"): _audit(scratch_book, "light", 1000, static=True),
    }


@pytest.mark.parametrize("title", list(BROKEN))
def test_the_audit_names_each_defect(reports, title):
    expected = BROKEN[title][1]
    where = WHERE.get(title, ["light"])
    for scheme, layout in [("dark", "desktop")] if where == ["dark"] else (
            [("light", "phone")] if where == ["phone"] else [("light", "desktop")]):
        problems = reports[(scheme, layout)][0][title]
        assert any(expected in problem for problem in problems), (title, problems)


def test_a_healthy_chart_passes_in_every_mode(reports):
    for key, (report, _) in reports.items():
        assert report["healthy"] == [], key


def test_the_static_images_are_audited_too(reports):
    report, _ = reports[("static", "desktop")]
    assert any("draws no visible mark" in p for p in report["log scale over zero"])
    assert any("cut with an ellipsis" in p for p in report["cut labels"])


def test_vega_warns_of_the_log_scale_over_zero(reports):
    """The browser tests fail on any console warning: this is the one the log scale raised."""
    _, warnings = reports[("light", "desktop")]
    assert any("Log scale domain includes zero" in w for w in warnings), warnings


def test_a_chart_drawn_before_its_column_has_a_width_still_draws(scratch_book):
    """Under load the column can measure nothing at the first draw; wrapping the title to it put
    each word on a line, and Vega failed on the line "if" (the growth chart, flaky in CI)."""
    url, browser, _ = scratch_book
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type in ("warning", "error") else None)
    try:
        page.goto(f"{url}/narrow.html")
        draw_all_charts(page)
        lines = page.evaluate("document.querySelector('figure.book-chart').bookChart.spec.title.text")
        assert errors == []
        assert all(" " in line for line in lines[1:]), lines
    finally:
        context.close()
