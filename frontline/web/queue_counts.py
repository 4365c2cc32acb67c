"""Capped live counts of the sidebar's queues, reused briefly per login session.

Counting stops at COUNT_CAP ("999+" is all a sidebar needs) and a session's counts are reused for
COUNT_TTL seconds; an agent's own changes drop theirs at once (`forget_counts`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from threading import Lock
from typing import Any

import orjson
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.web.queues import (
    QueueFilter,
    apply_params,
    base_filter,
    builtin_for,
    conditions,
    risk_clause,
    saved_views,
    serial_reads,
)
from frontline.web.sla_marks import warn_windows

_cache: dict[tuple[str, int, int], tuple[float, tuple[Any, ...], dict[str, int]]] = {}
_cache_lock = Lock()
COUNT_CAP = 1000  # "999+" is all a sidebar needs; counting a million rows exactly is not worth it
COUNT_TTL = 10.0  # seconds a user's sidebar counts are reused (the sidebar polls every 30 s)


def count(db: Session, principal: Principal, f: QueueFilter, *, now: datetime | None = None,
          windows: Mapping[int, int] | None = None) -> int:
    """Tickets in a queue, counted up to COUNT_CAP."""
    raw, now = Raw(db), now or utcnow()
    serial_reads(db, raw)
    if f.sla_at_risk:  # walk the due-time index instead of the whole queue
        w = conditions(raw, replace(f, sla_at_risk=False), principal, now)
        risk = risk_clause(w, now, warn_windows(raw) if windows is None else windows)
        sql = (f"SELECT count(*) FROM (SELECT 1 FROM ticket_sla s JOIN ticket t ON t.id = s.ticket_id "
               f"WHERE {w.sql([risk])} LIMIT {COUNT_CAP}) c")
    else:
        w = conditions(raw, f, principal, now, windows)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM ticket t WHERE {w.sql()} LIMIT {COUNT_CAP}) c"
    return int(raw.value(sql, w.params) or 0)


def _cache_key(db: Session, principal: Principal) -> tuple[str, int, int]:
    """Per database and login session (a process may serve several databases, e.g. in tests)."""
    return str(db.get_bind().engine.url), principal.user_id or 0, principal.token_id or 0


def forget_counts(user_id: int | None) -> None:
    """Drop a user's cached counts (after their own changes, so their sidebar shows them at once)."""
    with _cache_lock:
        for key in [k for k in _cache if k[1] == (user_id or 0)]:
            del _cache[key]


def counts(db: Session, principal: Principal) -> dict[str, int]:
    """Capped counts of every built-in queue and saved view, reused for COUNT_TTL seconds per session."""
    views = saved_views(db, principal.user_id or 0)
    fingerprint = (principal.role, principal.team_ids, tuple(views))
    key = _cache_key(db, principal)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] > time.monotonic() and cached[1] == fingerprint:
        return cached[2]
    raw, now = Raw(db), utcnow()
    windows = warn_windows(raw)
    result = {q.key: count(db, principal, base_filter(q.key, principal), now=now, windows=windows)
              for q in builtin_for(principal)}
    for view in views:
        filters = orjson.loads(view.filters) or {}
        result[f"view-{view.id}"] = count(db, principal, apply_params(QueueFilter(), filters), now=now,
                                          windows=windows)
    with _cache_lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (time.monotonic() + COUNT_TTL, fingerprint, result)
    return result
