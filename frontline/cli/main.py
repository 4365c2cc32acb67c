"""The `frontline` command: serve, migrate, createadmin, demo, token."""

from __future__ import annotations

import getpass
import os

import typer
from rich.console import Console
from sqlalchemy import select

from frontline.cli import mail
from frontline.cli.plan import app as plan_app
from frontline.cli.routing import app as routing_app
from frontline.cli.search import app as search_app
from frontline.cli.worker import worker
from frontline.kit.settings import get_settings

app = typer.Typer(help="Frontline customer-support desk.", no_args_is_help=True, add_completion=False)
token_app = typer.Typer(help="API tokens for integrations.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(routing_app, name="routing")
app.add_typer(plan_app, name="plan")
app.add_typer(search_app, name="search")
app.command()(worker)
mail.register(app)
console = Console()


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from frontline.kit.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    console.print("[green]Database is up to date.[/green]")


@app.command()
def serve(
    host: str = typer.Option(None, help="Interface to bind (default from FRONTLINE_HOST)."),
    port: int = typer.Option(None, help="Port (default from FRONTLINE_PORT)."),
    workers: int = typer.Option(None, help="Worker processes (default from FRONTLINE_WORKERS)."),
) -> None:
    """Run the web server (API, agent workspace and customer portal)."""
    import uvicorn

    from frontline.kit.logging import configure

    settings = get_settings()
    configure(settings.log_level, json=settings.log_json)
    uvicorn.run(
        "frontline.api.asgi:app", host=host or settings.host, port=port or settings.port,
        workers=workers or settings.workers, log_level=settings.log_level.lower(), access_log=False,
        proxy_headers=False,  # the app believes X-Forwarded-For only from FRONTLINE_TRUSTED_PROXIES
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

    from frontline.accounts.auth import issue_token
    from frontline.accounts.models import User
    from frontline.accounts.principal import ALL_SCOPES
    from frontline.cli.desk import open_desk

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
