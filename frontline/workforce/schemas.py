"""Request bodies of the planner API (responses are plan documents, see document.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from frontline.kit.schemas import Id, NoNul

if TYPE_CHECKING:
    from frontline.workforce.planning import PlanOptions


class PlanIn(NoNul):
    """Which team, which weeks, and the service targets (what-if factors scale volume and handle time)."""

    team_id: Id
    start: date | None = Field(default=None, description="First day (default: next Monday).")
    weeks: int = Field(default=1, ge=1, le=6)
    service_level: float = Field(default=0.8, gt=0, lt=1)
    answer_seconds: float = Field(default=20.0, gt=0, le=3600)
    shrinkage: float = Field(default=0.3, ge=0, lt=1)
    first_response_hours: float = Field(default=4.0, gt=0, le=168, description="At most a week.")
    volume_factor: float = Field(default=1.0, gt=0, le=10)
    aht_factor: float = Field(default=1.0, gt=0, le=10)

    def options(self) -> PlanOptions:
        from frontline.workforce.planning import PlanOptions

        return PlanOptions(self.service_level, self.answer_seconds, self.shrinkage, self.first_response_hours,
                           self.volume_factor, self.aht_factor)


class BuildIn(PlanIn):
    time_limit_s: float = Field(default=10.0, gt=0, le=120)
    explain: bool = True


class PublishIn(NoNul):
    plan: dict[str, Any] = Field(
        description="A plan document as returned by schedules/build (assignments may be edited).")
    force: bool = Field(default=False, description="Publish even when the checker reports broken rules.")


class CheckIn(NoNul):
    """Check a plan document, or a schedule CSV (agent_id,date,shift) against a published schedule's plan."""

    plan: dict[str, Any] | None = None
    schedule_id: Id | None = None
    csv: str | None = Field(default=None, max_length=2_000_000)


class SimulateIn(NoNul):
    plan: dict[str, Any] | None = None
    schedule_id: Id | None = None
    day: int = Field(default=0, ge=0, le=41)
    replications: int = Field(default=20, ge=2, le=200)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class WhatIfIn(SimulateIn):
    scenario: Literal["volume", "handle_time", "sick"] = "volume"
    factor: float | None = Field(default=None, gt=0, le=10)


class HandleTimeIn(NoNul):
    channel: str = Field(min_length=1, max_length=12)
    aht_seconds: float = Field(gt=0, le=86_400)


class ContractIn(NoNul):
    """An agent's weekly contract: each week of a schedule stays within [hours - below, hours + above]."""

    contract_hours: float = Field(gt=0, le=80)
    hours_below: float = Field(default=4.0, ge=0, le=80)
    hours_above: float = Field(default=4.0, ge=0, le=40)
