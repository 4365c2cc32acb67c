"""Idempotency-Key support for POST: a retried create returns what the first attempt created.

The key row is inserted BEFORE the work, inside the same transaction. A concurrent retry with the
same key blocks on the unique index (PostgreSQL) or the single writer (SQLite) until the first
attempt commits, then finds the row and replays; if the first attempt rolled back, the retry does
the work itself. Either way exactly one resource exists.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import orjson
from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.kit.db import Base, UTCDateTime, utcnow
from frontline.kit.errors import Conflict, InvalidInput

MAX_KEY_LENGTH = 255


class IdempotencyKey(Base):
    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_owner_key"),)


def request_fingerprint(payload: object) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def claim(db: Session, *, owner: str, key: str, resource: str, fingerprint: str) -> IdempotencyKey | int:
    """Take the key for this request, or return the id of what an earlier request with it created."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.")
    row = IdempotencyKey(owner=owner, key=key, request_hash=fingerprint, resource=resource)
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
        return row
    except IntegrityError:
        pass
    existing = db.scalars(select(IdempotencyKey).where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)).one()
    if existing.request_hash != fingerprint or existing.resource != resource:
        raise Conflict("This Idempotency-Key was already used for a different request. Use a new key.")
    if existing.resource_id is None:
        raise Conflict("A request with this Idempotency-Key is still being processed. Retry shortly.")
    return existing.resource_id
