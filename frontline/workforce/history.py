"""The desk's own history for the planner: contacts per channel and 30-minute interval, handle times.

Contacts are tickets by their creation time and channel. Handle time comes from the
`planner_handle_time` table, else from settings: replies record no handling time yet, so the
planner cannot measure it and says where each figure came from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.kit.errors import InvalidInput
from frontline.tickets.models import Ticket
from frontline.workforce.forecast import volume_series_by_channel
from frontline.workforce.models import ChannelHandleTime


@dataclass(frozen=True)
class Contacts:
    """Raw contacts: UTC times (numpy datetime64) and one channel per contact."""

    at_utc: np.ndarray
    channels: list[str]

    def __len__(self) -> int:
        return len(self.channels)


@dataclass(frozen=True)
class HandleTime:
    channel: str
    aht_seconds: float
    source: str  # "table" or "settings"


def _as_utc64(values: Iterable[datetime]) -> np.ndarray:
    stamps = pd.DatetimeIndex(list(values))
    if len(stamps) and stamps.tz is not None:
        stamps = stamps.tz_convert("UTC").tz_localize(None)
    return stamps.values.astype("datetime64[us]")


def contacts_from_db(db: Session, *, team_id: int | None = None, since: datetime | None = None) -> Contacts:
    """Every ticket's creation time and channel, oldest first (optionally one team's, since a moment)."""
    query = select(Ticket.created_at, Ticket.channel).order_by(Ticket.created_at)
    if team_id is not None:
        query = query.where(Ticket.team_id == team_id)
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    rows = db.execute(query.execution_options(yield_per=5000)).all()
    return Contacts(_as_utc64(row[0] for row in rows), [str(row[1]) for row in rows])


def contacts_from_csv(text: str) -> Contacts:
    """A spreadsheet of history: columns `timestamp,channel` (ISO times; no zone means UTC)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"timestamp", "channel"} <= {f.strip() for f in reader.fieldnames}:
        raise InvalidInput("the history CSV needs the columns timestamp,channel")
    times: list[datetime] = []
    channels: list[str] = []
    for number, row in enumerate(reader, start=2):
        try:
            moment = pd.Timestamp(str(row["timestamp"]).strip())
        except ValueError as exc:
            raise InvalidInput(f"row {number}: {row.get('timestamp')!r} is not an ISO date and time") from exc
        if moment is pd.NaT:
            raise InvalidInput(f"row {number}: the timestamp is empty")
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
        times.append(moment.tz_localize(None).to_pydatetime())
        channels.append((row.get("channel") or "").strip() or "unknown")
    return Contacts(_as_utc64(times), channels)


def interval_history(contacts: Contacts, *, tz: str, start: date | None = None, end: date | None = None
                     ) -> pd.DataFrame:
    """Contacts per channel (columns) per 30-minute interval of local time over local days [start, end)."""
    if not len(contacts):
        return pd.DataFrame()
    return volume_series_by_channel(contacts.at_utc, contacts.channels, tz=tz, start=start, end=end)


def handle_times(db: Session | None, defaults: dict[str, float], channels: Iterable[str]) -> dict[str, HandleTime]:
    """Average handle time per channel: the table's row if any, else the configured default."""
    table: dict[str, float] = {}
    if db is not None:
        table = {row.channel: row.aht_seconds for row in db.scalars(select(ChannelHandleTime))}
    fallback = float(np.median(list(defaults.values()))) if defaults else 480.0
    result = {}
    for channel in channels:
        if channel in table:
            result[channel] = HandleTime(channel, table[channel], "table")
        else:
            result[channel] = HandleTime(channel, float(defaults.get(channel, fallback)), "settings")
    return result


def set_handle_time(db: Session, channel: str, aht_seconds: float) -> ChannelHandleTime:
    if not aht_seconds > 0:
        raise InvalidInput("handle time must be a positive number of seconds")
    row = db.get(ChannelHandleTime, channel) or ChannelHandleTime(channel=channel, aht_seconds=aht_seconds)
    row.aht_seconds = aht_seconds
    db.add(row)
    db.flush()
    return row
