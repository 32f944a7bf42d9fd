"""What 2019 knew and what has been published since: the vocabulary of the "Since 2019" sections.

A figure belongs to what 2019 knew when the work it comes from was published in 2019 or before,
by the year references.bib gives it; later works are "published since 2019". The dispatch the book
checks is of June 2019, so the line falls at the end of that year. Dated searches for what is not
known (data/status_checks.csv) are read here too, so that every "as of" in the prose comes from
the row that records the search.
"""

from __future__ import annotations

import datetime

import altair as alt
import pandas as pd

from analyses import bib, text

DISPATCH_YEAR = 2019
PERIODS = ("Known in 2019", "Published since 2019")


def published_year(source: str) -> int:
    """The year of publication of a work of the bibliography."""
    return int(bib.base_year(bib.entries()[source]))


def period(source: str) -> str:
    """Whether a work was known when the dispatch was written or published since."""
    return PERIODS[0] if published_year(source) <= DISPATCH_YEAR else PERIODS[1]


def with_period(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with a `period` column from each row's source."""
    return rows.assign(period=[period(s) for s in rows["source"]])


def long_date(day) -> str:
    """'1 December 2026', as the prose writes a date."""
    day = pd.Timestamp(day).date() if not isinstance(day, datetime.date) else day
    return f"{day.day} {day:%B %Y}"


def check(checks: pd.DataFrame, check_id: str) -> pd.Series:
    """One dated search, by its identifier; KeyError naming it if the table has no such row."""
    rows = checks.set_index("check_id")
    if check_id not in rows.index:
        raise KeyError(f"data/status_checks.csv has no check '{check_id}'")
    return rows.loc[check_id]


def not_found_sentence(row: pd.Series) -> text.Trusted:
    """The finding of a search, dated: 'As of 1 December 2026, ...' with its source cited."""
    return text.Trusted(text.myst(
        "As of {date}, the date of the book's last search: {finding} {cites}", date=long_date(row["as_of"]),
        finding=row["finding"], cites=text.cite_as_read(row["source"], row["via"])))


def days_between(earlier, later) -> int:
    """Whole days from one date to another (negative when `later` comes first)."""
    return (pd.Timestamp(later).normalize() - pd.Timestamp(earlier).normalize()).days


def period_fill(colour: alt.Color) -> alt.ConditionalValueDefstringnullExprRef:
    """Marks filled in their colour for works published since 2019, open for what 2019 knew: the
    one convention of every "then and now" chart."""
    return alt.condition(f"datum.period == '{PERIODS[1]}'", colour, alt.value("transparent"))
