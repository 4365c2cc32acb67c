"""Walk a parsed MIME tree into body text, HTML and attachments, within hard limits.

Limits (depth, part count, attachment and total sizes) keep hostile or broken mail
from costing unbounded time or memory; hitting one is a warning, never an error.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import Message
from email.policy import compat32
from io import BytesIO

from frontline.channels.email.charsets import DEFAULT_FALLBACKS, decode_text
from frontline.channels.email.filenames import raw_filename, sanitize_filename
from frontline.channels.email.headers import decode_header_value
from frontline.channels.email.html import html_to_text
from frontline.channels.email.parsed import Attachment
from frontline.channels.email.transfer import decode_transfer

MAX_DEPTH = 40
MAX_PARTS = 500
_BODY_TYPES = {"text/plain", "text/html"}
_MESSAGE_TYPES = {"message/rfc822", "message/global"}


@dataclass
class BodySlot:
    """One body position: a plain and/or HTML rendering of the same content."""

    plain: str | None = None
    html: str | None = None


@dataclass
class WalkState:
    max_attachment_bytes: int
    max_total_bytes: int
    charsets: tuple[str, ...] = DEFAULT_FALLBACKS
    slots: list[BodySlot] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    embedded: list[Message] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts_seen: int = 0
    total_bytes: int = 0
    has_errors: bool = False

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def walk(part: Message, state: WalkState, depth: int = 0) -> None:
    """Depth-first walk; multipart/alternative collapses into a single body slot."""
    state.parts_seen += 1
    if state.parts_seen > MAX_PARTS:
        state.warn(f"message has more than {MAX_PARTS} MIME parts; the rest were skipped")
        return
    if depth > MAX_DEPTH:
        state.warn(f"MIME nesting deeper than {MAX_DEPTH} levels; deeper parts were skipped")
        return
    _note_defects(part, state)
    payload = part.get_payload()
    if part.get_content_maintype() == "message":
        _attach_message(part, state)
    elif part.is_multipart() and isinstance(payload, list):
        _walk_multipart(part, [c for c in payload if isinstance(c, Message)], state, depth)
    else:
        _leaf(part, state)


def _walk_multipart(part: Message, children: list[Message], state: WalkState, depth: int) -> None:
    if part.get_content_type() != "multipart/alternative":
        for child in children:
            walk(child, state, depth + 1)
        return
    outer_slots, state.slots = state.slots, []
    for child in children:
        walk(child, state, depth + 1)
    inner, state.slots = state.slots, outer_slots
    plains = [s.plain for s in inner if s.plain is not None]
    htmls = [s.html for s in inner if s.html is not None]
    if plains or htmls:
        state.slots.append(BodySlot(plain="\n\n".join(plains) if plains else None,
                                    html="\n".join(htmls) if htmls else None))


def _note_defects(part: Message, state: WalkState) -> None:
    for defect in getattr(part, "defects", []):
        state.has_errors = True
        words = re.sub(r"(?<!^)([A-Z])", r" \1", type(defect).__name__.removesuffix("Defect")).lower()
        state.warn(f"MIME structure problem: {words}")


def _disposition(part: Message) -> str:
    raw = part.get("content-disposition")
    return str(raw).split(";", 1)[0].strip().lower() if raw else ""


def _decoded_payload(part: Message, state: WalkState) -> bytes:
    # The raw payload: compat32's get_payload() would already decode 8-bit text with
    # the declared charset and errors="replace", which is exactly what we must avoid.
    payload = getattr(part, "_payload", None)
    if not isinstance(payload, (str, bytes)):
        return b""
    data, warning = decode_transfer(payload, str(part.get("content-transfer-encoding") or ""))
    if warning:
        state.warn(warning)
    return data


def _leaf(part: Message, state: WalkState) -> None:
    content_type = part.get_content_type()
    if part.get_content_maintype() == "multipart":
        state.has_errors = True
        state.warn("multipart part without usable boundary; treated as plain text")
        content_type = "text/plain"
    name_warnings: list[str] = []
    filename = raw_filename(part, name_warnings, state.charsets)
    for note in name_warnings:
        state.warn(note)
    data = _decoded_payload(part, state)
    if content_type in _BODY_TYPES and _disposition(part) != "attachment" and filename is None:
        _add_body(part, content_type, data, state)
        return
    _add_attachment(part, content_type, filename, data, state)


def _add_body(part: Message, content_type: str, data: bytes, state: WalkState) -> None:
    decoded = decode_text(data, part.get_content_charset(), fallbacks=state.charsets)
    if decoded.warning:
        state.warn(f"body: {decoded.warning}")
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if content_type == "text/html":
        state.slots.append(BodySlot(html=text))
        return
    if _param(part, "format") == "flowed":
        text = unflow(text, delsp=_param(part, "delsp") == "yes")
    state.slots.append(BodySlot(plain=text))


def _param(part: Message, name: str) -> str:
    value = part.get_param(name)
    return value.lower() if isinstance(value, str) else ""


def _quote_depth(line: str) -> tuple[int, str]:
    """(quote depth, the line without its quote marks and its space-stuffing), RFC 3676 section 4.5."""
    depth = len(line) - len(line.lstrip(">"))
    content = line[depth:]
    return depth, content[1:] if content.startswith(" ") else content


def _quoted(depth: int, content: str) -> str:
    return (">" * depth + (" " + content if content else "")) if depth else content


def unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines (those ending in a space) of the same quote depth.

    A flowed line followed by a line of another quote depth ends its paragraph (a new line is never glued onto
    a quoted one, nor a quoted line onto new text), and the signature separator "-- " is never joined. With
    DelSp=yes the space that marked the soft break is removed."""
    out: list[str] = []
    depth, buffer, open_paragraph = 0, "", False
    for line in text.split("\n"):
        line_depth, content = _quote_depth(line)
        signature = content == "-- "
        if open_paragraph and (line_depth != depth or signature):
            out.append(_quoted(depth, buffer.removesuffix(" ")))  # no next line to join: the space was a break
            open_paragraph = False
        if not open_paragraph:
            depth, buffer = line_depth, ""
        buffer += content
        if content.endswith(" ") and not signature:
            if delsp:
                buffer = buffer[:-1]
            open_paragraph = True
            continue
        out.append(_quoted(depth, buffer))
        open_paragraph = False
    if open_paragraph:
        out.append(_quoted(depth, buffer.removesuffix(" ")))
    return "\n".join(out)


def _content_id(part: Message) -> str | None:
    raw = part.get("content-id")
    if not raw:
        return None
    value = str(raw).strip().strip("<>").strip()
    return value or None


def _add_attachment(part: Message, content_type: str, filename: str | None, data: bytes,
                    state: WalkState) -> None:
    content_id = _content_id(part)
    disposition = _disposition(part)
    attachment = Attachment(
        filename=sanitize_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        content_id=content_id,
        is_inline=disposition == "inline" or (content_id is not None and disposition != "attachment"),
    )
    _store_content(attachment, data, state)
    state.attachments.append(attachment)


def _store_content(attachment: Attachment, data: bytes, state: WalkState) -> None:
    if len(data) > state.max_attachment_bytes or state.total_bytes + len(data) > state.max_total_bytes:
        attachment.too_large = True
        state.warn(f"attachment '{attachment.filename}' ({len(data)} bytes) exceeds the size limit; "
                   "content dropped")
        return
    attachment.content = data
    state.total_bytes += len(data)


def message_bytes(inner: Message) -> bytes:
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=compat32).flatten(inner)
    return buffer.getvalue()


def _message_part_bytes(part: Message, state: WalkState) -> bytes:
    """Serialised content of a message/* part (the stdlib pre-parses it into Messages)."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return _decoded_payload(part, state)
    try:
        return b"".join(message_bytes(block) for block in payload if isinstance(block, Message))
    except Exception:  # generator can choke on hostile headers
        state.has_errors = True
        state.warn("embedded message could not be re-serialised")
        return b""


def _attach_message(part: Message, state: WalkState) -> None:
    """message/* parts are attachments; we never descend into forwarded messages."""
    content_type = part.get_content_type()
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    data = _message_part_bytes(part, state)
    name_warnings: list[str] = []
    filename = raw_filename(part, name_warnings, state.charsets)
    is_message = content_type in _MESSAGE_TYPES
    if is_message and filename is None and isinstance(inner, Message) and inner.get("subject"):
        subject = decode_header_value(str(inner.get("subject")), charsets=state.charsets)
        filename = f"{subject[:100]}.eml" if subject else None
    attachment = Attachment(filename=sanitize_filename(filename, content_type), content_type=content_type,
                            size=len(data), content_id=_content_id(part))
    if is_message and not attachment.filename.lower().endswith(".eml"):
        attachment.filename += ".eml"
    _store_content(attachment, data, state)
    state.attachments.append(attachment)
    if is_message and isinstance(inner, Message):
        state.embedded.append(inner)


def body_text(slots: list[BodySlot]) -> str:
    texts = [s.plain if s.plain is not None else html_to_text(s.html or "") for s in slots]
    return "\n\n".join(t.strip("\n") for t in texts if t.strip())


def body_html(slots: list[BodySlot]) -> str | None:
    if not any(s.html is not None for s in slots):
        return None
    return "\n".join(s.html if s.html is not None else f"<pre>{html_lib.escape(s.plain or '')}</pre>"
                     for s in slots)
