"""A master's tools: days off, broadcasts (asked "are you sure?"), the calendar
feed, the morning agenda."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import slotcraft as sc

from botkit import zones
from botkit.core import InputError, btn
from botkit.handlers import Router
from botkit.parsers import parse_dates
from botkit.reminders import AGENDA_LATE

from ..roles import MASTERS

log = logging.getLogger("booking_bot")

def days_text(first: date, last: date) -> str:
    """Days off as every other screen writes dates: `27.03.2027`, or `01.04.2027-02.04.2027`."""
    return f"{first:%d.%m.%Y}" if first == last else f"{first:%d.%m.%Y}-{last:%d.%m.%Y}"


router = Router("master")


def ask_sure_broadcast(bot: Any, user: dict) -> None:
    bot.say(user, "sure_broadcast", [[btn("btn_send_all", "bc:y"), btn("btn_dont", "bc:n")]],
            count=bot.broadcast_reach(user), text=user["data"]["text"])


class Master:
    """The master handlers, mixed into the bot (bot.py): `self` is the Bot."""

    @router.command("dayoff", roles=MASTERS)
    def cmd_dayoff(self, user: dict, arg: str) -> None:
        """The days off to come (each to remove), then the question; `/dayoff 29.03` answers it at once."""
        if arg:
            self.set_state(user, "dayoff")
            self.st_dayoff(user, arg)
            return
        master_id = self.staff_resource(user)
        r = self.s.resource(master_id)
        assert r is not None
        zone = ZoneInfo(r.time_zone)
        now = self.now()
        rows = []
        for span in r.time_off:
            if span.end > now:
                first = span.start.astimezone(zone).date()
                last = (span.end - timedelta(seconds=1)).astimezone(zone).date()
                rows.append([btn("btn_dayoff_remove", f"do:x:{int(span.start.timestamp())}", days=days_text(first, last))])
        if rows:
            self.say(user, "daysoff_list", rows)
        self.set_state(user, "dayoff")
        self.prompt(user)

    @router.button("do", roles=MASTERS)
    def cb_do(self, user: dict, rest: str, message_id: int | None) -> None:
        """`x:<epoch>`: removes the time off starting then."""
        master_id = self.staff_resource(user)
        r = self.s.resource(master_id)
        assert r is not None
        action, _, start = rest.partition(":")
        kept = [span for span in r.time_off if str(int(span.start.timestamp())) != start]
        if action != "x" or len(kept) == len(r.time_off):
            self.say(user, "stale_button")
            return
        r.time_off = kept
        self.s.put_resource(r, actor=self.actor(user))
        self.say(user, "dayoff_removed")
        if user["state"]:
            self.prompt(user)

    @router.state("dayoff", roles=MASTERS, prompt="ask_dayoff")
    def st_dayoff(self, user: dict, text: str) -> None:
        master_id = self.store.master_of_user(user["user_id"])
        assert master_id is not None
        r = self.s.resource(master_id)
        assert r is not None
        first, last = parse_dates(text, self.now().astimezone(ZoneInfo(r.time_zone)).date())
        zone = sc.Zone(r.time_zone)
        span = sc.Interval(zone.to_utc(first, "00:00"), zone.to_utc(last + timedelta(days=1), "00:00"))
        r.time_off = [*r.time_off, span]
        self.s.put_resource(r, actor=self.actor(user))
        days = (last - first).days + 1
        clashing = [b for b in self.s.upcoming(master_id, span.start, days)
                    if b.status == sc.BookingStatus.confirmed and b.start < span.end]
        self.set_state(user, "")
        self.say(user, "dayoff_saved", days=days_text(first, last), clashing=len(clashing))

    @router.command("broadcast", roles=MASTERS)
    def cmd_broadcast(self, user: dict, arg: str) -> None:
        """Asks for the text; `/broadcast <text>` gives it at once (still asked "are you sure?")."""
        self.set_state(user, "broadcast")
        if arg:
            self.st_broadcast(user, arg[:3800])
            return
        self.prompt(user)

    @router.state("broadcast", roles=MASTERS, prompt="ask_broadcast")
    def st_broadcast(self, user: dict, text: str) -> None:
        """The text to send to every client: asked "are you sure?" first, with how many it reaches."""
        self.set_state(user, "broadcast_sure", {"text": text})
        self.prompt(self.reload(user))

    def broadcast_reach(self, user: dict) -> int:
        master_id = self.store.master_of_user(user["user_id"])
        return sum(1 for c in self.store.clients_of_master(master_id or "") if c != user["user_id"])

    @router.state("broadcast_sure", roles=MASTERS, prompt=ask_sure_broadcast)
    def st_broadcast_sure(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    @router.button("bc", roles=MASTERS)
    def cb_bc(self, user: dict, answer: str, message_id: int | None) -> None:
        user.update(self.reload(user))
        if user["state"] != "broadcast_sure":
            self.say(user, "stale_button")
            return
        if answer != "y":
            self.set_state(user, "")
            self.say(user, "broadcast_dropped")
            return
        self.send_broadcast(user, user["data"]["text"])

    def send_broadcast(self, user: dict, text: str) -> None:
        master_id = self.store.master_of_user(user["user_id"])
        assert master_id is not None
        name = self.master_name(master_id)
        sent = 0
        for client_user_id in self.store.clients_of_master(master_id):
            client = self.store.user(client_user_id)
            if client is None or client_user_id == user["user_id"]:
                continue
            self.store.add_message(master_id, client_user_id, "broadcast", text, self.now().isoformat())
            self.say(client, "broadcast", master=name, text=text)
            sent += 1
        self.set_state(user, "")
        self.say(user, "broadcast_sent", count=sent)

    def send_agendas(self) -> int:
        """Each master's day ahead, once, at `agenda_at` in their zone (up to AGENDA_LATE after it, when the
        workers were down at that moment; later the day has begun and it is not sent); how many went out."""
        if self.agenda_at is None:
            return 0
        sent = 0
        for master_id in self.store.masters():
            zone = self.master_zone(master_id)
            local = self.now().astimezone(zone)
            due = datetime.combine(local.date(), self.agenda_at, tzinfo=zone)
            if not due <= local < due + AGENDA_LATE or not self.store.mark_agenda(master_id, local.date().isoformat()):
                continue
            master = self.master_user(master_id)
            if master is None:
                continue
            start = datetime.combine(local.date(), time(0), tzinfo=zone)
            end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
            today = [b for b in self.s.upcoming(master_id, start, 1)
                     if b.status == sc.BookingStatus.confirmed and start <= b.start < end]
            day = f"{self.t(master, f'wd_{local.weekday()}')} {local.strftime('%d.%m')}"
            lines = [self.t(master, "agenda_line", time=zones.wall_time(b.start.astimezone(zone)),
                            service=self.service_name(b.service),
                            client=(c.name if b.client and (c := self.s.client(b.client)) else "-"),
                            place=self.place_name(b.location)) for b in today]
            if lines:
                self.say(master, "agenda", day=day, count=len(lines), lines="\n".join(lines))
            else:
                self.say(master, "agenda_free", day=day)
            log.info("agenda sent master=%s day=%s bookings=%d", master_id, local.date(), len(lines))
            sent += 1
        return sent
