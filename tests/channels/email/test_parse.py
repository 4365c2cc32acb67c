"""Targeted messages built here, one per parser promise."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.channels.email.mime_walk import MAX_DEPTH, MAX_PARTS
from frontline.channels.email.parse import parse_email

RUSSIAN = "Здравствуйте! Не могу войти в личный кабинет, пишет что пароль неверный."


def _message(headers: str, body: bytes) -> bytes:
    return headers.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


def _multipart(subtype: str, parts: list[bytes], boundary: str = "BOUNDARY") -> bytes:
    out = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return out + b"--" + boundary.encode() + b"--\r\n"


HEAD = "From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Hello\nMIME-Version: 1.0\n"


def test_windows_1251_body_mislabelled_as_latin1() -> None:
    raw = _message(HEAD + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit",
                   RUSSIAN.encode("cp1251"))
    parsed = parse_email(raw)
    assert parsed.text == RUSSIAN
    assert any("windows-1251" in w for w in parsed.warnings)


def test_koi8r_body_mislabelled_as_us_ascii() -> None:
    raw = _message(HEAD + "Content-Type: text/plain; charset=us-ascii", RUSSIAN.encode("koi8-r"))
    parsed = parse_email(raw)
    assert parsed.text == RUSSIAN
    assert any("koi8-r" in w for w in parsed.warnings)


def test_undeclared_utf8_in_8bit_headers() -> None:
    raw = ("From: Иван Петров <ivan@example.ru>\nTo: Служба поддержки <support@example.com>\n"
           "Subject: Не работает вход\n\nтекст").replace("\n", "\r\n").encode()
    parsed = parse_email(raw)
    assert parsed.subject == "Не работает вход"
    assert parsed.from_ == ("Иван Петров", "ivan@example.ru")
    assert parsed.to == [("Служба поддержки", "support@example.com")]
    assert parsed.text == "текст"


def test_cp1251_8bit_header_without_declaration() -> None:
    raw = b"From: " + "Иван Петров".encode("cp1251") + b" <ivan@example.ru>\r\nSubject: " + \
        "Счёт на оплату".encode("cp1251") + b"\r\n\r\nbody"
    parsed = parse_email(raw)
    assert parsed.subject == "Счёт на оплату"
    assert parsed.from_[0] == "Иван Петров"
    assert any("windows-1251" in w for w in parsed.warnings)


def test_encoded_words_split_inside_a_character_and_broken_padding() -> None:
    word = "Привет".encode()
    first, second = base64.b64encode(word[:3]).decode(), base64.b64encode(word[3:]).decode().rstrip("=")
    raw = _message(f"Subject: =?UTF-8?B?{first}?= =?UTF-8?B?{second}?= =?utf-8?q?_=D0=BC=D0=B8=D1=80?=",
                   b"x")
    assert parse_email(raw).subject == "Привет мир"


def test_headers_dates_and_ids() -> None:
    raw = _message(HEAD + "Date: Mon, 01 Jan 2024 10:00:00 +0300\nMessage-ID: <abc@example.ru>\n"
                   "In-Reply-To: <t1@desk.example.com>\nReferences: <t0@desk.example.com> <t1@desk.example.com>\n"
                   "Reply-To: Ivan Work <ivan@work.example>\nCc: a@example.com, \"Doe, J\" <j@example.com>",
                   b"hi")
    parsed = parse_email(raw)
    assert parsed.date == datetime(2024, 1, 1, 7, 0, tzinfo=UTC)
    assert parsed.message_id == "<abc@example.ru>"
    assert parsed.in_reply_to == ["<t1@desk.example.com>"]
    assert parsed.references == ["<t0@desk.example.com>", "<t1@desk.example.com>"]
    assert parsed.reply_to == [("Ivan Work", "ivan@work.example")]
    assert parsed.cc == [("", "a@example.com"), ("Doe, J", "j@example.com")]


def test_rfc2231_russian_filename() -> None:
    attachment = (b"Content-Type: application/pdf\r\n"
                  b"Content-Disposition: attachment; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82.pdf\r\n"
                  b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"%PDF-1.4 data"))
    body = b"Content-Type: text/plain; charset=utf-8\r\n\r\nSee attached"
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY",
                   _multipart("mixed", [body, attachment]))
    parsed = parse_email(raw)
    assert [a.filename for a in parsed.attachments] == ["Счёт.pdf"]
    assert parsed.attachments[0].content == b"%PDF-1.4 data"
    assert parsed.text == "See attached"


def test_rfc2231_continuations_and_encoded_word_names() -> None:
    first = (b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n"
             b" filename*0*=utf-8''%D0%94%D0%BE%D0%B3;\r\n filename*1*=%D0%BE%D0%B2%D0%BE%D1%80.docx\r\n\r\nx")
    second = (b"Content-Type: image/png; name=\"=?UTF-8?B?0YTQvtGC0L4ucG5n?=\"\r\n"
              b"Content-Disposition: attachment\r\n\r\ny")
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY", _multipart("mixed", [first, second]))
    assert [a.filename for a in parse_email(raw).attachments] == ["Договор.docx", "фото.png"]


def test_hostile_filename_is_sanitised_and_missing_name_gets_fallback() -> None:
    evil = b"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"../../etc/pa\x01sswd\"\r\n\r\nx"
    nameless = b"Content-Type: image/png\r\nContent-Disposition: attachment\r\n\r\ny"
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY", _multipart("mixed", [evil, nameless]))
    names = [a.filename for a in parse_email(raw).attachments]
    assert names == ["pa sswd", "image.png"]


def test_html_only_mail_is_sanitised_and_rendered_as_text() -> None:
    html = (b"<html><head><style>p{color:red}</style><script>steal()</script></head><body>"
            b"<p onclick=\"x()\">Hello <b>team</b>,</p><p>Line one<br>Line two</p>"
            b"<ul><li>first</li><li>second</li></ul>"
            b"<a href=\"javascript:alert(1)\">bad</a> <a href=\"https://example.com/help\">help page</a>"
            b"<img src=x onerror=\"alert(1)\"><img src=\"http://tracker.example/p.gif\">"
            b"<div style=\"position:fixed;top:0;color:blue;background:url(http://x/y.png)\">styled</div>"
            b"<form action=\"https://evil\"><input name=p></form><iframe src=\"https://evil\"></iframe>"
            b"</body></html>")
    raw = _message(HEAD + "Content-Type: text/html; charset=utf-8", html)
    parsed = parse_email(raw)
    assert parsed.html is not None
    for forbidden in ("<script", "steal()", "onclick", "onerror", "javascript:", "<form", "<input",
                      "<iframe", "position", "url(", "tracker.example", "<style"):
        assert forbidden not in parsed.html
    assert 'rel="noopener noreferrer"' in parsed.html and "color: blue" in parsed.html
    assert parsed.text == ("Hello team,\n\nLine one\nLine two\n\n- first\n- second\n\n"
                           "bad help page (https://example.com/help)\nstyled")
    assert "steal" not in parsed.text and "color:red" not in parsed.text


def test_alternative_prefers_plain_text_and_keeps_html() -> None:
    plain = b"Content-Type: text/plain; charset=utf-8\r\n\r\nPlain version"
    html = b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>HTML version</p>"
    raw = _message(HEAD + "Content-Type: multipart/alternative; boundary=BOUNDARY",
                   _multipart("alternative", [plain, html]))
    parsed = parse_email(raw)
    assert parsed.text == "Plain version"
    assert parsed.html == "<p>HTML version</p>"


def test_cid_inline_image_kept_with_content_id() -> None:
    html = b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Logo: <img src=\"cid:logo123@x\"></p>"
    image = (b"Content-Type: image/png\r\nContent-ID: <logo123@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             + base64.b64encode(b"\x89PNG fake"))
    raw = _message(HEAD + "Content-Type: multipart/related; boundary=BOUNDARY", _multipart("related", [html, image]))
    parsed = parse_email(raw)
    assert parsed.html is not None and 'src="cid:logo123@x"' in parsed.html
    [logo] = parsed.attachments
    assert (logo.content_id, logo.is_inline, logo.content) == ("logo123@x", True, b"\x89PNG fake")
    assert logo.filename == "image.png"


def test_calendar_invite_and_winmail_dat_are_attachments() -> None:
    plain = b"Content-Type: text/plain\r\n\r\nYou are invited"
    invite = b"Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR"
    tnef = (b"Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(b"\x78\x9f\x3e\x22"))
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY",
                   _multipart("mixed", [plain, invite, tnef]))
    parsed = parse_email(raw)
    assert parsed.text == "You are invited"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("invite.ics", "text/calendar"), ("winmail.dat", "application/ms-tnef")]
    assert parsed.attachments[1].content == b"\x78\x9f\x3e\x22"


def test_oversized_attachment_flagged_and_dropped() -> None:
    big = b"Content-Type: application/zip; name=big.zip\r\n\r\n" + b"z" * 5000
    small = b"Content-Type: application/zip; name=small.zip\r\n\r\n" + b"s" * 100
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY", _multipart("mixed", [big, small]))
    parsed = parse_email(raw, max_attachment_bytes=1000)
    big_part, small_part = parsed.attachments
    assert big_part.too_large and big_part.content == b"" and big_part.size == 5000
    assert not small_part.too_large and small_part.content == b"s" * 100
    assert any("big.zip" in w for w in parsed.warnings)
    assert parse_email(raw, max_attachment_bytes=10_000, max_total_bytes=5050).attachments[1].too_large


def test_forwarded_message_attached_as_eml() -> None:
    inner = b"From: a@example.com\r\nSubject: Original\r\nMessage-ID: <orig@x>\r\n\r\nInner text"
    raw = _message(HEAD + "Content-Type: message/rfc822", inner)
    parsed = parse_email(raw)
    [eml] = parsed.attachments
    assert eml.filename == "Original.eml" and b"Inner text" in eml.content
    assert parsed.text == "Inner text"  # attachment-only forward shows the forwarded text


def _nested(depth: int) -> bytes:
    head = "".join(f"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n" for i in range(depth))
    return ("Subject: deep\r\n" + head + "Content-Type: text/plain\r\n\r\ninnermost\r\n").encode()


def test_deep_nesting_is_cut_at_the_depth_limit() -> None:
    parsed = parse_email(_nested(MAX_DEPTH + 20))
    assert parsed.subject == "deep"
    assert any("nesting" in w for w in parsed.warnings)


def test_nesting_too_deep_for_the_stdlib_degrades_to_headers_and_text() -> None:
    parsed = parse_email(_nested(2000))
    assert parsed.subject == "deep" and parsed.has_parse_errors
    assert parsed.text == "innermost"


def test_part_count_limit() -> None:
    parts = [b"Content-Type: application/octet-stream; name=f.bin\r\n\r\nx"] * (MAX_PARTS + 10)
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY", _multipart("mixed", parts))
    parsed = parse_email(raw)
    assert len(parsed.attachments) < MAX_PARTS
    assert any("MIME parts" in w for w in parsed.warnings)


def test_quoted_printable_and_broken_base64() -> None:
    qp = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" \
         b"Caf=C3=A9 au lait, tr=C3=A8s =\r\nbien"
    b64 = (b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.b64encode("Привет".encode()).rstrip(b"=") + b"\r\n!!")
    raw = _message(HEAD + "Content-Type: multipart/mixed; boundary=BOUNDARY", _multipart("mixed", [qp, b64]))
    assert parse_email(raw).text == "Café au lait, très bien\n\nПривет"


def test_visible_text_strips_the_quoted_reply() -> None:
    body = (b"Thanks, it works now.\n\nOn Mon, 1 Jan 2024 at 10:00, Support <support@example.com> wrote:\n"
            b"> Please restart the app.\n")
    parsed = parse_email(_message(HEAD + "Content-Type: text/plain; charset=utf-8", body))
    assert parsed.visible_text == "Thanks, it works now."
    assert "> Please restart the app." in parsed.text


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert isinstance(parsed.warnings, list)
    assert all(not 0xD800 <= ord(ch) <= 0xDFFF for ch in parsed.subject + parsed.text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    b"Content-Type: multipart/mixed; boundary=X\r\n", b"--X\r\n", b"--X--\r\n", b"\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"Subject: =?utf-8?B?0J/Rgg?=\r\n", b"\xff\xfe\xd0",
    b"Content-Type: message/rfc822\r\n", b"Content-Disposition: attachment; filename*=x''%ZZ\r\n",
    b"hello world\r\n", b"=?koi8-r?Q?=F0=D2=C9?=\r\n",
]), max_size=40))
def test_mime_shaped_garbage_never_raises(chunks: list[bytes]) -> None:
    parsed = parse_email(b"".join(chunks))
    assert all(not 0xD800 <= ord(ch) <= 0xDFFF for ch in parsed.subject + parsed.text)


def test_gmail_html_reply_quote_is_stripped() -> None:
    html = (b'<div dir="ltr">Still broken, sorry.</div><br><div class="gmail_quote"><div class="gmail_attr">'
            b'On Mon, Jan 1, 2024 at 10:00 AM Support &lt;<a href="mailto:s@x.com">s@x.com</a>&gt; wrote:<br>'
            b'</div><blockquote class="gmail_quote">Try again</blockquote></div>')
    parsed = parse_email(_message(HEAD + "Content-Type: text/html; charset=utf-8", html))
    assert parsed.visible_text == "Still broken, sorry."
    assert parsed.text.endswith("> Try again")


def test_no_nul_in_header_maps_either() -> None:
    raw = (b"From: jo\x00hn <john doe@client.example>\r\nTo: support@desk.example\r\nSubject: Hi\x00\r\n"
           b"List-Id: <news\x00.client.example>\r\nAuto-Submitted: no\x00\r\n\r\nBody\x00 text\r\n")
    parsed = parse_email(raw)
    assert parsed.headers["list-id"] == "<news.client.example>" and parsed.headers["auto-submitted"] == "no"
    assert parsed.subject == "Hi" and parsed.text == "Body text"
    assert parsed.salvaged and not any("\x00" in k + v for k, v in parsed.salvaged.items())
