"""CSV in/out of schedules and requirements, and iCalendar export of one agent's shifts.

Functions take and return text, so callers decide where files live. CSV
columns (header row required, extra columns ignored on read):

* schedule: ``agent_id,date,shift`` with ISO dates;
* requirement: ``interval_start,required`` with ISO local datetimes on the
  30-minute grid, plus optional ``line:L2`` / ``skill:<name>`` columns for
  per-line or per-skill floors. Missing intervals mean 0 required.
"""

from __future__ import annotations

import csv
import io as _io
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from frontline.workforce.schedule.model import (
    INTERVAL_MINUTES,
    Agent,
    Assignment,
    Horizon,
    Line,
    Schedule,
    ShiftTemplate,
    StaffingRequirement,
)

SCHEDULE_COLUMNS = ("agent_id", "date", "shift")
REQUIREMENT_COLUMNS = ("interval_start", "required")
ICS_LINE_OCTETS = 75


class CsvFormatError(ValueError):
    """The CSV text does not have the expected columns or values (row number in the message)."""


def _reader(text: str, needed: Iterable[str]) -> csv.DictReader[str]:
    reader = csv.DictReader(_io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in needed if column not in (reader.fieldnames or [])]
    if missing:
        raise CsvFormatError(f"missing column(s): {', '.join(missing)}")
    return reader


def schedule_to_csv(schedule: Schedule) -> str:
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCHEDULE_COLUMNS)
    for item in sorted(schedule.assignments, key=lambda a: (a.day, a.agent_id, a.shift)):
        writer.writerow((item.agent_id, item.day.isoformat(), item.shift))
    return out.getvalue()


def schedule_from_csv(text: str) -> Schedule:
    """Rows with an empty shift cell are days off and are skipped."""
    rows = []
    for number, row in enumerate(_reader(text, SCHEDULE_COLUMNS), start=2):
        agent_id, day, shift = (row[column].strip() for column in SCHEDULE_COLUMNS)
        if not shift:
            continue
        try:
            rows.append(Assignment(agent_id, date.fromisoformat(day), shift))
        except ValueError as error:
            raise CsvFormatError(f"row {number}: bad date {day!r}") from error
    return Schedule(tuple(rows))


def _group_columns(requirement: StaffingRequirement) -> list[tuple[str, tuple[int, ...]]]:
    columns = [(f"line:{line}", tuple(series)) for line, series in requirement.by_line.items()]
    return columns + [(f"skill:{skill}", tuple(series)) for skill, series in requirement.by_skill.items()]


def requirement_to_csv(requirement: StaffingRequirement, horizon: Horizon) -> str:
    requirement.validate(horizon)
    origin = datetime.combine(horizon.start, datetime.min.time())
    extra = _group_columns(requirement)
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*REQUIREMENT_COLUMNS, *(name for name, _ in extra)])
    for interval, need in enumerate(requirement.total):
        moment = origin + timedelta(minutes=INTERVAL_MINUTES * interval)
        writer.writerow([moment.isoformat(timespec="minutes"), need, *(series[interval] for _, series in extra)])
    return out.getvalue()


def _interval_index(value: str, horizon: Horizon, number: int) -> int:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise CsvFormatError(f"row {number}: bad interval_start {value!r}") from error
    offset = moment - datetime.combine(horizon.start, datetime.min.time())
    index, remainder = divmod(offset, timedelta(minutes=INTERVAL_MINUTES))
    if remainder or not 0 <= index < horizon.num_intervals:
        raise CsvFormatError(f"row {number}: {value!r} is off the 30-minute grid or outside the horizon")
    return int(index)


def _count(value: str, number: int) -> int:
    text = value.strip() or "0"
    try:
        count = int(text)
    except ValueError as error:
        raise CsvFormatError(f"row {number}: {text!r} is not a whole number") from error
    if count < 0:
        raise CsvFormatError(f"row {number}: negative requirement {count}")
    return count


def requirement_from_csv(text: str, horizon: Horizon) -> StaffingRequirement:
    reader = _reader(text, REQUIREMENT_COLUMNS)
    extra = [column for column in reader.fieldnames or [] if column.startswith(("line:", "skill:"))]
    series: dict[str, list[int]] = {column: [0] * horizon.num_intervals for column in ["required", *extra]}
    seen: set[int] = set()
    for number, row in enumerate(reader, start=2):
        index = _interval_index(row["interval_start"], horizon, number)
        if index in seen:
            raise CsvFormatError(f"row {number}: interval {row['interval_start']} appears twice")
        seen.add(index)
        for column, values in series.items():
            values[index] = _count(row[column] or "", number)
    try:
        by_line = {Line(column[5:]): tuple(series[column]) for column in extra if column.startswith("line:")}
    except ValueError as error:
        raise CsvFormatError(f"unknown line in columns {extra}") from error
    by_skill = {column[6:]: tuple(series[column]) for column in extra if column.startswith("skill:")}
    return StaffingRequirement(tuple(series["required"]), by_line, by_skill)


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_ics_line(line: str) -> str:
    """RFC 5545 folding: at most 75 octets per line, continuation lines start with a space."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = ICS_LINE_OCTETS if not pieces else ICS_LINE_OCTETS - 1
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def agent_ics(
    agent: Agent,
    schedule: Schedule,
    templates: Iterable[ShiftTemplate],
    *,
    stamp: datetime | None = None,
    uid_domain: str = "frontline.invalid",
) -> str:
    """VCALENDAR with one VEVENT per shift of `agent`, in floating (zone-naive) local time."""
    by_name = {template.name: template for template in templates}
    stamp_text = (stamp or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Frontline//Workforce schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_escape(f'Shifts of {agent.name}')}",
    ]
    for item in schedule.for_agent(agent.id):
        template = by_name[item.shift]
        start = datetime.combine(item.day, template.start)
        end = start + timedelta(minutes=template.length_minutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_ics_escape(f'{agent.id}-{item.day.isoformat()}-{item.shift}')}@{uid_domain}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART:{start:%Y%m%dT%H%M%S}",
            f"DTEND:{end:%Y%m%dT%H%M%S}",
            f"SUMMARY:{_ics_escape(f'{template.name} shift ({template.kind})')}",
            f"DESCRIPTION:{_ics_escape(f'{agent.name}, line {agent.line}: {template.name} {start:%H:%M}-{end:%H:%M}')}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_ics_line(line) + "\r\n" for line in lines)
