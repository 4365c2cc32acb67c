"""Shift scheduling: CP-SAT solver, independent checker, explanations, CSV/iCalendar.

See docs/workforce-schedule.md. Everything here is pure: dataclasses in,
dataclasses (or text, for `io`) out; no database and no file access.
"""

from frontline.workforce.schedule.checker import CheckReport, Violation, check_schedule
from frontline.workforce.schedule.explain import Explanation, RelaxationOutcome, explain
from frontline.workforce.schedule.model import (
    Agent,
    Assignment,
    Horizon,
    LabourRules,
    Line,
    NightWindow,
    ObjectiveWeights,
    RuleFamily,
    Schedule,
    ScheduleProblem,
    ShiftKind,
    ShiftTemplate,
    StaffingRequirement,
)
from frontline.workforce.schedule.solver import SolveResult, SolveStatus, solve

__all__ = [
    "Agent",
    "Assignment",
    "CheckReport",
    "Explanation",
    "Horizon",
    "LabourRules",
    "Line",
    "NightWindow",
    "ObjectiveWeights",
    "RelaxationOutcome",
    "RuleFamily",
    "Schedule",
    "ScheduleProblem",
    "ShiftKind",
    "ShiftTemplate",
    "SolveResult",
    "SolveStatus",
    "StaffingRequirement",
    "Violation",
    "check_schedule",
    "explain",
    "solve",
]
