"""Separate what the customer just wrote from quoted history and signatures.

Conservative by design: we cut only at well-known reply headers, trailing ">" blocks,
the "-- " signature delimiter and mobile signatures, and if cutting would leave
nothing we keep the whole text. The full text is always kept elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = r"[^\s<>@]+@[^\s<>@]+"
# Reply headers that may be wrapped over up to three lines by the sending client.
_REPLY_HEADERS = [
    re.compile(r"^\s*On\b.{1,300}\bwrote\s*:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Am\b.{1,300}\bschrieb\b.{0,200}:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Le\b.{1,300}\ba\s+écrit\s*:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*(В|Во)\b.{1,300}\b(пишет|писал|написал|написала|написал\(а\))\s*:\s*$",
               re.IGNORECASE | re.DOTALL),
    re.compile(r"^.{0,300}[\d@].{0,300}\b(пишет|написал|написала|написал\(а\)|wrote)\s*:\s*$",
               re.IGNORECASE | re.DOTALL),
    # Gmail (ru and others): "пн, 1 янв. 2024 г. в 10:00, Иван <ivan@x.ru>:"
    re.compile(rf"^.{{0,200}}\d{{1,2}}:\d{{2}}.{{0,100}}<{_EMAIL}>\s*:\s*$", re.DOTALL),
]
# How a wrapped reply header begins; a line that does not is the reply's own last line.
_HEADER_START = re.compile(r"^\s*(On|Am|Le|В|Во)\s|^\s*(\w{2,4}\.?,\s*)?\d", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(Original Message|Исходное сообщение|Пересылаемое сообщение|Ursprüngliche Nachricht"
    r"|Message d'origine)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|От|Von|De)\s*:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_FIELDS = re.compile(
    r"^\s*\*?(Sent|Date|To|Subject|Cc|Отправлено|Дата|Кому|Тема|Копия|Gesendet|An|Betreff|Envoyé|À|Objet)"
    r"\s*:",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE_DELIMITER = re.compile(r"^--\s?$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(Sent from my .{1,60}|Sent from (Mail|Outlook|Yahoo Mail|my mobile)\b.*|Get Outlook for \w+.*"
    r"|Sent via .{1,40}|Отправлено с (моего )?\w+.*|Отправлено из .{1,60}|Sent from Samsung.*"
    r"|Von meinem \w+ gesendet.*|Envoyé de mon \w+.*)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReplySplit:
    """The new text, plus what was cut off (empty strings when nothing was)."""

    visible: str
    quoted: str
    signature: str


def _quote_header_start(lines: list[str]) -> int | None:
    """Index of the first line of a reply header or an Outlook header block."""
    for index, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line):
            return index
        if _UNDERSCORES.match(line) and _is_outlook_block(lines, index + 1):
            return index
        if _OUTLOOK_FROM.match(line) and _is_outlook_block(lines, index):
            return index
        for span in (1, 2, 3):
            window = lines[index : index + span]
            if len(window) < span or not all(part.strip() for part in window):
                break
            later = span > 1 and not _HEADER_START.match(window[0]) and _is_reply_header(window[1:])
            if _is_reply_header(window) and not later:
                return index
    return None


def _is_reply_header(window: list[str]) -> bool:
    joined = " ".join(part.strip() for part in window)
    return any(pattern.match(joined) for pattern in _REPLY_HEADERS)


def _is_outlook_block(lines: list[str], index: int) -> bool:
    if index >= len(lines) or not _OUTLOOK_FROM.match(lines[index]):
        return False
    window = lines[index + 1 : index + 6]
    return sum(1 for line in window if _OUTLOOK_FIELDS.match(line)) >= 2


def _trailing_quote_start(lines: list[str]) -> int | None:
    """Start of a ">" block that runs to the end (blank lines allowed inside)."""
    start = None
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped.startswith(">"):
            start = index
        elif stripped and start is not None:
            break
        elif stripped:
            return None
    return start


def _signature_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line) and any(x.strip() for x in lines[:index]):
            return index
    tail = [i for i, line in enumerate(lines) if line.strip()][-3:]
    for index in tail:
        if _MOBILE_SIGNATURE.match(lines[index]):
            return index
    return None


def split_reply(text: str) -> ReplySplit:
    """Split a plain-text message into new text, quoted history and signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted: list[str] = []
    cut = _quote_header_start(lines)
    if cut is not None:
        lines, quoted = lines[:cut], lines[cut:]
    trailing = _trailing_quote_start(lines)
    if trailing is not None:
        lines, quoted = lines[:trailing], lines[trailing:] + quoted
    # A reply header right above a trailing quote block ("On ... wrote:" then ">").
    header = _quote_header_start(lines)
    if header is not None:
        lines, quoted = lines[:header], lines[header:] + quoted
    signature: list[str] = []
    sig = _signature_start(lines)
    if sig is not None:
        lines, signature = lines[:sig], lines[sig:]
    visible = "\n".join(lines).strip()
    if not visible:
        return ReplySplit(text.strip(), "", "")
    return ReplySplit(visible, "\n".join(quoted).strip(), "\n".join(signature).strip())


def visible_text(text: str) -> str:
    """The reply without quoted history or signature; the whole text if that would be empty."""
    return split_reply(text).visible
