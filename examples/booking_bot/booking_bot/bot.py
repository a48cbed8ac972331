"""The booking bot: masters and their clients.

The dialogs are in `handlers/`, one module per area (registration, the
master's tools, bookings, booking a time, chat), each with its handler table:
for every command, button prefix and dialog state, the handler, the roles
allowed and the prompt (botkit/handlers.py). This class joins them with what
they share: the helpers below. Every text a user sees comes from the message
catalogs (`i18n/*.json`): handlers name a catalog key and its parameters
(`self.say(user, "key", ...)`, `btn("key", data)`), and `say` / `edit` are the
only places that call the transport. Scheduling goes through slotcraft's
public API only; the bot's own data lives in `bot_*` tables (storage.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import slotcraft as sc

from botkit import zones
from botkit.clock import Clock
from botkit.core import BotCore, btn
from botkit.handlers import Route
from botkit.throttle import Throttle
from botkit.transport import Transport

from . import i18n
from .handlers import ROUTES, Booking, Bookings, Chat, Common, Master, Registration, Waitlist
from .roles import CLIENT, MASTER
from .service_lines import parse_service
from .storage import BotStore

if TYPE_CHECKING:
    from slotcraft.client import RemoteScheduler

__all__ = ["Bot", "parse_service"]

log = logging.getLogger("booking_bot")


class Bot(Common, Registration, Master, Bookings, Booking, Waitlist, Chat, BotCore):
    catalogs = i18n.BOOKING
    routes = ROUTES

    def __init__(
        self,
        scheduler: sc.Scheduler | RemoteScheduler,  # slotcraft on the database, or over its HTTP API (--api)
        store: BotStore,
        transport: Transport,
        clock: Clock,
        throttle: Throttle,
        *,
        hold_ttl: timedelta = timedelta(minutes=10),
        offer_ttl: timedelta = timedelta(minutes=30),
        horizon_days: int = 14,
        agenda_at: time | None = time(8, 0),
        calendar_url: str = "",
    ) -> None:
        """`agenda_at`: the local time of each master's morning agenda (None: none); `calendar_url`: the HTTP API's
        public address, for the calendar feeds masters subscribe to (empty: no feeds); `offer_ttl`: how long a
        time the waiting list offers stays held for its client."""
        super().__init__(store, transport, clock, throttle)
        self.s = scheduler
        self.agenda_at = agenda_at
        self.calendar_url = calendar_url
        self.unlink_removed()
        self.hold_ttl = hold_ttl
        self.offer_ttl = offer_ttl
        self.horizon = timedelta(days=horizon_days)

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
                      time=zones.wall_time(local))  # the hour the clocks go back: 02:00 CEST or CET

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

    def role(self, user: dict) -> str:
        return MASTER if self.store.master_of_user(user["user_id"]) else CLIENT

    def staff_resource(self, user: dict) -> str:
        """The master's id (their slotcraft resource): for the handlers the tables give to masters only, and
        botkit's staff tools (/marks, /feed)."""
        return self.store.master_of_user(user["user_id"]) or ""

    def refuse(self, user: dict, route: Route, role: str) -> None:
        """Only masters are refused anything: they are asked to register."""
        self.say(user, "not_master", [[btn("btn_register", "reg")]])

    def help(self, user: dict) -> None:
        self.cmd_help(user, "")

    def set_state(self, user: dict, state: str, data: dict | None = None) -> None:
        """Leaving the confirm step by any way but confirming releases the held time and closes its card."""
        if user["state"] == "confirm" and state != "confirm":
            self.release_hold(user)
        super().set_state(user, state, data)
