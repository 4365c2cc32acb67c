"""Mail flows on its own (issue 11.2): no cron, no command run by hand.

- `email.send`: queued in the same transaction as an agent's public reply (the `agent_message` listener below,
  installed by frontline/wiring.py), so it runs the moment that transaction commits: the reply gets its
  outbound row and goes to the SMTP server within seconds.
- `email.poll`: every 10 seconds, starts a poll of every mailbox whose own interval has passed
  (channels/email/polling.py), each in its own thread: mailboxes run in parallel and one that hangs or fails
  never delays the others, nor the job runner.
- `email.sweep`: every minute, the safety net: queues and sends whatever is still due (retries after a
  temporary failure, acknowledgements, a reply whose send job was lost).

- `email.intake`: queued by `frontline mail-gate` with the message it stored (channels/email/gate.py), turns it
  into a ticket or message here, in a wired process, the moment the gate's transaction commits.

The first three talk to mail servers, so they hold no transaction while they run (`own_transactions`); the
intake opens its own transactions as every intake does (store first, then process).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.channels.email import compose_reply, intake, outbound, polling
from frontline.channels.email.rawstore import INTAKE_JOB
from frontline.jobs import enqueue, own_transactions
from frontline.kit.db import Database
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings, get_settings
from frontline.tickets import hooks

SEND = "email.send"
_installed: list[Settings] = []


def _settings() -> Settings:
    """The settings this process was wired with (frontline.wiring.install), else the environment's."""
    return _installed[-1] if _installed else get_settings()


@own_transactions(SEND, max_attempts=3)
def send_reply(database: Database, payload: dict[str, Any]) -> None:
    """Queue one reply for the mail and send it now; a temporary failure is retried by the queue's own backoff
    (and the sweep), so this job does not raise for it."""
    settings = _settings()
    message_id = int(payload["message_id"])
    with database.session() as db:
        compose_reply.queue_replies(db, settings, message_id=message_id)
        sql = Raw(db)
        ids = [int(r[0]) for r in sql.rows("SELECT id FROM email_outbound WHERE message_id = :m AND status = 'pending'",
                                           {"m": message_id})]
    for outbound_id in ids:
        outbound.deliver(database, settings, outbound_id)


@own_transactions(INTAKE_JOB, max_attempts=5)
def process_gated(database: Database, payload: dict[str, Any]) -> None:
    """Turn a message mail-gate stored into a ticket or message (a no-op when it was finished meanwhile). A
    transient database error is counted on the raw row and retried with the queue's backoff; should every
    attempt fail, the row stays stored and `email.poll` (process_pending) finishes it."""
    intake.process_raw(database, _settings(), int(payload["raw_id"]))


@own_transactions("email.poll", every=timedelta(seconds=10))
def poll_mailboxes(database: Database, payload: dict[str, Any]) -> None:
    polling.start_due_polls(database, _settings())


@own_transactions("email.sweep", every=timedelta(minutes=1))
def sweep_outbound(database: Database, payload: dict[str, Any]) -> None:
    outbound.send_pending(database, _settings())


def _reply_written(db: Session, event: hooks.TicketEvent) -> None:
    """A public reply on a ticket whose customer is answered by e-mail: send it once this transaction commits."""
    if event.public and event.message_id is not None:
        channel = Raw(db).value("SELECT channel FROM message WHERE id = :m", {"m": event.message_id})
        if channel in compose_reply.MAILED_CHANNELS:
            enqueue(db, SEND, {"message_id": event.message_id})


def install(settings: Settings) -> None:
    """Register the listener that queues a reply's send job and keep the settings the jobs use
    (frontline/wiring.py calls this)."""
    _installed[:] = [settings]
    hooks.listen("agent_message", "email.send", _reply_written)
