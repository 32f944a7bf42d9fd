"""The book's edition, read from its repository rather than typed.

- `current()`: the edition the book is built from: the date of the commit checked out, its short
  hash, and whether the files differ from it (an author's working copy).
- `first_published()`: for each correction in data/errata.csv, the date of the commit that
  added its row: the first edition that carries the correction.

Both need the repository's history: a copy without it (no git, no .git) stops the build with an
EditionError saying so. A shallow clone knows only its last commits, so corrections older than
them would be dated too late: .ci/run fetches the whole history first.
"""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERRATA = Path("data") / "errata.csv"


class EditionError(RuntimeError):
    """The edition cannot be read from the repository."""


@dataclass(frozen=True)
class Edition:
    date: datetime.date
    commit: str
    modified: bool

    def fingerprint(self) -> str:
        """What an HTML build depends on: pages show the edition, so a new commit rebuilds them."""
        return f"{self.commit}{'+modified' if self.modified else ''}"


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise EditionError("the edition date is read from the repository's history, and git is not "
                           "installed") from None
    if result.returncode != 0:
        raise EditionError(f"the edition date is read from the repository's history: build from a git "
                           f"clone of the book (git {args[0]}: {result.stderr.strip()})")
    return result.stdout


def current(root: Path = ROOT) -> Edition:
    """The edition of the checked-out commit."""
    commit, day = _git(root, "log", "-1", "--format=%h %cs").split()
    changed = _git(root, "status", "--porcelain", "--untracked-files=no").strip()
    return Edition(datetime.date.fromisoformat(day), commit, bool(changed))


def first_published(root: Path = ROOT, path: Path = ERRATA) -> dict[str, datetime.date]:
    """For each row id of a CSV file, the date of the first commit in which the row appears."""
    log = _git(root, "log", "--reverse", "--format=commit %cs", "--unified=0", "--", path.as_posix())
    dates: dict[str, datetime.date] = {}
    day = None
    for line in log.splitlines():
        if line.startswith("commit "):
            day = datetime.date.fromisoformat(line.split()[1])
        elif line.startswith("+") and not line.startswith("+++") and day is not None:
            row = next(csv.reader(io.StringIO(line[1:])), [])
            if row:
                dates.setdefault(row[0], day)
    dates.pop(next(csv.reader(io.StringIO((root / path).read_text(encoding="utf-8"))), [""])[0], None)  # the header
    return dates


def long_date(day: datetime.date) -> str:
    """1 December 2026."""
    return f"{day.day} {day:%B %Y}"
