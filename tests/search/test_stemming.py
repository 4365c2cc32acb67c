"""Words to search terms: Snowball stems in both languages, and FTS5 queries that no operator leaks into."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.search.stemming import fts5_query, stem, terms_of, tsquery


def test_stems_in_both_languages() -> None:
    assert stem("printers") == stem("printer") == "printer"
    assert stem("платежи") == stem("платёж")
    assert terms_of("Jammed PAPER") == "jam paper"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fts5_query_is_always_quoted(text: str) -> None:
    query = fts5_query(text)
    if query is not None:
        for part in query.split(" AND "):
            assert part.startswith('"') and part.endswith('"*') and '"' not in part[1:-2]


def test_tsquery_asks_for_the_same_stems_as_fts5_and_skips_runs_no_one_types() -> None:
    assert tsquery("Printers, платёжи!") == "'printer':* & 'платеж':*"
    assert tsquery("  ") is None
    assert terms_of("a" * 101 + " paper") == "paper"
