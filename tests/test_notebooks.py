"""Committed chapter notebooks: in step with their text sources, current, and byte-stable."""

from __future__ import annotations

import json

import pytest

from pipeline import build, chart_assets, notebooks

SOURCES = notebooks.chapter_sources()


def test_there_are_chapters():
    assert SOURCES


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_ipynb_inputs_equal_the_md(source):
    executed = notebooks.executed_path(source)
    assert executed.exists(), f"{executed.name} missing: run make book"
    assert notebooks.input_cells(notebooks.read(executed)) == notebooks.input_cells(
        notebooks.from_source(source)), f"{executed.name} differs from {source.name}: run make book"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_outputs_are_current(source):
    assert build.plan(source) == "reuse", f"{source.name} changed since it was executed: run make book"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_has_a_parameters_cell(source):
    cells = notebooks.from_source(source).cells
    assert any("parameters" in c.metadata.get("tags", []) for c in cells if c.cell_type == "code")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_timestamps_or_random_ids(source):
    notebook = notebooks.read(notebooks.executed_path(source))
    assert "papermill" not in notebook.metadata
    for index, cell in enumerate(notebook.cells):
        assert cell.id == f"cell-{index:03d}"
        assert not {"papermill", "execution"} & set(cell.metadata)
    text = notebooks.executed_path(source).read_text(encoding="utf-8")
    assert "start_time" not in text and "end_time" not in text


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_chart_output_is_sourced_and_described(source):
    notebook = notebooks.read(notebooks.executed_path(source))
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            if "altair-viz-" in markup:
                assert "book-chart-source" in markup and "book-chart-description" in markup


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_error_outputs(source):
    notebook = notebooks.read(notebooks.executed_path(source))
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{source.name}: {output.get('ename')}"
            assert output.get("name") != "stderr", f"{source.name}: stderr output {output.get('text')}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_chart_has_a_tooltip(source):
    specs = chart_assets.notebook_specs(notebooks.executed_path(source))
    for spec in specs:
        assert '"tooltip"' in json.dumps(spec), spec.get("title")
