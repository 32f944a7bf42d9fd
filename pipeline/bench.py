"""`make bench`: how long the pipeline takes, against Jupyter Book's own execution, and page weight.

Prints, each as the median of several runs with its range:
- a cold `make book` (every chapter executed, the venv present) and a no-op `make book`;
- `make book` after a prose-only edit (nothing may execute) and after editing one data table
  (only the chapters that read it may execute);
- Jupyter Book executing the same notebooks itself (`execute_notebooks: force`, and `cache`
  once warm) and a bare no-op `jupyter-book build`, for the ratio targets;
- the time from saving a prose edit to the page showing it under `make preview`;
- `make test` split by stage (target: under three minutes in all), the slowest notebook cells
  and the page weight of the built book.

Every edit is undone, so the repository ends as it started.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import build, chart_assets, kernels, local_browser, notebooks

ROOT = build.ROOT
PY = sys.executable
JB = str(Path(PY).parent / "jupyter-book")
TARGETS = {"cold": 0.7, "noop": 1.2, "editions": 1.4}
FRENCH_EDIT = "locale/fr/LC_MESSAGES/chapters/02-gender.po"
TEST_TARGET = 180  # seconds for the whole of `make test` on this two-core machine
PROSE_EDIT = "chapters/02-gender.md"
DATA_EDIT = "data/labour_force.csv"


def run(command: list[str], cwd: Path = ROOT, environment: dict | None = None) -> tuple[float, str]:
    """Seconds a command took, and its output; stops the benchmark if the command fails."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(environment or {})})
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return seconds, result.stdout + result.stderr


def summary(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.1f} s  (range {min(samples):.1f}-{max(samples):.1f}, n={len(samples)})"


def executed(output: str) -> list[str]:
    return re.findall(r"executed\s+(\S+)", output)


def measure_pipeline(runs: int) -> dict:
    """Cold builds of both editions and of the English alone (BOOK_EDITIONS=en), then no-ops."""
    results = {"cold": [], "cold_english": [], "noop": []}
    for _ in range(runs):
        for key, environment in (("cold_english", {"BOOK_EDITIONS": "en"}), ("cold", {})):
            build.forget_published_book()  # nothing of an earlier build is reused
            for built in (".staging", ".staging-fr", ".cache"):
                shutil.rmtree(ROOT / "_build" / built, ignore_errors=True)
            results[key].append(run(["make", "--no-print-directory", "book", "BUILD_FLAGS=--force"],
                                    environment=environment)[0])
    for _ in range(runs):
        results["noop"].append(run(["make", "--no-print-directory", "book"])[0])
    return results


def measure_edit(path: str, change) -> tuple[float, list[str]]:
    """Time `make book` after an edit, list what executed, then undo the edit and rebuild."""
    target = ROOT / path
    original = target.read_bytes()
    published = {s: notebooks.executed_path(s).read_bytes() for s in notebooks.chapter_sources()}
    try:
        target.write_bytes(change(original))
        seconds, output = run(["make", "--no-print-directory", "book"])
    finally:
        target.write_bytes(original)
        run(["make", "--no-print-directory", "book"])
    changed = [s.name for s, text in published.items() if notebooks.executed_path(s).read_bytes() != text]
    if changed:
        sys.exit(f"bench: undoing the edit of {path} did not give back the same notebooks: {changed}")
    return seconds, executed(output)


def measure_french_edit() -> tuple[float, str]:
    """Time `make book` after a French sentence is changed, and say which editions it built."""
    target = ROOT / FRENCH_EDIT
    original = target.read_bytes()
    try:
        target.write_bytes(original.replace("Qui clique".encode(), "Qui donc clique".encode(), 1))
        seconds, output = run(["make", "--no-print-directory", "book"])
    finally:
        target.write_bytes(original)
        run(["make", "--no-print-directory", "book"])
    built = re.search(r"html\s+(.*?) built strictly", output)
    return seconds, (built.group(1) + " built") if built else "nothing built"


def readers_of(table: str) -> set[str]:
    found = set()
    for source in notebooks.chapter_sources():
        reads = notebooks.recorded(notebooks.read(notebooks.executed_path(source))).get("reads", [])
        if table in reads:
            found.add(source.relative_to(ROOT).as_posix())
    return found


def scratch_book(prefix: str, history: bool = False) -> Path:
    """The book's files in a scratch folder (`<folder>/book`), with its git history if asked."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    skipped = notebooks.NOT_BOOK_FOLDERS - ({".git"} if history else set())
    shutil.copytree(ROOT, folder / "book", ignore=shutil.ignore_patterns(*skipped, "*.egg-info"))
    return folder / "book"


def book_copy(execute: str) -> Path:
    """The book in a scratch folder, configured to let Jupyter Book execute the notebooks itself."""
    book = scratch_book("bench-jb-")
    config = book / "_config.yml"
    config.write_text(config.read_text().replace('execute_notebooks: "off"', f'execute_notebooks: "{execute}"'))
    return book


def measure_jupyter_book(runs: int) -> dict:
    results = {"force": [], "cache": [], "noop": []}
    forced = book_copy("force")
    for _ in range(runs):
        shutil.rmtree(forced / "_build", ignore_errors=True)
        results["force"].append(run([JB, "build", str(forced), "-W", "-n", "--keep-going"], cwd=forced)[0])
    cached = book_copy("cache")
    run([JB, "build", str(cached), "-W", "-n", "--keep-going"], cwd=cached)  # warm the cache
    for _ in range(runs):
        shutil.rmtree(cached / "_build" / "html", ignore_errors=True)
        shutil.rmtree(cached / "_build" / ".doctrees", ignore_errors=True)
        results["cache"].append(run([JB, "build", str(cached), "-W", "-n", "--keep-going"], cwd=cached)[0])
    for _ in range(runs):  # a bare no-op build of the same book, output already there
        results["noop"].append(run([JB, "build", str(forced), "-W", "-n", "--keep-going"], cwd=forced)[0])
    shutil.rmtree(forced.parent, ignore_errors=True)
    shutil.rmtree(cached.parent, ignore_errors=True)
    return results


PREVIEW_PAGE = "chapters/01-workforce"
PREVIEW_TARGET = 2.0  # seconds from saving a prose edit to the page showing it


def measure_preview(runs: int) -> list[float]:
    """Seconds from saving a prose edit to the open page showing it, with `make preview` running
    on a scratch copy of the book (its first edit, which rebuilds every page because the edition
    becomes "modified", is not counted)."""
    book = scratch_book("bench-preview-", history=True)  # the edition is read from git
    port = local_browser.free_port()
    server = subprocess.Popen([PY, "-m", "pipeline.preview", "--port", str(port)], cwd=book,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    source = book / f"{PREVIEW_PAGE}.md"
    original = source.read_text(encoding="utf-8")
    anchor = next(line for line in original.splitlines() if line.startswith("**")).split()[0]
    seconds = []
    try:
        for line in server.stdout:
            if "preview on http" in line:
                break
        else:
            sys.exit("bench: make preview stopped before serving")
        with local_browser.chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/{PREVIEW_PAGE}.html", wait_until="load")
            for run_ in range(runs + 1):
                word = f"Benchmarkword{run_}"
                page.wait_for_timeout(500)  # the reload socket of the page opens
                started = time.perf_counter()
                source.write_text(original.replace(anchor, f"{anchor} {word}", 1), encoding="utf-8")
                page.wait_for_function(f"() => document.body && document.body.innerText.includes('{word}')",
                                       timeout=120_000, polling=20)
                if run_:
                    seconds.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(book.parent, ignore_errors=True)
    return seconds


def measure_test_stages() -> list[tuple[str, float]]:
    stages = [("data package", [PY, "-m", "analyses.data"]),
              ("unit, data and notebook tests", [PY, "-m", "pytest", "-m", "not built and not browser", "-q"]),
              ("nbval (strict)", [PY, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "chapters"]),
              ("strict book build", [PY, "-m", "pipeline.build", "--frozen"]),
              ("built book and browser tests", [PY, "-m", "pytest", "-m", "built or browser", "-q", "-n", "auto"])]
    return [(name, run(command)[0]) for name, command in stages]


def slowest_cells(count: int = 5) -> list[tuple[float, str, int, str]]:
    """(seconds, chapter, cell index, first line) of the slowest cells, run as `make book` runs them
    (papermill, kernels forked warm)."""
    import papermill

    cells = []
    with tempfile.TemporaryDirectory() as scratch, kernels.forkserver():
        for source in notebooks.chapter_sources():
            unexecuted = Path(scratch) / f"{source.stem}.ipynb"
            out = Path(scratch) / f"{source.stem}.out.ipynb"
            notebooks.write(notebooks.from_source(source), unexecuted)
            papermill.execute_notebook(str(unexecuted), str(out), cwd=str(source.parent), progress_bar=False,
                                       kernel_manager_class=build.IPC_KERNEL_MANAGER)
            for index, cell in enumerate(json.loads(out.read_text())["cells"]):
                seconds = cell.get("metadata", {}).get("papermill", {}).get("duration") or 0
                first = (cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])).strip()
                cells.append((seconds, source.stem, index, first.splitlines()[0][:60] if first else ""))
    return sorted(cells, reverse=True)[:count]


def page_weight() -> list[tuple[str, int, int]]:
    """(page, own HTML bytes, inline chart data bytes) of every page of the built book."""
    html = ROOT / "_build" / "html"
    rows = []
    for page in sorted(p for p in html.rglob("*.html") if "_static" not in p.parts):
        text = page.read_text(encoding="utf-8")
        specs = chart_assets.SPEC.findall(text)
        rows.append((page.relative_to(html).as_posix(), len(text.encode("utf-8")), sum(len(s) for s in specs)))
    return rows


def first_visit_bytes() -> dict[str, int]:
    """Bytes a browser downloads (bodies and headers) on a first visit to each chapter page."""
    html = ROOT / "_build" / "html"
    totals = {}
    with local_browser.serve(html) as url, local_browser.chromium() as browser:
        for page_path in sorted(p.relative_to(html).as_posix() for p in (html / "chapters").glob("*.html")):
            context = browser.new_context()
            page = context.new_page()
            finished = []
            page.on("requestfinished", lambda request: finished.append(request))
            page.goto(f"{url}/{page_path}", wait_until="networkidle")
            # Sizes as the network saw them; reading bodies back can fail for large files.
            totals[page_path] = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                                    for r in finished)
            context.close()
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--preview-only", action="store_true", help="measure the preview's save-to-page time only")
    args = parser.parse_args(argv)
    if args.preview_only:
        seconds = measure_preview(args.runs)
        print(f"make preview, save to page {summary(seconds)}  (target <= {PREVIEW_TARGET:.0f} s)")
        return 0 if statistics.median(seconds) <= PREVIEW_TARGET else 1
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")

    pipeline = measure_pipeline(args.runs)
    prose_seconds, prose_ran = measure_edit(PROSE_EDIT, lambda text: text + b"\nA sentence added by the benchmark.\n")
    data_seconds, data_ran = measure_edit(DATA_EDIT, lambda text: text + b"\n")
    french_seconds, french_output = measure_french_edit()
    expected = readers_of(DATA_EDIT)
    jupyter_book = measure_jupyter_book(args.runs)
    preview = measure_preview(args.runs)

    print("\nmake book")
    print(f"  cold (every chapter executed)    {summary(pipeline['cold'])}")
    print(f"  no-op                            {summary(pipeline['noop'])}")
    print(f"  after a prose edit ({PROSE_EDIT})  {prose_seconds:6.1f} s  executed: {prose_ran or 'nothing'}")
    print(f"  after a data edit ({DATA_EDIT})  {data_seconds:6.1f} s  executed: {sorted(data_ran)}")
    print(f"                                   readers of that table: {sorted(expected)}")
    print(f"  after a French edit ({FRENCH_EDIT})  {french_seconds:6.1f} s  {french_output}")
    print(f"  cold, English edition alone      {summary(pipeline['cold_english'])}")
    print(f"  make preview, save to page       {summary(preview)}  (a prose edit of {PREVIEW_PAGE}.md)")
    print("\njupyter-book on the same notebooks")
    print(f"  execute_notebooks: force         {summary(jupyter_book['force'])}")
    print(f"  execute_notebooks: cache (warm)  {summary(jupyter_book['cache'])}")
    print(f"  bare no-op build                 {summary(jupyter_book['noop'])}")

    cold_ratio = statistics.median(pipeline["cold"]) / statistics.median(jupyter_book["force"])
    noop_ratio = statistics.median(pipeline["noop"]) / statistics.median(jupyter_book["noop"])
    editions_ratio = statistics.median(pipeline["cold"]) / statistics.median(pipeline["cold_english"])
    checks = [("cold make book / jupyter-book force", cold_ratio, TARGETS["cold"]),
              ("no-op make book / bare no-op jupyter-book build", noop_ratio, TARGETS["noop"]),
              ("cold, both editions / English alone", editions_ratio, TARGETS["editions"])]
    print("\ntargets")
    for name, ratio, target in checks:
        print(f"  {name:50s} {ratio:5.2f}  (target <= {target})  {'met' if ratio <= target else 'MISSED'}")
    prose_ok, data_ok = not prose_ran, set(data_ran) <= expected
    french_ok = "French built" in french_output and "English" not in french_output
    print(f"  French edit rebuilds the French edition only{'':6s} {'met' if french_ok else 'MISSED'}")
    print(f"  prose edit executes nothing{'':24s} {'met' if prose_ok else 'MISSED'}")
    print(f"  data edit executes only the table's readers{'':7s} {'met' if data_ok else 'MISSED'}")
    preview_ok = statistics.median(preview) <= PREVIEW_TARGET
    print(f"  preview shows a prose edit within {PREVIEW_TARGET:.0f} s{'':15s} "
          f"{statistics.median(preview):5.1f}  {'met' if preview_ok else 'MISSED'}")
    stages = measure_test_stages()
    test_seconds = sum(seconds for _, seconds in stages)
    test_ok = test_seconds <= TEST_TARGET
    print(f"  make test within {TEST_TARGET / 60:.0f} minutes{'':26s} {test_seconds / 60:5.1f}  "
          f"{'met' if test_ok else 'MISSED'}")

    print("\nmake test by stage")
    for name, seconds in stages:
        print(f"  {name:32s} {seconds:6.1f} s")
    print(f"  {'all':32s} {test_seconds:6.1f} s")
    print("\nslowest notebook cells")
    for seconds, chapter, index, first in slowest_cells():
        print(f"  {seconds:5.2f} s  {chapter} cell {index}: {first}")
    print("\npage weight (own HTML, inline chart data)")
    for page, own, charts in page_weight():
        print(f"  {page:36s} {own / 1024:7.1f} KB  {charts / 1024:7.1f} KB")
    print("\nfirst visit, bytes downloaded by the browser")
    for page, total in first_visit_bytes().items():
        print(f"  {page:36s} {total / 1024:7.1f} KB")
    missed = [c for c in checks if c[1] > c[2]] or not (prose_ok and data_ok and french_ok and preview_ok and test_ok)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
