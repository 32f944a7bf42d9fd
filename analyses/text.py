"""Putting computed numbers into the prose: glue with plain Python values."""

from __future__ import annotations

import numbers
import re

import pandas as pd

from myst_nb import glue as _myst_glue


def plain(value):
    """A NumPy or pandas scalar as the Python int or float it stands for.

    The prose formats glued values from their text form; NumPy 2 writes `np.float64(2.5)`,
    which a format spec cannot read.
    """
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return value
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def glue(name: str, value) -> None:
    """Record `value` under `name` for `{glue:text}` in the prose, without displaying it."""
    _myst_glue(name, plain(value), display=False)


# --- Counts in words: the grammar of zero, one and all ------------------------------------------

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(n: int) -> str:
    """A count as prose writes it: words from zero to nine, figures (with separators) above."""
    n = int(n)
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'no rows', 'one row', 'three rows', '27 rows'."""
    n = int(n)
    noun = singular if n == 1 else (plural or f"{singular}s")
    return f"no {noun}" if n == 0 else f"{number(n)} {noun}"


def of_total(n: int, total: int, plural: str) -> str:
    """n of a total, in words a reader expects: 'none of the three workers', 'one of the eight
    household types', 'both workers', 'all eight household types', '5 of the 27 tables'."""
    n, total = int(n), int(total)
    if not 0 <= n <= total:
        raise ValueError(f"{n} is not a part of {total}")
    if n == total:
        return f"both {plural}" if total == 2 else (f"the {plural}" if total == 1 else f"all {number(total)} {plural}")
    part = "none" if n == 0 else number(n)
    return f"{part} of the {number(total)} {plural}"


def capitalised(text: str) -> str:
    """The text with its first letter upper case, for a phrase that opens a sentence."""
    return text[:1].upper() + text[1:]


def joined(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(item) for item in items]
    if not items:
        raise ValueError("nothing to join")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def of_them(n: int, total: int, singular_verb: str, plural_verb: str) -> str:
    """'none of them applies', 'one of them applies', 'seven of them apply', 'all of them apply'."""
    n, total = int(n), int(total)
    if not 0 <= n <= total:
        raise ValueError(f"{n} is not a part of {total}")
    if n == total and total > 1:
        return f"{'both' if total == 2 else 'all'} of them {plural_verb}"
    who = "none" if n == 0 else number(n)
    return f"{who} of them {singular_verb if n <= 1 else plural_verb}"


# --- Data is text: strings from data files go into pages as text, never as markup -------------

CITATION_KEY = re.compile(r"[a-z0-9_]+")


class Trusted(str):
    """MyST the book's own code wrote (a citation, a cross-reference): inserted as it is."""


def myst_literal(value) -> str:
    """A string from a data table as MyST that shows it as it is: every character MyST or HTML
    could read as markup (roles, directives, links, raw HTML, emphasis, glue) escaped."""
    return re.sub(r"([\\`*_{}\[\]()<>#|~$!:&=+-])", r"\\\1", str(value))


def myst(template: str, **values) -> str:
    """The book's own MyST `template` with each value put in as plain text (myst_literal), except
    the values the book itself wrote (Trusted): the one way data text enters a page as Markdown."""
    return template.format(**{key: value if isinstance(value, Trusted) else myst_literal(value)
                              for key, value in values.items()})


def code(value) -> Trusted:
    """A value (a file name) in a code span: MyST reads nothing inside one but a backtick."""
    if "`" in str(value) or "\n" in str(value):
        raise ValueError(f"cannot be set as code: {value!r}")
    return Trusted(f"`{value}`")


def cite_as_read(source: str, via) -> Trusted:
    """The citation of a source, and of the copy it was read in when a data row names one."""
    return cite(source if pd.isna(via) or via == "" else f"{source};{via}")


def cite(keys, kind: str = "p") -> Trusted:
    """A citation role for one key or several (separated by ';' or ','), refusing anything that is
    not a citation key, so a data cell cannot smuggle markup in through its sources."""
    names = [k.strip() for k in re.split(r"[;,]", keys) if k.strip()] if isinstance(keys, str) else list(keys)
    bad = [k for k in names if not CITATION_KEY.fullmatch(k)]
    if bad or not names:
        raise ValueError(f"not citation keys: {bad or keys!r}")
    return Trusted(", ".join(f"{{cite:{kind}}}`{k}`" for k in names))
