"""Administration of skills: the catalogue, and each agent's skills and languages (skill-based assignment)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontline.accounts.deps import DB
from frontline.accounts.service import get_user, list_users
from frontline.kit.schemas import Id
from frontline.routing import skills
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/skills", include_in_schema=False, dependencies=[Depends(verify_csrf)])


@router.get("")
def skills_page(request: Request, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    return render(request, "admin_skills.html", {
        "skills": skills.list_skills(db), "uncatalogued": skills.skills_in_use(db),
        "users": [u for u in list_users(db) if u.is_active], **nav_context(db, agent), "current": "admin"})


@router.post("")
def add_skill(db: DB, agent: Agent, name: Annotated[str, Form()] = "",
              description: Annotated[str, Form()] = "") -> Response:
    agent.principal.require_admin()
    skills.create_skill(db, name, description)
    return RedirectResponse("/ui/admin/skills", status_code=303)


@router.post("/{skill_id}/delete")
def remove_skill(skill_id: Id, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    skills.delete_skill(db, skill_id, actor_id=agent.id)
    return RedirectResponse("/ui/admin/skills", status_code=303)


@router.post("/agents/{user_id}")
def save_agent(user_id: Id, db: DB, agent: Agent, skill: Annotated[list[str] | None, Form()] = None,
               languages: Annotated[str, Form()] = "") -> Response:
    agent.principal.require_admin()
    user = get_user(db, user_id)
    skills.set_agent_skills(db, user, skills=skill or [], languages=languages.replace(",", " ").split(),
                            actor_id=agent.id)
    return RedirectResponse(f"/ui/admin/skills#agent-{user_id}", status_code=303)
