"""Planner pages: forecast and staffing charts as server-rendered SVG, the schedule grid, what-ifs, exports.

Charts are plain SVG built here (polylines and rectangles), so there is no JavaScript build step.
A team's page shows its published schedule in force (or the latest), else a draft plan computed
on the spot without a schedule.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from markupsafe import Markup

from frontline.accounts.deps import DB
from frontline.kit.errors import Forbidden
from frontline.web.pages.queues import nav_context, team_names
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf
from frontline.workforce import roster

router = APIRouter(prefix="/ui/planner", include_in_schema=False, dependencies=[Depends(verify_csrf)])
WIDTH, HEIGHT, PAD = 960, 240, 30


def _scale(values: list[float], top: float) -> list[float]:
    return [HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD) if top > 0 else HEIGHT - PAD for v in values]


def _points(xs: list[float], ys: list[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _xs(count: int, offset: int, total: int) -> list[float]:
    step = (WIDTH - 2 * PAD) / max(1, total - 1)
    return [PAD + (offset + i) * step for i in range(count)]


def _frame(title: str, body: str, day_marks: int, total: int, top: float) -> Markup:
    ticks = "".join(
        f'<line x1="{x:.1f}" y1="{PAD}" x2="{x:.1f}" y2="{HEIGHT - PAD}" class="grid"/>'
        for x in _xs(total, 0, total)[::48][:day_marks + 1])
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{Markup.escape(title)}</title>{ticks}'
        f'<text x="4" y="{PAD - 8}" class="axis">{top:.1f}</text><text x="4" y="{HEIGHT - PAD}" class="axis">0</text>'
        f'{body}</svg>')


def forecast_svg(history: list[float], mean: list[float], lo: list[float], hi: list[float], title: str) -> Markup:
    """History (grey), forecast (blue) and its 80% band, one point per 30 minutes."""
    total = len(history) + len(mean)
    top = max([*history, *mean, *hi, 1.0])
    hx, fx = _xs(len(history), 0, total), _xs(len(mean), len(history), total)
    band = ""
    if lo and hi:
        outline = _points(fx, _scale(hi, top)) + " " + _points(fx[::-1], _scale(lo, top)[::-1])
        band = f'<polygon points="{outline}" class="band"/>'
    body = (band + f'<polyline points="{_points(hx, _scale(history, top))}" class="history"/>'
            f'<polyline points="{_points(fx, _scale(mean, top))}" class="forecast"/>')
    return _frame(title, body, total // 48, total, top)


def staffing_svg(required: list[int], scheduled: list[int], title: str) -> Markup:
    """Required staff as bars, scheduled staff as a line, per 30-minute interval."""
    total = len(required)
    top = float(max([*required, *scheduled, 1]))
    xs = _xs(total, 0, total)
    width = max(1.0, (WIDTH - 2 * PAD) / total)
    ys = _scale([float(v) for v in required], top)
    bars = "".join(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.2f}" height="{HEIGHT - PAD - y:.1f}" '
                   f'class="required"/>' for x, y in zip(xs, ys, strict=True) if y < HEIGHT - PAD)
    line = f'<polyline points="{_points(xs, _scale([float(v) for v in scheduled], top))}" class="scheduled"/>'
    return _frame(title, bars + line, total // 48, total, top)


def schedule_grid(doc: dict[str, Any]) -> dict[str, Any]:
    """Rows of agents x days with the shift name of each cell."""
    start = date.fromisoformat(doc["start"])
    days = [start + timedelta(days=i) for i in range(7 * int(doc["weeks"]))]
    cells = {(a["agent_id"], a["day"]): a["shift"] for a in doc.get("assignments", [])}
    rows = [{"name": a["name"], "cells": [cells.get((a["id"], d.isoformat()), "") for d in days]}
            for a in doc.get("agents", [])]
    return {"days": days, "rows": rows}


def _draft(request: Request, db: Any, team_id: int) -> dict[str, Any]:
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
        raise Forbidden("Only supervisors and administrators may plan the workforce.")


@router.get("")
def planner_page(request: Request, db: DB, agent: Agent, team_id: int | None = None) -> Response:
    teams = team_names(db)
    shifts = roster.shifts_of(db, agent.id, since=date.today() - timedelta(days=1))
    context: dict[str, Any] = {**nav_context(db, agent), "current": "planner", "teams": teams, "team_id": team_id,
                               "shifts": shifts, "doc": None, "schedule": None}
    if team_id is not None:
        _require_planner(agent)
        schedules = roster.team_schedules(db, team_id)
        schedule = schedules[0] if schedules else None
        doc = dict(schedule.plan) if schedule else _draft(request, db, team_id)
        fc = doc["forecast"]
        context.update(doc=doc, schedule=schedule, grid=schedule_grid(doc),
                       forecast_chart=forecast_svg(doc["history"]["values"], fc["mean"], fc["lo"], fc["hi"],
                                                   "forecast"),
                       staffing_chart=staffing_svg(doc["required"], doc["scheduled"], "staffing"))
    return render(request, "planner/planner.html", context)


@router.post("/whatif")
def what_if_page(request: Request, db: DB, agent: Agent, schedule_id: Annotated[int, Form()],
                 scenario: Annotated[str, Form()] = "volume", day: Annotated[int, Form()] = 0) -> Response:
    from frontline.workforce.simulation import result_json, simulate_day

    _require_planner(agent)
    doc = dict(roster.published(db, schedule_id).plan)
    result = result_json(simulate_day(doc, day, scenario=scenario, replications=10))
    return render(request, "planner/whatif.html", {**nav_context(db, agent), "current": "planner", "result": result,
                                                   "schedule_id": schedule_id, "team_id": doc["team_id"]})
