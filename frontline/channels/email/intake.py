"""Mail intake: store the raw bytes first (own transaction), then turn them into a ticket or message.

Two transactions on purpose. Once `store_raw` has committed, the message can no longer be lost: an
IMAP poller may flag it seen and the mail-gate may tell the MTA "delivered". If the process dies
before `process_raw` commits, the row stays `received` and is finished by the next delivery of the
same message (dedup finds it) or by `process_pending`. The (mailbox, dedup key) unique constraint
makes redelivery, concurrent delivery included, harmless.

Batches (`ingest_batch`, the IMAP poller) keep the same two steps with one transaction each for many
messages: `store_many` commits the whole batch before anything is parsed, `process_batch` delivers each
message in its own savepoint and commits once. Per message, the two commits and the ORM work around
them cost more than parsing; per batch they nearly vanish (docs/email-channel.md, Benchmark).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from frontline.channels.email import conversation
from frontline.channels.email.charsets import fallback_codecs
from frontline.channels.email.context import IntakeContext
from frontline.channels.email.models import RawStatus
from frontline.channels.email.parse import parse_email
from frontline.channels.email.parsed import ParsedEmail
from frontline.channels.email.rawstore import StoredRaw, insert_raw
from frontline.kit.db import Database, utcnow
from frontline.kit.dberrors import database_errors, is_transient
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings

log = logging.getLogger(__name__)

# messages per write transaction in `ingest_batch` and the IMAP poller, and at most this many bytes of them
BATCH_SIZE = 50
BATCH_BYTES = 16 * 1024 * 1024


@dataclass
class IntakeResult:
    raw_id: int
    status: str
    duplicate: bool = False
    ticket_id: int | None = None
    message_id: int | None = None
    warnings: list[str] = field(default_factory=list)


def store_raw(database: Database, mailbox_id: int, raw: bytes, *, source: str) -> StoredRaw:
    """Keep the bytes (zlib) unless this mailbox already has the same message; commits."""
    return store_many(database, mailbox_id, [raw], source=source)[0]


def store_many(database: Database, mailbox_id: int, raws: Sequence[bytes], *, source: str) -> list[StoredRaw]:
    """`store_raw` for a batch, in one transaction: all of them are kept once this returns, or none.

    A message that occurs twice in the batch is stored once; the second is reported as a duplicate.
    """
    with database.session() as db:
        sql = Raw(db)
        now = sql.time(utcnow())
        return [insert_raw(sql, mailbox_id, raw, source, now) for raw in raws]


def raw_bytes(db: Session, raw_id: int) -> bytes:
    content = Raw(db).value("SELECT content FROM raw_email WHERE id = :id", {"id": raw_id})
    return zlib.decompress(bytes(content))


def _result(sql: Raw, raw_id: int, duplicate: bool) -> IntakeResult:
    row = sql.one("SELECT status, ticket_id, message_id, warnings FROM raw_email WHERE id = :id", {"id": raw_id})
    assert row is not None
    return IntakeResult(raw_id, str(row[0]), duplicate, row[1], row[2], list(sql.read_json(row[3]) or []))


@dataclass(frozen=True)
class Claimed:
    mailbox_id: int
    header_message_id: str | None
    attempts: int
    last_error: str | None
    raw: bytes | None = None


def _claim(sql: Raw, raw_id: int, *, content: bool) -> Claimed | None:
    """Lock a `received` row for processing; None when someone else finished it meanwhile."""
    row = sql.one(
        "UPDATE raw_email SET status = 'received' WHERE id = :id AND status = 'received'"
        f" RETURNING mailbox_id, header_message_id, attempts, last_error{', content' if content else ''}",
        {"id": raw_id},
    )
    if row is None:
        return None
    return Claimed(int(row[0]), row[1], int(row[2] or 0), row[3], zlib.decompress(bytes(row[4])) if content else None)


class RepeatedFailure(Exception):
    """Processing a stored message failed `email_intake_max_attempts` times with transient database errors."""


def _error_text(error: BaseException) -> str:
    """A short, storable description of an error (first line, no NUL)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".replace("\x00", "")[:500]


def _count_failure(database: Database, raw_id: int, error: BaseException) -> None:
    """One more failed attempt on a stored message, in its own transaction (the failed one rolled back). When
    the database is down this fails too, and nothing is counted: an outage turns no mail into unreadable tickets."""
    try:
        with database.session() as db:
            Raw(db).run("UPDATE raw_email SET attempts = attempts + 1, last_error = :e WHERE id = :id"
                        " AND status = 'received'", {"e": _error_text(error), "id": raw_id})
    except database_errors() as failure:
        log.warning("email intake: could not count the failed attempt on raw message %s (%s)", raw_id,
                    _error_text(failure))


def _parse(settings: Settings, raw: bytes, charsets: tuple[str, ...]) -> ParsedEmail:
    return parse_email(raw, max_attachment_bytes=settings.max_attachment_bytes, charsets=charsets)


def _mailbox_charsets(sql: Raw, mailbox_id: int) -> tuple[str, ...]:
    """The charsets a mailbox tries for undeclared 8-bit mail (its setting, as codec names)."""
    return fallback_codecs(sql.value("SELECT fallback_charsets FROM mailbox WHERE id = :m", {"m": mailbox_id}))


def _charsets_of(database: Database, raw_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each stored message's mailbox charsets, read before parsing (which happens outside the write transaction)."""
    if not raw_ids:
        return {}
    try:
        with database.session(write=False) as db:
            rows = Raw(db).rows("SELECT r.id, m.fallback_charsets FROM raw_email r JOIN mailbox m"
                                f" ON m.id = r.mailbox_id WHERE r.id IN ({', '.join(str(int(i)) for i in raw_ids)})")
    except database_errors():  # the batch will fail too; one by one, each message is parsed again with its charsets
        return {}
    by_labels: dict[str, tuple[str, ...]] = {}
    return {int(raw_id): by_labels.setdefault(str(labels), fallback_codecs(labels)) for raw_id, labels in rows}


@contextmanager
def _savepoint(db: Session, sql: Raw) -> Iterator[None]:
    """A savepoint in plain SQL for the batch path (the ORM's begin_nested compiles a new statement each time,
    which cost more than a tenth of the intake). Nothing is pending in the session when it starts (the batch
    flushes after every message); after a rollback to it the session forgets every object it holds, since
    their rows may be gone, and the error is left to the caller. A transient database error is not rolled back
    to: the whole batch transaction goes, and its messages are processed one by one."""
    db.flush()
    sql.run("SAVEPOINT email_message")
    try:
        yield
        db.flush()
    except Exception as error:
        if is_transient(error):
            raise
        sql.run("ROLLBACK TO SAVEPOINT email_message")
        sql.run("RELEASE SAVEPOINT email_message")
        db.expunge_all()
        raise
    sql.run("RELEASE SAVEPOINT email_message")


def _deliver(db: Session, ctx: IntakeContext, settings: Settings, claimed: Claimed, raw_id: int,
             raw: bytes, parsed: ParsedEmail, duplicate: bool, *, batch: bool = False) -> IntakeResult:
    """Deliver one claimed message inside its own savepoint and record what it became.

    A transient database error propagates (the caller retries, counting attempts on the raw row). Anything else,
    a permanent database error (invalid data) included, and a message that failed `email_intake_max_attempts` times
    becomes an unreadable ticket with the original attached: no message is retried forever."""
    def savepoint() -> Any:
        return _savepoint(db, ctx.sql) if batch else db.begin_nested()

    error: Exception | None = None
    if claimed.attempts >= settings.email_intake_max_attempts:
        error = RepeatedFailure(f"{claimed.attempts} attempts failed; the last: {claimed.last_error}")
        log.warning("email intake: raw message %s failed %s times; keeping it as unreadable", raw_id,
                    claimed.attempts)
    else:
        try:
            with savepoint():
                outcome = conversation.deliver(db, settings, claimed.mailbox_id, raw_id, raw, parsed, context=ctx)
        except Exception as failure:
            if is_transient(failure):
                raise  # the raw row stays 'received' and is retried
            log.exception("email intake failed for raw message %s; keeping it as unreadable", raw_id)
            error = failure
    if error is not None:  # never drop mail
        outcome = _unreadable(db, ctx, settings, savepoint, claimed.mailbox_id, raw_id, raw, parsed, error)
    warnings = list(outcome.warnings or parsed.warnings)
    if error is None and claimed.header_message_id:
        # a bounce's ticket is the one of our mail it reports on: the raw record alone says so
        ticket_id = None if outcome.status == RawStatus.bounce else outcome.ticket_id
        warnings += _note_reused_message_id(ctx.sql, claimed, raw_id, ticket_id)
    _finish(ctx.sql, raw_id, parsed, outcome.status, outcome.ticket_id, outcome.message_id, warnings)
    return IntakeResult(raw_id, str(outcome.status), duplicate, outcome.ticket_id, outcome.message_id, warnings)


def _unreadable(db: Session, ctx: IntakeContext, settings: Settings, savepoint: Callable[[], Any], mailbox_id: int,
                raw_id: int, raw: bytes, parsed: ParsedEmail, error: Exception) -> conversation.Outcome:
    """The unreadable ticket; when the parsed mail itself cannot be written (invalid data in its subject or
    sender), one with nothing taken from it but the original attached; when not even that, status failed."""
    for source in (parsed, ParsedEmail()):
        try:
            with savepoint():
                return conversation.deliver_unreadable(db, settings, mailbox_id, raw_id, raw, source, error,
                                                       context=ctx)
        except database_errors() as failure:
            if is_transient(failure):
                raise
            log.exception("email intake: unreadable ticket for raw message %s failed", raw_id)
            error = failure
    note = f"This email could not be kept as a ticket ({_error_text(error)}); the original is stored."
    return conversation.Outcome(RawStatus.failed, None, None, [*parsed.warnings, note])


def _note_reused_message_id(sql: Raw, claimed: Claimed, raw_id: int, ticket_id: int | None) -> list[str]:
    """A different message with the Message-ID of one received before is kept as its own; say so, on the raw
    record and as a note on its ticket (agents see why two mails share an id)."""
    earlier = sql.value("SELECT MIN(id) FROM raw_email WHERE header_message_id = :mid AND mailbox_id = :m"
                        " AND id < :id", {"mid": claimed.header_message_id, "m": claimed.mailbox_id, "id": raw_id})
    if earlier is None:
        return []
    note = (f"Another email with the same Message-ID {claimed.header_message_id} but different content was received"
            f" before (received message {int(earlier)}); this one is kept as a message of its own.")
    if ticket_id is not None:
        conversation.add_note(sql, ticket_id, note, {"raw_id": raw_id, "reused_message_id_of": int(earlier)})
    return [note]


def process_raw(database: Database, settings: Settings, raw_id: int, *, duplicate: bool = False) -> IntakeResult:
    """Turn a stored raw message into a ticket/message (or a bounce record), in one transaction. A transient
    database error is counted on the raw row and raised: the message stays stored, to be finished later."""
    try:
        with database.session() as db:
            ctx = IntakeContext(db)
            claimed = _claim(ctx.sql, raw_id, content=True)
            if claimed is None:
                return _result(ctx.sql, raw_id, duplicate)
            assert claimed.raw is not None
            parsed = _parse(settings, claimed.raw, _mailbox_charsets(ctx.sql, claimed.mailbox_id))
            return _deliver(db, ctx, settings, claimed, raw_id, claimed.raw, parsed, duplicate)
    except database_errors() as error:
        _count_failure(database, raw_id, error)
        raise


def _process_retrying(database: Database, settings: Settings, raw_id: int, duplicate: bool) -> IntakeResult:
    for attempt in range(3):
        try:
            return process_raw(database, settings, raw_id, duplicate=duplicate)
        except database_errors() as error:
            if attempt == 2:
                raise  # stored but not processed: process_pending or a redelivery finishes it
            log.warning("email intake: retrying raw message %s after a database error (%s)", raw_id,
                        _error_text(error))
    raise AssertionError("unreachable")


def process_batch(database: Database, settings: Settings, stored: Sequence[tuple[int, bytes]], *,
                  duplicate: bool = False) -> list[IntakeResult]:
    """Process stored messages (raw id and the stored bytes) in ONE write transaction.

    Parsing happens first, outside the transaction (SQLite's single writer is not held meanwhile). Each
    message gets its own savepoint, so one that breaks the code or holds data the database refuses becomes an
    unreadable ticket without disturbing the others. The batch commits once: a crash before that leaves every
    row 'received' for `process_pending` or a redelivery, with nothing half done, and a crash after it has lost
    nothing. A transient database error rolls the batch back and the messages are processed one by one
    instead; a message that still cannot be processed is reported with status 'received' (stored, finished
    later, and after `email_intake_max_attempts` failures kept as unreadable).
    """
    charsets = _charsets_of(database, [raw_id for raw_id, _ in stored])
    parsed = [_parse(settings, raw, charsets.get(raw_id, fallback_codecs(None))) for raw_id, raw in stored]
    try:
        with database.session() as db:
            ctx = IntakeContext(db)
            results = []
            for (raw_id, raw), mail in zip(stored, parsed, strict=True):
                claimed = _claim(ctx.sql, raw_id, content=False)
                if claimed is None:  # finished meanwhile by another process
                    results.append(_result(ctx.sql, raw_id, duplicate))
                    continue
                results.append(_deliver(db, ctx, settings, claimed, raw_id, raw, mail, duplicate, batch=True))
                db.flush()
                db.expunge_all()  # the next message's listeners read fresh rows, and memory stays flat
            return results
    except Exception as error:  # a database error, or the session left unusable: the safe path, message by message
        log.warning("email intake: batch of %s rolled back (%s); processing one by one", len(stored),
                    _error_text(error))
    return [_process_alone(database, settings, raw_id, duplicate) for raw_id, _ in stored]


def _process_alone(database: Database, settings: Settings, raw_id: int, duplicate: bool) -> IntakeResult:
    try:
        return _process_retrying(database, settings, raw_id, duplicate)
    except database_errors() as error:
        log.warning("email intake: raw message %s stored, processing deferred (%s)", raw_id, _error_text(error))
        return IntakeResult(raw_id, str(RawStatus.received), duplicate)


def _finish(sql: Raw, raw_id: int, parsed: ParsedEmail, status: str, ticket_id: int | None, message_id: int | None,
            warnings: list[str]) -> None:
    sql.run(
        f"UPDATE raw_email SET status = :status, ticket_id = :t, message_id = :msg, from_address = :sender,"
        f" warnings = :w{sql.json_cast()}, processed_at = :now WHERE id = :id",
        {"status": status, "t": ticket_id, "msg": message_id, "sender": parsed.from_address.lower()[:320] or None,
         "w": sql.json(warnings), "now": sql.time(utcnow()), "id": raw_id},
    )


def ingest(database: Database, settings: Settings, mailbox_id: int, raw: bytes, *, source: str) -> IntakeResult:
    """Store, then process; a redelivered message returns what the first delivery became."""
    stored = store_raw(database, mailbox_id, raw, source=source)
    if stored.duplicate and stored.status != RawStatus.received:
        with database.session(write=False) as db:
            return _result(Raw(db), stored.raw_id, True)
    return _process_retrying(database, settings, stored.raw_id, stored.duplicate)


def ingest_batch(database: Database, settings: Settings, mailbox_id: int, raws: Sequence[bytes], *,
                 source: str) -> list[IntakeResult]:
    """`ingest` for many messages: stored in one transaction, then processed in one (see process_batch),
    BATCH_SIZE messages (BATCH_BYTES) at a time.

    The guarantee is the same as for one message: every message is committed raw before any is parsed,
    and each becomes exactly one ticket or message. Results come back in the order of `raws`.
    """
    results: list[IntakeResult] = []
    for start, end in batches([len(raw) for raw in raws]):
        chunk = raws[start:end]
        results += process_stored(database, settings, store_many(database, mailbox_id, chunk, source=source), chunk)
    return results


def process_stored(database: Database, settings: Settings, stored: Sequence[StoredRaw],
                   raws: Sequence[bytes]) -> list[IntakeResult]:
    """Process what `store_many` just stored (`raws` as given to it); results in the same order.

    New messages go through one `process_batch`; a redelivery returns what the first delivery became,
    or, when that one was stored but never processed, finishes it from the bytes stored then.
    """
    fresh = [(n, s.raw_id, raw) for n, (s, raw) in enumerate(zip(stored, raws, strict=True)) if not s.duplicate]
    done = dict(zip((n for n, _, _ in fresh), process_batch(database, settings, [(i, r) for _, i, r in fresh]),
                    strict=True))
    results = []
    for n, item in enumerate(stored):
        if not item.duplicate:
            results.append(done[n])
        elif item.status == RawStatus.received:
            results.append(_process_alone(database, settings, item.raw_id, True))
        else:
            with database.session(write=False) as db:
                results.append(_result(Raw(db), item.raw_id, True))
    return results


def batches(sizes: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(start, end) ranges of at most BATCH_SIZE items and, unless one item alone is larger, BATCH_BYTES."""
    start = total = 0
    for n, size in enumerate(sizes):
        if n > start and (n - start >= BATCH_SIZE or total + size > BATCH_BYTES):
            yield start, n
            start, total = n, 0
        total += size
    if start < len(sizes):
        yield start, len(sizes)


def process_pending(database: Database, settings: Settings, *, limit: int = 1000) -> list[IntakeResult]:
    """Finish messages stored but never processed (the process died between the two steps)."""
    with database.session(write=False) as db:
        pending = [(int(r[0]), int(r[1])) for r in Raw(db).rows(
            "SELECT id, size FROM raw_email WHERE status = 'received' ORDER BY id LIMIT :n", {"n": limit})]
    results: list[IntakeResult] = []
    for start, end in batches([size for _, size in pending]):
        with database.session(write=False) as db:
            sql = Raw(db)
            stored = [(raw_id, zlib.decompress(bytes(sql.value("SELECT content FROM raw_email WHERE id = :id",
                                                               {"id": raw_id}))))
                      for raw_id, _ in pending[start:end]]
        results += process_batch(database, settings, stored)
    return results
