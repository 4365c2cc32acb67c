"""The customer portal: submit a request, then follow it through a private signed link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontline.accounts.auth import authenticate_ticket_link, ticket_link_token
from frontline.accounts.deps import DB, AppSettings
from frontline.accounts.principal import Principal
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.settings import Settings
from frontline.tickets import messages as conversation
from frontline.tickets.access import access_ticket
from frontline.tickets.create import create_ticket
from frontline.tickets.downloads import attachment_response
from frontline.tickets.models import Attachment, Channel, Message, Ticket
from frontline.tickets.schemas import TicketCreate
from frontline.tickets.service import set_status
from frontline.web import timeline
from frontline.web.i18n import _
from frontline.web.ratelimit import RateLimiter
from frontline.web.render import render
from frontline.web.session import verify_csrf, visitor_language

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=[Depends(verify_csrf)])
SUBMISSIONS_PER_WINDOW = 5
WINDOW_SECONDS = 600.0


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if not hasattr(state, "portal_limiter"):
        state.portal_limiter = RateLimiter(SUBMISSIONS_PER_WINDOW, WINDOW_SECONDS)
    limiter: RateLimiter = state.portal_limiter
    return limiter


@router.get("")
def portal_form(request: Request) -> Response:
    visitor_language(request)
    return render(request, "portal_form.html", {"error": "", "form": {}})


def _attach(db: Session, settings: Settings, ticket: Ticket, message_id: int | None,
            files: list[UploadFile] | None) -> list[int]:
    ids = []
    for f in files or []:
        if f.filename:
            att = conversation.upload_attachment(db, settings.data_dir, ticket, f.file, filename=f.filename,
                                                 content_type=f.content_type, limit=settings.max_attachment_bytes,
                                                 uploader_id=None)
            ids.append(att.id)
    if ids and message_id is not None:
        db.execute(update(Attachment).where(Attachment.id.in_(ids)).values(message_id=message_id))
    return ids


@router.post("")
def portal_submit(
    request: Request, db: DB, settings: AppSettings, name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "", subject: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "", website: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    visitor_language(request)
    form = {"name": name, "email": email, "subject": subject, "description": description}
    if website:  # the honeypot: people never see this field, bots fill every field
        return render(request, "portal_received.html", {"number": None, "link": None})
    ip = request.client.host if request.client else "unknown"
    if not _limiter(request).allow(ip):
        return render(request, "portal_form.html", {"form": form, "error": _(
            "You have sent several requests in a short time. Please wait a few minutes.")}, status=429)
    try:
        data = TicketCreate.model_validate({"subject": subject.strip(), "description": description.strip(),
                                            "customer": {"email": email.strip(), "name": name.strip()},
                                            "channel": Channel.portal})
    except ValidationError:
        return render(request, "portal_form.html", {"form": form, "error": _(
            "Please give a valid e-mail address, a subject and a description.")}, status=422)
    if not data.description:
        return render(request, "portal_form.html", {"form": form, "error": _("Please describe your request.")},
                      status=422)
    new = create_ticket(db, None, data)
    ticket = db.get(Ticket, new.id)
    assert ticket is not None
    first = db.scalar(select(Message.id).where(Message.ticket_id == new.id).order_by(Message.id).limit(1))
    _attach(db, settings, ticket, first, files)
    link = ticket_link_token(settings, ticket_id=new.id, contact_id=new.contact_id)
    return render(request, "portal_received.html", {"number": f"{settings.ticket_prefix}-{new.id}",
                                                    "link": f"/portal/t/{link}"})


def _customer_ticket(db: Session, settings: Settings, link: str) -> tuple[Principal, Ticket]:
    customer = authenticate_ticket_link(settings, link)
    return customer, access_ticket(db, customer, customer.ticket_id or 0)


@router.get("/t/{link}")
def portal_ticket(request: Request, link: str, db: DB, settings: AppSettings) -> Response:
    visitor_language(request)
    _customer, ticket = _customer_ticket(db, settings, link)
    return render(request, "portal_ticket.html", {
        "ticket": ticket, "entries": timeline.build(db, ticket.id, public_only=True), "link": link,
        "number": f"{settings.ticket_prefix}-{ticket.id}", "file_prefix": f"/portal/t/{link}/files/"})


@router.post("/t/{link}/reply")
def portal_reply(request: Request, link: str, db: DB, settings: AppSettings, body: Annotated[str, Form()] = "",
                 files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    visitor_language(request)
    customer, ticket = _customer_ticket(db, settings, link)
    if not body.strip():
        raise InvalidInput(_("Please write a message."))
    ids = _attach(db, settings, ticket, None, files)
    conversation.add_customer_message(db, ticket, body, customer, attachment_ids=ids, channel=Channel.portal)
    return RedirectResponse(f"/portal/t/{link}", status_code=303)


@router.post("/t/{link}/solve")
def portal_solve(request: Request, link: str, db: DB, settings: AppSettings) -> Response:
    visitor_language(request)
    customer, ticket = _customer_ticket(db, settings, link)
    set_status(db, ticket, "solved", customer)
    return RedirectResponse(f"/portal/t/{link}", status_code=303)


@router.get("/t/{link}/files/{attachment_id}")
def portal_file(link: str, attachment_id: int, db: DB, settings: AppSettings) -> Response:
    _customer, ticket = _customer_ticket(db, settings, link)
    attachment = db.get(Attachment, attachment_id)
    public = {m.id for m in conversation.list_messages(db, ticket.id, public_only=True)}
    if attachment is None or attachment.ticket_id != ticket.id or attachment.message_id not in public:
        raise NotFound(_("No such file."))
    return attachment_response(settings.data_dir, attachment)
