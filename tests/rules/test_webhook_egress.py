"""Webhooks never reach loopback, link-local, private or metadata addresses unless an admin allowed the
network; the address is checked where the connection goes (no DNS rebinding); the log keeps a status
and a short reason, never the receiver's body."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from frontline.jobs import run_pending
from frontline.kit.db import utcnow
from frontline.kit.settings import get_settings
from frontline.rules import (
    egress,
    jobs,  # noqa: F401 (registers the delivery handler)
)
from tests.factories import ticket_payload
from tests.rules.conftest import SECRET


@pytest.fixture
def no_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTLINE_WEBHOOK_ALLOWED_NETWORKS", "[]")
    get_settings.cache_clear()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://169.254.169.254/latest/meta-data/",
                                 "http://10.0.0.1/x", "http://[::1]/x", "http://localhost/x",
                                 "http://192.168.1.1/x", "http://[::ffff:127.0.0.1]/x", "http://100.64.0.1/"])
def test_internal_addresses_are_refused_when_saved(client, desk, no_allow_list, url):
    r = client.post("/api/v1/webhooks", json={"name": "probe", "url": url, "secret": SECRET},
                    headers=desk.admin.headers)
    assert r.status_code == 422, r.text
    assert "url" in r.json()["detail"]


def test_a_name_that_resolves_inside_is_refused_at_connect_time(quiet_client, database, desk, receiver,
                                                                monkeypatch):
    client = quiet_client
    r = client.post("/api/v1/webhooks", json={"name": "rebind", "url": "http://hooks.example.com/in",
                                              "secret": SECRET, "events": ["ticket.created"]},
                    headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    monkeypatch.setenv("FRONTLINE_WEBHOOK_ALLOWED_NETWORKS", "[]")
    get_settings.cache_clear()
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "",
                                                                 ("127.0.0.1", port))])
    client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers)
    run_pending(database, now=utcnow() + timedelta(seconds=5))
    assert receiver.calls == []
    log = client.get(f"/api/v1/webhooks/{r.json()['id']}/deliveries", headers=desk.admin.headers).json()
    attempt = log[0]["log"][0]
    assert attempt["status_code"] is None and attempt["error"].startswith("refused:")


def test_connection_goes_to_the_checked_address_with_the_name_as_host():
    seen = []

    def fake(host, port, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    original = socket.getaddrinfo
    socket.getaddrinfo = fake  # type: ignore[assignment]
    try:
        assert str(egress.resolve("hooks.example.com", 443, [])) == "93.184.215.14"
        with pytest.raises(egress.EgressRefused):
            egress.check_literal("http://127.0.0.2/", [])
    finally:
        socket.getaddrinfo = original  # type: ignore[assignment]
    assert seen == ["hooks.example.com"]
    assert egress.address_allowed(egress.ipaddress.ip_address("10.1.2.3"), egress.networks(["10.1.2.0/24"]))


def test_delivery_log_keeps_only_status_and_short_reason(quiet_client, database, desk, receiver):
    client = quiet_client
    receiver.fail_first = 1
    r = client.post("/api/v1/webhooks", json={"name": "h", "url": receiver.url, "secret": SECRET,
                                              "events": ["ticket.created"]}, headers=desk.admin.headers)
    client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers)
    run_pending(database, now=utcnow() + timedelta(seconds=5))
    log = client.get(f"/api/v1/webhooks/{r.json()['id']}/deliveries", headers=desk.admin.headers).json()
    first = log[0]["log"][0]
    assert first["status_code"] == 500 and first["error"] == "HTTP 500"
