"""The book's data package as one download: `_static/paid-by-the-click-data.zip`.

It holds, in one folder, `datapackage.json` and every table it describes, `references.bib` (the
keys every row's `source` names), the licences and a README that says what each table is. The
archive is the same to the byte for the same data and edition: entries in a fixed order, each
dated by the edition, with fixed permissions. `make test` opens it and validates it twice, with
the book's own checks (analyses.data) and with the Frictionless reference validator
(tests/test_data_zip.py).
"""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

ZIP_NAME = "paid-by-the-click-data.zip"
FOLDER = "paid-by-the-click-data"  # the folder the archive unpacks into
ROOT = Path(__file__).resolve().parent.parent


def readme(package: dict, day: datetime.date, commit: str) -> str:
    """What the archive is, how to cite it, and each table with its title and description."""
    tables = "\n".join(f"- `{res['path']}`: {res.get('title', res['name'])}. {res.get('description', '')}".rstrip()
                       for res in package["resources"])
    return f"""# {package.get('title', package['name'])}

{package.get('description', '')}

This is the data of *Paid by the click: online micro-work in data*, edition of {day.isoformat()}
(commit {commit}). `datapackage.json` describes every table with a Frictionless Table Schema: the
type, unit and meaning of each column, and the rules its values keep. Every row names its source
by a key of `references.bib`, with where the figure stands in it.

## Tables

{tables}

## Licence and citation

The data are under the Creative Commons Attribution 4.0 licence (CC BY 4.0): share and adapt them
for any purpose, crediting the book (see `LICENSE.md` and the book's "How to cite" page). Figures
quoted from other works remain their authors': cite those works too, as each row indicates.
"""


def members(root: Path, day: datetime.date, commit: str) -> list[tuple[str, bytes]]:
    """The archive's files, in order, each with its bytes."""
    data = root / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    files = [("README.md", readme(package, day, commit).encode("utf-8")),
             ("datapackage.json", (data / "datapackage.json").read_bytes())]
    files += [(res["path"], (data / res["path"]).read_bytes()) for res in package["resources"]]
    files += [("references.bib", (root / "references.bib").read_bytes()),
              ("LICENSE.md", (root / "LICENSE.md").read_bytes())]
    return files


def write(target: Path, root: Path = ROOT, day: datetime.date | None = None, commit: str | None = None) -> Path:
    """Write the archive at `target` (replacing it whole) and return its path."""
    if day is None or commit is None:
        from pipeline import edition

        current = edition.current(root)
        day, commit = day or current.date, commit or current.commit
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members(root, day, commit):
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    partial.replace(target)
    return target
