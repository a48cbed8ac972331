"""A teacher's tools besides botkit's /marks and /feed (botkit/staff.py, in
the club's table for teachers): the morning agenda, and the hooks botkit's
tools ask of the club."""

from __future__ import annotations

import logging
from datetime import datetime

import slotcraft as sc

from botkit.reminders import AGENDA_LATE

log = logging.getLogger("club_bot")


class TeacherTools:
    """Mixed into the bot (bot.py): `self` is the ClubBot."""

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

    def staff_resource(self, user: dict) -> str:
        """For botkit's staff tools (/marks, /feed): the teacher's resource."""
        return self.store.teacher_of_user(user["user_id"]) or ""

    def attendance_params(self, user: dict, b: sc.BookingRecord) -> dict:
        """For botkit's /marks: what an attendance card names."""
        client = self.s.client(b.client) if b.client else None
        return {"when": self.when(user, b.start), "subject": self.subject_name(b.service),
                "client": client.name if client else "?"}
