"""`RemoteScheduler`: the methods of `slotcraft.Scheduler` that bots use, over
slotcraft's HTTP API (docs/http.md), with the same arguments, the same return
types and the same exceptions, so that a bot runs on a database or on an API
server alike.

    from slotcraft.client import RemoteScheduler

    with RemoteScheduler("http://127.0.0.1:8000", key) as scheduler:
        scheduler.slots("cut", start, end)

Where it differs from the in-process `Scheduler`:

- `now=` is accepted and ignored: the server's clock decides what has passed
  (notice, hold expiry, which reminders are due). `actor=` is accepted and
  ignored: the audit log names the API key (`key:<id>`).
- Free slots, reasons, due reminders and waiting-list offers are the frozen
  dataclasses below, with the attributes of `LocatedSlot`, `Reason`,
  `DueReminder` and `WaitlistOffer` (pybind11 objects that Python cannot
  make); records (`BookingRecord`, `WaitlistEntry`, ...) are slotcraft's
  own, read with their `from_dict`.
- `process_waitlist` needs a worker's or an admin's key; there is no
  `due_waitlist_offers` or `mark_waitlist_notified`: the server tells offers
  to webhooks (`waitlist.offered`).
- An error names the field as the `Scheduler` does (`start`, where the query
  said `from`). 400 is `InvalidArgument`, 404 `NotFound`, 409 `Conflict` with
  its `reasons`, 503 and a server that cannot be reached or answers too late
  `StorageError` (a write may then have happened: pass `idempotency_key` to
  retry it safely). The API's own refusals (401, 403, 413, 429, 500) are
  `RemoteError`, with the HTTP `status`; a 429 is retried once first when its
  `Retry-After` is at most 5 seconds.
- `confirm(hold_token)` needs an admin key (`POST /v1/holds/confirm`); staff
  and client keys confirm a hold by its id, over the API itself.
- `put_location`, `put_resource` and `put_service` do not archive or
  restore: a record whose `archived` differs from the stored one is refused;
  locations are archived and restored with `archive_location` and
  `restore_location`, as in-process.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpcore
import httpx

import slotcraft as sc

__all__ = ["RemoteScheduler", "RemoteError", "LocatedSlot", "Slot", "Reason", "DueReminder", "WaitlistOffer"]

# The longest Retry-After waited for before the one retry of a 429.
MAX_RETRY_AFTER = 5.0
# Items asked for per page of a list (the API's most).
PAGE_SIZE = 1000
# The API lists bookings over at most this many days at once; upcoming() asks in pieces.
MAX_LISTED_DAYS = 366
MAX_UPCOMING_DAYS = 3660  # slotcraft::max_upcoming_days

# Reason codes as the API spells them (SPEC): the enum's names, but `break` for on_break.
REASON_CODES: dict[str, sc.ReasonCode] = {**sc.ReasonCode.__members__, "break": sc.ReasonCode.on_break}
REASON_NAMES: dict[sc.ReasonCode, str] = {code: name for name, code in REASON_CODES.items() if name != "on_break"}

# Keys the API adds to a record's JSON form for people and lists (views.py, catalog.py).
BOOKING_VIEW_KEYS = ("time_zone", "local_start", "local_end")
RESOURCE_VIEW_KEYS = ("services",)
SERVICE_VIEW_KEYS = ("providers",)

# A field as the API names it → as the Scheduler's argument is named.
Fields = Mapping[str, str]
NO_FIELDS: Fields = {}
REQUEST_FIELDS: Fields = {"Idempotency-Key": "idempotency_key", "ttl_minutes": "ttl"}

Record = TypeVar("Record")
E = TypeVar("E", bound=sc.Error)


class RemoteError(sc.Error):
    """A refusal of the API itself rather than of the scheduler: 401 (no key, an
    unknown or a revoked one), 403 (the key's role may not do this, or not on
    that resource, client or booking), 413 (a body over 1 MiB), 429 (too many
    requests, after the one retry) or 500 (a bug in the server). `status` is the
    HTTP status; `field` names what was refused (`Authorization`), when it does."""

    status: int = 0


@dataclass(frozen=True)
class Reason:
    """A reason a start is not bookable, as `slotcraft.Reason`."""

    code: sc.ReasonCode
    booking: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": REASON_NAMES[self.code], "booking": self.booking, "message": self.message}


@dataclass(frozen=True)
class Slot:
    """A free slot, as `slotcraft.Slot`."""

    start: datetime
    end: datetime
    resources: list[str]
    seats_left: int
    pools: dict[str, list[str]] = field(default_factory=dict)  # SPEC §10: free members per pool, preferred first

    @property
    def time(self) -> sc.Interval:
        return sc.Interval(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        out = {"start": sc.format_instant(self.start), "end": sc.format_instant(self.end),
               "resources": list(self.resources), "seats_left": self.seats_left}
        if self.pools:
            out["pools"] = {pool: list(members) for pool, members in self.pools.items()}
        return out


@dataclass(frozen=True)
class LocatedSlot:
    """A free slot and the location it is free at, as `slotcraft.LocatedSlot`."""

    slot: Slot
    location: str

    @property
    def start(self) -> datetime:
        return self.slot.start

    @property
    def end(self) -> datetime:
        return self.slot.end

    @property
    def resources(self) -> list[str]:
        return self.slot.resources

    @property
    def seats_left(self) -> int:
        return self.slot.seats_left

    @property
    def pools(self) -> dict[str, list[str]]:
        return self.slot.pools


@dataclass(frozen=True)
class DueReminder:
    """A reminder that is due, as `slotcraft.DueReminder`."""

    booking: sc.BookingRecord
    offset: timedelta


@dataclass(frozen=True)
class WaitlistOffer:
    """An offer a waiting-list pass made, as `slotcraft.WaitlistOffer`: the entry and its hold."""

    entry: sc.WaitlistEntry
    hold: sc.BookingRecord


def _error(kind: type[E], field: str, message: str, category: str, reasons: Sequence[Reason] = ()) -> E:
    """An exception as the bindings raise it: `field: message`, and the attributes set."""
    error = kind(f"{field}: {message}" if field else message)
    error.field, error.message, error.category, error.reasons = field, message, category, list(reasons)
    return error


def _invalid(field: str, message: str) -> sc.Error:
    return _error(sc.InvalidArgument, field, message, "invalid_argument")


ERRORS_BY_STATUS: dict[int, tuple[type[sc.Error], str]] = {
    400: (sc.InvalidArgument, "invalid_argument"),
    404: (sc.NotFound, "not_found"),
    409: (sc.Conflict, "conflict"),
    503: (sc.StorageError, "storage"),
}


def _error_of(response: httpx.Response, fields: Fields) -> sc.Error:
    """The exception for an answer in the API's error shape (or, from a proxy, not)."""
    try:
        detail = response.json()["error"]
        field, message = str(detail["field"]), str(detail["message"])
        reasons = [Reason(REASON_CODES[r["code"]], r["booking"], r["message"]) for r in detail["reasons"]]
    except (ValueError, KeyError, TypeError):
        field, message, reasons = "", f"HTTP {response.status_code}: {response.text[:200]}", []
    field = fields.get(field, field)
    status = response.status_code
    if status in ERRORS_BY_STATUS:
        kind, category = ERRORS_BY_STATUS[status]
        return _error(kind, field, message, category, reasons)
    if status in (502, 504):  # a proxy in front of the API found it down
        return _error(sc.StorageError, "", f"the API is not available: {message}", "storage")
    refused = _error(RemoteError, field, message, "remote")
    refused.status = status
    return refused


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _instant(t: datetime, field: str) -> str:
    """`t` as the API reads it; a naive datetime is refused naming the argument."""
    try:
        return sc.format_instant(t)
    except sc.InvalidArgument as error:
        raise _invalid(field, error.message) from None


def _minutes(span: timedelta, field: str) -> int:
    if not isinstance(span, timedelta):
        raise _invalid(field, f"must be a datetime.timedelta, got {type(span).__name__}")
    if span % timedelta(minutes=1):
        raise _invalid(field, f"must be whole minutes, got {span}")
    return span // timedelta(minutes=1)


def _segment(id: str, field: str) -> str:
    """An id as one path segment."""
    if not isinstance(id, str):
        raise _invalid(field, f"must be text, got {type(id).__name__}")
    return quote(id, safe="")


def _without(data: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def _booking(data: dict[str, Any]) -> sc.BookingRecord:
    return sc.BookingRecord.from_dict(_without(data, BOOKING_VIEW_KEYS))


def _waitlist_entry(data: dict[str, Any]) -> sc.WaitlistEntry:
    return sc.WaitlistEntry.from_dict(data)


def _resource(data: dict[str, Any]) -> sc.ResourceRecord:
    return sc.ResourceRecord.from_dict(_without(data, RESOURCE_VIEW_KEYS))


def _service(data: dict[str, Any]) -> sc.ServiceRecord:
    return sc.ServiceRecord.from_dict(_without(data, SERVICE_VIEW_KEYS))


def _located_slot(data: dict[str, Any]) -> LocatedSlot:
    pools = {str(pool): list(members) for pool, members in data.get("pools", {}).items()}
    slot = Slot(sc.parse_instant(data["start"]), sc.parse_instant(data["end"]), list(data["resources"]),
                int(data["seats_left"]), pools)
    return LocatedSlot(slot, data["location"])


def _http_client(timeout: float) -> httpx.Client:
    """An httpx client whose connections send a request at once (TCP_NODELAY).

    httpcore writes a request's headers and body separately; until 0.17
    (encode/httpcore#651; Debian 12 has 0.16) it leaves Nagle's algorithm on,
    which holds the body back until the server's delayed ACK: some 40 ms more
    for every request with a body."""
    try:
        from httpcore.backends.sync import SyncBackend, SyncStream  # httpcore before 1.0
    except ImportError:  # httpcore 1: sets TCP_NODELAY itself
        return httpx.Client(timeout=timeout)

    class NoDelay(SyncBackend):  # type: ignore[misc]
        def connect_tcp(self, *args: Any, **kwargs: Any) -> SyncStream:
            stream = super().connect_tcp(*args, **kwargs)
            stream.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return stream

    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(  # the pool httpx makes (its default limits), on that backend
        ssl_context=httpx.create_ssl_context(), network_backend=NoDelay(), max_connections=100,
        max_keepalive_connections=20, keepalive_expiry=5.0)
    return httpx.Client(transport=transport, timeout=timeout)


class RemoteScheduler:
    """The `Scheduler` methods bots use, over the API at `url` (the server's
    address; the routes are under `prefix`) with the API key `api_key`.
    `http`: a client to send the requests with (a `fastapi.testclient.TestClient`
    runs them in-process); closed by `close()` only when this made it."""

    def __init__(self, url: str, api_key: str, *, http: httpx.Client | None = None, timeout: float = 10.0,
                 prefix: str = "/v1") -> None:
        self.url = url.rstrip("/") + prefix
        self._auth = {"Authorization": f"Bearer {api_key}"}
        self._timeout = timeout
        self._owned = http is None
        self._http = http if http is not None else _http_client(timeout)

    def close(self) -> None:
        if self._owned:
            self._http.close()

    def __enter__(self) -> RemoteScheduler:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RemoteScheduler({self.url!r})"

    # ---- requests ----

    def _send(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any,
              headers: Mapping[str, str]) -> httpx.Response:
        try:
            return self._http.request(method, self.url + path, params=params, json=body,
                                      headers={**self._auth, **headers}, timeout=self._timeout)
        except httpx.RequestError as error:
            raise _error(sc.StorageError, "", f"the API at {self.url} did not answer: {error}", "storage") from error

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None,
              headers: Mapping[str, str] | None = None, fields: Fields = NO_FIELDS) -> Any:
        response = self._send(method, path, params, body, headers or {})
        if response.status_code == 429:
            wait = _retry_after(response)
            if wait is not None and wait <= MAX_RETRY_AFTER:
                time.sleep(wait)
                response = self._send(method, path, params, body, headers or {})
        if response.status_code == 204:
            return None
        if response.is_success:
            return response.json()
        raise _error_of(response, fields)

    def _every(self, path: str, name: str, params: Mapping[str, Any], fields: Fields = NO_FIELDS) -> list[Any]:
        """Every item of a paged list, following its `next` cursors."""
        items: list[Any] = []
        cursor = ""
        while True:
            after = {"cursor": cursor} if cursor else {}
            page = self._call("GET", path, params={**params, "limit": PAGE_SIZE, **after}, fields=fields)
            items += page[name]
            cursor = page["next"]
            if not cursor:
                return items

    def _one(self, path: str, read: Callable[[dict[str, Any]], Record]) -> Record | None:
        """The record at `path`, or None when the API has no record of that id."""
        try:
            return read(self._call("GET", path))
        except sc.NotFound as error:
            if error.field == "id":
                return None
            raise

    @staticmethod
    def _request_body(resource: str, service: str, start: datetime, location: str, client: str,
                      seats: int, pool_members: Mapping[str, str]) -> dict[str, Any]:
        body = {"resource": resource, "service": service, "start": _instant(start, "start"), "location": location,
                "client": client, "seats": seats}
        if pool_members:
            body["pool_members"] = dict(pool_members)
        return body

    @staticmethod
    def _idempotency(key: str) -> dict[str, str]:
        return {"Idempotency-Key": key} if key else {}

    # ---- the catalog ----

    def location(self, id: str) -> sc.Location | None:
        return self._one(f"/locations/{_segment(id, 'id')}", sc.Location.from_dict) if id else None

    def locations(self, *, include_archived: bool = False) -> list[sc.Location]:
        found = self._every("/locations", "locations", {"archived": include_archived})
        return [sc.Location.from_dict(x) for x in found]

    def resource(self, id: str) -> sc.ResourceRecord | None:
        return self._one(f"/resources/{_segment(id, 'id')}", _resource) if id else None

    def resources(self, *, include_archived: bool = False) -> list[sc.ResourceRecord]:
        return [_resource(x) for x in self._every("/resources", "resources", {"archived": include_archived})]

    def service(self, id: str) -> sc.ServiceRecord | None:
        return self._one(f"/services/{_segment(id, 'id')}", _service) if id else None

    def services(self, *, include_archived: bool = False) -> list[sc.ServiceRecord]:
        return [_service(x) for x in self._every("/services", "services", {"archived": include_archived})]

    def providers(self, service: str, *, include_archived: bool = False) -> list[str]:
        """The resources providing `service` ([] for an unknown service, as in-process)."""
        try:
            found = self._every("/resources", "resources", {"service": service, "archived": include_archived})
        except sc.NotFound as error:
            if error.field == "service":
                return []
            raise
        return [r["id"] for r in found]

    def services_of(self, resource: str, *, include_archived: bool = False) -> list[str]:
        """The services `resource` provides ([] for an unknown resource, as in-process)."""
        try:
            found = self._every("/services", "services", {"resource": resource, "archived": include_archived})
        except sc.NotFound as error:
            if error.field == "resource":
                return []
            raise
        return [s["id"] for s in found]

    def _put(self, kind: str, id: str, record: dict[str, Any], fields: Fields = NO_FIELDS) -> None:
        if not id:
            raise _invalid("id", "must not be empty")
        self._call("PUT", f"/{kind}/{_segment(id, 'id')}", body=record, fields=fields)

    def put_location(self, location: sc.Location, *, actor: str = "") -> None:
        self._put("locations", location.id, location.to_dict())

    def archive_location(self, id: str, *, now: datetime | None = None, actor: str = "") -> None:
        self._call("POST", f"/locations/{_segment(id, 'id')}/archive")

    def restore_location(self, id: str, *, actor: str = "") -> None:
        self._call("POST", f"/locations/{_segment(id, 'id')}/restore")

    def put_resource(self, resource: sc.ResourceRecord, *, actor: str = "") -> None:
        self._put("resources", resource.id, resource.to_dict(), {"timezone": "time_zone"})

    def put_service(self, service: sc.ServiceRecord | sc.Service, *, actor: str = "") -> None:
        record = sc.ServiceRecord(service) if isinstance(service, sc.Service) else service
        self._put("services", record.id, record.to_dict())

    def link(self, resource: str, service: str, *, actor: str = "") -> None:
        self._call("PUT", f"/resources/{_segment(resource, 'resource')}/services/{_segment(service, 'service')}",
                   fields={"id": "resource"})

    def unlink(self, resource: str, service: str, *, actor: str = "") -> None:
        self._call("DELETE", f"/resources/{_segment(resource, 'resource')}/services/{_segment(service, 'service')}",
                   fields={"id": "resource"})

    def settings(self) -> sc.Settings:
        return sc.Settings.from_dict(self._call("GET", "/settings"))

    def save_settings(self, settings: sc.Settings, *, actor: str = "") -> None:
        self._call("PUT", "/settings", body=settings.to_dict())

    # ---- clients ----

    def client(self, id: str) -> sc.Client | None:
        return self._one(f"/clients/{_segment(id, 'id')}", sc.Client.from_dict) if id else None

    def clients(self) -> list[sc.Client]:
        return [sc.Client.from_dict(x) for x in self._every("/clients", "clients", {})]

    def put_client(self, client: sc.Client, *, actor: str = "") -> None:
        self._put("clients", client.id, client.to_dict())

    def client_for(self, identity: sc.Identity, name: str = "", *, actor: str = "") -> sc.Client:
        """The client of a messenger account, made with `name` if there is none."""
        body = {**identity.to_dict(), "name": name}
        return sc.Client.from_dict(self._call("POST", "/clients/by-identity", body=body))

    # ---- slots and bookings ----

    def slots(
        self,
        service: str,
        start: datetime,
        end: datetime,
        *,
        resources: Sequence[str] = (),
        location: str = "",
        seats: int = 1,
        mode: sc.Mode | str = "any",
        ignore_booking: str = "",
        client: str = "",
        now: datetime | None = None,
    ) -> list[LocatedSlot]:
        params: dict[str, Any] = {
            "service": service, "from": _instant(start, "start"), "to": _instant(end, "end"),
            "resources": list(resources), "location": location, "seats": seats,
            "mode": mode.name if isinstance(mode, sc.Mode) else mode,
        }
        if ignore_booking:
            params["ignore_booking"] = ignore_booking
        if client:
            params["client"] = client
        found = self._call("GET", "/slots", params=params, fields={"from": "start", "to": "end"})
        return [_located_slot(s) for s in found["slots"]]

    def booking(self, id: str) -> sc.BookingRecord | None:
        return self._one(f"/bookings/{_segment(id, 'id')}", _booking) if id else None

    def book(
        self,
        resource: str,
        service: str,
        start: datetime,
        *,
        location: str = "",
        client: str = "",
        seats: int = 1,
        idempotency_key: str = "",
        actor: str = "",
        pool_members: Mapping[str, str] = MappingProxyType({}),
        now: datetime | None = None,
    ) -> sc.BookingRecord:
        body = self._request_body(resource, service, start, location, client, seats, pool_members)
        return _booking(self._call("POST", "/bookings", body=body, headers=self._idempotency(idempotency_key),
                                   fields=REQUEST_FIELDS))

    def hold(
        self,
        resource: str,
        service: str,
        start: datetime,
        ttl: timedelta,
        *,
        location: str = "",
        client: str = "",
        seats: int = 1,
        idempotency_key: str = "",
        actor: str = "",
        pool_members: Mapping[str, str] = MappingProxyType({}),
        now: datetime | None = None,
    ) -> sc.BookingRecord:
        body = {**self._request_body(resource, service, start, location, client, seats, pool_members),
                "ttl_minutes": _minutes(ttl, "ttl")}
        return _booking(self._call("POST", "/holds", body=body, headers=self._idempotency(idempotency_key),
                                   fields=REQUEST_FIELDS))

    def confirm(self, hold_token: str, *, now: datetime | None = None, actor: str = "") -> sc.BookingRecord:
        """Confirms a hold by its token: an admin key's right (staff and client keys confirm by id)."""
        body = {"token": hold_token}
        return _booking(self._call("POST", "/holds/confirm", body=body, fields={"token": "hold_token"}))

    def cancel(self, id: str, reason: str = "", *, now: datetime | None = None, actor: str = "") -> sc.BookingRecord:
        if not id:
            raise _error(sc.NotFound, "id", 'no booking ""', "not_found")
        return _booking(self._call("POST", f"/bookings/{_segment(id, 'id')}/cancel", body={"reason": reason}))

    def reschedule(self, id: str, new_start: datetime, *, location: str = "", now: datetime | None = None,
                   actor: str = "") -> sc.BookingRecord:
        if not id:
            raise _error(sc.NotFound, "id", 'no booking ""', "not_found")
        body = {"start": _instant(new_start, "start"), "location": location}
        return _booking(self._call("POST", f"/bookings/{_segment(id, 'id')}/reschedule", body=body))

    def mark_attendance(self, id: str, attendance: sc.Attendance | str, *, now: datetime | None = None,
                        actor: str = "") -> sc.BookingRecord:
        """Marks whether the client came (`attended`, `no_show`, or `unmarked` again); on the server's clock."""
        if not id:
            raise _error(sc.NotFound, "id", 'no booking ""', "not_found")
        mark = attendance.name if isinstance(attendance, sc.Attendance) else attendance
        if mark not in ("attended", "no_show", "unmarked"):  # the API looks the booking up first: named as in process
            raise _invalid("attendance", f'unknown attendance "{str(mark)[:32]}" (expected attended, no_show or unmarked)')
        return _booking(self._call("POST", f"/bookings/{_segment(id, 'id')}/attendance", body={"attendance": mark}))

    def create_feed(self, resource: str) -> str:
        """A new token of the resource's calendar feed (`/v1/calendars/<resource>.ics?token=...`); the one
        before stops working."""
        answer: dict[str, str] = self._call("POST", f"/resources/{_segment(resource, 'resource')}/feed")
        return answer["token"]

    def revoke_feed(self, resource: str) -> bool:
        """Stops the resource's calendar feed; False when it had none."""
        try:
            self._call("DELETE", f"/resources/{_segment(resource, 'resource')}/feed")
        except sc.NotFound:
            return False
        return True

    def upcoming(self, resource: str, start: datetime, days: int) -> list[sc.BookingRecord]:
        """Active bookings of `resource` starting in [start, start + days), by start."""
        if not 1 <= days <= MAX_UPCOMING_DAYS:
            raise _invalid("days", f"must be from 1 to {MAX_UPCOMING_DAYS} (got {days})")
        _instant(start, "start")
        found: list[sc.BookingRecord] = []
        for piece in range(0, days, MAX_LISTED_DAYS):
            begin = start + timedelta(days=piece)
            end = start + timedelta(days=min(days, piece + MAX_LISTED_DAYS))
            params = {"resource": resource, "from": sc.format_instant(begin), "to": sc.format_instant(end)}
            listed = self._every("/bookings", "bookings", params,
                                 {"resources[0]": "resource", "from": "start", "to": "days"})
            found += (_booking(b) for b in listed)
        return [b for b in found if b.active_at(start)]

    def client_bookings(self, client: str, *, active: bool = True, now: datetime | None = None
                        ) -> list[sc.BookingRecord]:
        """A client's bookings: `active` ones not yet ended (on the server's clock), else past and cancelled ones."""
        if not client:
            raise _error(sc.NotFound, "client", 'no client ""', "not_found")
        listed = self._every("/bookings", "bookings", {"client": client, "active": active})
        return [_booking(b) for b in listed]

    # ---- the waiting list ----

    def join_waitlist(
        self,
        client: str,
        service: str,
        start: datetime,
        end: datetime,
        *,
        resource: str = "",
        location: str = "",
        seats: int = 1,
        offer_ttl: timedelta = timedelta(minutes=60),
        actor: str = "",
        now: datetime | None = None,
    ) -> sc.WaitlistEntry:
        """Puts `client` on the waiting list of `service` for a start in [start, end); offers come from the
        server's passes (`process_waitlist`, run by a worker key)."""
        body = {"client": client, "service": service, "start": _instant(start, "start"), "end": _instant(end, "end"),
                "resource": resource, "location": location, "seats": seats,
                "offer_ttl_minutes": _minutes(offer_ttl, "offer_ttl")}
        return _waitlist_entry(self._call("POST", "/waitlist", body=body, fields={"offer_ttl_minutes": "offer_ttl"}))

    def leave_waitlist(self, id: str, *, now: datetime | None = None, actor: str = "") -> sc.WaitlistEntry:
        """Takes the entry off the list; a live offer's hold is released with it."""
        if not id:
            raise _error(sc.NotFound, "id", 'no waiting-list entry ""', "not_found")
        return _waitlist_entry(self._call("POST", f"/waitlist/{_segment(id, 'id')}/leave"))

    def find_waitlist_entry(self, id: str) -> sc.WaitlistEntry | None:
        return self._one(f"/waitlist/{_segment(id, 'id')}", _waitlist_entry) if id else None

    def client_waitlist(self, client: str) -> list[sc.WaitlistEntry]:
        """A client's entries, any status, oldest first."""
        if not client:  # the API asks for one: named as in process
            raise _error(sc.NotFound, "client", 'no client ""', "not_found")
        listed = self._call("GET", "/waitlist", params={"client": client})["entries"]
        return [_waitlist_entry(e) for e in listed]

    def process_waitlist(self, *, now: datetime | None = None, actor: str = "") -> list[WaitlistOffer]:
        """One pass on the server's clock (a worker key's right); the offers it made. The server tells them to
        webhooks (`waitlist.offered`), so `due_waitlist_offers` and `mark_waitlist_notified` are not here."""
        made = self._call("POST", "/waitlist/process")["offers"]
        return [WaitlistOffer(_waitlist_entry(o["entry"]), _booking(o["hold"])) for o in made]

    # ---- reminders ----

    def due_reminders(self, *, now: datetime | None = None) -> list[DueReminder]:
        """The reminders due on the server's clock."""
        due = self._every("/reminders/due", "reminders", {})
        return [DueReminder(_booking(r["booking"]), timedelta(minutes=r["offset_minutes"])) for r in due]

    def mark_reminded(self, id: str, offset: timedelta) -> bool:
        """True for exactly one caller per booking and offset, across processes and servers; the server marks only
        a reminder due at its clock, as `Scheduler.mark_reminded(id, offset, now=...)` does (false for any other)."""
        body = {"booking": id, "offset_minutes": _minutes(offset, "offset")}
        marked: bool = self._call("POST", "/reminders/sent", body=body,
                                  fields={"booking": "id", "offset_minutes": "offset"})["marked"]
        return marked
