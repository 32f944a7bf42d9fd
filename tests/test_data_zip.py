"""The data package as one download (pipeline.data_zip), validated as a standard Frictionless
package by the reference validator as well as by the book's own rules."""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

import frictionless
import pytest

from analyses import data
from pipeline import data_zip
from tests.conftest import HTML, ROOT

DAY, COMMIT = datetime.date(2026, 12, 1), "abc1234"


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("zip")
    archive = data_zip.write(folder / data_zip.ZIP_NAME, ROOT, DAY, COMMIT)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(folder)
    return folder / data_zip.FOLDER


def test_the_zip_holds_the_package_its_bibliography_readme_and_licence(unpacked):
    package = json.loads((unpacked / "datapackage.json").read_text(encoding="utf-8"))
    tables = [res["path"] for res in package["resources"]]
    assert sorted(p.name for p in unpacked.iterdir()) == sorted(
        tables + ["datapackage.json", "references.bib", "README.md", "LICENSE.md"])
    for table in tables:
        assert (unpacked / table).read_bytes() == (data.DATA_DIR / table).read_bytes()
    readme = (unpacked / "README.md").read_text(encoding="utf-8")
    assert "edition of 2026-12-01 (commit abc1234)" in " ".join(readme.split()) and "CC BY 4.0" in readme
    assert all(f"`{table}`" in readme for table in tables)


def test_the_reference_validator_finds_the_unpacked_package_valid(unpacked):
    report = frictionless.validate(unpacked / "datapackage.json")
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])[:10]
    assert report.stats["tasks"] == len(json.loads((unpacked / "datapackage.json").read_text("utf-8"))["resources"])


def test_the_books_own_rules_pass_on_the_unpacked_package(unpacked):
    assert data.validate_package(unpacked) == []


def test_the_reference_validator_catches_a_broken_table(unpacked, tmp_path):
    """The validator is really reading the tables: a number that is not one fails it."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in unpacked.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    package = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(res for res in package["resources"]
                    if any(f["type"] == "number" for f in res["schema"]["fields"]))
    column = next(f["name"] for f in resource["schema"]["fields"] if f["type"] == "number")
    table = broken / resource["path"]
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    assert len(cells) == len(header), "the first row has no quoted comma, so it can be edited by position"
    cells[header.index(column)] = "many"
    table.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    report = frictionless.validate(broken / "datapackage.json")
    assert not report.valid
    assert any(error.type == "type-error" for task in report.tasks for error in task.errors)


def test_the_zip_is_the_same_to_the_byte_for_the_same_data_and_edition(tmp_path):
    first = data_zip.write(tmp_path / "one.zip", ROOT, DAY, COMMIT).read_bytes()
    second = data_zip.write(tmp_path / "two.zip", ROOT, DAY, COMMIT).read_bytes()
    assert first == second


@pytest.mark.built
def test_the_built_book_offers_the_zip_from_the_data_appendix_in_both_editions():
    archive = HTML / "_static" / data_zip.ZIP_NAME
    with zipfile.ZipFile(archive) as opened:
        assert opened.testzip() is None
        assert f"{data_zip.FOLDER}/datapackage.json" in opened.namelist()
    for page in (HTML / "chapters" / "90-about-the-data.html", HTML / "fr" / "chapters" / "90-about-the-data.html"):
        text = page.read_text(encoding="utf-8")
        links = [part.split('"', 1)[0] for part in text.split('href="')[1:] if data_zip.ZIP_NAME in part.split('"', 1)[0]]
        assert links, f"{page}: no link to the data zip"
        assert all((page.parent / link).resolve() == archive.resolve() for link in links), links
