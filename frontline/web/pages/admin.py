"""Admin pages: users and teams (administrators), API tokens (everyone sees their own); support lines,
skills and mailboxes come from admin_lines, admin_skills and admin_mailboxes."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from frontline.accounts.deps import DB
from frontline.accounts.models import Line, Role
from frontline.accounts.principal import Scope
from frontline.accounts.schemas import TeamCreate, TokenCreate, UserCreate, UserUpdate
from frontline.accounts.service import (
    access_token,
    create_team,
    create_token,
    create_user,
    get_user,
    list_teams,
    list_tokens,
    list_users,
    revoke_token,
    team_ids_of,
    update_user,
)
from frontline.kit.errors import InvalidInput
from frontline.kit.schemas import Id
from frontline.web import forms, notices
from frontline.web.i18n import N_, _
from frontline.web.pages import admin_lines, admin_mailboxes, admin_skills
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/ui/admin", include_in_schema=False, dependencies=[Depends(verify_csrf)])
FIELDS = {"email": N_("E-mail"), "name": N_("Name"), "password": N_("Password"), "role": N_("Role"),
          "line": N_("Line"), "team_ids": N_("Teams")}
M = TypeVar("M", bound=BaseModel)


def _validated(schema: type[M], data: dict[str, Any]) -> M:
    """The form as the service's input, or a readable 422 naming the fields that are wrong."""
    return forms.validated(schema, data, FIELDS)


@router.get("")
def admin_page(request: Request, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    users = list(list_users(db))
    return render(request, "admin.html", {
        "users": users, "memberships": team_ids_of(db, [u.id for u in users]), "teams": list_teams(db),
        "roles": list(Role), "lines": list(Line), **nav_context(db, agent), "current": "admin",
    })


@router.post("/users")
def add_user(db: DB, agent: Agent, email: Annotated[str, Form()], name: Annotated[str, Form()],
             password: Annotated[str, Form()], role: Annotated[str, Form()] = "agent",
             line: Annotated[str, Form()] = "", team_ids: Annotated[list[int] | None, Form()] = None) -> Response:
    agent.principal.require_admin()
    create_user(db, _validated(UserCreate, {"email": email, "name": name, "password": password, "role": role,
                                            "line": line or None, "team_ids": team_ids or []}),
                actor_id=agent.id)
    return notices.redirect("/ui/admin", "user_added")


@router.post("/users/{user_id}")
def edit_user(user_id: Id, db: DB, agent: Agent, role: Annotated[str, Form()] = "",
              line: Annotated[str, Form()] = "", team_ids: Annotated[list[int] | None, Form()] = None) -> Response:
    """Role, line and teams of an existing user (an administrator cannot take their own admin role away)."""
    agent.principal.require_admin()
    user = get_user(db, user_id)
    if user.id == agent.id and role and role != Role.admin:
        raise InvalidInput(_("You cannot take away your own administrator role."))
    data = _validated(UserUpdate, {"role": role or user.role, "line": line or None, "team_ids": team_ids or []})
    update_user(db, user, data, actor_id=agent.id)
    return notices.redirect("/ui/admin", "user_saved")


@router.post("/users/{user_id}/active")
def toggle_user(user_id: Id, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    user = get_user(db, user_id)
    update_user(db, user, UserUpdate(is_active=not user.is_active), actor_id=agent.id)
    return notices.redirect("/ui/admin", "user_activated" if user.is_active else "user_deactivated")


@router.post("/teams")
def add_team(db: DB, agent: Agent, name: Annotated[str, Form()], line: Annotated[str, Form()] = "") -> Response:
    agent.principal.require_admin()
    create_team(db, _validated(TeamCreate, {"name": name, "line": line or None}), actor_id=agent.id)
    return notices.redirect("/ui/admin", "team_added")


@router.get("/tokens")
def tokens_page(request: Request, db: DB, agent: Agent) -> Response:
    return render(request, "tokens.html", {"tokens": list_tokens(db, agent.principal), "secret": None,
                                           **nav_context(db, agent), "current": "tokens"})


@router.post("/tokens")
def add_token(request: Request, db: DB, agent: Agent, name: Annotated[str, Form()],
              write: Annotated[str, Form()] = "", days: Annotated[str, Form()] = "") -> Response:
    scopes = [Scope.read, Scope.write] if write else [Scope.read]
    data = _validated(TokenCreate, {"name": name, "scopes": scopes,
                                    "expires_in_days": int(days) if days.isdigit() else None})
    _token, secret = create_token(db, agent.user, data)
    return render(request, "tokens.html", {"tokens": list_tokens(db, agent.principal), "secret": secret,
                                           **nav_context(db, agent), "current": "tokens"})


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: Id, db: DB, agent: Agent) -> Response:
    revoke_token(db, access_token(db, agent.principal, token_id), actor_id=agent.id)
    return notices.redirect("/ui/admin/tokens", "token_revoked")


# Lines, skills and mailboxes live in modules of their own, mounted under /ui/admin with this router.
for _section in (admin_lines, admin_skills, admin_mailboxes):
    router.include_router(_section.router)
