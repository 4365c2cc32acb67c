"""Catalog completeness, language negotiation and locale formatting."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.messages.pofile import read_po

from frontline.web import i18n
from frontline.web.catalog import extract_msgids


def _catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in i18n.catalog_files(language):
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and isinstance(m.id, str):
                    merged.setdefault(m.id, m.string)
    return merged


def test_every_ui_string_has_a_russian_translation() -> None:
    used = extract_msgids()
    russian = _catalog("ru")
    assert len(used) > 150
    untranslated = {m: where for m, where in used.items() if not russian.get(m)}
    assert not untranslated, f"add Russian translations to frontline/web/locale/ru: {untranslated}"
    english = _catalog("en")
    assert not set(used) - set(english), "refresh the .po files in frontline/web/locale/en/LC_MESSAGES"


def test_placeholders_survive_translation() -> None:
    for msgid, text in _catalog("ru").items():
        assert sorted(part for part in msgid.split("%(")[1:]) == sorted(part for part in text.split("%(")[1:]) or \
            {p.split(")")[0] for p in msgid.split("%(")[1:]} == {p.split(")")[0] for p in text.split("%(")[1:]}, msgid


def test_negotiation_prefers_user_then_browser() -> None:
    assert i18n.pick_language("ru", "en") == "ru"
    assert i18n.pick_language(None, "de-DE, ru;q=0.8, en;q=0.5") == "ru"
    assert i18n.pick_language("fr", "fr, de") == "en"
    assert i18n.negotiate("en;q=0.2, ru;q=0.9") == "ru"


def _plain(text: str) -> str:
    """CLDR puts (narrow) no-break spaces in dates; compare with ordinary ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_dates_in_user_time_zone_and_language() -> None:
    moment = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)
    i18n.activate("ru")
    assert _plain(i18n.format_time(moment, "Europe/Moscow")) == "2 мар. 2026 г., 00:30:00"
    i18n.activate("en")
    assert _plain(i18n.format_time(moment, "America/New_York", style="short")) == "3/1/26, 4:30 PM"
    assert _plain(i18n.format_time(moment, "No/Such_Zone", style="short")) == "3/1/26, 9:30 PM"
