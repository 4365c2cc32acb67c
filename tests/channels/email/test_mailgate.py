"""`frontline mail-gate` as an MTA runs it: a real process, the message on stdin, sysexits exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from frontline.channels.email.models import Mailbox, RawEmail
from frontline.cli.main import app as cli
from frontline.kit.db import Database
from frontline.kit.settings import Settings, get_settings
from frontline.tickets.models import Ticket
from tests.channels.email.conftest import free_port, make_mail

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
        ticket = db.scalar(select(Ticket))
    assert [r.source for r in stored] == ["gate"] and ticket is not None and ticket.subject == "Through the MTA"


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
    for _ in range(2):
        assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=raw).exit_code == 0
    assert _tickets(database) == 1


def test_unknown_mailbox_and_empty_input_are_permanent_errors(
        database: Database, mailbox: Mailbox, gate_env: CliRunner) -> None:
    assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "nope"], input=make_mail()).exit_code == 67
    assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=b"  \r\n").exit_code == 65
    assert _tickets(database) == 0
