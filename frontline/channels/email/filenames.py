"""Attachment file names: RFC 2231 / RFC 2047 / raw 8-bit decoding, then sanitising.

Names come from untrusted senders and end up in download headers and on agents'
disks, so path separators, control characters and reserved characters are removed.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from email.message import Message
from email.utils import unquote

from frontline.channels.email.charsets import DEFAULT_FALLBACKS, decode_text
from frontline.channels.email.headers import decode_header_value

_RESERVED = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_MAX_NAME = 180
_FALLBACK_NAMES = {
    "message/rfc822": "message.eml",
    "message/global": "message.eml",
    "text/calendar": "invite.ics",
    "application/ics": "invite.ics",
    "application/ms-tnef": "winmail.dat",
    "application/vnd.ms-tnef": "winmail.dat",
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "text/rfc822-headers": "headers.txt",
    "message/feedback-report": "feedback-report.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "application/pgp-signature": "signature.asc",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "text/plain": "attachment.txt",
    "text/html": "attachment.html",
}


def _param_text(part: Message, name: str, header: str, warnings: list[str], charsets: Sequence[str]) -> str | None:
    try:
        value = part.get_param(name, None, header)
    except Exception:  # malformed parameter lists
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        charset, _language, encoded = value
        try:
            data = bytes(unquote(encoded), "raw-unicode-escape")
        except (UnicodeEncodeError, ValueError):
            data = unquote(encoded).encode("utf-8", "surrogateescape")
        decoded = decode_text(data, charset or None, fallbacks=charsets, warn_undeclared_utf8=False)
        if decoded.warning:
            warnings.append(f"filename: {decoded.warning}")
        return decoded.text
    return decode_header_value(str(value), warnings, charsets=charsets)


def raw_filename(part: Message, warnings: list[str], charsets: Sequence[str] = DEFAULT_FALLBACKS) -> str | None:
    """Decoded name from Content-Disposition filename, else Content-Type name."""
    for name, header in (("filename", "content-disposition"), ("name", "content-type")):
        text = _param_text(part, name, header, warnings, charsets)
        if text and text.strip():
            return text.strip()
    return None


def sanitize_filename(name: str | None, content_type: str) -> str:
    """A safe, non-empty file name; falls back to a name derived from the content type."""
    cleaned = ""
    if name:
        base = re.split(r"[/\\]", name)[-1]
        cleaned = _RESERVED.sub("_", base).strip().lstrip(".").strip()
    if not cleaned or set(cleaned) <= {"_", " "}:
        return fallback_filename(content_type)
    if len(cleaned) <= _MAX_NAME:
        return cleaned
    stem, dot, ext = cleaned.rpartition(".")
    if dot and 0 < len(ext) <= 10:
        return stem[: _MAX_NAME - len(ext) - 1] + "." + ext
    return cleaned[:_MAX_NAME]


def fallback_filename(content_type: str) -> str:
    if content_type in _FALLBACK_NAMES:
        return _FALLBACK_NAMES[content_type]
    major = content_type.split("/", 1)[0]
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    return f"{major if major in ('image', 'audio', 'video') else 'attachment'}{extension}"
