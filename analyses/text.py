"""Putting computed numbers into the prose: glue with plain Python values."""

from __future__ import annotations

import numbers

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
