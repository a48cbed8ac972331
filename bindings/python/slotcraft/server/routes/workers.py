"""What background workers read: the audit log, followed by its sequence
numbers, and the reminders that are due, each claimed by exactly one
worker (`Scheduler.mark_reminded` is true for one caller per booking and
offset, across processes)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, StrictInt, StrictStr

import slotcraft as sc

from ..auth import WORKERS, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..paging import cursor_query, limit_query, paged
from ..routing import ApiRoute
from ..views import booking_view

ROLES: Rules = {
    "audit_log": WORKERS,
    "due_reminders": WORKERS,
    "mark_reminder_sent": WORKERS,
}

# The audit log's sequence numbers are 64-bit.
MAX_SEQUENCE = (1 << 63) - 1


class SentReminder(BaseModel):
    booking: StrictStr
    offset_minutes: StrictInt

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"booking": "bk_5a01aeaf9572689d", "offset_minutes": 1440}}


def _record(text: str) -> Any:
    """A record's JSON as the audit log keeps it, or None for none (before a creation, after a deletion)."""
    return json.loads(text) if text else None


def audit_view(entry: sc.AuditEntry) -> dict[str, Any]:
    """An entry as the CLI's `audit --json` writes it."""
    return {
        "sequence": entry.sequence,
        "at": sc.format_instant(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "before": _record(entry.before),
        "after": _record(entry.after),
    }


def _offset_minutes(reminder: sc.DueReminder) -> int:
    return reminder.offset // timedelta(minutes=1)


def _reminder_key(reminder: sc.DueReminder) -> list[str]:
    return [sc.format_instant(reminder.booking.start), reminder.booking.id, f"{_offset_minutes(reminder):012d}"]


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["workers"])
    scheduler = ctx.scheduler

    @api.get("/audit", name="audit_log")
    def audit_log(
        after: int = Query(default=0, ge=0, le=MAX_SEQUENCE, description="an entry's `sequence`: the entries "
                           "after it (the `next` of the previous page, or the last `sequence` seen); 0, the default: "
                           "from the first", example=0),
        limit: int = limit_query(),
    ) -> dict[str, Any]:
        """Every change, oldest first, after the entry numbered `after`; `next` is
        the last entry's number while more follow, else null (keep the last
        `sequence` to follow the log as it grows)."""
        found = scheduler.audit(after=after, limit=limit + 1)
        chosen = found[:limit]
        more = len(found) > limit
        return {"entries": [audit_view(e) for e in chosen], "next": chosen[-1].sequence if more else None}

    @api.get("/reminders/due", name="due_reminders")
    def due_reminders(limit: int = limit_query(), cursor: str = cursor_query()) -> dict[str, Any]:
        """Confirmed bookings not yet started whose closest passed reminder offset
        is not marked yet, by start; each with `offset_minutes`: claim it with
        POST /reminders/sent, and send it when that answers true."""
        due = sorted(scheduler.due_reminders(now=ctx.clock()), key=_reminder_key)
        zones = ctx.zones()

        def view(reminder: sc.DueReminder) -> dict[str, Any]:
            booking = reminder.booking
            return {"booking": booking_view(booking, zones[booking.resource]),
                    "offset_minutes": _offset_minutes(reminder)}

        return paged("reminders", due, _reminder_key, view, cursor=cursor, limit=limit)

    @api.post("/reminders/sent", name="mark_reminder_sent")
    def mark_reminder_sent(sent: SentReminder) -> dict[str, bool]:
        """Claims a due reminder: `marked` is true for the first caller only, who
        sends it; a worker that gets false lost the race and leaves it."""
        try:
            offset = timedelta(minutes=sent.offset_minutes)
        except OverflowError:
            raise ApiError(400, f"must be at most {timedelta.max // timedelta(minutes=1)} minutes",
                           field="offset_minutes") from None
        with fields_named(id="booking", offset="offset_minutes"):
            return {"marked": scheduler.mark_reminded(sent.booking, offset)}

    return api
