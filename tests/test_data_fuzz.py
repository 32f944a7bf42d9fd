"""The validator never crashes: arbitrary files, headers and descriptors end in a clean load or in
a DataError (or a list of problems) that names the file, and never in a traceback.

Property-based (Hypothesis): each test feeds the validator inputs built at random, from plausible
tables with one cell gone wrong to bytes and JSON of any shape.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyses import data

PROVENANCE = [
    {"name": "source", "type": "string", "description": "key", "constraints": {"required": True, "pattern": "[a-z0-9_]+"}},
    {"name": "locator", "type": "string", "description": "where", "constraints": {"required": True}},
    {"name": "evidence", "type": "string", "description": "level",
     "constraints": {"required": True, "enum": ["primary", "secondary", "assessment"]}},
    {"name": "via", "type": "string", "description": "copy", "constraints": {"pattern": "[a-z0-9_]+"}},
]
FIELDS = [
    {"name": "group", "type": "string", "description": "Group", "constraints": {"required": True, "unique": True}},
    {"name": "share_pct", "type": "number", "description": "A share", "constraints": {"minimum": 0, "maximum": 100}},
    {"name": "persons", "type": "integer", "description": "A count", "constraints": {"minimum": 0}},
    {"name": "day", "type": "date", "description": "A date"},
    {"name": "flag", "type": "boolean", "description": "A flag"},
    {"name": "year", "type": "year", "description": "A year"},
]
GOOD_ROW = ["women", "56.1", "14401", "2019-06-07", "true", "2019", "insee2019portrait", "Figure 1", "primary", ""]
# The same examples on every run (a failure in CI is then one anyone can reproduce), and no example
# database in the repository; BOOK_FUZZ_EXAMPLES raises the count for a longer search by hand.
SETTINGS = settings(max_examples=int(os.environ.get("BOOK_FUZZ_EXAMPLES", 150)), deadline=None, derandomize=True,
                    database=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
cells = st.one_of(st.sampled_from(["", " x", "1e9999", "-1", "NaN", "2019-13-40", "true", "=1", "\ufeff"]),
                  st.text(max_size=12))


def _package(folder: Path, descriptor, csv_bytes: bytes) -> Path:
    (folder / "datapackage.json").write_text(
        descriptor if isinstance(descriptor, str) else json.dumps(descriptor), encoding="utf-8")
    (folder / "shares.csv").write_bytes(csv_bytes)
    return folder


def _descriptor(fields=None, extra=None) -> dict:
    resource = {"name": "shares", "path": "shares.csv", "title": "Scratch", "description": "For the fuzz tests",
                "schema": {"fields": (fields if fields is not None else FIELDS) + PROVENANCE,
                           "primaryKey": ["group"]}}
    resource.update(extra or {})
    return {"name": "scratch", "resources": [resource]}


def _csv(rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _outcome(folder: Path):
    """What the validator makes of the package: the loaded table or the DataError, and the
    problems of a whole-package check. Any other exception fails the test."""
    problems = data.validate_package(folder)
    assert all(isinstance(p, data.Problem) for p in problems)
    assert all(p.path.endswith((".csv", ".json", "references.bib")) or "(table" in p.path for p in problems), problems
    try:
        loaded = data.load("shares", folder)
    except data.DataError as err:
        assert "shares.csv" in str(err) or "datapackage.json" in str(err), str(err)
        return err, problems
    assert isinstance(loaded, pd.DataFrame)
    return loaded, problems


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_as_a_table_end_cleanly(raw):
    with tempfile.TemporaryDirectory() as folder:
        _outcome(_package(Path(folder), _descriptor(), raw))


@SETTINGS
@given(st.lists(st.lists(cells, min_size=0, max_size=12), min_size=0, max_size=5),
       st.lists(st.sampled_from([f["name"] for f in FIELDS + PROVENANCE] + ["", "extra", "group"]), max_size=12))
def test_any_header_and_cells_end_cleanly(rows, header):
    with tempfile.TemporaryDirectory() as folder:
        _outcome(_package(Path(folder), _descriptor(), _csv([header] + rows)))


@SETTINGS
@given(st.integers(0, len(GOOD_ROW) - 1), cells)
def test_one_cell_gone_wrong_is_named_by_row_and_column(position, value):
    header = [f["name"] for f in FIELDS + PROVENANCE]
    row = list(GOOD_ROW)
    row[position] = value
    with tempfile.TemporaryDirectory() as folder:
        outcome, problems = _outcome(_package(Path(folder), _descriptor(), _csv([header, row])))
        if isinstance(outcome, data.DataError) and any(c in value for c in "\r\n"):
            assert "row " in str(outcome), str(outcome)  # a line break may split the row itself
        elif isinstance(outcome, data.DataError):
            assert "row 1" in str(outcome) and f"column '{header[position]}'" in str(outcome), str(outcome)


@SETTINGS
@given(json_values)
def test_any_descriptor_ends_cleanly(descriptor):
    header = [f["name"] for f in FIELDS + PROVENANCE]
    with tempfile.TemporaryDirectory() as folder:
        _outcome(_package(Path(folder), descriptor, _csv([header, GOOD_ROW])))


@SETTINGS
@given(st.lists(st.dictionaries(st.sampled_from(["name", "type", "description", "constraints", "unit", "bibkeys"]),
                                json_values, max_size=6), max_size=5),
       st.dictionaries(st.sampled_from(["name", "path", "title", "description", "schema"]), json_values, max_size=3))
def test_any_schema_ends_cleanly(fields, extra):
    header = [f["name"] for f in FIELDS + PROVENANCE]
    with tempfile.TemporaryDirectory() as folder:
        _outcome(_package(Path(folder), _descriptor(fields, extra), _csv([header, GOOD_ROW])))


def test_a_descriptor_that_is_not_json_is_named():
    with tempfile.TemporaryDirectory() as folder:
        outcome, problems = _outcome(_package(Path(folder), "{not json", b"group\n"))
        assert isinstance(outcome, data.DataError) and "not valid UTF-8 JSON" in str(outcome)
