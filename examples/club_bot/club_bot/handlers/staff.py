"""A teacher's tools: the morning agenda, attendance marks, the calendar feed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import slotcraft as sc

from botkit.core import btn
from botkit.handlers import Router
from botkit.reminders import AGENDA_LATE

from ..roles import TEACHER

log = logging.getLogger("club_bot")

router = Router("staff")


class Staff:
    """The staff handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    def send_agendas(self) -> int:
        """Each teacher's lessons of the day, once, at `agenda_at` club time (up to AGENDA_LATE after it, when the
        workers were down at that moment; later the day has begun and it is not sent); how many went out."""
        local = self.now().astimezone(self.zone)
        if self.agenda_at is None:
            return 0
        due = datetime.combine(local.date(), self.agenda_at, tzinfo=self.zone)
        if not due <= local < due + AGENDA_LATE:
            return 0
        sent = 0
        for rid, _, uid in self.store.teachers():
            teacher = self.store.user(uid) if uid else None
            if teacher is None or not self.store.mark_agenda(rid, local.date().isoformat()):
                continue
            lessons = self.lessons(rid, *self.day_span(local.date()))
            lines = [self.t(teacher, "agenda_line", time=start.astimezone(self.zone).strftime("%H:%M"),
                            subject=self.subject_name(sid), clients=", ".join(sorted(names)))
                     for (start, sid), names in sorted(lessons.items())]
            if lines:
                self.say(teacher, "agenda", day=self.day_label(teacher, local.date()), count=len(lines),
                         lines="\n".join(lines))
            else:
                self.say(teacher, "agenda_free", day=self.day_label(teacher, local.date()))
            log.info("agenda sent resource=%s day=%s lessons=%d", rid, local.date(), len(lines))
            sent += 1
        return sent

    MARK = {"a": sc.Attendance.attended, "n": sc.Attendance.no_show}

    @router.command("marks", roles=(TEACHER,))
    def cmd_marks(self, user: dict, arg: str) -> None:
        """The teacher's lessons of the last 7 days that began, a card per client with Came / Did not come
        (slotcraft's attendance, which the reports count); marked ones say their mark and may be changed."""
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        now = self.now()
        begun = [b for b in self.s.upcoming(rid, now - timedelta(days=7), 8)
                 if b.status == sc.BookingStatus.confirmed and b.start <= now]
        if not begun:
            self.say(user, "marks_none")
        for b in begun:
            self.attendance_card(user, b, None)

    def attendance_card(self, user: dict, b: sc.BookingRecord, message_id: int | None) -> None:
        client = self.s.client(b.client) if b.client else None
        params = {"when": self.when(user, b.start), "subject": self.subject_name(b.service),
                  "client": client.name if client else "?",
                  "mark": self.t(user, f"mark_{b.attendance.name}")}
        keys = [[btn("btn_came", f"at:a:{b.id}"), btn("btn_no_show", f"at:n:{b.id}")]]
        if message_id is None:
            self.say(user, "attendance_card", keys, **params)
        else:
            self.edit(user, message_id, "attendance_card", keys, **params)

    @router.button("at", roles=(TEACHER,))
    def cb_at(self, user: dict, rest: str, message_id: int | None) -> None:
        """`at:a:<booking>` came, `at:n:<booking>` did not come: only the lesson's own teacher, once it began."""
        mark, _, booking_id = rest.partition(":")
        b = self.s.booking(booking_id)
        if (mark not in self.MARK or b is None or b.resource != self.store.teacher_of_user(user["user_id"])
                or b.status != sc.BookingStatus.confirmed or b.start > self.now()):
            self.say(user, "stale_button")
            return
        b = self.s.mark_attendance(b.id, self.MARK[mark], now=self.now(), actor=self.actor(user))
        log.info("action attendance booking=%s mark=%s user=%s", b.id, b.attendance.name, user["user_id"])
        self.attendance_card(user, b, message_id)

    @router.command("feed", roles=(TEACHER,))
    def cmd_feed(self, user: dict, arg: str) -> None:
        """`/feed [off]`: the teacher's calendar feed (BotCore.feed_command)."""
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        self.feed_command(user, rid, arg.strip())
