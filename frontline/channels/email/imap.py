"""IMAP polling: fetch unseen mail, store it, process it, and only then mark it seen (or move it).

The order is the whole point. Mail is fetched in batches (intake.BATCH_SIZE); a batch is stored in one
commit and processed in a second one, and its messages are flagged only after that. A crash anywhere
leaves the unflagged mail unseen: the next poll fetches it again, the intake's dedup turns that second
fetch into a no-op, and `process_pending` finishes anything stored but not yet processed. Nothing is
lost, nothing is duplicated. A message that breaks the parser is kept as an unreadable ticket (see
intake) and never stops the batch.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from dataclasses import dataclass, field

from frontline.channels.email.intake import BATCH_BYTES, BATCH_SIZE, process_pending, process_stored, store_many
from frontline.channels.email.models import Mailbox, RawStatus
from frontline.channels.email.service import get_mailbox, list_mailboxes
from frontline.channels.email.smtp import tls_context
from frontline.kit.db import Database
from frontline.kit.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT = 60.0


@dataclass
class PollReport:
    mailbox: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImapAccount:
    mailbox_id: int
    name: str
    host: str
    port: int
    security: str
    user: str
    password: str = field(repr=False)
    folder: str
    move_to: str | None

    @classmethod
    def of(cls, mailbox: Mailbox) -> ImapAccount:
        if not mailbox.imap_host or not mailbox.imap_port or not mailbox.imap_user:
            raise ValueError(f"mailbox '{mailbox.name}' has no IMAP server configured")
        return cls(mailbox.id, mailbox.name, mailbox.imap_host, mailbox.imap_port, mailbox.imap_security,
                   mailbox.imap_user, mailbox.imap_password or "", mailbox.imap_folder, mailbox.imap_move_to)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(account: ImapAccount, settings: Settings) -> imaplib.IMAP4:
    if account.security == "ssl":
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(account.host, account.port, ssl_context=tls_context(settings),
                                                  timeout=TIMEOUT)
    else:
        client = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT)
        if account.security == "starttls":
            client.starttls(ssl_context=tls_context(settings))
    client.login(account.user, account.password)
    return client


def _fetch(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, parts = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    if status != "OK":
        return None
    for part in parts:
        if isinstance(part, tuple) and len(part) == 2:
            return bytes(part[1])
    return None


def _done(client: imaplib.IMAP4, account: ImapAccount, uid: bytes) -> None:
    """Mark a stored message handled: move it when a folder is configured, else flag it seen."""
    number = uid.decode()
    if account.move_to:
        if "MOVE" in client.capabilities:
            client.uid("MOVE", number, _quote(account.move_to))
            return
        client.uid("COPY", number, _quote(account.move_to))
        client.uid("STORE", number, "+FLAGS.SILENT", "(\\Seen \\Deleted)")
        client.expunge()
        return
    client.uid("STORE", number, "+FLAGS.SILENT", "(\\Seen)")


def _batch(database: Database, settings: Settings, client: imaplib.IMAP4, account: ImapAccount,
           fetched: list[tuple[bytes, bytes]], report: PollReport) -> None:
    """Store the fetched messages (one commit), process them (one commit), then flag each one handled."""
    raws = [raw for _, raw in fetched]
    stored = store_many(database, account.mailbox_id, raws, source="imap")  # a database error ends the poll
    report.duplicates += sum(1 for s in stored if s.duplicate)
    report.stored += sum(1 for s in stored if not s.duplicate)
    for (uid, _), result in zip(fetched, process_stored(database, settings, stored, raws), strict=True):
        if result.status == RawStatus.received:  # stored; process_pending finishes it on the next poll
            report.errors.append(f"UID {uid.decode()}: stored, processing deferred")
    for uid, _ in fetched:
        _done(client, account, uid)


def poll_account(database: Database, settings: Settings, account: ImapAccount, *,
                 limit: int | None = None) -> PollReport:
    report = PollReport(account.name)
    client = connect(account, settings)
    try:
        status, _ = client.select(_quote(account.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {account.folder!r}")
        _, data = client.uid("SEARCH", "UNSEEN")
        uids = (data[0] or b"").split()[: limit or settings.email_imap_batch]
        fetched: list[tuple[bytes, bytes]] = []
        for uid in uids:
            raw = _fetch(client, uid)
            report.fetched += 1
            if raw is None:
                report.failed += 1
                report.errors.append(f"UID {uid.decode()}: could not fetch")
                continue
            fetched.append((uid, raw))
            if len(fetched) >= BATCH_SIZE or sum(len(r) for _, r in fetched) >= BATCH_BYTES:
                _batch(database, settings, client, account, fetched, report)
                fetched = []
        if fetched:
            _batch(database, settings, client, account, fetched, report)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return report


def poll_mailbox(database: Database, settings: Settings, name: str, *, limit: int | None = None) -> PollReport:
    with database.session(write=False) as db:
        account = ImapAccount.of(get_mailbox(db, name))
    return poll_account(database, settings, account, limit=limit)


def poll_all(database: Database, settings: Settings) -> list[PollReport]:
    """Finish half-processed mail, then poll every active mailbox with IMAP; one failing server never
    stops the others."""
    process_pending(database, settings)
    with database.session(write=False) as db:
        accounts = [ImapAccount.of(m) for m in list_mailboxes(db, active_only=True) if m.imap_host]
    reports = []
    for account in accounts:
        try:
            reports.append(poll_account(database, settings, account))
        except (imaplib.IMAP4.error, OSError, ValueError) as error:
            log.warning("IMAP poll of mailbox %s failed: %s", account.name, error)
            reports.append(PollReport(account.name, errors=[f"{type(error).__name__}: {error}"]))
    return reports
