"""Attach the web UI to the ASGI app: pages, static files, HTML error pages, security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from frontline.kit.errors import FrontlineError
from frontline.kit.settings import Settings
from frontline.web import i18n
from frontline.web.pages import admin, auth, macros, planner, portal, queues, ticket, ticket_actions
from frontline.web.pages import contacts as contact_pages
from frontline.web.pages import rules_admin as rules_pages
from frontline.web.pages import search as search_page
from frontline.web.pages import sla_admin as sla_pages
from frontline.web.render import render
from frontline.web.security import PageHeaders
from frontline.web.session import LoginRequired

STATIC = Path(__file__).parent / "static"


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _install_errors(app: FastAPI) -> None:
    api_handler: Any = app.exception_handlers.get(FrontlineError)

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, FrontlineError)
        if not _is_page(request) and api_handler is not None:
            return await api_handler(request, exc)
        if request.headers.get("hx-request"):
            response: Response = HTMLResponse(f'<p class="flash error" role="alert">{_escape(exc.detail)}</p>',
                                              status_code=200,
                                              headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
        else:
            response = render(request, "error.html", {"status": exc.status, "detail": exc.detail}, status=exc.status)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = "/login" + ("?expired=1" if exc.expired else "")
        if request.headers.get("hx-request"):
            return HTMLResponse("", headers={"HX-Redirect": target})
        response = RedirectResponse(target, status_code=303)
        if exc.expired:
            response.delete_cookie("fl_session")
        return response

    app.add_exception_handler(FrontlineError, domain_error)
    app.add_exception_handler(LoginRequired, login_required)


def _escape(value: str) -> str:
    from markupsafe import escape

    return str(escape(value))


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Register the pages, the static files and the page-only middleware on `app`."""
    i18n.translations("ru")  # compile the catalogs once, at start-up
    for module in (auth, queues, ticket, ticket_actions, macros, search_page, admin, portal, planner):
        app.include_router(module.router)
    for module in (sla_pages, rules_pages):  # SLA policies, calendars, rules and webhooks
        app.include_router(module.router)
    app.include_router(contact_pages.router)  # contact and organisation pages
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_errors(app)
    app.add_middleware(PageHeaders)
