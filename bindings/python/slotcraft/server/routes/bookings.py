"""Bookings: create (idempotent with `Idempotency-Key`), read, list, cancel,
reschedule. Staff act on their own resource's bookings, clients on their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Query
from pydantic import BaseModel, Field, StrictInt, StrictStr

import slotcraft as sc

from ..auth import EVERYONE, STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..paging import cursor_query, limit_query, paged
from ..params import (BOOKING_STATUSES, booking_path, known_client, known_service, period_from, period_to,
                      resources_query, service_filter, status_filter)
from ..routing import ApiRoute
from ..views import Instant, booking_view, caller_key

ROLES: Rules = {
    "create_booking": EVERYONE,
    "get_booking": EVERYONE,
    "list_bookings": EVERYONE,
    "cancel_booking": EVERYONE,
    "reschedule_booking": EVERYONE,
    "mark_attendance": STAFF,
}

# The longest period a listing covers (as a report or /v1/slots).
MAX_PERIOD = timedelta(days=366)


class NewBooking(BaseModel):
    resource: StrictStr
    service: StrictStr
    start: Instant
    location: StrictStr = ""
    client: StrictStr = ""
    seats: StrictInt = 1
    pool_members: dict[StrictStr, StrictStr] = Field(
        default_factory=dict,
        description="SPEC §10: the member to book per pool of the service, e.g. {\"room\": \"room-2\"}; "
        "a pool not named gets its preferred free member (a slot lists each pool's free members, preferred first)")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z",
                                    "client": "c1"}}


class Cancellation(BaseModel):
    reason: StrictStr = ""

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"reason": "the client is ill"}}


class AttendanceMark(BaseModel):
    attendance: StrictStr

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"attendance": "attended"}}


class Move(BaseModel):
    start: Instant
    location: StrictStr = ""

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"start": "2027-03-01T10:00:00Z"}}


BOOKING_ID = booking_path()


def idempotency_key() -> Any:
    """The `Idempotency-Key` header: the same key and body answer the first
    booking again; the same key with another body is a 409."""
    return Header(default="", alias="Idempotency-Key", max_length=255,
                  description="up to 255 characters the caller picks for this request (an order's id, a UUID): "
                  "sent again with the same body, it answers what the first request made instead of making "
                  "it twice, so a request whose answer was lost can be retried; with another body it is a 409. "
                  "None: each request makes anew", example="order-1")


def _booking_key(booking: sc.BookingRecord) -> list[str]:
    return [sc.format_instant(booking.start), booking.id]


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["bookings"])
    scheduler = ctx.scheduler

    @api.post("/bookings", name="create_booking", status_code=201)
    def create_booking(
        booking: NewBooking, key: str = idempotency_key(), who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """Books a start, checked as every listed slot is (one check serves both);
        409 with every reason when it is not bookable. The same `Idempotency-Key`
        and body answer the first booking again; another body with it is a 409."""
        with fields_named(idempotency_key="Idempotency-Key"):
            booked = scheduler.book(
                who.own_resource(booking.resource),
                booking.service,
                booking.start,
                location=booking.location,
                client=who.own_client(booking.client),
                seats=booking.seats,
                idempotency_key=caller_key(who.actor, key),
                actor=who.actor,
                pool_members=booking.pool_members,
                now=ctx.clock(),
            )
        return ctx.booking_view(booked)

    @api.get("/bookings/{id}", name="get_booking")
    def get_booking(id: str = BOOKING_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """One booking or hold, with its local times in the resource's zone."""
        return ctx.booking_view(ctx.booking(id, who))

    @api.get("/bookings", name="list_bookings")
    def list_bookings(
        start: Instant | None = period_from(None, meaning="; none (and no `to`): a client's bookings"),
        end: Instant | None = period_to(None),
        resources: list[str] = resources_query(),
        resource: str = Query("", description="a resource's id, as one more of `resources`", example="anna"),
        service: str = service_filter(),
        client: str = Query("", description="a client's id: only their bookings; none: everyone's. Without a "
                            "period, whose bookings to list. A client gets their own and may name only "
                            "themselves", example="c1"),
        status: str | None = status_filter(),
        active: bool = Query(True, description="without a period: true (the default) for the client's bookings "
                             "not yet ended, false for their past and cancelled ones"),
        limit: int = limit_query(),
        cursor: str = cursor_query(),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Bookings and holds starting in [from, to), by start, of any status unless
        `status` is named, narrowed by `resources` (or `resource`), `service`,
        `client`. Without a period, a client's bookings: `active` ones not yet
        ended, else the past and cancelled ones. Staff see their own resource's,
        clients their own."""
        client = known_client(scheduler, who.own_client(client))
        service = known_service(scheduler, service)
        named = [who.own_resource(r, f"resources[{i}]") for i, r in enumerate(resources)]
        if resource:
            named.append(who.own_resource(resource))
        if not named and who.role == "staff":
            named = [who.resource]
        if start is None and end is None:
            if not client:
                raise ApiError(400, "give a period (from and to), or a client", field="from")
            if status is not None and status not in BOOKING_STATUSES:
                raise ApiError(400, f"expected one of {', '.join(BOOKING_STATUSES)}", field="status")
            # The same filters as with a period (a staff key's resource among them).
            found = [b for b in scheduler.client_bookings(client, active=active, now=ctx.clock())
                     if (not named or b.resource in named) and (not service or b.service == service)
                     and (status is None or b.status.name == status)]
        else:
            if start is None or end is None:
                raise ApiError(400, "give both ends of the period", field="to" if start else "from")
            if end - start > MAX_PERIOD:
                raise ApiError(400, f"the period is over {MAX_PERIOD.days} days", field="to")
            with fields_named(start="from", end="to", period="to"):
                found = scheduler.bookings(start, end, resources=named, service=service,
                                           client=client, status=status)
        zones = ctx.zones()
        return paged("bookings", found, _booking_key, lambda b: booking_view(b, zones[b.resource]),
                     cursor=cursor, limit=limit)

    @api.post("/bookings/{id}/attendance", name="mark_attendance")
    def mark_attendance(
        id: str = BOOKING_ID, *, mark: AttendanceMark, who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """Whether the client came: `attended`, `no_show`, or `unmarked` again; once the start has passed."""
        ctx.booking(id, who)
        marked = scheduler.mark_attendance(id, mark.attendance, actor=who.actor, now=ctx.clock())
        return ctx.booking_view(marked)

    @api.post("/bookings/{id}/cancel", name="cancel_booking")
    def cancel_booking(
        id: str = BOOKING_ID,
        cancellation: Cancellation | None = Body(default=None),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Cancels a booking or hold, keeping `reason`; cancelling twice answers the same booking."""
        ctx.booking(id, who)
        reason = cancellation.reason if cancellation else ""
        return ctx.booking_view(scheduler.cancel(id, reason, actor=who.actor, now=ctx.clock()))

    @api.post("/bookings/{id}/reschedule", name="reschedule_booking")
    def reschedule_booking(
        id: str = BOOKING_ID, *, move: Move, who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """Moves a booking to `start` (and `location`), checked as a new booking that
        ignores the booking itself; 409 with every reason leaves it where it was."""
        ctx.booking(id, who)
        moved = scheduler.reschedule(id, move.start, location=move.location, actor=who.actor, now=ctx.clock())
        return ctx.booking_view(moved)

    return api
