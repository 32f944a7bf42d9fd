"""Numbered figures with lasting addresses (pipeline.chart_assets): numbers follow the table of
contents, the anchor and the download names are the chapter's name for the chart, and survive a
change of the chart's data or style."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import yaml

from analyses import charts
from pipeline import chart_assets
from tests.conftest import ROOT

CACHE = ROOT / chart_assets.CACHE_DIR
TOC = {"parts": [{"caption": "Chapters", "chapters": [{"file": "chapters/one"}, {"file": "chapters/two"}]},
                 {"caption": "Appendices", "chapters": [{"file": "chapters/data"}, {"file": "chapters/check"}]}]}
PREFIXES = chart_assets.figure_prefixes(TOC)


def _figure(name: str, euros=(1.0, 2.0), title="Two bars") -> str:
    rows = pd.DataFrame({"label": ["a", "b"], "euros": list(euros), "source": ["leludec2019combien"] * 2})
    chart = charts.sourced(alt.Chart(rows, title=title).mark_bar().encode(y="label:N", x="euros:Q"),
                           rows, "Two bars.").properties(name=name)
    return charts.render(chart.to_dict())["text/html"]


def _page(outdir: Path, page: str, *figures: str, title="A chapter") -> Path:
    path = outdir / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><head><title>{title}</title></head><body>{''.join(figures)}</body></html>",
                    encoding="utf-8")
    return path


def _numbers(path: Path) -> list[tuple[str, str]]:
    return re.findall(r'<a class="book-chart-number" href="([^"]*)">Figure ([^<]*)</a>', path.read_text("utf-8"))


def _book(outdir: Path, euros=(1.0, 2.0)) -> None:
    _page(outdir, "intro.html", _figure("shares", euros))
    _page(outdir, "chapters/one.html", _figure("circles"), _figure("shares", euros))
    _page(outdir, "chapters/two.html", _figure("pay"))
    _page(outdir, "chapters/data.html", _figure("sources"))
    _page(outdir, "chapters/check.html", _figure("verdicts"))
    chart_assets.write_all(outdir, CACHE, "en", PREFIXES)


def test_prefixes_follow_the_books_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    prefixes = chart_assets.figure_prefixes(toc)
    assert [prefixes[f"chapters/{c}.html"] for c in ("01-workforce", "02-gender", "03-pay-poverty", "04-regulation")] \
        == ["1", "2", "3", "4"]
    assert prefixes["chapters/95-dispatch-check.html"] == prefixes["chapters/90-about-the-data.html"] == "A"
    assert "intro.html" not in prefixes


def test_figures_are_numbered_by_chapter_and_the_appendices_share_one_count(tmp_path):
    _book(tmp_path)
    assert _numbers(tmp_path / "chapters/one.html") == [("#fig-circles", "1.1"), ("#fig-shares", "1.2")]
    assert _numbers(tmp_path / "chapters/two.html") == [("#fig-pay", "2.1")]
    assert _numbers(tmp_path / "chapters/data.html") == [("#fig-sources", "A.1")]
    assert _numbers(tmp_path / "chapters/check.html") == [("#fig-verdicts", "A.2")]
    # the landing page shows chapter 1's figure: its number, and a link to it in its chapter
    assert _numbers(tmp_path / "intro.html") == [("chapters/one.html#fig-shares", "1.2")]


def test_anchor_and_download_names_survive_a_change_of_the_charts_data(tmp_path):
    _book(tmp_path)
    page = tmp_path / "chapters/one.html"
    before = page.read_text("utf-8")
    files = sorted(p.name for p in (tmp_path / chart_assets.CHARTS_DIR).iterdir())
    csv_before = (tmp_path / chart_assets.CHARTS_DIR / "shares.csv").read_text("utf-8")
    _book(tmp_path, euros=(10.0, 40.0))  # a new edition: the same chart over other data
    after = page.read_text("utf-8")
    assert after != before
    assert re.findall(r'<figure id="([^"]+)"', after) == re.findall(r'<figure id="([^"]+)"', before) \
        == ["fig-circles", "fig-shares"]
    assert sorted(p.name for p in (tmp_path / chart_assets.CHARTS_DIR).iterdir()) == files
    assert "shares.csv" in files and "shares.png" in files and "shares.html" in files
    csv_after = (tmp_path / chart_assets.CHARTS_DIR / "shares.csv").read_text("utf-8")
    assert csv_after != csv_before and "40.0" in csv_after
    assert _numbers(page) == [("#fig-circles", "1.1"), ("#fig-shares", "1.2")]


def test_every_figure_links_its_five_reuse_files(tmp_path):
    _book(tmp_path)
    text = (tmp_path / "chapters/two.html").read_text("utf-8")
    for suffix in (".csv", ".vl.json", ".svg", ".png", ".html"):
        assert f'href="../_static/charts/pay{suffix}"' in text
        assert (tmp_path / chart_assets.CHARTS_DIR / f"pay{suffix}").stat().st_size > 0
    assert (tmp_path / chart_assets.CHARTS_DIR / "pay.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert '<a href="#fig-pay" class="book-chart-link">Link to this figure</a>' in text


def test_the_charts_own_page_links_only_files_of_the_book(tmp_path):
    _book(tmp_path)
    alone = tmp_path / chart_assets.CHARTS_DIR / "pay.html"
    text = alone.read_text("utf-8")
    assert "<title>Figure 2.1. Two bars — A chapter</title>" in text
    assert 'http-equiv="Content-Security-Policy"' in text and "default-src 'none'" in text
    links = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert not [link for link in links if "://" in link or link.startswith("//")]
    for link in links:
        target = link.split("#")[0]
        if target and not target.startswith("../../_static/"):  # the book's own static files
            assert (alone.parent / target).exists(), link
    assert 'href="../../chapters/two.html#fig-pay"' in text
    assert "&lt;iframe src=&quot;pay.html&quot;" in text


def test_a_name_numbered_twice_stops_the_build_naming_both_pages(tmp_path):
    _page(tmp_path, "chapters/one.html", _figure("circles"))
    _page(tmp_path, "chapters/two.html", _figure("circles", title="Other"))
    with pytest.raises(chart_assets.NumberingError, match="chapters/two.html.*fig-circles.*chapters/one.html"):
        chart_assets.write_all(tmp_path, CACHE, "en", PREFIXES)


def test_a_figure_no_chapter_numbers_stops_the_build(tmp_path):
    _page(tmp_path, "intro.html", _figure("orphan"))
    with pytest.raises(chart_assets.NumberingError, match="intro.html.*fig-orphan"):
        chart_assets.write_all(tmp_path, CACHE, "en", PREFIXES)


def test_a_chart_taller_than_a_printed_page_is_cut_between_lines_of_its_text():
    """The PDF prints a tall chart in slices (pipeline.pdf): no cut may run through a label."""
    from pipeline import pdf

    labels = [f"A long row label number {n} that wraps onto two lines" for n in range(70)]
    rows = pd.DataFrame({"label": labels, "euros": range(70), "source": ["leludec2019combien"] * 70})
    chart = charts.sourced(alt.Chart(rows).mark_bar().encode(
        y=alt.Y("label:N", sort=None), x="euros:Q").properties(height=charts.rows_height(labels)),
        rows, "Seventy bars.").properties(name="tall")
    svg = chart_assets.static_svg(charts.with_wrapped_labels(chart.to_dict()), CACHE)
    height = chart_assets.svg_height(svg)
    extents = pdf.text_extents(svg)
    assert height > 2 * pdf.SLICE_HEIGHT and len(extents) >= 70
    tops = pdf.slice_tops(height, extents)
    assert len(tops) >= 3
    for top, bottom in zip(tops, tops[1:] + [height]):
        assert 0 < bottom - top <= pdf.SLICE_HEIGHT
    for cut in tops[1:]:
        assert not [e for e in extents if e[0] < cut < e[1]], f"the cut at {cut} runs through a label"
