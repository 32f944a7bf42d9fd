"""Who clicks? Women's shares with their denominators, and the working day with micro-work added.

Pure functions over the data tables: shares and gaps stated against what they are shares
of, and a simple additive model of the day, work (paid work with study and training, as
Insee groups them) + domestic work + micro-work, by household type and sex, on the Insee
time-use survey.
"""

from __future__ import annotations

import re

import pandas as pd

ACTIVITIES = ("work_study", "domestic_total", "microwork")
ACTIVITY_LABELS = {"work_study": "Work, study, training", "domestic_total": "Domestic work",
                   "microwork": "Micro-work (scenario)"}
_HOURS_MINUTES = re.compile(r"(\d{1,2})h(\d{2})")


def minutes(hours_minutes: str) -> int:
    """'7h14' (as Insee prints durations) in minutes: 434."""
    match = _HOURS_MINUTES.fullmatch(hours_minutes.strip())
    if not match:
        raise ValueError(f"not a duration written as 'XhMM': {hours_minutes!r}")
    hours, mins = int(match.group(1)), int(match.group(2))
    if mins >= 60:
        raise ValueError(f"minutes must be below 60: {hours_minutes!r}")
    return 60 * hours + mins


def hours_minutes(total_minutes: float) -> str:
    """Minutes as an English reader reads a duration, to the minute: 434 -> '7 h 14 min', 43 -> '43 min'."""
    rounded = int(round(total_minutes))
    sign = "minus " if rounded < 0 else ""
    hours, mins = divmod(abs(rounded), 60)
    if not hours:
        return f"{sign}{mins} min"
    return f"{sign}{hours} h" + (f" {mins} min" if mins else "")


DAYS_PER_WEEK = 7


def daily_minutes(hours_per_week: float) -> float:
    """Weekly hours as minutes per average day, the unit of the time-use survey (all days count)."""
    return 60 * hours_per_week / DAYS_PER_WEEK


def gap_points(share: float, benchmark: float) -> float:
    """Difference in percentage points between a share and its benchmark."""
    return share - benchmark


def representation_ratio(share: float, benchmark: float) -> float:
    """How many times more present a group is than in the benchmark (1 = as present)."""
    return share / benchmark


def time_use_minutes(time_use: pd.DataFrame) -> pd.DataFrame:
    """The time-use table with a `minutes` column parsed from the printed durations."""
    return time_use.assign(minutes=time_use["time_per_day"].map(minutes))


def workday(time_use: pd.DataFrame, microwork_minutes: float, microwork_for=("women", "men"),
            household_types=None) -> pd.DataFrame:
    """Work (with study), domestic and micro-work minutes per average day, by household and sex.

    `microwork_minutes` a day are added for the sexes in `microwork_for` (a scenario: the
    time-use survey predates the platforms and does not measure micro-work).
    """
    if microwork_minutes < 0:
        raise ValueError("micro-work minutes cannot be negative")
    parsed = time_use_minutes(time_use)
    if household_types is not None:
        unknown = set(household_types) - set(parsed["household_type"])
        if unknown:
            raise KeyError(f"household types not in the time-use table: {sorted(unknown)}")
        parsed = parsed[parsed["household_type"].isin(household_types)]
    wide = parsed.pivot_table(index=["household_type", "sex"], columns="activity", values="minutes",
                              aggfunc="first", sort=False)
    missing = {"work_study", "domestic_total"} - set(wide.columns)
    if missing:
        raise KeyError(f"the time-use table lacks {sorted(missing)}")
    wide = wide[["work_study", "domestic_total"]].reset_index()
    wide.columns.name = None
    wide["microwork"] = [microwork_minutes if sex in microwork_for else 0 for sex in wide["sex"]]
    wide["total"] = wide["work_study"] + wide["domestic_total"] + wide["microwork"]
    return wide


def long_workday(day: pd.DataFrame) -> pd.DataFrame:
    """The workday table with one row per activity, for stacked charts."""
    long = day.melt(id_vars=["household_type", "sex"], value_vars=list(ACTIVITIES),
                    var_name="activity", value_name="minutes")
    long["activity_label"] = long["activity"].map(ACTIVITY_LABELS)
    return long


def total_gap(day: pd.DataFrame) -> pd.DataFrame:
    """Women's total working time minus men's, by household type, in minutes.

    Household types where the survey publishes only one sex (single parents) are left out.
    """
    totals = day.pivot_table(index="household_type", columns="sex", values="total", sort=False).dropna()
    return pd.DataFrame({"household_type": totals.index,
                         "women": totals["women"].to_numpy(), "men": totals["men"].to_numpy(),
                         "gap_minutes": (totals["women"] - totals["men"]).to_numpy()})


def domestic_share_pct(day: pd.DataFrame, sex: str) -> pd.Series:
    """Share of domestic work in the total working time of one sex, by household type."""
    rows = day[day["sex"] == sex].set_index("household_type")
    return 100 * rows["domestic_total"] / rows["total"]
