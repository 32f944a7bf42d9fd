"""Charts of the pay and poverty chapter, built on analyses.poverty and the book's chart vocabulary."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analyses import charts, poverty, since, text

TIME_COUNTED = ["Paid and unpaid time", "Paid time only", "Not stated"]
UPPER_BOUNDS = {"less_than", "at_most"}


def time_counted(measure: str) -> str:
    """Which working time an hourly figure counts, from how its source describes the measure."""
    lowered = measure.lower()
    if lowered.startswith("paid working time only"):
        return "Paid time only"
    if "unpaid" in lowered or "including" in lowered or "searching" in lowered:
        return "Paid and unpaid time"
    return "Not stated"


def hourly_pay(pay_usd: pd.DataFrame, minimums_usd: pd.DataFrame, provenance: pd.DataFrame,
               usd_per_eur: float) -> alt.LayerChart:
    """Hourly pay by study, in dollars, against the US federal minimum and the SMIC; upper bounds
    ('less than 6', 'at most 1.77') drawn as bounds, not as points."""
    order = list(pay_usd.sort_values("hourly_usd")["label"])
    counted = [c for c in TIME_COUNTED if c in set(pay_usd["counted"])]
    pay_usd = pay_usd.assign(figure=["upper bound (at most)" if q in UPPER_BOUNDS else stat
                                     for stat, q in zip(pay_usd["statistic"], pay_usd["qualifier"])])
    shapes = {"mean": "circle", "median": "square", "upper bound (at most)": "triangle-left"}
    figures = [f for f in shapes if f in set(pay_usd["figure"])]
    top = 1.1 * max(pay_usd["hourly_usd"].max(), minimums_usd["hourly_usd"].max())
    dots = alt.Chart(pay_usd).mark_point(filled=True, size=110, opacity=1).encode(
        y=alt.Y("label:N", title=None, sort=order),
        x=alt.X("hourly_usd:Q", title="US dollars per hour", scale=alt.Scale(domain=[0, top], nice=False)),
        color=alt.Color("counted:N", title="Working time counted", sort=counted,
                        scale=charts.colour_scale(counted, [(charts.BLUE, charts.VERMILLION, charts.GREY)[
                            TIME_COUNTED.index(c)] for c in counted])),
        shape=alt.Shape("figure:N", title="Statistic", sort=figures,
                        scale=alt.Scale(domain=figures, range=[shapes[f] for f in figures])),
        tooltip=[alt.Tooltip("population:N", title="Who"), alt.Tooltip("measure:N", title="Time counted"),
                 alt.Tooltip("statistic:N", title="Statistic"), alt.Tooltip("hourly:Q", title="As published"),
                 alt.Tooltip("currency:N", title="Currency"), alt.Tooltip("qualifier:N", title="Qualifier"),
                 alt.Tooltip("hourly_usd:Q", title="US dollars per hour", format=".2f")],
    )
    rules = alt.Chart(minimums_usd).mark_rule(strokeDash=[4, 3]).encode(
        x="hourly_usd:Q", tooltip=[alt.Tooltip("label:N", title="Minimum wage"),
                                   alt.Tooltip("hourly_usd:Q", title="US dollars per hour", format=".2f")])
    chart = alt.layer(dots, rules, charts.reference_labels(minimums_usd, "hourly_usd", "short", top), title=charts.title(
        "Micro-work pays a fraction of the minimum wage",
        f"Hourly pay by study in US dollars (euro figures converted at {usd_per_eur:.3f} dollars per euro)")
    ).properties(height=charts.rows_height(order))
    lowest = pay_usd.sort_values("hourly_usd").iloc[0]
    bounds = pay_usd[pay_usd["qualifier"].isin(UPPER_BOUNDS)]
    description = (f"Dot chart of {len(pay_usd)} hourly pay figures in US dollars, from {lowest['label']} at "
                   f"{lowest['hourly_usd']:.2f} dollars upwards, with dashed lines at the US federal minimum "
                   "wage and the French SMIC; every micro-work figure lies below both lines."
                   + (f" {text.joined(bounds['label'])} {'is an upper bound' if len(bounds) == 1 else 'are upper bounds'},"
                      " drawn as left-pointing triangles: the pay is at most that much." if len(bounds) else ""))
    return charts.sourced(chart, provenance, description)


def testimonies_slider(workers: pd.DataFrame, thresholds: pd.DataFrame, provenance: pd.DataFrame,
                       contribution_rate: float) -> alt.LayerChart:
    """Each testimony's monthly income after contributions, with weekly hours on a slider."""
    hours = alt.param(name="hours_factor", value=100,
                      bind=alt.binding_range(min=0, max=200, step=5, name="Hours worked, % of those stated "))
    households = list(thresholds["household"])
    bars = alt.Chart(workers).transform_calculate(
        monthly=f"datum.hourly_eur * datum.hours_per_week * hours_factor / 100 * {poverty.WEEKS_PER_MONTH}"
                f" * (1 - {contribution_rate})",
    ).mark_bar().encode(
        y=alt.Y("worker:N", title=None, sort=list(workers["worker"])),
        x=alt.X("monthly:Q", title="Euros a month, net",
                scale=alt.Scale(domain=[0, float(thresholds["threshold"].max()) * 1.1])),
        color=alt.value(charts.BLUE.light),
        tooltip=[alt.Tooltip("worker:N", title="Worker"), alt.Tooltip("hourly_eur:Q", title="Euros per hour", format=".2f"),
                 alt.Tooltip("hours_per_week:Q", title="Stated hours a week", format=".1f"),
                 alt.Tooltip("monthly:Q", title="Euros a month after contributions", format=",.0f")],
    ).add_params(hours)
    rules = alt.Chart(thresholds).mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x="threshold:Q", color=alt.Color("household:N", title="Poverty threshold for", sort=households,
                                        scale=charts.colour_scale(households, (charts.VERMILLION, charts.ORANGE,
                                                                               charts.PURPLE))),
        tooltip=[alt.Tooltip("household:N", title="Household"),
                 alt.Tooltip("threshold:Q", title="Threshold, euros a month", format=",.0f")])
    chart = alt.layer(bars, rules, title=charts.title(
        "Three testimonies against the poverty line",
        "Monthly income from micro-work after social contributions; dashed lines: thresholds by household")
    ).properties(height=charts.rows_height(workers["worker"], per_row=36))
    description = ("Horizontal bars of the monthly micro-work income of the dispatch's three workers after "
                   f"contributions of {100 * contribution_rate:.0f}%, against dashed poverty thresholds for "
                   "three household types. The slider scales every worker's hours from none to twice those "
                   "stated.")
    return charts.sourced(chart, provenance, description)


def hours_needed(needed: pd.DataFrame, provenance: pd.DataFrame) -> alt.LayerChart:
    """Weekly hours needed at each pay level to reach the threshold and a full-time SMIC."""
    order = list(needed.sort_values("hourly_eur")["label"].unique())
    targets = list(dict.fromkeys(needed["target"]))
    bars = alt.Chart(needed).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=order),
        yOffset=alt.YOffset("target:N", sort=targets),
        x=alt.X("hours:Q", title="Hours a week needed"),
        color=alt.Color("target:N", title="To earn", sort=targets, scale=charts.colour_scale(targets)),
        tooltip=[alt.Tooltip("label:N", title="Pay level"), alt.Tooltip("hourly_eur:Q", title="Euros per hour", format=".2f"),
                 alt.Tooltip("target:N", title="Target"), alt.Tooltip("hours:Q", title="Hours a week", format=".0f")],
    )
    week = alt.Chart(pd.DataFrame({"hours": [poverty.HOURS_PER_WEEK], "text": ["every hour of the week"]}))
    rule = week.mark_rule(strokeDash=[4, 3]).encode(x="hours:Q")
    week_label = week.mark_text(align="right", dx=-3, dy=-4, fontSize=11).encode(
        x="hours:Q", y=alt.value(0), text="text:N")
    chart = alt.layer(bars, rule, week_label, title=charts.title(
        "How many hours it would take",
        "Weekly hours at each pay level to reach the poverty threshold or a full-time SMIC; "
        "the dashed line marks the hours a week holds")
    ).properties(height=charts.rows_height(order, per_row=44))
    impossible = needed[needed["hours"] > poverty.HOURS_PER_WEEK]
    description = (f"Grouped horizontal bars of the weekly hours needed at {needed['label'].nunique()} pay levels. "
                   f"Bars beyond the {poverty.HOURS_PER_WEEK} hours of a whole week, "
                   f"{text.of_total(len(impossible), len(needed), 'bars')}, mark targets that cannot be reached at "
                   "all at that pay.")
    return charts.sourced(chart, provenance, description)


def poverty_by_threshold(rates: pd.DataFrame, microworkers_pct: float, provenance: pd.DataFrame) -> alt.LayerChart:
    """National poverty rates at 50 % and 60 % of the median, side by side, beside DiPLab's share."""
    thresholds = list(dict.fromkeys(rates["threshold"]))
    years = list(dict.fromkeys(rates["label"]))
    bars = alt.Chart(rates).mark_bar().encode(
        x=alt.X("label:N", title=None, sort=years, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("threshold:N", sort=thresholds),
        y=alt.Y("poverty_rate_pct:Q", title="People below the threshold (%)",
                scale=alt.Scale(domain=[0, 1.15 * max(rates["poverty_rate_pct"].max(), microworkers_pct)])),
        color=alt.Color("threshold:N", title="Threshold", sort=thresholds,
                        scale=charts.colour_scale(thresholds, (charts.GREEN, charts.BLUE))),
        tooltip=[alt.Tooltip("label:N", title="Year"), alt.Tooltip("threshold:N", title="Threshold"),
                 alt.Tooltip("poverty_rate_pct:Q", title="Poverty rate (%)")],
    )
    line = pd.DataFrame({"share": [microworkers_pct], "text": ["DiPLab respondents (threshold not stated)"]})
    rule = alt.Chart(line).mark_rule(color=charts.VERMILLION.light, strokeWidth=2).encode(
        y="share:Q", tooltip=[alt.Tooltip("share:Q", title="DiPLab respondents below the line (%)")])
    line_label = alt.Chart(line).mark_text(align="left", x=4, dy=-7, fontSize=11,
                                           color=charts.VERMILLION.light).encode(y="share:Q", text="text:N")
    chart = alt.layer(bars, rule, line_label, title=charts.title(
        "Poor by which line?",
        "Share of people below 50 % and 60 % of the median living standard in France, side by side, "
        "and the DiPLab share")
    ).properties(height=260)
    description = (f"Bars of France's poverty rates by year, the two thresholds side by side, from "
                   f"{rates['poverty_rate_pct'].min():g}% to {rates['poverty_rate_pct'].max():g}%, and a line at "
                   f"the {microworkers_pct:g}% of DiPLab respondents reported below the poverty line, a share "
                   "whose threshold the sources read do not state.")
    return charts.sourced(chart, provenance, description)


def income_distribution(mu: float, sigma: float, mean: float, observed: pd.DataFrame,
                        provenance: pd.DataFrame) -> alt.LayerChart:
    """The log-normal fitted to the mean and one observed share, against both observed shares.

    `observed` has one row per share the critics' survey reports: `euros` (the bound),
    `share_below` (% of workers earning less) and `label`.
    """
    amounts = [0.1 * 1.08 ** k for k in range(0, 110)]
    curve = pd.DataFrame({"euros": amounts,
                          "share_below": [100 * (1 - poverty.lognormal_share_above(mu, sigma, a)) for a in amounts]})
    x = alt.X("euros:Q", scale=alt.Scale(type="log", domain=[0.1, 1000]),
              axis=alt.Axis(title="Euros a month (log scale)",
                            values=[0.1, 1, 10, 100, 1000], format="~g"))
    y = alt.Y("share_below:Q", title="Workers earning less (%)", scale=alt.Scale(domain=[0, 100]))
    line = alt.Chart(curve).mark_line(color=charts.BLUE.light, strokeWidth=2).encode(
        x=x, y=y, tooltip=[alt.Tooltip("euros:Q", title="Euros a month", format=",.2f"),
                           alt.Tooltip("share_below:Q", title="Earning less, fitted (%)", format=".0f")])
    mean_frame = pd.DataFrame({"euros": [mean], "label": [f"DiPLab mean, {mean:g} euros"]})
    mean_rule = alt.Chart(mean_frame).mark_rule(strokeDash=[4, 3]).encode(
        x="euros:Q", tooltip=[alt.Tooltip("label:N", title="Mark"), alt.Tooltip("euros:Q", title="Euros a month")])
    points = alt.Chart(observed).mark_point(filled=True, size=120, shape="diamond",
                                            color=charts.VERMILLION.light, opacity=1).encode(
        x=x, y=y, tooltip=[alt.Tooltip("label:N", title="Critics' survey"),
                           alt.Tooltip("share_below:Q", title="Workers earning less (%)", format=".0f")])
    notes = alt.Chart(observed).mark_text(align="right", dx=-10, fontSize=11,
                                          color=charts.VERMILLION.light).encode(x=x, y=y, text="label:N")
    mean_label = charts.reference_labels(mean_frame, "euros", "label", float(observed["euros"].max()) * 4)
    chart = alt.layer(line, mean_rule, mean_label, points, notes, title=charts.title(
        "A log-normal fitted to the mean misses the critics' second share",
        "Share of workers earning less than each monthly amount: the curve (fitted to the DiPLab mean and "
        "the share under the lower bound) against the two shares the critics' survey reports")
    ).properties(height=280)
    misses = observed.assign(fitted=[100 * (1 - poverty.lognormal_share_above(mu, sigma, e)) for e in observed["euros"]])
    description = (f"An S-shaped curve of the share of workers earning less than each monthly amount for a "
                   f"log-normal distribution with mean {mean:g} euros and median "
                   f"{poverty.lognormal_median(mu):.2f} euros, with the critics' survey as diamonds: "
                   + "; ".join(f"the survey finds {r.label} where the curve gives {r.fitted:.0f}%"
                               for r in misses.itertuples())
                   + ". The curve fits the first and misses the second: the real distribution is more lopsided.")
    return charts.sourced(chart, provenance, description)


FIGURE_SHAPES = {"mean": "circle", "median": "square", "upper bound (at most)": "triangle-left",
                 "lowest of a pay scale": "diamond"}


def hourly_then_and_now(pay_usd: pd.DataFrame, us_minimum: pd.DataFrame, provenance: pd.DataFrame) -> alt.LayerChart:
    """Hourly pay known in 2019 beside the figures published since, in dollars, against the US
    federal minimum wage; open marks for 2019, filled marks for the newer works."""
    rows = since.with_period(pay_usd)
    rows = rows.assign(figure=["upper bound (at most)" if q in UPPER_BOUNDS else
                               "lowest of a pay scale" if stat == "lowest" else stat
                               for stat, q in zip(rows["statistic"], rows["qualifier"])])
    order = list(rows.sort_values(["period", "hourly_usd"], ascending=[True, False])["label"])
    counted = [c for c in TIME_COUNTED if c in set(rows["counted"])]
    scale = charts.colour_scale(counted, [(charts.BLUE, charts.VERMILLION, charts.GREY)[TIME_COUNTED.index(c)]
                                          for c in counted])
    colour = alt.Color("counted:N", title="Working time counted", sort=counted, scale=scale)
    figures = [f for f in FIGURE_SHAPES if f in set(rows["figure"])]
    top = 1.1 * max(rows["hourly_usd"].max(), us_minimum["hourly_usd"].max())
    dots = alt.Chart(rows).mark_point(size=120, opacity=1, strokeWidth=2).encode(
        y=alt.Y("label:N", title=None, sort=order),
        x=alt.X("hourly_usd:Q", title="US dollars per hour", scale=alt.Scale(domain=[0, top], nice=False)),
        color=colour, fill=since.period_fill(colour),
        shape=alt.Shape("figure:N", title="Statistic", sort=figures,
                        scale=alt.Scale(domain=figures, range=[FIGURE_SHAPES[f] for f in figures])),
        tooltip=[alt.Tooltip("population:N", title="Who"), alt.Tooltip("measure:N", title="Time counted"),
                 alt.Tooltip("figure:N", title="Statistic"), alt.Tooltip("data_year:Q", title="Year of the data", format="d"),
                 alt.Tooltip("period:N", title="Published"), alt.Tooltip("hourly_usd:Q", title="US dollars per hour", format=".2f")],
    )
    rules = alt.Chart(us_minimum).mark_rule(strokeDash=[4, 3]).encode(
        x="hourly_usd:Q", tooltip=[alt.Tooltip("label:N", title="Minimum wage"),
                                   alt.Tooltip("hourly_usd:Q", title="US dollars per hour", format=".2f")])
    chart = alt.layer(dots, rules, charts.reference_labels(us_minimum, "hourly_usd", "short", top), title=charts.title(
        "Below the minimum wage, in 2019 and since",
        "Hourly pay of micro-work and data work by study, US dollars; open marks: known in 2019, filled: "
        "published since")).properties(height=charts.rows_height(order))
    newer = rows[rows["period"] == since.PERIODS[1]]
    minimum = float(us_minimum["hourly_usd"].max())
    below = int((newer["hourly_usd"] < minimum).sum())
    description = (f"Dot chart of {len(rows)} hourly pay figures in US dollars, {text.number(len(rows) - len(newer))} "
                   f"known in 2019 and {text.number(len(newer))} published since, against a dashed line at the US "
                   f"federal minimum wage of {minimum:.2f} dollars. "
                   f"{text.capitalised(text.of_total(below, len(newer), 'newer figures'))} "
                   f"{'lies' if below == 1 and len(newer) > 1 else 'lie'} below it; the newer figures run from "
                   f"{newer['hourly_usd'].min():.2f} to {newer['hourly_usd'].max():.2f} dollars.")
    return charts.sourced(chart, provenance, description)
