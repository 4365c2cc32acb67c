"""Jinja2 environment and the one function pages render through."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from frontline.tickets.models import Priority
from frontline.web import i18n, notices
from frontline.web.labels import label
from frontline.web.security import CSRF_FIELD, csrf_seed, csrf_token

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals["_"] = i18n._
env.globals["label"] = label


def _priority_name(rank: int | str) -> str:
    return Priority(int(rank)).name if str(rank).isdigit() else str(rank)


env.filters["priority_name"] = _priority_name


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page or an HTMX fragment with the request's language, time zone and CSRF token."""
    settings = request.app.state.settings
    token = csrf_token(settings, csrf_seed(request) or getattr(request.state, "anon_id", ""))
    tz_name = getattr(request.state, "tz", None)

    def when(value: datetime | None, style: str = "medium") -> str:
        return i18n.format_time(value, tz_name, style=style)

    def csrf_input() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)

    base = {
        "request": request, "lang": i18n.current_language(), "csrf": token, "csrf_input": csrf_input,
        "when": when, "prefix": settings.ticket_prefix, "agent": getattr(request.state, "web_agent", None),
        "notice": notices.current(request, settings.ticket_prefix),
    }
    base.update(context or {})
    html = env.get_template(template).render(base)
    response = HTMLResponse(html, status_code=status, headers=headers)
    anon = getattr(request.state, "anon_id", None)
    if anon:
        response.set_cookie("fl_anon", anon, httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response
