"""Which files of the book a chapter's kernel opens, recorded by an audit hook as it runs.

The build sets `BOOK_READS_LOG` to a file (and `BOOK_READS_ROOT` to the book's folder) before a
chapter runs; the kernel calls `install()` before the first cell (pipeline.kernels passes it in
the kernel's command). From then on every file inside the book that the kernel opens, with
Python's `open`, `io.open_code` or `os.open`, is written once to the log: data tables, the
descriptor, the bibliography, the book's own modules (a cached `.pyc` stands for its source),
anything a cell opens. Folders that hold no input (`_build`, `.venv`, `.git`, ...) are left out.
The chapter's fingerprint (pipeline.notebooks) covers exactly these files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOG_ENV = "BOOK_READS_LOG"
ROOT_ENV = "BOOK_READS_ROOT"
ROOT = Path(__file__).resolve().parent.parent
NOT_INPUTS = {"_build", ".venv", ".git", "node_modules", ".pytest_cache", ".ipynb_checkpoints"}


def book_path(path, root: str) -> str | None:
    """The path relative to the book's root, for a file that can be an input; None otherwise."""
    try:
        name = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError):
        return None
    if not name.startswith(root + os.sep):
        return None
    parts = name[len(root) + 1:].split(os.sep)
    if parts[0] in NOT_INPUTS or parts[0].endswith(".egg-info"):
        return None
    if len(parts) > 1 and parts[-2] == "__pycache__" and parts[-1].endswith(".pyc"):
        parts = [*parts[:-2], parts[-1].split(".")[0] + ".py"]  # analyses/__pycache__/x.cpython-311.pyc
    return "/".join(parts)


def install(log: str | None = None, root: str | None = None) -> None:
    """Record, from now on, every book file this process opens (no-op without a log to write)."""
    log = log or os.environ.get(LOG_ENV)
    if not log:
        return
    root = os.path.abspath(root or os.environ.get(ROOT_ENV) or ROOT)
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    seen: set[str] = set()
    busy = False

    def hook(event: str, args: tuple) -> None:
        nonlocal busy
        if event != "open" or busy or isinstance(args[0], int):
            return
        busy = True  # what the hook itself does must not call it again
        try:
            relative = book_path(args[0], root)
            if relative is not None and relative not in seen:
                seen.add(relative)
                os.write(descriptor, (relative + "\n").encode("utf-8"))
        finally:
            busy = False

    sys.addaudithook(hook)


def read_log(log: Path) -> list[str]:
    """The files a run recorded, sorted, each once."""
    return sorted({line for line in log.read_text(encoding="utf-8").splitlines() if line})
