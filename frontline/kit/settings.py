"""One typed settings object, read from FRONTLINE_* environment variables.

Every field is documented in docs/configuration.md; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from frontline.kit.dbapi import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTLINE_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL. SQLite (WAL) by default; postgresql+psycopg://... in production.",
    )
    data_dir: Path = Field(default=Path("var/data"), description="Attachments and other files live here.")
    secret_key: SecretStr = Field(
        default=SecretStr("dev-only-change-me"),
        description="Signs customer links and sessions. Set a long random value in production.",
    )
    ticket_prefix: str = Field(default="FL", description="Shown before ticket numbers: FL-10042.")
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL, used in links we send.")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, description="Uvicorn worker processes for `frontline serve`.")
    max_attachment_bytes: int = Field(default=25 * 1024 * 1024, description="Largest accepted attachment.")
    customer_link_days: int = Field(default=90, description="How long a customer's ticket link stays valid.")
    session_hours: int = Field(default=12, description="Lifetime of an agent login session.")
    login_max_failures: int = Field(
        default=5, description="Wrong passwords allowed per account and client IP per window; then that pair waits.")
    login_account_max_failures: int = Field(
        default=50, description="Wrong passwords per account from all IPs per window; then only IPs that signed "
        "in to the account before may try (the owner is slowed, not locked out).")
    login_ip_max_failures: int = Field(
        default=30, description="Wrong passwords from one client IP per window, whatever the account.")
    login_global_max_failures: int = Field(
        default=1000, description="Wrong passwords desk-wide per window; then only IPs known to an account may try.")
    login_window_seconds: int = Field(default=900, description="Window for counting wrong passwords.")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="IPs or networks of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (e.g. [\"10.0.0.5\"]). Empty: the connecting address is the client.")
    webhook_allowed_networks: list[str] = Field(
        default_factory=list, description="Private networks webhooks may reach (e.g. [\"10.1.2.0/24\"]); "
        "loopback, link-local, private and metadata addresses are refused otherwise.")
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="Log one JSON object per line.")
    db_pool_size: int = 10
    jobs_in_process: bool = Field(
        default=True,
        description="Run background jobs inside the web process (SQLite: a runner thread; "
        "PostgreSQL: a procrastinate worker thread). Turn off when `frontline worker` processes run them.",
    )
    job_modules: list[str] = Field(
        default_factory=list,
        description="Extra modules that register job handlers (frontline/<domain>/jobs.py are found anyway).",
    )
    jobs_poll_seconds: float = Field(default=1.0, description="SQLite runner: look for due jobs this often.")
    jobs_lease_seconds: int = Field(
        default=600, description="SQLite runner: a job still running after this long is presumed dead and re-run."
    )
    worker_concurrency: int = Field(default=4, description="PostgreSQL: jobs run at once per worker process.")

    routing_confidence_threshold: float = Field(
        default=0.8, description="Classifier suggestions at or above this confidence are applied, not only shown."
    )

    email_message_id_domain: str | None = Field(
        default=None, description="Right-hand side of the Message-IDs we generate (default: host of base_url).",
    )
    email_auto_reply_limit: int = Field(
        default=3, description="Auto-acknowledgements sent to one address per email_auto_reply_window_minutes.",
    )
    email_auto_reply_window_minutes: int = Field(default=60, description="Window of email_auto_reply_limit.")
    email_flood_limit: int = Field(
        default=20,
        description="New tickets one sender may open by email per hour; later mail joins their last ticket.",
    )
    email_send_max_attempts: int = Field(default=8, description="SMTP attempts before a reply is marked failed.")
    email_intake_max_attempts: int = Field(
        default=8, ge=1, le=1000,
        description="Failed processing attempts of a stored message (transient database errors) before it is kept"
                    " as an unreadable ticket with the original attached.",
    )
    email_retry_base_seconds: int = Field(
        default=60, description="First SMTP retry delay; doubles per attempt (capped at 6 hours).",
    )
    email_ca_file: Path | None = Field(
        default=None,
        description="Extra CA certificates (PEM) trusted for IMAP/SMTP servers with private certificates.",
    )
    email_imap_batch: int = Field(default=200, description="Messages fetched per IMAP poll of one mailbox.")
    planner_timezone: str = Field(
        default="Europe/Moscow", description="Time zone the workforce planner counts intervals and schedules in.",
    )
    planner_country: str = Field(default="RU", description="Country whose public holidays the forecast knows.")
    planner_handle_times: dict[str, float] = Field(
        default={"phone": 300.0, "chat": 420.0, "telegram": 420.0, "email": 480.0, "web": 480.0, "portal": 480.0,
                 "api": 480.0},
        description="Average handle time per channel in seconds, unless set in the planner's handle-time table.",
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
