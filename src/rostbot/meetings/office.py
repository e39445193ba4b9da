"""What meeting operations need at hand, for the chat and the CLI alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rostbot.config import Settings
from rostbot.core.meeting_model import Event, MeetingError, iso_utc
from rostbot.crypto.server_secret import ServerSecret
from rostbot.journey.services import Services
from rostbot.store import events
from rostbot.store.database import Database, Transaction


@dataclass(frozen=True)
class Office:
    """The store, the server secret (for encrypted fields), settings and the clock."""

    db: Database
    secret: ServerSecret
    settings: Settings
    clock: Callable[[], datetime]

    @classmethod
    def of(cls, services: Services) -> Office:
        return cls(services.db, services.secret, services.settings, services.clock)

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return iso_utc(self.clock())

    def today(self) -> str:
        return self.clock().date().isoformat()


async def event_or_error(db: Database | Transaction, event_id: str) -> Event:
    event = await events.get(db, event_id)
    if event is None:
        raise MeetingError(f"there is no event {event_id!r} (see `rostbot events list`)")
    return event


async def group_of(db: Database | Transaction, event: Event, now: datetime) -> list[Event]:
    """What one booking covers: every session of a fixed group not yet begun, else the event."""
    if not event.is_fixed_group or event.series_id is None:
        return [event]
    sessions = await events.in_series(db, event.series_id)
    remaining = [s for s in sessions if s.status == "scheduled" and s.starts_at > now]
    return remaining or [event]
