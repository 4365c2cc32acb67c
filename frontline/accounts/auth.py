"""Authentication: password login (rate-limited), bearer tokens, and customers' signed ticket links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.models import ApiToken, LoginFailure, TokenKind, User
from frontline.accounts.principal import ALL_SCOPES, Principal
from frontline.accounts.security import new_token_secret, token_hash, verify_password
from frontline.kit.db import utcnow
from frontline.kit.errors import TooManyRequests, Unauthorized
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings

_LINK_SALT = "frontline.ticket-link"


@dataclass
class LoginOutcome:
    user: User | None
    token: str | None = None
    expires_at: datetime | None = None
    error: Unauthorized | TooManyRequests | None = None


def login(db: Session, settings: Settings, *, email: str, password: str, ip: str | None) -> LoginOutcome:
    """Check a password and open a session token.

    Returns the error instead of raising it, so the caller can commit the recorded failure (a raise
    would roll back the very row that makes the rate limit work).
    """
    email = email.strip().lower()
    now = utcnow()
    window_start = now - timedelta(seconds=settings.login_window_seconds)
    failures = db.scalar(
        select(func.count()).where(LoginFailure.email == email, LoginFailure.created_at >= window_start)
    )
    if (failures or 0) >= settings.login_max_failures:
        audit.record(db, "login.throttled", actor_user_id=None, target=email, ip=ip)
        return LoginOutcome(
            None,
            error=TooManyRequests(
                "Too many wrong passwords for this account. Wait a few minutes and try again.",
                retry_after=settings.login_window_seconds,
            ),
        )
    user = db.scalar(select(User).where(User.email == email))
    if not verify_password(user.password_hash if user else None, password) or not (user and user.is_active):
        db.add(LoginFailure(email=email, ip=ip, created_at=now))
        audit.record(db, "login.failure", actor_user_id=user.id if user else None, target=email, ip=ip)
        return LoginOutcome(None, error=Unauthorized("Wrong e-mail address or password."))
    user.last_login_at = now
    token, secret = issue_token(
        db, user, name="login session", kind=TokenKind.session, ttl=timedelta(hours=settings.session_hours)
    )
    audit.record(db, "login.success", actor_user_id=user.id, target=email, ip=ip)
    return LoginOutcome(user, token=secret, expires_at=token.expires_at)


def issue_token(
    db: Session,
    user: User,
    *,
    name: str,
    kind: str = TokenKind.api,
    scopes: frozenset[str] | list[str] = ALL_SCOPES,
    ttl: timedelta | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret: the only time the secret exists outside the client."""
    secret = new_token_secret()
    expires = utcnow() + ttl if ttl else None
    token = ApiToken(
        user_id=user.id,
        name=name,
        kind=kind,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        scopes=sorted(scopes),
        expires_at=expires,
    )
    db.add(token)
    db.flush()
    if kind == TokenKind.api:
        audit.record(db, "token.created", actor_user_id=user.id, target=f"token:{token.id}", scopes=token.scopes)
    return token, secret


def authenticate_token(db: Session, secret: str) -> Principal:
    """The caller behind a bearer token; every API request comes through here, so it is plain SQL."""
    raw = Raw(db)
    row = raw.one(
        "SELECT t.id, t.revoked_at, t.expires_at, t.scopes, u.id, u.role, u.is_active FROM api_token t"
        " JOIN user_account u ON u.id = t.user_id WHERE t.token_hash = :hash", {"hash": token_hash(secret)},
    )
    if row is None:
        raise Unauthorized("This token is not valid.")
    token_id, revoked_at, expires_at, scopes, user_id, role, active = row
    if revoked_at is not None:
        raise Unauthorized("This token was revoked.")
    expires = raw.read_time(expires_at)
    if expires is not None and expires <= utcnow():
        raise Unauthorized("This token has expired. Log in again or create a new token.")
    if not active:
        raise Unauthorized("This account is deactivated.")
    teams = [r[0] for r in raw.rows("SELECT team_id FROM team_member WHERE user_id = :u", {"u": user_id})]
    return Principal(
        user_id=user_id, role=role, team_ids=frozenset(teams), scopes=frozenset(raw.read_json(scopes)) & ALL_SCOPES,
        token_id=token_id,
    )


def ticket_link_token(settings: Settings, *, ticket_id: int, contact_id: int | None) -> str:
    serializer = URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=_LINK_SALT)
    return serializer.dumps([ticket_id, contact_id])


def authenticate_ticket_link(settings: Settings, link: str) -> Principal:
    """A customer's signed link grants that one ticket, until it expires."""
    serializer = URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=_LINK_SALT)
    try:
        ticket_id, contact_id = serializer.loads(link, max_age=settings.customer_link_days * 86400)
    except SignatureExpired as exc:
        raise Unauthorized("This ticket link has expired. Ask support for a new one.") from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise Unauthorized("This ticket link is not valid.") from exc
    return Principal(scopes=frozenset(), contact_id=contact_id, ticket_id=int(ticket_id))
