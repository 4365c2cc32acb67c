from datetime import UTC, date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.workforce.arrivals import (
    DEFAULT_CHANNEL_MIX,
    SLOTS_PER_DAY,
    DemandSettings,
    Spike,
    channel_profile,
    expected_interval_counts,
    generate_arrival_batch,
    generate_arrivals,
    public_holidays,
)

START, END = date(2024, 1, 1), date(2025, 1, 1)
TZ = "Europe/Moscow"


@pytest.fixture(scope="module")
def year_batch():
    return generate_arrival_batch(START, END, DemandSettings(mean_daily=500, spike_probability=0), seed=11)


@pytest.fixture(scope="module")
def local_counts(year_batch):
    """Contacts per local date and per local hour of the sample year."""
    local = pd.DatetimeIndex(year_batch.at_utc).tz_localize("UTC").tz_convert(TZ)
    per_day = pd.Series(1, index=local).groupby(local.date).sum()
    per_day.index = pd.to_datetime(per_day.index)
    per_day = per_day.reindex(pd.date_range(START, END, inclusive="left"), fill_value=0)
    return per_day, pd.Series(1, index=local).groupby(local.hour).sum()


def test_same_seed_gives_same_arrivals_and_other_seed_differs():
    first = generate_arrivals(date(2024, 5, 1), date(2024, 5, 15), mean_daily=200, seed=3)
    again = generate_arrivals(date(2024, 5, 1), date(2024, 5, 15), mean_daily=200, seed=3)
    other = generate_arrivals(date(2024, 5, 1), date(2024, 5, 15), mean_daily=200, seed=4)
    assert first == again
    assert first != other


def test_arrivals_are_sorted_utc_and_inside_the_local_range():
    arrivals = generate_arrivals(date(2024, 5, 1), date(2024, 5, 8), mean_daily=300, tz=TZ, seed=1)
    moments = [arrival.at for arrival in arrivals]
    assert moments == sorted(moments)
    assert all(moment.utcoffset() == timedelta(0) for moment in moments)
    # Local midnight in Moscow (UTC+3) is 21:00 UTC the day before.
    assert moments[0] >= pd.Timestamp("2024-04-30 21:00", tz="UTC")
    assert moments[-1] < pd.Timestamp("2024-05-07 21:00", tz="UTC")
    assert {arrival.channel for arrival in arrivals} == set(DEFAULT_CHANNEL_MIX)


def test_night_is_quieter_than_midday(local_counts):
    _, per_hour = local_counts
    assert per_hour.loc[0:5].mean() < 0.15 * per_hour.loc[10:14].mean()


def test_weekends_and_holidays_are_quieter_than_workdays(local_counts):
    per_day, _ = local_counts
    holiday_set = public_holidays("RU", START, END)
    is_holiday = np.array([day.date() in holiday_set for day in per_day.index])
    weekend = (per_day.index.dayofweek >= 5) & ~is_holiday
    workday = (per_day.index.dayofweek < 5) & ~is_holiday
    assert per_day[weekend].mean() < 0.75 * per_day[workday].mean()
    assert per_day[is_holiday].mean() < 0.6 * per_day[workday].mean()


def test_growth_is_visible_and_matches_the_expected_rate(local_counts):
    per_day, _ = local_counts
    months = per_day.groupby(per_day.index.month).mean()
    expected = (1.03) ** ((months.index - 1).to_numpy())
    measured = months.to_numpy() / months.iloc[0]
    assert months.iloc[-3:].mean() > 1.2 * months.iloc[1:4].mean()
    # Month means follow compound growth within noise (holidays excluded by the month choice).
    assert abs(measured[10] / expected[10] - measured[4] / expected[4]) < 0.1


def test_generated_totals_match_expected_counts(year_batch):
    settings = DemandSettings(mean_daily=500, spike_probability=0)
    expected = expected_interval_counts(START, END, settings)
    assert expected.counts.shape == (366, SLOTS_PER_DAY, len(DEFAULT_CHANNEL_MIX))
    assert len(year_batch.at_utc) == pytest.approx(expected.counts.sum(), rel=0.03)
    generated_share = np.bincount(year_batch.channel_codes) / len(year_batch.channel_codes)
    expected_share = expected.counts.sum(axis=(0, 1)) / expected.counts.sum()
    np.testing.assert_allclose(generated_share, expected_share, atol=0.01)


def test_mean_daily_is_the_holiday_free_week_average_at_start():
    settings = DemandSettings(mean_daily=700, monthly_growth=0.0)
    week = expected_interval_counts(date(2024, 2, 5), date(2024, 2, 12), settings)  # no RU holidays
    assert week.counts.sum() / 7 == pytest.approx(700)


def test_spike_multiplies_the_expected_volume_in_its_window():
    settings = DemandSettings(mean_daily=400)
    day = date(2024, 3, 13)
    spike = Spike(day=day, start_slot=20, slots=6, multiplier=4.0)
    base = expected_interval_counts(day, day + timedelta(days=1), settings).counts
    surged = expected_interval_counts(day, day + timedelta(days=1), settings, [spike]).counts
    np.testing.assert_allclose(surged[0, 20:26], 4.0 * base[0, 20:26])
    np.testing.assert_allclose(surged[0, :20], base[0, :20])


def test_planned_spikes_show_up_in_the_arrivals():
    settings = DemandSettings(mean_daily=400, spike_probability=0.5)
    batch = generate_arrival_batch(date(2024, 4, 1), date(2024, 4, 29), settings, seed=5)
    assert batch.spikes
    spike = batch.spikes[0]
    local = pd.DatetimeIndex(batch.at_utc).tz_localize("UTC").tz_convert(TZ)
    slots = (local.hour * 2 + local.minute // 30)[local.date == spike.day]
    inside = np.isin(slots, np.arange(spike.start_slot, spike.start_slot + spike.slots)).sum()
    normal = expected_interval_counts(spike.day, spike.day + timedelta(days=1), settings).counts
    assert inside > 2 * normal[0, spike.start_slot : spike.start_slot + spike.slots].sum()


def test_channel_profiles_have_distinct_shapes():
    phone, telegram = channel_profile("phone"), channel_profile("telegram")
    assert sum(phone.weekday_curve) == pytest.approx(1.0)
    evening = slice(40, 46)  # 20:00-23:00
    assert sum(telegram.weekday_curve[evening]) > 2 * sum(phone.weekday_curve[evening])
    assert phone.weekend_factor < telegram.weekend_factor


def _berlin_day(day: date) -> pd.DatetimeIndex:
    arrivals = generate_arrivals(
        day,
        day + timedelta(days=1),
        mean_daily=3000,
        tz="Europe/Berlin",
        country="DE",
        seed=2,
        channels={"email": 1.0, "chat": 1.0},
    )
    assert {a.channel for a in arrivals} == {"email", "chat"}
    assert all(a.at.tzinfo == UTC for a in arrivals)
    return pd.DatetimeIndex([a.at for a in arrivals]).tz_convert("Europe/Berlin")


def test_dst_zone_wall_clock_curve_survives_both_changes():
    spring = _berlin_day(date(2024, 3, 31))
    assert len(spring) > 0 and not (spring.hour == 2).any()  # 02:00-03:00 does not exist
    assert set(spring.date) == {date(2024, 3, 31)}
    autumn = _berlin_day(date(2024, 10, 27))
    offsets = {moment.utcoffset() for moment in autumn[autumn.hour == 2]}
    assert offsets == {timedelta(hours=2), timedelta(hours=1)}  # both 02:00 hours get contacts


def test_empty_range_and_bad_channels():
    assert generate_arrivals(date(2024, 1, 1), date(2024, 1, 1), mean_daily=100) == []
    with pytest.raises(ValueError, match="channels"):
        generate_arrivals(date(2024, 1, 1), date(2024, 1, 2), mean_daily=100, channels={"email": 0.0})


@settings(max_examples=25, deadline=None)
@given(
    offset=st.integers(min_value=0, max_value=700),
    days=st.integers(min_value=0, max_value=10),
    mean_daily=st.floats(min_value=0, max_value=2000),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_any_range_gives_sorted_arrivals_within_it(offset, days, mean_daily, seed):
    start = date(2023, 1, 1) + timedelta(days=offset)
    end = start + timedelta(days=days)
    batch = generate_arrival_batch(start, end, DemandSettings(mean_daily=mean_daily), seed)
    assert np.all(np.diff(batch.at_utc.astype(np.int64)) >= 0)
    if len(batch.at_utc):
        local = pd.DatetimeIndex(batch.at_utc).tz_localize("UTC").tz_convert(TZ)
        assert local.min().date() >= start
        assert local.max().date() < end
    assert all(spike.day < end for spike in batch.spikes)
