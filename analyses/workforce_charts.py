"""Charts of the workforce chapter, built on analyses.workforce and the book's chart vocabulary."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from analyses import charts, since, text, workforce

NESTED_HEIGHT = 300
OUTER_RADIUS = 135  # pixels
KIND_LABELS = {"platform_claim": "Platform's own claim", "independent_estimate": "Researchers' estimate",
               "reported_unsourced": "Reported, origin not stated"}
KIND_COLOURS = (charts.VERMILLION, charts.BLUE, charts.GREY)
KIND_SHAPES = ("square", "circle", "triangle-up")
CLOSE_ON_LOG_SCALE = 0.4  # powers of ten: marks of one row closer than this would cover each other on a phone


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
        color=alt.Color("legend:N", title=None,
                        scale=charts.colour_scale(rows["legend"], (charts.BLUE, charts.PURPLE, charts.VERMILLION))),
        order=alt.Order("persons:Q", sort="descending"),
        tooltip=[alt.Tooltip("label:N", title="Circle"), alt.Tooltip("persons:Q", title="Persons", format=","),
                 alt.Tooltip("ring_only:Q", title="Outside the inner circles", format=","),
                 alt.Tooltip("share_of_outer_pct:Q", title="% of the outer circle", format=".1f")],
    )
    chart = circles.properties(height=NESTED_HEIGHT, title=charts.title(
        "Three circles, one inside the other",
        "People on micro-work platforms in France, DiPLab estimate for 2018; areas proportional to counts"))
    outer, middle, inner = rows["persons"]
    description = (f"Three nested circles. The outer circle, {outer:,} people registered on at least one "
                   f"platform, contains the {middle:,} present on a platform at least once a month, which "
                   f"contain the {inner:,} present most weeks. Each person is in the outer circle once, "
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
    kinds = list(dict.fromkeys(frame["kind"]))
    chart = alt.Chart(frame, title=charts.title(
        "Adding the circles counts people more than once",
        "The study's outer circle, the book's sum of its three circles, and the totals the press and the "
        "critics put forward in 2019, persons")).mark_bar().encode(
        y=alt.Y("total:N", title=None, sort=list(frame["total"])),
        x=alt.X("persons:Q", axis=charts.count_axis("Persons", tickCount=4)),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=charts.colour_scale(kinds)),
        tooltip=[alt.Tooltip("total:N", title="Total"), alt.Tooltip("persons:Q", title="Persons", format=",")],
    ).properties(height=charts.rows_height(frame["total"], per_row=34))
    description = (f"Bars comparing totals. The DiPLab outer circle holds {int(outer['persons']):,} people; adding the "
                   f"three nested circles gives {workforce.mistaken_total(circle_table):,}, close to the press totals, "
                   f"while the critics read the total as {int(readings.set_index('reading').loc['critics_total', 'persons']):,}.")
    return charts.sourced(chart, frame, description)


def headcount_points(headcounts: pd.DataFrame, circle_table: pd.DataFrame) -> pd.DataFrame:
    """Headcounts and the French circles in one long table, one row per figure.

    `offset` moves apart, within a row of the chart, figures that would cover each other: the same
    number reported by several sources, or numbers close on the log scale. Full-time equivalents
    are left out: they count work, not people or accounts.
    """
    rows = headcounts[~headcounts["measure"].str.startswith("Full-time equivalent")].copy()
    rows["persons_high"] = rows["persons_high"].fillna(rows["persons_low"])
    rows["persons_mid"] = ((rows["persons_low"] + rows["persons_high"]) / 2).astype("float64")
    france = pd.DataFrame({
        "population": "Micro-work platforms in France", "measure": circle_table["label"],
        "kind": "independent_estimate", "year": 2019, "persons_low": circle_table["persons"],
        "persons_high": circle_table["persons"], "persons_mid": circle_table["persons"].astype("float64"),
        "qualifier": "exact", "source": circle_table["source"], "via": circle_table["via"]})
    both = pd.concat([rows, france], ignore_index=True)
    both["kind_label"] = both["kind"].map(KIND_LABELS)
    both["offset"] = both.groupby("population")["persons_low"].transform(
        lambda persons: charts.spread([math.log10(p) for p in persons], CLOSE_ON_LOG_SCALE))
    return both


def headcounts_log(points: pd.DataFrame) -> alt.LayerChart:
    """Claimed against independently estimated headcounts, on a logarithmic scale."""
    short = {"Amazon Mechanical Turk": "Mechanical Turk", "Zhubajie / Witmart": "Zhubajie / Witmart",
             "Foule Factory / Wirk": "Wirk (Foule Factory)", "Micro-work platforms in France": "France, micro-work",
             "Micro-work sites worldwide": "World, micro-work", "Online labour platforms worldwide": "World, online labour"}
    points = points.assign(platform=points["population"].map(short))
    kinds = [KIND_LABELS[k] for k in KIND_LABELS if k in set(points["kind"])]
    x = alt.X("persons_low:Q", scale=alt.Scale(type="log", domain=[1000, 300_000_000]),
              axis=charts.count_axis("Count (log scale)", values=[1_000, 100_000, 10_000_000]))
    y = alt.Y("platform:N", title=None, sort=list(short.values()))
    offset = alt.YOffset("offset:Q", scale=alt.Scale(domain=[-1.5, 1.5]))
    color = alt.Color("kind_label:N", title=None, sort=kinds,
                      scale=charts.colour_scale(kinds, [KIND_COLOURS[list(KIND_LABELS.values()).index(k)] for k in kinds]))
    tooltip = [alt.Tooltip("population:N", title="Platform or population"), alt.Tooltip("measure:N", title="Counts"),
               alt.Tooltip("kind_label:N", title="Kind"), alt.Tooltip("year:Q", title="Year", format="d"),
               alt.Tooltip("persons_low:Q", title="Figure (low)", format=","),
               alt.Tooltip("persons_high:Q", title="Figure (high)", format=","),
               alt.Tooltip("qualifier:N", title="Qualifier")]
    base = alt.Chart(points)
    ranges = base.mark_rule(strokeWidth=3).encode(x=x, x2="persons_high:Q", y=y, yOffset=offset, color=color,
                                                 tooltip=tooltip)
    dots = base.mark_point(filled=True, size=90, opacity=1).encode(
        x=x, y=y, yOffset=offset, color=color,
        shape=alt.Shape("kind_label:N", sort=kinds, title=None,
                        scale=alt.Scale(domain=kinds, range=[KIND_SHAPES[list(KIND_LABELS.values()).index(k)]
                                                             for k in kinds])),
        tooltip=tooltip)
    chart = alt.layer(ranges, dots, title=charts.title(
        "What platforms claim and what researchers count",
        "Registered accounts, workers and active workers; each mark is one figure, lines show ranges")
    ).properties(height=charts.rows_height(short.values(), per_row=48))
    claims = points[points["kind"] == "platform_claim"]
    estimates = points[points["kind"] == "independent_estimate"]
    relayed = points[points["kind"] == "reported_unsourced"]
    description = (f"Dot plot on a logarithmic scale of {len(points)} headcounts for six platforms or populations: "
                   f"{len(claims)} figures claimed by platforms, {len(estimates)} estimates by researchers and "
                   f"{len(relayed)} reported by others without their origin. "
                   "For Mechanical Turk the researchers' estimates of workers available or active lie well below "
                   "the platform's claim; worldwide, the profiles that ever obtained work are a small fraction of "
                   "the profiles registered.")
    return charts.sourced(chart, points, description)


def sensitivity_sliders(gross: float, multihoming: float, active_share: float, references: pd.DataFrame,
                        provenance: pd.DataFrame) -> alt.LayerChart:
    """The French estimate recomputed in the page as the reader moves the two assumptions."""
    m = alt.param(name="multihoming", value=round(multihoming, 2),
                  bind=alt.binding_range(min=1, max=2.5, step=0.01, name="Multi-homing coefficient (accounts per person) "))
    a = alt.param(name="active_pct", value=round(100 * active_share, 1),
                  bind=alt.binding_range(min=1, max=60, step=0.5, name="Registered people present in a month (%) "))
    frame = pd.DataFrame({"gross": [gross]})
    measures = ["People registered", "Present at least monthly"]
    bars = alt.Chart(frame).transform_calculate(
        registered="datum.gross / multihoming",
        active="datum.gross / multihoming * active_pct / 100",
    ).transform_fold(["registered", "active"], as_=["measure", "persons"]).transform_calculate(
        label="datum.measure == 'registered' ? 'People registered' : 'Present at least monthly'",
    ).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=measures),
        x=alt.X("persons:Q", scale=alt.Scale(domain=[0, gross]), axis=charts.count_axis("Persons", tickCount=4)),
        color=alt.Color("label:N", legend=None, scale=charts.colour_scale(measures)),
        tooltip=[alt.Tooltip("label:N", title="Measure"), alt.Tooltip("persons:Q", title="Persons", format=",.0f")],
    ).add_params(m, a)
    rules = alt.Chart(references).mark_rule(strokeDash=[5, 3], strokeWidth=2, color=charts.INK.light).encode(
        x="persons:Q", tooltip=[alt.Tooltip("label:N", title="Reference"), alt.Tooltip("persons:Q", format=",")])
    texts = charts.reference_labels(references, "persons", "short", gross)
    chart = alt.layer(bars, rules, texts, title=charts.title(
        "Move the assumptions, watch the estimate",
        "Registrations implied by the DiPLab outer circle, turned into people and those present each month")
    ).properties(height=160)
    description = ("Two horizontal bars recomputed from two sliders: the multi-homing coefficient divides the "
                   f"{gross:,.0f} registrations into people, and the monthly share turns people into those present "
                   "each month. Dashed lines mark the DiPLab routine circle and the critics' total for comparison.")
    return charts.sourced(chart, provenance, description)


def growth_lines(multiples: pd.DataFrame, provenance: pd.DataFrame) -> alt.Chart:
    """What each sourced growth rate compounds to, as a multiple of any starting count."""
    scenarios = list(dict.fromkeys(multiples.sort_values("rate_pct", ascending=False)["scenario"]))
    years = int(multiples["years"].max())
    chart = alt.Chart(multiples, title=charts.title(
        "What each growth rate would compound to, if it held",
        "Multiple of any starting count after each year at the rates read in the sources: "
        "arithmetic on past rates, not a forecast of micro-workers")).mark_line(
        strokeDash=[6, 3], strokeWidth=2).encode(
        x=alt.X("years:Q", title="Years of growth at the rate", scale=alt.Scale(domain=[0, years]),
                axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("multiple:Q", title="Times the starting count", axis=alt.Axis(format="~g")),
        color=alt.Color("scenario:N", title=None, sort=scenarios, scale=charts.colour_scale(scenarios),),
        tooltip=[alt.Tooltip("scenario:N", title="Rate read"), alt.Tooltip("rate_pct:Q", title="Rate per year (%)", format=".1f"),
                 alt.Tooltip("years:Q", title="Years"), alt.Tooltip("multiple:Q", title="Times the start", format=".2f")],
    )
    last = multiples[multiples["years"] == years].sort_values("multiple")
    description = (f"Dashed lines of compound growth over {years} years, one per annual rate read in the sources. "
                   f"After {years} years the rates multiply a starting count by {last['multiple'].iloc[0]:.1f} to "
                   f"{last['multiple'].iloc[-1]:.1f}; they are arithmetic on past rates of demand for online work, "
                   "not forecasts of how many people micro-work.")
    return charts.sourced(chart, provenance, description)


def supplier_shares(shares: pd.DataFrame, series: str) -> alt.Chart:
    """Shares of online workers by country in one series of the Online Labour Index."""
    titles = {"oli2020": ("Where online workers live: the index's revised series (2020)",
                          "Share of the online workers the Online Labour Index observed, by country and year (%)"),
              "oli_supplement_2017": ("Where online workers live: the July 2017 worker supplement",
                                      "Share of the online workers observed on another sample of platforms (%)")}
    rows = shares[shares["series"] == series].assign(year_label=lambda r: r["year"].astype(str))
    countries = list(rows.sort_values("share_pct", ascending=False)["country"].unique())
    years = sorted(rows["year_label"].unique())
    heading, subtitle = titles[series]
    encoding = dict(
        y=alt.Y("country:N", title=None, sort=countries),
        x=alt.X("share_pct:Q", title="Share of workers observed (%)",
                scale=alt.Scale(domain=[0, 5 * math.ceil(shares["share_pct"].max() / 5)])),  # one scale for both
        color=alt.Color("year_label:N", title="Year", sort=years, legend=alt.Legend() if len(years) > 1 else None,
                        scale=charts.colour_scale(years, (charts.GREEN, charts.BLUE) if len(years) > 1 else (charts.ORANGE,))),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("year_label:N", title="Year"),
                 alt.Tooltip("share_pct:Q", title="Share (%)")])
    if len(years) > 1:
        encoding["yOffset"] = alt.YOffset("year_label:N", sort=years)
    chart = alt.Chart(rows, title=charts.title(heading, subtitle)).mark_bar().encode(**encoding).properties(
        height=charts.rows_height(countries, per_row=20 * len(years) + 10))
    parts = "; ".join(f"{country} {', '.join(f'{s:g}% in {y}' for y, s in zip(group['year'], group['share_pct']))}"
                      for country, group in rows.groupby("country", sort=False))
    description = f"Horizontal bars of country shares in this series only: {parts}."
    return charts.sourced(chart, rows, description)


SCOPE_LABELS = {"micro-work": "Micro-work", "micro-work on one platform": "Micro-work",
                "online gig work": "Online freelancing and micro-tasks",
                "platform work": "Platform work of every kind",
                "self-employed platform work": "Self-employed platform work"}
SCOPES = list(dict.fromkeys(SCOPE_LABELS.values()))
SCOPE_COLOURS = (charts.BLUE, charts.GREEN, charts.ORANGE, charts.PURPLE)


def counts_then_and_now(counts: pd.DataFrame, headcounts: pd.DataFrame, circle_table: pd.DataFrame) -> pd.DataFrame:
    """Counts of people known in 2019 and published since, one row per figure, each labelled with
    where it applies, its year and whom it counts (`label`), and the kind of work it covers (`scope`).

    From 2019: the French circles and the researchers' Mechanical Turk estimates (micro-work). Since:
    the counts of data/platform_work_counts.csv and the worldwide freelancer profiles of the
    headcounts table, published in 2021.
    """
    france = pd.DataFrame({
        "label": [f"France (study of {since.published_year(src)}): {workforce.CIRCLE_LABELS[c].split(' (')[0].lower()}"
                  for c, src in zip(circle_table["circle"], circle_table["source"])],
        "scope": "micro-work", "persons_low": circle_table["persons"], "persons_high": circle_table["persons"],
        "source": circle_table["source"], "via": circle_table["via"]})
    mturk = headcounts[(headcounts["population"] == "Amazon Mechanical Turk")
                       & (headcounts["measure"] == "Unique workers")]
    mturk = pd.DataFrame({"label": [f"Mechanical Turk {y}: unique workers (researchers)" for y in mturk["year"]],
                          "scope": "micro-work", "persons_low": mturk["persons_low"],
                          "persons_high": mturk["persons_high"], "source": mturk["source"], "via": mturk["via"]})
    profiles = headcounts[headcounts["population"] == "Online labour platforms worldwide"]
    profiles = profiles[profiles["measure"].isin(["Freelancer profiles registered", "Profiles that obtained work at least once"])]
    profiles = pd.DataFrame({"label": [f"World {y}: {m.lower()}" for y, m in zip(profiles["year"], profiles["measure"])],
                             "scope": "online gig work", "persons_low": profiles["persons_low"],
                             "persons_high": profiles["persons_high"], "source": profiles["source"],
                             "via": profiles["via"]})
    newer = pd.DataFrame({"label": counts["short_label"],
                          "scope": counts["scope"], "persons_low": counts["persons_low"],
                          "persons_high": counts["persons_high"], "source": counts["source"], "via": counts["via"]})
    rows = pd.concat([france, mturk, profiles, newer], ignore_index=True)
    rows["persons_high"] = rows["persons_high"].fillna(rows["persons_low"]).astype("int64")
    rows["persons_low"] = rows["persons_low"].astype("int64")
    rows["scope_label"] = rows["scope"].map(SCOPE_LABELS)
    rows = since.with_period(rows)
    return rows.sort_values(["period", "persons_low"], ascending=[True, False], kind="stable").reset_index(drop=True)


def counts_then_and_now_chart(rows: pd.DataFrame) -> alt.LayerChart:
    """Each count on a log scale, coloured by the kind of work it covers, open marks for what 2019
    knew and filled marks for what came after: the counts differ first by what they count."""
    order = list(rows["label"])
    scopes = [s for s in SCOPES if s in set(rows["scope_label"])]
    x = alt.X("persons_low:Q", scale=alt.Scale(type="log", domain=[5_000, 600_000_000]),
              axis=charts.count_axis("Count (log scale)", values=[10_000, 1_000_000, 100_000_000]))
    y = alt.Y("label:N", title=None, sort=order)
    color = alt.Color("scope_label:N", title="What is counted", sort=scopes,
                      scale=charts.colour_scale(scopes, [SCOPE_COLOURS[SCOPES.index(s)] for s in scopes]))
    tooltip = [alt.Tooltip("label:N", title="Count"), alt.Tooltip("scope_label:N", title="Kind of work"),
               alt.Tooltip("period:N", title="Published"),
               alt.Tooltip("persons_low:Q", title="Figure (low)", format=","),
               alt.Tooltip("persons_high:Q", title="Figure (high)", format=",")]
    base = alt.Chart(rows)
    ranges = base.mark_rule(strokeWidth=3).encode(x=x, x2="persons_high:Q", y=y, color=color, tooltip=tooltip)
    dots = base.mark_point(size=100, opacity=1, strokeWidth=2).encode(
        x=x, y=y, color=color, tooltip=tooltip,
        shape=alt.Shape("period:N", title="Published", sort=list(since.PERIODS),
                        scale=alt.Scale(domain=list(since.PERIODS), range=["circle", "diamond"])),
        fill=since.period_fill(color),
    )
    chart = alt.layer(ranges, dots, title=charts.title(
        "Counts since 2019 count other populations",
        "Each mark is one published count; colour says what kind of work it counts, open circles what "
        "2019 knew, filled diamonds what came after")).properties(height=charts.rows_height(order, per_row=34))
    newer = rows[rows["period"] == since.PERIODS[1]]
    micro_newer = newer[newer["scope_label"] == "Micro-work"]
    description = (f"Dot chart on a logarithmic scale of {len(rows)} counts of people or profiles, "
                   f"{text.number(len(rows) - len(newer))} known in 2019 and {text.number(len(newer))} published since. "
                   f"The newer counts run from {newer['persons_low'].min():,} to {newer['persons_high'].max():,}, "
                   f"but {'only ' if len(micro_newer) else ''}{text.of_total(len(micro_newer), len(newer), 'newer counts')} "
                   f"{'is' if len(micro_newer) == 1 else 'are'} of micro-work; the others count online "
                   "freelancing, platform work of every kind or self-employed platform workers, far larger "
                   "populations than the micro-workers of 2019.")
    return charts.sourced(chart, rows, description)
