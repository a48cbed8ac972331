"""The dialogs of masters and clients.

Every text a user sees comes from the message catalogs (`i18n/*.json`):
handlers name a catalog key and its parameters (`self.say(user, "key", ...)`,
`btn("key", data)`), and `say` / `edit` are the only places that call the
transport. Scheduling goes through slotcraft's public API only; the bot's own
data lives in `bot_*` tables (storage.py).
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import slotcraft as sc

from botkit import zones
from botkit.clock import Clock
from botkit.core import BotCore, Button, InputError, btn
from botkit.parsers import parse_breaks, parse_dates, parse_hours
from botkit.reminders import AGENDA_LATE
from botkit.throttle import Throttle
from botkit.transport import Transport

from . import i18n
from .storage import BotStore

if TYPE_CHECKING:
    from slotcraft.client import RemoteScheduler

log = logging.getLogger("booking_bot")

# The prompt each dialog state repeats after garbage input or a restart.
PROMPTS = {
    "reg_name": "ask_name",
    "reg_tz": "ask_tz",
    "reg_place": "ask_place",
    "reg_hours": "ask_hours",
    "reg_breaks": "ask_breaks",
    "reg_more_places": "ask_more_places",
    "reg_service": "ask_service",
    "reg_more_services": "ask_more_services",
    "dayoff": "ask_dayoff",
    "broadcast": "ask_broadcast",
    "reply": "ask_reply",
    "write": "ask_write",
    "review_text": "ask_review_text",
    "confirm": "ask_confirm",
}


# ---- parsing what masters type ------------------------------------------------


OPTION = re.compile(r"^(buffer|буфер|seats|мест|места|notice|заранее)\s*[:=]?\s*(\S*)\s*(?:min|мин\.?|минут)?$",
                    re.IGNORECASE)
BUFFER_WORDS = ("buffer", "буфер")
NOTICE_WORDS = ("notice", "заранее")
LIMITS = {"buffer": (0, 240), "seats": (1, 100), "notice": (0, 10080)}  # minutes, seats, minutes (a week)
DEFAULT_NOTICE = 60  # minutes: a new service is not bookable in the coming hour unless its line says otherwise


def round_step(minutes: int) -> int:
    """The grid of a new service's times (slotcraft's `clock` alignment, from local midnight): every half
    hour, or quarter hour for short services, so times fall on round marks whatever the hours' starts."""
    return 30 if minutes >= 30 else 15


def parse_service(text: str) -> dict[str, Any]:
    """`Haircut; 30; 25 EUR; buffer 10; seats 1`: name and minutes, then optional
    parts, each read or refused (naming the part), never guessed: `buffer: 20`
    and `буфер 20 мин` are a buffer, a price has a digit and comes once."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) < 2 or not parts[0] or not parts[1].isdigit():
        raise InputError("bad_service")
    minutes = int(parts[1])
    if not 5 <= minutes <= 720:
        raise InputError("bad_duration")
    service = {"name": parts[0][:64], "minutes": minutes, "price": "", "buffer": 0, "seats": 1,
               "notice": DEFAULT_NOTICE, "step": round_step(minutes), "align": "clock"}
    for part in filter(None, parts[2:]):
        option = OPTION.match(part)
        if option:
            word, value = option.group(1).lower(), option.group(2)
            key = "buffer" if word in BUFFER_WORDS else "notice" if word in NOTICE_WORDS else "seats"
            low, high = LIMITS[key]
            if not value.isdigit() or not low <= int(value) <= high:
                raise InputError("bad_service_part", part=part)
            service[key] = int(value)
        elif service["price"] or not any(c.isdigit() for c in part) or len(part) > 32:
            raise InputError("bad_service_part", part=part)
        else:
            service["price"] = part
    return service


CONNECT_CODE_LIFE = timedelta(minutes=15)


# ---- the bot --------------------------------------------------------------------


class Bot(BotCore):
    catalogs = i18n.BOOKING

    def __init__(
        self,
        scheduler: sc.Scheduler | RemoteScheduler,  # slotcraft on the database, or over its HTTP API (--api)
        store: BotStore,
        transport: Transport,
        clock: Clock,
        throttle: Throttle,
        *,
        hold_ttl: timedelta = timedelta(minutes=10),
        horizon_days: int = 14,
        agenda_at: time | None = time(8, 0),
        calendar_url: str = "",
    ) -> None:
        """`agenda_at`: the local time of each master's morning agenda (None: none); `calendar_url`: the HTTP API's
        public address, for the calendar feeds masters subscribe to (empty: no feeds)."""
        super().__init__(store, transport, clock, throttle)
        self.s = scheduler
        self.agenda_at = agenda_at
        self.calendar_url = calendar_url
        self.unlink_removed()
        self.hold_ttl = hold_ttl
        self.horizon = timedelta(days=horizon_days)
        self.commands = {
            "start": self.cmd_start, "help": self.cmd_help, "menu": self.cmd_help, "lang": self.cmd_lang,
            "cancel": self.cmd_cancel,
            # masters
            "edit": self.cmd_edit, "link": self.cmd_link, "bookings": self.cmd_bookings, "dayoff": self.cmd_dayoff,
            "broadcast": self.cmd_broadcast, "marks": self.cmd_marks, "feed": self.cmd_feed,
            # clients
            "book": self.cmd_book, "my": self.cmd_my, "write": self.cmd_write, "history": self.cmd_history,
            "review": self.cmd_review, "masters": self.cmd_masters, "connect": self.cmd_connect,
        }

    def unlink_removed(self) -> None:
        """A service removed before the bot unlinked removed services (older databases) is unlinked now."""
        for service_id, master_id in self.store.removed_services():
            if self.s.resource(master_id) is not None and service_id in self.s.services_of(master_id):
                self.s.unlink(master_id, service_id, actor="booking_bot")
                log.info("unlinked service=%s master=%s (removed earlier)", service_id, master_id)

    # ---- helpers --------------------------------------------------------------------

    def master_name(self, master_id: str) -> str:
        r = self.s.resource(master_id)
        return r.name if r else master_id

    def master_zone(self, master_id: str) -> ZoneInfo:
        r = self.s.resource(master_id)
        return ZoneInfo(r.time_zone if r else "UTC")

    def when(self, user: dict, instant: datetime, zone: ZoneInfo) -> str:
        local = instant.astimezone(zone)
        return self.t(user, "when", wd=self.t(user, f"wd_{local.weekday()}"), date=local.strftime("%d.%m"),
                      time=local.strftime("%H:%M"))

    def place_name(self, location_id: str) -> str:
        loc = self.s.location(location_id)
        return (loc.name or location_id) if loc else location_id

    def service_name(self, service_id: str) -> str:
        rec = self.s.service(service_id)
        return (rec.name or rec.id) if rec else service_id

    def master_user(self, master_id: str) -> dict | None:
        row = self.store.master_row(master_id)
        return self.store.user(row[0]) if row else None

    def link(self, master_id: str) -> str:
        row = self.store.master_row(master_id)
        return self.transport.deep_link(row[1] if row else "")

    def prompt(self, user: dict) -> None:
        """Repeats what the current dialog step waits for (after garbage, /lang, a restart)."""
        state, data = user["state"], user["data"]
        if state == "reg_hours" or state == "reg_breaks":
            self.say(user, PROMPTS[state], place=data["draft"]["places"][-1]["name"])
        elif state == "reg_more_places":
            self.say(user, "ask_more_places", [[btn("btn_add_place", "rp:more"), btn("btn_next", "rp:done")]])
        elif state == "reg_more_services":
            self.say(user, "ask_more_services", [[btn("btn_add_service", "rs:more"), btn("btn_finish", "rs:done")]])
        elif state == "reply":
            peer = self.store.user(data["to"])
            self.say(user, "ask_reply", name=peer["name"] if peer else "?")
        elif state == "confirm":
            self.remember_card(user, self.say(user, "ask_confirm", self.confirm_buttons(data["hold_id"])))
        elif state == "broadcast_sure":
            self.say(user, "sure_broadcast", [[btn("btn_send_all", "bc:y"), btn("btn_dont", "bc:n")]],
                     count=self.broadcast_reach(user), text=data["text"])
        elif state in PROMPTS:
            self.say(user, PROMPTS[state])
        else:
            self.cmd_help(user, "")

    # ---- common commands -------------------------------------------------------------------

    def cmd_start(self, user: dict, arg: str) -> None:
        if arg:
            master_id = self.store.master_by_code(arg)
            if master_id is None:
                self.say(user, "bad_link")
                return
            client = self.s.client_for(sc.Identity(*self.identity(user)), user["name"], actor=self.actor(user))
            self.store.set_field(user["user_id"], "client_id", client.id)
            self.store.link_client(master_id, user["user_id"], self.now().isoformat())
            self.store.set_field(user["user_id"], "active_master", master_id)
            self.set_state(user, "")
            log.info("action client user=%s joined master=%s", user["user_id"], master_id)
            self.say(user, "welcome_client", self.client_menu(), master=self.master_name(master_id))
            return
        if user["state"]:
            self.prompt(user)
        else:
            self.cmd_help(user, "")

    def cmd_help(self, user: dict, arg: str) -> None:
        user = self.reload(user)
        if self.store.master_of_user(user["user_id"]):
            self.say(user, "master_menu")
        if user["active_master"]:
            self.say(user, "client_menu", self.client_menu(), master=self.master_name(user["active_master"]))
        elif not self.store.master_of_user(user["user_id"]):
            self.say(user, "welcome", [[btn("btn_register", "reg")]])

    def client_menu(self) -> list[list[Button]]:
        return [
            [btn("btn_book", "b:svc"), btn("btn_my", "my")],
            [btn("btn_write", "wr"), btn("btn_history", "hist")],
            [btn("btn_review", "rv"), btn("btn_masters", "ms")],
        ]

    def cmd_lang(self, user: dict, arg: str) -> None:
        if arg in i18n.LANGS:
            self.cb_lang(user, arg, None)
            return
        self.say(user, "ask_lang", [[btn("lang_name_en", "lang:en"), btn("lang_name_ru", "lang:ru")]])

    def cb_lang(self, user: dict, lang: str, message_id: int | None) -> None:
        if lang not in i18n.LANGS:
            self.say(user, "stale_button")
            return
        self.store.set_field(user["user_id"], "lang", lang)
        user["lang"] = lang
        self.say(user, "lang_set")
        if user["state"]:
            self.prompt(user)

    def cmd_cancel(self, user: dict, arg: str) -> None:
        self.set_state(user, "")
        self.say(user, "dialog_cancelled")

    # ---- master: registration and editing ------------------------------------------------

    def cb_reg(self, user: dict, rest: str, message_id: int | None) -> None:
        if self.store.master_of_user(user["user_id"]):
            self.say(user, "already_master")
            return
        draft = {"master_id": f"m{user['user_id']}", "places": [], "services": []}
        self.set_state(user, "reg_name", {"draft": draft, "edit": ""})
        self.say(user, "ask_name")

    def st_reg_name(self, user: dict, text: str) -> None:
        if len(text) > 64:
            raise InputError("bad_name")
        user["data"]["draft"]["name"] = text
        self.next_section(user, "name", "reg_tz")

    def st_reg_tz(self, user: dict, text: str) -> None:
        """A city ("Москва", "New York"), an IANA name or an abbreviation; several zones it may mean are
        offered as buttons (`tz:<zone>`)."""
        found = [z for z in zones.candidates(text[:64]) if self.known_zone(z)]
        if not found:
            raise InputError("bad_tz", text=text[:64])
        if len(found) > 1:
            now = self.now()
            self.say(user, "pick_tz", [[btn("tz_button", f"tz:{z}", city=zones.city(z, user["lang"]),
                                            offset=zones.offset_label(z, now))] for z in found], text=text[:64])
            return
        self.take_zone(user, found[0])

    @staticmethod
    def known_zone(name: str) -> bool:
        """A zone both slotcraft and Python's zoneinfo know."""
        try:
            sc.Zone(name)
            ZoneInfo(name)
        except (sc.InvalidArgument, ValueError, KeyError):
            return False
        return True

    def cb_tz(self, user: dict, zone: str, message_id: int | None) -> None:
        if user["state"] != "reg_tz" or not self.known_zone(zone):
            self.say(user, "stale_button")
            return
        self.take_zone(user, zone)

    def take_zone(self, user: dict, zone_name: str) -> None:
        zone = sc.Zone(zone_name)
        user["data"]["draft"]["tz"] = zone.name
        if user["data"]["edit"] != "tz":
            user["data"]["draft"]["places"] = []
        self.next_section(user, "tz", "reg_place")

    def st_reg_place(self, user: dict, text: str) -> None:
        if len(text) > 64:
            raise InputError("bad_name")
        if any(place["name"].casefold() == text.casefold() for place in user["data"]["draft"]["places"]):
            raise InputError("place_twice", place=text)
        user["data"]["draft"]["places"].append({"name": text, "weekly": {}, "breaks": []})
        self.set_state(user, "reg_hours", user["data"])
        self.prompt(user)

    def st_reg_hours(self, user: dict, text: str) -> None:
        user["data"]["draft"]["places"][-1]["weekly"] = parse_hours(text)
        self.set_state(user, "reg_breaks", user["data"])
        self.prompt(user)

    def st_reg_breaks(self, user: dict, text: str) -> None:
        user["data"]["draft"]["places"][-1]["breaks"] = parse_breaks(text)
        self.set_state(user, "reg_more_places", user["data"])
        self.prompt(user)

    def st_reg_more_places(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    def cb_rp(self, user: dict, rest: str, message_id: int | None) -> None:
        if user["state"] != "reg_more_places":
            self.say(user, "stale_button")
            return
        if rest == "more":
            self.set_state(user, "reg_place", user["data"])
            self.say(user, "ask_place")
        else:
            self.next_section(user, "places", "reg_service")

    def st_reg_service(self, user: dict, text: str) -> None:
        draft = user["data"]["draft"]
        service = parse_service(text)
        replace = user["data"].get("replace")
        if replace:
            service["id"] = replace
            draft["services"] = [service if s["id"] == replace else s for s in draft["services"]]
            self.next_section(user, "services", "")
            return
        service["id"] = f"{draft['master_id']}-s{self.store.service_count(draft['master_id']) + len(draft['services']) + 1}"
        draft["services"].append(service)
        self.set_state(user, "reg_more_services", user["data"])
        self.prompt(user)

    def st_reg_more_services(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    def cb_rs(self, user: dict, rest: str, message_id: int | None) -> None:
        if user["state"] != "reg_more_services":
            self.say(user, "stale_button")
            return
        if rest == "more":
            self.set_state(user, "reg_service", user["data"])
            self.say(user, "ask_service")
        else:
            self.next_section(user, "services", "")

    def next_section(self, user: dict, section: str, next_state: str) -> None:
        """After a section of the registration: the next one, or save when it
        was the one being edited (or the last one)."""
        data = user["data"]
        if data["edit"] == section or not next_state:
            self.save_master(user, data["draft"])
            self.set_state(user, "")
            if data["edit"]:
                self.say(user, "saved")
            else:
                self.say(user, "registered", link=self.link(data["draft"]["master_id"]))
                self.say(user, "master_menu")
            return
        self.set_state(user, next_state, data)
        self.prompt(user)

    def place_ids(self, master_id: str, places: list[dict]) -> tuple[list[str], list[str]]:
        """The location of each place, and the master's locations no longer among them. A place keeps
        its location by name (case aside), so its bookings keep their place whatever the order the
        places are typed in; a place given up and named again gets its old location back; a new name
        gets a location never used before."""
        mine = [loc for loc in self.s.locations(include_archived=True) if loc.id.startswith(f"{master_id}-p")]
        r = self.s.resource(master_id)
        current = [sched.location for sched in r.schedules] if r else []
        by_name = {loc.name.casefold(): loc.id for loc in sorted(mine, key=lambda loc: loc.id in current)}  # current last: it wins
        used = [int(n) for loc in mine if (n := loc.id.removeprefix(f"{master_id}-p")).isdigit()]
        fresh = max(used, default=0)
        ids = []
        for place in places:
            location = place.get("id") or by_name.get(place["name"].casefold())
            if location is None:
                fresh += 1
                location = f"{master_id}-p{fresh}"
            ids.append(location)
        return ids, [loc for loc in current if loc not in ids]

    def give_up_places(self, removed: list[str], actor: str) -> None:
        """Archives the places a master no longer works at, all or none: a place with bookings still to
        come is refused, naming it, before anything is saved."""
        archived: list[str] = []
        for location in removed:
            try:
                self.s.archive_location(location, now=self.now(), actor=actor)
            except sc.Conflict:
                for done in archived:
                    self.s.restore_location(done, actor=actor)
                raise InputError("place_has_bookings", place=self.place_name(location)) from None
            archived.append(location)

    def save_master(self, user: dict, draft: dict) -> None:
        master_id = draft["master_id"]
        actor = self.actor(user)
        locations, removed = self.place_ids(master_id, draft["places"])
        self.give_up_places(removed, actor)
        schedules = []
        archived = {loc.id for loc in self.s.locations(include_archived=True) if loc.archived}
        for location, place in zip(locations, draft["places"]):
            if location in archived:
                self.s.restore_location(location, actor=actor)
            self.s.put_location(sc.Location(location, name=place["name"]), actor=actor)
            schedules.append(sc.LocationSchedule(location, weekly=place["weekly"], breaks=place["breaks"]))
        old = self.s.resource(master_id)
        self.s.put_resource(
            sc.ResourceRecord(master_id, draft["tz"], name=draft["name"], schedules=schedules,
                              time_off=old.time_off if old else []),
            actor=actor,
        )
        for i, service in enumerate(draft["services"]):
            step = service.get("step")  # none: a service saved before round marks keeps slotcraft's default
            rules = sc.Service(service["id"], timedelta(minutes=service["minutes"]),
                               step=timedelta(minutes=step) if step else None,
                               align=getattr(sc.Align, service.get("align", "window")),
                               buffer_after=timedelta(minutes=service["buffer"]), capacity=service["seats"],
                               min_notice=timedelta(minutes=service.get("notice", 0)))
            self.s.put_service(sc.ServiceRecord(rules, name=service["name"]), actor=actor)
            self.s.link(master_id, service["id"], actor=actor)
            self.store.put_service(service["id"], master_id, i, service["price"])
        self.store.add_master(master_id, user["user_id"], secrets.token_urlsafe(6))
        log.info("action saved master=%s places=%d services=%d", master_id, len(schedules), len(draft["services"]))

    def load_draft(self, master_id: str) -> dict:
        r = self.s.resource(master_id)
        assert r is not None
        places = []
        for sched in r.schedules:
            places.append({
                "id": sched.location,
                "name": self.place_name(sched.location),
                "weekly": {d: [rg.to_strings() for rg in ranges] for d, ranges in sched.weekly.items()},
                "breaks": [rg.to_strings() for rg in sched.breaks],
            })
        services = []
        for service_id, price in self.store.services(master_id):
            rec = self.s.service(service_id)
            if rec is None:
                continue
            rules = rec.rules
            services.append({"id": service_id, "name": rec.name, "minutes": rules.duration // timedelta(minutes=1),
                             "price": price, "buffer": rules.buffer_after // timedelta(minutes=1),
                             "seats": rules.capacity, "notice": rules.min_notice // timedelta(minutes=1),
                             "step": rules.step // timedelta(minutes=1) if rules.step else None,
                             "align": rules.align.name})
        return {"master_id": master_id, "name": r.name, "tz": r.time_zone, "places": places, "services": services}

    def require_master(self, user: dict) -> str | None:
        master_id = self.store.master_of_user(user["user_id"])
        if master_id is None:
            self.say(user, "not_master", [[btn("btn_register", "reg")]])
        return master_id

    def cmd_edit(self, user: dict, arg: str) -> None:
        if self.require_master(user) is None:
            return
        self.say(user, "ask_edit", [
            [btn("btn_edit_name", "ed:name"), btn("btn_edit_tz", "ed:tz")],
            [btn("btn_edit_places", "ed:places"), btn("btn_edit_services", "ed:services")],
        ])

    def cb_ed(self, user: dict, section: str, message_id: int | None) -> None:
        master_id = self.require_master(user)
        if master_id is None:
            return
        states = {"name": "reg_name", "tz": "reg_tz", "places": "reg_place", "services": "", "addsvc": "reg_service"}
        if section not in states:
            self.say(user, "stale_button")
            return
        if section == "services":
            rows = [[btn("btn_service_edit", f"sv:e:{sid}", name=self.service_name(sid)),
                     btn("btn_service_remove", f"sv:x:{sid}", name=self.service_name(sid))]
                    for sid, _ in self.store.services(master_id)]
            self.say(user, "ask_services_edit", [*rows, [btn("btn_service_add", "ed:addsvc")]])
            return
        draft = self.load_draft(master_id)
        if section == "places":
            draft["places"] = []
        self.set_state(user, states[section], {"draft": draft, "edit": "services" if section == "addsvc" else section})
        self.prompt(user)

    def cb_sv(self, user: dict, rest: str, message_id: int | None) -> None:
        """`e:<service>` replaces a service (same id: bookings keep it), `x:<service>` removes it."""
        master_id = self.require_master(user)
        if master_id is None:
            return
        action, _, service_id = rest.partition(":")
        if service_id not in dict(self.store.services(master_id)):
            self.say(user, "stale_button")
            return
        if action == "e":
            self.set_state(user, "reg_service", {"draft": self.load_draft(master_id), "edit": "services", "replace": service_id})
            self.prompt(user)
        elif action == "x":
            # slotcraft stops offering it (its bookings stay); the bot's row keeps the id from being reused.
            self.s.unlink(master_id, service_id, actor=self.actor(user))
            self.store.remove_service(service_id)
            log.info("action removed service=%s master=%s", service_id, master_id)
            self.say(user, "service_removed", name=self.service_name(service_id))
        else:
            self.say(user, "stale_button")

    def cmd_link(self, user: dict, arg: str) -> None:
        master_id = self.require_master(user)
        if master_id is not None:
            self.say(user, "your_link", link=self.link(master_id))

    def cmd_dayoff(self, user: dict, arg: str) -> None:
        master_id = self.require_master(user)
        if master_id is None:
            return
        r = self.s.resource(master_id)
        assert r is not None
        zone = ZoneInfo(r.time_zone)
        now = self.now()
        rows = []
        for span in r.time_off:
            if span.end > now:
                first = span.start.astimezone(zone).date()
                last = (span.end - timedelta(seconds=1)).astimezone(zone).date()
                rows.append([btn("btn_dayoff_remove", f"do:x:{int(span.start.timestamp())}", first=first.isoformat(),
                                 last=last.isoformat())])
        if rows:
            self.say(user, "daysoff_list", rows)
        self.set_state(user, "dayoff")
        self.prompt(user)

    def cb_do(self, user: dict, rest: str, message_id: int | None) -> None:
        """`x:<epoch>`: removes the time off starting then."""
        master_id = self.require_master(user)
        if master_id is None:
            return
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
        self.say(user, "dayoff_saved", first=first.isoformat(), last=last.isoformat(), clashing=len(clashing))

    def cmd_broadcast(self, user: dict, arg: str) -> None:
        if self.require_master(user) is None:
            return
        self.set_state(user, "broadcast")
        self.prompt(user)

    def st_broadcast(self, user: dict, text: str) -> None:
        """The text to send to every client: asked "are you sure?" first, with how many it reaches."""
        self.set_state(user, "broadcast_sure", {"text": text})
        self.prompt(self.reload(user))

    def broadcast_reach(self, user: dict) -> int:
        master_id = self.store.master_of_user(user["user_id"])
        return sum(1 for c in self.store.clients_of_master(master_id or "") if c != user["user_id"])

    def st_broadcast_sure(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    def cb_bc(self, user: dict, answer: str, message_id: int | None) -> None:
        user.update(self.reload(user))
        if user["state"] != "broadcast_sure" or self.require_master(user) is None:
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

    # ---- master: bookings -------------------------------------------------------------------

    def cmd_bookings(self, user: dict, arg: str) -> None:
        master_id = self.require_master(user)
        if master_id is None:
            return
        zone = self.master_zone(master_id)
        bookings = [b for b in self.s.upcoming(master_id, self.now(), 7) if b.status == sc.BookingStatus.confirmed]
        self.say(user, "bookings_header", count=len(bookings))
        for b in bookings:
            client = self.s.client(b.client) if b.client else None
            self.say(user, "master_booking", [[btn("btn_cancel", f"k:x:{b.id}"), btn("btn_move", f"k:r:{b.id}")]],
                     when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     client=(client.name if client else "-"), place=self.place_name(b.location))

    ATTENDANCE = {"a": sc.Attendance.attended, "n": sc.Attendance.no_show}

    def cmd_marks(self, user: dict, arg: str) -> None:
        """The master's bookings of the last 7 days that began, a card each with Came / Did not come: slotcraft's
        attendance, which the reports count. A mark can be changed."""
        master_id = self.require_master(user)
        if master_id is None:
            return
        now = self.now()
        begun = [b for b in self.s.upcoming(master_id, now - timedelta(days=7), 8)
                 if b.status == sc.BookingStatus.confirmed and b.start <= now]
        if not begun:
            self.say(user, "marks_none")
        for b in begun:
            self.attendance_card(user, b, None)

    def attendance_card(self, user: dict, b: sc.BookingRecord, message_id: int | None) -> None:
        client = self.s.client(b.client) if b.client else None
        params = {"when": self.when(user, b.start, self.master_zone(b.resource)), "service": self.service_name(b.service),
                  "client": client.name if client else "-", "mark": self.t(user, f"mark_{b.attendance.name}")}
        keys = [[btn("btn_came", f"at:a:{b.id}"), btn("btn_no_show", f"at:n:{b.id}")]]
        if message_id is None:
            self.say(user, "attendance_card", keys, **params)
        else:
            self.edit(user, message_id, "attendance_card", keys, **params)

    def cb_at(self, user: dict, rest: str, message_id: int | None) -> None:
        """`at:a:<booking>` came, `at:n:<booking>` did not come: only the booking's own master, once it began."""
        mark, _, booking_id = rest.partition(":")
        b = self.s.booking(booking_id) if booking_id else None
        if (mark not in self.ATTENDANCE or b is None or b.resource != self.store.master_of_user(user["user_id"])
                or b.status != sc.BookingStatus.confirmed or b.start > self.now()):
            log.warning("attendance button %r refused for user=%s", rest[:64], user["user_id"])
            self.say(user, "stale_button")
            return
        b = self.s.mark_attendance(b.id, self.ATTENDANCE[mark], now=self.now(), actor=self.actor(user))
        log.info("action attendance booking=%s mark=%s user=%s", b.id, b.attendance.name, user["user_id"])
        self.attendance_card(user, b, message_id)

    def cmd_feed(self, user: dict, arg: str) -> None:
        """`/feed [off]`: the master's calendar feed (BotCore.feed_command)."""
        master_id = self.require_master(user)
        if master_id is not None:
            self.feed_command(user, master_id, arg.strip())

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
            lines = [self.t(master, "agenda_line", time=b.start.astimezone(zone).strftime("%H:%M"),
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

    def own_booking(self, user: dict, booking_id: str, as_master: bool) -> sc.BookingRecord | None:
        b = self.s.booking(booking_id)
        if as_master:
            ok = b is not None and b.resource == self.store.master_of_user(user["user_id"])
        else:
            ok = b is not None and bool(user["client_id"]) and b.client == user["client_id"]
        if not ok or b is None or b.status != sc.BookingStatus.confirmed or b.end <= self.now():
            self.say(user, "booking_gone")
            return None
        return b

    def cb_k(self, user: dict, rest: str, message_id: int | None) -> None:
        self.booking_action(user, rest, as_master=True)

    def cb_c(self, user: dict, rest: str, message_id: int | None) -> None:
        self.booking_action(user, rest, as_master=False)

    def booking_action(self, user: dict, rest: str, as_master: bool) -> None:
        """`x:<id>` asks whether to cancel, `y:<id>` cancels, `n:<id>` keeps it; `r:<id>` pick a new day,
        `d:<id>:<day>` times, `t:<id>:<epoch>:<place>` move there.
        The days and times offered are slotcraft's for this very move (`slots(..., ignore_booking=<id>)`: the
        booking left out, each time at its place), so every one is a time `reschedule` accepts."""
        action, _, arg = rest.partition(":")
        booking_id, _, value = arg.partition(":")
        b = self.own_booking(user, booking_id, as_master)
        if b is None:
            return
        prefix = "k" if as_master else "c"
        zone = self.master_zone(b.resource)
        if action == "x":  # are you sure?
            self.say(user, "sure_cancel", [[btn("btn_yes_cancel", f"{prefix}:y:{b.id}"),
                                            btn("btn_keep", f"{prefix}:n:{b.id}")]],
                     when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     place=self.place_name(b.location))
        elif action == "n":
            self.say(user, "kept_booking", when=self.when(user, b.start, zone))
        elif action == "y":
            self.s.cancel(b.id, "master" if as_master else "client", now=self.now(), actor=self.actor(user))
            self.say(user, "cancelled", when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     place=self.place_name(b.location))
            self.notify_other_side(b, as_master, "notice_master_cancelled", "notice_client_cancelled", zone)
        elif action == "r":
            self.show_days(user, b.resource, b.service, f"{prefix}:d:{b.id}", moving=b.id)
        elif action == "d":
            self.show_times(user, b.resource, b.service, self.parse_day(value), f"{prefix}:t:{b.id}", f"{prefix}:r:{b.id}",
                            moving=b.id)
        elif action == "t":
            picked = self.time_button(b.resource, value)
            if picked is None:
                self.say(user, "stale_button")
                return
            start, location = picked[0], picked[1] or b.location  # a button without a place: the booking's own
            if start == b.start and location == b.location:
                self.say(user, "not_moved", when=self.when(user, b.start, zone), place=self.place_name(b.location))
                return
            try:
                moved = self.s.reschedule(b.id, start, location=location, now=self.now(), actor=self.actor(user))
            except (sc.Conflict, sc.InvalidArgument) as e:
                log.info("action move refused user=%s booking=%s field=%s", user["user_id"], b.id, e.field)
                self.say(user, "slot_taken")
                self.show_times(user, b.resource, b.service, start.astimezone(zone).date(), f"{prefix}:t:{b.id}",
                                f"{prefix}:r:{b.id}", moving=b.id)
                return
            log.info("action moved user=%s booking=%s location=%s", user["user_id"], b.id, moved.location)
            self.say(user, "moved", old=self.when(user, b.start, zone), new=self.when(user, moved.start, zone),
                     service=self.service_name(b.service), place=self.place_name(moved.location))
            self.notify_other_side(moved, as_master, "notice_master_moved", "notice_client_moved", zone, old=b.start)
        else:
            self.say(user, "stale_button")

    def notify_other_side(self, b: sc.BookingRecord, by_master: bool, to_client: str, to_master: str, zone: ZoneInfo,
                          old: datetime | None = None) -> None:
        other = self.store.user_by_client(b.client) if by_master else self.master_user(b.resource)
        if other is None:
            log.warning("booking %s: nobody to tell", b.id)
            return
        params = {"when": self.when(other, b.start, zone), "service": self.service_name(b.service),
                  "place": self.place_name(b.location),
                  "master": self.master_name(b.resource), "client": (self.s.client(b.client).name if b.client else "-")}
        if old is not None:
            params["old"] = self.when(other, old, zone)
        self.say(other, to_client if by_master else to_master, **params)

    # ---- free days and times (shared by booking and moving) --------------------------------------

    def free_slots(self, master_id: str, service_id: str, moving: str = "") -> list[sc.LocatedSlot]:
        """slotcraft's free times of the master for the service, one per start and place; `moving`: the times
        that booking could be moved to (it is left out, as if cancelled)."""
        if service_id not in self.s.services_of(master_id):
            return []  # removed: slotcraft offers it no more (and refuses to list it for this master)
        now = self.now()
        return self.s.slots(service_id, now, now + self.horizon, resources=[master_id], ignore_booking=moving, now=now)

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
        for slot in self.free_slots(master_id, service_id, moving):
            day = slot.start.astimezone(zone).date()
            if day not in days:
                days.append(day)
        if not days:
            self.say(user, "no_free_days")
            return
        buttons = [btn("day_button", f"{prefix}:{d:%Y%m%d}", wd=self.t(user, f"wd_{d.weekday()}"), date=d.strftime("%d.%m"))
                   for d in days]
        self.say(user, "pick_day", [buttons[i : i + 3] for i in range(0, len(buttons), 3)],
                 service=self.service_name(service_id))

    def own_starts(self, user: dict, service_id: str, moving: str = "") -> set[datetime]:
        """The starts at which the client already has a seat (booked or held) of this service, the
        booking being moved (`moving`) aside."""
        if not user.get("client_id"):
            return set()
        active = (sc.BookingStatus.confirmed, sc.BookingStatus.held)
        return {b.start for b in self.s.client_bookings(user["client_id"], active=True, now=self.now())
                if b.service == service_id and b.status in active and b.id != moving}

    def show_times(self, user: dict, master_id: str, service_id: str, day: date, prefix: str, back: str,
                   moving: str = "") -> None:
        """One button per free time and place (`<prefix>:<epoch>:<place>`); with several places each names its own.
        A class the client already has a seat in is not offered again."""
        zone = self.master_zone(master_id)
        taken = self.own_starts(user, service_id, moving)
        slots = [s for s in self.free_slots(master_id, service_id, moving)
                 if s.start.astimezone(zone).date() == day and s.start not in taken]
        if not slots:
            self.say(user, "no_free_times", [[btn("btn_other_day", back)]])
            return
        r = self.s.resource(master_id)
        several = r is not None and len(r.schedules) > 1
        buttons: list[Button] = []
        for s in slots[:40]:
            data = f"{prefix}:{int(s.start.timestamp())}:{self.place_key(master_id, s.location)}"
            at = s.start.astimezone(zone).strftime("%H:%M")
            buttons.append(btn("time_place_button", data, time=at, place=self.place_name(s.location)) if several
                           else btn("time_button", data, time=at))
        width = 2 if several else 4
        rows = [buttons[i : i + width] for i in range(0, len(buttons), width)] + [[btn("btn_other_day", back)]]
        self.say(user, "pick_time", rows, wd=self.t(user, f"wd_{day.weekday()}"), date=day.strftime("%d.%m"))

    # ---- client: masters and booking ----------------------------------------------------------------

    def require_client(self, user: dict) -> str | None:
        user.update(self.reload(user))
        if not user["active_master"]:
            self.say(user, "no_master")
        return user["active_master"] or None

    def cmd_masters(self, user: dict, arg: str) -> None:
        masters = self.store.masters_of_client(user["user_id"])
        if not masters:
            self.say(user, "no_master")
            return
        current = self.reload(user)["active_master"]
        self.say(user, "pick_master", [[btn("master_button_active" if m == current else "master_button", f"m:{m}",
                                           name=self.master_name(m))] for m in masters])

    def cb_ms(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_masters(user, "")

    def cb_m(self, user: dict, master_id: str, message_id: int | None) -> None:
        if master_id not in self.store.masters_of_client(user["user_id"]):
            self.say(user, "stale_button")
            return
        self.set_state(user, "")
        self.store.set_field(user["user_id"], "active_master", master_id)
        self.say(user, "switched", self.client_menu(), master=self.master_name(master_id))

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
        service_id, _, value = arg.partition(":")
        if service_id not in dict(self.store.services(master_id)):
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
        if start in self.own_starts(user, service_id):
            # One seat per client in a class (until slotcraft has per-client limits: the engine issue).
            self.say(user, "already_in_class", service=self.service_name(service_id), when=self.when(user, start, zone))
            self.show_times(user, master_id, service_id, day, f"b:t:{service_id}", f"b:s:{service_id}")
            return
        match = [s for s in self.free_slots(master_id, service_id) if s.start == start and location in (None, s.location)]
        slot = match[0] if len(match) == 1 else None
        hold = None
        if slot is not None:
            try:
                hold = self.s.hold(master_id, service_id, start, self.hold_ttl, location=slot.location,
                                   client=user["client_id"], now=self.now(), actor=self.actor(user))
            except sc.Conflict as e:
                log.info("action hold refused user=%s: %s", user["user_id"], [r.code.name for r in e.reasons])
        if hold is None:
            self.say(user, "slot_taken")
            self.show_times(user, master_id, service_id, day, f"b:t:{service_id}", f"b:s:{service_id}")
            return
        log.info("action hold user=%s booking=%s", user["user_id"], hold.id)
        # The dialog is saved before the card is sent: a bot restarted after sending finds it.
        self.set_state(user, "confirm", {"hold": hold.hold_token, "hold_id": hold.id})
        card = self.say(user, "confirm_booking", self.confirm_buttons(hold.id),
                        service=self.service_name(service_id), when=self.when(user, start, zone),
                        place=self.place_name(hold.location), minutes=self.hold_ttl // timedelta(minutes=1))
        self.remember_card(user, card)

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

    def set_state(self, user: dict, state: str, data: dict | None = None) -> None:
        """Leaving the confirm step by any way but confirming releases the held time and closes its card."""
        if user["state"] == "confirm" and state != "confirm":
            self.release_hold(user)
        super().set_state(user, state, data)

    def release_hold(self, user: dict) -> None:
        data = user["data"] if user["state"] == "confirm" else {}
        hold_id = data.get("hold_id")
        if hold_id:
            b = self.s.booking(hold_id)
            if b is not None and b.status == sc.BookingStatus.held:
                self.s.cancel(hold_id, "released", now=self.now(), actor=self.actor(user))
                self.close_card(user, data.get("card"), hold_id)

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
                self.say(user, "slot_taken")
                self.show_times(user, hold.resource, hold.service, hold.start.astimezone(zone).date(),
                                f"b:t:{hold.service}", f"b:s:{hold.service}")
            return
        self.set_state(user, "")
        zone = self.master_zone(b.resource)
        log.info("action booked user=%s booking=%s", user["user_id"], b.id)
        if message_id is not None:  # the question loses its buttons: it has been answered
            self.edit(user, message_id, "confirm_done", service=self.service_name(b.service),
                      when=self.when(user, b.start, zone))
        self.say(user, "booked", service=self.service_name(b.service), when=self.when(user, b.start, zone),
                 place=self.place_name(b.location), master=self.master_name(b.resource))
        master = self.master_user(b.resource)
        if master is not None:
            self.say(master, "notice_new_booking", client=user["name"], service=self.service_name(b.service),
                     when=self.when(master, b.start, zone), place=self.place_name(b.location))

    def cmd_my(self, user: dict, arg: str) -> None:
        user.update(self.reload(user))
        bookings = []
        if user["client_id"]:
            bookings = [b for b in self.s.client_bookings(user["client_id"], active=True, now=self.now())
                        if b.status == sc.BookingStatus.confirmed]
        if not bookings:
            self.say(user, "no_bookings")
            return
        for b in bookings:
            zone = self.master_zone(b.resource)
            self.say(user, "client_booking", [[btn("btn_cancel", f"c:x:{b.id}"), btn("btn_reschedule", f"c:r:{b.id}")]],
                     when=self.when(user, b.start, zone), service=self.service_name(b.service),
                     master=self.master_name(b.resource), place=self.place_name(b.location))

    def cb_my(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_my(user, "")

    # ---- relay, history, reviews ---------------------------------------------------------------------

    def cmd_write(self, user: dict, arg: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        self.set_state(user, "write")
        self.prompt(user)

    def cb_wr(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_write(user, "")

    def st_write(self, user: dict, text: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        self.store.add_message(master_id, user["user_id"], "client", text, self.now().isoformat())
        master = self.master_user(master_id)
        if master is not None:
            self.say(master, "msg_from_client", [[btn("btn_reply", f"rep:{user['user_id']}")]], client=user["name"], text=text)
        self.set_state(user, "")
        self.say(user, "sent_to_master", master=self.master_name(master_id))

    def on_free_text(self, user: dict, text: str) -> None:
        """A client's words outside a dialog go to their master, as /write would send them (two-way chat)."""
        if user["active_master"] and self.store.master_of_user(user["user_id"]) is None:
            log.info("action relay user=%s", user["user_id"])
            self.st_write(user, text)
            return
        super().on_free_text(user, text)

    # ---- one client on several messengers -------------------------------------------------------

    def cmd_connect(self, user: dict, arg: str) -> None:
        """`/connect`: a one-time code; `/connect CODE` on another messenger makes that account the same client."""
        if not arg:
            if self.require_client(user) is None:
                return
            code = f"{secrets.randbelow(10**8):08d}"
            expires = self.now() + CONNECT_CODE_LIFE
            self.store.new_connect_code(user["user_id"], code, expires.isoformat())
            self.say(user, "connect_code", code=code, minutes=int(CONNECT_CODE_LIFE.total_seconds() // 60))
            return
        origin_id = self.store.take_connect_code(arg.strip(), self.now().isoformat())
        origin = self.store.user(origin_id) if origin_id else None
        if origin is None or origin_id == user["user_id"] or not origin["client_id"]:
            self.say(user, "connect_bad")
            return
        target = self.s.client(origin["client_id"])
        if target is None:
            self.say(user, "connect_bad")
            return
        mine = self.identity(user)
        own = self.s.client(user["client_id"]) if user["client_id"] and user["client_id"] != target.id else None
        if own is not None and self.s.client_bookings(own.id, active=True, now=self.now()):
            self.say(user, "connect_has_bookings")
            return
        if own is not None:  # an account that joined on its own, without bookings: its identity moves
            own.identities = [i for i in own.identities if (i.network.name, i.external_id) != mine]
            self.s.put_client(own, actor=self.actor(user))
        if all((i.network.name, i.external_id) != mine for i in target.identities):
            target.identities = [*target.identities, sc.Identity(*mine)]
            self.s.put_client(target, actor=self.actor(user))
        self.store.set_field(user["user_id"], "client_id", target.id)
        for master_id in self.store.masters_of_client(origin_id):
            self.store.link_client(master_id, user["user_id"], self.now().isoformat())
        self.store.set_field(user["user_id"], "active_master", origin["active_master"])
        log.info("action connect user=%s to client=%s", user["user_id"], target.id)
        for account in (user, origin):
            self.say(account, "connect_done")

    def cb_rep(self, user: dict, client_user_id: str, message_id: int | None) -> None:
        master_id = self.require_master(user)
        if master_id is None:
            return
        if client_user_id not in self.store.clients_of_master(master_id):
            self.say(user, "stale_button")
            return
        self.set_state(user, "reply", {"to": client_user_id})
        self.prompt(user)

    def st_reply(self, user: dict, text: str) -> None:
        master_id = self.store.master_of_user(user["user_id"])
        client = self.store.user(user["data"]["to"])
        if master_id is None or client is None:
            self.set_state(user, "")
            self.say(user, "stale_button")
            return
        self.store.add_message(master_id, client["user_id"], "master", text, self.now().isoformat())
        self.say(client, "msg_from_master", [[btn("btn_reply", "wr:")]], master=self.master_name(master_id), text=text)
        self.set_state(user, "")
        self.say(user, "sent_to_client", client=client["name"])

    def cmd_history(self, user: dict, arg: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        messages = self.store.history(master_id, user["user_id"])
        if not messages:
            self.say(user, "history_empty")
            return
        name, zone = self.master_name(master_id), self.master_zone(master_id)
        lines = [self.t(user, "history_line_client" if sender == "client" else "history_line_master",
                        master=name, text=text[:300], at=self.when(user, datetime.fromisoformat(at), zone))
                 for sender, text, at in messages]
        self.say(user, "history", master=name, lines="\n".join(lines))

    def cb_hist(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_history(user, "")

    def cmd_review(self, user: dict, arg: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        now = self.now()
        visits = [b for b in self.s.client_bookings(user["client_id"], active=False, now=now)
                  if b.status == sc.BookingStatus.confirmed and b.resource == master_id and b.end <= now
                  and not self.store.reviewed(b.id)] if user["client_id"] else []
        if not visits:
            self.say(user, "no_visits")
            return
        b = max(visits, key=lambda v: v.start)
        stars = [btn("star_button", f"rv:{b.id}:{n}", n=n) for n in range(1, 6)]
        self.say(user, "ask_rating", [stars], service=self.service_name(b.service),
                 when=self.when(user, b.start, self.master_zone(master_id)))

    def cb_rv(self, user: dict, rest: str, message_id: int | None) -> None:
        if not rest:
            self.cmd_review(user, "")
            return
        booking_id, _, rating = rest.partition(":")
        b = self.s.booking(booking_id)
        if b is None or b.client != user["client_id"] or rating not in ("1", "2", "3", "4", "5") or self.store.reviewed(b.id):
            self.say(user, "stale_button")
            return
        self.set_state(user, "review_text", {"booking": booking_id, "rating": int(rating)})
        self.prompt(user)

    def st_review_text(self, user: dict, text: str) -> None:
        b = self.s.booking(user["data"]["booking"])
        assert b is not None
        rating = user["data"]["rating"]
        text = "" if text == "-" else text
        self.store.add_review(b.id, b.resource, user["user_id"], rating, text, self.now().isoformat())
        self.set_state(user, "")
        self.say(user, "review_thanks")
        master = self.master_user(b.resource)
        if master is not None:
            self.say(master, "notice_review", client=user["name"], rating=rating, text=text or "-")

    # ---- reminders (called by the worker) ----------------------------------------------------------------

    def remind(self, b: sc.BookingRecord, offset: timedelta) -> bool:
        user = self.store.user_by_client(b.client) if b.client else None
        if user is None:
            log.warning("reminder for booking %s: the client has no chat", b.id)
            return False
        # The time left, to the nearest minute (a pass a little late, or the first one after a
        # restart, says what is true now), not the offset the reminder was planned at.
        left = round((b.start - self.now()) / timedelta(minutes=1))
        if left <= 0:
            return False
        hours, minutes = divmod(left, 60)
        key = "reminder_minutes" if not hours else "reminder_hours" if not minutes else "reminder_hours_minutes"
        zone = self.master_zone(b.resource)
        self.say(user, key, [[btn("btn_coming", f"rc:{b.id}"), btn("btn_cancel", f"c:x:{b.id}")]],
                 hours=hours, minutes=minutes if hours else left, service=self.service_name(b.service),
                 master=self.master_name(b.resource), when=self.when(user, b.start, zone),
                 place=self.place_name(b.location))
        return True

    def cb_rc(self, user: dict, booking_id: str, message_id: int | None) -> None:
        """"I'm coming" under a reminder: the master hears it once; Cancel beside it asks "are you sure?"."""
        b = self.own_booking(user, booking_id, as_master=False)
        if b is None:
            return
        zone = self.master_zone(b.resource)
        self.say(user, "coming_noted", when=self.when(user, b.start, zone))
        if self.store.mark_coming(b.id, self.now().isoformat()):
            self.notify_other_side(b, False, "", "notice_client_coming", zone)
