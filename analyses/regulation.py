"""What could regulation do? The levy scenario, built on the workforce and pay arithmetic.

A levy collected by platforms on micro-work payments in France, the way they take their
commission: its yield depends on how many people are paid (analyses.workforce), how much they
are paid and the rate. Every result is a scenario with stated assumptions.
"""

from __future__ import annotations

import pandas as pd

from analyses import since, text, workforce

MONTHS_PER_YEAR = 12


def full_time_hours_per_month(monthly_minimum: float, hourly_minimum: float) -> float:
    """Hours in a full-time month, read off the minimum wage: monthly amount over hourly rate."""
    return monthly_minimum / hourly_minimum


def payments_from_headcount(persons: float, monthly_income: float) -> float:
    """Annual micro-work payments if `persons` each earn `monthly_income` a month."""
    return persons * monthly_income * MONTHS_PER_YEAR


def payments_from_full_time(full_time_equivalents: float, hourly: float, hours_per_month: float) -> float:
    """Annual payments for a number of full-time jobs paid `hourly` for `hours_per_month`."""
    return full_time_equivalents * hourly * hours_per_month * MONTHS_PER_YEAR


def levy(payments: float, rate: float) -> float:
    """Yield of a levy at `rate` (0-1) on annual payments."""
    if not 0 <= rate < 1:
        raise ValueError("the levy rate is a proportion between 0 and 1")
    return payments * rate


def levy_scenarios(headcounts: dict[str, float], monthly_income: float, full_time: float,
                   hourly_rates: dict[str, float], hours_per_month: float, rate: float) -> pd.DataFrame:
    """One row per scenario: who is paid, how, the annual payments, the levy and its yield per person.

    Headcount scenarios pay every counted person the average monthly income; full-time
    scenarios pay the full-time equivalents at an hourly rate. Per-person yields divide by the
    people counted in each scenario (for full-time scenarios, the full-time equivalents).
    """
    rows = [{"scenario": name, "basis": "headcount", "persons": persons,
             "payments": payments_from_headcount(persons, monthly_income)}
            for name, persons in headcounts.items()]
    rows += [{"scenario": name, "basis": "full_time", "persons": full_time,
              "payments": payments_from_full_time(full_time, hourly, hours_per_month)}
             for name, hourly in hourly_rates.items()]
    frame = pd.DataFrame(rows)
    frame["levy"] = [levy(paid, rate) for paid in frame["payments"]]
    frame["levy_per_person"] = frame["levy"] / frame["persons"]
    return frame


def headcount_scenarios(estimate: pd.DataFrame, critics_total: float, labels: dict[str, str]) -> dict[str, float]:
    """The workforce scenarios of the levy: the three DiPLab circles and the critics' total."""
    persons = workforce.circles(estimate).set_index("circle")["persons"]
    scenarios = {labels[circle]: float(persons[circle]) for circle in workforce.CIRCLES}
    scenarios[labels["critics_total"]] = float(critics_total)
    return scenarios


def years_to_earn(target: float, annual_income: float) -> float:
    """Years of income needed to accumulate `target` (e.g. the earnings that validate a right)."""
    if annual_income <= 0:
        raise ValueError("the income must be positive")
    return target / annual_income


def top_scores(scores: pd.DataFrame, series: str = "cloudwork") -> pd.DataFrame:
    """The platforms with the highest Fairwork score of each rating year in one series, year by year."""
    rows = scores[scores["series"] == series]
    best = rows.groupby("year")["score"].transform("max")
    return rows[rows["score"] == best].sort_values(["year", "platform"]).reset_index(drop=True)


RIGHTS_PARTS = {"today": "What applies today", "contacts": "Whom to turn to",
                "changes": "What changes when the new texts apply"}


def rights_box(rights: pd.DataFrame, checks: pd.DataFrame, check_ids: dict[str, list[str]]) -> tuple[str, str]:
    """The box for micro-workers: its date (the latest reading or search it rests on) and its
    MyST, each part's statements with their sources, then what the dated searches of
    `check_ids[part]` could not find (a search of another date than the box's says its own)."""
    searches = {part: [since.check(checks, check_id) for check_id in ids] for part, ids in check_ids.items()}
    day = max([pd.Timestamp(d) for d in rights["read_on"]]
              + [pd.Timestamp(row["as_of"]) for rows in searches.values() for row in rows])
    blocks = []
    for part, heading in RIGHTS_PARTS.items():
        rows = rights[rights["part"] == part]
        if rows.empty:
            raise ValueError(f"data/worker_rights.csv has no statement for the part '{part}'")
        items = [text.myst("- {statement} {cites}", statement=row.statement, cites=text.cite_as_read(row.source, row.via))
                 for row in rows.itertuples()]
        for row in searches.get(part, []):
            found = (since.not_found_sentence(row) if pd.Timestamp(row["as_of"]) != day else
                     text.Trusted(text.myst("{finding} {cites}", finding=row["finding"],
                                            cites=text.cite_as_read(row["source"], row["via"]))))
            items.append(text.myst("- {found}", found=found))
        blocks.append(f"**{heading}**\n\n" + "\n".join(items))
    return since.long_date(day), "\n\n".join(blocks)
