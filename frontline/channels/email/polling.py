"""Polling on its own: which mailboxes are due, one poll per mailbox at a time across every process, each in a
thread of its own so a slow or broken server never delays the others, and the outcome kept on the mailbox
for the admin page (last poll, last success, last error as a `problem` key of channels/email/check.py, which
the page words plainly, as it does for the connection test).

The periodic job `email.poll` (channels/email/jobs.py) calls `start_due_polls` every few seconds; a mailbox
is due once its own interval (`poll_interval_seconds`, default 60) has passed since its last poll. The claim
is a conditional UPDATE (a lease on the mailbox row), so two workers never poll the same mailbox at once; a
process that dies mid-poll leaves a lease that simply runs out.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from frontline.channels.email.check import problem_of
from frontline.channels.email.imap import ImapAccount, PollReport, poll_account
from frontline.channels.email.intake import process_pending
from frontline.channels.email.models import EmailOutbound, Mailbox
from frontline.kit.db import Database, utcnow
from frontline.kit.settings import Settings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
"""A poll still running after this long is presumed dead (IMAP waits at most a minute per command)."""
MAX_PARALLEL = 8


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_running: set[tuple[str, int]] = set()  # (database url, mailbox id) polled by a thread of this process


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=MAX_PARALLEL, thread_name_prefix="frontline-mail-poll")
        return _pool


def due_mailboxes(database: Database, now: datetime) -> list[Mailbox]:
    """Active mailboxes with an IMAP server whose interval has passed and that no poll holds."""
    with database.session(write=False) as db:
        boxes = db.scalars(select(Mailbox).where(
            Mailbox.is_active.is_(True), Mailbox.imap_host.is_not(None), Mailbox.imap_host != "",
            or_(Mailbox.poll_lease_until.is_(None), Mailbox.poll_lease_until < now)).order_by(Mailbox.id)).all()
    return [m for m in boxes if m.last_poll_at is None
            or m.last_poll_at + timedelta(seconds=max(m.poll_interval_seconds, 1)) <= now]


def claim(database: Database, mailbox: Mailbox, now: datetime) -> bool:
    """Take the mailbox's poll lease unless another process took it (or polled it) since we looked."""
    with database.session() as db:
        result = db.execute(update(Mailbox).where(
            Mailbox.id == mailbox.id, or_(Mailbox.poll_lease_until.is_(None), Mailbox.poll_lease_until < now),
            Mailbox.last_poll_at.is_(None) if mailbox.last_poll_at is None
            else Mailbox.last_poll_at == mailbox.last_poll_at,
        ).values(poll_lease_until=now + LEASE).execution_options(synchronize_session=False))
        return bool(getattr(result, "rowcount", 0))


def poll_and_record(database: Database, settings: Settings, account: ImapAccount) -> PollReport:
    """Poll one mailbox and keep the outcome on it: last poll, last success, last error (kind: detail)."""
    started = utcnow()
    try:
        report = poll_account(database, settings, account)
        error = None
    except Exception as exc:  # any failure of one mailbox is its own, recorded for the admin page
        log.warning("IMAP poll of mailbox %s failed: %s", account.name, exc)
        report = PollReport(account.name, errors=[f"{type(exc).__name__}: {exc}"])
        error = f"{problem_of(exc)}: {type(exc).__name__}: {exc}"[:2000]
    values: dict[str, object] = {"last_poll_at": started, "poll_lease_until": None, "last_poll_error": error}
    if error is None:
        values["last_poll_ok_at"] = utcnow()
    with database.session() as db:
        db.execute(update(Mailbox).where(Mailbox.id == account.mailbox_id).values(**values)
                   .execution_options(synchronize_session=False))
    return report


def _run(database: Database, settings: Settings, account: ImapAccount, key: tuple[str, int]) -> None:
    try:
        poll_and_record(database, settings, account)
    except Exception:  # recording itself failed (database away): the lease runs out and the next tick retries
        log.exception("recording the poll of mailbox %s failed", account.name)
    finally:
        with _pool_lock:
            _running.discard(key)


def start_due_polls(database: Database, settings: Settings, *, now: datetime | None = None) -> list[int]:
    """Finish mail stored but not processed, then start a poll thread for every due mailbox this process can
    claim; returns their ids without waiting for the polls (each mailbox runs on its own)."""
    process_pending(database, settings)
    now = now or utcnow()
    started = []
    for mailbox in due_mailboxes(database, now):
        key = (database.url, mailbox.id)
        with _pool_lock:
            if key in _running:
                continue
        try:
            account = ImapAccount.of(mailbox)
        except ValueError as error:
            with database.session() as db:
                db.execute(update(Mailbox).where(Mailbox.id == mailbox.id).values(
                    last_poll_at=now, last_poll_error=f"not_configured: {error}").execution_options(
                    synchronize_session=False))
            continue
        if not claim(database, mailbox, now):
            continue
        with _pool_lock:
            _running.add(key)
        _executor().submit(_run, database, settings, account, key)
        started.append(mailbox.id)
    return started


def waiting_to_send(db: Session) -> dict[int, int]:
    """Per mailbox, how many mails wait in the outbound queue (not yet sent, not failed)."""
    rows = db.execute(select(EmailOutbound.mailbox_id, func.count()).where(EmailOutbound.status == "pending")
                      .group_by(EmailOutbound.mailbox_id)).all()
    return {int(m): int(n) for m, n in rows}
