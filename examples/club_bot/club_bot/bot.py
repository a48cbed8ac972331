"""The club's bot: admin commands, the teachers' daily poll, clients booking
subjects (group sessions with seats), and support hand-off.

The dialogs are in `handlers/`, one module per area (admin, poll, timetable,
booking, waiting list, teacher tools, support; botkit brings /connect, /marks
and /feed), each with its handler table: for every command, button prefix and
dialog state, the handler, the roles allowed (roles.py) and the prompt
(botkit/handlers.py); botkit's core checks the roles before any handler
runs. This class joins them with what they share. Every text is a
catalog key (`i18n/*.json`). Scheduling is slotcraft's public API only:
teachers are resources at one location, subjects are services (duration =
the slot length, capacity = seats), links are `Scheduler.link`, poll answers
are the teacher's overrides for those dates."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import slotcraft as sc

from botkit import picks, zones
from botkit.clock import Clock
from botkit.core import BotCore
from botkit.handlers import Route
from botkit.throttle import Throttle
from botkit.transport import Transport

from .club import LOCATION
from .handlers import ROUTES, Admin, Booking, Common, Poll, Support, TeacherTools, Timetable, Waitlist
from .i18n import CLUB
from .roles import ADMIN, CLIENT, TEACHER
from .storage import ClubStore

__all__ = ["LOCATION", "ClubBot"]

log = logging.getLogger("club_bot")


class ClubBot(Common, Admin, Poll, Timetable, Booking, Waitlist, TeacherTools, Support, BotCore):
    catalogs = CLUB
    routes = ROUTES

    def __init__(self, scheduler: sc.Scheduler, store: ClubStore, transport: Transport, clock: Clock,
                 throttle: Throttle, *, admins: set[str], zone: str, poll_at: time, days_ahead: int = 3,
                 faq_threshold: float = 0.5, hold_ttl: timedelta = timedelta(minutes=10),
                 agenda_at: time | None = time(8, 0), calendar_url: str = "",
                 offer_ttl: timedelta = timedelta(minutes=30)) -> None:
        """`agenda_at`: the local time of each teacher's morning agenda (None: none); `calendar_url`: the HTTP API's
        public address, for the calendar feeds teachers subscribe to (empty: no feeds); `offer_ttl`: how long a seat
        the waiting list offers is held for its client."""
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
        self.offer_ttl = offer_ttl
        self._timetable = ""

    # ---- roles ----------------------------------------------------------------------------------

    def role(self, user: dict) -> str:
        if user["user_id"] in self.admins:
            return ADMIN
        if self.store.teacher_of_user(user["user_id"]):
            return TEACHER
        return CLIENT

    def refuse(self, user: dict, route: Route, role: str) -> None:
        self.say(user, "not_allowed", role=self.t(user, f"role_{role}"))

    def help(self, user: dict) -> None:
        """A client's menu; staff's whole menu is one /help away, not repeated after each usage error."""
        if self.role(user) == CLIENT:
            self.cmd_help(user, "")
        else:
            self.say(user, "see_help")

    def on_free_text(self, user: dict, text: str) -> None:
        """A client's words outside any dialog step are a question for support; staff's are not understood."""
        if self.role(user) == CLIENT:
            if picks.typed(self, user, text):  # a day or a time typed instead of pressing its button
                return
            log.info("action support user=%s", user["user_id"])
            self.support_text(user, text)
        else:
            super().on_free_text(user, text)

    def connect_client(self, user: dict) -> str | None:
        """For botkit's /connect: the account's client, made on first use."""
        return self.client_id(user)

    def connected(self, user: dict, origin: dict) -> None:
        """For botkit's /connect: the club has nothing else to link."""

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
        return self.t(user, "when", day=self.day_label(user, local.date()), time=zones.wall_time(local))

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

    def day_span(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time(0), self.zone).astimezone(timezone.utc)
        end = datetime.combine(day + timedelta(days=1), time(0), self.zone).astimezone(timezone.utc)
        return start, end
