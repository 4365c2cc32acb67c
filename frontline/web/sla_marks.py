"""SLA marks of queue rows and the ticket page: which clock is next, when, and how it stands.

A mark is read from a `ticket_sla` row (plain SQL) and each policy's warning window; templates get the
labels and formatters through `display_context`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from frontline.kit.rawsql import Raw
from frontline.tickets.models import Status
from frontline.web import timefmt
from frontline.web.i18n import N_, _

DEFAULT_WARN_MINUTES = 30  # at-risk window of clocks whose policy is gone (a policy's own default too)
METRIC_LABELS = {"first_response": N_("First response"), "next_response": N_("Next response"),
                 "resolution": N_("Resolution")}
STATE_LABELS = {"breached": N_("Breached"), "at_risk": N_("At risk"), "ok": N_("On track"),
                "paused": N_("Paused"), "met": N_("Met"), "idle": N_("Not running")}


def duration(value: timedelta) -> str:
    """A span of (business) time as hours and minutes, e.g. '26 h 5 min' (rounded up to the minute)."""
    minutes = -(-int(value.total_seconds()) // 60)
    hours, minutes = divmod(max(minutes, 0), 60)
    return _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes) if hours else \
        _("%(minutes)s min", minutes=minutes)


def display_context(tz_name: str | None) -> dict[str, Any]:
    """What templates need to show SLA marks and times: labels, a fast `when` and `duration`."""
    return {"sla_states": STATE_LABELS, "sla_metrics": METRIC_LABELS, "when": timefmt.formatter(tz_name),
            "duration": duration}


def warn_windows(raw: Raw) -> dict[int, int]:
    """Each SLA policy's warning window in minutes."""
    return {int(i): int(m) for i, m in raw.rows("SELECT id, warn_before_minutes FROM sla_policy")}


@dataclass(frozen=True, slots=True)
class SlaMark:
    """The next SLA deadline of a ticket: which clock, when, and how it stands (breached/at_risk/ok/paused)."""

    metric: str | None
    due: datetime | None
    state: str


def sla_state(due: datetime | None, now: datetime, warn_minutes: int) -> str:
    if due is None:
        return "paused"
    if due < now:
        return "breached"
    if due - timedelta(minutes=warn_minutes) <= now:
        return "at_risk"
    return "ok"


def mark(raw: Raw, values: Sequence[Any], status: str, now: datetime, windows: Mapping[int, int]) -> SlaMark | None:
    """The SlaMark of a ticket_sla row read as (policy_id, pauses, next_due, first, next, resolution due)."""
    policy_id, pauses, next_due_value, *dues = values
    next_due = raw.read_time(next_due_value)
    if next_due is None:
        paused = bool(pauses) and _open_pause(raw.read_json(pauses))
        return SlaMark(None, None, "paused") if paused and status not in (Status.solved, Status.closed) else None
    metric = next((m for m, d in zip(METRIC_LABELS, dues, strict=True) if raw.read_time(d) == next_due), None)
    warn = windows.get(int(policy_id), DEFAULT_WARN_MINUTES) if policy_id is not None else DEFAULT_WARN_MINUTES
    return SlaMark(metric, next_due, sla_state(next_due, now, warn))


def _open_pause(pauses: Any) -> bool:
    return isinstance(pauses, list) and bool(pauses) and isinstance(pauses[-1], list) and pauses[-1][-1] is None
