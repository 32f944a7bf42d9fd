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
    factor = 1
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
    assert stored["reads"] == ["data/france_estimate.csv"]
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
