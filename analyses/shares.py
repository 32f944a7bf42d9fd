"""Percentages, computed in one place so that every chapter divides the same way."""

from __future__ import annotations


def percent(part: float, whole: float) -> float:
    """`part` as a percentage of `whole`: active profiles among registered ones, pay as a share of
    a minimum wage, full-time equivalents per person. The whole must be positive."""
    if whole <= 0:
        raise ValueError(f"a percentage needs a positive whole, not {whole}")
    return 100 * part / whole
