"""Keyset (cursor) pagination: the page after a cursor costs the same at row 50 and at row 1,000,000."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, DateTime, Integer, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from frontline.kit.db import UTCDateTime
from frontline.kit.errors import InvalidInput

SortKey = Sequence[tuple[InstrumentedAttribute[Any], bool]]  # (column, descending)


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(orjson.dumps(plain)).decode().rstrip("=")


def decode_cursor(cursor: str, key: SortKey) -> list[Any]:
    """Cursor values typed like the columns of an ORM sort key."""
    return decode_shaped(cursor, "".join(_kind(col) for col, _ in key))


def decode_shaped(cursor: str, shape: str) -> list[Any]:
    """Cursor values in a sort's shape: 't' an aware time, 'i' an integer, 's' a text, 'v' as stored."""
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(shape):
            raise ValueError
        return [_typed(kind, value) for kind, value in zip(shape, raw, strict=True)]
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InvalidInput("The cursor is not valid. Use the next_cursor of a previous page.") from exc


def _kind(column: InstrumentedAttribute[Any]) -> str:
    if isinstance(column.type, UTCDateTime | DateTime):
        return "t"
    return "i" if isinstance(column.type, Integer) else "v"


def _typed(kind: str, value: Any) -> Any:
    if kind == "t":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime in cursor")
        return parsed
    if kind == "i" and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError("integer expected")
    return str(value) if kind == "s" else value


def after(key: SortKey, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order `key` (mixed directions allowed)."""
    clauses = []
    for i, (col, desc) in enumerate(key):
        equal = [k[0] == v for k, v in zip(key[:i], values[:i], strict=True)]
        beyond = col < values[i] if desc else col > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def order_by(key: SortKey) -> list[Any]:
    return [col.desc() if desc else col.asc() for col, desc in key]
