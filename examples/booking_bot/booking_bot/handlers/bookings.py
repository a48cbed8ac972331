"""Bookings once made, from both sides: the master's list, cancel and move
("are you sure?" first), attendance marks, reminders with "I'm coming"."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import slotcraft as sc

from botkit import zones
from botkit.core import btn
from botkit.handlers import Router

from ..roles import ANYONE, MASTERS

log = logging.getLogger("booking_bot")

router = Router("bookings")


class Bookings:
    """The bookings handlers, mixed into the bot (bot.py): `self` is the Bot."""

    @router.command("bookings", roles=MASTERS)
    def cmd_bookings(self, user: dict, arg: str) -> None:
        master_id = self.staff_resource(user)
        zone = self.master_zone(master_id)
        bookings = [b for b in self.s.upcoming(master_id, self.now(), 7) if b.status == sc.BookingStatus.confirmed]
        self.say(user, "bookings_header", count=len(bookings))
        for b in bookings:
            client = self.s.client(b.client) if b.client else None
            self.say(user, "master_booking", [[btn("btn_cancel", f"k:x:{b.id}"), btn("btn_move", f"k:r:{b.id}")]],
                     when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     client=(client.name if client else "-"), place=self.place_name(b.location))

    def attendance_params(self, user: dict, b: sc.BookingRecord) -> dict:
        """For botkit's /marks: what an attendance card names."""
        client = self.s.client(b.client) if b.client else None
        return {"when": self.when(user, b.start, self.master_zone(b.resource)), "service": self.service_name(b.service),
                "client": client.name if client else "-"}

    def own_booking(self, user: dict, booking_id: str, as_master: bool) -> sc.BookingRecord | None:
        b = self.s.booking(booking_id)
        if as_master:
            ok = b is not None and b.resource == self.store.master_of_user(user["user_id"])
        else:
            ok = b is not None and bool(user["client_id"]) and b.client == user["client_id"]
        if not ok or b is None or b.status != sc.BookingStatus.confirmed or b.end <= self.now():
            self.say(user, "booking_gone")
            return None
        return b

    @router.button("k", roles=MASTERS)
    def cb_k(self, user: dict, rest: str, message_id: int | None) -> None:
        self.booking_action(user, rest, as_master=True)

    @router.button("c", roles=ANYONE)
    def cb_c(self, user: dict, rest: str, message_id: int | None) -> None:
        self.booking_action(user, rest, as_master=False)

    def booking_action(self, user: dict, rest: str, as_master: bool) -> None:
        """`x:<id>` asks whether to cancel, `y:<id>` cancels, `n:<id>` keeps it; `r:<id>` pick a new day,
        `d:<id>:<day>` times, `t:<id>:<epoch>:<place>` move there.
        The days and times offered are slotcraft's for this very move (`slots(..., ignore_booking=<id>)`: the
        booking left out, each time at its place), so every one is a time `reschedule` accepts."""
        action, _, arg = rest.partition(":")
        booking_id, _, value = arg.partition(":")
        b = self.own_booking(user, booking_id, as_master)
        if b is None:
            return
        prefix = "k" if as_master else "c"
        zone = self.master_zone(b.resource)
        if action == "x":  # are you sure?
            self.say(user, "sure_cancel", [[btn("btn_yes_cancel", f"{prefix}:y:{b.id}"),
                                            btn("btn_keep", f"{prefix}:n:{b.id}")]],
                     when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     place=self.place_name(b.location))
        elif action == "n":
            self.say(user, "kept_booking", when=self.when(user, b.start, zone))
        elif action == "y":
            self.s.cancel(b.id, "master" if as_master else "client", now=self.now(), actor=self.actor(user))
            self.say(user, "cancelled", when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     place=self.place_name(b.location))
            self.notify_other_side(b, as_master, "notice_master_cancelled", "notice_client_cancelled", zone)
        elif action == "r":
            self.show_days(user, b.resource, b.service, f"{prefix}:d:{b.id}", moving=b.id)
        elif action == "d":
            self.show_times(user, b.resource, b.service, self.parse_day(value), f"{prefix}:t:{b.id}", f"{prefix}:r:{b.id}",
                            moving=b.id)
        elif action == "t":
            picked = self.time_button(b.resource, value)
            if picked is None:
                self.say(user, "stale_button")
                return
            start, location = picked[0], picked[1] or b.location  # a button without a place: the booking's own
            if start == b.start and location == b.location:
                self.say(user, "not_moved", when=self.when(user, b.start, zone), place=self.place_name(b.location))
                return
            try:
                moved = self.s.reschedule(b.id, start, location=location, now=self.now(), actor=self.actor(user))
            except (sc.Conflict, sc.InvalidArgument) as e:
                log.info("action move refused user=%s booking=%s field=%s", user["user_id"], b.id, e.field)
                self.say_refused(user, list(getattr(e, "reasons", [])), b.resource)
                self.show_times(user, b.resource, b.service, start.astimezone(zone).date(), f"{prefix}:t:{b.id}",
                                f"{prefix}:r:{b.id}", moving=b.id)
                return
            log.info("action moved user=%s booking=%s location=%s", user["user_id"], b.id, moved.location)
            self.say(user, "moved", old=self.when(user, b.start, zone), new=self.when(user, moved.start, zone),
                     service=self.service_name(b.service), place=self.place_name(moved.location))
            self.notify_other_side(moved, as_master, "notice_master_moved", "notice_client_moved", zone, old=b.start)
        else:
            self.say(user, "stale_button")

    def notify_other_side(self, b: sc.BookingRecord, by_master: bool, to_client: str, to_master: str, zone: ZoneInfo,
                          old: datetime | None = None) -> None:
        other = self.store.user_by_client(b.client) if by_master else self.master_user(b.resource)
        if other is None:
            log.warning("booking %s: nobody to tell", b.id)
            return
        params = {"when": self.when(other, b.start, zone), "city": zones.city(zone.key, other["lang"]),
                  "service": self.service_name(b.service),
                  "place": self.place_name(b.location),
                  "master": self.master_name(b.resource), "client": (self.s.client(b.client).name if b.client else "-")}
        if old is not None:
            params["old"] = self.when(other, old, zone)
        self.say(other, to_client if by_master else to_master, **params)

    def remind(self, b: sc.BookingRecord, offset: timedelta) -> bool:
        user = self.store.user_by_client(b.client) if b.client else None
        if user is None:
            log.warning("reminder for booking %s: the client has no chat", b.id)
            return False
        # The time left, to the nearest minute (a pass a little late, or the first one after a
        # restart, says what is true now), not the offset the reminder was planned at.
        left = round((b.start - self.now()) / timedelta(minutes=1))
        if left <= 0:
            return False
        hours, minutes = divmod(left, 60)
        key = "reminder_minutes" if not hours else "reminder_hours" if not minutes else "reminder_hours_minutes"
        zone = self.master_zone(b.resource)
        self.say(user, key, [[btn("btn_coming", f"rc:{b.id}"), btn("btn_cancel", f"c:x:{b.id}")]],
                 hours=hours, minutes=minutes if hours else left, service=self.service_name(b.service),
                 master=self.master_name(b.resource), when=self.when(user, b.start, zone),
                 city=zones.city(zone.key, user["lang"]), place=self.place_name(b.location))
        return True

    @router.button("rc", roles=ANYONE)
    def cb_rc(self, user: dict, booking_id: str, message_id: int | None) -> None:
        """"I'm coming" under a reminder: the master hears it once; Cancel beside it asks "are you sure?"."""
        b = self.own_booking(user, booking_id, as_master=False)
        if b is None:
            return
        zone = self.master_zone(b.resource)
        self.say(user, "coming_noted", when=self.when(user, b.start, zone))
        if self.store.mark_coming(b.id, self.now().isoformat()):
            self.notify_other_side(b, False, "", "notice_client_coming", zone)
