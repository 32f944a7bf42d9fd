"""The 2026 edition's "Since 2019" layer: periods from the bibliography, dated searches, copies
listed once, and then-and-now charts that keep both periods and say what each count covers."""

from __future__ import annotations

import pandas as pd
import pytest

from analyses import (claims, data, gender_charts, poverty_charts, regulation_charts, since,
                      workforce, workforce_charts)


def test_period_follows_the_year_of_the_work():
    assert since.published_year("casilli2019microtravail") == 2019
    assert since.period("casilli2019microtravail") == "Known in 2019"
    assert since.period("toxtli2021invisible") == "Published since 2019"
    assert since.period("worldbank2023gig") == "Published since 2019"


def test_dates_read_as_the_prose_writes_them():
    assert since.long_date("2026-12-02") == "2 December 2026"
    assert since.long_date(pd.Timestamp("2024-04-24")) == "24 April 2024"
    assert since.days_between("2026-12-02", "2026-12-01") == -1
    assert since.days_between("2024-10-23", "2024-11-11") == 19


def test_a_missing_check_is_named():
    with pytest.raises(KeyError, match="no check 'nowhere'"):
        since.check(data.load("status_checks"), "nowhere")


def test_the_as_of_date_comes_from_the_row_of_the_search():
    row = since.check(data.load("status_checks"), "fr_transposition").copy()
    assert "As of 1 December 2026" in since.not_found_sentence(row)
    row["as_of"] = pd.Timestamp("2027-01-15")
    sentence = since.not_found_sentence(row)
    assert sentence.startswith("As of 15 January 2027")
    assert "{cite:p}`senat_qe02574`" in sentence


def test_every_copy_the_data_leans_on_is_listed_once_and_every_listed_copy_is_used():
    used = set()
    for resource in data.package()["resources"]:
        frame = data.load(resource["name"])
        for cell in frame["via"].dropna():
            used |= {key.strip() for key in cell.split(";")}
    copies = data.load("copies")
    assert copies["copy"].is_unique
    assert set(copies["copy"]) == used


def test_every_copy_says_why_and_when_the_primary_was_looked_for():
    copies = data.load("copies")
    assert copies["reason"].str.len().min() > 40
    assert copies["checked"].notna().all()
    assert (copies["source"] != copies["copy"]).all()


def test_since_counts_add_up_to_the_ledger_and_the_summary_says_them():
    ledger = data.load("claims")
    counts = claims.since_counts(ledger)
    assert int(counts.sum()) == len(ledger)
    by_hand = {reading: int((ledger["since_2019"] == reading).sum()) for reading in claims.SINCE_2019}
    assert counts.to_dict() == by_hand
    summary = claims.since_summary(ledger)
    assert summary.startswith("Of the ")
    assert "no newer evidence was found" in summary


def test_an_unknown_since_reading_is_refused():
    ledger = data.load("claims").copy()
    ledger.loc[0, "since_2019"] = "probably fine"
    with pytest.raises(ValueError, match="probably fine"):
        claims.since_counts(ledger)


def test_counts_then_and_now_keep_both_periods_and_every_newer_count():
    counts = data.load("platform_work_counts")
    rows = workforce_charts.counts_then_and_now(counts, data.load("headcounts"),
                                               workforce.circles(data.load("france_estimate")))
    assert set(rows["period"]) == set(since.PERIODS)
    newer = rows[rows["source"].isin(counts["source"])]
    assert sorted(newer["persons_low"]) == sorted(counts["persons_low"].astype(int))
    assert rows["scope_label"].notna().all()
    assert (rows["persons_high"] >= rows["persons_low"]).all()
    micro_2019 = rows[(rows["period"] == since.PERIODS[0]) & (rows["scope"] == "micro-work")]
    assert len(micro_2019) >= 3


def test_the_counts_chart_draws_open_marks_for_2019_and_filled_for_later():
    rows = workforce_charts.counts_then_and_now(data.load("platform_work_counts"), data.load("headcounts"),
                                               workforce.circles(data.load("france_estimate")))
    spec = workforce_charts.counts_then_and_now_chart(rows).to_dict()
    fill = spec["layer"][1]["encoding"]["fill"]
    assert since.PERIODS[1] in fill["condition"]["test"]
    assert fill["value"] == "transparent"
    assert spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"


def test_options_then_and_now_has_each_option_in_both_columns():
    status = data.load("option_status")
    chart = regulation_charts.options_then_and_now(status, "2026-12-01").to_dict()
    rows = pd.DataFrame(chart["datasets"][next(iter(chart["datasets"]))])
    assert rows.groupby("option")["when"].nunique().eq(2).all()
    assert set(rows["when"]) == {"2019: the dispatch", "Now: this edition"}
    assert "as of 1 December 2026" in chart["title"]["subtitle"]


def test_shares_of_groups_are_not_drawn_as_shares_of_workers():
    shares = data.load("platform_work_shares")
    chart = gender_charts.platform_work_by_group(shares).to_dict()
    rows = pd.DataFrame(chart["datasets"][next(iter(chart["datasets"]))])
    assert rows["share_of"].str.startswith("people of the group").all()
    assert "Share of the group" in chart["encoding"]["x"]["title"]
