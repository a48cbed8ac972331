"""Booking links: the public booking pages (/book/<id>) an admin sets up, each
offering one resource's services, or services with any of their providers.
Staff manage the links of their own resource."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field, StrictStr, conint

import slotcraft as sc

from ..auth import STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, plain_text
from ..links import BookingLink, BookingLinks
from ..paging import cursor_query, limit_query, paged
from ..routing import ApiRoute

ROLES: Rules = {
    "list_booking_links": STAFF,
    "get_booking_link": STAFF,
    "put_booking_link": STAFF,
    "disable_booking_link": STAFF,
}

LINK_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
DEFAULT_HOLD_MINUTES = 10
MAX_HOLD_MINUTES = 60

LINK_ID = Path(description="the link's id: the last part of its page's URL, /book/<id> (1 to 64 letters, digits, "
               "`_` and `-`, starting with a letter or digit); staff may name only their own resource's links",
               example="anna-cuts")


class LinkBody(BaseModel):
    title: StrictStr = Field(..., min_length=1, max_length=200, description="the page's heading",
                             example="Haircuts with Anna")
    resource: StrictStr = Field("", description="a resource's id: the page offers its services; none: the "
                                "`service` or `services` with any of their providers", example="anna")
    service: StrictStr = Field("", description="one service's id (or give `services`)", example="cut")
    services: list[StrictStr] = Field([], max_items=100, description="the services offered; with `resource`, "
                                      "none means every service it provides at the time", example=["cut"])
    hold_minutes: conint(strict=True, ge=1, le=MAX_HOLD_MINUTES) = Field(  # type: ignore[valid-type]
        DEFAULT_HOLD_MINUTES, description="how long a chosen time is held for the client to confirm",
        example=DEFAULT_HOLD_MINUTES)

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"title": "Haircuts with Anna", "resource": "anna", "services": ["cut"],
                                    "hold_minutes": 10}}


def _checked_services(scheduler: sc.Scheduler, body: LinkBody) -> tuple[str, ...]:
    """The services of the body, each one known and, with a resource, provided by it."""
    if body.service and body.services:
        raise ApiError(400, "give service or services, not both", field="services")
    named = [(body.service, "service")] if body.service else [(s, f"services[{i}]") for i, s in enumerate(body.services)]
    if not named and not body.resource:
        raise ApiError(400, "a link offers a resource's services, or a service: give resource or service",
                       field="service")
    provided = set(scheduler.services_of(body.resource)) if body.resource else set()
    for id, field in named:
        if scheduler.service(id) is None:
            raise ApiError(404, f'no service "{id}"', field=field)
        if body.resource and id not in provided:
            raise ApiError(400, f'resource "{body.resource}" does not provide service "{id}"', field=field)
    if len({id for id, _ in named}) != len(named):
        raise ApiError(400, "a service is named twice", field="services")
    return tuple(id for id, _ in named)


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["booking links"])
    scheduler = ctx.scheduler
    links = ctx.tables(BookingLinks)

    def visible_link(id: str, who: Principal) -> BookingLink:
        found = links.get(id)
        if found is None:
            raise ApiError(404, f'no booking link "{id}"', field="id")
        if who.role == "staff" and found.resource != who.resource:
            raise ApiError(403, f"{who.actor} (staff) may not act on booking link \"{id}\" of another resource",
                           field="id")
        return found

    @api.get("/booking-links", name="list_booking_links")
    def list_booking_links(
        limit: int = limit_query(), cursor: str = cursor_query(), who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """The booking links by id, disabled ones too (`disabled_at`); staff get their own resource's."""
        found = [link for link in links.all() if who.role != "staff" or link.resource == who.resource]
        return paged("booking_links", found, lambda link: [link.id], BookingLink.view, cursor=cursor, limit=limit)

    @api.get("/booking-links/{id}", name="get_booking_link")
    def get_booking_link(id: str = LINK_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """One booking link, with its page's path (`page`)."""
        return visible_link(id, who).view()

    @api.put("/booking-links/{id}", name="put_booking_link", status_code=201)
    def put_booking_link(
        body: LinkBody, response: Response, id: str = LINK_ID, who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """Creates (201) or replaces (200) a booking link, enabled: its page is /book/<id>.
        It offers `resource`'s services (all, or `services`), or `service` (or `services`)
        with any of their providers."""
        if not LINK_ID_PATTERN.fullmatch(id):  # which leaves out `.` and `..` (params.new_record_id)
            raise ApiError(400, "a link's id is 1 to 64 letters, digits, _ and -, starting with a letter or digit",
                           field="id")
        if not body.title.strip():
            raise ApiError(400, "the title is empty", field="title")
        plain_text(body.title, "title")
        if who.role == "staff":
            if not body.resource:
                raise ApiError(403, f"{who.actor} (staff) may make links of their own resource only", field="resource")
            who.own_resource(body.resource)
            if links.get(id) is not None:
                visible_link(id, who)
        if body.resource and scheduler.resource(body.resource) is None:
            raise ApiError(404, f'no resource "{body.resource}"', field="resource")
        services = _checked_services(scheduler, body)
        link, created = links.put(BookingLink(id, body.title.strip(), body.resource, services, body.hold_minutes))
        response.status_code = 201 if created else 200
        return link.view()

    @api.delete("/booking-links/{id}", name="disable_booking_link", status_code=204)
    def disable_booking_link(id: str = LINK_ID, who: Principal = Depends(ctx.caller)) -> Response:
        """Disables the link: its page offers nothing and its public routes book
        nothing from now on (404); the bookings made through it stay, and their
        manage links still work. A PUT enables it again."""
        visible_link(id, who)
        links.disable(id)
        return Response(status_code=204)

    return api
