"""Holds: a start kept for `ttl_minutes` while the client makes up their mind,
then confirmed into a booking (checked again, as a booking) or released."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import StrictInt

import slotcraft as sc

from ..auth import EVERYONE, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..routing import ApiRoute
from .bookings import NewBooking, idempotency_key

ROLES: Rules = {
    "create_hold": EVERYONE,
    "confirm_hold": EVERYONE,
    "release_hold": EVERYONE,
}


class NewHold(NewBooking):
    ttl_minutes: StrictInt


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["holds"])
    scheduler = ctx.scheduler

    def hold_of(id: str, who: Principal) -> sc.BookingRecord:
        found = ctx.booking(id, who)
        if not found.hold_token:
            raise ApiError(404, f'booking "{id}" is not a hold', field="id")
        return found

    @api.post("/holds", name="create_hold", status_code=201)
    def create_hold(hold: NewHold, key: str = idempotency_key(), who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Holds a start; the answer is the held booking: its `id` and `expires`."""
        with fields_named(ttl="ttl_minutes", idempotency_key="Idempotency-Key"):
            held = scheduler.hold(
                who.own_resource(hold.resource),
                hold.service,
                hold.start,
                timedelta(minutes=hold.ttl_minutes),
                location=hold.location,
                client=who.own_client(hold.client),
                seats=hold.seats,
                idempotency_key=key,
                actor=who.actor,
                now=ctx.clock(),
            )
        return ctx.booking_view(held)

    @api.post("/holds/{id}/confirm", name="confirm_hold")
    def confirm_hold(id: str, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        with fields_named(hold_token="id"):
            confirmed = scheduler.confirm(hold_of(id, who).hold_token, actor=who.actor, now=ctx.clock())
        return ctx.booking_view(confirmed)

    @api.post("/holds/{id}/release", name="release_hold")
    def release_hold(id: str, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        if hold_of(id, who).status == sc.BookingStatus.confirmed:
            raise ApiError(409, "the hold was confirmed: cancel the booking instead", field="id")
        return ctx.booking_view(scheduler.cancel(id, "hold released", actor=who.actor, now=ctx.clock()))

    return api
