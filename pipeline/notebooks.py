"""Chapter notebooks: text sources, executed twins, and the fingerprint that says when to rerun.

Each chapter is a MyST text notebook `chapters/NN-slug.md` (what authors edit) paired with
`chapters/NN-slug.ipynb` (executed by papermill, committed with its outputs). The `.ipynb`
records in its metadata the fingerprint of what its outputs depend on: the code cells of its
source, the pinned requirements and every file of the book its kernel opened (pipeline.opened).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = ROOT / "chapters"
# Folders of the repository that hold no file of the book: build outputs, environments, tools'
# caches. Not read for the HTML build's digest, not watched by the preview.
NOT_BOOK_FOLDERS = frozenset({"_build", ".venv", "node_modules", ".git", "__pycache__", ".pytest_cache",
                              ".hypothesis", ".ipynb_checkpoints"})
META_KEY = "book"
INJECTED_TAG = "injected-parameters"
HIDDEN_TAG = "remove-cell"


def chapter_sources(chapters_dir: Path = CHAPTERS_DIR) -> list[Path]:
    """The text sources of every chapter, in book order (`NN-slug.md`)."""
    return sorted(p for p in chapters_dir.glob("[0-9][0-9]-*.md"))


def executed_path(source: Path) -> Path:
    """The executed notebook paired with a text source."""
    return source.with_suffix(".ipynb")


def from_source(source: Path) -> nbformat.NotebookNode:
    """A fresh, unexecuted notebook made from the text source, with stable cell ids."""
    notebook = jupytext.read(source)
    return with_stable_ids(notebook)


def with_stable_ids(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Number the cells: nbformat would otherwise give each run random ids."""
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
    return notebook


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write atomically, so an interrupted build never leaves half a notebook."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(nbformat.writes(notebook), encoding="utf-8")
    tmp.replace(path)


def input_cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    """(type, source, tags) of every cell an author wrote; papermill's injected cell excluded."""
    return [(cell.cell_type, cell.source, tuple(cell.metadata.get("tags", [])))
            for cell in notebook.cells if INJECTED_TAG not in cell.metadata.get("tags", [])]


def code_signature(notebook: nbformat.NotebookNode) -> str:
    """What execution depends on inside the notebook: code cells, their tags and the kernel."""
    code = [(src, tags) for kind, src, tags in input_cells(notebook) if kind == "code"]
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "")
    return json.dumps({"kernel": kernel, "code": code}, sort_keys=True)


def fingerprint(notebook: nbformat.NotebookNode, reads: list[str], root: Path = ROOT) -> str:
    """SHA-256 over everything the outputs depend on; equal fingerprints mean equal outputs.

    That is the notebook's code, the pinned requirements, and every file of the book its kernel
    opened when it last ran (`reads`, recorded by pipeline.opened): data tables, the descriptor,
    the bibliography, the modules of `analyses` it imported, anything else.
    """
    digest = hashlib.sha256(code_signature(notebook).encode("utf-8"))
    watched = [root / "requirements.txt"] + [root / rel for rel in sorted(set(reads))]
    for path in watched:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def recorded(notebook: nbformat.NotebookNode) -> dict:
    """The fingerprint and reads stored at the last execution ({} if never executed)."""
    return dict(notebook.metadata.get(META_KEY, {}))


def normalise(notebook: nbformat.NotebookNode, fingerprint_: str, reads: list[str]) -> nbformat.NotebookNode:
    """Make an executed notebook byte-stable and ready to publish.

    Drops papermill's and nbclient's timestamps, hides papermill's injected-parameters cell
    from the HTML, numbers the cells and records the fingerprint of its inputs.
    """
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if INJECTED_TAG in tags and HIDDEN_TAG not in tags:
            cell.metadata["tags"] = [*tags, HIDDEN_TAG]
        if "tags" in cell.metadata and not cell.metadata["tags"]:
            del cell.metadata["tags"]
    notebook.metadata[META_KEY] = {"fingerprint": fingerprint_, "reads": sorted(set(reads))}
    return with_stable_ids(notebook)


def sync_text(source: Path, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook with its markdown refreshed from the source, outputs kept.

    Only valid when the code signature is unchanged: prose edits need no execution.
    """
    fresh = from_source(source)
    # The notebook's metadata as an execution leaves it, taken before jupytext's combine
    # filters it in place: a prose edit and its undoing then give back the same bytes.
    metadata = nbformat.from_dict({**executed.metadata, **fresh.metadata})
    merged = combine_inputs_with_outputs(fresh, executed)
    merged.metadata = metadata
    return with_stable_ids(merged)


def glued_outputs(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    """Each value an executed notebook glued, by name: its output's mime bundle, with the prefix
    scrapbook records it under taken off, as myst-nb does ('text/plain', 'text/markdown', ...)."""
    outputs = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                outputs[name] = {mime.removeprefix("application/papermill.record/"):
                                 "".join(value) if isinstance(value, list) else value
                                 for mime, value in output.get("data", {}).items()}
    return outputs
