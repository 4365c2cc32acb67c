"""Which ticket an incoming mail belongs to, and the identifiers we put on our own mail so it can tell.

Order of evidence (strongest first): our Message-IDs (or a message already on a ticket) in
In-Reply-To/References, the ticket number in the subject (`[FL-10042]`), a signed reply token in
a plus-address (`support+t.10042-9f3c1a2b4d@example.com`). A merged ticket leads to its survivor.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlparse

from frontline.channels.email.parsed import ParsedEmail
from frontline.channels.email.threading_keys import (
    extract_reply_token,
    extract_ticket_numbers,
)
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings

OUR_ID_PREFIX = "fl."
TOKEN_PREFIX = "t."


@dataclass(frozen=True)
class ThreadMatch:
    ticket_id: int
    by: str  # "message_id", "subject" or "token"


def message_id_domain(settings: Settings) -> str:
    return settings.email_message_id_domain or urlparse(settings.base_url).hostname or "frontline.invalid"


def new_message_id(settings: Settings, ticket_id: int) -> str:
    """A Message-ID recognisably ours: <fl.TICKET.RANDOM@domain>."""
    return f"<{OUR_ID_PREFIX}{ticket_id}.{secrets.token_hex(8)}@{message_id_domain(settings)}>"


def _signature(settings: Settings, ticket_id: int) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"email-reply:{ticket_id}".encode(), hashlib.sha256).hexdigest()[:10]


def reply_token(settings: Settings, ticket_id: int) -> str:
    return f"{ticket_id}-{_signature(settings, ticket_id)}"


def reply_address(settings: Settings, mailbox_address: str, ticket_id: int) -> str:
    """support@example.com -> support+t.10042-<sig>@example.com (the server must accept plus-addresses)."""
    local, _, domain = mailbox_address.partition("@")
    return f"{local.split('+', 1)[0]}+{TOKEN_PREFIX}{reply_token(settings, ticket_id)}@{domain}"


def verify_token(settings: Settings, token: str) -> int | None:
    number, _, signature = token.partition("-")
    if not number.isdigit() or len(number) > 12:
        return None
    expected = _signature(settings, int(number))
    return int(number) if hmac.compare_digest(expected, signature.lower()) else None


def base_address(address: str) -> str:
    """Lower-cased address without its plus tag: support+t.1@x -> support@x."""
    local, _, domain = address.strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def _ids_in_reply(parsed: ParsedEmail) -> list[str]:
    ids = [*parsed.in_reply_to, *reversed(parsed.references)]
    return [i[:255] for i in dict.fromkeys(ids)][:50]


def _by_message_id(raw: Raw, parsed: ParsedEmail, mailbox_id: int) -> int | None:
    ids = _ids_in_reply(parsed)
    for header_id in ids:
        if header_id.strip("<>").startswith(OUR_ID_PREFIX):
            row = raw.one("SELECT ticket_id FROM email_outbound WHERE header_message_id = :h", {"h": header_id})
            if row is not None:
                return int(row[0])
    for header_id in ids:
        row = raw.one(
            "SELECT ticket_id FROM raw_email WHERE header_message_id = :h AND mailbox_id = :m"
            " AND ticket_id IS NOT NULL ORDER BY id LIMIT 1", {"h": header_id, "m": mailbox_id},
        )
        if row is not None:
            return int(row[0])
    return None


def _exists(raw: Raw, ticket_id: int) -> bool:
    return raw.one("SELECT 1 FROM ticket WHERE id = :t", {"t": ticket_id}) is not None


def _by_token(raw: Raw, parsed: ParsedEmail, settings: Settings) -> int | None:
    addresses = [a for _, a in (*parsed.to, *parsed.cc)]
    addresses += [parsed.headers.get(name, "") for name in ("delivered-to", "x-original-to")]
    for address in addresses:
        token = extract_reply_token(address, prefix=TOKEN_PREFIX)
        ticket_id = verify_token(settings, token) if token else None
        if ticket_id is not None and _exists(raw, ticket_id):
            return ticket_id
    return None


def _survivor(raw: Raw, ticket_id: int) -> int:
    for _ in range(20):
        row = raw.one("SELECT merged_into_id FROM ticket WHERE id = :t", {"t": ticket_id})
        if row is None or row[0] is None:
            return ticket_id
        ticket_id = int(row[0])
    return ticket_id


def find_thread(raw: Raw, settings: Settings, mailbox_id: int, parsed: ParsedEmail) -> ThreadMatch | None:
    """The ticket this mail continues, or None for a new conversation."""
    found = _by_message_id(raw, parsed, mailbox_id)
    if found is not None:
        return ThreadMatch(_survivor(raw, found), "message_id")
    for number in extract_ticket_numbers(parsed.subject, settings.ticket_prefix):
        if _exists(raw, number):
            return ThreadMatch(_survivor(raw, number), "subject")
    found = _by_token(raw, parsed, settings)
    if found is not None:
        return ThreadMatch(_survivor(raw, found), "token")
    return None


def sender_is_known(raw: Raw, ticket_id: int, contact_id: int | None, address: str) -> bool:
    """Mail from the ticket's customer (any of their addresses), its CC list or its reply address."""
    address = address.strip().lower()
    if not address:
        return False
    return bool(raw.value(  # one round trip for the three places an address can be known from
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM contact_identity WHERE contact_id = :c AND kind = 'email'"
        " AND value = :a) OR EXISTS (SELECT 1 FROM ticket_cc WHERE ticket_id = :t AND address = :a)"
        " OR EXISTS (SELECT 1 FROM email_ticket WHERE ticket_id = :t AND customer_address = :a) THEN 1 ELSE 0 END",
        {"c": contact_id, "t": ticket_id, "a": address},
    ))
