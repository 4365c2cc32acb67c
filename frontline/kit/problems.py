"""RFC 9457 problem+json responses for every error, so no client ever sees a bare 500 page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontline.kit.errors import FrontlineError

log = logging.getLogger("frontline.api")

PROBLEM_TYPE = "https://frontline.dev/problems/"


def problem(
    request: Request, status: int, title: str, detail: str, slug: str, *, errors: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + slug, "title": title, "status": status, "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = jsonable_encoder(errors)
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]


def _summary(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {"loc": [], "msg": "invalid"}
    where = ".".join(str(p) for p in first["loc"] if p not in ("body",)) or "request"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def install(app: FastAPI) -> None:
    @app.exception_handler(FrontlineError)
    async def _domain(request: Request, exc: FrontlineError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        if exc.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return problem(request, exc.status, exc.title, exc.detail, exc.type_slug, errors=exc.errors, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        return problem(request, 422, "Invalid input", _summary(errors), "invalid-input", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 413: "Too large"}
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"There is nothing at {request.url.path}."
        if exc.status_code == 400:  # a body that cannot be parsed (bad UTF-8, broken multipart): invalid input
            return problem(request, 422, "Invalid input", f"request body: {detail}", "invalid-input")
        title = titles.get(exc.status_code, "Error")
        return problem(request, exc.status_code, title, detail, f"http-{exc.status_code}")

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error", extra={"path": request.url.path, "error": str(exc.orig)[:200]})
        return problem(request, 409, "Conflict", "A concurrent change conflicted with this one. Retry the request.",
                       "conflict")

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable", extra={"path": request.url.path, "error": str(exc.orig)[:200]})
        return problem(request, 503, "Service busy", "The database is busy or unreachable. Retry shortly.",
                       "unavailable", headers={"Retry-After": "2"})

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem(request, 500, "Internal error", "Something went wrong on our side; it has been logged.",
                       "internal")
