"""`frontline mail-gate` as an MTA runs it: a real process, the message on stdin, sysexits exit codes. The gate
only stores the message and queues `email.intake`; the job turns it into a ticket where jobs run (here
`run_pending`; tests/test_wiring.py runs it in a real `frontline worker`)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from frontline.channels.email import gate
from frontline.channels.email.models import Mailbox, RawEmail
from frontline.channels.email.rawstore import INTAKE_JOB
from frontline.cli.main import app as cli
from frontline.jobs import queue, run_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings, get_settings
from frontline.tickets.models import Ticket
from tests.channels.email.conftest import free_port, make_mail
from tests.channels.email.test_api import intake_headers
from tests.cli.test_main import HEAVY
from tests.jobs.support import REPO

FRONTLINE = Path(sys.executable).parent / "frontline"


def _gate(url: str, data_dir: Path, raw: bytes) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FRONTLINE_DATABASE_URL": url, "FRONTLINE_DATA_DIR": str(data_dir),
           "FRONTLINE_LOG_JSON": "false", "FRONTLINE_JOBS_IN_PROCESS": "false"}
    process = subprocess.Popen([str(FRONTLINE), "mail-gate", "--mailbox", "support"], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(raw)
    process.stdin.close()
    return process


def _unreachable(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite:////proc/version/frontline.db"  # a path under a file: the database cannot be opened
    return f"postgresql+psycopg://frontline@127.0.0.1:{free_port()}/frontline"  # nothing listens there


def _tickets(database: Database) -> int:
    with database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(Ticket)) or 0)


def queued_intake(database: Database) -> list[int]:
    """Raw ids of the `email.intake` jobs waiting in the queue (our table on SQLite, procrastinate's on PG)."""
    if database.is_sqlite:
        query = "SELECT payload FROM job WHERE kind = :kind AND status = 'queued' ORDER BY id"
    else:
        query = (f"SELECT args->'payload' FROM {queue.SCHEMA}.procrastinate_jobs WHERE task_name = :kind"
                 " AND status = 'todo' ORDER BY id")
    with database.session(write=False) as db:
        payloads = [p if isinstance(p, dict) else json.loads(p) for p in db.scalars(text(query), {"kind": INTAKE_JOB})]
    return [int(p["raw_id"]) for p in payloads]


def test_mail_gate_stores_and_exits_0_or_75_when_the_database_is_down(
        database: Database, settings: Settings, mailbox: Mailbox) -> None:
    raw = make_mail(subject="Through the MTA", message_id="<gate-1@client.example>")
    ok = _gate(database.url, settings.data_dir, raw)
    down = _gate(_unreachable(database.url), settings.data_dir, raw)  # both start at once: imports overlap
    assert ok.wait(120) == 0, ok.stderr.read() if ok.stderr else ""
    assert down.wait(120) == 75
    assert down.stderr is not None and b"temporary failure" in down.stderr.read()
    with database.session(write=False) as db:
        stored = db.scalars(select(RawEmail)).all()
    assert [(r.source, r.status) for r in stored] == [("gate", "received")]  # kept, not yet processed
    assert queued_intake(database) == [stored[0].id] and _tickets(database) == 0
    assert run_pending(database) >= 1
    with database.session(write=False) as db:
        row = db.get(RawEmail, stored[0].id)
        ticket = db.scalar(select(Ticket))
    assert row is not None and row.status == "new_ticket" and queued_intake(database) == []
    assert ticket is not None and ticket.subject == "Through the MTA" and row.ticket_id == ticket.id


@pytest.fixture
def gate_env(database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", database.url)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_redelivery_through_the_gate_exits_0_without_a_second_ticket(
        database: Database, mailbox: Mailbox, gate_env: CliRunner) -> None:
    raw = make_mail(message_id="<gate-2@client.example>")
    for _ in range(2):  # before the job ran: one row, one job
        assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=raw).exit_code == 0
    assert len(queued_intake(database)) == 1
    run_pending(database)
    assert gate_env.invoke(cli, ["mail-gate", "--mailbox=support"], input=raw).exit_code == 0  # after it ran
    assert queued_intake(database) == [] and _tickets(database) == 1


def test_a_message_the_gate_stored_is_a_duplicate_for_the_http_intake(
        client: TestClient, desk: object, database: Database, mailbox: Mailbox, gate_env: CliRunner) -> None:
    """One dedup rule (rawstore.insert_raw) for every path: the relay retrying over HTTP finds the gate's row."""
    raw = make_mail(message_id="<gate-3@client.example>")
    assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=raw).exit_code == 0
    with database.session(write=False) as db:
        gated = db.scalar(select(RawEmail.id))
    again = client.post("/api/v1/mailboxes/support/raw", headers=intake_headers(client, desk, "support"),
                        content=raw)
    assert again.status_code == 200 and again.json()["duplicate"] and again.json()["raw_id"] == gated, again.text
    assert _tickets(database) == 1  # the HTTP path finished the stored message; the queued job finds it done
    run_pending(database)
    assert _tickets(database) == 1


def test_unknown_mailbox_and_empty_input_are_permanent_errors(
        database: Database, mailbox: Mailbox, gate_env: CliRunner) -> None:
    assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "nope"], input=make_mail()).exit_code == 67
    assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=b"  \r\n").exit_code == 65
    assert _tickets(database) == 0 and queued_intake(database) == []


@pytest.mark.parametrize("argv", [[], ["--mailbox"], ["--mailbox="], ["--mailbox", "support", "extra"], ["-x"]])
def test_a_wrong_command_line_is_a_usage_error(argv: list[str]) -> None:
    err = io.StringIO()
    assert gate.main(argv, stdin=io.BytesIO(make_mail()), stderr=err) == 64
    assert err.getvalue().startswith("usage: frontline mail-gate --mailbox NAME")


def test_the_gate_process_imports_no_framework(database: Database, settings: Settings, mailbox: Mailbox,
                                               tmp_path: Path) -> None:
    """What makes it start in a fraction of a second (benchmarks/footprint.py times it): `frontline mail-gate`
    goes from the entry point to gate.py with the DB-API driver and nothing else heavy."""
    message = tmp_path / "m.eml"
    message.write_bytes(make_mail(message_id="<gate-4@client.example>"))
    probe = ("import sys, json\nsys.argv = ['frontline', 'mail-gate', '--mailbox', 'support']\n"
             "from frontline.cli.entry import main\ntry:\n    main()\nexcept SystemExit as done:\n"
             "    print(json.dumps([done.code, sorted(sys.modules)]))")
    env = {**os.environ, "FRONTLINE_DATABASE_URL": database.url, "PYTHONPATH": str(REPO)}
    with message.open("rb") as stdin:
        out = subprocess.run([sys.executable, "-c", probe], stdin=stdin, capture_output=True, text=True,
                             timeout=120, env=env)
    code, modules = json.loads(out.stdout.splitlines()[-1])
    loaded = {m.split(".")[0] for m in modules}
    assert code == 0, out.stderr
    allowed = set() if database.is_sqlite else {"psycopg2"}  # the lean driver, not psycopg (3): kit/dbapi.py
    assert not loaded & (set(HEAVY) - allowed) and "typer" not in loaded, sorted(loaded & {*HEAVY, "typer"})
    assert "psycopg" not in loaded and "sqlalchemy" not in loaded
    assert len(queued_intake(database)) == 1


def test_both_postgres_drivers_store_the_same_rows_under_one_dedup_rule(
        database: Database, settings: Settings, mailbox: Mailbox) -> None:
    """Agreement test for the gate's two PostgreSQL drivers (psycopg2 for speed, psycopg where it is missing):
    what one stores the other finds as a duplicate, both queue the same job, and the job reads either's row."""
    if database.is_sqlite:
        pytest.skip("PostgreSQL drivers only")
    first = make_mail(subject="Through psycopg2", message_id="<gate-drv-1@client.example>")
    second = make_mail(subject="Through psycopg", message_id="<gate-drv-2@client.example>")
    assert gate.deliver(database.url, "support", first) == (0, "")
    assert gate.deliver(database.url, "support", first, driver="psycopg") == (0, "")  # a duplicate, one row
    assert gate.deliver(database.url, "support", second, driver="psycopg") == (0, "")
    assert gate.deliver(database.url, "support", second) == (0, "")
    with database.session(write=False) as db:
        stored = db.scalars(select(RawEmail).order_by(RawEmail.id)).all()
        rows = [(r.source, r.status, zlib.decompress(r.content), r.size, r.header_message_id) for r in stored]
        ages = [abs((datetime.now(UTC) - r.received_at).total_seconds()) for r in stored]
    assert rows == [("gate", "received", raw, len(raw), mid) for raw, mid in
                    ((first, "<gate-drv-1@client.example>"), (second, "<gate-drv-2@client.example>"))]
    assert max(ages) < 120  # both bound the aware UTC time the same way
    assert queued_intake(database) == [r.id for r in stored]
    assert run_pending(database) >= 2
    with database.session(write=False) as db:
        subjects = sorted(db.scalars(select(Ticket.subject)).all())
    assert subjects == ["Through psycopg", "Through psycopg2"]
