"""Shared helpers and fixtures: the repository root, the book's pages (in the table of contents
and as built) and a scratch copy of a small data package."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


def toc_entries() -> list[str]:
    """Every page of the table of contents, as written there (no suffix), in book order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]


def built_pages() -> list[Path]:
    """Every HTML page of the built book, static files and page sources aside."""
    return sorted(p for p in HTML.rglob("*.html") if not {"_static", "_sources"} & set(p.parts))


def edition_root(page: Path) -> Path:
    """The root of the edition a built page belongs to: the book's root, or fr/ for the French."""
    return HTML / "fr" if (HTML / "fr") in page.parents else HTML


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    """A valid one-table data package in a scratch folder, for breaking on purpose."""
    descriptor = {
        "name": "scratch",
        "resources": [{
            "name": "shares",
            "path": "shares.csv",
            "title": "Scratch table",
            "description": "A share and a count, for tests",
            "schema": {
                "fields": [
                    {"name": "group", "type": "string", "description": "Group",
                     "constraints": {"required": True}},
                    {"name": "share_pct", "type": "number", "unit": "percent", "description": "A share",
                     "constraints": {"required": True, "minimum": 0, "maximum": 100}},
                    {"name": "persons", "type": "integer", "unit": "persons", "description": "A count",
                     "constraints": {"minimum": 0}},
                    *json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"][0]
                    ["schema"]["fields"][-4:],
                ],
                "primaryKey": ["group"],
            },
        }],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (tmp_path / "shares.csv").write_text(
        "group,share_pct,persons,source,locator,evidence,via\n"
        "women,56.1,14401,insee2019portrait,Figure 1,primary,\n"
        "men,43.9,15422,casilli2019microtravail,para. 4,secondary,afp2019premiere\n",
        encoding="utf-8")
    return tmp_path


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A scratch copy of what chapter fingerprints depend on: analyses/, data/, the bibliography,
    the requirements."""
    for name in ("analyses", "data"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.txt", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "chapters").mkdir()
    return tmp_path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every test must run: a skip there (a missing browser, a book not built yet when the
    test runs) is a failure, so a check cannot pass by asserting nothing."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"
