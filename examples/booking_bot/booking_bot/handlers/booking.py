"""A client finds a time and books it: masters, services, days, times (held
while they confirm), /my."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Any

import slotcraft as sc

from botkit import picks, zones
from botkit.core import Button, InputError, btn
from botkit.handlers import Router

from ..roles import ANYONE
from .master import days_text

log = logging.getLogger("booking_bot")

router = Router("booking")

# Why slotcraft refused a time, in plain words: the first of these reasons it gave; any other (busy, a buffer)
# is "just taken".
REFUSALS = (
    (sc.ReasonCode.no_seats, "refused_no_seats"),
    (sc.ReasonCode.time_off, "refused_time_off"),
    (sc.ReasonCode.outside_hours, "refused_hours"),
    (sc.ReasonCode.on_break, "refused_break"),
    (sc.ReasonCode.too_soon, "refused_too_soon"),
    (sc.ReasonCode.too_far_ahead, "refused_too_far"),
    (sc.ReasonCode.daily_limit, "refused_daily_limit"),
    (sc.ReasonCode.off_grid, "refused_off_grid"),
)


def ask_confirm(bot: Any, user: dict) -> None:
    bot.remember_card(user, bot.say(user, "ask_confirm", bot.confirm_buttons(user["data"]["hold_id"])))


class Booking:
    """The booking handlers, mixed into the bot (bot.py): `self` is the Bot."""

    def free_slots(self, user: dict, master_id: str, service_id: str, moving: str = "") -> list[sc.LocatedSlot]:
        """slotcraft's free times of the master for the service, one per start and place, as the user's client
        may book them (slotcraft drops a class they already have their seat in); `moving`: the times that
        booking could be moved to (it is left out, as if cancelled)."""
        if service_id not in self.s.services_of(master_id):
            return []  # removed: slotcraft offers it no more (and refuses to list it for this master)
        now = self.now()
        return self.s.slots(service_id, now, now + self.horizon, resources=[master_id], ignore_booking=moving,
                            client=user.get("client_id") or "", now=now)

    def split_service(self, master_id: str, arg: str) -> tuple[str, str]:
        """A button's `<service>[:<more>]` → (the service, what follows it), the service one the master offers;
        ("", "") for none. Its id may hold a colon (a master registered on WhatsApp or VK: `mvk:1001-s1`)."""
        for service_id, _ in self.store.services(master_id):
            if arg == service_id or arg.startswith(f"{service_id}:"):
                return service_id, arg[len(service_id) + 1 :]
        return "", ""

    @staticmethod
    def parse_day(text: str) -> date:
        try:
            return datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            raise InputError("stale_button") from None

    @staticmethod
    def place_key(master_id: str, location: str) -> str:
        """What a time button carries of its place: the location id without the master's prefix (`p2`), so the
        button's data stays within Telegram's 64 bytes."""
        return location.removeprefix(f"{master_id}-")

    def time_button(self, master_id: str, value: str) -> tuple[datetime, str | None] | None:
        """`<epoch>:<place>` of a time button: the start and the master's location (None: a button from before
        the buttons carried a place); None for a place that is not the master's or a garbled value."""
        epoch, _, key = value.partition(":")
        if not epoch.isdigit():
            return None
        start = datetime.fromtimestamp(int(epoch), timezone.utc)
        if not key:
            return start, None
        r = self.s.resource(master_id)
        places = [ls.location for ls in r.schedules] if r else []
        location = next((loc for loc in places if self.place_key(master_id, loc) == key), None)
        return (start, location) if location else None

    def show_days(self, user: dict, master_id: str, service_id: str, prefix: str, moving: str = "") -> None:
        zone = self.master_zone(master_id)
        days: list[date] = []
        for slot in self.free_slots(user, master_id, service_id, moving):
            day = slot.start.astimezone(zone).date()
            if day not in days:
                days.append(day)
        if not days:
            self.say(user, "no_free_days", None if moving else [[self.waitlist_button(service_id, None)]])
            return
        buttons = [btn("day_button", f"{prefix}:{d:%Y%m%d}", wd=self.t(user, f"wd_{d.weekday()}"), date=d.strftime("%d.%m"))
                   for d in days]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
        # A day whose times are all taken is not listed: the client waits for any time from here.
        self.say(user, "pick_day", rows + ([] if moving else [[self.waitlist_button(service_id, None)]]),
                 service=self.service_name(service_id))
        picks.remember_days(self, user, zone.key, [(d, f"{prefix}:{d:%Y%m%d}") for d in days])  # typed, they count

    def show_times(self, user: dict, master_id: str, service_id: str, day: date, prefix: str, back: str,
                   moving: str = "") -> None:
        """One button per free time and place (`<prefix>:<epoch>:<place>`); with several places each names its own.
        A class the client already has a seat in is not offered again (slotcraft's limit per client)."""
        zone = self.master_zone(master_id)
        slots = [s for s in self.free_slots(user, master_id, service_id, moving)
                 if s.start.astimezone(zone).date() == day]
        if not slots:
            rows = [[btn("btn_other_day", back)]] + ([] if moving else [[self.waitlist_button(service_id, day)]])
            self.say(user, "no_free_times", rows)
            return
        r = self.s.resource(master_id)
        several = r is not None and len(r.schedules) > 1
        buttons: list[Button] = []
        offered: list[tuple[str, str]] = []  # (HH:MM, the button's data): what typing a time presses
        for s in slots[:40]:
            data = f"{prefix}:{int(s.start.timestamp())}:{self.place_key(master_id, s.location)}"
            local = s.start.astimezone(zone)
            at = zones.wall_time(local)
            buttons.append(btn("time_place_button", data, time=at, place=self.place_name(s.location)) if several
                           else btn("time_button", data, time=at))
            offered.append((local.strftime("%H:%M"), data))
        width = 2 if several else 4
        rows = [buttons[i : i + width] for i in range(0, len(buttons), width)] + [[btn("btn_other_day", back)]]
        # The times are the master's wall times; the client may be anywhere, so the zone is named.
        self.say(user, "pick_time", rows, wd=self.t(user, f"wd_{day.weekday()}"), date=day.strftime("%d.%m"),
                 city=zones.city(zone.key, user["lang"]))
        picks.remember_times(self, user, offered)  # typed, they count

    def require_client(self, user: dict) -> str | None:
        user.update(self.reload(user))
        if not user["active_master"]:
            self.say(user, "no_master")
        return user["active_master"] or None

    @router.command("masters", roles=ANYONE)
    def cmd_masters(self, user: dict, arg: str) -> None:
        masters = self.store.masters_of_client(user["user_id"])
        if not masters:
            self.say(user, "no_master")
            return
        current = self.reload(user)["active_master"]
        self.say(user, "pick_master", [[btn("master_button_active" if m == current else "master_button", f"m:{m}",
                                           name=self.master_name(m))] for m in masters])

    @router.button("ms", roles=ANYONE)
    def cb_ms(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_masters(user, "")

    @router.button("m", roles=ANYONE)
    def cb_m(self, user: dict, master_id: str, message_id: int | None) -> None:
        if master_id not in self.store.masters_of_client(user["user_id"]):
            self.say(user, "stale_button")
            return
        self.set_state(user, "")
        self.store.set_field(user["user_id"], "active_master", master_id)
        self.say(user, "switched", self.client_menu(), master=self.master_name(master_id))

    @router.command("book", roles=ANYONE)
    def cmd_book(self, user: dict, arg: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        services = self.store.services(master_id)
        if not services:
            self.say(user, "no_services")
            return
        rows = []
        for service_id, price in services:
            rec = self.s.service(service_id)
            if rec is None:
                continue
            minutes = rec.rules.duration // timedelta(minutes=1)
            key = "service_button_price" if price else "service_button"
            rows.append([btn(key, f"b:s:{service_id}", name=rec.name, minutes=minutes, price=price)])
        self.say(user, "pick_service", rows)

    @router.button("b", roles=ANYONE)
    def cb_b(self, user: dict, rest: str, message_id: int | None) -> None:
        """`svc` services, `s:<service>` days, `d:<service>:<day>` times,
        `t:<service>:<epoch>:<place>` hold, `ok:<hold>` confirm, `no:<hold>` give up."""
        action, _, arg = rest.partition(":")
        if action == "svc":
            self.cmd_book(user, "")
            return
        if action in ("ok", "no"):
            user.update(self.reload(user))
            if user["state"] != "confirm" or not arg or user["data"].get("hold_id") != arg:
                # A card whose hold is gone (another time picked, confirmed, given up): it acts on nothing.
                log.info("action stale card user=%s hold=%s", user["user_id"], arg or "-")
                self.close_card(user, message_id, arg)
                self.say(user, "stale_card")
            elif action == "ok":
                self.confirm(user, message_id)
            else:
                self.set_state(user, "")
                self.close_card(user, message_id, arg)
                self.say(user, "booking_aborted")
            return
        master_id = self.require_client(user)
        if master_id is None:
            return
        service_id, value = self.split_service(master_id, arg)
        if not service_id:
            self.say(user, "stale_button")
            return
        if action == "s":
            self.show_days(user, master_id, service_id, f"b:d:{service_id}")
        elif action == "d":
            self.show_times(user, master_id, service_id, self.parse_day(value), f"b:t:{service_id}", f"b:s:{service_id}")
        elif action == "t" and (picked := self.time_button(master_id, value)) is not None:
            self.take_hold(user, master_id, service_id, *picked)
        else:
            self.say(user, "stale_button")

    def take_hold(self, user: dict, master_id: str, service_id: str, start: datetime, location: str | None) -> None:
        """Holds the time at the button's place (`location`; None, from an older button: the one place free then)."""
        zone = self.master_zone(master_id)
        if user["state"] == "confirm":  # another time picked: the card before it is closed
            self.set_state(user, "")
        day = start.astimezone(zone).date()
        # slotcraft decides at the moment of the hold: a time taken meanwhile, or a class the client already
        # has their seat in (its limit per client), is refused with the reasons.
        hold = None
        reasons: list[sc.Reason] = []
        try:
            hold = self.s.hold(master_id, service_id, start, self.hold_ttl, location=location or "",
                               client=user["client_id"], now=self.now(), actor=self.actor(user))
        except sc.Conflict as e:
            reasons = list(getattr(e, "reasons", []))
            log.info("action hold refused user=%s: %s", user["user_id"], [r.code.name for r in reasons])
        except sc.InvalidArgument as e:  # a button from before the master changed the places or the service
            log.info("action hold refused user=%s: %s", user["user_id"], e)
        if hold is None and any(r.code == sc.ReasonCode.client_limit for r in reasons):
            self.say(user, "already_in_class", service=self.service_name(service_id), when=self.when(user, start, zone))
            self.show_times(user, master_id, service_id, day, f"b:t:{service_id}", f"b:s:{service_id}")
            return
        if hold is None:
            self.say_refused(user, reasons, master_id)
            self.show_times(user, master_id, service_id, day, f"b:t:{service_id}", f"b:s:{service_id}")
            return
        log.info("action hold user=%s booking=%s", user["user_id"], hold.id)
        # The dialog is saved before the card is sent: a bot restarted after sending finds it.
        self.set_state(user, "confirm", {"hold": hold.hold_token, "hold_id": hold.id})
        card = self.say(user, "confirm_booking", self.confirm_buttons(hold.id),
                        service=self.service_name(service_id), when=self.when(user, start, zone),
                        city=zones.city(zone.key, user["lang"]), place=self.place_name(hold.location),
                        minutes=self.hold_ttl // timedelta(minutes=1))
        self.remember_card(user, card)

    def say_refused(self, user: dict, reasons: list[sc.Reason], master_id: str) -> None:
        """Why a time picked is not to be had (slotcraft's reasons, in plain words), before the times still free."""
        codes = {r.code for r in reasons}
        key = next((key for code, key in REFUSALS if code in codes), None)
        if key is None:
            self.say(user, "slot_taken")
        else:
            self.say(user, key, master=self.master_name(master_id))

    @staticmethod
    def confirm_buttons(hold_id: str) -> list[list[Button]]:
        """Confirm and Give up, for the one hold the card shows."""
        return [[btn("btn_confirm", f"b:ok:{hold_id}"), btn("btn_abort", f"b:no:{hold_id}")]]

    def remember_card(self, user: dict, card: dict) -> None:
        """The newest confirm card of the held time: the one closed when the time is released."""
        user["data"] = {**user["data"], "card": card.get("message_id")}
        self.store.set_state(user["user_id"], user["state"], user["data"])

    def close_card(self, user: dict, message_id: int | None, hold_id: str) -> None:
        """The confirm card of `hold_id` loses its buttons and says its time was not booked by it."""
        hold = self.s.booking(hold_id) if hold_id else None
        if message_id is None or hold is None or hold.status == sc.BookingStatus.confirmed:
            return  # a confirmed card already says so
        self.edit(user, message_id, "card_closed", service=self.service_name(hold.service),
                  when=self.when(user, hold.start, self.master_zone(hold.resource)))

    def release_hold(self, user: dict) -> None:
        data = user["data"] if user["state"] == "confirm" else {}
        hold_id = data.get("hold_id")
        if hold_id:
            b = self.s.booking(hold_id)
            if b is not None and b.status == sc.BookingStatus.held:
                self.s.cancel(hold_id, "released", now=self.now(), actor=self.actor(user))
                self.close_card(user, data.get("card"), hold_id)

    @router.state("confirm", roles=ANYONE, prompt=ask_confirm)
    def st_confirm(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    def confirm(self, user: dict, message_id: int | None) -> None:
        user.update(self.reload(user))
        if user["state"] != "confirm":
            self.say(user, "stale_button")
            return
        hold = self.s.booking(user["data"]["hold_id"])
        try:
            b = self.s.confirm(user["data"]["hold"], now=self.now(), actor=self.actor(user))
        except (sc.Conflict, sc.NotFound) as e:
            # slotcraft confirms only what book would accept now (the link, the place, hours, other bookings, the
            # hold's expiry) and keeps a refused hold as it was: the bot releases it.
            log.info("action confirm refused user=%s field=%s", user["user_id"], e.field)
            self.set_state(user, "")
            if hold is None or e.field in ("hold_token", ""):
                self.say(user, "hold_expired")
                if hold is not None:
                    self.show_days(user, hold.resource, hold.service, f"b:d:{hold.service}")
            elif e.field == "service":
                self.say(user, "service_withdrawn", service=self.service_name(hold.service))
            else:
                zone = self.master_zone(hold.resource)
                self.say_refused(user, list(getattr(e, "reasons", [])), hold.resource)
                self.show_times(user, hold.resource, hold.service, hold.start.astimezone(zone).date(),
                                f"b:t:{hold.service}", f"b:s:{hold.service}")
            return
        self.set_state(user, "")
        log.info("action booked user=%s booking=%s", user["user_id"], b.id)
        self.announce_booked(user, b, message_id)

    def announce_booked(self, user: dict, b: sc.BookingRecord, message_id: int | None) -> None:
        """The card answered (it loses its buttons), "booked" to the client, and the news to the master."""
        zone = self.master_zone(b.resource)
        if message_id is not None:
            self.edit(user, message_id, "confirm_done", service=self.service_name(b.service),
                      when=self.when(user, b.start, zone))
        self.say(user, "booked", service=self.service_name(b.service), when=self.when(user, b.start, zone),
                 city=zones.city(zone.key, user["lang"]), place=self.place_name(b.location),
                 master=self.master_name(b.resource))
        master = self.master_user(b.resource)
        if master is not None:
            self.say(master, "notice_new_booking", client=user["name"], service=self.service_name(b.service),
                     when=self.when(master, b.start, zone), place=self.place_name(b.location))

    @router.command("my", roles=ANYONE)
    def cmd_my(self, user: dict, arg: str) -> None:
        """The client's bookings (to cancel or move), then their places on waiting lists (to leave)."""
        user.update(self.reload(user))
        bookings, waiting = [], []
        if user["client_id"]:
            bookings = [b for b in self.s.client_bookings(user["client_id"], active=True, now=self.now())
                        if b.status == sc.BookingStatus.confirmed]
            waiting = [e for e in self.s.client_waitlist(user["client_id"])
                       if e.status in (sc.WaitlistStatus.waiting, sc.WaitlistStatus.offered)]
        if not bookings and not waiting:
            self.say(user, "no_bookings")
            return
        for b in bookings:
            zone = self.master_zone(b.resource)
            self.say(user, "client_booking", [[btn("btn_cancel", f"c:x:{b.id}"), btn("btn_reschedule", f"c:r:{b.id}")]],
                     when=self.when(user, b.start, zone), city=zones.city(zone.key, user["lang"]),
                     service=self.service_name(b.service), master=self.master_name(b.resource),
                     place=self.place_name(b.location))
        for e in waiting:
            zone = self.master_zone(e.resource)
            last = (e.end - timedelta(seconds=1)).astimezone(zone).date()
            self.say(user, "my_waiting", [[btn("btn_leave_waitlist", f"w:l:{e.id}")]], service=self.service_name(e.service),
                     master=self.master_name(e.resource), days=days_text(e.start.astimezone(zone).date(), last))

    @router.button("my", roles=ANYONE)
    def cb_my(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_my(user, "")
