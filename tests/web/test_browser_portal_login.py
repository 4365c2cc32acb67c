"""Real browser (headless Chromium): a customer signs in to the portal with a one-time code that really went
through SMTP (aiosmtpd), sees only their own requests, opens one, replies with a file, marks it solved and
signs out. English and Russian, on SQLite and PostgreSQL; screenshots at phone width under
test-artifacts/web-{en,ru}[-postgresql]/portal-login*.png and portal-my*.png."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from frontline.tickets.models import Ticket
from tests.web.conftest import make_ticket
from tests.web.mailserver import (  # noqa: F401
    code_in,
    mail_cert_fixture,
    mail_settings,
    outbound_mailbox_fixture,
    smtp_fixture,
)
from tests.web.test_browser_flows import LOCALES, shots_dir

TEXT = {
    "en": {"reply": "Here is the log file", "solved": "Solved"},
    "ru": {"reply": "Прилагаю журнал", "solved": "Решено"},
}


def _wait_for_mail(capture, count: int) -> None:  # type: ignore[no-untyped-def]
    """The code is mailed right after the response; give the server a moment."""
    deadline = time.monotonic() + 15
    while len(capture.messages) < count:
        if time.monotonic() > deadline:
            raise AssertionError("the code never reached the SMTP server")
        time.sleep(0.05)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_customer_signs_in_with_emailed_code(  # type: ignore[no-untyped-def]
    chromium, live_url, desk, database, database_url, artifacts_dir, outbound_mailbox, smtp, language, tmp_path
) -> None:
    capture, _port = smtp
    shots = shots_dir(artifacts_dir, language, database_url)
    own = make_ticket(database, desk.l1.id, subject="Счёт не пришёл" if language == "ru" else "Invoice missing",
                      customer={"email": "mary@client.example", "name": "Mary"})
    make_ticket(database, desk.l1.id, subject="Other customer's secret", customer={"email": "bob@client.example"})
    log = tmp_path / "app.log"
    log.write_text("error 7 at 12:00")
    context = chromium.new_context(locale=LOCALES[language], viewport={"width": 390, "height": 844})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(f"{live_url}/portal/login")
    page.fill('#code-request input[name="email"]', "Mary@Client.example")
    page.screenshot(path=str(shots / "portal-login.png"), full_page=True)
    page.click('#code-request button[type="submit"]')
    page.wait_for_selector("#code-verify")
    _wait_for_mail(capture, 1)
    assert capture.messages[0].recipients == ["mary@client.example"]
    page.fill('#code-verify input[name="code"]', code_in(capture.messages[0].message))
    page.screenshot(path=str(shots / "portal-login-code.png"), full_page=True)
    page.click('#code-verify button[type="submit"]')
    page.wait_for_url("**/portal/my")
    listing = page.inner_text("#my-tickets")
    assert f"FL-{own}" in listing and "Other customer" not in listing
    page.screenshot(path=str(shots / "portal-my.png"), full_page=True)

    page.click(f'#my-tickets a[href="/portal/my/{own}"] >> nth=0')
    page.wait_for_selector("#portal-reply")
    page.fill('#portal-reply textarea[name="body"]', TEXT[language]["reply"])
    page.set_input_files('#portal-reply input[name="files"]', str(log))
    page.click('#portal-reply button[type="submit"]')
    page.wait_for_selector("text=" + TEXT[language]["reply"])
    assert "app.log" in page.inner_text(".timeline")
    page.click('form[action$="/solve"] button')
    page.wait_for_selector(".badge.status-solved")
    assert TEXT[language]["solved"] in page.inner_text(".badge.status-solved")
    page.screenshot(path=str(shots / "portal-my-ticket.png"), full_page=True)
    with database.session() as db:
        assert db.scalar(select(Ticket.status).where(Ticket.id == own)) == "solved"

    page.goto(f"{live_url}/portal/my")
    page.click("#portal-logout")
    page.wait_for_url("**/portal/login")
    page.goto(f"{live_url}/portal/my")
    page.wait_for_url("**/portal/login")  # signed out: the list is gone
    assert dialogs == []
    context.close()
