"""Issue 12, class 4: short 8-bit text without a declared charset. UTF-8 first, then the mailbox's charsets (an
admin setting), statistical detection only for long text; through the batched intake on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontline.channels.email.charsets import decode_text, fallback_codecs
from frontline.channels.email.models import Mailbox
from frontline.channels.email.schemas import MailboxUpdate
from frontline.channels.email.service import update_mailbox
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from tests.channels.email.fidelity import deliver, stored


def _undeclared(subject: bytes, body: bytes, *, message_id: str) -> bytes:
    """Raw 8-bit subject and body, no MIME headers at all: nothing says which charset the bytes are in."""
    return (b"From: Customer <customer@client.example>\r\nTo: support@desk.example\r\nSubject: " + subject
            + f"\r\nMessage-ID: <{message_id}@client.example>\r\n\r\n".encode() + body + b"\r\n")


def _set_charsets(database: Database, mailbox: Mailbox, labels: list[str]) -> None:
    with database.session() as db:
        box = db.get(Mailbox, mailbox.id)
        assert box is not None
        update_mailbox(db, box, MailboxUpdate(fallback_charsets=labels))


# (sample, codec it was written in, the mailbox's charsets or None for the default list)
SAMPLES = {
    "german_windows_1252": ("Grüße", "cp1252", None),
    "german_umlauts_only": ("äöüß", "cp1252", None),
    "german_sentence": ("Schöne Grüße aus Köln", "cp1252", None),
    "czech_windows_1250": ("Dobrý den, děkuji", "cp1250", ["windows-1250", "iso-8859-2"]),
    "czech_iso_8859_2": ("Příliš žluťoučký kůň", "iso8859-2", ["windows-1250", "iso-8859-2"]),
    "czech_windows_1250_default_list": ("Příliš žluťoučký kůň", "cp1250", None),
    "russian_windows_1251": ("Привет", "cp1251", None),
    "russian_koi8_r": ("Привет", "koi8-r", None),
    "russian_koi8_r_russian_desk": ("Всё", "koi8-r", ["windows-1251", "koi8-r"]),
    "russian_windows_1251_russian_desk": ("Всё", "cp1251", ["windows-1251", "koi8-r"]),
    "japanese_shift_jis_japanese_desk": ("お世話になります", "shift_jis", ["shift_jis", "euc-jp"]),
    "japanese_euc_jp_japanese_desk": ("お世話になります", "euc_jp", ["shift_jis", "euc-jp"]),
    "japanese_shift_jis_default_list": ("こんにちは", "shift_jis", None),
    "japanese_iso_2022_jp": ("こんにちは", "iso2022_jp", None),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_short_undeclared_text_reads_right_through_the_intake(
        name: str, database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    sample, codec, labels = SAMPLES[name]
    if labels is not None:
        _set_charsets(database, mailbox, labels)
    data = sample.encode(codec)
    [result] = deliver(database, email_settings, mailbox, _undeclared(data, data, message_id=name))
    mail = stored(database, result)
    assert result.status == "new_ticket"
    assert mail.ticket is not None and mail.ticket.subject == sample
    assert mail.message is not None and mail.message.body_text == sample
    assert mail.raw.from_address == "customer@client.example"
    assert all("cp1006" not in w and "big5" not in w for w in mail.meta["warnings"]), mail.meta["warnings"]


def test_the_mailbox_setting_decides_between_tables_that_both_read(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    """"Dobrý den, děkuji" in windows-1250 is also plausible windows-1252 ("dìkuji"): the desk's list decides."""
    data = "Dobrý den, děkuji".encode("cp1250")
    [western] = deliver(database, email_settings, mailbox, _undeclared(b"Dotaz", data, message_id="cz-1"))
    assert stored(database, western).message.body_text == "Dobrý den, dìkuji"  # type: ignore[union-attr]
    _set_charsets(database, mailbox, ["windows-1250"])
    [czech] = deliver(database, email_settings, mailbox, _undeclared(b"Dotaz", data, message_id="cz-2"))
    assert stored(database, czech).message.body_text == "Dobrý den, děkuji"  # type: ignore[union-attr]


def test_statistical_detection_only_for_long_text() -> None:
    """Eight Greek letters are not enough for a detector (Latin tables read them too): a Greek desk names its
    table; a long Greek text is recognised without one."""
    short = "Καλημέρα".encode("cp1253")
    assert decode_text(short, None, fallbacks=fallback_codecs("windows-1253")).text == "Καλημέρα"
    long = ("Καλημέρα σας, το πρόβλημα με τον εκτυπωτή παραμένει μετά την επανεκκίνηση. " * 3).encode("cp1253")
    decoded = decode_text(long, None)
    assert decoded.text.startswith("Καλημέρα σας") and "windows-1253" in (decoded.warning or "")


def test_utf8_always_comes_first() -> None:
    assert decode_text("Grüße".encode(), None, fallbacks=fallback_codecs("koi8-r")).text == "Grüße"


def test_mailbox_charsets_through_the_api(client: TestClient, desk: Any, mailbox: Mailbox) -> None:
    headers = desk.admin.headers
    shown = client.get("/api/v1/mailboxes/support", headers=headers).json()
    assert shown["fallback_charsets"] == ["windows-1252", "windows-1251", "koi8-r"]
    changed = client.patch("/api/v1/mailboxes/support", headers=headers,
                           json={"fallback_charsets": ["KOI8-R", "windows-1251"]})
    assert changed.status_code == 200 and changed.json()["fallback_charsets"] == ["koi8-r", "windows-1251"]
    bad = client.patch("/api/v1/mailboxes/support", headers=headers, json={"fallback_charsets": ["klingon-8"]})
    assert bad.status_code == 422 and "klingon-8" in bad.text
    empty = client.patch("/api/v1/mailboxes/support", headers=headers, json={"fallback_charsets": []})
    assert empty.status_code == 422
    assert fallback_codecs("koi8-r, windows-1251, nonsense") == ("koi8-r", "cp1251")
