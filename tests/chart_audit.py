"""Runs tests/chart_audit.js in a page: what a reader sees of each chart, as problems by chart id."""

from __future__ import annotations

from pathlib import Path

AUDIT_SCRIPT = Path(__file__).with_name("chart_audit.js")


def _load(page) -> None:
    if not page.evaluate("typeof window.chartAudit === 'object'"):
        # Evaluated by the browser's DevTools, not put in as a script element: the page's own
        # Content-Security-Policy stays in force while the audit runs.
        page.evaluate(AUDIT_SCRIPT.read_text(encoding="utf-8"))


def live_problems(page) -> dict[str, list[str]]:
    """Problems of every chart as drawn in the page, by chart id; empty lists when all is well."""
    _load(page)
    return page.evaluate("window.chartAudit.live()")


def static_problems(page) -> dict[str, list[str]]:
    """Problems of every chart's static SVG image (print, no JavaScript), by chart id."""
    _load(page)
    return page.evaluate("window.chartAudit.staticImages()")


def failures(report: dict[str, list[str]]) -> dict[str, list[str]]:
    """Only the charts that have problems."""
    return {chart: problems for chart, problems in report.items() if problems}
