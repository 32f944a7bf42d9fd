"""The data package described for readers: what each table holds and where its figures come from."""

from __future__ import annotations

import pandas as pd

from analyses import data, since, text

CHECKSUM_DIGITS = 16


def provenance(data_dir=data.DATA_DIR) -> pd.DataFrame:
    """The provenance columns of every row of every table, with the table's name."""
    frames = []
    for res in data.package(data_dir)["resources"]:
        rows = data.load(res["name"], data_dir)[list(data.PROVENANCE_FIELDS)]
        frames.append(rows.assign(table=res["name"]))
    return pd.concat(frames, ignore_index=True)


def tables(data_dir=data.DATA_DIR) -> pd.DataFrame:
    """One line per table: title, rows, sources cited, rows by evidence level."""
    rows = []
    prov = provenance(data_dir)
    by_level = evidence_counts(prov).pivot(index="table", columns="evidence", values="rows")
    for res in data.package(data_dir)["resources"]:
        own = prov[prov["table"] == res["name"]]
        cited = list(dict.fromkeys(list(own["source"]) + [v for v in own["via"] if not pd.isna(v)]))
        rows.append({
            "table": res["name"],
            "file": f"data/{res['path']}",
            "title": res["title"],
            "description": res["description"],
            "rows": len(own),
            **{level: int(by_level.loc[res["name"], level]) for level in data.EVIDENCE_LEVELS},
            "sources": cited,
            "sha256": data.sha256(data_dir / res["path"])[:CHECKSUM_DIGITS],
        })
    return pd.DataFrame(rows)


def evidence_counts(prov: pd.DataFrame) -> pd.DataFrame:
    """Rows per table and evidence level, zeros included, from the provenance of every row."""
    counts = prov.groupby(["table", "evidence"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(data.EVIDENCE_LEVELS), fill_value=0)
    return counts.reset_index().melt(id_vars="table", var_name="evidence", value_name="rows")


def evidence_totals(counts: pd.DataFrame) -> pd.Series:
    """Rows by evidence level across all tables, every level present."""
    return counts.groupby("evidence")["rows"].sum().reindex(list(data.EVIDENCE_LEVELS), fill_value=0)


def markdown_list(frame: pd.DataFrame) -> str:
    """The catalogue as a MyST definition list (reads well on a phone), sources as citations."""
    entries = []
    for row in frame.itertuples():
        entries.append(text.myst(
            "**{title}** ({file})\n: {description}\n: {rows}: {evidence}. Sources: {cites}. Checksum {checksum}.",
            title=row.title, file=text.code(row.file), description=row.description,
            rows=text.capitalised(text.count(row.rows, "row")), evidence=_evidence_phrase(row),
            cites=text.Trusted("; ".join(text.cite(key, "t") for key in row.sources)), checksum=row.sha256))
    return "\n\n".join(entries)


def _evidence_phrase(row) -> str:
    """'all read in the primary source', or how many were read where."""
    if row.primary == row.rows:
        return "all read in the primary source" if row.rows > 1 else "read in the primary source"
    if row.assessment == row.rows:
        return "all the book's own assessment" if row.rows > 1 else "the book's own assessment"

    def amount(n: int) -> str:
        return "none" if n == 0 else text.number(n)

    parts = [f"{amount(row.primary)} read in the primary source", f"{amount(row.secondary)} in a secondary report"]
    if row.assessment:
        parts.append(f"{amount(row.assessment)} the book's own assessment")
    return ", ".join(parts)


def evidence_chart(counts: pd.DataFrame, rows: pd.DataFrame, titles: dict[str, str]):
    """Bars of each table's rows split by where they were read, as shares of the table (the parts
    of a table add up to it; one long table would flatten the others on a scale of rows).

    `titles` names each table for readers, by its name in the package; the bars show each title
    without its parentheses.
    """
    import altair as alt

    from analyses import charts

    levels = list(data.EVIDENCE_LEVELS)
    shown = counts.assign(title=counts["table"].map(lambda t: titles[t].split(" (")[0]),  # short: no parentheses
                          table_rows=counts.groupby("table")["rows"].transform("sum"))
    primary_share = shown[shown["evidence"] == "primary"].set_index("title")["rows"] / \
        shown[shown["evidence"] == "primary"].set_index("title")["table_rows"]
    order = list(primary_share.sort_values(ascending=False).index)
    chart = alt.Chart(shown, title=charts.title(
        "Where the book's figures were read",
        "Each data table's rows, by the kind of evidence behind them, as shares of the table")).mark_bar().encode(
        y=alt.Y("title:N", title=None, sort=order),
        x=alt.X("rows:Q", title="Share of rows", stack="normalize",
                axis=alt.Axis(format=".0%")),
        color=alt.Color("evidence:N", title="Read in", sort=levels, scale=charts.colour_scale(levels)),
        tooltip=[alt.Tooltip("title:N", title="Table"), alt.Tooltip("table:N", title="File name"),
                 alt.Tooltip("evidence:N", title="Read in"), alt.Tooltip("rows:Q", title="Rows"),
                 alt.Tooltip("table_rows:Q", title="Rows of the table")],
    ).properties(height=charts.rows_height(order, per_row=22))
    total = int(counts["rows"].sum())
    by_level = evidence_totals(counts)
    description = (f"Horizontal bars, one per data table, splitting its rows by the evidence behind them, as "
                   f"shares of the table. Across the {counts['table'].nunique()} tables, {by_level['primary']} of {total} rows "
                   f"come from primary sources, {by_level['secondary']} from secondary reports and "
                   f"{by_level['assessment']} are the book's own assessments.")
    return charts.sourced(chart, rows, description)


def copies_markdown(copies: pd.DataFrame) -> str:
    """Each copy or relay the book read instead of a primary source, once, with why and when
    the primary was last looked for, as a MyST definition list."""
    entries = []
    for row in copies.sort_values(["source", "copy"]).itertuples():
        entries.append(text.myst("{copy}, for {primary}\n: {reason} Last searched for on {checked}.",
                                 copy=text.cite(row.copy, "t"), primary=text.cite(row.source, "t"),
                                 reason=row.reason, checked=since.long_date(row.checked)))
    return "\n\n".join(entries)


def checks_markdown(checks: pd.DataFrame) -> str:
    """Each dated search for what the book could not find, with where it looked and what it found."""
    entries = []
    for row in checks.sort_values("check_id").itertuples():
        entries.append(text.myst("**{question}**\n: {answer}, as of {date}. {finding} {cites}\n: Searched: {searched}.",
                                 question=row.question, answer="Found" if row.found == "yes" else "Not found",
                                 date=since.long_date(row.as_of), finding=row.finding, searched=row.searched,
                                 cites=text.cite_as_read(row.source, row.via)))
    return "\n\n".join(entries)
