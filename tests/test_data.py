"""The data package: the real one is valid, and every kind of bad input stops with a clear message."""

from __future__ import annotations

import pytest

from analyses import bib, data


def test_book_package_is_valid():
    assert data.validate_package() == []


def test_every_table_loads_with_schema_types():
    for res in data.package()["resources"]:
        frame = data.load(res["name"])
        assert list(frame.columns) == [f["name"] for f in res["schema"]["fields"]]
        assert len(frame) > 0


def test_every_table_carries_the_same_provenance_fields():
    packages = data.package()["resources"]
    first = [f for f in packages[0]["schema"]["fields"] if f["name"] in data.PROVENANCE_FIELDS]
    for res in packages:
        fields = [f for f in res["schema"]["fields"] if f["name"] in data.PROVENANCE_FIELDS]
        assert fields == first, res["name"]


def test_every_source_key_is_in_the_bibliography():
    keys = bib.keys()
    for res in data.package()["resources"]:
        frame = data.load(res["name"])
        used = set(frame["source"]) | set(frame["via"].dropna())
        assert used <= keys, res["name"]


def test_typed_values(package_dir):
    frame = data.load("shares", package_dir)
    assert frame["share_pct"].tolist() == [56.1, 43.9]
    assert frame["persons"].tolist() == [14401, 15422]
    assert str(frame["persons"].dtype) == "Int64"


def _only_problem(package_dir) -> str:
    problems = data.validate_package(package_dir)
    assert len(problems) == 1, problems
    return str(problems[0])


def _replace(package_dir, old: str, new: str) -> None:
    path = package_dir / "shares.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_missing_column(package_dir):
    path = package_dir / "shares.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:2] + line.split(",")[3:]) for line in lines) + "\n")
    message = _only_problem(package_dir)
    assert "shares.csv" in message and "missing column 'persons'" in message


def test_unexpected_column(package_dir):
    path = package_dir / "shares.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line + ",x" for line in lines) + "\n")
    assert "unexpected column 'x'" in _only_problem(package_dir)


def test_wrong_type(package_dir):
    _replace(package_dir, "women,56.1,14401", "women,56.1,many")
    message = _only_problem(package_dir)
    assert message.endswith("shares.csv, row 1 (line 2), column 'persons': value 'many': is not of type integer")


def test_percentage_over_100(package_dir):
    _replace(package_dir, "men,43.9", "men,143.9")
    message = _only_problem(package_dir)
    assert "row 2 (line 3)" in message
    assert "column 'share_pct'" in message
    assert "above the maximum 100 (percent)" in message


def test_negative_count(package_dir):
    _replace(package_dir, "15422", "-15422")
    message = _only_problem(package_dir)
    assert "row 2" in message and "column 'persons'" in message and "below the minimum 0" in message


def test_unknown_source_key(package_dir):
    _replace(package_dir, "insee2019portrait", "nobody2099")
    message = _only_problem(package_dir)
    assert "row 1" in message and "column 'source'" in message
    assert "'nobody2099'" in message and "not a key of references.bib" in message


def test_empty_file(package_dir):
    (package_dir / "shares.csv").write_text("")
    assert "shares.csv: file is empty" in _only_problem(package_dir)


def test_header_without_rows(package_dir):
    path = package_dir / "shares.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert "no data rows" in _only_problem(package_dir)


def test_duplicate_key_row(package_dir):
    _replace(package_dir, "men,43.9", "women,43.9")
    message = _only_problem(package_dir)
    assert "row 2" in message and "duplicates row 1 on the key (group)" in message


def test_non_utf8_bytes(package_dir):
    path = package_dir / "shares.csv"
    path.write_bytes(path.read_bytes().replace(b"Figure 1", b"Figure \xe9"))
    message = _only_problem(package_dir)
    assert "not UTF-8" in message and "line 2" in message and "0xe9" in message


def test_required_cell_empty(package_dir):
    _replace(package_dir, ",Figure 1,", ",,")
    assert "column 'locator'" in _only_problem(package_dir)


def test_secondary_evidence_needs_its_copy(package_dir):
    _replace(package_dir, "secondary,afp2019premiere", "secondary,")
    assert "secondary evidence must name the copy read in 'via'" in _only_problem(package_dir)


def test_evidence_outside_allowed_values(package_dir):
    _replace(package_dir, ",primary,", ",hearsay,")
    assert "not one of the allowed values" in _only_problem(package_dir)


def test_undescribed_csv_is_reported(package_dir):
    (package_dir / "stray.csv").write_text("a\n1\n")
    assert "stray.csv: not described in datapackage.json" in _only_problem(package_dir)


def test_load_raises_one_readable_error(package_dir):
    _replace(package_dir, "15422", "-1")
    with pytest.raises(data.DataError) as caught:
        data.load("shares", package_dir)
    assert str(caught.value).count("\n") == 0
    assert "shares.csv, row 2 (line 3), column 'persons'" in str(caught.value)


def test_command_line_check_prints_problems_without_traceback(package_dir, capsys, monkeypatch):
    _replace(package_dir, "15422", "-1")
    monkeypatch.setattr(data, "DATA_DIR", package_dir)
    monkeypatch.setattr(data.validate_package, "__defaults__", (package_dir,))
    assert data.main() == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "row 2 (line 3), column 'persons'" in err


def test_lists_of_source_keys_are_checked_too(package_dir):
    import json

    descriptor = json.loads((package_dir / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"]["fields"].insert(
        3, {"name": "sources", "type": "string", "description": "keys", "bibkeys": True})
    (package_dir / "datapackage.json").write_text(json.dumps(descriptor))
    path = package_dir / "shares.csv"
    lines = path.read_text().splitlines()
    header, *rows = lines
    cells = [header.split(",")]
    out = [",".join(cells[0][:3] + ["sources"] + cells[0][3:])]
    out.append(",".join(rows[0].split(",")[:3] + ["insee2019portrait;nobody2099"] + rows[0].split(",")[3:]))
    out.append(",".join(rows[1].split(",")[:3] + ["insee2019portrait"] + rows[1].split(",")[3:]))
    path.write_text("\n".join(out) + "\n")
    message = _only_problem(package_dir)
    assert "row 1" in message and "column 'sources'" in message and "'nobody2099' is not a key" in message


@pytest.mark.parametrize("cell", ["=1+1", "+33 6 12", "-dangerous", "@SUM(A1:A2)"])
def test_a_text_cell_a_spreadsheet_would_run_is_refused(package_dir, cell):
    path = package_dir / "shares.csv"
    path.write_text(path.read_text().replace("women,", f"\"{cell}\",", 1))
    message = _only_problem(package_dir)
    assert "row 1" in message and "column 'group'" in message and "formula" in message


@pytest.mark.parametrize("name, path", [("shares", "../secrets.csv"), ("shares", "sub/shares.csv"),
                                        ("Shares <b>", "shares.csv")])
def test_table_names_and_paths_are_plain(package_dir, name, path):
    import json

    descriptor = json.loads((package_dir / "datapackage.json").read_text())
    descriptor["resources"][0].update(name=name, path=path)
    (package_dir / "datapackage.json").write_text(json.dumps(descriptor))
    problems = [str(p) for p in data.validate_package(package_dir)]
    assert any("'name' must" in p or "'path' must" in p for p in problems), problems
