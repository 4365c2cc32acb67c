"""Entry point: raw RFC 822 bytes -> ParsedEmail, never raising.

The raw message is always stored by the caller, so the parser's job is to extract as
much as it safely can and explain in `warnings` what it had to guess or skip.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from typing import Any

from frontline.channels.email.bounces import detect_bounce
from frontline.channels.email.charsets import DEFAULT_FALLBACKS, decode_text
from frontline.channels.email.header_repair import repair_headers
from frontline.channels.email.headers import (
    address_as_written,
    decode_header_value,
    parse_addresses,
    parse_date,
    parse_message_ids,
    unfold,
)
from frontline.channels.email.html_quotes import sanitize_folded
from frontline.channels.email.loops import HEADERS_OF_INTEREST, classify_auto
from frontline.channels.email.mime_walk import WalkState, body_html, body_text, walk
from frontline.channels.email.parsed import ParsedEmail
from frontline.channels.email.quotes import find_folds, new_text

MIB = 1024 * 1024
_FIRST_TEXT_PART = re.compile(
    rb"content-type:\s*text/plain[^\n]*\n(?:[^\r\n][^\n]*\n)*?\r?\n(.*?)(?:\r?\n--|\Z)",
    re.IGNORECASE | re.DOTALL,
)


def parse_email(raw: bytes, *, max_attachment_bytes: int = 25 * MIB, max_total_bytes: int = 50 * MIB,
                charsets: Sequence[str] = DEFAULT_FALLBACKS) -> ParsedEmail:
    """Parse one raw message; failures become warnings on a partial result. `charsets` are tried in order for
    undeclared 8-bit text that is not UTF-8 (the mailbox's setting; codec names as `normalize_charset` gives)."""
    result = ParsedEmail()
    try:
        _parse_into(result, raw, max_attachment_bytes, max_total_bytes, tuple(charsets))
    except Exception as error:  # the contract is to never raise; say what went wrong
        result.has_parse_errors = True
        result.warn(f"parser failure ({type(error).__name__}); result is incomplete")
    return strip_nul(result)


def strip_nul(value: Any) -> Any:
    """NUL characters removed from every decoded text (PostgreSQL cannot store them; the raw bytes keep them).

    Mail is not refused for them, unlike API input: the sender cannot be asked to fix it."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    if isinstance(value, tuple):
        return tuple(strip_nul(v) for v in value)
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            current = getattr(value, item.name)
            if isinstance(current, str | list | tuple | dict) or is_dataclass(current):
                setattr(value, item.name, strip_nul(current))
    return value


def _parse_into(result: ParsedEmail, raw: bytes, max_attachment: int, max_total: int,
                charsets: tuple[str, ...]) -> None:
    if not isinstance(raw, (bytes, bytearray)):
        raw = str(raw).encode("utf-8", "surrogateescape")
    raw, repairs = repair_headers(bytes(raw))
    for note in repairs:
        result.warn(note)
    try:
        message = BytesParser(policy=compat32).parsebytes(raw)
    except RecursionError:
        _degraded_parse(result, raw, charsets)
        return
    _fill_headers(result, message, charsets)
    state = WalkState(max_attachment_bytes=max_attachment, max_total_bytes=max_total, charsets=charsets)
    walk(message, state)
    result.attachments = state.attachments
    result.text = body_text(state.slots)
    if not result.text.strip() and state.embedded:
        result.text = _embedded_text(state)
    html = body_html(state.slots)
    if html is not None:
        result.html, result.html_folds = sanitize_folded(html)
    for warning in state.warnings:
        result.warn(warning)
    result.has_parse_errors = result.has_parse_errors or state.has_errors
    _finish(result)


def _embedded_text(state: WalkState) -> str:
    """An attachment-only forward: show the forwarded message's text instead of nothing."""
    inner_state = WalkState(max_attachment_bytes=0, max_total_bytes=0)
    inner_state.parts_seen = state.parts_seen
    walk(state.embedded[0], inner_state, depth=1)
    state.warnings.extend(w for w in inner_state.warnings if w not in state.warnings)
    return body_text(inner_state.slots)


def _first_headers(message: Message) -> dict[str, str]:
    first: dict[str, str] = {}
    for name, value in message.raw_items():
        first.setdefault(name.lower(), value if isinstance(value, str) else str(value))
    return first


def _fill_headers(result: ParsedEmail, message: Message, charsets: tuple[str, ...]) -> None:
    headers = _first_headers(message)
    notes: list[str] = []
    result.subject = decode_header_value(headers.get("subject"), notes, charsets=charsets)
    source = "from"
    senders = parse_addresses(headers.get("from"), notes, charsets=charsets)
    if not senders:
        source, senders = "sender", parse_addresses(headers.get("sender"), notes, charsets=charsets)
    result.from_ = senders[0] if senders else ("", "")
    result.reply_to = parse_addresses(headers.get("reply-to"), notes, charsets=charsets)
    result.to = parse_addresses(headers.get("to"), notes, charsets=charsets)
    result.cc = parse_addresses(headers.get("cc"), notes, charsets=charsets)
    _note_salvage(result, source.title(), headers.get(source), result.from_[1], alone=len(senders) == 1)
    if result.reply_to:
        _note_salvage(result, "Reply-To", headers.get("reply-to"), result.reply_to[0][1])
    result.date = parse_date(headers.get("date"))
    if headers.get("date") and result.date is None:
        notes.append("Date header could not be parsed")
    ids = parse_message_ids(headers.get("message-id"))
    result.message_id = ids[0] if ids else (unfold(headers.get("message-id", "")).strip() or None)
    result.in_reply_to = parse_message_ids(headers.get("in-reply-to"))
    result.references = parse_message_ids(headers.get("references"))
    result.headers = {name: unfold(headers[name]).strip() for name in HEADERS_OF_INTEREST if name in headers}
    for name in ("from", "to", "cc", "subject"):
        if name in headers:
            result.headers.setdefault(name, unfold(headers[name]).strip())
    for note in notes:
        result.warn(note)


def _note_salvage(result: ParsedEmail, name: str, value: str | None, address: str, *, alone: bool = True) -> None:
    """A malformed address header read as an address that may be someone else's: kept, flagged, explained."""
    if not address or address_as_written(value, address, alone=alone):
        return
    written = unfold(value or "").strip()[:200]
    result.salvaged[address] = written
    result.has_parse_errors = True
    held = "; acknowledgements and replies wait until an agent confirms it" if address == result.reply_address else ""
    result.warn(f"{name} header '{written}' is malformed; the address was read as {address}{held}")


def _finish(result: ParsedEmail) -> None:
    result.folds = find_folds(result.text) if result.text else result.folds
    result.visible_text = new_text(result.text, result.folds) if result.text else ""
    result.bounce = detect_bounce(result)
    result.auto = classify_auto(result)
    if result.bounce.is_bounce and not result.auto.is_auto:
        result.auto.is_auto = True
        result.auto.reasons.append("message is a delivery failure report")


def _degraded_parse(result: ParsedEmail, raw: bytes, charsets: tuple[str, ...]) -> None:
    """MIME too deeply nested for the structural parser: headers plus first text part."""
    result.has_parse_errors = True
    result.warn("MIME structure nested too deeply to parse; extracted headers and first text part only")
    _fill_headers(result, BytesHeaderParser(policy=compat32).parsebytes(raw), charsets)
    match = _FIRST_TEXT_PART.search(raw)
    if match:
        decoded = decode_text(match.group(1)[: 1 * MIB], None, fallbacks=charsets)
        result.text = decoded.text.replace("\r\n", "\n").strip()
    _finish(result)
