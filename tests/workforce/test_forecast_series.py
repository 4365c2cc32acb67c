from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from frontline.workforce.forecast import volume_series, volume_series_by_channel


def test_counts_land_in_local_intervals_and_gaps_are_zero():
    stamps = [
        datetime(2024, 5, 1, 21, 10, tzinfo=UTC),  # 00:10 on 2 May in Moscow
        datetime(2024, 5, 1, 21, 20, tzinfo=UTC),
        datetime(2024, 5, 2, 9, 45, tzinfo=UTC),  # 12:45 local
    ]
    series = volume_series(stamps, tz="Europe/Moscow", start=date(2024, 5, 2), end=date(2024, 5, 4))
    assert len(series) == 96
    assert str(series.index.tz) == "Europe/Moscow"
    assert series.iloc[0] == 2
    assert series[pd.Timestamp("2024-05-02 12:30", tz="Europe/Moscow")] == 1
    assert series.sum() == 3
    assert (series == 0).sum() == 94


def test_range_defaults_to_the_local_days_of_the_data_and_ignores_outsiders():
    stamps = [datetime(2024, 5, 1, 22, 0, tzinfo=UTC), datetime(2024, 5, 3, 8, 0, tzinfo=UTC)]
    auto = volume_series(stamps, tz="Europe/Moscow")
    assert auto.index[0] == pd.Timestamp("2024-05-02", tz="Europe/Moscow")
    assert len(auto) == 96 and auto.sum() == 2
    clipped = volume_series(stamps, tz="Europe/Moscow", start=date(2024, 5, 3), end=date(2024, 5, 4))
    assert clipped.sum() == 1


def test_naive_list_and_numpy_inputs_are_read_as_utc():
    aware = [datetime(2024, 1, 5, 10, 5, tzinfo=UTC)]
    naive = [datetime(2024, 1, 5, 10, 5)]
    array = np.array(["2024-01-05T10:05"], dtype="datetime64[us]")
    kwargs: dict[str, Any] = {"tz": "Europe/Moscow", "start": date(2024, 1, 5), "end": date(2024, 1, 6)}
    expected = volume_series(aware, **kwargs)
    pd.testing.assert_series_equal(volume_series(naive, **kwargs), expected)
    pd.testing.assert_series_equal(volume_series(array, **kwargs), expected)
    assert expected[pd.Timestamp("2024-01-05 13:00", tz="Europe/Moscow")] == 1


def test_dst_days_have_46_and_50_real_half_hours():
    first = datetime(2024, 10, 27, 0, 15, tzinfo=UTC)  # 02:15 CEST, first 02:00 hour
    second = datetime(2024, 10, 27, 1, 15, tzinfo=UTC)  # 02:15 CET, repeated hour
    series = volume_series([first, second], tz="Europe/Berlin", start=date(2024, 3, 31), end=date(2024, 11, 1))
    days = pd.Series(1, index=series.index).groupby(series.index.date).sum()
    assert days[date(2024, 3, 31)] == 46
    assert days[date(2024, 10, 27)] == 50
    assert days[date(2024, 6, 1)] == 48
    hits = series[series > 0]
    assert len(hits) == 2 and hits.index[1] - hits.index[0] == pd.Timedelta(hours=1)
    assert {moment.hour for moment in hits.index} == {2}


def test_empty_input_needs_a_range_and_then_gives_zeros():
    with pytest.raises(ValueError, match="start and end"):
        volume_series([], tz="Europe/Moscow")
    zeros = volume_series([], tz="Europe/Moscow", start=date(2024, 1, 1), end=date(2024, 1, 8))
    assert len(zeros) == 336 and zeros.sum() == 0
    assert len(volume_series([], tz="UTC", start=date(2024, 1, 1), end=date(2024, 1, 1))) == 0


def test_hourly_frequency():
    stamps = [datetime(2024, 2, 1, 9, 59, tzinfo=UTC), datetime(2024, 2, 1, 9, 1, tzinfo=UTC)]
    series = volume_series(stamps, tz="UTC", freq="1h", start=date(2024, 2, 1), end=date(2024, 2, 2))
    assert len(series) == 24 and series.iloc[9] == 2


def test_per_channel_columns_add_up_to_the_total():
    stamps = [datetime(2024, 5, 2, hour, 0, tzinfo=UTC) for hour in (8, 8, 9, 13)]
    channels = ["email", "chat", "email", "phone"]
    kwargs: dict[str, Any] = {"tz": "Europe/Moscow", "start": date(2024, 5, 2), "end": date(2024, 5, 3)}
    frame = volume_series_by_channel(stamps, channels, **kwargs)
    assert list(frame.columns) == ["chat", "email", "phone"]
    assert frame["email"].sum() == 2
    np.testing.assert_array_equal(frame.sum(axis=1).to_numpy(), volume_series(stamps, **kwargs).to_numpy())
    with pytest.raises(ValueError, match="one channel per timestamp"):
        volume_series_by_channel(stamps, channels[:2], **kwargs)
