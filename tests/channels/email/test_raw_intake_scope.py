"""Raw mail intake needs an integration token of its mailbox, inactive mailboxes refuse, and the answer
is the same whether a message joined a ticket or opened one (no oracle for ticket numbers)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.email.conftest import make_mail
from tests.channels.email.test_api import intake_headers
from tests.factories import ticket_payload


def _mailbox(client: TestClient, desk: Any, name: str, team_id: int) -> None:
    r = client.post("/api/v1/mailboxes", json={"name": name, "address": f"{name}@desk.example", "team_id": team_id},
                    headers=desk.admin.headers)
    assert r.status_code == 201, r.text


def test_write_tokens_cannot_post_raw_mail(client: TestClient, desk: Any) -> None:
    _mailbox(client, desk, "sales", desk.l1.id)
    raw = make_mail(subject="Hello")
    for caller in (desk.agent1, desk.agent2, desk.admin):
        r = client.post("/api/v1/mailboxes/sales/raw", headers={**caller.headers, "Content-Type": "message/rfc822"},
                        content=raw)
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"


def test_intake_token_is_bound_to_its_mailbox_and_does_nothing_else(client: TestClient, desk: Any) -> None:
    _mailbox(client, desk, "sales", desk.l1.id)
    _mailbox(client, desk, "billing", desk.l2.id)
    sales = intake_headers(client, desk, "sales")
    raw = make_mail(subject="Hello")
    assert client.post("/api/v1/mailboxes/billing/raw", headers=sales, content=raw).status_code == 404
    assert client.get("/api/v1/tickets", headers=sales).status_code == 403
    bearer = {"Authorization": sales["Authorization"]}
    assert client.post("/api/v1/tickets", json=ticket_payload(), headers=bearer).status_code == 403
    assert client.post("/api/v1/mailboxes/sales/tokens", json={}, headers=desk.agent1.headers).status_code == 403


def test_inactive_mailbox_refuses_mail(client: TestClient, desk: Any) -> None:
    _mailbox(client, desk, "sales", desk.l1.id)
    headers = intake_headers(client, desk)
    client.patch("/api/v1/mailboxes/sales", json={"is_active": False}, headers=desk.admin.headers)
    r = client.post("/api/v1/mailboxes/sales/raw", headers=headers, content=make_mail(subject="Late"))
    assert r.status_code == 409 and "inactive" in r.json()["detail"]


def test_joined_message_reveals_no_more_than_a_new_ticket(client: TestClient, desk: Any) -> None:
    _mailbox(client, desk, "sales", desk.l1.id)
    hidden = client.post("/api/v1/tickets", json=ticket_payload(team_id=desk.l2.id), headers=desk.admin.headers)
    number = hidden.json()["number"]
    headers = intake_headers(client, desk)
    joined = client.post("/api/v1/mailboxes/sales/raw", headers=headers,
                         content=make_mail(subject=f"Re: [{number}] more", sender="x@elsewhere.example"))
    fresh = client.post("/api/v1/mailboxes/sales/raw", headers=headers,
                        content=make_mail(subject=f"Re: [FL-{hidden.json()['id'] + 999}] more"))
    assert joined.status_code == fresh.status_code == 201
    shape = {k: v for k, v in joined.json().items() if k != "raw_id"}
    assert shape == {k: v for k, v in fresh.json().items() if k != "raw_id"}
    assert shape["ticket_id"] is None and shape["ticket_number"] is None and shape["status"] == "accepted"


def test_nul_characters_in_mail_are_stripped_not_a_500(client: TestClient, desk: Any) -> None:
    _mailbox(client, desk, "sales", desk.l1.id)
    raw = make_mail(subject="Pay\x00ment", body="Hello\x00 there").replace(b"Message-ID: <", b"Message-ID: <\x00")
    r = client.post("/api/v1/mailboxes/sales/raw", headers=intake_headers(client, desk), content=raw)
    assert r.status_code == 201, r.text
    record = client.get(f"/api/v1/raw-emails/{r.json()['raw_id']}", headers=desk.admin.headers).json()
    ticket = client.get(f"/api/v1/tickets/{record['ticket_id']}", headers=desk.admin.headers).json()
    assert "\x00" not in ticket["subject"] and ticket["subject"].replace(" ", "") == "Payment"
