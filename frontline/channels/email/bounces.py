"""Bounce detection: RFC 3464 delivery status notifications plus common ad-hoc bounces.

The desk needs to know which of its own messages failed (original Message-ID), to
whom, and whether the failure is final: a "delayed" notice must not mark the
outgoing message failed, because the server is still retrying.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import compat32

from frontline.channels.email.headers import decode_header_value, parse_message_ids
from frontline.channels.email.parsed import BouncedRecipient, BounceInfo, ParsedEmail

_DSN_TYPES = {"message/delivery-status", "message/global-delivery-status"}
_ORIGINAL_TYPES = {"message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers"}
_SYSTEM_SENDER = re.compile(r"^(mailer[-_.]?daemon|postmaster|mail[-_.]?delivery)", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem)"
    r"|returned mail|mail delivery failed|failure notice|could not be delivered|returned to sender"
    r"|delivery notification|mail system error|non[- ]?delivery|delayed mail|not delivered"
    r"|warning: could not send|недоставлен|не доставлено|не удалось доставить|ошибка доставки",
    re.IGNORECASE,
)
_BOUNCE_TEXT = re.compile(
    r"could not be delivered|delivery to the following recipient|failed permanently|undeliverable"
    r"|permanent (fatal )?error|user unknown|mailbox (is )?(full|unavailable)|no such user"
    r"|recipient address rejected|following address(es)? failed|message was not delivered"
    r"|delivery has failed|delivery (is|has been) delayed|will (continue to|retry|try)"
    r"|не может быть доставлено|не удалось доставить",
    re.IGNORECASE,
)
_DELAY_TEXT = re.compile(
    r"delay|still (being )?retr|will (continue to|retry|try again|keep trying)|this is (only )?a warning"
    r"|warning: could not send|no action is required|задерж",
    re.IGNORECASE,
)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_RECIPIENT_INTRO = re.compile(
    r"following (recipient|address)|recipient(s)?:|could not be delivered to|failed:|delivery to"
    r"|адресат|получател",
    re.IGNORECASE,
)


def _fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def parse_delivery_status(content: bytes) -> list[BouncedRecipient]:
    """Per-recipient fields of a message/delivery-status body (first block is per-message)."""
    text = content.decode("utf-8", "replace").replace("\r\n", "\n")
    text = re.sub(r"\n[ \t]+", " ", text)
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    recipients = []
    for block in blocks:
        fields = _fields(block)
        raw = fields.get("final-recipient") or fields.get("original-recipient")
        if not raw:
            continue
        address = raw.split(";", 1)[-1].strip().strip("<>").strip()
        status_match = _STATUS.search(fields.get("status", ""))
        recipients.append(BouncedRecipient(
            address=address,
            status=status_match.group(1) if status_match else None,
            action=(fields.get("action") or "").lower() or None,
            diagnostic=fields.get("diagnostic-code"),
        ))
    return recipients


def _original_message_id(message: ParsedEmail) -> str | None:
    for attachment in message.attachments:
        if attachment.content_type in _ORIGINAL_TYPES and attachment.content:
            headers = BytesHeaderParser(policy=compat32).parsebytes(attachment.content)
            ids = parse_message_ids(headers.get("message-id"))
            if ids:
                return ids[0]
    found = re.findall(r"^\s*Message-ID:\s*(<[^<>\s]+>)", message.text, re.IGNORECASE | re.MULTILINE)
    return found[-1] if found else None


def _is_delay(recipient: BouncedRecipient) -> bool:
    if recipient.action:
        return recipient.action == "delayed"
    return bool(recipient.status and recipient.status.startswith("4."))


def _is_failure(recipient: BouncedRecipient) -> bool:
    if recipient.action in ("delivered", "relayed", "expanded", "delayed"):
        return False
    return recipient.action == "failed" or bool(recipient.status and recipient.status.startswith("5."))


def _standard_dsn(message: ParsedEmail) -> BounceInfo | None:
    reports = [a for a in message.attachments if a.content_type in _DSN_TYPES]
    content_type = message.headers.get("content-type", "").lower().replace('"', "")
    if not reports and "report-type=delivery-status" not in content_type:
        return None
    recipients = [r for a in reports for r in parse_delivery_status(a.content)]
    if not recipients:
        return None
    info = BounceInfo(is_bounce=True, is_standard_dsn=True, recipients=recipients)
    info.status_codes = list(dict.fromkeys(r.status for r in recipients if r.status))
    info.is_permanent = any(_is_failure(r) for r in recipients)
    info.is_delay = not info.is_permanent and all(_is_delay(r) for r in recipients)
    if not info.is_permanent and not info.is_delay:
        info.is_bounce = False  # e.g. a pure success notification ("Action: delivered")
    info.reason = "delivery status notification (RFC 3464)"
    return info


def _heuristic_recipients(text: str, exclude: set[str]) -> list[str]:
    found: list[str] = []
    lines = text.splitlines()[:200]
    for index, line in enumerate(lines):
        window = lines[index : index + 4] if _RECIPIENT_INTRO.search(line) else [line]
        if window == [line] and not (_STATUS.search(line) or re.search(r"\b[45]\d\d\b", line)):
            continue
        for candidate in (a for chunk in window for a in _ADDRESS.findall(chunk)):
            if candidate.lower() not in exclude and not _SYSTEM_SENDER.match(candidate):
                found.append(candidate)
    return list(dict.fromkeys(found))


def _heuristic_bounce(message: ParsedEmail) -> BounceInfo | None:
    sender_local = message.from_[1].partition("@")[0]
    system_sender = bool(_SYSTEM_SENDER.match(sender_local) or _SYSTEM_SENDER.match(message.from_[0]))
    subject_hit = bool(_BOUNCE_SUBJECT.search(message.subject))
    failed_header = decode_header_value(message.headers.get("x-failed-recipients"))
    text_hit = bool(_BOUNCE_TEXT.search(message.text[:20000]))
    if not (failed_header or (system_sender and (subject_hit or text_hit)) or (subject_hit and text_hit)):
        return None
    head = message.text[:20000]
    codes = list(dict.fromkeys(_STATUS.findall(head)))
    addresses = _ADDRESS.findall(failed_header) or _heuristic_recipients(head, {message.from_[1].lower()})
    info = BounceInfo(is_bounce=True, status_codes=codes, reason="non-standard bounce (sender/subject/text)")
    info.recipients = [BouncedRecipient(address=a) for a in addresses]
    permanent_code = any(c.startswith("5.") for c in codes)
    info.is_delay = not permanent_code and bool(_DELAY_TEXT.search(message.subject + "\n" + head[:3000]))
    info.is_permanent = not info.is_delay
    return info


def detect_bounce(message: ParsedEmail | bytes) -> BounceInfo:
    """Classify a message as a bounce (permanent or delay) and extract what failed."""
    if isinstance(message, bytes):
        from frontline.channels.email.parse import parse_email  # parse imports this module

        return parse_email(message).bounce
    info = _standard_dsn(message) or _heuristic_bounce(message) or BounceInfo()
    if info.is_bounce:
        info.original_message_id = _original_message_id(message)
    return info
