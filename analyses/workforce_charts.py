"""Charts of the workforce chapter, built on analyses.workforce and the book's chart theme."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analyses import charts, workforce

NESTED_HEIGHT = 300
OUTER_RADIUS = 135  # pixels


def nested_circles(circle_table: pd.DataFrame) -> alt.Chart:
    """The three circles drawn inside one another, areas proportional to the counts."""
    rows = circle_table.copy()
    rows["radius"] = OUTER_RADIUS * (rows["persons"] / rows["persons"].max()) ** 0.5
    rows["area"] = (2 * rows["radius"]) ** 2  # Vega sizes a symbol by the area of its bounding square
    rows["centre_y"] = rows["radius"] - OUTER_RADIUS  # every circle touches the bottom of the outer one
    rows["legend"] = [f"{label}: {persons:,}" for label, persons in zip(rows["label"], rows["persons"])]
    circles = alt.Chart(rows.assign(x=0)).mark_circle(opacity=1, stroke="white", strokeWidth=2).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[-1, 1]), axis=None),
        y=alt.Y("centre_y:Q", scale=alt.Scale(domain=[-NESTED_HEIGHT / 2, NESTED_HEIGHT / 2]), axis=None),
        size=alt.Size("area:Q", scale=None, legend=None),
        color=alt.Color("legend:N", title=None, sort=list(rows["legend"]),
                        scale=alt.Scale(range=[charts.PALETTE[4], charts.PALETTE[0], charts.PALETTE[5]])),
        order=alt.Order("persons:Q", sort="descending"),
        tooltip=[alt.Tooltip("label:N", title="Circle"), alt.Tooltip("persons:Q", title="Persons", format=","),
                 alt.Tooltip("ring_only:Q", title="Outside the inner circles", format=","),
                 alt.Tooltip("share_of_outer_pct:Q", title="% of the outer circle", format=".1f")],
    )
    chart = circles.properties(height=NESTED_HEIGHT, title=charts.title(
        "Three circles, one inside the other",
        "Micro-workers in France by frequency of activity, DiPLab estimate; areas proportional to counts"))
    outer, middle, inner = rows["persons"]
    description = (f"Three nested circles. The outer circle, {outer:,} people registered on at least one "
                   f"platform, contains the {middle:,} routine micro-workers active at least monthly, which "
                   f"contain the {inner:,} very active ones. Each person is in the outer circle once, "
                   "so the circles must not be added up.")
    return charts.sourced(chart, rows, description)


def totals_compared(circle_table: pd.DataFrame, readings: pd.DataFrame) -> alt.Chart:
    """The outer circle beside the sum of the circles, the press totals and the critics' reading."""
    outer = circle_table.iloc[0]
    rows = [
        {"total": "Outer circle (DiPLab)", "kind": "Study", "persons": int(outer["persons"]),
         "source": outer["source"], "via": outer["via"]},
        {"total": "Three circles added", "kind": "Book's arithmetic",
         "persons": workforce.mistaken_total(circle_table), "source": outer["source"], "via": outer["via"]},
    ]
    names = {"press_sum_poleemploi": "Pôle emploi news site", "press_sum_silicon": "Silicon.fr",
             "critics_total": "Critics' reading"}
    for reading in readings.itertuples():
        rows.append({"total": names[reading.reading], "kind": "Critics" if reading.reading == "critics_total" else "Press",
                     "persons": int(reading.persons), "source": reading.source, "via": reading.via})
    frame = pd.DataFrame(rows)
    chart = alt.Chart(frame, title=charts.title(
        "Adding the circles counts people twice",
        "Totals of micro-workers in France put forward in 2019, persons")).mark_bar().encode(
        y=alt.Y("total:N", title=None, sort=list(frame["total"])),
        x=alt.X("persons:Q", title="Persons", axis=alt.Axis(format="~s", tickCount=4)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(range=charts.PALETTE[:4])),
        tooltip=[alt.Tooltip("total:N", title="Total"), alt.Tooltip("persons:Q", title="Persons", format=",")],
    ).properties(height=alt.Step(34))
    description = (f"Bars comparing totals. The DiPLab outer circle holds {int(outer['persons']):,} people; adding the "
                   f"three nested circles gives {workforce.mistaken_total(circle_table):,}, close to the press totals, "
                   f"while the critics read the total as {int(readings.set_index('reading').loc['critics_total', 'persons']):,}.")
    return charts.sourced(chart, frame, description)


def headcount_points(headcounts: pd.DataFrame, circle_table: pd.DataFrame) -> pd.DataFrame:
    """Headcounts and the French circles in one long table, one row per figure, mid-point for ranges."""
    rows = headcounts.copy()
    rows["persons_high"] = rows["persons_high"].fillna(rows["persons_low"])
    rows["persons_mid"] = ((rows["persons_low"] + rows["persons_high"]) / 2).astype("float64")
    france = pd.DataFrame({
        "population": "Micro-work platforms in France", "measure": circle_table["label"],
        "kind": "independent_estimate", "year": 2019, "persons_low": circle_table["persons"],
        "persons_high": circle_table["persons"], "persons_mid": circle_table["persons"].astype("float64"),
        "qualifier": "exact", "source": circle_table["source"], "via": circle_table["via"]})
    both = pd.concat([rows, france], ignore_index=True)
    both["kind_label"] = both["kind"].map({"platform_claim": "Platform's own claim",
                                           "independent_estimate": "Independent estimate"})
    return both


def headcounts_log(points: pd.DataFrame) -> alt.LayerChart:
    """Claimed against independently estimated headcounts, on a logarithmic scale."""
    short = {"Amazon Mechanical Turk": "Mechanical Turk", "Zhubajie / Witmart": "Zhubajie / Witmart",
             "Foule Factory / Wirk": "Wirk (Foule Factory)", "Micro-work platforms in France": "France, micro-work",
             "Micro-work sites worldwide": "World, micro-work", "Online labour platforms worldwide": "World, online labour"}
    points = points.assign(platform=points["population"].map(short))
    x = alt.X("persons_low:Q", title="Persons or profiles (log scale)",
              scale=alt.Scale(type="log", domain=[1000, 300_000_000]),
              axis=alt.Axis(format="~s", values=[1_000, 100_000, 10_000_000]))
    y = alt.Y("platform:N", title=None, sort=list(short.values()))
    color = alt.Color("kind_label:N", title=None, scale=alt.Scale(range=[charts.PALETTE[5], charts.PALETTE[0]]),
                      sort=["Platform's own claim", "Independent estimate"])
    tooltip = [alt.Tooltip("population:N", title="Platform or population"), alt.Tooltip("measure:N", title="Counts"),
               alt.Tooltip("kind_label:N", title="Kind"), alt.Tooltip("year:Q", title="Year", format="d"),
               alt.Tooltip("persons_low:Q", title="Figure (low)", format=","),
               alt.Tooltip("persons_high:Q", title="Figure (high)", format=","),
               alt.Tooltip("qualifier:N", title="Qualifier")]
    base = alt.Chart(points)
    ranges = base.mark_rule(strokeWidth=3).encode(x=x, x2="persons_high:Q", y=y, color=color, tooltip=tooltip)
    dots = base.mark_point(filled=True, size=90, opacity=0.85).encode(
        x=x, y=y, color=color, shape=alt.Shape("kind_label:N", legend=None), tooltip=tooltip)
    chart = alt.layer(ranges, dots, title=charts.title(
        "What platforms claim and what researchers count",
        "Registered accounts, workers and active workers; each mark is one figure, lines show ranges")
    ).properties(height=alt.Step(44))
    claims = points[points["kind"] == "platform_claim"]
    estimates = points[points["kind"] == "independent_estimate"]
    description = (f"Dot plot on a logarithmic scale of {len(points)} headcounts for six platforms or populations: "
                   f"{len(claims)} figures claimed by platforms and {len(estimates)} independent estimates. "
                   "For Mechanical Turk the independent estimates of workers available or active lie well below "
                   "the platform's claim; worldwide, the profiles that ever obtained work are a small fraction of "
                   "the profiles registered.")
    return charts.sourced(chart, points, description)


def sensitivity_sliders(gross: float, multihoming: float, active_share: float, references: pd.DataFrame,
                        provenance: pd.DataFrame) -> alt.LayerChart:
    """The French estimate recomputed in the page as the reader moves the two assumptions."""
    m = alt.param(name="multihoming", value=round(multihoming, 2),
                  bind=alt.binding_range(min=1, max=2.5, step=0.01, name="Multi-homing coefficient (accounts per person) "))
    a = alt.param(name="active_pct", value=round(100 * active_share, 1),
                  bind=alt.binding_range(min=1, max=60, step=0.5, name="Registered people active in a month (%) "))
    frame = pd.DataFrame({"gross": [gross]})
    bars = alt.Chart(frame).transform_calculate(
        registered="datum.gross / multihoming",
        active="datum.gross / multihoming * active_pct / 100",
    ).transform_fold(["registered", "active"], as_=["measure", "persons"]).transform_calculate(
        label="datum.measure == 'registered' ? 'People registered' : 'Active at least monthly'",
    ).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=["People registered", "Active at least monthly"]),
        x=alt.X("persons:Q", title="Persons", scale=alt.Scale(domain=[0, gross]), axis=alt.Axis(format="~s", tickCount=4)),
        color=alt.Color("label:N", legend=None, scale=alt.Scale(range=[charts.PALETTE[4], charts.PALETTE[0]])),
        tooltip=[alt.Tooltip("label:N", title="Measure"), alt.Tooltip("persons:Q", title="Persons", format=",.0f")],
    ).add_params(m, a)
    rules = alt.Chart(references).mark_rule(strokeDash=[4, 3]).encode(
        x="persons:Q", tooltip=[alt.Tooltip("label:N", title="Reference"), alt.Tooltip("persons:Q", format=",")])
    texts = alt.Chart(references.assign(row=[8 + 13 * i for i in range(len(references))])).mark_text(
        align="left", dx=4, fontSize=11).encode(x="persons:Q", y=alt.Y("row:Q", scale=None), text="short:N")
    chart = alt.layer(bars, rules, texts, title=charts.title(
        "Move the assumptions, watch the estimate",
        "Registrations implied by the DiPLab outer circle, turned into people and monthly actives")
    ).properties(height=160)
    description = ("Two horizontal bars recomputed from two sliders: the multi-homing coefficient divides the "
                   f"{gross:,.0f} registrations into people, and the active share turns people into monthly "
                   "actives. Dashed lines mark the DiPLab routine circle and the critics' total for comparison.")
    return charts.sourced(chart, provenance, description)


def growth_lines(scenarios: pd.DataFrame, provenance: pd.DataFrame) -> alt.Chart:
    """Compound-growth arithmetic from the base year, one line per sourced rate."""
    chart = alt.Chart(scenarios, title=charts.title(
        "Scenarios, not forecasts: compounding each reading",
        "Persons if the casual circle grew every year at each rate read in the sources")).mark_line(point=True).encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("persons:Q", title="Persons (scenario)", axis=alt.Axis(format="~s")),
        color=alt.Color("scenario:N", title=None, scale=alt.Scale(range=charts.PALETTE)),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("rate_pct:Q", title="Rate per year (%)", format=".1f"),
                 alt.Tooltip("year:O", title="Year"), alt.Tooltip("persons:Q", title="Persons", format=",.0f")],
    )
    last = scenarios[scenarios["year"] == scenarios["year"].max()].sort_values("persons")
    description = (f"Lines of compound growth from {scenarios['year'].min()} to {scenarios['year'].max()}, one per "
                   f"annual rate. By {scenarios['year'].max()} the scenarios range from {last['persons'].iloc[0]:,.0f} "
                   f"to {last['persons'].iloc[-1]:,.0f} persons; they are arithmetic on stated rates, not forecasts.")
    return charts.sourced(chart, provenance, description)


def supplier_shares(shares: pd.DataFrame) -> alt.Chart:
    """Shares of online workers by country in the two OLI series, kept apart."""
    rows = shares.copy()
    rows["series_label"] = rows["series"].map({"oli2020": "OLI 2020 series",
                                               "oli_supplement_2017": "Worker supplement, July 2017"})
    rows["when"] = rows["series_label"] + ", " + rows["year"].astype(str)
    chart = alt.Chart(rows, title=charts.title(
        "Where online workers live",
        "Share of the online workers observed by the Online Labour Index, by country (%)")).mark_bar().encode(
        y=alt.Y("country:N", title=None, sort=["India", "Bangladesh", "United States"]),
        yOffset=alt.YOffset("when:N", sort=sorted(rows["when"].unique())),
        x=alt.X("share_pct:Q", title="Share of observed online workers (%)"),
        color=alt.Color("when:N", title=None, scale=alt.Scale(range=[charts.PALETTE[2], charts.PALETTE[0], charts.PALETTE[1]])),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("when:N", title="Series"),
                 alt.Tooltip("share_pct:Q", title="Share (%)")],
    ).properties(height=alt.Step(16))
    india = rows[(rows["country"] == "India") & (rows["series"] == "oli2020")].set_index("year")["share_pct"]
    description = (f"Grouped bars of country shares. In the OLI 2020 series India's share rose from "
                   f"{india.iloc[0]:g}% to {india.iloc[-1]:g}%; the 2017 worker supplement, a different "
                   "platform sample, ranks India, Bangladesh and the United States first.")
    return charts.sourced(chart, rows, description)
