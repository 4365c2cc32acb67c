"""Extract the keys that tie an incoming email to an existing ticket.

Three independent signals, strongest first: a reply token in a plus-address we
issued, our own Message-IDs in In-Reply-To/References, and a ticket number in the
subject. The caller decides precedence; this module only extracts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from frontline.channels.email.parsed import ParsedEmail

_REPLY_PREFIX = re.compile(
    r"^\s*((re|fwd?|aw|wg|sv|vs|antw|tr|rif|odp|ynt|ответ|отв|пересл|fw)\s*(\[\d+\]|\(\d+\))?\s*:\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ThreadKeyConfig:
    """How our own identifiers look; defaults match Frontline's outgoing mail."""

    ticket_prefix: str = "FL"
    message_id_domain: str | None = None
    message_id_pattern: str | None = None
    reply_token_prefix: str = "t."
    reply_token_pattern: str | None = None


@dataclass
class ThreadKeys:
    ticket_numbers: list[int] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    reply_tokens: list[str] = field(default_factory=list)


def strip_reply_prefixes(subject: str) -> str:
    """'Re: AW: Ответ: Hello' -> 'Hello' (for display and subject matching)."""
    return _REPLY_PREFIX.sub("", subject).strip()


def extract_ticket_numbers(subject: str, prefix: str = "FL") -> list[int]:
    """Ticket numbers written as [PREFIX-123] anywhere in the subject, in order."""
    pattern = re.compile(rf"\[\s*{re.escape(prefix)}\s*[-#]\s*(\d{{1,12}})\s*\]", re.IGNORECASE)
    return list(dict.fromkeys(int(number) for number in pattern.findall(subject or "")))


def extract_our_message_ids(ids: Iterable[str], *, domain: str | None = None,
                            pattern: str | None = None) -> list[str]:
    """Message-IDs we generated: right-hand side equals `domain`, or `pattern` matches."""
    matcher = re.compile(pattern) if pattern else None
    found = []
    for message_id in ids:
        bare = message_id.strip().strip("<>")
        right = bare.rpartition("@")[2].lower()
        if (domain and right == domain.lower()) or (matcher and matcher.search(bare)):
            found.append(f"<{bare}>")
    return list(dict.fromkeys(found))


def extract_reply_token(address: str, *, prefix: str = "t.", pattern: str | None = None) -> str | None:
    """Token from a plus-address like support+t.ABC123@example.com, or None."""
    local = address.strip().strip("<>").rpartition("@")[0]
    if "+" not in local:
        return None
    for tag in local.split("+")[1:]:
        if pattern is not None:
            match = re.fullmatch(pattern, tag)
            if match:
                return match.group(1) if match.groups() else match.group(0)
        elif tag.lower().startswith(prefix.lower()) and len(tag) > len(prefix):
            return tag[len(prefix):]
    return None


_VERP_TOKEN = re.compile(r"^fl\.(\d{1,12})\.([0-9a-f]{16})$")


def verp_address(base: str, message_id: str) -> str:
    """The VERP return path of one outgoing mail: bounce@desk.example and <fl.42.9f3c...@host> give
    bounce+fl.42.9f3c...@desk.example (the local part of our Message-ID is the token)."""
    local, _, domain = base.strip().partition("@")
    token = message_id.strip().strip("<>").partition("@")[0]
    return f"{local.split('+', 1)[0]}+{token}@{domain}"


def verp_token(address: str) -> tuple[int, str] | None:
    """(ticket id, Message-ID local part) from a VERP return path of ours, or None."""
    local = address.strip().strip("<>").rpartition("@")[0].lower()
    for tag in local.split("+")[1:]:
        match = _VERP_TOKEN.match(tag)
        if match:
            return int(match.group(1)), tag
    return None


def extract_thread_keys(message: ParsedEmail, config: ThreadKeyConfig | None = None) -> ThreadKeys:
    """All thread keys found in a parsed message."""
    config = config or ThreadKeyConfig()
    keys = ThreadKeys(ticket_numbers=extract_ticket_numbers(message.subject, config.ticket_prefix))
    if config.message_id_domain or config.message_id_pattern:
        keys.message_ids = extract_our_message_ids(
            [*message.in_reply_to, *reversed(message.references)],
            domain=config.message_id_domain, pattern=config.message_id_pattern,
        )
    addresses = [a for _, a in (*message.to, *message.cc)]
    addresses += [message.headers.get(name, "") for name in ("delivered-to", "x-original-to")]
    for address in addresses:
        token = extract_reply_token(address, prefix=config.reply_token_prefix,
                                    pattern=config.reply_token_pattern)
        if token and token not in keys.reply_tokens:
            keys.reply_tokens.append(token)
    return keys
