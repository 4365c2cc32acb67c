"""Managing SLA calendars and policies: validated saves, team calendars, match order, safe deletion.

Used by the API and the admin pages alike. Everything here flushes; the caller's boundary commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from frontline.accounts.models import Team
from frontline.contacts.models import Organisation
from frontline.kit.db import utcnow
from frontline.kit.errors import Conflict, InvalidInput, NotFound
from frontline.sla.clocks import business_calendar
from frontline.sla.holiday_import import holiday_dates, public_holidays
from frontline.sla.models import Calendar, Policy, TeamCalendar, TicketSla
from frontline.sla.schemas import CONDITION_KEYS, CalendarIn, PolicyIn
from frontline.tickets.models import Channel, Priority

POSITION_STEP = 10
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; a bigger number names nothing


def _valid_id(ident: int | None) -> bool:
    return ident is not None and 0 < ident <= MAX_ID


# -- calendars ---------------------------------------------------------------------------------------------

def list_calendars(db: Session) -> list[Calendar]:
    return list(db.scalars(select(Calendar).order_by(Calendar.name)))


def get_calendar(db: Session, calendar_id: int) -> Calendar:
    row = db.get(Calendar, calendar_id) if _valid_id(calendar_id) else None
    if row is None:
        raise NotFound(f"No calendar {calendar_id}.")
    return row


def team_calendars(db: Session) -> dict[int, int]:
    """team id -> the id of the calendar its tickets' clocks use when the policy names none."""
    return {t: c for t, c in db.execute(select(TeamCalendar.team_id, TeamCalendar.calendar_id))}


def _unique_name(db: Session, model: type[Calendar] | type[Policy], name: str, own_id: int | None) -> None:
    found = db.scalar(select(model.id).where(model.name == name))
    if found is not None and found != own_id:
        raise InvalidInput(f"name: '{name}' is already taken.")


def save_calendar(db: Session, row: Calendar | None, body: CalendarIn,
                  team_ids: Iterable[int] | None = None) -> Calendar:
    """Create (row None) or change a calendar. `team_ids`, when given, become exactly the teams whose
    tickets use this calendar (a team has one calendar, so it leaves its previous one)."""
    _unique_name(db, Calendar, body.name, row.id if row is not None else None)
    holidays = set(body.holidays)
    if body.public_holidays:
        year = date.today().year
        try:
            holidays |= {d.isoformat() for d in holiday_dates(body.public_holidays, range(year - 1, year + 3))}
        except (KeyError, NotImplementedError, ValueError) as exc:
            raise InvalidInput(f"No public holidays known for '{body.public_holidays}'.") from exc
    values = {"name": body.name, "timezone": body.timezone, "always_open": body.always_open,
              "weekly_hours": body.weekly_hours, "holidays": sorted(holidays), "special_hours": body.special_hours}
    try:
        business_calendar(Calendar(**values))  # validate first: bad hours, unknown zone, never open
    except (ValueError, KeyError) as exc:
        raise InvalidInput(f"The calendar is not valid: {exc}") from exc
    wanted_teams = _known_teams(db, team_ids) if team_ids is not None else None
    target = row if row is not None else Calendar()
    for key, value in values.items():
        setattr(target, key, value)
    target.updated_at = utcnow()
    if row is None:
        db.add(target)
    db.flush()
    if wanted_teams is not None:
        _set_teams(db, target.id, wanted_teams)
    return target


def _known_teams(db: Session, team_ids: Iterable[int]) -> set[int]:
    wanted = set(team_ids)
    small = {t for t in wanted if _valid_id(t)}
    known = set(db.scalars(select(Team.id).where(Team.id.in_(small)))) if small else set()
    if wanted - known:
        raise InvalidInput(f"teams: no team with id {sorted(wanted - known)[0]}.")
    return wanted


def _set_teams(db: Session, calendar_id: int, team_ids: set[int]) -> None:
    for link in db.scalars(select(TeamCalendar).where(
            or_(TeamCalendar.calendar_id == calendar_id, TeamCalendar.team_id.in_(team_ids)))):
        if link.team_id in team_ids:
            link.calendar_id = calendar_id
            team_ids = team_ids - {link.team_id}
        else:
            db.delete(link)
    for team_id in sorted(team_ids):
        db.add(TeamCalendar(team_id=team_id, calendar_id=calendar_id))
    db.flush()


@dataclass
class CalendarUse:
    """What depends on a calendar; a calendar in use is not deleted."""

    policies: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    running_clocks: int = 0

    @property
    def in_use(self) -> bool:
        return bool(self.policies or self.teams or self.rules or self.running_clocks)


# Rules name calendars in their conditions, but rules sit above SLA (they read its clocks): SLA does not import
# them. frontline/wiring.py installs rules/manage.py's `rules_using_calendar` here in every process.
RulesUsing = Callable[[Session, int], list[str]]
_rules_using_calendar: list[RulesUsing] = []


def install_rules_check(find: RulesUsing) -> None:
    """Install the function naming the rules whose conditions use a calendar (replacing any installed before)."""
    _rules_using_calendar[:] = [find]


def calendar_use(db: Session, calendar_id: int) -> CalendarUse:
    use = CalendarUse()
    use.policies = list(db.scalars(select(Policy.name).where(Policy.calendar_id == calendar_id).order_by(Policy.name)))
    use.teams = list(db.scalars(select(Team.name).join(TeamCalendar, TeamCalendar.team_id == Team.id)
                                .where(TeamCalendar.calendar_id == calendar_id).order_by(Team.name)))
    if not _rules_using_calendar:  # deleting a calendar a rule names must never pass unnoticed
        raise RuntimeError("the rules check of SLA calendars is not installed: call frontline.wiring.install()")
    use.rules = _rules_using_calendar[0](db, calendar_id)
    use.running_clocks = db.scalar(select(func.count()).select_from(TicketSla).where(
        TicketSla.calendar_id == calendar_id, TicketSla.next_due.is_not(None))) or 0
    return use


def delete_calendar(db: Session, row: Calendar) -> None:
    """Delete a calendar nothing depends on; otherwise a 409 that says what still uses it."""
    use = calendar_use(db, row.id)
    if use.in_use:
        parts = []
        if use.policies:
            parts.append("policies " + ", ".join(use.policies))
        if use.teams:
            parts.append("teams " + ", ".join(use.teams))
        if use.rules:
            parts.append("rules " + ", ".join(use.rules))
        if use.running_clocks:
            parts.append(f"{use.running_clocks} running ticket clocks")
        raise Conflict(f"The calendar '{row.name}' is still used by {'; '.join(parts)}.")
    db.delete(row)
    db.flush()


@dataclass(frozen=True)
class ImportedHolidays:
    """Public holidays with their names, and the weekend days the country declares working days."""

    days_off: dict[date, str]
    working_days: list[date]


def import_holidays(country: str, years: Iterable[int], subdivision: str | None = None,
                    language: str | None = None) -> ImportedHolidays:
    """A country's public holidays for `years` (offline rules of the `holidays` package), named."""
    import holidays as holidays_package  # heavy: holidays + dateutil, ~10 MiB; only this import needs them

    code = country.strip().upper()
    year_list = sorted(set(years))
    try:
        imported = public_holidays(code, year_list, subdivision or None)
        table = holidays_package.country_holidays(code, subdiv=subdivision or None, years=year_list,
                                                  language=language)
    except (KeyError, NotImplementedError, ValueError) as exc:
        raise InvalidInput(f"No public holidays known for '{country}'"
                           + (f" ({subdivision})" if subdivision else "") + ".") from exc
    names = {day: str(name) for day, name in table.items()}
    return ImportedHolidays({day: names.get(day, "") for day in sorted(imported.days_off)},
                            sorted(imported.working_weekend_days))


# -- policies ----------------------------------------------------------------------------------------------

def list_policies(db: Session) -> list[Policy]:
    """In match order: the first active policy whose conditions hold is the ticket's."""
    return list(db.scalars(select(Policy).order_by(Policy.position, Policy.id)))


def get_policy(db: Session, policy_id: int) -> Policy:
    row = db.get(Policy, policy_id) if _valid_id(policy_id) else None
    if row is None:
        raise NotFound(f"No policy {policy_id}.")
    return row


def check_policy(db: Session, body: PolicyIn) -> None:
    unknown = set(body.conditions) - CONDITION_KEYS
    if unknown:
        raise InvalidInput(f"Unknown condition '{sorted(unknown)[0]}'. Use: {', '.join(sorted(CONDITION_KEYS))}.")
    choices: dict[str, set[str]] = {"priority": set(Priority.__members__), "channel": {str(c) for c in Channel}}
    for key, allowed in choices.items():
        bad = [v for v in body.conditions.get(key, []) if v not in allowed]
        if bad:
            raise InvalidInput(f"conditions.{key}: '{bad[0]}' is not one of {', '.join(sorted(allowed))}.")
    models: tuple[tuple[str, type[Team] | type[Organisation]], ...] = (("team_id", Team),
                                                                     ("organisation_id", Organisation))
    for key, model in models:
        wanted = body.conditions.get(key, [])
        asked = {i for i in wanted if isinstance(i, int) and not isinstance(i, bool) and _valid_id(i)}
        found = set(db.scalars(select(model.id).where(model.id.in_(asked)))) if asked else set()
        missing = [i for i in wanted if i not in found]
        if missing:
            raise InvalidInput(f"conditions.{key}: no {key.removesuffix('_id')} with id {missing[0]!r}.")
    if body.calendar_id is not None and (not _valid_id(body.calendar_id)
                                         or db.get(Calendar, body.calendar_id) is None):
        raise InvalidInput(f"No calendar {body.calendar_id}.")
    if not (body.first_response_minutes or body.next_response_minutes or body.resolution_minutes):
        raise InvalidInput("A policy needs at least one target (first response, next response or resolution).")


def save_policy(db: Session, row: Policy | None, body: PolicyIn, *, keep_position: bool = False) -> Policy:
    """Create (row None) or change a policy. With `keep_position` the body's position is ignored: a new
    policy goes last, an edited one stays where it is (the admin pages order by moving, not by numbers)."""
    check_policy(db, body)
    _unique_name(db, Policy, body.name, row.id if row is not None else None)
    values = body.model_dump()
    if keep_position:
        values.pop("position")
    target = row if row is not None else Policy()
    for key, value in values.items():
        setattr(target, key, value)
    if row is None:
        if keep_position:
            last = db.scalar(select(func.max(Policy.position)))
            target.position = (last or 0) + POSITION_STEP
        db.add(target)
    db.flush()
    return target


def move_policy(db: Session, row: Policy, steps: int) -> None:
    """Move a policy up (negative) or down the match order; positions are renumbered 10, 20, 30..."""
    ordered = list_policies(db)
    index = next(i for i, p in enumerate(ordered) if p.id == row.id)
    target = max(0, min(len(ordered) - 1, index + steps))
    ordered.insert(target, ordered.pop(index))
    for n, policy in enumerate(ordered, start=1):
        if policy.position != n * POSITION_STEP:
            policy.position = n * POSITION_STEP
    db.flush()


def set_policy_active(db: Session, row: Policy, active: bool) -> None:
    """A deactivated policy matches no new ticket; clocks already started on it keep running."""
    row.active = active
    db.flush()
