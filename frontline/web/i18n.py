"""Translations and locale formatting for the web UI.

Catalogs are the .po files under frontline/web/locale/<lang>/LC_MESSAGES, compiled in memory at
first use (no build step, no .mo files in the repository). Every `*.po` there is merged, so a feature
can keep its strings in its own file (messages.po holds the core UI). Code marks strings with
`_()` (translated now) or `N_()` (translated later, at render time) so Babel's extractor finds them.
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_datetime
from babel.messages import mofile, pofile

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"

_current: ContextVar[tuple[str, gettext.NullTranslations]] = ContextVar("web_translations")


def catalog_files(language: str) -> list[Path]:
    """The .po files of one language: messages.po first, then feature catalogs by name."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    return sorted(folder.glob("*.po"), key=lambda p: (p.name != "messages.po", p.name))


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of one language (English falls back to the msgids themselves)."""
    files = catalog_files(language)
    if not files:
        return gettext.NullTranslations()
    merged = None
    for path in files:
        with path.open("rb") as fh:
            catalog = pofile.read_po(fh, locale=language)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.id not in merged:
                merged[message.id] = message
    assert merged is not None
    buffer = BytesIO()
    mofile.write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def activate(language: str) -> None:
    """Make `language` the one `_()` translates into, for the current request's context."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _current.set((language, translations(language)))


def current_language() -> str:
    return _current.get((DEFAULT_LANGUAGE, translations(DEFAULT_LANGUAGE)))[0]


def _(message: str, **values: object) -> str:
    """Translate into the current language; `%(name)s` placeholders are filled from `values`."""
    text = _current.get((DEFAULT_LANGUAGE, translations(DEFAULT_LANGUAGE)))[1].gettext(message)
    return text % values if values else text


def N_(message: str) -> str:
    """Mark a string for extraction only; translate it with `_()` where it is shown."""
    return message


def pick_language(user_language: str | None, accept_language: str | None) -> str:
    """The user's own setting first, else the browser's preference, else English."""
    if user_language in LANGUAGES:
        return str(user_language)
    return negotiate(accept_language)


def negotiate(accept_language: str | None) -> str:
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, index, tag.strip().lower().split("-")[0]))
    for _q, _i, language in sorted(weighted):
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_time(value: datetime | None, tz_name: str | None, *, style: str = "medium") -> str:
    """A timestamp in the viewer's time zone and language, e.g. '25 нояб. 2026 г., 10:42'."""
    if value is None:
        return ""
    return format_datetime(value, format=style, tzinfo=zone(tz_name), locale=Locale.parse(current_language()))
