"""Erlang C staffing for real-time channels (voice, chat), with an Erlang A option.

Erlang C (M/M/N): Poisson arrivals, exponential handle times, N agents, infinite patience.
Everything is derived from Erlang B by its stable recursion, never from A^N / N!, so the results
stay exact to double precision for thousands of agents and loads of thousands of Erlangs.

Chat concurrency: an agent who works k chats at once is k service slots, and the handle time to
give is the wall-clock length of one chat at that concurrency (longer than a chat handled alone).
The queue is M/M/(N k); a chat waits only when every slot is taken. This is the slot model
described by G. Koole ("Staffing live-chat sessions", WeWFM, 2022); see docs/workforce-staffing.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frontline.workforce.erlang_a import erlang_a_metrics
from frontline.workforce.erlang_core import (
    QueueMetrics,
    check_non_negative,
    check_positive,
    check_servers,
    check_shrinkage,
    erlang_b,
    erlang_c_from_b,
    offered_load,
    scheduled_staff,
)

__all__ = [
    "QueueMetrics",
    "ServiceTarget",
    "StaffingAnswer",
    "agents_for_service_level",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "offered_load",
    "queue_metrics",
    "scheduled_staff",
]


@dataclass(frozen=True)
class ServiceTarget:
    """What a real-time queue must achieve; every target that is set must hold.

    service_level: share of contacts answered within `answer_seconds` (0 < x < 1), or None.
    max_asa_seconds: upper bound on the mean wait of answered contacts, or None.
    max_occupancy: upper bound on busy time / staffed time (0 < x <= 1), or None.
    """

    service_level: float | None = 0.8
    answer_seconds: float = 20.0
    max_asa_seconds: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if self.service_level is None and self.max_asa_seconds is None and self.max_occupancy is None:
            raise ValueError("set at least one of service_level, max_asa_seconds, max_occupancy")
        if self.service_level is not None and not 0 < self.service_level < 1:
            raise ValueError(f"service_level must be in (0, 1), got {self.service_level!r}")
        check_non_negative("answer_seconds", self.answer_seconds)
        if self.max_asa_seconds is not None:
            check_positive("max_asa_seconds", self.max_asa_seconds)
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise ValueError(f"max_occupancy must be in (0, 1], got {self.max_occupancy!r}")

    def is_met_by(self, metrics: QueueMetrics) -> bool:
        """True when the metrics satisfy every target that is set (a small tolerance absorbs
        rounding, so a published 80.0% counts as meeting 80%)."""
        if metrics.load_erlangs > 0 and metrics.servers == 0:
            return False
        if self.service_level is not None and metrics.service_level < self.service_level - 1e-12:
            return False
        if self.max_asa_seconds is not None and metrics.asa_seconds > self.max_asa_seconds + 1e-9:
            return False
        return self.max_occupancy is None or metrics.occupancy <= self.max_occupancy + 1e-12


@dataclass(frozen=True)
class StaffingAnswer:
    """Agents needed on the queue (`agents`) and paid staff after shrinkage (`scheduled`)."""

    agents: int
    scheduled: int
    metrics: QueueMetrics


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arriving contact has to wait in M/M/N (1 when N <= A)."""
    return erlang_c_from_b(servers, load, erlang_b(servers, load))


def erlang_c_metrics(
    servers: int,
    load: float,
    aht_seconds: float,
    answer_seconds: float = 20.0,
    *,
    blocking: float | None = None,
) -> QueueMetrics:
    """Erlang C service level 1 - C e^{-(N-A) t / AHT}, ASA C AHT / (N - A), occupancy A / N."""
    check_servers(servers)
    check_non_negative("load", load)
    check_positive("aht_seconds", aht_seconds)
    check_non_negative("answer_seconds", answer_seconds)
    if load == 0:
        return QueueMetrics(servers, 0.0, 0.0, 1.0, 0.0, 0.0)
    if servers <= load:
        return QueueMetrics(servers, load, 1.0, 0.0, math.inf, 1.0 if servers else 0.0)
    b = erlang_b(servers, load) if blocking is None else blocking
    c = erlang_c_from_b(servers, load, b)
    spare = servers - load
    service_level = 1.0 - c * math.exp(-spare * answer_seconds / aht_seconds)
    return QueueMetrics(servers, load, c, service_level, c * aht_seconds / spare, load / servers)


def queue_metrics(
    agents: int,
    volume: float,
    aht_seconds: float,
    *,
    interval_seconds: float = 1800.0,
    answer_seconds: float = 20.0,
    concurrency: int = 1,
    patience_seconds: float | None = None,
) -> QueueMetrics:
    """Performance of `agents` agents for `volume` contacts in one interval (Erlang C, or
    Erlang A when `patience_seconds` is given). Chat: `concurrency` slots per agent."""
    _check_concurrency(concurrency)
    check_servers(agents)
    load = offered_load(volume, aht_seconds, interval_seconds)
    servers = agents * concurrency
    if patience_seconds is None:
        return erlang_c_metrics(servers, load, aht_seconds, answer_seconds)
    return erlang_a_metrics(servers, load, aht_seconds, patience_seconds, answer_seconds)


def agents_for_service_level(
    volume: float,
    aht_seconds: float,
    target: ServiceTarget | None = None,
    *,
    interval_seconds: float = 1800.0,
    shrinkage: float = 0.0,
    concurrency: int = 1,
    patience_seconds: float | None = None,
    max_agents: int = 100_000,
) -> StaffingAnswer:
    """Smallest number of agents meeting `target` (default 80% in 20 s) for one interval.

    Erlang C walks N upwards while extending the Erlang B recursion, so the whole search costs
    O(N). Erlang A starts from the Erlang C answer and walks down or up from there.
    """
    target = target or ServiceTarget()
    check_shrinkage(shrinkage)
    _check_concurrency(concurrency)
    load = offered_load(volume, aht_seconds, interval_seconds)
    if patience_seconds is not None:
        check_positive("patience_seconds", patience_seconds)
    if load == 0:
        metrics = erlang_c_metrics(0, 0.0, aht_seconds, target.answer_seconds)
        return StaffingAnswer(0, 0, metrics)
    servers = _erlang_c_servers(load, aht_seconds, target, concurrency, max_agents * concurrency)
    if patience_seconds is not None:
        table = _BlockingTable(load)
        servers = _erlang_a_servers(servers, load, aht_seconds, patience_seconds, target, concurrency, table)
        metrics = erlang_a_metrics(
            servers, load, aht_seconds, patience_seconds, target.answer_seconds, blocking=table.at(servers)
        )
    else:
        metrics = erlang_c_metrics(servers, load, aht_seconds, target.answer_seconds)
    agents = servers // concurrency
    return StaffingAnswer(agents, scheduled_staff(agents, shrinkage), metrics)


def _check_concurrency(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")


def _erlang_c_servers(
    load: float, aht_seconds: float, target: ServiceTarget, concurrency: int, max_servers: int
) -> int:
    """First slot count, a multiple of `concurrency`, whose Erlang C metrics meet the target."""
    blocking = 1.0
    for servers in range(1, max_servers + 1):
        blocking = load * blocking / (servers + load * blocking)
        if servers % concurrency or servers <= load:
            continue
        metrics = erlang_c_metrics(servers, load, aht_seconds, target.answer_seconds, blocking=blocking)
        if target.is_met_by(metrics):
            return servers
    raise ValueError(f"target not reachable with {max_servers // concurrency} agents")


class _BlockingTable:
    """Erlang B values B(0..n) for one load, extended on demand for walks over N."""

    def __init__(self, load: float) -> None:
        self.load = load
        self.values = [1.0]

    def at(self, servers: int) -> float:
        while len(self.values) <= servers:
            previous = self.values[-1]
            n = len(self.values)
            self.values.append(self.load * previous / (n + self.load * previous))
        return self.values[servers]


def _erlang_a_servers(
    start: int,
    load: float,
    aht_seconds: float,
    patience_seconds: float,
    target: ServiceTarget,
    concurrency: int,
    table: _BlockingTable,
) -> int:
    """Walk from `start` slots (in steps of `concurrency`) to the smallest count meeting target.

    Relies on the Erlang A measures improving monotonically with N, which holds for the
    birth-death model (more servers shorten every wait).
    """

    def meets(servers: int) -> bool:
        metrics = erlang_a_metrics(
            servers, load, aht_seconds, patience_seconds, target.answer_seconds, blocking=table.at(servers)
        )
        return target.is_met_by(metrics)

    servers = start
    if meets(servers):
        while servers > concurrency and meets(servers - concurrency):
            servers -= concurrency
        return servers
    limit = 10 * start + 1000
    while not meets(servers):
        servers += concurrency
        if servers > limit:
            raise ValueError(f"target not reachable with {limit // concurrency} agents")
    return servers
