"""Idempotency-Key: a retried create returns the same ticket, never a duplicate, also under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.factories import ticket_payload


def _count(client, agent) -> int:
    return len(client.get("/api/v1/tickets?limit=200", headers=agent.headers).json()["items"])


def test_retry_returns_the_same_ticket(client, desk):
    body = ticket_payload()
    headers = {**desk.agent1.headers, "Idempotency-Key": "order-42"}
    first = client.post("/api/v1/tickets", json=body, headers=headers)
    again = client.post("/api/v1/tickets", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _count(client, desk.agent1) == 1


def test_same_key_other_body_is_a_conflict(client, desk):
    headers = {**desk.agent1.headers, "Idempotency-Key": "k1"}
    assert client.post("/api/v1/tickets", json=ticket_payload(subject="A"), headers=headers).status_code == 201
    r = client.post("/api/v1/tickets", json=ticket_payload(subject="B"), headers=headers)
    assert r.status_code == 409 and "different request" in r.json()["detail"]
    assert _count(client, desk.agent1) == 1


def test_keys_are_per_caller(client, desk):
    body = ticket_payload()
    a = client.post("/api/v1/tickets", json=body, headers={**desk.agent1.headers, "Idempotency-Key": "same"})
    b = client.post("/api/v1/tickets", json=body, headers={**desk.admin.headers, "Idempotency-Key": "same"})
    assert a.json()["id"] != b.json()["id"]


def test_failed_create_does_not_burn_the_key(client, desk):
    headers = {**desk.agent1.headers, "Idempotency-Key": "retry-after-fix"}
    bad = ticket_payload(team_id=999999)
    assert client.post("/api/v1/tickets", json=bad, headers=headers).status_code == 422
    good = ticket_payload(team_id=desk.l1.id)
    assert client.post("/api/v1/tickets", json=good, headers=headers).status_code == 201


def test_concurrent_retries_create_exactly_one(live_url, client, desk):
    body = ticket_payload()
    headers = {**desk.agent1.headers, "Idempotency-Key": "burst"}

    def send(_: int) -> httpx.Response:
        return httpx.post(f"{live_url}/api/v1/tickets", json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(16)))
    ok = [r for r in responses if r.status_code == 201]
    # A retry that arrives while the first is still in flight may be told to retry (409); none duplicates.
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    assert ok and len({r.json()["id"] for r in ok}) == 1
    assert _count(client, desk.agent1) == 1
