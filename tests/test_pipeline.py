"""The pipeline decides what to execute from content, keeps prose edits cheap and fails safely."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from pipeline import build, notebooks, rerun

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
