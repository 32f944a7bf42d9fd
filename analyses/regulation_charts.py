"""Charts and tables of the regulation chapter, built on analyses.regulation and the chart theme."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analyses import charts

ARENAS = ["Platforms", "France", "Germany", "European Union", "ILO"]


def timeline(events: pd.DataFrame) -> alt.Chart:
    """Dated events, one row per arena, from the opening of the first micro-task platform on."""
    start = events.loc[events["arena"] == "Platforms", "date"].min()
    rows = events[events["date"] >= start].assign(date_text=lambda e: e["date"].dt.strftime("%d %B %Y"))
    chart = alt.Chart(rows, title=charts.title(
        "Rules for platform work, mostly not for micro-work",
        "Dated events by arena; hover or tap a point for what happened")).mark_point(
        filled=True, size=90, opacity=0.9).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=6)),
        y=alt.Y("arena:N", title=None, sort=ARENAS),
        color=alt.Color("covers_microwork:N", title="Covers online micro-work",
                        sort=["yes", "partly", "no"],
                        scale=alt.Scale(domain=["yes", "partly", "no"],
                                        range=[charts.PALETTE[2], charts.PALETTE[1], charts.PALETTE[7]])),
        tooltip=[alt.Tooltip("date_text:N", title="Date"), alt.Tooltip("arena:N", title="Arena"),
                 alt.Tooltip("event:N", title="What happened")],
    ).properties(height=alt.Step(36))
    first, last = rows["date"].min().year, rows["date"].max().year
    covered = int((rows["covers_microwork"] == "yes").sum())
    description = (f"Dot timeline of {len(rows)} dated events from {first} to {last} in five arenas. "
                   f"{covered} of them apply to online micro-work in full; the others concern ride-hailing and "
                   "delivery only or apply to micro-work only in part.")
    return charts.sourced(chart, rows, description)


def fairwork_scores(scores: pd.DataFrame) -> alt.Chart:
    """Fairwork cloudwork scores out of ten, by platform and year."""
    rows = scores.assign(year_label=scores["year"].astype(str))
    order = list(rows.sort_values(["year", "score"], ascending=[False, False])["platform"].unique())
    chart = alt.Chart(rows, title=charts.title(
        "Fair work scores of online labour platforms",
        "Fairwork cloudwork ratings, points out of ten for pay, conditions, contracts, management, representation")
    ).mark_point(filled=True, size=100, opacity=0.9).encode(
        y=alt.Y("platform:N", title=None, sort=order),
        x=alt.X("score:Q", title="Fairwork score (out of ten)", scale=alt.Scale(domain=[0, 10])),
        color=alt.Color("year_label:N", title="Rating year", scale=alt.Scale(range=[charts.PALETTE[1], charts.PALETTE[0]])),
        shape=alt.Shape("microtask:N", title="Micro-task platform"),
        tooltip=[alt.Tooltip("platform:N", title="Platform"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("score:Q", title="Score out of ten"), alt.Tooltip("microtask:N", title="Micro-task")],
    ).properties(height=alt.Step(22))
    best = rows.sort_values("score", ascending=False).iloc[0]
    description = (f"Dot chart of {len(rows)} Fairwork scores for {rows['platform'].nunique()} platforms. "
                   f"The highest is {best['platform']} with {best['score']:g} out of ten in {best['year']}; "
                   f"{int((rows['score'] == 0).sum())} scores are zero.")
    return charts.sourced(chart, rows, description)


def levy_sliders(scenarios: pd.DataFrame, rate: float, monthly_income: float, provenance: pd.DataFrame) -> alt.LayerChart:
    """Yearly yield of a levy on micro-work payments, with the rate and the monthly pay on sliders."""
    rate_param = alt.param(name="levy_pct", value=round(100 * rate, 1),
                           bind=alt.binding_range(min=0, max=40, step=0.5, name="Levy rate (% of payments) "))
    pay_param = alt.param(name="monthly_pay", value=monthly_income,
                          bind=alt.binding_range(min=0, max=200, step=1,
                                                 name="Average pay per person, euros a month (headcount scenarios) "))
    chart = alt.Chart(scenarios, title=charts.title(
        "What a levy on micro-work payments would raise",
        "Euros a year in France, by workforce scenario; a scenario, not a forecast")).transform_calculate(
        payments_now=f"datum.basis == 'headcount' ? datum.persons * monthly_pay * 12 : datum.payments",
        levy_now="datum.payments_now * levy_pct / 100",
    ).mark_bar().encode(
        y=alt.Y("scenario:N", title=None, sort=list(scenarios["scenario"])),
        x=alt.X("levy_now:Q", title="Levy, euros a year", axis=alt.Axis(format="~s", tickCount=5)),
        color=alt.Color("basis_label:N", title="Pay assumption",
                        scale=alt.Scale(range=[charts.PALETTE[0], charts.PALETTE[2]])),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("persons:Q", title="People or jobs", format=","),
                 alt.Tooltip("payments_now:Q", title="Payments, euros a year", format=",.0f"),
                 alt.Tooltip("levy_now:Q", title="Levy, euros a year", format=",.0f")],
    ).add_params(rate_param, pay_param).properties(height=alt.Step(30))
    description = (f"Horizontal bars of the yearly levy in {len(scenarios)} workforce and pay scenarios, recomputed "
                   f"in the page from two sliders: the levy rate, starting at {100 * rate:g}%, and the average "
                   f"monthly pay per person in the headcount scenarios, starting at {monthly_income:g} euros.")
    return charts.sourced(chart, provenance, description)


def options_list(options: pd.DataFrame, dimensions: dict[str, str]) -> str:
    """The options matrix as MyST: one definition list per option, cells cited or marked as assessment."""
    blocks = []
    for option, rows in options.groupby("option", sort=False):
        lines = [f"**{option}**"]
        for row in rows.itertuples():
            mark = ("*(the book's assessment)*" if row.evidence == "assessment"
                    else f"{{cite:p}}`{row.source}`")
            lines.append(f": *{dimensions[row.dimension]}*: {row.text} {mark}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def levy_against_rights(amounts: pd.DataFrame, provenance: pd.DataFrame) -> alt.Chart:
    """Yearly amounts per micro-worker beside the earnings that rights and the poverty line require."""
    chart = alt.Chart(amounts, title=charts.title(
        "What a levy buys one micro-worker",
        "Euros a year per person (logarithmic scale): the levy, the income it is levied on, and what rights require")
    ).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=list(amounts["item"])),
        x=alt.X("euros:Q", title="Euros a year (logarithmic scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s")),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(range=[charts.PALETTE[0], charts.PALETTE[5]])),
        tooltip=[alt.Tooltip("item:N", title="Amount"), alt.Tooltip("euros:Q", title="Euros a year", format=",.2f")],
    ).properties(height=alt.Step(30))
    levy_row = amounts.iloc[0]
    biggest = amounts.sort_values("euros").iloc[-1]
    description = (f"Bars on a logarithmic scale: the yearly levy per person ({levy_row['euros']:,.0f} euros) is "
                   f"{biggest['euros'] / levy_row['euros']:,.0f} times smaller than the largest amount shown, "
                   f"{biggest['item'].lower()} ({biggest['euros']:,.0f} euros).")
    return charts.sourced(chart, provenance, description)
