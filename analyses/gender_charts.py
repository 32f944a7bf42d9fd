"""Charts of the gender chapter, built on analyses.gender and the book's chart vocabulary."""

from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd

from analyses import charts, gender, since

SEX_LABELS = {"women": "Women", "men": "Men"}
MICROWORK_MAX_MINUTES = 240  # the slider's longest day of micro-work
SEXES = list(SEX_LABELS.values())
# Women's bars are solid, men's outlined: told apart without a paler colour, which would lose contrast.
MEN_FILL_OPACITY = 0.35
DURATION = "floor(datum.{m} / 60) + ' h ' + round(datum.{m} % 60) + ' min'"  # a Vega expression


def women_shares(shares: pd.DataFrame, benchmark_pct: float, benchmark_rows: pd.DataFrame,
                 labels: dict[str, str], comparisons: set[str]) -> alt.LayerChart:
    """Women's share in each surveyed population, against their share of the labour force.

    Populations in `comparisons` (keys of `population`) are drawn apart, as comparisons rather than
    micro-workers.
    """
    kinds = ["Micro-workers surveyed", "For comparison"]
    rows = shares.assign(label=shares["population"].map(labels),
                         kind=[kinds[p in comparisons] for p in shares["population"]])
    order = list(rows.sort_values("women_pct", ascending=False)["label"])
    dots = alt.Chart(rows).mark_point(filled=True, size=160, opacity=1).encode(
        y=alt.Y("label:N", title=None, sort=order),
        x=alt.X("women_pct:Q", title="Share of women (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=charts.colour_scale(kinds, (charts.PURPLE, charts.GREY))),
        shape=alt.Shape("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=["circle", "diamond"])),
        tooltip=[alt.Tooltip("label:N", title="Population"), alt.Tooltip("description:N", title="Share of"),
                 alt.Tooltip("year:Q", title="Year", format="d"), alt.Tooltip("women_pct:Q", title="Women (%)"),
                 alt.Tooltip("qualifier:N", title="Qualifier")],
    )
    rule_frame = pd.DataFrame({"women_pct": [benchmark_pct], "label": ["Labour force"]})
    rule = alt.Chart(rule_frame).mark_rule(strokeDash=[4, 3]).encode(
        x="women_pct:Q", tooltip=[alt.Tooltip("women_pct:Q", title="Women in the labour force (%)", format=".1f")])
    note = alt.Chart(rule_frame).mark_text(align="right", dx=-4, dy=-4, fontSize=11).encode(
        x="women_pct:Q", y=alt.value(0), text=alt.value("women in France's labour force"))
    chart = alt.layer(dots, rule, note, title=charts.title(
        "Women's share depends on who is counted",
        "Share of women in each surveyed population; dashed line: women's share of France's labour force "
        "(Mechanical Turk's workers are counted wherever they live)")
    ).properties(height=charts.rows_height(order, per_row=40))
    described = ", ".join(f"{label} {share:g}%" for label, share in zip(rows["label"], rows["women_pct"]))
    description = (f"Dot chart of women's shares: {described}; the dashed line marks women's share of the "
                   f"French labour force, {benchmark_pct:.1f}%.")
    return charts.sourced(chart, pd.concat([rows, benchmark_rows]), description)


def _stacked_by_sex(base: alt.Chart, households: list[str], parts: list[str], colours: tuple[charts.Colour, ...],
                    part_title: str, hours_max: float | None = None) -> alt.LayerChart:
    """Bars stacked by part, women's filled and men's outlined, each household a pair of bars; the
    first pair is labelled 'Women' and 'Men' at the right edge of the plot, so the reader needs no
    legend for it (the first household's days are never the longest)."""
    scale = charts.colour_scale(parts, colours)
    y = alt.Y("household:N", title=None, sort=households)
    offset = alt.YOffset("sex_label:N", sort=SEXES)
    bars = base.mark_bar(strokeWidth=1.5).encode(
        y=y, yOffset=offset,
        x=alt.X("hours:Q", title="Hours per day", stack="zero",
                scale=alt.Scale(domain=[0, hours_max]) if hours_max else alt.Undefined),
        order=alt.Order("rank:Q"),
        color=alt.Color("activity_label:N", title=None, sort=parts, scale=scale),
        stroke=alt.Stroke("activity_label:N", title=None, sort=parts, scale=scale),
        fillOpacity=alt.FillOpacity("sex_label:N", sort=SEXES, legend=None,
                                    scale=alt.Scale(domain=SEXES, range=[1, MEN_FILL_OPACITY])),
        tooltip=[alt.Tooltip("household:N", title="Household"), alt.Tooltip("sex_label:N", title="Sex"),
                 alt.Tooltip("activity_label:N", title=part_title), alt.Tooltip("duration:N", title="Time per day")],
    )
    labels = base.transform_filter(f"datum.household === {json.dumps(households[0])} && datum.rank === 0").mark_text(
        align="right", dx=-2, fontSize=11).encode(y=y, yOffset=offset, x=alt.value("width"), text="sex_label:N")
    return alt.layer(bars, labels)


def workday_slider(day: pd.DataFrame, microwork_minutes: int, household_order: list[str],
                   labels: dict[str, str], provenance: pd.DataFrame) -> alt.LayerChart:
    """The day stacked by activity; a slider adds micro-work minutes, a switch says for whom."""
    long = gender.long_workday(day.assign(microwork=0))
    long["household"] = long["household_type"].map(labels)
    long["sex_label"] = long["sex"].map(SEX_LABELS)
    long["rank"] = long["activity"].map({activity: i for i, activity in enumerate(gender.ACTIVITIES)})
    households = [labels[h] for h in household_order]
    minutes = alt.param(name="microwork_minutes", value=microwork_minutes,
                        bind=alt.binding_range(min=0, max=MICROWORK_MAX_MINUTES, step=5,
                                               name="Micro-work per day (minutes) "))
    who = alt.param(name="who", value="women",
                    bind=alt.binding_radio(options=["women", "both"], labels=["Women only", "Women and men"],
                                           name="Micro-work done by "))
    base = alt.Chart(long).transform_calculate(
        shown="datum.activity == 'microwork' ? ((datum.sex == 'women' || who == 'both') ? microwork_minutes : 0)"
              " : datum.minutes",
        hours="datum.shown / 60",
        duration=DURATION.format(m="shown"),
    )
    # A fixed axis, long enough for the slider's longest day: bars grow against it as the reader moves it.
    longest = (day["work_study"] + day["domestic_total"]).max() + MICROWORK_MAX_MINUTES
    chart = _stacked_by_sex(base, households, list(gender.ACTIVITY_LABELS.values()),
                            (charts.BLUE, charts.ORANGE, charts.VERMILLION), "Activity",
                            hours_max=2 * math.ceil(longest / 120)).add_params(
        minutes, who).properties(height=charts.rows_height(households, per_row=36), title=charts.title(
            "The working day, with micro-work added",
            "Hours per average day by household type: for each, women's bar filled, men's outlined"))
    description = ("Stacked horizontal bars, two per household type (women filled, men outlined), splitting the "
                   "average day into work and study, domestic work and micro-work. The slider sets the "
                   f"micro-work minutes (starting at {microwork_minutes}), the switch whether only women or "
                   "both sexes micro-work.")
    return charts.sourced(chart, provenance, description)


def gap_bars(gaps: pd.DataFrame, labels: dict[str, str], microwork_minutes: int,
             provenance: pd.DataFrame) -> alt.Chart:
    """Women's minus men's total working time in minutes, without and with the micro-work scenario."""
    rows = gaps.assign(household=gaps["household_type"].map(labels))
    scenarios = list(dict.fromkeys(rows["scenario"]))
    order = list(rows[rows["scenario"] == scenarios[-1]].sort_values("gap_minutes")["household"])
    chart = alt.Chart(rows, title=charts.title(
        "Women's working day minus men's",
        "Women's minus men's daily work, study and domestic time, without and with micro-work for women; "
        "below zero, men's day is the longer")
    ).mark_bar().encode(
        y=alt.Y("household:N", title=None, sort=order),
        yOffset=alt.YOffset("scenario:N", sort=scenarios),
        x=alt.X("gap_minutes:Q", title="Women's extra minutes"),
        color=alt.Color("scenario:N", title=None, sort=scenarios,
                        scale=charts.colour_scale(scenarios, (charts.GREY, charts.VERMILLION))),
        tooltip=[alt.Tooltip("household:N", title="Household"), alt.Tooltip("scenario:N", title="Scenario"),
                 alt.Tooltip("gap_minutes:Q", title="Gap (minutes per day)", format=".0f")],
    ).properties(height=charts.rows_height(order, per_row=36))
    without = rows[rows["scenario"] == scenarios[0]]
    description = (f"Grouped bars of the gap between women's and men's total working time in "
                   f"{len(without)} household types. Without micro-work the gap ranges from "
                   f"{without['gap_minutes'].min():.0f} to {without['gap_minutes'].max():.0f} minutes a day; "
                   f"adding {microwork_minutes} minutes of micro-work for women moves every bar by that much.")
    return charts.sourced(chart, provenance, description)


def domestic_parts(time_use: pd.DataFrame, household_order: list[str], labels: dict[str, str]) -> alt.LayerChart:
    """Domestic time split into housework and shopping, childcare, DIY and gardening."""
    parts = {"housework_shopping": "Housework and shopping", "childcare": "Childcare",
             "diy_gardening": "DIY and gardening"}
    rows = gender.time_use_minutes(time_use[time_use["activity"].isin(parts)])
    rows = rows.assign(activity_label=rows["activity"].map(parts), household=rows["household_type"].map(labels),
                       sex_label=rows["sex"].map(SEX_LABELS), hours=rows["minutes"] / 60,
                       rank=rows["activity"].map({a: i for i, a in enumerate(parts)}),
                       duration=rows["minutes"].map(gender.hours_minutes))
    households = [labels[h] for h in household_order]
    chart = _stacked_by_sex(alt.Chart(rows), households, list(parts.values()),
                            (charts.ORANGE, charts.PURPLE, charts.GREEN), "Part").properties(
        height=charts.rows_height(households, per_row=36), title=charts.title(
            "What the domestic day is made of",
            "Hours per average day by household type: for each, women's bar filled, men's outlined (Insee, 2010)"))
    childcare = rows[rows["activity"] == "childcare"].set_index(["household_type", "sex"])["minutes"]
    top = childcare.xs("women", level="sex").idxmax()
    description = ("Stacked bars of domestic time by part, women filled and men outlined, for each household type. "
                   f"Childcare grows with young children: women in the household type "
                   f"'{labels[top]}' spend {gender.hours_minutes(childcare[(top, 'women')])} a day on it.")
    return charts.sourced(chart, rows, description)


def _run(rows: pd.DataFrame, i: int) -> int:
    """Which run of consecutive years (per sex) row `i` belongs to: a line is drawn within a run only."""
    own = rows[rows["sex"] == rows["sex"].iloc[i]]["year"].tolist()
    year = rows["year"].iloc[i]
    return sum(1 for a, b in zip(own, own[1:]) if b != a + 1 and b <= year)


def part_time_rates(part_time: pd.DataFrame) -> alt.LayerChart:
    """Part-time rates of women and men in employment, on a year axis; no line across missing years."""
    rows = part_time.assign(sex_label=part_time["sex"].map(SEX_LABELS)).sort_values("year")
    rows["run"] = [_run(rows, i) for i in range(len(rows))]
    scale = charts.colour_scale(SEXES, (charts.PURPLE, charts.BLUE))
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1),
              scale=alt.Scale(domain=[int(rows["year"].min()), int(rows["year"].max())], padding=12))
    y = alt.Y("part_time_pct:Q", title="Working part time (%)", scale=alt.Scale(domain=[0, 35]))
    colour = alt.Color("sex_label:N", title=None, sort=SEXES, scale=scale)
    tooltip = [alt.Tooltip("sex_label:N", title="Sex"), alt.Tooltip("year:Q", title="Year", format="d"),
               alt.Tooltip("part_time_pct:Q", title="Part time (%)")]
    lines = alt.Chart(rows).mark_line().encode(x=x, y=y, color=colour, detail="run:N")
    points = alt.Chart(rows).mark_point(filled=True, size=60, opacity=1).encode(x=x, y=y, color=colour,
                                                                               tooltip=tooltip)
    chart = alt.layer(lines, points, title=charts.title(
        "Women in work are far more often part time than men",
        "Share of employed women and of employed men working part time, France (%): 2014 to 2016 from "
        "a figure of the source, 2020 from its text; years not read are left blank")).properties(height=260)
    last = rows[rows["year"] == rows["year"].max()].set_index("sex")["part_time_pct"]
    description = (f"Points of part-time rates by sex for the years available, joined only between consecutive "
                   f"years. In {rows['year'].max()}, {last['women']:g}% of employed women and {last['men']:g}% of "
                   "employed men worked part time; the years between the last two points are not in the tables "
                   "we could read.")
    return charts.sourced(chart, rows, description)


WORK_KINDS = ("Micro-work", "Platform work of every kind")


def women_then_and_now(women: pd.DataFrame, platform_shares: pd.DataFrame, labels: dict[str, str],
                       comparisons: set[str] = frozenset()) -> alt.LayerChart:
    """Women's share among the workers each survey counted: the micro-work surveys beside the one
    share of women among platform workers published since (colour: what work; open marks: known in
    2019). Benchmarks of all jobs (`comparisons`) are left out: they count no platform's workers."""
    micro = women[~women["population"].isin(comparisons)]
    micro = micro.assign(label=micro["population"].map(labels), work=WORK_KINDS[0])
    micro = micro[micro["label"].notna()]
    among = platform_shares[(platform_shares["share_of"] == "platform workers") & (platform_shares["group_name"] == "Women")]
    newer = pd.DataFrame({"label": [f"{a}, platform workers" for a in among["area"]], "women_pct": among["share_pct"],
                          "year": among["year"], "description": among["counted"], "work": WORK_KINDS[1],
                          "qualifier": among["qualifier"], "source": among["source"], "locator": among["locator"],
                          "evidence": among["evidence"], "via": among["via"]})
    rows = since.with_period(pd.concat([micro, newer], ignore_index=True))
    order = list(rows.sort_values(["period", "women_pct"], ascending=[True, False])["label"])
    colour = alt.Color("work:N", title="Who is counted", sort=list(WORK_KINDS),
                       scale=charts.colour_scale(list(WORK_KINDS), (charts.PURPLE, charts.ORANGE)))
    dots = alt.Chart(rows).mark_point(size=160, opacity=1, strokeWidth=2).encode(
        y=alt.Y("label:N", title=None, sort=order),
        x=alt.X("women_pct:Q", title="Share of women (%)", scale=alt.Scale(domain=[0, 100])),
        color=colour, fill=since.period_fill(colour),
        shape=alt.Shape("period:N", title="Published", sort=list(since.PERIODS),
                        scale=alt.Scale(domain=list(since.PERIODS), range=["circle", "diamond"])),
        tooltip=[alt.Tooltip("label:N", title="Population"), alt.Tooltip("description:N", title="Share of"),
                 alt.Tooltip("year:Q", title="Year", format="d"), alt.Tooltip("women_pct:Q", title="Women (%)"),
                 alt.Tooltip("period:N", title="Published")],
    )
    parity = pd.DataFrame({"women_pct": [50.0]})
    rule = alt.Chart(parity).mark_rule(strokeDash=[4, 3]).encode(
        x="women_pct:Q", tooltip=[alt.Tooltip("women_pct:Q", title="Parity (%)")])
    chart = alt.layer(dots, rule, title=charts.title(
        "Women's share: micro-work surveys and platform work",
        "Share of women among the workers each survey counted; open circles: known in 2019, filled "
        "diamonds: published since; dashed line: half")
    ).properties(height=charts.rows_height(order, per_row=40))
    described = ", ".join(f"{label} {share:g}%" for label, share in zip(rows["label"], rows["women_pct"]))
    by_kind = {kind: rows.loc[rows["work"] == kind, "women_pct"] for kind in WORK_KINDS}
    micro_range = f"{by_kind[WORK_KINDS[0]].min():g}% to {by_kind[WORK_KINDS[0]].max():g}%"
    platform = ", ".join(f"{share:g}%" for share in by_kind[WORK_KINDS[1]])
    description = (f"Dot chart of women's shares among workers: {described}. The micro-work surveys find "
                   f"{micro_range} women; the newer share among platform workers of every kind, drivers "
                   f"and couriers included, is {platform}.")
    return charts.sourced(chart, rows, description)


def platform_work_by_group(platform_shares: pd.DataFrame) -> alt.Chart:
    """The share of each sex and age group who did some platform work in a year (a rate of the
    group, not a share of the workers), in the European pilot survey."""
    rows = platform_shares[platform_shares["share_of"].str.startswith("people of the group")].copy()
    order = list(rows["group_name"])
    kinds = ["By sex", "By age"]
    rows["kind"] = [kinds[0] if g in ("Men", "Women") else kinds[1] for g in rows["group_name"]]
    year = int(rows["year"].iloc[0])
    chart = alt.Chart(rows, title=charts.title(
        f"Who did platform work in {year}",
        "Share of each group aged 15 to 64 who worked at least an hour through a platform in the past year, "
        "seventeen European countries; every kind of platform work, not micro-work alone")).mark_bar().encode(
        y=alt.Y("group_name:N", title=None, sort=order),
        x=alt.X("share_pct:Q", title="Share of the group (%)", scale=alt.Scale(domain=[0, 5])),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=charts.colour_scale(kinds, (charts.PURPLE, charts.GREY))),
        tooltip=[alt.Tooltip("group_name:N", title="Group"), alt.Tooltip("share_pct:Q", title="Did platform work (%)"),
                 alt.Tooltip("counted:N", title="Counted"), alt.Tooltip("area:N", title="Countries")],
    ).properties(height=charts.rows_height(order, per_row=34))
    described = ", ".join(f"{g} {s:g}%" for g, s in zip(rows["group_name"], rows["share_pct"]))
    by_group = rows.set_index("group_name")["share_pct"]
    compared = ("more often than" if by_group["Men"] > by_group["Women"] else
                "less often than" if by_group["Men"] < by_group["Women"] else "as often as")
    description = (f"Horizontal bars: share of each group who did platform work in {year}: {described}. "
                   f"Men did so {compared} women.")
    return charts.sourced(chart, rows, description)
