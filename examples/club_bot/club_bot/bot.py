"""The club's dialogs: admin commands, the teachers' daily poll, clients
booking subjects (group sessions with seats), and support hand-off.

Roles: admins are named on the command line (`--admins`), teachers join by
the invite link an admin gets with `/teacher`, everyone else is a client.
`ROLES` says who may use each command and each button prefix; `on_text` and
`on_button` check it before any handler runs. Every text is a catalog key
(`i18n/*.json`). Scheduling is slotcraft's public API only: teachers are
resources at one location, subjects are services (duration = the slot
length, capacity = seats), links are `Scheduler.link`, poll answers are the
teacher's overrides for those dates."""

from __future__ import annotations

import logging
import math
import re
import secrets
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import slotcraft as sc
from botkit.clock import Clock
from botkit.core import BotCore, Button, InputError, btn
from botkit.parsers import DAYS, ORDER, parse_breaks, parse_hours, parse_ranges
from botkit.reminders import AGENDA_LATE
from botkit.throttle import Throttle
from botkit.transport import Transport

from . import faq
from .i18n import CLUB, LANGS
from .storage import ClubStore

log = logging.getLogger("club_bot")

LOCATION = "club"
ADMIN, TEACHER, CLIENT = "admin", "teacher", "client"
ALL = (ADMIN, TEACHER, CLIENT)
STAFF = (ADMIN, TEACHER)

# Who holds the teacher for a planned session: the club's own client, known to slotcraft by this identity.
TIMETABLE = ("other", "club:timetable")

# A client's text this soon after their conversation was closed is not taken as a new question.
AFTER_CLOSE = timedelta(minutes=15)

# Who may use each command and each button (by the prefix of its data).
ROLES: dict[str, tuple[str, ...]] = {
    "start": ALL, "help": ALL, "lang": ALL, "cancel": ALL,
    "settings": (ADMIN,), "subject": (ADMIN,), "subjects": (ADMIN,), "teacher": (ADMIN,), "teachers": (ADMIN,),
    "teach": (ADMIN,), "unteach": (ADMIN,), "seats": (ADMIN,), "rmsubject": (ADMIN,), "rmteacher": (ADMIN,),
    "hours": (ADMIN,), "session": (ADMIN,), "sessions": (ADMIN,), "day": (ADMIN,), "csv": (ADMIN,), "ics": (ADMIN,), "plan": (ADMIN,), "faq": (ADMIN,),
    "faqs": (ADMIN,), "stats": (ADMIN,), "invite": (ADMIN,),
    "poll": (TEACHER,), "queue": STAFF, "marks": (TEACHER,), "feed": (TEACHER,),
    "book": (CLIENT,), "my": (CLIENT, TEACHER), "person": (CLIENT,),
    # buttons
    "lang:": ALL, "pl:": (TEACHER,), "bk:": (CLIENT,), "my:": (CLIENT,), "rc:": (CLIENT,), "sp:": (CLIENT,), "op:": STAFF,
    "at:": (TEACHER,),
    "fq:": (ADMIN,), "ss:": (ADMIN,), "rm:": (ADMIN,),
}

def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_ymd(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("bad_date", text=text.strip()[:40]) from None


class ClubBot(BotCore):
    catalogs = CLUB

    def __init__(self, scheduler: sc.Scheduler, store: ClubStore, transport: Transport, clock: Clock,
                 throttle: Throttle, *, admins: set[str], zone: str, poll_at: time, days_ahead: int = 3,
                 faq_threshold: float = 0.5, hold_ttl: timedelta = timedelta(minutes=10),
                 agenda_at: time | None = time(8, 0), calendar_url: str = "") -> None:
        """`agenda_at`: the local time of each teacher's morning agenda (None: none); `calendar_url`: the HTTP API's
        public address, for the calendar feeds teachers subscribe to (empty: no feeds)."""
        super().__init__(store, transport, clock, throttle)
        self.s = scheduler
        self.store: ClubStore = store
        self.admins = admins
        self.zone = ZoneInfo(zone)
        self.poll_at = poll_at
        self.days_ahead = days_ahead
        self.faq_threshold = faq_threshold
        self.hold_ttl = hold_ttl
        self.agenda_at = agenda_at
        self.calendar_url = calendar_url
        self._timetable = ""
        self.commands = {name[4:]: getattr(self, name) for name in dir(self) if name.startswith("cmd_")}

    # ---- roles --------------------------------------------------------------------------------

    def role(self, user: dict) -> str:
        if user["user_id"] in self.admins:
            return ADMIN
        if self.store.teacher_of_user(user["user_id"]):
            return TEACHER
        return CLIENT

    def allowed(self, user: dict, what: str) -> bool:
        role = self.role(user)
        ok = role in ROLES.get(what, ())
        if not ok:
            log.warning("refused %s for user=%s role=%s", what, user["user_id"], role)
            self.say(user, "not_allowed", role=self.t(user, f"role_{role}"))
        return ok

    def on_text(self, user: dict, text: str) -> None:
        if text.startswith("/"):
            command = text.partition(" ")[0][1:].split("@")[0].lower()
            if command in self.commands and not self.allowed(user, command):
                return
        elif not user["state"] and self.role(user) == CLIENT:
            log.info("action support user=%s", user["user_id"])
            self.support_text(user, text[:3800])
            return
        super().on_text(user, text)

    def on_button(self, user: dict, data: str, message_id: int | None) -> None:
        head = data.partition(":")[0]
        if hasattr(self, "cb_" + head) and not self.allowed(user, head + ":"):  # a handler not in ROLES: nobody
            return
        super().on_button(user, data, message_id)

    # ---- helpers --------------------------------------------------------------------------------

    def teacher_name(self, rid: str) -> str:
        r = self.s.resource(rid)
        return (r.name or rid) if r else rid

    def subject_name(self, sid: str) -> str:
        r = self.s.service(sid)
        return (r.name or sid) if r else sid

    def day_label(self, user: dict, day: date) -> str:
        return self.t(user, "day", wd=self.t(user, f"wd_{day.weekday()}"), date=day.strftime("%d.%m"))

    def when(self, user: dict, instant: datetime) -> str:
        local = instant.astimezone(self.zone)
        return self.t(user, "when", day=self.day_label(user, local.date()), time=local.strftime("%H:%M"))

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()

    def slot_length(self) -> timedelta:
        return self.s.settings().default_step or timedelta(minutes=60)

    def client_id(self, user: dict) -> str:
        if not user.get("client_id"):
            client = self.s.client_for(sc.Identity(*self.identity(user)), user["name"], actor=self.actor(user))
            self.store.set_field(user["user_id"], "client_id", client.id)
            user["client_id"] = client.id
        return user["client_id"]

    def user_of_client(self, client_id: str) -> dict | None:
        return self.store.user_by_client(client_id) if client_id else None

    def prompt(self, user: dict) -> None:
        state = user["state"]
        if state == "confirm":
            self.say(user, "ask_confirm", [[btn("btn_confirm", "bk:ok"), btn("btn_abort", "bk:no")]])
        elif state == "person":
            self.say(user, "ask_person")
        elif state == "op_reply":
            self.say(user, "ask_op_reply", [[btn("btn_close", f"op:close:{user['data']['conv']}")]])
        elif self.role(user) == CLIENT:
            self.cmd_help(user, "")
        else:  # a usage error says the usage; staff's whole menu is one /help away, not repeated each time
            self.say(user, "see_help")

    # ---- common commands -------------------------------------------------------------------------

    def cmd_start(self, user: dict, arg: str) -> None:
        if arg.startswith("t-"):
            rid = self.store.teacher_by_code(arg[2:])
            # One Telegram user is one teacher, and an admin stays an admin.
            if rid is None or self.role(user) != CLIENT or not self.store.claim_teacher(rid, user["user_id"]):
                self.say(user, "bad_invite")
                return
            log.info("action teacher joined user=%s resource=%s", user["user_id"], rid)
            self.say(user, "welcome_teacher", name=self.teacher_name(rid))
            return
        self.release_hold(user)
        self.set_state(user, "")
        self.cmd_help(user, "")

    def cmd_help(self, user: dict, arg: str) -> None:
        role = self.role(user)
        if role == CLIENT:
            self.say(user, "menu_client", [[btn("btn_book", "bk:start"), btn("btn_my", "my:list")]])
        else:
            self.say(user, f"menu_{role}")

    def cmd_lang(self, user: dict, arg: str) -> None:
        if arg in LANGS:
            self.cb_lang(user, arg, None)
            return
        self.say(user, "ask_lang", [[btn("lang_name_en", "lang:en"), btn("lang_name_ru", "lang:ru")]])

    def cb_lang(self, user: dict, lang: str, message_id: int | None) -> None:
        if lang not in LANGS:
            self.say(user, "stale_button")
            return
        self.store.set_field(user["user_id"], "lang", lang)
        user["lang"] = lang
        self.say(user, "lang_set")

    def cmd_cancel(self, user: dict, arg: str) -> None:
        self.release_hold(user)
        self.set_state(user, "")
        self.say(user, "dialog_cancelled")

    # ---- admin: settings, teachers, subjects ------------------------------------------------

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

    def cmd_subjects(self, user: dict, arg: str) -> None:
        lines = []
        for sid in self.store.subjects():
            teachers = ", ".join(self.teacher_name(r) for r in self.s.providers(sid)) or "-"
            lines.append(self.t(user, "subject_line", id=sid, name=self.subject_name(sid), seats=self.seats(sid),
                                teachers=teachers))
        self.say(user, "subjects", list="\n".join(lines) or self.t(user, "none"))

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

    def cmd_rmsubject(self, user: dict, arg: str) -> None:
        """`/rmsubject s1`: asks "are you sure?", saying how many bookings are still to come."""
        sid = arg.strip()
        if sid not in self.store.subjects():
            raise InputError("bad_rmsubject")
        coming = self.future_bookings([t[0] for t in self.store.teachers(removed=True)], [sid])
        self.say(user, "sure_rmsubject", [[btn("btn_yes_remove", f"rm:s:{sid}"), btn("btn_keep_it", "rm:n")]],
                 subject=self.subject_name(sid), future=len(coming))

    def cmd_rmteacher(self, user: dict, arg: str) -> None:
        """`/rmteacher t1`: asks "are you sure?", saying how many bookings are still to come."""
        rid = arg.strip()
        if rid not in [t[0] for t in self.store.teachers()]:
            raise InputError("bad_rmteacher")
        self.say(user, "sure_rmteacher", [[btn("btn_yes_remove", f"rm:t:{rid}"), btn("btn_keep_it", "rm:n")]],
                 teacher=self.teacher_name(rid), future=len(self.future_bookings([rid])))

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

    def cmd_session(self, user: dict, arg: str) -> None:
        """`/session t1 s1 mon 10:00`: a weekly session in the timetable. A subject with sessions is offered
        to clients only at the sessions /plan created; one without is offered whenever its teachers are free."""
        words = arg.lower().split()
        m = re.fullmatch(r"(\d{1,2}):(\d{2})", words[3]) if len(words) == 4 else None
        if (m is None or words[2] not in DAYS or words[1] not in self.store.subjects()
                or words[0] not in self.s.providers(words[1]) or int(m.group(1)) > 23 or int(m.group(2)) > 59):
            raise InputError("bad_session")
        at = f"{int(m.group(1)):02}:{m.group(2)}"
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

    def cmd_sessions(self, user: dict, arg: str) -> None:
        items = self.store.templates()
        if not items:
            self.say(user, "sessions_empty")
        for template_id, rid, sid, weekday, at in items:
            self.say(user, "session_item", [[btn("btn_remove", f"ss:rm:{template_id}")]], teacher=self.teacher_name(rid),
                     subject=self.subject_name(sid), wd=self.t(user, f"wd_{weekday}"), time=at)

    def cb_ss(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, template_id = rest.partition(":")
        if what == "rm" and template_id.isdigit() and self.store.remove_template(int(template_id)):
            self.timetable_changed(self.actor(user))
            self.say(user, "session_removed")
        else:
            self.say(user, "stale_button")

    # ---- admin: reports -------------------------------------------------------------------------

    def day_span(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time(0), self.zone).astimezone(timezone.utc)
        end = datetime.combine(day + timedelta(days=1), time(0), self.zone).astimezone(timezone.utc)
        return start, end

    def cmd_day(self, user: dict, arg: str) -> None:
        day = parse_date(arg) if arg else self.today()
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

    def cmd_csv(self, user: dict, arg: str) -> None:
        """`/csv 2027-03-29 [2027-04-04]`: bookings of those local days, as slotcraft's CSV report."""
        words = arg.split()
        if not 1 <= len(words) <= 2:
            raise InputError("bad_csv")
        first = parse_date(words[0])
        last = parse_date(words[1]) if len(words) == 2 else first
        if last < first or (last - first).days > 366:
            raise InputError("bad_csv")
        start, _ = self.day_span(first)
        _, end = self.day_span(last)
        data = self.s.bookings_csv(start, end).encode("utf-8")
        self.transport.send_document(user["chat_id"], f"bookings-{first}-{last}.csv", data,
                                     self.t(user, "csv_caption", first=first.isoformat(), last=last.isoformat()))
        log.info("action csv user=%s bytes=%d", user["user_id"], len(data))

    def cmd_ics(self, user: dict, arg: str) -> None:
        rid = arg.strip()
        if rid not in [t[0] for t in self.store.teachers(removed=True)]:
            raise InputError("bad_ics")
        data = self.s.export_ics(resource=rid, now=self.now()).encode("utf-8")
        self.transport.send_document(user["chat_id"], f"{rid}.ics", data,
                                     self.t(user, "ics_caption", teacher=self.teacher_name(rid)))

    # ---- the daily poll -------------------------------------------------------------------------
    #
    # The poll asks about slotcraft's own grid (`Scheduler.day_grid` of the teacher's usual hours), so the poll,
    # the listing and booking share one grid; the bot only shows its instants in local time and writes the
    # ticked ones back as that date's override. Buttons and answers carry instants (UTC), never wall times: on
    # the day the clocks go back a wall time happens twice.

    def poll_service(self) -> sc.Service:
        """What a poll slot is: one slot length, on a grid of the slot length (as every subject's)."""
        step = self.slot_length()
        return sc.Service("poll", step, step=step)

    def usual_grid(self, rid: str, day: date) -> list[datetime]:
        """The starts the poll offers for local date `day`: the teacher's weekly hours minus breaks (the date's
        override ignored), as slotcraft lays them (an overnight range belongs to the date it starts on)."""
        if self.s.resource(rid) is None:
            return []
        return self.s.day_grid(rid, day, self.poll_service(), location=LOCATION, usual_hours=True)

    def clock_labels(self, instants: list[datetime]) -> list[str]:
        """Each instant's local HH:MM; a wall time that occurs twice among them (the hour the clocks go back)
        also names its zone abbreviation, so the two can be told apart."""
        local = [t.astimezone(self.zone) for t in instants]
        seen = Counter(x.strftime("%H:%M") for x in local)
        return [x.strftime("%H:%M %Z") if seen[x.strftime("%H:%M")] > 1 else x.strftime("%H:%M") for x in local]

    def answer_starts(self, rid: str, day: date, grid: list[datetime]) -> list[datetime] | None:
        """The teacher's answer for `day` (None: not answered), as instants. Answers stored before they were
        instants are local HH:MM: each is read as the starts of `grid` shown with that time."""
        stored = self.store.answer(rid, day.isoformat())
        if stored is None:
            return None
        labels = [t.astimezone(self.zone).strftime("%H:%M") for t in grid]
        out: set[datetime] = set()
        for item in stored:
            if re.fullmatch(r"\d\d:\d\d", item):
                out.update(t for t, label in zip(grid, labels) if label == item)
            else:
                out.add(sc.parse_instant(item))
        return sorted(out)

    def poll_keyboard(self, rid: str, day: date) -> list[list[Button]]:
        grid = self.usual_grid(rid, day)
        ticked = set(self.answer_starts(rid, day, grid) or [])
        flat = [btn("poll_on" if t in ticked else "poll_off", f"pl:{ymd(day)}:{int(t.timestamp())}", time=label)
                for t, label in zip(grid, self.clock_labels(grid))]
        rows = [flat[i: i + 4] for i in range(0, len(flat), 4)]
        rows.append([btn("btn_day_off", f"pl:{ymd(day)}:off")])
        return rows

    def send_poll(self, rid: str, days: list[date]) -> None:
        user = self.store.user(self.store.teacher_user(rid))
        if user is None:
            return
        for day in days:
            if self.usual_grid(rid, day):
                self.say(user, "poll", self.poll_keyboard(rid, day), day=self.day_label(user, day))
        log.info("poll sent resource=%s days=%s", rid, ",".join(d.isoformat() for d in days))

    def poll_pass(self) -> int:
        """Sends today's poll to each teacher once it is `poll_at` local time (safe in many processes)."""
        now = self.now()
        local = now.astimezone(self.zone)
        if local.time() < self.poll_at:
            return 0
        sent = 0
        for rid, _, uid in self.store.teachers():
            if uid and self.store.claim_poll(rid, local.date().isoformat(), now.isoformat()):
                self.send_poll(rid, [local.date() + timedelta(days=1), local.date() + timedelta(days=2)])
                sent += 1
        return sent

    def cmd_poll(self, user: dict, arg: str) -> None:
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        self.send_poll(rid, [self.today() + timedelta(days=1), self.today() + timedelta(days=2)])

    def local_range(self, day: date, start: datetime, end: datetime) -> tuple[str, str] | None:
        """`[start, end)` as a local range of date `day`'s override ("24:00" is the next local midnight; an end
        on the next date runs overnight), or None when no range of `day` names exactly these instants: a range
        cannot start after the next midnight, and a wall time of the hour the clocks go back reads as its
        earlier instant (SPEC §1). slotcraft's own conversion (`Zone.to_utc`) is the judge."""
        a, b = start.astimezone(self.zone), end.astimezone(self.zone)
        next_day = day + timedelta(days=1)
        if a.date() == day:
            first = a.strftime("%H:%M")
        elif a.date() == next_day and a.strftime("%H:%M") == "00:00":
            first = "24:00"
        else:
            return None
        if b.date() == next_day and b.strftime("%H:%M") == "00:00" and first != "24:00":
            last = "24:00"
        elif b.date() == day or (b.date() == next_day and b.strftime("%H:%M") <= first):  # overnight: to <= from
            last = b.strftime("%H:%M")
        else:
            return None
        zone = sc.Zone(self.zone.key)
        if zone.to_utc(a.date(), a.strftime("%H:%M")) != start or zone.to_utc(b.date(), b.strftime("%H:%M")) != end:
            return None
        return first, last

    def apply_answer(self, rid: str, day: date, starts: list[datetime], actor: str) -> bool:
        """The answer becomes the teacher's override for that date: the ticked starts merged into ranges by real
        time (a start one slot length after the previous one continues its range). False, and nothing changed,
        when the override cannot name exactly these starts (see `local_range`)."""
        step = self.slot_length()
        runs: list[list[datetime]] = []
        for t in sorted(starts):
            if runs and runs[-1][1] == t:
                runs[-1][1] = t + step
            else:
                runs.append([t, t + step])
        ranges = [self.local_range(day, a, b) for a, b in runs]
        if any(x is None for x in ranges):
            return False
        r = self.s.resource(rid)
        assert r is not None
        self.put_override(r, day, ranges, actor)
        return True

    def put_override(self, r: sc.ResourceRecord, day: date, ranges: list[tuple[str, str]] | list[sc.LocalRange],
                     actor: str) -> None:
        """Sets the override of `day` in the teacher's schedule at the club."""
        schedules = r.schedules
        overrides = schedules[0].overrides
        overrides[day] = ranges
        schedules[0].overrides = overrides
        r.schedules = schedules
        self.s.put_resource(r, actor=actor)

    def answered_time(self) -> dict[tuple[str, str], list[tuple[datetime, datetime]]]:
        """The real time each answer still to come ticked, by teacher and date: what a change of the slot length
        must keep (see `retick`)."""
        step = self.slot_length()
        out: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
        for rid, day_text, _ in self.store.answers_from((self.today() + timedelta(days=1)).isoformat()):
            day = date.fromisoformat(day_text)
            merged: list[list[datetime]] = []
            for t in self.answer_starts(rid, day, self.usual_grid(rid, day)) or []:
                if merged and merged[-1][1] >= t:
                    merged[-1][1] = max(merged[-1][1], t + step)
                else:
                    merged.append([t, t + step])
            out[(rid, day_text)] = [(a, b) for a, b in merged]
        return out

    def retick(self, answered: dict[tuple[str, str], list[tuple[datetime, datetime]]]) -> None:
        """The answers re-read on the new grid: a start is ticked when its whole new slot lies in time ticked
        before. The dates' hours (overrides) stay as the teacher answered them."""
        step = self.slot_length()
        for (rid, day_text), spans in answered.items():
            day = date.fromisoformat(day_text)
            ticks = [t for t in self.usual_grid(rid, day) if any(a <= t and t + step <= b for a, b in spans)]
            self.store.set_answer(rid, day_text, [sc.format_instant(t) for t in ticks], self.now().isoformat(),
                                  usual=self.store.usual_day(rid, day_text))
            log.info("action poll answer regridded resource=%s day=%s slots=%s", rid, day_text,
                     ",".join(self.clock_labels(ticks)))

    def repeated_hour(self, grid: list[datetime]) -> set[datetime]:
        """The starts of `grid` whose local wall time happens twice (the hour the clocks go back)."""
        zone = sc.Zone(self.zone.key)
        return {t for t in grid if len(zone.instants_at(t.astimezone(self.zone).date(),
                                                         t.astimezone(self.zone).strftime("%H:%M"))) > 1}

    def cb_pl(self, user: dict, rest: str, message_id: int | None) -> None:
        """`pl:<day>:<epoch>` ticks or unticks the start at that instant, `pl:<day>:off` is a day off. A start
        not on the day's grid (a forged button, or hours changed since the poll) is refused. Unticking a
        time clients have booked (or a day off over one) asks first; `...:<epoch|off>:sure` confirms, and
        those bookings are cancelled and their clients told."""
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        rest, sure = (rest.removesuffix(":sure"), True) if rest.endswith(":sure") else (rest, False)
        day_text, _, slot = rest.partition(":")
        try:
            day = parse_ymd(day_text)
        except ValueError:
            self.say(user, "stale_button")
            return
        grid = self.usual_grid(rid, day) if day > self.today() else []
        labels = self.clock_labels(grid)
        pressed = [t for t in grid if slot.isdigit() and int(t.timestamp()) == int(slot)]
        if not pressed and re.fullmatch(r"\d{4}", slot):  # a poll sent before the buttons carried instants
            pressed = [t for t, label in zip(grid, labels) if label == f"{slot[:2]}:{slot[2:]}"]
        if not grid or (slot != "off" and len(pressed) != 1):
            self.say(user, "poll_closed")
            return
        if slot == "off":
            wanted: set[datetime] = set()
            unticked = set(grid)
        else:
            # The hour the clocks go back is ticked as one: a local range cannot hold one of its two 02:00s alone.
            repeated = self.repeated_hour(grid)
            group = repeated if pressed[0] in repeated else set(pressed)
            ticked = set(self.answer_starts(rid, day, grid) or []) & set(grid)
            wanted = ticked - group if pressed[0] in ticked else ticked | group
            unticked = group if pressed[0] in ticked else set()
        # Bookings at the times the teacher takes back (an untick, or the day off); a tick takes nothing.
        dropped = [b for b in self.booked_on(rid, day) if b.start in unticked]
        if dropped and not sure:
            self.say(user, "poll_booked", [[btn("btn_untick_anyway", f"pl:{rest}:sure")]],
                     day=self.day_label(user, day), count=len(dropped),
                     times=" ".join(self.clock_labels(sorted({b.start for b in dropped}))))
            return
        if not self.apply_answer(rid, day, sorted(wanted), self.actor(user)):
            log.info("action poll answer refused resource=%s day=%s pressed=%s", rid, day, slot)
            self.say(user, "poll_cannot", time=labels[grid.index(pressed[0])] if pressed else "-",
                     day=self.day_label(user, day))
            return
        self.store.set_answer(rid, day.isoformat(), [sc.format_instant(t) for t in sorted(wanted)], self.now().isoformat())
        log.info("action poll answer resource=%s day=%s slots=%s", rid, day, ",".join(self.clock_labels(sorted(wanted))))
        self.release_sessions(self.actor(user), resource=rid, starts=unticked)
        for b in dropped:  # the teacher said they cannot: the lesson goes, and its client hears it at once
            self.s.cancel(b.id, "the teacher cannot come", now=self.now(), actor=self.actor(user))
            client = self.user_of_client(b.client) if b.client else None
            if client is not None:
                self.say(client, "lesson_cancelled_by_teacher", subject=self.subject_name(b.service),
                         teacher=self.teacher_name(rid), when=self.when(client, b.start))
        if message_id is not None:
            self.edit(user, message_id, "poll", self.poll_keyboard(rid, day), day=self.day_label(user, day))
        if slot == "off":  # said, not only shown by every tick gone
            self.say(user, "poll_day_off", day=self.day_label(user, day))

    def booked_on(self, rid: str, day: date) -> list[sc.BookingRecord]:
        """The teacher's confirmed bookings starting on the local `day`."""
        start, end = self.day_span(day)
        return [b for b in self.s.upcoming(rid, start, 1) if b.status == sc.BookingStatus.confirmed and b.start < end]

    # ---- the timetable's holds -----------------------------------------------------------------
    #
    # A planned session is a slotcraft hold of its teacher for the subject, made by the club's own timetable client
    # and kept until the session ends. slotcraft then refuses any other subject with that teacher over it (here, in
    # the HTTP API and on the booking page alike), while the subject's clients share the session's seats with it.
    # The hold takes one seat, so a timetabled subject's capacity in slotcraft is its seats plus one; the club's
    # setting `reserve_seat:<id>` says whether it is.

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
        if not reserve:
            self.release_sessions(actor, services=[sid])
        rec = self.s.service(sid)
        assert rec is not None
        rules = rec.rules
        if rules.capacity != seats + reserve:
            rules.capacity = seats + reserve
            self.s.put_service(sc.ServiceRecord(rules, name=rec.name, locations=rec.locations), actor=actor)
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

    # ---- admin: planning the next days ---------------------------------------------------------

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

    # ---- clients: booking ---------------------------------------------------------------------

    def cmd_book(self, user: dict, arg: str) -> None:
        self.cb_bk(user, "start", None)

    def free(self, sid: str, who: str, day: date | None = None) -> list[sc.LocatedSlot]:
        start = self.now() if day is None else max(self.now(), self.day_span(day)[0])
        end = self.day_span(self.today() + timedelta(days=self.days_ahead))[1] if day is None else self.day_span(day)[1]
        if start >= end:
            return []
        resources = [who] if who != "*" else []
        slots = self.s.slots(sid, start, end, resources=resources, mode="any", now=self.now())
        return [x for x in slots if self.bookable(sid, x)]

    def bookable(self, sid: str, slot: sc.LocatedSlot) -> list[str]:
        """The teachers a client may book at this free slot: all of them, or for a timetabled subject
        those with a planned session then."""
        if not self.store.timetabled(sid):
            return slot.resources
        planned = self.store.sessions(sid)
        return [r for r in slot.resources if (r, slot.start.isoformat()) in planned]

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
            sid, who = args
            days = sorted({s.start.astimezone(self.zone).date() for s in self.free(sid, who)})
            if not days:
                self.say(user, "no_days")
                return
            self.say(user, "pick_day", [[btn("label", f"bk:d:{sid}:{who}:{ymd(d)}", text=self.day_label(user, d))] for d in days])
        elif step == "d" and len(args) == 3 and (args[1] == "*" or args[1] in self.s.providers(args[0])):
            sid, who, day = args[0], args[1], parse_ymd(args[2])
            slots = self.free(sid, who, day)
            if not slots:
                self.say(user, "no_times")
                return
            labels = self.clock_labels([s.start for s in slots])
            rows = [[btn("time_seats" if s.seats_left > 1 or self.is_group(sid) else "label",
                         f"bk:h:{sid}:{who}:{int(s.start.timestamp())}", text=label, seats=s.seats_left)]
                    for s, label in zip(slots, labels)]
            self.say(user, "pick_time", rows, day=self.day_label(user, day))
        elif step == "h" and len(args) == 3 and (args[1] == "*" or args[1] in self.s.providers(args[0])):
            self.take_hold(user, args[0], args[1], datetime.fromtimestamp(int(args[2]), timezone.utc))
        elif step == "ok":
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
            self.say(user, "confirm_booking", [[btn("btn_confirm", "bk:ok"), btn("btn_abort", "bk:no")]],
                     subject=self.subject_name(sid), teacher=self.teacher_name(rid), when=self.when(user, start))
            return
        self.say(user, "slot_gone")

    def release_hold(self, user: dict) -> None:
        if user["state"] == "confirm" and user["data"].get("booking"):
            try:
                self.s.cancel(user["data"]["booking"], "hold released", now=self.now(), actor=self.actor(user))
            except sc.Error:
                pass

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
        if message_id is not None:  # the answered card loses its buttons
            self.edit(user, message_id, "confirm_done", subject=self.subject_name(b.service),
                      when=self.when(user, b.start))
        self.say(user, "booked", subject=self.subject_name(b.service), teacher=self.teacher_name(b.resource),
                 when=self.when(user, b.start))
        self.tell_teacher(b, "teacher_booked", user["name"])

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

    def cb_my(self, user: dict, rest: str, message_id: int | None) -> None:
        cid = self.client_id(user)
        if rest == "list":
            mine = [b for b in self.s.client_bookings(cid, now=self.now()) if b.status == sc.BookingStatus.confirmed]
            if not mine:
                self.say(user, "no_bookings")
            for b in mine:
                if self.cancellable(b):
                    self.say(user, "my_booking", [[btn("btn_cancel_booking", f"my:c:{b.id}")]],
                             subject=self.subject_name(b.service), teacher=self.teacher_name(b.resource),
                             when=self.when(user, b.start))
                else:
                    self.say(user, "my_booking_fixed", subject=self.subject_name(b.service),
                             teacher=self.teacher_name(b.resource), when=self.when(user, b.start))
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

    def cb_rc(self, user: dict, booking_id: str, message_id: int | None) -> None:
        """"I'm coming" under a reminder: the teacher hears it once."""
        b = self.s.booking(booking_id)
        if b is None or b.client != self.client_id(user) or b.status != sc.BookingStatus.confirmed or b.end <= self.now():
            self.say(user, "stale_button")
            return
        self.say(user, "coming_noted", when=self.when(user, b.start))
        if self.store.mark_coming(b.id, self.now().isoformat()):
            self.tell_teacher(b, "teacher_client_coming", user["name"])

    # ---- staff tools: the morning agenda, attendance marks, the calendar feed ---------------------

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

    def cmd_feed(self, user: dict, arg: str) -> None:
        """`/feed [off]`: the teacher's calendar feed (BotCore.feed_command)."""
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        self.feed_command(user, rid, arg.strip())

    # ---- support: FAQ and hand-off ------------------------------------------------------------

    def support_text(self, user: dict, text: str) -> None:
        conv = self.store.open_conv_of(user["user_id"])
        if conv is not None:
            self.store.add_conv_message(conv["conv_id"], "client", text, self.now().isoformat())
            if conv["status"] == "taken":
                op = self.store.user(conv["operator"])
                if op:
                    self.say(op, "client_says", [[btn("btn_reply", f"op:take:{conv['conv_id']}")]],
                             name=user["name"], text=text)
            self.say(user, "added_to_conversation")
            return
        match = faq.best(text, self.store.faqs(), self.faq_threshold)
        closed_at = self.store.last_closed_at(user["user_id"])
        if match is None and closed_at and self.now() - datetime.fromisoformat(closed_at) < AFTER_CLOSE:
            # "ok thanks" right after the operator closed: no new question for a person (/person opens one).
            log.info("action after close user=%s", user["user_id"])
            self.say(user, "after_close")
            return
        if match is None:
            log.info("action faq miss user=%s", user["user_id"])
            self.hand_over(user, text, "no_match")
            return
        faq_id, answer, score = match
        event = self.store.faq_event(user["user_id"], faq_id, text, "answered", self.now().isoformat())
        log.info("action faq hit faq=%s score=%.2f user=%s", faq_id, score, user["user_id"])
        self.say(user, "faq_answer", [[btn("btn_helped", f"sp:ok:{event}"), btn("btn_person", f"sp:hand:{event}")]],
                 answer=answer)

    def cmd_person(self, user: dict, arg: str) -> None:
        if self.store.open_conv_of(user["user_id"]) is not None:
            self.say(user, "added_to_conversation")
            return
        if not arg.strip():  # what to hand over is asked for, never sent as "-"
            self.set_state(user, "person")
            self.say(user, "ask_person")
            return
        self.hand_over(user, arg, "asked")

    def st_person(self, user: dict, text: str) -> None:
        self.set_state(user, "")
        self.hand_over(user, text, "asked")

    def cb_sp(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, event = rest.partition(":")
        row = self.store.faq_event_row(int(event), user["user_id"]) if event.isdigit() else None
        if row is None or row[2] != "answered":
            self.say(user, "stale_button")
            return
        if what == "ok":
            self.store.set_faq_outcome(int(event), "helped")
            self.say(user, "glad_it_helped")
        elif what == "hand":
            self.store.set_faq_outcome(int(event), "handed")
            self.hand_over(user, row[1], "faq_not_enough")
        else:
            self.say(user, "stale_button")

    def owner_of(self, user: dict) -> str:
        """The teacher the client belongs to (of their latest booking), if that teacher is on the bot; else operators."""
        if not user.get("client_id"):
            return ""
        cid, now = user["client_id"], self.now()
        every = self.s.client_bookings(cid, now=now) + self.s.client_bookings(cid, active=False, now=now)  # coming + past
        bookings = sorted((b for b in every if b.status == sc.BookingStatus.confirmed), key=lambda b: b.start)
        for b in reversed(bookings):
            uid = self.store.teacher_user(b.resource)
            if uid:
                return uid
        return ""

    def operators_for(self, owner: str) -> list[str]:
        return [owner] if owner else sorted(self.admins)

    def hand_over(self, user: dict, text: str, via: str) -> None:
        owner = self.owner_of(user)
        conv = self.store.open_conv(user["user_id"], self.identity(user)[0], user["chat_id"], owner, via,
                                    self.now().isoformat())
        if text:
            self.store.add_conv_message(conv["conv_id"], "client", text, self.now().isoformat())
        log.info("action handed over conv=%s owner=%s user=%s", conv["conv_id"], owner or "operators", user["user_id"])
        self.say(user, "handed_over")
        for uid in self.operators_for(owner):
            op = self.store.user(uid)
            if op:
                self.say(op, "new_conversation", [[btn("btn_take", f"op:take:{conv['conv_id']}")]],
                         name=user["name"], text=text or "-")

    def my_owners(self, user: dict) -> list[str] | None:
        """The queues this staff member serves: a teacher their own clients'; an admin every queue (None)."""
        return None if self.role(user) == ADMIN else [user["user_id"]]

    def escalation_wait(self) -> timedelta:
        """How long a teacher's client may wait before the admins are told (`/settings escalate MIN`)."""
        return timedelta(minutes=int(self.store.setting("escalate_minutes", "30")))

    def escalation_pass(self) -> int:
        """Shows the admins each conversation of a teacher's client nobody took within the wait (once,
        across processes); how many."""
        now = self.now()
        shown = 0
        for conv in self.store.waiting_since((now - self.escalation_wait()).isoformat()):
            if not self.store.claim_escalation(conv["conv_id"], now.isoformat()):
                continue
            client = self.store.user(conv["client_user_id"])
            teacher = self.store.user(conv["owner"])
            last = self.store.conv_messages(conv["conv_id"], 1)
            for uid in sorted(self.admins):
                admin = self.store.user(uid)
                if admin:
                    self.say(admin, "conversation_waiting", [[btn("btn_take", f"op:take:{conv['conv_id']}")]],
                             name=client["name"] if client else "?", teacher=teacher["name"] if teacher else "?",
                             minutes=self.escalation_wait() // timedelta(minutes=1), text=last[0][1] if last else "-")
            shown += 1
        return shown

    def cmd_queue(self, user: dict, arg: str) -> None:
        convs = self.store.queue(self.my_owners(user))
        if not convs:
            self.say(user, "queue_empty")
        for c in convs:
            client = self.store.user(c["client_user_id"])
            last = self.store.conv_messages(c["conv_id"], 1)
            self.say(user, "queue_item", [[btn("btn_take", f"op:take:{c['conv_id']}")]],
                     name=client["name"] if client else "?", text=last[0][1] if last else "-")

    def cb_op(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, conv_text = rest.partition(":")
        conv = self.store.conv(int(conv_text)) if conv_text.isdigit() else None
        if conv is None:
            self.say(user, "stale_button")
            return
        if what == "take":
            mine = conv["status"] == "taken" and conv["operator"] == user["user_id"]
            if not mine and not self.store.take(conv["conv_id"], user["user_id"], self.my_owners(user)):
                self.say(user, "already_taken")
                return
            history = "\n".join(self.t(user, f"from_{s}", text=t) for s, t in self.store.conv_messages(conv["conv_id"]))
            client = self.store.user(conv["client_user_id"])
            self.set_state(user, "op_reply", {"conv": conv["conv_id"]})
            self.say(user, "conversation", [[btn("btn_close", f"op:close:{conv['conv_id']}")]],
                     name=client["name"] if client else "?", history=history or "-")
        elif what == "close":
            if not self.store.close_conv(conv["conv_id"], user["user_id"], self.now().isoformat()):
                self.say(user, "stale_button")
                return
            if user["state"] == "op_reply":
                self.set_state(user, "")
            client = self.store.user(conv["client_user_id"])
            if client:
                self.say_on(conv["messenger"], client, "conv_closed")
            self.say(user, "closed")
        else:
            self.say(user, "stale_button")

    def say_on(self, messenger: str, user: dict, key: str, **params: Any) -> None:
        """A message on the messenger the client wrote from: its chat there (the transport routes a
        `wa:`/`vk:` chat to WhatsApp/VK)."""
        log.info("send messenger=%s chat=%s key=%s", messenger, user["chat_id"], key)
        self.transport.send_message(user["chat_id"], self.t(user, key, **params))

    def st_op_reply(self, user: dict, text: str) -> None:
        conv = self.store.conv(int(user["data"]["conv"]))
        if conv is None or conv["status"] != "taken" or conv["operator"] != user["user_id"]:
            self.set_state(user, "")
            self.say(user, "stale_button")
            return
        now = self.now().isoformat()
        self.store.add_conv_message(conv["conv_id"], "operator", text, now)
        self.store.first_reply(conv["conv_id"], now)
        client = self.store.user(conv["client_user_id"])
        if client:
            self.say_on(conv["messenger"], client, "operator_says", name=user["name"], text=text)
        self.say(user, "delivered", [[btn("btn_close", f"op:close:{conv['conv_id']}")]])

    # ---- admin: FAQ and statistics ------------------------------------------------------------

    def cmd_faq(self, user: dict, arg: str) -> None:
        """`/faq question | answer`"""
        question, sep, answer = arg.partition("|")
        if not sep or not faq.words(question) or not answer.strip():
            raise InputError("bad_faq")
        self.store.add_faq(question.strip()[:500], answer.strip()[:3000])
        self.say(user, "faq_added")

    def cmd_faqs(self, user: dict, arg: str) -> None:
        items = self.store.faqs()
        if not items:
            self.say(user, "faq_empty")
        for faq_id, q, a in items:
            self.say(user, "faq_item", [[btn("btn_remove", f"fq:rm:{faq_id}")]], question=q, answer=a)

    def cb_fq(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, faq_id = rest.partition(":")
        if what == "rm" and faq_id.isdigit() and self.store.remove_faq(int(faq_id)):
            self.say(user, "faq_removed")
        else:
            self.say(user, "stale_button")

    def cmd_stats(self, user: dict, arg: str) -> None:
        counts = self.store.faq_counts()
        convs = self.store.convs()
        waits: dict[str, list[float]] = {}
        for c in convs:
            if c["first_reply_at"]:
                secs = (datetime.fromisoformat(c["first_reply_at"]) - datetime.fromisoformat(c["opened_at"])).total_seconds()
                waits.setdefault(c["operator"], []).append(secs)
        every = [w for ws in waits.values() for w in ws]

        def minutes(ws: list[float]) -> str:
            return f"{sum(ws) / len(ws) / 60:.1f}" if ws else "-"

        per_op = []
        for op in sorted({c["operator"] for c in convs if c["operator"]}):
            mine = [c for c in convs if c["operator"] == op]
            u = self.store.user(op)
            per_op.append(self.t(user, "stats_operator", name=u["name"] if u else op, taken=len(mine),
                                 closed=sum(1 for c in mine if c["status"] == "closed"), wait=minutes(waits.get(op, []))))
        faq_answered = counts.get("answered", 0) + counts.get("helped", 0) + counts.get("handed", 0)
        self.say(user, "stats", faq=faq_answered, helped=counts.get("helped", 0),
                 handed=len(convs), after_faq=counts.get("handed", 0), wait=minutes(every),
                 open=sum(1 for c in convs if c["status"] != "closed"),
                 operators="\n".join(per_op) or self.t(user, "none"))
