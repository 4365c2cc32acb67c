"""Portal: the confirmation mail of a web-form request, and login by e-mailed one-time code (single use,
expiry, rate limits, the same answer for unknown addresses), then only one's own tickets."""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import decode_header, make_header

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from frontline.channels.email.models import EmailOutbound
from frontline.kit.db import utcnow
from frontline.portal.login import MAX_ATTEMPTS, REQUESTS_PER_EMAIL
from frontline.portal.models import PortalLoginCode
from frontline.tickets.models import Ticket
from tests.jobs.support import wait_for
from tests.web.conftest import csrf_of, make_ticket
from tests.web.mailserver import (  # noqa: F401
    code_in,
    mail_cert_fixture,
    mail_settings,
    outbound_mailbox_fixture,
    smtp_fixture,
    text_of,
)


def _subject(message) -> str:  # type: ignore[no-untyped-def]
    return str(make_header(decode_header(message["Subject"])))


def _submit(client: TestClient, email: str = "olga@client.example") -> str:
    token = csrf_of(client.get("/portal").text)
    page = client.post("/portal", data={"name": "Olga", "email": email, "subject": "Invoice wrong",
                                        "description": "The invoice shows the wrong amount.", "csrf": token})
    assert page.status_code == 200
    return page.text


def _ask_code(client: TestClient, email: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/portal").text)
    return client.post("/portal/login", data={"email": email, "csrf": token})


def _enter_code(client: TestClient, email: str, code: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/portal/login").text)
    return client.post("/portal/login/code", data={"email": email, "code": code, "csrf": token},
                       follow_redirects=False)


def _sign_in(client: TestClient, capture, email: str) -> None:  # type: ignore[no-untyped-def]
    before = len(capture.messages)
    assert _ask_code(client, email).status_code == 200
    assert len(capture.messages) == before + 1
    response = _enter_code(client, email, code_in(capture.messages[-1].message))
    assert response.status_code == 303 and response.headers["location"] == "/portal/my"


def test_submission_mails_number_and_private_link(client, database, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    page = _submit(client)
    number = re.search(r'id="ticket-number">(FL-\d+)<', page).group(1)
    assert "olga@client.example" in page and 'id="mail-notice"' in page and "No e-mail was sent" not in page
    assert len(capture.messages) == 1  # delivered right after the response, through the outbound queue
    mail = capture.messages[0]
    assert mail.recipients == ["olga@client.example"] and number in _subject(mail.message)
    assert mail.message["Auto-Submitted"] == "auto-replied"
    link = re.search(r"http://127\.0\.0\.1:8000(/portal/t/\S+)", text_of(mail.message)).group(1)
    assert "Invoice wrong" in client.get(link).text
    with database.session() as db:
        row = db.scalar(select(EmailOutbound))
        assert row.status == "sent" and row.kind == "auto_ack" and row.ticket_id == int(number[3:])


def test_submission_without_outbound_mailbox_says_no_mail(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    page = _submit(client)
    assert "ticket-number" in page and "No e-mail was sent" in page
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(EmailOutbound)) == 0


def test_code_login_shows_own_tickets_and_code_works_once(client, app, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    own = make_ticket(database, desk.l1.id, subject="My router is down",
                      customer={"email": "ann@client.example", "name": "Ann"})
    make_ticket(database, desk.l1.id, subject="Someone else's secret", customer={"email": "bob@client.example"})
    assert _ask_code(client, "Ann@Client.example").status_code == 200
    mail = capture.messages[-1]
    assert mail.recipients == ["ann@client.example"]
    code = code_in(mail.message)
    assert code in _subject(mail.message)
    with database.session() as db:  # at rest only its HMAC
        row = db.scalar(select(PortalLoginCode))
        assert row.code_hash != code and code not in row.code_hash and len(row.code_hash) == 64
    assert _enter_code(client, "ann@client.example", code).status_code == 303
    listing = client.get("/portal/my")
    assert listing.status_code == 200 and "My router is down" in listing.text
    assert "Someone else" not in listing.text
    assert f'href="/portal/my/{own}"' in listing.text
    with TestClient(app) as other:  # the same code in another browser: already used
        assert _enter_code(other, "ann@client.example", code).status_code == 401
        assert other.get("/portal/my", follow_redirects=False).headers["location"] == "/portal/login"


def test_code_expires(client, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    make_ticket(database, desk.l1.id, customer={"email": "ann@client.example"})
    _ask_code(client, "ann@client.example")
    code = code_in(capture.messages[-1].message)
    with database.session() as db:
        db.execute(update(PortalLoginCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = _enter_code(client, "ann@client.example", code)
    assert response.status_code == 401 and "expired" in response.text


def test_wrong_codes_kill_the_code_then_rate_limit(client, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    make_ticket(database, desk.l1.id, customer={"email": "ann@client.example"})
    _ask_code(client, "ann@client.example")
    code = code_in(capture.messages[-1].message)
    wrong = "000000" if code != "000000" else "111111"
    statuses = [_enter_code(client, "ann@client.example", wrong).status_code for _ in range(MAX_ATTEMPTS)]
    assert statuses == [401] * MAX_ATTEMPTS
    assert _enter_code(client, "ann@client.example", code).status_code == 401  # the code died with the 5th miss
    _ask_code(client, "ann@client.example")
    fresh = code_in(capture.messages[-1].message)
    for _ in range(5):  # ten misses for this address within the window ...
        _enter_code(client, "ann@client.example", wrong)
    throttled = _enter_code(client, "ann@client.example", fresh)
    assert throttled.status_code == 429 and "Too many wrong codes" in throttled.text  # ... even the right one waits


def test_code_requests_are_limited_per_address(client, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    make_ticket(database, desk.l1.id, customer={"email": "ann@client.example"})
    statuses = [_ask_code(client, "ann@client.example").status_code for _ in range(REQUESTS_PER_EMAIL + 1)]
    assert statuses == [200] * REQUESTS_PER_EMAIL + [429]
    assert len(capture.messages) == REQUESTS_PER_EMAIL


def test_unknown_address_gets_the_same_answer_and_no_mail(client, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    make_ticket(database, desk.l1.id, customer={"email": "ann@client.example"})
    known = _ask_code(client, "ann@client.example")
    unknown = _ask_code(client, "nobody@client.example")
    assert known.status_code == unknown.status_code == 200
    assert csrf_of(known.text) == csrf_of(unknown.text)
    assert known.text.replace("ann@client.example", "X") == unknown.text.replace("nobody@client.example", "X")
    assert [m.recipients for m in capture.messages] == [["ann@client.example"]]
    for guess in ("000000", "123456"):  # no code opens a session without a customer behind the address
        assert _enter_code(client, "nobody@client.example", guess).status_code == 401


def test_customer_b_never_sees_customer_a(client, app, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    a_ticket = make_ticket(database, desk.l1.id, subject="Private matter of A",
                           customer={"email": "a@client.example", "name": "Customer A"})
    b_ticket = make_ticket(database, desk.l1.id, subject="Own question of B",
                           customer={"email": "b@client.example", "name": "Customer B"})
    _sign_in(client, capture, "b@client.example")
    listing = client.get("/portal/my").text
    assert "Own question of B" in listing and "A&#39;s private matter" not in listing and "A's private" not in listing
    assert client.get(f"/portal/my/{b_ticket}").status_code == 200
    token = csrf_of(listing)
    assert client.get(f"/portal/my/{a_ticket}").status_code == 404
    assert client.get(f"/portal/my/{a_ticket}/files/1").status_code == 404
    assert client.post(f"/portal/my/{a_ticket}/reply", data={"body": "hi", "csrf": token}).status_code == 404
    assert client.post(f"/portal/my/{a_ticket}/solve", data={"csrf": token}).status_code == 404
    assert client.get("/portal/my/999999").status_code == 404
    with database.session() as db:
        assert db.get(Ticket, a_ticket).status == "new"


def test_signed_in_customer_replies_attaches_solves_and_logs_out(client, database, desk, outbound_mailbox, smtp,  # type: ignore[no-untyped-def]
                                                                 browser_for) -> None:
    capture, _port = smtp
    ticket_id = make_ticket(database, desk.l1.id, subject="Printer jams", customer={"email": "ann@client.example"})
    agent = browser_for(desk.admin)
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "Internal: VIP customer", "kind": "note"})
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "Which model is it?", "kind": "reply"})
    # the reply is mailed to the customer too (the server's runner sends it); let it arrive before the code
    assert wait_for(lambda: any("Which model is it?" in text_of(m.message) for m in capture.messages), timeout=60)
    assert [m.recipients for m in capture.messages] == [["ann@client.example"]]
    _sign_in(client, capture, "ann@client.example")
    page = client.get(f"/portal/my/{ticket_id}").text
    assert "Which model is it?" in page and "VIP customer" not in page
    token = csrf_of(page)
    reply = client.post(f"/portal/my/{ticket_id}/reply", data={"body": "An HP 1020", "csrf": token},
                        files={"files": ("jam.txt", b"paper jam code 13", "text/plain")}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == f"/portal/my/{ticket_id}"
    page = client.get(f"/portal/my/{ticket_id}").text
    assert "An HP 1020" in page
    file_url = re.search(rf'href="(/portal/my/{ticket_id}/files/\d+)"', page).group(1)
    download = client.get(file_url)
    assert download.content == b"paper jam code 13" and "attachment" in download.headers["content-disposition"]
    client.post(f"/portal/my/{ticket_id}/solve", data={"csrf": token})
    with database.session() as db:
        assert db.get(Ticket, ticket_id).status == "solved"
    secret = client.cookies.get("fl_portal")
    out = client.post("/portal/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("fl_portal", secret, path="/portal")  # the old cookie no longer opens anything
    assert client.get("/portal/my", follow_redirects=False).status_code == 303


def test_code_login_needs_an_outbound_mailbox(client, database, desk) -> None:  # type: ignore[no-untyped-def]
    make_ticket(database, desk.l1.id, customer={"email": "ann@client.example"})
    assert "not available" in client.get("/portal/login").text
    response = _ask_code(client, "ann@client.example")
    assert response.status_code == 503 and "not available" in response.text
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(PortalLoginCode)) == 0


def test_code_login_pages_in_russian(client, database, desk, outbound_mailbox, smtp) -> None:  # type: ignore[no-untyped-def]
    capture, _port = smtp
    client.headers["Accept-Language"] = "ru"
    make_ticket(database, desk.l1.id, customer={"email": "ivan@client.example"})
    page = _ask_code(client, "ivan@client.example")
    assert "Введите код" in page.text
    assert "Код для входа" in _subject(capture.messages[-1].message)
    received = _submit(client, email="ivan@client.example")
    assert "Мы также отправляем номер и эту ссылку на ivan@client.example" in received
    confirmation = capture.messages[-1].message
    assert _subject(confirmation).startswith("Ваше обращение получено")
    assert "по личной ссылке" in text_of(confirmation)


def test_old_codes_failures_and_sessions_are_purged(database, desk) -> None:  # type: ignore[no-untyped-def]
    from frontline.portal.login import purge
    from frontline.portal.models import PortalLoginFailure, PortalSession

    make_ticket(database, desk.l1.id, customer={"email": "ann@client.example"})
    old, now = utcnow() - timedelta(days=2), utcnow()
    with database.session() as db:
        contact_id = db.scalar(select(Ticket.contact_id))
        db.add_all([
            PortalLoginCode(email="ann@client.example", code_hash="x" * 64, created_at=old, expires_at=old),
            PortalLoginCode(email="ann@client.example", code_hash="y" * 64, created_at=now,
                            expires_at=now + timedelta(minutes=5)),
            PortalLoginFailure(email="ann@client.example", created_at=old),
            PortalSession(token_hash="a" * 64, contact_id=contact_id, created_at=old, expires_at=old),
            PortalSession(token_hash="b" * 64, contact_id=contact_id, created_at=now, expires_at=now + timedelta(1)),
        ])
    with database.session() as db:
        assert purge(db) == 3
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(PortalLoginCode)) == 1
        assert db.scalar(select(func.count()).select_from(PortalSession)) == 1
