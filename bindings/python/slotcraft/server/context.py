"""What every route module is built with."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import slotcraft as sc

from .auth import Caller, Principal
from .errors import ApiError
from .views import booking_view

if TYPE_CHECKING:
    from .accounts import Accounts

Clock = Callable[[], datetime]


class ServerTables(Protocol):
    """A store of the server's own tables (serverdb.py): feed tokens, webhooks, ..."""

    def __init__(self, scheduler: sc.Scheduler, clock: Clock) -> None: ...

    def close(self) -> None: ...


Tables = TypeVar("Tables", bound=ServerTables)


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Context:
    scheduler: sc.Scheduler
    clock: Clock
    # The dependency that authenticates the caller and checks their role on the route.
    caller: Caller
    # The users and API keys that `caller` signs in with, when they are the server's own (accounts.py).
    accounts: Accounts | None = None
    _tables: dict[type[Any], Any] = field(default_factory=dict, compare=False, repr=False)

    def tables(self, kind: type[Tables]) -> Tables:
        """The one `kind` the routes of this context share (a `memory:` store's
        server tables live in that one connection), closed when the context goes."""
        if kind not in self._tables:
            opened = self._tables[kind] = kind(self.scheduler, self.clock)
            weakref.finalize(self, opened.close)
        found: Tables = self._tables[kind]
        return found

    def zones(self) -> dict[str, str]:
        """The time zone of every resource, archived ones too."""
        return {r.id: r.time_zone for r in self.scheduler.resources(include_archived=True)}

    def booking(self, id: str, who: Principal) -> sc.BookingRecord:
        """The booking `id`, if `who` may see it."""
        found = self.scheduler.booking(id)
        if found is None:
            raise ApiError(404, f'no booking "{id}"', field="id")
        who.check_booking(found)
        return found

    def booking_view(self, booking: sc.BookingRecord) -> dict[str, Any]:
        resource = self.scheduler.resource(booking.resource)
        assert resource is not None  # a booking's resource is archived, never deleted
        return booking_view(booking, resource.time_zone)
