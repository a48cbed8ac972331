"""What background workers read: the audit log, followed by its sequence
numbers, and the reminders that are due, each claimed by exactly one
worker (`Scheduler.mark_reminded` is true for one caller per booking and
offset, across processes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, StrictInt, StrictStr

import slotcraft as sc

from ..auth import WORKERS, Rules
from ..context import Context
from ..errors import ApiError, fields_named, minutes_field
from ..paging import cursor_query, limit_query, paged
from ..params import period_from, period_to
from ..routing import ApiRoute
from ..views import Instant, booking_view

ROLES: Rules = {
    "audit_log": WORKERS,
    "due_reminders": WORKERS,
    "mark_reminder_sent": WORKERS,
}

# The audit log's sequence numbers are 64-bit.
MAX_SEQUENCE = (1 << 63) - 1
# A filtered audit page reads the log in batches, at most MAX_AUDIT_SCAN entries a request.
AUDIT_BATCH = 1000
MAX_AUDIT_SCAN = 10_000


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


@dataclass(frozen=True)
class AuditFilter:
    """Which entries an audit page answers: each field given must match."""

    action: str = ""
    actor: str = ""
    subject: str = ""
    start: datetime | None = None
    end: datetime | None = None

    def __bool__(self) -> bool:
        return any((self.action, self.actor, self.subject, self.start, self.end))

    def matches(self, entry: sc.AuditEntry) -> bool:
        return (self.action in ("", entry.action) and self.actor in ("", entry.actor)
                and self.subject in ("", entry.subject) and (self.start is None or entry.at >= self.start)
                and (self.end is None or entry.at < self.end))


def audit_page(scheduler: sc.Scheduler, after: int, limit: int, chosen_by: AuditFilter) -> dict[str, Any]:
    """Up to `limit` matching entries after `after`, reading at most
    MAX_AUDIT_SCAN entries: a filtered page may hold fewer while `next` (the
    last entry read) says that more of the log is still to be read."""
    chosen: list[sc.AuditEntry] = []
    last_read, read = after, 0
    batch = AUDIT_BATCH if chosen_by else limit + 1
    while True:
        found = scheduler.audit(after=last_read, limit=batch)
        for entry in found:
            if chosen_by.matches(entry):
                if len(chosen) == limit:
                    return {"entries": [audit_view(e) for e in chosen], "next": chosen[-1].sequence}
                chosen.append(entry)
            last_read = entry.sequence
        read += len(found)
        if len(found) < batch:
            return {"entries": [audit_view(e) for e in chosen], "next": None}
        if read >= MAX_AUDIT_SCAN:
            return {"entries": [audit_view(e) for e in chosen], "next": last_read}


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
        action: str = Query("", description="only entries of this action (`book`, `cancel`, `save_settings`, ...)",
                            example="book"),
        actor: str = Query("", description="only entries of this actor (`key:<id>`, `user:<login>`)",
                           example="user:ada"),
        subject: str = Query("", description="only entries about this record (a booking's, resource's, ... id)",
                             example="bk_5a01aeaf9572689d"),
        start: Instant | None = period_from(None, meaning="; only entries made then or later"),
        end: Instant | None = period_to(None, meaning="; only entries made before it"),
    ) -> dict[str, Any]:
        """Every change, oldest first, after the entry numbered `after`, narrowed
        by `action`, `actor`, `subject` and the period; `next` is the number to
        pass as `after` while more follow, else null (keep the last `sequence`
        to follow the log as it grows). A filtered page reads at most 10,000
        entries of the log, so it may hold fewer than `limit` (even none) while
        `next` is not null."""
        return audit_page(scheduler, after, limit, AuditFilter(action, actor, subject, start, end))

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
        sends it; a worker that gets false lost the race and leaves it. A
        reminder not due now is not marked (false): a claim made early cannot
        silence it."""
        offset = minutes_field(sent.offset_minutes, "offset_minutes")
        with fields_named(id="booking", offset="offset_minutes"):
            return {"marked": scheduler.mark_reminded(sent.booking, offset, now=ctx.clock())}

    return api
