"""Recurring series: "every Tuesday at 18:00" as an RFC 5545 RRULE from a first
start, booked all or nothing (or only the free occurrences), and cancelled for
one occurrence, it and the following ones, or all."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, StrictBool, StrictStr

import slotcraft as sc

from ..auth import EVERYONE, Principal, Rules
from ..context import Context
from ..errors import fields_named
from ..params import booking_path
from ..routing import ApiRoute
from ..views import IsoDate, caller_key
from .bookings import NewBooking, idempotency_key

ROLES: Rules = {
    "book_series": EVERYONE,
    "cancel_series": EVERYONE,
}


class NewSeries(NewBooking):
    rrule: StrictStr
    except_dates: list[IsoDate] = []
    what_is_free: StrictBool = False

    class Config:
        schema_extra = {"example": {"resource": "anna", "service": "cut", "start": "2027-03-02T08:00:00Z",
                                    "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=10", "except_dates": ["2027-03-16"],
                                    "client": "c1"}}


class SeriesCancellation(BaseModel):
    scope: StrictStr = "this"
    reason: StrictStr = ""

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"scope": "following", "reason": "the course ends early"}}


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["series"])
    scheduler = ctx.scheduler

    @api.post("/series", name="book_series", status_code=201)
    def book_series(
        series: NewSeries, key: str = idempotency_key(), who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """Books `start` and the occurrences `rrule` gives (`FREQ=WEEKLY;COUNT=10`),
        each at the same local wall time in the resource's zone. All or nothing
        (409 with the first refused occurrence's reasons), or with `what_is_free`
        the free ones, listing each refused start with its reasons."""
        with fields_named(idempotency_key="Idempotency-Key"):
            outcome = scheduler.book_recurring(
                who.own_resource(series.resource),
                series.service,
                series.start,
                series.rrule,
                except_dates=series.except_dates,
                what_is_free=series.what_is_free,
                location=series.location,
                client=who.own_client(series.client),
                seats=series.seats,
                idempotency_key=caller_key(who.actor, key),
                actor=who.actor,
                pool_members=series.pool_members,
                now=ctx.clock(),
            )
        return {
            "series": outcome.series,
            "booked": [ctx.booking_view(b) for b in outcome.booked],
            "refused": [
                {"start": sc.format_instant(r.start), "reasons": [reason.to_dict() for reason in r.reasons]}
                for r in outcome.refused
            ],
        }

    @api.post("/bookings/{id}/cancel-series", name="cancel_series")
    def cancel_series(
        id: str = booking_path("occurrence"),
        cancellation: SeriesCancellation | None = Body(default=None),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Cancels the booking and, by `scope` (`this`, `following` or `all`), the
        other active occurrences of its series; answers the bookings cancelled now."""
        ctx.booking(id, who)
        asked = cancellation or SeriesCancellation()
        cancelled = scheduler.cancel_series(id, asked.scope, asked.reason, actor=who.actor, now=ctx.clock())
        return {"cancelled": [ctx.booking_view(b) for b in cancelled]}

    return api
