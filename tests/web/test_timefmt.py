"""The fast date formatter of the long pages writes exactly what Babel (i18n.format_time) writes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from frontline.web import i18n, timefmt


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("tz_name", ["UTC", "Europe/Moscow", "America/New_York", "Asia/Kolkata", None, "No/Zone"])
def test_same_text_as_babel(language: str, tz_name: str | None) -> None:
    rng = random.Random(f"{language}{tz_name}")
    i18n.activate(language)
    when = timefmt.formatter(tz_name)
    moments = [datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(0, 40 * 365 * 86400))
               for _ in range(300)]
    moments += [datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
                datetime(2026, 1, 1, 0, 0, tzinfo=UTC), datetime(2026, 12, 31, 12, 0, tzinfo=UTC)]
    for style in ("short", "medium", "long", "full", "yyyy-MM-dd HH:mm"):
        for moment in moments:
            assert when(moment, style) == i18n.format_time(moment, tz_name, style=style), (style, moment)
    assert when(None) == ""


def test_russian_month_names_and_user_zone() -> None:
    i18n.activate("ru")
    text = timefmt.formatter("Europe/Moscow")(datetime(2026, 3, 1, 21, 30, tzinfo=UTC))
    assert text.replace("\u202f", " ") == "2 мар. 2026 г., 00:30:00"
