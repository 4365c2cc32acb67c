"""Builds the demo desk: teams over L1/L2/L3, agents, organisations, customers and months of tickets.

Arrival times come from the workforce planner's synthetic-demand model (intraday curve, weekends,
holidays, growth, spikes) so forecasts and reports have a realistic history. Rows are bulk-inserted
with Core statements: a few thousand tickets take seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, insert, select

from frontline.accounts.auth import issue_token
from frontline.accounts.models import Team, TeamMember, User
from frontline.accounts.security import hash_password
from frontline.contacts.models import Contact, ContactIdentity, Organisation
from frontline.demo import content
from frontline.demo import sla as demo_sla
from frontline.demo.conversation import TicketPlan, plan_ticket
from frontline.demo.credentials import ADMIN_EMAIL, DEMO_PASSWORD, save_demo_token
from frontline.kit.db import Database, utcnow
from frontline.search import service as search
from frontline.tickets.models import Category, Message, Tag, Ticket, TicketEvent, TicketTag
from frontline.workforce.arrivals import generate_arrivals

BATCH = 500


@dataclass
class DemoDesk:
    admin_id: int
    admin_token: str
    team_ids: dict[str, int]
    agents_by_team: dict[str, list[int]]
    tickets: int


def desk_is_empty(database: Database) -> bool:
    with database.session(write=False) as db:
        return not db.scalar(select(func.count()).select_from(User))


def _people(rng: random.Random, lang: str) -> str:
    if lang == "ru":
        first = rng.choice(content.FIRST_RU)
        last = rng.choice(content.LAST_RU)
        return f"{first} {last}{'а' if first in content.FEMALE_RU else ''}"
    return f"{rng.choice(content.FIRST_EN)} {rng.choice(content.LAST_EN)}"


def _staff(db: Any, rng: random.Random) -> tuple[int, dict[str, int], dict[str, list[int]]]:
    password = hash_password(DEMO_PASSWORD)
    admin = User(email=ADMIN_EMAIL, name="Demo Administrator", role="admin", password_hash=password,
                 availability="online")
    supervisor = User(email="supervisor@frontline.demo", name="Ирина Соколова", role="supervisor",
                      password_hash=password, language="ru", timezone="Europe/Moscow", availability="online")
    db.add_all([admin, supervisor])
    team_ids: dict[str, int] = {}
    agents: dict[str, list[int]] = {}
    sizes = {"L1 Support": 6, "Billing": 2, "L2 Technical": 3, "L3 Engineering": 2}
    n = 0
    for name, line, description in content.TEAMS:
        # L1 takes whatever nothing else routes (an API ticket without a team, say): routing/hotpath.py
        team = Team(name=name, line=line, description=description, is_default=name == "L1 Support")
        db.add(team)
        db.flush()
        team_ids[name] = team.id
        agents[name] = []
        for _ in range(sizes[name]):
            n += 1
            lang = "ru" if n % 3 else "en"
            user = User(
                email=f"agent{n}@frontline.demo", name=_people(rng, lang), role="agent", line=line,
                password_hash=password, language=lang, timezone="Europe/Moscow" if lang == "ru" else "Europe/London",
                languages=["ru", "en"] if lang == "ru" else ["en"], skills=[name.split()[0].lower()],
                availability=rng.choice(["online", "online", "away", "offline"]), capacity=12,
            )
            db.add(user)
            db.flush()
            db.add(TeamMember(team_id=team.id, user_id=user.id))
            agents[name].append(user.id)
    db.add(TeamMember(team_id=team_ids["L1 Support"], user_id=supervisor.id))
    db.flush()
    return admin.id, team_ids, agents


def _customers(db: Any, rng: random.Random, count: int) -> list[tuple[int, str, str, int | None]]:
    org_ids = []
    for name, domain, tier in content.ORGANISATIONS:
        org = Organisation(name=name, domains=[domain], tier=tier)
        db.add(org)
        db.flush()
        org_ids.append((org.id, domain))
    customers = []
    for i in range(count):
        lang = "ru" if rng.random() < 0.6 else "en"
        name = _people(rng, lang)
        member_of = rng.choice(org_ids) if rng.random() < 0.5 else None
        domain = member_of[1] if member_of else rng.choice(["mail.example", "inbox.example", "post.example"])
        contact = Contact(name=name, language=lang, organisation_id=member_of[0] if member_of else None)
        db.add(contact)
        db.flush()
        db.add(ContactIdentity(contact_id=contact.id, kind="email", value=f"client{i + 1}@{domain}"))
        if rng.random() < 0.3:
            db.add(ContactIdentity(contact_id=contact.id, kind="phone", value=f"+7999{rng.randrange(10**7):07d}"))
        customers.append((contact.id, name, lang, member_of[0] if member_of else None))
    db.flush()
    for offset in range(0, len(customers), BATCH):
        search.index(db, search.contact_docs(db, [c[0] for c in customers[offset:offset + BATCH]]))
    return customers


def _lookup_ids(db: Any) -> tuple[dict[str, int], dict[str, int]]:
    categories = {}
    for topic in content.TOPICS:
        category = Category(name=topic.category)
        db.add(category)
        db.flush()
        categories[topic.category] = category.id
    tags = {}
    for name in sorted({t for topic in content.TOPICS for t in topic.tags} | {"vip", "escalated", "repeat"}):
        tag = Tag(name=name)
        db.add(tag)
        db.flush()
        tags[name] = tag.id
    return categories, tags


def _insert_plans(db: Any, plans: list[TicketPlan], tags: dict[str, int]) -> None:
    ids = db.execute(
        insert(Ticket).returning(Ticket.id, sort_by_parameter_order=True), [p.ticket for p in plans]
    ).scalars().all()
    messages: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    ticket_tags: list[dict[str, Any]] = []
    for ticket_id, plan in zip(ids, plans, strict=True):
        messages += [{**m, "ticket_id": ticket_id} for m in plan.messages]
        events += [{**e, "ticket_id": ticket_id} for e in plan.events]
        ticket_tags += [{"ticket_id": ticket_id, "tag_id": tags[t]} for t in plan.tags]
    message_ids = db.execute(
        insert(Message).returning(Message.id, sort_by_parameter_order=True), messages
    ).scalars().all() if messages else []
    for model, rows in ((TicketEvent, events), (TicketTag, ticket_tags)):
        if rows:
            db.execute(insert(model), rows)
    # Bulk rows pass no ticket listener: the history is indexed here, like every other write.
    search.index(db, [search.ticket_doc(ticket_id, plan.ticket["subject"])
                      for ticket_id, plan in zip(ids, plans, strict=True)])
    search.index(db, [search.message_doc(message_id, m["ticket_id"], m["body_text"])
                      for message_id, m in zip(message_ids, messages, strict=True)])


def build_demo(database: Database, *, tickets: int, months: int, seed: int, console: Console | None = None) -> str:
    rng = random.Random(seed)
    end = date.today() + timedelta(days=1)
    start = end - timedelta(days=int(months * 30.4))
    with database.session() as db:
        admin_id, team_ids, agents = _staff(db, rng)
        customers = _customers(db, rng, max(50, tickets // 6))
        categories, tags = _lookup_ids(db)
        admin = db.get(User, admin_id)
        assert admin is not None
        _, secret = issue_token(db, admin, name="demo token", scopes=["read", "write", "admin"])
        demo_sla.add_policies(db)
    mean_daily = tickets / max(1, (end - start).days) / 1.09  # growth lifts the average; aim at `tickets`
    arrivals = [a for a in generate_arrivals(start, end, mean_daily=mean_daily, seed=seed) if a.at <= utcnow()]
    now = utcnow()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Creating demo tickets", total=len(arrivals))
        for offset in range(0, len(arrivals), BATCH):
            chunk = arrivals[offset:offset + BATCH]
            plans = [
                plan_ticket(rng, arrival.at, arrival.channel, now=now, customers=customers, team_ids=team_ids,
                            agents=agents, categories=categories)
                for arrival in chunk
            ]
            with database.session() as db:
                _insert_plans(db, plans, tags)
            progress.advance(task, len(chunk))
    with database.session() as db:
        demo_sla.start_open_clocks(db)
    save_demo_token(secret)
    from frontline.workforce.demo_plan import publish_demo_plans

    publish_demo_plans(database, console=console)
    return (f"Demo desk ready: {len(arrivals)} tickets since {start}, {sum(map(len, agents.values()))} agents in "
            f"{len(team_ids)} teams, {len(customers)} customers.")
