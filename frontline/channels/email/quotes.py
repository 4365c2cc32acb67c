"""Find where quoted history and signatures start in what the customer wrote.

Conservative by design: markers only at well-known reply headers, trailing ">" blocks,
the "-- " signature delimiter and mobile signatures, and none when folding would
leave nothing. Nothing is cut away: the full text is stored and shown, the display
folds from the markers on (`Folds`), and the text before them is what a reply says
that is new. Forwarded messages ("Forwarded message", "Пересылаемое сообщение") are
content, not history: they are never folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontline.channels.email.parsed import Folds

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
    r"^\s*-{2,}\s*(Original Message|Исходное сообщение|Ursprüngliche Nachricht"
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
    """The new text, plus the quoted history and signature (empty strings when there are none)."""

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


def _answered_below(lines: list[str], header: int) -> bool:
    """A reply header followed by ">" lines and then the sender's own text (bottom-posting, or answers between
    the quotes): the quote is context, not history to fold. History without ">" (Outlook's From/Sent block)
    never counts."""
    seen_quote = False
    for line in lines[header + 1:]:
        stripped = line.strip()
        if stripped.startswith(">"):
            seen_quote = True
        elif stripped:
            return seen_quote and not (_SIGNATURE_DELIMITER.match(line) or _MOBILE_SIGNATURE.match(line))
    return False


def _signature_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line) and any(x.strip() for x in lines[:index]):
            return index
    tail = [i for i, line in enumerate(lines) if line.strip()][-3:]
    for index in tail:
        if _MOBILE_SIGNATURE.match(lines[index]):
            return index
    return None


def find_folds(text: str) -> Folds:
    """Offsets of quoted history and signature in `text` (lines split at "\\n"); none when folding them would
    leave nothing, since then the whole text is what the sender wrote."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    end = len(lines)
    cut = _quote_header_start(lines)
    if cut is not None and _answered_below(lines, cut):
        cut = None  # bottom-posting: what follows the quote is new, nothing of it may be folded away
    elif cut is not None:
        end = cut
    trailing = _trailing_quote_start(lines[:end])
    if trailing is not None:
        end = trailing
        header = _quote_header_start(lines[:end])  # a reply header right above a trailing ">" block
        if header is not None:
            end = header
    sig = _signature_start(lines[:end])
    new_end = sig if sig is not None else end
    if not "\n".join(lines[:new_end]).strip():
        return Folds()
    return Folds(quote=starts[end] if end < len(lines) else None, signature=starts[sig] if sig is not None else None)


def split_reply(text: str) -> ReplySplit:
    """Split a plain-text message into new text, quoted history and signature."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    folds = find_folds(text)
    if folds.start is None:
        return ReplySplit(text.strip(), "", "")
    quoted = text[folds.quote:].strip() if folds.quote is not None else ""
    signature = text[folds.signature:folds.quote].strip() if folds.signature is not None else ""
    return ReplySplit(text[:folds.start].strip(), quoted, signature)


def new_text(text: str, folds: Folds) -> str:
    """What a message says that is new: the text before its quoted history and signature."""
    return text[:folds.start].strip() if folds.start is not None else text.strip()


def visible_text(text: str) -> str:
    """The reply without quoted history or signature; the whole text if that would be empty."""
    return split_reply(text).visible
