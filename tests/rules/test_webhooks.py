"""Webhooks against a real HTTP server on loopback: signed bodies, retries with backoff, the delivery log."""

from __future__ import annotations

from datetime import timedelta

from frontline.jobs import run_pending
from frontline.kit.db import utcnow
from frontline.rules import jobs  # noqa: F401 (registers the delivery handler)
from frontline.rules.webhooks import sign, verify
from tests.factories import ticket_payload
from tests.rules.conftest import SECRET, post_rule


def _endpoint(client, desk, receiver, events):
    r = client.post("/api/v1/webhooks", json={"name": f"hook {events}", "url": receiver.url, "secret": SECRET,
                                              "events": events}, headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    assert "secret" not in r.json()
    return r.json()


def test_signature_covers_timestamp_and_body():
    body = b'{"event":"ticket.created"}'
    signature = sign(SECRET, 1_700_000_000, body)
    assert verify(SECRET, "1700000000", body, signature)
    assert not verify(SECRET, "1700000001", body, signature)  # replayed with another timestamp
    assert not verify(SECRET, "1700000000", body + b" ", signature)
    assert not verify("another-secret-0123456789", "1700000000", body, signature)


def test_created_event_is_delivered_signed_after_two_failures(quiet_client, database, desk, receiver):
    client = quiet_client
    receiver.fail_first = 2
    hook = _endpoint(client, desk, receiver, ["ticket.created"])
    t = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
    run_pending(database)
    assert len(receiver.calls) == 1
    run_pending(database, now=utcnow() + timedelta(seconds=15))  # first retry after 10-12 s
    assert len(receiver.calls) == 2
    run_pending(database, now=utcnow() + timedelta(seconds=60))  # second retry after 20-24 s more
    assert len(receiver.calls) == 3
    run_pending(database, now=utcnow() + timedelta(seconds=600))  # delivered: nothing more is sent
    assert len(receiver.calls) == 3 and receiver.bad_signatures == 0
    assert {c["delivery"] for c in receiver.calls} == {str(receiver.calls[0]["body"]["delivery_id"])}
    assert receiver.calls[0]["body"]["event"] == "ticket.created"
    assert receiver.calls[0]["body"]["ticket"]["id"] == t["id"]
    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=desk.admin.headers).json()
    assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 3)]
    assert [(a["attempt"], a["status_code"]) for a in log[0]["log"]] == [(1, 500), (2, 500), (3, 200)]
    assert log[0]["log"][0]["error"].startswith("HTTP 500") and log[0]["log"][2]["error"] is None


def test_rule_calls_a_webhook_and_unsubscribed_events_send_nothing(quiet_client, database, desk, receiver):
    client = quiet_client
    hook = _endpoint(client, desk, receiver, [])
    post_rule(client, desk.supervisor.headers, name="Tell billing", events=["created"],
              conditions={"all": [{"field": "subject", "op": "contains", "value": "invoice"}]},
              actions=[{"type": "webhook", "webhook_id": hook["id"]}])
    client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers)
    billing = client.post("/api/v1/tickets", json=ticket_payload(subject="Wrong invoice"),
                          headers=desk.agent1.headers).json()
    run_pending(database)
    assert len(receiver.calls) == 1 and receiver.bad_signatures == 0
    sent = receiver.calls[0]["body"]
    assert (sent["event"], sent["ticket"]["id"], sent["rule"]["rule"]) == ("rule", billing["id"], "Tell billing")


def test_unreachable_endpoint_is_logged_and_fails_after_the_last_attempt(quiet_client, database, desk):
    client = quiet_client
    r = client.post("/api/v1/webhooks", json={"name": "gone", "url": "http://127.0.0.1:9/hook", "secret": SECRET,
                                              "events": ["ticket.created"]}, headers=desk.admin.headers)
    hook = r.json()
    client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers)
    at = utcnow()
    for step in range(9):
        run_pending(database, now=at + timedelta(hours=step * 2))
    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=desk.admin.headers).json()
    assert log[0]["status"] == "failed" and log[0]["attempts"] == 8
    assert all(a["status_code"] is None and a["error"] for a in log[0]["log"])
