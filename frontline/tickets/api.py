"""REST endpoints for tickets, their conversation, history and attachments. Thin: services do the work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Header, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session

from frontline.accounts.auth import authenticate_token, ticket_link_token
from frontline.accounts.deps import DB, AppSettings, Bearer, Reader, Writer, only_query
from frontline.accounts.models import Line
from frontline.accounts.principal import Principal, Scope
from frontline.kit import idempotency
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.openapi import BINARY, raises
from frontline.kit.schemas import Id, Page, Timestamp
from frontline.kit.settings import Settings
from frontline.tickets import messages as conversation
from frontline.tickets import service
from frontline.tickets.access import access_ticket
from frontline.tickets.create import create_ticket as create_ticket_row
from frontline.tickets.customers import can_see_contact
from frontline.tickets.downloads import attachment_response
from frontline.tickets.links import revoke_links
from frontline.tickets.models import Attachment, Status, Ticket, TicketEvent
from frontline.tickets.present import messages_out, ticket_fields, ticket_out, tickets_out
from frontline.tickets.query import TicketFilter, list_tickets
from frontline.tickets.rows import TicketRow
from frontline.tickets.schemas import (
    AttachmentOut,
    CustomerLinkOut,
    EventOut,
    MergeIn,
    MessageCreate,
    MessageOut,
    PriorityName,
    TicketCreate,
    TicketCreated,
    TicketOut,
    TicketUpdate,
)

router = APIRouter(tags=["tickets"])

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retry-safe creation: the same key returns the same result."),
]
LIST_PARAMS = (
    "status", "priority", "team_id", "line", "assignee", "tag", "contact_id", "organisation_id",
    "created_after", "created_before", "sort", "cursor", "limit",
)


def _link(settings: Settings, ticket_id: int, contact_id: int | None) -> str:
    token = ticket_link_token(settings, ticket_id=ticket_id, contact_id=contact_id)
    return f"{settings.base_url.rstrip('/')}/portal/t/{token}"


def _created(settings: Settings, new: TicketRow) -> TicketCreated:
    if new.created_at is None:
        raise TypeError("a created ticket's row carries its creation time")
    return TicketCreated(**ticket_fields(settings.ticket_prefix, new, category=new.category, tags=new.tags or []),
                         customer_link=_link(settings, new.id, new.contact_id))


def _check_contact(db: Session, caller: Principal, contact_id: int | None) -> None:
    """A contact the caller cannot see is named as if it did not exist (tickets/customers.py)."""
    if contact_id is not None and not can_see_contact(db, caller, contact_id):
        raise InvalidInput(f"No contact with id {contact_id}.")


def _create_unit(db: Session, settings: Settings, secret: str, body: TicketCreate, key: str | None) -> tuple[
        TicketCreated, bool]:
    caller = authenticate_token(db, secret)
    caller.require_scope(Scope.write)
    claim: idempotency.IdempotencyKey | None = None
    if key is not None:
        claimed = idempotency.claim(db, owner=caller.owner_key, key=key, resource="ticket",
                                  fingerprint=idempotency.request_fingerprint(body.model_dump(mode="json")))
        if isinstance(claimed, int):
            ticket = db.get(Ticket, claimed)
            if ticket is None:
                raise NotFound("The ticket created with this Idempotency-Key no longer exists.")
            out = ticket_out(db, ticket, settings.ticket_prefix)
            return TicketCreated(**out.model_dump(), customer_link=_link(settings, ticket.id, ticket.contact_id)), True
        claim = claimed
    _check_contact(db, caller, body.contact_id)
    new = create_ticket_row(db, caller, body)
    if claim is not None:
        claim.resource_id = new.id
        db.flush()
    return _created(settings, new), False


@router.post("/tickets", status_code=201, response_model=TicketCreated)
@raises(401, 403, bearer=True)
async def create_ticket(secret: Bearer, body: TicketCreate, request: Request,
                        idempotency_key: IdempotencyKey = None) -> Response:
    """Open a ticket. With an Idempotency-Key, a retried request returns the ticket of the first one.

    The desk's hottest endpoint: one unit of work, plain SQL, no thread hop on SQLite.
    """
    settings: Settings = request.app.state.settings
    out, replayed = await request.app.state.database.call(
        lambda db: _create_unit(db, settings, secret, body, idempotency_key)
    )
    headers = {"Location": f"/api/v1/tickets/{out.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(out.model_dump_json(), status_code=201, media_type="application/json", headers=headers)


@router.get("/tickets", response_model=Page[TicketOut], dependencies=[Depends(only_query(*LIST_PARAMS))])
def get_tickets(
    db: DB, caller: Reader, settings: AppSettings,
    status: Annotated[list[Status], Query()] = [],  # noqa: B006
    priority: Annotated[list[PriorityName], Query()] = [],  # noqa: B006
    team_id: Annotated[list[Id], Query()] = [],  # noqa: B006
    line: Annotated[list[Line], Query()] = [],  # noqa: B006
    assignee: Annotated[str | None, Query(description="Agent id, 'me' or 'none'.")] = None,
    tag: str | None = None,
    contact_id: Id | None = None,
    organisation_id: Id | None = None,
    created_after: Timestamp | None = None,
    created_before: Timestamp | None = None,
    sort: Annotated[str, Query(description="-created, created, -updated, updated, priority")] = "-created",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[TicketOut]:
    flt = TicketFilter(
        status=[str(s) for s in status], priority=list(priority), team_id=team_id, line=[str(x) for x in line],
        assignee=assignee, tag=tag, contact_id=contact_id, organisation_id=organisation_id,
        created_after=created_after, created_before=created_before,
    )
    rows, next_cursor = list_tickets(db, caller, flt, sort=sort, cursor=cursor, limit=limit)
    return Page[TicketOut](items=tickets_out(db, rows, settings.ticket_prefix), next_cursor=next_cursor)


@router.get("/tickets/{ref}", response_model=TicketOut)
def get_ticket(ref: str, db: DB, caller: Reader, settings: AppSettings) -> TicketOut:
    return ticket_out(db, access_ticket(db, caller, ref), settings.ticket_prefix)


@router.patch("/tickets/{ref}", response_model=TicketOut)
def patch_ticket(ref: str, body: TicketUpdate, db: DB, caller: Writer, settings: AppSettings) -> TicketOut:
    ticket = access_ticket(db, caller, ref)
    if "contact_id" in body.model_fields_set:
        _check_contact(db, caller, body.contact_id)
    ticket = service.update_ticket(db, ticket, body, caller)
    return ticket_out(db, ticket, settings.ticket_prefix)


@router.post("/tickets/{ref}/merge", response_model=TicketOut)
def merge_ticket(ref: str, body: MergeIn, db: DB, caller: Writer, settings: AppSettings) -> TicketOut:
    """Merge this ticket into `into`: its messages and history move; it closes and points to the survivor."""
    source = access_ticket(db, caller, ref)
    target = access_ticket(db, caller, body.into)
    return ticket_out(db, service.merge_tickets(db, source, target, caller), settings.ticket_prefix)


@router.get("/tickets/{ref}/events", response_model=list[EventOut])
def get_events(ref: str, db: DB, caller: Reader) -> list[EventOut]:
    ticket = access_ticket(db, caller, ref)
    rows = db.query(TicketEvent).filter(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id).all()
    return [EventOut.model_validate(e) for e in rows]


@router.get("/tickets/{ref}/messages", response_model=list[MessageOut])
def get_messages(ref: str, db: DB, caller: Reader) -> list[MessageOut]:
    ticket = access_ticket(db, caller, ref)
    return messages_out(db, conversation.list_messages(db, ticket.id))


@router.post("/tickets/{ref}/messages", status_code=201, response_model=MessageOut)
def post_message(ref: str, body: MessageCreate, db: DB, caller: Writer) -> MessageOut:
    ticket = access_ticket(db, caller, ref)
    message = conversation.add_agent_message(db, ticket, body, caller)
    return messages_out(db, [message])[0]


@router.post("/tickets/{ref}/attachments", status_code=201, response_model=AttachmentOut)
def upload(ref: str, db: DB, caller: Writer, settings: AppSettings, file: UploadFile = File(...)) -> AttachmentOut:
    """Upload a file to a ticket; send its id in `attachment_ids` of the message that carries it."""
    ticket = access_ticket(db, caller, ref)
    attachment = conversation.upload_attachment(
        db, settings.data_dir, ticket, file.file, filename=file.filename, content_type=file.content_type,
        limit=settings.max_attachment_bytes, uploader_id=caller.user_id,
    )
    return AttachmentOut.model_validate(attachment)


@router.get("/attachments/{attachment_id}", response_class=Response, responses=BINARY)
def download(attachment_id: Id, db: DB, caller: Reader, settings: AppSettings) -> Response:
    attachment = db.get(Attachment, attachment_id)
    if attachment is None or attachment.ticket_id is None:
        raise NotFound(f"No attachment {attachment_id}.")
    access_ticket(db, caller, attachment.ticket_id)
    return attachment_response(settings.data_dir, attachment)


@router.delete("/tickets/{ref}/customer-link", status_code=204)
def revoke_customer_links(ref: str, db: DB, caller: Writer) -> None:
    """Void every customer link of this ticket issued until now (a new one can be made afterwards)."""
    revoke_links(db, ticket_id=access_ticket(db, caller, ref).id, actor_id=caller.user_id)


@router.post("/tickets/{ref}/customer-link", response_model=CustomerLinkOut)
def customer_link(ref: str, db: DB, caller: Writer, settings: AppSettings) -> CustomerLinkOut:
    """A fresh signed link the customer can use to follow and answer this ticket without an account."""
    ticket = access_ticket(db, caller, ref)
    token = ticket_link_token(settings, ticket_id=ticket.id, contact_id=ticket.contact_id)
    return CustomerLinkOut(url=_link(settings, ticket.id, ticket.contact_id), token=token)
