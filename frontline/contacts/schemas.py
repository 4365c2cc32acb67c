"""API shapes for contacts and organisations."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from frontline.contacts.models import IdentityKind
from frontline.kit.schemas import Id, Input, Output


class IdentityIn(Input):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)


class IdentityOut(Output):
    kind: str
    value: str
    pending_since: datetime | None = Field(
        default=None, description="Set while a new address waits for the customer's confirmation.")


class ContactCreate(Input):
    name: str = Field(default="", max_length=200)
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    identities: list[IdentityIn] = Field(default_factory=list, max_length=20)
    language: str | None = Field(default=None, max_length=10)
    time_zone: str | None = Field(default=None, max_length=64, description="An IANA name, e.g. Europe/Moscow.")
    organisation_id: Id | None = None
    notes: str = Field(default="", max_length=20000)


class ContactUpdate(Input):
    name: str | None = Field(default=None, max_length=200)
    emails: list[str] | None = Field(default=None, max_length=20)
    phones: list[str] | None = Field(default=None, max_length=20)
    identities: list[IdentityIn] | None = Field(default=None, max_length=20)
    language: str | None = Field(default=None, max_length=10)
    time_zone: str | None = Field(default=None, max_length=64, description="An IANA name, e.g. Europe/Moscow.")
    organisation_id: Id | None = None
    notes: str | None = Field(default=None, max_length=20000)


class ContactMerge(Input):
    into: Id = Field(description="The contact that stays; this one's tickets, identities and notes move to it.")


class ContactOut(Output):
    id: int
    name: str
    language: str | None
    time_zone: str | None = None
    organisation_id: int | None
    notes: str
    identities: list[IdentityOut] = Field(default_factory=list)
    created_at: datetime


class OrganisationCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    domains: list[str] = Field(default_factory=list, max_length=50)
    tier: str = Field(default="standard", max_length=30)
    notes: str = Field(default="", max_length=20000)


class OrganisationUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    domains: list[str] | None = Field(default=None, max_length=50)
    tier: str | None = Field(default=None, max_length=30)
    notes: str | None = Field(default=None, max_length=20000)


class OrganisationOut(Output):
    id: int
    name: str
    domains: list[str]
    tier: str
    notes: str
    created_at: datetime
