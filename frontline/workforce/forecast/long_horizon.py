"""Weekly or monthly volume for the next year, for hiring plans.

The series modelled is the holiday-free "normal daily level" of each complete
period: its holiday-cleaned total divided by the sum of its days' weekday
weights. That removes the two calendar effects a trend model cannot learn from
a year or two of data (months of 28-31 days with different weekday mixes, and
holidays moving between weeks), so AutoETS only has to find level and trend.
Future totals are the forecast level times the future period's own weekday
weights, with public holidays weighted by the historical holiday ratio.
Annual seasonality is only modelled for monthly data with at least three years.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from statsforecast.models import AutoETS, HistoricAverage

from frontline.workforce.arrivals import public_holidays
from frontline.workforce.forecast.calendar import clean_holidays
from frontline.workforce.forecast.results import EmptyHistoryError, Forecast
from frontline.workforce.forecast.short_horizon import DEFAULT_LEVELS, periods_per_day

Period = Literal["W", "M"]
DEFAULT_HORIZON = {"W": 52, "M": 12}
MIN_PERIODS = {"W": 12, "M": 12}
PERIOD_FREQ = {"W": "W-MON", "M": "MS"}
FALLBACK_WINDOW = 8
MIN_DAY_SHARE = 0.9  # a day with fewer intervals than this share is a partial day


def period_start(day: date, period: Period) -> date:
    return day - timedelta(days=day.weekday()) if period == "W" else day.replace(day=1)


def _next_period(start: date, period: Period) -> date:
    if period == "W":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def daily_totals(history: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Totals per local date (naive daily index) and whether each day was fully observed."""
    index = pd.DatetimeIndex(history.index)
    per_day = periods_per_day(index) if len(index) > 1 else 1
    days = pd.DatetimeIndex(pd.to_datetime(np.asarray(index.date)))
    grouped = history.groupby(days)
    totals = grouped.sum().astype(float)
    complete = grouped.size().to_numpy() >= MIN_DAY_SHARE * per_day
    totals.index = pd.DatetimeIndex(totals.index, name="day")
    return totals, complete


def weekday_weights(cleaned: np.ndarray, days: pd.DatetimeIndex, complete: np.ndarray) -> np.ndarray:
    """Relative volume of each weekday (mean 1); all 1 until every weekday was seen twice."""
    weekday = np.asarray(days.dayofweek)
    if np.bincount(weekday[complete], minlength=7).min() < 2:
        return np.ones(7)
    means = np.array(
        [cleaned[complete & (weekday == d)].mean() if (complete & (weekday == d)).any() else np.nan for d in range(7)]
    )
    overall = np.nanmean(means)
    if not overall > 0:
        return np.ones(7)
    return np.where(np.isnan(means), 1.0, means / overall)


def _period_levels(
    cleaned: np.ndarray, days: pd.DatetimeIndex, complete: np.ndarray, weights: np.ndarray, period: Period
) -> pd.Series:
    """Normal daily level of each fully observed period."""
    frame = pd.DataFrame(
        {
            "start": [period_start(day, period) for day in days.date],
            "volume": cleaned,
            "weight": weights[np.asarray(days.dayofweek)],
            "complete": complete,
        }
    )
    grouped = frame.groupby("start")
    stats = grouped.agg(volume=("volume", "sum"), weight=("weight", "sum"), days=("complete", "sum"))
    lengths = [(_next_period(start, period) - start).days for start in stats.index]
    full = stats[stats["days"].to_numpy() == np.array(lengths)]
    return pd.Series(full["volume"] / full["weight"], index=pd.DatetimeIndex(full.index))


def _future_multipliers(
    starts: Sequence[date], period: Period, weights: np.ndarray, ratio: float, country: str | None
) -> np.ndarray:
    """Sum of weekday weights in each future period, holidays weighted by `ratio`."""
    end = _next_period(starts[-1], period)
    holiday_set = public_holidays(country, starts[0], end) if country else frozenset()
    multipliers = []
    for start in starts:
        stop, day, total = _next_period(start, period), start, 0.0
        while day < stop:
            total += weights[day.weekday()] * (ratio if day in holiday_set else 1.0)
            day += timedelta(days=1)
        multipliers.append(total)
    return np.array(multipliers)


def _fit_levels(levels: pd.Series, period: Period, steps: int, intervals: Sequence[int]) -> dict:
    season = 12 if period == "M" and len(levels) >= 36 else 1
    model = AutoETS(model="ZZZ" if season > 1 else "ZZN", season_length=season)
    return model.fit(levels.to_numpy(dtype=float)).predict(steps, level=list(intervals))


def _fallback_levels(levels: pd.Series, steps: int, intervals: Sequence[int]) -> dict:
    recent = levels.to_numpy(dtype=float)[-FALLBACK_WINDOW:]
    raw = HistoricAverage().fit(recent).predict(steps, level=list(intervals))
    return {key: np.where(np.isnan(value), raw["mean"], value) for key, value in raw.items()}


def _future_starts(levels: pd.Series, last_day: date, period: Period, steps: int) -> list[date]:
    """Periods right after the last complete one (or the one holding the last day)."""
    if levels.empty:
        first = period_start(last_day, period)
    else:
        first = _next_period(pd.Timestamp(levels.index[-1]).date(), period)
    starts = [first]
    while len(starts) < steps:
        starts.append(_next_period(starts[-1], period))
    return starts


def _fallback_reason(available: int, period: Period) -> str | None:
    needed = MIN_PERIODS[period]
    if available >= needed:
        return None
    unit = "weeks" if period == "W" else "months"
    return (
        f"only {available} complete {unit} of history; a trend model needs at least {needed}; "
        f"using the average level of the last {FALLBACK_WINDOW} at most"
    )


def forecast_periods(
    history: pd.Series,
    *,
    period: Period = "W",
    horizon: int | None = None,
    levels: Sequence[int] = DEFAULT_LEVELS,
    country: str | None = "RU",
) -> Forecast:
    """Total contacts per week (Monday start) or calendar month.

    Forecast periods start right after the last fully observed period.
    """
    if len(history) == 0 or float(history.sum()) == 0.0:
        raise EmptyHistoryError("no contacts in the history: a long-horizon forecast needs some volume")
    steps = horizon or DEFAULT_HORIZON[period]
    totals, complete = daily_totals(history)
    cleaning = clean_holidays(totals, country=country, week=7)
    days = pd.DatetimeIndex(totals.index)
    weights = weekday_weights(cleaning.values, days, complete)
    period_levels = _period_levels(cleaning.values, days, complete, weights, period)
    starts = _future_starts(period_levels, days[-1].date(), period, steps)
    reason = _fallback_reason(len(period_levels), period)
    if reason is None:
        raw, model = _fit_levels(period_levels, period, steps, levels), "AutoETS on daily level"
    else:
        if period_levels.empty:
            per_day = cleaning.values / weights[np.asarray(days.dayofweek)]
            period_levels = pd.Series(per_day[complete] if complete.any() else per_day)
        raw, model = _fallback_levels(period_levels, steps, levels), "HistoricAverage of recent levels"
    scale = _future_multipliers(starts, period, weights, cleaning.ratio, country)
    index = pd.DatetimeIndex(pd.to_datetime(starts), name="period_start")

    def series(key: str) -> pd.Series:
        return pd.Series(np.maximum(np.asarray(raw[key], dtype=float), 0) * scale, index=index, name=key)

    return Forecast(
        mean=series("mean"),
        lower={level: series(f"lo-{level}") for level in levels},
        upper={level: series(f"hi-{level}") for level in levels},
        model=model,
        fallback=reason is not None,
        reason=reason,
        notes=(f"holiday ratio {cleaning.ratio:.2f} ({cleaning.ratio_source})",),
    )
