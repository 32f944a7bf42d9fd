"""Load the book's data package, validating every table against its schema first.

`data/datapackage.json` describes each CSV with a Frictionless Table Schema. `load(name)`
returns a typed DataFrame only when the file passes every rule; otherwise it raises
`DataError` whose message names the file, the row, the column and the broken rule, so the
build can stop with one readable line instead of a traceback.

Every table carries the provenance columns `source` (a key of references.bib), `locator`
(where the figure stands in the source), `evidence` (read in the primary source, in a
secondary report of it, or the book's own assessment of what the source shows) and `via`
(the key of that secondary report, required when the evidence is secondary).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analyses import bib

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
PACKAGE_FILE = "datapackage.json"

PROVENANCE_FIELDS = ("source", "locator", "evidence", "via")
EVIDENCE_LEVELS = ("primary", "secondary", "assessment")


class DataError(Exception):
    """A data file or the package descriptor breaks a rule; the message says where and which."""


@dataclass(frozen=True)
class Problem:
    """One broken rule, located as precisely as the rule allows."""

    path: str
    rule: str
    row: int | None = None  # 1-based data row (the header is line 1, row 1 is line 2)
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{shown}: {self.rule}"


def package(data_dir: Path = DATA_DIR) -> dict:
    """The parsed data package descriptor: a JSON object (DataError naming the file otherwise)."""
    path = data_dir / PACKAGE_FILE
    try:
        parsed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{_rel(path)}: the data package descriptor is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise DataError(f"{_rel(path)}: not valid UTF-8 JSON ({err})") from None
    if not isinstance(parsed, dict):
        raise DataError(f"{_rel(path)}: must be a JSON object with a list of 'resources'")
    return parsed


def resource(name: str, data_dir: Path = DATA_DIR) -> dict:
    """The descriptor of one table, by its resource name, checked (DataError listing its problems)."""
    where = _rel(data_dir / PACKAGE_FILE)
    resources = package(data_dir).get("resources")
    if not isinstance(resources, list):
        raise DataError(f"{where}: 'resources' must be a non-empty list")
    for res in resources:
        if isinstance(res, dict) and res.get("name") == name:
            problems = _check_resource(res, where)
            if problems:
                raise DataError("\n".join(str(p) for p in problems))
            return res
    known = ", ".join(str(r.get("name", "?")) for r in resources if isinstance(r, dict))
    raise DataError(f"{where}: no table named '{name}' (tables: {known})")


def load(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Validate the table `name` and return it as a typed DataFrame.

    Raises DataError listing every broken rule, one per line.
    """
    res = resource(name, data_dir)
    path = data_dir / res["path"]
    frame, problems = _read_and_check(res, path, bib.keys())
    if problems:
        raise DataError("\n".join(str(p) for p in problems))
    return frame


def validate_package(data_dir: Path = DATA_DIR) -> list[Problem]:
    """Every broken rule in the whole package: descriptor, files and source keys."""
    try:
        pkg = package(data_dir)
    except DataError as err:
        return [Problem(path=str(err).split(":")[0], rule=str(err).split(": ", 1)[1])]
    problems = _check_descriptor(pkg, data_dir)
    if problems:
        return problems
    try:
        keys = bib.keys()
    except bib.BibError as err:
        return [Problem(path="references.bib", rule=str(err))]
    for res in pkg["resources"]:
        _, found = _read_and_check(res, data_dir / res["path"], keys)
        problems.extend(found)
    listed = {res["path"] for res in pkg["resources"]}
    for csv_path in sorted(data_dir.glob("*.csv")):
        if csv_path.name not in listed:
            problems.append(Problem(_rel(csv_path), f"not described in {PACKAGE_FILE}"))
    return problems


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes: the checksum the data page prints."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- descriptor ---------------------------------------------------------------------------

_TYPES = {"string", "integer", "number", "boolean", "date", "year"}
# A text cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONSTRAINTS = {"required", "unique", "minimum", "maximum", "enum", "pattern"}


def _check_descriptor(pkg: dict, data_dir: Path) -> list[Problem]:
    where = _rel(data_dir / PACKAGE_FILE)
    resources = pkg.get("resources")
    if not isinstance(resources, list) or not resources:
        return [Problem(where, "'resources' must be a non-empty list")]
    problems = []
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for name in {str(n) for n in names if names.count(n) > 1}:
        problems.append(Problem(where, f"table name '{name}' is used twice"))
    for res in resources:
        problems += _check_resource(res, where)
    return problems


def _check_resource(res, where: str) -> list[Problem]:
    """What is wrong with one table's description: its names, texts and schema."""
    if not isinstance(res, dict):
        return [Problem(where, "every resource must be an object")]
    label = f"{where} (table '{res.get('name', '?')}')"
    problems = [Problem(label, f"missing '{key}'") for key in ("name", "path", "title", "description", "schema")
                if key not in res]
    if "name" in res and not (isinstance(res["name"], str) and re.fullmatch(r"[a-z0-9_]+", res["name"])):
        problems.append(Problem(label, "'name' must be lower-case letters, digits and '_'"))
    if "path" in res and not (isinstance(res["path"], str) and re.fullmatch(r"[a-z0-9_]+\.csv", res["path"])):
        problems.append(Problem(label, "'path' must be a file of the data folder: letters, digits, '_', '.csv'"))
    for key in ("title", "description"):
        if key in res and not isinstance(res[key], str):
            problems.append(Problem(label, f"'{key}' must be text"))
    schema = res.get("schema", {})
    if not isinstance(schema, dict) or not isinstance(schema.get("fields", []), list):
        return problems + [Problem(label, "'schema' must be an object with a list of 'fields'")]
    fields = schema.get("fields", [])
    if not all(isinstance(f, dict) and isinstance(f.get("name"), str) and f["name"] for f in fields):
        return problems + [Problem(label, "every field must be an object with a 'name'")]
    field_names = [f["name"] for f in fields]
    for name in {n for n in field_names if field_names.count(n) > 1}:
        problems.append(Problem(label, f"field '{name}' is described twice"))
    for required in PROVENANCE_FIELDS:
        if required not in field_names:
            problems.append(Problem(label, f"schema lacks the provenance field '{required}'"))
    for field in fields:
        problems += _check_field(field, label)
    keys = schema.get("primaryKey", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        problems.append(Problem(label, "'primaryKey' must be a list of field names"))
    else:
        problems += [Problem(label, f"primary key '{k}' is not a field") for k in keys if k not in field_names]
    return problems


def _check_field(field: dict, label: str) -> list[Problem]:
    name = field["name"]
    problems = []
    kind = field.get("type", "string")
    if not isinstance(kind, str) or kind not in _TYPES:
        problems.append(Problem(label, f"field '{name}' has unknown type {kind!r}"))
        kind = None
    if not isinstance(field.get("description"), str) or not field["description"]:
        problems.append(Problem(label, f"field '{name}' has no description"))
    for key in ("unit",):
        if key in field and not isinstance(field[key], str):
            problems.append(Problem(label, f"field '{name}': '{key}' must be text"))
    rules = field.get("constraints", {})
    if not isinstance(rules, dict):
        return problems + [Problem(label, f"field '{name}': 'constraints' must be an object")]
    unknown = set(rules) - _CONSTRAINTS
    if unknown:
        problems.append(Problem(label, f"field '{name}' has unknown constraints {sorted(unknown)}"))
    for key in ("required", "unique"):
        if key in rules and not isinstance(rules[key], bool):
            problems.append(Problem(label, f"field '{name}': '{key}' must be true or false"))
    for key in ("minimum", "maximum"):
        if key in rules and (isinstance(rules[key], bool) or not isinstance(rules[key], (int, float))
                             or not math.isfinite(rules[key]) or kind not in ("integer", "number", "year")):
            problems.append(Problem(label, f"field '{name}': '{key}' must be a finite number, on a number field"))
    allowed = {"string": (str,), "integer": (int,), "year": (int,), "number": (int, float)}.get(kind, ())
    if "enum" in rules and not (isinstance(rules["enum"], list) and rules["enum"] and all(
            isinstance(v, allowed) and not isinstance(v, bool) for v in rules["enum"])):
        problems.append(Problem(label, f"field '{name}': 'enum' must be a list of values of the field's type"))
    if "pattern" in rules:
        try:
            re.compile(rules["pattern"]) if isinstance(rules["pattern"], str) else None
        except re.error:
            problems.append(Problem(label, f"field '{name}': 'pattern' is not a regular expression"))
        if not isinstance(rules["pattern"], str):
            problems.append(Problem(label, f"field '{name}': 'pattern' must be text"))
    if "bibkeys" in field and not isinstance(field["bibkeys"], bool):
        problems.append(Problem(label, f"field '{name}': 'bibkeys' must be true or false"))
    return problems


# --- files ----------------------------------------------------------------------------------


def _read_and_check(res: dict, path: Path, bib_keys: frozenset[str]) -> tuple[pd.DataFrame, list[Problem]]:
    where = _rel(path)
    fields = res["schema"]["fields"]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return pd.DataFrame(), [Problem(where, "file is missing")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return pd.DataFrame(), [Problem(where, f"bytes are not UTF-8 (byte {raw[err.start]:#04x} "
                                                f"on line {line}); save the file as UTF-8")]
    if not text.strip():
        return pd.DataFrame(), [Problem(where, "file is empty: it needs a header line and rows")]
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    header, body = rows[0], [r for r in rows[1:] if r]
    expected = [f["name"] for f in fields]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    problems = [Problem(where, f"missing column '{c}' (the schema requires it)") for c in missing]
    problems += [Problem(where, f"unexpected column '{c}' (not in the schema)") for c in extra]
    if problems:
        return pd.DataFrame(), problems
    if not body:
        return pd.DataFrame(), [Problem(where, "no data rows under the header")]

    columns: dict[str, list] = {name: [] for name in expected}
    index = {name: header.index(name) for name in expected}
    for number, row in enumerate(body, start=1):
        if len(row) != len(header):
            problems.append(Problem(where, f"has {len(row)} cells where the header has "
                                           f"{len(header)}", row=number))
            continue
        for field in fields:
            cell = row[index[field["name"]]]
            value, rule = _parse(cell, field)
            if rule:
                problems.append(Problem(where, rule, number, field["name"], cell))
            columns[field["name"]].append(value)
    if problems:
        return pd.DataFrame(), problems

    problems += _check_rows(columns, res, where, bib_keys)
    frame = pd.DataFrame({f["name"]: pd.Series(columns[f["name"]], dtype=_DTYPES[f.get("type", "string")])
                          for f in fields})
    return frame, problems


_DTYPES = {"string": "string", "integer": "Int64", "year": "Int64", "number": "Float64",
           "boolean": "boolean", "date": "datetime64[ns]"}


def _parse(cell: str, field: dict) -> tuple[object, str | None]:
    """The typed value of one cell and the rule it breaks, if any."""
    kind = field.get("type", "string")
    rules = field.get("constraints", {})
    if cell.strip() == "":
        return (None, "a value is required") if rules.get("required") else (None, None)
    if cell != cell.strip():
        return None, "has leading or trailing spaces"
    if kind == "string" and cell[0] in FORMULA_STARTS:
        return None, (f"starts with '{cell[0]}', which a spreadsheet opening the book's downloads would "
                      "run as a formula; reword the text")
    try:
        value = _CONVERTERS[kind](cell)
    except ValueError:
        return None, f"is not of type {kind}"
    unit = f" ({field['unit']})" if field.get("unit") else ""
    if "minimum" in rules and value < rules["minimum"]:
        return None, f"is below the minimum {rules['minimum']}{unit}"
    if "maximum" in rules and value > rules["maximum"]:
        return None, f"is above the maximum {rules['maximum']}{unit}"
    if "enum" in rules and value not in rules["enum"]:
        return None, f"is not one of the allowed values {rules['enum']}"
    if "pattern" in rules and not re.fullmatch(rules["pattern"], cell):
        return None, f"does not match the pattern {rules['pattern']}"
    return value, None


def _to_number(cell: str) -> float:
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError(cell)
    return value


def _to_boolean(cell: str) -> bool:
    if cell in ("true", "false"):
        return cell == "true"
    raise ValueError(cell)


def _to_integer(cell: str) -> int:
    if not re.fullmatch(r"-?\d+", cell):
        raise ValueError(cell)
    return int(cell)


def _to_year(cell: str) -> int:
    if not re.fullmatch(r"\d{4}", cell):
        raise ValueError(cell)
    return int(cell)


def _to_date(cell: str) -> pd.Timestamp:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        raise ValueError(cell)
    return pd.Timestamp(cell)


_CONVERTERS = {"string": str, "integer": _to_integer, "number": _to_number, "boolean": _to_boolean,
               "date": _to_date, "year": _to_year}


def _check_rows(columns: dict[str, list], res: dict, where: str, bib_keys: frozenset[str]) -> list[Problem]:
    """Rules across cells: unique keys, known source keys, secondary evidence names its copy."""
    problems = []
    schema = res["schema"]
    n_rows = len(columns["source"])
    keys = schema.get("primaryKey", [])
    unique_sets = [keys] if keys else []
    unique_sets += [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    for names in unique_sets:
        seen: dict[tuple, int] = {}
        for i in range(n_rows):
            value = tuple(columns[n][i] for n in names)
            if value in seen:
                problems.append(Problem(where, f"duplicates row {seen[value]} on the key "
                                               f"({', '.join(names)})", i + 1, ", ".join(names),
                                        ", ".join(map(str, value))))
            else:
                seen[value] = i + 1
    key_lists = [f["name"] for f in schema["fields"] if f.get("bibkeys")]
    for i in range(n_rows):
        for column in ("source", "via"):
            key = columns[column][i]
            if key is not None and key not in bib_keys:
                problems.append(Problem(where, "is not a key of references.bib", i + 1, column, key))
        for column in key_lists:
            for key in (columns[column][i] or "").split(";") if columns[column][i] else ():
                if key.strip() not in bib_keys:
                    problems.append(Problem(where, f"'{key.strip()}' is not a key of references.bib",
                                            i + 1, column, columns[column][i]))
        evidence, via = columns["evidence"][i], columns["via"][i]
        if evidence == "secondary" and via is None:
            problems.append(Problem(where, "secondary evidence must name the copy read in 'via'",
                                    i + 1, "via"))
        if evidence in ("primary", "assessment") and via is not None:
            problems.append(Problem(where, f"{evidence} evidence cannot have a 'via' copy", i + 1, "via", via))
    return problems


def _rel(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def main() -> int:
    """Validate the whole package; print one line per broken rule; exit 1 if any."""
    problems = validate_package()
    if problems:
        print(f"The data package is invalid ({len(problems)} problem(s)):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    n = len(package()["resources"])
    print(f"data package valid: {n} tables, every row sourced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
