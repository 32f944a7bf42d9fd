"""The pipeline decides what to execute from content, keeps prose edits cheap and fails safely."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from pipeline import build, kernels, notebooks, rerun

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---
    """)


def _chapter(folder: Path, body: str, name: str = "01-demo.md") -> Path:
    source = folder / name
    source.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return source


DEMO = """
    # Demo

    The count is {glue:text}`count:,d`.

    ```{code-cell} ipython3
    :tags: [parameters]
    factor = 1  # int, 1 to 10: what the count is multiplied by
    ```

    ```{code-cell} ipython3
    from myst_nb import glue
    from analyses import data
    persons = data.load("france_estimate")["persons"].sum()
    glue("count", int(persons) * factor, display=False)
    ```
    """


@pytest.fixture(scope="module")
def executed_demo(tmp_path_factory) -> Path:
    """A demo chapter executed once by the real pipeline (kernel and all)."""
    folder = tmp_path_factory.mktemp("chapters")
    source = _chapter(folder, DEMO)
    outcome = build.execute(source)
    assert outcome.action == "executed", outcome.message
    return source


def test_execution_records_fingerprint_and_reads(executed_demo):
    notebook = notebooks.read(notebooks.executed_path(executed_demo))
    stored = notebooks.recorded(notebook)
    assert stored["reads"] == ["analyses/__init__.py", "analyses/bib.py", "analyses/data.py",
                               "data/datapackage.json", "data/france_estimate.csv", "references.bib"]
    assert stored["fingerprint"] == notebooks.fingerprint(notebooks.from_source(executed_demo), stored["reads"])
    assert build.plan(executed_demo) == "reuse"


def test_execution_is_byte_stable(executed_demo, tmp_path):
    first = notebooks.executed_path(executed_demo).read_bytes()
    copy = tmp_path / executed_demo.name
    shutil.copy(executed_demo, copy)
    assert build.execute(copy).action == "executed"
    assert notebooks.executed_path(copy).read_bytes() == first


PROBE = """
    # Probe

    ```{code-cell} ipython3
    import json, os, sys
    print(json.dumps({"cwd": os.getcwd(), "argv0": os.path.basename(sys.argv[0]), "path0": sys.path[0],
                      "probe": os.environ.get("BOOK_PROBE"), "server": os.environ.get("%s"),
                      "analyses_loaded": "analyses" in sys.modules, "pandas_loaded": "pandas" in sys.modules,
                      "own_group": os.getpgid(0) == os.getpid(), "parent": os.getppid()}))
    ```
    """ % kernels.FORKSERVER_ENV


def _probe(folder: Path) -> dict:
    """What a chapter's kernel sees of its process, executed by the real pipeline."""
    source = _chapter(folder, PROBE)
    assert build.execute(source).action == "executed"
    return json.loads(notebooks.read(notebooks.executed_path(source)).cells[-1].outputs[0].text)


def test_a_forked_kernel_starts_as_a_fresh_one_would(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_PROBE", "set by the test")
    (tmp_path / "fresh").mkdir()
    (tmp_path / "forked").mkdir()
    fresh = _probe(tmp_path / "fresh")
    with kernels.forkserver():
        forked = _probe(tmp_path / "forked")
    assert fresh["parent"] == os.getpid()  # started by this process
    assert forked["parent"] != os.getpid()  # forked by the server
    assert forked["pandas_loaded"] and not fresh["pandas_loaded"]  # warm: the whole point
    assert forked["cwd"] == str(tmp_path / "forked") and fresh["cwd"] == str(tmp_path / "fresh")
    for seen in (fresh, forked):
        del seen["parent"], seen["pandas_loaded"], seen["cwd"]
    assert forked == fresh  # sys.path[0] included
    assert {k: v for k, v in fresh.items() if k != "path0"} == {
        "argv0": "ipykernel_launcher.py", "probe": "set by the test", "server": None,
        "analyses_loaded": False, "own_group": True}


def test_the_fork_server_stops_with_its_block(tmp_path):
    with kernels.forkserver():
        server = _probe(tmp_path)["parent"]
        assert os.environ.get(kernels.FORKSERVER_ENV)
    assert kernels.FORKSERVER_ENV not in os.environ
    with pytest.raises(ProcessLookupError):
        os.kill(server, 0)


def test_without_its_fork_server_a_kernel_starts_fresh_and_says_so(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv(kernels.FORKSERVER_ENV, str(tmp_path / "no-server-here"))
    assert _probe(tmp_path)["parent"] == os.getpid()
    assert "kernel fork server unavailable" in capfd.readouterr().err


def test_a_warm_forked_kernel_gives_the_same_notebook(executed_demo, tmp_path):
    copy = tmp_path / executed_demo.name
    shutil.copy(executed_demo, copy)
    with kernels.forkserver():
        assert build.execute(copy).action == "executed"
    assert notebooks.executed_path(copy).read_bytes() == notebooks.executed_path(executed_demo).read_bytes()


def _copy_chapter(executed_demo: Path, folder: Path) -> Path:
    source = folder / executed_demo.name
    shutil.copy(executed_demo, source)
    shutil.copy(notebooks.executed_path(executed_demo), notebooks.executed_path(source))
    return source


def test_prose_edit_syncs_text_without_execution(executed_demo, tmp_path):
    source = _copy_chapter(executed_demo, tmp_path)
    source.write_text(source.read_text().replace("The count is", "The total count is"))
    assert build.plan(source) == "sync"
    outcomes = build.update_notebooks([source])
    assert [o.action for o in outcomes] == ["prose synced"]
    synced = notebooks.read(notebooks.executed_path(source))
    assert "The total count is" in synced.cells[0].source
    assert synced.cells[-1].outputs  # the glue output survived
    assert build.plan(source) == "reuse"


def test_a_prose_edit_undone_gives_back_the_same_notebook(executed_demo, tmp_path):
    source = _copy_chapter(executed_demo, tmp_path)
    original, before = source.read_text(), notebooks.executed_path(source).read_bytes()
    source.write_text(original.replace("The count is", "The total count is"))
    build.update_notebooks([source])
    source.write_text(original)
    assert [o.action for o in build.update_notebooks([source])] == ["prose synced"]
    assert notebooks.executed_path(source).read_bytes() == before


def test_code_edit_needs_execution(executed_demo, tmp_path):
    source = _copy_chapter(executed_demo, tmp_path)
    source.write_text(source.read_text().replace("factor = 1", "factor = 2"))
    assert build.plan(source) == "execute"


def test_a_table_the_chapter_reads_triggers_execution_others_do_not(executed_demo, book_copy):
    source = _copy_chapter(executed_demo, book_copy / "chapters")
    assert build.plan(source, root=book_copy) == "reuse"
    with open(book_copy / "data" / "labour_force.csv", "a") as handle:
        handle.write("2020,all,1,insee2020portrait,x,primary,\n")
    assert build.plan(source, root=book_copy) == "reuse"
    with open(book_copy / "data" / "france_estimate.csv", "a") as handle:
        handle.write("\n")
    assert build.plan(source, root=book_copy) == "execute"


def test_analyses_change_triggers_execution(executed_demo, book_copy):
    source = _copy_chapter(executed_demo, book_copy / "chapters")
    with open(book_copy / "analyses" / "data.py", "a") as handle:
        handle.write("\n# changed\n")
    assert build.plan(source, root=book_copy) == "execute"


def test_failing_chapter_reports_cell_and_error_and_keeps_the_notebook(executed_demo, tmp_path):
    source = _copy_chapter(executed_demo, tmp_path)
    before = notebooks.executed_path(source).read_bytes()
    source.write_text(source.read_text().replace('data.load("france_estimate")', 'data.load("no_such_table")'))
    outcome = build.execute(source)
    assert outcome.action == "failed"
    assert "cell 2" in outcome.message and "DataError" in outcome.message
    assert "no table named 'no_such_table'" in outcome.message
    assert notebooks.executed_path(source).read_bytes() == before


def test_frozen_mode_refuses_stale_chapters(executed_demo, tmp_path):
    source = _copy_chapter(executed_demo, tmp_path)
    source.write_text(source.read_text().replace("factor = 1", "factor = 3"))
    outcomes = build.update_notebooks([source], frozen=True)
    assert [o.action for o in outcomes] == ["stale"]
    assert build.plan(source) == "execute"  # nothing was rewritten


def test_rerun_with_parameters_leaves_the_published_notebook(executed_demo, tmp_path, capsys, monkeypatch):
    source = _copy_chapter(executed_demo, tmp_path)
    before = notebooks.executed_path(source).read_bytes()
    monkeypatch.setattr(rerun, "RERUN_DIR", tmp_path / "reruns")
    assert rerun.main([str(source), "-p", "factor", "2"]) == 0
    printed = capsys.readouterr().out
    published = notebooks.read(notebooks.executed_path(source))
    count = int(rerun.glued_values(published)["count"])
    assert f"count = {2 * count}" in printed
    assert notebooks.executed_path(source).read_bytes() == before
    rerun_nb = notebooks.read(tmp_path / "reruns" / "01-demo.ipynb")
    injected = [c for c in rerun_nb.cells if notebooks.INJECTED_TAG in c.metadata.get("tags", [])]
    assert injected and notebooks.HIDDEN_TAG in injected[0].metadata["tags"]


def test_parse_value():
    assert rerun.parse_value("1.5") == 1.5
    assert rerun.parse_value("[1, 2]") == [1, 2]
    assert rerun.parse_value("None") is None
    assert rerun.parse_value("women") == "women"


def _tiny_book(folder: Path, page: str) -> Path:
    (folder / "_config.yml").write_text("title: Tiny\nexecute:\n  execute_notebooks: 'off'\n")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (folder / "intro.md").write_text(page)
    return folder


def test_failed_html_build_keeps_the_last_good_book(tmp_path):
    book = _tiny_book(tmp_path, "# Tiny\n\nA good page.\n")
    assert build.build_html(book)
    good = (book / "_build" / "html" / "intro.html").read_text()
    (book / "intro.md").write_text("# Tiny\n\nA broken link to {ref}`nowhere`.\n")
    assert not build.build_html(book)
    assert (book / "_build" / "html" / "intro.html").read_text() == good
    (book / "intro.md").write_text("# Tiny\n\nA fixed page.\n")
    assert build.build_html(book)
    assert "A fixed page." in (book / "_build" / "html" / "intro.html").read_text()


def test_pasting_a_glue_key_no_notebook_defines_fails_the_build(tmp_path, executed_demo):
    book = _tiny_book(tmp_path, "# Tiny\n\nThe count is {glue:text}`demo.ipynb::no_such_key:,d`.\n")
    shutil.copy(notebooks.executed_path(executed_demo), book / "demo.ipynb")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: demo\n")
    assert not build.build_html(book)
    log = (book / "_build" / "logs" / "jupyter-book.log").read_text()
    assert "no_such_key" in log


def test_html_build_is_skipped_only_while_nothing_changed(tmp_path):
    book = _tiny_book(tmp_path, "# Tiny\n\nA page.\n")
    assert not build.html_is_current(book)
    assert build.build_html(book)
    assert build.html_is_current(book)
    (book / "intro.md").write_text("# Tiny\n\nAn edited page.\n")
    assert not build.html_is_current(book)


READER_A = """
    ```{code-cell} ipython3
    from myst_nb import glue
    from analyses import bib, data
    glue("persons", int(data.load("france_estimate")["persons"].sum()), display=False)
    glue("label", bib.short_labels(["leludec2019howmany"])[0], display=False)
    ```
    """
READER_B = """
    ```{code-cell} ipython3
    from myst_nb import glue
    from analyses import data
    glue("labour", int(data.load("labour_force")["persons_thousands"].sum()), display=False)
    ```
    """
READER_C = """
    ```{code-cell} ipython3
    from myst_nb import glue
    from analyses import text
    glue("words", text.number(3), display=False)
    ```
    """


def _glued_values(source: Path) -> dict:
    values = {}
    for cell in notebooks.read(notebooks.executed_path(source)).cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = next(iter(output["data"].values()))
    return values


def test_a_chapter_runs_again_exactly_when_a_file_it_opened_changes(book_copy, monkeypatch):
    """Edit a table, the descriptor, the bibliography and a module in turn: exactly the chapters
    whose kernel opened the file run again, and their values change. (The bibliography once
    changed the References page while every caption kept the old name.)"""
    monkeypatch.setenv("PYTHONPATH", str(book_copy))  # the kernels import this copy's analyses
    chapters = {name: _chapter(book_copy / "chapters", body, f"0{i}-{name}.md")
                for i, (name, body) in enumerate([("a", READER_A), ("b", READER_B), ("c", READER_C)], 1)}

    def run_what_changed() -> set[str]:
        ran = {name for name, source in chapters.items() if build.plan(source, root=book_copy) == "execute"}
        for name in ran:
            assert build.execute(chapters[name], root=book_copy).action == "executed"
        assert all(build.plan(source, root=book_copy) == "reuse" for source in chapters.values())
        return ran

    def edit(relative: str, old: str, new: str) -> None:
        path = book_copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    assert run_what_changed() == {"a", "b", "c"}
    before = {name: _glued_values(source) for name, source in chapters.items()}
    assert "analyses/text.py" in notebooks.recorded(notebooks.read(notebooks.executed_path(chapters["c"])))["reads"]

    edit("data/france_estimate.csv", "14903", "14904")
    assert run_what_changed() == {"a"}
    assert _glued_values(chapters["a"])["persons"] != before["a"]["persons"]

    edit("data/datapackage.json", "Labour force", "Labour force (edited)")
    assert run_what_changed() == {"a", "b"}, "every chapter that loaded a table opened the descriptor"

    edit("references.bib", "Le Ludec, Cl{\\'e}ment and Tubaro", "Leludec, Cl{\\'e}ment and Tubaro")
    assert run_what_changed() == {"a", "b"}, "loading a table checks its source keys in the bibliography"
    assert _glued_values(chapters["a"])["label"] != before["a"]["label"]

    edit("analyses/text.py", '"three"', '"three (edited)"')
    assert run_what_changed() == {"c"}
    assert _glued_values(chapters["c"])["words"] != before["c"]["words"]


def test_a_second_build_waits_for_the_first(tmp_path):
    """Two builds at once (a preview rebuilding while an author builds) would write one folder."""
    import subprocess
    import sys
    import time

    script = ("import sys; from pathlib import Path; from pipeline import build\n"
              f"with build.one_build_at_a_time(Path({str(tmp_path)!r})):\n    print('got the lock', flush=True)\n")
    with build.one_build_at_a_time(tmp_path):
        second = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=build.ROOT)
        time.sleep(1.5)
        assert second.poll() is None, "the second build did not wait"
    out, err = second.communicate(timeout=20)
    assert "another build is running (process" in err and "waiting" in err
    assert out.strip() == "got the lock"


@pytest.mark.parametrize("moment", ["while copying", "before switching", "after switching"])
def test_a_build_killed_at_any_moment_leaves_the_last_good_book(tmp_path, moment):
    """Killed while the new book is copied, just before the switch to it, or just after: the book
    at _build/html is complete, old or new, never missing or half written."""
    import subprocess
    import sys

    book = _tiny_book(tmp_path, "# Tiny\n\nThe first edition.\n")
    assert build.build_html(book)
    (book / "intro.md").write_text("# Tiny\n\nThe second edition.\n")
    # The build runs in a process of its own, which kills itself at the chosen moment of publishing.
    script = f"""
import os, shutil, signal
from pathlib import Path
from pipeline import build
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
copytree, replace = shutil.copytree, os.replace
if {moment!r} == "while copying":  # the copy is written but not yet marked complete
    shutil.copytree = lambda *a, **k: (copytree(*a, **k), die())
elif {moment!r} == "before switching":
    os.replace = lambda *a: die()
else:
    os.replace = lambda *a: (replace(*a), die())
build.build_html(Path({str(book)!r}))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=build.ROOT, capture_output=True, text=True)
    assert result.returncode == -9, result.stderr[-500:]
    html = book / "_build" / "html"
    page = (html / "intro.html").read_text()
    assert (html / build.COMPLETE).exists()
    expected = "second" if moment == "after switching" else "first"
    assert f"The {expected} edition." in page
    assert build.build_html(book), "the next build recovers"
    assert "The second edition." in (html / "intro.html").read_text()
    assert len(build.published_copies(book / "_build")) == 1, "earlier copies are removed"


def test_every_chapter_says_what_each_of_its_parameters_accepts():
    for source in notebooks.chapter_sources():
        declared = rerun.parameters_of(source)
        assert declared, source.name
        for parameter in declared.values():
            assert parameter.problem(parameter.default) is None, (source.name, parameter)


@pytest.mark.parametrize("chapter, given, expected", [
    ("01-workforce.md", {"multihomig": 1.83}, ["has no parameter 'multihomig'", "did you mean 'multihoming'?"]),
    ("02-gender.md", {"multihoming": 2}, ["has no parameter 'multihoming'", "is a parameter of 01-workforce.md"]),
    ("01-workforce.md", {"horizon_year": "abc"}, ["-p horizon_year 'abc'", "not a whole number", "int, 2018 to 2100"]),
    ("01-workforce.md", {"active_share": 5.6}, ["outside 0 to 1"]),
    ("02-gender.md", {"microwork_for": "men"}, ["not one of women, both"]),
    ("01-workforce.md", {"growth_rates_pct": {"fast": "25"}}, ["not a dictionary of texts to numbers"]),
])
def test_a_rerun_refuses_what_the_chapter_cannot_use(chapter, given, expected):
    """A typo or a parameter of another chapter was once ignored in silence, and a wrong type failed
    deep in cell 17 with a TypeError."""
    problems = rerun.check(build.ROOT / "chapters" / chapter, given)
    assert len(problems) == 1
    assert all(fragment in problems[0] for fragment in expected), problems[0]


def test_a_refused_rerun_executes_nothing(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(rerun, "RERUN_DIR", tmp_path / "reruns")
    assert rerun.main([str(build.ROOT / "chapters" / "01-workforce.md"), "-p", "horizon_year", "abc"]) == 2
    assert "rerun stopped before executing anything" in capsys.readouterr().err
    assert not (tmp_path / "reruns").exists()


def test_a_strict_nbval_failure_names_the_glued_value_and_the_chart(executed_demo, tmp_path):
    """nbval once reported '60.1' == '60.0' under 'Cell 1'; the report now says which value."""
    import subprocess
    import sys

    source = _chapter(tmp_path, DEMO + """
    ```{code-cell} ipython3
    import altair as alt
    from analyses import charts
    rows = data.load("france_estimate")
    charts.sourced(alt.Chart(rows, title="Demo circles").mark_bar().encode(x="persons:Q", y="measure:N"),
                   rows, "Bars of the demo.").properties(name="demo-circles")
    ```
    """)
    assert build.execute(source).action == "executed"
    notebook = notebooks.executed_path(source)
    committed = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in committed["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == "count":
                data["application/papermill.record/text/plain"] = "1"
            if "text/html" in data:
                html = "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
                data["text/html"] = html.replace('"persons":14903', '"persons":14904')
    notebook.write_text(json.dumps(committed), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-p",
                             "no:cacheprovider", "-c", str(build.ROOT / "pyproject.toml"), str(notebook)],
                            cwd=build.ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    report = result.stdout
    assert "What changed in the book:" in report
    assert "glued value 'count': committed 1, recomputed" in report and "01-demo.md" in report
    assert "chart 'Demo circles': data field(s) persons changed" in report


def test_a_page_whose_source_left_the_book_is_not_published(tmp_path):
    """The HTML build is incremental: a removed page once stayed in the output and was published."""
    from types import SimpleNamespace

    from pipeline import sphinx_ext

    for relative in ("index.html", "chapters/01-a.html", "old/gone.html", "search.html", "_static/x.html",
                     "_sources/old/gone.md", "_sources/chapters/01-a.ipynb"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("page", encoding="utf-8")
    app = SimpleNamespace(outdir=str(tmp_path), env=SimpleNamespace(found_docs={"intro", "chapters/01-a"}))
    assert sphinx_ext._remove_stale_pages(app) == ["old/gone"]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["_sources/chapters/01-a.ipynb", "_static/x.html", "chapters/01-a.html",
                    "index.html", "search.html"], "index.html is the redirect to the root page"
    assert not (tmp_path / "old").exists() and not (tmp_path / "_sources" / "old").exists()


def test_pages_that_paste_a_chapters_values_wait_for_its_results_not_its_prose(executed_demo, tmp_path):
    """They depend on a digest of the chapter's code, outputs and execution record: a prose edit
    leaves it untouched (the page is not read again), a changed value rewrites it."""
    from types import SimpleNamespace

    from pipeline import sphinx_ext

    (tmp_path / "chapters").mkdir()
    notebook = tmp_path / "chapters" / "01-demo.ipynb"
    shutil.copy(notebooks.executed_path(executed_demo), notebook)
    (tmp_path / "_build" / "x").mkdir(parents=True)
    shutil.copy(notebook, tmp_path / "_build" / "x" / "copy.ipynb")  # the build's own files: no digest
    app = SimpleNamespace(srcdir=str(tmp_path))
    sphinx_ext._write_output_digests(app)
    digest = sphinx_ext.outputs_digest_path(tmp_path, notebook)
    assert digest.name == "chapters__01-demo.ipynb.sha256"
    assert sorted(p.name for p in digest.parent.iterdir()) == [digest.name]
    first, written = digest.read_text(), digest.stat().st_mtime_ns

    content = json.loads(notebook.read_text(encoding="utf-8"))
    markdown = next(c for c in content["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "# Demo, with other words\n"
    notebook.write_text(json.dumps(content), encoding="utf-8")
    sphinx_ext._write_output_digests(app)
    assert (digest.read_text(), digest.stat().st_mtime_ns) == (first, written), "a prose edit"

    glued = next(o for c in content["cells"] for o in c.get("outputs", [])
                 if o.get("metadata", {}).get("scrapbook", {}).get("name") == "count")
    glued["data"]["application/papermill.record/text/plain"] = "1"
    notebook.write_text(json.dumps(content), encoding="utf-8")
    sphinx_ext._write_output_digests(app)
    assert digest.read_text() != first, "a changed value"
