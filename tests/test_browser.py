"""Every page of the built book in real headless Chromium, served on 127.0.0.1 with no network.

For each page, in light and dark mode, on a desktop and on a 390-pixel phone screen: every chart
is drawn in the page's colour mode and reads right (tests/chart_audit.js: every mark layer shows
marks inside its plot, none on top of another, one colour per value, 3:1 contrast for marks and
legend symbols, no label cut, off the edge or overlapping), the console stays free of errors and
warnings (Vega's included), no request leaves 127.0.0.1, axe-core finds no accessibility
violation of serious or critical impact, nothing scrolls sideways on the phone, and printing
shows each chart as its static image, which reads right too. A slider keeps its value when the
reader changes the theme, tooltips stay on the screen, search results quote the page's text.

What it saw is left in _build/screenshots/: each page whole, each chart on its own (charts/), and
each chapter printed to PDF (print/), for a look.
"""

from __future__ import annotations

import os
import re
import shutil
from urllib.parse import urlparse

import pytest

from pipeline.local_browser import chromium, chromium_path, draw_all_charts, serve
from tests import chart_audit
from tests.conftest import HTML, ROOT, built_pages

pytestmark = pytest.mark.built

SHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"')
LAYOUTS = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
RECORD_POLICY_VIOLATIONS = """window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__policyViolations.push(
    [e.violatedDirective, e.blockedURI, e.sample].join(" ")), true);"""


def pages() -> list[str]:
    return [p.relative_to(HTML).as_posix() for p in built_pages()]


def test_the_built_book_has_pages_to_open():
    """The page tests below are generated from the built book: without it they would not run at all."""
    assert pages(), "no built book in _build/html: run `make book`"


def _require(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server():
    with serve(HTML) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    _require(chromium_path() is not None,
             "Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    with chromium() as instance:
        yield instance


def add_style(page, css: str) -> None:
    """A style sheet for the test's own needs, made by script (a constructed sheet), which the
    page's Content-Security-Policy allows where a <style> element would be refused."""
    page.evaluate("""css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }""", css)


class Visit:
    """One page opened in a fresh context, recording what the browser saw. The page keeps its
    Content-Security-Policy, as a reader's browser enforces it: the audits are evaluated through
    DevTools, never put into the page as scripts, and every violation is recorded."""

    def __init__(self, browser, url: str, layout: str, scheme: str):
        self.context = browser.new_context(viewport=LAYOUTS[layout], color_scheme=scheme)
        self.context.add_init_script(RECORD_POLICY_VIOLATIONS)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._guard)
        self.page.on("console", lambda msg: self.problems.append(f"console {msg.type}: {msg.text}")
                     if msg.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        self.page.on("response", lambda resp: self.problems.append(f"HTTP {resp.status}: {resp.url}")
                     if resp.status >= 400 else None)
        self.page.goto(url, wait_until="load")
        redirect = REDIRECT.search((HTML / urlparse(url).path.lstrip("/")).read_text(encoding="utf-8"))
        if redirect:  # the landing page's address: wait for the page it sends the reader to
            self.page.wait_for_url(f"**/{redirect.group(1)}")
            self.page.wait_for_load_state("load")
        # Charts are drawn as they near the screen; the checks look at every one at once, on the
        # page the browser ends on (the landing page's address redirects).
        draw_all_charts(self.page)

    def _guard(self, route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def serious_accessibility_violations(self) -> list[str]:
        # Audit the settled page: the theme fades colours in when it applies the colour mode.
        add_style(self.page, "*, *::before, *::after { transition: none !important; }")
        self.page.wait_for_function(
            "document.getAnimations().every(a => !(a instanceof CSSTransition))", polling=50)
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
                if v["impact"] in ("serious", "critical")]

    def policy_violations(self) -> list[str]:
        return self.page.evaluate("window.__policyViolations")

    def chart_titles(self) -> dict[str, str]:
        return dict(self.page.evaluate(
            "[...document.querySelectorAll('figure.book-chart')].map(f => [f.id, f.getAttribute('aria-label')])"))

    def chart_problems(self, static: bool = False) -> dict[str, list[str]]:
        """What is wrong with the charts as the reader sees them, by chart title."""
        report = chart_audit.static_problems(self.page) if static else chart_audit.live_problems(self.page)
        titles = self.chart_titles()
        return {titles.get(chart, chart): problems for chart, problems in chart_audit.failures(report).items()}

    def screenshot(self, folder: str, page_path: str) -> None:
        """The whole page, then each chart on its own (the sticky header hidden so it covers none)."""
        name = page_path.replace("/", "__").removesuffix(".html")
        target = SHOTS / folder / f"{name}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        # JPEG: a long page encodes in under half the time PNG takes; the charts keep PNG below
        self.page.screenshot(path=str(target), full_page=True, type="jpeg", quality=90)
        add_style(self.page, ".bd-header, .bd-header-article, .skip-link { display: none !important; }")
        for index, figure in enumerate(self.page.query_selector_all("figure.book-chart"), start=1):
            shot = SHOTS / "charts" / folder / f"{name}-{index}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            figure.screenshot(path=str(shot))

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("page_path", pages())
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_renders_offline_accessibly_in_both_modes(browser, server, page_path, scheme):
    _require(AXE.exists(), "axe-core is not installed in node_modules/ (make test installs it)")
    visit = Visit(browser, f"{server}/{page_path}", "desktop", scheme)
    try:
        themes = visit.page.evaluate(
            "[...document.querySelectorAll('figure.book-chart')].map(f => f.dataset.chartTheme)")
        assert set(themes) <= {scheme}, "a chart did not follow the page's colour mode"
        if 'class="book-chart"' in (HTML / page_path).read_text(encoding="utf-8"):
            assert themes, "the page has charts but none was drawn"
        violations = visit.serious_accessibility_violations()
        charts_read_wrong = visit.chart_problems()
        visit.screenshot(f"desktop-{scheme}", page_path)
        assert visit.outside == [], "requests to other hosts"
        assert visit.policy_violations() == [], "the page policy blocked something the page needs"
        assert visit.problems == []
        assert violations == []
        assert charts_read_wrong == {}
        if scheme == "light" and page_path.startswith("chapters/0"):
            bold_is_kept_for_what_matters_most(visit)
        if scheme == "light" and 'class="book-chart"' in (HTML / page_path).read_text(encoding="utf-8"):
            printing_shows_each_chart_as_its_static_image(visit, page_path)  # last: it leaves the screen
    finally:
        visit.close()


@pytest.mark.parametrize("layout", ["desktop", "phone"])
def test_toolbar_icons_are_drawn_by_the_icon_font(browser, server, layout):
    """The theme's Font Awesome script is left out (_templates/static/webpack-macros.html): the
    web font its stylesheet loads must draw every visible icon on its own."""
    visit = Visit(browser, f"{server}/chapters/01-workforce.html", layout, "light")
    try:
        visit.page.evaluate("document.fonts.ready.then(() => true)")
        icons = visit.page.evaluate("""[...document.querySelectorAll('[class*="fa-"]')]
            .filter(i => i.offsetParent !== null)
            .map(i => ({icon: String(i.className), width: i.getBoundingClientRect().width,
                        glyph: getComputedStyle(i, '::before').content}))""")
        assert icons, "no visible icon to check"
        assert visit.page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
        blank = [i["icon"] for i in icons if i["width"] == 0 or i["glyph"] in ("none", "normal", '""')]
        assert blank == [], "icons drawn blank"
        assert visit.problems == []
    finally:
        visit.close()


@pytest.mark.parametrize("page_path", pages())
def test_page_fits_a_phone(browser, server, page_path):
    for scheme in ("light", "dark"):
        visit = Visit(browser, f"{server}/{page_path}", "phone", scheme)
        try:
            overflow = visit.page.evaluate(
                "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
            too_wide = visit.page.evaluate("""[...document.querySelectorAll('figure.book-chart')]
                .filter(f => { const svg = f.querySelector('svg.marks');
                               return svg && svg.getBoundingClientRect().width > f.getBoundingClientRect().width + 1; })
                .map(f => f.id)""")
            charts_read_wrong = visit.chart_problems()
            visit.screenshot(f"phone-{scheme}", page_path)
            assert overflow <= 1, "the page scrolls sideways at 390 px"
            assert too_wide == [], "charts wider than their column"
            assert visit.problems == []
            assert charts_read_wrong == {}
        finally:
            visit.close()


def printing_shows_each_chart_as_its_static_image(visit: Visit, page_path: str) -> None:
    """Printed, each chart is its static image, loaded, and the image reads right too."""
    visit.page.emulate_media(media="print")
    images = visit.page.evaluate("""[...document.querySelectorAll('figure.book-chart')].map(f => {
        const img = f.querySelector('img.book-chart-static');
        return img ? [getComputedStyle(img).display, img.complete && img.naturalWidth > 0] : ['missing', false]; })""")
    target = SHOTS / "print" / (page_path.replace("/", "__").removesuffix(".html") + ".pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    visit.page.pdf(path=str(target))
    assert images and all(display != "none" and loaded for display, loaded in images), images
    assert target.stat().st_size > 10_000
    assert visit.chart_problems(static=True) == {}, "printed charts"


def test_a_slider_keeps_its_value_when_the_reader_changes_the_theme(browser, server):
    """Redrawing a chart for the other theme once started it again from its default values."""
    visit = Visit(browser, f"{server}/chapters/04-regulation.html", "desktop", "light")
    try:
        figure = "figure.book-chart:has(input[name='levy_pct'])"
        visit.page.evaluate("""([selector, value]) => {
            const input = document.querySelector(selector + " input[name='levy_pct']");
            input.value = value;
            input.dispatchEvent(new Event("input", {bubbles: true}));
        }""", [figure, "7.5"])
        assert visit.page.evaluate(f"document.querySelector(\"{figure}\").bookChart.view.signal('levy_pct')") == 7.5
        visit.page.evaluate("document.documentElement.dataset.theme = 'dark'")
        visit.page.wait_for_function(f"document.querySelector(\"{figure}\").dataset.chartTheme === 'dark'")
        assert visit.page.evaluate(f"document.querySelector(\"{figure}\").bookChart.view.signal('levy_pct')") == 7.5
        assert visit.page.evaluate(f"document.querySelector(\"{figure} input[name='levy_pct']\").value") == "7.5"
        assert visit.problems == []
    finally:
        visit.close()


def test_tooltips_stay_on_the_screen_and_show_whole_values(browser, server):
    """At 390 px, the tooltip of the timeline's right-most event opens within the screen."""
    visit = Visit(browser, f"{server}/chapters/04-regulation.html", "phone", "light")
    try:
        add_style(visit.page, ".bd-header, .bd-header-article { display: none !important; }")
        marks = visit.page.locator("figure.book-chart").first.locator("g.mark-symbol path")
        boxes = [marks.nth(i).bounding_box() for i in range(marks.count())]
        rightmost = max(range(len(boxes)), key=lambda i: boxes[i]["x"])
        marks.nth(rightmost).scroll_into_view_if_needed()
        box = marks.nth(rightmost).bounding_box()
        visit.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        visit.page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
        tip = visit.page.evaluate("""(() => { const t = document.querySelector('#vg-tooltip-element');
            const r = t.getBoundingClientRect();
            const cut = [...t.querySelectorAll('td.value')].some(td => td.scrollWidth > td.clientWidth + 1);
            return {left: r.left, right: r.right, width: window.innerWidth, cut}; })()""")
        assert tip["left"] >= 0 and tip["right"] <= tip["width"], tip
        assert not tip["cut"], "a tooltip value is cut"
    finally:
        visit.close()


@pytest.mark.parametrize("layout", ["desktop", "phone"])
def test_radio_buttons_stand_next_to_their_own_labels(browser, server, layout):
    """Each option's label sits right after its button, with a clear gap before the next button."""
    visit = Visit(browser, f"{server}/chapters/02-gender.html", layout, "light")
    try:
        gaps = visit.page.evaluate("""[...document.querySelectorAll('.vega-bind-radio')].map(group => {
            const labels = [...group.querySelectorAll('label')];
            const text = label => { const r = document.createRange();
                r.selectNodeContents(label.lastChild); return r.getBoundingClientRect(); };
            return {
                own: labels.map(l => text(l).left - l.querySelector('input').getBoundingClientRect().right),
                next: labels.slice(1).map((l, i) => [l.getBoundingClientRect(), labels[i].getBoundingClientRect()])
                    .filter(([b, a]) => Math.abs(a.top - b.top) < 4).map(([b, a]) => b.left - a.right),
            }; })""")
        assert gaps, "no radio buttons on the page"
        assert all(4 <= gap <= 12 for group in gaps for gap in group["own"]), gaps
        assert all(gap >= 12 for group in gaps for gap in group["next"]), gaps
    finally:
        visit.close()


@pytest.mark.parametrize("search, stem", [("search.html?q=poverty", "povert"),
                                          ("fr/search.html?q=pauvret%C3%A9", "pauvr")])
def test_search_results_quote_the_pages_text(browser, server, search, stem):
    """Sphinx once summarised every result by the page's toolbar: '....ipynb'. Each edition
    searches its own pages, with its language's stemming (pauvreté finds pauvres)."""
    visit = Visit(browser, f"{server}/{search}", "desktop", "light")
    try:
        visit.page.wait_for_selector("#search-results li p.context", timeout=15_000)
        visit.page.wait_for_timeout(1_000)
        # glossary terms are listed too, by the term itself: pages are what this test is about
        summaries = visit.page.evaluate(
            "[...document.querySelectorAll('#search-results li p.context')]"
            ".filter(p => !(p.closest('li').querySelector('a') || {href: ''}).href.includes('#term-'))"
            ".map(p => p.textContent)")
        assert summaries
        toolbar_only = [s for s in summaries if len(s) < 60 or re.match(r"^\W*\.(ipynb|md|pdf)\b", s)]
        assert toolbar_only == []
        assert [s for s in summaries if stem not in s.lower()] == [], "each quotes the word searched for"
        assert visit.policy_violations() == [], "the search page's scripts run under its policy"
        assert visit.problems == []
    finally:
        visit.close()


def test_the_page_policy_blocks_what_was_not_written_by_the_book(browser, tmp_path):
    """A page with a script, a handler and an external script put in after the build: none runs."""
    shutil.copytree(HTML, tmp_path / "html")
    page = tmp_path / "html" / "chapters" / "04-regulation.html"
    text = page.read_text(encoding="utf-8")
    injected = ('<script>window.__injected = "inline";</script>'
                '<img src="data:," onerror="window.__injected = \'handler\'">'
                '<script src="http://203.0.113.7/evil.js"></script>')
    page.write_text(text.replace("</head>", injected + "</head>", 1), encoding="utf-8")
    with serve(tmp_path / "html") as url:
        visit = Visit(browser, f"{url}/chapters/04-regulation.html", "desktop", "light")
        try:
            visit.page.wait_for_timeout(500)
            assert visit.page.evaluate("window.__injected || null") is None
            blocked = visit.policy_violations()
            assert any("script-src-elem inline" in v for v in blocked), blocked
            assert any("script-src-attr inline" in v for v in blocked), blocked
            assert any("203.0.113.7" in v for v in blocked), blocked
            assert visit.outside == [], "the external script was never even requested"
            assert visit.page.evaluate("document.querySelectorAll('figure.book-chart-live').length") > 0
        finally:
            visit.close()


def bold_is_kept_for_what_matters_most(visit: Visit) -> None:
    """Glued values read as text; a few sentences and labels are bold, and at most three bold
    passages carry a figure other than a date or a year (every figure was bold once, so bold
    meant nothing)."""
    weights = visit.page.evaluate("""[...document.querySelectorAll('main span.pasted-text')]
        .filter(s => !s.closest('strong, b, th, dt, .admonition-title'))
        .map(s => Number(getComputedStyle(s).fontWeight))""")
    bold_figures = visit.page.evaluate("""[...document.querySelectorAll('main strong')]
        .filter(s => !s.closest('figure, table, .bd-sidebar-primary'))
        .map(s => s.textContent.trim())
        .filter(text => /\\d/.test(text.replace(/\\b\\d{1,2} [A-Z][a-z]+ \\d{4}\\b/g, '')
                                      .replace(/\\b(19|20)\\d\\d\\b/g, '')))""")
    assert weights and max(weights) < 600, "glued values are bold"
    assert len(bold_figures) <= 3, bold_figures


def test_a_long_source_line_opens_onto_all_sources_and_prints_them_all(browser, server):
    visit = Visit(browser, f"{server}/chapters/03-pay-poverty.html", "desktop", "light")
    try:
        figure = visit.page.locator("figure.book-chart", has=visit.page.locator("details.book-chart-sources")).first
        short = figure.locator(".book-chart-source-short").inner_text()
        assert re.search(r"and \w+ more sources?\.$", short), short
        listed = figure.locator("details.book-chart-sources li")
        assert not listed.first.is_visible()
        figure.locator("details.book-chart-sources summary").click()
        assert listed.first.is_visible() and listed.count() > 4
        visit.page.emulate_media(media="print")
        assert figure.locator(".book-chart-source-print").is_visible()
        assert not figure.locator(".book-chart-source-short").is_visible()
        assert visit.problems == []
    finally:
        visit.close()


def test_the_chart_library_waits_until_a_chart_nears_the_screen(browser, server):
    """The text never waits for Vega: on a phone the bundle is fetched only when the reader
    scrolls towards a chart, and that chart is then drawn, the static image standing in until then."""
    context = browser.new_context(viewport=LAYOUTS["phone"], bypass_csp=True)
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    try:
        page.goto(f"{server}/chapters/01-workforce.html", wait_until="load")
        page.wait_for_timeout(500)
        assert not [u for u in fetched if "vega-bundle" in u], "the bundle was fetched before any chart was near"
        first = page.locator("figure.book-chart").first
        assert first.locator("img.book-chart-static").is_visible()
        first.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('figure.book-chart').bookChart", timeout=15_000)
        assert len([u for u in fetched if "vega-bundle" in u]) == 1
        last = page.locator("figure.book-chart").last
        assert last.evaluate("f => !f.bookChart"), "a chart far below the screen was drawn already"
    finally:
        context.close()


@pytest.mark.parametrize("edition", ["", "fr/"])
def test_each_charts_own_page_draws_it_offline_with_its_embed_code(browser, server, edition):
    """Every chart's page alone (for embedding) draws its chart from the book's own files, under its
    page policy. The page is one template around a figure the chapter's tests already audit, so
    axe-core audits the template once per edition."""
    alone = sorted((HTML / edition / "_static" / "charts").glob("*.html"))
    shown = {name for page in built_pages() for name in re.findall(r'<figure id="fig-([a-z0-9-]+)"', page.read_text("utf-8"))}
    assert {path.stem for path in alone} == shown and shown
    for index, path in enumerate(alone):
        visit = Visit(browser, f"{server}/{path.relative_to(HTML).as_posix()}", "desktop", "light")
        try:
            drawn = visit.page.evaluate("document.querySelectorAll('figure.book-chart-live .book-chart-view svg,"
                                        " figure.book-chart-live .book-chart-view canvas').length")
            assert drawn == 1, f"{path.name}: the chart was not drawn"
            assert visit.outside == [] and visit.policy_violations() == [] and visit.problems == [], path.name
            code = visit.page.input_value("textarea[data-embed-snippet]")
            assert f'<iframe src="{server}/{path.relative_to(HTML).as_posix()}"' in code, path.name
            if index == 0:
                assert visit.serious_accessibility_violations() == []
                visit.page.screenshot(path=str(SHOTS / f"chart-page-{edition.strip('/') or 'en'}.png"), full_page=True)
        finally:
            visit.close()


@pytest.mark.parametrize("edition, labels", [("", ["Evidence: ", "Where: "]), ("fr/", ["Preuves\u00a0: ", "Où\u00a0: "])])
def test_the_support_tables_labels_on_a_phone_are_in_the_editions_language(browser, server, edition, labels):
    """On a phone, each row of "What the data support" is a card whose cells are labelled by CSS."""
    visit = Visit(browser, f"{server}/{edition}chapters/01-workforce.html", "phone", "light")
    try:
        shown = visit.page.evaluate("""() => { const row = document.querySelector('table.book-support-table tbody tr');
            return [3, 4].map(n => getComputedStyle(row.querySelector(`td:nth-child(${n})`), '::before').content); }""")
        assert shown == [f'"{label}"' for label in labels]
    finally:
        visit.close()
