"""API shapes for tickets, messages, attachments and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import EmailStr, Field, model_validator

from frontline.accounts.models import Line
from frontline.kit.schemas import Id, Input, Output
from frontline.tickets.models import Channel, Status

PriorityName = Literal["low", "normal", "high", "urgent"]
TagName = Field(min_length=1, max_length=80, pattern=r"^[^\s,]+$")


class CustomerRef(Input):
    email: EmailStr
    name: str = Field(default="", max_length=200)


class TicketCreate(Input):
    subject: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=200_000)
    description_html: str | None = Field(default=None, max_length=1_000_000)
    customer: CustomerRef | None = None
    contact_id: Id | None = None
    priority: PriorityName = "normal"
    status: Literal["new", "open", "pending", "on_hold"] = "new"
    channel: Channel = Channel.api
    category: str | None = Field(default=None, max_length=120)
    tags: list[str] = Field(default_factory=list, max_length=50)
    team_id: Id | None = None
    line: Line | None = None
    assignee_id: Id | None = None

    @model_validator(mode="after")
    def _one_customer(self) -> TicketCreate:
        if self.customer is not None and self.contact_id is not None:
            raise ValueError("Give either 'customer' or 'contact_id', not both.")
        return self


class TicketUpdate(Input):
    """Only the fields present in the body change; `null` clears a clearable field."""

    subject: str | None = Field(default=None, min_length=1, max_length=500)
    status: Status | None = None
    priority: PriorityName | None = None
    category: str | None = Field(default=None, max_length=120)
    tags: list[str] | None = Field(default=None, max_length=50)
    team_id: Id | None = None
    line: Line | None = None
    assignee_id: Id | None = None
    contact_id: Id | None = None


class TicketOut(Output):
    id: int
    number: str
    subject: str
    status: str
    priority: str
    channel: str
    category: str | None
    tags: list[str]
    contact_id: int | None
    organisation_id: int | None
    team_id: int | None
    line: str | None
    assignee_id: int | None
    merged_into: str | None
    reopen_count: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None


class TicketCreated(TicketOut):
    customer_link: str | None = Field(description="Private link for the customer to follow this ticket.")


class MessageCreate(Input):
    kind: Literal["reply", "note"] = "reply"
    body_text: str = Field(default="", max_length=200_000)
    body_html: str | None = Field(default=None, max_length=1_000_000)
    attachment_ids: list[Id] = Field(default_factory=list, max_length=50)
    status: Status | None = Field(default=None, description="Set the ticket's status with this message.")

    @model_validator(mode="after")
    def _has_body(self) -> MessageCreate:
        if not self.body_text.strip() and not (self.body_html or "").strip() and not self.attachment_ids:
            raise ValueError("A message needs a text, an HTML body or an attachment.")
        return self


class CustomerMessageCreate(Input):
    body_text: str = Field(min_length=1, max_length=200_000)
    attachment_ids: list[Id] = Field(default_factory=list, max_length=50)


class AttachmentOut(Output):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    message_id: int | None
    created_at: datetime


class MessageOut(Output):
    id: int
    ticket_id: int
    kind: str
    channel: str
    author_user_id: int | None
    author_contact_id: int | None
    body_text: str
    body_html: str | None
    meta: dict[str, Any] | None
    delivery_status: str | None
    created_at: datetime
    attachments: list[AttachmentOut] = Field(default_factory=list)


class EventOut(Output):
    id: int
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None
    actor_kind: str
    actor_user_id: int | None
    actor_contact_id: int | None
    data: dict[str, Any] | None
    created_at: datetime


class MergeIn(Input):
    into: str = Field(description="Number or id of the ticket that survives, e.g. FL-10042.")


class CustomerLinkOut(Output):
    url: str
    token: str


class PortalTicketOut(Output):
    number: str
    subject: str
    status: str
    created_at: datetime
    messages: list[MessageOut]
