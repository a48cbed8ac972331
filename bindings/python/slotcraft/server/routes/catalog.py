"""Reading the catalog: locations, resources and services, in the JSON form of
docs/storage.md (`to_dict()`). Archived records only with `?archived=true`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

import slotcraft as sc

from ..auth import EVERYONE, Rules
from ..context import Context
from ..errors import ApiError
from ..routing import ApiRoute

ROLES: Rules = {
    "list_locations": EVERYONE,
    "get_location": EVERYONE,
    "list_resources": EVERYONE,
    "get_resource": EVERYONE,
    "list_services": EVERYONE,
    "get_service": EVERYONE,
}


def _found(record: sc.Location | sc.ResourceRecord | sc.ServiceRecord | None, kind: str, id: str) -> dict[str, Any]:
    if record is None:
        raise ApiError(404, f'no {kind} "{id}"', field="id")
    return record.to_dict()


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["catalog"])
    scheduler = ctx.scheduler

    @api.get("/locations", name="list_locations")
    def list_locations(archived: bool = False) -> dict[str, Any]:
        return {"locations": [r.to_dict() for r in scheduler.locations(include_archived=archived)]}

    @api.get("/locations/{id}", name="get_location")
    def get_location(id: str) -> dict[str, Any]:
        return _found(scheduler.location(id), "location", id)

    @api.get("/resources", name="list_resources")
    def list_resources(archived: bool = False) -> dict[str, Any]:
        return {"resources": [r.to_dict() for r in scheduler.resources(include_archived=archived)]}

    @api.get("/resources/{id}", name="get_resource")
    def get_resource(id: str) -> dict[str, Any]:
        return _found(scheduler.resource(id), "resource", id)

    @api.get("/services", name="list_services")
    def list_services(archived: bool = False) -> dict[str, Any]:
        return {"services": [r.to_dict() for r in scheduler.services(include_archived=archived)]}

    @api.get("/services/{id}", name="get_service")
    def get_service(id: str) -> dict[str, Any]:
        return _found(scheduler.service(id), "service", id)

    return api
