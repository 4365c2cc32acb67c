from __future__ import annotations

import pytest

from frontline.channels.email.loops import classify_auto, detect_bounce
from frontline.channels.email.parse import parse_email

HUMAN = {"From": "Ivan <ivan@example.ru>", "Subject": "Help"}


@pytest.mark.parametrize(("header", "value"), [
    ("Auto-Submitted", "auto-replied"),
    ("Auto-Submitted", "auto-generated; owner-email=x@example.com"),
    ("Precedence", "bulk"),
    ("Precedence", "junk"),
    ("Precedence", "list"),
    ("List-Id", "<users.lists.example.com>"),
    ("List-Unsubscribe", "<mailto:leave@lists.example.com>"),
    ("X-Auto-Response-Suppress", "All"),
    ("X-Auto-Response-Suppress", "DR, OOF"),
    ("X-Auto-Response-Suppress", "AutoReply"),
    ("X-Autoreply", "yes"),
    ("X-Autorespond", "Out of office"),
    ("Return-Path", "<>"),
])
def test_each_auto_header_blocks_auto_reply(header: str, value: str) -> None:
    info = classify_auto({**HUMAN, header: value})
    assert info.is_auto
    assert any(header.lower() in reason.lower() for reason in info.reasons), info.reasons


def test_human_mail_is_not_auto() -> None:
    info = classify_auto({**HUMAN, "Auto-Submitted": "no", "Precedence": "normal",
                          "X-Auto-Response-Suppress": "DR, RN"})
    assert not info.is_auto and info.reasons == []


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.com", "postmaster@example.com"])
def test_system_senders_are_auto(sender: str) -> None:
    info = classify_auto({"From": f"Mail System <{sender}>"})
    assert info.is_auto and sender in info.reasons[0]


@pytest.mark.parametrize("sender", ["noreply@shop.example", "no-reply@x.example", "do-not-reply@x.example",
                                    "donotreply@x.example", "billing-noreply@x.example"])
def test_noreply_is_a_soft_flag(sender: str) -> None:
    info = classify_auto({"From": sender})
    assert info.is_noreply_sender and not info.is_auto


def test_list_flag_and_parsed_email_input() -> None:
    raw = b"From: a@example.com\r\nList-Id: <dev.example.com>\r\nSubject: digest\r\n\r\nbody"
    info = classify_auto(parse_email(raw))
    assert info.is_list and info.is_auto


def _dsn(action: str, status: str, *, recipient: str = "gone@example.org") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: support@desk.example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        "--R\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n"
        "--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "--R\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@desk.example.com\r\n"
        "Message-ID: <reply-42@desk.example.com>\r\nSubject: Re: [FL-42] Help\r\n"
        "--R--\r\n"
    ).encode()


def test_permanent_dsn() -> None:
    parsed = parse_email(_dsn("failed", "5.1.1"))
    bounce = parsed.bounce
    assert parsed.is_bounce and bounce.is_standard_dsn and bounce.is_permanent and not bounce.is_delay
    assert bounce.original_message_id == "<reply-42@desk.example.com>"
    assert [(r.address, r.status, r.action) for r in bounce.recipients] == [("gone@example.org", "5.1.1", "failed")]
    assert bounce.recipients[0].diagnostic == "smtp; 550 5.1.1 user unknown"
    assert parsed.auto.is_auto


def test_delayed_dsn_is_not_a_failure() -> None:
    bounce = parse_email(_dsn("delayed", "4.4.7")).bounce
    assert bounce.is_bounce and bounce.is_delay and not bounce.is_permanent


def test_failed_action_with_transient_status_is_final() -> None:
    # The MTA gave up ("Action: failed") even though the reason was transient.
    bounce = parse_email(_dsn("failed", "4.4.7")).bounce
    assert bounce.is_permanent and not bounce.is_delay


def test_success_notification_is_not_a_bounce() -> None:
    assert not parse_email(_dsn("delivered", "2.0.0")).is_bounce


def test_detect_bounce_accepts_raw_bytes() -> None:
    assert detect_bounce(_dsn("failed", "5.2.2")).is_permanent


def test_non_standard_bounce_from_text() -> None:
    raw = (b"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
           b"Subject: Delivery Status Notification (Failure)\r\n\r\n"
           b"Delivery to the following recipient failed permanently:\r\n\r\n     lost@example.net\r\n\r\n"
           b"Technical details of permanent failure:\r\n550 5.1.1 The email account does not exist.\r\n\r\n"
           b"----- Original message -----\r\n\r\nMessage-ID: <orig-7@desk.example.com>\r\nSubject: hi\r\n")
    bounce = parse_email(raw).bounce
    assert bounce.is_bounce and not bounce.is_standard_dsn and bounce.is_permanent
    assert [r.address for r in bounce.recipients] == ["lost@example.net"]
    assert bounce.status_codes == ["5.1.1"]
    assert bounce.original_message_id == "<orig-7@desk.example.com>"


def test_non_standard_delay_warning() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example.com\r\nSubject: Delayed Mail (still being retried)\r\n\r\n"
           b"This is only a warning; the server will continue to try delivering to slow@example.net\r\n")
    bounce = parse_email(raw).bounce
    assert bounce.is_bounce and bounce.is_delay and not bounce.is_permanent


def test_ordinary_mail_mentioning_delivery_is_not_a_bounce() -> None:
    raw = b"From: ivan@example.ru\r\nSubject: My parcel delivery failed\r\n\r\nWhere is my order?"
    assert not parse_email(raw).is_bounce
