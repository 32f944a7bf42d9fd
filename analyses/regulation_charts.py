"""Charts and tables of the regulation chapter, built on analyses.regulation and the chart vocabulary."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analyses import charts, since, text

ARENAS = ["Platforms", "France", "Germany", "European Union", "ILO"]
COVERAGE = ["yes", "partly", "no", "not a rule"]


CLOSE_EVENTS_DAYS = 365  # events of one arena closer than this would be drawn on top of each other


def timeline(events: pd.DataFrame) -> alt.Chart:
    """Dated events, one row per arena, from the opening of the first micro-task platform on."""
    start = events.loc[events["arena"] == "Platforms", "date"].min()
    rows = events[events["date"] >= start].assign(date_text=lambda e: e["date"].dt.strftime("%d %B %Y"))
    rows = rows.assign(offset=rows.groupby("arena")["date"].transform(
        lambda dates: charts.spread([d.toordinal() for d in dates], CLOSE_EVENTS_DAYS)))
    chart = alt.Chart(rows, title=charts.title(
        "Rules for platform work, mostly not for micro-work",
        "Dated events by arena; hover or tap a point for what happened")).mark_point(
        filled=True, size=90, opacity=1).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount=6), scale=alt.Scale(padding=12)),
        y=alt.Y("arena:N", title=None, sort=ARENAS),
        yOffset=alt.YOffset("offset:Q", scale=alt.Scale(domain=[-1.5, 1.5])),
        color=alt.Color("covers_microwork:N", title="Reaches online micro-work", sort=COVERAGE,
                        scale=charts.colour_scale(COVERAGE, (charts.GREEN, charts.ORANGE, charts.GREY, charts.BLUE))),
        shape=alt.Shape("covers_microwork:N", title="Reaches online micro-work", sort=COVERAGE,
                        scale=alt.Scale(domain=COVERAGE, range=["circle", "diamond", "cross", "square"])),
        tooltip=[alt.Tooltip("date_text:N", title="Date"), alt.Tooltip("arena:N", title="Arena"),
                 alt.Tooltip("event:N", title="What happened")],
    ).properties(height=charts.rows_height(ARENAS, per_row=36))
    first, last = rows["date"].min().year, rows["date"].max().year
    rules = rows[rows["covers_microwork"] != "not a rule"]
    covered = int((rules["covers_microwork"] == "yes").sum())
    description = (f"Dot timeline of {len(rows)} dated events from {first} to {last} in five arenas. Of the "
                   f"{len(rules)} events about rules, {text.of_them(covered, len(rules), 'concerns', 'concern')} "
                   "rules that reach online micro-work in full; the others concern ride-hailing and delivery "
                   "only, or micro-work only in part.")
    return charts.sourced(chart, rows, description)


def fairwork_scores(scores: pd.DataFrame) -> alt.Chart:
    """Fairwork cloudwork scores out of ten, by platform and year."""
    rows = scores[scores["series"] == "cloudwork"].assign(year_label=lambda r: r["year"].astype(str))
    order = list(rows.sort_values(["year", "score"], ascending=[False, False])["platform"].unique())
    years = sorted(rows["year_label"].unique())
    kinds = ["yes", "no"]
    chart = alt.Chart(rows, title=charts.title(
        "Fair work scores of online labour platforms",
        "Fairwork cloudwork ratings, points out of ten for pay, conditions, contracts, management, representation")
    ).mark_point(filled=True, size=100, opacity=1).encode(
        y=alt.Y("platform:N", title=None, sort=order),
        yOffset=alt.YOffset("year_label:N", sort=years),
        x=alt.X("score:Q", title="Fairwork score (out of ten)", scale=alt.Scale(domain=[0, 10], padding=12)),
        color=alt.Color("year_label:N", title="Rating year", sort=years, scale=charts.colour_scale(years)),
        shape=alt.Shape("microtask:N", title="Micro-task platform", sort=kinds,
                        scale=alt.Scale(domain=kinds, range=["square", "circle"])),
        tooltip=[alt.Tooltip("platform:N", title="Platform"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("score:Q", title="Score out of ten"), alt.Tooltip("microtask:N", title="Micro-task")],
    ).properties(height=charts.rows_height(order, per_row=26))
    best = rows[rows["score"] == rows["score"].max()]
    leaders = text.joined(f"{r.platform} in {r.year}" for r in best.itertuples())
    zeros = int((rows["score"] == 0).sum())
    description = (f"Dot chart of {len(rows)} Fairwork cloudwork scores for {rows['platform'].nunique()} platforms. "
                   f"The highest, {text.number(best['score'].iloc[0])} out of ten, went to {leaders}; "
                   f"{text.count(zeros, 'score')} {'is' if zeros == 1 else 'are'} zero.")
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
        x=alt.X("levy_now:Q", axis=charts.count_axis("Levy, euros a year", tickCount=5)),
        color=alt.Color("basis_label:N", title="Pay assumption", sort=list(dict.fromkeys(scenarios["basis_label"])),
                        scale=charts.colour_scale(scenarios["basis_label"], (charts.BLUE, charts.GREEN))),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("persons:Q", title="People or jobs", format=","),
                 alt.Tooltip("payments_now:Q", title="Payments, euros a year", format=",.0f"),
                 alt.Tooltip("levy_now:Q", title="Levy, euros a year", format=",.0f")],
    ).add_params(rate_param, pay_param).properties(height=charts.rows_height(scenarios["scenario"]))
    description = (f"Horizontal bars of the yearly levy in {len(scenarios)} workforce and pay scenarios, recomputed "
                   f"in the page from two sliders: the levy rate, starting at {100 * rate:g}%, and the average "
                   f"monthly pay per person in the headcount scenarios, starting at {monthly_income:g} euros.")
    return charts.sourced(chart, provenance, description)


def events_list(events: pd.DataFrame) -> str:
    """The timeline as text, for readers who cannot hover a chart: one line per event, cited."""
    return "\n".join(text.myst("- **{day}, {arena}.** {event} (reaches online micro-work: {covers}) {cites}",
                                day=f"{r.date.day} {r.date:%B %Y}", arena=r.arena, event=r.event,
                                covers=r.covers_microwork, cites=_cited(r.source, r.via))
                      for r in events.sort_values("date").itertuples())


def _cited(source: str, via) -> text.Trusted:
    return text.Trusted(text.cite(source) + (f", as reported by {text.cite(via, 't')}" if isinstance(via, str) else ""))


def options_list(options: pd.DataFrame, dimensions: dict[str, str]) -> str:
    """The options matrix as MyST: one definition list per option, cells cited or marked as assessment."""
    blocks = []
    for option, rows in options.groupby("option", sort=False):
        lines = [text.myst("**{option}**", option=option)]
        for row in rows.itertuples():
            mark = text.Trusted("*(the book's assessment)*" if row.evidence == "assessment" else text.cite(row.source))
            lines.append(text.myst(": *{dimension}*: {cell} {mark}", dimension=dimensions[row.dimension],
                                   cell=row.text, mark=mark))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def levy_against_rights(amounts: pd.DataFrame, provenance: pd.DataFrame) -> alt.LayerChart:
    """Yearly amounts per micro-worker beside the earnings that rights and the poverty line require.

    On a linear scale, each bar labelled with its amount: the levy's bar is a sliver because the
    levy is a sliver of the thresholds beside it.
    """
    items = list(amounts["item"])
    kinds = list(dict.fromkeys(amounts["kind"]))
    base = alt.Chart(amounts.assign(label=[f"{e:,.0f} euros" for e in amounts["euros"]]))
    y = alt.Y("item:N", title=None, sort=items)
    bars = base.mark_bar().encode(
        y=y, x=alt.X("euros:Q", axis=charts.count_axis("Euros a year")),
        color=alt.Color("kind:N", title=None, sort=kinds, scale=charts.colour_scale(kinds, (charts.BLUE, charts.VERMILLION))),
        tooltip=[alt.Tooltip("item:N", title="Amount"), alt.Tooltip("euros:Q", title="Euros a year", format=",.2f")],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(y=y, x="euros:Q", text="label:N")
    chart = alt.layer(bars, labels, title=charts.title(
        "What a levy buys one micro-worker",
        "Euros a year per person: the levy, the income it is levied on, and two thresholds: the earnings that "
        "validate a pension quarter (employee rule) and the poverty line")
    ).properties(height=charts.rows_height(items, per_row=36))
    levy_row = amounts.iloc[0]
    biggest = amounts.sort_values("euros").iloc[-1]
    description = (f"Bars of yearly amounts per person: the largest amount shown, the "
                   f"{biggest['item'][0].lower() + biggest['item'][1:]} ({biggest['euros']:,.0f} euros), is "
                   f"{biggest['euros'] / levy_row['euros']:,.0f} times the levy ({levy_row['euros']:,.0f} euros).")
    return charts.sourced(chart, provenance, description)


STATUSES = ["Proposed or debated", "In force, signatory platforms only", "In force, mobility platforms only",
            "Adopted, not found in force in France", "No rule found"]
STATUS_STYLE = {"Proposed or debated": (charts.GREY, "circle"),
                "In force, signatory platforms only": (charts.BLUE, "square"),
                "In force, mobility platforms only": (charts.ORANGE, "triangle-up"),
                "Adopted, not found in force in France": (charts.GREEN, "diamond"),
                "No rule found": (charts.VERMILLION, "cross")}


def options_then_and_now(status: pd.DataFrame, as_of) -> alt.Chart:
    """Each option of 2019 at the dispatch and as of the book's last search, side by side."""
    columns = {"at_dispatch": f"{since.DISPATCH_YEAR}: the dispatch", "this_edition": "Now: this edition"}
    rows = status.assign(when=status["period"].map(columns))
    order = list(dict.fromkeys(rows["option"]))
    shown = [s for s in STATUSES if s in set(rows["status"])]
    chart = alt.Chart(rows, title=charts.title(
        "The options of 2019, then and now",
        f"Where each option stood when the dispatch was written and where it stands as of {since.long_date(as_of)}")
    ).mark_point(size=200, opacity=1, filled=True).encode(
        y=alt.Y("option:N", title=None, sort=order),
        x=alt.X("when:N", title=None, sort=list(columns.values()),
                axis=alt.Axis(orient="top", labelAngle=0, labelExpr="split(datum.label, ': ')", domain=False,
                              ticks=False)),  # a two-line label would sit across the axis line
        color=alt.Color("status:N", title="Status", sort=shown,
                        scale=charts.colour_scale(shown, [STATUS_STYLE[s][0] for s in shown])),
        shape=alt.Shape("status:N", title="Status", sort=shown,
                        scale=alt.Scale(domain=shown, range=[STATUS_STYLE[s][1] for s in shown])),
        tooltip=[alt.Tooltip("option:N", title="Option"), alt.Tooltip("when:N", title="When"),
                 alt.Tooltip("status:N", title="Status"), alt.Tooltip("note:N", title="What it rests on")],
    ).properties(height=charts.rows_height(order, per_row=40))
    now = rows[rows["period"] == "this_edition"]
    counts = now["status"].value_counts()
    described = "; ".join(f"{text.count(counts[s], 'option')}: {s[0].lower() + s[1:]}" for s in shown if s in counts)
    description = (f"Grid of {text.count(len(order), 'option')} in two columns, {since.DISPATCH_YEAR} (the dispatch) "
                   f"and {since.long_date(as_of)} (this edition). Then, {text.of_them(int((rows[rows['period'] == 'at_dispatch']['status'] == STATUSES[0]).sum()), len(order), 'was', 'were')} "
                   f"only proposed or debated. Now: {described}.")
    return charts.sourced(chart, rows, description)
