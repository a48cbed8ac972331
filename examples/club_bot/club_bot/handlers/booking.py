"""Clients book subjects (group sessions with seats), see and cancel their
bookings ("are you sure?" first); reminders with "I'm coming"."""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import slotcraft as sc

from botkit import picks
from botkit.core import Button, InputError, btn
from botkit.handlers import Router

from ..club import LOCATION, parse_ymd, ymd
from ..roles import CLIENT, TEACHER

log = logging.getLogger("club_bot")

router = Router("booking")


def confirm_buttons(hold_id: str) -> list[list[Button]]:
    """Confirm and Give up, for the one hold the card shows."""
    return [[btn("btn_confirm", f"bk:ok:{hold_id}"), btn("btn_abort", f"bk:no:{hold_id}")]]


def ask_confirm(bot: Any, user: dict) -> None:
    bot.say(user, "ask_confirm", confirm_buttons(user["data"].get("booking", "")))


class Booking:
    """The booking handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    @router.command("book", roles=(CLIENT,))
    def cmd_book(self, user: dict, arg: str) -> None:
        self.cb_bk(user, "start", None)

    def booking_span(self, day: date | None = None) -> tuple[datetime, datetime]:
        """From now to the end of the days clients book ahead, or what is still to come of `day`."""
        if day is None:
            return self.now(), self.day_span(self.today() + timedelta(days=self.days_ahead))[1]
        start, end = self.day_span(day)
        return max(self.now(), start), end

    def free(self, sid: str, who: str, day: date | None = None) -> list[sc.LocatedSlot]:
        start, end = self.booking_span(day)
        if start >= end:
            return []
        resources = [who] if who != "*" else []
        slots = self.s.slots(sid, start, end, resources=resources, mode="any", now=self.now())
        return [x for x in slots if self.bookable(sid, x)]

    def bookable(self, sid: str, slot: sc.LocatedSlot) -> list[str]:
        """The teachers a client may book at this free slot."""
        return self.bookable_teachers(sid, slot.start, slot.resources)

    def bookable_teachers(self, sid: str, start: datetime, teachers: list[str]) -> list[str]:
        """Of `teachers`, those a client may book `sid` with at `start`: all of them, or for a timetabled subject
        those with a planned session then."""
        if not self.store.timetabled(sid):
            return teachers
        planned = self.store.sessions(sid)
        return [r for r in teachers if (r, start.isoformat()) in planned]

    @router.button("bk", roles=(CLIENT,))
    def cb_bk(self, user: dict, rest: str, message_id: int | None) -> None:
        try:
            self.booking_step(user, rest, message_id)
        except (ValueError, sc.NotFound, sc.InvalidArgument):  # a forged or outdated button: a bad date, id or time
            log.warning("booking button %r refused for user=%s", rest[:64], user["user_id"])
            self.say(user, "stale_button")

    def booking_step(self, user: dict, rest: str, message_id: int | None = None) -> None:
        step, *args = rest.split(":")
        if step == "start":
            subjects = self.store.subjects()
            if not subjects:
                self.say(user, "no_subjects")
                return
            self.say(user, "pick_subject", [[btn("label", f"bk:s:{sid}", text=self.subject_name(sid))] for sid in subjects])
        elif step == "s" and len(args) == 1 and args[0] in self.store.subjects():
            sid = args[0]
            rows = [[btn("label", f"bk:t:{sid}:{rid}", text=self.teacher_name(rid))] for rid in self.s.providers(sid)]
            rows.append([btn("btn_any_teacher", f"bk:t:{sid}:*")])
            self.say(user, "pick_teacher", rows, subject=self.subject_name(sid))
        elif step == "t" and len(args) == 2 and (args[1] == "*" or args[1] in self.s.providers(args[0])):
            # The days with a free time, or with a full class to wait for (waitlist.py).
            sid, who = args
            full = self.full_sessions(sid, who, self.client_id(user))
            days = sorted({s.start.astimezone(self.zone).date() for s in self.free(sid, who)} |
                          {start.astimezone(self.zone).date() for start, _ in full})
            if not days:
                self.say(user, "no_days", self.wait_rows(sid, who, None, self.store.timetabled(sid)))
                return
            self.say(user, "pick_day", [[btn("label", f"bk:d:{sid}:{who}:{ymd(d)}", text=self.day_label(user, d))] for d in days])
            picks.remember_days(self, user, self.zone.key, [(d, f"bk:d:{sid}:{who}:{ymd(d)}") for d in days])  # typed too
        elif step == "d" and len(args) == 3 and (args[1] == "*" or args[1] in self.s.providers(args[0])):
            sid, who, day = args[0], args[1], parse_ymd(args[2])
            slots = self.free(sid, who, day)
            full = self.full_sessions(sid, who, self.client_id(user), day)
            if not slots and not full:
                self.say(user, "no_times", self.wait_rows(sid, who, day, self.store.timetabled(sid)))
                return
            starts = sorted({s.start for s in slots} | {start for start, _ in full})
            label = dict(zip(starts, self.clock_labels(starts)))
            rows = [(s.start, [btn("time_seats" if s.seats_left > 1 or self.is_group(sid) else "label",
                                   f"bk:h:{sid}:{who}:{int(s.start.timestamp())}", text=label[s.start],
                                   seats=s.seats_left)])
                    for s in slots]
            # A full class is listed among the times, and waits for a place (with its teacher's name for "any").
            rows += [(start, [btn("time_full", f"wl:s:{sid}:{rid}:{int(start.timestamp())}",
                                  text=label[start] if who != "*" else f"{label[start]} {self.teacher_name(rid)}")])
                     for start, rid in full]
            self.say(user, "pick_time", [row for _, row in sorted(rows, key=lambda r: r[0])], day=self.day_label(user, day))
            picks.remember_times(self, user, [(start.astimezone(self.zone).strftime("%H:%M"), row[0][1])
                                              for start, row in rows])  # typed, they count too
        elif step == "h" and len(args) == 3 and (args[1] == "*" or args[1] in self.s.providers(args[0])):
            self.take_hold(user, args[0], args[1], datetime.fromtimestamp(int(args[2]), timezone.utc))
        elif step in ("ok", "no") and args and (user["state"] != "confirm" or user["data"].get("booking") != args[0]):
            # A card whose hold is gone (another time picked, booked, given up): it acts on nothing.
            log.info("action stale card user=%s hold=%s", user["user_id"], args[0][:64])
            self.say(user, "stale_card")
        elif step == "ok":  # this card's hold (a card sent before the buttons named it: the hold of the moment)
            self.confirm(user, message_id)
        elif step == "no":
            self.cmd_cancel(user, "")
        else:
            self.say(user, "stale_button")

    def is_group(self, sid: str) -> bool:
        return self.seats(sid) > 1

    def take_hold(self, user: dict, sid: str, who: str, start: datetime) -> None:
        self.release_hold(user)
        cid = self.client_id(user)
        day = start.astimezone(self.zone).date()
        match = [s for s in self.free(sid, who, day) if s.start == start]
        if not match:
            self.say(user, "slot_gone")
            return
        for rid in self.bookable(sid, match[0]):
            try:
                hold = self.s.hold(rid, sid, start, self.hold_ttl, location=LOCATION, client=cid,
                                   actor=self.actor(user), now=self.now())
            except sc.Conflict:
                continue
            self.set_state(user, "confirm", {"hold": hold.hold_token, "booking": hold.id})
            self.say(user, "confirm_booking", confirm_buttons(hold.id),
                     subject=self.subject_name(sid), teacher=self.teacher_name(rid), when=self.when(user, start))
            return
        self.say(user, "slot_gone")

    def release_hold(self, user: dict) -> None:
        if user["state"] == "confirm" and user["data"].get("booking"):
            try:
                self.s.cancel(user["data"]["booking"], "hold released", now=self.now(), actor=self.actor(user))
            except sc.Error:
                pass

    @router.state("confirm", roles=(CLIENT,), prompt=ask_confirm)
    def st_confirm(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    def confirm(self, user: dict, message_id: int | None = None) -> None:
        if user["state"] != "confirm":
            self.say(user, "stale_button")
            return
        try:
            b = self.s.confirm(user["data"]["hold"], now=self.now(), actor=self.actor(user))
        except sc.Error as e:
            # No longer bookable (taken, unlinked, hours changed, expired): slotcraft keeps a refused hold, so it is
            # released here at once.
            log.info("action confirm refused user=%s field=%s", user["user_id"], e.field)
            self.release_hold(user)
            self.set_state(user, "")
            self.say(user, "slot_gone")
            return
        self.set_state(user, "")
        log.info("action booked booking=%s user=%s", b.id, user["user_id"])
        self.announce_booked(user, b, message_id)

    def announce_booked(self, user: dict, b: sc.BookingRecord, message_id: int | None) -> None:
        """A booking made: the card answered (`message_id`) loses its buttons, the client and the teacher hear it."""
        if message_id is not None:
            self.edit(user, message_id, "confirm_done", subject=self.subject_name(b.service),
                      when=self.when(user, b.start))
        self.say(user, "booked", subject=self.subject_name(b.service), teacher=self.teacher_name(b.resource),
                 when=self.when(user, b.start))
        self.tell_teacher(b, "teacher_booked", user["name"])

    @router.command("my", roles=(CLIENT, TEACHER))
    def cmd_my(self, user: dict, arg: str) -> None:
        """A client's bookings (to cancel); a teacher's lessons of the coming week, each with who comes."""
        rid = self.store.teacher_of_user(user["user_id"])
        if rid is not None:
            self.teacher_week(user, rid)
            return
        self.cb_my(user, "list", None)

    def lessons(self, rid: str, start: datetime, end: datetime) -> dict[tuple[datetime, str], list[str]]:
        """The teacher's confirmed lessons starting in `[start, end)`: (start, subject) → who comes."""
        lessons: dict[tuple[datetime, str], list[str]] = {}
        for b in self.s.upcoming(rid, start, max(1, math.ceil((end - start) / timedelta(days=1)))):
            if b.status == sc.BookingStatus.confirmed and b.start < end:
                client = self.s.client(b.client) if b.client else None
                lessons.setdefault((b.start, b.service), []).append(client.name if client else "?")
        return lessons

    def teacher_week(self, user: dict, rid: str) -> None:
        lessons = self.lessons(rid, self.now(), self.now() + timedelta(days=7))
        if not lessons:
            self.say(user, "teacher_week_free")
            return
        lines = [self.t(user, "teacher_lesson", when=self.when(user, start), subject=self.subject_name(sid),
                        clients=", ".join(sorted(names))) for (start, sid), names in sorted(lessons.items())]
        self.say(user, "teacher_week", count=len(lines), lines="\n".join(lines))

    @router.button("my", roles=(CLIENT,))
    def cb_my(self, user: dict, rest: str, message_id: int | None) -> None:
        cid = self.client_id(user)
        if rest == "list":
            mine = [b for b in self.s.client_bookings(cid, now=self.now()) if b.status == sc.BookingStatus.confirmed]
            waiting = [e for e in self.s.client_waitlist(cid)
                       if e.status in (sc.WaitlistStatus.waiting, sc.WaitlistStatus.offered)]
            if not mine and not waiting:
                self.say(user, "no_bookings")
            for b in mine:
                if self.cancellable(b):
                    self.say(user, "my_booking", [[btn("btn_cancel_booking", f"my:c:{b.id}")]],
                             subject=self.subject_name(b.service), teacher=self.teacher_name(b.resource),
                             when=self.when(user, b.start))
                else:
                    self.say(user, "my_booking_fixed", subject=self.subject_name(b.service),
                             teacher=self.teacher_name(b.resource), when=self.when(user, b.start))
            for e in waiting:  # and the places waited for, each with its way off the list
                self.say(user, "my_waiting", [[btn("btn_leave_waitlist", f"wl:l:{e.id}")]], **self.waited_for(user, e))
            return
        if rest == "n":
            self.say(user, "kept_booking")
            return
        if rest.startswith(("c:", "y:")):  # Cancel asks "are you sure?"; y: is its Yes
            b = self.s.booking(rest[2:])
            if b is None or b.client != cid:  # never another client's booking, whatever the button says
                log.warning("refused booking %s to user=%s: not theirs", rest[2:], user["user_id"])
                self.say(user, "not_yours")
                return
            if b.status == sc.BookingStatus.confirmed and not self.cancellable(b):
                self.say(user, "too_late_to_cancel", when=self.when(user, b.start),
                         minutes=self.cancel_cutoff() // timedelta(minutes=1))
                return
            if b.status == sc.BookingStatus.confirmed and rest.startswith("c:"):
                self.say(user, "sure_cancel", [[btn("btn_yes_cancel", f"my:y:{b.id}"), btn("btn_keep_booking", "my:n")]],
                         subject=self.subject_name(b.service), when=self.when(user, b.start))
                return
            if b.status == sc.BookingStatus.confirmed:
                self.s.cancel(b.id, "cancelled by the client", now=self.now(), actor=self.actor(user))
                self.tell_teacher(b, "teacher_cancelled", user["name"])
            self.say(user, "booking_cancelled", when=self.when(user, b.start))
            return
        self.say(user, "stale_button")

    def tell_teacher(self, b: sc.BookingRecord, key: str, client: str) -> None:
        teacher = self.store.user(self.store.teacher_user(b.resource))
        if teacher is not None:
            self.say(teacher, key, client=client, subject=self.subject_name(b.service), when=self.when(teacher, b.start))

    def remind(self, b: sc.BookingRecord, offset: timedelta) -> bool:
        user = self.user_of_client(b.client)
        if user is None:
            return False
        row = [btn("btn_coming", f"rc:{b.id}")] + ([btn("btn_cancel_booking", f"my:c:{b.id}")] if self.cancellable(b) else [])
        self.say(user, "reminder", [row], subject=self.subject_name(b.service), teacher=self.teacher_name(b.resource),
                 when=self.when(user, b.start))
        return True

    @router.button("rc", roles=(CLIENT,))
    def cb_rc(self, user: dict, booking_id: str, message_id: int | None) -> None:
        """"I'm coming" under a reminder: the teacher hears it once."""
        b = self.s.booking(booking_id)
        if b is None or b.client != self.client_id(user) or b.status != sc.BookingStatus.confirmed or b.end <= self.now():
            self.say(user, "stale_button")
            return
        self.say(user, "coming_noted", when=self.when(user, b.start))
        if self.store.mark_coming(b.id, self.now().isoformat()):
            self.tell_teacher(b, "teacher_client_coming", user["name"])
