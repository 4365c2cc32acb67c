"""The OpenAPI document says what the server does: every error status an operation can return, as
problem+json, the bearer scheme where a token is needed, and the real media type of every download.

What an operation can return follows from what it is made of, so it is derived, not written per route:
- 422 when it takes any parameter or body; 404 when it has a path parameter; 409 when it writes
  (conflicts, integrity errors, status transitions); 413 when it takes a file; 503 always (database busy);
- whatever its endpoint and its dependencies declare with `@raises(...)`: authentication dependencies
  declare 401 (and the bearer scheme), scope and role checks 403, the login 429.
The authorization matrix (tests/test_authorization_matrix.py) checks that every status it sees is listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.responses import Response

F = TypeVar("F", bound=Callable[..., Any])

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; validation errors list each problem in `errors`.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "instance": {"type": "string", "description": "The request path."},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {
                "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                "msg": {"type": "string"}, "type": {"type": "string"}}},
        },
    },
    "additionalProperties": True,
}
REASONS = {
    400: "Bad request.",
    401: "No credential, or one that is invalid, expired or revoked.",
    403: "The credential lacks the scope or role this needs.",
    404: "No such object, or one outside the caller's reach (the same answer).",
    409: "Conflicts with the current state (a concurrent change, a duplicate, a status transition).",
    413: "The upload is too large.",
    422: "The input is invalid: a parameter, the body, or an id or value out of range.",
    429: "Too many attempts; retry after `Retry-After` seconds.",
    503: "The database is busy or unreachable; retry after `Retry-After` seconds.",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BEARER = "bearerAuth"


def raises(*statuses: int, bearer: bool = False) -> Callable[[F], F]:
    """Declare the error statuses an endpoint or dependency can answer with (and that it needs a token)."""

    def mark(fn: F) -> F:
        fn.__problem_statuses__ = frozenset(statuses) | getattr(fn, "__problem_statuses__", frozenset())  # type: ignore[attr-defined]
        fn.__bearer__ = bearer or getattr(fn, "__bearer__", False)  # type: ignore[attr-defined]
        return fn

    return mark


class CsvResponse(Response):
    media_type = "text/csv"


class CalendarResponse(Response):
    media_type = "text/calendar"


class MessageResponse(Response):
    media_type = "message/rfc822"


BINARY: dict[int | str, dict[str, Any]] = {200: {"description": "The file, with its own media type.",
                  "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}


def _calls(dependant: Dependant) -> Iterator[Any]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _has_params(dependant: Dependant) -> bool:
    return bool(dependant.path_params or dependant.query_params or dependant.header_params or dependant.body_params
                or dependant.cookie_params) or any(_has_params(d) for d in dependant.dependencies)


def _takes_file(route: APIRoute) -> bool:
    body = route.body_field
    schema = route.openapi_extra.get("requestBody", {}) if route.openapi_extra else {}
    return (body is not None and "UploadFile" in repr(body.field_info.annotation)) or bool(schema) or any(
        "UploadFile" in repr(p.field_info.annotation) for p in route.dependant.body_params)


def statuses_of(route: APIRoute, method: str) -> tuple[set[int], bool]:
    """The error statuses an operation can answer with, and whether it needs a bearer token."""
    found: set[int] = {503}
    bearer = False
    for call in _calls(route.dependant):
        found |= getattr(call, "__problem_statuses__", frozenset())
        bearer = bearer or getattr(call, "__bearer__", False)
    if _has_params(route.dependant) or route.openapi_extra:
        found.add(422)
    if route.dependant.path_params:
        found.add(404)
    if method in WRITE_METHODS:
        found.add(409)
    if _takes_file(route):
        found.add(413)
    return found, bearer


def _problem_response(status: int) -> dict[str, Any]:
    return {"description": REASONS.get(status, "Error."), "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}}


def document(schema: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    """Add the problem responses and the security scheme to a generated document (in place)."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {BEARER: {"type": "http", "scheme": "bearer",
                                              "description": "An API token, or a login session's token."}}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema or context.path_format is None:
            continue
        for method in sorted(context.methods or ()):
            operation = schema["paths"].get(context.path_format, {}).get(method.lower())
            if operation is None:
                continue
            found, bearer = statuses_of(route, method)
            responses = operation.setdefault("responses", {})
            for status in sorted(found | {int(s) for s in responses if s.isdigit() and int(s) >= 400}):
                responses[str(status)] = _problem_response(status)
            if bearer:
                operation["security"] = [{BEARER: []}]
    _link_created_objects(schema["paths"])
    return schema


def _link_created_objects(paths: dict[str, Any]) -> None:
    """OpenAPI links from each `POST /things` that answers 201 to the operations on `/things/{key}...`: the
    created object's `id` (a mailbox's `name`) fills `{key}`. Clients and the stateful fuzzer follow them."""
    for collection, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links: dict[str, Any] = {}
        for path, operations in paths.items():
            match = re.fullmatch(re.escape(collection) + r"/\{(\w+)\}(/.*)?", path)
            if match is None:
                continue
            key = match.group(1)
            carried = {f"path.{name}": f"$request.path.{name}" for name in re.findall(r"\{(\w+)\}", collection)}
            field = "name" if key == "name" else "id"
            for operation in operations.values():
                if "operationId" in operation:
                    links[operation["operationId"]] = {"operationId": operation["operationId"], "parameters": {
                        **carried, f"path.{key}": f"$response.body#/{field}"}}
        if links:
            created["links"] = links


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(generate(), app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
