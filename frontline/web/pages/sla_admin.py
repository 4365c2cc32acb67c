"""Admin pages for SLA: business-hours calendars and policies (supervisors and administrators, as in the API).

The pages only translate forms into `CalendarIn` / `PolicyIn` and back; saving, validation, ordering and
deletion are `frontline.sla.manage`. A form that does not validate comes back with its values and the
message next to it (422), and nothing is stored.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from frontline.accounts.deps import DB
from frontline.accounts.models import Team
from frontline.contacts.models import Organisation
from frontline.kit.errors import Conflict, Forbidden, InvalidInput
from frontline.sla import manage
from frontline.sla.hours import WEEKDAY_NAMES, weekly_from_spec
from frontline.sla.models import Calendar, Policy
from frontline.sla.schemas import CalendarIn, PolicyIn
from frontline.tickets.models import Channel, Priority
from frontline.web.i18n import N_, _
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, WebAgent, verify_csrf

router = APIRouter(prefix="/ui/admin/sla", include_in_schema=False, dependencies=[Depends(verify_csrf)])

WEEKDAYS = [(key, title) for key, title in zip(WEEKDAY_NAMES, (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday")),
    strict=True)]
SHORT_DAYS = {"mon": N_("Mon"), "tue": N_("Tue"), "wed": N_("Wed"), "thu": N_("Thu"), "fri": N_("Fri"),
              "sat": N_("Sat"), "sun": N_("Sun")}
BREACH_ACTIONS = {"notify_supervisor": N_("Notify supervisors"), "escalate": N_("Escalate to the next line"),
                  "raise_priority": N_("Raise the priority")}
ORGANISATION_LIMIT = 500
_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


async def form_data(request: Request) -> FormData:
    """The posted form (already read and cached by the CSRF check)."""
    return await request.form()


Posted = Annotated[FormData, Depends(form_data)]


def require_manager(agent: WebAgent, *, write: bool = False) -> None:
    """Supervisors and administrators, as in the SLA and rules API; agents get a 403."""
    if write:
        agent.principal.require_supervisor()
    elif not agent.principal.sees_all_tickets:
        raise Forbidden(_("Only supervisors and administrators may manage SLAs and rules."))


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _ints(form: FormData, key: str) -> list[int]:
    """Ids from a multiple select (the services refuse ids that name nothing)."""
    return [int(v) for v in form.getlist(key) if isinstance(v, str) and v.strip().isdigit()]


def _strings(form: FormData, key: str) -> list[str]:
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


def _calendar_form(calendar: Calendar | None, db: Session) -> dict[str, Any]:
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


def _posted_calendar(form: FormData) -> dict[str, Any]:
    return {
        "name": _text(form, "name"), "timezone": _text(form, "timezone") or "UTC",
        "always_open": bool(form.get("always_open")), "days": {k: _text(form, f"hours_{k}") for k in WEEKDAY_NAMES},
        "holidays": _text(form, "holidays"), "special": _text(form, "special_hours"),
        "team_ids": _ints(form, "team_ids"),
        "country": _text(form, "country"), "subdivision": _text(form, "subdivision"), "years": _text(form, "years"),
    }


def _calendar_body(values: dict[str, Any]) -> CalendarIn:
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


def _import_into(values: dict[str, Any]) -> str:
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


def _teams(db: Session) -> list[Team]:
    return list(db.scalars(select(Team).order_by(Team.name)))


def _calendar_page(request: Request, db: Session, agent: WebAgent, calendar: Calendar | None,
                   values: dict[str, Any], *, error: str = "", notice: str = "", status: int = 200) -> Response:
    return render(request, "admin_sla_calendar.html", {
        "calendar": calendar, "v": values, "weekdays": WEEKDAYS, "teams": _teams(db), "error": error,
        "notice": notice, "zones": sorted(available_timezones()),
        "use": manage.calendar_use(db, calendar.id) if calendar is not None else None,
        "can_edit": _can_edit(agent), **nav_context(db, agent), "current": "sla",
    }, status=status)


def _can_edit(agent: WebAgent) -> bool:
    try:
        agent.principal.require_supervisor()
    except Forbidden:
        return False
    return True


# -- overview ----------------------------------------------------------------------------------------------

def _summary(calendar: Calendar) -> str:
    if calendar.always_open:
        return _("24/7")
    days = day_hours(calendar)
    def days_label(key: str) -> str:
        return "–".join(_(SHORT_DAYS[part]) for part in key.split("-"))

    return "; ".join(f"{days_label(k)}: {v}" for k, v in compact_week(days).items()) or _("closed")


def _overview(request: Request, db: Session, agent: WebAgent, *, error: str = "", status: int = 200) -> Response:
    calendars = manage.list_calendars(db)
    names = {c.id: c.name for c in calendars}
    teams = {t.id: t.name for t in _teams(db)}
    team_cal = manage.team_calendars(db)
    policies = manage.list_policies(db)
    org_ids = {i for p in policies for i in (p.conditions or {}).get("organisation_id", [])
               if isinstance(i, int) and 0 < i <= manage.MAX_ID}
    orgs = {o.id: o.name for o in db.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))} \
        if org_ids else {}
    return render(request, "admin_sla.html", {
        "calendars": calendars, "calendar_names": names, "summaries": {c.id: _summary(c) for c in calendars},
        "calendar_teams": {c.id: [teams[t] for t, cid in team_cal.items() if cid == c.id and t in teams]
                           for c in calendars},
        "policies": policies, "teams": teams, "orgs": orgs, "minutes": format_minutes, "error": error,
        "can_edit": _can_edit(agent), **nav_context(db, agent), "current": "sla",
    }, status=status)


@router.get("")
def sla_page(request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent)
    return _overview(request, db, agent)


@router.get("/calendars/new")
def new_calendar(request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    return _calendar_page(request, db, agent, None, _calendar_form(None, db))


@router.get("/calendars/{calendar_id}")
def edit_calendar(calendar_id: int, request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent)
    calendar = manage.get_calendar(db, calendar_id)
    return _calendar_page(request, db, agent, calendar, _calendar_form(calendar, db))


def _save_calendar(request: Request, db: Session, agent: WebAgent, calendar: Calendar | None,
                   form: FormData) -> Response:
    require_manager(agent, write=True)
    values = _posted_calendar(form)
    try:
        if _text(form, "op") == "import":
            notice = _import_into(values)
            return _calendar_page(request, db, agent, calendar, values, notice=notice)
        saved = manage.save_calendar(db, calendar, _calendar_body(values), values["team_ids"])
    except InvalidInput as exc:
        db.rollback()
        return _calendar_page(request, db, agent, calendar, values, error=exc.detail, status=422)
    return RedirectResponse(f"/ui/admin/sla?saved=calendar-{saved.id}", status_code=303)


@router.post("/calendars")
def create_calendar(request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    return _save_calendar(request, db, agent, None, form)


@router.post("/calendars/{calendar_id}")
def update_calendar(calendar_id: int, request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    return _save_calendar(request, db, agent, manage.get_calendar(db, calendar_id), form)


@router.post("/calendars/{calendar_id}/delete")
def delete_calendar(calendar_id: int, request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    calendar = manage.get_calendar(db, calendar_id)
    try:
        manage.delete_calendar(db, calendar)
    except Conflict as exc:
        return _overview(request, db, agent, error=exc.detail, status=409)
    return RedirectResponse("/ui/admin/sla", status_code=303)


# -- policies ----------------------------------------------------------------------------------------------

def _policy_form(policy: Policy | None) -> dict[str, Any]:
    c = (policy.conditions or {}) if policy else {}
    return {
        "name": policy.name if policy else "", "active": policy.active if policy else True,
        "priority": list(c.get("priority", [])), "channel": list(c.get("channel", [])),
        "team_id": list(c.get("team_id", [])), "organisation_id": list(c.get("organisation_id", [])),
        "organisation_tier": list(c.get("organisation_tier", [])),
        "first_response": format_minutes(policy.first_response_minutes) if policy else "1h",
        "next_response": format_minutes(policy.next_response_minutes) if policy else "",
        "resolution": format_minutes(policy.resolution_minutes) if policy else "1d",
        "warn_before": format_minutes(policy.warn_before_minutes) if policy else "30m",
        "calendar_id": policy.calendar_id if policy else None,
        "breach_actions": list(policy.breach_actions) if policy else [],
    }


def _posted_policy(form: FormData) -> dict[str, Any]:
    calendar = _text(form, "calendar_id")
    return {
        "name": _text(form, "name"), "active": bool(form.get("active")),
        "priority": _strings(form, "priority"), "channel": _strings(form, "channel"),
        "team_id": _ints(form, "team_id"), "organisation_id": _ints(form, "organisation_id"),
        "organisation_tier": _strings(form, "organisation_tier") + [
            t.strip() for t in _text(form, "organisation_tier_other").split(",") if t.strip()],
        "first_response": _text(form, "first_response"), "next_response": _text(form, "next_response"),
        "resolution": _text(form, "resolution"), "warn_before": _text(form, "warn_before"),
        "calendar_id": int(calendar) if calendar.isdigit() and int(calendar) <= manage.MAX_ID else None,
        "breach_actions": _strings(form, "breach_actions"),
    }


def _policy_body(values: dict[str, Any]) -> PolicyIn:
    conditions = {key: values[key] for key in ("priority", "channel", "team_id", "organisation_id",
                                               "organisation_tier") if values[key]}
    bad = [p for p in values["priority"] if p not in Priority.__members__]
    if bad:
        raise InvalidInput(_("'%(value)s' is not a priority.", value=bad[0]))
    targets = {
        "first_response_minutes": parse_minutes(values["first_response"], _("First response")),
        "next_response_minutes": parse_minutes(values["next_response"], _("Next response")),
        "resolution_minutes": parse_minutes(values["resolution"], _("Resolution")),
    }
    warn = parse_minutes(values["warn_before"], _("Warn before"))
    try:
        return PolicyIn(name=values["name"], active=values["active"], conditions=conditions,
                        warn_before_minutes=warn or 0, calendar_id=values["calendar_id"],
                        breach_actions=values["breach_actions"], **targets)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(_("%(field)s: %(problem)s", field=where, problem=first["msg"])) from exc


def _policy_page(request: Request, db: Session, agent: WebAgent, policy: Policy | None, values: dict[str, Any],
                 *, error: str = "", status: int = 200) -> Response:
    orgs = list(db.scalars(select(Organisation).order_by(Organisation.name).limit(ORGANISATION_LIMIT)))
    missing = {i for i in values["organisation_id"] if 0 < i <= manage.MAX_ID} - {o.id for o in orgs}
    if missing:
        orgs += list(db.scalars(select(Organisation).where(Organisation.id.in_(missing))))
    tiers = sorted(set(db.scalars(select(Organisation.tier).distinct())) | {"standard"})
    return render(request, "admin_sla_policy.html", {
        "policy": policy, "v": values, "error": error, "priorities": list(Priority.__members__),
        "channels": list(Channel), "teams": _teams(db), "organisations": orgs, "tiers": tiers,
        "other_tiers": ", ".join(t for t in values["organisation_tier"] if t not in tiers),
        "calendars": manage.list_calendars(db), "breach_actions": BREACH_ACTIONS, "can_edit": _can_edit(agent),
        **nav_context(db, agent), "current": "sla",
    }, status=status)


@router.get("/policies/new")
def new_policy(request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    return _policy_page(request, db, agent, None, _policy_form(None))


@router.get("/policies/{policy_id}")
def edit_policy(policy_id: int, request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent)
    policy = manage.get_policy(db, policy_id)
    return _policy_page(request, db, agent, policy, _policy_form(policy))


def _save_policy(request: Request, db: Session, agent: WebAgent, policy: Policy | None, form: FormData) -> Response:
    values = _posted_policy(form)
    try:
        saved = manage.save_policy(db, policy, _policy_body(values), keep_position=True)
    except InvalidInput as exc:
        db.rollback()
        return _policy_page(request, db, agent, policy, values, error=exc.detail, status=422)
    return RedirectResponse(f"/ui/admin/sla?saved=policy-{saved.id}", status_code=303)


@router.post("/policies")
def create_policy(request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    return _save_policy(request, db, agent, None, form)


@router.post("/policies/{policy_id}")
def update_policy(policy_id: int, request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    return _save_policy(request, db, agent, manage.get_policy(db, policy_id), form)


@router.post("/policies/{policy_id}/move")
def move_policy(policy_id: int, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    manage.move_policy(db, manage.get_policy(db, policy_id), -1 if _text(form, "direction") == "up" else 1)
    return RedirectResponse("/ui/admin/sla#policies", status_code=303)


@router.post("/policies/{policy_id}/active")
def toggle_policy(policy_id: int, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    policy = manage.get_policy(db, policy_id)
    manage.set_policy_active(db, policy, not policy.active)
    return RedirectResponse("/ui/admin/sla#policies", status_code=303)
