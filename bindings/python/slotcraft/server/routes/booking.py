"""The public booking page's routes, under /public (no API key; every address
is held to the per-address limit like any route): a booking link's offer, its
free slots, a hold while the client confirms, the confirmation with a manage
token, and the booking's manage routes (view, cancel, move, .ics) by that token.

The page's client is known when a time is held, because slotcraft fixes a
hold's client when the hold is made: the hold carries the client's name and
contact (found or made as a client with that contact as an identity), or a
Telegram Mini App's initData (telegram.py). Every scheduling rule stays in
slotcraft: the slots are `slots_json`'s, a hold is `hold` and its refusal
slotcraft's reasons."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StrictStr
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

import slotcraft as sc

from ..auth import Rules
from ..context import Context
from ..errors import ApiError, error_body, fields_named, plain_text
from ..idempotency import REPLAYED_HEADER, IdempotentAnswers
from ..links import BookingLink, BookingLinks
from ..params import EXAMPLE_FROM, EXAMPLE_TO, INSTANT
from ..routing import ApiRoute
from ..telegram import TelegramUser, verify
from ..views import Instant, local_time
from .bookings import idempotency_key

ROLES: Rules = {}

PUBLIC: frozenset[str] = frozenset({
    "public_booking_link", "public_slots", "public_hold", "public_release_hold", "public_confirm",
    "public_booking", "public_cancel", "public_move", "public_booking_ics", "telegram_session",
})

# The longest period the page asks slots for: two months.
MAX_SLOT_PERIOD = timedelta(days=62)
MAX_NAME_LENGTH = 200
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]+")
PHONE = re.compile(r"\+?[0-9]{6,15}")
PHONE_SEPARATORS = re.compile(r"[\s().-]")

EXAMPLE_TOKEN = "Zp3x9QeV0bS7mK2rT5wY8aD1fG4hJ6lN0cB3vX7zQ2E"
EXAMPLE_HOLD_TOKEN = "fbc1232749c8ca1d04adca77670a1114"
EXAMPLE_INIT_DATA = ("query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Anna%22"
                     "%7D&auth_date=1700000000&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2")

LINK_ID = Path(description="the booking link's id, as in its page's URL /book/<id>", example="anna-cuts")
MANAGE_TOKEN = Query(..., min_length=1, max_length=128, description="the booking's manage token, as the "
                     "confirmation answered it (a wrong one is a 404)", example=EXAMPLE_TOKEN)


class PublicHold(BaseModel):
    service: StrictStr = Field(..., description="a service the link offers", example="cut")
    start: Instant = Field(..., description=f"the start, one of the link's slots: {INSTANT}")
    resource: StrictStr = Field("", description="who: one of the slot's `resources`; none: the link's resource, "
                                "or the first one free then", example="anna")
    location: StrictStr = Field("", description="the slot's location; none: the resource's only one",
                                example="salon")
    name: StrictStr = Field("", max_length=MAX_NAME_LENGTH, description="the client's name (without init_data)",
                            example="Ann Smith")
    contact: StrictStr = Field("", max_length=254, description="the client's email address or phone number "
                               "(without init_data)", example="ann@example.org")
    init_data: StrictStr = Field("", max_length=8192, description="a Telegram Mini App's initData, instead of "
                                 "name and contact: books as that Telegram user", example="")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"service": "cut", "start": "2027-03-01T08:00:00Z", "resource": "anna",
                                    "location": "salon", "name": "Ann Smith", "contact": "ann@example.org"}}


class HoldToken(BaseModel):
    hold_token: StrictStr = Field(..., min_length=1, max_length=128, description="the hold's `hold_token`",
                                  example=EXAMPLE_HOLD_TOKEN)

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"hold_token": EXAMPLE_HOLD_TOKEN}}


class ManagedCancel(BaseModel):
    token: StrictStr = Field(..., min_length=1, max_length=128, description="the booking's manage token")
    reason: StrictStr = Field("", max_length=500, description="why, for the audit log")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"token": EXAMPLE_TOKEN, "reason": "cannot come"}}


class ManagedMove(BaseModel):
    token: StrictStr = Field(..., min_length=1, max_length=128, description="the booking's manage token")
    start: Instant = Field(..., description=f"the new start, one of the slots listed with the token: {INSTANT}")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"token": EXAMPLE_TOKEN, "start": "2027-03-01T10:00:00Z"}}


class InitData(BaseModel):
    init_data: StrictStr = Field(..., min_length=1, max_length=8192,
                                 description="Telegram.WebApp.initData: the page's `#tgWebAppData=` fragment")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"init_data": EXAMPLE_INIT_DATA}}


def contact_identity(contact: str) -> sc.Identity:
    """The client identity of an email address or a phone number: network `other`,
    external id `email:<address in lower case>` or `phone:<digits, + first>`."""
    text = contact.strip()
    if not text:
        raise ApiError(400, "give an email address or a phone number", field="contact")
    if "@" in text:
        if not EMAIL.fullmatch(text):
            raise ApiError(400, "not an email address", field="contact")
        return sc.Identity("other", f"email:{text.lower()}")
    digits = PHONE_SEPARATORS.sub("", text)
    if not PHONE.fullmatch(digits):
        raise ApiError(400, "not an email address nor a phone number (6 to 15 digits, + first if international)",
                       field="contact")
    return sc.Identity("other", f"phone:{digits}")


def _named(record: Any, id: str) -> dict[str, str]:
    return {"id": id, "name": (record.name if record is not None else "") or id}


class _NotBookable(Exception):
    """A start slotcraft refuses, with its reasons: answered as a 409, and its Idempotency-Key left free."""

    def __init__(self, reasons: list[sc.Reason]) -> None:
        super().__init__("not bookable")
        self.reasons = reasons


def _refusal(reasons: list[sc.Reason]) -> JSONResponse:
    """A 409 as slotcraft refuses a start, written without booking anything."""
    text = "; ".join(f"{r.code.name}: {r.message}" for r in reasons)
    return JSONResponse(error_body(f"the start is not bookable; {text}", "start", reasons), 409)


def routes(ctx: Context) -> APIRouter:
    """None behind a key: the page's routes are all public."""
    return APIRouter(route_class=ApiRoute)


def public_routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["public booking page"])
    scheduler = ctx.scheduler
    links = ctx.tables(BookingLinks)
    answers = ctx.tables(IdempotentAnswers)

    def link_of(id: str, *, enabled: bool = True) -> BookingLink:
        found = links.get(id)
        if found is None or (enabled and not found.enabled):
            raise ApiError(404, f'no booking page "{id}"', field="id")
        return found

    def offered(link: BookingLink) -> list[str]:
        """The services the link offers now: archived ones left out."""
        if link.resource and not link.services:
            return scheduler.services_of(link.resource)
        live = {s.id for s in scheduler.services()}
        return [s for s in link.services if s in live]

    def providers(link: BookingLink, service: str) -> list[str]:
        return [link.resource] if link.resource else scheduler.providers(service)

    def offered_service(link: BookingLink, service: str) -> str:
        if service not in offered(link):
            raise ApiError(404, f'this page offers no service "{service}"', field="service")
        return service

    def person(id: str) -> dict[str, str]:
        resource = scheduler.resource(id)
        return {**_named(resource, id), "time_zone": resource.time_zone if resource else "UTC"}

    def public_view(booking: sc.BookingRecord, given_name: str = "") -> dict[str, Any]:
        """What the client sees of a booking (never its hold token nor another client's).
        The client's name is only `given_name`, the one given with the hold: the stored
        name of a client found by contact would tell anyone who knows an address or a
        number whose it is."""
        zone = person(booking.resource)["time_zone"]
        return {
            "id": booking.id,
            "status": booking.to_dict()["status"],
            "start": sc.format_instant(booking.start),
            "end": sc.format_instant(booking.end),
            "local_start": local_time(booking.start, zone),
            "local_end": local_time(booking.end, zone),
            "time_zone": zone,
            "expires": sc.format_instant(booking.expires) if booking.expires else None,
            "service": _named(scheduler.service(booking.service), booking.service),
            "resource": person(booking.resource),
            "location": _named(scheduler.location(booking.location), booking.location),
            "client": {"name": given_name},
        }

    def client_of(hold: PublicHold) -> tuple[sc.Identity, str]:
        """Who books, checked before anything is written."""
        if hold.init_data:
            if hold.name or hold.contact:
                raise ApiError(400, "give init_data, or name and contact, not both", field="init_data")
            user: TelegramUser = verify(hold.init_data, ctx.clock())
            return sc.Identity("telegram", user.id), user.name
        if not hold.name.strip():
            raise ApiError(400, "give your name", field="name")
        plain_text(hold.name, "name")
        return contact_identity(hold.contact), hold.name.strip()

    def resource_for(link: BookingLink, service: str, hold: PublicHold, now: datetime) -> tuple[str, str]:
        """The resource and location to hold with: the one asked for, or the first free at the start."""
        candidates = providers(link, service)
        if hold.resource:
            if hold.resource not in candidates:
                raise ApiError(400, f'this page does not book "{hold.resource}" for "{service}"', field="resource")
            return hold.resource, hold.location
        try:
            one_minute = hold.start + timedelta(minutes=1)
        except OverflowError:
            raise ApiError(400, "must be before the year 9999 ends", field="start") from None
        free = scheduler.slots(service, hold.start, one_minute, resources=candidates, location=hold.location, now=now)
        if free:
            return free[0].resources[0], free[0].location
        if not candidates:
            raise ApiError(409, f'nobody provides "{service}" now', field="service")
        return candidates[0], hold.location

    def managed(id: str, token: str) -> sc.BookingRecord:
        link_of(id, enabled=False)
        booking = links.managed_booking(id, token)
        found = scheduler.booking(booking) if booking else None
        if found is None:
            raise ApiError(404, "no booking with this manage token: check the link you were sent", field="token")
        return found

    def changeable(booking: sc.BookingRecord, now: datetime) -> bool:
        return booking.status == sc.BookingStatus.confirmed and booking.start > now

    def managed_view(booking: sc.BookingRecord) -> dict[str, Any]:
        return {"booking": public_view(booking), "changeable": changeable(booking, ctx.clock())}

    def actor(link: BookingLink) -> str:
        return f"book:{link.id}"

    @api.get("/public/book/{id}", name="public_booking_link")
    def public_booking_link(id: str = LINK_ID) -> dict[str, Any]:
        """A booking page's offer: its title, its resource (name and time zone) if it
        has one, and the services with their length and providers."""
        link = link_of(id)
        services = []
        for service_id in offered(link):
            record = scheduler.service(service_id)
            assert record is not None
            services.append({**_named(record, service_id), "duration_minutes": record.to_dict()["duration"],
                             "providers": [person(p) for p in providers(link, service_id)]})
        return {"id": link.id, "title": link.title, "hold_minutes": link.hold_minutes,
                "resource": person(link.resource) if link.resource else None, "services": services}

    @api.get("/public/book/{id}/slots", name="public_slots")
    def public_slots(
        id: str = LINK_ID,
        service: str = Query(..., description="a service the page offers", example="cut"),
        start: Instant = Query(..., alias="from", description=f"the start of the period [from, to): {INSTANT}",
                               example=EXAMPLE_FROM),
        end: Instant = Query(..., alias="to", description="the end of the period [from, to), at most 62 days "
                             f"after `from`: {INSTANT}", example=EXAMPLE_TO),
        token: str = Query("", max_length=128, description="a booking's manage token: the starts that booking "
                           "could move to (as if it were not there); none: free slots", example=""),
    ) -> Response:
        """The page's free slots of `service` starting in [from, to), in GET /v1/slots'
        shape (`local_start` in the provider's zone): what slotcraft lists, nothing more."""
        moving = managed(id, token) if token else None
        link = link_of(id, enabled=moving is None)
        offered_service(link, service)
        if end - start > MAX_SLOT_PERIOD:
            raise ApiError(400, "the period is at most 62 days", field="to")
        with fields_named(start="from", end="to"):
            answer = scheduler.slots_json(service, start, end, resources=[link.resource] if link.resource else [],
                                          ignore_booking=moving.id if moving else "", now=ctx.clock())
        return Response(answer, media_type="application/json")

    @api.post("/public/book/{id}/holds", name="public_hold", status_code=201)
    def public_hold(hold: PublicHold, response: Response, id: str = LINK_ID, key: str = idempotency_key()) -> Any:
        """Holds a start for the link's hold time while the client confirms, for the
        client of `name` and `contact` (found by that contact, or made) or of
        `init_data` (a Telegram user). The answer is the held booking with its
        `hold_token`; a start that is not bookable is a 409 with slotcraft's reasons,
        and nothing is written. The same `Idempotency-Key` and body answer the
        first hold again (a retry after a lost answer holds nothing twice)."""
        link = link_of(id)
        service = offered_service(link, hold.service)
        identity, name = client_of(hold)
        now = ctx.clock()
        resource, location = resource_for(link, service, hold, now)

        def make() -> dict[str, Any]:
            reasons = scheduler.check(resource, service, hold.start, location=location, now=now)
            if reasons:
                raise _NotBookable(reasons)
            client = scheduler.client_for(identity, name, actor=actor(link))
            held = scheduler.hold(resource, service, hold.start, timedelta(minutes=link.hold_minutes),
                                  location=location, client=client.id, actor=actor(link), now=now)
            links.record_hold(link.id, held.id, held.hold_token)
            return {**public_view(held, name), "hold_token": held.hold_token}

        try:
            answer, replayed = answers.answer(actor(link), key, ["public_hold", hold.dict()], make)
        except _NotBookable as refused:
            return _refusal(refused.reasons)
        if replayed:
            response.headers[REPLAYED_HEADER] = "true"
        return answer

    def hold_of(id: str, token: str) -> sc.BookingRecord:
        booking = links.held_through(id, token)
        found = scheduler.booking(booking) if booking else None
        if found is None:
            raise ApiError(404, "no hold of this page with this token", field="hold_token")
        return found

    @api.post("/public/book/{id}/holds/release", name="public_release_hold")
    def public_release_hold(body: HoldToken, id: str = LINK_ID) -> dict[str, Any]:
        """Frees a held time at once (the client chose another); a confirmed one is a 409."""
        link = link_of(id)
        held = hold_of(id, body.hold_token)
        if held.status == sc.BookingStatus.confirmed:
            raise ApiError(409, "the hold was confirmed: cancel the booking with its manage token", field="hold_token")
        return public_view(scheduler.cancel(held.id, "released on the booking page", actor=actor(link),
                                            now=ctx.clock()))

    @api.post("/public/book/{id}/confirm", name="public_confirm")
    def public_confirm(request: Request, body: HoldToken, id: str = LINK_ID) -> dict[str, Any]:
        """Confirms the page's hold into a booking (checked again as a booking), and
        answers it with a manage token (shown only now; confirming again, after a lost
        answer, makes a new one) and its .ics file's URL. 409 when the hold expired."""
        link = link_of(id)
        hold_of(id, body.hold_token)
        confirmed = scheduler.confirm(body.hold_token, actor=actor(link), now=ctx.clock())
        token = links.new_manage_token(confirmed.id)
        ics = request.url_for("public_booking_ics", id=id).path
        return {"booking": public_view(confirmed), "manage_token": token, "ics_url": f"{ics}?token={token}"}

    @api.get("/public/book/{id}/booking", name="public_booking")
    def public_booking(id: str = LINK_ID, token: str = MANAGE_TOKEN) -> dict[str, Any]:
        """The booking of a manage token, and whether it can still be cancelled or
        moved (`changeable`: confirmed and not started)."""
        return managed_view(managed(id, token))

    @api.post("/public/book/{id}/booking/cancel", name="public_cancel")
    def public_cancel(body: ManagedCancel, id: str = LINK_ID) -> dict[str, Any]:
        """Cancels the booking of the manage token (twice is the same answer); once it
        has started, a 409."""
        booking = managed(id, body.token)
        if booking.status != sc.BookingStatus.cancelled:
            if not changeable(booking, ctx.clock()):
                raise ApiError(409, "the booking has started: it can no longer be cancelled here", field="token")
            booking = scheduler.cancel(booking.id, body.reason or "cancelled by the client",
                                       actor=actor(link_of(id, enabled=False)), now=ctx.clock())
        return managed_view(booking)

    @api.post("/public/book/{id}/booking/move", name="public_move")
    def public_move(body: ManagedMove, id: str = LINK_ID) -> dict[str, Any]:
        """Moves the booking of the manage token to `start` (one of the slots listed
        with the token), or a 409 with slotcraft's reasons: it stays where it was."""
        booking = managed(id, body.token)
        if not changeable(booking, ctx.clock()):
            raise ApiError(409, f"the booking is {booking.to_dict()['status']} or has started: it can no longer "
                           "be moved here", field="token")
        moved = scheduler.reschedule(booking.id, body.start, actor=actor(link_of(id, enabled=False)), now=ctx.clock())
        return managed_view(moved)

    @api.get(
        "/public/book/{id}/booking.ics",
        name="public_booking_ics",
        response_class=Response,
        responses={200: {"description": "The booking as an iCalendar file (RFC 5545)",
                         "content": {"text/calendar": {"schema": {"type": "string"}}}}},
    )
    def public_booking_ics(id: str = LINK_ID, token: str = MANAGE_TOKEN) -> Response:
        """The booking of a manage token as an .ics file, to add to a calendar (slotcraft's `export_ics`)."""
        booking = managed(id, token)
        ics = scheduler.export_ics(booking=booking.id, now=ctx.clock())
        return Response(ics, media_type="text/calendar", headers={
            "Content-Disposition": f'attachment; filename="{booking.id}.ics"', "Cache-Control": "no-store"})

    @api.post("/public/telegram/session", name="telegram_session")
    def telegram_session(body: InitData) -> dict[str, Any]:
        """Checks a Telegram Mini App's initData as Telegram documents it (HMAC-SHA256
        with the bot token of $SLOTCRAFT_TELEGRAM_BOT_TOKEN, at most 24 hours old) and
        answers its user; nothing is written. A forged, changed or stale one is a 401
        naming init_data; without a bot token, a 503."""
        user = verify(body.init_data, ctx.clock())
        return {"user": {"id": user.id, "name": user.name, "language_code": user.language_code}}

    return api
