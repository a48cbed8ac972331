"""The catalog: locations, resources, services, which resource provides which
service, and the settings. Records are in the JSON form of docs/storage.md
(`to_dict()`); a resource also lists the services it provides, a service its
providers. Writes are `PUT` of a whole record (201 when it is new, 200 when it
replaced one); archiving has its own routes, since it has its own checks.

Admins change everything; staff change their own resource (its hours, breaks,
overrides and time off); everyone reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Body, Depends, Path, Query, Response

import slotcraft as sc

from ..auth import ADMIN, EVERYONE, STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, body_fields, fields_named
from ..paging import cursor_query, limit_query, paged
from ..params import STAFF_OWN_RESOURCE, new_record_id, resource_path
from ..routing import ApiRoute
from ..schemas import LOCATION, RESOURCE, SERVICE, SETTINGS, request_body

ROLES: Rules = {
    "list_locations": EVERYONE,
    "get_location": EVERYONE,
    "put_location": ADMIN,
    "archive_location": ADMIN,
    "restore_location": ADMIN,
    "list_resources": EVERYONE,
    "get_resource": EVERYONE,
    "put_resource": STAFF,
    "archive_resource": ADMIN,
    "restore_resource": ADMIN,
    "list_services": EVERYONE,
    "get_service": EVERYONE,
    "put_service": ADMIN,
    "archive_service": ADMIN,
    "restore_service": ADMIN,
    "link_service": ADMIN,
    "unlink_service": ADMIN,
    "get_settings": EVERYONE,
    "put_settings": ADMIN,
}

Record = TypeVar("Record", sc.Location, sc.ResourceRecord, sc.ServiceRecord)

# A whole record as the body of a PUT: its JSON form, the id optional (the path names it).
RECORD_BODY = Body(...)

LOCATION_ID = Path(description="the location's id", example="salon")
RESOURCE_ID = resource_path()
OWN_RESOURCE_ID = resource_path(f"; {STAFF_OWN_RESOURCE}")
SERVICE_ID = Path(description="the service's id", example="cut")


def _archived_query(kind: str) -> Any:
    return Query(False, description=f"true: archived {kind} too; false (the default): only those in use")


def _found(record: Record | None, kind: str, id: str, field: str = "id") -> Record:
    if record is None:
        raise ApiError(404, f'no {kind} "{id}"', field=field)
    return record


def _from_body(read: Callable[[dict[str, Any]], Record], kind: str, id: str, body: dict[str, Any]) -> Record:
    """The record `body` describes, under the id of the path."""
    if body.get("id", id) != id:
        raise ApiError(400, f'the body names {kind} "{body["id"]}", the path "{id}"', field="id")
    with body_fields(kind):
        return read({**body, "id": id})


def _same_archived(new: Record, old: Record | None) -> None:
    if new.archived != (old.archived if old else False):
        raise ApiError(400, "archive or restore a record with its own route (POST .../archive, .../restore)",
                       field="archived")


def _id_key(record: sc.Location | sc.ResourceRecord | sc.ServiceRecord) -> list[str]:
    return [record.id]


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["catalog"])
    scheduler = ctx.scheduler

    def resource_view(record: sc.ResourceRecord) -> dict[str, Any]:
        return {**record.to_dict(), "services": scheduler.services_of(record.id, include_archived=True)}

    def service_view(record: sc.ServiceRecord) -> dict[str, Any]:
        return {**record.to_dict(), "providers": scheduler.providers(record.id, include_archived=True)}

    def written(response: Response, existed: bool) -> None:
        response.status_code = 200 if existed else 201

    # ---- locations ----

    @api.get("/locations", name="list_locations")
    def list_locations(
        archived: bool = _archived_query("locations"), limit: int = limit_query(), cursor: str = cursor_query()
    ) -> dict[str, Any]:
        """Locations by id; archived ones only with `archived=true`."""
        found = scheduler.locations(include_archived=archived)
        return paged("locations", found, _id_key, sc.Location.to_dict, cursor=cursor, limit=limit)

    @api.get("/locations/{id}", name="get_location")
    def get_location(id: str = LOCATION_ID) -> dict[str, Any]:
        """One location, archived or not."""
        return _found(scheduler.location(id), "location", id).to_dict()

    @api.put("/locations/{id}", name="put_location", status_code=201, openapi_extra=request_body(LOCATION, "location"))
    def put_location(
        id: str = LOCATION_ID,
        *,
        response: Response,
        body: dict[str, Any] = RECORD_BODY,
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Creates or replaces a location."""
        new_record_id(id)
        location = _from_body(sc.Location.from_dict, "location", id, body)
        old = scheduler.location(id)
        _same_archived(location, old)
        with body_fields("location"):
            scheduler.put_location(location, actor=who.actor)
        written(response, old is not None)
        return _found(scheduler.location(id), "location", id).to_dict()

    @api.post("/locations/{id}/archive", name="archive_location")
    def archive_location(id: str = LOCATION_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Archives a location: refused while bookings there are still to come."""
        scheduler.archive_location(id, now=ctx.clock(), actor=who.actor)
        return _found(scheduler.location(id), "location", id).to_dict()

    @api.post("/locations/{id}/restore", name="restore_location")
    def restore_location(id: str = LOCATION_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Takes an archived location back: offered and bookable again."""
        scheduler.restore_location(id, actor=who.actor)
        return _found(scheduler.location(id), "location", id).to_dict()

    # ---- resources ----

    @api.get("/resources", name="list_resources")
    def list_resources(
        archived: bool = _archived_query("resources"),
        service: str = Query("", description="a service's id: only the resources providing it (404 when there "
                             "is no such service); none: every resource", example="cut"),
        location: str = Query("", description="a location's id: only the resources with hours there; "
                              "none: every resource", example="salon"),
        limit: int = limit_query(),
        cursor: str = cursor_query(),
    ) -> dict[str, Any]:
        """Resources by id; `service`: those providing it; `location`: those with hours there."""
        found = scheduler.resources(include_archived=archived)
        if service:
            _found(scheduler.service(service), "service", service, "service")
            providers = set(scheduler.providers(service, include_archived=archived))
            found = [r for r in found if r.id in providers]
        if location:
            found = [r for r in found if any(s.location == location for s in r.schedules)]
        return paged("resources", found, _id_key, resource_view, cursor=cursor, limit=limit)

    @api.get("/resources/{id}", name="get_resource")
    def get_resource(id: str = RESOURCE_ID) -> dict[str, Any]:
        """One resource, archived or not, with the services it provides."""
        return resource_view(_found(scheduler.resource(id), "resource", id))

    @api.put("/resources/{id}", name="put_resource", status_code=201, openapi_extra=request_body(RESOURCE, "resource"))
    def put_resource(
        id: str = OWN_RESOURCE_ID,
        *,
        response: Response,
        body: dict[str, Any] = RECORD_BODY,
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Creates or replaces a resource: its zone, hours per location, breaks,
        date overrides and time off. Staff change only their own."""
        new_record_id(id)
        who.own_resource(id, field="id")
        resource = _from_body(sc.ResourceRecord.from_dict, "resource", id, body)
        old = scheduler.resource(id)
        _same_archived(resource, old)
        if who.role == "staff" and old is not None:
            # Staff change their hours, breaks, overrides and time off; the name and zone are the admins'.
            for field, mine, theirs in (("name", resource.name, old.name),
                                        ("timezone", resource.time_zone, old.time_zone)):
                if mine != theirs:
                    raise ApiError(403, f"staff change the hours and time off of their resource, not its {field}",
                                   field=field)
        with body_fields("resource"), fields_named(time_zone="timezone"):
            scheduler.put_resource(resource, actor=who.actor)
        written(response, old is not None)
        return get_resource(id)

    @api.post("/resources/{id}/archive", name="archive_resource")
    def archive_resource(id: str = RESOURCE_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Archives a resource: refused while it has bookings still to come."""
        scheduler.archive_resource(id, now=ctx.clock(), actor=who.actor)
        return get_resource(id)

    @api.post("/resources/{id}/restore", name="restore_resource")
    def restore_resource(id: str = RESOURCE_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Takes an archived resource back: bookable again."""
        scheduler.restore_resource(id, actor=who.actor)
        return get_resource(id)

    @api.put("/resources/{id}/services/{service}", name="link_service")
    def link_service(
        id: str = RESOURCE_ID, service: str = SERVICE_ID, who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """The resource provides the service from now on (again: nothing happens)."""
        with body_fields("link"):
            scheduler.link(id, service, actor=who.actor)
        return get_resource(id)

    @api.delete("/resources/{id}/services/{service}", name="unlink_service")
    def unlink_service(
        id: str = RESOURCE_ID, service: str = SERVICE_ID, who: Principal = Depends(ctx.caller)
    ) -> dict[str, Any]:
        """The resource stops providing the service; its bookings stay."""
        _found(scheduler.resource(id), "resource", id)
        if scheduler.service(service) is None:
            raise ApiError(404, f'no service "{service}"', field="service")
        scheduler.unlink(id, service, actor=who.actor)
        return get_resource(id)

    # ---- services ----

    @api.get("/services", name="list_services")
    def list_services(
        archived: bool = _archived_query("services"),
        resource: str = Query("", description="a resource's id: only the services it provides (404 when there "
                              "is no such resource); none: every service", example="anna"),
        location: str = Query("", description="a location's id: only the services offered there (those offered "
                              "everywhere too); none: every service", example="salon"),
        limit: int = limit_query(),
        cursor: str = cursor_query(),
    ) -> dict[str, Any]:
        """Services by id; `resource`: those it provides; `location`: those offered there."""
        found = scheduler.services(include_archived=archived)
        if resource:
            _found(scheduler.resource(resource), "resource", resource, "resource")
            provided = set(scheduler.services_of(resource, include_archived=archived))
            found = [s for s in found if s.id in provided]
        if location:
            found = [s for s in found if not s.locations or location in s.locations]
        return paged("services", found, _id_key, service_view, cursor=cursor, limit=limit)

    @api.get("/services/{id}", name="get_service")
    def get_service(id: str = SERVICE_ID) -> dict[str, Any]:
        """One service, archived or not, with its providers."""
        return service_view(_found(scheduler.service(id), "service", id))

    @api.put("/services/{id}", name="put_service", status_code=201, openapi_extra=request_body(SERVICE, "service"))
    def put_service(
        id: str = SERVICE_ID,
        *,
        response: Response,
        body: dict[str, Any] = RECORD_BODY,
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Creates or replaces a service: duration, buffers, notice, capacity, where it is offered."""
        new_record_id(id)
        service = _from_body(sc.ServiceRecord.from_dict, "service", id, body)
        old = scheduler.service(id)
        _same_archived(service, old)
        with body_fields("service"):
            scheduler.put_service(service, actor=who.actor)
        written(response, old is not None)
        return get_service(id)

    @api.post("/services/{id}/archive", name="archive_service")
    def archive_service(id: str = SERVICE_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Archives a service: refused while it has bookings still to come."""
        scheduler.archive_service(id, now=ctx.clock(), actor=who.actor)
        return get_service(id)

    @api.post("/services/{id}/restore", name="restore_service")
    def restore_service(id: str = SERVICE_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Takes an archived service back: bookable again."""
        scheduler.restore_service(id, actor=who.actor)
        return get_service(id)

    # ---- settings ----

    @api.get("/settings", name="get_settings")
    def get_settings() -> dict[str, Any]:
        """Reminder offsets and global breaks (minutes, HH:MM pairs) and the default step."""
        return scheduler.settings().to_dict()

    @api.put("/settings", name="put_settings", openapi_extra=request_body(SETTINGS, "settings"))
    def put_settings(
        body: dict[str, Any] = Body(...),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Replaces the settings: a field left out takes its default."""
        with body_fields("settings"):
            scheduler.save_settings(sc.Settings.from_dict(body), actor=who.actor)
        return get_settings()

    return api
