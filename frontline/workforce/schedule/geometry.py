"""Solver-side arithmetic on shift templates: minutes, night minutes, intervals.

Integer minute arithmetic relative to the start day's midnight; the checker does
the same sums its own way (with datetimes), which is the point of having both.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontline.workforce.schedule.model import (
    INTERVAL_MINUTES,
    INTERVALS_PER_DAY,
    LabourRules,
    NightWindow,
    ShiftKind,
    ShiftTemplate,
)

DAY_MINUTES = 24 * 60


def _night_segments(window: NightWindow) -> list[tuple[int, int]]:
    """Night as [from, to) minute ranges within one day."""
    start = window.start.hour * 60 + window.start.minute
    end = window.end.hour * 60 + window.end.minute
    if start == end:
        return []
    if start < end:
        return [(start, end)]
    return [(0, end), (start, DAY_MINUTES)]


def night_minutes(start_minute: int, length_minutes: int, window: NightWindow) -> int:
    """Minutes of [start, start+length) that fall into the night window on any day."""
    stop = start_minute + length_minutes
    total = 0
    for day_offset in range(0, stop // DAY_MINUTES + 1):
        base = day_offset * DAY_MINUTES
        for seg_from, seg_to in _night_segments(window):
            total += max(0, min(stop, base + seg_to) - max(start_minute, base + seg_from))
    return total


@dataclass(frozen=True)
class ShiftGeometry:
    """What the CP model needs to know about one template."""

    template: ShiftTemplate
    start: int
    end: int
    night_minutes: int
    is_night: bool

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def first_interval(self) -> int:
        return self.start // INTERVAL_MINUTES

    @property
    def interval_count(self) -> int:
        return self.length // INTERVAL_MINUTES

    def covered_intervals(self, day_index: int, num_intervals: int) -> range:
        """Global interval indices covered when starting on `day_index`, clipped to the horizon."""
        first = day_index * INTERVALS_PER_DAY + self.first_interval
        return range(first, min(first + self.interval_count, num_intervals))


def shift_geometry(template: ShiftTemplate, rules: LabourRules) -> ShiftGeometry:
    start = template.start_minute
    night = night_minutes(start, template.length_minutes, rules.night_window)
    is_night = template.kind == ShiftKind.NIGHT or night >= rules.night_shift_min_minutes
    return ShiftGeometry(template, start, start + template.length_minutes, night, is_night)


def gap_minutes(first: ShiftGeometry, second: ShiftGeometry, day_gap: int) -> int:
    """Rest between `first` on day d and `second` on day d+day_gap (negative = overlap).

    For the same day the earlier-starting shift comes first.
    """
    second_start = day_gap * DAY_MINUTES + second.start
    second_end = day_gap * DAY_MINUTES + second.end
    if second_start >= first.start:
        return second_start - first.end
    return first.start - second_end
