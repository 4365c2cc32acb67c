"""Mail intake: store the raw bytes first (own transaction), then turn them into a ticket or message.

Two transactions on purpose. Once `store_raw` has committed, the message can no longer be lost: an
IMAP poller may flag it seen and the mail-gate may tell the MTA "delivered". If the process dies
before `process_raw` commits, the row stays `received` and is finished by the next delivery of the
same message (dedup finds it) or by `process_pending`. The (mailbox, dedup key) unique constraint
makes redelivery, concurrent delivery included, harmless.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import zlib
from dataclasses import dataclass, field

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from frontline.channels.email import conversation
from frontline.channels.email.models import RawStatus
from frontline.channels.email.parse import parse_email
from frontline.channels.email.parsed import ParsedEmail
from frontline.kit.db import Database, utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings

log = logging.getLogger(__name__)

DATABASE_ERRORS = (DBAPIError, sqlite3.Error, psycopg.Error)

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id[ \t]*:[ \t]*((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)", re.IGNORECASE | re.M)
_ANGLE = re.compile(rb"<[^<>\s]{1,250}>")


@dataclass
class IntakeResult:
    raw_id: int
    status: str
    duplicate: bool = False
    ticket_id: int | None = None
    message_id: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoredRaw:
    raw_id: int
    duplicate: bool
    status: str


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block, read without parsing the message (cheap and robust)."""
    end = _HEADER_END.search(raw, 0, 512 * 1024)
    block = raw[: end.start() if end else 512 * 1024]
    match = _MESSAGE_ID.search(block)
    if match is None:
        return None
    value = match.group(1)
    angle = _ANGLE.search(value)
    text = (angle.group(0) if angle else value.strip()).decode("ascii", "replace")
    return text[:255] or None


def dedup_key(raw: bytes) -> tuple[str, str | None, str]:
    """(dedup key, Message-ID, content sha256): the Message-ID when there is one, else the content."""
    sha = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    basis = f"mid:{message_id}" if message_id else f"sha:{sha}"
    return hashlib.sha256(basis.encode()).hexdigest(), message_id, sha


def store_raw(database: Database, mailbox_id: int, raw: bytes, *, source: str) -> StoredRaw:
    """Keep the bytes (zlib) unless this mailbox already has the same message; commits."""
    key, message_id, sha = dedup_key(raw)
    now = utcnow()
    with database.session() as db:
        sql = Raw(db)
        row = sql.one(
            "INSERT INTO raw_email (mailbox_id, dedup_key, header_message_id, sha256, size, content, source, status,"
            " received_at) VALUES (:m, :k, :mid, :sha, :size, :content, :source, 'received', :now)"
            " ON CONFLICT (mailbox_id, dedup_key) DO NOTHING RETURNING id",
            {"m": mailbox_id, "k": key, "mid": message_id, "sha": sha, "size": len(raw),
             "content": zlib.compress(raw, 6), "source": source, "now": sql.time(now)},
        )
        if row is not None:
            return StoredRaw(int(row[0]), False, RawStatus.received)
        existing = sql.one("SELECT id, status FROM raw_email WHERE mailbox_id = :m AND dedup_key = :k",
                           {"m": mailbox_id, "k": key})
        assert existing is not None  # the conflicting row is committed (PostgreSQL waited for it)
        return StoredRaw(int(existing[0]), True, str(existing[1]))


def raw_bytes(db: Session, raw_id: int) -> bytes:
    content = Raw(db).value("SELECT content FROM raw_email WHERE id = :id", {"id": raw_id})
    return zlib.decompress(bytes(content))


def _result(sql: Raw, raw_id: int, duplicate: bool) -> IntakeResult:
    row = sql.one("SELECT status, ticket_id, message_id, warnings FROM raw_email WHERE id = :id", {"id": raw_id})
    assert row is not None
    return IntakeResult(raw_id, str(row[0]), duplicate, row[1], row[2], list(sql.read_json(row[3]) or []))


def _claim(sql: Raw, raw_id: int) -> tuple[int, bytes] | None:
    """Lock a `received` row for processing; None when someone else finished it meanwhile."""
    row = sql.one(
        "UPDATE raw_email SET status = 'received' WHERE id = :id AND status = 'received'"
        " RETURNING mailbox_id, content", {"id": raw_id},
    )
    return (int(row[0]), zlib.decompress(bytes(row[1]))) if row is not None else None


def process_raw(database: Database, settings: Settings, raw_id: int, *, duplicate: bool = False) -> IntakeResult:
    """Turn a stored raw message into a ticket/message (or a bounce record), in one transaction."""
    with database.session() as db:
        sql = Raw(db)
        claimed = _claim(sql, raw_id)
        if claimed is None:
            return _result(sql, raw_id, duplicate)
        mailbox_id, raw = claimed
        parsed = parse_email(raw, max_attachment_bytes=settings.max_attachment_bytes)
        try:
            with db.begin_nested():
                outcome = conversation.deliver(db, settings, mailbox_id, raw_id, raw, parsed)
        except DATABASE_ERRORS:
            raise  # a database problem is temporary: the raw row stays 'received' and is retried
        except Exception as error:  # never drop mail: keep it as an unreadable ticket instead
            log.exception("email intake failed for raw message %s; keeping it as unreadable", raw_id)
            outcome = conversation.deliver_unreadable(db, settings, mailbox_id, raw_id, raw, parsed, error)
        _finish(sql, raw_id, parsed, outcome)
        return _result(sql, raw_id, duplicate)


def _finish(sql: Raw, raw_id: int, parsed: ParsedEmail, outcome: conversation.Outcome) -> None:
    sql.run(
        f"UPDATE raw_email SET status = :status, ticket_id = :t, message_id = :msg, from_address = :sender,"
        f" warnings = :w{sql.json_cast()}, processed_at = :now WHERE id = :id",
        {"status": outcome.status, "t": outcome.ticket_id, "msg": outcome.message_id,
         "sender": parsed.from_address.lower()[:320] or None, "w": sql.json(outcome.warnings or parsed.warnings),
         "now": sql.time(utcnow()), "id": raw_id},
    )


def ingest(database: Database, settings: Settings, mailbox_id: int, raw: bytes, *, source: str) -> IntakeResult:
    """Store, then process; a redelivered message returns what the first delivery became."""
    stored = store_raw(database, mailbox_id, raw, source=source)
    if stored.duplicate and stored.status != RawStatus.received:
        with database.session(write=False) as db:
            return _result(Raw(db), stored.raw_id, True)
    for attempt in range(3):
        try:
            return process_raw(database, settings, stored.raw_id, duplicate=stored.duplicate)
        except DATABASE_ERRORS:
            if attempt == 2:
                raise  # stored but not processed: process_pending or a redelivery finishes it
            log.warning("email intake: retrying raw message %s after a database error", stored.raw_id)
    raise AssertionError("unreachable")


def process_pending(database: Database, settings: Settings, *, limit: int = 1000) -> list[IntakeResult]:
    """Finish messages stored but never processed (the process died between the two steps)."""
    with database.session(write=False) as db:
        ids = [int(r[0]) for r in Raw(db).rows(
            "SELECT id FROM raw_email WHERE status = 'received' ORDER BY id LIMIT :n", {"n": limit})]
    return [process_raw(database, settings, raw_id) for raw_id in ids]
