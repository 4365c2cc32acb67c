"""From interval history to a staffing requirement on the schedule's wall-clock grid.

Pure (no database): history.py feeds it, service.py, the API, the pages and the CLI call it.

* Forecast: one statsforecast model for the total volume (one fit instead of one per channel, and
  small channels are too sparse to model alone), split into channels by their share of each
  half-hour of the week in the last weeks of history.
* Staffing: real-time channels (phone, chat, telegram) are pooled into one "live" Erlang C queue,
  the others into one deferred workload with a first-response target; agents are multi-skilled, so
  pooling is what a team of generalists really does. Shrinkage is applied to the sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from frontline.workforce.erlang import ServiceTarget
from frontline.workforce.forecast import Forecast, forecast_intervals, interval_grid
from frontline.workforce.schedule import Horizon, ShiftKind, ShiftTemplate
from frontline.workforce.staffing import PlanInterval, RealTimeChannel, staff_plan
from frontline.workforce.staffing_backlog import DeferredChannel

REAL_TIME_CHANNELS = frozenset({"phone", "chat", "telegram"})
SLOTS_PER_WEEK = 7 * 48
SHARE_WEEKS = 8
SHARE_PRIOR = 5.0  # pseudo-contacts pulling a sparse slot's channel mix towards the overall mix

DEFAULT_TEMPLATES: tuple[ShiftTemplate, ...] = (
    ShiftTemplate("early", time(7, 0), 8 * 60, ShiftKind.DAY),
    ShiftTemplate("day", time(9, 0), 8 * 60, ShiftKind.DAY),
    ShiftTemplate("evening", time(14, 0), 8 * 60, ShiftKind.EVENING),
    ShiftTemplate("late", time(16, 0), 8 * 60, ShiftKind.EVENING),
    ShiftTemplate("night", time(22, 0), 8 * 60, ShiftKind.NIGHT),
    ShiftTemplate("long-day", time(8, 0), 12 * 60, ShiftKind.TWELVE_HOUR),
    ShiftTemplate("midday", time(11, 0), 4 * 60, ShiftKind.PART_TIME),
)


@dataclass(frozen=True)
class PlanOptions:
    """Targets and what-if factors of one planning run."""

    service_level: float = 0.8
    answer_seconds: float = 20.0
    shrinkage: float = 0.3
    first_response_hours: float = 4.0
    volume_factor: float = 1.0
    aht_factor: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.service_level < 1:
            raise ValueError("service level must be between 0 and 1")
        if not 0 <= self.shrinkage < 1:
            raise ValueError("shrinkage must be at least 0 and below 1")
        if self.answer_seconds <= 0 or self.first_response_hours <= 0:
            raise ValueError("answer time and first-response target must be positive")
        if self.volume_factor <= 0 or self.aht_factor <= 0:
            raise ValueError("what-if factors must be positive")


@dataclass(frozen=True)
class VolumeForecast:
    """Total forecast plus the channel mix per half-hour of the week."""

    history: pd.Series
    forecast: Forecast
    shares: pd.DataFrame  # index 0..335 (local weekday*48 + slot), columns = channels

    def wall_clock(self, horizon: Horizon, tz: str) -> pd.DataFrame:
        """Forecast mean per channel on the horizon's grid (48 wall-clock slots a day, local naive)."""
        total = on_wall_clock(self.forecast.mean, horizon, tz)
        slots = slot_of_week(pd.DatetimeIndex(total.index))
        return pd.DataFrame({c: total.to_numpy() * self.shares[c].to_numpy()[slots] for c in self.shares.columns},
                            index=total.index)


@dataclass(frozen=True)
class StaffingPlan:
    """Per wall-clock interval: forecast volume (live, deferred) and scheduled staff required."""

    index: pd.DatetimeIndex
    live_volume: np.ndarray
    deferred_volume: np.ndarray
    live_agents: np.ndarray
    deferred_agents: np.ndarray
    required: tuple[int, ...]
    service_level: np.ndarray
    live_aht: float
    deferred_aht: float


def slot_of_week(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(index.dayofweek * 48 + index.hour * 2 + index.minute // 30)


def on_wall_clock(series: pd.Series, horizon: Horizon, tz: str) -> pd.Series:
    """Map a tz-aware interval series onto the horizon's naive local grid (DST: keep the larger, fill gaps)."""
    local = series.copy()
    local.index = pd.DatetimeIndex(series.index).tz_convert(tz).tz_localize(None)
    local = local.groupby(level=0).max()
    grid = pd.date_range(datetime.combine(horizon.start, time()), periods=horizon.num_intervals, freq="30min")
    return local.reindex(grid).ffill().bfill().fillna(0.0)


def channel_shares(history: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Each channel's share of every half-hour of the week, over the last SHARE_WEEKS weeks."""
    recent = history.iloc[-SHARE_WEEKS * SLOTS_PER_WEEK:]
    local = pd.DatetimeIndex(recent.index).tz_convert(tz)
    counts = recent.groupby(slot_of_week(local)).sum().reindex(range(SLOTS_PER_WEEK), fill_value=0.0)
    overall = history.sum() / max(1.0, float(history.to_numpy().sum()))
    if float(history.to_numpy().sum()) == 0:
        overall = pd.Series(1.0 / len(history.columns), index=history.columns)
    smoothed = counts.add(SHARE_PRIOR * overall, axis=1)
    return smoothed.div(smoothed.sum(axis=1), axis=0)


def forecast_volume(history: pd.DataFrame, *, tz: str, until: date, country: str | None) -> VolumeForecast:
    """Forecast total contacts per interval from the end of `history` to local midnight of `until`."""
    total = history.sum(axis=1)
    total.index.freq = history.index.freq
    last_day = pd.Timestamp(history.index[-1]).tz_convert(tz).date() + timedelta(days=1)
    horizon = len(interval_grid(last_day, until, tz=tz)) if until > last_day else 48
    forecast = forecast_intervals(total, horizon=horizon, country=country)
    return VolumeForecast(history=total, forecast=forecast, shares=channel_shares(history, tz))


def _weighted_aht(volumes: pd.DataFrame, aht: dict[str, float], channels: list[str]) -> float:
    weights = np.array([float(volumes[c].sum()) for c in channels])
    values = np.array([aht[c] for c in channels])
    return float((weights * values).sum() / weights.sum()) if weights.sum() > 0 else float(values.mean())


def staff_requirement(volumes: pd.DataFrame, aht: dict[str, float], options: PlanOptions) -> StaffingPlan:
    """Scheduled staff needed per wall-clock interval for the live queue plus the deferred workload."""
    live_cols = [c for c in volumes.columns if c in REAL_TIME_CHANNELS]
    deferred_cols = [c for c in volumes.columns if c not in REAL_TIME_CHANNELS]
    live = volumes[live_cols].sum(axis=1).to_numpy() * options.volume_factor if live_cols else \
        np.zeros(len(volumes))
    deferred = volumes[deferred_cols].sum(axis=1).to_numpy() * options.volume_factor if deferred_cols else \
        np.zeros(len(volumes))
    live_aht = (_weighted_aht(volumes, aht, live_cols) if live_cols else 300.0) * options.aht_factor
    deferred_aht = (_weighted_aht(volumes, aht, deferred_cols) if deferred_cols else 480.0) * options.aht_factor
    starts = [stamp.to_pydatetime() for stamp in pd.DatetimeIndex(volumes.index)]
    rows = [PlanInterval(at, "live", float(v), live_aht) for at, v in zip(starts, live, strict=True)]
    rows += [PlanInterval(at, "deferred", float(v), deferred_aht) for at, v in zip(starts, deferred, strict=True)]
    target = ServiceTarget(service_level=options.service_level, answer_seconds=options.answer_seconds)
    plan = staff_plan(rows, {
        "live": RealTimeChannel(target=target),
        "deferred": DeferredChannel(first_response_seconds=options.first_response_hours * 3600),
    })
    size = len(volumes)
    live_agents = np.array([r.agents for r in plan[:size]])
    deferred_agents = np.array([r.agents for r in plan[size:]])
    required = tuple(math.ceil(float(a + d) / (1 - options.shrinkage) - 1e-9)
                     for a, d in zip(live_agents, deferred_agents, strict=True))
    return StaffingPlan(
        index=pd.DatetimeIndex(volumes.index), live_volume=live, deferred_volume=deferred,
        live_agents=live_agents, deferred_agents=deferred_agents, required=required,
        service_level=np.array([r.service_level for r in plan[:size]]), live_aht=live_aht, deferred_aht=deferred_aht,
    )


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)
