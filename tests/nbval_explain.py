"""What changed when strict nbval finds a cell's outputs differ: in the book's words, not nbval's.

nbval reports a failing cell as `'60.1' == '60.0'` under "Cell 1". For each output that differs
this names the glued value (its key, the committed and the recomputed value, and the pages whose
prose prints it) or the chart (its title, and the data fields whose values changed). It is a pytest
plugin (`-p tests.nbval_explain` in pyproject.toml's addopts), so the explanation tops nbval's
failure report wherever the notebook lies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline import chart_assets

ROOT = Path(__file__).resolve().parent.parent
GLUE_TEXT = "application/papermill.record/text/plain"


def _glued(outputs) -> dict[str, str]:
    found = {}
    for output in outputs or []:
        name = (output.get("metadata") or {}).get("scrapbook", {}).get("name")
        if name:
            data = output.get("data") or {}
            value = next((data[k] for k in data if k.endswith("text/plain") or k.endswith("text/markdown")), "")
            found[name] = "".join(value) if isinstance(value, list) else str(value)
    return found


def _charts(outputs) -> list[dict]:
    specs = []
    for output in outputs or []:
        markup = (output.get("data") or {}).get("text/html", "")
        specs += chart_assets.specs_in("".join(markup) if isinstance(markup, list) else markup)
    return specs


def pages_printing(key: str, notebook: Path | None = None) -> list[str]:
    """The pages whose prose pastes a glue key (the notebook's own text source included)."""
    pattern = re.compile(r"\{glue:[a-z]+\}`(?:[^`:]*\.ipynb::)?" + re.escape(key) + r"(?::[^`]*)?`")
    candidates = sorted(ROOT.glob("*.md")) + sorted((ROOT / "chapters").glob("*.md"))
    if notebook is not None and notebook.with_suffix(".md").exists():
        candidates.append(notebook.with_suffix(".md"))
    found = []
    for page in dict.fromkeys(candidates):
        if pattern.search(page.read_text(encoding="utf-8")):
            found.append(page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else str(page))
    return found


def _changed_fields(committed: dict, recomputed: dict) -> list[str]:
    """The data fields whose values differ between two versions of a chart's datasets."""
    def by_field(spec):
        values: dict[str, list] = {}
        for rows in (spec.get("datasets") or {}).values():
            for row in rows:
                for key, value in row.items():
                    values.setdefault(key, []).append(value)
        return values

    old, new = by_field(committed), by_field(recomputed)
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def explain(committed_outputs, recomputed_outputs, notebook: Path | None = None) -> list[str]:
    """One sentence per glued value or chart that differs between the committed and the
    recomputed outputs of a cell."""
    lines = []
    old, new = _glued(committed_outputs), _glued(recomputed_outputs)
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            pages = pages_printing(key, notebook)
            lines.append(f"glued value '{key}': committed {old.get(key, '(absent)')!s}, recomputed "
                         f"{new.get(key, '(absent)')!s}; printed by {', '.join(pages) if pages else 'no page'}")
    old_charts, new_charts = _charts(committed_outputs), _charts(recomputed_outputs)
    for before, after in zip(old_charts, new_charts):
        if json.dumps(before, sort_keys=True) != json.dumps(after, sort_keys=True):
            title = chart_assets._title(after) or chart_assets._title(before) or "untitled"
            fields = _changed_fields(before, after)
            what = (f"data field(s) {', '.join(fields)} changed" if fields
                    else "its specification changed (encoding, scales or text), not its data")
            lines.append(f"chart '{title}': {what}")
    if len(old_charts) != len(new_charts):
        lines.append(f"the cell drew {len(new_charts)} chart(s) where {len(old_charts)} were committed")
    return lines


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Put the explanation at the top of a failing nbval cell's report."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or not report.failed or getattr(item, "test_outputs", None) is None:
        return
    lines = explain(item.cell.get("outputs", []), item.test_outputs, Path(str(item.fspath)))
    if lines:
        report.longrepr = ("What changed in the book:\n" + "\n".join(f"  - {line}" for line in lines)
                           + "\n\n" + str(report.longrepr))
