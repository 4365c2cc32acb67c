"""Run the parser over every real-world message in ../shared/corpus/email.

Expectations are derived independently from the stdlib's policy.default parser
(headers, attachment counts, presence of text) rather than from our own code.
"""

from __future__ import annotations

import functools
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

import pytest

from frontline.channels.email.charsets import looks_like_cyrillic_mojibake
from frontline.channels.email.parse import parse_email
from frontline.channels.email.parsed import ParsedEmail

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "email"
FILES = sorted(CORPUS.glob("*/*.eml")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"email corpus not found at {CORPUS}")


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _norm(text: str) -> str:
    """Whitespace-insensitive: the stdlib keeps spaces between split encoded-words."""
    return "".join(text.split())


def _clean(text: str) -> bool:
    """A stdlib decoding we can trust as reference: no replacement or surrogate chars."""
    return "\ufffd" not in text and not re.search(r"[\ud800-\udfff]", text)


@functools.cache
def _reference(raw: bytes) -> Message | None:
    """Structure as the stdlib sees it (compat32: fast, no header interpretation)."""
    try:
        return BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception:
        return None


@functools.cache
def _reference_headers(raw: bytes) -> Message | None:
    """Headers as the stdlib's modern policy decodes them (RFC 2047, addresses)."""
    try:
        return BytesHeaderParser(policy=policy.default).parsebytes(raw)
    except Exception:
        return None


def _leaves(message: Message) -> list[Message]:
    """Leaf parts, not descending into message/* parts (those count as one attachment)."""
    leaves, stack = [], [message]
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        if part.get_content_maintype() != "message" and part.is_multipart() and isinstance(payload, list):
            stack.extend(p for p in reversed(payload) if isinstance(p, Message))
        else:
            leaves.append(part)
    return leaves


def _is_attachment(part: Message) -> bool:
    content_type = part.get_content_type()
    if part.get_content_maintype() == "multipart":
        return False
    if part.get_content_maintype() == "message":
        return True
    filename = part.get_param("filename", header="content-disposition") or part.get_param("name")
    disposition = str(part.get("content-disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or bool(filename) or content_type not in ("text/plain", "text/html")


def _has_text(part: Message) -> bool:
    payload = part.get_payload(decode=True)
    text = payload.decode("latin-1") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        text = re.sub(r"(?s)<(style|script|head)\b.*?</\1>|<[^>]*>|&nbsp;", " ", text)
    return bool(text.strip())


def _reference_subject(raw: bytes, reference: Message) -> str | None:
    """policy.default is very slow on huge headers; the legacy decoder agrees there."""
    legacy = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)["subject"]
    if legacy is not None and len(str(legacy)) > 20_000:
        return str(make_header(decode_header(str(legacy))))
    subject = reference["subject"]
    return None if subject is None else str(subject)


@pytest.fixture(scope="module")
def parsed() -> dict[Path, ParsedEmail]:
    return {path: parse_email(path.read_bytes()) for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_headers_decoded_like_a_careful_reader(path: Path, parsed: dict[Path, ParsedEmail]) -> None:
    result = parsed[path]
    raw = path.read_bytes()
    for text in (result.subject, result.from_[0], result.from_[1]):
        assert not re.search(r"[\ud800-\udfff]", text), "surrogate escapes leaked"
        assert not looks_like_cyrillic_mojibake(text), f"mojibake: {text!r}"
    reference = _reference_headers(raw)
    if reference is None:
        return
    try:
        subject = _reference_subject(raw, reference)
        senders = getattr(reference["from"], "addresses", ())
    except Exception:
        return
    if subject is not None and _clean(str(subject)):
        assert _norm(result.subject) == _norm(str(subject))
    if senders and _clean(senders[0].addr_spec) and '"' not in senders[0].addr_spec:
        assert result.from_[1].lower() == senders[0].addr_spec.lower()
        if senders[0].display_name and _clean(senders[0].display_name):
            assert _norm(senders[0].display_name) in _norm(result.from_[0])


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_body_and_attachments(path: Path, parsed: dict[Path, ParsedEmail]) -> None:
    result = parsed[path]
    reference = _reference(path.read_bytes())
    if reference is None:
        return
    leaves = _leaves(reference)
    attachments = [p for p in leaves if _is_attachment(p)]
    stdlib_lost_structure = any(p.get_content_maintype() == "multipart" for p in leaves)
    if not stdlib_lost_structure and not any("MIME parts" in w for w in result.warnings):
        assert len(result.attachments) == len(attachments)
    if any(_has_text(p) for p in leaves if not _is_attachment(p)):
        assert result.text.strip(), "source has a text part but no text was extracted"
    for attachment in result.attachments:
        assert attachment.filename and "/" not in attachment.filename and "\\" not in attachment.filename
        assert attachment.too_large or attachment.size == len(attachment.content)


def _is_dsn(raw: bytes) -> bool:
    reference = _reference(raw)
    if reference is None:
        return False
    content_type = str(reference.get("content-type", "")).lower().replace('"', "")
    return "report-type=delivery-status" in content_type or reference.get_content_type() == (
        "message/delivery-status")


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_bounces_detected(path: Path, parsed: dict[Path, ParsedEmail]) -> None:
    result = parsed[path]
    expected = path.name.startswith("bounce_") or _is_dsn(path.read_bytes())
    assert result.is_bounce == expected
    if expected:
        assert result.auto.is_auto
        assert result.bounce.is_permanent != result.bounce.is_delay


def test_known_bounce_details(parsed: dict[Path, ParsedEmail]) -> None:
    by_name = {path.name: result for path, result in parsed.items()}
    zed = by_name["bounce_zed.eml"].bounce
    assert zed.is_permanent and zed.is_standard_dsn and zed.status_codes == ["5.1.1"]
    assert zed.recipients[0].address.endswith("@gmail.com")
    assert zed.original_message_id and zed.original_message_id.startswith("<")
    assert by_name["bounce_no-mx.eml"].bounce.is_delay
    assert by_name["multipart_report_emails_report_422.eml"].bounce.is_delay
    multi = by_name["multipart_report_emails_multi_address_bounce1.eml"].bounce
    assert len(multi.recipients) >= 2


def test_stress_files_do_not_explode(parsed: dict[Path, ParsedEmail]) -> None:
    by_name = {path.name: result for path, result in parsed.items()}
    endless = by_name["enclosed-endless.eml"]
    assert endless.subject and endless.attachments
    torture = by_name["torture.eml"]
    assert torture.subject == "Multi-media mail demonstration"
