"""Pure helpers of the web UI: placeholders, stemming, FTS5 query quoting, the rate limiter."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.web.macros import fill
from frontline.web.ratelimit import RateLimiter
from frontline.web.stemming import fts5_query, stem, terms_of


def test_fill_replaces_known_placeholders_only() -> None:
    values = {"customer.name": "Ann {{agent.name}}", "agent.name": "Bob"}
    assert fill("Hi {{ customer.name }}, {{agent.name}} {{ticket.secret}}", values) == \
        "Hi Ann {{agent.name}}, Bob {{ticket.secret}}"


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


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(2, 10)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2)] == [True, True, False]
    assert limiter.allow("b", now=2)
    assert limiter.allow("a", now=10.5)
