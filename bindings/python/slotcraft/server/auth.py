"""Who is calling, and what their role lets them do.

An `Authenticator` turns a request into a `Principal` (API keys: keys.py; user
sessions can be another authenticator). Each route module keeps a table of the
roles allowed on each of its routes (`Rules`, by route name); `guard()` checks
it before the route runs. What a role may touch inside a route (staff: their own
resource; client: their own bookings) is checked by the route with the
`Principal`'s methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from fastapi.routing import APIRoute
from starlette.requests import Request

import slotcraft as sc

from .errors import ApiError
from .limits import RateLimiter

Role = Literal["admin", "staff", "client", "worker"]
ROLES: tuple[Role, ...] = ("admin", "staff", "client", "worker")

# The people, and the bots acting for them; a `worker` key (a reminder sender,
# an audit follower) may use only the routes that name it.
EVERYONE: frozenset[Role] = frozenset({"admin", "staff", "client"})
STAFF: frozenset[Role] = frozenset({"admin", "staff"})
WORKERS: frozenset[Role] = frozenset({"admin", "worker"})
ADMIN: frozenset[Role] = frozenset({"admin"})

# Route name → the roles allowed on it. A route missing from the table is refused to everyone.
Rules = Mapping[str, frozenset[Role]]


@dataclass(frozen=True)
class Principal:
    """The caller: `admin` may do everything, `staff` only act on `resource`,
    `client` only on the bookings of `client`, `worker` only what workers do
    (reminders, the audit log). `actor` goes into the audit log."""

    role: Role
    actor: str
    resource: str = ""
    client: str = ""

    def _refuse(self, what: str, field: str) -> ApiError:
        return ApiError(403, f"{self.actor} ({self.role}) may not act on {what}", field=field)

    def own_resource(self, resource: str, field: str = "resource") -> str:
        """`resource`, unless it is another than a staff member's own."""
        if self.role == "staff" and resource != self.resource:
            raise self._refuse(f'resource "{resource}"', field)
        return resource

    def own_resources(self, resources: Sequence[str]) -> list[str]:
        """The resources to list: staff get their own one when none is named."""
        if self.role == "staff" and not resources:
            return [self.resource]
        return [self.own_resource(r, f"resources[{i}]") for i, r in enumerate(resources)]

    def own_client(self, client: str, field: str = "client") -> str:
        """`client`, or a client's own id when none is named; another client's is refused."""
        if self.role != "client":
            return client
        if client not in ("", self.client):
            raise self._refuse(f'client "{client}"', field)
        return self.client

    def check_booking(self, booking: sc.BookingRecord, field: str = "id") -> None:
        mine = (
            self.role == "admin"
            or (self.role == "staff" and booking.resource == self.resource)
            or (self.role == "client" and booking.client == self.client)
        )
        if not mine:
            raise self._refuse(f'booking "{booking.id}"', field)


class Authenticator(Protocol):
    def principal(self, request: Request) -> Principal:
        """Who sent `request`; raises ApiError(401) when it carries no valid credentials."""
        ...


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message, field="Authorization", headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("send an API key: Authorization: Bearer <key>")
    return token.strip()


Caller = Callable[[Request], Principal]


def guard(auth: Authenticator, rules: Rules, per_caller: RateLimiter) -> Caller:
    """The dependency every route runs first: the caller, if their role is allowed
    there and they are within their requests per minute."""

    def caller(request: Request) -> Principal:
        who = auth.principal(request)
        per_caller.take(who.actor)
        route: APIRoute = request.scope["route"]
        if who.role not in rules.get(route.name, frozenset()):
            raise ApiError(403, f"the {who.role} role may not use {request.method} {route.path}")
        return who

    return caller
