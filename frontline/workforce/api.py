"""REST endpoints of the workforce planner and an agent's own shifts.

Planning calls take seconds (forecast fit, CP-SAT). They authenticate and load data in short
read transactions and compute outside any transaction, so they never hold the database writer.
The forecasting, optimisation and simulation libraries are imported on first use: importing them
costs seconds, and the app should start fast.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from frontline.accounts.auth import authenticate_token
from frontline.accounts.deps import DB, Bearer, Reader, Supervisor
from frontline.accounts.principal import Principal, Scope
from frontline.kit.errors import Forbidden, InvalidInput
from frontline.kit.openapi import CalendarResponse, CsvResponse, raises
from frontline.kit.schemas import Id
from frontline.kit.settings import Settings
from frontline.workforce import contracts, exports, roster
from frontline.workforce.schemas import (
    BuildIn,
    CheckIn,
    ContractIn,
    HandleTimeIn,
    PlanIn,
    PublishIn,
    SimulateIn,
    WhatIfIn,
)

router = APIRouter(tags=["planner"])


@raises(401, 403, bearer=True)
def planner(request: Request, secret: Bearer) -> Principal:
    """A supervisor or administrator, authenticated in a short read transaction."""
    with request.app.state.database.session(write=False) as db:
        principal = authenticate_token(db, secret)
    request.state.principal = principal
    principal.require_scope(Scope.read)
    if not principal.sees_all_tickets:
        raise Forbidden("Only supervisors and administrators may plan the workforce.")
    return principal


Planner = Annotated[Principal, Depends(planner)]


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _read(request: Request) -> Any:
    return request.app.state.database.session(write=False)


def make_plan(request: Request, body: PlanIn) -> dict[str, Any]:
    from frontline.workforce import service
    from frontline.workforce.planning import next_monday
    from frontline.workforce.schedule import Horizon

    settings = _settings(request)
    start = body.start or next_monday(service.local_today(settings.planner_timezone))
    try:
        horizon, options = Horizon(start, body.weeks), body.options()
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    with _read(request) as db:
        service.get_team(db, body.team_id)
        agents = service.team_agents(db, body.team_id)
        plan = service.plan_team(db, settings, body.team_id, horizon, options)
    return service.plan_document(plan, agents, options)


@router.get("/planner/forecast")
@raises(404)
def get_forecast(request: Request, caller: Planner, query: Annotated[PlanIn, Query()]) -> dict[str, Any]:
    """Forecast contacts per 30-minute interval of the horizon, with the 80% interval and recent history."""
    doc = make_plan(request, query)
    keys = ("team_id", "timezone", "start", "weeks", "forecast", "history", "model", "fallback", "reason", "notes")
    return {key: doc[key] for key in keys}


@router.get("/planner/staffing")
@raises(404)
def get_staffing(request: Request, caller: Planner, query: Annotated[PlanIn, Query()]) -> dict[str, Any]:
    """Scheduled staff required per interval (live Erlang C queue + deferred workload, after shrinkage)."""
    doc = make_plan(request, query)
    keys = ("team_id", "timezone", "start", "weeks", "required", "live_volume", "deferred_volume", "live_agents",
            "deferred_agents", "live_aht", "deferred_aht", "handle_time_sources", "options", "model", "fallback")
    return {key: doc[key] for key in keys}


@router.post("/planner/schedules/build")
@raises(404)
def build_schedule(request: Request, caller: Planner, body: BuildIn) -> dict[str, Any]:
    """A schedule for the team from the staffing requirement (not stored; publish it to put it in force)."""
    from frontline.workforce import service

    return service.solve_document(make_plan(request, body), time_limit_s=body.time_limit_s, explain=body.explain)


@router.post("/planner/schedules", status_code=201)
def publish_schedule(body: PublishIn, db: DB, caller: Supervisor) -> dict[str, Any]:
    """Publish a schedule: agents see their shifts and routing follows it while it is in force."""
    from frontline.workforce import service

    row = service.publish(db, body.plan, actor_id=caller.user_id, force=body.force)
    return exports.schedule_json(row)


@router.get("/planner/schedules")
def list_schedules(db: DB, caller: Planner, team_id: Id | None = None) -> list[dict[str, Any]]:
    return [exports.schedule_json(row, with_plan=False) for row in roster.team_schedules(db, team_id)]


@router.get("/planner/schedules/{schedule_id}")
def get_schedule(schedule_id: Id, db: DB, caller: Planner) -> dict[str, Any]:
    return exports.schedule_json(roster.published(db, schedule_id))


@router.get("/planner/schedules/{schedule_id}/schedule.csv", response_class=CsvResponse)
def schedule_csv(schedule_id: Id, db: DB, caller: Planner) -> Response:
    row = roster.published(db, schedule_id)
    return CsvResponse(exports.schedule_csv(row.plan),
                    headers={"Content-Disposition": f'attachment; filename="schedule-{schedule_id}.csv"'})


def _document(request: Request, plan: dict[str, Any] | None, schedule_id: int | None) -> dict[str, Any]:
    if plan is not None:
        return plan
    if schedule_id is None:
        raise InvalidInput("Give a plan document or a schedule_id.")
    with _read(request) as db:
        return dict(roster.published(db, schedule_id).plan)


@router.post("/planner/check")
@raises(404)
def check(request: Request, caller: Planner, body: CheckIn) -> dict[str, Any]:
    """Run the independent checker; with `csv`, on a hand-edited schedule against a published plan."""
    from frontline.workforce import document as docs
    from frontline.workforce import service
    from frontline.workforce.schedule.io import CsvFormatError, schedule_from_csv

    doc = _document(request, body.plan, body.schedule_id)
    if body.csv is not None:
        try:
            doc = {**doc, "assignments": docs.assignments_json(schedule_from_csv(body.csv))}
        except CsvFormatError as exc:
            raise InvalidInput(str(exc)) from exc
    checked = service.check_document(doc)
    return {"ok": not checked["violations"], "violations": checked["violations"], "shortfall": checked["shortfall"],
            "cost": checked["cost"], "scheduled": checked["scheduled"]}


def _simulate(request: Request, body: SimulateIn, scenario: str | None, factor: float | None) -> dict[str, Any]:
    from frontline.workforce import simulation

    doc = _document(request, body.plan, body.schedule_id)
    try:
        result = simulation.simulate_day(doc, body.day, scenario=scenario, factor=factor,
                                         replications=body.replications, seed=body.seed)
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"Cannot simulate this plan: {exc}") from exc
    return simulation.result_json(result)


@router.post("/planner/simulate")
@raises(404)
def simulate(request: Request, caller: Planner, body: SimulateIn) -> dict[str, Any]:
    """Service level, ASA, abandonment and occupancy of one day's live queue, with confidence intervals."""
    return _simulate(request, body, None, None)


@router.post("/planner/whatif")
@raises(404)
def what_if(request: Request, caller: Planner, body: WhatIfIn) -> dict[str, Any]:
    """The same day under +20% volume, longer handle time or one agent sick, against the base."""
    return _simulate(request, body, body.scenario, body.factor)


@router.put("/planner/handle-times")
def put_handle_time(body: HandleTimeIn, db: DB, caller: Supervisor) -> dict[str, Any]:
    from frontline.workforce.history import set_handle_time

    row = set_handle_time(db, body.channel, body.aht_seconds)
    return {"channel": row.channel, "aht_seconds": row.aht_seconds}


def _contract_json(user_id: int, contract: Any) -> dict[str, Any]:
    return {"user_id": user_id, "contract_hours": contract.contract_hours, "hours_below": contract.hours_below,
            "hours_above": contract.hours_above, "min_hours": contract.min_hours, "max_hours": contract.max_hours,
            "default": contract.default}


@router.get("/planner/contracts")
@raises(404)
def list_contracts(db: DB, caller: Planner, team_id: Id) -> list[dict[str, Any]]:
    """Weekly contract of each active agent of the team (agents without one work the default 40 h)."""
    from frontline.workforce import service

    service.get_team(db, team_id)
    agents = service.team_agents(db, team_id)
    found = contracts.contracts_of(db, [int(a.id) for a in agents])
    return [{**_contract_json(int(a.id), found[int(a.id)]), "name": a.name} for a in agents]


@router.put("/planner/contracts/{user_id}")
def put_contract(user_id: Id, body: ContractIn, db: DB, caller: Supervisor) -> dict[str, Any]:
    """Set an agent's weekly contract; schedules built from now on keep every week within it."""
    contract = contracts.set_contract(db, user_id, body.contract_hours, body.hours_below, body.hours_above)
    return _contract_json(user_id, contract)


def _my_shifts(db: Session, caller: Principal) -> list[Any]:
    if caller.user_id is None or caller.is_customer:
        raise Forbidden("Only agents have shifts.")
    return roster.shifts_of(db, caller.user_id, since=(datetime.now(UTC) - timedelta(days=7)).date())


@router.get("/me/shifts")
def my_shifts(db: DB, caller: Reader) -> list[dict[str, Any]]:
    return [exports.shift_json(s) for s in _my_shifts(db, caller)]


@router.get("/me/shifts.csv", response_class=CsvResponse)
def my_shifts_csv(db: DB, caller: Reader) -> Response:
    return CsvResponse(exports.shifts_csv(_my_shifts(db, caller)),
                    headers={"Content-Disposition": 'attachment; filename="my-shifts.csv"'})


@router.get("/me/shifts.ics", response_class=CalendarResponse)
def my_shifts_ics(request: Request, db: DB, caller: Reader) -> Response:
    ics = exports.shifts_ics(_my_shifts(db, caller), domain=request.url.hostname or "frontline.invalid")
    return CalendarResponse(ics,
                    headers={"Content-Disposition": 'attachment; filename="my-shifts.ics"'})
