"""Paid by the click: hourly pay with unpaid time, poverty thresholds by household, testimonies.

Pure functions: the unpaid share of working time, currency conversion,
consumption units on the modified OECD scale as Insee uses it, poverty thresholds for a
household, income from stated pay and hours (before and after micro-entrepreneur
contributions), hours needed to reach a threshold, and income distributions consistent with a
published mean and a published share below a bound.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pandas as pd

WEEKS_PER_MONTH = 52 / 12  # weeks in an average month
OFFICIAL_SHARE_OF_MEDIAN = 0.6  # Insee's poverty line: 60 % of the median living standard
HOURS_PER_WEEK = 24 * 7  # every hour of a week: the ceiling of any weekly schedule


# --- hourly pay ------------------------------------------------------------------------------


def unpaid_share(paid_time_rate: float, all_time_rate: float) -> float:
    """Share of working time that is unpaid, implied by two hourly rates of the same earnings.

    If pay per paid hour is 4 and pay per hour of all time is 3, a quarter of the time is unpaid.
    """
    if not 0 < all_time_rate <= paid_time_rate:
        raise ValueError("the rate over all time must be positive and not above the paid-time rate")
    return 1 - all_time_rate / paid_time_rate


def press_usd_per_eur(hourly_pay: pd.DataFrame) -> float:
    """Dollars per euro implied by the press conversion of the ILO's paid-time rate (hourly_pay table).

    The book uses it where no official annual rate could be read, labelled as such.
    """
    by_study = hourly_pay.set_index("study")["hourly"]
    return by_study["ilo2018_paid"] / by_study["ilo2018_paid_eur"]


def usd_to_eur(amount_usd: float, usd_per_eur: float) -> float:
    """Dollars to euros at a rate quoted, as the ECB quotes it, in dollars per euro."""
    return amount_usd / usd_per_eur


# --- households and thresholds ----------------------------------------------------------------


def consumption_units(adults: int, children_14_plus: int = 0, children_under_14: int = 0,
                      first_adult: float = 1.0, other_person_14_plus: float = 0.5,
                      child_under_14: float = 0.3) -> float:
    """Consumption units of a household on the modified OECD scale (Insee's weights by default)."""
    if adults < 1:
        raise ValueError("a household has at least one adult")
    if min(children_14_plus, children_under_14) < 0:
        raise ValueError("negative number of children")
    return first_adult + other_person_14_plus * (adults - 1 + children_14_plus) + child_under_14 * children_under_14


def monthly_threshold(median_annual: float, share_of_median: float) -> float:
    """Monthly poverty threshold per consumption unit: a share of the annual median, by month."""
    if not 0 < share_of_median < 1:
        raise ValueError("the threshold is a share of the median between 0 and 1")
    return median_annual * share_of_median / 12


def household_threshold(threshold_per_unit: float, units: float) -> float:
    """Monthly disposable income below which a household of `units` consumption units is poor."""
    return threshold_per_unit * units


# The households the testimonies are set against: (adults, children under 14).
HOUSEHOLDS = {"Person living alone": (1, 0),
              "Single parent, one child under 14": (1, 1),
              "Couple, two children under 14": (2, 2)}


def household_thresholds(threshold_per_unit: float, weights: pd.Series) -> pd.DataFrame:
    """Consumption units and monthly poverty line of each of HOUSEHOLDS.

    `weights` are the scale's weights by person (`first_adult`, `other_person_14_plus`,
    `child_under_14`), as in the consumption_units table.
    """
    units = [consumption_units(adults, children_under_14=children, first_adult=weights["first_adult"],
                               other_person_14_plus=weights["other_person_14_plus"],
                               child_under_14=weights["child_under_14"])
             for adults, children in HOUSEHOLDS.values()]
    return pd.DataFrame({"household": list(HOUSEHOLDS), "units": units,
                         "threshold": [household_threshold(threshold_per_unit, u) for u in units]})


# --- testimonies -------------------------------------------------------------------------------


def monthly_from_hourly(hourly: float, hours_per_week: float) -> float:
    """Monthly earnings of steady weekly hours at an hourly rate (an average month of 52/12 weeks)."""
    return hourly * hours_per_week * WEEKS_PER_MONTH


def hourly_from_monthly(monthly: float, hours_per_week: float) -> float:
    """Hourly pay implied by monthly earnings and weekly hours."""
    return monthly / (hours_per_week * WEEKS_PER_MONTH)


def latest_contribution_rate(contributions: pd.DataFrame) -> float:
    """The most recent micro-entrepreneur contribution rate in the table, as a proportion (0-1)."""
    return contributions.set_index("year")["rate_pct"].sort_index().iloc[-1] / 100


def after_contributions(gross: float, contribution_rate: float) -> float:
    """What is left of turnover once social contributions at `contribution_rate` (0-1) are paid."""
    if not 0 <= contribution_rate < 1:
        raise ValueError("the contribution rate is a proportion between 0 and 1")
    return gross * (1 - contribution_rate)


# The dispatch's three workers, by the names of their figures in dispatch_figures.
TESTIMONIES = {"amelie": "First worker (Lionbridge)", "ferdinand": "Student (Appen)",
               "julie": "Third worker (Cortana transcription)"}


def testimonies(stated: pd.Series, contribution_rate: float, usd_per_eur: float,
                hours_per_week: dict[str, float | None] | None = None) -> pd.DataFrame:
    """The three workers' hourly pay in euros, weekly hours and monthly income, gross and net.

    `stated` holds the dispatch's figures by name: the first worker's pay and weekly hours, the
    student's monthly income, hours a day and days a week, the third worker's pay in dollars and
    weekly hours. `hours_per_week` replaces the stated weekly hours of any worker (a scenario;
    None keeps the stated hours); the student's hourly pay always comes from the stated hours.
    One row per worker, indexed by the names of TESTIMONIES.
    """
    ferdinand_week = stated["ferdinand_hours"] * stated["ferdinand_days"]
    hourly = [stated["amelie_pay"], hourly_from_monthly(stated["ferdinand_income"], ferdinand_week),
              usd_to_eur(stated["julie_pay"], usd_per_eur)]
    weekly = {"amelie": stated["amelie_hours"], "ferdinand": ferdinand_week, "julie": stated["julie_hours"]}
    weekly |= {name: hours for name, hours in (hours_per_week or {}).items() if hours is not None}
    workers = pd.DataFrame({"worker": list(TESTIMONIES.values()), "hourly_eur": hourly,
                            "hours_per_week": [weekly[name] for name in TESTIMONIES]},
                           index=pd.Index(list(TESTIMONIES), name="testimony"))
    workers["monthly_gross"] = [monthly_from_hourly(r, h) for r, h in zip(workers["hourly_eur"], workers["hours_per_week"])]
    workers["monthly_net"] = [after_contributions(m, contribution_rate) for m in workers["monthly_gross"]]
    return workers


def hours_per_week_to_reach(monthly_target: float, hourly: float) -> float:
    """Weekly hours needed for monthly earnings to reach a target at an hourly rate."""
    if hourly <= 0:
        raise ValueError("the hourly rate must be positive")
    return hourly_from_monthly(monthly_target, hourly)  # the same equation, solved for the hours


# --- distributions consistent with a mean and a share below a bound -----------------------------


def lognormal_from_mean_and_share_below(mean: float, bound: float, share_below: float) -> tuple[float, float]:
    """(mu, sigma) of the log-normal whose mean is `mean` and of which `share_below` lies below `bound`.

    Solves exp(mu + sigma**2 / 2) = mean and Phi((ln bound - mu) / sigma) = share_below; of
    the two roots, the positive sigma is returned. Raises ValueError when no log-normal fits.
    """
    if not (mean > 0 and bound > 0 and 0 < share_below < 1):
        raise ValueError("mean and bound must be positive, the share strictly between 0 and 1")
    z = NormalDist().inv_cdf(share_below)
    gap = math.log(bound) - math.log(mean)
    discriminant = z * z - 2 * gap
    if discriminant < 0:
        raise ValueError("no log-normal distribution has this mean and this share below the bound")
    roots = [s for s in (z + math.sqrt(discriminant), z - math.sqrt(discriminant)) if s > 0]
    if not roots:
        raise ValueError("no log-normal distribution has this mean and this share below the bound")
    sigma = max(roots)
    return math.log(mean) - sigma * sigma / 2, sigma


def lognormal_share_above(mu: float, sigma: float, bound: float) -> float:
    """Share of a log-normal distribution above `bound`."""
    return 1 - NormalDist().cdf((math.log(bound) - mu) / sigma)


def lognormal_median(mu: float) -> float:
    """Median of a log-normal distribution: half earn less."""
    return math.exp(mu)


def minimum_mean_of_top(mean: float, share_top: float, cap_of_rest: float) -> float:
    """Smallest average the top `share_top` must have if everyone else earns at most `cap_of_rest`.

    If the overall mean is 21 and nine in ten earn at most 10, the top tenth must average at
    least (21 - 0.9 * 10) / 0.1 = 120.
    """
    if not 0 < share_top < 1:
        raise ValueError("the top share is strictly between 0 and 1")
    return max(0.0, (mean - (1 - share_top) * cap_of_rest) / share_top)
