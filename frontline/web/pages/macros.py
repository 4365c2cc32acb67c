"""Managing canned responses: personal ones for everybody, team ones for members and supervisors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from frontline.accounts.deps import DB
from frontline.kit.schemas import Id
from frontline.tickets.models import Priority, Status
from frontline.web import macros, notices
from frontline.web.pages.queues import nav_context, team_names
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/ui/macros", include_in_schema=False, dependencies=[Depends(verify_csrf)])


@router.get("")
def macros_page(request: Request, db: DB, agent: Agent, edit: int | None = None) -> Response:
    editing = macros.get_macro(db, agent.principal, edit) if edit else None
    teams = team_names(db)
    allowed = {tid: name for tid, name in teams.items()
               if agent.principal.sees_all_tickets or tid in agent.principal.team_ids}
    return render(request, "macros.html", {
        "macros": macros.list_macros(db, agent.principal, limit=500), "editing": editing, "teams": teams,
        "my_teams": allowed, "statuses": list(Status), "priorities": [p.name for p in Priority],
        "placeholders": macros.PLACEHOLDERS, **nav_context(db, agent), "current": "macros",
    })


def _input(title: str, body: str, team_id: str, set_status: str, set_priority: str) -> macros.MacroInput:
    return macros.MacroInput(title=title, body=body, team_id=int(team_id) if team_id.isdigit() else None,
                             set_status=set_status or None, set_priority=set_priority or None)


@router.post("")
def create(db: DB, agent: Agent, title: Annotated[str, Form()], body: Annotated[str, Form()],
           team_id: Annotated[str, Form()] = "", set_status: Annotated[str, Form()] = "",
           set_priority: Annotated[str, Form()] = "") -> Response:
    macros.create_macro(db, agent.principal, _input(title, body, team_id, set_status, set_priority))
    return notices.redirect("/ui/macros", "macro_saved")


@router.post("/{macro_id}")
def update(macro_id: Id, db: DB, agent: Agent, title: Annotated[str, Form()], body: Annotated[str, Form()],
           set_status: Annotated[str, Form()] = "", set_priority: Annotated[str, Form()] = "") -> Response:
    macro = macros.get_macro(db, agent.principal, macro_id)
    macros.update_macro(db, agent.principal, macro,
                        _input(title, body, str(macro.team_id or ""), set_status, set_priority))
    return notices.redirect("/ui/macros", "macro_saved")


@router.post("/{macro_id}/delete")
def delete(macro_id: Id, db: DB, agent: Agent) -> Response:
    macros.delete_macro(db, agent.principal, macros.get_macro(db, agent.principal, macro_id))
    return notices.redirect("/ui/macros", "macro_deleted")
