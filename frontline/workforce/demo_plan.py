"""Give the demo desk a planner: a forecast, a staffing plan and a published schedule per team."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select

from frontline.accounts.models import Team
from frontline.kit.db import Database
from frontline.kit.errors import FrontlineError
from frontline.kit.settings import Settings, get_settings

SOLVE_SECONDS = 6.0  # per team; four demo teams stay well under a minute with their forecasts


def publish_demo_plans(database: Database, *, settings: Settings | None = None, console: Console | None = None,
                       weeks: int = 1) -> int:
    """Plan and publish next week for every team with history; returns how many were published."""
    from frontline.workforce import service
    from frontline.workforce.planning import PlanOptions, next_monday
    from frontline.workforce.schedule import Horizon

    settings = settings or get_settings()
    horizon = Horizon(next_monday(service.local_today(settings.planner_timezone)), weeks)
    with database.session(write=False) as db:
        teams = list(db.execute(select(Team.id, Team.name).order_by(Team.id)).all())
    published = 0
    for team_id, name in teams:
        try:
            with database.session(write=False) as db:
                plan = service.plan_team(db, settings, team_id, horizon, PlanOptions())
                doc = service.plan_document(plan, service.team_agents(db, team_id), PlanOptions())
            doc = service.solve_document(doc, time_limit_s=SOLVE_SECONDS, explain=False)
            with database.session() as db:
                service.publish(db, doc, actor_id=None, force=True)
            published += 1
        except FrontlineError as exc:  # a team without history or agents: nothing to plan
            if console is not None:
                console.print(f"Planner: {name} skipped ({exc.detail})")
    return published
