"""Published schedules and an agent's shifts as JSON, CSV and iCalendar."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from frontline.workforce.models import PublishedSchedule, WorkShift


def schedule_json(row: PublishedSchedule, *, with_plan: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id, "team_id": row.team_id, "start": row.start.isoformat(), "end": row.end.isoformat(),
        "weeks": row.weeks, "timezone": row.timezone, "published_by": row.published_by,
        "published_at": row.published_at.isoformat(),
    }
    if with_plan:
        body["plan"] = row.plan
    return body


def schedule_csv(plan: dict[str, Any]) -> str:
    from frontline.workforce.document import schedule_of
    from frontline.workforce.schedule.io import schedule_to_csv

    return schedule_to_csv(schedule_of(plan))


def shift_json(shift: WorkShift) -> dict[str, Any]:
    return {"schedule_id": shift.schedule_id, "day": shift.day.isoformat(), "shift": shift.shift,
            "starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat()}


def shifts_csv(shifts: Sequence[WorkShift]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", "shift", "starts_at", "ends_at"])
    for shift in shifts:
        writer.writerow([shift.day.isoformat(), shift.shift, shift.starts_at.isoformat(), shift.ends_at.isoformat()])
    return out.getvalue()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def shifts_ics(shifts: Sequence[WorkShift], *, domain: str, stamp: datetime | None = None) -> str:
    """One VEVENT per shift in UTC, so calendars in any zone show the right hours."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Frontline//Workforce planner//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:Frontline shifts"]
    now = _utc(stamp or datetime.now(UTC))
    for shift in shifts:
        lines += ["BEGIN:VEVENT", f"UID:shift-{shift.id}@{domain}", f"DTSTAMP:{now}",
                  f"DTSTART:{_utc(shift.starts_at)}", f"DTEND:{_utc(shift.ends_at)}",
                  f"SUMMARY:Shift {shift.shift}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    from frontline.workforce.schedule.io import fold_ics_line

    return "".join(fold_ics_line(line) + "\r\n" for line in lines)
