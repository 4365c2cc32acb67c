"""Where `make run` keeps and prints the demo desk's login and API token."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from frontline.accounts.auth import issue_token
from frontline.accounts.models import User
from frontline.kit.db import get_database
from frontline.kit.settings import get_settings

ADMIN_EMAIL = "admin@frontline.demo"
DEMO_PASSWORD = "frontline-demo"


def token_file() -> Path:
    return get_settings().data_dir / "demo-token.txt"


def save_demo_token(secret: str) -> None:
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret + "\n")
    path.chmod(0o600)


def demo_token() -> str | None:
    """The saved demo token, or a new one for the demo admin when the file is gone."""
    path = token_file()
    if path.is_file():
        return path.read_text().strip()
    settings = get_settings()
    with get_database(settings.database_url).session() as db:
        admin = db.scalar(select(User).where(User.email == ADMIN_EMAIL))
        if admin is None:
            return None
        _, secret = issue_token(db, admin, name="demo token", scopes=["read", "write", "admin"])
    save_demo_token(secret)
    return secret


def main() -> None:
    settings = get_settings()
    token = demo_token()
    url = settings.base_url.rstrip("/")
    print()
    print(f"  Frontline is starting at {url}")
    print(f"  Agent login:  {ADMIN_EMAIL} / {DEMO_PASSWORD}  (agents: agent1@frontline.demo ... same password)")
    if token:
        print(f"  API token:    {token}")
        print(f"  Try:  curl -H 'Authorization: Bearer {token}' {url}/api/v1/tickets?limit=5")
        print(f"  API docs:     {url}/api/v1/docs")
    print()


if __name__ == "__main__":
    main()
