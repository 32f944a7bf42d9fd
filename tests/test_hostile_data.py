"""Data is text: hostile strings in the data package reach the built book as text and run nothing.

A scratch copy of the book gets a hostile table description (descriptor) and hostile cells in the
tables that become Markdown (regulation options, the claims ledger, the errata, the timeline's
list and tooltips): a script tag, an image with an event handler, a javascript: link, a raw-HTML
directive, a glue role, a citation role and emphasis. The copy is built by the book's own
pipeline; in Chromium its pages must show each string as text, open no dialog, hold no element or
link the string describes, and the timeline's tooltip must show it as text too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from pipeline.local_browser import chromium, chromium_path, draw_all_charts, serve
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

HOSTILE = ('<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> '
           '[see](javascript:window.__pwned=3) {glue:text}`n_claims:d` {cite:p}`nokey` '
           '```{raw} html <b id=pwned>raw</b>``` **bold** <a href="javascript:window.__pwned=4">link</a>')
COPIED = ("analyses", "pipeline", "chapters", "data", "_static", "_templates")


def _edit_cell(path, match: dict, column: str, value: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    hits = [row for row in rows if all(row[k] == v for k, v in match.items())]
    assert hits, (path.name, match)
    hits[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    book = tmp_path_factory.mktemp("hostile")
    for name in COPIED:
        shutil.copytree(ROOT / name, book / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in ROOT.glob("*"):
        if path.is_file() and path.suffix in (".md", ".yml", ".bib", ".txt", ".toml", ".cff"):
            shutil.copy(path, book / path.name)
    data = book / "data"
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    table = next(r for r in descriptor["resources"] if r["name"] == "france_estimate")
    table["description"] += " " + HOSTILE
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    _edit_cell(data / "regulation_options.csv", {"option": "ILO convention", "dimension": "who_acts"}, "text",
               "Member states. " + HOSTILE)
    _edit_cell(data / "claims.csv", {"claim_id": "mturk_founded"}, "sources_say", "Amazon opened it. " + HOSTILE)
    _edit_cell(data / "errata.csv", {"erratum_id": "levy-chart-empty"}, "before", "It drew nothing. " + HOSTILE)
    _edit_cell(data / "regulation_timeline.csv", {"date": "2015-07-08"}, "event", "A code. " + HOSTILE)
    env = dict(os.environ, PYTHONPATH=str(book))
    for command in (["git", "init", "-q"], ["git", "add", "-A"],
                    ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "hostile"]):
        subprocess.run(command, cwd=book, check=True, env=env)
    result = subprocess.run([sys.executable, "-m", "pipeline.build"], cwd=book, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(book / "_build" / "html") as url, chromium() as browser:
        yield url, browser


PAGES = ["chapters/04-regulation.html", "chapters/90-about-the-data.html", "chapters/95-dispatch-check.html",
         "errata.html"]


@pytest.mark.parametrize("page_path", PAGES)
def test_hostile_text_is_shown_as_text_and_runs_nothing(hostile_book, page_path):
    url, browser = hostile_book
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{url}/{page_path}", wait_until="load")
        draw_all_charts(page)
        page.wait_for_timeout(500)
        seen = page.evaluate("""() => ({
            pwned: window.__pwned || null,
            images: document.querySelectorAll('img[src="x"]').length,
            raw: document.querySelectorAll('#pwned').length,
            links: [...document.querySelectorAll('a[href]')].filter(a => /^javascript:/i.test(a.getAttribute('href'))).length,
            text: document.querySelector('article').innerText.replace(/[\\u201c\\u201d]/g, '"').replace(/\\s+/g, ' '),
        })""")
        assert dialogs == [] and seen["pwned"] is None
        assert (seen["images"], seen["raw"], seen["links"]) == (0, 0, 0)
        for fragment in ("<script>window.__pwned=2</script>", "{glue:text}`n_claims:d`", "**bold**",
                         "[see](javascript:window.__pwned=3)", "```{raw} html"):
            assert fragment in seen["text"], fragment
    finally:
        context.close()


def test_hostile_text_in_a_tooltip_is_shown_as_text(hostile_book):
    url, browser = hostile_book
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{url}/chapters/04-regulation.html", wait_until="load")
        draw_all_charts(page)
        page.evaluate("document.querySelectorAll('.bd-header, .bd-header-article')"
                      ".forEach(e => e.style.setProperty('display', 'none', 'important'))")
        tip = ""
        figures = page.locator("figure.book-chart")
        for f in range(figures.count()):
            figures.nth(f).scroll_into_view_if_needed()
            marks = figures.nth(f).locator("g.mark-symbol path")
            for i in range(marks.count()):
                box = marks.nth(i).bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(100)
                tip = page.evaluate("(document.querySelector('#vg-tooltip-element') || {}).innerHTML || ''")
                if "A code." in tip:
                    break
            if "A code." in tip:
                break
        else:
            pytest.fail("no tooltip showed the hostile event")
        assert "<img" not in tip and "<script" not in tip and "&lt;img" in tip
        assert page.evaluate("window.__pwned || null") is None
    finally:
        context.close()
