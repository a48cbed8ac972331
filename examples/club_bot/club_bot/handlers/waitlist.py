"""The waiting list: a client finds a class full (or, for a subject without a
timetable, no free time at all) and asks for a place; the reminder workers'
passes have slotcraft offer a freed seat as a hold, and the client takes or
declines it from the offer's card (docs/semantics.md, "The waiting list").

Whether a class is full is slotcraft's answer (`check` refuses its start for
want of seats, and for nothing else); which seat is offered to whom, once,
is `process_waitlist`'s."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

import slotcraft as sc

from botkit import waitlist
from botkit.core import Button, btn
from botkit.handlers import Router

from ..club import LOCATION, parse_ymd, ymd
from ..roles import CLIENT

log = logging.getLogger("club_bot")

router = Router("waitlist")

# A place in one class waits for that start alone: the range of starts [start, start + a minute).
ONE_START = timedelta(minutes=1)


class Waitlist:
    """The waiting-list handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    def full_sessions(self, sid: str, who: str, cid: str, day: date | None = None) -> list[tuple[datetime, str]]:
        """(start, teacher) of the subject's planned classes still to come (of teacher `who`, or any: "*"; on
        `day`, or over the days clients book ahead) that slotcraft refuses to client `cid` for want of seats alone,
        and that the client is not in already: the classes they can wait for."""
        if not self.store.timetabled(sid):
            return []
        start, end = self.booking_span(day)
        now = self.now()
        taken = {(b.start, b.resource) for b in self.s.client_bookings(cid, now=now)
                 if b.status != sc.BookingStatus.cancelled}
        full = []
        for rid, at in self.store.sessions(sid):
            begin = datetime.fromisoformat(at)
            if (who != "*" and rid != who) or not start <= begin < end or (begin, rid) in taken:
                continue
            reasons = self.s.check(rid, sid, begin, location=LOCATION, client=cid, now=now)
            if reasons and all(r.code == sc.ReasonCode.no_seats for r in reasons):
                full.append((begin, rid))
        return sorted(full)

    @staticmethod
    def wait_rows(sid: str, who: str, day: date | None, timetabled: bool) -> list[list[Button]] | None:
        """"Tell me when a place frees up" under "no free time" (on `day`, or over the days ahead): for a subject
        without a timetable only, whose any free start will do (a timetabled one waits for a class)."""
        if timetabled:
            return None
        return [[btn("btn_waitlist", f"wl:j:{sid}:{who}:{ymd(day) if day else ''}")]]

    @router.button("wl", roles=(CLIENT,))
    def cb_wl(self, user: dict, rest: str, message_id: int | None) -> None:
        """`s:<subject>:<teacher>:<start>` waits for a full class, `j:<subject>:<teacher or *>:<day or "">` for any
        free time, `l:<entry>` leaves the list, `ok:<entry>` takes an offer and `no:<entry>` declines it."""
        action, _, arg = rest.partition(":")
        try:
            if action == "s" and arg.count(":") == 2:
                sid, rid, epoch = arg.split(":")
                self.wait_for_class(user, sid, rid, datetime.fromtimestamp(int(epoch), timezone.utc))
            elif action == "j" and arg.count(":") == 2:
                sid, who, day = arg.split(":")
                self.wait_for_time(user, sid, who, parse_ymd(day) if day else None)
            elif action == "l" and arg:
                self.leave(user, arg, message_id)
            elif action in ("ok", "no") and arg:
                self.answer_offer(user, arg, action == "ok", message_id)
            else:
                self.say(user, "stale_button")
        except (ValueError, OverflowError, OSError, sc.NotFound, sc.InvalidArgument):  # a forged or outdated button
            log.warning("waitlist button %r refused for user=%s", rest[:64], user["user_id"])
            self.say(user, "stale_button")

    def wait_for_class(self, user: dict, sid: str, rid: str, start: datetime) -> None:
        if sid not in self.store.subjects() or (rid, start.isoformat()) not in self.store.sessions(sid):
            self.say(user, "stale_button")
            return
        cid = self.client_id(user)
        day = start.astimezone(self.zone).date()
        if (start, rid) not in self.full_sessions(sid, rid, cid, day):
            # A seat came free meanwhile: book it as any free time is booked; gone or past: nothing to wait for.
            if any(s.start == start for s in self.free(sid, rid, day)):
                self.take_hold(user, sid, rid, start)
            else:
                self.say(user, "slot_gone")
            return
        self.join(user, sid, rid, start, start + ONE_START)

    def wait_for_time(self, user: dict, sid: str, who: str, day: date | None) -> None:
        if (sid not in self.store.subjects() or self.store.timetabled(sid)
                or (who != "*" and who not in self.s.providers(sid))):
            self.say(user, "stale_button")
            return
        start, end = self.booking_span(day)
        if end <= start:
            self.say(user, "slot_gone")
            return
        self.join(user, sid, "" if who == "*" else who, start, end)

    def waited_for(self, user: dict, entry: sc.WaitlistEntry) -> dict[str, str]:
        """What an entry waits for, as its card on joining and /my say it: the subject, the teacher (or any), and
        a class's start, a day, or the coming days."""
        if entry.end - entry.start <= ONE_START:
            when = self.when(user, entry.start)
        else:
            first = entry.start.astimezone(self.zone).date()
            last = (entry.end - timedelta(seconds=1)).astimezone(self.zone).date()
            when = self.day_label(user, first) if first == last else self.t(user, "waitlist_days_ahead")
        teacher = self.teacher_name(entry.resource) if entry.resource else self.t(user, "waitlist_any_teacher")
        return {"subject": self.subject_name(entry.service), "teacher": teacher, "when": when}

    def join(self, user: dict, sid: str, rid: str, start: datetime, end: datetime) -> None:
        """Puts the client on the list of `sid` (with teacher `rid`; "": any) for a start in [start, end), unless a
        place of theirs covers part of it already."""
        cid = self.client_id(user)
        waiting = [e for e in self.s.client_waitlist(cid)
                   if e.status in (sc.WaitlistStatus.waiting, sc.WaitlistStatus.offered)
                   and e.service == sid and e.resource == rid and e.start < end and start < e.end]
        if waiting:
            self.say(user, "waitlist_already", subject=self.subject_name(sid))
            return
        entry = self.s.join_waitlist(cid, sid, start, end, resource=rid, location=LOCATION, offer_ttl=self.offer_ttl,
                                     now=self.now(), actor=self.actor(user))
        log.info("action waitlist join user=%s entry=%s", user["user_id"], entry.id)
        self.say(user, "waitlist_joined", [[btn("btn_leave_waitlist", f"wl:l:{entry.id}")]],
                 **self.waited_for(user, entry))

    def own_entry(self, user: dict, entry_id: str) -> sc.WaitlistEntry | None:
        entry = self.s.find_waitlist_entry(entry_id)
        return entry if entry is not None and entry.client == self.client_id(user) else None

    def leave(self, user: dict, entry_id: str, message_id: int | None) -> None:
        waitlist.leave(self, user, self.own_entry(user, entry_id), message_id)

    def waitlist_names(self, entry: sc.WaitlistEntry) -> dict[str, str]:
        return {"subject": self.subject_name(entry.service)}

    def offer_waitlist(self) -> int:
        """A pass of slotcraft's waiting list, from the reminder workers: each offer it made goes to its client.
        Passes of several workers make each offer once, to the worker whose pass made it; an offer that reaches
        nobody lapses at the end of its hold and passes on."""
        sent = 0
        for offer in self.s.process_waitlist(now=self.now(), actor="club_bot"):
            entry, hold = offer.entry, offer.hold
            user = self.user_of_client(entry.client)
            if not self.bookable_teachers(hold.service, hold.start, [hold.resource]):
                # Free in slotcraft, but not a class the club holds (the subject got a timetable while the client
                # waited): the place is withdrawn, its hold released, and the client told.
                self.s.leave_waitlist(entry.id, now=self.now(), actor="club_bot")
                log.info("waitlist offer withdrawn entry=%s booking=%s: not a planned class", entry.id, hold.id)
                if user is not None:
                    self.say(user, "waitlist_withdrawn", subject=self.subject_name(hold.service),
                             when=self.when(user, hold.start))
                continue
            if user is None:
                log.warning("waitlist offer entry=%s: the client has no chat", entry.id)
                continue
            self.say(user, "waitlist_offer", [[btn("btn_confirm", f"wl:ok:{entry.id}"),
                                               btn("btn_decline", f"wl:no:{entry.id}")]],
                     subject=self.subject_name(hold.service), teacher=self.teacher_name(hold.resource),
                     when=self.when(user, hold.start), minutes=entry.offer_ttl // timedelta(minutes=1))
            log.info("waitlist offer sent entry=%s booking=%s", entry.id, hold.id)
            sent += 1
        return sent

    def answer_offer(self, user: dict, entry_id: str, take: bool, message_id: int | None) -> None:
        waitlist.answer_offer(self, user, self.own_entry(user, entry_id), take, message_id)

    def close_offer_card(self, user: dict, message_id: int, hold: sc.BookingRecord) -> None:
        self.edit(user, message_id, "waitlist_card_closed", subject=self.subject_name(hold.service))
