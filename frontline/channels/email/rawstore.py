"""The raw store of incoming mail: the first step of every intake (HTTP, IMAP, mail-gate), in plain SQL.

`insert_raw` keeps a message's bytes (zlib) under its dedup key before anything parses it: once its transaction
commits the message cannot be lost. It runs on a session's connection (kit/rawsql.Raw, in channels/email/intake)
and on mail-gate's own DB-API connection (kit/dbapi, channels/email/gate), which must start without SQLAlchemy:
so this module imports neither SQLAlchemy nor the rest of the e-mail channel.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from enum import StrEnum

from frontline.kit.dbapi import Sql

INTAKE_JOB = "email.intake"
"""The job that turns one stored message into a ticket or message (payload: raw_id); queued by mail-gate."""


class RawStatus(StrEnum):
    received = "received"  # stored, not yet turned into anything (a crash between the two steps)
    new_ticket = "new_ticket"
    follow_up = "follow_up"  # a linked follow-up of a closed ticket
    joined = "joined"  # added as a message to an existing ticket
    bounce = "bounce"  # a delivery report about our own mail; no ticket
    failed = "failed"  # could not even be kept as a ticket; the raw bytes are still here


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id[ \t]*:[ \t]*((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)", re.IGNORECASE | re.M)
_ANGLE = re.compile(rb"<[^<>\s]{1,250}>")
_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.M)
CONTENT_HEADERS = frozenset({b"from", b"sender", b"to", b"cc", b"subject", b"date", b"message-id", b"in-reply-to",
                             b"references", b"content-type", b"content-transfer-encoding"})
"""Headers that are part of what a message says (content_hash); relays add others but leave these alone."""
# zlib level 1: a fifth faster than the default 6 on the benchmark's mail, and 2 % larger
COMPRESS_LEVEL = 1


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
    text = (angle.group(0) if angle else value.strip()).decode("ascii", "replace").replace("\x00", "")
    return text[:255] or None


def content_hash(raw: bytes) -> str:
    """sha256 of what the sender wrote, not of how it travelled: the body bytes (text and attachments) and the
    headers that say what the message is (CONTENT_HEADERS), with carriage returns and trailing blank lines dropped.

    Relays add trace headers on top (Received, Return-Path, Delivered-To, spam scores, ARC/DKIM results), and the
    same message arrives with CRLF over IMAP and LF through an MTA pipe: all of it is the same mail. Hashed from
    the raw bytes, not the parsed message, because the key must be known when the bytes are stored, before the
    parser ever runs (storing first is what loses nothing); the body bytes contain every part, attachments too.
    """
    text = raw.translate(None, b"\r")  # line ends as LF, in one copy (a lone CR counts for nothing either)
    end = text.find(b"\n\n")
    head, start = (text[:end], end + 2) if end >= 0 else (text, len(text))
    stop = len(text)
    while stop > start and text[stop - 1] in b"\n\t ":
        stop -= 1
    digest = hashlib.sha256()
    for name, value in _content_headers(head):
        digest.update(name + b":" + value + b"\n")
    digest.update(b"\n")
    digest.update(memoryview(text)[start:stop])
    return digest.hexdigest()


def _content_headers(head: bytes) -> list[tuple[bytes, bytes]]:
    """The first of each content header, names lowered and values unfolded with runs of white space as one."""
    found: dict[bytes, bytes] = {}
    for match in _HEADER_LINE.finditer(head):
        name = match.group(1).lower()
        if name in CONTENT_HEADERS and name not in found:
            found[name] = b" ".join(match.group(2).split())
    return sorted(found.items())


def dedup_key(raw: bytes) -> tuple[str, str | None, str]:
    """(dedup key, Message-ID, sha256 of the bytes). Two messages are the same when they have the same Message-ID
    and the same content (`content_hash`), or, without a Message-ID, the same content: a message that reuses
    another's Message-ID is kept (intake notes the reuse), a redelivery is recognised."""
    sha = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    content = content_hash(raw)
    basis = f"mid:{message_id}\ncontent:{content}" if message_id else f"content:{content}"
    return hashlib.sha256(basis.encode()).hexdigest(), message_id, sha


def insert_raw(sql: Sql, mailbox_id: int, raw: bytes, source: str, now: object) -> StoredRaw:
    """Keep the bytes of one message in the caller's transaction, unless the mailbox has the same message (then
    that one's id and status, flagged duplicate); `now` bound as `sql.time` binds it."""
    key, message_id, sha = dedup_key(raw)
    row = sql.one(
        "INSERT INTO raw_email (mailbox_id, dedup_key, header_message_id, sha256, size, content, source, status,"
        " received_at) VALUES (:m, :k, :mid, :sha, :size, :content, :source, 'received', :now)"
        " ON CONFLICT (mailbox_id, dedup_key) DO NOTHING RETURNING id",
        {"m": mailbox_id, "k": key, "mid": message_id, "sha": sha, "size": len(raw),
         "content": zlib.compress(raw, COMPRESS_LEVEL), "source": source, "now": now},
    )
    if row is not None:
        return StoredRaw(int(row[0]), False, RawStatus.received)
    existing = sql.one("SELECT id, status FROM raw_email WHERE mailbox_id = :m AND dedup_key = :k",
                       {"m": mailbox_id, "k": key})
    assert existing is not None  # the conflicting row is committed (PostgreSQL waited for it) or ours
    return StoredRaw(int(existing[0]), True, str(existing[1]))


def mailbox_id(sql: Sql, name: str) -> int | None:
    """The id of the mailbox called `name` (what mail-gate's --mailbox names), or None."""
    row = sql.one("SELECT id FROM mailbox WHERE name = :name", {"name": name})
    return int(row[0]) if row is not None else None
