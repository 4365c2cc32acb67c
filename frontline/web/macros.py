"""Canned responses: team libraries and personal ones, with safe placeholder substitution.

Placeholders are plain `{{ name.field }}` tokens replaced from a fixed dictionary; the text is never
evaluated as a template, so a canned response (or a customer's name) cannot run template code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import Forbidden, InvalidInput, NotFound
from frontline.tickets.models import Priority, Status
from frontline.web.models import CannedResponse

PLACEHOLDER = re.compile(r"\{\{\s*([a-z]+\.[a-z_]+)\s*\}\}")
PLACEHOLDERS = ("customer.name", "customer.email", "ticket.number", "ticket.subject", "agent.name")


@dataclass
class MacroInput:
    title: str
    body: str
    team_id: int | None = None
    set_status: str | None = None
    set_priority: str | None = None


def fill(body: str, values: Mapping[str, str]) -> str:
    """Replace known placeholders; unknown ones stay as typed so the agent notices them."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def _validate(data: MacroInput) -> None:
    if not data.title.strip() or not data.body.strip():
        raise InvalidInput("A canned response needs a title and a text.")
    if data.set_status and data.set_status not in Status.__members__:
        raise InvalidInput(f"Unknown status '{data.set_status}'.")
    if data.set_priority and data.set_priority not in Priority.__members__:
        raise InvalidInput(f"Unknown priority '{data.set_priority}'.")


def _check_may_edit(principal: Principal, team_id: int | None, owner_id: int | None) -> None:
    if owner_id is not None and owner_id == principal.user_id:
        return
    if team_id is not None and (principal.sees_all_tickets or team_id in principal.team_ids):
        return
    raise Forbidden("You may only change your own canned responses and your teams' ones.")


def visible(principal: Principal) -> object:
    if principal.sees_all_tickets:
        return or_(CannedResponse.team_id.is_not(None), CannedResponse.owner_user_id == principal.user_id)
    return or_(CannedResponse.team_id.in_(sorted(principal.team_ids)),
               CannedResponse.owner_user_id == principal.user_id)


def list_macros(db: Session, principal: Principal, query: str = "", *, limit: int = 50) -> Sequence[CannedResponse]:
    stmt = select(CannedResponse).where(visible(principal))  # type: ignore[arg-type]
    for word in query.split()[:5]:
        pattern = f"%{word.lower()}%"
        stmt = stmt.where(or_(CannedResponse.title.ilike(pattern), CannedResponse.body.ilike(pattern)))
    return db.scalars(stmt.order_by(CannedResponse.title, CannedResponse.id).limit(limit)).all()


def get_macro(db: Session, principal: Principal, macro_id: int) -> CannedResponse:
    macro = db.scalar(select(CannedResponse).where(CannedResponse.id == macro_id, visible(principal)))  # type: ignore[arg-type]
    if macro is None:
        raise NotFound(f"No canned response {macro_id}.")
    return macro


def create_macro(db: Session, principal: Principal, data: MacroInput) -> CannedResponse:
    """A team response when `team_id` is given, else a personal one."""
    _validate(data)
    owner = None if data.team_id is not None else principal.user_id
    _check_may_edit(principal, data.team_id, owner)
    macro = CannedResponse(title=data.title.strip(), body=data.body, team_id=data.team_id, owner_user_id=owner,
                           set_status=data.set_status or None, set_priority=data.set_priority or None)
    db.add(macro)
    db.flush()
    return macro


def update_macro(db: Session, principal: Principal, macro: CannedResponse, data: MacroInput) -> CannedResponse:
    _validate(data)
    _check_may_edit(principal, macro.team_id, macro.owner_user_id)
    macro.title, macro.body = data.title.strip(), data.body
    macro.set_status, macro.set_priority = data.set_status or None, data.set_priority or None
    macro.updated_at = utcnow()
    db.flush()
    return macro


def delete_macro(db: Session, principal: Principal, macro: CannedResponse) -> None:
    _check_may_edit(principal, macro.team_id, macro.owner_user_id)
    db.delete(macro)
    db.flush()
