"""Header decoding that survives broken RFC 2047 words and raw 8-bit bytes.

Header values arrive as `str` from the stdlib parser with undecodable bytes kept as
surrogate escapes; we turn them back into bytes so our charset detection can decode
them, instead of trusting the stdlib's strict (and often mojibake-producing) path.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from frontline.channels.email.charsets import DEFAULT_FALLBACKS, decode_text
from frontline.channels.email.parsed import Address

# Lenient encoded-word: spaces inside the text and unknown charsets are tolerated.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)(?:\*[^?]*)?\?([QqBb])\?(.*?)\?=", re.DOTALL)
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_VALID_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_BARE_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")


def raw_bytes(value: str) -> bytes:
    """Bytes behind a stdlib header/payload string (surrogate escapes restored)."""
    return value.encode("utf-8", "surrogateescape")


def unfold(value: str) -> str:
    return _FOLD.sub("", value).replace("\r", "").replace("\n", " ")


def _decode_q(text: str) -> bytes:
    data = raw_bytes(text.replace("_", " "))
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x3D and _is_hex(data[i + 1 : i + 3]):
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _is_hex(chunk: bytes) -> bool:
    return len(chunk) == 2 and all(c in b"0123456789abcdefABCDEF" for c in chunk)


def decode_base64_lenient(text: bytes) -> bytes:
    """Base64 with junk characters and wrong padding tolerated."""
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", text)
    cleaned = cleaned[: len(cleaned) - (len(cleaned) % 4 == 1)]
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned)
    except (binascii.Error, ValueError):
        return base64.b64decode(cleaned[: len(cleaned) // 4 * 4] or b"", validate=False)


def decode_header_value(value: str | None, warnings: list[str] | None = None, *,
                        charsets: Sequence[str] = DEFAULT_FALLBACKS) -> str:
    """Decode an unfolded or folded header value into clean text."""
    if not value:
        return ""
    value = unfold(value)
    pieces: list[tuple[str | None, bytes]] = []  # (charset or None for literal, bytes)
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        literal = value[pos : match.start()]
        if literal and not (literal.isspace() and pieces and pieces[-1][0] is not None):
            pieces.append((None, raw_bytes(literal)))
        charset, kind, payload = match.group(1), match.group(2).upper(), match.group(3)
        data = decode_base64_lenient(raw_bytes(payload)) if kind == "B" else _decode_q(payload)
        if pieces and pieces[-1][0] is not None and pieces[-1][0].lower() == charset.lower():
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + data)
        else:
            pieces.append((charset, data))
        pos = match.end()
    if value[pos:]:
        pieces.append((None, raw_bytes(value[pos:])))
    parts = []
    for charset, data in pieces:
        decoded = decode_text(data, charset, fallbacks=charsets, warn_undeclared_utf8=False)
        if decoded.warning and warnings is not None:
            note = f"header: {decoded.warning}"
            if note not in warnings:
                warnings.append(note)
        parts.append(decoded.text)
    return _clean_controls("".join(parts)).strip()


def _clean_controls(text: str) -> str:
    return "".join(" " if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) else ch for ch in text)


def parse_addresses(value: str | None, warnings: list[str] | None = None, *,
                    charsets: Sequence[str] = DEFAULT_FALLBACKS) -> list[Address]:
    """Address list with decoded display names; falls back to a bare-address scan."""
    if not value:
        return []
    flat = unfold(value)
    try:
        pairs = getaddresses([flat])
    except Exception:  # stdlib address parser can fail on hostile input
        pairs = []
    result: list[Address] = []
    for name, address in pairs:
        address = decode_header_value(address, warnings, charsets=charsets).strip().strip("<>")
        name = decode_header_value(name, warnings, charsets=charsets).strip().strip('"').strip()
        if _VALID_ADDRESS.match(address):
            result.append((name, address))
        elif "@" in address:
            result.extend(_salvage(address))
    if not result:
        decoded = decode_header_value(flat, warnings, charsets=charsets)
        result = [("", found) for found in _BARE_ADDRESS.findall(decoded)]
    return result


_DELIMITERS = " \t<>\"'(),;:[]"


def address_as_written(value: str | None, address: str, *, alone: bool = True) -> bool:
    """Whether `address` is literally what the header gives (brackets or a name merely missing), not a repair
    that may name someone else: `john doe <john doe@x>` read as doe@x, a space dropped, the address taken
    from the display name of an empty `<>`, or one of several addresses where one was expected (`alone`)."""
    if not value or not address:
        return True
    if not alone:
        return False
    flat = unfold(value).strip()
    lowered, wanted = flat.lower(), address.lower()
    bracketed = [inner.strip().lower() for inner in re.findall(r"<([^<>]*)>", flat)]
    if "" in bracketed or (any("@" in inner for inner in bracketed) and wanted not in bracketed):
        return False
    start = lowered.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        before = lowered[start - 1] if start else " "
        after = lowered[end] if end < len(lowered) else " "
        if before in _DELIMITERS and after in _DELIMITERS:
            return True
        start = lowered.find(wanted, start + 1)
    return False


def _salvage(text: str) -> list[Address]:
    """'Big Bug bb@bug.com' or 'a@x b@x': bare addresses, leftover words as the name."""
    found = _BARE_ADDRESS.findall(text)
    if len(found) != 1:
        return [("", address) for address in found]
    return [(" ".join(text.replace(found[0], " ").split()), found[0])]


def parse_date(value: str | None) -> datetime | None:
    """Aware datetime; a missing or unknown zone ("-0000") is taken as UTC."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(unfold(value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_message_ids(value: str | None) -> list[str]:
    """Message-IDs in angle brackets (brackets kept), in order, without duplicates."""
    if not value:
        return []
    flat = unfold(value)
    found = [f"<{m}>" for m in _MSG_ID.findall(flat)]
    if not found:
        found = [f"<{tok.strip('<>')}>" for tok in flat.split() if "@" in tok]
    return list(dict.fromkeys(found))
