"""The waiting list: a client waits for a start of a service to free up; a
worker's pass (`POST /v1/waitlist/process`) offers the oldest waiter the
earliest free start as a hold, which the client confirms as any hold
(docs/semantics.md, "The waiting list")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, StrictInt, StrictStr

import slotcraft as sc

from ..auth import EVERYONE, WORKERS, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named, minutes_field
from ..routing import ApiRoute
from ..views import Instant

ROLES: Rules = {
    "join_waitlist": EVERYONE,
    "list_waitlist": EVERYONE,
    "get_waitlist_entry": EVERYONE,
    "leave_waitlist": EVERYONE,
    "process_waitlist": WORKERS,
}

ENTRY_ID = Path(description="the entry's id, as joining answered it (a client may name only their own, staff "
                "only their resource's)", example="wl_3f9a0c2d5e7b1a46")


class NewWaitlistEntry(BaseModel):
    client: StrictStr = ""
    service: StrictStr
    start: Instant
    end: Instant
    resource: StrictStr = ""
    location: StrictStr = ""
    seats: StrictInt = 1
    offer_ttl_minutes: StrictInt = Field(60, description="how long each offer's hold lasts")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"client": "c1", "service": "cut", "start": "2027-03-03T08:00:00Z",
                                    "end": "2027-03-03T17:00:00Z", "offer_ttl_minutes": 30}}


def entry_view(entry: sc.WaitlistEntry) -> dict[str, Any]:
    return entry.to_dict()


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["waitlist"])
    scheduler = ctx.scheduler

    def entry_of(id: str, who: Principal) -> sc.WaitlistEntry:
        """The entry `id`, if `who` may see it: an admin any, staff their resource's, a client their own."""
        found = scheduler.find_waitlist_entry(id)
        if found is None:
            raise ApiError(404, f'no waiting-list entry "{id}"', field="id")
        if who.role == "client":
            who.own_client(found.client, "id")
        elif who.role == "staff":
            who.own_resource(found.resource, "id")
        return found

    @api.post("/waitlist", name="join_waitlist", status_code=201)
    def join_waitlist(entry: NewWaitlistEntry, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Puts a client on the waiting list of a service for a start in [start, end)
        (of `resource`, at `location`; none: any). Offers come as holds, lasting
        `offer_ttl_minutes`, from the workers' passes; a client joins as themselves,
        staff for their own resource."""
        resource = who.own_resource(entry.resource) if who.role == "staff" else entry.resource
        with fields_named(offer_ttl="offer_ttl_minutes"):
            joined = scheduler.join_waitlist(
                who.own_client(entry.client), entry.service, entry.start, entry.end, resource=resource,
                location=entry.location, seats=entry.seats, offer_ttl=minutes_field(entry.offer_ttl_minutes, "offer_ttl_minutes"),
                actor=who.actor, now=ctx.clock())
        return entry_view(joined)

    @api.get("/waitlist", name="list_waitlist")
    def list_waitlist(
        client: str = Query("", description="the client whose entries to list (a client: themselves, the default)",
                            example="c1"),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """A client's waiting-list entries, any status, oldest first."""
        whose = who.own_client(client)
        if not whose:
            raise ApiError(400, "name the client whose entries to list", field="client")
        entries = scheduler.client_waitlist(whose)
        if who.role == "staff":
            entries = [e for e in entries if e.resource == who.resource]
        return {"entries": [entry_view(e) for e in entries]}

    @api.get("/waitlist/{id}", name="get_waitlist_entry")
    def get_waitlist_entry(id: str = ENTRY_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """One waiting-list entry: its status and, while offered, the hold (`offer`)."""
        return entry_view(entry_of(id, who))

    @api.post("/waitlist/{id}/leave", name="leave_waitlist")
    def leave_waitlist(id: str = ENTRY_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Takes the entry off the list; a live offer's hold is released with it (a
        confirmed one is a booking and stays)."""
        entry_of(id, who)
        return entry_view(scheduler.leave_waitlist(id, actor=who.actor, now=ctx.clock()))

    @api.post("/waitlist/process", name="process_waitlist")
    def process_waitlist(who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """One worker's pass: settles offers (booked, lapsed), expires ranges that
        passed, and offers each waiter, oldest first, the earliest free start as a
        hold; answers the offers made. Any number of workers may run it at once:
        each offer is made once (and told as `waitlist.offered` to webhooks)."""
        offers = scheduler.process_waitlist(actor=who.actor, now=ctx.clock())
        return {"offers": [{"entry": entry_view(o.entry), "hold": ctx.booking_view(o.hold)} for o in offers]}

    return api
