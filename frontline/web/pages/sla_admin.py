"""Admin pages for SLA: business-hours calendars and policies (supervisors and administrators, as in the API).

The pages only translate forms into `CalendarIn` / `PolicyIn` and back; saving, validation, ordering and
deletion are `frontline.sla.manage`. A form that does not validate comes back with its values and the
message next to it (422), and nothing is stored.
"""

from __future__ import annotations

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
from frontline.kit.schemas import Id
from frontline.sla import manage, service
from frontline.sla.models import Calendar, Policy
from frontline.sla.schemas import PolicyIn
from frontline.tickets.models import Channel, Priority
from frontline.web.i18n import N_, _
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, WebAgent, verify_csrf
from frontline.web.sla_form import (
    SHORT_DAYS,
    WEEKDAYS,
    calendar_body,
    calendar_form,
    compact_week,
    day_hours,
    form_ints,
    form_strings,
    form_text,
    format_minutes,
    import_holidays,
    parse_minutes,
    posted_calendar,
)

router = APIRouter(prefix="/ui/admin/sla", include_in_schema=False, dependencies=[Depends(verify_csrf)])

BREACH_ACTIONS = {"notify_supervisor": N_("Notify supervisors"), "escalate": N_("Escalate to the next line"),
                  "raise_priority": N_("Raise the priority")}
ORGANISATION_LIMIT = 500


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
    return _calendar_page(request, db, agent, None, calendar_form(None, db))


@router.get("/calendars/{calendar_id}")
def edit_calendar(calendar_id: Id, request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent)
    calendar = manage.get_calendar(db, calendar_id)
    return _calendar_page(request, db, agent, calendar, calendar_form(calendar, db))


def _save_calendar(request: Request, db: Session, agent: WebAgent, calendar: Calendar | None,
                   form: FormData) -> Response:
    require_manager(agent, write=True)
    values = posted_calendar(form)
    try:
        if form_text(form, "op") == "import":
            notice = import_holidays(values)
            return _calendar_page(request, db, agent, calendar, values, notice=notice)
        saved = manage.save_calendar(db, calendar, calendar_body(values), values["team_ids"])
    except InvalidInput as exc:
        db.rollback()
        return _calendar_page(request, db, agent, calendar, values, error=exc.detail, status=422)
    return RedirectResponse(f"/ui/admin/sla?saved=calendar-{saved.id}", status_code=303)


@router.post("/calendars")
def create_calendar(request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    return _save_calendar(request, db, agent, None, form)


@router.post("/calendars/{calendar_id}")
def update_calendar(calendar_id: Id, request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    return _save_calendar(request, db, agent, manage.get_calendar(db, calendar_id), form)


@router.post("/calendars/{calendar_id}/delete")
def delete_calendar(calendar_id: Id, request: Request, db: DB, agent: Agent) -> Response:
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
    calendar = form_text(form, "calendar_id")
    return {
        "name": form_text(form, "name"), "active": bool(form.get("active")),
        "priority": form_strings(form, "priority"), "channel": form_strings(form, "channel"),
        "team_id": form_ints(form, "team_id"), "organisation_id": form_ints(form, "organisation_id"),
        "organisation_tier": form_strings(form, "organisation_tier") + [
            t.strip() for t in form_text(form, "organisation_tier_other").split(",") if t.strip()],
        "first_response": form_text(form, "first_response"), "next_response": form_text(form, "next_response"),
        "resolution": form_text(form, "resolution"), "warn_before": form_text(form, "warn_before"),
        "calendar_id": int(calendar) if calendar.isdigit() and int(calendar) <= manage.MAX_ID else None,
        "breach_actions": form_strings(form, "breach_actions"),
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
def edit_policy(policy_id: Id, request: Request, db: DB, agent: Agent) -> Response:
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
def update_policy(policy_id: Id, request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    return _save_policy(request, db, agent, manage.get_policy(db, policy_id), form)


@router.post("/policies/{policy_id}/move")
def move_policy(policy_id: Id, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    manage.move_policy(db, manage.get_policy(db, policy_id), -1 if form_text(form, "direction") == "up" else 1)
    return RedirectResponse("/ui/admin/sla#policies", status_code=303)


@router.post("/policies/{policy_id}/active")
def toggle_policy(policy_id: Id, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    policy = manage.get_policy(db, policy_id)
    manage.set_policy_active(db, policy, not policy.active)
    return RedirectResponse("/ui/admin/sla#policies", status_code=303)


# -- applying the policies to open tickets --------------------------------------------------------------------

@router.get("/apply")
def apply_page(request: Request, db: DB, agent: Agent) -> Response:
    """The count first: how many open tickets the policies as they are now would change."""
    require_manager(agent, write=True)
    return render(request, "admin_sla_apply.html", {
        "changes": service.policy_changes(db), **nav_context(db, agent), "current": "sla"})


@router.post("/apply")
def apply_policies(db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    return RedirectResponse(f"/ui/admin/sla?applied={service.start_applying(db)}#policies", status_code=303)
