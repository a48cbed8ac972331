"""Free slots, and why a start is not bookable. Staff see only their own resource."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

import slotcraft as sc

from ..auth import EVERYONE, STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..params import EXAMPLE_BOOKING, INSTANT, STAFF_OWN_RESOURCE, period_from, period_to, resources_query
from ..routing import ApiRoute
from ..views import Instant

ROLES: Rules = {
    "list_slots": EVERYONE,
    "explain_start": STAFF,
}

SERVICE = Query(description="the service's id", example="cut")
SEATS = Query(1, description="seats the client takes in a group class (1, the default, for one client)", example=1)


def _location_query(none: str) -> Any:
    return Query("", description=f"a location's id; none: {none}", example="salon")


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["slots"])
    scheduler = ctx.scheduler

    @api.get("/slots", name="list_slots")
    def list_slots(
        service: str = SERVICE,
        start: Instant = period_from(),
        end: Instant = period_to(),
        location: str = _location_query("every location the service is offered at"),
        resources: list[str] = resources_query("every resource providing the service"),
        mode: str = Query("any", description="`any` (the default): a start at which one of the resources is free; "
                          "`all`: one at which all of them are", example="any"),
        seats: int = SEATS,
        limit: int | None = Query(default=None, ge=1, description="at most this many slots, the first ones; "
                                  "none: every slot of the period", example=10),
        ignore_booking: str = Query("", description="a booking's id (staff and clients: one of theirs): the "
                                    "slots as if it were not there, the starts it could be rescheduled to",
                                    example=EXAMPLE_BOOKING),
        client: str = Query("", description="the asking client's id (a client: their own, also when none is "
                            "named): the service's limits per client drop what they may not book", example="c1"),
        who: Principal = Depends(ctx.caller),
    ) -> Response:
        """The free slots of `service` starting in [from, to): one per start and
        location, with the resources free there; at most `limit` of them.
        `ignore_booking`: as if that booking were not there (where it could move).
        `client`: as that client may book them (SPEC §11 limits per client)."""
        if ignore_booking and (moving := scheduler.booking(ignore_booking)) is not None:
            who.check_booking(moving, field="ignore_booking")
        with fields_named(start="from", end="to"):
            # The JSON is made in C++ (views.slot_view's shape): building it in
            # Python was most of the route's time (docs/performance.md).
            answer = scheduler.slots_json(
                service,
                start,
                end,
                resources=who.own_resources(resources),
                location=location,
                seats=seats,
                mode=mode,
                ignore_booking=ignore_booking,
                client=who.own_client(client),
                now=ctx.clock(),
                limit=limit,
            )
        return Response(answer, media_type="application/json")

    @api.get("/slots/explain", name="explain_start")
    def explain_start(
        service: str = SERVICE,
        start: Instant = Query(description=f"the start to check: {INSTANT}", example="2027-03-01T08:00:00Z"),
        resource: str = Query("", description=f"a resource's id: check only it; none: every resource providing "
                              f"the service ({STAFF_OWN_RESOURCE}, which they get when naming none)", example="anna"),
        location: str = _location_query("any location where the resource has hours"),
        seats: int = SEATS,
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Every reason `start` is not bookable, per resource providing `service`
        (or only `resource`): an empty list is a bookable start."""
        if scheduler.service(service) is None:
            raise ApiError(404, f'no service "{service}"', field="service")
        if resource or who.role == "staff":
            asked = [who.own_resource(resource or who.resource)]
        else:
            asked = scheduler.providers(service)
        now = ctx.clock()
        answers = []
        for id in asked:
            reasons = scheduler.check(id, service, start, location=location, seats=seats, now=now)
            answers.append({"id": id, "bookable": not reasons, "reasons": [r.to_dict() for r in reasons]})
        return {"start": sc.format_instant(start), "resources": answers}

    return api
