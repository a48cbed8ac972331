"""The JSON of what the server answers and reads: instants in ISO 8601 UTC
(`Z`), and beside them the resource's zone and local wall time for people.
Free slots are written in that shape by `Scheduler.slots_json` itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import slotcraft as sc


class Instant(datetime):
    """An ISO 8601 instant with `Z` or an offset, read as slotcraft reads it
    (`slotcraft.parse_instant`): a date alone or a local time is refused."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[object], datetime]]:
        yield cls.parse

    @classmethod
    def parse(cls, value: object) -> datetime:
        if not isinstance(value, str):
            raise TypeError("expected an ISO 8601 instant as text, like 2027-03-01T08:00:00Z")
        try:
            return sc.parse_instant(value)
        except sc.InvalidArgument as error:
            raise ValueError(error.message) from None

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", format="date-time", example="2027-03-01T08:00:00Z")


class IsoDate(date):
    """A calendar date written YYYY-MM-DD, and nothing else: pydantic's own `date` reads a number, or
    text of digits such as 20270316, as Unix seconds (1970-08-23), and 2027-3-16 as a date."""

    PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[object], date]]:
        yield cls.parse

    @classmethod
    def parse(cls, value: object) -> date:
        if not isinstance(value, str) or not cls.PATTERN.fullmatch(value):
            raise TypeError("expected a date as text, YYYY-MM-DD, like 2027-03-16")
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"no such date: {error}") from None

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", format="date", example="2027-03-16")


def local_time(t: datetime, zone: str) -> str:
    """`t` on the wall clock of `zone`, with its offset: 2027-03-01T09:00:00+01:00."""
    return t.astimezone(ZoneInfo(zone)).isoformat()


# The scheduler keeps a booking's idempotency key with the booking, one space of
# keys for everyone; the API's keys are per caller (http.md). So the key handed
# to the scheduler is the caller's actor, this separator (a control character,
# which no HTTP header can carry) and the caller's key.
KEY_SEPARATOR = "\x1f"


def caller_key(actor: str, key: str) -> str:
    """The scheduler's idempotency key for `actor`'s `key` ("" for none)."""
    return f"{actor}{KEY_SEPARATOR}{key}" if key else ""


def booking_view(booking: sc.BookingRecord, zone: str) -> dict[str, Any]:
    """The record's JSON (docs/storage.md), with the caller's own idempotency key, and its local start and end in
    the resource's zone."""
    record = booking.to_dict()
    if KEY_SEPARATOR in record.get("idempotency_key", ""):
        record["idempotency_key"] = record["idempotency_key"].split(KEY_SEPARATOR, 1)[1]
    return {
        **record,
        "time_zone": zone,
        "local_start": local_time(booking.start, zone),
        "local_end": local_time(booking.end, zone),
    }
