from __future__ import annotations

import pytest

from frontline.channels.email.quotes import split_reply, visible_text

CASES = {
    "gmail_en_wrapped": (
        "Thanks, that fixed it!\n\nOn Mon, Jan 1, 2024 at 10:00 AM Support Team <\n"
        "support@example.com> wrote:\n> Please try again\n> Regards",
        "Thanks, that fixed it!",
    ),
    "russian_v_pishet": (
        "Добрый день, проблема осталась.\n\nВ понедельник, 1 января 2024, 10:00 +03:00 от Поддержка "
        "<support@example.com> пишет:\n> Попробуйте перезайти",
        "Добрый день, проблема осталась.",
    ),
    "russian_gmail": (
        "Спасибо!\n\nпн, 1 янв. 2024 г. в 10:00, Поддержка <support@example.com>:\n> Попробуйте ещё раз",
        "Спасибо!",
    ),
    "outlook_original_message_en": (
        "See my answer above.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: Re: x\n\nold",
        "See my answer above.",
    ),
    "outlook_original_message_ru": (
        "Ответ выше.\n\n-----Исходное сообщение-----\nОт: Поддержка\nОтправлено: 1 января\nТема: x\n\nстарое",
        "Ответ выше.",
    ),
    "outlook_from_sent_block": (
        "Hi,\nstill broken.\n________________________________\nFrom: Support <support@example.com>\n"
        "Sent: Monday, January 1, 2024 10:00 AM\nTo: John\nSubject: Re: issue\n\nold text",
        "Hi,\nstill broken.",
    ),
    "outlook_ru_block_without_rule": (
        "Не работает.\n\nОт: Поддержка <support@example.com>\nОтправлено: 1 января 2024 г.\nКому: Иван\n"
        "Тема: проблема\n\nстарое",
        "Не работает.",
    ),
    "trailing_gt_block": ("Yes please.\n\n> Do you want a refund?\n> Reply yes or no.", "Yes please."),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reply_headers_cut(name: str) -> None:
    text, expected = CASES[name]
    assert visible_text(text) == expected


def test_signature_after_delimiter_is_split_off() -> None:
    split = split_reply("Works now, thanks.\n\n-- \nJohn Doe\nACME Corp\n+1 555 0100")
    assert split.visible == "Works now, thanks."
    assert split.signature.startswith("-- \nJohn Doe")


@pytest.mark.parametrize("line", ["Sent from my iPhone", "Отправлено с iPhone", "Get Outlook for Android",
                                  "Sent from my Samsung Galaxy smartphone."])
def test_mobile_signatures(line: str) -> None:
    split = split_reply(f"Please call me back.\n\n{line}")
    assert split.visible == "Please call me back."
    assert split.signature == line


def test_inline_replies_are_kept() -> None:
    text = "> Which version?\n2.3.1\n> Which OS?\nLinux"
    assert visible_text(text) == text


def test_conservative_when_everything_would_be_removed() -> None:
    text = "> only quoted text\n> nothing new"
    assert visible_text(text) == text
    assert visible_text("On Monday Bob wrote:\n> hi") == "On Monday Bob wrote:\n> hi"


def test_plain_sentences_with_wrote_are_not_cut() -> None:
    text = "Here is what my colleague wrote:\nthe server is down since morning."
    assert visible_text(text) == text


def test_quoted_part_is_returned() -> None:
    split = split_reply("New text\n\nOn Tue, 2 Jan 2024, Bob <b@example.com> wrote:\n> old")
    assert split.quoted.endswith("> old")


def test_header_directly_after_the_reply_line() -> None:
    text = "Still broken, sorry.\nOn Mon, Jan 1, 2024 at 10:00 AM Support <s@x.com> wrote:\n\n> Try again"
    assert visible_text(text) == "Still broken, sorry."
