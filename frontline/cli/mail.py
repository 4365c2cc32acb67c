"""`frontline mail ...` (mailboxes, polling, sending) and `frontline mail-gate` for MTAs.

The executable runs mail-gate without Typer (frontline/cli/entry.py -> channels/email/gate.py, exit codes of
sysexits.h there); the command here is the same gate for `frontline --help` and Typer's test runner.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

mail_app = typer.Typer(help="Email channel: mailboxes, IMAP polling, sending replies.", no_args_is_help=True)
mailbox_app = typer.Typer(help="Configure mailboxes.", no_args_is_help=True)
mail_app.add_typer(mailbox_app, name="mailbox")


def _console() -> Console:
    from rich.console import Console  # heavy: ~0.1 s to import, which mail-gate (once per message) does without

    return Console(stderr=True)


@mailbox_app.command("add")
def mailbox_add(
    name: str = typer.Option(..., help="Short name, used by mail-gate and the API."),
    address: str = typer.Option(..., help="The address customers write to."),
    display_name: str = typer.Option("", help="Shown as the sender of our replies."),
    team_id: int = typer.Option(None, help="Team that receives the tickets."),
    line: str = typer.Option(None, help="Default line: L1, L2 or L3."),
    priority: str = typer.Option("normal", help="Default priority of new tickets."),
    imap_host: str = typer.Option(None), imap_port: int = typer.Option(None),
    imap_security: str = typer.Option("ssl", help="ssl, starttls or none."),
    imap_user: str = typer.Option(None),
    imap_password: str = typer.Option(None, envvar="FRONTLINE_IMAP_PASSWORD", help="Or FRONTLINE_IMAP_PASSWORD."),
    imap_folder: str = typer.Option("INBOX"), imap_move_to: str = typer.Option(None),
    smtp_host: str = typer.Option(None), smtp_port: int = typer.Option(None),
    smtp_security: str = typer.Option("starttls", help="ssl, starttls or none."),
    smtp_user: str = typer.Option(None),
    smtp_password: str = typer.Option(None, envvar="FRONTLINE_SMTP_PASSWORD", help="Or FRONTLINE_SMTP_PASSWORD."),
    reply_token: bool = typer.Option(False, help="Put a reply token in Reply-To (needs plus-addressing)."),
    auto_ack: bool = typer.Option(True, help="Acknowledge new tickets by mail."),
    closed_reply: str = typer.Option("follow_up", help="Reply to a closed ticket: follow_up or reopen."),
) -> None:
    """Add a mailbox (passwords are stored, never printed)."""
    from pydantic import ValidationError

    from frontline.channels.email.schemas import MailboxCreate
    from frontline.channels.email.service import create_mailbox
    from frontline.cli.desk import open_desk
    from frontline.kit.errors import FrontlineError

    given = {
        "name": name, "address": address, "display_name": display_name, "team_id": team_id, "default_line": line,
        "default_priority": priority, "imap_host": imap_host, "imap_port": imap_port, "imap_security": imap_security,
        "imap_user": imap_user, "imap_password": imap_password, "imap_folder": imap_folder,
        "imap_move_to": imap_move_to, "smtp_host": smtp_host, "smtp_port": smtp_port, "smtp_security": smtp_security,
        "smtp_user": smtp_user, "smtp_password": smtp_password, "reply_token": reply_token, "auto_ack": auto_ack,
        "closed_reply": closed_reply,
    }
    values = {k: v for k, v in given.items() if v is not None}
    try:
        data = MailboxCreate(**values)
        with open_desk().session() as db:
            mailbox = create_mailbox(db, data)
            mailbox_id = mailbox.id
    except (ValidationError, FrontlineError) as error:
        _console().print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    typer.echo(f"Mailbox {name} <{address}> added (id {mailbox_id}).")


@mailbox_app.command("list")
def mailbox_list() -> None:
    """Show configured mailboxes."""
    from frontline.channels.email.service import list_mailboxes
    from frontline.cli.desk import open_desk

    with open_desk().session(write=False) as db:
        for m in list_mailboxes(db):
            imap = f"imap {m.imap_security}://{m.imap_host}:{m.imap_port}/{m.imap_folder}" if m.imap_host else "no imap"
            smtp = f"smtp {m.smtp_security}://{m.smtp_host}:{m.smtp_port}" if m.smtp_host else "no smtp"
            state = "" if m.is_active else " (inactive)"
            typer.echo(f"{m.name}\t{m.address}\tteam={m.team_id}\t{imap}\t{smtp}{state}")


@mail_app.command("poll")
def poll(mailbox: str = typer.Option(None, help="Only this mailbox (default: all active).")) -> None:
    """Fetch new mail by IMAP once (run it from cron or a job)."""
    from frontline.channels.email.imap import poll_all, poll_mailbox
    from frontline.cli.desk import open_desk
    from frontline.kit.settings import get_settings

    settings = get_settings()
    database = open_desk(settings)
    reports = [poll_mailbox(database, settings, mailbox)] if mailbox else poll_all(database, settings)
    for r in reports:
        typer.echo(f"{r.mailbox}: fetched {r.fetched}, new {r.stored}, duplicates {r.duplicates}, failed {r.failed}")
        for error in r.errors:
            typer.echo(f"  {error}")


@mail_app.command("send")
def send() -> None:
    """Send queued replies and acknowledgements once."""
    from frontline.channels.email.outbound import send_pending
    from frontline.cli.desk import open_desk
    from frontline.kit.settings import get_settings

    settings = get_settings()
    report = send_pending(open_desk(settings), settings)
    typer.echo(f"queued {report.queued}, sent {report.sent}, retry later {report.retried}, failed {report.failed}")


def mail_gate(mailbox: str = typer.Option(..., "--mailbox", help="Name of the receiving mailbox.")) -> None:
    """Read one message on stdin and store it (for an MTA's pipe transport)."""
    from frontline.channels.email.gate import deliver
    from frontline.kit.dbapi import database_url

    code, said = deliver(database_url(), mailbox, sys.stdin.buffer.read())
    if said:
        typer.echo(said, err=True)
    raise typer.Exit(code)
