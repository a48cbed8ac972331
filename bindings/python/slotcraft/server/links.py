"""Booking links: what the public booking page at /book/<id> offers (one
resource's services, or services with any of their providers), and the holds
and bookings made through a link, in the tables `server_booking_links` and
`server_link_bookings` of the scheduler's own database (serverdb.py).

A booking made through a page gets a manage token: 256 random bits, shown once
to the client (in the manage URL) and stored only as its SHA-256, like a
calendar feed's token (feeds.py). The hold token of a page's hold (slotcraft's
own) is kept the same way, so that only a hold made through the link can be
confirmed or released through it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import slotcraft as sc

from .context import Clock, wall_clock
from .serverdb import ServerDb

SCHEMAS = (
    """CREATE TABLE IF NOT EXISTS server_booking_links (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    resource TEXT NOT NULL,
    services TEXT NOT NULL,
    hold_minutes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    disabled_at TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS server_link_bookings (
    booking TEXT PRIMARY KEY,
    link TEXT NOT NULL,
    hold_token_hash TEXT NOT NULL UNIQUE,
    manage_token_hash TEXT UNIQUE,
    created_at TEXT NOT NULL)""",
)

_LINK_COLUMNS = "id, title, resource, services, hold_minutes, created_at, updated_at, disabled_at"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class BookingLink:
    """A booking page's offer. `resource` set: that resource's services (`services`
    empty: all it provides at the time); else `services` with any of their providers."""

    id: str
    title: str
    resource: str
    services: tuple[str, ...]
    hold_minutes: int
    created_at: str = ""
    updated_at: str = ""
    disabled_at: str = ""

    @property
    def enabled(self) -> bool:
        return not self.disabled_at

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "resource": self.resource,
            "services": list(self.services),
            "hold_minutes": self.hold_minutes,
            "page": f"/book/{self.id}",
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "disabled_at": self.disabled_at or None,
        }


def _link(row: Sequence[Any]) -> BookingLink:
    id, title, resource, services, hold_minutes, created_at, updated_at, disabled_at = row
    return BookingLink(str(id), str(title), str(resource), tuple(json.loads(services)), int(hold_minutes),
                       str(created_at), str(updated_at), str(disabled_at))


class BookingLinks:
    """The booking links of the database `scheduler` keeps its data in, and the
    holds and bookings made through them."""

    def __init__(self, scheduler: sc.Scheduler, clock: Clock = wall_clock) -> None:
        self._db = ServerDb(scheduler, SCHEMAS)
        self._clock = clock

    def close(self) -> None:
        self._db.close()

    def _now(self) -> str:
        now: datetime = self._clock()
        return sc.format_instant(now)

    def put(self, link: BookingLink) -> tuple[BookingLink, bool]:
        """Creates or replaces (and enables again) the link `link.id`; the stored
        link, and whether it is new."""
        now = self._now()
        services = json.dumps(list(link.services))
        with self._db.transaction() as tx:
            found = tx.run(f"SELECT created_at FROM server_booking_links WHERE id = ?{tx.for_update}", (link.id,))
            if found:
                tx.run("UPDATE server_booking_links SET title = ?, resource = ?, services = ?, hold_minutes = ?, "
                       "updated_at = ?, disabled_at = '' WHERE id = ?",
                       (link.title, link.resource, services, link.hold_minutes, now, link.id))
            else:
                tx.run(f"INSERT INTO server_booking_links ({_LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, '')",
                       (link.id, link.title, link.resource, services, link.hold_minutes, now, now))
        stored = self.get(link.id)
        assert stored is not None
        return stored, not found

    def get(self, id: str) -> BookingLink | None:
        """The link `id`, disabled or not."""
        rows = self._db.run(f"SELECT {_LINK_COLUMNS} FROM server_booking_links WHERE id = ?", (id,))
        return _link(rows[0]) if rows else None

    def all(self) -> list[BookingLink]:
        """Every link, disabled ones too, by id."""
        return [_link(row) for row in self._db.run(f"SELECT {_LINK_COLUMNS} FROM server_booking_links ORDER BY id")]

    def disable(self, id: str) -> None:
        """Closes the link's page (its bookings stay); disabling it again changes nothing."""
        self._db.run("UPDATE server_booking_links SET disabled_at = ? WHERE id = ? AND disabled_at = ''",
                     (self._now(), id))

    def record_hold(self, link: str, booking: str, hold_token: str) -> None:
        """A hold made through `link`, found again by its token."""
        self._db.run("INSERT INTO server_link_bookings (booking, link, hold_token_hash, created_at) VALUES (?, ?, ?, ?)",
                     (booking, link, token_hash(hold_token), self._now()))

    def held_through(self, link: str, hold_token: str) -> str | None:
        """The booking of the hold `hold_token` made through `link`, or None."""
        rows = self._db.run("SELECT booking FROM server_link_bookings WHERE link = ? AND hold_token_hash = ?",
                            (link, token_hash(hold_token)))
        return str(rows[0][0]) if rows else None

    def new_manage_token(self, booking: str) -> str:
        """A manage token of `booking` (made through a link), replacing the one before;
        the text is not stored and cannot be shown again."""
        token = secrets.token_urlsafe(32)
        self._db.run("UPDATE server_link_bookings SET manage_token_hash = ? WHERE booking = ?",
                     (token_hash(token), booking))
        return token

    def managed_booking(self, link: str, manage_token: str) -> str | None:
        """The booking whose manage token `manage_token` is, made through `link`, or None."""
        rows = self._db.run("SELECT booking FROM server_link_bookings WHERE link = ? AND manage_token_hash = ?",
                            (link, token_hash(manage_token)))
        return str(rows[0][0]) if rows else None
