"""The security audit trail: one row per login, token change or permission change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontline.accounts.models import AuditLog

TARGET_LENGTH = 200  # the column's; a longer target (an attacker's 10 kB "e-mail") is cut, not a 500


def record(
    db: Session,
    action: str,
    *,
    actor_user_id: int | None,
    target: str = "",
    ip: str | None = None,
    **data: Any,
) -> None:
    db.add(AuditLog(actor_user_id=actor_user_id, action=action, target=target[:TARGET_LENGTH],
                    ip=ip[:64] if ip else None, data=data or None))
