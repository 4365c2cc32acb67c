from __future__ import annotations

import pytest

from frontline.channels.email.parse import parse_email
from frontline.channels.email.threading_keys import (
    ThreadKeyConfig,
    extract_our_message_ids,
    extract_reply_token,
    extract_thread_keys,
    extract_ticket_numbers,
    strip_reply_prefixes,
)


@pytest.mark.parametrize(("subject", "numbers"), [
    ("[FL-10042] Cannot log in", [10042]),
    ("Re: [FL-10042] Cannot log in", [10042]),
    ("AW: Fwd: RE: [fl-7] x", [7]),
    ("Ответ: [FL-10042] Не могу войти", [10042]),
    ("Re: [FL-1] and [FL-2] merged [FL-1]", [1, 2]),
    ("[ FL - 55 ] spaced", [55]),
    ("FL-10042 without brackets", []),
    ("[XX-10042] other desk", []),
])
def test_ticket_numbers(subject: str, numbers: list[int]) -> None:
    assert extract_ticket_numbers(subject) == numbers


def test_ticket_prefix_is_configurable() -> None:
    assert extract_ticket_numbers("Re: [HELP#12] x", prefix="HELP") == [12]


def test_strip_reply_prefixes() -> None:
    assert strip_reply_prefixes("Re: AW: Ответ: Fwd: RE[2]: Hello") == "Hello"
    assert strip_reply_prefixes("Regarding: x") == "Regarding: x"


def test_our_message_ids_by_domain_or_pattern() -> None:
    ids = ["<abc@gmail.com>", "<t42.r7@desk.example.com>", "<other@DESK.EXAMPLE.COM>"]
    assert extract_our_message_ids(ids, domain="desk.example.com") == [
        "<t42.r7@desk.example.com>", "<other@DESK.EXAMPLE.COM>"]
    assert extract_our_message_ids(ids, pattern=r"^t\d+\.r\d+@") == ["<t42.r7@desk.example.com>"]


@pytest.mark.parametrize(("address", "token"), [
    ("support+t.ABC123@example.com", "ABC123"),
    ("<support+t.ABC123@example.com>", "ABC123"),
    ("support+other+t.XYZ@example.com", "XYZ"),
    ("support@example.com", None),
    ("support+t.@example.com", None),
    ("support+news@example.com", None),
])
def test_reply_token_with_prefix(address: str, token: str | None) -> None:
    assert extract_reply_token(address) == token


def test_reply_token_with_pattern() -> None:
    assert extract_reply_token("help+r-9f8e7d@ex.com", pattern=r"r-([0-9a-f]{6})") == "9f8e7d"
    assert extract_reply_token("help+r-zzz@ex.com", pattern=r"r-([0-9a-f]{6})") is None


def test_all_keys_from_a_parsed_message() -> None:
    raw = (b"From: ivan@example.ru\r\nTo: Support <support+t.TOK1@desk.example.com>\r\n"
           b"Cc: other@example.ru\r\nSubject: Re: [FL-77] Help\r\n"
           b"In-Reply-To: <m2@desk.example.com>\r\nReferences: <m1@desk.example.com> <x@gmail.com> "
           b"<m2@desk.example.com>\r\n\r\nthanks")
    keys = extract_thread_keys(parse_email(raw), ThreadKeyConfig(message_id_domain="desk.example.com"))
    assert keys.ticket_numbers == [77]
    assert keys.reply_tokens == ["TOK1"]
    assert keys.message_ids == ["<m2@desk.example.com>", "<m1@desk.example.com>"]
