"""The reader's side of `make bench`: how fast the built book reaches a reader on a phone.

Every chapter page is served as a static host serves it (compressed, with cache headers:
pipeline/static_host.py) and measured two ways, each the median of several runs:
- Lighthouse (the npm package pinned in package.json, driving Debian's Chromium), mobile and
  desktop profiles: the performance score, first and largest contentful paint, total blocking
  time, bytes and requests, and the accessibility, best-practices and SEO scores;
- the book's own check in Chromium with the CPU slowed four times and a 1.6 Mbit/s connection
  (DevTools protocol): first contentful paint, the time until every chart of the page is drawn
  when the reader goes through it, and what a second visit transfers.
The targets are Core Web Vitals' "good" thresholds and the issue's; the command exits non-zero
when one is missed. Nothing here is asserted by a test: timings belong to the benchmark.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline import local_browser, static_host

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 90, "fcp_ms": 1800, "lcp_ms": 2500, "tbt_ms": 200, "charts_ms": 3000}
THROTTLED_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
                     "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4


def chapter_pages() -> list[str]:
    return ["intro.html"] + sorted(p.relative_to(HTML).as_posix() for p in (HTML / "chapters").glob("0*.html"))


def lighthouse(url: str, desktop: bool) -> dict:
    """One Lighthouse run: category scores (0-100) and the metrics the targets name."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        flags = " ".join(["--headless=new"] + local_browser.CHROMIUM_FLAGS)
        command = [str(LIGHTHOUSE), url, f"--chrome-path={local_browser.chromium_path()}",
                   f"--chrome-flags={flags}", "--output=json", f"--output-path={report}", "--quiet",
                   "--only-categories=" + ",".join(CATEGORIES)] + (["--preset=desktop"] if desktop else [])
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0 or not report.exists():
            sys.exit(f"bench: lighthouse failed on {url}:\n{result.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {**{name: round(100 * data["categories"][name]["score"]) for name in CATEGORIES},
            "fcp_ms": audits["first-contentful-paint"]["numericValue"],
            "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "kib": audits["total-byte-weight"]["numericValue"] / 1024,
            "requests": len(audits["network-requests"]["details"]["items"])}


def throttled_visit(browser, url: str, served: list) -> dict:
    """First contentful paint, time until every chart is drawn, and the files other than the
    page that a second visit takes from the server, on a slowed CPU and connection."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLED_NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        page.goto(url, wait_until="load")
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
        local_browser.draw_all_charts(page, timeout=120_000)
        charts_ms = page.evaluate("performance.now()")
        served.clear()
        page.goto(url, wait_until="load")  # a second visit: a new navigation, not a reload
        local_browser.draw_all_charts(page, timeout=120_000)
        page_path = static_host.relative_path(url)
        again = [path for path, status in served if status == 200 and path != page_path]
        return {"fcp_ms": fcp, "charts_ms": charts_ms, "second_visit_other_fetches": len(again)}
    finally:
        context.close()


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def measure(runs: int) -> tuple[list[str], list[str]]:
    """The printed lines and the missed targets."""
    lines, missed = [], []
    served: list = []
    with static_host.serve(HTML, served=served) as base:
        for profile, desktop in (("mobile", False), ("desktop", True)):
            lines.append(f"\nLighthouse {profile} (median of {runs})   perf  a11y  b-p  seo    FCP     LCP    TBT     KiB  req")
            for page in chapter_pages():
                rows = [lighthouse(f"{base}/{page}", desktop) for _ in range(runs)]
                scores = {name: median(rows, name) for name in CATEGORIES}
                metrics = {name: median(rows, name) for name in ("fcp_ms", "lcp_ms", "tbt_ms", "kib", "requests")}
                lines.append(f"  {page:30s} {scores['performance']:4.0f} {scores['accessibility']:5.0f} "
                             f"{scores['best-practices']:4.0f} {scores['seo']:4.0f} {metrics['fcp_ms'] / 1000:6.2f}s "
                             f"{metrics['lcp_ms'] / 1000:6.2f}s {metrics['tbt_ms']:5.0f}ms {metrics['kib']:7.0f} "
                             f"{metrics['requests']:4.0f}")
                if profile == "mobile":
                    missed += [f"{page}: Lighthouse mobile {name} {value:.0f} < {target}"
                               for name, value, target in [("performance", scores["performance"], TARGETS["performance"])]
                               if value < target]
                    missed += [f"{page}: {name} {metrics[name]:.0f} ms > {TARGETS[name]} ms"
                               for name in ("fcp_ms", "lcp_ms", "tbt_ms") if metrics[name] > TARGETS[name]]
                missed += [f"{page}: Lighthouse {profile} {name} {scores[name]:.0f} < 100"
                           for name in CATEGORIES[1:] if scores[name] < 100]
        lines.append(f"\nthrottled phone (CPU x{CPU_SLOWDOWN}, 1.6 Mbit/s; median of {runs})"
                     "         FCP   all charts  second visit: other fetches")
        with local_browser.chromium() as browser:
            for page in chapter_pages():
                rows = [throttled_visit(browser, f"{base}/{page}", served) for _ in range(runs)]
                charts = median(rows, "charts_ms")
                fetched = max(row["second_visit_other_fetches"] for row in rows)
                lines.append(f"  {page:30s} {median(rows, 'fcp_ms') / 1000:8.2f}s {charts / 1000:8.2f}s  {fetched:6d}")
                if charts > TARGETS["charts_ms"]:
                    missed.append(f"{page}: every chart drawn after {charts:.0f} ms > {TARGETS['charts_ms']} ms")
                if fetched:
                    missed.append(f"{page}: a second visit fetched {fetched} file(s) besides the page")
    return lines, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    args = parser.parse_args(argv)
    if not (HTML / "intro.html").exists():
        sys.exit("bench: no built book in _build/html: run make book first")
    if not LIGHTHOUSE.exists():
        sys.exit("bench: Lighthouse is not installed: run `make bench` (npm installs package.json)")
    lines, missed = measure(args.runs)
    print("\n".join(lines))
    print("\nreader targets: " + ("all met" if not missed else "MISSED\n  " + "\n  ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
