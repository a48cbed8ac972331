"""Planning the next days (/plan): answers or usual hours become the dates'
hours, and the weekly timetable's sessions become planned sessions.

A planned session is a slotcraft hold of its teacher for the subject, made by
the club's own timetable client and kept until the session ends. slotcraft
then refuses any other subject with that teacher over it (here, in the HTTP
API and on the booking page alike), while the subject's clients share the
session's seats with it. The hold takes one seat, so a timetabled subject's
capacity in slotcraft is its seats plus one; the club's setting
`reserve_seat:<id>` says whether it is."""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, timedelta

import slotcraft as sc

from botkit.core import InputError
from botkit.handlers import Router
from botkit.parsers import ORDER

from ..club import LOCATION, TIMETABLE
from ..roles import ADMIN

log = logging.getLogger("club_bot")

router = Router("timetable")


class Timetable:
    """The timetable handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    def timetable_client(self) -> str:
        if not self._timetable:
            self._timetable = self.s.client_for(sc.Identity(*TIMETABLE), "Timetable", actor="club_bot").id
        return self._timetable

    def seats(self, sid: str) -> int:
        """The seats the subject sells to clients."""
        rec = self.s.service(sid)
        return (rec.rules.capacity if rec else 1) - int(self.store.setting(f"reserve_seat:{sid}", "0"))

    def put_seats(self, sid: str, seats: int, actor: str) -> None:
        """Sets the subject's capacity in slotcraft: its seats, plus the timetable's while it is timetabled. One no
        longer timetabled first gives its sessions' holds back."""
        reserve = int(self.store.timetabled(sid))
        reserved = int(self.store.setting(f"reserve_seat:{sid}", "0"))
        if reserved and not reserve:  # holds exist only while the subject is timetabled
            self.release_sessions(actor, services=[sid])
        rec = self.s.service(sid)
        assert rec is not None
        rules = rec.rules
        if rules.capacity != seats + reserve:
            rules.capacity = seats + reserve
            self.s.put_service(sc.ServiceRecord(rules, name=rec.name, locations=rec.locations), actor=actor)
        if reserve != reserved:
            self.store.set_setting(f"reserve_seat:{sid}", str(reserve))

    def timetable_changed(self, actor: str, resource: str = "", services: list[str] | None = None) -> None:
        """After templates went: the teacher's (`resource`) sessions of `services` (all, if None) let go, and each
        subject's capacity brought in line."""
        if resource:
            self.release_sessions(actor, resource=resource, services=services)
        for sid in self.store.subjects():
            self.put_seats(sid, self.seats(sid), actor)

    def plan_session(self, rid: str, sid: str, start: datetime, actor: str) -> bool:
        """Plans the session once (across processes) and holds its teacher until it ends. False, and nothing
        planned, when slotcraft refuses the hold (the teacher was booked for something else then)."""
        if not self.store.put_session(rid, sid, start.isoformat()):
            return True
        rec = self.s.service(sid)
        assert rec is not None
        now = self.now()
        until_end = math.ceil((start + rec.rules.duration - now) / timedelta(minutes=1))
        try:
            self.s.hold(rid, sid, start, timedelta(minutes=until_end), location=LOCATION, client=self.timetable_client(),
                        actor=actor, now=now)
        except sc.Error as e:
            log.info("action session refused resource=%s subject=%s start=%s field=%s", rid, sid, start, e.field)
            self.store.remove_session(rid, sid, start.isoformat())
            return False
        return True

    def release_sessions(self, actor: str, resource: str = "", services: list[str] | None = None,
                         starts: set[datetime] | None = None) -> int:
        """Cancels the timetable's holds still to come that match (a teacher's, of some subjects, at some starts)
        and unplans their sessions; how many."""
        released = 0
        for b in self.s.client_bookings(self.timetable_client(), now=self.now()):
            if ((resource and b.resource != resource) or (services is not None and b.service not in services)
                    or (starts is not None and b.start not in starts) or b.status != sc.BookingStatus.held):
                continue
            self.s.cancel(b.id, "the session is no longer planned", now=self.now(), actor=actor)
            self.store.remove_session(b.resource, b.service, b.start.isoformat())
            released += 1
        return released

    @router.command("plan", roles=(ADMIN,))
    def cmd_plan(self, user: dict, arg: str) -> None:
        """`/plan [2|3]`: fixes the next days' hours of every teacher (their answers, or their usual hours
        where they did not answer) and lists the conflicts."""
        n = int(arg) if arg.strip().isdigit() else self.days_ahead
        if not 1 <= n <= 7:
            raise InputError("bad_plan")
        lines, conflicts = [], []
        zone = sc.Zone(self.zone.key)
        for i in range(1, n + 1):
            day = self.today() + timedelta(days=i)
            parts = []
            answers: dict[str, set[datetime]] = {}
            for rid, _, _ in self.store.teachers():
                grid = self.usual_grid(rid, day)
                answer = self.answer_starts(rid, day, grid)
                usual = answer is None or self.store.usual_day(rid, day.isoformat())
                source = "from_template" if usual else "from_answers"
                if usual:  # no answer (or only the usual hours an earlier /plan kept): the usual hours, again
                    answer = grid
                    self.keep_usual_hours(rid, day, self.actor(user))
                    self.store.set_answer(rid, day.isoformat(), [sc.format_instant(t) for t in grid], self.now().isoformat(),
                                          usual=True)
                answers[rid] = set(answer)
                if answer:
                    parts.append(self.t(user, "plan_teacher", teacher=self.teacher_name(rid),
                                        slots=" ".join(self.clock_labels(answer)), source=self.t(user, source)))
                start, _ = self.day_span(day)
                uncovered = {(b.start, b.service) for b in self.s.upcoming(rid, start, 1)
                             if b.status == sc.BookingStatus.confirmed and not self.hours_cover(rid, b)}
                for at, sid in sorted(uncovered):  # a group session once, however many clients it has
                    conflicts.append(self.t(user, "conflict_booking", teacher=self.teacher_name(rid),
                                            when=self.when(user, at), subject=self.subject_name(sid)))
            for _, rid, sid, weekday, at in self.store.templates():
                if weekday != day.weekday():
                    continue
                start = zone.to_utc(day, at)
                if start in answers.get(rid, set()) and self.plan_session(rid, sid, start, self.actor(user)):
                    parts.append(self.t(user, "plan_session", time=at, subject=self.subject_name(sid),
                                        teacher=self.teacher_name(rid)))
                elif start in answers.get(rid, set()):
                    conflicts.append(self.t(user, "conflict_session_booked", teacher=self.teacher_name(rid),
                                            subject=self.subject_name(sid), day=self.day_label(user, day), time=at))
                else:
                    conflicts.append(self.t(user, "conflict_template", teacher=self.teacher_name(rid),
                                            subject=self.subject_name(sid), day=self.day_label(user, day), time=at))
            for sid in self.store.subjects():
                # Only a day some teacher of it usually works: nobody is missing where nobody was expected.
                providers = [r for r in self.s.providers(sid) if r in answers]
                expected = any(self.usual_grid(r, day) for r in providers)
                if expected and not any(answers[r] for r in providers):
                    conflicts.append(self.t(user, "conflict_subject", subject=self.subject_name(sid),
                                            day=self.day_label(user, day)))
            lines.append(self.t(user, "plan_day", day=self.day_label(user, day),
                                teachers="\n".join(parts) or self.t(user, "none")))
        log.info("action plan days=%d conflicts=%d user=%s", n, len(conflicts), user["user_id"])
        self.say(user, "plan", plan="\n".join(lines), conflicts="\n".join(conflicts) or self.t(user, "no_conflicts"))

    def keep_usual_hours(self, rid: str, day: date, actor: str) -> None:
        """No answer for `day`: the teacher's weekly hours of that weekday become the date's override as they are."""
        r = self.s.resource(rid)
        assert r is not None
        self.put_override(r, day, list(r.schedules[0].weekly.get(ORDER[day.weekday()], [])), actor)

    def hours_cover(self, rid: str, b: sc.BookingRecord) -> bool:
        """Whether the teacher's hours cover the booking: slotcraft's open time of the teacher at the club (weekly
        hours, the dates' overrides, their breaks and everyone's, time off)."""
        return self.s.open_time(rid, b.start, b.end, location=LOCATION).open.covers((b.start, b.end))
