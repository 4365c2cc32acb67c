"""Bounce detection: RFC 3464 delivery status notifications plus common ad-hoc bounces.

The desk needs to know which of its own messages failed (original Message-ID), to
whom, and whether the failure is final: a "delayed" notice must not mark the
outgoing message failed, because the server is still retrying. Bounces come in many
languages (Japanese carriers send theirs in Japanese only); the returned message's
Message-ID is read from its headers (the returned part, or the header block of a
plain-text bounce), never from a "Message-ID:" line that merely appears in a text.
Mail to one of our VERP return paths from a null or system sender is a bounce even
when nothing else says so.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import compat32

from frontline.channels.email.headers import decode_header_value, parse_message_ids
from frontline.channels.email.parsed import BouncedRecipient, BounceInfo, ParsedEmail
from frontline.channels.email.threading_keys import verp_token

_DSN_TYPES = {"message/delivery-status", "message/global-delivery-status"}
_ORIGINAL_TYPES = {"message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers"}
_SYSTEM_SENDER = re.compile(r"^(mailer[-_.]?daemon|postmaster|mail[-_.]?delivery)", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem)"
    r"|returned mail|mail delivery failed|failure notice|could not be delivered|returned to sender"
    r"|delivery notification|mail system error|non[- ]?delivery|delayed mail|not delivered"
    r"|warning: could not send|недоставлен|не доставлено|не удалось доставить|ошибка доставки"
    # Japanese, Chinese, Korean, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Czech, Turkish
    r"|配信不能|配信エラー|送信エラー|不達|宛先不明|届きませんでした|配送エラー|メール送信失敗|エラーメール|返送"
    r"|退信|投递失败|无法投递|未能送达|반송|전송 실패|배달 실패"
    r"|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|non distribuable|[ée]chec de (la )?remise"
    r"|message non remis|no se (pudo|puede) entregar|error de entrega|mensaje no entregado|mancata consegna"
    r"|non recapitabile|impossibile recapitare|n[ãa]o entregue|falha na entrega|onbestelbaar|niet afgeleverd"
    r"|niedostarczon|nie mo[żz]na dostarczy[ćc]|nedoru[čc]iteln|nelze doru[čc]it|teslim edilemedi",
    re.IGNORECASE,
)
_BOUNCE_TEXT = re.compile(
    r"could not be delivered|delivery to the following recipient|failed permanently|undeliverable"
    r"|permanent (fatal )?error|user unknown|mailbox (is )?(full|unavailable)|no such user"
    r"|recipient address rejected|following address(es)? failed|message was not delivered"
    r"|delivery has failed|delivery (is|has been) delayed|will (continue to|retry|try)"
    r"|не может быть доставлено|не удалось доставить|адрес(ат)? не найден|нет такого (пользователя|адреса)"
    r"|配信できませんでした|送信できませんでした|届けることができませんでした|宛先(のメールアドレス)?が(見つかりません|存在しません)"
    r"|ユーザーが存在しません|存在しないアドレス|受信できませんでした|无法送达|收件人不存在|수신자를 찾을 수 없"
    r"|konnte nicht zugestellt werden|empf[äa]nger (unbekannt|nicht gefunden)|n'a pas pu [êe]tre (remis|distribu[ée])"
    r"|destinataire inconnu|no se ha podido entregar|destinatario desconocido|non [èe] stato possibile recapitare"
    r"|n[ãa]o foi poss[íi]vel entregar|kon niet worden afgeleverd|nie mog[łl]a zosta[ćc] dostarczona",
    re.IGNORECASE,
)
_DELAY_TEXT = re.compile(
    r"delay|still (being )?retr|will (continue to|retry|try again|keep trying)|this is (only )?a warning"
    r"|warning: could not send|no action is required|задерж|遅延|再送を試み|延迟|지연|verz[öo]gert"
    r"|retard[ée]|retrasad|ritardat|opó[źz]n",
    re.IGNORECASE,
)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_RECIPIENT_INTRO = re.compile(
    r"following (recipient|address)|recipient(s)?:|could not be delivered to|failed:|delivery to"
    r"|адресат|получател|宛先|送信先|受信者|收件人|수신자|empf[äa]nger|destinataire|destinatario",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]*(.*)$")
_TRACE = {"received", "return-path", "date", "mime-version", "dkim-signature", "x-mailer", "user-agent"}
_ENVELOPE = {"from", "to", "subject", "content-type", "cc", "reply-to"}
# the line a plain-text bounce puts above the returned message ("----- Original message -----", ...)
_RETURNED_INTRO = re.compile(
    r"original message|returned message|copy of the (original )?message|message headers|original headers"
    r"|undelivered message|исходное сообщение|заголовки|元のメッセージ|原始邮件|原邮件|원본 메시지"
    r"|urspr[üu]ngliche nachricht|message d'origine|mensaje original|messaggio originale|mensagem original",
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


def _header_blocks(text: str) -> list[tuple[dict[str, str], bool]]:
    """Runs of header lines (continuations unfolded) in a text, in order, each with whether it comes right
    after a line announcing the returned message. Quoted ("> ") lines never count."""
    blocks: list[tuple[dict[str, str], bool]] = []
    current: dict[str, str] = {}
    last, introduced, recent = "", False, ""
    for line in text.split("\n")[:2000]:
        match = _HEADER_LINE.match(line)
        if match:
            if not current:
                introduced = bool(_RETURNED_INTRO.search(recent))
            last = match.group(1).lower()
            current.setdefault(last, match.group(2).strip())
            continue
        if current and line[:1] in (" ", "\t") and line.strip():
            current[last] = f"{current[last]} {line.strip()}"
            continue
        if current:
            blocks.append((current, introduced))
            current, last = {}, ""
        if line.strip():
            recent = line
    if current:
        blocks.append((current, introduced))
    return blocks


def returned_message_id(message: ParsedEmail) -> str | None:
    """The Message-ID of the mail a bounce returns: from the returned message or its headers (message/rfc822,
    text/rfc822-headers), else from the first block in the text that is a header block: right after a line
    announcing the returned message, or with trace headers (Received, Date...) and From/To/Subject. Never a
    lone "Message-ID:" line in a text."""
    for attachment in message.attachments:
        if attachment.content_type in _ORIGINAL_TYPES and attachment.content:
            headers = BytesHeaderParser(policy=compat32).parsebytes(attachment.content)
            ids = parse_message_ids(headers.get("message-id"))
            if ids:
                return ids[0]
    for block, introduced in _header_blocks(message.text):
        names = set(block)
        if "message-id" not in names:
            continue
        if (introduced and len(names) >= 2) or (names & _TRACE and len(names & _ENVELOPE) >= 2):
            ids = parse_message_ids(block["message-id"])
            if ids:
                return ids[0]
    return None


def verp_recipient(message: ParsedEmail) -> str | None:
    """The first address the mail was delivered to that is one of our VERP return paths (envelope recipient as
    Delivered-To / X-Original-To, else To)."""
    candidates = [message.headers.get("delivered-to", ""), message.headers.get("x-original-to", ""),
                  *(address for _, address in message.to)]
    for candidate in candidates:
        address = candidate.strip().strip("<>").strip()
        if address and verp_token(address) is not None:
            return address
    return None


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
    null_sender = message.headers.get("return-path", "x").strip().strip("<>").strip() == ""
    to_verp = (system_sender or null_sender) and verp_recipient(message) is not None
    if not (failed_header or (system_sender and (subject_hit or text_hit)) or (subject_hit and text_hit) or to_verp):
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
        info.original_message_id = returned_message_id(message)
    return info
