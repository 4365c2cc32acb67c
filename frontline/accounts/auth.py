"""Authentication: password login (rate-limited), bearer tokens, and customers' signed ticket links."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import anyio
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.models import ApiToken, AuditLog, LoginFailure, TokenKind, User
from frontline.accounts.principal import ALL_SCOPES, INTAKE_SCOPE, Principal
from frontline.accounts.security import new_token_secret, token_hash, verify_password
from frontline.kit.db import Database, utcnow
from frontline.kit.errors import TooManyRequests, Unauthorized
from frontline.kit.rawsql import Raw
from frontline.kit.schemas import valid_id
from frontline.kit.settings import Settings

T = TypeVar("T")
KNOWN_SCOPES = ALL_SCOPES | {INTAKE_SCOPE}
_LINK_SALT = "frontline.ticket-link"


@dataclass
class LoginOutcome:
    user: User | None
    token: str | None = None
    expires_at: datetime | None = None
    error: Unauthorized | TooManyRequests | None = None


EMAIL_LENGTH = 320  # RFC 5321's longest address; no account has a longer one
KNOWN_IP_DAYS = 90


def _failures(db: Session, since: datetime, *conditions: ColumnElement[bool]) -> int:
    return db.scalar(select(func.count()).select_from(LoginFailure)
                     .where(LoginFailure.created_at >= since, *conditions)) or 0


def _known_ip(db: Session, email: str, ip: str | None, now: datetime) -> bool:
    """Has this IP signed in to this account lately? (Asked only once a ceiling is reached.)"""
    if ip is None:
        return False
    since = now - timedelta(days=KNOWN_IP_DAYS)
    return db.scalar(select(AuditLog.id).where(AuditLog.action == "login.success", AuditLog.target == email,
                                               AuditLog.ip == ip, AuditLog.created_at >= since).limit(1)) is not None


def login_throttle(db: Session, settings: Settings, *, email: str, ip: str | None, now: datetime) -> str | None:
    """Why this attempt must wait, or None. Checked before the password is hashed, so a flood costs no argon2.

    Per account and IP, per IP, and (for IPs that never signed in to the account) per account and desk-wide:
    someone guessing an account's password slows down only clients the account does not know.
    """
    since = now - timedelta(seconds=settings.login_window_seconds)
    if _failures(db, since, LoginFailure.email == email, LoginFailure.ip == ip) >= settings.login_max_failures:
        return "account-ip"
    if ip is not None and _failures(db, since, LoginFailure.ip == ip) >= settings.login_ip_max_failures:
        return "ip"
    over_account = _failures(db, since, LoginFailure.email == email) >= settings.login_account_max_failures
    if (over_account or _failures(db, since) >= settings.login_global_max_failures) and not _known_ip(
            db, email, ip, now):
        return "account" if over_account else "global"
    return None


@dataclass(frozen=True)
class LoginVerdict:
    """What checking a login attempt found, before anything is written (check_login)."""

    email: str
    user_id: int | None  # the account, when the password matched an active one
    throttled: str | None = None  # why the attempt must wait (login_throttle), then nothing was hashed
    known: int | None = None  # the account the e-mail names, right password or not (for the audit)


def check_login(db: Session, settings: Settings, *, email: str, password: str, ip: str | None,
                now: datetime) -> LoginVerdict:
    """Throttle, find the account and hash the password: reads only, so it runs on a read session, outside the
    turn to write (the argon2 hash takes tens of milliseconds of CPU, which no other write should wait for)."""
    email = email.strip().lower()[:EMAIL_LENGTH + 1]
    reason = login_throttle(db, settings, email=email, ip=ip, now=now)
    if reason is not None:
        return LoginVerdict(email, None, throttled=reason)
    user = db.scalar(select(User).where(User.email == email)) if len(email) <= EMAIL_LENGTH else None
    ok = verify_password(user.password_hash if user else None, password) and user is not None and user.is_active
    return LoginVerdict(email, user.id if ok and user is not None else None, known=user.id if user else None)


def record_login(db: Session, settings: Settings, verdict: LoginVerdict, *, ip: str | None,
                 now: datetime) -> LoginOutcome:
    """Write what a checked attempt leads to: the throttle's or the failure's audit (and the failure that the
    limits count), or the session token. Returns the error instead of raising it, so the caller can commit the
    recorded failure (a raise would roll back the very row that makes the rate limit work)."""
    email = verdict.email
    if verdict.throttled is not None:
        audit.record(db, "login.throttled", actor_user_id=None, target=email, ip=ip, limit=verdict.throttled)
        return LoginOutcome(None, error=TooManyRequests(
            "Too many wrong passwords. Wait a few minutes and try again.", retry_after=settings.login_window_seconds))
    user = db.get(User, verdict.user_id) if verdict.user_id is not None else None
    if user is None or not user.is_active:
        db.add(LoginFailure(email=email[:EMAIL_LENGTH], ip=ip, created_at=now))
        audit.record(db, "login.failure", actor_user_id=verdict.known, target=email, ip=ip)
        return LoginOutcome(None, error=Unauthorized("Wrong e-mail address or password."))
    user.last_login_at = now
    token, secret = issue_token(
        db, user, name="login session", kind=TokenKind.session, ttl=timedelta(hours=settings.session_hours)
    )
    audit.record(db, "login.success", actor_user_id=user.id, target=email, ip=ip)
    return LoginOutcome(user, token=secret, expires_at=token.expires_at)


def login(db: Session, settings: Settings, *, email: str, password: str, ip: str | None) -> LoginOutcome:
    """Check a password and open a session token, in one session (see login_request for a request)."""
    now = utcnow()
    return record_login(db, settings, check_login(db, settings, email=email, password=password, ip=ip, now=now),
                        ip=ip, now=now)


async def login_request(database: Database, settings: Settings, *, email: str, password: str, ip: str | None,
                        then: Callable[[Session, LoginOutcome], T]) -> tuple[LoginOutcome, T]:
    """A login over HTTP (the API's and the login page's): the check and its argon2 hash in a worker thread on
    a read session, then the turn to write, only for recording the outcome; `then(db, outcome)` runs inside that
    write session (e.g. to serialise the user)."""
    now = utcnow()

    def check() -> LoginVerdict:
        with database.session(write=False) as db:
            return check_login(db, settings, email=email, password=password, ip=ip, now=now)

    def record(verdict: LoginVerdict) -> tuple[LoginOutcome, T]:
        with database.session() as db:
            outcome = record_login(db, settings, verdict, ip=ip, now=now)
            return outcome, then(db, outcome)

    verdict = await anyio.to_thread.run_sync(check)
    async with database.turn():  # waited for on the loop, not in the worker thread
        return await anyio.to_thread.run_sync(record, verdict)


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
        user_id=user_id, role=role, team_ids=frozenset(teams), scopes=frozenset(raw.read_json(scopes)) & KNOWN_SCOPES,
        token_id=token_id,
    )


def ticket_link_token(settings: Settings, *, ticket_id: int, contact_id: int | None) -> str:
    """A signed link to one ticket for its customer; carries its issue time in microseconds (revocations)."""
    serializer = URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=_LINK_SALT)
    return serializer.dumps([ticket_id, contact_id, time.time_ns() // 1000])


def authenticate_ticket_link(settings: Settings, link: str) -> Principal:
    """A customer's signed link grants that one ticket, until it expires."""
    serializer = URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=_LINK_SALT)
    try:
        payload, signed_at = serializer.loads(link, max_age=settings.customer_link_days * 86400,
                                              return_timestamp=True)
        ticket_id, contact_id = int(payload[0]), payload[1]
        issued = (datetime.fromtimestamp(int(payload[2]) / 1e6, UTC) if len(payload) > 2 else signed_at)
    except SignatureExpired as exc:
        raise Unauthorized("This ticket link has expired. Ask support for a new one.") from exc
    except (BadSignature, ValueError, TypeError, IndexError, KeyError, OverflowError, OSError) as exc:
        raise Unauthorized("This ticket link is not valid.") from exc
    if not (valid_id(ticket_id) and (contact_id is None or valid_id(contact_id))):
        raise Unauthorized("This ticket link is not valid.")
    return Principal(scopes=frozenset(), contact_id=contact_id, ticket_id=ticket_id, link_issued_at=issued)
