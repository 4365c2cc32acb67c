"""Shared building blocks of the queueing formulas: input checks, offered load, Erlang B.

Kept apart from `erlang.py` (Erlang C and staffing search) and `erlang_a.py` (abandonment model)
so that both can use them without importing each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one queue for one interval.

    `servers` counts service slots: agents x chat concurrency. `service_level` is the share of
    offered contacts answered within the target time; `asa_seconds` is the mean wait of answered
    contacts (infinite when the queue is unstable); `occupancy` is busy slot time / staffed slot time.
    """

    servers: int
    load_erlangs: float
    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float
    p_abandon: float = 0.0


def check_non_negative(name: str, value: float) -> None:
    """Reject negative or non-finite numbers with a message naming the argument."""
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def check_positive(name: str, value: float) -> None:
    """Reject zero, negative or non-finite numbers."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def check_servers(servers: int) -> None:
    """Servers must be a non-negative whole number (bool is not accepted)."""
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 0:
        raise ValueError(f"servers must be an int >= 0, got {servers!r}")


def check_shrinkage(shrinkage: float) -> None:
    """Shrinkage is the share of paid time not available for contacts: 0 <= s < 1."""
    if not math.isfinite(shrinkage) or not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")


def offered_load(volume: float, aht_seconds: float, interval_seconds: float = 1800.0) -> float:
    """Offered traffic in Erlangs: contacts x handle time / interval length."""
    check_non_negative("volume", volume)
    check_positive("aht_seconds", aht_seconds)
    check_positive("interval_seconds", interval_seconds)
    return volume * aht_seconds / interval_seconds


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/N/N by the recursion B(n) = A B(n-1) / (n + A B(n-1)).

    The recursion never forms A^N or N!, so it neither overflows nor loses precision for
    thousands of servers; B only underflows gracefully towards 0 when N >> A.
    """
    check_servers(servers)
    check_non_negative("load", load)
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c_from_b(servers: int, load: float, blocking: float) -> float:
    """Erlang C (probability of waiting) from Erlang B at the same N and A.

    C = N B / (N - A (1 - B)); every arrival waits (C = 1) once N <= A.
    """
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    return servers * blocking / (servers - load * (1.0 - blocking))


def scheduled_staff(agents: int, shrinkage: float) -> int:
    """Paid staff needed so that `agents` remain after shrinkage: ceil(N / (1 - s))."""
    check_shrinkage(shrinkage)
    if agents == 0:
        return 0
    # The small tolerance keeps exact quotients such as 14 / 0.7 from rounding up to 21.
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)
