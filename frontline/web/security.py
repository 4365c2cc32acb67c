"""Session cookie, CSRF tokens and the security headers of HTML pages."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontline.kit.errors import Forbidden
from frontline.kit.settings import Settings

SESSION_COOKIE = "fl_session"
ANON_COOKIE = "fl_anon"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

# Scripts only from our origin (htmx and app.js are static files); no inline scripts or styles.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
]


class PageHeaders:
    """Adds the CSP to every response outside the JSON API (pages, fragments, static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                static = scope["path"].startswith("/static/")
                headers += [(k, v) for k, v in PAGE_HEADERS
                            if k not in present and not (static and k == b"cache-control")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_seed(request: Request) -> str:
    """What the CSRF token is bound to: the login session, else the anonymous visitor cookie."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(ANON_COOKIE) or ""


def csrf_token(settings: Settings, seed: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"csrf:" + seed.encode(), hashlib.sha256).hexdigest()[:40]


def new_anon_id() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(request: Request, settings: Settings, submitted: str | None) -> None:
    """Reject a state-changing request whose token does not match this browser's session."""
    seed = csrf_seed(request)
    given = submitted or request.headers.get(CSRF_HEADER) or ""
    if not seed or not hmac.compare_digest(given, csrf_token(settings, seed)):
        raise Forbidden("The form expired or came from another site. Reload the page and try again.")
