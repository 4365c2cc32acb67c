"""Content-Transfer-Encoding decoding that tolerates what real mailers send.

Labels like "7-bit", "base64;" or "Quoted-Printable " and base64 with broken padding
are common; decoding must degrade to the raw bytes rather than fail.
"""

from __future__ import annotations

import binascii
import quopri
import re

from frontline.channels.email.headers import decode_base64_lenient, raw_bytes

_QP_SOFT_BREAK_WITH_SPACE = re.compile(rb"=[ \t]+(\r?\n)")


def transfer_kind(label: str | None) -> str:
    """Normalise a Content-Transfer-Encoding label to base64/qp/uuencode/identity."""
    text = (label or "").strip().lower()
    if "base64" in text:
        return "base64"
    if "quoted" in text or text == "qp":
        return "qp"
    if "uu" in text:
        return "uuencode"
    return "identity"


def decode_transfer(payload: str | bytes, label: str | None) -> tuple[bytes, str | None]:
    """Decoded bytes plus a warning when the encoding was broken."""
    data = raw_bytes(payload) if isinstance(payload, str) else payload
    kind = transfer_kind(label)
    known = {"", "7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "uuencode"}
    note = None
    if (label or "").strip().lower() not in known:
        note = f"unusual Content-Transfer-Encoding '{(label or '').strip()}' treated as {kind}"
    try:
        if kind == "base64":
            return decode_base64_lenient(data), note
        if kind == "qp":
            return quopri.decodestring(_QP_SOFT_BREAK_WITH_SPACE.sub(rb"=\1", data)), note
        if kind == "uuencode":
            return _decode_uu(data), note
    except (binascii.Error, ValueError) as error:
        return data, f"could not decode {kind} content ({error}); kept raw bytes"
    return data, note


def _decode_uu(data: bytes) -> bytes:
    out = bytearray()
    started = False
    for line in data.splitlines():
        if not started:
            started = line.startswith(b"begin ")
            continue
        if line.strip() in (b"end", b"`", b""):
            if line.strip() == b"end":
                break
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            nbytes = (((line[0] - 32) & 63) * 4 + 5) // 3
            out += binascii.a2b_uu(line[:nbytes])
    return bytes(out)
