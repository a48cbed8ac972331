"""Calendars: a resource's bookings as a feed that calendar apps subscribe to
(Google, Apple, Thunderbird poll `/v1/calendars/<id>.ics?token=...`), and the
busy time of an .ics file imported as a resource's time off.

The feed's URL carries its own secret, since calendar apps send no API key:
an admin, or the resource's staff, makes one (which replaces the one before)
or revokes it. A wrong, replaced or revoked token is a 404 that does not say
whether the resource exists."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query
from starlette.requests import Request
from starlette.responses import Response

import slotcraft as sc

from ..auth import STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..feeds import FeedTokens
from ..idempotency import IdempotentAnswers, answered_once
from ..params import STAFF_OWN_RESOURCE, period_from, period_to, resource_path
from ..routing import ApiRoute
from ..views import Instant
from .bookings import idempotency_key

ROLES: Rules = {
    "create_feed": STAFF,
    "revoke_feed": STAFF,
    "import_ics": STAFF,
}

PUBLIC: frozenset[str] = frozenset({"calendar_feed"})

# The import window when the query gives none, as the CLI's `import-ics`: from now, a year long.
DEFAULT_IMPORT_WINDOW = timedelta(days=365)

# Calendar apps ask again on every poll; the ETag makes an unchanged feed a 304 without a body.
FEED_CACHE_CONTROL = "private, no-cache"

ICS_EXAMPLE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//EN\r\nBEGIN:VEVENT\r\nUID:dentist@example.org\r\n"
    "DTSTAMP:20270201T000000Z\r\nDTSTART;TZID=Europe/Berlin:20270301T110000\r\n"
    "DTEND;TZID=Europe/Berlin:20270301T120000\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)

ICS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"text/calendar": {"schema": {"type": "string", "format": "binary"}, "example": ICS_EXAMPLE}},
    }
}

OWN_RESOURCE_ID = resource_path(f"; {STAFF_OWN_RESOURCE}")


def feed_etag(ics: str) -> str:
    """A weak ETag of a feed's events. DTSTAMP, the time of the export, is left
    out: a poll that finds the same events gets the same tag although the bytes
    differ in it, which is what a weak tag means (RFC 9110 §8.8.1)."""
    events = "".join(line for line in ics.splitlines(keepends=True) if not line.startswith("DTSTAMP:"))
    return f'W/"{hashlib.sha256(events.encode()).hexdigest()[:32]}"'


def _opaque_tag(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an `If-None-Match` list names `etag` (weak comparison) or is `*`."""
    tags = {_opaque_tag(t) for t in if_none_match.split(",")}
    return "*" in tags or _opaque_tag(etag) in tags


async def raw_body(request: Request) -> bytes:
    """The body, bounded by the route class (413 over MAX_BODY_BYTES)."""
    return await request.body()


def ics_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"an .ics file is UTF-8 text; byte {error.start} is not", field="body") from None


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["calendars"])
    scheduler = ctx.scheduler
    feeds = ctx.tables(FeedTokens)
    answers = ctx.tables(IdempotentAnswers)

    def existing_resource(id: str, who: Principal) -> str:
        who.own_resource(id, field="id")
        if scheduler.resource(id) is None:
            raise ApiError(404, f'no resource "{id}"', field="id")
        return id

    @api.post("/resources/{id}/feed", name="create_feed", status_code=201)
    def create_feed(
        request: Request, response: Response, id: str = OWN_RESOURCE_ID, key: str = idempotency_key(),
        who: Principal = Depends(ctx.caller)
    ) -> dict[str, str]:
        """A new subscription URL of the resource's bookings; the one before stops
        working. Its token is shown only now (and to the same `Idempotency-Key` again)."""
        def make() -> dict[str, str]:
            token = feeds.create(existing_resource(id, who))
            path = request.url_for("calendar_feed", resource=quote(id, safe="")).path
            return {"url": f"{path}?token={token}", "token": token}
        answer: dict[str, str] = answered_once(answers, response, who, key, ["create_feed", id], make)
        return answer

    @api.delete("/resources/{id}/feed", name="revoke_feed", status_code=204)
    def revoke_feed(id: str = OWN_RESOURCE_ID, who: Principal = Depends(ctx.caller)) -> Response:
        """Revokes the resource's subscription URL: calendar apps get a 404 from now on."""
        if not feeds.revoke(existing_resource(id, who)):
            raise ApiError(404, f'resource "{id}" has no calendar feed', field="id")
        return Response(status_code=204)

    @api.post("/resources/{id}/import", name="import_ics", openapi_extra=ICS_BODY)
    def import_ics(
        response: Response,
        id: str = OWN_RESOURCE_ID,
        start: Instant | None = period_from(None, meaning="; none: now"),
        end: Instant | None = period_to(None, meaning="; none: a year after `from`"),
        body: bytes = Depends(raw_body),
        key: str = idempotency_key(),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """The busy time of the .ics file in the body (`Content-Type: text/calendar`)
        overlapping [from, to) becomes time off of the resource. Importing a file
        again adds nothing new; lines that could not be read are listed. The same
        `Idempotency-Key` and file answer the first import's answer again."""
        who.own_resource(id, field="id")
        # What the caller sent: a retry is the same request even when `from` was left to the clock.
        request = ["import_ics", id, start, end, hashlib.sha256(body).hexdigest()]
        start = start or ctx.clock()
        try:
            end = end or start + DEFAULT_IMPORT_WINDOW
        except OverflowError:
            raise ApiError(400, "give `to`: the default window would end after the year 9999", field="to") from None

        def make() -> dict[str, Any]:
            with fields_named(resource="id", ics="body", window="to"):
                done = scheduler.import_ics(id, ics_text(body), start, end, actor=who.actor)
            return {
                "added": len(done.added),
                "time_off": [{"start": sc.format_instant(i.start), "end": sc.format_instant(i.end)}
                             for i in done.added],
                "skipped": [{"line": s.line, "reason": s.reason} for s in done.skipped],
            }
        answer: dict[str, Any] = answered_once(answers, response, who, key, request, make)
        return answer

    return api


def public_routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["calendars"])
    feeds = ctx.tables(FeedTokens)

    @api.get(
        "/calendars/{resource}.ics",
        name="calendar_feed",
        response_class=Response,
        responses={
            200: {"description": "The feed (RFC 5545)", "content": {"text/calendar": {"schema": {"type": "string"}}}},
            304: {"description": "The feed has not changed since the ETag sent in If-None-Match"},
        },
    )
    def calendar_feed(
        resource: str = resource_path(),
        token: str = Query(default="", description="the feed's secret: the `token` that POST "
                           "/v1/resources/{id}/feed answered (a wrong, replaced or revoked one is a 404)",
                           example="Zp3x9QeV0bS7mK2rT5wY8aD1fG4hJ6lN0cB3vX7zQ2E"),
        if_none_match: str = Header(default="", alias="If-None-Match",
                                    description="the `ETag` of a feed polled before: while the feed's events "
                                    "are the same, the answer is a 304 without a body",
                                    example='W/"9b2c41d07be35a6e18c4f0d27a9b3e51"'),
    ) -> Response:
        """The resource's bookings as iCalendar (RFC 5545), for calendar apps to
        subscribe to; no API key, the token of its URL instead."""
        if not token or feeds.resource_of(token) != resource:
            raise ApiError(404, "no calendar feed at this address: check its token, which may have been replaced",
                           field="token")
        ics = ctx.scheduler.export_ics(resource=resource, now=ctx.clock())
        headers = {"ETag": feed_etag(ics), "Cache-Control": FEED_CACHE_CONTROL}
        if if_none_match and etag_matches(if_none_match, headers["ETag"]):
            return Response(status_code=304, headers=headers)
        return Response(ics, media_type="text/calendar", headers=headers)

    return api
