"""REST endpoints: mailbox configuration (admins), raw RFC 822 intake (write tokens), original messages."""

from __future__ import annotations

import zlib

import anyio
from fastapi import APIRouter, Request, Response

from frontline.accounts.auth import authenticate_token
from frontline.accounts.deps import DB, Caller, Reader, bearer_secret
from frontline.accounts.principal import Scope
from frontline.channels.email import service
from frontline.channels.email.intake import ingest
from frontline.channels.email.models import RawEmail
from frontline.channels.email.schemas import IntakeOut, MailboxCreate, MailboxOut, MailboxUpdate, RawEmailOut
from frontline.kit.db import Database
from frontline.kit.errors import InvalidInput, NotFound, TooLarge, Unauthorized
from frontline.kit.settings import Settings
from frontline.tickets.access import access_ticket

router = APIRouter(tags=["email"])
MAX_RAW_BYTES = 64 * 1024 * 1024


@router.get("/mailboxes", response_model=list[MailboxOut])
def get_mailboxes(db: DB, caller: Caller) -> list[MailboxOut]:
    caller.require_admin()
    return [service.mailbox_out(m) for m in service.list_mailboxes(db)]


@router.post("/mailboxes", status_code=201, response_model=MailboxOut)
def post_mailbox(body: MailboxCreate, db: DB, caller: Caller) -> MailboxOut:
    """Add a mailbox. Passwords are stored as given and never returned (only `*_password_set`)."""
    caller.require_admin()
    return service.mailbox_out(service.create_mailbox(db, body))


@router.get("/mailboxes/{name}", response_model=MailboxOut)
def get_mailbox(name: str, db: DB, caller: Caller) -> MailboxOut:
    caller.require_admin()
    return service.mailbox_out(service.get_mailbox(db, name))


@router.patch("/mailboxes/{name}", response_model=MailboxOut)
def patch_mailbox(name: str, body: MailboxUpdate, db: DB, caller: Caller) -> MailboxOut:
    caller.require_admin()
    return service.mailbox_out(service.update_mailbox(db, service.get_mailbox(db, name), body))


def _intake_unit(database: Database, settings: Settings, secret: str, name: str, raw: bytes) -> IntakeOut:
    with database.session(write=False) as db:
        authenticate_token(db, secret).require_scope(Scope.write)
        mailbox = service.get_mailbox(db, name)
        mailbox_id = mailbox.id
    result = ingest(database, settings, mailbox_id, raw, source="http")
    number = f"{settings.ticket_prefix}-{result.ticket_id}" if result.ticket_id else None
    return IntakeOut(raw_id=result.raw_id, status=result.status, duplicate=result.duplicate,
                     ticket_id=result.ticket_id, ticket_number=number, message_id=result.message_id,
                     warnings=result.warnings)


@router.post("/mailboxes/{name}/raw", status_code=201, response_model=IntakeOut,
             openapi_extra={"requestBody": {"content": {"message/rfc822": {"schema": {"type": "string"}}}}})
async def post_raw(name: str, request: Request) -> Response:
    """Deliver one raw RFC 822 message (body as is, e.g. `Content-Type: message/rfc822`).

    201 when stored and processed; 200 with `duplicate: true` when this mailbox already had it.
    """
    secret = bearer_secret(request)
    if secret is None:
        raise Unauthorized("Send an API token as 'Authorization: Bearer <token>'.")
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


@router.get("/raw-emails/{raw_id}", response_model=RawEmailOut)
def get_raw_email(raw_id: int, db: DB, caller: Reader) -> RawEmailOut:
    """What became of a received message (agents who can see its ticket; admins for any)."""
    return RawEmailOut.model_validate(_visible_raw(db, caller, raw_id))


@router.get("/raw-emails/{raw_id}/original", response_class=Response)
def get_raw_original(raw_id: int, db: DB, caller: Reader) -> Response:
    """The original message, byte for byte (`.eml`)."""
    row = _visible_raw(db, caller, raw_id)
    return Response(zlib.decompress(row.content), media_type="message/rfc822",
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
