"""Repair a header block before the stdlib parser sees it, so junk around the headers does not lose them.

The stdlib stops reading headers at the first line that is not one: a message that starts with an export
banner ("---- Original email message ----"), a quoted mbox line (">From ..."), a blank line or a byte-order
mark has no headers at all, so no sender and nobody to reply to; an address list continued on a line
without leading whitespace ends the headers in the middle. `repair_headers` skips leading lines that are not
headers when real headers follow, folds stray continuation lines back into the header above, and splits
well-known headers that were run together onto one line. Mail whose header block is sound is returned as it
is (the common case costs one scan of the block).
"""

from __future__ import annotations

import re

_HEADER = re.compile(rb"^([!-9;-~]{1,76})[ \t]*:")
_NAME = re.compile(rb"[A-Za-z0-9-]+")
_KNOWN = {
    b"from", b"to", b"cc", b"bcc", b"subject", b"date", b"message-id", b"reply-to", b"in-reply-to",
    b"references", b"sender", b"return-path", b"received", b"mime-version", b"content-type",
    b"content-transfer-encoding", b"content-disposition", b"delivered-to", b"x-original-to", b"user-agent",
    b"x-mailer", b"dkim-signature", b"authentication-results", b"list-id", b"list-unsubscribe", b"precedence",
    b"auto-submitted", b"thread-topic", b"thread-index", b"importance", b"x-priority", b"organization",
}
# headers that get split off a line they were run into, with what their value must look like
_RUN_TOGETHER = re.compile(
    rb"(?<=[ \t>])(From|To|Cc|Subject|Date|Message-ID|Reply-To|MIME-Version|Content-Type|Return-Path):[ \t]",
    re.IGNORECASE,
)
_VALUE_CHECK = {
    b"from": re.compile(rb"@"), b"to": re.compile(rb"@"), b"cc": re.compile(rb"@"), b"reply-to": re.compile(rb"@"),
    b"return-path": re.compile(rb"<[^>]*>|@"), b"message-id": re.compile(rb"<[^<>\s]+@[^<>\s]+>"),
    b"date": re.compile(rb"\d{1,2}\s+\w{3}\s+\d{4}|\d{4}-\d{2}-\d{2}"), b"mime-version": re.compile(rb"^\s*1\.0"),
    b"content-type": re.compile(rb"^\s*[\w.+-]+/[\w.+-]+"), b"subject": re.compile(rb"\S"),
}
MAX_JUNK_LINES = 10
BLOCK_LIMIT = 256 * 1024


def _is_header(line: bytes) -> bool:
    return _HEADER.match(line) is not None


def _header_name(line: bytes) -> bytes:
    match = _HEADER.match(line)
    return match.group(1).strip().lower() if match else b""


def _known(line: bytes) -> bool:
    name = _header_name(line)
    return name in _KNOWN or name.startswith(b"x-")


def _header_start(lines: list[bytes]) -> int | None:
    """Index of the line where a real header block starts (at most MAX_JUNK_LINES junk lines before it)."""
    for index, line in enumerate(lines[: MAX_JUNK_LINES + 1]):
        if not _is_header(line):
            continue
        window = [x for x in lines[index : index + 8] if x.strip()]
        headers = [x for x in window if _is_header(x) or x[:1] in (b" ", b"\t")]
        if _known(line) and len([x for x in headers if _known(x)]) >= min(2, len(window)):
            return index
    return None


def _split_run_together(line: bytes, present: set[bytes]) -> list[bytes]:
    """`From: a@x.example Subject: Hi` -> two header lines, when the second header is missing on its own."""
    pieces: list[bytes] = []
    rest = line
    while True:
        found = None
        own = _HEADER.match(rest)
        for match in _RUN_TOGETHER.finditer(rest, own.end() if own else 0):
            name = match.group(1).lower()
            following = rest[match.end():]
            value = following if name == b"date" else following.split(b":", 1)[0]
            check = _VALUE_CHECK.get(name)
            if name not in present and check is not None and check.search(value):
                found = match
                break
        if found is None:
            pieces.append(rest)
            return pieces
        present.add(found.group(1).lower())
        pieces.append(rest[: found.start()].rstrip())
        rest = rest[found.start():]


def _repair_block(lines: list[bytes], notes: list[str]) -> list[bytes]:
    """Stray continuation lines folded back, run-together headers split."""
    present = {_header_name(line) for line in lines if _is_header(line)}
    last_header = max((i for i, line in enumerate(lines) if _is_header(line) and _known(line)), default=-1)
    repaired: list[bytes] = []
    folded = split = False
    for index, line in enumerate(lines):
        if index and not _is_header(line) and line[:1] not in (b" ", b"\t") and index < last_header:
            repaired.append(b" " + line)
            folded = True
            continue
        pieces = _split_run_together(line, present) if _is_header(line) else [line]
        split = split or len(pieces) > 1
        repaired.extend(pieces)
    if folded:
        notes.append("header lines continued without leading whitespace were joined")
    if split:
        notes.append("headers run together on one line were separated")
    return repaired


def repair_headers(raw: bytes) -> tuple[bytes, list[str]]:
    """The message with a usable header block, and what was repaired (empty when nothing was)."""
    head = raw[:BLOCK_LIMIT]
    if head.startswith(b"\xef\xbb\xbf"):
        head, raw = head[3:], raw[3:]
    newline = b"\r\n" if b"\r\n" in head[:2048] else b"\n"
    lines = head.split(newline)
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    if end and _is_header(lines[0]) and all(_is_header(x) or x[:1] in (b" ", b"\t") for x in lines[1:end]) \
            and not any(_RUN_TOGETHER.search(x) for x in lines[:end]):
        return raw, []
    notes: list[str] = []
    start = _header_start(lines)
    if start is None:
        return raw, []
    if start:
        junk = [x for x in lines[:start] if x.strip()]
        if junk and not (len(junk) == 1 and junk[0].startswith(b"From ")):
            notes.append(f"skipped {len(junk)} line(s) before the headers that were not headers")
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    block = _repair_block(lines[start:end], notes)
    rest = newline.join(lines[end:])
    body = raw[len(head):]
    return newline.join(block) + (newline + rest if end < len(lines) else b"") + body, notes
