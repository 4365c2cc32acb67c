"""Shared helpers of the planner tests: ticket history in the desk and hand-made plan documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update

from frontline.kit.db import Database
from frontline.tickets.create import create_ticket
from frontline.tickets.models import Ticket
from frontline.tickets.schemas import TicketCreate

CHANNELS = ("phone", "email", "chat")


def add_history(database: Database, team_id: int, *, days: int = 8, per_day: int = 12) -> int:
    """`days` complete days of tickets before today (UTC), spread over the day, rotating channels."""
    first = datetime.combine(date.today() - timedelta(days=days), datetime.min.time(), tzinfo=UTC)
    made = 0
    with database.session() as db:
        for day in range(days):
            for k in range(per_day):
                at = first + timedelta(days=day, minutes=int((k + 0.5) * 1440 / per_day))
                body = {"subject": f"Question {made}", "description": "Please help.", "team_id": team_id,
                        "customer": {"email": f"c{made % 7}@client.example", "name": "Customer"},
                        "channel": CHANNELS[made % len(CHANNELS)]}
                ticket = create_ticket(db, None, TicketCreate.model_validate(body))
                db.execute(update(Ticket).where(Ticket.id == ticket.id).values(created_at=at))
                made += 1
    return made


def roster_doc(team_id: int, agent_id: int, *, shift_day: date, shift_start: str, length: int = 480,
               tz: str = "UTC") -> dict[str, Any]:
    """A one-agent plan document with one shift; the horizon starts the day before `shift_day`."""
    return {
        "team_id": team_id, "timezone": tz, "start": (shift_day - timedelta(days=1)).isoformat(), "weeks": 1,
        "templates": [{"name": "s", "start": shift_start, "length_minutes": length, "kind": "day"}],
        "agents": [{"id": str(agent_id), "name": "A", "line": "L1", "contract_hours": 8, "skills": []}],
        "assignments": [{"agent_id": str(agent_id), "day": shift_day.isoformat(), "shift": "s"}],
        "required": [0] * 336,
    }


def add_arrivals(database: Database, team_id: int, *, days: int = 28, mean_daily: float = 50.0,
                 tz: str = "Europe/Moscow", seed: int = 3) -> int:
    """`days` complete local days of realistic arrivals (intraday curve, weekends) before today, as tickets."""
    from frontline.workforce.arrivals import generate_arrivals

    today = datetime.now(UTC).date()
    arrivals = generate_arrivals(today - timedelta(days=days), today, mean_daily=mean_daily, tz=tz, seed=seed,
                                 monthly_growth=0.0)
    with database.session() as db:
        for n, arrival in enumerate(arrivals):
            body = {"subject": f"Question {n}", "description": "Please help.", "team_id": team_id,
                    "customer": {"email": f"c{n % 29}@client.example", "name": "Customer"},
                    "channel": arrival.channel}
            ticket = create_ticket(db, None, TicketCreate.model_validate(body))
            db.execute(update(Ticket).where(Ticket.id == ticket.id).values(created_at=arrival.at))
    return len(arrivals)
