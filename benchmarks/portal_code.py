"""Server time of asking for a portal login code: a known address against an unknown one.

Run by hand: `.venv/bin/python benchmarks/portal_code.py [--db sqlite,postgresql] [--repetitions 300]`.
The page must not tell the two apart, by its text (tested) nor by its time. Each request goes through the
whole ASGI app in process (CSRF, the code transaction, rendering); the mail of a known address is sent
after the response, so the script stops the clock at the response: the ASGI `http.response.body` message,
before the app goes on to the background task. The mailbox points at a closed port so the background
send fails at once. Prints p50/p95 wall time and process CPU per request for each kind, interleaved.
"""

from __future__ import annotations

import argparse
import logging
import re
import resource
import time
from tempfile import TemporaryDirectory
from typing import Any

import numpy as np
from _common import database
from fastapi.testclient import TestClient

from frontline.api.app import create_app
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.contacts.service import contact_for_email
from frontline.kit.db import get_database
from frontline.kit.settings import Settings
from frontline.portal import login
from tests.support.live import free_port


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Stopwatch:
    """ASGI middleware noting when the response body went out (before any background task runs)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.done: tuple[float, float] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def timed(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.done = (time.perf_counter(), _cpu())

        await self.app(scope, receive, timed)


def run(kind: str, repetitions: int) -> None:
    with database(kind) as url, TemporaryDirectory() as tmp:
        settings = Settings(database_url=url, data_dir=f"{tmp}/data", secret_key="bench-secret",  # type: ignore[arg-type]
                            log_json=False, log_level="WARNING", jobs_in_process=False)
        db_handle = get_database(url)
        with db_handle.session() as db:
            create_mailbox(db, MailboxCreate.model_validate({"name": "support", "address": "support@desk.example",
                                                             "smtp_host": "127.0.0.1", "smtp_port": free_port(),
                                                             "smtp_security": "none"}))
            for i in range(repetitions):
                contact_for_email(db, f"known{i}@client.example", name="Known")
        logging.getLogger("frontline.portal.mail").setLevel(logging.ERROR)  # the refused sends are expected
        login.REQUESTS_PER_IP = 10 ** 9  # one client asks for every code here
        watch = Stopwatch(create_app(settings))
        results: dict[str, list[tuple[float, float]]] = {"known": [], "unknown": []}
        with TestClient(watch) as client:  # type: ignore[arg-type]
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/portal").text).group(1)  # type: ignore[union-attr]
            for i in range(-20, repetitions):  # 20 untimed warm-up rounds
                for label in ("known", "unknown"):
                    email = f"{label}{i}@client.example" if i >= 0 else f"warm{label}{-i}@client.example"
                    start, cpu = time.perf_counter(), _cpu()
                    response = client.post("/portal/login", data={"email": email, "csrf": token})
                    assert response.status_code == 200 and watch.done is not None
                    if i >= 0:
                        results[label].append(((watch.done[0] - start) * 1000, (watch.done[1] - cpu) * 1000))
        for label, rows in results.items():
            wall, cpu_ms = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
            print(f"{kind:10} {label:8} n={len(rows)}  wall p50 {np.percentile(wall, 50):6.2f} ms  "
                  f"p95 {np.percentile(wall, 95):6.2f} ms   CPU p50 {np.percentile(cpu_ms, 50):6.2f} ms  "
                  f"mean {cpu_ms.mean():6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--repetitions", type=int, default=300)
    args = parser.parse_args()
    for kind in args.db.split(","):
        run(kind, args.repetitions)


if __name__ == "__main__":
    main()
