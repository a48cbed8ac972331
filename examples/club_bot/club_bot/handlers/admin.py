"""The admin's catalog: settings, subjects and their seats, teachers
(invitations, hours), who teaches what, removing ("are you sure?" first),
the weekly timetable, and the reports (/day, /csv, /ics)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import slotcraft as sc

from botkit.core import InputError, btn
from botkit.handlers import Router
from botkit.parsers import DAYS, ORDER, parse_breaks, parse_date, parse_hours, parse_ranges, parse_time

from ..club import LOCATION
from ..roles import ADMIN

log = logging.getLogger("club_bot")

router = Router("admin")


class Admin:
    """The admin handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    @router.command("settings", roles=(ADMIN,))
    def cmd_settings(self, user: dict, arg: str) -> None:
        st = self.s.settings()
        what, _, value = arg.partition(" ")
        value = value.strip()
        if what == "slot":
            if not value.isdigit() or not 10 <= int(value) <= 240:
                raise InputError("bad_slot")
            length = timedelta(minutes=int(value))
            ticked = self.answered_time()
            st.default_step = length
            for sid in self.store.subjects():
                rec = self.s.service(sid)
                if rec is not None:
                    rules = rec.rules
                    rules.duration = length
                    self.s.put_service(sc.ServiceRecord(rules, name=rec.name, locations=rec.locations), actor=self.actor(user))
        elif what == "reminders":
            parts = [p.strip() for p in value.split(",")]
            if not all(p.isdigit() and 0 < int(p) <= 10080 for p in parts):
                raise InputError("bad_offsets")
            st.reminder_offsets = [timedelta(minutes=int(p)) for p in parts]
        elif what == "breaks":
            st.global_breaks = parse_breaks(value)
        elif what == "cancel":
            if not value.isdigit() or int(value) > 10080:
                raise InputError("bad_cancel_cutoff")
            self.store.set_setting("cancel_cutoff_minutes", str(int(value)))
        elif what == "escalate":
            if not value.isdigit() or not 1 <= int(value) <= 10080:
                raise InputError("bad_escalate")
            self.store.set_setting("escalate_minutes", str(int(value)))
        elif what:
            raise InputError("bad_settings")
        if what:
            self.s.save_settings(st, actor=self.actor(user))
            if what == "slot":
                self.retick(ticked)
            log.info("action settings %s=%s user=%s", what, value, user["user_id"])
            st = self.s.settings()
        self.say(user, "settings", slot=self.slot_length() // timedelta(minutes=1),
                 reminders=", ".join(str(o // timedelta(minutes=1)) for o in st.reminder_offsets) or "-",
                 breaks=", ".join("-".join(r.to_strings()) for r in st.global_breaks) or "-",
                 cancel=self.cancel_cutoff() // timedelta(minutes=1),
                 escalate=self.escalation_wait() // timedelta(minutes=1))

    def cancel_cutoff(self) -> timedelta:
        """How long before a lesson's start a client may still cancel it (`/settings cancel MIN`; 0: until it starts)."""
        return timedelta(minutes=int(self.store.setting("cancel_cutoff_minutes", "0")))

    def cancellable(self, b: sc.BookingRecord) -> bool:
        return b.start - self.now() > self.cancel_cutoff()

    @router.command("subject", roles=(ADMIN,))
    def cmd_subject(self, user: dict, arg: str) -> None:
        """`/subject Name; seats N`"""
        parts = [p.strip() for p in arg.split(";")]
        if not parts[0]:
            raise InputError("bad_subject")
        seats = 1
        for part in parts[1:]:
            words = part.lower().split()
            if len(words) == 2 and words[0] in ("seats", "мест") and words[1].isdigit() and 1 <= int(words[1]) <= 100:
                seats = int(words[1])
            else:
                raise InputError("bad_subject")
        name = parts[0][:64]
        if any(self.subject_name(other).casefold() == name.casefold() for other in self.store.subjects()):
            raise InputError("subject_exists", name=name)
        sid = f"s{self.store.subject_count() + 1}"
        rules = sc.Service(sid, self.slot_length(), capacity=seats)
        self.s.put_service(sc.ServiceRecord(rules, name=parts[0][:64], locations=[LOCATION]), actor=self.actor(user))
        self.store.add_subject(sid)
        self.say(user, "subject_added", id=sid, name=parts[0][:64], seats=seats)

    @router.command("subjects", roles=(ADMIN,))
    def cmd_subjects(self, user: dict, arg: str) -> None:
        lines = []
        for sid in self.store.subjects():
            teachers = ", ".join(self.teacher_name(r) for r in self.s.providers(sid)) or "-"
            lines.append(self.t(user, "subject_line", id=sid, name=self.subject_name(sid), seats=self.seats(sid),
                                teachers=teachers))
        self.say(user, "subjects", list="\n".join(lines) or self.t(user, "none"))

    @router.command("teacher", roles=(ADMIN,))
    def cmd_teacher(self, user: dict, arg: str) -> None:
        """`/teacher Name; mon-fri 10:00-14:00[, ...][; breaks 12:00-12:30]`"""
        parts = [p.strip() for p in arg.split(";")]
        if not 2 <= len(parts) <= 3 or not parts[0]:
            raise InputError("bad_teacher")
        weekly = parse_hours(parts[1].replace("|", "\n"), overnight=True)
        breaks = []
        if len(parts) == 3:
            word, _, ranges = parts[2].partition(" ")
            if word.lower() not in ("breaks", "перерывы") or not ranges.strip():
                raise InputError("bad_teacher")
            breaks = parse_ranges(ranges)
        rid = f"t{self.store.teacher_count() + 1}"
        self.s.put_resource(sc.ResourceRecord(rid, self.zone.key, name=parts[0][:64], schedules=[
            sc.LocationSchedule(LOCATION, weekly=weekly, breaks=breaks)]), actor=self.actor(user))
        code = secrets.token_urlsafe(9)
        self.store.add_teacher(rid, code)
        self.say(user, "teacher_added", id=rid, name=parts[0][:64], link=self.invite_link(code))

    def invite_link(self, code: str) -> str:
        return self.transport.deep_link(f"t-{code}")

    @router.command("invite", roles=(ADMIN,))
    def cmd_invite(self, user: dict, arg: str) -> None:
        """`/invite t1`: the invitation link of a teacher who has not joined yet, again (a lost one)."""
        found = {rid: (code, uid) for rid, code, uid in self.store.teachers()}
        if arg.strip() not in found:
            raise InputError("bad_invite_teacher")
        rid = arg.strip()
        code, uid = found[rid]
        if uid:
            self.say(user, "teacher_joined_already", id=rid, name=self.teacher_name(rid))
            return
        self.say(user, "teacher_invite", id=rid, name=self.teacher_name(rid), link=self.invite_link(code))

    @router.command("teachers", roles=(ADMIN,))
    def cmd_teachers(self, user: dict, arg: str) -> None:
        lines = []
        for rid, code, uid in self.store.teachers():
            r = self.s.resource(rid)
            hours = "; ".join(f"{d} " + ", ".join("-".join(x.to_strings()) for x in rs)
                              for d, rs in (r.schedules[0].weekly.items() if r else []))
            subjects = ", ".join(self.subject_name(s) for s in self.s.services_of(rid)) or "-"
            lines.append(self.t(user, "teacher_line", id=rid, name=self.teacher_name(rid), hours=hours,
                                subjects=subjects, joined=self.t(user, "yes" if uid else "no")))
        self.say(user, "teachers", list="\n".join(lines) or self.t(user, "none"))

    @router.command("teach", roles=(ADMIN,))
    def cmd_teach(self, user: dict, arg: str) -> None:
        """`/teach t1 s1 s2`: the teacher teaches these subjects."""
        words = arg.split()
        teachers = [t[0] for t in self.store.teachers()]
        subjects = self.store.subjects()
        if len(words) < 2 or words[0] not in teachers or any(w not in subjects for w in words[1:]):
            raise InputError("bad_teach")
        for sid in words[1:]:
            self.s.link(words[0], sid, actor=self.actor(user))
        self.say(user, "linked", teacher=self.teacher_name(words[0]),
                 subjects=", ".join(self.subject_name(s) for s in words[1:]))

    @router.command("unteach", roles=(ADMIN,))
    def cmd_unteach(self, user: dict, arg: str) -> None:
        """`/unteach t1 s1 [s2 ...]`: the teacher no longer teaches these subjects (`Scheduler.unlink`: slotcraft stops
        offering them with this teacher; their bookings stay). Their weekly sessions of those subjects go too."""
        words = arg.split()
        teachers = [t[0] for t in self.store.teachers()]
        subjects = self.store.subjects()
        if len(words) < 2 or words[0] not in teachers or any(w not in subjects for w in words[1:]):
            raise InputError("bad_unteach")
        rid, sids = words[0], list(dict.fromkeys(words[1:]))
        taught = self.s.services_of(rid)
        strangers = [sid for sid in sids if sid not in taught]
        if strangers:
            raise InputError("not_taught", teacher=self.teacher_name(rid),
                             subjects=", ".join(self.subject_name(s) for s in strangers))
        for sid in sids:
            self.s.unlink(rid, sid, actor=self.actor(user))
            self.store.remove_templates(resource_id=rid, service_id=sid)
        self.timetable_changed(self.actor(user), resource=rid, services=sids)
        log.info("action unlinked teacher=%s subjects=%s user=%s", rid, ",".join(sids), user["user_id"])
        self.say(user, "unlinked", teacher=self.teacher_name(rid), subjects=", ".join(self.subject_name(s) for s in sids),
                 future=self.future_count(rid, sids))

    @router.command("seats", roles=(ADMIN,))
    def cmd_seats(self, user: dict, arg: str) -> None:
        """`/seats s1 N`: a subject's seats (the service's capacity). Bookings already made keep their seats."""
        words = arg.split()
        if (len(words) != 2 or words[0] not in self.store.subjects() or not words[1].isdigit()
                or not 1 <= int(words[1]) <= 100):
            raise InputError("bad_seats")
        sid, seats = words[0], int(words[1])
        self.put_seats(sid, seats, self.actor(user))
        log.info("action seats subject=%s seats=%d user=%s", sid, seats, user["user_id"])
        self.say(user, "seats_set", subject=self.subject_name(sid), seats=seats)

    @router.command("rmsubject", roles=(ADMIN,))
    def cmd_rmsubject(self, user: dict, arg: str) -> None:
        """`/rmsubject s1`: asks "are you sure?", saying how many bookings are still to come."""
        sid = arg.strip()
        if sid not in self.store.subjects():
            raise InputError("bad_rmsubject")
        coming = self.future_bookings([t[0] for t in self.store.teachers(removed=True)], [sid])
        self.say(user, "sure_rmsubject", [[btn("btn_yes_remove", f"rm:s:{sid}"), btn("btn_keep_it", "rm:n")]],
                 subject=self.subject_name(sid), future=len(coming))

    @router.command("rmteacher", roles=(ADMIN,))
    def cmd_rmteacher(self, user: dict, arg: str) -> None:
        """`/rmteacher t1`: asks "are you sure?", saying how many bookings are still to come."""
        rid = arg.strip()
        if rid not in [t[0] for t in self.store.teachers()]:
            raise InputError("bad_rmteacher")
        self.say(user, "sure_rmteacher", [[btn("btn_yes_remove", f"rm:t:{rid}"), btn("btn_keep_it", "rm:n")]],
                 teacher=self.teacher_name(rid), future=len(self.future_bookings([rid])))

    @router.button("rm", roles=(ADMIN,))
    def cb_rm(self, user: dict, rest: str, message_id: int | None) -> None:
        """The answer to "are you sure?": `s:<id>` removes the subject, `t:<id>` the teacher, `n` nothing."""
        kind, _, what = rest.partition(":")
        if kind == "s" and what in self.store.subjects():
            self.remove_subject(user, what)
        elif kind == "t" and what in [t[0] for t in self.store.teachers()]:
            self.remove_teacher(user, what)
        elif kind == "n":
            self.say(user, "kept_as_is")
        else:
            self.say(user, "stale_button")  # removed already, e.g. a second tap

    def remove_subject(self, user: dict, sid: str) -> None:
        """Unlinked from every teacher (slotcraft offers it no more), gone from the lists and the timetable.
        Its bookings stay: the coming ones are listed for the admin to keep or cancel."""
        for rid in self.s.providers(sid):
            self.s.unlink(rid, sid, actor=self.actor(user))
        self.store.remove_templates(service_id=sid)
        self.timetable_changed(self.actor(user))
        self.store.remove("subject", sid, self.now().isoformat())
        coming = self.future_bookings([t[0] for t in self.store.teachers(removed=True)], [sid])
        log.info("action removed subject=%s coming=%d user=%s", sid, len(coming), user["user_id"])
        self.say(user, "subject_removed", subject=self.subject_name(sid), future=len(coming),
                 list=self.booking_lines(user, coming))

    def remove_teacher(self, user: dict, rid: str) -> None:
        """Unlinked from all subjects (slotcraft offers them no more), no longer a teacher on the bot (the role,
        the poll, the invite and their clients' questions go), gone from the timetable. Their bookings stay: the
        reply says how many are still to come and lists them."""
        uid = self.store.teacher_user(rid)
        for sid in self.s.services_of(rid):
            self.s.unlink(rid, sid, actor=self.actor(user))
        self.store.remove_templates(resource_id=rid)
        self.timetable_changed(self.actor(user), resource=rid)
        self.store.remove("teacher", rid, self.now().isoformat())
        requeued = 0
        if uid:
            requeued = self.store.requeue(uid)
            former = self.store.user(uid)
            if former is not None and former["state"]:
                self.set_state(former, "")
        coming = self.future_bookings([rid])
        log.info("action removed teacher=%s coming=%d requeued=%d user=%s", rid, len(coming), requeued, user["user_id"])
        self.say(user, "teacher_removed", teacher=self.teacher_name(rid), future=len(coming), convs=requeued,
                 list=self.booking_lines(user, coming))

    def future_bookings(self, rids: list[str], sids: list[str] | None = None) -> list[sc.BookingRecord]:
        """Confirmed bookings still to come of these teachers (of these subjects, if given), by start."""
        out = [b for rid in rids for b in self.s.upcoming(rid, self.now(), 3660)
               if b.status == sc.BookingStatus.confirmed and (sids is None or b.service in sids)]
        return sorted(out, key=lambda b: (b.start, b.resource))

    def future_count(self, rid: str, sids: list[str]) -> int:
        return len(self.future_bookings([rid], sids))

    def booking_lines(self, user: dict, bookings: list[sc.BookingRecord], limit: int = 20) -> str:
        lines = []
        for b in bookings[:limit]:
            client = self.s.client(b.client) if b.client else None
            lines.append(self.t(user, "booking_line", when=self.when(user, b.start), teacher=self.teacher_name(b.resource),
                                subject=self.subject_name(b.service), client=client.name if client else "?"))
        if len(bookings) > limit:
            lines.append(self.t(user, "and_more", n=len(bookings) - limit))
        return "\n".join(lines) or self.t(user, "none")

    @router.command("hours", roles=(ADMIN,))
    def cmd_hours(self, user: dict, arg: str) -> None:
        """`/hours t1 mon-fri 10:00-14:00 [| sat 10:00-12:00]`: a teacher's usual hours (what the poll offers)."""
        rid, _, hours = arg.strip().partition(" ")
        r = self.s.resource(rid) if rid in [t[0] for t in self.store.teachers()] else None
        if r is None or not hours.strip():
            raise InputError("bad_hours_cmd")
        weekly = parse_hours(hours.replace("|", "\n"), overnight=True)
        schedules = r.schedules
        schedules[0].weekly = weekly
        r.schedules = schedules
        self.s.put_resource(r, actor=self.actor(user))
        self.say(user, "hours_set", teacher=self.teacher_name(rid))

    @router.command("session", roles=(ADMIN,))
    def cmd_session(self, user: dict, arg: str) -> None:
        """`/session t1 s1 mon 10:00`: a weekly session in the timetable. A subject with sessions is offered
        to clients only at the sessions /plan created; one without is offered whenever its teachers are free."""
        words = arg.lower().split()
        at = parse_time(words[3]) if len(words) == 4 else None  # "10:00", also "10", "10.00", "10h"
        if (at is None or words[2] not in DAYS or words[1] not in self.store.subjects()
                or words[0] not in self.s.providers(words[1])):
            raise InputError("bad_session")
        weekday = ORDER.index(DAYS[words[2]])
        # On the teacher's usual grid of that weekday (the next one), as slotcraft lays it: else it could never be planned.
        day = self.today() + timedelta(days=(weekday - self.today().weekday()) % 7 or 7)
        if sc.Zone(self.zone.key).to_utc(day, at) not in self.usual_grid(words[0], day):
            raise InputError("session_outside_hours", teacher=self.teacher_name(words[0]), wd=self.t(user, f"wd_{weekday}"),
                             time=at)
        seats = self.seats(words[1])
        self.store.add_template(words[0], words[1], weekday, at)
        self.put_seats(words[1], seats, self.actor(user))
        self.say(user, "session_added", teacher=self.teacher_name(words[0]), subject=self.subject_name(words[1]),
                 wd=self.t(user, f"wd_{weekday}"), time=at)

    @router.command("sessions", roles=(ADMIN,))
    def cmd_sessions(self, user: dict, arg: str) -> None:
        items = self.store.templates()
        if not items:
            self.say(user, "sessions_empty")
        for template_id, rid, sid, weekday, at in items:
            self.say(user, "session_item", [[btn("btn_remove", f"ss:rm:{template_id}")]], teacher=self.teacher_name(rid),
                     subject=self.subject_name(sid), wd=self.t(user, f"wd_{weekday}"), time=at)

    @router.button("ss", roles=(ADMIN,))
    def cb_ss(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, template_id = rest.partition(":")
        if what == "rm" and template_id.isdigit() and self.store.remove_template(int(template_id)):
            self.timetable_changed(self.actor(user))
            self.say(user, "session_removed")
        else:
            self.say(user, "stale_button")

    @router.command("day", roles=(ADMIN,))
    def cmd_day(self, user: dict, arg: str) -> None:
        day = parse_date(arg, self.today()) if arg else self.today()  # 31.03 as every screen writes it, or 2027-03-31
        rows: dict[tuple, list[str]] = {}
        start, _ = self.day_span(day)
        for rid, _, _ in self.store.teachers(removed=True):  # a removed teacher's bookings stay, so are listed
            for b in self.s.upcoming(rid, start, 1):
                if b.status != sc.BookingStatus.confirmed:
                    continue
                client = self.s.client(b.client) if b.client else None
                rows.setdefault((b.start, rid, b.service), []).append((client.name if client else "?") +
                                                                      (f" x{b.seats}" if b.seats > 1 else ""))
        lines = []
        for (at, rid, sid), names in sorted(rows.items()):
            local = at.astimezone(self.zone)
            lines.append(self.t(user, "table_line", time=local.strftime("%H:%M"), teacher=self.teacher_name(rid),
                                subject=self.subject_name(sid), taken=len(names), seats=self.seats(sid),
                                clients=", ".join(names)))
        self.say(user, "day_table", day=self.day_label(user, day), table="\n".join(lines) or self.t(user, "none"))

    @router.command("csv", roles=(ADMIN,))
    def cmd_csv(self, user: dict, arg: str) -> None:
        """`/csv 2027-03-29 [2027-04-04]`: bookings of those local days, as slotcraft's CSV report."""
        words = arg.split()
        if not 1 <= len(words) <= 2:
            raise InputError("bad_csv")
        first = parse_date(words[0], self.today())
        last = parse_date(words[1], self.today()) if len(words) == 2 else first
        if last < first or (last - first).days > 366:
            raise InputError("bad_csv")
        start, _ = self.day_span(first)
        _, end = self.day_span(last)
        data = self.s.bookings_csv(start, end).encode("utf-8")
        self.transport.send_document(user["chat_id"], f"bookings-{first}-{last}.csv", data,
                                     self.t(user, "csv_caption", first=first.isoformat(), last=last.isoformat()))
        log.info("action csv user=%s bytes=%d", user["user_id"], len(data))

    @router.command("ics", roles=(ADMIN,))
    def cmd_ics(self, user: dict, arg: str) -> None:
        rid = arg.strip()
        if rid not in [t[0] for t in self.store.teachers(removed=True)]:
            raise InputError("bad_ics")
        data = self.s.export_ics(resource=rid, now=self.now()).encode("utf-8")
        self.transport.send_document(user["chat_id"], f"{rid}.ics", data,
                                     self.t(user, "ics_caption", teacher=self.teacher_name(rid)))
