"""A plan as a JSON document: what is stored on publish, served by the API and read back by the checker.

Kept as one plain dict so a published schedule can be exported, re-checked and shown exactly as it
was published, even after the team's agents or the shift templates change.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from frontline.workforce.schedule import (
    Agent,
    Assignment,
    CheckReport,
    Horizon,
    Line,
    Schedule,
    ScheduleProblem,
    ShiftKind,
    ShiftTemplate,
    StaffingRequirement,
)

Document = dict[str, Any]


def templates_json(templates: tuple[ShiftTemplate, ...]) -> list[dict[str, Any]]:
    return [{"name": t.name, "start": t.start.strftime("%H:%M"), "length_minutes": t.length_minutes,
             "kind": str(t.kind)} for t in templates]


def agents_json(agents: tuple[Agent, ...]) -> list[dict[str, Any]]:
    return [{"id": a.id, "name": a.name, "line": str(a.line), "contract_hours": a.contract_hours,
             "hours_below": a.hours_below, "hours_above": a.hours_above, "skills": sorted(a.skills)} for a in agents]


def assignments_json(schedule: Schedule) -> list[dict[str, str]]:
    return [{"agent_id": a.agent_id, "day": a.day.isoformat(), "shift": a.shift} for a in sorted(schedule.assignments)]


def templates_of(doc: Document) -> tuple[ShiftTemplate, ...]:
    return tuple(ShiftTemplate(t["name"], time.fromisoformat(t["start"]), int(t["length_minutes"]),
                               ShiftKind(t["kind"])) for t in doc["templates"])


def agents_of(doc: Document) -> tuple[Agent, ...]:
    """Agents with their weekly contract band (documents from before per-agent bands get the default 4 h)."""
    return tuple(Agent(str(a["id"]), a["name"], Line(a["line"]), float(a["contract_hours"]),
                       frozenset(a.get("skills", [])), hours_below=float(a.get("hours_below", 4.0)),
                       hours_above=float(a.get("hours_above", 4.0))) for a in doc["agents"])


def schedule_of(doc: Document) -> Schedule:
    return Schedule(tuple(Assignment(str(a["agent_id"]), date.fromisoformat(a["day"]), a["shift"])
                          for a in doc["assignments"]))


def horizon_of(doc: Document) -> Horizon:
    return Horizon(date.fromisoformat(doc["start"]), int(doc["weeks"]))


def problem_of(doc: Document) -> ScheduleProblem:
    """The scheduling problem the document was built for (default labour rules)."""
    return ScheduleProblem(horizon_of(doc), agents_of(doc), templates_of(doc),
                           StaffingRequirement(tuple(int(v) for v in doc["required"])))


def violations_json(report: CheckReport) -> list[dict[str, Any]]:
    return [{"rule": str(v.rule), "agent_id": v.agent_id, "dates": [d.isoformat() for d in v.dates],
             "message": v.message} for v in report.violations]
