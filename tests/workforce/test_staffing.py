"""Plan staffing: real-time channels per interval and the deferred-work (email) model."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.workforce.erlang import ServiceTarget, agents_for_service_level
from frontline.workforce.staffing import (
    DeferredChannel,
    PlanInterval,
    RealTimeChannel,
    staff_plan,
)
from frontline.workforce.staffing_backlog import deferred_requirements, window_intervals

MONDAY = datetime(2026, 1, 5, 8, 0)
HALF_HOUR = timedelta(minutes=30)


def test_real_time_rows_match_the_single_interval_search() -> None:
    """Voice with the Call Centre Helper figures (100 calls / 30 min, AHT 180 s, 80/20, 30%
    shrinkage -> 14 agents, 20 scheduled) next to a 3-chat channel and an Erlang A channel."""
    voice = RealTimeChannel(ServiceTarget(0.8, 20), shrinkage=0.3)
    chat = RealTimeChannel(ServiceTarget(0.8, 60), concurrency=3)
    patient = RealTimeChannel(ServiceTarget(0.8, 20), patience_seconds=120)
    rows = [
        PlanInterval(MONDAY, "voice", 100, 180),
        PlanInterval(MONDAY, "chat", 90, 720),
        PlanInterval(MONDAY, "callback", 100, 180),
        PlanInterval(MONDAY + HALF_HOUR, "voice", 0, 180),
    ]
    result = staff_plan(rows, {"voice": voice, "chat": chat, "callback": patient})
    assert [(r.channel, r.start) for r in result] == [(r.channel, r.start) for r in rows]
    assert (result[0].agents, result[0].scheduled) == (14, 20)
    assert result[0].service_level == pytest.approx(0.888, abs=0.0005)
    chat_alone = agents_for_service_level(90, 720, chat.target, concurrency=3)
    assert result[1].agents == chat_alone.agents
    erlang_a = agents_for_service_level(100, 180, patient.target, patience_seconds=120)
    assert result[2].agents == erlang_a.agents and result[2].p_abandon > 0
    assert (result[3].agents, result[3].scheduled, result[3].service_level) == (0, 0, 1.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=20))
def test_plan_agrees_with_scalar_search_for_every_row(volumes: list[float]) -> None:
    channel = RealTimeChannel(ServiceTarget(0.85, 15, max_occupancy=0.9), shrinkage=0.25)
    rows = [PlanInterval(MONDAY + i * HALF_HOUR, "voice", v, 270) for i, v in enumerate(volumes)]
    for row, result in zip(rows, staff_plan(rows, {"voice": channel}), strict=True):
        expected = agents_for_service_level(row.volume, 270, channel.target, shrinkage=0.25)
        assert (result.agents, result.scheduled) == (expected.agents, expected.scheduled)


def test_deferred_single_burst_is_spread_over_the_window() -> None:
    """40 emails x 6 minutes = 4 agent-hours arriving in one half hour with a 4-hour first
    response target (8 intervals) and 100% productive time: one agent for 8 intervals."""
    channel = DeferredChannel(first_response_seconds=4 * 3600, productive_share=1.0)
    result = deferred_requirements([40] + [0] * 9, [360] * 10, channel)
    assert [r.agents for r in result] == [1] * 8 + [0, 0]
    assert [r.backlog_seconds for r in result[:8]] == [12600 - 1800 * i for i in range(8)]
    assert all(r.on_time_share == 1.0 for r in result)


def test_deferred_steady_flow_and_productive_share() -> None:
    """Steady 10 emails / half hour x 450 s = 4500 s of work per interval; with 75% productive
    time an agent gives 1350 s per interval, so 4500 / 1350 = 3.33 -> 4 agents (after the window
    fills: interval j carries (j + 1) / 4 of the steady load during the first 4 intervals)."""
    channel = DeferredChannel(first_response_seconds=2 * 3600, productive_share=0.75, shrinkage=0.2)
    result = deferred_requirements([10] * 12, [450] * 12, channel)
    assert window_intervals(2 * 3600, 1800) == 4
    assert [r.agents for r in result[:4]] == [1, 2, 3, 4]  # 1125/1350, 2250/1350, 3375/1350, 4500/1350
    assert all(r.agents == 4 for r in result[4:])
    assert all(r.scheduled == 5 for r in result[4:])  # ceil(4 / 0.8)
    assert all(r.on_time_share == 1.0 for r in result)


def test_deferred_opening_backlog_and_short_target() -> None:
    # A target shorter than one interval still counts as one interval: work done where it arrives.
    quick = DeferredChannel(first_response_seconds=600, productive_share=1.0)
    assert [r.agents for r in deferred_requirements([5, 0], [720, 720], quick)] == [2, 0]
    # 3600 s of old work due within 2 intervals: 1800 s each -> 1 agent per interval.
    opening = DeferredChannel(3600, productive_share=1.0, initial_backlog_seconds=3600)
    assert [r.agents for r in deferred_requirements([0, 0, 0], [300] * 3, opening)] == [1, 1, 0]


@settings(max_examples=40, deadline=None)
@given(
    volumes=st.lists(st.floats(min_value=0, max_value=80), min_size=1, max_size=30),
    target_intervals=st.integers(min_value=1, max_value=10),
)
def test_deferred_staffing_meets_every_deadline(volumes: list[float], target_intervals: int) -> None:
    channel = DeferredChannel(first_response_seconds=target_intervals * 1800.0, productive_share=0.8)
    result = deferred_requirements(volumes, [400.0] * len(volumes), channel)
    assert all(r.on_time_share >= 1.0 - 1e-9 for r in result)
    assert all(r.occupancy <= 0.8 + 1e-9 for r in result)


def test_plan_with_deferred_channel_and_gaps() -> None:
    channel = DeferredChannel(first_response_seconds=3600, productive_share=1.0)
    rows = [
        PlanInterval(MONDAY + 2 * HALF_HOUR, "email", 0, 300),
        PlanInterval(MONDAY, "email", 12, 300),  # 3600 s of work, due within 2 intervals
    ]
    result = staff_plan(rows, {"email": channel})
    assert result[1].agents == 1 and result[1].asa_seconds is None
    assert result[0].agents == 0  # the missing middle interval carried the other half
    with pytest.raises(ValueError, match="grid"):
        staff_plan([*rows, PlanInterval(MONDAY + timedelta(minutes=7), "email", 1, 300)], {"email": channel})


def test_plan_rejects_bad_rows() -> None:
    channels = {"voice": RealTimeChannel()}
    with pytest.raises(ValueError, match="no settings"):
        staff_plan([PlanInterval(MONDAY, "fax", 3, 300)], channels)
    with pytest.raises(ValueError, match="volume"):
        staff_plan([PlanInterval(MONDAY, "voice", -3, 300)], channels)
    with pytest.raises(ValueError, match="aht_seconds"):
        staff_plan([PlanInterval(MONDAY, "voice", 3, 0)], channels)
    with pytest.raises(ValueError, match="concurrency"):
        RealTimeChannel(concurrency=0)
    with pytest.raises(ValueError, match="productive_share"):
        DeferredChannel(3600, productive_share=0)
