"""REST endpoints for login, agents, teams and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request

from frontline.accounts import service
from frontline.accounts.auth import login_request
from frontline.accounts.deps import DB, Admin, AppSettings, Caller, Reader, Writer
from frontline.accounts.models import ApiToken, Team, User
from frontline.accounts.schemas import (
    LoginIn,
    LoginOut,
    PasswordChange,
    TeamCreate,
    TeamOut,
    TeamUpdate,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from frontline.kit.openapi import raises
from frontline.kit.schemas import Id

router = APIRouter(tags=["accounts"])


def _users_out(db: DB, users: list[User]) -> list[UserOut]:
    teams = service.team_ids_of(db, [u.id for u in users])
    return [UserOut.model_validate(u).model_copy(update={"team_ids": teams[u.id]}) for u in users]


def _teams_out(db: DB, teams: list[Team]) -> list[TeamOut]:
    members = service.member_ids_of(db, [t.id for t in teams])
    return [TeamOut.model_validate(t).model_copy(update={"member_ids": members[t.id]}) for t in teams]


@router.post("/auth/login", response_model=LoginOut)
@raises(401, 429)
async def post_login(body: LoginIn, request: Request, settings: AppSettings) -> LoginOut:
    """Exchange an agent's e-mail and password for a session token. Wrong passwords are rate-limited."""
    ip = request.client.host if request.client else None
    outcome, user_out = await login_request(
        request.app.state.database, settings, email=body.email, password=body.password, ip=ip,
        then=lambda db, done: _users_out(db, [done.user])[0] if done.user else None)
    if outcome.error is not None:
        raise outcome.error  # after the commit above, so the failure stays counted
    assert outcome.token is not None and user_out is not None
    return LoginOut(token=outcome.token, expires_at=outcome.expires_at, user=user_out)


@router.get("/me", response_model=UserOut)
def me(db: DB, caller: Caller) -> UserOut:
    return _users_out(db, [service.get_user(db, caller.user_id or 0)])[0]


@router.post("/me/password", status_code=204)
def post_password(body: PasswordChange, db: DB, caller: Writer) -> None:
    service.change_password(db, service.get_user(db, caller.user_id or 0), current=body.current_password,
                            new=body.new_password)


@router.get("/users", response_model=list[UserOut])
def get_users(db: DB, caller: Reader) -> list[UserOut]:
    return _users_out(db, list(service.list_users(db)))


@router.post("/users", status_code=201, response_model=UserOut)
def post_user(body: UserCreate, db: DB, caller: Admin) -> UserOut:
    return _users_out(db, [service.create_user(db, body, actor_id=caller.user_id)])[0]


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: Id, db: DB, caller: Reader) -> UserOut:
    return _users_out(db, [service.get_user(db, user_id)])[0]


@router.patch("/users/{user_id}", response_model=UserOut)
def patch_user(user_id: Id, body: UserUpdate, db: DB, caller: Writer) -> UserOut:
    own_availability = user_id == caller.user_id and body.model_fields_set <= {"availability", "language",
                                                                               "timezone", "name"}
    if not own_availability:
        caller.require_admin()
    user = service.update_user(db, service.get_user(db, user_id), body, actor_id=caller.user_id)
    return _users_out(db, [user])[0]


@router.get("/teams", response_model=list[TeamOut])
def get_teams(db: DB, caller: Reader) -> list[TeamOut]:
    return _teams_out(db, list(service.list_teams(db)))


@router.post("/teams", status_code=201, response_model=TeamOut)
def post_team(body: TeamCreate, db: DB, caller: Admin) -> TeamOut:
    return _teams_out(db, [service.create_team(db, body, actor_id=caller.user_id)])[0]


@router.get("/teams/{team_id}", response_model=TeamOut)
def get_team(team_id: Id, db: DB, caller: Reader) -> TeamOut:
    return _teams_out(db, [service.get_team(db, team_id)])[0]


@router.patch("/teams/{team_id}", response_model=TeamOut)
def patch_team(team_id: Id, body: TeamUpdate, db: DB, caller: Admin) -> TeamOut:
    team = service.update_team(db, service.get_team(db, team_id), body, actor_id=caller.user_id)
    return _teams_out(db, [team])[0]


@router.get("/tokens", response_model=list[TokenOut])
def get_tokens(db: DB, caller: Reader) -> list[ApiToken]:
    return list(service.list_tokens(db, caller))


@router.post("/tokens", status_code=201, response_model=TokenCreated)
def post_token(body: TokenCreate, db: DB, caller: Writer) -> TokenCreated:
    """Create an API token for yourself. Scopes beyond 'read' and 'write' need an administrator."""
    if "admin" in body.scopes:
        caller.require_admin()
    token, secret = service.create_token(db, service.get_user(db, caller.user_id or 0), body)
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def delete_token(token_id: Id, db: DB, caller: Writer) -> ApiToken:
    """Revoke a token: it stops working at once."""
    return service.revoke_token(db, service.access_token(db, caller, token_id), actor_id=caller.user_id)
