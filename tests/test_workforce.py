"""Workforce arithmetic, checked against values worked out by hand from the sources' figures."""

from __future__ import annotations

import pandas as pd
import pytest

from analyses import data, workforce
from analyses import workforce_charts as wc

# Le Ludec, Tubaro and Casilli (2019), abstract; Insee (2019), figure 1.
CASUAL, ROUTINE, VERY_ACTIVE = 266_126, 52_337, 14_903
LABOUR_FORCE_2018 = 29_824  # thousands


@pytest.fixture
def circle_table():
    return workforce.circles(data.load("france_estimate"))


def test_circles_are_ordered_outermost_first_with_rings(circle_table):
    assert circle_table["circle"].tolist() == ["casual", "routine", "very_active"]
    assert circle_table["persons"].tolist() == [CASUAL, ROUTINE, VERY_ACTIVE]
    # 266,126 - 52,337 = 213,789; 52,337 - 14,903 = 37,434
    assert circle_table["ring_only"].tolist() == [213_789, 37_434, 14_903]


def test_shares_of_the_outer_circle(circle_table):
    shares = circle_table.set_index("circle")["share_of_outer_pct"]
    assert shares["casual"] == 100
    assert shares["routine"] == pytest.approx(19.666, abs=0.001)      # 52,337 / 266,126
    assert shares["very_active"] == pytest.approx(5.600, abs=0.001)   # 14,903 / 266,126


def test_adding_nested_circles_double_counts(circle_table):
    assert workforce.mistaken_total(circle_table) == 333_366
    assert workforce.double_counted(circle_table) == 67_240           # 333,366 - 266,126


def test_circles_must_nest():
    broken = pd.DataFrame({"measure": ["casual", "routine", "very_active"], "persons": [10, 20, 5],
                           "source": ["x"] * 3, "via": [None] * 3})
    with pytest.raises(workforce.NestingError, match="routine"):
        workforce.circles(broken)


def test_labour_force_shares():
    labour = data.load("labour_force")
    assert workforce.labour_force(labour, 2018) == LABOUR_FORCE_2018
    assert workforce.labour_force_share_pct(CASUAL, LABOUR_FORCE_2018) == pytest.approx(0.8923, abs=1e-4)
    assert workforce.labour_force_share_pct(5_000, LABOUR_FORCE_2018) == pytest.approx(0.016765, abs=1e-6)
    with pytest.raises(KeyError, match="2031"):
        workforce.labour_force(labour, 2031)


def test_estimate_as_a_function_of_its_assumptions():
    gross = workforce.implied_gross_registrations(CASUAL, 1.27)
    assert gross == pytest.approx(337_980.02)
    assert workforce.registered_persons(gross, 1.27) == pytest.approx(CASUAL)
    assert workforce.registered_persons(gross, 1.83) == pytest.approx(184_688.54, abs=0.01)
    assert workforce.monthly_active(CASUAL, ROUTINE / CASUAL) == pytest.approx(ROUTINE)
    grid = workforce.sensitivity(gross, [1.27, 1.83], [0.1, 0.2])
    assert len(grid) == 4
    assert grid.iloc[1]["monthly_active"] == pytest.approx(0.2 * CASUAL)


def test_assumptions_outside_their_range_are_refused():
    with pytest.raises(ValueError):
        workforce.registered_persons(100, 0.9)
    with pytest.raises(ValueError):
        workforce.monthly_active(100, 1.5)


def test_growth_arithmetic():
    # +9 % over May-September 2016 (4 months): 1.09 ** 3 - 1 = 29.5029 %
    assert workforce.months_between(pd.Timestamp("2016-05-01"), pd.Timestamp("2016-09-30")) == 4
    assert workforce.annualised_pct(9, 4) == pytest.approx(29.5029)
    # about a quarter over May 2016-August 2018 (27 months): 1.25 ** (12 / 27) - 1 = 10.43 %
    assert workforce.months_between(pd.Timestamp("2016-05-01"), pd.Timestamp("2018-08-31")) == 27
    assert workforce.annualised_pct(25, 27) == pytest.approx(10.43, abs=0.01)
    assert workforce.doubling_time_years(25) == pytest.approx(3.106, abs=0.001)


def test_growth_multiples_compound_from_one():
    multiples = workforce.growth_multiples({"ten": 10, "zero": 0}, 2)
    ten = multiples[multiples["scenario"] == "ten"].set_index("years")["multiple"]
    assert ten.tolist() == pytest.approx([1, 1.1, 1.21])
    assert multiples[multiples["scenario"] == "zero"]["multiple"].tolist() == [1, 1, 1]
    with pytest.raises(ValueError):
        workforce.growth_multiples({"x": 1}, -1)


def test_nested_circle_areas_are_proportional_to_counts(circle_table):
    spec = wc.nested_circles(circle_table).to_dict()
    rows = next(iter(spec["datasets"].values()))
    areas = {row["circle"]: row["area"] for row in rows}
    assert areas["routine"] / areas["casual"] == pytest.approx(ROUTINE / CASUAL)
    assert areas["very_active"] / areas["casual"] == pytest.approx(VERY_ACTIVE / CASUAL)


def test_sensitivity_chart_binds_two_sliders(circle_table):
    references = pd.DataFrame({"persons": [ROUTINE], "label": ["x"], "short": ["x"]})
    chart = wc.sensitivity_sliders(337_980.0, 1.27, 0.2, references, data.load("multihoming"))
    params = chart.to_dict()["params"]
    assert {p["name"] for p in params} == {"multihoming", "active_pct"}
    assert all(p["bind"]["input"] == "range" for p in params)


def test_headcount_points_use_range_midpoints():
    points = wc.headcount_points(data.load("headcounts"), workforce.circles(data.load("france_estimate")))
    unique = points[points["measure"] == "Unique workers"].iloc[0]
    assert unique["persons_mid"] == 150_000
    assert set(points["kind_label"]) == {"Platform's own claim", "Researchers' estimate", "Reported, origin not stated"}


def test_headcounts_that_would_cover_each_other_are_drawn_apart():
    """Three sources report Amazon's 500,000: each gets its own place in the row, centred on it."""
    points = wc.headcount_points(data.load("headcounts"), workforce.circles(data.load("france_estimate")))
    same = points[(points["population"] == "Amazon Mechanical Turk") & (points["persons_low"] == 500_000)]
    assert sorted(same["offset"]) == [-1, 0, 1]
    witmart = points[points["population"] == "Zhubajie / Witmart"]  # 4, 8 and 12 million: close on a log scale
    assert sorted(witmart["offset"]) == [-1, 0, 1]
    alone = points[points["population"] == "Foule Factory / Wirk"]
    assert alone["offset"].tolist() == [0]
