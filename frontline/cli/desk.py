"""The desk as a CLI command opens it: settings, the database, and the wiring every process shares."""

from __future__ import annotations

from frontline import wiring
from frontline.kit.db import Database, get_database
from frontline.kit.settings import Settings, get_settings


def open_desk(settings: Settings | None = None) -> Database:
    """The desk's database, with the ticket listeners and job handlers installed exactly as in the web app and
    `frontline worker` (frontline/wiring.py), so whatever a command writes is routed, clocked and indexed."""
    settings = settings or get_settings()
    wiring.install(settings)
    return get_database(settings.database_url)
