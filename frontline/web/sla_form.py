"""SLA calendar forms: durations, weekly hours, holidays and special days as people type them, and back.

Pure translation between the admin page's form fields and `CalendarIn`; the pages in
web/pages/sla_admin.py render and save through it (validation is `frontline.sla.manage`).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from frontline.kit.errors import InvalidInput
from frontline.sla import manage
from frontline.sla.hours import WEEKDAY_NAMES, weekly_from_spec
from frontline.sla.models import Calendar
from frontline.sla.schemas import CalendarIn
from frontline.web.i18n import N_, _

WEEKDAYS = [(key, title) for key, title in zip(WEEKDAY_NAMES, (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday")),
    strict=True)]
SHORT_DAYS = {"mon": N_("Mon"), "tue": N_("Tue"), "wed": N_("Wed"), "thu": N_("Thu"), "fri": N_("Fri"),
              "sat": N_("Sat"), "sun": N_("Sun")}
_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


def form_text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def form_ints(form: FormData, key: str) -> list[int]:
    """Ids from a multiple select (the services refuse ids that name nothing)."""
    return [int(v) for v in form.getlist(key) if isinstance(v, str) and v.strip().isdigit()]


def form_strings(form: FormData, key: str) -> list[str]:
    return [v.strip() for v in form.getlist(key) if isinstance(v, str) and v.strip()]


def format_minutes(minutes: int | None) -> str:
    """480 -> '8h', 90 -> '1h 30m', 2880 -> '2d' (a day here is 24 hours of business time)."""
    if not minutes:
        return ""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    return " ".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n)


def parse_minutes(text: str, label: str) -> int | None:
    """'90', '1h 30m', '2d 4h', '1:30' -> minutes; empty -> None. Raises InvalidInput naming the field."""
    value = text.strip().lower().replace(",", " ")
    if not value:
        return None
    if value.isdigit():
        return int(value)
    clock = re.fullmatch(r"(\d+):([0-5]\d)", value)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    match = _DURATION.match(value)
    if match is None or not any(match.groups()):
        raise InvalidInput(_("%(field)s: write a duration such as 90, 1:30, 4h or 1d 2h 30m.", field=label))
    days, hours, mins = (int(g or 0) for g in match.groups())
    return days * 24 * 60 + hours * 60 + mins


# -- calendars ---------------------------------------------------------------------------------------------

def day_hours(calendar: Calendar | None) -> dict[str, str]:
    """The stored weekly hours ({"mon-fri": ...}) spread over the seven days, as the form shows them."""
    if calendar is None:
        return {"mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-18:00",
                "fri": "09:00-18:00", "sat": "", "sun": ""}
    try:
        week = weekly_from_spec(calendar.weekly_hours or {})
    except ValueError:
        return {key: "" for key in WEEKDAY_NAMES}
    return {key: ", ".join(str(i) for i in week[n]) for n, key in enumerate(WEEKDAY_NAMES)}


def compact_week(days: dict[str, str]) -> dict[str, str]:
    """{"mon": "09:00-18:00", ..., "fri": "09:00-18:00"} -> {"mon-fri": "09:00-18:00"}; closed days left out."""
    out: dict[str, str] = {}
    n = 0
    while n < 7:
        spec = days.get(WEEKDAY_NAMES[n], "")
        end = n
        while end + 1 < 7 and days.get(WEEKDAY_NAMES[end + 1], "") == spec:
            end += 1
        if spec:
            key = WEEKDAY_NAMES[n] if end == n else f"{WEEKDAY_NAMES[n]}-{WEEKDAY_NAMES[end]}"
            out[key] = spec
        n = end + 1
    return out


def _holiday_lines(text: str) -> tuple[list[str], dict[str, str]]:
    """Holiday lines 'YYYY-MM-DD [name]' -> ISO dates and their names; anything else is an error."""
    dates: list[str] = []
    names: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first, _sep, rest = line.strip().partition(" ")
        try:
            day = date.fromisoformat(first).isoformat()
        except ValueError as exc:
            raise InvalidInput(_("Holidays, line %(n)s: start the line with a date like 2026-12-31.", n=n)) from exc
        dates.append(day)
        if rest.strip():
            names[day] = rest.strip()
    return dates, names


def _special_lines(text: str) -> dict[str, str]:
    """Special-hours lines 'YYYY-MM-DD 09:00-15:00' (or 'closed') -> {date: hours}."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first, _sep, rest = line.strip().partition(" ")
        try:
            day = date.fromisoformat(first).isoformat()
        except ValueError as exc:
            raise InvalidInput(_("Special hours, line %(n)s: write a date and hours, like "
                                 "2026-12-31 09:00-15:00.", n=n)) from exc
        spec = rest.strip()
        out[day] = "" if spec.lower() == "closed" else spec
    return out


def calendar_form(calendar: Calendar | None, db: Session) -> dict[str, Any]:
    """The form's values for a stored calendar (or a new one)."""
    teams_of = manage.team_calendars(db)
    holidays = calendar.holidays if calendar else []
    return {
        "name": calendar.name if calendar else "", "timezone": calendar.timezone if calendar else "UTC",
        "always_open": bool(calendar and calendar.always_open), "days": day_hours(calendar),
        "holidays": "\n".join(holidays), "special": "\n".join(
            f"{d} {h or 'closed'}" for d, h in sorted((calendar.special_hours or {}).items())) if calendar else "",
        "team_ids": [t for t, c in teams_of.items() if calendar is not None and c == calendar.id],
        "country": "", "subdivision": "", "years": f"{date.today().year}-{date.today().year + 2}",
    }


def posted_calendar(form: FormData) -> dict[str, Any]:
    return {
        "name": form_text(form, "name"), "timezone": form_text(form, "timezone") or "UTC",
        "always_open": bool(form.get("always_open")), "days": {k: form_text(form, f"hours_{k}") for k in WEEKDAY_NAMES},
        "holidays": form_text(form, "holidays"), "special": form_text(form, "special_hours"),
        "team_ids": form_ints(form, "team_ids"),
        "country": form_text(form, "country"), "subdivision": form_text(form, "subdivision"),
        "years": form_text(form, "years"),
    }


def calendar_body(values: dict[str, Any]) -> CalendarIn:
    dates, _names = _holiday_lines(values["holidays"])
    try:
        return CalendarIn(name=values["name"], timezone=values["timezone"], always_open=values["always_open"],
                          weekly_hours=compact_week(values["days"]), holidays=sorted(set(dates)),
                          special_hours=_special_lines(values["special"]))
    except ValidationError as exc:
        raise InvalidInput(_("Give the calendar a name (up to 120 characters).")) from exc


def _years(text: str) -> list[int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text or "")
    if match is None:
        raise InvalidInput(_("Years: write a year or a range, like 2026-2028."))
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 1900 <= first <= last <= first + 10:
        raise InvalidInput(_("Years: write a year or a range, like 2026-2028."))
    return list(range(first, last + 1))


def import_holidays(values: dict[str, Any]) -> str:
    """Add a country's public holidays (named) to the form; working weekend days get Monday's hours."""
    if not values["country"]:
        raise InvalidInput(_("Holiday import: give a country code such as RU, DE or US."))
    from frontline.web.i18n import current_language

    imported = manage.import_holidays(values["country"], _years(values["years"]), values["subdivision"] or None,
                                      language=current_language())
    dates, names = _holiday_lines(values["holidays"])
    for day, name in imported.days_off.items():
        names.setdefault(day.isoformat(), name)
    every = sorted(set(dates) | {d.isoformat() for d in imported.days_off})
    values["holidays"] = "\n".join(f"{d} {names[d]}".strip() if d in names else d for d in every)
    monday = values["days"].get("mon") or "09:00-18:00"
    special = _special_lines(values["special"])
    for day in imported.working_days:
        special.setdefault(day.isoformat(), monday)
    values["special"] = "\n".join(f"{d} {h or 'closed'}" for d, h in sorted(special.items()))
    added = _("%(n)s public holidays of %(country)s added.", n=len(imported.days_off),
              country=values["country"].upper())
    if imported.working_days:
        added += " " + _("%(w)s weekend days declared working days open with Monday's hours (special hours).",
                         w=len(imported.working_days))
    return added + " " + _("Check them and save.")
