"""Counts in words: the grammar of zero, one and all that sentences built from counts need."""

from __future__ import annotations

import pytest

from analyses import text


def test_numbers_below_ten_are_words():
    assert [text.number(n) for n in (0, 1, 9, 10, 1234)] == ["zero", "one", "nine", "10", "1,234"]


def test_count_agrees_with_its_noun():
    assert text.count(0, "row") == "no rows"
    assert text.count(1, "row") == "one row"
    assert text.count(3, "score") == "three scores"
    assert text.count(27, "table") == "27 tables"
    assert text.count(2, "child", "children") == "two children"


def test_part_of_a_whole():
    assert text.of_total(0, 3, "workers") == "none of the three workers"
    assert text.of_total(1, 8, "household types") == "one of the eight household types"
    assert text.of_total(8, 8, "household types") == "all eight household types"
    assert text.of_total(2, 2, "workers") == "both workers"
    assert text.of_total(5, 27, "tables") == "five of the 27 tables"
    with pytest.raises(ValueError):
        text.of_total(4, 3, "workers")


def test_part_of_them_with_its_verb():
    assert text.of_them(0, 6, "applies", "apply") == "none of them applies"
    assert text.of_them(1, 6, "applies", "apply") == "one of them applies"
    assert text.of_them(7, 16, "applies", "apply") == "seven of them apply"
    assert text.of_them(16, 16, "applies", "apply") == "all of them apply"


def test_lists_and_sentence_openings():
    assert text.joined(["a"]) == "a"
    assert text.joined(["a", "b", "c"]) == "a, b and c"
    assert text.capitalised("none of them") == "None of them"
