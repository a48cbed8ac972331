"""Holds: a start kept for `ttl_minutes` while the client makes up their mind,
then confirmed into a booking (checked again, as a booking) or released.

A hold is confirmed by its id, or, for callers that kept only the held
booking's `hold_token` (as `Scheduler.confirm` takes it), by that token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StrictInt, StrictStr

import slotcraft as sc

from ..auth import EVERYONE, Principal, Role, Rules
from ..context import Context
from ..errors import ApiError, fields_named, minutes_field
from ..params import booking_path
from ..routing import ApiRoute
from ..views import caller_key
from .bookings import NewBooking, idempotency_key

ROLES: Rules = {
    "create_hold": EVERYONE,
    "confirm_hold": EVERYONE,
    "release_hold": EVERYONE,
    # A token does not say whose hold it is until the scheduler confirms it, so the
    # checks of staff and client keys (their resource, their booking) could not come
    # first: they confirm by id.
    "confirm_hold_by_token": frozenset[Role]({"admin"}),
}

HOLD_ID = booking_path("hold")


class NewHold(NewBooking):
    ttl_minutes: StrictInt

    class Config:
        schema_extra = {"example": {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z",
                                    "client": "c1", "ttl_minutes": 10}}


class HoldToken(BaseModel):
    token: StrictStr = Field(..., min_length=1, max_length=255)

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"token": "9f2c41d07be35a6e18c4f0d27a9b3e51"}}


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
                minutes_field(hold.ttl_minutes, "ttl_minutes"),
                location=hold.location,
                client=who.own_client(hold.client),
                seats=hold.seats,
                idempotency_key=caller_key(who.actor, key),
                actor=who.actor,
                pool_members=hold.pool_members,
                now=ctx.clock(),
            )
        return ctx.booking_view(held)

    @api.post("/holds/{id}/confirm", name="confirm_hold")
    def confirm_hold(id: str = HOLD_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Confirms a hold into a booking, checked again as a booking at this moment;
        409 when it expired, was released, or the start is no longer bookable."""
        with fields_named(hold_token="id"):
            confirmed = scheduler.confirm(hold_of(id, who).hold_token, actor=who.actor, now=ctx.clock())
        return ctx.booking_view(confirmed)

    @api.post("/holds/confirm", name="confirm_hold_by_token")
    def confirm_hold_by_token(hold: HoldToken, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Confirms the hold whose `hold_token` is `token` (`slotcraft.client.RemoteScheduler.confirm`)."""
        with fields_named(hold_token="token"):
            confirmed = scheduler.confirm(hold.token, actor=who.actor, now=ctx.clock())
        return ctx.booking_view(confirmed)

    @api.post("/holds/{id}/release", name="release_hold")
    def release_hold(id: str = HOLD_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Frees a held start at once (the hold is cancelled); a confirmed one is a 409."""
        if hold_of(id, who).status == sc.BookingStatus.confirmed:
            raise ApiError(409, "the hold was confirmed: cancel the booking instead", field="id")
        return ctx.booking_view(scheduler.cancel(id, "hold released", actor=who.actor, now=ctx.clock()))

    return api
