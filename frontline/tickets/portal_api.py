"""Customer-facing endpoints reached through a signed per-ticket link: no account, one ticket."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

from frontline.accounts.deps import DB, AppSettings
from frontline.accounts.principal import Principal
from frontline.kit.errors import NotFound
from frontline.kit.openapi import BINARY, raises
from frontline.tickets import messages as conversation
from frontline.tickets.access import access_ticket
from frontline.tickets.downloads import attachment_response
from frontline.tickets.links import customer_for_link
from frontline.tickets.models import Attachment, Message, Status
from frontline.tickets.present import messages_out, ticket_number
from frontline.tickets.schemas import AttachmentOut, CustomerMessageCreate, MessageOut, PortalTicketOut
from frontline.tickets.service import set_status

router = APIRouter(prefix="/portal", tags=["customer portal"])


@raises(401)
def link_principal(link: str, db: DB, settings: AppSettings) -> Principal:
    """The customer behind a link that is still valid (not expired, revoked, or for a former customer)."""
    return customer_for_link(db, settings, link)[0]


Customer = Annotated[Principal, Depends(link_principal)]


def _view(db: DB, customer: Principal, prefix: str) -> PortalTicketOut:
    ticket = access_ticket(db, customer, customer.ticket_id or 0)
    messages = conversation.list_messages(db, ticket.id, public_only=True)
    return PortalTicketOut(
        number=ticket_number(prefix, ticket.id), subject=ticket.subject, status=ticket.status,
        created_at=ticket.created_at, messages=messages_out(db, messages),
    )


@router.get("/{link}", response_model=PortalTicketOut)
def view_ticket(db: DB, customer: Customer, settings: AppSettings) -> PortalTicketOut:
    """The ticket and its public conversation (internal notes are never shown)."""
    return _view(db, customer, settings.ticket_prefix)


@router.post("/{link}/messages", status_code=201, response_model=MessageOut)
def reply(body: CustomerMessageCreate, customer: Customer, db: DB) -> MessageOut:
    ticket = access_ticket(db, customer, customer.ticket_id or 0)
    message_id = conversation.add_customer_message(
        db, ticket, body.body_text, customer, attachment_ids=body.attachment_ids, channel="portal"
    )
    message = db.get(Message, message_id)
    assert message is not None
    return messages_out(db, [message])[0]


@router.post("/{link}/solve", response_model=PortalTicketOut)
def mark_solved(customer: Customer, db: DB, settings: AppSettings) -> PortalTicketOut:
    ticket = access_ticket(db, customer, customer.ticket_id or 0)
    set_status(db, ticket, Status.solved, customer)
    return _view(db, customer, settings.ticket_prefix)


@router.post("/{link}/attachments", status_code=201, response_model=AttachmentOut)
def upload(customer: Customer, db: DB, settings: AppSettings, file: UploadFile = File(...)) -> AttachmentOut:
    ticket = access_ticket(db, customer, customer.ticket_id or 0)
    attachment = conversation.upload_attachment(
        db, settings.data_dir, ticket, file.file, filename=file.filename, content_type=file.content_type,
        limit=settings.max_attachment_bytes, uploader_id=None,
    )
    return AttachmentOut.model_validate(attachment)


@router.get("/{link}/attachments/{attachment_id}", response_class=Response, responses=BINARY)
def download(attachment_id: int, db: DB, customer: Customer, settings: AppSettings) -> Response:
    attachment = db.get(Attachment, attachment_id)
    public = {m.id for m in conversation.list_messages(db, customer.ticket_id or 0, public_only=True)}
    if attachment is None or attachment.ticket_id != customer.ticket_id or attachment.message_id not in public:
        raise NotFound(f"No attachment {attachment_id}.")
    return attachment_response(settings.data_dir, attachment)
