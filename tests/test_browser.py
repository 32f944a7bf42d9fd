"""Every page of the built book in real headless Chromium, served on 127.0.0.1 with no network.

For each page, in light and dark mode, on a desktop and on a 390-pixel phone screen: every chart
is drawn (an SVG or canvas of marks inside its container) in the page's colour mode, the console
stays free of errors, no request leaves 127.0.0.1, axe-core finds no accessibility violation of
serious or critical impact, nothing scrolls sideways on the phone, and printing shows each chart
as its static image. Screenshots and printed PDFs are left in _build/screenshots/ for a look.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest

from pipeline.local_browser import chromium, chromium_path, serve
from tests.conftest import HTML, ROOT, built_pages

pytestmark = pytest.mark.built

SHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHARTS_DRAWN = """() => [...document.querySelectorAll('[id^="altair-viz-"]')]
    .every(el => el.querySelector('svg.marks, canvas.marks'))"""
LAYOUTS = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}


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


class Visit:
    """One page opened in a fresh context, recording what the browser saw."""

    def __init__(self, browser, url: str, layout: str, scheme: str):
        self.context = browser.new_context(viewport=LAYOUTS[layout], color_scheme=scheme)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._guard)
        self.page.on("console", lambda msg: self.problems.append(f"console {msg.type}: {msg.text}")
                     if msg.type == "error" else None)
        self.page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        self.page.on("response", lambda resp: self.problems.append(f"HTTP {resp.status}: {resp.url}")
                     if resp.status >= 400 else None)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function(CHARTS_DRAWN, timeout=15_000)

    def _guard(self, route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def serious_accessibility_violations(self) -> list[str]:
        # Audit the settled page: the theme fades colours in when it applies the colour mode.
        self.page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        self.page.wait_for_timeout(300)
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
                if v["impact"] in ("serious", "critical")]

    def screenshot(self, folder: str, page_path: str) -> None:
        target = SHOTS / folder / (page_path.replace("/", "__").removesuffix(".html") + ".png")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target))

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
        visit.screenshot(f"desktop-{scheme}", page_path)
        assert visit.outside == [], "requests to other hosts"
        assert visit.problems == []
        assert violations == []
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
            visit.screenshot(f"phone-{scheme}", page_path)
            assert overflow <= 1, "the page scrolls sideways at 390 px"
            assert too_wide == [], "charts wider than their column"
        finally:
            visit.close()


@pytest.mark.parametrize("page_path", [p for p in pages() if 'class="book-chart"' in (HTML / p).read_text(encoding="utf-8")])
def test_printing_shows_each_chart_as_its_static_image(browser, server, page_path):
    visit = Visit(browser, f"{server}/{page_path}", "desktop", "light")
    try:
        visit.page.emulate_media(media="print")
        images = visit.page.evaluate("""[...document.querySelectorAll('figure.book-chart')].map(f => {
            const img = f.querySelector('img.book-chart-static');
            return img ? [getComputedStyle(img).display, img.complete && img.naturalWidth > 0] : ['missing', false]; })""")
        target = SHOTS / "print" / (page_path.replace("/", "__").removesuffix(".html") + ".pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        visit.page.pdf(path=str(target))
        assert images and all(display != "none" and loaded for display, loaded in images), images
        assert target.stat().st_size > 10_000
    finally:
        visit.close()
