"""The `frontline` command: serve, migrate, createadmin, demo, token; the other sub-commands load lazily.

`frontline mail-gate` runs once per message (an MTA's pipe), so starting the command must cost little: this
module imports only Typer, and each sub-command's module (`frontline/cli/*.py`) is imported only when that
command runs. `frontline --help` lists them from `LAZY` without importing any.
"""

from __future__ import annotations

import getpass
import importlib
import os
from typing import TYPE_CHECKING

import typer
from typer import _click as click  # Typer (0.29) carries its own click; its groups and contexts are these
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from rich.console import Console


class LazyCommands(TyperGroup):
    """A command group whose sub-commands in `LAZY` are imported only when they run (or show their own help);
    the group's help lists them with the one-line help kept in `LAZY` (tests/test_cli.py checks it is each
    command's own)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *LAZY]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in LAZY:
            return found
        return TyperCommand(cmd_name, help=LAZY[cmd_name][1])  # only listed in help; never invoked

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                          list[str]]:
        if args and args[0] in LAZY:
            return args[0], load(args[0]), args[1:]
        return super().resolve_command(ctx, args)


# name: (module:attribute, one-line help); the attribute is a Typer app (a group) or a command function
LAZY: dict[str, tuple[str, str]] = {
    "routing": ("frontline.cli.routing:app", "Ticket classification and routing."),
    "plan": ("frontline.cli.plan:app", "Workforce planner: forecast, staffing, shift schedules, checks, simulation."),
    "worker": ("frontline.cli.worker:worker", "Run background jobs until SIGTERM/SIGINT (then finish the jobs in "
               "hand and exit)."),
    "mail": ("frontline.cli.mail:mail_app", "Email channel: mailboxes, IMAP polling, sending replies."),
    "search": ("frontline.cli.search:app", "The search index."),
    "mail-gate": ("frontline.cli.mail:mail_gate", "Read one message on stdin and store it (for an MTA's pipe "
                  "transport)."),
}


def load(name: str) -> click.Command:
    """The click command of a lazy sub-command, importing its module now."""
    module, attribute = LAZY[name][0].split(":")
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        return typer.main.get_group(target)
    single = typer.Typer()
    single.command(name)(target)
    return typer.main.get_command(single)


app = typer.Typer(cls=LazyCommands, help="Frontline customer-support desk.", no_args_is_help=True,
                  add_completion=False)
token_app = typer.Typer(help="API tokens for integrations.", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _console() -> Console:
    from rich.console import Console  # heavy: rich costs ~0.1 s to import; only output of these commands needs it

    return Console()


WORKER_HEALTHCHECK_SECONDS = 30


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from frontline.kit.migrate import upgrade
    from frontline.kit.settings import get_settings

    settings = get_settings()
    upgrade(settings.database_url)
    _console().print("[green]Database is up to date.[/green]")


@app.command()
def serve(
    host: str = typer.Option(None, help="Interface to bind (default from FRONTLINE_HOST)."),
    port: int = typer.Option(None, help="Port (default from FRONTLINE_PORT)."),
    workers: int = typer.Option(None, help="Worker processes (default from FRONTLINE_WORKERS)."),
) -> None:
    """Run the web server (API, agent workspace and customer portal)."""
    import uvicorn

    from frontline.kit.logging import configure
    from frontline.kit.settings import get_settings

    settings = get_settings()
    configure(settings.log_level, json=settings.log_json)
    uvicorn.run(
        "frontline.api.asgi:app", host=host or settings.host, port=port or settings.port,
        workers=workers or settings.workers, log_level=settings.log_level.lower(), access_log=False,
        proxy_headers=False,  # the app believes X-Forwarded-For only from FRONTLINE_TRUSTED_PROXIES
        # uvicorn kills a worker that misses its supervisor's ping for 5 s (and one not started within 5 s): on a
        # busy 2-core machine a worker serving requests can miss it and be killed with requests in flight, and a
        # slow start loops on restarts. A truly hung worker is still replaced, after 30 s.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


@app.command()
def createadmin(
    email: str = typer.Option(..., prompt=True, help="Login e-mail of the administrator."),
    name: str = typer.Option("Administrator", help="Display name."),
    password: str = typer.Option(None, help="Password; prompted if omitted (or FRONTLINE_ADMIN_PASSWORD)."),
) -> None:
    """Create an administrator account."""
    from frontline.accounts.schemas import UserCreate
    from frontline.accounts.service import create_user
    from frontline.cli.desk import open_desk
    from frontline.kit.errors import FrontlineError
    from frontline.kit.settings import get_settings

    console = _console()
    password = password or os.environ.get("FRONTLINE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    settings = get_settings()
    try:
        with open_desk(settings).session() as db:
            user = create_user(db, UserCreate(email=email, name=name, role="admin", password=password), actor_id=None)
    except (FrontlineError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"[green]Administrator {user.email} created (id {user.id}).[/green]")


@token_app.command("create")
def token_create(
    email: str = typer.Option(..., help="The agent the token acts for."),
    name: str = typer.Option("cli token", help="What the token is for."),
    scopes: str = typer.Option("read,write", help="Comma-separated: read, write, admin."),
    days: int = typer.Option(None, help="Expire after this many days (default: never)."),
) -> None:
    """Create an API token and print its secret once."""
    from datetime import timedelta

    from sqlalchemy import select

    from frontline.accounts.auth import issue_token
    from frontline.accounts.models import User
    from frontline.accounts.principal import ALL_SCOPES
    from frontline.cli.desk import open_desk

    console = _console()
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = set(wanted) - set(ALL_SCOPES)
    if unknown:
        console.print(f"[red]Unknown scope(s): {', '.join(sorted(unknown))}.[/red]")
        raise typer.Exit(2)
    with open_desk().session() as db:
        user = db.scalar(select(User).where(User.email == email.lower()))
        if user is None:
            console.print(f"[red]No user with e-mail {email}.[/red]")
            raise typer.Exit(1)
        _, secret = issue_token(db, user, name=name, scopes=wanted, ttl=timedelta(days=days) if days else None)
    typer.echo(secret)


@app.command()
def demo(
    tickets: int = typer.Option(3000, help="How many tickets of history to create."),
    months: int = typer.Option(6, help="Spread the history over this many months."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when the desk already has tickets."),
    seed: int = typer.Option(42, help="Random seed (same seed, same desk)."),
) -> None:
    """Fill the desk with a realistic demo: teams on L1/L2/L3, agents, customers and ticket history."""
    from frontline.cli.desk import open_desk
    from frontline.demo.build import build_demo, desk_is_empty
    from frontline.kit.settings import get_settings

    console = _console()
    database = open_desk()
    if if_empty and not desk_is_empty(database):
        console.print("The desk already has data; demo skipped.")
        return
    summary = build_demo(database, tickets=tickets, months=months, seed=seed, console=console)
    console.print(summary)
    from frontline.routing.training import retrain

    with database.session() as db:  # so the demo desk classifies and routes new tickets from the start
        fields = sorted(retrain(db, get_settings().data_dir).models)
    console.print(f"Routing model trained on the demo history: {', '.join(fields) or 'too little history'}.")


def main() -> None:
    app()
