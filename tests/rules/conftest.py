"""Rules test helpers: a rule poster, and a real webhook receiver on loopback that checks signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

SECRET = "s3cret-for-tests-0123456789"


@dataclass
class Receiver:
    """Answers 500 to the first `fail_first` calls, 200 afterwards; records what it got."""

    url: str
    fail_first: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            timestamp = self.headers.get("X-Frontline-Timestamp", "")
            expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body,
                                            hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-Frontline-Signature", "")):
                receiver.bad_signatures += 1
            receiver.calls.append({"body": json.loads(body), "delivery": self.headers.get("X-Frontline-Delivery")})
            status = 500 if len(receiver.calls) <= receiver.fail_first else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    rec = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    server.RequestHandlerClass = _handler_for(rec)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


def post_rule(client, headers, **body):  # type: ignore[no-untyped-def]
    body.setdefault("name", f"rule {len(body)}-{id(body)}")
    r = client.post("/api/v1/rules", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(autouse=True)
def loopback_webhooks_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The receivers here listen on 127.0.0.1, which webhooks may reach only when an admin allows it."""
    from frontline.kit.settings import get_settings

    monkeypatch.setenv("FRONTLINE_WEBHOOK_ALLOWED_NETWORKS", '["127.0.0.0/8"]')
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def quiet_client(settings):  # type: ignore[no-untyped-def]
    """The app without its job runner: the test drives jobs with run_pending and its own clock."""
    from fastapi.testclient import TestClient

    from frontline.api.app import create_app

    with TestClient(create_app(settings.model_copy(update={"jobs_in_process": False})),
                    raise_server_exceptions=False) as c:
        yield c
