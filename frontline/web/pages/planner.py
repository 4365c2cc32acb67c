"""Planner pages: forecast and staffing charts as server-rendered SVG, the schedule grid, what-ifs, exports.

The pages call the workforce services (`workforce/roster.py`, `contracts.py`, `service.py`, `simulation.py`);
the planning and simulation modules, which load pandas, OR-tools, statsforecast and scipy, are imported only
by the requests that plan or simulate.

Charts are plain SVG built here (polylines and rectangles), so there is no JavaScript build step.
A team's page shows its published schedule in force (or the latest), else a draft plan computed
on the spot without a schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from frontline.accounts.deps import DB
from frontline.kit.errors import Forbidden, InvalidInput, NotFound
from frontline.kit.schemas import Id
from frontline.web.i18n import _, current_language
from frontline.web.pages.queues import nav_context, team_names
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf
from frontline.workforce import contracts, roster

router = APIRouter(prefix="/ui/planner", include_in_schema=False, dependencies=[Depends(verify_csrf)])
WIDTH, HEIGHT, PAD = 960, 250, 30


def _scale(values: list[float], top: float) -> list[float]:
    return [HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD) if top > 0 else HEIGHT - PAD for v in values]


def _points(xs: list[float], ys: list[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _xs(count: int, offset: int, total: int) -> list[float]:
    step = (WIDTH - 2 * PAD) / max(1, total - 1)
    return [PAD + (offset + i) * step for i in range(count)]


def _frame(title: str, body: str, total: int, top: float, labels: list[tuple[int, str]]) -> Markup:
    """Axes, day lines and day labels (`labels`: (interval index, text) of each day start) around `body`."""
    xs = _xs(total + 1, 0, total + 1)
    ticks = "".join(
        f'<line x1="{xs[i]:.1f}" y1="{PAD}" x2="{xs[i]:.1f}" y2="{HEIGHT - PAD}" class="grid"/>'
        f'<text x="{xs[i] + 3:.1f}" y="{HEIGHT - PAD + 14}" class="axis">{Markup.escape(text)}</text>'
        for i, text in labels)
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{Markup.escape(title)}</title>{ticks}'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="baseline"/>'
        f'<text x="4" y="{PAD - 8}" class="axis">{top:.0f}</text><text x="4" y="{HEIGHT - PAD}" class="axis">0</text>'
        f'{body}</svg>')


def _day_labels(first: date | None, days: int, offset: int = 0, *, every: int = 1,
                fmt: Callable[[date], str] | None = None) -> list[tuple[int, str]]:
    if first is None:
        return []
    show = fmt or (lambda d: d.strftime("%d.%m"))
    return [(offset + 48 * i, show(first + timedelta(days=i))) for i in range(0, days, every)]


def forecast_svg(history: list[float], mean: list[float], lo: list[float], hi: list[float], title: str, *,
                 history_start: date | None = None, forecast_start: date | None = None) -> Markup:
    """History (grey), forecast (blue) and its 80% band, one point per 30 minutes.

    With both start dates the days between the end of the history and the start of the forecast
    (planning for next week) stay empty, so the x axis is true calendar time.
    """
    gap = 0
    if history_start is not None and forecast_start is not None:
        gap = max(0, 48 * (forecast_start - history_start).days - len(history))
    total = len(history) + gap + len(mean)
    top = max([*history, *mean, *hi, 1.0])
    hx, fx = _xs(len(history), 0, total), _xs(len(mean), len(history) + gap, total)
    band = ""
    if lo and hi:
        outline = _points(fx, _scale(hi, top)) + " " + _points(fx[::-1], _scale(lo, top)[::-1])
        band = f'<polygon points="{outline}" class="band"/>'
    body = (band + f'<polyline points="{_points(hx, _scale(history, top))}" class="history"/>'
            f'<polyline points="{_points(fx, _scale(mean, top))}" class="forecast"/>')
    every = 1 if total <= 48 * 24 else 2
    labels = (_day_labels(history_start, len(history) // 48, every=every)
              + _day_labels(forecast_start, len(mean) // 48, len(history) + gap, every=every))
    return _frame(title, body, total, top, labels)


def staffing_svg(required: list[int], scheduled: list[int], title: str, *, start: date | None = None,
                 fmt: Callable[[date], str] | None = None) -> Markup:
    """Required staff as bars, scheduled staff as a line, per 30-minute interval."""
    total = len(required)
    top = float(max([*required, *scheduled, 1]))
    xs = _xs(total, 0, total)
    width = max(1.0, (WIDTH - 2 * PAD) / total)
    ys = _scale([float(v) for v in required], top)
    bars = "".join(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.2f}" height="{HEIGHT - PAD - y:.1f}" '
                   f'class="required"/>' for x, y in zip(xs, ys, strict=True) if y < HEIGHT - PAD)
    line = f'<polyline points="{_points(xs, _scale([float(v) for v in scheduled], top))}" class="scheduled"/>'
    return _frame(title, bars + line, total, top, _day_labels(start, total // 48, fmt=fmt))


def schedule_grid(doc: dict[str, Any], fmt: Callable[[date], str] | None = None) -> dict[str, Any]:
    """Rows of agents x days with the shift name of each cell, the contract and the hours per week."""
    start = date.fromisoformat(doc["start"])
    weeks = int(doc["weeks"])
    days = [start + timedelta(days=i) for i in range(7 * weeks)]
    lengths = {t["name"]: int(t["length_minutes"]) / 60 for t in doc.get("templates", [])}
    cells = {(a["agent_id"], a["day"]): a["shift"] for a in doc.get("assignments", [])}
    rows = []
    for a in doc.get("agents", []):
        hours = [0.0] * weeks
        for i, d in enumerate(days):
            hours[i // 7] += lengths.get(cells.get((a["id"], d.isoformat()), ""), 0.0)
        contract = float(a["contract_hours"])
        low = max(0.0, contract - float(a.get("hours_below", 4.0)))
        high = contract + float(a.get("hours_above", 4.0))
        rows.append({"name": a["name"], "line": a.get("line", ""), "contract": contract, "low": low, "high": high,
                     "hours": hours, "cells": [cells.get((a["id"], d.isoformat()), "") for d in days]})
    show = fmt or (lambda d: d.strftime("%d.%m"))
    return {"days": days, "labels": [show(d) for d in days], "rows": rows, "weeks": weeks,
            "weekend": [d.weekday() >= 5 for d in days]}


def _day_format(language: str) -> Callable[[date], str]:
    return lambda d: format_date(d, "EEE d.MM", locale=language)


def _draft(request: Request, db: Any, team_id: int) -> dict[str, Any]:
    # heavy: planning loads pandas, statsforecast and OR-tools (~2 s, ~100 MiB); only a draft plan needs them
    from frontline.workforce import service
    from frontline.workforce.planning import PlanOptions, next_monday
    from frontline.workforce.schedule import Horizon

    settings = request.app.state.settings
    horizon = Horizon(next_monday(service.local_today(settings.planner_timezone)), 1)
    options = PlanOptions()
    plan = service.plan_team(db, settings, team_id, horizon, options)
    return service.plan_document(plan, service.team_agents(db, team_id), options)


def _require_planner(agent: Any) -> None:
    if not agent.principal.sees_all_tickets:
        raise Forbidden(_("Only supervisors and administrators may plan the workforce."))


@router.get("")
def planner_page(request: Request, db: DB, agent: Agent, team_id: Id | None = None,
                 saved: int | None = None) -> Response:
    teams = team_names(db)
    shifts = roster.shifts_of(db, agent.id, since=date.today() - timedelta(days=1))
    context: dict[str, Any] = {**nav_context(db, agent), "current": "planner", "teams": teams, "team_id": team_id,
                               "shifts": shifts, "doc": None, "schedule": None}
    if team_id is not None:
        _require_planner(agent)
        if team_id not in teams:
            raise NotFound(_("No such team."))
        schedules = roster.team_schedules(db, team_id)
        schedule = schedules[0] if schedules else None
        doc = dict(schedule.plan) if schedule else _draft(request, db, team_id)
        fc = doc["forecast"]
        start = date.fromisoformat(doc["start"])
        history_start = doc.get("history", {}).get("start")
        day_format = _day_format(current_language())
        context.update(
            contracts=contracts.team_contracts(db, team_id), saved=saved, doc=doc, schedule=schedule,
            grid=schedule_grid(doc, day_format), start=start,
            end=start + timedelta(days=7 * int(doc["weeks"]) - 1),
            shortfall_hours=sum(max(0, r - s) for r, s in zip(doc["required"], doc["scheduled"], strict=True)) / 2,
            forecast_chart=forecast_svg(
                doc["history"]["values"], fc["mean"], fc["lo"], fc["hi"], "forecast",
                history_start=date.fromisoformat(history_start[:10]) if history_start else None,
                forecast_start=start),
            staffing_chart=staffing_svg(doc["required"], doc["scheduled"], "staffing", start=start, fmt=day_format))
    return render(request, "planner/planner.html", context)


@router.post("/contract")
def contract_form(db: DB, agent: Agent, team_id: Annotated[Id, Form()], user_id: Annotated[Id, Form()],
                  contract_hours: Annotated[float, Form()], hours_below: Annotated[float, Form()] = 4.0,
                  hours_above: Annotated[float, Form()] = 4.0) -> Response:
    """Set a team member's weekly contract from the planner page; the next plan keeps within it."""
    _require_planner(agent)
    if user_id not in {user.id for user, _contract in contracts.team_contracts(db, team_id)}:
        raise NotFound(_("No such agent in this team."))
    try:
        contracts.set_contract(db, user_id, contract_hours, hours_below, hours_above)
    except InvalidInput as exc:
        raise InvalidInput(_("A contract needs more than 0 and at most 80 hours a week; a week may fall below it by "
                             "0 up to the contract hours and go above it by 0 to 40 hours.")) from exc
    return RedirectResponse(f"/ui/planner?team_id={team_id}&saved={user_id}#contracts", status_code=303)


@router.post("/whatif")
def what_if_page(request: Request, db: DB, agent: Agent, schedule_id: Annotated[Id, Form()],
                 scenario: Annotated[str, Form()] = "volume", day: Annotated[int, Form()] = 0) -> Response:
    # heavy: the simulation loads numpy, pandas and scipy (~3 s); only a what-if needs them
    from frontline.workforce.simulation import SCENARIOS, result_json, simulate_day

    _require_planner(agent)
    doc = dict(roster.published(db, schedule_id).plan)
    days = 7 * int(doc["weeks"])
    if scenario not in SCENARIOS or not 0 <= day < days:
        raise InvalidInput(_("Pick one of the scenarios and a day of the schedule."))
    result = result_json(simulate_day(doc, day, scenario=scenario, replications=10))
    return render(request, "planner/whatif.html", {
        **nav_context(db, agent), "current": "planner", "result": result, "scenario": scenario,
        "date": date.fromisoformat(doc["start"]) + timedelta(days=day), "schedule_id": schedule_id,
        "team_id": doc["team_id"], "team": team_names(db).get(doc["team_id"], "")})
