"""Who is looking at a page: the agent behind the `fl_session` cookie, or an anonymous visitor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from frontline.accounts.auth import authenticate_token
from frontline.accounts.deps import DB
from frontline.accounts.models import User
from frontline.accounts.principal import Principal
from frontline.kit.errors import InvalidInput, Unauthorized
from frontline.kit.schemas import NUL
from frontline.web import i18n
from frontline.web.security import ANON_COOKIE, SESSION_COOKIE, check_csrf, new_anon_id


class LoginRequired(Exception):
    """Raised by page dependencies; the app answers with a redirect to the login page."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("login required")
        self.expired = expired


@dataclass(frozen=True)
class WebAgent:
    principal: Principal
    user: User

    @property
    def id(self) -> int:
        return self.user.id


def visitor_language(request: Request, preferred: str | None = None) -> None:
    """Set the language of a page for someone who may have no account (login page, portal)."""
    i18n.activate(i18n.pick_language(preferred or request.cookies.get("fl_lang"),
                                     request.headers.get("accept-language")))
    if not request.cookies.get(SESSION_COOKIE) and not request.cookies.get(ANON_COOKIE):
        request.state.anon_id = new_anon_id()


def load_agent(request: Request, db: Session) -> WebAgent:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise LoginRequired()
    try:
        principal = authenticate_token(db, secret)
    except Unauthorized as exc:
        raise LoginRequired(expired=True) from exc
    user = db.get(User, principal.user_id)
    if user is None:
        raise LoginRequired()
    request.state.lang = i18n.pick_language(user.language, request.headers.get("accept-language"))
    request.state.tz = user.timezone
    agent = WebAgent(principal=principal, user=user)
    request.state.web_agent = agent
    return agent


def _agent_in_thread(request: Request, db: DB) -> WebAgent:
    return load_agent(request, db)


async def web_agent(request: Request, agent: Annotated[WebAgent, Depends(_agent_in_thread)]) -> WebAgent:
    """The logged-in agent. Async on purpose: sync dependencies run in a worker thread whose context
    variables are thrown away, while this one sets the language in the request's own context, which
    the (threaded) page function then inherits."""
    i18n.activate(request.state.lang)
    return agent


Agent = Annotated[WebAgent, Depends(web_agent)]


async def verify_csrf(request: Request) -> None:
    """Router dependency: every POST must carry this browser's CSRF token (form field or header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    submitted = None
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/")):
        form = await request.form()
        value = form.get("csrf")
        submitted = value if isinstance(value, str) else None
        for name, item in form.multi_items():  # PostgreSQL cannot store NUL: refuse it like the API does
            text = item if isinstance(item, str) else (item.filename or "")
            if NUL in name or NUL in text:
                raise InvalidInput(f"{name}: text may not contain NUL (U+0000) characters.")
    check_csrf(request, request.app.state.settings, submitted)
