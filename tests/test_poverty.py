"""Pay and poverty arithmetic, with expected values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analyses import poverty


def test_hourly_pay_with_unpaid_time():
    # 30 dollars for 6 paid hours and 2 unpaid hours: 30 / 8 = 3.75 an hour
    # ILO: 4.43 per paid hour, 3.31 per hour of all time -> 1 - 3.31/4.43 = 25.28 % unpaid
    assert poverty.unpaid_share(4.43, 3.31) == pytest.approx(0.25282, abs=1e-5)
    with pytest.raises(ValueError):
        poverty.unpaid_share(3, 4)


def test_currency():
    assert poverty.usd_to_eur(11.81, 1.181) == pytest.approx(10.0)


def test_consumption_units_modified_oecd():
    assert poverty.consumption_units(1) == 1
    assert poverty.consumption_units(2) == 1.5
    # couple with two children under 14: 1 + 0.5 + 2 * 0.3 = 2.1
    assert poverty.consumption_units(2, children_under_14=2) == pytest.approx(2.1)
    # single parent, one teenager, one young child: 1 + 0.5 + 0.3 = 1.8
    assert poverty.consumption_units(1, children_14_plus=1, children_under_14=1) == pytest.approx(1.8)
    with pytest.raises(ValueError):
        poverty.consumption_units(0)


def test_thresholds():
    # Insee 2016: median 20,520 a year; 60 % -> 1,026 a month; 50 % -> 855 a month
    assert poverty.monthly_threshold(20_520, 0.6) == pytest.approx(1_026)
    assert poverty.monthly_threshold(20_520, 0.5) == pytest.approx(855)
    assert poverty.household_threshold(1_026, 2.1) == pytest.approx(2_154.6)


def test_testimony_income():
    # 15 an hour, 20 hours a week: 300 a week * 52 / 12 = 1,300 a month
    assert poverty.monthly_from_hourly(15, 20) == pytest.approx(1_300)
    # one hour a day, 7 days a week, at 13.846...: 7 h/week * 52/12 = 30.333 h a month
    assert poverty.hourly_from_monthly(420, 7) == pytest.approx(13.846, abs=1e-3)
    assert poverty.after_contributions(1_300, 0.22) == pytest.approx(1_014)
    # 1,026 a month at 15 an hour: 1,026 / (15 * 4.3333) = 15.785 hours a week
    assert poverty.hours_per_week_to_reach(1_026, 15) == pytest.approx(15.785, abs=1e-3)
    with pytest.raises(ValueError):
        poverty.after_contributions(100, 1.2)


def test_household_thresholds_on_the_insee_scale():
    weights = pd.Series({"first_adult": 1.0, "other_person_14_plus": 0.5, "child_under_14": 0.3})
    table = poverty.household_thresholds(1_000, weights).set_index("household")
    # alone 1; single parent and a child under 14: 1 + 0.3; couple and two children: 1 + 0.5 + 2 * 0.3
    assert table["units"].tolist() == pytest.approx([1.0, 1.3, 2.1])
    assert table["threshold"].tolist() == pytest.approx([1_000, 1_300, 2_100])


def test_the_three_testimonies():
    stated = pd.Series({"amelie_pay": 15, "amelie_hours": 20, "ferdinand_income": 420, "ferdinand_hours": 1,
                        "ferdinand_days": 7, "julie_pay": 10, "julie_hours": 10})
    workers = poverty.testimonies(stated, contribution_rate=0.22, usd_per_eur=1.25)
    assert workers["worker"].to_dict() == poverty.TESTIMONIES
    # 15 x 20 h x 52/12 = 1,300 gross, 1,014 net; 420 over 7 h a week = 13.846 an hour;
    # 10 dollars at 1.25 dollars a euro = 8 euros, x 10 h x 52/12 = 346.67 gross
    assert workers["hourly_eur"].tolist() == pytest.approx([15, 13.846, 8], abs=1e-3)
    assert workers["hours_per_week"].tolist() == [20, 7, 10]
    assert workers["monthly_gross"].tolist() == pytest.approx([1_300, 420, 346.667], abs=1e-3)
    assert workers["monthly_net"].tolist() == pytest.approx([1_014, 327.6, 270.4], abs=1e-3)
    # a scenario changes the hours worked, not the student's hourly pay
    longer = poverty.testimonies(stated, 0.22, 1.25, {"amelie": None, "ferdinand": 14, "julie": 2})
    assert longer["hours_per_week"].tolist() == [20, 14, 2]
    assert longer["hourly_eur"].iloc[1] == pytest.approx(13.846, abs=1e-3)
    assert longer["monthly_gross"].iloc[1] == pytest.approx(840)


def test_the_press_conversion_rate():
    pay = pd.DataFrame({"study": ["ilo2018_paid", "ilo2018_paid_eur"], "hourly": [4.43, 3.75]})
    assert poverty.press_usd_per_eur(pay) == pytest.approx(1.18133, abs=1e-5)


def test_lognormal_fitted_to_mean_and_share_below():
    mu, sigma = poverty.lognormal_from_mean_and_share_below(21, 5, 2 / 3)
    # by hand: z = 0.4307, ln(5/21) = -1.4351, sigma = z + sqrt(z^2 + 2.8702) = 2.1789
    assert sigma == pytest.approx(2.1789, abs=1e-3)
    assert mu == pytest.approx(math.log(21) - sigma ** 2 / 2)
    assert math.exp(mu + sigma ** 2 / 2) == pytest.approx(21)
    assert 1 - poverty.lognormal_share_above(mu, sigma, 5) == pytest.approx(2 / 3)
    assert poverty.lognormal_median(mu) == pytest.approx(1.95, abs=0.01)
    with pytest.raises(ValueError):
        poverty.lognormal_from_mean_and_share_below(21, 0, 0.5)


def test_mean_consistency_bound():
    assert poverty.minimum_mean_of_top(21, 0.1, 10) == pytest.approx(120)
    assert poverty.minimum_mean_of_top(21, 1 / 3, 5) == pytest.approx(53)
    assert poverty.minimum_mean_of_top(5, 0.5, 20) == 0


def test_thresholds_computed_from_medians_match_those_insee_publishes():
    """Independent check of two tables: 60 % of each median, by month, rounds to Insee's threshold."""
    from analyses import data

    medians = data.load("median_living_standard").set_index("year")["median_annual_eur"]
    published = data.load("poverty_thresholds")
    for row in published[published["share_of_median_pct"] == 60].itertuples():
        computed = poverty.monthly_threshold(medians[row.year], 0.6)
        assert round(computed) == pytest.approx(row.threshold_monthly_eur, abs=1), row.year


def test_consumption_weights_in_data_are_insee_scale():
    from analyses import data

    weights = data.load("consumption_units").set_index("person")["weight"]
    assert poverty.consumption_units(2, children_under_14=2, first_adult=weights["first_adult"],
                                     other_person_14_plus=weights["other_person_14_plus"],
                                     child_under_14=weights["child_under_14"]) == pytest.approx(2.1)


def test_testimony_chart_binds_an_hours_slider():

    from analyses import poverty_charts as pc

    workers = pd.DataFrame({"worker": ["a"], "hourly_eur": [15.0], "hours_per_week": [20.0]})
    thresholds = pd.DataFrame({"household": ["alone"], "units": [1.0], "threshold": [1062.5]})
    rows = pd.DataFrame({"source": ["afp2019levif"], "via": [None]})
    chart = pc.testimonies_slider(workers, thresholds, rows, 0.22).to_dict()
    (param,) = chart["params"]  # Altair lifts a layer's parameters to the top of the spec
    assert param["name"] == "hours_factor" and param["bind"]["input"] == "range"
