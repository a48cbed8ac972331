"""A master's registration and editing: name, time zone (by city or
abbreviation), places with their hours and breaks, services; the booking
link."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import slotcraft as sc

from botkit import zones
from botkit.core import InputError, btn
from botkit.handlers import Router
from botkit.parsers import parse_breaks, parse_hours

from ..roles import ANYONE, MASTERS
from ..service_lines import parse_service

log = logging.getLogger("booking_bot")

router = Router("registration")


def ask_hours(bot: Any, user: dict) -> None:
    bot.say(user, "ask_hours", place=user["data"]["draft"]["places"][-1]["name"])


def ask_breaks(bot: Any, user: dict) -> None:
    bot.say(user, "ask_breaks", place=user["data"]["draft"]["places"][-1]["name"])


def ask_more_places(bot: Any, user: dict) -> None:
    bot.say(user, "ask_more_places", [[btn("btn_add_place", "rp:more"), btn("btn_next", "rp:done")]])


def ask_more_services(bot: Any, user: dict) -> None:
    bot.say(user, "ask_more_services", [[btn("btn_add_service", "rs:more"), btn("btn_finish", "rs:done")]])


class Registration:
    """The registration handlers, mixed into the bot (bot.py): `self` is the Bot."""

    @router.button("reg", roles=ANYONE)
    def cb_reg(self, user: dict, rest: str, message_id: int | None) -> None:
        if self.store.master_of_user(user["user_id"]):
            self.say(user, "already_master")
            return
        draft = {"master_id": f"m{user['user_id']}", "places": [], "services": []}
        self.set_state(user, "reg_name", {"draft": draft, "edit": ""})
        self.say(user, "ask_name")

    @router.state("reg_name", roles=ANYONE, prompt="ask_name")
    def st_reg_name(self, user: dict, text: str) -> None:
        if len(text) > 64:
            raise InputError("bad_name")
        user["data"]["draft"]["name"] = text
        self.next_section(user, "name", "reg_tz")

    @router.state("reg_tz", roles=ANYONE, prompt="ask_tz")
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

    @router.button("tz", roles=ANYONE)
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

    @router.state("reg_place", roles=ANYONE, prompt="ask_place")
    def st_reg_place(self, user: dict, text: str) -> None:
        if len(text) > 64:
            raise InputError("bad_name")
        if any(place["name"].casefold() == text.casefold() for place in user["data"]["draft"]["places"]):
            raise InputError("place_twice", place=text)
        user["data"]["draft"]["places"].append({"name": text, "weekly": {}, "breaks": []})
        self.set_state(user, "reg_hours", user["data"])
        self.prompt(user)

    @router.state("reg_hours", roles=ANYONE, prompt=ask_hours)
    def st_reg_hours(self, user: dict, text: str) -> None:
        user["data"]["draft"]["places"][-1]["weekly"] = parse_hours(text)
        self.set_state(user, "reg_breaks", user["data"])
        self.prompt(user)

    @router.state("reg_breaks", roles=ANYONE, prompt=ask_breaks)
    def st_reg_breaks(self, user: dict, text: str) -> None:
        user["data"]["draft"]["places"][-1]["breaks"] = parse_breaks(text)
        self.set_state(user, "reg_more_places", user["data"])
        self.prompt(user)

    @router.state("reg_more_places", roles=ANYONE, prompt=ask_more_places)
    def st_reg_more_places(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    @router.button("rp", roles=ANYONE)
    def cb_rp(self, user: dict, rest: str, message_id: int | None) -> None:
        if user["state"] != "reg_more_places":
            self.say(user, "stale_button")
            return
        if rest == "more":
            self.set_state(user, "reg_place", user["data"])
            self.say(user, "ask_place")
        else:
            self.next_section(user, "places", "reg_service")

    @router.state("reg_service", roles=ANYONE, prompt="ask_service")
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

    @router.state("reg_more_services", roles=ANYONE, prompt=ask_more_services)
    def st_reg_more_services(self, user: dict, text: str) -> None:
        raise InputError("use_buttons")

    @router.button("rs", roles=ANYONE)
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
                               min_notice=timedelta(minutes=service.get("notice", 0)),
                               max_seats_per_client=1)  # one seat a person in a class
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

    @router.command("edit", roles=MASTERS)
    def cmd_edit(self, user: dict, arg: str) -> None:
        self.say(user, "ask_edit", [
            [btn("btn_edit_name", "ed:name"), btn("btn_edit_tz", "ed:tz")],
            [btn("btn_edit_places", "ed:places"), btn("btn_edit_services", "ed:services")],
        ])

    @router.button("ed", roles=MASTERS)
    def cb_ed(self, user: dict, section: str, message_id: int | None) -> None:
        master_id = self.staff_resource(user)
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

    @router.button("sv", roles=MASTERS)
    def cb_sv(self, user: dict, rest: str, message_id: int | None) -> None:
        """`e:<service>` replaces a service (same id: bookings keep it), `x:<service>` removes it."""
        master_id = self.staff_resource(user)
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

    @router.command("link", roles=MASTERS)
    def cmd_link(self, user: dict, arg: str) -> None:
        self.say(user, "your_link", link=self.link(self.staff_resource(user)))
