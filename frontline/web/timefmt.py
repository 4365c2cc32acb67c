"""Fast timestamps for long pages: Babel's output, without Babel's per-call cost.

`babel.dates.format_datetime` costs 20-30 µs a call here, which is 5 ms for a 200-message timeline. The
patterns of a language and style are looked up once; each value then fills the few fields those
patterns use. Fields this module does not know are left to Babel, so the text is always Babel's
(tests/web/test_timefmt.py compares both over many instants, languages and styles).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Literal, cast
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimeFormat, get_date_format, get_datetime_format, get_time_format

from frontline.web import i18n

_FIELD = re.compile(r"%\((\w+)\)s")
Formatter = Callable[[datetime], str]


def _fields(locale: Locale) -> dict[str, Callable[[datetime], str]]:
    months = locale.months["format"]["abbreviated"]
    periods = locale.day_periods["format"]["abbreviated"]
    return {
        "d": lambda v: str(v.day), "dd": lambda v: f"{v.day:02d}",
        "M": lambda v: str(v.month), "MM": lambda v: f"{v.month:02d}", "MMM": lambda v: months[v.month],
        "y": lambda v: str(v.year), "yyyy": lambda v: f"{v.year:04d}", "yy": lambda v: f"{v.year % 100:02d}",
        "H": lambda v: str(v.hour), "HH": lambda v: f"{v.hour:02d}",
        "h": lambda v: str(v.hour % 12 or 12), "hh": lambda v: f"{v.hour % 12 or 12:02d}",
        "mm": lambda v: f"{v.minute:02d}", "ss": lambda v: f"{v.second:02d}",
        "a": lambda v: periods["pm" if v.hour >= 12 else "am"],
    }


Style = Literal["full", "long", "medium", "short"]
STYLES: tuple[Style, ...] = ("full", "long", "medium", "short")


@cache
def _pattern(language: str, style: Style) -> tuple[str, list[tuple[str, Callable[[datetime], str] | None]], Locale]:
    """The combined date-time pattern as a %-format and, per field, its fast filler (None: ask Babel)."""
    locale = Locale.parse(language)
    date_format = str(get_date_format(style, locale=locale).format)
    time_format = str(get_time_format(style, locale=locale).format)
    combined = str(get_datetime_format(style, locale=locale)).replace("'", "")
    template = combined.replace("{0}", time_format).replace("{1}", date_format)
    known = _fields(locale)
    fields = [(name, known.get(name)) for name in dict.fromkeys(_FIELD.findall(template))]
    return template, fields, locale


@cache
def _zone(name: str | None) -> ZoneInfo:
    return i18n.zone(name)


def formatter(tz_name: str | None) -> Callable[..., str]:
    """`when(value, style)` for templates: the text of i18n.format_time, for the current language."""
    zone = _zone(tz_name)
    language = i18n.current_language()

    def when(value: datetime | None, style: str = "medium") -> str:
        if value is None:
            return ""
        if style not in STYLES:  # a pattern of its own: Babel's general path
            return i18n.format_time(value, tz_name, style=style)
        template, fields, locale = _pattern(language, cast(Style, style))
        local = value.astimezone(zone)
        babel: DateTimeFormat | None = None
        values = {}
        for name, fill in fields:
            if fill is None:
                babel = babel or DateTimeFormat(local, locale)
                values[name] = babel[name]
            else:
                values[name] = fill(local)
        return template % values

    return when
