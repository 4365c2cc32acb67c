"""Helpers for web UI tests: log in through the real form, read CSRF tokens, make tickets."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontline.accounts.auth import issue_token
from frontline.accounts.models import TokenKind, User
from frontline.kit.db import Database
from frontline.tickets.create import create_ticket
from frontline.tickets.schemas import TicketCreate
from tests.factories import PASSWORD, Agent

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


class Browser:
    """A TestClient logged in as one agent (own cookie jar), with the page's CSRF token at hand."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, email: str, password: str = PASSWORD) -> Browser:
        self.csrf = csrf_of(self.client.get("/login").text)
        response = self.client.post("/login", data={"email": email, "password": password, "csrf": self.csrf},
                                    follow_redirects=False)
        assert response.status_code == 303, response.text
        self.refresh()
        return self

    def refresh(self) -> None:
        self.csrf = csrf_of(self.client.get("/ui/account").text)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(url, data={**(data or {}), "csrf": self.csrf}, **kwargs)


def session_secret(database: Database, user_id: int) -> str:
    """A login session as login() opens it, without paying for argon2 in every test."""
    with database.session() as db:
        user = db.get(User, user_id)
        assert user is not None
        _token, secret = issue_token(db, user, name="login session", kind=TokenKind.session,
                                     ttl=timedelta(hours=1))
    return secret


@pytest.fixture
def browser_for(app, database):  # type: ignore[no-untyped-def]
    """Factory of logged-in clients; each has its own cookies, like separate browsers."""
    clients: list[TestClient] = []

    def make(agent: Agent) -> Browser:
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        client.cookies.set("fl_session", session_secret(database, agent.user.id))
        browser = Browser(client)
        browser.refresh()
        return browser

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def make_ticket(database: Database, team_id: int | None, **fields: Any) -> int:
    body: dict[str, Any] = {"subject": "Printer is broken", "description": "The printer prints blank pages.",
                            "customer": {"email": "ann@client.example", "name": "Ann Customer"},
                            "team_id": team_id}
    body.update(fields)
    with database.session() as db:
        return create_ticket(db, None, TicketCreate.model_validate(body)).id


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """One headless Chromium for the whole run; each test opens its own context (cookies, language)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed: run scripts/system-deps.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
