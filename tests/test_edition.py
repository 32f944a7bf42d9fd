"""The edition and the dates of corrections, read from a repository's history."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

import pytest

from analyses import data
from pipeline import edition
from tests.conftest import ROOT, toc_entries


def _commit(repo: Path, day: str, message: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    env = dict(os.environ, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp, GIT_AUTHOR_NAME="a",
               GIT_AUTHOR_EMAIL="a@b", GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@b")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, check=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "data").mkdir()
    errata = tmp_path / "data" / "errata.csv"
    errata.write_text("erratum_id,why\nfirst,a reason\n", encoding="utf-8")
    _commit(tmp_path, "2026-03-01", "first correction")
    errata.write_text("erratum_id,why\nfirst,a reason reworded\nsecond,\"another, with a comma\"\n",
                      encoding="utf-8")
    _commit(tmp_path, "2026-05-02", "second correction, first reworded")
    return tmp_path


def test_each_correction_dates_from_the_commit_that_added_it(repo):
    """Rewording a row later does not move it to a later edition."""
    assert edition.first_published(repo) == {"first": datetime.date(2026, 3, 1),
                                             "second": datetime.date(2026, 5, 2)}


def test_the_edition_is_the_commit_checked_out(repo):
    this = edition.current(repo)
    assert this.date == datetime.date(2026, 5, 2) and not this.modified
    (repo / "data" / "errata.csv").write_text("erratum_id,why\n", encoding="utf-8")
    assert edition.current(repo).modified
    assert edition.current(repo).fingerprint().endswith("+modified")


def test_a_copy_without_history_stops_the_build_saying_why(tmp_path):
    with pytest.raises(edition.EditionError, match="git clone"):
        edition.current(tmp_path)


def test_every_correction_names_a_page_of_the_book():
    pages = set(toc_entries())
    assert set(data.load("errata")["page"]) - pages == set()
