"""Fixtures shared with the web tests."""

from tests.web.conftest import browser_for  # noqa: F401 (logged-in page clients)
