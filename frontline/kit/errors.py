"""Errors that carry their HTTP status; rendered as RFC 9457 problem+json by the API layer."""

from __future__ import annotations

from typing import Any


class FrontlineError(Exception):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"
    retry_after: int | None = None  # seconds; sent as Retry-After when set

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class NotFound(FrontlineError):
    """Also what callers get for objects outside their reach: existence is never revealed."""

    status = 404
    title = "Not found"
    type_slug = "not-found"


class Unauthorized(FrontlineError):
    status = 401
    title = "Authentication required"
    type_slug = "unauthorized"


class Forbidden(FrontlineError):
    status = 403
    title = "Not allowed"
    type_slug = "forbidden"


class Conflict(FrontlineError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class InvalidInput(FrontlineError):
    status = 422
    title = "Invalid input"
    type_slug = "invalid-input"


class InvalidTransition(FrontlineError):
    status = 409
    title = "Status change not allowed"
    type_slug = "invalid-transition"


class TooLarge(FrontlineError):
    status = 413
    title = "Too large"
    type_slug = "too-large"


class TooManyRequests(FrontlineError):
    status = 429
    title = "Too many requests"
    type_slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ServiceBusy(FrontlineError):
    """Temporarily unable to serve (e.g. no turn to write came in time): retry after a moment."""

    status = 503
    title = "Service busy"
    type_slug = "unavailable"

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
