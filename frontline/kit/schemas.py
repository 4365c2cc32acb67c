"""Pydantic base classes and value types shared by every domain's schemas.

Every id a client sends (path, query, form or body) is an `Id`: a positive number that fits the
id columns (32-bit `integer` on PostgreSQL; SQLite's 64-bit range is wider), so a number beyond
them is a 422, never a database error. Text never carries NUL (U+0000): PostgreSQL cannot store it,
so every request body built on `Input` (or `NoNul`) refuses it with a 422, and
`kit.middleware.RejectNul` does the same for paths and query strings (docs/api.md, Input rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")

MAX_ID = 2**31 - 1  # ids are `integer` (32-bit) on PostgreSQL; a bigger number names nothing
NUL = "\x00"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An object's id as clients send it."""

Timestamp = AwareDatetime
"""A moment with its time zone (`2026-01-01T00:00:00Z`); a naive date-time is ambiguous and refused."""


def valid_id(value: Any) -> bool:
    """True for an int that can name a row (for ids that arrive outside a schema, e.g. in rule JSON)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def nul_path(value: Any, where: str = "") -> str | None:
    """Where the first NUL character sits in a JSON-like value (keys included), or None."""
    if isinstance(value, str):
        return where or "value" if NUL in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and NUL in key:
                return here
            found = nul_path(item, here)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = nul_path(item, f"{where}[{i}]")
            if found:
                return found
    return None


def refuse_nul(data: Any) -> Any:
    found = nul_path(data)
    if found:
        raise ValueError(f"{found}: text may not contain NUL (U+0000) characters")
    return data


class NoNul(BaseModel):
    """Refuses NUL characters anywhere in the input, nested JSON included."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return refuse_nul(data)


class Input(NoNul):
    """Request bodies: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None
