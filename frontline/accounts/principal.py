"""Who is making a request, and what they may do. Built once per request by authentication."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from frontline.kit.errors import Forbidden


class Scope(StrEnum):
    read = "read"
    write = "write"
    admin = "admin"


ALL_SCOPES = frozenset(Scope)
INTAKE_SCOPE = "intake"  # integration tokens: deliver raw mail to the one mailbox they are bound to, nothing else


@dataclass(frozen=True)
class Principal:
    """An agent (by session or API token), or a customer holding a signed link to one ticket."""

    user_id: int | None = None
    role: str | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    scopes: frozenset[str] = ALL_SCOPES
    token_id: int | None = None
    contact_id: int | None = None
    ticket_id: int | None = None
    link_issued_at: datetime | None = None  # a customer link's issue time (revocations void older links)

    @property
    def is_customer(self) -> bool:
        return self.user_id is None

    @property
    def sees_all_tickets(self) -> bool:
        return self.role in ("admin", "supervisor")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and Scope.admin in self.scopes

    @property
    def owner_key(self) -> str:
        """Namespace for per-caller state such as idempotency keys."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"contact:{self.contact_id}"

    def require_scope(self, scope: Scope) -> None:
        if self.is_customer or scope not in self.scopes:
            raise Forbidden(f"This credential lacks the '{scope}' scope.")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("Only administrators (with the 'admin' scope) may do this.")

    def require_supervisor(self) -> None:
        if not (self.sees_all_tickets and Scope.write in self.scopes):
            raise Forbidden("Only supervisors and administrators may do this.")
