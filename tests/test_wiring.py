"""Every process is wired the same (frontline/wiring.py): a job run by a standalone `frontline worker` and a mail
piped through `frontline mail-gate` reach the same ticket listeners (routing, SLA, rules, search) as the web app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontline import wiring
from frontline.accounts.principal import Principal
from frontline.api.app import create_app
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.jobs import enqueue, queue, registry
from frontline.jobs.registry import PERIODIC
from frontline.jobs.runtime import UnknownJobKinds, check_handlers, unknown_queued
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.routing.models import MessageSentiment
from frontline.search.service import search
from frontline.sla.models import TicketSla
from frontline.tickets import hooks
from frontline.tickets.labels import tags_of
from frontline.tickets.models import Ticket
from tests.channels.email.conftest import make_mail
from tests.factories import ticket_payload
from tests.jobs.support import REPO, kill, wait_for
from tests.rules.conftest import post_rule

FRONTLINE = Path(sys.executable).parent / "frontline"


def _env(database: Database, settings: Settings) -> dict[str, str]:
    return {**os.environ, "FRONTLINE_DATABASE_URL": database.url, "FRONTLINE_DATA_DIR": str(settings.data_dir),
            "FRONTLINE_LOG_JSON": "false", "FRONTLINE_JOBS_IN_PROCESS": "false", "PYTHONPATH": str(REPO)}


def _sla_policy(client: TestClient, admin_headers: dict[str, str]) -> None:
    cal = client.post("/api/v1/sla/calendars", json={"name": "24/7", "always_open": True}, headers=admin_headers)
    assert cal.status_code == 201, cal.text
    policy = client.post("/api/v1/sla/policies", json={
        "name": "Everything", "calendar_id": cal.json()["id"], "first_response_minutes": 60,
        "resolution_minutes": 8 * 60}, headers=admin_headers)
    assert policy.status_code == 201, policy.text


def test_install_gives_the_same_listeners_whatever_was_registered_before(settings: Settings) -> None:
    hooks.listen("created", "left over", lambda db, event: None)
    wiring.install(settings)
    first = {kind: list(found) for kind, found in hooks._listeners.items()}
    wiring.install(settings)
    assert {kind: list(found) for kind, found in hooks._listeners.items()} == first
    assert first["created"] == ["routing", "sla", "rules", "routing.after_rules", "search"]
    assert "left over" not in first["created"]


def test_jobs_in_nested_packages_are_discovered() -> None:
    modules = registry.job_modules()
    assert {"frontline.sla.jobs", "frontline.rules.jobs", "frontline.portal.jobs"} <= set(modules)
    assert "frontline.jobs.jobs" not in modules
    root = Path(registry.__file__).resolve().parent.parent
    nested = sorted(str(p.relative_to(root.parent).with_suffix("")).replace("/", ".")
                    for p in root.glob("*/*/jobs.py"))
    assert set(nested) <= set(modules)  # e.g. frontline.channels.email.jobs once it exists


def test_queued_jobs_without_a_handler_stop_the_start(database: Database, settings: Settings) -> None:
    with database.session() as db:
        enqueue(db, "nobody.handles.this", {"n": 1})
        if not database.is_sqlite:  # procrastinate's recovery task of ours is no registry handler, yet known
            enqueue(db, queue.RECOVER_TASK, {})
    assert unknown_queued(database) == ["nobody.handles.this"]
    with pytest.raises(UnknownJobKinds, match=r"nobody\.handles\.this"):
        check_handlers(database)


def test_standalone_worker_runs_automations_with_every_listener(
        database: Database, settings: Settings, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Defect: a time automation run by `frontline worker` solved a pending ticket but left its SLA clock running
    and fired no trigger, because the worker registered no ticket listeners."""
    assert "rules.automations" in PERIODIC
    with TestClient(create_app(settings.model_copy(update={"jobs_in_process": False})),
                    raise_server_exceptions=False) as client:
        _sla_policy(client, desk.admin.headers)
        post_rule(client, desk.supervisor.headers, name="Pending -> solved", kind="automation",
                  conditions={"all": [{"field": "status", "op": "eq", "value": "pending"},
                                      {"field": "hours_since_status_change", "op": "gte", "value": 0}]},
                  actions=[{"type": "set_status", "value": "solved"}])
        post_rule(client, desk.supervisor.headers, name="Tag solved", events=["updated"],
                  conditions={"all": [{"field": "status", "op": "eq", "value": "solved"}]},
                  actions=[{"type": "add_tag", "value": "auto-solved"}])
        ticket = client.post("/api/v1/tickets", json=ticket_payload(), headers=desk.agent1.headers).json()
        changed = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "pending"},
                               headers=desk.agent1.headers)
        assert changed.status_code == 200, changed.text
    worker = subprocess.Popen([str(FRONTLINE), "worker"], cwd=REPO, env=_env(database, settings),
                              stdout=(tmp_path / "worker.log").open("wb"), stderr=subprocess.STDOUT)
    try:
        with database.session() as db:
            enqueue(db, "rules.automations", {})

        def solved() -> bool:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()  # it must not stop by itself
            with database.session(write=False) as db:
                return db.scalar(select(Ticket.status).where(Ticket.id == ticket["id"])) == "solved"

        assert wait_for(solved, timeout=120), (tmp_path / "worker.log").read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0, (tmp_path / "worker.log").read_text()
    finally:
        kill(worker)
    with database.session(write=False) as db:
        clock = db.get(TicketSla, ticket["id"])
        stored = db.get(Ticket, ticket["id"])
        assert clock is not None and stored is not None
        assert clock.resolution_met_at is not None  # the SLA listener saw the status change
        assert clock.pauses and clock.pauses[-1][1] is None  # paused while solved: no breach can follow
        assert tags_of(db, [stored.id])[stored.id] == ["auto-solved"]  # the trigger fired in the worker


def test_mail_through_the_gate_is_routed_clocked_scored_and_indexed(
        database: Database, settings: Settings, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Defect: mail delivered by `frontline mail-gate` was never given an SLA clock, scored, run through the rules
    or indexed (and landed with no team where the mailbox names none). The gate stores and queues; a standalone
    `frontline worker`, wired like every process, makes the ticket."""
    with TestClient(create_app(settings.model_copy(update={"jobs_in_process": False})),
                    raise_server_exceptions=False) as client:
        _sla_policy(client, desk.admin.headers)
        post_rule(client, desk.supervisor.headers, name="Mail to L1", events=["created"],
                  conditions={"all": [{"field": "channel", "op": "eq", "value": "email"}]},
                  actions=[{"type": "set_team", "value": desk.l1.id}])
    with database.session() as db:
        create_mailbox(db, MailboxCreate(name="support", address="support@desk.example"))  # no team of its own
    raw = make_mail(subject="Invoice printer broken", body="The invoice printer is broken, this is terrible.",
                    message_id="<wired-gate@client.example>")
    gate = subprocess.run([str(FRONTLINE), "mail-gate", "--mailbox", "support"], input=raw, cwd=REPO,
                          env=_env(database, settings), capture_output=True, timeout=120)
    assert gate.returncode == 0, gate.stderr.decode()
    worker = subprocess.Popen([str(FRONTLINE), "worker"], cwd=REPO, env=_env(database, settings),
                              stdout=(tmp_path / "worker.log").open("wb"), stderr=subprocess.STDOUT)

    def made() -> bool:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        with database.session(write=False) as db:
            return db.scalar(select(Ticket.id).where(Ticket.subject == "Invoice printer broken")) is not None

    try:
        assert wait_for(made, timeout=120), (tmp_path / "worker.log").read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0, (tmp_path / "worker.log").read_text()
    finally:
        kill(worker)
    with database.session(write=False) as db:
        ticket = db.scalar(select(Ticket).where(Ticket.subject == "Invoice printer broken"))
        assert ticket is not None
        assert ticket.team_id == desk.l1.id  # the created trigger ran
        assert db.get(TicketSla, ticket.id) is not None  # SLA clocks started
        assert db.scalar(select(MessageSentiment.label).where(MessageSentiment.ticket_id == ticket.id)) == "negative"
        agent = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset({desk.l1.id}))
        assert ticket.id in {hit.ticket_id for hit in search(db, agent, "invoice printer")}
