"""Who a mail is from, as far as the desk may act on it.

A From (or Reply-To) header so malformed that its address had to be salvaged may name someone else (`john
doe <john doe@x>` read as doe@x): the ticket keeps the mail and says so in a note, but gets no contact, no
acknowledgement and no reply until an agent confirms the address (`confirm_sender`). Valid but unusual
addresses are fine: reserved test domains (.test, .example, .invalid, .local) get a contact like any other.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.channels.email.parsed import ParsedEmail
from frontline.contacts.service import contact_for_email
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.tickets import history
from frontline.tickets.models import Ticket
from frontline.tickets.schemas import CustomerRef, TicketUpdate
from frontline.tickets.service import update_ticket

_LOCAL = r"[^\s@\"(),:;<>\[\]\\.]+(?:\.[^\s@\"(),:;<>\[\]\\.]+)*"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_ADDRESS = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})*$")
"""A well-formed address: reserved top-level domains (RFC 2606, RFC 6761) and single-label domains (root@intranet,
which RFC 5321 allows and internal relays use) included."""
CONFIRMED = "sender_confirmed"


def customer_ref(parsed: ParsedEmail) -> CustomerRef | None:
    """The sender as the ticket's customer, or None: no sender, a salvaged one, or an address no contact can
    have. Pydantic's e-mail check refuses special-use domains for deliverability; mail comes from them all the
    same (test systems, internal relays), so a well-formed address there is taken as it is."""
    address = parsed.from_address.strip().lower()
    if not address or parsed.from_address in parsed.salvaged:
        return None
    name = parsed.from_[0][:200]
    try:
        return CustomerRef(email=address, name=name)
    except ValidationError:
        if not _ADDRESS.match(address) or len(address) > 320:
            return None
        return CustomerRef.model_construct(email=address, name=name)


def _opening_meta(sql: Raw, ticket_id: int) -> dict[str, Any]:
    row = sql.one("SELECT meta FROM message WHERE ticket_id = :t ORDER BY id LIMIT 1", {"t": ticket_id})
    meta = sql.read_json(row[0]) if row is not None else None
    email = meta.get("email") if isinstance(meta, dict) else None
    return email if isinstance(email, dict) else {}


def unconfirmed_address(sql: Raw, ticket_id: int) -> str | None:
    """The ticket's answer address while it is one salvaged from a malformed header and not yet confirmed."""
    pending = _opening_meta(sql, ticket_id).get("sender_unconfirmed")
    if not isinstance(pending, dict) or not pending.get("address"):
        return None
    confirmed = sql.one("SELECT 1 FROM ticket_event WHERE ticket_id = :t AND kind = :k",
                        {"t": ticket_id, "k": CONFIRMED})
    return None if confirmed is not None else str(pending["address"])


def refusal(address: str) -> str:
    """Why mail to an unconfirmed address does not go out, for the agent."""
    return (f"the customer's address {address} was read from a malformed From header and may belong to someone "
            "else; confirm it on the ticket (\"Confirm sender address\"), then send the reply again")


def confirm_sender(db: Session, ticket: Ticket, actor: Principal) -> str:
    """An agent confirms the salvaged address: acknowledgements and replies may go there, and the ticket gets
    the address's contact if it has none. Returns the address."""
    sql = Raw(db)
    address = unconfirmed_address(sql, ticket.id)
    if address is None:
        raise InvalidInput("This ticket has no unconfirmed sender address.")
    history.record(db, ticket.id, CONFIRMED, actor, data={"address": address})
    if ticket.contact_id is None:
        try:
            contact = contact_for_email(db, address)
        except InvalidInput:
            return address  # an address no contact can have (e.g. a single-label domain)
        update_ticket(db, ticket, TicketUpdate(contact_id=contact.id), actor)
    db.flush()
    return address
