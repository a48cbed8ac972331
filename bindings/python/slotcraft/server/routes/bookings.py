"""Bookings: create (idempotent with `Idempotency-Key`), read, list, cancel,
reschedule. Staff act on their own resource's bookings, clients on their own."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Query
from pydantic import BaseModel, StrictInt, StrictStr

import slotcraft as sc

from ..auth import EVERYONE, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..routing import ApiRoute
from ..views import Instant, booking_view

ROLES: Rules = {
    "create_booking": EVERYONE,
    "get_booking": EVERYONE,
    "list_bookings": EVERYONE,
    "cancel_booking": EVERYONE,
    "reschedule_booking": EVERYONE,
}


class NewBooking(BaseModel, extra="forbid"):
    resource: StrictStr
    service: StrictStr
    start: Instant
    location: StrictStr = ""
    client: StrictStr = ""
    seats: StrictInt = 1


class Cancellation(BaseModel, extra="forbid"):
    reason: StrictStr = ""


class Move(BaseModel, extra="forbid"):
    start: Instant
    location: StrictStr = ""


def idempotency_key() -> Any:
    """The `Idempotency-Key` header: the same key and body answer the first
    booking again; the same key with another body is a 409."""
    return Header(default="", alias="Idempotency-Key", max_length=255)


def _starting_in(bookings: list[sc.BookingRecord], start: datetime | None, end: datetime | None) -> list[sc.BookingRecord]:
    return [b for b in bookings if (start is None or b.start >= start) and (end is None or b.start < end)]


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["bookings"])
    scheduler = ctx.scheduler

    @api.post("/bookings", name="create_booking", status_code=201)
    def create_booking(
        booking: NewBooking, key: str = idempotency_key(), who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        with fields_named(idempotency_key="Idempotency-Key"):
            booked = scheduler.book(
                who.own_resource(booking.resource),
                booking.service,
                booking.start,
                location=booking.location,
                client=who.own_client(booking.client),
                seats=booking.seats,
                idempotency_key=key,
                actor=who.actor,
                now=ctx.clock(),
            )
        return ctx.booking_view(booked)

    @api.get("/bookings/{id}", name="get_booking")
    def get_booking(id: str, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        return ctx.booking_view(ctx.booking(id, who))

    @api.get("/bookings", name="list_bookings")
    def list_bookings(
        resource: str = "",
        client: str = "",
        start: Instant | None = Query(default=None, alias="from"),
        end: Instant | None = Query(default=None, alias="to"),
        active: bool = True,
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """A resource's active bookings starting in [from, to) (of `client` only,
        when named); or a client's bookings (`active`: not yet ended, else the
        past and cancelled ones), starting in [from, to) when given."""
        client = who.own_client(client)
        if who.role == "staff":
            resource = who.own_resource(resource or who.resource)
        if resource:
            if start is None or end is None:
                raise ApiError(400, "a resource's bookings are listed in a range: give from and to",
                               field="to" if start else "from")
            days = math.ceil((end - start) / timedelta(days=1))
            try:
                found = scheduler.upcoming(resource, start, days)
            except sc.InvalidArgument as error:
                if error.field != "days":
                    raise
                raise ApiError(400, f"to - from in days {error.message}", field="to") from None
            found = [b for b in _starting_in(found, start, end) if not client or b.client == client]
        elif client:
            found = _starting_in(scheduler.client_bookings(client, active=active, now=ctx.clock()), start, end)
        else:
            raise ApiError(400, "give a resource or a client", field="resource")
        zones = ctx.zones()
        return {"bookings": [booking_view(b, zones[b.resource]) for b in found]}

    @api.post("/bookings/{id}/cancel", name="cancel_booking")
    def cancel_booking(
        id: str, cancellation: Cancellation | None = Body(default=None), who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        ctx.booking(id, who)
        reason = cancellation.reason if cancellation else ""
        return ctx.booking_view(scheduler.cancel(id, reason, actor=who.actor, now=ctx.clock()))

    @api.post("/bookings/{id}/reschedule", name="reschedule_booking")
    def reschedule_booking(id: str, move: Move, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        ctx.booking(id, who)
        moved = scheduler.reschedule(id, move.start, location=move.location, actor=who.actor, now=ctx.clock())
        return ctx.booking_view(moved)

    return api
