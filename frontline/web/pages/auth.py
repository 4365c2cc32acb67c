"""Login, logout, and the agent's own settings (password, language, time zone)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import update

from frontline.accounts.auth import issue_token, login_request
from frontline.accounts.deps import DB, AppSettings
from frontline.accounts.models import ApiToken, TokenKind
from frontline.accounts.security import token_hash
from frontline.accounts.service import change_password, check_timezone, timezone_names
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput, Unauthorized
from frontline.web import i18n
from frontline.web.i18n import _
from frontline.web.render import render
from frontline.web.security import SESSION_COOKIE
from frontline.web.session import Agent, verify_csrf, visitor_language

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
HOME = "/ui/queues/mine"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would turn the login page into a phishing tool."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def set_session_cookie(response: Response, request: Request, secret: str, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, secret, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "", expired: str = "") -> Response:
    visitor_language(request)
    notice = _("Your session has expired. Please log in again.") if expired else ""
    return render(request, "login.html", {"next": _safe_next(next), "notice": notice, "error": ""})


@router.post("/login")
async def login_submit(
    request: Request, settings: AppSettings, email: Annotated[str, Form()],
    password: Annotated[str, Form()], next: Annotated[str, Form()] = "",
) -> Response:
    """The password is hashed outside the turn to write (accounts.auth.login_request), like the API's login."""
    visitor_language(request)
    ip = request.client.host if request.client else None
    outcome, _none = await login_request(request.app.state.database, settings, email=email, password=password,
                                         ip=ip, then=lambda _db, _done: None)
    if outcome.error is not None or outcome.token is None:
        message = (_("Too many wrong passwords. Wait a few minutes and try again.")
                   if outcome.error is not None and outcome.error.status == 429
                   else _("Wrong e-mail address or password."))
        status = outcome.error.status if outcome.error is not None else 401
        return render(request, "login.html", {"next": _safe_next(next), "notice": "", "error": message,
                                              "email": email}, status=status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, request, outcome.token, settings.session_hours * 3600)
    return response


@router.post("/logout")
def logout(request: Request, db: DB) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        db.execute(update(ApiToken).where(ApiToken.token_hash == token_hash(secret), ApiToken.kind == TokenKind.session)
                   .values(revoked_at=utcnow()))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/ui/account")
def account_page(request: Request, agent: Agent) -> Response:
    return render(request, "account.html", _account_context())


def _account_context(message: str = "", error: str = "") -> dict[str, object]:
    return {"message": message, "error": error, "languages": i18n.LANGUAGES, "zones": timezone_names()}


@router.post("/ui/account/preferences")
def save_preferences(
    request: Request, db: DB, agent: Agent, language: Annotated[str, Form()], timezone: Annotated[str, Form()],
) -> Response:
    timezone = timezone.strip()
    try:
        check_timezone(timezone)  # the one rule (API and contacts use it too): an unknown zone is not saved as UTC
    except InvalidInput:
        error = _("Unknown time zone “%(zone)s”: nothing was saved. Pick a zone from the list, e.g. Europe/Moscow.",
                  zone=timezone)
        return render(request, "account.html", {**_account_context(error=error), "entered_zone": timezone},
                      status=422)
    user = db.merge(agent.user)
    if language in i18n.LANGUAGES:
        user.language = language
    user.timezone = timezone
    db.flush()
    i18n.activate(user.language)
    request.state.tz = user.timezone
    return render(request, "account.html", _account_context(message=_("Preferences saved.")))


@router.post("/ui/account/password")
def password_submit(
    request: Request, db: DB, settings: AppSettings, agent: Agent, current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
) -> Response:
    context = _account_context()
    if len(new_password) < 8:
        context["error"] = _("The new password must have at least 8 characters.")
        return render(request, "account.html", context, status=422)
    user = db.merge(agent.user)
    try:
        change_password(db, user, current=current_password, new=new_password)
    except Unauthorized:
        context["error"] = _("The current password is wrong.")
        return render(request, "account.html", context, status=422)
    # Every session ends with a password change; this browser gets a fresh one.
    _token, secret = issue_token(db, user, name="login session", kind=TokenKind.session,
                                ttl=timedelta(hours=settings.session_hours))
    request.cookies[SESSION_COOKIE] = secret  # the new page's CSRF token binds to the new session
    context["message"] = _("Password changed. Your other sessions have been logged out.")
    response = render(request, "account.html", context)
    set_session_cookie(response, request, secret, settings.session_hours * 3600)
    return response
