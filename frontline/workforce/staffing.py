"""Required agents per interval and channel for a whole forecast plan.

Real-time channels (voice, chat) are staffed with Erlang C, solved for all intervals at once
(`erlang_batch`), or with Erlang A when the channel sets a customer patience. Deferred channels
(email, tickets) are staffed by workload against their first-response target
(`staffing_backlog`). Long-horizon hiring lives in `staffing_hiring`, the 24/7 question in
`staffing_coverage`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import numpy as np

from frontline.workforce.erlang import ServiceTarget, agents_for_service_level
from frontline.workforce.erlang_batch import erlang_c_batch
from frontline.workforce.erlang_core import (
    check_non_negative,
    check_positive,
    check_shrinkage,
)
from frontline.workforce.staffing_backlog import DeferredChannel, deferred_requirements

__all__ = [
    "DeferredChannel",
    "IntervalRequirement",
    "PlanInterval",
    "RealTimeChannel",
    "staff_plan",
]


@dataclass(frozen=True)
class PlanInterval:
    """One forecast cell: contacts expected on `channel` in the interval starting at `start`."""

    start: datetime
    channel: str
    volume: float
    aht_seconds: float


@dataclass(frozen=True)
class RealTimeChannel:
    """A channel answered live. `concurrency` > 1 means chats per agent (slot model, see
    erlang.py); `patience_seconds` switches from Erlang C to Erlang A."""

    target: ServiceTarget = field(default_factory=ServiceTarget)
    concurrency: int = 1
    patience_seconds: float | None = None
    shrinkage: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.concurrency, bool) or self.concurrency < 1:
            raise ValueError(f"concurrency must be an int >= 1, got {self.concurrency!r}")
        if self.patience_seconds is not None:
            check_positive("patience_seconds", self.patience_seconds)
        check_shrinkage(self.shrinkage)


Channel = RealTimeChannel | DeferredChannel


class IntervalRequirement(NamedTuple):
    """Staffing result for one plan row (a NamedTuple: plans have thousands of rows and tuples
    are several times cheaper to build than frozen dataclasses).

    Real-time rows: service level, ASA (seconds), occupancy and abandonment from the queue model.
    Deferred rows: service_level is the share of the interval's work answered within the target,
    asa_seconds is None and backlog_seconds is the work still waiting at the interval's end.
    """

    start: datetime
    channel: str
    volume: float
    aht_seconds: float
    agents: int
    scheduled: int
    service_level: float
    asa_seconds: float | None
    occupancy: float
    p_abandon: float = 0.0
    backlog_seconds: float = 0.0


def staff_plan(
    intervals: Sequence[PlanInterval],
    channels: Mapping[str, Channel],
    *,
    interval_seconds: float = 1800.0,
) -> list[IntervalRequirement]:
    """Required agents for every row of `intervals`, returned in the same order."""
    check_positive("interval_seconds", interval_seconds)
    _check_rows(intervals)
    rows_by_channel: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(intervals):
        rows_by_channel[row.channel].append(index)
    missing = set(rows_by_channel) - set(channels)
    if missing:
        raise ValueError(f"no settings for channel(s) {sorted(missing)!r}")
    results: list[IntervalRequirement | None] = [None] * len(intervals)
    erlang_c_rows: list[int] = []
    for name, indexes in rows_by_channel.items():
        settings = channels[name]
        if isinstance(settings, DeferredChannel):
            _staff_deferred(intervals, indexes, settings, interval_seconds, results)
        elif settings.patience_seconds is not None:
            _staff_erlang_a(intervals, indexes, settings, interval_seconds, results)
        else:
            erlang_c_rows.extend(indexes)
    _staff_erlang_c(intervals, erlang_c_rows, channels, interval_seconds, results)
    return [result for result in results if result is not None]


def _check_rows(intervals: Sequence[PlanInterval]) -> None:
    """Vectorised input check: volumes >= 0 and handle times > 0, all finite."""
    volume = np.fromiter((row.volume for row in intervals), dtype=float, count=len(intervals))
    aht = np.fromiter((row.aht_seconds for row in intervals), dtype=float, count=len(intervals))
    bad = ~np.isfinite(volume) | (volume < 0) | ~np.isfinite(aht) | (aht <= 0)
    if bad.any():
        row = intervals[int(np.argmax(bad))]
        check_non_negative("volume", row.volume)
        check_positive("aht_seconds", row.aht_seconds)


def _staff_erlang_c(
    intervals: Sequence[PlanInterval],
    indexes: list[int],
    channels: Mapping[str, Channel],
    interval_seconds: float,
    results: list[IntervalRequirement | None],
) -> None:
    """All Erlang C rows of all channels in one vectorised search."""
    if not indexes:
        return
    rows = [intervals[i] for i in indexes]
    real_time = [_real_time(channels[row.channel]) for row in rows]
    targets = [s.target for s in real_time]
    aht = np.array([row.aht_seconds for row in rows])
    load = np.array([row.volume for row in rows]) * aht / interval_seconds

    def column(values: list[float | None], unset: float) -> np.ndarray:
        return np.array([unset if value is None else value for value in values], dtype=float)

    concurrency = np.array([s.concurrency for s in real_time], dtype=np.int64)
    batch = erlang_c_batch(
        load,
        aht,
        column([t.answer_seconds for t in targets], 0.0),
        column([t.service_level for t in targets], -math.inf),
        column([t.max_asa_seconds for t in targets], math.inf),
        column([t.max_occupancy for t in targets], math.inf),
        concurrency,
    )
    agents = batch.servers // concurrency
    shrinkage = np.array([s.shrinkage for s in real_time])
    scheduled = np.ceil(agents / (1.0 - shrinkage) - 1e-9).astype(np.int64)
    columns = zip(
        indexes,
        rows,
        agents.tolist(),
        scheduled.tolist(),
        batch.service_level.tolist(),
        batch.asa_seconds.tolist(),
        batch.occupancy.tolist(),
        strict=True,
    )
    for index, row, count, paid, service_level, asa, occupancy in columns:
        results[index] = IntervalRequirement(
            row.start, row.channel, row.volume, row.aht_seconds, count, paid, service_level, asa, occupancy
        )


def _real_time(settings: Channel) -> RealTimeChannel:
    if not isinstance(settings, RealTimeChannel):
        raise TypeError("expected a real-time channel")
    return settings


def _staff_erlang_a(
    intervals: Sequence[PlanInterval],
    indexes: list[int],
    channel: RealTimeChannel,
    interval_seconds: float,
    results: list[IntervalRequirement | None],
) -> None:
    """Erlang A rows one by one, solving each distinct (volume, AHT) pair once."""
    solved: dict[tuple[float, float], IntervalRequirement] = {}
    for index in indexes:
        row = intervals[index]
        key = (row.volume, row.aht_seconds)
        if key not in solved:
            answer = agents_for_service_level(
                row.volume,
                row.aht_seconds,
                channel.target,
                interval_seconds=interval_seconds,
                shrinkage=channel.shrinkage,
                concurrency=channel.concurrency,
                patience_seconds=channel.patience_seconds,
            )
            m = answer.metrics
            solved[key] = IntervalRequirement(
                row.start,
                row.channel,
                row.volume,
                row.aht_seconds,
                answer.agents,
                answer.scheduled,
                m.service_level,
                m.asa_seconds,
                m.occupancy,
                m.p_abandon,
            )
        results[index] = solved[key]._replace(start=row.start)


def _staff_deferred(
    intervals: Sequence[PlanInterval],
    indexes: list[int],
    channel: DeferredChannel,
    interval_seconds: float,
    results: list[IntervalRequirement | None],
) -> None:
    """Lay the channel's rows on a regular time grid (gaps = no work) and staff by workload."""
    ordered = sorted(indexes, key=lambda i: intervals[i].start)
    first = intervals[ordered[0]].start
    slot_of: dict[int, int] = {}
    taken: set[int] = set()
    for index in ordered:
        offset = (intervals[index].start - first).total_seconds() / interval_seconds
        slot = round(offset)
        if abs(offset - slot) > 1e-6:
            raise ValueError(f"interval start {intervals[index].start} is off the {interval_seconds} s grid")
        if slot in taken:
            raise ValueError(f"duplicate interval {intervals[index].start} for {intervals[index].channel!r}")
        taken.add(slot)
        slot_of[index] = slot
    size = max(slot_of.values()) + 1
    volumes, aht = [0.0] * size, [1.0] * size
    for index, slot in slot_of.items():
        volumes[slot], aht[slot] = intervals[index].volume, intervals[index].aht_seconds
    staffed = deferred_requirements(volumes, aht, channel, interval_seconds)
    for index, slot in slot_of.items():
        row, cell = intervals[index], staffed[slot]
        results[index] = IntervalRequirement(
            row.start,
            row.channel,
            row.volume,
            row.aht_seconds,
            cell.agents,
            cell.scheduled,
            cell.on_time_share,
            None,
            cell.occupancy,
            0.0,
            cell.backlog_seconds,
        )
