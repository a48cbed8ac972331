"""Free slots, and why a start is not bookable. Staff see only their own resource."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import JSONResponse

import slotcraft as sc

from ..auth import EVERYONE, STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..routing import ApiRoute
from ..views import Instant, slot_view

ROLES: Rules = {
    "list_slots": EVERYONE,
    "explain_start": STAFF,
}


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["slots"])
    scheduler = ctx.scheduler

    @api.get("/slots", name="list_slots")
    def list_slots(
        service: str,
        start: Instant = Query(alias="from"),
        end: Instant = Query(alias="to"),
        location: str = "",
        resources: list[str] = Query(default=[]),
        mode: str = "any",
        seats: int = 1,
        limit: int | None = Query(default=None, ge=1),
        ignore_booking: str = "",
        who: Principal = Depends(ctx.caller),
    ) -> JSONResponse:
        """The free slots of `service` starting in [from, to): one per start and
        location, with the resources free there; at most `limit` of them.
        `ignore_booking`: as if that booking were not there (where it could move)."""
        if ignore_booking and (moving := scheduler.booking(ignore_booking)) is not None:
            who.check_booking(moving, field="ignore_booking")
        with fields_named(start="from", end="to"):
            found = scheduler.slots(
                service,
                start,
                end,
                resources=who.own_resources(resources),
                location=location,
                seats=seats,
                mode=mode,
                ignore_booking=ignore_booking,
                now=ctx.clock(),
            )
        zones = ctx.zones()
        # Encoded at once: FastAPI's jsonable_encoder would walk the hundreds of
        # plain dicts again, most of the route's time (docs/performance.md).
        return JSONResponse({"slots": [slot_view(s, zones) for s in found[:limit]]})

    @api.get("/slots/explain", name="explain_start")
    def explain_start(
        service: str,
        start: Instant,
        resource: str = "",
        location: str = "",
        seats: int = 1,
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
