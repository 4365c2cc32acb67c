"""The customer portal: submit a request, follow it through a private signed link, or log in with a code
e-mailed to you and see all of your own requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontline.accounts.auth import ticket_link_token
from frontline.accounts.deps import DB, AppSettings
from frontline.accounts.principal import Principal
from frontline.channels.email.outbound import deliver
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.schemas import Id
from frontline.kit.settings import Settings
from frontline.portal import identity as portal_identity
from frontline.portal import login as portal_login
from frontline.portal.mail import outbound_mailbox, queue_confirmation, send_code_mail
from frontline.tickets import messages as conversation
from frontline.tickets.access import access_ticket
from frontline.tickets.create import create_ticket
from frontline.tickets.downloads import attachment_response
from frontline.tickets.links import customer_for_link
from frontline.tickets.models import Attachment, Channel, Message, Ticket
from frontline.tickets.schemas import TicketCreate
from frontline.tickets.service import set_status
from frontline.web import i18n, timeline
from frontline.web.i18n import _
from frontline.web.ratelimit import RateLimiter
from frontline.web.render import render
from frontline.web.session import verify_csrf, visitor_language

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=[Depends(verify_csrf)])
SUBMISSIONS_PER_WINDOW = 5
WINDOW_SECONDS = 600.0
PORTAL_COOKIE = "fl_portal"


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if not hasattr(state, "portal_limiter"):
        state.portal_limiter = RateLimiter(SUBMISSIONS_PER_WINDOW, WINDOW_SECONDS)
    limiter: RateLimiter = state.portal_limiter
    return limiter


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
    request: Request, db: DB, settings: AppSettings, background: BackgroundTasks, name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "", subject: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "", website: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    visitor_language(request)
    form = {"name": name, "email": email, "subject": subject, "description": description}
    if website:  # the honeypot: people never see this field, bots fill every field
        return render(request, "portal_received.html", {"number": None, "link": None})
    if not _limiter(request).allow(_ip(request)):
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
    link = f"/portal/t/{ticket_link_token(settings, ticket_id=new.id, contact_id=new.contact_id)}"
    address = email.strip().lower()
    outbound_id = queue_confirmation(db, settings, ticket_id=new.id, team_id=new.team_id, to=address,
                                     name=name.strip(), subject=data.subject,
                                     link=settings.base_url.rstrip("/") + link, language=i18n.current_language())
    if outbound_id is not None:  # sent right after the response; `frontline mail send` retries a failure
        background.add_task(deliver, request.app.state.database, settings, outbound_id)
    return render(request, "portal_received.html", {"number": f"{settings.ticket_prefix}-{new.id}", "link": link,
                                                    "emailed": outbound_id is not None, "email": address})


# --- one ticket, reached through its private link or from the customer's list after a code login ---


def _ticket_page(request: Request, db: Session, settings: Settings, ticket: Ticket, base: str,
                 **extra: object) -> Response:
    return render(request, "portal_ticket.html", {
        "ticket": ticket, "entries": timeline.build(db, ticket.id, public_only=True), "base": base,
        "number": f"{settings.ticket_prefix}-{ticket.id}", "file_prefix": f"{base}/files/", **extra})


def _reply(db: Session, settings: Settings, customer: Principal, ticket: Ticket, body: str,
           files: list[UploadFile] | None) -> None:
    if not body.strip():
        raise InvalidInput(_("Please write a message."))
    ids = _attach(db, settings, ticket, None, files)
    conversation.add_customer_message(db, ticket, body, customer, attachment_ids=ids, channel=Channel.portal)


def _file(db: Session, settings: Settings, ticket: Ticket, attachment_id: int) -> Response:
    attachment = db.get(Attachment, attachment_id)
    public = {m.id for m in conversation.list_messages(db, ticket.id, public_only=True)}
    if attachment is None or attachment.ticket_id != ticket.id or attachment.message_id not in public:
        raise NotFound(_("No such file."))
    return attachment_response(settings.data_dir, attachment)


def _customer_ticket(db: Session, settings: Settings, link: str) -> tuple[Principal, Ticket]:
    return customer_for_link(db, settings, link)


@router.get("/t/{link}")
def portal_ticket(request: Request, link: str, db: DB, settings: AppSettings) -> Response:
    visitor_language(request)
    _customer, ticket = _customer_ticket(db, settings, link)
    return _ticket_page(request, db, settings, ticket, f"/portal/t/{link}")


@router.post("/t/{link}/reply")
def portal_reply(request: Request, link: str, db: DB, settings: AppSettings, body: Annotated[str, Form()] = "",
                 files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    visitor_language(request)
    customer, ticket = _customer_ticket(db, settings, link)
    _reply(db, settings, customer, ticket, body, files)
    return RedirectResponse(f"/portal/t/{link}", status_code=303)


@router.post("/t/{link}/solve")
def portal_solve(request: Request, link: str, db: DB, settings: AppSettings) -> Response:
    visitor_language(request)
    customer, ticket = _customer_ticket(db, settings, link)
    set_status(db, ticket, "solved", customer)
    return RedirectResponse(f"/portal/t/{link}", status_code=303)


@router.get("/t/{link}/files/{attachment_id}")
def portal_file(link: str, attachment_id: Id, db: DB, settings: AppSettings) -> Response:
    _customer, ticket = _customer_ticket(db, settings, link)
    return _file(db, settings, ticket, attachment_id)


# --- login by e-mailed one-time code ---


def _code_form(request: Request, email: str, *, error: str = "", status: int = 200) -> Response:
    return render(request, "portal_code.html", {"email": email, "error": error,
                                                "minutes": int(portal_login.CODE_TTL.total_seconds() // 60)},
                  status=status)


@router.get("/login")
def code_login_page(request: Request, db: DB) -> Response:
    visitor_language(request)
    return render(request, "portal_login.html", {"error": "", "email": "",
                                                 "available": outbound_mailbox(db) is not None})


@router.post("/login")
def code_request(request: Request, db: DB, settings: AppSettings, background: BackgroundTasks,
                 email: Annotated[str, Form()] = "") -> Response:
    visitor_language(request)
    address = portal_login.normalise_email(email)
    if "@" not in address or len(address) > 320 or any(c.isspace() for c in address):
        return render(request, "portal_login.html", {"error": _("Please give a valid e-mail address."),
                                                     "email": email, "available": True}, status=422)
    result = portal_login.request_code(db, settings, email=address, ip=_ip(request),
                                       language=i18n.current_language())
    if result.status == "throttled":
        return render(request, "portal_login.html", {"error": _(
            "Too many codes were requested. Please wait a quarter of an hour and try again."), "email": email,
            "available": True}, status=429)
    if result.status == "no_mailbox":
        return render(request, "portal_login.html", {"error": "", "email": email, "available": False}, status=503)
    if result.mail is not None:  # after the response: a known address answers as fast as an unknown one
        background.add_task(send_code_mail, settings, result.mail)
    return _code_form(request, address)


@router.post("/login/code")
def code_verify(request: Request, db: DB, settings: AppSettings, email: Annotated[str, Form()] = "",
                code: Annotated[str, Form()] = "") -> Response:
    visitor_language(request)
    address = portal_login.normalise_email(email)
    check = portal_login.verify_code(db, settings, email=address, code=code, ip=_ip(request))
    if check.error == "throttled":
        return _code_form(request, address, status=429, error=_(
            "Too many wrong codes. Please wait a quarter of an hour and ask for a new code."))
    if check.secret is None:
        return _code_form(request, address, status=401, error=_(
            "This code is wrong, expired or already used. Check it, or ask for a new one."))
    response = RedirectResponse("/portal/my", status_code=303)
    response.set_cookie(PORTAL_COOKIE, check.secret, max_age=int(portal_login.SESSION_TTL.total_seconds()),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/portal")
    return response


@router.post("/logout")
def code_logout(request: Request, db: DB) -> Response:
    portal_login.end_session(db, request.cookies.get(PORTAL_COOKIE))
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(PORTAL_COOKIE, path="/portal")
    return response


def _contact(request: Request, db: Session) -> int | None:
    visitor_language(request)
    return portal_login.session_contact(db, request.cookies.get(PORTAL_COOKIE))


def _own_ticket(db: Session, contact_id: int, ticket_id: int) -> tuple[Principal, Ticket]:
    customer = portal_login.ticket_principal(db, contact_id, ticket_id)
    return customer, access_ticket(db, customer, ticket_id)


def _to_login() -> Response:
    return RedirectResponse("/portal/login", status_code=303)


@router.get("/my")
def my_tickets(request: Request, db: DB) -> Response:
    contact_id = _contact(request, db)
    if contact_id is None:
        return _to_login()
    return render(request, "portal_list.html", {"tickets": portal_login.contact_tickets(db, contact_id),
                                                "name": portal_login.contact_name(db, contact_id)})


@router.get("/my/{ticket_id}")
def my_ticket(request: Request, ticket_id: Id, db: DB, settings: AppSettings) -> Response:
    contact_id = _contact(request, db)
    if contact_id is None:
        return _to_login()
    _customer, ticket = _own_ticket(db, contact_id, ticket_id)
    return _ticket_page(request, db, settings, ticket, f"/portal/my/{ticket.id}", signed_in=True)


@router.post("/my/{ticket_id}/reply")
def my_reply(request: Request, ticket_id: Id, db: DB, settings: AppSettings, body: Annotated[str, Form()] = "",
             files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    contact_id = _contact(request, db)
    if contact_id is None:
        return _to_login()
    customer, ticket = _own_ticket(db, contact_id, ticket_id)
    _reply(db, settings, customer, ticket, body, files)
    return RedirectResponse(f"/portal/my/{ticket.id}", status_code=303)


@router.post("/my/{ticket_id}/solve")
def my_solve(request: Request, ticket_id: Id, db: DB) -> Response:
    contact_id = _contact(request, db)
    if contact_id is None:
        return _to_login()
    customer, ticket = _own_ticket(db, contact_id, ticket_id)
    set_status(db, ticket, "solved", customer)
    return RedirectResponse(f"/portal/my/{ticket.id}", status_code=303)


@router.get("/my/{ticket_id}/files/{attachment_id}")
def my_file(request: Request, ticket_id: Id, attachment_id: Id, db: DB, settings: AppSettings) -> Response:
    contact_id = _contact(request, db)
    if contact_id is None:
        return _to_login()
    _customer, ticket = _own_ticket(db, contact_id, ticket_id)
    return _file(db, settings, ticket, attachment_id)


# --- confirming an address an agent added to the contact (the link went to the contact's other addresses) ---


@router.get("/identity/{token}")
def identity_page(request: Request, token: str, settings: AppSettings) -> Response:
    visitor_language(request)
    found = portal_identity.read_token(settings, token)
    return render(request, "portal_identity.html", {"address": found[1] if found else "", "done": False},
                  status=200 if found else 404)


@router.post("/identity/{token}")
def identity_confirm(request: Request, token: str, db: DB, settings: AppSettings) -> Response:
    visitor_language(request)
    address = portal_identity.confirm_token(db, settings, token)
    return render(request, "portal_identity.html", {"address": address or "", "done": address is not None},
                  status=200 if address else 404)
