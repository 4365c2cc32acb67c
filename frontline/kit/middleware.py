"""Pure ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a queue per request)."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("frontline.http")

DEFAULT_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds safe defaults to every response and logs server errors (and every request at DEBUG)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in DEFAULT_HEADERS if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
        code = status.get("code", 0)
        if code >= 500 or log.isEnabledFor(logging.DEBUG):
            log.log(logging.ERROR if code >= 500 else logging.DEBUG, "request", extra={
                "method": scope["method"], "path": scope["path"], "status": code,
                "ms": round((time.perf_counter() - started) * 1000, 2)})


NUL_PROBLEM = (b'{"type":"https://frontline.dev/problems/invalid-input","title":"Invalid input","status":422,'
               b'"detail":"The path or query string contains a NUL (U+0000) character."}')


class RejectNul:
    """A NUL character in the path or query string is a 422 (PostgreSQL cannot store or compare it).

    Bodies are checked where they are parsed: JSON by `kit.schemas.Input`, forms by the pages' CSRF check.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")
                                        or b"\x00" in scope.get("query_string", b"")):
            await send({"type": "http.response.start", "status": 422,
                        "headers": [(b"content-type", b"application/problem+json"),
                                    (b"content-length", str(len(NUL_PROBLEM)).encode())]})
            await send({"type": "http.response.body", "body": NUL_PROBLEM})
            return
        await self.app(scope, receive, send)
