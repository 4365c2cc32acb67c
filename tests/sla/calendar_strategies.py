"""Hypothesis strategies: random calendars in zones with awkward DST, placed near a transition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from frontline.sla.calendar import BusinessCalendar
from frontline.sla.hours import FULL_DAY, DayHours, OpeningInterval
from tests.sla.brute_force import MinuteReference

WINDOW_DAYS_BEFORE = 5
WINDOW_DAYS = 10
MARGIN = timedelta(days=1)  # tested instants stay this far inside the reference window


def _utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# Each zone with instants near its 2024 clock changes (or a plain week where it has none).
ZONE_ANCHORS: dict[str, tuple[datetime, ...]] = {
    "Europe/Berlin": (_utc(2024, 3, 31, 1), _utc(2024, 10, 27, 1)),
    "America/New_York": (_utc(2024, 3, 10, 7), _utc(2024, 11, 3, 6)),
    "Australia/Lord_Howe": (_utc(2024, 4, 6, 15), _utc(2024, 10, 5, 15)),  # 30-minute DST
    "America/Santiago": (_utc(2024, 4, 7, 3), _utc(2024, 9, 8, 4)),  # changes at local midnight
    "Europe/Moscow": (_utc(2024, 6, 10),),
    "Asia/Kathmandu": (_utc(2024, 6, 10),),  # UTC+05:45
    "UTC": (_utc(2024, 12, 30),),
}

# Boundaries near DST changes (01:00-03:00, 23:00-24:00) are over-represented on purpose.
_AWKWARD_MINUTES = st.sampled_from([0, 30, 60, 90, 120, 150, 180, 540, 780, 840, 1080, 1380, 1410, 1440])
_BOUNDARY = st.one_of(_AWKWARD_MINUTES, _AWKWARD_MINUTES, st.integers(0, 1440))


@st.composite
def day_hours(draw: st.DrawFn, boundary: st.SearchStrategy[int] = _BOUNDARY) -> DayHours:
    if draw(st.integers(0, 9)) == 0:
        return FULL_DAY
    points = sorted(draw(st.lists(boundary, max_size=6)))
    pairs = zip(points[::2], points[1::2], strict=False)
    return tuple(OpeningInterval(start, end) for start, end in pairs if start < end)


@dataclass(frozen=True)
class Scenario:
    calendar: BusinessCalendar
    anchor: datetime

    @property
    def window_start(self) -> datetime:
        return self.anchor.replace(hour=0, minute=0) - timedelta(days=WINDOW_DAYS_BEFORE)

    def reference(self) -> MinuteReference:
        return MinuteReference.build(self.calendar, self.window_start, WINDOW_DAYS * 24 * 60)

    def instants(self) -> st.SearchStrategy[datetime]:
        """Whole minutes at least MARGIN inside the reference window, often close to the clock change."""
        first = self.window_start + MARGIN
        span = (WINDOW_DAYS * 24 * 60) - 2 * int(MARGIN.total_seconds() // 60)
        anywhere = st.integers(0, span).map(lambda minutes: first + timedelta(minutes=minutes))
        near_change = st.integers(-12 * 60, 12 * 60).map(lambda minutes: self.anchor + timedelta(minutes=minutes))
        return st.one_of(anywhere, near_change)


def _nearby_dates(anchor: datetime) -> st.SearchStrategy[date]:
    return st.integers(-WINDOW_DAYS_BEFORE, WINDOW_DAYS - WINDOW_DAYS_BEFORE).map(
        lambda offset: anchor.date() + timedelta(days=offset)
    )


@st.composite
def calendars_near(draw: st.DrawFn, zone: str, anchor: datetime) -> BusinessCalendar:
    week = [draw(day_hours()) for _ in range(7)]
    holidays = draw(st.frozensets(_nearby_dates(anchor), max_size=3))
    special = draw(st.dictionaries(_nearby_dates(anchor), day_hours(), max_size=2))
    if draw(st.booleans()):
        # Hours on the day of the clock change with opening or closing times in or near the gap or fold.
        change = anchor.astimezone(ZoneInfo(zone))
        centre = change.hour * 60 + change.minute
        near = st.integers(max(0, centre - 120), min(24 * 60, centre + 120))
        special[change.date()] = draw(day_hours(st.one_of(near, _BOUNDARY)))
    if not any(week) and not any(special.values()):
        week[0] = FULL_DAY  # a calendar must open at some point
    return BusinessCalendar(zone, tuple(week), holidays, tuple(special.items()))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    zone = draw(st.sampled_from(sorted(ZONE_ANCHORS)))
    anchor = draw(st.sampled_from(ZONE_ANCHORS[zone]))
    return Scenario(draw(calendars_near(zone, anchor)), anchor)


def edited(calendar: BusinessCalendar, anchor: datetime, data: st.DataObject) -> BusinessCalendar:
    """Another calendar made by typical edits: weekday hours, a holiday, special hours, maybe the zone."""
    week = list(calendar.weekly_hours)
    week[data.draw(st.integers(0, 6))] = data.draw(day_hours())
    special = {**dict(calendar.special_hours), data.draw(_nearby_dates(anchor)): data.draw(day_hours())}
    if not any(week) and not any(special.values()):
        week[0] = FULL_DAY
    holidays = calendar.holidays | {data.draw(_nearby_dates(anchor))}
    zone = data.draw(st.sampled_from([calendar.timezone, *sorted(ZONE_ANCHORS)]))
    return BusinessCalendar(zone, tuple(week), holidays, tuple(special.items()))
