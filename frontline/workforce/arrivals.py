"""Realistic synthetic contact arrivals for a demo support desk.

The demo-data command needs months or years of tickets whose timing looks like a
real desk: a wall-clock intraday curve per channel, quieter weekends, very quiet
public holidays, steady growth, Poisson noise and the odd outage spike. Planning
features (forecasts, staffing) are only convincing on such data, so the shape is
explicit here and exposed as an expected-rate function that tests can compare to.

Everything is pure and deterministic for a given seed; the hot path is numpy over
a (day, half-hour slot, channel) array so a year of ~500 contacts/day takes well
under a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import holidays
import numpy as np
import pandas as pd

SLOTS_PER_DAY = 48
SLOT_SECONDS = 1800
DAYS_PER_MONTH = 365.25 / 12

# (centre hour, width hours, height) bumps on top of a night floor, wall-clock time.
_CURVE_SHAPES: dict[str, tuple[float, tuple[tuple[float, float, float], ...]]] = {
    "email": (0.10, ((10.5, 2.5, 1.0), (14.5, 2.5, 0.8), (20.0, 2.5, 0.3))),
    "chat": (0.04, ((11.5, 2.0, 1.0), (15.0, 2.5, 0.9), (20.5, 2.0, 0.45))),
    "phone": (0.02, ((10.5, 1.5, 1.0), (14.5, 2.0, 0.9), (18.0, 1.2, 0.25))),
    "web": (0.08, ((11.0, 2.5, 1.0), (15.0, 3.0, 0.8), (21.0, 2.0, 0.35))),
    "telegram": (0.06, ((12.0, 2.5, 0.8), (16.0, 3.0, 0.7), (21.5, 2.0, 0.7))),
}
_WEEKEND_FACTORS = {"email": 0.45, "chat": 0.6, "phone": 0.3, "web": 0.55, "telegram": 0.75}
DEFAULT_CHANNEL_MIX: Mapping[str, float] = {
    "email": 0.30,
    "chat": 0.25,
    "phone": 0.20,
    "web": 0.15,
    "telegram": 0.10,
}


@dataclass(frozen=True, slots=True)
class Arrival:
    """One contact: when it arrived (UTC, aware) and through which channel."""

    at: datetime
    channel: str


@dataclass(frozen=True, slots=True)
class ChannelProfile:
    """Intraday shape (48 half-hour weights summing to 1, weekday) and weekend level."""

    weekday_curve: tuple[float, ...]
    weekend_curve: tuple[float, ...]
    weekend_factor: float


@dataclass(frozen=True, slots=True)
class Spike:
    """An outage: `multiplier` x normal volume on `slots` half-hours from `start_slot`."""

    day: date
    start_slot: int
    slots: int
    multiplier: float


@dataclass(frozen=True)
class DemandSettings:
    """Knobs of the synthetic desk.

    `mean_daily` is the average contacts per day of a holiday-free week at `start`,
    before growth; weekdays are above it and weekends below.
    """

    mean_daily: float
    tz: str = "Europe/Moscow"
    country: str = "RU"
    channels: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CHANNEL_MIX))
    monthly_growth: float = 0.03
    holiday_factor: float = 0.3
    spike_probability: float = 1 / 60
    daily_noise: float = 0.06


@dataclass(frozen=True)
class ExpectedVolume:
    """Expected contacts per local day, wall-clock half-hour slot and channel."""

    days: tuple[date, ...]
    channels: tuple[str, ...]
    counts: np.ndarray  # shape (days, SLOTS_PER_DAY, channels)


@dataclass(frozen=True)
class ArrivalBatch:
    """Arrivals as numpy arrays: the fast form for bulk inserts and volume series."""

    at_utc: np.ndarray  # datetime64[us], UTC, sorted
    channel_codes: np.ndarray  # int index into `channels`
    channels: tuple[str, ...]
    spikes: tuple[Spike, ...]

    def to_arrivals(self) -> list[Arrival]:
        micros = self.at_utc.astype("datetime64[us]").astype(np.int64).tolist()
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        names = self.channels
        return [
            Arrival(epoch + timedelta(microseconds=us), names[code])
            for us, code in zip(micros, self.channel_codes.tolist(), strict=True)
        ]


def public_holidays(country: str, start: date, end: date) -> frozenset[date]:
    """Public holidays (including official substituted days off) in [start, end)."""
    if end <= start:
        return frozenset()
    calendar = holidays.country_holidays(country, years=range(start.year, end.year + 1))
    return frozenset(day for day in calendar if start <= day < end)


def _curve(floor: float, bumps: Sequence[tuple[float, float, float]], shift_hours: float) -> np.ndarray:
    hours = (np.arange(SLOTS_PER_DAY) + 0.5) / 2
    values = np.full(SLOTS_PER_DAY, floor)
    for centre, width, height in bumps:
        values += height * np.exp(-0.5 * ((hours - centre - shift_hours) / width) ** 2)
    return values / values.sum()


def channel_profile(channel: str) -> ChannelProfile:
    """Profile of a known channel; unknown channels get the web shape."""
    floor, bumps = _CURVE_SHAPES.get(channel, _CURVE_SHAPES["web"])
    weekday = _curve(floor, bumps, 0.0)
    # Weekend and holiday demand starts later and is flatter than on workdays.
    weekend = _curve(floor * 1.5, bumps, 1.0)
    factor = _WEEKEND_FACTORS.get(channel, _WEEKEND_FACTORS["web"])
    return ChannelProfile(tuple(weekday.tolist()), tuple(weekend.tolist()), factor)


def _day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


def _channel_weights(settings: DemandSettings) -> tuple[tuple[str, ...], np.ndarray]:
    names = tuple(settings.channels)
    shares = np.array([settings.channels[name] for name in names], dtype=float)
    if not names or np.any(shares < 0) or shares.sum() <= 0:
        raise ValueError("channels must map at least one channel to a positive share")
    return names, shares / shares.sum()


def _day_levels(days: Sequence[date], settings: DemandSettings) -> tuple[np.ndarray, np.ndarray]:
    """Growth multiplier per day and a day-kind code (0 workday, 1 weekend, 2 holiday)."""
    start = days[0]
    offsets = np.array([(day - start).days for day in days], dtype=float)
    growth = (1 + settings.monthly_growth) ** (offsets / DAYS_PER_MONTH)
    holiday_set = public_holidays(settings.country, start, days[-1] + timedelta(days=1))
    kinds = np.array([2 if day in holiday_set else 1 if day.weekday() >= 5 else 0 for day in days], dtype=int)
    return growth, kinds


def expected_interval_counts(
    start: date, end: date, settings: DemandSettings, spikes: Sequence[Spike] = ()
) -> ExpectedVolume:
    """Expected contacts per local day/slot/channel in [start, end): the generator's mean."""
    days = tuple(_day_range(start, end))
    names, shares = _channel_weights(settings)
    if not days:
        return ExpectedVolume(days, names, np.zeros((0, SLOTS_PER_DAY, len(names))))
    profiles = [channel_profile(name) for name in names]
    weekend_factors = np.array([p.weekend_factor for p in profiles])
    # Scale so that a holiday-free week averages `mean_daily` contacts per day.
    weekday_level = settings.mean_daily * shares / ((5 + 2 * weekend_factors) / 7)
    curves = np.stack(
        [
            np.array([p.weekday_curve for p in profiles]).T,
            np.array([p.weekend_curve for p in profiles]).T,
            np.array([p.weekend_curve for p in profiles]).T,
        ]
    )  # (kind, slot, channel)
    level_by_kind = np.stack(
        [weekday_level, weekday_level * weekend_factors, weekday_level * settings.holiday_factor]
    )  # (kind, channel)
    growth, kinds = _day_levels(days, settings)
    counts = curves[kinds] * level_by_kind[kinds][:, None, :] * growth[:, None, None]
    index_of_day = {day: i for i, day in enumerate(days)}
    for spike in spikes:
        row = index_of_day.get(spike.day)
        if row is not None:
            stop = min(SLOTS_PER_DAY, spike.start_slot + spike.slots)
            counts[row, spike.start_slot : stop, :] *= spike.multiplier
    return ExpectedVolume(days, names, counts)


def plan_spikes(start: date, end: date, settings: DemandSettings, rng: np.random.Generator) -> list[Spike]:
    """Random outage days: a 3-5x surge lasting 2-5 hours, starting during the working day."""
    spikes = []
    for day in _day_range(start, end):
        if rng.random() < settings.spike_probability:
            start_slot = int(rng.integers(16, 34))  # 08:00 to 16:30 local
            slots = int(rng.integers(4, 11))
            spikes.append(Spike(day, start_slot, slots, float(rng.uniform(3.0, 5.0))))
    return spikes


def _local_to_utc(local_naive: np.ndarray, tz: str, rng: np.random.Generator) -> np.ndarray:
    """Wall-clock times to UTC; DST gaps shift forward, repeated hours split at random."""
    index = pd.DatetimeIndex(local_naive)
    first_occurrence = rng.random(len(index)) < 0.5
    aware = index.tz_localize(tz, ambiguous=first_occurrence, nonexistent="shift_forward")
    return aware.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[us]")


def generate_arrival_batch(start: date, end: date, settings: DemandSettings, seed: int) -> ArrivalBatch:
    """Draw arrivals in [start, end) local days; same inputs and seed give the same batch."""
    rng = np.random.default_rng(seed)
    spikes = plan_spikes(start, end, settings, rng)
    expected = expected_interval_counts(start, end, settings, spikes)
    names = expected.channels
    if not expected.days:
        empty = np.array([], dtype="datetime64[us]")
        return ArrivalBatch(empty, np.array([], dtype=int), names, tuple(spikes))
    sigma = settings.daily_noise
    day_noise = rng.lognormal(-0.5 * sigma**2, sigma, size=len(expected.days)) if sigma > 0 else 1.0
    rates = expected.counts * np.reshape(day_noise, (-1, 1, 1))
    counts = rng.poisson(rates).ravel()
    cells = np.repeat(np.arange(counts.size), counts)
    day_index, rest = np.divmod(cells, SLOTS_PER_DAY * len(names))
    slot_index, channel_codes = np.divmod(rest, len(names))
    first_day = np.datetime64(start.isoformat(), "us")
    seconds = day_index * 86400 + slot_index * SLOT_SECONDS + rng.uniform(0, SLOT_SECONDS, cells.size)
    local = first_day + (seconds * 1e6).astype(np.int64).astype("timedelta64[us]")
    at_utc = _local_to_utc(local, settings.tz, rng)
    order = np.argsort(at_utc, kind="stable")
    return ArrivalBatch(at_utc[order], channel_codes[order], names, tuple(spikes))


def generate_arrivals(
    start: date,
    end: date,
    *,
    mean_daily: float,
    tz: str = "Europe/Moscow",
    country: str = "RU",
    seed: int = 0,
    channels: Mapping[str, float] | None = None,
    monthly_growth: float = 0.03,
) -> list[Arrival]:
    """Arrivals over local days [start, end), sorted by time, timestamps in UTC."""
    settings = DemandSettings(
        mean_daily=mean_daily,
        tz=tz,
        country=country,
        channels=dict(channels if channels is not None else DEFAULT_CHANNEL_MIX),
        monthly_growth=monthly_growth,
    )
    return generate_arrival_batch(start, end, settings, seed).to_arrivals()
