"""Gender arithmetic: durations, shares against their denominators, the working day model."""

from __future__ import annotations

import pandas as pd
import pytest

from analyses import gender


def test_durations_as_insee_prints_them():
    assert gender.minutes("7h14") == 434
    assert gender.minutes("0h05") == 5
    assert gender.hours_minutes(434) == "7 h 14 min"
    assert gender.hours_minutes(-75) == "minus 1 h 15 min"
    assert gender.hours_minutes(43) == "43 min"
    assert gender.hours_minutes(120.4) == "2 h"
    assert gender.hours_minutes(65) == "1 h 5 min"
    with pytest.raises(ValueError):
        gender.minutes("7:14")
    with pytest.raises(ValueError):
        gender.minutes("7h75")


def test_shares_and_gaps():
    assert gender.gap_points(56.1, 48.3) == pytest.approx(7.8)
    assert gender.representation_ratio(72.1, 48.3) == pytest.approx(1.4928, abs=1e-4)


TIME_USE = pd.DataFrame({
    "household_type": ["single"] * 4 + ["couple"] * 4,
    "sex": ["women", "women", "men", "men"] * 2,
    "activity": ["work_study", "domestic_total"] * 4,
    "time_per_day": ["4h00", "2h43", "4h30", "2h00", "3h00", "5h29", "5h00", "3h09"],
})


def test_workday_adds_microwork_to_paid_and_domestic_time():
    day = gender.workday(TIME_USE, 60, microwork_for=("women",)).set_index(["household_type", "sex"])
    # single women: 240 + 163 + 60 = 463 minutes; single men: 270 + 120 + 0 = 390
    assert day.loc[("single", "women"), "total"] == 463
    assert day.loc[("single", "men"), "total"] == 390
    # couple women: 180 + 329 + 60 = 569; couple men: 300 + 189 = 489
    assert day.loc[("couple", "women"), "total"] == 569


def test_total_gap_by_household():
    gaps = gender.total_gap(gender.workday(TIME_USE, 60, microwork_for=("women",))).set_index("household_type")
    assert gaps.loc["single", "gap_minutes"] == 73     # 463 - 390
    assert gaps.loc["couple", "gap_minutes"] == 80     # 569 - 489
    no_microwork = gender.total_gap(gender.workday(TIME_USE, 0)).set_index("household_type")
    assert no_microwork.loc["couple", "gap_minutes"] == 20   # 509 - 489


def test_workday_filters_household_types_and_refuses_unknown_ones():
    day = gender.workday(TIME_USE, 30, household_types=["couple"])
    assert set(day["household_type"]) == {"couple"}
    with pytest.raises(KeyError, match="castle"):
        gender.workday(TIME_USE, 30, household_types=["castle"])
    with pytest.raises(ValueError):
        gender.workday(TIME_USE, -1)


def test_long_workday_has_one_row_per_activity():
    long = gender.long_workday(gender.workday(TIME_USE, 45))
    assert len(long) == 4 * 3
    assert set(long["activity_label"]) == set(gender.ACTIVITY_LABELS.values())


def test_single_sex_households_are_left_out_of_gaps():
    one_sex = pd.concat([TIME_USE, pd.DataFrame({
        "household_type": ["lone"] * 2, "sex": ["women"] * 2, "activity": ["work_study", "domestic_total"],
        "time_per_day": ["3h54", "3h45"]})])
    gaps = gender.total_gap(gender.workday(one_sex, 0))
    assert "lone" not in set(gaps["household_type"])


def test_domestic_share_of_the_working_day():
    day = gender.workday(TIME_USE, 0)
    # single women: 163 of 403 minutes = 40.45 %
    assert gender.domestic_share_pct(day, "women")["single"] == pytest.approx(40.447, abs=0.001)


def test_workday_chart_binds_minutes_slider_and_who_switch():
    from analyses import data
    from analyses import gender_charts as gc

    time_use = data.load("time_use_2010")
    labels = dict(zip(time_use["household_type"], time_use["household_label"]))
    day = gender.workday(time_use, 0)
    chart = gc.workday_slider(day, 60, list(labels), labels, time_use)
    params = {p["name"]: p for p in chart.to_dict()["params"]}
    assert params["microwork_minutes"]["value"] == 60
    assert params["microwork_minutes"]["bind"]["input"] == "range"
    assert params["who"]["bind"]["input"] == "radio"


def test_insee_table_domestic_parts_add_up_to_the_total():
    """Independent check of the transcription: Insee's three parts sum to its printed total."""
    from analyses import data

    rows = gender.time_use_minutes(data.load("time_use_2010")).pivot_table(
        index=["household_type", "sex"], columns="activity", values="minutes")
    parts = rows["housework_shopping"] + rows["childcare"] + rows["diy_gardening"]
    assert (parts == rows["domestic_total"]).all()


def test_weekly_hours_spread_over_every_day_of_the_week():
    assert gender.daily_minutes(7) == 60
    assert gender.daily_minutes(20) == pytest.approx(171.43, abs=0.01)   # 1,200 minutes / 7
