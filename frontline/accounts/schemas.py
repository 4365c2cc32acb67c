"""API shapes for agents, teams and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field

from frontline.accounts.models import Availability, Line, Role
from frontline.accounts.principal import Scope
from frontline.kit.schemas import Id, Input, Output


class UserCreate(Input):
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.agent
    line: Line | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    language: str = Field(default="en", pattern="^(en|ru)$")
    timezone: str = "UTC"
    skills: list[str] = Field(default_factory=list, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=20)
    capacity: int | None = Field(default=None, ge=0, le=1000)
    team_ids: list[Id] = Field(default_factory=list, max_length=100)


class UserUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    line: Line | None = None
    is_active: bool | None = None
    language: str | None = Field(default=None, pattern="^(en|ru)$")
    timezone: str | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    availability: Availability | None = None
    capacity: int | None = Field(default=None, ge=0, le=1000)
    team_ids: list[Id] | None = Field(default=None, max_length=100)


class PasswordChange(Input):
    current_password: str
    new_password: str = Field(min_length=8, max_length=200)


class UserOut(Output):
    id: int
    email: str
    name: str
    role: str
    line: str | None
    is_active: bool
    language: str
    timezone: str
    skills: list[str]
    languages: list[str]
    availability: str
    capacity: int | None
    team_ids: list[int] = Field(default_factory=list)
    created_at: datetime
    last_login_at: datetime | None


class TeamCreate(Input):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    line: Line | None = None
    member_ids: list[Id] = Field(default_factory=list, max_length=1000)
    is_default: bool = False  # takes every new ticket nothing else gave a team (at most one team)


class TeamUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = None
    line: Line | None = None
    member_ids: list[Id] | None = Field(default=None, max_length=1000)
    is_default: bool | None = None


class TeamOut(Output):
    id: int
    name: str
    description: str
    line: str | None
    is_default: bool = False
    member_ids: list[int] = Field(default_factory=list)


class TokenCreate(Input):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[Scope] = Field(default_factory=lambda: [Scope.read, Scope.write])
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(Output):
    id: int
    user_id: int
    name: str
    kind: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown once; store it now.")


class LoginIn(Input):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


class LoginOut(Output):
    token: str
    expires_at: datetime | None
    user: UserOut
