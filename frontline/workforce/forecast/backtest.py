"""Rolling-origin back-test of the interval forecast against weekly seasonal naive.

For each origin the model sees only the history before it, forecasts `horizon`
intervals and is scored on what actually happened. MASE divides the mean
absolute error by the in-sample mean absolute error of the weekly seasonal-naive
forecast over the same training window the model was fitted on, so MASE < 1
means "better than copying last week, on average".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsforecast.models import SeasonalNaive

from frontline.workforce.forecast.results import BacktestResult, InsufficientHistoryError, OriginScore
from frontline.workforce.forecast.short_horizon import (
    DEFAULT_FIT_WEEKS,
    DEFAULT_LEVELS,
    MIN_MODEL_WEEKS,
    SIX_WEEKS_OF_HALF_HOURS,
    forecast_intervals,
    periods_per_day,
)


def seasonal_naive_scale(train: np.ndarray, week: int) -> float:
    """In-sample mean absolute error of 'same slot last week'."""
    errors = np.abs(train[week:] - train[:-week])
    return float(errors.mean()) if errors.size else float("nan")


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actuals inside [lower, upper]."""
    return float(np.mean((actual >= lower) & (actual <= upper)))


def _naive_scores(
    train: np.ndarray, actual: np.ndarray, week: int, levels: Sequence[int], scale: float
) -> tuple[float, dict[int, float]]:
    raw = SeasonalNaive(season_length=week).fit(train).predict(len(actual), level=list(levels))
    mase = float(np.mean(np.abs(actual - raw["mean"])) / scale)
    return mase, {level: coverage(actual, raw[f"lo-{level}"], raw[f"hi-{level}"]) for level in levels}


def _origin_positions(points: int, origins: int, horizon: int, step: int, min_train: int) -> list[int]:
    last = points - horizon
    candidates = [last - k * step for k in range(origins)]
    return sorted(position for position in candidates if position >= min_train)


def backtest(
    history: pd.Series,
    *,
    origins: int = 4,
    horizon: int = SIX_WEEKS_OF_HALF_HOURS,
    step: int | None = None,
    levels: Sequence[int] = DEFAULT_LEVELS,
    country: str | None = "RU",
    fit_weeks: int = DEFAULT_FIT_WEEKS,
) -> BacktestResult:
    """Score `forecast_intervals` at up to `origins` origins, `step` intervals apart.

    Origins without at least MIN_MODEL_WEEKS weeks of history before them are
    dropped (and noted); if none remain, InsufficientHistoryError explains why.
    """
    index = pd.DatetimeIndex(history.index)
    per_day = periods_per_day(index) if len(index) > 1 else 1
    week = 7 * per_day
    min_train = MIN_MODEL_WEEKS * week
    positions = _origin_positions(len(history), origins, horizon, step or horizon, min_train)
    if not positions:
        raise InsufficientHistoryError(
            f"{len(history)} intervals cannot hold {MIN_MODEL_WEEKS} weeks of training "
            f"({min_train} intervals) plus a {horizon}-interval test window"
        )
    values = history.to_numpy(dtype=float)
    scores = []
    for position in positions:
        window_start = max(0, position - fit_weeks * week) if fit_weeks > 0 else 0
        train, actual = values[window_start:position], values[position : position + horizon]
        scale = seasonal_naive_scale(train, week)
        if not scale > 0:
            continue
        forecast = forecast_intervals(
            history.iloc[:position], horizon=horizon, levels=levels, country=country, fit_weeks=fit_weeks
        )
        naive_mase, naive_coverage = _naive_scores(train, actual, week, levels, scale)
        scores.append(
            OriginScore(
                origin=index[position],
                train_points=len(train),
                mase=float(np.mean(np.abs(actual - forecast.mean.to_numpy())) / scale),
                naive_mase=naive_mase,
                coverage={
                    level: coverage(actual, forecast.lower[level].to_numpy(), forecast.upper[level].to_numpy())
                    for level in levels
                },
                naive_coverage=naive_coverage,
                fallback=forecast.fallback,
            )
        )
    if not scores:
        raise InsufficientHistoryError("every training window is constant, so MASE is undefined")
    notes = () if len(positions) == origins else (f"only {len(positions)} of {origins} origins fit",)
    return BacktestResult(horizon=horizon, model=forecast.model, origins=tuple(scores), notes=notes)
