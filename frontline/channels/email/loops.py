"""Mail-loop protection: decide whether a message must never get an automatic reply.

Auto-replying to an auto-reply, a bounce or a mailing list is how two robots end up
mailing each other forever (RFC 3834). The checks are header-only and cheap, so they
can run before anything else touches the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parseaddr

from frontline.channels.email.bounces import detect_bounce
from frontline.channels.email.parsed import AutoInfo, ParsedEmail

__all__ = ["HEADERS_OF_INTEREST", "classify_auto", "detect_bounce"]

HEADERS_OF_INTEREST = (
    "list-id", "list-unsubscribe", "list-post", "auto-submitted", "precedence",
    "x-auto-response-suppress", "x-autoreply", "x-autorespond", "x-autoresponder", "return-path",
    "reply-to", "sender", "delivered-to", "x-original-to", "x-failed-recipients", "content-type",
    "x-loop", "feedback-type",
)
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
_SUPPRESS_VALUES = {"all", "autoreply", "oof"}
_SYSTEM_SENDERS = re.compile(r"^(mailer[-_.]?daemon|postmaster)$", re.IGNORECASE)
_NOREPLY_SENDERS = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|no[-_.]?response|noreply[-_.+].*|.*[-_.+]noreply)$",
    re.IGNORECASE,
)


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    lowered: dict[str, str] = {}
    for key, value in headers.items():
        lowered.setdefault(key.lower(), str(value))
    return lowered


def _sender_of(headers: dict[str, str]) -> str:
    for key in ("from", "sender"):
        address = parseaddr(headers.get(key, ""))[1]
        if address:
            return address
    return ""


def classify_auto(source: Mapping[str, str] | ParsedEmail) -> AutoInfo:
    """Whether we must not auto-reply, with every reason that applies."""
    if isinstance(source, ParsedEmail):
        headers = _lowered(source.headers)
        sender = source.from_[1]
    else:
        headers = _lowered(source)
        sender = _sender_of(headers)
    info = AutoInfo()
    _check_auto_submitted(headers, info)
    _check_list_and_bulk(headers, info)
    _check_autoreply_headers(headers, info)
    _check_sender(sender, headers, info)
    info.is_auto = bool(info.reasons)
    return info


def _check_auto_submitted(headers: dict[str, str], info: AutoInfo) -> None:
    value = headers.get("auto-submitted", "").strip()
    token = value.split(";", 1)[0].strip().lower()
    if token and token != "no":
        info.auto_submitted = token
        info.reasons.append(f"Auto-Submitted: {token}")


def _check_list_and_bulk(headers: dict[str, str], info: AutoInfo) -> None:
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        info.reasons.append(f"Precedence: {precedence}")
    for name in ("list-id", "list-unsubscribe"):
        if headers.get(name, "").strip():
            info.is_list = True
            info.reasons.append(f"{name.title()} header present (mailing list)")


def _check_autoreply_headers(headers: dict[str, str], info: AutoInfo) -> None:
    suppress = {v.strip().lower() for v in re.split(r"[,;\s]+", headers.get("x-auto-response-suppress", ""))}
    hit = sorted(suppress & _SUPPRESS_VALUES)
    if hit:
        info.reasons.append(f"X-Auto-Response-Suppress: {', '.join(hit)}")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        value = headers.get(name, "").strip().lower()
        if value and value not in ("no", "false", "0"):
            info.reasons.append(f"{name.title()} header present")
    if headers.get("x-failed-recipients", "").strip():
        info.reasons.append("X-Failed-Recipients header present (bounce)")
    report = re.search(r"report-type\s*=\s*([\w.-]+)", headers.get("content-type", "").lower().replace('"', ""))
    if report:
        info.reasons.append(f"machine-generated report ({report.group(1)})")


def _check_sender(sender: str, headers: dict[str, str], info: AutoInfo) -> None:
    local = sender.rpartition("@")[0] if "@" in sender else sender
    if local and _SYSTEM_SENDERS.match(local):
        info.reasons.append(f"system sender {sender}")
    elif local and _NOREPLY_SENDERS.match(local):
        info.is_noreply_sender = True
    return_path = headers.get("return-path")
    if return_path is not None and return_path.strip().strip("<>").strip() == "":
        info.reasons.append("empty Return-Path (null sender)")
