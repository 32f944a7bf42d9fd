"""How many micro-workers? The arithmetic behind the French estimate and its readings.

Pure functions over the data tables: the nested circles of the DiPLab estimate, their share
of the labour force, the estimate as a function of its two assumptions (multi-homing and the
share of registered people active in a month) and growth arithmetic.
"""

from __future__ import annotations

import math

import pandas as pd

from analyses.shares import percent

CIRCLES = ("casual", "routine", "very_active")  # outermost first
CIRCLE_LABELS = {"casual": "Registered on a platform (casual)", "routine": "Present at least monthly (routine)",
                 "very_active": "Present most weeks (very active)"}


class NestingError(ValueError):
    """The circles are not nested: an inner circle is larger than the one around it."""


def circles(estimate: pd.DataFrame) -> pd.DataFrame:
    """The three circles, outermost first, with what each ring alone holds.

    `persons` is the whole circle (it contains the circles inside it); `ring_only` is the
    part of the circle outside the next inner one; `share_of_outer` is the circle as a share
    of the outermost one. Raises NestingError if a circle is larger than the one around it.
    """
    rows = estimate.set_index("measure").loc[list(CIRCLES)]
    persons = rows["persons"].astype("int64").to_numpy()
    for outer, inner, name in zip(persons[:-1], persons[1:], CIRCLES[1:]):
        if inner > outer:
            raise NestingError(f"circle '{name}' ({inner}) is larger than the circle around it ({outer})")
    inner_next = list(persons[1:]) + [0]
    return pd.DataFrame({
        "circle": list(CIRCLES),
        "label": [CIRCLE_LABELS[c] for c in CIRCLES],
        "persons": persons,
        "ring_only": persons - inner_next,
        "share_of_outer_pct": 100 * persons / persons[0],
        "source": rows["source"].to_numpy(),
        "via": rows["via"].to_numpy(),
    })


def mistaken_total(circle_table: pd.DataFrame) -> int:
    """What adding the nested circles gives: people in the inner circles counted two or three times."""
    return int(circle_table["persons"].sum())


def double_counted(circle_table: pd.DataFrame) -> int:
    """How many people the sum of the circles counts more than once (sum minus outer circle)."""
    return mistaken_total(circle_table) - int(circle_table["persons"].iloc[0])


def labour_force_share_pct(persons: float, labour_force_thousands: float) -> float:
    """Persons as a percentage of the labour force given in thousands."""
    return percent(persons, labour_force_thousands * 1000)


def labour_force(table: pd.DataFrame, year: int, sex: str = "all") -> int:
    """The labour force of one year, in thousands; KeyError naming the year if absent."""
    rows = table[(table["year"] == year) & (table["sex"] == sex)]
    if rows.empty:
        years = sorted(int(y) for y in table["year"].unique())
        raise KeyError(f"no labour force for {year} ({sex}); years available: {years}")
    return int(rows["persons_thousands"].iloc[0])


def implied_gross_registrations(deduplicated: float, multihoming: float) -> float:
    """Registrations before the multi-homing correction, if `deduplicated` is the corrected count."""
    return deduplicated * multihoming


def registered_persons(gross_registrations: float, multihoming: float) -> float:
    """People behind a number of registrations: each person holds `multihoming` accounts on average."""
    if multihoming < 1:
        raise ValueError("a multi-homing coefficient below 1 would mean fewer accounts than people")
    return gross_registrations / multihoming


def monthly_active(persons: float, active_share: float) -> float:
    """People active at least once a month, as a share (0-1) of the registered persons."""
    if not 0 <= active_share <= 1:
        raise ValueError("the active share is a proportion between 0 and 1")
    return persons * active_share


def sensitivity(gross_registrations: float, multihoming_values, active_shares) -> pd.DataFrame:
    """The estimate on a grid of assumptions: registered persons and monthly actives."""
    rows = []
    for multihoming in multihoming_values:
        persons = registered_persons(gross_registrations, multihoming)
        for share in active_shares:
            rows.append({"multihoming": multihoming, "active_share": share,
                         "registered_persons": persons, "monthly_active": monthly_active(persons, share)})
    return pd.DataFrame(rows)


def annualised_pct(growth_pct: float, months: float) -> float:
    """Compound annual rate of a growth observed over `months` months."""
    if months <= 0:
        raise ValueError("the window must last some months")
    return 100 * ((1 + growth_pct / 100) ** (12 / months) - 1)


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole months from the start month to the end month (May to September is four)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def growth_multiples(rates_pct: dict[str, float], years: int) -> pd.DataFrame:
    """What compounding each annual rate does to any starting count, year by year: arithmetic on
    the stated rates, not a forecast. `multiple` is 1 at year 0."""
    if years < 0:
        raise ValueError("the number of years must not be negative")
    return pd.DataFrame([{"scenario": name, "rate_pct": rate, "years": t, "multiple": (1 + rate / 100) ** t}
                         for name, rate in rates_pct.items() for t in range(years + 1)])


def doubling_time_years(rate_pct: float) -> float:
    """Years for a quantity growing at `rate_pct` a year to double."""
    if rate_pct <= 0:
        raise ValueError("only a positive rate doubles")
    return math.log(2) / math.log(1 + rate_pct / 100)


