"""Administration of the email channel's mailboxes: IMAP/SMTP settings, routing of new mail, auto-acknowledgement
texts, switching on and off, and 'test connection'. Passwords are stored the way the email service stores them
and never written back into a page: an empty password field keeps the stored one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from frontline.accounts.deps import DB, AppSettings
from frontline.accounts.models import Line
from frontline.accounts.service import list_teams
from frontline.channels.email import polling, service
from frontline.channels.email.check import CheckResult, check_imap, check_smtp
from frontline.channels.email.models import ClosedReply, Mailbox, Security
from frontline.channels.email.schemas import MailboxCreate, MailboxUpdate
from frontline.web.i18n import N_, _
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, WebAgent, verify_csrf

router = APIRouter(prefix="/mailboxes", include_in_schema=False, dependencies=[Depends(verify_csrf)])

TEXT_FIELDS = ("address", "display_name", "imap_host", "imap_user", "imap_folder", "imap_move_to", "smtp_host",
               "smtp_user", "auto_ack_subject_en", "auto_ack_body_en", "auto_ack_subject_ru", "auto_ack_body_ru",
               "verp_address")
BLANK_IS_NONE = {"imap_host", "imap_user", "imap_move_to", "smtp_host", "smtp_user", "verp_address"}
CHOICES = ("imap_security", "smtp_security", "default_priority", "closed_reply")
CHECKBOXES = ("reply_token", "auto_ack", "is_active")
PROBLEMS = {
    "not_configured": N_("Not configured: fill in the server and the user, save, then test."),
    "dns": N_("The server name cannot be resolved. Check the host."),
    "refused": N_("The server refused the connection. Check the host, the port and the security setting."),
    "timeout": N_("The server did not answer in time. Check the host, the port and any firewall."),
    "certificate": N_("The server's certificate is not trusted."),
    "tls": N_("The secure connection failed. Check the security setting (SSL or STARTTLS) and the port."),
    "login": N_("The server refused the login. Check the user and the password."),
    "folder": N_("The folder does not exist on the server."),
    "protocol": N_("The server answered in an unexpected way."),
}
FIELD_NAMES = {
    "name": N_("Name"), "address": N_("Address"), "imap_port": N_("IMAP port"), "smtp_port": N_("SMTP port"),
    "imap_folder": N_("Folder"), "team_id": N_("Team"), "fallback_charsets": N_("Charsets of undeclared mail"),
    "verp_address": N_("Return path for bounces (VERP)"),
    "poll_interval_seconds": N_("Check for new mail every (seconds)"),
}


async def _posted(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


def _form_values(form: FormData, *, creating: bool) -> dict[str, Any]:
    """The form as the service's input: blank optional fields mean 'none', a blank password keeps the stored one."""
    values: dict[str, Any] = {}
    for field in TEXT_FIELDS:
        raw = form.get(field)
        if isinstance(raw, str):
            text = raw.strip() if field not in ("auto_ack_body_en", "auto_ack_body_ru") else raw.replace("\r\n", "\n")
            values[field] = None if field in BLANK_IS_NONE and not text else text
    if creating:
        values["name"] = str(form.get("name") or "").strip()
    for field in CHOICES:
        raw = form.get(field)
        if isinstance(raw, str) and raw:
            values[field] = raw
    for field in ("imap_port", "smtp_port"):
        raw = str(form.get(field) or "").strip()
        values[field] = raw or None
    interval = str(form.get("poll_interval_seconds") or "").strip()
    if interval:  # blank keeps the stored interval (or the default for a new mailbox)
        values["poll_interval_seconds"] = interval
    team = str(form.get("team_id") or "")
    values["team_id"] = int(team) if team.isdigit() else None
    values["default_line"] = str(form.get("default_line") or "") or None
    for field in CHECKBOXES:
        values[field] = form.get(field) == "on"
    for kind in ("imap", "smtp"):
        password = form.get(f"{kind}_password")
        if form.get(f"clear_{kind}_password") == "on":
            values[f"{kind}_password"] = None
        elif isinstance(password, str) and password:
            values[f"{kind}_password"] = password
    if values.get("imap_folder") == "":
        values["imap_folder"] = "INBOX"
    charsets = str(form.get("fallback_charsets") or "")
    if charsets.strip():  # blank keeps the stored list (or the defaults for a new mailbox)
        values["fallback_charsets"] = [label.strip() for label in charsets.split(",") if label.strip()]
    return values


def _errors(error: ValidationError) -> list[str]:
    messages = []
    for item in error.errors():
        field = str(item["loc"][-1]) if item["loc"] else ""
        name = _(FIELD_NAMES[field]) if field in FIELD_NAMES else field
        messages.append(_("%(field)s: the value is not valid.", field=name))
    return messages


def _context(db: Session, agent: WebAgent, **extra: Any) -> dict[str, Any]:
    return {"teams": list_teams(db), "lines": list(Line), "securities": list(Security),
            "priorities": ["low", "normal", "high", "urgent"], "closed_replies": list(ClosedReply),
            **nav_context(db, agent), "current": "admin", **extra}


def _checked(result: CheckResult) -> dict[str, str | bool]:
    return {"ok": result.ok, "message": _(PROBLEMS[result.problem]) if result.problem else _("Connected."),
            "detail": result.detail}


def poll_status(mailbox: Mailbox) -> dict[str, Any]:
    """How the desk's own checks of the mailbox went, for the page: the last error in the connection test's words."""
    error = None
    if mailbox.last_poll_error:
        problem, _sep, detail = mailbox.last_poll_error.partition(": ")
        error = {"message": _(PROBLEMS[problem]) if problem in PROBLEMS else _("The server answered in an unexpected "
                 "way."), "detail": detail if problem in PROBLEMS else mailbox.last_poll_error}
    return {"polled": bool(mailbox.imap_host), "last": mailbox.last_poll_at, "ok": mailbox.last_poll_ok_at,
            "error": error, "every": mailbox.poll_interval_seconds}


def _status_context(db: Session, mailboxes: Any) -> dict[str, Any]:
    return {"poll": {m.id: poll_status(m) for m in mailboxes}, "waiting": polling.waiting_to_send(db)}


@router.get("")
def mailboxes_page(request: Request, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    mailboxes = service.list_mailboxes(db)
    return render(request, "admin_mailboxes.html", _context(db, agent, mailboxes=mailboxes, errors=[], form={},
                                                            **_status_context(db, mailboxes)))


@router.post("")
def add_mailbox(request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    agent.principal.require_admin()
    values = _form_values(form, creating=True)
    try:
        data = MailboxCreate.model_validate(values)
    except ValidationError as error:
        shown = {k: v for k, v in values.items() if not k.endswith("_password")}
        mailboxes = service.list_mailboxes(db)
        return render(request, "admin_mailboxes.html", _context(
            db, agent, mailboxes=mailboxes, errors=_errors(error), form=shown, **_status_context(db, mailboxes)),
            status=422)
    mailbox = service.create_mailbox(db, data)
    return RedirectResponse(f"/ui/admin/mailboxes/{mailbox.name}", status_code=303)


def _edit_page(request: Request, db: Session, agent: WebAgent, mailbox: Mailbox, *, status: int = 200,
               **extra: Any) -> Response:
    return render(request, "admin_mailboxes_edit.html", _context(db, agent, mailbox=mailbox, **{
        "errors": [], "saved": False, "imap_check": None, "smtp_check": None, **extra}), status=status)


@router.get("/{name}")
def mailbox_page(request: Request, name: str, db: DB, agent: Agent, saved: str = "") -> Response:
    agent.principal.require_admin()
    return _edit_page(request, db, agent, service.get_mailbox(db, name), saved=bool(saved))


@router.post("/{name}")
def save_mailbox(request: Request, name: str, db: DB, agent: Agent, form: Posted) -> Response:
    agent.principal.require_admin()
    mailbox = service.get_mailbox(db, name)
    try:
        data = MailboxUpdate.model_validate(_form_values(form, creating=False))
    except ValidationError as error:
        return _edit_page(request, db, agent, mailbox, status=422, errors=_errors(error))
    service.update_mailbox(db, mailbox, data)
    return RedirectResponse(f"/ui/admin/mailboxes/{name}?saved=1", status_code=303)


@router.post("/{name}/active")
def toggle_mailbox(name: str, db: DB, agent: Agent) -> Response:
    agent.principal.require_admin()
    mailbox = service.get_mailbox(db, name)
    service.update_mailbox(db, mailbox, MailboxUpdate(is_active=not mailbox.is_active))
    return RedirectResponse("/ui/admin/mailboxes", status_code=303)


@router.post("/{name}/test")
def test_mailbox(request: Request, name: str, db: DB, agent: Agent, settings: AppSettings) -> Response:
    """Log in to both servers with the stored settings; a failure is a message on the page, never an error page."""
    agent.principal.require_admin()
    mailbox = service.get_mailbox(db, name)
    return _edit_page(request, db, agent, mailbox, imap_check=_checked(check_imap(settings, mailbox)),
                      smtp_check=_checked(check_smtp(settings, mailbox)))
