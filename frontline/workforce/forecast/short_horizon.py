"""Interval-level (e.g. 30-minute) forecasts for the next weeks, for staffing.

Model: statsforecast MSTL with the weekly season (one week of intervals) and an
AutoETS trend model, fitted on the square root of the counts of the most recent
`fit_weeks` weeks. Choices, measured on the synthetic desk (see
docs/workforce-forecast.md):

* weekly season only: the weekly pattern already contains the daily one, and
  MSTL's daily component forecasts "the last day repeated", which carries the
  last day's weekday/weekend shape into every future day (worse MASE, 2x slower);
* square root: Poisson-like counts get a roughly constant variance, so the
  intervals are narrow at night and wide at the peak; the mean is de-biased by
  the remainder variance when squaring back;
* recent window: MSTL cost grows with the history and old weeks add little;
* holidays are cleaned before and re-applied after fitting (calendar.py), and
  outage spikes are capped at the same-slot weekly median, since neither can be
  learned from a seasonal pattern.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsforecast.models import MSTL, AutoETS, HistoricAverage, SeasonalNaive

from frontline.workforce.forecast.calendar import clean_holidays, holiday_mask
from frontline.workforce.forecast.results import EmptyHistoryError, Forecast

DEFAULT_LEVELS = (80, 95)
SIX_WEEKS_OF_HALF_HOURS = 2016
MIN_MODEL_WEEKS = 3
DEFAULT_FIT_WEEKS = 16
SPIKE_THRESHOLD_SQRT = 2.0  # about 4 Poisson standard deviations on the sqrt scale

RawForecast = dict[str, np.ndarray]


def periods_per_day(index: pd.DatetimeIndex) -> int:
    """Intervals per day from the index spacing (48 for 30 minutes)."""
    step = index.freq.nanos if index.freq is not None else (index[1] - index[0]).value
    per_day = pd.Timedelta(days=1).value // step
    if per_day < 1 or pd.Timedelta(days=1).value % step:
        raise ValueError("interval length must divide a day evenly")
    return int(per_day)


def future_index(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """The `horizon` intervals right after the history, same spacing and zone."""
    step = index.freq if index.freq is not None else pd.Timedelta(index[1] - index[0])
    return pd.date_range(index[-1] + step, periods=horizon, freq=step, name=index.name)


def cap_outages(values: np.ndarray, week: int) -> np.ndarray:
    """Cap values far above the median of the same weekly slot (one-off outage surges)."""
    weeks = -(-len(values) // week)
    padded = np.full(weeks * week, np.nan)
    padded[weeks * week - len(values) :] = values
    baseline = np.tile(np.nanmedian(padded.reshape(weeks, week), axis=0), weeks)[-len(values) :]
    surge = np.sqrt(values) - np.sqrt(baseline) > SPIKE_THRESHOLD_SQRT
    return np.where(surge, baseline, values)


def fit_mstl(values: np.ndarray, week: int, horizon: int, levels: Sequence[int]) -> RawForecast:
    """MSTL + AutoETS on sqrt counts; returns mean and bounds on the count scale."""
    model = MSTL(season_length=[week], trend_forecaster=AutoETS(model="ZZN")).fit(np.sqrt(values))
    raw = model.predict(horizon, level=list(levels))
    bias = float(np.var(model.model_["remainder"].to_numpy()))
    result = {"mean": np.maximum(raw["mean"], 0) ** 2 + bias}
    for level in levels:
        for side in ("lo", "hi"):
            result[f"{side}-{level}"] = np.maximum(raw[f"{side}-{level}"], 0) ** 2
    return result


def fit_fallback(values: np.ndarray, season: int, horizon: int, levels: Sequence[int]) -> RawForecast:
    """Seasonal naive with `season` > 1, else the historic average."""
    model = SeasonalNaive(season_length=season) if season > 1 else HistoricAverage()
    raw = model.fit(values).predict(horizon, level=list(levels))
    mean = np.asarray(raw["mean"], dtype=float)
    result = {"mean": np.maximum(mean, 0)}
    for level in levels:
        for side in ("lo", "hi"):
            bound = np.asarray(raw[f"{side}-{level}"], dtype=float)
            result[f"{side}-{level}"] = np.maximum(np.where(np.isnan(bound), mean, bound), 0)
    return result


def _fallback_choice(points: int, per_day: int) -> tuple[int, str]:
    week = 7 * per_day
    days = points / per_day
    need = f"the MSTL model needs at least {MIN_MODEL_WEEKS * 7} days for weekly seasonality"
    if points >= week:
        return week, f"only {days:.1f} days of history; {need}; using weekly seasonal naive"
    if points >= per_day:
        return per_day, f"only {days:.1f} days of history; {need}; using daily seasonal naive"
    return 1, f"only {points} intervals of history (less than a day); {need}; using the mean"


def _to_forecast(raw: RawForecast, index: pd.DatetimeIndex, levels: Sequence[int], **provenance: object) -> Forecast:
    def series(key: str) -> pd.Series:
        return pd.Series(raw[key], index=index, name=key)

    return Forecast(
        mean=series("mean"),
        lower={level: series(f"lo-{level}") for level in levels},
        upper={level: series(f"hi-{level}") for level in levels},
        **provenance,  # type: ignore[arg-type]
    )


def forecast_intervals(
    history: pd.Series,
    *,
    horizon: int = SIX_WEEKS_OF_HALF_HOURS,
    levels: Sequence[int] = DEFAULT_LEVELS,
    country: str | None = "RU",
    fit_weeks: int = DEFAULT_FIT_WEEKS,
) -> Forecast:
    """Forecast the next `horizon` intervals of a zero-filled, tz-aware count series."""
    if len(history) == 0:
        raise EmptyHistoryError("no history: at least one interval of counts is needed to forecast")
    index = pd.DatetimeIndex(history.index)
    per_day = periods_per_day(index) if len(index) > 1 else 1
    week = 7 * per_day
    recent = history.iloc[-fit_weeks * week :] if fit_weeks > 0 else history
    cleaning = clean_holidays(recent, country=country, week=week)
    future = future_index(index, horizon) if len(index) > 1 else _single_step_future(index, horizon)
    notes = [f"holiday ratio {cleaning.ratio:.2f} ({cleaning.ratio_source})"]
    raw, model_name, reason = _fit_with_fallback(cleaning.values, per_day, horizon, levels)
    on_holiday = holiday_mask(future, country)
    for key in raw:
        raw[key] = np.where(on_holiday, raw[key] * cleaning.ratio, raw[key])
    if on_holiday.any():
        notes.append(f"{int(on_holiday.sum())} future intervals on public holidays scaled down")
    return _to_forecast(
        raw, future, levels, model=model_name, fallback=reason is not None, reason=reason, notes=tuple(notes)
    )


def _single_step_future(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    """A one-interval history has no spacing; assume 30 minutes."""
    return pd.date_range(index[-1] + pd.Timedelta(minutes=30), periods=horizon, freq="30min")


def _fit_with_fallback(
    values: np.ndarray, per_day: int, horizon: int, levels: Sequence[int]
) -> tuple[RawForecast, str, str | None]:
    week = 7 * per_day
    if not values.any():
        return fit_fallback(values, 1, horizon, levels), "HistoricAverage", "history has no contacts"
    if len(values) >= MIN_MODEL_WEEKS * week:
        try:
            capped = cap_outages(values, week)
            return fit_mstl(capped, week, horizon, levels), f"MSTL({week})+AutoETS on sqrt", None
        except (ValueError, np.linalg.LinAlgError) as error:
            season, reason = week, f"MSTL failed ({error}); using weekly seasonal naive"
    else:
        season, reason = _fallback_choice(len(values), per_day)
    name = f"SeasonalNaive({season})" if season > 1 else "HistoricAverage"
    return fit_fallback(values, season, horizon, levels), name, reason
