"""The data catalogue of the About-the-data appendix, on a scratch package counted by hand."""

from analyses import catalogue


def test_tables_count_rows_sources_and_evidence(package_dir):
    table = catalogue.tables(package_dir).iloc[0]
    assert (table["table"], table["file"], table["rows"]) == ("shares", "data/shares.csv", 2)
    # one row read in the primary source, one in a press report of it, no assessment
    assert (table["primary"], table["secondary"], table["assessment"]) == (1, 1, 0)
    # sources, then the reports they were read in, each once
    assert table["sources"] == ["insee2019portrait", "casilli2019microtravail", "afp2019premiere"]
    assert len(table["sha256"]) == catalogue.CHECKSUM_DIGITS


def test_evidence_counts_keep_every_level(package_dir):
    counts = catalogue.evidence_counts(catalogue.provenance(package_dir))
    assert counts.set_index("evidence")["rows"].to_dict() == {"primary": 1, "secondary": 1, "assessment": 0}
    assert catalogue.evidence_totals(counts).to_dict() == {"primary": 1, "secondary": 1, "assessment": 0}


def test_markdown_list_cites_every_source(package_dir):
    text = catalogue.markdown_list(catalogue.tables(package_dir))
    assert "Two rows: one read in the primary source, one in a secondary report." in text
    assert "{cite:t}`afp2019premiere`" in text and "assessment" not in text
