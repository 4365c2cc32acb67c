"""Mailbox API (admins only, passwords never returned) and the raw RFC 822 intake endpoint."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.channels.email.conftest import make_mail
from tests.factories import make_agent

SECRET = "imap-pass-never-shown"


def _create(client: TestClient, headers: dict[str, str], **extra: Any) -> Any:
    body = {"name": "sales", "address": "sales@desk.example", "imap_host": "imap.desk.example",
            "imap_user": "sales", "imap_password": SECRET, "smtp_host": "smtp.desk.example",
            "smtp_password": "smtp-pass-never-shown", **extra}
    return client.post("/api/v1/mailboxes", headers=headers, json=body)


def test_admin_configures_mailbox_and_passwords_never_come_back(
        client: TestClient, desk: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    created = _create(client, desk.admin.headers, team_id=desk.l1.id, imap_security="starttls")
    assert created.status_code == 201, created.text
    out = created.json()
    assert (out["imap_port"], out["smtp_port"], out["imap_password_set"], out["smtp_password_set"]) == (
        143, 587, True, True)
    patched = client.patch("/api/v1/mailboxes/sales", headers=desk.admin.headers,
                           json={"closed_reply": "reopen", "smtp_password": None})
    assert patched.status_code == 200 and patched.json()["smtp_password_set"] is False
    listed = client.get("/api/v1/mailboxes", headers=desk.admin.headers)
    everything = created.text + patched.text + listed.text + caplog.text
    assert SECRET not in everything and "smtp-pass-never-shown" not in everything
    assert _create(client, desk.admin.headers).status_code == 409


def test_only_admins_configure_mailboxes(client: TestClient, desk: Any) -> None:
    assert _create(client, desk.agent1.headers).status_code == 403
    assert client.get("/api/v1/mailboxes", headers=desk.supervisor.headers).status_code == 403


def intake_headers(client: TestClient, desk: Any, mailbox: str = "sales") -> dict[str, str]:
    r = client.post(f"/api/v1/mailboxes/{mailbox}/tokens", json={"name": "relay"}, headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}", "Content-Type": "message/rfc822"}


def test_raw_message_endpoint_creates_once_and_needs_an_intake_token(
        client: TestClient, desk: Any, database: Any) -> None:
    assert _create(client, desk.admin.headers, team_id=desk.l1.id).status_code == 201
    raw = make_mail(subject="Over HTTP", message_id="<http-1@client.example>")
    headers = intake_headers(client, desk)
    first = client.post("/api/v1/mailboxes/sales/raw", headers=headers, content=raw)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "accepted" and body["ticket_id"] is None and body["ticket_number"] is None
    again = client.post("/api/v1/mailboxes/sales/raw", headers=headers, content=raw)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["raw_id"] == body["raw_id"]
    for other in (desk.agent1, desk.admin, make_agent(database, teams=[desk.l1], scopes=["read"])):
        denied = client.post("/api/v1/mailboxes/sales/raw", headers={**other.headers}, content=raw)
        assert denied.status_code == 403, denied.text
    assert client.post("/api/v1/mailboxes/sales/raw", content=raw).status_code == 401
    assert client.post("/api/v1/mailboxes/nope/raw", headers=headers, content=raw).status_code == 404
    record = client.get(f"/api/v1/raw-emails/{body['raw_id']}", headers=desk.agent1.headers).json()
    body["ticket_id"] = record["ticket_id"]
    original = client.get(f"/api/v1/raw-emails/{body['raw_id']}/original", headers=desk.agent1.headers)
    assert original.status_code == 200 and original.content == raw
    record = client.get(f"/api/v1/raw-emails/{body['raw_id']}", headers=desk.agent1.headers).json()
    assert (record["status"], record["source"], record["ticket_id"]) == ("new_ticket", "http", body["ticket_id"])
    assert client.get(f"/api/v1/raw-emails/{body['raw_id']}", headers=desk.agent2.headers).status_code == 404
