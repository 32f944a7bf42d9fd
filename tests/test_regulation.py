"""The levy scenario, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from analyses import data, regulation


def test_full_time_hours_from_the_minimum_wage():
    # SMIC 2018: 1,498.47 a month for 9.88 an hour = 151.667 hours (35 h * 52 / 12)
    assert regulation.full_time_hours_per_month(1_498.47, 9.88) == pytest.approx(151.667, abs=1e-3)


def test_payments_and_levy():
    # 266,126 people * 21 euros * 12 months = 67,063,752 euros a year
    assert regulation.payments_from_headcount(266_126, 21) == pytest.approx(67_063_752)
    # 5,000 full-time jobs * 151.667 h * 12 * 1.77 euros = 16,107,000 euros (to the euro)
    assert regulation.payments_from_full_time(5_000, 1.77, 151.66667) == pytest.approx(16_107_000, rel=1e-6)
    assert regulation.levy(67_063_752, 0.22) == pytest.approx(14_754_025.44)
    with pytest.raises(ValueError):
        regulation.levy(100, 1.5)


def test_scenarios_table_divides_yield_by_the_people_counted():
    table = regulation.levy_scenarios({"a": 1_000}, 21, 500, {"b": 2.0}, 150, 0.2).set_index("scenario")
    # 1,000 * 21 * 12 * 0.2 = 50,400; per person 50.4
    assert table.loc["a", "levy"] == pytest.approx(50_400)
    assert table.loc["a", "levy_per_person"] == pytest.approx(50.4)
    # 500 * 2 * 150 * 12 * 0.2 = 360,000; per full-time job 720
    assert table.loc["b", "levy"] == pytest.approx(360_000)
    assert table.loc["b", "levy_per_person"] == pytest.approx(720)


def test_headcount_scenarios_use_the_workforce_module():
    labels = {"casual": "A", "routine": "B", "very_active": "C", "critics_total": "D"}
    scenarios = regulation.headcount_scenarios(data.load("france_estimate"), 14_903, labels)
    assert scenarios == {"A": 266_126, "B": 52_337, "C": 14_903, "D": 14_903}


def test_years_to_earn():
    # 1,504.50 of earnings at 252 a year: 5.97 years
    assert regulation.years_to_earn(1_504.5, 252) == pytest.approx(5.970, abs=1e-3)


def test_rights_chart_orders_amounts_and_describes_the_gap():
    import pandas as pd

    from analyses import charts

    from analyses import regulation_charts as rc

    amounts = pd.DataFrame({"item": ["Levy per person", "Poverty line"], "kind": ["a", "b"], "euros": [55.44, 12750.0]})
    rows = pd.DataFrame({"source": ["afp2019levif"], "via": [None]})
    spec = rc.levy_against_rights(amounts, rows).to_dict()
    bars, labels = spec["layer"]
    assert bars["mark"]["type"] == "bar" and "scale" not in bars["encoding"]["x"], "a linear scale from zero"
    assert labels["mark"]["type"] == "text", "each bar is labelled with its amount"
    assert charts.problems(spec) == []
    assert "is 230 times the levy" in spec["description"]   # 12,750 / 55.44 = 229.98


def test_levy_chart_binds_rate_and_pay_sliders():
    import pandas as pd

    from analyses import regulation_charts as rc

    scenarios = regulation.levy_scenarios({"a": 1_000}, 21, 500, {"b": 2.0}, 150, 0.2)
    scenarios["basis_label"] = scenarios["basis"]
    rows = pd.DataFrame({"source": ["afp2019levif"], "via": [None]})
    params = {p["name"]: p for p in rc.levy_sliders(scenarios, 0.22, 21, rows).to_dict()["params"]}
    assert params["levy_pct"]["value"] == 22 and params["monthly_pay"]["value"] == 21


def test_options_list_marks_assessments_and_cites_the_rest():
    import pandas as pd

    from analyses import regulation_charts as rc

    options = pd.DataFrame({"option": ["X", "X"], "dimension": ["who_acts", "who_pays"],
                            "text": ["States.", "Platforms."], "source": ["normlex_c193", "normlex_c193"],
                            "evidence": ["primary", "assessment"]})
    text = rc.options_list(options, {"who_acts": "Who acts", "who_pays": "Who pays"})
    assert text.splitlines()[0] == "**X**"
    assert ": *Who acts*: States. {cite:p}`normlex_c193`" in text
    assert ": *Who pays*: Platforms. *(the book's assessment)*" in text
