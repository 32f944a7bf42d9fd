"""The dispatch checked claim by claim: the ledger's figures come from the data, never typed.

`data/claims.csv` writes figures as `[[name]]` placeholders. `figures()` computes every named
figure from the data tables with the same functions the chapters use, and `fill()` puts them
into the text, so the ledger cannot drift from the chapters.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from analyses import charts, data, gender, poverty, since, text, workforce

PLACEHOLDER = re.compile(r"\[\[([a-z_0-9:]+)\]\]")
SINCE_2019 = ["changes the verdict", "verdict holds", "no newer evidence found"]
VERDICTS = ["supported", "needs nuance", "not supported by the sources found", "contradicted",
            "not checkable: personal testimony"]
# How a sentence says that one claim, or several, got a verdict.
VERDICT_PHRASES = {
    "supported": ("is supported", "are supported"),
    "needs nuance": ("needs nuance", "need nuance"),
    "not supported by the sources found": ("rests on no source we could find", "rest on no source we could find"),
    "contradicted": ("is contradicted by the sources", "are contradicted by the sources"),
    "not checkable: personal testimony": ("is a personal testimony that no source can check",
                                          "are personal testimonies that no source can check"),
}
# The badge each verdict is shown in: a colour to find it by, and always its words.
VERDICT_BADGES = {"supported": "supported", "needs nuance": "nuance",
                  "not supported by the sources found": "unsourced", "contradicted": "contradicted",
                  "not checkable: personal testimony": "testimony"}
CHAPTERS = {"workforce": ("How many click workers?", "chapter-workforce"),
            "gender": ("Who clicks? Gender and the triple day", "chapter-gender"),
            "pay": ("Paid by the click: pay and poverty", "chapter-pay"),
            "regulation": ("What could regulation do?", "chapter-regulation")}


class PlaceholderError(KeyError):
    """A claim names a figure that the data do not provide."""


def _number(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def figures() -> dict[str, str]:
    """Every figure the ledger can cite, formatted for reading, computed from the data tables."""
    values: dict[str, str] = {}
    dispatch = data.load("dispatch_figures").set_index("figure")
    for name, row in dispatch.iterrows():
        if row["unit"] == "year":
            values[f"dispatch:{name}"] = str(int(row["value_low"]))
        else:
            values[f"dispatch:{name}"] = _number(row["value_low"], 0 if float(row["value_low"]).is_integer() else 1)
    values["dispatch:growth_low"] = _number(dispatch.loc["growth_rate", "value_low"])
    values["dispatch:growth_high"] = _number(dispatch.loc["growth_rate", "value_high"])

    circles = workforce.circles(data.load("france_estimate")).set_index("circle")
    for circle in workforce.CIRCLES:
        values[circle] = _number(circles.loc[circle, "persons"])
    values["casual_ring_only"] = _number(circles.loc["casual", "ring_only"])
    values["critics_total"] = _number(data.load("france_readings").set_index("reading").loc["critics_total", "persons"])

    headcounts = data.load("headcounts")
    heads = headcounts.set_index(["population", "measure", "source"])
    unique = heads.loc[("Amazon Mechanical Turk", "Unique workers", "ipeirotis_blog_howmany")]
    active = heads.loc[("Amazon Mechanical Turk", "Workers active at any given time", "ipeirotis_blog_howmany")]
    values.update(mturk_unique_low=_number(unique["persons_low"]), mturk_unique_high=_number(unique["persons_high"]),
                  mturk_active_low=_number(active["persons_low"]), mturk_active_high=_number(active["persons_high"]))
    witmart = headcounts.query("population == 'Zhubajie / Witmart'").set_index("source")["persons_low"]
    values["witmart_2010_designcrowd"] = _number(witmart["designcrowd2010witkey"])
    values["witmart_2013_officials"] = _number(witmart["chinadaily2013cloud"])
    values["gigstats_share"] = _number(data.load("europe_platform_work")["share_pct"].iloc[0])

    growth = data.load("online_labour_growth").set_index("reading")
    two = growth.loc["oli_two_years"]
    values["oli_launch_annual"] = _number(growth.loc["oli_launch_annual", "growth_pct"])
    values["oli_past_year"] = _number(growth.loc["oli_past_year", "growth_pct"])
    values["oli_two_year_annual"] = _number(workforce.annualised_pct(
        two["growth_pct"], workforce.months_between(two["window_start"], two["window_end"])), 1)
    values["oli_five_year"] = _number(growth.loc["oli_five_years", "growth_pct"])
    shares = data.load("supplier_countries").set_index(["series", "year", "country"])["share_pct"]
    values["india_2021"] = _number(shares[("oli2020", 2021, "India")])
    values["bangladesh_supplement"] = _number(shares[("oli_supplement_2017", 2017, "Bangladesh")])

    women = data.load("women_shares").set_index("population")["women_pct"]
    values["diplab_women"] = _number(women["diplab_foule_factory"], 1)
    values["critics_women"] = _number(women["critics_most_active"], 1)
    domestic = gender.time_use_minutes(data.load("time_use_2010").query("activity == 'domestic_total' and sex == 'women'"))
    values["domestic_women_max"] = gender.hours_minutes(domestic["minutes"].max())

    income = data.load("microwork_income").set_index(["survey", "measure"])["value"]
    values["diplab_poor"] = _number(income[("diplab", "below_poverty_line")])
    values["diplab_comparator"] = _number(income[("diplab", "national_comparator")])
    contribution = poverty.latest_contribution_rate(data.load("contribution_rates"))
    workers = poverty.testimonies(dispatch["value_low"], contribution,
                                  poverty.press_usd_per_eur(data.load("hourly_pay")))
    values["amelie_net"] = _number(workers.loc["amelie", "monthly_net"])
    values["ferdinand_hourly"] = _number(workers.loc["ferdinand", "hourly_eur"], 2)
    values["julie_drop"] = _number(100 * (1 - dispatch.loc["julie_hours_low", "value_low"]
                                          / dispatch.loc["julie_hours", "value_low"]))

    timeline = data.load("regulation_timeline")
    platforms = timeline[timeline["arena"] == "Platforms"].sort_values("date")
    values["mturk_launch_year"] = str(platforms["date"].iloc[0].year)
    closure = platforms[platforms["source"] == "aws_mturk_closure"]["date"].iloc[0]
    values["mturk_closure_date"] = since.long_date(closure)
    ilo = timeline[timeline["arena"] == "ILO"].sort_values("date")
    values["ilo_founded"] = str(ilo["date"].iloc[0].year)
    values["centenary_year"] = str(ilo[ilo["event"].str.contains("centenary")]["date"].iloc[0].year)
    france = timeline[timeline["arena"] == "France"].sort_values("date")
    values["amendment_date"] = f"{france['date'].iloc[0].day} {france['date'].iloc[0]:%B %Y}"
    eu = timeline[timeline["arena"] == "European Union"].sort_values("date")
    values["temp_directive_year"] = str(eu["date"].iloc[0].year)
    values["directive_deadline"] = since.long_date(
        eu[eu["source"] == "eurlex_2024_2831"]["date"].max())
    values["c193_date"] = since.long_date(ilo[ilo["source"] == "normlex_c193"]["date"].iloc[0])
    values.update(since_figures())
    return values


def since_figures() -> dict[str, str]:
    """The figures the ledger's "since 2019" notes cite, from the tables of newer evidence."""
    counts = data.load("platform_work_counts").set_index("estimate")
    shares = data.load("platform_work_shares").set_index("measure")
    checks = data.load("status_checks")
    return {
        "cloudresearch_mturk": _number(counts.loc["cloudresearch_mturk", "persons_low"]),
        "cloudresearch_year": str(counts.loc["cloudresearch_mturk", "year"]),
        "dares_self_employed": _number(counts.loc["dares_self_employed", "persons_low"]),
        "dares_year": str(counts.loc["dares_self_employed", "year"]),
        "ec_platform_workers": f"{counts.loc['ec_platform_work', 'persons_low'] / 1e6:g} million",
        "eurostat_men": _number(shares.loc["eurostat_men", "share_pct"], 1),
        "eurostat_women": _number(shares.loc["eurostat_women", "share_pct"], 1),
        "eurostat_year": str(shares.loc["eurostat_men", "year"]),
        "malta_women": _number(shares.loc["malta_women", "share_pct"], 1),
        "malta_year": str(shares.loc["malta_women", "year"]),
        "time_use_check_date": since.long_date(since.check(checks, "insee_time_use_2025")["as_of"]),
    }


def fill(template: str, values: dict[str, str], claim_id: str = "") -> str:
    """The template with every [[name]] replaced; PlaceholderError naming the claim and the name."""
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise PlaceholderError(f"claim '{claim_id}' uses [[{name}]], which no data table provides")
        return values[name]

    return PLACEHOLDER.sub(replace, template)


def ledger(claims: pd.DataFrame, values: dict[str, str]) -> pd.DataFrame:
    """The claims with their placeholders filled."""
    filled = claims.copy()
    filled["since_2019_say"] = filled["since_2019_say"].astype("object").where(filled["since_2019_say"].notna(), "")
    for column in ("claim", "sources_say", "since_2019_say"):
        filled[column] = [fill(text, values, cid) for text, cid in zip(filled[column], claims["claim_id"])]
    return filled


def _counts(claims: pd.DataFrame, column: str, values: list[str], what: str) -> pd.Series:
    """Claims per value of a column, in the given order, zeros included; unknown values refused."""
    unknown = set(claims[column]) - set(values)
    if unknown:
        raise ValueError(f"{what} the ledger does not know: {sorted(unknown)}")
    return claims[column].value_counts().reindex(values, fill_value=0)


def verdict_counts(claims: pd.DataFrame) -> pd.Series:
    """Claims per verdict, in the ledger's order of verdicts, zeros included."""
    return _counts(claims, "verdict", VERDICTS, "verdicts")


def verdict_summary(claims: pd.DataFrame) -> str:
    """One sentence giving every verdict's count, so that the parts always add up to the whole."""
    counts = verdict_counts(claims)
    parts = []
    for verdict, n in counts.items():
        singular, plural = VERDICT_PHRASES[verdict]
        if n:
            parts.append(f"{text.number(n)} {singular if n == 1 else plural}")
        elif verdict == "contradicted":
            parts.append(f"none {singular}")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"Of the {text.number(len(claims))} statements of the dispatch that the book checks, {listed}."


def verdict_markup(claim_id: str, verdict: str) -> text.Trusted:
    """A verdict as MyST, tagged with its claim so that a test can find it on every page it is stated."""
    if verdict not in VERDICTS or not text.CITATION_KEY.fullmatch(claim_id):
        raise ValueError(f"claim {claim_id!r}: not a verdict or an identifier the page can carry")
    return text.Trusted(f"[{verdict}]{{.claim-verdict .claim-{claim_id.replace('_', '-')} "
                        f".verdict-{VERDICT_BADGES[verdict]}}}")


def ledger_markdown(filled: pd.DataFrame) -> str:
    """The ledger as MyST, one section per chapter, each claim a short definition list."""
    blocks = []
    for chapter, (title, label) in CHAPTERS.items():
        rows = filled[filled["chapter"] == chapter]
        if rows.empty:
            continue
        blocks.append(f"### {title}\n\nDiscussed in {{ref}}`{label}`.")
        blocks.append(chapter_markdown(rows))
    return "\n\n".join(blocks)


def chapter_markdown(filled: pd.DataFrame) -> str:
    """Claims with their verdicts, what the sources say, and the sources, as MyST definition lists."""
    blocks = []
    for row in filled.itertuples():
        block = text.myst("**{claim}**\n: *Verdict:* {verdict}\n: *What the sources say:* {say}\n"
                          ": *Sources:* {cites}", claim=row.claim, say=row.sources_say,
                          verdict=verdict_markup(row.claim_id, row.verdict), cites=text.cite(row.sources, "t"))
        blocks.append(block + "\n" + since_markdown(row))
    return "\n\n".join(blocks)


EVIDENCE_STRENGTHS = ["read in the primary sources", "partly read in copies", "read only in copies",
                      "no source found", "a testimony: nothing to read"]


def evidence_strength(claim, provenance: pd.DataFrame) -> str:
    """How the evidence behind a verdict was read, from the data rows of the claim's sources: in
    the sources themselves, partly or only in copies (press reports, republications), or none."""
    if claim.verdict == "not checkable: personal testimony":
        return EVIDENCE_STRENGTHS[4]
    if claim.verdict == "not supported by the sources found":
        return EVIDENCE_STRENGTHS[3]
    keys = [k.strip() for k in claim.sources.split(";")]
    read = provenance[provenance["source"].isin(keys) & (provenance["evidence"] != "assessment")]
    primary = set(read.loc[read["evidence"] == "primary", "source"])
    if not len(read) or not primary:
        return EVIDENCE_STRENGTHS[2] if len(read) else EVIDENCE_STRENGTHS[0]
    return EVIDENCE_STRENGTHS[0] if set(read["source"]) <= primary else EVIDENCE_STRENGTHS[1]


def support_table(filled: pd.DataFrame, provenance: pd.DataFrame) -> str:
    """A chapter's closing table, as MyST: each claim of the dispatch it checks, the verdict (a
    badge with its words), how the evidence was read, and the section that discusses it."""
    lines = [":::{table}", ":class: book-support-table", "",
             "| The dispatch's statement | Verdict | Evidence | Where |", "|---|---|---|---|"]
    for row in filled.itertuples():
        lines.append(text.myst("| {claim} | {verdict} | {strength} | {where} |", claim=row.claim,
                               verdict=verdict_markup(row.claim_id, row.verdict),
                               strength=evidence_strength(row, provenance),
                               where=_where(row.section, row.chapter)))
    return "\n".join(lines + [":::"])


def _where(section: str, chapter: str) -> text.Trusted:
    """A link to the section that discusses a claim, naming its chapter when it is another one
    (section labels start with their chapter's key: 'regulation-since')."""
    home = section.split("-", 1)[0]
    if home not in CHAPTERS:
        raise ValueError(f"section label {section!r} does not start with a chapter key of {sorted(CHAPTERS)}")
    link = f"{{ref}}`{section}`"
    return text.Trusted(link if home == chapter else f"{link}, in {{ref}}`{CHAPTERS[home][1]}`")


def since_markdown(row) -> str:
    """The definition-list line saying whether the evidence published since 2019 changes a verdict."""
    if row.since_2019 not in SINCE_2019:
        raise ValueError(f"claim {row.claim_id!r}: {row.since_2019!r} is not one of {SINCE_2019}")
    if not row.since_2019_say:
        return text.myst(": *Since 2019:* {status}.", status=row.since_2019[0].upper() + row.since_2019[1:])
    cites = text.cite(row.since_2019_sources) if isinstance(row.since_2019_sources, str) else ""
    return text.myst(": *Since 2019:* {status}. {say} {cites}", status=row.since_2019[0].upper() + row.since_2019[1:],
                     say=row.since_2019_say, cites=text.Trusted(cites))


def since_counts(claims: pd.DataFrame) -> pd.Series:
    """Claims by what the newer evidence does to their verdict, in SINCE_2019's order, zeros kept."""
    return _counts(claims, "since_2019", SINCE_2019, "since-2019 readings")


def since_summary(claims: pd.DataFrame) -> str:
    """One sentence: how many verdicts the evidence published since 2019 changes, holds, or leaves unread."""
    counts = since_counts(claims)
    changed, held, none = (int(counts[k]) for k in SINCE_2019)
    total = len(claims)
    return (f"Of the {text.number(total)} checked statements, the evidence published since 2019 changes the "
            f"verdict on {text.number(changed) if changed else 'none'}; it bears on "
            f"{text.number(held)} without changing {'its verdict' if held == 1 else 'their verdicts'}, and for "
            f"the other {text.number(none)} no newer evidence was found.")


def claims_with(claims: pd.DataFrame, verdict: str) -> list[str]:
    """The claims that got one verdict, as the ledger words them, placeholders filled."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    return list(claims.loc[claims["verdict"] == verdict, "claim"])


def verdict_chart(claims: pd.DataFrame) -> alt.Chart:
    """Stacked bars (the claims of a verdict add up): how many claims got each verdict, by chapter."""
    counts = claims.groupby(["verdict", "chapter"]).size().rename("claims").reset_index()
    counts["chapter_title"] = counts["chapter"].map(lambda key: CHAPTERS[key][0])
    titles = [t for t, _ in CHAPTERS.values()]
    chart = alt.Chart(counts, title=charts.title(
        "How the dispatch's claims fare",
        "Statements of the 2019 dispatch that the book checks, by its verdict and the chapter that checks them")
    ).mark_bar().encode(
        y=alt.Y("verdict:N", title=None, sort=VERDICTS, scale=alt.Scale(domain=VERDICTS)),
        x=alt.X("claims:Q", title="Claims", stack="zero", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("chapter_title:N", title="Chapter", sort=titles, scale=charts.colour_scale(titles)),
        tooltip=[alt.Tooltip("verdict:N", title="Verdict"), alt.Tooltip("chapter_title:N", title="Chapter"),
                 alt.Tooltip("claims:Q", title="Claims")],
    ).properties(height=charts.rows_height(VERDICTS, per_row=34))
    description = (f"Stacked horizontal bars of the checked claims by verdict, coloured by chapter. "
                   f"{verdict_summary(claims)}")
    return charts.sourced(chart, claims, description)
