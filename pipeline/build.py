"""`make book`: bring every chapter notebook up to date, then build the HTML book strictly.

For each chapter the fingerprint of its inputs decides what to do:

- unchanged code and inputs: the executed notebook is reused (its prose is refreshed from the
  text source if that changed, outputs kept);
- otherwise papermill executes a fresh notebook made from the text source, chapters in
  parallel over the cores, each in a kernel of its own forked warm from a fork server
  (pipeline.kernels), and the result replaces the committed notebook only on success;
  the same workers render its charts' static images and the Vega bundle into _build/.cache/,
  so the HTML build finds them ready.

Then `jupyter-book build` (execution off, `-W -n --keep-going`) builds into a staging folder;
`_build/html` is replaced only when that build succeeds, so a failure never loses the last
good book. When no file of the book changed since the last successful build (judged by a
content digest, not timestamps) the HTML build is skipped. `--frozen` (used by `make test`)
refuses to execute or rewrite anything, fails if a notebook is out of date, and always runs
the strict HTML build.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from analyses import data
from pipeline import chart_assets, edition, french_charts, kernels, notebooks, opened, page_speed, translations
from pipeline import editions as pipeline_editions

ROOT = notebooks.ROOT
BUILD_DIR = ROOT / "_build"
FAILED_DIR = BUILD_DIR / "failed"
ASSET_CACHE = ROOT / chart_assets.CACHE_DIR  # Vega bundle and chart SVGs, shared with the HTML build
HTML_STAMP = "html-inputs.sha256"  # in _build/: digest of the files the current _build/html was built from
# Kernels talk to papermill over local IPC sockets rather than TCP on the loopback.
IPC_KERNEL_MANAGER = "pipeline.kernels.IPCKernelManager"


@dataclass
class Outcome:
    """What happened to one chapter."""

    source: Path
    action: str  # executed | reused | prose synced | failed | stale
    seconds: float = 0.0
    message: str = ""

    def line(self) -> str:
        name = display_path(self.source)
        timing = f"{self.seconds:6.1f} s" if self.action in ("executed", "failed") else " " * 8
        detail = f"  {self.message}" if self.message else ""
        return f"  {self.action:<13} {name:<40} {timing}{detail}"


def plan(source: Path, force: bool = False, root: Path = ROOT) -> str:
    """'execute', 'sync' (prose changed only) or 'reuse' for one chapter."""
    target = notebooks.executed_path(source)
    if force or not target.exists():
        return "execute"
    executed = notebooks.read(target)
    fresh = notebooks.from_source(source)
    stored = notebooks.recorded(executed)
    if not stored or stored.get("fingerprint") != notebooks.fingerprint(fresh, stored.get("reads", []), root):
        return "execute"
    if notebooks.code_signature(fresh) != notebooks.code_signature(executed):
        return "execute"
    if notebooks.input_cells(fresh) != notebooks.input_cells(executed):
        return "sync"
    return "reuse"


def execute(source: Path, parameters: dict | None = None, output: Path | None = None,
            root: Path = ROOT) -> Outcome:
    """Run one chapter with papermill into `output` (default: its committed notebook).

    The committed notebook is replaced only if every cell ran; a failing run is kept in
    _build/failed/ for inspection and reported with its cell and error. Every file of the book
    (`root`) the kernel opened is recorded (pipeline.opened) and makes the chapter's fingerprint.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    target = output or notebooks.executed_path(source)
    work = Path(tempfile.mkdtemp(prefix="exec-", dir=_ensure(BUILD_DIR / "exec")))
    fresh = notebooks.from_source(source)
    unexecuted, executed_tmp, reads_log = work / "input.ipynb", work / "output.ipynb", work / "reads.log"
    notebooks.write(fresh, unexecuted)
    reads_log.touch()
    os.environ[opened.LOG_ENV], os.environ[opened.ROOT_ENV] = str(reads_log), str(root)
    try:
        papermill.execute_notebook(str(unexecuted), str(executed_tmp), parameters=parameters or {},
                                   kernel_name="python3", cwd=str(source.parent),
                                   progress_bar=False, log_output=False,
                                   # written once at the end, not after every cell (~1 s per chapter)
                                   request_save_on_cell_execute=False,
                                   # every output is in once the last cell is idle: stop the
                                   # kernel at once instead of waiting ~0.5 s for it to exit
                                   shutdown_kernel="immediate",
                                   kernel_manager_class=IPC_KERNEL_MANAGER)
    except PapermillExecutionError as err:
        kept = _ensure(FAILED_DIR) / target.name
        shutil.copyfile(executed_tmp, kept)
        first_line = err.source.strip().splitlines()[0] if err.source.strip() else ""
        message = (f"cell {err.cell_index} (`{first_line[:60]}`) raised {err.ename}: "
                   f"{err.evalue}\n      failed notebook kept in {display_path(kept)}")
        return Outcome(source, "failed", time.perf_counter() - started, message)
    except Exception as err:  # the kernel or papermill itself failed: report, do not crash the build
        return Outcome(source, "failed", time.perf_counter() - started,
                       f"could not execute: {type(err).__name__}: {err}")
    finally:
        os.environ.pop(opened.LOG_ENV, None)
        os.environ.pop(opened.ROOT_ENV, None)
    reads = opened.read_log(reads_log)
    result = notebooks.normalise(notebooks.read(executed_tmp), notebooks.fingerprint(fresh, reads, root), reads)
    notebooks.write(result, target)
    shutil.rmtree(work, ignore_errors=True)
    return Outcome(source, "executed", time.perf_counter() - started)


def _execute_worker(source: str) -> Outcome:
    """Execute one chapter, then render its charts' static images into the asset cache, in
    each edition's language."""
    outcome = execute(Path(source))
    if outcome.action == "executed":
        notebook = notebooks.executed_path(Path(source))
        chart_assets.prerender(notebook, ASSET_CACHE)
        for language in editions_of(ROOT)[1:]:
            french_charts.prerender(notebook, ASSET_CACHE, ROOT / "locale" / language / "LC_MESSAGES")
    return outcome


def _bundle_worker() -> None:
    chart_assets.vega_bundle(ASSET_CACHE)


def update_notebooks(sources: list[Path], force: bool = False, frozen: bool = False,
                     jobs: int | None = None) -> list[Outcome]:
    """Bring every chapter up to date; print one progress line per chapter as it finishes."""
    outcomes, to_run = [], []
    for source in sources:
        action = plan(source, force)
        if frozen and action != "reuse":
            what = "needs execution" if action == "execute" else "its .ipynb text differs from the .md"
            outcomes.append(Outcome(source, "stale", message=f"{what}: run `make book` and commit"))
        elif action == "execute":
            to_run.append(source)
        elif action == "sync":
            target = notebooks.executed_path(source)
            notebooks.write(notebooks.sync_text(source, notebooks.read(target)), target)
            outcomes.append(Outcome(source, "prose synced", message="outputs reused"))
        else:
            outcomes.append(Outcome(source, "reused", message="inputs unchanged"))
    for outcome in outcomes:
        print(outcome.line(), flush=True)
    if to_run:
        workers = max(1, min(len(to_run), jobs or os.cpu_count() or 1))
        # Kernels are forked warm from one fork server (pipeline.forkserver) for the whole pool.
        with kernels.forkserver(), ProcessPoolExecutor(max_workers=workers) as pool:
            # The Vega bundle, needed by the HTML build, is made while kernels start.
            pool.submit(_bundle_worker)
            futures = [pool.submit(_execute_worker, str(s)) for s in to_run]
            for future in as_completed(futures):
                outcome = future.result()
                print(outcome.line(), flush=True)
                outcomes.append(outcome)
    return outcomes


def html_inputs_digest(root: Path = ROOT, language: str | None = None) -> str:
    """SHA-256 of every file the HTML build could read (the whole book, build outputs aside), of
    the edition (the commit it is built from) and of BOOK_BASE_URL. For the English edition alone (`language` "en"),
    the French text (locale/) aside: a French edit does not rebuild the English pages."""
    try:
        shown = edition.current(root).fingerprint()  # the pages show the edition
    except edition.EditionError:
        shown = "no repository"  # the book's own pages then fail to build, saying why
    shown += " " + os.environ.get("BOOK_BASE_URL", "")  # and the address they are published at
    digest = hashlib.sha256(shown.encode("utf-8") + b"\0")
    for path in _book_files(root):
        if path.suffix == ".mo" or (language == "en" and path.relative_to(root).parts[0] == "locale"):
            continue  # Sphinx compiles each .po into its .mo during the build
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _book_files(root: Path) -> list[Path]:
    """The book's files, sorted; ignored folders are not even entered (.venv holds thousands)."""
    files = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in notebooks.NOT_BOOK_FOLDERS and not d.endswith(".egg-info")]
        files += [Path(folder) / name for name in names]
    return sorted(files)


def html_is_current(root: Path = ROOT) -> bool:
    """True when _build/html was built from exactly the files the book holds now."""
    stamp = root / "_build" / HTML_STAMP
    return (root / "_build" / "html").is_dir() and stamp.exists() and \
        stamp.read_text(encoding="utf-8") == html_inputs_digest(root)


EDITIONS = {"en": "", "fr": "fr"}  # each edition's language and its folder in the published book


def editions_of(root: Path) -> list[str]:
    """The languages a book is published in: English, and each whose text it holds (locale/).
    BOOK_EDITIONS=en builds the English alone (the benchmark's reference)."""
    wanted = os.environ.get("BOOK_EDITIONS", "").split()
    return ["en"] + [language for language in EDITIONS if language != "en"
                     and (root / "locale" / language / "book.yml").is_file() and (not wanted or language in wanted)]


def _staging(build_dir: Path, language: str) -> Path:
    return build_dir / (".staging" if language == "en" else f".staging-{language}")


def _edition_stamp(build_dir: Path, language: str) -> Path:
    return build_dir / f"html-inputs-{language}.sha256"


def build_html(root: Path = ROOT, only_changed: bool = False) -> bool:
    """Strict jupyter-book build of each edition into staging, the two at once (one per core);
    the pair is swapped into _build/html only when both succeed: English at the root, French
    under fr/. With `only_changed`, an edition whose inputs did not change since its last build
    is not built again (a French edit leaves the English build alone) and its last build is used."""
    build_dir = root / "_build"
    logs = _ensure(build_dir / "logs")
    started = time.perf_counter()
    languages = editions_of(root)
    digests = {language: html_inputs_digest(root, language) for language in languages}
    stale = [language for language in languages if not only_changed
             or not (_staging(build_dir, language) / "_build" / "html").is_dir()
             or not _edition_stamp(build_dir, language).exists()
             or _edition_stamp(build_dir, language).read_text(encoding="utf-8") != digests[language]]
    running = {}
    for language in stale:
        staging = _staging(build_dir, language)
        _edition_stamp(build_dir, language).unlink(missing_ok=True)  # until this build succeeds
        command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root),
                   "--path-output", str(staging), "-W", "-n", "--keep-going"]
        if language != "en":
            command += ["--config", str(translations.edition_config(root, language))]
        log = logs / ("jupyter-book.log" if language == "en" else f"jupyter-book-{language}.log")
        handle = open(log, "w", encoding="utf-8")
        running[language] = (staging, log, handle,
                             subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=root))
    failed = []
    for language, (staging, log, handle, process) in running.items():
        process.wait()
        handle.close()
        if process.returncode != 0:
            failed.append(language)
            # Sphinx only re-reads changed pages: drop its environment so the next build
            # re-reads everything and reports the same warnings again instead of passing.
            shutil.rmtree(staging / "_build" / ".doctrees", ignore_errors=True)
    seconds = time.perf_counter() - started
    if failed:
        print(f"  html          failed after {seconds:.1f} s ({', '.join(failed)} edition); the previous "
              "_build/html is untouched", file=sys.stderr)
        for language in failed:
            log = running[language][1]
            for line in log.read_text(encoding="utf-8").splitlines():
                if "WARNING" in line or "ERROR" in line or "Error" in line:
                    print(f"    {line}", file=sys.stderr)
            print(f"    full log: {display_path(log)}", file=sys.stderr)
        return False
    for language in stale:
        _edition_stamp(build_dir, language).write_text(digests[language], encoding="utf-8")
    editions = {EDITIONS[language]: _staging(build_dir, language) / "_build" / "html" for language in languages}
    publish(editions, build_dir, finish=_share_static)
    (build_dir / HTML_STAMP).write_text(html_inputs_digest(root), encoding="utf-8")
    built = " and ".join({"en": "English", "fr": "French"}[language] for language in stale)
    print(f"  html          {built} built strictly in {seconds:.1f} s -> {display_path(build_dir / 'html')}")
    return True


COMPLETE = ".complete"  # written last into a published copy of the book


def _share_static(book: Path) -> None:
    """The French pages use the English edition's static files where they are the same."""
    for folder in filter(None, EDITIONS.values()):
        pipeline_editions.share_static(book, folder)
    page_speed.precompress(book)


def publish(built: Path | dict[str, Path], build_dir: Path, finish=None) -> Path:
    """Make `built` the book at `build_dir`/html, in one atomic step. `built` may map folders
    of the book ("" for its root) to the built trees that go there.

    `html` is a symbolic link to a complete copy (`html.N`, marked complete before the switch);
    the link is replaced by renaming a new link over it, which no reader or killed build can see
    half done. Copies no link points to are removed afterwards.
    """
    html_dir = build_dir / "html"
    _adopt_old_folder(html_dir)
    target = build_dir / f"html.{max((n for n, _ in published_copies(build_dir)), default=0) + 1}"
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for folder, tree in sorted((built if isinstance(built, dict) else {"": built}).items()):
        shutil.copytree(tree, partial / folder, dirs_exist_ok=True)
    if finish is not None:
        finish(partial)
    (partial / COMPLETE).write_text("", encoding="utf-8")
    partial.rename(target)
    link = build_dir / f"html.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(target.name)
    os.replace(link, html_dir)
    for _, stale in published_copies(build_dir):
        if stale != target:
            shutil.rmtree(stale, ignore_errors=True)
    return target


def published_copies(build_dir: Path) -> list[tuple[int, Path]]:
    """The numbered copies of the book (`html.N`), oldest first, complete or not."""
    found = [(int(m.group(1)), p) for p in build_dir.glob("html.*") if (m := re.fullmatch(r"html\.(\d+)", p.name))]
    return sorted(found)


def _adopt_old_folder(html_dir: Path) -> None:
    """An `html` folder from before the switch to links becomes a numbered copy under the link,
    and a link left pointing at nothing (a build killed in an earlier version) is repaired."""
    if html_dir.is_dir() and not html_dir.is_symlink():
        legacy = html_dir.with_name("html.0")
        shutil.rmtree(legacy, ignore_errors=True)
        html_dir.rename(legacy)
        (legacy / COMPLETE).write_text("", encoding="utf-8")
        html_dir.symlink_to(legacy.name)
    elif html_dir.is_symlink() and not html_dir.exists():
        complete = [p for _, p in published_copies(html_dir.parent) if (p / COMPLETE).exists()]
        html_dir.unlink()
        if complete:
            html_dir.symlink_to(complete[-1].name)


def forget_published_book(build_dir: Path = BUILD_DIR) -> None:
    """Remove the published book (its link, its copies, its stamp): the next build starts cold."""
    html_dir = build_dir / "html"
    if html_dir.is_symlink():
        html_dir.unlink()
    else:
        shutil.rmtree(html_dir, ignore_errors=True)
    for _, copy in published_copies(build_dir):
        shutil.rmtree(copy, ignore_errors=True)
    (build_dir / HTML_STAMP).unlink(missing_ok=True)


@contextlib.contextmanager
def one_build_at_a_time(build_dir: Path = BUILD_DIR):
    """Hold the build lock: a second `make book` (or a preview rebuilding) waits for the first."""
    _ensure(build_dir)
    with open(build_dir / ".build.lock", "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            print(f"another build is running ({holder}); waiting for it to finish", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}")
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def display_path(path: Path) -> str:
    """A path as the reader typed it: relative to the repository when inside it."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="execute every chapter again")
    parser.add_argument("--frozen", action="store_true",
                        help="execute nothing; fail if a notebook is out of date (for make test)")
    parser.add_argument("--no-html", action="store_true", help="update the notebooks only")
    parser.add_argument("--jobs", type=int, default=None, help="chapters executed at once")
    args = parser.parse_args(argv)

    problems = data.validate_package()
    if problems:
        print(f"make book stopped: the data package is invalid ({len(problems)} problem(s)):",
              file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    with one_build_at_a_time():
        return _build(args)


def _build(args) -> int:
    started = time.perf_counter()
    _adopt_old_folder(BUILD_DIR / "html")
    print("notebooks:")
    outcomes = update_notebooks(notebooks.chapter_sources(), args.force, args.frozen, args.jobs)
    bad = [o for o in outcomes if o.action in ("failed", "stale")]
    if bad:
        print(f"make book stopped: {len(bad)} chapter(s) not up to date; the previous "
              "_build/html is untouched", file=sys.stderr)
        for outcome in bad:
            print(outcome.line(), file=sys.stderr)
        return 1
    if args.no_html:
        pass
    elif not args.frozen and html_is_current():
        print("  html          up to date: nothing in the book changed since the last build")
    elif not build_html(only_changed=not args.frozen):
        return 1
    ran = sum(o.action == "executed" for o in outcomes)
    print(f"done in {time.perf_counter() - started:.1f} s: {ran} executed, "
          f"{len(outcomes) - ran} reused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
