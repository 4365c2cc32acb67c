"""Pure helpers of the web UI: placeholders and the rate limiter."""

from __future__ import annotations

from frontline.web.macros import fill
from frontline.web.ratelimit import RateLimiter


def test_fill_replaces_known_placeholders_only() -> None:
    values = {"customer.name": "Ann {{agent.name}}", "agent.name": "Bob"}
    assert fill("Hi {{ customer.name }}, {{agent.name}} {{ticket.secret}}", values) == \
        "Hi Ann {{agent.name}}, Bob {{ticket.secret}}"


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(2, 10)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2)] == [True, True, False]
    assert limiter.allow("b", now=2)
    assert limiter.allow("a", now=10.5)
