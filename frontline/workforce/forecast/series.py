"""Contact timestamps to zero-filled interval counts in local time.

Forecasts and staffing work on "contacts per 30 minutes of local time". The grid
is built in absolute time from local midnight, so every interval really lasts
`freq`: on a spring-forward day a zone with DST has 46 half-hours, on a
fall-back day 50. Intervals without contacts are present with a count of zero,
because a missing row and a quiet half-hour mean the same thing to a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeAlias

import numpy as np
import pandas as pd

TimestampsLike: TypeAlias = Iterable[datetime] | np.ndarray | pd.DatetimeIndex


def _to_utc_index(timestamps: TimestampsLike) -> pd.DatetimeIndex:
    """Aware datetimes keep their instant; naive ones and datetime64 are read as UTC."""
    if isinstance(timestamps, pd.DatetimeIndex):
        index = timestamps
    elif isinstance(timestamps, np.ndarray):
        index = pd.DatetimeIndex(timestamps)
    else:
        index = pd.DatetimeIndex(pd.to_datetime(list(timestamps), utc=True))
    index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    return index.as_unit("ns")


def _local_day(moment: pd.Timestamp, tz: str) -> date:
    return moment.tz_convert(tz).date()


def interval_grid(start: date, end: date, *, tz: str, freq: str = "30min") -> pd.DatetimeIndex:
    """Interval starts over local days [start, end), tz-aware in `tz`."""
    if end <= start:
        return pd.DatetimeIndex([], dtype=f"datetime64[ns, {tz}]", name="interval_start")
    first = pd.Timestamp(start).tz_localize(tz)
    last = pd.Timestamp(end).tz_localize(tz)
    return pd.date_range(first, last, freq=freq, inclusive="left", name="interval_start")


def _resolve_range(utc: pd.DatetimeIndex, tz: str, start: date | None, end: date | None) -> tuple[date, date]:
    if start is None:
        start = _local_day(utc.min(), tz) if len(utc) else None
    if end is None:
        end = _local_day(utc.max(), tz) + timedelta(days=1) if len(utc) else None
    if start is None or end is None:
        raise ValueError("no timestamps: pass start and end to build an all-zero series")
    return start, end


def _positions(utc: pd.DatetimeIndex, grid: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Grid position of each timestamp, -1 when outside the grid."""
    if len(grid) == 0:
        return np.full(len(utc), -1)
    step = pd.Timedelta(freq).value
    offsets = utc.asi8 - grid[0].tz_convert("UTC").as_unit("ns").value
    positions = offsets // step
    positions[(offsets < 0) | (positions >= len(grid))] = -1
    return positions


def volume_series(
    timestamps: TimestampsLike,
    *,
    tz: str,
    freq: str = "30min",
    start: date | None = None,
    end: date | None = None,
) -> pd.Series:
    """Contacts per interval over local days [start, end), zero-filled.

    Without start/end the range covers the local days of the first and last
    timestamp; timestamps outside an explicit range are ignored.
    """
    utc = _to_utc_index(timestamps)
    if start is None or end is None:
        start, end = _resolve_range(utc, tz, start, end)
    grid = interval_grid(start, end, tz=tz, freq=freq)
    positions = _positions(utc, grid, freq)
    counts = np.bincount(positions[positions >= 0], minlength=len(grid))[: len(grid)]
    series = pd.Series(counts.astype(float), index=grid, name="contacts")
    series.index.freq = grid.freq
    return series


def volume_series_by_channel(
    timestamps: TimestampsLike,
    channels: Sequence[str],
    *,
    tz: str,
    freq: str = "30min",
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Like `volume_series`, one zero-filled column per channel (sorted by name)."""
    utc = _to_utc_index(timestamps)
    if len(channels) != len(utc):
        raise ValueError("channels must give one channel per timestamp")
    if start is None or end is None:
        start, end = _resolve_range(utc, tz, start, end)
    labels = np.asarray(channels, dtype=object)
    columns = {
        name: volume_series(utc[labels == name], tz=tz, freq=freq, start=start, end=end)
        for name in sorted(set(labels.tolist()))
    }
    grid = interval_grid(start, end, tz=tz, freq=freq)
    return pd.DataFrame(columns, index=grid)
