"""Administration of support lines: which teams work on L1/L2/L3, where each team escalates, how it assigns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from frontline.accounts.deps import DB
from frontline.accounts.models import Line, User
from frontline.accounts.schemas import TeamUpdate
from frontline.accounts.service import get_team, list_teams, member_ids_of, set_default_team, update_team
from frontline.kit.errors import InvalidInput
from frontline.kit.schemas import Id
from frontline.routing.models import Strategy, TeamRouting
from frontline.routing.service import NEXT_LINE, set_team_routing
from frontline.web import notices
from frontline.web.i18n import N_, _
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/lines", include_in_schema=False, dependencies=[Depends(verify_csrf)])
STRATEGIES = {Strategy.manual: N_("Manual"), Strategy.round_robin: N_("Round robin"),
              Strategy.least_loaded: N_("Least loaded"), Strategy.skill_based: N_("Skill based")}


@router.get("")
def lines_page(request: Request, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    teams = list(list_teams(db))
    routing = {r.team_id: r for r in db.scalars(select(TeamRouting))}
    members = member_ids_of(db, [t.id for t in teams])
    users = {u.id: u for u in db.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name))}
    lines = []
    for line in Line:
        on_line = [t for t in teams if t.line == line]
        following = NEXT_LINE.get(line)
        default_target = next((t for t in sorted(teams, key=lambda t: t.id) if t.line == following), None)
        lines.append({"line": line, "teams": on_line, "next": following, "default_target": default_target,
                      "agents": [u for u in users.values() if u.line == line]})
    return render(request, "admin_lines.html", {
        "lines": lines, "unlined": [t for t in teams if t.line is None], "all_teams": teams, "routing": routing,
        "members": members, "users": users, "strategies": [(s.value, _(label)) for s, label in STRATEGIES.items()],
        "line_values": list(Line), "default_team": next((t for t in teams if t.is_default), None),
        **nav_context(db, agent), "current": "admin"})


@router.post("/teams/{team_id}")
def save_team(team_id: Id, db: DB, agent: Agent, line: Annotated[str, Form()] = "",
              escalation_team_id: Annotated[str, Form()] = "", strategy: Annotated[str, Form()] = "manual",
              default_capacity: Annotated[str, Form()] = "20") -> Response:
    agent.principal.require_admin()
    team = get_team(db, team_id)
    if line and line not in Line.__members__:
        raise InvalidInput(_("Choose L1, L2, L3 or no line."))
    if strategy not in Strategy.__members__:
        raise InvalidInput(_("Unknown assignment strategy."))
    target = int(escalation_team_id) if escalation_team_id.isdigit() else None
    if target == team.id:
        raise InvalidInput(_("A team cannot escalate to itself."))
    capacity = int(default_capacity) if default_capacity.strip().isdigit() else 0
    if not 1 <= capacity <= 1000:
        raise InvalidInput(_("The default capacity is a whole number from 1 to 1000."))
    update_team(db, team, TeamUpdate(line=Line(line) if line else None), actor_id=agent.id)
    set_team_routing(db, team.id, strategy=Strategy(strategy), escalation_team_id=target, default_capacity=capacity)
    return notices.redirect("/ui/admin/lines", "team_saved")


@router.post("/default")
def save_default_team(db: DB, agent: Agent, team_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    """The team that takes every new ticket nothing else gave a team ("" for none)."""
    agent.principal.require_admin()
    team = get_team(db, int(team_id)) if team_id.isdigit() else None
    set_default_team(db, team.id if team is not None else None, actor_id=agent.id)
    return notices.redirect("/ui/admin/lines", "default_team_saved")
