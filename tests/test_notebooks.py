"""Committed chapter notebooks: in step with their text sources, current, and byte-stable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import build, chart_assets, notebooks
from tests.conftest import ROOT

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


def _glued(notebook: Path) -> dict[str, str]:
    """Glue key -> the value a notebook records, as text."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = output["data"]
                text = next(v for k, v in data.items() if k.endswith("text/plain") or k.endswith("text/markdown"))
                values[name] = "".join(text) if isinstance(text, list) else text
    return values


def test_a_quantity_glued_by_several_chapters_reads_the_same_in_each():
    """Two chapters that glue one name compute one quantity: their values must agree."""
    seen: dict[str, dict[str, str]] = {}
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        for name, value in _glued(notebook).items():
            seen.setdefault(name, {})[notebook.name] = value
    shared = {name: by for name, by in seen.items() if len(by) > 1}
    assert shared, "the check has nothing to compare (chapters 1 and 4 both glue the full-time equivalent)"

    def same(a: str, b: str) -> bool:
        try:
            return float(a) == float(b)
        except ValueError:
            return a == b

    disagree = {name: by for name, by in shared.items() if not all(same(v, next(iter(by.values()))) for v in by.values())}
    assert disagree == {}
