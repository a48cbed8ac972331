"""The query and path parameters several route modules share, with what the
OpenAPI document says of them: a description and an example (the ids of the
salon docs/http.md books in)."""

from __future__ import annotations

from typing import Any

from fastapi import Path, Query
from pydantic.fields import Undefined

import slotcraft as sc

from .errors import ApiError

INSTANT = ("an ISO 8601 instant with `Z` or an offset, such as 2027-03-01T09:00:00+01:00 "
           "(a date alone, or a time without an offset, is a 400)")

STAFF_OWN_RESOURCE = "staff may name only their own resource"

# An example period: a week of March 2027.
EXAMPLE_FROM = "2027-03-01T00:00:00Z"
EXAMPLE_TO = "2027-03-08T00:00:00Z"
EXAMPLE_BOOKING = "bk_5a01aeaf9572689d"


def period_from(default: Any = Undefined, *, meaning: str = "") -> Any:
    """The `from` of a period [from, to); `meaning` says what leaving it out means."""
    return Query(default, alias="from", description=f"the start of the period [from, to): {INSTANT}{meaning}",
                 example=EXAMPLE_FROM)


def period_to(default: Any = Undefined, *, meaning: str = "; at most 366 days after `from`") -> Any:
    """The `to` of a period [from, to): the first instant after it."""
    return Query(default, alias="to", description=f"the end of the period [from, to), not in it itself: {INSTANT}"
                 f"{meaning}", example=EXAMPLE_TO)


def resources_query(none: str = "every resource") -> Any:
    """`resources`, repeated; `none` says what naming none means."""
    return Query(default=[], description="only these resources, by id (repeat it: `resources=anna&resources=boris`); "
                 f"none: {none}. Staff get their own resource's when they name none, and may name only it",
                 example=["anna"])


def resource_path(note: str = "") -> Any:
    return Path(description=f"the resource's id{note}", example="anna")


def booking_path(kind: str = "booking") -> Any:
    return Path(description=f"the {kind}'s id, as its creation answered it (staff may name only their own "
                "resource's, a client only their own)", example=EXAMPLE_BOOKING)


def service_filter() -> Any:
    return Query("", description="a service's id: only its bookings; none: every service's", example="cut")


BOOKING_STATUSES = tuple(sc.BookingStatus.__members__)  # as the scheduler names them


def status_filter() -> Any:
    return Query(None, description="`confirmed`, `held` (a hold) or `cancelled`: only the bookings of that "
                 "status; none: any", example="confirmed")


def known_service(scheduler: sc.Scheduler, service: str) -> str:
    """`service` (a filter; "" for none), or a 404 naming it when the catalog has no such service."""
    if service and scheduler.service(service) is None:
        raise ApiError(404, f'no service "{service}"', field="service")
    return service


def known_client(scheduler: sc.Scheduler, client: str) -> str:
    """`client` (a filter; "" for none), or a 404 naming it when there is no such client."""
    if client and scheduler.client(client) is None:
        raise ApiError(404, f'no client "{client}"', field="client")
    return client


DOT_SEGMENTS = (".", "..")


def new_record_id(id: str) -> str:
    """The id a record is created or replaced under. `.` and `..` are refused, naming `id`: browsers
    and URL libraries read them as steps in the path (even written `%2E`), so no web page could
    reach the record again."""
    if id in DOT_SEGMENTS:
        raise ApiError(400, f'cannot be "{id}": browsers read it as a step in the path, so the record could not be '
                       "reached from a page", field="id")
    return id
