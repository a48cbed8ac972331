"""JSON Schemas of the catalog records as the API's bodies carry them, for the
OpenAPI document only: the records are read by slotcraft itself
(`from_dict`, catalog_json.hpp), which refuses what it does not know.
tests/python/server/test_http_openapi.py holds these to the reader: the same
fields as `to_dict()` writes, and every example accepted by the route.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_ID = {"type": "string", "minLength": 1, "description": "set by the path; when given, it must be the path's"}
_HHMM = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", "example": "09:00"}
_RANGE = {"type": "array", "items": _HHMM, "minItems": 2, "maxItems": 2, "description": "[from, to] local times"}
_RANGES = {"type": "array", "items": _RANGE}
_INSTANT = {"type": "string", "format": "date-time", "example": "2027-03-01T08:00:00Z"}
_MINUTES = {"type": "integer", "minimum": 0}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _record(properties: Schema, required: tuple[str, ...] = ()) -> Schema:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


LOCATION = _record({"id": _ID, "name": {"type": "string"}, "archived": {"type": "boolean", "default": False}})

_WEEKLY = _record({day: _RANGES for day in _WEEKDAYS})

SCHEDULE = {
    **_record(
        {
            "location": {"type": "string", "description": "a location id"},
            "weekly": _WEEKLY,
            "rotation": {
                **_record(
                    {
                        "anchor": {"type": "string", "format": "date", "example": "2031-03-03",
                                   "description": "its week (Monday to Sunday) takes the first pattern"},
                        "weeks": {"type": "array", "items": _WEEKLY, "minItems": 1, "maxItems": 52},
                    },
                    ("anchor", "weeks"),
                ),
                "description": "SPEC §9, instead of weekly: weekly patterns taking turns week by week",
            },
            "overrides": {"type": "object", "additionalProperties": _RANGES,
                          "description": "local date (YYYY-MM-DD) → that day's hours instead of the weekly ones ([] closed)"},
            "breaks": _RANGES,
        },
        ("location",),
    ),
    "not": {"required": ["weekly", "rotation"]},
}

RESOURCE = _record(
    {
        "id": _ID,
        "name": {"type": "string"},
        "timezone": {"type": "string", "description": "an IANA time zone", "default": "UTC"},
        "schedules": {"type": "array", "items": SCHEDULE, "description": "hours per location"},
        "time_off": {"type": "array", "items": _record({"start": _INSTANT, "end": _INSTANT}, ("start", "end"))},
        "archived": {"type": "boolean", "default": False},
    }
)

SERVICE = _record(
    {
        "id": _ID,
        "name": {"type": "string"},
        "duration": {"type": "integer", "minimum": 1, "description": "minutes"},
        "step": {"type": "integer", "minimum": 1, "description": "minutes between starts (default: the duration)"},
        "align": {"type": "string", "enum": ["window", "clock", "free"]},
        "buffer_before": _MINUTES,
        "buffer_after": _MINUTES,
        "min_notice": _MINUTES,
        "max_advance": _MINUTES,
        "capacity": {"type": "integer", "minimum": 1, "description": "seats of a group class (1: one client)"},
        "max_per_day": {"type": "integer", "minimum": 0, "description": "bookings a resource takes a day (0: no limit)"},
        "max_per_client_per_day": {"type": "integer", "minimum": 0,
                                   "description": "SPEC §11: bookings one client may have a day (0: no limit)"},
        "max_per_client_per_week": {"type": "integer", "minimum": 0,
                                    "description": "SPEC §11: bookings one client may have an ISO week (0: no limit)"},
        "max_seats_per_client": {"type": "integer", "minimum": 0,
                                 "description": "SPEC §11: seats one client may hold at one start (0: no limit)"},
        "locations": {"type": "array", "items": {"type": "string"}, "description": "where it is offered (none: everywhere)"},
        "archived": {"type": "boolean", "default": False},
        "assign": _record(
            {
                "strategy": {"type": "string", "enum": ["least_booked", "weighted", "priority"],
                             "default": "least_booked"},
                "weights": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                            "description": "resource id to weight (default 1)"},
                "priorities": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                               "description": "resource id to priority (default 0)"},
            }
        ) | {"description": "SPEC §12: how slots order their free resources; the first gets a booking of any"},
        "pools": {"type": "array",
                  "items": _record({"id": {"type": "string", "minLength": 1},
                                    "resources": {"type": "array", "items": {"type": "string", "minLength": 1},
                                                  "minItems": 1}},
                                   ("id", "resources")),
                  "description": "SPEC §10: pools a booking also takes one free member of (rooms, chairs); "
                                 "members are resources with their own hours"},
    },
    ("duration",),
)

IDENTITY = _record(
    {"network": {"type": "string", "enum": ["telegram", "whatsapp", "vk", "other"]}, "external_id": {"type": "string"}},
    ("network", "external_id"),
)

CLIENT = _record({"id": _ID, "name": {"type": "string"}, "identities": {"type": "array", "items": IDENTITY}})

SETTINGS = _record(
    {
        "reminder_offsets": {"type": "array", "items": {"type": "integer", "minimum": 1},
                             "description": "minutes before a booking's start"},
        "global_breaks": _RANGES,
        "default_step": {"type": "integer", "minimum": 1, "description": "minutes"},
    }
)

EXAMPLES: dict[str, Any] = {
    "location": {"name": "Salon Nord"},
    "resource": {
        "name": "Anna",
        "timezone": "Europe/Berlin",
        "schedules": [{"location": "salon", "weekly": {"mon": [["09:00", "18:00"]], "tue": [["09:00", "13:00"]]},
                       "overrides": {"2027-03-08": []}, "breaks": [["13:00", "14:00"]]}],
        "time_off": [{"start": "2027-03-15T00:00:00Z", "end": "2027-03-20T00:00:00Z"}],
    },
    "service": {"name": "Haircut", "duration": 30, "buffer_after": 10, "min_notice": 60, "locations": ["salon"]},
    "client": {"name": "Анна Иванова", "identities": [{"network": "telegram", "external_id": "42"}]},
    "settings": {"reminder_offsets": [1440, 60], "global_breaks": [["13:00", "14:00"]], "default_step": 15},
}


def request_body(schema: Schema, kind: str) -> dict[str, Any]:
    """`openapi_extra` for a route whose body is a record of `kind`."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": schema, "example": EXAMPLES[kind]}}}}
