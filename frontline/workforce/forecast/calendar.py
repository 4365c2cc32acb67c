"""Public holidays in interval and daily series.

Holidays are rare, date-bound and very low-volume; a seasonal model would treat
them as noise and smear the dip into ordinary weeks. So the history is
"cleaned" (each holiday replaced by the same weekday of a nearby ordinary week)
before fitting, and the forecast is scaled down afterwards on future holidays
by the ratio observed on past holidays. Without past holidays the ratio falls
back to the Sunday/weekday ratio, since a holiday behaves most like a Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from frontline.workforce.arrivals import public_holidays

REFERENCE_WEEKS = 4
DEFAULT_HOLIDAY_RATIO = 0.5


@dataclass(frozen=True)
class HolidayCleaning:
    """Cleaned values plus the actual/normal volume ratio seen on holidays."""

    values: np.ndarray
    holiday_mask: np.ndarray
    ratio: float
    ratio_source: str


def local_dates(index: pd.DatetimeIndex) -> np.ndarray:
    """Local calendar date of each timestamp (index must be tz-aware local time)."""
    return np.asarray(index.date)


def holiday_mask(index: pd.DatetimeIndex, country: str | None) -> np.ndarray:
    """True where the local date of the timestamp is a public holiday."""
    if country is None or len(index) == 0:
        return np.zeros(len(index), dtype=bool)
    days = local_dates(index)
    holiday_set = public_holidays(country, days[0], days[-1] + timedelta(days=1))
    return np.array([day in holiday_set for day in days], dtype=bool)


def _same_weekday_reference(values: np.ndarray, mask: np.ndarray, week: int) -> np.ndarray:
    """Value at the nearest non-holiday position whole weeks away (back first), else NaN."""
    reference = np.full(len(values), np.nan)
    for direction in (-1, 1):
        for weeks in range(1, REFERENCE_WEEKS + 1):
            shift = direction * weeks * week
            source = np.arange(len(values)) + shift
            usable = (source >= 0) & (source < len(values)) & np.isnan(reference)
            usable[usable] &= ~mask[source[usable]]
            reference[usable] = values[source[usable]]
    return reference


def _sunday_ratio(values: np.ndarray, index: pd.DatetimeIndex, mask: np.ndarray) -> float | None:
    weekday = np.asarray(index.dayofweek)
    sunday = values[(weekday == 6) & ~mask].sum() / max(1, np.count_nonzero((weekday == 6) & ~mask))
    workday = values[(weekday < 5) & ~mask].sum() / max(1, np.count_nonzero((weekday < 5) & ~mask))
    return float(sunday / workday) if workday > 0 and sunday > 0 else None


def clean_holidays(series: pd.Series, *, country: str | None, week: int) -> HolidayCleaning:
    """Replace holiday values by same-weekday references; measure the holiday ratio.

    `week` is the number of positions in one week (336 for 30-minute data, 7 for daily).
    """
    values = series.to_numpy(dtype=float)
    index = pd.DatetimeIndex(series.index)
    mask = holiday_mask(index, country)
    reference = _same_weekday_reference(values, mask, week)
    replaceable = mask & ~np.isnan(reference)
    cleaned = np.where(replaceable, reference, values)
    normal = reference[replaceable].sum()
    if normal > 0:
        ratio = float(values[replaceable].sum() / normal)
        return HolidayCleaning(cleaned, mask, ratio, f"{int(replaceable.sum())} holiday positions in history")
    sunday = _sunday_ratio(values, index, mask)
    if sunday is not None:
        return HolidayCleaning(cleaned, mask, sunday, "no holidays in history: Sunday/workday ratio")
    return HolidayCleaning(cleaned, mask, DEFAULT_HOLIDAY_RATIO, "no holidays or Sundays: default ratio")
