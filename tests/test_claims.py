"""The claims ledger: every figure of the dispatch is checked, and every figure cited is computed."""

from __future__ import annotations

import re

import pytest

from analyses import claims, data

PERSONAL_DETAILS = {"amelie_age", "julie_age", "julie_years"}  # ages and tenure: not claims to check


@pytest.fixture(scope="module")
def ledger():
    return data.load("claims")


def test_every_placeholder_is_computed_from_the_data(ledger):
    filled = claims.ledger(ledger, claims.figures())
    for column in ("claim", "sources_say"):
        assert not filled[column].str.contains(r"\[\[").any()


def test_unknown_placeholder_names_the_claim():
    with pytest.raises(claims.PlaceholderError, match="claim 'x' uses \\[\\[nothing\\]\\]"):
        claims.fill("a [[nothing]] b", {}, "x")


def test_every_figure_of_the_dispatch_has_a_claim(ledger):
    figures = set(data.load("dispatch_figures")["figure"])
    referenced = set(ledger["dispatch_figure"].dropna())
    for text in list(ledger["claim"]) + list(ledger["sources_say"]):
        referenced |= set(re.findall(r"\[\[dispatch:([a-z_]+)\]\]", text))
    assert figures - referenced - PERSONAL_DETAILS == set()


def test_law_and_institution_statements_are_in_the_ledger(ledger):
    assert {"charter_amendment", "ilo_centenary", "temp_agency_directive"} <= set(ledger["claim_id"])


def test_ledger_figures_match_the_chapters(ledger):
    values = claims.figures()
    assert values["casual"] == "266,126"            # Le Ludec, Tubaro and Casilli (2019), abstract
    assert values["casual_ring_only"] == "213,789"   # 266,126 - 52,337
    assert values["oli_two_year_annual"] == "10.4"   # 1.25 ** (12 / 27) - 1
    assert values["amendment_date"] == "7 June 2019"
    assert values["dispatch:mturk_founded"] == "2005"


def test_ledger_markdown_groups_by_chapter_and_cites(ledger):
    text = claims.ledger_markdown(claims.ledger(ledger, claims.figures()))
    assert text.index("### How many click workers?") < text.index("### What could regulation do?")
    assert "{cite:t}`leludec2019howmany`" in text
    assert "{ref}`chapter-pay`" in text


def test_the_strength_of_evidence_follows_how_the_sources_were_read():
    import pandas as pd

    provenance = pd.DataFrame({"source": ["a", "a", "b", "c"], "evidence": ["primary", "secondary", "secondary", "assessment"]})
    claim = lambda verdict, sources: pd.Series({"verdict": verdict, "sources": sources})  # noqa: E731
    strength = claims.evidence_strength
    assert strength(claim("supported", "a"), provenance) == "read in the primary sources"
    assert strength(claim("supported", "a;b"), provenance) == "partly read in copies"
    assert strength(claim("needs nuance", "b"), provenance) == "read only in copies"
    assert strength(claim("not supported by the sources found", "a"), provenance) == "no source found"
    assert strength(claim("not checkable: personal testimony", "a"), provenance) == "a testimony: nothing to read"


def test_each_chapter_table_has_every_claim_of_the_chapter_with_a_badge_and_a_section(ledger):
    from analyses import catalogue

    filled = claims.ledger(ledger, claims.figures())
    provenance = catalogue.provenance()
    for chapter, rows in filled.groupby("chapter"):
        table = claims.support_table(rows, provenance)
        lines = [line for line in table.splitlines() if line.startswith("|")]
        assert len(lines) == len(rows) + 2, chapter
        for row, line in zip(rows.itertuples(), lines[2:]):
            assert f".verdict-{claims.VERDICT_BADGES[row.verdict]}" in line
            assert f"{{ref}}`{row.section}`" in line
            assert ("in {ref}`chapter-" in line) == (not row.section.startswith(row.chapter))
