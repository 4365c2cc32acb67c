"""Agents, teams and tokens: the domain's verbs. Services flush; the request boundary commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import available_timezones

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.auth import issue_token
from frontline.accounts.models import ApiToken, Team, TeamMember, TokenKind, User
from frontline.accounts.principal import Principal
from frontline.accounts.schemas import TeamCreate, TeamUpdate, TokenCreate, UserCreate, UserUpdate
from frontline.accounts.security import hash_password, verify_password
from frontline.kit.db import utcnow
from frontline.kit.errors import Conflict, InvalidInput, NotFound, Unauthorized

_TIMEZONES = available_timezones()


def get_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def team_ids_of(db: Session, user_ids: Sequence[int]) -> dict[int, list[int]]:
    rows = db.execute(select(TeamMember.user_id, TeamMember.team_id).where(TeamMember.user_id.in_(user_ids)))
    result: dict[int, list[int]] = {uid: [] for uid in user_ids}
    for uid, tid in rows:
        result[uid].append(tid)
    return result


def member_ids_of(db: Session, team_ids: Sequence[int]) -> dict[int, list[int]]:
    rows = db.execute(select(TeamMember.team_id, TeamMember.user_id).where(TeamMember.team_id.in_(team_ids)))
    result: dict[int, list[int]] = {tid: [] for tid in team_ids}
    for tid, uid in rows:
        result[tid].append(uid)
    return result


def list_users(db: Session) -> Sequence[User]:
    return db.scalars(select(User).order_by(User.id)).all()


def timezone_names() -> list[str]:
    """The IANA zone names a user or contact may pick, sorted (the list the pages offer)."""
    return sorted(_TIMEZONES)


def check_timezone(name: str) -> None:
    """The one check of a time zone name (users, contacts): an IANA name, else InvalidInput."""
    if name not in _TIMEZONES:
        raise InvalidInput(f"Unknown time zone '{name}'. Use an IANA name such as 'Europe/Moscow'.")


def _check_teams(db: Session, team_ids: Sequence[int]) -> None:
    found = set(db.scalars(select(Team.id).where(Team.id.in_(team_ids))))
    missing = sorted(set(team_ids) - found)
    if missing:
        raise InvalidInput(f"No team with id {missing[0]}.")


def _set_memberships(db: Session, user_id: int, team_ids: Sequence[int]) -> None:
    _check_teams(db, team_ids)
    db.execute(delete(TeamMember).where(TeamMember.user_id == user_id))
    db.add_all(TeamMember(user_id=user_id, team_id=tid) for tid in sorted(set(team_ids)))


def create_user(db: Session, data: UserCreate, *, actor_id: int | None) -> User:
    check_timezone(data.timezone)
    email = data.email.lower()
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with e-mail {email} already exists.")
    user = User(
        email=email,
        name=data.name,
        role=data.role,
        line=data.line,
        password_hash=hash_password(data.password) if data.password else None,
        language=data.language,
        timezone=data.timezone,
        skills=data.skills,
        languages=data.languages,
        capacity=data.capacity,
    )
    db.add(user)
    db.flush()
    _set_memberships(db, user.id, data.team_ids)
    audit.record(db, "user.created", actor_user_id=actor_id, target=f"user:{user.id}", role=user.role)
    return user


def update_user(db: Session, user: User, data: UserUpdate, *, actor_id: int | None) -> User:
    changes = data.model_dump(exclude_unset=True)
    if "timezone" in changes and changes["timezone"] is not None:
        check_timezone(changes["timezone"])
    team_ids = changes.pop("team_ids", None)
    for field, value in changes.items():
        old = getattr(user, field)
        if value is None and field not in ("line", "capacity"):
            continue
        if old == value:
            continue
        setattr(user, field, value)
        if field in ("role", "is_active"):
            audit.record(
                db, f"user.{field}_changed", actor_user_id=actor_id, target=f"user:{user.id}",
                old=str(old), new=str(value),
            )
    if team_ids is not None:
        before = team_ids_of(db, [user.id])[user.id]
        _set_memberships(db, user.id, team_ids)
        if sorted(before) != sorted(set(team_ids)):
            audit.record(
                db, "user.teams_changed", actor_user_id=actor_id, target=f"user:{user.id}",
                old=sorted(before), new=sorted(set(team_ids)),
            )
    db.flush()
    return user


def change_password(db: Session, user: User, *, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise Unauthorized("The current password is wrong.")
    user.password_hash = hash_password(new)
    # Other sessions end with a password change; API tokens stay (integrations are not logins).
    db.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.session, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(db, "user.password_changed", actor_user_id=user.id, target=f"user:{user.id}")


def list_teams(db: Session) -> Sequence[Team]:
    return db.scalars(select(Team).order_by(Team.name)).all()


def get_team(db: Session, team_id: int) -> Team:
    team = db.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team with id {team_id}.")
    return team


def _set_members(db: Session, team_id: int, user_ids: Sequence[int]) -> None:
    found = set(db.scalars(select(User.id).where(User.id.in_(user_ids))))
    missing = sorted(set(user_ids) - found)
    if missing:
        raise InvalidInput(f"No user with id {missing[0]}.")
    db.execute(delete(TeamMember).where(TeamMember.team_id == team_id))
    db.add_all(TeamMember(team_id=team_id, user_id=uid) for uid in sorted(set(user_ids)))


def create_team(db: Session, data: TeamCreate, *, actor_id: int | None) -> Team:
    team = Team(name=data.name, description=data.description, line=data.line)
    db.add(team)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise Conflict(f"A team named '{data.name}' already exists.") from exc
    _set_members(db, team.id, data.member_ids)
    if data.is_default:
        set_default_team(db, team.id, actor_id=actor_id)
    audit.record(db, "team.created", actor_user_id=actor_id, target=f"team:{team.id}", members=data.member_ids)
    return team


def update_team(db: Session, team: Team, data: TeamUpdate, *, actor_id: int | None) -> Team:
    changes = data.model_dump(exclude_unset=True)
    member_ids = changes.pop("member_ids", None)
    default = changes.pop("is_default", None)
    if default is not None and default != team.is_default:
        set_default_team(db, team.id if default else None, actor_id=actor_id)
    for field, value in changes.items():
        if value is not None or field == "line":
            setattr(team, field, value)
    if member_ids is not None:
        _set_members(db, team.id, member_ids)
        audit.record(db, "team.members_changed", actor_user_id=actor_id, target=f"team:{team.id}",
                     members=sorted(set(member_ids)))
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise Conflict("Another team already has that name.") from exc
    return team


def set_default_team(db: Session, team_id: int | None, *, actor_id: int | None) -> None:
    """Make `team_id` the default team (None: no default): it takes every new ticket that its creator, its
    mailbox and the classifier left without a team (routing.hotpath.route_new; the triggers run after and may
    still move it). At most one team is the default."""
    db.flush()
    db.execute(update(Team).where(Team.is_default.is_(True)).values(is_default=False))
    if team_id is not None:
        db.execute(update(Team).where(Team.id == team_id).values(is_default=True))
    db.expire_all()
    audit.record(db, "team.default", actor_user_id=actor_id, target=f"team:{team_id}" if team_id else "team:none")


def create_token(db: Session, user: User, data: TokenCreate) -> tuple[ApiToken, str]:
    ttl = timedelta(days=data.expires_in_days) if data.expires_in_days else None
    return issue_token(db, user, name=data.name, scopes=[str(s) for s in data.scopes], ttl=ttl)


def list_tokens(db: Session, principal: Principal) -> Sequence[ApiToken]:
    query = select(ApiToken).where(ApiToken.kind == TokenKind.api).order_by(ApiToken.id)
    if not principal.is_admin:
        query = query.where(ApiToken.user_id == principal.user_id)
    return db.scalars(query).all()


def access_token(db: Session, principal: Principal, token_id: int) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None or (token.user_id != principal.user_id and not principal.is_admin):
        raise NotFound(f"No token with id {token_id}.")
    return token


def revoke_token(db: Session, token: ApiToken, *, actor_id: int | None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(db, "token.revoked", actor_user_id=actor_id, target=f"token:{token.id}")
    db.flush()
    return token
