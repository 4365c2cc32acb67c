"""Request dependencies shared by every API router: the transaction and the authenticated caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import nullcontext
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session

from frontline.accounts.auth import authenticate_token
from frontline.accounts.principal import Principal, Scope
from frontline.kit.errors import Forbidden, InvalidInput, Unauthorized
from frontline.kit.openapi import raises
from frontline.kit.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request; reads use the reader pool and never wait for the writer.

    A write request first waits for the turn to write on the event loop (never in a worker thread, which
    the current holder may need to finish), then opens and commits its session in worker threads.
    """
    database = request.app.state.database
    write = request.method not in SAFE_METHODS
    async with database.turn() if write else nullcontext(), \
            contextmanager_in_threadpool(database.session(write=write)) as db:
        yield db


DB = Annotated[Session, Depends(db_session, scope="function")]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings)]


def bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return secret.strip()
    if request.method in SAFE_METHODS:  # a browser session may read the API; writes need a token (no CSRF)
        return request.cookies.get("fl_session") or None
    return None


@raises(401, bearer=True)
async def bearer_token(request: Request) -> str:
    """The caller's credential, else 401: the one check that a credential was sent, run before the body is
    validated (an anonymous caller learns nothing about a body) and before a session opens (async: no thread
    hop on the hot create path)."""
    secret = bearer_secret(request)
    if secret is None:
        raise Unauthorized("Send an API token as 'Authorization: Bearer <token>'.")
    return secret


Bearer = Annotated[str, Depends(bearer_token)]


@raises(401, bearer=True)
def current_principal(request: Request, secret: Bearer, db: DB) -> Principal:
    principal = authenticate_token(db, secret)
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(current_principal)]


@raises(403)
def writer(principal: Caller) -> Principal:
    principal.require_scope(Scope.write)
    return principal


@raises(403)
def reader(principal: Caller) -> Principal:
    principal.require_scope(Scope.read)
    return principal


Writer = Annotated[Principal, Depends(writer)]
Reader = Annotated[Principal, Depends(reader)]


# Role checks as dependencies: they run before the body and query are validated, so a caller without the role
# gets its 403 whatever it sent (never a 422 that describes a body it may not send).
@raises(403)
def admin_writer(principal: Writer) -> Principal:
    principal.require_admin()
    return principal


@raises(403)
def admin_caller(principal: Caller) -> Principal:
    """An administrator whatever the token's other scopes (the admin scope is what counts)."""
    principal.require_admin()
    return principal


@raises(403)
def supervisor_writer(principal: Writer) -> Principal:
    principal.require_supervisor()
    return principal


@raises(403)
def supervisor_reader(principal: Reader) -> Principal:
    if not principal.sees_all_tickets:
        raise Forbidden("Only supervisors and administrators may do this.")
    return principal


Admin = Annotated[Principal, Depends(admin_writer)]
AdminCaller = Annotated[Principal, Depends(admin_caller)]
Supervisor = Annotated[Principal, Depends(supervisor_writer)]
SupervisorReader = Annotated[Principal, Depends(supervisor_reader)]


def only_query(*allowed: str) -> Callable[[Request], None]:
    """Reject unknown query parameters: a misspelt filter must not silently return everything."""
    names = frozenset(allowed)

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - names)
        if unknown:
            raise InvalidInput(
                f"Unknown query parameter '{unknown[0]}'. Allowed: {', '.join(sorted(names)) or 'none'}.",
                errors=[{"loc": ["query", u], "msg": "unknown parameter"} for u in unknown],
            )

    return check
