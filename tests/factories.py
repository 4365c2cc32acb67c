"""Test data made through the real services, so tests exercise the same paths as users."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from frontline.accounts.auth import issue_token
from frontline.accounts.models import Team, User
from frontline.accounts.schemas import TeamCreate, UserCreate
from frontline.accounts.security import hash_password
from frontline.accounts.service import create_team, create_user
from frontline.kit.db import Database

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test run


@dataclass
class Agent:
    user: User
    token: str
    headers: dict[str, str] = field(default_factory=dict)


def make_team(database: Database, name: str | None = None, line: str | None = "L1") -> Team:
    with database.session() as db:
        return create_team(db, TeamCreate(name=name or f"Team {next(_seq)}", line=line), actor_id=None)


def make_agent(
    database: Database, *, role: str = "agent", teams: list[Team] | None = None, line: str | None = "L1",
    scopes: list[str] | None = None, token_ttl: timedelta | None = None, email: str | None = None,
) -> Agent:
    with database.session() as db:
        user = create_user(
            db,
            UserCreate(
                email=email or f"agent{next(_seq)}@desk.example", name=f"Agent {next(_seq)}", role=role, line=line,
                team_ids=[t.id for t in teams or []],
            ),
            actor_id=None,
        )
        user.password_hash = _PASSWORD_HASH
        _, secret = issue_token(db, user, name="test", scopes=scopes or ["read", "write", "admin"], ttl=token_ttl)
    return Agent(user=user, token=secret, headers={"Authorization": f"Bearer {secret}"})


@dataclass
class Desk:
    """Two teams (L1 and L2) with one agent each, plus an admin and a supervisor."""

    l1: Team
    l2: Team
    admin: Agent
    supervisor: Agent
    agent1: Agent
    agent2: Agent


def make_desk(database: Database) -> Desk:
    l1 = make_team(database, "First line", "L1")
    l2 = make_team(database, "Second line", "L2")
    return Desk(
        l1=l1,
        l2=l2,
        admin=make_agent(database, role="admin", line=None),
        supervisor=make_agent(database, role="supervisor", line=None),
        agent1=make_agent(database, teams=[l1], line="L1"),
        agent2=make_agent(database, teams=[l2], line="L2"),
    )


def ticket_payload(**overrides: object) -> dict[str, object]:
    n = next(_seq)
    body: dict[str, object] = {
        "subject": f"Cannot log in #{n}",
        "description": "Since this morning the login page says my password is wrong.",
        "customer": {"email": f"customer{n}@client.example", "name": f"Customer {n}"},
        "priority": "normal",
    }
    body.update(overrides)
    return body


def make_organisation(database: Database, name: str | None = None, domains: list[str] | None = None) -> int:
    """An organisation (a customer company) claiming the given e-mail domains; returns its id."""
    from frontline.contacts.schemas import OrganisationCreate
    from frontline.contacts.service import create_organisation

    with database.session() as db:
        return create_organisation(db, OrganisationCreate(name=name or f"Company {next(_seq)}",
                                                          domains=domains or [])).id
