"""What every route module is built with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import slotcraft as sc

from .auth import Caller, Principal
from .errors import ApiError
from .views import booking_view

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Context:
    scheduler: sc.Scheduler
    clock: Clock
    # The dependency that authenticates the caller and checks their role on the route.
    caller: Caller

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
