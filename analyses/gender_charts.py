"""Charts of the gender chapter, built on analyses.gender and the book's chart theme."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analyses import charts, gender

SEX_LABELS = {"women": "Women", "men": "Men"}


def women_shares(shares: pd.DataFrame, benchmark_pct: float, benchmark_rows: pd.DataFrame,
                 labels: dict[str, str]) -> alt.LayerChart:
    """Women's share in each surveyed population, against their share of the labour force."""
    rows = shares.assign(label=shares["population"].map(labels))
    dots = alt.Chart(rows).mark_circle(size=160, opacity=1).encode(
        y=alt.Y("label:N", title=None, sort=list(rows.sort_values("women_pct", ascending=False)["label"])),
        x=alt.X("women_pct:Q", title="Share of women (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.value(charts.PALETTE[3]),
        tooltip=[alt.Tooltip("label:N", title="Population"), alt.Tooltip("description:N", title="Share of"),
                 alt.Tooltip("year:Q", title="Year", format="d"), alt.Tooltip("women_pct:Q", title="Women (%)"),
                 alt.Tooltip("qualifier:N", title="Qualifier")],
    )
    rule_frame = pd.DataFrame({"women_pct": [benchmark_pct], "label": ["Labour force"]})
    rule = alt.Chart(rule_frame).mark_rule(strokeDash=[4, 3]).encode(
        x="women_pct:Q", tooltip=[alt.Tooltip("women_pct:Q", title="Women in the labour force (%)", format=".1f")])
    note = alt.Chart(rule_frame).mark_text(align="left", dx=4, dy=-4, fontSize=11).encode(
        x="women_pct:Q", y=alt.value(0), text=alt.value("women in the labour force"))
    chart = alt.layer(dots, rule, note, title=charts.title(
        "Women's share depends on who is counted",
        "Share of women in each surveyed population; dashed line: women's share of France's labour force")
    ).properties(height=alt.Step(40))
    described = ", ".join(f"{label} {share:g}%" for label, share in zip(rows["label"], rows["women_pct"]))
    description = (f"Dot chart of women's shares: {described}; the dashed line marks women's share of the "
                   f"French labour force, {benchmark_pct:.1f}%.")
    return charts.sourced(chart, pd.concat([rows, benchmark_rows]), description)


def workday_slider(day: pd.DataFrame, microwork_minutes: int, household_order: list[str],
                   labels: dict[str, str], provenance: pd.DataFrame) -> alt.Chart:
    """The day stacked by activity; a slider adds micro-work minutes, a switch says for whom."""
    long = gender.long_workday(day.assign(microwork=0))
    long["household"] = long["household_type"].map(labels)
    long["sex_label"] = long["sex"].map(SEX_LABELS)
    long["rank"] = long["activity"].map({activity: i for i, activity in enumerate(gender.ACTIVITIES)})
    minutes = alt.param(name="microwork_minutes", value=microwork_minutes,
                        bind=alt.binding_range(min=0, max=240, step=5, name="Micro-work per day (minutes) "))
    who = alt.param(name="who", value="women",
                    bind=alt.binding_radio(options=["women", "both"], labels=["Women only", "Women and men"],
                                           name="Micro-work done by "))
    chart = alt.Chart(long, title=charts.title(
        "The working day, with micro-work added",
        "Hours per average day by household type; upper bar women, lower (lighter) bar men")
    ).transform_calculate(
        shown="datum.activity == 'microwork' ? ((datum.sex == 'women' || who == 'both') ? microwork_minutes : 0)"
              " : datum.minutes",
        hours="datum.shown / 60",
    ).mark_bar().encode(
        y=alt.Y("household:N", title=None, sort=[labels[h] for h in household_order]),
        yOffset=alt.YOffset("sex_label:N", sort=["Women", "Men"]),
        x=alt.X("sum(hours):Q", title="Hours per day", stack="zero"),
        color=alt.Color("activity_label:N", title=None, sort=list(gender.ACTIVITY_LABELS.values()),
                        scale=alt.Scale(range=[charts.PALETTE[0], charts.PALETTE[1], charts.PALETTE[5]])),
        order=alt.Order("rank:Q"),
        opacity=alt.Opacity("sex_label:N", sort=["Women", "Men"], scale=alt.Scale(range=[1, 0.55]), legend=None),
        tooltip=[alt.Tooltip("household:N", title="Household"), alt.Tooltip("sex_label:N", title="Sex"),
                 alt.Tooltip("activity_label:N", title="Activity"),
                 alt.Tooltip("sum(hours):Q", title="Hours per day", format=".2f")],
    ).add_params(minutes, who).properties(height=alt.Step(11))
    description = ("Stacked horizontal bars, two per household type (women solid, men lighter), splitting the "
                   "average day into work and study, domestic work and micro-work. The slider sets the "
                   f"micro-work minutes (starting at {microwork_minutes}), the switch whether only women or "
                   "both sexes micro-work.")
    return charts.sourced(chart, provenance, description)


def gap_bars(gaps: pd.DataFrame, labels: dict[str, str], microwork_minutes: int,
             provenance: pd.DataFrame) -> alt.Chart:
    """Women's minus men's total working time, without and with the micro-work scenario."""
    rows = gaps.assign(household=gaps["household_type"].map(labels))
    rows["hours"] = rows["gap_minutes"] / 60
    order = list(rows[rows["scenario"] == rows["scenario"].iloc[-1]].sort_values("gap_minutes")["household"])
    chart = alt.Chart(rows, title=charts.title(
        "How much longer women's working day is",
        "Women's minus men's daily work, study and domestic time, without and with micro-work for women")
    ).mark_bar().encode(
        y=alt.Y("household:N", title=None, sort=order),
        yOffset=alt.YOffset("scenario:N", sort=list(dict.fromkeys(rows["scenario"]))),
        x=alt.X("hours:Q", title="Hours per day (positive: women work longer)"),
        color=alt.Color("scenario:N", title=None, sort=list(dict.fromkeys(rows["scenario"])),
                        scale=alt.Scale(range=[charts.PALETTE[4], charts.PALETTE[5]])),
        tooltip=[alt.Tooltip("household:N", title="Household"), alt.Tooltip("scenario:N", title="Scenario"),
                 alt.Tooltip("gap_minutes:Q", title="Gap (minutes per day)", format=".0f")],
    ).properties(height=alt.Step(11))
    without = rows[rows["scenario"] == rows["scenario"].iloc[0]]
    description = (f"Grouped bars of the gap between women's and men's total working time in "
                   f"{len(without)} household types. Without micro-work the gap ranges from "
                   f"{without['gap_minutes'].min():.0f} to {without['gap_minutes'].max():.0f} minutes a day; "
                   f"adding {microwork_minutes} minutes of micro-work for women moves every bar by that much.")
    return charts.sourced(chart, provenance, description)


def domestic_parts(time_use: pd.DataFrame, household_order: list[str], labels: dict[str, str]) -> alt.Chart:
    """Domestic time split into housework and shopping, childcare, DIY and gardening."""
    parts = {"housework_shopping": "Housework and shopping", "childcare": "Childcare",
             "diy_gardening": "DIY and gardening"}
    rows = gender.time_use_minutes(time_use[time_use["activity"].isin(parts)])
    rows = rows.assign(part=rows["activity"].map(parts), household=rows["household_type"].map(labels),
                       sex_label=rows["sex"].map(SEX_LABELS), hours=rows["minutes"] / 60)
    chart = alt.Chart(rows, title=charts.title(
        "What the domestic day is made of",
        "Hours per average day; upper bar women, lower (lighter) bar men (Insee, 2010)")
    ).mark_bar().encode(
        y=alt.Y("household:N", title=None, sort=[labels[h] for h in household_order]),
        yOffset=alt.YOffset("sex_label:N", sort=["Women", "Men"]),
        x=alt.X("sum(hours):Q", title="Hours per day"),
        color=alt.Color("part:N", title=None, sort=list(parts.values()),
                        scale=alt.Scale(range=[charts.PALETTE[1], charts.PALETTE[3], charts.PALETTE[2]])),
        opacity=alt.Opacity("sex_label:N", sort=["Women", "Men"], scale=alt.Scale(range=[1, 0.55]), legend=None),
        tooltip=[alt.Tooltip("household:N", title="Household"), alt.Tooltip("sex_label:N", title="Sex"),
                 alt.Tooltip("part:N", title="Part"), alt.Tooltip("time_per_day:N", title="Time per day")],
    ).properties(height=alt.Step(11))
    childcare = rows[rows["activity"] == "childcare"].set_index(["household_type", "sex"])["minutes"]
    top = childcare.xs("women", level="sex").idxmax()
    description = ("Stacked bars of domestic time by part, women solid and men lighter, for each household type. "
                   f"Childcare grows with young children: women in the household type "
                   f"'{labels[top]}' spend {gender.hours_minutes(childcare[(top, 'women')])} a day on it.")
    return charts.sourced(chart, rows, description)


def part_time_rates(part_time: pd.DataFrame) -> alt.Chart:
    """Part-time rates of women and men in employment, the years Insee's tables were read for."""
    rows = part_time.assign(sex_label=part_time["sex"].map(SEX_LABELS))
    chart = alt.Chart(rows, title=charts.title(
        "Part-time work is mostly women's",
        "Share of women and men in employment working part time, France (%)")).mark_line(point=True).encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("part_time_pct:Q", title="Working part time (%)", scale=alt.Scale(domain=[0, 35])),
        color=alt.Color("sex_label:N", title=None, sort=["Women", "Men"],
                        scale=alt.Scale(range=[charts.PALETTE[3], charts.PALETTE[0]])),
        tooltip=[alt.Tooltip("sex_label:N", title="Sex"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("part_time_pct:Q", title="Part time (%)")],
    )
    last = rows[rows["year"] == rows["year"].max()].set_index("sex")["part_time_pct"]
    description = (f"Lines of part-time rates by sex for the years available. In {rows['year'].max()}, "
                   f"{last['women']:g}% of women and {last['men']:g}% of men in employment worked part time; "
                   "the years between the last two points are not in the tables we could read.")
    return charts.sourced(chart, rows, description)
