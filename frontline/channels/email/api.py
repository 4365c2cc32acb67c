"""REST endpoints: mailbox configuration (admins), raw RFC 822 intake (write tokens), original messages, and
confirming a sender address salvaged from a malformed header."""

from __future__ import annotations

import zlib

import anyio
from fastapi import APIRouter, Request, Response

from frontline.accounts.auth import authenticate_token
from frontline.accounts.deps import DB, Admin, AdminCaller, Bearer, Reader, Writer
from frontline.accounts.schemas import TokenCreated, TokenOut
from frontline.channels.email import senders, service
from frontline.channels.email.intake import ingest
from frontline.channels.email.models import RawEmail, RawStatus
from frontline.channels.email.schemas import (
    IntakeOut,
    IntakeTokenCreate,
    MailboxCreate,
    MailboxOut,
    MailboxUpdate,
    RawEmailOut,
    SenderConfirmedOut,
)
from frontline.kit.db import Database
from frontline.kit.errors import InvalidInput, NotFound, TooLarge
from frontline.kit.openapi import MessageResponse, raises
from frontline.kit.schemas import Id
from frontline.kit.settings import Settings
from frontline.tickets.access import access_ticket

router = APIRouter(tags=["email"])
MAX_RAW_BYTES = 64 * 1024 * 1024


@router.get("/mailboxes", response_model=list[MailboxOut])
@raises(403)
def get_mailboxes(db: DB, caller: AdminCaller) -> list[MailboxOut]:
    return [service.mailbox_out(m) for m in service.list_mailboxes(db)]


@router.post("/mailboxes", status_code=201, response_model=MailboxOut)
@raises(403)
def post_mailbox(body: MailboxCreate, db: DB, caller: AdminCaller) -> MailboxOut:
    """Add a mailbox. Passwords are stored as given and never returned (only `*_password_set`)."""
    return service.mailbox_out(service.create_mailbox(db, body))


@router.get("/mailboxes/{name}", response_model=MailboxOut)
@raises(403)
def get_mailbox(name: str, db: DB, caller: AdminCaller) -> MailboxOut:
    return service.mailbox_out(service.get_mailbox(db, name))


@router.patch("/mailboxes/{name}", response_model=MailboxOut)
@raises(403)
def patch_mailbox(name: str, body: MailboxUpdate, db: DB, caller: AdminCaller) -> MailboxOut:
    return service.mailbox_out(service.update_mailbox(db, service.get_mailbox(db, name), body))


@router.post("/mailboxes/{name}/tokens", status_code=201, response_model=TokenCreated)
@raises(403)
def post_mailbox_token(name: str, body: IntakeTokenCreate, db: DB, caller: Admin) -> TokenCreated:
    """An integration token that may deliver raw mail to this mailbox and do nothing else (shown once)."""
    token, secret = service.create_intake_token(db, service.get_mailbox(db, name), body.name, caller)
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=secret)


def _intake_unit(database: Database, settings: Settings, secret: str, name: str, raw: bytes) -> IntakeOut:
    with database.session(write=False) as db:
        mailbox_id = service.intake_mailbox(db, authenticate_token(db, secret), name)
    result = ingest(database, settings, mailbox_id, raw, source="http")
    # The caller is a relay, not an agent: the answer is the same whether the message opened a ticket or
    # joined one (no oracle for which ticket numbers exist); agents see the outcome in /raw-emails.
    status = result.status if result.status == RawStatus.failed else "accepted"
    return IntakeOut(raw_id=result.raw_id, status=status, duplicate=result.duplicate, ticket_id=None,
                     ticket_number=None, message_id=None, warnings=[])


@router.post("/mailboxes/{name}/raw", status_code=201, response_model=IntakeOut,
             responses={200: {"model": IntakeOut, "description": "This mailbox already had the message."}},
             openapi_extra={"requestBody": {"content": {"message/rfc822": {"schema": {"type": "string"}}}}})
@raises(401, 403, 409, 413, bearer=True)
async def post_raw(secret: Bearer, name: str, request: Request) -> Response:
    """Deliver one raw RFC 822 message (body as is, e.g. `Content-Type: message/rfc822`).

    Needs an integration token of this mailbox (`POST /mailboxes/{name}/tokens`); an inactive mailbox
    refuses (409). 201 when stored and processed; 200 with `duplicate: true` when this mailbox already had it.
    """
    raw = await request.body()
    if not raw.strip():
        raise InvalidInput("The request body must be a raw RFC 822 message.")
    if len(raw) > MAX_RAW_BYTES:
        raise TooLarge(f"A message may be at most {MAX_RAW_BYTES // (1024 * 1024)} MiB.")
    app = request.app
    async with app.state.database.turn():  # waited for here, on the loop; the thread's sessions use it
        out = await anyio.to_thread.run_sync(
            lambda: _intake_unit(app.state.database, app.state.settings, secret, name, raw))
    return Response(out.model_dump_json(), status_code=200 if out.duplicate else 201, media_type="application/json")


@router.post("/tickets/{ref}/email/confirm-sender", response_model=SenderConfirmedOut)
def post_confirm_sender(ref: str, db: DB, caller: Writer) -> SenderConfirmedOut:
    """Confirm the customer address of a ticket whose mail had a malformed From: acknowledgements and replies may
    go there from now on (422 when the ticket has no unconfirmed address)."""
    ticket = access_ticket(db, caller, ref)
    return SenderConfirmedOut(ticket_id=ticket.id, address=senders.confirm_sender(db, ticket, caller))


@router.get("/raw-emails/{raw_id}", response_model=RawEmailOut)
def get_raw_email(raw_id: Id, db: DB, caller: Reader) -> RawEmailOut:
    """What became of a received message (agents who can see its ticket; admins for any)."""
    return RawEmailOut.model_validate(_visible_raw(db, caller, raw_id))


@router.get("/raw-emails/{raw_id}/original", response_class=MessageResponse)
def get_raw_original(raw_id: Id, db: DB, caller: Reader) -> Response:
    """The original message, byte for byte (`.eml`)."""
    row = _visible_raw(db, caller, raw_id)
    return MessageResponse(zlib.decompress(row.content),
                    headers={"Content-Disposition": f'attachment; filename="message-{row.id}.eml"'})


def _visible_raw(db: DB, caller: Reader, raw_id: int) -> RawEmail:
    row = db.get(RawEmail, raw_id)
    if row is None:
        raise NotFound(f"No received message {raw_id}.")
    if row.ticket_id is not None:
        access_ticket(db, caller, row.ticket_id)
    elif not caller.is_admin:
        raise NotFound(f"No received message {raw_id}.")
    return row
