"""Real-browser flows (headless Chromium through Playwright) against the app served on loopback.

Every flow runs on SQLite and on PostgreSQL (the live server serves the app of the parametrized
`database_url`); both runs together take well under a minute. Screenshots come from the SQLite run
(test-artifacts/web-{en,ru}/) and the PostgreSQL run (test-artifacts/web-{en,ru}-postgresql/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from frontline.accounts.models import User
from frontline.kit.db import Database
from frontline.web.macros import MacroInput, create_macro
from tests.factories import PASSWORD, Agent
from tests.web.conftest import make_ticket

LOCALES = {"en": "en-GB", "ru": "ru-RU"}


def shots_dir(artifacts_dir: Path, language: str, database_url: str) -> Path:
    suffix = "" if database_url.startswith("sqlite") else "-postgresql"
    shots = artifacts_dir / f"web-{language}{suffix}"
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _set_language(database: Database, agents: list[Agent], language: str) -> None:
    with database.session() as db:
        db.execute(update(User).where(User.id.in_([a.user.id for a in agents])).values(language=language))


def _login(context, live_url: str, agent: Agent, shots: Path | None = None):  # type: ignore[no-untyped-def]
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    page.goto(f"{live_url}/login")
    if shots is not None:
        page.screenshot(path=str(shots / "login.png"))
    page.fill('input[name="email"]', agent.user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url("**/ui/queues/mine")
    return page


@pytest.mark.parametrize("language", ["en", "ru"])
def test_agent_replies_with_macro_escalates_and_l2_sees_it(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, artifacts_dir, language, database_url
) -> None:
    shots = shots_dir(artifacts_dir, language, database_url)
    _set_language(database, [desk.agent1, desk.agent2], language)
    ticket_id = make_ticket(database, desk.l1.id, subject="VPN drops every hour",
                            customer={"email": "max@client.example", "name": "Max Mustermann"})
    with database.session() as db:
        principal = desk.agent1
        from frontline.accounts.auth import authenticate_token

        create_macro(db, authenticate_token(db, principal.token), MacroInput(
            title="Ask for logs", team_id=desk.l1.id, set_status="pending",
            body="Hello {{customer.name}}, please send the VPN client logs for {{ticket.number}}. {{agent.name}}"))
    l1 = chromium.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 900})
    page = _login(l1, live_url, desk.agent1, shots)
    page.click('a[href="/ui/queues/l1"]')
    page.wait_for_selector(f'a[href="/ui/tickets/{ticket_id}"]')
    page.wait_for_selector('[data-queue="l1"]')  # live counts arrived over HTMX
    page.screenshot(path=str(shots / "queue.png"), full_page=True)
    page.click(f'td.subject a[href="/ui/tickets/{ticket_id}"]')
    page.fill("#macro-q", "logs")
    page.click("#macro-results button")
    page.wait_for_selector('input[name="macro_id"]', state="attached")
    text = page.input_value("#reply-body")
    assert text.startswith("Hello Max Mustermann") and f"FL-{ticket_id}" in text
    page.click('#reply-box button[type="submit"]')
    page.wait_for_selector(".msg-reply")
    assert "please send the VPN client logs" in page.inner_text(".msg-reply")
    page.screenshot(path=str(shots / "ticket.png"), full_page=True)
    page.fill('#escalate textarea[name="reason"]', "VPN server side: needs L2 network access")
    page.click('#escalate button[type="submit"]')
    page.wait_for_url("**/ui/queues/mine?done=escalated*")
    assert f"FL-{ticket_id}" in page.inner_text("#notice")  # the confirmation, in the agent's language
    assert page.dialogs == []

    l2 = chromium.new_context(locale=LOCALES[language])
    other = _login(l2, live_url, desk.agent2)
    other.click('a[href="/ui/queues/l2"]')
    other.click(f'td.subject a[href="/ui/tickets/{ticket_id}"]')
    assert "needs L2 network access" in other.inner_text(".reason")
    if language == "ru":
        assert "передал(а) обращение с L1 (First line) на L2 (Second line)" in other.inner_text(".timeline")
        assert other.inner_text("h2 >> nth=0") == "Параметры"
    l1.close()
    l2.close()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_customer_submits_and_replies_through_private_link(  # type: ignore[no-untyped-def]
    chromium, live_url, artifacts_dir, language, tmp_path, database_url
) -> None:
    shots = shots_dir(artifacts_dir, language, database_url)
    attachment = tmp_path / "screenshot.txt"
    attachment.write_text("error code 7")
    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_url}/portal")
    page.fill('input[name="name"]', "Мария" if language == "ru" else "Mary")
    page.fill('input[name="email"]', "mary@client.example")
    page.fill('input[name="subject"]', "Не приходит счёт" if language == "ru" else "Invoice missing")
    page.fill('textarea[name="description"]', "Где мой счёт за март?" if language == "ru" else "Where is my invoice?")
    page.set_input_files('input[name="files"]', str(attachment))
    page.screenshot(path=str(shots / "portal-form.png"), full_page=True)
    page.click('button[type="submit"]')
    number = page.inner_text("#ticket-number")
    assert number.startswith("FL-")
    page.click("#private-link")
    page.wait_for_selector("#portal-reply")
    assert "screenshot.txt" in page.inner_text(".timeline")
    page.fill('#portal-reply textarea[name="body"]', "Добавляю подробности" if language == "ru" else "More details")
    page.click('#portal-reply button[type="submit"]')
    page.wait_for_selector("text=" + ("Добавляю подробности" if language == "ru" else "More details"))
    assert number in page.inner_text("h1")
    page.screenshot(path=str(shots / "portal-ticket.png"), full_page=True)
    context.close()


def test_hostile_message_is_inert_in_the_browser(chromium, live_url, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket_id = make_ticket(
        database, desk.l1.id, subject="<img src=x onerror=alert('subject')>",
        description="<script>alert('text')</script>",
        description_html=('<p>Invoice</p><script>alert("html")</script><img src="x" onerror="alert(1)">'
                          '<a id="evil" href="javascript:alert(2)">open</a><svg onload="alert(3)"></svg>'
                          '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>'),
        customer={"email": "eve@client.example", "name": "<script>alert('name')</script>"})
    context = chromium.new_context()
    page = _login(context, live_url, desk.agent1)
    page.goto(f"{live_url}/ui/tickets/{ticket_id}")
    page.wait_for_selector(".msg-inbound")
    if page.locator("#evil").count():
        page.click("#evil")
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "<script>alert('name')</script>" in page.inner_text(".panel")  # shown as text, not run
    context.close()
